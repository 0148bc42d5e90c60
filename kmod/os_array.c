// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSArray: an ordered list of objects that holds a reference on each.
 */
#include <linux/export.h>
#include <linux/slab.h>

#include <iokit/os_object.h>

#include "iokit_internal.h"

static void os_array_free(struct os_object *obj)
{
	struct os_array *array = container_of(obj, struct os_array, obj);
	unsigned int i;

	for (i = 0; i < array->count; i++)
		os_object_put(array->items[i]);
	kvfree(array->items);
	kfree(array);
}

static bool os_array_equal(const struct os_object *a, const struct os_object *b)
{
	const struct os_array *aa = container_of(a, struct os_array, obj);
	const struct os_array *ab = container_of(b, struct os_array, obj);
	unsigned int i;

	if (aa->count != ab->count)
		return false;
	for (i = 0; i < aa->count; i++)
		if (!os_object_equal(aa->items[i], ab->items[i]))
			return false;
	return true;
}

static size_t os_array_footprint(const struct os_object *obj)
{
	const struct os_array *array = container_of(obj, struct os_array, obj);
	size_t n = sizeof(*array) + array->capacity * sizeof(*array->items);
	unsigned int i;

	for (i = 0; i < array->count; i++)
		n += os_object_footprint(array->items[i]);
	return n;
}

/* os_array_class: OSArray */
const struct os_class os_array_class = {
	.name = "OSArray",
	.super = &os_object_class,
	.free = os_array_free,
	.equal = os_array_equal,
	.footprint = os_array_footprint,
};
EXPORT_SYMBOL_GPL(os_array_class);

/**
 * os_array_create_gfp() - an empty OSArray
 * @capacity: room to reserve; the array grows past it as needed
 * @gfp: allocation flags, now and when it grows (GFP_KERNEL_ACCOUNT for
 *	what a user sent)
 *
 * Return: a new array with one reference, or NULL if out of memory.
 */
struct os_array *os_array_create_gfp(unsigned int capacity, gfp_t gfp)
{
	struct os_array *array;

	array = kzalloc(sizeof(*array), gfp);
	if (!array)
		return NULL;
	if (capacity) {
		array->items = kvmalloc_array(capacity, sizeof(*array->items), gfp);
		if (!array->items) {
			kfree(array);
			return NULL;
		}
		array->capacity = capacity;
	}
	os_object_init_gfp(&array->obj, &os_array_class, gfp);
	return array;
}
EXPORT_SYMBOL_GPL(os_array_create_gfp);

/**
 * os_array_create() - an empty OSArray
 * @capacity: room to reserve; the array grows past it as needed
 *
 * Return: a new array with one reference, or NULL if out of memory.
 */
struct os_array *os_array_create(unsigned int capacity)
{
	return os_array_create_gfp(capacity, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_array_create);

/**
 * os_array_append() - setObject(): add @item at the end
 * @array: the array
 * @item: the object; the array takes its own reference
 *
 * Return: 0, or -ENOMEM (the array is unchanged).
 */
int os_array_append(struct os_array *array, struct os_object *item)
{
	if (array->count == array->capacity) {
		unsigned int capacity = array->capacity ? array->capacity * 2 : 4;
		struct os_object **items;

		items = iokit_kvgrow(array->items, array->count, capacity,
				     sizeof(*items), os_object_gfp(&array->obj));
		if (!items)
			return -ENOMEM;
		array->items = items;
		array->capacity = capacity;
	}
	array->items[array->count++] = os_object_get(item);
	return 0;
}
EXPORT_SYMBOL_GPL(os_array_append);

/**
 * os_array_get() - getObject(): the object at @index, borrowed
 * @array: the array
 * @index: position
 *
 * Return: the object, or NULL if @index is out of range.
 */
struct os_object *os_array_get(const struct os_array *array, unsigned int index)
{
	return index < array->count ? array->items[index] : NULL;
}
EXPORT_SYMBOL_GPL(os_array_get);

/**
 * os_array_cast() - OSDynamicCast(OSArray, obj)
 * @obj: an object or NULL
 *
 * Return: @obj as an OSArray, or NULL if it is not one.
 */
struct os_array *os_array_cast(const struct os_object *obj)
{
	return os_object_is_kind(obj, &os_array_class) ?
	       container_of(obj, struct os_array, obj) : NULL;
}
EXPORT_SYMBOL_GPL(os_array_cast);
