// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libiokit: IOKitLib over /dev/iokit; see IOKit/IOKitLib.h.
 *
 * The kernel knows registry entries only by their 64-bit IDs and keeps no
 * per-process state for them, so io_object_t handles live here: a table
 * of reference-counted slots, each an entry ID, an iterator snapshot or a
 * matching notification.  Entry slots are also hashed by ID, so one entry
 * has one handle, as a kernel object has one port name in a Mach task.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/iokit.h>

#include <IOKit/IOKitLib.h>

#include "iocf_internal.h"
#include "iokitlib_internal.h"

_Static_assert(kIOReturnNotFound == (IOReturn)IOKIT_RETURN_NOT_FOUND &&
	       kIOReturnNoSpace == (IOReturn)IOKIT_RETURN_NO_SPACE &&
	       kIOReturnBadArgument == (IOReturn)IOKIT_RETURN_BAD_ARGUMENT &&
	       kIOReturnInvalid == (IOReturn)IOKIT_RETURN_INVALID,
	       "kIOReturn* out of step with IOKIT_RETURN_*");
_Static_assert(sizeof(io_name_t) == IOKIT_NAME_MAX, "io_name_t is not IOKIT_NAME_MAX");
_Static_assert(kIORegistryIterateRecursively == IOKIT_SEARCH_RECURSIVELY &&
	       kIORegistryIterateParents == IOKIT_SEARCH_PARENTS,
	       "search options out of step");

/* ---- /dev/iokit --------------------------------------------------------- */

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static int dev_fd = -1;

static IOReturn errno_to_return(int err)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		return kIOReturnNoDevice;
	case EACCES:
	case EPERM:
		return kIOReturnNotPrivileged;
	case ENOTTY:
	case EOPNOTSUPP:
		return kIOReturnUnsupported;
	case EINVAL:
	case E2BIG:
	case EFAULT:
		return kIOReturnBadArgument;
	case ENOMEM:
		return kIOReturnNoMemory;
	default:
		return kIOReturnError;
	}
}

/*
 * Open the device on first use and keep it.  A failed open is retried by
 * the next call, so loading the module later is noticed.
 */
static IOReturn dev_get(int *fd)
{
	struct iokit_version v = { .size = sizeof(v) };
	IOReturn ret = kIOReturnSuccess;
	int f;

	pthread_mutex_lock(&dev_lock);
	if (dev_fd >= 0)
		goto out;
	f = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (f < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
		f = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		ret = errno_to_return(errno);
		goto out;
	}
	/* Refuse a module whose ABI this library cannot speak. */
	if (ioctl(f, IOKIT_IOC_VERSION, &v) < 0 || v.abi_major != IOKIT_ABI_MAJOR) {
		close(f);
		ret = kIOReturnUnsupported;
		goto out;
	}
	dev_fd = f;
out:
	*fd = dev_fd;
	pthread_mutex_unlock(&dev_lock);
	return ret;
}

/*
 * Issue one command.  @ioreturn points into @arg: the kernel fills it in
 * whenever it got as far as reading the struct, and that is the better
 * answer; errno alone means it did not.
 */
static IOReturn dev_call(unsigned long cmd, void *arg, __u32 *ioreturn)
{
	IOReturn ret;
	int fd, rc;

	ret = dev_get(&fd);
	if (ret)
		return ret;
	*ioreturn = IOKIT_RETURN_SUCCESS;
	do
		rc = ioctl(fd, cmd, arg);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return (IOReturn)*ioreturn;
	if (*ioreturn != IOKIT_RETURN_SUCCESS)
		return (IOReturn)*ioreturn;
	return errno_to_return(errno);
}

IOReturn iokitlib_call(unsigned long cmd, void *arg, __u32 *ioreturn)
{
	return dev_call(cmd, arg, ioreturn);
}

kern_return_t IOMainPort(mach_port_t bootstrap __maybe_unused, mach_port_t *main_port)
{
	int fd;

	if (main_port)
		*main_port = kIOMainPortDefault;
	return dev_get(&fd);
}

kern_return_t IOMasterPort(mach_port_t bootstrap __maybe_unused, mach_port_t *master_port)
{
	return IOMainPort(bootstrap, master_port);
}

/* ---- Handles ------------------------------------------------------------ */

/*
 * A handle is (generation << 24 | index + 1): never 0, and a released
 * handle stays invalid until its slot's generation comes round again.
 */
#define HANDLE_INDEX_BITS	24
#define HANDLE_INDEX_MASK	((1u << HANDLE_INDEX_BITS) - 1)
#define HASH_BUCKETS		1024

enum slot_kind { SLOT_FREE, SLOT_ENTRY, SLOT_ITERATOR, SLOT_NOTIFICATION };

struct notification;

struct slot {
	enum slot_kind kind;
	uint32_t refs;
	uint8_t gen;
	int32_t next;		/* free list, or hash chain of entries */
	uint64_t id;		/* SLOT_ENTRY */
	/* SLOT_ITERATOR: the snapshot; SLOT_NOTIFICATION: ids[pos..count) pending */
	uint64_t *ids;
	size_t count, pos;
	struct notification *notif;	/* SLOT_NOTIFICATION */
};

/*
 * A notification port: the kernel's port fd, non-blocking so a dispatch
 * can read until it is empty.  @lock makes one thread at a time read it,
 * so records are filed in the order they were posted, and keeps dispatch
 * from filing a record for a notification still being armed.
 */
struct IONotificationPort {
	int fd;
	pthread_mutex_t lock;
	uint64_t *buf;		/* read buffer, 8-byte aligned as records are */
	size_t buf_size;
	IOConnectNotificationCallback connect_callback;	/* under @lock */
	void *connect_refcon;
};

/*
 * The library's side of a matching notification, under table_lock.  The
 * kernel names it by @kernel_id and returns the slot's handle as the
 * refcon of its records; dispatch files a record only if both still
 * agree, since a released handle's number comes back.
 */
struct notification {
	IONotificationPortRef port;	/* NULL once the port is destroyed */
	uint64_t kernel_id;		/* 0 until armed */
	IOServiceMatchingCallback callback;
	void *refcon;
	size_t capacity;		/* of the slot's ids */
	bool valid;			/* false from an overflow to a reset */
	bool owed;			/* on the running dispatch's callout list */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static size_t nr_slots, slots_capacity;
static int32_t free_head = -1;
static int32_t buckets[HASH_BUCKETS] = { [0 ... HASH_BUCKETS - 1] = -1 };

static unsigned int hash_id(uint64_t id)
{
	return (unsigned int)((id * 0x9e3779b97f4a7c15ull) >> 54) % HASH_BUCKETS;
}

static io_object_t slot_handle(int32_t index)
{
	return (io_object_t)slots[index].gen << HANDLE_INDEX_BITS | (uint32_t)(index + 1);
}

/* Called with table_lock held. */
static struct slot *slot_lookup(io_object_t handle)
{
	uint32_t index = (handle & HANDLE_INDEX_MASK) - 1;
	struct slot *s;

