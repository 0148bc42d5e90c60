// SPDX-License-Identifier: GPL-2.0-only
/*
 * Termination (Documentation/lifecycle.rst, "Death").
 *
 * Termination is synchronous: Linux's remove() must not return while a
 * driver still touches the device, so the phases that IOKit spreads over
 * threads run here in the caller, in Apple's order:
 *   1. the victim and each client whose only provider is a victim become
 *      inactive (no new clients, no new matching);
 *   2. willTerminate, providers before clients;
 *   3. Stop, terminated notifications, then detach and free, clients
 *      before providers.
 *
 * A service belongs to the one termination that made it inactive.  One
 * that meets a service another termination owns - rmmod stopping a
 * driver while its device is unplugged - waits for that termination to
 * finish before it takes the service's provider out of the registry, and
 * io_service_terminate() on a service owned elsewhere waits for it to be
 * done: whoever returns from a termination knows that every driver it
 * covers has stopped.
 */
#include <linux/export.h>
#include <linux/wait.h>

#include <iokit/io_driver.h>
#include <iokit/io_user_client.h>

#include "iokit_internal.h"

/* Woken whenever a service's termination has finished. */
static DECLARE_WAIT_QUEUE_HEAD(io_terminate_wait);

static bool io_entry_is_service(struct io_registry_entry *entry)
{
	return os_object_is_kind(&entry->obj, &io_service_class);
}

/*
 * A termination's victims are linked through their terminate_node in
 * breadth-first order, providers before clients.  Nothing is allocated:
 * a service joins at most one termination, the one that made it
 * inactive, so one embedded node is enough, and a termination under
 * memory pressure cannot leave a service inactive but in place.
 */

/*
 * Make @s a victim unless it already is one, here or in a termination
 * running elsewhere (which owns it then, as Apple's terminate() returns
 * false for a service already inactive).  Does not sleep.
 */
static void io_victims_take(struct list_head *victims, struct io_service *s)
{
	if (!io_registry_entry_deactivate(&s->entry))
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

static bool io_service_terminated(struct io_service *s)
{
	return test_bit(IO_SERVICE_TERMINATED, &s->state) || READ_ONCE(s->entry.removed);
}

/* A client of the provider that another termination is still ending. */
static void io_foreign_visit(struct io_registry_entry *child, unsigned int parents,
			     void *found)
{
	struct io_service **foreign = found;

	if (*foreign || !io_entry_is_service(child) || !io_registry_entry_inactive(child) ||
	    io_service_terminated(io_service_from_entry(child)))
		return;
	*foreign = io_service_from_entry(io_registry_entry_get(child));
}

/*
 * Wait until no client of @s is still being terminated elsewhere.  Our
 * own victims among them are done already (clients go first), so any
 * inactive client still in place belongs to another termination, which
 * may be inside its Stop: @s must not leave the registry, nor its
 * termination return, before that Stop does.
 */
static void io_service_wait_foreign_clients(struct io_service *s)
{
	struct io_service *foreign;

	for (;;) {
		foreign = NULL;
		io_registry_entry_visit_children(&s->entry, &io_service_plane,
						 io_foreign_visit, &foreign);
		if (!foreign)
			return;
		wait_event(io_terminate_wait, io_service_terminated(foreign));
		io_registry_entry_put(&foreign->entry);
	}
}

/* Phases 2 and 3 over the victims, then drop them. */
static void io_service_terminate_victims(struct list_head *victims)
{
	struct io_service *s, *next;

	/*
	 * Phase 2: willTerminate, providers first.  A user client's calls
	 * drain here, before any Stop and without locks, as its methods may
	 * take them.
	 */
	list_for_each_entry(s, victims, terminate_node) {
		if (os_object_is_kind(&s->entry.obj, &io_user_client_class))
			io_user_client_quiesce(s);
		if (s->driver && s->driver->ops->will_terminate &&
		    test_bit(IO_SERVICE_STARTED, &s->state))
			s->driver->ops->will_terminate(s, s->provider);
	}
	/*
	 * Phase 3: Stop, detach, free; clients first.  The service's own lock
	 * waits out a Start in progress (a driver instance is locked from
	 * its attach until its Start returns) and a matching round on it.
	 * A driver instance is stopped under its provider's lock too, as a
	 * round holds it: a round on the provider, which sees the instance's
	 * category held until its Stop, never starts another driver in it
	 * while that Stop still runs.
	 */
	list_for_each_entry_reverse(s, victims, terminate_node) {
		struct io_registry_entry *provider = NULL;

		io_service_wait_foreign_clients(s);
		if (s->driver)
			provider = io_registry_entry_get_provider(&s->entry);
		if (provider && !io_entry_is_service(provider)) {
			io_registry_entry_put(provider);
			provider = NULL;
		}
		if (provider)
			mutex_lock(&io_service_from_entry(provider)->match_lock);
		mutex_lock_nested(&s->match_lock, provider ? SINGLE_DEPTH_NESTING : 0);
		if (s->driver)
			io_driver_stop_instance(s);
		mutex_unlock(&s->match_lock);
		if (provider) {
			mutex_unlock(&io_service_from_entry(provider)->match_lock);
			io_registry_entry_put(provider);
		}
		if (os_object_is_kind(&s->entry.obj, &io_user_client_class))
			io_user_client_stopped(s);
		io_service_notify_terminated(s);
		io_registry_entry_remove(&s->entry);
		set_bit(IO_SERVICE_TERMINATED, &s->state);
		wake_up_all(&io_terminate_wait);
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
 * the affected entries are out of the registry - also when another
 * termination already owned @service, which this then waits for.
 */
void io_service_terminate(struct io_service *service)
{
	LIST_HEAD(victims);

	io_victims_take(&victims, service);
	if (list_empty(&victims)) {
		wait_event(io_terminate_wait, io_service_terminated(service));
		return;
	}
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
 * the first Stop, as when the provider itself terminates.  Instances
 * another termination owns are waited for.
 */
void io_service_terminate_clients(struct io_service *provider)
{
	LIST_HEAD(victims);

	io_registry_entry_visit_children(&provider->entry, &io_service_plane,
					 io_victims_visit_driver, &victims);
	io_victims_expand(&victims);
	io_service_terminate_victims(&victims);
	io_service_wait_foreign_clients(provider);
}
EXPORT_SYMBOL_GPL(io_service_terminate_clients);
