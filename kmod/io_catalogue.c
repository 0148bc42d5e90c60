// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOCatalogue: every personality of every registered driver, indexed by
 * IOProviderClass so that matching a nub looks only at personalities for
 * the classes in its class chain (IOCatalogue::findDrivers), and within a
 * class by the family's primary key where the personality pins one: the
 * PCI vendor of IOPCIPrimaryMatch/IOPCIMatch, the USB idVendor.  A nub
 * then sees the personalities for its own vendor plus those that name
 * none, not every personality of its class.
 *
 * io_catalogue_lock guards the index.  A driver being unregistered is
 * marked dying (io_driver.c) before its personalities leave, and the
 * catalogue checks that mark under its lock before it adds one, so no
 * personality outlives its driver.  It is taken before io_drivers_lock,
 * so that a personality from user space is either bound to its class or
 * left pending for io_catalogue_bind_pending().
 *
 * A pending personality has no driver: its IOClass is not loaded, and its
 * IOKitLinuxModule says which module provides it (io_module_loader.c).
 */
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringhash.h>

#include <iokit/io_driver.h>

#include "io_family.h"
#include "iokit_internal.h"

struct io_catalogue_entry {
	struct hlist_node node;		/* in its (class, primary key) bucket */
	struct io_driver *driver;	/* NULL while pending */
	struct os_dictionary *dict;
	const char *provider_class;	/* in @dict */
	const char *ioclass;		/* in @dict, or NULL (test personalities) */
	const char *module;		/* in @dict: IOKitLinuxModule, or NULL */
	u64 key;			/* primary key, or IO_CATALOGUE_NO_KEY */
	bool user;			/* added from user space */
	s32 score;			/* IOProbeScore */
	unsigned int order;		/* registration order, for stable ties */
};

static DEFINE_HASHTABLE(io_catalogue, 12);
static DEFINE_MUTEX(io_catalogue_lock);
static unsigned int io_catalogue_order;

static u32 io_catalogue_hash(const char *name, u64 key)
{
	return full_name_hash(NULL, name, strlen(name)) ^ hash_64(key, 32);
}

static struct io_catalogue_entry *io_catalogue_entry_new(struct os_dictionary *dict,
							 bool user)
{
	struct io_catalogue_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);
	struct os_string *cls, *module;
	struct os_number *score;

	if (!e)
		return NULL;
	e->dict = os_dictionary_cast(os_object_get(&dict->obj));
	e->provider_class = os_string_cast(os_dictionary_get(dict, "IOProviderClass"))->str;
	cls = os_string_cast(os_dictionary_get(dict, "IOClass"));
	e->ioclass = cls ? cls->str : NULL;
	module = os_string_cast(os_dictionary_get(dict, "IOKitLinuxModule"));
	e->module = module ? module->str : NULL;
	score = os_number_cast(os_dictionary_get(dict, "IOProbeScore"));
	e->score = score ? (s32)score->value : 0;
	e->user = user;
	e->key = io_family_personality_key(dict);
	return e;
}

static void io_catalogue_entry_free(struct io_catalogue_entry *e)
{
	os_object_put(&e->dict->obj);
	kfree(e);
}

/* Index @e, unless its driver is going.  Lock held. */
static int io_catalogue_insert(struct io_catalogue_entry *e)
{
	if (e->driver && !io_driver_live(e->driver))
		return -ENODEV;
	e->order = io_catalogue_order++;
	hash_add(io_catalogue, &e->node, io_catalogue_hash(e->provider_class, e->key));
	return 0;
}

/**
 * io_catalogue_add() - add a driver's validated personality
 * @driver: the driver
 * @dict: the personality; the catalogue takes a reference
 *
 * Return: 0, -ENOMEM, or -ENODEV if @driver is being unregistered.
 */
int io_catalogue_add(struct io_driver *driver, struct os_dictionary *dict)
{
	struct io_catalogue_entry *e = io_catalogue_entry_new(dict, false);
	int ret;

	if (!e)
		return -ENOMEM;
	e->driver = driver;
	mutex_lock(&io_catalogue_lock);
	ret = io_catalogue_insert(e);
	mutex_unlock(&io_catalogue_lock);
	if (ret)
		io_catalogue_entry_free(e);
	return ret;
}

