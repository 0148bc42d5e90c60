// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOConnectSetNotificationPort (Documentation/user-client.rst,
 * "Notification ports of a connection"): a user client's own
 * notifications, sent when the driver decides, not in answer to a call.
 *
 * Apple hands the port to the driver's registerNotificationPort and lets
 * it keep the port.  Here iokit keeps it, in the client, and the class is
 * only asked whether it sends that type: a driver never holds a port, so
 * none outlives the client or leaks when a driver forgets it.
 *
 * The table is a few fixed slots in the client, guarded by a spinlock
 * taken with interrupts off, so that sending needs no allocation and no
 * sleep, from any context.  Setting a port is a connection call: it
 * holds off the client's termination like a method, and one runs at a
 * time per connection (conn->notify_set_lock), so the slot it chose is
 * still its own when it is filled.  Stop empties the table for good,
 * after the calls have drained; a port's last reference is only ever
 * dropped in process context, outside the spinlock.
 *
 * Unlike an async completion, a notification has no reserved slot on the
 * port: one that finds the port full is dropped, and the port's overflow
 * record says how many were.
 */
#include <linux/export.h>

#include <iokit/io_notification_port.h>
#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "iokit_internal.h"

/* The slot of @type, or NULL.  Under notify_lock. */
static struct io_user_client_notify *io_user_client_notify_find(struct io_user_client *client,
								u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(client->notify); i++)
		if (client->notify[i].port && client->notify[i].type == type)
			return &client->notify[i];
	return NULL;
}

/* A slot no type holds, or NULL.  Under notify_lock. */
static struct io_user_client_notify *io_user_client_notify_free(struct io_user_client *client)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(client->notify); i++)
		if (!client->notify[i].port)
			return &client->notify[i];
	return NULL;
}

/**
 * io_user_client_notify_init() - a new client has no port
 * @client: the client, just made
 */
void io_user_client_notify_init(struct io_user_client *client)
{
	spin_lock_init(&client->notify_lock);
}

/**
 * io_user_client_notify_stop() - let go of every port, for good
 * @client: a client stopped
 *
 * Process context, no lock held.  A send from now on finds no port, and
 * none is set again: setting is a call, and the calls drained before Stop.
 */
void io_user_client_notify_stop(struct io_user_client *client)
{
	struct io_port *ports[IOKIT_CONNECT_NOTIFICATION_TYPES_MAX];
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&client->notify_lock, flags);
	for (i = 0; i < ARRAY_SIZE(client->notify); i++) {
		ports[i] = client->notify[i].port;
		client->notify[i].port = NULL;
	}
	spin_unlock_irqrestore(&client->notify_lock, flags);
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		if (ports[i])
			io_port_put(ports[i]);
}

/**
 * io_user_client_notify_check_gone() - a client being freed keeps no port
 * @client: the client, its last reference gone
 *
 * Ports are set only on a connected client, whose Stop always runs before
 * its last reference goes, and lets go of them.
 */
void io_user_client_notify_check_gone(struct io_user_client *client)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(client->notify); i++)
		WARN_ON_ONCE(client->notify[i].port);
}

/*
 * Put @port (referenced, or NULL for none) in @type's slot: the caller
 * checked there is one.  Return: the port it replaces, for the caller to
 * put, or NULL.
 */
static struct io_port *io_user_client_notify_set(struct io_user_client *client, u32 type,
						 struct io_port *port, u64 reference)
{
	struct io_user_client_notify *slot;
	struct io_port *old = NULL;
	unsigned long flags;

	spin_lock_irqsave(&client->notify_lock, flags);
	slot = io_user_client_notify_find(client, type);
	if (!slot && port)
		slot = io_user_client_notify_free(client);
	if (slot) {
		old = slot->port;
		slot->port = port;
		slot->type = type;
		slot->reference = reference;
	} else {
		/* The caller saw room under notify_set_lock: none can have gone. */
		WARN_ON_ONCE(port);
		old = port;
	}
	spin_unlock_irqrestore(&client->notify_lock, flags);
	return old;
}

/* Whether @type could have a port now: it has one, or a slot is free. */
static bool io_user_client_notify_room(struct io_user_client *client, u32 type)
{
	unsigned long flags;
	bool room;

	spin_lock_irqsave(&client->notify_lock, flags);
	room = io_user_client_notify_find(client, type) || io_user_client_notify_free(client);
	spin_unlock_irqrestore(&client->notify_lock, flags);
	return room;
}

