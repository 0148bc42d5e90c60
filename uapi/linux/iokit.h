/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iokit: Apple's IOService model on Linux - the user-space ABI of /dev/iokit.
 *
 * Conventions shared by every command (see Documentation/uapi.rst):
 *
 *  - Every argument struct starts with "__u32 size" (the size the caller
 *    compiled against) and "__u32 ioreturn".  The kernel accepts any size
 *    from the command's first version (IOKIT_*_SIZE_VER0) up to one page:
 *    a shorter struct is zero-extended, a longer one must have a zeroed tail
 *    (else E2BIG).  The kernel writes back min(caller size, kernel size)
 *    bytes and stores its own struct size in @size, so a caller can tell
 *    which fields the kernel filled in.
 *  - @ioreturn carries an IOReturn (IOKIT_RETURN_*, Apple's kIOReturn*
 *    values).  When a command fails after its argument was read, the kernel
 *    still copies the struct back so the IOReturn reaches the caller, and the
 *    ioctl returns -1 with errno set from the IOReturn as Apple's
 *    errnoFromReturn() does.  Failures before the struct is read (bad size,
 *    unknown command, bad pointer) report only errno.
 *  - Unknown commands fail with ENOTTY.  All reserved fields and flags must
 *    be zero.  Pointers travel as __u64.
 *  - Commands that change what others see (SET_PROPERTIES, PERSONALITY
 *    ADD and REMOVE, CLAIM, LOADER, TEST_ENTRIES) need /dev/iokit opened
 *    for writing, else they fail with EBADF and IOKIT_RETURN_NOT_PERMITTED;
 *    those that need privilege check CAP_SYS_ADMIN (LOADER: or
 *    CAP_SYS_MODULE) in the credentials the node was opened with, not the
 *    caller's at the time of the ioctl (IOKIT_RETURN_NOT_PRIVILEGED, EACCES).
 */
#ifndef _UAPI_LINUX_IOKIT_H
#define _UAPI_LINUX_IOKIT_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Path of the control node, a misc device. */
#define IOKIT_DEVICE_PATH	"/dev/iokit"

/*
 * ABI version.  The major number changes only if an existing command
 * changes incompatibly (never planned); the minor number grows with every
 * added command or field.  Feature bits below say what a module offers.
 */
#define IOKIT_ABI_MAJOR		2
#define IOKIT_ABI_MINOR		3

/* Largest argument struct the kernel will look at; bigger gets E2BIG. */
#define IOKIT_ARG_SIZE_MAX	4096

/*
 * IOReturn values (Apple's IOKit/IOReturn.h numbering: sys_iokit |
 * sub_iokit_common | code).  They are 32-bit values with the top bit set,
 * so they are carried in struct fields, never as an ioctl return value.
 */
#define IOKIT_RETURN_SUCCESS		0x00000000u
#define IOKIT_RETURN_INVALID		0xe0000001u
#define IOKIT_RETURN_ERROR		0xe00002bcu
#define IOKIT_RETURN_NO_MEMORY		0xe00002bdu
#define IOKIT_RETURN_NO_RESOURCES	0xe00002beu
#define IOKIT_RETURN_IPC_ERROR		0xe00002bfu
#define IOKIT_RETURN_NO_DEVICE		0xe00002c0u
#define IOKIT_RETURN_NOT_PRIVILEGED	0xe00002c1u
#define IOKIT_RETURN_BAD_ARGUMENT	0xe00002c2u
#define IOKIT_RETURN_LOCKED_READ	0xe00002c3u
#define IOKIT_RETURN_LOCKED_WRITE	0xe00002c4u
#define IOKIT_RETURN_EXCLUSIVE_ACCESS	0xe00002c5u
#define IOKIT_RETURN_BAD_MESSAGE_ID	0xe00002c6u
#define IOKIT_RETURN_UNSUPPORTED	0xe00002c7u
#define IOKIT_RETURN_VM_ERROR		0xe00002c8u
#define IOKIT_RETURN_INTERNAL_ERROR	0xe00002c9u
#define IOKIT_RETURN_IO_ERROR		0xe00002cau
#define IOKIT_RETURN_CANNOT_LOCK	0xe00002ccu
#define IOKIT_RETURN_NOT_OPEN		0xe00002cdu
#define IOKIT_RETURN_NOT_READABLE	0xe00002ceu
#define IOKIT_RETURN_NOT_WRITABLE	0xe00002cfu
#define IOKIT_RETURN_NOT_ALIGNED	0xe00002d0u
#define IOKIT_RETURN_BAD_MEDIA		0xe00002d1u
#define IOKIT_RETURN_STILL_OPEN		0xe00002d2u
#define IOKIT_RETURN_RLD_ERROR		0xe00002d3u
#define IOKIT_RETURN_DMA_ERROR		0xe00002d4u
#define IOKIT_RETURN_BUSY		0xe00002d5u
#define IOKIT_RETURN_TIMEOUT		0xe00002d6u
#define IOKIT_RETURN_OFFLINE		0xe00002d7u
#define IOKIT_RETURN_NOT_READY		0xe00002d8u
#define IOKIT_RETURN_NOT_ATTACHED	0xe00002d9u
#define IOKIT_RETURN_NO_CHANNELS	0xe00002dau
#define IOKIT_RETURN_NO_SPACE		0xe00002dbu
#define IOKIT_RETURN_PORT_EXISTS	0xe00002ddu
#define IOKIT_RETURN_CANNOT_WIRE	0xe00002deu
#define IOKIT_RETURN_NO_INTERRUPT	0xe00002dfu
#define IOKIT_RETURN_NO_FRAMES		0xe00002e0u
#define IOKIT_RETURN_MESSAGE_TOO_LARGE	0xe00002e1u
#define IOKIT_RETURN_NOT_PERMITTED	0xe00002e2u
#define IOKIT_RETURN_NO_POWER		0xe00002e3u
#define IOKIT_RETURN_NO_MEDIA		0xe00002e4u
#define IOKIT_RETURN_UNFORMATTED_MEDIA	0xe00002e5u
#define IOKIT_RETURN_UNSUPPORTED_MODE	0xe00002e6u
#define IOKIT_RETURN_UNDERRUN		0xe00002e7u
#define IOKIT_RETURN_OVERRUN		0xe00002e8u
#define IOKIT_RETURN_DEVICE_ERROR	0xe00002e9u
#define IOKIT_RETURN_NO_COMPLETION	0xe00002eau
#define IOKIT_RETURN_ABORTED		0xe00002ebu
#define IOKIT_RETURN_NO_BANDWIDTH	0xe00002ecu
#define IOKIT_RETURN_NOT_RESPONDING	0xe00002edu
#define IOKIT_RETURN_ISO_TOO_OLD	0xe00002eeu
#define IOKIT_RETURN_ISO_TOO_NEW	0xe00002efu
#define IOKIT_RETURN_NOT_FOUND		0xe00002f0u

/*
 * ioctl type byte: 0xd1 is free in Documentation/userspace-api/ioctl/
 * ioctl-number.rst (ABI 1 used 0xb8, which Marvell CN10K DPI and the
 * Hyper-V mshv driver hold).
 */
#define IOKIT_IOC_TYPE		0xd1

/**
 * struct iokit_version - IOKIT_IOC_VERSION: identify the module and its ABI
 * @size: in: sizeof(struct iokit_version) as the caller knows it;
 *	out: the kernel's size of this struct
 * @ioreturn: out: IOReturn of the call
 * @abi_major: out: IOKIT_ABI_MAJOR of the running module
 * @abi_minor: out: IOKIT_ABI_MINOR of the running module
 * @features: out: IOKIT_FEATURE_* bits the running module offers
 * @module_version: out: the module's version string, NUL-terminated
 *
 * Every field but @size is output; the call cannot fail once its argument
 * has been read, so @ioreturn is always IOKIT_RETURN_SUCCESS.  It is the
 * first call every client makes, and the one that tells an old library
 * talking to a new module (or the reverse) what it may use.
 */
struct iokit_version {
	__u32 size;
	__u32 ioreturn;
	__u32 abi_major;
	__u32 abi_minor;
	__u64 features;
	char module_version[32];
};

#define IOKIT_VERSION_SIZE_VER0	56	/* sizeof first published struct */

