// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSDictionary: string keys to objects, kept in insertion order (so a
 * property table serializes the way it was built).  Lookups are linear:
 * registry property tables and matching dictionaries hold tens of keys,
 * where a scan beats hashing.
 */
#include <linux/export.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <iokit/os_object.h>

#include "iokit_internal.h"

static void os_dictionary_free(struct os_object *obj)
{
	struct os_dictionary *dict = container_of(obj, struct os_dictionary, obj);
	unsigned int i;

	for (i = 0; i < dict->count; i++) {
		os_object_put(&dict->entries[i].key->obj);
		os_object_put(dict->entries[i].value);
	}
	kvfree(dict->entries);
	kfree(dict);
}

static int os_dictionary_find(const struct os_dictionary *dict,
			      const char *key, size_t length)
{
	unsigned int i;

	for (i = 0; i < dict->count; i++) {
		const struct os_string *k = dict->entries[i].key;

		if (k->length == length && !memcmp(k->str, key, length))
			return i;
	}
	return -1;
}

static bool os_dictionary_equal(const struct os_object *a,
				const struct os_object *b)
{
	const struct os_dictionary *da = container_of(a, struct os_dictionary, obj);
	const struct os_dictionary *db = container_of(b, struct os_dictionary, obj);

	return da->count == db->count && os_dictionary_is_subset(da, db);
}

static size_t os_dictionary_footprint(const struct os_object *obj)
{
	const struct os_dictionary *dict = container_of(obj, struct os_dictionary, obj);
	size_t n = sizeof(*dict) + dict->capacity * sizeof(*dict->entries);
	unsigned int i;

	for (i = 0; i < dict->count; i++)
		n += os_object_footprint(&dict->entries[i].key->obj) +
		     os_object_footprint(dict->entries[i].value);
	return n;
}

/* os_dictionary_class: OSDictionary */
const struct os_class os_dictionary_class = {
	.name = "OSDictionary",
	.super = &os_object_class,
	.free = os_dictionary_free,
	.equal = os_dictionary_equal,
	.footprint = os_dictionary_footprint,
};
EXPORT_SYMBOL_GPL(os_dictionary_class);

/**
 * os_dictionary_create_gfp() - an empty OSDictionary
 * @capacity: room to reserve; the dictionary grows past it as needed
 * @gfp: allocation flags, now and when it grows (GFP_KERNEL_ACCOUNT for
 *	what a user sent)
 *
 * Return: a new dictionary with one reference, or NULL if out of memory.
 */
struct os_dictionary *os_dictionary_create_gfp(unsigned int capacity, gfp_t gfp)
{
	struct os_dictionary *dict;

	dict = kzalloc(sizeof(*dict), gfp);
	if (!dict)
		return NULL;
	if (capacity) {
		dict->entries = kvmalloc_array(capacity, sizeof(*dict->entries), gfp);
		if (!dict->entries) {
			kfree(dict);
			return NULL;
		}
		dict->capacity = capacity;
	}
	os_object_init_gfp(&dict->obj, &os_dictionary_class, gfp);
	return dict;
}
EXPORT_SYMBOL_GPL(os_dictionary_create_gfp);

/**
 * os_dictionary_create() - an empty OSDictionary
 * @capacity: room to reserve; the dictionary grows past it as needed
 *
 * Return: a new dictionary with one reference, or NULL if out of memory.
 */
struct os_dictionary *os_dictionary_create(unsigned int capacity)
{
	return os_dictionary_create_gfp(capacity, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_dictionary_create);

/**
 * os_dictionary_copy() - a shallow copy: same keys and values, new table
 * @dict: the dictionary
 *
 * Return: a new dictionary with one reference, or NULL if out of memory.
 */
struct os_dictionary *os_dictionary_copy(const struct os_dictionary *dict)
{
	struct os_dictionary *copy = os_dictionary_create(dict->count);
	unsigned int i;

	if (!copy)
		return NULL;
	for (i = 0; i < dict->count; i++) {
		os_object_get(&dict->entries[i].key->obj);
		copy->entries[i].key = dict->entries[i].key;
		copy->entries[i].value = os_object_get(dict->entries[i].value);
	}
	copy->count = dict->count;
	return copy;
}
EXPORT_SYMBOL_GPL(os_dictionary_copy);

/**
 * os_dictionary_set_key() - setObject(key, value) with an OSString key
 * @dict: the dictionary
 * @key: the key; the dictionary takes its own reference
 * @value: the value; the dictionary takes its own reference and drops the
 *	one on a value it replaces
 *
 * Return: 0, or -ENOMEM (the dictionary is unchanged).
 */
int os_dictionary_set_key(struct os_dictionary *dict, struct os_string *key,
			  struct os_object *value)
{
	int i = os_dictionary_find(dict, key->str, key->length);

