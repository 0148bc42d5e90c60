// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libiokit property trees: every kind through IOKS and JSON and back,
 * malformed IOKS refused for the right reason at the right offset, JSON
 * input refused with a message, and reference counts that balance (run
 * under valgrind by `make -C tools/lib valgrind`).
 *
 * Malformed streams are written with the kernel's own encoder
 * (os_serial.c, linked in from libiokit.a), which writes whatever it is
 * told, and then damaged by hand.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <IOKit/IOKitLib.h>
#include <linux/iokit.h>

#include "os_serial.h"
#include "test.h"

static void set_release(CFMutableDictionaryRef dict, const char *key, CFTypeRef value)
{
	CHECK(value);
	CHECK(IOCFDictionarySetValue(dict, key, value) == 0);
	CFRelease(value);
}

static void append_release(CFMutableArrayRef array, CFTypeRef value)
{
	CHECK(value);
	CHECK(IOCFArrayAppendValue(array, value) == 0);
	CFRelease(value);
}

/* A tree with every kind, widths and edge values. */
static CFMutableDictionaryRef sample_tree(void)
{
	static const uint8_t bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	CFMutableDictionaryRef dict = IOCFDictionaryCreate(), inner = IOCFDictionaryCreate();
	CFMutableArrayRef array = IOCFArrayCreate();

	set_release(dict, "IOClass", IOCFStringCreate("IOPCIDevice"));
	set_release(dict, "empty-string", IOCFStringCreate(""));
	set_release(dict, "utf8", IOCFStringCreate("gr\xc3\xbc\xc3\x9f dich \xe2\x9c\x93"));
	set_release(dict, "n8", IOCFNumberCreate(0xab, 8));
	set_release(dict, "n16", IOCFNumberCreate(0xbeef, 16));
	set_release(dict, "n32", IOCFNumberCreate(0xdeadbeef, 32));
	set_release(dict, "n64", IOCFNumberCreate(INT64_MAX, 64));
	set_release(dict, "n64-negative", IOCFNumberCreate(-2, 64));
	set_release(dict, "yes", IOCFBooleanCreate(true));
	set_release(dict, "no", IOCFBooleanCreate(false));
	set_release(dict, "data", IOCFDataCreate(bytes, sizeof(bytes)));
	set_release(dict, "empty-data", IOCFDataCreate(NULL, 0));
	set_release(dict, "odd-data", IOCFDataCreate("abc", 3));

	append_release(array, IOCFStringCreate("one"));
	append_release(array, IOCFNumberCreate(2, 32));
	append_release(array, IOCFArrayCreate());
	append_release(array, IOCFDictionaryCreate());
	set_release(inner, "IOPCIMatch", IOCFStringCreate("0x11e81234"));
	set_release(inner, "$data", IOCFStringCreate("not data: the dict has two keys"));
	append_release(array, inner);
	set_release(dict, "array", array);
	return dict;
}

