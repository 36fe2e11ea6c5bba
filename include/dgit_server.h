/*
 * The dgit git server's checks (dgit-repos-server), run in each package
 * repository's pre-receive hook, so they hold under any git server: ssh
 * forced command, git-http-backend, file://.  git receive-pack keeps the
 * pushed objects in its quarantine until the hook exits 0, so a refused
 * push leaves no object and no ref behind.
 *
 * Server layout: SERVERDIR/dgit-repos.conf (git-config format, below) and
 * one bare repository SERVERDIR/PKG.git per source package, made by
 * dgit_server_init_repo, whose hooks run this program.
 *
 *   [dgit-repos]
 *       distro = debian                 required
 *       suite = sid                     one line per suite (canonical)
 *       maintainer-keyring = FILE       any number; signers may push any
 *                                       package
 *       dm-keyring = FILE               any number; signers may push the
 *                                       packages dm-txt allows them
 *       dm-txt = FILE                   Debian's dm.txt (Fingerprint: and
 *                                       Allow: fields)
 *       policy-hook = PROGRAM           optional (dgit's policy hook)
 *       mirror-hook = PROGRAM           optional, run after a push
 *       allow-not-fast-forward = false  with no policy hook: may a tag's
 *                                       --deliberately-not-fast-forward
 *                                       rewind a suite branch?
 *       gate-timeout = 600              seconds, default for gates
 *   [suite "sid"]
 *       alias = unstable                changelog names for this suite
 *       gate = PROGRAM                  optional push gate
 *       gate-timeout = 300
 *
 * Relative file names are taken from SERVERDIR.  Messages to the pusher
 * go through a callback (lib/ never prints).
 */
#ifndef DGIT_SERVER_H
#define DGIT_SERVER_H

#include <stddef.h>

#include "dgit_error.h"

#define DGIT_SERVER_CONFIG "dgit-repos.conf"

/* dgit's policy hook exit bits (dgit-repos-server's Dgit.pm). */
#define DGIT_SERVER_NOFFCHECK     0x2
#define DGIT_SERVER_FRESHREPO     0x4
#define DGIT_SERVER_NOCOMMITCHECK 0x8

struct dgit_server_config;

/*
 * Read SERVERDIR/dgit-repos.conf.  DGIT_ERR_NOT_FOUND when it is missing,
 * DGIT_ERR_PARSE when a setting is missing or malformed (named).
 * *out is the caller's: dgit_server_config_free.
 */
const struct dgit_error *dgit_server_config_load(
    struct dgit_server_config **out, const char *serverdir);
void dgit_server_config_free(struct dgit_server_config *cfg);
/* Borrowed strings. */
const char *dgit_server_config_distro(const struct dgit_server_config *cfg);
const char *dgit_server_config_dir(const struct dgit_server_config *cfg);

/* A line for the pusher (git relays the hook's stderr as "remote: "). */
typedef void (*dgit_server_say_fn)(void *arg, const char *line);

/*
 * Make SERVERDIR/PKG.git, a bare repository whose pre-receive and
 * post-receive hooks run the program at exe (an absolute path) as
 * "EXE hook pre-receive|post-receive SERVERDIR PKG".  Made beside and
 * renamed into place: DGIT_ERR_EXISTS when it exists already.  *out, when
 * not NULL, gets the repository's path (the caller's, free).
 */
const struct dgit_error *dgit_server_init_repo(char **out,
    const char *serverdir, const char *package, const char *exe);

/*
 * The pre-receive checks.  repo_path: the repository (its git directory);
 * the quarantine is found from git's environment.  updates: what
 * receive-pack gives the hook on stdin ("OLD NEW REFNAME" lines).
 * NULL when the push may go ahead; otherwise the reason, for the pusher.
 * A push that passes holds the repository's push lock until
 * dgit_server_post_receive (or until receive-pack, whose pid owner_pid
 * is, exits).
 */
const struct dgit_error *dgit_server_pre_receive(
    const struct dgit_server_config *cfg, const char *repo_path,
    const char *package, const char *updates, size_t len, long owner_pid,
    dgit_server_say_fn say, void *arg);

/*
 * After the refs were updated: run the mirror hook (its failure is only
 * said, the push is done) and release the push lock owner_pid holds.
 */
const struct dgit_error *dgit_server_post_receive(
    const struct dgit_server_config *cfg, const char *repo_path,
    const char *package, long owner_pid, dgit_server_say_fn say, void *arg);

/*
 * The ssh forced command: parse SSH_ORIGINAL_COMMAND, which must be
 * "git-receive-pack PKG.git" or "git-upload-pack PKG.git" (the name may be
 * quoted with '' and have a leading path, which is ignored, as dgit's
 * server does).  Fills *argv (caller frees with dgit_server_argv_free)
 * with the git command to exec on SERVERDIR/PKG.git.  DGIT_ERR_USAGE for
 * anything else, DGIT_ERR_NOT_FOUND when the repository does not exist.
 */
const struct dgit_error *dgit_server_ssh_command(char ***argv,
    const struct dgit_server_config *cfg, const char *command);
void dgit_server_argv_free(char **argv);

#endif
