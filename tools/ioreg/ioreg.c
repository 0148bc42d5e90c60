// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioreg: show the I/O Registry of iokit.ko, in the layout of macOS's
 * ioreg(8), through libiokit.  See ioreg.8.
 *
 * Only IOKitLib calls are used, so this is also a test of libiokit as an
 * application sees it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <IOKit/IOKitLib.h>

#include "ioreg.h"

#define __noreturn		__attribute__((noreturn))
#define __printf(a, b)		__attribute__((format(printf, a, b)))

struct options {
	bool archive;		/* -a */
	bool hex;		/* -x */
	bool list;		/* -l */
	bool root;		/* -r */
	bool tree;		/* -t */
	const char *class_name;	/* -c */
	const char *key;	/* -k */
	const char *name;	/* -n */
	const char *plane;	/* -p */
	unsigned int depth;	/* -d, 0 = unlimited */
	unsigned int width;	/* -w, 0 = unlimited */
};

static struct options opt = { .plane = kIOServicePlane };

static void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ioreg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

/* ---- Output lines --------------------------------------------------------
 * A line is built whole, then clipped to the width as macOS ioreg does:
 * width - 1 bytes and a '$' when it did not fit.
 */
static struct {
	char *buf;
	size_t len, capacity;
} line;

static void out_bytes(const char *s, size_t n)
{
	if (line.len + n + 1 > line.capacity) {
		size_t cap = line.capacity ? line.capacity : 256;

		while (cap < line.len + n + 1)
			cap *= 2;
		line.buf = realloc(line.buf, cap);
		if (!line.buf)
			die("out of memory");
		line.capacity = cap;
	}
	memcpy(line.buf + line.len, s, n);
	line.len += n;
	line.buf[line.len] = '\0';
}

static void __printf(1, 2) out(const char *fmt, ...)
{
	char small[256], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		out_bytes(small, n);
		return;
	}
	big = malloc(n + 1);
	if (!big)
		die("out of memory");
	va_start(ap, fmt);
	vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	out_bytes(big, n);
	free(big);
}

static void end_line(void)
{
	size_t len = line.len, i;

	if (opt.width) {
		/* A clipped line must stay one line. */
		for (i = 0; i < len; i++)
			if (line.buf[i] == '\n' || line.buf[i] == '\r')
				line.buf[i] = ' ';
		if (len >= opt.width) {
			len = opt.width - 1;
			/* Do not cut a UTF-8 sequence in two. */
			while (len && ((unsigned char)line.buf[len] & 0xc0) == 0x80)
				len--;
			fwrite(line.buf, 1, len, stdout);
			fputs("$\n", stdout);
			line.len = 0;
			return;
		}
	}
	fwrite(line.buf ? line.buf : "", 1, len, stdout);
	fputc('\n', stdout);
	line.len = 0;
}

/* ---- The tree's left margin ----------------------------------------------
 * For an entry at depth d: more[i] (i <= d) says whether the entry's
 * ancestor at depth i (or the entry, i = d) has siblings still to come;
 * more[d + 1] whether the entry's children are shown below it.  An
 * entry's own lines start with "+-o "; its property lines continue the
 * bars of all of those.
 */
static bool *more;
static size_t more_capacity;

static void more_reserve(unsigned int depth)
{
	if (depth + 2 > more_capacity) {
		size_t cap = more_capacity ? more_capacity * 2 : 64;

		while (cap < depth + 2)
			cap *= 2;
		more = realloc(more, cap * sizeof(*more));
		if (!more)
			die("out of memory");
		memset(more + more_capacity, 0, (cap - more_capacity) * sizeof(*more));
		more_capacity = cap;
	}
}

static void indent(bool node, unsigned int depth)
{
	unsigned int i;

	if (node) {
		for (i = 0; i < depth; i++)
			out("%s", more[i] ? "| " : "  ");
		out("+-o ");
	} else {
		for (i = 0; i <= depth + 1; i++)
			out("%s", more[i] ? "| " : "  ");
	}
}

/* ---- Property values, as macOS ioreg prints CF objects -------------------- */

static void show_value(CFTypeRef value);

/*
 * Data that is one or more NUL-separated printable strings is shown as
 * <"a","b">, like macOS ioreg does for device-tree names and compatibles;
 * anything else (and everything with -x) as hex.
 */
