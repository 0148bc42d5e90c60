// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libiokit: connections to user clients - IOServiceOpen, the
 * IOConnectCall*Method family, shared memory (IOConnectMapMemory64), and
 * the reason a call was refused.
 *
 * An io_connect_t is the kernel's connection descriptor itself, so that
 * a program can poll it, pass it or inherit it like any descriptor; the
 * library only counts references to it, as a Mach task counts send
 * rights, so that IOConnectAddRef/IOConnectRelease keep their meaning.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iokit.h>

#include <IOKit/IOKitLib.h>

#include "iokitlib_internal.h"

const mach_port_t mach_task_self_ = 1;

/* References per connection descriptor; 0 for a descriptor not ours. */
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *conn_refs;
static size_t conn_refs_size;

/* The calling thread's last refusal. */
static __thread struct iokit_reason last_reason;

static IOReturn conn_track(int fd)
{
	IOReturn ret = kIOReturnSuccess;

	pthread_mutex_lock(&conn_lock);
	if ((size_t)fd >= conn_refs_size) {
		size_t size = conn_refs_size ? conn_refs_size : 64;
		uint32_t *refs;

		while (size <= (size_t)fd)
			size *= 2;
		refs = realloc(conn_refs, size * sizeof(*refs));
		if (!refs) {
			ret = kIOReturnNoMemory;
			goto out;
		}
		memset(refs + conn_refs_size, 0, (size - conn_refs_size) * sizeof(*refs));
		conn_refs = refs;
		conn_refs_size = size;
	}
	conn_refs[fd] = 1;
out:
	pthread_mutex_unlock(&conn_lock);
	return ret;
}

/* Add @delta references; at 0 the descriptor is closed. */
static IOReturn conn_adjust(io_connect_t connect, int delta)
{
	IOReturn ret = kIOReturnBadArgument;
	bool last = false;

	pthread_mutex_lock(&conn_lock);
	if (connect < conn_refs_size && conn_refs[connect]) {
		conn_refs[connect] += delta;
		last = !conn_refs[connect];
		ret = kIOReturnSuccess;
	}
	pthread_mutex_unlock(&conn_lock);
	if (last)
		close((int)connect);
	return ret;
}

static bool conn_valid(io_connect_t connect)
{
	bool valid;

	pthread_mutex_lock(&conn_lock);
	valid = connect < conn_refs_size && conn_refs[connect];
	pthread_mutex_unlock(&conn_lock);
	return valid;
}

kern_return_t IOConnectAddRef(io_connect_t connect)
{
	return conn_adjust(connect, 1);
}

kern_return_t IOConnectRelease(io_connect_t connect)
{
	return conn_adjust(connect, -1);
}

kern_return_t IOServiceOpen(io_service_t service, task_port_t owning_task, uint32_t type,
			    io_connect_t *connect)
{
	struct iokit_service_open so = { .size = sizeof(so), .type = type };
	IOReturn ret;
	int fd;

	memset(&last_reason, 0, sizeof(last_reason));
	if (!connect || owning_task != mach_task_self())
		return kIOReturnBadArgument;
	*connect = IO_OBJECT_NULL;
	ret = iokitlib_handle_id(service, &so.entry_id);
	if (ret)
		return ret;
	ret = iokitlib_call(IOKIT_IOC_SERVICE_OPEN, &so, &so.ioreturn);
	last_reason = so.reason;
	if (ret)
		return ret;
	fd = so.fd;
	if (fd == 0) {
		/* IO_OBJECT_NULL means no connection: move it off 0. */
		fd = fcntl(0, F_DUPFD_CLOEXEC, 1);
		close(0);
		if (fd < 0)
			return kIOReturnNoResources;
	}
	ret = conn_track(fd);
	if (ret) {
		close(fd);
		return ret;
	}
	*connect = (io_connect_t)fd;
	return kIOReturnSuccess;
}

kern_return_t IOServiceClose(io_connect_t connect)
{
	struct iokit_connect_close c = { .size = sizeof(c) };

	if (!conn_valid(connect))
		return kIOReturnBadArgument;
	/* Always succeeds, as on macOS; the descriptor goes with the last reference. */
	ioctl((int)connect, IOKIT_IOC_CONNECT_CLOSE, &c);
	return conn_adjust(connect, -1);
}

kern_return_t IOConnectGetService(io_connect_t connect, io_service_t *service)
{
	struct iokit_connect_info info = { .size = sizeof(info) };

	if (!service || !conn_valid(connect) ||
	    ioctl((int)connect, IOKIT_IOC_CONNECT_INFO, &info))
		return kIOReturnBadArgument;
	*service = iokitlib_entry_handle(info.service_id);
	return *service ? kIOReturnSuccess : kIOReturnNoMemory;
}

