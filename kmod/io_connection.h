/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A connection, as io_connection.c and io_async.c share it.
 */
#ifndef IOKIT_IO_CONNECTION_H
#define IOKIT_IO_CONNECTION_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct io_user;
struct io_user_client;

/* io_connection.flags */
enum {
	IO_CONNECTION_CLOSED,		/* the first close has begun */
	IO_CONNECTION_KILLED,		/* @inflight was killed */
	IO_CONNECTION_DELIVERED,	/* its file reached the opener */
};

/**
 * struct io_connection - one application's connection to a user client
 * @ref: the file's reference, and one per async call not yet freed
 * @inflight: calls in flight; killed when the client goes
 * @drained: completed once @inflight is killed and no call is left
 * @flags: IO_CONNECTION_* bits
 * @lock: guards @client's hand-over
 * @client: the user client, with its creation reference; NULL once a
 *	close or a termination took it
 * @call_lock: serialises calls into a serial class's client
 * @serial: calls take @call_lock
 * @service_id: the service opened, for IOConnectGetService
 * @client_id: the client's entry ID
 * @type: the connection type
 * @user: who is charged for it
 * @charge: how much, for the connection
 * @client_charge: how much, for the client's instance (0 before it has one)
 * @async_lock: guards the @async_ fields and the actions' states; taken
 *	with interrupts off
 * @async_pending: async calls whose completion is still to come
 *	(struct io_async_action.node), their calls returned
 * @async_count: async calls not yet done, their calls returned or not
 * @async_stopped: the client was stopped: calls returning now are aborted
 */
struct io_connection {
	struct kref ref;
	struct percpu_ref inflight;
	struct completion drained;
	unsigned long flags;
	spinlock_t lock;		/* client */
	struct io_user_client *client;
	struct mutex call_lock;		/* the calls of a serial client */
	bool serial;
	u64 service_id;
	u64 client_id;
	u32 type;
	struct io_user *user;
	size_t charge;
	size_t client_charge;
	spinlock_t async_lock;		/* the async_ fields */
	struct list_head async_pending;
	unsigned int async_count;
	bool async_stopped;
};

void io_connection_put(struct io_connection *conn);

#endif /* IOKIT_IO_CONNECTION_H */
