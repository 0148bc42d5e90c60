// SPDX-License-Identifier: GPL-2.0-only
/*
 * Notification ports and matching notifications: records read from the
 * port, services that already qualify listed when a notification is armed
 * (exactly once: listed or posted), publish/matched/terminated delivered
 * in lifecycle order, a full queue counted in one overflow record, bad
 * requests refused with a clear IOReturn, and nothing left behind when a
 * port is closed.  Synthetic services come from the test interface.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "notify_util.h"

FIXTURE(ntf) {
	int fd;
	int port;
};

FIXTURE_SETUP(ntf)
{
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, self->port);
}

FIXTURE_TEARDOWN(ntf)
{
	struct iokit_test_entries te = {
		.size = sizeof(te), .op = IOKIT_TEST_ENTRIES_REMOVE_ALL,
	};

	if (!getuid())
		ioctl(self->fd, IOKIT_IOC_TEST_ENTRIES, &te);
	close(self->port);
	close(self->fd);
}

static int need_test_interface(void)
{
	return getuid() ||
	       system("echo 1 > /sys/module/iokit/parameters/test_interface");
}

TEST_F(ntf, empty_port_reads_and_polls)
{
	struct pollfd pfd = { .fd = self->port, .events = POLLIN };
	struct iokit_version v = { .size = sizeof(v) };
	uint64_t buf[8];

	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & IOKIT_FEATURE_NOTIFY);
	EXPECT_EQ(-1, read(self->port, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	/* A port is read-only and close-on-exec. */
	EXPECT_EQ(-1, write(self->port, buf, sizeof(buf)));
	EXPECT_EQ(FD_CLOEXEC, fcntl(self->port, F_GETFD) & FD_CLOEXEC);
}

TEST_F(ntf, bad_port_requests)
{
	uint32_t ret;

	EXPECT_EQ(-1, port_create(self->fd, 0x80, 0, &ret));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, ret);
	EXPECT_EQ(-1, port_create(self->fd, 0, 1, &ret));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, ret);
	EXPECT_EQ(-1, port_create(self->fd, 0, IOKIT_PORT_QUEUE_MAX + 1, &ret));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, ret);
}

TEST_F(ntf, bad_notification_requests)
{
	long baseline = iokit_live_objects();
	struct iokit_notification n = { .size = sizeof(n) };
	uint32_t count = 0;
	uint64_t nid, id;
	struct ioks s;

	/* The control node itself, or nothing, is not a port. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  notify_add(self->fd, self->fd, IOKIT_NOTIFY_PUBLISH,
			     "IOProviderClass", "IOService", 0, NULL, NULL, NULL));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  notify_add(self->fd, -1, IOKIT_NOTIFY_PUBLISH,
			     "IOProviderClass", "IOService", 0, NULL, NULL, NULL));
	/* Types outside Apple's five. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  notify_add(self->fd, self->port, 0, "IOProviderClass", "IOService",
			     0, NULL, NULL, NULL));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  notify_add(self->fd, self->port, IOKIT_NOTIFY_TERMINATED + 1,
			     "IOProviderClass", "IOService", 0, NULL, NULL, NULL));
	/* A misspelled key is named by its reason, as for GetMatchingServices. */
	match_str(&s, "IOProviderClas", "IOService");
	n.op = IOKIT_NOTIFICATION_ADD;
	n.type = IOKIT_NOTIFY_PUBLISH;
	n.port_fd = self->port;
	n.data = (uintptr_t)s.buf;
	n.data_size = s.w.len;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, n.ioreturn);
	EXPECT_EQ(IOKIT_SERIAL_E_UNKNOWN_KEY, n.bad_reason);
	/* A truncated stream says where. */
	n.data_size = 3;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, n.ioreturn);
	EXPECT_NE(0, n.bad_reason);
	/* Unknown op, non-zero reserved field. */
	n.op = 2;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, n.ioreturn);
	n.op = IOKIT_NOTIFICATION_REMOVE;
	n.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, n.ioreturn);
	/* Removing what is not armed. */
	n.reserved = 0;
	n.notification_id = 12345;
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, n.ioreturn);
	/* Too little room for the services that already qualify: not armed. */
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE,
		  notify_add(self->fd, self->port, IOKIT_NOTIFY_PUBLISH, "IONameMatch",
			     "pci1234,11e8", 0, NULL, &count, &nid));
	EXPECT_EQ(1, count);
	EXPECT_EQ(0, nid);
	EXPECT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_PUBLISH, "IONameMatch",
				"pci1234,11e8", 0, &id, &count, &nid));
	EXPECT_NE(0, nid);
	n.notification_id = nid;
	EXPECT_EQ(0, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, n.ioreturn);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

