/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iokit: Apple's IOService model on Linux - the user-space ABI of /dev/iokit.
 *
 * Conventions shared by every command (see Documentation/uapi.rst):
 *
 *  - Every argument struct starts with "__u32 size" (the size the caller
 *    compiled against) and "__u32 ioreturn".  The kernel accepts any size
 *    from the command's first version (IOKIT_*_SIZE_VER0) up to one page:
 *    a shorter struct is zero-extended, a longer one must have a zeroed tail
 *    (else E2BIG).  The kernel writes back min(caller size, kernel size)
 *    bytes and stores its own struct size in @size, so a caller can tell
 *    which fields the kernel filled in.
 *  - @ioreturn carries an IOReturn (IOKIT_RETURN_*, Apple's kIOReturn*
 *    values).  When a command fails after its argument was read, the kernel
 *    still copies the struct back so the IOReturn reaches the caller, and the
 *    ioctl returns -1 with errno set from the IOReturn as Apple's
 *    errnoFromReturn() does.  Failures before the struct is read (bad size,
 *    unknown command, bad pointer) report only errno.
 *  - Unknown commands fail with ENOTTY.  All reserved fields and flags must
 *    be zero.  Pointers travel as __u64.
 */
#ifndef _UAPI_LINUX_IOKIT_H
#define _UAPI_LINUX_IOKIT_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Path of the control node, a misc device. */
#define IOKIT_DEVICE_PATH	"/dev/iokit"

/*
 * ABI version.  The major number changes only if an existing command
 * changes incompatibly (never planned); the minor number grows with every
 * added command or field.  Feature bits below say what a module offers.
 */
#define IOKIT_ABI_MAJOR		1
#define IOKIT_ABI_MINOR		0

/* Largest argument struct the kernel will look at; bigger gets E2BIG. */
#define IOKIT_ARG_SIZE_MAX	4096

/*
 * IOReturn values (Apple's IOKit/IOReturn.h numbering: sys_iokit |
 * sub_iokit_common | code).  They are 32-bit values with the top bit set,
 * so they are carried in struct fields, never as an ioctl return value.
 */
