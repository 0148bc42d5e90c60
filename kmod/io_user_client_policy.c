// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may open which user client (Documentation/user-client.rst, "Who
 * may open what").
 *
 * Three sources decide, each one only root can write:
 *  - root's policy (IOKIT_IOC_POLICY): ordered rules naming a class, a
 *    connection type and what the caller must be (uid, group,
 *    capability), each allowing or denying.  The first rule that applies
 *    decides, so root can open a root-only class to a group and close an
 *    open one to everyone else.
 *  - the class: IO_USER_CLIENT_ANY_ACCESS is DriverKit's
 *    allow-any-userclient-access.
 *  - the caller's entitlements: an IOKS dictionary in the
 *    IOKIT_ENTITLEMENTS_XATTR ("security.iokit") attribute of its
 *    executable, which needs CAP_SYS_ADMIN to set.  Its
 *    com.apple.developer.driverkit.userclient-access array names the
 *    services (by CFBundleIdentifier, else the driver's module name) it
 *    may open, as DriverKit's does; and a class may require entitlements
 *    of every caller, root included (IOServiceDEXTEntitlements).
 *
 * The rules are about the /dev/iokit descriptor's opener, as every
 * privilege of iokit is: a descriptor carries its opener's credentials
 * and no more.  Entitlements are about the program calling.
 *
 * An attribute on a file is not yet a program's: anyone may run the file
 * with LD_PRELOAD, ptrace it, or point another process's
 * /proc/PID/exe at it.  Entitlements are honoured only for a process
 * the kernel ran in secure mode from a set-group-ID executable - so that
 * the loader ignored its environment and its own user cannot ptrace it
 * or write its memory - and that still holds that group: root entitles
 * a program by making it set-group-ID to a group of its own.  And only
 * where nobody but root can have made the attribute or the bit: not in
 * a user namespace, not on a mount made in one, not on a nosuid or
 * idmapped mount (FUSE, removable media).
 *
 * The policy is an RCU-protected array replaced whole: an open reads it
 * without a lock, at most IOKIT_POLICY_RULES_MAX rules.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/rcupdate.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/xattr.h>

#include <iokit/io_user_client.h>
#include <iokit/os_serialize.h>

#include "compat.h"
#include "iokit_internal.h"
#include "shared/os_serial.h"

#define IO_ENTITLEMENT_USERCLIENT_ACCESS "com.apple.developer.driverkit.userclient-access"
#define IO_ENTITLEMENT_ADMINISTRATOR	 "com.apple.developer.driverkit.administrator"

/* A rule as the kernel keeps it: ids mapped into the initial namespace. */
struct io_policy_rule {
	struct iokit_policy_rule rule;
	kuid_t uid;
	kgid_t gid;
};

struct io_policy {
	struct rcu_head rcu;
	unsigned int count;
	struct io_policy_rule rules[];
};

static struct io_policy __rcu *io_policy;
static DEFINE_MUTEX(io_policy_lock);	/* serialises SET */

/* Whether @cred is in group @gid: its effective group or a supplementary one. */
static bool io_cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *groups = cred->group_info;
	int i;

	if (gid_eq(cred->egid, gid))
		return true;
	for (i = 0; groups && i < groups->ngroups; i++)
		if (gid_eq(groups->gid[i], gid))
			return true;
	return false;
}

/* Whether @r applies to this open through @file (its opener's credentials). */
static bool io_policy_rule_applies(const struct io_policy_rule *r, struct file *file,
				   const char *cls, u32 type)
{
	const struct cred *cred = file->f_cred;
	u32 match = r->rule.match;

	if (r->rule.ioclass[0] && strcmp(r->rule.ioclass, cls))
		return false;
	if (r->rule.type != IOKIT_POLICY_ANY_TYPE && r->rule.type != type)
		return false;
	if (match & IOKIT_POLICY_MATCH_UID && !uid_eq(cred->euid, r->uid))
		return false;
	if (match & IOKIT_POLICY_MATCH_GID && !io_cred_in_group(cred, r->gid))
		return false;
	if (match & IOKIT_POLICY_MATCH_CAP &&
	    !file_ns_capable(file, &init_user_ns, r->rule.capability))
		return false;
	return true;
}

