// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver personalities: building them from C tables and validating them.
 *
 * Every key a personality may hold is listed here, or by the family that
 * interprets it (io_family.h), with the form its value must have; any
 * other key is refused with its name, so a misspelt key is an error at
 * registration, never a personality that silently matches more (or less)
 * than its author meant.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>

#include <iokit/io_driver.h>
#include <iokit/io_matching.h>

#include "io_family.h"
#include "iokit_internal.h"
#include "shared/os_serial.h"

enum io_key_type {
	IO_KEY_STRING,
	IO_KEY_NUMBER,
	IO_KEY_BOOLEAN,
	IO_KEY_STRINGS,		/* a string or an array of strings */
	IO_KEY_DICTS,		/* a dictionary or an array of them */
	IO_KEY_MATCHING,	/* a nested matching dictionary */
	IO_KEY_PATH,		/* a registry path, at most IOKIT_PATH_MAX bytes */
};

static const struct {
	const char *key;
	enum io_key_type type;
} io_personality_keys[] = {
	{ "IOClass", IO_KEY_STRING },
	{ "IOProviderClass", IO_KEY_STRING },
	{ "IOProbeScore", IO_KEY_NUMBER },
	{ "IOMatchCategory", IO_KEY_STRING },
	{ "IONameMatch", IO_KEY_STRINGS },
	{ "IOPropertyMatch", IO_KEY_DICTS },
	{ "IOPropertyExistsMatch", IO_KEY_STRINGS },
	{ "IOParentMatch", IO_KEY_MATCHING },
	{ "IOPathMatch", IO_KEY_PATH },
	{ "IOLocationMatch", IO_KEY_STRING },
	{ "IORegistryEntryID", IO_KEY_NUMBER },
	{ "IOResourceMatch", IO_KEY_STRINGS },
	{ "CFBundleIdentifier", IO_KEY_STRING },
	{ "IOPersonalityName", IO_KEY_STRING },
	{ "IOUserClientClass", IO_KEY_STRING },
	{ "IOKitLinuxModule", IO_KEY_STRING },
	{ "IOKitLinuxClaim", IO_KEY_BOOLEAN },
};

static bool io_value_is_strings(const struct os_object *v)
{
	const struct os_array *a = os_array_cast(v);
	unsigned int i;

	if (os_string_cast(v))
		return true;
	if (!a || !a->count || a->count > IO_PERSONALITY_ARRAY_MAX)
		return false;
	for (i = 0; i < a->count; i++)
		if (!os_string_cast(a->items[i]))
			return false;
	return true;
}

static bool io_value_valid(enum io_key_type type, const struct os_object *v)
{
	const struct os_array *a = os_array_cast(v);
	const struct os_string *s = os_string_cast(v);
	unsigned int i;

	switch (type) {
	case IO_KEY_STRING:
		return s;
	case IO_KEY_PATH:
		return io_matching_is_path(v);
	case IO_KEY_NUMBER:
		return os_number_cast(v);
	case IO_KEY_BOOLEAN:
		return os_boolean_cast(v);
	case IO_KEY_STRINGS:
		return io_value_is_strings(v);
	case IO_KEY_DICTS:
		if (os_dictionary_cast(v))
			return true;
		if (!a || !a->count || a->count > IO_PERSONALITY_ARRAY_MAX)
			return false;
		for (i = 0; i < a->count; i++)
			if (!os_dictionary_cast(a->items[i]))
				return false;
		return true;
	case IO_KEY_MATCHING:
		return os_dictionary_cast(v) &&
		       !io_matching_validate(os_dictionary_cast(v), NULL);
	}
	return false;
}

/* A key ending in "Properties": a dictionary for io_service_create_from_property(). */
static bool io_key_is_properties(const struct os_string *key)
{
	static const char suffix[] = "Properties";
	size_t n = strlen(key->str);

	return n > sizeof(suffix) - 1 && !strcmp(key->str + n - (sizeof(suffix) - 1), suffix);
}

/**
 * io_personality_validate() - check every key and value of a personality
 * @dict: the personality
 * @bad_key: out: the first offending key
 *
 * Return: 0, IOKIT_SERIAL_E_UNKNOWN_KEY, or IOKIT_SERIAL_E_VALUE (a known
 * key whose value has the wrong type or form), or IOKIT_SERIAL_E_KEY when
 * IOProviderClass is missing.
 */
