/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libiokit: IOKitLib's application interface to the I/O Registry, over
 * /dev/iokit (the iokit.ko module; uapi/linux/iokit.h is the ABI).
 *
 * Names and shapes follow Apple's IOKit/IOKitLib.h where C on Linux
 * allows; each function's comment names its IOKitLib counterpart and
 * says how it differs.  Build with `pkg-config --cflags --libs libiokit`.
 * One difference throughout: input strings that Apple types as
 * "const io_name_t" or "const io_string_t" are "const char *" here,
 * because GCC warns (-Wstringop-overread) when a string literal such as
 * kIOServicePlane is passed for an array parameter.  Output buffers keep
 * their array types.
 *
 * Objects.  io_object_t is a per-process handle, as a Mach port name is
 * on macOS: a registry entry, an iterator or a matching notification.  Getting the same registry
 * entry twice yields the same handle with one more reference, so entries
 * can be compared with ==, as on macOS.  Every handle a function returns
 * holds a reference the caller must drop with IOObjectRelease().  The
 * handle table is shared by all threads and locked.
 *
 * Errors.  Functions returning kern_return_t give a kIOReturn* value.
 * The kernel's own IOReturn is passed on as is (kIOReturnNotFound for an
 * entry that has since left the registry, kIOReturnBadArgument for an
 * unknown plane or a malformed dictionary, kIOReturnNotPrivileged, ...);
 * failures the kernel reports only through errno become:
 *
 *	ENOENT, ENODEV, ENXIO (no /dev/iokit)	kIOReturnNoDevice
 *	EACCES, EPERM				kIOReturnNotPrivileged
 *	ENOTTY, EOPNOTSUPP (older module)	kIOReturnUnsupported
 *	EINVAL, E2BIG, EFAULT			kIOReturnBadArgument
 *	ENOMEM					kIOReturnNoMemory
 *	anything else				kIOReturnError
 *
 * A handle that is 0, was released or is of the wrong kind gives
 * kIOReturnBadArgument.  Functions returning an object return
 * IO_OBJECT_NULL / NULL on failure, as on macOS.
 *
 * Main port.  There is no Mach on Linux; kIOMainPortDefault (0) is the
 * only main port and stands for /dev/iokit, which is opened on first use
 * (O_RDWR, or O_RDONLY where only reading is allowed; O_CLOEXEC) and
 * kept open.  Call IOMainPort() first to find out whether the module is
 * there at all.
 *
 * Usage:
 *
 *	io_iterator_t iter;
 *	io_service_t service;
 *
 *	if (IOServiceGetMatchingServices(kIOMainPortDefault,
 *					 IOServiceMatching("IOPCIDevice"),
 *					 &iter) != kIOReturnSuccess)
 *		return;
 *	while ((service = IOIteratorNext(iter))) {
 *		io_name_t name;
 *
 *		if (IORegistryEntryGetName(service, name) == kIOReturnSuccess)
 *			puts(name);
 *		IOObjectRelease(service);
 *	}
 *	IOObjectRelease(iter);
 *
 * Notifications.  There is no run loop: a notification port is a file
 * descriptor, and IONotificationPortDispatch() (or a poll/epoll loop on
 * IONotificationPortGetFileDescriptor() that calls it with timeout 0)
 * runs the callbacks.  See IOServiceAddMatchingNotification() and
 * Documentation/notifications.rst.
 */
#ifndef _IOKIT_IOKITLIB_H
#define _IOKIT_IOKITLIB_H

#include <stdint.h>

#include <IOKit/IOCFTypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types (IOKit/IOTypes.h and the Mach headers) ---------------------- */

typedef int kern_return_t;
typedef kern_return_t IOReturn;
typedef kern_return_t mach_error_t;
typedef uint32_t mach_port_t;
typedef mach_port_t io_object_t;
typedef io_object_t io_registry_entry_t;
typedef io_object_t io_service_t;
typedef io_object_t io_iterator_t;
typedef io_object_t io_connect_t;
typedef mach_port_t task_port_t;
typedef uint32_t IOOptionBits;
typedef int boolean_t;
typedef char io_name_t[128];
typedef char io_string_t[512];

/* A notification port (IOKit/IOKitLib.h); the struct is the library's. */
typedef struct IONotificationPort *IONotificationPortRef;

/**
 * typedef IOServiceMatchingCallback - a matching notification's callback
 * @refcon: the value given to IOServiceAddMatchingNotification()
 * @iterator: the notification's iterator, holding the services to report
 *
 * IOKitLib: IOServiceMatchingCallback.  Called from
 * IONotificationPortDispatch(), with no library lock held; it should take
 * every service with IOIteratorNext() (releasing each) and may call any
 * library function, including IOObjectRelease() of @iterator.
 */
typedef void (*IOServiceMatchingCallback)(void *refcon, io_iterator_t iterator);

#define IO_OBJECT_NULL		((io_object_t)0)
#define MACH_PORT_NULL		((mach_port_t)0)
#define kIOMainPortDefault	((mach_port_t)0)
#define kIOMasterPortDefault	kIOMainPortDefault
#define kNilOptions		0

#ifndef TRUE
#define TRUE			1
#define FALSE			0
#endif

/* Planes (IOKit/IOKitKeys.h). */
#define kIOServicePlane		"IOService"
#define kIOPowerPlane		"IOPower"

/* Matching notification types (IOKit/IOKitKeys.h). */
#define kIOPublishNotification		"IOServicePublish"
#define kIOFirstPublishNotification	"IOServiceFirstPublish"
#define kIOMatchedNotification		"IOServiceMatched"
#define kIOFirstMatchNotification	"IOServiceFirstMatch"
#define kIOTerminatedNotification	"IOServiceTerminate"

/* Options of IORegistryEntrySearchCFProperty() (IOKit/IOKitKeys.h). */
#define kIORegistryIterateRecursively	0x00000001
#define kIORegistryIterateParents	0x00000002