static void test_kinds(void)
{
	CFMutableDictionaryRef dict = sample_tree();
	CFTypeRef v;
	const char *key;

	CHECK(IOCFGetTypeID(dict) == kIOCFDictionaryTypeID);
	CHECK(IOCFDictionaryGetCount(dict) == 14);
	CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, 0, &key, &v));
	CHECK(!strcmp(key, "IOClass") && IOCFGetTypeID(v) == kIOCFStringTypeID);
	CHECK(!strcmp(IOCFStringGetCStringPtr(v), "IOPCIDevice"));
	CHECK(IOCFStringGetLength(v) == 11);
	CHECK(!IOCFDictionaryGetKeyValueAtIndex(dict, 14, NULL, NULL));

	v = IOCFDictionaryGetValue(dict, "n8");
	CHECK(IOCFNumberGetBitWidth(v) == 8 && IOCFNumberGetValue(v) == 0xab);
	v = IOCFDictionaryGetValue(dict, "n32");
	CHECK(IOCFNumberGetValue(v) == 0xdeadbeef);
	v = IOCFDictionaryGetValue(dict, "n64-negative");
	CHECK(IOCFNumberGetValue(v) == -2 && IOCFNumberGetUnsignedValue(v) == UINT64_MAX - 1);
	CHECK(IOCFDictionaryGetValue(dict, "yes") == kIOCFBooleanTrue);
	CHECK(IOCFBooleanGetValue(kIOCFBooleanTrue) && !IOCFBooleanGetValue(kIOCFBooleanFalse));
	v = IOCFDictionaryGetValue(dict, "empty-data");
	CHECK(IOCFDataGetLength(v) == 0 && IOCFDataGetBytePtr(v));
	v = IOCFDictionaryGetValue(dict, "array");
	CHECK(IOCFArrayGetCount(v) == 5);
	CHECK(IOCFGetTypeID(IOCFArrayGetValueAtIndex(v, 4)) == kIOCFDictionaryTypeID);
	CHECK(!IOCFArrayGetValueAtIndex(v, 5) && errno == EINVAL);
	CHECK(!IOCFDictionaryGetValue(dict, "missing"));

	/* Values are cut to their width in two's complement. */
	v = IOCFNumberCreate(-1, 8);
	CHECK(IOCFNumberGetValue(v) == 255);
	CFRelease(v);
	v = IOCFNumberCreate(0x12345, 16);
	CHECK(IOCFNumberGetValue(v) == 0x2345);
	CFRelease(v);
	CHECK(!IOCFNumberCreate(1, 12) && errno == EINVAL);

	/* Wrong kinds and bad arguments are refused, not trusted. */
	CHECK(!IOCFStringGetCStringPtr(dict) && errno == EINVAL);
	CHECK(IOCFDictionaryGetCount(IOCFDictionaryGetValue(dict, "n8")) == 0);
	CHECK(!IOCFStringCreateWithBytes("a\0b", 3) && errno == EINVAL);
	CHECK(IOCFDictionarySetValue(dict, "", kIOCFBooleanTrue) == -1 && errno == EINVAL);
	CHECK(IOCFDictionarySetValue(dict, "x", NULL) == -1);
	CHECK(IOCFDictionarySetValue(dict, "self", dict) == -1);
	CHECK(IOCFGetTypeID(NULL) == kIOCFInvalidTypeID);

	/* Replacing keeps the key's position; removing closes the gap. */
	set_release(dict, "IOClass", IOCFStringCreate("IOService"));
	CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, 0, &key, &v) && !strcmp(key, "IOClass"));
	CHECK(!strcmp(IOCFStringGetCStringPtr(v), "IOService"));
	CHECK(IOCFDictionaryRemoveValue(dict, "IOClass"));
	CHECK(!IOCFDictionaryRemoveValue(dict, "IOClass"));
	CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, 0, &key, NULL) &&
	      !strcmp(key, "empty-string"));
	CHECK(IOCFDictionaryGetCount(dict) == 13);
	CFRelease(dict);
}

static void test_key_limits(void)
{
	CFMutableDictionaryRef dict = IOCFDictionaryCreate();
	char key[129];

	memset(key, 'k', sizeof(key));
	key[127] = '\0';
	CHECK(IOCFDictionarySetValue(dict, key, kIOCFBooleanTrue) == 0);
	key[127] = 'k';
	key[128] = '\0';
	CHECK(IOCFDictionarySetValue(dict, key, kIOCFBooleanTrue) == -1 && errno == EINVAL);
	CFRelease(dict);
}

static void test_equal(void)
{
	CFMutableDictionaryRef a = sample_tree(), b = sample_tree();
	CFTypeRef n8, n64;

	CHECK(IOCFEqual(a, b));
	CHECK(IOCFEqual(NULL, NULL) && !IOCFEqual(a, NULL));

	/* Key order does not matter for dictionaries... */
	CHECK(IOCFDictionaryRemoveValue(b, "IOClass"));
	CHECK(!IOCFEqual(a, b));
	set_release(b, "IOClass", IOCFStringCreate("IOPCIDevice"));
	CHECK(IOCFEqual(a, b));

	/* ...nor width for numbers. */
	n8 = IOCFNumberCreate(7, 8);
	n64 = IOCFNumberCreate(7, 64);
	CHECK(IOCFEqual(n8, n64));
	CFRelease(n8);
	CFRelease(n64);

	set_release(b, "yes", IOCFBooleanCreate(false));
	CHECK(!IOCFEqual(a, b));
	CFRelease(a);
	CFRelease(b);
}

