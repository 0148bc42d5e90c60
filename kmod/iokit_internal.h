/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Definitions shared between the parts of iokit.ko.  Nothing here is
 * exported to driver modules; their API lives in include-able headers of
 * its own.
 */
#ifndef IOKIT_INTERNAL_H
#define IOKIT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct io_personality;

#define IOKIT_MODULE_VERSION	"0.1.0"

/*
 * Grow an array of @used elements of @size bytes to room for @count.
 * kvrealloc() changed its signature in 6.12; this needs no probe.
 */
static inline void *iokit_kvgrow(void *old, size_t used, size_t count,
				 size_t size, gfp_t gfp)
{
	void *new = kvmalloc_array(count, size, gfp);

	if (!new)
		return NULL;
	if (used)
		memcpy(new, old, used * size);
	kvfree(old);
	return new;
}

/* A fixed-size string field of an ioctl struct holds a NUL in bounds. */
#define IOKIT_FIELD_IS_STRING(field) (!!memchr(field, '\0', sizeof(field)))

/* Arrays longer than this in a personality are refused as malformed. */
#define IO_PERSONALITY_ARRAY_MAX	256

struct io_driver;
struct io_match_report;
struct module;
struct io_port;
struct io_service;
struct iokit_match_record;
struct os_array;
struct os_dictionary;
struct os_object;

/* io_return.c */
int io_return_to_errno(u32 ioreturn);

/**
 * struct iokit_call - one /dev/iokit ioctl, as its handler sees it
 * @file: the control node it came through: its opener's credentials and
 *	mode decide what it may do
 * @install: a file the handler made for the caller, installed as
 *	@install_fd only once the argument struct has been copied back
 * @install_fd: the descriptor reserved for @install
 * @delivered: if set, told about @install just before it is installed:
 *	after that, another thread of the caller may already close it
 * @finish: if set, called once the struct was copied back, or not
 *	(@copied), with the ioctl's own state released
 * @finish_arg: for @finish
 * @err: if non-zero, the errno the ioctl returns instead of the one its
 *	IOReturn maps to (-EINTR when a signal ended a wait)
 */
struct iokit_call {
	struct file *file;
	struct file *install;
	int install_fd;
	void (*delivered)(struct file *file);
	void (*finish)(struct iokit_call *call, bool copied);
	void *finish_arg;
	int err;
};

/* The head every command struct starts with. */
struct iokit_arg_header {
	u32 size;
	u32 ioreturn;
};

/* iokit_ioctl_op.flags */
#define IOKIT_OP_WRITE		0x1	/* changes state: needs FMODE_WRITE */

/**
 * struct iokit_ioctl_op - one command of an ioctl table
 * @cmd: its number
 * @size: the kernel's size of its struct
 * @min_size: the size of the struct's first version
 * @flags: IOKIT_OP_* bits
 * @execute: the handler; returns an IOReturn
 */
struct iokit_ioctl_op {
	unsigned int cmd;
	u32 size;
	u32 min_size;
	u32 flags;
	u32 (*execute)(struct iokit_call *call, void *arg);
};

/* A table slot; @_union is the buffer type the table's dispatcher uses. */
#define IOKIT_IOCTL_OP_OF(_union, _nr, _cmd, _fn, _struct, _ver0, _flags)	\
	[_nr] = {							\
		.cmd = _cmd,						\
		.flags = _flags,					\
		.size = sizeof(_struct) +				\
			BUILD_BUG_ON_ZERO(sizeof(_union) < sizeof(_struct)) + \
			BUILD_BUG_ON_ZERO(offsetof(_struct, size) != 0) + \
			BUILD_BUG_ON_ZERO(offsetof(_struct, ioreturn) != 4),\
		.min_size = (_ver0),					\
		.execute = (_fn),					\
	}

