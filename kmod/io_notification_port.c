// SPDX-License-Identifier: GPL-2.0-only
/*
 * Notification ports (IONotificationPort): an anonymous-inode file whose
 * read() returns struct iokit_event records.  Matching notifications post
 * to it; later, so will user clients' asynchronous completions, which is
 * why a port is reference counted apart from its file: a poster may still
 * hold it after user space closed it, and its records then go nowhere.
 *
 * The queue is bounded.  A record that finds it full is counted on the
 * port's one overflow record, which is queued at the point the first
 * drop happened, so readers learn that and how much they missed without
 * iokit ever blocking or allocating without bound for a slow reader.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <iokit/io_notification_port.h>

#include "iokit_internal.h"

/*
 * A queued record: @size bytes at @data, an iokit_event and what follows.
 * @data is u64 so every record is 8-byte aligned for the reader.
 */
struct io_port_record {
	struct list_head node;
	u32 size;
	u64 data[];
};

static const struct file_operations io_port_fops;

static void io_port_release_ref(struct kref *ref)
{
	struct io_port *port = container_of(ref, struct io_port, ref);
	struct io_port_record *rec, *next;

	list_for_each_entry_safe(rec, next, &port->queue, node)
		kfree(rec);
	mutex_destroy(&port->read_lock);
	kfree(port);
}

/**
 * io_port_put() - drop a reference to a port
 * @port: the port, or NULL
 */
void io_port_put(struct io_port *port)
{
	if (port)
		kref_put(&port->ref, io_port_release_ref);
}

/**
 * io_port_get_from_fd() - the port behind a file descriptor of the caller
 * @fd: a file descriptor
 *
 * Return: the port, referenced, or NULL if @fd is not a notification port.
 */
struct io_port *io_port_get_from_fd(int fd)
{
	struct io_port *port = NULL;
	struct file *file = fget(fd);

	if (!file)
		return NULL;
	if (file->f_op == &io_port_fops) {
		port = file->private_data;
		kref_get(&port->ref);
	}
	fput(file);
	return port;
}

/**
 * io_port_post() - queue a record on a port
 * @port: the port
 * @event: the record's head; its @size is set here
 * @extra: data that follows the head, or NULL
 * @extra_size: bytes at @extra
 *
 * May sleep.  A record that does not fit, or cannot be allocated, is
 * counted in the port's overflow record instead.
 *
 * Return: 0 if queued, -ENOSPC if dropped, -EPIPE if the port is closed.
 */
int io_port_post(struct io_port *port, const struct iokit_event *event,
		 const void *extra, size_t extra_size)
{
	size_t size = ALIGN(sizeof(*event) + extra_size, sizeof(u64));
	struct io_port_record *rec;
	int ret = 0;

	rec = kzalloc(struct_size(rec, data, size / sizeof(u64)), GFP_KERNEL_ACCOUNT);
	if (rec) {
		struct iokit_event *head = (struct iokit_event *)rec->data;

		*head = *event;
		head->size = size;
		if (extra_size)
			memcpy(head + 1, extra, extra_size);
		rec->size = size;
	}

	spin_lock(&port->lock);
	if (port->closed) {
		ret = -EPIPE;
	} else if (!rec || port->queued >= port->limit) {
		if (!port->dropped++)
			list_add_tail(&port->overflow_node, &port->queue);
		ret = -ENOSPC;
	} else {
		list_add_tail(&rec->node, &port->queue);
		port->queued++;
		rec = NULL;
	}
	spin_unlock(&port->lock);
	kfree(rec);
	if (ret != -EPIPE)
		wake_up_interruptible_poll(&port->wait, EPOLLIN | EPOLLRDNORM);
	return ret;
}
EXPORT_SYMBOL_GPL(io_port_post);

/*
 * Take the first record if it fits in @room bytes, into @head (the
 * overflow record) or as @out (a queued one, now the caller's).
 * Return: its size, 0 if the queue is empty, -EINVAL if it does not fit.
 */
static int io_port_take(struct io_port *port, size_t room,
			struct iokit_event *head, struct io_port_record **out)
{
	struct list_head *first;
	int size;

