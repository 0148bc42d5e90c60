// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O Registry: entries, their IDs, their links in each plane, their
 * names and property tables.
 *
 * Locking (Documentation/registry.rst):
 *  - io_registry_topology (rwsem) guards every link list and each entry's
 *    registered/inactive state.  Walks take it for reading, attach and
 *    remove for writing.  It is never taken with an entry lock held.
 *  - entry->lock guards that entry's properties, name and location.  It
 *    may be taken with the topology lock held, never the other way round.
 *  - io_registry_ids maps IDs to registered entries.  Lookups are
 *    lock-free (RCU plus kref_get_unless_zero); entries are freed after an
 *    RCU grace period, so a lookup never touches freed memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/export.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include <iokit/io_registry_entry.h>

#include "io_test_hooks.h"
#include "iokit_internal.h"

/* IDs are xarray indices. */
static_assert(sizeof(unsigned long) == sizeof(u64));

/**
 * struct io_registry_link - one parent-child edge in one plane
 * @parent: the parent, referenced by the link
 * @child: the child, referenced by the link
 * @parent_node: in @child's parent_links
 * @child_node: in @parent's child_links
 */
struct io_registry_link {
	struct io_registry_entry *parent;
	struct io_registry_entry *child;
	struct list_head parent_node;
	struct list_head child_node;
};

static DECLARE_RWSEM(io_registry_topology);
static DEFINE_XARRAY(io_registry_ids);
static atomic64_t io_registry_last_id = ATOMIC64_INIT(IOKIT_REGISTRY_ROOT_ID - 1);
static atomic_long_t io_registry_registered = ATOMIC_LONG_INIT(0);
static struct io_registry_entry *io_registry_root;

static void io_registry_entry_free(struct os_object *obj)
{
	struct io_registry_entry *entry =
		container_of(obj, struct io_registry_entry, obj);

	io_registry_entry_fini(entry);
	kfree_rcu(entry, rcu);
}

/* io_registry_entry_class: IORegistryEntry, the root class of registry entries */
const struct os_class io_registry_entry_class = {
	.name = "IORegistryEntry",
	.super = &os_object_class,
	.free = io_registry_entry_free,
};
EXPORT_SYMBOL_GPL(io_registry_entry_class);

/**
 * io_registry_entry_init() - initialise an entry embedded in a larger struct
 * @entry: the entry, zeroed
 * @cls: its class (IORegistryEntry or a subclass)
 * @name: its name, truncated to IOKIT_NAME_MAX - 1 bytes
 *
 * The entry gets its ID now but is found by it only once attached.  The
 * class's free method must call io_registry_entry_fini() and free the
 * memory with kfree_rcu() (lookups by ID may still be reading it).
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_entry_init(struct io_registry_entry *entry,
			   const struct os_class *cls, const char *name)
{
	unsigned int i;

	entry->properties = os_dictionary_create(8);
	if (!entry->properties)
		return -ENOMEM;
	os_object_init(&entry->obj, cls);
	entry->id = atomic64_inc_return(&io_registry_last_id);
	mutex_init(&entry->lock);
	strscpy(entry->name, name, sizeof(entry->name));
	for (i = 0; i < IO_REGISTRY_PLANES_MAX; i++) {
		INIT_LIST_HEAD(&entry->parent_links[i]);
		INIT_LIST_HEAD(&entry->child_links[i]);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(io_registry_entry_init);

/**
 * io_registry_entry_fini() - release what io_registry_entry_init() set up
 * @entry: an entry whose last reference is gone
 */
void io_registry_entry_fini(struct io_registry_entry *entry)
{
	WARN_ON(entry->registered);
	os_object_put(&entry->properties->obj);
	mutex_destroy(&entry->lock);
}
EXPORT_SYMBOL_GPL(io_registry_entry_fini);

/**
 * io_registry_entry_create() - allocate a plain entry of class @cls
 * @cls: IORegistryEntry or a subclass that adds no fields
 * @name: its name
 *
 * Return: the entry with one reference, or NULL if out of memory.
 */
struct io_registry_entry *io_registry_entry_create(const struct os_class *cls,
						   const char *name)
{
	struct io_registry_entry *entry = kzalloc(sizeof(*entry), GFP_KERNEL);

	if (!entry)
		return NULL;
	if (io_registry_entry_init(entry, cls, name)) {
		kfree(entry);
		return NULL;
	}
	return entry;
}
EXPORT_SYMBOL_GPL(io_registry_entry_create);

/* Make @entry findable by ID.  Topology lock held for writing. */
static int io_registry_entry_publish(struct io_registry_entry *entry)
{
	int ret;

	if (entry->registered)
		return 0;
	ret = xa_err(xa_store(&io_registry_ids, entry->id, entry, GFP_KERNEL));
	if (ret)
		return ret;
	entry->registered = true;
	atomic_long_inc(&io_registry_registered);
	return 0;
}

