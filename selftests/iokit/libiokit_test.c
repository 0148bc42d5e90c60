// SPDX-License-Identifier: GPL-2.0-only
/*
 * libiokit and ioreg against the real module: IOKitLib's calls walk the
 * registry, read properties, search and match as on macOS, and both the
 * library and ioreg follow a USB keyboard plugged in and out, the library
 * also through matching notifications.
 */
#include <poll.h>
#include <stdlib.h>

#include <IOKit/IOKitLib.h>

#include "iokit_test.h"
#include "driver_util.h"

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

/* ---- Matching notifications ---------------------------------------------- */

#define REPORTS_MAX	16

/* What a notification's callback was told; it drains as a macOS one does. */
struct reports {
	int calls;
	int n;				/* services taken, all told */
	uint64_t ids[REPORTS_MAX];	/* the first of them */
};

static void collect(void *refcon, io_iterator_t iterator)
{
	struct reports *r = refcon;
	io_object_t o;
	uint64_t id;

	r->calls++;
	while ((o = IOIteratorNext(iterator))) {
		if (r->n < REPORTS_MAX && !IORegistryEntryGetRegistryEntryID(o, &id))
			r->ids[r->n] = id;
		r->n++;
		IOObjectRelease(o);
	}
}

/* A callback that removes its own notification. */
static void release_self(void *refcon, io_iterator_t iterator)
{
	(*(int *)refcon)++;
	IOObjectRelease(iterator);
}

TEST(notification_bad_arguments)
{
	IONotificationPortRef port = IONotificationPortCreate(kIOMainPortDefault);
	CFMutableDictionaryRef match = IOServiceMatching("IOService");
	IOCFStringRef v = IOCFStringCreate("IOService");
	io_iterator_t it = 1;

	ASSERT_NE(NULL, port);
	ASSERT_NE(NULL, match);
	EXPECT_LE(0, IONotificationPortGetFileDescriptor(port));
	EXPECT_EQ(-1, IONotificationPortGetFileDescriptor(NULL));
	/* Each refusal consumes the one reference it was given. */
	IOCFRetain(match);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceAddMatchingNotification(port, "IOServicePublished", match, collect,
						   NULL, &it));
	EXPECT_EQ(IO_OBJECT_NULL, it);
	EXPECT_EQ(1, IOCFGetRetainCount(match));
	IOCFRetain(match);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceAddMatchingNotification(NULL, kIOPublishNotification, match, collect,
						   NULL, &it));
	EXPECT_EQ(1, IOCFGetRetainCount(match));
	IOCFRetain(match);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceAddMatchingNotification(port, kIOPublishNotification, match, collect,
						   NULL, NULL));
	EXPECT_EQ(1, IOCFGetRetainCount(match));
	IOCFRetain(match);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceAddMatchingNotification(port, kIOPublishNotification, NULL, collect,
						   NULL, &it));
	EXPECT_EQ(2, IOCFGetRetainCount(match));
	IOCFRelease(match);
	/* The kernel refuses a misspelt key, as for IOServiceGetMatchingServices. */
	IOCFDictionarySetValue(match, "IOProviderClas", v);
	IOCFRelease(v);
	EXPECT_EQ(kIOReturnBadArgument,
		  IOServiceAddMatchingNotification(port, kIOPublishNotification, match, collect,
						   NULL, &it));
	EXPECT_EQ(IO_OBJECT_NULL, it);
	EXPECT_EQ(kIOReturnBadArgument, IONotificationPortDispatch(NULL, 0));
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 0));
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 50));
	IONotificationPortDestroy(port);
	IONotificationPortDestroy(NULL);
}

