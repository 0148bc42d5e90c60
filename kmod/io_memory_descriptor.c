// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory descriptors (Documentation/user-client.rst, "Memory descriptors").
 *
 * Three kinds, one interface:
 *  - over an application's memory: up to IO_MEMORY_SEGMENTS_MAX ranges of
 *    the calling process, their pages pinned with pin_user_pages_fast()
 *    when the descriptor is made and unpinned (dirtied if the driver could
 *    write them) when it is freed.  Nothing is copied: a structure larger
 *    than a call carries inline reaches the driver this way.
 *  - over a kernel caller's buffer (an in-kernel client's structure over
 *    IOKIT_STRUCT_INLINE_MAX): its address, not copied, valid as long as
 *    the caller keeps it;
 *  - a buffer (IOBufferMemoryDescriptor): zeroed kernel pages from
 *    vmalloc, charged to the memory cgroup of whoever made it; the only
 *    kind an application may map (CopyClientMemoryForType), because its
 *    pages belong to the descriptor and to nothing else.
 *
 * The direction is the driver's promise: memory pinned without
 * IO_MEMORY_DIRECTION_IN was pinned for reading, so writing it would
 * write a page the process may share copy-on-write; writes are refused
 * and mappings of it are read-only.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <iokit/io_memory_descriptor.h>

#include "iokit_internal.h"

/* One range of the application's memory, in the descriptor's page array. */
struct io_memory_range {
	unsigned long first_page;	/* index into pages[] */
	unsigned int offset;		/* of the range in its first page */
	u64 length;
};

/**
 * struct io_memory_descriptor - what a driver's descriptor points at
 * @obj: the OSObject; its class says the kind
 * @length: bytes described (a buffer's may be set below its capacity)
 * @direction: IO_MEMORY_DIRECTION_* bits
 * @pages: user kind: the pinned pages of every range, in order
 * @nr_pages: their number
 * @buffer: buffer kind: the pages, vmalloc'ed
 * @kernel: kernel kind: the caller's buffer
 * @capacity: buffer kind: their size, page-rounded
 * @nr_ranges: user kind: entries in @ranges
 * @ranges: user kind: where each range lies in @pages
 */
struct io_memory_descriptor {
	struct os_object obj;
	u64 length;
	u32 direction;
	struct page **pages;
	unsigned long nr_pages;
	void *buffer;
	void *kernel;
	u64 capacity;
	unsigned int nr_ranges;
	struct io_memory_range ranges[];
};

/**
 * struct io_memory_map - IOMemoryMap: a descriptor mapped into the kernel
 * @obj: the OSObject
 * @md: the descriptor, referenced
 * @vmap: the vmap() to undo, or NULL when @address points into a buffer
 * @address: the first byte mapped
 * @length: bytes mapped
 */
struct io_memory_map {
	struct os_object obj;
	struct io_memory_descriptor *md;
	void *vmap;
	void *address;
	u64 length;
};

static bool io_memory_is_buffer(const struct io_memory_descriptor *md)
{
	return md->buffer;
}

/* Buffer or kernel kind: the bytes are contiguous at one kernel address. */
static void *io_memory_linear(const struct io_memory_descriptor *md)
{
	return md->buffer ?: md->kernel;
}

static void io_memory_descriptor_free(struct os_object *obj)
{
	struct io_memory_descriptor *md = container_of(obj, struct io_memory_descriptor, obj);

	if (md->pages) {
		unpin_user_pages_dirty_lock(md->pages, md->nr_pages,
					    md->direction & IO_MEMORY_DIRECTION_IN);
		kvfree(md->pages);
	}
	vfree(md->buffer);
	kfree(md);
	iokit_live_dec(IOKIT_LIVE_MEMORY);
}

