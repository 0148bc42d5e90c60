// SPDX-License-Identifier: GPL-2.0-only
/*
 * OS containers to and from IOKS streams, over the shared codec in
 * shared/os_serial.c.  Unserializing builds objects as the parser walks;
 * on any failure everything built so far is released, so a refused stream
 * leaves nothing behind.  Streams come from user space: what is built is
 * charged to the caller's memory cgroup, and its cost is linear in the
 * stream (a large dictionary's keys are checked for duplicates through a
 * hash index, not against every key before them).
 */
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>

#include <iokit/os_object.h>
#include <iokit/os_serialize.h>

#include "shared/os_serial.h"

/* Dictionaries with more keys than this get a hash index of them. */
#define OS_UNSERIALIZE_INDEX_MIN	16

/*
 * Open addressing over a dictionary's keys: each slot holds an entry's
 * index plus one, 0 when free; twice as many slots as declared keys.
 */
struct os_key_index {
	u32 mask;
	u16 slot[];
};

static_assert(IOKIT_SERIAL_COUNT_MAX < U16_MAX);

#define OS_UNSERIALIZE_GFP	GFP_KERNEL_ACCOUNT

struct os_unserializer {
	struct os_object *root;
	/* Open containers, borrowed: the root or their parent holds them. */
	struct os_object *open[IOKIT_SERIAL_DEPTH_MAX];
	/* For an open dictionary, the key waiting for its value. */
	struct os_string *key[IOKIT_SERIAL_DEPTH_MAX];
	/* For an open large dictionary, the index of its keys. */
	struct os_key_index *index[IOKIT_SERIAL_DEPTH_MAX];
	unsigned int depth;
};

/* Place @obj (whose reference this consumes) in the open container. */
static int os_unserializer_add(struct os_unserializer *u, struct os_object *obj)
{
	struct os_object *parent;
	struct os_dictionary *dict;
	int ret;

	if (!obj)
		return IOKIT_SERIAL_E_NO_MEMORY;
	if (!u->depth) {
		u->root = obj;
		return 0;
	}
	parent = u->open[u->depth - 1];
	dict = os_dictionary_cast(parent);
	if (dict) {
		struct os_string *key = u->key[u->depth - 1];

		u->key[u->depth - 1] = NULL;
		ret = os_dictionary_set_key(dict, key, obj);
		os_object_put(&key->obj);
	} else {
		ret = os_array_append(os_array_cast(parent), obj);
	}
	os_object_put(obj);
	return ret ? IOKIT_SERIAL_E_NO_MEMORY : 0;
}

static int os_unserializer_open(struct os_unserializer *u, struct os_object *c)
{
	int ret;

	if (!c)
		return IOKIT_SERIAL_E_NO_MEMORY;
	/* The container stays valid after add: the parent or root holds it. */
	ret = os_unserializer_add(u, c);
	if (ret)
		return ret;
	u->open[u->depth++] = c;
	return 0;
}

/*
 * Reserve what the stream declares only up to a small bound: a hostile
 * count must not make us allocate before the entries actually arrive.
 */
#define OS_UNSERIALIZE_RESERVE	16

static int os_unserializer_begin_dict(void *ctx, u32 count)
{
	struct os_unserializer *u = ctx;
	struct os_dictionary *d;
	struct os_key_index *index = NULL;
	u32 slots;
	int ret;

	/* The count is the parser's, bounded by IOKIT_SERIAL_COUNT_MAX. */
	if (count > OS_UNSERIALIZE_INDEX_MIN) {
		slots = roundup_pow_of_two(2 * count);
		index = kvzalloc(struct_size(index, slot, slots),
				 OS_UNSERIALIZE_GFP | __GFP_NOWARN);
		if (!index)
			return IOKIT_SERIAL_E_NO_MEMORY;
		index->mask = slots - 1;
	}
	d = os_dictionary_create_gfp(min_t(u32, count, OS_UNSERIALIZE_RESERVE),
				     OS_UNSERIALIZE_GFP);
	ret = os_unserializer_open(ctx, d ? &d->obj : NULL);
	if (ret)
		kvfree(index);
	else
		u->index[u->depth - 1] = index;
	return ret;
}