/*
 * kIOConnectMethodVarOutputSize: the kernel mapped the output into this
 * process; it becomes a CFData at *@output_struct, as IOKitLib returns it.
 */
static kern_return_t var_output(const struct iokit_connect_method *m, void *output_struct,
				size_t *output_struct_cnt)
{
	void *bytes = (void *)(uintptr_t)m->struct_output;
	CFDataRef data = NULL;
	IOReturn ret = (IOReturn)m->ioreturn;

	if (!ret) {
		data = IOCFDataCreate(bytes, m->struct_output_size);
		if (!data)
			ret = kIOReturnNoMemory;
	}
	if (bytes)
		munmap(bytes, m->struct_output_size);
	if (output_struct)
		*(CFDataRef *)output_struct = data;
	else if (data)
		IOCFRelease(data);
	*output_struct_cnt = data ? m->struct_output_size : 0;
	return ret;
}

/* One IOKIT_IOC_CONNECT_METHOD, sync or async. */
static kern_return_t connect_call(mach_port_t connection, uint32_t selector, int port,
				  const uint64_t *reference, uint32_t reference_cnt,
				  const uint64_t *input, uint32_t input_cnt,
				  const void *input_struct, size_t input_struct_cnt,
				  uint64_t *output, uint32_t *output_cnt,
				  void *output_struct, size_t *output_struct_cnt)
{
	bool var = output_struct_cnt && *output_struct_cnt == kIOConnectMethodVarOutputSize;
	struct iokit_connect_method m = {
		.size = sizeof(m),
		.selector = selector,
		.flags = var ? IOKIT_CONNECT_METHOD_VAR_OUTPUT : 0,
		.scalar_input = (uintptr_t)input,
		.scalar_input_count = input_cnt,
		.scalar_output = (uintptr_t)output,
		.scalar_output_count = output_cnt ? *output_cnt : 0,
		.struct_input = (uintptr_t)input_struct,
		.struct_input_size = input_struct_cnt,
		.struct_output = var ? 0 : (uintptr_t)output_struct,
		.struct_output_size = output_struct_cnt && !var ? *output_struct_cnt : 0,
		.port_fd = port,
		.reference_count = reference_cnt,
	};
	int rc;

	if (reference_cnt > IOKIT_ASYNC_REF_MAX) {
		memset(&last_reason, 0, sizeof(last_reason));
		last_reason.check = IOKIT_CHECK_REFERENCE_COUNT;
		last_reason.seen = reference_cnt;
		last_reason.wanted = IOKIT_ASYNC_REF_MAX;
		return kIOReturnBadArgument;
	}
	if (reference)
		memcpy(m.reference, reference, reference_cnt * sizeof(*reference));
	/* No table lookup: the kernel refuses a descriptor that is not a connection. */
	do
		rc = ioctl((int)connection, IOKIT_IOC_CONNECT_METHOD, &m);
	while (rc < 0 && errno == EINTR && !m.ioreturn);
	last_reason = m.reason;
	if (rc < 0 && !m.ioreturn) {
		m.ioreturn = errno == ENOTTY || errno == EBADF ? kIOReturnBadArgument :
								 kIOReturnError;
		m.scalar_output_count = 0;
		m.struct_output_size = 0;
	}
	if (output_cnt)
		*output_cnt = m.scalar_output_count;
	if (var)
		return var_output(&m, output_struct, output_struct_cnt);
	if (output_struct_cnt)
		*output_struct_cnt = m.struct_output_size;
	return (IOReturn)m.ioreturn;
}

kern_return_t IOConnectCallMethod(mach_port_t connection, uint32_t selector,
				  const uint64_t *input, uint32_t input_cnt,
				  const void *input_struct, size_t input_struct_cnt,
				  uint64_t *output, uint32_t *output_cnt,
				  void *output_struct, size_t *output_struct_cnt)
{
	return connect_call(connection, selector, 0, NULL, 0, input, input_cnt, input_struct,
			    input_struct_cnt, output, output_cnt, output_struct,
			    output_struct_cnt);
}

kern_return_t IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector,
				       mach_port_t wake_port, uint64_t *reference,
				       uint32_t reference_cnt, const uint64_t *input,
				       uint32_t input_cnt, const void *input_struct,
				       size_t input_struct_cnt, uint64_t *output,
				       uint32_t *output_cnt, void *output_struct,
				       size_t *output_struct_cnt)
{
	static const uint64_t none[1];

	/* As IOKitLib does: an async call always carries a reference. */
	if (!reference || !reference_cnt) {
		reference = (uint64_t *)none;
		reference_cnt = 1;
	}
	return connect_call(connection, selector, (int)wake_port, reference, reference_cnt,
			    input, input_cnt, input_struct, input_struct_cnt, output,
			    output_cnt, output_struct, output_struct_cnt);
}

