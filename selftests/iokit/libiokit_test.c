// SPDX-License-Identifier: GPL-2.0-only
/*
 * libiokit and ioreg against the real module: IOKitLib's calls walk the
 * registry, read properties, search and match as on macOS, and both the
 * library and ioreg follow a USB keyboard plugged in and out.
 */
#include <stdlib.h>

#include <IOKit/IOKitLib.h>

#include "iokit_test.h"

#define KBD "QEMU USB Keyboard"

static int count_iterator(io_iterator_t it)
{
	io_object_t o;
	int n = 0;

	while ((o = IOIteratorNext(it))) {
		IOObjectRelease(o);
		n++;
	}
	return n;
}

/* Services matching {IOProviderClass: IOUSBHostDevice, IOPropertyMatch: {product}}. */
static int count_keyboards(void)
{
	CFMutableDictionaryRef match = IOServiceMatching("IOUSBHostDevice");
	IOCFMutableDictionaryRef props = IOCFDictionaryCreate();
	IOCFStringRef name = IOCFStringCreate(KBD);
	io_iterator_t it;
	int n;

	IOCFDictionarySetValue(props, "USB Product Name", name);
	IOCFDictionarySetValue(match, "IOPropertyMatch", props);
	IOCFRelease(name);
	IOCFRelease(props);
	if (IOServiceGetMatchingServices(kIOMainPortDefault, match, &it))
		return -1;
	n = count_iterator(it);
	IOObjectRelease(it);
	return n;
}

/* Lines of `ioreg ARGS` output containing @needle; -1 if ioreg failed. */
static int ioreg_count(const char *args, const char *needle)
{
	char cmd[256], line[4096];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ioreg %s", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, needle))
			n++;
	return pclose(p) ? -1 : n;
}

TEST(root_and_children)
{
	io_registry_entry_t root = IORegistryGetRootEntry(kIOMainPortDefault);
	io_name_t name, cls;
	io_iterator_t it;
	uint64_t id;

	ASSERT_NE(IO_OBJECT_NULL, root);
	ASSERT_EQ(kIOReturnSuccess, IORegistryEntryGetName(root, name));
	EXPECT_STREQ("Root", name);
	ASSERT_EQ(kIOReturnSuccess, IORegistryEntryGetRegistryEntryID(root, &id));
	EXPECT_EQ(0x100000100ull, id);
	ASSERT_EQ(kIOReturnSuccess, IOObjectGetClass(root, cls));
	EXPECT_STREQ("IORegistryEntry", cls);
	ASSERT_EQ(kIOReturnSuccess,
		  IORegistryEntryGetChildIterator(root, kIOServicePlane, &it));
	EXPECT_LE(2, count_iterator(it));
	IOObjectRelease(it);
	IOObjectRelease(root);
}

TEST(edu_by_name_with_properties)
{
	io_service_t edu = IOServiceGetMatchingService(kIOMainPortDefault,
						       IOServiceNameMatching("pci1234,11e8"));
	CFMutableDictionaryRef props;
	IOCFDataRef vendor;
	io_name_t cls;
	char *json;

	ASSERT_NE(IO_OBJECT_NULL, edu);
	ASSERT_EQ(kIOReturnSuccess, IOObjectGetClass(edu, cls));
	EXPECT_STREQ("IOPCIDevice", cls);
	EXPECT_TRUE(IOObjectConformsTo(edu, "IOService"));
	EXPECT_FALSE(IOObjectConformsTo(edu, "IOUSBHostDevice"));
	ASSERT_EQ(kIOReturnSuccess,
		  IORegistryEntryCreateCFProperties(edu, &props, kCFAllocatorDefault, 0));
	vendor = IOCFDictionaryGetValue(props, "vendor-id");
	ASSERT_NE(NULL, vendor);
	ASSERT_EQ(4, IOCFDataGetLength(vendor));
	EXPECT_EQ(0x34, IOCFDataGetBytePtr(vendor)[0]);
	EXPECT_EQ(0x12, IOCFDataGetBytePtr(vendor)[1]);
	json = IOCFCopyJSON(props, kIOCFJSONCompact);
	ASSERT_NE(NULL, json);
	EXPECT_NE(NULL, strstr(json, "\"vendor-id\""));
	free(json);
	IOCFRelease(props);
	IOObjectRelease(edu);
}