static int os_unserializer_begin_array(void *ctx, u32 count)
{
	struct os_array *a = os_array_create_gfp(min_t(u32, count, OS_UNSERIALIZE_RESERVE),
						 OS_UNSERIALIZE_GFP);

	return os_unserializer_open(ctx, a ? &a->obj : NULL);
}

static int os_unserializer_end(void *ctx)
{
	struct os_unserializer *u = ctx;

	u->depth--;
	kvfree(u->index[u->depth]);
	u->index[u->depth] = NULL;
	return 0;
}

/*
 * Whether @dict, whose keys @index knows, has @k already; if not, @k is
 * entered as the key of the next entry, which its value fills next.
 */
static bool os_key_index_insert(struct os_key_index *index,
				const struct os_dictionary *dict,
				const struct os_string *k)
{
	u32 i = full_name_hash(NULL, k->str, k->length) & index->mask;

	for (; index->slot[i]; i = (i + 1) & index->mask) {
		const struct os_string *have = dict->entries[index->slot[i] - 1].key;

		if (have->length == k->length && !memcmp(have->str, k->str, k->length))
			return true;
	}
	index->slot[i] = dict->count + 1;
	return false;
}

static int os_unserializer_key(void *ctx, const char *key, u32 len)
{
	struct os_unserializer *u = ctx;
	struct os_dictionary *dict = os_dictionary_cast(u->open[u->depth - 1]);
	struct os_key_index *index = u->index[u->depth - 1];
	struct os_string *k = os_string_create_len_gfp(key, len, OS_UNSERIALIZE_GFP);
	bool dup;

	if (!k)
		return IOKIT_SERIAL_E_NO_MEMORY;
	dup = index ? os_key_index_insert(index, dict, k) : !!os_dictionary_get(dict, k->str);
	if (dup) {
		os_object_put(&k->obj);
		return IOKIT_SERIAL_E_DUPLICATE_KEY;
	}
	u->key[u->depth - 1] = k;
	return 0;
}

static int os_unserializer_number(void *ctx, u64 value, u32 bits)
{
	struct os_number *n = os_number_create_gfp(value, bits, OS_UNSERIALIZE_GFP);

	return os_unserializer_add(ctx, n ? &n->obj : NULL);
}

static int os_unserializer_string(void *ctx, const char *str, u32 len)
{
	struct os_string *s = os_string_create_len_gfp(str, len, OS_UNSERIALIZE_GFP);

	return os_unserializer_add(ctx, s ? &s->obj : NULL);
}

static int os_unserializer_data(void *ctx, const void *bytes, u32 len)
{
	struct os_data *d = os_data_create_gfp(bytes, len, OS_UNSERIALIZE_GFP);

	return os_unserializer_add(ctx, d ? &d->obj : NULL);
}

static int os_unserializer_boolean(void *ctx, bool value)
{
	return os_unserializer_add(ctx, &os_boolean_get(value)->obj);
}

static const struct os_serial_visitor os_unserializer_visitor = {
	.begin_dict = os_unserializer_begin_dict,
	.begin_array = os_unserializer_begin_array,
	.end_container = os_unserializer_end,
	.key = os_unserializer_key,
	.number = os_unserializer_number,
	.string = os_unserializer_string,
	.data = os_unserializer_data,
	.boolean = os_unserializer_boolean,
};

/**
 * os_unserialize() - build OS objects from an IOKS stream
 * @buf: the stream (in kernel memory)
 * @len: its length
 * @err: out: on failure, offset and enum iokit_serial_error
 *
 * The objects are charged to the caller's memory cgroup.
 *
 * Return: the root object with one reference, or NULL on failure.
 */
struct os_object *os_unserialize(const void *buf, size_t len,
				 struct os_serial_error *err)
{
	struct os_unserializer u = {};
	unsigned int i;

