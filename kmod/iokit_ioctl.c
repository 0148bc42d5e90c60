// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/iokit ioctl dispatcher.
 *
 * Every command argument is a size-first extensible struct (see
 * uapi/linux/iokit.h).  The dispatcher does the ABI checks once for all
 * commands, so a handler sees a fully read, zero-extended struct in kernel
 * memory and only returns an IOReturn:
 *
 *   1. the command number (_IO(), no size bits: the struct's own @size
 *      rules) selects a table slot;
 *   2. @size is read first and bounded by the command's first published
 *      size and IOKIT_ARG_SIZE_MAX;
 *   3. copy_struct_from_user() zero-extends a short struct and rejects a
 *      long one with a non-zero tail (E2BIG);
 *   4. a command that changes state is refused on a node not opened for
 *      writing (EBADF, as write(2) on such a descriptor);
 *   5. the handler runs; the struct goes back to the caller, cut to the
 *      caller's size, with @size set to the kernel's size and @ioreturn
 *      set; a descriptor the handler made is installed only then.
 *
 * No lock is taken here: handlers synchronise on the objects they touch.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>

#include <linux/iokit.h>

#include <iokit/io_service.h>

#include "iokit_internal.h"

union iokit_arg_buffer {
	struct iokit_arg_header header;
	struct iokit_version version;
	struct iokit_registry_lookup registry_lookup;
	struct iokit_entry_info entry_info;
	struct iokit_entry_relatives entry_relatives;
	struct iokit_property_data property_data;
	struct iokit_matching matching;
	struct iokit_wait_quiet wait_quiet;
	struct iokit_personality personality;
	struct iokit_port_create port_create;
	struct iokit_notification notification;
	struct iokit_match_ledger match_ledger;
	struct iokit_match_test match_test;
	struct iokit_claim claim;
	struct iokit_loader loader;
	struct iokit_service_open service_open;
	struct iokit_policy policy;
	struct iokit_test_entries test_entries;
};

#define IOKIT_IOCTL_OP(...) IOKIT_IOCTL_OP_OF(union iokit_arg_buffer, __VA_ARGS__)

static u32 iokit_cmd_version(struct iokit_call *call, void *arg)
{
	struct iokit_version *ver = arg;

	ver->abi_major = IOKIT_ABI_MAJOR;
	ver->abi_minor = IOKIT_ABI_MINOR;
	ver->features = IOKIT_FEATURE_VERSION | IOKIT_FEATURE_REGISTRY |
			IOKIT_FEATURE_MATCHING | IOKIT_FEATURE_NOTIFY |
			IOKIT_FEATURE_LEDGER | IOKIT_FEATURE_LOADER |
			IOKIT_FEATURE_USER_CLIENT | IOKIT_FEATURE_MEMORY |
			IOKIT_FEATURE_POLICY | IOKIT_FEATURE_CLIENT_NOTIFY;
	if (READ_ONCE(iokit_test_interface))
		ver->features |= IOKIT_FEATURE_TEST;
	strscpy(ver->module_version, IOKIT_MODULE_VERSION,
		sizeof(ver->module_version));
	return IOKIT_RETURN_SUCCESS;
}

static u32 iokit_cmd_wait_quiet(struct iokit_call *call, void *arg)
{
	struct iokit_wait_quiet *wq = arg;
	long timeout = MAX_SCHEDULE_TIMEOUT;
	int ret;

	if (wq->timeout_ns)
		timeout = nsecs_to_jiffies(wq->timeout_ns) ?: 1;
	ret = io_service_wait_quiet_timeout(timeout);
	if (ret == -ETIMEDOUT)
		return IOKIT_RETURN_TIMEOUT;
	if (ret) {
		/* A signal: the caller sees EINTR, as from any interrupted wait. */
		call->err = -EINTR;
		return IOKIT_RETURN_ABORTED;
	}
	return IOKIT_RETURN_SUCCESS;
}

