// SPDX-License-Identifier: GPL-2.0-only
/*
 * Match records (the match ledger, iokitctl match-test) as text, for
 * ioreg and iokitctl alike.
 */
#include <stdio.h>
#include <string.h>

#include <linux/iokit.h>

#include "iokit_match_text.h"

/**
 * iokit_match_record_print() - one evaluation as a line of text
 * @f: where
 * @rec: the record
 */
void iokit_match_record_print(FILE *f, const struct iokit_match_record *rec)
{
	fprintf(f, "  %-24s ", rec->personality);
	switch (rec->phase) {
	case IOKIT_MATCH_PASSIVE_FAILED:
	case IOKIT_MATCH_FAMILY_FAILED:
		fprintf(f, "no match: %s wants %s, has %s\n", rec->key, rec->expected, rec->actual);
		break;
	case IOKIT_MATCH_MATCHED:
		fprintf(f, "matches (score %d)\n", rec->score);
		break;
	case IOKIT_MATCH_CATEGORY_TAKEN:
		fprintf(f, "matches (score %d), but %s holds category %s\n", rec->score,
			rec->actual, rec->expected);
		break;
	case IOKIT_MATCH_NATIVE_DRIVER:
		fprintf(f, "matches (score %d), but Linux driver %s holds the device (%s: %s)\n",
			rec->score, rec->actual, rec->key, rec->expected);
		break;
	case IOKIT_MATCH_NOT_LOADED:
		fprintf(f, "matches (score %d), but its module %s is not loaded: %s", rec->score,
			rec->expected, rec->actual);
		if (rec->error)
			fprintf(f, " (%s)", strerror(-rec->error));
		fputc('\n', f);
		break;
	case IOKIT_MATCH_INIT_FAILED:
	case IOKIT_MATCH_PROBE_FAILED:
	case IOKIT_MATCH_START_FAILED:
		fprintf(f, "%s failed: %s (score %d)\n",
			rec->phase == IOKIT_MATCH_INIT_FAILED ? "init" :
			rec->phase == IOKIT_MATCH_PROBE_FAILED ? "probe" : "Start",
			strerror(-rec->error), rec->score);
		break;
	case IOKIT_MATCH_STARTED:
		fprintf(f, "started (score %d)\n", rec->score);
		break;
	default:
		fprintf(f, "phase %u\n", rec->phase);
	}
}
