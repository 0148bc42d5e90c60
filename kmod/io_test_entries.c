// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only registry entries (IOKIT_IOC_TEST_ENTRIES), off unless the
 * module parameter test_interface is set.  They let tests and benchmarks
 * grow the registry far past what a machine has, and they accept
 * SetProperties, which real nubs refuse, so that path can be tested.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <iokit/io_driver.h>

#include "io_family.h"
#include "iokit_internal.h"

bool iokit_test_interface;
module_param_named(test_interface, iokit_test_interface, bool, 0644);
MODULE_PARM_DESC(test_interface, "Enable test-only commands (default: off)");

#define IO_TEST_ENTRIES_MAX	100000

struct io_test_entry {
	struct io_service service;
	struct list_head node;
	u32 index;
};

static LIST_HEAD(io_test_entries);
static unsigned int io_test_entry_count;
static DEFINE_MUTEX(io_test_lock);

static void io_test_entry_free(struct os_object *obj)
{
	struct io_test_entry *t = container_of(obj, struct io_test_entry,
					       service.entry.obj);

	io_service_fini(&t->service);
	kfree_rcu(t, service.entry.rcu);
}

static const struct os_class io_test_entry_class = {
	.name = "IOTestEntry",
	.super = &io_service_class,
	.free = io_test_entry_free,
};

/* Store every property given; a "refuse" key makes the owner say no. */
static u32 io_test_entry_set_properties(struct io_registry_entry *entry,
					struct os_dictionary *props)
{
	unsigned int i;

	if (os_dictionary_get(props, "refuse"))
		return IOKIT_RETURN_NOT_PERMITTED;
	for (i = 0; i < props->count; i++)
		if (io_registry_entry_set_property(entry,
						   props->entries[i].key->str,
						   props->entries[i].value))
			return IOKIT_RETURN_NO_MEMORY;
	return IOKIT_RETURN_SUCCESS;
}

static const struct io_registry_entry_ops io_test_entry_ops = {
	.set_properties = io_test_entry_set_properties,
};

static int io_test_entry_add(struct io_registry_entry *parent, u64 *id)
{
	struct io_test_entry *t = kzalloc(sizeof(*t), GFP_KERNEL);
	char location[16];
	int ret;

	if (!t)
		return -ENOMEM;
	ret = io_service_init_entry(&t->service, &io_test_entry_class, "IOTestEntry");
	if (ret) {
		kfree(t);
		return ret;
	}
	t->service.entry.ops = &io_test_entry_ops;
	t->index = io_test_entry_count;
	scnprintf(location, sizeof(location), "%x", io_test_entry_count);
	io_registry_entry_set_location(&t->service.entry, location);
	ret = io_registry_entry_set_number(&t->service.entry, "test-index",
					   io_test_entry_count, 32);
	ret = ret ?: io_registry_entry_attach(&t->service.entry, parent,
					      &io_service_plane);
	if (ret) {
		io_registry_entry_put(&t->service.entry);
		return ret;
	}
	*id = t->service.entry.id;
	list_add_tail(&t->node, &io_test_entries);
	io_test_entry_count++;
	return 0;
}

/*
 * IOTestDriver: a driver class whose personalities the benchmark adds by
 * the thousand.  Matching is measured, never started.
 */
static int io_test_driver_start(struct io_service *service, struct io_service *provider)
{
	return -ENODEV;
}

static void io_test_driver_stop(struct io_service *service, struct io_service *provider)
{
}

static const struct io_service_ops io_test_driver_ops = {
	.start = io_test_driver_start,
	.stop = io_test_driver_stop,
};

static struct io_driver io_test_driver = {
	IO_DRIVER_CLASS("IOTestDriver", struct io_test_entry, service),
	.ops = &io_test_driver_ops,
};

static unsigned int io_test_personality_count;

static int io_test_personality_add(u32 index)
{
	struct os_dictionary *dict = os_dictionary_create(3);
	struct os_dictionary *match = os_dictionary_create(1);
	struct os_string *cls = os_string_create("IOTestEntry");
	struct os_number *n = os_number_create(index, 32);
	int ret = -ENOMEM;

	if (dict && match && cls && n &&
	    !os_dictionary_set(match, "test-index", &n->obj) &&
	    !os_dictionary_set(dict, "IOProviderClass", &cls->obj) &&
	    !os_dictionary_set(dict, "IOPropertyMatch", &match->obj))
		ret = io_catalogue_add(&io_test_driver, dict);
	os_object_put(dict ? &dict->obj : NULL);
	os_object_put(match ? &match->obj : NULL);
	os_object_put(cls ? &cls->obj : NULL);
	os_object_put(n ? &n->obj : NULL);
	return ret;
}

static u32 io_test_personalities_add(u32 count)
{
	u32 i;

	if (!count || count > IO_TEST_ENTRIES_MAX - io_test_personality_count)
		return IOKIT_RETURN_BAD_ARGUMENT;
	/* Once: rounds may still hold it after its personalities left. */
	if (!io_test_driver.owner)
		io_driver_prepare(&io_test_driver, THIS_MODULE);
	for (i = 0; i < count; i++) {
		if (io_test_personality_add(io_test_personality_count))
			return IOKIT_RETURN_NO_MEMORY;
		io_test_personality_count++;
	}
	return IOKIT_RETURN_SUCCESS;
}