/* iokit_ioctl.c */
long iokit_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long iokit_ioctl_dispatch(struct file *file, const struct iokit_ioctl_op *ops,
			  unsigned int first_nr, unsigned int n_ops, void *buf,
			  unsigned int cmd, unsigned long arg);
int iokit_call_install_file(struct iokit_call *call, struct file *file,
			    unsigned int flags);
bool iokit_call_privileged(struct iokit_call *call);
bool iokit_call_capable(struct iokit_call *call, int cap);
bool iokit_call_writable(struct iokit_call *call);

/* io_user_client.c */
struct io_connection;
struct io_user_client;
struct iokit_reason;

/**
 * struct io_open_request - the IOServiceOpen a service's NewUserClient serves
 * @conn: the connection being made: the client's memory is charged to it
 * @privileged: the opener of /dev/iokit had CAP_SYS_ADMIN
 * @file: the /dev/iokit it came through, whose opener root's policy
 *	rules are about; NULL for a kernel client (privileged)
 * @entitlements: the calling process's, or NULL
 * @type: the connection type
 * @reason: where a refusal is explained
 * @client: the client made for it, once io_user_client_create() has
 */
struct io_open_request {
	struct io_connection *conn;
	bool privileged;
	struct file *file;
	struct os_dictionary *entitlements;
	u32 type;
	struct iokit_reason *reason;
	struct io_user_client *client;
};

int io_user_client_class_prepare(struct io_driver *driver);
u32 io_service_new_user_client(struct io_service *service, u32 type,
			       struct io_open_request *req);
bool io_user_client_connect(struct io_user_client *client, struct io_connection *conn);
void io_user_client_quiesce(struct io_service *service);
void io_user_client_stopped(struct io_service *service);
void io_user_client_close(struct io_user_client *client, bool crashed);
void io_user_client_fini(struct io_service *service);

/* io_user_client_policy.c */
u32 io_user_client_policy_admit(struct io_open_request *req, const struct io_driver *driver,
				struct io_service *service, u32 type);
struct os_dictionary *io_user_client_entitlements(bool privileged, bool program);
u32 io_user_client_policy_admit_properties(struct io_open_request *req,
					   const struct os_dictionary *props);
u32 io_user_client_cmd_policy(struct iokit_call *call, void *arg);
void io_user_client_policy_exit(void);

/* io_user_client_method.c */
struct io_async_action;
struct iokit_connect_method;
u32 io_user_client_refuse(struct iokit_reason *r, u32 check, u64 seen, u64 wanted, u32 ioreturn);

/* io_user_client_notification.c */
void io_user_client_notify_init(struct io_user_client *client);
void io_user_client_notify_stop(struct io_user_client *client);
void io_user_client_notify_check_gone(struct io_user_client *client);
u32 io_connection_cmd_notification_port(struct iokit_call *call, void *arg);
struct io_kernel_completion;
u32 io_user_client_call(struct io_connection *conn, struct io_user_client *client,
			struct iokit_connect_method *m, const struct io_kernel_completion *kernel,
			struct io_async_action **action);

/* io_connection.c */
u32 io_connection_cmd_open(struct iokit_call *call, void *arg);
u32 io_connection_open(struct io_service *service, u32 type, struct file *file,
		       struct iokit_reason *reason, struct io_connection **out);
void io_connection_close_kernel(struct io_connection *conn);
void io_connection_detach(struct io_connection *conn, struct io_user_client *client);

/* io_connection_memory.c */
int io_connection_mmap(struct file *file, struct vm_area_struct *vma);
u32 io_connection_cmd_memory(struct iokit_call *call, void *arg);
void io_connection_memory_revoke(struct io_connection *conn);
void io_connection_memory_release(struct io_connection *conn);

/* io_memory_descriptor.c */
struct io_memory_descriptor;
struct io_memory_segment;
u32 io_memory_descriptor_pin_user(const struct io_memory_segment *segments, unsigned int count,
				  u32 direction, u64 max_length,
				  struct io_memory_descriptor **md, u64 *fault);
