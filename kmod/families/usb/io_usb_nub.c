// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOUSBHostDevice and IOUSBHostInterface nubs for every USB device and
 * interface of the machine.  usb_bus_type is not exported, so iokit
 * follows USB through usb_register_notify() and finds what is already
 * there with usb_for_each_dev().  It binds nothing.
 *
 * A root hub hangs under its host controller's nub (the xHCI's
 * IOPCIDevice), every other device under its parent hub, and interfaces
 * under their device.  Properties are read once, when the nub is made:
 * the USB core does not notify configuration changes.  io_usb_lock
 * serialises creation and removal and guards io_usb_nubs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/usb.h>

#include <iokit/io_usb_host.h>

#include "io_family.h"
#include "io_usb.h"
#include "iokit_internal.h"

static LIST_HEAD(io_usb_nubs);
static DEFINE_MUTEX(io_usb_lock);

static void io_usb_nub_free(struct os_object *obj)
{
	struct io_usb_nub *nub = container_of(obj, struct io_usb_nub, service.entry.obj);

	if (nub->intf)
		usb_put_intf(nub->intf);
	usb_put_dev(nub->udev);
	io_service_fini(&nub->service);
	kfree_rcu(nub, service.entry.rcu);
}

/* io_usb_host_device_class: IOUSBHostDevice: a USB device */
const struct os_class io_usb_host_device_class = {
	.name = "IOUSBHostDevice",
	.super = &io_service_class,
	.free = io_usb_nub_free,
};
EXPORT_SYMBOL_GPL(io_usb_host_device_class);

/* io_usb_host_interface_class: IOUSBHostInterface: an interface of a USB device */
const struct os_class io_usb_host_interface_class = {
	.name = "IOUSBHostInterface",
	.super = &io_service_class,
	.free = io_usb_nub_free,
};
EXPORT_SYMBOL_GPL(io_usb_host_interface_class);

static struct io_usb_nub *io_usb_nub_find(struct usb_device *udev,
					  struct usb_interface *intf)
{
	struct io_usb_nub *nub;

	lockdep_assert_held(&io_usb_lock);
	list_for_each_entry(nub, &io_usb_nubs, node)
		if (nub->udev == udev && nub->intf == intf)
			return nub;
	return NULL;
}

/*
 * Apple's locationID: the bus in the top byte, then one nibble per hub
 * port from the root down (port 2 of a hub on root port 1 of bus 1 is
 * 0x01120000).
 */
static u32 io_usb_location_id(struct usb_device *udev)
{
	u32 location = (u32)udev->bus->busnum << 24;
	struct usb_device *d;
	u8 ports[6];
	int n = 0, shift = 20;

	for (d = udev; d->parent && n < ARRAY_SIZE(ports); d = d->parent)
		ports[n++] = d->portnum;
	while (n-- && shift >= 0) {
		location |= (u32)(ports[n] & 0xf) << shift;
		shift -= 4;
	}
	return location;
}

/* Apple's USBSpeed: 0 low, 1 full, 2 high, 3 super, 4 super+. */
static u8 io_usb_speed(struct usb_device *udev)
{
	switch (udev->speed) {
	case USB_SPEED_LOW:
		return 0;
	case USB_SPEED_FULL:
		return 1;
	case USB_SPEED_HIGH:
		return 2;
	case USB_SPEED_SUPER:
		return 3;
	case USB_SPEED_SUPER_PLUS:
		return 4;
	default:
		return 1;
	}
}

/* The device keys both devices and interfaces carry, for matching. */
static int io_usb_set_device_ids(struct io_registry_entry *entry,
				 struct usb_device *udev)
{
	const struct usb_device_descriptor *desc = &udev->descriptor;
	int ret;

	ret = io_registry_entry_set_number(entry, "idVendor",
					   le16_to_cpu(desc->idVendor), 16);
	ret = ret ?: io_registry_entry_set_number(entry, "idProduct",
						  le16_to_cpu(desc->idProduct), 16);
	ret = ret ?: io_registry_entry_set_number(entry, "bcdDevice",
						  le16_to_cpu(desc->bcdDevice), 16);
	ret = ret ?: io_registry_entry_set_number(entry, "locationID",
						  io_usb_location_id(udev), 32);
	return ret;
}

static int io_usb_set_configuration(struct io_registry_entry *entry,
				    struct usb_device *udev)
{
	u8 value = udev->actconfig->desc.bConfigurationValue;

	return io_registry_entry_set_number(entry, "bConfigurationValue", value, 8);
}

static int io_usb_device_set_properties(struct io_registry_entry *entry,
					struct usb_device *udev)
{
	const struct usb_device_descriptor *desc = &udev->descriptor;
	int ret;

