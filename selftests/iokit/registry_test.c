// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O Registry as user space sees it through /dev/iokit: the root and
 * platform entries, a nub for every PCI and USB device of the machine with
 * Apple's property names, paths, relatives, property copy and search,
 * SetProperties, matching queries, and every kind of bad input.
 */
#include <sys/wait.h>

#include "notify_util.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define QEMU_USB_VENDOR	0x0627

FIXTURE(reg) {
	int fd;
};

FIXTURE_SETUP(reg)
{
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(reg)
{
	close(self->fd);
}

/* The one service matching {IOProviderClass, IOPropertyMatch: {key: data32}}. */
static uint64_t find_pci(int fd, uint32_t vendor, uint32_t device)
{
	uint8_t v[4] = { vendor, vendor >> 8 }, d[4] = { device, device >> 8 };
	struct ioks s;
	uint64_t ids[4];
	uint32_t count = 4;

	ioks_begin(&s);
	ioks_dict(&s, 2);
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "IOPCIDevice");
	ioks_str(&s, "IOPropertyMatch");
	ioks_dict(&s, 2);
	ioks_str(&s, "vendor-id");
	ioks_data(&s, v, 4);
	ioks_str(&s, "device-id");
	ioks_data(&s, d, 4);
	if (reg_matching(fd, s.buf, s.w.len, ids, &count, NULL) || count != 1)
		return 0;
	return ids[0];
}

/* A 4-byte little-endian ID property of a PCI nub, or -1. */
static long pci_word(int fd, uint64_t id, const char *key)
{
	struct prop_find p;

	if (!reg_property(fd, id, key, &p) || p.type != IOKIT_SERIAL_DATA || p.len != 4)
		return -1;
	return p.data[0] | p.data[1] << 8 | p.data[2] << 16 | (long)p.data[3] << 24;
}

/* A hex attribute of the PCI device behind nub @id, from sysfs, or -2. */
static long sysfs_pci(uint64_t id, const char *attr)
{
	static int fd = -1;
	struct prop_find p;
	char path[320];
	long v = -2;
	FILE *f;

	if (fd < 0)
		fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (!reg_property(fd, id, "IOLinuxDevice", &p))
		return -2;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", p.str, attr);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%li", &v) != 1)
			v = -2;
		fclose(f);
	}
	return v;
}

/* A number property of a nub, or -1. */
static long usb_num(int fd, uint64_t id, const char *key)
{
	struct prop_find p;

	if (!reg_property(fd, id, key, &p) || p.type != IOKIT_SERIAL_NUMBER)
		return -1;
	return (long)p.num;
}

/* A hex attribute (no 0x) of the USB device or interface behind @id, or -2. */
static long sysfs_usb_hex(int fd, uint64_t id, const char *attr)
{
	struct prop_find p;
	char path[320], text[32];
	long v = -2;
	FILE *f;

	if (!reg_property(fd, id, "IOLinuxDevice", &p))
		return -2;
	snprintf(path, sizeof(path), "/sys/bus/usb/devices/%s/%s", p.str, attr);
	f = fopen(path, "r");
	if (f) {
		if (fgets(text, sizeof(text), f))
			v = strtol(text, NULL, 16);
		fclose(f);
	}
	return v;
}

static void usb_match(struct ioks *s, const char *cls, const char *key, uint64_t v,
		      uint32_t bits)
{
	ioks_begin(s);
	ioks_dict(s, 2);
	ioks_str(s, "IOProviderClass");
	ioks_str(s, cls);
	ioks_str(s, "IOPropertyMatch");
	ioks_dict(s, 1);
	ioks_str(s, key);
	ioks_num(s, v, bits);
}

TEST_F(reg, root_and_platform)
{
	struct iokit_registry_lookup lk = { .size = sizeof(lk), .how = IOKIT_LOOKUP_ROOT };
	struct iokit_entry_info info;
	uint64_t ids[16];
	uint32_t count = 16;

	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(IOKIT_REGISTRY_ROOT_ID, lk.entry_id);
	ASSERT_EQ(0, reg_info(self->fd, lk.entry_id, &info));
	EXPECT_STREQ("Root", info.name);
	EXPECT_STREQ("IORegistryEntry", info.class_name);
	EXPECT_STREQ("OSObject", info.superclass_name);

	/* The root's children: the platform entry and IOResources. */
	ASSERT_EQ(0, reg_relatives(self->fd, lk.entry_id, IOKIT_RELATIVES_CHILDREN,
				   ids, &count));
	ASSERT_LE(2, count);
	ASSERT_EQ(0, reg_info(self->fd, ids[0], &info));
	EXPECT_STREQ("IOPlatformExpertDevice", info.class_name);
	EXPECT_STREQ("IOService", info.superclass_name);
	ASSERT_EQ(0, reg_info(self->fd, ids[1], &info));
	EXPECT_STREQ("IOResources", info.class_name);
}

