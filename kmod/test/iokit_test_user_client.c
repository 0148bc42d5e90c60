// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user client for selftests/iokit/user_client_test.c: every dispatch
 * check, the death paths, and the concurrency rules.
 *
 * Three services on IOResources: TestUCService makes its clients itself
 * (new_user_client): type 1 is exclusive, type 2 is refused, type 3 makes
 * TestPrivateClient (root only), type 6 TestEntitledClient (anyone with
 * the entitlements "com.example.iokit.a" and ".b", or ".admin"), type 7
 * a TestUserClient by IOService::Create from its UserClientProperties
 * (type 8 from a dictionary that names no class, type 9 from one that
 * requires "com.example.iokit.admin"), any other TestUserClient; TestUCPlain
 * has no NewUserClient and names TestUserClient in IOUserClientClass;
 * TestUCNone has neither.  What IOKit calls is logged, one "event class"
 * line each, in /sys/kernel/debug/iokit_test_user_client/log (a write
 * clears it); "inflight" is the number of calls running in TestUserClient
 * now, "max_inflight" the most seen at once (a write resets it).
 *
 * Memory: selectors 16-21 take structures out of line, return variable
 * output, and reach the client's shared memory (CopyClientMemoryForType):
 * type 0 is three read-write pages, type 1 one read-only page of 0xc3,
 * any other type is unsupported.
 *
 * Notifications (IOConnectSetNotificationPort): TestUserClient sends types
 * 0 to 15; 15 it refuses with kIOReturnNotPermitted, others it does not
 * send.  Selector 23 sends in[1] of type in[0] at once, 24 one from a
 * timer in in[1] ms.  TestPrivateClient takes no port at all.
 *
 * /dev/iokit_test_null is a misc device whose ioctl does nothing: the
 * bare ioctl the benchmarks measure ExternalMethod against (a command with
 * a size copies that much in and back).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

#include <iokit/io_memory_descriptor.h>
#include <iokit/io_user_client.h>

#define LOG_SIZE	8192

static DEFINE_MUTEX(log_lock);
static char *log_buf;
static struct seq_buf log_seq;
static struct dentry *debug_dir;
static atomic_t inflight, max_inflight;

static void log_event(const char *event, struct io_service *service)
{
	mutex_lock(&log_lock);
	seq_buf_printf(&log_seq, "%s %s\n", event, service->entry.obj.cls->name);
	mutex_unlock(&log_lock);
}

static ssize_t log_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&log_lock);
	ret = simple_read_from_buffer(buf, len, pos, log_buf, seq_buf_used(&log_seq));
	mutex_unlock(&log_lock);
	return ret;
}

static ssize_t log_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	mutex_lock(&log_lock);
	seq_buf_clear(&log_seq);
	mutex_unlock(&log_lock);
	atomic_set(&max_inflight, 0);
	return len;
}

static const struct file_operations log_fops = {
	.owner = THIS_MODULE,
	.read = log_read,
	.write = log_write,
	.llseek = default_llseek,
};

struct test_client {
	struct io_user_client client;
	u64 calls;
	spinlock_t lock;		/* later */
	struct list_head later;		/* struct test_later */
	struct io_memory_descriptor *shared[2];	/* by memory type, made at init */
	struct timer_list notify_timer;	/* selector 24 */
	u32 notify_type;
};

/* An async call completed from a timer: softirq context. */
struct test_later {
	struct timer_list timer;
	struct list_head node;		/* in test_client.later */
	struct test_client *client;
	struct io_async_action *action;
	u64 value;
	bool fired;			/* under test_client.lock */
};

struct test_service {
	struct io_service service;
	struct io_user_client *exclusive;	/* under the service's own lock */
	struct mutex lock;			/* exclusive */
};

/* Methods: what the selftest calls, one per check it aims at. */
static u32 m_null(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	return IOKIT_RETURN_SUCCESS;
}

static u32 m_add(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	a->scalar_output[0] = a->scalar_input[0] + a->scalar_input[1];
	return IOKIT_RETURN_SUCCESS;
}

