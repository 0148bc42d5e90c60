/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOMemoryDescriptor, IOBufferMemoryDescriptor and IOMemoryMap
 * (Documentation/user-client.rst, "Memory descriptors").
 *
 * A memory descriptor names memory a driver reads or writes without
 * knowing where it lives: an application's pages, pinned for as long as
 * the descriptor exists, or a buffer the kernel allocated.  A driver
 * copies through it (io_memory_descriptor_read/write) or maps it into
 * the kernel (io_memory_descriptor_create_mapping); IODMACommand will
 * take the same object and walk its pages.
 *
 *	struct io_memory_descriptor *md;
 *	struct io_memory_map *map;
 *
 *	ret = io_buffer_memory_descriptor_create(IO_MEMORY_DIRECTION_INOUT,
 *						 3 * PAGE_SIZE, &md);
 *	if (ret)
 *		return ret;
 *	ret = io_memory_descriptor_create_mapping(md, 0, 0, &map);
 *	if (!ret) {
 *		memset(io_memory_map_address(map), 0, io_memory_map_length(map));
 *		io_memory_map_put(map);
 *	}
 *	io_memory_descriptor_put(md);
 *
 * Every object here is an OSObject with a reference count; a mapping
 * holds its descriptor.  Creating and putting them may sleep (the last
 * put unpins and unmaps): process context only.  What a map's address
 * points at may be used from any context while the map is held; a map
 * of memory pinned for reading is read-only.
 */
#ifndef _IOKIT_IO_MEMORY_DESCRIPTOR_H
#define _IOKIT_IO_MEMORY_DESCRIPTOR_H

#include <linux/types.h>

#include <linux/iokit.h>

#include <iokit/os_object.h>

/* Apple's IODirection: which way data moves between the memory and the device. */
#define IO_MEMORY_DIRECTION_IN		0x1	/* into the memory: the driver writes it */
#define IO_MEMORY_DIRECTION_OUT		0x2	/* out of the memory: the driver reads it */
#define IO_MEMORY_DIRECTION_INOUT	0x3
#define IO_MEMORY_DIRECTION_MASK	0x3

/* Most ranges one descriptor over a client's memory may have (DriverKit's 32). */
#define IO_MEMORY_SEGMENTS_MAX		32

/**
 * struct io_memory_segment - IOAddressSegment: one range of a client's memory
 * @address: its start, a user address of the calling process
 * @length: its length in bytes, not 0
 */
struct io_memory_segment {
	u64 address;
	u64 length;
};

struct io_memory_descriptor;
struct io_memory_map;

extern const struct os_class io_memory_descriptor_class;
extern const struct os_class io_buffer_memory_descriptor_class;
extern const struct os_class io_memory_map_class;

u32 io_memory_descriptor_create_from_user(const struct io_memory_segment *segments,
					  unsigned int count, u32 direction,
					  struct io_memory_descriptor **md);
u32 io_memory_descriptor_create_kernel(void *address, u64 length, u32 direction,
				       struct io_memory_descriptor **md);
u32 io_buffer_memory_descriptor_create(u32 direction, u64 capacity,
				       struct io_memory_descriptor **md);

struct io_memory_descriptor *io_memory_descriptor_get(struct io_memory_descriptor *md);
void io_memory_descriptor_put(struct io_memory_descriptor *md);
u64 io_memory_descriptor_length(const struct io_memory_descriptor *md);
u32 io_memory_descriptor_direction(const struct io_memory_descriptor *md);
u32 io_memory_descriptor_read(struct io_memory_descriptor *md, u64 offset, void *buf,
			      u64 length);
u32 io_memory_descriptor_write(struct io_memory_descriptor *md, u64 offset, const void *buf,
			       u64 length);

void *io_buffer_memory_descriptor_address(struct io_memory_descriptor *md);
u32 io_buffer_memory_descriptor_set_length(struct io_memory_descriptor *md, u64 length);

u32 io_memory_descriptor_create_mapping(struct io_memory_descriptor *md, u64 offset,
					u64 length, struct io_memory_map **map);
void *io_memory_map_address(const struct io_memory_map *map);
u64 io_memory_map_length(const struct io_memory_map *map);
void io_memory_map_put(struct io_memory_map *map);

#endif /* _IOKIT_IO_MEMORY_DESCRIPTOR_H */
