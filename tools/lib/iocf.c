// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libiokit property trees and their IOKS form; see IOKit/IOCFTypes.h.
 *
 * The IOKS side uses the kernel's own codec (kmod/shared/os_serial.c), so
 * a tree unserialized here passed exactly the checks the kernel would
 * make, and IOCFSerialize() validates its output with that same parser.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "iocf_internal.h"
#include "os_serial.h"

/* The public reason codes mirror the uapi enum; keep them in step. */
_Static_assert((int)kIOCFSerialErrorNoMemory == (int)IOKIT_SERIAL_E_NO_MEMORY &&
	       (int)kIOCFSerialErrorTruncated == (int)IOKIT_SERIAL_E_TRUNCATED &&
	       (int)kIOCFSerialErrorDuplicateKey == (int)IOKIT_SERIAL_E_DUPLICATE_KEY,
	       "kIOCFSerialError* out of step with enum iokit_serial_error");
_Static_assert(kIOCFDictionaryTypeID == IOKIT_SERIAL_DICT &&
	       kIOCFArrayTypeID == IOKIT_SERIAL_ARRAY &&
	       kIOCFNumberTypeID == IOKIT_SERIAL_NUMBER &&
	       kIOCFStringTypeID == IOKIT_SERIAL_STRING &&
	       kIOCFDataTypeID == IOKIT_SERIAL_DATA &&
	       kIOCFBooleanTypeID == IOKIT_SERIAL_BOOLEAN,
	       "IOCFTypeID out of step with the IOKS type codes");

/* The singletons' count never moves, so they need no locking or freeing. */
#define IOCF_IMMORTAL	LONG_MAX

static struct __IOCFObject iocf_true = {
	.type = kIOCFBooleanTypeID, .refs = IOCF_IMMORTAL, .u.boolean = true,
};

static struct __IOCFObject iocf_false = {
	.type = kIOCFBooleanTypeID, .refs = IOCF_IMMORTAL, .u.boolean = false,
};

const IOCFBooleanRef kIOCFBooleanTrue = (IOCFBooleanRef)&iocf_true;
const IOCFBooleanRef kIOCFBooleanFalse = (IOCFBooleanRef)&iocf_false;

static struct __IOCFObject *iocf_alloc(IOCFTypeID type)
{
	struct __IOCFObject *o = calloc(1, sizeof(*o));

	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	o->type = type;
	o->refs = 1;
	return o;
}

/* Callers' type checks all go through here, so misuse reads as EINVAL. */
struct __IOCFObject *iocf_cast(IOCFTypeRef ref, IOCFTypeID type)
{
	struct __IOCFObject *o = (struct __IOCFObject *)ref;

	if (!o || o->type != type) {
		errno = EINVAL;
		return NULL;
	}
	return o;
}

IOCFTypeRef IOCFRetain(IOCFTypeRef ref)
{
	struct __IOCFObject *o = (struct __IOCFObject *)ref;

	if (o && o->refs != IOCF_IMMORTAL)
		__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
	return ref;
}

static void iocf_free(struct __IOCFObject *o)
{
	size_t i;

	switch (o->type) {
	case kIOCFDictionaryTypeID:
		for (i = 0; i < o->u.dict.count; i++) {
			free(o->u.dict.keys[i]);
			IOCFRelease(o->u.dict.values[i]);
		}
		free(o->u.dict.keys);
		free(o->u.dict.values);
		break;
	case kIOCFArrayTypeID:
		for (i = 0; i < o->u.array.count; i++)
			IOCFRelease(o->u.array.values[i]);
		free(o->u.array.values);
		break;
	case kIOCFStringTypeID:
		free(o->u.string.str);
		break;
	case kIOCFDataTypeID:
		free(o->u.data.bytes);
		break;
	default:
		break;
	}
	free(o);
}

void IOCFRelease(IOCFTypeRef ref)
{
	struct __IOCFObject *o = (struct __IOCFObject *)ref;

	if (!o || o->refs == IOCF_IMMORTAL)
		return;
	if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0)
		iocf_free(o);
}

long IOCFGetRetainCount(IOCFTypeRef ref)
{
	const struct __IOCFObject *o = ref;

	return o ? __atomic_load_n(&o->refs, __ATOMIC_RELAXED) : 0;
}

