// SPDX-License-Identifier: GPL-2.0-only
/*
 * Async completions (Documentation/user-client.rst, "Async
 * completions"): the OSAction an async ExternalMethod gives its driver.
 *
 * Every async call that a method accepts ends in exactly one record on
 * the application's notification port.  The record's slot is reserved
 * on the port when the call is made (a port with no free slot refuses
 * the call), so posting it later never fails and never allocates, from
 * any context.  The record carries the driver's status, or
 * kIOReturnAborted when the call was cancelled, its user client was
 * stopped with it still pending, or the driver dropped the last
 * reference without completing it.
 *
 * An action holds its connection and its port.  Its state, under the
 * connection's async_lock, gives one poster - completion, cancel, abort -
 * the right to post.  Until the call that made it has returned to the
 * application it is not on the connection's list, so nothing can cancel
 * or abort it, and a completion that comes meanwhile is kept: only once
 * the call is known to have succeeded, its struct copied back, is the
 * result posted or the action listed; a call that failed gives the slot
 * back and posts nothing, whatever the driver did.  Its memory goes back
 * in process context, on a workqueue of iokit's own, as the last
 * reference may be dropped in an interrupt.
 *
 * A kernel client's call (KernelCompletion) has no port: its result is
 * handed to the client's callback instead, on the same workqueue, with
 * the same once-only rule.  The delivery holds a reference; when the
 * result is posted by the last reference's release (an abort), the
 * release's own work delivers it before the memory goes.
 */
#include <linux/export.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <iokit/io_notification_port.h>
#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "io_user.h"
#include "iokit_internal.h"

/* Most async calls of one connection not yet completed. */
#define IO_ASYNC_PENDING_MAX	1024

/* io_async_action.state, under the connection's async_lock */
enum io_async_state {
	IO_ASYNC_CALLING,	/* its call has not returned yet */
	IO_ASYNC_EARLY,		/* completed before it had: @status and @args kept */
	IO_ASYNC_PENDING,	/* on the connection's list, its record owed */
	IO_ASYNC_DONE,		/* posted, or its call failed */
};

/**
 * struct io_async_action - an async call's completion (DriverKit's OSAction)
 * @ref: the framework's until its call has returned, and the driver's
 * @node: in the connection's async_pending while IO_ASYNC_PENDING
 * @conn: the connection (referenced)
 * @port: where the record goes (referenced), a slot reserved until DONE
 * @state: an enum io_async_state
 * @status: IO_ASYNC_EARLY: the driver's status
 * @count: IO_ASYNC_EARLY: values in @args
 * @args: IO_ASYNC_EARLY: the driver's values
 * @reference: the call's reference words
 * @reference_count: how many
 * @kernel_done: a kernel client's KernelCompletion, or NULL
 * @refcon: its argument
 * @kernel_owed: posted, not yet handed to @kernel_done
 * @done_work: hands it over in process context
 * @free_work: gives the memory back in process context
 */
struct io_async_action {
	struct kref ref;
	struct list_head node;
	struct io_connection *conn;
	struct io_port *port;
	enum io_async_state state;
	u32 status;
	u32 count;
	u64 args[IOKIT_ASYNC_ARGS_MAX];
	u64 reference[IOKIT_ASYNC_REF_MAX];
	u32 reference_count;
	io_kernel_completion_t kernel_done;
	void *refcon;
	bool kernel_owed;
	struct work_struct done_work;
	struct work_struct free_work;
};

static struct workqueue_struct *io_async_wq;

/* The record of @a, into its reserved slot.  Under async_lock. */
static void io_async_post(struct io_async_action *a, u32 status, const u64 *args,
			  unsigned int count)
{
	struct iokit_async_completion rec = {
		.event = {
			.type = IOKIT_EVENT_ASYNC,
			.source_id = a->conn->client_id,
			.ioreturn = status,
			.count = count,
		},
	};

	BUILD_BUG_ON(sizeof(rec) > sizeof(struct iokit_load_request));
	lockdep_assert_held(&a->conn->async_lock);
	if (a->state == IO_ASYNC_PENDING)
		list_del_init(&a->node);
	a->state = IO_ASYNC_DONE;
	a->conn->async_count--;
	if (a->kernel_done) {
		a->status = status;
		a->count = count;
		if (count && args != a->args)
			memcpy(a->args, args, count * sizeof(u64));
		a->kernel_owed = true;
		/* At zero, the release is posting: its free work delivers. */
		if (kref_get_unless_zero(&a->ref))
			queue_work(io_async_wq, &a->done_work);
		return;
	}
	memcpy(rec.reference, a->reference, a->reference_count * sizeof(u64));
	if (count)
		memcpy(rec.args, args, count * sizeof(u64));
	io_port_post_reserved(a->port, &rec.event, rec.reference,
			      sizeof(rec) - sizeof(rec.event));
}

