// SPDX-License-Identifier: GPL-2.0-only
/*
 * Teardown racing every call path: each test holds one window of a race
 * the review of kmod/ found open (a Start, a Stop, an arming, a search in
 * progress) and drives the teardown into it - rmmod, unplug, sysfs
 * unbind, closing a port, removing entries - then checks what a user
 * sees: the order of the driver's events, that nothing runs on a device
 * nobody owns, that every object came back.  The debug kernel's KASAN,
 * lockdep and kmemleak watch every run; its test build has delay points
 * that widen the windows only the kernel can hold open.  Last, a storm
 * runs every teardown against every call path at once.  Needs root and
 * iokit-vm.
 */
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "driver_util.h"

#define RESOURCE "/sys/kernel/debug/iokit_test_drivers/resource"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait up to @ms for @line in the test drivers' log: its position or -1. */
static long log_wait_line(const char *line, int ms)
{
	long pos;

	for (;;) {
		pos = log_pos(read_log(), line);
		if (pos >= 0 || ms <= 0)
			return pos;
		usleep(10000);
		ms -= 10;
	}
}

/*
 * The kernel log since the test began, where a test driver under a delay
 * logs its events too (its own log goes with the module): the position
 * of "iokit_test_drivers: @line", or -1; waiting up to @ms for it.
 */
static long dmesg_pos(const char *line, int ms)
{
	static char buf[65536];
	char want[160];
	const char *p;
	size_t n;
	FILE *f;

	snprintf(want, sizeof(want), "iokit_test_drivers: %s\n", line);
	for (;;) {
		f = popen("dmesg", "r");
		n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			pclose(f);
		buf[n] = '\0';
		p = strstr(buf, want);
		if (p || ms <= 0)
			return p ? p - buf : -1;
		usleep(20000);
		ms -= 20;
	}
}

static void *unload_thread(void *name)
{
	return (void *)(long)unload(name);
}

FIXTURE(race) {
	int fd;
	char bdf[64];
	long baseline;
};

FIXTURE_SETUP(race)
{
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, edu_bdf(self->fd, self->bdf, sizeof(self->bdf)));
	self->baseline = iokit_live_objects();
	system("dmesg -c > /dev/null");
}