TEST_F(reg, edu_pci_device)
{
	struct iokit_entry_info info;
	struct prop_find p;
	uint64_t id = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);

	ASSERT_NE(0, id) TH_LOG("no IOPCIDevice for the edu device");
	ASSERT_EQ(0, reg_info(self->fd, id, &info));
	EXPECT_STREQ("IOPCIDevice", info.class_name);
	EXPECT_STREQ("pci1234,11e8", info.name);
	EXPECT_NE(0, info.location[0]);

	ASSERT_TRUE(reg_property(self->fd, id, "vendor-id", &p));
	EXPECT_EQ(IOKIT_SERIAL_DATA, p.type);
	EXPECT_EQ(4, p.len);
	EXPECT_EQ(0x34, p.data[0]);
	EXPECT_EQ(0x12, p.data[1]);
	ASSERT_TRUE(reg_property(self->fd, id, "device-id", &p));
	EXPECT_EQ(0xe8, p.data[0]);
	EXPECT_EQ(0x11, p.data[1]);
	EXPECT_EQ(0, p.data[2]);
	EXPECT_EQ(0, p.data[3]);
	/* Every ID word is what the PCI core read from the device. */
	EXPECT_EQ(sysfs_pci(id, "vendor"), pci_word(self->fd, id, "vendor-id"));
	EXPECT_EQ(sysfs_pci(id, "device"), pci_word(self->fd, id, "device-id"));
	EXPECT_EQ(sysfs_pci(id, "subsystem_vendor"),
		  pci_word(self->fd, id, "subsystem-vendor-id"));
	EXPECT_EQ(sysfs_pci(id, "subsystem_device"), pci_word(self->fd, id, "subsystem-id"));
	EXPECT_EQ(sysfs_pci(id, "revision"), pci_word(self->fd, id, "revision-id"));
	EXPECT_EQ(sysfs_pci(id, "class"), pci_word(self->fd, id, "class-code"));
	/* QEMU's edu: its subsystem is QEMU's (0x1af4:0x1100), not the device's. */
	EXPECT_EQ(0x1af4, pci_word(self->fd, id, "subsystem-vendor-id"));
	EXPECT_EQ(0x1100, pci_word(self->fd, id, "subsystem-id"));
	EXPECT_EQ(0x00ff00, pci_word(self->fd, id, "class-code"));
	ASSERT_TRUE(reg_property(self->fd, id, "IOName", &p));
	EXPECT_STREQ("pci1234,11e8", p.str);
	ASSERT_TRUE(reg_property(self->fd, id, "pcidebug", &p));
	EXPECT_EQ(IOKIT_SERIAL_STRING, p.type);
}

TEST_F(reg, conforms_to)
{
	struct iokit_entry_info info;
	uint64_t id = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);

	ASSERT_NE(0, id);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.entry_id = id;
	snprintf(info.conforms_to, sizeof(info.conforms_to), "IOService");
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(1, info.conforms);
	snprintf(info.conforms_to, sizeof(info.conforms_to), "IOUSBHostDevice");
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(0, info.conforms);
}

static const char *const device_keys[] = {
	"idVendor", "idProduct", "bcdDevice", "bDeviceClass", "bDeviceSubClass",
	"bDeviceProtocol", "bConfigurationValue", NULL,
};

static const char *const interface_keys[] = {
	"bInterfaceNumber", "bInterfaceSubClass", "bInterfaceProtocol",
	"bNumEndpoints", NULL,
};

/* Each of @keys of the nub @id is the value of its sysfs attribute. */
static void expect_as_sysfs(struct __test_metadata *_metadata, int fd, uint64_t id,
			    const char *const *keys)
{
	for (; *keys; keys++)
		EXPECT_EQ(sysfs_usb_hex(fd, id, *keys), usb_num(fd, id, *keys))
			TH_LOG("%s", *keys);
}