/* Matching dictionary keys (IOKit/IOKitKeys.h). */
#define kIOProviderClassKey	"IOProviderClass"
#define kIONameMatchKey		"IONameMatch"
#define kIOPropertyMatchKey	"IOPropertyMatch"
#define kIOPropertyExistsMatchKey "IOPropertyExistsMatch"
#define kIOLocationMatchKey	"IOLocationMatch"
#define kIORegistryEntryIDKey	"IORegistryEntryID"

/* ---- Return codes (IOKit/IOReturn.h) ------------------------------------ */

#define KERN_SUCCESS		0
#define iokit_common_err(ret)	((IOReturn)(0xe0000000u | (ret)))

#define kIOReturnSuccess		KERN_SUCCESS
#define kIOReturnError			iokit_common_err(0x2bc)
#define kIOReturnNoMemory		iokit_common_err(0x2bd)
#define kIOReturnNoResources		iokit_common_err(0x2be)
#define kIOReturnIPCError		iokit_common_err(0x2bf)
#define kIOReturnNoDevice		iokit_common_err(0x2c0)
#define kIOReturnNotPrivileged		iokit_common_err(0x2c1)
#define kIOReturnBadArgument		iokit_common_err(0x2c2)
#define kIOReturnLockedRead		iokit_common_err(0x2c3)
#define kIOReturnLockedWrite		iokit_common_err(0x2c4)
#define kIOReturnExclusiveAccess	iokit_common_err(0x2c5)
#define kIOReturnBadMessageID		iokit_common_err(0x2c6)
#define kIOReturnUnsupported		iokit_common_err(0x2c7)
#define kIOReturnVMError		iokit_common_err(0x2c8)
#define kIOReturnInternalError		iokit_common_err(0x2c9)
#define kIOReturnIOError		iokit_common_err(0x2ca)
#define kIOReturnCannotLock		iokit_common_err(0x2cc)
#define kIOReturnNotOpen		iokit_common_err(0x2cd)
#define kIOReturnNotReadable		iokit_common_err(0x2ce)
#define kIOReturnNotWritable		iokit_common_err(0x2cf)
#define kIOReturnNotAligned		iokit_common_err(0x2d0)
#define kIOReturnBadMedia		iokit_common_err(0x2d1)
#define kIOReturnStillOpen		iokit_common_err(0x2d2)
#define kIOReturnRLDError		iokit_common_err(0x2d3)
#define kIOReturnDMAError		iokit_common_err(0x2d4)
#define kIOReturnBusy			iokit_common_err(0x2d5)
#define kIOReturnTimeout		iokit_common_err(0x2d6)
#define kIOReturnOffline		iokit_common_err(0x2d7)
#define kIOReturnNotReady		iokit_common_err(0x2d8)
#define kIOReturnNotAttached		iokit_common_err(0x2d9)
#define kIOReturnNoChannels		iokit_common_err(0x2da)
#define kIOReturnNoSpace		iokit_common_err(0x2db)
#define kIOReturnPortExists		iokit_common_err(0x2dd)
#define kIOReturnCannotWire		iokit_common_err(0x2de)
#define kIOReturnNoInterrupt		iokit_common_err(0x2df)
#define kIOReturnNoFrames		iokit_common_err(0x2e0)
#define kIOReturnMessageTooLarge	iokit_common_err(0x2e1)
#define kIOReturnNotPermitted		iokit_common_err(0x2e2)
#define kIOReturnNoPower		iokit_common_err(0x2e3)
#define kIOReturnNoMedia		iokit_common_err(0x2e4)
#define kIOReturnUnformattedMedia	iokit_common_err(0x2e5)
#define kIOReturnUnsupportedMode	iokit_common_err(0x2e6)
#define kIOReturnUnderrun		iokit_common_err(0x2e7)
#define kIOReturnOverrun		iokit_common_err(0x2e8)
#define kIOReturnDeviceError		iokit_common_err(0x2e9)
#define kIOReturnNoCompletion		iokit_common_err(0x2ea)
#define kIOReturnAborted		iokit_common_err(0x2eb)
#define kIOReturnNoBandwidth		iokit_common_err(0x2ec)
#define kIOReturnNotResponding		iokit_common_err(0x2ed)
#define kIOReturnIsoTooOld		iokit_common_err(0x2ee)
#define kIOReturnIsoTooNew		iokit_common_err(0x2ef)
#define kIOReturnNotFound		iokit_common_err(0x2f0)
#define kIOReturnInvalid		iokit_common_err(0x1)

/**
 * mach_error_string() - text for a return code
 * @error_value: a kIOReturn* value (or KERN_SUCCESS)
 *
 * macOS: mach_error_string() from libc, e.g. "(iokit/common) not found".
 * Only the iokit/common codes are known; anything else reads
 * "(unknown) 0x... (UNDEFINED)".
 *
 * Return: a constant string; for an unknown value, a per-thread buffer
 * that the thread's next such call overwrites.
 */
const char *mach_error_string(mach_error_t error_value);

/* ---- Main port ---------------------------------------------------------- */

/**
 * IOMainPort() - get the main port, opening /dev/iokit
 * @bootstrap: ignored (MACH_PORT_NULL on macOS too)
 * @main_port: out: kIOMainPortDefault
 *
 * IOKitLib: IOMainPort().  Here it also opens /dev/iokit, so its result
 * says whether the module is there: kIOReturnNoDevice when it is not
 * loaded, kIOReturnNotPrivileged when the node cannot be opened,
 * kIOReturnUnsupported for a module of another ABI major version.
 *
 * Return: kIOReturnSuccess or the error above.
 */
kern_return_t IOMainPort(mach_port_t bootstrap, mach_port_t *main_port);

/**
 * IOMasterPort() - old name of IOMainPort()
 * @bootstrap: ignored
 * @master_port: out: kIOMainPortDefault
 *
 * IOKitLib: IOMasterPort(), deprecated there in macOS 12.
 *
 * Return: as IOMainPort().
 */
kern_return_t IOMasterPort(mach_port_t bootstrap, mach_port_t *master_port);

/* ---- Objects ------------------------------------------------------------ */