/* Arming lists what already qualifies; nothing is posted twice. */
TEST_F(ntf, existing_services_are_listed_not_posted)
{
	struct events e;
	uint64_t ids[4], nub;
	uint32_t count = 4;
	struct ioks s;

	match_str(&s, "IONameMatch", "pci1234,11e8");
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, &nub, &count, NULL));
	ASSERT_EQ(1, count);

	count = 4;
	ASSERT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_FIRST_MATCH, "IONameMatch",
				"pci1234,11e8", 7, ids, &count, NULL));
	ASSERT_EQ(1, count);
	EXPECT_EQ(nub, ids[0]);
	count = 4;
	ASSERT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_PUBLISH, "IONameMatch",
				"pci1234,11e8", 8, ids, &count, NULL));
	EXPECT_EQ(1, count);
	/* Nothing has terminated yet. */
	count = 4;
	ASSERT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_TERMINATED, "IONameMatch",
				"pci1234,11e8", 9, ids, &count, NULL));
	EXPECT_EQ(0, count);
	EXPECT_EQ(0, events_read(self->port, &e, 1, 200));
}

/* A service's life, as notifications see it, in order. */
TEST_F(ntf, publish_match_and_terminate_in_order)
{
	static const uint32_t types[] = {
		IOKIT_NOTIFY_FIRST_PUBLISH, IOKIT_NOTIFY_PUBLISH, IOKIT_NOTIFY_MATCHED,
		IOKIT_NOTIFY_FIRST_MATCH, IOKIT_NOTIFY_TERMINATED,
	};
	uint64_t first, nids[5];
	uint32_t count;
	struct events e;
	int i, j;

	if (need_test_interface())
		SKIP(return, "needs root and the test interface");
	for (i = 0; i < 5; i++) {
		count = 0;
		ASSERT_EQ(0, notify_add(self->fd, self->port, types[i], "IOProviderClass",
					"IOTestEntry", 100 + i, NULL, &count, &nids[i]));
	}
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_ADD, 3, &first));
	/* Attached but not registered: not published, nothing to say. */
	EXPECT_EQ(0, events_read(self->port, &e, 1, 100));

	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(12, events_read(self->port, &e, 12, 2000));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(3, events_count(&e, types[i]));
	for (j = 0; j < e.n; j++) {
		i = e.ev[j].type - IOKIT_NOTIFY_FIRST_PUBLISH;
		ASSERT_TRUE(i >= 0 && i < 4);
		EXPECT_EQ(100 + i, e.ev[j].refcon);
		EXPECT_EQ(nids[i], e.ev[j].source_id);
		EXPECT_EQ(sizeof(struct iokit_event), e.ev[j].size);
	}
	for (i = 0; i < 3; i++) {
		EXPECT_LT(events_find(&e, IOKIT_NOTIFY_FIRST_PUBLISH, first + i),
			  events_find(&e, IOKIT_NOTIFY_PUBLISH, first + i));
		EXPECT_LT(events_find(&e, IOKIT_NOTIFY_PUBLISH, first + i),
			  events_find(&e, IOKIT_NOTIFY_FIRST_MATCH, first + i));
		EXPECT_LT(events_find(&e, IOKIT_NOTIFY_FIRST_MATCH, first + i),
			  events_find(&e, IOKIT_NOTIFY_MATCHED, first + i));
	}

	/* Terminating reports to the terminated notification alone. */
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	ASSERT_EQ(3, events_read(self->port, &e, 3, 2000));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(IOKIT_NOTIFY_TERMINATED, e.ev[i].type);
		EXPECT_EQ(104, e.ev[i].refcon);
		EXPECT_EQ(first + i, e.ev[i].entry_id);
	}
}

/* A full queue drops, counts, and says so in one record where it began. */
TEST(overflow_is_counted_in_one_record)
{
	long baseline = iokit_live_objects();
	int fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	uint32_t count = 0;
	struct events e;
	uint64_t first;
	int port;

	ASSERT_LE(0, fd);
	if (need_test_interface())
		SKIP(return, "needs root and the test interface");
	port = port_create(fd, IOKIT_PORT_NONBLOCK, 2, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, notify_add(fd, port, IOKIT_NOTIFY_PUBLISH, "IOProviderClass",
				"IOTestEntry", 1, NULL, &count, NULL));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_ADD, 5, &first));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	ASSERT_EQ(3, events_read(port, &e, 3, 2000));
	EXPECT_EQ(IOKIT_NOTIFY_PUBLISH, e.ev[0].type);
	EXPECT_EQ(first, e.ev[0].entry_id);
	EXPECT_EQ(first + 1, e.ev[1].entry_id);
	EXPECT_EQ(IOKIT_EVENT_OVERFLOW, e.ev[2].type);
	EXPECT_EQ(3, e.ev[2].count);
	/* Read: the queue has room again and nothing else is pending. */
	EXPECT_EQ(0, events_read(port, &e, 1, 100));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	close(port);
	close(fd);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

