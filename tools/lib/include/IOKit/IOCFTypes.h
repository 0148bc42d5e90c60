/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libiokit property trees: a small stand-in for the part of CoreFoundation
 * that IOKitLib's CF functions use, since Linux has no CoreFoundation.
 *
 * An IOCF object is one of six kinds, the ones IOKS (the binary form in
 * uapi/linux/iokit.h) carries: dictionary (ordered, string keys), array,
 * string, number (a value and a bit width of 8, 16, 32 or 64), boolean
 * and data.  Objects are reference counted as in CoreFoundation:
 *
 *  - a function with Create or Copy in its name returns a reference the
 *    caller owns and must IOCFRelease();
 *  - a function with Get in its name returns a reference borrowed from
 *    its container: IOCFRetain() it to keep it longer than the container;
 *  - containers retain what is put in them and release it when it is
 *    replaced or removed or when they are freed.
 *
 * Reference counts are atomic, so objects may be shared between threads;
 * changing a container while another thread reads it is the caller's to
 * serialize.  A container must not end up inside itself: the cycle is
 * never freed and IOCFEqual() would not return (serialization and JSON
 * conversion refuse it through their depth limit).
 *
 * Functions that fail return NULL (or -1, or false) and set errno:
 * EINVAL for a wrong argument or an object of the wrong kind, ENOMEM.
 *
 * Usage:
 *
 *	CFMutableDictionaryRef dict = IOCFDictionaryCreate();
 *	CFTypeRef num = IOCFNumberCreate(0x1234, 16);
 *
 *	IOCFDictionarySetValue(dict, "vendor-id", num);
 *	CFRelease(num);		// dict holds its own reference
 *	char *json = IOCFCopyJSON(dict, kIOCFJSONPretty);
 *	...
 *	free(json);
 *	CFRelease(dict);
 */
#ifndef _IOKIT_IOCFTYPES_H
#define _IOKIT_IOCFTYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every reference is a pointer to an opaque object; the kind-specific
 * names only document what a function expects.  The const ones are
 * what Get functions hand out, the mutable ones what containers need.
 */
struct __IOCFObject;
typedef const void *IOCFTypeRef;
typedef const struct __IOCFObject *IOCFDictionaryRef;
typedef struct __IOCFObject *IOCFMutableDictionaryRef;
typedef const struct __IOCFObject *IOCFArrayRef;
typedef struct __IOCFObject *IOCFMutableArrayRef;
typedef const struct __IOCFObject *IOCFStringRef;
typedef const struct __IOCFObject *IOCFNumberRef;
typedef const struct __IOCFObject *IOCFBooleanRef;
typedef const struct __IOCFObject *IOCFDataRef;

/* The kinds; the values are the IOKS type codes of uapi/linux/iokit.h. */
typedef enum {
	kIOCFInvalidTypeID = 0,
	kIOCFDictionaryTypeID = 0x01,
	kIOCFArrayTypeID = 0x02,
	kIOCFNumberTypeID = 0x04,
	kIOCFStringTypeID = 0x09,
	kIOCFDataTypeID = 0x0a,
	kIOCFBooleanTypeID = 0x0b,
} IOCFTypeID;

/*
 * CoreFoundation spellings, so code written against IOKitLib reads the
 * same here.  Only the names IOKitLib's own signatures use are given;
 * the CF*() functions themselves are not, except CFRetain/CFRelease.
 */
typedef IOCFTypeRef CFTypeRef;
typedef IOCFDictionaryRef CFDictionaryRef;
typedef IOCFMutableDictionaryRef CFMutableDictionaryRef;
typedef IOCFArrayRef CFArrayRef;
typedef IOCFMutableArrayRef CFMutableArrayRef;
typedef IOCFStringRef CFStringRef;
typedef IOCFNumberRef CFNumberRef;
typedef IOCFBooleanRef CFBooleanRef;
typedef IOCFDataRef CFDataRef;
typedef void *CFAllocatorRef;		/* accepted and ignored */
#define kCFAllocatorDefault	((CFAllocatorRef)0)
#define CFRetain		IOCFRetain
#define CFRelease		IOCFRelease

/**
 * IOCFRetain() - take a reference
 * @object: any IOCF object; NULL is returned unchanged
 *
 * CoreFoundation: CFRetain(), which does not accept NULL.
 *
 * Return: @object.
 */
