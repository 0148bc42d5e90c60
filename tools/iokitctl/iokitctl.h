/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What iokitctl's files share: the control node, errors, module loading.
 */
#ifndef IOKITCTL_H
#define IOKITCTL_H

/* Print "iokitctl: " and the message to stderr, and exit with status 1. */
void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);

/* The control node, opened on first use; dies if iokit is not loaded. */
int control(void);

/* Whether @name (a module name or a .ko path) can be found to load. */
int module_exists(const char *name);

/* Load @name and its dependencies: 0 (also if loaded already) or -errno. */
int load_module(const char *name, const char *params);

/* A whole text file, NUL-terminated, in a malloc()ed buffer; dies if it cannot. */
char *read_file(const char *file);

/* iokitctl_policy.c: root's policy; entitlements of programs. */
int policy_main(int argc, char **argv);
int entitle(const char *program, const char *file);
int entitlements_show(const char *program);

/* iokitctl_loader.c: serving iokit's module load requests. */
int loader_attach(unsigned int port_flags);
int loader_serve_until_quiet(int port);
int loader_run(void);

#endif /* IOKITCTL_H */