static void io_registry_entry_unpublish(struct io_registry_entry *entry)
{
	if (!entry->registered)
		return;
	xa_erase(&io_registry_ids, entry->id);
	entry->registered = false;
	atomic_long_dec(&io_registry_registered);
}

/**
 * io_registry_get_root() - the registry's root entry
 *
 * Return: the root, referenced.
 */
struct io_registry_entry *io_registry_get_root(void)
{
	return io_registry_entry_get(io_registry_root);
}
EXPORT_SYMBOL_GPL(io_registry_get_root);

/**
 * io_registry_entry_from_id() - find a registered entry by ID
 * @id: a registry entry ID
 *
 * Lock-free; safe against concurrent removal.
 *
 * Return: the entry, referenced, or NULL if no registered entry has @id.
 */
struct io_registry_entry *io_registry_entry_from_id(u64 id)
{
	struct io_registry_entry *entry;

	rcu_read_lock();
	entry = xa_load(&io_registry_ids, id);
	if (entry && !os_object_get_unless_zero(&entry->obj))
		entry = NULL;
	rcu_read_unlock();
	return entry;
}
EXPORT_SYMBOL_GPL(io_registry_entry_from_id);

static bool io_registry_linked(struct io_registry_entry *parent,
			       struct io_registry_entry *child, unsigned int p)
{
	struct io_registry_link *link;

	list_for_each_entry(link, &parent->child_links[p], child_node)
		if (link->child == child)
			return true;
	return false;
}

/**
 * io_registry_entry_attach() - make @child a child of @parent in @plane
 * @child: the entry to attach; becomes registered (findable by ID) if it
 *	was not
 * @parent: a registered entry
 * @plane: the plane
 *
 * Checked under the topology lock, which termination's walk of a
 * parent's children takes too: a child attached to a parent that is not
 * yet inactive is seen by the termination that makes it so, and no child
 * is attached to an inactive one.
 *
 * Return: 0, -ENOENT if @parent is not registered or either is inactive,
 * -EEXIST if they are already linked in @plane, -ENOMEM.
 */
int io_registry_entry_attach(struct io_registry_entry *child,
			     struct io_registry_entry *parent,
			     const struct io_registry_plane *plane)
{
	unsigned int p = plane->index;
	struct io_registry_link *link;
	int ret;

	link = kmalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;

	down_write(&io_registry_topology);
	ret = -ENOENT;
	if (!parent->registered || io_registry_entry_inactive(parent) ||
	    io_registry_entry_inactive(child) || child->removed)
		goto fail;
	ret = -EEXIST;
	if (io_registry_linked(parent, child, p))
		goto fail;
	ret = io_registry_entry_publish(child);
	if (ret)
		goto fail;
	link->parent = io_registry_entry_get(parent);
	link->child = io_registry_entry_get(child);
	list_add_tail(&link->parent_node, &child->parent_links[p]);
	list_add_tail(&link->child_node, &parent->child_links[p]);
	up_write(&io_registry_topology);
	return 0;

fail:
	up_write(&io_registry_topology);
	kfree(link);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_attach);

static bool io_registry_entry_has_parents(struct io_registry_entry *entry)
{
	unsigned int p;

	for (p = 0; p < IO_REGISTRY_PLANES_MAX; p++)
		if (!list_empty(&entry->parent_links[p]))
			return true;
	return false;
}

/* Unlink; the link goes on @dead so its references drop after unlocking. */
static void io_registry_link_unlink(struct io_registry_link *link,
				    struct list_head *dead)
{
	list_del(&link->child_node);
	list_del(&link->parent_node);
	list_add(&link->child_node, dead);
}

static void io_registry_links_free(struct list_head *dead)
{
	struct io_registry_link *link, *next;

	list_for_each_entry_safe(link, next, dead, child_node) {
		io_registry_entry_put(link->child);
		io_registry_entry_put(link->parent);
		kfree(link);
	}
}

/**
 * io_registry_entry_detach() - remove the @parent - @child link in @plane
 * @child: the child
 * @parent: the parent
 * @plane: the plane
 *
 * A child left without parents in every plane leaves the registry: its ID
 * no longer resolves.
 */
void io_registry_entry_detach(struct io_registry_entry *child,
			      struct io_registry_entry *parent,
			      const struct io_registry_plane *plane)
{
	struct io_registry_link *link, *next;
	LIST_HEAD(dead);

	down_write(&io_registry_topology);
	list_for_each_entry_safe(link, next, &child->parent_links[plane->index],
				 parent_node) {
		if (link->parent == parent)
			io_registry_link_unlink(link, &dead);
	}
	if (!io_registry_entry_has_parents(child) && child != io_registry_root)
		io_registry_entry_unpublish(child);
	up_write(&io_registry_topology);
	io_registry_links_free(&dead);
}
EXPORT_SYMBOL_GPL(io_registry_entry_detach);