	if (i >= 0) {
		os_object_put(dict->entries[i].value);
		dict->entries[i].value = os_object_get(value);
		return 0;
	}
	if (dict->count == dict->capacity) {
		unsigned int capacity = dict->capacity ? dict->capacity * 2 : 8;
		struct os_dictionary_entry *entries;

		entries = iokit_kvgrow(dict->entries, dict->count, capacity,
				       sizeof(*entries), os_object_gfp(&dict->obj));
		if (!entries)
			return -ENOMEM;
		dict->entries = entries;
		dict->capacity = capacity;
	}
	os_object_get(&key->obj);
	dict->entries[dict->count].key = key;
	dict->entries[dict->count].value = os_object_get(value);
	dict->count++;
	return 0;
}
EXPORT_SYMBOL_GPL(os_dictionary_set_key);

/**
 * os_dictionary_set() - setObject(key, value) with a C string key
 * @dict: the dictionary
 * @key: the key, copied
 * @value: the value; see os_dictionary_set_key()
 *
 * Return: 0, or -ENOMEM (the dictionary is unchanged).
 */
int os_dictionary_set(struct os_dictionary *dict, const char *key,
		      struct os_object *value)
{
	struct os_string *k;
	int i, ret;

	i = os_dictionary_find(dict, key, strlen(key));
	if (i >= 0)
		return os_dictionary_set_key(dict, dict->entries[i].key, value);
	k = os_string_create(key);
	if (!k)
		return -ENOMEM;
	ret = os_dictionary_set_key(dict, k, value);
	os_object_put(&k->obj);
	return ret;
}
EXPORT_SYMBOL_GPL(os_dictionary_set);

/**
 * os_dictionary_get() - getObject(key), borrowed
 * @dict: the dictionary
 * @key: the key
 *
 * Return: the value, or NULL if @key is absent.
 */
struct os_object *os_dictionary_get(const struct os_dictionary *dict,
				    const char *key)
{
	int i = os_dictionary_find(dict, key, strlen(key));

	return i >= 0 ? dict->entries[i].value : NULL;
}
EXPORT_SYMBOL_GPL(os_dictionary_get);

/**
 * os_dictionary_remove() - removeObject(key)
 * @dict: the dictionary
 * @key: the key
 *
 * Return: true if @key was present.
 */
bool os_dictionary_remove(struct os_dictionary *dict, const char *key)
{
	int i = os_dictionary_find(dict, key, strlen(key));

	if (i < 0)
		return false;
	os_object_put(&dict->entries[i].key->obj);
	os_object_put(dict->entries[i].value);
	memmove(&dict->entries[i], &dict->entries[i + 1],
		(dict->count - i - 1) * sizeof(*dict->entries));
	dict->count--;
	return true;
}
EXPORT_SYMBOL_GPL(os_dictionary_remove);

/**
 * os_dictionary_is_subset() - every key of @subset is in @dict, equal
 * @subset: the keys and values to look for
 * @dict: where to look
 *
 * This is IOPropertyMatch: isEqualTo(subset, subset) on Apple's side.
 *
 * Return: true if each value of @subset equals @dict's under the same key.
 */
bool os_dictionary_is_subset(const struct os_dictionary *subset,
			     const struct os_dictionary *dict)
{
	unsigned int i;

	for (i = 0; i < subset->count; i++) {
		const struct os_string *k = subset->entries[i].key;
		int j = os_dictionary_find(dict, k->str, k->length);

		if (j < 0 || !os_object_equal(subset->entries[i].value,
					      dict->entries[j].value))
			return false;
	}
	return true;
}
EXPORT_SYMBOL_GPL(os_dictionary_is_subset);

/**
 * os_dictionary_cast() - OSDynamicCast(OSDictionary, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSDictionary, or NULL if it is not one.
 */
struct os_dictionary *os_dictionary_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_dictionary_class) ?
	       container_of(obj, struct os_dictionary, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_dictionary_cast);
