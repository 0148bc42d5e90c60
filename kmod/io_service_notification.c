// SPDX-License-Identifier: GPL-2.0-only
/*
 * Matching notifications (IOServiceAddMatchingNotification): a matching
 * dictionary armed on a notification port for one of Apple's notification
 * types.  Each service that qualifies afterwards is posted to the port as
 * one record; those that already qualify are returned when it is armed.
 *
 * Delivery runs where the state changes: publish and matched on the
 * matching workqueue under the read side of io_notify_lock, terminated in
 * the terminating thread, after Stop and before the service leaves the
 * registry (its properties and providers can still be matched against),
 * under the write side, which waits out a publish still being delivered
 * so that nothing follows terminated.
 *
 * Exactness without holding the lock while the registry is searched:
 * every state change a notification reports takes the next number of one
 * sequence and stamps it on the service (published_seq, matched_seq,
 * terminated_seq) under the lock.  Arming puts the notification in the
 * list under the write side and notes the sequence then, A.  Changes
 * numbered up to A happened before and are found by the search that
 * follows, without the lock, from the stamps; changes after A see the
 * notification and are delivered to it.  While it is still being armed,
 * those deliveries are kept aside (the "early" ones) rather than posted,
 * so that an arming that fails - the caller's buffer too short, a bad
 * pointer - leaves no record behind; once its list has reached the
 * caller, what came early is posted and the notification is live.
 *
 * What a notification costs is charged to its user (io_user.c): its
 * memory, and its matching cost, which every delivery pays.
 */
#include <linux/bits.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <iokit/io_matching.h>
#include <iokit/io_notification_port.h>
#include <iokit/io_service.h>

#include "io_test_hooks.h"
#include "io_user.h"
#include "iokit_internal.h"

/* Most IDs one arming lists: more than the test interface can create. */
#define IO_NOTIFY_IDS_MAX	BIT(18)

/* Deliveries one arming keeps aside beyond the caller's room for IDs. */
#define IO_NOTIFY_EARLY_SLACK	64

/* What a notification costs every delivery before its dictionary does. */
#define IO_NOTIFY_COST_BASE	16

/**
 * struct io_notification - one armed matching notification
 * @ref: the arming call's, and the port subscription's
 * @node: in io_notifications, while @listed
 * @sub: its subscription to @port
 * @port: the port it posts to (referenced)
 * @match: the matching dictionary (referenced)
 * @id: names it to user space, unique for the module's life
 * @refcon: user space's value, returned in each record
 * @type: an IOKIT_NOTIFY_* type
 * @listed: in io_notifications and io_notification_ids
 * @arming: its existing services are being listed: deliveries go to
 *	@early, not to the port
 * @early: entry IDs delivered while arming (the arming call's buffer)
 * @early_size: room at @early
 * @early_count: deliveries while arming, which may exceed @early_size
 * @user: whom it is charged to
 * @memory: bytes charged
 * @cost: matching cost charged
 *
 * Fields from @listed on are guarded by io_notify_lock, but @early_count,
 * which concurrent readers of the lock add to atomically.
 */
struct io_notification {
	struct kref ref;
	struct list_head node;
	struct io_port_subscriber sub;
	struct io_port *port;
	struct os_dictionary *match;
	u64 id;
	u64 refcon;
	u32 type;
	bool listed;
	bool arming;
	u64 *early;
	u32 early_size;
	atomic_t early_count;
	struct io_user *user;
	size_t memory;
	unsigned long cost;
};

/*
 * Guards io_notifications, io_notification_ids, the notifications' state
 * and the services' notification stamps.
 */
static DECLARE_RWSEM(io_notify_lock);
static LIST_HEAD(io_notifications);
static DEFINE_XARRAY(io_notification_ids);
static atomic64_t io_notification_last_id;
static atomic64_t io_notify_seq;

static void io_notification_release(struct kref *ref)
{
	struct io_notification *n = container_of(ref, struct io_notification, ref);

	if (n->user)
		io_user_uncharge(n->user, n->memory, n->cost);
	/* Its ID was reserved when it was made, and stored only while listed. */
	xa_release(&io_notification_ids, n->id);
	io_port_put(n->port);
	os_object_put(&n->match->obj);
	kvfree(n->early);
	kfree(n);
	iokit_live_dec(IOKIT_LIVE_NOTIFICATIONS);
}

