// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokitctl policy and entitlements: who may open which user client
 * (Documentation/user-client.rst, "Who may open what").
 *
 *   iokitctl policy show
 *   iokitctl policy set FILE.json
 *   iokitctl policy clear
 *   iokitctl entitle PROGRAM FILE.json
 *   iokitctl entitle PROGRAM --remove
 *   iokitctl entitlements PROGRAM
 *
 * A policy file is a JSON array of rules, the first that applies
 * deciding:
 *
 *   [ { "class": "EduUserClient", "type": 0, "action": "allow", "gid": 1001 },
 *     { "class": "EduUserClient", "action": "deny" } ]
 *
 * "class" (default any) and "type" (default any) say which opens a rule
 * is about; "uid", "gid" and "capability" (a number or a name such as
 * "CAP_NET_ADMIN") what the caller must be.  Entitlements are a JSON
 * object, stored IOKS-serialized in the program's security.iokit
 * attribute.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <IOKit/IOKitLib.h>
#include <linux/capability.h>
#include <linux/iokit.h>

#include "iokitctl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const cap_names[] = {
	[CAP_CHOWN] = "CAP_CHOWN", [CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
	[CAP_KILL] = "CAP_KILL", [CAP_SETGID] = "CAP_SETGID", [CAP_SETUID] = "CAP_SETUID",
	[CAP_NET_ADMIN] = "CAP_NET_ADMIN", [CAP_NET_RAW] = "CAP_NET_RAW",
	[CAP_IPC_LOCK] = "CAP_IPC_LOCK", [CAP_SYS_MODULE] = "CAP_SYS_MODULE",
	[CAP_SYS_RAWIO] = "CAP_SYS_RAWIO", [CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
	[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN", [CAP_SYS_NICE] = "CAP_SYS_NICE",
	[CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE", [CAP_SYS_TIME] = "CAP_SYS_TIME",
	[CAP_MKNOD] = "CAP_MKNOD", [CAP_SYS_BOOT] = "CAP_SYS_BOOT",
};

static int policy_ioctl(struct iokit_policy *p)
{
	p->size = sizeof(*p);
	p->rule_size = sizeof(struct iokit_policy_rule);
	return ioctl(control(), IOKIT_IOC_POLICY, p) ? -1 : 0;
}

static uint32_t json_u32(IOCFDictionaryRef d, const char *key, uint32_t *value)
{
	IOCFTypeRef v = IOCFDictionaryGetValue(d, key);

	if (!v)
		return 0;
	/* A rule that cannot say what it means would say something else. */
	if (IOCFGetTypeID(v) != kIOCFNumberTypeID || IOCFNumberGetValue(v) < 0 ||
	    IOCFNumberGetValue(v) > UINT32_MAX)
		die("policy: \"%s\" is not a number from 0 to %u", key, UINT32_MAX);
	*value = (uint32_t)IOCFNumberGetValue(v);
	return 1;
}

/* Refuse a key a rule does not have: a typo would widen the rule. */
static void policy_rule_keys(IOCFDictionaryRef d)
{
	static const char *const keys[] = {
		"class", "type", "action", "uid", "gid", "capability",
	};
	IOCFTypeRef value;
	const char *key;
	size_t i, k;

	for (i = 0; IOCFDictionaryGetKeyValueAtIndex(d, i, &key, &value); i++) {
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(key, keys[k]))
				break;
		if (k == ARRAY_SIZE(keys))
			die("policy: a rule has no key \"%s\"", key);
	}
}

static uint32_t json_capability(IOCFDictionaryRef d, uint32_t *cap)
{
	IOCFTypeRef v = IOCFDictionaryGetValue(d, "capability");
	const char *name;
	size_t i;

	if (!v || IOCFGetTypeID(v) != kIOCFStringTypeID)
		return json_u32(d, "capability", cap);
	name = IOCFStringGetCStringPtr(v);
	for (i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (cap_names[i] && (!strcasecmp(name, cap_names[i]) ||
				     !strcasecmp(name, cap_names[i] + 4))) {
			*cap = i;
			return 1;
		}
	}
	die("policy: unknown capability \"%s\"", name);
}

/* One rule of a policy file. */
static void policy_rule_parse(IOCFTypeRef obj, struct iokit_policy_rule *r)
{
	IOCFTypeRef cls, action;

	if (IOCFGetTypeID(obj) != kIOCFDictionaryTypeID)
		die("policy: a rule is a JSON object");
	policy_rule_keys(obj);
	memset(r, 0, sizeof(*r));
	cls = IOCFDictionaryGetValue(obj, "class");
	if (cls && (IOCFGetTypeID(cls) != kIOCFStringTypeID ||
		    IOCFStringGetLength(cls) >= sizeof(r->ioclass)))
		die("policy: \"class\" is a class name");
	if (cls)
		snprintf(r->ioclass, sizeof(r->ioclass), "%s", IOCFStringGetCStringPtr(cls));
	r->type = IOKIT_POLICY_ANY_TYPE;
	json_u32(obj, "type", &r->type);
	action = IOCFDictionaryGetValue(obj, "action");
	if (!action || IOCFGetTypeID(action) != kIOCFStringTypeID)
		die("policy: each rule needs \"action\": \"allow\" or \"deny\"");
	if (!strcmp(IOCFStringGetCStringPtr(action), "allow"))
		r->action = IOKIT_POLICY_ALLOW;
	else if (!strcmp(IOCFStringGetCStringPtr(action), "deny"))
		r->action = IOKIT_POLICY_DENY;
	else
		die("policy: \"action\" is \"allow\" or \"deny\"");
	if (json_u32(obj, "uid", &r->uid))
		r->match |= IOKIT_POLICY_MATCH_UID;
	if (json_u32(obj, "gid", &r->gid))
		r->match |= IOKIT_POLICY_MATCH_GID;
	if (json_capability(obj, &r->capability))
		r->match |= IOKIT_POLICY_MATCH_CAP;
}

static int policy_set_rules(struct iokit_policy_rule *rules, uint32_t count)
{
	struct iokit_policy p = {
		.op = IOKIT_POLICY_SET, .count = count, .rules = (uintptr_t)rules,
	};

	if (policy_ioctl(&p)) {
		if (p.ioreturn == (uint32_t)kIOReturnBadArgument)
			die("policy: rule %u refused", p.bad_rule);
		die("policy: %s", p.ioreturn ? mach_error_string(p.ioreturn) : strerror(errno));
	}
	return 0;
}

static int policy_set(const char *file)
{
	struct iokit_policy_rule *rules;
	char *text, *err = NULL;
	IOCFTypeRef array;
	size_t i, n;

	text = read_file(file);
	array = IOCFCreateFromJSON(text, &err);
	free(text);
	if (!array || IOCFGetTypeID(array) != kIOCFArrayTypeID)
		die("%s: %s", file, err ? err : "a policy is a JSON array of rules");
	n = IOCFArrayGetCount(array);
	if (n > IOKIT_POLICY_RULES_MAX)
		die("%s: %zu rules, at most %u", file, n, IOKIT_POLICY_RULES_MAX);
	rules = calloc(n ? n : 1, sizeof(*rules));
	if (!rules)
		die("out of memory");
	for (i = 0; i < n; i++)
		policy_rule_parse(IOCFArrayGetValueAtIndex(array, i), &rules[i]);
	IOCFRelease(array);
	policy_set_rules(rules, n);
	free(rules);
	return 0;
}

static int policy_show(void)
{
	struct iokit_policy_rule rules[IOKIT_POLICY_RULES_MAX];
	struct iokit_policy p = {
		.op = IOKIT_POLICY_GET, .count = IOKIT_POLICY_RULES_MAX,
		.rules = (uintptr_t)rules,
	};
	uint32_t i;

	if (policy_ioctl(&p))
		die("policy: %s", p.ioreturn ? mach_error_string(p.ioreturn) : strerror(errno));
	printf("[");
	for (i = 0; i < p.count; i++) {
		const struct iokit_policy_rule *r = &rules[i];

		printf("%s\n  { \"action\": \"%s\"", i ? "," : "",
		       r->action == IOKIT_POLICY_ALLOW ? "allow" : "deny");
		if (r->ioclass[0])
			printf(", \"class\": \"%s\"", r->ioclass);
		if (r->type != IOKIT_POLICY_ANY_TYPE)
			printf(", \"type\": %u", r->type);
		if (r->match & IOKIT_POLICY_MATCH_UID)
			printf(", \"uid\": %u", r->uid);
		if (r->match & IOKIT_POLICY_MATCH_GID)
			printf(", \"gid\": %u", r->gid);
		if (r->match & IOKIT_POLICY_MATCH_CAP)
			printf(", \"capability\": %u", r->capability);
		printf(" }");
	}
	printf("%s]\n", p.count ? "\n" : "");
	return 0;
}

int policy_main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[2], "show"))
		return policy_show();
	if (argc == 3 && !strcmp(argv[2], "clear"))
		return policy_set_rules(NULL, 0);
	if (argc == 4 && !strcmp(argv[2], "set"))
		return policy_set(argv[3]);
	return -1;
}

