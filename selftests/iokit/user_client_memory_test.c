// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOUserClient memory: structures out of line (over 4096 bytes, the
 * caller's pages pinned for the call), variable-size output, memory
 * descriptors over a client's ranges, and shared memory
 * (CopyClientMemoryForType through mmap): the same pages per type,
 * read-only refusing every write path, and revocation on terminate.
 * The user client is the test module's (kmod/test/iokit_test_user_client.c).
 * Each test ends with the module unloaded and no descriptor, mapping or
 * object left.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "iokit_test.h"
#include "user_client_util.h"

#define PAGE 4096

FIXTURE(ucm) {
	int fd;
	long objects;
	uint64_t service;	/* TestUCService */
	int conn;
};

FIXTURE_SETUP(ucm)
{
	self->conn = -1;
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	uc_fixture_setup(_metadata, &self->fd, &self->objects, &self->service);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &self->conn, NULL));
	uc_log_clear();
}

FIXTURE_TEARDOWN(ucm)
{
	if (self->fd < 0)
		return;
	if (self->conn >= 0)
		close(self->conn);
	uc_unload_clean(_metadata, self->objects);
	close(self->fd);
}

/* UC_OOL_SUM over @len bytes at @p: out[0] sum, [1] length, [2] descriptor?, [3] mapped sum. */
static uint32_t ool_sum(int conn, const void *p, uint64_t len, uint64_t out[4],
			struct iokit_reason *r)
{
	struct iokit_connect_method m;
	uint32_t ret;

	uc_method_init(&m, UC_OOL_SUM);
	m.struct_input = (uintptr_t)p;
	m.struct_input_size = len;
	m.scalar_output = (uintptr_t)out;
	m.scalar_output_count = 4;
	ret = uc_call(conn, &m);
	if (r)
		*r = m.reason;
	return ret;
}

/* UC_OOL_FILL: @len bytes of (@seed + i) into @room bytes at @p; *@got the size returned. */
static uint32_t ool_fill(int conn, void *p, uint64_t room, uint64_t seed, uint64_t len,
			 uint64_t *got, struct iokit_reason *r)
{
	uint64_t in[2] = { seed, len };
	struct iokit_connect_method m;
	uint32_t ret;

	uc_method_init(&m, UC_OOL_FILL);
	m.scalar_input = (uintptr_t)in;
	m.scalar_input_count = 2;
	m.struct_output = (uintptr_t)p;
	m.struct_output_size = room;
	ret = uc_call(conn, &m);
	if (got)
		*got = m.struct_output_size;
	if (r)
		*r = m.reason;
	return ret;
}

static uint64_t byte_sum(const uint8_t *p, uint64_t len)
{
	uint64_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

TEST_F(ucm, structures_over_4096_bytes_travel_out_of_line)
{
	size_t big = 1 << 20;
	uint8_t *buf = malloc(big + 1), *out = malloc(big);
	uint64_t r[4], got, i;

	ASSERT_TRUE(buf && out);
	for (i = 0; i < big + 1; i++)
		buf[i] = i * 7 + 3;
	/* 4096 is the last inline size; 4097 is the first out of line. */
	ASSERT_EQ(0, ool_sum(self->conn, buf, 4096, r, NULL));
	EXPECT_EQ(byte_sum(buf, 4096), r[0]);
	EXPECT_EQ(4096, r[1]);
	EXPECT_EQ(0, r[2]);
	ASSERT_EQ(0, ool_sum(self->conn, buf, 4097, r, NULL));
	EXPECT_EQ(byte_sum(buf, 4097), r[0]);
	EXPECT_EQ(4097, r[1]);
	EXPECT_EQ(1, r[2]);
	EXPECT_EQ(r[0], r[3]);		/* read through the kernel mapping too */
	/* Unaligned, over page boundaries, 1 MiB. */
	ASSERT_EQ(0, ool_sum(self->conn, buf + 1, big, r, NULL));
	EXPECT_EQ(byte_sum(buf + 1, big), r[0]);
	EXPECT_EQ(big, r[1]);
	EXPECT_EQ(r[0], r[3]);

	/* Output: inline up to 4096, then written straight into the caller's pages. */
	memset(out, 0, big);
	ASSERT_EQ(0, ool_fill(self->conn, out, 4096, 5, 4096, &got, NULL));
	EXPECT_EQ(4096, got);
	EXPECT_EQ(5, out[0]);
	EXPECT_EQ((uint8_t)(5 + 4095), out[4095]);
	memset(out, 0, big);
	ASSERT_EQ(0, ool_fill(self->conn, out + 3, big - 3, 9, big - 3, &got, NULL));
	EXPECT_EQ(big - 3, got);
	EXPECT_EQ(9, out[3]);
	EXPECT_EQ((uint8_t)(9 + 4096), out[3 + 4096]);
	EXPECT_EQ((uint8_t)(9 + big - 4), out[big - 1]);
	/* The driver wrote less than the room: that much comes back. */
	ASSERT_EQ(0, ool_fill(self->conn, out, 8192, 1, 5000, &got, NULL));
	EXPECT_EQ(5000, got);
	/* More than the room: refused by the driver, nothing comes back. */
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE, ool_fill(self->conn, out, 8192, 1, 8193, &got, NULL));
	EXPECT_EQ(0, got);
	free(buf);
	free(out);
}