/**
 * io_catalogue_add_user() - add a validated personality from user space
 * @dict: the personality, with IOClass and IOProviderClass; the catalogue
 *	takes a reference
 * @pending: out: true if IOClass is not loaded and the personality waits
 *	for the module its IOKitLinuxModule names
 *
 * Return: 0, -ENOMEM, -ENOENT if IOClass is not loaded and no module is
 * named, -ENODEV if the class is being unregistered.
 */
int io_catalogue_add_user(struct os_dictionary *dict, bool *pending)
{
	struct io_catalogue_entry *e = io_catalogue_entry_new(dict, true);
	struct io_driver *driver;
	int ret;

	if (!e)
		return -ENOMEM;
	mutex_lock(&io_catalogue_lock);
	driver = io_driver_get(e->ioclass);
	e->driver = driver;
	ret = driver || e->module ? io_catalogue_insert(e) : -ENOENT;
	if (ret)
		io_catalogue_entry_free(e);
	/* Once unlocked, @e is the catalogue's: it may be bound or removed. */
	mutex_unlock(&io_catalogue_lock);
	if (driver)
		module_put(driver->owner);
	*pending = !driver;
	return ret;
}

/**
 * io_catalogue_bind_pending() - give a newly registered driver the pending
 *	personalities that name its class
 * @driver: the driver, already findable by io_driver_get()
 */
void io_catalogue_bind_pending(struct io_driver *driver)
{
	struct io_catalogue_entry *e;
	unsigned int bkt;

	mutex_lock(&io_catalogue_lock);
	hash_for_each(io_catalogue, bkt, e, node)
		if (!e->driver && e->ioclass && !strcmp(e->ioclass, driver->cls.name))
			e->driver = driver;
	mutex_unlock(&io_catalogue_lock);
}

/**
 * io_catalogue_remove_driver() - remove a driver's personalities
 * @driver: the driver, already marked dying
 */
void io_catalogue_remove_driver(struct io_driver *driver)
{
	struct io_catalogue_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	mutex_lock(&io_catalogue_lock);
	hash_for_each_safe(io_catalogue, bkt, tmp, e, node) {
		if (e->driver != driver)
			continue;
		hash_del(&e->node);
		io_catalogue_entry_free(e);
	}
	mutex_unlock(&io_catalogue_lock);
}

struct io_candidate_list {
	struct io_candidate *c;
	unsigned int n;
	unsigned int room;
};

/* Add the live personalities of one (class, key) bucket.  Lock held. */
static int io_catalogue_collect(struct io_candidate_list *list, const char *cls,
				u64 key)
{
	struct io_catalogue_entry *e;

	hash_for_each_possible(io_catalogue, e, node, io_catalogue_hash(cls, key)) {
		if (e->key != key || strcmp(e->provider_class, cls))
			continue;
		if (list->n == list->room) {
			unsigned int room = list->room ? list->room * 2 : 8;
			struct io_candidate *c = iokit_kvgrow(list->c, list->n, room,
							      sizeof(*c), GFP_KERNEL);

			if (!c)
				return -ENOMEM;
			list->c = c;
			list->room = room;
		}
		/*
		 * Held as an instance would be, not through its module: an
		 * rmmod during the round then waits in io_driver_unregister()
		 * instead of failing with EAGAIN.
		 */
		if (e->driver && !io_driver_hold(e->driver))
			continue;
		list->c[list->n].driver = e->driver;
		list->c[list->n].module = e->module;
		list->c[list->n].dict = os_dictionary_cast(os_object_get(&e->dict->obj));
		list->c[list->n].score = e->score;
		list->c[list->n].order = e->order;
		list->c[list->n].loading = false;
		list->n++;
	}
	return 0;
}

/**
 * io_catalogue_candidates() - personalities whose IOProviderClass is in the
 *	class chain of @service, most derived class first
 * @service: the provider
 * @out: out: a kvmalloc'd array; each candidate holds a reference on its
 *	personality and holds its driver, so the driver
 *	cannot be unregistered from under it
 *
 * Only personalities that name no primary key, or @service's, are looked
 * at.  Release with io_catalogue_candidates_free().
 *
 * Return: the number of candidates, or -ENOMEM.
 */
int io_catalogue_candidates(struct io_service *service,
			    struct io_candidate **out)
{
	u64 key = io_family_service_key(service);
	struct io_candidate_list list = {};
	const struct os_class *cls;
	int ret = 0;