	*out = NULL;
	spin_lock(&port->lock);
	first = port->queue.next;
	if (first == &port->queue) {
		size = 0;
	} else if (first == &port->overflow_node) {
		size = sizeof(*head);
		if (room >= size) {
			list_del(first);
			memset(head, 0, sizeof(*head));
			head->size = size;
			head->type = IOKIT_EVENT_OVERFLOW;
			head->count = port->dropped;
			port->dropped = 0;
		}
	} else {
		struct io_port_record *rec = list_entry(first, struct io_port_record, node);

		size = rec->size;
		if (room >= size) {
			list_del(first);
			port->queued--;
			*out = rec;
		}
	}
	spin_unlock(&port->lock);
	return room >= size ? size : -EINVAL;
}

static bool io_port_readable(struct io_port *port)
{
	bool ready;

	spin_lock(&port->lock);
	ready = !list_empty(&port->queue);
	spin_unlock(&port->lock);
	return ready;
}

static ssize_t io_port_read(struct file *file, char __user *buf, size_t len,
			    loff_t *ppos)
{
	struct io_port *port = file->private_data;
	struct io_port_record *rec;
	struct iokit_event head;
	ssize_t done = 0;
	int size, ret;

	for (;;) {
		/* One reader at a time, so records leave in queue order. */
		if (mutex_lock_interruptible(&port->read_lock))
			return -ERESTARTSYS;
		while ((size = io_port_take(port, len - done, &head, &rec)) > 0) {
			const void *src = rec ? (const void *)rec->data : &head;
			bool fault = copy_to_user(buf + done, src, size);

			kfree(rec);
			if (fault) {
				size = -EFAULT;
				break;
			}
			done += size;
		}
		mutex_unlock(&port->read_lock);
		if (done)
			return done;
		if (size < 0)
			return size;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(port->wait, io_port_readable(port));
		if (ret)
			return ret;
	}
}

static __poll_t io_port_poll(struct file *file, poll_table *wait)
{
	struct io_port *port = file->private_data;

	poll_wait(file, &port->wait, wait);
	return io_port_readable(port) ? EPOLLIN | EPOLLRDNORM : 0;
}

/**
 * io_port_closed() - whether user space has closed a port
 * @port: the port
 *
 * Return: true once its release has begun.
 */
bool io_port_closed(struct io_port *port)
{
	bool closed;

	spin_lock(&port->lock);
	closed = port->closed;
	spin_unlock(&port->lock);
	return closed;
}

static int io_port_release(struct inode *inode, struct file *file)
{
	struct io_port *port = file->private_data;

	/* First, so that nothing attached from now on outlives the file. */
	spin_lock(&port->lock);
	port->closed = true;
	spin_unlock(&port->lock);
	io_service_notifications_port_closed(port);
	io_loader_port_closed(port);
	io_port_put(port);
	return 0;
}

static const struct file_operations io_port_fops = {
	.owner = THIS_MODULE,
	.read = io_port_read,
	.poll = io_port_poll,
	.release = io_port_release,
	.llseek = noop_llseek,
};

/**
 * io_port_cmd_create() - IOKIT_IOC_PORT_CREATE
 * @file: the control node
 * @arg: struct iokit_port_create
 *
 * Return: an IOReturn.
 */
u32 io_port_cmd_create(struct file *file, void *arg)
{
	struct iokit_port_create *pc = arg;
	struct io_port *port;
	int flags = O_RDONLY | O_CLOEXEC;
	int fd;

	if (pc->flags & ~IOKIT_PORT_NONBLOCK || pc->reserved ||
	    pc->queue_limit == 1 || pc->queue_limit > IOKIT_PORT_QUEUE_MAX)
		return IOKIT_RETURN_BAD_ARGUMENT;
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return IOKIT_RETURN_NO_MEMORY;
	kref_init(&port->ref);
	spin_lock_init(&port->lock);
	mutex_init(&port->read_lock);
	init_waitqueue_head(&port->wait);
	INIT_LIST_HEAD(&port->queue);
	INIT_LIST_HEAD(&port->overflow_node);
	INIT_LIST_HEAD(&port->notifications);
	port->limit = pc->queue_limit ?: IOKIT_PORT_QUEUE_DEFAULT;
	if (pc->flags & IOKIT_PORT_NONBLOCK)
		flags |= O_NONBLOCK;
	fd = anon_inode_getfd("[iokit-port]", &io_port_fops, port, flags);
	if (fd < 0) {
		io_port_put(port);
		return fd == -EMFILE || fd == -ENFILE ? IOKIT_RETURN_NO_RESOURCES :
							IOKIT_RETURN_NO_MEMORY;
	}
	pc->fd = fd;
	return IOKIT_RETURN_SUCCESS;
}
