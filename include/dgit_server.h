/*
 * The dgit git server's checks (dgit-repos-server), run in each package
 * repository's pre-receive hook, so they hold under any git server: ssh
 * forced command, git-http-backend, file://.  git receive-pack keeps the
 * pushed objects in its quarantine until the hook exits 0, so a refused
 * push leaves no object and no ref behind.
 *
 * Server layout: SERVERDIR/dgit-repos.conf (git-config format, below) and
 * one bare repository SERVERDIR/PKG.git per source package, made by
 * dgit_server_init_repo or on a new package's first push, whose hooks run
 * this program.  Also, as Debian's server has them: SERVERDIR/_tmp/
 * (prospective and fresh repositories, locks), SERVERDIR/_removed-tags/PKG
 * (tags a fresh start removed, which may never come back),
 * SERVERDIR/PKG_garbage and PKG_garbage-old (the repositories a fresh
 * start replaced), SERVERDIR/_empty.git (what a fetch of an unknown
 * package sees).
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

/*
 * Tell told (with arg) the temporary directories the checks make: made 1
 * just before one is created, made 0 once it is removed, so the caller
 * can remove it if the hook is interrupted (a push gate's directory
 * under $TMPDIR).  NULL: not told.
 */
void dgit_server_config_set_told(struct dgit_server_config *cfg,
    void (*told)(void *arg, const char *path, int made), void *arg);

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
 * Run the mirror hook for PACKAGE, if there is one; its failure is only
 * said (the push is done).  NULL always.
 */
const struct dgit_error *dgit_server_mirror(
    const struct dgit_server_config *cfg, const char *package,
    dgit_server_say_fn say, void *arg);

/*
 * git receive-pack for SERVERDIR/PACKAGE.git, talking on our stdin and
 * stdout (for the ssh dispatcher, and for file:// pushes that name this
 * program as their receive-pack).  A new package's first push goes into
 * SERVERDIR/_tmp/PACKAGE_prospective.git (made as init-repo makes them,
 * hooks running exe, an absolute path), under a lock, and is renamed into
 * place only when the hook accepted it: a refused first push leaves no
 * repository.  DGIT_ERR_CHILD when receive-pack failed (it has told the
 * client why).
 */
const struct dgit_error *dgit_server_receive_pack(
    const struct dgit_server_config *cfg, const char *package,
    const char *exe);

/*
 * git upload-pack of SERVERDIR/PACKAGE.git, or, for a package the server
 * does not have yet, of an empty repository SERVERDIR/_empty.git (made
 * on demand), as Debian's server does.
 */
const struct dgit_error *dgit_server_upload_pack(
    const struct dgit_server_config *cfg, const char *package);

/*
 * The ssh forced command: parse SSH_ORIGINAL_COMMAND, which must be
 * "git-receive-pack PKG.git" or "git-upload-pack PKG.git" (the name may be
 * quoted with '' and have a leading path, which is ignored, as dgit's
 * server does).  *package is the caller's (free); *receive is 1 for
 * receive-pack.  DGIT_ERR_USAGE for anything else.
 */
const struct dgit_error *dgit_server_ssh_parse(char **package, int *receive,
    const char *command);

#endif
