/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IOService: a registry entry that takes part in matching and in the
 * provider/client lifecycle.  Nubs for PCI and USB devices are IOServices;
 * so are drivers (Documentation/lifecycle.rst).
 */
#ifndef _IOKIT_IO_SERVICE_H
#define _IOKIT_IO_SERVICE_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include <iokit/io_registry_entry.h>

struct io_driver;
struct io_open_request;

/*
 * enum io_service_state: bits of io_service.state (Apple's state bits).
 * Inactive, the state termination starts with, is the registry entry's
 * (io_registry_entry_inactive()).
 */
enum io_service_state {
	IO_SERVICE_REGISTERED,		/* RegisterService() ran */
	IO_SERVICE_STARTED,		/* a driver's Start succeeded */
	IO_SERVICE_FREED,		/* a driver instance's free ran */
	IO_SERVICE_TERMINATED,		/* its termination has finished */
	IO_SERVICE_MATCH_QUEUED,	/* @match_work is queued, not yet begun */
	IO_SERVICE_PUBLISH_PENDING,	/* the queued round is a RegisterService's */
	IO_SERVICE_RETRY_QUEUED,	/* @retry_work is pending */
	IO_SERVICE_MATCHED_OWED,	/* its first round waits for a retry */
};

/**
 * struct io_service - an IOService
 * @entry: its registry entry
 * @driver: for a driver instance, its driver; NULL for a nub
 * @provider: for a driver instance, the provider it was started on
 *	(referenced until the instance is freed)
 * @state: enum io_service_state bits
 * @busy: busy count (AdjustBusy); a 0<->1 change moves the provider's
 * @busy_lock: orders changes of @busy with @busy_provider
 * @busy_provider: while @busy is non-zero, the provider whose count this
 *	service raised (referenced): it is lowered on the same provider even
 *	if the registry changed in between
 * @match_lock: serialises matching and termination on this service, so a
 *	nub is never matched while its clients are being torn down; a driver
 *	instance holds its own from creation until its Start returns
 * @category: the instance's IOMatchCategory, or NULL for a nub
 * @terminate_node: in the victim list of the termination that made it
 *	inactive, so that terminating needs no memory
 * @driver_node: for a driver instance, in its driver's instance list
 * @published_seq: when it was first published, in the notification
 *	sequence (io_service_notification.c); 0 before
 * @matched_seq: when its first RegisterService round ended; 0 before
 * @terminated_seq: when its terminated notifications went out; 0 before
 * @match_work: its matching round, on the matching workqueue: embedded,
 *	so that asking for a round needs no memory and cannot be lost
 * @retry_work: a round its family asked for later, when it could not
 *	take the device yet (io_service_rematch_later())
 * @open_request: while its NewUserClient runs, the IOServiceOpen it
 *	serves (under @match_lock; io_user_client.c)
 */
struct io_service {
	struct io_registry_entry entry;
	struct io_driver *driver;
	struct io_service *provider;
	unsigned long state;
	int busy;
	struct mutex busy_lock;		/* busy and busy_provider */
	struct io_service *busy_provider;
	struct mutex match_lock;	/* matching and termination */
	struct os_string *category;
	struct list_head terminate_node;
	struct list_head driver_node;
	u64 published_seq;
	u64 matched_seq;
	u64 terminated_seq;
	struct work_struct match_work;
	struct delayed_work retry_work;
	struct io_open_request *open_request;
};

extern const struct os_class io_service_class;
extern const struct os_class io_platform_expert_device_class;
extern const struct os_class io_resources_class;

static inline struct io_service *io_service_from_entry(struct io_registry_entry *entry)
{
	return container_of(entry, struct io_service, entry);
}

struct io_service *io_service_create(const struct os_class *cls, const char *name);
int io_service_init_entry(struct io_service *service, const struct os_class *cls,
			  const char *name);
void io_service_fini(struct io_service *service);

struct io_registry_entry *io_service_get_platform(void);
struct io_registry_entry *io_service_get_resources(void);
int io_service_publish_resource(const char *name);
void io_service_unpublish_resource(const char *name);

void io_service_register(struct io_service *service);
int io_service_publish(struct io_service *service,
		       struct io_registry_entry *provider);
void io_service_terminate(struct io_service *service);
void io_service_terminate_clients(struct io_service *provider);
void io_service_adjust_busy(struct io_service *service, int delta);
u32 io_service_get_busy_state(struct io_service *service);
void io_service_wait_quiet(void);
int io_service_wait_quiet_timeout(long timeout);

#endif /* _IOKIT_IO_SERVICE_H */
