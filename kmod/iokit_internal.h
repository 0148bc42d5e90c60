/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Definitions shared between the parts of iokit.ko.  Nothing here is
 * exported to driver modules; their API lives in include-able headers of
 * its own.
 */
#ifndef IOKIT_INTERNAL_H
#define IOKIT_INTERNAL_H

#include <linux/fs.h>
#include <linux/types.h>

#define IOKIT_MODULE_VERSION	"0.1.0"

/* io_return.c */
int io_return_to_errno(u32 ioreturn);

/* iokit_ioctl.c */
long iokit_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* IOKIT_INTERNAL_H */
