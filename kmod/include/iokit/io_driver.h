/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing an IOKit driver as a kernel module (Documentation/
 * writing-a-driver.rst).  A driver is a class: a struct that embeds a
 * struct io_service, the methods IOKit calls (init, probe, Start, Stop,
 * free, ...), and personalities that say which providers it matches.
 *
 *	struct edu {
 *		struct io_service service;
 *		void __iomem *regs;
 *	};
 *
 *	static const struct io_property edu_personality[] = {
 *		IO_PROP_STRING("IOProviderClass", "IOPCIDevice"),
 *		IO_PROP_STRING("IOPCIMatch", "0x11e81234"),
 *		{ }
 *	};
 *
 *	static struct io_driver edu_driver = {
 *		IO_DRIVER_CLASS("EduDriver", struct edu, service),
 *		.ops = &edu_ops,
 *		.personalities = (const struct io_personality[]) {
 *			{ "EduDriver", edu_personality },
 *			{ }
 *		},
 *	};
 *	module_iokit_driver(edu_driver);
 */
#ifndef _IOKIT_IO_DRIVER_H
#define _IOKIT_IO_DRIVER_H

#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include <iokit/io_service.h>

struct io_user_client;
struct io_user_client_ops;

/**
 * struct io_service_ops - what IOKit calls on a driver instance
 * @init: the instance was allocated and holds its personality's
 *	properties; set up what does not need the provider.  Optional;
 *	non-zero drops the candidate.
 * @probe: active matching, attached to @provider: may touch hardware and
 *	change *@score.  Optional; non-zero drops the candidate.
 * @start: Start(provider).  Return 0 when running; an error makes IOKit
 *	try the next candidate of the category.  The provider stays valid
 *	until @stop returns.
 * @will_terminate: the provider is going away; stop new work.  Optional.
 * @stop: Stop(provider): quiesce, release the hardware.  Called once for
 *	every successful @start, before the instance is detached.
 *	Optional, for a driver that has nothing to undo.  Runs with the
 *	provider's matching lock held, as @start does: it must not wait
 *	for matching to settle (io_service_wait_quiet()) nor terminate
 *	another client of the same provider and wait for it.
 * @free: release what @init set up.  Optional.
 * @new_user_client: NewUserClient(type): make the user client an
 *	application's IOServiceOpen asked for, with io_user_client_create(),
 *	and return an IOReturn (kIOReturnExclusiveAccess to refuse a second
 *	client).  Optional: without it, the class the service's
 *	IOUserClientClass property names is made.  Called while the service
 *	is started, under its matching lock, as Start and Stop are: it must
 *	not terminate a client of the service, nor wait for matching.  A
 *	client it made with io_user_client_create() and then fails the open
 *	for is terminated by iokit: do not drop that reference yourself.
 * @client_crashed: ClientCrashed: the process that had @client open died
 *	without closing it.  Called before the client is terminated, under
 *	the service's matching lock, while the service is started; the same
 *	rules as for @new_user_client hold.  Optional.
 */
struct io_service_ops {
	int (*init)(struct io_service *service);
	int (*probe)(struct io_service *service, struct io_service *provider,
		     s32 *score);
	int (*start)(struct io_service *service, struct io_service *provider);
	void (*will_terminate)(struct io_service *service,
			       struct io_service *provider);
	void (*stop)(struct io_service *service, struct io_service *provider);
	void (*free)(struct io_service *service);
	u32 (*new_user_client)(struct io_service *service, u32 type,
			       struct io_user_client **client);
	void (*client_crashed)(struct io_service *service,
			       struct io_user_client *client);
};

/* enum io_property_type: the kinds of value a C personality can hold. */
enum io_property_type {
	IO_PROPERTY_END,
	IO_PROPERTY_STRING,
	IO_PROPERTY_NUMBER,
	IO_PROPERTY_BOOLEAN,
	IO_PROPERTY_STRINGS,
	IO_PROPERTY_NUMBERS,
	IO_PROPERTY_DICTIONARY,
};

