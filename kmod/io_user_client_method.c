// SPDX-License-Identifier: GPL-2.0-only
/*
 * ExternalMethod: one call from an application into its user client
 * (Documentation/user-client.rst, "ExternalMethod").
 *
 * Every check of the method's dispatch entry runs before any driver code
 * does, and a failed one says which check it was and the values it
 * compared: an application author sees "scalarInputCount 3 != 2", not
 * only kIOReturnBadArgument.  The arguments are then read into kernel
 * memory once - scalars on the stack, the structure into the OSData the
 * method gets - and what the method returns goes back once.  A structure
 * over IOKIT_STRUCT_INLINE_MAX is not copied at all: the method gets a
 * memory descriptor over the caller's pages, pinned for the call.  Those
 * pages are still the caller's: its other threads may change them while
 * the method reads, so a method copies what it validates.
 */
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>

#include <iokit/io_memory_descriptor.h>
#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "iokit_internal.h"

/**
 * io_user_client_refuse() - say why a call or an open is refused
 * @r: the reason the caller gets
 * @check: an IOKIT_CHECK_*
 * @seen: the value the caller passed
 * @wanted: the value the check wanted
 * @ioreturn: the IOReturn
 *
 * Return: @ioreturn.
 */
u32 io_user_client_refuse(struct iokit_reason *r, u32 check, u64 seen, u64 wanted, u32 ioreturn)
{
	r->check = check;
	r->seen = seen;
	r->wanted = wanted;
	return ioreturn;
}

/* What a method given no scalars reads. */
static const u64 io_method_no_scalars[IOKIT_SCALAR_MAX];

/* A failed check: kIOReturnBadArgument, as IOUserClient2022 returns. */
static u32 io_method_refuse(struct iokit_reason *r, u32 check, u64 seen, u64 wanted)
{
	return io_user_client_refuse(r, check, seen, wanted, IOKIT_RETURN_BAD_ARGUMENT);
}

/* Read the caller's @len bytes at @ptr: a user address, or a kernel client's own. */
static bool io_method_read(const struct io_connection *conn, void *dst, u64 ptr, size_t len)
{
	if (conn->kernel) {
		memcpy(dst, (const void *)(uintptr_t)ptr, len);
		return true;
	}
	return !copy_from_user(dst, u64_to_user_ptr(ptr), len);
}

/* Write @len bytes to the caller's @ptr, as io_method_read() reads. */
static bool io_method_write(const struct io_connection *conn, u64 ptr, const void *src,
			    size_t len)
{
	if (conn->kernel) {
		memcpy((void *)(uintptr_t)ptr, src, len);
		return true;
	}
	return !copy_to_user(u64_to_user_ptr(ptr), src, len);
}

/* A fault on a user buffer: the address in the reason. */
static u32 io_method_fault(struct iokit_reason *r, u64 uptr)
{
	return io_user_client_refuse(r, IOKIT_CHECK_FAULT, uptr, 0, IOKIT_RETURN_VM_ERROR);
}

/* @want is IO_USER_CLIENT_VARIABLE_SIZE (any) or exactly @seen. */
static bool io_method_check(u32 want, u64 seen)
{
	return want == IO_USER_CLIENT_VARIABLE_SIZE || want == seen;
}

/* The checks of the call's shape against @d, before anything is read. */
static u32 io_method_check_entry(const struct io_user_client_method *d,
				 const struct iokit_connect_method *m, bool async,
				 struct iokit_reason *r)
{
	u32 want = d->check_completion_exists;

	if (want != IO_USER_CLIENT_VARIABLE_SIZE && !!want != async)
		return io_method_refuse(r, IOKIT_CHECK_COMPLETION, async, !!want);
	if (!io_method_check(d->check_scalar_input_count, m->scalar_input_count))
		return io_method_refuse(r, IOKIT_CHECK_SCALAR_INPUT_COUNT, m->scalar_input_count,
					d->check_scalar_input_count);
	if (!io_method_check(d->check_structure_input_size, m->struct_input_size))
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_INPUT_SIZE, m->struct_input_size,
					d->check_structure_input_size);
	if (!io_method_check(d->check_scalar_output_count, m->scalar_output_count))
		return io_method_refuse(r, IOKIT_CHECK_SCALAR_OUTPUT_COUNT, m->scalar_output_count,
					d->check_scalar_output_count);
	if (m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT) {
		/* Whatever the method returns: only a method that returns any size may. */
		if (d->check_structure_output_size != IO_USER_CLIENT_VARIABLE_SIZE)
			return io_method_refuse(r, IOKIT_CHECK_VAR_OUTPUT,
						d->check_structure_output_size,
						d->check_structure_output_size);
	} else if (!io_method_check(d->check_structure_output_size, m->struct_output_size)) {
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_SIZE, m->struct_output_size,
					d->check_structure_output_size);
	}
	return IOKIT_RETURN_SUCCESS;
}