TEST_F(ucm, a_bad_out_of_line_buffer_faults_before_the_driver_runs)
{
	uint8_t *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uint8_t *ro = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct iokit_reason r;
	uint64_t out[4], got;

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_TRUE(ro != MAP_FAILED);
	ASSERT_EQ(0, munmap(p + 2 * PAGE, PAGE));
	/* Mapped half way: the reason names the first page that is not. */
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, ool_sum(self->conn, p + PAGE, 2 * PAGE, out, &r));
	EXPECT_EQ(IOKIT_CHECK_FAULT, r.check);
	EXPECT_EQ((uintptr_t)(p + 2 * PAGE), r.seen);
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, ool_sum(self->conn, NULL, 5000, out, &r));
	EXPECT_EQ(IOKIT_CHECK_FAULT, r.check);
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR,
		  ool_sum(self->conn, (void *)(uintptr_t)0xffff888000000000ull, 5000, out, &r));
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR,
		  ool_sum(self->conn, (void *)(uintptr_t)~0xfffull, 8192, out, &r));
	/* Output room the caller cannot write: refused, nothing written. */
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, ool_fill(self->conn, ro, 2 * PAGE, 1, 5000, &got, &r));
	EXPECT_EQ(IOKIT_CHECK_FAULT, r.check);
	EXPECT_EQ((uintptr_t)ro, r.seen);
	EXPECT_EQ(0, got);
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, ool_fill(self->conn, p + PAGE, 2 * PAGE, 1, 5000, &got,
						  &r));
	EXPECT_EQ(0, ro[0]);
	/* Over the out-of-line bound: the framework's refusal. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT,
		  ool_sum(self->conn, p, IOKIT_STRUCT_OOL_MAX + 1ull, out, &r));
	EXPECT_EQ(IOKIT_CHECK_STRUCT_INPUT_MAX, r.check);
	EXPECT_EQ(IOKIT_STRUCT_OOL_MAX, r.wanted);
	/* And the client still works. */
	memset(p, 1, 2 * PAGE);
	ASSERT_EQ(0, ool_sum(self->conn, p, 2 * PAGE, out, NULL));
	EXPECT_EQ(2 * PAGE, out[0]);
	munmap(p, 2 * PAGE);
	munmap(ro, 2 * PAGE);
}

/* kIOConnectMethodVarOutputSize: UC_VAR_OUT of @len bytes. */
static uint32_t var_out(int conn, uint32_t selector, uint64_t len, struct iokit_connect_method *m)
{
	static uint64_t in[1];

	in[0] = len;
	uc_method_init(m, selector);
	m->flags = IOKIT_CONNECT_METHOD_VAR_OUTPUT;
	m->scalar_input = (uintptr_t)in;
	m->scalar_input_count = selector == UC_VAR_OUT;
	return uc_call(conn, m);
}