FIXTURE_TEARDOWN(race)
{
	if (iokit_has_delay_points())
		iokit_delay_point(0, 0);
	unload("iokit_test_drivers");
	unload("iokit_test_bad_personality");
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * rmmod while a Start is in progress: the termination waits for Start to
 * return, then stops and frees the instance.  Before, free() ran beside
 * Start (and Stop never did).
 */
TEST_F(race, rmmod_waits_for_a_start_in_progress)
{
	pthread_t t;
	void *err;
	long start_done, stop, freed;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	clear_log();
	ASSERT_EQ(0, test_delay("TestResourceUser start 1000"));
	ASSERT_EQ(0, write_str(RESOURCE, "TestResource"));
	ASSERT_LE(0, log_wait_line("start TestResourceUser IOResources", 5000));

	ASSERT_EQ(0, pthread_create(&t, NULL, unload_thread, "iokit_test_drivers"));
	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(0, (long)err);
	freed = dmesg_pos("free TestResourceUser -", 0);
	start_done = dmesg_pos("start-done TestResourceUser IOResources", 0);
	stop = dmesg_pos("stop TestResourceUser IOResources", 0);
	EXPECT_LE(0, start_done);
	EXPECT_LT(start_done, stop);
	EXPECT_LT(stop, freed);
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/*
 * rmmod while an instance has been made but not yet attached: it is on
 * its driver's list, so the termination reaches it and its attach fails.
 * Before, rmmod waited for ever for an instance nobody would terminate.
 */
TEST_F(race, rmmod_terminates_an_instance_not_yet_attached)
{
	uint64_t ids[8];
	pthread_t t;
	void *err;
	long deadline;

	if (!iokit_has_delay_points())
		SKIP(return, "needs a test build of iokit.ko (the debug kernel's)");
	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, test_delay("TestResourceUser start 1"));
	ASSERT_EQ(0, iokit_delay_point(2, 1500));
	ASSERT_EQ(0, write_str(RESOURCE, "TestResource"));
	usleep(300000);
	/* The instance sleeps on; no later candidate (unloading rematches) does. */
	ASSERT_EQ(0, iokit_delay_point(0, 0));

	deadline = now_ms() + 10000;
	ASSERT_EQ(0, pthread_create(&t, NULL, unload_thread, "iokit_test_drivers"));
	ASSERT_LE(0, dmesg_pos("free TestResourceUser -", 10000));
	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(0, (long)err);
	EXPECT_GT(deadline, now_ms());
	EXPECT_LE(0, dmesg_pos("init TestResourceUser -", 0));
	EXPECT_GT(0, dmesg_pos("start TestResourceUser IOResources", 0));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(0, instances(self->fd, "TestResourceUser", ids));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

struct remove_arg {
	const char *bdf;
	long ms;
};

static void *pci_remove_thread(void *p)
{
	struct remove_arg *a = p;
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", a->bdf);
	a->ms = now_ms();
	return (void *)(long)write_str(path, "1");
}

/*
 * The device goes while rmmod is inside a Stop: its removal waits for
 * that Stop, so the driver finishes on a device that is still bound.
 * Before, PCI remove returned at once and the bus took the device away
 * from under the Stop.
 */
TEST_F(race, unplug_waits_for_a_stop_in_progress)
{
	struct remove_arg remove = { .bdf = self->bdf };
	pthread_t rmmod, unplug;
	void *err;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, test_delay("TestWins stop 1500"));
	ASSERT_EQ(0, pthread_create(&rmmod, NULL, unload_thread, "iokit_test_drivers"));
	usleep(400000);
	ASSERT_EQ(0, pthread_create(&unplug, NULL, pci_remove_thread, &remove));
	ASSERT_EQ(0, pthread_join(rmmod, &err));
	EXPECT_EQ(0, (long)err);
	ASSERT_EQ(0, pthread_join(unplug, &err));
	EXPECT_EQ(0, (long)err);
	EXPECT_LT(dmesg_pos("stop-done TestWins pci1234,11e8", 0),
		  dmesg_pos("bound TestWins pci1234,11e8", 0));
	EXPECT_GT(0, dmesg_pos("unbound TestWins pci1234,11e8", 0));

	/* The device comes back, and with it its nub. */
	ASSERT_EQ(0, write_str("/sys/bus/pci/rescan", "1"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, edu_bdf(self->fd, self->bdf, sizeof(self->bdf)));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/* Add (or remove) a personality of @cls that matches nothing: the catalogue changes. */
static uint32_t catalogue_poke(int fd, const char *cls, const char *name, uint32_t op)
{
	struct iokit_personality p = { .size = sizeof(p), .op = op };
	struct ioks s;

	ioks_begin(&s);
	ioks_dict(&s, 3);
	ioks_str(&s, "IOPersonalityName");
	ioks_str(&s, name);
	ioks_str(&s, "IOClass");
	ioks_str(&s, cls);
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "NoSuchProvider");
	if (op == IOKIT_PERSONALITY_ADD) {
		p.data = (uintptr_t)s.buf;
		p.data_size = s.w.len;
	} else {
		snprintf(p.name, sizeof(p.name), "%s", name);
	}
	ioctl(fd, IOKIT_IOC_PERSONALITY, &p);
	return p.ioreturn;
}

/*
 * rmmod stops a driver while a catalogue change matches its provider
 * again: the round waits for the Stop, so the next driver of the
 * category (TestRival, from another module) starts only once TestWins
 * has stopped.  Before, rmmod stopped it under its own lock alone, and
 * the round started TestRival on the device while TestWins still ran.
 */
TEST_F(race, a_category_is_held_until_its_driver_stops)
{
	uint64_t ids[4];
	pthread_t rmmod;
	long done;
	void *err;
	int rivals;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, load("iokit_test_bad_personality", "fault=4"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(1, instances(self->fd, "TestWins", ids));
	ASSERT_EQ(0, instances(self->fd, "TestRival", ids));
	ASSERT_EQ(0, test_delay("TestWins stop 2000"));
	ASSERT_EQ(0, pthread_create(&rmmod, NULL, unload_thread, "iokit_test_drivers"));
	ASSERT_LE(0, dmesg_pos("stop TestWins pci1234,11e8", 5000));
	EXPECT_EQ(IOKIT_RETURN_SUCCESS,
		  catalogue_poke(self->fd, "TestRival", "Poke", IOKIT_PERSONALITY_ADD));
	usleep(500000);
	rivals = instances(self->fd, "TestRival", ids);
	done = dmesg_pos("stop-done TestWins pci1234,11e8", 0);
	TH_LOG("TestRival instances while TestWins stops: %d (stop %s)", rivals,
	       done < 0 ? "in progress" : "done");
	/* The Stop sleeps 2 s; the check is made half a second in. */
	EXPECT_GT(0, done);
	EXPECT_EQ(0, rivals);
	ASSERT_EQ(0, pthread_join(rmmod, &err));
	EXPECT_EQ(0, (long)err);

	/* Once it has stopped, the category is TestRival's. */
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(1, instances(self->fd, "TestRival", ids));
	EXPECT_EQ(IOKIT_RETURN_SUCCESS,
		  catalogue_poke(self->fd, "TestRival", "Poke", IOKIT_PERSONALITY_REMOVE));
	EXPECT_EQ(0, unload("iokit_test_bad_personality"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

static void *sysfs_write_thread(void *p)
{
	const char **a = p;

	return (void *)(long)write_str(a[0], a[1]);
}

/*
 * A later round starts a new category on a device iokit owns, and the
 * device is unbound meanwhile: the round holds the device lock, so the
 * unbind waits for it and then stops the driver.  Before, the round ran
 * without the lock: an unbind that came while the new instance was not
 * yet attached finished first, and the driver then started on a device
 * nobody owned.  The debug kernel's delay point holds the instance there;
 * elsewhere its Start is held instead, which the instance's own lock
 * covers too.
 */
TEST_F(race, rebind_starts_under_the_device_lock)
{
	const char *unbind[2] = { "/sys/bus/pci/drivers/iokit/unbind", self->bdf };
	int points = iokit_has_delay_points();
	uint64_t ids[8];
	pthread_t t;
	void *err;
	char *log;
	long done, bound, freed;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_TRUE(edu_driver_is(self->bdf, "iokit"));
	ASSERT_EQ(0, write_file("/tmp/late.json",
				"{\"IOPersonalityName\": \"LateLoses\", \"IOClass\": \"TestLoses\",\n"
				" \"IOProviderClass\": \"IOPCIDevice\",\n"
				" \"IOPCIPrimaryMatch\": \"0x11e81234\",\n"
				" \"IOMatchCategory\": \"Late\"}\n"));
	clear_log();
	if (points) {
		ASSERT_EQ(0, test_delay("TestLoses start 1"));
		ASSERT_EQ(0, iokit_delay_point(2, 1500));
	} else {
		ASSERT_EQ(0, test_delay("TestLoses start 1500"));
	}
	ASSERT_EQ(0, system("iokitctl personality add /tmp/late.json > /dev/null"));
	if (points)
		usleep(300000);
	else
		ASSERT_LE(0, log_wait_line("start TestLoses pci1234,11e8", 5000));
	ASSERT_EQ(0, pthread_create(&t, NULL, sysfs_write_thread, unbind));
	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(0, (long)err);
	if (points) {
		ASSERT_EQ(0, iokit_delay_point(0, 0));
		/* Had the unbind not waited, the instance would start now. */
		usleep(1600000);
		ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	}

	/* The unbind has returned: nothing of IOKit's runs on the device. */
	EXPECT_EQ(0, instances(self->fd, "TestLoses", ids));
	EXPECT_FALSE(edu_driver_is(self->bdf, "iokit"));
	log = read_log();
	done = log_pos(log, "start-done TestLoses pci1234,11e8");
	bound = log_pos(log, "bound TestLoses pci1234,11e8");
	freed = log_pos(log, "free TestLoses -");
	EXPECT_LE(0, done) TH_LOG("%s", log);
	EXPECT_LT(done, bound);
	EXPECT_LT(done, freed);
	EXPECT_GT(0, log_pos(log, "unbound TestLoses pci1234,11e8"));
	EXPECT_LE(0, log_pos(log, "stop TestLoses pci1234,11e8"));

	ASSERT_EQ(0, test_delay(""));
	ASSERT_EQ(0, system("iokitctl personality remove LateLoses"));
	ASSERT_EQ(0, write_str("/sys/bus/pci/drivers/iokit/bind", self->bdf));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

struct search_arg {
	int fd;
	uint64_t from;
	struct iokit_property_data pd;
	uint8_t buf[256];
};

static void *search_thread(void *p)
{
	struct search_arg *a = p;

	memset(&a->pd, 0, sizeof(a->pd));
	a->pd.size = sizeof(a->pd);
	a->pd.entry_id = a->from;
	a->pd.options = IOKIT_SEARCH_RECURSIVELY;
	snprintf(a->pd.key, sizeof(a->pd.key), "race-needle");
	a->pd.data = (uintptr_t)a->buf;
	a->pd.data_size = sizeof(a->buf);
	ioctl(a->fd, IOKIT_IOC_SEARCH_PROPERTY, &a->pd);
	return NULL;
}

/* SetProperties on a test entry: {race-needle: 1}. */
static uint32_t set_needle(int fd, uint64_t id)
{
	struct iokit_property_data pd = { .size = sizeof(pd), .entry_id = id };
	struct ioks s;

	ioks_begin(&s);
	ioks_dict(&s, 1);
	ioks_str(&s, "race-needle");
	ioks_num(&s, 1, 32);
	pd.data = (uintptr_t)s.buf;
	pd.data_size = s.w.len;
	ioctl(fd, IOKIT_IOC_SET_PROPERTIES, &pd);
	return pd.ioreturn;
}

static int test_interface(int on)
{
	return write_str(IOKIT_PARAM "test_interface", on ? "1" : "0");
}

/*
 * SearchProperty finds its property on an entry that is removed right
 * after: the entry it names is referenced before the registry is
 * unlocked.  Before, the reference was taken only afterwards, on memory
 * the removal may already have freed.
 */
TEST_F(race, search_property_holds_what_it_found)
{
	struct search_arg a = { .fd = self->fd };
	struct iokit_registry_lookup lk = { .size = sizeof(lk), .how = IOKIT_LOOKUP_ROOT };
	uint64_t id;
	pthread_t t;

	if (!iokit_has_delay_points())
		SKIP(return, "needs a test build of iokit.ko (the debug kernel's)");
	ASSERT_EQ(0, test_interface(1));
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk));
	a.from = lk.entry_id;
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_ADD, 1, &id));
	ASSERT_EQ(0, set_needle(self->fd, id));

	ASSERT_EQ(0, iokit_delay_point(1, 500));
	ASSERT_EQ(0, pthread_create(&t, NULL, search_thread, &a));
	usleep(150000);
	ASSERT_EQ(0, iokit_test_entries(self->fd, IOKIT_TEST_ENTRIES_REMOVE_ALL, 0, NULL));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, iokit_delay_point(0, 0));
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, a.pd.ioreturn);
	EXPECT_EQ(id, a.pd.found_id);
	ASSERT_EQ(0, test_interface(0));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/*
 * @len bytes of fresh memory whose first touch stalls until it is filled
 * through the returned userfaultfd (-1 with errno if there is none).
 */
static int uffd_region(size_t len, void **mem)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (uffd < 0)
		return -1;
	*mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)*mem;
	reg.range.len = len;
	if (*mem == MAP_FAILED || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		return -1;
	}
	return uffd;
}

