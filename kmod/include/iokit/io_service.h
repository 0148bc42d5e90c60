/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOService: a registry entry that takes part in matching and in the
 * provider/client lifecycle.  Nubs for PCI and USB devices are IOServices;
 * so are drivers.
 */
#ifndef _IOKIT_IO_SERVICE_H
#define _IOKIT_IO_SERVICE_H

#include <iokit/io_registry_entry.h>

/**
 * struct io_service - an IOService
 * @entry: its registry entry
 */
struct io_service {
	struct io_registry_entry entry;
};

extern const struct os_class io_service_class;
extern const struct os_class io_platform_expert_device_class;
extern const struct os_class io_resources_class;

struct io_registry_entry *io_service_get_platform(void);
struct io_registry_entry *io_service_get_resources(void);

#endif /* _IOKIT_IO_SERVICE_H */
