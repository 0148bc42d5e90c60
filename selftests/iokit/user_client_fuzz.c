// SPDX-License-Identifier: GPL-2.0-only
/*
 * A raw-ioctl fuzzer for connections, aimed by the user client's own
 * published method table (IOUserClientMethods): selectors in and out of
 * range, counts and sizes at, next to and far from each entry's checks,
 * pointers that are valid, NULL, unmapped, half mapped or the kernel's,
 * argument structs of every size, async calls with good and bad ports,
 * cancels, and connections closed and reopened under it.  Each async
 * call carries its index as reference[1], and every record that comes
 * back is counted against it: exactly one for each call accepted, none
 * for each refused.  A bounded
 * number of calls (IOKIT_FUZZ_CALLS, default 4000; seed IOKIT_FUZZ_SEED)
 * runs on every kernel; on the debug kernel KASAN, UBSAN, lockdep and
 * kmemleak watch it.  What the test asserts itself: every call answers
 * with an errno the ABI allows and an IOReturn iokit or the driver
 * returns, and nothing is left behind.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "iokit_test.h"
#include "driver_util.h"
#include "user_client_util.h"

#define METHODS_MAX	64

struct method_shape {
	uint32_t check[5];	/* async, scalar in, struct in, scalar out, struct out */
};

/* Reads IOUserClientMethods: an array of dictionaries of numbers. */
struct table_reader {
	int depth;
	int in_table;
	int key;		/* index into method_keys of the key just read, or -1 */
	int n;
	struct method_shape m[METHODS_MAX];
};

static const char *const method_keys[] = {
	"async", "scalarInputCount", "structureInputSize", "scalarOutputCount",
	"structureOutputSize",
};

static int tr_begin_dict(void *c, os_serial_u32 n)
{
	struct table_reader *t = c;

	t->depth++;
	if (t->in_table && t->depth == 3 && t->n < METHODS_MAX)
		t->n++;
	return 0;
}

static int tr_begin_array(void *c, os_serial_u32 n)
{
	struct table_reader *t = c;

	t->depth++;
	if (t->key == -2 && t->depth == 2)
		t->in_table = 1;
	return 0;
}

static int tr_end(void *c)
{
	struct table_reader *t = c;

	if (t->in_table && t->depth == 2)
		t->in_table = 0;
	t->depth--;
	return 0;
}

static int tr_key(void *c, const char *k, os_serial_u32 len)
{
	struct table_reader *t = c;
	unsigned int i;

	t->key = -1;
	if (t->depth == 1 && len == strlen("IOUserClientMethods") &&
	    !memcmp(k, "IOUserClientMethods", len))
		t->key = -2;
	for (i = 0; t->in_table && t->depth == 3 && i < 5; i++)
		if (len == strlen(method_keys[i]) && !memcmp(k, method_keys[i], len))
			t->key = i;
	return 0;
}

static int tr_number(void *c, os_serial_u64 v, os_serial_u32 bits)
{
	struct table_reader *t = c;

	if (t->in_table && t->depth == 3 && t->key >= 0 && t->n)
		t->m[t->n - 1].check[t->key] = v;
	t->key = -1;
	return 0;
}

static int tr_other(void *c, const char *s, os_serial_u32 n)
{
	((struct table_reader *)c)->key = -1;
	return 0;
}

static const struct os_serial_visitor table_visitor = {
	.begin_dict = tr_begin_dict, .begin_array = tr_begin_array, .end_container = tr_end,
	.key = tr_key, .number = tr_number, .string = tr_other,
};

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint32_t pick(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* A count or size near what the check wants, or anything. */
static uint64_t shaped(uint32_t check, uint32_t max)
{
	uint32_t base = check == 0xffffffffu ? pick(max + 1) : check;

	switch (pick(10)) {
	case 0:
		return base + 1;
	case 1:
		return base ? base - 1 : 0;
	case 2:
		return max + 1;
	case 3:
		return rnd();
	default:
		return base;
	}
}

struct arena {
	uint8_t *buf;		/* 8 KiB mapped, then 4 KiB unmapped */
};

/* A pointer for @len bytes: mostly good, sometimes not. */
static uint64_t pointer(const struct arena *a, uint64_t len)
{
	switch (pick(12)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)(a->buf + 8192);		/* unmapped */
	case 2:
		return (uintptr_t)(a->buf + 8192 - (len > 1 ? len / 2 : 1));	/* half */
	case 3:
		return 0xffff888000000000ull;		/* the kernel's */
	case 4:
		return (uintptr_t)(a->buf + 1);		/* misaligned */
	default:
		return (uintptr_t)a->buf;
	}
}