/*
 * Take @entry out of the registry with every child that has no other
 * provider in the IOService plane, as Apple's terminate does: leaves are
 * unlinked before their providers.  Topology lock held for writing.
 */
static void io_registry_entry_remove_locked(struct io_registry_entry *entry,
					    struct list_head *dead)
{
	struct io_registry_link *link, *next;
	unsigned int p;

	set_bit(IO_REGISTRY_ENTRY_INACTIVE, &entry->flags);
	WRITE_ONCE(entry->removed, true);	/* read unlocked by termination */
	for (p = 0; p < IO_REGISTRY_PLANES_MAX; p++) {
		list_for_each_entry_safe(link, next, &entry->child_links[p],
					 child_node) {
			struct io_registry_entry *child = link->child;

			io_registry_link_unlink(link, dead);
			if (p == io_service_plane.index && !child->removed &&
			    list_empty(&child->parent_links[p]))
				io_registry_entry_remove_locked(child, dead);
		}
	}
	for (p = 0; p < IO_REGISTRY_PLANES_MAX; p++)
		list_for_each_entry_safe(link, next, &entry->parent_links[p],
					 parent_node)
			io_registry_link_unlink(link, dead);
	io_registry_entry_unpublish(entry);
}

/**
 * io_registry_entry_remove() - take an entry and its sole clients out of
 *	the registry
 * @entry: the entry
 *
 * The entry becomes inactive, loses every link, and its ID stops
 * resolving; the same happens to each IOService-plane child that has no
 * other parent, recursively.  References held elsewhere stay valid.
 * Removing an entry a second time does nothing.
 */
void io_registry_entry_remove(struct io_registry_entry *entry)
{
	LIST_HEAD(dead);

	down_write(&io_registry_topology);
	if (!entry->removed)
		io_registry_entry_remove_locked(entry, &dead);
	up_write(&io_registry_topology);
	io_registry_links_free(&dead);
}
EXPORT_SYMBOL_GPL(io_registry_entry_remove);

/**
 * io_registry_entry_deactivate() - make an entry inactive
 * @entry: the entry
 *
 * From now on it gains no children (io_registry_entry_attach() refuses)
 * and is matched no more; it stays in the registry until removed.
 *
 * Return: true if this call made it inactive, false if it already was.
 */
bool io_registry_entry_deactivate(struct io_registry_entry *entry)
{
	return !test_and_set_bit(IO_REGISTRY_ENTRY_INACTIVE, &entry->flags);
}
EXPORT_SYMBOL_GPL(io_registry_entry_deactivate);

/**
 * io_registry_entry_get_provider() - GetProvider(): first IOService parent
 * @entry: the entry
 *
 * Return: the provider, referenced, or NULL for the root or a removed entry.
 */
struct io_registry_entry *
io_registry_entry_get_provider(struct io_registry_entry *entry)
{
	struct io_registry_link *link;
	struct io_registry_entry *provider = NULL;

	down_read(&io_registry_topology);
	link = list_first_entry_or_null(&entry->parent_links[io_service_plane.index],
					struct io_registry_link, parent_node);
	if (link)
		provider = io_registry_entry_get(link->parent);
	up_read(&io_registry_topology);
	return provider;
}
EXPORT_SYMBOL_GPL(io_registry_entry_get_provider);

/**
 * io_registry_entry_copy_relatives() - IDs of the children or parents
 * @entry: the entry
 * @plane: the plane
 * @parents: parents if true, else children
 * @ids: where to store up to @capacity IDs, in registry order
 * @capacity: room at @ids
 *
 * Return: the number of relatives, which may exceed @capacity.
 */
int io_registry_entry_copy_relatives(struct io_registry_entry *entry,
				     const struct io_registry_plane *plane,
				     bool parents, u64 *ids, unsigned int capacity)
{
	struct io_registry_link *link;
	unsigned int n = 0;

	down_read(&io_registry_topology);
	if (parents) {
		list_for_each_entry(link, &entry->parent_links[plane->index],
				    parent_node) {
			if (n < capacity)
				ids[n] = link->parent->id;
			n++;
		}
	} else {
		list_for_each_entry(link, &entry->child_links[plane->index],
				    child_node) {
			if (n < capacity)
				ids[n] = link->child->id;
			n++;
		}
	}
	up_read(&io_registry_topology);
	return n;
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_relatives);