static u32 m_echo(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	const struct os_data *in = a->structure_input;

	a->structure_output = os_data_create(in ? in->bytes : NULL, in ? in->length : 0);
	return a->structure_output ? IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NO_MEMORY;
}

static u32 m_scalars16(struct io_user_client *client, void *ref,
		       struct io_user_client_method_args *a)
{
	unsigned int i;

	for (i = 0; i < a->scalar_input_count; i++)
		a->scalar_output[i] = a->scalar_input[i] + 1;
	return IOKIT_RETURN_SUCCESS;
}

/* 16 bytes in, the same reversed out. */
static u32 m_reverse16(struct io_user_client *client, void *ref,
		       struct io_user_client_method_args *a)
{
	u8 out[16];
	int i;

	for (i = 0; i < 16; i++)
		out[i] = a->structure_input->bytes[15 - i];
	a->structure_output = os_data_create(out, sizeof(out));
	return a->structure_output ? IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NO_MEMORY;
}

/* Sleep scalar[0] ms, counting calls in flight: the race tests' method. */
static u32 m_sleep(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	struct test_client *t = container_of(client, struct test_client, client);
	int now = atomic_inc_return(&inflight);
	int max = atomic_read(&max_inflight);

	while (now > max && !atomic_try_cmpxchg(&max_inflight, &max, now))
		;
	log_event("sleep", &client->service);
	t->calls++;
	msleep(min_t(u64, a->scalar_input[0], 5000));
	atomic_dec(&inflight);
	return IOKIT_RETURN_SUCCESS;
}

/* As many scalars out as in, each its index. */
static u32 m_count(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	unsigned int i;

	a->scalar_output_count = min(a->scalar_input_count, a->scalar_output_count);
	for (i = 0; i < a->scalar_output_count; i++)
		a->scalar_output[i] = i;
	return IOKIT_RETURN_SUCCESS;
}

/* Returns 64 bytes whatever room the caller has. */
static u32 m_too_long(struct io_user_client *client, void *ref,
		      struct io_user_client_method_args *a)
{
	static const u8 bytes[64];

	a->structure_output = os_data_create(bytes, sizeof(bytes));
	return a->structure_output ? IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NO_MEMORY;
}

static u32 m_fails(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	a->scalar_output[0] = 42;	/* must not reach the caller */
	return IOKIT_RETURN_DEVICE_ERROR;
}

/*
 * Completes under the client's lock and leaves the entry for Stop to
 * free after del_timer_sync(): a timer never frees itself, so Stop knows
 * that no callback still runs in the module when it returns.
 */
static void later_fire(struct timer_list *timer)
{
	struct test_later *l = from_timer(l, timer, timer);
	struct test_client *t = l->client;
	u64 args[2] = { l->value, l->value * 2 };
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	if (!l->fired) {
		l->fired = true;
		io_async_complete(l->action, IOKIT_RETURN_SUCCESS, args, 2);
		io_async_action_put(l->action);
	}
	spin_unlock_irqrestore(&t->lock, flags);
}

/* Complete in scalar[0] ms with { scalar[1], 2 * scalar[1] }, from a timer. */
static u32 m_async_later(struct io_user_client *client, void *ref,
			 struct io_user_client_method_args *a)
{
	struct test_client *t = container_of(client, struct test_client, client);
	struct test_later *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return IOKIT_RETURN_NO_MEMORY;
	l->client = t;
	l->value = a->scalar_input[1];
	l->action = io_async_action_get(a->completion);
	timer_setup(&l->timer, later_fire, 0);
	spin_lock_irq(&t->lock);
	list_add_tail(&l->node, &t->later);
	spin_unlock_irq(&t->lock);
	mod_timer(&l->timer, jiffies + msecs_to_jiffies(min_t(u64, a->scalar_input[0], 10000)));
	return IOKIT_RETURN_SUCCESS;
}

/* Keeps nothing: the framework aborts the call, it is never lost. */
static u32 m_async_forget(struct io_user_client *client, void *ref,
			  struct io_user_client_method_args *a)
{
	return IOKIT_RETURN_SUCCESS;
}

/* Completes before returning, with { 7 }. */
static u32 m_async_now(struct io_user_client *client, void *ref,
		       struct io_user_client_method_args *a)
{
	static const u64 seven = 7;

