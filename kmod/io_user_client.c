// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOUserClient objects: the class, how a service makes one for an
 * application (NewUserClient), and what its termination owes the
 * connection (Documentation/user-client.rst).
 *
 * A user client is a driver instance of a user-client class: it holds
 * its driver, so unloading the class's module terminates it; it is
 * attached to the service it was opened on, so that service's
 * termination takes it along as a sole client.  Neither needs a special
 * case in the lifecycle: termination only asks the connection, before
 * Stop, to let the calls in flight finish and refuse new ones
 * (io_user_client_quiesce()).
 */
#include <linux/export.h>
#include <linux/sched.h>

#include <iokit/io_user_client.h>

#include "io_connection.h"
#include "io_user.h"
#include "iokit_internal.h"

/* io_user_client_class: IOUserClient, the superclass of user-client classes */
const struct os_class io_user_client_class = {
	.name = "IOUserClient",
	.super = &io_service_class,
};
EXPORT_SYMBOL_GPL(io_user_client_class);

/**
 * io_user_client_fini() - a user client's last reference is gone
 * @service: the client
 *
 * What iokit gave the client, released with its instance.
 */
void io_user_client_fini(struct io_service *service)
{
	struct io_user_client *client = io_user_client_from_service(service);

	if (client->entitlements)
		os_object_put(&client->entitlements->obj);
	io_user_client_notify_check_gone(client);
}

/* One dispatch entry as IOUserClientMethods shows it. */
static struct os_dictionary *io_user_client_method_describe(const struct io_user_client_method *m,
							    unsigned int selector)
{
	static const char *const keys[] = {
		"async", "scalarInputCount", "structureInputSize",
		"scalarOutputCount", "structureOutputSize",
	};
	const u32 values[] = {
		m->check_completion_exists, m->check_scalar_input_count,
		m->check_structure_input_size, m->check_scalar_output_count,
		m->check_structure_output_size,
	};
	struct os_dictionary *d = os_dictionary_create(ARRAY_SIZE(keys) + 2);
	struct os_number *n;
	struct os_string *s;
	unsigned int i;
	int ret;

	if (!d)
		return NULL;
	n = os_number_create(selector, 32);
	ret = n ? os_dictionary_set(d, "selector", &n->obj) : -ENOMEM;
	if (n)
		os_object_put(&n->obj);
	s = ret ? NULL : os_string_create(m->name ?: "");
	ret = s ? os_dictionary_set(d, "name", &s->obj) : -ENOMEM;
	if (s)
		os_object_put(&s->obj);
	for (i = 0; i < ARRAY_SIZE(keys) && !ret; i++) {
		n = os_number_create(values[i], 32);
		ret = n ? os_dictionary_set(d, keys[i], &n->obj) : -ENOMEM;
		if (n)
			os_object_put(&n->obj);
	}
	if (ret) {
		os_object_put(&d->obj);
		return NULL;
	}
	return d;
}

/* A check value: exactly @max or less, or any. */
static bool io_user_client_check_valid(u32 check, u32 max)
{
	return check == IO_USER_CLIENT_VARIABLE_SIZE || check <= max;
}

/* Whether every check of @m is one a call could pass. */
static bool io_user_client_method_valid(const struct io_user_client_method *m)
{
	return io_user_client_check_valid(m->check_completion_exists, 1) &&
	       io_user_client_check_valid(m->check_scalar_input_count, IOKIT_SCALAR_MAX) &&
	       io_user_client_check_valid(m->check_structure_input_size,
					  IOKIT_STRUCT_INLINE_MAX) &&
	       io_user_client_check_valid(m->check_scalar_output_count, IOKIT_SCALAR_MAX) &&
	       io_user_client_check_valid(m->check_structure_output_size,
					  IOKIT_STRUCT_INLINE_MAX);
}

/**
 * io_user_client_class_prepare() - check a user-client class being
 *	registered and build its IOUserClientMethods
 * @driver: the class
 *
 * Return: 0, -EINVAL for a class that is not a well-formed user-client
 * class, -ENOMEM.
 */
