/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOUSBHostDevice and IOUSBHostInterface: the registry's view of USB
 * devices and their interfaces.
 */
#ifndef _IOKIT_IO_USB_HOST_H
#define _IOKIT_IO_USB_HOST_H

#include <linux/list.h>

#include <iokit/io_service.h>

struct usb_device;
struct usb_interface;

/**
 * struct io_usb_nub - an IOUSBHostDevice or IOUSBHostInterface
 * @service: the IOService
 * @udev: the USB device, referenced (for an interface: its device)
 * @intf: the interface, referenced; NULL for a device nub
 * @node: in iokit's list of USB nubs
 */
struct io_usb_nub {
	struct io_service service;
	struct usb_device *udev;
	struct usb_interface *intf;
	struct list_head node;
};

extern const struct os_class io_usb_host_device_class;
extern const struct os_class io_usb_host_interface_class;

#endif /* _IOKIT_IO_USB_HOST_H */