static size_t io_memory_descriptor_footprint(const struct os_object *obj)
{
	const struct io_memory_descriptor *md =
		container_of(obj, struct io_memory_descriptor, obj);

	return struct_size(md, ranges, md->nr_ranges) + md->nr_pages * sizeof(*md->pages) +
	       md->capacity;
}

/* io_memory_descriptor_class: IOMemoryDescriptor */
const struct os_class io_memory_descriptor_class = {
	.name = "IOMemoryDescriptor",
	.super = &os_object_class,
	.free = io_memory_descriptor_free,
	.footprint = io_memory_descriptor_footprint,
};
EXPORT_SYMBOL_GPL(io_memory_descriptor_class);

/* io_buffer_memory_descriptor_class: IOBufferMemoryDescriptor */
const struct os_class io_buffer_memory_descriptor_class = {
	.name = "IOBufferMemoryDescriptor",
	.super = &io_memory_descriptor_class,
};
EXPORT_SYMBOL_GPL(io_buffer_memory_descriptor_class);

static struct io_memory_descriptor *io_memory_descriptor_alloc(const struct os_class *cls,
							       unsigned int nr_ranges,
							       u32 direction)
{
	struct io_memory_descriptor *md;

	md = kzalloc(struct_size(md, ranges, nr_ranges), GFP_KERNEL_ACCOUNT);
	if (!md)
		return NULL;
	os_object_init_gfp(&md->obj, cls, GFP_KERNEL_ACCOUNT);
	md->direction = direction;
	md->nr_ranges = nr_ranges;
	iokit_live_inc(IOKIT_LIVE_MEMORY);
	return md;
}

/* The pages one range spans, or 0 if it wraps or is empty. */
static unsigned long io_memory_range_pages(const struct io_memory_segment *s)
{
	u64 end;

	if (!s->length || check_add_overflow(s->address, s->length, &end) ||
	    end > TASK_SIZE_MAX)
		return 0;
	return (PAGE_ALIGN(end) - (s->address & PAGE_MASK)) >> PAGE_SHIFT;
}

/**
 * io_memory_descriptor_pin_user() - a descriptor over the caller's memory
 * @segments: the ranges, in the calling process
 * @count: how many, 1 to IO_MEMORY_SEGMENTS_MAX
 * @direction: IO_MEMORY_DIRECTION_*: with _IN the pages are pinned
 *	writable (a read-only mapping then fails)
 * @max_length: the most bytes all ranges together may hold
 * @md: out: the descriptor
 * @fault: out: on IOKIT_RETURN_VM_ERROR, the first address not pinned
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT for an empty, wrapping or
 * too long range, _VM_ERROR for memory that could not be pinned, or
 * _NO_MEMORY.
 */
u32 io_memory_descriptor_pin_user(const struct io_memory_segment *segments, unsigned int count,
				  u32 direction, u64 max_length,
				  struct io_memory_descriptor **md, u64 *fault)
{
	unsigned int gup = direction & IO_MEMORY_DIRECTION_IN ? FOLL_WRITE : 0;
	struct io_memory_descriptor *d;
	unsigned long nr = 0, n;
	u64 total = 0;
	unsigned int i;
	int pinned;

