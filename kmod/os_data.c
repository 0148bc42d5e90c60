// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSData: immutable bytes (Apple's PCI nubs keep vendor-id and friends as
 * 4-byte little-endian OSData).
 */
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <iokit/os_object.h>

static void os_data_free(struct os_object *obj)
{
	kvfree(container_of(obj, struct os_data, obj));
}

static bool os_data_equal(const struct os_object *a, const struct os_object *b)
{
	const struct os_data *da = container_of(a, struct os_data, obj);
	const struct os_data *db = container_of(b, struct os_data, obj);

	return da->length == db->length && !memcmp(da->bytes, db->bytes, da->length);
}

static size_t os_data_footprint(const struct os_object *obj)
{
	const struct os_data *d = container_of(obj, struct os_data, obj);

	return struct_size(d, bytes, d->length);
}

/* os_data_class: OSData */
const struct os_class os_data_class = {
	.name = "OSData",
	.super = &os_object_class,
	.free = os_data_free,
	.equal = os_data_equal,
	.footprint = os_data_footprint,
};
EXPORT_SYMBOL_GPL(os_data_class);

/**
 * os_data_create_gfp() - an OSData holding a copy of @length bytes
 * @bytes: the bytes (may be NULL when @length is 0)
 * @length: how many
 * @gfp: allocation flags (GFP_KERNEL_ACCOUNT for what a user sent)
 *
 * Return: a new data object with one reference, or NULL if out of memory.
 */
struct os_data *os_data_create_gfp(const void *bytes, size_t length, gfp_t gfp)
{
	struct os_data *d = os_data_alloc_gfp(length, gfp);

	if (d && length)
		memcpy(d->bytes, bytes, length);
	return d;
}
EXPORT_SYMBOL_GPL(os_data_create_gfp);

/**
 * os_data_alloc_gfp() - an OSData of @length bytes its creator fills
 * @length: how many
 * @gfp: allocation flags
 *
 * The bytes are not initialised: fill them before anyone else sees the
 * object (OSData is immutable once shared).  For bytes copied from user
 * space straight into their object.
 *
 * Return: a new data object with one reference, or NULL if out of memory.
 */
struct os_data *os_data_alloc_gfp(size_t length, gfp_t gfp)
{
	struct os_data *d;

	d = kvmalloc(struct_size(d, bytes, length), gfp);
	if (!d)
		return NULL;
	os_object_init_gfp(&d->obj, &os_data_class, gfp);
	d->length = length;
	return d;
}
EXPORT_SYMBOL_GPL(os_data_alloc_gfp);

/**
 * os_data_create() - an OSData holding a copy of @length bytes
 * @bytes: the bytes (may be NULL when @length is 0)
 * @length: how many
 *
 * Return: a new data object with one reference, or NULL if out of memory.
 */
struct os_data *os_data_create(const void *bytes, size_t length)
{
	return os_data_create_gfp(bytes, length, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_data_create);

/**
 * os_data_cast() - OSDynamicCast(OSData, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSData, or NULL if it is not one.
 */
struct os_data *os_data_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_data_class) ?
	       container_of(obj, struct os_data, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_data_cast);
