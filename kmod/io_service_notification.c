// SPDX-License-Identifier: GPL-2.0-only
/*
 * Matching notifications (IOServiceAddMatchingNotification): a matching
 * dictionary armed on a notification port for one of Apple's notification
 * types.  Each service that qualifies afterwards is posted to the port as
 * one record; those that already qualify are returned when it is armed.
 *
 * Exactness comes from one reader/writer lock: every state change that a
 * notification reports (first publish, matched, terminated) is made and
 * delivered under the read side, and arming takes the write side while it
 * lists the services that already qualify.  So each qualifying service is
 * either listed or posted, never both, never neither.
 *
 * Delivery runs where the state changes: publish and matched on the
 * matching workqueue, terminated in the terminating thread after Stop and
 * before the service leaves the registry (its properties and providers
 * can still be matched against).
 */
#include <linux/bits.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <iokit/io_matching.h>
#include <iokit/io_notification_port.h>
#include <iokit/io_service.h>

#include "iokit_internal.h"

/**
 * struct io_notification - one armed matching notification
 * @node: in io_notifications
 * @port_node: in its port's notifications
 * @port: the port it posts to (referenced)
 * @match: the matching dictionary (referenced)
 * @id: names it to user space, unique for the module's life
 * @refcon: user space's value, returned in each record
 * @type: an IOKIT_NOTIFY_* type
 */
struct io_notification {
	struct list_head node;
	struct list_head port_node;
	struct io_port *port;
	struct os_dictionary *match;
	u64 id;
	u64 refcon;
	u32 type;
};

/*
 * Guards io_notifications, every port's notification list, and the
 * PUBLISHED/MATCHED/INACTIVE transitions as seen by notifications.
 */
static DECLARE_RWSEM(io_notify_lock);
static LIST_HEAD(io_notifications);
static atomic64_t io_notification_last_id;

/* Most IDs one arming lists: more than the test interface can create. */
#define IO_NOTIFY_IDS_MAX	BIT(18)

/* Post @type for @service to every notification of that type it matches. */
static void io_notify_locked(struct io_service *service, u32 type)
{
	struct io_notification *n;

	lockdep_assert_held(&io_notify_lock);
	list_for_each_entry(n, &io_notifications, node) {
		struct iokit_event ev = {
			.type = type,
			.refcon = n->refcon,
			.source_id = n->id,
			.entry_id = service->entry.id,
		};

		if (n->type == type && io_matching_match_passive(&service->entry, n->match))
			io_port_post(n->port, &ev, NULL, 0);
	}
}

/*
 * @first the first time @seen_bit is set on an active @service, then
 * @every; under the read side, so that terminated cannot come between.
 */
static void io_notify_once_then_every(struct io_service *service, int seen_bit,
				      u32 first, u32 every)
{
	down_read(&io_notify_lock);
	if (!test_bit(IO_SERVICE_INACTIVE, &service->state)) {
		if (!test_and_set_bit(seen_bit, &service->state))
			io_notify_locked(service, first);
		io_notify_locked(service, every);
	}
	up_read(&io_notify_lock);
}

/**
 * io_service_notify_publish() - deliver first-publish and publish
 * @service: a service whose matching round is starting
 */
void io_service_notify_publish(struct io_service *service)
{
	io_notify_once_then_every(service, IO_SERVICE_PUBLISHED,
				  IOKIT_NOTIFY_FIRST_PUBLISH, IOKIT_NOTIFY_PUBLISH);
}

/**
 * io_service_notify_matched() - deliver first-match and matched
 * @service: a service whose matching round has finished
 */
void io_service_notify_matched(struct io_service *service)
{
	io_notify_once_then_every(service, IO_SERVICE_MATCHED,
				  IOKIT_NOTIFY_FIRST_MATCH, IOKIT_NOTIFY_MATCHED);
}

/**
 * io_service_notify_terminated() - deliver terminated
 * @service: a stopped service still in the registry
 *
 * Only services that were published are reported, as on macOS.
 */
void io_service_notify_terminated(struct io_service *service)
{
	/*
	 * The write side waits out a publish or matched delivery that began
	 * before the service went inactive, and every later one sees it
	 * inactive: terminated is never missed, and nothing follows it.
	 */
	down_write(&io_notify_lock);
	if (test_bit(IO_SERVICE_PUBLISHED, &service->state))
		io_notify_locked(service, IOKIT_NOTIFY_TERMINATED);
	up_write(&io_notify_lock);
}

/* Whether @service already qualifies for a new notification of @type. */
static bool io_notify_already(struct io_service *service, u32 type)
{
	unsigned int bit = type == IOKIT_NOTIFY_MATCHED || type == IOKIT_NOTIFY_FIRST_MATCH ?
			   IO_SERVICE_MATCHED : IO_SERVICE_PUBLISHED;

	return type != IOKIT_NOTIFY_TERMINATED &&
	       !test_bit(IO_SERVICE_INACTIVE, &service->state) &&
	       test_bit(bit, &service->state);
}

static void io_notification_free(struct io_notification *n)
{
	io_port_put(n->port);
	os_object_put(&n->match->obj);
	kfree(n);
}

/*
 * Arm @n unless more services already qualify than @capacity: list them
 * into @ids (kernel memory) and return how many.  Return: that count, or
 * a negative errno; @n is armed only if 0 <= count <= @capacity.
 */
