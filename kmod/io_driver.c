// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver classes from kernel modules: registration, the instances of a
 * driver and its holds, and unregistration that terminates every
 * instance before the module goes.
 *
 * A driver is held by each of its instances, from creation until the
 * instance's memory is freed, and by each matching round that has it as
 * a candidate.  Unregistering marks it dying under driver->lock - no new
 * hold, no new instance from then on - then terminates every instance on
 * its list, however far it got (one still being created is locked by its
 * creator and fails to attach once inactive), and waits until no hold is
 * left.  The list, not a walk of the registry, says what to terminate:
 * an instance not attached yet, or a registry too large to copy, cannot
 * be missed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/export.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <iokit/io_driver.h>
#include <iokit/io_user_client.h>

#include "iokit_internal.h"

static LIST_HEAD(io_drivers);
/* Drivers between their name's reservation and their listing on io_drivers. */
static LIST_HEAD(io_drivers_registering);
static DEFINE_MUTEX(io_drivers_lock);

static struct io_driver *io_driver_of(const struct os_object *obj)
{
	return container_of(obj->cls, struct io_driver, cls);
}

/**
 * io_driver_live() - whether a driver may gain holds: not being
 *	unregistered, and its module not going
 * @driver: the driver
 *
 * A hint without @driver->lock: io_driver_hold() decides.
 *
 * Return: true if it may.
 */
bool io_driver_live(const struct io_driver *driver)
{
	return !READ_ONCE(driver->dying) &&
	       (!driver->owner || module_is_live(driver->owner));
}

/**
 * io_driver_hold() - hold a driver as a matching candidate
 * @driver: the driver
 *
 * Return: true if held (release with io_driver_release()), false if the
 * driver is being unregistered.
 */
bool io_driver_hold(struct io_driver *driver)
{
	bool ok;

	spin_lock(&driver->lock);
	ok = io_driver_live(driver);
	if (ok)
		atomic_inc(&driver->holds);
	spin_unlock(&driver->lock);
	return ok;
}

/**
 * io_driver_release() - drop one of @driver's holds
 * @driver: the driver
 *
 * The last one wakes io_driver_unregister().  The wake-up is inside an
 * RCU read-side section, which io_driver_unregister() waits out, so the
 * module cannot be freed between the count reaching zero and the wake-up.
 */
void io_driver_release(struct io_driver *driver)
{
	rcu_read_lock();
	if (atomic_dec_and_test(&driver->holds))
		wake_up_all(&driver->wait);
	rcu_read_unlock();
}

/*
 * After the grace period lookups by ID need: free the instance, then let
 * io_driver_unregister() know.  It waits for this callback to have
 * finished (rcu_barrier()) before the driver's module may go.
 */
static void io_driver_instance_free_rcu(struct rcu_head *head)
{
	struct io_service *service = container_of(head, struct io_service, entry.rcu);
	struct io_driver *driver = io_driver_of(&service->entry.obj);

	kfree((void *)service - driver->service_offset);
	io_driver_release(driver);
}

/*
 * The last reference: only memory is left to free; Stop and the driver's
 * free ran at termination, while its module was certainly there.
 */
static void io_driver_instance_release(struct os_object *obj)
{
	struct io_service *service = container_of(obj, struct io_service, entry.obj);
	struct io_driver *driver = service->driver;

	spin_lock(&driver->lock);
	list_del(&service->driver_node);
	spin_unlock(&driver->lock);
	if (driver->user_client)
		io_user_client_fini(service);
	io_service_fini(service);
	call_rcu(&service->entry.rcu, io_driver_instance_free_rcu);
}

/**
 * io_driver_instance_create() - a new instance of a driver, locked
 * @driver: the driver
 *
 * The instance is on the driver's list and holds it from now until it is
 * freed, and its match_lock is held: whoever terminates it meanwhile
 * waits until the creator unlocks it, after Start or after giving up.
 * Drop it with io_registry_entry_put() once unlocked.
 *
 * Return: the instance, or ERR_PTR(-ENODEV) if the driver is being
 * unregistered, or ERR_PTR(-ENOMEM).
 */