static const struct iokit_ioctl_op iokit_ioctl_ops[] = {
	IOKIT_IOCTL_OP(IOKIT_CMD_VERSION, IOKIT_IOC_VERSION, iokit_cmd_version,
		       struct iokit_version, IOKIT_VERSION_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_REGISTRY_LOOKUP, IOKIT_IOC_REGISTRY_LOOKUP,
		       io_registry_cmd_lookup, struct iokit_registry_lookup,
		       IOKIT_REGISTRY_LOOKUP_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_ENTRY_INFO, IOKIT_IOC_ENTRY_INFO,
		       io_registry_cmd_entry_info, struct iokit_entry_info,
		       IOKIT_ENTRY_INFO_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_ENTRY_RELATIVES, IOKIT_IOC_ENTRY_RELATIVES,
		       io_registry_cmd_entry_relatives, struct iokit_entry_relatives,
		       IOKIT_ENTRY_RELATIVES_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_COPY_PROPERTIES, IOKIT_IOC_COPY_PROPERTIES,
		       io_registry_cmd_copy_properties, struct iokit_property_data,
		       IOKIT_PROPERTY_DATA_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_SEARCH_PROPERTY, IOKIT_IOC_SEARCH_PROPERTY,
		       io_registry_cmd_search_property, struct iokit_property_data,
		       IOKIT_PROPERTY_DATA_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_SET_PROPERTIES, IOKIT_IOC_SET_PROPERTIES,
		       io_registry_cmd_set_properties, struct iokit_property_data,
		       IOKIT_PROPERTY_DATA_SIZE_VER0, IOKIT_OP_WRITE),
	IOKIT_IOCTL_OP(IOKIT_CMD_GET_MATCHING, IOKIT_IOC_GET_MATCHING,
		       io_registry_cmd_get_matching, struct iokit_matching,
		       IOKIT_MATCHING_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_WAIT_QUIET, IOKIT_IOC_WAIT_QUIET,
		       iokit_cmd_wait_quiet, struct iokit_wait_quiet,
		       IOKIT_WAIT_QUIET_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_PERSONALITY, IOKIT_IOC_PERSONALITY,
		       io_catalogue_cmd_personality, struct iokit_personality,
		       IOKIT_PERSONALITY_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_PORT_CREATE, IOKIT_IOC_PORT_CREATE,
		       io_port_cmd_create, struct iokit_port_create,
		       IOKIT_PORT_CREATE_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_NOTIFICATION, IOKIT_IOC_NOTIFICATION,
		       io_service_cmd_notification, struct iokit_notification,
		       IOKIT_NOTIFICATION_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_MATCH_LEDGER, IOKIT_IOC_MATCH_LEDGER,
		       io_match_ledger_cmd, struct iokit_match_ledger,
		       IOKIT_MATCH_LEDGER_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_MATCH_TEST, IOKIT_IOC_MATCH_TEST,
		       io_service_cmd_match_test, struct iokit_match_test,
		       IOKIT_MATCH_TEST_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_CLAIM, IOKIT_IOC_CLAIM,
		       io_service_cmd_claim, struct iokit_claim,
		       IOKIT_CLAIM_SIZE_VER0, IOKIT_OP_WRITE),
	IOKIT_IOCTL_OP(IOKIT_CMD_LOADER, IOKIT_IOC_LOADER,
		       io_loader_cmd, struct iokit_loader,
		       IOKIT_LOADER_SIZE_VER0, IOKIT_OP_WRITE),
	IOKIT_IOCTL_OP(IOKIT_CMD_SERVICE_OPEN, IOKIT_IOC_SERVICE_OPEN,
		       io_connection_cmd_open, struct iokit_service_open,
		       IOKIT_SERVICE_OPEN_SIZE_VER0, IOKIT_OP_WRITE),
	IOKIT_IOCTL_OP(IOKIT_CMD_POLICY, IOKIT_IOC_POLICY,
		       io_user_client_cmd_policy, struct iokit_policy,
		       IOKIT_POLICY_SIZE_VER0, 0),
	IOKIT_IOCTL_OP(IOKIT_CMD_TEST_ENTRIES, IOKIT_IOC_TEST_ENTRIES,
		       io_test_cmd_entries, struct iokit_test_entries,
		       IOKIT_TEST_ENTRIES_SIZE_VER0, IOKIT_OP_WRITE),
};

/**
 * iokit_call_install_file() - give the caller a new file descriptor once
 *	the ioctl's struct has reached it
 * @call: the ioctl
 * @file: the file, whose reference passes to @call
 * @flags: O_CLOEXEC, or 0
 *
 * The descriptor is reserved now and installed by the dispatcher after
 * the struct holding it was copied back; if that copy fails, the file is
 * released and the descriptor never existed.  One file per call.
 *
 * Return: the descriptor, or a negative errno (@file is released).
 */
int iokit_call_install_file(struct iokit_call *call, struct file *file,
			    unsigned int flags)
{
	int fd;

	if (WARN_ON_ONCE(call->install)) {
		fput(file);
		return -EBUSY;
	}
	fd = get_unused_fd_flags(flags & O_CLOEXEC);
	if (fd < 0) {
		fput(file);
		return fd;
	}
	call->install = file;
	call->install_fd = fd;
	return fd;
}