static void io_notification_put(struct io_notification *n)
{
	kref_put(&n->ref, io_notification_release);
}

/* Take @n out of the list and the ID map.  Write side held. */
static void io_notification_unlist(struct io_notification *n)
{
	lockdep_assert_held_write(&io_notify_lock);
	if (!n->listed)
		return;
	list_del(&n->node);
	xa_erase(&io_notification_ids, n->id);
	n->listed = false;
}

/* The port's file closed: the subscription's reference goes. */
static void io_notification_port_closed(struct io_port_subscriber *sub,
					struct io_port *port)
{
	struct io_notification *n = container_of(sub, struct io_notification, sub);

	down_write(&io_notify_lock);
	io_notification_unlist(n);
	up_write(&io_notify_lock);
	io_notification_put(n);
}

/* Disarm @n, unless the port's release does it already. */
static void io_notification_disarm(struct io_notification *n)
{
	if (!io_port_unsubscribe(n->port, &n->sub))
		return;
	down_write(&io_notify_lock);
	io_notification_unlist(n);
	up_write(&io_notify_lock);
	io_notification_put(n);
}

/*
 * Deliver @type for @service to every notification of that type it
 * matches.  @first: this is the service's first change of this kind, so
 * no arming in progress has found it in its search.
 */
static void io_notify_locked(struct io_service *service, u32 type, bool first)
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
		int i;

		if (n->type != type || !io_matching_match_passive(&service->entry, n->match))
			continue;
		if (!n->arming) {
			io_port_post(n->port, &ev, NULL, 0);
		} else if (first) {
			i = atomic_inc_return(&n->early_count) - 1;
			if (i < n->early_size)
				n->early[i] = service->entry.id;
		}
		cond_resched();
	}
}

/*
 * @first the first time a change of this kind happens to an active
 * @service (stamped in @seq), then @every; under the read side, so that
 * terminated cannot come between.
 */
static void io_notify_once_then_every(struct io_service *service, u64 *seq,
				      u32 first, u32 every)
{
	bool once;

	down_read(&io_notify_lock);
	if (!io_registry_entry_inactive(&service->entry)) {
		/* A service's own changes come one at a time, from its rounds. */
		once = !*seq;
		if (once) {
			WRITE_ONCE(*seq, atomic64_inc_return(&io_notify_seq));
			io_notify_locked(service, first, true);
		}
		io_notify_locked(service, every, once);
	}
	up_read(&io_notify_lock);
}

/**
 * io_service_notify_publish() - deliver first-publish and publish
 * @service: a service whose matching round is starting
 */
void io_service_notify_publish(struct io_service *service)
{
	io_notify_once_then_every(service, &service->published_seq,
				  IOKIT_NOTIFY_FIRST_PUBLISH, IOKIT_NOTIFY_PUBLISH);
}

/**
 * io_service_notify_matched() - deliver first-match and matched
 * @service: a service whose matching round has finished
 */
void io_service_notify_matched(struct io_service *service)
{
	io_notify_once_then_every(service, &service->matched_seq,
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
	WRITE_ONCE(service->terminated_seq, atomic64_inc_return(&io_notify_seq));
	if (service->published_seq)
		io_notify_locked(service, IOKIT_NOTIFY_TERMINATED, true);
	up_write(&io_notify_lock);
}

/*
 * Whether @service qualified for a notification of @type armed at @armed:
 * its first change of that kind came at or before @armed, and it was not
 * terminated by then.
 */
static bool io_notify_already(struct io_service *service, u32 type, u64 armed)
{
	bool matched = type == IOKIT_NOTIFY_MATCHED || type == IOKIT_NOTIFY_FIRST_MATCH;
	u64 seq = matched ? READ_ONCE(service->matched_seq) :
			    READ_ONCE(service->published_seq);
	u64 gone = READ_ONCE(service->terminated_seq);

	return seq && seq <= armed && (!gone || gone > armed);
}

/*
 * The services that qualified for @n when it was armed at @armed, into
 * @ids (room for @capacity).  Return: how many (may exceed @capacity),
 * or -EINTR if the caller was killed, -ENOMEM.
 */
static int io_notification_search(struct io_notification *n, u64 armed, u64 *ids,
				  u32 capacity)
{
	struct io_registry_entry **entries;
	unsigned int count, i;
	int found = 0;

	entries = io_registry_snapshot(&io_service_plane, &count);
	if (!entries)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct io_registry_entry *e = entries[i];

		if (fatal_signal_pending(current)) {
			found = -EINTR;
			break;
		}
		cond_resched();
		if (!os_object_is_kind(&e->obj, &io_service_class) ||
		    !io_notify_already(io_service_from_entry(e), n->type, armed) ||
		    !io_matching_match_passive(e, n->match))
			continue;
		if (found < capacity)
			ids[found] = e->id;
		found++;
	}
	io_registry_snapshot_free(entries, count);
	return found;
}

