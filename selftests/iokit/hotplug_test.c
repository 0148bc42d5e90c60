// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hot-plug from inside the guest: iokit-vm-hotplug asks QEMU (over QMP) to
 * add a USB keyboard and remove it again, and the guest's USB core sees
 * both.  Later tests build on this for unplug with iokit clients open.
 */
#include <stdlib.h>

#include "iokit_test.h"

#define KBD "QEMU USB Keyboard"

TEST(usb_keyboard_add_and_remove)
{
	int before;

	if (!getenv("IOKIT_VM") || access("/dev/ttyS1", F_OK))
		SKIP(return, "needs the iokit-vm hot-plug channel");

	before = usb_count_product(KBD);
	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=hotplug_kbd bus=xhci.0"));
	ASSERT_EQ(before + 1, usb_wait_product_count(KBD, before + 1, 5000));

	ASSERT_EQ(0, system("iokit-vm-hotplug del hotplug_kbd"));
	ASSERT_EQ(before, usb_wait_product_count(KBD, before, 5000));
}

TEST(hotplug_tool_rejects_bad_requests)
{
	if (!getenv("IOKIT_VM") || access("/dev/ttyS1", F_OK))
		SKIP(return, "needs the iokit-vm hot-plug channel");

	/* QEMU refuses: no such device type, and no such device id. */
	EXPECT_NE(0, system("iokit-vm-hotplug add no-such-device id=x 2>/dev/null"));
	EXPECT_NE(0, system("iokit-vm-hotplug del no_such_id 2>/dev/null"));
}

TEST_HARNESS_MAIN