	mutex_lock(&io_catalogue_lock);
	for (cls = service->entry.obj.cls; cls && !ret; cls = cls->super) {
		ret = io_catalogue_collect(&list, cls->name, IO_CATALOGUE_NO_KEY);
		if (!ret && key != IO_CATALOGUE_NO_KEY)
			ret = io_catalogue_collect(&list, cls->name, key);
	}
	mutex_unlock(&io_catalogue_lock);
	if (ret) {
		io_catalogue_candidates_free(list.c, list.n);
		return ret;
	}
	*out = list.c;
	return list.n;
}

/**
 * io_catalogue_candidates_free_one() - drop one candidate's references
 * @c: the candidate
 */
void io_catalogue_candidates_free_one(struct io_candidate *c)
{
	os_object_put(&c->dict->obj);
	if (c->driver)
		io_driver_release(c->driver);
}

/**
 * io_catalogue_candidates_free() - drop what io_catalogue_candidates() gave
 * @c: the array
 * @n: its length
 */
void io_catalogue_candidates_free(struct io_candidate *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		io_catalogue_candidates_free_one(&c[i]);
	kvfree(c);
}

/**
 * io_catalogue_remove_user() - remove personalities added from user space
 * @name: their IOPersonalityName
 *
 * Running instances stay, as with IOCatalogue::removeDrivers without
 * termination.
 *
 * Return: true if any was removed.
 */
bool io_catalogue_remove_user(const char *name)
{
	struct io_catalogue_entry *e;
	struct hlist_node *tmp;
	bool found = false;
	unsigned int bkt;

	mutex_lock(&io_catalogue_lock);
	hash_for_each_safe(io_catalogue, bkt, tmp, e, node) {
		struct os_string *s = os_string_cast(os_dictionary_get(e->dict,
								       "IOPersonalityName"));

		if (!e->user || !s || !os_string_equal_cstr(s, name))
			continue;
		/* A module that failed for it may be asked for by the next. */
		if (!e->driver && e->module)
			io_loader_forget(e->module);
		hash_del(&e->node);
		io_catalogue_entry_free(e);
		found = true;
	}
	mutex_unlock(&io_catalogue_lock);
	return found;
}

static int io_catalogue_entry_cmp(const void *a, const void *b)
{
	const struct io_catalogue_entry *ea = *(const struct io_catalogue_entry **)a;
	const struct io_catalogue_entry *eb = *(const struct io_catalogue_entry **)b;

	return ea->order < eb->order ? -1 : ea->order > eb->order;
}

/**
 * io_catalogue_copy_all() - every personality, in catalogue order
 *
 * Return: a new OSArray of the personality dictionaries, or NULL if out
 * of memory.
 */
struct os_array *io_catalogue_copy_all(void)
{
	struct io_catalogue_entry *e, **v = NULL;
	struct os_array *all = NULL;
	unsigned int bkt, n = 0, room = 0, i;

	mutex_lock(&io_catalogue_lock);
	hash_for_each(io_catalogue, bkt, e, node) {
		if (n == room) {
			struct io_catalogue_entry **grown;

			room = room ? room * 2 : 64;
			grown = iokit_kvgrow(v, n, room, sizeof(*v), GFP_KERNEL);
			if (!grown)
				goto out;
			v = grown;
		}
		v[n++] = e;
	}
	/* Buckets have no order: registration order is the catalogue's. */
	sort(v, n, sizeof(*v), io_catalogue_entry_cmp, NULL);
	all = os_array_create(n);
	for (i = 0; all && i < n; i++) {
		if (os_array_append(all, &v[i]->dict->obj)) {
			os_object_put(&all->obj);
			all = NULL;
		}
	}
out:
	mutex_unlock(&io_catalogue_lock);
	kvfree(v);
	return all;
}

/**
 * io_catalogue_exit() - drop what is left: personalities from user space
 *	still pending when iokit goes (every driver has unregistered)
 */
void io_catalogue_exit(void)
{
	struct io_catalogue_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	mutex_lock(&io_catalogue_lock);
	hash_for_each_safe(io_catalogue, bkt, tmp, e, node) {
		hash_del(&e->node);
		io_catalogue_entry_free(e);
	}
	mutex_unlock(&io_catalogue_lock);
}