	if (!handle || index >= nr_slots)
		return NULL;
	s = &slots[index];
	if (s->kind == SLOT_FREE || s->gen != handle >> HANDLE_INDEX_BITS)
		return NULL;
	return s;
}

/* Called with table_lock held; returns a free slot's index or -1. */
static int32_t slot_alloc(enum slot_kind kind)
{
	int32_t index;

	if (free_head >= 0) {
		index = free_head;
		free_head = slots[index].next;
	} else {
		if (nr_slots == HANDLE_INDEX_MASK)
			return -1;
		if (nr_slots == slots_capacity) {
			size_t cap = slots_capacity ? slots_capacity * 2 : 64;
			struct slot *s = realloc(slots, cap * sizeof(*s));

			if (!s)
				return -1;
			slots = s;
			slots_capacity = cap;
		}
		index = nr_slots++;
		slots[index].gen = 1;
	}
	slots[index].kind = kind;
	slots[index].refs = 1;
	slots[index].next = -1;
	slots[index].ids = NULL;
	slots[index].count = 0;
	slots[index].pos = 0;
	slots[index].notif = NULL;
	return index;
}

/* Called with table_lock held: the handle for @id, one more reference. */
static io_object_t entry_handle_locked(uint64_t id)
{
	unsigned int b = hash_id(id);
	int32_t i;

	for (i = buckets[b]; i >= 0; i = slots[i].next) {
		if (slots[i].id == id) {
			slots[i].refs++;
			return slot_handle(i);
		}
	}
	i = slot_alloc(SLOT_ENTRY);
	if (i < 0)
		return IO_OBJECT_NULL;
	slots[i].id = id;
	slots[i].next = buckets[b];
	buckets[b] = i;
	return slot_handle(i);
}

static io_object_t entry_handle(uint64_t id)
{
	io_object_t h;

	pthread_mutex_lock(&table_lock);
	h = entry_handle_locked(id);
	pthread_mutex_unlock(&table_lock);
	return h;
}

/* Make an iterator over @ids, which it takes over (also on failure). */
static io_iterator_t iterator_handle(uint64_t *ids, size_t count)
{
	io_iterator_t h = IO_OBJECT_NULL;
	int32_t i;

	pthread_mutex_lock(&table_lock);
	i = slot_alloc(SLOT_ITERATOR);
	if (i >= 0) {
		slots[i].ids = ids;
		slots[i].count = count;
		h = slot_handle(i);
	}
	pthread_mutex_unlock(&table_lock);
	if (!h)
		free(ids);
	return h;
}

/* The entry ID behind a handle. */
static IOReturn handle_id(io_object_t handle, __u64 *id)
{
	IOReturn ret = kIOReturnBadArgument;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(handle);
	if (s && s->kind == SLOT_ENTRY) {
		*id = s->id;
		ret = kIOReturnSuccess;
	}
	pthread_mutex_unlock(&table_lock);
	return ret;
}

IOReturn iokitlib_handle_id(io_object_t handle, __u64 *id)
{
	return handle_id(handle, id);
}

io_object_t iokitlib_entry_handle(uint64_t id)
{
	return entry_handle(id);
}

/* The kind of object behind a handle; SLOT_FREE for an invalid one. */
static enum slot_kind handle_kind(io_object_t handle)
{
	enum slot_kind kind = SLOT_FREE;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(handle);
	if (s)
		kind = s->kind;
	pthread_mutex_unlock(&table_lock);
	return kind;
}

kern_return_t IOObjectRetain(io_object_t object)
{
	IOReturn ret = kIOReturnBadArgument;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(object);
	if (s) {
		s->refs++;
		ret = kIOReturnSuccess;
	}
	pthread_mutex_unlock(&table_lock);
	return ret;
}

/* Called with table_lock held, when the last reference is gone. */
static void slot_free(int32_t index)
{
	struct slot *s = &slots[index];

	if (s->kind == SLOT_ENTRY) {
		int32_t *link = &buckets[hash_id(s->id)];

		while (*link != index)
			link = &slots[*link].next;
		*link = s->next;
	}
	free(s->ids);
	s->ids = NULL;
	free(s->notif);
	s->notif = NULL;
	s->kind = SLOT_FREE;
	s->gen++;
	s->next = free_head;
	free_head = index;
}

kern_return_t IOObjectRelease(io_object_t object)
{
	struct iokit_notification rm = {
		.size = sizeof(rm),
		.op = IOKIT_NOTIFICATION_REMOVE,
	};
	IOReturn ret = kIOReturnBadArgument;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(object);
	if (s) {
		if (!--s->refs) {
			if (s->kind == SLOT_NOTIFICATION && s->notif->port) {
				rm.port_fd = s->notif->port->fd;
				rm.notification_id = s->notif->kernel_id;
			}
			slot_free(s - slots);
		}
		ret = kIOReturnSuccess;
	}
	pthread_mutex_unlock(&table_lock);
	/* Not a handle of the table: a connection's descriptor may be. */
	if (!s)
		return IOConnectRelease(object);
	/*
	 * Disarm outside the table lock, so no thread waits on a system call
	 * for a handle.  If the port is destroyed meanwhile, closing it has
	 * disarmed the notification already and this finds nothing: kernel
	 * notification IDs are never reused, even if the fd number is.
	 * Records already queued for it are dropped by dispatch.
	 */
	if (rm.notification_id)
		dev_call(IOKIT_IOC_NOTIFICATION, &rm, &rm.ioreturn);
	return ret;
}

boolean_t IOObjectIsEqualTo(io_object_t object, io_object_t an_object)
{
	__u64 a, b;

	if (object == an_object)
		return object != IO_OBJECT_NULL;
	/* Distinct handles are never one entry; still, ask the IDs. */
	return handle_id(object, &a) == kIOReturnSuccess &&
	       handle_id(an_object, &b) == kIOReturnSuccess && a == b;
}

/* ---- Iterators ---------------------------------------------------------- */

/*
 * A snapshot iterator replays its IDs; a notification's iterator hands
 * out each pending service once, so what it returned is gone from it.
 */
io_object_t IOIteratorNext(io_iterator_t iterator)
{
	io_object_t h = IO_OBJECT_NULL;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(iterator);
	if (s && (s->kind == SLOT_ITERATOR || s->kind == SLOT_NOTIFICATION) &&
	    s->pos < s->count) {
		uint64_t id = s->ids[s->pos++];

		/* entry_handle_locked() may move the table: don't use s after. */
		h = entry_handle_locked(id);
	}
	pthread_mutex_unlock(&table_lock);
	return h;
}

/*
 * A notification's iterator is reset only out of the invalid state an
 * overflow left it in: what is pending then is an incomplete account, so
 * it goes, and the caller re-reads the registry.  Resetting a valid one
 * changes nothing, as on macOS, where only a collection's iterator can
 * be replayed.
 */
void IOIteratorReset(io_iterator_t iterator)
{
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(iterator);
	if (s && s->kind == SLOT_ITERATOR) {
		s->pos = 0;
	} else if (s && s->kind == SLOT_NOTIFICATION && !s->notif->valid) {
		s->pos = 0;
		s->count = 0;
		s->notif->valid = true;
	}
	pthread_mutex_unlock(&table_lock);
}

boolean_t IOIteratorIsValid(io_iterator_t iterator)
{
	boolean_t valid;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = slot_lookup(iterator);
	valid = s && (s->kind == SLOT_ITERATOR ||
		      (s->kind == SLOT_NOTIFICATION && s->notif->valid));
	pthread_mutex_unlock(&table_lock);
	return valid;
}

/* ---- Entry queries ------------------------------------------------------ */

/* Copy a plane name into an ioctl field; NULL means the default. */
static IOReturn set_plane(char dst[IOKIT_NAME_MAX], const char *plane)
{
	size_t len = plane ? strnlen(plane, IOKIT_NAME_MAX) : 0;

	if (len == IOKIT_NAME_MAX)
		return kIOReturnBadArgument;
	memcpy(dst, plane ? plane : "", len);
	dst[len] = '\0';
	return kIOReturnSuccess;
}

/* Copy a kernel string field out, never trusting its NUL. */
static void get_name(io_name_t dst, const char src[IOKIT_NAME_MAX])
{
	size_t len = strnlen(src, IOKIT_NAME_MAX - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/*
 * IOKIT_IOC_ENTRY_INFO for a handle.  @conforms_to may be NULL; a path
 * is fetched when @path is given.
 */
static IOReturn entry_info(io_object_t entry, const char *plane, const char *conforms_to,
			   struct iokit_entry_info *info, char *path, size_t path_size)
{
	IOReturn ret;

	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	ret = handle_id(entry, &info->entry_id);
	if (ret)
		return ret;
	ret = set_plane(info->plane, plane);
	if (ret)
		return ret;
	if (conforms_to) {
		ret = set_plane(info->conforms_to, conforms_to);
		if (ret)
			return ret;
	}
	if (path) {
		info->path = (uintptr_t)path;
		info->path_size = path_size;
	}
	ret = dev_call(IOKIT_IOC_ENTRY_INFO, info, &info->ioreturn);
	/*
	 * The kernel always works the path out, and fails the call when it
	 * cannot (entry not in the plane, path over IOKIT_PATH_MAX) after
	 * filling in everything else.  Only a path request fails for that.
	 */
	if (!path && (ret == kIOReturnNotAttached || ret == kIOReturnMessageTooLarge))
		ret = kIOReturnSuccess;
	return ret;
}

/*
 * Iterators and notifications are user-side objects here: answer for
 * them without asking, with the class chains they have in macOS's kernel.
 */
static const char *const *user_class_chain(io_object_t object)
{
	static const char *const iterator[] = {
		"IOUserIterator", "OSIterator", "OSObject", NULL,
	};
	static const char *const notification[] = {
		"IOServiceUserNotification", "IOUserNotification", "IOUserIterator",
		"OSIterator", "OSObject", NULL,
	};

	switch (handle_kind(object)) {
	case SLOT_ITERATOR:
		return iterator;
	case SLOT_NOTIFICATION:
		return notification;
	default:
		return NULL;
	}
}

kern_return_t IOObjectGetClass(io_object_t object, io_name_t class_name)
{
	const char *const *chain = user_class_chain(object);
	struct iokit_entry_info info;
	IOReturn ret;

	if (chain) {
		snprintf(class_name, sizeof(io_name_t), "%s", chain[0]);
		return kIOReturnSuccess;
	}
	ret = entry_info(object, NULL, NULL, &info, NULL, 0);
	if (ret == kIOReturnSuccess)
		get_name(class_name, info.class_name);
	return ret;
}

CFStringRef IOObjectCopyClass(io_object_t object)
{
	io_name_t name;

	if (IOObjectGetClass(object, name) != kIOReturnSuccess)
		return NULL;
	return IOCFStringCreate(name);
}

boolean_t IOObjectConformsTo(io_object_t object, const char *class_name)
{
	const char *const *chain = user_class_chain(object);
	struct iokit_entry_info info;

	if (!class_name || !*class_name)
		return FALSE;
	if (chain) {
		for (; *chain; chain++)
			if (!strcmp(class_name, *chain))
				return TRUE;
		return FALSE;
	}
	if (entry_info(object, NULL, class_name, &info, NULL, 0) != kIOReturnSuccess)
		return FALSE;
	return info.conforms != 0;
}

kern_return_t IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t *entry_id)
{
	__u64 id;
	IOReturn ret;

	if (!entry_id)
		return kIOReturnBadArgument;
	ret = handle_id(entry, &id);
	if (ret == kIOReturnSuccess)
		*entry_id = id;
	return ret;
}

kern_return_t IORegistryEntryGetNameInPlane(io_registry_entry_t entry, const char *plane,
					    io_name_t name)
{
	struct iokit_entry_info info;
	IOReturn ret;

	ret = entry_info(entry, plane, NULL, &info, NULL, 0);
	if (ret == kIOReturnSuccess)
		get_name(name, info.name);
	return ret;
}

kern_return_t IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name)
{
	return IORegistryEntryGetNameInPlane(entry, NULL, name);
}

kern_return_t IORegistryEntryGetLocationInPlane(io_registry_entry_t entry, const char *plane,
						io_name_t location)
{
	struct iokit_entry_info info;
	IOReturn ret;

	ret = entry_info(entry, plane, NULL, &info, NULL, 0);
	if (ret != kIOReturnSuccess)
		return ret;
	if (!info.location[0])
		return kIOReturnNotFound;
	get_name(location, info.location);
	return kIOReturnSuccess;
}

kern_return_t IOServiceGetBusyState(io_service_t service, uint32_t *busy_state)
{
	struct iokit_entry_info info;
	IOReturn ret;

	if (!busy_state)
		return kIOReturnBadArgument;
	ret = entry_info(service, NULL, NULL, &info, NULL, 0);
	if (ret == kIOReturnSuccess)
		*busy_state = info.busy;
	return ret;
}

/* The path in a malloc()ed buffer, retried for as long as it grows. */
static IOReturn copy_path(io_registry_entry_t entry, const char *plane, char **path_out)
{
	size_t size = sizeof(io_string_t);
	struct iokit_entry_info info;
	IOReturn ret;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		char *path = malloc(size);

		if (!path)
			return kIOReturnNoMemory;
		ret = entry_info(entry, plane, NULL, &info, path, size);
		if (ret == kIOReturnSuccess && info.path_len < size) {
			path[info.path_len] = '\0';
			*path_out = path;
			return ret;
		}
		free(path);
		if (ret == kIOReturnSuccess || ret == kIOReturnNoSpace)
			size = (size_t)info.path_len + 1 > size ?
			       (size_t)info.path_len + 1 : size * 2;
		else
			return ret;
	}
	return kIOReturnNoSpace;
}

