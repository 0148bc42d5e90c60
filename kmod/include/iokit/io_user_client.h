/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOUserClient: the object an application's connection reaches
 * (Documentation/user-client.rst).  A user-client class is a driver
 * class (struct io_driver) whose instances are made by IOServiceOpen, not
 * by matching: it has no personalities, a dispatch table, and optional
 * ClientClose.
 *
 *	struct edu_client {
 *		struct io_user_client client;
 *	};
 *
 *	static u32 edu_factorial(struct io_user_client *client, void *reference,
 *				 struct io_user_client_method_args *args)
 *	{
 *		args->scalar_output[0] = edu_compute(client, args->scalar_input[0]);
 *		return IOKIT_RETURN_SUCCESS;
 *	}
 *
 *	static const struct io_user_client_method edu_methods[] = {
 *		[0] = IO_USER_CLIENT_METHOD(edu_factorial, 1, 0, 1, 0),
 *	};
 *
 *	static const struct io_user_client_ops edu_client_ops = {
 *		.methods = edu_methods,
 *		.method_count = ARRAY_SIZE(edu_methods),
 *	};
 *
 *	static struct io_driver edu_client_driver = {
 *		IO_USER_CLIENT_CLASS("EduUserClient", struct edu_client, client),
 *		.ops = &(const struct io_service_ops) { },
 *		.user_client = &edu_client_ops,
 *	};
 *
 * The service the application opens names the class in its
 * IOUserClientClass property, or makes the client itself in its
 * io_service_ops.new_user_client with io_user_client_create().
 */
#ifndef _IOKIT_IO_USER_CLIENT_H
#define _IOKIT_IO_USER_CLIENT_H

#include <linux/spinlock.h>
#include <linux/types.h>

#include <linux/iokit.h>

#include <iokit/io_driver.h>

struct io_async_action;
struct io_connection;
struct io_memory_descriptor;
struct io_port;
struct os_data;
struct os_dictionary;

/* A dispatch check that accepts any value (kIOUserClientVariableStructureSize). */
#define IO_USER_CLIENT_VARIABLE_SIZE	0xffffffffu

/* Most methods one class may have: bounds the table's registry property. */
#define IO_USER_CLIENT_METHODS_MAX	256

/**
 * struct io_user_client - an IOUserClient
 * @service: its IOService (attached to the service it was opened on)
 * @connection: the application's connection, iokit's (referenced); NULL
 *	once the client has been stopped
 * @type: the connection type IOServiceOpen passed
 * @entitlements: the opening process's (io_user_client_copy_client_entitlements())
 * @notify_lock: iokit's: guards @notify; taken with interrupts off
 * @notify: iokit's: the ports IOConnectSetNotificationPort gave, by type
 *	(struct io_user_client_notify, io_user_client_notification.c)
 */
struct io_user_client {
	struct io_service service;
	struct io_connection *connection;
	u32 type;
	struct os_dictionary *entitlements;
	spinlock_t notify_lock;		/* notify */
	struct io_user_client_notify {
		struct io_port *port;
		u64 reference;
		u32 type;
	} notify[IOKIT_CONNECT_NOTIFICATION_TYPES_MAX];
};

/**
 * struct io_user_client_method_args - IOUserClientMethodArguments
 * @selector: the method
 * @completion: an async call's completion, or NULL for a synchronous
 *	call: the method's during the call; io_async_action_get() keeps it
 * @scalar_input: @scalar_input_count values, in kernel memory
 * @scalar_input_count: at most IOKIT_SCALAR_MAX
 * @structure_input: the caller's inline structure, or NULL when it
 *	passed none or passed it out of line; valid during the call (take a
 *	reference to keep it)
 * @structure_input_descriptor: a structure over IOKIT_STRUCT_INLINE_MAX
 *	bytes: the caller's pages, pinned for reading (direction OUT); valid
 *	during the call (take a reference to keep it)
 * @scalar_output: room for @scalar_output_count values, zeroed
 * @scalar_output_count: in: the caller's room; the method may lower it
 * @structure_output: set by the method: an OSData whose bytes go back to
 *	the caller (the framework drops the reference).  Longer than
 *	@structure_output_maximum_size fails the call.
 * @structure_output_descriptor: room over IOKIT_STRUCT_INLINE_MAX bytes:
 *	the caller's pages, pinned for writing (direction IN); the method
 *	writes its output there, or sets @structure_output instead
 * @structure_output_descriptor_size: in: the descriptor's length; the
 *	method lowers it to the bytes it wrote
 * @structure_output_maximum_size: the caller's room for it
 */
