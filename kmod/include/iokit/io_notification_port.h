/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Notification ports: the one way iokit talks back to user space.  A port
 * is a file descriptor with a bounded queue of struct iokit_event records;
 * matching notifications post to it now, and user clients' asynchronous
 * completions will (Documentation/notifications.rst).
 */
#ifndef _IOKIT_IO_NOTIFICATION_PORT_H
#define _IOKIT_IO_NOTIFICATION_PORT_H

#include <linux/types.h>

#include <linux/iokit.h>

struct io_port;

struct io_port *io_port_get_from_fd(int fd);
void io_port_put(struct io_port *port);
int io_port_post(struct io_port *port, const struct iokit_event *event,
		 const void *extra, size_t extra_size);

#endif /* _IOKIT_IO_NOTIFICATION_PORT_H */
