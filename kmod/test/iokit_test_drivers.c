// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test drivers for selftests/iokit/driver_test.c.  Each records what IOKit
 * calls on it, in order, in /sys/kernel/debug/iokit_test_drivers/log
 * ("event driver provider" lines; writing to the file clears it), so a
 * test can check scores, categories, a failed Start giving way to the
 * next candidate, and termination order.
 *
 * On the edu PCI device, category TestCat: TestFails (score 2000, Start
 * fails), TestWins (1000), TestLoses (500, never tried: the category is
 * taken); category TestOther: TestOther (100).  TestWins publishes a nub
 * of its own, TestChildNub, which TestGrandchild matches by name: a
 * driver's service is a provider too.  On USB: TestKbd on QEMU's
 * 0627:0001 devices by idVendor/idProduct, TestHid on HID boot keyboard
 * interfaces by class/subclass/protocol; TestTablet on other HID
 * interfaces, which usbhid keeps (no IOKitLinuxClaim) until iokitctl
 * claim.  TestWrongDevice and TestWrongName never match the edu device,
 * so the match ledger has a failed key to explain; TestResourceUser waits
 * on IOResources for "TestResource", written to debugfs "resource".
 *
 * For the race tests: writing "CLASS start MS" or "CLASS stop MS" to
 * debugfs "delay" makes that class's Start or Stop sleep, and log
 * "start-done" or "stop-done" (with "bound" or "unbound": whether its PCI
 * provider's device still has a driver) when it wakes; an empty write
 * clears it.  Loaded with only_failing=1, the module registers TestFails
 * alone: a driver that matches edu and never starts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/mutex.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <iokit/io_driver.h>
#include <iokit/io_pci_device.h>

#define LOG_SIZE	16384

static DEFINE_MUTEX(log_lock);
static char *log_buf;
static struct seq_buf log_seq;
static struct dentry *debug_dir;

static DEFINE_MUTEX(delay_lock);
static char delay_class[64];
static unsigned int delay_start_ms, delay_stop_ms;

static bool delay_is(struct io_service *service)
{
	bool is;

	mutex_lock(&delay_lock);
	is = !strcmp(delay_class, service->entry.obj.cls->name);
	mutex_unlock(&delay_lock);
	return is;
}

static void log_event(const char *event, struct io_service *service,
		      struct io_service *provider)
{
	const char *where = provider ? provider->entry.name : "-";

	mutex_lock(&log_lock);
	seq_buf_printf(&log_seq, "%s %s %s\n", event, service->entry.obj.cls->name, where);
	mutex_unlock(&log_lock);
	/*
	 * A class under a delay is in a race test, which may read while the
	 * module goes: the kernel log outlives the module's debugfs.
	 */
	if (delay_is(service))
		pr_info("%s %s %s\n", event, service->entry.obj.cls->name, where);
}

static ssize_t log_read(struct file *file, char __user *buf, size_t len,
			loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&log_lock);
	ret = simple_read_from_buffer(buf, len, pos, log_buf, seq_buf_used(&log_seq));
	mutex_unlock(&log_lock);
	return ret;
}

static ssize_t log_write(struct file *file, const char __user *buf, size_t len,
			 loff_t *pos)
{
	mutex_lock(&log_lock);
	seq_buf_clear(&log_seq);
	mutex_unlock(&log_lock);
	return len;
}

static const struct file_operations log_fops = {
	.owner = THIS_MODULE,
	.read = log_read,
	.write = log_write,
	.llseek = default_llseek,
};

/* Sleep if the tests asked this class's @start (else Stop) to. */
static void delay_event(struct io_service *service, struct io_service *provider,
			bool start)
{
	struct pci_dev *pdev = provider ? io_pci_device_get_pdev(provider) : NULL;
	unsigned int ms;
	char line[32];

	mutex_lock(&delay_lock);
	ms = strcmp(delay_class, service->entry.obj.cls->name) ? 0 :
	     start ? delay_start_ms : delay_stop_ms;
	mutex_unlock(&delay_lock);
	if (!ms)
		return;
	msleep(ms);
	snprintf(line, sizeof(line), "%s-done", start ? "start" : "stop");
	log_event(line, service, provider);
	if (pdev)
		log_event(READ_ONCE(pdev->dev.driver) ? "bound" : "unbound", service, provider);
}

static ssize_t delay_write(struct file *file, const char __user *buf, size_t len,
			   loff_t *pos)
{
	char text[96], cls[64], what[8];
	unsigned int ms;

	if (len >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, buf, len))
		return -EFAULT;
	text[len] = '\0';
	mutex_lock(&delay_lock);
	delay_class[0] = '\0';
	delay_start_ms = 0;
	delay_stop_ms = 0;
	if (sscanf(text, "%63s %7s %u", cls, what, &ms) == 3) {
		strscpy(delay_class, cls, sizeof(delay_class));
		if (!strcmp(what, "start"))
			delay_start_ms = ms;
		else
			delay_stop_ms = ms;
	}
	mutex_unlock(&delay_lock);
	return len;
}

