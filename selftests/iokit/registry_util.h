/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registry helpers for selftests: raw ioctls, IOKS streams built with the
 * shared codec, and a reader for top-level properties.
 */
#ifndef IOKIT_REGISTRY_UTIL_H
#define IOKIT_REGISTRY_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "iokit_test.h"
#include "os_serial.h"

/* A growing IOKS stream. */
struct ioks {
	struct os_serial_writer w;
	uint8_t buf[8192];
};

static inline void ioks_begin(struct ioks *s)
{
	os_serial_begin(&s->w, s->buf, sizeof(s->buf));
}

static inline void ioks_dict(struct ioks *s, uint32_t n)
{
	os_serial_put_container(&s->w, IOKIT_SERIAL_DICT, n);
}

static inline void ioks_array(struct ioks *s, uint32_t n)
{
	os_serial_put_container(&s->w, IOKIT_SERIAL_ARRAY, n);
}

static inline void ioks_str(struct ioks *s, const char *str)
{
	os_serial_put_bytes(&s->w, IOKIT_SERIAL_STRING, str, strlen(str));
}

static inline void ioks_data(struct ioks *s, const void *p, uint32_t n)
{
	os_serial_put_bytes(&s->w, IOKIT_SERIAL_DATA, p, n);
}

static inline void ioks_num(struct ioks *s, uint64_t v, uint32_t bits)
{
	os_serial_put_number(&s->w, v, bits);
}

/* IOServiceGetMatchingServices: returns the IOReturn, fills ids/count. */
static inline uint32_t reg_matching(int fd, const void *dict, size_t len,
				    uint64_t *ids, uint32_t *count,
				    uint32_t *bad_reason)
{
	struct iokit_matching m = {
		.size = sizeof(m), .data_size = len, .count = *count,
		.data = (uintptr_t)dict, .ids = (uintptr_t)ids,
	};

	ioctl(fd, IOKIT_IOC_GET_MATCHING, &m);
	*count = m.count;
	if (bad_reason)
		*bad_reason = m.bad_reason;
	return m.ioreturn;
}

/* IOUSBHostDevices whose property @key is the string @value: how many, or -1. */
static inline int usb_devices_with(int fd, const char *key, const char *value,
				   uint64_t *ids, uint32_t room)
{
	uint32_t count = room;
	struct ioks s;

	ioks_begin(&s);
	ioks_dict(&s, 2);
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "IOUSBHostDevice");
	ioks_str(&s, "IOPropertyMatch");
	ioks_dict(&s, 1);
	ioks_str(&s, key);
	ioks_str(&s, value);
	if (reg_matching(fd, s.buf, s.w.len, ids, &count, NULL))
		return -1;
	return count;
}

/* IOUSBHostDevices whose "USB Product Name" is @product: how many, or -1. */
static inline int usb_devices_named(int fd, const char *product, uint64_t *ids,
				    uint32_t room)
{
	return usb_devices_with(fd, "USB Product Name", product, ids, room);
}

/* Number of services matching a stream (IOReturn checked by the caller). */
static inline int reg_count(int fd, struct ioks *s)
{
	uint64_t ids[512];
	uint32_t count = 512;

	if (reg_matching(fd, s->buf, s->w.len, ids, &count, NULL))
		return -1;
	return count;
}

static inline uint32_t reg_info(int fd, uint64_t id, struct iokit_entry_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->entry_id = id;
	ioctl(fd, IOKIT_IOC_ENTRY_INFO, info);
	return info->ioreturn;
}

static inline uint32_t reg_relatives(int fd, uint64_t id, uint32_t which,
				     uint64_t *ids, uint32_t *count)
{
	struct iokit_entry_relatives r = {
		.size = sizeof(r), .entry_id = id, .which = which,
		.count = *count, .ids = (uintptr_t)ids,
	};

	ioctl(fd, IOKIT_IOC_ENTRY_RELATIVES, &r);
	*count = r.count;
	return r.ioreturn;
}