int io_user_client_class_prepare(struct io_driver *driver)
{
	const struct io_user_client_ops *uc = driver->user_client;
	struct os_array *array;
	unsigned int i;

	if (!os_class_is_subclass(driver->cls.super, &io_user_client_class) ||
	    (driver->personalities && driver->personalities->properties) ||
	    driver->instance_size < driver->service_offset + sizeof(struct io_user_client) ||
	    uc->method_count > IO_USER_CLIENT_METHODS_MAX ||
	    (uc->method_count && !uc->methods) ||
	    (uc->flags & ~(IO_USER_CLIENT_CONCURRENT | IO_USER_CLIENT_ANY_ACCESS)))
		return -EINVAL;
	for (i = 0; i < uc->method_count; i++)
		if (!io_user_client_method_valid(&uc->methods[i]))
			return -EINVAL;
	array = os_array_create(uc->method_count);
	if (!array)
		return -ENOMEM;
	for (i = 0; i < uc->method_count; i++) {
		struct os_dictionary *d = io_user_client_method_describe(&uc->methods[i], i);
		int ret = d ? os_array_append(array, &d->obj) : -ENOMEM;

		if (d)
			os_object_put(&d->obj);
		if (ret) {
			os_object_put(&array->obj);
			return ret;
		}
	}
	driver->methods_property = array;
	return 0;
}

/*
 * Creator, methods: what ioreg shows of a new client; and what the
 * dictionary it was created from (IOService::Create) gives it.
 */
static int io_user_client_set_properties(struct io_user_client *client, struct io_driver *driver,
					 const struct os_dictionary *from)
{
	char creator[TASK_COMM_LEN + 24];
	char comm[TASK_COMM_LEN];
	unsigned int i;
	int ret = 0;

	for (i = 0; from && i < from->count && !ret; i++) {
		const char *key = from->entries[i].key->str;

		if (strcmp(key, "IOClass") && strcmp(key, "IOUserClass"))
			ret = io_registry_entry_set_property(&client->service.entry, key,
							     from->entries[i].value);
	}
	if (ret)
		return ret;

	get_task_comm(comm, current);
	snprintf(creator, sizeof(creator), "pid %d, %s", task_tgid_nr(current), comm);
	ret = io_registry_entry_set_string(&client->service.entry, "IOUserClientCreator", creator);
	if (!ret)
		ret = io_registry_entry_set_property(&client->service.entry, "IOUserClientMethods",
						     &driver->methods_property->obj);
	return ret;
}

/* Make and start a client of @driver's class on @service, locked. */
static u32 io_user_client_instantiate(struct io_driver *driver, struct io_service *service,
				      u32 type, struct os_dictionary *entitlements,
				      const struct os_dictionary *from, struct io_user_client **out)
{
	const struct io_service_ops *ops = driver->ops;
	struct io_user_client *client;
	struct io_service *s;
	u32 ret;

	s = io_driver_instance_create(driver);
	if (IS_ERR(s))
		return PTR_ERR(s) == -ENOMEM ? IOKIT_RETURN_NO_MEMORY : IOKIT_RETURN_NOT_ATTACHED;
	client = io_user_client_from_service(s);
	client->type = type;
	if (entitlements)
		client->entitlements = os_dictionary_cast(os_object_get(&entitlements->obj));
	ret = IOKIT_RETURN_NO_MEMORY;
	if (io_user_client_set_properties(client, driver, from))
		goto put;
	ret = IOKIT_RETURN_BAD_ARGUMENT;	/* initWithTask failed, as Apple says */
	if (ops->init && ops->init(s))
		goto free;
	ret = IOKIT_RETURN_NOT_ATTACHED;
	if (io_registry_entry_attach(&s->entry, &service->entry, &io_service_plane))
		goto free;
	s->provider = io_service_from_entry(io_registry_entry_get(&service->entry));
	ret = IOKIT_RETURN_UNSUPPORTED;		/* start failed, as Apple says */
	if (ops->start && ops->start(s, service))
		goto detach;
	set_bit(IO_SERVICE_STARTED, &s->state);
	mutex_unlock(&s->match_lock);
	*out = client;
	return IOKIT_RETURN_SUCCESS;

detach:
	io_registry_entry_remove(&s->entry);
free:
	if (ops->free && !test_and_set_bit(IO_SERVICE_FREED, &s->state))
		ops->free(s);
put:
	mutex_unlock(&s->match_lock);
	io_registry_entry_put(&s->entry);
	return ret;
}