/* The first rule that applies: its action, and its 1-based number in *@number. */
static u32 io_policy_verdict(struct file *file, const char *cls, u32 type, unsigned int *number)
{
	const struct io_policy *p;
	u32 action = 0;
	unsigned int i;

	*number = 0;
	rcu_read_lock();
	p = rcu_dereference(io_policy);
	for (i = 0; p && i < p->count; i++) {
		if (io_policy_rule_applies(&p->rules[i], file, cls, type)) {
			action = p->rules[i].rule.action;
			*number = i + 1;
			break;
		}
	}
	rcu_read_unlock();
	return action;
}

/* A boolean entitlement that is true. */
static bool io_entitled(const struct os_dictionary *e, const char *name)
{
	struct os_object *v = e ? os_dictionary_get(e, name) : NULL;
	const struct os_boolean *b = v ? os_boolean_cast(v) : NULL;

	return b && b->value;
}

/* The name userclient-access lists a service by, as the caller holds it. */
static struct os_string *io_service_bundle(struct io_service *service)
{
	struct os_object *obj;
	const char *module;

	obj = io_registry_entry_copy_property(&service->entry, "CFBundleIdentifier");
	if (obj && os_string_cast(obj))
		return os_string_cast(obj);
	if (obj)
		os_object_put(obj);
	module = service->driver && service->driver->owner ?
		 module_name(service->driver->owner) : NULL;
	return module ? os_string_create(module) : NULL;
}

/* userclient-access: the caller's array names @service. */
static bool io_entitled_to_service(const struct os_dictionary *e, struct io_service *service)
{
	struct os_object *v = e ? os_dictionary_get(e, IO_ENTITLEMENT_USERCLIENT_ACCESS) : NULL;
	const struct os_array *names = v ? os_array_cast(v) : NULL;
	struct os_string *bundle;
	bool found = false;
	unsigned int i;

	if (!names)
		return false;
	bundle = io_service_bundle(service);
	for (i = 0; bundle && i < names->count && !found; i++) {
		const struct os_string *name = os_string_cast(names->items[i]);

		found = name && os_object_equal(&name->obj, &bundle->obj);
	}
	if (bundle)
		os_object_put(&bundle->obj);
	return found;
}

/*
 * IOServiceDEXTEntitlements as a property: a string (one entitlement), or
 * an array of alternatives, each a string or an array of strings all
 * required.  Anything else admits no one.
 */
static bool io_entitled_for_property(const struct os_dictionary *e, const struct os_object *v)
{
	const struct os_string *s = os_string_cast(v);
	const struct os_array *alts = os_array_cast(v);
	unsigned int i, j;

	if (s)
		return io_entitled(e, s->str);
	for (i = 0; alts && i < alts->count; i++) {
		const struct os_array *all = os_array_cast(alts->items[i]);
		bool held = true;

		s = os_string_cast(alts->items[i]);
		if (s && io_entitled(e, s->str))
			return true;
		for (j = 0; all && j < all->count && held; j++) {
			s = os_string_cast(all->items[j]);
			held = s && io_entitled(e, s->str);
		}
		if (all && all->count && held)
			return true;
	}
	return false;
}

/**
 * io_user_client_policy_admit_properties() - the IOServiceDEXTEntitlements
 *	of the dictionary a client is created from
 * @req: the open
 * @props: the dictionary (IOService::Create's)
 *
 * Return: IOKIT_RETURN_SUCCESS, or IOKIT_RETURN_NOT_PERMITTED with reason
 * IOKIT_CHECK_ENTITLEMENT.
 */
u32 io_user_client_policy_admit_properties(struct io_open_request *req,
					   const struct os_dictionary *props)
{
	const struct os_object *v = os_dictionary_get(props, "IOServiceDEXTEntitlements");

	if (!v || io_entitled_for_property(req->entitlements, v))
		return IOKIT_RETURN_SUCCESS;
	return io_user_client_refuse(req->reason, IOKIT_CHECK_ENTITLEMENT, 0, 0,
				     IOKIT_RETURN_NOT_PERMITTED);
}

