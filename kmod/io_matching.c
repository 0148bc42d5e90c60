// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passive matching with Apple's generic keys (IOService::matchInternal and
 * matchPassive): every key present must match.  A matching dictionary is
 * validated once, up front, so that a misspelt key or a value of the wrong
 * type is an error the caller sees, not a silent mismatch.
 */
#include <linux/export.h>
#include <linux/kernel.h>
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

/**
 * io_matching_is_path() - whether @v is a valid IOPathMatch value
 * @v: the value
 *
 * A path no longer than IOKIT_PATH_MAX: longer, no entry has it, and each
 * byte is work in every evaluation (io_matching_level_cost()).  Matching
 * dictionaries and personalities both check it here.
 *
 * Return: true if it is.
 */
bool io_matching_is_path(const struct os_object *v)
{
	const struct os_string *s = os_string_cast(v);

	return s && s->length <= IOKIT_PATH_MAX;
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
	{ "IOPathMatch", io_matching_is_path },
	{ "IOResourceMatch", io_matching_is_strings },
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

/**
 * io_match_report_fail() - record the key that failed, first failure only
 * @r: the report, or NULL when nobody asked
 * @key: the key (a string that outlives the report)
 * @expected_fmt: printf format of what was asked for
 *
 * Later failures of the same evaluation leave the first in place.
 */
void io_match_report_fail(struct io_match_report *r, const char *key,
			  const char *expected_fmt, ...)
{
	va_list args;

	if (!r || r->key)
		return;
	r->key = key;
	va_start(args, expected_fmt);
	vscnprintf(r->expected, sizeof(r->expected), expected_fmt, args);
	va_end(args);
	r->actual[0] = '\0';
}
EXPORT_SYMBOL_GPL(io_match_report_fail);

/**
 * io_match_report_actual() - what the entry had, for the failure just
 *	recorded
 * @r: the report, or NULL
 * @fmt: printf format
 */
void io_match_report_actual(struct io_match_report *r, const char *fmt, ...)
{
	va_list args;

	if (!r)
		return;
	va_start(args, fmt);
	vscnprintf(r->actual, sizeof(r->actual), fmt, args);
	va_end(args);
}
EXPORT_SYMBOL_GPL(io_match_report_actual);

/**
 * io_match_report_object() - an object as short text for a report
 * @buf: where
 * @size: its size
 * @obj: a string, number, boolean, data or container; NULL for absent
 */
void io_match_report_object(char *buf, size_t size, const struct os_object *obj)
{
	const struct os_string *str = os_string_cast(obj);
	const struct os_number *num = os_number_cast(obj);
	const struct os_boolean *b = os_boolean_cast(obj);
	const struct os_data *data = os_data_cast(obj);

	if (!obj)
		scnprintf(buf, size, "(absent)");
	else if (str)
		scnprintf(buf, size, "\"%s\"", str->str);
	else if (num)
		scnprintf(buf, size, "0x%llx", num->value);
	else if (b)
		scnprintf(buf, size, "%s", b->value ? "true" : "false");
	else if (data)
		scnprintf(buf, size, "<%*phN>", (int)min_t(size_t, data->length, 16),
			  data->bytes);
	else
		scnprintf(buf, size, "(%s)", os_object_class_name(obj));
}
EXPORT_SYMBOL_GPL(io_match_report_object);

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

/* IOResourceMatch: the resource is published on IOResources. */
static bool io_matching_resource(struct io_registry_entry *entry,
				 const struct os_string *name)
{
	struct io_registry_entry *resources = io_service_get_resources();
	bool published = resources && io_registry_entry_has_property(resources, name->str);

	io_registry_entry_put(resources);
	return published;
}

/* IOPathMatch: the path names this very entry. */
static bool io_matching_path(struct io_registry_entry *entry,
			     const struct os_string *path)
{
	struct io_registry_entry *e = io_registry_entry_from_path(path->str);

	io_registry_entry_put(e);
	return e == entry;
}

/* The first key of @subset whose value differs on @entry, into @r. */
static void io_matching_report_properties(struct io_registry_entry *entry,
					  const struct os_dictionary *subset,
					  struct io_match_report *r)
{
	unsigned int i;

	for (i = 0; i < subset->count; i++) {
		const char *key = subset->entries[i].key->str;
		struct os_object *have = io_registry_entry_copy_property(entry, key);
		bool equal = have && os_object_equal(have, subset->entries[i].value);

		if (!equal) {
			io_match_report_fail(r, "IOPropertyMatch", "%s = ", key);
			io_match_report_object(r->expected + strlen(r->expected),
					       sizeof(r->expected) - strlen(r->expected),
					       subset->entries[i].value);
			io_match_report_object(r->actual, sizeof(r->actual), have);
		}
		if (have)
			os_object_put(have);
		if (!equal)
			return;
	}
}

static bool io_matching_properties(struct io_registry_entry *entry,
				   const struct os_object *v, struct io_match_report *r)
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (!a) {
		if (io_registry_entry_match_properties(entry, os_dictionary_cast(v)))
			return true;
		if (r)
			io_matching_report_properties(entry, os_dictionary_cast(v), r);
		return false;
	}
	for (i = 0; i < a->count; i++)
		if (io_registry_entry_match_properties(entry,
						       os_dictionary_cast(a->items[i])))
			return true;
	io_match_report_fail(r, "IOPropertyMatch", "one of %u dictionaries", a->count);
	io_match_report_actual(r, "none equal");
	return false;
}

