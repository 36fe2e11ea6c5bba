/*
 * What a command made and must remove if it fails or is interrupted: a
 * short list of paths, removed by cleanup_run() on a failure and by a
 * handler for SIGINT, SIGTERM and SIGHUP, which then dies of the signal
 * as it would have (the shell sees the signal, as with git clone).
 *
 * The list is the one piece of mutable state in dgit/ besides the
 * options: a signal handler can reach nothing else.  It is changed only
 * with those signals blocked, a handler running meanwhile on another
 * thread waits for the change to be whole, and the handler uses only
 * system calls (openat, getdents64, unlinkat), no allocation, no stdio.
 */
#ifndef DGIT_CLEANUP_H
#define DGIT_CLEANUP_H

#include <signal.h>

/*
 * Hold the three signals off (*old: the mask to restore) while making
 * something and registering it, so no interruption falls between.
 */
void cleanup_block(sigset_t *old);
void cleanup_unblock(const sigset_t *old);

/* Install the handlers (once; later calls do nothing). */
void cleanup_install(void);

/*
 * Register path (absolute) for removal: a directory tree when tree is 1,
 * else a single non-directory.  Returns 0, or -1 when the list is full
 * or the path too long (the path is then not removed on interruption).
 */
int cleanup_register(const char *path, int tree);

/* Remove everything registered, newest first, and empty the list. */
void cleanup_run(void);

/* Empty the list without removing anything (the command succeeded). */
void cleanup_forget(void);

/* Forget one registered path (it was renamed into place). */
void cleanup_forget_path(const char *path);

/*
 * A lib/ "told" callback (dgit_fs_mkdtemp_told's): made 1 registers path
 * (made absolute against the working directory; a directory or a file),
 * installing the handlers; made 0 forgets it.
 */
void cleanup_told(void *arg, const char *path, int made);

/*
 * A lib/ "hold" callback: on 1 holds the three signals off (a change that
 * must not stop half-way: HEAD and the working tree moving together),
 * on 0 lets them in again (one pending is then taken); a handler another
 * thread runs meanwhile waits for the 0.  Not nested.
 */
void cleanup_hold(void *arg, int on);

#endif
