// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit's pci_driver: how an IOKit driver that won a PCI nub comes to own
 * the device through the Linux driver core.
 *
 * The driver has no ID table.  When matching finds drivers for an unbound
 * device, iokit adds that device's exact IDs as a dynamic ID, and the
 * driver core probes: probe() starts the candidates (Start runs with the
 * device lock held, as any Linux probe), and fails with -ENODEV if none
 * starts, leaving the device free.  remove() (sysfs unbind, unplug, or
 * iokit unloading) terminates the IOKit drivers on the nub: Stop runs
 * before the device is released.  A device bound to a native Linux driver
 * is left alone unless a matching personality says IOKitLinuxClaim or the
 * administrator asks (iokitctl claim); then the native driver is unbound
 * first, and gets the device back when no IOKit driver wants it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pci.h>

#include <iokit/io_pci_device.h>

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

/* Whether any driver instance is still started on @nub. */
static bool io_pci_nub_has_clients(struct io_service *nub)
{
	u64 ids[8];

	return io_registry_entry_copy_relatives(&nub->entry, &io_service_plane,
						false, ids, ARRAY_SIZE(ids)) > 0;
}

/**
 * io_pci_nub_bind() - give a PCI nub's device to its matching drivers
 * @nub: an IOPCIDevice nub
 *
 * @claim: take the device from a native driver even if no personality
 *	says IOKitLinuxClaim (iokitctl claim)
 *
 * Return: 0 if IOKit drivers run on the device, -EBUSY if a native driver
 * holds it, -ENODEV if none matched or started.
 */
int io_pci_nub_bind(struct io_service *nub, bool claim)
{
	struct pci_dev *pdev = container_of(nub, struct io_pci_nub, service)->pdev;
	struct device_driver *owner;
	struct io_candidate *c;
	int n, ret;

	n = io_service_match_candidates(nub, &c);
	if (n < 0)
		return n;
	claim = n && (claim || io_candidates_want_claim(c, n));

	device_lock(&pdev->dev);
	owner = pdev->dev.driver;
	if (owner && owner != &io_pci_driver.driver && !claim)
		io_candidates_note_native(nub, c, n, owner->name);
	device_unlock(&pdev->dev);
	io_catalogue_candidates_free(c, n);

	if (owner && owner != &io_pci_driver.driver && claim) {
		pci_info(pdev, "iokit: taking over from %s\n", owner->name);
		device_release_driver(&pdev->dev);
		owner = NULL;
	}

	if (owner == &io_pci_driver.driver) {
		/* Ours already: start new categories, or let an idle device go. */
		if (n)
			return io_service_start_candidates(nub);
		if (!io_pci_nub_has_clients(nub))
			device_release_driver(&pdev->dev);
		return -ENODEV;
	}
	if (!n)
		return -ENODEV;
	if (owner) {
		pci_info(pdev, "iokit: matched, but bound to %s\n", owner->name);
		return -EBUSY;
	}
	ret = pci_add_dynid(&io_pci_driver, pdev->vendor, pdev->device,
			    pdev->subsystem_vendor, pdev->subsystem_device,
			    pdev->class, 0xffffff, 0);
	if (ret == -EEXIST)
		ret = device_attach(&pdev->dev) == 1 ? 0 : -ENODEV;
	return ret;
}

/**
 * io_pci_nub_native_driver() - the Linux driver, other than iokit's, that
 *	holds a PCI nub's device
 * @nub: an IOPCIDevice nub
 * @buf: receives the driver's name
 * @size: room at @buf
 *
 * Return: true if such a driver holds it.
 */
bool io_pci_nub_native_driver(struct io_service *nub, char *buf, size_t size)
{
	struct pci_dev *pdev = container_of(nub, struct io_pci_nub, service)->pdev;
	bool native = false;

	if (!pdev)
		return false;
	device_lock(&pdev->dev);
	if (pdev->dev.driver && pdev->dev.driver != &io_pci_driver.driver) {
		strscpy(buf, pdev->dev.driver->name, size);
		native = true;
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
	return pci_register_driver(&io_pci_driver);
}

/**
 * io_pci_driver_exit() - unregister it, stopping what runs on its devices
 */
void io_pci_driver_exit(void)
{
	pci_unregister_driver(&io_pci_driver);
}