/* A string key's value for a report: the string, or the first of many. */
static const char *io_matching_first_string(const struct os_object *v, unsigned int *n)
{
	const struct os_array *a = os_array_cast(v);

	*n = a ? a->count : 1;
	return os_string_cast(a ? a->items[0] : v)->str;
}

static bool io_matching_strings(struct io_registry_entry *entry,
				const struct os_object *v, const char *key,
				bool (*test)(struct io_registry_entry *,
					     const struct os_string *),
				struct io_match_report *r)
{
	unsigned int n;
	const char *first;

	if (io_matching_any_string(entry, v, test))
		return true;
	first = io_matching_first_string(v, &n);
	if (n > 1)
		io_match_report_fail(r, key, "\"%s\" or %u more", first, n - 1);
	else
		io_match_report_fail(r, key, "\"%s\"", first);
	return false;
}

/* Every key of one level of @match but IOParentMatch, on @entry. */
static bool io_matching_level(struct io_registry_entry *entry,
			      const struct os_dictionary *match,
			      struct io_match_report *r)
{
	char text[IOKIT_NAME_MAX];
	struct os_object *v;

	if (!os_object_is_kind(&entry->obj, &io_service_class)) {
		io_match_report_fail(r, "IOProviderClass", "an IOService");
		io_match_report_actual(r, "%s", os_object_class_name(&entry->obj));
		return false;
	}

	v = os_dictionary_get(match, "IOProviderClass");
	if (v && !os_object_conforms_to(&entry->obj, os_string_cast(v)->str)) {
		io_match_report_fail(r, "IOProviderClass", "%s", os_string_cast(v)->str);
		io_match_report_actual(r, "%s", os_object_class_name(&entry->obj));
		return false;
	}
	v = os_dictionary_get(match, "IORegistryEntryID");
	if (v && os_number_cast(v)->value != entry->id) {
		io_match_report_fail(r, "IORegistryEntryID", "0x%llx", os_number_cast(v)->value);
		io_match_report_actual(r, "0x%llx", entry->id);
		return false;
	}
	v = os_dictionary_get(match, "IONameMatch");
	if (v && !io_matching_strings(entry, v, "IONameMatch", io_matching_name, r)) {
		io_registry_entry_copy_name(entry, text);
		io_match_report_actual(r, "\"%s\"", text);
		return false;
	}
	v = os_dictionary_get(match, "IOLocationMatch");
	if (v) {
		io_registry_entry_copy_location(entry, text);
		if (!os_string_equal_cstr(os_string_cast(v), text)) {
			io_match_report_fail(r, "IOLocationMatch", "\"%s\"",
					     os_string_cast(v)->str);
			io_match_report_actual(r, "\"%s\"", text);
			return false;
		}
	}
	v = os_dictionary_get(match, "IOPropertyExistsMatch");
	if (v && !io_matching_strings(entry, v, "IOPropertyExistsMatch",
				      io_matching_property_exists, r)) {
		io_match_report_actual(r, "(absent)");
		return false;
	}
	v = os_dictionary_get(match, "IOPropertyMatch");
	if (v && !io_matching_properties(entry, v, r))
		return false;
	v = os_dictionary_get(match, "IOPathMatch");
	if (v && !io_matching_path(entry, os_string_cast(v))) {
		io_match_report_fail(r, "IOPathMatch", "%s", os_string_cast(v)->str);
		io_match_report_actual(r, "another entry");
		return false;
	}
	v = os_dictionary_get(match, "IOResourceMatch");
	if (v && !io_matching_strings(entry, v, "IOResourceMatch", io_matching_resource, r)) {
		io_match_report_actual(r, "not published");
		return false;
	}
	return true;
}