kern_return_t IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector,
					     mach_port_t wake_port, uint64_t *reference,
					     uint32_t reference_cnt, const uint64_t *input,
					     uint32_t input_cnt, uint64_t *output,
					     uint32_t *output_cnt)
{
	return IOConnectCallAsyncMethod(connection, selector, wake_port, reference,
					reference_cnt, input, input_cnt, NULL, 0, output,
					output_cnt, NULL, NULL);
}

kern_return_t IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector,
					     mach_port_t wake_port, uint64_t *reference,
					     uint32_t reference_cnt, const void *input_struct,
					     size_t input_struct_cnt, void *output_struct,
					     size_t *output_struct_cnt)
{
	return IOConnectCallAsyncMethod(connection, selector, wake_port, reference,
					reference_cnt, NULL, 0, input_struct, input_struct_cnt,
					NULL, NULL, output_struct, output_struct_cnt);
}

kern_return_t IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector,
					const uint64_t *input, uint32_t input_cnt,
					uint64_t *output, uint32_t *output_cnt)
{
	return IOConnectCallMethod(connection, selector, input, input_cnt, NULL, 0,
				   output, output_cnt, NULL, NULL);
}

kern_return_t IOConnectCallStructMethod(mach_port_t connection, uint32_t selector,
					const void *input_struct, size_t input_struct_cnt,
					void *output_struct, size_t *output_struct_cnt)
{
	return IOConnectCallMethod(connection, selector, NULL, 0, input_struct,
				   input_struct_cnt, NULL, NULL, output_struct,
				   output_struct_cnt);
}

/* IOKIT_IOC_CONNECT_MEMORY: where memory @type maps from, and how long it is. */
static IOReturn connect_memory(io_connect_t connect, uint32_t type, struct iokit_connect_memory *cm)
{
	memset(cm, 0, sizeof(*cm));
	cm->size = sizeof(*cm);
	cm->type = type;
	memset(&last_reason, 0, sizeof(last_reason));
	if (!conn_valid(connect))
		return kIOReturnBadArgument;
	if (ioctl((int)connect, IOKIT_IOC_CONNECT_MEMORY, cm) && !cm->ioreturn)
		cm->ioreturn = kIOReturnError;
	last_reason = cm->reason;
	return (IOReturn)cm->ioreturn;
}

kern_return_t IOConnectMapMemory64(io_connect_t connect, uint32_t memory_type,
				   task_port_t into_task, mach_vm_address_t *at_address,
				   mach_vm_size_t *of_size, IOOptionBits options)
{
	struct iokit_connect_memory cm;
	int prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	void *want = NULL, *p;
	IOReturn ret;

	if (into_task != mach_task_self() || !at_address || !of_size)
		return kIOReturnBadArgument;
	ret = connect_memory(connect, memory_type, &cm);
	if (ret)
		return ret;
	if (cm.options & IOKIT_MEMORY_READ_ONLY || options & kIOMapReadOnly)
		prot = PROT_READ;
	if (!(options & kIOMapAnywhere)) {
		want = (void *)(uintptr_t)*at_address;
		flags |= MAP_FIXED_NOREPLACE;
	}
	/* mmap64: a 32-bit off_t would cut the offset of a type past 2^19. */
	p = mmap64(want, cm.length, prot, flags, (int)connect, (off64_t)cm.offset);
	if (p == MAP_FAILED)
		return errno == EACCES ? kIOReturnNotWritable :
		       errno == ENODEV ? kIOReturnNotAttached : kIOReturnNoMemory;
	*at_address = (uintptr_t)p;
	*of_size = cm.length;
	return kIOReturnSuccess;
}

kern_return_t IOConnectSetNotificationPort(io_connect_t connect, uint32_t type,
					   mach_port_t port, uintptr_t reference)
{
	struct iokit_connect_notification_port np = {
		.size = sizeof(np),
		.type = type,
		.port_fd = port == MACH_PORT_NULL ? -1 : (int)port,
		.reference = reference,
	};
	int rc;

	rc = ioctl((int)connect, IOKIT_IOC_CONNECT_NOTIFICATION_PORT, &np);
	last_reason = np.reason;
	/* A module before ABI 2.3 has no such command: IOKit's answer is Unsupported. */
	if (rc < 0 && !np.ioreturn)
		return errno == ENOTTY ? kIOReturnUnsupported :
		       errno == EBADF ? kIOReturnBadArgument : kIOReturnError;
	return (IOReturn)np.ioreturn;
}

