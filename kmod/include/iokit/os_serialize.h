/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OS containers to and from the IOKS form that crosses to user space
 * (Documentation/serialization.rst).
 */
#ifndef _IOKIT_OS_SERIALIZE_H
#define _IOKIT_OS_SERIALIZE_H

#include <linux/types.h>

struct os_object;
struct os_serial_error;
struct os_serial_writer;

struct os_object *os_unserialize(const void *buf, size_t len,
				 struct os_serial_error *err);
int os_serialize(const struct os_object *obj, struct os_serial_writer *w);

#endif /* _IOKIT_OS_SERIALIZE_H */