struct io_service *io_driver_instance_create(struct io_driver *driver)
{
	struct io_service *service;
	void *instance;
	bool dying;

	if (!io_driver_hold(driver))
		return ERR_PTR(-ENODEV);
	/* A user client is made for an application: its memory is charged. */
	instance = kzalloc(driver->instance_size,
			   driver->user_client ? GFP_KERNEL_ACCOUNT : GFP_KERNEL);
	service = instance ? instance + driver->service_offset : NULL;
	if (!service || io_service_init_entry(service, &driver->cls, driver->cls.name)) {
		kfree(instance);
		io_driver_release(driver);
		return ERR_PTR(-ENOMEM);
	}
	service->driver = driver;
	INIT_LIST_HEAD(&service->driver_node);
	if (driver->user_client)
		io_user_client_notify_init(io_user_client_from_service(service));
	/* Nested in the provider's match_lock, which the matching round holds. */
	mutex_lock_nested(&service->match_lock, SINGLE_DEPTH_NESTING);
	spin_lock(&driver->lock);
	dying = driver->dying;
	if (!dying)
		list_add_tail(&service->driver_node, &driver->instance_list);
	spin_unlock(&driver->lock);
	if (dying) {
		/* Unregistering already walks the list: this one must not be. */
		mutex_unlock(&service->match_lock);
		io_registry_entry_put(&service->entry);
		return ERR_PTR(-ENODEV);
	}
	return service;
}

/* The first instance of @driver no termination has reached, referenced. */
static struct io_service *io_driver_first_active(struct io_driver *driver)
{
	struct io_service *service, *found = NULL;

	spin_lock(&driver->lock);
	list_for_each_entry(service, &driver->instance_list, driver_node) {
		if (!io_registry_entry_inactive(&service->entry) &&
		    os_object_get_unless_zero(&service->entry.obj)) {
			found = service;
			break;
		}
	}
	spin_unlock(&driver->lock);
	return found;
}

/*
 * No new hold or instance from now on; terminate every instance; wait
 * until nothing holds the driver and its instances' memory is gone.
 */
static void io_driver_teardown(struct io_driver *driver)
{
	struct io_service *service;

	spin_lock(&driver->lock);
	WRITE_ONCE(driver->dying, true);
	spin_unlock(&driver->lock);
	io_catalogue_remove_driver(driver);

	while ((service = io_driver_first_active(driver))) {
		io_service_terminate(service);
		io_registry_entry_put(&service->entry);
	}
	/* Rounds holding it as a candidate, lookups holding an instance. */
	wait_event(driver->wait, !atomic_read(&driver->holds));
	/* The last io_driver_release() may still be waking us... */
	synchronize_rcu();
	/* ...and the instances' RCU frees must have run. */
	rcu_barrier();
	/* No instance is left to show a user-client class's methods. */
	if (driver->methods_property) {
		os_object_put(&driver->methods_property->obj);
		driver->methods_property = NULL;
	}
}

/**
 * io_driver_prepare() - initialise what IOKit keeps in a driver
 * @driver: the driver
 * @owner: its module
 */
void io_driver_prepare(struct io_driver *driver, struct module *owner)
{
	driver->cls.free = io_driver_instance_release;
	driver->owner = owner;
	driver->dying = false;
	spin_lock_init(&driver->lock);
	atomic_set(&driver->holds, 0);
	init_waitqueue_head(&driver->wait);
	INIT_LIST_HEAD(&driver->instance_list);
}

/* The driver of this class name on @list, or NULL.  Under io_drivers_lock. */
static struct io_driver *io_driver_find(const struct list_head *list, const char *class_name)
{
	struct io_driver *driver;

	lockdep_assert_held(&io_drivers_lock);
	list_for_each_entry(driver, list, node)
		if (!strcmp(driver->cls.name, class_name))
			return driver;
	return NULL;
}

/* Is a driver class of this name registered or registering?  Under io_drivers_lock. */
static bool io_driver_name_taken(const char *class_name)
{
	return io_driver_find(&io_drivers, class_name) ||
	       io_driver_find(&io_drivers_registering, class_name);
}

