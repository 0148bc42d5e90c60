/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Match records as text (tools/common/iokit_match_text.c).
 */
#ifndef IOKIT_MATCH_TEXT_H
#define IOKIT_MATCH_TEXT_H

#include <stdio.h>

struct iokit_match_record;

void iokit_match_record_print(FILE *f, const struct iokit_match_record *rec);

#endif /* IOKIT_MATCH_TEXT_H */
