// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connections: the file an application holds for each IOServiceOpen
 * (Documentation/user-client.rst, "Opening", "Client death").
 *
 * The connection is iokit's, not the driver's: it outlives the user
 * client when the client's service or driver goes away first (its calls
 * then answer kIOReturnNotAttached), and a driver module never waits for
 * an application to close a descriptor.
 *
 * Lifetimes.  The file owns the connection.  The connection owns the
 * client's creation reference in @client until one of two things takes
 * it, under @lock:
 *  - the close (IOKIT_IOC_CONNECT_CLOSE, or the file's release when the
 *    owner died): it drains the calls, runs ClientClose, terminates the
 *    client and drops the reference;
 *  - the client's termination from elsewhere (its service or driver
 *    going away): io_user_client_quiesce() drains and drops it.
 * Whichever comes second finds @client NULL.  A close that took the
 * reference waits in io_service_terminate() for a termination already
 * under way, so the connection is never freed while one still uses it.
 *
 * The connection's memory is reference counted apart from the file:
 * async calls whose completion is still to come hold it (io_async.c),
 * and so does the client until its Stop has run, which aborts them.
 *
 * Calls in flight are counted in @inflight, a percpu_ref: a call costs a
 * per-CPU increment and no shared cache line, and killing it once makes
 * every later call fail without a lock.  Calls into one client are
 * serialised by @call_lock unless its class allows them concurrently.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/mm.h>

#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "io_user.h"
#include "iokit_internal.h"

static void io_connection_inflight_release(struct percpu_ref *ref)
{
	struct io_connection *conn = container_of(ref, struct io_connection, inflight);

	complete_all(&conn->drained);
}

/* No call from now on; wait for those in flight.  Never from a call. */
static void io_connection_drain(struct io_connection *conn)
{
	if (!test_and_set_bit(IO_CONNECTION_KILLED, &conn->flags))
		percpu_ref_kill(&conn->inflight);
	wait_for_completion(&conn->drained);
}

/* Take the client from the connection, if no one has yet. */
static struct io_user_client *io_connection_take(struct io_connection *conn,
						 struct io_user_client *only)
{
	struct io_user_client *client;

	spin_lock(&conn->lock);
	client = conn->client;
	if (client && (!only || client == only))
		WRITE_ONCE(conn->client, NULL);
	else
		client = NULL;
	spin_unlock(&conn->lock);
	return client;
}

/**
 * io_connection_detach() - the connection's client is being terminated
 * @conn: the connection
 * @client: the client, held by its termination
 *
 * Calls in flight finish first; later ones find no client.
 */
void io_connection_detach(struct io_connection *conn, struct io_user_client *client)
{
	io_connection_drain(conn);
	io_connection_memory_revoke(conn);
	/* After this, @conn may be freed by its release: do not touch it. */
	client = io_connection_take(conn, client);
	if (client)
		io_registry_entry_put(&client->service.entry);
}

/*
 * IOServiceClose, or the owner's death: the first close wins.  The
 * client's ClientClose runs once its calls have drained, then it is
 * terminated: when that returns its Stop has run and what async calls
 * it left pending are aborted (io_user_client_stopped()).
 */
static void io_connection_close(struct io_connection *conn, bool crashed)
{
	struct io_user_client *client;

	if (test_and_set_bit(IO_CONNECTION_CLOSED, &conn->flags))
		return;
	client = io_connection_take(conn, NULL);
	if (!client)
		return;		/* terminated already */
	io_connection_drain(conn);
	io_connection_memory_revoke(conn);
	io_user_client_close(client, crashed);
	io_service_terminate(&client->service);
	io_registry_entry_put(&client->service.entry);
}

/* An async call's struct reached the caller, or did not: its completion may come. */
static void io_connection_method_finish(struct iokit_call *call, bool copied)
{
	io_async_action_commit(call->finish_arg, copied);
}

/* Variable output the caller was never told of is unmapped again. */
static void io_connection_var_output_finish(struct iokit_call *call, bool copied)
{
	const struct iokit_connect_method *m = call->finish_arg;

	if (!copied)
		vm_munmap(m->struct_output, m->struct_output_size);
}

/**
 * io_connection_call_begin() - start a call into the connection's client
 * @conn: the connection
 * @call: the ioctl, whose errno a fatal signal sets
 * @ret: out: the IOReturn when the call cannot run
 *
 * Return: the client, stable until io_connection_call_end(), or NULL if
 * the connection is closed (kIOReturnNotOpen), its client gone
 * (kIOReturnNotAttached), or a fatal signal ended the wait for a serial
 * client (kIOReturnAborted).
 */
