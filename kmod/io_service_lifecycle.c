// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOService lifecycle: registration, busy state and termination
 * (Documentation/lifecycle.rst).
 *
 * Matching runs on one ordered workqueue, as Apple's matching runs off the
 * caller's thread; every service being matched holds a busy count, so
 * "quiet" (no busy root) means matching has settled.
 *
 * Termination is synchronous: Linux's remove() must not return while the
 * driver still touches the device, so the phases that IOKit spreads over
 * threads run here in the caller, in Apple's order:
 *   1. the victim and each client whose only provider is a victim become
 *      inactive (no new matching, no new clients);
 *   2. willTerminate, providers before clients;
 *   3. Stop, terminated notifications, then detach and free, clients
 *      before providers.
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

/**
 * io_service_init_entry() - initialise an IOService embedded in a struct
 * @service: the service, zeroed
 * @cls: its class
 * @name: its name
 *
 * The class's free method calls io_service_fini() and frees the memory
 * with kfree_rcu() on service.entry.rcu.
 *
 * Return: 0 or -ENOMEM.
 */
int io_service_init_entry(struct io_service *service, const struct os_class *cls,
			  const char *name)
{
	int ret = io_registry_entry_init(&service->entry, cls, name);

	if (ret)
		return ret;
	mutex_init(&service->match_lock);
	mutex_init(&service->busy_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(io_service_init_entry);

/**
 * io_service_fini() - release what io_service_init_entry() set up
 * @service: a service whose last reference is gone
 */
void io_service_fini(struct io_service *service)
{
	if (service->category)
		os_object_put(&service->category->obj);
	if (service->provider)
		io_registry_entry_put(&service->provider->entry);
	WARN_ON(service->busy_provider);
	mutex_destroy(&service->busy_lock);
	mutex_destroy(&service->match_lock);
	io_registry_entry_fini(&service->entry);
}
EXPORT_SYMBOL_GPL(io_service_fini);

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
		s->busy += delta;
		if (WARN_ON_ONCE(s->busy < 0))
			s->busy = 0;
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

static void io_service_match_work(struct work_struct *work);

/*
 * @publish: a RegisterService() round, which delivers publish and matched
 * notifications; a catalogue change's rematching round does not.
 */
struct io_match_request {
	struct work_struct work;
	struct io_service *service;
	bool publish;
};

static void io_service_queue_match(struct io_service *service, bool publish)
{
	struct io_match_request *req = kzalloc(sizeof(*req), GFP_KERNEL);

	if (!req)
		return;
	INIT_WORK(&req->work, io_service_match_work);
	req->service = io_service_from_entry(io_registry_entry_get(&service->entry));
	req->publish = publish;
	io_service_adjust_busy(service, 1);
	queue_work(io_match_wq, &req->work);
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

static void io_service_match_work(struct work_struct *work)
{
	struct io_match_request *req = container_of(work, struct io_match_request, work);
	struct io_service *service = req->service;

	if (req->publish)
		io_service_notify_publish(service);
	if (!test_bit(IO_SERVICE_INACTIVE, &service->state))
		io_service_match(service);
	if (req->publish)
		io_service_notify_matched(service);
	io_service_adjust_busy(service, -1);
	io_registry_entry_put(&service->entry);
	kfree(req);
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
 * Return: 0 once every matching request queued so far has run and no
 * service is busy, -ETIMEDOUT, or -ERESTARTSYS if a signal came.
 */
int io_service_wait_quiet_timeout(long timeout)
{
	struct io_registry_entry *platform = io_service_get_platform();
	struct io_registry_entry *resources = io_service_get_resources();
	long left;

	flush_workqueue(io_match_wq);
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

/* ---- termination ------------------------------------------------------- */

/*
 * A termination's victims are linked through their terminate_node in
 * breadth-first order, providers before clients.  Nothing is allocated:
 * a service joins at most one termination, the one that set its
 * IO_SERVICE_INACTIVE, so one embedded node is enough, and a termination
 * under memory pressure cannot leave a service inactive but in place.
 */

/*
 * Make @s a victim unless it already is one, here or in a termination
 * running elsewhere (which owns it then, as Apple's terminate() returns
 * false for a service already inactive).  Does not sleep.
 */
static void io_victims_take(struct list_head *victims, struct io_service *s)
{
	if (test_and_set_bit(IO_SERVICE_INACTIVE, &s->state))
		return;
	clear_bit(IO_SERVICE_REGISTERED, &s->state);
	io_registry_entry_get(&s->entry);
	list_add_tail(&s->terminate_node, victims);
}

/* A client whose only provider is a victim becomes one. */
static void io_victims_visit_sole(struct io_registry_entry *child, unsigned int parents,
				  void *victims)
{
	if (parents == 1 && io_entry_is_service(child))
		io_victims_take(victims, io_service_from_entry(child));
}

/* A driver instance on the provider becomes one (io_service_terminate_clients). */
static void io_victims_visit_driver(struct io_registry_entry *child, unsigned int parents,
				    void *victims)
{
	if (io_entry_is_service(child) && io_service_from_entry(child)->driver)
		io_victims_take(victims, io_service_from_entry(child));
}

/*
 * Phase 1, breadth first: every client in the IOService plane whose
 * providers are all victims becomes one, inactive.  Victims appended
 * while walking are walked in turn.
 */
static void io_victims_expand(struct list_head *victims)
{
	struct io_service *s;

	list_for_each_entry(s, victims, terminate_node)
		io_registry_entry_visit_children(&s->entry, &io_service_plane,
						 io_victims_visit_sole, victims);
}

/* Phases 2 and 3 over the victims, then drop them. */
static void io_service_terminate_victims(struct list_head *victims)
{
	struct io_service *s, *next;

	/* Phase 2: willTerminate, providers first. */
	list_for_each_entry(s, victims, terminate_node) {
		if (s->driver && s->driver->ops->will_terminate &&
		    test_bit(IO_SERVICE_STARTED, &s->state))
			s->driver->ops->will_terminate(s, s->provider);
	}
	/* Phase 3: Stop, detach, free; clients first. */
	list_for_each_entry_reverse(s, victims, terminate_node) {
		mutex_lock(&s->match_lock);
		if (s->driver)
			io_driver_stop_instance(s);
		mutex_unlock(&s->match_lock);
		io_service_notify_terminated(s);
		io_registry_entry_remove(&s->entry);
	}
	list_for_each_entry_safe(s, next, victims, terminate_node) {
		list_del(&s->terminate_node);
		io_registry_entry_put(&s->entry);
	}
}

/**
 * io_service_terminate() - terminate a service and its sole clients
 * @service: the service (a nub going away, or a driver instance)
 *
 * Runs the termination phases synchronously (see the top of this file):
 * when it returns every affected driver has been stopped and freed, and
 * the affected entries are out of the registry.
 */
void io_service_terminate(struct io_service *service)
{
	LIST_HEAD(victims);

	io_victims_take(&victims, service);
	io_victims_expand(&victims);
	io_service_terminate_victims(&victims);
}
EXPORT_SYMBOL_GPL(io_service_terminate);

/**
 * io_service_terminate_clients() - terminate the driver instances started
 *	on @provider, leaving @provider itself in place
 * @provider: a nub whose device is being unbound
 *
 * All of them go through each phase together: every willTerminate before
 * the first Stop, as when the provider itself terminates.
 */
void io_service_terminate_clients(struct io_service *provider)
{
	LIST_HEAD(victims);

	io_registry_entry_visit_children(&provider->entry, &io_service_plane,
					 io_victims_visit_driver, &victims);
	io_victims_expand(&victims);
	io_service_terminate_victims(&victims);
}
EXPORT_SYMBOL_GPL(io_service_terminate_clients);

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