struct io_user_client_method_args {
	u64 selector;
	struct io_async_action *completion;
	const u64 *scalar_input;
	u32 scalar_input_count;
	const struct os_data *structure_input;
	struct io_memory_descriptor *structure_input_descriptor;
	u64 *scalar_output;
	u32 scalar_output_count;
	struct os_data *structure_output;
	struct io_memory_descriptor *structure_output_descriptor;
	u64 structure_output_descriptor_size;
	u64 structure_output_maximum_size;
};

/**
 * struct io_user_client_method - IOUserClientMethodDispatch: one entry
 * @name: the method's name, shown in IOUserClientMethods
 * @function: the method; NULL answers kIOReturnNoCompletion.  It runs in
 *	the caller's thread and may sleep; it must not terminate its own
 *	client and wait (termination waits for calls in flight).
 * @check_completion_exists: 1: the call must be async; 0: must not be;
 *	IO_USER_CLIENT_VARIABLE_SIZE: either
 * @check_scalar_input_count: the count the caller must pass, or
 *	IO_USER_CLIENT_VARIABLE_SIZE
 * @check_structure_input_size: likewise, the structure input's size
 * @check_scalar_output_count: likewise, the caller's scalar output room
 * @check_structure_output_size: likewise, the caller's structure output room
 *
 * As in DriverKit, a zeroed entry is strict: no scalars, no structures,
 * not async.
 */
struct io_user_client_method {
	const char *name;
	u32 (*function)(struct io_user_client *client, void *reference,
			struct io_user_client_method_args *args);
	u32 check_completion_exists;
	u32 check_scalar_input_count;
	u32 check_structure_input_size;
	u32 check_scalar_output_count;
	u32 check_structure_output_size;
};

/* An async method's entry: the call must carry a completion. */
#define IO_USER_CLIENT_ASYNC_METHOD(_fn, _scalar_in, _struct_in, _scalar_out, _struct_out) \
	{ .name = #_fn, .function = (_fn),				\
	  .check_completion_exists = 1,					\
	  .check_scalar_input_count = (_scalar_in),			\
	  .check_structure_input_size = (_struct_in),			\
	  .check_scalar_output_count = (_scalar_out),			\
	  .check_structure_output_size = (_struct_out) }

/* A synchronous method's entry, named after its function. */
#define IO_USER_CLIENT_METHOD(_fn, _scalar_in, _struct_in, _scalar_out, _struct_out) \
	{ .name = #_fn, .function = (_fn),				\
	  .check_completion_exists = 0,					\
	  .check_scalar_input_count = (_scalar_in),			\
	  .check_structure_input_size = (_struct_in),			\
	  .check_scalar_output_count = (_scalar_out),			\
	  .check_structure_output_size = (_struct_out) }

/* io_user_client_ops.flags */
#define IO_USER_CLIENT_CONCURRENT	0x1	/* calls may run in parallel */
#define IO_USER_CLIENT_ANY_ACCESS	0x2	/* any process may open it */

/**
 * struct io_user_client_ops - what makes a driver class a user-client class
 * @methods: the dispatch table, indexed by selector
 * @method_count: its length, at most IO_USER_CLIENT_METHODS_MAX
 * @flags: IO_USER_CLIENT_* bits.  Calls into one client are serialised
 *	unless IO_USER_CLIENT_CONCURRENT is set (DriverKit's serial default
 *	queue).  Unless root's policy says otherwise, a process without
 *	CAP_SYS_ADMIN may open the class only if IO_USER_CLIENT_ANY_ACCESS is
 *	set (DriverKit's allow-any-userclient-access) or its entitlements'
 *	userclient-access names the service.
 * @entitlements: IOServiceDEXTEntitlements: NULL, or a NULL-terminated
 *	list of alternatives, each entitlement names separated by spaces; a
 *	caller, root included, must hold every one of some alternative
 * @external_method: ExternalMethod, called once the framework's checks
 *	of @dispatch passed; NULL calls @dispatch's function.  An override
 *	calls io_user_client_dispatch() for the entries it does not handle.
 * @client_close: ClientClose: the application closed the connection or
 *	died.  Called at most once, before the client's termination, never
 *	concurrently with a method or Stop: under the client's matching
 *	lock, so it must not terminate the client itself (iokit does, right
 *	after).  Optional.
 * @copy_client_memory_for_type: CopyClientMemoryForType: the memory an
 *	application maps as @type (IOConnectMapMemory64).  Sets @options to
 *	IOKIT_MEMORY_READ_ONLY or 0 and @memory to a buffer descriptor
 *	(io_buffer_memory_descriptor_create()) with a reference for the
 *	caller.  Asked once per type and connection, one at a time;
 *	serialised with the methods unless IO_USER_CLIENT_CONCURRENT is set.
 *	What it returns stays mapped until the client is terminated.
 *	Optional: without it nothing can be mapped.
 * @register_notification_port: RegisterNotificationPort: the application
 *	asked for notifications of @type (IOConnectSetNotificationPort), with
 *	@on, or for none any more.  Returns IOKIT_RETURN_SUCCESS to accept,
 *	IOKIT_RETURN_UNSUPPORTED for a type it does not send, or another
 *	IOReturn to refuse.  iokit keeps the port: the client sends with
 *	io_user_client_send_notification().  One at a time per connection;
 *	serialised with the methods unless IO_USER_CLIENT_CONCURRENT is set.
 *	Optional: without it the client takes no port, as IOUserClient's
 *	default answers kIOReturnUnsupported.
 */
