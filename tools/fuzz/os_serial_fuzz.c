// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the IOKS codec (kmod/shared/os_serial.c), the very
 * file iokit.ko and libiokit compile.  For every input it
 *
 *  1. parses with a visitor that builds a small in-memory tree and checks
 *     the visitor contract of os_serial.h on every callback: keys only
 *     where a dictionary expects one, values only where a container has
 *     room, begin/end balanced, depth and counts within the
 *     IOKIT_SERIAL_* limits, every pointer and length inside the input,
 *     padding zero, numbers within their width, no NUL in keys or strings;
 *     a repeated key in one dictionary is refused with
 *     IOKIT_SERIAL_E_DUPLICATE_KEY, as the real builders do;
 *  2. on success, re-encodes the tree with the os_serial encoder and
 *     requires the very same bytes (the format is canonical), also from a
 *     measuring pass (NULL buffer) and from a pass into a short buffer;
 *  3. on failure, requires a parser-level enum iokit_serial_error, an
 *     offset inside the input and @err filled in consistently;
 *  4. on success, parses again with a builder that fails at one callback
 *     (chosen from the input), as a kernel builder does when out of
 *     memory, and requires exactly that error back, the parse stopped
 *     there and everything freed.
 *
 * Once per process, LLVMFuzzerInitialize() also checks the limits that
 * -max_len keeps out of the fuzzer's reach: IOKIT_SERIAL_SIZE_MAX and
 * IOKIT_SERIAL_OBJECTS_MAX, each at and just beyond the limit.
 *
 * Any violation abort()s, which libFuzzer reports as a crash.  The tree is
 * freed on every path, so LeakSanitizer sees any leak.
 */
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_serial.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "os_serial_fuzz: %s:%d: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* ---- The tree ----------------------------------------------------------- */

struct node {
	unsigned int type;	/* IOKIT_SERIAL_* */
	uint32_t len;		/* entries, bytes, bits or boolean value */
	uint64_t value;		/* NUMBER */
	uint8_t *bytes;		/* STRING, DATA (NULL when len is 0) */
	struct node **vals;	/* DICT, ARRAY: len slots */
	struct node **keys;	/* DICT: len slots, STRING nodes */
	uint32_t filled;	/* values stored so far */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	CHECK(p, "out of memory");
	return p;
}

static struct node *node_new(unsigned int type, uint32_t len)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->len = len;
	return n;
}

static struct node *node_bytes(unsigned int type, const void *bytes,
			       uint32_t len)
{
	struct node *n = node_new(type, len);

	if (len) {
		n->bytes = xcalloc(len, 1);
		memcpy(n->bytes, bytes, len);
	}
	return n;
}

/* Frees every slot, filled or not: a key may be waiting for its value. */
static void node_free(struct node *n)
{
	uint32_t i;

	if (!n)
		return;
	if (n->vals)
		for (i = 0; i < n->len; i++)
			node_free(n->vals[i]);
	if (n->keys)
		for (i = 0; i < n->len; i++)
			node_free(n->keys[i]);
	free(n->vals);
	free(n->keys);
	free(n->bytes);
	free(n);
}

static void encode(struct os_serial_writer *w, const struct node *n)
{
	uint32_t i;

	switch (n->type) {
	case IOKIT_SERIAL_DICT:
	case IOKIT_SERIAL_ARRAY:
		CHECK(n->filled == n->len, "incomplete container in tree");
		os_serial_put_container(w, n->type, n->len);
		for (i = 0; i < n->len; i++) {
			if (n->keys)
				encode(w, n->keys[i]);
			encode(w, n->vals[i]);
		}
		break;
	case IOKIT_SERIAL_NUMBER:
		os_serial_put_number(w, n->value, n->len);
		break;
	case IOKIT_SERIAL_STRING:
	case IOKIT_SERIAL_DATA:
		/*
		 * Never NULL: put_raw() would pass it to memcpy() with length
		 * 0, which is undefined behaviour in user space (UBSan's
		 * nonnull-attribute check).  Build with -DFUZZ_EMPTY_AS_NULL
		 * to exercise that.
		 */
#ifdef FUZZ_EMPTY_AS_NULL
		os_serial_put_bytes(w, n->type, n->bytes, n->len);
#else
		os_serial_put_bytes(w, n->type, n->bytes ? n->bytes :
				    (const uint8_t *)"", n->len);
#endif
		break;
	case IOKIT_SERIAL_BOOLEAN:
		os_serial_put_boolean(w, n->len);
		break;
	default:
		CHECK(0, "type %u in tree", n->type);
	}
}