/**
 * IOObjectRelease() - drop a reference to a handle
 * @object: a handle
 *
 * IOKitLib: IOObjectRelease().  The handle is freed with its last
 * reference; a later handle may get the same number.  The last reference
 * to a matching notification's iterator also removes the notification
 * from the kernel, as on macOS, unless its port was destroyed first.
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument for an invalid handle.
 */
kern_return_t IOObjectRelease(io_object_t object);

/**
 * IOObjectRetain() - take another reference to a handle
 * @object: a handle
 *
 * IOKitLib: IOObjectRetain().
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument for an invalid handle.
 */
kern_return_t IOObjectRetain(io_object_t object);

/**
 * IOObjectGetClass() - the class name of an object
 * @object: a handle
 * @class_name: out: the class
 *
 * IOKitLib: IOObjectGetClass().  Iterators are of class IOUserIterator
 * and matching notifications of class IOServiceUserNotification, as on
 * macOS.
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IOObjectGetClass(io_object_t object, io_name_t class_name);

/**
 * IOObjectCopyClass() - the class name of an object as a string
 * @object: a handle
 *
 * IOKitLib: IOObjectCopyClass().
 *
 * Return: a string (release it), or NULL.
 */
CFStringRef IOObjectCopyClass(io_object_t object);

/**
 * IOObjectConformsTo() - whether an object is of a class or a subclass
 * @object: a handle
 * @class_name: the class
 *
 * IOKitLib: IOObjectConformsTo().  The kernel walks the class chain.
 *
 * Return: TRUE or FALSE (also for errors).
 */
boolean_t IOObjectConformsTo(io_object_t object, const char *class_name);

/**
 * IOObjectIsEqualTo() - whether two handles name the same object
 * @object: a handle
 * @an_object: another
 *
 * IOKitLib: IOObjectIsEqualTo().  Entries are equal when their registry
 * entry IDs are; an iterator only equals itself.
 *
 * Return: TRUE or FALSE.
 */
boolean_t IOObjectIsEqualTo(io_object_t object, io_object_t an_object);

/* ---- Iterators ---------------------------------------------------------- */

/**
 * IOIteratorNext() - the next object of an iterator
 * @iterator: an iterator handle
 *
 * IOKitLib: IOIteratorNext().  Iterators here hold a snapshot of entry
 * IDs taken when they were made; an entry that left the registry since
 * is still returned, and queries on it give kIOReturnNotFound.  A
 * matching notification's iterator returns the services reported to it
 * and not yet taken, oldest first, each once; for a terminated
 * notification they have left the registry (their IDs still work).
 *
 * Return: a handle (release it), or IO_OBJECT_NULL at the end.
 */
io_object_t IOIteratorNext(io_iterator_t iterator);

/**
 * IOIteratorReset() - start an iterator over
 * @iterator: an iterator handle
 *
 * IOKitLib: IOIteratorReset().  Replays the same snapshot.  On a matching
 * notification's iterator that IOIteratorIsValid() says is invalid, it
 * drops the pending services and makes the iterator valid again; look the
 * services up afresh after it (IOServiceGetMatchingServices()).  On a
 * valid one it does nothing.
 */
void IOIteratorReset(io_iterator_t iterator);

/**
 * IOIteratorIsValid() - whether an iterator is still consistent
 * @iterator: an iterator handle
 *
 * IOKitLib: IOIteratorIsValid(), which turns false when the collection
 * changed under the iterator.  A snapshot never changes, so this is
 * TRUE for every snapshot iterator.  A matching notification's iterator
 * turns invalid when reports for it were lost (its port's queue
 * overflowed) and stays so until IOIteratorReset(); what it still
 * returns until then is an incomplete account.
 *
 * Return: TRUE for a valid iterator handle, else FALSE.
 */
boolean_t IOIteratorIsValid(io_iterator_t iterator);

/* ---- Registry entries --------------------------------------------------- */

/**
 * IORegistryGetRootEntry() - the registry's root entry
 * @main_port: kIOMainPortDefault
 *
 * IOKitLib: IORegistryGetRootEntry().
 *
 * Return: the root (release it), or IO_OBJECT_NULL (e.g. no module).
 */
io_registry_entry_t IORegistryGetRootEntry(mach_port_t main_port);

/**
 * IORegistryEntryFromPath() - look an entry up by path
 * @main_port: kIOMainPortDefault
 * @path: e.g. "IOService:/IOPlatformExpertDevice/pci@0"; components are
 *	NAME or NAME@LOCATION, the plane prefix is optional
 *
 * IOKitLib: IORegistryEntryFromPath().  Device tree aliases are not
 * supported.
 *
 * Return: the entry (release it), or IO_OBJECT_NULL if there is none.
 */
io_registry_entry_t IORegistryEntryFromPath(mach_port_t main_port, const char *path);

/**
 * IORegistryEntryCopyFromPath() - look an entry up by a path of any length
 * @main_port: kIOMainPortDefault
 * @path: as for IORegistryEntryFromPath(), up to 1024 bytes
 *
 * IOKitLib: IORegistryEntryCopyFromPath() (macOS 10.11 and later).
 *
 * Return: the entry (release it), or IO_OBJECT_NULL if there is none.
 */
io_registry_entry_t IORegistryEntryCopyFromPath(mach_port_t main_port, CFStringRef path);

/**
 * IORegistryEntryGetRegistryEntryID() - an entry's 64-bit ID
 * @entry: an entry handle
 * @entry_id: out: the ID, unique for the life of the system
 *
 * IOKitLib: IORegistryEntryGetRegistryEntryID().  Answered from the
 * handle, so it works for entries that have left the registry.
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument for a bad handle.
 */
kern_return_t IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t *entry_id);

/**
 * IORegistryEntryGetName() - an entry's name
 * @entry: an entry handle
 * @name: out: the name
 *
 * IOKitLib: IORegistryEntryGetName().  This is the name in the IOService
 * plane (an entry has one name unless a plane gives it another).
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name);

/**
 * IORegistryEntryGetNameInPlane() - an entry's name in a plane
 * @entry: an entry handle
 * @plane: a plane name; NULL as IORegistryEntryGetName()
 * @name: out: the name
 *
 * IOKitLib: IORegistryEntryGetNameInPlane().  An entry not attached in
 * @plane still has its name.
 *
 * Return: kIOReturnSuccess; kIOReturnBadArgument for an unknown plane.
 */
