// SPDX-License-Identifier: GPL-2.0-only
/*
 * On-demand loading of driver modules: the part kextd plays for IOKit.
 * A personality from user space may name, in IOKitLinuxModule, the module
 * that provides its IOClass.  The catalogue keeps it while the class is
 * missing; when it wins a match, the processes attached here as loaders
 * get one request each on their notification port, the provider's
 * category waits, and the module's registration resumes matching.
 *
 * Loading is left to user space because only it knows where modules
 * are and how to load them (libkmod, signatures, blacklists); the kernel
 * must never wait for it, so a matching round only posts the request.
 *
 * io_loader_lock guards both lists.  It is taken inside a provider's
 * match_lock, and takes a port's spinlock (io_port_post(),
 * io_port_subscribe()) and, to check a finished load, io_drivers_lock
 * (io_driver_get()).  A loader is detached only by closing its port.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <iokit/io_driver.h>
#include <iokit/io_notification_port.h>

#include "iokit_internal.h"

/* An attached loader: its port, referenced, and its subscription to it. */
struct io_loader {
	struct list_head node;
	struct io_port *port;
	struct io_port_subscriber sub;
};

/*
 * A module that was asked for.  While @error is 0 the request is
 * outstanding; afterwards it failed, and it is not asked for again.
 */
struct io_load_request {
	struct list_head node;
	int error;
	char ioclass[IOKIT_NAME_MAX];
	char module[];
};

static LIST_HEAD(io_loaders);
static LIST_HEAD(io_load_requests);
static DEFINE_MUTEX(io_loader_lock);

static struct io_load_request *io_load_request_find(const char *module)
{
	struct io_load_request *req;

	list_for_each_entry(req, &io_load_requests, node)
		if (!strcmp(req->module, module))
			return req;
	return NULL;
}

static void io_load_request_free(struct io_load_request *req)
{
	list_del(&req->node);
	kfree(req);
	iokit_live_dec(IOKIT_LIVE_LOAD_REQUESTS);
}

/* Return: how many loaders the request was queued for. */
static int io_loader_post(const struct io_load_request *req, u64 entry_id)
{
	struct iokit_load_request rec = {
		.event.type = IOKIT_EVENT_LOAD_REQUEST,
		.event.entry_id = entry_id,
	};
	struct io_loader *loader;
	int queued = 0;

	strscpy(rec.module, req->module, sizeof(rec.module));
	strscpy(rec.ioclass, req->ioclass, sizeof(rec.ioclass));
	list_for_each_entry(loader, &io_loaders, node)
		queued += !io_port_post(loader->port, &rec.event, &rec.event + 1,
					sizeof(rec) - sizeof(rec.event));
	return queued;
}

/**
 * io_loader_request() - ask the loaders for the module of a pending
 *	personality that won a match
 * @module: its IOKitLinuxModule
 * @ioclass: its IOClass
 * @entry_id: the provider that matched
 *
 * One request per module is outstanding at a time, however many
 * providers want it.
 *
 * Return: 0 if the module was asked for (now or before) and the match
 * should wait for it, -ESRCH if no loader is attached, -ENOBUFS if every
 * loader's queue was full (the next match asks again), or the negative
 * errno of an earlier failed load.
 */
int io_loader_request(const char *module, const char *ioclass, u64 entry_id)
{
	struct io_load_request *req;
	int ret = 0;

	mutex_lock(&io_loader_lock);
	req = io_load_request_find(module);
	if (req) {
		ret = req->error;
	} else if (list_empty(&io_loaders)) {
		ret = -ESRCH;
	} else {
		size_t size = strlen(module) + 1;

		req = kzalloc(struct_size(req, module, size), GFP_KERNEL);
		if (req) {
			iokit_live_inc(IOKIT_LIVE_LOAD_REQUESTS);
			strscpy(req->module, module, size);
			strscpy(req->ioclass, ioclass, sizeof(req->ioclass));
			list_add_tail(&req->node, &io_load_requests);
			/* Nobody will answer a request nobody got. */
			if (!io_loader_post(req, entry_id)) {
				io_load_request_free(req);
				ret = -ENOBUFS;
			}
		} else {
			ret = -ENOMEM;
		}
	}
	mutex_unlock(&io_loader_lock);
	return ret;
}

/**
 * io_loader_driver_registered() - a driver class arrived: whoever loaded
 *	its module, a request for it is no longer outstanding
 * @driver: the driver, registered
 */
void io_loader_driver_registered(const struct io_driver *driver)
{
	struct io_load_request *req;

	mutex_lock(&io_loader_lock);
	list_for_each_entry(req, &io_load_requests, node) {
		if (!strcmp(req->ioclass, driver->cls.name)) {
			io_load_request_free(req);
			break;
		}
	}
	mutex_unlock(&io_loader_lock);
}

/**
 * io_loader_forget() - let a module that failed be asked for again
 * @module: its name
 *
 * For a personality added anew (its user may have fixed the module) or
 * removed (the failure was its).  A request still outstanding stays.
 */
void io_loader_forget(const char *module)
{
	struct io_load_request *req;

	mutex_lock(&io_loader_lock);
	req = io_load_request_find(module);
	if (req && req->error)
		io_load_request_free(req);
	mutex_unlock(&io_loader_lock);
}

