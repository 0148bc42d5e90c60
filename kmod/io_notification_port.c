// SPDX-License-Identifier: GPL-2.0-only
/*
 * Notification ports (IONotificationPort): an anonymous-inode file whose
 * read() returns struct iokit_event records.  Matching notifications and
 * load requests post to it; later, so will user clients' asynchronous
 * completions, which is why a port is reference counted apart from its
 * file: a poster may still hold it after user space closed it, and its
 * records then go nowhere.
 *
 * The records live in a ring allocated, and charged to its creator, when
 * the port is made: posting never allocates, so it cannot fail for lack
 * of memory, can run in any context (interrupts included), and charges
 * nobody but the port's owner.  A record that finds the ring full is
 * counted on the port's one overflow record, read at the point the first
 * drop happened, so readers learn that and how much they missed without
 * iokit ever blocking for a slow reader.
 *
 * The port knows nothing of what is armed on it: each user subscribes
 * (struct io_port_subscriber) and is called back once when the file is
 * closed.  port->lock guards the ring, the overflow count, the closed
 * flag and the subscribers; it is taken with interrupts off.
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

#include "io_user.h"
#include "iokit_internal.h"

/* The largest record a port carries; each slot of the ring holds one. */
#define IO_PORT_SLOT	ALIGN(sizeof(struct iokit_load_request), sizeof(u64))

/**
 * struct io_port - a notification port
 * @ref: the file's reference, and one per poster or subscriber holding it
 * @lock: guards every field below it but @wait and @read_lock
 * @ring: @limit slots of IO_PORT_SLOT bytes
 * @limit: most records the ring holds
 * @head: the slot of the oldest record
 * @count: records in the ring
 * @reserved: slots promised to async completions still to come: a post
 *	that is not one of them finds the ring full at @limit - @reserved
 * @dropped: records dropped since the overflow record was last read
 * @overflow_after: while @dropped, records to read before the overflow
 *	record
 * @closed: the file is gone; posts are discarded
 * @subscribers: struct io_port_subscriber
 * @subscriber_count: their number
 * @read_lock: one reader at a time
 * @wait: readers and pollers
 * @user: whom the port is charged to
 * @charge: bytes charged
 */
struct io_port {
	struct kref ref;
	spinlock_t lock;	/* see above */
	u64 *ring;
	u32 limit;
	u32 head;
	u32 count;
	u32 reserved;
	u32 dropped;
	u32 overflow_after;
	bool closed;
	struct list_head subscribers;
	unsigned int subscriber_count;
	struct mutex read_lock;		/* one reader at a time */
	wait_queue_head_t wait;
	struct io_user *user;
	size_t charge;
};

static const struct file_operations io_port_fops;

static u64 *io_port_slot(struct io_port *port, u32 i)
{
	return port->ring + (size_t)(i % port->limit) * (IO_PORT_SLOT / sizeof(u64));
}

static void io_port_release_ref(struct kref *ref)
{
	struct io_port *port = container_of(ref, struct io_port, ref);

	WARN_ON(!list_empty(&port->subscribers));
	io_user_uncharge(port->user, port->charge, 0);
	kvfree(port->ring);
	mutex_destroy(&port->read_lock);
	kfree(port);
	iokit_live_dec(IOKIT_LIVE_PORTS);
}

/**
 * io_port_get() - take a reference to a port
 * @port: a port the caller holds
 *
 * Return: @port.
 */
struct io_port *io_port_get(struct io_port *port)
{
	kref_get(&port->ref);
	return port;
}
EXPORT_SYMBOL_GPL(io_port_get);

/**
 * io_port_put() - drop a reference to a port
 * @port: the port, or NULL
 *
 * The last reference frees the ring with kvfree(): process context only
 * (posters that run in other contexts keep theirs until they are back
 * in one).
 */
void io_port_put(struct io_port *port)
{
	if (port)
		kref_put(&port->ref, io_port_release_ref);
}
EXPORT_SYMBOL_GPL(io_port_put);

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
	if (file->f_op == &io_port_fops)
		port = io_port_get(file->private_data);
	fput(file);
	return port;
}
EXPORT_SYMBOL_GPL(io_port_get_from_fd);

