/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-user budgets for what iokit keeps on a user's behalf (io_user.c).
 */
#ifndef IOKIT_IO_USER_H
#define IOKIT_IO_USER_H

#include <linux/types.h>

struct io_user;
struct seq_file;

/*
 * The default matching-cost budget of one user: the units of
 * io_matching_cost() its armed notifications may add up to.
 * Documentation/security.rst gives what one unit costs a hot-plug.
 */
#define IO_USER_MATCH_COST_DEFAULT	65536

struct io_user *io_user_get_current(void);
void io_user_put(struct io_user *u);
int io_user_charge(struct io_user *u, size_t memory, unsigned long cost);
void io_user_uncharge(struct io_user *u, size_t memory, unsigned long cost);
void io_user_show(struct seq_file *m);

#endif /* IOKIT_IO_USER_H */
