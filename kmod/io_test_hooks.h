/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-only delay points, compiled into test builds alone (the debug and
 * KCSAN kernels' modules, built with IOKIT_TEST_HOOKS=1): each widens one
 * window a race needs, so a stress test can hit it every time.  In every
 * other build they are empty.  io_test_hooks.c, Documentation/testing.rst.
 */
#ifndef IOKIT_IO_TEST_HOOKS_H
#define IOKIT_IO_TEST_HOOKS_H

/* The windows, numbered as the test_delay_point parameter names them. */
enum io_test_delay_point {
	IO_TEST_DELAY_NONE,
	IO_TEST_DELAY_SEARCH_FOUND = 1,		/* SearchProperty found, unlocked */
	IO_TEST_DELAY_BEFORE_ATTACH = 2,	/* an instance made, not attached */
	IO_TEST_DELAY_FAMILIES_STOPPED = 3,	/* unloading: hot-plug followed no more */
	IO_TEST_DELAY_ARMING = 4,		/* a notification listed, not yet live */
};

#ifdef IOKIT_TEST_HOOKS
void io_test_delay(enum io_test_delay_point point);
#else
static inline void io_test_delay(enum io_test_delay_point point)
{
}
#endif

#endif /* IOKIT_IO_TEST_HOOKS_H */