/**
 * struct io_property - one key of a personality written in C
 * @key: the key; NULL ends a list
 * @type: the kind of value
 * @string: IO_PROPERTY_STRING
 * @number: IO_PROPERTY_NUMBER (a 32-bit OSNumber, as plists make them)
 * @boolean: IO_PROPERTY_BOOLEAN
 * @strings: IO_PROPERTY_STRINGS: NULL-terminated array of strings
 * @numbers: IO_PROPERTY_NUMBERS: @count numbers
 * @dictionary: IO_PROPERTY_DICTIONARY: a nested list
 * @count: IO_PROPERTY_NUMBERS: how many
 */
struct io_property {
	const char *key;
	enum io_property_type type;
	union {
		const char *string;
		u64 number;
		bool boolean;
		const char *const *strings;
		const u64 *numbers;
		const struct io_property *dictionary;
	};
	unsigned int count;
};

#define IO_PROP_STRING(k, v) \
	{ .key = (k), .type = IO_PROPERTY_STRING, .string = (v) }
#define IO_PROP_NUMBER(k, v) \
	{ .key = (k), .type = IO_PROPERTY_NUMBER, .number = (v) }
#define IO_PROP_BOOL(k, v) \
	{ .key = (k), .type = IO_PROPERTY_BOOLEAN, .boolean = (v) }
#define IO_PROP_STRINGS(k, ...) \
	{ .key = (k), .type = IO_PROPERTY_STRINGS, \
	  .strings = (const char *const []) { __VA_ARGS__, NULL } }
#define IO_PROP_DICT(k, ...) \
	{ .key = (k), .type = IO_PROPERTY_DICTIONARY, \
	  .dictionary = (const struct io_property []) { __VA_ARGS__, { } } }

/**
 * struct io_personality - one matching personality of a driver
 * @name: the personality's name (shown by ioreg --why and on instances as
 *	IOPersonalityName); NULL means the driver's class name
 * @properties: its keys; IOClass is the driver's class name and is added
 *	by IOKit.  A NULL @properties ends the list.
 */
struct io_personality {
	const char *name;
	const struct io_property *properties;
};

/**
 * struct io_driver - an IOKit driver class
 * @cls: the class: name and superclass (IOService unless set); IOKit sets
 *	the free method
 * @instance_size: size of the driver's struct, which embeds a struct
 *	io_service at @service_offset (see IO_DRIVER_CLASS())
 * @service_offset: offset of that struct io_service
 * @ops: the methods
 * @personalities: array ended by an entry with NULL properties; a
 *	user-client class has none
 * @user_client: for a user-client class (io_user_client.h), its dispatch
 *	table and connection methods; NULL for other drivers
 * @owner: the module, set by io_driver_register()
 *
 * The rest is IOKit's (io_driver.c):
 * @node: in IOKit's list of drivers
 * @lock: guards @dying and @instance_list
 * @holds: live instances, and matching rounds holding the driver as a
 *	candidate; unregistering waits for none to remain
 * @wait: woken when @holds drops
 * @dying: being unregistered: no new holds, no new instances
 * @instance_list: every instance not yet freed (io_service.driver_node)
 * @methods_property: a user-client class's IOUserClientMethods, built
 *	once at registration and shared by its instances
 */
struct io_driver {
	struct os_class cls;
	size_t instance_size;
	size_t service_offset;
	const struct io_service_ops *ops;
	const struct io_personality *personalities;
	const struct io_user_client_ops *user_client;
	struct module *owner;
	struct list_head node;
	spinlock_t lock;	/* dying, instance_list */
	atomic_t holds;
	wait_queue_head_t wait;
	bool dying;
	struct list_head instance_list;
	struct os_array *methods_property;
};

#define IO_DRIVER_CLASS(_name, _type, _member)				\
	.cls = { .name = (_name), .super = &io_service_class },		\
	.instance_size = sizeof(_type),					\
	.service_offset = offsetof(_type, _member)

int __io_driver_register(struct io_driver *driver, struct module *owner);
#define io_driver_register(driver) __io_driver_register(driver, THIS_MODULE)
void io_driver_unregister(struct io_driver *driver);

/* Register at module load, unregister (terminating instances) at unload. */
#define module_iokit_driver(__driver) \
	module_driver(__driver, io_driver_register, io_driver_unregister)

#endif /* _IOKIT_IO_DRIVER_H */
