// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOUserClient: IOServiceOpen, framework-checked ExternalMethod with its
 * reasons, close and client death, concurrency, and the driver going
 * away under open connections.  The user client is the test module's
 * (kmod/test/iokit_test_user_client.c), on IOResources.  Each test ends
 * with the module unloaded and iokit's live objects back where they were.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "iokit_test.h"
#include "driver_util.h"
#include "user_client_util.h"

FIXTURE(uc) {
	int fd;
	long objects;
	uint64_t service;	/* TestUCService */
	uint64_t plain;		/* TestUCPlain */
	uint64_t none;		/* TestUCNone */
};

FIXTURE_SETUP(uc)
{
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	uc_fixture_setup(_metadata, &self->fd, &self->objects, &self->service);
	self->plain = uc_service(self->fd, "TestUCPlain");
	self->none = uc_service(self->fd, "TestUCNone");
	ASSERT_NE(0, self->plain);
	ASSERT_NE(0, self->none);
}

FIXTURE_TEARDOWN(uc)
{
	if (self->fd < 0)
		return;
	uc_unload_clean(_metadata, self->objects);
	close(self->fd);
}

TEST_F(uc, an_open_connection_is_a_client_in_the_registry)
{
	struct iokit_entry_info info;
	struct iokit_connect_info ci;
	uint64_t parents[4];
	uint32_t n = 4;
	struct prop_find p;
	char want[64];
	int conn;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_LE(0, conn);
	EXPECT_EQ(FD_CLOEXEC, fcntl(conn, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, uc_info(conn, &ci));
	EXPECT_EQ(self->service, ci.service_id);
	EXPECT_EQ(IOKIT_CONNECT_OPEN, ci.state);
	ASSERT_EQ(0, reg_info(self->fd, ci.client_id, &info));
	EXPECT_STREQ("TestUserClient", info.class_name);
	ASSERT_EQ(0, reg_relatives(self->fd, ci.client_id, IOKIT_RELATIVES_PARENTS, parents, &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(self->service, parents[0]);
	snprintf(want, sizeof(want), "pid %d, user_client_tes", getpid());
	ASSERT_EQ(1, reg_property(self->fd, ci.client_id, "IOUserClientCreator", &p));
	EXPECT_STREQ(want, p.str);
	EXPECT_EQ(1, reg_property(self->fd, ci.client_id, "IOUserClientMethods", &p));
	EXPECT_TRUE(uc_log_has("start TestUserClient"));
	/* ioreg shows the client under its service, with its method table. */
	EXPECT_EQ(0, system("ioreg -l -r -c TestUserClient > /tmp/uc-ioreg.txt"));
	EXPECT_EQ(0, system("grep -q 'IOUserClientMethods' /tmp/uc-ioreg.txt"));
	EXPECT_EQ(0, system("grep -q 'm_scalars16' /tmp/uc-ioreg.txt"));
	EXPECT_EQ(0, system("grep -q 'IOUserClientCreator' /tmp/uc-ioreg.txt"));

	/* IOServiceClose: ClientClose, Stop, gone from the registry; no crash. */
	EXPECT_EQ(0, uc_close(conn));
	EXPECT_TRUE(uc_log_has("client_close TestUserClient"));
	EXPECT_TRUE(uc_log_has("stop TestUserClient"));
	EXPECT_FALSE(uc_log_has("client_crashed TestUCService"));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, reg_info(self->fd, ci.client_id, &info));
	ASSERT_EQ(0, uc_info(conn, &ci));
	EXPECT_EQ(IOKIT_CONNECT_CLOSED, ci.state);
	EXPECT_EQ(IOKIT_RETURN_NOT_OPEN, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	/* The first close won; a second is a no-op that succeeds. */
	EXPECT_EQ(0, uc_close(conn));
	EXPECT_EQ(1, uc_log_count("client_close TestUserClient"));
	close(conn);
	EXPECT_EQ(1, uc_log_count("client_close TestUserClient"));
	EXPECT_FALSE(uc_log_has("client_crashed TestUCService"));
}

TEST_F(uc, the_service_decides_which_client_and_whether)
{
	struct iokit_connect_info ci;
	struct iokit_entry_info info;
	struct iokit_reason r;
	int conn, second;

	/* No NewUserClient: the class IOUserClientClass names. */
	ASSERT_EQ(0, uc_open(self->fd, self->plain, 0, &conn, NULL));
	ASSERT_EQ(0, uc_info(conn, &ci));
	ASSERT_EQ(0, reg_info(self->fd, ci.client_id, &info));
	EXPECT_STREQ("TestUserClient", info.class_name);
	close(conn);

	/* Neither: unsupported, and the reason says so. */
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, uc_open(self->fd, self->none, 0, &conn, &r));
	EXPECT_EQ(IOKIT_CHECK_USER_CLIENT_CLASS, r.check);
	EXPECT_EQ(-1, conn);
	/* Root may have any class. */
	ASSERT_EQ(0, uc_open(self->fd, self->service, 3, &conn, NULL));
	EXPECT_EQ(0, uc_close(conn));
	close(conn);
	/* The driver refuses a type. */
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, uc_open(self->fd, self->service, 2, &conn, &r));

	/* Exclusive: one at a time; free again once the first is closed. */
	ASSERT_EQ(0, uc_open(self->fd, self->service, 1, &conn, NULL));
	EXPECT_EQ(IOKIT_RETURN_EXCLUSIVE_ACCESS,
		  uc_open(self->fd, self->service, 1, &second, NULL));
	close(conn);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 1, &second, NULL));
	close(second);
	/* The owner died without IOServiceClose: the service heard of it. */
	EXPECT_EQ(2, uc_log_count("client_crashed TestUCService"));
}

