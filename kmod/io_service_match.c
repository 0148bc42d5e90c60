// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver matching for one provider (IOService::doServiceMatch and
 * probeCandidates): the catalogue's personalities for the provider's class
 * chain, passive matching with the generic keys, the family's keys and
 * score, then by category the candidates in score order: instantiate,
 * init, attach, probe, Start.  The first to start takes its category; one
 * that fails gives way to the next.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include <iokit/io_driver.h>
#include <iokit/io_matching.h>
#include <iokit/io_pci_device.h>
#include <iokit/io_usb_host.h>

#include "iokit_internal.h"

#define IO_DEFAULT_MATCH_CATEGORY	"IODefaultMatchCategory"

/* Highest score first; equal scores keep catalogue order (Apple's rule). */
static int io_candidate_cmp(const void *a, const void *b)
{
	const struct io_candidate *ca = a, *cb = b;

	if (ca->score != cb->score)
		return ca->score > cb->score ? -1 : 1;
	return ca->order < cb->order ? -1 : ca->order > cb->order;
}

/**
 * io_service_match_candidates() - the personalities that match @nub,
 *	passively and by family keys, best first
 * @nub: the provider
 * @out: out: the candidates (free with io_catalogue_candidates_free())
 *
 * Return: how many, or a negative errno.
 */
int io_service_match_candidates(struct io_service *nub, struct io_candidate **out)
{
	struct io_candidate *c;
	int n, i, keep = 0;

	n = io_catalogue_candidates(nub, &c);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		s32 score = c[i].score;

		if (io_matching_match_passive(&nub->entry, c[i].dict) &&
		    io_family_match(nub, c[i].dict, &score)) {
			c[i].score = score;
			c[keep++] = c[i];
		} else {
			io_catalogue_candidates_free_one(&c[i]);
		}
	}
	sort(c, keep, sizeof(*c), io_candidate_cmp, NULL);
	*out = c;
	return keep;
}

static const char *io_candidate_category(const struct io_candidate *c)
{
	struct os_string *s = os_string_cast(os_dictionary_get(c->dict, "IOMatchCategory"));

	return s ? s->str : IO_DEFAULT_MATCH_CATEGORY;
}

/* Whether a started client of @nub holds @category. */
static bool io_category_taken(struct io_service *nub, const char *category)
{
	bool taken = false;
	u64 ids[32];
	int n, i;

	n = io_registry_entry_copy_relatives(&nub->entry, &io_service_plane, false,
					     ids, ARRAY_SIZE(ids));
	for (i = 0; i < n && i < ARRAY_SIZE(ids) && !taken; i++) {
		struct io_registry_entry *e = io_registry_entry_from_id(ids[i]);
		struct io_service *s;

		if (!e)
			continue;
		s = io_service_from_entry(e);
		taken = os_object_is_kind(&e->obj, &io_service_class) && s->driver &&
			test_bit(IO_SERVICE_STARTED, &s->state) && s->category &&
			os_string_equal_cstr(s->category, category);
		io_registry_entry_put(e);
	}
	return taken;
}

/* The instance's properties: its personality, with the final score. */
static int io_instance_set_properties(struct io_service *service,
				      const struct io_candidate *c,
				      const char *category)
{
	const struct os_dictionary *dict = c->dict;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < dict->count && !ret; i++)
		ret = io_registry_entry_set_property(&service->entry,
						     dict->entries[i].key->str,
						     dict->entries[i].value);
	ret = ret ?: io_registry_entry_set_number(&service->entry, "IOProbeScore",
						  (u32)c->score, 32);
	ret = ret ?: io_registry_entry_set_string(&service->entry, "IOMatchCategory",
						  category);
	if (!ret) {
		service->category = os_string_create(category);
		ret = service->category ? 0 : -ENOMEM;
	}
	return ret;
}

static struct io_service *io_instance_create(struct io_driver *driver)
{
	struct io_service *service;
	void *instance;