kern_return_t IORegistryEntryGetPath(io_registry_entry_t entry, const char *plane,
				     io_string_t path)
{
	struct iokit_entry_info info;
	char buf[sizeof(io_string_t)];
	IOReturn ret;

	if (!path)
		return kIOReturnBadArgument;
	ret = entry_info(entry, plane, NULL, &info, buf, sizeof(buf));
	if (ret != kIOReturnSuccess)
		return ret;
	if (info.path_len >= sizeof(buf))
		return kIOReturnNoSpace;
	memcpy(path, buf, info.path_len);
	path[info.path_len] = '\0';
	return kIOReturnSuccess;
}

CFStringRef IORegistryEntryCopyPath(io_registry_entry_t entry, const char *plane)
{
	CFStringRef str;
	char *path;

	if (copy_path(entry, plane, &path) != kIOReturnSuccess)
		return NULL;
	str = IOCFStringCreate(path);
	free(path);
	return str;
}

/* ---- Lookup and relatives ----------------------------------------------- */

static io_registry_entry_t lookup(uint32_t how, const char *path, size_t len)
{
	struct iokit_registry_lookup lk = {
		.size = sizeof(lk),
		.how = how,
		.path = (uintptr_t)path,
		.path_len = len,
	};

	if (dev_call(IOKIT_IOC_REGISTRY_LOOKUP, &lk, &lk.ioreturn) != kIOReturnSuccess)
		return IO_OBJECT_NULL;
	return entry_handle(lk.entry_id);
}