/**
 * io_registry_entry_visit_children() - call @visit on every child of
 *	@entry in @plane, with the number of parents it has there
 * @entry: the parent
 * @plane: the plane
 * @visit: the callback; it runs with the topology lock held for reading,
 *	so it must neither sleep on the registry nor change it
 * @arg: passed to @visit
 *
 * Unlike io_registry_entry_copy_relatives(), this needs no buffer and has
 * no limit: termination uses it, and termination must not fail.
 */
void io_registry_entry_visit_children(struct io_registry_entry *entry,
				      const struct io_registry_plane *plane,
				      void (*visit)(struct io_registry_entry *child,
						    unsigned int parents, void *arg),
				      void *arg)
{
	struct io_registry_link *link, *up;

	down_read(&io_registry_topology);
	list_for_each_entry(link, &entry->child_links[plane->index], child_node) {
		unsigned int parents = 0;

		list_for_each_entry(up, &link->child->parent_links[plane->index], parent_node)
			parents++;
		visit(link->child, parents, arg);
	}
	up_read(&io_registry_topology);
}
EXPORT_SYMBOL_GPL(io_registry_entry_visit_children);

/* "name" or "name@location" of @entry into @buf; returns its length. */
static size_t io_registry_entry_component(struct io_registry_entry *entry,
					  char *buf, size_t size)
{
	size_t len;

	mutex_lock(&entry->lock);
	if (entry->location[0])
		len = scnprintf(buf, size, "%s@%s", entry->name, entry->location);
	else
		len = scnprintf(buf, size, "%s", entry->name);
	mutex_unlock(&entry->lock);
	return len;
}

/**
 * io_registry_entry_copy_path() - IORegistryEntryGetPath()
 * @entry: the entry
 * @plane: the plane
 * @buf: where to write the path, NUL-terminated
 * @size: bytes at @buf
 *
 * The path is "Plane:/name@location/..." from the root down, following
 * each entry's first parent in @plane.
 *
 * Return: the path's length (without NUL), -ENOSPC if it does not fit,
 * -ENOENT if @entry is not in @plane.
 */
int io_registry_entry_copy_path(struct io_registry_entry *entry,
				const struct io_registry_plane *plane,
				char *buf, size_t size)
{
	char component[2 * IOKIT_NAME_MAX + 1];
	struct io_registry_entry *e;
	size_t len, prefix;
	int ret = 0;

	prefix = scnprintf(buf, size, "%s:", plane->name);
	if (prefix + 2 > size)
		return -ENOSPC;
	/* Build the components leaf first at the end of @buf, then move. */
	len = size - 1;
	buf[len] = '\0';
	down_read(&io_registry_topology);
	if (entry != io_registry_root && !entry->registered) {
		ret = -ENOENT;
		goto out;
	}
	for (e = entry; e != io_registry_root;) {
		struct io_registry_link *link;
		size_t n = io_registry_entry_component(e, component, sizeof(component));

		if (n + 1 > len - prefix) {
			ret = -ENOSPC;
			goto out;
		}
		len -= n;
		memcpy(buf + len, component, n);
		buf[--len] = '/';
		link = list_first_entry_or_null(&e->parent_links[plane->index],
						struct io_registry_link, parent_node);
		if (!link) {
			ret = -ENOENT;
			goto out;
		}
		e = link->parent;
	}
	if (entry == io_registry_root)
		buf[--len] = '/';
	memmove(buf + prefix, buf + len, size - len);
	ret = prefix + (size - 1 - len);
out:
	up_read(&io_registry_topology);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_path);

/* The child of @parent in @plane whose component is @name[@location]. */
static struct io_registry_entry *
io_registry_find_child(struct io_registry_entry *parent, unsigned int p,
		       const char *name, const char *location)
{
	struct io_registry_link *link;

	list_for_each_entry(link, &parent->child_links[p], child_node) {
		struct io_registry_entry *c = link->child;
		bool match;

		mutex_lock(&c->lock);
		match = !strcmp(c->name, name) &&
			(!location || !strcmp(c->location, location));
		mutex_unlock(&c->lock);
		if (match)
			return c;
	}
	return NULL;
}

/**
 * io_registry_entry_from_path() - IORegistryEntryFromPath()
 * @path: "Plane:/a/b@loc" or "/a/b@loc" (IOService plane); a component
 *	without "@location" matches the first child of that name
 *
 * Return: the entry, referenced, or NULL if there is none.
 */
struct io_registry_entry *io_registry_entry_from_path(const char *path)
{
	const struct io_registry_plane *plane = &io_service_plane;
	char component[2 * IOKIT_NAME_MAX + 1];
	struct io_registry_entry *e;
	const char *colon = strchr(path, ':');
	const char *slash = strchr(path, '/');