	*md = NULL;
	/* The ranges are the calling process's: a kernel thread has none. */
	if (!count || count > IO_MEMORY_SEGMENTS_MAX || !direction ||
	    direction & ~IO_MEMORY_DIRECTION_MASK || !current->mm ||
	    current->flags & PF_KTHREAD)
		return IOKIT_RETURN_BAD_ARGUMENT;
	for (i = 0; i < count; i++) {
		n = io_memory_range_pages(&segments[i]);
		total += segments[i].length;
		if (!n || total > max_length)
			return IOKIT_RETURN_BAD_ARGUMENT;
		nr += n;
	}
	d = io_memory_descriptor_alloc(&io_memory_descriptor_class, count, direction);
	if (!d)
		return IOKIT_RETURN_NO_MEMORY;
	d->length = total;
	d->pages = kvmalloc_array(nr, sizeof(*d->pages), GFP_KERNEL_ACCOUNT);
	if (!d->pages) {
		os_object_put(&d->obj);
		return IOKIT_RETURN_NO_MEMORY;
	}
	for (i = 0; i < count; i++) {
		unsigned long start = segments[i].address & PAGE_MASK;

		n = io_memory_range_pages(&segments[i]);
		d->ranges[i] = (struct io_memory_range) {
			.first_page = d->nr_pages,
			.offset = offset_in_page(segments[i].address),
			.length = segments[i].length,
		};
		while (n) {
			/* pin_user_pages_fast() takes an int count. */
			pinned = pin_user_pages_fast(start, min(n, 1UL << 20), gup,
						     d->pages + d->nr_pages);
			if (pinned > 0)
				d->nr_pages += pinned;
			if (pinned <= 0) {
				*fault = max_t(u64, start, segments[i].address);
				os_object_put(&d->obj);
				return IOKIT_RETURN_VM_ERROR;
			}
			start += (unsigned long)pinned << PAGE_SHIFT;
			n -= pinned;
		}
	}
	*md = d;
	return IOKIT_RETURN_SUCCESS;
}

/**
 * io_memory_descriptor_create_from_user() - CreateMemoryDescriptorFromClient
 * @segments: ranges of the calling process's memory
 * @count: how many, 1 to IO_MEMORY_SEGMENTS_MAX
 * @direction: IO_MEMORY_DIRECTION_*: _IN if the driver will write it
 * @md: out: the descriptor, with one reference
 *
 * From a method, in the calling process.  The pages stay pinned until
 * the last reference goes, at most IOKIT_STRUCT_OOL_MAX bytes in all:
 * pinned for the call, not for ever (not FOLL_LONGTERM), so a driver
 * drops it before the call, or the async call it serves, is over.
 * The pages are still the process's, and its other threads may change
 * them: copy what you validate.  A method serving an in-kernel client
 * (io_service_open_kernel()) has no client process: its caller's
 * buffers come as descriptors already.
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT, _VM_ERROR if some of the
 * memory is not mapped (or, with _IN, not writable), or _NO_MEMORY.
 */
u32 io_memory_descriptor_create_from_user(const struct io_memory_segment *segments,
					  unsigned int count, u32 direction,
					  struct io_memory_descriptor **md)
{
	u64 fault;

	return io_memory_descriptor_pin_user(segments, count, direction, IOKIT_STRUCT_OOL_MAX,
					     md, &fault);
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_create_from_user);

/**
 * io_memory_descriptor_create_kernel() - a descriptor over a kernel buffer
 * @address: the buffer
 * @length: its bytes, not 0
 * @direction: IO_MEMORY_DIRECTION_*: _IN if the driver may write it
 * @md: out: the descriptor, with one reference
 *
 * Nothing is copied: the buffer must outlive the descriptor.
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT, or _NO_MEMORY.
 */
u32 io_memory_descriptor_create_kernel(void *address, u64 length, u32 direction,
				       struct io_memory_descriptor **md)
{
	struct io_memory_descriptor *d;

	*md = NULL;
	if (!address || !length || !direction || direction & ~IO_MEMORY_DIRECTION_MASK)
		return IOKIT_RETURN_BAD_ARGUMENT;
	d = io_memory_descriptor_alloc(&io_memory_descriptor_class, 0, direction);
	if (!d)
		return IOKIT_RETURN_NO_MEMORY;
	d->kernel = address;
	d->length = length;
	*md = d;
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_create_kernel);

/**
 * io_buffer_memory_descriptor_create() - IOBufferMemoryDescriptor::Create
 * @direction: IO_MEMORY_DIRECTION_*
 * @capacity: bytes, not 0; rounded up to whole pages
 * @md: out: the descriptor, zeroed, its length @capacity
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT, or _NO_MEMORY.
 */
