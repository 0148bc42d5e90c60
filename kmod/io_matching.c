// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passive matching with Apple's generic keys (IOService::matchInternal and
 * matchPassive): every key present must match.  A matching dictionary is
 * validated once, up front, so that a misspelt key or a value of the wrong
 * type is an error the caller sees, not a silent mismatch.
 */
#include <linux/export.h>
#include <linux/string.h>

#include <iokit/io_matching.h>
#include <iokit/io_service.h>

#include "shared/os_serial.h"

/* A string, or an array of strings (an OR). */
static bool io_matching_is_strings(const struct os_object *v)
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (os_string_cast(v))
		return true;
	if (!a || !a->count)
		return false;
	for (i = 0; i < a->count; i++)
		if (!os_string_cast(a->items[i]))
			return false;
	return true;
}

/* A dictionary, or an array of dictionaries (an OR). */
static bool io_matching_is_dicts(const struct os_object *v)
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (os_dictionary_cast(v))
		return true;
	if (!a || !a->count)
		return false;
	for (i = 0; i < a->count; i++)
		if (!os_dictionary_cast(a->items[i]))
			return false;
	return true;
}

static bool io_matching_is_string(const struct os_object *v)
{
	return os_string_cast(v);
}

static bool io_matching_is_number(const struct os_object *v)
{
	return os_number_cast(v);
}

static bool io_matching_is_parent(const struct os_object *v)
{
	const struct os_dictionary *d = os_dictionary_cast(v);

	return d && !io_matching_validate(d, NULL);
}

static const struct {
	const char *key;
	bool (*valid)(const struct os_object *value);
} io_matching_keys[] = {
	{ "IOProviderClass", io_matching_is_string },
	{ "IONameMatch", io_matching_is_strings },
	{ "IOPropertyMatch", io_matching_is_dicts },
	{ "IOPropertyExistsMatch", io_matching_is_strings },
	{ "IOLocationMatch", io_matching_is_string },
	{ "IORegistryEntryID", io_matching_is_number },
	{ "IOParentMatch", io_matching_is_parent },
};

/**
 * io_matching_validate() - check a matching dictionary's keys and values
 * @match: the dictionary
 * @bad_key: out, optional: the first key that failed
 *
 * Return: 0, IOKIT_SERIAL_E_UNKNOWN_KEY for a key matching does not know,
 * or IOKIT_SERIAL_E_VALUE for a known key with a value of the wrong type.
 */
int io_matching_validate(const struct os_dictionary *match, const char **bad_key)
{
	unsigned int i, k;

	for (i = 0; i < match->count; i++) {
		const struct os_string *key = match->entries[i].key;

		for (k = 0; k < ARRAY_SIZE(io_matching_keys); k++)
			if (os_string_equal_cstr(key, io_matching_keys[k].key))
				break;
		if (k == ARRAY_SIZE(io_matching_keys) ||
		    !io_matching_keys[k].valid(match->entries[i].value)) {
			if (bad_key)
				*bad_key = key->str;
			return k == ARRAY_SIZE(io_matching_keys) ?
			       IOKIT_SERIAL_E_UNKNOWN_KEY : IOKIT_SERIAL_E_VALUE;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(io_matching_validate);

/*
 * IONameMatch compares the entry's name and, as Apple's PCI family does,
 * each name in its "compatible" property (NUL-separated strings).
 */
static bool io_matching_name(struct io_registry_entry *entry,
			     const struct os_string *want)
{
	char name[IOKIT_NAME_MAX];
	struct os_data *compatible;
	bool match;

	io_registry_entry_copy_name(entry, name);
	if (os_string_equal_cstr(want, name))
		return true;
	compatible = os_data_cast(io_registry_entry_copy_property(entry, "compatible"));
	match = false;
	if (compatible) {
		const char *p = compatible->bytes;
		const char *end = p + compatible->length;

		while (p < end && !match) {
			size_t n = strnlen(p, end - p);

			match = n == want->length && !memcmp(p, want->str, n);
			p += n + 1;
		}
		os_object_put(&compatible->obj);
	}
	return match;
}

/* Apply @test to a string, or to each string of an array until one holds. */
static bool io_matching_any_string(struct io_registry_entry *entry,
				   const struct os_object *v,
				   bool (*test)(struct io_registry_entry *,
						const struct os_string *))
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (!a)
		return test(entry, os_string_cast(v));
	for (i = 0; i < a->count; i++)
		if (test(entry, os_string_cast(a->items[i])))
			return true;
	return false;
}

static bool io_matching_property_exists(struct io_registry_entry *entry,
					const struct os_string *key)
{
	return io_registry_entry_has_property(entry, key->str);
}

static bool io_matching_properties(struct io_registry_entry *entry,
				   const struct os_object *v)
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (!a)
		return io_registry_entry_match_properties(entry, os_dictionary_cast(v));
	for (i = 0; i < a->count; i++)
		if (io_registry_entry_match_properties(entry,
						       os_dictionary_cast(a->items[i])))
			return true;
	return false;
}

/* IOParentMatch: this entry or any provider up to the root. */
static bool io_matching_parent(struct io_registry_entry *entry,
			       const struct os_dictionary *match)
{
	struct io_registry_entry *e = io_registry_entry_get(entry);

	while (e) {
		struct io_registry_entry *next;

		if (io_matching_match_passive(e, match)) {
			io_registry_entry_put(e);
			return true;
		}
		next = io_registry_entry_get_provider(e);
		io_registry_entry_put(e);
		e = next;
	}
	return false;
}

/**
 * io_matching_match_passive() - matchPassive() with the generic keys
 * @entry: the candidate
 * @match: a dictionary that passed io_matching_validate()
 *
 * Return: true if @entry is an IOService and every key of @match holds.
 */
bool io_matching_match_passive(struct io_registry_entry *entry,
			       const struct os_dictionary *match)
{
	char location[IOKIT_NAME_MAX];
	struct os_object *v;

	if (!os_object_is_kind(&entry->obj, &io_service_class))
		return false;

	v = os_dictionary_get(match, "IOProviderClass");
	if (v && !os_object_conforms_to(&entry->obj, os_string_cast(v)->str))
		return false;
	v = os_dictionary_get(match, "IORegistryEntryID");
	if (v && os_number_cast(v)->value != entry->id)
		return false;
	v = os_dictionary_get(match, "IONameMatch");
	if (v && !io_matching_any_string(entry, v, io_matching_name))
		return false;
	v = os_dictionary_get(match, "IOLocationMatch");
	if (v) {
		io_registry_entry_copy_location(entry, location);
		if (!os_string_equal_cstr(os_string_cast(v), location))
			return false;
	}
	v = os_dictionary_get(match, "IOPropertyExistsMatch");
	if (v && !io_matching_any_string(entry, v, io_matching_property_exists))
		return false;
	v = os_dictionary_get(match, "IOPropertyMatch");
	if (v && !io_matching_properties(entry, v))
		return false;
	v = os_dictionary_get(match, "IOParentMatch");
	if (v && !io_matching_parent(entry, os_dictionary_cast(v)))
		return false;
	return true;
}
EXPORT_SYMBOL_GPL(io_matching_match_passive);