kern_return_t IORegistryEntryGetNameInPlane(io_registry_entry_t entry, const char *plane,
					    io_name_t name);

/**
 * IORegistryEntryGetLocationInPlane() - an entry's location in a plane
 * @entry: an entry handle
 * @plane: a plane name; NULL for the IOService plane
 * @location: out: the location, such as "4,0" for a PCI function
 *
 * IOKitLib: IORegistryEntryGetLocationInPlane().
 *
 * Return: kIOReturnSuccess; kIOReturnNotFound if the entry has no
 * location there, as on macOS.
 */
kern_return_t IORegistryEntryGetLocationInPlane(io_registry_entry_t entry, const char *plane,
						io_name_t location);

/**
 * IORegistryEntryGetPath() - an entry's path in a plane
 * @entry: an entry handle
 * @plane: a plane name
 * @path: out: "Plane:/a/b@loc/..."
 *
 * IOKitLib: IORegistryEntryGetPath().  A path longer than io_string_t
 * holds gives kIOReturnNoSpace (macOS fails with kIOReturnBadArgument);
 * use IORegistryEntryCopyPath() for those.
 *
 * Return: kIOReturnSuccess; kIOReturnNotAttached if the entry is not in
 * the plane; kIOReturnMessageTooLarge past the kernel's 1024 bytes.
 */
kern_return_t IORegistryEntryGetPath(io_registry_entry_t entry, const char *plane,
				     io_string_t path);

/**
 * IORegistryEntryCopyPath() - an entry's path in a plane, any length
 * @entry: an entry handle
 * @plane: a plane name
 *
 * IOKitLib: IORegistryEntryCopyPath() (macOS 12 and later).
 *
 * Return: a string (release it), or NULL.
 */
CFStringRef IORegistryEntryCopyPath(io_registry_entry_t entry, const char *plane);

/**
 * IORegistryEntryInPlane() - whether an entry is attached in a plane
 * @entry: an entry handle
 * @plane: a plane name
 *
 * IOKitLib: IORegistryEntryInPlane().  True when the entry has a parent
 * in the plane; the root counts as being in every plane.
 *
 * Return: TRUE or FALSE (also for errors).
 */
boolean_t IORegistryEntryInPlane(io_registry_entry_t entry, const char *plane);

/**
 * IORegistryEntryGetChildIterator() - iterate over an entry's children
 * @entry: an entry handle
 * @plane: a plane name
 * @iterator: out: an iterator (release it) over the children in
 *	registry order
 *
 * IOKitLib: IORegistryEntryGetChildIterator().
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntryGetChildIterator(io_registry_entry_t entry, const char *plane,
					      io_iterator_t *iterator);

/**
 * IORegistryEntryGetParentIterator() - iterate over an entry's parents
 * @entry: an entry handle
 * @plane: a plane name
 * @iterator: out: an iterator (release it) over the parents
 *
 * IOKitLib: IORegistryEntryGetParentIterator().
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntryGetParentIterator(io_registry_entry_t entry, const char *plane,
					       io_iterator_t *iterator);

/**
 * IORegistryEntryGetChildEntry() - an entry's first child
 * @entry: an entry handle
 * @plane: a plane name
 * @child: out: the child (release it)
 *
 * IOKitLib: IORegistryEntryGetChildEntry().
 *
 * Return: kIOReturnSuccess; kIOReturnNoDevice if there is no child, as
 * on macOS.
 */
kern_return_t IORegistryEntryGetChildEntry(io_registry_entry_t entry, const char *plane,
					   io_registry_entry_t *child);

/**
 * IORegistryEntryGetParentEntry() - an entry's first parent
 * @entry: an entry handle
 * @plane: a plane name
 * @parent: out: the parent (release it)
 *
 * IOKitLib: IORegistryEntryGetParentEntry().
 *
 * Return: kIOReturnSuccess; kIOReturnNoDevice for the root, as on macOS.
 */
kern_return_t IORegistryEntryGetParentEntry(io_registry_entry_t entry, const char *plane,
					    io_registry_entry_t *parent);

/**
 * IOServiceGetBusyState() - a service's busy count
 * @service: an entry handle
 * @busy_state: out: the count; 0 for entries that are not IOServices
 *
 * IOKitLib: IOServiceGetBusyState().
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IOServiceGetBusyState(io_service_t service, uint32_t *busy_state);

/* ---- Properties --------------------------------------------------------- */

/**
 * IORegistryEntryCreateCFProperties() - copy all of an entry's properties
 * @entry: an entry handle
 * @properties: out: a dictionary (release it), in the kernel's order
 * @allocator: ignored
 * @options: ignored (no options are defined, as on macOS)
 *
 * IOKitLib: IORegistryEntryCreateCFProperties().
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntryCreateCFProperties(io_registry_entry_t entry,
						CFMutableDictionaryRef *properties,
						CFAllocatorRef allocator, IOOptionBits options);

/**
 * IORegistryEntryCreateCFProperty() - copy one property
 * @entry: an entry handle
 * @key: the property name, a string of at most 127 bytes
 * @allocator: ignored
 * @options: ignored (no options are defined, as on macOS)
 *
 * IOKitLib: IORegistryEntryCreateCFProperty().
 *
 * Return: the value (release it), or NULL if absent or on error.
 */
CFTypeRef IORegistryEntryCreateCFProperty(io_registry_entry_t entry, CFStringRef key,
					  CFAllocatorRef allocator, IOOptionBits options);

/**
 * IORegistryEntrySearchCFProperty() - find a property here or around
 * @entry: an entry handle
 * @plane: the plane to search in
 * @key: the property name, a string of at most 127 bytes
 * @allocator: ignored
 * @options: kIORegistryIterateRecursively to search the children depth
 *	first when @entry lacks the property, plus kIORegistryIterateParents
 *	to search the parents instead
 *
 * IOKitLib: IORegistryEntrySearchCFProperty().
 *
 * Return: the first value found (release it), or NULL.
 */
