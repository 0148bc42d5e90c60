// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON conversion of property trees, through jansson; the mapping is
 * described in IOKit/IOCFTypes.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iocf_internal.h"
#include "os_serial.h"

/* Deeper than any registry; bounds the recursion on a cyclic tree. */
#define JSON_DEPTH_MAX	512

#define DATA_KEY	"$data"

/* Length of the valid UTF-8 sequence at @s (at most @len bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	unsigned int c = s[0], n, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (len < n)
		return 0;
	cp = c & (0x3f >> (n - 1));
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * jansson takes only valid UTF-8, and the kernel does not promise it: put
 * U+FFFD for each bad byte rather than lose the whole string.  Sets
 * *@clean to NULL when @s is fine as it is, else to a malloc()ed copy.
 */
static int utf8_clean(const char *s, size_t len, char **clean, size_t *clean_len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, n;
	char *out;

	while (i < len && (n = utf8_seq(p + i, len - i)))
		i += n;
	*clean = NULL;
	*clean_len = len;
	if (i == len)
		return 0;

	out = malloc(len * 3 + 1);
	if (!out) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < len; ) {
		n = utf8_seq(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*clean = out;
	*clean_len = o;
	return 0;
}

static json_t *string_to_json(const char *s, size_t len)
{
	char *clean;
	json_t *j;

	if (utf8_clean(s, len, &clean, &len))
		return NULL;
	j = json_stringn_nocheck(clean ? clean : s, len);
	free(clean);
	if (!j)
		errno = ENOMEM;
	return j;
}

static json_t *to_json(const struct __IOCFObject *o, unsigned int depth);

static json_t *dict_to_json(const struct __IOCFObject *o, unsigned int depth)
{
	json_t *obj;
	size_t i;

	if (o->u.dict.count == 1 && !strcmp(o->u.dict.keys[0], DATA_KEY)) {
		errno = EINVAL;		/* would read back as data */
		return NULL;
	}
	obj = json_object();
	if (!obj)
		goto nomem;
	for (i = 0; i < o->u.dict.count; i++) {
		const char *key = o->u.dict.keys[i];
		json_t *value = to_json(o->u.dict.values[i], depth + 1);
		char *clean;
		size_t len;
		int ret;

		if (!value) {
			json_decref(obj);
			return NULL;
		}
		if (utf8_clean(key, strlen(key), &clean, &len)) {
			json_decref(value);
			goto nomem_obj;
		}
		ret = json_object_setn_new_nocheck(obj, clean ? clean : key, len, value);
		free(clean);
		if (ret)
			goto nomem_obj;
	}
	return obj;
nomem_obj:
	json_decref(obj);
nomem:
	errno = ENOMEM;
	return NULL;
}

static json_t *data_to_json(const struct __IOCFObject *o)
{
	static const char digits[] = "0123456789abcdef";
	json_t *obj, *hex;
	char *text;
	size_t i;

	text = malloc(o->u.data.length * 2 + 1);
	if (!text)
		goto nomem;
	for (i = 0; i < o->u.data.length; i++) {
		text[2 * i] = digits[o->u.data.bytes[i] >> 4];
		text[2 * i + 1] = digits[o->u.data.bytes[i] & 0xf];
	}
	text[2 * i] = '\0';
	hex = json_stringn_nocheck(text, 2 * i);
	free(text);
	obj = json_object();
	if (!hex || !obj || json_object_set_new_nocheck(obj, DATA_KEY, hex)) {
		json_decref(obj);
		goto nomem;
	}
	return obj;
nomem:
	errno = ENOMEM;
	return NULL;
}

static json_t *to_json(const struct __IOCFObject *o, unsigned int depth)
{
	json_t *j;
	size_t i;

	if (depth > JSON_DEPTH_MAX) {
		errno = EINVAL;
		return NULL;
	}
	switch (o->type) {
	case kIOCFDictionaryTypeID:
		return dict_to_json(o, depth);
	case kIOCFArrayTypeID:
		j = json_array();
		if (!j)
			break;
		for (i = 0; i < o->u.array.count; i++) {
			json_t *v = to_json(o->u.array.values[i], depth + 1);

			if (!v) {
				json_decref(j);
				return NULL;
			}
			if (json_array_append_new(j, v)) {
				json_decref(j);
				j = NULL;
				break;
			}
		}
		break;
	case kIOCFNumberTypeID:
		j = json_integer((json_int_t)(int64_t)o->u.number.value);
		break;
	case kIOCFStringTypeID:
		return string_to_json(o->u.string.str, o->u.string.length);
	case kIOCFDataTypeID:
		return data_to_json(o);
	case kIOCFBooleanTypeID:
		j = json_boolean(o->u.boolean);
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	if (!j)
		errno = ENOMEM;
	return j;
}

char *IOCFCopyJSON(IOCFTypeRef object, unsigned int flags)
{
	size_t dump_flags = JSON_ENCODE_ANY;
	json_t *j;
	char *text;

	if (!object || (flags & ~kIOCFJSONPretty)) {
		errno = EINVAL;
		return NULL;
	}
	j = to_json(object, 0);
	if (!j)
		return NULL;
	dump_flags |= flags & kIOCFJSONPretty ? JSON_INDENT(2) : JSON_COMPACT;
	text = json_dumps(j, dump_flags);
	json_decref(j);
	if (!text)
		errno = ENOMEM;
	return text;
}

/* ---- JSON to IOCF ------------------------------------------------------- */

/* Where in the document the conversion is, as a JSON pointer. */
struct json_ctx {
	char path[256];
	size_t path_len;
	char **errmsg;
};

static void path_push(struct json_ctx *c, const char *component, size_t *saved)
{
	size_t room = sizeof(c->path) - c->path_len;
	int n;

	*saved = c->path_len;
	n = snprintf(c->path + c->path_len, room, "/%s", component);
	if (n < 0 || (size_t)n >= room)
		c->path_len = sizeof(c->path) - 1;
	else
		c->path_len += n;
}

static void path_pop(struct json_ctx *c, size_t saved)
{
	c->path_len = saved;
	c->path[saved] = '\0';
}

static void __printf(2, 3) json_fail(struct json_ctx *c, const char *fmt, ...)
{
	char *what = NULL;
	va_list ap;

	errno = EINVAL;
	if (!c->errmsg || *c->errmsg)
		return;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (!what || asprintf(c->errmsg, "at %s: %s",
			      c->path_len ? c->path : "the top level", what) < 0)
		*c->errmsg = NULL;
	free(what);
	errno = EINVAL;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static struct __IOCFObject *data_from_json(struct json_ctx *c, json_t *hex)
{
	const char *text = json_string_value(hex);
	size_t len = json_string_length(hex), i;
	struct __IOCFObject *d;
	uint8_t *bytes;

	if (!text || len % 2) {
		json_fail(c, "\"" DATA_KEY "\" must be a string of hex digit pairs");
		return NULL;
	}
	bytes = malloc(len / 2 + 1);
	if (!bytes) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < len; i += 2) {
		int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);

		if (hi < 0 || lo < 0) {
			free(bytes);
			json_fail(c, "\"" DATA_KEY "\" holds a non-hex character");
			return NULL;
		}
		bytes[i / 2] = hi << 4 | lo;
	}
	d = (struct __IOCFObject *)IOCFDataCreate(bytes, len / 2);
	free(bytes);
	return d;
}

static struct __IOCFObject *from_json(struct json_ctx *c, json_t *j);

static struct __IOCFObject *dict_from_json(struct json_ctx *c, json_t *j)
{
	struct __IOCFObject *d;
	const char *key;
	json_t *value;

	if (json_object_size(j) == 1 && json_object_get(j, DATA_KEY))
		return data_from_json(c, json_object_get(j, DATA_KEY));

	d = (struct __IOCFObject *)IOCFDictionaryCreate();
	if (!d)
		return NULL;
	json_object_foreach(j, key, value) {
		size_t len = strlen(key), saved;
		struct __IOCFObject *v;

		if (!len || len > IOKIT_SERIAL_KEY_MAX) {
			json_fail(c, "key \"%.40s%s\" is not 1 to %d bytes long", key,
				  len > 40 ? "..." : "", IOKIT_SERIAL_KEY_MAX);
			goto fail;
		}
		path_push(c, key, &saved);
		v = from_json(c, value);
		path_pop(c, saved);
		if (!v)
			goto fail;
		if (iocf_dict_set(d, key, len, v)) {
			IOCFRelease(v);
			goto fail;
		}
	}
	return d;
fail:
	IOCFRelease(d);
	return NULL;
}

static struct __IOCFObject *from_json(struct json_ctx *c, json_t *j)
{
	struct __IOCFObject *a;
	size_t i, saved;
	json_t *value;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return dict_from_json(c, j);
	case JSON_ARRAY:
		a = (struct __IOCFObject *)IOCFArrayCreate();
		if (!a)
			return NULL;
		json_array_foreach(j, i, value) {
			char index[24];
			struct __IOCFObject *v;

			snprintf(index, sizeof(index), "%zu", i);
			path_push(c, index, &saved);
			v = from_json(c, value);
			path_pop(c, saved);
			if (!v || iocf_array_append(a, v)) {
				IOCFRelease(v);
				IOCFRelease(a);
				return NULL;
			}
		}
		return a;
	case JSON_STRING:
		return (struct __IOCFObject *)
			IOCFStringCreateWithBytes(json_string_value(j),
						  json_string_length(j));
	case JSON_INTEGER:
		return iocf_number_create((uint64_t)json_integer_value(j), 64);
	case JSON_TRUE:
		return (struct __IOCFObject *)kIOCFBooleanTrue;
	case JSON_FALSE:
		return (struct __IOCFObject *)kIOCFBooleanFalse;
	case JSON_REAL:
		json_fail(c, "numbers with a fraction or exponent are not supported");
		return NULL;
	case JSON_NULL:
		json_fail(c, "null is not supported");
		return NULL;
	}
	json_fail(c, "unknown JSON type");
	return NULL;
}

IOCFTypeRef IOCFCreateFromJSON(const char *text, char **errmsg)
{
	struct json_ctx c = { .path_len = 0, .errmsg = errmsg };
	struct __IOCFObject *o;
	json_error_t error;
	json_t *j;

	if (errmsg)
		*errmsg = NULL;
	if (!text) {
		errno = EINVAL;
		return NULL;
	}
	/* U+0000 stays refused: IOKS strings and keys cannot hold it. */
	j = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (!j) {
		if (errmsg && asprintf(errmsg, "line %d column %d: %s",
				       error.line, error.column, error.text) < 0)
			*errmsg = NULL;
		errno = EINVAL;
		return NULL;
	}
	c.path[0] = '\0';
	o = from_json(&c, j);
	json_decref(j);
	if (!o && errmsg && !*errmsg) {
		int err = errno;

		if (asprintf(errmsg, "%s", strerror(err)) < 0)
			*errmsg = NULL;
		errno = err;
	}
	return o;
}
