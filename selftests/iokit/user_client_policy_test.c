// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may open what: root's policy (IOKIT_IOC_POLICY), the classes' own
 * rule, and entitlements in the security.iokit attribute of a caller's
 * executable - each allowing and denying an unprivileged process (uid
 * 65534), and a class's required entitlements holding root too.  The
 * unprivileged side is this program run again ("--open") from a copy on a
 * tmpfs, set-group-ID to a group of its own as root entitles a program,
 * where root can give the copy entitlements.
 */
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <grp.h>
#include <linux/capability.h>

#include "iokit_test.h"
#include "registry_util.h"
#include "user_client_util.h"

#define NOBODY		65534
#define ENTITLED	65533	/* the entitled program's own group */
#define ENT_DIR		"/tmp/iokit-entitled"
#define ENT_EXE		ENT_DIR "/client"
#define PLAIN_EXE	ENT_DIR "/plain"	/* the same, not set-group-ID */
#define NOSUID_DIR	"/tmp/iokit-nosuid"
#define NOSUID_EXE	NOSUID_DIR "/client"

/* What the unprivileged side's exit status says. */
enum {
	OPENED = 0, REFUSED_ACCESS = 1, REFUSED_ENTITLEMENT = 2, FAILED = 3,
};

/*
 * --open SERVICE TYPE: IOServiceOpen as this process is; exit OPENED (or,
 * with --entitlements, 16 + 2 * how many entitlements the client saw + 1
 * if it saw an administrator), REFUSED_* or FAILED.
 */
static int open_as_self(int argc, char **argv)
{
	uint64_t service = strtoull(argv[2], NULL, 0), out[2];
	uint32_t type = strtoul(argv[3], NULL, 0), n = 2;
	struct iokit_reason r;
	int fd, conn;
	uint32_t ret;

	fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return FAILED;
	ret = uc_open(fd, service, type, &conn, &r);
	if (ret == IOKIT_RETURN_NOT_PERMITTED && r.check == IOKIT_CHECK_ACCESS)
		return REFUSED_ACCESS;
	if (ret == IOKIT_RETURN_NOT_PERMITTED && r.check == IOKIT_CHECK_ENTITLEMENT)
		return REFUSED_ENTITLEMENT;
	if (ret)
		return FAILED;
	if (argc > 4 && uc_scalars(conn, UC_ENTITLEMENTS, NULL, 0, out, &n) == 0)
		return 16 + 2 * out[0] + out[1];
	return OPENED;
}

