// SPDX-License-Identifier: GPL-2.0-only
/*
 * make_seeds DIR: write the seed corpus of os_serial_fuzz, a set of valid
 * IOKS streams covering every type, nesting to IOKIT_SERIAL_DEPTH_MAX,
 * empty containers, numbers at the top of each width, padding of every
 * size and keys of 1 and IOKIT_SERIAL_KEY_MAX bytes.  Each stream is made
 * with the os_serial encoder and checked with os_serial_parse before it
 * is written, so a seed is never invalid.  Plain C, no fuzzer runtime.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_serial.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof(*(a)))
#endif

typedef void (*build_fn)(struct os_serial_writer *w);

static void key(struct os_serial_writer *w, const char *k)
{
	os_serial_put_bytes(w, IOKIT_SERIAL_STRING, k, strlen(k));
}

static void str(struct os_serial_writer *w, const char *s)
{
	os_serial_put_bytes(w, IOKIT_SERIAL_STRING, s, strlen(s));
}

static void empty_dict(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 0);
}

static void empty_array(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 0);
}

static void scalar_root(struct os_serial_writer *w)
{
	str(w, "IOService");
}

/* Numbers at 0 and at the top of every width. */
static void numbers(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 8);
	os_serial_put_number(w, 0, 8);
	os_serial_put_number(w, UINT8_MAX, 8);
	os_serial_put_number(w, 0, 16);
	os_serial_put_number(w, UINT16_MAX, 16);
	os_serial_put_number(w, 0, 32);
	os_serial_put_number(w, UINT32_MAX, 32);
	os_serial_put_number(w, 0, 64);
	os_serial_put_number(w, UINT64_MAX, 64);
}

/* Strings and data of 0..5 bytes: every amount of padding. */
static void bytes_and_padding(struct os_serial_writer *w)
{
	static const char text[] = "abcde";
	static const uint8_t bin[] = { 0x00, 0xff, 0x00, 0x80, 0x7f };
	unsigned int i;

	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 12);
	for (i = 0; i <= 5; i++) {
		os_serial_put_bytes(w, IOKIT_SERIAL_STRING, text, i);
		os_serial_put_bytes(w, IOKIT_SERIAL_DATA, bin, i);
	}
}

static void booleans(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 2);
	key(w, "Yes");
	os_serial_put_boolean(w, true);
	key(w, "No");
	os_serial_put_boolean(w, false);
}

/* Keys of 1 and IOKIT_SERIAL_KEY_MAX bytes. */
static void key_lengths(struct os_serial_writer *w)
{
	char longest[IOKIT_SERIAL_KEY_MAX + 1];

	memset(longest, 'K', IOKIT_SERIAL_KEY_MAX);
	longest[IOKIT_SERIAL_KEY_MAX] = '\0';
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 3);
	key(w, "k");
	os_serial_put_number(w, 1, 8);
	key(w, longest);
	os_serial_put_number(w, 127, 32);
	key(w, "\xc3\xa9t\xc3\xa9");	/* UTF-8 */
	str(w, "\xe2\x9c\x93");
}

/* Containers nested to IOKIT_SERIAL_DEPTH_MAX, dict and array alternating. */
static void deepest(struct os_serial_writer *w)
{
	unsigned int i;

	for (i = 0; i < IOKIT_SERIAL_DEPTH_MAX; i++) {
		if (i % 2) {
			os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 1);
		} else {
			os_serial_put_container(w, IOKIT_SERIAL_DICT, 1);
			key(w, "d");
		}
	}
	os_serial_put_boolean(w, true);
}

/* Empty containers inside others. */
static void empties_nested(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 3);
	key(w, "a");
	empty_array(w);
	key(w, "d");
	empty_dict(w);
	key(w, "s");
	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 3);
	empty_dict(w);
	empty_array(w);
	os_serial_put_bytes(w, IOKIT_SERIAL_DATA, "", 0);	/* not NULL: memcpy */
}

/* The example of Documentation/serialization.rst. */
static void doc_example(struct os_serial_writer *w)
{
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 2);
	key(w, "IOProviderClass");
	str(w, "IOPCIDevice");
	key(w, "IOProbeScore");
	os_serial_put_number(w, 1000, 32);
}

