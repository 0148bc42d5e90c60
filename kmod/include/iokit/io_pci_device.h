/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOPCIDevice: the registry's view of a PCI device.
 */
#ifndef _IOKIT_IO_PCI_DEVICE_H
#define _IOKIT_IO_PCI_DEVICE_H

#include <linux/list.h>

#include <iokit/io_service.h>

struct device;
struct pci_bus;
struct pci_dev;

/**
 * struct io_pci_nub - an IOPCIDevice, or the IOPCIBridge of a root bus
 * @service: the IOService
 * @pdev: the device, referenced; NULL for a root bus entry
 * @bus: the device's bus, or the root bus
 * @node: in iokit's list of PCI nubs
 * @add_deadline: while the PCI core has not yet offered the device to
 *	drivers, when the nub's rounds stop waiting for it (jiffies; 0
 *	before the first such round); only the nub's own rounds touch it
 */
struct io_pci_nub {
	struct io_service service;
	struct pci_dev *pdev;
	struct pci_bus *bus;
	struct list_head node;
	unsigned long add_deadline;
};

extern const struct os_class io_pci_device_class;
extern const struct os_class io_pci_bridge_class;

struct io_registry_entry *io_pci_nub_for_device(struct device *dev);
struct pci_dev *io_pci_device_get_pdev(struct io_service *provider);

#endif /* _IOKIT_IO_PCI_DEVICE_H */