/* What a client of @driver's class costs its opener, charged before it is made. */
static size_t io_user_client_charge(const struct io_driver *driver)
{
	/* The instance, and its entry: name, creator and property table. */
	return driver->instance_size + 512;
}

/*
 * The open being served may have this class: admission, then the charge.
 * Refused before any of the class's code runs for the caller.
 */
static u32 io_user_client_admit(struct io_open_request *req, const struct io_driver *driver,
				struct io_service *service, u32 type)
{
	size_t charge = io_user_client_charge(driver);
	u32 ret;

	if (WARN_ON_ONCE(req->client))
		return IOKIT_RETURN_BUSY;	/* one client per IOServiceOpen */
	ret = io_user_client_policy_admit(req, driver, service, type);
	if (ret)
		return ret;
	if (io_user_charge(req->conn->user, charge, 0))
		return IOKIT_RETURN_NO_RESOURCES;
	req->conn->client_charge = charge;
	return IOKIT_RETURN_SUCCESS;
}

/* io_user_client_create(), the client given @from's properties. */
static u32 io_user_client_create_from(struct io_service *service, const char *class_name,
				      u32 type, const struct os_dictionary *from,
				      struct io_user_client **client)
{
	struct io_open_request *req = service->open_request;
	struct io_driver *driver;
	u32 ret = IOKIT_RETURN_UNSUPPORTED;

	lockdep_assert_held(&service->match_lock);
	driver = io_driver_get(class_name);
	if (!driver || !driver->user_client) {
		if (req)
			req->reason->check = IOKIT_CHECK_USER_CLIENT_CLASS;
		goto put;
	}
	ret = req ? io_user_client_admit(req, driver, service, type) : IOKIT_RETURN_SUCCESS;
	if (ret)
		goto put;
	ret = io_user_client_instantiate(driver, service, type, req ? req->entitlements : NULL,
					 from, client);
	if (req && ret) {
		io_user_uncharge(req->conn->user, req->conn->client_charge, 0);
		req->conn->client_charge = 0;
	} else if (req) {
		req->client = *client;
	}
put:
	if (driver)
		module_put(driver->owner);
	return ret;
}

/**
 * io_user_client_create() - make a user client of a named class on a service
 * @service: the service being opened, started, its matching lock held
 *	(as it is in its new_user_client)
 * @class_name: a registered user-client class
 * @type: the connection type
 * @client: out: the started client, attached to @service, with one
 *	reference for the caller
 *
 * What a driver's new_user_client calls, as DriverKit drivers call
 * Create(): the class's init and Start run.  For an IOServiceOpen, the
 * class must admit the caller (root's policy, the class's own rule, the
 * caller's entitlements); none of the class's code runs for one it does
 * not admit.  One client per IOServiceOpen.
 *
 * Return: IOKIT_RETURN_SUCCESS, IOKIT_RETURN_UNSUPPORTED if no
 * user-client class of that name is registered or its Start failed,
 * IOKIT_RETURN_NOT_PERMITTED if it does not admit the caller,
 * IOKIT_RETURN_NO_RESOURCES past the caller's budget,
 * IOKIT_RETURN_NOT_ATTACHED if @service is going away,
 * IOKIT_RETURN_BAD_ARGUMENT if the class's init failed,
 * IOKIT_RETURN_NO_MEMORY.
 */
u32 io_user_client_create(struct io_service *service, const char *class_name, u32 type,
			  struct io_user_client **client)
{
	return io_user_client_create_from(service, class_name, type, NULL, client);
}
EXPORT_SYMBOL_GPL(io_user_client_create);

