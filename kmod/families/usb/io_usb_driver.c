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

#include "io_usb.h"
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

/* Whether any driver instance is still on @nub. */
static bool io_usb_interface_has_clients(struct io_service *nub)
{
	return io_registry_entry_copy_relatives(&nub->entry, &io_service_plane,
						false, NULL, 0) > 0;
}

static int io_usb_interface_take(struct io_service *nub, bool claim)
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

	/*
	 * Interface drivers bind and unbind under their device's lock; the
	 * candidates start under it too, every time, so that an unbind or
	 * unplug (which takes it) cannot overtake a Start.
	 */
	usb_lock_device(usb->udev);
	/*
	 * An unplug, which takes the lock too, terminated the nub and removed
	 * the interface meanwhile: claiming a removed interface would succeed
	 * and never be undone (no disconnect comes for it).
	 */
	if (io_registry_entry_inactive(&nub->entry) || !device_is_registered(&intf->dev)) {
		usb_unlock_device(usb->udev);
		io_catalogue_candidates_free(c, n);
		return -ENODEV;
	}
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
	io_catalogue_candidates_free(c, n);
	if (ours) {
		ret = n ? io_service_start_candidates(nub) : -ENODEV;
		/* No driver of ours runs on it: offer it back to Linux's. */
		if (ret && !io_usb_interface_has_clients(nub)) {
			usb_driver_release_interface(&io_usb_driver, intf);
			if (device_attach(&intf->dev) < 0)
				dev_warn(&intf->dev, "iokit: no Linux driver took it back\n");
		}
	} else if (!n) {
		ret = -ENODEV;
	}
	usb_unlock_device(usb->udev);
	return ret;
}

/**
 * io_usb_interface_bind() - a matching round on a USB interface nub: give
 *	the interface to its matching drivers, or let it go
 * @nub: an IOUSBHostInterface nub
 *
 * An interface bound to a native driver is taken only when a matching
 * personality says IOKitLinuxClaim.
 *
 * Return: 0 if IOKit drivers run on the interface, -EBUSY if a native
 * driver keeps it, -ENODEV if none matched or started.
 */
int io_usb_interface_bind(struct io_service *nub)
{
	return io_usb_interface_take(nub, false);
}

/**
 * io_usb_interface_claim() - iokitctl claim: take the interface from its
 *	native driver for the IOKit drivers that match it
 * @nub: an IOUSBHostInterface nub
 *
 * Return: 0 if IOKit drivers run on the interface, -ENODEV if none matched
 * or started (the interface is then offered back to Linux's drivers).
 */
int io_usb_interface_claim(struct io_service *nub)
{
	return io_usb_interface_take(nub, true);
}

/**
 * io_usb_interface_native_driver() - the Linux driver, other than iokit's,
 *	bound to a USB interface nub's interface
 * @nub: an IOUSBHostInterface nub
 * @buf: receives the driver's name
 * @size: room at @buf
 *
 * Never waits for the device's lock: an interface being bound or unbound
 * answers -EBUSY.
 *
 * Return: 1 if such a driver holds it, 0 if none does, -EBUSY.
 */
int io_usb_interface_native_driver(struct io_service *nub, char *buf, size_t size)
{
	struct io_usb_nub *usb = container_of(nub, struct io_usb_nub, service);
	struct usb_interface *intf = usb->intf;
	int native = 0;

	if (!usb_trylock_device(usb->udev))
		return -EBUSY;
	if (intf->dev.driver && intf->dev.driver != &io_usb_driver.driver) {
		strscpy(buf, intf->dev.driver->name, size);
		native = 1;
	}
	usb_unlock_device(usb->udev);
	return native;
}

/**
 * io_usb_driver_init() - register iokit's usb_driver
 *
 * Return: 0 or a negative errno.
 */
int io_usb_driver_init(void)
{
	return usb_register(&io_usb_driver);
}

/**
 * io_usb_driver_exit() - unregister the usb_driver, stopping what runs on
 *	its interfaces
 */
void io_usb_driver_exit(void)
{
	usb_deregister(&io_usb_driver);
}