static void show_data(const uint8_t *bytes, size_t len)
{
	size_t i = 0, normal = 0, symbol = 0;
	bool strings = !opt.hex && len > 1, quoted = false;

	while (strings && i < len) {
		if (!bytes[i]) {
			strings = false;	/* an empty string */
			break;
		}
		for (; i < len; i++) {
			if (isprint(bytes[i]))
				normal++;
			else if (bytes[i] >= 128 && bytes[i] <= 254)
				symbol++;
			else
				break;
		}
		if (i < len && !bytes[i])
			i++;		/* the string's NUL */
		else if (i < len)
			strings = false;
	}
	/* Mostly 7-bit text, or it is not text at all. */
	if (!normal || normal / 4 < symbol)
		strings = false;

	out("<");
	if (strings) {
		for (i = 0; i < len; i++) {
			if (bytes[i]) {
				if (!quoted)
					out(i ? ",\"" : "\"");
				quoted = true;
				out_bytes((const char *)&bytes[i], 1);
			} else if (quoted) {
				out("\"");
				quoted = false;
			}
		}
		if (quoted)
			out("\"");
	} else {
		for (i = 0; i < len; i++)
			out("%02x", bytes[i]);
	}
	out(">");
}

static void show_value(CFTypeRef value)
{
	const char *key;
	CFTypeRef v;
	size_t i;

	switch (IOCFGetTypeID(value)) {
	case kIOCFDictionaryTypeID:
		out("{");
		for (i = 0; IOCFDictionaryGetKeyValueAtIndex(value, i, &key, &v); i++) {
			out("%s\"%s\"=", i ? "," : "", key);
			show_value(v);
		}
		out("}");
		break;
	case kIOCFArrayTypeID:
		out("(");
		for (i = 0; i < IOCFArrayGetCount(value); i++) {
			if (i)
				out(",");
			show_value(IOCFArrayGetValueAtIndex(value, i));
		}
		out(")");
		break;
	case kIOCFNumberTypeID:
		out(opt.hex ? "0x%llx" : "%llu",
		    (unsigned long long)IOCFNumberGetUnsignedValue(value));
		break;
	case kIOCFStringTypeID:
		out("\"");
		out_bytes(IOCFStringGetCStringPtr(value), IOCFStringGetLength(value));
		out("\"");
		break;
	case kIOCFDataTypeID:
		show_data(IOCFDataGetBytePtr(value), IOCFDataGetLength(value));
		break;
	case kIOCFBooleanTypeID:
		out(IOCFBooleanGetValue(value) ? "Yes" : "No");
		break;
	default:
		out("<unknown object>");
		break;
	}
}

/* ---- Selection ----------------------------------------------------------- */

/* Does the entry meet every -c, -k and -n given (and at least one)? */
static bool compare(io_registry_entry_t entry)
{
	bool match = false;

	if (opt.class_name) {
		if (!IOObjectConformsTo(entry, opt.class_name))
			return false;
		match = true;
	}
	if (opt.key) {
		CFStringRef key = IOCFStringCreate(opt.key);
		CFTypeRef value;

		if (!key)
			die("out of memory");
		value = IORegistryEntryCreateCFProperty(entry, key, kCFAllocatorDefault, 0);
		CFRelease(key);
		if (!value)
			return false;
		CFRelease(value);
		match = true;
	}
	if (opt.name) {
		io_name_t name, location;
		char full[2 * sizeof(io_name_t) + 1];

		if (IORegistryEntryGetNameInPlane(entry, opt.plane, name) != kIOReturnSuccess)
			return false;
		/* "name@location" is compared whole when the pattern has an @. */
		if (strchr(opt.name, '@')) {
			if (IORegistryEntryGetLocationInPlane(entry, opt.plane, location) !=
			    kIOReturnSuccess)
				location[0] = '\0';
			snprintf(full, sizeof(full), "%s@%s", name, location);
		} else {
			snprintf(full, sizeof(full), "%s", name);
		}
		if (strcmp(opt.name, full))
			return false;
		match = true;
	}
	return match;
}

/* ---- Text output --------------------------------------------------------- */

static bool show_children(unsigned int depth)
{
	return !opt.depth || opt.depth > depth + 1;
}

