// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit's pci_driver: how an IOKit driver that won a PCI nub comes to own
 * the device through the Linux driver core.
 *
 * The driver has no ID table.  When matching finds drivers for an unbound
 * device, iokit binds that one device to itself, as vfio-pci is bound: it
 * sets the device's driver_override to "iokit" and attaches it.  The
 * driver core probes: probe() starts the candidates (Start runs with the
 * device lock held, as any Linux probe), and fails with -ENODEV if none
 * starts.  Later rounds on a device iokit already owns start new
 * categories under the same lock.  remove() (sysfs unbind, unplug, or
 * iokit unloading) terminates the IOKit drivers on the nub: Stop runs
 * before the device is released.
 *
 * A device bound to a native Linux driver is left alone unless a matching
 * personality says IOKitLinuxClaim or the administrator asks (iokitctl
 * claim); then the native driver is unbound first.  A device whose
 * driver_override names another driver (one kept for vfio-pci, say) is
 * the administrator's: only iokitctl claim takes it.  When no IOKit
 * driver starts or is left, the override is cleared and the driver core
 * offers the device to Linux's drivers again.  No device but the one
 * matched is ever bound: unlike a dynamic ID, the override matches
 * nothing else.  Unbinding iokit in sysfs keeps the override, as it keeps
 * vfio-pci's: the device waits for iokit's next round, or for the
 * administrator to name another driver.
 *
 * io_pci_bind_lock serialises binding decisions - the matching worker's
 * rounds and iokitctl claim's - so that one never undoes the other's
 * attach.  It is taken before any device lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <iokit/io_pci_device.h>

#include "compat.h"
#include "io_pci.h"
#include "iokit_internal.h"

static struct io_service *io_pci_service(struct pci_dev *pdev)
{
	struct io_registry_entry *entry = io_pci_nub_for_device(&pdev->dev);

	return entry ? io_service_from_entry(entry) : NULL;
}

static int io_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct io_service *nub = io_pci_service(pdev);
	int ret;

	if (!nub)
		return -ENODEV;
	ret = io_service_start_candidates(nub);
	io_registry_entry_put(&nub->entry);
	return ret;
}

static void io_pci_remove(struct pci_dev *pdev)
{
	struct io_service *nub = io_pci_service(pdev);

	if (!nub)
		return;
	io_service_terminate_clients(nub);
	io_registry_entry_put(&nub->entry);
}

static struct pci_driver io_pci_driver = {
	.name = "iokit",
	.probe = io_pci_probe,
	.remove = io_pci_remove,
};

static bool io_pci_ours(struct pci_dev *pdev)
{
	return pdev->dev.driver == &io_pci_driver.driver;
}

/*
 * The devices whose driver_override iokit set, referenced, so that
 * unloading gives each back.  io_pci_held_lock is a leaf.
 */
struct io_pci_held {
	struct list_head node;
	struct pci_dev *pdev;
};

static LIST_HEAD(io_pci_held_list);
static DEFINE_MUTEX(io_pci_held_lock);
static DEFINE_MUTEX(io_pci_bind_lock);

static struct io_pci_held *io_pci_held_find(struct pci_dev *pdev)
{
	struct io_pci_held *h;

	list_for_each_entry(h, &io_pci_held_list, node)
		if (h->pdev == pdev)
			return h;
	return NULL;
}

/* Remember @pdev as overridden: 0 or -ENOMEM. */
static int io_pci_hold(struct pci_dev *pdev)
{
	struct io_pci_held *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	mutex_lock(&io_pci_held_lock);
	if (io_pci_held_find(pdev)) {
		kfree(h);
	} else {
		h->pdev = pci_dev_get(pdev);
		list_add_tail(&h->node, &io_pci_held_list);
		iokit_live_inc(IOKIT_LIVE_PCI_HOLDS);
	}
	mutex_unlock(&io_pci_held_lock);
	return 0;
}

static void io_pci_unhold(struct pci_dev *pdev)
{
	struct io_pci_held *h;

	mutex_lock(&io_pci_held_lock);
	h = io_pci_held_find(pdev);
	if (h)
		list_del(&h->node);
	mutex_unlock(&io_pci_held_lock);
	if (h) {
		pci_dev_put(h->pdev);
		kfree(h);
		iokit_live_dec(IOKIT_LIVE_PCI_HOLDS);
	}
}

/*
 * A device leaving the bus takes its hold along: an unplugged device's
 * pci_dev is not kept until iokit unloads.  Its remove() has run by then
 * (pci_stop_dev() comes before device_del()).
 */
static int io_pci_driver_notify(struct notifier_block *nb, unsigned long action,
				void *data)
{
	if (action == BUS_NOTIFY_DEL_DEVICE)
		io_pci_unhold(to_pci_dev(data));
	return NOTIFY_DONE;
}

