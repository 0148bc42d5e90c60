// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit's usb_device_driver: how IOKit drivers that won a USB device
 * (IOUSBHostDevice) come to own it through the driver core.
 *
 * The USB core gives every device to its generic driver ("usb"), which
 * picks a configuration and lets interface drivers bind.  When a matching
 * round finds drivers for a device's nub, iokit takes the device from the
 * generic driver.  iokit's driver is a generic_subclass driver, so the
 * core still configures the device and its interfaces keep their drivers,
 * but the device is bound to "iokit-device".  Its unbind or unplug
 * terminates the IOKit drivers before the device is unconfigured: the
 * generic part sends the removal notification, which terminates the
 * device's nub leaves first, before it unconfigures.
 *
 * The generic driver unconfigures a device it lets go, so taking a device
 * re-enumerates its interfaces: their nubs go and come back new.  The
 * device's nub stays (its removal notification is ignored while iokit
 * takes the device), and its drivers start once the device is iokit's.
 * Hubs are never taken: unconfiguring one drops its bus.  A
 * device held by a driver other than the generic one is native: it is
 * taken only if a personality says IOKitLinuxClaim.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/usb.h>
#include <linux/workqueue.h>

#include <iokit/io_usb_host.h>

#include "io_usb.h"
#include "iokit_internal.h"

/*
 * A device iokit takes or holds: io_usb_device_match() says yes to it.
 * @udev is referenced; @queued from the takeover's queueing to its end,
 * so that the rounds that all find the device with the generic driver
 * queue one takeover between them; @taking while its binding changes.
 */
struct io_usb_wanted {
	struct list_head node;
	struct usb_device *udev;
	bool queued;
	bool taking;
};

/*
 * A queued takeover.  The device and the nub are referenced, and the nub
 * is kept busy, so that IOKitWaitQuiet waits for the new nub's matching.
 */
struct io_usb_takeover {
	struct work_struct work;
	struct usb_device *udev;
	struct io_service *nub;
};

static LIST_HEAD(io_usb_wanted_list);
static DEFINE_MUTEX(io_usb_wanted_lock);

static struct io_usb_wanted *io_usb_wanted_find(struct usb_device *udev)
{
	struct io_usb_wanted *w;

	list_for_each_entry(w, &io_usb_wanted_list, node)
		if (w->udev == udev)
			return w;
	return NULL;
}

/*
 * Want @udev, with a takeover queued.  Return: 0, -EALREADY if one is
 * queued already, or -ENOMEM.
 */
static int io_usb_wanted_queue(struct usb_device *udev)
{
	struct io_usb_wanted *w = kzalloc(sizeof(*w), GFP_KERNEL), *old;
	int ret = 0;

	if (!w)
		return -ENOMEM;
	mutex_lock(&io_usb_wanted_lock);
	old = io_usb_wanted_find(udev);
	if (old) {
		ret = old->queued ? -EALREADY : 0;
		old->queued = true;
		kfree(w);
	} else {
		w->udev = usb_get_dev(udev);
		w->queued = true;
		list_add_tail(&w->node, &io_usb_wanted_list);
	}
	mutex_unlock(&io_usb_wanted_lock);
	return ret;
}

static void io_usb_wanted_del(struct usb_device *udev)
{
	struct io_usb_wanted *w;

	mutex_lock(&io_usb_wanted_lock);
	w = io_usb_wanted_find(udev);
	if (w)
		list_del(&w->node);
	mutex_unlock(&io_usb_wanted_lock);
	if (w) {
		usb_put_dev(w->udev);
		kfree(w);
	}
}

static void io_usb_wanted_set(struct usb_device *udev, bool queued, bool taking)
{
	struct io_usb_wanted *w;

	mutex_lock(&io_usb_wanted_lock);
	w = io_usb_wanted_find(udev);
	if (w) {
		w->queued = queued;
		w->taking = taking;
	}
	mutex_unlock(&io_usb_wanted_lock);
}

/**
 * io_usb_device_taking() - whether iokit is taking @udev from its driver
 * @udev: a USB device
 *
 * Return: true between the generic driver's release and iokit's probe.
 */
