/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Notification port helpers for selftests: raw IOKIT_IOC_PORT_CREATE and
 * IOKIT_IOC_NOTIFICATION, and a reader that collects records.
 */
#ifndef IOKIT_NOTIFY_UTIL_H
#define IOKIT_NOTIFY_UTIL_H

#include <poll.h>

#include "registry_util.h"

/* A port's fd, or -1 with the IOReturn in *ret (if given). */
static inline int port_create(int fd, uint32_t flags, uint32_t limit, uint32_t *ret)
{
	struct iokit_port_create pc = {
		.size = sizeof(pc), .flags = flags, .queue_limit = limit,
	};

	ioctl(fd, IOKIT_IOC_PORT_CREATE, &pc);
	if (ret)
		*ret = pc.ioreturn;
	return pc.ioreturn ? -1 : pc.fd;
}

/* A matching dictionary {key: value} with one string value. */
static inline void match_str(struct ioks *s, const char *key, const char *value)
{
	ioks_begin(s);
	ioks_dict(s, 1);
	ioks_str(s, key);
	ioks_str(s, value);
}

/*
 * Arm a notification of @type for services whose @key is @value; the
 * services that already qualify go to @ids (capacity *count).  Returns the
 * IOReturn; the notification's ID goes to *nid.
 */
static inline uint32_t notify_add(int fd, int port, uint32_t type, const char *key,
				  const char *value, uint64_t refcon,
				  uint64_t *ids, uint32_t *count, uint64_t *nid)
{
	struct ioks s;
	struct iokit_notification n = {
		.size = sizeof(n), .op = IOKIT_NOTIFICATION_ADD, .type = type,
		.port_fd = port, .refcon = refcon,
		.ids = (uintptr_t)ids, .count = count ? *count : 0,
	};

	match_str(&s, key, value);
	n.data = (uintptr_t)s.buf;
	n.data_size = s.w.len;
	ioctl(fd, IOKIT_IOC_NOTIFICATION, &n);
	if (count)
		*count = n.count;
	if (nid)
		*nid = n.notification_id;
	return n.ioreturn;
}

#define EVENTS_MAX	256

struct events {
	struct iokit_event ev[EVENTS_MAX];
	int n;
};

/*
 * Read records from @port until @want of @type (0: any) have arrived or
 * @ms pass with nothing new, copying up to @cap of them into @out at
 * @stride bytes each (at most @stride of a record).  Every record a read
 * returns is counted, also past @want.  Returns the number of records of
 * @type read, -1 for a malformed one.
 */
static inline int port_read(int port, size_t stride, void *out, int cap, int want, int ms,
			    uint32_t type)
{
	uint64_t buf[1024];
	int n = 0;

	while (n < want) {
		struct pollfd pfd = { .fd = port, .events = POLLIN };
		ssize_t len, off;

		if (poll(&pfd, 1, ms) <= 0)
			break;
		len = read(port, buf, sizeof(buf));
		if (len <= 0)
			break;
		for (off = 0; off < len;) {
			struct iokit_event *ev = (struct iokit_event *)((char *)buf + off);

			if (ev->size < sizeof(*ev) || ev->size % 8)
				return -1;
			if (!type || ev->type == type) {
				if (n < cap) {
					memset((char *)out + n * stride, 0, stride);
					memcpy((char *)out + n * stride, ev,
					       ev->size < stride ? ev->size : stride);
				}
				n++;
			}
			off += ev->size;
		}
	}
	return n;
}

/*
 * Read records from @port until @want have arrived or @ms pass with
 * nothing new.  Returns the number read.
 */
static inline int events_read(int port, struct events *e, int want, int ms)
{
	int n = port_read(port, sizeof(e->ev[0]), e->ev, EVENTS_MAX, want, ms, 0);

	e->n = n < EVENTS_MAX ? n : EVENTS_MAX;
	return n < 0 ? n : e->n;
}

/* Index of the first record of @type about @entry_id (0: any), or -1. */
static inline int events_find(const struct events *e, uint32_t type, uint64_t entry_id)
{
	int i;

	for (i = 0; i < e->n; i++)
		if (e->ev[i].type == type && (!entry_id || e->ev[i].entry_id == entry_id))
			return i;
	return -1;
}

/* Number of records of @type. */
static inline int events_count(const struct events *e, uint32_t type)
{
	int i, n = 0;

	for (i = 0; i < e->n; i++)
		n += e->ev[i].type == type;
	return n;
}

#endif /* IOKIT_NOTIFY_UTIL_H */
