/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Passive matching: does a registry entry satisfy a matching dictionary?
 * The same rules serve IOServiceGetMatchingServices, matching
 * notifications and driver personalities (Documentation/matching.rst).
 */
#ifndef _IOKIT_IO_MATCHING_H
#define _IOKIT_IO_MATCHING_H

#include <linux/compiler_attributes.h>

#include <iokit/io_registry_entry.h>

/**
 * struct io_match_report - why a match failed, for the match ledger
 * @key: the key that failed, or NULL while none has
 * @expected: what the dictionary asked for, as text
 * @actual: what the entry has, as text
 */
struct io_match_report {
	const char *key;
	char expected[IOKIT_MATCH_STR_MAX];
	char actual[IOKIT_MATCH_STR_MAX];
};

__printf(3, 4)
void io_match_report_fail(struct io_match_report *r, const char *key,
			  const char *expected_fmt, ...);
__printf(2, 3)
void io_match_report_actual(struct io_match_report *r, const char *fmt, ...);
void io_match_report_object(char *buf, size_t size, const struct os_object *obj);

/* Providers IOParentMatch's walk up the registry visits at most. */
#define IO_MATCH_PARENT_HOPS_MAX	32

int io_matching_validate(const struct os_dictionary *match, const char **bad_key);
bool io_matching_is_path(const struct os_object *v);
unsigned long io_matching_cost(const struct os_dictionary *match);
bool io_matching_match_passive(struct io_registry_entry *entry,
			       const struct os_dictionary *match);
bool io_matching_match_passive_report(struct io_registry_entry *entry,
				      const struct os_dictionary *match,
				      struct io_match_report *r);

#endif /* _IOKIT_IO_MATCHING_H */
