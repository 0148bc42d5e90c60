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

#endif /* IOKIT_DRIVER_UTIL_H */