/* Releasing a notification removes it; destroying its port removes the rest. */
TEST(notification_release_leaves_nothing_behind)
{
	long baseline = iokit_live_objects();
	IONotificationPortRef port = IONotificationPortCreate(kIOMainPortDefault);
	long with_port = iokit_live_objects();
	struct reports r = { 0 };
	io_iterator_t it, term;
	io_name_t cls;

	ASSERT_NE(NULL, port);
	/* The port itself is counted, until it is destroyed. */
	if (baseline >= 0)
		EXPECT_LT(baseline, with_port);
	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOFirstMatchNotification,
						   IOServiceMatching("IOUSBHostDevice"),
						   collect, &r, &it));
	ASSERT_EQ(kIOReturnSuccess, IOObjectGetClass(it, cls));
	EXPECT_STREQ("IOServiceUserNotification", cls);
	EXPECT_TRUE(IOObjectConformsTo(it, "OSIterator"));
	EXPECT_FALSE(IOObjectConformsTo(it, "IOService"));
	EXPECT_TRUE(IOIteratorIsValid(it));
	/* The kernel holds the matching dictionary while it is armed. */
	if (baseline >= 0)
		EXPECT_LT(with_port, iokit_live_objects());
	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(it));
	if (baseline >= 0)
		EXPECT_EQ(with_port, iokit_live_objects());

	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOTerminatedNotification,
						   IOServiceMatching("IOService"),
						   collect, &r, &term));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(term));
	IONotificationPortDestroy(port);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
	/* Outliving its port, the iterator is still a handle, with nothing to say. */
	EXPECT_TRUE(IOIteratorIsValid(term));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(term));
	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(term));
	EXPECT_EQ(kIOReturnBadArgument, IOObjectRelease(term));
	EXPECT_EQ(0, r.calls);
}

/*
 * A port whose queue overflowed invalidates its notifications and calls
 * them; a reset makes them valid and empty, and reports flow again.
 */
TEST(notification_overflow_invalidates)
{
	IONotificationPortRef port = NULL;
	int fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	struct reports r = { 0 };
	io_iterator_t it, once;
	struct pollfd pfd;
	int released = 0;

	ASSERT_LE(0, fd);
	if (getuid() || system("echo 1 > /sys/module/iokit/parameters/test_interface"))
		SKIP(return, "needs root and the test interface");
	port = IONotificationPortCreate(kIOMainPortDefault);
	ASSERT_NE(NULL, port);
	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOPublishNotification,
						   IOServiceMatching("IOTestEntry"),
						   collect, &r, &it));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(it));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_ADD,
					IOKIT_PORT_QUEUE_DEFAULT + 44, NULL));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(fd));

	ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 2000));
	EXPECT_EQ(1, r.calls);
	EXPECT_EQ(IOKIT_PORT_QUEUE_DEFAULT, r.n);
	EXPECT_FALSE(IOIteratorIsValid(it));
	IOIteratorReset(it);
	EXPECT_TRUE(IOIteratorIsValid(it));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(it));
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 0));
	/* Publish notifications say nothing of termination. */
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 200));

	/* Reports flow again, seen through the descriptor as an event loop would. */
	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOFirstPublishNotification,
						   IOServiceMatching("IOTestEntry"),
						   release_self, &released, &once));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(once));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_ADD, 1, NULL));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	pfd.fd = IONotificationPortGetFileDescriptor(port);
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 0));
	EXPECT_EQ(2, r.calls);
	EXPECT_EQ(IOKIT_PORT_QUEUE_DEFAULT + 1, r.n);
	EXPECT_TRUE(IOIteratorIsValid(it));
	/* The callback that released its own notification ran once, then it was gone. */
	EXPECT_EQ(1, released);
	EXPECT_EQ(kIOReturnBadArgument, IOObjectRelease(once));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_ADD, 1, NULL));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 2000));
	EXPECT_EQ(1, released);
	EXPECT_EQ(3, r.calls);

	EXPECT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(it));
	IONotificationPortDestroy(port);
	close(fd);
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

FIXTURE(usb_ntf) {
	bool plugged;
};

FIXTURE_SETUP(usb_ntf)
{
	self->plugged = false;
}

FIXTURE_TEARDOWN(usb_ntf)
{
	if (self->plugged && system("iokit-vm-hotplug del lib_ntf_kbd"))
		TH_LOG("could not unplug lib_ntf_kbd");
}

/*
 * First-match lists the USB devices there are, then reports a keyboard
 * plugged in, exactly once; terminated reports the same entry when it
 * is pulled out.
 */