/* A personality such as a driver's Info.plist gives. */
static void personality(struct os_serial_writer *w)
{
	static const uint8_t reg[] = { 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0 };

	os_serial_put_container(w, IOKIT_SERIAL_DICT, 7);
	key(w, "CFBundleIdentifier");
	str(w, "org.example.driver.edu");
	key(w, "IOClass");
	str(w, "EduDriver");
	key(w, "IOProviderClass");
	str(w, "IOPCIDevice");
	key(w, "IOPCIMatch");
	str(w, "0x11e81234&0xffffffff 0x00001af4&0x0000ffff");
	key(w, "IOProbeScore");
	os_serial_put_number(w, 1000, 32);
	key(w, "IOPropertyMatch");
	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, 2);
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 1);
	key(w, "reg");
	os_serial_put_bytes(w, IOKIT_SERIAL_DATA, reg, sizeof(reg));
	os_serial_put_container(w, IOKIT_SERIAL_DICT, 2);
	key(w, "built-in");
	os_serial_put_boolean(w, true);
	key(w, "vendor-id");
	os_serial_put_number(w, 0x1234, 16);
	key(w, "IOMatchCategory");
	str(w, "IODefaultMatchCategory");
}

/* A container of IOKIT_SERIAL_COUNT_MAX entries. */
static void widest(struct os_serial_writer *w)
{
	unsigned int i;

	os_serial_put_container(w, IOKIT_SERIAL_ARRAY, IOKIT_SERIAL_COUNT_MAX);
	for (i = 0; i < IOKIT_SERIAL_COUNT_MAX; i++)
		os_serial_put_boolean(w, i & 1);
}

/* A dictionary of many distinct, similar keys (duplicate-key checks). */
static void many_keys(struct os_serial_writer *w)
{
	char k[8];
	unsigned int i;

	os_serial_put_container(w, IOKIT_SERIAL_DICT, 64);
	for (i = 0; i < 64; i++) {
		snprintf(k, sizeof(k), "k%02u", i);
		key(w, k);
		os_serial_put_number(w, i, 8);
	}
}

static const struct seed {
	const char *name;
	build_fn build;
} seeds[] = {
	{ "empty-dict", empty_dict },
	{ "empty-array", empty_array },
	{ "scalar-root", scalar_root },
	{ "numbers", numbers },
	{ "bytes-padding", bytes_and_padding },
	{ "booleans", booleans },
	{ "key-lengths", key_lengths },
	{ "deepest", deepest },
	{ "empties-nested", empties_nested },
	{ "doc-example", doc_example },
	{ "personality", personality },
	{ "widest", widest },
	{ "many-keys", many_keys },
};

static int noop(void *ctx)
{
	(void)ctx;
	return 0;
}

static int noop_u32(void *ctx, os_serial_u32 n)
{
	(void)ctx;
	(void)n;
	return 0;
}

static int noop_bytes(void *ctx, const char *s, os_serial_u32 len)
{
	(void)ctx;
	(void)s;
	(void)len;
	return 0;
}

static int noop_data(void *ctx, const void *s, os_serial_u32 len)
{
	(void)ctx;
	(void)s;
	(void)len;
	return 0;
}

static int noop_number(void *ctx, os_serial_u64 v, os_serial_u32 bits)
{
	(void)ctx;
	(void)v;
	(void)bits;
	return 0;
}

static int noop_bool(void *ctx, bool v)
{
	(void)ctx;
	(void)v;
	return 0;
}

static const struct os_serial_visitor check_visitor = {
	.begin_dict = noop_u32,
	.begin_array = noop_u32,
	.end_container = noop,
	.key = noop_bytes,
	.number = noop_number,
	.string = noop_bytes,
	.data = noop_data,
	.boolean = noop_bool,
};

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		struct os_serial_writer w;
		struct os_serial_error err;
		char path[4096];
		uint8_t *buf;
		FILE *f;

		os_serial_begin(&w, NULL, 0);
		seeds[i].build(&w);
		buf = malloc(w.len);
		if (!buf)
			return 1;
		os_serial_begin(&w, buf, w.len);
		seeds[i].build(&w);
		if (os_serial_parse(buf, w.len, &check_visitor, NULL, &err)) {
			fprintf(stderr, "make_seeds: %s: invalid at %u: %s\n",
				seeds[i].name, err.offset,
				os_serial_error_string(err.reason));
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%02u-%s.ioks", argv[1], i,
			 seeds[i].name);
		f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, w.len, f) != w.len || fclose(f)) {
			fprintf(stderr, "make_seeds: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
		free(buf);
	}
	printf("make_seeds: %u seeds in %s\n", i, argv[1]);
	return 0;
}
