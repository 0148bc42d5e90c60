// SPDX-License-Identifier: GPL-2.0-only
/*
 * An application as one is written for IOKit, built in the Debian guest
 * against the installed libiokit-dev with pkg-config: find QEMU's edu
 * device by its IOName and print the entry's name and ID.
 */
#include <stdio.h>

#include <IOKit/IOKitLib.h>

int main(void)
{
	io_service_t edu = IOServiceGetMatchingService(kIOMainPortDefault,
						       IOServiceNameMatching("pci1234,11e8"));
	io_name_t name;
	uint64_t id;

	if (!edu) {
		fprintf(stderr, "edu-app: no edu device in the registry\n");
		return 1;
	}
	if (IORegistryEntryGetName(edu, name) || IORegistryEntryGetRegistryEntryID(edu, &id)) {
		fprintf(stderr, "edu-app: cannot read the edu entry\n");
		return 1;
	}
	printf("edu-app: %s, entry 0x%llx\n", name, (unsigned long long)id);
	IOObjectRelease(edu);
	return 0;
}