TEST_F(uc, a_client_made_from_a_property_dictionary)
{
	struct iokit_connect_info ci;
	struct iokit_entry_info info;
	struct prop_find p;
	int conn;

	/* IOService::Create(this, "UserClientProperties"): its class, its keys. */
	ASSERT_EQ(0, uc_open(self->fd, self->service, 7, &conn, NULL));
	ASSERT_EQ(0, uc_info(conn, &ci));
	ASSERT_EQ(0, reg_info(self->fd, ci.client_id, &info));
	EXPECT_STREQ("TestUserClient", info.class_name);
	ASSERT_EQ(1, reg_property(self->fd, ci.client_id, "TestCreatedFrom", &p));
	EXPECT_STREQ("UserClientProperties", p.str);
	EXPECT_EQ(0, reg_property(self->fd, ci.client_id, "IOUserClass", &p));
	EXPECT_EQ(0, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	close(conn);
	/* A dictionary that names no class makes nothing. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_open(self->fd, self->service, 8, &conn, NULL));
	EXPECT_EQ(1, uc_log_count("start TestUserClient"));
}

TEST_F(uc, bad_opens_are_refused_with_a_reason)
{
	struct iokit_registry_lookup l = { .size = sizeof(l), .how = IOKIT_LOOKUP_ROOT };
	struct iokit_service_open so = { .size = sizeof(so), .entry_id = 0 };
	struct iokit_reason r;
	int ro, conn;

	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, uc_open(self->fd, ~0ull, 0, &conn, NULL));
	ASSERT_EQ(0, ioctl(self->fd, IOKIT_IOC_REGISTRY_LOOKUP, &l));
	/* The root is a registry entry, not a service. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_open(self->fd, l.entry_id, 0, &conn, NULL));
	so.entry_id = self->service;
	so.flags = 4;
	EXPECT_EQ(EINVAL, iokit_ioctl_err(self->fd, IOKIT_IOC_SERVICE_OPEN, &so));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, so.ioreturn);
	EXPECT_EQ(IOKIT_CHECK_FLAGS, so.reason.check);
	EXPECT_EQ(4, so.reason.seen);
	/* A node opened read-only opens nothing. */
	ro = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, uc_open(ro, self->service, 0, &conn, &r));
	close(ro);
	/* Connection commands are not /dev/iokit commands, nor the reverse. */
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(self->fd, IOKIT_IOC_CONNECT_CLOSE, &so));
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	so.size = sizeof(so);
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(conn, IOKIT_IOC_SERVICE_OPEN, &so));
	EXPECT_EQ(ENOTTY, iokit_ioctl_err(conn, _IO(IOKIT_IOC_TYPE, 0x5f), &so));
	close(conn);
}

TEST_F(uc, scalar_methods_compute)
{
	uint64_t in[16], out[16];
	uint32_t n = 1;
	int conn, i;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	in[0] = 40;
	in[1] = 2;
	ASSERT_EQ(0, uc_scalars(conn, UC_ADD, in, 2, out, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(42, out[0]);
	EXPECT_EQ(0, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	for (i = 0; i < 16; i++)
		in[i] = 100 + i;
	n = 16;
	ASSERT_EQ(0, uc_scalars(conn, UC_SCALARS16, in, 16, out, &n));
	EXPECT_EQ(16, n);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(101 + i, out[i]);
	/* The method lowers the count: the caller learns how many came back. */
	memset(out, 0xff, sizeof(out));
	n = 10;
	ASSERT_EQ(0, uc_scalars(conn, UC_COUNT, in, 3, out, &n));
	EXPECT_EQ(3, n);
	EXPECT_EQ(2, out[2]);
	EXPECT_EQ(~0ull, out[3]);
	close(conn);
}

/* A call that must fail its check @check with @seen and @wanted. */
static void expect_refused(struct __test_metadata *_metadata, int conn,
			   struct iokit_connect_method *m, uint32_t check, uint64_t seen,
			   uint64_t wanted)
{
	EXPECT_EQ(EINVAL, iokit_ioctl_err(conn, IOKIT_IOC_CONNECT_METHOD, m));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, m->ioreturn);
	EXPECT_EQ(check, m->reason.check);
	EXPECT_EQ(seen, m->reason.seen);
	EXPECT_EQ(wanted, m->reason.wanted);
	EXPECT_EQ(0, m->scalar_output_count);
	EXPECT_EQ(0, m->struct_output_size);
}

#define EXPECT_REFUSED(conn, m, ...) expect_refused(_metadata, conn, &(m), __VA_ARGS__)

TEST_F(uc, each_dispatch_check_refuses_with_its_reason)
{
	struct iokit_connect_method m;
	uint64_t in[17] = { 1, 2, 3 }, out[17];
	static char buf[4097];
	int conn;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	uc_method_init(&m, UC_METHODS);
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SELECTOR, UC_METHODS, UC_METHODS);
	uc_method_init(&m, 0xffffffff);
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SELECTOR, 0xffffffff, UC_METHODS);

	uc_method_init(&m, UC_ADD);
	m.scalar_input = (uintptr_t)in;
	m.scalar_input_count = 3;
	m.scalar_output = (uintptr_t)out;
	m.scalar_output_count = 1;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SCALAR_INPUT_COUNT, 3, 2);
	m.scalar_input_count = 2;
	m.scalar_output_count = 0;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SCALAR_OUTPUT_COUNT, 0, 1);
	m.scalar_output_count = 1;
	m.struct_input = (uintptr_t)buf;
	m.struct_input_size = 1;
	m.scalar_output_count = 1;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_INPUT_SIZE, 1, 0);
	m.struct_input_size = 0;
	m.scalar_output_count = 1;	/* a refusal returned none: room again */
	m.struct_output = (uintptr_t)buf;
	m.struct_output_size = 8;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_OUTPUT_SIZE, 8, 0);

	/* Bounds that hold for every method come first. */
	uc_method_init(&m, UC_COUNT);
	m.scalar_input = (uintptr_t)in;
	m.scalar_input_count = 17;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SCALAR_INPUT_MAX, 17, 16);
	m.scalar_input_count = 1;
	m.scalar_output = (uintptr_t)out;
	m.scalar_output_count = 17;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_SCALAR_OUTPUT_MAX, 17, 16);
	uc_method_init(&m, UC_ECHO);
	m.struct_input = (uintptr_t)buf;
	m.struct_input_size = IOKIT_STRUCT_OOL_MAX + 1;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_INPUT_MAX, IOKIT_STRUCT_OOL_MAX + 1,
		       IOKIT_STRUCT_OOL_MAX);
	m.struct_input_size = 1ull << 40;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_INPUT_MAX, 1ull << 40, IOKIT_STRUCT_OOL_MAX);
	m.struct_input_size = 0;
	m.struct_output = (uintptr_t)buf;
	m.struct_output_size = IOKIT_STRUCT_OOL_MAX + 1;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_OUTPUT_MAX, IOKIT_STRUCT_OOL_MAX + 1,
		       IOKIT_STRUCT_OOL_MAX);
	uc_method_init(&m, UC_NULL);
	m.flags = 0x80;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_FLAGS, 0x80, IOKIT_CONNECT_METHOD_VAR_OUTPUT);
	uc_method_init(&m, UC_NULL);
	m.reference_count = 9;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_REFERENCE_COUNT, 9, 8);

	/* An async-only method called synchronously; a sync one called async. */
	uc_method_init(&m, UC_ASYNC);
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_COMPLETION, 0, 1);
	uc_method_init(&m, UC_NULL);
	m.reference_count = 1;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_COMPLETION, 1, 0);

	/* None of it reached the driver, and the client still works. */
	EXPECT_EQ(0, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	close(conn);
}