CFTypeRef IORegistryEntrySearchCFProperty(io_registry_entry_t entry, const char *plane,
					  CFStringRef key, CFAllocatorRef allocator,
					  IOOptionBits options);

/**
 * IORegistryEntrySetCFProperties() - ask an entry to set properties
 * @entry: an entry handle
 * @properties: a dictionary of properties to set
 *
 * IOKitLib: IORegistryEntrySetCFProperties().  The entry decides; most
 * refuse with kIOReturnUnsupported as IOService does by default.  Needs
 * CAP_SYS_ADMIN (kIOReturnNotPrivileged).  Something other than a
 * dictionary gives kIOReturnBadArgument.
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntrySetCFProperties(io_registry_entry_t entry, CFTypeRef properties);

/**
 * IORegistryEntrySetCFProperty() - ask an entry to set one property
 * @entry: an entry handle
 * @key: the property name
 * @value: its value
 *
 * IOKitLib: IORegistryEntrySetCFProperty(); sends {key: value} through
 * IORegistryEntrySetCFProperties().
 *
 * Return: kIOReturnSuccess or an error.
 */
kern_return_t IORegistryEntrySetCFProperty(io_registry_entry_t entry, CFStringRef key,
					   CFTypeRef value);

/* ---- Matching ----------------------------------------------------------- */

/**
 * IOServiceGetMatchingServices() - find the registered services a
 *	matching dictionary matches
 * @main_port: kIOMainPortDefault
 * @matching: the dictionary (IOProviderClass, IONameMatch, IOPropertyMatch,
 *	IOPropertyExistsMatch, IOLocationMatch, IORegistryEntryID); one
 *	reference to it is consumed, whatever the outcome, as on macOS
 * @existing: out: an iterator (release it) over the matches
 *
 * IOKitLib: IOServiceGetMatchingServices().  An unknown key gives
 * kIOReturnBadArgument rather than no match.
 *
 * Return: kIOReturnSuccess (possibly with an empty iterator) or an error.
 */
kern_return_t IOServiceGetMatchingServices(mach_port_t main_port, CFDictionaryRef matching,
					   io_iterator_t *existing);

/**
 * IOServiceGetMatchingService() - the first service a dictionary matches
 * @main_port: kIOMainPortDefault
 * @matching: the dictionary; one reference is consumed
 *
 * IOKitLib: IOServiceGetMatchingService().
 *
 * Return: the service (release it), or IO_OBJECT_NULL.
 */
io_service_t IOServiceGetMatchingService(mach_port_t main_port, CFDictionaryRef matching);

/**
 * IOServiceMatching() - a dictionary matching a class
 * @name: the class name
 *
 * IOKitLib: IOServiceMatching(): {IOProviderClass: name}.
 *
 * Return: the dictionary (release it or pass it to a function that
 * consumes it), or NULL.
 */
CFMutableDictionaryRef IOServiceMatching(const char *name);

/**
 * IOServiceNameMatching() - a dictionary matching a name
 * @name: the entry name
 *
 * IOKitLib: IOServiceNameMatching(): {IONameMatch: name}.
 *
 * Return: the dictionary, or NULL.
 */
CFMutableDictionaryRef IOServiceNameMatching(const char *name);

/**
 * IORegistryEntryIDMatching() - a dictionary matching one entry ID
 * @entry_id: the ID
 *
 * IOKitLib: IORegistryEntryIDMatching(): {IORegistryEntryID: id} with a
 * 64-bit number.
 *
 * Return: the dictionary, or NULL.
 */
CFMutableDictionaryRef IORegistryEntryIDMatching(uint64_t entry_id);

/* ---- Notifications ------------------------------------------------------ */

/**
 * IONotificationPortCreate() - make a port for notifications
 * @main_port: kIOMainPortDefault
 *
 * IOKitLib: IONotificationPortCreate().  The port is a kernel
 * notification port, a non-blocking, close-on-exec file descriptor whose
 * queue holds 256 records; what finds it full is lost and the port's
 * notifications turn invalid (IOIteratorIsValid()).  Any thread may use
 * the port; two dispatching it at once each run the callbacks for the
 * reports they read.
 *
 * Return: the port (destroy it with IONotificationPortDestroy()), or NULL
 * (no module, a module without notifications, no memory or descriptors).
 */
IONotificationPortRef IONotificationPortCreate(mach_port_t main_port);

/**
 * IONotificationPortDestroy() - destroy a port
 * @port: the port, or NULL
 *
 * IOKitLib: IONotificationPortDestroy().  Closes the descriptor: the
 * kernel removes every notification armed on the port, and reports not
 * yet dispatched are dropped.  Iterators of those notifications remain
 * valid handles that receive nothing more; release them as usual.  No
 * other thread may be using the port.
 */
void IONotificationPortDestroy(IONotificationPortRef port);

/**
 * IONotificationPortGetFileDescriptor() - the descriptor behind a port
 * @port: the port
 *
 * The Linux counterpart of IONotificationPortGetMachPort() and of the
 * run-loop source: the descriptor is readable (poll()/epoll) whenever
 * IONotificationPortDispatch() has something to do.  It belongs to the
 * port: do not read or close it.
 *
 * Return: the descriptor, or -1 for a NULL port.
 */
int IONotificationPortGetFileDescriptor(IONotificationPortRef port);

