// SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later
/*
 * The IOKS codec; see os_serial.h.  Builds in the kernel and in user space.
 *
 * The parser is iterative with a fixed stack of IOKIT_SERIAL_DEPTH_MAX
 * frames, so hostile nesting costs neither kernel stack nor memory, and
 * it checks every limit before it looks at what a length claims: a stream
 * can make it read only the bytes it was given.  Bytes are assembled
 * one by one, so the buffer needs no alignment and the host no particular
 * byte order.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <string.h>
#define ARRAY_SIZE(a) (sizeof(a) / sizeof(*(a)))
#endif

#include "os_serial.h"

static os_serial_u32 get_le32(const os_serial_u8 *p)
{
	return (os_serial_u32)p[0] | (os_serial_u32)p[1] << 8 |
	       (os_serial_u32)p[2] << 16 | (os_serial_u32)p[3] << 24;
}

static os_serial_u64 get_le64(const os_serial_u8 *p)
{
	return (os_serial_u64)get_le32(p) | (os_serial_u64)get_le32(p + 4) << 32;
}

struct os_serial_frame {
	unsigned int type;
	os_serial_u32 remaining;	/* values still to come */
	bool expect_key;		/* DICT: a key comes next */
};

struct os_serial_parser {
	const os_serial_u8 *buf;
	size_t len;
	size_t pos;
};

/*
 * Claim @len payload bytes plus padding at the cursor.  Returns the payload
 * or NULL with *@reason set.
 */
static const os_serial_u8 *take_bytes(struct os_serial_parser *p,
				      os_serial_u32 len, int *reason)
{
	size_t padded = ((size_t)len + 3) & ~(size_t)3;
	const os_serial_u8 *bytes;
	size_t i;

	if (p->len - p->pos < padded) {
		*reason = IOKIT_SERIAL_E_TRUNCATED;
		return NULL;
	}
	bytes = p->buf + p->pos;
	for (i = len; i < padded; i++) {
		if (bytes[i]) {
			*reason = IOKIT_SERIAL_E_PADDING;
			return NULL;
		}
	}
	p->pos += padded;
	return bytes;
}

/**
 * os_serial_parse() - validate an IOKS stream and walk it with a visitor
 * @buf: the stream
 * @len: its length in bytes
 * @visitor: callbacks for what the stream holds
 * @ctx: passed to every callback
 * @err: out: on failure, where and why; untouched on success
 *
 * Return: 0 on success, else the enum iokit_serial_error also in @err.
 */
int os_serial_parse(const void *buf, size_t len,
		    const struct os_serial_visitor *visitor, void *ctx,
		    struct os_serial_error *err)
{
	struct os_serial_frame stack[IOKIT_SERIAL_DEPTH_MAX];
	struct os_serial_parser p = { .buf = buf, .len = len, .pos = 0 };
	unsigned int depth = 0;
	os_serial_u32 objects = 0;
	bool root_done = false;
	size_t obj_off = 0;
	int reason;

	if (len > IOKIT_SERIAL_SIZE_MAX) {
		reason = IOKIT_SERIAL_E_SIZE;
		goto fail;
	}
	if (len < 8) {
		reason = len < 4 || get_le32(p.buf) == IOKIT_SERIAL_MAGIC ?
			 IOKIT_SERIAL_E_TRUNCATED : IOKIT_SERIAL_E_MAGIC;
		goto fail;
	}
	if (get_le32(p.buf) != IOKIT_SERIAL_MAGIC) {
		reason = IOKIT_SERIAL_E_MAGIC;
		goto fail;
	}
	if (get_le32(p.buf + 4) != IOKIT_SERIAL_VERSION) {
		obj_off = 4;
		reason = IOKIT_SERIAL_E_VERSION;
		goto fail;
	}
	p.pos = 8;