struct io_user_client *io_connection_call_begin(struct io_connection *conn,
						struct iokit_call *call, u32 *ret)
{
	struct io_user_client *client;

	if (!percpu_ref_tryget_live(&conn->inflight))
		goto gone;
	/* Stable while the call is in flight: both takers drain first, or hold it. */
	client = READ_ONCE(conn->client);
	if (!client)
		goto put_gone;
	if (conn->serial && mutex_lock_killable(&conn->call_lock)) {
		percpu_ref_put(&conn->inflight);
		call->err = -EINTR;
		*ret = IOKIT_RETURN_ABORTED;
		return NULL;
	}
	/* Queued behind a call when the client went: do not run after all. */
	if (conn->serial && percpu_ref_is_dying(&conn->inflight)) {
		mutex_unlock(&conn->call_lock);
		goto put_gone;
	}
	return client;

put_gone:
	percpu_ref_put(&conn->inflight);
gone:
	*ret = test_bit(IO_CONNECTION_CLOSED, &conn->flags) ? IOKIT_RETURN_NOT_OPEN :
							      IOKIT_RETURN_NOT_ATTACHED;
	return NULL;
}

/**
 * io_connection_call_end() - the call io_connection_call_begin() began is over
 * @conn: the connection
 */
void io_connection_call_end(struct io_connection *conn)
{
	if (conn->serial)
		mutex_unlock(&conn->call_lock);
	percpu_ref_put(&conn->inflight);
}

static u32 io_connection_cmd_method(struct iokit_call *call, void *arg)
{
	struct io_connection *conn = call->file->private_data;
	struct iokit_connect_method *m = arg;
	struct io_async_action *action;
	struct io_user_client *client;
	u32 ret;

	memset(&m->reason, 0, sizeof(m->reason));
	action = NULL;
	client = io_connection_call_begin(conn, call, &ret);
	if (client) {
		ret = io_user_client_call(conn, client, m, NULL, &action);
		io_connection_call_end(conn);
	}
	/* On any failure no output goes back. */
	if (ret) {
		m->scalar_output_count = 0;
		m->struct_output_size = 0;
		if (m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT)
			m->struct_output = 0;
	}
	if (action) {
		call->finish = io_connection_method_finish;
		call->finish_arg = action;
	} else if (!ret && m->struct_output && m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT) {
		call->finish = io_connection_var_output_finish;
		call->finish_arg = m;
	}
	return ret;
}

static u32 io_connection_cmd_close(struct iokit_call *call, void *arg)
{
	io_connection_close(call->file->private_data, false);
	return IOKIT_RETURN_SUCCESS;
}

static u32 io_connection_cmd_cancel(struct iokit_call *call, void *arg)
{
	struct iokit_connect_cancel *c = arg;

	if (!c->reference_count || c->reference_count > IOKIT_ASYNC_REF_MAX || c->reserved)
		return IOKIT_RETURN_BAD_ARGUMENT;
	return io_async_cancel(call->file->private_data, c->reference, c->reference_count) ?
	       IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NOT_FOUND;
}

static u32 io_connection_cmd_info(struct iokit_call *call, void *arg)
{
	struct io_connection *conn = call->file->private_data;
	struct iokit_connect_info *info = arg;

	info->service_id = conn->service_id;
	info->client_id = conn->client_id;
	info->type = conn->type;
	if (test_bit(IO_CONNECTION_CLOSED, &conn->flags))
		info->state = IOKIT_CONNECT_CLOSED;
	else if (!READ_ONCE(conn->client))
		info->state = IOKIT_CONNECT_TERMINATED;
	else
		info->state = IOKIT_CONNECT_OPEN;
	return IOKIT_RETURN_SUCCESS;
}

union io_connection_arg_buffer {
	struct iokit_arg_header header;
	struct iokit_connect_method method;
	struct iokit_connect_close close;
	struct iokit_connect_info info;
	struct iokit_connect_cancel cancel;
	struct iokit_connect_memory memory;
	struct iokit_connect_notification_port notification_port;
};

#define IO_CONNECTION_OP(...) IOKIT_IOCTL_OP_OF(union io_connection_arg_buffer, __VA_ARGS__)
#define IO_CONNECTION_NR(cmd) ((cmd) - IOKIT_CMD_CONNECT_METHOD)