static void test_refcounts(void)
{
	CFMutableDictionaryRef dict = IOCFDictionaryCreate();
	CFMutableArrayRef array = IOCFArrayCreate();
	CFStringRef s = IOCFStringCreate("shared"), t = IOCFStringCreate("other");

	CHECK(IOCFGetRetainCount(s) == 1);
	CHECK(IOCFDictionarySetValue(dict, "s", s) == 0);
	CHECK(IOCFGetRetainCount(s) == 2);
	CHECK(IOCFArrayAppendValue(array, s) == 0);
	CHECK(IOCFArrayAppendValue(array, s) == 0);
	CHECK(IOCFGetRetainCount(s) == 4);
	CHECK(CFRetain(s) == s && IOCFGetRetainCount(s) == 5);
	CFRelease(s);

	/* Replacing a value releases the old one. */
	CHECK(IOCFDictionarySetValue(dict, "s", t) == 0);
	CHECK(IOCFGetRetainCount(s) == 3 && IOCFGetRetainCount(t) == 2);
	CHECK(IOCFDictionarySetValue(dict, "s", s) == 0);
	CHECK(IOCFGetRetainCount(t) == 1);
	CHECK(IOCFDictionaryRemoveValue(dict, "s"));
	CHECK(IOCFGetRetainCount(s) == 3);

	/* A failed insertion takes no reference. */
	CHECK(IOCFDictionarySetValue(dict, "", s) == -1);
	CHECK(IOCFGetRetainCount(s) == 3);

	/* Containers release what they hold. */
	CHECK(IOCFDictionarySetValue(dict, "array", array) == 0);
	CFRelease(array);
	CHECK(IOCFGetRetainCount(array) == 1);
	CFRelease(dict);
	CHECK(IOCFGetRetainCount(s) == 1);

	/* The booleans are immortal. */
	CHECK(IOCFGetRetainCount(kIOCFBooleanTrue) ==
	      IOCFGetRetainCount(IOCFRetain(kIOCFBooleanTrue)));
	CFRelease(kIOCFBooleanTrue);
	CFRelease(kIOCFBooleanTrue);
	CHECK(IOCFBooleanGetValue(kIOCFBooleanTrue));
	CHECK(IOCFGetRetainCount(NULL) == 0);
	CFRelease(NULL);

	CFRelease(s);
	CFRelease(t);
}

static void test_ioks_roundtrip(void)
{
	CFMutableDictionaryRef dict = sample_tree();
	struct IOCFSerialError err = { 0, 0 };
	CFTypeRef back, v;
	const char *key;
	size_t len, i;
	uint8_t *buf;

	buf = IOCFSerialize(dict, &len);
	CHECK(buf);
	if (!buf)
		goto out;
	CHECK(len % 4 == 0 && !memcmp(buf, "IOKS", 4));
	back = IOCFUnserialize(buf, len, &err);
	CHECK(back);
	CHECK(IOCFEqual(dict, back));
	CHECK(IOCFGetRetainCount(back) == 1);

	/* IOKS keeps what JSON cannot: order and widths. */
	for (i = 0; i < IOCFDictionaryGetCount(dict); i++) {
		const char *key2;

		CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, i, &key, NULL));
		CHECK(IOCFDictionaryGetKeyValueAtIndex(back, i, &key2, &v));
		CHECK(!strcmp(key, key2));
		CHECK(IOCFGetRetainCount(v) == 1 || IOCFGetTypeID(v) == kIOCFBooleanTypeID);
		if (IOCFGetTypeID(v) == kIOCFNumberTypeID)
			CHECK(IOCFNumberGetBitWidth(v) ==
			      IOCFNumberGetBitWidth(IOCFDictionaryGetValue(dict, key)));
	}
	CHECK(IOCFNumberGetBitWidth(IOCFDictionaryGetValue(back, "n16")) == 16);
	CFRelease(back);
	free(buf);

	/* Every kind also stands alone at the top. */
	for (i = 0; i < IOCFDictionaryGetCount(dict); i++) {
		CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, i, NULL, &v));
		buf = IOCFSerialize(v, &len);
		CHECK(buf);
		back = IOCFUnserialize(buf, len, NULL);
		CHECK(IOCFEqual(v, back));
		CFRelease(back);
		free(buf);
	}
