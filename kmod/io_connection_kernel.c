// SPDX-License-Identifier: GPL-2.0-only
/*
 * In-kernel clients (Documentation/user-client.rst, "In-kernel clients"):
 * a kernel module opening a service's user client and calling its
 * methods as an application does, through the same connection, checks
 * and teardown - only its buffers are kernel memory, and an async call's
 * result goes to a callback (KernelCompletion) instead of a port.
 *
 *	struct io_connect_args a = {
 *		.selector = 0,
 *		.scalar_input = in, .scalar_input_count = 1,
 *		.scalar_output = out, .scalar_output_count = 1,
 *	};
 *	struct io_connection *conn;
 *
 *	if (!io_service_open_kernel(service, 0, &conn)) {
 *		ret = io_connect_call_method(conn, &a);
 *		io_service_close_kernel(conn);
 *	}
 *
 * A kernel client is root: the access policy admits it, and it holds the
 * administrator entitlement only.  Its connection does not pin the
 * driver: when the service or its driver goes, calls answer
 * kIOReturnNotAttached until the client closes.
 */
#include <linux/export.h>
#include <linux/workqueue.h>

#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "iokit_internal.h"

/**
 * io_service_open_kernel() - IOServiceOpen from a kernel module
 * @service: the service, held by the caller
 * @type: the connection type, passed to NewUserClient
 * @conn: out: the connection, for io_service_close_kernel()
 *
 * Process context.
 *
 * Return: as IOKIT_IOC_SERVICE_OPEN: IOKIT_RETURN_SUCCESS,
 * _UNSUPPORTED, _NOT_ATTACHED, _NOT_PERMITTED (a class's required
 * entitlements), _NO_MEMORY, or the driver's NewUserClient's IOReturn.
 */
u32 io_service_open_kernel(struct io_service *service, u32 type, struct io_connection **conn)
{
	struct iokit_reason reason = { };

	*conn = NULL;
	return io_connection_open(service, type, NULL, &reason, conn);
}
EXPORT_SYMBOL_GPL(io_service_open_kernel);

/**
 * io_service_close_kernel() - IOServiceClose from a kernel module
 * @conn: the connection; gone when this returns
 *
 * The client's calls drain, its ClientClose runs and it is terminated;
 * what async calls it left pending are aborted, and every completion
 * callback of the connection, aborted or not, has run before this
 * returns: the caller's module may then unload.  Process context; not
 * from one of its own callbacks, which would wait for itself.  A driver
 * that keeps a completion past its Stop keeps this waiting.
 */
void io_service_close_kernel(struct io_connection *conn)
{
	io_connection_close_kernel(conn);
}
EXPORT_SYMBOL_GPL(io_service_close_kernel);

/* The connection's method call, from kernel buffers. */
static u32 io_connect_call(struct io_connection *conn, struct io_connect_args *args,
			   const struct io_kernel_completion *completion)
{
	struct iokit_connect_method m = {
		.size = sizeof(m),
		.selector = args->selector,
		.scalar_input = (uintptr_t)args->scalar_input,
		.scalar_input_count = args->scalar_input_count,
		.scalar_output = (uintptr_t)args->scalar_output,
		.scalar_output_count = args->scalar_output_count,
		.struct_input = (uintptr_t)args->struct_input,
		.struct_input_size = args->struct_input_size,
		.struct_output = (uintptr_t)args->struct_output,
		.struct_output_size = args->struct_output_size,
		.reference_count = completion ? 1 : 0,
	};
	struct io_async_action *action = NULL;
	struct io_user_client *client;
	struct iokit_call call = { };
	u32 ret;

	client = io_connection_call_begin(conn, &call, &ret);
	if (client) {
		ret = io_user_client_call(conn, client, &m, completion, &action);
		/*
		 * Nothing to copy back to: an accepted call is committed at
		 * once, inside the call, so a close drains it with the call.
		 */
		if (action)
			io_async_action_commit(action, true);
		io_connection_call_end(conn);
	}
	args->reason = m.reason;
	args->scalar_output_count = ret ? 0 : m.scalar_output_count;
	args->struct_output_size = ret ? 0 : m.struct_output_size;
	return ret;
}

/**
 * io_connect_call_method() - IOConnectCallMethod from a kernel module
 * @conn: the connection
 * @args: the call, in kernel memory: the counts and sizes the method's
 *	dispatch entry checks; structures over IOKIT_STRUCT_INLINE_MAX reach
 *	it as descriptors over the caller's buffers, not copied
 *
 * Process context: the method runs in the caller's thread.
 *
 * Return: as IOKIT_IOC_CONNECT_METHOD: the framework's refusal with
 * @args->reason, or the method's IOReturn; on failure both output counts
 * are 0.
 */
u32 io_connect_call_method(struct io_connection *conn, struct io_connect_args *args)
{
	return io_connect_call(conn, args, NULL);
}
EXPORT_SYMBOL_GPL(io_connect_call_method);

/**
 * io_connect_call_async_method() - IOConnectCallAsyncMethod from a kernel module
 * @conn: the connection
 * @args: the call, as for io_connect_call_method()
 * @completion: KernelCompletion: @completion->done(@completion->refcon,
 *	status, args, count) runs once, in process context on iokit's
 *	workqueue, for a call that succeeds - with the driver's result, or
 *	kIOReturnAborted if the client went first
 *
 * The call's buffers are the caller's until the callback has run: a
 * driver may keep the descriptors of structures over
 * IOKIT_STRUCT_INLINE_MAX for the async work.
 *
 * Return: as io_connect_call_method(); a call that fails has no
 * completion.
 */
u32 io_connect_call_async_method(struct io_connection *conn, struct io_connect_args *args,
				 const struct io_kernel_completion *completion)
{
	if (!completion || !completion->done)
		return IOKIT_RETURN_BAD_ARGUMENT;
	return io_connect_call(conn, args, completion);
}
EXPORT_SYMBOL_GPL(io_connect_call_async_method);
