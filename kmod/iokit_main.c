// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit: Apple's IOService model as a Linux kernel module.
 *
 * This file owns the module's life: it brings the parts up in dependency
 * order and takes them down in reverse.  /dev/iokit is registered last so
 * that no ioctl can reach a part that is not ready, and unregistered first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <linux/iokit.h>

#include <iokit/io_service.h>

#include "io_family.h"
#include "io_test_hooks.h"
#include "iokit_internal.h"

static const struct file_operations iokit_control_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = iokit_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * World-accessible like the I/O Registry on macOS: reading the registry is
 * unprivileged; commands that change state check the caller themselves.
 * A system that narrows the node with udev (the packages give it to a
 * group at 0664) says so here too, through modprobe.d: the node is made
 * before udev's rule runs, and a descriptor opened for writing in between
 * would keep its write access.
 */
static ushort node_mode = 0666;
module_param(node_mode, ushort, 0444);
MODULE_PARM_DESC(node_mode, "mode /dev/iokit is created with (default 0666)");

static struct miscdevice iokit_control_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "iokit",
	.fops = &iokit_control_fops,
};

/*
 * The families, in the order they publish: a USB host controller's nub
 * comes from the PCI family.  Each is a folder under families/.
 */
static struct io_family *const iokit_families[] = {
	&io_pci_family,
	&io_usb_family,
	&io_test_family,
};

/* Take down the first @n families, the last first. */
static void iokit_families_exit(unsigned int n)
{
	unsigned int i;

	for (i = n; i--;)
		if (iokit_families[i]->stop)
			iokit_families[i]->stop();
	io_test_delay(IO_TEST_DELAY_FAMILIES_STOPPED);
	/* What the last hot-plug set off finishes before the drivers go. */
	io_service_wait_quiet();
	for (i = n; i--;) {
		if (iokit_families[i]->exit)
			iokit_families[i]->exit();
		io_family_unregister(iokit_families[i]);
	}
}

static int iokit_families_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(iokit_families); i++) {
		struct io_family *f = iokit_families[i];

		ret = io_family_register(f);
		if (!ret && f->init) {
			ret = f->init();
			if (ret)
				io_family_unregister(f);
		}
		if (ret) {
			pr_err("cannot start the %s family: %d\n", f->name, ret);
			iokit_families_exit(i);
			return ret;
		}
	}
	return 0;
}

static int __init iokit_init(void)
{
	int ret;

	ret = io_service_lifecycle_init();
	if (ret)
		return ret;
	ret = io_async_init();
	if (ret)
		goto err_lifecycle;
	ret = io_registry_init();
	if (ret)
		goto err_async;
	ret = io_service_init();
	if (ret)
		goto err_registry;
	iokit_debugfs_init();
	ret = iokit_families_init();
	if (ret)
		goto err_service;
	iokit_control_device.mode = node_mode & 0666;
	ret = misc_register(&iokit_control_device);
	if (ret) {
		pr_err("cannot register /dev/iokit: %d\n", ret);
		goto err_families;
	}
	pr_info("version %s, ABI %d.%d, %ld registry entries\n",
		IOKIT_MODULE_VERSION, IOKIT_ABI_MAJOR, IOKIT_ABI_MINOR,
		io_registry_entry_count());
	return 0;

err_families:
	iokit_families_exit(ARRAY_SIZE(iokit_families));
err_service:
	iokit_debugfs_exit();
	io_service_exit();
err_registry:
	io_registry_exit();
err_async:
	io_async_exit();
err_lifecycle:
	io_service_lifecycle_exit();
	return ret;
}

/*
 * No ioctl first; then no hot-plug, and what hot-plug queued drains,
 * before the families unregister their Linux drivers: a device that
 * arrived in between would otherwise be bound to a driver that is gone.
 */
static void __exit iokit_exit(void)
{
	unsigned int i;

	misc_deregister(&iokit_control_device);
	/* Completions' memory goes back to their ports and users first. */
	io_async_exit();
	io_service_wait_quiet();
	io_driver_exit();
	iokit_families_exit(ARRAY_SIZE(iokit_families));
	io_loader_exit();
	io_catalogue_exit();
	io_match_ledger_exit();
	io_user_client_policy_exit();
	iokit_debugfs_exit();
	io_service_exit();
	io_service_lifecycle_exit();
	io_registry_exit();
	/* Every object iokit made must be gone by now. */
	WARN(os_object_live_count(), "iokit: %ld objects leaked\n",
	     os_object_live_count());
	for (i = 0; i < IOKIT_LIVE_KINDS; i++)
		WARN(atomic_long_read(&iokit_live[i]), "iokit: %ld objects of kind %u leaked\n",
		     atomic_long_read(&iokit_live[i]), i);
	/* Entries are freed after a grace period; do not unload before. */
	rcu_barrier();
}

module_init(iokit_init);
module_exit(iokit_exit);

MODULE_DESCRIPTION("Apple IOKit/DriverKit IOService model: I/O Registry, matching, IOUserClient");
MODULE_LICENSE("GPL");
MODULE_VERSION(IOKIT_MODULE_VERSION);
