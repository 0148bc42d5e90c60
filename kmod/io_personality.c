// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver personalities: building them from C tables and validating them.
 *
 * Every key a personality may hold is listed here with the type its value
 * must have; anything else is refused with the key's name, so a misspelt
 * key is an error at registration, never a personality that silently
 * matches more (or less) than its author meant.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <iokit/io_driver.h>
#include <iokit/io_matching.h>

#include "iokit_internal.h"
#include "shared/os_serial.h"

/* Arrays longer than this in a personality are refused as malformed. */
#define IO_PERSONALITY_ARRAY_MAX	256

enum io_key_type {
	IO_KEY_STRING,
	IO_KEY_NUMBER,
	IO_KEY_BOOLEAN,
	IO_KEY_STRINGS,		/* a string or an array of strings */
	IO_KEY_NUMBERS,		/* an array of numbers */
	IO_KEY_DICTS,		/* a dictionary or an array of them */
	IO_KEY_MATCHING,	/* a nested matching dictionary */
	IO_KEY_PCI_MATCH,	/* "value[&mask] ..." hex list */
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
	{ "IOPathMatch", IO_KEY_STRING },
	{ "IOLocationMatch", IO_KEY_STRING },
	{ "IORegistryEntryID", IO_KEY_NUMBER },
	{ "IOResourceMatch", IO_KEY_STRINGS },
	{ "IOPCIMatch", IO_KEY_PCI_MATCH },
	{ "IOPCIPrimaryMatch", IO_KEY_PCI_MATCH },
	{ "IOPCISecondaryMatch", IO_KEY_PCI_MATCH },
	{ "IOPCIClassMatch", IO_KEY_PCI_MATCH },
	{ "idVendor", IO_KEY_NUMBER },
	{ "idProduct", IO_KEY_NUMBER },
	{ "idProductMask", IO_KEY_NUMBER },
	{ "idProductArray", IO_KEY_NUMBERS },
	{ "bcdDevice", IO_KEY_NUMBER },
	{ "bDeviceClass", IO_KEY_NUMBER },
	{ "bDeviceSubClass", IO_KEY_NUMBER },
	{ "bDeviceProtocol", IO_KEY_NUMBER },
	{ "bConfigurationValue", IO_KEY_NUMBER },
	{ "bInterfaceNumber", IO_KEY_NUMBER },
	{ "bInterfaceClass", IO_KEY_NUMBER },
	{ "bInterfaceSubClass", IO_KEY_NUMBER },
	{ "bInterfaceProtocol", IO_KEY_NUMBER },
	{ "CFBundleIdentifier", IO_KEY_STRING },
	{ "IOPersonalityName", IO_KEY_STRING },
	{ "IOUserClientClass", IO_KEY_STRING },
	{ "IOKitLinuxModule", IO_KEY_STRING },
	{ "IOKitLinuxClaim", IO_KEY_BOOLEAN },
};

/**
 * io_pci_match_next() - the next entry of an IOPCI*Match list
 * @s: in/out: the cursor in "value[&mask] value[&mask] ...", hex with or
 *	without 0x
 * @default_mask: the mask of an entry without one
 * @value: out: the entry's value
 * @mask: out: its mask
 *
 * Return: 1 with the entry in @value and @mask, 0 at the end of the list,
 * -EINVAL for an entry that is not value[&mask] with 32-bit hex numbers.
 */
int io_pci_match_next(const char **s, u32 default_mask, u32 *value, u32 *mask)
{
	unsigned long long v, m = default_mask;
	char tok[40], *amp;
	size_t n;

	*s = skip_spaces(*s);
	if (!**s)
		return 0;
	n = strcspn(*s, " \t\n");
	if (n >= sizeof(tok))
		return -EINVAL;
	memcpy(tok, *s, n);
	tok[n] = '\0';
	*s += n;
	amp = strchr(tok, '&');
	if (amp) {
		*amp++ = '\0';
		if (kstrtoull(amp, 16, &m) || m > U32_MAX)
			return -EINVAL;
	}
	if (kstrtoull(tok, 16, &v) || v > U32_MAX)
		return -EINVAL;
	*value = v;
	*mask = m;
	return 1;
}

/**
 * io_pci_match_parse() - walk an IOPCI*Match string
 * @s: "value[&mask] value[&mask] ...", hex with or without 0x
 * @reg: register value to test, or NULL to only validate
 * @default_mask: mask of entries without one
 *
 * Return: 1 if @reg matches an entry, 0 if none does, -EINVAL if @s is
 * malformed (empty, a bad number, more than 32 entries).
 */
int io_pci_match_parse(const char *s, const u32 *reg, u32 default_mask)
{
	int entries = 0, match = 0, ret;
	u32 value, mask;

	while ((ret = io_pci_match_next(&s, default_mask, &value, &mask)) > 0) {
		if (++entries > 32)
			return -EINVAL;
		if (reg && (*reg & mask) == (value & mask))
			match = 1;
	}
	if (ret < 0)
		return ret;
	return entries ? match : -EINVAL;
}

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
	case IO_KEY_NUMBER:
		return os_number_cast(v);
	case IO_KEY_BOOLEAN:
		return os_boolean_cast(v);
	case IO_KEY_STRINGS:
		return io_value_is_strings(v);
	case IO_KEY_NUMBERS:
		if (!a || !a->count || a->count > IO_PERSONALITY_ARRAY_MAX)
			return false;
		for (i = 0; i < a->count; i++)
			if (!os_number_cast(a->items[i]))
				return false;
		return true;
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
	case IO_KEY_PCI_MATCH:
		return s && io_pci_match_parse(s->str, NULL, 0) >= 0;
	}
	return false;
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

		*bad_key = key->str;
		for (k = 0; k < ARRAY_SIZE(io_personality_keys); k++)
			if (os_string_equal_cstr(key, io_personality_keys[k].key))
				break;
		if (k == ARRAY_SIZE(io_personality_keys))
			return IOKIT_SERIAL_E_UNKNOWN_KEY;
		if (!io_value_valid(io_personality_keys[k].type,
				    dict->entries[i].value))
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