TEST_F(uc, structures_travel_inline_up_to_4096_bytes)
{
	static uint8_t in[4096], out[4096];
	struct iokit_connect_method m;
	int conn, i;

	for (i = 0; i < 4096; i++)
		in[i] = i * 7;
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	uc_method_init(&m, UC_ECHO);
	m.struct_input = (uintptr_t)in;
	m.struct_input_size = 4096;
	m.struct_output = (uintptr_t)out;
	m.struct_output_size = 4096;
	ASSERT_EQ(0, uc_call(conn, &m));
	EXPECT_EQ(4096, m.struct_output_size);
	EXPECT_EQ(0, memcmp(in, out, 4096));

	/* A fixed-size method: exactly 16 in and 16 of room. */
	uc_method_init(&m, UC_REVERSE16);
	m.struct_input = (uintptr_t)in;
	m.struct_input_size = 16;
	m.struct_output = (uintptr_t)out;
	m.struct_output_size = 16;
	ASSERT_EQ(0, uc_call(conn, &m));
	EXPECT_EQ(16, m.struct_output_size);
	EXPECT_EQ(in[15], out[0]);
	EXPECT_EQ(in[0], out[15]);

	/* The driver returns more than the caller has room for. */
	uc_method_init(&m, UC_TOO_LONG);
	m.struct_output = (uintptr_t)out;
	m.struct_output_size = 10;
	EXPECT_REFUSED(conn, m, IOKIT_CHECK_STRUCT_OUTPUT_RETURNED, 64, 10);
	m.struct_output_size = 64;
	ASSERT_EQ(0, uc_call(conn, &m));
	EXPECT_EQ(64, m.struct_output_size);

	/* Variable input of any size up to the bound, none included. */
	uc_method_init(&m, UC_ECHO);
	m.struct_output = (uintptr_t)out;
	m.struct_output_size = 4096;
	ASSERT_EQ(0, uc_call(conn, &m));
	EXPECT_EQ(0, m.struct_output_size);
	close(conn);
}

TEST_F(uc, the_methods_own_errors_return_nothing)
{
	struct iokit_connect_method m;
	uint64_t out[1] = { 7 };

	int conn;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	uc_method_init(&m, UC_FAILS);
	m.scalar_output = (uintptr_t)out;
	m.scalar_output_count = 1;
	EXPECT_EQ(IOKIT_RETURN_DEVICE_ERROR, uc_call(conn, &m));
	EXPECT_EQ(IOKIT_CHECK_NONE, m.reason.check);
	EXPECT_EQ(0, m.scalar_output_count);
	EXPECT_EQ(7, out[0]);
	uc_method_init(&m, UC_UNIMPLEMENTED);
	EXPECT_EQ(IOKIT_RETURN_NO_COMPLETION, uc_call(conn, &m));
	close(conn);
}

