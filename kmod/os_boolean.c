// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSBoolean: kOSBooleanTrue and kOSBooleanFalse.  Two static objects that
 * are never freed; references are still counted so that code handling any
 * object need not know.  They are not counted as live objects.
 */
#include <linux/export.h>

#include <iokit/os_object.h>

static void os_boolean_free(struct os_object *obj)
{
	/* Unreachable while gets and puts balance: the statics hold one. */
	WARN_ONCE(1, "iokit: OSBoolean reference count underflow\n");
}

static bool os_boolean_equal(const struct os_object *a, const struct os_object *b)
{
	return container_of(a, struct os_boolean, obj)->value ==
	       container_of(b, struct os_boolean, obj)->value;
}

/* os_boolean_class: OSBoolean */
const struct os_class os_boolean_class = {
	.name = "OSBoolean",
	.super = &os_object_class,
	.free = os_boolean_free,
	.equal = os_boolean_equal,
};
EXPORT_SYMBOL_GPL(os_boolean_class);

static struct os_boolean os_boolean_values[2] = {
	{ .obj = { .ref = KREF_INIT(1), .cls = &os_boolean_class }, .value = false },
	{ .obj = { .ref = KREF_INIT(1), .cls = &os_boolean_class }, .value = true },
};

/**
 * os_boolean_get() - kOSBooleanTrue or kOSBooleanFalse, referenced
 * @value: which one
 *
 * Return: the shared boolean, with a reference for the caller to put.
 */
struct os_boolean *os_boolean_get(bool value)
{
	struct os_boolean *b = &os_boolean_values[value];

	os_object_get(&b->obj);
	return b;
}
EXPORT_SYMBOL_GPL(os_boolean_get);

/**
 * os_boolean_cast() - OSDynamicCast(OSBoolean, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSBoolean, or NULL if it is not one.
 */
struct os_boolean *os_boolean_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_boolean_class) ?
	       container_of(obj, struct os_boolean, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_boolean_cast);
