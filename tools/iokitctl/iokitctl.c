// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokitctl: control iokit - load driver modules through libkmod, add and
 * remove driver personalities, and wait for matching to settle.
 *
 *   iokitctl version
 *   iokitctl load MODULE|FILE.ko [PARAMS]
 *   iokitctl unload MODULE
 *   iokitctl personality add FILE.json
 *   iokitctl personality remove NAME
 *   iokitctl personality list
 *   iokitctl match-test FILE.json
 *   iokitctl claim ENTRY-ID
 *   iokitctl wait-quiet [SECONDS]
 *   iokitctl loader
 *   iokitctl policy show | set FILE.json | clear
 *   iokitctl entitle PROGRAM FILE.json | --remove
 *   iokitctl entitlements PROGRAM
 *
 * A personality whose IOClass is not loaded but names its module in
 * IOKitLinuxModule is kept pending by iokit; the module is loaded when
 * the personality wins a match: right away by "personality add" when a
 * device is there, later by "iokitctl loader", the role kextd plays on
 * macOS.  Modules are found by path, in $IOKIT_MODULES, or by name
 * through the system's module index.
 */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <IOKit/IOKitLib.h>
#include <linux/iokit.h>

#include "iokit_match_text.h"
#include "iokitctl.h"

static int iokit_fd = -1;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("iokitctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

int control(void)
{
	if (iokit_fd < 0) {
		iokit_fd = open(IOKIT_DEVICE_PATH, O_RDWR | O_CLOEXEC);
		/* Reading is enough for match-test; writing commands say EBADF. */
		if (iokit_fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS))
			iokit_fd = open(IOKIT_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
		if (iokit_fd < 0)
			die("%s: %s (is iokit.ko loaded?)", IOKIT_DEVICE_PATH,
			    strerror(errno));
	}
	return iokit_fd;
}

/* A module file: FILE.ko as given, else NAME.ko in $IOKIT_MODULES. */
static int module_path(const char *name, char *path, size_t size)
{
	const char *dir = getenv("IOKIT_MODULES");

	if (strchr(name, '/')) {
		snprintf(path, size, "%s", name);
		return access(path, R_OK) == 0;
	}
	if (!dir)
		return 0;
	snprintf(path, size, "%s/%s.ko", dir, name);
	return access(path, R_OK) == 0;
}

/*
 * The modules to insert for @name: its file, or what the module index
 * resolves it to.  Return: a libkmod list (empty if none), or NULL with
 * *@path set when @name is a file.
 */
static struct kmod_list *module_lookup(struct kmod_ctx *ctx, const char *name,
				       char *path, size_t size, int *err)
{
	struct kmod_list *list = NULL;

	*err = 0;
	if (module_path(name, path, size))
		return NULL;
	path[0] = '\0';
	*err = kmod_module_new_from_lookup(ctx, name, &list);
	if (!*err && !list)
		*err = -ENOENT;
	return list;
}

int module_exists(const char *name)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_list *list;
	char path[4096];
	int err;

	if (!ctx)
		die("libkmod: cannot initialise");
	list = module_lookup(ctx, name, path, sizeof(path), &err);
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return !err;
}

static int load_module_once(const char *name, const char *params)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	struct kmod_list *list, *l;
	char path[4096];
	int err;

	if (!ctx)
		die("libkmod: cannot initialise");
	list = module_lookup(ctx, name, path, sizeof(path), &err);
	if (path[0]) {
		err = kmod_module_new_from_path(ctx, path, &mod);
		if (!err) {
			err = kmod_module_insert_module(mod, 0, params);
			kmod_module_unref(mod);
		}
	}
	kmod_list_foreach(l, list) {
		mod = kmod_module_get_module(l);
		err = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST,
						      params, NULL, NULL, NULL);
		kmod_module_unref(mod);
		if (err)
			break;
	}
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	/* A positive answer is a KMOD_PROBE_APPLY_BLACKLIST refusal. */
	if (err > 0)
		err = -EPERM;
	if (err == -EEXIST)
		err = 0;
	return err;
}

/*
 * A load that meets a module of the same name still going away (its own
 * init failed a moment ago, or it is being removed) gets EBUSY from
 * Linux 6.1 on: wait for it to be gone, up to two seconds.
 */
int load_module(const char *name, const char *params)
{
	int err, tries = 40;

	while ((err = load_module_once(name, params)) == -EBUSY && tries--)
		usleep(50 * 1000);
	if (err)
		fprintf(stderr, "iokitctl: cannot load %s: %s\n", name, strerror(-err));
	return err;
}

static int unload_module(const char *name)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod;
	int err;

	if (!ctx)
		die("libkmod: cannot initialise");
	err = kmod_module_new_from_name(ctx, name, &mod);
	if (!err) {
		err = kmod_module_remove_module(mod, 0);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	if (err)
		fprintf(stderr, "iokitctl: cannot unload %s: %s\n", name, strerror(-err));
	return err;
}