out:
	CFRelease(dict);
}

/* Build a nest of @depth arrays (the innermost empty). */
static CFTypeRef nest(unsigned int depth)
{
	CFMutableArrayRef outer = IOCFArrayCreate(), cur = outer;
	unsigned int i;

	for (i = 1; i < depth; i++) {
		CFMutableArrayRef next = IOCFArrayCreate();

		CHECK(IOCFArrayAppendValue(cur, next) == 0);
		CFRelease(next);
		cur = next;
	}
	return outer;
}

static void test_serialize_limits(void)
{
	CFMutableDictionaryRef big = IOCFDictionaryCreate();
	CFTypeRef deep;
	size_t len;
	void *buf;
	char key[16];
	int i;

	deep = nest(IOKIT_SERIAL_DEPTH_MAX);
	buf = IOCFSerialize(deep, &len);
	CHECK(buf);
	free(buf);
	CFRelease(deep);

	deep = nest(IOKIT_SERIAL_DEPTH_MAX + 1);
	CHECK(!IOCFSerialize(deep, &len) && errno == E2BIG);
	CFRelease(deep);

	for (i = 0; i <= IOKIT_SERIAL_COUNT_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK(IOCFDictionarySetValue(big, key, kIOCFBooleanTrue) == 0);
	}
	CHECK(!IOCFSerialize(big, &len) && errno == E2BIG);
	CHECK(IOCFDictionaryRemoveValue(big, "k0"));
	buf = IOCFSerialize(big, &len);
	CHECK(buf);
	free(buf);
	CFRelease(big);

	CHECK(!IOCFSerialize(NULL, &len) && errno == EINVAL);
}

/* Parse @buf and expect failure with @reason at @offset. */
static void expect_bad(const void *buf, size_t len, uint32_t reason, uint32_t offset,
		       const char *what)
{
	struct IOCFSerialError err = { 0, 0 };
	CFTypeRef obj = IOCFUnserialize(buf, len, &err);

	CHECK(!obj);
	CFRelease(obj);
	if (err.reason != reason || err.offset != offset)
		fprintf(stderr, "%s: got reason %u (%s) at %u, want %u at %u\n", what,
			err.reason, IOCFSerialErrorString(err.reason), err.offset, reason, offset);
	CHECK(err.reason == reason);
	CHECK(err.offset == offset);
	CHECK(errno == EINVAL);
}

static void put_key(struct os_serial_writer *w, const char *key)
{
	os_serial_put_bytes(w, IOKIT_SERIAL_STRING, key, strlen(key));
}

