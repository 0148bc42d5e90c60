// SPDX-License-Identifier: GPL-2.0-only
/*
 * In-kernel clients: a kernel module (kmod/test/iokit_test_kernel_client.c)
 * opens the test user client and calls it as an application would -
 * synchronous, refused, out of line both ways, async with its
 * KernelCompletion, completed and aborted - and holds a connection while
 * the driver's module goes away.
 */
#include <stdlib.h>

#include "iokit_test.h"
#include "user_client_util.h"

#define KC_DEBUG "/sys/kernel/debug/iokit_test_kernel_client/"

FIXTURE(kc) {
	int fd;
	long objects;
	uint64_t service;
};

FIXTURE_SETUP(kc)
{
	self->fd = -1;
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	uc_fixture_setup(_metadata, &self->fd, &self->objects, &self->service);
	ASSERT_EQ(0, load("iokit_test_kernel_client", ""));
}

FIXTURE_TEARDOWN(kc)
{
	if (self->fd < 0)
		return;
	EXPECT_EQ(0, unload("iokit_test_kernel_client"));
	uc_unload_clean(_metadata, self->objects);
	close(self->fd);
}

/* Run a command of the kernel client on the service: 0 or the errno. */
static int kc(const char *word, uint64_t id)
{
	char cmd[48];

	snprintf(cmd, sizeof(cmd), "%s %llu", word, (unsigned long long)id);
	return write_str(KC_DEBUG "control", cmd);
}

static int kc_log_has(const char *line)
{
	return log_has_at(KC_DEBUG "log", line);
}

TEST_F(kc, a_kernel_module_calls_a_user_client)
{
	ASSERT_EQ(0, kc("run", self->service));
	EXPECT_TRUE(kc_log_has("open 0x0"));
	EXPECT_TRUE(kc_log_has("add 0x0 42"));
	/* The same checks as for an application, with the same reason. */
	EXPECT_TRUE(kc_log_has("refused 0xe00002c2 3 3 2 0"));
	/* 8192 bytes of 1 in, 5000 of (7 + i) out: descriptors over its buffers. */
	EXPECT_TRUE(kc_log_has("ool_in 0x0 8192 1 8192"));
	EXPECT_TRUE(kc_log_has("ool_out 0x0 5000 7 142"));
	/* KernelCompletion: the driver's result from its timer; an abort. */
	EXPECT_TRUE(kc_log_has("async 11 0x0 2 21 42"));
	EXPECT_TRUE(kc_log_has("async 12 0xe00002eb 0 0 0"));
	/* A kernel client is root: the administrator entitlement, nothing else. */
	EXPECT_TRUE(kc_log_has("entitlements 0x0 1 1"));
	EXPECT_TRUE(kc_log_has("closed"));
	EXPECT_EQ(1, uc_log_count("client_close TestUserClient"));
	EXPECT_EQ(1, uc_log_count("free TestUserClient"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
	EXPECT_EQ(0, iokit_live_kind("async"));
}

TEST_F(kc, the_driver_goes_while_a_kernel_client_holds_it)
{
	ASSERT_EQ(0, kc("hold", self->service));
	EXPECT_TRUE(kc_log_has("hold 0x0"));
	ASSERT_EQ(0, kc("call", 0));
	EXPECT_TRUE(kc_log_has("call 0x0 5"));
	/* A kernel client does not pin the driver: its calls then find it gone. */
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	ASSERT_EQ(0, kc("call", 0));
	EXPECT_TRUE(kc_log_has("call 0xe00002d9 0"));
	ASSERT_EQ(0, kc("release", 0));
	EXPECT_TRUE(kc_log_has("released"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	/* Unloading the client module closes what it still holds. */
	self->service = uc_service(self->fd, "TestUCService");
	ASSERT_EQ(0, kc("hold", self->service));
}

TEST_F(kc, a_close_waits_for_the_callbacks_it_is_owed)
{
	/* The driver goes with an async call pending: its abort is delivered by the close. */
	ASSERT_EQ(0, kc("hold", self->service));
	ASSERT_EQ(0, kc("later", 0));
	EXPECT_TRUE(kc_log_has("later 0x0"));
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	ASSERT_EQ(0, kc("release", 0));
	EXPECT_TRUE(kc_log_has("later done 0xe00002eb"));
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
	self->service = uc_service(self->fd, "TestUCService");

	/* The close itself aborts it; the module may go right after. */
	ASSERT_EQ(0, kc("hold", self->service));
	ASSERT_EQ(0, kc("later", 0));
	ASSERT_EQ(0, kc("release", 0));
	EXPECT_TRUE(kc_log_has("later done 0xe00002eb"));
	EXPECT_EQ(0, unload("iokit_test_kernel_client"));
	ASSERT_EQ(0, load("iokit_test_kernel_client", ""));
}

TEST_HARNESS_MAIN