	if (colon && (!slash || colon < slash)) {
		char name[IOKIT_NAME_MAX];
		size_t n = colon - path;

		if (n >= sizeof(name))
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		plane = io_registry_plane_find(name);
		if (!plane)
			return NULL;
		path = colon + 1;
	}
	if (*path != '/')
		return NULL;

	down_read(&io_registry_topology);
	e = io_registry_root;
	while (e && *path) {
		const char *end;
		char *at;
		size_t n;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		end = strchrnul(path, '/');
		n = end - path;
		if (n >= sizeof(component)) {
			e = NULL;
			break;
		}
		memcpy(component, path, n);
		component[n] = '\0';
		at = strchr(component, '@');
		if (at)
			*at++ = '\0';
		e = io_registry_find_child(e, plane->index, component, at);
		path = end;
	}
	if (e)
		io_registry_entry_get(e);
	up_read(&io_registry_topology);
	return e;
}
EXPORT_SYMBOL_GPL(io_registry_entry_from_path);

/**
 * io_registry_entry_set_name() - SetName()
 * @entry: the entry
 * @name: the new name, truncated to IOKIT_NAME_MAX - 1 bytes
 */
void io_registry_entry_set_name(struct io_registry_entry *entry, const char *name)
{
	mutex_lock(&entry->lock);
	strscpy(entry->name, name, sizeof(entry->name));
	mutex_unlock(&entry->lock);
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_name);

/**
 * io_registry_entry_copy_name() - CopyName() into an io_name_t
 * @entry: the entry
 * @buf: IOKIT_NAME_MAX bytes, NUL-padded
 */
void io_registry_entry_copy_name(struct io_registry_entry *entry, char *buf)
{
	mutex_lock(&entry->lock);
	strscpy_pad(buf, entry->name, IOKIT_NAME_MAX);
	mutex_unlock(&entry->lock);
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_name);

/**
 * io_registry_entry_set_location() - setLocation()
 * @entry: the entry
 * @location: the new location, "" for none
 */
void io_registry_entry_set_location(struct io_registry_entry *entry,
				    const char *location)
{
	mutex_lock(&entry->lock);
	strscpy(entry->location, location, sizeof(entry->location));
	mutex_unlock(&entry->lock);
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_location);

/**
 * io_registry_entry_copy_location() - getLocation() into an io_name_t
 * @entry: the entry
 * @buf: IOKIT_NAME_MAX bytes
 */
void io_registry_entry_copy_location(struct io_registry_entry *entry, char *buf)
{
	mutex_lock(&entry->lock);
	strscpy_pad(buf, entry->location, IOKIT_NAME_MAX);
	mutex_unlock(&entry->lock);
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_location);

/**
 * io_registry_entry_set_property() - setProperty(key, value)
 * @entry: the entry
 * @key: the property name
 * @value: the value; the table takes its own reference.  Treat it as
 *	immutable from now on: readers share it without a lock.
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_entry_set_property(struct io_registry_entry *entry,
				   const char *key, struct os_object *value)
{
	int ret;

	mutex_lock(&entry->lock);
	ret = os_dictionary_set(entry->properties, key, value);
	mutex_unlock(&entry->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_property);

/**
 * io_registry_entry_set_string() - set an OSString property
 * @entry: the entry
 * @key: the property name
 * @value: the text
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_entry_set_string(struct io_registry_entry *entry,
				 const char *key, const char *value)
{
	struct os_string *s = os_string_create(value);
	int ret;

	if (!s)
		return -ENOMEM;
	ret = io_registry_entry_set_property(entry, key, &s->obj);
	os_object_put(&s->obj);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_string);

/**
 * io_registry_entry_set_number() - set an OSNumber property
 * @entry: the entry
 * @key: the property name
 * @value: the value
 * @bits: its width, 8, 16, 32 or 64
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_entry_set_number(struct io_registry_entry *entry,
				 const char *key, u64 value, unsigned int bits)
{
	struct os_number *n = os_number_create(value, bits);
	int ret;

	if (!n)
		return -ENOMEM;
	ret = io_registry_entry_set_property(entry, key, &n->obj);
	os_object_put(&n->obj);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_number);

/**
 * io_registry_entry_set_data() - set an OSData property
 * @entry: the entry
 * @key: the property name
 * @bytes: the bytes, copied
 * @len: their length
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_entry_set_data(struct io_registry_entry *entry,
			       const char *key, const void *bytes, size_t len)
{
	struct os_data *d = os_data_create(bytes, len);
	int ret;

	if (!d)
		return -ENOMEM;
	ret = io_registry_entry_set_property(entry, key, &d->obj);
	os_object_put(&d->obj);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_data);

/**
 * io_registry_entry_copy_property() - copyProperty(key)
 * @entry: the entry
 * @key: the property name
 *
 * Return: the value, referenced, or NULL if absent.
 */
