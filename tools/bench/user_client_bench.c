// SPDX-License-Identifier: GPL-2.0-only
/*
 * user_client_bench: what IOUserClient calls cost, each as a ratio to a
 * bare ioctl on a null misc device (/dev/iokit_test_null) measured in the
 * same run.  Needs root and the test modules ($IOKIT_MODULES): it loads
 * iokit_test_user_client and unloads it again.
 *
 *   bare+copy   the null device's ioctl copying a struct of the call's size
 *               in and back: what any ioctl ABI with such a struct costs
 *   dispatcher  IOKIT_IOC_CONNECT_INFO: the size-first struct copied in and
 *               out, and nothing else
 *   refused     a call refused by its first check (selector out of range):
 *               the call struct in and out and the framework's checks,
 *               no client lock, no driver
 *   null        ExternalMethod with no arguments, on a serial client
 *               (the default: calls into a client take its lock) and on
 *               a concurrent one
 *   scalars     16 scalars in and 16 out
 *   struct      4096 bytes in and 4096 out, inline
 *   ool         1 MiB in and 1 MiB of room out, out of line: the caller's
 *               pages pinned and unpinned, nothing copied (a method that
 *               touches neither), also vs one memcpy() of 1 MiB
 *   async       an async call completed inside the method, and its
 *               record read from the port, vs an eventfd written and read
 *               back (both in one thread: the cost of the round trip, not
 *               of a scheduler's wake-up)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/iokit.h>

#include "os_serial.h"

#define SERVICE_CLASS	"TestUCService"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "user_client_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void load_module(void)
{
	const char *dir = getenv("IOKIT_MODULES");
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/iokit_test_user_client.ko", dir ? dir : ".");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (syscall(__NR_finit_module, fd, "", 0) && errno != EEXIST)
		die("finit_module");
	close(fd);
}

/* The one service of driver class @cls. */
static uint64_t find_service(int fd, const char *cls)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq) };
	struct iokit_matching m = { .size = sizeof(m) };
	struct os_serial_writer w;
	uint8_t buf[256];
	uint64_t ids[4];

	os_serial_begin(&w, buf, sizeof(buf));
	os_serial_put_container(&w, IOKIT_SERIAL_DICT, 1);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, "IOProviderClass", 15);
	os_serial_put_bytes(&w, IOKIT_SERIAL_STRING, cls, strlen(cls));
	ioctl(fd, IOKIT_IOC_WAIT_QUIET, &wq);
	m.data = (uintptr_t)buf;
	m.data_size = w.len;
	m.ids = (uintptr_t)ids;
	m.count = 4;
	if (ioctl(fd, IOKIT_IOC_GET_MATCHING, &m) || m.count != 1)
		die("finding " SERVICE_CLASS);
	return ids[0];
}

static int open_client(int fd, uint64_t service, uint32_t type)
{
	struct iokit_service_open so = { .size = sizeof(so), .entry_id = service, .type = type };

	if (ioctl(fd, IOKIT_IOC_SERVICE_OPEN, &so))
		die("IOKIT_IOC_SERVICE_OPEN");
	return so.fd;
}

/* Seconds per call of @m on @conn, over @n calls. */
static double bench_method(int conn, const struct iokit_connect_method *m, int n)
{
	struct iokit_connect_method call;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		call = *m;
		if (ioctl(conn, IOKIT_IOC_CONNECT_METHOD, &call))
			die("IOKIT_IOC_CONNECT_METHOD");
	}
	return (now() - t) / n;
}

/* Seconds per call of @m, which the framework refuses, over @n calls. */
static double bench_refused(int conn, const struct iokit_connect_method *m, int n)
{
	struct iokit_connect_method call;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		call = *m;
		if (!ioctl(conn, IOKIT_IOC_CONNECT_METHOD, &call) ||
		    call.ioreturn != IOKIT_RETURN_BAD_ARGUMENT)
			die("a call that should be refused");
	}
	return (now() - t) / n;
}

/* The connection's dispatcher alone: IOKIT_IOC_CONNECT_INFO. */
static double bench_info(int conn, int n)
{
	struct iokit_connect_info info;
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		info = (struct iokit_connect_info){ .size = sizeof(info) };
		if (ioctl(conn, IOKIT_IOC_CONNECT_INFO, &info))
			die("IOKIT_IOC_CONNECT_INFO");
	}
	return (now() - t) / n;
}

