// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared memory: CopyClientMemoryForType and IOConnectMapMemory64
 * (Documentation/user-client.rst, "Shared memory").
 *
 * An application asks for a memory type (IOKIT_IOC_CONNECT_MEMORY); the
 * user client's CopyClientMemoryForType answers once per type with a
 * buffer descriptor, which the connection keeps, and the application
 * mmap()s the connection descriptor at the offset it was told.
 *
 * The mapping is VM_PFNMAP and filled page by page on fault: no page of
 * it is reference counted by the mm, and get_user_pages() refuses it, so
 * nothing outside the connection (a pin, /proc/PID/mem, process_vm_*)
 * can hold or write a page behind the connection's back.  What the
 * driver shares read-only is mapped without VM_MAYWRITE: no PROT_WRITE,
 * no mprotect() upgrade.
 *
 * Revocation.  Each connection has its own inode, so its mappings are
 * the only ones in its address space.  When the client is terminated,
 * io_connection_memory_revoke() marks the connection revoked under
 * @memory_lock - the lock every fault takes - then unmaps the whole
 * address space: a fault that ran before put in a page that is unmapped
 * now, one that runs after finds the connection revoked and gets
 * SIGBUS.  Only then are the descriptors released.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <iokit/io_memory_descriptor.h>
#include <iokit/io_user_client.h>

#include "compat.h"
#include "io_connection.h"
#include "iokit_internal.h"

/* One memory type's memory, as CopyClientMemoryForType returned it. */
struct io_connection_memory {
	struct io_memory_descriptor *md;
	u32 options;
};

/**
 * io_connection_memory_init() - give the connection's file its own inode
 * @conn: the connection
 * @file: its file, not yet installed
 *
 * Return: 0, or -ENOMEM.
 */
int io_connection_memory_init(struct io_connection *conn, struct file *file)
{
	struct inode *inode = alloc_anon_inode(file_inode(file)->i_sb);

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	file->f_mapping = inode->i_mapping;
	mutex_lock(&conn->memory_lock);
	conn->inode = inode;
	mutex_unlock(&conn->memory_lock);
	return 0;
}

static void io_connection_memory_free_all(struct io_connection *conn)
{
	struct io_connection_memory *mem;
	unsigned long type;

	xa_for_each(&conn->memory, type, mem) {
		io_memory_descriptor_put(mem->md);
		kfree(mem);
	}
	xa_destroy(&conn->memory);
	conn->memory_count = 0;
}

/**
 * io_connection_memory_revoke() - unmap every mapping of the connection
 * @conn: the connection, its calls drained
 *
 * After this a touch of a mapping raises SIGBUS, and its memory is
 * released.  Process context; a second call does nothing.
 */
void io_connection_memory_revoke(struct io_connection *conn)
{
	struct inode *inode;

	mutex_lock(&conn->memory_lock);
	if (conn->memory_revoked) {
		mutex_unlock(&conn->memory_lock);
		return;
	}
	conn->memory_revoked = true;
	inode = conn->inode;
	mutex_unlock(&conn->memory_lock);
	/*
	 * Not under the lock: faults hold it while they take the page-table
	 * locks that unmapping takes too.  A second revoke may return before
	 * this zap is done: the descriptors go only after it.
	 */
	if (inode)
		unmap_mapping_range(inode->i_mapping, 0, 0, 1);
	/* Revoked: no fault, mmap or command touches @memory any more. */
	io_connection_memory_free_all(conn);
}

/**
 * io_connection_memory_release() - the connection's last reference is gone
 * @conn: the connection; no file and so no mapping is left
 */
void io_connection_memory_release(struct io_connection *conn)
{
	io_connection_memory_free_all(conn);
	if (conn->inode)
		iput(conn->inode);
}

/* Fill in what the application needs to map @mem as @type. */
static u32 io_connection_memory_answer(struct iokit_connect_memory *cm,
				       const struct io_connection_memory *mem)
{
	cm->options = mem->options;
	cm->length = io_buffer_memory_descriptor_capacity(mem->md);
	cm->offset = (u64)cm->type << PAGE_SHIFT;
	return IOKIT_RETURN_SUCCESS;
}

/*
 * Keep what the driver returned.  Under memory_ask_lock, after a lookup
 * found none: no other request can have kept one for @cm's type since.
 */
static u32 io_connection_memory_insert(struct io_connection *conn,
				       struct iokit_connect_memory *cm,
				       struct io_connection_memory *mem)
{
	u32 ret;