TEST_F(ucm, variable_output_comes_back_whole)
{
	static const uint64_t lens[] = { 1, 4096, 4097, 100000, 3 << 20 };
	struct iokit_connect_method m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		const uint8_t *p;
		uint64_t j, bad = 0;

		ASSERT_EQ(0, var_out(self->conn, UC_VAR_OUT, lens[i], &m));
		EXPECT_EQ(lens[i], m.struct_output_size);
		ASSERT_NE(0, m.struct_output);
		p = (const uint8_t *)(uintptr_t)m.struct_output;
		for (j = 0; j < lens[i]; j++)
			bad += p[j] != (uint8_t)(j ^ 0x5a);
		EXPECT_EQ(0, bad);
		/* The caller's own memory now: it unmaps it. */
		EXPECT_EQ(0, munmap((void *)p, m.struct_output_size));
	}
	/* No bytes: nothing mapped. */
	ASSERT_EQ(0, var_out(self->conn, UC_VAR_OUT, 0, &m));
	EXPECT_EQ(0, m.struct_output);
	EXPECT_EQ(0, m.struct_output_size);
	/* Only a method whose output size is variable may be asked. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, var_out(self->conn, UC_NULL, 0, &m));
	EXPECT_EQ(IOKIT_CHECK_VAR_OUTPUT, m.reason.check);
	EXPECT_EQ(0, m.reason.wanted);
	/* The caller gives no room of its own. */
	uc_method_init(&m, UC_VAR_OUT);
	m.flags = IOKIT_CONNECT_METHOD_VAR_OUTPUT;
	m.struct_output_size = 8;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_call(self->conn, &m));
	EXPECT_EQ(IOKIT_CHECK_VAR_OUTPUT_ROOM, m.reason.check);
	EXPECT_EQ(8, m.reason.seen);
	/* Past the bound, the driver's own answer. */
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE,
		  var_out(self->conn, UC_VAR_OUT, IOKIT_STRUCT_OOL_MAX + 1ull, &m));
}

TEST_F(ucm, a_descriptor_over_the_clients_ranges)
{
	uint8_t *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uint64_t in[4], out[1] = { 0 };
	uint32_t n = 1;

	ASSERT_TRUE(p != MAP_FAILED);
	memset(p, 0, 4 * PAGE);
	/* Two ranges, one unaligned across a page boundary. */
	in[0] = (uintptr_t)(p + 100);
	in[1] = PAGE;
	in[2] = (uintptr_t)(p + 3 * PAGE);
	in[3] = 10;
	ASSERT_EQ(0, uc_scalars(self->conn, UC_FROM_CLIENT, in, 4, out, &n));
	EXPECT_EQ(PAGE + 10, out[0]);
	EXPECT_EQ(0, p[99]);
	EXPECT_EQ(0xab, p[100]);
	EXPECT_EQ(0xab, p[100 + PAGE - 1]);
	EXPECT_EQ(0, p[100 + PAGE]);
	EXPECT_EQ(0xab, p[3 * PAGE + 9]);
	EXPECT_EQ(0, p[3 * PAGE + 10]);
	/* An empty range, and one that is not mapped: the driver hears why. */
	in[3] = 0;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_scalars(self->conn, UC_FROM_CLIENT, in, 4, out,
							&n));
	ASSERT_EQ(0, munmap(p + 3 * PAGE, PAGE));
	in[3] = 10;
	n = 1;		/* a failed call returned no scalars */
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, uc_scalars(self->conn, UC_FROM_CLIENT, in, 4, out, &n));
	munmap(p, 3 * PAGE);
}

/* The driver's view of byte @off of memory @type. */
static int peek(int conn, uint64_t type, uint64_t off)
{
	uint64_t in[2] = { type, off }, out[1];
	uint32_t n = 1;

	if (uc_scalars(conn, UC_SHARED_PEEK, in, 2, out, &n))
		return -1;
	return out[0];
}

static uint32_t poke(int conn, uint64_t type, uint64_t off, uint8_t value)
{
	uint64_t in[3] = { type, off, value };

	return uc_scalars(conn, UC_SHARED_POKE, in, 3, NULL, NULL);
}

