/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal check harness for libiokit's user-space tests: every failed
 * CHECK() is reported with its line and the run goes on, so one run shows
 * every problem; test_summary() prints TAP-style totals and gives the
 * exit status.
 */
#ifndef IOKIT_LIB_TEST_H
#define IOKIT_LIB_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_checks, test_failures;

#define CHECK(cond)							\
	do {								\
		test_checks++;						\
		if (!(cond)) {						\
			test_failures++;				\
			fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",\
				__FILE__, __LINE__, __func__, #cond);	\
		}							\
	} while (0)

static inline int test_summary(const char *name)
{
	printf("%s %s: %d checks, %d failed\n", test_failures ? "not ok" : "ok", name,
	       test_checks, test_failures);
	return test_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* IOKIT_LIB_TEST_H */
