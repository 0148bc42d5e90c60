// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOPCIDevice nubs: one registry entry per PCI device of the machine,
 * created for the devices present at load and on hot-plug, removed on
 * unplug.  iokit only watches (a bus notifier plus one walk); it binds
 * nothing, so every device stays with its Linux driver.
 *
 * Devices on a root bus hang under an IOPCIBridge entry for that bus, under
 * the platform entry; devices behind a PCI bridge hang under the bridge's
 * nub.  io_pci_lock serialises nub creation and removal and guards
 * io_pci_nubs; it nests outside the registry's locks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <iokit/io_pci_device.h>

#include "io_pci.h"
#include "iokit_internal.h"

static LIST_HEAD(io_pci_nubs);
static DEFINE_MUTEX(io_pci_lock);

static void io_pci_nub_free(struct os_object *obj)
{
	struct io_pci_nub *nub = container_of(obj, struct io_pci_nub, service.entry.obj);

	pci_dev_put(nub->pdev);
	io_service_fini(&nub->service);
	kfree_rcu(nub, service.entry.rcu);
}

/* io_pci_device_class: IOPCIDevice: a PCI device */
const struct os_class io_pci_device_class = {
	.name = "IOPCIDevice",
	.super = &io_service_class,
	.free = io_pci_nub_free,
};
EXPORT_SYMBOL_GPL(io_pci_device_class);

/* io_pci_bridge_class: IOPCIBridge: the entry of a PCI root bus */
const struct os_class io_pci_bridge_class = {
	.name = "IOPCIBridge",
	.super = &io_service_class,
	.free = io_pci_nub_free,
};
EXPORT_SYMBOL_GPL(io_pci_bridge_class);

/* The nub of @pdev, or of root bus @bus when @pdev is NULL. */
static struct io_pci_nub *io_pci_nub_find(struct pci_dev *pdev, struct pci_bus *bus)
{
	struct io_pci_nub *nub;

	lockdep_assert_held(&io_pci_lock);
	list_for_each_entry(nub, &io_pci_nubs, node)
		if (pdev ? nub->pdev == pdev : !nub->pdev && nub->bus == bus)
			return nub;
	return NULL;
}

/**
 * io_pci_nub_for_device() - the registry entry of a PCI device
 * @dev: a device, PCI or not
 *
 * Return: the IOPCIDevice entry, referenced, or NULL if @dev is not a PCI
 * device iokit knows.
 */
struct io_registry_entry *io_pci_nub_for_device(struct device *dev)
{
	struct io_registry_entry *entry = NULL;
	struct io_pci_nub *nub;

	if (!dev_is_pci(dev))
		return NULL;
	mutex_lock(&io_pci_lock);
	nub = io_pci_nub_find(to_pci_dev(dev), NULL);
	if (nub)
		entry = io_registry_entry_get(&nub->service.entry);
	mutex_unlock(&io_pci_lock);
	return entry;
}
EXPORT_SYMBOL_GPL(io_pci_nub_for_device);

/**
 * io_pci_device_get_pdev() - the pci_dev behind an IOPCIDevice provider
 * @provider: the provider a driver was started on
 *
 * Valid from Start until Stop returns, while the driver owns the device.
 *
 * Return: the device, or NULL if @provider is not an IOPCIDevice.
 */
struct pci_dev *io_pci_device_get_pdev(struct io_service *provider)
{
	if (!os_object_is_kind(&provider->entry.obj, &io_pci_device_class))
		return NULL;
	return container_of(provider, struct io_pci_nub, service)->pdev;
}
EXPORT_SYMBOL_GPL(io_pci_device_get_pdev);

static int io_pci_set_data32(struct io_registry_entry *entry, const char *key,
			     u32 value)
{
	__le32 le = cpu_to_le32(value);

	return io_registry_entry_set_data(entry, key, &le, sizeof(le));
}

/*
 * Apple's property set for a PCI nub: IDs as 4-byte little-endian data,
 * "name" and "compatible" as the PCI configurator synthesises them, and
 * "pcidebug" as bus:device:function.
 */
static int io_pci_nub_set_properties(struct io_registry_entry *entry,
				     struct pci_dev *pdev)
{
	char compatible[3 * 32];
	char buf[32];
	int len, ret;