io_registry_entry_t IORegistryGetRootEntry(mach_port_t main_port __maybe_unused)
{
	return lookup(IOKIT_LOOKUP_ROOT, NULL, 0);
}

io_registry_entry_t IORegistryEntryFromPath(mach_port_t main_port __maybe_unused,
					    const char *path)
{
	size_t len = path ? strnlen(path, sizeof(io_string_t)) : sizeof(io_string_t);

	if (len == sizeof(io_string_t))
		return IO_OBJECT_NULL;
	return lookup(IOKIT_LOOKUP_PATH, path, len);
}

io_registry_entry_t IORegistryEntryCopyFromPath(mach_port_t main_port __maybe_unused,
						CFStringRef path)
{
	const char *text = IOCFStringGetCStringPtr(path);
	size_t len = IOCFStringGetLength(path);

	if (!text || len > IOKIT_PATH_MAX)
		return IO_OBJECT_NULL;
	return lookup(IOKIT_LOOKUP_PATH, text, len);
}

/*
 * Children or parents as a malloc()ed array.  The kernel says how many
 * there are when the array is short; they may grow between calls, so
 * keep asking, a bounded number of times.
 */
static IOReturn relatives(io_registry_entry_t entry, const char *plane, uint32_t which,
			  uint64_t **ids_out, size_t *count_out)
{
	struct iokit_entry_relatives r;
	uint32_t capacity = 16;
	uint64_t *ids = NULL;
	IOReturn ret;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		uint64_t *grown = realloc(ids, capacity * sizeof(*ids));

		if (!grown) {
			free(ids);
			return kIOReturnNoMemory;
		}
		ids = grown;
		memset(&r, 0, sizeof(r));
		r.size = sizeof(r);
		r.which = which;
		r.count = capacity;
		r.ids = (uintptr_t)ids;
		ret = handle_id(entry, &r.entry_id);
		if (ret == kIOReturnSuccess)
			ret = set_plane(r.plane, plane);
		if (ret == kIOReturnSuccess)
			ret = dev_call(IOKIT_IOC_ENTRY_RELATIVES, &r, &r.ioreturn);
		if (ret == kIOReturnSuccess && r.count <= capacity) {
			*ids_out = ids;
			*count_out = r.count;
			return ret;
		}
		if (ret != kIOReturnSuccess && ret != kIOReturnNoSpace)
			break;
		capacity = r.count > capacity ? r.count : capacity * 2;
	}
	free(ids);
	return ret == kIOReturnSuccess ? kIOReturnNoSpace : ret;
}

static kern_return_t relatives_iterator(io_registry_entry_t entry, const char *plane,
					uint32_t which, io_iterator_t *iterator)
{
	uint64_t *ids;
	size_t count;
	IOReturn ret;

	if (!iterator)
		return kIOReturnBadArgument;
	*iterator = IO_OBJECT_NULL;
	ret = relatives(entry, plane, which, &ids, &count);
	if (ret != kIOReturnSuccess)
		return ret;
	*iterator = iterator_handle(ids, count);
	return *iterator ? kIOReturnSuccess : kIOReturnNoMemory;
}

kern_return_t IORegistryEntryGetChildIterator(io_registry_entry_t entry, const char *plane,
					      io_iterator_t *iterator)
{
	return relatives_iterator(entry, plane, IOKIT_RELATIVES_CHILDREN, iterator);
}

kern_return_t IORegistryEntryGetParentIterator(io_registry_entry_t entry, const char *plane,
					       io_iterator_t *iterator)
{
	return relatives_iterator(entry, plane, IOKIT_RELATIVES_PARENTS, iterator);
}

static kern_return_t first_relative(io_registry_entry_t entry, const char *plane,
				    uint32_t which, io_registry_entry_t *out)
{
	uint64_t *ids;
	size_t count;
	IOReturn ret;

	if (!out)
		return kIOReturnBadArgument;
	*out = IO_OBJECT_NULL;
	ret = relatives(entry, plane, which, &ids, &count);
	if (ret != kIOReturnSuccess)
		return ret;
	if (count) {
		*out = entry_handle(ids[0]);
		ret = *out ? kIOReturnSuccess : kIOReturnNoMemory;
	} else {
		ret = kIOReturnNoDevice;
	}
	free(ids);
	return ret;
}

kern_return_t IORegistryEntryGetChildEntry(io_registry_entry_t entry, const char *plane,
					   io_registry_entry_t *child)
{
	return first_relative(entry, plane, IOKIT_RELATIVES_CHILDREN, child);
}

kern_return_t IORegistryEntryGetParentEntry(io_registry_entry_t entry, const char *plane,
					    io_registry_entry_t *parent)
{
	return first_relative(entry, plane, IOKIT_RELATIVES_PARENTS, parent);
}

boolean_t IORegistryEntryInPlane(io_registry_entry_t entry, const char *plane)
{
	uint64_t *ids;
	__u64 id;
	size_t count;

	if (!plane || handle_id(entry, &id) != kIOReturnSuccess)
		return FALSE;
	if (relatives(entry, plane, IOKIT_RELATIVES_PARENTS, &ids, &count) != kIOReturnSuccess)
		return FALSE;
	free(ids);
	return count > 0 || id == IOKIT_REGISTRY_ROOT_ID;
}

/* ---- Properties --------------------------------------------------------- */

/* Why IOCFSerialize() failed, as Apple's IOKitLib would put it. */
static IOReturn serialize_error(int err)
{
	switch (err) {
	case ENOMEM:
		return kIOReturnNoMemory;
	case E2BIG:
		return kIOReturnMessageTooLarge;
	default:
		return kIOReturnBadArgument;
	}
}

/*
 * Run a property command whose answer is an IOKS stream at @p->data,
 * growing the buffer to the size the kernel asks for.  On success the
 * stream is unserialized into *@out.
 */
static IOReturn property_call(unsigned long cmd, struct iokit_property_data *p, IOCFTypeRef *out)
{
	size_t size = 4096;
	void *buf = NULL;
	IOReturn ret;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		void *grown = realloc(buf, size);

		if (!grown) {
			free(buf);
			return kIOReturnNoMemory;
		}
		buf = grown;
		p->size = sizeof(*p);
		p->data = (uintptr_t)buf;
		p->data_size = size;
		ret = dev_call(cmd, p, &p->ioreturn);
		if (ret == kIOReturnSuccess && p->data_size <= size) {
			*out = IOCFUnserialize(buf, p->data_size, NULL);
			free(buf);
			/* The kernel's stream not parsing is the kernel's fault. */
			return *out ? kIOReturnSuccess :
			       errno == ENOMEM ? kIOReturnNoMemory : kIOReturnInternalError;
		}
		if (ret != kIOReturnSuccess && ret != kIOReturnNoSpace)
			break;
		size = p->data_size > size ? p->data_size : size * 2;
	}
	free(buf);
	return ret == kIOReturnSuccess ? kIOReturnNoSpace : ret;
}

