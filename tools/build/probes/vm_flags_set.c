// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_VM_FLAGS_SET: vm_flags is changed through helpers, not assigned. */
#include <linux/mm.h>

void iokit_probe(struct vm_area_struct *vma);
void iokit_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_DONTEXPAND);
}