static void test_ioks_malformed(void)
{
	struct os_serial_writer w;
	uint8_t buf[512], good[64];
	size_t good_len, i;

	/* A small valid stream: {"a": "abc"} = 8 + 4 + 8 + 8 bytes. */
	os_serial_begin(&w, good, sizeof(good));
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
	put_key(&w, "a");
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "abc", 3);
	good_len = w.len;
	CHECK(good_len == 28);
	{
		CFTypeRef ok = IOCFUnserialize(good, good_len, NULL);

		CHECK(ok);
		CFRelease(ok);
	}

	/* Truncated anywhere. */
	for (i = 0; i < good_len; i++) {
		struct IOCFSerialError err = { 0, 0 };

		CHECK(!IOCFUnserialize(good, i, &err));
		CHECK(err.reason == kIOCFSerialErrorTruncated);
	}
	expect_bad(good, good_len - 4, kIOCFSerialErrorTruncated, 20, "truncated string");
	expect_bad(good, 0, kIOCFSerialErrorTruncated, 0, "empty");

	/* Bad magic, bad version. */
	memcpy(buf, good, good_len);
	buf[0] ^= 1;
	expect_bad(buf, good_len, kIOCFSerialErrorMagic, 0, "magic");
	memcpy(buf, good, good_len);
	buf[4] = 2;
	expect_bad(buf, good_len, kIOCFSerialErrorVersion, 4, "version");

	/* Non-zero padding after "abc". */
	memcpy(buf, good, good_len);
	buf[27] = 1;
	expect_bad(buf, good_len, kIOCFSerialErrorPadding, 20, "padding");

	/* Trailing bytes. */
	memcpy(buf, good, good_len);
	memset(buf + good_len, 0, 4);
	expect_bad(buf, good_len + 4, kIOCFSerialErrorTrailing, good_len, "trailing");

	/* Duplicate key: {"k": 1, "k": 2}; the second key is at offset 32. */
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 2);
	put_key(&w, "k");
	os_serial_put_number(&w, 1, 32);
	put_key(&w, "k");
	os_serial_put_number(&w, 2, 32);
	expect_bad(buf, w.len, kIOCFSerialErrorDuplicateKey, 32, "duplicate key");

	/* Too deep: 17 nested arrays; the 17th opens at 8 + 16 * 4. */
	os_serial_begin(&w, buf, sizeof(buf));
	for (i = 0; i < IOKIT_SERIAL_DEPTH_MAX + 1; i++)
		os_serial_put_container(&w, IOKIT_SERIAL_ARRAY, i < IOKIT_SERIAL_DEPTH_MAX ? 1 : 0);
	expect_bad(buf, w.len, kIOCFSerialErrorDepth, 8 + IOKIT_SERIAL_DEPTH_MAX * 4, "depth");

	/* Numbers: a value wider than its width, and a width not allowed. */
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_number(&w, 0x100, 8);
	expect_bad(buf, w.len, kIOCFSerialErrorNumber, 8, "number too wide");
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_number(&w, 1, 12);
	expect_bad(buf, w.len, kIOCFSerialErrorNumber, 8, "number width");

	/* An unknown type (0x0c is OSSerializeBinary's back-reference). */
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, 0x0c, 0);
	expect_bad(buf, w.len, kIOCFSerialErrorType, 8, "type");

	/* A boolean of length 2; a string holding a NUL; an empty key. */
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, IOKIT_SERIAL_BOOLEAN, 2);
	expect_bad(buf, w.len, kIOCFSerialErrorBoolean, 8, "boolean");
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "a\0b", 3);
	expect_bad(buf, w.len, kIOCFSerialErrorString, 8, "string NUL");
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "", 0);
	os_serial_put_boolean(&w, true);
	expect_bad(buf, w.len, kIOCFSerialErrorKey, 12, "empty key");

	/* A half-built tree is freed on failure (valgrind checks). */
	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, IOKIT_SERIAL_ARRAY, 3);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "kept until the error", 20);
	os_serial_put_bytes(&w, IOKIT_SERIAL_DATA, "xyz", 3);
	os_serial_put_number(&w, 0x1ff, 8);
	expect_bad(buf, w.len, kIOCFSerialErrorNumber, 8 + 4 + 24 + 8, "partial tree");

	CHECK(!strcmp(IOCFSerialErrorString(kIOCFSerialErrorDuplicateKey),
		      "duplicate dictionary key"));
	CHECK(!strcmp(IOCFSerialErrorString(9999), "unknown error"));
}

