// SPDX-License-Identifier: GPL-2.0-only
/*
 * An in-kernel client of the test user client (iokit_test_user_client),
 * for selftests/iokit/user_client_kernel_test.c.
 *
 * Writing "run ID" to /sys/kernel/debug/iokit_test_kernel_client/control
 * opens service ID (TestUCService) from the kernel and calls its
 * methods: synchronous, refused, out of line both ways and async (one
 * completed, one aborted), logging one line per step in "log".  "hold
 * ID" opens a connection and keeps it, "call" calls its add method and
 * logs the IOReturn, "later" makes an async call that completes in two
 * seconds and does not wait for it, "release" closes the connection and
 * logs what that call's callback got, which has run by then.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <iokit/io_registry_entry.h>
#include <iokit/io_service.h>
#include <iokit/io_user_client.h>

#define LOG_SIZE	4096

/* The test user client's selectors (iokit_test_user_client.c). */
enum {
	SEL_ADD = 1, SEL_ASYNC_LATER = 11, SEL_ASYNC_FORGET = 12, SEL_OOL_SUM = 16,
	SEL_OOL_FILL = 17, SEL_ENTITLEMENTS = 22,
};

static DEFINE_MUTEX(lock);		/* log, held */
static char log_buf[LOG_SIZE];
static struct seq_buf log_seq;
static struct io_connection *held;
static struct dentry *debug_dir;

struct waiter {
	struct completion done;
	u32 status;
	u32 count;
	u64 args[IOKIT_ASYNC_ARGS_MAX];
};

/* "later"'s call, whose callback may run while the module waits for nothing. */
static struct waiter later;

/* KernelCompletion: process context, once per accepted call. */
static void async_done(void *refcon, u32 status, const u64 *args, u32 count)
{
	struct waiter *w = refcon;

	w->status = status;
	w->count = count;
	memcpy(w->args, args, count * sizeof(*args));
	complete(&w->done);
}

static u32 call_add(struct io_connection *conn, u64 a, u64 b, u64 *sum)
{
	u64 in[2] = { a, b };
	struct io_connect_args args = {
		.selector = SEL_ADD,
		.scalar_input = in, .scalar_input_count = 2,
		.scalar_output = sum, .scalar_output_count = 1,
	};

	return io_connect_call_method(conn, &args);
}

static void run_async(struct io_connection *conn, u32 selector, const u64 *in, u32 count)
{
	struct waiter w = { };
	struct io_kernel_completion c = { .done = async_done, .refcon = &w };
	struct io_connect_args args = {
		.selector = selector, .scalar_input = in, .scalar_input_count = count,
	};
	u32 ret;

	init_completion(&w.done);
	ret = io_connect_call_async_method(conn, &args, &c);
	if (ret) {
		seq_buf_printf(&log_seq, "async %u refused %#x\n", selector, ret);
		return;
	}
	/* No timeout: @w is the callback's until it has run (a lost one hangs the test). */
	wait_for_completion(&w.done);
	seq_buf_printf(&log_seq, "async %u %#x %u %llu %llu\n", selector, w.status, w.count,
		       w.args[0], w.args[1]);
}

static void run_ool(struct io_connection *conn)
{
	u8 *big = vmalloc(8192);
	u64 out[4] = { };
	struct io_connect_args args = {
		.selector = SEL_OOL_SUM,
		.struct_input = big, .struct_input_size = 8192,
		.scalar_output = out, .scalar_output_count = 4,
	};
	u64 fill[2] = { 7, 5000 };
	u32 ret;

	if (!big)
		return;
	memset(big, 1, 8192);
	ret = io_connect_call_method(conn, &args);
	seq_buf_printf(&log_seq, "ool_in %#x %llu %llu %llu\n", ret, out[0], out[2], out[3]);
	memset(big, 0, 8192);
	args = (struct io_connect_args) {
		.selector = SEL_OOL_FILL,
		.scalar_input = fill, .scalar_input_count = 2,
		.struct_output = big, .struct_output_size = 8192,
	};
	ret = io_connect_call_method(conn, &args);
	seq_buf_printf(&log_seq, "ool_out %#x %zu %u %u\n", ret, args.struct_output_size,
		       big[0], big[4999]);
	vfree(big);
}