struct uffd_arg {
	int uffd;
	int port;
	void *page;
	size_t page_size;
};

/* On the fault: close the port, then let the copy go on. */
static void *uffd_thread(void *p)
{
	struct uffd_arg *a = p;
	struct pollfd pfd = { .fd = a->uffd, .events = POLLIN };
	struct uffdio_zeropage zero = {
		.range = { .start = (uintptr_t)a->page, .len = a->page_size },
	};
	struct uffd_msg msg;

	if (poll(&pfd, 1, 10000) != 1 || read(a->uffd, &msg, sizeof(msg)) != sizeof(msg))
		return (void *)1L;
	close(a->port);
	usleep(200000);
	return (void *)(long)ioctl(a->uffd, UFFDIO_ZEROPAGE, &zero);
}

/*
 * The port is closed while the arming call is still copying out the
 * services that already qualify (held there by a userfaultfd page): the
 * call holds its own reference to the notification, reports the port
 * gone, and nothing is left behind.  Before, the closed port freed the
 * notification under the call, which then read it.
 */
TEST_F(race, closing_the_port_while_arming)
{
	struct uffd_arg a;
	struct iokit_notification n = {
		.size = sizeof(n), .op = IOKIT_NOTIFICATION_ADD, .type = IOKIT_NOTIFY_PUBLISH,
		.count = 64,
	};
	struct ioks s;
	pthread_t t;
	void *err;

	a.page_size = sysconf(_SC_PAGESIZE);
	a.uffd = uffd_region(a.page_size, &a.page);
	if (a.uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	a.port = port_create(self->fd, 0, 0, NULL);
	ASSERT_LE(0, a.port);

	match_str(&s, "IOProviderClass", "IOService");
	n.port_fd = a.port;
	n.data = (uintptr_t)s.buf;
	n.data_size = s.w.len;
	n.ids = (uintptr_t)a.page;
	ASSERT_EQ(0, pthread_create(&t, NULL, uffd_thread, &a));
	ioctl(self->fd, IOKIT_IOC_NOTIFICATION, &n);
	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(0, (long)err);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, n.ioreturn);
	EXPECT_EQ(0, n.notification_id);
	munmap(a.page, a.page_size);
	close(a.uffd);
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

struct stalled_calls {
	int fd;
	uint64_t instance;
	uint8_t *mem;		/* three pages: one for each call's copy-out */
	size_t page_size;
	struct ioks match;
	struct iokit_matching m;
	struct iokit_entry_info info;
	struct iokit_entry_relatives rel;
};

static void *stalled_get_matching(void *p)
{
	struct stalled_calls *c = p;

	match_str(&c->match, "IOProviderClass", "IOService");
	c->m = (struct iokit_matching) {
		.size = sizeof(c->m), .count = 512, .ids = (uintptr_t)c->mem,
		.data = (uintptr_t)c->match.buf, .data_size = c->match.w.len,
	};
	ioctl(c->fd, IOKIT_IOC_GET_MATCHING, &c->m);
	return NULL;
}

static void *stalled_entry_info(void *p)
{
	struct stalled_calls *c = p;

	memset(&c->info, 0, sizeof(c->info));
	c->info.size = sizeof(c->info);
	c->info.entry_id = c->instance;
	snprintf(c->info.plane, sizeof(c->info.plane), "IOService");
	c->info.path = (uintptr_t)(c->mem + c->page_size);
	c->info.path_size = c->page_size;
	ioctl(c->fd, IOKIT_IOC_ENTRY_INFO, &c->info);
	return NULL;
}

static void *stalled_relatives(void *p)
{
	struct stalled_calls *c = p;

	memset(&c->rel, 0, sizeof(c->rel));
	c->rel.size = sizeof(c->rel);
	c->rel.entry_id = c->instance;
	snprintf(c->rel.plane, sizeof(c->rel.plane), "IOService");
	c->rel.which = IOKIT_RELATIVES_PARENTS;
	c->rel.count = 4;
	c->rel.ids = (uintptr_t)(c->mem + 2 * c->page_size);
	ioctl(c->fd, IOKIT_IOC_ENTRY_RELATIVES, &c->rel);
	return NULL;
}

/*
 * Three lookups that name a driver instance - GetMatchingServices, its
 * info with its path, its providers - stall copying out, on pages
 * userfaultfd holds; meanwhile the driver's module unloads at once.
 * Before, each held its entries across the copy, and rmmod waited, in D
 * state, for as long as any process chose to stall a fault.
 */
TEST_F_TIMEOUT(race, a_stalled_copy_out_does_not_hold_up_rmmod, 300)
{
	void *(*calls[3])(void *) = {
		stalled_get_matching, stalled_entry_info, stalled_relatives,
	};
	struct stalled_calls c = { .fd = self->fd };
	struct uffdio_zeropage zero;
	struct timespec deadline;
	pthread_t t[3], rm;
	int uffd, i, stalled = 0, unloaded;
	void *err = (void *)-1L;

	c.page_size = sysconf(_SC_PAGESIZE);
	uffd = uffd_region(3 * c.page_size, (void **)&c.mem);
	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(1, instances(self->fd, "TestWins", &c.instance));

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, calls[i], &c));
	for (i = 0; i < 3; i++) {
		struct pollfd pfd = { .fd = uffd, .events = POLLIN };
		struct uffd_msg msg;

		if (poll(&pfd, 1, 20000) == 1 && read(uffd, &msg, sizeof(msg)) == sizeof(msg))
			stalled++;
	}
	EXPECT_EQ(3, stalled);

	/* All three are stalled in their copy-out: the module goes anyway. */
	ASSERT_EQ(0, pthread_create(&rm, NULL, unload_thread, "iokit_test_drivers"));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 60;
	unloaded = !pthread_timedjoin_np(rm, &err, &deadline);
	EXPECT_TRUE(unloaded);

	zero.range.start = (uintptr_t)c.mem;
	zero.range.len = 3 * c.page_size;
	zero.mode = 0;
	EXPECT_EQ(0, ioctl(uffd, UFFDIO_ZEROPAGE, &zero));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	if (!unloaded)
		ASSERT_EQ(0, pthread_join(rm, &err));
	EXPECT_EQ(0, (long)err);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, c.m.ioreturn);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, c.info.ioreturn);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, c.rel.ioreturn);
	/* What they copied out is what they found while the driver ran. */
	EXPECT_LT(0, c.m.count);
	EXPECT_LT(0, c.info.path_len);
	EXPECT_NE(NULL, strstr((char *)c.mem + c.page_size, "TestWins"));
	EXPECT_EQ(1, c.rel.count);
	munmap(c.mem, 3 * c.page_size);
	close(uffd);
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

