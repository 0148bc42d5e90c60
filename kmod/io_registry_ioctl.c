// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/iokit registry commands: lookups, entry descriptions, relatives,
 * properties and matching queries.  The dispatcher (iokit_ioctl.c) has
 * already read and size-checked each struct; these handlers check every
 * field, do the work and return an IOReturn.
 *
 * Entries are named by ID in every command, and each handler resolves the
 * ID itself, so a stale ID anywhere answers kIOReturnNotFound.  Variable
 * output (IDs, serialized properties, paths) goes to a caller's buffer;
 * when it is short the handler reports the size needed and
 * kIOReturnNoSpace, and the caller retries.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <iokit/io_matching.h>
#include <iokit/io_registry_entry.h>
#include <iokit/io_service.h>
#include <iokit/os_serialize.h>

#include "iokit_internal.h"
#include "shared/os_serial.h"

static const struct io_registry_plane *iokit_arg_plane(const char *plane)
{
	if (!memchr(plane, '\0', IOKIT_NAME_MAX))
		return NULL;
	return io_registry_plane_find(plane);
}

u32 io_registry_cmd_lookup(struct iokit_call *call, void *arg)
{
	struct iokit_registry_lookup *lk = arg;
	struct io_registry_entry *entry;
	char *path;

	switch (lk->how) {
	case IOKIT_LOOKUP_ROOT:
		entry = io_registry_get_root();
		break;
	case IOKIT_LOOKUP_ID:
		entry = io_registry_entry_from_id(lk->entry_id);
		break;
	case IOKIT_LOOKUP_PATH:
		if (!lk->path_len || lk->path_len > IOKIT_PATH_MAX)
			return IOKIT_RETURN_BAD_ARGUMENT;
		path = memdup_user_nul(u64_to_user_ptr(lk->path), lk->path_len);
		if (IS_ERR(path))
			return IOKIT_RETURN_VM_ERROR;
		entry = strlen(path) == lk->path_len ?
			io_registry_entry_from_path(path) : NULL;
		kfree(path);
		break;
	default:
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;
	lk->entry_id = entry->id;
	io_registry_entry_put(entry);
	return IOKIT_RETURN_SUCCESS;
}

/*
 * The path is built only for a caller who asked for it: it is not cheap.
 * Return: the path, for io_registry_info_path_out(), or NULL with *@ret.
 */
static char *io_registry_info_path(struct io_registry_entry *entry,
				   const struct io_registry_plane *plane,
				   struct iokit_entry_info *info, u32 *ret)
{
	char *path;
	int len;

	info->path_len = 0;
	*ret = IOKIT_RETURN_SUCCESS;
	if (!info->path)
		return NULL;
	path = kmalloc(IOKIT_PATH_MAX, GFP_KERNEL);
	if (!path) {
		*ret = IOKIT_RETURN_NO_MEMORY;
		return NULL;
	}
	len = io_registry_entry_copy_path(entry, plane, path, IOKIT_PATH_MAX);
	if (len < 0) {
		*ret = len == -ENOSPC ? IOKIT_RETURN_MESSAGE_TOO_LARGE :
					IOKIT_RETURN_NOT_ATTACHED;
		kfree(path);
		return NULL;
	}
	info->path_len = len;
	return path;
}

/* Copy out and free a path io_registry_info_path() built. */
static u32 io_registry_info_path_out(struct iokit_entry_info *info, char *path)
{
	u32 ret = IOKIT_RETURN_SUCCESS;

	if (info->path_size < info->path_len + 1)
		ret = IOKIT_RETURN_NO_SPACE;
	else if (copy_to_user(u64_to_user_ptr(info->path), path, info->path_len + 1))
		ret = IOKIT_RETURN_VM_ERROR;
	kfree(path);
	return ret;
}

/*
 * No reference to a registry entry is held across a copy to or from user
 * space: a fault the caller can stall (userfaultfd, FUSE) would otherwise
 * pin the entry, and a driver instance pinned so keeps its module from
 * unloading (io_driver_teardown() waits for its instances to be freed).
 */
u32 io_registry_cmd_entry_info(struct iokit_call *call, void *arg)
{
	struct iokit_entry_info *info = arg;
	const struct io_registry_plane *plane = iokit_arg_plane(info->plane);
	const struct os_class *cls;
	struct io_registry_entry *entry;
	char *path;
	u32 ret;

	if (!plane || !IOKIT_FIELD_IS_STRING(info->conforms_to) || info->reserved)
		return IOKIT_RETURN_BAD_ARGUMENT;
	entry = io_registry_entry_from_id(info->entry_id);
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;

	cls = entry->obj.cls;
	info->conforms = info->conforms_to[0] &&
			 os_object_conforms_to(&entry->obj, info->conforms_to);
	info->busy = os_object_is_kind(&entry->obj, &io_service_class) ?
		     io_service_get_busy_state(io_service_from_entry(entry)) : 0;
	info->flags = io_registry_entry_inactive(entry) ? IOKIT_ENTRY_INACTIVE : 0;
	io_registry_entry_copy_name(entry, info->name);
	io_registry_entry_copy_location(entry, info->location);
	strscpy_pad(info->class_name, cls->name, sizeof(info->class_name));
	strscpy_pad(info->superclass_name, cls->super ? cls->super->name : "",
		    sizeof(info->superclass_name));
	path = io_registry_info_path(entry, plane, info, &ret);
	io_registry_entry_put(entry);
	return path ? io_registry_info_path_out(info, path) : ret;
}

u32 io_registry_cmd_entry_relatives(struct iokit_call *call, void *arg)
{
	struct iokit_entry_relatives *rel = arg;
	const struct io_registry_plane *plane = iokit_arg_plane(rel->plane);
	struct io_registry_entry *entry;
	unsigned int room = 0;
	u64 *ids = NULL;
	u32 ret;
	int n;

	if (!plane || rel->which > IOKIT_RELATIVES_PARENTS)
		return IOKIT_RETURN_BAD_ARGUMENT;
	entry = io_registry_entry_from_id(rel->entry_id);
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;

	/* Size the buffer by a first count; retry if the entry grew meanwhile. */
	for (;;) {
		n = io_registry_entry_copy_relatives(entry, plane, rel->which,
						     ids, room);
		if (n <= room || n > rel->count)
			break;
		kvfree(ids);
		room = n + 8;
		ids = kvmalloc_array(room, sizeof(*ids), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!ids) {
			io_registry_entry_put(entry);
			return IOKIT_RETURN_NO_MEMORY;
		}
	}
	io_registry_entry_put(entry);
	ret = IOKIT_RETURN_SUCCESS;
	if (n > rel->count)
		ret = IOKIT_RETURN_NO_SPACE;
	else if (n && copy_to_user(u64_to_user_ptr(rel->ids), ids, n * sizeof(*ids)))
		ret = IOKIT_RETURN_VM_ERROR;
	rel->count = n;
	kvfree(ids);
	return ret;
}

/**
 * iokit_copy_out_object() - serialize @obj into a caller's buffer
 * @obj: a container or value
 * @data: user pointer to the buffer
 * @data_size: in: its size; out: bytes written, or needed
 *
 * Return: an IOReturn; kIOReturnNoSpace when the buffer is short.
 */
u32 iokit_copy_out_object(const struct os_object *obj, u64 data, u32 *data_size)
{
	struct os_serial_writer w;
	void *buf;
	u32 ret;

	os_serial_begin(&w, NULL, 0);
	if (os_serialize(obj, &w))
		return IOKIT_RETURN_INTERNAL_ERROR;
	if (w.len > IOKIT_SERIAL_SIZE_MAX)
		return IOKIT_RETURN_MESSAGE_TOO_LARGE;
	if (w.len > *data_size) {
		*data_size = w.len;
		return IOKIT_RETURN_NO_SPACE;
	}
	buf = kvmalloc(w.len, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf)
		return IOKIT_RETURN_NO_MEMORY;
	os_serial_begin(&w, buf, w.len);
	ret = IOKIT_RETURN_SUCCESS;
	if (os_serialize(obj, &w) || w.len > w.capacity)
		ret = IOKIT_RETURN_INTERNAL_ERROR;
	else if (copy_to_user(u64_to_user_ptr(data), buf, w.len))
		ret = IOKIT_RETURN_VM_ERROR;
	*data_size = w.len;
	kvfree(buf);
	return ret;
}

u32 io_registry_cmd_copy_properties(struct iokit_call *call, void *arg)
{
	struct iokit_property_data *pd = arg;
	struct io_registry_entry *entry;
	struct os_object *props;
	u32 ret;

	if (pd->options & ~IOKIT_PROPERTIES_PROVIDERS)
		return IOKIT_RETURN_BAD_ARGUMENT;
	entry = io_registry_entry_from_id(pd->entry_id);
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;
	if (pd->options & IOKIT_PROPERTIES_PROVIDERS) {
		struct os_array *a = io_registry_entry_copy_provider_properties(entry, NULL);

		props = a ? &a->obj : NULL;
	} else {
		struct os_dictionary *d = io_registry_entry_copy_properties(entry);

		props = d ? &d->obj : NULL;
	}
	io_registry_entry_put(entry);
	if (!props)
		return IOKIT_RETURN_NO_MEMORY;
	ret = iokit_copy_out_object(props, pd->data, &pd->data_size);
	os_object_put(props);
	return ret;
}

u32 io_registry_cmd_search_property(struct iokit_call *call, void *arg)
{
	struct iokit_property_data *pd = arg;
	const struct io_registry_plane *plane = iokit_arg_plane(pd->plane);
	struct io_registry_entry *entry, *found;
	struct os_object *value;
	u32 ret;

	if (!plane || !IOKIT_FIELD_IS_STRING(pd->key) || !pd->key[0] ||
	    pd->options & ~(IOKIT_SEARCH_RECURSIVELY | IOKIT_SEARCH_PARENTS))
		return IOKIT_RETURN_BAD_ARGUMENT;
	entry = io_registry_entry_from_id(pd->entry_id);
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;
	value = io_registry_entry_search_property(entry, plane, pd->key,
						  pd->options, &found);
	io_registry_entry_put(entry);
	if (!value)
		return IOKIT_RETURN_NOT_FOUND;
	pd->found_id = found->id;
	io_registry_entry_put(found);
	ret = iokit_copy_out_object(value, pd->data, &pd->data_size);
	os_object_put(value);
	return ret;
}

/**
 * iokit_copy_dictionary() - read a serialized dictionary from user space
 * @uptr: user pointer to an IOKS stream
 * @size: its length
 * @bad_offset: out, on failure: where the stream was refused
 * @bad_reason: out, on failure: an enum iokit_serial_error
 * @ret: out, on failure: the IOReturn to answer
 *
 * Return: the dictionary, referenced, or NULL.
 */
struct os_dictionary *iokit_copy_dictionary(u64 uptr, u32 size, u32 *bad_offset,
					    u32 *bad_reason, u32 *ret)
{
	struct os_serial_error err = {};
	struct os_object *obj;
	void *buf;

	if (size > IOKIT_SERIAL_SIZE_MAX) {
		*bad_reason = IOKIT_SERIAL_E_SIZE;
		*ret = IOKIT_RETURN_MESSAGE_TOO_LARGE;
		return NULL;
	}
	/* Charged to the caller, like everything built from it. */
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!buf) {
		*ret = IOKIT_RETURN_NO_MEMORY;
		return NULL;
	}
	if (copy_from_user(buf, u64_to_user_ptr(uptr), size)) {
		kvfree(buf);
		*ret = IOKIT_RETURN_VM_ERROR;
		return NULL;
	}
	obj = os_unserialize(buf, size, &err);
	kvfree(buf);
	if (obj && !os_dictionary_cast(obj)) {
		os_object_put(obj);
		obj = NULL;
		err.offset = 8;
		err.reason = IOKIT_SERIAL_E_NOT_DICT;
	}
	if (!obj) {
		*bad_offset = err.offset;
		*bad_reason = err.reason;
		*ret = err.reason == IOKIT_SERIAL_E_NO_MEMORY ?
		       IOKIT_RETURN_NO_MEMORY : IOKIT_RETURN_BAD_ARGUMENT;
		return NULL;
	}
	return os_dictionary_cast(obj);
}

