// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an unprivileged process can make the kernel do
 * (Documentation/security.rst): the memory it can make iokit hold is
 * bounded per user and charged to its memory cgroup, the delay it can add
 * to a hot-unplug is bounded by its matching budget, nested matching is
 * linear, tearing it all down does not monopolise a CPU; and the ABI's
 * rules for descriptors: privilege is the opener's, changing state needs
 * a writable node, a new descriptor exists only once the caller has been
 * told of it.  Measurements are printed.  Needs root (it runs the
 * unprivileged parts as nobody) and iokit-vm for hot-plug.
 */
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "driver_util.h"

#define NOBODY	65534
#define USERS	"/sys/kernel/debug/iokit/users"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Open descriptors of this process. */
static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1;	/* the directory's own */
}

/* What iokit holds for @uid, from debugfs "users": bytes and cost. */
static int user_charges(unsigned long uid, long *memory, long *cost)
{
	FILE *f = fopen(USERS, "r");
	unsigned long u;
	long m, c;
	int found = 0;

	*memory = *cost = 0;
	while (f && fscanf(f, "%lu %ld %ld", &u, &m, &c) == 3)
		if (u == uid) {
			*memory = m;
			*cost = c;
			found = 1;
		}
	if (f)
		fclose(f);
	return found;
}

/* The budgets, from the last line of debugfs "users". */
static int user_limits(long *memory, long *cost)
{
	char line[128];
	FILE *f = fopen(USERS, "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= sscanf(line, "limits %ld %ld", memory, cost) == 2;
	if (f)
		fclose(f);
	return found;
}

/* Become nobody for good; die with the test, whatever becomes of it. */
static int drop_to_nobody(void)
{
	return prctl(PR_SET_PDEATHSIG, SIGKILL) || setgroups(0, NULL) ||
	       setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY);
}

/*
 * A matching dictionary of @entries one-key dictionaries in an
 * IOPropertyMatch array, none of which any service has, under
 * IOProviderClass IOService and @depth IOParentMatch levels.  Returns
 * the stream's length in @buf (of @cap bytes).
 */
static size_t heavy_dict(uint8_t *buf, size_t cap, int depth, int entries)
{
	struct os_serial_writer w;
	int i;

	os_serial_begin(&w, buf, cap);
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 2);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOProviderClass", 15);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOService", 9);
	for (i = 0; i < depth; i++) {
		os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOParentMatch", 13);
		os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
	}
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOPropertyMatch", 15);
	os_serial_put_container(&w, IOKIT_SERIAL_ARRAY, entries);
	for (i = 0; i < entries; i++) {
		char key[16];

		snprintf(key, sizeof(key), "no-such-%d", i);
		os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
		os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, key, strlen(key));
		os_serial_put_number(&w, i, 32);
	}
	return w.len;
}

/* Arm a notification of @type for a stream: the IOReturn. */
static uint32_t arm_stream(int fd, int port, uint32_t type, const uint8_t *buf, size_t len)
{
	struct iokit_notification n = {
		.size = sizeof(n), .op = IOKIT_NOTIFICATION_ADD, .type = type,
		.port_fd = port, .data = (uintptr_t)buf, .data_size = len,
	};

	ioctl(fd, IOKIT_IOC_NOTIFICATION, &n);
	return n.ioreturn;
}

/*
 * A child and its parent taking turns: each end writes one byte for the
 * other to wait on.  @fds[0] the child reads, @fds[1] the parent writes;
 * @fds[2] the parent reads, @fds[3] the child writes.
 */
struct turns {
	int fds[4];
};

static int turns_open(struct turns *t)
{
	return pipe(t->fds) || pipe(t->fds + 2);
}

static void turns_close(struct turns *t)
{
	int i;

	for (i = 0; i < 4; i++)
		close(t->fds[i]);
}

/* Hand over to the other side and wait for it: 0, or -1 if it is gone. */
static int child_turn(struct turns *t)
{
	char c = 'c';

	return write(t->fds[3], &c, 1) == 1 && read(t->fds[0], &c, 1) == 1 ? 0 : -1;
}

static int parent_wait(struct turns *t)
{
	char c;

	return read(t->fds[2], &c, 1) == 1 ? 0 : -1;
}

static int parent_go(struct turns *t)
{
	char c = 'p';

	return write(t->fds[1], &c, 1) == 1 ? 0 : -1;
}

