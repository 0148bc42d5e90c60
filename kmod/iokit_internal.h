/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Definitions shared between the parts of iokit.ko.  Nothing here is
 * exported to driver modules; their API lives in include-able headers of
 * its own.
 */
#ifndef IOKIT_INTERNAL_H
#define IOKIT_INTERNAL_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#define IOKIT_MODULE_VERSION	"0.1.0"

/*
 * Grow an array of @used elements of @size bytes to room for @count.
 * kvrealloc() changed its signature in 6.12; this needs no probe.
 */
static inline void *iokit_kvgrow(void *old, size_t used, size_t count,
				 size_t size)
{
	void *new = kvmalloc_array(count, size, GFP_KERNEL);

	if (!new)
		return NULL;
	if (used)
		memcpy(new, old, used * size);
	kvfree(old);
	return new;
}

/* io_return.c */
int io_return_to_errno(u32 ioreturn);

/* iokit_ioctl.c */
long iokit_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* io_registry_entry.c, io_service.c, io_pci_nub.c, io_usb_nub.c */
int io_registry_init(void);
void io_registry_exit(void);
int io_service_init(void);
void io_service_exit(void);
int io_pci_nubs_init(void);
void io_pci_nubs_exit(void);
int io_usb_nubs_init(void);
void io_usb_nubs_exit(void);

/* io_registry_ioctl.c: command handlers, returning an IOReturn */
u32 io_registry_cmd_lookup(struct file *file, void *arg);
u32 io_registry_cmd_entry_info(struct file *file, void *arg);
u32 io_registry_cmd_entry_relatives(struct file *file, void *arg);
u32 io_registry_cmd_copy_properties(struct file *file, void *arg);
u32 io_registry_cmd_search_property(struct file *file, void *arg);
u32 io_registry_cmd_set_properties(struct file *file, void *arg);
u32 io_registry_cmd_get_matching(struct file *file, void *arg);

/* io_test_entries.c */
extern bool iokit_test_interface;
u32 io_test_cmd_entries(struct file *file, void *arg);
void io_test_entries_exit(void);

/* iokit_debugfs.c */
void iokit_debugfs_init(void);
void iokit_debugfs_exit(void);

#endif /* IOKIT_INTERNAL_H */
