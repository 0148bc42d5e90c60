// SPDX-License-Identifier: GPL-2.0-only
/*
 * A driver whose personality misspells a key: loading it must fail with
 * EINVAL and a log line naming the key, and leave nothing registered.
 * Or, with fault=3, a sound driver whose class name iokit_test_drivers
 * has taken: EEXIST.  With fault=4 it is no fault at all: TestRival, a
 * sound driver in TestWins' category on the edu device (score 100, so
 * TestWins keeps it), from a module other than TestWins', for the race
 * tests.  The module parameter picks the fault.
 */
#include <linux/module.h>

#include <iokit/io_driver.h>

static int fault;
module_param(fault, int, 0444);
MODULE_PARM_DESC(fault,
		 "0: misspelt key, 1: wrong value type, 2: bad IOPCIMatch, 3: class name taken, 4: TestRival");

struct bad {
	struct io_service service;
};

static int bad_start(struct io_service *service, struct io_service *provider)
{
	return 0;
}

static const struct io_service_ops bad_ops = {
	.start = bad_start,
};

static const struct io_property misspelt[] = {
	IO_PROP_STRING("IOProviderClas", "IOPCIDevice"),
	{ }
};

static const struct io_property wrong_type[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOProbeScore", "high"),
	{ }
};

static const struct io_property bad_mask[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234&zz"),
	{ }
};

static struct io_personality bad_personalities[] = {
	{ "BadPersonality", misspelt },
	{ }
};

static struct io_driver bad_driver = {
	IO_DRIVER_CLASS("TestBadPersonality", struct bad, service),
	.ops = &bad_ops,
	.personalities = bad_personalities,
};

static const struct io_property sound[] = {
	IO_PROP_STRING("IOProviderClass", "NoSuchProvider"),
	{ }
};

static struct io_personality taken_personalities[] = {
	{ "TakenName", sound },
	{ }
};

static struct io_driver taken_driver = {
	IO_DRIVER_CLASS("TestWins", struct bad, service),
	.ops = &bad_ops,
	.personalities = taken_personalities,
};

static const struct io_property rival[] = {
	IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
	IO_PROP_STRING("IOPCIMatch", "0x11e81234"),
	IO_PROP_STRING("IOMatchCategory", "TestCat"),
	IO_PROP_NUMBER("IOProbeScore", 100),
	{ }
};

static struct io_personality rival_personalities[] = {
	{ "TestRival", rival },
	{ }
};

static struct io_driver rival_driver = {
	IO_DRIVER_CLASS("TestRival", struct bad, service),
	.ops = &bad_ops,
	.personalities = rival_personalities,
};

static struct io_driver *bad_registered(void)
{
	return fault == 3 ? &taken_driver : fault == 4 ? &rival_driver : &bad_driver;
}

static int __init bad_init(void)
{
	static const struct io_property *const faults[] = {
		misspelt, wrong_type, bad_mask,
	};

	/* Should it register after all, unloading unregisters it. */
	if (fault == 3 || fault == 4)
		return io_driver_register(bad_registered());
	if (fault < 0 || fault >= ARRAY_SIZE(faults))
		return -EINVAL;
	bad_personalities[0].properties = faults[fault];
	return io_driver_register(&bad_driver);
}

static void __exit bad_exit(void)
{
	io_driver_unregister(bad_registered());
}

module_init(bad_init);
module_exit(bad_exit);

MODULE_DESCRIPTION("IOKit test: a driver with a bad personality");
MODULE_LICENSE("GPL");