static void show(io_registry_entry_t entry, unsigned int depth)
{
	CFMutableDictionaryRef props = NULL;
	io_name_t name, location, class_name;
	uint32_t busy = 0;
	uint64_t id;
	const char *key;
	CFTypeRef value;
	size_t i;

	if (IORegistryEntryGetNameInPlane(entry, opt.plane, name) != kIOReturnSuccess)
		snprintf(name, sizeof(name), "<name error>");
	indent(true, depth);
	out("%s", name);
	if (IORegistryEntryGetLocationInPlane(entry, opt.plane, location) == kIOReturnSuccess)
		out("@%s", location);
	if (IOObjectGetClass(entry, class_name) != kIOReturnSuccess)
		snprintf(class_name, sizeof(class_name), "<class error>");
	out("  <class %s", class_name);
	if (IORegistryEntryGetRegistryEntryID(entry, &id) == kIOReturnSuccess)
		out(", id 0x%llx", (unsigned long long)id);
	if (IOObjectConformsTo(entry, "IOService") &&
	    IOServiceGetBusyState(entry, &busy) == kIOReturnSuccess)
		out(", busy %u", busy);
	out(">");
	end_line();

	if (!opt.list && !compare(entry))
		return;
	indent(false, depth);
	out("{");
	end_line();
	if (IORegistryEntryCreateCFProperties(entry, &props, kCFAllocatorDefault, 0) ==
	    kIOReturnSuccess) {
		for (i = 0; IOCFDictionaryGetKeyValueAtIndex(props, i, &key, &value); i++) {
			indent(false, depth);
			out("  \"%s\" = ", key);
			show_value(value);
			end_line();
		}
		CFRelease(props);
	}
	indent(false, depth);
	out("}");
	end_line();
	indent(false, depth);
	end_line();
}

/*
 * The next child of an iterator that is still in the registry, with its
 * own child iterator; entries that left since the parent was listed
 * are passed over, so the tree's bars only lead to what is shown.
 */
struct node {
	io_registry_entry_t entry;
	io_iterator_t children;
};

static struct node next_node(io_iterator_t iter)
{
	struct node n = { IO_OBJECT_NULL, IO_OBJECT_NULL };

	while ((n.entry = IOIteratorNext(iter))) {
		if (IORegistryEntryGetChildIterator(n.entry, opt.plane, &n.children) ==
		    kIOReturnSuccess)
			break;
		IOObjectRelease(n.entry);
	}
	return n;
}

static void release_node(struct node n)
{
	IOObjectRelease(n.children);
	IOObjectRelease(n.entry);
}

static void scan(struct node n, bool more_siblings, unsigned int depth)
{
	struct node next = next_node(n.children), child;

	more_reserve(depth);
	more[depth] = more_siblings;
	more[depth + 1] = show_children(depth) && next.entry;
	show(n.entry, depth);

	if (!show_children(depth)) {
		release_node(next);
		return;
	}
	while (next.entry) {
		child = next;
		next = next_node(n.children);
		scan(child, next.entry != IO_OBJECT_NULL, depth + 1);
		release_node(child);
	}
}

/* -r: the subtrees rooted at each match; -t adds the path to each. */
struct path {
	io_registry_entry_t *entries;
	size_t capacity;
};

static void search(struct node n, unsigned int matched_depth, unsigned int depth,
		   struct path *path)
{
	struct node child;
	unsigned int i;

	if (matched_depth < depth + 1 && compare(n.entry)) {
		matched_depth = opt.depth ? depth + opt.depth : UINT_MAX;
		if (opt.tree) {
			for (i = 0; i < depth; i++) {
				more_reserve(i);
				memset(more, 0, (i + 2) * sizeof(*more));
				more[i + 1] = true;
				show(path->entries[i], i);
			}
			if (opt.depth)
				opt.depth += depth;
			scan(n, false, depth);
			if (opt.depth)
				opt.depth -= depth;
		} else {
			scan(n, false, 0);
		}
		end_line();
		/* scan() walked the children: go over them again. */
		IOIteratorReset(n.children);
	}

	if (depth >= path->capacity) {
		path->capacity = path->capacity ? path->capacity * 2 : 64;
		path->entries = realloc(path->entries, path->capacity * sizeof(*path->entries));
		if (!path->entries)
			die("out of memory");
	}
	path->entries[depth] = n.entry;
	while ((child = next_node(n.children)).entry) {
		search(child, matched_depth, depth + 1, path);
		release_node(child);
	}
}

/* ---- Archive (-a): JSON ------------------------------------------------- */

