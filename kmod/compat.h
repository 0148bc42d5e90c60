/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the kernels iokit builds against.
 *
 * Every HAVE_* below comes from tools/build/compat-probe, which compiles a
 * snippet against the target kernel.  Debian backports API changes into
 * its stable kernels, so LINUX_VERSION_CODE checks would pick the wrong
 * branch; a probe sees the API the headers actually declare.
 */
#ifndef IOKIT_COMPAT_H
#define IOKIT_COMPAT_H

#include <iokit_compat_autoconf.h>

#include <linux/eventfd.h>
#include <linux/mm.h>

/* 6.3 made vma->vm_flags const and added the vm_flags_set() helpers. */
static inline void iokit_vm_flags_set(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/* 6.8 dropped the always-1 count argument of eventfd_signal(). */
static inline void iokit_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HAVE_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

#endif /* IOKIT_COMPAT_H */