TEST_F(ucm, shared_memory_is_the_same_pages_for_each_mapping)
{
	struct iokit_connect_memory cm;
	uint8_t *a, *b;

	ASSERT_EQ(0, uc_memory(self->conn, 0, &cm));
	EXPECT_EQ(0, cm.options);
	EXPECT_EQ(3 * PAGE, cm.length);
	EXPECT_EQ(0, cm.offset);
	a = mmap(NULL, cm.length, PROT_READ | PROT_WRITE, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(a != MAP_FAILED);
	EXPECT_EQ(1, iokit_live_kind("mappings"));
	a[5000] = 0x42;
	EXPECT_EQ(0x42, peek(self->conn, 0, 5000));
	ASSERT_EQ(0, poke(self->conn, 0, 3 * PAGE - 1, 0x17));
	EXPECT_EQ(0x17, a[3 * PAGE - 1]);
	/* Asked again: the same memory, the driver not asked twice. */
	ASSERT_EQ(0, uc_memory(self->conn, 0, &cm));
	b = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(b != MAP_FAILED);
	EXPECT_EQ(0, b[0]);
	a[0] = 9;
	EXPECT_EQ(9, b[0]);
	EXPECT_EQ(1, uc_log_count("copy_client_memory TestUserClient"));
	EXPECT_EQ(0, munmap(b, PAGE));
	/* Part of a mapping unmapped: the rest still shows its own pages. */
	b = mmap(NULL, cm.length, PROT_READ, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(b != MAP_FAILED);
	EXPECT_EQ(0, munmap(b, PAGE));
	EXPECT_EQ(0x42, b[5000]);
	EXPECT_EQ(0x17, b[3 * PAGE - 1]);
	EXPECT_EQ(2, iokit_live_kind("mappings"));
	/* Moved elsewhere: still the same pages. */
	b = mremap(b + PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (void *)((uintptr_t)a + 64 * PAGE));
	ASSERT_TRUE(b != MAP_FAILED);
	EXPECT_EQ(0x17, b[2 * PAGE - 1]);
	EXPECT_EQ(0, munmap(b, 2 * PAGE));

	/* What cannot be mapped. */
	EXPECT_TRUE(mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, self->conn, 0) == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, self->conn, 0) == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, self->conn, 0) ==
		    MAP_FAILED);
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, mprotect(a, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_TRUE(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->conn, 5 * PAGE) == MAP_FAILED);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, uc_memory(self->conn, 5, &cm));
	EXPECT_EQ(IOKIT_CHECK_MEMORY_TYPE, cm.reason.check);
	EXPECT_EQ(5, cm.reason.seen);
	memset(&cm, 0, sizeof(cm));
	cm.size = sizeof(cm);
	cm.flags = 1;
	EXPECT_EQ(-1, ioctl(self->conn, IOKIT_IOC_CONNECT_MEMORY, &cm));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, cm.ioreturn);
	EXPECT_EQ(0, munmap(a, 3 * PAGE));
	EXPECT_EQ(0, iokit_live_kind("mappings"));
}

/* Run @fn in a child: the signal that ended it, or 0 if it exited. */
static int in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* Atomic accesses: the compiler may neither drop nor merge them. */
static void write_byte(void *p)
{
	__atomic_store_n((uint8_t *)p, 1, __ATOMIC_RELAXED);
}

static void read_byte(void *p)
{
	(void)__atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
}

TEST_F(ucm, read_only_memory_refuses_every_write)
{
	struct iokit_connect_memory cm;
	struct iovec local, remote;
	uint8_t *p, one = 1;
	int mem;

	ASSERT_EQ(0, uc_memory(self->conn, 1, &cm));
	EXPECT_EQ(IOKIT_MEMORY_READ_ONLY, cm.options);
	EXPECT_EQ(PAGE, cm.length);
	EXPECT_TRUE(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, self->conn, cm.offset) ==
		    MAP_FAILED);
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(p != MAP_FAILED);
	EXPECT_EQ(0xc3, p[0]);
	EXPECT_EQ(0xc3, p[PAGE - 1]);
	/* No upgrade, no store, no write from the side. */
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, in_child(write_byte, p));
	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pwrite(mem, &one, 1, (off_t)(uintptr_t)p));
	close(mem);
	local = (struct iovec) { .iov_base = &one, .iov_len = 1 };
	remote = (struct iovec) { .iov_base = p, .iov_len = 1 };
	EXPECT_EQ(-1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	/* Nor may the pages be pinned as a method's output. */
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, ool_fill(self->conn, p, PAGE + 1, 0, 1, NULL, NULL));
	EXPECT_EQ(0xc3, p[0]);
	EXPECT_EQ(0xc3, peek(self->conn, 1, 0));
	EXPECT_EQ(0, munmap(p, PAGE));
}