/*
 * Arm @n: list the services that already qualify into @uids (room for
 * @capacity), then make it live.  Return: an IOReturn; *@count is how
 * many services qualified (or would have, for kIOReturnNoSpace).
 */
static u32 io_notification_arm(struct io_notification *n, u64 __user *uids,
			       u32 capacity, u32 *count)
{
	u32 early, found_early, posted, i;
	u64 armed, *ids = NULL, *spent = NULL;
	int found = 0;
	u32 ret;

	if (n->type != IOKIT_NOTIFY_TERMINATED) {
		/* Room for what the search finds, and for what comes early. */
		n->early_size = capacity + IO_NOTIFY_EARLY_SLACK;
		n->early = kvmalloc_array(n->early_size, sizeof(*n->early),
					  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		ids = kvmalloc_array(n->early_size, sizeof(*ids),
				     GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!n->early || !ids) {
			kvfree(ids);
			io_notification_disarm(n);
			return IOKIT_RETURN_NO_MEMORY;
		}
	}

	down_write(&io_notify_lock);
	n->arming = n->type != IOKIT_NOTIFY_TERMINATED;
	armed = atomic64_read(&io_notify_seq);
	list_add_tail(&n->node, &io_notifications);
	/* Reserved: storing allocates nothing. */
	xa_store(&io_notification_ids, n->id, n, GFP_NOWAIT);
	n->listed = true;
	up_write(&io_notify_lock);
	if (!n->arming) {
		*count = 0;
		return IOKIT_RETURN_SUCCESS;
	}

	io_test_delay(IO_TEST_DELAY_ARMING);
	found = io_notification_search(n, armed, ids, capacity);
	ret = found == -EINTR ? IOKIT_RETURN_ABORTED : IOKIT_RETURN_NO_MEMORY;
	if (found < 0)
		goto disarm;

	/* What came early so far joins the list, if the caller has room. */
	down_write(&io_notify_lock);
	found_early = atomic_read(&n->early_count);
	if (found + found_early <= capacity)
		memcpy(ids + found, n->early, found_early * sizeof(*ids));
	up_write(&io_notify_lock);
	*count = found + found_early;
	ret = IOKIT_RETURN_NO_SPACE;
	if (*count > capacity)
		goto disarm;

	/* Not under the lock: a fault may sleep, and nothing is posted yet. */
	ret = IOKIT_RETURN_VM_ERROR;
	if (copy_to_user(uids, ids, *count * sizeof(*ids)))
		goto disarm;

	/* Live: what came after the list was copied is posted, in order. */
	down_write(&io_notify_lock);
	if (!n->listed) {
		/* Its port was closed meanwhile: nothing is armed. */
		up_write(&io_notify_lock);
		kvfree(ids);
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	early = atomic_read(&n->early_count);
	posted = min(early, n->early_size);
	for (i = found_early; early <= n->early_size && i < posted; i++) {
		struct iokit_event ev = {
			.type = n->type,
			.refcon = n->refcon,
			.source_id = n->id,
			.entry_id = n->early[i],
		};

		io_port_post(n->port, &ev, NULL, 0);
	}
	if (early <= n->early_size) {
		/* Deliveries go to the port from now on: no buffer is kept. */
		n->arming = false;
		swap(spent, n->early);
		n->early_size = 0;
	}
	up_write(&io_notify_lock);
	kvfree(spent);
	kvfree(ids);
	/* So much came while arming that some was lost: try again. */
	if (early > n->early_size) {
		io_notification_disarm(n);
		return IOKIT_RETURN_BUSY;
	}
	return IOKIT_RETURN_SUCCESS;

disarm:
	kvfree(ids);
	io_notification_disarm(n);
	return ret;
}

/* Remove the notification @id of @port; false if there is none. */
static bool io_notification_remove(struct io_port *port, u64 id)
{
	struct io_notification *n;

	down_read(&io_notify_lock);
	n = xa_load(&io_notification_ids, id);
	if (n && (n->port != port || !n->listed || n->arming))
		n = NULL;
	if (n)
		kref_get(&n->ref);
	up_read(&io_notify_lock);
	if (!n)
		return false;
	io_notification_disarm(n);
	io_notification_put(n);
	return true;
}

/* A new notification on @port for @match, whose reference it takes. */
static struct io_notification *io_notification_new(struct iokit_notification *na,
						   struct io_port *port,
						   struct os_dictionary *match, u32 *ret)
{
	struct io_notification *n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	int err;

	if (!n) {
		os_object_put(&match->obj);
		*ret = IOKIT_RETURN_NO_MEMORY;
		return NULL;
	}
	iokit_live_inc(IOKIT_LIVE_NOTIFICATIONS);
	/* From here, io_notification_put() undoes everything. */
	kref_init(&n->ref);
	n->match = match;
	n->port = io_port_get(port);
	n->type = na->type;
	n->refcon = na->refcon;
	n->id = atomic64_inc_return(&io_notification_last_id);
	n->sub.closed = io_notification_port_closed;
	/* What it keeps; its arming's buffers are the call's, and go with it. */
	n->memory = sizeof(*n) + os_object_footprint(&match->obj);
	n->cost = IO_NOTIFY_COST_BASE + io_matching_cost(match);
	n->user = io_user_get_current();
	err = n->user ? io_user_charge(n->user, n->memory, n->cost) : -ENOMEM;
	io_user_put(n->user);
	if (err) {
		n->user = NULL;
		io_notification_put(n);
		*ret = err == -EDQUOT ? IOKIT_RETURN_NO_RESOURCES : IOKIT_RETURN_NO_MEMORY;
		return NULL;
	}
	/* The ID map holds it only while it is listed. */
	err = xa_reserve(&io_notification_ids, n->id, GFP_KERNEL_ACCOUNT);
	if (err) {
		io_notification_put(n);
		*ret = IOKIT_RETURN_NO_MEMORY;
		return NULL;
	}
	return n;
}

static u32 io_notification_add(struct iokit_notification *na, struct io_port *port)
{
	u32 capacity = min_t(u32, na->count, IO_NOTIFY_IDS_MAX);
	u32 ret = IOKIT_RETURN_SUCCESS;
	struct os_dictionary *match;
	struct io_notification *n;
	u32 count = 0;
	u64 id;
	int err;

	if (na->type < IOKIT_NOTIFY_FIRST_PUBLISH || na->type > IOKIT_NOTIFY_TERMINATED)
		return IOKIT_RETURN_BAD_ARGUMENT;
	match = iokit_copy_dictionary(na->data, na->data_size, &na->bad_offset,
				      &na->bad_reason, &ret);
	if (!match)
		return ret;
	err = io_matching_validate(match, NULL);
	if (err) {
		na->bad_offset = 0;
		na->bad_reason = err;
		os_object_put(&match->obj);
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	n = io_notification_new(na, port, match, &ret);
	if (!n)
		return ret;
	id = n->id;

	/* The subscription holds a reference of its own. */
	kref_get(&n->ref);
	err = io_port_subscribe(port, &n->sub, IOKIT_NOTIFICATIONS_MAX);
	if (err) {
		io_notification_put(n);
		io_notification_put(n);
		return err == -EMFILE ? IOKIT_RETURN_NO_RESOURCES : IOKIT_RETURN_BAD_ARGUMENT;
	}
	ret = io_notification_arm(n, u64_to_user_ptr(na->ids), capacity, &count);
	/* @n may be gone from the port now: only our reference keeps it. */
	io_notification_put(n);
	if (ret == IOKIT_RETURN_SUCCESS || ret == IOKIT_RETURN_NO_SPACE)
		na->count = count;
	if (ret == IOKIT_RETURN_SUCCESS)
		na->notification_id = id;
	return ret;
}

/**
 * io_service_cmd_notification() - IOKIT_IOC_NOTIFICATION
 * @call: the ioctl
 * @arg: struct iokit_notification
 *
 * Return: an IOReturn.
 */
u32 io_service_cmd_notification(struct iokit_call *call, void *arg)
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
	if (ret == IOKIT_RETURN_ABORTED)
		call->err = -EINTR;
	return ret;
}