char *read_file(const char *file)
{
	FILE *f = fopen(file, "r");
	size_t len = 0, room = 4096;
	char *text = malloc(room);

	if (!f || !text)
		die("%s: %s", file, strerror(errno));
	for (;;) {
		size_t n = fread(text + len, 1, room - len - 1, f);

		len += n;
		if (len < room - 1)
			break;
		room *= 2;
		text = realloc(text, room);
		if (!text)
			die("out of memory");
	}
	text[len] = '\0';
	fclose(f);
	return text;
}

static int personality_ioctl(struct iokit_personality *p)
{
	p->size = sizeof(*p);
	return ioctl(control(), IOKIT_IOC_PERSONALITY, p) ? -1 : 0;
}

/*
 * A personality from a JSON file, as an IOKS stream of *len bytes; its
 * IOKitLinuxModule, if it has one, in a new string at *module.
 */
static void *read_personality(const char *file, size_t *len, char **module)
{
	IOCFTypeRef dict, value;
	char *text, *err = NULL;
	void *data;

	text = read_file(file);
	dict = IOCFCreateFromJSON(text, &err);
	free(text);
	if (!dict)
		die("%s: %s", file, err ? err : "not a personality");
	if (IOCFGetTypeID(dict) != kIOCFDictionaryTypeID)
		die("%s: a personality is a JSON object", file);
	value = IOCFDictionaryGetValue(dict, "IOKitLinuxModule");
	if (module && value && IOCFGetTypeID(value) == kIOCFStringTypeID) {
		*module = strdup(IOCFStringGetCStringPtr(value));
		if (!*module)
			die("out of memory");
	}
	data = IOCFSerialize(dict, len);
	IOCFRelease(dict);
	if (!data)
		die("%s: cannot serialize: %s", file, strerror(errno));
	return data;
}

/*
 * Add a personality.  One whose IOClass is not loaded stays pending until
 * it wins a match; this command serves as the loader for the matches it
 * sets off itself, so a device that is there gets its driver now.
 */
static int personality_add(const char *file)
{
	struct iokit_personality p = { .op = IOKIT_PERSONALITY_ADD };
	char *module = NULL;
	int port, failed;
	size_t len;
	void *data;

	data = read_personality(file, &len, &module);
	if (module && !module_exists(module))
		die("%s: IOKitLinuxModule \"%s\": no such module (in $IOKIT_MODULES %s)",
		    file, module, "or the module index");
	port = module ? loader_attach(IOKIT_PORT_NONBLOCK) : -1;
	p.data = (uintptr_t)data;
	p.data_size = len;
	if (personality_ioctl(&p)) {
		switch ((kern_return_t)p.ioreturn) {
		case kIOReturnBadArgument:
			die("%s: %s \"%s\"", file, IOCFSerialErrorString(p.bad_reason),
			    p.name);
		case kIOReturnNotFound:
			die("%s: IOClass %s is not loaded and IOKitLinuxModule does not say %s",
			    file, p.name, "where it is");
		default:
			die("%s: %s", file, mach_error_string(p.ioreturn));
		}
	}
	free(data);
	if (!(p.flags & IOKIT_PERSONALITY_PENDING)) {
		printf("added %s\n", p.name);
		if (port >= 0)
			close(port);
		free(module);
		return 0;
	}
	printf("added %s, pending: its module %s loads when it matches\n", p.name, module);
	failed = loader_serve_until_quiet(port);
	close(port);
	free(module);
	return failed ? 1 : 0;
}

static int personality_remove(const char *name)
{
	struct iokit_personality p = { .op = IOKIT_PERSONALITY_REMOVE };

	snprintf(p.name, sizeof(p.name), "%s", name);
	if (personality_ioctl(&p))
		die("%s: %s", name, mach_error_string(p.ioreturn));
	return 0;
}

static int personality_list(void)
{
	struct iokit_personality p = { .op = IOKIT_PERSONALITY_LIST };
	void *buf = NULL;
	IOCFTypeRef list;
	char *json;

	for (;;) {
		p.data = (uintptr_t)buf;
		if (!personality_ioctl(&p))
			break;
		if ((kern_return_t)p.ioreturn != kIOReturnNoSpace)
			die("list: %s", mach_error_string(p.ioreturn));
		free(buf);
		buf = malloc(p.data_size);
		if (!buf)
			die("out of memory");
	}
	list = IOCFUnserialize(buf, p.data_size, NULL);
	free(buf);
	if (!list)
		die("list: the kernel's answer does not parse");
	json = IOCFCopyJSON(list, kIOCFJSONPretty);
	IOCFRelease(list);
	if (!json)
		die("list: %s", strerror(errno));
	puts(json);
	free(json);
	return 0;
}

