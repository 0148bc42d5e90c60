// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module life: an open /dev/iokit pins the module; once closed the module
 * unloads and /dev/iokit goes away; it loads again and answers.  Needs
 * root and the module's path in $IOKIT_KO (iokit-vm sets it).  Unloading
 * gives the USB devices iokit held back to the USB core.  Leaves the
 * module loaded, as it found it.
 */
#include <stdlib.h>
#include <sys/syscall.h>

#include "iokit_test.h"

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

TEST_HARNESS_MAIN
