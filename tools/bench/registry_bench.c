// SPDX-License-Identifier: GPL-2.0-only
/*
 * registry_bench: I/O Registry speed, as ratios measured side by side in
 * one run (never as absolute pass/fail times).  Needs root and iokit.ko
 * with test_interface=1 (it grows the registry with test entries).
 *
 *   lookup      IOKIT_IOC_ENTRY_INFO by ID vs a bare IOKIT_IOC_VERSION
 *               ioctl: what a lookup costs on top of the dispatcher
 *   scaling     lookup by ID with 10,000 entries vs with 100: near 1
 *               means IDs resolve in constant time
 *   matching    one IOServiceGetMatchingServices over 10,000 entries,
 *               per entry, vs over 1,000 entries: near 1 means the cost
 *               is linear in the registry's size, with nothing worse
 *   catalogue   driver matching (the real matcher, nothing started) of
 *               1,000 nubs against 10,000 personalities vs against 1,000,
 *               per nub: near 1 means the catalogue's index keeps a nub
 *               from looking at personalities that cannot be its own
 *   notify      publishing and terminating 1,000 entries with 1,024 armed
 *               notifications that do not match them vs with none, per
 *               entry: what a port holding IOKIT_NOTIFICATIONS_MAX costs
 *               everyone else's publishes (each is matched every time)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/iokit.h>

#include "os_serial.h"

static int fd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "registry_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t test_op(uint32_t op, uint32_t count, uint64_t *first)
{
	struct iokit_test_entries te = { .size = sizeof(te), .op = op, .count = count };

	if (ioctl(fd, IOKIT_IOC_TEST_ENTRIES, &te))
		die("IOKIT_IOC_TEST_ENTRIES (load iokit.ko with test_interface=1, as root)");
	if (first)
		*first = te.first_id;
	return te.result;
}

static void test_entries(uint32_t op, uint32_t count, uint64_t *first)
{
	test_op(op, count, first);
}

/* Seconds per nub of driver matching over all test entries, @n rounds. */
static double bench_catalogue(int n, unsigned int nubs)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++)
		if (test_op(IOKIT_TEST_MATCH_ALL, 0, NULL) != nubs)
			die("IOKIT_TEST_MATCH_ALL: each nub must match exactly one personality");
	return (now() - t) / n / nubs;
}

/* Seconds per call of @n bare version ioctls. */
static double bench_version(int n)
{
	struct iokit_version v;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		v.size = sizeof(v);
		if (ioctl(fd, IOKIT_IOC_VERSION, &v))
			die("IOKIT_IOC_VERSION");
	}
	return (now() - t) / n;
}

/* Seconds per lookup of @n IDs spread over [first, first + count). */
static double bench_lookup(uint64_t first, uint32_t count, int n)
{
	struct iokit_entry_info info;
	double t = now();
	int i;

	memset(&info, 0, sizeof(info));
	for (i = 0; i < n; i++) {
		info.size = sizeof(info);
		info.entry_id = first + (uint64_t)(i * 7919u) % count;
		if (ioctl(fd, IOKIT_IOC_ENTRY_INFO, &info))
			die("IOKIT_IOC_ENTRY_INFO");
	}
	return (now() - t) / n;
}

/* Into @buf, {IOProviderClass: IOTestEntry, IOPropertyMatch: {test-index: @index}}. */
static uint32_t test_index_match(uint8_t *buf, uint32_t size, uint32_t index)
{
	struct os_serial_writer w;

	os_serial_begin(&w, buf, size);
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 2);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOProviderClass", 15);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOTestEntry", 11);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOPropertyMatch", 15);
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "test-index", 10);
	os_serial_put_number(&w, index, 32);
	return w.len;
}

static void wait_quiet(void)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq) };

	if (ioctl(fd, IOKIT_IOC_WAIT_QUIET, &wq) || wq.ioreturn)
		die("IOKIT_IOC_WAIT_QUIET");
}

/*
 * Arm @n first-publish and @n terminated notifications on a new port, for
 * test entries of indexes no entry has: each is matched, in full, against
 * every entry published or terminated.  Returns the port.
 */