static int errno_allowed(int e)
{
	/* From the IOReturns a call may end in, the dispatcher's own, EINTR. */
	switch (e) {
	case 0: case EINVAL: case E2BIG: case EFAULT: case ENOTTY: case ENOENT:
	case ENODEV: case ENXIO: case EIO: case ENOMEM: case EBUSY: case ENOSPC:
	case EPERM: case EACCES: case ETIMEDOUT: case EINTR: case EBADF:
	case EOPNOTSUPP: case EEXIST: case EROFS: case EMSGSIZE: case ENOLCK:
		return 1;
	default:
		return 0;
	}
}

/* Count the async records waiting on @port by their call's index. */
static int drain_records(int port, uint8_t *records, long calls)
{
	uint64_t buf[1024];
	ssize_t len, off;

	while ((len = read(port, buf, sizeof(buf))) > 0) {
		for (off = 0; off < len;) {
			struct iokit_async_completion *rec = (void *)((char *)buf + off);

			if (rec->event.size < sizeof(rec->event))
				return -1;
			if (rec->event.type == IOKIT_EVENT_ASYNC) {
				if (rec->reference[1] >= (uint64_t)calls)
					return -1;
				if (records[rec->reference[1]] < 255)
					records[rec->reference[1]]++;
			}
			off += rec->event.size;
		}
	}
	return 0;
}

FIXTURE(fuzz) {
	int fd;
	long objects;
	uint64_t service;
};

FIXTURE_SETUP(fuzz)
{
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	uc_fixture_setup(_metadata, &self->fd, &self->objects, &self->service);
}

FIXTURE_TEARDOWN(fuzz)
{
	if (self->fd < 0)
		return;
	uc_unload_clean(_metadata, self->objects);
	close(self->fd);
}