static void on_signal(int sig)
{
}

static void *signal_thread(void *p)
{
	usleep(200000);
	pthread_kill(*(pthread_t *)p, SIGUSR1);
	return NULL;
}

/*
 * IOKitWaitQuiet keeps to its timeout and gives way to a signal (EINTR)
 * while a Start holds matching busy.  Before, it first waited for the
 * matching workqueue uninterruptibly, whatever the timeout.
 */
TEST_F(race, wait_quiet_keeps_its_timeout_and_signals)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq), .timeout_ns = 200000000 };
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t self_thread = pthread_self(), t;
	long t0;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, test_delay("TestResourceUser start 3000"));
	ASSERT_EQ(0, write_str(RESOURCE, "TestResource"));
	ASSERT_LE(0, log_wait_line("start TestResourceUser IOResources", 5000));

	t0 = now_ms();
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_WAIT_QUIET, &wq));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(IOKIT_RETURN_TIMEOUT, wq.ioreturn);
	EXPECT_GT(1500, now_ms() - t0);

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	wq.timeout_ns = 0;
	ASSERT_EQ(0, pthread_create(&t, NULL, signal_thread, &self_thread));
	t0 = now_ms();
	EXPECT_EQ(-1, ioctl(self->fd, IOKIT_IOC_WAIT_QUIET, &wq));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(IOKIT_RETURN_ABORTED, wq.ioreturn);
	EXPECT_GT(1500, now_ms() - t0);
	ASSERT_EQ(0, pthread_join(t, NULL));

	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, test_delay(""));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/*
 * MATCH_TEST asks who owns a device without waiting for its lock: while
 * a probe holds it, the answer comes at once and says the owner is not
 * known.  Before, an unprivileged caller waited on every matching
 * device's lock.
 */