#define IOKIT_RETURN_SUCCESS		0x00000000u
#define IOKIT_RETURN_INVALID		0xe0000001u
#define IOKIT_RETURN_ERROR		0xe00002bcu
#define IOKIT_RETURN_NO_MEMORY		0xe00002bdu
#define IOKIT_RETURN_NO_RESOURCES	0xe00002beu
#define IOKIT_RETURN_IPC_ERROR		0xe00002bfu
#define IOKIT_RETURN_NO_DEVICE		0xe00002c0u
#define IOKIT_RETURN_NOT_PRIVILEGED	0xe00002c1u
#define IOKIT_RETURN_BAD_ARGUMENT	0xe00002c2u
#define IOKIT_RETURN_LOCKED_READ	0xe00002c3u
#define IOKIT_RETURN_LOCKED_WRITE	0xe00002c4u
#define IOKIT_RETURN_EXCLUSIVE_ACCESS	0xe00002c5u
#define IOKIT_RETURN_BAD_MESSAGE_ID	0xe00002c6u
#define IOKIT_RETURN_UNSUPPORTED	0xe00002c7u
#define IOKIT_RETURN_VM_ERROR		0xe00002c8u
#define IOKIT_RETURN_INTERNAL_ERROR	0xe00002c9u
#define IOKIT_RETURN_IO_ERROR		0xe00002cau
#define IOKIT_RETURN_CANNOT_LOCK	0xe00002ccu
#define IOKIT_RETURN_NOT_OPEN		0xe00002cdu
#define IOKIT_RETURN_NOT_READABLE	0xe00002ceu
#define IOKIT_RETURN_NOT_WRITABLE	0xe00002cfu
#define IOKIT_RETURN_NOT_ALIGNED	0xe00002d0u
#define IOKIT_RETURN_BAD_MEDIA		0xe00002d1u
#define IOKIT_RETURN_STILL_OPEN		0xe00002d2u
#define IOKIT_RETURN_RLD_ERROR		0xe00002d3u
#define IOKIT_RETURN_DMA_ERROR		0xe00002d4u
#define IOKIT_RETURN_BUSY		0xe00002d5u
#define IOKIT_RETURN_TIMEOUT		0xe00002d6u
#define IOKIT_RETURN_OFFLINE		0xe00002d7u
#define IOKIT_RETURN_NOT_READY		0xe00002d8u
#define IOKIT_RETURN_NOT_ATTACHED	0xe00002d9u
#define IOKIT_RETURN_NO_CHANNELS	0xe00002dau
#define IOKIT_RETURN_NO_SPACE		0xe00002dbu
#define IOKIT_RETURN_PORT_EXISTS	0xe00002ddu
#define IOKIT_RETURN_CANNOT_WIRE	0xe00002deu
#define IOKIT_RETURN_NO_INTERRUPT	0xe00002dfu
#define IOKIT_RETURN_NO_FRAMES		0xe00002e0u
#define IOKIT_RETURN_MESSAGE_TOO_LARGE	0xe00002e1u
#define IOKIT_RETURN_NOT_PERMITTED	0xe00002e2u
#define IOKIT_RETURN_NO_POWER		0xe00002e3u
#define IOKIT_RETURN_NO_MEDIA		0xe00002e4u
#define IOKIT_RETURN_UNFORMATTED_MEDIA	0xe00002e5u
#define IOKIT_RETURN_UNSUPPORTED_MODE	0xe00002e6u
#define IOKIT_RETURN_UNDERRUN		0xe00002e7u
#define IOKIT_RETURN_OVERRUN		0xe00002e8u
#define IOKIT_RETURN_DEVICE_ERROR	0xe00002e9u
#define IOKIT_RETURN_NO_COMPLETION	0xe00002eau
#define IOKIT_RETURN_ABORTED		0xe00002ebu
#define IOKIT_RETURN_NO_BANDWIDTH	0xe00002ecu
#define IOKIT_RETURN_NOT_RESPONDING	0xe00002edu
#define IOKIT_RETURN_ISO_TOO_OLD	0xe00002eeu
#define IOKIT_RETURN_ISO_TOO_NEW	0xe00002efu
#define IOKIT_RETURN_NOT_FOUND		0xe00002f0u

/* ioctl type byte; 0xb8 is unassigned in ioctl-number.rst. */
#define IOKIT_IOC_TYPE		0xb8

/**
 * struct iokit_version - IOKIT_IOC_VERSION: identify the module and its ABI
 * @size: in: sizeof(struct iokit_version) as the caller knows it;
 *	out: the kernel's size of this struct
 * @ioreturn: out: IOReturn of the call
 * @abi_major: out: IOKIT_ABI_MAJOR of the running module
 * @abi_minor: out: IOKIT_ABI_MINOR of the running module
 * @features: out: IOKIT_FEATURE_* bits the running module offers
 * @module_version: out: the module's version string, NUL-terminated
 *
 * Every field but @size is output; the call cannot fail once its argument
 * has been read, so @ioreturn is always IOKIT_RETURN_SUCCESS.  It is the
 * first call every client makes, and the one that tells an old library
 * talking to a new module (or the reverse) what it may use.
 */
struct iokit_version {
	__u32 size;
	__u32 ioreturn;
	__u32 abi_major;
	__u32 abi_minor;
	__u64 features;
	char module_version[32];
};

#define IOKIT_VERSION_SIZE_VER0	56	/* sizeof first published struct */

/* IOKIT_FEATURE_*: bits of struct iokit_version.features. */
#define IOKIT_FEATURE_VERSION	_BITULL(0)	/* IOKIT_IOC_VERSION */

/*
 * Command numbers.  The size bits of an IOKIT_IOC_* value follow the struct
 * as this header declares it, so they change when a struct grows; the
 * kernel ignores them and trusts the struct's @size instead.
 */
enum {
	IOKIT_CMD_VERSION = 0x00,
};

#define IOKIT_IOC_VERSION \
	_IOWR(IOKIT_IOC_TYPE, IOKIT_CMD_VERSION, struct iokit_version)

#endif /* _UAPI_LINUX_IOKIT_H */