struct os_object *io_registry_entry_copy_property(struct io_registry_entry *entry,
						  const char *key)
{
	struct os_object *value;

	mutex_lock(&entry->lock);
	value = os_object_get(os_dictionary_get(entry->properties, key));
	mutex_unlock(&entry->lock);
	return value;
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_property);

/**
 * io_registry_entry_remove_property() - RemoveProperty()
 * @entry: the entry
 * @key: the property name
 *
 * Return: true if it was present (else kIOReturnNotFound to a caller).
 */
bool io_registry_entry_remove_property(struct io_registry_entry *entry,
				       const char *key)
{
	bool removed;

	mutex_lock(&entry->lock);
	removed = os_dictionary_remove(entry->properties, key);
	mutex_unlock(&entry->lock);
	return removed;
}
EXPORT_SYMBOL_GPL(io_registry_entry_remove_property);

/**
 * io_registry_entry_copy_properties() - CopyProperties()
 * @entry: the entry
 *
 * Return: a new dictionary with the entry's properties (values shared,
 * not copied), or NULL if out of memory.
 */
struct os_dictionary *io_registry_entry_copy_properties(struct io_registry_entry *entry)
{
	struct os_dictionary *copy;

	mutex_lock(&entry->lock);
	copy = os_dictionary_copy(entry->properties);
	mutex_unlock(&entry->lock);
	return copy;
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_properties);

/* IOClass: the class chain, most derived first, as an OSArray of names. */
static int io_registry_set_class_chain(struct os_dictionary *dict,
				       const struct os_class *cls)
{
	struct os_array *chain = os_array_create(4);
	int ret = chain ? 0 : -ENOMEM;

	for (; cls && !ret; cls = cls->super) {
		struct os_string *name = os_string_create(cls->name);

		ret = name ? os_array_append(chain, &name->obj) : -ENOMEM;
		os_object_put(name ? &name->obj : NULL);
	}
	if (!ret)
		ret = os_dictionary_set(dict, "IOClass", &chain->obj);
	os_object_put(chain ? &chain->obj : NULL);
	return ret;
}

/* The properties of @entry named in @keys (all if NULL), plus IOClass. */
static struct os_dictionary *
io_registry_entry_copy_some_properties(struct io_registry_entry *entry,
				       const struct os_array *keys)
{
	struct os_dictionary *dict;
	unsigned int i;
	int ret = 0;

	if (!keys) {
		dict = io_registry_entry_copy_properties(entry);
	} else {
		dict = os_dictionary_create(keys->count + 1);
		mutex_lock(&entry->lock);
		for (i = 0; dict && !ret && i < keys->count; i++) {
			struct os_string *key = os_string_cast(keys->items[i]);
			struct os_object *value;

			value = key ? os_dictionary_get(entry->properties, key->str) : NULL;
			if (value)
				ret = os_dictionary_set_key(dict, key, value);
		}
		mutex_unlock(&entry->lock);
	}
	if (dict && !ret)
		ret = io_registry_set_class_chain(dict, entry->obj.cls);
	if (dict && ret) {
		os_object_put(&dict->obj);
		dict = NULL;
	}
	return dict;
}

/**
 * io_registry_entry_copy_provider_properties() - CopyProviderProperties()
 * @entry: where to start
 * @keys: an OSArray of OSString property names to copy, or NULL for all
 *
 * Return: a new OSArray holding, for @entry and then each provider up to
 * (not including) the root, a dictionary of the requested properties it
 * has plus "IOClass", its class chain (most derived first); or NULL if
 * out of memory.
 */
struct os_array *
io_registry_entry_copy_provider_properties(struct io_registry_entry *entry,
					   const struct os_array *keys)
{
	struct os_array *result = os_array_create(4);
	struct io_registry_entry *e = io_registry_entry_get(entry);

	while (result && e && e != io_registry_root) {
		struct os_dictionary *dict;
		struct io_registry_entry *next;

		dict = io_registry_entry_copy_some_properties(e, keys);
		if (!dict || os_array_append(result, &dict->obj)) {
			os_object_put(&result->obj);
			result = NULL;
		}
		os_object_put(dict ? &dict->obj : NULL);
		next = io_registry_entry_get_provider(e);
		io_registry_entry_put(e);
		e = next;
	}
	io_registry_entry_put(e);
	return result;
}
EXPORT_SYMBOL_GPL(io_registry_entry_copy_provider_properties);

/**
 * io_registry_entry_match_properties() - IOPropertyMatch on the live table
 * @entry: the entry
 * @subset: the properties that must be present and equal
 *
 * Compared under the entry's lock, without copying the table: matching
 * runs this over every candidate entry.
 *
 * Return: true if every key of @subset is a property of @entry with an
 * equal value.
 */
