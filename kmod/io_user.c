// SPDX-License-Identifier: GPL-2.0-only
/*
 * What each user may make iokit keep (Documentation/security.rst).
 *
 * Whatever an unprivileged process can make the kernel hold past the end
 * of its own ioctl - notification ports with their record rings, armed
 * matching notifications with their dictionaries - is charged to the
 * user (the real uid) that asked for it, or for a process in a user
 * namespace an unprivileged user made, to that user (io_user_responsible()),
 * against two budgets:
 *
 *  - memory: the bytes those objects hold, so no user can make the
 *    kernel keep more than user_memory_max however many processes and
 *    file descriptors it has;
 *  - matching cost: the work one published or terminated service costs
 *    the user's armed notifications (io_matching_cost()), so that no user
 *    can make a hot-plug or unplug wait longer than a bound.
 *
 * A charge that would pass either budget is refused (kIOReturnNoResources
 * to user space).  The memory is also accounted to the caller's memory
 * cgroup (__GFP_ACCOUNT) where it is allocated.
 *
 * io_users_lock guards the map and every user's creation and release;
 * charging is atomic and takes no lock.
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include "io_user.h"
#include "iokit_internal.h"

/**
 * struct io_user - one user's charges
 * @ref: one per object charged to it, and one per caller holding it
 * @uid: the user
 * @memory: bytes charged
 * @cost: matching cost charged
 */
struct io_user {
	struct kref ref;
	kuid_t uid;
	atomic_long_t memory;
	atomic_long_t cost;
};

static unsigned long user_memory_max = 8 << 20;
module_param(user_memory_max, ulong, 0644);
MODULE_PARM_DESC(user_memory_max,
		 "Bytes of ports and notifications one user may make iokit keep (default 8 MiB)");

static unsigned long user_match_cost_max = IO_USER_MATCH_COST_DEFAULT;
module_param(user_match_cost_max, ulong, 0644);
MODULE_PARM_DESC(user_match_cost_max,
		 "Matching work one user's notifications may add to each hot-plug event");

static DEFINE_XARRAY(io_users);
static DEFINE_MUTEX(io_users_lock);

/*
 * Whom the caller's charges go to: its real uid, unless it is in a user
 * namespace that an unprivileged user made (directly, or inside another
 * namespace): then that user, the outermost such creator.  A namespace
 * maps ids at its creator's discretion (a range of subordinate ids, with
 * newuidmap), and each is a kuid of its own: charged by kuid, one user
 * would have as many budgets as ids.  The ids of a namespace root made
 * (a container's) are root's grant, and each keeps a budget of its own;
 * they do not share root's.
 */
static kuid_t io_user_responsible(void)
{
	const struct user_namespace *ns = current_user_ns();
	kuid_t uid = current_uid();

	for (; ns != &init_user_ns && !uid_eq(ns->owner, GLOBAL_ROOT_UID); ns = ns->parent)
		uid = ns->owner;
	return uid;
}

/**
 * io_user_get_current() - the user the calling process is charged to,
 *	referenced
 *
 * Return: the user, or NULL if out of memory.
 */
struct io_user *io_user_get_current(void)
{
	kuid_t uid = io_user_responsible();
	struct io_user *u;

	mutex_lock(&io_users_lock);
	u = xa_load(&io_users, __kuid_val(uid));
	if (u) {
		kref_get(&u->ref);
	} else {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (u) {
			kref_init(&u->ref);
			u->uid = uid;
			if (xa_err(xa_store(&io_users, __kuid_val(uid), u, GFP_KERNEL))) {
				kfree(u);
				u = NULL;
			} else {
				iokit_live_inc(IOKIT_LIVE_USERS);
			}
		}
	}
	mutex_unlock(&io_users_lock);
	return u;
}

static void io_user_release(struct kref *ref)
{
	struct io_user *u = container_of(ref, struct io_user, ref);

	xa_erase(&io_users, __kuid_val(u->uid));
	mutex_unlock(&io_users_lock);
	WARN_ON(atomic_long_read(&u->memory) || atomic_long_read(&u->cost));
	kfree(u);
	iokit_live_dec(IOKIT_LIVE_USERS);
}

/**
 * io_user_put() - drop a reference to a user
 * @u: the user, or NULL
 */
void io_user_put(struct io_user *u)
{
	if (u)
		kref_put_mutex(&u->ref, io_user_release, &io_users_lock);
}

/* Add @n to @counter unless that passes @max: 0 or -EDQUOT. */
static int io_user_add(atomic_long_t *counter, unsigned long n, unsigned long max)
{
	long old = atomic_long_read(counter);

	do {
		if (n > max || old > max - n)
			return -EDQUOT;
	} while (!atomic_long_try_cmpxchg(counter, &old, old + n));
	return 0;
}

/**
 * io_user_charge() - charge an object to its user
 * @u: the user
 * @memory: the bytes it holds
 * @cost: the matching cost it adds to every hot-plug event
 *
 * On success the object holds a reference to @u until io_user_uncharge().
 *
 * Return: 0, or -EDQUOT if either budget would be passed (nothing is
 * charged then).
 */
int io_user_charge(struct io_user *u, size_t memory, unsigned long cost)
{
	if (io_user_add(&u->memory, memory, READ_ONCE(user_memory_max)))
		return -EDQUOT;
	if (io_user_add(&u->cost, cost, READ_ONCE(user_match_cost_max))) {
		atomic_long_sub(memory, &u->memory);
		return -EDQUOT;
	}
	kref_get(&u->ref);
	return 0;
}

/**
 * io_user_uncharge() - give back what io_user_charge() took
 * @u: the user
 * @memory: as charged
 * @cost: as charged
 */
void io_user_uncharge(struct io_user *u, size_t memory, unsigned long cost)
{
	atomic_long_sub(memory, &u->memory);
	atomic_long_sub(cost, &u->cost);
	io_user_put(u);
}

/**
 * io_user_show() - each user's charges, for debugfs "users"
 * @m: the seq_file: one "uid memory cost" line per user, then one
 *	"limits memory cost" line with the budgets
 */
void io_user_show(struct seq_file *m)
{
	struct io_user *u;
	unsigned long uid;

	mutex_lock(&io_users_lock);
	xa_for_each(&io_users, uid, u)
		seq_printf(m, "%lu %ld %ld\n", uid, atomic_long_read(&u->memory),
			   atomic_long_read(&u->cost));
	mutex_unlock(&io_users_lock);
	seq_printf(m, "limits %lu %lu\n", READ_ONCE(user_memory_max),
		   READ_ONCE(user_match_cost_max));
}