/* IOKIT_FEATURE_*: bits of struct iokit_version.features. */
#define IOKIT_FEATURE_VERSION	_BITULL(0)	/* IOKIT_IOC_VERSION */
#define IOKIT_FEATURE_REGISTRY	_BITULL(1)	/* registry and matching queries */
#define IOKIT_FEATURE_MATCHING	_BITULL(2)	/* drivers, IOKIT_IOC_WAIT_QUIET */
#define IOKIT_FEATURE_NOTIFY	_BITULL(3)	/* notification ports (ABI 1.1) */
#define IOKIT_FEATURE_LEDGER	_BITULL(4)	/* match ledger, match test, claim (1.1) */
#define IOKIT_FEATURE_LOADER	_BITULL(5)	/* on-demand module loading (1.2) */
#define IOKIT_FEATURE_USER_CLIENT _BITULL(6)	/* IOServiceOpen, ExternalMethod (2.1) */
#define IOKIT_FEATURE_MEMORY	_BITULL(7)	/* out-of-line structures, shared memory (2.2) */
#define IOKIT_FEATURE_POLICY	_BITULL(8)	/* root's access policy, entitlements (2.2) */
#define IOKIT_FEATURE_CLIENT_NOTIFY _BITULL(9)	/* IOConnectSetNotificationPort (2.3) */
#define IOKIT_FEATURE_TEST	_BITULL(63)	/* test-only commands enabled */

/**
 * struct iokit_test_entries - IOKIT_IOC_TEST_ENTRIES: synthetic entries
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_UNSUPPORTED unless the module was loaded
 *	with test_interface=1; IOKIT_RETURN_NOT_PRIVILEGED without
 *	CAP_SYS_ADMIN
 * @op: an IOKIT_TEST_* operation
 * @count: IOKIT_TEST_ENTRIES_ADD: how many entries (class IOTestEntry,
 *	under the platform entry, each with a "test-index" number property,
 *	counting from 0) to create, at most 100000 in all;
 *	IOKIT_TEST_PERSONALITIES_ADD: how many personalities of the driver
 *	class IOTestDriver to add, the next ones of {IOProviderClass:
 *	IOTestEntry, IOPropertyMatch: {test-index: N}}; else 0
 * @first_id: out: IOKIT_TEST_ENTRIES_ADD: the ID of the first entry
 * @result: out: IOKIT_TEST_MATCH_ALL: the number of (entry, personality)
 *	pairs the real matcher found, over all test entries
 *
 * For tests and benchmarks only: the entries accept SetProperties and,
 * with the personalities, let the registry and the catalogue grow to
 * sizes a real machine does not have.  IOKIT_TEST_MATCH_ALL runs passive
 * and family matching for every test entry without starting anything.
 * IOKIT_TEST_ENTRIES_PUBLISH registers every test entry not yet
 * registered (publish notifications, a matching round), with @count 0.
 * IOKIT_TEST_ENTRIES_REMOVE_ALL terminates them.
 */
struct iokit_test_entries {
	__u32 size;
	__u32 ioreturn;
	__u32 op;
	__u32 count;
	__u64 first_id;
	__u64 result;
};

#define IOKIT_TEST_ENTRIES_ADD			0
#define IOKIT_TEST_ENTRIES_REMOVE_ALL		1
#define IOKIT_TEST_PERSONALITIES_ADD		2
#define IOKIT_TEST_PERSONALITIES_REMOVE_ALL	3
#define IOKIT_TEST_MATCH_ALL			4
#define IOKIT_TEST_ENTRIES_PUBLISH		5
#define IOKIT_TEST_ENTRIES_SIZE_VER0	32

/*
 * ---- Serialized property data ("IOKS") -----------------------------------
 *
 * Properties, matching dictionaries and personalities cross the boundary in
 * one binary form (Documentation/serialization.rst).  All words are
 * little-endian and 32-bit aligned:
 *
 *   stream := magic(u32 IOKIT_SERIAL_MAGIC) version(u32 1) root
 *   each object is a tag(u32) and a payload zero-padded to 4 bytes
 *   tag    := type << 24 | length (24 bits; meaning depends on the type)
 *
 *   DICT    length = number of entries; then per entry a STRING key
 *           (1..IOKIT_SERIAL_KEY_MAX bytes, unique in the dictionary)
 *           and a value object
 *   ARRAY   length = number of elements; then the elements
 *   NUMBER  length = bit width 8, 16, 32 or 64; then a u64 value whose
 *           bits above the width are zero
 *   STRING  length = bytes of UTF-8 text without NUL; then the bytes
 *   DATA    length = bytes; then the bytes
 *   BOOLEAN length = 0 (false) or 1 (true); no payload
 *
 * There are no back-references.  The kernel's parser rejects anything
 * else, reporting the offset and an IOKIT_SERIAL_E_* reason.
 */
#define IOKIT_SERIAL_MAGIC	0x534b4f49u	/* "IOKS" in memory order */
#define IOKIT_SERIAL_VERSION	1

#define IOKIT_SERIAL_DICT	0x01
#define IOKIT_SERIAL_ARRAY	0x02
#define IOKIT_SERIAL_NUMBER	0x04
#define IOKIT_SERIAL_STRING	0x09
#define IOKIT_SERIAL_DATA	0x0a
#define IOKIT_SERIAL_BOOLEAN	0x0b

#define IOKIT_SERIAL_TYPE_SHIFT	24
#define IOKIT_SERIAL_LENGTH_MASK 0x00ffffffu

/* Limits the kernel enforces on what it parses. */
#define IOKIT_SERIAL_SIZE_MAX	(1024 * 1024)	/* whole stream, bytes */
#define IOKIT_SERIAL_DEPTH_MAX	16		/* nested containers */
#define IOKIT_SERIAL_OBJECTS_MAX 65536		/* objects in a stream */
#define IOKIT_SERIAL_COUNT_MAX	4096		/* entries of one container */
#define IOKIT_SERIAL_KEY_MAX	127		/* dictionary key, bytes */

/* Why a stream was refused (struct fields named bad_reason). */
enum iokit_serial_error {
	IOKIT_SERIAL_OK = 0,
	IOKIT_SERIAL_E_TRUNCATED,	/* ends inside an object */
	IOKIT_SERIAL_E_MAGIC,		/* no IOKS magic */
	IOKIT_SERIAL_E_VERSION,		/* unknown format version */
	IOKIT_SERIAL_E_TYPE,		/* unknown object type */
	IOKIT_SERIAL_E_DEPTH,		/* nested deeper than allowed */
	IOKIT_SERIAL_E_OBJECTS,		/* more objects than allowed */
	IOKIT_SERIAL_E_COUNT,		/* container with too many entries */
	IOKIT_SERIAL_E_SIZE,		/* stream larger than allowed */
	IOKIT_SERIAL_E_NUMBER,		/* bad width, or value wider than it */
	IOKIT_SERIAL_E_BOOLEAN,		/* boolean length not 0 or 1 */
	IOKIT_SERIAL_E_PADDING,		/* non-zero padding byte */
	IOKIT_SERIAL_E_KEY,		/* key not a string, empty or too long */
	IOKIT_SERIAL_E_DUPLICATE_KEY,	/* key twice in one dictionary */
	IOKIT_SERIAL_E_STRING,		/* string contains a NUL byte */
	IOKIT_SERIAL_E_TRAILING,	/* bytes after the root object */
	IOKIT_SERIAL_E_NOT_DICT,	/* a dictionary was required */
	IOKIT_SERIAL_E_UNKNOWN_KEY,	/* a key the command does not know */
	IOKIT_SERIAL_E_VALUE,		/* a known key with a wrong value */
	IOKIT_SERIAL_E_NO_MEMORY,	/* the kernel ran out of memory */
};

/* ---- I/O Registry ------------------------------------------------------- */

/* io_name_t: names, class names, locations and planes are C strings. */
#define IOKIT_NAME_MAX		128

/* Registry entry IDs: 64-bit, never reused; the root has the first. */
#define IOKIT_REGISTRY_ROOT_ID	0x100000100ull

/* Plane names; an empty plane field means IOKIT_PLANE_SERVICE. */
#define IOKIT_PLANE_SERVICE	"IOService"
#define IOKIT_PLANE_POWER	"IOPower"

/* Search options (Apple's kIORegistryIterate*). */
#define IOKIT_SEARCH_RECURSIVELY	0x1
#define IOKIT_SEARCH_PARENTS		0x2