	ret = io_usb_set_device_ids(entry, udev);
	ret = ret ?: io_registry_entry_set_number(entry, "bDeviceClass",
						  desc->bDeviceClass, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bDeviceSubClass",
						  desc->bDeviceSubClass, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bDeviceProtocol",
						  desc->bDeviceProtocol, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bMaxPacketSize0",
						  desc->bMaxPacketSize0, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bNumConfigurations",
						  desc->bNumConfigurations, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bcdUSB",
						  le16_to_cpu(desc->bcdUSB), 16);
	ret = ret ?: io_registry_entry_set_number(entry, "USBSpeed",
						  io_usb_speed(udev), 8);
	if (!ret && udev->actconfig)
		ret = io_usb_set_configuration(entry, udev);
	if (!ret && udev->product)
		ret = io_registry_entry_set_string(entry, "USB Product Name",
						   udev->product);
	if (!ret && udev->manufacturer)
		ret = io_registry_entry_set_string(entry, "USB Vendor Name",
						   udev->manufacturer);
	if (!ret && udev->serial)
		ret = io_registry_entry_set_string(entry, "USB Serial Number",
						   udev->serial);
	return ret ?: io_registry_entry_set_string(entry, "IOLinuxDevice",
						   dev_name(&udev->dev));
}

static int io_usb_interface_set_properties(struct io_registry_entry *entry,
					   struct usb_device *udev,
					   struct usb_interface *intf)
{
	const struct usb_interface_descriptor *desc = &intf->cur_altsetting->desc;
	int ret;

	ret = io_usb_set_device_ids(entry, udev);
	ret = ret ?: io_registry_entry_set_number(entry, "bInterfaceNumber",
						  desc->bInterfaceNumber, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bAlternateSetting",
						  desc->bAlternateSetting, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bInterfaceClass",
						  desc->bInterfaceClass, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bInterfaceSubClass",
						  desc->bInterfaceSubClass, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bInterfaceProtocol",
						  desc->bInterfaceProtocol, 8);
	ret = ret ?: io_registry_entry_set_number(entry, "bNumEndpoints",
						  desc->bNumEndpoints, 8);
	if (!ret && udev->actconfig)
		ret = io_usb_set_configuration(entry, udev);
	if (!ret && intf->cur_altsetting->string)
		ret = io_registry_entry_set_string(entry, "USB Interface Name",
						   intf->cur_altsetting->string);
	return ret ?: io_registry_entry_set_string(entry, "IOLinuxDevice",
						   dev_name(&intf->dev));
}

static struct io_usb_nub *io_usb_nub_alloc(const struct os_class *cls,
					   const char *name,
					   struct usb_device *udev,
					   struct usb_interface *intf)
{
	struct io_usb_nub *nub = kzalloc(sizeof(*nub), GFP_KERNEL);

	if (!nub)
		return NULL;
	if (io_service_init_entry(&nub->service, cls, name)) {
		kfree(nub);
		return NULL;
	}
	nub->udev = usb_get_dev(udev);
	nub->intf = intf ? usb_get_intf(intf) : NULL;
	return nub;
}

/* Publish a new nub under @parent and list it; consumes @nub on failure. */
static int io_usb_nub_publish(struct io_usb_nub *nub,
			      struct io_registry_entry *parent)
{
	int ret = io_service_publish(&nub->service, parent);

	if (!ret)
		list_add_tail(&nub->node, &io_usb_nubs);
	return ret;
}

/*
 * A root hub's provider is its host controller: the nub another family
 * made for the controller (the xHCI's IOPCIDevice), or for a controller no
 * family publishes (dummy_hcd, say) the platform entry.
 */
static struct io_registry_entry *io_usb_parent_entry(struct usb_device *udev)
{
	struct io_usb_nub *parent;
	struct io_registry_entry *entry;

	if (udev->parent) {
		parent = io_usb_nub_find(udev->parent, NULL);
		return parent ? io_registry_entry_get(&parent->service.entry) : NULL;
	}
	entry = io_family_nub_for_device(udev->bus->controller);
	return entry ?: io_service_get_platform();
}

static int io_usb_interface_add(struct io_usb_nub *device,
				struct usb_interface *intf)
{
	struct usb_device *udev = device->udev;
	const char *name = intf->cur_altsetting->string ?: "IOUSBHostInterface";
	struct io_usb_nub *nub;
	char location[8];
	int ret;

	nub = io_usb_nub_alloc(&io_usb_host_interface_class, name, udev, intf);
	if (!nub)
		return -ENOMEM;
	scnprintf(location, sizeof(location), "%x",
		  intf->cur_altsetting->desc.bInterfaceNumber);
	io_registry_entry_set_location(&nub->service.entry, location);
	ret = io_usb_interface_set_properties(&nub->service.entry, udev, intf);
	if (ret) {
		io_registry_entry_put(&nub->service.entry);
		return ret;
	}
	return io_usb_nub_publish(nub, &device->service.entry);
}

