// SPDX-License-Identifier: GPL-2.0-only
/*
 * EduDriver: a minimal IOKit driver for QEMU's "edu" PCI device
 * (vendor 0x1234, device 0x11e8), matched as a Mac driver would be, by
 * IOPCIMatch.  Start maps BAR0, checks the device's identification and
 * liveness registers and publishes what it found as properties; Stop
 * gives the device back.  Applications open it (IOServiceOpen) and get
 * an EduUserClient, whose methods read the identification and have the
 * device compute a factorial.  Documentation/writing-a-driver.rst walks
 * through it.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>

#include <iokit/io_driver.h>
#include <iokit/io_pci_device.h>
#include <iokit/io_user_client.h>

#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major, minor, 0xed */
#define EDU_REG_LIVENESS	0x04	/* reads back the inverse of a write */
#define EDU_REG_FACTORIAL	0x08	/* write n; reads n! once computed */
#define EDU_REG_STATUS		0x20
#define EDU_STATUS_COMPUTING	0x01

struct edu {
	struct io_service service;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct mutex lock;	/* the factorial unit: one computation at a time */
};

/* The user client: everything it touches is its provider's. */
struct edu_client {
	struct io_user_client client;
};

static struct edu *to_edu(struct io_service *service)
{
	return container_of(service, struct edu, service);
}

static struct edu *edu_of_client(struct io_user_client *client)
{
	/* Valid in every method: a client is stopped before its provider. */
	return to_edu(client->service.provider);
}

/* Method 0: the identification register. */
static u32 edu_identify(struct io_user_client *client, void *reference,
			struct io_user_client_method_args *args)
{
	args->scalar_output[0] = ioread32(edu_of_client(client)->regs + EDU_REG_ID);
	return IOKIT_RETURN_SUCCESS;
}

/* Method 1: n! (mod 2^32), computed by the device. */
static u32 edu_factorial(struct io_user_client *client, void *reference,
			 struct io_user_client_method_args *args)
{
	struct edu *edu = edu_of_client(client);
	unsigned long deadline = jiffies + HZ / 10;
	u32 ret = IOKIT_RETURN_TIMEOUT;

	if (args->scalar_input[0] > U32_MAX)
		return IOKIT_RETURN_BAD_ARGUMENT;
	/* A stuck device must not hold an unbind behind every waiting caller. */
	if (mutex_lock_killable(&edu->lock))
		return IOKIT_RETURN_ABORTED;
	iowrite32(args->scalar_input[0], edu->regs + EDU_REG_FACTORIAL);
	do {
		if (!(ioread32(edu->regs + EDU_REG_STATUS) & EDU_STATUS_COMPUTING)) {
			args->scalar_output[0] = ioread32(edu->regs + EDU_REG_FACTORIAL);
			ret = IOKIT_RETURN_SUCCESS;
			break;
		}
		usleep_range(10, 50);
	} while (time_before(jiffies, deadline));
	mutex_unlock(&edu->lock);
	return ret;
}

static const struct io_user_client_method edu_methods[] = {
	[0] = IO_USER_CLIENT_METHOD(edu_identify, 0, 0, 1, 0),
	[1] = IO_USER_CLIENT_METHOD(edu_factorial, 1, 0, 1, 0),
};

static const struct io_user_client_ops edu_client_ops = {
	.methods = edu_methods,
	.method_count = ARRAY_SIZE(edu_methods),
	/* Reading an ID and computing a factorial harm no one. */
	.flags = IO_USER_CLIENT_ANY_ACCESS,
};

static struct io_driver edu_client_driver = {
	IO_USER_CLIENT_CLASS("EduUserClient", struct edu_client, client),
	.ops = &(const struct io_service_ops) { },
	.user_client = &edu_client_ops,
};

static int edu_start(struct io_service *service, struct io_service *provider)
{
	struct edu *edu = to_edu(service);
	u32 id, probe = 0x5a5aa5a5;
	int ret;

	edu->pdev = io_pci_device_get_pdev(provider);
	if (!edu->pdev)
		return -ENODEV;
	ret = pci_enable_device(edu->pdev);
	if (ret)
		return ret;
	edu->regs = pci_iomap(edu->pdev, 0, 0);
	if (!edu->regs) {
		pci_disable_device(edu->pdev);
		return -ENOMEM;
	}
	id = ioread32(edu->regs + EDU_REG_ID);
	iowrite32(probe, edu->regs + EDU_REG_LIVENESS);
	if ((id & 0xff) != 0xed || ioread32(edu->regs + EDU_REG_LIVENESS) != ~probe) {
		pci_iounmap(edu->pdev, edu->regs);
		pci_disable_device(edu->pdev);
		return -ENODEV;
	}
	mutex_init(&edu->lock);
	io_registry_entry_set_number(&service->entry, "edu-id", id, 32);
	io_registry_entry_set_string(&service->entry, "edu-liveness", "ok");
	/* RegisterService(): apps find the driver, and see it terminate. */
	io_service_register(service);
	return 0;
}

static void edu_stop(struct io_service *service, struct io_service *provider)
{
	struct edu *edu = to_edu(service);

	pci_iounmap(edu->pdev, edu->regs);
	pci_disable_device(edu->pdev);
}

static const struct io_service_ops edu_ops = {
	.start = edu_start,
	.stop = edu_stop,
};

static const struct io_property edu_personality[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234"),
	IO_PROP_STRING("CFBundleIdentifier", "org.iokit.samples.edu"),
	/* IOServiceOpen makes one of these (io_service_ops.new_user_client). */
	IO_PROP_STRING("IOUserClientClass", "EduUserClient"),
	{ }
};

static struct io_driver edu_driver = {
	IO_DRIVER_CLASS("EduDriver", struct edu, service),
	.ops = &edu_ops,
	.personalities = (const struct io_personality[]) {
		{ "EduDriver", edu_personality },
		{ }
	},
};

/* The client class first: an application may open the driver once it starts. */
static int __init edu_init(void)
{
	int ret = io_driver_register(&edu_client_driver);

	if (ret)
		return ret;
	ret = io_driver_register(&edu_driver);
	if (ret)
		io_driver_unregister(&edu_client_driver);
	return ret;
}

static void __exit edu_exit(void)
{
	io_driver_unregister(&edu_driver);
	io_driver_unregister(&edu_client_driver);
}

module_init(edu_init);
module_exit(edu_exit);

MODULE_DESCRIPTION("IOKit sample driver for QEMU's edu PCI device");
MODULE_LICENSE("GPL");
