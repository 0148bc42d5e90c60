// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/iokit: counters that let tests prove they returned
 * everything they took.
 *   objects           every live iokit object of every kind: OS objects
 *                     (entries, containers, ...) and the kinds below
 *   live              one "kind count" line per kind
 *   users             what each user has made iokit keep: "uid memory
 *                     cost", then "limits memory cost" (io_user.c)
 *   registry_entries  entries currently in the registry
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include <iokit/io_registry_entry.h>

#include "io_user.h"
#include "iokit_internal.h"

atomic_long_t iokit_live[IOKIT_LIVE_KINDS];

static const char *const iokit_live_names[IOKIT_LIVE_KINDS] = {
	[IOKIT_LIVE_PORTS] = "ports",
	[IOKIT_LIVE_NOTIFICATIONS] = "notifications",
	[IOKIT_LIVE_LOADERS] = "loaders",
	[IOKIT_LIVE_LOAD_REQUESTS] = "load_requests",
	[IOKIT_LIVE_USERS] = "users",
	[IOKIT_LIVE_PCI_HOLDS] = "pci_holds",
	[IOKIT_LIVE_CONNECTIONS] = "connections",
	[IOKIT_LIVE_ASYNC] = "async",
	[IOKIT_LIVE_MEMORY] = "memory_descriptors",
	[IOKIT_LIVE_MAPPINGS] = "mappings",
};

static struct dentry *iokit_debugfs_dir;

static int iokit_debugfs_objects_get(void *data, u64 *val)
{
	unsigned int i;

	*val = os_object_live_count();
	for (i = 0; i < IOKIT_LIVE_KINDS; i++)
		*val += atomic_long_read(&iokit_live[i]);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(iokit_debugfs_objects, iokit_debugfs_objects_get,
			 NULL, "%llu\n");

static int iokit_debugfs_live_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_printf(m, "os_objects %ld\n", os_object_live_count());
	for (i = 0; i < IOKIT_LIVE_KINDS; i++)
		seq_printf(m, "%s %ld\n", iokit_live_names[i],
			   atomic_long_read(&iokit_live[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iokit_debugfs_live);

static int iokit_debugfs_users_show(struct seq_file *m, void *v)
{
	io_user_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(iokit_debugfs_users);

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
	debugfs_create_file("live", 0444, iokit_debugfs_dir, NULL,
			    &iokit_debugfs_live_fops);
	debugfs_create_file("users", 0444, iokit_debugfs_dir, NULL,
			    &iokit_debugfs_users_fops);
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