static const struct file_operations delay_fops = {
	.owner = THIS_MODULE,
	.write = delay_write,
	.llseek = noop_llseek,
};

static int test_init(struct io_service *service)
{
	log_event("init", service, NULL);
	return 0;
}

/* Started drivers register, so apps can find them and see them go. */
static int test_start(struct io_service *service, struct io_service *provider)
{
	log_event("start", service, provider);
	delay_event(service, provider, true);
	io_service_register(service);
	return 0;
}

struct test_driver {
	struct io_service service;
	struct io_service *child;	/* TestWins: the nub it published */
};

/* TestWins: start, and publish a nub that another driver will match. */
static int test_start_publishing(struct io_service *service,
				 struct io_service *provider)
{
	struct test_driver *t = container_of(service, struct test_driver, service);

	log_event("start", service, provider);
	delay_event(service, provider, true);
	/* The creator's reference stays with the driver until Stop. */
	t->child = io_service_create(&io_service_class, "TestChildNub");
	if (!t->child)
		return -ENOMEM;
	if (io_service_publish(t->child, &service->entry)) {
		t->child = NULL;
		return -ENOMEM;
	}
	io_service_register(service);
	return 0;
}

static void test_stop_publishing(struct io_service *service, struct io_service *provider)
{
	struct test_driver *t = container_of(service, struct test_driver, service);

	log_event("stop", service, provider);
	delay_event(service, provider, false);
	/* The nub was terminated with us (we were its only provider). */
	io_registry_entry_put(&t->child->entry);
	t->child = NULL;
}

static int test_start_fails(struct io_service *service, struct io_service *provider)
{
	log_event("start-failed", service, provider);
	return -EIO;
}

static void test_will_terminate(struct io_service *service, struct io_service *provider)
{
	log_event("will-terminate", service, provider);
}

static void test_stop(struct io_service *service, struct io_service *provider)
{
	log_event("stop", service, provider);
	delay_event(service, provider, false);
}

static void test_free(struct io_service *service)
{
	log_event("free", service, NULL);
}

static const struct io_service_ops test_ops = {
	.init = test_init,
	.start = test_start,
	.will_terminate = test_will_terminate,
	.stop = test_stop,
	.free = test_free,
};

static const struct io_service_ops test_publishing_ops = {
	.init = test_init,
	.start = test_start_publishing,
	.will_terminate = test_will_terminate,
	.stop = test_stop_publishing,
	.free = test_free,
};

static const struct io_service_ops test_fails_ops = {
	.init = test_init,
	.start = test_start_fails,
	.stop = test_stop,
	.free = test_free,
};

static const struct io_property test_fails_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234&0xffffffff"),
	IO_PROP_STRING("IOMatchCategory", "TestCat"),
	IO_PROP_NUMBER("IOProbeScore", 2000),
	{ }
};

static const struct io_property test_wins_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIPrimaryMatch", "0x11e81234"),
	IO_PROP_STRING("IOMatchCategory", "TestCat"),
	IO_PROP_NUMBER("IOProbeScore", 1000),
	{ }
};

static const struct io_property test_loses_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x00001234&0x0000ffff"),
	IO_PROP_STRING("IOMatchCategory", "TestCat"),
	IO_PROP_NUMBER("IOProbeScore", 500),
	{ }
};

/* By class code: edu is 0x00ff00 ("unassigned"), revision masked out. */
static const struct io_property test_other_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIClassMatch", "0x00ff0000"),
	IO_PROP_STRING("IONameMatch", "pci1234,11e8"),
	IO_PROP_STRING("IOMatchCategory", "TestOther"),
	IO_PROP_NUMBER("IOProbeScore", 100),
	{ }
};

static const struct io_property test_kbd_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOUSBHostDevice"),
	IO_PROP_NUMBER("idVendor", 0x0627),
	IO_PROP_NUMBER("idProduct", 0x0001),
	{ }
};

/* usbhid holds the keyboard's interface: take it over, give it back. */
static const struct io_property test_hid_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOUSBHostInterface"),
	IO_PROP_NUMBER("bInterfaceClass", 3),
	IO_PROP_NUMBER("bInterfaceSubClass", 1),
	IO_PROP_NUMBER("bInterfaceProtocol", 1),
	IO_PROP_BOOL("IOKitLinuxClaim", true),
	{ }
};

/* Never match the edu device, each for a reason the ledger must name. */
static const struct io_property test_wrong_device_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e91234"),
	IO_PROP_STRING("IOMatchCategory", "TestWrong"),
	{ }
};

static const struct io_property test_wrong_name_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234"),
	IO_PROP_STRING("IONameMatch", "pci1234,0000"),
	IO_PROP_STRING("IOMatchCategory", "TestWrong"),
	{ }
};