/**
 * struct iokit_registry_lookup - IOKIT_IOC_REGISTRY_LOOKUP: find an entry
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_FOUND if there is no such entry
 * @how: IOKIT_LOOKUP_ROOT, IOKIT_LOOKUP_ID or IOKIT_LOOKUP_PATH
 * @path_len: IOKIT_LOOKUP_PATH: bytes at @path (no NUL needed), at most
 *	IOKIT_PATH_MAX
 * @entry_id: in: the ID to check (IOKIT_LOOKUP_ID); out: the entry found
 * @path: IOKIT_LOOKUP_PATH: user pointer to a path such as
 *	"IOService:/IOPlatformExpertDevice/pci@0/pci1234,11e8@4,0"; a
 *	component is NAME or NAME@LOCATION, the plane prefix is optional
 */
struct iokit_registry_lookup {
	__u32 size;
	__u32 ioreturn;
	__u32 how;
	__u32 path_len;
	__u64 entry_id;
	__u64 path;
};

#define IOKIT_LOOKUP_ROOT	0
#define IOKIT_LOOKUP_ID		1
#define IOKIT_LOOKUP_PATH	2
#define IOKIT_PATH_MAX		1024
#define IOKIT_REGISTRY_LOOKUP_SIZE_VER0	32

/**
 * struct iokit_entry_info - IOKIT_IOC_ENTRY_INFO: describe an entry
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_FOUND for a stale ID,
 *	IOKIT_RETURN_BAD_ARGUMENT for an unknown plane or non-zero @reserved;
 *	when @path was given: IOKIT_RETURN_NO_SPACE (see @path_size),
 *	IOKIT_RETURN_NOT_ATTACHED (the entry is not in @plane) or
 *	IOKIT_RETURN_MESSAGE_TOO_LARGE (longer than IOKIT_PATH_MAX); the
 *	other fields are filled in all the same
 * @entry_id: the entry
 * @plane: in: the plane whose name, location and path are wanted
 * @conforms_to: in: a class name, or empty
 * @conforms: out: 1 if the entry's class is @conforms_to or inherits it
 * @busy: out: the entry's busy count (IOServiceGetBusyState): non-zero
 *	while it or a client is being matched; 0 for other entries
 * @flags: out: IOKIT_ENTRY_* bits
 * @reserved: must be zero
 * @name: out: the entry's name in @plane
 * @location: out: the entry's location in @plane, or empty
 * @class_name: out: the entry's class (IOObjectGetClass)
 * @superclass_name: out: its superclass, or empty for the root class
 * @path_len: out: when @path is given, the length of the entry's path in
 *	@plane (no NUL); else 0
 * @path_size: in: bytes at @path; if short, IOKIT_RETURN_NO_SPACE and
 *	nothing is written there
 * @path: in: user pointer for the path, or 0 to skip it
 */
struct iokit_entry_info {
	__u32 size;
	__u32 ioreturn;
	__u64 entry_id;
	char plane[IOKIT_NAME_MAX];
	char conforms_to[IOKIT_NAME_MAX];
	__u32 conforms;
	__u32 busy;
	__u32 flags;
	__u32 reserved;
	char name[IOKIT_NAME_MAX];
	char location[IOKIT_NAME_MAX];
	char class_name[IOKIT_NAME_MAX];
	char superclass_name[IOKIT_NAME_MAX];
	__u32 path_len;
	__u32 path_size;
	__u64 path;
};

#define IOKIT_ENTRY_INACTIVE	0x1	/* terminated, still referenced */
#define IOKIT_ENTRY_INFO_SIZE_VER0	816

/**
 * struct iokit_entry_relatives - IOKIT_IOC_ENTRY_RELATIVES: children or
 *	parents of an entry in a plane
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NO_SPACE if @ids could not hold them all
 *	(then @count says how many there are: retry with room for them)
 * @entry_id: the entry
 * @plane: the plane
 * @which: IOKIT_RELATIVES_CHILDREN or IOKIT_RELATIVES_PARENTS
 * @count: in: capacity of @ids; out: number of relatives
 * @ids: user pointer to an array of __u64 entry IDs, in registry order
 */
struct iokit_entry_relatives {
	__u32 size;
	__u32 ioreturn;
	__u64 entry_id;
	char plane[IOKIT_NAME_MAX];
	__u32 which;
	__u32 count;
	__u64 ids;
};

#define IOKIT_RELATIVES_CHILDREN	0
#define IOKIT_RELATIVES_PARENTS		1
#define IOKIT_ENTRY_RELATIVES_SIZE_VER0	160

/**
 * struct iokit_property_data - IOKIT_IOC_COPY_PROPERTIES,
 *	IOKIT_IOC_SEARCH_PROPERTY and IOKIT_IOC_SET_PROPERTIES
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_FOUND (stale ID; no such property),
 *	IOKIT_RETURN_NO_SPACE (@data_size too small: it now holds the size
 *	needed), IOKIT_RETURN_BAD_ARGUMENT (malformed data: see @bad_*),
 *	IOKIT_RETURN_NOT_PRIVILEGED (set without CAP_SYS_ADMIN),
 *	IOKIT_RETURN_UNSUPPORTED (the entry refuses to have properties set)
 * @entry_id: the entry
 * @plane: SEARCH: the plane to search in
 * @key: SEARCH: the property name
 * @options: SEARCH: IOKIT_SEARCH_* bits; COPY: 0, or
 *	IOKIT_PROPERTIES_PROVIDERS for CopyProviderProperties(): an ARRAY
 *	stream of one dictionary per entry from this one up to (not
 *	including) the root, each with "IOClass", the class chain; SET: 0
 * @data_size: in: bytes at @data; out: bytes written, or needed
 * @data: user pointer: COPY: receives a DICT stream; SEARCH: receives the
 *	value as a stream; SET: holds a DICT stream of properties to set
 * @found_id: out: SEARCH: the entry the property was found on
 * @bad_offset: out: where in @data a SET stream was refused
 * @bad_reason: out: why, an enum iokit_serial_error
 */
struct iokit_property_data {
	__u32 size;
	__u32 ioreturn;
	__u64 entry_id;
	char plane[IOKIT_NAME_MAX];
	char key[IOKIT_NAME_MAX];
	__u32 options;
	__u32 data_size;
	__u64 data;
	__u64 found_id;
	__u32 bad_offset;
	__u32 bad_reason;
};

#define IOKIT_PROPERTY_DATA_SIZE_VER0	304
#define IOKIT_PROPERTIES_PROVIDERS	0x1

/**
 * struct iokit_matching - IOKIT_IOC_GET_MATCHING: IOServiceGetMatchingServices
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_BAD_ARGUMENT for a malformed dictionary
 *	or an unknown key (see @bad_*), IOKIT_RETURN_NO_SPACE if @ids was
 *	short (@count then holds the number of matches)
 * @data_size: bytes of the matching dictionary at @data
 * @count: in: capacity of @ids; out: number of matching services
 * @data: user pointer to a DICT stream: IOProviderClass, IONameMatch
 *	(string or array of strings), IOPropertyMatch (dictionary, or array
 *	of dictionaries), IOPropertyExistsMatch (string or array),
 *	IOLocationMatch (string), IORegistryEntryID (number), IOParentMatch
 *	(dictionary), IOPathMatch (string of at most IOKIT_PATH_MAX bytes),
 *	IOResourceMatch (string or array)
 * @ids: user pointer to an array of __u64 entry IDs
 * @bad_offset: out: where in @data the dictionary was refused
 * @bad_reason: out: why, an enum iokit_serial_error
 */
struct iokit_matching {
	__u32 size;
	__u32 ioreturn;
	__u32 data_size;
	__u32 count;
	__u64 data;
	__u64 ids;
	__u32 bad_offset;
	__u32 bad_reason;
};

#define IOKIT_MATCHING_SIZE_VER0	40

/**
 * struct iokit_wait_quiet - IOKIT_IOC_WAIT_QUIET: IOKitWaitQuiet()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_TIMEOUT if matching did not settle in time
 * @timeout_ns: how long to wait; 0 waits without limit
 *
 * Returns once every matching round started so far (registrations,
 * drivers loaded or unloaded) has completed and nothing is busy.
 */
struct iokit_wait_quiet {
	__u32 size;
	__u32 ioreturn;
	__u64 timeout_ns;
};

#define IOKIT_WAIT_QUIET_SIZE_VER0	16