/* ---- The checking, tree-building visitor -------------------------------- */

struct builder {
	const uint8_t *data;	/* the input, for range checks */
	size_t size;
	struct node *root;
	struct node *stack[IOKIT_SERIAL_DEPTH_MAX];
	unsigned int depth;
	bool have_key;		/* top is a DICT whose next key was given */
	uint32_t objects;	/* callbacks other than end_container */
	int refused;		/* what this visitor returned, if not 0 */
	size_t refused_off;	/* offset of the object it refused, if known */
	unsigned long calls;	/* callbacks so far */
	unsigned long fail_at;	/* refuse this callback (ULONG_MAX: none) */
};

#define OFF_UNKNOWN SIZE_MAX

/* Every callback starts here: the injected failure of check 4. */
static int enter(struct builder *b)
{
	if (b->calls++ != b->fail_at)
		return IOKIT_SERIAL_OK;
	b->refused = IOKIT_SERIAL_E_NO_MEMORY;
	b->refused_off = OFF_UNKNOWN;
	return IOKIT_SERIAL_E_NO_MEMORY;
}

static struct node *top(struct builder *b)
{
	return b->depth ? b->stack[b->depth - 1] : NULL;
}

/* [p, p + len) and its zero padding lie in the input, 4-byte aligned. */
static void check_payload(struct builder *b, const void *p, uint32_t len)
{
	size_t off, padded = ((size_t)len + 3) & ~(size_t)3, i;

	CHECK(len <= IOKIT_SERIAL_LENGTH_MASK, "length %u", len);
	CHECK((const uint8_t *)p >= b->data + 8 &&
	      (const uint8_t *)p <= b->data + b->size,
	      "payload pointer outside the input");
	off = (const uint8_t *)p - b->data;
	CHECK(off % 4 == 0, "payload at unaligned offset %zu", off);
	CHECK(padded <= b->size - off, "payload of %u bytes at %zu beyond %zu",
	      len, off, b->size);
	for (i = len; i < padded; i++)
		CHECK(b->data[off + i] == 0, "non-zero padding accepted");
}

static void count_object(struct builder *b)
{
	CHECK(++b->objects <= IOKIT_SERIAL_OBJECTS_MAX, "too many objects");
}

/* A value arrives: it must have a place, which it now fills. */
static void add_value(struct builder *b, struct node *n)
{
	struct node *t = top(b);

	count_object(b);
	if (!t) {
		CHECK(!b->root, "a second root object");
		b->root = n;
		return;
	}
	CHECK(t->filled < t->len, "value beyond the container's count");
	if (t->type == IOKIT_SERIAL_DICT) {
		CHECK(b->have_key, "dictionary value without a key");
		b->have_key = false;
	}
	t->vals[t->filled++] = n;
}

static int begin(struct builder *b, unsigned int type, uint32_t count)
{
	struct node *n;

	if (enter(b))
		return IOKIT_SERIAL_E_NO_MEMORY;
	n = node_new(type, count);
	CHECK(count <= IOKIT_SERIAL_COUNT_MAX, "count %u", count);
	CHECK(b->depth < IOKIT_SERIAL_DEPTH_MAX, "depth beyond %d",
	      IOKIT_SERIAL_DEPTH_MAX);
	n->vals = xcalloc(count, sizeof(*n->vals));
	if (type == IOKIT_SERIAL_DICT)
		n->keys = xcalloc(count, sizeof(*n->keys));
	add_value(b, n);
	b->stack[b->depth++] = n;
	return IOKIT_SERIAL_OK;
}