/* Give @program the entitlements in @file, or take them away. */
int entitle(const char *program, const char *file)
{
	char *text, *err = NULL;
	IOCFTypeRef dict;
	struct stat st;
	size_t len;
	void *data;

	if (!strcmp(file, "--remove")) {
		if (removexattr(program, IOKIT_ENTITLEMENTS_XATTR) && errno != ENODATA)
			die("%s: %s", program, strerror(errno));
		return 0;
	}
	text = read_file(file);
	dict = IOCFCreateFromJSON(text, &err);
	free(text);
	if (!dict || IOCFGetTypeID(dict) != kIOCFDictionaryTypeID)
		die("%s: %s", file, err ? err : "entitlements are a JSON object");
	data = IOCFSerialize(dict, &len);
	IOCFRelease(dict);
	if (!data)
		die("%s: cannot serialize: %s", file, strerror(errno));
	if (len > IOKIT_ENTITLEMENTS_MAX)
		die("%s: %zu bytes serialized, at most %u", file, len, IOKIT_ENTITLEMENTS_MAX);
	if (setxattr(program, IOKIT_ENTITLEMENTS_XATTR, data, len, 0))
		die("%s: %s", program, strerror(errno));
	free(data);
	/* Set-group-ID and group-executable, or the entitlements do not count. */
	if (stat(program, &st) == 0 && (st.st_mode & 02010) != 02010)
		fprintf(stderr,
			"iokitctl: %s is not set-group-ID: its entitlements count once it is\n"
			"iokitctl: (chgrp GROUP %s; chmod g+s %s)\n", program, program, program);
	return 0;
}

/* Print @program's entitlements as JSON: {} for none. */
int entitlements_show(const char *program)
{
	static char buf[IOKIT_ENTITLEMENTS_MAX];
	IOCFTypeRef dict;
	ssize_t len;
	char *json;

	len = getxattr(program, IOKIT_ENTITLEMENTS_XATTR, buf, sizeof(buf));
	if (len < 0 && errno == ENODATA) {
		printf("{}\n");
		return 0;
	}
	if (len < 0)
		die("%s: %s", program, strerror(errno));
	dict = IOCFUnserialize(buf, len, NULL);
	if (!dict)
		die("%s: %s is not an IOKS dictionary", program, IOKIT_ENTITLEMENTS_XATTR);
	json = IOCFCopyJSON(dict, 0);
	IOCFRelease(dict);
	if (!json)
		die("out of memory");
	printf("%s\n", json);
	free(json);
	return 0;
}
