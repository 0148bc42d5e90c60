/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IORegistryEntry: the objects of the I/O Registry.  Every entry has a
 * 64-bit ID that is never reused, a name and location, a property table,
 * and parents and children in each plane (the IOService plane is the
 * provider/client graph; IOPower and others are separate graphs over the
 * same entries).  Locking and lifetime: Documentation/registry.rst.
 */
#ifndef _IOKIT_IO_REGISTRY_ENTRY_H
#define _IOKIT_IO_REGISTRY_ENTRY_H

#include <linux/bitops.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include <linux/iokit.h>

#include <iokit/os_object.h>

#define IO_REGISTRY_PLANES_MAX	4

/**
 * struct io_registry_plane - a named graph over registry entries
 * @name: "IOService", "IOPower", ...
 * @index: slot of this plane in each entry's link lists
 */
struct io_registry_plane {
	const char *name;
	unsigned int index;
};

extern const struct io_registry_plane io_service_plane;
extern const struct io_registry_plane io_power_plane;
const struct io_registry_plane *io_registry_plane_find(const char *name);

struct io_registry_entry;

/**
 * struct io_registry_entry_ops - what an entry's owner decides
 * @set_properties: SetProperties() from user space: act on or store
 *	@props (which the callee may keep a reference to) and return an
 *	IOReturn.  Without it the entry refuses with kIOReturnUnsupported,
 *	as IOService does by default.
 */
struct io_registry_entry_ops {
	u32 (*set_properties)(struct io_registry_entry *entry,
			      struct os_dictionary *props);
};

/**
 * struct io_registry_entry - an I/O Registry entry
 * @obj: the object header; the class names the entry's IOKit class
 * @id: registry entry ID, assigned at init, never reused
 * @ops: the owner's hooks, or NULL
 * @lock: guards @properties, @name and @location
 * @properties: the property table
 * @name: the entry's name (IORegistryEntryGetName)
 * @location: the entry's location, "" if none
 * @parent_links: per plane, links to parents (struct io_registry_link)
 * @child_links: per plane, links to children
 * @registered: reachable by ID and from the root; guarded by the
 *	registry's topology lock
 * @removed: out of the registry for good (io_registry_entry_remove());
 *	guarded by the topology lock
 * @flags: IO_REGISTRY_ENTRY_INACTIVE, set once, atomically
 * @rcu: frees the entry after lock-free ID lookups are done with it
 */
struct io_registry_entry {
	struct os_object obj;
	u64 id;
	const struct io_registry_entry_ops *ops;
	struct mutex lock;	/* properties, name, location */
	struct os_dictionary *properties;
	char name[IOKIT_NAME_MAX];
	char location[IOKIT_NAME_MAX];
	struct list_head parent_links[IO_REGISTRY_PLANES_MAX];
	struct list_head child_links[IO_REGISTRY_PLANES_MAX];
	bool registered;
	bool removed;
	unsigned long flags;
	struct rcu_head rcu;
};

/*
 * Bit of io_registry_entry.flags: the entry is terminated or terminating.
 * It gains no children, no clients and no matching from then on; it may
 * still be in the registry while its termination runs.
 */
#define IO_REGISTRY_ENTRY_INACTIVE	0

extern const struct os_class io_registry_entry_class;

/**
 * io_registry_entry_inactive() - isInactive()
 * @entry: the entry
 *
 * Return: true once the entry is terminating or terminated.
 */
static inline bool io_registry_entry_inactive(const struct io_registry_entry *entry)
{
	return test_bit(IO_REGISTRY_ENTRY_INACTIVE, &entry->flags);
}

static inline struct io_registry_entry *
io_registry_entry_get(struct io_registry_entry *entry)
{
	os_object_get(&entry->obj);
	return entry;
}

static inline void io_registry_entry_put(struct io_registry_entry *entry)
{
	if (entry)
		os_object_put(&entry->obj);
}

int io_registry_entry_init(struct io_registry_entry *entry,
			   const struct os_class *cls, const char *name);
void io_registry_entry_fini(struct io_registry_entry *entry);
struct io_registry_entry *io_registry_entry_create(const struct os_class *cls,
						   const char *name);

struct io_registry_entry *io_registry_get_root(void);
struct io_registry_entry *io_registry_entry_from_id(u64 id);
struct io_registry_entry *io_registry_entry_from_path(const char *path);

int io_registry_entry_attach(struct io_registry_entry *child,
			     struct io_registry_entry *parent,
			     const struct io_registry_plane *plane);
void io_registry_entry_detach(struct io_registry_entry *child,
			      struct io_registry_entry *parent,
			      const struct io_registry_plane *plane);
void io_registry_entry_remove(struct io_registry_entry *entry);
bool io_registry_entry_deactivate(struct io_registry_entry *entry);

struct io_registry_entry *
io_registry_entry_get_provider(struct io_registry_entry *entry);
void io_registry_entry_visit_children(struct io_registry_entry *entry,
				      const struct io_registry_plane *plane,
				      void (*visit)(struct io_registry_entry *child,
						    unsigned int parents, void *arg),
				      void *arg);
int io_registry_entry_copy_relatives(struct io_registry_entry *entry,
				     const struct io_registry_plane *plane,
				     bool parents, u64 *ids, unsigned int capacity);
int io_registry_entry_copy_path(struct io_registry_entry *entry,
				const struct io_registry_plane *plane,
				char *buf, size_t size);

void io_registry_entry_set_name(struct io_registry_entry *entry, const char *name);
void io_registry_entry_copy_name(struct io_registry_entry *entry, char *buf);
void io_registry_entry_set_location(struct io_registry_entry *entry,
				    const char *location);
void io_registry_entry_copy_location(struct io_registry_entry *entry, char *buf);

int io_registry_entry_set_property(struct io_registry_entry *entry,
				   const char *key, struct os_object *value);
int io_registry_entry_set_string(struct io_registry_entry *entry,
				 const char *key, const char *value);
int io_registry_entry_set_number(struct io_registry_entry *entry,
				 const char *key, u64 value, unsigned int bits);
int io_registry_entry_set_data(struct io_registry_entry *entry,
			       const char *key, const void *bytes, size_t len);
struct os_object *io_registry_entry_copy_property(struct io_registry_entry *entry,
						  const char *key);
bool io_registry_entry_remove_property(struct io_registry_entry *entry,
				       const char *key);
struct os_dictionary *
io_registry_entry_copy_properties(struct io_registry_entry *entry);
struct os_array *
io_registry_entry_copy_provider_properties(struct io_registry_entry *entry,
					   const struct os_array *keys);
bool io_registry_entry_match_properties(struct io_registry_entry *entry,
					const struct os_dictionary *subset);
bool io_registry_entry_has_property(struct io_registry_entry *entry,
				    const char *key);
u32 io_registry_entry_set_properties(struct io_registry_entry *entry,
				     struct os_dictionary *props);
struct os_object *
io_registry_entry_search_property(struct io_registry_entry *entry,
				  const struct io_registry_plane *plane,
				  const char *key, unsigned int options,
				  struct io_registry_entry **found);

int io_registry_walk(const struct io_registry_plane *plane,
		     int (*fn)(struct io_registry_entry *entry, void *data),
		     void *data);
struct io_registry_entry **io_registry_snapshot(const struct io_registry_plane *plane,
						unsigned int *count);
void io_registry_snapshot_free(struct io_registry_entry **entries,
			       unsigned int count);
long io_registry_entry_count(void);

#endif /* _IOKIT_IO_REGISTRY_ENTRY_H */
