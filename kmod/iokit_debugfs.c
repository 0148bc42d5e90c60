// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/iokit: counters that let tests prove they returned
 * everything they took.
 *   objects           live iokit objects (entries, containers, ...)
 *   registry_entries  entries currently in the registry
 */
#include <linux/debugfs.h>
#include <linux/fs.h>

#include <iokit/io_registry_entry.h>

#include "iokit_internal.h"

static struct dentry *iokit_debugfs_dir;

static int iokit_debugfs_objects_get(void *data, u64 *val)
{
	*val = os_object_live_count();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(iokit_debugfs_objects, iokit_debugfs_objects_get,
			 NULL, "%llu\n");

static int iokit_debugfs_entries_get(void *data, u64 *val)
{
	*val = io_registry_entry_count();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(iokit_debugfs_entries, iokit_debugfs_entries_get,
			 NULL, "%llu\n");

/**
 * iokit_debugfs_init() - create the debugfs files (best effort)
 */
void iokit_debugfs_init(void)
{
	iokit_debugfs_dir = debugfs_create_dir("iokit", NULL);
	debugfs_create_file_unsafe("objects", 0444, iokit_debugfs_dir, NULL,
				   &iokit_debugfs_objects);
	debugfs_create_file_unsafe("registry_entries", 0444, iokit_debugfs_dir,
				   NULL, &iokit_debugfs_entries);
}

/**
 * iokit_debugfs_exit() - remove them
 */
void iokit_debugfs_exit(void)
{
	debugfs_remove_recursive(iokit_debugfs_dir);
}