kern_return_t IORegistryEntryCreateCFProperties(io_registry_entry_t entry,
						CFMutableDictionaryRef *properties,
						CFAllocatorRef allocator __maybe_unused,
						IOOptionBits options __maybe_unused)
{
	struct iokit_property_data p;
	IOCFTypeRef dict;
	IOReturn ret;

	if (!properties)
		return kIOReturnBadArgument;
	*properties = NULL;
	memset(&p, 0, sizeof(p));
	ret = handle_id(entry, &p.entry_id);
	if (ret)
		return ret;
	ret = property_call(IOKIT_IOC_COPY_PROPERTIES, &p, &dict);
	if (ret)
		return ret;
	if (IOCFGetTypeID(dict) != kIOCFDictionaryTypeID) {
		IOCFRelease(dict);
		return kIOReturnInternalError;
	}
	*properties = (CFMutableDictionaryRef)dict;
	return kIOReturnSuccess;
}

static CFTypeRef search_property(io_registry_entry_t entry, const char *plane, CFStringRef key,
				 IOOptionBits options)
{
	const char *name = IOCFStringGetCStringPtr(key);
	struct iokit_property_data p;
	IOCFTypeRef value;

	if (!name || !*name || strlen(name) >= sizeof(p.key))
		return NULL;
	memset(&p, 0, sizeof(p));
	if (handle_id(entry, &p.entry_id) || set_plane(p.plane, plane))
		return NULL;
	memcpy(p.key, name, strlen(name) + 1);
	p.options = options;
	if (property_call(IOKIT_IOC_SEARCH_PROPERTY, &p, &value))
		return NULL;
	return value;
}

CFTypeRef IORegistryEntryCreateCFProperty(io_registry_entry_t entry, CFStringRef key,
					  CFAllocatorRef allocator __maybe_unused,
					  IOOptionBits options __maybe_unused)
{
	return search_property(entry, NULL, key, 0);
}

CFTypeRef IORegistryEntrySearchCFProperty(io_registry_entry_t entry, const char *plane,
					  CFStringRef key, CFAllocatorRef allocator __maybe_unused,
					  IOOptionBits options)
{
	return search_property(entry, plane, key, options);
}

kern_return_t IORegistryEntrySetCFProperties(io_registry_entry_t entry, CFTypeRef properties)
{
	struct iokit_property_data p;
	size_t len;
	void *buf;
	IOReturn ret;

	if (IOCFGetTypeID(properties) != kIOCFDictionaryTypeID)
		return kIOReturnBadArgument;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	ret = handle_id(entry, &p.entry_id);
	if (ret)
		return ret;
	buf = IOCFSerialize(properties, &len);
	if (!buf)
		return serialize_error(errno);
	p.data = (uintptr_t)buf;
	p.data_size = len;
	ret = dev_call(IOKIT_IOC_SET_PROPERTIES, &p, &p.ioreturn);
	free(buf);
	return ret;
}

kern_return_t IORegistryEntrySetCFProperty(io_registry_entry_t entry, CFStringRef key,
					   CFTypeRef value)
{
	const char *name = IOCFStringGetCStringPtr(key);
	CFMutableDictionaryRef dict;
	IOReturn ret;

	if (!name || !value)
		return kIOReturnBadArgument;
	dict = IOCFDictionaryCreate();
	if (!dict)
		return kIOReturnNoMemory;
	if (IOCFDictionarySetValue(dict, name, value))
		ret = errno == ENOMEM ? kIOReturnNoMemory : kIOReturnBadArgument;
	else
		ret = IORegistryEntrySetCFProperties(entry, dict);
	IOCFRelease(dict);
	return ret;
}

/* ---- Matching ----------------------------------------------------------- */

/* IOServiceGetMatchingServices() without consuming @matching. */
static IOReturn get_matching(CFDictionaryRef matching, uint64_t **ids_out, size_t *count_out)
{
	struct iokit_matching m;
	uint32_t capacity = 64;
	uint64_t *ids = NULL;
	IOReturn ret = kIOReturnNoSpace;
	size_t len;
	void *buf;
	int tries;

	if (IOCFGetTypeID(matching) != kIOCFDictionaryTypeID)
		return kIOReturnBadArgument;
	buf = IOCFSerialize(matching, &len);
	if (!buf)
		return serialize_error(errno);

	for (tries = 0; tries < 8; tries++) {
		uint64_t *grown = realloc(ids, capacity * sizeof(*ids));

		if (!grown) {
			ret = kIOReturnNoMemory;
			break;
		}
		ids = grown;
		memset(&m, 0, sizeof(m));
		m.size = sizeof(m);
		m.data = (uintptr_t)buf;
		m.data_size = len;
		m.ids = (uintptr_t)ids;
		m.count = capacity;
		ret = dev_call(IOKIT_IOC_GET_MATCHING, &m, &m.ioreturn);
		if (ret == kIOReturnSuccess && m.count <= capacity) {
			free(buf);
			*ids_out = ids;
			*count_out = m.count;
			return ret;
		}
		if (ret != kIOReturnSuccess && ret != kIOReturnNoSpace)
			break;
		ret = kIOReturnNoSpace;
		capacity = m.count > capacity ? m.count : capacity * 2;
	}
	free(buf);
	free(ids);
	return ret;
}

kern_return_t IOServiceGetMatchingServices(mach_port_t main_port __maybe_unused,
					   CFDictionaryRef matching, io_iterator_t *existing)
{
	uint64_t *ids;
	size_t count;
	IOReturn ret;

	if (!existing) {
		IOCFRelease(matching);
		return kIOReturnBadArgument;
	}
	*existing = IO_OBJECT_NULL;
	ret = get_matching(matching, &ids, &count);
	IOCFRelease(matching);
	if (ret != kIOReturnSuccess)
		return ret;
	*existing = iterator_handle(ids, count);
	return *existing ? kIOReturnSuccess : kIOReturnNoMemory;
}

io_service_t IOServiceGetMatchingService(mach_port_t main_port __maybe_unused,
					 CFDictionaryRef matching)
{
	io_service_t service = IO_OBJECT_NULL;
	uint64_t *ids;
	size_t count;

	if (get_matching(matching, &ids, &count) == kIOReturnSuccess) {
		if (count)
			service = entry_handle(ids[0]);
		free(ids);
	}
	IOCFRelease(matching);
	return service;
}

static CFMutableDictionaryRef matching_dict(const char *key, CFTypeRef value)
{
	CFMutableDictionaryRef dict;

	if (!value)
		return NULL;
	dict = IOCFDictionaryCreate();
	if (dict && IOCFDictionarySetValue(dict, key, value)) {
		IOCFRelease(dict);
		dict = NULL;
	}
	IOCFRelease(value);
	return dict;
}

CFMutableDictionaryRef IOServiceMatching(const char *name)
{
	return name ? matching_dict(kIOProviderClassKey, IOCFStringCreate(name)) : NULL;
}

CFMutableDictionaryRef IOServiceNameMatching(const char *name)
{
	return name ? matching_dict(kIONameMatchKey, IOCFStringCreate(name)) : NULL;
}

CFMutableDictionaryRef IORegistryEntryIDMatching(uint64_t entry_id)
{
	return matching_dict(kIORegistryEntryIDKey, IOCFNumberCreate((int64_t)entry_id, 64));
}

