// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection (failslab, in the debug kernel): while a share of this
 * task's slab allocations fail, driving iokit - unbinding and binding the
 * edu device, which terminates and starts drivers in this task; arming
 * notifications; reading the registry and the match ledger - gets clear
 * errors, never a crash or a half-terminated service, and a device that
 * comes back gets its driver started.  Once the faults
 * stop, unloading the drivers leaves no iokit object behind.  Skips on
 * kernels without failslab.
 */
#include <stdlib.h>

#include "driver_util.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"

/* Fail @percent of the slab allocations of tasks that ask to. */
static int failslab(const char *percent)
{
	return write_str(FAILSLAB "task-filter", "Y") ?:
	       write_str(FAILSLAB "ignore-gfp-wait", "N") ?:
	       write_str(FAILSLAB "verbose", "0") ?:
	       write_str(FAILSLAB "interval", "1") ?:
	       write_str(FAILSLAB "times", "-1") ?:
	       write_str(FAILSLAB "probability", percent);
}

/*
 * Fail only allocations with iokit's code on the stack (from /proc/modules:
 * its address and size), or (@on false) any again.  The PCI core panics
 * when some of its own allocations fail during a rescan; iokit's, made in
 * its bus notifier in the same call, must not matter that much.
 */
static int failslab_only_iokit(int on)
{
	unsigned long size, base = 0;
	char line[256], name[64], start[32], end[32];
	FILE *f;

	if (!on)
		return write_str(FAILSLAB "require-start", "0") ?:
		       write_str(FAILSLAB "require-end", "18446744073709551615");
	f = fopen("/proc/modules", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lu %*s %*s %*s %lx", name, &size, &base) == 3 &&
		    !strcmp(name, "iokit"))
			break;
	if (f)
		fclose(f);
	if (!base || access(FAILSLAB "require-start", F_OK))
		return -1;
	snprintf(start, sizeof(start), "%lu", base);
	snprintf(end, sizeof(end), "%lu", base + size);
	return write_str(FAILSLAB "require-end", end) ?:
	       write_str(FAILSLAB "require-start", start);
}

/*
 * Turning it off is itself a write that may fail while it is on: try
 * until it takes.
 */
static void make_it_fail(int on)
{
	int tries = 0;

	while (write_str("/proc/self/make-it-fail", on ? "1" : "0") && tries++ < 10000)
		;
}

/* Whatever happened, no more faults and no test drivers left behind. */
static void faults_off(void)
{
	make_it_fail(0);
	write_str(FAILSLAB "probability", "0");
	failslab_only_iokit(0);
	unload("iokit_test_drivers");
}

/* An ioctl's IOReturn, 0 on success. */
static uint32_t call(int fd, unsigned long cmd, void *arg, uint32_t *ioreturn)
{
	*ioreturn = 0;
	return ioctl(fd, cmd, arg) ? (*ioreturn ?: 1) : 0;
}

FIXTURE(faults) {
	int unused;
};

FIXTURE_SETUP(faults)
{
}

FIXTURE_TEARDOWN(faults)
{
	faults_off();
}

TEST_F_TIMEOUT(faults, faults_give_errors_not_crashes_or_leaks, 300)
{
	struct iokit_match_record recs[16];
	uint64_t ids[8];
	int fd, unbind, bind, i, failed = 0, done = 0, found = 0, lost = 0;
	long baseline = iokit_live_objects();
	char bdf[64];

	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	if (access(FAILSLAB, F_OK))
		SKIP(return, "needs failslab (the debug kernel has it)");
	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, edu_bdf(fd, bdf, sizeof(bdf)));
	ASSERT_EQ(0, load("iokit_test_drivers", ""));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	unbind = open("/sys/bus/pci/drivers/iokit/unbind", O_WRONLY | O_CLOEXEC);
	bind = open("/sys/bus/pci/drivers/iokit/bind", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, unbind);
	ASSERT_LE(0, bind);
	ASSERT_EQ(0, failslab("25"));

	for (i = 0; i < 60; i++) {
		struct iokit_port_create pc = { .size = sizeof(pc) };
		uint32_t ret, count = 0;

		make_it_fail(1);
		/* Termination in this task: it must need no memory to finish. */
		if (write(unbind, bdf, strlen(bdf)) < 0)
			failed++;
		else
			done++;
		/* Probe and Start in this task, with init and Start short of memory. */
		if (write(bind, bdf, strlen(bdf)) < 0)
			failed++;
		else
			done++;
		if (call(fd, IOKIT_IOC_PORT_CREATE, &pc, &pc.ioreturn)) {
			failed++;
		} else {
			ret = notify_add(fd, pc.fd, IOKIT_NOTIFY_TERMINATED, "IOProviderClass",
					 "TestWins", 1, NULL, &count, NULL);
			if (ret)
				failed++;
			else
				done++;
			close(pc.fd);
		}
		if (ledger(fd, 0, "", recs, 16) < 0)
			failed++;
		else
			done++;
		make_it_fail(0);
	}
	ASSERT_EQ(0, write_str(FAILSLAB "probability", "0"));
	TH_LOG("under failslab: %d calls failed, %d succeeded", failed, done);
	EXPECT_LT(0, failed);

	/*
	 * The device comes and goes with iokit's code in this task short of
	 * memory.  Its nub is published in this task, the round that starts its
	 * driver runs in a worker, free of the faults: a nub that came must
	 * not have had its round lost to them.
	 */
	if (failslab_only_iokit(1)) {
		TH_LOG("no failslab stack filter or module address: device not cycled");
		goto drivers_go;
	}
	ASSERT_EQ(0, failslab("5"));
	for (i = 0; i < 20; i++) {
		char remove[128];

		snprintf(remove, sizeof(remove), "/sys/bus/pci/devices/%s/remove", bdf);
		make_it_fail(1);
		write_str(remove, "1");
		write_str("/sys/bus/pci/rescan", "1");
		make_it_fail(0);
		ASSERT_EQ(0, iokit_wait_quiet(fd));
		if (!edu_bdf(fd, bdf, sizeof(bdf))) {
			found++;
			lost += instances(fd, "TestWins", ids) != 1;
		} else {
			/* No nub (its allocation failed): bring it back whole. */
			write_str(remove, "1");
			ASSERT_EQ(0, write_str("/sys/bus/pci/rescan", "1"));
			ASSERT_EQ(0, iokit_wait_quiet(fd));
			ASSERT_EQ(0, edu_bdf(fd, bdf, sizeof(bdf)));
		}
	}
	ASSERT_EQ(0, write_str(FAILSLAB "probability", "0"));
	ASSERT_EQ(0, failslab_only_iokit(0));
	TH_LOG("the device came back %d times of 20, its driver lost %d times", found, lost);
	EXPECT_EQ(0, lost);

drivers_go:

	/* Whatever state that left, it is consistent: the drivers go cleanly. */
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	EXPECT_EQ(0, instances(fd, "TestWins", ids));
	if (baseline >= 0 && baseline != iokit_live_objects()) {
		system("sed 's/^/# live: /' /sys/kernel/debug/iokit/live");
		EXPECT_EQ(baseline, iokit_live_objects());
	}
	close(unbind);
	close(bind);
	close(fd);
}

TEST_HARNESS_MAIN