TEST_F(race, match_test_does_not_wait_for_a_busy_device)
{
	const char *bind[2] = { "/sys/bus/pci/drivers/iokit/bind", self->bdf };
	struct iokit_match_record rec[32];
	struct iokit_match_test mt = {
		.size = sizeof(mt), .count = 32, .records = (uintptr_t)rec,
		.record_size = sizeof(rec[0]),
	};
	struct ioks s;
	pthread_t t;
	void *err;
	long t0;
	int i, busy = 0;

	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, write_str("/sys/bus/pci/drivers/iokit/unbind", self->bdf));
	ASSERT_EQ(0, test_delay("TestWins start 2000"));
	clear_log();
	ASSERT_EQ(0, pthread_create(&t, NULL, sysfs_write_thread, bind));
	ASSERT_LE(0, log_wait_line("start TestWins pci1234,11e8", 5000));

	ioks_begin(&s);
	ioks_dict(&s, 3);
	ioks_str(&s, "IOClass");
	ioks_str(&s, "TestLoses");
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "IOPCIDevice");
	ioks_str(&s, "IOMatchCategory");
	ioks_str(&s, "Busy");
	mt.data = (uintptr_t)s.buf;
	mt.data_size = s.w.len;
	t0 = now_ms();
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_MATCH_TEST, &mt));
	EXPECT_GT(1000, now_ms() - t0);
	for (i = 0; i < (int)mt.count && i < 32; i++)
		busy += !strcmp(rec[i].actual, "not known: the device is busy");
	EXPECT_EQ(1, busy);

	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(0, (long)err);
	ASSERT_EQ(0, test_delay(""));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(self->baseline, iokit_live_objects());
}

