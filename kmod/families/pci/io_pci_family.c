// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI family: IOPCIDevice nubs and their matching keys, with Apple's
 * semantics (IOPCIBridge::pciMatchNub; Documentation/matching.rst).
 *
 * PCI keys compare 32-bit registers: IOPCIMatch the vendor/device word
 * (device << 16 | vendor) or the subsystem word, IOPCIPrimaryMatch and
 * IOPCISecondaryMatch one of them, IOPCIClassMatch class << 8 | revision
 * with a default mask of 0xffffff00.  Each key is a list of value[&mask];
 * any entry matching satisfies the key, and every key present must.
 */
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/string.h>

#include <iokit/io_matching.h>
#include <iokit/io_pci_device.h>

#include "io_family.h"
#include "io_pci.h"

/* Entries one IOPCI*Match list may hold. */
#define IO_PCI_MATCH_ENTRIES_MAX	32

/**
 * io_pci_match_next() - the next entry of an IOPCI*Match list
 * @s: in/out: the cursor in "value[&mask] value[&mask] ...", hex with or
 *	without 0x
 * @default_mask: the mask of an entry without one
 * @value: out: the entry's value
 * @mask: out: its mask
 *
 * Return: 1 with the entry in @value and @mask, 0 at the end of the list,
 * -EINVAL for an entry that is not value[&mask] with 32-bit hex numbers.
 */
int io_pci_match_next(const char **s, u32 default_mask, u32 *value, u32 *mask)
{
	unsigned long long v, m = default_mask;
	char tok[40], *amp;
	size_t n;

	*s = skip_spaces(*s);
	if (!**s)
		return 0;
	n = strcspn(*s, " \t\n");
	if (n >= sizeof(tok))
		return -EINVAL;
	memcpy(tok, *s, n);
	tok[n] = '\0';
	*s += n;
	amp = strchr(tok, '&');
	if (amp) {
		*amp++ = '\0';
		if (kstrtoull(amp, 16, &m) || m > U32_MAX)
			return -EINVAL;
	}
	if (kstrtoull(tok, 16, &v) || v > U32_MAX)
		return -EINVAL;
	*value = v;
	*mask = m;
	return 1;
}

/**
 * io_pci_match_parse() - walk an IOPCI*Match string
 * @s: "value[&mask] value[&mask] ...", hex with or without 0x
 * @reg: register value to test, or NULL to only validate
 * @default_mask: mask of entries without one
 *
 * Return: 1 if @reg matches an entry, 0 if none does, -EINVAL if @s is
 * malformed (empty, a bad number, more than 32 entries).
 */
int io_pci_match_parse(const char *s, const u32 *reg, u32 default_mask)
{
	int entries = 0, match = 0, ret;
	u32 value, mask;

	while ((ret = io_pci_match_next(&s, default_mask, &value, &mask)) > 0) {
		if (++entries > IO_PCI_MATCH_ENTRIES_MAX)
			return -EINVAL;
		if (reg && (*reg & mask) == (value & mask))
			match = 1;
	}
	if (ret < 0)
		return ret;
	return entries ? match : -EINVAL;
}

static bool io_pci_key_valid(const struct os_object *value)
{
	const struct os_string *s = os_string_cast(value);

	return s && io_pci_match_parse(s->str, NULL, 0) >= 0;
}

static const struct io_family_key io_pci_keys[] = {
	{ "IOPCIMatch", io_pci_key_valid },
	{ "IOPCIPrimaryMatch", io_pci_key_valid },
	{ "IOPCISecondaryMatch", io_pci_key_valid },
	{ "IOPCIClassMatch", io_pci_key_valid },
	{ }
};

/* An absent key matches; a present one must have a matching entry. */
static bool io_pci_key(const struct os_dictionary *dict, const char *key,
		       u32 reg, u32 mask)
{
	struct os_string *s = os_string_cast(os_dictionary_get(dict, key));

	return !s || io_pci_match_parse(s->str, &reg, mask) == 1;
}

static void io_pci_report(struct io_match_report *r, const struct os_dictionary *dict,
			  const char *key, u32 reg)
{
	io_match_report_fail(r, key, "%s", os_string_cast(os_dictionary_get(dict, key))->str);
	io_match_report_actual(r, "0x%08x", reg);
}

