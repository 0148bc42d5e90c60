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

#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <iokit/io_driver.h>
#include <iokit/io_matching.h>

#include "io_family.h"
#include "io_test_hooks.h"
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

/*
 * Passive, then family keys: IOKIT_MATCH_MATCHED with @score adjusted by
 * the family, or the phase that failed with the key in @r.
 */
static u32 io_match_evaluate(struct io_service *nub, const struct os_dictionary *dict,
			     s32 *score, struct io_match_report *r)
{
	if (!io_matching_match_passive_report(&nub->entry, dict, r))
		return IOKIT_MATCH_PASSIVE_FAILED;
	if (!io_family_match(nub, dict, score, r))
		return IOKIT_MATCH_FAMILY_FAILED;
	return IOKIT_MATCH_MATCHED;
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
		struct io_match_report r = {};
		s32 score = c[i].score;
		u32 phase = io_match_evaluate(nub, c[i].dict, &score, &r);

		io_match_ledger_note(nub->entry.id, c[i].dict, phase, score, 0, &r);
		if (phase == IOKIT_MATCH_MATCHED) {
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

struct io_category_search {
	const char *category;
	struct io_match_report *r;
	bool taken;
};

/* Under the registry's topology lock: nothing here sleeps. */
static void io_category_visit(struct io_registry_entry *e, unsigned int parents, void *arg)
{
	struct io_category_search *cs = arg;
	struct io_service *s = io_service_from_entry(e);

	if (cs->taken || !os_object_is_kind(&e->obj, &io_service_class) || !s->driver ||
	    !test_bit(IO_SERVICE_STARTED, &s->state) || !s->category ||
	    !os_string_equal_cstr(s->category, cs->category))
		return;
	cs->taken = true;
	strscpy(cs->r->actual, os_object_class_name(&e->obj), sizeof(cs->r->actual));
}

/*
 * Whether a started client of @nub holds @category; @r names the category
 * and, if it is held, the holder's class.
 */
static bool io_category_taken(struct io_service *nub, const char *category,
			      struct io_match_report *r)
{
	struct io_category_search cs = { .category = category, .r = r };

	r->key = "IOMatchCategory";
	strscpy(r->expected, category, sizeof(r->expected));
	io_registry_entry_visit_children(&nub->entry, &io_service_plane, io_category_visit, &cs);
	return cs.taken;
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

/* Try one candidate on @nub: 0 if it started. */
static int io_service_try_candidate(struct io_service *nub, struct io_candidate *c,
				    const char *category)
{
	const struct io_service_ops *ops = c->driver->ops;
	u32 phase = IOKIT_MATCH_INIT_FAILED;
	struct io_service *service;
	s32 score = c->score;
	int ret;

	/*
	 * Locked until Start returns: a termination that reaches the instance
	 * meanwhile waits, and one that made the provider inactive first
	 * makes the attach below fail.
	 */
	service = io_driver_instance_create(c->driver);
	if (IS_ERR(service))
		return PTR_ERR(service);
	io_test_delay(IO_TEST_DELAY_BEFORE_ATTACH);
	ret = io_instance_set_properties(service, c, category);
	if (ret)
		goto put;
	/* Like DriverKit's free(), ops->free runs even after a failed init. */
	if (ops->init) {
		ret = ops->init(service);
		if (ret) {
			phase = IOKIT_MATCH_INIT_FAILED;
			goto free;
		}
	}
	ret = io_registry_entry_attach(&service->entry, &nub->entry, &io_service_plane);
	if (ret)
		goto free;
	service->provider = io_service_from_entry(io_registry_entry_get(&nub->entry));
	if (ops->probe) {
		ret = ops->probe(service, nub, &score);
		if (ret) {
			phase = IOKIT_MATCH_PROBE_FAILED;
			goto detach;
		}
	}
	ret = ops->start(service, nub);
	if (ret) {
		phase = IOKIT_MATCH_START_FAILED;
		goto detach;
	}
	set_bit(IO_SERVICE_STARTED, &service->state);
	mutex_unlock(&service->match_lock);
	io_match_ledger_note(nub->entry.id, c->dict, IOKIT_MATCH_STARTED, score, 0, NULL);
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
	mutex_unlock(&service->match_lock);
	io_match_ledger_note(nub->entry.id, c->dict, phase, score, ret ?: -ENODEV, NULL);
	pr_info("%s: not started on %s: %d\n", c->driver->cls.name,
		nub->entry.name, ret);
	io_registry_entry_put(&service->entry);
	return ret ?: -ENODEV;
}

/**
 * io_candidates_want_claim() - whether a candidate says IOKitLinuxClaim
 * @c: candidates
 * @n: how many
 *
 * Return: true if any of them asks to take the device from a native driver.
 */
bool io_candidates_want_claim(const struct io_candidate *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct os_boolean *b = os_boolean_cast(os_dictionary_get(c[i].dict,
									"IOKitLinuxClaim"));

		if (b && b->value)
			return true;
	}
	return false;
}

/* A native Linux driver @owner holds the device: what would take it. */
static void io_match_report_native(struct io_match_report *r, const char *owner)
{
	r->key = "IOKitLinuxClaim";
	strscpy(r->expected, "true, or iokitctl claim", sizeof(r->expected));
	if (owner)
		strscpy(r->actual, owner, sizeof(r->actual));
}

/**
 * io_candidates_note_native() - tell the ledger a native driver is in the way
 * @nub: the provider
 * @c: its candidates
 * @n: how many
 * @owner: the Linux driver that holds the device
 */
void io_candidates_note_native(struct io_service *nub, const struct io_candidate *c,
			       int n, const char *owner)
{
	struct io_match_report r = {};
	int i;

	io_match_report_native(&r, owner);
	for (i = 0; i < n; i++)
		io_match_ledger_note(nub->entry.id, c[i].dict, IOKIT_MATCH_NATIVE_DRIVER,
				     c[i].score, 0, &r);
}

/*
 * A pending personality won @c's category: ask for its module.  True if
 * the category should wait for it; the ledger says which way it went.
 */
static bool io_candidate_request_load(struct io_service *nub, struct io_candidate *c)
{
	struct os_string *cls = os_string_cast(os_dictionary_get(c->dict, "IOClass"));
	struct io_match_report r = { .key = "IOKitLinuxModule" };
	int ret = io_loader_request(c->module, cls->str, nub->entry.id);

	strscpy(r.expected, c->module, sizeof(r.expected));
	if (!ret)
		strscpy(r.actual, "requested from the loader", sizeof(r.actual));
	else if (ret == -ESRCH)
		strscpy(r.actual, "no loader attached (iokitctl loader)", sizeof(r.actual));
	else if (ret == -ENOBUFS)
		strscpy(r.actual, "request dropped: loader queue full", sizeof(r.actual));
	else
		strscpy(r.actual, "did not load", sizeof(r.actual));
	io_match_ledger_note(nub->entry.id, c->dict, IOKIT_MATCH_NOT_LOADED, c->score,
			     ret == -ESRCH ? 0 : ret, &r);
	c->loading = !ret;
	return c->loading;
}

/* Whether a better candidate in @category waits for its module. */
static bool io_category_loading(const struct io_candidate *c, int i, const char *category,
				struct io_match_report *r)
{
	while (i--) {
		if (c[i].loading && !strcmp(io_candidate_category(&c[i]), category)) {
			r->key = "IOMatchCategory";
			strscpy(r->expected, category, sizeof(r->expected));
			snprintf(r->actual, sizeof(r->actual), "%s (loading)", c[i].module);
			return true;
		}
	}
	return false;
}

/**
 * io_service_start_candidates() - probe and start drivers on @nub
 * @nub: the provider
 *
 * For each IOMatchCategory not already held by a started client, the
 * candidates are tried in score order until one starts.  A pending
 * personality whose module a loader was asked for holds its category:
 * the candidates after it wait for the module rather than start first.
 *
 * Return: 0 if at least one driver is started on @nub (now or before),
 * -ENODEV otherwise.
 */
int io_service_start_candidates(struct io_service *nub)
{
	struct io_candidate *c;
	int n, i, started = 0;

	mutex_lock(&nub->match_lock);
	if (io_registry_entry_inactive(&nub->entry)) {
		mutex_unlock(&nub->match_lock);
		return -ENODEV;
	}
	n = io_service_match_candidates(nub, &c);
	for (i = 0; i < n; i++) {
		const char *category = io_candidate_category(&c[i]);
		struct io_match_report r = {};
		const char *cls = c[i].driver ? c[i].driver->cls.name : "";

		if (io_category_taken(nub, category, &r)) {
			/* Held by this very driver: it is still started. */
			if (!strcmp(r.actual, cls))
				io_match_ledger_note(nub->entry.id, c[i].dict,
						     IOKIT_MATCH_STARTED, c[i].score, 0, NULL);
			else
				io_match_ledger_note(nub->entry.id, c[i].dict,
						     IOKIT_MATCH_CATEGORY_TAKEN, c[i].score,
						     0, &r);
			started++;
			continue;
		}
		if (io_category_loading(c, i, category, &r)) {
			io_match_ledger_note(nub->entry.id, c[i].dict,
					     IOKIT_MATCH_CATEGORY_TAKEN, c[i].score, 0, &r);
			continue;
		}
		if (!c[i].driver)
			io_candidate_request_load(nub, &c[i]);
		else if (!io_service_try_candidate(nub, &c[i], category))
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
 * A nub of a family is bound through the family (a PCI device to iokit's
 * pci_driver, a USB interface claimed by its usb_driver, ...), so that
 * the driver core knows who owns the device and its remove stops the
 * drivers; the candidates then start in the family's context.  Other
 * providers (IOResources, services drivers publish) have their drivers
 * started directly.
 */
void io_service_match(struct io_service *nub)
{
	const struct io_nub_type *t = io_nub_type_of(nub);

	if (t && t->bind)
		t->bind(nub);
	else
		io_service_start_candidates(nub);
}

/* How far @dict would get on @nub, without starting anything. */
static void io_service_match_test_one(struct io_service *nub, const struct os_dictionary *dict,
				      struct iokit_match_record *rec)
{
	struct os_number *n = os_number_cast(os_dictionary_get(dict, "IOProbeScore"));
	struct io_candidate c = { .dict = (struct os_dictionary *)dict };
	s32 score = n ? (s32)n->value : 0;
	const struct io_nub_type *t;
	struct io_match_report r = {};
	int native;
	u32 phase;

	phase = io_match_evaluate(nub, dict, &score, &r);
	if (phase != IOKIT_MATCH_MATCHED)
		goto out;
	if (io_category_taken(nub, io_candidate_category(&c), &r)) {
		phase = IOKIT_MATCH_CATEGORY_TAKEN;
		goto out;
	}
	memset(&r, 0, sizeof(r));
	t = io_nub_type_of(nub);
	native = t && t->native_driver && !io_candidates_want_claim(&c, 1) ?
		 t->native_driver(nub, r.actual, sizeof(r.actual)) : 0;
	if (native > 0) {
		io_match_report_native(&r, NULL);
		phase = IOKIT_MATCH_NATIVE_DRIVER;
	} else if (native < 0) {
		/* Being bound or unbound right now: say so, do not wait. */
		io_match_report_native(&r, "not known: the device is busy");
	}
out:
	io_match_record_fill(rec, nub->entry.id, dict, phase, score, 0, &r);
}

/**
 * io_service_cmd_match_test() - IOKIT_IOC_MATCH_TEST
 * @call: the ioctl
 * @arg: struct iokit_match_test
 *
 * Return: an IOReturn.
 */
u32 io_service_cmd_match_test(struct iokit_call *call, void *arg)
{
	struct iokit_match_test *mt = arg;
	u32 capacity = min_t(u32, mt->count, IOKIT_MATCH_LEDGER_MAX);
	struct iokit_match_record *out = NULL;
	struct io_registry_entry **entries;
	u32 ret = IOKIT_RETURN_SUCCESS;
	struct os_dictionary *dict;
	const char *bad_key = NULL;
	unsigned int count, i, n = 0;
	const char *provider;
	int reason;

	if (!io_match_record_size_ok(mt->record_size) || mt->reserved)
		return IOKIT_RETURN_BAD_ARGUMENT;
	dict = iokit_copy_dictionary(mt->data, mt->data_size, &mt->bad_offset,
				     &mt->bad_reason, &ret);
	if (!dict)
		return ret;
	reason = io_personality_validate(dict, &bad_key);
	if (reason) {
		mt->bad_offset = 0;
		mt->bad_reason = reason;
		strscpy(mt->bad_key, bad_key ?: "", sizeof(mt->bad_key));
		ret = IOKIT_RETURN_BAD_ARGUMENT;
		goto put;
	}
	provider = os_string_cast(os_dictionary_get(dict, "IOProviderClass"))->str;
	if (capacity) {
		out = kvmalloc_array(capacity, sizeof(*out), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!out) {
			ret = IOKIT_RETURN_NO_MEMORY;
			goto put;
		}
	}
	entries = io_registry_snapshot(&io_service_plane, &count);
	if (!entries) {
		ret = IOKIT_RETURN_NO_MEMORY;
		goto free;
	}
	for (i = 0; i < count; i++) {
		struct io_registry_entry *e = entries[i];

		if (fatal_signal_pending(current)) {
			ret = IOKIT_RETURN_ABORTED;
			call->err = -EINTR;
			break;
		}
		cond_resched();
		if (!os_object_conforms_to(&e->obj, provider) ||
		    !os_object_is_kind(&e->obj, &io_service_class) ||
		    !test_bit(IO_SERVICE_REGISTERED, &io_service_from_entry(e)->state))
			continue;
		if (n < capacity)
			io_service_match_test_one(io_service_from_entry(e), dict, &out[n]);
		n++;
	}
	io_registry_snapshot_free(entries, count);
	if (ret)
		goto free;
	if (io_match_records_copy_out(mt->records, mt->record_size, out, min(n, capacity)))
		ret = IOKIT_RETURN_VM_ERROR;
	else if (n > capacity)
		ret = IOKIT_RETURN_NO_SPACE;
	mt->count = n;
free:
	kvfree(out);
put:
	os_object_put(&dict->obj);
	return ret;
}

/**
 * io_service_cmd_claim() - IOKIT_IOC_CLAIM
 * @call: the ioctl
 * @arg: struct iokit_claim
 *
 * Return: an IOReturn.
 */
u32 io_service_cmd_claim(struct iokit_call *call, void *arg)
{
	struct iokit_claim *cl = arg;
	const struct io_nub_type *t;
	struct io_registry_entry *e;
	int ret;

	if (!iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;
	e = io_registry_entry_from_id(cl->entry_id);
	if (!e)
		return IOKIT_RETURN_NOT_FOUND;
	t = os_object_is_kind(&e->obj, &io_service_class) ?
	    io_nub_type_of(io_service_from_entry(e)) : NULL;
	ret = t && t->claim ? t->claim(io_service_from_entry(e)) : -EOPNOTSUPP;
	io_registry_entry_put(e);
	if (ret == -EOPNOTSUPP)
		return IOKIT_RETURN_UNSUPPORTED;
	return ret ? IOKIT_RETURN_NO_DEVICE : IOKIT_RETURN_SUCCESS;
}