/* Bounds that hold for every method, and the selector. */
static u32 io_method_check_call(const struct io_user_client_ops *uc,
				const struct iokit_connect_method *m, struct iokit_reason *r)
{
	if (m->flags & ~IOKIT_CONNECT_METHOD_VAR_OUTPUT)
		return io_method_refuse(r, IOKIT_CHECK_FLAGS, m->flags,
					IOKIT_CONNECT_METHOD_VAR_OUTPUT);
	if (m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT && m->struct_output_size)
		return io_method_refuse(r, IOKIT_CHECK_VAR_OUTPUT_ROOM, m->struct_output_size, 0);
	/* Its mapping is undone if the call's struct does not reach the caller: no async. */
	if (m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT && m->reference_count)
		return io_method_refuse(r, IOKIT_CHECK_FLAGS, m->flags, 0);
	if (m->reference_count > IOKIT_ASYNC_REF_MAX)
		return io_method_refuse(r, IOKIT_CHECK_REFERENCE_COUNT, m->reference_count,
					IOKIT_ASYNC_REF_MAX);
	/* Words past the count, and a synchronous call's port, are zero: room to grow. */
	if (memchr_inv(m->reference + m->reference_count, 0,
		       (IOKIT_ASYNC_REF_MAX - m->reference_count) * sizeof(u64)) ||
	    (!m->reference_count && m->port_fd))
		return io_method_refuse(r, IOKIT_CHECK_RESERVED, 0, 0);
	if (m->scalar_input_count > IOKIT_SCALAR_MAX)
		return io_method_refuse(r, IOKIT_CHECK_SCALAR_INPUT_MAX, m->scalar_input_count,
					IOKIT_SCALAR_MAX);
	if (m->scalar_output_count > IOKIT_SCALAR_MAX)
		return io_method_refuse(r, IOKIT_CHECK_SCALAR_OUTPUT_MAX, m->scalar_output_count,
					IOKIT_SCALAR_MAX);
	if (m->struct_input_size > IOKIT_STRUCT_OOL_MAX)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_INPUT_MAX, m->struct_input_size,
					IOKIT_STRUCT_OOL_MAX);
	if (m->struct_output_size > IOKIT_STRUCT_OOL_MAX)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_MAX, m->struct_output_size,
					IOKIT_STRUCT_OOL_MAX);
	if (m->selector >= uc->method_count)
		return io_method_refuse(r, IOKIT_CHECK_SELECTOR, m->selector, uc->method_count);
	return IOKIT_RETURN_SUCCESS;
}

/**
 * io_user_client_dispatch() - call a dispatch entry's function
 * @client: the user client
 * @args: the call's arguments
 * @dispatch: the entry, already checked
 * @reference: passed to the function
 *
 * What ExternalMethod does when a class does not override it; an
 * override calls it for the entries it leaves to the table.
 *
 * Return: the function's IOReturn, or kIOReturnNoCompletion for an entry
 * without one (DriverKit's answer: the class implements it itself).
 */
u32 io_user_client_dispatch(struct io_user_client *client,
			    struct io_user_client_method_args *args,
			    const struct io_user_client_method *dispatch, void *reference)
{
	if (!dispatch->function)
		return IOKIT_RETURN_NO_COMPLETION;
	return dispatch->function(client, reference, args);
}
EXPORT_SYMBOL_GPL(io_user_client_dispatch);

/*
 * kIOConnectMethodVarOutputSize: new anonymous memory in the caller for
 * the output, which the caller unmaps; nothing is mapped for no bytes.
 */
