/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ioreg's parts: the registry browser (ioreg.c) and --why (ioreg_why.c).
 */
#ifndef IOREG_H
#define IOREG_H

int ioreg_why(const char *arg, const char *personality);

#endif /* IOREG_H */
