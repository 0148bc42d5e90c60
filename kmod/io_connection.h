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
#include <linux/wait.h>
#include <linux/xarray.h>

struct file;
struct inode;
struct iokit_call;
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
 * @notify_set_lock: one IOConnectSetNotificationPort at a time
 * @memory_ask_lock: one CopyClientMemoryForType at a time, so that a
 *	type is asked for once
 * @memory_lock: guards the @memory fields; taken in page faults, under
 *	the mm's mmap_lock
 * @memory: memory type -> struct io_connection_memory: what
 *	CopyClientMemoryForType returned, each referenced
 * @memory_count: entries in @memory
 * @memory_revoked: the client was terminated: nothing is mapped again
 * @inode: the connection's own inode, whose address space holds its
 *	mappings, so that revoking them unmaps this connection's alone
 * @kernel: a kernel client's: its buffers are kernel memory, it has no
 *	file
 * @kernel_actions: a kernel client's async calls whose callback is still
 *	to run or whose memory is still to go
 * @kernel_wq: where its close waits for them
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
	struct mutex notify_set_lock;	/* IOConnectSetNotificationPort */
	struct mutex memory_ask_lock;	/* CopyClientMemoryForType */
	struct mutex memory_lock;	/* the memory fields */
	struct xarray memory;
	unsigned int memory_count;
	bool memory_revoked;
	struct inode *inode;
	bool kernel;
	atomic_t kernel_actions;
	wait_queue_head_t kernel_wq;
};

void io_connection_put(struct io_connection *conn);
struct io_user_client *io_connection_call_begin(struct io_connection *conn,
						struct iokit_call *call, u32 *ret);
void io_connection_call_end(struct io_connection *conn);
int io_connection_memory_init(struct io_connection *conn, struct file *file);

#endif /* IOKIT_IO_CONNECTION_H */