int io_personality_validate(const struct os_dictionary *dict, const char **bad_key)
{
	unsigned int i, k;

	for (i = 0; i < dict->count; i++) {
		const struct os_string *key = dict->entries[i].key;
		const struct os_object *value = dict->entries[i].value;
		const struct io_family_key *fk;

		*bad_key = key->str;
		for (k = 0; k < ARRAY_SIZE(io_personality_keys); k++)
			if (os_string_equal_cstr(key, io_personality_keys[k].key))
				break;
		if (k < ARRAY_SIZE(io_personality_keys)) {
			if (!io_value_valid(io_personality_keys[k].type, value))
				return IOKIT_SERIAL_E_VALUE;
			continue;
		}
		/* What IOService::Create makes: "UserClientProperties" and its kind. */
		if (io_key_is_properties(key)) {
			if (!os_dictionary_cast(value))
				return IOKIT_SERIAL_E_VALUE;
			continue;
		}
		fk = io_family_key_find(key->str);
		if (!fk)
			return IOKIT_SERIAL_E_UNKNOWN_KEY;
		if (!fk->valid(value))
			return IOKIT_SERIAL_E_VALUE;
	}
	*bad_key = "IOProviderClass";
	return os_dictionary_get(dict, "IOProviderClass") ? 0 : IOKIT_SERIAL_E_KEY;
}

static struct os_object *io_property_value(const struct io_property *p);

static struct os_object *io_obj_string(const char *str)
{
	struct os_string *o = os_string_create(str);

	return o ? &o->obj : NULL;
}

static struct os_object *io_obj_number(u64 value, unsigned int bits)
{
	struct os_number *o = os_number_create(value, bits);

	return o ? &o->obj : NULL;
}

static struct os_dictionary *io_properties_to_dict(const struct io_property *props)
{
	struct os_dictionary *dict = os_dictionary_create(8);

	for (; dict && props->key; props++) {
		struct os_object *v = io_property_value(props);

		if (!v || os_dictionary_set(dict, props->key, v)) {
			os_object_put(v);
			os_object_put(&dict->obj);
			return NULL;
		}
		os_object_put(v);
	}
	return dict;
}

static struct os_object *io_property_value(const struct io_property *p)
{
	struct os_array *a;
	unsigned int i;

	switch (p->type) {
	case IO_PROPERTY_STRING:
		return io_obj_string(p->string);
	case IO_PROPERTY_NUMBER:
		return io_obj_number(p->number, p->number >> 32 ? 64 : 32);
	case IO_PROPERTY_BOOLEAN:
		return &os_boolean_get(p->boolean)->obj;
	case IO_PROPERTY_STRINGS:
	case IO_PROPERTY_NUMBERS:
		a = os_array_create(4);
		for (i = 0; a && (p->type == IO_PROPERTY_STRINGS ? !!p->strings[i] :
				  i < p->count); i++) {
			struct os_object *item = p->type == IO_PROPERTY_STRINGS ?
				io_obj_string(p->strings[i]) :
				io_obj_number(p->numbers[i], 32);

			if (!item || os_array_append(a, item)) {
				os_object_put(item);
				os_object_put(&a->obj);
				return NULL;
			}
			os_object_put(item);
		}
		return a ? &a->obj : NULL;
	case IO_PROPERTY_DICTIONARY: {
		struct os_dictionary *d = io_properties_to_dict(p->dictionary);

		return d ? &d->obj : NULL;
	}
	default:
		return NULL;
	}
}

static int io_dictionary_set_string(struct os_dictionary *dict, const char *key,
				    const char *value)
{
	struct os_object *v = io_obj_string(value);
	int ret = v ? os_dictionary_set(dict, key, v) : -ENOMEM;

	os_object_put(v);
	return ret;
}

/**
 * io_personality_build() - a validated personality dictionary from C
 * @driver: the driver (its class name becomes IOClass)
 * @p: the personality
 *
 * Return: the dictionary, or an ERR_PTR: -ENOMEM, or -EINVAL after
 * logging which key of which personality is wrong.
 */
struct os_dictionary *io_personality_build(const struct io_driver *driver,
					   const struct io_personality *p)
{
	struct os_dictionary *dict = io_properties_to_dict(p->properties);
	const char *name = p->name ?: driver->cls.name;
	const char *bad_key;
	int ret;

	if (!dict)
		return ERR_PTR(-ENOMEM);
	ret = io_personality_validate(dict, &bad_key);
	if (ret) {
		pr_err("%s: personality %s: %s \"%s\"\n", driver->cls.name, name,
		       ret == IOKIT_SERIAL_E_UNKNOWN_KEY ? "unknown key" :
		       ret == IOKIT_SERIAL_E_KEY ? "missing key" : "bad value for key",
		       bad_key);
		os_object_put(&dict->obj);
		return ERR_PTR(-EINVAL);
	}
	ret = io_dictionary_set_string(dict, "IOClass", driver->cls.name);
	ret = ret ?: io_dictionary_set_string(dict, "IOPersonalityName", name);
	if (ret) {
		os_object_put(&dict->obj);
		return ERR_PTR(ret);
	}
	return dict;
}
