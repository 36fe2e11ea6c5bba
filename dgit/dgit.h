/* Internal interface of the dgit program: options, command table, output. */
#ifndef DGIT_PROGRAM_H
#define DGIT_PROGRAM_H

#include <stddef.h>

#include "dgit_error.h"

/* Exit codes (documented in dgit.1, EXIT STATUS). */
#define DGIT_EXIT_OK 0
#define DGIT_EXIT_FAIL 1           /* the operation failed */
#define DGIT_EXIT_USAGE 2          /* bad command line */
#define DGIT_EXIT_NOT_IMPLEMENTED 3

/* The one mutable global: options common to all commands. */
struct dgit_opts {
	const char *distro;        /* -d DISTRO, NULL when not given */
	const char **config;       /* -c name=value, in order given */
	size_t nconfig;
	const char *keyid;         /* -k KEYID */
	int dry_run;               /* -n, --dry-run */
	int damp_run;              /* -L, --damp-run */
	int debug;                 /* -D, repeatable */
	int quiet;                 /* -q */
};
extern struct dgit_opts dgit_opts;

#define CMD_NEEDS_REPO  0x1        /* must run inside a git working tree */
#define CMD_NEEDS_CLEAN 0x2        /* the working tree must be clean */

struct dgit_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);   /* argv[0] is the command name */
	unsigned flags;
	const char *usage;         /* arguments after the command name */
	const char *summary;       /* one line */
	const char *help;          /* command-specific options, or NULL */
};

/* Print "dgit: MSG" for err and return the exit code its kind calls for. */
int dgit_report(const struct dgit_error *err);
/* Print a usage error for cmd and return DGIT_EXIT_USAGE. */
int dgit_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Debug line to stderr when -D was given at least level times. */
void dgit_debug(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Informational line to stderr unless -q. */
void dgit_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A command that does not exist yet: say so, exit non-zero. */
int dgit_not_implemented(const char *cmd);

int cmd_clone(int, char **);
int cmd_fetch(int, char **);
int cmd_pull(int, char **);
int cmd_checkout(int, char **);
int cmd_import_dsc(int, char **);
int cmd_download_source(int, char **);
int cmd_build_source(int, char **);
int cmd_quilt_fixup(int, char **);
int cmd_push_source(int, char **);
int cmd_push(int, char **);
int cmd_push_built(int, char **);
int cmd_local_archive(int, char **);

#endif
