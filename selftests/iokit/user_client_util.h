/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the IOUserClient tests: opening a service, calling a
 * method through the raw ABI, and the test user client's debugfs.
 */
#ifndef IOKIT_USER_CLIENT_UTIL_H
#define IOKIT_USER_CLIENT_UTIL_H

#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iokit.h>

#include "driver_util.h"

#define UC_DEBUG "/sys/kernel/debug/iokit_test_user_client/"

/* The test user client's selectors (kmod/test/iokit_test_user_client.c). */
enum {
	UC_NULL, UC_ADD, UC_ECHO, UC_SCALARS16, UC_REVERSE16, UC_SLEEP,
	UC_UNIMPLEMENTED, UC_ASYNC, UC_COUNT, UC_TOO_LONG, UC_FAILS, UC_ASYNC_LATER,
	UC_ASYNC_FORGET, UC_ASYNC_NOW, UC_ASYNC_FAILS, UC_ASYNC_SLOW_FAILS, UC_OOL_SUM,
	UC_OOL_FILL, UC_VAR_OUT, UC_SHARED_PEEK, UC_SHARED_POKE, UC_FROM_CLIENT, UC_ENTITLEMENTS,
	UC_NOTIFY, UC_NOTIFY_LATER,
	UC_METHODS
};

/* IOServiceOpen: the IOReturn; *@conn the descriptor; @reason if not NULL. */
static inline uint32_t uc_open(int fd, uint64_t id, uint32_t type, int *conn,
			       struct iokit_reason *reason)
{
	struct iokit_service_open so = {
		.size = sizeof(so), .entry_id = id, .type = type,
	};

	if (ioctl(fd, IOKIT_IOC_SERVICE_OPEN, &so) && !so.ioreturn)
		so.ioreturn = IOKIT_RETURN_ERROR;
	*conn = so.fd;
	if (reason)
		*reason = so.reason;
	return so.ioreturn;
}

/* A call's arguments; the fields not given are zero. */
static inline void uc_method_init(struct iokit_connect_method *m, uint32_t selector)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->selector = selector;
}

static inline uint32_t uc_call(int conn, struct iokit_connect_method *m)
{
	if (ioctl(conn, IOKIT_IOC_CONNECT_METHOD, m) && !m->ioreturn)
		return IOKIT_RETURN_ERROR;
	return m->ioreturn;
}

/* IOConnectCallScalarMethod. */
static inline uint32_t uc_scalars(int conn, uint32_t selector, const uint64_t *in,
				  uint32_t in_count, uint64_t *out, uint32_t *out_count)
{
	struct iokit_connect_method m;
	uint32_t ret;

	uc_method_init(&m, selector);
	m.scalar_input = (uintptr_t)in;
	m.scalar_input_count = in_count;
	m.scalar_output = (uintptr_t)out;
	m.scalar_output_count = out_count ? *out_count : 0;
	ret = uc_call(conn, &m);
	if (out_count)
		*out_count = m.scalar_output_count;
	return ret;
}

static inline uint32_t uc_close(int conn)
{
	struct iokit_connect_close c = { .size = sizeof(c) };

	if (ioctl(conn, IOKIT_IOC_CONNECT_CLOSE, &c) && !c.ioreturn)
		return IOKIT_RETURN_ERROR;
	return c.ioreturn;
}

static inline uint32_t uc_info(int conn, struct iokit_connect_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (ioctl(conn, IOKIT_IOC_CONNECT_INFO, info) && !info->ioreturn)
		return IOKIT_RETURN_ERROR;
	return info->ioreturn;
}

/* An async call: IOConnectCallAsyncScalarMethod. */
static inline uint32_t uc_async(int conn, uint32_t selector, int port, const uint64_t *ref,
				uint32_t ref_count, const uint64_t *in, uint32_t in_count,
				struct iokit_reason *reason)
{
	struct iokit_connect_method m;
	uint32_t ret;

	uc_method_init(&m, selector);
	m.port_fd = port;
	m.reference_count = ref_count;
	memcpy(m.reference, ref, ref_count * sizeof(*ref));
	m.scalar_input = (uintptr_t)in;
	m.scalar_input_count = in_count;
	ret = uc_call(conn, &m);
	if (reason)
		*reason = m.reason;
	return ret;
}