static void set_value(CFMutableDictionaryRef dict, const char *key, CFTypeRef value)
{
	if (!value || IOCFDictionarySetValue(dict, key, value))
		die("out of memory");
	CFRelease(value);
}

/* One entry's dictionary, as macOS ioreg -a writes it, without children. */
static CFMutableDictionaryRef archive(io_registry_entry_t entry)
{
	CFMutableDictionaryRef dict = NULL;
	io_name_t name, location, class_name;
	uint32_t busy;
	uint64_t id;

	if (opt.list || compare(entry))
		IORegistryEntryCreateCFProperties(entry, &dict, kCFAllocatorDefault, 0);
	if (!dict)
		dict = IOCFDictionaryCreate();
	if (!dict)
		die("out of memory");
	if (IORegistryEntryGetNameInPlane(entry, opt.plane, name) != kIOReturnSuccess)
		snprintf(name, sizeof(name), "<name error>");
	set_value(dict, "IORegistryEntryName", IOCFStringCreate(name));
	if (IORegistryEntryGetLocationInPlane(entry, opt.plane, location) == kIOReturnSuccess)
		set_value(dict, "IORegistryEntryLocation", IOCFStringCreate(location));
	if (IORegistryEntryGetRegistryEntryID(entry, &id) == kIOReturnSuccess)
		set_value(dict, "IORegistryEntryID", IOCFNumberCreate((int64_t)id, 64));
	if (IOObjectGetClass(entry, class_name) != kIOReturnSuccess)
		snprintf(class_name, sizeof(class_name), "<class error>");
	set_value(dict, "IOObjectClass", IOCFStringCreate(class_name));
	if (IOObjectConformsTo(entry, "IOService") &&
	    IOServiceGetBusyState(entry, &busy) == kIOReturnSuccess)
		set_value(dict, "IOServiceBusyState", IOCFNumberCreate(busy, 32));
	return dict;
}

static CFMutableDictionaryRef archive_scan(struct node n, unsigned int depth)
{
	CFMutableDictionaryRef dict = archive(n.entry);
	CFMutableArrayRef array;
	struct node child;

	if (!show_children(depth))
		return dict;
	child = next_node(n.children);
	if (!child.entry)
		return dict;
	array = IOCFArrayCreate();
	if (!array)
		die("out of memory");
	do {
		CFMutableDictionaryRef sub = archive_scan(child, depth + 1);

		if (IOCFArrayAppendValue(array, sub))
			die("out of memory");
		CFRelease(sub);
		release_node(child);
	} while ((child = next_node(n.children)).entry);
	set_value(dict, "IORegistryEntryChildren", array);
	return dict;
}

static void archive_search(struct node n, unsigned int matched_depth, unsigned int depth,
			   struct path *path, CFMutableArrayRef found)
{
	struct node child;
	unsigned int i;

	if (matched_depth < depth + 1 && compare(n.entry)) {
		CFMutableDictionaryRef dict;

		matched_depth = opt.depth ? depth + opt.depth : UINT_MAX;
		if (opt.tree) {
			if (opt.depth)
				opt.depth += depth;
			dict = archive_scan(n, depth);
			if (opt.depth)
				opt.depth -= depth;
			for (i = depth; i > 0; i--) {
				CFMutableDictionaryRef parent = archive(path->entries[i - 1]);
				CFMutableArrayRef only = IOCFArrayCreate();

				if (!only || IOCFArrayAppendValue(only, dict))
					die("out of memory");
				CFRelease(dict);
				set_value(parent, "IORegistryEntryChildren", only);
				dict = parent;
			}
		} else {
			dict = archive_scan(n, 0);
		}
		if (IOCFArrayAppendValue(found, dict))
			die("out of memory");
		CFRelease(dict);
		IOIteratorReset(n.children);
	}

	if (depth >= path->capacity) {
		path->capacity = path->capacity ? path->capacity * 2 : 64;
		path->entries = realloc(path->entries, path->capacity * sizeof(*path->entries));
		if (!path->entries)
			die("out of memory");
	}
	path->entries[depth] = n.entry;
	while ((child = next_node(n.children)).entry) {
		archive_search(child, matched_depth, depth + 1, path, found);
		release_node(child);
	}
}

static void print_json(CFTypeRef object)
{
	char *text = IOCFCopyJSON(object, kIOCFJSONPretty);

	if (!text)
		die("cannot write the registry as JSON: %s", strerror(errno));
	puts(text);
	free(text);
}