/*
 * IOServiceDEXTEntitlements: the caller holds every entitlement of one
 * alternative (names separated by spaces).
 */
static bool io_entitled_for_class(const struct os_dictionary *e,
				  const char *const *alternatives)
{
	char name[IOKIT_NAME_MAX];

	if (!alternatives)
		return true;
	for (; *alternatives; alternatives++) {
		const char *p = *alternatives;
		bool all = true;

		while (all && *p) {
			size_t n = strcspn(p, " ");

			if (n && n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				all = io_entitled(e, name);
			} else if (n) {
				all = false;
			}
			p += n + (p[n] == ' ');
		}
		if (all)
			return true;
	}
	return false;
}

/**
 * io_user_client_policy_admit() - may this open have a client of @driver?
 * @req: the open: its opener's privilege, entitlements and reason
 * @driver: the user-client class
 * @service: the service opened
 * @type: the connection type
 *
 * Runs before any of the class's code does for the caller.
 *
 * Return: IOKIT_RETURN_SUCCESS, or IOKIT_RETURN_NOT_PERMITTED with
 * reason IOKIT_CHECK_ACCESS (seen: the rule that denied, 0 for the
 * class's own rule) or IOKIT_CHECK_ENTITLEMENT.
 */
u32 io_user_client_policy_admit(struct io_open_request *req, const struct io_driver *driver,
				struct io_service *service, u32 type)
{
	const struct io_user_client_ops *uc = driver->user_client;
	unsigned int number;
	u32 action;

	if (!req->privileged) {
		action = io_policy_verdict(req->file, driver->cls.name, type, &number);
		if (!action && (uc->flags & IO_USER_CLIENT_ANY_ACCESS ||
				io_entitled_to_service(req->entitlements, service)))
			action = IOKIT_POLICY_ALLOW;
		if (action != IOKIT_POLICY_ALLOW)
			return io_user_client_refuse(req->reason, IOKIT_CHECK_ACCESS, number, 0,
						     IOKIT_RETURN_NOT_PERMITTED);
	}
	/* What the class requires, it requires of root too, as DriverKit does. */
	if (!io_entitled_for_class(req->entitlements, uc->entitlements))
		return io_user_client_refuse(req->reason, IOKIT_CHECK_ENTITLEMENT, 0, 0,
					     IOKIT_RETURN_NOT_PERMITTED);
	return IOKIT_RETURN_SUCCESS;
}

/*
 * Whether the current process is what @exe, a set-group-ID program, made
 * of it by a secure exec: it holds the program's group and is not
 * dumpable (ptrace and /proc/PID/mem need CAP_SYS_PTRACE), and nothing on
 * the way can have been made by anyone but root.
 */
static bool io_exe_is_entitled_program(struct file *exe)
{
	const struct inode *inode = file_inode(exe);

	return current_user_ns() == &init_user_ns &&
	       inode->i_sb->s_user_ns == &init_user_ns &&
	       !(exe->f_path.mnt->mnt_flags & MNT_NOSUID) &&
	       !is_idmapped_mnt(exe->f_path.mnt) &&
	       (inode->i_mode & 02010) == 02010 &&	/* set-group-ID, group-executable */
	       gid_eq(current_egid(), inode->i_gid) &&
	       get_dumpable(current->mm) != SUID_DUMP_USER;
}

/* The executable's entitlements, if no one but root can have given them. */
static struct os_dictionary *io_entitlements_of_exe(void)
{
	struct os_serial_error err;
	struct os_dictionary *dict;
	struct os_object *obj;
	struct file *exe;
	ssize_t len;
	void *buf;