/**
 * io_connection_cmd_notification_port() - IOKIT_IOC_CONNECT_NOTIFICATION_PORT
 * @call: the ioctl, on a connection's file
 * @arg: struct iokit_connect_notification_port
 *
 * Return: the IOReturn for the caller.
 */
u32 io_connection_cmd_notification_port(struct iokit_call *call, void *arg)
{
	struct iokit_connect_notification_port *np = arg;
	struct io_connection *conn = call->file->private_data;
	const struct io_user_client_ops *uc;
	struct io_user_client *client;
	struct io_port *port = NULL;
	u32 ret;

	memset(&np->reason, 0, sizeof(np->reason));
	if (np->reserved)
		return io_user_client_refuse(&np->reason, IOKIT_CHECK_RESERVED, np->reserved, 0,
					     IOKIT_RETURN_BAD_ARGUMENT);
	if (np->port_fd != -1) {
		port = io_port_get_from_fd(np->port_fd);
		if (!port)
			return io_user_client_refuse(&np->reason, IOKIT_CHECK_PORT,
						     (u32)np->port_fd, 0,
						     IOKIT_RETURN_BAD_ARGUMENT);
	}
	client = io_connection_call_begin(conn, call, &ret);
	if (!client)
		goto put;
	uc = client->service.driver->user_client;
	if (mutex_lock_killable(&conn->notify_set_lock)) {
		call->err = -EINTR;
		ret = IOKIT_RETURN_ABORTED;
		goto end;
	}
	if (port && !io_user_client_notify_room(client, np->type)) {
		ret = io_user_client_refuse(&np->reason, IOKIT_CHECK_NOTIFICATION_TYPES,
					    IOKIT_CONNECT_NOTIFICATION_TYPES_MAX,
					    IOKIT_CONNECT_NOTIFICATION_TYPES_MAX,
					    IOKIT_RETURN_NO_RESOURCES);
	} else if (!uc->register_notification_port) {
		ret = IOKIT_RETURN_UNSUPPORTED;
	} else {
		ret = uc->register_notification_port(client, np->type, np->reference, !!port);
	}
	if (ret == IOKIT_RETURN_UNSUPPORTED)
		io_user_client_refuse(&np->reason, IOKIT_CHECK_NOTIFICATION_TYPE, np->type, 0, ret);
	if (!ret) {
		/* The slot's reference is now @port's; the one it held goes. */
		port = io_user_client_notify_set(client, np->type, port, np->reference);
	}
	mutex_unlock(&conn->notify_set_lock);
end:
	io_connection_call_end(conn);
put:
	if (port)
		io_port_put(port);
	return ret;
}

/**
 * io_user_client_send_notification() - post one of the client's notifications
 * @client: the user client
 * @type: the notification type the application set a port for
 * @status: an IOReturn the record carries
 * @args: @count values, or NULL for none
 * @count: at most IOKIT_ASYNC_ARGS_MAX
 *
 * One IOKIT_EVENT_CLIENT record on the port IOConnectSetNotificationPort
 * gave for @type, with the reference it gave.  Any context, interrupts
 * included: never sleeps, never allocates; not under a raw spinlock, as
 * it takes spinlock_t.  The caller holds a reference to @client, which it
 * drops in process context: the last one frees the client.
 *
 * Return: 0 if queued; -ENOENT if no port is set for @type (or the
 * client was stopped); -ENOSPC if the port was full (the record is
 * counted in its overflow record); -EPIPE if the application closed the
 * port; -EINVAL if @count is over IOKIT_ASYNC_ARGS_MAX.
 */
int io_user_client_send_notification(struct io_user_client *client, u32 type, u32 status,
				     const u64 *args, unsigned int count)
{
	struct iokit_client_notification rec = {
		.event = {
			.type = IOKIT_EVENT_CLIENT,
			.source_id = client->service.entry.id,
			.entry_id = type,
			.ioreturn = status,
			.count = count,
		},
	};
	struct io_user_client_notify *slot;
	unsigned long flags;
	int ret = -ENOENT;

	if (count > IOKIT_ASYNC_ARGS_MAX)
		return -EINVAL;
	if (count)
		memcpy(rec.args, args, count * sizeof(u64));
	spin_lock_irqsave(&client->notify_lock, flags);
	slot = io_user_client_notify_find(client, type);
	if (slot) {
		rec.event.refcon = slot->reference;
		ret = io_port_post(slot->port, &rec.event, rec.args, sizeof(rec.args));
	}
	spin_unlock_irqrestore(&client->notify_lock, flags);
	return ret;
}
EXPORT_SYMBOL_GPL(io_user_client_send_notification);
