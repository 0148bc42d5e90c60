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
 * method gets - and what the method returns goes back once.
 */
#include <linux/nospec.h>
#include <linux/uaccess.h>

#include <iokit/io_user_client.h>

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

/* A failed check: kIOReturnBadArgument, as IOUserClient2022 returns. */
static u32 io_method_refuse(struct iokit_reason *r, u32 check, u64 seen, u64 wanted)
{
	return io_user_client_refuse(r, check, seen, wanted, IOKIT_RETURN_BAD_ARGUMENT);
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
	if (!io_method_check(d->check_structure_output_size, m->struct_output_size))
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_SIZE, m->struct_output_size,
					d->check_structure_output_size);
	return IOKIT_RETURN_SUCCESS;
}

/* Bounds that hold for every method, and the selector. */
static u32 io_method_check_call(const struct io_user_client_ops *uc,
				const struct iokit_connect_method *m, struct iokit_reason *r)
{
	if (m->flags)
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
	if (m->struct_input_size > IOKIT_STRUCT_INLINE_MAX)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_INPUT_MAX, m->struct_input_size,
					IOKIT_STRUCT_INLINE_MAX);
	if (m->struct_output_size > IOKIT_STRUCT_INLINE_MAX)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_MAX, m->struct_output_size,
					IOKIT_STRUCT_INLINE_MAX);
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

/* Copy the method's results out: the output counts are set only if all of it went. */
static u32 io_method_copy_out(struct iokit_connect_method *m,
			      const struct io_user_client_method_args *args, u32 scalar_room,
			      u64 struct_room)
{
	u32 n = min(args->scalar_output_count, scalar_room);
	const struct os_data *out = args->structure_output;
	struct iokit_reason *r = &m->reason;

	if (out && out->length > struct_room)
		return io_method_refuse(r, IOKIT_CHECK_STRUCT_OUTPUT_RETURNED, out->length,
					struct_room);
	if (n && copy_to_user(u64_to_user_ptr(m->scalar_output), args->scalar_output,
			      n * sizeof(u64)))
		return io_method_fault(r, m->scalar_output);
	if (out && out->length &&
	    copy_to_user(u64_to_user_ptr(m->struct_output), out->bytes, out->length))
		return io_method_fault(r, m->struct_output);
	m->scalar_output_count = n;
	m->struct_output_size = out ? out->length : 0;
	return IOKIT_RETURN_SUCCESS;
}

/**
 * io_user_client_call() - check and run one IOKIT_IOC_CONNECT_METHOD
 * @conn: the connection it came through
 * @client: the user client, held by the caller's call in flight
 * @m: the call, in kernel memory; its reason is filled, and its outputs
 *	on success (the caller zeroes them on failure)
 * @action: out: a successful async call's completion, for the caller to
 *	commit with io_async_action_commit() once the struct has reached
 *	user space; else NULL
 *
 * Return: an IOReturn: the framework's refusal, or the method's.
 */
u32 io_user_client_call(struct io_connection *conn, struct io_user_client *client,
			struct iokit_connect_method *m, struct io_async_action **action)
{
	const struct io_user_client_ops *uc = client->service.driver->user_client;
	u64 scalar_in[IOKIT_SCALAR_MAX], scalar_out[IOKIT_SCALAR_MAX];
	u32 scalar_room = m->scalar_output_count;
	u64 struct_room = m->struct_output_size;
	struct io_user_client_method_args args;
	const struct io_user_client_method *d;
	struct iokit_reason *r = &m->reason;
	struct os_data *in = NULL;
	u32 ret;

	*action = NULL;
	ret = io_method_check_call(uc, m, r);
	if (ret)
		return ret;
	d = &uc->methods[array_index_nospec(m->selector, uc->method_count)];
	ret = io_method_check_entry(d, m, m->reference_count, r);
	if (ret)
		return ret;

	if (m->scalar_input_count &&
	    copy_from_user(scalar_in, u64_to_user_ptr(m->scalar_input),
			   m->scalar_input_count * sizeof(u64)))
		return io_method_fault(r, m->scalar_input);
	/* A method that reads past its count reads zeroes, not the stack. */
	memset(scalar_in + m->scalar_input_count, 0,
	       (IOKIT_SCALAR_MAX - m->scalar_input_count) * sizeof(u64));
	if (m->struct_input_size) {
		in = os_data_alloc_gfp(m->struct_input_size, GFP_KERNEL_ACCOUNT);
		if (!in)
			return IOKIT_RETURN_NO_MEMORY;
		if (copy_from_user(in->bytes, u64_to_user_ptr(m->struct_input), in->length)) {
			os_object_put(&in->obj);
			return io_method_fault(r, m->struct_input);
		}
	}
	memset(scalar_out, 0, scalar_room * sizeof(u64));
	args = (struct io_user_client_method_args) {
		.selector = m->selector,
		.completion = NULL,
		.scalar_input = scalar_in,
		.scalar_input_count = m->scalar_input_count,
		.structure_input = in,
		.scalar_output = scalar_out,
		.scalar_output_count = scalar_room,
		.structure_output_maximum_size = struct_room,
	};
	/* Last: a refused or faulting call reserves nothing on the port. */
	if (m->reference_count) {
		ret = io_async_action_create(conn, m, &args.completion);
		if (ret)
			goto put_in;
	}
	if (uc->external_method)
		ret = uc->external_method(client, m->selector, &args, d);
	else
		ret = io_user_client_dispatch(client, &args, d, NULL);
	if (ret == IOKIT_RETURN_SUCCESS)
		ret = io_method_copy_out(m, &args, scalar_room, struct_room);
	/*
	 * A call the caller sees fail has no completion to come; one that
	 * succeeds is committed once its struct has reached the caller.
	 */
	if (args.completion && ret)
		io_async_action_commit(args.completion, false);
	else if (args.completion)
		*action = args.completion;
	if (args.structure_output)
		os_object_put(&args.structure_output->obj);
put_in:
	if (in)
		os_object_put(&in->obj);
	return ret;
}