TEST(id_matching_and_equality)
{
	io_service_t edu = IOServiceGetMatchingService(kIOMainPortDefault,
						       IOServiceNameMatching("pci1234,11e8"));
	io_service_t again;
	uint64_t id;

	ASSERT_NE(IO_OBJECT_NULL, edu);
	ASSERT_EQ(kIOReturnSuccess, IORegistryEntryGetRegistryEntryID(edu, &id));
	again = IOServiceGetMatchingService(kIOMainPortDefault,
					    IORegistryEntryIDMatching(id));
	ASSERT_NE(IO_OBJECT_NULL, again);
	EXPECT_TRUE(IOObjectIsEqualTo(edu, again));
	IOObjectRelease(again);
	IOObjectRelease(edu);
}

TEST(search_up_from_a_usb_interface)
{
	io_service_t intf = IOServiceGetMatchingService(kIOMainPortDefault,
							IOServiceMatching("IOUSBHostInterface"));
	IOCFStringRef key = IOCFStringCreate("vendor-id");
	CFTypeRef v;

	ASSERT_NE(IO_OBJECT_NULL, intf);
	v = IORegistryEntrySearchCFProperty(intf, kIOServicePlane, key, kCFAllocatorDefault,
					    kIORegistryIterateRecursively |
					    kIORegistryIterateParents);
	ASSERT_NE(NULL, v);
	EXPECT_EQ(4, IOCFDataGetLength(v));
	IOCFRelease(v);
	EXPECT_EQ(NULL, IORegistryEntrySearchCFProperty(intf, kIOServicePlane, key,
							kCFAllocatorDefault, 0));
	IOCFRelease(key);
	IOObjectRelease(intf);
}

TEST(unknown_matching_key_is_an_error)
{
	CFMutableDictionaryRef match = IOServiceMatching("IOPCIDevice");
	IOCFStringRef v = IOCFStringCreate("x");
	io_iterator_t it = IO_OBJECT_NULL;

	IOCFDictionarySetValue(match, "IOProviderClas", v);
	IOCFRelease(v);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceGetMatchingServices(kIOMainPortDefault, match, &it));
}

TEST(ioreg_shows_the_machine)
{
	EXPECT_EQ(1, ioreg_count("-l", "+-o pci1234,11e8@"));
	EXPECT_EQ(1, ioreg_count("-l", "\"vendor-id\" = <34120000>"));
	EXPECT_EQ(1, ioreg_count("-l", "\"device-id\" = <e8110000>"));
	EXPECT_LE(1, ioreg_count("-l", "<class IOPCIDevice"));
	EXPECT_EQ(1, ioreg_count("", "+-o " KBD "@"));
	EXPECT_EQ(1, ioreg_count("", "+-o QEMU USB Tablet@"));
	EXPECT_LE(2, ioreg_count("", "<class IOUSBHostInterface"));
	EXPECT_EQ(1, ioreg_count("-c IOResources", "IOResources"));
}

TEST(keyboard_hotplug_in_libiokit_and_ioreg)
{
	int lib, reg;

	if (!getenv("IOKIT_VM") || access("/dev/ttyS1", F_OK))
		SKIP(return, "needs the iokit-vm hot-plug channel");
	lib = count_keyboards();
	reg = ioreg_count("", "+-o " KBD "@");
	ASSERT_LE(1, lib);
	ASSERT_EQ(lib, reg);

	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=lib_kbd bus=xhci.0"));
	ASSERT_EQ(lib + 1, usb_wait_product_count(KBD, lib + 1, 5000));
	EXPECT_EQ(lib + 1, count_keyboards());
	EXPECT_EQ(reg + 1, ioreg_count("", "+-o " KBD "@"));

	ASSERT_EQ(0, system("iokit-vm-hotplug del lib_kbd"));
	ASSERT_EQ(lib, usb_wait_product_count(KBD, lib, 5000));
	EXPECT_EQ(lib, count_keyboards());
	EXPECT_EQ(reg, ioreg_count("", "+-o " KBD "@"));
}

TEST_HARNESS_MAIN