bool io_buffer_memory_descriptor_pfn(const struct io_memory_descriptor *md,
				     unsigned long index, unsigned long *pfn);
u64 io_buffer_memory_descriptor_capacity(const struct io_memory_descriptor *md);

/* io_async.c */
struct io_async_action;
int io_async_init(void);
void io_async_exit(void);
struct io_kernel_completion;
u32 io_async_action_create(struct io_connection *conn, struct iokit_connect_method *m,
			   const struct io_kernel_completion *kernel,
			   struct io_async_action **out);
void io_async_action_commit(struct io_async_action *action, bool succeeded);
void io_async_abort_all(struct io_connection *conn);
bool io_async_cancel(struct io_connection *conn, const u64 *reference, u32 count);

/* io_registry_entry.c */
int io_registry_init(void);
void io_registry_exit(void);

/* io_service.c */
int io_service_init(void);
void io_service_exit(void);

/**
 * struct io_candidate - a personality considered for a provider
 * @driver: its driver (counted in its instances while this exists), or
 *	NULL for a pending personality whose class is not loaded
 * @module: the personality's IOKitLinuxModule (in @dict), or NULL
 * @dict: the personality, referenced
 * @score: IOProbeScore, then as adjusted by the family and probe
 * @order: catalogue order, which breaks ties
 * @loading: pending, and its module was asked for
 */
struct io_candidate {
	struct io_driver *driver;
	const char *module;
	struct os_dictionary *dict;
	s32 score;
	unsigned int order;
	bool loading;
};

/* io_catalogue.c */
int io_catalogue_add(struct io_driver *driver, struct os_dictionary *dict);
int io_catalogue_add_user(struct os_dictionary *dict, bool *pending);
void io_catalogue_bind_pending(struct io_driver *driver);
void io_catalogue_exit(void);
void io_catalogue_remove_driver(struct io_driver *driver);
int io_catalogue_candidates(struct io_service *service, struct io_candidate **out);
void io_catalogue_candidates_free(struct io_candidate *c, unsigned int n);
void io_catalogue_candidates_free_one(struct io_candidate *c);
bool io_catalogue_remove_user(const char *name);
struct os_array *io_catalogue_copy_all(void);

/* io_catalogue_ioctl.c */
u32 io_catalogue_cmd_personality(struct iokit_call *call, void *arg);

/* io_driver.c */
void io_driver_prepare(struct io_driver *driver, struct module *owner);
bool io_driver_live(const struct io_driver *driver);
bool io_driver_hold(struct io_driver *driver);
void io_driver_release(struct io_driver *driver);
struct io_service *io_driver_instance_create(struct io_driver *driver);
struct io_driver *io_driver_get(const char *class_name);
void io_driver_stop_instance(struct io_service *service);
void io_driver_rematch_all(void);
void io_driver_exit(void);

/* io_personality.c */
int io_personality_validate(const struct os_dictionary *dict, const char **bad_key);
struct os_dictionary *io_personality_build(const struct io_driver *driver,
					   const struct io_personality *p);

/* io_service_lifecycle.c */
int io_service_lifecycle_init(void);
void io_service_lifecycle_exit(void);
void io_service_queue_work(struct work_struct *work);
void io_service_match_work(struct work_struct *work);
void io_service_retry_work(struct work_struct *work);
void io_service_rematch(struct io_service *service);
void io_service_rematch_later(struct io_service *service, unsigned long delay);

/* io_service_match.c */
void io_service_match(struct io_service *nub);
int io_service_start_candidates(struct io_service *nub);
int io_service_match_candidates(struct io_service *nub, struct io_candidate **out);
bool io_candidates_want_claim(const struct io_candidate *c, int n);
void io_candidates_note_native(struct io_service *nub, const struct io_candidate *c,
			       int n, const char *owner);
u32 io_service_cmd_claim(struct iokit_call *call, void *arg);
u32 io_service_cmd_match_test(struct iokit_call *call, void *arg);

