// SPDX-License-Identifier: GPL-2.0-only
/* HAVE_EVENTFD_SIGNAL_NO_COUNT: eventfd_signal() takes only the context. */
#include <linux/eventfd.h>

void iokit_probe(struct eventfd_ctx *ctx);
void iokit_probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
