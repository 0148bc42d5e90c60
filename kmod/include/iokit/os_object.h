/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iokit's object model: refcounted objects with a class chain, and the
 * libkern containers (OSString, OSNumber, OSBoolean, OSData, OSArray,
 * OSDictionary) that registry properties, matching dictionaries and
 * personalities are made of.  For iokit.ko and for driver modules.
 *
 * Rules (Documentation/registry.rst):
 *  - Every object starts with one reference, owned by its creator.
 *    os_object_put() drops one; the last put frees the object.
 *  - Containers take their own reference on what is stored into them and
 *    drop it when the slot is replaced or the container is freed, as
 *    Apple's setObject()/removeObject() do.  Getters return borrowed
 *    pointers, valid while the container holds them.
 *  - Containers are not locked.  A container reachable from more than one
 *    thread (the property table of a registry entry) is guarded by its
 *    owner; values are treated as immutable once they are published there.
 */
#ifndef _IOKIT_OS_OBJECT_H
#define _IOKIT_OS_OBJECT_H

#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/types.h>

struct os_object;

/**
 * struct os_class - a class of objects: name, superclass, destructor
 * @name: class name as IOObjectGetClass() reports it ("OSString",
 *	"IOPCIDevice", ...)
 * @super: the superclass, NULL for the root class OSObject
 * @free: releases what the object owns and frees its memory.  A class
 *	without one uses its nearest ancestor's; a class that can be
 *	instantiated must have one somewhere in its chain.
 * @equal: compares two objects of exactly this class by value; without
 *	one, objects are equal only to themselves
 * @footprint: the bytes the object holds, what it contains included, so
 *	that what a user makes the kernel keep can be charged to it; without
 *	one, the nearest ancestor's, and 0 for OSObject
 */
struct os_class {
	const char *name;
	const struct os_class *super;
	void (*free)(struct os_object *obj);
	bool (*equal)(const struct os_object *a, const struct os_object *b);
	size_t (*footprint)(const struct os_object *obj);
};

/**
 * struct os_object - base of every iokit object
 * @ref: reference count
 * @flags: OS_OBJECT_* bits, set at creation
 * @cls: the object's class
 */
struct os_object {
	struct kref ref;
	u32 flags;
	const struct os_class *cls;
};

/*
 * The object's memory, and what a container grows by later, is charged
 * to its creator's memory cgroup: it was built from what a user sent.
 */
#define OS_OBJECT_ACCOUNTED	0x1

/* The allocation flags for memory that belongs to @obj. */
static inline gfp_t os_object_gfp(const struct os_object *obj)
{
	return obj->flags & OS_OBJECT_ACCOUNTED ? GFP_KERNEL_ACCOUNT : GFP_KERNEL;
}

extern const struct os_class os_object_class;

void os_object_init(struct os_object *obj, const struct os_class *cls);
void os_object_init_gfp(struct os_object *obj, const struct os_class *cls, gfp_t gfp);
struct os_object *os_object_get(struct os_object *obj);
bool os_object_get_unless_zero(struct os_object *obj);
void os_object_put(struct os_object *obj);
bool os_object_conforms_to(const struct os_object *obj, const char *class_name);
bool os_object_is_kind(const struct os_object *obj, const struct os_class *cls);
bool os_class_is_subclass(const struct os_class *cls, const struct os_class *super);
const char *os_object_class_name(const struct os_object *obj);
bool os_object_equal(const struct os_object *a, const struct os_object *b);
size_t os_object_footprint(const struct os_object *obj);
long os_object_live_count(void);

/* ---- OSString: immutable text ---- */
struct os_string {
	struct os_object obj;
	size_t length;
	char str[];
};

extern const struct os_class os_string_class;
struct os_string *os_string_create(const char *str);
struct os_string *os_string_create_len(const char *str, size_t length);
struct os_string *os_string_create_len_gfp(const char *str, size_t length, gfp_t gfp);
struct os_string *os_string_cast(const struct os_object *obj);
bool os_string_equal_cstr(const struct os_string *s, const char *str);

/* ---- OSNumber: an unsigned integer of 8, 16, 32 or 64 bits ---- */
struct os_number {
	struct os_object obj;
	u64 value;
	unsigned int bits;
};

extern const struct os_class os_number_class;
struct os_number *os_number_create(u64 value, unsigned int bits);
struct os_number *os_number_create_gfp(u64 value, unsigned int bits, gfp_t gfp);
struct os_number *os_number_cast(const struct os_object *obj);

/* ---- OSBoolean: the two shared values ---- */
struct os_boolean {
	struct os_object obj;
	bool value;
};

extern const struct os_class os_boolean_class;
struct os_boolean *os_boolean_get(bool value);
struct os_boolean *os_boolean_cast(const struct os_object *obj);

/* ---- OSData: immutable bytes ---- */
struct os_data {
	struct os_object obj;
	size_t length;
	u8 bytes[];
};

extern const struct os_class os_data_class;
struct os_data *os_data_create(const void *bytes, size_t length);
struct os_data *os_data_create_gfp(const void *bytes, size_t length, gfp_t gfp);
struct os_data *os_data_alloc_gfp(size_t length, gfp_t gfp);
struct os_data *os_data_cast(const struct os_object *obj);

/* ---- OSArray: an ordered list of objects ---- */
struct os_array {
	struct os_object obj;
	unsigned int count;
	unsigned int capacity;
	struct os_object **items;
};

extern const struct os_class os_array_class;
struct os_array *os_array_create(unsigned int capacity);
struct os_array *os_array_create_gfp(unsigned int capacity, gfp_t gfp);
int os_array_append(struct os_array *array, struct os_object *item);
struct os_object *os_array_get(const struct os_array *array, unsigned int index);
struct os_array *os_array_cast(const struct os_object *obj);

/* ---- OSDictionary: string keys to objects, in insertion order ---- */
struct os_dictionary_entry {
	struct os_string *key;
	struct os_object *value;
};

struct os_dictionary {
	struct os_object obj;
	unsigned int count;
	unsigned int capacity;
	struct os_dictionary_entry *entries;
};

extern const struct os_class os_dictionary_class;
struct os_dictionary *os_dictionary_create(unsigned int capacity);
struct os_dictionary *os_dictionary_create_gfp(unsigned int capacity, gfp_t gfp);
struct os_dictionary *os_dictionary_copy(const struct os_dictionary *dict);
int os_dictionary_set(struct os_dictionary *dict, const char *key,
		      struct os_object *value);
int os_dictionary_set_key(struct os_dictionary *dict, struct os_string *key,
			  struct os_object *value);
struct os_object *os_dictionary_get(const struct os_dictionary *dict,
				    const char *key);
bool os_dictionary_remove(struct os_dictionary *dict, const char *key);
bool os_dictionary_is_subset(const struct os_dictionary *subset,
			     const struct os_dictionary *dict);
struct os_dictionary *os_dictionary_cast(const struct os_object *obj);

#endif /* _IOKIT_OS_OBJECT_H */
