/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the kernels iokit builds against.
 *
 * Every HAVE_* below comes from tools/build/compat-probe, which compiles a
 * snippet against the target kernel.  Debian backports API changes into
 * its stable kernels, so LINUX_VERSION_CODE checks would pick the wrong
 * branch; a probe sees the API the headers actually declare.
 */
#ifndef IOKIT_COMPAT_H
#define IOKIT_COMPAT_H

#include <iokit_compat_autoconf.h>

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/string.h>

/*
 * A PCI device's driver_override ("" clears it).  It moved from struct
 * pci_dev into struct device, with its own helpers, after 6.1.
 */
static inline int iokit_pci_set_driver_override(struct pci_dev *pdev, const char *name)
{
#ifdef HAVE_DEVICE_SET_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

#endif /* IOKIT_COMPAT_H */