/* ---- Notifications ------------------------------------------------------ */

_Static_assert(sizeof(struct iokit_event) % sizeof(uint64_t) == 0,
	       "records are not 8-byte multiples");

/*
 * Read buffer: room for a full default queue at first, grown for records
 * of later types that do not fit (read() then fails with EINVAL).
 */
#define PORT_BUF_SIZE		(IOKIT_PORT_QUEUE_DEFAULT * sizeof(struct iokit_event))
#define PORT_BUF_SIZE_MAX	(1024u * 1024)

/*
 * Most services one notification keeps pending.  Past that, an
 * application that dispatches but never drains would grow without bound;
 * the notification is treated as if the kernel's queue had overflowed.
 */
#define PENDING_MAX		65536u

IONotificationPortRef IONotificationPortCreate(mach_port_t main_port __maybe_unused)
{
	struct iokit_port_create pc = {
		.size = sizeof(pc),
		.flags = IOKIT_PORT_NONBLOCK,
	};
	IONotificationPortRef port = calloc(1, sizeof(*port));

	if (!port)
		return NULL;
	port->buf_size = PORT_BUF_SIZE;
	port->buf = malloc(port->buf_size);
	if (!port->buf || dev_call(IOKIT_IOC_PORT_CREATE, &pc, &pc.ioreturn)) {
		free(port->buf);
		free(port);
		return NULL;
	}
	port->fd = pc.fd;
	pthread_mutex_init(&port->lock, NULL);
	return port;
}

/*
 * Closing the fd makes the kernel disarm every notification of the port
 * and drop its queue.  The iterators stay valid handles, with whatever
 * was pending, and receive nothing more; releasing them later has no
 * kernel notification to remove.
 */
void IONotificationPortDestroy(IONotificationPortRef port)
{
	size_t i;

	if (!port)
		return;
	pthread_mutex_lock(&table_lock);
	for (i = 0; i < nr_slots; i++)
		if (slots[i].kind == SLOT_NOTIFICATION && slots[i].notif->port == port)
			slots[i].notif->port = NULL;
	pthread_mutex_unlock(&table_lock);
	close(port->fd);
	pthread_mutex_destroy(&port->lock);
	free(port->buf);
	free(port);
}

int IONotificationPortGetFileDescriptor(IONotificationPortRef port)
{
	return port ? port->fd : -1;
}

mach_port_t IONotificationPortGetMachPort(IONotificationPortRef port)
{
	return port ? (mach_port_t)port->fd : MACH_PORT_NULL;
}

void IONotificationPortSetConnectCallback(IONotificationPortRef port,
					  IOConnectNotificationCallback callback, void *refcon)
{
	if (!port)
		return;
	pthread_mutex_lock(&port->lock);
	port->connect_callback = callback;
	port->connect_refcon = refcon;
	pthread_mutex_unlock(&port->lock);
}

/* A callback owed at the end of a dispatch, with a reference on @iterator. */
struct callout {
	io_iterator_t iterator;
	IOServiceMatchingCallback callback;
	void *refcon;
};

/*
 * A record owed its callback: an async completion, or a user client's
 * own notification with the port's callback as it was when it was read.
 */
struct owed_record {
	union {
		struct iokit_event event;
		struct iokit_async_completion async;
		struct iokit_client_notification client;
	} rec;
	IOConnectNotificationCallback callback;
	void *refcon;
};

struct callouts {
	struct callout *v;
	size_t count, capacity;
	struct owed_record *async;	/* completions and notifications, in order */
	size_t async_count, async_capacity;
};

/*
 * Room for every record owed a callback that one more read of @len bytes
 * can bring, made before the read: a record read is gone from the kernel,
 * so it must not be dropped for want of memory afterwards.  The shortest
 * such record is a client notification.
 */
static bool callouts_reserve_async(struct callouts *c, size_t len)
{
	size_t need = c->async_count + len / sizeof(struct iokit_client_notification);
	struct owed_record *v;

	if (need <= c->async_capacity)
		return true;
	v = realloc(c->async, need * sizeof(*v));
	if (!v)
		return false;
	c->async = v;
	c->async_capacity = need;
	return true;
}

/*
 * Owe a record's callback: @size bytes of it, the part we know (a longer
 * record's head).  Called with the port's lock held.
 */
static void callout_add_record(struct callouts *c, IONotificationPortRef port,
			       const struct iokit_event *ev, size_t size)
{
	struct owed_record *o;

	if (ev->size < size || c->async_count == c->async_capacity)
		return;
	o = &c->async[c->async_count++];
	memset(o, 0, sizeof(*o));
	memcpy(&o->rec, ev, size);
	if (ev->type == IOKIT_EVENT_CLIENT) {
		o->callback = port->connect_callback;
		o->refcon = port->connect_refcon;
	}
}

/* The port's IONotificationPortSetConnectCallback(), for a client's notification. */
static void callout_client(const struct owed_record *o)
{
	const struct iokit_client_notification *rec = &o->rec.client;
	uint64_t args[IOKIT_ASYNC_ARGS_MAX];
	uint32_t i, n = rec->event.count;

	if (!o->callback)
		return;
	if (n > IOKIT_ASYNC_ARGS_MAX)
		n = IOKIT_ASYNC_ARGS_MAX;
	for (i = 0; i < n; i++)
		args[i] = rec->args[i];
	o->callback(o->refcon, (uint32_t)rec->event.entry_id, (uintptr_t)rec->event.refcon,
		    (IOReturn)rec->event.ioreturn, args, n);
}

/* IOKitLib's callout: reference[1](reference[2], result, args, n). */
static void callout_async(const struct iokit_async_completion *rec)
{
	uintptr_t fn = rec->reference[kIOAsyncCalloutFuncIndex];
	IOAsyncCallback callback = (IOAsyncCallback)fn;
	void *args[IOKIT_ASYNC_ARGS_MAX];
	uint32_t i, n = rec->event.count;

	if (!callback)
		return;
	if (n > IOKIT_ASYNC_ARGS_MAX)
		n = IOKIT_ASYNC_ARGS_MAX;
	for (i = 0; i < n; i++)
		args[i] = (void *)(uintptr_t)rec->args[i];
	callback((void *)(uintptr_t)rec->reference[kIOAsyncCalloutRefconIndex],
		 (IOReturn)rec->event.ioreturn, args, n);
}

/*
 * Called with table_lock held: owe @s's callback, once per dispatch.  The
 * reference taken keeps the handle until the callback has run, whatever
 * other threads or earlier callbacks release.  Without memory for the
 * list the call is skipped; the services stay pending for the next one.
 */
static void callout_add(struct callouts *c, struct slot *s)
{
	struct notification *n = s->notif;

	if (n->owed || !n->callback)
		return;
	if (c->count == c->capacity) {
		size_t cap = c->capacity ? c->capacity * 2 : 8;
		struct callout *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return;
		c->v = v;
		c->capacity = cap;
	}
	c->v[c->count].iterator = slot_handle(s - slots);
	c->v[c->count].callback = n->callback;
	c->v[c->count].refcon = n->refcon;
	c->count++;
	s->refs++;
	n->owed = true;
}