TEST_F(reg, usb_devices_and_interfaces)
{
	struct iokit_entry_info info;
	struct prop_find p;
	struct ioks s;
	uint64_t ids[8], parents[4], id;
	uint32_t count = 8, n;

	/* Keyboard and tablet: IOUSBHostDevices with QEMU's vendor ID. */
	usb_match(&s, "IOUSBHostDevice", "idVendor", QEMU_USB_VENDOR, 16);
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	ASSERT_EQ(2, count);
	for (n = 0; n < count; n++) {
		ASSERT_TRUE(reg_property(self->fd, ids[n], "USB Product Name", &p));
		EXPECT_TRUE(!strcmp(p.str, "QEMU USB Keyboard") ||
			    !strcmp(p.str, "QEMU USB Tablet")) TH_LOG("%s", p.str);
		/* Each value is the one the USB core read from the device. */
		expect_as_sysfs(_metadata, self->fd, ids[n], device_keys);
		EXPECT_EQ(0x0627, usb_num(self->fd, ids[n], "idVendor"));
		EXPECT_EQ(0x0001, usb_num(self->fd, ids[n], "idProduct"));
		ASSERT_TRUE(reg_property(self->fd, ids[n], "USB Vendor Name", &p));
		EXPECT_STREQ("QEMU", p.str);
		ASSERT_TRUE(reg_property(self->fd, ids[n], "USB Serial Number", &p));
		EXPECT_NE(0, p.str[0]);
		ASSERT_TRUE(reg_property(self->fd, ids[n], "locationID", &p));
		/* Bus 1, one port below the root hub: 0x01P00000. */
		EXPECT_EQ(0x01000000u, p.num & 0xff0fffffu) TH_LOG("locationID 0x%llx",
								   (unsigned long long)p.num);
		EXPECT_NE(0, p.num & 0x00f00000u);
	}

	/* Each has a HID interface (class 3) under it. */
	id = ids[0];
	usb_match(&s, "IOUSBHostInterface", "bInterfaceClass", 3, 8);
	count = 8;
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	ASSERT_LE(2, count);
	EXPECT_EQ(3, usb_num(self->fd, ids[0], "bInterfaceClass"));
	expect_as_sysfs(_metadata, self->fd, ids[0], interface_keys);
	n = 4;
	ASSERT_EQ(0, reg_relatives(self->fd, ids[0], IOKIT_RELATIVES_PARENTS, parents, &n));
	ASSERT_EQ(1, n);
	ASSERT_EQ(0, reg_info(self->fd, parents[0], &info));
	EXPECT_STREQ("IOUSBHostDevice", info.class_name);

	/* Up from the keyboard: a root hub, then the xHCI's IOPCIDevice. */
	for (;;) {
		n = 4;
		ASSERT_EQ(0, reg_relatives(self->fd, id, IOKIT_RELATIVES_PARENTS,
					   parents, &n));
		ASSERT_EQ(1, n);
		ASSERT_EQ(0, reg_info(self->fd, parents[0], &info));
		if (strcmp(info.class_name, "IOUSBHostDevice"))
			break;
		id = parents[0];
	}
	EXPECT_STREQ("IOPCIDevice", info.class_name);
	ASSERT_TRUE(reg_property(self->fd, parents[0], "class-code", &p));
	EXPECT_EQ(0x30, p.data[0]);	/* 0x0c0330: USB xHCI */
	EXPECT_EQ(0x03, p.data[1]);
	EXPECT_EQ(0x0c, p.data[2]);
}

/* ENTRY_INFO for @id with its path into @path: the ioctl's result. */
static int entry_path(int fd, uint64_t id, struct iokit_entry_info *info,
		      char *path, size_t size)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->entry_id = id;
	info->path = (uintptr_t)path;
	info->path_size = size;
	return ioctl(fd, IOKIT_IOC_ENTRY_INFO, info);
}

/* A matching dictionary of IOProviderClass IOService and IOPathMatch @path. */
static size_t path_match(struct ioks *s, const char *path, size_t len)
{
	ioks_begin(s);
	ioks_dict(s, 2);
	ioks_str(s, "IOProviderClass");
	ioks_str(s, "IOService");
	ioks_str(s, "IOPathMatch");
	os_serial_put_bytes(&s->w, IOKIT_SERIAL_STRING, path, len);
	return s->w.len;
}

/*
 * IOPathMatch finds the one entry its path names; a path longer than any
 * path can be (IOKIT_PATH_MAX) is refused as a bad value, not walked.
 */
TEST_F(reg, path_match_finds_its_entry_and_is_bounded)
{
	uint64_t id = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE), ids[4];
	struct iokit_entry_info info;
	char path[IOKIT_PATH_MAX + 2];
	uint32_t count = 4, reason = 0;
	struct ioks s;
	size_t len;

	ASSERT_NE(0, id);
	ASSERT_EQ(0, entry_path(self->fd, id, &info, path, sizeof(path)));
	len = path_match(&s, path, info.path_len);
	ASSERT_EQ(IOKIT_RETURN_SUCCESS, reg_matching(self->fd, s.buf, len, ids, &count, NULL));
	ASSERT_EQ(1, count);
	EXPECT_EQ(id, ids[0]);

	/* The longest path there can be is accepted, and matches nothing. */
	memset(path, '/', sizeof(path));
	memcpy(path, "IOService:", 10);
	count = 4;
	len = path_match(&s, path, IOKIT_PATH_MAX);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, reg_matching(self->fd, s.buf, len, ids, &count, NULL));
	EXPECT_EQ(0, count);
	count = 4;
	len = path_match(&s, path, IOKIT_PATH_MAX + 1);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  reg_matching(self->fd, s.buf, len, ids, &count, &reason));
	EXPECT_EQ(IOKIT_SERIAL_E_VALUE, reason);
}

TEST_F(reg, paths)
{
	struct iokit_registry_lookup lk = { .size = sizeof(lk), .how = IOKIT_LOOKUP_PATH };
	struct iokit_entry_info info;
	uint64_t id = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);
	char path[IOKIT_PATH_MAX];

	ASSERT_NE(0, id);
	ASSERT_EQ(0, entry_path(self->fd, id, &info, path, sizeof(path)));
	EXPECT_EQ(strlen(path), info.path_len);
	EXPECT_EQ(0, strncmp(path, "IOService:/", 11)) TH_LOG("%s", path);
	EXPECT_NE(NULL, strstr(path, "/pci1234,11e8@")) TH_LOG("%s", path);

	lk.path = (uintptr_t)path;
	lk.path_len = strlen(path);
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(id, lk.entry_id);
	/* Without the plane prefix, the IOService plane is meant. */
	lk.path = (uintptr_t)(path + strlen("IOService:"));
	lk.path_len = strlen(path) - strlen("IOService:");
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(id, lk.entry_id);
	/* The root is "/". */
	lk.path = (uintptr_t)"IOService:/";
	lk.path_len = strlen("IOService:/");
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(IOKIT_REGISTRY_ROOT_ID, lk.entry_id);

	lk.path = (uintptr_t)"IOService:/NoSuchEntry";
	lk.path_len = strlen("IOService:/NoSuchEntry");
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, lk.ioreturn);
	lk.path = (uintptr_t)"NoPlane:/x";
	lk.path_len = strlen("NoPlane:/x");
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, lk.ioreturn);

	/* A short path buffer is reported, with the length needed. */
	info.path_size = 4;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE, info.ioreturn);
	EXPECT_EQ(strlen(path), info.path_len);
}