/**
 * struct iokit_personality - IOKIT_IOC_PERSONALITY: driver personalities
 *	from user space (IOCatalogueSendData / kextd's role)
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_PRIVILEGED without CAP_SYS_ADMIN;
 *	ADD: IOKIT_RETURN_BAD_ARGUMENT for a malformed stream or personality
 *	(@bad_reason, and @name holds the offending key), IOKIT_RETURN_NOT_FOUND
 *	when IOClass is not loaded and no IOKitLinuxModule says where it is
 *	(@name: the class), IOKIT_RETURN_NOT_READY while IOClass is being
 *	unregistered; REMOVE: IOKIT_RETURN_NOT_FOUND; LIST:
 *	IOKIT_RETURN_NO_SPACE
 * @op: IOKIT_PERSONALITY_ADD, IOKIT_PERSONALITY_REMOVE or
 *	IOKIT_PERSONALITY_LIST
 * @data_size: ADD: bytes at @data; LIST: in: room at @data, out: bytes
 *	written or needed
 * @data: ADD: one personality, an IOKS dictionary; LIST: receives an IOKS
 *	array of every personality in the catalogue
 * @bad_offset: out: ADD: where a malformed stream was refused
 * @bad_reason: out: ADD: an enum iokit_serial_error
 * @name: ADD: out: see @ioreturn, or the added personality's
 *	IOPersonalityName; REMOVE: in: the IOPersonalityName of a personality
 *	added from user space
 * @flags: ADD: out: IOKIT_PERSONALITY_PENDING when IOClass is not loaded
 *	yet (since ABI 1.2)
 * @reserved: must be zero
 *
 * Personalities added here belong to the driver class named by their
 * IOClass, and go when it is unregistered.  A personality whose IOClass
 * is not loaded but whose IOKitLinuxModule names the module that provides
 * it is kept as pending: when it wins a match, a loader (IOKIT_IOC_LOADER)
 * is asked to load the module, and matching resumes when the module
 * registers the class.
 */
struct iokit_personality {
	__u32 size;
	__u32 ioreturn;
	__u32 op;
	__u32 data_size;
	__u64 data;
	__u32 bad_offset;
	__u32 bad_reason;
	char name[IOKIT_NAME_MAX];
	__u32 flags;
	__u32 reserved;
};

#define IOKIT_PERSONALITY_ADD		0
#define IOKIT_PERSONALITY_REMOVE	1
#define IOKIT_PERSONALITY_LIST		2
#define IOKIT_PERSONALITY_SIZE_VER0	160
#define IOKIT_PERSONALITY_PENDING	0x1	/* @flags: waits for its module */

/**
 * struct iokit_port_create - IOKIT_IOC_PORT_CREATE: a notification port
 *	(IONotificationPortCreate)
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_BAD_ARGUMENT for unknown @flags or a
 *	@queue_limit out of range, IOKIT_RETURN_NO_RESOURCES when no file
 *	descriptor is free
 * @flags: IOKIT_PORT_NONBLOCK
 * @queue_limit: how many records may wait to be read, 2 to
 *	IOKIT_PORT_QUEUE_MAX; 0 for IOKIT_PORT_QUEUE_DEFAULT
 * @fd: out: the port, a close-on-exec file descriptor
 * @reserved: must be zero
 *
 * A port is a file descriptor that delivers struct iokit_event records:
 * read() returns as many whole records as fit (EINVAL if not even one
 * does), blocking unless the port is non-blocking; poll() reports
 * EPOLLIN while a record waits.  Matching notifications
 * (IOKIT_IOC_NOTIFICATION) and, in later ABI versions, asynchronous
 * completions of user clients are delivered through ports.  Records
 * that find the queue full are dropped and counted, and the count
 * arrives as one IOKIT_EVENT_OVERFLOW record in their place.  Closing
 * the port removes every notification armed on it.
 */
struct iokit_port_create {
	__u32 size;
	__u32 ioreturn;
	__u32 flags;
	__u32 queue_limit;
	__s32 fd;
	__u32 reserved;
};

#define IOKIT_PORT_NONBLOCK		0x1
#define IOKIT_PORT_QUEUE_DEFAULT	256
#define IOKIT_PORT_QUEUE_MAX		4096
#define IOKIT_PORT_CREATE_SIZE_VER0	24

/*
 * IOKIT_NOTIFY_*: matching notification types (Apple's kIO*Notification),
 * also the type of the records they deliver.
 */
#define IOKIT_NOTIFY_FIRST_PUBLISH	1	/* published, first time only */
#define IOKIT_NOTIFY_PUBLISH		2	/* published (RegisterService) */
#define IOKIT_NOTIFY_MATCHED		3	/* its matching round finished */
#define IOKIT_NOTIFY_FIRST_MATCH	4	/* the first such round only */
#define IOKIT_NOTIFY_TERMINATED		5	/* stopped, out of the registry */

/**
 * struct iokit_notification - IOKIT_IOC_NOTIFICATION: arm or remove a
 *	matching notification (IOServiceAddMatchingNotification)
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_BAD_ARGUMENT for an unknown @op or @type,
 *	a @port_fd that is not a notification port, or a malformed or
 *	unknown-keyed dictionary (@bad_*); IOKIT_RETURN_NO_SPACE when @ids
 *	was short: nothing was armed and @count holds the number needed;
 *	IOKIT_RETURN_NOT_FOUND for REMOVE of an unknown @notification_id;
 *	IOKIT_RETURN_NO_RESOURCES past IOKIT_NOTIFICATIONS_MAX on one port
 * @op: IOKIT_NOTIFICATION_ADD or IOKIT_NOTIFICATION_REMOVE
 * @type: ADD: an IOKIT_NOTIFY_* type
 * @port_fd: the port that receives the records
 * @data_size: ADD: bytes of the matching dictionary at @data
 * @data: ADD: user pointer to a DICT stream with the keys of
 *	IOKIT_IOC_GET_MATCHING
 * @refcon: ADD: the caller's value, returned in every record
 * @ids: ADD: user pointer to an array of __u64 entry IDs that receives the
 *	services that already qualify (published or matched; none for
 *	TERMINATED), as IOServiceAddMatchingNotification's first iteration
 * @count: ADD: in: capacity of @ids; out: number of such services
 * @notification_id: ADD: out: names the notification in its records and
 *	for REMOVE; REMOVE: in
 * @bad_offset: out: where in @data the dictionary was refused
 * @bad_reason: out: why, an enum iokit_serial_error
 * @reserved: must be zero
 *
 * The services in @ids and the records that follow are exact: every
 * qualifying service is reported once, either in @ids or as a record.
 */
struct iokit_notification {
	__u32 size;
	__u32 ioreturn;
	__u32 op;
	__u32 type;
	__s32 port_fd;
	__u32 data_size;
	__u64 data;
	__u64 refcon;
	__u64 ids;
	__u32 count;
	__u32 bad_offset;
	__u64 notification_id;
	__u32 bad_reason;
	__u32 reserved;
};

#define IOKIT_NOTIFICATION_ADD		0
#define IOKIT_NOTIFICATION_REMOVE	1
#define IOKIT_NOTIFICATIONS_MAX		1024
#define IOKIT_NOTIFICATION_SIZE_VER0	72

/* IOKIT_EVENT_*: record types other than the IOKIT_NOTIFY_* ones. */
#define IOKIT_EVENT_OVERFLOW		0x100	/* @count records were dropped */
#define IOKIT_EVENT_LOAD_REQUEST	0x101	/* struct iokit_load_request */
#define IOKIT_EVENT_ASYNC		0x102	/* struct iokit_async_completion */
#define IOKIT_EVENT_CLIENT		0x103	/* struct iokit_client_notification */

/**
 * struct iokit_event - one record read from a notification port
 * @size: bytes in this record, a multiple of 8; the next record follows
 * @type: IOKIT_NOTIFY_* for a matching notification, or IOKIT_EVENT_*
 * @refcon: the @refcon the notification was armed with
 * @source_id: the notification's @notification_id
 * @entry_id: the service the record is about
 * @ioreturn: the result, for records that carry one; else 0
 * @count: IOKIT_EVENT_OVERFLOW: the number of records dropped; else 0
 *
 * Records of later types may be longer, with data after these fields;
 * readers skip what they do not know by @size.
 */
struct iokit_event {
	__u32 size;
	__u32 type;
	__u64 refcon;
	__u64 source_id;
	__u64 entry_id;
	__u32 ioreturn;
	__u32 count;
};