	lockdep_assert_held(&conn->memory_ask_lock);
	mutex_lock(&conn->memory_lock);
	if (conn->memory_revoked) {
		ret = IOKIT_RETURN_NOT_ATTACHED;
	} else if (conn->memory_count >= IOKIT_CONNECT_MEMORY_TYPES_MAX) {
		ret = io_user_client_refuse(&cm->reason, IOKIT_CHECK_MEMORY_TYPES,
					    conn->memory_count + 1,
					    IOKIT_CONNECT_MEMORY_TYPES_MAX,
					    IOKIT_RETURN_NO_RESOURCES);
	} else if (xa_err(xa_store(&conn->memory, cm->type, mem, GFP_KERNEL_ACCOUNT))) {
		ret = IOKIT_RETURN_NO_MEMORY;
	} else {
		conn->memory_count++;
		ret = io_connection_memory_answer(cm, mem);
		mem = NULL;
	}
	mutex_unlock(&conn->memory_lock);
	if (mem) {
		io_memory_descriptor_put(mem->md);
		kfree(mem);
	}
	return ret;
}

/* What CopyClientMemoryForType returned, checked: in the call, while @client is held. */
static u32 io_connection_memory_check(struct io_user_client *client, u32 type, u32 ret,
				      struct io_memory_descriptor *md)
{
	if (ret)
		return ret;
	/* Only a buffer's pages are the descriptor's own to hand out. */
	if (!md || !io_buffer_memory_descriptor_capacity(md)) {
		pr_warn_ratelimited("iokit: %s: CopyClientMemoryForType(%u) returned no buffer\n",
				    client->service.driver->cls.name, type);
		return IOKIT_RETURN_INTERNAL_ERROR;
	}
	return IOKIT_RETURN_SUCCESS;
}

/* Ask the client for @type's memory, as a method call would reach it. */
static u32 io_connection_memory_copy(struct io_connection *conn, struct iokit_call *call,
				     struct iokit_connect_memory *cm,
				     struct io_connection_memory **out)
{
	const struct io_user_client_ops *uc;
	struct io_memory_descriptor *md = NULL;
	struct io_user_client *client;
	u32 options = 0;
	u32 ret;

	client = io_connection_call_begin(conn, call, &ret);
	if (!client)
		return ret;
	uc = client->service.driver->user_client;
	if (uc->copy_client_memory_for_type)
		ret = uc->copy_client_memory_for_type(client, cm->type, &options, &md);
	else
		ret = IOKIT_RETURN_UNSUPPORTED;
	ret = io_connection_memory_check(client, cm->type, ret, md);
	io_connection_call_end(conn);
	if (ret == IOKIT_RETURN_UNSUPPORTED)
		io_user_client_refuse(&cm->reason, IOKIT_CHECK_MEMORY_TYPE, cm->type, 0, ret);
	if (ret) {
		io_memory_descriptor_put(md);
		return ret;
	}
	*out = kmalloc(sizeof(**out), GFP_KERNEL_ACCOUNT);
	if (!*out) {
		io_memory_descriptor_put(md);
		return IOKIT_RETURN_NO_MEMORY;
	}
	(*out)->md = md;
	(*out)->options = options & IOKIT_MEMORY_READ_ONLY;
	return IOKIT_RETURN_SUCCESS;
}

/* The type's memory if the connection has it: IOKIT_RETURN_NOT_FOUND if not. */
static u32 io_connection_memory_lookup(struct io_connection *conn,
				       struct iokit_connect_memory *cm)
{
	struct io_connection_memory *mem;
	u32 ret;

	mutex_lock(&conn->memory_lock);
	mem = conn->memory_revoked ? NULL : xa_load(&conn->memory, cm->type);
	ret = mem ? io_connection_memory_answer(cm, mem) : IOKIT_RETURN_NOT_FOUND;
	mutex_unlock(&conn->memory_lock);
	return ret;
}

/**
 * io_connection_cmd_memory() - IOKIT_IOC_CONNECT_MEMORY
 * @call: the ioctl
 * @arg: struct iokit_connect_memory
 *
 * Return: an IOReturn.
 */