	return io_async_complete(a->completion, IOKIT_RETURN_SUCCESS, &seven, 1) ?
	       IOKIT_RETURN_INTERNAL_ERROR : IOKIT_RETURN_SUCCESS;
}

/* Sleeps scalar[0] ms, completes, then fails: the caller gets no record. */
static u32 m_async_slow_fails(struct io_user_client *client, void *ref,
			      struct io_user_client_method_args *a)
{
	static const u64 one = 1;

	msleep(min_t(u64, a->scalar_input[0], 2000));
	io_async_complete(a->completion, IOKIT_RETURN_SUCCESS, &one, 1);
	return IOKIT_RETURN_DEVICE_ERROR;
}

/* Refuses after keeping the completion: the caller gets no record. */
static u32 m_async_fails(struct io_user_client *client, void *ref,
			 struct io_user_client_method_args *a)
{
	struct io_async_action *action = io_async_action_get(a->completion);

	io_async_action_put(action);
	return IOKIT_RETURN_DEVICE_ERROR;
}

/*
 * The structure input, inline or out of line: its byte sum, length,
 * whether it came as a descriptor, and its sum read through a kernel
 * mapping of it.
 */
static u32 m_ool_sum(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	struct io_memory_descriptor *md = a->structure_input_descriptor;
	const u8 *bytes = a->structure_input ? a->structure_input->bytes : NULL;
	u64 length = a->structure_input ? a->structure_input->length : 0;
	struct io_memory_map *map = NULL;
	u64 i, sum = 0, map_sum = 0;
	u32 ret = IOKIT_RETURN_SUCCESS;
	u8 chunk[256];

	if (md) {
		length = io_memory_descriptor_length(md);
		for (i = 0; i < length; i += sizeof(chunk)) {
			u64 n = min_t(u64, sizeof(chunk), length - i);
			u64 j;

			ret = io_memory_descriptor_read(md, i, chunk, n);
			if (ret)
				return ret;
			for (j = 0; j < n; j++)
				sum += chunk[j];
		}
		ret = io_memory_descriptor_create_mapping(md, 0, 0, &map);
		if (ret)
			return ret;
		bytes = io_memory_map_address(map);
		/* Pinned for reading: the descriptor refuses writes. */
		if (io_memory_descriptor_write(md, 0, chunk, 1) != IOKIT_RETURN_NOT_WRITABLE)
			ret = IOKIT_RETURN_INTERNAL_ERROR;
	}
	for (i = 0; i < length; i++)
		map_sum += bytes[i];
	if (!md)
		sum = map_sum;
	io_memory_map_put(map);
	a->scalar_output[0] = sum;
	a->scalar_output[1] = length;
	a->scalar_output[2] = !!md;
	a->scalar_output[3] = map_sum;
	return ret;
}

/* @length bytes of (seed + i), or of (i ^ seed), as the method's OSData output. */
static u32 test_data_out(struct io_user_client_method_args *a, u64 length, u8 seed, bool xor)
{
	struct os_data *out;
	u64 i;

	if (length > a->structure_output_maximum_size)
		return IOKIT_RETURN_NO_SPACE;
	out = os_data_alloc_gfp(length, GFP_KERNEL);
	if (!out)
		return IOKIT_RETURN_NO_MEMORY;
	for (i = 0; i < length; i++)
		out->bytes[i] = xor ? i ^ seed : seed + i;
	a->structure_output = out;
	return IOKIT_RETURN_SUCCESS;
}

/* Fill in[1] bytes of the output with (in[0] + i) & 0xff, inline or not. */
static u32 m_ool_fill(struct io_user_client *client, void *ref,
		      struct io_user_client_method_args *a)
{
	struct io_memory_descriptor *md = a->structure_output_descriptor;
	u64 length = a->scalar_input[1], i;
	u8 chunk[256];
	u32 ret;

