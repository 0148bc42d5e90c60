// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOReturn to errno, for the ioctl return value.  The IOReturn itself
 * always travels in the argument struct; errno is only the coarse signal a
 * plain ioctl() caller sees.  The table follows Apple's errnoFromReturn(),
 * with Linux errnos for the three Darwin-only ones (EPWROFF, EDEVERR,
 * EBADMACHO) and ENOENT for kIOReturnNotFound, which Apple leaves at EIO
 * but which a Linux caller expects for "no such entry".
 */
#include <linux/errno.h>
#include <linux/kernel.h>

#include <linux/iokit.h>

#include "iokit_internal.h"

struct io_return_errno {
	u32 ioreturn;
	int err;
};

static const struct io_return_errno io_return_errno_table[] = {
	{ IOKIT_RETURN_NO_MEMORY,		ENOMEM },
	{ IOKIT_RETURN_NO_RESOURCES,		ENOMEM },
	{ IOKIT_RETURN_NO_DEVICE,		ENXIO },
	{ IOKIT_RETURN_NOT_PRIVILEGED,		EACCES },
	{ IOKIT_RETURN_BAD_ARGUMENT,		EINVAL },
	{ IOKIT_RETURN_LOCKED_READ,		EACCES },
	{ IOKIT_RETURN_LOCKED_WRITE,		EACCES },
	{ IOKIT_RETURN_EXCLUSIVE_ACCESS,	EACCES },
	{ IOKIT_RETURN_BAD_MESSAGE_ID,		EINVAL },
	{ IOKIT_RETURN_UNSUPPORTED,		EOPNOTSUPP },
	{ IOKIT_RETURN_VM_ERROR,		EFAULT },
	{ IOKIT_RETURN_CANNOT_LOCK,		ENOLCK },
	{ IOKIT_RETURN_NOT_OPEN,		EACCES },
	{ IOKIT_RETURN_NOT_READABLE,		EACCES },
	{ IOKIT_RETURN_NOT_WRITABLE,		EROFS },
	{ IOKIT_RETURN_NOT_ALIGNED,		EINVAL },
	{ IOKIT_RETURN_BAD_MEDIA,		ENXIO },
	{ IOKIT_RETURN_STILL_OPEN,		EEXIST },
	{ IOKIT_RETURN_BUSY,			EBUSY },
	{ IOKIT_RETURN_TIMEOUT,			ETIMEDOUT },
	{ IOKIT_RETURN_OFFLINE,			EBUSY },
	{ IOKIT_RETURN_NOT_READY,		EBUSY },
	{ IOKIT_RETURN_NOT_ATTACHED,		ENXIO },
	{ IOKIT_RETURN_NO_SPACE,		ENOSPC },
	{ IOKIT_RETURN_PORT_EXISTS,		EEXIST },
	{ IOKIT_RETURN_CANNOT_WIRE,		ENOMEM },
	{ IOKIT_RETURN_MESSAGE_TOO_LARGE,	EMSGSIZE },
	{ IOKIT_RETURN_NOT_PERMITTED,		EPERM },
	{ IOKIT_RETURN_NO_POWER,		EIO },
	{ IOKIT_RETURN_NO_MEDIA,		ENXIO },
	{ IOKIT_RETURN_UNFORMATTED_MEDIA,	ENXIO },
	{ IOKIT_RETURN_DEVICE_ERROR,		EIO },
	{ IOKIT_RETURN_NO_COMPLETION,		EINVAL },
	{ IOKIT_RETURN_ABORTED,			EBUSY },
	{ IOKIT_RETURN_NOT_RESPONDING,		EBUSY },
	{ IOKIT_RETURN_NOT_FOUND,		ENOENT },
};

/**
 * io_return_to_errno() - the negative errno an ioctl returns for an IOReturn
 * @ioreturn: an IOKIT_RETURN_* value
 *
 * Return: 0 for IOKIT_RETURN_SUCCESS, else a negative errno; IOReturns
 * without a closer errno (the generic, I/O and DMA errors) give -EIO.
 */
int io_return_to_errno(u32 ioreturn)
{
	unsigned int i;

	if (ioreturn == IOKIT_RETURN_SUCCESS)
		return 0;
	for (i = 0; i < ARRAY_SIZE(io_return_errno_table); i++)
		if (io_return_errno_table[i].ioreturn == ioreturn)
			return -io_return_errno_table[i].err;
	return -EIO;
}
