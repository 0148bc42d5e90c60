// SPDX-License-Identifier: GPL-2.0-only
/*
 * On-demand loading (kextd's role): a personality from user space whose
 * IOClass is not loaded waits in the catalogue until it wins a match;
 * then iokit asks the loader (iokitctl) for the module its
 * IOKitLinuxModule names, and the driver starts.  Without a loader, or
 * when the module fails, the match ledger says so.  Needs root and
 * iokit-vm ($IOKIT_MODULES).
 */
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "driver_util.h"

#define LOADER_LOG "/tmp/loader.log"

FIXTURE(ld) {
	int fd;
	pid_t loader;
	uint64_t edu;
};

FIXTURE_SETUP(ld)
{
	uint32_t count = 1;
	struct ioks s;

	self->loader = 0;
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	match_str(&s, "IONameMatch", "pci1234,11e8");
	ASSERT_EQ(0, reg_matching(self->fd, s.buf, s.w.len, &self->edu, &count, NULL));
	ASSERT_EQ(1, count);
}

/* Stop the loader, if one runs: its port goes with it. */
static void loader_stop(pid_t *loader)
{
	if (*loader > 0) {
		kill(*loader, SIGTERM);
		waitpid(*loader, NULL, 0);
	}
	*loader = 0;
}

FIXTURE_TEARDOWN(ld)
{
	loader_stop(&self->loader);
	unload("iokit_test_drivers");
	unload("iokit_edu");
	if (self->fd >= 0)
		close(self->fd);
}