/* Give up the name io_driver_register() reserved. */
static void io_driver_unreserve(struct io_driver *driver)
{
	mutex_lock(&io_drivers_lock);
	list_del(&driver->node);
	mutex_unlock(&io_drivers_lock);
}

/**
 * __io_driver_register() - register a driver class and its personalities
 * @driver: the driver; lives in the module, which must not go before
 *	io_driver_unregister() returns
 * @owner: the module (io_driver_register() passes THIS_MODULE)
 *
 * Every personality is validated first; one bad key refuses the whole
 * driver (and the log names it).  Pending personalities from user space
 * that name the class become the driver's.  Then providers already
 * registered are matched again, as Apple's IOCatalogue does when drivers
 * arrive.
 *
 * Return: 0, -EINVAL for a bad driver or personality, -EEXIST if a
 * driver class of that name is registered (a personality's IOClass must
 * name one class), -ENOMEM.
 */
int __io_driver_register(struct io_driver *driver, struct module *owner)
{
	const struct io_personality *p;
	struct os_dictionary **dicts;
	unsigned int n = 0, i;
	int ret = 0;

	if (!driver->cls.name || !driver->ops ||
	    driver->instance_size < driver->service_offset + sizeof(struct io_service))
		return -EINVAL;
	if (!driver->cls.super)
		driver->cls.super = &io_service_class;
	if (!os_class_is_subclass(driver->cls.super, &io_service_class))
		return -EINVAL;
	/* A user-client class is checked by io_user_client_class_prepare(). */
	if (!driver->user_client && (!driver->ops->start || !driver->personalities ||
				     os_class_is_subclass(driver->cls.super,
							  &io_user_client_class)))
		return -EINVAL;
	/*
	 * The name is reserved before any personality is added: a second
	 * driver of the name is refused before it could start anywhere.
	 */
	mutex_lock(&io_drivers_lock);
	ret = io_driver_name_taken(driver->cls.name) ? -EEXIST : 0;
	if (!ret)
		list_add_tail(&driver->node, &io_drivers_registering);
	mutex_unlock(&io_drivers_lock);
	if (ret) {
		pr_err("driver %s: a driver class of that name is registered\n",
		       driver->cls.name);
		return ret;
	}
	io_driver_prepare(driver, owner);
	if (driver->user_client) {
		ret = io_user_client_class_prepare(driver);
		if (ret) {
			io_driver_unreserve(driver);
			return ret;
		}
	}

	for (p = driver->personalities; p && p->properties; p++)
		n++;
	dicts = kcalloc(n, sizeof(*dicts), GFP_KERNEL);
	if (n && !dicts) {
		io_driver_unreserve(driver);
		return -ENOMEM;
	}
	for (i = 0; i < n && !ret; i++) {
		dicts[i] = io_personality_build(driver, &driver->personalities[i]);
		if (IS_ERR(dicts[i])) {
			ret = PTR_ERR(dicts[i]);
			dicts[i] = NULL;
		}
	}
	for (i = 0; i < n && !ret; i++)
		ret = io_catalogue_add(driver, dicts[i]);
	for (i = 0; i < n; i++)
		if (dicts[i])
			os_object_put(&dicts[i]->obj);
	kfree(dicts);
	if (ret) {
		/* Rounds may have matched the personalities already added. */
		io_driver_teardown(driver);
		io_driver_unreserve(driver);
		return ret;
	}
	mutex_lock(&io_drivers_lock);
	list_move_tail(&driver->node, &io_drivers);
	mutex_unlock(&io_drivers_lock);
	io_catalogue_bind_pending(driver);
	io_loader_driver_registered(driver);
	pr_info("driver %s: %u personalities\n", driver->cls.name, n);
	io_driver_rematch_all();
	return 0;
}
EXPORT_SYMBOL_GPL(__io_driver_register);