/* Nubs for the interfaces of the device's configuration that have none. */
static int io_usb_interfaces_add(struct io_usb_nub *nub)
{
	struct usb_host_config *config = nub->udev->actconfig;
	unsigned int i;
	int ret;

	for (i = 0; config && i < config->desc.bNumInterfaces; i++) {
		struct usb_interface *intf = config->interface[i];

		if (intf && !io_usb_nub_find(nub->udev, intf)) {
			ret = io_usb_interface_add(nub, intf);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int io_usb_device_add_locked(struct usb_device *udev)
{
	struct io_registry_entry *parent;
	struct io_usb_nub *nub;
	char location[16];
	int ret;

	/* Kept while iokit took the device over: its interfaces are new. */
	nub = io_usb_nub_find(udev, NULL);
	if (nub)
		return io_usb_interfaces_add(nub);
	parent = io_usb_parent_entry(udev);
	if (!parent)
		return -ENOENT;	/* the parent hub is being removed */

	nub = io_usb_nub_alloc(&io_usb_host_device_class,
			       udev->product ?: "IOUSBHostDevice", udev, NULL);
	if (!nub) {
		io_registry_entry_put(parent);
		return -ENOMEM;
	}
	scnprintf(location, sizeof(location), "%x", io_usb_location_id(udev));
	io_registry_entry_set_location(&nub->service.entry, location);
	ret = io_usb_device_set_properties(&nub->service.entry, udev);
	if (ret) {
		io_registry_entry_put(&nub->service.entry);
		io_registry_entry_put(parent);
		return ret;
	}
	ret = io_usb_nub_publish(nub, parent);
	io_registry_entry_put(parent);
	return ret ?: io_usb_interfaces_add(nub);
}

static void io_usb_device_add(struct usb_device *udev)
{
	int ret;

	mutex_lock(&io_usb_lock);
	ret = io_usb_device_add_locked(udev);
	mutex_unlock(&io_usb_lock);
	if (ret)
		dev_warn(&udev->dev, "iokit: no registry entry: %d\n", ret);
}

/**
 * io_usb_device_del() - a USB device is gone, or unconfigured
 * @udev: the device
 *
 * Removes the device's nub and its interfaces' nubs.  Terminating the
 * device's nub takes its interfaces with it (they have no other
 * provider), so the drivers of all of them go through the phases together.
 * When the generic driver lets go of a device only because iokit takes it
 * over, the device stays: only its interfaces, which are unconfigured,
 * go, and the device's nub lives on with the same ID.
 */
void io_usb_device_del(struct usb_device *udev)
{
	bool keep = io_usb_device_taking(udev);
	struct io_usb_nub *nub, *next;

	mutex_lock(&io_usb_lock);
	nub = io_usb_nub_find(udev, NULL);
	if (nub && !keep)
		io_service_terminate(&nub->service);
	list_for_each_entry_safe_reverse(nub, next, &io_usb_nubs, node) {
		if (nub->udev != udev || (keep && !nub->intf))
			continue;
		list_del(&nub->node);
		io_service_terminate(&nub->service);
		io_registry_entry_put(&nub->service.entry);
	}
	mutex_unlock(&io_usb_lock);
}

static int io_usb_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	switch (action) {
	case USB_DEVICE_ADD:
		io_usb_device_add(data);
		break;
	case USB_DEVICE_REMOVE:
		io_usb_device_del(data);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block io_usb_notifier = {
	.notifier_call = io_usb_notify,
};

static int io_usb_device_add_one(struct usb_device *udev, void *data)
{
	io_usb_device_add(udev);
	return 0;
}

static bool io_usb_following;

/**
 * io_usb_nubs_init() - publish every USB device and follow hot-plug
 *
 * Return: 0.
 */
int io_usb_nubs_init(void)
{
	usb_register_notify(&io_usb_notifier);
	io_usb_following = true;
	usb_for_each_dev(NULL, io_usb_device_add_one);
	return 0;
}

/**
 * io_usb_nubs_stop() - stop following USB: no nub comes or goes after it
 */
void io_usb_nubs_stop(void)
{
	if (io_usb_following)
		usb_unregister_notify(&io_usb_notifier);
	io_usb_following = false;
}

/**
 * io_usb_nubs_exit() - stop following USB and remove every nub
 */
void io_usb_nubs_exit(void)
{
	io_usb_nubs_stop();
	mutex_lock(&io_usb_lock);
	while (!list_empty(&io_usb_nubs)) {
		struct io_usb_nub *nub = list_last_entry(&io_usb_nubs,
							 struct io_usb_nub, node);

		list_del(&nub->node);
		io_service_terminate(&nub->service);
		io_registry_entry_put(&nub->service.entry);
	}
	mutex_unlock(&io_usb_lock);
}