static int arm_unmatched(int n)
{
	struct iokit_port_create pc = { .size = sizeof(pc), .queue_limit = 16 };
	static uint8_t buf[512];
	int i;

	if (ioctl(fd, IOKIT_IOC_PORT_CREATE, &pc) || pc.ioreturn)
		die("IOKIT_IOC_PORT_CREATE");
	for (i = 0; i < n; i++) {
		struct iokit_notification na = {
			.size = sizeof(na), .op = IOKIT_NOTIFICATION_ADD,
			.type = i % 2 ? IOKIT_NOTIFY_TERMINATED : IOKIT_NOTIFY_FIRST_PUBLISH,
			.port_fd = pc.fd, .data = (uintptr_t)buf,
		};

		na.data_size = test_index_match(buf, sizeof(buf), 1000000 + i);
		if (ioctl(fd, IOKIT_IOC_NOTIFICATION, &na) || na.ioreturn)
			die("IOKIT_IOC_NOTIFICATION");
	}
	return pc.fd;
}

/* Seconds per entry to publish then terminate @count new test entries. */
static double bench_publish(uint32_t count)
{
	double t = now();

	test_entries(IOKIT_TEST_ENTRIES_ADD, count, NULL);
	test_entries(IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL);
	wait_quiet();
	test_entries(IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL);
	return (now() - t) / count;
}

/* Seconds per query matching one test entry by its index property. */
static double bench_matching(int n)
{
	static uint8_t buf[512];
	uint64_t ids[4];
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		struct iokit_matching m = {
			.size = sizeof(m), .count = 4, .ids = (uintptr_t)ids,
			.data = (uintptr_t)buf,
		};

		m.data_size = test_index_match(buf, sizeof(buf), i % 100);
		if (ioctl(fd, IOKIT_IOC_GET_MATCHING, &m) || m.count != 1)
			die("IOKIT_IOC_GET_MATCHING");
	}
	return (now() - t) / n;
}

int main(void)
{
	double base, small, large, m_small, m_large, c_small, c_large;
	double p_none, p_armed;
	uint64_t first;
	int port;

	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(IOKIT_DEVICE_PATH);
	test_entries(IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL);

	test_entries(IOKIT_TEST_ENTRIES_ADD, 100, &first);
	base = bench_version(200000);
	small = bench_lookup(first, 100, 200000);
	test_entries(IOKIT_TEST_ENTRIES_ADD, 900, NULL);
	m_small = bench_matching(200) / 1000;
	test_entries(IOKIT_TEST_ENTRIES_ADD, 9000, NULL);
	large = bench_lookup(first, 10000, 200000);
	m_large = bench_matching(40) / 10000;
	test_entries(IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL);

	/* 1,000 nubs; 1,000 then 10,000 personalities, one for each index. */
	test_entries(IOKIT_TEST_ENTRIES_ADD, 1000, NULL);
	test_op(IOKIT_TEST_PERSONALITIES_ADD, 1000, NULL);
	c_small = bench_catalogue(20, 1000);
	test_op(IOKIT_TEST_PERSONALITIES_ADD, 9000, NULL);
	c_large = bench_catalogue(20, 1000);
	test_op(IOKIT_TEST_PERSONALITIES_REMOVE_ALL, 0, NULL);
	test_entries(IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL);

	p_none = bench_publish(1000);
	port = arm_unmatched(IOKIT_NOTIFICATIONS_MAX);
	p_armed = bench_publish(1000);
	close(port);

	printf("bench: catalogue: driver matching %.0f ns per nub with 1000 personalities\n",
	       c_small * 1e9);
	printf("bench: catalogue: per-nub cost 10000/1000 personalities ratio %.2f (1 = indexed)\n",
	       c_large / c_small);
	printf("bench: registry: bare ioctl %.0f ns, lookup by ID %.0f ns\n",
	       base * 1e9, large * 1e9);
	printf("bench: registry: lookup/bare-ioctl ratio %.2f\n", large / base);
	printf("bench: registry: lookup 10000/100 entries ratio %.2f (1 = constant time)\n",
	       large / small);
	printf("bench: registry: matching query over 10000 entries: %.0f ns per entry\n",
	       m_large * 1e9);
	printf("bench: registry: matching per-entry 10000/1000 entries ratio %.2f (1 = linear)\n",
	       m_large / m_small);
	printf("bench: notify: publish+terminate %.0f ns per entry with no notifications\n",
	       p_none * 1e9);
	printf("bench: notify: per-entry cost with %d unmatched notifications/none ratio %.2f\n",
	       IOKIT_NOTIFICATIONS_MAX, p_armed / p_none);
	close(fd);
	return 0;
}
