// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/iokit and IOKIT_IOC_VERSION, and through them the ABI rules every
 * command shares: size-first structs, zero-extension, E2BIG for unknown
 * non-zero tails, ENOTTY for unknown commands, EFAULT for bad pointers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "iokit_test.h"

FIXTURE(iokit) {
	int fd;
};

FIXTURE_SETUP(iokit)
{
	self->fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", IOKIT_DEVICE_PATH, strerror(errno));
}

FIXTURE_TEARDOWN(iokit)
{
	close(self->fd);
}

TEST_F(iokit, version)
{
	struct iokit_version ver = { .size = sizeof(ver) };

	ASSERT_EQ(0, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &ver));
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, ver.ioreturn);
	EXPECT_EQ(sizeof(ver), ver.size);
	EXPECT_EQ(IOKIT_ABI_MAJOR, ver.abi_major);
	EXPECT_LE(IOKIT_ABI_MINOR, ver.abi_minor);
	EXPECT_TRUE(ver.features & IOKIT_FEATURE_VERSION);
	EXPECT_NE(NULL, memchr(ver.module_version, '\0', sizeof(ver.module_version)));
	EXPECT_LT(0, strlen(ver.module_version));
	TH_LOG("iokit %s, ABI %u.%u", ver.module_version, ver.abi_major, ver.abi_minor);
}

/* A read-only open is enough to ask; the registry is world-readable. */
TEST(version_read_only_open)
{
	struct iokit_version ver = { .size = sizeof(ver) };
	int fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, iokit_ioctl_err(fd, IOKIT_IOC_VERSION, &ver));
	close(fd);
}

TEST_F(iokit, struct_shorter_than_first_version)
{
	struct iokit_version ver = { .size = IOKIT_VERSION_SIZE_VER0 - 1 };

	EXPECT_EQ(EINVAL, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &ver));
	ver.size = 0;
	EXPECT_EQ(EINVAL, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &ver));
}

/* A newer caller's longer struct works if its extra tail is zero... */
TEST_F(iokit, struct_longer_with_zero_tail)
{
	struct {
		struct iokit_version ver;
		uint64_t future[4];
	} big;

	memset(&big, 0, sizeof(big));
	big.ver.size = sizeof(big);
	big.future[3] = 0;
	ASSERT_EQ(0, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &big));
	EXPECT_EQ(sizeof(big.ver), big.ver.size);
	EXPECT_EQ(IOKIT_ABI_MAJOR, big.ver.abi_major);
	/* The kernel writes only what it knows. */
	EXPECT_EQ(0, big.future[0]);
	EXPECT_EQ(0, big.future[3]);
}

/* ...and is refused if the tail asks for something this kernel lacks. */
TEST_F(iokit, struct_longer_with_nonzero_tail)
{
	struct {
		struct iokit_version ver;
		uint64_t future[4];
	} big;

	memset(&big, 0, sizeof(big));
	big.ver.size = sizeof(big);
	big.future[3] = 1;
	EXPECT_EQ(E2BIG, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &big));
}

TEST_F(iokit, struct_oversized)
{
	char *buf = calloc(1, IOKIT_ARG_SIZE_MAX + 8);
	struct iokit_version *ver = (void *)buf;

	ASSERT_NE(NULL, buf);
	ver->size = IOKIT_ARG_SIZE_MAX + 1;
	EXPECT_EQ(E2BIG, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, buf));
	ver->size = UINT32_MAX;
	EXPECT_EQ(E2BIG, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, buf));
	free(buf);
}

/* An older caller's shorter struct gets exactly its own bytes back. */
TEST_F(iokit, struct_shorter_is_not_overrun)
{
	struct {
		struct iokit_version ver;
		char guard[16];
	} s;

	memset(&s, 0xa5, sizeof(s));
	s.ver.size = IOKIT_VERSION_SIZE_VER0;
	ASSERT_EQ(0, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &s.ver));
	for (size_t i = 0; i < sizeof(s.guard); i++)
		ASSERT_EQ((char)0xa5, s.guard[i]);
}

TEST_F(iokit, unknown_commands)
{
	struct iokit_version ver = { .size = sizeof(ver) };

	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, _IO(IOKIT_IOC_TYPE, 0xff), &ver));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, _IO(IOKIT_IOC_TYPE, 0x6f), &ver));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, _IO('x', 0x00), &ver));
	/* ABI 1's type byte, now another driver's. */
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, _IO(0xb8, 0x00), &ver));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd,
					  _IOWR(0xb8, 0x00, struct iokit_version), &ver));
	EXPECT_EQ(0xd1, IOKIT_IOC_TYPE);
}

/*
 * Commands are _IO() numbers: one with size or direction bits, as ABI 1
 * had, is not a command (the struct's own size field is what counts).
 */
TEST_F(iokit, commands_carry_no_size_bits)
{
	struct iokit_version ver = { .size = sizeof(ver) };

	EXPECT_EQ(0, _IOC_SIZE(IOKIT_IOC_VERSION));
	EXPECT_EQ(_IOC_NONE, _IOC_DIR(IOKIT_IOC_MATCH_TEST));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd,
					  _IOWR(IOKIT_IOC_TYPE, 0x00, struct iokit_version), &ver));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, _IOR(IOKIT_IOC_TYPE, 0x00, uint64_t), &ver));
	EXPECT_EQ(0, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, &ver));
	EXPECT_EQ(IOKIT_ABI_MAJOR, ver.abi_major);
	EXPECT_EQ(2, ver.abi_major);
}

TEST_F(iokit, bad_pointers)
{
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(EFAULT, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, page));
	munmap(page, 4096);
}

/* Writing back into read-only memory fails cleanly too. */
TEST_F(iokit, read_only_argument)
{
	struct iokit_version *ver = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, ver);
	ver->size = sizeof(*ver);
	ASSERT_EQ(0, mprotect(ver, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, iokit_ioctl_err(self->fd, IOKIT_IOC_VERSION, ver));
	munmap(ver, 4096);
}

TEST_HARNESS_MAIN