/**
 * io_service_create_from_property() - IOService::Create(provider, key, &result)
 * @provider: the service being opened, in its new_user_client
 * @properties_key: the provider's property that is a dictionary naming
 *	the class to make (IOUserClass, else IOClass) and the new service's
 *	properties ("UserClientProperties" in Apple's samples)
 * @result: out: the new service, started and attached to @provider, with
 *	one reference for the caller
 *
 * What DriverKit drivers call in NewUserClient: the class is a
 * user-client class, made for the IOServiceOpen being served, as by
 * io_user_client_create(); the dictionary's other keys become its
 * properties before its init runs.  Services of other classes come from
 * matching.
 *
 * Return: IOKIT_RETURN_SUCCESS; IOKIT_RETURN_BAD_ARGUMENT if the property
 * is missing, not a dictionary or names no class; IOKIT_RETURN_UNSUPPORTED
 * outside a NewUserClient, or for a class that is not a user-client
 * class; else as io_user_client_create().
 */
u32 io_service_create_from_property(struct io_service *provider, const char *properties_key,
				    struct io_service **result)
{
	struct io_open_request *req = provider->open_request;
	const struct os_string *cls = NULL;
	struct io_user_client *client;
	struct os_dictionary *dict;
	struct os_object *obj;
	u32 ret;

	*result = NULL;
	lockdep_assert_held(&provider->match_lock);
	obj = io_registry_entry_copy_property(&provider->entry, properties_key);
	dict = obj ? os_dictionary_cast(obj) : NULL;
	if (dict)
		cls = os_string_cast(os_dictionary_get(dict, "IOUserClass") ?:
				     os_dictionary_get(dict, "IOClass"));
	if (!cls)
		ret = IOKIT_RETURN_BAD_ARGUMENT;
	else if (!req)
		ret = IOKIT_RETURN_UNSUPPORTED;
	else
		ret = io_user_client_policy_admit_properties(req, dict);
	if (!ret)
		ret = io_user_client_create_from(provider, cls->str, req->type, dict, &client);
	if (!ret)
		*result = &client->service;
	if (obj)
		os_object_put(obj);
	return ret;
}
EXPORT_SYMBOL_GPL(io_service_create_from_property);

/* NewUserClient, under the service's lock. */
static u32 io_service_new_user_client_locked(struct io_service *service, u32 type,
					     struct io_user_client **client)
{
	const struct io_service_ops *ops = service->driver ? service->driver->ops : NULL;
	struct os_string *cls;
	struct os_object *obj;
	u32 ret;

	if (ops && ops->new_user_client)
		return ops->new_user_client(service, type, client);
	obj = io_registry_entry_copy_property(&service->entry, "IOUserClientClass");
	cls = os_string_cast(obj);
	if (cls) {
		ret = io_user_client_create(service, cls->str, type, client);
	} else {
		service->open_request->reason->check = IOKIT_CHECK_USER_CLIENT_CLASS;
		ret = IOKIT_RETURN_UNSUPPORTED;
	}
	if (obj)
		os_object_put(obj);
	return ret;
}

/**
 * io_service_new_user_client() - NewUserClient(type) for IOServiceOpen
 * @service: the service
 * @type: the connection type
 * @req: the open: on success, @req->client is the client, with one
 *	reference for the caller
 *
 * Under the service's matching lock, while it is started: never beside
 * its Start, Stop or free.
 *
 * Return: an IOReturn: IOKIT_RETURN_NOT_ATTACHED for a service not
 * started or going away, else the driver's, or for a service without its
 * own NewUserClient, io_user_client_create()'s for the class its
 * IOUserClientClass property names (IOKIT_RETURN_UNSUPPORTED without one).
 */
u32 io_service_new_user_client(struct io_service *service, u32 type,
			       struct io_open_request *req)
{
	struct io_user_client *client = NULL;
	u32 ret = IOKIT_RETURN_NOT_ATTACHED;

