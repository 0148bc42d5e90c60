// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioreg --why ENTRY [--personality NAME]: explain, from iokit's match
 * ledger, which drivers were considered for a service and how far each
 * got - the key that failed with the value wanted and the value found, a
 * category held by another driver, a native Linux driver in the way, a
 * failed Start - and which Linux driver holds the device now.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iokit.h>

#include <IOKit/IOKitLib.h>

#include "iokit_match_text.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#include "ioreg.h"

/* ENTRY: a registry entry ID, an IOService path, or a name. */
static io_registry_entry_t why_resolve(const char *arg)
{
	char *end;
	uint64_t id;

	errno = 0;
	id = strtoull(arg, &end, 0);
	if (!errno && end != arg && !*end)
		return IOServiceGetMatchingService(kIOMainPortDefault,
						   IORegistryEntryIDMatching(id));
	if (strchr(arg, ':'))
		return IORegistryEntryFromPath(kIOMainPortDefault, arg);
	return IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(arg));
}

/* The Linux driver bound to the entry's device, from sysfs. */
static void why_linux_driver(io_registry_entry_t entry)
{
	static const char *const buses[] = { "pci", "usb" };
	CFStringRef key = IOCFStringCreate("IOLinuxDevice");
	CFTypeRef dev = key ? IORegistryEntryCreateCFProperty(entry, key,
							      kCFAllocatorDefault, 0) : NULL;
	const char *name = dev && IOCFGetTypeID(dev) == kIOCFStringTypeID ?
			   IOCFStringGetCStringPtr(dev) : NULL;
	char path[PATH_MAX], target[PATH_MAX];
	unsigned int i;
	ssize_t n;

	if (key)
		CFRelease(key);
	for (i = 0; name && i < ARRAY_SIZE(buses); i++) {
		snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s", buses[i], name);
		if (access(path, F_OK))
			continue;
		strncat(path, "/driver", sizeof(path) - strlen(path) - 1);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf("  Linux device %s: no driver bound\n", name);
		} else {
			target[n] = '\0';
			printf("  Linux device %s: bound to %s\n", name, strrchr(target, '/') + 1);
		}
		break;
	}
	if (dev)
		CFRelease(dev);
}

/**
 * ioreg_why() - print why drivers did or did not start on an entry
 * @arg: the entry: ID, path or name
 * @personality: only this personality (name or IOClass), or NULL
 *
 * Return: 0, or 1 after printing an error.
 */
int ioreg_why(const char *arg, const char *personality)
{
	struct iokit_match_ledger ml = {
		.size = sizeof(ml), .record_size = sizeof(struct iokit_match_record),
	};
	struct iokit_match_record *recs = NULL;
	io_registry_entry_t entry = why_resolve(arg);
	io_name_t name, cls;
	uint32_t i;
	int fd;

	if (!entry) {
		fprintf(stderr, "ioreg: no such entry: %s\n", arg);
		return 1;
	}
	if (personality && strlen(personality) >= sizeof(ml.personality)) {
		fprintf(stderr, "ioreg: personality name too long\n");
		IOObjectRelease(entry);
		return 1;
	}
	IORegistryEntryGetRegistryEntryID(entry, (uint64_t *)&ml.entry_id);
	IORegistryEntryGetName(entry, name);
	IOObjectGetClass(entry, cls);
	printf("%s <class %s, id 0x%" PRIx64 ">\n", name, cls, (uint64_t)ml.entry_id);
	why_linux_driver(entry);
	IOObjectRelease(entry);
	if (personality)
		snprintf(ml.personality, sizeof(ml.personality), "%s", personality);

	fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("ioreg: " IOKIT_DEVICE_PATH);
		return 1;
	}
	/* Ask for the count, then for the records; retry if more came. */
	while (ioctl(fd, IOKIT_IOC_MATCH_LEDGER, &ml) && ml.ioreturn == IOKIT_RETURN_NO_SPACE) {
		free(recs);
		recs = calloc(ml.count, sizeof(*recs));
		if (!recs) {
			perror("ioreg");
			close(fd);
			return 1;
		}
		ml.records = (uintptr_t)recs;
	}
	close(fd);
	if (ml.ioreturn) {
		fprintf(stderr, "ioreg: cannot read the match ledger: %s\n",
			mach_error_string((mach_error_t)ml.ioreturn));
		free(recs);
		return 1;
	}
	if (!ml.count)
		printf("  no driver personality was considered for it%s%s\n",
		       personality ? " named " : "", personality ? personality : "");
	for (i = 0; i < ml.count; i++)
		iokit_match_record_print(stdout, &recs[i]);
	free(recs);
	return 0;
}