	if (!md)
		return test_data_out(a, length, a->scalar_input[0], false);
	if (length > io_memory_descriptor_length(md))
		return IOKIT_RETURN_NO_SPACE;
	for (i = 0; i < length; i += sizeof(chunk)) {
		u64 n = min_t(u64, sizeof(chunk), length - i);
		u64 j;

		for (j = 0; j < n; j++)
			chunk[j] = a->scalar_input[0] + i + j;
		ret = io_memory_descriptor_write(md, i, chunk, n);
		if (ret)
			return ret;
	}
	a->structure_output_descriptor_size = length;
	return IOKIT_RETURN_SUCCESS;
}

/* in[0] bytes of (i ^ 0x5a) & 0xff, however many: variable output. */
static u32 m_var_out(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	return test_data_out(a, a->scalar_input[0], 0x5a, true);
}

static struct io_memory_descriptor *test_shared(struct io_user_client *client, u64 type)
{
	struct test_client *t = container_of(client, struct test_client, client);

	return type < ARRAY_SIZE(t->shared) ? t->shared[type] : NULL;
}

/* The byte at in[1] of memory type in[0], as the driver sees it. */
static u32 m_shared_peek(struct io_user_client *client, void *ref,
			 struct io_user_client_method_args *a)
{
	struct io_memory_descriptor *md = test_shared(client, a->scalar_input[0]);
	u8 byte;
	u32 ret;

	if (!md)
		return IOKIT_RETURN_BAD_ARGUMENT;
	ret = io_memory_descriptor_read(md, a->scalar_input[1], &byte, 1);
	a->scalar_output[0] = byte;
	return ret;
}

/* Write in[2] at in[1] of memory type in[0]. */
static u32 m_shared_poke(struct io_user_client *client, void *ref,
			 struct io_user_client_method_args *a)
{
	struct io_memory_descriptor *md = test_shared(client, a->scalar_input[0]);
	u8 byte = a->scalar_input[2];

	if (!md)
		return IOKIT_RETURN_BAD_ARGUMENT;
	return io_memory_descriptor_write(md, a->scalar_input[1], &byte, 1);
}

/*
 * CreateMemoryDescriptorFromClient over two ranges (in[0], in[1]) and
 * (in[2], in[3]): 0xab written all over them through one descriptor.
 */
static u32 m_from_client(struct io_user_client *client, void *ref,
			 struct io_user_client_method_args *a)
{
	const struct io_memory_segment seg[2] = {
		{ a->scalar_input[0], a->scalar_input[1] },
		{ a->scalar_input[2], a->scalar_input[3] },
	};
	struct io_memory_descriptor *md;
	u8 chunk[256];
	u64 i, length;
	u32 ret;

	ret = io_memory_descriptor_create_from_user(seg, 2, IO_MEMORY_DIRECTION_IN, &md);
	if (ret)
		return ret;
	memset(chunk, 0xab, sizeof(chunk));
	length = io_memory_descriptor_length(md);
	for (i = 0; i < length && !ret; i += sizeof(chunk)) {
		u64 n = min_t(u64, sizeof(chunk), length - i);

		ret = io_memory_descriptor_write(md, i, chunk, n);
	}
	io_memory_descriptor_put(md);
	a->scalar_output[0] = length;
	return ret;
}

/* out[0]: how many entitlements the opener has; out[1]: whether it is an administrator. */
static u32 m_entitlements(struct io_user_client *client, void *ref,
			  struct io_user_client_method_args *a)
{
	struct os_dictionary *e;
	struct os_object *admin;
	u32 ret;

	ret = io_user_client_copy_client_entitlements(client, &e);
	if (ret)
		return ret;
	admin = os_dictionary_get(e, "com.apple.developer.driverkit.administrator");
	a->scalar_output[0] = e->count;
	a->scalar_output[1] = admin && os_boolean_cast(admin) && os_boolean_cast(admin)->value;
	os_object_put(&e->obj);
	return IOKIT_RETURN_SUCCESS;
}

static u32 test_copy_client_memory(struct io_user_client *client, u32 type, u32 *options,
				   struct io_memory_descriptor **memory)
{
	struct io_memory_descriptor *md = test_shared(client, type);

	if (!md)
		return IOKIT_RETURN_UNSUPPORTED;
	*options = type == 1 ? IOKIT_MEMORY_READ_ONLY : 0;
	*memory = io_memory_descriptor_get(md);
	log_event("copy_client_memory", &client->service);
	return IOKIT_RETURN_SUCCESS;
}