/* Complete, or abort, @a: posted if pending, kept if its call is running. */
static bool io_async_finish(struct io_async_action *a, u32 status, const u64 *args,
			    unsigned int count)
{
	struct io_connection *conn = a->conn;
	unsigned long flags;
	bool first = true;

	spin_lock_irqsave(&conn->async_lock, flags);
	if (a->state == IO_ASYNC_PENDING) {
		io_async_post(a, status, args, count);
	} else if (a->state == IO_ASYNC_CALLING) {
		a->state = IO_ASYNC_EARLY;
		a->status = status;
		a->count = count;
		if (count)
			memcpy(a->args, args, count * sizeof(u64));
	} else {
		first = false;
	}
	spin_unlock_irqrestore(&conn->async_lock, flags);
	return first;
}

/* A kernel client's result, to its callback once. */
static void io_async_deliver(struct io_async_action *a)
{
	unsigned long flags;
	bool owed;

	spin_lock_irqsave(&a->conn->async_lock, flags);
	owed = a->kernel_owed;
	a->kernel_owed = false;
	spin_unlock_irqrestore(&a->conn->async_lock, flags);
	if (owed)
		a->kernel_done(a->refcon, a->status, a->args, a->count);
}

static void io_async_done_work(struct work_struct *work)
{
	struct io_async_action *a = container_of(work, struct io_async_action, done_work);

	io_async_deliver(a);
	io_async_action_put(a);
}

static void io_async_free(struct io_async_action *a)
{
	struct io_connection *conn = a->conn;
	bool kernel = a->kernel_done;

	if (kernel)
		io_async_deliver(a);
	if (a->port)
		io_port_put(a->port);
	io_user_uncharge(conn->user, sizeof(*a), 0);
	kfree(a);
	/* Its close may return now: the connection is still held here. */
	if (kernel && atomic_dec_and_test(&conn->kernel_actions))
		wake_up_all(&conn->kernel_wq);
	io_connection_put(conn);
	iokit_live_dec(IOKIT_LIVE_ASYNC);
}

static void io_async_free_work(struct work_struct *work)
{
	io_async_free(container_of(work, struct io_async_action, free_work));
}

/*
 * The last reference: a completion still owed is aborted, never lost.
 * Its call has returned (the framework's reference is dropped only then),
 * so it is pending or done.
 */
static void io_async_release(struct kref *ref)
{
	struct io_async_action *a = container_of(ref, struct io_async_action, ref);

	WARN_ON_ONCE(a->state == IO_ASYNC_CALLING || a->state == IO_ASYNC_EARLY);
	io_async_finish(a, IOKIT_RETURN_ABORTED, NULL, 0);
	queue_work(io_async_wq, &a->free_work);
}

/*
 * The last reference dropped by the framework's commit, in the caller's
 * thread with no spinlock held: the memory goes at once, with no trip
 * through the workqueue (the commonest async call, completed inside its
 * method, ends here).  A kernel client's still goes through the
 * workqueue: its callback must not run inside the call.
 */
static void io_async_release_in_call(struct kref *ref)
{
	struct io_async_action *a = container_of(ref, struct io_async_action, ref);

	if (a->kernel_done) {
		io_async_release(ref);
		return;
	}
	io_async_finish(a, IOKIT_RETURN_ABORTED, NULL, 0);
	io_async_free(a);
}

/**
 * io_async_action_get() - keep an async call's completion past the method
 * @action: args->completion of an async method
 *
 * DriverKit's rule: the completion is the method's only during the call;
 * a driver that completes it later takes a reference.
 *
 * Return: @action.
 */
struct io_async_action *io_async_action_get(struct io_async_action *action)
{
	kref_get(&action->ref);
	return action;
}
EXPORT_SYMBOL_GPL(io_async_action_get);

/**
 * io_async_action_put() - drop a reference to a completion
 * @action: the completion
 *
 * Any context, interrupts included.  Dropping the last reference of a
 * completion not yet completed aborts it: the application gets
 * kIOReturnAborted.
 */