bool io_usb_device_taking(struct usb_device *udev)
{
	struct io_usb_wanted *w;
	bool taking;

	mutex_lock(&io_usb_wanted_lock);
	w = io_usb_wanted_find(udev);
	taking = w && w->taking;
	mutex_unlock(&io_usb_wanted_lock);
	return taking;
}

/* The core asks whether iokit wants @udev; the generic driver asks too. */
static bool io_usb_device_match(struct usb_device *udev)
{
	bool wanted;

	mutex_lock(&io_usb_wanted_lock);
	wanted = io_usb_wanted_find(udev);
	mutex_unlock(&io_usb_wanted_lock);
	return wanted;
}

/*
 * The generic part has configured the device and published its
 * interfaces (the add notification); the takeover then starts the
 * drivers on the device's nub.
 */
static int io_usb_device_probe(struct usb_device *udev)
{
	dev_dbg(&udev->dev, "iokit: owns the device\n");
	return 0;
}

/*
 * Unplug or unbind.  The generic part's removal notification, right after
 * this, terminates the nub; iokit only stops wanting the device, so that
 * the generic driver may be bound to it again.
 */
static void io_usb_device_disconnect(struct usb_device *udev)
{
	io_usb_wanted_del(udev);
}

static struct usb_device_driver io_usb_device_driver = {
	.name = "iokit-device",
	.match = io_usb_device_match,
	.probe = io_usb_device_probe,
	.disconnect = io_usb_device_disconnect,
	.supports_autosuspend = 1,
	.generic_subclass = 1,
};

/*
 * The USB core's generic device driver is not exported, but every root
 * hub is bound to it (hubs are never specialised), so the driver of
 * @udev's root hub names it.  Compared, never dereferenced: usbcore,
 * which holds it, cannot go while iokit uses it.
 */
static bool io_usb_device_owner_generic(struct usb_device *udev,
					const struct device_driver *owner)
{
	struct usb_device *root = udev;

	while (root->parent)
		root = root->parent;
	return owner == READ_ONCE(root->dev.driver);
}

/* Held by a driver other than iokit's and the USB core's generic one. */
static bool io_usb_device_owner_native(struct usb_device *udev,
				       const struct device_driver *owner)
{
	return owner && owner != &io_usb_device_driver.driver &&
	       !io_usb_device_owner_generic(udev, owner);
}

static void io_usb_takeover_work(struct work_struct *work)
{
	struct io_usb_takeover *t = container_of(work, struct io_usb_takeover, work);
	struct usb_device *udev = t->udev;
	bool ours;

	device_lock(&udev->dev);
	ours = udev->dev.driver == &io_usb_device_driver.driver;
	device_unlock(&udev->dev);
	if (!ours) {
		io_usb_wanted_set(udev, true, true);
		device_release_driver(&udev->dev);
		/* This driver, not whichever matches first (the one let go). */
		ours = !device_driver_attach(&io_usb_device_driver.driver, &udev->dev);
	}
	io_usb_wanted_set(udev, false, false);
	if (ours) {
		/* The nub stayed; now its drivers can start. */
		io_service_rematch(t->nub);
	} else {
		io_usb_wanted_del(udev);
		if (udev->state == USB_STATE_NOTATTACHED) {
			/* Unplugged meanwhile: its removal kept the nub. */
			io_usb_device_del(udev);
		} else {
			dev_warn(&udev->dev, "iokit: could not take the device\n");
			if (device_attach(&udev->dev) < 0)
				dev_warn(&udev->dev, "iokit: no driver took it back\n");
		}
	}
	io_service_adjust_busy(t->nub, -1);
	io_registry_entry_put(&t->nub->entry);
	usb_put_dev(udev);
	kfree(t);
}

/**
 * io_usb_device_bind() - give a USB device nub's device to its matching
 *	drivers
 * @nub: an IOUSBHostDevice nub
 *
 * A device iokit owns has its drivers started now.  One held by the
 * generic driver (or by a native one, with IOKitLinuxClaim) is taken
 * asynchronously, since taking it removes the interfaces under @nub and
 * takes the device's lock; the drivers start on @nub once it is iokit's.
 *
 * Return: 0 if IOKit drivers run on the device or will, -EBUSY if a native
 * driver keeps it, -ENODEV if none matched or started.
 */