/* Run @exe --open as uid 65534 and group @gid; in a new user namespace if @userns. */
static int run_as(const char *exe, gid_t gid, uint64_t service, uint32_t type,
		  bool entitlements, bool userns)
{
	char sid[32], stype[16];
	int status;
	pid_t pid;

	snprintf(sid, sizeof(sid), "%llu", (unsigned long long)service);
	snprintf(stype, sizeof(stype), "%u", type);
	pid = fork();
	if (!pid) {
		if (setgroups(1, &gid) || setgid(gid) || setuid(NOBODY))
			_exit(100);
		if (userns && unshare(CLONE_NEWUSER))
			_exit(101);
		execl(exe, exe, "--open", sid, stype, entitlements ? "--entitlements" : NULL,
		      (char *)NULL);
		_exit(102);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int run_as_nobody(const char *exe, uint64_t service, uint32_t type, bool entitlements,
			 bool userns)
{
	return run_as(exe, NOBODY, service, type, entitlements, userns);
}

static uint32_t policy(int fd, uint32_t op, struct iokit_policy_rule *rules, uint32_t *count,
		       uint32_t *bad)
{
	struct iokit_policy p = {
		.size = sizeof(p), .op = op, .count = *count, .rules = (uintptr_t)rules,
		.rule_size = sizeof(*rules),
	};

	if (ioctl(fd, IOKIT_IOC_POLICY, &p) && !p.ioreturn)
		p.ioreturn = IOKIT_RETURN_ERROR;
	*count = p.count;
	if (bad)
		*bad = p.bad_rule;
	return p.ioreturn;
}

static uint32_t set_rules(int fd, struct iokit_policy_rule *rules, uint32_t count)
{
	return policy(fd, IOKIT_POLICY_SET, rules, &count, NULL);
}

static struct iokit_policy_rule rule(const char *cls, uint32_t type, uint32_t action,
				     uint32_t match, uint32_t id)
{
	struct iokit_policy_rule r = { .type = type, .action = action, .match = match };

	snprintf(r.ioclass, sizeof(r.ioclass), "%s", cls);
	if (match & IOKIT_POLICY_MATCH_UID)
		r.uid = id;
	if (match & IOKIT_POLICY_MATCH_GID)
		r.gid = id;
	if (match & IOKIT_POLICY_MATCH_CAP)
		r.capability = id;
	return r;
}

/* Give @exe, a copy of this program, these entitlements (NULL: none). */
static int entitle_exe(const char *exe, const char *const *names, const bool *values, int n,
		       const char *access)
{
	struct ioks s;
	int i;

	if (!names && !access)
		return removexattr(exe, IOKIT_ENTITLEMENTS_XATTR) && errno != ENODATA ? -1 : 0;
	ioks_begin(&s);
	ioks_dict(&s, n + !!access);
	for (i = 0; i < n; i++) {
		ioks_str(&s, names[i]);
		os_serial_put_boolean(&s.w, values[i]);
	}
	if (access) {
		ioks_str(&s, "com.apple.developer.driverkit.userclient-access");
		ioks_array(&s, 1);
		ioks_str(&s, access);
	}
	return setxattr(exe, IOKIT_ENTITLEMENTS_XATTR, s.buf, s.w.len, 0);
}

static int entitle(const char *const *names, const bool *values, int n, const char *access)
{
	return entitle_exe(ENT_EXE, names, values, n, access);
}

/* A copy of this program at @path, executable by all, set-group-ID to ENTITLED if @sgid. */
static int copy_exe(const char *path, bool sgid)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open("/proc/self/exe", O_RDONLY);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -1;
	close(in);
	close(out);
	if (n < 0)
		return -1;
	/* chown first: it clears the bit. */
	if (sgid && (chown(path, 0, ENTITLED) || chmod(path, 02755)))
		return -1;
	return 0;
}

/* The copies on tmpfs mounts of the initial namespace's: one nosuid. */
static int make_copy(void)
{
	mkdir(ENT_DIR, 0755);
	mkdir(NOSUID_DIR, 0755);
	if (mount("tmpfs", ENT_DIR, "tmpfs", 0, "mode=0755") ||
	    mount("tmpfs", NOSUID_DIR, "tmpfs", MS_NOSUID, "mode=0755"))
		return -1;
	return copy_exe(ENT_EXE, true) || copy_exe(PLAIN_EXE, false) ||
	       copy_exe(NOSUID_EXE, true) ? -1 : 0;
}

FIXTURE(pol) {
	int fd;
	long objects;
	uint64_t service;
};

FIXTURE_SETUP(pol)
{
	self->fd = -1;
	if (getuid() || !getenv("IOKIT_MODULES"))
		SKIP(return, "needs root and the driver modules (run in iokit-vm)");
	uc_fixture_setup(_metadata, &self->fd, &self->objects, &self->service);
	ASSERT_EQ(0, make_copy());
}

FIXTURE_TEARDOWN(pol)
{
	if (self->fd < 0)
		return;
	EXPECT_EQ(0, set_rules(self->fd, NULL, 0));
	umount2(ENT_DIR, MNT_DETACH);
	umount2(NOSUID_DIR, MNT_DETACH);
	uc_unload_clean(_metadata, self->objects);
	close(self->fd);
}

TEST_F(pol, only_root_reads_and_writes_the_policy)
{
	struct iokit_policy_rule in[2], out[4];
	uint32_t n, bad;
	int ro, status;
	pid_t pid;

	in[0] = rule("TestPrivateClient", 3, IOKIT_POLICY_ALLOW, IOKIT_POLICY_MATCH_UID, NOBODY);
	in[1] = rule("", IOKIT_POLICY_ANY_TYPE, IOKIT_POLICY_DENY, 0, 0);
	ASSERT_EQ(0, set_rules(self->fd, in, 2));
	n = 1;
	EXPECT_EQ(IOKIT_RETURN_NO_SPACE, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	EXPECT_EQ(2, n);
	n = 4;
	ASSERT_EQ(0, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	ASSERT_EQ(2, n);
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));

	/* A bad rule is named, and the policy stays as it was. */
	in[1].action = 3;
	n = 2;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, policy(self->fd, IOKIT_POLICY_SET, in, &n, &bad));
	EXPECT_EQ(1, bad);
	in[1] = rule("", 0, IOKIT_POLICY_DENY, 0, 0);
	in[1].uid = 5;		/* a field the rule does not match on */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, policy(self->fd, IOKIT_POLICY_SET, in, &n, &bad));
	in[1] = rule("", 0, IOKIT_POLICY_DENY, IOKIT_POLICY_MATCH_CAP, 99);
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, policy(self->fd, IOKIT_POLICY_SET, in, &n, &bad));
	memset(in[1].ioclass, 'x', sizeof(in[1].ioclass));	/* no NUL */
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, policy(self->fd, IOKIT_POLICY_SET, in, &n, &bad));
	n = IOKIT_POLICY_RULES_MAX + 1;
	EXPECT_EQ(IOKIT_RETURN_BAD_ARGUMENT, policy(self->fd, IOKIT_POLICY_SET, in, &n, &bad));
	n = 2;
	EXPECT_EQ(IOKIT_RETURN_VM_ERROR, policy(self->fd, IOKIT_POLICY_SET, (void *)8, &n, &bad));
	n = 4;
	ASSERT_EQ(0, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	EXPECT_EQ(2, n);

	/* Setting needs a node opened for writing; either needs root. */
	ro = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	n = 0;
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, policy(ro, IOKIT_POLICY_SET, NULL, &n, NULL));
	n = 4;
	EXPECT_EQ(0, policy(ro, IOKIT_POLICY_GET, out, &n, NULL));
	close(ro);
	pid = fork();
	if (!pid) {
		int fd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(10);
		fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		n = 4;
		if (policy(fd, IOKIT_POLICY_GET, out, &n, NULL) != IOKIT_RETURN_NOT_PRIVILEGED)
			_exit(11);
		n = 0;
		if (policy(fd, IOKIT_POLICY_SET, NULL, &n, NULL) != IOKIT_RETURN_NOT_PRIVILEGED)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	n = 4;
	ASSERT_EQ(0, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	EXPECT_EQ(2, n);
}

TEST_F(pol, the_policy_opens_and_closes_classes)
{
	struct iokit_policy_rule r[2];

	/* The classes' own rule. */
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 0, false, false));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));

	/* Root opens a root-only class to one uid, to one group. */
	r[0] = rule("TestPrivateClient", 3, IOKIT_POLICY_ALLOW, IOKIT_POLICY_MATCH_UID, NOBODY);
	ASSERT_EQ(0, set_rules(self->fd, r, 1));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	r[0] = rule("TestPrivateClient", 3, IOKIT_POLICY_ALLOW, IOKIT_POLICY_MATCH_UID, 65533);
	ASSERT_EQ(0, set_rules(self->fd, r, 1));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	r[0] = rule("", IOKIT_POLICY_ANY_TYPE, IOKIT_POLICY_ALLOW, IOKIT_POLICY_MATCH_GID, NOBODY);
	ASSERT_EQ(0, set_rules(self->fd, r, 1));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	/* A capability the caller lacks. */
	r[0] = rule("", 3, IOKIT_POLICY_ALLOW, IOKIT_POLICY_MATCH_CAP, CAP_NET_ADMIN);
	ASSERT_EQ(0, set_rules(self->fd, r, 1));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));

	/* And closes an open one: the first rule that applies decides. */
	r[0] = rule("TestUserClient", 5, IOKIT_POLICY_DENY, 0, 0);
	r[1] = rule("TestUserClient", IOKIT_POLICY_ANY_TYPE, IOKIT_POLICY_ALLOW, 0, 0);
	ASSERT_EQ(0, set_rules(self->fd, r, 2));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 5, false, false));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 0, false, false));
	r[0] = rule("TestUserClient", IOKIT_POLICY_ANY_TYPE, IOKIT_POLICY_DENY, 0, 0);
	ASSERT_EQ(0, set_rules(self->fd, r, 1));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 0, false, false));
	/* Root is root's own policy; a descriptor root opened carries it. */
	do {
		struct iokit_reason reason;
		int conn, status;
		pid_t pid;

		ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, &reason));
		close(conn);
		pid = fork();
		if (!pid) {
			if (setgid(NOBODY) || setuid(NOBODY))
				_exit(10);
			if (uc_open(self->fd, self->service, 0, &conn, &reason))
				_exit(11);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	} while (0);
	/* None of a refused class's code ran for the caller. */
	EXPECT_EQ(2, uc_log_count("start TestPrivateClient"));
}

