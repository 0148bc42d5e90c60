/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PCI family's parts, for each other: nubs (io_pci_nub.c), the
 * pci_driver that owns devices for IOKit drivers (io_pci_driver.c) and
 * the family's keys and table (io_pci_family.c).
 */
#ifndef IOKIT_IO_PCI_H
#define IOKIT_IO_PCI_H

#include <linux/types.h>

struct device;
struct io_match_report;
struct io_registry_entry;
struct io_service;
struct os_dictionary;

/* io_pci_nub.c */
int io_pci_nubs_init(void);
void io_pci_nubs_stop(void);
void io_pci_nubs_exit(void);

/* io_pci_driver.c */
int io_pci_driver_init(void);
void io_pci_driver_exit(void);
int io_pci_nub_bind(struct io_service *nub);
int io_pci_nub_claim(struct io_service *nub);
int io_pci_nub_native_driver(struct io_service *nub, char *buf, size_t size);

/* io_pci_family.c */
int io_pci_match_next(const char **s, u32 default_mask, u32 *value, u32 *mask);
int io_pci_match_parse(const char *s, const u32 *reg, u32 default_mask);

#endif /* IOKIT_IO_PCI_H */
