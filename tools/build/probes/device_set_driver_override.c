// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_DEVICE_SET_DRIVER_OVERRIDE: driver_override lives in struct device. */
#include <linux/device.h>

int iokit_probe(struct device *dev);
int iokit_probe(struct device *dev)
{
	return device_set_driver_override(dev, "iokit");
}