u32 io_registry_cmd_set_properties(struct iokit_call *call, void *arg)
{
	struct iokit_property_data *pd = arg;
	struct io_registry_entry *entry;
	struct os_dictionary *props;
	u32 ret;

	if (pd->options)
		return IOKIT_RETURN_BAD_ARGUMENT;
	if (!iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;
	entry = io_registry_entry_from_id(pd->entry_id);
	if (!entry)
		return IOKIT_RETURN_NOT_FOUND;
	props = iokit_copy_dictionary(pd->data, pd->data_size, &pd->bad_offset,
				      &pd->bad_reason, &ret);
	if (props) {
		ret = io_registry_entry_set_properties(entry, props);
		os_object_put(&props->obj);
	}
	io_registry_entry_put(entry);
	return ret;
}

u32 io_registry_cmd_get_matching(struct iokit_call *call, void *arg)
{
	struct iokit_matching *m = arg;
	struct io_registry_entry **entries;
	struct os_dictionary *match;
	unsigned int count, i, room, n = 0;
	u32 ret = IOKIT_RETURN_SUCCESS;
	u64 *ids = NULL;
	int reason;

	match = iokit_copy_dictionary(m->data, m->data_size, &m->bad_offset,
				      &m->bad_reason, &ret);
	if (!match)
		return ret;
	/* A key error has no byte offset: the dictionary was already built. */
	reason = io_matching_validate(match, NULL);
	if (reason) {
		m->bad_offset = 0;
		m->bad_reason = reason;
		os_object_put(&match->obj);
		return IOKIT_RETURN_BAD_ARGUMENT;
	}

	entries = io_registry_snapshot(&io_service_plane, &count);
	if (!entries) {
		os_object_put(&match->obj);
		return IOKIT_RETURN_NO_MEMORY;
	}
	/* IDs gather here, to be copied out once the snapshot is gone. */
	room = min(m->count, count);
	if (room) {
		ids = kvmalloc_array(room, sizeof(*ids), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!ids) {
			io_registry_snapshot_free(entries, count);
			os_object_put(&match->obj);
			return IOKIT_RETURN_NO_MEMORY;
		}
	}
	/* The caller's own work, however large: preemptible and killable. */
	for (i = 0; i < count; i++) {
		if (fatal_signal_pending(current)) {
			ret = IOKIT_RETURN_ABORTED;
			call->err = -EINTR;
			break;
		}
		cond_resched();
		if (!io_matching_match_passive(entries[i], match))
			continue;
		if (n < room)
			ids[n] = entries[i]->id;
		n++;
	}
	io_registry_snapshot_free(entries, count);
	os_object_put(&match->obj);
	/* A short buffer still gets the first matches, as it always has. */
	if (ret == IOKIT_RETURN_SUCCESS && n > m->count)
		ret = IOKIT_RETURN_NO_SPACE;
	if (ret != IOKIT_RETURN_ABORTED && n &&
	    copy_to_user(u64_to_user_ptr(m->ids), ids, min(n, room) * sizeof(*ids)))
		ret = IOKIT_RETURN_VM_ERROR;
	kvfree(ids);
	m->count = n;
	return ret;
}