	ret = io_pci_set_data32(entry, "vendor-id", pdev->vendor);
	ret = ret ?: io_pci_set_data32(entry, "device-id", pdev->device);
	ret = ret ?: io_pci_set_data32(entry, "subsystem-vendor-id",
				       pdev->subsystem_vendor);
	ret = ret ?: io_pci_set_data32(entry, "subsystem-id", pdev->subsystem_device);
	ret = ret ?: io_pci_set_data32(entry, "revision-id", pdev->revision);
	ret = ret ?: io_pci_set_data32(entry, "class-code", pdev->class);
	if (ret)
		return ret;

	len = scnprintf(compatible, sizeof(compatible), "pci%x,%x",
			pdev->subsystem_vendor, pdev->subsystem_device) + 1;
	len += scnprintf(compatible + len, sizeof(compatible) - len, "pci%x,%x",
			 pdev->vendor, pdev->device) + 1;
	len += scnprintf(compatible + len, sizeof(compatible) - len,
			 "pciclass,%06x", pdev->class) + 1;
	ret = io_registry_entry_set_data(entry, "compatible", compatible, len);

	scnprintf(buf, sizeof(buf), "pci%x,%x", pdev->vendor, pdev->device);
	ret = ret ?: io_registry_entry_set_data(entry, "name", buf, strlen(buf) + 1);
	ret = ret ?: io_registry_entry_set_string(entry, "IOName", buf);
	scnprintf(buf, sizeof(buf), "%u:%u:%u", pdev->bus->number,
		  PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn));
	ret = ret ?: io_registry_entry_set_string(entry, "pcidebug", buf);
	ret = ret ?: io_registry_entry_set_string(entry, "IOLinuxDevice",
						  pci_name(pdev));
	return ret;
}

static struct io_pci_nub *io_pci_nub_alloc(const struct os_class *cls,
					   const char *name)
{
	struct io_pci_nub *nub = kzalloc(sizeof(*nub), GFP_KERNEL);

	if (!nub)
		return NULL;
	if (io_service_init_entry(&nub->service, cls, name)) {
		kfree(nub);
		return NULL;
	}
	return nub;
}

/*
 * Publish a new nub under @parent and list it; consumes @nub on failure.
 * Matching, which looks nubs up in the list, waits for io_pci_lock.
 */
static int io_pci_nub_publish(struct io_pci_nub *nub,
			      struct io_registry_entry *parent)
{
	int ret = io_service_publish(&nub->service, parent);

	if (!ret)
		list_add_tail(&nub->node, &io_pci_nubs);
	return ret;
}

static struct io_pci_nub *io_pci_root_bus_nub(struct pci_bus *bus)
{
	struct io_registry_entry *platform;
	struct io_pci_nub *nub = io_pci_nub_find(NULL, bus);
	char location[16];
	int ret;

	if (nub)
		return nub;
	nub = io_pci_nub_alloc(&io_pci_bridge_class, "pci");
	if (!nub)
		return ERR_PTR(-ENOMEM);
	nub->bus = bus;
	scnprintf(location, sizeof(location), "%04x:%02x", pci_domain_nr(bus),
		  bus->number);
	io_registry_entry_set_location(&nub->service.entry, location);
	platform = io_service_get_platform();
	ret = io_pci_nub_publish(nub, platform);
	io_registry_entry_put(platform);
	return ret ? ERR_PTR(ret) : nub;
}

static struct io_pci_nub *io_pci_nub_add_locked(struct pci_dev *pdev);

/* The entry a device hangs under: its bridge's nub, or its root bus's. */
static struct io_pci_nub *io_pci_parent_nub(struct pci_dev *pdev)
{
	if (pdev->bus->self)
		return io_pci_nub_add_locked(pdev->bus->self);
	return io_pci_root_bus_nub(pdev->bus);
}

static struct io_pci_nub *io_pci_nub_add_locked(struct pci_dev *pdev)
{
	struct io_pci_nub *nub = io_pci_nub_find(pdev, NULL);
	struct io_pci_nub *parent;
	char name[32], location[16];
	int ret;

