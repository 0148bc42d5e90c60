// SPDX-License-Identifier: GPL-2.0-only
/*
 * EduDriver: a minimal IOKit driver for QEMU's "edu" PCI device
 * (vendor 0x1234, device 0x11e8), matched as a Mac driver would be, by
 * IOPCIMatch.  Start maps BAR0, checks the device's identification and
 * liveness registers and publishes what it found as properties; Stop
 * gives the device back.  Documentation/writing-a-driver.rst walks
 * through it.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <iokit/io_driver.h>
#include <iokit/io_pci_device.h>

#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major, minor, 0xed */
#define EDU_REG_LIVENESS	0x04	/* reads back the inverse of a write */

struct edu {
	struct io_service service;
	struct pci_dev *pdev;
	void __iomem *regs;
};

static struct edu *to_edu(struct io_service *service)
{
	return container_of(service, struct edu, service);
}

static int edu_start(struct io_service *service, struct io_service *provider)
{
	struct edu *edu = to_edu(service);
	u32 id, probe = 0x5a5aa5a5;
	int ret;

	edu->pdev = io_pci_device_get_pdev(provider);
	if (!edu->pdev)
		return -ENODEV;
	ret = pci_enable_device(edu->pdev);
	if (ret)
		return ret;
	edu->regs = pci_iomap(edu->pdev, 0, 0);
	if (!edu->regs) {
		pci_disable_device(edu->pdev);
		return -ENOMEM;
	}
	id = ioread32(edu->regs + EDU_REG_ID);
	iowrite32(probe, edu->regs + EDU_REG_LIVENESS);
	if ((id & 0xff) != 0xed || ioread32(edu->regs + EDU_REG_LIVENESS) != ~probe) {
		pci_iounmap(edu->pdev, edu->regs);
		pci_disable_device(edu->pdev);
		return -ENODEV;
	}
	io_registry_entry_set_number(&service->entry, "edu-id", id, 32);
	io_registry_entry_set_string(&service->entry, "edu-liveness", "ok");
	/* RegisterService(): apps find the driver, and see it terminate. */
	io_service_register(service);
	return 0;
}

static void edu_stop(struct io_service *service, struct io_service *provider)
{
	struct edu *edu = to_edu(service);

	pci_iounmap(edu->pdev, edu->regs);
	pci_disable_device(edu->pdev);
}

static const struct io_service_ops edu_ops = {
	.start = edu_start,
	.stop = edu_stop,
};

static const struct io_property edu_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234"),
	IO_PROP_STRING("CFBundleIdentifier", "org.iokit.samples.edu"),
	{ }
};

static struct io_driver edu_driver = {
	IO_DRIVER_CLASS("EduDriver", struct edu, service),
	.ops = &edu_ops,
	.personalities = (const struct io_personality[]) {
		{ "EduDriver", edu_personality },
		{ }
	},
};
module_iokit_driver(edu_driver);

MODULE_DESCRIPTION("IOKit sample driver for QEMU's edu PCI device");
MODULE_LICENSE("GPL");