kern_return_t IOConnectUnmapMemory64(io_connect_t connect, uint32_t memory_type,
				     task_port_t from_task, mach_vm_address_t at_address)
{
	struct iokit_connect_memory cm;
	IOReturn ret;

	if (from_task != mach_task_self() || !at_address)
		return kIOReturnBadArgument;
	/* The length is the type's: a connection's types keep theirs. */
	ret = connect_memory(connect, memory_type, &cm);
	if (ret)
		return ret;
	return munmap((void *)(uintptr_t)at_address, cm.length) ? kIOReturnBadArgument :
								  kIOReturnSuccess;
}

int IOConnectCopyLastReason(char *buffer, size_t size)
{
	const struct iokit_reason *r = &last_reason;
	unsigned long long seen = r->seen, wanted = r->wanted;

	switch (r->check) {
	case IOKIT_CHECK_SELECTOR:
		return snprintf(buffer, size, "selector %llu >= %llu methods", seen, wanted);
	case IOKIT_CHECK_COMPLETION:
		return snprintf(buffer, size, wanted ? "the method is async: it needs a completion"
					     : "the method is synchronous: no completion");
	case IOKIT_CHECK_SCALAR_INPUT_COUNT:
		return snprintf(buffer, size, "scalarInputCount %llu != %llu", seen, wanted);
	case IOKIT_CHECK_STRUCT_INPUT_SIZE:
		return snprintf(buffer, size, "structureInputSize %llu != %llu", seen, wanted);
	case IOKIT_CHECK_SCALAR_OUTPUT_COUNT:
		return snprintf(buffer, size, "scalarOutputCount %llu != %llu", seen, wanted);
	case IOKIT_CHECK_STRUCT_OUTPUT_SIZE:
		return snprintf(buffer, size, "structureOutputSize %llu != %llu", seen, wanted);
	case IOKIT_CHECK_SCALAR_INPUT_MAX:
		return snprintf(buffer, size, "scalarInputCount %llu > %llu", seen, wanted);
	case IOKIT_CHECK_SCALAR_OUTPUT_MAX:
		return snprintf(buffer, size, "scalarOutputCount %llu > %llu", seen, wanted);
	case IOKIT_CHECK_STRUCT_INPUT_MAX:
		return snprintf(buffer, size, "structureInputSize %llu > %llu", seen, wanted);
	case IOKIT_CHECK_STRUCT_OUTPUT_MAX:
		return snprintf(buffer, size, "structureOutputSize %llu > %llu", seen, wanted);
	case IOKIT_CHECK_STRUCT_OUTPUT_RETURNED:
		return snprintf(buffer, size, "the driver returned %llu bytes > %llu of room",
				seen, wanted);
	case IOKIT_CHECK_FLAGS:
		return snprintf(buffer, size, "unknown flags 0x%llx", seen);
	case IOKIT_CHECK_REFERENCE_COUNT:
		return snprintf(buffer, size, "referenceCount %llu > %llu", seen, wanted);
	case IOKIT_CHECK_USER_CLIENT_CLASS:
		return snprintf(buffer, size, "no user client of this type (no IOUserClientClass)");
	case IOKIT_CHECK_ACCESS:
		return snprintf(buffer, size, "the user-client class does not admit this process");
	case IOKIT_CHECK_FAULT:
		return snprintf(buffer, size, "bad address 0x%llx", seen);
	case IOKIT_CHECK_PORT:
		return snprintf(buffer, size, "descriptor %lld is not a notification port",
				(long long)(int)seen);
	case IOKIT_CHECK_PORT_FULL:
		return snprintf(buffer, size, "no room on the port for the completion");
	case IOKIT_CHECK_RESERVED:
		return snprintf(buffer, size, "a reserved field is not zero");
	case IOKIT_CHECK_ASYNC_PENDING:
		return snprintf(buffer, size, "%llu async calls pending: the most is %llu",
				seen, wanted);
	case IOKIT_CHECK_VAR_OUTPUT:
		return snprintf(buffer, size, "the method's output is %llu bytes, not variable",
				wanted);
	case IOKIT_CHECK_VAR_OUTPUT_ROOM:
		return snprintf(buffer, size, "variable output takes no room (%llu bytes given)",
				seen);
	case IOKIT_CHECK_MEMORY_TYPE:
		return snprintf(buffer, size, "the user client has no memory of type %llu", seen);
	case IOKIT_CHECK_MEMORY_TYPES:
		return snprintf(buffer, size, "%llu memory types > %llu", seen, wanted);
	case IOKIT_CHECK_ENTITLEMENT:
		return snprintf(buffer, size, "the caller lacks the entitlements of the class");
	case IOKIT_CHECK_NOTIFICATION_TYPE:
		return snprintf(buffer, size, "the user client sends no notifications of type %llu",
				seen);
	case IOKIT_CHECK_NOTIFICATION_TYPES:
		return snprintf(buffer, size, "%llu notification types have a port, the most",
				seen);
	default:
		if (size)
			buffer[0] = '\0';
		return 0;
	}
}
