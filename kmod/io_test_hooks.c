// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test-only delay points (io_test_hooks.h): "echo N >
 * /sys/module/iokit/parameters/test_delay_point" makes every pass
 * through point N sleep test_delay_ms milliseconds, in whatever thread
 * passes.  Built only into test builds.
 */
#include <linux/delay.h>
#include <linux/module.h>

#include "io_test_hooks.h"

static int test_delay_point;
module_param(test_delay_point, int, 0644);
MODULE_PARM_DESC(test_delay_point, "Test builds only: the delay point to sleep at (0: none)");

static unsigned int test_delay_ms = 200;
module_param(test_delay_ms, uint, 0644);
MODULE_PARM_DESC(test_delay_ms, "Test builds only: how long the delay point sleeps");

/**
 * io_test_delay() - sleep here if the tests asked for this point
 * @point: the delay point
 */
void io_test_delay(enum io_test_delay_point point)
{
	if (READ_ONCE(test_delay_point) == point)
		msleep(READ_ONCE(test_delay_ms));
}