	if (!os_serial_parse(buf, len, &os_unserializer_visitor, &u, err))
		return u.root;
	for (i = 0; i < ARRAY_SIZE(u.key); i++) {
		if (u.key[i])
			os_object_put(&u.key[i]->obj);
		kvfree(u.index[i]);
	}
	os_object_put(u.root);
	return NULL;
}
EXPORT_SYMBOL_GPL(os_unserialize);

/*
 * The encoder's state: the parser's limits apply to what the kernel writes
 * too, so user space never receives a stream it could not send back.
 */
struct os_serializer {
	struct os_serial_writer *w;
	u32 objects;
};

static int os_serialize_container(const struct os_object *obj,
				  struct os_serializer *s, unsigned int depth);

static int os_serialize_object(const struct os_object *obj,
			       struct os_serializer *s, unsigned int depth)
{
	const struct os_class *cls = obj->cls;
	struct os_serial_writer *w = s->w;

	if (++s->objects > IOKIT_SERIAL_OBJECTS_MAX)
		return -E2BIG;

	if (cls == &os_string_class) {
		const struct os_string *str = container_of(obj, struct os_string, obj);

		if (str->length > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_bytes(w, IOKIT_SERIAL_STRING, str->str, str->length);
	} else if (cls == &os_number_class) {
		const struct os_number *num = container_of(obj, struct os_number, obj);

		os_serial_put_number(w, num->value, num->bits);
	} else if (cls == &os_boolean_class) {
		os_serial_put_boolean(w, container_of(obj, struct os_boolean, obj)->value);
	} else if (cls == &os_data_class) {
		const struct os_data *data = container_of(obj, struct os_data, obj);

		if (data->length > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_bytes(w, IOKIT_SERIAL_DATA, data->bytes, data->length);
	} else {
		return os_serialize_container(obj, s, depth);
	}
	return 0;
}

static int os_serialize_container(const struct os_object *obj,
				  struct os_serializer *s, unsigned int depth)
{
	struct os_serial_writer *w = s->w;
	unsigned int i;
	int ret;

	if (depth >= IOKIT_SERIAL_DEPTH_MAX)
		return -E2BIG;
	if (obj->cls == &os_array_class) {
		const struct os_array *array = container_of(obj, struct os_array, obj);

		if (array->count > IOKIT_SERIAL_COUNT_MAX)
			return -E2BIG;
		os_serial_put_container(w, IOKIT_SERIAL_ARRAY, array->count);
		for (i = 0; i < array->count; i++) {
			ret = os_serialize_object(array->items[i], s, depth + 1);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (obj->cls == &os_dictionary_class) {
		const struct os_dictionary *dict =
			container_of(obj, struct os_dictionary, obj);

		if (dict->count > IOKIT_SERIAL_COUNT_MAX)
			return -E2BIG;
		os_serial_put_container(w, IOKIT_SERIAL_DICT, dict->count);
		for (i = 0; i < dict->count; i++) {
			const struct os_string *k = dict->entries[i].key;

			if (!k->length || k->length > IOKIT_SERIAL_KEY_MAX ||
			    memchr(k->str, '\0', k->length))
				return -E2BIG;
			if (++s->objects > IOKIT_SERIAL_OBJECTS_MAX)
				return -E2BIG;
			os_serial_put_bytes(w, IOKIT_SERIAL_STRING, k->str, k->length);
			ret = os_serialize_object(dict->entries[i].value, s, depth + 1);
			if (ret)
				return ret;
		}
		return 0;
	}
	/* Only containers and values have a serialized form. */
	return -EINVAL;
}

/**
 * os_serialize() - write @obj as an IOKS stream
 * @obj: a container or value
 * @w: the writer, begun by the caller with os_serial_begin()
 *
 * On success @w->len is the stream's length; it exceeds @w->capacity when
 * the buffer was too short, and then nothing past the capacity was written.
 *
 * Return: 0, -E2BIG if @obj nests deeper, holds more or has longer keys
 * than the format allows, -EINVAL if it holds an object with no
 * serialized form.
 */
int os_serialize(const struct os_object *obj, struct os_serial_writer *w)
{
	struct os_serializer s = { .w = w };

	return os_serialize_object(obj, &s, 0);
}
EXPORT_SYMBOL_GPL(os_serialize);