	while (!root_done) {
		struct os_serial_frame *top = depth ? &stack[depth - 1] : NULL;
		const os_serial_u8 *bytes;
		os_serial_u32 tag, length;
		unsigned int type;

		if (top && !top->remaining && !top->expect_key) {
			obj_off = p.pos;
			reason = visitor->end_container(ctx);
			if (reason)
				goto fail;
			if (--depth == 0)
				root_done = true;
			continue;
		}

		obj_off = p.pos;
		if (p.len - p.pos < 4) {
			reason = IOKIT_SERIAL_E_TRUNCATED;
			goto fail;
		}
		tag = get_le32(p.buf + p.pos);
		p.pos += 4;
		type = tag >> IOKIT_SERIAL_TYPE_SHIFT;
		length = tag & IOKIT_SERIAL_LENGTH_MASK;
		if (++objects > IOKIT_SERIAL_OBJECTS_MAX) {
			reason = IOKIT_SERIAL_E_OBJECTS;
			goto fail;
		}

		if (top && top->expect_key) {
			if (type != IOKIT_SERIAL_STRING || !length ||
			    length > IOKIT_SERIAL_KEY_MAX) {
				reason = IOKIT_SERIAL_E_KEY;
				goto fail;
			}
			bytes = take_bytes(&p, length, &reason);
			if (!bytes)
				goto fail;
			if (memchr(bytes, '\0', length)) {
				reason = IOKIT_SERIAL_E_KEY;
				goto fail;
			}
			reason = visitor->key(ctx, (const char *)bytes, length);
			if (reason)
				goto fail;
			top->expect_key = false;
			continue;
		}

		/* A value: it fills one slot of the enclosing container. */
		if (top) {
			top->remaining--;
			top->expect_key = top->type == IOKIT_SERIAL_DICT &&
					  top->remaining;
		}

		switch (type) {
		case IOKIT_SERIAL_DICT:
		case IOKIT_SERIAL_ARRAY:
			if (length > IOKIT_SERIAL_COUNT_MAX) {
				reason = IOKIT_SERIAL_E_COUNT;
				goto fail;
			}
			if (depth == IOKIT_SERIAL_DEPTH_MAX) {
				reason = IOKIT_SERIAL_E_DEPTH;
				goto fail;
			}
			reason = type == IOKIT_SERIAL_DICT ?
				 visitor->begin_dict(ctx, length) :
				 visitor->begin_array(ctx, length);
			if (reason)
				goto fail;
			stack[depth].type = type;
			stack[depth].remaining = length;
			stack[depth].expect_key = type == IOKIT_SERIAL_DICT && length;
			depth++;
			continue;	/* the root is done when it closes */
		case IOKIT_SERIAL_NUMBER: {
			os_serial_u64 value;

			if (length != 8 && length != 16 && length != 32 &&
			    length != 64) {
				reason = IOKIT_SERIAL_E_NUMBER;
				goto fail;
			}
			bytes = take_bytes(&p, 8, &reason);
			if (!bytes)
				goto fail;
			value = get_le64(bytes);
			if (length < 64 && value >> length) {
				reason = IOKIT_SERIAL_E_NUMBER;
				goto fail;
			}
			reason = visitor->number(ctx, value, length);
			break;
		}
		case IOKIT_SERIAL_STRING:
			bytes = take_bytes(&p, length, &reason);
			if (!bytes)
				goto fail;
			if (memchr(bytes, '\0', length)) {
				reason = IOKIT_SERIAL_E_STRING;
				goto fail;
			}
			reason = visitor->string(ctx, (const char *)bytes, length);
			break;
		case IOKIT_SERIAL_DATA:
			bytes = take_bytes(&p, length, &reason);
			if (!bytes)
				goto fail;
			reason = visitor->data(ctx, bytes, length);
			break;
		case IOKIT_SERIAL_BOOLEAN:
			if (length > 1) {
				reason = IOKIT_SERIAL_E_BOOLEAN;
				goto fail;
			}
			reason = visitor->boolean(ctx, length);
			break;
		default:
			reason = IOKIT_SERIAL_E_TYPE;
			goto fail;
		}
		if (reason)
			goto fail;
		if (!depth)
			root_done = true;
	}

	if (p.pos != p.len) {
		obj_off = p.pos;
		reason = IOKIT_SERIAL_E_TRAILING;
		goto fail;
	}
	return 0;

fail:
	if (err) {
		err->offset = (os_serial_u32)obj_off;
		err->reason = reason;
	}
	return reason;
}

static void put_raw(struct os_serial_writer *w, const void *bytes, size_t len)
{
	/* An empty payload may come as NULL: memcpy must not see it. */
	if (w->buf && len && w->len + len <= w->capacity)
		memcpy(w->buf + w->len, bytes, len);
	w->len += len;
}

static void put_le32(struct os_serial_writer *w, os_serial_u32 v)
{
	os_serial_u8 b[4] = { v, v >> 8, v >> 16, v >> 24 };

	put_raw(w, b, sizeof(b));
}

static void put_tag(struct os_serial_writer *w, unsigned int type,
		    os_serial_u32 length)
{
	put_le32(w, (os_serial_u32)type << IOKIT_SERIAL_TYPE_SHIFT |
		    (length & IOKIT_SERIAL_LENGTH_MASK));
}