IOCFTypeRef IOCFRetain(IOCFTypeRef object);

/**
 * IOCFRelease() - drop a reference, freeing the object with the last one
 * @object: any IOCF object; NULL is ignored
 *
 * CoreFoundation: CFRelease(), which does not accept NULL.  Releasing
 * a container releases what it holds.
 */
void IOCFRelease(IOCFTypeRef object);

/**
 * IOCFGetRetainCount() - the current reference count
 * @object: any IOCF object
 *
 * CoreFoundation: CFGetRetainCount().  For tests and debugging; the
 * boolean singletons report a large constant.
 *
 * Return: the count, or 0 for NULL.
 */
long IOCFGetRetainCount(IOCFTypeRef object);

/**
 * IOCFGetTypeID() - the kind of an object
 * @object: any IOCF object
 *
 * CoreFoundation: CFGetTypeID() compared with CFDictionaryGetTypeID()
 * and friends; here compare with the kIOCF*TypeID constants.
 *
 * Return: the kind, kIOCFInvalidTypeID for NULL.
 */
IOCFTypeID IOCFGetTypeID(IOCFTypeRef object);

/**
 * IOCFEqual() - deep comparison
 * @a: an object or NULL
 * @b: an object or NULL
 *
 * CoreFoundation: CFEqual().  Dictionaries are equal when they hold the
 * same keys with equal values in any order (as CFEqual and OSDictionary
 * compare them); arrays compare element by element; numbers by value,
 * whatever their widths (as OSNumber::isEqualTo does); strings and data
 * byte by byte.
 *
 * Return: true if equal; two NULLs are equal.
 */
bool IOCFEqual(IOCFTypeRef a, IOCFTypeRef b);

/* ---- Dictionaries ------------------------------------------------------- */

/**
 * IOCFDictionaryCreate() - a new, empty dictionary
 *
 * CoreFoundation: CFDictionaryCreateMutable() with the CFType callbacks.
 * Keys are C strings of 1 to 127 bytes (the most an IOKS key holds);
 * entries keep the order in which their keys were first set.
 *
 * Return: the dictionary (release it), or NULL with errno ENOMEM.
 */
IOCFMutableDictionaryRef IOCFDictionaryCreate(void);

/**
 * IOCFDictionaryGetValue() - look a key up
 * @dict: a dictionary
 * @key: a C string
 *
 * CoreFoundation: CFDictionaryGetValue(), with a C string key.
 *
 * Return: the value, borrowed; NULL if absent (errno untouched) or if
 * @dict is not a dictionary (errno EINVAL).
 */
IOCFTypeRef IOCFDictionaryGetValue(IOCFDictionaryRef dict, const char *key);

/**
 * IOCFDictionarySetValue() - add or replace an entry
 * @dict: a dictionary
 * @key: a C string of 1 to 127 bytes
 * @value: any IOCF object, retained by the dictionary
 *
 * CoreFoundation: CFDictionarySetValue().  A replaced entry keeps its
 * place in the order.
 *
 * Return: 0, or -1 with errno EINVAL (bad key, NULL value, @value is
 * @dict) or ENOMEM.
 */
int IOCFDictionarySetValue(IOCFMutableDictionaryRef dict, const char *key,
			   IOCFTypeRef value);

/**
 * IOCFDictionaryRemoveValue() - remove an entry
 * @dict: a dictionary
 * @key: a C string
 *
 * CoreFoundation: CFDictionaryRemoveValue(), which returns nothing.
 *
 * Return: true if the key was there.
 */
bool IOCFDictionaryRemoveValue(IOCFMutableDictionaryRef dict, const char *key);

/**
 * IOCFDictionaryGetCount() - number of entries
 * @dict: a dictionary
 *
 * CoreFoundation: CFDictionaryGetCount().
 *
 * Return: the count, 0 if @dict is not a dictionary.
 */
size_t IOCFDictionaryGetCount(IOCFDictionaryRef dict);

/**
 * IOCFDictionaryGetKeyValueAtIndex() - the entry at a position
 * @dict: a dictionary
 * @index: 0 to IOCFDictionaryGetCount() - 1, in insertion order
 * @key: out: the key, borrowed (may be NULL)
 * @value: out: the value, borrowed (may be NULL)
 *
 * CoreFoundation has no ordered access (CFDictionaryApplyFunction() and
 * CFDictionaryGetKeysAndValues() walk in hash order); this is the way to
 * iterate here, and it follows the registry's order.
 *
 * Return: true if @index was in range.
 */