TEST_F(ucm, terminating_the_client_revokes_its_mappings)
{
	struct iokit_connect_memory cm;
	int go[2], status;
	uint8_t *p, *q;
	pid_t forked;

	ASSERT_EQ(0, uc_memory(self->conn, 0, &cm));
	p = mmap(NULL, cm.length, PROT_READ | PROT_WRITE, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(p != MAP_FAILED);
	p[0] = 1;		/* one page in, two never touched */
	EXPECT_EQ(0, in_child(read_byte, p));
	/* A child forked now has the mapping, its page in, when the close comes. */
	ASSERT_EQ(0, pipe(go));
	forked = fork();
	if (!forked) {
		char c;

		read_byte(p);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		read_byte(p);
		_exit(0);
	}
	/* IOServiceClose: every page is gone, touched or not. */
	EXPECT_EQ(0, uc_close(self->conn));
	EXPECT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(forked, waitpid(forked, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	close(go[0]);
	close(go[1]);
	EXPECT_EQ(SIGBUS, in_child(read_byte, p));
	EXPECT_EQ(SIGBUS, in_child(write_byte, p + 2 * PAGE));
	EXPECT_EQ(0, iokit_live_kind("memory_descriptors"));
	EXPECT_TRUE(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, self->conn, 0) == MAP_FAILED);
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(IOKIT_RETURN_NOT_OPEN, uc_memory(self->conn, 0, &cm));
	/* The mapping outlives the descriptor's close; unmapping it is clean. */
	close(self->conn);
	self->conn = -1;
	EXPECT_EQ(SIGBUS, in_child(read_byte, p + PAGE));
	EXPECT_EQ(0, munmap(p, 3 * PAGE));

	/* The driver's module goes with memory mapped: the same. */
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &self->conn, NULL));
	ASSERT_EQ(0, uc_memory(self->conn, 0, &cm));
	q = mmap(NULL, cm.length, PROT_READ | PROT_WRITE, MAP_SHARED, self->conn, cm.offset);
	ASSERT_TRUE(q != MAP_FAILED);
	q[PAGE] = 3;
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	EXPECT_EQ(SIGBUS, in_child(read_byte, q + PAGE));
	EXPECT_EQ(0, iokit_live_kind("memory_descriptors"));
	EXPECT_EQ(IOKIT_RETURN_NOT_ATTACHED, uc_memory(self->conn, 0, &cm));
	EXPECT_EQ(0, munmap(q, 3 * PAGE));
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
}

struct asker {
	int conn;
	uint32_t ret;
	uint64_t length;
};

static void *ask(void *arg)
{
	struct asker *a = arg;
	struct iokit_connect_memory cm;

	a->ret = uc_memory(a->conn, 0, &cm);
	a->length = cm.length;
	return NULL;
}

TEST_F(ucm, racing_requests_ask_the_driver_once)
{
	struct asker a[8];
	pthread_t t[8];
	int i;

	for (i = 0; i < 8; i++) {
		a[i] = (struct asker) { .conn = self->conn };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, ask, &a[i]));
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, a[i].ret);
		EXPECT_EQ(3 * PAGE, a[i].length);
	}
	EXPECT_EQ(1, uc_log_count("copy_client_memory TestUserClient"));
}

/* A thread touching every page of the mapping until it is revoked. */
static void *toucher(void *arg)
{
	uint8_t *p = arg;

	for (unsigned int i = 0;; i++)
		write_byte(p + (i % 3) * PAGE + (i % 64));
	return NULL;
}

TEST_F(ucm, revocation_races_faults_and_maps)
{
	for (int round = 0; round < 20; round++) {
		int status;
		pid_t pid = fork();

		if (!pid) {
			struct iokit_connect_memory cm;
			pthread_t t;
			uint8_t *p;
			int conn;

			if (uc_open(self->fd, self->service, round & 1 ? 4 : 0, &conn, NULL) ||
			    uc_memory(conn, 0, &cm))
				_exit(1);
			p = mmap(NULL, cm.length, PROT_READ | PROT_WRITE, MAP_SHARED, conn, 0);
			if (p == MAP_FAILED || pthread_create(&t, NULL, toucher, p))
				_exit(2);
			usleep(round * 500);
			/* A close, or the death of the process with the touching going on. */
			if (round % 3)
				uc_close(conn);
			else
				_exit(0);
			/* The toucher now takes SIGBUS; a new mapping is refused. */
			if (mmap(NULL, PAGE, PROT_READ, MAP_SHARED, conn, 0) != MAP_FAILED)
				_exit(3);
			pthread_join(t, NULL);
			_exit(4);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		/* Exited cleanly, or killed by the revocation's SIGBUS. */
		EXPECT_TRUE(WIFEXITED(status) ? WEXITSTATUS(status) == 0 :
			    WTERMSIG(status) == SIGBUS);
	}
	EXPECT_EQ(0, iokit_live_kind("mappings"));
}

TEST_HARNESS_MAIN