TEST_F(uc, bad_pointers_fault_cleanly)
{
	struct iokit_connect_method m;
	uint64_t in[2] = { 1, 2 };
	uint8_t *page;
	int conn;

	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	ASSERT_EQ(0, munmap(page + 4096, 4096));
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));

	uc_method_init(&m, UC_ADD);
	m.scalar_input_count = 2;
	m.scalar_output = (uintptr_t)in;
	m.scalar_output_count = 1;
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, uc_call(conn, &m));
	EXPECT_EQ(IOKIT_CHECK_FAULT, m.reason.check);
	EXPECT_EQ(0, m.reason.seen);
	/* Output to an address that is not mapped. */
	m.scalar_input = (uintptr_t)in;
	m.scalar_output = (uintptr_t)(page + 4096);
	m.scalar_output_count = 1;
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, uc_call(conn, &m));
	EXPECT_EQ((uintptr_t)(page + 4096), m.reason.seen);
	EXPECT_EQ(0, m.scalar_output_count);

	/* A structure mapped half way. */
	uc_method_init(&m, UC_ECHO);
	m.struct_input = (uintptr_t)(page + 2048);
	m.struct_input_size = 4096;
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, uc_call(conn, &m));
	EXPECT_EQ((uintptr_t)(page + 2048), m.reason.seen);
	m.struct_input = (uintptr_t)page;
	m.struct_input_size = 4096;
	m.struct_output = (uintptr_t)(page + 2048);
	m.struct_output_size = 4096;
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, uc_call(conn, &m));
	EXPECT_EQ(0, m.struct_output_size);

	/* The argument struct itself. */
	EXPECT_EQ(EFAULT, iokit_ioctl_err(conn, IOKIT_IOC_CONNECT_METHOD, page + 4096));
	EXPECT_EQ(0, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	close(conn);
	munmap(page, 4096);
}

struct caller {
	int conn;
	uint32_t selector;
	uint64_t ms;
	int calls;
	int stop;		/* __atomic */
	uint32_t bad;		/* an IOReturn other than success or the expected end */
	uint32_t end;
};

static void *caller_run(void *arg)
{
	struct caller *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		uint32_t ret = uc_scalars(c->conn, c->selector, &c->ms, c->selector == UC_SLEEP,
					  NULL, NULL);

		if (ret == c->end)
			break;
		if (ret)
			c->bad = ret;
		c->calls++;
	}
	return NULL;
}

TEST_F(uc, calls_into_one_client_are_serial_unless_it_says_otherwise)
{
	struct caller c[2];
	pthread_t t[2];
	int conn, type, i;

	for (type = 0; type <= 4; type += 4) {
		ASSERT_EQ(0, uc_open(self->fd, self->service, type, &conn, NULL));
		write_str(UC_DEBUG "max_inflight", "0");
		for (i = 0; i < 2; i++) {
			c[i] = (struct caller){ .conn = conn, .selector = UC_SLEEP, .ms = 200,
						.end = ~0u };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, caller_run, &c[i]));
		}
		usleep(700 * 1000);
		for (i = 0; i < 2; i++)
			__atomic_store_n(&c[i].stop, 1, __ATOMIC_RELAXED);
		for (i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			EXPECT_EQ(0, c[i].bad);
		}
		EXPECT_EQ(type ? 2 : 1, read_long_file(UC_DEBUG "max_inflight"));
		close(conn);
	}
}

TEST_F(uc, a_close_racing_calls_drains_them)
{
	struct caller c[2];
	pthread_t t[2];
	int conn, i, round;

	for (round = 0; round < 20; round++) {
		ASSERT_EQ(0, uc_open(self->fd, self->service, round & 1 ? 4 : 0, &conn, NULL));
		for (i = 0; i < 2; i++) {
			c[i] = (struct caller){ .conn = conn, .selector = i ? UC_SLEEP : UC_NULL,
						.ms = 1, .end = IOKIT_RETURN_NOT_OPEN };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, caller_run, &c[i]));
		}
		usleep(round * 500);
		EXPECT_EQ(0, uc_close(conn));
		/* Nothing ran in the client after its close returned. */
		EXPECT_EQ(0, read_long_file(UC_DEBUG "inflight"));
		for (i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			EXPECT_EQ(0, c[i].bad);
		}
		close(conn);
	}
	EXPECT_EQ(20, uc_log_count("stop TestUserClient") +
		      uc_log_count("stop TestConcurrentClient"));
	EXPECT_EQ(0, uc_log_count("client_crashed TestUCService"));
}

/* A child that opens, calls @selector from a thread, and waits to be killed. */
static pid_t uc_child(int fd, uint64_t service, int *ready)
{
	int pipefd[2];
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		static struct caller c;
		pthread_t t;
		int conn;

		close(pipefd[0]);
		if (uc_open(fd, service, 0, &conn, NULL))
			_exit(1);
		c = (struct caller){ .conn = conn, .selector = UC_SLEEP, .ms = 300, .end = ~0u };
		pthread_create(&t, NULL, caller_run, &c);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	*ready = pipefd[0];
	return pid;
}

TEST_F(uc, a_killed_client_is_torn_down_once)
{
	int ready, status, round;
	char x;
	pid_t pid;

	for (round = 0; round < 5; round++) {
		pid = uc_child(self->fd, self->service, &ready);
		ASSERT_LT(0, pid);
		ASSERT_EQ(1, read(ready, &x, 1));
		close(ready);
		usleep(round * 50 * 1000);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
	}
	/* The last close runs when the child's files go: by now. */
	EXPECT_EQ(0, read_long_file(UC_DEBUG "inflight"));
	EXPECT_EQ(5, uc_log_count("client_crashed TestUCService"));
	EXPECT_EQ(5, uc_log_count("client_close TestUserClient"));
	EXPECT_EQ(5, uc_log_count("stop TestUserClient"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
}

TEST_F(uc, a_forked_child_keeps_the_connection)
{
	int conn, status;
	pid_t pid;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	pid = fork();
	if (pid == 0) {
		usleep(200 * 1000);
		_exit(uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL) ? 1 : 0);
	}
	close(conn);
	EXPECT_FALSE(uc_log_has("stop TestUserClient"));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's exit was the last close. */
	EXPECT_TRUE(uc_log_has("stop TestUserClient"));
	EXPECT_EQ(1, uc_log_count("client_crashed TestUCService"));
}

TEST_F(uc, unloading_the_driver_ends_open_connections)
{
	struct iokit_connect_info ci;
	struct caller c;
	pthread_t t;
	int conn, other;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_open(self->fd, self->plain, 0, &other, NULL));
	c = (struct caller){ .conn = conn, .selector = UC_SLEEP, .ms = 300,
			     .end = IOKIT_RETURN_NOT_ATTACHED };
	ASSERT_EQ(0, pthread_create(&t, NULL, caller_run, &c));
	ASSERT_EQ(0, uc_wait_inflight(1));
	/* rmmod does not wait for the application, only for the call in flight. */
	ASSERT_EQ(0, unload("iokit_test_user_client"));
	pthread_join(t, NULL);
	EXPECT_EQ(0, c.bad);
	EXPECT_LT(0, c.calls);
	EXPECT_EQ(IOKIT_RETURN_NOT_ATTACHED, uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL));
	ASSERT_EQ(0, uc_info(other, &ci));
	EXPECT_EQ(IOKIT_CONNECT_TERMINATED, ci.state);
	EXPECT_EQ(0, uc_close(other));
	close(conn);
	close(other);
	EXPECT_EQ(0, iokit_live_kind("connections"));
	/* For the teardown's unload. */
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
}

