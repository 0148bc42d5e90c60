// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSNumber: an unsigned integer and its width.  The width is part of the
 * value as Apple keeps it (a 16-bit idVendor shows and serializes as
 * such), but not of equality: two OSNumbers are equal when their values
 * are, whatever their widths, as OSNumber::isEqualTo() decides.
 */
#include <linux/export.h>
#include <linux/slab.h>

#include <iokit/os_object.h>

static void os_number_free(struct os_object *obj)
{
	kfree(container_of(obj, struct os_number, obj));
}

static bool os_number_equal(const struct os_object *a, const struct os_object *b)
{
	return container_of(a, struct os_number, obj)->value ==
	       container_of(b, struct os_number, obj)->value;
}

static size_t os_number_footprint(const struct os_object *obj)
{
	return sizeof(struct os_number);
}

/* os_number_class: OSNumber */
const struct os_class os_number_class = {
	.name = "OSNumber",
	.super = &os_object_class,
	.free = os_number_free,
	.equal = os_number_equal,
	.footprint = os_number_footprint,
};
EXPORT_SYMBOL_GPL(os_number_class);

/**
 * os_number_create_gfp() - an OSNumber
 * @value: the value; bits above @bits are dropped
 * @bits: 8, 16, 32 or 64
 * @gfp: allocation flags (GFP_KERNEL_ACCOUNT for what a user sent)
 *
 * Return: a new number with one reference, or NULL if out of memory or
 * @bits is not a valid width.
 */
struct os_number *os_number_create_gfp(u64 value, unsigned int bits, gfp_t gfp)
{
	struct os_number *n;

	if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
		return NULL;
	n = kmalloc(sizeof(*n), gfp);
	if (!n)
		return NULL;
	os_object_init_gfp(&n->obj, &os_number_class, gfp);
	n->value = bits == 64 ? value : value & ((1ULL << bits) - 1);
	n->bits = bits;
	return n;
}
EXPORT_SYMBOL_GPL(os_number_create_gfp);

/**
 * os_number_create() - an OSNumber
 * @value: the value; bits above @bits are dropped
 * @bits: 8, 16, 32 or 64
 *
 * Return: a new number with one reference, or NULL if out of memory or
 * @bits is not a valid width.
 */
struct os_number *os_number_create(u64 value, unsigned int bits)
{
	return os_number_create_gfp(value, bits, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_number_create);

/**
 * os_number_cast() - OSDynamicCast(OSNumber, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSNumber, or NULL if it is not one.
 */
struct os_number *os_number_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_number_class) ?
	       container_of(obj, struct os_number, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_number_cast);
