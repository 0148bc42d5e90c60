/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the tests of drivers in modules: loading and unloading the
 * test modules, instances of a driver class, the match ledger, and the
 * edu device's PCI address.
 */
#ifndef IOKIT_DRIVER_UTIL_H
#define IOKIT_DRIVER_UTIL_H

#include <sys/syscall.h>

#include "notify_util.h"

static inline int load(const char *name, const char *params)
{
	char path[256];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s.ko", getenv("IOKIT_MODULES"), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = syscall(__NR_finit_module, fd, params, 0) ? errno : 0;
	close(fd);
	return err;
}

static inline int unload(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/* A file of @text, a personality for iokitctl say: 0 or -1. */
static inline int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Services of driver class @cls (instances), IDs into @ids. */
static inline int instances(int fd, const char *cls, uint64_t *ids)
{
	struct ioks s;
	uint32_t count = 8;

	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, cls);
	if (reg_matching(fd, s.buf, s.w.len, ids, &count, NULL))
		return -1;
	return count;
}

/* The ledger's records for @id (0: all), personality @p ("" all). */
static inline int ledger(int fd, uint64_t id, const char *p,
			 struct iokit_match_record *recs, uint32_t cap)
{
	struct iokit_match_ledger ml = {
		.size = sizeof(ml), .record_size = sizeof(*recs), .count = cap,
		.entry_id = id, .records = (uintptr_t)recs,
	};

	snprintf(ml.personality, sizeof(ml.personality), "%s", p);
	if (ioctl(fd, IOKIT_IOC_MATCH_LEDGER, &ml))
		return -(int)ml.ioreturn;
	return ml.count;
}

static inline const struct iokit_match_record *
ledger_find(const struct iokit_match_record *recs, int n, const char *personality)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(recs[i].personality, personality))
			return &recs[i];
	return NULL;
}

/* The edu device's PCI address, from its nub. */
static inline int edu_bdf(int fd, char *bdf, size_t size)
{
	struct prop_find p;
	struct ioks s;
	uint64_t id;
	uint32_t count = 1;
	size_t len;

	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IONameMatch");
	ioks_str(&s, "pci1234,11e8");
	if (reg_matching(fd, s.buf, s.w.len, &id, &count, NULL) || count != 1 ||
	    !reg_property(fd, id, "IOLinuxDevice", &p))
		return -1;
	len = strnlen(p.str, size - 1);
	memcpy(bdf, p.str, len);
	bdf[len] = '\0';
	return 0;
}

#define LOG "/sys/kernel/debug/iokit_test_drivers/log"

/* A test module's event log at @path, with a marker per line start for strstr. */
static inline char *read_log_at(const char *path)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = '\n';
	n = fd < 0 ? -1 : read(fd, buf + 1, sizeof(buf) - 2);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n + 1 : 1] = '\0';
	return buf;
}

static inline void clear_log_at(const char *path)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "\n", 1) != 1)
			perror("clear log");
		close(fd);
	}
}

/* The test drivers' log. */
static inline char *read_log(void)
{
	return read_log_at(LOG);
}

static inline void clear_log(void)
{
	clear_log_at(LOG);
}

/* Position of a log line ("\nstart TestWins pci1234,11e8"), or -1. */
static inline long log_pos(const char *log, const char *line)
{
	char want[128];
	const char *p;

	snprintf(want, sizeof(want), "\n%s\n", line);
	p = strstr(log, want);
	return p ? p - log : -1;
}

/* Whether the log at @path has @line as a whole line. */
static inline int log_has_at(const char *path, const char *line)
{
	return log_pos(read_log_at(path), line) >= 0;
}

/* Whether the Linux driver of a device under /sys/bus/BUS is @want (NULL: none). */
static inline int linux_driver_is(const char *bus, const char *dev, const char *want)
{
	char path[512], target[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", bus, dev);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return !want;
	target[n] = '\0';
	return want && !strcmp(strrchr(target, '/') + 1, want);
}

static inline int edu_driver_is(const char *bdf, const char *want)
{
	return linux_driver_is("pci", bdf, want);
}

/* Write @text to a sysfs or debugfs file: 0 or the errno. */
static inline int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Make a test driver class's Start or Stop sleep: "CLASS start MS"; "" clears. */
static inline int test_delay(const char *spec)
{
	return write_str("/sys/kernel/debug/iokit_test_drivers/delay", spec[0] ? spec : "\n");
}

#define IOKIT_PARAM "/sys/module/iokit/parameters/"

/* Whether iokit.ko is a test build, with delay points (io_test_hooks.h). */
static inline int iokit_has_delay_points(void)
{
	return !access(IOKIT_PARAM "test_delay_point", F_OK);
}

/* Sleep @ms at iokit's delay point @point (0: none). */
static inline int iokit_delay_point(int point, int ms)
{
	char text[16];
	int err;

	snprintf(text, sizeof(text), "%d", ms);
	err = write_str(IOKIT_PARAM "test_delay_ms", text);
	snprintf(text, sizeof(text), "%d", point);
	return err ?: write_str(IOKIT_PARAM "test_delay_point", text);
}

#endif /* IOKIT_DRIVER_UTIL_H */