TEST_F(usb_ntf, keyboard_in_matching_notifications)
{
	struct reports matched = { 0 }, gone = { 0 };
	uint64_t existing[REPORTS_MAX], device;
	io_iterator_t first, term, it;
	IONotificationPortRef port;
	CFStringRef key, product;
	io_service_t kbd;
	io_object_t o;
	int fd, n = 0, i;

	if (!getenv("IOKIT_VM") || access("/dev/ttyS1", F_OK))
		SKIP(return, "needs the iokit-vm hot-plug channel");
	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	close(fd);
	port = IONotificationPortCreate(kIOMainPortDefault);
	ASSERT_NE(NULL, port);

	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOFirstMatchNotification,
						   IOServiceMatching("IOUSBHostDevice"),
						   collect, &matched, &first));
	while ((o = IOIteratorNext(first))) {
		if (n < REPORTS_MAX)
			IORegistryEntryGetRegistryEntryID(o, &existing[n]);
		n++;
		IOObjectRelease(o);
	}
	EXPECT_LE(2, n);
	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceGetMatchingServices(kIOMainPortDefault,
					       IOServiceMatching("IOUSBHostDevice"), &it));
	EXPECT_EQ(n, count_iterator(it));
	IOObjectRelease(it);
	ASSERT_EQ(kIOReturnSuccess,
		  IOServiceAddMatchingNotification(port, kIOTerminatedNotification,
						   IOServiceMatching("IOUSBHostDevice"),
						   collect, &gone, &term));
	EXPECT_EQ(IO_OBJECT_NULL, IOIteratorNext(term));
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 0));

	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=lib_ntf_kbd bus=xhci.0"));
	self->plugged = true;
	ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 5000));
	EXPECT_EQ(1, matched.calls);
	EXPECT_EQ(0, gone.calls);
	ASSERT_EQ(1, matched.n);
	device = matched.ids[0];
	for (i = 0; i < n && i < REPORTS_MAX; i++)
		EXPECT_NE(existing[i], device);
	kbd = IOServiceGetMatchingService(kIOMainPortDefault, IORegistryEntryIDMatching(device));
	ASSERT_NE(IO_OBJECT_NULL, kbd);
	key = IOCFStringCreate("USB Product Name");
	product = IORegistryEntryCreateCFProperty(kbd, key, kCFAllocatorDefault, 0);
	ASSERT_NE(NULL, product);
	EXPECT_STREQ(KBD, IOCFStringGetCStringPtr(product));
	IOCFRelease(product);
	IOCFRelease(key);
	IOObjectRelease(kbd);
	/* Once only. */
	EXPECT_EQ(kIOReturnTimeout, IONotificationPortDispatch(port, 500));

	ASSERT_EQ(0, system("iokit-vm-hotplug del lib_ntf_kbd"));
	self->plugged = false;
	ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 5000));
	EXPECT_EQ(1, gone.calls);
	ASSERT_EQ(1, gone.n);
	EXPECT_EQ(device, gone.ids[0]);
	EXPECT_EQ(1, matched.calls);
	EXPECT_EQ(1, matched.n);

	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(first));
	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(term));
	IONotificationPortDestroy(port);
}

struct async_seen {
	int calls;
	IOReturn result;
	uint32_t n;
	uint64_t args[2];
};

static void async_done(void *refcon, IOReturn result, void **args, uint32_t n)
{
	struct async_seen *seen = refcon;

	seen->calls++;
	seen->result = result;
	seen->n = n;
	if (n >= 2) {
		seen->args[0] = (uintptr_t)args[0];
		seen->args[1] = (uintptr_t)args[1];
	}
}

struct client_seen {
	int calls;
	uint32_t type;
	uintptr_t reference;
	IOReturn status;
	uint32_t n;
	uint64_t args[2];
};

static void client_notified(void *refcon, uint32_t type, uintptr_t reference, IOReturn status,
			    const uint64_t *args, uint32_t n)
{
	struct client_seen *seen = refcon;

	seen->calls++;
	seen->type = type;
	seen->reference = reference;
	seen->status = status;
	seen->n = n;
	if (n >= 2) {
		seen->args[0] = args[0];
		seen->args[1] = args[1];
	}
}