/* Evaluate a personality against every service it could match, installing nothing. */
static int match_test(const char *file)
{
	struct iokit_match_test mt = {
		.size = sizeof(mt), .record_size = sizeof(struct iokit_match_record),
	};
	struct iokit_match_record *recs = NULL;
	size_t len;
	uint32_t i;

	mt.data = (uintptr_t)read_personality(file, &len, NULL);
	mt.data_size = len;
	while (ioctl(control(), IOKIT_IOC_MATCH_TEST, &mt) &&
	       (kern_return_t)mt.ioreturn == kIOReturnNoSpace) {
		free(recs);
		recs = calloc(mt.count, sizeof(*recs));
		if (!recs)
			die("out of memory");
		mt.records = (uintptr_t)recs;
	}
	free((void *)(uintptr_t)mt.data);
	if ((kern_return_t)mt.ioreturn == kIOReturnBadArgument && mt.bad_key[0])
		die("%s: %s \"%s\"", file, IOCFSerialErrorString(mt.bad_reason), mt.bad_key);
	if (mt.ioreturn)
		die("%s: %s", file, mach_error_string(mt.ioreturn));
	if (!mt.count)
		printf("no registered service of its IOProviderClass\n");
	for (i = 0; i < mt.count; i++) {
		uint64_t id = recs[i].entry_id;
		io_service_t s = IOServiceGetMatchingService(kIOMainPortDefault,
							     IORegistryEntryIDMatching(id));
		io_name_t name = "(gone)";

		if (s) {
			IORegistryEntryGetName(s, name);
			IOObjectRelease(s);
		}
		printf("%s <id 0x%llx>\n", name, (unsigned long long)recs[i].entry_id);
		iokit_match_record_print(stdout, &recs[i]);
	}
	free(recs);
	return 0;
}

/* Take a device from its native Linux driver for the IOKit drivers that match it. */
static int claim_device(const char *entry)
{
	struct iokit_claim cl = { .size = sizeof(cl) };
	char *end;

	errno = 0;
	cl.entry_id = strtoull(entry, &end, 0);
	if (errno || end == entry || *end)
		die("not a registry entry ID: %s", entry);
	if (ioctl(control(), IOKIT_IOC_CLAIM, &cl)) {
		if ((kern_return_t)cl.ioreturn == kIOReturnNoDevice)
			die("%s: no IOKit driver matched and started (see ioreg --why %s)",
			    entry, entry);
		die("%s: %s", entry, mach_error_string(cl.ioreturn));
	}
	return 0;
}

static int wait_quiet(const char *seconds)
{
	struct iokit_wait_quiet wq = { .size = sizeof(wq) };

	if (seconds)
		wq.timeout_ns = strtoull(seconds, NULL, 10) * 1000000000ull;
	if (ioctl(control(), IOKIT_IOC_WAIT_QUIET, &wq))
		die("wait-quiet: %s", mach_error_string(wq.ioreturn));
	return 0;
}

static void usage(void)
{
	fputs("Usage: iokitctl version\n"
	      "       iokitctl load MODULE|FILE.ko [PARAMS]\n"
	      "       iokitctl unload MODULE\n"
	      "       iokitctl personality add FILE.json | remove NAME | list\n"
	      "       iokitctl match-test FILE.json\n"
	      "       iokitctl claim ENTRY-ID\n"
	      "       iokitctl wait-quiet [SECONDS]\n"
	      "       iokitctl loader\n"
	      "       iokitctl policy show | set FILE.json | clear\n"
	      "       iokitctl entitle PROGRAM FILE.json | --remove\n"
	      "       iokitctl entitlements PROGRAM\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "version")) {
		struct iokit_version v = { .size = sizeof(v) };

		if (ioctl(control(), IOKIT_IOC_VERSION, &v))
			die("version: %s", strerror(errno));
		printf("iokit %s, ABI %u.%u, features 0x%llx\n", v.module_version,
		       v.abi_major, v.abi_minor, (unsigned long long)v.features);
		return 0;
	}
	if (!strcmp(argv[1], "load") && (argc == 3 || argc == 4))
		return load_module(argv[2], argc == 4 ? argv[3] : "") ? 1 : 0;
	if (!strcmp(argv[1], "unload") && argc == 3)
		return unload_module(argv[2]) ? 1 : 0;
	if (!strcmp(argv[1], "match-test") && argc == 3)
		return match_test(argv[2]);
	if (!strcmp(argv[1], "claim") && argc == 3)
		return claim_device(argv[2]);
	if (!strcmp(argv[1], "loader") && argc == 2)
		return loader_run();
	if (!strcmp(argv[1], "wait-quiet") && argc <= 3)
		return wait_quiet(argc == 3 ? argv[2] : NULL);
	if (!strcmp(argv[1], "policy") && policy_main(argc, argv) >= 0)
		return 0;
	if (!strcmp(argv[1], "entitle") && argc == 4)
		return entitle(argv[2], argv[3]);
	if (!strcmp(argv[1], "entitlements") && argc == 3)
		return entitlements_show(argv[2]);
	if (!strcmp(argv[1], "personality") && argc >= 3) {
		if (!strcmp(argv[2], "add") && argc == 4)
			return personality_add(argv[3]);
		if (!strcmp(argv[2], "remove") && argc == 4)
			return personality_remove(argv[3]);
		if (!strcmp(argv[2], "list") && argc == 3)
			return personality_list();
	}
	usage();
	return 2;
}
