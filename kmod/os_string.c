// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSString: immutable, NUL-terminated text with its length.  Immutable so
 * that a string can be shared between property tables and copies without
 * a lock.
 */
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <iokit/os_object.h>

static void os_string_free(struct os_object *obj)
{
	kfree(container_of(obj, struct os_string, obj));
}

static bool os_string_equal(const struct os_object *a, const struct os_object *b)
{
	const struct os_string *sa = container_of(a, struct os_string, obj);
	const struct os_string *sb = container_of(b, struct os_string, obj);

	return sa->length == sb->length && !memcmp(sa->str, sb->str, sa->length);
}

static size_t os_string_footprint(const struct os_object *obj)
{
	const struct os_string *s = container_of(obj, struct os_string, obj);

	return struct_size(s, str, s->length + 1);
}

/* os_string_class: OSString */
const struct os_class os_string_class = {
	.name = "OSString",
	.super = &os_object_class,
	.free = os_string_free,
	.equal = os_string_equal,
	.footprint = os_string_footprint,
};
EXPORT_SYMBOL_GPL(os_string_class);

/**
 * os_string_create_len_gfp() - an OSString from @length bytes
 * @str: the text; need not be NUL-terminated
 * @length: its length
 * @gfp: allocation flags (GFP_KERNEL_ACCOUNT for what a user sent)
 *
 * Return: a new string with one reference, or NULL if out of memory.
 */
struct os_string *os_string_create_len_gfp(const char *str, size_t length, gfp_t gfp)
{
	struct os_string *s;

	s = kmalloc(struct_size(s, str, size_add(length, 1)), gfp);
	if (!s)
		return NULL;
	os_object_init_gfp(&s->obj, &os_string_class, gfp);
	s->length = length;
	memcpy(s->str, str, length);
	s->str[length] = '\0';
	return s;
}
EXPORT_SYMBOL_GPL(os_string_create_len_gfp);

/**
 * os_string_create_len() - an OSString from @length bytes
 * @str: the text; need not be NUL-terminated
 * @length: its length
 *
 * Return: a new string with one reference, or NULL if out of memory.
 */
struct os_string *os_string_create_len(const char *str, size_t length)
{
	return os_string_create_len_gfp(str, length, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_string_create_len);

/**
 * os_string_create() - an OSString from a C string
 * @str: NUL-terminated text
 *
 * Return: a new string with one reference, or NULL if out of memory.
 */
struct os_string *os_string_create(const char *str)
{
	return os_string_create_len(str, strlen(str));
}
EXPORT_SYMBOL_GPL(os_string_create);

/**
 * os_string_cast() - OSDynamicCast(OSString, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSString, or NULL if it is not one.
 */
struct os_string *os_string_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_string_class) ?
	       container_of(obj, struct os_string, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_string_cast);

/**
 * os_string_equal_cstr() - isEqualTo(const char *)
 * @s: the string
 * @str: NUL-terminated text
 *
 * Return: true if @s holds exactly @str.
 */
bool os_string_equal_cstr(const struct os_string *s, const char *str)
{
	return strlen(str) == s->length && !memcmp(s->str, str, s->length);
}
EXPORT_SYMBOL_GPL(os_string_equal_cstr);