static void run(struct io_service *service)
{
	struct io_connection *conn;
	u64 sum = 0, in[3] = { 1, 2, 3 }, out[2] = { };
	struct io_connect_args args = {
		.selector = SEL_ADD,
		.scalar_input = in, .scalar_input_count = 3,
		.scalar_output = out, .scalar_output_count = 1,
	};
	u64 later[2] = { 20, 21 };
	u32 ret;

	ret = io_service_open_kernel(service, 0, &conn);
	seq_buf_printf(&log_seq, "open %#x\n", ret);
	if (ret)
		return;
	ret = call_add(conn, 40, 2, &sum);
	seq_buf_printf(&log_seq, "add %#x %llu\n", ret, sum);
	ret = io_connect_call_method(conn, &args);
	seq_buf_printf(&log_seq, "refused %#x %u %llu %llu %u\n", ret, args.reason.check,
		       args.reason.seen, args.reason.wanted, args.scalar_output_count);
	run_ool(conn);
	run_async(conn, SEL_ASYNC_LATER, later, 2);
	run_async(conn, SEL_ASYNC_FORGET, NULL, 0);
	args = (struct io_connect_args) {
		.selector = SEL_ENTITLEMENTS,
		.scalar_output = out, .scalar_output_count = 2,
	};
	ret = io_connect_call_method(conn, &args);
	seq_buf_printf(&log_seq, "entitlements %#x %llu %llu\n", ret, out[0], out[1]);
	io_service_close_kernel(conn);
	seq_buf_printf(&log_seq, "closed\n");
}

/* The service of a registry entry ID, held, or NULL. */
static struct io_service *service_of(u64 id)
{
	struct io_registry_entry *e = io_registry_entry_from_id(id);

	if (e && os_object_is_kind(&e->obj, &io_service_class))
		return io_service_from_entry(e);
	if (e)
		io_registry_entry_put(e);
	return NULL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *pos)
{
	struct io_service *service = NULL;
	char cmd[32], word[16];
	u64 id = 0, sum = 0;
	u32 ret;

	if (len >= sizeof(cmd) || copy_from_user(cmd, ubuf, len))
		return -EINVAL;
	cmd[len] = '\0';
	if (sscanf(cmd, "%15s %llu", word, &id) < 1)
		return -EINVAL;
	if (id) {
		service = service_of(id);
		if (!service)
			return -ENOENT;
	}
	mutex_lock(&lock);
	if (!strcmp(word, "run") && service) {
		seq_buf_clear(&log_seq);
		run(service);
	} else if (!strcmp(word, "hold") && service && !held) {
		seq_buf_clear(&log_seq);
		ret = io_service_open_kernel(service, 0, &held);
		seq_buf_printf(&log_seq, "hold %#x\n", ret);
	} else if (!strcmp(word, "call") && held) {
		ret = call_add(held, 2, 3, &sum);
		seq_buf_printf(&log_seq, "call %#x %llu\n", ret, sum);
	} else if (!strcmp(word, "later") && held) {
		u64 in[2] = { 2000, 1 };
		struct io_kernel_completion c = { .done = async_done, .refcon = &later };
		struct io_connect_args args = {
			.selector = SEL_ASYNC_LATER, .scalar_input = in, .scalar_input_count = 2,
		};

		init_completion(&later.done);
		ret = io_connect_call_async_method(held, &args, &c);
		seq_buf_printf(&log_seq, "later %#x\n", ret);
	} else if (!strcmp(word, "release") && held) {
		io_service_close_kernel(held);
		held = NULL;
		seq_buf_printf(&log_seq, "released\n");
		/* Every callback of the connection has run by now. */
		if (try_wait_for_completion(&later.done))
			seq_buf_printf(&log_seq, "later done %#x\n", later.status);
	} else {
		len = -EINVAL;
	}
	mutex_unlock(&lock);
	if (service)
		io_registry_entry_put(&service->entry);
	return len;
}

static ssize_t log_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&lock);
	ret = simple_read_from_buffer(buf, len, pos, log_buf, seq_buf_used(&log_seq));
	mutex_unlock(&lock);
	return ret;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.write = control_write,
	.llseek = noop_llseek,
};

static const struct file_operations log_fops = {
	.owner = THIS_MODULE,
	.read = log_read,
	.llseek = default_llseek,
};

static int __init test_kernel_client_init(void)
{
	seq_buf_init(&log_seq, log_buf, sizeof(log_buf));
	debug_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("control", 0200, debug_dir, NULL, &control_fops);
	debugfs_create_file("log", 0400, debug_dir, NULL, &log_fops);
	return 0;
}

static void __exit test_kernel_client_exit(void)
{
	debugfs_remove_recursive(debug_dir);
	if (held)
		io_service_close_kernel(held);
}

module_init(test_kernel_client_init);
module_exit(test_kernel_client_exit);
MODULE_DESCRIPTION("iokit test: an in-kernel client of a user client");
MODULE_LICENSE("GPL");