	if (!io_catalogue_instance_begin(driver))
		return ERR_PTR(-ENODEV);
	instance = kzalloc(driver->instance_size, GFP_KERNEL);
	service = instance ? instance + driver->service_offset : NULL;
	if (!service || io_service_init_entry(service, &driver->cls, driver->cls.name)) {
		kfree(instance);
		if (atomic_dec_and_test(&driver->instances))
			wake_up_all(&driver->wait);
		return ERR_PTR(-ENOMEM);
	}
	service->driver = driver;
	return service;
}

/* Try one candidate on @nub: 0 if it started. */
static int io_service_try_candidate(struct io_service *nub, struct io_candidate *c,
				    const char *category)
{
	const struct io_service_ops *ops = c->driver->ops;
	struct io_service *service;
	s32 score = c->score;
	int ret;

	service = io_instance_create(c->driver);
	if (IS_ERR(service))
		return PTR_ERR(service);
	ret = io_instance_set_properties(service, c, category);
	if (ret)
		goto put;
	/* Like DriverKit's free(), ops->free runs even after a failed init. */
	if (ops->init) {
		ret = ops->init(service);
		if (ret)
			goto free;
	}
	ret = io_registry_entry_attach(&service->entry, &nub->entry, &io_service_plane);
	if (ret)
		goto free;
	service->provider = io_service_from_entry(io_registry_entry_get(&nub->entry));
	if (ops->probe) {
		ret = ops->probe(service, nub, &score);
		if (ret)
			goto detach;
	}
	ret = ops->start(service, nub);
	if (ret)
		goto detach;
	set_bit(IO_SERVICE_STARTED, &service->state);
	pr_debug("%s started on %s (score %d, %s)\n", c->driver->cls.name,
		 nub->entry.name, score, category);
	io_registry_entry_put(&service->entry);
	return 0;

detach:
	io_registry_entry_remove(&service->entry);
free:
	if (ops->free && !test_and_set_bit(IO_SERVICE_FREED, &service->state))
		ops->free(service);
put:
	pr_info("%s: not started on %s: %d\n", c->driver->cls.name,
		nub->entry.name, ret);
	io_registry_entry_put(&service->entry);
	return ret ?: -ENODEV;
}

/**
 * io_service_start_candidates() - probe and start drivers on @nub
 * @nub: the provider
 *
 * For each IOMatchCategory not already held by a started client, the
 * candidates are tried in score order until one starts.
 *
 * Return: 0 if at least one driver is started on @nub (now or before),
 * -ENODEV otherwise.
 */
int io_service_start_candidates(struct io_service *nub)
{
	struct io_candidate *c;
	int n, i, started = 0;

	mutex_lock(&nub->match_lock);
	if (test_bit(IO_SERVICE_INACTIVE, &nub->state)) {
		mutex_unlock(&nub->match_lock);
		return -ENODEV;
	}
	n = io_service_match_candidates(nub, &c);
	for (i = 0; i < n; i++) {
		const char *category = io_candidate_category(&c[i]);

		if (io_category_taken(nub, category)) {
			started++;
			continue;
		}
		if (!io_service_try_candidate(nub, &c[i], category))
			started++;
	}
	if (n >= 0)
		io_catalogue_candidates_free(c, n);
	mutex_unlock(&nub->match_lock);
	return started ? 0 : -ENODEV;
}

/**
 * io_service_match() - one matching round for a registered provider
 * @nub: the provider
 *
 * A PCI device is started through iokit's pci_driver and a USB interface
 * is claimed by iokit's usb_driver, so that the driver core knows who
 * owns them and their remove stops the drivers; other providers (USB
 * devices, IOResources, services drivers publish) have their drivers
 * started directly.
 */
void io_service_match(struct io_service *nub)
{
	struct io_candidate *c;
	int n;

	if (os_object_is_kind(&nub->entry.obj, &io_pci_device_class)) {
		io_pci_nub_bind(nub);
		return;
	}
	if (os_object_is_kind(&nub->entry.obj, &io_usb_host_interface_class)) {
		io_usb_interface_bind(nub);
		return;
	}
	n = io_service_match_candidates(nub, &c);
	if (n > 0)
		io_service_start_candidates(nub);
	if (n >= 0)
		io_catalogue_candidates_free(c, n);
}