static bool io_pci_match(struct io_service *service, const struct os_dictionary *dict,
			 s32 *score, struct io_match_report *r)
{
	struct pci_dev *pdev = container_of(service, struct io_pci_nub, service)->pdev;
	u32 primary, secondary, class;

	primary = (u32)pdev->device << 16 | pdev->vendor;
	secondary = (u32)pdev->subsystem_device << 16 | pdev->subsystem_vendor;
	class = pdev->class << 8 | pdev->revision;

	/* IOPCIMatch: either word. */
	if (!io_pci_key(dict, "IOPCIMatch", primary, U32_MAX) &&
	    !io_pci_key(dict, "IOPCIMatch", secondary, U32_MAX)) {
		io_pci_report(r, dict, "IOPCIMatch", primary);
		io_match_report_actual(r, "0x%08x or 0x%08x", primary, secondary);
		return false;
	}
	if (!io_pci_key(dict, "IOPCIPrimaryMatch", primary, U32_MAX)) {
		io_pci_report(r, dict, "IOPCIPrimaryMatch", primary);
		return false;
	}
	if (!io_pci_key(dict, "IOPCISecondaryMatch", secondary, U32_MAX)) {
		io_pci_report(r, dict, "IOPCISecondaryMatch", secondary);
		return false;
	}
	if (!io_pci_key(dict, "IOPCIClassMatch", class, 0xffffff00)) {
		io_pci_report(r, dict, "IOPCIClassMatch", class);
		return false;
	}
	return true;
}

/* A root bus's entry has no configuration space: no key can hold. */
static bool io_pci_bridge_match(struct io_service *service, const struct os_dictionary *dict,
				s32 *score, struct io_match_report *r)
{
	io_match_report_fail(r, "IOPCIMatch", "an IOPCIDevice");
	io_match_report_actual(r, "the root bus entry %s", service->entry.name);
	return false;
}

/*
 * The vendor an IOPCI*Match list pins: every entry must compare the whole
 * vendor half with the same value, else the personality has no key.
 */
static u64 io_pci_match_vendor(const struct os_string *s)
{
	u64 vendor = IO_CATALOGUE_NO_KEY;
	const char *p = s->str;
	u32 value, mask;
	int ret;

	while ((ret = io_pci_match_next(&p, U32_MAX, &value, &mask)) > 0) {
		if ((mask & 0xffff) != 0xffff ||
		    (vendor != IO_CATALOGUE_NO_KEY && vendor != (value & 0xffff)))
			return IO_CATALOGUE_NO_KEY;
		vendor = value & 0xffff;
	}
	return ret < 0 ? IO_CATALOGUE_NO_KEY : vendor;
}

/*
 * The vendor of IOPCIPrimaryMatch.  IOPCIMatch pins none: it may match
 * the subsystem word, whose vendor is another.
 */
static u64 io_pci_personality_key(const struct os_dictionary *dict)
{
	struct os_string *pci = os_string_cast(os_dictionary_get(dict, "IOPCIPrimaryMatch"));

	return pci ? io_pci_match_vendor(pci) : IO_CATALOGUE_NO_KEY;
}

static u64 io_pci_catalogue_key(struct io_service *service)
{
	return container_of(service, struct io_pci_nub, service)->pdev->vendor;
}

static const struct io_nub_type io_pci_nub_types[] = {
	{
		.cls = &io_pci_device_class,
		.match = io_pci_match,
		.catalogue_key = io_pci_catalogue_key,
		.bind = io_pci_nub_bind,
		.claim = io_pci_nub_claim,
		.native_driver = io_pci_nub_native_driver,
		.nub_for_device = io_pci_nub_for_device,
	},
	{
		.cls = &io_pci_bridge_class,
		.match = io_pci_bridge_match,
	},
	{ }
};

/* The driver first: the first nub's matching round may want it. */
static int io_pci_family_init(void)
{
	int ret = io_pci_driver_init();

	if (ret)
		return ret;
	ret = io_pci_nubs_init();
	if (ret)
		io_pci_driver_exit();
	return ret;
}

static void io_pci_family_exit(void)
{
	io_pci_driver_exit();
	io_pci_nubs_exit();
}

/* io_pci_family: the PCI family, registered by iokit_main.c */
struct io_family io_pci_family = {
	.name = "PCI",
	.keys = io_pci_keys,
	.personality_key = io_pci_personality_key,
	.nubs = io_pci_nub_types,
	.init = io_pci_family_init,
	.stop = io_pci_nubs_stop,
	.exit = io_pci_family_exit,
};