#define VAR IO_USER_CLIENT_VARIABLE_SIZE

/*
 * Send in[1] notifications of type in[0], with status in[2] and the
 * values { i, type }: out[0] how many were queued, out[1] the first
 * error (a negative errno) or 0.
 */
static u32 m_notify(struct io_user_client *client, void *ref, struct io_user_client_method_args *a)
{
	u64 i, n = min_t(u64, a->scalar_input[1], 4096);
	int err = 0;

	for (i = 0; i < n; i++) {
		u64 args[2] = { i, a->scalar_input[0] };
		int ret = io_user_client_send_notification(client, a->scalar_input[0],
							   a->scalar_input[2], args, 2);

		if (!ret)
			a->scalar_output[0]++;
		else if (!err)
			err = ret;
	}
	a->scalar_output[1] = (u64)(s64)err;
	return IOKIT_RETURN_SUCCESS;
}

/* One notification { 0xfeed } of the type selector 24 named, from softirq context. */
static void notify_fire(struct timer_list *timer)
{
	struct test_client *t = from_timer(t, timer, notify_timer);
	u64 value = 0xfeed;

	io_user_client_send_notification(&t->client, READ_ONCE(t->notify_type),
					 IOKIT_RETURN_SUCCESS, &value, 1);
}

/* Send one notification of type in[0] in in[1] ms, from a timer. */
static u32 m_notify_later(struct io_user_client *client, void *ref,
			  struct io_user_client_method_args *a)
{
	struct test_client *t = container_of(client, struct test_client, client);

	WRITE_ONCE(t->notify_type, a->scalar_input[0]);
	mod_timer(&t->notify_timer,
		  jiffies + msecs_to_jiffies(min_t(u64, a->scalar_input[1], 10000)));
	return IOKIT_RETURN_SUCCESS;
}

static const struct io_user_client_method test_methods[] = {
	[0] = IO_USER_CLIENT_METHOD(m_null, 0, 0, 0, 0),
	[1] = IO_USER_CLIENT_METHOD(m_add, 2, 0, 1, 0),
	[2] = IO_USER_CLIENT_METHOD(m_echo, 0, VAR, 0, VAR),
	[3] = IO_USER_CLIENT_METHOD(m_scalars16, 16, 0, 16, 0),
	[4] = IO_USER_CLIENT_METHOD(m_reverse16, 0, 16, 0, 16),
	[5] = IO_USER_CLIENT_METHOD(m_sleep, 1, 0, 0, 0),
	[6] = { .name = "m_unimplemented" },
	[7] = { .name = "m_async", .check_completion_exists = 1 },
	[8] = IO_USER_CLIENT_METHOD(m_count, VAR, 0, VAR, 0),
	[9] = IO_USER_CLIENT_METHOD(m_too_long, 0, 0, 0, VAR),
	[10] = IO_USER_CLIENT_METHOD(m_fails, 0, 0, 1, 0),
	[11] = IO_USER_CLIENT_ASYNC_METHOD(m_async_later, 2, 0, 0, 0),
	[12] = IO_USER_CLIENT_ASYNC_METHOD(m_async_forget, 0, 0, 0, 0),
	[13] = IO_USER_CLIENT_ASYNC_METHOD(m_async_now, 0, 0, 0, 0),
	[14] = IO_USER_CLIENT_ASYNC_METHOD(m_async_fails, 0, 0, 0, 0),
	[15] = IO_USER_CLIENT_ASYNC_METHOD(m_async_slow_fails, 1, 0, 0, 0),
	[16] = IO_USER_CLIENT_METHOD(m_ool_sum, 0, VAR, 4, 0),
	[17] = IO_USER_CLIENT_METHOD(m_ool_fill, 2, 0, 0, VAR),
	[18] = IO_USER_CLIENT_METHOD(m_var_out, 1, 0, 0, VAR),
	[19] = IO_USER_CLIENT_METHOD(m_shared_peek, 2, 0, 1, 0),
	[20] = IO_USER_CLIENT_METHOD(m_shared_poke, 3, 0, 0, 0),
	[21] = IO_USER_CLIENT_METHOD(m_from_client, 4, 0, 1, 0),
	[22] = IO_USER_CLIENT_METHOD(m_entitlements, 0, 0, 2, 0),
	[23] = IO_USER_CLIENT_METHOD(m_notify, 3, 0, 2, 0),
	[24] = IO_USER_CLIENT_METHOD(m_notify_later, 2, 0, 0, 0),
};