void io_async_action_put(struct io_async_action *action)
{
	kref_put(&action->ref, io_async_release);
}
EXPORT_SYMBOL_GPL(io_async_action_put);

/**
 * io_async_complete() - AsyncCompletion: post an async call's result
 * @action: the completion
 * @status: the call's IOReturn, as the application will see it
 * @args: @count values for the application
 * @count: at most IOKIT_ASYNC_ARGS_MAX
 *
 * Any context, interrupts included; never sleeps, never allocates, and
 * cannot find the port full.  Does not drop the caller's reference.
 *
 * Return: 0; -EALREADY if the call was completed, cancelled or aborted
 * before (nothing is posted); -EINVAL for more than IOKIT_ASYNC_ARGS_MAX
 * values.
 */
int io_async_complete(struct io_async_action *action, u32 status, const u64 *args,
		      unsigned int count)
{
	if (count > IOKIT_ASYNC_ARGS_MAX)
		return -EINVAL;
	return io_async_finish(action, status, args, count) ? 0 : -EALREADY;
}
EXPORT_SYMBOL_GPL(io_async_complete);

/**
 * io_async_action_pending() - whether a completion is still owed
 * @action: the completion
 *
 * A hint for a driver deciding whether to finish the work: the call may
 * be aborted right after.
 *
 * Return: true if neither completed, cancelled nor aborted yet.
 */
bool io_async_action_pending(struct io_async_action *action)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&action->conn->async_lock, flags);
	pending = action->state == IO_ASYNC_CALLING || action->state == IO_ASYNC_PENDING;
	spin_unlock_irqrestore(&action->conn->async_lock, flags);
	return pending;
}
EXPORT_SYMBOL_GPL(io_async_action_pending);

/**
 * io_async_action_create() - the completion of an async call being made
 * @conn: the connection, with the call in flight
 * @m: the call: its port and reference
 * @kernel: a kernel client's call: @m's port_fd is unused, the result
 *	goes to @kernel->done(@kernel->refcon, ...)
 * @out: the completion, one reference (the framework's, for the call)
 *
 * Return: an IOReturn, with @m's reason filled on a refusal:
 * IOKIT_RETURN_BAD_ARGUMENT for a descriptor that is not an open port,
 * IOKIT_RETURN_NO_RESOURCES when the port has no slot left or the
 * caller's budget is spent, IOKIT_RETURN_NO_MEMORY.
 */
u32 io_async_action_create(struct io_connection *conn, struct iokit_connect_method *m,
			   const struct io_kernel_completion *kernel,
			   struct io_async_action **out)
{
	struct iokit_reason *r = &m->reason;
	struct io_async_action *a;
	struct io_port *port = NULL;
	u32 ret;
	int err;

	if (!kernel) {
		port = io_port_get_from_fd(m->port_fd);
		if (!port)
			return io_user_client_refuse(r, IOKIT_CHECK_PORT, (u32)m->port_fd, 0,
						     IOKIT_RETURN_BAD_ARGUMENT);
	}
	ret = IOKIT_RETURN_NO_RESOURCES;
	if (io_user_charge(conn->user, sizeof(*a), 0))
		goto put_port;
	ret = IOKIT_RETURN_NO_MEMORY;
	a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		goto uncharge;
	/* Bounded per connection: cancel and abort walk them with interrupts off. */
	spin_lock_irq(&conn->async_lock);
	err = conn->async_count >= IO_ASYNC_PENDING_MAX ? -EMFILE : 0;
	if (!err)
		conn->async_count++;
	spin_unlock_irq(&conn->async_lock);
	if (err) {
		ret = io_user_client_refuse(r, IOKIT_CHECK_ASYNC_PENDING, IO_ASYNC_PENDING_MAX,
					    IO_ASYNC_PENDING_MAX, IOKIT_RETURN_NO_RESOURCES);
		kfree(a);
		goto uncharge;
	}
	err = port ? io_port_reserve(port) : 0;
	if (err) {
		spin_lock_irq(&conn->async_lock);
		conn->async_count--;
		spin_unlock_irq(&conn->async_lock);
		if (err == -ENOSPC)
			ret = io_user_client_refuse(r, IOKIT_CHECK_PORT_FULL, 0, 0,
						    IOKIT_RETURN_NO_RESOURCES);
		else
			ret = io_user_client_refuse(r, IOKIT_CHECK_PORT, (u32)m->port_fd, 0,
						    IOKIT_RETURN_BAD_ARGUMENT);
		kfree(a);
		goto uncharge;
	}
	kref_init(&a->ref);
	kref_get(&conn->ref);
	a->conn = conn;
	a->port = port;
	a->reference_count = m->reference_count;
	memcpy(a->reference, m->reference, m->reference_count * sizeof(u64));
	if (kernel) {
		a->kernel_done = kernel->done;
		a->refcon = kernel->refcon;
		atomic_inc(&conn->kernel_actions);
	}
	INIT_WORK(&a->done_work, io_async_done_work);
	INIT_WORK(&a->free_work, io_async_free_work);
	INIT_LIST_HEAD(&a->node);
	a->state = IO_ASYNC_CALLING;
	iokit_live_inc(IOKIT_LIVE_ASYNC);
	*out = a;
	return IOKIT_RETURN_SUCCESS;

uncharge:
	io_user_uncharge(conn->user, sizeof(*a), 0);
put_port:
	if (port)
		io_port_put(port);
	return ret;
}

