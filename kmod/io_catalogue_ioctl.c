// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOKIT_IOC_PERSONALITY: personalities from user space, as IOKit's
 * IOCatalogueSendData.  A personality names its driver class in IOClass;
 * if no loaded module provides that class and the personality says which
 * module does (IOKitLinuxModule), it is kept pending until a match wants
 * it and a loader brings the module in (io_module_loader.c).
 */
#include <linux/string.h>

#include <iokit/os_object.h>

#include "iokit_internal.h"
#include "shared/os_serial.h"

static u32 io_personality_refuse(struct iokit_personality *p, u32 reason,
				 const char *key)
{
	p->bad_offset = 0;
	p->bad_reason = reason;
	strscpy_pad(p->name, key, sizeof(p->name));
	return IOKIT_RETURN_BAD_ARGUMENT;
}

static u32 io_personality_add(struct iokit_personality *p)
{
	struct os_dictionary *dict;
	struct os_string *cls, *name, *module;
	const char *bad_key;
	bool pending;
	int reason;
	u32 ret;

	dict = iokit_copy_dictionary(p->data, p->data_size, &p->bad_offset,
				     &p->bad_reason, &ret);
	if (!dict)
		return ret;
	reason = io_personality_validate(dict, &bad_key);
	cls = os_string_cast(os_dictionary_get(dict, "IOClass"));
	if (reason) {
		ret = io_personality_refuse(p, reason, bad_key);
		goto out;
	}
	if (!cls) {
		ret = io_personality_refuse(p, IOKIT_SERIAL_E_KEY, "IOClass");
		goto out;
	}
	name = os_string_cast(os_dictionary_get(dict, "IOPersonalityName"));
	if (!name && os_dictionary_set(dict, "IOPersonalityName", &cls->obj)) {
		ret = IOKIT_RETURN_NO_MEMORY;
		goto out;
	}
	name = name ?: cls;
	module = os_string_cast(os_dictionary_get(dict, "IOKitLinuxModule"));
	/* Both travel whole in a load request (struct iokit_load_request). */
	if (!cls->str[0] || strlen(cls->str) >= IOKIT_NAME_MAX) {
		ret = io_personality_refuse(p, IOKIT_SERIAL_E_VALUE, "IOClass");
		goto out;
	}
	/* The match ledger's records carry it whole (struct iokit_match_record). */
	if (strlen(name->str) >= IOKIT_NAME_MAX) {
		ret = io_personality_refuse(p, IOKIT_SERIAL_E_VALUE, "IOPersonalityName");
		goto out;
	}
	if (module && (!module->str[0] || strlen(module->str) >= IOKIT_NAME_MAX)) {
		ret = io_personality_refuse(p, IOKIT_SERIAL_E_VALUE, "IOKitLinuxModule");
		goto out;
	}

	switch (io_catalogue_add_user(dict, &pending)) {
	case 0:
		break;
	case -ENOENT:
		strscpy_pad(p->name, cls->str, sizeof(p->name));
		ret = IOKIT_RETURN_NOT_FOUND;
		goto out;
	case -ENODEV:
		strscpy_pad(p->name, cls->str, sizeof(p->name));
		ret = IOKIT_RETURN_NOT_READY;
		goto out;
	default:
		ret = IOKIT_RETURN_NO_MEMORY;
		goto out;
	}
	strscpy_pad(p->name, name->str, sizeof(p->name));
	p->flags = pending ? IOKIT_PERSONALITY_PENDING : 0;
	/* Added anew: a module that failed before may have been fixed. */
	if (pending)
		io_loader_forget(module->str);
	io_driver_rematch_all();
	ret = IOKIT_RETURN_SUCCESS;
out:
	os_object_put(&dict->obj);
	return ret;
}

/**
 * io_catalogue_cmd_personality() - IOKIT_IOC_PERSONALITY
 * @call: the ioctl
 * @arg: struct iokit_personality
 *
 * Return: an IOReturn.
 */
u32 io_catalogue_cmd_personality(struct iokit_call *call, void *arg)
{
	struct iokit_personality *p = arg;
	struct os_array *all;
	u32 ret;

	if (!iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;
	if (p->reserved)
		return IOKIT_RETURN_BAD_ARGUMENT;
	p->flags = 0;	/* output only */
	if (p->op != IOKIT_PERSONALITY_LIST && !iokit_call_writable(call))
		return IOKIT_RETURN_NOT_PERMITTED;
	switch (p->op) {
	case IOKIT_PERSONALITY_ADD:
		return io_personality_add(p);
	case IOKIT_PERSONALITY_REMOVE:
		if (!IOKIT_FIELD_IS_STRING(p->name) || !p->name[0] || p->data_size)
			return IOKIT_RETURN_BAD_ARGUMENT;
		return io_catalogue_remove_user(p->name) ? IOKIT_RETURN_SUCCESS :
							   IOKIT_RETURN_NOT_FOUND;
	case IOKIT_PERSONALITY_LIST:
		all = io_catalogue_copy_all();
		if (!all)
			return IOKIT_RETURN_NO_MEMORY;
		ret = iokit_copy_out_object(&all->obj, p->data, &p->data_size);
		os_object_put(&all->obj);
		return ret;
	default:
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
}