static int test_client_init(struct io_service *service)
{
	struct test_client *t = container_of(service, struct test_client, client.service);

	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->later);
	timer_setup(&t->notify_timer, notify_fire, 0);
	/* free() runs after a failed init too: it releases what was made. */
	if (io_buffer_memory_descriptor_create(IO_MEMORY_DIRECTION_INOUT, 3 * PAGE_SIZE,
					       &t->shared[0]) ||
	    io_buffer_memory_descriptor_create(IO_MEMORY_DIRECTION_OUT, PAGE_SIZE,
					       &t->shared[1]))
		return -ENOMEM;
	memset(io_buffer_memory_descriptor_address(t->shared[1]), 0xc3, PAGE_SIZE);
	return 0;
}

static int test_client_start(struct io_service *service, struct io_service *provider)
{
	log_event("start", service);
	return 0;
}

/* Calls still pending are dropped: the framework aborts them. */
static void test_client_stop(struct io_service *service, struct io_service *provider)
{
	struct test_client *t = container_of(service, struct test_client, client.service);
	struct test_later *l, *next;
	LIST_HEAD(later);

	log_event("stop", service);
	del_timer_sync(&t->notify_timer);
	spin_lock_irq(&t->lock);
	list_splice_init(&t->later, &later);
	spin_unlock_irq(&t->lock);
	list_for_each_entry_safe(l, next, &later, node) {
		del_timer_sync(&l->timer);
		if (!l->fired)
			io_async_action_put(l->action);
		kfree(l);
	}
}

static void test_client_free(struct io_service *service)
{
	struct test_client *t = container_of(service, struct test_client, client.service);

	io_memory_descriptor_put(t->shared[0]);
	io_memory_descriptor_put(t->shared[1]);
	log_event("free", service);
}

static void test_client_close(struct io_user_client *client)
{
	log_event("client_close", &client->service);
}

static u32 test_register_notification_port(struct io_user_client *client, u32 type,
					   u64 reference, bool on)
{
	log_event(on ? "notification_port" : "no_notification_port", &client->service);
	if (type == 15)
		return IOKIT_RETURN_NOT_PERMITTED;
	return type < 15 ? IOKIT_RETURN_SUCCESS : IOKIT_RETURN_UNSUPPORTED;
}

static const struct io_service_ops test_client_service_ops = {
	.init = test_client_init,
	.start = test_client_start,
	.stop = test_client_stop,
	.free = test_client_free,
};

static const struct io_user_client_ops test_client_ops = {
	.methods = test_methods,
	.method_count = ARRAY_SIZE(test_methods),
	.flags = IO_USER_CLIENT_ANY_ACCESS,
	.client_close = test_client_close,
	.copy_client_memory_for_type = test_copy_client_memory,
	.register_notification_port = test_register_notification_port,
};

/* The same table, concurrent: calls into one client may overlap. */
static const struct io_user_client_ops test_concurrent_ops = {
	.methods = test_methods,
	.method_count = ARRAY_SIZE(test_methods),
	.flags = IO_USER_CLIENT_ANY_ACCESS | IO_USER_CLIENT_CONCURRENT,
	.client_close = test_client_close,
	.copy_client_memory_for_type = test_copy_client_memory,
	.register_notification_port = test_register_notification_port,
};

static const struct io_user_client_ops test_private_ops = {
	.methods = test_methods,
	.method_count = ARRAY_SIZE(test_methods),
	.client_close = test_client_close,
	.copy_client_memory_for_type = test_copy_client_memory,
};

static struct io_driver test_user_client = {
	IO_USER_CLIENT_CLASS("TestUserClient", struct test_client, client),
	.ops = &test_client_service_ops,
	.user_client = &test_client_ops,
};