TEST_F(pol, entitlements_come_from_the_executable)
{
	static const char *const ab[] = { "com.example.iokit.a", "com.example.iokit.b" };
	static const char *const admin[] = { "com.example.iokit.admin" };
	static const bool yes[] = { true, true }, half[] = { false, true };
	struct iokit_reason r;
	int conn;

	/* userclient-access names the service's bundle: the driver's module. */
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	ASSERT_EQ(0, entitle(NULL, NULL, 0, "iokit_test_user_client"));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	/* CopyClientEntitlements: the one entitlement, no administrator. */
	EXPECT_EQ(16 + 2 * 1 + 0, run_as_nobody(ENT_EXE, self->service, 3, true, false));
	/* A process in a user namespace of its own gets none. */
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, true));
	/*
	 * Nor one the kernel did not run in secure mode from the program:
	 * a copy not set-group-ID (LD_PRELOAD, ptrace would reach it), the
	 * program run by a member of its group (no secure exec either), a
	 * copy on a nosuid mount (FUSE, removable media).
	 */
	ASSERT_EQ(0, entitle_exe(PLAIN_EXE, NULL, NULL, 0, "iokit_test_user_client"));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(PLAIN_EXE, self->service, 3, false, false));
	EXPECT_EQ(REFUSED_ACCESS, run_as(ENT_EXE, ENTITLED, self->service, 3, false, false));
	ASSERT_EQ(0, entitle_exe(NOSUID_EXE, NULL, NULL, 0, "iokit_test_user_client"));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(NOSUID_EXE, self->service, 3, false, false));
	ASSERT_EQ(0, entitle(NULL, NULL, 0, "com.example.other"));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	/* Not a dictionary: none at all. */
	ASSERT_EQ(0, setxattr(ENT_EXE, IOKIT_ENTITLEMENTS_XATTR, "garbage", 7, 0));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));

	/* A class's own requirement: one whole alternative. */
	ASSERT_EQ(0, entitle(NULL, NULL, 0, NULL));
	EXPECT_EQ(REFUSED_ENTITLEMENT, run_as_nobody(ENT_EXE, self->service, 6, false, false));
	ASSERT_EQ(0, entitle(ab, yes, 1, NULL));
	EXPECT_EQ(REFUSED_ENTITLEMENT, run_as_nobody(ENT_EXE, self->service, 6, false, false));
	ASSERT_EQ(0, entitle(ab, half, 2, NULL));
	EXPECT_EQ(REFUSED_ENTITLEMENT, run_as_nobody(ENT_EXE, self->service, 6, false, false));
	ASSERT_EQ(0, entitle(ab, yes, 2, NULL));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 6, false, false));
	ASSERT_EQ(0, entitle(admin, yes, 1, NULL));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 6, false, false));
	EXPECT_EQ(2, uc_log_count("start TestEntitledClient"));
	/* IOServiceDEXTEntitlements of the dictionary IOService::Create uses. */
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 9, false, false));
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, uc_open(self->fd, self->service, 9, &conn, &r));
	EXPECT_EQ(IOKIT_CHECK_ENTITLEMENT, r.check);

	/* It binds root too; root is an administrator, not entitled to everything. */
	EXPECT_EQ(IOKIT_RETURN_NOT_PERMITTED, uc_open(self->fd, self->service, 6, &conn, &r));
	EXPECT_EQ(IOKIT_CHECK_ENTITLEMENT, r.check);
	do {
		uint64_t out[2];
		uint32_t n = 2;

		ASSERT_EQ(0, uc_open(self->fd, self->service, 0, &conn, NULL));
		ASSERT_EQ(0, uc_scalars(conn, UC_ENTITLEMENTS, NULL, 0, out, &n));
		EXPECT_EQ(1, out[0]);
		EXPECT_EQ(1, out[1]);
		close(conn);
	} while (0);
}