	if (nub)
		return nub;
	parent = io_pci_parent_nub(pdev);
	if (IS_ERR(parent))
		return parent;

	scnprintf(name, sizeof(name), "pci%x,%x", pdev->vendor, pdev->device);
	nub = io_pci_nub_alloc(&io_pci_device_class, name);
	if (!nub)
		return ERR_PTR(-ENOMEM);
	nub->pdev = pci_dev_get(pdev);
	nub->bus = pdev->bus;
	/* Apple's PCI location: device, and ",function" when not 0. */
	if (PCI_FUNC(pdev->devfn))
		scnprintf(location, sizeof(location), "%x,%x",
			  PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn));
	else
		scnprintf(location, sizeof(location), "%x", PCI_SLOT(pdev->devfn));
	io_registry_entry_set_location(&nub->service.entry, location);
	ret = io_pci_nub_set_properties(&nub->service.entry, pdev);
	if (ret) {
		io_registry_entry_put(&nub->service.entry);
		return ERR_PTR(ret);
	}
	ret = io_pci_nub_publish(nub, &parent->service.entry);
	return ret ? ERR_PTR(ret) : nub;
}

static void io_pci_nub_add(struct pci_dev *pdev)
{
	struct io_pci_nub *nub;

	mutex_lock(&io_pci_lock);
	nub = io_pci_nub_add_locked(pdev);
	mutex_unlock(&io_pci_lock);
	if (IS_ERR(nub))
		pci_warn(pdev, "iokit: no registry entry: %pe\n", nub);
}

/* Take a nub, and whatever hangs only under it, out of the registry. */
static void io_pci_nub_remove_locked(struct io_pci_nub *nub)
{
	list_del(&nub->node);
	io_service_terminate(&nub->service);
	io_registry_entry_put(&nub->service.entry);
}

static void io_pci_nub_del(struct pci_dev *pdev)
{
	struct io_pci_nub *nub;

	mutex_lock(&io_pci_lock);
	nub = io_pci_nub_find(pdev, NULL);
	if (nub)
		io_pci_nub_remove_locked(nub);
	mutex_unlock(&io_pci_lock);
}

/*
 * By BUS_NOTIFY_DEL_DEVICE the PCI core has already unbound the device's
 * driver (pci_stop_dev() runs before device_del()), so the IOKit drivers
 * of a device iokit owned were stopped by io_pci_remove(); the nub, and
 * any service that hangs only under it, goes now.
 */
static int io_pci_notify(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		io_pci_nub_add(pdev);
		break;
	case BUS_NOTIFY_DEL_DEVICE:
		io_pci_nub_del(pdev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block io_pci_notifier = {
	.notifier_call = io_pci_notify,
};

static int io_pci_nub_add_one(struct device *dev, void *data)
{
	io_pci_nub_add(to_pci_dev(dev));
	return 0;
}

static bool io_pci_following;

/**
 * io_pci_nubs_init() - publish every PCI device and follow hot-plug
 *
 * The notifier goes in before the walk, so no device added meanwhile is
 * missed; adding is idempotent, so none is published twice.
 *
 * Return: 0 or a negative errno.
 */
int io_pci_nubs_init(void)
{
	int ret = bus_register_notifier(&pci_bus_type, &io_pci_notifier);

	if (ret)
		return ret;
	io_pci_following = true;
	bus_for_each_dev(&pci_bus_type, NULL, NULL, io_pci_nub_add_one);
	return 0;
}

/**
 * io_pci_nubs_stop() - stop following PCI: no nub comes or goes after it
 */
void io_pci_nubs_stop(void)
{
	if (io_pci_following)
		bus_unregister_notifier(&pci_bus_type, &io_pci_notifier);
	io_pci_following = false;
}

/**
 * io_pci_nubs_exit() - stop following PCI and remove every nub
 */
void io_pci_nubs_exit(void)
{
	io_pci_nubs_stop();
	mutex_lock(&io_pci_lock);
	/* Leaves first: a bridge's nub stays until what it carries is gone. */
	while (!list_empty(&io_pci_nubs))
		io_pci_nub_remove_locked(list_last_entry(&io_pci_nubs,
							 struct io_pci_nub, node));
	mutex_unlock(&io_pci_lock);
}