bool IOCFDictionaryGetKeyValueAtIndex(IOCFDictionaryRef dict, size_t index,
				      const char **key, IOCFTypeRef *value);

/* ---- Arrays ------------------------------------------------------------- */

/**
 * IOCFArrayCreate() - a new, empty array
 *
 * CoreFoundation: CFArrayCreateMutable() with kCFTypeArrayCallBacks.
 *
 * Return: the array (release it), or NULL with errno ENOMEM.
 */
IOCFMutableArrayRef IOCFArrayCreate(void);

/**
 * IOCFArrayAppendValue() - append an element
 * @array: an array
 * @value: any IOCF object, retained by the array
 *
 * CoreFoundation: CFArrayAppendValue().
 *
 * Return: 0, or -1 with errno EINVAL or ENOMEM.
 */
int IOCFArrayAppendValue(IOCFMutableArrayRef array, IOCFTypeRef value);

/**
 * IOCFArrayGetCount() - number of elements
 * @array: an array
 *
 * CoreFoundation: CFArrayGetCount().
 *
 * Return: the count, 0 if @array is not an array.
 */
size_t IOCFArrayGetCount(IOCFArrayRef array);

/**
 * IOCFArrayGetValueAtIndex() - an element
 * @array: an array
 * @index: the position
 *
 * CoreFoundation: CFArrayGetValueAtIndex().
 *
 * Return: the element, borrowed; NULL (errno EINVAL) if out of range.
 */
IOCFTypeRef IOCFArrayGetValueAtIndex(IOCFArrayRef array, size_t index);

/* ---- Strings ------------------------------------------------------------ */

/**
 * IOCFStringCreate() - a string from a C string
 * @cstr: NUL-terminated text, meant to be UTF-8 (not checked)
 *
 * CoreFoundation: CFStringCreateWithCString(alloc, cstr,
 * kCFStringEncodingUTF8).  The bytes are copied.
 *
 * Return: the string (release it), or NULL with errno.
 */
IOCFStringRef IOCFStringCreate(const char *cstr);

/**
 * IOCFStringCreateWithBytes() - a string from counted bytes
 * @bytes: the text, without NUL
 * @length: its length
 *
 * CoreFoundation: CFStringCreateWithBytes().
 *
 * Return: the string, or NULL with errno EINVAL if @bytes holds a NUL.
 */
IOCFStringRef IOCFStringCreateWithBytes(const char *bytes, size_t length);

/**
 * IOCFStringGetCStringPtr() - the text
 * @string: a string
 *
 * CoreFoundation: CFStringGetCStringPtr(), which may return NULL; this
 * one always has the text.
 *
 * Return: the NUL-terminated text, borrowed; NULL if not a string.
 */
const char *IOCFStringGetCStringPtr(IOCFStringRef string);

/**
 * IOCFStringGetLength() - length in bytes
 * @string: a string
 *
 * CoreFoundation: CFStringGetLength() counts UTF-16 units; this counts
 * bytes.
 *
 * Return: the length without NUL, 0 if not a string.
 */
size_t IOCFStringGetLength(IOCFStringRef string);

/* ---- Numbers ------------------------------------------------------------ */

/**
 * IOCFNumberCreate() - a number of a given width
 * @value: the value; cut to @bits bits in two's complement, so -1 at 8
 *	bits is stored as 0xff
 * @bits: 8, 16, 32 or 64 (what OSNumber and IOKS carry)
 *
 * CoreFoundation: CFNumberCreate() with kCFNumberSInt8Type ... SInt64Type.
 *
 * Return: the number (release it), or NULL with errno EINVAL (bad width).
 */
IOCFNumberRef IOCFNumberCreate(int64_t value, unsigned int bits);

/**
 * IOCFNumberGetValue() - the value
 * @number: a number
 *
 * CoreFoundation: CFNumberGetValue(num, kCFNumberSInt64Type, &v).  The
 * stored bits are zero-extended, as OSNumber::unsigned64BitValue() does:
 * a 32-bit 0xffffffff reads as 4294967295, a 64-bit one above INT64_MAX
 * reads negative.
 *
 * Return: the value, 0 if not a number.
 */