	if (!current->mm)
		return NULL;
	exe = iokit_mm_exe_file(current->mm);
	if (!exe)
		return NULL;
	dict = NULL;
	if (!io_exe_is_entitled_program(exe))
		goto put_exe;
	/* Its size first: most programs have none, and cost no buffer. */
	len = __vfs_getxattr(file_dentry(exe), file_inode(exe), IOKIT_ENTITLEMENTS_XATTR,
			     NULL, 0);
	if (len <= 0 || len > IOKIT_ENTITLEMENTS_MAX)
		goto put_exe;
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		goto put_exe;
	len = __vfs_getxattr(file_dentry(exe), file_inode(exe), IOKIT_ENTITLEMENTS_XATTR, buf,
			     len);
	if (len > 0) {
		obj = os_unserialize(buf, len, &err);
		dict = obj ? os_dictionary_cast(obj) : NULL;
		if (obj && !dict)
			os_object_put(obj);
		if (!dict)
			pr_warn_ratelimited("iokit: %pD: %s is not an IOKS dictionary\n", exe,
					    IOKIT_ENTITLEMENTS_XATTR);
	}
	kfree(buf);
put_exe:
	fput(exe);
	return dict;
}

/**
 * io_user_client_entitlements() - the calling process's entitlements
 * @privileged: its /dev/iokit opener has CAP_SYS_ADMIN: it is given
 *	com.apple.developer.driverkit.administrator, as DriverKit gives root
 * @program: read its executable's (not for a kernel client)
 *
 * Return: a dictionary with one reference, or NULL for none.
 */
struct os_dictionary *io_user_client_entitlements(bool privileged, bool program)
{
	struct os_dictionary *e = program ? io_entitlements_of_exe() : NULL;
	struct os_boolean *yes;

	if (!privileged)
		return e;
	if (!e)
		e = os_dictionary_create(1);
	yes = os_boolean_get(true);
	if (e && os_dictionary_set(e, IO_ENTITLEMENT_ADMINISTRATOR, &yes->obj)) {
		os_object_put(&e->obj);
		e = NULL;
	}
	os_object_put(&yes->obj);
	return e;
}

/**
 * io_user_client_copy_client_entitlements() - CopyClientEntitlements
 * @client: the user client
 * @entitlements: out: the entitlements of the process that opened it,
 *	with a reference for the caller (empty if it had none)
 *
 * Return: IOKIT_RETURN_SUCCESS, or IOKIT_RETURN_NO_MEMORY.
 */
u32 io_user_client_copy_client_entitlements(struct io_user_client *client,
					    struct os_dictionary **entitlements)
{
	if (client->entitlements)
		os_object_get(&client->entitlements->obj);
	*entitlements = client->entitlements ?: os_dictionary_create(0);
	return *entitlements ? IOKIT_RETURN_SUCCESS : IOKIT_RETURN_NO_MEMORY;
}
EXPORT_SYMBOL_GPL(io_user_client_copy_client_entitlements);

/* One rule from user space, checked and its ids mapped from @user_ns, or false. */
static bool io_policy_rule_import(struct io_policy_rule *r, struct user_namespace *user_ns)
{
	const struct iokit_policy_rule *u = &r->rule;
	u32 match = u->match;

	if (!memchr(u->ioclass, '\0', sizeof(u->ioclass)) ||
	    (u->action != IOKIT_POLICY_ALLOW && u->action != IOKIT_POLICY_DENY) ||
	    match & ~(IOKIT_POLICY_MATCH_UID | IOKIT_POLICY_MATCH_GID | IOKIT_POLICY_MATCH_CAP) ||
	    memchr_inv(u->reserved, 0, sizeof(u->reserved)))
		return false;
	/* Unused fields are zero: room to grow. */
	if ((!(match & IOKIT_POLICY_MATCH_UID) && u->uid) ||
	    (!(match & IOKIT_POLICY_MATCH_GID) && u->gid) ||
	    (!(match & IOKIT_POLICY_MATCH_CAP) && u->capability))
		return false;
	r->uid = make_kuid(user_ns, u->uid);
	r->gid = make_kgid(user_ns, u->gid);
	if ((match & IOKIT_POLICY_MATCH_UID && !uid_valid(r->uid)) ||
	    (match & IOKIT_POLICY_MATCH_GID && !gid_valid(r->gid)) ||
	    (match & IOKIT_POLICY_MATCH_CAP && !cap_valid(u->capability)))
		return false;
	return true;
}