TEST_F(uc, an_unprivileged_process_opens_only_what_admits_it)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		uid_t uid = 65534;	/* nobody */
		struct iokit_reason r;
		int fd, conn, bad = 0;

		if (setgid(uid) || setuid(uid))
			_exit(10);
		fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			_exit(11);
		if (uc_open(fd, self->service, 0, &conn, NULL))
			bad |= 1;
		else if (uc_scalars(conn, UC_NULL, NULL, 0, NULL, NULL))
			bad |= 2;
		if (uc_open(fd, self->service, 3, &conn, &r) != IOKIT_RETURN_NOT_PERMITTED ||
		    r.check != IOKIT_CHECK_ACCESS)
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* None of the refused class's code ran for the caller. */
	EXPECT_EQ(0, uc_log_count("start TestPrivateClient"));
}

TEST_F(uc, calls_queued_behind_a_close_do_not_run)
{
	struct caller c[6];
	pthread_t t[6];
	int conn, i;

	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	for (i = 0; i < 6; i++) {
		c[i] = (struct caller){ .conn = conn, .selector = UC_SLEEP, .ms = 400,
					.end = IOKIT_RETURN_NOT_OPEN };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, caller_run, &c[i]));
	}
	ASSERT_EQ(0, uc_wait_inflight(1));
	usleep(50 * 1000);	/* the others queue behind it */
	/* One call runs; the five behind the client's lock give up. */
	EXPECT_EQ(0, uc_close(conn));
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, c[i].bad);
	}
	EXPECT_EQ(1, uc_log_count("sleep TestUserClient"));
	close(conn);
}

TEST_F(uc, a_connection_never_delivered_is_no_crash)
{
	struct rlimit old, lim;
	int conn, i, fds[64], n = 0;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = 64;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	while (n < 64 && (fds[n] = dup(self->fd)) >= 0)
		n++;
	/* No descriptor for it: NewUserClient ran, the client goes quietly. */
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, uc_open(self->fd, self->service, 0, &conn, NULL));
	for (i = 0; i < n; i++)
		close(fds[i]);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	EXPECT_EQ(1, uc_log_count("client_close TestUserClient"));
	EXPECT_EQ(0, uc_log_count("client_crashed TestUCService"));
	EXPECT_EQ(0, iokit_live_kind("connections"));
}

TEST_F(uc, async_calls_complete_from_a_timer)
{
	struct iokit_async_completion rec[4];
	uint64_t ref[3] = { 0, 0xf00d, 0xbeef }, in[2] = { 50, 21 };
	struct iokit_connect_info ci;
	struct iokit_reason r;
	int conn, port;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_info(conn, &ci));
	ASSERT_EQ(0, uc_async(conn, UC_ASYNC_LATER, port, ref, 3, in, 2, NULL));
	ASSERT_EQ(1, async_read(port, rec, 1, 2000));
	EXPECT_EQ(IOKIT_EVENT_ASYNC, rec[0].event.type);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, rec[0].event.ioreturn);
	EXPECT_EQ(ci.client_id, rec[0].event.source_id);
	EXPECT_EQ(2, rec[0].event.count);
	EXPECT_EQ(21, rec[0].args[0]);
	EXPECT_EQ(42, rec[0].args[1]);
	EXPECT_EQ(0xf00d, rec[0].reference[1]);
	EXPECT_EQ(0xbeef, rec[0].reference[2]);
	EXPECT_EQ(0, rec[0].reference[3]);

	/* Completed inside the method; never kept (aborted, not lost). */
	ref[1] = 1;
	ASSERT_EQ(0, uc_async(conn, UC_ASYNC_NOW, port, ref, 2, NULL, 0, NULL));
	ref[1] = 2;
	ASSERT_EQ(0, uc_async(conn, UC_ASYNC_FORGET, port, ref, 2, NULL, 0, NULL));
	ASSERT_EQ(2, async_read(port, rec, 2, 1000));
	EXPECT_EQ(1, rec[0].reference[1]);
	EXPECT_EQ(IOKIT_RETURN_SUCCESS, rec[0].event.ioreturn);
	EXPECT_EQ(7, rec[0].args[0]);
	EXPECT_EQ(2, rec[1].reference[1]);
	EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[1].event.ioreturn);

	/* A call that fails posts nothing. */
	EXPECT_EQ(IOKIT_RETURN_DEVICE_ERROR, uc_async(conn, UC_ASYNC_FAILS, port, ref, 1,
						      NULL, 0, NULL));
	EXPECT_EQ(0, async_read(port, rec, 1, 200));
	/* Not a port, and no reference. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_async(conn, UC_ASYNC_NOW, conn, ref, 1, NULL, 0,
						      &r));
	EXPECT_EQ(IOKIT_CHECK_PORT, r.check);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_async(conn, UC_ASYNC_NOW, 0, ref, 0, NULL, 0,
						      &r));
	EXPECT_EQ(IOKIT_CHECK_COMPLETION, r.check);
	/* A synchronous call names no port. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_async(conn, UC_NULL, port, ref, 0, NULL, 0, &r));
	EXPECT_EQ(IOKIT_CHECK_RESERVED, r.check);
	close(conn);
	close(port);
	EXPECT_EQ(0, async_read(port, rec, 1, 0));
}

TEST_F(uc, a_full_port_refuses_async_calls_at_once)
{
	struct iokit_async_completion rec[4];
	uint64_t ref[1] = { 9 }, in[2] = { 5000, 1 };
	struct iokit_reason r;
	int conn, port, i;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 2, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2, NULL));
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2,
						      &r));
	EXPECT_EQ(IOKIT_CHECK_PORT_FULL, r.check);
	/* Closing aborts both; their slots were theirs all along. */
	close(conn);
	ASSERT_EQ(2, async_read(port, rec, 2, 1000));
	EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[0].event.ioreturn);
	EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[1].event.ioreturn);
	EXPECT_EQ(1, uc_log_count("stop TestUserClient"));
	close(port);
}