/* Results a child running as nobody shares with the test. */
struct nobody {
	int ports;		/* ports it made before the budget said no */
	uint32_t port_stop;	/* the IOReturn that stopped it */
	int notifications;	/* armed before the budget said no */
	uint32_t notify_stop;
	long memory, cost;	/* what iokit then held for it */
	double close_s;		/* closing it all */
	long memcg_before;	/* its memory cgroup's charge before arming */
	long memcg_armed;	/* and with its notifications armed */
	uint32_t other_id_stop;	/* a port asked for under another id of its own */
	int done;
};

static struct nobody *shared_result(void)
{
	struct nobody *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	memset(r, 0, sizeof(*r));
	return r;
}

FIXTURE(sec) {
	int fd;
	long baseline;
	uint8_t *big;
	size_t big_cap;
};

FIXTURE_SETUP(sec)
{
	if (getuid())
		SKIP(return, "needs root (it runs its unprivileged parts as nobody)");
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	self->baseline = iokit_live_objects();
	self->big_cap = IOKIT_SERIAL_SIZE_MAX;
	self->big = malloc(self->big_cap);
	ASSERT_NE(NULL, self->big);
}

FIXTURE_TEARDOWN(sec)
{
	free(self->big);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * A port's descriptor exists only once the struct naming it reached the
 * caller: with the struct in read-only memory the call fails with EFAULT
 * and leaves no descriptor and no port.  Before, the port's descriptor
 * was installed first and leaked.
 */
TEST_F(sec, port_descriptor_exists_only_once_returned)
{
	struct iokit_port_create *pc = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds = fd_count();

	ASSERT_NE(MAP_FAILED, pc);
	pc->size = sizeof(*pc);
	ASSERT_EQ(0, mprotect(pc, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, iokit_ioctl_err(self->fd, IOKIT_IOC_PORT_CREATE, pc));
	EXPECT_EQ(fds, fd_count());
	EXPECT_EQ(self->baseline, iokit_live_objects());
	munmap(pc, 4096);
}

/*
 * A node opened read-only reads the registry but changes nothing: every
 * command that would is refused with EBADF, as write(2) would be.
 */
TEST_F(sec, read_only_node_changes_nothing)
{
	struct iokit_property_data pd = { .size = sizeof(pd) };
	struct iokit_personality p = { .size = sizeof(p), .op = IOKIT_PERSONALITY_ADD };
	struct iokit_personality list = { .size = sizeof(list), .op = IOKIT_PERSONALITY_LIST };
	struct iokit_claim cl = { .size = sizeof(cl) };
	struct iokit_loader ld = { .size = sizeof(ld), .op = IOKIT_LOADER_DONE };
	struct iokit_test_entries te = { .size = sizeof(te) };
	uint64_t ids[4];
	uint32_t count = 4;
	struct ioks s;
	int ro = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, ro);
	EXPECT_EQ(EBADF, iokit_ioctl_err(ro, IOKIT_IOC_SET_PROPERTIES, &pd));
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, pd.ioreturn);
	EXPECT_EQ(EBADF, iokit_ioctl_err(ro, IOKIT_IOC_PERSONALITY, &p));
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, p.ioreturn);
	EXPECT_EQ(EBADF, iokit_ioctl_err(ro, IOKIT_IOC_CLAIM, &cl));
	EXPECT_EQ(EBADF, iokit_ioctl_err(ro, IOKIT_IOC_LOADER, &ld));
	EXPECT_EQ(EBADF, iokit_ioctl_err(ro, IOKIT_IOC_TEST_ENTRIES, &te));
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, te.ioreturn);

	/* Reading is what a read-only node is for. */
	list.data_size = 0;
	EXPECT_EQ(ENOSPC, iokit_ioctl_err(ro, IOKIT_IOC_PERSONALITY, &list));
	match_str(&s, "IOProviderClass", "IOPlatformExpertDevice");
	EXPECT_EQ(0, reg_matching(ro, s.buf, s.w.len, ids, &count, NULL));
	EXPECT_EQ(1, count);
	close(ro);
}

/*
 * Privilege is the opener's: a node opened while unprivileged stays so
 * when the same process regains CAP_SYS_ADMIN.  Before, the caller's
 * credentials at the time of the ioctl decided.
 */
