/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Families: the buses whose devices iokit publishes as nubs (PCI, USB).
 *
 * A family knows what the matching core must not: the personality keys
 * of its bus and how they match and score (Apple's matchPropertyTable),
 * the key the catalogue indexes its personalities by, how a driver that
 * won a nub comes to own the device through the Linux driver core, and
 * which native Linux driver holds a device instead.  It says so in a
 * struct io_family, registered when iokit loads; the core calls it only
 * through that table, so a new family is a new folder under families/
 * and a line in iokit_main.c, never an edit of the matching core
 * (Documentation/matching.rst, "Families").
 *
 * Families register while iokit loads, before any nub or ioctl exists,
 * and unregister while it unloads, after the last nub is gone: the list
 * is read without a lock.
 */
#ifndef IOKIT_IO_FAMILY_H
#define IOKIT_IO_FAMILY_H

#include <linux/list.h>
#include <linux/types.h>

struct device;
struct io_match_report;
struct io_registry_entry;
struct io_service;
struct os_class;
struct os_dictionary;
struct os_object;

/* A personality or provider without a family primary key. */
#define IO_CATALOGUE_NO_KEY	U64_MAX

/**
 * struct io_family_key - a personality key a family interprets
 * @name: the key
 * @valid: whether a value is acceptable for it
 */
struct io_family_key {
	const char *name;
	bool (*valid)(const struct os_object *value);
};

/**
 * struct io_nub_type - one class of nub a family publishes
 * @cls: the nub class (IOPCIDevice, IOUSBHostInterface, ...)
 * @match: the family's keys of @dict against @nub (called only when
 *	@dict holds one of them): true if they match, with *@score adjusted
 *	as the family scores; else the failed key goes to @r
 * @catalogue_key: the key the catalogue finds @nub's personalities by,
 *	or IO_CATALOGUE_NO_KEY
 * @bind: a matching round on @nub: give the device to the drivers that
 *	match it through the driver core (they start in its probe), or let
 *	it go when none does.  NULL: the candidates start directly.
 * @claim: the administrator's claim: @bind, taking the device from a
 *	native Linux driver first.  NULL: this class cannot be claimed.
 * @native_driver: the Linux driver other than iokit's that holds the
 *	device, its name copied to @buf: 1 if one does, 0 if none, -EBUSY
 *	if that cannot be known without waiting for the device's lock
 * @nub_for_device: the nub of @dev (referenced), or NULL if @dev is not
 *	one of this class's devices
 */
struct io_nub_type {
	const struct os_class *cls;
	bool (*match)(struct io_service *nub, const struct os_dictionary *dict,
		      s32 *score, struct io_match_report *r);
	u64 (*catalogue_key)(struct io_service *nub);
	int (*bind)(struct io_service *nub);
	int (*claim)(struct io_service *nub);
	int (*native_driver)(struct io_service *nub, char *buf, size_t size);
	struct io_registry_entry *(*nub_for_device)(struct device *dev);
};

/**
 * struct io_family - a bus family
 * @name: "PCI", "USB", for the log and the match ledger
 * @keys: the personality keys it interprets, ended by a NULL name
 * @personality_key: the catalogue key a personality for one of its
 *	classes pins, or IO_CATALOGUE_NO_KEY
 * @nubs: its nub classes, ended by a NULL @cls
 * @init: publish the bus's devices and follow hot-plug; register the
 *	family's Linux drivers
 * @stop: stop following hot-plug: no nub is added or removed after it
 * @exit: unregister the Linux drivers (stopping what runs on their
 *	devices) and remove every nub
 * @node: in the family list
 */
struct io_family {
	const char *name;
	const struct io_family_key *keys;
	u64 (*personality_key)(const struct os_dictionary *dict);
	const struct io_nub_type *nubs;
	int (*init)(void);
	void (*stop)(void);
	void (*exit)(void);
	struct list_head node;
};

int io_family_register(struct io_family *family);
void io_family_unregister(struct io_family *family);

const struct io_nub_type *io_nub_type_of(struct io_service *service);
const struct io_family_key *io_family_key_find(const char *name);
bool io_family_match(struct io_service *service, const struct os_dictionary *dict,
		     s32 *score, struct io_match_report *r);
u64 io_family_personality_key(const struct os_dictionary *dict);
u64 io_family_service_key(struct io_service *service);
struct io_registry_entry *io_family_nub_for_device(struct device *dev);

/* Value checks for family keys (io_family.c). */
bool io_family_value_is_number(const struct os_object *value);
bool io_family_value_is_numbers(const struct os_object *value);

/* The families iokit_main.c starts: families/ and the test-only one. */
extern struct io_family io_pci_family;
extern struct io_family io_usb_family;
extern struct io_family io_test_family;

#endif /* IOKIT_IO_FAMILY_H */