TEST_F(uc, an_async_call_can_be_cancelled)
{
	struct iokit_connect_cancel c = { .size = sizeof(c), .reference_count = 2 };
	struct iokit_async_completion rec[2];
	uint64_t ref[2] = { 0, 77 }, in[2] = { 3000, 1 };
	int conn, port;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_async(conn, UC_ASYNC_LATER, port, ref, 2, in, 2, NULL));
	c.reference[1] = 77;
	ASSERT_EQ(0, ioctl(conn, IOKIT_IOC_CONNECT_CANCEL, &c));
	ASSERT_EQ(1, async_read(port, rec, 1, 1000));
	EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[0].event.ioreturn);
	EXPECT_EQ(77, rec[0].reference[1]);
	EXPECT_EQ(ENOENT, iokit_ioctl_err(conn, IOKIT_IOC_CONNECT_CANCEL, &c));
	EXPECT_EQ(IOKIT_RETURN_NOT_FOUND, c.ioreturn);
	c.reference_count = 0;
	EXPECT_EQ(EINVAL, iokit_ioctl_err(conn, IOKIT_IOC_CONNECT_CANCEL, &c));
	/* The driver's own completion later finds it done: nothing more comes. */
	close(conn);
	EXPECT_EQ(0, async_read(port, rec, 1, 300));
	close(port);
}

TEST_F(uc, unloading_the_driver_aborts_pending_async_calls)
{
	struct iokit_async_completion rec[3];
	uint64_t ref[1] = { 5 }, in[2] = { 8000, 1 };
	int conn, port, i;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 4, &conn, NULL));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2, NULL));
	ASSERT_EQ(0, unload("iokit_test_user_client"));
	ASSERT_EQ(3, async_read(port, rec, 3, 1000));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[i].event.ioreturn);
	EXPECT_EQ(IOKIT_RETURN_NOT_ATTACHED, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2,
						      NULL));
	close(conn);
	close(port);
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
}

struct canceller {
	int conn;
	int stop;		/* __atomic */
	int found;
};

static void *cancel_run(void *arg)
{
	struct canceller *c = arg;
	struct iokit_connect_cancel cc = { .size = sizeof(cc), .reference_count = 2 };

	cc.reference[1] = 99;
	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		if (!ioctl(c->conn, IOKIT_IOC_CONNECT_CANCEL, &cc))
			c->found++;
	}
	return NULL;
}

TEST_F(uc, a_failed_async_call_never_posts)
{
	struct iokit_async_completion rec[2];
	uint64_t ref[2] = { 0, 99 }, in[2] = { 300, 1 };
	struct iokit_connect_method *m;
	struct canceller c;
	pthread_t t;
	int conn, port;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 4, &conn, NULL));
	/* Completed, then failed, with a cancel hammering it meanwhile. */
	c = (struct canceller){ .conn = conn };
	ASSERT_EQ(0, pthread_create(&t, NULL, cancel_run, &c));
	EXPECT_EQ(IOKIT_RETURN_DEVICE_ERROR, uc_async(conn, UC_ASYNC_SLOW_FAILS, port, ref, 2,
						      in, 1, NULL));
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	EXPECT_EQ(0, c.found);
	EXPECT_EQ(0, async_read(port, rec, 1, 200));

	/* Completed inside the call, but its struct never reached the caller. */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(m != MAP_FAILED);
	uc_method_init(m, UC_ASYNC_NOW);
	m->port_fd = port;
	m->reference_count = 1;
	ASSERT_EQ(0, mprotect(m, 4096, PROT_READ));
	EXPECT_EQ(EFAULT, iokit_ioctl_err(conn, IOKIT_IOC_CONNECT_METHOD, m));
	EXPECT_EQ(0, async_read(port, rec, 1, 200));
	munmap(m, 4096);
	close(conn);
	close(port);
}