TEST_F(reg, short_buffers_report_the_size_needed)
{
	struct iokit_property_data pd = { .size = sizeof(pd) };
	uint64_t id = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);
	uint8_t small[16], *big;
	uint64_t ids[1];
	uint32_t count = 1, needed;

	ASSERT_NE(0, id);
	pd.entry_id = id;
	pd.data = (uintptr_t)small;
	pd.data_size = sizeof(small);
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_COPY_PROPERTIES, &pd));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE, pd.ioreturn);
	needed = pd.data_size;
	ASSERT_LT(sizeof(small), needed);
	big = malloc(needed);
	pd.data = (uintptr_t)big;
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_COPY_PROPERTIES, &pd));
	EXPECT_EQ(needed, pd.data_size);
	EXPECT_EQ(0, os_serial_parse(big, needed, &prop_find_visitor,
				     &(struct prop_find){ .key = "" }, NULL));
	free(big);

	/* The root has at least two children: one slot is short. */
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE,
		  reg_relatives(self->fd, IOKIT_REGISTRY_ROOT_ID,
				IOKIT_RELATIVES_CHILDREN, ids, &count));
	EXPECT_LE(2, count);
}

TEST_F(reg, search_property)
{
	struct iokit_property_data pd = { .size = sizeof(pd) };
	uint8_t buf[256];
	struct ioks s;
	uint64_t ids[8], xhci;
	uint32_t count = 8;

	/* From an interface, up through its parents: the PCI vendor-id. */
	usb_match(&s, "IOUSBHostInterface", "bInterfaceClass", 3, 8);
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	pd.entry_id = ids[0];
	snprintf(pd.key, sizeof(pd.key), "%s", "vendor-id");
	pd.data = (uintptr_t)buf;
	pd.data_size = sizeof(buf);
	pd.options = IOKIT_SEARCH_RECURSIVELY | IOKIT_SEARCH_PARENTS;
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_SEARCH_PROPERTY, &pd));
	xhci = pd.found_id;
	EXPECT_NE(ids[0], xhci);

	/* Without RECURSIVELY, only the entry itself. */
	pd.options = IOKIT_SEARCH_PARENTS;
	pd.data_size = sizeof(buf);
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_SEARCH_PROPERTY, &pd));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, pd.ioreturn);

	/* Down from the xHCI nub: a USB device's idVendor. */
	pd.entry_id = xhci;
	snprintf(pd.key, sizeof(pd.key), "%s", "idVendor");
	pd.options = IOKIT_SEARCH_RECURSIVELY;
	pd.data_size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_SEARCH_PROPERTY, &pd));
	EXPECT_NE(xhci, pd.found_id);

	pd.options = 0x4;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_SEARCH_PROPERTY, &pd));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, pd.ioreturn);
}

/* What a visitor saw: top-level array size and the first IOClass chain. */
struct provider_walk {
	int depth;
	unsigned int dicts;
	int in_ioclass;
	char first_chain[4][64];
	unsigned int chain_len;
};

static int pw_begin_dict(void *c, os_serial_u32 n)
{
	struct provider_walk *w = c;

	if (++w->depth == 2)
		w->dicts++;
	return 0;
}

static int pw_begin_array(void *c, os_serial_u32 n)
{
	((struct provider_walk *)c)->depth++;
	return 0;
}

static int pw_end(void *c)
{
	struct provider_walk *w = c;

	w->depth--;
	w->in_ioclass = 0;
	return 0;
}

static int pw_key(void *c, const char *k, os_serial_u32 n)
{
	struct provider_walk *w = c;

	w->in_ioclass = w->dicts == 1 && n == 7 && !memcmp(k, "IOClass", 7);
	return 0;
}

static int pw_str(void *c, const char *s, os_serial_u32 n)
{
	struct provider_walk *w = c;

	if (w->in_ioclass && w->depth == 3 && w->chain_len < 4 && n < 64) {
		memcpy(w->first_chain[w->chain_len], s, n);
		w->first_chain[w->chain_len++][n] = '\0';
	}
	return 0;
}

static int pw_other(void *c)
{
	return 0;
}

static int pw_num(void *c, os_serial_u64 v, os_serial_u32 b)
{
	return pw_other(c);
}

static int pw_data(void *c, const void *p, os_serial_u32 n)
{
	return pw_other(c);
}

static int pw_bool(void *c, bool v)
{
	return pw_other(c);
}