/**
 * IONotificationPortDispatch() - run the callbacks of what has arrived
 * @port: the port
 * @timeout_ms: how long to wait for something to arrive: 0 not at all,
 *	-1 (any negative value) without limit
 *
 * Our counterpart of the port's run-loop source (and of
 * IODispatchCalloutFromMessage()): waits for reports, reads all that are
 * there, adds each service to its notification's iterator, then calls
 * each notification's callback once, in the order their first reports
 * came.  Callbacks run in the calling thread with no library lock held.
 * After a queue overflow every notification of the port turns invalid
 * (IOIteratorIsValid()) and its callback is called, so the application
 * can IOIteratorReset() it and look again.  A notification created with
 * a NULL callback collects services without being called.  Then the
 * completions of async calls that arrived are called back
 * (IOAsyncCallback), in the order they were posted: after the matching
 * callbacks of the same dispatch, whatever order the two kinds came in.
 *
 * Return: kIOReturnSuccess if records were read (reports for
 * notifications released meanwhile are read and dropped), kIOReturnTimeout
 * if none came in time, kIOReturnBadArgument for a NULL port, or another
 * error from poll() or read().
 */
kern_return_t IONotificationPortDispatch(IONotificationPortRef port, int timeout_ms);

/**
 * IOServiceAddMatchingNotification() - be told about services as they
 *	come and go
 * @notify_port: the port that receives the reports
 * @notification_type_name: kIOFirstPublishNotification,
 *	kIOPublishNotification, kIOFirstMatchNotification,
 *	kIOMatchedNotification or kIOTerminatedNotification
 * @matching: the matching dictionary, with the keys of
 *	IOServiceGetMatchingServices(); one reference to it is consumed,
 *	whatever the outcome, as on macOS
 * @callback: called by IONotificationPortDispatch() when services were
 *	reported; may be NULL
 * @ref_con: passed to @callback
 * @notification: out: the notification's iterator (release it to remove
 *	the notification)
 *
 * IOKitLib: IOServiceAddMatchingNotification().  The iterator starts out
 * holding the services that already qualify (published, or matched; none
 * for terminated), as on macOS: take them with IOIteratorNext() at once,
 * since the callback is called only when more are reported.  Unlike
 * macOS, it is called for those even if the iterator was never emptied.
 * Each qualifying service is reported exactly once, in the first
 * iteration or later.  The types:
 *
 *	kIOPublishNotification		a service was registered (each
 *					RegisterService())
 *	kIOFirstPublishNotification	the same, the first time only
 *	kIOMatchedNotification		its registration's matching round
 *					finished
 *	kIOFirstMatchNotification	the same, the first time only
 *	kIOTerminatedNotification	a published service was stopped and
 *					is leaving the registry
 *
 * Return: kIOReturnSuccess; kIOReturnBadArgument for a NULL port or
 * @notification, an unknown type, or a dictionary that is not one or has
 * an unknown key; kIOReturnNoResources past 1024 notifications on the
 * port; or another error.
 */
kern_return_t IOServiceAddMatchingNotification(IONotificationPortRef notify_port,
					       const char *notification_type_name,
					       CFDictionaryRef matching,
					       IOServiceMatchingCallback callback, void *ref_con,
					       io_iterator_t *notification);

/* ---- Connections to user clients (IOServiceOpen) ------------------------ */

/*
 * An io_connect_t is the connection's file descriptor (close-on-exec),
 * which poll(2), fork(2) and SCM_RIGHTS treat as any other: a forked
 * child holding it keeps the connection open.  It is never 0.  The
 * library counts references to it (IOConnectAddRef); IOServiceClose()
 * ends the connection and drops one.
 */

/* The only task: the caller (Mach's mach_task_self()). */
extern const mach_port_t mach_task_self_;
#define mach_task_self()	mach_task_self_

/**
 * IOServiceOpen() - open a connection to a service's user client
 * @service: the service
 * @owning_task: mach_task_self(): a connection belongs to its caller
 * @type: the connection type, passed to the driver's NewUserClient
 * @connect: out: the connection
 *
 * IOKitLib: IOServiceOpen().
 *
 * Return: kIOReturnSuccess; kIOReturnBadArgument for a handle that is
 * not a service or another task; kIOReturnUnsupported when the service
 * makes no user clients; kIOReturnExclusiveAccess from a driver that
 * allows one client; kIOReturnNotPermitted when the class does not
 * admit the caller; kIOReturnNotAttached for a service going away; or
 * the driver's error.  IOConnectCopyLastReason() says why.
 */
kern_return_t IOServiceOpen(io_service_t service, task_port_t owning_task, uint32_t type,
			    io_connect_t *connect);

/**
 * IOServiceClose() - close a connection
 * @connect: the connection
 *
 * IOKitLib: IOServiceClose().  The user client's ClientClose runs and
 * it is terminated; calls on other references then return
 * kIOReturnNotOpen.  Drops the reference IOServiceOpen() gave.
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument for a handle that is
 * not a connection.
 */
kern_return_t IOServiceClose(io_connect_t connect);

/**
 * IOConnectAddRef() - take one more reference to a connection
 * @connect: the connection
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument.
 */
kern_return_t IOConnectAddRef(io_connect_t connect);

/**
 * IOConnectRelease() - drop a reference; the last closes the descriptor
 * @connect: the connection
 *
 * Closing the descriptor without IOServiceClose() is what a process's
 * death does: the service hears of it as ClientCrashed.
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument.
 */
kern_return_t IOConnectRelease(io_connect_t connect);

/**
 * IOConnectGetService() - the service a connection was opened on
 * @connect: the connection
 * @service: out: the service, a new reference (IOObjectRelease() it)
 *
 * Return: kIOReturnSuccess, kIOReturnBadArgument, or kIOReturnNotFound
 * if the service has left the registry.
 */
kern_return_t IOConnectGetService(io_connect_t connect, io_service_t *service);