static int v_begin_dict(void *ctx, os_serial_u32 count)
{
	return begin(ctx, IOKIT_SERIAL_DICT, count);
}

static int v_begin_array(void *ctx, os_serial_u32 count)
{
	return begin(ctx, IOKIT_SERIAL_ARRAY, count);
}

static int v_end_container(void *ctx)
{
	struct builder *b = ctx;
	struct node *t = top(b);

	if (enter(b))
		return IOKIT_SERIAL_E_NO_MEMORY;
	CHECK(t, "end_container with nothing open");
	CHECK(t->filled == t->len, "container closed after %u of %u",
	      t->filled, t->len);
	CHECK(!b->have_key, "dictionary closed after a key");
	b->depth--;
	return IOKIT_SERIAL_OK;
}

static int v_key(void *ctx, const char *key, os_serial_u32 len)
{
	struct builder *b = ctx;
	struct node *t = top(b);
	uint32_t i;

	if (enter(b))
		return IOKIT_SERIAL_E_NO_MEMORY;
	count_object(b);
	CHECK(t && t->type == IOKIT_SERIAL_DICT, "key outside a dictionary");
	CHECK(!b->have_key, "two keys in a row");
	CHECK(t->filled < t->len, "key beyond the dictionary's count");
	CHECK(len >= 1 && len <= IOKIT_SERIAL_KEY_MAX, "key of %u bytes", len);
	check_payload(b, key, len);
	CHECK(!memchr(key, 0, len), "NUL in a key");

	for (i = 0; i < t->filled; i++) {
		const struct node *k = t->keys[i];

		if (k->len == len && !memcmp(k->bytes, key, len)) {
			b->refused = IOKIT_SERIAL_E_DUPLICATE_KEY;
			b->refused_off = (const uint8_t *)key - b->data - 4;
			return IOKIT_SERIAL_E_DUPLICATE_KEY;
		}
	}
	t->keys[t->filled] = node_bytes(IOKIT_SERIAL_STRING, key, len);
	b->have_key = true;
	return IOKIT_SERIAL_OK;
}

static int v_number(void *ctx, os_serial_u64 value, os_serial_u32 bits)
{
	struct node *n;

	if (enter(ctx))
		return IOKIT_SERIAL_E_NO_MEMORY;
	CHECK(bits == 8 || bits == 16 || bits == 32 || bits == 64,
	      "width %u", bits);
	CHECK(bits == 64 || !(value >> bits), "value wider than %u bits",
	      bits);
	n = node_new(IOKIT_SERIAL_NUMBER, bits);
	n->value = value;
	add_value(ctx, n);
	return IOKIT_SERIAL_OK;
}

static int v_string(void *ctx, const char *str, os_serial_u32 len)
{
	if (enter(ctx))
		return IOKIT_SERIAL_E_NO_MEMORY;
	check_payload(ctx, str, len);
	CHECK(!memchr(str, 0, len), "NUL in a string");
	add_value(ctx, node_bytes(IOKIT_SERIAL_STRING, str, len));
	return IOKIT_SERIAL_OK;
}

static int v_data(void *ctx, const void *bytes, os_serial_u32 len)
{
	if (enter(ctx))
		return IOKIT_SERIAL_E_NO_MEMORY;
	check_payload(ctx, bytes, len);
	add_value(ctx, node_bytes(IOKIT_SERIAL_DATA, bytes, len));
	return IOKIT_SERIAL_OK;
}

static int v_boolean(void *ctx, bool value)
{
	if (enter(ctx))
		return IOKIT_SERIAL_E_NO_MEMORY;
	add_value(ctx, node_new(IOKIT_SERIAL_BOOLEAN, value ? 1 : 0));
	return IOKIT_SERIAL_OK;
}

static const struct os_serial_visitor visitor = {
	.begin_dict = v_begin_dict,
	.begin_array = v_begin_array,
	.end_container = v_end_container,
	.key = v_key,
	.number = v_number,
	.string = v_string,
	.data = v_data,
	.boolean = v_boolean,
};