TEST_F(pol, iokitctl_sets_the_policy_and_entitlements)
{
	struct iokit_policy_rule out[4];
	uint32_t n = 4;

	static const char rules[] =
		"[ { \"class\": \"TestPrivateClient\", \"type\": 3, \"gid\": 65534,\n"
		"    \"action\": \"allow\" },\n"
		"  { \"action\": \"deny\", \"capability\": \"CAP_NET_ADMIN\" } ]\n";
	static const char ents[] =
		"{ \"com.apple.developer.driverkit.userclient-access\":\n"
		"  [ \"iokit_test_user_client\" ] }";

	ASSERT_EQ(0, write_file("/tmp/iokit-policy.json", rules));
	ASSERT_EQ(0, system("iokitctl policy set /tmp/iokit-policy.json"));
	ASSERT_EQ(0, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	ASSERT_EQ(2, n);
	EXPECT_STREQ("TestPrivateClient", out[0].ioclass);
	EXPECT_EQ(IOKIT_POLICY_MATCH_GID, out[0].match);
	EXPECT_EQ(NOBODY, out[0].gid);
	EXPECT_EQ(CAP_NET_ADMIN, out[1].capability);
	EXPECT_EQ(IOKIT_POLICY_ANY_TYPE, out[1].type);
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	EXPECT_EQ(0, system("iokitctl policy show | grep -q '\"gid\": 65534'"));
	/* A bad rule: refused, named, nothing changed. */
	ASSERT_EQ(0, write_file("/tmp/iokit-policy.json", "[ { \"action\": \"maybe\" } ]"));
	EXPECT_NE(0, system("iokitctl policy set /tmp/iokit-policy.json 2>/dev/null"));
	/* A typo would widen the rule to everyone: refused too. */
	ASSERT_EQ(0, write_file("/tmp/iokit-policy.json",
				"[ { \"action\": \"allow\", \"group\": 1001 } ]"));
	EXPECT_NE(0, system("iokitctl policy set /tmp/iokit-policy.json 2>/dev/null"));
	ASSERT_EQ(0, system("iokitctl policy clear"));
	n = 4;
	ASSERT_EQ(0, policy(self->fd, IOKIT_POLICY_GET, out, &n, NULL));
	EXPECT_EQ(0, n);

	ASSERT_EQ(0, write_file("/tmp/iokit-ent.json", ents));
	ASSERT_EQ(0, system("iokitctl entitle " ENT_EXE " /tmp/iokit-ent.json"));
	EXPECT_EQ(0, system("iokitctl entitlements " ENT_EXE
			    " | grep -q iokit_test_user_client"));
	EXPECT_EQ(OPENED, run_as_nobody(ENT_EXE, self->service, 3, false, false));
	ASSERT_EQ(0, system("iokitctl entitle " ENT_EXE " --remove"));
	EXPECT_EQ(REFUSED_ACCESS, run_as_nobody(ENT_EXE, self->service, 3, false, false));
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "--open"))
		return open_as_self(argc, argv);
	return test_harness_run(argc, argv);
}