struct io_user_client_ops {
	const struct io_user_client_method *methods;
	unsigned int method_count;
	unsigned int flags;
	const char *const *entitlements;
	u32 (*external_method)(struct io_user_client *client, u64 selector,
			       struct io_user_client_method_args *args,
			       const struct io_user_client_method *dispatch);
	void (*client_close)(struct io_user_client *client);
	u32 (*copy_client_memory_for_type)(struct io_user_client *client, u32 type,
					   u32 *options, struct io_memory_descriptor **memory);
	u32 (*register_notification_port)(struct io_user_client *client, u32 type,
					  u64 reference, bool on);
};

extern const struct os_class io_user_client_class;

/* A user-client class: the struct embeds a struct io_user_client at @_member. */
#define IO_USER_CLIENT_CLASS(_name, _type, _member)			\
	.cls = { .name = (_name), .super = &io_user_client_class },	\
	.instance_size = sizeof(_type),					\
	.service_offset = offsetof(_type, _member) +			\
			  offsetof(struct io_user_client, service)

static inline struct io_user_client *io_user_client_from_service(struct io_service *service)
{
	return container_of(service, struct io_user_client, service);
}

u32 io_user_client_create(struct io_service *service, const char *class_name, u32 type,
			  struct io_user_client **client);
u32 io_service_create_from_property(struct io_service *provider, const char *properties_key,
				    struct io_service **result);
u32 io_user_client_copy_client_entitlements(struct io_user_client *client,
					    struct os_dictionary **entitlements);
u32 io_user_client_dispatch(struct io_user_client *client,
			    struct io_user_client_method_args *args,
			    const struct io_user_client_method *dispatch, void *reference);
int io_user_client_send_notification(struct io_user_client *client, u32 type, u32 status,
				     const u64 *args, unsigned int count);

/* ---- In-kernel clients (io_connection_kernel.c) ---- */

/**
 * typedef io_kernel_completion_t - KernelCompletion: an async call's result
 * @refcon: io_kernel_completion.refcon
 * @status: the driver's IOReturn, or kIOReturnAborted
 * @args: the driver's values, valid during the call
 * @count: how many, at most IOKIT_ASYNC_ARGS_MAX
 */
typedef void (*io_kernel_completion_t)(void *refcon, u32 status, const u64 *args, u32 count);

/**
 * struct io_kernel_completion - where an in-kernel client's async result goes
 * @done: the callback
 * @refcon: its first argument
 */
struct io_kernel_completion {
	io_kernel_completion_t done;
	void *refcon;
};

/**
 * struct io_connect_args - an in-kernel client's IOConnectCallMethod
 * @selector: the method
 * @scalar_input: @scalar_input_count values
 * @scalar_input_count: at most IOKIT_SCALAR_MAX
 * @struct_input: @struct_input_size bytes, or NULL
 * @struct_input_size: at most IOKIT_STRUCT_OOL_MAX
 * @scalar_output: room for @scalar_output_count values
 * @scalar_output_count: in: the room; out: how many came back
 * @struct_output: room for @struct_output_size bytes, or NULL
 * @struct_output_size: in: the room; out: how many bytes came back
 * @reason: out: why the framework refused the call
 */
struct io_connect_args {
	u32 selector;
	const u64 *scalar_input;
	u32 scalar_input_count;
	const void *struct_input;
	size_t struct_input_size;
	u64 *scalar_output;
	u32 scalar_output_count;
	void *struct_output;
	size_t struct_output_size;
	struct iokit_reason reason;
};

u32 io_service_open_kernel(struct io_service *service, u32 type, struct io_connection **conn);
void io_service_close_kernel(struct io_connection *conn);
u32 io_connect_call_method(struct io_connection *conn, struct io_connect_args *args);
u32 io_connect_call_async_method(struct io_connection *conn, struct io_connect_args *args,
				 const struct io_kernel_completion *completion);

struct io_async_action *io_async_action_get(struct io_async_action *action);
void io_async_action_put(struct io_async_action *action);
int io_async_complete(struct io_async_action *action, u32 status, const u64 *args,
		      unsigned int count);
bool io_async_action_pending(struct io_async_action *action);

#endif /* _IOKIT_IO_USER_CLIENT_H */