/* ---- Properties --------------------------------------------------------- */

#define CANARY 0xa5

static void check_round_trip(const uint8_t *data, size_t size,
			     const struct node *root)
{
	struct os_serial_writer w;
	uint8_t *out;
	size_t cap, i;

	/* Measuring pass. */
	os_serial_begin(&w, NULL, 0);
	encode(&w, root);
	CHECK(w.len == size, "measured %zu bytes, parsed %zu", w.len, size);

	/* Exact buffer: the same bytes. */
	out = xcalloc(size, 1);
	os_serial_begin(&w, out, size);
	encode(&w, root);
	CHECK(w.len == size, "encoded %zu bytes, parsed %zu", w.len, size);
	CHECK(!memcmp(out, data, size), "re-encoding differs from the input");
	free(out);

	/*
	 * A short buffer (malloc'd to its exact size, so ASan sees any write
	 * past it): the full length is still reported, and what was written
	 * is a prefix of the stream with the rest untouched.
	 */
	cap = size / 2;
	out = malloc(cap ? cap : 1);
	CHECK(out, "out of memory");
	memset(out, CANARY, cap);
	os_serial_begin(&w, out, cap);
	encode(&w, root);
	CHECK(w.len == size, "short buffer: %zu bytes, parsed %zu", w.len,
	      size);
	for (i = 0; i < cap && out[i] == data[i]; i++)
		;
	for (; i < cap; i++)
		CHECK(out[i] == CANARY, "short buffer: byte %zu not a prefix", i);
	free(out);
}

/* Parse with checks 1-3; returns the parser's result. */
static int check_input(const uint8_t *data, size_t size,
		       unsigned long fail_at, unsigned long *calls)
{
	struct builder b = { .data = data, .size = size, .fail_at = fail_at };
	struct os_serial_error err = { .offset = 0xdeadbeef,
				       .reason = 0xdeadbeef };
	int ret;

	ret = os_serial_parse(data, size, &visitor, &b, &err);

	if (ret == 0) {
		CHECK(err.offset == 0xdeadbeef && err.reason == 0xdeadbeef,
		      "err written on success");
		CHECK(b.root, "success without a root object");
		CHECK(b.depth == 0, "success with %u containers open", b.depth);
		CHECK(!b.refused, "success after the visitor refused");
		check_round_trip(data, size, b.root);
	} else {
		CHECK((uint32_t)ret == err.reason, "returned %d, err.reason %u",
		      ret, err.reason);
		CHECK(strcmp(os_serial_error_string(err.reason),
			     "unknown error"), "no text for reason %u",
		      err.reason);
		CHECK(err.offset <= size, "offset %u beyond %zu", err.offset,
		      size);
		CHECK(err.offset % 4 == 0, "offset %u unaligned", err.offset);
		if (b.refused) {
			CHECK(err.reason == (uint32_t)b.refused,
			      "visitor refused with %d, parser reported %u",
			      b.refused, err.reason);
			CHECK(b.refused_off == OFF_UNKNOWN ||
			      err.offset == b.refused_off,
			      "refusal at %zu reported at %u", b.refused_off,
			      err.offset);
			CHECK(b.calls == fail_at + 1 ||
			      b.refused == IOKIT_SERIAL_E_DUPLICATE_KEY,
			      "parse went on after a refusal");
		} else {
			CHECK(err.reason >= IOKIT_SERIAL_E_TRUNCATED &&
			      err.reason <= IOKIT_SERIAL_E_TRAILING &&
			      err.reason != IOKIT_SERIAL_E_DUPLICATE_KEY,
			      "reason %u is not a parser error", err.reason);
		}
	}
	node_free(b.root);
	if (calls)
		*calls = b.calls;
	return ret;
}

/* libFuzzer's entry points (declared by its runtime, not by a header). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long calls, fail_at;

	if (check_input(data, size, ULONG_MAX, &calls))
		return 0;

	/* Check 4: a builder failing at one callback of a valid stream. */
	CHECK(calls > 0, "a valid stream with no callback");
	fail_at = (size + data[size - 1] * 131ul + data[size / 2]) % calls;
	CHECK(check_input(data, size, fail_at, NULL) ==
	      IOKIT_SERIAL_E_NO_MEMORY, "injected failure at callback %lu lost",
	      fail_at);
	return 0;
}