IOCFTypeID IOCFGetTypeID(IOCFTypeRef ref)
{
	const struct __IOCFObject *o = ref;

	return o ? o->type : kIOCFInvalidTypeID;
}

/* ---- Dictionaries ------------------------------------------------------- */

IOCFMutableDictionaryRef IOCFDictionaryCreate(void)
{
	return (IOCFMutableDictionaryRef)iocf_alloc(kIOCFDictionaryTypeID);
}

/* Grow a container's arrays to hold at least @want entries. */
static int dict_reserve(struct __IOCFObject *d, size_t want)
{
	size_t cap = d->u.dict.capacity;
	char **keys;
	IOCFTypeRef *values;

	if (want <= cap)
		return 0;
	cap = cap ? cap : 4;
	while (cap < want)
		cap *= 2;
	keys = realloc(d->u.dict.keys, cap * sizeof(*keys));
	if (!keys)
		goto nomem;
	d->u.dict.keys = keys;
	values = realloc(d->u.dict.values, cap * sizeof(*values));
	if (!values)
		goto nomem;
	d->u.dict.values = values;
	d->u.dict.capacity = cap;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

ssize_t iocf_dict_find(const struct __IOCFObject *d, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < d->u.dict.count; i++) {
		const char *k = d->u.dict.keys[i];

		if (!strncmp(k, key, len) && !k[len])
			return i;
	}
	return -1;
}

IOCFTypeRef IOCFDictionaryGetValue(IOCFDictionaryRef dict, const char *key)
{
	struct __IOCFObject *d = iocf_cast(dict, kIOCFDictionaryTypeID);
	ssize_t i;

	if (!d || !key) {
		errno = EINVAL;
		return NULL;
	}
	i = iocf_dict_find(d, key, strlen(key));
	return i < 0 ? NULL : d->u.dict.values[i];
}

/*
 * Set @key (@len bytes, no NUL inside) to @value, taking over the caller's
 * reference to @value only on success.
 */
int iocf_dict_set(struct __IOCFObject *d, const char *key, size_t len, IOCFTypeRef value)
{
	char *copy;
	ssize_t i;

	if (!len || len > IOKIT_SERIAL_KEY_MAX || !value || value == d) {
		errno = EINVAL;
		return -1;
	}
	i = iocf_dict_find(d, key, len);
	if (i >= 0) {
		IOCFRelease(d->u.dict.values[i]);
		d->u.dict.values[i] = value;
		return 0;
	}
	if (dict_reserve(d, d->u.dict.count + 1))
		return -1;
	copy = strndup(key, len);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	d->u.dict.keys[d->u.dict.count] = copy;
	d->u.dict.values[d->u.dict.count++] = value;
	return 0;
}

int IOCFDictionarySetValue(IOCFMutableDictionaryRef dict, const char *key, IOCFTypeRef value)
{
	struct __IOCFObject *d = iocf_cast(dict, kIOCFDictionaryTypeID);

	if (!d || !key) {
		errno = EINVAL;
		return -1;
	}
	if (iocf_dict_set(d, key, strlen(key), IOCFRetain(value))) {
		IOCFRelease(value);
		return -1;
	}
	return 0;
}

bool IOCFDictionaryRemoveValue(IOCFMutableDictionaryRef dict, const char *key)
{
	struct __IOCFObject *d = iocf_cast(dict, kIOCFDictionaryTypeID);
	size_t n;
	ssize_t i;

	if (!d || !key)
		return false;
	i = iocf_dict_find(d, key, strlen(key));
	if (i < 0)
		return false;
	free(d->u.dict.keys[i]);
	IOCFRelease(d->u.dict.values[i]);
	n = d->u.dict.count - i - 1;
	memmove(&d->u.dict.keys[i], &d->u.dict.keys[i + 1], n * sizeof(char *));
	memmove(&d->u.dict.values[i], &d->u.dict.values[i + 1], n * sizeof(IOCFTypeRef));
	d->u.dict.count--;
	return true;
}