static int io_notification_arm(struct io_notification *n, u64 *ids, u32 capacity)
{
	struct io_registry_entry **entries;
	unsigned int count, i;
	u32 found = 0;
	int ret;

	down_write(&io_notify_lock);
	/*
	 * A port closed by another thread since the caller found it: its
	 * release marks it closed before it removes notifications under this
	 * lock, so arming now would outlive it.
	 */
	if (io_port_closed(n->port)) {
		ret = -EBADF;
		goto out;
	}
	if (n->port->notification_count >= IOKIT_NOTIFICATIONS_MAX) {
		ret = -EMFILE;
		goto out;
	}
	entries = io_registry_snapshot(&io_service_plane, &count);
	if (!entries) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < count; i++) {
		struct io_registry_entry *e = entries[i];

		if (!os_object_is_kind(&e->obj, &io_service_class) ||
		    !io_notify_already(io_service_from_entry(e), n->type) ||
		    !io_matching_match_passive(e, n->match))
			continue;
		if (found < capacity)
			ids[found] = e->id;
		found++;
	}
	io_registry_snapshot_free(entries, count);
	if (found <= capacity) {
		list_add_tail(&n->node, &io_notifications);
		list_add_tail(&n->port_node, &n->port->notifications);
		n->port->notification_count++;
	}
	ret = found;
out:
	up_write(&io_notify_lock);
	return ret;
}

/* Remove the notification @id of @port; false if there is none. */
static bool io_notification_remove(struct io_port *port, u64 id)
{
	struct io_notification *n, *found = NULL;

	down_write(&io_notify_lock);
	list_for_each_entry(n, &port->notifications, port_node) {
		if (n->id == id) {
			found = n;
			list_del(&n->node);
			list_del(&n->port_node);
			port->notification_count--;
			break;
		}
	}
	up_write(&io_notify_lock);
	if (found)
		io_notification_free(found);
	return found;
}

/**
 * io_service_notifications_port_closed() - remove a closing port's
 *	notifications
 * @port: the port
 */
void io_service_notifications_port_closed(struct io_port *port)
{
	struct io_notification *n, *next;
	LIST_HEAD(dead);

	down_write(&io_notify_lock);
	list_for_each_entry_safe(n, next, &port->notifications, port_node) {
		list_del(&n->node);
		list_move(&n->port_node, &dead);
	}
	port->notification_count = 0;
	up_write(&io_notify_lock);
	list_for_each_entry_safe(n, next, &dead, port_node)
		io_notification_free(n);
}

static u32 io_notification_add(struct iokit_notification *na, struct io_port *port)
{
	u64 __user *uids = u64_to_user_ptr(na->ids);
	u32 capacity = min_t(u32, na->count, IO_NOTIFY_IDS_MAX);
	u32 ret = IOKIT_RETURN_SUCCESS;
	struct os_dictionary *match;
	struct io_notification *n;
	u64 *ids = NULL;
	int found, reason;

	if (na->type < IOKIT_NOTIFY_FIRST_PUBLISH || na->type > IOKIT_NOTIFY_TERMINATED)
		return IOKIT_RETURN_BAD_ARGUMENT;
	match = iokit_copy_dictionary(na->data, na->data_size, &na->bad_offset,
				      &na->bad_reason, &ret);
	if (!match)
		return ret;
	reason = io_matching_validate(match, NULL);
	if (reason) {
		na->bad_offset = 0;
		na->bad_reason = reason;
		os_object_put(&match->obj);
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n) {
		os_object_put(&match->obj);
		return IOKIT_RETURN_NO_MEMORY;
	}
	/* From here, io_notification_free() undoes everything. */
	n->match = match;
	kref_get(&port->ref);
	n->port = port;
	n->type = na->type;
	n->refcon = na->refcon;
	n->id = atomic64_inc_return(&io_notification_last_id);

	if (capacity) {
		ids = kvmalloc_array(capacity, sizeof(*ids), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!ids) {
			ret = IOKIT_RETURN_NO_MEMORY;
			goto free;
		}
	}
	found = io_notification_arm(n, ids, capacity);
	if (found < 0) {
		ret = found == -EMFILE ? IOKIT_RETURN_NO_RESOURCES :
		      found == -EBADF ? IOKIT_RETURN_BAD_ARGUMENT : IOKIT_RETURN_NO_MEMORY;
		goto free;
	}
	if (found > capacity) {
		na->count = found;
		ret = IOKIT_RETURN_NO_SPACE;
		goto free;
	}
	/* Copied out after arming, never under the lock: a fault may sleep. */
	if (copy_to_user(uids, ids, found * sizeof(*ids))) {
		io_notification_remove(port, n->id);
		kvfree(ids);
		return IOKIT_RETURN_VM_ERROR;
	}
	kvfree(ids);
	na->count = found;
	na->notification_id = n->id;
	return IOKIT_RETURN_SUCCESS;

free:
	kvfree(ids);
	io_notification_free(n);
	return ret;
}

/**
 * io_service_cmd_notification() - IOKIT_IOC_NOTIFICATION
 * @file: the control node
 * @arg: struct iokit_notification
 *
 * Return: an IOReturn.
 */
u32 io_service_cmd_notification(struct file *file, void *arg)
{
	struct iokit_notification *na = arg;
	struct io_port *port;
	u32 ret;

	if (na->reserved || na->op > IOKIT_NOTIFICATION_REMOVE)
		return IOKIT_RETURN_BAD_ARGUMENT;
	port = io_port_get_from_fd(na->port_fd);
	if (!port)
		return IOKIT_RETURN_BAD_ARGUMENT;
	if (na->op == IOKIT_NOTIFICATION_ADD)
		ret = io_notification_add(na, port);
	else
		ret = io_notification_remove(port, na->notification_id) ?
		      IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NOT_FOUND;
	io_port_put(port);
	return ret;
}