int64_t IOCFNumberGetValue(IOCFNumberRef number);

/**
 * IOCFNumberGetUnsignedValue() - the value as stored
 * @number: a number
 *
 * No CoreFoundation counterpart (CFNumber has no unsigned types).
 *
 * Return: the value's bits, 0 if not a number.
 */
uint64_t IOCFNumberGetUnsignedValue(IOCFNumberRef number);

/**
 * IOCFNumberGetBitWidth() - the width
 * @number: a number
 *
 * CoreFoundation: CFNumberGetByteSize() * 8.
 *
 * Return: 8, 16, 32 or 64; 0 if not a number.
 */
unsigned int IOCFNumberGetBitWidth(IOCFNumberRef number);

/* ---- Booleans ----------------------------------------------------------- */

/*
 * The two booleans are static singletons, like kCFBooleanTrue and
 * kCFBooleanFalse: retaining and releasing them does nothing, and
 * comparing pointers works.
 */
extern const IOCFBooleanRef kIOCFBooleanTrue;
extern const IOCFBooleanRef kIOCFBooleanFalse;
#define kCFBooleanTrue		kIOCFBooleanTrue
#define kCFBooleanFalse		kIOCFBooleanFalse

/**
 * IOCFBooleanCreate() - one of the boolean singletons
 * @value: which
 *
 * No CoreFoundation counterpart; provided so every kind has a Create.
 * Releasing the result is allowed and does nothing.
 *
 * Return: kIOCFBooleanTrue or kIOCFBooleanFalse.
 */
IOCFBooleanRef IOCFBooleanCreate(bool value);

/**
 * IOCFBooleanGetValue() - the value
 * @boolean: a boolean
 *
 * CoreFoundation: CFBooleanGetValue().
 *
 * Return: the value; false if not a boolean.
 */
bool IOCFBooleanGetValue(IOCFBooleanRef boolean);

/* ---- Data --------------------------------------------------------------- */

/**
 * IOCFDataCreate() - data from bytes
 * @bytes: the bytes, copied (may be NULL if @length is 0)
 * @length: their number
 *
 * CoreFoundation: CFDataCreate().
 *
 * Return: the data (release it), or NULL with errno.
 */
IOCFDataRef IOCFDataCreate(const void *bytes, size_t length);

/**
 * IOCFDataGetBytePtr() - the bytes
 * @data: a data object
 *
 * CoreFoundation: CFDataGetBytePtr().
 *
 * Return: the bytes, borrowed (non-NULL even when empty); NULL if not data.
 */
const uint8_t *IOCFDataGetBytePtr(IOCFDataRef data);

/**
 * IOCFDataGetLength() - the number of bytes
 * @data: a data object
 *
 * CoreFoundation: CFDataGetLength().
 *
 * Return: the length, 0 if not data.
 */
size_t IOCFDataGetLength(IOCFDataRef data);

/* ---- IOKS, the kernel's binary form ------------------------------------- */

/*
 * Why a stream was refused: the values of enum iokit_serial_error in
 * uapi/linux/iokit.h, repeated here so applications need not include
 * the kernel header.
 */
enum {
	kIOCFSerialOK = 0,
	kIOCFSerialErrorTruncated,
	kIOCFSerialErrorMagic,
	kIOCFSerialErrorVersion,
	kIOCFSerialErrorType,
	kIOCFSerialErrorDepth,
	kIOCFSerialErrorObjects,
	kIOCFSerialErrorCount,
	kIOCFSerialErrorSize,
	kIOCFSerialErrorNumber,
	kIOCFSerialErrorBoolean,
	kIOCFSerialErrorPadding,
	kIOCFSerialErrorKey,
	kIOCFSerialErrorDuplicateKey,
	kIOCFSerialErrorString,
	kIOCFSerialErrorTrailing,
	kIOCFSerialErrorNotDict,
	kIOCFSerialErrorUnknownKey,
	kIOCFSerialErrorValue,
	kIOCFSerialErrorNoMemory,
};

/**
 * struct IOCFSerialError - where and why IOCFUnserialize() failed
 * @offset: byte offset of the offending object in the stream
 * @reason: a kIOCFSerialError* value
 */
struct IOCFSerialError {
	uint32_t offset;
	uint32_t reason;
};