static struct notifier_block io_pci_driver_notifier = {
	.notifier_call = io_pci_driver_notify,
};

/* Whether any driver instance is still on @nub. */
static bool io_pci_nub_has_clients(struct io_service *nub)
{
	return io_registry_entry_copy_relatives(&nub->entry, &io_service_plane,
						false, NULL, 0) > 0;
}

/*
 * No IOKit driver wants the device (any longer): clear the override and
 * let the driver core offer it to Linux's drivers, as they would have had
 * it without iokit.  An override the administrator has set since is
 * theirs, and stays: the driver core offers the device to the driver it
 * names.
 */
static void io_pci_give_back(struct pci_dev *pdev)
{
	int ours;

	device_lock(&pdev->dev);
	ours = iokit_pci_driver_override_match(pdev, &io_pci_driver.driver);
	device_unlock(&pdev->dev);
	io_pci_unhold(pdev);
	if (ours > 0 && iokit_pci_set_driver_override(pdev, ""))
		pci_warn(pdev, "iokit: cannot clear driver_override\n");
	if (device_attach(&pdev->dev) < 0)
		pci_warn(pdev, "iokit: no Linux driver took it back\n");
}

/* Bind the free device to iokit: its probe starts the candidates. */
static int io_pci_attach(struct pci_dev *pdev)
{
	int ret = io_pci_hold(pdev);

	if (!ret)
		ret = iokit_pci_set_driver_override(pdev, io_pci_driver.name);
	if (!ret)
		ret = device_driver_attach(&io_pci_driver.driver, &pdev->dev);
	if (ret) {
		/* Bound to iokit meanwhile, through sysfs: it is ours after all. */
		device_lock(&pdev->dev);
		if (io_pci_ours(pdev))
			ret = 0;
		device_unlock(&pdev->dev);
	}
	if (ret) {
		pci_dbg(pdev, "iokit: no IOKit driver started: %d\n", ret);
		io_pci_give_back(pdev);
		return -ENODEV;
	}
	return 0;
}

/*
 * Another round on a device iokit owns: start new categories under the
 * device lock, as probe() would, or let the device go once nothing of
 * IOKit's runs on it - none was left, or none of the candidates started.
 */
static int io_pci_rebind(struct pci_dev *pdev, struct io_service *nub, int candidates)
{
	bool release = false;
	int ret = -ENODEV;

	device_lock(&pdev->dev);
	if (io_pci_ours(pdev)) {
		if (candidates)
			ret = io_service_start_candidates(nub);
		release = !io_pci_nub_has_clients(nub);
	}
	device_unlock(&pdev->dev);
	if (release) {
		device_release_driver(&pdev->dev);
		io_pci_give_back(pdev);
	}
	return ret;
}

static int io_pci_bind_locked(struct io_service *nub, bool admin)
{
	struct pci_dev *pdev = container_of(nub, struct io_pci_nub, service)->pdev;
	struct device_driver *owner;
	struct io_candidate *c;
	char name[IOKIT_MATCH_STR_MAX] = "";
	bool claim, reserved;
	int n;

	lockdep_assert_held(&io_pci_bind_lock);
	n = io_service_match_candidates(nub, &c);
	if (n < 0)
		return n;
	claim = n && (admin || io_candidates_want_claim(c, n));

	device_lock(&pdev->dev);
	owner = pdev->dev.driver;
	reserved = !admin &&
		   !iokit_pci_driver_override_match(pdev, &io_pci_driver.driver);
	if (reserved)
		strscpy(name, "driver_override", sizeof(name));
	else if (owner && !io_pci_ours(pdev))
		strscpy(name, owner->name, sizeof(name));
	if (n && (reserved || (owner && !io_pci_ours(pdev) && !claim)))
		io_candidates_note_native(nub, c, n, name);
	device_unlock(&pdev->dev);
	io_catalogue_candidates_free(c, n);

	if (owner == &io_pci_driver.driver)
		return io_pci_rebind(pdev, nub, n);
	if (!n)
		return -ENODEV;
	if (reserved) {
		pci_info(pdev, "iokit: matched, but its driver_override names another driver\n");
		return -EBUSY;
	}
	if (owner && !claim) {
		pci_info(pdev, "iokit: matched, but bound to %s\n", name);
		return -EBUSY;
	}
	if (owner) {
		pci_info(pdev, "iokit: taking over from %s\n", name);
		device_release_driver(&pdev->dev);
	}
	return io_pci_attach(pdev);
}