/**
 * io_async_action_commit() - an async call has returned to the application
 * @action: its completion; the framework's reference is dropped here
 * @succeeded: the call succeeded and its struct reached the caller
 *
 * Process context, with no spinlock held: the memory may go here.
 *
 * A failed call gives its slot back and posts nothing, whatever the
 * driver did meanwhile (a driver that kept a reference finds it done).
 * A successful one posts the result the driver gave already, or is listed
 * to wait for it; if its client was stopped meanwhile, it is aborted.
 */
void io_async_action_commit(struct io_async_action *action, bool succeeded)
{
	struct io_connection *conn = action->conn;
	bool unreserve = false;

	spin_lock_irq(&conn->async_lock);
	if (!succeeded) {
		action->state = IO_ASYNC_DONE;
		conn->async_count--;
		unreserve = true;
	} else if (action->state == IO_ASYNC_EARLY) {
		io_async_post(action, action->status, action->args, action->count);
	} else if (conn->async_stopped) {
		io_async_post(action, IOKIT_RETURN_ABORTED, NULL, 0);
	} else {
		action->state = IO_ASYNC_PENDING;
		list_add_tail(&action->node, &conn->async_pending);
	}
	spin_unlock_irq(&conn->async_lock);
	if (unreserve && action->port)
		io_port_unreserve(action->port);
	kref_put(&action->ref, io_async_release_in_call);
}

/**
 * io_async_abort_all() - abort every completion a connection still owes
 * @conn: the connection, whose client is stopped
 *
 * One at a time, so interrupts are off only for one record.  A call that
 * returns later is aborted when it does (io_async_action_commit()).
 */
void io_async_abort_all(struct io_connection *conn)
{
	struct io_async_action *a;

	do {
		spin_lock_irq(&conn->async_lock);
		conn->async_stopped = true;
		a = list_first_entry_or_null(&conn->async_pending, struct io_async_action, node);
		if (a)
			io_async_post(a, IOKIT_RETURN_ABORTED, NULL, 0);
		spin_unlock_irq(&conn->async_lock);
		cond_resched();
	} while (a);
}

/**
 * io_async_cancel() - abort the oldest pending call with a reference
 * @conn: the connection
 * @reference: the words to compare
 * @count: how many, 1 to IOKIT_ASYNC_REF_MAX
 *
 * Return: true if one was aborted.
 */
bool io_async_cancel(struct io_connection *conn, const u64 *reference, u32 count)
{
	struct io_async_action *a;
	bool found = false;

	spin_lock_irq(&conn->async_lock);
	list_for_each_entry(a, &conn->async_pending, node) {
		if (a->reference_count >= count &&
		    !memcmp(a->reference, reference, count * sizeof(u64))) {
			io_async_post(a, IOKIT_RETURN_ABORTED, NULL, 0);
			found = true;
			break;
		}
	}
	spin_unlock_irq(&conn->async_lock);
	return found;
}

int io_async_init(void)
{
	io_async_wq = alloc_workqueue("iokit_async", 0, 0);
	return io_async_wq ? 0 : -ENOMEM;
}

/* Called once no connection is left: every action's memory is back. */
void io_async_exit(void)
{
	destroy_workqueue(io_async_wq);
}
