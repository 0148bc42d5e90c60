// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit's usb_driver: how IOKit drivers that won a USB interface come to
 * own it through the driver core.
 *
 * The driver has no ID table and never binds on its own.  When matching
 * finds drivers for an interface, iokit claims it
 * (usb_driver_claim_interface(), as usbfs does) and starts them; an
 * interface bound to a native driver is left to it unless the winning
 * personality says IOKitLinuxClaim, in which case the native driver is
 * unbound first, and the interface is offered back to the Linux drivers
 * once no IOKit driver wants it.  disconnect() (unplug, unbind) stops the
 * IOKit drivers before the interface goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/usb.h>

#include <iokit/io_usb_host.h>

#include "iokit_internal.h"

static int io_usb_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	return -ENODEV;		/* iokit claims interfaces, it is never offered one */
}

/* Unplug, unbind, or iokit letting go: stop what runs on the interface. */
static void io_usb_disconnect(struct usb_interface *intf)
{
	struct io_service *nub = usb_get_intfdata(intf);

	usb_set_intfdata(intf, NULL);
	if (nub) {
		io_service_terminate_clients(nub);
		io_registry_entry_put(&nub->entry);
	}
}

static struct usb_driver io_usb_driver = {
	.name = "iokit",
	.probe = io_usb_probe,
	.disconnect = io_usb_disconnect,
};

/**
 * io_usb_interface_bind() - give a USB interface nub to its matching drivers
 * @nub: an IOUSBHostInterface nub
 * @claim: take the interface from a native driver even if no personality
 *	says IOKitLinuxClaim (iokitctl claim)
 *
 * Return: 0 if IOKit drivers run on the interface, -EBUSY if a native
 * driver keeps it, -ENODEV if none matched or started.
 */
int io_usb_interface_bind(struct io_service *nub, bool claim)
{
	struct io_usb_nub *usb = container_of(nub, struct io_usb_nub, service);
	struct usb_interface *intf = usb->intf;
	struct io_candidate *c;
	bool ours;
	int n, ret = 0;

	n = io_service_match_candidates(nub, &c);
	if (n < 0)
		return n;
	claim = claim || io_candidates_want_claim(c, n);

	/* Interface drivers bind and unbind under their device's lock. */
	usb_lock_device(usb->udev);
	ours = intf->dev.driver == &io_usb_driver.driver;
	if (!ours && n) {
		if (intf->dev.driver && claim) {
			dev_info(&intf->dev, "iokit: taking over from %s\n",
				 intf->dev.driver->name);
			device_release_driver(&intf->dev);
		}
		if (!intf->dev.driver) {
			io_registry_entry_get(&nub->entry);
			ret = usb_driver_claim_interface(&io_usb_driver, intf, nub);
			if (ret)
				io_registry_entry_put(&nub->entry);
			ours = !ret;
		} else {
			io_candidates_note_native(nub, c, n, intf->dev.driver->name);
			ret = -EBUSY;
		}
	}
	usb_unlock_device(usb->udev);
	io_catalogue_candidates_free(c, n);
	if (!ours)
		return n ? ret : -ENODEV;

	ret = n ? io_service_start_candidates(nub) : -ENODEV;
	if (ret) {
		/* No driver of ours runs on it: offer it back to Linux's. */
		usb_lock_device(usb->udev);
		if (intf->dev.driver == &io_usb_driver.driver) {
			usb_driver_release_interface(&io_usb_driver, intf);
			if (device_attach(&intf->dev) < 0)
				dev_warn(&intf->dev, "iokit: no Linux driver took it back\n");
		}
		usb_unlock_device(usb->udev);
	}
	return ret;
}

/**
 * io_usb_interface_native_driver() - the Linux driver, other than iokit's,
 *	bound to a USB interface nub's interface
 * @nub: an IOUSBHostInterface nub
 * @buf: receives the driver's name
 * @size: room at @buf
 *
 * Return: true if such a driver holds it.
 */
bool io_usb_interface_native_driver(struct io_service *nub, char *buf, size_t size)
{
	struct io_usb_nub *usb = container_of(nub, struct io_usb_nub, service);
	struct usb_interface *intf = usb->intf;
	bool native = false;

	usb_lock_device(usb->udev);
	if (intf->dev.driver && intf->dev.driver != &io_usb_driver.driver) {
		strscpy(buf, intf->dev.driver->name, size);
		native = true;
	}
	usb_unlock_device(usb->udev);
	return native;
}

/**
 * io_usb_driver_init() - register iokit's usb_driver, and its
 *	usb_device_driver (io_usb_device_driver.c)
 *
 * Return: 0 or a negative errno.
 */
int io_usb_driver_init(void)
{
	int ret = usb_register(&io_usb_driver);

	if (ret)
		return ret;
	ret = io_usb_device_driver_init();
	if (ret)
		usb_deregister(&io_usb_driver);
	return ret;
}

/**
 * io_usb_driver_exit() - unregister the usb_driver, stopping what runs on
 *	its interfaces; io_usb_device_driver_exit() follows once iokit no
 *	longer follows USB devices
 */
void io_usb_driver_exit(void)
{
	usb_deregister(&io_usb_driver);
}