static struct io_driver test_concurrent_client = {
	IO_USER_CLIENT_CLASS("TestConcurrentClient", struct test_client, client),
	.ops = &test_client_service_ops,
	.user_client = &test_concurrent_ops,
};

static struct io_driver test_private_client = {
	IO_USER_CLIENT_CLASS("TestPrivateClient", struct test_client, client),
	.ops = &test_client_service_ops,
	.user_client = &test_private_ops,
};

/* Anyone may ask; only those with one set of entitlements get it, root included. */
static const struct io_user_client_ops test_entitled_ops = {
	.methods = test_methods,
	.method_count = ARRAY_SIZE(test_methods),
	.flags = IO_USER_CLIENT_ANY_ACCESS,
	.entitlements = (const char *const []) {
		"com.example.iokit.a com.example.iokit.b",
		"com.example.iokit.admin",
		NULL,
	},
	.client_close = test_client_close,
};

static struct io_driver test_entitled_client = {
	IO_USER_CLIENT_CLASS("TestEntitledClient", struct test_client, client),
	.ops = &test_client_service_ops,
	.user_client = &test_entitled_ops,
};

/* The services. */
static int test_service_init(struct io_service *service)
{
	struct test_service *t = container_of(service, struct test_service, service);

	mutex_init(&t->lock);
	return 0;
}

static int test_service_start(struct io_service *service, struct io_service *provider)
{
	log_event("start", service);
	return 0;
}

static void test_service_stop(struct io_service *service, struct io_service *provider)
{
	log_event("stop", service);
}

static void test_client_crashed(struct io_service *service, struct io_user_client *client)
{
	log_event("client_crashed", service);
}

static u32 test_new_user_client(struct io_service *service, u32 type,
				struct io_user_client **client)
{
	struct test_service *t = container_of(service, struct test_service, service);
	u32 ret;

	log_event("new_user_client", service);
	switch (type) {
	case 1:
		/* Exclusive: one live client of this type at a time. */
		mutex_lock(&t->lock);
		if (t->exclusive && !io_registry_entry_inactive(&t->exclusive->service.entry)) {
			mutex_unlock(&t->lock);
			return IOKIT_RETURN_EXCLUSIVE_ACCESS;
		}
		if (t->exclusive)
			io_registry_entry_put(&t->exclusive->service.entry);
		t->exclusive = NULL;
		ret = io_user_client_create(service, "TestUserClient", type, client);
		if (!ret) {
			io_registry_entry_get(&(*client)->service.entry);
			t->exclusive = *client;
		}
		mutex_unlock(&t->lock);
		return ret;
	case 2:
		return IOKIT_RETURN_UNSUPPORTED;
	case 3:
		return io_user_client_create(service, "TestPrivateClient", type, client);
	case 4:
		return io_user_client_create(service, "TestConcurrentClient", type, client);
	case 6:
		return io_user_client_create(service, "TestEntitledClient", type, client);
	case 7:
	case 8:
	case 9: {
		static const char *const keys[] = {
			"UserClientProperties", "NoClassProperties", "EntitledClientProperties",
		};
		struct io_service *s;

		ret = io_service_create_from_property(service, keys[type - 7], &s);
		*client = ret ? NULL : io_user_client_from_service(s);
		return ret;
	}
	default:
		return io_user_client_create(service, "TestUserClient", type, client);
	}
}

static void test_service_free(struct io_service *service)
{
	struct test_service *t = container_of(service, struct test_service, service);

	if (t->exclusive)
		io_registry_entry_put(&t->exclusive->service.entry);
}

static const struct io_service_ops test_uc_service_ops = {
	.init = test_service_init,
	.start = test_service_start,
	.stop = test_service_stop,
	.free = test_service_free,
	.new_user_client = test_new_user_client,
	.client_crashed = test_client_crashed,
};

static const struct io_service_ops test_plain_ops = {
	.init = test_service_init,
	.start = test_service_start,
	.stop = test_service_stop,
	.client_crashed = test_client_crashed,
};