static struct os_dictionary *io_matching_parent_of(const struct os_dictionary *match)
{
	return os_dictionary_cast(os_dictionary_get(match, "IOParentMatch"));
}

/**
 * io_matching_match_passive_report() - matchPassive() with the generic
 *	keys, saying which key failed
 * @entry: the candidate
 * @match: a dictionary that passed io_matching_validate()
 * @r: where to say why not, or NULL
 *
 * IOParentMatch is Apple's: its dictionary must match one of @entry's
 * providers, the nearest first, and a dictionary nested in it a provider
 * further up from there - one walk up the provider chain, never back down,
 * so the cost is linear in the chain and the dictionary, however deep the
 * nesting.  The walk ends after IO_MATCH_PARENT_HOPS_MAX providers.
 *
 * Return: true if @entry is an IOService and every key of @match holds.
 */
bool io_matching_match_passive_report(struct io_registry_entry *entry,
				      const struct os_dictionary *match,
				      struct io_match_report *r)
{
	struct io_registry_entry *where, *next;
	const struct os_dictionary *level;
	unsigned int hops = 0;

	if (!io_matching_level(entry, match, r))
		return false;
	level = io_matching_parent_of(match);
	if (!level)
		return true;
	where = io_registry_entry_get(entry);
	while (level) {
		next = io_registry_entry_get_provider(where);
		io_registry_entry_put(where);
		where = next;
		if (!where || ++hops > IO_MATCH_PARENT_HOPS_MAX) {
			io_match_report_fail(r, "IOParentMatch", "a provider that matches");
			io_match_report_actual(r, "none");
			io_registry_entry_put(where);
			return false;
		}
		if (io_matching_level(where, level, NULL))
			level = io_matching_parent_of(level);
	}
	io_registry_entry_put(where);
	return true;
}
EXPORT_SYMBOL_GPL(io_matching_match_passive_report);

/* Objects in @obj: each is compared at most once in one evaluation. */
static unsigned long io_matching_objects(const struct os_object *obj)
{
	const struct os_dictionary *d = os_dictionary_cast(obj);
	const struct os_array *a = os_array_cast(obj);
	unsigned long n = 1;
	unsigned int i;

	if (d)
		for (i = 0; i < d->count; i++)
			n += 1 + io_matching_objects(d->entries[i].value);
	else if (a)
		for (i = 0; i < a->count; i++)
			n += io_matching_objects(a->items[i]);
	return n;
}

/*
 * One level's objects, IOParentMatch's dictionary left out.  IOPathMatch
 * is resolved from the root in each evaluation: each byte of its path may
 * be a step of the walk, and counts as one.
 */
static unsigned long io_matching_level_cost(const struct os_dictionary *level)
{
	unsigned long n = 1;
	unsigned int i;

	for (i = 0; i < level->count; i++) {
		const struct os_string *key = level->entries[i].key;
		const struct os_object *value = level->entries[i].value;

		if (os_string_equal_cstr(key, "IOParentMatch"))
			continue;
		n += 1 + io_matching_objects(value);
		if (os_string_equal_cstr(key, "IOPathMatch"))
			n += os_string_cast(value)->length;
	}
	return n;
}

/**
 * io_matching_cost() - the most work one evaluation of @match can take
 * @match: a dictionary that passed io_matching_validate()
 *
 * In units of one comparison with a service (one property looked up, one
 * name or class compared): the objects of the dictionary, those nested in
 * IOParentMatch counted once per provider the walk may visit.  What an
 * unprivileged user arms is charged by this (io_user.c).
 *
 * Return: the cost.
 */
unsigned long io_matching_cost(const struct os_dictionary *match)
{
	const struct os_dictionary *level = io_matching_parent_of(match);
	unsigned long nested = 0;

	for (; level; level = io_matching_parent_of(level))
		nested += io_matching_level_cost(level);
	return io_matching_level_cost(match) + nested * IO_MATCH_PARENT_HOPS_MAX;
}
EXPORT_SYMBOL_GPL(io_matching_cost);

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
	return io_matching_match_passive_report(entry, match, NULL);
}
EXPORT_SYMBOL_GPL(io_matching_match_passive);