/* IOKIT_MATCH_*: how far one (service, personality) evaluation got. */
#define IOKIT_MATCH_PASSIVE_FAILED	1	/* a generic key failed (@key) */
#define IOKIT_MATCH_FAMILY_FAILED	2	/* a PCI/USB key failed (@key) */
#define IOKIT_MATCH_MATCHED		3	/* a candidate, with @score */
#define IOKIT_MATCH_CATEGORY_TAKEN	4	/* @actual holds its category */
#define IOKIT_MATCH_NATIVE_DRIVER	5	/* Linux driver @actual owns it */
#define IOKIT_MATCH_NOT_LOADED		6	/* IOClass's module not loaded */
#define IOKIT_MATCH_INIT_FAILED		7	/* init returned @error */
#define IOKIT_MATCH_PROBE_FAILED	8	/* probe returned @error */
#define IOKIT_MATCH_START_FAILED	9	/* Start returned @error */
#define IOKIT_MATCH_STARTED		10	/* Start succeeded */

#define IOKIT_MATCH_STR_MAX		64

/**
 * struct iokit_match_record - one evaluation of a personality against a
 *	service, as the match ledger and IOKIT_IOC_MATCH_TEST report it
 * @entry_id: the service (provider) evaluated
 * @time_ns: when, in CLOCK_BOOTTIME nanoseconds
 * @phase: an IOKIT_MATCH_* value: the furthest phase reached
 * @score: the probe score so far (for USB, with the family's tier)
 * @error: for the *_FAILED phases after matching, the negative errno
 * @reserved: zero
 * @personality: the personality's IOPersonalityName, else its IOClass
 * @driver: its IOClass
 * @key: the key that decided a failure ("IOPCIMatch", "idProduct", ...)
 * @expected: what the personality asked for, as text
 * @actual: what the service has, as text; for IOKIT_MATCH_NATIVE_DRIVER
 *	the Linux driver, for IOKIT_MATCH_CATEGORY_TAKEN the class holding it
 *
 * Strings are NUL-terminated and cut to fit.
 */
struct iokit_match_record {
	__u64 entry_id;
	__u64 time_ns;
	__u32 phase;
	__s32 score;
	__s32 error;
	__u32 reserved;
	char personality[IOKIT_MATCH_STR_MAX];
	char driver[IOKIT_MATCH_STR_MAX];
	char key[IOKIT_MATCH_STR_MAX];
	char expected[IOKIT_MATCH_STR_MAX];
	char actual[IOKIT_MATCH_STR_MAX];
};

/**
 * struct iokit_match_ledger - IOKIT_IOC_MATCH_LEDGER: why matching did
 *	(or did not) happen
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NO_SPACE if @records was short (@count then
 *	holds the number available)
 * @count: in: capacity of @records; out: number of records
 * @record_size: sizeof(struct iokit_match_record) as the caller knows it:
 *	at least IOKIT_MATCH_RECORD_SIZE_VER0, a multiple of 8, at most
 *	IOKIT_MATCH_RECORD_SIZE_MAX; each record is written at that stride,
 *	cut to it (when the record has grown) or padded with zeros
 * @entry_id: the service to explain; 0 for all
 * @records: user pointer to an array of struct iokit_match_record,
 *	oldest first
 * @personality: only records of this personality (name or IOClass); ""
 *	for all
 *
 * The ledger keeps the latest outcome of each (service, personality)
 * pair that got past the catalogue's index, for the most recent
 * IOKIT_MATCH_LEDGER_MAX pairs; records outlive their service, so an
 * unplugged device can still be explained.
 */
struct iokit_match_ledger {
	__u32 size;
	__u32 ioreturn;
	__u32 count;
	__u32 record_size;
	__u64 entry_id;
	__u64 records;
	char personality[IOKIT_MATCH_STR_MAX];
};

#define IOKIT_MATCH_LEDGER_MAX		4096
#define IOKIT_MATCH_RECORD_SIZE_VER0	352
#define IOKIT_MATCH_RECORD_SIZE_MAX	4096
#define IOKIT_MATCH_LEDGER_SIZE_VER0	96

/**
 * struct iokit_match_test - IOKIT_IOC_MATCH_TEST: evaluate a personality
 *	against the live registry without installing it
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_BAD_ARGUMENT for a malformed stream or
 *	personality (@bad_reason, @bad_key), IOKIT_RETURN_NO_SPACE if
 *	@records was short (@count then holds the number needed)
 * @data_size: bytes of the personality at @data
 * @count: in: capacity of @records; out: number of records
 * @data: user pointer to one personality, an IOKS dictionary
 * @records: user pointer to an array of struct iokit_match_record: one
 *	per registered service of the personality's IOProviderClass
 * @record_size: sizeof(struct iokit_match_record) as the caller knows it,
 *	as for IOKIT_IOC_MATCH_LEDGER
 * @bad_offset: out: where a malformed stream was refused
 * @bad_reason: out: an enum iokit_serial_error
 * @reserved: zero
 * @bad_key: out: the personality key that was refused
 *
 * Nothing is started, bound or recorded: each record says how far the
 * real matcher would get (up to IOKIT_MATCH_MATCHED, or the category or
 * native driver in the way).
 */
struct iokit_match_test {
	__u32 size;
	__u32 ioreturn;
	__u32 data_size;
	__u32 count;
	__u64 data;
	__u64 records;
	__u32 record_size;
	__u32 bad_offset;
	__u32 bad_reason;
	__u32 reserved;
	char bad_key[IOKIT_MATCH_STR_MAX];
};

#define IOKIT_MATCH_TEST_SIZE_VER0	112

/**
 * struct iokit_claim - IOKIT_IOC_CLAIM: take a device from its native
 *	Linux driver for the IOKit drivers that match it (iokitctl claim)
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_PRIVILEGED without CAP_SYS_ADMIN,
 *	IOKIT_RETURN_NOT_FOUND for an unknown entry, IOKIT_RETURN_UNSUPPORTED
 *	for a service that is not an IOPCIDevice or IOUSBHostInterface,
 *	IOKIT_RETURN_NO_DEVICE when no IOKit driver matches or starts (a
 *	native driver then keeps, or gets back, the device)
 * @entry_id: the nub
 *
 * The device stays with iokit until its IOKit drivers are gone.
 */
struct iokit_claim {
	__u32 size;
	__u32 ioreturn;
	__u64 entry_id;
};

#define IOKIT_CLAIM_SIZE_VER0		16

/**
 * struct iokit_loader - IOKIT_IOC_LOADER: load driver modules on demand
 *	(the role kextd plays for IOKit)
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_PRIVILEGED without CAP_SYS_MODULE or
 *	CAP_SYS_ADMIN;
 *	IOKIT_RETURN_BAD_ARGUMENT for an unknown @op, a @port_fd that is not
 *	a notification port, a @module that is not a string, or ATTACH with
 *	@error or @module set;
 *	IOKIT_RETURN_BUSY for ATTACH of a port already attached;
 *	IOKIT_RETURN_NOT_FOUND for DONE with an error for a module nobody
 *	asked for (DONE without one is always accepted)
 * @op: IOKIT_LOADER_ATTACH or IOKIT_LOADER_DONE
 * @port_fd: ATTACH: the notification port that receives load requests;
 *	closing it detaches the loader
 * @error: DONE: 0 if the module loaded, else a positive errno
 * @reserved: must be zero
 * @module: DONE: the @module of the request that was served
 *
 * When a pending personality (see struct iokit_personality) wins a
 * match, every attached port receives one struct iokit_load_request for
 * its module; the provider's match category waits for it.  The loader
 * loads the module and reports with DONE.  A module that failed to load,
 * or loaded without providing the class, is not asked for again until
 * the personality is added again, and the category falls to the next
 * candidate.  With no loader attached, or when every loader's queue is
 * full, pending personalities are passed over (and asked for at the next
 * match); the first loader to attach sets off matching again.  The match
 * ledger records each case as IOKIT_MATCH_NOT_LOADED.
 */
struct iokit_loader {
	__u32 size;
	__u32 ioreturn;
	__u32 op;
	__s32 port_fd;
	__s32 error;
	__u32 reserved;
	char module[IOKIT_NAME_MAX];
};

#define IOKIT_LOADER_ATTACH		0
#define IOKIT_LOADER_DONE		1
#define IOKIT_LOADER_SIZE_VER0		152

/**
 * struct iokit_load_request - an IOKIT_EVENT_LOAD_REQUEST record
 * @event: its head: @event.entry_id is the provider whose match asked
 * @module: the IOKitLinuxModule to load: a module name, or a path
 * @ioclass: the IOClass it is expected to provide
 */
