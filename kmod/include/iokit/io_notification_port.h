/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Notification ports: the one way iokit talks back to user space.  A port
 * is a file descriptor with a bounded ring of struct iokit_event records;
 * matching notifications and load requests post to it now, and user
 * clients' asynchronous completions will (Documentation/notifications.rst).
 *
 * A port knows nothing of what is armed on it.  Whatever must let go of
 * the port when its file is closed subscribes with a struct
 * io_port_subscriber, and the port calls it back once.
 */
#ifndef _IOKIT_IO_NOTIFICATION_PORT_H
#define _IOKIT_IO_NOTIFICATION_PORT_H

#include <linux/list.h>
#include <linux/types.h>

#include <linux/iokit.h>

struct io_port;

/**
 * struct io_port_subscriber - something armed on a port
 * @closed: the port's file is being closed: let go of the port.  Called
 *	once, in the closing task, with no iokit lock held, for every
 *	subscriber still subscribed; it may sleep.
 * @node: in the port's subscribers (the port's)
 */
struct io_port_subscriber {
	void (*closed)(struct io_port_subscriber *sub, struct io_port *port);
	struct list_head node;
};

struct io_port *io_port_get_from_fd(int fd);
struct io_port *io_port_get(struct io_port *port);
void io_port_put(struct io_port *port);
int io_port_post(struct io_port *port, const struct iokit_event *event,
		 const void *extra, size_t extra_size);
int io_port_subscribe(struct io_port *port, struct io_port_subscriber *sub,
		      unsigned int max);
bool io_port_unsubscribe(struct io_port *port, struct io_port_subscriber *sub);

#endif /* _IOKIT_IO_NOTIFICATION_PORT_H */