static const struct iokit_ioctl_op io_connection_ops[] = {
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_METHOD), IOKIT_IOC_CONNECT_METHOD,
			 io_connection_cmd_method, struct iokit_connect_method,
			 IOKIT_CONNECT_METHOD_SIZE_VER0, 0),
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_CLOSE), IOKIT_IOC_CONNECT_CLOSE,
			 io_connection_cmd_close, struct iokit_connect_close,
			 IOKIT_CONNECT_CLOSE_SIZE_VER0, 0),
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_INFO), IOKIT_IOC_CONNECT_INFO,
			 io_connection_cmd_info, struct iokit_connect_info,
			 IOKIT_CONNECT_INFO_SIZE_VER0, 0),
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_CANCEL), IOKIT_IOC_CONNECT_CANCEL,
			 io_connection_cmd_cancel, struct iokit_connect_cancel,
			 IOKIT_CONNECT_CANCEL_SIZE_VER0, 0),
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_MEMORY), IOKIT_IOC_CONNECT_MEMORY,
			 io_connection_cmd_memory, struct iokit_connect_memory,
			 IOKIT_CONNECT_MEMORY_SIZE_VER0, 0),
	IO_CONNECTION_OP(IO_CONNECTION_NR(IOKIT_CMD_CONNECT_NOTIFICATION_PORT),
			 IOKIT_IOC_CONNECT_NOTIFICATION_PORT,
			 io_connection_cmd_notification_port,
			 struct iokit_connect_notification_port,
			 IOKIT_CONNECT_NOTIFICATION_PORT_SIZE_VER0, 0),
};

static long io_connection_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union io_connection_arg_buffer buf;

	return iokit_ioctl_dispatch(file, io_connection_ops, IOKIT_CMD_CONNECT_METHOD,
				    ARRAY_SIZE(io_connection_ops), &buf, cmd, arg);
}

/* The last reference: no call, no client, no async call is left. */
static void io_connection_release_ref(struct kref *ref)
{
	struct io_connection *conn = container_of(ref, struct io_connection, ref);

	percpu_ref_exit(&conn->inflight);
	io_connection_memory_release(conn);
	if (conn->client_charge)
		io_user_uncharge(conn->user, conn->client_charge, 0);
	io_user_uncharge(conn->user, conn->charge, 0);
	io_user_put(conn->user);
	kfree(conn);
	iokit_live_dec(IOKIT_LIVE_CONNECTIONS);
}

/**
 * io_connection_put() - drop a reference to a connection
 * @conn: the connection
 *
 * Process context: the last reference gives back the connection's charge.
 */
void io_connection_put(struct io_connection *conn)
{
	kref_put(&conn->ref, io_connection_release_ref);
}

/* The last reference to the file: whoever held it, the owner is gone. */
static int io_connection_release(struct inode *inode, struct file *file)
{
	struct io_connection *conn = file->private_data;

	io_connection_close(conn, test_bit(IO_CONNECTION_DELIVERED, &conn->flags));
	io_connection_put(conn);
	return 0;
}

static const struct file_operations io_connection_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = io_connection_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = io_connection_mmap,
	.release = io_connection_release,
	.llseek = noop_llseek,
};

/* A connection charged to the caller, not yet bound to a client. */
static struct io_connection *io_connection_alloc(u32 *ret)
{
	struct io_user *user = io_user_get_current();
	struct io_connection *conn;
	/* The connection and its per-CPU count of calls. */
	size_t charge = sizeof(*conn) + nr_cpu_ids * sizeof(unsigned long);

	*ret = IOKIT_RETURN_NO_MEMORY;
	if (!user)
		return NULL;
	if (io_user_charge(user, charge, 0)) {
		*ret = IOKIT_RETURN_NO_RESOURCES;
		io_user_put(user);
		return NULL;
	}
	conn = kzalloc(sizeof(*conn), GFP_KERNEL_ACCOUNT);
	if (conn && percpu_ref_init(&conn->inflight, io_connection_inflight_release, 0,
				    GFP_KERNEL_ACCOUNT)) {
		kfree(conn);
		conn = NULL;
	}
	if (!conn) {
		io_user_uncharge(user, charge, 0);
		io_user_put(user);
		return NULL;
	}
	kref_init(&conn->ref);
	init_completion(&conn->drained);
	spin_lock_init(&conn->lock);
	spin_lock_init(&conn->async_lock);
	INIT_LIST_HEAD(&conn->async_pending);
	mutex_init(&conn->call_lock);
	mutex_init(&conn->notify_set_lock);
	init_waitqueue_head(&conn->kernel_wq);
	mutex_init(&conn->memory_ask_lock);
	mutex_init(&conn->memory_lock);
	xa_init(&conn->memory);
	conn->user = user;
	conn->charge = charge;
	iokit_live_inc(IOKIT_LIVE_CONNECTIONS);
	return conn;
}