/**
 * IOConnectCallMethod() - call a user client's ExternalMethod
 * @connection: the connection
 * @selector: the method
 * @input: @input_cnt scalars (at most 16)
 * @input_cnt: how many
 * @input_struct: @input_struct_cnt bytes (at most 64 MiB; over 4096 the
 *	driver reads the caller's pages in place)
 * @input_struct_cnt: how many
 * @output: room for *@output_cnt scalars, or NULL
 * @output_cnt: in: that room; out: how many came back (NULL for none)
 * @output_struct: room for *@output_struct_cnt bytes, or NULL; with
 *	kIOConnectMethodVarOutputSize, a CFDataRef * that receives the
 *	output whole (the caller releases it)
 * @output_struct_cnt: in: that room (at most 64 MiB; over 4096 the driver
 *	writes the caller's pages in place), or kIOConnectMethodVarOutputSize;
 *	out: the bytes returned (NULL for none)
 *
 * IOKitLib: IOConnectCallMethod(), same arguments.  The framework checks
 * every count and size against the method's dispatch entry before the
 * driver runs; a failed check returns kIOReturnBadArgument and
 * IOConnectCopyLastReason() names it.  On any failure the output counts
 * are 0.
 *
 * Return: the method's IOReturn; kIOReturnBadArgument (a failed check);
 * kIOReturnNotOpen after IOServiceClose(); kIOReturnNotAttached once the
 * user client is gone (its service or driver went away);
 * kIOReturnVMError for a buffer the kernel could not read or write.
 */
/* *outputStructCnt for output of whatever size the method returns. */
#define kIOConnectMethodVarOutputSize	((size_t)-3)

kern_return_t IOConnectCallMethod(mach_port_t connection, uint32_t selector,
				  const uint64_t *input, uint32_t input_cnt,
				  const void *input_struct, size_t input_struct_cnt,
				  uint64_t *output, uint32_t *output_cnt,
				  void *output_struct, size_t *output_struct_cnt);

/**
 * IOConnectCallScalarMethod() - IOConnectCallMethod() with scalars only
 * @connection: the connection
 * @selector: the method
 * @input: @input_cnt scalars
 * @input_cnt: how many
 * @output: room for *@output_cnt scalars
 * @output_cnt: in: that room; out: how many came back
 *
 * Return: as IOConnectCallMethod().
 */
kern_return_t IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector,
					const uint64_t *input, uint32_t input_cnt,
					uint64_t *output, uint32_t *output_cnt);

/**
 * IOConnectCallStructMethod() - IOConnectCallMethod() with structures only
 * @connection: the connection
 * @selector: the method
 * @input_struct: @input_struct_cnt bytes
 * @input_struct_cnt: how many
 * @output_struct: room for *@output_struct_cnt bytes
 * @output_struct_cnt: in: that room; out: the bytes returned
 *
 * Return: as IOConnectCallMethod().
 */
kern_return_t IOConnectCallStructMethod(mach_port_t connection, uint32_t selector,
					const void *input_struct, size_t input_struct_cnt,
					void *output_struct, size_t *output_struct_cnt);

/**
 * IOConnectCopyLastReason() - why this thread's last call was refused
 * @buffer: where to write the reason, NUL-terminated (may be NULL if
 *	@size is 0)
 * @size: bytes at @buffer
 *
 * Not in Apple's IOKitLib: iokit says which check of the method's
 * dispatch entry, or of IOServiceOpen(), failed and with what values -
 * "scalarInputCount 3 != 2", "selector 7 >= 5 methods".  The reason is
 * the calling thread's, kept from its last IOServiceOpen() or
 * IOConnectCall*Method(); "" if that call was not refused by a check.
 *
 * Return: the length of the reason, as snprintf() returns it.
 */
int IOConnectCopyLastReason(char *buffer, size_t size);

/* ---- Shared memory (CopyClientMemoryForType) ---------------------------- */

typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_size_t;

/* IOConnectMapMemory64() options (IOTypes.h). */
#define kIOMapAnywhere		0x00000001
#define kIOMapDefaultCache	0x00000000
#define kIOMapReadOnly		0x00001000

/**
 * IOConnectMapMemory64() - map a user client's memory into this process
 * @connect: the connection
 * @memory_type: the type, passed to the user client's CopyClientMemoryForType
 * @into_task: mach_task_self()
 * @at_address: in: without kIOMapAnywhere, the address to map at; out:
 *	where it was mapped
 * @of_size: out: its length, whole pages
 * @options: kIOMapAnywhere, kIOMapReadOnly
 *
 * IOKitLib: IOConnectMapMemory64().  Every mapping of a type is the same
 * memory the driver sees.  Memory the driver shares read-only is mapped
 * read-only whatever @options say, and can never be made writable.  When
 * the user client goes (IOServiceClose(), its driver or device gone) the
 * mapping stays but its pages do not: touching it raises SIGBUS.
 *
 * Return: kIOReturnSuccess; kIOReturnUnsupported for a type the user
 * client has no memory of; kIOReturnNotOpen / kIOReturnNotAttached as
 * for IOConnectCallMethod(); kIOReturnNoMemory when the address space
 * has no room (or, without kIOMapAnywhere, @at_address is taken).
 */
kern_return_t IOConnectMapMemory64(io_connect_t connect, uint32_t memory_type,
				   task_port_t into_task, mach_vm_address_t *at_address,
				   mach_vm_size_t *of_size, IOOptionBits options);

/**
 * IOConnectUnmapMemory64() - undo IOConnectMapMemory64()
 * @connect: the connection
 * @memory_type: the type mapped
 * @from_task: mach_task_self()
 * @at_address: where it was mapped
 *
 * Return: kIOReturnSuccess, or kIOReturnBadArgument; as
 * IOConnectMapMemory64() once the connection is closed or gone (unmap
 * with munmap() then).
 */
kern_return_t IOConnectUnmapMemory64(io_connect_t connect, uint32_t memory_type,
				     task_port_t from_task, mach_vm_address_t at_address);

/**
 * IOConnectSetNotificationPort() - where a user client's own notifications go
 * @connect: the connection
 * @type: the notification type, as the user client defines it
 * @port: IONotificationPortGetMachPort() of a port, or MACH_PORT_NULL for
 *	none any more
 * @reference: given back with each notification
 *
 * IOKitLib: IOConnectSetNotificationPort(), which reaches the user
 * client's registerNotificationPort.  On macOS the driver then sends its
 * own Mach messages; here each is a record on the port, which
 * IONotificationPortDispatch() hands to the callback that
 * IONotificationPortSetConnectCallback() set.  Notifications that find the
 * port full are dropped, not queued.
 *
 * Return: kIOReturnSuccess; kIOReturnUnsupported if the user client sends
 * no notifications of @type; kIOReturnBadArgument for a @port that is not
 * a notification port; kIOReturnNoResources when 8 types have a port
 * already; kIOReturnNotOpen / kIOReturnNotAttached as for
 * IOConnectCallMethod(); or the user client's own refusal.
 * IOConnectCopyLastReason() says why a call was refused.
 */