static double bench_bare(int null, int n)
{
	double t = now();
	int i;

	for (i = 0; i < n; i++)
		if (ioctl(null, 0, NULL))
			die("null ioctl");
	return (now() - t) / n;
}

/* A bare ioctl that copies a struct the size of the call's in and back. */
static double bench_bare_copy(int null, int n)
{
	struct iokit_connect_method m = { .size = sizeof(m) };
	double t = now();
	int i;

	for (i = 0; i < n; i++)
		if (ioctl(null, _IOWR('N', 1, struct iokit_connect_method), &m))
			die("null ioctl with a struct");
	return (now() - t) / n;
}

static double bench_async(int conn, int port, int n)
{
	struct iokit_connect_method m = {
		.size = sizeof(m), .selector = 13, .port_fd = port, .reference_count = 1,
	};
	uint64_t rec[64];
	double t = now();
	int i;

	for (i = 0; i < n; i++) {
		struct iokit_connect_method call = m;

		if (ioctl(conn, IOKIT_IOC_CONNECT_METHOD, &call))
			die("async IOKIT_IOC_CONNECT_METHOD");
		if (read(port, rec, sizeof(rec)) != sizeof(struct iokit_async_completion))
			die("reading the completion");
	}
	return (now() - t) / n;
}

static double bench_eventfd(int n)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	uint64_t v = 1;
	double t = now();
	int i;

	if (efd < 0)
		die("eventfd");
	for (i = 0; i < n; i++)
		if (write(efd, &v, sizeof(v)) != sizeof(v) || read(efd, &v, sizeof(v)) != sizeof(v))
			die("eventfd ping-pong");
	close(efd);
	return (now() - t) / n;
}

/* One memcpy() of @len bytes: what copying a structure of that size costs at least. */
static double bench_copy(void *dst, const void *src, size_t len, int n)
{
	double t = now();

	for (int i = 0; i < n; i++) {
		memcpy(dst, src, len);
		/* Keep the copy: the compiler may not drop it. */
		__asm__ __volatile__("" : : "r"(dst) : "memory");
	}
	return (now() - t) / n;
}

/* What each round measures. */
enum {
	B_BARE, B_COPY, B_INFO, B_REFUSED, B_NULL_SERIAL, B_NULL_CONC, B_SCALARS, B_STRUCTS,
	B_OOL, B_MEMCPY, B_ASYNC, B_EVENTFD, B_COUNT
};

#define ROUNDS	9

