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

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/string.h>

/*
 * A PCI device's driver_override ("" clears it).  It moved from struct
 * pci_dev into struct device, with its own helpers, after 6.1.
 */
static inline int iokit_pci_set_driver_override(struct pci_dev *pdev, const char *name)
{
#ifdef HAVE_DEVICE_SET_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

/*
 * Whether @pdev's driver_override names @drv (> 0), another driver (0),
 * or nothing (< 0).  Before the helpers, the device lock guards it.
 */
static inline int iokit_pci_driver_override_match(struct pci_dev *pdev,
						  const struct device_driver *drv)
{
#ifdef HAVE_DEVICE_SET_DRIVER_OVERRIDE
	/*
	 * device_match_driver_override(), spelled out: sparse cannot follow
	 * the guard() it takes the lock with.
	 */
	int ret = -1;

	spin_lock(&pdev->dev.driver_override.lock);
	if (pdev->dev.driver_override.name)
		ret = !strcmp(pdev->dev.driver_override.name, drv->name);
	spin_unlock(&pdev->dev.driver_override.lock);
	return ret;
#else
	device_lock_assert(&pdev->dev);
	if (!pdev->driver_override)
		return -1;
	return !strcmp(pdev->driver_override, drv->name);
#endif
}

/*
 * Set and clear a VMA's flags from an mmap handler.  The flags became
 * read-only behind helpers (which take the right locks) after 6.1.
 */
static inline void iokit_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
				      vm_flags_t clear)
{
#ifdef HAVE_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * The executable @mm runs, with a reference, or NULL: get_mm_exe_file(),
 * which is not exported.  get_file_rcu() took the file itself until it
 * learnt to retry a pointer that changes under it.
 */
static inline struct file *iokit_mm_exe_file(struct mm_struct *mm)
{
	struct file *exe;

	rcu_read_lock();
#ifdef HAVE_GET_FILE_RCU_PTR
	exe = get_file_rcu(&mm->exe_file);
#else
	exe = rcu_dereference(mm->exe_file);
	if (exe && !get_file_rcu(exe))
		exe = NULL;
#endif
	rcu_read_unlock();
	return exe;
}

#endif /* IOKIT_COMPAT_H */