static void io_test_personalities_remove_all(void)
{
	if (io_test_personality_count)
		io_catalogue_remove_driver(&io_test_driver);
	io_test_personality_count = 0;
}

/* The real matcher over every test entry; nothing is started. */
static u64 io_test_match_all(void)
{
	struct io_test_entry *t;
	struct io_candidate *c;
	u64 total = 0;
	int n;

	list_for_each_entry(t, &io_test_entries, node) {
		n = io_service_match_candidates(&t->service, &c);
		if (n < 0)
			continue;
		total += n;
		io_catalogue_candidates_free(c, n);
	}
	return total;
}

static void io_test_entries_publish_locked(void)
{
	struct io_test_entry *t;

	list_for_each_entry(t, &io_test_entries, node)
		if (!test_bit(IO_SERVICE_REGISTERED, &t->service.state))
			io_service_register(&t->service);
}

static void io_test_entries_remove_all_locked(void)
{
	struct io_test_entry *t, *next;

	list_for_each_entry_safe(t, next, &io_test_entries, node) {
		list_del(&t->node);
		io_service_terminate(&t->service);
		io_registry_entry_put(&t->service.entry);
	}
	io_test_entry_count = 0;
}

u32 io_test_cmd_entries(struct iokit_call *call, void *arg)
{
	struct iokit_test_entries *te = arg;
	struct io_registry_entry *platform;
	u32 ret = IOKIT_RETURN_SUCCESS;
	unsigned int i;
	u64 id;

	if (!READ_ONCE(iokit_test_interface))
		return IOKIT_RETURN_UNSUPPORTED;
	if (!iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;

	mutex_lock(&io_test_lock);
	switch (te->op) {
	case IOKIT_TEST_ENTRIES_ADD:
		if (!te->count || te->count > IO_TEST_ENTRIES_MAX - io_test_entry_count) {
			ret = IOKIT_RETURN_BAD_ARGUMENT;
			break;
		}
		platform = io_service_get_platform();
		for (i = 0; i < te->count; i++) {
			if (io_test_entry_add(platform, &id)) {
				ret = IOKIT_RETURN_NO_MEMORY;
				break;
			}
			if (!i)
				te->first_id = id;
		}
		io_registry_entry_put(platform);
		break;
	case IOKIT_TEST_ENTRIES_REMOVE_ALL:
		if (te->count)
			ret = IOKIT_RETURN_BAD_ARGUMENT;
		else
			io_test_entries_remove_all_locked();
		break;
	case IOKIT_TEST_PERSONALITIES_ADD:
		ret = io_test_personalities_add(te->count);
		break;
	case IOKIT_TEST_PERSONALITIES_REMOVE_ALL:
		if (te->count)
			ret = IOKIT_RETURN_BAD_ARGUMENT;
		else
			io_test_personalities_remove_all();
		break;
	case IOKIT_TEST_ENTRIES_PUBLISH:
		if (te->count)
			ret = IOKIT_RETURN_BAD_ARGUMENT;
		else
			io_test_entries_publish_locked();
		break;
	case IOKIT_TEST_MATCH_ALL:
		if (te->count)
			ret = IOKIT_RETURN_BAD_ARGUMENT;
		else
			te->result = io_test_match_all();
		break;
	default:
		ret = IOKIT_RETURN_BAD_ARGUMENT;
	}
	mutex_unlock(&io_test_lock);
	return ret;
}

/* Remove whatever tests left behind. */
static void io_test_family_exit(void)
{
	mutex_lock(&io_test_lock);
	io_test_personalities_remove_all();
	io_test_entries_remove_all_locked();
	mutex_unlock(&io_test_lock);
}

/* IOTestDriver's personalities pin an entry's test-index. */
static u64 io_test_personality_key(const struct os_dictionary *dict)
{
	struct os_dictionary *props;
	struct os_number *index;

	props = os_dictionary_cast(os_dictionary_get(dict, "IOPropertyMatch"));
	index = props ? os_number_cast(os_dictionary_get(props, "test-index")) : NULL;
	return index ? index->value : IO_CATALOGUE_NO_KEY;
}

static u64 io_test_catalogue_key(struct io_service *service)
{
	return container_of(service, struct io_test_entry, service)->index;
}

static const struct io_family_key io_test_keys[] = {
	{ }
};

static const struct io_nub_type io_test_nub_types[] = {
	{
		.cls = &io_test_entry_class,
		.catalogue_key = io_test_catalogue_key,
	},
	{ }
};

/*
 * The test entries as a family: the catalogue finds IOTestDriver's
 * personalities by test-index, as it finds a PCI driver's by vendor, so
 * the benchmark measures the same index real nubs use.
 */
struct io_family io_test_family = {
	.name = "test",
	.keys = io_test_keys,
	.personality_key = io_test_personality_key,
	.nubs = io_test_nub_types,
	.exit = io_test_family_exit,
};