u32 io_buffer_memory_descriptor_create(u32 direction, u64 capacity,
				       struct io_memory_descriptor **md)
{
	struct io_memory_descriptor *d;
	u64 size = PAGE_ALIGN(capacity);

	*md = NULL;
	if (!capacity || size < capacity || size > INT_MAX || !direction ||
	    direction & ~IO_MEMORY_DIRECTION_MASK)
		return IOKIT_RETURN_BAD_ARGUMENT;
	d = io_memory_descriptor_alloc(&io_buffer_memory_descriptor_class, 0, direction);
	if (!d)
		return IOKIT_RETURN_NO_MEMORY;
	d->buffer = __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!d->buffer) {
		os_object_put(&d->obj);
		return IOKIT_RETURN_NO_MEMORY;
	}
	d->capacity = size;
	d->length = capacity;
	*md = d;
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_buffer_memory_descriptor_create);

/**
 * io_memory_descriptor_get() - take a reference
 * @md: the descriptor
 *
 * Return: @md.
 */
struct io_memory_descriptor *io_memory_descriptor_get(struct io_memory_descriptor *md)
{
	os_object_get(&md->obj);
	return md;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_get);

/**
 * io_memory_descriptor_put() - drop a reference
 * @md: the descriptor, or NULL
 *
 * Process context: the last reference unpins an application's pages.
 */
void io_memory_descriptor_put(struct io_memory_descriptor *md)
{
	might_sleep();
	if (md)
		os_object_put(&md->obj);
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_put);

/**
 * io_memory_descriptor_length() - GetLength
 * @md: the descriptor
 *
 * Return: the bytes it describes.
 */
u64 io_memory_descriptor_length(const struct io_memory_descriptor *md)
{
	return md->length;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_length);

/**
 * io_memory_descriptor_direction() - the descriptor's IO_MEMORY_DIRECTION_* bits
 * @md: the descriptor
 *
 * Return: the direction it was made with.
 */
u32 io_memory_descriptor_direction(const struct io_memory_descriptor *md)
{
	return md->direction;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_direction);

/* Copy between @buf and the descriptor's bytes [@offset, @offset + @length). */
static void io_memory_copy(struct io_memory_descriptor *md, u64 offset, void *buf, u64 length,
			   bool to_md)
{
	void *linear = io_memory_linear(md);
	unsigned int i;

	if (linear) {
		if (to_md)
			memcpy(linear + offset, buf, length);
		else
			memcpy(buf, linear + offset, length);
		return;
	}
	for (i = 0; i < md->nr_ranges && length; i++) {
		const struct io_memory_range *r = &md->ranges[i];
		u64 pos;

		if (offset >= r->length) {
			offset -= r->length;
			continue;
		}
		for (pos = r->offset + offset; pos < r->offset + r->length && length;) {
			struct page *page = md->pages[r->first_page + (pos >> PAGE_SHIFT)];
			size_t n = min_t(u64, PAGE_SIZE - offset_in_page(pos),
					 min(length, r->offset + r->length - pos));
			void *p = kmap_local_page(page);

			if (to_md)
				memcpy(p + offset_in_page(pos), buf, n);
			else
				memcpy(buf, p + offset_in_page(pos), n);
			kunmap_local(p);
			buf += n;
			pos += n;
			length -= n;
		}
		offset = 0;
	}
}

/* Read once: a buffer's length may be set while it is read or written. */
static bool io_memory_in_bounds(const struct io_memory_descriptor *md, u64 offset, u64 length)
{
	u64 end = READ_ONCE(md->length);

	return offset <= end && length <= end - offset;
}

/**
 * io_memory_descriptor_read() - readBytes: copy out of the memory
 * @md: the descriptor
 * @offset: where in it to start
 * @buf: kernel memory for @length bytes
 * @length: how many
 *
 * Return: IOKIT_RETURN_SUCCESS, or _BAD_ARGUMENT past the descriptor's end.
 */
