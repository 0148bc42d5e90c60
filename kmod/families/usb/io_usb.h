/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The USB family's parts, for each other: nubs (io_usb_nub.c), the
 * usb_driver that owns interfaces (io_usb_driver.c), the
 * usb_device_driver that owns devices (io_usb_device_driver.c) and the
 * family's keys and table (io_usb_family.c).
 */
#ifndef IOKIT_IO_USB_H
#define IOKIT_IO_USB_H

#include <linux/types.h>

struct io_service;
struct usb_device;

/* io_usb_nub.c */
int io_usb_nubs_init(void);
void io_usb_nubs_stop(void);
void io_usb_nubs_exit(void);
void io_usb_device_del(struct usb_device *udev);

/* io_usb_driver.c */
int io_usb_driver_init(void);
void io_usb_driver_exit(void);
int io_usb_interface_bind(struct io_service *nub);
int io_usb_interface_claim(struct io_service *nub);
int io_usb_interface_native_driver(struct io_service *nub, char *buf, size_t size);

/* io_usb_device_driver.c */
int io_usb_device_driver_init(void);
void io_usb_device_driver_exit(void);
int io_usb_device_bind(struct io_service *nub);
int io_usb_device_native_driver(struct io_service *nub, char *buf, size_t size);
bool io_usb_device_taking(struct usb_device *udev);

#endif /* IOKIT_IO_USB_H */