/* ---- main ---------------------------------------------------------------- */

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: ioreg [-alrtx] [-c class] [-d depth] [-k key] [-n name] [-p plane] [-w width]\n"
		"       ioreg --why entry [--personality name]\n"
		"where options are:\n"
		"\t-a archive output (JSON)\n"
		"\t-c list properties of objects with the given class\n"
		"\t-d limit tree to the given depth\n"
		"\t-h show this help\n"
		"\t-k list properties of objects with the given key\n"
		"\t-l list properties of all objects\n"
		"\t-n list properties of objects with the given name\n"
		"\t-p traverse registry over the given plane (IOService is default)\n"
		"\t-r show subtrees rooted by the given criteria\n"
		"\t-t show location of each subtree\n"
		"\t-w clip output to the given line width (0 is unlimited)\n"
		"\t-x show data and numbers as hexadecimal\n"
		"\t--why explain which drivers matched the entry (ID, path or name),\n"
		"\t      how far each got, and which Linux driver holds its device\n"
		"\t--personality with --why, only the given personality or IOClass\n");
}

static unsigned int parse_number(const char *arg, char option)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > UINT_MAX || arg[0] == '-')
		die("-%c: not a number: %s", option, arg);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "why", required_argument, NULL, 'W' },
		{ "personality", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why = NULL, *personality = NULL;
	io_registry_entry_t root;
	struct path path = { NULL, 0 };
	struct winsize ws;
	struct node top;
	IOReturn ret;
	int c;

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
		opt.width = ws.ws_col;

	while ((c = getopt_long(argc, argv, "ac:d:hk:ln:p:rtw:x", long_options, NULL)) != -1) {
		switch (c) {
		case 'W':
			why = optarg;
			break;
		case 'P':
			personality = optarg;
			break;
		case 'a':
			opt.archive = true;
			break;
		case 'c':
			opt.class_name = optarg;
			break;
		case 'd':
			opt.depth = parse_number(optarg, c);
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_SUCCESS;
		case 'k':
			opt.key = optarg;
			break;
		case 'l':
			opt.list = true;
			break;
		case 'n':
			opt.name = optarg;
			break;
		case 'p':
			opt.plane = optarg;
			break;
		case 'r':
			opt.root = true;
			break;
		case 't':
			opt.tree = true;
			break;
		case 'w':
			opt.width = parse_number(optarg, c);
			break;
		case 'x':
			opt.hex = true;
			break;
		default:
			print_usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind < argc || (personality && !why)) {
		print_usage(stderr);
		return EXIT_FAILURE;
	}
	if (strlen(opt.plane) >= sizeof(io_name_t))
		die("plane name too long: %s", opt.plane);

	ret = IOMainPort(MACH_PORT_NULL, NULL);
	if (ret == kIOReturnNoDevice)
		die("cannot open /dev/iokit: no such device (iokit.ko not loaded?)");
	if (ret != kIOReturnSuccess)
		die("cannot open /dev/iokit: %s", mach_error_string(ret));

	if (why)
		return ioreg_why(why, personality) ? EXIT_FAILURE : EXIT_SUCCESS;

	root = IORegistryGetRootEntry(kIOMainPortDefault);
	if (!root)
		die("can't obtain I/O Kit's root service");
	ret = IORegistryEntryGetChildIterator(root, opt.plane, &top.children);
	if (ret == kIOReturnBadArgument)
		die("unknown plane: %s", opt.plane);
	if (ret != kIOReturnSuccess)
		die("can't list the root's children: %s", mach_error_string(ret));
	top.entry = root;

	if (opt.archive) {
		CFTypeRef object;

		if (opt.root) {
			CFMutableArrayRef found = IOCFArrayCreate();

			if (!found)
				die("out of memory");
			archive_search(top, 0, 0, &path, found);
			object = found;
		} else {
			object = archive_scan(top, 0);
		}
		print_json(object);
		CFRelease(object);
	} else if (opt.root) {
		search(top, 0, 0, &path);
	} else {
		scan(top, false, 0);
	}

	release_node(top);
	free(path.entries);
	free(more);
	free(line.buf);
	if (fflush(stdout) || ferror(stdout))
		die("write error: %s", strerror(errno));
	return EXIT_SUCCESS;
}