TEST_F(uc, a_connection_has_at_most_1024_async_calls_pending)
{
	static struct iokit_async_completion rec[1100];
	uint64_t ref[1] = { 1 }, in[2] = { 10000, 1 };
	struct iokit_reason r;
	int conn, port, i;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 4096, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 4, &conn, NULL));
	for (i = 0; i < 1024; i++)
		ASSERT_EQ(0, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2, NULL));
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, uc_async(conn, UC_ASYNC_LATER, port, ref, 1, in, 2,
						      &r));
	EXPECT_EQ(IOKIT_CHECK_ASYNC_PENDING, r.check);
	close(conn);
	EXPECT_EQ(1024, async_read(port, rec, 1100, 1000));
	EXPECT_EQ(IOKIT_RETURN_ABORTED, rec[1023].event.ioreturn);
	close(port);
}

/* Send @n notifications of @type with @status: how many were queued; *@err the first error. */
static uint64_t uc_notify(int conn, uint64_t type, uint64_t n, uint64_t status, int64_t *err)
{
	uint64_t in[3] = { type, n, status }, out[2] = { 0, 0 };
	uint32_t count = 2;

	if (uc_scalars(conn, UC_NOTIFY, in, 3, out, &count) || count != 2)
		return (uint64_t)-1;
	if (err)
		*err = (int64_t)out[1];
	return out[0];
}

TEST_F(uc, a_client_notifies_the_port_it_was_given)
{
	struct iokit_client_notification rec[4];
	uint64_t in[2] = { 5, 50 };
	struct iokit_connect_info ci;
	int conn, port, port2;
	int64_t err;
	int i;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	port2 = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_LE(0, port2);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_info(conn, &ci));

	/* No port yet: nothing goes anywhere. */
	EXPECT_EQ(0, uc_notify(conn, 0, 1, 0, &err));
	EXPECT_EQ(-ENOENT, err);

	ASSERT_EQ(0, uc_set_port(conn, 0, port, 0x1234, NULL));
	EXPECT_TRUE(uc_log_has("notification_port TestUserClient"));
	EXPECT_EQ(3, uc_notify(conn, 0, 3, IOKIT_RETURN_DEVICE_ERROR, &err));
	EXPECT_EQ(0, err);
	ASSERT_EQ(3, client_read(port, rec, 3, 1000));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(IOKIT_EVENT_CLIENT, rec[i].event.type);
		EXPECT_EQ(sizeof(rec[i]), rec[i].event.size);
		EXPECT_EQ(0x1234, rec[i].event.refcon);
		EXPECT_EQ(ci.client_id, rec[i].event.source_id);
		EXPECT_EQ(0, rec[i].event.entry_id);
		EXPECT_EQ(IOKIT_RETURN_DEVICE_ERROR, rec[i].event.ioreturn);
		EXPECT_EQ(2, rec[i].event.count);
		EXPECT_EQ(i, rec[i].args[0]);
		EXPECT_EQ(0, rec[i].args[2]);
	}

	/* From a timer, softirq context: another type, its own reference. */
	ASSERT_EQ(0, uc_set_port(conn, 5, port, 0x55, NULL));
	ASSERT_EQ(0, uc_scalars(conn, UC_NOTIFY_LATER, in, 2, NULL, NULL));
	ASSERT_EQ(1, client_read(port, rec, 1, 2000));
	EXPECT_EQ(5, rec[0].event.entry_id);
	EXPECT_EQ(0x55, rec[0].event.refcon);
	EXPECT_EQ(1, rec[0].event.count);
	EXPECT_EQ(0xfeed, rec[0].args[0]);

	/* A second call moves the type to another port. */
	ASSERT_EQ(0, uc_set_port(conn, 0, port2, 0x99, NULL));
	EXPECT_EQ(1, uc_notify(conn, 0, 1, 0, NULL));
	ASSERT_EQ(1, client_read(port2, rec, 1, 1000));
	EXPECT_EQ(0x99, rec[0].event.refcon);
	EXPECT_EQ(0, client_read(port, rec, 1, 100));

	/* -1: no port from now on; the class is told. */
	ASSERT_EQ(0, uc_set_port(conn, 0, -1, 0, NULL));
	EXPECT_TRUE(uc_log_has("no_notification_port TestUserClient"));
	EXPECT_EQ(0, uc_notify(conn, 0, 1, 0, &err));
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(1, uc_notify(conn, 5, 1, 0, NULL));

	close(conn);
	close(port);
	close(port2);
}

TEST_F(uc, bad_notification_ports_are_refused_with_a_reason)
{
	struct iokit_connect_notification_port np = {
		.size = sizeof(np), .reserved = 1,
	};
	struct iokit_reason r;
	int conn, priv, port, i;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	/* Not a port: the connection itself. */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, uc_set_port(conn, 0, conn, 0, &r));
	EXPECT_EQ(IOKIT_CHECK_PORT, r.check);
	EXPECT_EQ(conn, (int)r.seen);
	np.port_fd = port;
	EXPECT_EQ(-1, ioctl(conn, IOKIT_IOC_CONNECT_NOTIFICATION_PORT, &np));
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, np.ioreturn);
	EXPECT_EQ(IOKIT_CHECK_RESERVED, np.reason.check);
	/* The class's answers: a type it does not send, one it refuses. */
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, uc_set_port(conn, 16, port, 0, &r));
	EXPECT_EQ(IOKIT_CHECK_NOTIFICATION_TYPE, r.check);
	EXPECT_EQ(16, r.seen);
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, uc_set_port(conn, 15, port, 0, &r));
	EXPECT_EQ(0, uc_notify(conn, 15, 1, 0, NULL));
	/* IOKIT_CONNECT_NOTIFICATION_TYPES_MAX types, and no more. */
	for (i = 0; i < IOKIT_CONNECT_NOTIFICATION_TYPES_MAX; i++)
		ASSERT_EQ(0, uc_set_port(conn, i, port, i, NULL));
	EXPECT_EQ(IOKIT_RETURN_NO_RESOURCES, uc_set_port(conn, 9, port, 0, &r));
	EXPECT_EQ(IOKIT_CHECK_NOTIFICATION_TYPES, r.check);
	EXPECT_EQ(IOKIT_CONNECT_NOTIFICATION_TYPES_MAX, r.wanted);
	/* A type that has one may still move; one let go makes room. */
	EXPECT_EQ(0, uc_set_port(conn, 3, port, 33, NULL));
	EXPECT_EQ(0, uc_set_port(conn, 3, -1, 0, NULL));
	EXPECT_EQ(0, uc_set_port(conn, 9, port, 0, NULL));
	close(conn);

	/* A class with no RegisterNotificationPort: IOUserClient's answer. */
	ASSERT_EQ(0, uc_open(self->fd, self->service, 3, &priv, NULL));
	EXPECT_EQ(IOKIT_RETURN_UNSUPPORTED, uc_set_port(priv, 0, port, 0, &r));
	EXPECT_EQ(IOKIT_CHECK_NOTIFICATION_TYPE, r.check);
	/* Closed, then asked: not open. */
	ASSERT_EQ(0, uc_close(priv));
	EXPECT_EQ(IOKIT_RETURN_NOT_OPEN, uc_set_port(priv, 0, port, 0, NULL));
	close(priv);
	close(port);
}