u32 io_connection_cmd_memory(struct iokit_call *call, void *arg)
{
	struct io_connection *conn = call->file->private_data;
	struct iokit_connect_memory *cm = arg;
	struct io_connection_memory *mem;
	u32 ret;

	memset(&cm->reason, 0, sizeof(cm->reason));
	cm->options = 0;
	cm->length = 0;
	cm->offset = 0;
	if (cm->flags)
		return io_user_client_refuse(&cm->reason, IOKIT_CHECK_FLAGS, cm->flags, 0,
					     IOKIT_RETURN_BAD_ARGUMENT);
	if (cm->reserved)
		return io_user_client_refuse(&cm->reason, IOKIT_CHECK_RESERVED, cm->reserved, 0,
					     IOKIT_RETURN_BAD_ARGUMENT);
	/* The same memory for every request of a type: the driver is asked once. */
	ret = io_connection_memory_lookup(conn, cm);
	if (ret != IOKIT_RETURN_NOT_FOUND)
		return ret;
	/* Requests that missed wait for the first to ask, then find its answer. */
	if (mutex_lock_killable(&conn->memory_ask_lock)) {
		call->err = -EINTR;
		return IOKIT_RETURN_ABORTED;
	}
	ret = io_connection_memory_lookup(conn, cm);
	if (ret == IOKIT_RETURN_NOT_FOUND) {
		ret = io_connection_memory_copy(conn, call, cm, &mem);
		if (!ret)
			ret = io_connection_memory_insert(conn, cm, mem);
	}
	mutex_unlock(&conn->memory_ask_lock);
	return ret;
}

static void io_connection_vm_open(struct vm_area_struct *vma)
{
	iokit_live_inc(IOKIT_LIVE_MAPPINGS);
}

static void io_connection_vm_close(struct vm_area_struct *vma)
{
	iokit_live_dec(IOKIT_LIVE_MAPPINGS);
}

/*
 * Put in the page under the fault, unless the connection was revoked.
 * The type is the mapping's first page offset, kept in vm_private_data:
 * a split (munmap or mprotect of part of it) moves vm_pgoff, not that.
 */
static vm_fault_t io_connection_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct io_connection *conn = vma->vm_file->private_data;
	unsigned long type = (unsigned long)vma->vm_private_data;
	struct io_connection_memory *mem;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long pfn;

	mutex_lock(&conn->memory_lock);
	mem = conn->memory_revoked ? NULL : xa_load(&conn->memory, type);
	if (mem && io_buffer_memory_descriptor_pfn(mem->md, vmf->pgoff - type, &pfn))
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	mutex_unlock(&conn->memory_lock);
	return ret;
}

static const struct vm_operations_struct io_connection_vm_ops = {
	.open = io_connection_vm_open,
	.close = io_connection_vm_close,
	.fault = io_connection_vm_fault,
};

/**
 * io_connection_mmap() - IOConnectMapMemory64: map a memory type
 * @file: the connection's file
 * @vma: the new mapping: offset (type << PAGE_SHIFT) from
 *	IOKIT_IOC_CONNECT_MEMORY, MAP_SHARED, at most the type's length
 *
 * Return: 0; -EINVAL for a private mapping, an unprepared type or one
 * too long; -EACCES for an executable mapping, or a writable one of
 * read-only memory; -ENODEV once the client is gone.
 */
int io_connection_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct io_connection *conn = file->private_data;
	struct io_connection_memory *mem;
	int err = 0;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff > U32_MAX)
		return -EINVAL;
	mutex_lock(&conn->memory_lock);
	mem = conn->memory_revoked ? NULL : xa_load(&conn->memory, vma->vm_pgoff);
	if (conn->memory_revoked)
		err = -ENODEV;
	else if (!mem || vma_pages(vma) > io_buffer_memory_descriptor_capacity(mem->md) >>
					  PAGE_SHIFT)
		err = -EINVAL;
	else if ((mem->options & IOKIT_MEMORY_READ_ONLY && vma->vm_flags & VM_WRITE) ||
		 vma->vm_flags & VM_EXEC)
		err = -EACCES;
	if (!err) {
		/* Data, never code: no PROT_EXEC now or by mprotect() later. */
		iokit_vm_flags_mod(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
				   VM_MAYEXEC |
				   (mem->options & IOKIT_MEMORY_READ_ONLY ? VM_MAYWRITE : 0));
		vma->vm_ops = &io_connection_vm_ops;
		vma->vm_private_data = (void *)(unsigned long)vma->vm_pgoff;
		io_connection_vm_open(vma);
	}
	mutex_unlock(&conn->memory_lock);
	return err;
}