struct iokit_load_request {
	struct iokit_event event;
	char module[IOKIT_NAME_MAX];
	char ioclass[IOKIT_NAME_MAX];
};

/*
 * ---- IOUserClient connections (Documentation/user-client.rst) -----------
 */

/* Most scalars a method takes or returns (kIOUserClientScalarArrayCountMax). */
#define IOKIT_SCALAR_MAX		16
/* Largest structure passed in the call itself (sizeof(io_struct_inband_t)). */
#define IOKIT_STRUCT_INLINE_MAX		4096
/*
 * Largest structure passed out of line: the caller's pages, pinned for the
 * call (ABI 2.2), and the largest variable-size output.
 */
#define IOKIT_STRUCT_OOL_MAX		(64u << 20)
/* Most words of an async reference (kOSAsyncRef64Count). */
#define IOKIT_ASYNC_REF_MAX		8

/**
 * struct iokit_reason - why the framework refused a call
 * @check: an IOKIT_CHECK_* value: the check that failed; 0 if none did
 *	(the driver's own IOReturn, or success)
 * @reserved: zero
 * @seen: the value the caller passed
 * @wanted: the value the check wanted (or the bound it passed)
 *
 * For the check named in @check, @seen and @wanted say "selector 7 >= 5
 * methods" or "scalarInputCount 3 != 2" in numbers; libiokit formats them
 * (IOConnectCopyLastReason()).
 */
struct iokit_reason {
	__u32 check;
	__u32 reserved;
	__u64 seen;
	__u64 wanted;
};

/* IOKIT_CHECK_*: values of struct iokit_reason.check. */
#define IOKIT_CHECK_NONE			0
#define IOKIT_CHECK_SELECTOR			1  /* seen >= wanted methods */
#define IOKIT_CHECK_COMPLETION			2  /* seen (0/1) != wanted (0/1) */
#define IOKIT_CHECK_SCALAR_INPUT_COUNT		3  /* seen != wanted */
#define IOKIT_CHECK_STRUCT_INPUT_SIZE		4  /* seen != wanted */
#define IOKIT_CHECK_SCALAR_OUTPUT_COUNT		5  /* seen != wanted */
#define IOKIT_CHECK_STRUCT_OUTPUT_SIZE		6  /* seen != wanted */
#define IOKIT_CHECK_SCALAR_INPUT_MAX		7  /* seen > wanted (16) */
#define IOKIT_CHECK_SCALAR_OUTPUT_MAX		8  /* seen > wanted (16) */
#define IOKIT_CHECK_STRUCT_INPUT_MAX		9  /* seen > wanted (4096) */
#define IOKIT_CHECK_STRUCT_OUTPUT_MAX		10 /* seen > wanted (4096) */
#define IOKIT_CHECK_STRUCT_OUTPUT_RETURNED	11 /* driver returned seen > wanted bytes */
#define IOKIT_CHECK_FLAGS			12 /* seen: the unknown bits */
#define IOKIT_CHECK_REFERENCE_COUNT		13 /* seen: the count given */
#define IOKIT_CHECK_USER_CLIENT_CLASS		14 /* the service names no class */
#define IOKIT_CHECK_ACCESS			15 /* seen: the rule that denied (1-based), or 0 */
#define IOKIT_CHECK_FAULT			16 /* seen: the bad user address */
#define IOKIT_CHECK_PORT			17 /* seen: a descriptor not a port */
#define IOKIT_CHECK_PORT_FULL			18 /* the port has no slot left */
#define IOKIT_CHECK_RESERVED			19 /* a field that must be zero is not */
#define IOKIT_CHECK_ASYNC_PENDING		20 /* the connection has the most pending */
#define IOKIT_CHECK_VAR_OUTPUT			21 /* variable output; wanted: the fixed size */
#define IOKIT_CHECK_MEMORY_TYPE			22 /* seen: a type the client has no memory for */
#define IOKIT_CHECK_MEMORY_TYPES		23 /* seen > wanted types mapped */
#define IOKIT_CHECK_VAR_OUTPUT_ROOM		24 /* variable output with seen bytes of room */
#define IOKIT_CHECK_ENTITLEMENT			25 /* the caller lacks what the class requires */
#define IOKIT_CHECK_NOTIFICATION_TYPE		26 /* seen: a type the client does not send */
#define IOKIT_CHECK_NOTIFICATION_TYPES		27 /* seen >= wanted types registered */

/**
 * struct iokit_service_open - IOKIT_IOC_SERVICE_OPEN: IOServiceOpen()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_FOUND for a stale @entry_id,
 *	IOKIT_RETURN_BAD_ARGUMENT for an entry that is not an IOService or
 *	non-zero @flags or @reserved, IOKIT_RETURN_NOT_ATTACHED for a service
 *	being terminated, IOKIT_RETURN_UNSUPPORTED when the service makes no
 *	user clients (@reason), IOKIT_RETURN_NOT_PERMITTED when the class
 *	does not admit the caller (@reason), IOKIT_RETURN_NO_RESOURCES past
 *	the caller's budget, or what the driver's NewUserClient returned
 *	(IOKIT_RETURN_EXCLUSIVE_ACCESS from an exclusive driver)
 * @flags: zero
 * @entry_id: the service
 * @type: the connection type, passed to NewUserClient
 * @fd: out: the connection, a new descriptor (close-on-exec)
 * @reserved: zero
 * @reason: out: why the framework refused the open
 *
 * Needs /dev/iokit opened for writing.
 */
struct iokit_service_open {
	__u32 size;
	__u32 ioreturn;
	__u32 flags;
	__u32 type;
	__u64 entry_id;
	__s32 fd;
	__u32 reserved;
	struct iokit_reason reason;
};

#define IOKIT_SERVICE_OPEN_SIZE_VER0	56

/**
 * struct iokit_connect_method - IOKIT_IOC_CONNECT_METHOD on a connection:
 *	IOConnectCallMethod()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_BAD_ARGUMENT when a check of the method's
 *	dispatch entry failed (@reason), IOKIT_RETURN_NOT_OPEN after
 *	IOKIT_IOC_CONNECT_CLOSE, IOKIT_RETURN_NOT_ATTACHED once the user
 *	client was terminated (its service or driver went away),
 *	IOKIT_RETURN_NO_RESOURCES for an async call whose port has no slot
 *	left for its completion (@reason), IOKIT_RETURN_VM_ERROR
 *	for an unreadable or unwritable buffer (@reason), IOKIT_RETURN_ABORTED
 *	when a fatal signal ended the wait for the client, or the method's
 *	own IOReturn
 * @selector: the method
 * @flags: IOKIT_CONNECT_METHOD_VAR_OUTPUT, or zero
 * @scalar_input: user pointer to @scalar_input_count __u64 values
 * @scalar_input_count: at most IOKIT_SCALAR_MAX
 * @scalar_output_count: in: room at @scalar_output, at most
 *	IOKIT_SCALAR_MAX; out: how many the method returned
 * @scalar_output: user pointer to room for @scalar_output_count values
 * @struct_input: user pointer to @struct_input_size bytes
 * @struct_input_size: at most IOKIT_STRUCT_OOL_MAX; over
 *	IOKIT_STRUCT_INLINE_MAX the driver gets a memory descriptor over the
 *	caller's pages instead of a copy
 * @struct_output: user pointer to room for @struct_output_size bytes;
 *	out, with IOKIT_CONNECT_METHOD_VAR_OUTPUT: where the output was put
 * @struct_output_size: in: room at @struct_output, at most
 *	IOKIT_STRUCT_OOL_MAX (over IOKIT_STRUCT_INLINE_MAX, out of line as
 *	for input); 0 with IOKIT_CONNECT_METHOD_VAR_OUTPUT; out: how many
 *	bytes the method returned
 * @port_fd: async calls: the notification port its completion is posted
 *	to (IOKIT_IOC_PORT_CREATE)
 * @reference_count: async calls: words in @reference, 1 to
 *	IOKIT_ASYNC_REF_MAX; 0 for a synchronous call
 * @reference: async calls: the reference given back with the completion
 *	(IOKitLib's io_async_ref64_t: [1] the callback, [2] its refcon)
 * @reason: out: why the framework refused the call
 *
 * IOKIT_CONNECT_METHOD_VAR_OUTPUT (kIOConnectMethodVarOutputSize) asks
 * for the method's structure output whole, however long: the kernel maps
 * new anonymous memory into the caller for it, returns its address in
 * @struct_output and its length in @struct_output_size (nothing is mapped
 * for none), and the caller munmap()s it.  The method's dispatch entry
 * must accept a variable structure output size.
 *
 * On failure no output is returned: both output counts are 0.  An async
 * call that succeeds reserves its completion's record on the port at
 * once: exactly one IOKIT_EVENT_ASYNC record follows, with the driver's
 * status, or IOKIT_RETURN_ABORTED if the call was cancelled, the
 * connection closed or the user client terminated first.  One that
 * fails posts nothing.
 */
