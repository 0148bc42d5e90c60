// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOService lifecycle: registration and busy state
 * (Documentation/lifecycle.rst); termination is io_service_terminate.c.
 *
 * Matching runs on one ordered workqueue, as Apple's matching runs off the
 * caller's thread; every service being matched holds a busy count, so
 * "quiet" (no busy root) means matching has settled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <iokit/io_driver.h>

#include "iokit_internal.h"

static struct workqueue_struct *io_match_wq;
static DECLARE_WAIT_QUEUE_HEAD(io_busy_wait);

static bool io_entry_is_service(struct io_registry_entry *entry)
{
	return os_object_is_kind(&entry->obj, &io_service_class);
}

/**
 * io_service_adjust_busy() - AdjustBusy()
 * @service: the service
 * @delta: +1 or -1 (or more)
 *
 * A change to or from zero moves the provider's count by one in the same
 * direction, up to the root: the root is busy while anything below is.
 * The provider raised on the way up is remembered and is the one lowered
 * on the way down, so a service removed from the registry while busy
 * (terminated with matching still queued) still gives back what it took.
 */
void io_service_adjust_busy(struct io_service *service, int delta)
{
	struct io_service *s = service, *next;

	io_registry_entry_get(&s->entry);
	while (s && delta) {
		struct io_registry_entry *p;
		int was;

		next = NULL;
		mutex_lock(&s->busy_lock);
		was = s->busy;
		/* IOKitWaitQuiet reads it without the lock. */
		WRITE_ONCE(s->busy, max(was + delta, 0));
		WARN_ON_ONCE(was + delta < 0);
		if (!was && s->busy) {
			p = io_registry_entry_get_provider(&s->entry);
			if (p && io_entry_is_service(p))
				s->busy_provider = io_service_from_entry(p);
			else
				io_registry_entry_put(p);
			/* The provider's reference now belongs to busy_provider. */
			next = s->busy_provider;
			if (next)
				io_registry_entry_get(&next->entry);
			delta = 1;
		} else if (was && !s->busy) {
			next = s->busy_provider;	/* its reference moves to us */
			s->busy_provider = NULL;
			delta = -1;
		} else {
			delta = 0;
		}
		mutex_unlock(&s->busy_lock);
		io_registry_entry_put(&s->entry);
		s = next;
	}
	if (s)
		io_registry_entry_put(&s->entry);
	wake_up_all(&io_busy_wait);
}
EXPORT_SYMBOL_GPL(io_service_adjust_busy);

/**
 * io_service_get_busy_state() - GetBusyState()
 * @service: the service
 *
 * Return: its busy count.
 */
u32 io_service_get_busy_state(struct io_service *service)
{
	return READ_ONCE(service->busy);
}
EXPORT_SYMBOL_GPL(io_service_get_busy_state);

/**
 * io_service_queue_work() - run @work in order with matching rounds, and
 *	before IOKitWaitQuiet returns
 * @work: the work
 */
void io_service_queue_work(struct work_struct *work)
{
	queue_work(io_match_wq, work);
}

/*
 * One round, however many are asked for before it begins: it sees all
 * that they changed.  A RegisterService among them makes it a publishing
 * round (publish and matched notifications); a catalogue change's
 * rematching round delivers none.  The round holds a reference to the
 * service and raises its busy count from the moment it is queued.
 */
static void io_service_queue_match(struct io_service *service, bool publish)
{
	if (publish)
		set_bit(IO_SERVICE_PUBLISH_PENDING, &service->state);
	if (test_and_set_bit(IO_SERVICE_MATCH_QUEUED, &service->state))
		return;
	io_registry_entry_get(&service->entry);
	io_service_adjust_busy(service, 1);
	/* Not pending (QUEUED was clear), though it may be running. */
	WARN_ON_ONCE(!queue_work(io_match_wq, &service->match_work));
}

/**
 * io_service_register() - RegisterService(): publish and start matching
 * @service: a service attached in the registry
 *
 * Matching runs asynchronously; the service is busy until it is done.
 * Publish notifications are delivered as the round starts, matched ones
 * when it is over.
 */
void io_service_register(struct io_service *service)
{
	set_bit(IO_SERVICE_REGISTERED, &service->state);
	io_service_queue_match(service, true);
}
EXPORT_SYMBOL_GPL(io_service_register);

/**
 * io_service_rematch() - run another matching round on a registered
 *	service, because the catalogue changed
 * @service: the service
 */
void io_service_rematch(struct io_service *service)
{
	io_service_queue_match(service, false);
}

/**
 * io_service_rematch_later() - match a registered service again after a
 *	while: its family cannot take its device yet
 * @service: the service
 * @delay: in jiffies
 *
 * The service stays busy meanwhile, so IOKitWaitQuiet (and module exit)
 * waits for that round too.  One such wait at a time: asking again while
 * one is pending changes nothing.
 */