size_t IOCFDictionaryGetCount(IOCFDictionaryRef dict)
{
	struct __IOCFObject *d = iocf_cast(dict, kIOCFDictionaryTypeID);

	return d ? d->u.dict.count : 0;
}

bool IOCFDictionaryGetKeyValueAtIndex(IOCFDictionaryRef dict, size_t index,
				      const char **key, IOCFTypeRef *value)
{
	struct __IOCFObject *d = iocf_cast(dict, kIOCFDictionaryTypeID);

	if (!d || index >= d->u.dict.count) {
		errno = EINVAL;
		return false;
	}
	if (key)
		*key = d->u.dict.keys[index];
	if (value)
		*value = d->u.dict.values[index];
	return true;
}

/* ---- Arrays ------------------------------------------------------------- */

IOCFMutableArrayRef IOCFArrayCreate(void)
{
	return (IOCFMutableArrayRef)iocf_alloc(kIOCFArrayTypeID);
}

/* Append @value, taking over the caller's reference only on success. */
int iocf_array_append(struct __IOCFObject *a, IOCFTypeRef value)
{
	if (!value || value == a) {
		errno = EINVAL;
		return -1;
	}
	if (a->u.array.count == a->u.array.capacity) {
		size_t cap = a->u.array.capacity ? a->u.array.capacity * 2 : 4;
		IOCFTypeRef *values = realloc(a->u.array.values, cap * sizeof(*values));

		if (!values) {
			errno = ENOMEM;
			return -1;
		}
		a->u.array.values = values;
		a->u.array.capacity = cap;
	}
	a->u.array.values[a->u.array.count++] = value;
	return 0;
}

int IOCFArrayAppendValue(IOCFMutableArrayRef array, IOCFTypeRef value)
{
	struct __IOCFObject *a = iocf_cast(array, kIOCFArrayTypeID);

	if (!a)
		return -1;
	if (iocf_array_append(a, IOCFRetain(value))) {
		IOCFRelease(value);
		return -1;
	}
	return 0;
}

size_t IOCFArrayGetCount(IOCFArrayRef array)
{
	struct __IOCFObject *a = iocf_cast(array, kIOCFArrayTypeID);

	return a ? a->u.array.count : 0;
}

IOCFTypeRef IOCFArrayGetValueAtIndex(IOCFArrayRef array, size_t index)
{
	struct __IOCFObject *a = iocf_cast(array, kIOCFArrayTypeID);

	if (!a || index >= a->u.array.count) {
		errno = EINVAL;
		return NULL;
	}
	return a->u.array.values[index];
}

/* ---- Strings, numbers, booleans, data ----------------------------------- */

IOCFStringRef IOCFStringCreateWithBytes(const char *bytes, size_t length)
{
	struct __IOCFObject *s;

	if ((!bytes && length) || (length && memchr(bytes, '\0', length))) {
		errno = EINVAL;
		return NULL;
	}
	s = iocf_alloc(kIOCFStringTypeID);
	if (!s)
		return NULL;
	s->u.string.str = malloc(length + 1);
	if (!s->u.string.str) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (length)
		memcpy(s->u.string.str, bytes, length);
	s->u.string.str[length] = '\0';
	s->u.string.length = length;
	return s;
}

IOCFStringRef IOCFStringCreate(const char *cstr)
{
	if (!cstr) {
		errno = EINVAL;
		return NULL;
	}
	return IOCFStringCreateWithBytes(cstr, strlen(cstr));
}

const char *IOCFStringGetCStringPtr(IOCFStringRef string)
{
	struct __IOCFObject *s = iocf_cast(string, kIOCFStringTypeID);

	return s ? s->u.string.str : NULL;
}

size_t IOCFStringGetLength(IOCFStringRef string)
{
	struct __IOCFObject *s = iocf_cast(string, kIOCFStringTypeID);

	return s ? s->u.string.length : 0;
}

