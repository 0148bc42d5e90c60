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
 * Calls in flight are counted in @inflight, a percpu_ref: a call costs a
 * per-CPU increment and no shared cache line, and killing it once makes
 * every later call fail without a lock.  Calls into one client are
 * serialised by @call_lock unless its class allows them concurrently.
 */
#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/percpu-refcount.h>

#include <iokit/io_user_client.h>

#include "io_user.h"
#include "iokit_internal.h"

/* io_connection.flags */
enum {
	IO_CONNECTION_CLOSED,		/* the first close has begun */
	IO_CONNECTION_KILLED,		/* @inflight was killed */
};

/**
 * struct io_connection - one application's connection to a user client
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
 */
struct io_connection {
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
};

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
	/* After this, @conn may be freed by its release: do not touch it. */
	client = io_connection_take(conn, client);
	if (client)
		io_registry_entry_put(&client->service.entry);
}

/*
 * IOServiceClose, or the owner's death: the first close wins.  The
 * client's ClientClose runs once its calls have drained, then it is
 * terminated (when it returns, its Stop has run).
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
	io_user_client_close(client, crashed);
	io_service_terminate(&client->service);
	io_registry_entry_put(&client->service.entry);
}

static u32 io_connection_cmd_method(struct iokit_call *call, void *arg)
{
	struct io_connection *conn = call->file->private_data;
	struct iokit_connect_method *m = arg;
	struct io_user_client *client;
	u32 ret;

	memset(&m->reason, 0, sizeof(m->reason));
	if (!percpu_ref_tryget_live(&conn->inflight))
		goto gone;
	/* Stable while the call is in flight: both takers drain first, or hold it. */
	client = READ_ONCE(conn->client);
	if (!client) {
		percpu_ref_put(&conn->inflight);
		goto gone;
	}
	if (conn->serial && mutex_lock_killable(&conn->call_lock)) {
		percpu_ref_put(&conn->inflight);
		call->err = -EINTR;
		return IOKIT_RETURN_ABORTED;
	}
	ret = io_user_client_call(client, m);
	if (conn->serial)
		mutex_unlock(&conn->call_lock);
	percpu_ref_put(&conn->inflight);
	return ret;

gone:
	m->scalar_output_count = 0;
	m->struct_output_size = 0;
	return test_bit(IO_CONNECTION_CLOSED, &conn->flags) ? IOKIT_RETURN_NOT_OPEN :
							      IOKIT_RETURN_NOT_ATTACHED;
}

static u32 io_connection_cmd_close(struct iokit_call *call, void *arg)
{
	io_connection_close(call->file->private_data, false);
	return IOKIT_RETURN_SUCCESS;
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
};

static long io_connection_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union io_connection_arg_buffer buf;

	return iokit_ioctl_dispatch(file, io_connection_ops, IOKIT_CMD_CONNECT_METHOD,
				    ARRAY_SIZE(io_connection_ops), &buf, cmd, arg);
}

/* Give back a connection: no call can be in flight without its file. */
static void io_connection_free(struct io_connection *conn)
{
	percpu_ref_exit(&conn->inflight);
	if (conn->client_charge)
		io_user_uncharge(conn->user, conn->client_charge, 0);
	io_user_uncharge(conn->user, conn->charge, 0);
	io_user_put(conn->user);
	kfree(conn);
	iokit_live_dec(IOKIT_LIVE_CONNECTIONS);
}

/* The last reference to the file: whoever held it, the owner is gone. */
static int io_connection_release(struct inode *inode, struct file *file)
{
	struct io_connection *conn = file->private_data;

	io_connection_close(conn, true);
	io_connection_free(conn);
	return 0;
}

static const struct file_operations io_connection_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = io_connection_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = io_connection_release,
	.llseek = noop_llseek,
};

/* A connection charged to the caller, not yet bound to a client. */
static struct io_connection *io_connection_alloc(u32 *ret)
{
	struct io_user *user = io_user_get_current();
	struct io_connection *conn;
	size_t charge = sizeof(*conn);

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
	init_completion(&conn->drained);
	spin_lock_init(&conn->lock);
	mutex_init(&conn->call_lock);
	conn->user = user;
	conn->charge = charge;
	iokit_live_inc(IOKIT_LIVE_CONNECTIONS);
	return conn;
}

/* Whether the class admits the caller (until root's policy: issue 10). */
static bool io_connection_admits(struct iokit_call *call, struct io_user_client *client)
{
	return (client->service.driver->user_client->flags & IO_USER_CLIENT_ANY_ACCESS) ||
	       iokit_call_privileged(call);
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
	struct io_user_client *client;
	struct io_connection *conn;
	struct io_registry_entry *e;
	struct file *file;
	size_t charge;
	u32 ret;
	int fd;

	memset(&so->reason, 0, sizeof(so->reason));
	so->fd = -1;
	if (so->flags || so->reserved) {
		so->reason.check = IOKIT_CHECK_FLAGS;
		so->reason.seen = so->flags;
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	e = io_registry_entry_from_id(so->entry_id);
	if (!e)
		return IOKIT_RETURN_NOT_FOUND;
	ret = IOKIT_RETURN_BAD_ARGUMENT;
	if (!os_object_is_kind(&e->obj, &io_service_class))
		goto put_entry;
	conn = io_connection_alloc(&ret);
	if (!conn)
		goto put_entry;
	ret = io_service_new_user_client(io_service_from_entry(e), so->type, &client,
					 &so->reason);
	if (ret)
		goto free_conn;
	/* As DriverKit does, a client the caller may not have is terminated. */
	if (!io_connection_admits(call, client)) {
		so->reason.check = IOKIT_CHECK_ACCESS;
		ret = IOKIT_RETURN_NOT_PERMITTED;
		goto terminate;
	}
	/* The client's own memory, charged now that its class is known. */
	charge = client->service.driver->instance_size;
	ret = IOKIT_RETURN_NO_RESOURCES;
	if (io_user_charge(conn->user, charge, 0))
		goto terminate;
	conn->client_charge = charge;
	conn->serial = !(client->service.driver->user_client->flags & IO_USER_CLIENT_CONCURRENT);
	conn->service_id = e->id;
	conn->client_id = client->service.entry.id;
	conn->type = so->type;
	conn->client = client;
	ret = IOKIT_RETURN_NOT_ATTACHED;
	if (!io_user_client_connect(client, conn)) {
		conn->client = NULL;
		goto terminate;
	}
	file = anon_inode_getfile("[iokit-connect]", &io_connection_fops, conn,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		/* Its close is the one a file's release would have run. */
		io_connection_close(conn, false);
		io_connection_free(conn);
		ret = IOKIT_RETURN_NO_RESOURCES;
		goto put_entry;
	}
	/* The file owns the connection from here on, installed or not. */
	fd = iokit_call_install_file(call, file, O_CLOEXEC);
	ret = fd < 0 ? IOKIT_RETURN_NO_RESOURCES : IOKIT_RETURN_SUCCESS;
	so->fd = fd < 0 ? -1 : fd;
	goto put_entry;

terminate:
	io_service_terminate(&client->service);
	io_registry_entry_put(&client->service.entry);
free_conn:
	io_connection_free(conn);
put_entry:
	io_registry_entry_put(e);
	return ret;
}
