/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the iokit selftests.
 */
#ifndef IOKIT_TEST_H
#define IOKIT_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iokit.h>

#include "kselftest_harness.h"

/* ioctl() that returns 0 or the errno, for one-line assertions. */
static inline int iokit_ioctl_err(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* The number a file starts with; -1 if it cannot be read. */
static inline long read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* Live iokit objects, from debugfs; -1 if unavailable. */
static inline long iokit_live_objects(void)
{
	return read_long_file("/sys/kernel/debug/iokit/objects");
}

/* Live iokit objects of one kind (debugfs "live": "ports", ...); -1 if unknown. */
static inline long iokit_live_kind(const char *kind)
{
	FILE *f = fopen("/sys/kernel/debug/iokit/live", "r");
	char name[64];
	long n, found = -1;

	while (f && fscanf(f, "%63s %ld", name, &n) == 2)
		if (!strcmp(name, kind))
			found = n;
	if (f)
		fclose(f);
	return found;
}

/* IOKitWaitQuiet with a 30 s limit: 0, or the IOReturn of the failure. */
static inline uint32_t iokit_wait_quiet(int fd)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq), .timeout_ns = 30000000000ull };

	if (ioctl(fd, IOKIT_IOC_WAIT_QUIET, &wq))
		return wq.ioreturn ? wq.ioreturn : IOKIT_RETURN_ERROR;
	return 0;
}

/* IOKIT_IOC_TEST_ENTRIES: the IOReturn; the first new ID to @first if given. */
static inline uint32_t iokit_test_entries(int fd, uint32_t op, uint32_t count,
					  uint64_t *first)
{
	struct iokit_test_entries te = { .size = sizeof(te), .op = op, .count = count };

	ioctl(fd, IOKIT_IOC_TEST_ENTRIES, &te);
	if (first)
		*first = te.first_id;
	return te.ioreturn;
}

/* Number of USB devices whose "product" string is @product. */
static inline int usb_count_product(const char *product)
{
	DIR *dir = opendir("/sys/bus/usb/devices");
	struct dirent *de;
	int count = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		char path[512], buf[128];
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.' || strchr(de->d_name, ':'))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/product",
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, product))
			count++;
	}
	closedir(dir);
	return count;
}

/* Poll (up to @ms) until usb_count_product(@product) == @want. */
static inline int usb_wait_product_count(const char *product, int want, int ms)
{
	int n;

	for (;;) {
		n = usb_count_product(product);
		if (n == want || ms <= 0)
			return n;
		usleep(50 * 1000);
		ms -= 50;
	}
}

#endif /* IOKIT_TEST_H */