/* Write a record into the next slot, which the caller made sure is free. */
static void io_port_write(struct io_port *port, const struct iokit_event *event,
			  const void *extra, size_t extra_size, size_t size)
{
	struct iokit_event *head;

	lockdep_assert_held(&port->lock);
	head = (struct iokit_event *)io_port_slot(port, port->head + port->count);
	*head = *event;
	head->size = size;
	memset(head + 1, 0, size - sizeof(*head));
	if (extra_size)
		memcpy(head + 1, extra, extra_size);
	port->count++;
}

/**
 * io_port_post() - queue a record on a port
 * @port: the port
 * @event: the record's head; its @size is set here
 * @extra: data that follows the head, or NULL
 * @extra_size: bytes at @extra; the whole record fits IO_PORT_SLOT
 *
 * Never sleeps and never allocates: callable from any context.  A record
 * that finds the ring full (its free slots all reserved, or none) is
 * counted in the port's overflow record.
 *
 * Return: 0 if queued, -ENOSPC if dropped, -EPIPE if the port is closed.
 */
int io_port_post(struct io_port *port, const struct iokit_event *event,
		 const void *extra, size_t extra_size)
{
	size_t size = ALIGN(sizeof(*event) + extra_size, sizeof(u64));
	unsigned long flags;
	int ret = 0;

	if (WARN_ON_ONCE(size > IO_PORT_SLOT))
		return -EINVAL;
	spin_lock_irqsave(&port->lock, flags);
	if (port->closed) {
		ret = -EPIPE;
	} else if (port->count + port->reserved >= port->limit) {
		if (!port->dropped++)
			port->overflow_after = port->count;
		ret = -ENOSPC;
	} else {
		io_port_write(port, event, extra, extra_size, size);
	}
	spin_unlock_irqrestore(&port->lock, flags);
	if (ret != -EPIPE)
		wake_up_interruptible_poll(&port->wait, EPOLLIN | EPOLLRDNORM);
	return ret;
}
EXPORT_SYMBOL_GPL(io_port_post);

/**
 * io_port_reserve() - promise a record a slot of the ring
 * @port: the port
 *
 * For a record that must never be dropped, an async completion: the slot
 * is its from now until io_port_post_reserved() or io_port_unreserve().
 * Any context.
 *
 * Return: 0, -ENOSPC if every slot is taken or promised, -EPIPE if the
 * port is closed.
 */
int io_port_reserve(struct io_port *port)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&port->lock, flags);
	if (port->closed)
		ret = -EPIPE;
	else if (port->count + port->reserved >= port->limit)
		ret = -ENOSPC;
	else
		port->reserved++;
	spin_unlock_irqrestore(&port->lock, flags);
	return ret;
}

/**
 * io_port_unreserve() - give back a slot io_port_reserve() promised
 * @port: the port
 */
void io_port_unreserve(struct io_port *port)
{
	unsigned long flags;

	spin_lock_irqsave(&port->lock, flags);
	if (!WARN_ON_ONCE(!port->reserved))
		port->reserved--;
	spin_unlock_irqrestore(&port->lock, flags);
}

/**
 * io_port_post_reserved() - queue a record into its reserved slot
 * @port: the port
 * @event: as io_port_post()
 * @extra: as io_port_post()
 * @extra_size: as io_port_post()
 *
 * Cannot find the ring full.  On a closed port the record is discarded.
 * Any context.
 */
void io_port_post_reserved(struct io_port *port, const struct iokit_event *event,
			   const void *extra, size_t extra_size)
{
	size_t size = ALIGN(sizeof(*event) + extra_size, sizeof(u64));
	unsigned long flags;
	bool closed;

	if (WARN_ON_ONCE(size > IO_PORT_SLOT))
		size = 0;
	spin_lock_irqsave(&port->lock, flags);
	if (!WARN_ON_ONCE(!port->reserved))
		port->reserved--;
	closed = port->closed;
	/* count + reserved <= limit held with this slot among the reserved. */
	if (!closed && size)
		io_port_write(port, event, extra, extra_size, size);
	spin_unlock_irqrestore(&port->lock, flags);
	if (!closed)
		wake_up_interruptible_poll(&port->wait, EPOLLIN | EPOLLRDNORM);
}