int io_usb_device_bind(struct io_service *nub)
{
	struct usb_device *udev = container_of(nub, struct io_usb_nub, service)->udev;
	struct device_driver *owner;
	struct io_usb_takeover *t;
	struct io_candidate *c;
	bool claim, native;
	int n, ret;

	n = io_service_match_candidates(nub, &c);
	if (n < 0)
		return n;
	claim = io_candidates_want_claim(c, n);

	device_lock(&udev->dev);
	/*
	 * An unplug, which holds this lock while it unbinds, terminated the
	 * nub meanwhile: nothing may start on it or take its device.
	 */
	if (io_registry_entry_inactive(&nub->entry) || !device_is_registered(&udev->dev)) {
		device_unlock(&udev->dev);
		io_catalogue_candidates_free(c, n);
		return -ENODEV;
	}
	owner = udev->dev.driver;
	native = io_usb_device_owner_native(udev, owner);
	if (native && !claim)
		io_candidates_note_native(nub, c, n, owner->name);
	/*
	 * A device iokit owns, or a hub (never taken: its drivers run beside
	 * the hub driver), starts its candidates now, under the device lock
	 * that its unbind and unplug take too.
	 */
	if (owner == &io_usb_device_driver.driver || !udev->parent ||
	    udev->descriptor.bDeviceClass == USB_CLASS_HUB) {
		ret = n ? io_service_start_candidates(nub) : -ENODEV;
		device_unlock(&udev->dev);
		io_catalogue_candidates_free(c, n);
		return ret;
	}
	device_unlock(&udev->dev);
	io_catalogue_candidates_free(c, n);
	if (!n)
		return -ENODEV;
	if (native && !claim)
		return -EBUSY;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	ret = t ? io_usb_wanted_queue(udev) : -ENOMEM;
	if (ret) {
		kfree(t);
		/* Another round queued the takeover: these drivers start after it. */
		return ret == -EALREADY ? 0 : ret;
	}
	if (owner)
		dev_info(&udev->dev, "iokit: taking over from %s\n", owner->name);
	INIT_WORK(&t->work, io_usb_takeover_work);
	t->udev = usb_get_dev(udev);
	t->nub = io_service_from_entry(io_registry_entry_get(&nub->entry));
	io_service_adjust_busy(nub, 1);
	io_service_queue_work(&t->work);
	return 0;
}

/**
 * io_usb_device_native_driver() - the Linux driver, other than iokit's and
 *	the generic one, that holds a USB device nub's device
 * @nub: an IOUSBHostDevice nub
 * @buf: receives the driver's name
 * @size: room at @buf
 *
 * Never waits for the device's lock: a device being bound or unbound
 * answers -EBUSY.
 *
 * Return: 1 if such a driver holds it, 0 if none does, -EBUSY.
 */
int io_usb_device_native_driver(struct io_service *nub, char *buf, size_t size)
{
	struct usb_device *udev = container_of(nub, struct io_usb_nub, service)->udev;
	struct device_driver *owner;
	int native;

	if (!device_trylock(&udev->dev))
		return -EBUSY;
	owner = udev->dev.driver;
	native = io_usb_device_owner_native(udev, owner);
	if (native)
		strscpy(buf, owner->name, size);
	device_unlock(&udev->dev);
	return native;
}

/**
 * io_usb_device_driver_init() - register iokit's usb_device_driver
 *
 * Return: 0 or a negative errno.
 */
int io_usb_device_driver_init(void)
{
	return usb_register_device_driver(&io_usb_device_driver, THIS_MODULE);
}

/**
 * io_usb_device_driver_exit() - unregister it, and give the devices it
 *	held back to the generic driver
 */
void io_usb_device_driver_exit(void)
{
	struct io_usb_wanted *w, *next;
	LIST_HEAD(held);

	mutex_lock(&io_usb_wanted_lock);
	list_splice_init(&io_usb_wanted_list, &held);
	mutex_unlock(&io_usb_wanted_lock);
	usb_deregister_device_driver(&io_usb_device_driver);
	list_for_each_entry_safe(w, next, &held, node) {
		if (device_attach(&w->udev->dev) < 0)
			dev_warn(&w->udev->dev, "iokit: no driver took it back\n");
		usb_put_dev(w->udev);
		kfree(w);
	}
}