/* Start "iokitctl loader" and wait until it is attached. */
static pid_t loader_start(void)
{
	pid_t pid = fork();
	int i;

	if (pid == 0) {
		int log = open(LOADER_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(log, 1);
		dup2(log, 2);
		execlp("iokitctl", "iokitctl", "loader", NULL);
		_exit(127);
	}
	for (i = 0; pid > 0 && i < 100; i++) {
		if (!system("grep -q 'loader ready' " LOADER_LOG))
			return pid;
		usleep(50000);
	}
	return -1;
}

/*
 * Lines of the loader's log that contain @needle, once there are at least
 * @want of them or @ms have passed.
 */
static int log_wait(const char *needle, int want, int ms)
{
	char line[512];
	int n;

	for (;;) {
		FILE *f = fopen(LOADER_LOG, "r");

		n = 0;
		while (f && fgets(line, sizeof(line), f))
			n += !!strstr(line, needle);
		if (f)
			fclose(f);
		if (n >= want || ms <= 0)
			return n;
		usleep(50000);
		ms -= 50;
	}
}

/*
 * Wait up to @ms for module @name to be live: its init, which registers
 * its classes and queues their matching, has returned.
 */
static int module_wait_live(const char *name, int ms)
{
	char path[128], state[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	for (; ms > 0; ms -= 50) {
		f = fopen(path, "r");
		if (f) {
			if (!fgets(state, sizeof(state), f))
				state[0] = '\0';
			fclose(f);
			if (!strcmp(state, "live\n"))
				return 0;
		}
		usleep(50000);
	}
	return -1;
}

/*
 * The bar: a personality for a keyboard that is not plugged in yet, naming
 * a module that is not loaded.  Nothing loads at first; plugging the
 * keyboard in makes the match, the loader loads the module, and the
 * driver starts on that keyboard alone.
 */
TEST_F(ld, pending_personality_loads_its_module_when_a_device_matches)
{
	struct iokit_match_record recs[16];
	int n, i, started = 0;

	if (access("/dev/ttyS1", F_OK))
		SKIP(return, "needs the iokit-vm hot-plug channel");
	self->loader = loader_start();
	ASSERT_LT(0, self->loader);
	ASSERT_EQ(0, write_file("/tmp/od.json",
				"{\"IOPersonalityName\": \"OnDemandKbd\", \"IOClass\": \"TestKbd\",\n"
				" \"IOProviderClass\": \"IOUSBHostDevice\",\n"
				" \"idVendor\": 1575, \"idProduct\": 1, \"IOMatchCategory\": \"OD\",\n"
				" \"IOPropertyMatch\": {\"USB Serial Number\": \"ondemand\"},\n"
				" \"IOKitLinuxModule\": \"iokit_test_drivers\"}\n"));
	ASSERT_NE(0, access("/sys/module/iokit_test_drivers", F_OK));
	ASSERT_EQ(0, system("iokitctl personality add /tmp/od.json > /tmp/od.out"));
	EXPECT_EQ(0, system("grep -q 'added OnDemandKbd, pending' /tmp/od.out"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_NE(0, access("/sys/module/iokit_test_drivers", F_OK));
	EXPECT_EQ(0, system("iokitctl personality list | grep -q OnDemandKbd"));

	ASSERT_EQ(0, system("iokit-vm-hotplug add usb-kbd id=od_kbd bus=xhci.0 serial=ondemand"));
	ASSERT_EQ(0, module_wait_live("iokit_test_drivers", 10000));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	system("cat " LOADER_LOG);
	EXPECT_EQ(0, system("grep -q 'loaded iokit_test_drivers for TestKbd' " LOADER_LOG));
	n = ledger(self->fd, 0, "OnDemandKbd", recs, 16);
	ASSERT_LE(1, n);
	for (i = 0; i < n; i++) {
		TH_LOG("%llx phase %u %s", (unsigned long long)recs[i].entry_id,
		       recs[i].phase, recs[i].actual);
		started += recs[i].phase == IOKIT_MATCH_STARTED;
		/* The devices there before never matched it. */
		if (recs[i].phase != IOKIT_MATCH_STARTED)
			EXPECT_EQ(IOKIT_MATCH_PASSIVE_FAILED, recs[i].phase);
	}
	EXPECT_EQ(1, started);

	ASSERT_EQ(0, system("iokit-vm-hotplug del od_kbd"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	/* Its personalities go with the class, as kextunload's do. */
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	EXPECT_NE(0, system("iokitctl personality list | grep -q OnDemandKbd"));
}

/* Add @json's personality by ioctl, so that no loader is attached. */
static uint32_t personality_add_raw(int fd, const char *name, const char *module,
				    uint32_t *flags)
{
	struct iokit_personality p = { .size = sizeof(p), .op = IOKIT_PERSONALITY_ADD };
	struct ioks s;

	ioks_begin(&s);
	ioks_dict(&s, 5);
	ioks_str(&s, "IOPersonalityName");
	ioks_str(&s, name);
	ioks_str(&s, "IOClass");
	ioks_str(&s, "TestBadPersonality");
	ioks_str(&s, "IOProviderClass");
	ioks_str(&s, "IOPCIDevice");
	ioks_str(&s, "IOPCIMatch");
	ioks_str(&s, "0x11e81234");
	ioks_str(&s, "IOKitLinuxModule");
	ioks_str(&s, module);
	p.data = (uintptr_t)s.buf;
	p.data_size = s.w.len;
	if (ioctl(fd, IOKIT_IOC_PERSONALITY, &p))
		return p.ioreturn;
	*flags = p.flags;
	return 0;
}

static uint32_t personality_remove_raw(int fd, const char *name)
{
	struct iokit_personality p = { .size = sizeof(p), .op = IOKIT_PERSONALITY_REMOVE };

	snprintf(p.name, sizeof(p.name), "%s", name);
	return ioctl(fd, IOKIT_IOC_PERSONALITY, &p) ? p.ioreturn : 0;
}

/*
 * A pending personality that wins is passed over while no loader runs;
 * a module that fails to load is reported and not asked for again; a
 * module that does not exist is refused before anything is added.  The
 * ledger and ioreg --why say which.
 */
TEST_F(ld, no_loader_and_failed_loads_are_explained)
{
	struct iokit_match_record recs[16];
	const struct iokit_match_record *r;
	long baseline = iokit_live_objects();
	uint32_t flags = 0;
	int n, asked;

	ASSERT_EQ(0, personality_add_raw(self->fd, "PendingBad", "iokit_test_bad_personality",
					 &flags));
	EXPECT_EQ(IOKIT_PERSONALITY_PENDING, flags);
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	n = ledger(self->fd, self->edu, "PendingBad", recs, 16);
	ASSERT_EQ(1, n);
	EXPECT_EQ(IOKIT_MATCH_NOT_LOADED, recs[0].phase);
	EXPECT_STREQ("IOKitLinuxModule", recs[0].key);
	EXPECT_STREQ("iokit_test_bad_personality", recs[0].expected);
	EXPECT_NE(NULL, strstr(recs[0].actual, "no loader"));
	EXPECT_EQ(0, system("ioreg --why pci1234,11e8 --personality PendingBad > /tmp/why.txt"));
	EXPECT_EQ(0, system("grep -q 'not loaded: no loader' /tmp/why.txt"));

	/* The first loader to attach sets matching off again: asked for, it fails. */
	self->loader = loader_start();
	ASSERT_LT(0, self->loader);
	ASSERT_EQ(1, log_wait("failed to load iokit_test_bad_personality", 1, 10000));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	n = ledger(self->fd, self->edu, "PendingBad", recs, 16);
	ASSERT_EQ(1, n);
	r = &recs[0];
	EXPECT_EQ(IOKIT_MATCH_NOT_LOADED, r->phase);
	EXPECT_EQ(-EINVAL, r->error);
	EXPECT_STREQ("did not load", r->actual);
	EXPECT_NE(0, access("/sys/module/iokit_test_bad_personality", F_OK));

	/* A failed module is not asked for again by the next match. */
	asked = log_wait("iokit_test_bad_personality", 0, 0);
	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	EXPECT_EQ(asked, log_wait("iokit_test_bad_personality", 0, 0));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, personality_remove_raw(self->fd, "PendingBad"));

	/* Added anew, it is asked for again: iokitctl serves the load it sets off. */
	ASSERT_EQ(0, write_file("/tmp/bad.json",
				"{\"IOPersonalityName\": \"PendingBad\",\n"
				" \"IOClass\": \"TestBadPersonality\",\n"
				" \"IOProviderClass\": \"IOPCIDevice\", \"IOPCIMatch\": \"0x11e81234\",\n"
				" \"IOKitLinuxModule\": \"iokit_test_bad_personality\"}\n"));
	EXPECT_NE(0, system("iokitctl personality add /tmp/bad.json > /tmp/bad.out 2>&1"));
	system("cat /tmp/bad.out");
	EXPECT_EQ(0, system("grep -q 'failed to load iokit_test_bad_personality' /tmp/bad.out"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	ASSERT_EQ(0, personality_remove_raw(self->fd, "PendingBad"));

	/* Names a load request could not carry whole are refused. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  personality_add_raw(self->fd, "PendingEmpty", "", &flags));

	/* A module that does not exist: refused, nothing added. */
	ASSERT_EQ(0, write_file("/tmp/none.json",
				"{\"IOPersonalityName\": \"PendingNone\", \"IOClass\": \"Nope\",\n"
				" \"IOProviderClass\": \"IOPCIDevice\",\n"
				" \"IOKitLinuxModule\": \"iokit_no_such_module\"}\n"));
	EXPECT_NE(0, system("iokitctl personality add /tmp/none.json 2>/tmp/none.err"));
	EXPECT_EQ(0, system("grep -q 'iokit_no_such_module.*no such module' /tmp/none.err"));
	EXPECT_NE(0, system("iokitctl personality list | grep -q PendingNone"));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	/* With its loader gone, nothing of this test is left in the kernel. */
	loader_stop(&self->loader);
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
}

static uint32_t loader_ioctl(int fd, struct iokit_loader *l)
{
	l->ioreturn = 0;
	return ioctl(fd, IOKIT_IOC_LOADER, l) ? l->ioreturn : 0;
}

/* The loader command refuses what it cannot use, with a clear IOReturn. */
TEST_F(ld, loader_requests_are_checked)
{
	struct iokit_loader l = { .size = sizeof(l), .op = IOKIT_LOADER_ATTACH };
	int port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);

	ASSERT_LE(0, port);
	l.port_fd = self->fd;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	l.port_fd = port;
	EXPECT_EQ(0, loader_ioctl(self->fd, &l));
	EXPECT_EQ(IOKIT_RETURN_BUSY, loader_ioctl(self->fd, &l));
	/* DONE's fields on ATTACH are a mistake, not ignored. */
	snprintf(l.module, sizeof(l.module), "x");
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	l.module[0] = '\0';
	l.op = 7;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	l.op = IOKIT_LOADER_DONE;
	l.error = EINVAL;
	snprintf(l.module, sizeof(l.module), "never_asked_for");
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, loader_ioctl(self->fd, &l));
	l.error = 0;
	EXPECT_EQ(0, loader_ioctl(self->fd, &l));
	l.error = -1;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	memset(l.module, 'x', sizeof(l.module));
	l.error = 0;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	l.reserved = 1;
	l.module[0] = '\0';
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, loader_ioctl(self->fd, &l));
	close(port);
}

/*
 * Keep only the capabilities in @keep (a CAP_* bit mask of the first 32)
 * in the calling process.  Return: 0 or -1.
 */
static int keep_only_caps(uint32_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ .effective = keep, .permitted = keep },
	};

	return syscall(SYS_capset, &h, d);
}

/* Whether a node opened with only @keep may attach a loader. */
static int attach_with_only(uint32_t keep)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		struct iokit_loader l = { .size = sizeof(l), .op = IOKIT_LOADER_ATTACH };
		int fd, port;

		if (keep_only_caps(keep))
			_exit(2);
		fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		port = port_create(fd, IOKIT_PORT_NONBLOCK, 0, NULL);
		if (fd < 0 || port < 0)
			_exit(3);
		l.port_fd = port;
		if (!loader_ioctl(fd, &l))
			_exit(0);
		_exit(l.ioreturn == IOKIT_RETURN_NOT_PRIVILEGED && errno == EACCES ? 1 : 4);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A loader needs the privilege to do what it is asked, CAP_SYS_MODULE,
 * and no more (iokit-loader.service holds nothing else); CAP_SYS_ADMIN
 * still serves.
 */
TEST_F(ld, a_loader_needs_cap_sys_module_or_cap_sys_admin)
{
	EXPECT_EQ(0, attach_with_only(1u << CAP_SYS_MODULE));
	EXPECT_EQ(0, attach_with_only(1u << CAP_SYS_ADMIN));
	EXPECT_EQ(1, attach_with_only(1u << CAP_NET_ADMIN));
	EXPECT_EQ(1, attach_with_only(0));
}

TEST_HARNESS_MAIN