static int io_pci_bind(struct io_service *nub, bool admin)
{
	int ret;

	mutex_lock(&io_pci_bind_lock);
	ret = io_pci_bind_locked(nub, admin);
	mutex_unlock(&io_pci_bind_lock);
	return ret;
}

/* A new device's rounds wait for it every IO_PCI_ADD_WAIT, up to IO_PCI_ADD_MAX. */
#define IO_PCI_ADD_WAIT		(HZ / 50)
#define IO_PCI_ADD_MAX		(5 * HZ)

/**
 * io_pci_nub_bind() - a matching round on a PCI nub: give the device to
 *	its matching drivers, or let it go
 * @nub: an IOPCIDevice nub
 *
 * Return: 0 if IOKit drivers run on the device, -EBUSY if a native driver
 * holds it, -ENODEV if none matched or started, -EAGAIN if the PCI core
 * has not offered the device to drivers yet.
 */
int io_pci_nub_bind(struct io_service *nub)
{
	struct io_pci_nub *pci = container_of(nub, struct io_pci_nub, service);

	/*
	 * The nub is made as the device is added to the bus, before the PCI
	 * core has run its final fixups and offered the device to drivers
	 * (pci_bus_add_device() sets match_driver then).  Taking it sooner
	 * would start a driver on a device not yet set up, ahead of the
	 * native drivers, and newer driver cores refuse it while device_add()
	 * runs.  The round waits for it; a device the core does not offer
	 * within IO_PCI_ADD_MAX (one whose firmware node is disabled) is
	 * left for a later round - a catalogue change, iokitctl claim.
	 * match_driver is the PCI core's, written without our lock.
	 */
	if (pci->pdev && !data_race(READ_ONCE(pci->pdev->match_driver))) {
		if (!pci->add_deadline)
			pci->add_deadline = jiffies + IO_PCI_ADD_MAX ?: 1;
		if (time_before(jiffies, pci->add_deadline))
			io_service_rematch_later(nub, IO_PCI_ADD_WAIT);
		else
			pci_dbg(pci->pdev, "iokit: not offered to drivers; not matched\n");
		return -EAGAIN;
	}
	return io_pci_bind(nub, false);
}

/**
 * io_pci_nub_claim() - iokitctl claim: take the device from its native
 *	driver for the IOKit drivers that match it
 * @nub: an IOPCIDevice nub
 *
 * Return: 0 if IOKit drivers run on the device, -ENODEV if none matched or
 * started (the native driver then has the device back).
 */
int io_pci_nub_claim(struct io_service *nub)
{
	return io_pci_bind(nub, true);
}

/**
 * io_pci_nub_native_driver() - the Linux driver, other than iokit's, that
 *	holds a PCI nub's device
 * @nub: an IOPCIDevice nub
 * @buf: receives the driver's name
 * @size: room at @buf
 *
 * Never waits for the device's lock: a device being bound or unbound
 * answers -EBUSY.
 *
 * Return: 1 if such a driver holds it, 0 if none does, -EBUSY.
 */
int io_pci_nub_native_driver(struct io_service *nub, char *buf, size_t size)
{
	struct pci_dev *pdev = container_of(nub, struct io_pci_nub, service)->pdev;
	int native = 0;

	if (!device_trylock(&pdev->dev))
		return -EBUSY;
	if (pdev->dev.driver && !io_pci_ours(pdev)) {
		strscpy(buf, pdev->dev.driver->name, size);
		native = 1;
	}
	device_unlock(&pdev->dev);
	return native;
}

/**
 * io_pci_driver_init() - register iokit's pci_driver
 *
 * Return: 0 or a negative errno.
 */
int io_pci_driver_init(void)
{
	int ret = bus_register_notifier(&pci_bus_type, &io_pci_driver_notifier);

	if (ret)
		return ret;
	ret = pci_register_driver(&io_pci_driver);
	if (ret)
		bus_unregister_notifier(&pci_bus_type, &io_pci_driver_notifier);
	return ret;
}

/**
 * io_pci_driver_exit() - unregister it, stopping what runs on its devices,
 *	and offer them to Linux's drivers
 */
void io_pci_driver_exit(void)
{
	struct io_pci_held *h, *next;
	LIST_HEAD(held);

	pci_unregister_driver(&io_pci_driver);
	bus_unregister_notifier(&pci_bus_type, &io_pci_driver_notifier);
	mutex_lock(&io_pci_held_lock);
	list_splice_init(&io_pci_held_list, &held);
	mutex_unlock(&io_pci_held_lock);
	list_for_each_entry_safe(h, next, &held, node) {
		io_pci_give_back(h->pdev);
		pci_dev_put(h->pdev);
		kfree(h);
		iokit_live_dec(IOKIT_LIVE_PCI_HOLDS);
	}
}
