/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the parts of libiokit share (not exported: libiokit.map).
 */
#ifndef IOKITLIB_INTERNAL_H
#define IOKITLIB_INTERNAL_H

#include <stdint.h>

#include <linux/types.h>

#include <IOKit/IOKitLib.h>

/* iokitlib.c */
IOReturn iokitlib_call(unsigned long cmd, void *arg, __u32 *ioreturn);
IOReturn iokitlib_handle_id(io_object_t handle, __u64 *id);
io_object_t iokitlib_entry_handle(uint64_t id);

#endif /* IOKITLIB_INTERNAL_H */