/* read() gives whole records only. */
TEST_F(ntf, short_read_buffer)
{
	struct iokit_event buf[4];
	uint32_t count = 0;
	uint64_t first;

	if (need_test_interface())
		SKIP(return, "needs root and the test interface");
	ASSERT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_PUBLISH,
				"IOProviderClass", "IOTestEntry", 1, NULL, &count, NULL));
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_ADD, 2, &first));
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(-1, read(self->port, buf, sizeof(struct iokit_event) - 1));
	EXPECT_EQ(EINVAL, errno);
	/* Room for one and a half: one comes back. */
	EXPECT_EQ(sizeof(struct iokit_event),
		  read(self->port, buf, sizeof(struct iokit_event) * 3 / 2));
	EXPECT_EQ(first, buf[0].entry_id);
	EXPECT_EQ(sizeof(struct iokit_event), read(self->port, buf, sizeof(buf)));
	EXPECT_EQ(first + 1, buf[0].entry_id);
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
}

/*
 * A read that cannot write its buffer fails with EFAULT and loses
 * nothing: the record it could not deliver is the next one read.
 */
TEST_F(ntf, a_faulting_read_keeps_its_record)
{
	long page = sysconf(_SC_PAGESIZE);
	struct iokit_event buf[2];
	uint32_t count = 0;
	uint64_t first;
	void *ro;

	if (need_test_interface())
		SKIP(return, "needs root and the test interface");
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, notify_add(self->fd, self->port, IOKIT_NOTIFY_PUBLISH,
				"IOProviderClass", "IOTestEntry", 1, NULL, &count, NULL));
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_ADD, 2, &first));
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(-1, read(self->port, ro, sizeof(buf)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(sizeof(buf), read(self->port, buf, sizeof(buf)));
	EXPECT_EQ(first, buf[0].entry_id);
	EXPECT_EQ(first + 1, buf[1].entry_id);
	munmap(ro, page);
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
}

/* A blocking reader sleeps until a record comes. */
TEST(blocking_read_wakes_up)
{
	int fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	struct iokit_event ev;
	uint32_t count = 0;
	uint64_t first;
	int port, status;
	pid_t pid;

	ASSERT_LE(0, fd);
	if (need_test_interface())
		SKIP(return, "needs root and the test interface");
	port = port_create(fd, 0, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, notify_add(fd, port, IOKIT_NOTIFY_FIRST_PUBLISH, "IOProviderClass",
				"IOTestEntry", 5, NULL, &count, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		alarm(20);
		_exit(read(port, &ev, sizeof(ev)) == sizeof(ev) &&
		      ev.type == IOKIT_NOTIFY_FIRST_PUBLISH && ev.refcon == 5 ? 0 : 1);
	}
	usleep(200000);
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_ADD, 1, &first));
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_PUBLISH, 0, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, iokit_test_entries(fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	close(port);
	close(fd);
}

/* Closing a port with notifications armed leaves nothing behind. */
TEST(closing_the_port_disarms)
{
	long baseline = iokit_live_objects();
	int fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	uint32_t count;
	int port, i;

	ASSERT_LE(0, fd);
	port = port_create(fd, 0, 0, NULL);
	ASSERT_LE(0, port);
	for (i = 0; i < 10; i++) {
		count = 0;
		EXPECT_EQ(0, notify_add(fd, port, IOKIT_NOTIFY_TERMINATED, "IOProviderClass",
					"IOService", i, NULL, &count, NULL));
	}
	close(port);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
	close(fd);
}

/* A port takes IOKIT_NOTIFICATIONS_MAX notifications, and not one more. */
TEST(a_port_takes_its_maximum_of_notifications)
{
	long baseline = iokit_live_objects();
	int fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	uint32_t ret = 0;
	int port, i;

	ASSERT_LE(0, fd);
	port = port_create(fd, 0, 0, NULL);
	ASSERT_LE(0, port);
	for (i = 0; i < IOKIT_NOTIFICATIONS_MAX && !ret; i++)
		ret = notify_add(fd, port, IOKIT_NOTIFY_TERMINATED, "IOProviderClass",
				 "NoSuchClass", i, NULL, NULL, NULL);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, ret);
	EXPECT_EQ(IOKIT_NOTIFICATIONS_MAX, i);
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES,
		  notify_add(fd, port, IOKIT_NOTIFY_TERMINATED, "IOProviderClass",
			     "NoSuchClass", i, NULL, NULL, NULL));
	close(port);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
	close(fd);
}

TEST_HARNESS_MAIN