static u32 io_policy_set(struct iokit_policy *p, struct user_namespace *user_ns)
{
	struct io_policy *new, *old;
	unsigned int i;

	if (p->count > IOKIT_POLICY_RULES_MAX) {
		p->bad_rule = IOKIT_POLICY_RULES_MAX;
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
	new = kzalloc(struct_size(new, rules, p->count), GFP_KERNEL_ACCOUNT);
	if (!new)
		return IOKIT_RETURN_NO_MEMORY;
	new->count = p->count;
	for (i = 0; i < p->count; i++) {
		if (copy_from_user(&new->rules[i].rule,
				   u64_to_user_ptr(p->rules) + i * sizeof(new->rules[i].rule),
				   sizeof(new->rules[i].rule))) {
			kfree(new);
			return IOKIT_RETURN_VM_ERROR;
		}
		if (!io_policy_rule_import(&new->rules[i], user_ns)) {
			p->bad_rule = i;
			kfree(new);
			return IOKIT_RETURN_BAD_ARGUMENT;
		}
	}
	mutex_lock(&io_policy_lock);
	old = rcu_replace_pointer(io_policy, new, lockdep_is_held(&io_policy_lock));
	mutex_unlock(&io_policy_lock);
	if (old)
		kfree_rcu(old, rcu);
	return IOKIT_RETURN_SUCCESS;
}

static u32 io_policy_get(struct iokit_policy *p, struct user_namespace *user_ns)
{
	struct iokit_policy_rule *out;
	const struct io_policy *cur;
	unsigned int i, n, room = p->count;
	u32 ret = IOKIT_RETURN_SUCCESS;

	/* A copy under the lock: user memory is not touched in an RCU section. */
	mutex_lock(&io_policy_lock);
	cur = rcu_dereference_protected(io_policy, lockdep_is_held(&io_policy_lock));
	n = cur ? cur->count : 0;
	out = n <= room && n ? kcalloc(n, sizeof(*out), GFP_KERNEL) : NULL;
	for (i = 0; out && i < n; i++) {
		out[i] = cur->rules[i].rule;
		if (out[i].match & IOKIT_POLICY_MATCH_UID)
			out[i].uid = from_kuid_munged(user_ns, cur->rules[i].uid);
		if (out[i].match & IOKIT_POLICY_MATCH_GID)
			out[i].gid = from_kgid_munged(user_ns, cur->rules[i].gid);
	}
	mutex_unlock(&io_policy_lock);
	p->count = n;
	if (n > room)
		return IOKIT_RETURN_NO_SPACE;
	if (n && !out)
		return IOKIT_RETURN_NO_MEMORY;
	if (n && copy_to_user(u64_to_user_ptr(p->rules), out, n * sizeof(*out)))
		ret = IOKIT_RETURN_VM_ERROR;
	kfree(out);
	return ret;
}

/**
 * io_user_client_cmd_policy() - IOKIT_IOC_POLICY
 * @call: the ioctl
 * @arg: struct iokit_policy
 *
 * Return: an IOReturn.
 */
u32 io_user_client_cmd_policy(struct iokit_call *call, void *arg)
{
	/* Ids as the opener, whose privilege this is, spells them. */
	struct user_namespace *user_ns = call->file->f_cred->user_ns;
	struct iokit_policy *p = arg;

	p->bad_rule = 0;
	if (!iokit_call_privileged(call))
		return IOKIT_RETURN_NOT_PRIVILEGED;
	if (p->rule_size != sizeof(struct iokit_policy_rule))
		return IOKIT_RETURN_BAD_ARGUMENT;
	switch (p->op) {
	case IOKIT_POLICY_GET:
		return io_policy_get(p, user_ns);
	case IOKIT_POLICY_SET:
		if (!iokit_call_writable(call))
			return IOKIT_RETURN_NOT_PERMITTED;
		return io_policy_set(p, user_ns);
	default:
		return IOKIT_RETURN_BAD_ARGUMENT;
	}
}

/**
 * io_user_client_policy_exit() - the module goes: so does the policy
 */
void io_user_client_policy_exit(void)
{
	kfree(rcu_replace_pointer(io_policy, NULL, true));
}
