/* SPDX-License-Identifier: GPL-2.0-only OR LGPL-2.1-or-later */
/*
 * The IOKS serialization codec (Documentation/serialization.rst), shared
 * verbatim by iokit.ko, libiokit and the user-space fuzzer: one parser and
 * one encoder for properties, matching dictionaries and personalities, so
 * the two sides cannot drift apart.
 *
 * The parser validates and walks; it builds nothing.  A visitor turns the
 * walk into objects (OS containers in the kernel, a property tree in
 * libiokit).  The encoder writes into a caller's buffer and keeps counting
 * past its end, so one pass tells the size a retry needs.
 */
#ifndef OS_SERIAL_H
#define OS_SERIAL_H

#ifndef __KERNEL__
#include <stdbool.h>
#include <stddef.h>
#endif
#include <linux/types.h>

#include <linux/iokit.h>

/* The uapi types exist on both sides; these names keep the API readable. */
typedef __u8 os_serial_u8;
typedef __u32 os_serial_u32;
typedef __u64 os_serial_u64;

/**
 * struct os_serial_visitor - callbacks of os_serial_parse()
 * @begin_dict: a dictionary of @count entries starts; its entries follow
 *	as key() and a value each, then end_container()
 * @begin_array: an array of @count elements starts
 * @end_container: the innermost open dictionary or array is complete
 * @key: the next dictionary key, @len bytes, not NUL-terminated, no NUL
 * @number: a number of @bits (8, 16, 32 or 64) bits
 * @string: a string of @len bytes, not NUL-terminated, no NUL inside
 * @data: @len bytes of data
 * @boolean: a boolean
 *
 * Each returns IOKIT_SERIAL_OK or an enum iokit_serial_error, which stops
 * the parse and is reported at the offset of the object being visited
 * (a builder reports IOKIT_SERIAL_E_DUPLICATE_KEY or _NO_MEMORY this way).
 */
struct os_serial_visitor {
	int (*begin_dict)(void *ctx, os_serial_u32 count);
	int (*begin_array)(void *ctx, os_serial_u32 count);
	int (*end_container)(void *ctx);
	int (*key)(void *ctx, const char *key, os_serial_u32 len);
	int (*number)(void *ctx, os_serial_u64 value, os_serial_u32 bits);
	int (*string)(void *ctx, const char *str, os_serial_u32 len);
	int (*data)(void *ctx, const void *bytes, os_serial_u32 len);
	int (*boolean)(void *ctx, bool value);
};

/**
 * struct os_serial_error - where and why a stream was refused
 * @offset: byte offset of the offending object (or of the end of data)
 * @reason: an enum iokit_serial_error
 */
struct os_serial_error {
	os_serial_u32 offset;
	os_serial_u32 reason;
};

int os_serial_parse(const void *buf, size_t len,
		    const struct os_serial_visitor *visitor, void *ctx,
		    struct os_serial_error *err);

/**
 * struct os_serial_writer - an encoder's output
 * @buf: where to write; may be NULL to only measure
 * @capacity: bytes at @buf
 * @len: bytes the stream needs so far.  @len > @capacity means "retry with
 *	@len bytes": pieces that did not fit whole were skipped, and nothing
 *	was written past @capacity.
 */
struct os_serial_writer {
	os_serial_u8 *buf;
	size_t capacity;
	size_t len;
};

void os_serial_begin(struct os_serial_writer *w, void *buf, size_t capacity);
void os_serial_put_container(struct os_serial_writer *w, unsigned int type,
			     os_serial_u32 count);
void os_serial_put_number(struct os_serial_writer *w, os_serial_u64 value,
			  os_serial_u32 bits);
void os_serial_put_bytes(struct os_serial_writer *w, unsigned int type,
			 const void *bytes, os_serial_u32 len);
void os_serial_put_boolean(struct os_serial_writer *w, bool value);

const char *os_serial_error_string(os_serial_u32 reason);

#endif /* OS_SERIAL_H */