static u32 io_method_copy_var_output(struct iokit_connect_method *m, const struct os_data *out)
{
	unsigned long addr;

	m->struct_output = 0;
	if (!out || !out->length)
		return IOKIT_RETURN_SUCCESS;
	addr = vm_mmap(NULL, 0, out->length, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr))
		return IOKIT_RETURN_NO_MEMORY;
	if (copy_to_user((void __user *)addr, out->bytes, out->length)) {
		vm_munmap(addr, out->length);
		return io_method_fault(&m->reason, addr);
	}
	m->struct_output = addr;
	return IOKIT_RETURN_SUCCESS;
}

/*
 * Copy the method's results out: the output counts are set only if all of
 * it went.  @struct_room is the most structure output the call takes.
 */
static u32 io_method_copy_out(const struct io_connection *conn, struct iokit_connect_method *m,
			      const struct io_user_client_method_args *args, u32 scalar_room,
			      u64 struct_room)
{
	u32 n = min(args->scalar_output_count, scalar_room);
	const struct os_data *out = args->structure_output;
	bool var = m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT;
	struct iokit_reason *r = &m->reason;
	u64 length = out ? out->length : 0;
	u32 ret;

	/* Written into the caller's pinned pages, not returned as an OSData. */
	if (!out && args->structure_output_descriptor)
		length = args->structure_output_descriptor_size;
	if (length > struct_room)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_RETURNED, length,
					struct_room);
	if (n && !io_method_write(conn, m->scalar_output, args->scalar_output, n * sizeof(u64)))
		return io_method_fault(r, m->scalar_output);
	if (var) {
		ret = io_method_copy_var_output(m, out);
		if (ret)
			return ret;
	} else if (out && out->length &&
		   !io_method_write(conn, m->struct_output, out->bytes, out->length)) {
		return io_method_fault(r, m->struct_output);
	}
	m->scalar_output_count = n;
	m->struct_output_size = length;
	return IOKIT_RETURN_SUCCESS;
}

/* A structure over IOKIT_STRUCT_INLINE_MAX: a descriptor over the caller's pages. */
static u32 io_method_pin(const struct io_connection *conn, u64 uptr, u64 size, u32 direction,
			 struct io_memory_descriptor **md, struct iokit_reason *r)
{
	struct io_memory_segment seg = { .address = uptr, .length = size };
	u64 fault = uptr;
	u32 ret;

	if (conn->kernel)
		return io_memory_descriptor_create_kernel((void *)(uintptr_t)uptr, size, direction,
							  md);

	ret = io_memory_descriptor_pin_user(&seg, 1, direction, IOKIT_STRUCT_OOL_MAX, md, &fault);
	/* An address range that wraps or leaves user space is a fault too. */
	if (ret == IOKIT_RETURN_VM_ERROR || ret == IOKIT_RETURN_BAD_ARGUMENT)
		return io_method_fault(r, fault);
	return ret;
}

/* Read the structure input: copied when inline, pinned when not. */
static u32 io_method_read_struct(const struct io_connection *conn,
				 const struct iokit_connect_method *m,
				 struct io_user_client_method_args *args, struct iokit_reason *r)
{
	struct os_data *in;

	if (!m->struct_input_size)
		return IOKIT_RETURN_SUCCESS;
	if (m->struct_input_size > IOKIT_STRUCT_INLINE_MAX)
		return io_method_pin(conn, m->struct_input, m->struct_input_size,
				     IO_MEMORY_DIRECTION_OUT, &args->structure_input_descriptor, r);
	in = os_data_alloc_gfp(m->struct_input_size, GFP_KERNEL_ACCOUNT);
	if (!in)
		return IOKIT_RETURN_NO_MEMORY;
	if (!io_method_read(conn, in->bytes, m->struct_input, in->length)) {
		os_object_put(&in->obj);
		return io_method_fault(r, m->struct_input);
	}
	args->structure_input = in;
	return IOKIT_RETURN_SUCCESS;
}

/* What the call's arguments hold once it is over. */
static void io_method_args_release(struct io_user_client_method_args *args)
{
	if (args->structure_input)
		os_object_put((struct os_object *)&args->structure_input->obj);
	if (args->structure_output)
		os_object_put(&args->structure_output->obj);
	io_memory_descriptor_put(args->structure_input_descriptor);
	io_memory_descriptor_put(args->structure_output_descriptor);
}