/**
 * IOCFSerialize() - encode an object as an IOKS stream
 * @object: any IOCF object (the kernel wants a dictionary for properties
 *	and matching)
 * @length: out: bytes in the returned buffer
 *
 * IOKitLib: IOCFSerialize(), which returns a CFData of XML.  The stream
 * is checked against the same limits the kernel enforces (nesting 16,
 * 4096 entries per container, 65536 objects, 1 MiB), so whatever this
 * returns the kernel can parse.
 *
 * Return: a malloc()ed buffer (free() it), or NULL with errno EINVAL
 * (NULL or unknown object), E2BIG (over a limit) or ENOMEM.
 */
void *IOCFSerialize(IOCFTypeRef object, size_t *length);

/**
 * IOCFUnserialize() - decode an IOKS stream
 * @buffer: the stream
 * @length: its length
 * @error: out, may be NULL: on failure, the offset and kIOCFSerialError*
 *	reason the parser (the kernel's own, kmod/shared/os_serial.c)
 *	reported
 *
 * IOKitLib: IOCFUnserialize(), which parses XML and reports a CFString.
 * Dictionaries keep the stream's key order.
 *
 * Return: the object (release it), or NULL with errno EINVAL (malformed,
 * see @error) or ENOMEM.
 */
IOCFTypeRef IOCFUnserialize(const void *buffer, size_t length,
			    struct IOCFSerialError *error);

/**
 * IOCFSerialErrorString() - text for a kIOCFSerialError* reason
 * @reason: the reason
 *
 * Return: a constant English string.
 */
const char *IOCFSerialErrorString(uint32_t reason);

/* ---- JSON --------------------------------------------------------------- */

/*
 * JSON mapping (both directions; via the jansson library):
 *
 *	dictionary  <-> object, key order kept both ways
 *	array       <-> array
 *	string      <-> string
 *	boolean     <-> true / false
 *	number      <-> integer
 *	data        <-> {"$data": "<hex>"}, an object with exactly that key
 *
 * Numbers: output prints the value as IOCFNumberGetValue() returns it
 * (widths below 64 bits are never negative; a 64-bit value above
 * INT64_MAX prints as its negative two's-complement reading, since JSON
 * readers rarely take integers beyond the signed 64-bit range).  Input
 * integers must lie in INT64_MIN..INT64_MAX and become 64-bit numbers,
 * the default width OSUnserializeXML() gives an <integer>; the width is
 * not carried by plain JSON.
 *
 * Data: output hex is lowercase; input accepts either case and needs an
 * even number of digits.  An object whose only key is "$data" always
 * means data, so a dictionary with exactly that one key cannot be
 * written as JSON: IOCFCopyJSON() fails with EINVAL.
 *
 * Refused on input, with a message naming where: null, numbers with a
 * fraction or exponent, integers out of range, duplicate keys, keys that
 * are empty or longer than 127 bytes, strings containing U+0000.
 * Strings that are not valid UTF-8 are written with each bad byte
 * replaced by U+FFFD.
 */
#define kIOCFJSONCompact	0x0	/* one line, no spaces */
#define kIOCFJSONPretty		0x1	/* two-space indentation */

/**
 * IOCFCopyJSON() - format an object as JSON text
 * @object: any IOCF object
 * @flags: kIOCFJSONCompact or kIOCFJSONPretty
 *
 * No IOKitLib counterpart (the nearest is IOCFSerialize()'s XML).  The
 * text has no trailing newline.
 *
 * Return: a malloc()ed NUL-terminated string (free() it), or NULL with
 * errno EINVAL (see the mapping above, or nesting deeper than 512) or
 * ENOMEM.
 */
char *IOCFCopyJSON(IOCFTypeRef object, unsigned int flags);

/**
 * IOCFCreateFromJSON() - parse JSON text into an object
 * @text: NUL-terminated JSON; any value may be at the top
 * @errmsg: out, may be NULL: on failure a malloc()ed message (free() it)
 *	such as "line 3 column 7: ..." or "at /IOPropertyMatch/0: null is
 *	not supported"; set to NULL on success
 *
 * No IOKitLib counterpart (the nearest is IOCFUnserialize()'s XML).
 *
 * Return: the object (release it), or NULL with errno EINVAL or ENOMEM.
 */
IOCFTypeRef IOCFCreateFromJSON(const char *text, char **errmsg);

#ifdef __cplusplus
}
#endif

#endif /* _IOKIT_IOCFTYPES_H */