/* io_module_loader.c */
int io_loader_request(const char *module, const char *ioclass, u64 entry_id);
void io_loader_driver_registered(const struct io_driver *driver);
void io_loader_forget(const char *module);
u32 io_loader_cmd(struct iokit_call *call, void *arg);
void io_loader_exit(void);

/* io_match_ledger.c */
int io_match_records_copy_out(u64 records, u32 record_size,
			      const struct iokit_match_record *recs, u32 n);
bool io_match_record_size_ok(u32 record_size);
const char *io_match_personality_name(const struct os_dictionary *dict);
void io_match_record_fill(struct iokit_match_record *rec, u64 entry_id,
			  const struct os_dictionary *dict, u32 phase, s32 score,
			  int error, const struct io_match_report *r);
void io_match_ledger_note(u64 entry_id, const struct os_dictionary *dict, u32 phase,
			  s32 score, int error, const struct io_match_report *r);
u32 io_match_ledger_cmd(struct iokit_call *call, void *arg);
void io_match_ledger_exit(void);

/* io_registry_ioctl.c: helpers and command handlers (IOReturns) */
u32 iokit_copy_out_object(const struct os_object *obj, u64 data, u32 *data_size);
struct os_dictionary *iokit_copy_dictionary(u64 uptr, u32 size, u32 *bad_offset,
					    u32 *bad_reason, u32 *ret);
u32 io_registry_cmd_lookup(struct iokit_call *call, void *arg);
u32 io_registry_cmd_entry_info(struct iokit_call *call, void *arg);
u32 io_registry_cmd_entry_relatives(struct iokit_call *call, void *arg);
u32 io_registry_cmd_copy_properties(struct iokit_call *call, void *arg);
u32 io_registry_cmd_search_property(struct iokit_call *call, void *arg);
u32 io_registry_cmd_set_properties(struct iokit_call *call, void *arg);
u32 io_registry_cmd_get_matching(struct iokit_call *call, void *arg);

/* io_notification_port.c */
struct iokit_event;
u32 io_port_cmd_create(struct iokit_call *call, void *arg);
int io_port_reserve(struct io_port *port);
void io_port_unreserve(struct io_port *port);
void io_port_post_reserved(struct io_port *port, const struct iokit_event *event,
			   const void *extra, size_t extra_size);

/* io_service_notification.c */
u32 io_service_cmd_notification(struct iokit_call *call, void *arg);
void io_service_notify_publish(struct io_service *service);
void io_service_notify_matched(struct io_service *service);
void io_service_notify_terminated(struct io_service *service);

/* io_test_entries.c */
extern bool iokit_test_interface;
u32 io_test_cmd_entries(struct iokit_call *call, void *arg);

/*
 * iokit_debugfs.c: live objects of each kind, so that tests can prove
 * they got back everything they made the kernel keep.
 */
enum iokit_live_kind {
	IOKIT_LIVE_PORTS,
	IOKIT_LIVE_NOTIFICATIONS,
	IOKIT_LIVE_LOADERS,
	IOKIT_LIVE_LOAD_REQUESTS,
	IOKIT_LIVE_USERS,
	IOKIT_LIVE_PCI_HOLDS,
	IOKIT_LIVE_CONNECTIONS,
	IOKIT_LIVE_ASYNC,
	IOKIT_LIVE_MEMORY,
	IOKIT_LIVE_MAPPINGS,
	IOKIT_LIVE_KINDS
};

extern atomic_long_t iokit_live[IOKIT_LIVE_KINDS];

static inline void iokit_live_inc(enum iokit_live_kind kind)
{
	atomic_long_inc(&iokit_live[kind]);
}

static inline void iokit_live_dec(enum iokit_live_kind kind)
{
	atomic_long_dec(&iokit_live[kind]);
}

void iokit_debugfs_init(void);
void iokit_debugfs_exit(void);

#endif /* IOKIT_INTERNAL_H */