/**
 * io_user_client_call() - check and run one IOKIT_IOC_CONNECT_METHOD
 * @conn: the connection it came through
 * @client: the user client, held by the caller's call in flight
 * @m: the call, in kernel memory; its reason is filled, and its outputs
 *	on success (the caller zeroes them on failure)
 * @kernel: a kernel client's async call: where its completion goes;
 *	else NULL
 * @action: out: a successful async call's completion, for the caller to
 *	commit with io_async_action_commit() once the struct has reached
 *	user space; else NULL
 *
 * Return: an IOReturn: the framework's refusal, or the method's.
 */
u32 io_user_client_call(struct io_connection *conn, struct io_user_client *client,
			struct iokit_connect_method *m, const struct io_kernel_completion *kernel,
			struct io_async_action **action)
{
	const struct io_user_client_ops *uc = client->service.driver->user_client;
	u64 scalar_in[IOKIT_SCALAR_MAX], scalar_out[IOKIT_SCALAR_MAX];
	u32 scalar_room = m->scalar_output_count;
	u64 struct_room = m->struct_output_size;
	/* Variable output takes whatever the method returns, up to the bound. */
	u64 output_max = m->flags & IOKIT_CONNECT_METHOD_VAR_OUTPUT ? IOKIT_STRUCT_OOL_MAX :
								      struct_room;
	struct io_user_client_method_args args = { };
	const struct io_user_client_method *d;
	struct iokit_reason *r = &m->reason;
	u32 ret;

	*action = NULL;
	ret = io_method_check_call(uc, m, r);
	if (ret)
		return ret;
	d = &uc->methods[array_index_nospec(m->selector, uc->method_count)];
	ret = io_method_check_entry(d, m, m->reference_count, r);
	if (ret)
		return ret;

	/*
	 * A method that reads past its count reads zeroes, not the stack;
	 * one given none reads a shared row of them (no 128-byte memset on
	 * the commonest call).
	 */
	args.scalar_input = io_method_no_scalars;
	if (m->scalar_input_count) {
		if (!io_method_read(conn, scalar_in, m->scalar_input,
				    m->scalar_input_count * sizeof(u64)))
			return io_method_fault(r, m->scalar_input);
		memset(scalar_in + m->scalar_input_count, 0,
		       (IOKIT_SCALAR_MAX - m->scalar_input_count) * sizeof(u64));
		args.scalar_input = scalar_in;
	}
	memset(scalar_out, 0, scalar_room * sizeof(u64));
	args.selector = m->selector;
	args.scalar_input_count = m->scalar_input_count;
	args.scalar_output = scalar_out;
	args.scalar_output_count = scalar_room;
	args.structure_output_maximum_size = output_max;
	ret = io_method_read_struct(conn, m, &args, r);
	if (ret)
		goto release;
	/* Room out of line is pinned now: it faults before any driver code runs. */
	if (struct_room > IOKIT_STRUCT_INLINE_MAX) {
		ret = io_method_pin(conn, m->struct_output, struct_room, IO_MEMORY_DIRECTION_IN,
				    &args.structure_output_descriptor, r);
		if (ret)
			goto release;
		args.structure_output_descriptor_size = struct_room;
	}
	/* Last: a refused or faulting call reserves nothing on the port. */
	if (m->reference_count) {
		ret = io_async_action_create(conn, m, kernel, &args.completion);
		if (ret)
			goto release;
	}
	if (uc->external_method)
		ret = uc->external_method(client, m->selector, &args, d);
	else
		ret = io_user_client_dispatch(client, &args, d, NULL);
	if (ret == IOKIT_RETURN_SUCCESS)
		ret = io_method_copy_out(conn, m, &args, scalar_room, output_max);
	/*
	 * A call the caller sees fail has no completion to come; one that
	 * succeeds is committed once its struct has reached the caller.
	 */
	if (args.completion && ret)
		io_async_action_commit(args.completion, false);
	else if (args.completion)
		*action = args.completion;
release:
	io_method_args_release(&args);
	return ret;
}

