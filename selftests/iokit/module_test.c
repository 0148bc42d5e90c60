// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module life: an open /dev/iokit pins the module; once closed the module
 * unloads and /dev/iokit goes away; it loads again and answers.  Needs
 * root and the module's path in $IOKIT_KO (iokit-vm sets it).  Unloading
 * gives the USB devices iokit held back to the USB core, and devices that
 * come and go while it unloads never reach a driver that is gone.  Leaves
 * the module loaded, as it found it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "driver_util.h"

static int delete_module(const char *name, unsigned int flags)
{
	return syscall(__NR_delete_module, name, flags) ? errno : 0;
}

static int load_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno;
	err = syscall(__NR_finit_module, fd, "", 0) ? errno : 0;
	close(fd);
	return err;
}

static int version_major(void)
{
	struct iokit_version ver = { .size = sizeof(ver) };
	int fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, IOKIT_IOC_VERSION, &ver) ? -1 : (int)ver.abi_major;
	close(fd);
	return ret;
}

TEST(load_version_unload_reload)
{
	const char *ko = getenv("IOKIT_KO");
	int fd;

	if (getuid() != 0)
		SKIP(return, "needs root to load modules");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set IOKIT_KO to the path of iokit.ko");
	ASSERT_EQ(0, access("/sys/module/iokit", F_OK)) TH_LOG("iokit.ko is not loaded");

	ASSERT_EQ(IOKIT_ABI_MAJOR, version_major());

	/* An open connection holds the module. */
	fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EWOULDBLOCK, delete_module("iokit", O_NONBLOCK));
	close(fd);

	ASSERT_EQ(0, delete_module("iokit", O_NONBLOCK));
	EXPECT_NE(0, access("/sys/module/iokit", F_OK));
	EXPECT_NE(0, access(IOKIT_DEVICE_PATH, F_OK));
	EXPECT_EQ(-1, version_major());
	/* USB devices iokit held went back to the USB core's generic driver. */
	EXPECT_NE(0, system("ls -l /sys/bus/usb/devices/*/driver | grep -q iokit"));
	EXPECT_EQ(0, system("ls /sys/bus/usb/devices/[0-9]-[0-9]/driver > /dev/null"));

	ASSERT_EQ(0, load_module(ko));
	EXPECT_EQ(IOKIT_ABI_MAJOR, version_major());
	/* A second load of the same module is refused, not doubled. */
	EXPECT_EQ(EEXIST, load_module(ko));
}

/* Remove every PCI device with device ID @device from sysfs. */
static void pci_remove_device_id(const char *device)
{
	DIR *dir = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	char path[512], id[16];

	while (dir && (de = readdir(dir))) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(id, sizeof(id), f) && !strncmp(id, device, strlen(device))) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", de->d_name);
			write_str(path, "1");
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
}

static void *plug_thread(void *p)
{
	int *done = p;

	/* While iokit unloads: a keyboard arrives, the edu device goes and comes. */
	system("iokit-vm-hotplug add usb-kbd id=unloading bus=xhci.0 serial=unloading >/dev/null");
	pci_remove_device_id("0x11e8");
	write_str("/sys/bus/pci/rescan", "1");
	*done = 1;
	return NULL;
}

/*
 * Devices that come and go while iokit unloads meet no driver of iokit's:
 * hot-plug stops being followed, and what it set off drains, before the
 * drivers are unregistered.  The debug kernel's delay point holds the
 * unload in that window while the devices change.  Loaded again, iokit
 * finds every device.
 */
TEST(unload_while_devices_come_and_go)
{
	const char *ko = getenv("IOKIT_KO");
	uint64_t ids[4];
	pthread_t t;
	int done = 0;
	int fd, i;

	if (getuid() != 0 || !getenv("IOKIT_VM"))
		SKIP(return, "needs root and iokit-vm");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set IOKIT_KO to the path of iokit.ko");
	if (iokit_has_delay_points())
		ASSERT_EQ(0, iokit_delay_point(3, 3000));
	ASSERT_EQ(0, pthread_create(&t, NULL, plug_thread, &done));
	ASSERT_EQ(0, delete_module("iokit", O_NONBLOCK));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_TRUE(done);
	/* The keyboard has a Linux driver of its own, and the edu device is back. */
	EXPECT_EQ(2, usb_wait_product_count("QEMU USB Keyboard", 2, 10000));
	EXPECT_EQ(0, system("grep -l 0x11e8 /sys/bus/pci/devices/*/device > /dev/null"));

	ASSERT_EQ(0, load_module(ko));
	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	EXPECT_EQ(2, usb_devices_named(fd, "QEMU USB Keyboard", ids, 4));
	for (i = 0; i < 50 && system("iokit-vm-hotplug del unloading >/dev/null"); i++)
		usleep(100000);
	EXPECT_EQ(1, usb_wait_product_count("QEMU USB Keyboard", 1, 10000));
	close(fd);
}

TEST_HARNESS_MAIN
