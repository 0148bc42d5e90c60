/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Passive matching: does a registry entry satisfy a matching dictionary?
 * The same rules serve IOServiceGetMatchingServices, matching
 * notifications and driver personalities (Documentation/matching.rst).
 */
#ifndef _IOKIT_IO_MATCHING_H
#define _IOKIT_IO_MATCHING_H

#include <iokit/io_registry_entry.h>

int io_matching_validate(const struct os_dictionary *match, const char **bad_key);
bool io_matching_match_passive(struct io_registry_entry *entry,
			       const struct os_dictionary *match);

#endif /* _IOKIT_IO_MATCHING_H */