TEST_F(fuzz, raw_ioctls_shaped_by_the_method_table)
{
	const char *calls_env = getenv("IOKIT_FUZZ_CALLS"), *seed_env = getenv("IOKIT_FUZZ_SEED");
	long calls = calls_env ? atol(calls_env) : 4000;
	struct table_reader t = { .key = -1 };
	struct iokit_connect_info ci;
	static uint64_t argbuf[1104];	/* sizes up to 8831: the tail word stays in */
	struct arena a;
	uint32_t len, bad_errno = 0, ok = 0, refused = 0, faulted = 0;
	uint32_t lost = 0, doubled = 0, spurious = 0, async = 0, bad_record = 0;
	uint8_t *fate, *records;
	uint64_t sum_in[2] = { 2, 3 }, sum = 0;
	uint32_t n = 1;
	uint8_t *props;
	int conn, port, i;

	rnd_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x9e3779b97f4a7c15ull ^ getpid();
	fate = calloc(calls, 1);		/* 1 accepted async, 2 refused */
	records = calloc(calls, 1);
	ASSERT_TRUE(fate && records);
	TH_LOG("seed 0x%llx, %ld calls", (unsigned long long)rnd_state, calls);
	a.buf = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(a.buf != MAP_FAILED);
	ASSERT_EQ(0, munmap(a.buf + 8192, 4096));
	port = port_create(self->fd, IOKIT_PORT_NONBLOCK, 64, NULL);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 4, &conn, NULL));

	/* The table the fuzzer aims at is the one the class publishes. */
	ASSERT_EQ(0, uc_info(conn, &ci));
	ASSERT_EQ(0, reg_properties(self->fd, ci.client_id, &props, &len));
	ASSERT_EQ(0, os_serial_parse(props, len, &table_visitor, &t, NULL));
	free(props);
	ASSERT_EQ(UC_METHODS, t.n);

	for (i = 0; i < calls; i++) {
		struct iokit_connect_method *m = (void *)argbuf;
		uint32_t sel = pick(8) ? pick(t.n) : t.n + pick(4) + (pick(2) ? 0 : rnd());
		const struct method_shape *s = &t.m[sel < (uint32_t)t.n ? sel : 0];
		uint32_t size = sizeof(*m);
		int r, e;

		memset(argbuf, 0, sizeof(argbuf));
		m->selector = sel;
		m->scalar_input_count = shaped(s->check[1], IOKIT_SCALAR_MAX);
		m->scalar_output_count = shaped(s->check[3], IOKIT_SCALAR_MAX);
		m->struct_input_size = shaped(s->check[2], 2 * IOKIT_STRUCT_INLINE_MAX);
		m->struct_output_size = shaped(s->check[4], 2 * IOKIT_STRUCT_INLINE_MAX);
		m->scalar_input = pointer(&a, m->scalar_input_count * 8);
		m->scalar_output = pointer(&a, m->scalar_output_count * 8);
		m->struct_input = pointer(&a, m->struct_input_size);
		m->struct_output = pointer(&a, m->struct_output_size);
		/* The slow and timed methods stay quick. */
		memset(a.buf, 0, 64);
		/* Async methods mostly called async; others now and then. */
		if (s->check[0] == 1 ? pick(8) != 0 : pick(8) == 0) {
			m->reference_count = 2 + pick(IOKIT_ASYNC_REF_MAX);
			m->reference[0] = rnd();
			m->reference[1] = i;
			m->port_fd = pick(6) ? port : (pick(2) ? conn : 1000);
		}
		if (!pick(40))
			m->flags = 1u << pick(32);
		/* Short, or long with a zero tail. */
		if (!pick(30))
			size = pick(sizeof(argbuf) - 16);
		if (!pick(60))
			argbuf[size / 8 + 1] = 1;		/* a long struct's tail not zero */
		m->size = size;
		r = ioctl(conn, IOKIT_IOC_CONNECT_METHOD, m);
		e = r ? errno : 0;
		/* An async call this kernel could have accepted: each its own record, or none. */
		if (m->reference_count && size >= IOKIT_CONNECT_METHOD_SIZE_VER0 &&
		    m->reference_count <= IOKIT_ASYNC_REF_MAX)
			fate[i] = r ? 2 : 1;
		if (!errno_allowed(e))
			bad_errno = e;
		ok += !r;
		refused += r && m->ioreturn == IOKIT_RETURN_BAD_ARGUMENT;
		faulted += r && m->ioreturn == IOKIT_RETURN_VM_ERROR;

		switch (pick(50)) {
		case 0: {
			/* A recent call's reference: it may still be pending. */
			struct iokit_connect_cancel c = {
				.size = sizeof(c), .reference_count = 2,
			};

			c.reference[1] = i - pick(20);
			ioctl(conn, IOKIT_IOC_CONNECT_CANCEL, &c);
			break;
		}
		case 1:
			/* A new connection, the old one closed or just dropped. */
			if (pick(2))
				uc_close(conn);
			close(conn);
			ASSERT_EQ(0, uc_open(self->fd, self->service, pick(2) ? 0 : 4, &conn,
					     NULL));
			break;
		case 2:
			if (drain_records(port, records, calls) < 0)
				bad_record = 1;
			break;
		case 3: {
			/* Shared memory: a random type, length and protection. */
			static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
						     PROT_READ | PROT_EXEC, PROT_NONE };
			struct iokit_connect_memory cm;
			size_t length = (1 + pick(4)) * 4096;
			int prot = prots[pick(4)];
			uint8_t *p, byte;

			if (uc_memory(conn, pick(4), &cm) && !pick(2))
				break;
			p = mmap(NULL, length, prot, pick(4) ? MAP_SHARED : MAP_PRIVATE, conn,
				 cm.offset + pick(2) * 4096);
			if (p == MAP_FAILED)
				break;
			if (prot & PROT_READ)
				memcpy(&byte, p, 1);	/* the page comes in */
			munmap(p, length);
			break;
		}
		case 4: {
			/* A port for a random type: the client's own, another, none, junk. */
			struct iokit_connect_notification_port np = {
				/* Now and then one the kernel refuses as too short. */
				.size = pick(8) ? sizeof(np) : sizeof(np) - 8 * pick(2),
				.type = pick(18),
				.reference = rnd(),
				.reserved = pick(16) ? 0 : rnd(),
			};
			const int fds[] = { port, -1, conn, (int)pick(64) };

			np.port_fd = fds[pick(4)];
			ioctl(conn, IOKIT_IOC_CONNECT_NOTIFICATION_PORT, &np);
			break;
		}
		default:
			break;
		}
	}
	/* The rest come as their timers fire, or when the connection goes. */
	close(conn);
	ASSERT_EQ(0, uc_open(self->fd, self->service, 4, &conn, NULL));
	usleep(300 * 1000);
	if (drain_records(port, records, calls) < 0)
		bad_record = 1;
	for (i = 0; i < calls; i++) {
		if (fate[i] == 1 && records[i] != 1)
			lost += records[i] == 0, doubled += records[i] > 1;
		if (fate[i] != 1 && records[i])
			spurious++;
		async += fate[i] == 1;
	}
	TH_LOG("%u succeeded, %u refused by a check, %u faulted; %u async accepted",
	       ok, refused, faulted, async);
	EXPECT_EQ(0, bad_record);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, doubled);
	EXPECT_EQ(0, spurious);
	EXPECT_EQ(0, bad_errno);
	/* The aim is true: calls get through the checks, and get refused by them. */
	EXPECT_LT(calls / 20, ok);
	EXPECT_LT(calls / 20, refused);
	/* Still answers, and correctly, after all of that. */
	EXPECT_EQ(0, uc_scalars(conn, UC_ADD, sum_in, 2, &sum, &n));
	EXPECT_EQ(5, sum);
	close(conn);
	close(port);
	munmap(a.buf, 8192);
	free(fate);
	free(records);
}

TEST_HARNESS_MAIN