TEST_F(sec, privilege_is_the_openers)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct iokit_personality p = {
			.size = sizeof(p), .op = IOKIT_PERSONALITY_LIST,
		};
		int fd;

		/* Unprivileged for the open, root again for the call. */
		if (setresuid(NOBODY, NOBODY, 0))
			_exit(2);
		fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0 || setresuid(0, 0, 0))
			_exit(3);
		ioctl(fd, IOKIT_IOC_PERSONALITY, &p);
		_exit(p.ioreturn == IOKIT_RETURN_NOT_PRIVILEGED && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The IOUSBHostDevice nubs whose serial number is @serial. */
static int usb_serial_count(int fd, const char *serial)
{
	uint64_t ids[4];

	return usb_devices_with(fd, "USB Serial Number", serial, ids, 4);
}

/*
 * Plug in a keyboard, then time its unplug until the kernel has taken it
 * out of the registry (terminations and their notifications done):
 * seconds, or -1.
 */
static double unplug_time(int fd, const char *id)
{
	char cmd[160];
	double t0;
	int i;

	snprintf(cmd, sizeof(cmd),
		 "iokit-vm-hotplug add usb-kbd id=%s bus=xhci.0 serial=%s >/dev/null", id, id);
	if (system(cmd))
		return -1;
	for (i = 0; i < 2000 && usb_serial_count(fd, id) != 1; i++)
		usleep(5000);
	if (iokit_wait_quiet(fd))
		return -1;
	snprintf(cmd, sizeof(cmd), "iokit-vm-hotplug del %s >/dev/null", id);
	t0 = now_s();
	if (system(cmd))
		return -1;
	for (i = 0; i < 20000 && usb_serial_count(fd, id); i++)
		usleep(1000);
	return i < 20000 ? now_s() - t0 : -1;
}

/*
 * As nobody: ports until the memory budget says no, then terminated
 * notifications with large dictionaries, which every service that goes
 * must be checked against, until the matching budget does.  What iokit
 * holds for the user stays under its budgets; the delay it adds to a
 * USB keyboard's unplug, measured against one with nothing armed, is
 * what the matching budget allows; closing everything gives every object
 * back without holding a CPU.
 */
static void nobody_fills_its_budgets(int fd, struct nobody *r, uint8_t *big, size_t cap,
				     struct turns *t)
{
	size_t len = heavy_dict(big, cap, 0, 1024);
	int ports[4096], n = 0, i;
	double t0;

	if (drop_to_nobody())
		_exit(2);
	for (;;) {
		struct iokit_port_create pc = {
			.size = sizeof(pc), .queue_limit = IOKIT_PORT_QUEUE_MAX,
		};

		if (ioctl(fd, IOKIT_IOC_PORT_CREATE, &pc) || n == 4096) {
			r->port_stop = pc.ioreturn;
			break;
		}
		ports[n++] = pc.fd;
	}
	r->ports = n;
	/* Room for notifications: give back half the ports. */
	for (i = n / 2; i < n; i++)
		close(ports[i]);
	n /= 2;
	for (;;) {
		uint32_t ret = n ? arm_stream(fd, ports[0], IOKIT_NOTIFY_TERMINATED, big, len) :
				   IOKIT_RETURN_ERROR;

		if (ret || r->notifications == 100000) {
			r->notify_stop = ret;
			break;
		}
		r->notifications++;
	}
	/* The parent reads what iokit holds for us (debugfs is root's). */
	if (child_turn(t))
		_exit(5);
	t0 = now_s();
	for (i = 0; i < n; i++)
		close(ports[i]);
	r->close_s = now_s() - t0;
	r->done = 1;
	_exit(0);
}

TEST_F_TIMEOUT(sec, an_unprivileged_user_is_held_to_its_budgets, 900)
{
	struct nobody *r = shared_result();
	long max_memory, max_cost, m, c;
	double alone = -1, loaded = -1;
	int vm = !!getenv("IOKIT_VM");
	struct turns t;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, r);
	ASSERT_TRUE(user_limits(&max_memory, &max_cost));
	if (vm) {
		alone = unplug_time(self->fd, "alone");
		ASSERT_LT(0, alone);
	}
	ASSERT_EQ(0, turns_open(&t));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		nobody_fills_its_budgets(self->fd, r, self->big, self->big_cap, &t);
	EXPECT_EQ(0, parent_wait(&t));
	user_charges(NOBODY, &r->memory, &r->cost);
	if (vm)
		loaded = unplug_time(self->fd, "loaded");
	EXPECT_EQ(0, parent_go(&t));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	turns_close(&t);
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_TRUE(r->done);

	TH_LOG("nobody: %d ports of %d records, then %d notifications",
	       r->ports, IOKIT_PORT_QUEUE_MAX, r->notifications);
	TH_LOG("held %ld KiB (budget %ld KiB), cost %ld (budget %ld); closing all took %.3f s",
	       r->memory >> 10, max_memory >> 10, r->cost, max_cost, r->close_s);
	if (vm) {
		TH_LOG("USB keyboard unplug: %.3f s alone, %.3f s with all of that armed",
		       alone, loaded);
		EXPECT_LT(0, loaded);
	}
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, r->port_stop);
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, r->notify_stop);
	EXPECT_LT(0, r->ports);
	EXPECT_LT(0, r->notifications);
	EXPECT_GE(max_memory, r->memory);
	EXPECT_GE(max_cost, r->cost);
	/* It was the budget that stopped each, not something else. */
	EXPECT_LT(max_memory / 2, r->memory);
	/* Everything came back. */
	EXPECT_FALSE(user_charges(NOBODY, &m, &c) && (m || c));
	EXPECT_EQ(self->baseline, iokit_live_objects());
	munmap(r, sizeof(*r));
}

