// SPDX-License-Identifier: GPL-2.0-only
/*
 * The family registry: which family owns a nub class, which keys each
 * interprets, and the family step of matching (Apple's
 * matchPropertyTable()) done through their tables (io_family.h).
 *
 * A personality that holds a family's keys matches only nubs of that
 * family: IOPCIMatch on a USB interface can never hold, whatever the
 * rest of the personality says.
 */
#include <linux/list.h>

#include <iokit/io_matching.h>
#include <iokit/io_service.h>

#include "io_family.h"
#include "iokit_internal.h"

static LIST_HEAD(io_families);

/**
 * io_family_register() - make a family's nub classes and keys known
 * @family: the family; lives until io_family_unregister()
 *
 * Called while iokit loads, before any nub or ioctl exists.
 *
 * Return: 0, or -EEXIST if another family has one of its keys.
 */
int io_family_register(struct io_family *family)
{
	const struct io_family_key *k;

	for (k = family->keys; k->name; k++)
		if (io_family_key_find(k->name))
			return -EEXIST;
	list_add_tail(&family->node, &io_families);
	return 0;
}

/**
 * io_family_unregister() - forget a family; its nubs must be gone
 * @family: a registered family
 */
void io_family_unregister(struct io_family *family)
{
	list_del(&family->node);
}

static const struct io_nub_type *io_family_nub_type(const struct io_family *f,
						    const struct os_class *cls)
{
	const struct io_nub_type *t;

	for (t = f->nubs; t->cls; t++)
		if (t->cls == cls)
			return t;
	return NULL;
}

/* The family and nub type of @service's class or nearest ancestor class. */
static const struct io_family *io_family_of(struct io_service *service,
					    const struct io_nub_type **type)
{
	const struct os_class *cls;
	struct io_family *f;

	for (cls = service->entry.obj.cls; cls; cls = cls->super) {
		list_for_each_entry(f, &io_families, node) {
			*type = io_family_nub_type(f, cls);
			if (*type)
				return f;
		}
	}
	*type = NULL;
	return NULL;
}

/**
 * io_nub_type_of() - the family nub type of a service
 * @service: a service
 *
 * Return: its nub type, or NULL for services no family publishes (the
 * platform entry, IOResources, services drivers publish).
 */
const struct io_nub_type *io_nub_type_of(struct io_service *service)
{
	const struct io_nub_type *t;

	io_family_of(service, &t);
	return t;
}

/**
 * io_family_key_find() - the family key of this name
 * @name: a personality key
 *
 * Return: the key, or NULL if no family interprets it.
 */
const struct io_family_key *io_family_key_find(const char *name)
{
	const struct io_family_key *k;
	struct io_family *f;

	list_for_each_entry(f, &io_families, node)
		for (k = f->keys; k->name; k++)
			if (!strcmp(k->name, name))
				return k;
	return NULL;
}

/* The first of @f's keys that @dict holds, or NULL. */
static const char *io_family_key_in(const struct io_family *f,
				    const struct os_dictionary *dict)
{
	const struct io_family_key *k;

	for (k = f->keys; k->name; k++)
		if (os_dictionary_get(dict, k->name))
			return k->name;
	return NULL;
}

/**
 * io_family_match() - the family step of matching: matchPropertyTable()
 * @service: the candidate provider
 * @dict: the personality or matching dictionary
 * @score: in: the personality's IOProbeScore; out: as the family scores
 * @r: where to say which key failed, or NULL
 *
 * Return: true if every family key of @dict holds on @service.  A
 * dictionary without family keys always does.
 */
bool io_family_match(struct io_service *service, const struct os_dictionary *dict,
		     s32 *score, struct io_match_report *r)
{
	const struct io_nub_type *t;
	const struct io_family *own = io_family_of(service, &t);
	struct io_family *f;
	const char *key;

	list_for_each_entry(f, &io_families, node) {
		key = io_family_key_in(f, dict);
		if (!key || f == own)
			continue;
		io_match_report_fail(r, key, "a %s nub", f->name);
		io_match_report_actual(r, "%s", os_object_class_name(&service->entry.obj));
		return false;
	}
	if (!own || !io_family_key_in(own, dict))
		return true;
	return t->match(service, dict, score, r);
}

/**
 * io_family_personality_key() - the catalogue key a personality pins
 * @dict: a validated personality
 *
 * The family whose nub class IOProviderClass names decides.
 *
 * Return: the key, or IO_CATALOGUE_NO_KEY.
 */
u64 io_family_personality_key(const struct os_dictionary *dict)
{
	struct os_string *cls = os_string_cast(os_dictionary_get(dict, "IOProviderClass"));
	const struct io_nub_type *t;
	struct io_family *f;

	if (!cls)
		return IO_CATALOGUE_NO_KEY;
	list_for_each_entry(f, &io_families, node)
		for (t = f->nubs; t->cls; t++)
			if (os_string_equal_cstr(cls, t->cls->name))
				return f->personality_key ? f->personality_key(dict) :
							    IO_CATALOGUE_NO_KEY;
	return IO_CATALOGUE_NO_KEY;
}

/**
 * io_family_service_key() - the catalogue key of a provider
 * @service: the provider
 *
 * Return: its key, or IO_CATALOGUE_NO_KEY.
 */
u64 io_family_service_key(struct io_service *service)
{
	const struct io_nub_type *t = io_nub_type_of(service);

	return t && t->catalogue_key ? t->catalogue_key(service) : IO_CATALOGUE_NO_KEY;
}

/**
 * io_family_nub_for_device() - the nub some family made for a device
 * @dev: a Linux device
 *
 * Lets one family hang its nubs under another's (a USB root hub under its
 * host controller's PCI nub) without knowing it.
 *
 * Return: the nub, referenced, or NULL.
 */
struct io_registry_entry *io_family_nub_for_device(struct device *dev)
{
	const struct io_nub_type *t;
	struct io_registry_entry *e;
	struct io_family *f;

	list_for_each_entry(f, &io_families, node) {
		for (t = f->nubs; t->cls; t++) {
			e = t->nub_for_device ? t->nub_for_device(dev) : NULL;
			if (e)
				return e;
		}
	}
	return NULL;
}

/**
 * io_family_value_is_number() - a family key's value check: an OSNumber
 * @value: the value
 *
 * Return: true if it is one.
 */
bool io_family_value_is_number(const struct os_object *value)
{
	return os_number_cast(value);
}

/**
 * io_family_value_is_numbers() - a family key's value check: a non-empty
 *	OSArray of OSNumbers, as long as a personality's arrays may be
 * @value: the value
 *
 * Return: true if it is one.
 */
bool io_family_value_is_numbers(const struct os_object *value)
{
	const struct os_array *a = os_array_cast(value);
	unsigned int i;

	if (!a || !a->count || a->count > IO_PERSONALITY_ARRAY_MAX)
		return false;
	for (i = 0; i < a->count; i++)
		if (!os_number_cast(a->items[i]))
			return false;
	return true;
}