TEST_F(uc, notifications_overflow_a_full_port_and_survive_its_close)
{
	struct iokit_event *ev;
	uint64_t buf[256];
	int64_t err;
	ssize_t len;
	int conn, port;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 2, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_set_port(conn, 1, port, 7, NULL));
	/* Not reserved: two fit, three are dropped and counted. */
	EXPECT_EQ(2, uc_notify(conn, 1, 5, 0, &err));
	EXPECT_EQ(-ENOSPC, err);
	len = read(port, buf, sizeof(buf));
	ASSERT_EQ(2 * sizeof(struct iokit_client_notification) + sizeof(struct iokit_event), len);
	ev = (struct iokit_event *)((char *)buf + 2 * sizeof(struct iokit_client_notification));
	EXPECT_EQ(IOKIT_EVENT_OVERFLOW, ev->type);
	EXPECT_EQ(3, ev->count);

	/* The application closes the port first: sends are discarded. */
	close(port);
	EXPECT_EQ(0, uc_notify(conn, 1, 1, 0, &err));
	EXPECT_EQ(-EPIPE, err);
	/* And the port goes with the client: the fixture counts it. */
	close(conn);
}

TEST_F(uc, a_port_outlives_no_client)
{
	struct iokit_client_notification rec[1];
	uint64_t in[2] = { 1, 200 };
	int conn, port;

	/* The connection is closed with a timer still armed and a port set. */
	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_set_port(conn, 1, port, 7, NULL));
	ASSERT_EQ(0, uc_scalars(conn, UC_NOTIFY_LATER, in, 2, NULL, NULL));
	close(conn);
	EXPECT_EQ(1, uc_log_count("stop TestUserClient"));
	usleep(300 * 1000);
	EXPECT_EQ(0, client_read(port, rec, 1, 100));
	close(port);

	/* Unloading the driver with a port set ends it too. */
	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 0, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
	ASSERT_EQ(0, uc_set_port(conn, 2, port, 7, NULL));
	close(port);
	EXPECT_EQ(0, unload("iokit_test_user_client"));
	EXPECT_EQ(IOKIT_RETURN_NOT_ATTACHED, uc_set_port(conn, 2, -1, 0, NULL));
	close(conn);
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
}

struct port_setter {
	int conn, port;
	uint32_t end;		/* the IOReturn that ends the loop */
	int bad;		/* an answer that is neither success nor @end */
};

/* Set, send and clear a port on @conn until its connection is gone. */
static void *port_setter_run(void *p)
{
	struct port_setter *ps = p;
	uint32_t type;

	for (type = 0;; type = (type + 1) % 4) {
		uint32_t ret = uc_set_port(ps->conn, type, type & 1 ? -1 : ps->port, type, NULL);

		if (ret == ps->end)
			return NULL;
		if (ret)
			ps->bad = 1;
		uc_notify(ps->conn, type, 2, 0, NULL);
	}
}

TEST_F(uc, setting_ports_races_close_and_unload)
{
	struct port_setter ps[2];
	pthread_t t[2];
	int conn, port, i, round;

	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 4, NULL);
	ASSERT_LE(0, port);
	for (round = 0; round < 11; round++) {
		/* Ten closes on serial and concurrent clients, then one unload. */
		bool unloading = round == 10;

		ASSERT_EQ(0, uc_open(self->fd, self->service, round & 1 ? 4 : 0, &conn, NULL));
		for (i = 0; i < 2; i++) {
			ps[i] = (struct port_setter){ .conn = conn, .port = port };
			ps[i].end = unloading ? IOKIT_RETURN_NOT_ATTACHED : IOKIT_RETURN_NOT_OPEN;
			ASSERT_EQ(0, pthread_create(&t[i], NULL, port_setter_run, &ps[i]));
		}
		usleep(round * 1000);
		EXPECT_EQ(0, unloading ? unload("iokit_test_user_client") : (int)uc_close(conn));
		for (i = 0; i < 2; i++) {
			pthread_join(t[i], NULL);
			EXPECT_EQ(0, ps[i].bad);
		}
		close(conn);
	}
	close(port);
	ASSERT_EQ(0, load("iokit_test_user_client", ""));
	ASSERT_EQ(0, iokit_wait_quiet(self->fd));
}

TEST_HARNESS_MAIN