#define SUBUID	200000		/* where nobody's namespace maps its ids */

/* A port of the largest ring: 0, or the IOReturn that refused it. */
static uint32_t big_port(int fd, int *port)
{
	struct iokit_port_create pc = {
		.size = sizeof(pc), .queue_limit = IOKIT_PORT_QUEUE_MAX,
	};

	ioctl(fd, IOKIT_IOC_PORT_CREATE, &pc);
	*port = pc.ioreturn ? -1 : pc.fd;
	return pc.ioreturn;
}

/*
 * As nobody, in a user namespace of its own whose ids 0-15 root maps to
 * SUBUID... (as newuidmap maps subordinate ids): ports as id 0 until
 * refused, then one more as id 1.
 */
static void nobody_uses_its_subordinate_ids(int fd, struct nobody *r, struct turns *t)
{
	int n = 0, port;
	pid_t pid;
	int status;

	if (drop_to_nobody())
		_exit(2);
	if (unshare(CLONE_NEWUSER)) {
		/* Say so and go: the parent skips. */
		r->done = -1;
		_exit(write(t->fds[3], "n", 1) == 1 ? 0 : 6);
	}
	/* The parent writes our maps. */
	if (child_turn(t) || setresgid(0, 0, 0) || setresuid(0, 0, 0))
		_exit(3);
	/* Each stays open, and charged, until we exit. */
	while (n < 4096 && !(r->port_stop = big_port(fd, &port)))
		n++;
	r->ports = n;
	pid = fork();
	if (!pid) {
		if (setresgid(1, 1, 1) || setresuid(1, 1, 1))
			_exit(3);
		r->other_id_stop = big_port(fd, &port);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || WEXITSTATUS(status))
		_exit(4);
	/* The parent reads what iokit holds, and for whom. */
	if (child_turn(t))
		_exit(5);
	r->done = 1;
	_exit(0);
}

static int write_map(pid_t pid, const char *which, const char *map)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	return write_str(path, map);
}

/*
 * Ids a user maps in a namespace of its own are not more budgets: what
 * they ask for is charged to the user who made the namespace.  Before,
 * each subordinate id was charged as a user of its own, so 65536 of them
 * (a usual /etc/subuid range) made 65536 budgets.
 */
TEST_F_TIMEOUT(sec, subordinate_ids_share_their_owners_budget, 300)
{
	struct nobody *r = shared_result();
	long max_memory, max_cost, m, c, sub_m = 0, sub_c = 0;
	char map[64];
	struct turns t;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, r);
	ASSERT_TRUE(user_limits(&max_memory, &max_cost));
	ASSERT_EQ(0, turns_open(&t));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		nobody_uses_its_subordinate_ids(self->fd, r, &t);
	ASSERT_EQ(0, parent_wait(&t));
	if (r->done < 0) {
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		turns_close(&t);
		SKIP(return, "no user namespaces in this kernel");
	}
	snprintf(map, sizeof(map), "0 %d 16\n", SUBUID);
	ASSERT_EQ(0, write_map(pid, "uid_map", map));
	ASSERT_EQ(0, write_map(pid, "gid_map", map));
	ASSERT_EQ(0, parent_go(&t));
	EXPECT_EQ(0, parent_wait(&t));
	user_charges(NOBODY, &m, &c);
	EXPECT_FALSE(user_charges(SUBUID, &sub_m, &sub_c) && sub_m);
	EXPECT_FALSE(user_charges(SUBUID + 1, &sub_m, &sub_c) && sub_m);
	EXPECT_EQ(0, parent_go(&t));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	turns_close(&t);
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(1, r->done);

	TH_LOG("nobody's namespace: %d ports as its id 0, then its id 1: %#x; nobody holds %ld KiB",
	       r->ports, r->other_id_stop, m >> 10);
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, r->port_stop);
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, r->other_id_stop);
	EXPECT_LT(0, r->ports);
	EXPECT_LT(max_memory / 2, m);
	EXPECT_GE(max_memory, m);
	EXPECT_FALSE(user_charges(NOBODY, &m, &c) && (m || c));
	EXPECT_EQ(self->baseline, iokit_live_objects());
	munmap(r, sizeof(*r));
}