/*
 * Read async completion records from @port until @want have come or @ms
 * pass with nothing new, into @recs (room for @want); other records are
 * skipped.  Returns how many came, also past @want.
 */
static inline int async_read(int port, struct iokit_async_completion *recs, int want, int ms)
{
	return port_read(port, sizeof(*recs), recs, want, want, ms, IOKIT_EVENT_ASYNC);
}

/* IOConnectSetNotificationPort: the IOReturn; @reason if not NULL. */
static inline uint32_t uc_set_port(int conn, uint32_t type, int port, uint64_t reference,
				   struct iokit_reason *reason)
{
	struct iokit_connect_notification_port np = {
		.size = sizeof(np), .type = type, .port_fd = port, .reference = reference,
	};

	if (ioctl(conn, IOKIT_IOC_CONNECT_NOTIFICATION_PORT, &np) && !np.ioreturn)
		np.ioreturn = IOKIT_RETURN_ERROR;
	if (reason)
		*reason = np.reason;
	return np.ioreturn;
}

/* As async_read(), for the client's own notifications. */
static inline int client_read(int port, struct iokit_client_notification *recs, int want, int ms)
{
	return port_read(port, sizeof(*recs), recs, want, want, ms, IOKIT_EVENT_CLIENT);
}

/* The test module's log: one "event class" line per call iokit made. */
static inline char *uc_log(void)
{
	return read_log_at(UC_DEBUG "log");
}

static inline int uc_log_has(const char *line)
{
	return log_has_at(UC_DEBUG "log", line);
}

static inline int uc_log_count(const char *line)
{
	char want[128];
	const char *p = uc_log();
	int n = 0;

	snprintf(want, sizeof(want), "\n%s\n", line);
	while ((p = strstr(p, want))) {
		n++;
		p++;
	}
	return n;
}

/* Wait until @n calls run in the test client (debugfs "inflight"): 0 or -1. */
static inline int uc_wait_inflight(long n)
{
	for (int i = 0; i < 400; i++) {
		if (read_long_file(UC_DEBUG "inflight") == n)
			return 0;
		usleep(5 * 1000);
	}
	return -1;
}

static inline void uc_log_clear(void)
{
	clear_log_at(UC_DEBUG "log");
}

/* The one instance of service class @cls, or 0. */
static inline uint64_t uc_service(int fd, const char *cls)
{
	uint64_t ids[8];

	return instances(fd, cls, ids) == 1 ? ids[0] : 0;
}

/* IOKIT_IOC_CONNECT_MEMORY: what mapping memory @type takes. */
static inline uint32_t uc_memory(int conn, uint32_t type, struct iokit_connect_memory *cm)
{
	memset(cm, 0, sizeof(*cm));
	cm->size = sizeof(*cm);
	cm->type = type;
	if (ioctl(conn, IOKIT_IOC_CONNECT_MEMORY, cm) && !cm->ioreturn)
		return IOKIT_RETURN_ERROR;
	return cm->ioreturn;
}

#ifdef __KSELFTEST_HARNESS_H
/*
 * What every user-client fixture starts with: /dev/iokit, iokit's live
 * objects counted, the test module loaded and its TestUCService found.
 */
static inline void uc_fixture_setup(struct __test_metadata *_metadata, int *fd, long *objects,
				    uint64_t *service)
{
	*fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, *fd);
	*objects = iokit_live_objects();
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(*fd));
	*service = uc_service(*fd, "TestUCService");
	ASSERT_NE(0, *service);
	uc_log_clear();
}

/* The test module goes, and everything the test made with it. */
static inline void uc_unload_clean(struct __test_metadata *_metadata, long objects)
{
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	/* Completions go back on iokit's workqueue: give it a moment. */
	for (int i = 0; i < 50 && iokit_live_kind("async"); i++)
		usleep(20 * 1000);
	EXPECT_EQ(0, iokit_live_kind("async"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
	EXPECT_EQ(0, iokit_live_kind("memory_descriptors"));
	EXPECT_EQ(0, iokit_live_kind("mappings"));
	EXPECT_EQ(objects, iokit_live_objects());
}
#endif

#endif /* IOKIT_USER_CLIENT_UTIL_H */