/*
 * A loader's port is closing: detach it.  When the last loader goes,
 * outstanding requests are dropped and matching runs again, so that
 * categories waiting for a module fall to their next candidate rather
 * than wait for a loader that is gone.
 */
static void io_loader_port_closed(struct io_port_subscriber *sub, struct io_port *port)
{
	struct io_loader *loader = container_of(sub, struct io_loader, sub);
	struct io_load_request *req, *next;
	bool rematch = false;

	mutex_lock(&io_loader_lock);
	list_del(&loader->node);
	if (list_empty(&io_loaders)) {
		list_for_each_entry_safe(req, next, &io_load_requests, node) {
			if (!req->error) {
				io_load_request_free(req);
				rematch = true;
			}
		}
	}
	mutex_unlock(&io_loader_lock);
	io_port_put(loader->port);
	kfree(loader);
	iokit_live_dec(IOKIT_LIVE_LOADERS);
	if (rematch)
		io_driver_rematch_all();
}

static u32 io_loader_attach(struct iokit_loader *l)
{
	struct io_port *port;
	struct io_loader *loader, *new;
	u32 ret = IOKIT_RETURN_SUCCESS;
	bool first;

	if (l->error || l->module[0])
		return IOKIT_RETURN_BAD_ARGUMENT;
	port = io_port_get_from_fd(l->port_fd);
	if (!port)
		return IOKIT_RETURN_BAD_ARGUMENT;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new) {
		io_port_put(port);
		return IOKIT_RETURN_NO_MEMORY;
	}
	new->port = port;
	new->sub.closed = io_loader_port_closed;
	mutex_lock(&io_loader_lock);
	first = list_empty(&io_loaders);
	list_for_each_entry(loader, &io_loaders, node)
		if (loader->port == port)
			ret = IOKIT_RETURN_BUSY;
	/*
	 * A port closed by another thread since we found it refuses the
	 * subscription; one closed later calls us back, and the callback
	 * waits for this lock, so it finds the loader listed.
	 */
	/* One loader per port, beside as many notifications as a port takes. */
	if (!ret && io_port_subscribe(port, &new->sub, IOKIT_NOTIFICATIONS_MAX + 1))
		ret = IOKIT_RETURN_BAD_ARGUMENT;
	if (!ret) {
		list_add_tail(&new->node, &io_loaders);
		iokit_live_inc(IOKIT_LIVE_LOADERS);
	}
	mutex_unlock(&io_loader_lock);
	if (ret) {
		io_port_put(port);
		kfree(new);
		return ret;
	}
	/* What matched while nobody could load may load now. */
	if (first)
		io_driver_rematch_all();
	return ret;
}

static u32 io_loader_done(struct iokit_loader *l)
{
	struct io_load_request *req;
	struct io_driver *driver;
	int error = l->error;

	if (!memchr(l->module, '\0', sizeof(l->module)) || error < 0 ||
	    error > MAX_ERRNO)
		return IOKIT_RETURN_BAD_ARGUMENT;
	mutex_lock(&io_loader_lock);
	req = io_load_request_find(l->module);
	if (!req || req->error) {
		/* Its class registered already, or another loader reported. */
		mutex_unlock(&io_loader_lock);
		return error && !req ? IOKIT_RETURN_NOT_FOUND : IOKIT_RETURN_SUCCESS;
	}
	/* A module that loaded but does not provide the class has failed too. */
	if (!error) {
		driver = io_driver_get(req->ioclass);
		if (driver)
			module_put(driver->owner);
		else
			error = ENOENT;
	}
	if (error) {
		req->error = -error;
		pr_info("module %s for %s did not load: %d\n", req->module,
			req->ioclass, -error);
	} else {
		io_load_request_free(req);
	}
	mutex_unlock(&io_loader_lock);
	/* Categories that waited for it go to their next candidate. */
	if (error)
		io_driver_rematch_all();
	return IOKIT_RETURN_SUCCESS;
}

/**
 * io_loader_cmd() - IOKIT_IOC_LOADER
 * @call: the ioctl
 * @arg: struct iokit_loader
 *
 * Return: an IOReturn.
 */
u32 io_loader_cmd(struct iokit_call *call, void *arg)
{
	struct iokit_loader *l = arg;

	/*
	 * A loader is asked to load modules: the privilege to do that is
	 * enough, so that its service need not hold CAP_SYS_ADMIN too.
	 */
	if (!iokit_call_capable(call, CAP_SYS_MODULE) && !iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;
	if (l->reserved)
		return IOKIT_RETURN_BAD_ARGUMENT;
	switch (l->op) {
	case IOKIT_LOADER_ATTACH:
		return io_loader_attach(l);
	case IOKIT_LOADER_DONE:
		return io_loader_done(l);
	default:
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
}

/**
 * io_loader_exit() - forget every request; the module is going, and with
 *	it every port, so no loader is left
 */
void io_loader_exit(void)
{
	struct io_load_request *req, *next;

	mutex_lock(&io_loader_lock);
	list_for_each_entry_safe(req, next, &io_load_requests, node)
		io_load_request_free(req);
	mutex_unlock(&io_loader_lock);
}
