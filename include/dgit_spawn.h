/*
 * Running a program from an argv vector (never a shell string) and
 * waiting for it.  A stand-in with the small part of the run module
 * (dgit_run.h) that push and the local archive need; callers move to
 * dgit_run when it exists.
 *
 * The child inherits stdin from /dev/null and stderr from us; stdout is
 * captured (up to cap bytes; more is DGIT_ERR_LIMIT) when out is given,
 * else sent to our stderr, so lib/ callers never write to stdout.
 */
#ifndef DGIT_SPAWN_H
#define DGIT_SPAWN_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_spawn_opts {
	const char *cwd;           /* run there; NULL: here */
	const char *const *env;    /* "NAME=VALUE" to set, NULL-terminated */
	int quiet;                 /* stderr (and uncaptured stdout) to
	                              /dev/null */
	char **out;                /* captured stdout, caller frees */
	size_t *outlen;
	size_t cap;                /* 0: 1 MiB */
};

/*
 * Run argv[0] (looked up in PATH) with argv.  DGIT_ERR_CHILD when it
 * cannot be started or does not exit 0, the message naming the program
 * and its exit status or signal.  o may be NULL.
 */
const struct dgit_error *dgit_spawn(const char *const *argv,
    const struct dgit_spawn_opts *o);

#endif
