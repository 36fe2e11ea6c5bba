/*
 * Child processes from an argv vector, never through a shell (the model
 * is git's run-command.h).  The program is looked up in the child's PATH
 * by the parent before anything is started, so "not found" is a clear
 * error of its own; the child gets a fresh environment built from ours
 * plus opts->env, its own cwd, stdin from a buffer, a file, /dev/null or
 * ours, and stdout/stderr either inherited, discarded or captured into a
 * buffer with a cap.  Every path out of dgit_run* reaps the child.
 *
 * Safe to call from several threads at once (no globals; the SIGPIPE
 * that writing to a child which went away would raise is blocked and
 * consumed in the calling thread only).
 */
#ifndef DGIT_RUN_H
#define DGIT_RUN_H

#include <stddef.h>

#include "dgit_error.h"

enum dgit_run_in {
	DGIT_RUN_IN_NULL = 0,      /* /dev/null (the default) */
	DGIT_RUN_IN_INHERIT,       /* our own stdin */
	DGIT_RUN_IN_BUF,           /* in_buf, in_len bytes */
	DGIT_RUN_IN_FILE           /* the file in_path */
};

enum dgit_run_out {
	DGIT_RUN_OUT_INHERIT = 0,  /* our own stdout/stderr (the default) */
	DGIT_RUN_OUT_CAPTURE,      /* into dgit_run_result, up to cap bytes */
	DGIT_RUN_OUT_NULL          /* /dev/null */
};

/* Cap on each captured stream when opts->cap is 0. */
#define DGIT_RUN_DEFAULT_CAP (16u * 1024 * 1024)

struct dgit_run_opts {
	/*
	 * NULL-terminated list of changes to our environment, applied in
	 * order: "NAME=VALUE" sets NAME, a bare "NAME" removes it.  NULL:
	 * the child gets our environment unchanged.
	 */
	const char *const *env;
	const char *cwd;           /* directory to run in; NULL: ours */
	enum dgit_run_in in;
	const void *in_buf;        /* DGIT_RUN_IN_BUF */
	size_t in_len;
	const char *in_path;       /* DGIT_RUN_IN_FILE */
	enum dgit_run_out out, err;
	/*
	 * Cap on each captured stream; 0: DGIT_RUN_DEFAULT_CAP.  A child
	 * writing more is killed (SIGKILL), reaped, and the call fails with
	 * DGIT_ERR_LIMIT.
	 */
	size_t cap;
};

/*
 * What a run produced.  Initialise with DGIT_RUN_RESULT_INIT or
 * dgit_run_result_init(); release with dgit_run_result_release().  The
 * captured buffers are NUL-terminated (the NUL not counted) and owned by
 * the result; take one with dgit_run_result_detach_out() to keep it.
 */
struct dgit_run_result {
	char *out;                 /* captured stdout, or NULL */
	size_t out_len;
	char *err;                 /* captured stderr, or NULL */
	size_t err_len;
	int exited;                /* 1: exited normally, status in exit_code */
	int exit_code;
	int signal;                /* the signal that killed it, or 0 */
};
#define DGIT_RUN_RESULT_INIT { NULL, 0, NULL, 0, 0, 0, 0 }

void dgit_run_result_init(struct dgit_run_result *res);
void dgit_run_result_release(struct dgit_run_result *res);
/* Hand over the captured stdout (caller frees; may be NULL). */
char *dgit_run_result_detach_out(struct dgit_run_result *res, size_t *len);

/*
 * Run argv[0] with argv (NULL-terminated) and wait for it.  res may be
 * NULL when nothing is captured and the status is not wanted; opts may be
 * NULL for the defaults.  On entry *res is reset (its buffers freed).
 *
 * Fails with DGIT_ERR_CHILD when the child exits non-zero or is killed:
 * "'dpkg-source -b' exited with status 2" or "... killed by signal 9",
 * followed by the last lines of its captured stderr; res still holds
 * everything captured.  DGIT_ERR_NOT_FOUND when the program is not in
 * PATH ("cannot run 'dput': not found; install it"), DGIT_ERR_ERRNO when
 * it cannot be started (not executable, cwd or stdin file missing),
 * DGIT_ERR_LIMIT when a captured stream exceeds the cap.
 */
const struct dgit_error *dgit_run(struct dgit_run_result *res,
    const char *const *argv, const struct dgit_run_opts *opts);

/*
 * As dgit_run, but a normal exit with any status succeeds: look at
 * res->exit_code (`git merge-base --is-ancestor` answers with it).
 * Being killed by a signal is still DGIT_ERR_CHILD.  res is required.
 */
const struct dgit_error *dgit_run_status(struct dgit_run_result *res,
    const char *const *argv, const struct dgit_run_opts *opts);

/*
 * Run and return its stdout (caller frees; NUL-terminated, *len bytes,
 * len may be NULL) with stderr captured for the error message; other
 * opts as given (opts->out and opts->err are overridden).  With chomp,
 * one trailing newline is dropped (for `git rev-parse`-like output).
 */
const struct dgit_error *dgit_run_capture(char **out, size_t *len,
    const char *const *argv, const struct dgit_run_opts *opts, int chomp);

/*
 * A child that talks with us over two pipes (an ssh to another host):
 * *to is its stdin, *from its stdout (both ours to close, close-on-exec);
 * its stderr is ours.  opts->in, out, err and cap are ignored; env and
 * cwd as for dgit_run.  Finish with dgit_run_child_wait, which reaps it.
 */
struct dgit_run_child;
const struct dgit_error *dgit_run_spawn(struct dgit_run_child **out,
    int *to, int *from, const char *const *argv,
    const struct dgit_run_opts *opts);
/*
 * Wait for the child and free it (NULL: nothing).  kill: send SIGTERM
 * first.  Errors as dgit_run's for its exit status (unless kill).
 */
const struct dgit_error *dgit_run_child_wait(struct dgit_run_child *c,
    int kill);

/*
 * A child whose stdout is read in pieces, for output too large to hold
 * (`git cat-file blob` of a big blob).  dgit_run_pipe_open starts it as
 * dgit_run does (opts->out is ignored: stdout is the pipe;
 * DGIT_RUN_IN_BUF is refused with DGIT_ERR_USAGE; a captured stderr is
 * kept up to opts->cap for the message); dgit_run_pipe_read gives the
 * next bytes of its stdout, at most cap, blocking until there are some
 * (*got 0: end of output); dgit_run_pipe_close, after the end, waits for
 * it and fails as dgit_run does when it exited non-zero or was killed.
 * dgit_run_pipe_free kills (SIGKILL) and reaps a child not yet waited
 * for: the way to abandon one.  *out is caller-owned:
 * dgit_run_pipe_free, after close or instead of it.
 */
struct dgit_run_pipe;              /* opaque */
const struct dgit_error *dgit_run_pipe_open(struct dgit_run_pipe **out,
    const char *const *argv, const struct dgit_run_opts *opts);
const struct dgit_error *dgit_run_pipe_read(struct dgit_run_pipe *rp,
    void *buf, size_t cap, size_t *got);
const struct dgit_error *dgit_run_pipe_close(struct dgit_run_pipe *rp);
void dgit_run_pipe_free(struct dgit_run_pipe *rp);

#endif