kern_return_t IOConnectSetNotificationPort(io_connect_t connect, uint32_t type,
					   mach_port_t port, uintptr_t reference);

/* ---- Async calls (IOKit/IOKitLib.h, OSMessageNotification.h) ----------- */

typedef uint64_t io_user_reference_t;
#define kOSAsyncRef64Count		8
typedef io_user_reference_t io_async_ref64_t[kOSAsyncRef64Count];
#define kIOAsyncReservedIndex		0
#define kIOAsyncCalloutFuncIndex	1
#define kIOAsyncCalloutRefconIndex	2

/**
 * typedef IOAsyncCallback - an async call's completion callback
 * @refcon: reference[kIOAsyncCalloutRefconIndex] of the call
 * @result: the call's IOReturn: the driver's, or kIOReturnAborted if the
 *	call was cancelled or its connection or driver went first
 * @args: the driver's values, each as a pointer-sized word
 * @num_args: how many, at most 16
 *
 * Called from IONotificationPortDispatch() of the port the call named.
 */
typedef void (*IOAsyncCallback)(void *refcon, IOReturn result, void **args, uint32_t num_args);

/**
 * typedef IOConnectNotificationCallback - a user client's own notification
 * @refcon: the refcon IONotificationPortSetConnectCallback() was given
 * @type: the notification type, as IOConnectSetNotificationPort() named it
 * @reference: its reference
 * @status: the user client's IOReturn
 * @args: the user client's values, valid during the call
 * @num_args: how many, at most 16
 */
typedef void (*IOConnectNotificationCallback)(void *refcon, uint32_t type, uintptr_t reference,
					      IOReturn status, const uint64_t *args,
					      uint32_t num_args);

/**
 * IONotificationPortSetConnectCallback() - who hears user clients' notifications
 * @port: the port IOConnectSetNotificationPort() named
 * @callback: called by IONotificationPortDispatch() for each, or NULL to
 *	drop them
 * @refcon: its first argument
 *
 * A libiokit extension: on macOS such notifications are Mach messages the
 * application receives itself.  A dispatch running in another thread
 * may still call the callback it replaces, with its refcon, once this
 * returns: free that refcon only when no such dispatch can be running.
 */
void IONotificationPortSetConnectCallback(IONotificationPortRef port,
					  IOConnectNotificationCallback callback, void *refcon);

/**
 * IONotificationPortGetMachPort() - the port as async calls name it
 * @notify: the port
 *
 * Return: the wake port for IOConnectCallAsync*Method(), or MACH_PORT_NULL.
 */
mach_port_t IONotificationPortGetMachPort(IONotificationPortRef notify);

/**
 * IOConnectCallAsyncMethod() - call an async method
 * @connection: the connection
 * @selector: the method
 * @wake_port: IONotificationPortGetMachPort() of the port the completion
 *	goes to
 * @reference: the call's reference: [kIOAsyncCalloutFuncIndex] an
 *	IOAsyncCallback, [kIOAsyncCalloutRefconIndex] its refcon; may be NULL
 * @reference_cnt: words in @reference, at most kOSAsyncRef64Count
 * @input: as IOConnectCallMethod()
 * @input_cnt: as IOConnectCallMethod()
 * @input_struct: as IOConnectCallMethod()
 * @input_struct_cnt: as IOConnectCallMethod()
 * @output: as IOConnectCallMethod()
 * @output_cnt: as IOConnectCallMethod()
 * @output_struct: as IOConnectCallMethod()
 * @output_struct_cnt: as IOConnectCallMethod()
 *
 * IOKitLib: IOConnectCallAsyncMethod().  A call that succeeds has
 * reserved its completion's place on the port: exactly one completion
 * follows, dispatched by IONotificationPortDispatch().  One that fails
 * has none.
 *
 * Return: as IOConnectCallMethod(); also kIOReturnNoResources when the
 * port has no room for another pending completion.
 */
kern_return_t IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector,
				       mach_port_t wake_port, uint64_t *reference,
				       uint32_t reference_cnt, const uint64_t *input,
				       uint32_t input_cnt, const void *input_struct,
				       size_t input_struct_cnt, uint64_t *output,
				       uint32_t *output_cnt, void *output_struct,
				       size_t *output_struct_cnt);

/**
 * IOConnectCallAsyncScalarMethod() - IOConnectCallAsyncMethod(), scalars only
 * @connection: the connection
 * @selector: the method
 * @wake_port: the port
 * @reference: the reference
 * @reference_cnt: its words
 * @input: the scalars
 * @input_cnt: how many
 * @output: room for scalars
 * @output_cnt: in: that room; out: how many came back
 *
 * Return: as IOConnectCallAsyncMethod().
 */
kern_return_t IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector,
					     mach_port_t wake_port, uint64_t *reference,
					     uint32_t reference_cnt, const uint64_t *input,
					     uint32_t input_cnt, uint64_t *output,
					     uint32_t *output_cnt);

/**
 * IOConnectCallAsyncStructMethod() - IOConnectCallAsyncMethod(), structures only
 * @connection: the connection
 * @selector: the method
 * @wake_port: the port
 * @reference: the reference
 * @reference_cnt: its words
 * @input_struct: the structure
 * @input_struct_cnt: its size
 * @output_struct: room for the output
 * @output_struct_cnt: in: that room; out: the bytes returned
 *
 * Return: as IOConnectCallAsyncMethod().
 */
kern_return_t IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector,
					     mach_port_t wake_port, uint64_t *reference,
					     uint32_t reference_cnt, const void *input_struct,
					     size_t input_struct_cnt, void *output_struct,
					     size_t *output_struct_cnt);

#ifdef __cplusplus
}
#endif

#endif /* _IOKIT_IOKITLIB_H */