/* A user client as an application reaches it: open, call, close. */
TEST(user_client_through_iokitlib)
{
	uint64_t in[3] = { 40, 2, 9 }, out[2] = { 0 };
	char bytes[32] = "hello, user client", back[32];
	io_service_t service, opened = 0;
	io_connect_t connect, other;
	uint32_t n = 1;
	size_t len = sizeof(back);
	char reason[128];
	int fd;

	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	service = IOServiceGetMatchingService(kIOMainPortDefault,
					      IOServiceMatching("TestUCService"));
	ASSERT_NE(0, service);
	EXPECT_EQ(kIOReturnBadArgument, IOServiceOpen(service, 7, 0, &connect));
	ASSERT_EQ(kIOReturnSuccess, IOServiceOpen(service, mach_task_self(), 0, &connect));
	ASSERT_NE(0, connect);

	ASSERT_EQ(kIOReturnSuccess, IOConnectCallScalarMethod(connect, 1, in, 2, out, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(42, out[0]);
	ASSERT_EQ(kIOReturnSuccess, IOConnectCallStructMethod(connect, 2, bytes, sizeof(bytes),
							      back, &len));
	EXPECT_EQ(sizeof(bytes), len);
	EXPECT_EQ(0, memcmp(bytes, back, len));

	/* A refused call, and the reason this thread can print. */
	n = 1;
	EXPECT_EQ(kIOReturnBadArgument, IOConnectCallScalarMethod(connect, 1, in, 3, out, &n));
	EXPECT_EQ(0, n);
	IOConnectCopyLastReason(reason, sizeof(reason));
	EXPECT_STREQ("scalarInputCount 3 != 2", reason);
	EXPECT_EQ(kIOReturnBadArgument, IOConnectCallMethod(connect, 99, NULL, 0, NULL, 0,
							    NULL, NULL, NULL, NULL));
	IOConnectCopyLastReason(reason, sizeof(reason));
	EXPECT_STREQ("selector 99 >= 25 methods", reason);
	EXPECT_EQ(kIOReturnSuccess, IOConnectCallMethod(connect, 0, NULL, 0, NULL, 0,
							NULL, NULL, NULL, NULL));
	IOConnectCopyLastReason(reason, sizeof(reason));
	EXPECT_STREQ("", reason);

	/* An async call, completed from the driver's timer, dispatched as IOKitLib does. */
	do {
		IONotificationPortRef port = IONotificationPortCreate(kIOMainPortDefault);
		uint64_t delay[2] = { 20, 21 };
		struct async_seen seen = { 0 };
		io_async_ref64_t ref = { 0 };

		ASSERT_NE(NULL, port);
		ref[kIOAsyncCalloutFuncIndex] = (uintptr_t)async_done;
		ref[kIOAsyncCalloutRefconIndex] = (uintptr_t)&seen;
		ASSERT_EQ(kIOReturnSuccess,
			  IOConnectCallAsyncScalarMethod(connect, 11,
							 IONotificationPortGetMachPort(port),
							 ref, 3, delay, 2, NULL, NULL));
		for (int i = 0; i < 20 && !seen.calls; i++)
			IONotificationPortDispatch(port, 100);
		EXPECT_EQ(1, seen.calls);
		EXPECT_EQ(kIOReturnSuccess, seen.result);
		EXPECT_EQ(2, seen.n);
		EXPECT_EQ(21, seen.args[0]);
		EXPECT_EQ(42, seen.args[1]);
		/* A synchronous method called async. */
		EXPECT_EQ(kIOReturnBadArgument,
			  IOConnectCallAsyncScalarMethod(connect, 0,
							 IONotificationPortGetMachPort(port),
							 NULL, 0, NULL, 0, NULL, NULL));
		IONotificationPortDestroy(port);
	} while (0);

	/* The client's own notifications, on the port IOConnectSetNotificationPort named. */
	do {
		IONotificationPortRef port = IONotificationPortCreate(kIOMainPortDefault);
		uint64_t send[3] = { 4, 2, kIOReturnNotReady }, sent[2] = { 0 };
		struct client_seen seen = { 0 };
		mach_port_t wake;

		ASSERT_NE(NULL, port);
		wake = IONotificationPortGetMachPort(port);
		IONotificationPortSetConnectCallback(port, client_notified, &seen);
		ASSERT_EQ(kIOReturnSuccess, IOConnectSetNotificationPort(connect, 4, wake, 0x4321));
		n = 2;
		ASSERT_EQ(kIOReturnSuccess, IOConnectCallScalarMethod(connect, 23, send, 3,
								      sent, &n));
		EXPECT_EQ(2, sent[0]);
		ASSERT_EQ(kIOReturnSuccess, IONotificationPortDispatch(port, 1000));
		EXPECT_EQ(2, seen.calls);
		EXPECT_EQ(4, seen.type);
		EXPECT_EQ(0x4321, seen.reference);
		EXPECT_EQ(kIOReturnNotReady, seen.status);
		ASSERT_EQ(2, seen.n);
		EXPECT_EQ(1, seen.args[0]);
		EXPECT_EQ(4, seen.args[1]);
		EXPECT_EQ(kIOReturnUnsupported, IOConnectSetNotificationPort(connect, 99, wake, 0));
		IOConnectCopyLastReason(reason, sizeof(reason));
		EXPECT_STREQ("the user client sends no notifications of type 99", reason);
		EXPECT_EQ(kIOReturnSuccess,
			  IOConnectSetNotificationPort(connect, 4, MACH_PORT_NULL, 0));
		IONotificationPortDestroy(port);
	} while (0);

	/* Out of line, variable output, shared memory. */
	do {
		static uint8_t big[8192];
		uint64_t sums[4], var_len = 5000, peek_in[2] = { 0, 100 }, peek_out[1];
		mach_vm_address_t at = 0, ro_at = 0;
		mach_vm_size_t size = 0, ro_size = 0;
		size_t var = kIOConnectMethodVarOutputSize;
		CFDataRef data = NULL;

		memset(big, 2, sizeof(big));
		n = 4;
		ASSERT_EQ(kIOReturnSuccess, IOConnectCallMethod(connect, 16, NULL, 0, big,
								sizeof(big), sums, &n, NULL, NULL));
		EXPECT_EQ(2 * sizeof(big), sums[0]);
		EXPECT_EQ(1, sums[2]);
		n = 0;
		ASSERT_EQ(kIOReturnSuccess, IOConnectCallMethod(connect, 18, &var_len, 1, NULL, 0,
								NULL, &n, &data, &var));
		EXPECT_EQ(5000, var);
		ASSERT_NE(NULL, data);
		EXPECT_EQ(5000, IOCFDataGetLength(data));
		EXPECT_EQ(0x5a ^ 7, IOCFDataGetBytePtr(data)[7]);
		CFRelease(data);

		ASSERT_EQ(kIOReturnSuccess, IOConnectMapMemory64(connect, 0, mach_task_self(),
								 &at, &size, kIOMapAnywhere));
		EXPECT_EQ(3 * 4096, size);
		((uint8_t *)(uintptr_t)at)[100] = 0x77;
		n = 1;
		ASSERT_EQ(kIOReturnSuccess, IOConnectCallScalarMethod(connect, 19, peek_in, 2,
								      peek_out, &n));
		EXPECT_EQ(0x77, peek_out[0]);
		ASSERT_EQ(kIOReturnSuccess, IOConnectMapMemory64(connect, 1, mach_task_self(),
								 &ro_at, &ro_size,
								 kIOMapAnywhere));
		EXPECT_EQ(0xc3, ((uint8_t *)(uintptr_t)ro_at)[0]);
		EXPECT_EQ(kIOReturnUnsupported,
			  IOConnectMapMemory64(connect, 9, mach_task_self(), &at, &size,
					       kIOMapAnywhere));
		IOConnectCopyLastReason(reason, sizeof(reason));
		EXPECT_STREQ("the user client has no memory of type 9", reason);
		EXPECT_EQ(kIOReturnSuccess, IOConnectUnmapMemory64(connect, 0, mach_task_self(),
								   at));
		EXPECT_EQ(kIOReturnSuccess, IOConnectUnmapMemory64(connect, 1, mach_task_self(),
								   ro_at));
	} while (0);

	ASSERT_EQ(kIOReturnSuccess, IOConnectGetService(connect, &opened));
	EXPECT_TRUE(IOObjectIsEqualTo(service, opened));
	IOObjectRelease(opened);

	/* A second reference outlives IOServiceClose's, but the connection is closed. */
	other = connect;
	ASSERT_EQ(kIOReturnSuccess, IOConnectAddRef(other));
	EXPECT_EQ(kIOReturnSuccess, IOServiceClose(connect));
	EXPECT_EQ(kIOReturnNotOpen, IOConnectCallMethod(other, 0, NULL, 0, NULL, 0,
							NULL, NULL, NULL, NULL));
	EXPECT_EQ(kIOReturnSuccess, IOConnectRelease(other));
	EXPECT_EQ(kIOReturnBadArgument, IOConnectRelease(other));

	/* IOObjectRelease of a connection is its last release: a "crash". */
	ASSERT_EQ(kIOReturnSuccess, IOServiceOpen(service, mach_task_self(), 0, &connect));
	EXPECT_EQ(kIOReturnSuccess, IOObjectRelease(connect));
	IOObjectRelease(service);

	/* A service that makes no user clients. */
	service = IOServiceGetMatchingService(kIOMainPortDefault,
					      IOServiceMatching("TestUCNone"));
	ASSERT_NE(0, service);
	EXPECT_EQ(kIOReturnUnsupported, IOServiceOpen(service, mach_task_self(), 0, &connect));
	IOConnectCopyLastReason(reason, sizeof(reason));
	EXPECT_NE(NULL, strstr(reason, "IOUserClientClass"));
	IOObjectRelease(service);
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
	close(fd);
}

TEST_HARNESS_MAIN
