// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokitctl as iokit's module loader (kextd's role): a notification port
 * attached with IOKIT_IOC_LOADER receives a struct iokit_load_request
 * when a pending personality wins a match; the module is loaded through
 * libkmod and the outcome reported with IOKIT_LOADER_DONE, which lets
 * the waiting match category go on either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <IOKit/IOKitLib.h>
#include <linux/iokit.h>

#include "iokitctl.h"

/**
 * loader_attach() - a new notification port, attached as a loader
 * @port_flags: IOKIT_PORT_* flags for the port
 *
 * Return: the port's file descriptor; dies on failure.
 */
int loader_attach(unsigned int port_flags)
{
	struct iokit_port_create pc = { .size = sizeof(pc), .flags = port_flags };
	struct iokit_loader l = { .size = sizeof(l), .op = IOKIT_LOADER_ATTACH };

	if (ioctl(control(), IOKIT_IOC_PORT_CREATE, &pc))
		die("cannot create a notification port: %s", mach_error_string(pc.ioreturn));
	l.port_fd = pc.fd;
	if (ioctl(control(), IOKIT_IOC_LOADER, &l))
		die("cannot attach as the module loader: %s", mach_error_string(l.ioreturn));
	return pc.fd;
}

/* Load what one request asks for and tell iokit.  Return: 0 or -errno. */
static int loader_serve(const struct iokit_load_request *req)
{
	struct iokit_loader l = { .size = sizeof(l), .op = IOKIT_LOADER_DONE };
	int err = load_module(req->module, "");

	printf("%s %s for %s (entry 0x%llx)\n", err ? "failed to load" : "loaded",
	       req->module, req->ioclass, (unsigned long long)req->event.entry_id);
	fflush(stdout);
	l.error = -err;
	snprintf(l.module, sizeof(l.module), "%s", req->module);
	if (ioctl(control(), IOKIT_IOC_LOADER, &l))
		fprintf(stderr, "iokitctl: %s: %s\n", req->module, mach_error_string(l.ioreturn));
	return err;
}

/*
 * Serve the requests one read() returns.  Return: how many were served,
 * 0 if the port had none waiting (non-blocking), -1 on a read error;
 * *@failed counts the loads that failed.
 */
static int loader_read(int port, int *failed)
{
	uint64_t buf[4096 / sizeof(uint64_t)];
	ssize_t len = read(port, buf, sizeof(buf));
	const char *p = (const char *)buf;
	int served = 0;

	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	while (len >= (ssize_t)sizeof(struct iokit_event)) {
		const struct iokit_event *ev = (const void *)p;

		if (ev->size < sizeof(*ev) || ev->size > len)
			break;
		if (ev->type == IOKIT_EVENT_LOAD_REQUEST &&
		    ev->size >= sizeof(struct iokit_load_request)) {
			served++;
			if (loader_serve((const void *)ev))
				(*failed)++;
		} else if (ev->type == IOKIT_EVENT_OVERFLOW) {
			/* iokit dropped them unasked-for: the next match asks again. */
			fprintf(stderr, "iokitctl: %u load requests were dropped\n", ev->count);
		}
		p += ev->size;
		len -= ev->size;
	}
	return served;
}

/**
 * loader_serve_until_quiet() - serve the requests the matching under way
 *	sets off, until matching settles with none left
 * @port: a non-blocking port from loader_attach()
 *
 * Return: the number of modules that failed to load.
 */
int loader_serve_until_quiet(int port)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq) };
	int failed = 0, served;

	do {
		if (ioctl(control(), IOKIT_IOC_WAIT_QUIET, &wq))
			die("wait-quiet: %s", mach_error_string(wq.ioreturn));
		served = loader_read(port, &failed);
	} while (served > 0);
	if (served < 0)
		die("reading load requests: %s", strerror(errno));
	return failed;
}

/**
 * loader_run() - serve load requests until killed
 *
 * Return: only on a read error, 1.
 */
int loader_run(void)
{
	int port = loader_attach(0), failed = 0;

	printf("iokitctl: loader ready\n");
	fflush(stdout);
	while (loader_read(port, &failed) >= 0)
		;
	fprintf(stderr, "iokitctl: reading load requests: %s\n", strerror(errno));
	return 1;
}
