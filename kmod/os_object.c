// SPDX-License-Identifier: GPL-2.0-only
/*
 * OSObject: reference counting and the class chain every iokit object
 * shares.  The live-object count feeds debugfs, so tests can prove that
 * whatever they did returned every object.
 */
#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/string.h>

#include <iokit/os_object.h>

static atomic_long_t os_object_live = ATOMIC_LONG_INIT(0);

/* os_object_class: OSObject, the root class */
const struct os_class os_object_class = {
	.name = "OSObject",
};
EXPORT_SYMBOL_GPL(os_object_class);

/**
 * os_object_init() - initialise a newly allocated object
 * @obj: the object, embedded in its class's struct
 * @cls: its class, which must have a free method in its chain
 *
 * The object starts with one reference, the caller's.
 */
void os_object_init(struct os_object *obj, const struct os_class *cls)
{
	os_object_init_gfp(obj, cls, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(os_object_init);

/**
 * os_object_init_gfp() - initialise an object allocated with @gfp
 * @obj: the object, embedded in its class's struct
 * @cls: its class, which must have a free method in its chain
 * @gfp: the flags it was allocated with; with __GFP_ACCOUNT, what it
 *	allocates later is charged to the same memory cgroup
 */
void os_object_init_gfp(struct os_object *obj, const struct os_class *cls, gfp_t gfp)
{
	kref_init(&obj->ref);
	obj->flags = gfp & __GFP_ACCOUNT ? OS_OBJECT_ACCOUNTED : 0;
	obj->cls = cls;
	atomic_long_inc(&os_object_live);
}
EXPORT_SYMBOL_GPL(os_object_init_gfp);

/**
 * os_object_get() - take a reference
 * @obj: an object the caller already holds a reference to, or NULL
 *
 * Return: @obj.
 */
struct os_object *os_object_get(struct os_object *obj)
{
	if (obj)
		kref_get(&obj->ref);
	return obj;
}
EXPORT_SYMBOL_GPL(os_object_get);

/**
 * os_object_get_unless_zero() - take a reference unless the object is dying
 * @obj: an object found through a lookup that holds no reference (an
 *	RCU-protected index); its memory must still be valid
 *
 * Return: true if a reference was taken.
 */
bool os_object_get_unless_zero(struct os_object *obj)
{
	return kref_get_unless_zero(&obj->ref);
}
EXPORT_SYMBOL_GPL(os_object_get_unless_zero);

static void os_object_release(struct kref *ref)
{
	struct os_object *obj = container_of(ref, struct os_object, ref);
	const struct os_class *cls = obj->cls;

	while (cls && !cls->free)
		cls = cls->super;
	atomic_long_dec(&os_object_live);
	if (WARN_ON_ONCE(!cls))
		return;
	cls->free(obj);
}

/**
 * os_object_put() - drop a reference; the last one frees the object
 * @obj: the object, or NULL
 */
void os_object_put(struct os_object *obj)
{
	if (obj)
		kref_put(&obj->ref, os_object_release);
}
EXPORT_SYMBOL_GPL(os_object_put);

/**
 * os_class_is_subclass() - whether @cls is @super or derives from it
 * @cls: a class
 * @super: a class
 *
 * Return: true if @super is in @cls's chain.
 */
bool os_class_is_subclass(const struct os_class *cls, const struct os_class *super)
{
	for (; cls; cls = cls->super)
		if (cls == super)
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(os_class_is_subclass);

/**
 * os_object_is_kind() - whether @obj is of class @cls or a subclass of it
 * @obj: the object
 * @cls: the class
 *
 * Return: true if @cls is in @obj's class chain.
 */
bool os_object_is_kind(const struct os_object *obj, const struct os_class *cls)
{
	return obj && os_class_is_subclass(obj->cls, cls);
}
EXPORT_SYMBOL_GPL(os_object_is_kind);

/**
 * os_object_conforms_to() - IOObjectConformsTo(): class by name
 * @obj: the object
 * @class_name: a class name
 *
 * Return: true if @obj's class or one of its superclasses is named
 * @class_name.
 */
bool os_object_conforms_to(const struct os_object *obj, const char *class_name)
{
	const struct os_class *c;

	for (c = obj ? obj->cls : NULL; c; c = c->super)
		if (!strcmp(c->name, class_name))
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(os_object_conforms_to);

/**
 * os_object_class_name() - IOObjectGetClass()
 * @obj: the object
 *
 * Return: the name of @obj's class.
 */
const char *os_object_class_name(const struct os_object *obj)
{
	return obj->cls->name;
}
EXPORT_SYMBOL_GPL(os_object_class_name);

/**
 * os_object_equal() - isEqualTo(): compare two objects by value
 * @a: an object or NULL
 * @b: an object or NULL
 *
 * Objects of different classes are never equal (an 8-bit and a 32-bit
 * OSNumber of the same value are, as on Apple's side: both are OSNumber).
 *
 * Return: true if equal.
 */
bool os_object_equal(const struct os_object *a, const struct os_object *b)
{
	const struct os_class *c;

	if (a == b)
		return true;
	if (!a || !b || a->cls != b->cls)
		return false;
	for (c = a->cls; c; c = c->super)
		if (c->equal)
			return c->equal(a, b);
	return false;
}
EXPORT_SYMBOL_GPL(os_object_equal);

/**
 * os_object_footprint() - the memory an object holds
 * @obj: an object or NULL
 *
 * Return: its bytes, those of the objects it contains included.
 */
size_t os_object_footprint(const struct os_object *obj)
{
	const struct os_class *c;

	for (c = obj ? obj->cls : NULL; c; c = c->super)
		if (c->footprint)
			return c->footprint(obj);
	return 0;
}
EXPORT_SYMBOL_GPL(os_object_footprint);

/**
 * os_object_live_count() - number of objects not yet freed
 *
 * Static objects (the two OSBooleans) are not counted.
 *
 * Return: the count.
 */
long os_object_live_count(void)
{
	return atomic_long_read(&os_object_live);
}
EXPORT_SYMBOL_GPL(os_object_live_count);