bool io_registry_entry_match_properties(struct io_registry_entry *entry,
					const struct os_dictionary *subset)
{
	bool match;

	mutex_lock(&entry->lock);
	match = os_dictionary_is_subset(subset, entry->properties);
	mutex_unlock(&entry->lock);
	return match;
}
EXPORT_SYMBOL_GPL(io_registry_entry_match_properties);

/**
 * io_registry_entry_has_property() - whether @key is a property of @entry
 * @entry: the entry
 * @key: the property name
 *
 * Return: true if present.
 */
bool io_registry_entry_has_property(struct io_registry_entry *entry,
				    const char *key)
{
	bool present;

	mutex_lock(&entry->lock);
	present = os_dictionary_get(entry->properties, key);
	mutex_unlock(&entry->lock);
	return present;
}
EXPORT_SYMBOL_GPL(io_registry_entry_has_property);

/**
 * io_registry_entry_set_properties() - SetProperties(): ask the owner
 * @entry: the entry
 * @props: the properties asked for
 *
 * Return: the owner's IOReturn, or kIOReturnUnsupported when the entry's
 * owner takes no properties (IOService's default).
 */
u32 io_registry_entry_set_properties(struct io_registry_entry *entry,
				     struct os_dictionary *props)
{
	if (!entry->ops || !entry->ops->set_properties)
		return IOKIT_RETURN_UNSUPPORTED;
	return entry->ops->set_properties(entry, props);
}
EXPORT_SYMBOL_GPL(io_registry_entry_set_properties);

/* Registry trees are shallow; this only guards against a corrupt one. */
#define IO_REGISTRY_SEARCH_DEPTH_MAX	64

static struct os_object *
io_registry_search_locked(struct io_registry_entry *entry, unsigned int p,
			  const char *key, bool parents, unsigned int depth,
			  struct io_registry_entry **found);

/*
 * Depth first, pre-order: @rel itself, then what lies beyond it.  The
 * entry it is found on is referenced here, under the topology lock that
 * keeps it linked: once the lock is dropped, only that reference does.
 */
static struct os_object *
io_registry_search_one(struct io_registry_entry *rel, unsigned int p,
		       const char *key, bool parents, unsigned int depth,
		       struct io_registry_entry **found)
{
	struct os_object *value = io_registry_entry_copy_property(rel, key);

	if (value) {
		*found = io_registry_entry_get(rel);
		return value;
	}
	return io_registry_search_locked(rel, p, key, parents, depth + 1, found);
}

static struct os_object *
io_registry_search_locked(struct io_registry_entry *entry, unsigned int p,
			  const char *key, bool parents, unsigned int depth,
			  struct io_registry_entry **found)
{
	struct io_registry_link *link;
	struct os_object *value;

	if (depth > IO_REGISTRY_SEARCH_DEPTH_MAX)
		return NULL;
	if (parents) {
		list_for_each_entry(link, &entry->parent_links[p], parent_node) {
			value = io_registry_search_one(link->parent, p, key,
						       parents, depth, found);
			if (value)
				return value;
		}
	} else {
		list_for_each_entry(link, &entry->child_links[p], child_node) {
			value = io_registry_search_one(link->child, p, key,
						       parents, depth, found);
			if (value)
				return value;
		}
	}
	return NULL;
}

/**
 * io_registry_entry_search_property() - SearchProperty()
 * @entry: where to start
 * @plane: the plane to search
 * @key: the property name
 * @options: IOKIT_SEARCH_RECURSIVELY to go on past @entry, depth first,
 *	through its children, or with IOKIT_SEARCH_PARENTS its parents
 * @found: out, optional: the entry the property was found on, referenced
 *
 * Return: the value, referenced, or NULL if not found.
 */
struct os_object *
io_registry_entry_search_property(struct io_registry_entry *entry,
				  const struct io_registry_plane *plane,
				  const char *key, unsigned int options,
				  struct io_registry_entry **found)
{
	struct io_registry_entry *where = NULL;
	struct os_object *value;

	value = io_registry_entry_copy_property(entry, key);
	if (value) {
		where = io_registry_entry_get(entry);
	} else if (options & IOKIT_SEARCH_RECURSIVELY) {
		down_read(&io_registry_topology);
		value = io_registry_search_locked(entry, plane->index, key,
						  options & IOKIT_SEARCH_PARENTS,
						  0, &where);
		up_read(&io_registry_topology);
	}
	io_test_delay(IO_TEST_DELAY_SEARCH_FOUND);
	if (found)
		*found = where;
	else
		io_registry_entry_put(where);
	return value;
}
EXPORT_SYMBOL_GPL(io_registry_entry_search_property);