static uint64_t width_mask(unsigned int bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* Like IOCFNumberCreate() but with the stored bits: what IOKS carries. */
struct __IOCFObject *iocf_number_create(uint64_t value, unsigned int bits)
{
	struct __IOCFObject *n;

	if (bits != 8 && bits != 16 && bits != 32 && bits != 64) {
		errno = EINVAL;
		return NULL;
	}
	n = iocf_alloc(kIOCFNumberTypeID);
	if (!n)
		return NULL;
	n->u.number.value = value & width_mask(bits);
	n->u.number.bits = bits;
	return n;
}

IOCFNumberRef IOCFNumberCreate(int64_t value, unsigned int bits)
{
	return iocf_number_create((uint64_t)value, bits);
}

int64_t IOCFNumberGetValue(IOCFNumberRef number)
{
	return (int64_t)IOCFNumberGetUnsignedValue(number);
}

uint64_t IOCFNumberGetUnsignedValue(IOCFNumberRef number)
{
	struct __IOCFObject *n = iocf_cast(number, kIOCFNumberTypeID);

	return n ? n->u.number.value : 0;
}

unsigned int IOCFNumberGetBitWidth(IOCFNumberRef number)
{
	struct __IOCFObject *n = iocf_cast(number, kIOCFNumberTypeID);

	return n ? n->u.number.bits : 0;
}

IOCFBooleanRef IOCFBooleanCreate(bool value)
{
	return value ? kIOCFBooleanTrue : kIOCFBooleanFalse;
}

bool IOCFBooleanGetValue(IOCFBooleanRef boolean)
{
	struct __IOCFObject *b = iocf_cast(boolean, kIOCFBooleanTypeID);

	return b ? b->u.boolean : false;
}

IOCFDataRef IOCFDataCreate(const void *bytes, size_t length)
{
	struct __IOCFObject *d;

	if (!bytes && length) {
		errno = EINVAL;
		return NULL;
	}
	d = iocf_alloc(kIOCFDataTypeID);
	if (!d)
		return NULL;
	/* One spare byte so an empty object still has a non-NULL pointer. */
	d->u.data.bytes = malloc(length + 1);
	if (!d->u.data.bytes) {
		free(d);
		errno = ENOMEM;
		return NULL;
	}
	if (length)
		memcpy(d->u.data.bytes, bytes, length);
	d->u.data.length = length;
	return d;
}

const uint8_t *IOCFDataGetBytePtr(IOCFDataRef data)
{
	struct __IOCFObject *d = iocf_cast(data, kIOCFDataTypeID);

	return d ? d->u.data.bytes : NULL;
}

size_t IOCFDataGetLength(IOCFDataRef data)
{
	struct __IOCFObject *d = iocf_cast(data, kIOCFDataTypeID);

	return d ? d->u.data.length : 0;
}

/* ---- Equality ----------------------------------------------------------- */

bool IOCFEqual(IOCFTypeRef ref_a, IOCFTypeRef ref_b)
{
	const struct __IOCFObject *a = ref_a, *b = ref_b;
	size_t i;

	if (a == b)
		return true;
	if (!a || !b || a->type != b->type)
		return false;

	switch (a->type) {
	case kIOCFDictionaryTypeID:
		if (a->u.dict.count != b->u.dict.count)
			return false;
		for (i = 0; i < a->u.dict.count; i++) {
			const char *key = a->u.dict.keys[i];
			ssize_t j = iocf_dict_find(b, key, strlen(key));

			if (j < 0 || !IOCFEqual(a->u.dict.values[i], b->u.dict.values[j]))
				return false;
		}
		return true;
	case kIOCFArrayTypeID:
		if (a->u.array.count != b->u.array.count)
			return false;
		for (i = 0; i < a->u.array.count; i++)
			if (!IOCFEqual(a->u.array.values[i], b->u.array.values[i]))
				return false;
		return true;
	case kIOCFNumberTypeID:
		return a->u.number.value == b->u.number.value;
	case kIOCFStringTypeID:
		return a->u.string.length == b->u.string.length &&
		       !memcmp(a->u.string.str, b->u.string.str, a->u.string.length);
	case kIOCFDataTypeID:
		return a->u.data.length == b->u.data.length &&
		       !memcmp(a->u.data.bytes, b->u.data.bytes, a->u.data.length);
	case kIOCFBooleanTypeID:
		return a->u.boolean == b->u.boolean;
	default:
		return false;
	}
}

/* ---- IOKS --------------------------------------------------------------- */

/*
 * One past the parser's nesting limit is as deep as encoding goes: that
 * is enough for the parser to report the depth, and it stops a cycle.
 */
static int encode(struct os_serial_writer *w, const struct __IOCFObject *o, unsigned int depth)
{
	size_t i;

	if (depth > IOKIT_SERIAL_DEPTH_MAX + 1)
		return -E2BIG;

	switch (o->type) {
	case kIOCFDictionaryTypeID:
		if (o->u.dict.count > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_container(w, IOKIT_SERIAL_DICT, o->u.dict.count);
		for (i = 0; i < o->u.dict.count; i++) {
			const char *key = o->u.dict.keys[i];
			int ret;

			os_serial_put_bytes(w, IOKIT_SERIAL_STRING, key, strlen(key));
			ret = encode(w, o->u.dict.values[i], depth + 1);
			if (ret)
				return ret;
		}
		return 0;
	case kIOCFArrayTypeID:
		if (o->u.array.count > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_container(w, IOKIT_SERIAL_ARRAY, o->u.array.count);
		for (i = 0; i < o->u.array.count; i++) {
			int ret = encode(w, o->u.array.values[i], depth + 1);

			if (ret)
				return ret;
		}
		return 0;
	case kIOCFNumberTypeID:
		os_serial_put_number(w, o->u.number.value, o->u.number.bits);
		return 0;
	case kIOCFStringTypeID:
		if (o->u.string.length > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_bytes(w, IOKIT_SERIAL_STRING, o->u.string.str, o->u.string.length);
		return 0;
	case kIOCFDataTypeID:
		if (o->u.data.length > IOKIT_SERIAL_LENGTH_MASK)
			return -E2BIG;
		os_serial_put_bytes(w, IOKIT_SERIAL_DATA, o->u.data.bytes, o->u.data.length);
		return 0;
	case kIOCFBooleanTypeID:
		os_serial_put_boolean(w, o->u.boolean);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Validation only: a visitor that accepts everything. */
static int accept_container(void *ctx __maybe_unused, os_serial_u32 count __maybe_unused)
{
	return 0;
}

static int accept_end(void *ctx __maybe_unused)
{
	return 0;
}

static int accept_bytes(void *ctx __maybe_unused, const char *s __maybe_unused,
			os_serial_u32 len __maybe_unused)
{
	return 0;
}

static int accept_number(void *ctx __maybe_unused, os_serial_u64 value __maybe_unused,
			 os_serial_u32 bits __maybe_unused)
{
	return 0;
}

static int accept_data(void *ctx __maybe_unused, const void *bytes __maybe_unused,
		       os_serial_u32 len __maybe_unused)
{
	return 0;
}

static int accept_boolean(void *ctx __maybe_unused, bool value __maybe_unused)
{
	return 0;
}

static const struct os_serial_visitor accept_all = {
	.begin_dict = accept_container,
	.begin_array = accept_container,
	.end_container = accept_end,
	.key = accept_bytes,
	.number = accept_number,
	.string = accept_bytes,
	.data = accept_data,
	.boolean = accept_boolean,
};

void *IOCFSerialize(IOCFTypeRef object, size_t *length)
{
	struct os_serial_writer w;
	struct os_serial_error err;
	void *buf;
	int ret;

	if (!object || !length) {
		errno = EINVAL;
		return NULL;
	}
	os_serial_begin(&w, NULL, 0);
	ret = encode(&w, object, 0);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	buf = malloc(w.len);
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	os_serial_begin(&w, buf, w.len);
	encode(&w, object, 0);

	/*
	 * Dictionary keys are valid by construction; what remains are the
	 * kernel's size limits, checked by the kernel's own parser.
	 */
	if (os_serial_parse(buf, w.len, &accept_all, NULL, &err)) {
		free(buf);
		errno = err.reason == IOKIT_SERIAL_E_DEPTH || err.reason == IOKIT_SERIAL_E_COUNT ||
			err.reason == IOKIT_SERIAL_E_OBJECTS || err.reason == IOKIT_SERIAL_E_SIZE ?
			E2BIG : EINVAL;
		return NULL;
	}
	*length = w.len;
	return buf;
}

/*
 * The tree builder.  The stack holds borrowed pointers to the open
 * containers; the root reference owns everything built so far, so a
 * failure anywhere is cleaned up by releasing the root.
 */
struct builder {
	struct __IOCFObject *root;
	struct __IOCFObject *stack[IOKIT_SERIAL_DEPTH_MAX];
	unsigned int depth;
	char key[IOKIT_SERIAL_KEY_MAX + 1];
	size_t key_len;
};

/* Place a new object (the builder takes its reference) where it belongs. */
static int place(struct builder *b, struct __IOCFObject *o)
{
	struct __IOCFObject *parent;
	int ret;

	if (!o)
		return IOKIT_SERIAL_E_NO_MEMORY;
	if (!b->depth) {
		b->root = o;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == kIOCFDictionaryTypeID)
		ret = iocf_dict_set(parent, b->key, b->key_len, o);
	else
		ret = iocf_array_append(parent, o);
	if (ret) {
		IOCFRelease(o);
		return IOKIT_SERIAL_E_NO_MEMORY;
	}
	return 0;
}

static int open_container(struct builder *b, IOCFTypeID type, os_serial_u32 count)
{
	struct __IOCFObject *o = iocf_alloc(type);
	int ret;

	/* The parser has checked @count against its limit: preallocate. */
	if (o && count) {
		if (type == kIOCFDictionaryTypeID) {
			ret = dict_reserve(o, count);
		} else {
			o->u.array.values = malloc(count * sizeof(IOCFTypeRef));
			o->u.array.capacity = count;
			ret = o->u.array.values ? 0 : -1;
		}
		if (ret) {
			IOCFRelease(o);
			o = NULL;
		}
	}
	ret = place(b, o);
	if (ret)
		return ret;
	b->stack[b->depth++] = o;
	return 0;
}

static int build_dict(void *ctx, os_serial_u32 count)
{
	return open_container(ctx, kIOCFDictionaryTypeID, count);
}

static int build_array(void *ctx, os_serial_u32 count)
{
	return open_container(ctx, kIOCFArrayTypeID, count);
}

static int build_end(void *ctx)
{
	struct builder *b = ctx;

	b->depth--;
	return 0;
}

static int build_key(void *ctx, const char *key, os_serial_u32 len)
{
	struct builder *b = ctx;

	if (iocf_dict_find(b->stack[b->depth - 1], key, len) >= 0)
		return IOKIT_SERIAL_E_DUPLICATE_KEY;
	memcpy(b->key, key, len);
	b->key[len] = '\0';
	b->key_len = len;
	return 0;
}

static int build_number(void *ctx, os_serial_u64 value, os_serial_u32 bits)
{
	return place(ctx, iocf_number_create(value, bits));
}

static int build_string(void *ctx, const char *str, os_serial_u32 len)
{
	return place(ctx, (struct __IOCFObject *)IOCFStringCreateWithBytes(str, len));
}

static int build_data(void *ctx, const void *bytes, os_serial_u32 len)
{
	return place(ctx, (struct __IOCFObject *)IOCFDataCreate(bytes, len));
}

static int build_boolean(void *ctx, bool value)
{
	return place(ctx, (struct __IOCFObject *)IOCFBooleanCreate(value));
}

static const struct os_serial_visitor builder_visitor = {
	.begin_dict = build_dict,
	.begin_array = build_array,
	.end_container = build_end,
	.key = build_key,
	.number = build_number,
	.string = build_string,
	.data = build_data,
	.boolean = build_boolean,
};

IOCFTypeRef IOCFUnserialize(const void *buffer, size_t length, struct IOCFSerialError *error)
{
	struct builder b = { .root = NULL };
	struct os_serial_error err;

	if (!buffer && length) {
		errno = EINVAL;
		return NULL;
	}
	if (os_serial_parse(buffer, length, &builder_visitor, &b, &err)) {
		IOCFRelease(b.root);
		if (error) {
			error->offset = err.offset;
			error->reason = err.reason;
		}
		errno = err.reason == IOKIT_SERIAL_E_NO_MEMORY ? ENOMEM : EINVAL;
		return NULL;
	}
	return b.root;
}

const char *IOCFSerialErrorString(uint32_t reason)
{
	return os_serial_error_string(reason);
}
