/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libiokit internals shared by the property tree (iocf.c), its JSON
 * conversion (iocf_json.c) and the registry calls (iokitlib.c).
 */
#ifndef IOCF_INTERNAL_H
#define IOCF_INTERNAL_H

#include <sys/types.h>

#include <IOKit/IOCFTypes.h>

/* The kernel's spellings, for a user-space library in kernel style. */
#define __maybe_unused		__attribute__((unused))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof(*(a)))
#endif

/*
 * The one object type behind every IOCF*Ref; the public header only
 * declares it.
 */
struct __IOCFObject {
	IOCFTypeID type;
	long refs;
	union {
		struct {
			char **keys;
			IOCFTypeRef *values;
			size_t count, capacity;
		} dict;
		struct {
			IOCFTypeRef *values;
			size_t count, capacity;
		} array;
		struct {
			char *str;
			size_t length;
		} string;
		struct {
			uint64_t value;	/* zero above @bits */
			unsigned int bits;
		} number;
		struct {
			uint8_t *bytes;
			size_t length;
		} data;
		bool boolean;
	} u;
};

struct __IOCFObject *iocf_cast(IOCFTypeRef ref, IOCFTypeID type);
ssize_t iocf_dict_find(const struct __IOCFObject *d, const char *key, size_t len);
int iocf_dict_set(struct __IOCFObject *d, const char *key, size_t len, IOCFTypeRef value);
int iocf_array_append(struct __IOCFObject *a, IOCFTypeRef value);
struct __IOCFObject *iocf_number_create(uint64_t value, unsigned int bits);

#endif /* IOCF_INTERNAL_H */