/* Starts once "TestResource" is published (debugfs "resource"). */
static const struct io_property test_resource_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOResources"),
	IO_PROP_STRING("IOResourceMatch", "TestResource"),
	{ }
};

/* HID interfaces other than boot keyboards, without IOKitLinuxClaim. */
static const struct io_property test_tablet_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOUSBHostInterface"),
	IO_PROP_NUMBER("bInterfaceClass", 3),
	IO_PROP_NUMBER("bInterfaceSubClass", 0),
	IO_PROP_STRING("IOMatchCategory", "TestTablet"),
	{ }
};

static const struct io_property test_grandchild_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOService"),
	IO_PROP_STRING("IONameMatch", "TestChildNub"),
	{ }
};

#define TEST_DRIVER(_name, _ops, _personality)				\
	{								\
		IO_DRIVER_CLASS(_name, struct test_driver, service),	\
		.ops = &(_ops),						\
		.personalities = (const struct io_personality[]) {	\
			{ .properties = (_personality) }, { }		\
		},							\
	}

static struct io_driver test_fails =
	TEST_DRIVER("TestFails", test_fails_ops, test_fails_personality);
static struct io_driver test_wins =
	TEST_DRIVER("TestWins", test_publishing_ops, test_wins_personality);
static struct io_driver test_grandchild =
	TEST_DRIVER("TestGrandchild", test_ops, test_grandchild_personality);
static struct io_driver test_loses =
	TEST_DRIVER("TestLoses", test_ops, test_loses_personality);
static struct io_driver test_other =
	TEST_DRIVER("TestOther", test_ops, test_other_personality);
static struct io_driver test_kbd =
	TEST_DRIVER("TestKbd", test_ops, test_kbd_personality);
static struct io_driver test_hid =
	TEST_DRIVER("TestHid", test_ops, test_hid_personality);

static struct io_driver test_wrong_device =
	TEST_DRIVER("TestWrongDevice", test_ops, test_wrong_device_personality);
static struct io_driver test_wrong_name =
	TEST_DRIVER("TestWrongName", test_ops, test_wrong_name_personality);
static struct io_driver test_resource =
	TEST_DRIVER("TestResourceUser", test_ops, test_resource_personality);
static struct io_driver test_tablet =
	TEST_DRIVER("TestTablet", test_ops, test_tablet_personality);

static struct io_driver *const test_drivers[] = {
	&test_fails, &test_wins, &test_loses, &test_other, &test_kbd, &test_hid,
	&test_grandchild, &test_wrong_device, &test_wrong_name, &test_resource,
	&test_tablet,
};

static bool only_failing;
module_param(only_failing, bool, 0444);
MODULE_PARM_DESC(only_failing, "Register TestFails alone (default: every test driver)");

/* How many of test_drivers[] this load registers: TestFails comes first. */
static int test_driver_count(void)
{
	return only_failing ? 1 : ARRAY_SIZE(test_drivers);
}

/* Writing a name to debugfs "resource" publishes it on IOResources. */
static ssize_t resource_write(struct file *file, const char __user *buf, size_t len,
			      loff_t *pos)
{
	char name[64];
	int ret;

	if (!len || len >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, buf, len))
		return -EFAULT;
	name[len] = '\0';
	strim(name);
	ret = io_service_publish_resource(name);
	return ret ?: len;
}

static const struct file_operations resource_fops = {
	.owner = THIS_MODULE,
	.write = resource_write,
	.llseek = noop_llseek,
};

static int __init test_drivers_init(void)
{
	int i, ret;

	log_buf = kzalloc(LOG_SIZE, GFP_KERNEL);
	if (!log_buf)
		return -ENOMEM;
	seq_buf_init(&log_seq, log_buf, LOG_SIZE);
	debug_dir = debugfs_create_dir("iokit_test_drivers", NULL);
	debugfs_create_file("log", 0600, debug_dir, NULL, &log_fops);
	debugfs_create_file("resource", 0200, debug_dir, NULL, &resource_fops);
	debugfs_create_file("delay", 0200, debug_dir, NULL, &delay_fops);
	for (i = 0; i < test_driver_count(); i++) {
		ret = io_driver_register(test_drivers[i]);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	while (i--)
		io_driver_unregister(test_drivers[i]);
	debugfs_remove_recursive(debug_dir);
	kfree(log_buf);
	return ret;
}

static void __exit test_drivers_exit(void)
{
	int i = test_driver_count();

	while (i--)
		io_driver_unregister(test_drivers[i]);
	io_service_unpublish_resource("TestResource");
	debugfs_remove_recursive(debug_dir);
	kfree(log_buf);
}

module_init(test_drivers_init);
module_exit(test_drivers_exit);

MODULE_DESCRIPTION("IOKit test drivers for the selftests");
MODULE_LICENSE("GPL");
