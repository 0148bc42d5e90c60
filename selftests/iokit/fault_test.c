// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection (failslab, in the debug kernel): while a share of this
 * task's slab allocations fail, driving iokit - unbinding and binding the
 * edu device, which terminates and starts drivers in this task; arming
 * notifications; reading the registry and the match ledger - gets clear
 * errors, never a crash or a half-terminated service, and a bind that
 * succeeds gets its driver started.  Once the faults
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

TEST_F(faults, faults_give_errors_not_crashes_or_leaks)
{
	struct iokit_match_record recs[16];
	uint64_t ids[8];
	int fd, unbind, bind, i, failed = 0, done = 0, bound = 0, lost = 0;
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
		if (write(bind, bdf, strlen(bdf)) < 0) {
			failed++;
		} else {
			done++;
			/*
			 * Bound: the matching round it asked for runs in a
			 * worker, free of this task's faults, and must not
			 * have been lost to them.
			 */
			make_it_fail(0);
			bound++;
			if (iokit_wait_quiet(fd) || instances(fd, "TestWins", ids) != 1)
				lost++;
			make_it_fail(1);
		}
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
	EXPECT_LT(0, bound);
	EXPECT_EQ(0, lost);

	/* Whatever state that left, it is consistent: the drivers go cleanly. */
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	ASSERT_EQ(0, unload("iokit_test_drivers"));
	ASSERT_EQ(0, iokit_wait_quiet(fd));
	EXPECT_EQ(0, instances(fd, "TestWins", ids));
	if (baseline >= 0)
		EXPECT_EQ(baseline, iokit_live_objects());
	close(unbind);
	close(bind);
	close(fd);
}

TEST_HARNESS_MAIN