static int io_registry_walk_locked(struct io_registry_entry *entry,
				   unsigned int p, unsigned int depth,
				   int (*fn)(struct io_registry_entry *, void *),
				   void *data)
{
	struct io_registry_link *link;
	int ret;

	if (depth > IO_REGISTRY_SEARCH_DEPTH_MAX)
		return 0;
	ret = fn(entry, data);
	if (ret)
		return ret;
	list_for_each_entry(link, &entry->child_links[p], child_node) {
		struct io_registry_entry *child = link->child;

		/* An entry with several parents is visited under its first. */
		if (list_first_entry(&child->parent_links[p], struct io_registry_link,
				     parent_node) != link)
			continue;
		ret = io_registry_walk_locked(child, p, depth + 1, fn, data);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * io_registry_walk() - call @fn on every entry of @plane, root first,
 *	depth first, in registry order
 * @plane: the plane
 * @fn: the callback; it may take entry locks and references but must not
 *	change the registry's topology.  Non-zero stops the walk.
 * @data: passed to @fn
 *
 * Return: what @fn returned to stop the walk, or 0.
 */
int io_registry_walk(const struct io_registry_plane *plane,
		     int (*fn)(struct io_registry_entry *entry, void *data),
		     void *data)
{
	int ret;

	down_read(&io_registry_topology);
	ret = io_registry_walk_locked(io_registry_root, plane->index, 0, fn, data);
	up_read(&io_registry_topology);
	return ret;
}
EXPORT_SYMBOL_GPL(io_registry_walk);

struct io_registry_snapshot {
	struct io_registry_entry **entries;
	unsigned int count;
	unsigned int capacity;
};

static int io_registry_snapshot_add(struct io_registry_entry *entry, void *data)
{
	struct io_registry_snapshot *snap = data;

	if (snap->count == snap->capacity)
		return -ENOSPC;
	snap->entries[snap->count++] = io_registry_entry_get(entry);
	return 0;
}

/**
 * io_registry_snapshot() - every entry of @plane, referenced, in registry
 *	order, for work that must not hold the registry's locks
 * @plane: the plane
 * @count: out: the number of entries
 *
 * The array is sized before the registry is locked, so that hot-plug,
 * which waits for the lock, never waits for reclaim; a registry that
 * grew past it meanwhile is walked again with more room.
 *
 * Release with io_registry_snapshot_free().
 *
 * Return: the array, or NULL if out of memory.
 */
struct io_registry_entry **io_registry_snapshot(const struct io_registry_plane *plane,
						unsigned int *count)
{
	struct io_registry_snapshot snap = {};
	long entries = atomic_long_read(&io_registry_registered);
	int ret;

	do {
		snap.capacity = entries + entries / 8 + 16;
		snap.count = 0;
		snap.entries = kvmalloc_array(snap.capacity, sizeof(*snap.entries),
					      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!snap.entries)
			return NULL;
		ret = io_registry_walk(plane, io_registry_snapshot_add, &snap);
		if (ret) {
			io_registry_snapshot_free(snap.entries, snap.count);
			entries = snap.capacity * 2;
		}
	} while (ret == -ENOSPC);
	if (ret)
		return NULL;
	*count = snap.count;
	return snap.entries;
}
EXPORT_SYMBOL_GPL(io_registry_snapshot);

/**
 * io_registry_snapshot_free() - drop what io_registry_snapshot() returned
 * @entries: the array (or NULL)
 * @count: its length
 */
void io_registry_snapshot_free(struct io_registry_entry **entries,
			       unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++)
		io_registry_entry_put(entries[i]);
	kvfree(entries);
}
EXPORT_SYMBOL_GPL(io_registry_snapshot_free);

/**
 * io_registry_entry_count() - entries currently in the registry
 *
 * Return: the number of registered entries, the root included.
 */
long io_registry_entry_count(void)
{
	return atomic_long_read(&io_registry_registered);
}
EXPORT_SYMBOL_GPL(io_registry_entry_count);

/**
 * io_registry_init() - create the root entry
 *
 * Return: 0 or -ENOMEM.
 */
int io_registry_init(void)
{
	int ret;

	io_registry_root = io_registry_entry_create(&io_registry_entry_class, "Root");
	if (!io_registry_root)
		return -ENOMEM;
	down_write(&io_registry_topology);
	ret = io_registry_entry_publish(io_registry_root);
	up_write(&io_registry_topology);
	if (ret) {
		io_registry_entry_put(io_registry_root);
		io_registry_root = NULL;
	}
	return ret;
}

/**
 * io_registry_exit() - drop the root; every other entry must be gone
 */
void io_registry_exit(void)
{
	down_write(&io_registry_topology);
	io_registry_entry_unpublish(io_registry_root);
	up_write(&io_registry_topology);
	WARN_ON(!xa_empty(&io_registry_ids));
	io_registry_entry_put(io_registry_root);
	io_registry_root = NULL;
}