/* After the copy back: install the call's file, or undo it. */
static void iokit_call_finish(struct iokit_call *call, bool copied)
{
	if (call->finish)
		call->finish(call, copied);
	if (!call->install)
		return;
	if (copied) {
		if (call->delivered)
			call->delivered(call->install);
		fd_install(call->install_fd, call->install);
	} else {
		put_unused_fd(call->install_fd);
		fput(call->install);
	}
}

/**
 * iokit_call_privileged() - whether a privileged command may run
 * @call: the ioctl
 *
 * The credentials /dev/iokit was opened with decide, not those of the
 * task making the call: a descriptor passed to a less privileged process
 * carries no more than its opener had, and one a privileged process
 * inherits from a less privileged opener carries no more either.
 *
 * Return: true if the opener had CAP_SYS_ADMIN.
 */
bool iokit_call_privileged(struct iokit_call *call)
{
	return iokit_call_capable(call, CAP_SYS_ADMIN);
}

/**
 * iokit_call_capable() - whether the opener of /dev/iokit had a capability
 * @call: the ioctl
 * @cap: the capability, in the initial user namespace
 *
 * As iokit_call_privileged(), for a command that needs a narrower
 * privilege than CAP_SYS_ADMIN.
 *
 * Return: true if it had.
 */
bool iokit_call_capable(struct iokit_call *call, int cap)
{
	return file_ns_capable(call->file, &init_user_ns, cap);
}

/**
 * iokit_call_writable() - whether the control node was opened for writing
 * @call: the ioctl
 *
 * For commands that change state in only some of their operations; the
 * others are refused by the dispatcher.  A refusal sets EBADF.
 *
 * Return: true if it was.
 */
bool iokit_call_writable(struct iokit_call *call)
{
	if (call->file->f_mode & FMODE_WRITE)
		return true;
	call->err = -EBADF;
	return false;
}

/**
 * iokit_ioctl_dispatch() - run one size-first ioctl from a table
 * @file: the file it came through
 * @ops: the commands, indexed by number from @first_nr
 * @first_nr: the number of @ops[0]
 * @n_ops: how many
 * @buf: room for the largest struct of @ops (IOKIT_IOCTL_OP_OF() checks)
 * @cmd: the command
 * @arg: user pointer to its argument struct
 *
 * Return: as iokit_ioctl().
 */
long iokit_ioctl_dispatch(struct file *file, const struct iokit_ioctl_op *ops,
			  unsigned int first_nr, unsigned int n_ops, void *buf,
			  unsigned int cmd, unsigned long arg)
{
	struct iokit_arg_header *header = buf;
	void __user *uarg = (void __user *)arg;
	struct iokit_call call = { .file = file };
	const struct iokit_ioctl_op *op;
	unsigned int nr;
	u32 user_size;
	u32 ioreturn;
	bool copied;
	int ret;

	nr = _IOC_NR(cmd) - first_nr;	/* below @first_nr wraps past @n_ops */
	if (_IOC_TYPE(cmd) != IOKIT_IOC_TYPE || nr >= n_ops)
		return -ENOTTY;
	op = &ops[array_index_nospec(nr, n_ops)];
	if (!op->execute || op->cmd != cmd)
		return -ENOTTY;

	if (get_user(user_size, (u32 __user *)uarg))
		return -EFAULT;
	if (user_size < op->min_size)
		return -EINVAL;
	if (user_size > IOKIT_ARG_SIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(buf, op->size, uarg, user_size);
	if (ret)
		return ret;

	if ((op->flags & IOKIT_OP_WRITE) && !iokit_call_writable(&call))
		ioreturn = IOKIT_RETURN_NOT_PERMITTED;
	else
		ioreturn = op->execute(&call, buf);

	header->size = op->size;
	header->ioreturn = ioreturn;
	copied = !copy_to_user(uarg, buf, min(user_size, op->size));
	iokit_call_finish(&call, copied);
	if (!copied)
		return -EFAULT;
	return call.err ?: io_return_to_errno(ioreturn);
}

/**
 * iokit_ioctl() - unlocked_ioctl of /dev/iokit
 * @file: the open control node
 * @cmd: an IOKIT_IOC_* command
 * @arg: user pointer to the command's argument struct
 *
 * Return: 0, or a negative errno: ENOTTY for an unknown command, EFAULT,
 * EINVAL for a struct shorter than its first version, E2BIG for a struct
 * with a non-zero tail the kernel does not know, EBADF for a command that
 * changes state on a node opened read-only, EINTR for a wait a signal
 * ended, or the errno matching the IOReturn a handler returned (which is
 * then also in the struct).
 */
long iokit_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	union iokit_arg_buffer buf;

	return iokit_ioctl_dispatch(file, iokit_ioctl_ops, 0, ARRAY_SIZE(iokit_ioctl_ops),
				    &buf, cmd, arg);
}