/**
 * io_port_subscribe() - arm something on a port
 * @port: the port
 * @sub: the subscriber, with @sub->closed set
 * @max: the most subscribers, of any kind, the port may have with @sub
 *	among them: each kind bounds itself
 *
 * Return: 0; -EBADF if the port's file is already being closed (@sub
 * would never be called back); -EMFILE if the port has @max subscribers
 * already.
 */
int io_port_subscribe(struct io_port *port, struct io_port_subscriber *sub,
		      unsigned int max)
{
	int ret = 0;

	INIT_LIST_HEAD(&sub->node);
	spin_lock_irq(&port->lock);
	if (port->closed) {
		ret = -EBADF;
	} else if (port->subscriber_count >= max) {
		ret = -EMFILE;
	} else {
		list_add_tail(&sub->node, &port->subscribers);
		port->subscriber_count++;
	}
	spin_unlock_irq(&port->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(io_port_subscribe);

/**
 * io_port_unsubscribe() - disarm a subscriber
 * @port: the port
 * @sub: a subscriber of @port, or one that io_port_subscribe() refused
 *
 * Return: true if @sub was subscribed and is not any more: it will not be
 * called back.  False if the port's release took it already: its
 * @closed callback runs, or has run.
 */
bool io_port_unsubscribe(struct io_port *port, struct io_port_subscriber *sub)
{
	bool was;

	spin_lock_irq(&port->lock);
	was = !list_empty(&sub->node);
	if (was) {
		list_del_init(&sub->node);
		port->subscriber_count--;
	}
	spin_unlock_irq(&port->lock);
	return was;
}
EXPORT_SYMBOL_GPL(io_port_unsubscribe);

/*
 * Copy the oldest record, the overflow record when its turn has come,
 * into @buf if it fits in @room bytes, leaving it in the port: it leaves
 * only once it has reached the reader (io_port_consume()), so a read that
 * faults loses nothing.  Only the reader, under read_lock, takes records
 * out, so the oldest stays the oldest until then.
 *
 * Return: its size, 0 if there is none, -EINVAL if it does not fit.
 */
static int io_port_peek(struct io_port *port, size_t room, u64 *buf)
{
	struct iokit_event *head;
	int size;

	spin_lock_irq(&port->lock);
	if (port->dropped && !port->overflow_after) {
		size = sizeof(*head);
		if (room >= size) {
			head = (struct iokit_event *)buf;
			memset(head, 0, sizeof(*head));
			head->size = size;
			head->type = IOKIT_EVENT_OVERFLOW;
			head->count = port->dropped;
		}
	} else if (!port->count) {
		size = 0;
	} else {
		head = (struct iokit_event *)io_port_slot(port, port->head);
		size = head->size;
		if (room >= size)
			memcpy(buf, head, size);
	}
	spin_unlock_irq(&port->lock);
	return room >= size ? size : -EINVAL;
}

/*
 * Take out the record io_port_peek() copied to @rec: an overflow record
 * gives back the drops it reported (those since are reported next).
 */
static void io_port_consume(struct io_port *port, const struct iokit_event *rec)
{
	spin_lock_irq(&port->lock);
	if (rec->type == IOKIT_EVENT_OVERFLOW) {
		port->dropped -= rec->count;
		/* Dropped since the peek: after all that is queued now. */
		if (port->dropped)
			port->overflow_after = port->count;
	} else {
		port->head = (port->head + 1) % port->limit;
		port->count--;
		if (port->dropped)
			port->overflow_after--;
	}
	spin_unlock_irq(&port->lock);
}

static bool io_port_readable(struct io_port *port)
{
	bool ready;

	spin_lock_irq(&port->lock);
	ready = port->count || port->dropped;
	spin_unlock_irq(&port->lock);
	return ready;
}

static ssize_t io_port_read(struct file *file, char __user *buf, size_t len,
			    loff_t *ppos)
{
	struct io_port *port = file->private_data;
	u64 rec[IO_PORT_SLOT / sizeof(u64)];
	ssize_t done = 0;
	int size, ret;

	for (;;) {
		/* One reader at a time, so records leave in ring order. */
		if (mutex_lock_interruptible(&port->read_lock))
			return -ERESTARTSYS;
		while ((size = io_port_peek(port, len - done, rec)) > 0) {
			if (copy_to_user(buf + done, rec, size)) {
				size = -EFAULT;
				break;
			}
			io_port_consume(port, (struct iokit_event *)rec);
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

static int io_port_release(struct inode *inode, struct file *file)
{
	struct io_port *port = file->private_data;
	struct io_port_subscriber *sub;

	/* First, so that nothing subscribed from now on outlives the file. */
	spin_lock_irq(&port->lock);
	port->closed = true;
	spin_unlock_irq(&port->lock);
	for (;;) {
		spin_lock_irq(&port->lock);
		sub = list_first_entry_or_null(&port->subscribers,
					       struct io_port_subscriber, node);
		if (sub) {
			list_del_init(&sub->node);
			port->subscriber_count--;
		}
		spin_unlock_irq(&port->lock);
		if (!sub)
			break;
		sub->closed(sub, port);
		cond_resched();
	}
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

static struct io_port *io_port_create(u32 limit)
{
	struct io_port *port;

	size_t charge = sizeof(*port) + (size_t)limit * IO_PORT_SLOT;
	struct io_user *user = io_user_get_current();
	int ret;

	/* Charged before anything is allocated: past its budget, nothing is. */
	ret = user ? io_user_charge(user, charge, 0) : -ENOMEM;
	io_user_put(user);	/* the charge holds it */
	if (ret)
		return ERR_PTR(ret);
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (port)
		port->ring = kvcalloc(limit, IO_PORT_SLOT, GFP_KERNEL_ACCOUNT);
	if (!port || !port->ring) {
		kfree(port);
		io_user_uncharge(user, charge, 0);
		return ERR_PTR(-ENOMEM);
	}
	port->user = user;
	port->charge = charge;
	kref_init(&port->ref);
	spin_lock_init(&port->lock);
	mutex_init(&port->read_lock);
	init_waitqueue_head(&port->wait);
	INIT_LIST_HEAD(&port->subscribers);
	port->limit = limit;
	iokit_live_inc(IOKIT_LIVE_PORTS);
	return port;
}

/**
 * io_port_cmd_create() - IOKIT_IOC_PORT_CREATE
 * @call: the ioctl
 * @arg: struct iokit_port_create
 *
 * The port's descriptor is installed only once the struct that names it
 * has reached the caller: a caller whose struct cannot be written back
 * is left with no descriptor it does not know of.
 *
 * Return: an IOReturn.
 */
u32 io_port_cmd_create(struct iokit_call *call, void *arg)
{
	struct iokit_port_create *pc = arg;
	int flags = O_RDONLY | O_CLOEXEC;
	struct io_port *port;
	struct file *file;
	int fd;

	if (pc->flags & ~IOKIT_PORT_NONBLOCK || pc->reserved ||
	    pc->queue_limit == 1 || pc->queue_limit > IOKIT_PORT_QUEUE_MAX)
		return IOKIT_RETURN_BAD_ARGUMENT;
	port = io_port_create(pc->queue_limit ?: IOKIT_PORT_QUEUE_DEFAULT);
	if (IS_ERR(port))
		return PTR_ERR(port) == -EDQUOT ? IOKIT_RETURN_NO_RESOURCES :
						  IOKIT_RETURN_NO_MEMORY;
	if (pc->flags & IOKIT_PORT_NONBLOCK)
		flags |= O_NONBLOCK;
	file = anon_inode_getfile("[iokit-port]", &io_port_fops, port, flags);
	if (IS_ERR(file)) {
		io_port_put(port);
		return IOKIT_RETURN_NO_MEMORY;
	}
	fd = iokit_call_install_file(call, file, flags);
	if (fd < 0)
		return fd == -EMFILE || fd == -ENFILE ? IOKIT_RETURN_NO_RESOURCES :
							IOKIT_RETURN_NO_MEMORY;
	pc->fd = fd;
	return IOKIT_RETURN_SUCCESS;
}
