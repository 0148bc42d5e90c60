// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registry planes.  A plane is only a name and a slot in every entry's
 * link lists; adding one (IODeviceTree, IOUSB, ...) is adding a row here.
 */
#include <linux/export.h>
#include <linux/string.h>

#include <iokit/io_registry_entry.h>

/* io_service_plane: the IOService plane: providers and their clients */
const struct io_registry_plane io_service_plane = {
	.name = IOKIT_PLANE_SERVICE,
	.index = 0,
};
EXPORT_SYMBOL_GPL(io_service_plane);

/* io_power_plane: the IOPower plane: power dependencies */
const struct io_registry_plane io_power_plane = {
	.name = IOKIT_PLANE_POWER,
	.index = 1,
};
EXPORT_SYMBOL_GPL(io_power_plane);

static const struct io_registry_plane *const io_registry_planes[] = {
	&io_service_plane,
	&io_power_plane,
};

static_assert(ARRAY_SIZE(io_registry_planes) <= IO_REGISTRY_PLANES_MAX);

/**
 * io_registry_plane_find() - IORegistryGetPlane-style lookup by name
 * @name: a plane name; "" means the IOService plane
 *
 * Return: the plane, or NULL if there is none of that name.
 */
const struct io_registry_plane *io_registry_plane_find(const char *name)
{
	unsigned int i;

	if (!*name)
		return &io_service_plane;
	for (i = 0; i < ARRAY_SIZE(io_registry_planes); i++)
		if (!strcmp(io_registry_planes[i]->name, name))
			return io_registry_planes[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(io_registry_plane_find);