/* CopyProviderProperties: one dictionary per entry up to the root. */
TEST_F(reg, copy_provider_properties)
{
	static const struct os_serial_visitor visitor = {
		.begin_dict = pw_begin_dict, .begin_array = pw_begin_array,
		.end_container = pw_end, .key = pw_key, .string = pw_str,
		.number = pw_num, .data = pw_data, .boolean = pw_bool,
	};
	struct iokit_property_data pd = { .size = sizeof(pd) };
	struct provider_walk walk = {};
	static uint8_t buf[65536];
	struct ioks s;
	uint64_t ids[4];
	uint32_t count = 4;

	usb_match(&s, "IOUSBHostInterface", "bInterfaceClass", 3, 8);
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	pd.entry_id = ids[0];
	pd.options = IOKIT_PROPERTIES_PROVIDERS;
	pd.data = (uintptr_t)buf;
	pd.data_size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_COPY_PROPERTIES, &pd));
	ASSERT_EQ(0, os_serial_parse(buf, pd.data_size, &visitor, &walk, NULL));
	/* Interface, device, root hub, xHCI, PCI bus, platform. */
	EXPECT_EQ(6, walk.dicts);
	ASSERT_EQ(4, walk.chain_len);
	EXPECT_STREQ("IOUSBHostInterface", walk.first_chain[0]);
	EXPECT_STREQ("IOService", walk.first_chain[1]);
	EXPECT_STREQ("IORegistryEntry", walk.first_chain[2]);
	EXPECT_STREQ("OSObject", walk.first_chain[3]);

	pd.options = 0x2;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_COPY_PROPERTIES, &pd));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, pd.ioreturn);
}

/*
 * Readers race entries being created and removed; they see whole entries
 * or kIOReturnNotFound, never anything else (KASAN on the debug kernel
 * would report a use after free).
 */
TEST_F_TIMEOUT(reg, concurrent_lookup_and_removal, 120)
{
	struct iokit_test_entries te = { .size = sizeof(te), .count = 1 };
	long baseline = iokit_live_objects();
	uint64_t id;
	uint32_t ret;
	pid_t pid;
	int i, status, found = 0, gone = 0;

	if (getuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, system("echo 1 > /sys/module/iokit/parameters/test_interface"));
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < 40; i++) {
			te.op = IOKIT_TEST_ENTRIES_ADD;
			te.count = 50;
			if (ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te))
				_exit(1);
			te.op = IOKIT_TEST_ENTRIES_REMOVE_ALL;
			te.count = 0;
			if (ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te))
				_exit(2);
		}
		_exit(0);
	}
	/* Each round: the live test entries, then each of them, racing removal. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		uint64_t live[64];
		uint32_t n = 64, j;
		struct ioks s;

		ioks_begin(&s);
		ioks_dict(&s, 1);
		ioks_str(&s, "IOProviderClass");
		ioks_str(&s, "IOTestEntry");
		ret = reg_matching(self->fd, s.buf, s.w.len, live, &n, NULL);
		ASSERT_TRUE(ret == IOKIT_RETURN_SUCCESS || ret == IOKIT_RETURN_NO_SPACE);
		for (j = 0; j < n && j < 64; j++) {
			struct iokit_entry_info info;
			char path[IOKIT_PATH_MAX];
			uint8_t *props;
			uint32_t len;

			id = live[j];
			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			info.entry_id = id;
			info.path = (uintptr_t)path;
			info.path_size = sizeof(path);
			ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info);
			ASSERT_TRUE(info.ioreturn == IOKIT_RETURN_SUCCESS ||
				    info.ioreturn == IOKIT_RETURN_NOT_FOUND ||
				    info.ioreturn == IOKIT_RETURN_NOT_ATTACHED)
				TH_LOG("0x%x", info.ioreturn);
			ret = reg_properties(self->fd, id, &props, &len);
			free(props);
			ASSERT_TRUE(ret == IOKIT_RETURN_SUCCESS ||
				    ret == IOKIT_RETURN_NOT_FOUND);
			if (ret)
				gone++;
			else
				found++;
		}
	}
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%d lookups found an entry, %d found none", found, gone);
	EXPECT_LT(0, found);
	te.op = IOKIT_TEST_ENTRIES_REMOVE_ALL;
	te.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

TEST_F(reg, matching_keys)
{
	struct ioks s;
	uint64_t edu = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);
	uint64_t ids[4];
	uint32_t count;

	ASSERT_NE(0, edu);
	/* IONameMatch: the name, or a "compatible" name, or one of a list. */
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IONameMatch");
	ioks_str(&s, "pci1234,11e8");
	count = 4;
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	ASSERT_EQ(1, count);
	EXPECT_EQ(edu, ids[0]);
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IONameMatch");
	ioks_array(&s, 2);
	ioks_str(&s, "no-such-name");
	ioks_str(&s, "pciclass,00ff00");
	count = 4;
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_EQ(1, count);

	/* IORegistryEntryID. */
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IORegistryEntryID");
	ioks_num(&s, edu, 64);
	count = 4;
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	ASSERT_EQ(1, count);
	EXPECT_EQ(edu, ids[0]);

	/* IOPropertyExistsMatch, and IOParentMatch (a USB device's xHCI). */
	ioks_begin(&s);
	ioks_dict(&s, 2);
	ioks_str(&s, "IOPropertyExistsMatch");
	ioks_str(&s, "USB Product Name");
	ioks_str(&s, "IOParentMatch");
	ioks_dict(&s, 1);
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "IOPCIDevice");
	count = 4;
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_LE(2, count);

	/* An empty dictionary matches every IOService, the root excepted. */
	ioks_begin(&s);
	ioks_dict(&s, 0);
	count = 0;
	ASSERT_EQ(IOKIT_RETURN_NO_SPACE,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_LE(8, count);
}

