// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOCatalogue: every personality of every registered driver, indexed by
 * IOProviderClass so that matching a nub looks only at personalities for
 * the classes in its class chain (IOCatalogue::findDrivers).
 *
 * io_catalogue_lock guards the index and each driver's dying flag, so a
 * driver being unregistered can never gain an instance after it has
 * started waiting for its instances to go.
 */
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/stringhash.h>

#include <iokit/io_driver.h>

#include "iokit_internal.h"

struct io_catalogue_entry {
	struct hlist_node node;		/* in its provider class bucket */
	struct io_driver *driver;
	struct os_dictionary *dict;
	const char *provider_class;	/* in @dict */
	s32 score;			/* IOProbeScore */
	unsigned int order;		/* registration order, for stable ties */
};

static DEFINE_HASHTABLE(io_catalogue, 10);
static DEFINE_MUTEX(io_catalogue_lock);
static unsigned int io_catalogue_order;

static u32 io_catalogue_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/**
 * io_catalogue_add() - add a driver's validated personality
 * @driver: the driver
 * @dict: the personality; the catalogue takes a reference
 *
 * Return: 0 or -ENOMEM.
 */
int io_catalogue_add(struct io_driver *driver, struct os_dictionary *dict)
{
	struct io_catalogue_entry *e = kzalloc(sizeof(*e), GFP_KERNEL);
	struct os_number *score;

	if (!e)
		return -ENOMEM;
	e->driver = driver;
	e->dict = os_dictionary_cast(os_object_get(&dict->obj));
	e->provider_class = os_string_cast(os_dictionary_get(dict, "IOProviderClass"))->str;
	score = os_number_cast(os_dictionary_get(dict, "IOProbeScore"));
	e->score = score ? (s32)score->value : 0;
	mutex_lock(&io_catalogue_lock);
	e->order = io_catalogue_order++;
	hash_add(io_catalogue, &e->node, io_catalogue_hash(e->provider_class));
	mutex_unlock(&io_catalogue_lock);
	return 0;
}

/**
 * io_catalogue_remove_driver() - remove a driver's personalities and mark
 *	it dying: from now on no instance of it is created
 * @driver: the driver
 */
void io_catalogue_remove_driver(struct io_driver *driver)
{
	struct io_catalogue_entry *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	mutex_lock(&io_catalogue_lock);
	driver->dying = true;
	hash_for_each_safe(io_catalogue, bkt, tmp, e, node) {
		if (e->driver != driver)
			continue;
		hash_del(&e->node);
		os_object_put(&e->dict->obj);
		kfree(e);
	}
	mutex_unlock(&io_catalogue_lock);
}

/**
 * io_catalogue_candidates() - personalities whose IOProviderClass is in the
 *	class chain of @service, most derived class first
 * @service: the provider
 * @out: out: a kvmalloc'd array; each candidate holds a reference on its
 *	personality and on its driver's module
 *
 * Release with io_catalogue_candidates_free().
 *
 * Return: the number of candidates, or -ENOMEM.
 */
int io_catalogue_candidates(struct io_service *service,
			    struct io_candidate **out)
{
	const struct os_class *cls;
	struct io_candidate *c = NULL;
	unsigned int n = 0, room = 0;

	mutex_lock(&io_catalogue_lock);
	for (cls = service->entry.obj.cls; cls; cls = cls->super) {
		struct io_catalogue_entry *e;

		hash_for_each_possible(io_catalogue, e, node, io_catalogue_hash(cls->name)) {
			if (strcmp(e->provider_class, cls->name) || e->driver->dying)
				continue;
			if (!try_module_get(e->driver->owner))
				continue;
			if (n == room) {
				struct io_candidate *grown;

				room = room ? room * 2 : 8;
				grown = iokit_kvgrow(c, n, room, sizeof(*c));
				if (!grown) {
					module_put(e->driver->owner);
					mutex_unlock(&io_catalogue_lock);
					io_catalogue_candidates_free(c, n);
					return -ENOMEM;
				}
				c = grown;
			}
			c[n].driver = e->driver;
			c[n].dict = os_dictionary_cast(os_object_get(&e->dict->obj));
			c[n].score = e->score;
			c[n].order = e->order;
			n++;
		}
	}
	mutex_unlock(&io_catalogue_lock);
	*out = c;
	return n;
}

/**
 * io_catalogue_candidates_free_one() - drop one candidate's references
 * @c: the candidate
 */
void io_catalogue_candidates_free_one(struct io_candidate *c)
{
	os_object_put(&c->dict->obj);
	module_put(c->driver->owner);
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
 * io_catalogue_instance_begin() - count a new instance of @driver, unless
 *	it is being unregistered
 * @driver: the driver
 *
 * Return: true if the instance may be created.
 */
bool io_catalogue_instance_begin(struct io_driver *driver)
{
	bool ok;

	mutex_lock(&io_catalogue_lock);
	ok = !driver->dying;
	if (ok)
		atomic_inc(&driver->instances);
	mutex_unlock(&io_catalogue_lock);
	return ok;
}