/* The file reached its owner: its last release without a close is a death. */
static void io_connection_delivered(struct file *file)
{
	struct io_connection *conn = file->private_data;

	set_bit(IO_CONNECTION_DELIVERED, &conn->flags);
}

/**
 * io_connection_open() - a connection to a new user client of a service
 * @service: the service
 * @type: the connection type
 * @file: the /dev/iokit the application's open came through; NULL for a
 *	kernel client, which is root
 * @reason: where a refusal is explained
 * @out: the connection, with one reference, its client connected
 *
 * Return: an IOReturn.
 */
u32 io_connection_open(struct io_service *service, u32 type, struct file *file,
		       struct iokit_reason *reason, struct io_connection **out)
{
	struct io_open_request req = { .reason = reason, .file = file };
	struct io_user_client *client;
	struct io_connection *conn;
	u32 ret;

	conn = io_connection_alloc(&ret);
	if (!conn)
		return ret;
	conn->kernel = !file;
	req.conn = conn;
	req.privileged = !file || file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN);
	req.type = type;
	/* A kernel client has no program of its own: only root's entitlement. */
	req.entitlements = io_user_client_entitlements(req.privileged, file);
	ret = io_service_new_user_client(service, type, &req);
	if (req.entitlements)
		os_object_put(&req.entitlements->obj);
	if (ret)
		goto free_conn;
	client = req.client;
	conn->serial = !(client->service.driver->user_client->flags & IO_USER_CLIENT_CONCURRENT);
	conn->service_id = service->entry.id;
	conn->client_id = client->service.entry.id;
	conn->type = type;
	conn->client = client;
	if (client->service.provider != service || !io_user_client_connect(client, conn)) {
		conn->client = NULL;
		io_service_terminate(&client->service);
		io_registry_entry_put(&client->service.entry);
		ret = IOKIT_RETURN_NOT_ATTACHED;
		goto free_conn;
	}
	*out = conn;
	return IOKIT_RETURN_SUCCESS;

free_conn:
	io_connection_put(conn);
	return ret;
}

/**
 * io_connection_close_kernel() - IOServiceClose for a kernel client
 * @conn: the connection; its reference is dropped
 *
 * Returns once every completion callback of the connection has run.
 */
void io_connection_close_kernel(struct io_connection *conn)
{
	io_connection_close(conn, false);
	/*
	 * Every completion it was owed has been handed over: whoever
	 * terminated the client, and whenever the driver let go.
	 */
	wait_event(conn->kernel_wq, !atomic_read(&conn->kernel_actions));
	io_connection_put(conn);
}

/**
 * io_connection_cmd_open() - IOKIT_IOC_SERVICE_OPEN: IOServiceOpen
 * @call: the ioctl
 * @arg: struct iokit_service_open
 *
 * Return: an IOReturn.
 */
u32 io_connection_cmd_open(struct iokit_call *call, void *arg)
{
	struct iokit_service_open *so = arg;
	struct io_connection *conn;
	struct io_registry_entry *e;
	struct file *file;
	u32 ret;
	int fd;

	memset(&so->reason, 0, sizeof(so->reason));
	so->fd = -1;
	if (so->flags || so->reserved) {
		so->reason.check = IOKIT_CHECK_FLAGS;
		so->reason.seen = so->flags ?: so->reserved;
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	e = io_registry_entry_from_id(so->entry_id);
	if (!e)
		return IOKIT_RETURN_NOT_FOUND;
	ret = IOKIT_RETURN_BAD_ARGUMENT;
	if (!os_object_is_kind(&e->obj, &io_service_class))
		goto put_entry;
	ret = io_connection_open(io_service_from_entry(e), so->type, call->file, &so->reason,
				 &conn);
	if (ret)
		goto put_entry;
	file = anon_inode_getfile("[iokit-connect]", &io_connection_fops, conn,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		/* Its close is the one a file's release would have run. */
		io_connection_close(conn, false);
		io_connection_put(conn);
		ret = IOKIT_RETURN_NO_RESOURCES;
		goto put_entry;
	}
	if (io_connection_memory_init(conn, file)) {
		fput(file);
		ret = IOKIT_RETURN_NO_MEMORY;
		goto put_entry;
	}
	/* The file owns the connection from here on, installed or not. */
	call->delivered = io_connection_delivered;
	fd = iokit_call_install_file(call, file, O_CLOEXEC);
	ret = fd < 0 ? IOKIT_RETURN_NO_RESOURCES : IOKIT_RETURN_SUCCESS;
	so->fd = fd < 0 ? -1 : fd;
put_entry:
	io_registry_entry_put(e);
	return ret;
}