/* Each malformed stream is refused with its reason and nothing is kept. */
TEST_F(reg, bad_streams)
{
	static const struct {
		const char *what;
		uint32_t words[24];
		uint32_t nwords;
		uint32_t reason;
	} cases[] = {
		{ "empty", { 0 }, 0, IOKIT_SERIAL_E_TRUNCATED },
		{ "bad magic", { 0x12345678, 1, 0x01000000 }, 3, IOKIT_SERIAL_E_MAGIC },
		{ "bad version", { IOKIT_SERIAL_MAGIC, 2, 0x01000000 }, 3,
		  IOKIT_SERIAL_E_VERSION },
		{ "truncated dict", { IOKIT_SERIAL_MAGIC, 1, 0x01000002 }, 3,
		  IOKIT_SERIAL_E_TRUNCATED },
		{ "unknown type", { IOKIT_SERIAL_MAGIC, 1, 0x0c000000 }, 3,
		  IOKIT_SERIAL_E_TYPE },
		{ "key is a number", { IOKIT_SERIAL_MAGIC, 1, 0x01000001,
		  0x04000020, 1, 0 }, 6, IOKIT_SERIAL_E_KEY },
		{ "empty key", { IOKIT_SERIAL_MAGIC, 1, 0x01000001, 0x09000000 }, 4,
		  IOKIT_SERIAL_E_KEY },
		{ "number width 12", { IOKIT_SERIAL_MAGIC, 1, 0x0400000c, 1, 0 }, 5,
		  IOKIT_SERIAL_E_NUMBER },
		{ "number wider than width", { IOKIT_SERIAL_MAGIC, 1, 0x04000008,
		  0x100, 0 }, 5, IOKIT_SERIAL_E_NUMBER },
		{ "boolean 2", { IOKIT_SERIAL_MAGIC, 1, 0x0b000002 }, 3,
		  IOKIT_SERIAL_E_BOOLEAN },
		{ "padding", { IOKIT_SERIAL_MAGIC, 1, 0x09000001, 0x00000161 }, 4,
		  IOKIT_SERIAL_E_PADDING },
		{ "NUL in string", { IOKIT_SERIAL_MAGIC, 1, 0x09000004, 0x00616161 },
		  4, IOKIT_SERIAL_E_STRING },
		{ "trailing", { IOKIT_SERIAL_MAGIC, 1, 0x01000000, 0 }, 4,
		  IOKIT_SERIAL_E_TRAILING },
		{ "huge count", { IOKIT_SERIAL_MAGIC, 1, 0x02ffffff }, 3,
		  IOKIT_SERIAL_E_COUNT },
		{ "duplicate key", { IOKIT_SERIAL_MAGIC, 1, 0x01000002,
		  0x09000001, 0x61, 0x0b000001, 0x09000001, 0x61, 0x0b000000 }, 9,
		  IOKIT_SERIAL_E_DUPLICATE_KEY },
		{ "not a dictionary", { IOKIT_SERIAL_MAGIC, 1, 0x02000000 }, 3,
		  IOKIT_SERIAL_E_NOT_DICT },
	};
	long baseline = iokit_live_objects();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t ids[4];
		uint32_t count = 4, reason = 0;

		EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
			  reg_matching(self->fd, cases[i].words, cases[i].nwords * 4,
				       ids, &count, &reason)) TH_LOG("%s", cases[i].what);
		EXPECT_EQ(cases[i].reason, reason) TH_LOG("%s", cases[i].what);
	}
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

/* GET_MATCHING of {@key: "x"}: the errno; the refusal in @m. */
static int one_key_matching(int fd, const char *key, struct ioks *s,
			    struct iokit_matching *m)
{
	ioks_begin(s);
	ioks_dict(s, 1);
	ioks_str(s, key);
	ioks_str(s, "x");
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->data = (uintptr_t)s->buf;
	m->data_size = s->w.len;
	return iokit_ioctl_err(fd, IOKIT_IOC_GET_MATCHING, m);
}

/*
 * A key of IOKIT_SERIAL_KEY_MAX bytes is a key; one byte more is refused
 * where it stands, as a bad key, before any dictionary is built.
 */
