// SPDX-License-Identifier: GPL-2.0-only
/*
 * The USB family: IOUSBHostDevice and IOUSBHostInterface nubs and their
 * matching keys, with Apple's semantics (IOUSBHostDevice and
 * IOUSBHostInterface matchPropertyTable(); Documentation/matching.rst).
 *
 * USB keys select a precedence tier, and the tier is the score: a
 * personality with a key combination that is no tier does not match.
 */
#include <linux/kernel.h>
#include <linux/usb.h>

#include <iokit/io_matching.h>
#include <iokit/io_usb_host.h>

#include "io_family.h"
#include "io_usb.h"

static const struct io_family_key io_usb_keys[] = {
	{ "idVendor", io_family_value_is_number },
	{ "idProduct", io_family_value_is_number },
	{ "idProductMask", io_family_value_is_number },
	{ "idProductArray", io_family_value_is_numbers },
	{ "bcdDevice", io_family_value_is_number },
	{ "bDeviceClass", io_family_value_is_number },
	{ "bDeviceSubClass", io_family_value_is_number },
	{ "bDeviceProtocol", io_family_value_is_number },
	{ "bConfigurationValue", io_family_value_is_number },
	{ "bInterfaceNumber", io_family_value_is_number },
	{ "bInterfaceClass", io_family_value_is_number },
	{ "bInterfaceSubClass", io_family_value_is_number },
	{ "bInterfaceProtocol", io_family_value_is_number },
	{ }
};

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

static bool io_usb_device_match(struct io_service *service, const struct os_dictionary *dict,
				s32 *score, struct io_match_report *r)
{
	struct usb_device *udev = container_of(service, struct io_usb_nub, service)->udev;
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

static bool io_usb_interface_match(struct io_service *service,
				   const struct os_dictionary *dict, s32 *score,
				   struct io_match_report *r)
{
	struct io_usb_nub *nub = container_of(service, struct io_usb_nub, service);
	const struct usb_device_descriptor *d = &nub->udev->descriptor;
	const struct usb_interface_descriptor *id = &nub->intf->cur_altsetting->desc;
	struct usb_host_config *actconfig = nub->udev->actconfig;
	u8 config = actconfig ? actconfig->desc.bConfigurationValue : 0;
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

/* Both classes are found in the catalogue by idVendor. */
static u64 io_usb_personality_key(const struct os_dictionary *dict)
{
	struct os_number *vendor = os_number_cast(os_dictionary_get(dict, "idVendor"));

	return vendor ? vendor->value : IO_CATALOGUE_NO_KEY;
}

static u64 io_usb_catalogue_key(struct io_service *service)
{
	return le16_to_cpu(container_of(service, struct io_usb_nub,
					service)->udev->descriptor.idVendor);
}

static const struct io_nub_type io_usb_nub_types[] = {
	{
		.cls = &io_usb_host_device_class,
		.match = io_usb_device_match,
		.catalogue_key = io_usb_catalogue_key,
		.bind = io_usb_device_bind,
		.native_driver = io_usb_device_native_driver,
	},
	{
		.cls = &io_usb_host_interface_class,
		.match = io_usb_interface_match,
		.catalogue_key = io_usb_catalogue_key,
		.bind = io_usb_interface_bind,
		.claim = io_usb_interface_claim,
		.native_driver = io_usb_interface_native_driver,
	},
	{ }
};

/* The drivers first: the first nub's matching round may want them. */
static int io_usb_family_init(void)
{
	int ret = io_usb_driver_init();

	if (ret)
		return ret;
	ret = io_usb_device_driver_init();
	if (ret)
		goto err_driver;
	ret = io_usb_nubs_init();
	if (ret)
		goto err_device_driver;
	return 0;

err_device_driver:
	io_usb_device_driver_exit();
err_driver:
	io_usb_driver_exit();
	return ret;
}

/*
 * Interfaces first, so their drivers stop while the devices are whole;
 * the device driver last, once no nub is left to see the devices it
 * gives back come again.
 */
static void io_usb_family_exit(void)
{
	io_usb_driver_exit();
	io_usb_nubs_exit();
	io_usb_device_driver_exit();
}

/* io_usb_family: the USB family, registered by iokit_main.c */
struct io_family io_usb_family = {
	.name = "USB",
	.keys = io_usb_keys,
	.personality_key = io_usb_personality_key,
	.nubs = io_usb_nub_types,
	.init = io_usb_family_init,
	.stop = io_usb_nubs_stop,
	.exit = io_usb_family_exit,
};