static double t[B_COUNT][ROUNDS];

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median over the rounds of @x's time over @y's (@y < 0: @x's time):
 * each round measures everything once, so what disturbs a round - the
 * host, the emulator's code cache - disturbs both sides of its ratio.
 */
static double median(int x, int y)
{
	double v[ROUNDS];
	int r;

	for (r = 0; r < ROUNDS; r++)
		v[r] = y < 0 ? t[x][r] : t[x][r] / t[y][r];
	qsort(v, ROUNDS, sizeof(v[0]), cmp_double);
	return v[ROUNDS / 2];
}

int main(void)
{
	static uint8_t in[4096], out[4096], ool_in[1 << 20], ool_out[1 << 20];
	uint64_t s_in[16] = { 0 }, s_out[16];
	struct iokit_port_create pc = { .size = sizeof(pc) };
	struct iokit_connect_method none, refused, scalars, structs, ool;
	int fd, null, serial, conc, r, n = 200000 / ROUNDS;
	uint64_t service;

	load_module();
	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	null = open("/dev/iokit_test_null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || null < 0)
		die("opening the devices");
	service = find_service(fd, SERVICE_CLASS);
	serial = open_client(fd, service, 0);
	conc = open_client(fd, service, 4);
	if (ioctl(fd, IOKIT_IOC_PORT_CREATE, &pc))
		die("IOKIT_IOC_PORT_CREATE");

	memset(&none, 0, sizeof(none));
	none.size = sizeof(none);
	refused = none;
	refused.selector = 1000;
	scalars = none;
	scalars.selector = 3;
	scalars.scalar_input = (uintptr_t)s_in;
	scalars.scalar_input_count = 16;
	scalars.scalar_output = (uintptr_t)s_out;
	scalars.scalar_output_count = 16;
	structs = none;
	structs.selector = 2;
	structs.struct_input = (uintptr_t)in;
	structs.struct_input_size = sizeof(in);
	structs.struct_output = (uintptr_t)out;
	structs.struct_output_size = sizeof(out);
	ool = structs;
	ool.struct_input = (uintptr_t)ool_in;
	ool.struct_input_size = sizeof(ool_in);
	ool.struct_output = (uintptr_t)ool_out;
	ool.struct_output_size = sizeof(ool_out);
	memset(ool_in, 1, sizeof(ool_in));
	memset(ool_out, 1, sizeof(ool_out));

	bench_bare(null, n);	/* warm up */
	for (r = 0; r < ROUNDS; r++) {
		t[B_BARE][r] = bench_bare(null, n);
		t[B_COPY][r] = bench_bare_copy(null, n);
		t[B_INFO][r] = bench_info(conc, n);
		t[B_REFUSED][r] = bench_refused(conc, &refused, n);
		t[B_NULL_SERIAL][r] = bench_method(serial, &none, n);
		t[B_NULL_CONC][r] = bench_method(conc, &none, n);
		t[B_SCALARS][r] = bench_method(conc, &scalars, n);
		t[B_STRUCTS][r] = bench_method(conc, &structs, n / 4);
		t[B_OOL][r] = bench_method(conc, &ool, n / 200 + 1);
		t[B_MEMCPY][r] = bench_copy(ool_out, ool_in, sizeof(ool_in), n / 200 + 1);
		t[B_ASYNC][r] = bench_async(conc, pc.fd, n / 4);
		t[B_EVENTFD][r] = bench_eventfd(n / 4);
	}

	printf("bench: user client: medians of %d rounds\n", ROUNDS);
	printf("bench: user client: bare ioctl on a null misc device %.0f ns\n",
	       median(B_BARE, -1) * 1e9);
	printf("bench: user client: dispatcher alone (CONNECT_INFO)/bare ioctl ratio %.2f\n",
	       median(B_INFO, B_BARE));
	printf("bench: user client: %s/bare ioctl ratio %.2f\n",
	       "bare ioctl copying a 168-byte struct in and out", median(B_COPY, B_BARE));
	printf("bench: user client: refused at the selector check/bare ioctl ratio %.2f\n",
	       median(B_REFUSED, B_BARE));
	printf("bench: user client: null method/bare ioctl ratio %.2f serial, %.2f concurrent\n",
	       median(B_NULL_SERIAL, B_BARE), median(B_NULL_CONC, B_BARE));
	printf("bench: user client: null method/bare ioctl with the same struct ratio %.2f\n",
	       median(B_NULL_CONC, B_COPY));
	printf("bench: user client: 16 scalars in and out/bare ioctl ratio %.2f\n",
	       median(B_SCALARS, B_BARE));
	printf("bench: user client: 4 KiB struct in and out/bare ioctl ratio %.2f (%.0f ns)\n",
	       median(B_STRUCTS, B_BARE), median(B_STRUCTS, -1) * 1e9);
	printf("bench: user client: 1 MiB out-of-line in and out/bare ioctl ratio %.1f (%.0f ns)\n",
	       median(B_OOL, B_BARE), median(B_OOL, -1) * 1e9);
	printf("bench: user client: 1 MiB out-of-line in and out/memcpy of 1 MiB ratio %.2f\n",
	       median(B_OOL, B_MEMCPY));
	printf("bench: user client: async round trip/bare ioctl ratio %.2f\n",
	       median(B_ASYNC, B_BARE));
	printf("bench: user client: async round trip/eventfd ping-pong ratio %.2f\n",
	       median(B_ASYNC, B_EVENTFD));
	close(pc.fd);
	close(conc);
	close(serial);
	close(null);
	close(fd);
	if (syscall(__NR_delete_module, "iokit_test_user_client", O_NONBLOCK))
		die("unloading iokit_test_user_client");
	return 0;
}