/* ---- the storm --------------------------------------------------------- */

struct storm {
	int fd;
	const char *bdf;
	int scale;
	int stop;
	int rounds[6];
};

static int storm_running(struct storm *s)
{
	return !__atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

static void *storm_bind(void *p)
{
	struct storm *s = p;
	int i;

	for (i = 0; i < 20 * s->scale; i++, s->rounds[0]++) {
		write_str("/sys/bus/pci/drivers/iokit/unbind", s->bdf);
		write_str("/sys/bus/pci/drivers/iokit/bind", s->bdf);
	}
	return NULL;
}

static void *storm_matching(void *p)
{
	struct storm *s = p;
	uint64_t ids[256];
	struct ioks q;

	match_str(&q, "IOProviderClass", "IOService");
	while (storm_running(s)) {
		uint32_t count = 256;

		reg_matching(s->fd, q.buf, q.w.len, ids, &count, NULL);
		s->rounds[1]++;
	}
	return NULL;
}

static void *storm_search(void *p)
{
	struct storm *s = p;
	struct iokit_registry_lookup lk = { .size = sizeof(lk), .how = IOKIT_LOOKUP_ROOT };
	struct search_arg a = { .fd = s->fd };

	ioctl(s->fd, IOKIT_IOC_REGISTRY_LOOKUP, &lk);
	a.from = lk.entry_id;
	while (storm_running(s)) {
		search_thread(&a);
		s->rounds[2]++;
	}
	return NULL;
}

static void *storm_notify(void *p)
{
	static const uint32_t types[] = {
		IOKIT_NOTIFY_PUBLISH, IOKIT_NOTIFY_FIRST_MATCH, IOKIT_NOTIFY_TERMINATED,
	};
	struct storm *s = p;
	uint64_t ids[64];
	int i;

	while (storm_running(s)) {
		int port = port_create(s->fd, IOKIT_PORT_NONBLOCK, 16, NULL);

		for (i = 0; port >= 0 && i < 3; i++) {
			uint32_t count = 64;

			notify_add(s->fd, port, types[i], "IOProviderClass", "IOService", i,
				   ids, &count, NULL);
		}
		if (port >= 0)
			close(port);
		s->rounds[3]++;
	}
	return NULL;
}

static void *storm_modules(void *p)
{
	struct storm *s = p;
	int i;

	for (i = 0; i < 8 * s->scale; i++, s->rounds[4]++) {
		load("iokit_test_drivers", "");
		usleep(50000);
		unload("iokit_test_drivers");
	}
	return NULL;
}

static void *storm_usb(void *p)
{
	struct storm *s = p;
	int i;

	for (i = 0; i < 4 * s->scale; i++, s->rounds[5]++) {
		system("iokit-vm-hotplug add usb-kbd id=storm bus=xhci.0 serial=storm >/dev/null");
		usleep(300000);
		system("iokit-vm-hotplug del storm >/dev/null");
	}
	return NULL;
}

/*
 * Every teardown at once against every call path: sysfs unbind and bind
 * of edu, USB hot-plug and unplug, driver modules loaded and unloaded,
 * while other threads search the registry, match, and arm and close
 * notifications.  Bounded ($IOKIT_STORM_SCALE times the rounds; the KCSAN
 * run asks for more, its detector being a sampler); what it leaves must
 * be what it found.
 */
TEST_F_TIMEOUT(race, teardown_storm, 900)
{
	void *(*const fn[])(void *) = {
		storm_bind, storm_matching, storm_search, storm_notify, storm_modules, storm_usb,
	};
	const char *scale = getenv("IOKIT_STORM_SCALE");
	struct storm s = { .fd = self->fd, .bdf = self->bdf, .scale = scale ? atoi(scale) : 1 };
	static char before[16384];
	pthread_t t[6];
	long live;
	int i;

	/* read_log_at()'s buffer is the same size, and static: copy it whole. */
	memcpy(before, read_log_at("/sys/kernel/debug/iokit/live"), sizeof(before));
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fn[i], &s));
	/* The bounded ones first; then the open-ended ones stop. */
	pthread_join(t[0], NULL);
	pthread_join(t[4], NULL);
	pthread_join(t[5], NULL);
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t[1], NULL);
	pthread_join(t[2], NULL);
	pthread_join(t[3], NULL);
	TH_LOG("rounds: bind %d, matching %d, search %d, notify %d, modules %d, usb %d",
	       s.rounds[0], s.rounds[1], s.rounds[2], s.rounds[3], s.rounds[4], s.rounds[5]);

	unload("iokit_test_drivers");
	write_str("/sys/bus/pci/drivers/iokit/bind", self->bdf);
	/*
	 * QEMU's device_del returns before the guest has seen the unplug:
	 * the last keyboard's terminate may not even be queued yet.  Quiet
	 * means something only once the USB core has let it go.
	 */
	EXPECT_EQ(0, usb_wait_product_count("QEMU USB Keyboard", 1, 5000) - 1);
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	live = iokit_live_objects();
	if (live != self->baseline) {
		TH_LOG("live objects by kind, before the storm:%s", before);
		TH_LOG("and after:%s", read_log_at("/sys/kernel/debug/iokit/live"));
	}
	EXPECT_EQ(self->baseline, live);
}

TEST_HARNESS_MAIN