/**
 * io_driver_get() - a registered driver class by name, its module pinned
 * @class_name: the class name (a personality's IOClass)
 *
 * Return: the driver, with a reference on its module for the caller to
 * module_put(), or NULL if no live driver has that name.
 */
struct io_driver *io_driver_get(const char *class_name)
{
	struct io_driver *driver;

	/* One driver per name (__io_driver_register() sees to it). */
	mutex_lock(&io_drivers_lock);
	driver = io_driver_find(&io_drivers, class_name);
	if (driver && !try_module_get(driver->owner))
		driver = NULL;
	mutex_unlock(&io_drivers_lock);
	return driver;
}

/**
 * io_driver_unregister() - terminate every instance and forget the driver
 * @driver: a registered driver
 *
 * Returns once every instance has been stopped, detached and freed: the
 * module may go.  Providers left without a driver are matched again.
 */
void io_driver_unregister(struct io_driver *driver)
{
	mutex_lock(&io_drivers_lock);
	list_del(&driver->node);
	mutex_unlock(&io_drivers_lock);
	io_driver_teardown(driver);
	pr_info("driver %s unregistered\n", driver->cls.name);
	io_driver_rematch_all();
}
EXPORT_SYMBOL_GPL(io_driver_unregister);

/**
 * io_driver_stop_instance() - Stop a driver instance and release it
 * @service: a started (or failed) instance, match_lock held
 *
 * Calls Stop, if the driver has one and Start had succeeded, then the
 * driver's free.
 */
void io_driver_stop_instance(struct io_service *service)
{
	const struct io_service_ops *ops = service->driver->ops;

	/* Stop is optional: a driver with nothing to undo has none. */
	if (test_and_clear_bit(IO_SERVICE_STARTED, &service->state) && ops->stop)
		ops->stop(service, service->provider);
	if (ops->free && !test_and_set_bit(IO_SERVICE_FREED, &service->state))
		ops->free(service);
}

static void io_driver_rematch_later(struct work_struct *work);
static DECLARE_DELAYED_WORK(io_driver_rematch_work, io_driver_rematch_later);

/* Queue a round for every registered nub: false if out of memory. */
static bool io_driver_rematch_each(void)
{
	struct io_registry_entry **entries;
	unsigned int count, i;

	entries = io_registry_snapshot(&io_service_plane, &count);
	if (!entries)
		return false;
	for (i = 0; i < count; i++) {
		struct io_registry_entry *e = entries[i];

		if (os_object_is_kind(&e->obj, &io_service_class) &&
		    !io_service_from_entry(e)->driver &&
		    test_bit(IO_SERVICE_REGISTERED, &io_service_from_entry(e)->state))
			io_service_rematch(io_service_from_entry(e));
	}
	io_registry_snapshot_free(entries, count);
	return true;
}

/* Raise or lower the platform's busy count: IOKitWaitQuiet waits on it. */
static void io_driver_rematch_busy(int delta)
{
	struct io_registry_entry *platform = io_service_get_platform();

	io_service_adjust_busy(io_service_from_entry(platform), delta);
	io_registry_entry_put(platform);
}

/**
 * io_driver_rematch_all() - match every registered nub again: the
 *	catalogue changed
 *
 * A change must reach every provider: without the memory to list them it
 * is tried again shortly, and matching counts as busy until it has been.
 */
void io_driver_rematch_all(void)
{
	if (io_driver_rematch_each())
		return;
	pr_warn_ratelimited("out of memory matching again after a catalogue change; retrying\n");
	io_driver_rematch_busy(1);
	/* A retry already due covers this change too. */
	if (!queue_delayed_work(system_wq, &io_driver_rematch_work, HZ / 10))
		io_driver_rematch_busy(-1);
}

static void io_driver_rematch_later(struct work_struct *work)
{
	io_driver_rematch_all();
	io_driver_rematch_busy(-1);
}

/**
 * io_driver_exit() - cancel a rematch still waiting for memory
 *
 * Called once no driver module and no ioctl is left.
 */
void io_driver_exit(void)
{
	if (cancel_delayed_work_sync(&io_driver_rematch_work))
		io_driver_rematch_busy(-1);
}