/*
 * IOParentMatch nested 12 deep around a 4096-entry IOPropertyMatch array
 * (finding 13's dictionary): matching it against the whole registry is
 * one walk up each service's providers, linear, not one search of every
 * provider per level; and it costs more than any user may arm.
 */
static double matching_time(int fd, const uint8_t *buf, size_t len, uint32_t *ret)
{
	uint64_t ids[64];
	uint32_t count = 64;
	double t0 = now_s();

	*ret = reg_matching(fd, buf, len, ids, &count, NULL);
	if (!*ret && count)
		*ret = IOKIT_RETURN_ERROR;
	return now_s() - t0;
}

TEST_F_TIMEOUT(sec, nested_parent_matching_is_linear, 600)
{
	size_t len = heavy_dict(self->big, self->big_cap, 1, 4096);
	double one, twelve;
	uint32_t ret;
	int port;

	ASSERT_GT(self->big_cap, len);
	one = matching_time(self->fd, self->big, len, &ret);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, ret);
	len = heavy_dict(self->big, self->big_cap, 12, 4096);
	twelve = matching_time(self->fd, self->big, len, &ret);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, ret);
	TH_LOG("GET_MATCHING, a 4096-entry IOPropertyMatch array nested 1 deep: %.3f s",
	       one);
	TH_LOG("GET_MATCHING, the same nested 12 deep (%zu bytes): %.3f s", len, twelve);
	/* One walk up per service: deeper nesting costs no more than its bytes. */
	EXPECT_GT(one * 4 + 1, twelve);

	port = port_create(self->fd, 0, 0, NULL);
	ASSERT_LE(0, port);
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES,
		  arm_stream(self->fd, port, IOKIT_NOTIFY_TERMINATED, self->big, len));
	close(port);
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/* The matching cost one notification of this stream adds for root. */
static long armed_cost(int fd, const uint8_t *buf, size_t len)
{
	long m, before, after;
	int port = port_create(fd, 0, 0, NULL);
	uint32_t ret;

	if (port < 0)
		return -1;
	user_charges(0, &m, &before);
	ret = arm_stream(fd, port, IOKIT_NOTIFY_TERMINATED, buf, len);
	user_charges(0, &m, &after);
	close(port);
	return ret ? -1 : after - before;
}

/*
 * IOPathMatch is resolved from the root in every evaluation: a long path
 * costs by its length, so what a user arms of it is bounded like the rest.
 */
TEST_F(sec, a_path_match_costs_by_its_length)
{
	char path[IOKIT_PATH_MAX];
	long short_cost, long_cost;
	struct ioks s;

	memset(path, '/', sizeof(path));
	memcpy(path, "IOService:", 10);
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IOPathMatch");
	os_serial_put_bytes(&s.w, IOKIT_SERIAL_STRING, path, 11);
	short_cost = armed_cost(self->fd, s.buf, s.w.len);
	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "IOPathMatch");
	os_serial_put_bytes(&s.w, IOKIT_SERIAL_STRING, path, sizeof(path));
	long_cost = armed_cost(self->fd, s.buf, s.w.len);
	TH_LOG("IOPathMatch of 11 bytes costs %ld, of %zu bytes %ld",
	       short_cost, sizeof(path), long_cost);
	ASSERT_LT(0, short_cost);
	EXPECT_LE(short_cost + (long)sizeof(path) - 11, long_cost);
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

#define TEST_CGROUP	"/sys/fs/cgroup/iokit-test"

/* A fresh memory cgroup for a test: 0, or -1 where there is no controller. */
static int memcg_make(void)
{
	mkdir("/sys/fs/cgroup", 0755);
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		system("mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null");
	if (system("grep -qw memory /sys/fs/cgroup/cgroup.controllers"))
		return -1;
	system("echo +memory > /sys/fs/cgroup/cgroup.subtree_control");
	rmdir(TEST_CGROUP);
	return mkdir(TEST_CGROUP, 0755);
}