static void test_json_roundtrip(void)
{
	CFMutableDictionaryRef dict = sample_tree();
	unsigned int flags[] = { kIOCFJSONCompact, kIOCFJSONPretty };
	size_t f, i;

	for (f = 0; f < 2; f++) {
		char *text = IOCFCopyJSON(dict, flags[f]), *err = (char *)1;
		CFTypeRef back;

		CHECK(text);
		if (!text)
			continue;
		CHECK(!!strchr(text, '\n') == (flags[f] == kIOCFJSONPretty));
		back = IOCFCreateFromJSON(text, &err);
		CHECK(back && !err);
		CHECK(IOCFEqual(dict, back));
		/* Order survives; widths do not (everything reads back 64-bit). */
		for (i = 0; i < IOCFDictionaryGetCount(dict); i++) {
			const char *k1, *k2;

			CHECK(IOCFDictionaryGetKeyValueAtIndex(dict, i, &k1, NULL));
			CHECK(IOCFDictionaryGetKeyValueAtIndex(back, i, &k2, NULL));
			CHECK(!strcmp(k1, k2));
		}
		CHECK(IOCFNumberGetBitWidth(IOCFDictionaryGetValue(back, "n8")) == 64);
		CHECK(IOCFGetTypeID(IOCFDictionaryGetValue(back, "empty-data")) == kIOCFDataTypeID);
		CFRelease(back);
		free(text);
	}
	CFRelease(dict);
}

static void expect_json(CFTypeRef obj, const char *want)
{
	char *text = IOCFCopyJSON(obj, kIOCFJSONCompact);

	CHECK(text && !strcmp(text, want));
	if (text && strcmp(text, want))
		fprintf(stderr, "JSON: got %s, want %s\n", text, want);
	free(text);
}

static void test_json_output(void)
{
	CFMutableDictionaryRef dict = IOCFDictionaryCreate();
	CFTypeRef v;

	set_release(dict, "z", IOCFNumberCreate(-1, 8));
	set_release(dict, "a", IOCFDataCreate("\x00\xab\x10", 3));
	set_release(dict, "m", IOCFNumberCreate(-1, 64));
	set_release(dict, "s", IOCFStringCreate("\"\n"));
	expect_json(dict, "{\"z\":255,\"a\":{\"$data\":\"00ab10\"},\"m\":-1,\"s\":\"\\\"\\n\"}");
	CFRelease(dict);
	dict = IOCFDictionaryCreate();
	set_release(dict, "e", IOCFArrayCreate());
	set_release(dict, "d", IOCFDictionaryCreate());
	set_release(dict, "b", IOCFBooleanCreate(true));
	expect_json(dict, "{\"e\":[],\"d\":{},\"b\":true}");
	CFRelease(dict);

	/* Scalars at the top. */
	v = IOCFNumberCreate(42, 16);
	expect_json(v, "42");
	CFRelease(v);
	expect_json(kIOCFBooleanFalse, "false");

	/* Invalid UTF-8 is replaced, not dropped. */
	v = IOCFStringCreate("a\377b");
	expect_json(v, "\"a\357\277\275b\"");
	CFRelease(v);

	/* A dictionary that would read back as data cannot be written. */
	dict = IOCFDictionaryCreate();
	set_release(dict, "$data", IOCFStringCreate("00"));
	CHECK(!IOCFCopyJSON(dict, kIOCFJSONCompact) && errno == EINVAL);
	CFRelease(dict);

	CHECK(!IOCFCopyJSON(NULL, 0) && errno == EINVAL);
	CHECK(!IOCFCopyJSON(kIOCFBooleanTrue, 0x80) && errno == EINVAL);
}

static void expect_json_error(const char *text, const char *needle)
{
	char *err = NULL;
	CFTypeRef obj = IOCFCreateFromJSON(text, &err);

	CHECK(!obj && errno == EINVAL);
	CHECK(err && strstr(err, needle));
	if (err && !strstr(err, needle))
		fprintf(stderr, "JSON %s: message \"%s\" lacks \"%s\"\n", text, err, needle);
	CFRelease(obj);
	free(err);
}