struct iokit_connect_method {
	__u32 size;
	__u32 ioreturn;
	__u32 selector;
	__u32 flags;
	__u64 scalar_input;
	__u32 scalar_input_count;
	__u32 scalar_output_count;
	__u64 scalar_output;
	__u64 struct_input;
	__u64 struct_input_size;
	__u64 struct_output;
	__u64 struct_output_size;
	__s32 port_fd;
	__u32 reference_count;
	__u64 reference[IOKIT_ASYNC_REF_MAX];
	struct iokit_reason reason;
};

#define IOKIT_CONNECT_METHOD_SIZE_VER0	168

/* iokit_connect_method.flags */
#define IOKIT_CONNECT_METHOD_VAR_OUTPUT	0x1

/**
 * struct iokit_connect_info - IOKIT_IOC_CONNECT_INFO: IOConnectGetService()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_SUCCESS (also for a closed connection)
 * @service_id: out: the service the connection was opened on
 * @client_id: out: the user client's entry ID
 * @type: out: the connection type
 * @state: out: IOKIT_CONNECT_OPEN, _CLOSED (IOKIT_IOC_CONNECT_CLOSE) or
 *	_TERMINATED (the user client is gone)
 */
struct iokit_connect_info {
	__u32 size;
	__u32 ioreturn;
	__u64 service_id;
	__u64 client_id;
	__u32 type;
	__u32 state;
};

#define IOKIT_CONNECT_OPEN		0
#define IOKIT_CONNECT_CLOSED		1
#define IOKIT_CONNECT_TERMINATED	2
#define IOKIT_CONNECT_INFO_SIZE_VER0	32

/*
 * struct iokit_connect_close - IOKIT_IOC_CONNECT_CLOSE: IOServiceClose().
 * The first close wins: the user client's ClientClose runs, calls in
 * flight finish, and it is terminated; a later close, or one after the
 * client was terminated, succeeds and does nothing.  The descriptor stays
 * open until close(2); its calls then return IOKIT_RETURN_NOT_OPEN.
 */
struct iokit_connect_close {
	__u32 size;
	__u32 ioreturn;
};

#define IOKIT_CONNECT_CLOSE_SIZE_VER0	8

/**
 * struct iokit_connect_cancel - IOKIT_IOC_CONNECT_CANCEL: abort an async call
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_FOUND if no call of the connection
 *	with that reference is pending, IOKIT_RETURN_BAD_ARGUMENT for a
 *	@reference_count of 0 or over IOKIT_ASYNC_REF_MAX
 * @reference_count: words of @reference to compare
 * @reserved: zero
 * @reference: the oldest pending call whose reference starts with these
 *	words is aborted: its record comes with IOKIT_RETURN_ABORTED, and
 *	the driver's own completion of it later is discarded
 */
struct iokit_connect_cancel {
	__u32 size;
	__u32 ioreturn;
	__u32 reference_count;
	__u32 reserved;
	__u64 reference[IOKIT_ASYNC_REF_MAX];
};

#define IOKIT_CONNECT_CANCEL_SIZE_VER0	80

/* Most notification types one connection may have a port for at once. */
#define IOKIT_CONNECT_NOTIFICATION_TYPES_MAX	8

/**
 * struct iokit_connect_notification_port - IOKIT_IOC_CONNECT_NOTIFICATION_PORT
 *	on a connection: IOConnectSetNotificationPort()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_UNSUPPORTED if the user client sends no
 *	notifications of @type (its class's answer, or it has no
 *	RegisterNotificationPort), IOKIT_RETURN_BAD_ARGUMENT for a @port_fd
 *	that is not a notification port or a non-zero @reserved,
 *	IOKIT_RETURN_NO_RESOURCES when IOKIT_CONNECT_NOTIFICATION_TYPES_MAX
 *	types have a port already, IOKIT_RETURN_NOT_OPEN,
 *	IOKIT_RETURN_NOT_ATTACHED or IOKIT_RETURN_ABORTED as for a method, or
 *	the class's own IOReturn
 * @type: the notification type: what it means is the user client's
 * @port_fd: the port (IOKIT_IOC_PORT_CREATE) its notifications go to,
 *	in place of any given before; -1 for none from now on
 * @reference: given back in every record, as @event.refcon
 * @reserved: zero
 * @reason: out: why the call was refused
 *
 * The user client's class is asked first (IOUserClient's
 * registerNotificationPort); once it accepts, each notification it sends
 * of @type is one IOKIT_EVENT_CLIENT record on the port.  Notifications
 * are not reserved as async completions are: one that finds the port full
 * is dropped and counted in its IOKIT_EVENT_OVERFLOW record.  The port
 * stays referenced, though its descriptor is closed, until another call
 * replaces it or the user client is stopped; what is sent to a closed
 * port is discarded.
 */
struct iokit_connect_notification_port {
	__u32 size;
	__u32 ioreturn;
	__u32 type;
	__s32 port_fd;
	__u64 reference;
	__u64 reserved;
	struct iokit_reason reason;
};

#define IOKIT_CONNECT_NOTIFICATION_PORT_SIZE_VER0	56

/*
 * ---- Root's access policy for user clients (Documentation/user-client.rst) --
 */

/* Most rules in the policy. */
#define IOKIT_POLICY_RULES_MAX		256
/* iokit_policy_rule.type: any connection type. */
#define IOKIT_POLICY_ANY_TYPE		0xffffffffu

/* iokit_policy_rule.action */
#define IOKIT_POLICY_ALLOW		1
#define IOKIT_POLICY_DENY		2

/* iokit_policy_rule.match: what the caller must be; none matches anyone. */
#define IOKIT_POLICY_MATCH_UID		0x1	/* effective uid is @uid */
#define IOKIT_POLICY_MATCH_GID		0x2	/* in group @gid */
#define IOKIT_POLICY_MATCH_CAP		0x4	/* has capability @capability */

/**
 * struct iokit_policy_rule - one rule of root's policy
 * @ioclass: the user-client class it is about, NUL-terminated; "" for any
 * @type: the connection type, or IOKIT_POLICY_ANY_TYPE
 * @action: IOKIT_POLICY_ALLOW or IOKIT_POLICY_DENY
 * @match: IOKIT_POLICY_MATCH_* bits: all must hold for the rule to apply
 * @uid: with IOKIT_POLICY_MATCH_UID, in the setter's user namespace
 * @gid: with IOKIT_POLICY_MATCH_GID, likewise
 * @capability: with IOKIT_POLICY_MATCH_CAP, a CAP_* number
 * @reserved: zero
 *
 * An IOServiceOpen by a process whose /dev/iokit opener lacks
 * CAP_SYS_ADMIN is decided by the first rule that applies; with none, by
 * the class (IO_USER_CLIENT_ANY_ACCESS) and the process's entitlements.
 */
struct iokit_policy_rule {
	char ioclass[IOKIT_NAME_MAX];
	__u32 type;
	__u32 action;
	__u32 match;
	__u32 uid;
	__u32 gid;
	__u32 capability;
	__u32 reserved[2];
};

/* iokit_policy.op */
#define IOKIT_POLICY_GET		0	/* copy the rules out */
#define IOKIT_POLICY_SET		1	/* replace them all at once */

/**
 * struct iokit_policy - IOKIT_IOC_POLICY: root's access policy
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_NOT_PRIVILEGED without CAP_SYS_ADMIN,
 *	IOKIT_RETURN_BAD_ARGUMENT for a malformed rule (@bad_rule),
 *	IOKIT_RETURN_NO_SPACE when GET's room is short (@count says how many)
 * @op: IOKIT_POLICY_GET or IOKIT_POLICY_SET
 * @count: SET: rules at @rules, at most IOKIT_POLICY_RULES_MAX; GET: in,
 *	the room; out, the number of rules
 * @rules: user pointer to @count struct iokit_policy_rule
 * @rule_size: sizeof(struct iokit_policy_rule)
 * @bad_rule: out: the index of the rule SET refused
 *
 * Needs CAP_SYS_ADMIN (in the initial user namespace) and, for SET, a
 * node opened for writing.  The policy starts empty and goes with the
 * module.
 */