/* Move the calling process into the test's cgroup: 0 or -1. */
static int memcg_enter(void)
{
	char me[16];

	snprintf(me, sizeof(me), "%d", getpid());
	return write_str(TEST_CGROUP "/cgroup.procs", me) ? -1 : 0;
}

/* What the test's cgroup is charged, in bytes, or -1. */
static long memcg_current(void)
{
	return read_long_file(TEST_CGROUP "/memory.current");
}

/* Where the memory controller is, a user's notifications are charged to it. */
TEST_F_TIMEOUT(sec, what_a_user_sends_is_charged_to_its_memory_cgroup, 300)
{
	size_t len = heavy_dict(self->big, self->big_cap, 0, 4096);
	long before = 0, after = 0;
	struct turns t;
	int status;
	pid_t pid;

	if (memcg_make())
		SKIP(return, "no memory cgroup controller");
	ASSERT_EQ(0, turns_open(&t));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int port;

		if (memcg_enter() || drop_to_nobody())
			_exit(2);
		port = port_create(self->fd, 0, 0, NULL);
		if (port < 0 || child_turn(&t))
			_exit(3);
		if (arm_stream(self->fd, port, IOKIT_NOTIFY_TERMINATED, self->big, len))
			_exit(4);
		_exit(child_turn(&t) ? 5 : 0);
	}
	ASSERT_EQ(0, parent_wait(&t));
	before = memcg_current();
	EXPECT_EQ(0, parent_go(&t));
	EXPECT_EQ(0, parent_wait(&t));
	after = memcg_current();
	EXPECT_EQ(0, parent_go(&t));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	turns_close(&t);
	rmdir(TEST_CGROUP);

	/* 4096 dictionaries of a string and a number each: well over 100 KiB. */
	TH_LOG("memory cgroup: %ld KiB before arming, %ld KiB with the notification",
	       before >> 10, after >> 10);
	EXPECT_LE(0, before);
	EXPECT_LT(before + (100 << 10), after);
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

#define ARMINGS		32
#define ARMING_ROOM	262144	/* 2^18, the most one arming lists */

/*
 * An arming asks for room to list 2^18 services (2 MiB of IDs in the
 * kernel while it runs); once armed, a notification keeps nothing of
 * that.  Before, each kept its arming's buffer for life, uncharged to
 * its user: 32 of them held 64 MiB.
 */
TEST_F_TIMEOUT(sec, an_armed_notification_keeps_nothing_of_its_arming, 300)
{
	struct nobody *r = shared_result();
	int status;
	pid_t pid;

	ASSERT_NE(NULL, r);
	if (memcg_make())
		SKIP(return, "no memory cgroup controller");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint64_t ids[8];
		struct ioks s;
		int port, i;

		if (memcg_enter() || drop_to_nobody())
			_exit(2);
		port = port_create(self->fd, 0, 0, NULL);
		if (port < 0)
			_exit(3);
		match_str(&s, "IOProviderClass", "IOSecurityTestNoSuchClass");
		r->memcg_before = memcg_current();
		for (i = 0; i < ARMINGS; i++) {
			struct iokit_notification n = {
				.size = sizeof(n), .op = IOKIT_NOTIFICATION_ADD,
				.type = IOKIT_NOTIFY_FIRST_PUBLISH, .port_fd = port,
				.data = (uintptr_t)s.buf, .data_size = s.w.len,
				/* Nothing matches: the room is never written. */
				.ids = (uintptr_t)ids, .count = ARMING_ROOM,
			};

			ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n);
			if (n.ioreturn || n.count)
				_exit(4);
			r->notifications++;
		}
		r->memcg_armed = memcg_current();
		r->done = 1;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	rmdir(TEST_CGROUP);
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_TRUE(r->done);
	TH_LOG("memory cgroup: %ld KiB, then %ld KiB with %d notifications armed",
	       r->memcg_before >> 10, r->memcg_armed >> 10, r->notifications);
	EXPECT_LE(0, r->memcg_before);
	/* Far less than one arming's room (2 MiB) for all of them together. */
	EXPECT_GT(r->memcg_before + (1 << 20), r->memcg_armed);
	EXPECT_EQ(self->baseline, iokit_live_objects());
	munmap(r, sizeof(*r));
}

TEST_HARNESS_MAIN