	mutex_lock(&service->match_lock);
	if (!io_registry_entry_inactive(&service->entry) &&
	    (!service->driver || test_bit(IO_SERVICE_STARTED, &service->state))) {
		service->open_request = req;
		ret = io_service_new_user_client_locked(service, type, &client);
		service->open_request = NULL;
	}
	mutex_unlock(&service->match_lock);
	/* A driver must return the client it made for this open, and only that. */
	if (!ret && WARN_ON_ONCE(!client || client != req->client)) {
		ret = IOKIT_RETURN_INTERNAL_ERROR;
		if (client && client != req->client) {
			io_service_terminate(&client->service);
			io_registry_entry_put(&client->service.entry);
		}
	}
	/* The client made for a failed open is iokit's to end, not the driver's. */
	if (ret && req->client) {
		io_service_terminate(&req->client->service);
		io_registry_entry_put(&req->client->service.entry);
		req->client = NULL;
	}
	return ret;
}

/**
 * io_user_client_connect() - bind a new client to its connection
 * @client: a client io_service_new_user_client() made
 * @conn: the connection that will own the creation reference
 *
 * Under the client's lock, so that a termination that has begun is seen
 * here, or sees the connection in io_user_client_quiesce().  The client
 * holds the connection until its Stop has run.
 *
 * Return: true if bound, false if the client is already being terminated.
 */
bool io_user_client_connect(struct io_user_client *client, struct io_connection *conn)
{
	bool active;

	mutex_lock(&client->service.match_lock);
	active = !io_registry_entry_inactive(&client->service.entry) &&
		 !WARN_ON_ONCE(client->connection);
	if (active) {
		kref_get(&conn->ref);
		client->connection = conn;
	}
	mutex_unlock(&client->service.match_lock);
	return active;
}

/* The connection, once the client is inactive: it changes no more until Stop. */
static struct io_connection *io_user_client_connection(struct io_user_client *client)
{
	struct io_connection *conn;

	mutex_lock(&client->service.match_lock);
	conn = client->connection;
	mutex_unlock(&client->service.match_lock);
	return conn;
}

/**
 * io_user_client_quiesce() - termination's phase 2 for a user client
 * @service: a user client being terminated, not yet stopped
 *
 * Calls in flight finish and new ones are refused; the connection lets
 * go of the client.  Called without locks, before Stop.
 */
void io_user_client_quiesce(struct io_service *service)
{
	struct io_user_client *client = io_user_client_from_service(service);
	struct io_connection *conn = io_user_client_connection(client);

	if (conn)
		io_connection_detach(conn, client);
}

/**
 * io_user_client_stopped() - termination's phase 3 for a user client,
 *	after its Stop
 * @service: the user client, stopped
 *
 * What async calls the driver left pending in Stop are aborted, and the
 * client lets go of its connection.  Called without locks.
 */
void io_user_client_stopped(struct io_service *service)
{
	struct io_user_client *client = io_user_client_from_service(service);
	struct io_connection *conn;

	mutex_lock(&service->match_lock);
	conn = client->connection;
	client->connection = NULL;
	mutex_unlock(&service->match_lock);
	io_user_client_notify_stop(client);
	if (conn) {
		io_async_abort_all(conn);
		io_connection_put(conn);
	}
}

/**
 * io_user_client_close() - ClientClose, and the service's ClientCrashed
 * @client: a client whose connection was closed, calls drained
 * @crashed: its owner died without IOServiceClose
 *
 * Each runs only while its object is started, under its lock: never
 * beside its Stop.
 */
void io_user_client_close(struct io_user_client *client, bool crashed)
{
	const struct io_user_client_ops *uc = client->service.driver->user_client;
	struct io_service *service = client->service.provider;
	const struct io_service_ops *ops = service->driver ? service->driver->ops : NULL;

	if (uc->client_close) {
		mutex_lock(&client->service.match_lock);
		if (test_bit(IO_SERVICE_STARTED, &client->service.state))
			uc->client_close(client);
		mutex_unlock(&client->service.match_lock);
	}
	if (crashed && ops && ops->client_crashed) {
		mutex_lock(&service->match_lock);
		if (test_bit(IO_SERVICE_STARTED, &service->state) &&
		    !io_registry_entry_inactive(&service->entry))
			ops->client_crashed(service, client);
		mutex_unlock(&service->match_lock);
	}
}
