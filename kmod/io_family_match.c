// SPDX-License-Identifier: GPL-2.0-only
/*
 * Family matching: the keys only PCI and USB nubs understand, with Apple's
 * semantics (IOPCIBridge::pciMatchNub, IOUSBDevice/IOUSBInterface::
 * matchPropertyTable; Documentation/matching.rst).
 *
 * PCI keys compare 32-bit registers: IOPCIMatch the vendor/device word
 * (device << 16 | vendor) or the subsystem word, IOPCIPrimaryMatch and
 * IOPCISecondaryMatch one of them, IOPCIClassMatch class << 8 | revision
 * with a default mask of 0xffffff00.  Each key is a list of value[&mask];
 * any entry matching satisfies the key, and every key present must.
 *
 * USB keys select a precedence tier, and the tier is the score: a
 * personality with a key combination that is no tier does not match.
 */
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/usb.h>

#include <iokit/io_matching.h>
#include <iokit/io_pci_device.h>
#include <iokit/io_usb_host.h>

#include "iokit_internal.h"

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

static bool io_pci_family_match(struct io_pci_nub *nub, const struct os_dictionary *dict,
				s32 *score, struct io_match_report *r)
{
	struct pci_dev *pdev = nub->pdev;
	u32 primary, secondary, class;

	if (!pdev)
		return true;
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

/*
 * One USB key: absent (0), present and equal (1), present and not (-1),
 * which is reported.
 */
static int io_usb_key(const struct os_dictionary *dict, const char *key, u32 value,
		      struct io_match_report *r)
{
	struct os_number *n = os_number_cast(os_dictionary_get(dict, key));

	if (!n)
		return 0;
	if (n->value == value)
		return 1;
	io_match_report_fail(r, key, "0x%llx", n->value);
	io_match_report_actual(r, "0x%x", value);
	return -1;
}

/*
 * idProduct, through idProduct, idProductArray or idProductMask: 0 absent,
 * 1 equal, 2 equal under the mask (scores 500 less), -1 different.
 */
static int io_usb_product(const struct os_dictionary *dict, u16 product,
			  struct io_match_report *r)
{
	struct os_number *mask = os_number_cast(os_dictionary_get(dict, "idProductMask"));
	struct os_array *array = os_array_cast(os_dictionary_get(dict, "idProductArray"));
	struct os_number *one = os_number_cast(os_dictionary_get(dict, "idProduct"));
	u32 m = mask ? mask->value : 0xffff;
	unsigned int i;

	if (array) {
		for (i = 0; i < array->count; i++)
			if ((os_number_cast(array->items[i])->value & m) == (product & m))
				return mask ? 2 : 1;
		io_match_report_fail(r, "idProductArray", "one of %u products", array->count);
		io_match_report_actual(r, "0x%04x", product);
		return -1;
	}
	if (!one)
		return 0;
	if ((one->value & m) != (product & m)) {
		io_match_report_fail(r, "idProduct", "0x%llx&0x%x", one->value, m);
		io_match_report_actual(r, "0x%04x", product);
		return -1;
	}
	return mask ? 2 : 1;
}

/* Apple's rule: an IOProbeScore of 10000 or more counts as 9000. */
static s32 io_usb_probe_score(const struct os_dictionary *dict)
{
	struct os_number *n = os_number_cast(os_dictionary_get(dict, "IOProbeScore"));
	s32 s = n ? (s32)n->value : 0;

	return s >= 10000 ? 9000 : s;
}

/* Every key present matched, but together they make none of Apple's tiers. */
static bool io_usb_no_tier(struct io_match_report *r)
{
	io_match_report_fail(r, "USB precedence tier", "a key set with a tier");
	io_match_report_actual(r, "keys that make no tier");
	return false;
}

static bool io_usb_device_match(struct usb_device *udev, const struct os_dictionary *dict,
				s32 *score, struct io_match_report *r)
{
	const struct usb_device_descriptor *d = &udev->descriptor;
	int v = io_usb_key(dict, "idVendor", le16_to_cpu(d->idVendor), r);
	int p = io_usb_product(dict, le16_to_cpu(d->idProduct), r);
	int bcd = io_usb_key(dict, "bcdDevice", le16_to_cpu(d->bcdDevice), r);
	int c = io_usb_key(dict, "bDeviceClass", d->bDeviceClass, r);
	int sc = io_usb_key(dict, "bDeviceSubClass", d->bDeviceSubClass, r);
	int pr = io_usb_key(dict, "bDeviceProtocol", d->bDeviceProtocol, r);
	bool vendor_specific = d->bDeviceClass == USB_CLASS_VENDOR_SPEC;
	s32 tier;

	if (v < 0 || p < 0 || bcd < 0 || c < 0 || sc < 0 || pr < 0)
		return false;
	if (v && p && bcd)
		tier = 100000;
	else if (v && p)
		tier = 90000;
	else if (vendor_specific && v && sc && pr && !p && !bcd)
		tier = 80000;
	else if (vendor_specific && v && sc && !pr && !p && !bcd)
		tier = 70000;
	else if (c && sc && pr && !v && !p && !bcd)
		tier = 60000;
	else if (c && sc && !pr && !v && !p && !bcd)
		tier = 50000;
	else
		return io_usb_no_tier(r);
	*score = tier + io_usb_probe_score(dict) - (p == 2 ? 500 : 0);
	return true;
}

static bool io_usb_interface_match(struct usb_device *udev, struct usb_interface *intf,
				   const struct os_dictionary *dict, s32 *score,
				   struct io_match_report *r)
{
	const struct usb_device_descriptor *d = &udev->descriptor;
	const struct usb_interface_descriptor *id = &intf->cur_altsetting->desc;
	u8 config = udev->actconfig ? udev->actconfig->desc.bConfigurationValue : 0;
	int v = io_usb_key(dict, "idVendor", le16_to_cpu(d->idVendor), r);
	int p = io_usb_product(dict, le16_to_cpu(d->idProduct), r);
	int bcd = io_usb_key(dict, "bcdDevice", le16_to_cpu(d->bcdDevice), r);
	int cfg = io_usb_key(dict, "bConfigurationValue", config, r);
	int num = io_usb_key(dict, "bInterfaceNumber", id->bInterfaceNumber, r);
	int c = io_usb_key(dict, "bInterfaceClass", id->bInterfaceClass, r);
	int sc = io_usb_key(dict, "bInterfaceSubClass", id->bInterfaceSubClass, r);
	int pr = io_usb_key(dict, "bInterfaceProtocol", id->bInterfaceProtocol, r);
	bool vendor_specific = id->bInterfaceClass == USB_CLASS_VENDOR_SPEC;
	bool device_keys = p || bcd || num || cfg;
	s32 tier;

	if (v < 0 || p < 0 || bcd < 0 || cfg < 0 || num < 0 || c < 0 || sc < 0 || pr < 0)
		return false;
	if (v && p && bcd && cfg && num)
		tier = 100000;
	else if (v && p && cfg && num)
		tier = 90000;
	else if (vendor_specific && v && sc && pr && !device_keys)
		tier = 80000;
	else if (vendor_specific && v && sc && !pr && !device_keys)
		tier = 70000;
	else if (c && sc && pr && !v && !device_keys)
		tier = 60000;
	else if (c && sc && !pr && !v && !device_keys)
		tier = 50000;
	else
		return io_usb_no_tier(r);
	*score = tier + io_usb_probe_score(dict) - (p == 2 ? 500 : 0);
	return true;
}

static bool io_family_has_usb_keys(const struct os_dictionary *dict)
{
	static const char *const keys[] = {
		"idVendor", "idProduct", "idProductArray", "idProductMask",
		"bcdDevice", "bDeviceClass", "bDeviceSubClass", "bDeviceProtocol",
		"bConfigurationValue", "bInterfaceNumber", "bInterfaceClass",
		"bInterfaceSubClass", "bInterfaceProtocol",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (os_dictionary_get(dict, keys[i]))
			return true;
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

/**
 * io_family_personality_key() - the catalogue key a personality pins
 * @dict: a validated personality
 *
 * IOPCIDevice: the vendor of IOPCIPrimaryMatch (IOPCIMatch pins none: it
 * may match the subsystem word, whose vendor is another).  USB: idVendor.
 * IOTestEntry (test-only): IOPropertyMatch's "test-index".
 *
 * Return: the key, or IO_CATALOGUE_NO_KEY.
 */
u64 io_family_personality_key(const struct os_dictionary *dict)
{
	struct os_string *cls = os_string_cast(os_dictionary_get(dict, "IOProviderClass"));
	struct os_string *pci = os_string_cast(os_dictionary_get(dict, "IOPCIPrimaryMatch"));
	struct os_number *vendor = os_number_cast(os_dictionary_get(dict, "idVendor"));
	struct os_dictionary *props;

	if (!cls)
		return IO_CATALOGUE_NO_KEY;
	if (os_string_equal_cstr(cls, "IOPCIDevice"))
		return pci ? io_pci_match_vendor(pci) : IO_CATALOGUE_NO_KEY;
	if (os_string_equal_cstr(cls, "IOUSBHostDevice") ||
	    os_string_equal_cstr(cls, "IOUSBHostInterface"))
		return vendor ? vendor->value : IO_CATALOGUE_NO_KEY;
	if (os_string_equal_cstr(cls, "IOTestEntry")) {
		props = os_dictionary_cast(os_dictionary_get(dict, "IOPropertyMatch"));
		vendor = props ? os_number_cast(os_dictionary_get(props, "test-index")) : NULL;
		return vendor ? vendor->value : IO_CATALOGUE_NO_KEY;
	}
	return IO_CATALOGUE_NO_KEY;
}

/**
 * io_family_service_key() - the catalogue key of a provider
 * @service: the provider
 *
 * Return: its PCI vendor, USB idVendor or test index, or
 * IO_CATALOGUE_NO_KEY.
 */
u64 io_family_service_key(struct io_service *service)
{
	const struct os_object *obj = &service->entry.obj;
	struct os_number *n;
	u64 key;

	if (os_object_is_kind(obj, &io_pci_device_class)) {
		struct pci_dev *pdev = container_of(service, struct io_pci_nub,
						    service)->pdev;

		return pdev ? pdev->vendor : IO_CATALOGUE_NO_KEY;
	}
	if (os_object_is_kind(obj, &io_usb_host_device_class) ||
	    os_object_is_kind(obj, &io_usb_host_interface_class))
		return le16_to_cpu(container_of(service, struct io_usb_nub,
						service)->udev->descriptor.idVendor);
	if (!os_object_conforms_to(obj, "IOTestEntry"))
		return IO_CATALOGUE_NO_KEY;
	n = os_number_cast(io_registry_entry_copy_property(&service->entry, "test-index"));
	key = n ? n->value : IO_CATALOGUE_NO_KEY;
	os_object_put(n ? &n->obj : NULL);
	return key;
}

/**
 * io_family_match() - the family's matchPropertyTable()
 * @service: the candidate provider
 * @dict: the personality
 * @score: in: the personality's IOProbeScore; out: adjusted by the family
 *	(for USB, the tier plus the clamped IOProbeScore)
 *
 * @r: where to say which key failed, or NULL
 *
 * Return: true if the family's keys match (services of no family, and
 * personalities without family keys, always do).
 */
bool io_family_match(struct io_service *service, const struct os_dictionary *dict,
		     s32 *score, struct io_match_report *r)
{
	const struct os_object *obj = &service->entry.obj;
	struct io_usb_nub *usb;

	if (os_object_is_kind(obj, &io_pci_device_class))
		return io_pci_family_match(container_of(service, struct io_pci_nub,
							service), dict, score, r);
	if (!io_family_has_usb_keys(dict))
		return true;
	usb = container_of(service, struct io_usb_nub, service);
	if (os_object_is_kind(obj, &io_usb_host_interface_class))
		return io_usb_interface_match(usb->udev, usb->intf, dict, score, r);
	if (os_object_is_kind(obj, &io_usb_host_device_class))
		return io_usb_device_match(usb->udev, dict, score, r);
	/* USB keys on anything else can never match. */
	io_match_report_fail(r, "idVendor", "a USB device or interface");
	io_match_report_actual(r, "%s", os_object_class_name(obj));
	return false;
}