static const struct io_property uc_service_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOResources"),
	IO_PROP_STRING("IOMatchCategory", "TestUCService"),
	/* What type 7 makes with IOService::Create, as Apple's samples do. */
	IO_PROP_DICT("UserClientProperties",
		     IO_PROP_STRING("IOClass", "IOUserUserClient"),
		     IO_PROP_STRING("IOUserClass", "TestUserClient"),
		     IO_PROP_STRING("TestCreatedFrom", "UserClientProperties")),
	IO_PROP_DICT("NoClassProperties", IO_PROP_STRING("TestCreatedFrom", "nothing")),
	IO_PROP_DICT("EntitledClientProperties",
		     IO_PROP_STRING("IOUserClass", "TestUserClient"),
		     IO_PROP_STRINGS("IOServiceDEXTEntitlements", "com.example.iokit.admin")),
	{ }
};

static const struct io_property uc_plain_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOResources"),
	IO_PROP_STRING("IOMatchCategory", "TestUCPlain"),
	IO_PROP_STRING("IOUserClientClass", "TestUserClient"),
	{ }
};

static const struct io_property uc_none_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOResources"),
	IO_PROP_STRING("IOMatchCategory", "TestUCNone"),
	{ }
};

#define TEST_SERVICE(_name, _ops, _props)					\
	{								\
		IO_DRIVER_CLASS(_name, struct test_service, service),	\
		.ops = (_ops),						\
		.personalities = (const struct io_personality[]) {	\
			{ NULL, (_props) },				\
			{ }						\
		},							\
	}

static struct io_driver test_uc_service =
	TEST_SERVICE("TestUCService", &test_uc_service_ops, uc_service_personality);
static struct io_driver test_uc_plain =
	TEST_SERVICE("TestUCPlain", &test_plain_ops, uc_plain_personality);
static struct io_driver test_uc_none =
	TEST_SERVICE("TestUCNone", &test_plain_ops, uc_none_personality);

/*
 * Any command does nothing, but one with a size copies that struct in and
 * back: what the ABI's size-first structs cost any driver, for the bench.
 */
static long null_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	u8 buf[256];
	size_t n = _IOC_SIZE(cmd);

	if (!n)
		return 0;
	if (n > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, (void __user *)arg, n) || copy_to_user((void __user *)arg, buf, n))
		return -EFAULT;
	return 0;
}

static const struct file_operations null_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = null_ioctl,
	.compat_ioctl = null_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice null_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "iokit_test_null",
	.fops = &null_fops,
	.mode = 0600,
};

/* Clients first: a service's first open may come as soon as it starts. */
static struct io_driver *const test_drivers[] = {
	&test_user_client, &test_concurrent_client, &test_private_client,
	&test_entitled_client, &test_uc_service, &test_uc_plain, &test_uc_none,
};

static int __init test_user_client_init(void)
{
	int i, ret;

	log_buf = kzalloc(LOG_SIZE, GFP_KERNEL);
	if (!log_buf)
		return -ENOMEM;
	seq_buf_init(&log_seq, log_buf, LOG_SIZE);
	debug_dir = debugfs_create_dir("iokit_test_user_client", NULL);
	debugfs_create_file("log", 0600, debug_dir, NULL, &log_fops);
	debugfs_create_atomic_t("inflight", 0400, debug_dir, &inflight);
	debugfs_create_atomic_t("max_inflight", 0600, debug_dir, &max_inflight);
	ret = misc_register(&null_device);
	if (ret)
		goto no_null;
	for (i = 0; i < ARRAY_SIZE(test_drivers); i++) {
		ret = io_driver_register(test_drivers[i]);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	while (i--)
		io_driver_unregister(test_drivers[i]);
	misc_deregister(&null_device);
no_null:
	debugfs_remove_recursive(debug_dir);
	kfree(log_buf);
	return ret;
}

static void __exit test_user_client_exit(void)
{
	int i = ARRAY_SIZE(test_drivers);

	/* Services first: their clients go with them. */
	while (i--)
		io_driver_unregister(test_drivers[i]);
	misc_deregister(&null_device);
	debugfs_remove_recursive(debug_dir);
	kfree(log_buf);
}

module_init(test_user_client_init);
module_exit(test_user_client_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iokit selftest user clients");