/* CopyProperties into a malloc'd buffer, retrying with the size needed. */
static inline uint32_t reg_properties(int fd, uint64_t id, uint8_t **buf,
				      uint32_t *len)
{
	struct iokit_property_data pd = { .size = sizeof(pd), .entry_id = id };

	*buf = NULL;
	for (;;) {
		pd.data = (uintptr_t)*buf;
		ioctl(fd, IOKIT_IOC_COPY_PROPERTIES, &pd);
		if (pd.ioreturn != IOKIT_RETURN_NO_SPACE)
			break;
		free(*buf);
		*buf = malloc(pd.data_size);
	}
	*len = pd.data_size;
	return pd.ioreturn;
}

/* Find a top-level key of a serialized dictionary and what it holds. */
struct prop_find {
	const char *key;
	int depth;
	int want;		/* the next value at depth 1 is the one */
	int found;
	int type;
	uint64_t num;
	char str[256];
	uint8_t data[64];
	uint32_t len;
};

static inline int pf_begin(void *c, os_serial_u32 n)
{
	struct prop_find *p = c;

	if (p->want && p->depth == 1) {
		p->found = 1;
		p->type = IOKIT_SERIAL_DICT;
		p->want = 0;
	}
	p->depth++;
	return 0;
}

static inline int pf_end(void *c)
{
	((struct prop_find *)c)->depth--;
	return 0;
}

static inline int pf_key(void *c, const char *k, os_serial_u32 n)
{
	struct prop_find *p = c;

	if (p->depth == 1 && strlen(p->key) == n && !memcmp(k, p->key, n))
		p->want = 1;
	return 0;
}

static inline int pf_value(struct prop_find *p, int type)
{
	if (!p->want || p->depth != 1)
		return 0;
	p->want = 0;
	p->found = 1;
	p->type = type;
	return 1;
}

static inline int pf_num(void *c, os_serial_u64 v, os_serial_u32 bits)
{
	if (pf_value(c, IOKIT_SERIAL_NUMBER))
		((struct prop_find *)c)->num = v;
	return 0;
}

static inline int pf_str(void *c, const char *s, os_serial_u32 n)
{
	struct prop_find *p = c;

	if (pf_value(c, IOKIT_SERIAL_STRING)) {
		p->len = n < sizeof(p->str) - 1 ? n : sizeof(p->str) - 1;
		memcpy(p->str, s, p->len);
		p->str[p->len] = '\0';
	}
	return 0;
}

static inline int pf_data(void *c, const void *b, os_serial_u32 n)
{
	struct prop_find *p = c;

	if (pf_value(c, IOKIT_SERIAL_DATA)) {
		p->len = n;
		memcpy(p->data, b, n < sizeof(p->data) ? n : sizeof(p->data));
	}
	return 0;
}

static inline int pf_bool(void *c, bool v)
{
	if (pf_value(c, IOKIT_SERIAL_BOOLEAN))
		((struct prop_find *)c)->num = v;
	return 0;
}

static const struct os_serial_visitor prop_find_visitor = {
	.begin_dict = pf_begin, .begin_array = pf_begin, .end_container = pf_end,
	.key = pf_key, .number = pf_num, .string = pf_str, .data = pf_data,
	.boolean = pf_bool,
};

/* Look @key up in entry @id's properties; returns 1 if found. */
static inline int reg_property(int fd, uint64_t id, const char *key,
			       struct prop_find *p)
{
	uint8_t *buf;
	uint32_t len;

	memset(p, 0, sizeof(*p));
	p->key = key;
	if (reg_properties(fd, id, &buf, &len)) {
		free(buf);
		return 0;
	}
	if (os_serial_parse(buf, len, &prop_find_visitor, p, NULL))
		p->found = 0;
	free(buf);
	return p->found;
}

#endif /* IOKIT_REGISTRY_UTIL_H */
