// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOService and the fixed entries under the registry root: the platform
 * entry (IOPlatformExpertDevice), under which the machine's buses hang,
 * and IOResources, the provider of drivers that match no hardware.
 */
#include <linux/dmi.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <iokit/io_service.h>

#include "iokit_internal.h"

/**
 * io_service_init_entry() - initialise an IOService embedded in a struct
 * @service: the service, zeroed
 * @cls: its class
 * @name: its name
 *
 * The class's free method calls io_service_fini() and frees the memory
 * with kfree_rcu() on service.entry.rcu.
 *
 * Return: 0 or -ENOMEM.
 */
int io_service_init_entry(struct io_service *service, const struct os_class *cls,
			  const char *name)
{
	int ret = io_registry_entry_init(&service->entry, cls, name);

	if (ret)
		return ret;
	mutex_init(&service->match_lock);
	mutex_init(&service->busy_lock);
	INIT_WORK(&service->match_work, io_service_match_work);
	INIT_DELAYED_WORK(&service->retry_work, io_service_retry_work);
	return 0;
}
EXPORT_SYMBOL_GPL(io_service_init_entry);

/**
 * io_service_fini() - release what io_service_init_entry() set up
 * @service: a service whose last reference is gone
 */
void io_service_fini(struct io_service *service)
{
	if (service->category)
		os_object_put(&service->category->obj);
	if (service->provider)
		io_registry_entry_put(&service->provider->entry);
	WARN_ON(service->busy_provider);
	mutex_destroy(&service->busy_lock);
	mutex_destroy(&service->match_lock);
	io_registry_entry_fini(&service->entry);
}
EXPORT_SYMBOL_GPL(io_service_fini);

static void io_service_free(struct os_object *obj)
{
	struct io_service *service = container_of(obj, struct io_service, entry.obj);

	io_service_fini(service);
	kfree_rcu(service, entry.rcu);
}

/* io_service_class: IOService, the class of what matches and is matched */
const struct os_class io_service_class = {
	.name = "IOService",
	.super = &io_registry_entry_class,
	.free = io_service_free,
};
EXPORT_SYMBOL_GPL(io_service_class);

/* io_platform_expert_device_class: IOPlatformExpertDevice: the machine, parent of its buses */
const struct os_class io_platform_expert_device_class = {
	.name = "IOPlatformExpertDevice",
	.super = &io_service_class,
};
EXPORT_SYMBOL_GPL(io_platform_expert_device_class);

/* io_resources_class: IOResources: provider of drivers that match no hardware */
const struct os_class io_resources_class = {
	.name = "IOResources",
	.super = &io_service_class,
};
EXPORT_SYMBOL_GPL(io_resources_class);

static struct io_registry_entry *io_platform;
static struct io_registry_entry *io_resources;

/**
 * io_service_get_platform() - the platform entry, parent of the buses
 *
 * Return: the entry, referenced.
 */
struct io_registry_entry *io_service_get_platform(void)
{
	return io_registry_entry_get(io_platform);
}
EXPORT_SYMBOL_GPL(io_service_get_platform);

/**
 * io_service_get_resources() - the IOResources entry
 *
 * Return: the entry, referenced.
 */
struct io_registry_entry *io_service_get_resources(void)
{
	return io_registry_entry_get(io_resources);
}
EXPORT_SYMBOL_GPL(io_service_get_resources);

/**
 * io_service_create() - allocate a plain IOService of class @cls
 * @cls: IOService or a subclass that adds no fields
 * @name: its name
 *
 * Return: the service with one reference, or NULL if out of memory.
 */
struct io_service *io_service_create(const struct os_class *cls, const char *name)
{
	struct io_service *service = kzalloc(sizeof(*service), GFP_KERNEL);

	if (service && io_service_init_entry(service, cls, name)) {
		kfree(service);
		service = NULL;
	}
	return service;
}
EXPORT_SYMBOL_GPL(io_service_create);

static struct io_registry_entry *io_service_root_child(const struct os_class *cls,
						       const char *name)
{
	struct io_registry_entry *root = io_registry_get_root();
	struct io_service *service = io_service_create(cls, name);
	struct io_registry_entry *entry = service ? &service->entry : NULL;

	if (entry && io_registry_entry_attach(entry, root, &io_service_plane)) {
		io_registry_entry_put(entry);
		entry = NULL;
	}
	io_registry_entry_put(root);
	return entry;
}

/**
 * io_service_publish_resource() - publishResource(): make a named resource
 *	available, starting drivers that wait for it with IOResourceMatch
 * @name: the resource's name, a property of IOResources from now on
 *
 * Return: 0 or -ENOMEM.
 */
int io_service_publish_resource(const char *name)
{
	struct os_boolean *yes = os_boolean_get(true);
	int ret;

	ret = io_registry_entry_set_property(io_resources, name, &yes->obj);
	os_object_put(&yes->obj);
	/* As Apple's: IOResources registers again, and matches again. */
	if (!ret)
		io_service_rematch(io_service_from_entry(io_resources));
	return ret;
}
EXPORT_SYMBOL_GPL(io_service_publish_resource);

/**
 * io_service_unpublish_resource() - withdraw a resource
 * @name: the resource's name
 *
 * Drivers already started on it keep running; new matches will not see it.
 */
void io_service_unpublish_resource(const char *name)
{
	io_registry_entry_remove_property(io_resources, name);
}
EXPORT_SYMBOL_GPL(io_service_unpublish_resource);

/* The machine's model names the platform entry, as on a Mac. */
static int io_service_platform_init(void)
{
	const char *model = dmi_get_system_info(DMI_PRODUCT_NAME);
	const char *vendor = dmi_get_system_info(DMI_SYS_VENDOR);
	int ret;

	io_platform = io_service_root_child(&io_platform_expert_device_class,
					    model && *model ? model : "Linux");
	if (!io_platform)
		return -ENOMEM;
	ret = io_registry_entry_set_string(io_platform, "IOPlatformName",
					   model && *model ? model : "Linux");
	if (!ret && vendor && *vendor)
		ret = io_registry_entry_set_string(io_platform, "manufacturer", vendor);
	return ret;
}

/**
 * io_service_init() - create the platform and IOResources entries
 *
 * Return: 0 or a negative errno.
 */
int io_service_init(void)
{
	int ret = io_service_platform_init();

	if (!ret) {
		io_resources = io_service_root_child(&io_resources_class,
						     "IOResources");
		if (!io_resources)
			ret = -ENOMEM;
	}
	/* Both are providers: drivers may match them (IOProviderClass). */
	if (!ret) {
		io_service_register(io_service_from_entry(io_platform));
		io_service_register(io_service_from_entry(io_resources));
	}
	if (ret)
		io_service_exit();
	return ret;
}

/**
 * io_service_exit() - remove the platform and IOResources entries
 */
void io_service_exit(void)
{
	if (io_resources) {
		io_service_terminate(io_service_from_entry(io_resources));
		io_registry_entry_put(io_resources);
		io_resources = NULL;
	}
	if (io_platform) {
		io_service_terminate(io_service_from_entry(io_platform));
		io_registry_entry_put(io_platform);
		io_platform = NULL;
	}
}