/* Called with table_lock held: queue @id on notification slot @s. */
static bool pending_add(struct slot *s, uint64_t id)
{
	struct notification *n = s->notif;

	if (s->pos == s->count) {
		s->pos = 0;
		s->count = 0;
	}
	if (s->count == n->capacity && s->pos) {
		memmove(s->ids, s->ids + s->pos, (s->count - s->pos) * sizeof(*s->ids));
		s->count -= s->pos;
		s->pos = 0;
	}
	if (s->count == n->capacity) {
		size_t cap = n->capacity ? n->capacity * 2 : 16;
		uint64_t *ids;

		if (cap > PENDING_MAX)
			return false;
		ids = realloc(s->ids, cap * sizeof(*ids));
		if (!ids)
			return false;
		s->ids = ids;
		n->capacity = cap;
	}
	s->ids[s->count++] = id;
	return true;
}

/* Called with @port->lock and table_lock held: file one record. */
static void file_record(IONotificationPortRef port, const struct iokit_event *ev,
			struct callouts *c)
{
	struct slot *s;
	size_t i;

	if (ev->type == IOKIT_EVENT_OVERFLOW) {
		/* Records of unknown notifications were lost: all must re-sync. */
		for (i = 0; i < nr_slots; i++) {
			s = &slots[i];
			if (s->kind == SLOT_NOTIFICATION && s->notif->port == port) {
				s->notif->valid = false;
				callout_add(c, s);
			}
		}
		return;
	}
	if (ev->type == IOKIT_EVENT_ASYNC) {
		callout_add_record(c, port, ev, sizeof(struct iokit_async_completion));
		return;
	}
	if (ev->type == IOKIT_EVENT_CLIENT) {
		callout_add_record(c, port, ev, sizeof(struct iokit_client_notification));
		return;
	}
	/* Later ABI versions may post other records. */
	if (ev->type < IOKIT_NOTIFY_FIRST_PUBLISH || ev->type > IOKIT_NOTIFY_TERMINATED)
		return;
	s = ev->refcon <= UINT32_MAX ? slot_lookup((io_object_t)ev->refcon) : NULL;
	/* Gone: released, its REMOVE crossing a record already queued. */
	if (!s || s->kind != SLOT_NOTIFICATION || s->notif->port != port ||
	    s->notif->kernel_id != ev->source_id)
		return;
	if (!pending_add(s, ev->entry_id))
		s->notif->valid = false;
	callout_add(c, s);
}

/*
 * Reads one dispatch makes at most: a user client that keeps its port
 * full would otherwise keep the dispatch reading, its callbacks never run
 * and the list owed them growing.  What is left waits for the next.
 */
#define PORT_DRAIN_READS_MAX	16

/*
 * Read what waits on @port, in at most PORT_DRAIN_READS_MAX reads, and file
 * it, owing callbacks in @c.
 * *@got counts the records read.  Return: kIOReturnSuccess, or the error
 * that stopped the reading.
 */
static IOReturn port_drain(IONotificationPortRef port, struct callouts *c, size_t *got)
{
	IOReturn ret = kIOReturnSuccess;
	unsigned int reads = 0;
	size_t i;

	pthread_mutex_lock(&port->lock);
	for (;;) {
		ssize_t len;
		size_t off = 0;

		if (!callouts_reserve_async(c, port->buf_size)) {
			ret = kIOReturnNoMemory;
			break;
		}
		len = read(port->fd, port->buf, port->buf_size);

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EINVAL && port->buf_size < PORT_BUF_SIZE_MAX) {
			uint64_t *buf = realloc(port->buf, port->buf_size * 2);

			if (!buf) {
				ret = kIOReturnNoMemory;
				break;
			}
			port->buf = buf;
			port->buf_size *= 2;
			continue;
		}
		if (len < 0) {
			if (errno != EAGAIN)
				ret = errno_to_return(errno);
			break;
		}
		if (!len)
			break;
		reads++;
		pthread_mutex_lock(&table_lock);
		while ((size_t)len - off >= sizeof(struct iokit_event)) {
			const struct iokit_event *ev = (const void *)((char *)port->buf + off);

			/* The kernel writes whole records; anything else ends the batch. */
			if (ev->size < sizeof(*ev) || ev->size % sizeof(uint64_t) ||
			    ev->size > (size_t)len - off)
				break;
			file_record(port, ev, c);
			off += ev->size;
			(*got)++;
		}
		pthread_mutex_unlock(&table_lock);
		if (reads == PORT_DRAIN_READS_MAX)
			break;
	}
	/* The next dispatch owes callbacks afresh; the handles are referenced. */
	pthread_mutex_lock(&table_lock);
	for (i = 0; i < c->count; i++)
		slot_lookup(c->v[i].iterator)->notif->owed = false;
	pthread_mutex_unlock(&table_lock);
	pthread_mutex_unlock(&port->lock);
	return ret;
}

/* Milliseconds left of @timeout_ms since @start, at least 0. */
static int time_left(const struct timespec *start, int timeout_ms)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - start->tv_sec) * 1000LL + (now.tv_nsec - start->tv_nsec) / 1000000;
	return ms >= timeout_ms ? 0 : timeout_ms - (int)ms;
}

kern_return_t IONotificationPortDispatch(IONotificationPortRef port, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	struct callouts c = { 0 };
	struct timespec start;
	int wait = timeout_ms < 0 ? -1 : timeout_ms;
	IOReturn ret = kIOReturnTimeout;
	size_t got = 0, i;

	if (!port)
		return kIOReturnBadArgument;
	pfd.fd = port->fd;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int rc = poll(&pfd, 1, wait);

		if (rc < 0 && errno != EINTR)
			return errno_to_return(errno);
		if (rc > 0) {
			ret = port_drain(port, &c, &got);
			/* Nothing read: another thread was first.  Wait on. */
			if (got || ret)
				break;
			ret = kIOReturnTimeout;
		}
		if (wait >= 0) {
			wait = time_left(&start, timeout_ms);
			if (!wait)
				break;
		}
	}
	/* Unlocked: callbacks call back into the library. */
	for (i = 0; i < c.count; i++) {
		c.v[i].callback(c.v[i].refcon, c.v[i].iterator);
		IOObjectRelease(c.v[i].iterator);
	}
	for (i = 0; i < c.async_count; i++) {
		if (c.async[i].rec.event.type == IOKIT_EVENT_ASYNC)
			callout_async(&c.async[i].rec.async);
		else
			callout_client(&c.async[i]);
	}
	free(c.v);
	free(c.async);
	return got ? kIOReturnSuccess : ret;
}

static uint32_t notification_type(const char *name)
{
	static const struct {
		const char *name;
		uint32_t type;
	} types[] = {
		{ kIOFirstPublishNotification, IOKIT_NOTIFY_FIRST_PUBLISH },
		{ kIOPublishNotification, IOKIT_NOTIFY_PUBLISH },
		{ kIOMatchedNotification, IOKIT_NOTIFY_MATCHED },
		{ kIOFirstMatchNotification, IOKIT_NOTIFY_FIRST_MATCH },
		{ kIOTerminatedNotification, IOKIT_NOTIFY_TERMINATED },
	};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(types); i++)
		if (!strcmp(name, types[i].name))
			return types[i].type;
	return 0;
}

/*
 * IOKIT_NOTIFICATION_ADD with @handle as the refcon, growing the array
 * for the services that already qualify as the kernel asks (nothing is
 * armed by a call that was short of room).  Called with @port->lock held.
 * On success the array, its count and capacity and the kernel's ID for
 * the notification are returned.
 */