TEST_F(reg, key_length_limit)
{
	struct iokit_matching m;
	char key[IOKIT_SERIAL_KEY_MAX + 2];
	struct ioks s;

	memset(key, 'k', sizeof(key));
	key[IOKIT_SERIAL_KEY_MAX] = '\0';
	/* Well formed: refused only as a key matching does not know. */
	EXPECT_EQ(EINVAL, one_key_matching(self->fd, key, &s, &m));
	EXPECT_EQ(IOKIT_SERIAL_E_UNKNOWN_KEY, m.bad_reason);

	key[IOKIT_SERIAL_KEY_MAX] = 'k';
	key[IOKIT_SERIAL_KEY_MAX + 1] = '\0';
	EXPECT_EQ(EINVAL, one_key_matching(self->fd, key, &s, &m));
	EXPECT_EQ(IOKIT_SERIAL_E_KEY, m.bad_reason);
	EXPECT_EQ(12, m.bad_offset);	/* magic, version, the dictionary's tag */
}

/*
 * A short ID buffer gets exactly as many IDs as it has room for, and the
 * memory past it is not touched; the count says how many there are.
 */
TEST_F(reg, matching_writes_no_more_than_count)
{
	uint64_t ids[512];
	uint32_t count = 2, all = 512;
	struct ioks s;
	unsigned int i;

	match_str(&s, "IOProviderClass", "IOService");
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, ids, &all, NULL));
	ASSERT_LT(3, all);
	for (i = 0; i < 16; i++)
		ids[i] = 0xa5a5a5a5a5a5a5a5ull;
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_EQ(all, count);
	EXPECT_NE(0xa5a5a5a5a5a5a5a5ull, ids[0]);
	EXPECT_NE(0xa5a5a5a5a5a5a5a5ull, ids[1]);
	for (i = 2; i < 16; i++)
		EXPECT_EQ(0xa5a5a5a5a5a5a5a5ull, ids[i]) TH_LOG("ids[%u] written", i);
	/* A zero count writes nothing at all. */
	count = 0;
	ids[0] = 0xa5a5a5a5a5a5a5a5ull;
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ull, ids[0]);
}

TEST_F(reg, bad_dictionaries)
{
	long baseline = iokit_live_objects();
	uint32_t count = 4, reason;
	uint64_t ids[4];
	struct ioks s;
	uint8_t *huge;
	int i;

	/* Nested one level deeper than allowed. */
	ioks_begin(&s);
	for (i = 0; i <= IOKIT_SERIAL_DEPTH_MAX; i++)
		ioks_array(&s, 1);
	ioks_num(&s, 1, 8);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, &reason));
	EXPECT_EQ(IOKIT_SERIAL_E_DEPTH, reason);

	/* A misspelt key is named as unknown, not silently ignored. */
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IOProviderClas");
	ioks_str(&s, "IOPCIDevice");
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, &reason));
	EXPECT_EQ(IOKIT_SERIAL_E_UNKNOWN_KEY, reason);

	/* A known key with a value of the wrong type. */
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IOProviderClass");
	ioks_num(&s, 7, 32);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  reg_matching(self->fd, s.buf, s.w.len, ids, &count, &reason));
	EXPECT_EQ(IOKIT_SERIAL_E_VALUE, reason);

	/* Larger than the format allows. */
	huge = calloc(1, IOKIT_SERIAL_SIZE_MAX + 8);
	ASSERT_NE(NULL, huge);
	EXPECT_EQ(IOKIT_RETURN_MESSAGE_TOO_LARGE,
		  reg_matching(self->fd, huge, IOKIT_SERIAL_SIZE_MAX + 8, ids,
			       &count, &reason));
	free(huge);

	/* A bad pointer. */
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR,
		  reg_matching(self->fd, (void *)8, 64, ids, &count, &reason));

	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

TEST_F(reg, bad_arguments)
{
	struct iokit_registry_lookup lk = { .size = sizeof(lk) };
	struct iokit_entry_info info;
	struct iokit_entry_relatives rel = { .size = sizeof(rel) };

	/* Stale and never-issued IDs. */
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, reg_info(self->fd, 1, &info));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, reg_info(self->fd, ~0ull, &info));
	lk.how = IOKIT_LOOKUP_ID;
	lk.entry_id = IOKIT_REGISTRY_ROOT_ID - 1;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, lk.ioreturn);

	lk.how = 7;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, lk.ioreturn);
	lk.how = IOKIT_LOOKUP_PATH;
	lk.path_len = IOKIT_PATH_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, lk.ioreturn);
	lk.path_len = 4;
	lk.path = 8;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	EXPECT_EQ(EFAULT, errno);

	/* Unknown plane; plane and reserved fields. */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.entry_id = IOKIT_REGISTRY_ROOT_ID;
	snprintf(info.plane, sizeof(info.plane), "%s", "IONoSuchPlane");
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, info.ioreturn);
	memset(info.plane, 'x', sizeof(info.plane));
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, info.ioreturn);
	memset(info.plane, 0, sizeof(info.plane));
	info.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, info.ioreturn);
	info.reserved = 0;
	snprintf(info.plane, sizeof(info.plane), "%s", "IOPower");
	EXPECT_EQ(0, ioctl(self->fd, IOKIT_IOC_ENTRY_INFO, &info));

	rel.entry_id = IOKIT_REGISTRY_ROOT_ID;
	rel.which = 2;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_RELATIVES, &rel));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, rel.ioreturn);
	rel.which = IOKIT_RELATIVES_CHILDREN;
	rel.count = 16;
	rel.ids = 8;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_ENTRY_RELATIVES, &rel));
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, rel.ioreturn);
}