u32 io_memory_descriptor_read(struct io_memory_descriptor *md, u64 offset, void *buf,
			      u64 length)
{
	if (!io_memory_in_bounds(md, offset, length))
		return IOKIT_RETURN_BAD_ARGUMENT;
	io_memory_copy(md, offset, buf, length, false);
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_read);

/**
 * io_memory_descriptor_write() - writeBytes: copy into the memory
 * @md: the descriptor
 * @offset: where in it to start
 * @buf: @length bytes of kernel memory
 * @length: how many
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT past the descriptor's end,
 * or _NOT_WRITABLE for a caller's memory given only to be read (no
 * IO_MEMORY_DIRECTION_IN).
 */
u32 io_memory_descriptor_write(struct io_memory_descriptor *md, u64 offset, const void *buf,
			       u64 length)
{
	if (!io_memory_in_bounds(md, offset, length))
		return IOKIT_RETURN_BAD_ARGUMENT;
	if (!io_memory_is_buffer(md) && !(md->direction & IO_MEMORY_DIRECTION_IN))
		return IOKIT_RETURN_NOT_WRITABLE;
	io_memory_copy(md, offset, (void *)buf, length, true);
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_write);

/**
 * io_buffer_memory_descriptor_address() - GetAddressRange: the buffer's bytes
 * @md: a buffer descriptor
 *
 * Return: its kernel address, or NULL if @md is not a buffer.
 */
void *io_buffer_memory_descriptor_address(struct io_memory_descriptor *md)
{
	return io_memory_is_buffer(md) ? md->buffer : NULL;
}
EXPORT_SYMBOL_GPL(io_buffer_memory_descriptor_address);

/**
 * io_buffer_memory_descriptor_set_length() - SetLength
 * @md: a buffer descriptor
 * @length: the bytes it now describes, at most its capacity
 *
 * Return: IOKIT_RETURN_SUCCESS, or _BAD_ARGUMENT.
 */
u32 io_buffer_memory_descriptor_set_length(struct io_memory_descriptor *md, u64 length)
{
	if (!io_memory_is_buffer(md) || length > md->capacity)
		return IOKIT_RETURN_BAD_ARGUMENT;
	WRITE_ONCE(md->length, length);
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_buffer_memory_descriptor_set_length);

/**
 * io_buffer_memory_descriptor_pfn() - a buffer page, for a user mapping
 * @md: a buffer descriptor
 * @index: the page's index in the buffer
 * @pfn: out: its page frame
 *
 * Return: true if @index is within the buffer's capacity.
 */
bool io_buffer_memory_descriptor_pfn(const struct io_memory_descriptor *md,
				     unsigned long index, unsigned long *pfn)
{
	if (!io_memory_is_buffer(md) || index >= md->capacity >> PAGE_SHIFT)
		return false;
	*pfn = vmalloc_to_pfn(md->buffer + (index << PAGE_SHIFT));
	return true;
}

/**
 * io_buffer_memory_descriptor_capacity() - bytes an application may map
 * @md: the descriptor
 *
 * Return: a buffer's capacity (whole pages), 0 for any other descriptor.
 */
u64 io_buffer_memory_descriptor_capacity(const struct io_memory_descriptor *md)
{
	return io_memory_is_buffer(md) ? md->capacity : 0;
}

static void io_memory_map_free(struct os_object *obj)
{
	struct io_memory_map *map = container_of(obj, struct io_memory_map, obj);

	if (map->vmap)
		vunmap(map->vmap);
	io_memory_descriptor_put(map->md);
	kfree(map);
}

/* io_memory_map_class: IOMemoryMap */
const struct os_class io_memory_map_class = {
	.name = "IOMemoryMap",
	.super = &os_object_class,
	.free = io_memory_map_free,
};
EXPORT_SYMBOL_GPL(io_memory_map_class);