struct iokit_policy {
	__u32 size;
	__u32 ioreturn;
	__u32 op;
	__u32 count;
	__u64 rules;
	__u32 rule_size;
	__u32 bad_rule;
};

#define IOKIT_POLICY_SIZE_VER0		32

/* The extended attribute of an executable that holds its entitlements. */
#define IOKIT_ENTITLEMENTS_XATTR	"security.iokit"
/* Its largest value: an IOKS-serialized dictionary. */
#define IOKIT_ENTITLEMENTS_MAX		4096

/* Most memory types one connection may have mapped at once. */
#define IOKIT_CONNECT_MEMORY_TYPES_MAX	64

/* iokit_connect_memory.options: the mapping may only be read (kIOMapReadOnly). */
#define IOKIT_MEMORY_READ_ONLY		0x1000

/**
 * struct iokit_connect_memory - IOKIT_IOC_CONNECT_MEMORY: prepare
 *	IOConnectMapMemory64()
 * @size: in: sizeof this struct as the caller knows it; out: the kernel's
 * @ioreturn: out: IOKIT_RETURN_UNSUPPORTED when the user client has no
 *	memory of @type (@reason), IOKIT_RETURN_NO_RESOURCES past
 *	IOKIT_CONNECT_MEMORY_TYPES_MAX types, IOKIT_RETURN_NOT_OPEN or
 *	IOKIT_RETURN_NOT_ATTACHED as for a method, or the driver's
 *	CopyClientMemoryForType's IOReturn
 * @type: the memory type, passed to CopyClientMemoryForType
 * @flags: zero
 * @options: out: IOKIT_MEMORY_READ_ONLY if the driver shares it read-only
 * @reserved: zero
 * @length: out: the bytes to map (whole pages)
 * @offset: out: the mmap() offset that maps it from the connection
 *	descriptor, with MAP_SHARED, PROT_WRITE only without
 *	IOKIT_MEMORY_READ_ONLY
 * @reason: out: why the framework refused it
 *
 * The user client is asked once per type; later calls and every mapping
 * share its memory.  When the client is terminated every mapping of it
 * is revoked: its pages are unmapped, and touching them raises SIGBUS.
 */
struct iokit_connect_memory {
	__u32 size;
	__u32 ioreturn;
	__u32 type;
	__u32 flags;
	__u32 options;
	__u32 reserved;
	__u64 length;
	__u64 offset;
	struct iokit_reason reason;
};

#define IOKIT_CONNECT_MEMORY_SIZE_VER0	64

/* Most values an async completion carries (kIOUserClientAsyncArgumentsCountMax). */
#define IOKIT_ASYNC_ARGS_MAX		16

/**
 * struct iokit_async_completion - an IOKIT_EVENT_ASYNC record
 * @event: @type IOKIT_EVENT_ASYNC; @source_id the user client's entry
 *	ID; @ioreturn the call's status; @count the values in @args
 * @reference: the call's reference, as given (unused words zero)
 * @args: the driver's values
 */
struct iokit_async_completion {
	struct iokit_event event;
	__u64 reference[IOKIT_ASYNC_REF_MAX];
	__u64 args[IOKIT_ASYNC_ARGS_MAX];
};

/**
 * struct iokit_client_notification - an IOKIT_EVENT_CLIENT record
 * @event: @type IOKIT_EVENT_CLIENT; @refcon the @reference its type's port
 *	was set with; @source_id the user client's entry ID; @entry_id the
 *	notification type; @ioreturn the user client's status; @count the
 *	values in @args
 * @args: the user client's values (unused ones zero)
 */
struct iokit_client_notification {
	struct iokit_event event;
	__u64 args[IOKIT_ASYNC_ARGS_MAX];
};

/*
 * Command numbers, as iommufd numbers its own: _IO(), with no size or
 * direction bits.  Every struct says its size in its first field and
 * grows by appending, so size bits in the number would only go stale;
 * a number with them is not a command (ENOTTY).  ABI 1 used _IOWR().
 */
enum {
	IOKIT_CMD_VERSION = 0x00,
	IOKIT_CMD_REGISTRY_LOOKUP = 0x01,
	IOKIT_CMD_ENTRY_INFO = 0x02,
	IOKIT_CMD_ENTRY_RELATIVES = 0x03,
	IOKIT_CMD_COPY_PROPERTIES = 0x04,
	IOKIT_CMD_SEARCH_PROPERTY = 0x05,
	IOKIT_CMD_SET_PROPERTIES = 0x06,
	IOKIT_CMD_GET_MATCHING = 0x07,
	IOKIT_CMD_WAIT_QUIET = 0x08,
	IOKIT_CMD_PERSONALITY = 0x09,
	IOKIT_CMD_PORT_CREATE = 0x0a,
	IOKIT_CMD_NOTIFICATION = 0x0b,
	IOKIT_CMD_MATCH_LEDGER = 0x0c,
	IOKIT_CMD_MATCH_TEST = 0x0d,
	IOKIT_CMD_CLAIM = 0x0e,
	IOKIT_CMD_LOADER = 0x0f,
	IOKIT_CMD_SERVICE_OPEN = 0x10,
	IOKIT_CMD_POLICY = 0x11,
	/* 0x40-0x5f: commands on a connection descriptor */
	IOKIT_CMD_CONNECT_METHOD = 0x40,
	IOKIT_CMD_CONNECT_CLOSE = 0x41,
	IOKIT_CMD_CONNECT_INFO = 0x42,
	IOKIT_CMD_CONNECT_CANCEL = 0x43,
	IOKIT_CMD_CONNECT_MEMORY = 0x44,
	IOKIT_CMD_CONNECT_NOTIFICATION_PORT = 0x45,
	/* 0x70-0x7f: test-only commands, see IOKIT_FEATURE_TEST */
	IOKIT_CMD_TEST_ENTRIES = 0x70,
};

#define IOKIT_IOC_VERSION		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_VERSION)
#define IOKIT_IOC_REGISTRY_LOOKUP	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_REGISTRY_LOOKUP)
#define IOKIT_IOC_ENTRY_INFO		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_ENTRY_INFO)
#define IOKIT_IOC_ENTRY_RELATIVES	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_ENTRY_RELATIVES)
#define IOKIT_IOC_COPY_PROPERTIES	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_COPY_PROPERTIES)
#define IOKIT_IOC_SEARCH_PROPERTY	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_SEARCH_PROPERTY)
#define IOKIT_IOC_SET_PROPERTIES	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_SET_PROPERTIES)
#define IOKIT_IOC_GET_MATCHING		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_GET_MATCHING)
#define IOKIT_IOC_WAIT_QUIET		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_WAIT_QUIET)
#define IOKIT_IOC_PERSONALITY		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_PERSONALITY)
#define IOKIT_IOC_PORT_CREATE		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_PORT_CREATE)
#define IOKIT_IOC_NOTIFICATION		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_NOTIFICATION)
#define IOKIT_IOC_MATCH_LEDGER		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_MATCH_LEDGER)
#define IOKIT_IOC_MATCH_TEST		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_MATCH_TEST)
#define IOKIT_IOC_CLAIM			_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CLAIM)
#define IOKIT_IOC_LOADER		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_LOADER)
#define IOKIT_IOC_SERVICE_OPEN		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_SERVICE_OPEN)
#define IOKIT_IOC_POLICY		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_POLICY)
#define IOKIT_IOC_CONNECT_METHOD	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_METHOD)
#define IOKIT_IOC_CONNECT_CLOSE		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_CLOSE)
#define IOKIT_IOC_CONNECT_INFO		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_INFO)
#define IOKIT_IOC_CONNECT_CANCEL	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_CANCEL)
#define IOKIT_IOC_CONNECT_MEMORY	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_MEMORY)
#define IOKIT_IOC_CONNECT_NOTIFICATION_PORT \
	_IO(IOKIT_IOC_TYPE, IOKIT_CMD_CONNECT_NOTIFICATION_PORT)
#define IOKIT_IOC_TEST_ENTRIES		_IO(IOKIT_IOC_TYPE, IOKIT_CMD_TEST_ENTRIES)

#endif /* _UAPI_LINUX_IOKIT_H */