/* ABI rules hold for every registry command (iommufd's cmd_length test). */
TEST_F(reg, command_lengths)
{
	static const struct {
		unsigned long cmd;
		uint32_t size, ver0;
	} cmds[] = {
		{ IOKIT_IOC_REGISTRY_LOOKUP, sizeof(struct iokit_registry_lookup),
		  IOKIT_REGISTRY_LOOKUP_SIZE_VER0 },
		{ IOKIT_IOC_ENTRY_INFO, sizeof(struct iokit_entry_info),
		  IOKIT_ENTRY_INFO_SIZE_VER0 },
		{ IOKIT_IOC_ENTRY_RELATIVES, sizeof(struct iokit_entry_relatives),
		  IOKIT_ENTRY_RELATIVES_SIZE_VER0 },
		{ IOKIT_IOC_COPY_PROPERTIES, sizeof(struct iokit_property_data),
		  IOKIT_PROPERTY_DATA_SIZE_VER0 },
		{ IOKIT_IOC_GET_MATCHING, sizeof(struct iokit_matching),
		  IOKIT_MATCHING_SIZE_VER0 },
		{ IOKIT_IOC_TEST_ENTRIES, sizeof(struct iokit_test_entries),
		  IOKIT_TEST_ENTRIES_SIZE_VER0 },
	};
	uint8_t buf[2048];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		EXPECT_EQ(cmds[i].size, cmds[i].ver0);
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = cmds[i].ver0 - 1;
		EXPECT_EQ(EINVAL, iokit_ioctl_err(self->fd, cmds[i].cmd, buf));
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = cmds[i].size + 8;
		buf[cmds[i].size + 7] = 1;
		EXPECT_EQ(E2BIG, iokit_ioctl_err(self->fd, cmds[i].cmd, buf));
	}
}

/* SetProperties: privileged, and the entry's owner decides. */
TEST_F(reg, set_properties)
{
	struct iokit_test_entries te = { .size = sizeof(te), .count = 1 };
	struct iokit_property_data pd = { .size = sizeof(pd) };
	uint64_t edu = find_pci(self->fd, EDU_VENDOR, EDU_DEVICE);
	struct prop_find p;
	struct ioks s;
	pid_t pid;
	int status;

	if (getuid())
		SKIP(return, "needs root");
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "color");
	ioks_str(&s, "blue");
	pd.data = (uintptr_t)s.buf;
	pd.data_size = s.w.len;

	/* A nub refuses, as IOService does by default. */
	pd.entry_id = edu;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_SET_PROPERTIES, &pd));
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, pd.ioreturn);

	ASSERT_EQ(0, system("echo 1 > /sys/module/iokit/parameters/test_interface"));
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	pd.entry_id = te.first_id;
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_SET_PROPERTIES, &pd));
	ASSERT_TRUE(reg_property(self->fd, te.first_id, "color", &p));
	EXPECT_STREQ("blue", p.str);

	/* The owner may refuse. */
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "refuse");
	ioks_str(&s, "yes");
	pd.data_size = s.w.len;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_SET_PROPERTIES, &pd));
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, pd.ioreturn);
	EXPECT_FALSE(reg_property(self->fd, te.first_id, "refuse", &p));

	/* A malformed stream: the reason and where. */
	s.buf[s.w.len - 1] = 1;	/* padding of "yes" */
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_SET_PROPERTIES, &pd));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, pd.ioreturn);
	EXPECT_EQ(IOKIT_SERIAL_E_PADDING, pd.bad_reason);
	EXPECT_EQ(s.w.len - 8, pd.bad_offset);

	/*
	 * Opened without CAP_SYS_ADMIN: not privileged.  The opener's
	 * credentials decide, so the node this root process opened still is
	 * (the "bad padding" answer shows the command ran).
	 */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (setuid(65534))
			_exit(2);
		fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(3);
		pd.ioreturn = 0;
		ioctl(fd, IOKIT_IOC_SET_PROPERTIES, &pd);
		if (pd.ioreturn != IOKIT_RETURN_NOT_PRIVILEGED || errno != EACCES)
			_exit(1);
		pd.ioreturn = 0;
		ioctl(self->fd, IOKIT_IOC_SET_PROPERTIES, &pd);
		_exit(pd.ioreturn == IOKIT_RETURN_BAD_ARGUMENT ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));

	te.op = IOKIT_TEST_ENTRIES_REMOVE_ALL;
	te.count = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, reg_info(self->fd, pd.entry_id,
						   &(struct iokit_entry_info){}));
}

/* The test interface is off unless asked for. */
TEST_F(reg, test_interface_is_gated)
{
	struct iokit_test_entries te = { .size = sizeof(te), .count = 1 };

	if (getuid())
		SKIP(return, "needs root");
	ASSERT_EQ(0, system("echo 0 > /sys/module/iokit/parameters/test_interface"));
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, te.ioreturn);
	ASSERT_EQ(0, system("echo 1 > /sys/module/iokit/parameters/test_interface"));
	te.count = 100001;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, te.ioreturn);
	te.op = 9;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, te.ioreturn);
}

TEST_HARNESS_MAIN
