// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot-plug: iokit-vm-hotplug asks QEMU (over QMP) to add and remove a USB
 * keyboard, and PCI devices are removed and found again through sysfs.
 * The USB core sees it, and so does the I/O Registry: entries appear, and
 * on removal vanish with their IDs answering kIOReturnNotFound for good.
 */
#include "registry_util.h"

#define KBD "QEMU USB Keyboard"

static int have_hotplug(void)
{
	return getenv("IOKIT_VM") && !access("/dev/ttyS1", F_OK);
}

TEST(usb_keyboard_add_and_remove)
{
	int before;

	if (!have_hotplug())
		SKIP(return, "needs the iokit-vm hot-plug channel");

	before = usb_count_product(KBD);
	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=hotplug_kbd bus=xhci.0"));
	ASSERT_EQ(before + 1, usb_wait_product_count(KBD, before + 1, 5000));

	ASSERT_EQ(0, system("iokit-vm-hotplug del hotplug_kbd"));
	ASSERT_EQ(before, usb_wait_product_count(KBD, before, 5000));
}

TEST(hotplug_tool_rejects_bad_requests)
{
	if (!have_hotplug())
		SKIP(return, "needs the iokit-vm hot-plug channel");

	/* QEMU refuses: no such device type, and no such device id. */
	EXPECT_NE(0, system("iokit-vm-hotplug add no-such-device id=x 2>/dev/null"));
	EXPECT_NE(0, system("iokit-vm-hotplug del no_such_id 2>/dev/null"));
}

TEST(registry_follows_usb_hotplug)
{
	uint64_t before_ids[8], during[8], added = 0, intf[8];
	int fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	long baseline = iokit_live_objects();
	uint32_t n;
	int before, i, j;

	if (!have_hotplug())
		SKIP(return, "needs the iokit-vm hot-plug channel");
	ASSERT_LE(0, fd);
	before = usb_devices_named(fd, KBD, before_ids, 8);
	ASSERT_LE(1, before);

	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=reg_kbd bus=xhci.0"));
	ASSERT_EQ(before + 1, usb_wait_product_count(KBD, before + 1, 5000));
	ASSERT_EQ(before + 1, usb_devices_named(fd, KBD, during, 8));
	for (i = 0; i < before + 1; i++) {
		for (j = 0; j < before && during[i] != before_ids[j]; j++)
			;
		if (j == before)
			added = during[i];
	}
	ASSERT_NE(0, added);
	/* Its interface came with it. */
	n = 8;
	ASSERT_EQ(0, reg_relatives(fd, added, IOKIT_RELATIVES_CHILDREN, intf, &n));
	ASSERT_EQ(1, n);

	ASSERT_EQ(0, system("iokit-vm-hotplug del reg_kbd"));
	ASSERT_EQ(before, usb_wait_product_count(KBD, before, 5000));
	EXPECT_EQ(before, usb_devices_named(fd, KBD, during, 8));
	/* Gone, and the IDs never come back. */
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND,
		  reg_info(fd, added, &(struct iokit_entry_info){}));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND,
		  reg_info(fd, intf[0], &(struct iokit_entry_info){}));
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
	close(fd);
}

/* Remove the edu device through sysfs and rescan: a new entry, a new ID. */
TEST(registry_follows_pci_remove_and_rescan)
{
	int fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	struct prop_find p;
	char cmd[512], bdf[256];
	uint64_t old_id, new_id;
	struct ioks s;
	uint32_t count = 1;
	int i;

	if (!getenv("IOKIT_VM") || getuid())
		SKIP(return, "removes a PCI device: only as root in iokit-vm");
	ASSERT_LE(0, fd);
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IONameMatch");
	ioks_str(&s, "pci1234,11e8");
	ASSERT_EQ(0, reg_matching(fd, s.buf, s.w.len, &old_id, &count, NULL));
	ASSERT_EQ(1, count);
	ASSERT_TRUE(reg_property(fd, old_id, "IOLinuxDevice", &p));
	snprintf(bdf, sizeof(bdf), "%s", p.str);

	snprintf(cmd, sizeof(cmd), "echo 1 > /sys/bus/pci/devices/%s/remove", bdf);
	ASSERT_EQ(0, system(cmd));
	count = 1;
	ASSERT_EQ(0, reg_matching(fd, s.buf, s.w.len, &new_id, &count, NULL));
	EXPECT_EQ(0, count);
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND,
		  reg_info(fd, old_id, &(struct iokit_entry_info){}));

	ASSERT_EQ(0, system("echo 1 > /sys/bus/pci/rescan"));
	for (i = 0; i < 50; i++) {
		count = 1;
		ASSERT_EQ(0, reg_matching(fd, s.buf, s.w.len, &new_id, &count, NULL));
		if (count)
			break;
		usleep(100 * 1000);
	}
	ASSERT_EQ(1, count);
	EXPECT_GT(new_id, old_id);
	close(fd);
}

TEST_HARNESS_MAIN