/* ---- Limits beyond -max_len, checked once ------------------------------- */

static uint8_t *put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
	return p + 4;
}

static uint8_t *put_tag(uint8_t *p, unsigned int type, uint32_t length)
{
	return put_le32(p, type << IOKIT_SERIAL_TYPE_SHIFT | length);
}

static uint8_t *put_header(uint8_t *p)
{
	return put_le32(put_le32(p, IOKIT_SERIAL_MAGIC), IOKIT_SERIAL_VERSION);
}

static void expect(const uint8_t *data, size_t size, int want,
		   const char *what)
{
	int ret = check_input(data, size, ULONG_MAX, NULL);

	CHECK(ret == want, "%s: got %d (%s), want %d", what, ret,
	      os_serial_error_string(ret), want);
}

/*
 * A root array of 16 arrays of booleans, @objects tags in all (at least
 * 17): the 16 inner arrays share the booleans, the last taking the rest.
 */
static size_t make_objects(uint8_t *buf, uint32_t objects)
{
	uint32_t bools = objects - 17, per = (bools + 15) / 16, i, j, n;
	uint8_t *p = put_header(buf);

	p = put_tag(p, IOKIT_SERIAL_ARRAY, 16);
	for (i = 0; i < 16; i++) {
		n = bools < per ? bools : per;
		bools -= n;
		p = put_tag(p, IOKIT_SERIAL_ARRAY, n);
		for (j = 0; j < n; j++)
			p = put_tag(p, IOKIT_SERIAL_BOOLEAN, j & 1);
	}
	return p - buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t max = IOKIT_SERIAL_SIZE_MAX, len;
	uint8_t *buf = xcalloc(max + 4, 1);
	uint8_t *p;
	uint32_t r;

	/* Every reason has a text; the next one is unknown. */
	for (r = IOKIT_SERIAL_OK; r <= IOKIT_SERIAL_E_NO_MEMORY; r++)
		CHECK(strcmp(os_serial_error_string(r), "unknown error"),
		      "no text for reason %u", r);
	CHECK(!strcmp(os_serial_error_string(r), "unknown error"),
	      "text for reason %u", r);

	/* Short headers; and a NULL @err is allowed. */
	put_header(buf);
	expect(buf, 6, IOKIT_SERIAL_E_TRUNCATED, "half a version word");
	expect(buf, 3, IOKIT_SERIAL_E_TRUNCATED, "part of a magic");
	buf[0] = 'X';
	expect(buf, 4, IOKIT_SERIAL_E_MAGIC, "wrong short magic");
	CHECK(os_serial_parse(buf, 8, &visitor, NULL, NULL) ==
	      IOKIT_SERIAL_E_MAGIC, "NULL err changes the result");

	/* One DATA object filling exactly SIZE_MAX bytes, then 4 more. */
	p = put_tag(put_header(buf), IOKIT_SERIAL_DATA, max - 12);
	memset(p, 0x5a, max - 12);
	expect(buf, max, 0, "stream of IOKIT_SERIAL_SIZE_MAX bytes");
	put_tag(p, IOKIT_SERIAL_DATA, max - 8);
	expect(buf, max + 4, IOKIT_SERIAL_E_SIZE, "stream beyond SIZE_MAX");

	/* OBJECTS_MAX tags, then one more. */
	memset(buf, 0, max + 4);
	len = make_objects(buf, IOKIT_SERIAL_OBJECTS_MAX);
	expect(buf, len, 0, "IOKIT_SERIAL_OBJECTS_MAX objects");
	len = make_objects(buf, IOKIT_SERIAL_OBJECTS_MAX + 1);
	expect(buf, len, IOKIT_SERIAL_E_OBJECTS, "one object too many");

	free(buf);
	return 0;
}