/* vmap() the pages under [@offset, @offset + @length) of application memory. */
static u32 io_memory_map_user(struct io_memory_map *map, u64 offset, u64 length)
{
	struct io_memory_descriptor *md = map->md;
	pgprot_t prot = md->direction & IO_MEMORY_DIRECTION_IN ? PAGE_KERNEL : PAGE_KERNEL_RO;
	unsigned int i;

	/* One contiguous kernel range: ranges may only meet at page boundaries. */
	for (i = 0; i < md->nr_ranges; i++) {
		const struct io_memory_range *r = &md->ranges[i];

		if ((i && r->offset) ||
		    (i + 1 < md->nr_ranges && offset_in_page(r->offset + r->length)))
			return IOKIT_RETURN_NOT_ALIGNED;
	}
	map->vmap = vmap(md->pages, md->nr_pages, VM_MAP, prot);
	if (!map->vmap)
		return IOKIT_RETURN_NO_MEMORY;
	map->address = map->vmap + md->ranges[0].offset + offset;
	map->length = length;
	return IOKIT_RETURN_SUCCESS;
}

/**
 * io_memory_descriptor_create_mapping() - CreateMapping into the kernel
 * @md: the descriptor
 * @offset: the first byte to map
 * @length: how many; 0 for the rest of the descriptor
 * @map: out: the mapping, with one reference; it holds @md
 *
 * Application memory pinned without IO_MEMORY_DIRECTION_IN is mapped
 * read-only.  A descriptor of several ranges maps as one only if they
 * meet at page boundaries.
 *
 * Return: IOKIT_RETURN_SUCCESS, _BAD_ARGUMENT out of bounds,
 * _NOT_ALIGNED, or _NO_MEMORY.
 */
u32 io_memory_descriptor_create_mapping(struct io_memory_descriptor *md, u64 offset,
					u64 length, struct io_memory_map **map)
{
	struct io_memory_map *m;
	u32 ret;

	*map = NULL;
	if (!length && offset <= md->length)
		length = md->length - offset;
	if (!length || !io_memory_in_bounds(md, offset, length))
		return IOKIT_RETURN_BAD_ARGUMENT;
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return IOKIT_RETURN_NO_MEMORY;
	os_object_init_gfp(&m->obj, &io_memory_map_class, GFP_KERNEL_ACCOUNT);
	m->md = io_memory_descriptor_get(md);
	if (io_memory_linear(md)) {
		m->address = io_memory_linear(md) + offset;
		m->length = length;
		ret = IOKIT_RETURN_SUCCESS;
	} else {
		ret = io_memory_map_user(m, offset, length);
	}
	if (ret) {
		os_object_put(&m->obj);
		return ret;
	}
	*map = m;
	return IOKIT_RETURN_SUCCESS;
}
EXPORT_SYMBOL_GPL(io_memory_descriptor_create_mapping);

/**
 * io_memory_map_address() - GetAddress: the mapping's first byte
 * @map: the mapping
 *
 * Return: a kernel address, valid while @map is held.
 */
void *io_memory_map_address(const struct io_memory_map *map)
{
	return map->address;
}
EXPORT_SYMBOL_GPL(io_memory_map_address);

/**
 * io_memory_map_length() - GetLength of a mapping
 * @map: the mapping
 *
 * Return: the bytes mapped.
 */
u64 io_memory_map_length(const struct io_memory_map *map)
{
	return map->length;
}
EXPORT_SYMBOL_GPL(io_memory_map_length);

/**
 * io_memory_map_put() - drop a reference to a mapping
 * @map: the mapping, or NULL
 *
 * Process context: the last reference unmaps it.
 */
void io_memory_map_put(struct io_memory_map *map)
{
	might_sleep();
	if (map)
		os_object_put(&map->obj);
}
EXPORT_SYMBOL_GPL(io_memory_map_put);