static void test_json_input(void)
{
	static const char text_ok[] =
		"{\"b\": {\"$data\": \"0A0b\"}, \"a\": [1, -9223372036854775808], \"d\": {"
		"\"$data\": \"\"}}";
	CFTypeRef obj, v;
	char *err = NULL;
	char text[300];

	obj = IOCFCreateFromJSON(text_ok, &err);
	CHECK(obj && !err);
	v = IOCFDictionaryGetValue(obj, "b");
	CHECK(IOCFDataGetLength(v) == 2 && !memcmp(IOCFDataGetBytePtr(v), "\x0a\x0b", 2));
	v = IOCFArrayGetValueAtIndex(IOCFDictionaryGetValue(obj, "a"), 1);
	CHECK(IOCFNumberGetValue(v) == INT64_MIN && IOCFNumberGetBitWidth(v) == 64);
	CHECK(IOCFDataGetLength(IOCFDictionaryGetValue(obj, "d")) == 0);
	CFRelease(obj);

	obj = IOCFCreateFromJSON("\"top\"", NULL);
	CHECK(!strcmp(IOCFStringGetCStringPtr(obj), "top"));
	CFRelease(obj);

	expect_json_error("{\"a\": null}", "at /a: null");
	expect_json_error("{\"a\": [1, 2.5]}", "at /a/1: numbers with a fraction");
	expect_json_error("1e3", "at the top level");
	expect_json_error("{\"a\": 1, \"a\": 2}", "duplicate");
	expect_json_error("{\"\": 1}", "key \"\" is not 1 to 127 bytes");
	expect_json_error("{\"d\": {\"$data\": \"abc\"}}", "hex digit pairs");
	expect_json_error("{\"d\": {\"$data\": \"zz\"}}", "non-hex");
	expect_json_error("{\"d\": {\"$data\": 1}}", "hex digit pairs");
	expect_json_error("[1, 2", "line 1");
	expect_json_error("18446744073709551615", "too big");
	expect_json_error("\"a\\u0000b\"", "line 1");

	snprintf(text, sizeof(text), "{\"%0128d\": 1}", 0);
	expect_json_error(text, "is not 1 to 127 bytes");

	CHECK(!IOCFCreateFromJSON(NULL, &err) && !err && errno == EINVAL);
}

static void test_matching_helpers(void)
{
	CFMutableDictionaryRef m = IOServiceMatching("IOPCIDevice");

	CHECK(IOCFDictionaryGetCount(m) == 1);
	CHECK(!strcmp(IOCFStringGetCStringPtr(IOCFDictionaryGetValue(m, kIOProviderClassKey)),
		      "IOPCIDevice"));
	CFRelease(m);
	m = IOServiceNameMatching("pci1234,11e8");
	CHECK(!strcmp(IOCFStringGetCStringPtr(IOCFDictionaryGetValue(m, kIONameMatchKey)),
		      "pci1234,11e8"));
	CFRelease(m);
	m = IORegistryEntryIDMatching(0x100000123ull);
	CHECK(IOCFNumberGetUnsignedValue(IOCFDictionaryGetValue(m, kIORegistryEntryIDKey)) ==
	      0x100000123ull);
	CHECK(IOCFNumberGetBitWidth(IOCFDictionaryGetValue(m, kIORegistryEntryIDKey)) == 64);
	CFRelease(m);

	CHECK(!strcmp(mach_error_string(kIOReturnNotFound), "(iokit/common) not found"));
	CHECK(!strcmp(mach_error_string(kIOReturnNoDevice), "(iokit/common) no such device"));
	CHECK(!strcmp(mach_error_string(0x1234), "(unknown) 0x1234 (UNDEFINED)"));
	CHECK(kIOReturnNotFound == (IOReturn)IOKIT_RETURN_NOT_FOUND);
	CHECK(kIOReturnNoSpace == (IOReturn)IOKIT_RETURN_NO_SPACE);
}

int main(void)
{
	test_kinds();
	test_key_limits();
	test_equal();
	test_refcounts();
	test_ioks_roundtrip();
	test_serialize_limits();
	test_ioks_malformed();
	test_json_roundtrip();
	test_json_output();
	test_json_input();
	test_matching_helpers();
	return test_summary("iocf_test");
}