static IOReturn notification_arm(IONotificationPortRef port, io_iterator_t handle,
				 uint32_t type, const void *dict, size_t len, uint64_t **ids_out,
				 size_t *count_out, size_t *capacity_out, uint64_t *kernel_id)
{
	struct iokit_notification n;
	uint32_t capacity = 16;
	uint64_t *ids = NULL;
	IOReturn ret = kIOReturnNoSpace;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		uint64_t *grown = realloc(ids, capacity * sizeof(*ids));

		if (!grown) {
			ret = kIOReturnNoMemory;
			break;
		}
		ids = grown;
		memset(&n, 0, sizeof(n));
		n.size = sizeof(n);
		n.op = IOKIT_NOTIFICATION_ADD;
		n.type = type;
		n.port_fd = port->fd;
		n.data = (uintptr_t)dict;
		n.data_size = len;
		n.refcon = handle;
		n.ids = (uintptr_t)ids;
		n.count = capacity;
		ret = dev_call(IOKIT_IOC_NOTIFICATION, &n, &n.ioreturn);
		if (ret == kIOReturnSuccess && n.count <= capacity) {
			*ids_out = ids;
			*count_out = n.count;
			*capacity_out = capacity;
			*kernel_id = n.notification_id;
			return ret;
		}
		if (ret != kIOReturnSuccess && ret != kIOReturnNoSpace)
			break;
		ret = kIOReturnNoSpace;
		capacity = n.count > capacity ? n.count : capacity * 2;
	}
	free(ids);
	return ret;
}

kern_return_t IOServiceAddMatchingNotification(IONotificationPortRef notify_port,
					       const char *notification_type_name,
					       CFDictionaryRef matching,
					       IOServiceMatchingCallback callback, void *ref_con,
					       io_iterator_t *notification)
{
	uint32_t type = notification_type(notification_type_name);
	size_t len, count = 0, capacity = 0;
	uint64_t *ids = NULL, kernel_id = 0;
	io_iterator_t h = IO_OBJECT_NULL;
	struct notification *n;
	struct slot *s;
	IOReturn ret;
	void *buf;
	int32_t i;

	if (notification)
		*notification = IO_OBJECT_NULL;
	if (!notify_port || !notification || !type ||
	    IOCFGetTypeID(matching) != kIOCFDictionaryTypeID) {
		IOCFRelease(matching);
		return kIOReturnBadArgument;
	}
	buf = IOCFSerialize(matching, &len);
	ret = buf ? kIOReturnSuccess : serialize_error(errno);
	IOCFRelease(matching);
	if (!buf)
		return ret;
	n = calloc(1, sizeof(*n));
	if (!n) {
		free(buf);
		return kIOReturnNoMemory;
	}
	n->port = notify_port;
	n->callback = callback;
	n->refcon = ref_con;
	n->valid = true;

	/* The handle first: the kernel returns it with every record. */
	pthread_mutex_lock(&table_lock);
	i = slot_alloc(SLOT_NOTIFICATION);
	if (i >= 0) {
		slots[i].notif = n;
		h = slot_handle(i);
	}
	pthread_mutex_unlock(&table_lock);
	if (!h) {
		free(n);
		free(buf);
		return kIOReturnNoMemory;
	}

	/*
	 * Under the port's lock no dispatch reads a record for @h before its
	 * kernel ID is known here, and the services listed now go ahead of
	 * any that are posted.
	 */
	pthread_mutex_lock(&notify_port->lock);
	ret = notification_arm(notify_port, h, type, buf, len, &ids, &count, &capacity,
			       &kernel_id);
	pthread_mutex_lock(&table_lock);
	s = slot_lookup(h);
	if (ret == kIOReturnSuccess) {
		s->ids = ids;
		s->count = count;
		s->notif->capacity = capacity;
		s->notif->kernel_id = kernel_id;
		*notification = h;
	} else {
		slot_free(s - slots);
	}
	pthread_mutex_unlock(&table_lock);
	pthread_mutex_unlock(&notify_port->lock);
	free(buf);
	return ret;
}

/* ---- Return codes ------------------------------------------------------- */

const char *mach_error_string(mach_error_t error_value)
{
	/* IOService::stringFromReturn()'s texts, and IOKitLib's for the rest. */
#define E(text)		"(iokit/common) " text
	static const char *const texts[] = {
		[0x001] = E("unanticipated driver error"),
		[0x2bc] = E("general error"),
		[0x2bd] = E("memory allocation error"),
		[0x2be] = E("resource shortage"),
		[0x2bf] = E("Mach IPC failure"),
		[0x2c0] = E("no such device"),
		[0x2c1] = E("privilege violation"),
		[0x2c2] = E("invalid argument"),
		[0x2c3] = E("device is read locked"),
		[0x2c4] = E("device is write locked"),
		[0x2c5] = E("device is exclusive access"),
		[0x2c6] = E("bad IPC message ID"),
		[0x2c7] = E("unsupported function"),
		[0x2c8] = E("virtual memory error"),
		[0x2c9] = E("internal driver error"),
		[0x2ca] = E("I/O error"),
		[0x2cc] = E("cannot acquire lock"),
		[0x2cd] = E("device is not open"),
		[0x2ce] = E("device is not readable"),
		[0x2cf] = E("device is not writeable"),
		[0x2d0] = E("alignment error"),
		[0x2d1] = E("media error"),
		[0x2d2] = E("device is still open"),
		[0x2d3] = E("rld failure"),
		[0x2d4] = E("DMA failure"),
		[0x2d5] = E("device is busy"),
		[0x2d6] = E("I/O timeout"),
		[0x2d7] = E("device is offline"),
		[0x2d8] = E("device is not ready"),
		[0x2d9] = E("device/channel is not attached"),
		[0x2da] = E("no DMA channels available"),
		[0x2db] = E("no space for data"),
		[0x2dd] = E("device port already exists"),
		[0x2de] = E("cannot wire physical memory"),
		[0x2df] = E("no interrupt attached"),
		[0x2e0] = E("no DMA frames enqueued"),
		[0x2e1] = E("message is too large"),
		[0x2e2] = E("operation is not permitted"),
		[0x2e3] = E("device is without power"),
		[0x2e4] = E("media is not present"),
		[0x2e5] = E("media is not formatted"),
		[0x2e6] = E("unsupported mode"),
		[0x2e7] = E("data underrun"),
		[0x2e8] = E("data overrun"),
		[0x2e9] = E("device error"),
		[0x2ea] = E("no completion routine"),
		[0x2eb] = E("operation was aborted"),
		[0x2ec] = E("bus bandwidth would be exceeded"),
		[0x2ed] = E("device is not responding"),
		[0x2ee] = E("isochronous I/O request for distant past"),
		[0x2ef] = E("isochronous I/O request for distant future"),
		[0x2f0] = E("not found"),
	};
#undef E
	static __thread char unknown[48];
	uint32_t v = (uint32_t)error_value, code = v & 0x3fff;

	if (v == KERN_SUCCESS)
		return "(os/kern) successful";
	if ((v & ~0x3fffu) == 0xe0000000u && code < ARRAY_SIZE(texts) &&
	    texts[code])
		return texts[code];
	snprintf(unknown, sizeof(unknown), "(unknown) 0x%x (UNDEFINED)", v);
	return unknown;
}