void io_service_rematch_later(struct io_service *service, unsigned long delay)
{
	if (test_and_set_bit(IO_SERVICE_RETRY_QUEUED, &service->state))
		return;
	io_registry_entry_get(&service->entry);
	io_service_adjust_busy(service, 1);
	WARN_ON_ONCE(!queue_delayed_work(io_match_wq, &service->retry_work, delay));
}

/**
 * io_service_retry_work() - the round io_service_rematch_later() asked for
 * @work: the service's retry_work
 */
void io_service_retry_work(struct work_struct *work)
{
	struct io_service *service = container_of(to_delayed_work(work), struct io_service,
						  retry_work);

	clear_bit(IO_SERVICE_RETRY_QUEUED, &service->state);
	io_service_rematch(service);
	io_service_adjust_busy(service, -1);
	io_registry_entry_put(&service->entry);
}

/**
 * io_service_publish() - attach a new service under its provider and
 *	register it for matching
 * @service: a new service; its creator's reference is dropped on failure
 * @provider: the provider, in the IOService plane
 *
 * Return: 0, or the error of io_registry_entry_attach() (the service has
 * then been released).
 */
int io_service_publish(struct io_service *service,
		       struct io_registry_entry *provider)
{
	int ret = io_registry_entry_attach(&service->entry, provider,
					   &io_service_plane);

	if (ret) {
		io_registry_entry_put(&service->entry);
		return ret;
	}
	io_service_register(service);
	return 0;
}
EXPORT_SYMBOL_GPL(io_service_publish);

/**
 * io_service_match_work() - a service's matching round, on the matching
 *	workqueue
 * @work: the service's match_work
 */
void io_service_match_work(struct work_struct *work)
{
	struct io_service *service = container_of(work, struct io_service, match_work);
	bool publish;

	/* Requests from now on queue another round; a publish joins this one. */
	clear_bit(IO_SERVICE_MATCH_QUEUED, &service->state);
	publish = test_and_clear_bit(IO_SERVICE_PUBLISH_PENDING, &service->state);
	if (publish) {
		io_service_notify_publish(service);
		set_bit(IO_SERVICE_MATCHED_OWED, &service->state);
	}
	if (!io_registry_entry_inactive(&service->entry))
		io_service_match(service);
	/*
	 * Matched means its drivers were started: when the family asked for
	 * another round first (the device was not ready), that round says it.
	 */
	if (!test_bit(IO_SERVICE_RETRY_QUEUED, &service->state) &&
	    test_and_clear_bit(IO_SERVICE_MATCHED_OWED, &service->state))
		io_service_notify_matched(service);
	io_service_adjust_busy(service, -1);
	/* May free the service, work item included: nothing touches it after. */
	io_registry_entry_put(&service->entry);
}

static bool io_service_quiet(struct io_registry_entry *platform,
			     struct io_registry_entry *resources)
{
	return !io_service_get_busy_state(io_service_from_entry(platform)) &&
	       !io_service_get_busy_state(io_service_from_entry(resources));
}

/**
 * io_service_wait_quiet_timeout() - IOKitWaitQuiet() with a limit
 * @timeout: jiffies to wait for matching to settle; MAX_SCHEDULE_TIMEOUT
 *	for no limit
 *
 * Every matching request raises its service's busy count, and so the
 * root's, from the moment it is queued: waiting for "nothing busy" waits
 * for every request queued so far, without waiting on the workqueue
 * itself, so the wait is interruptible and keeps to @timeout.
 *
 * Return: 0 once every matching request queued so far has run and no
 * service is busy, -ETIMEDOUT, or -ERESTARTSYS if a signal came.
 */
int io_service_wait_quiet_timeout(long timeout)
{
	struct io_registry_entry *platform = io_service_get_platform();
	struct io_registry_entry *resources = io_service_get_resources();
	long left;

	left = wait_event_interruptible_timeout(io_busy_wait,
						io_service_quiet(platform, resources),
						timeout);
	io_registry_entry_put(resources);
	io_registry_entry_put(platform);
	if (left < 0)
		return left;
	return left ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(io_service_wait_quiet_timeout);

/**
 * io_service_wait_quiet() - IOKitWaitQuiet(): wait until matching settles
 */
void io_service_wait_quiet(void)
{
	struct io_registry_entry *platform = io_service_get_platform();
	struct io_registry_entry *resources = io_service_get_resources();

	flush_workqueue(io_match_wq);
	wait_event(io_busy_wait, io_service_quiet(platform, resources));
	io_registry_entry_put(resources);
	io_registry_entry_put(platform);
}
EXPORT_SYMBOL_GPL(io_service_wait_quiet);

/**
 * io_service_lifecycle_init() - create the matching workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int io_service_lifecycle_init(void)
{
	io_match_wq = alloc_ordered_workqueue("iokit_match", 0);
	return io_match_wq ? 0 : -ENOMEM;
}

/**
 * io_service_lifecycle_exit() - finish matching and destroy the workqueue
 */
void io_service_lifecycle_exit(void)
{
	destroy_workqueue(io_match_wq);
}
