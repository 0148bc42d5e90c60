// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_VM_FLAGS_SET: vm_flags_set() exists (vm_flags is read-only). */
#include <linux/mm.h>

void iokit_probe(struct vm_area_struct *vma);
void iokit_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO);
}