/**
 * os_serial_begin() - start a stream: reset @w and write the header
 * @w: the writer
 * @buf: output buffer, or NULL to measure only
 * @capacity: bytes at @buf
 */
void os_serial_begin(struct os_serial_writer *w, void *buf, size_t capacity)
{
	w->buf = buf;
	w->capacity = buf ? capacity : 0;
	w->len = 0;
	put_le32(w, IOKIT_SERIAL_MAGIC);
	put_le32(w, IOKIT_SERIAL_VERSION);
}

/**
 * os_serial_put_container() - open a dictionary or an array
 * @w: the writer
 * @type: IOKIT_SERIAL_DICT or IOKIT_SERIAL_ARRAY
 * @count: entries that follow (for a DICT, each is a key and a value)
 */
void os_serial_put_container(struct os_serial_writer *w, unsigned int type,
			     os_serial_u32 count)
{
	put_tag(w, type, count);
}

/**
 * os_serial_put_number() - write a number
 * @w: the writer
 * @value: the value; bits above @bits must be zero
 * @bits: 8, 16, 32 or 64
 */
void os_serial_put_number(struct os_serial_writer *w, os_serial_u64 value,
			  os_serial_u32 bits)
{
	put_tag(w, IOKIT_SERIAL_NUMBER, bits);
	put_le32(w, (os_serial_u32)value);
	put_le32(w, (os_serial_u32)(value >> 32));
}

/**
 * os_serial_put_bytes() - write a string, a key or data
 * @w: the writer
 * @type: IOKIT_SERIAL_STRING or IOKIT_SERIAL_DATA
 * @bytes: the payload
 * @len: its length (a string's without NUL)
 */
void os_serial_put_bytes(struct os_serial_writer *w, unsigned int type,
			 const void *bytes, os_serial_u32 len)
{
	static const os_serial_u8 zero[3];

	put_tag(w, type, len);
	put_raw(w, bytes, len);
	put_raw(w, zero, (4 - (len & 3)) & 3);
}

/**
 * os_serial_put_boolean() - write a boolean
 * @w: the writer
 * @value: the value
 */
void os_serial_put_boolean(struct os_serial_writer *w, bool value)
{
	put_tag(w, IOKIT_SERIAL_BOOLEAN, value ? 1 : 0);
}

/**
 * os_serial_error_string() - text for an enum iokit_serial_error
 * @reason: the error
 *
 * Return: a constant string; "unknown error" for values not known here.
 */
const char *os_serial_error_string(os_serial_u32 reason)
{
	static const char *const strings[] = {
		[IOKIT_SERIAL_OK] = "no error",
		[IOKIT_SERIAL_E_TRUNCATED] = "data ends inside an object",
		[IOKIT_SERIAL_E_MAGIC] = "not serialized data (no IOKS magic)",
		[IOKIT_SERIAL_E_VERSION] = "unknown serialization version",
		[IOKIT_SERIAL_E_TYPE] = "unknown object type",
		[IOKIT_SERIAL_E_DEPTH] = "containers nested too deeply",
		[IOKIT_SERIAL_E_OBJECTS] = "too many objects",
		[IOKIT_SERIAL_E_COUNT] = "container has too many entries",
		[IOKIT_SERIAL_E_SIZE] = "data too large",
		[IOKIT_SERIAL_E_NUMBER] = "bad number width or value",
		[IOKIT_SERIAL_E_BOOLEAN] = "bad boolean",
		[IOKIT_SERIAL_E_PADDING] = "non-zero padding",
		[IOKIT_SERIAL_E_KEY] = "dictionary key is not a 1-127 byte string",
		[IOKIT_SERIAL_E_DUPLICATE_KEY] = "duplicate dictionary key",
		[IOKIT_SERIAL_E_STRING] = "string contains a NUL byte",
		[IOKIT_SERIAL_E_TRAILING] = "data after the end of the object",
		[IOKIT_SERIAL_E_NOT_DICT] = "a dictionary is required",
		[IOKIT_SERIAL_E_UNKNOWN_KEY] = "unknown key",
		[IOKIT_SERIAL_E_VALUE] = "wrong type or value for the key",
		[IOKIT_SERIAL_E_NO_MEMORY] = "out of memory",
	};

	if (reason < ARRAY_SIZE(strings) && strings[reason])
		return strings[reason];
	return "unknown error";
}
