/*
 * Fetching from a git URL that is not on this machine, through the git
 * program (`git ls-remote`, `git fetch`, run by dgit_run): every URL form
 * git knows (ssh, `host:path`, ext::, http(s) with the user's credential
 * helpers and proxies, url.*.insteadOf) works as it does for git and for
 * Perl dgit.  A path or file:// URL is left to the callers' in-process
 * local copy (dgit_gitfetch_local_path says which).
 *
 * Nothing fetched becomes a ref of the repository: the download goes into
 * refs/dgit-fetch/PRIVATE/..., a namespace only the one call uses, read
 * back and deleted before the call returns; the caller checks the
 * objects and sets its own refs.
 */
#ifndef DGIT_GITFETCH_H
#define DGIT_GITFETCH_H

#include <stddef.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_error.h"

/* Caps on a listing: ref name length, and the whole output's size. */
#define DGIT_GITFETCH_MAX_NAME 1024
#define DGIT_GITFETCH_MAX_LIST (64u << 20)

/* One ref a remote offers. */
struct dgit_gitfetch_head {
	char *name;                /* "refs/..." */
	git_oid id;
};

/* A listing; owned by the struct (dgit_gitfetch_list_release). */
struct dgit_gitfetch_list {
	struct dgit_gitfetch_head *heads;
	size_t n;
};

/*
 * The local path url names ("/srv/x.git", "file:///srv/x.git"), pointing
 * into url, or NULL for a URL to fetch with the git program.
 */
const char *dgit_gitfetch_local_path(const char *url);

/*
 * `git ls-remote URL PATTERNS...` (patterns as git's ls-remote takes
 * them; none: all refs), run in repo's git directory so that its config
 * applies.  Peeled "^{}" entries and names longer than
 * DGIT_GITFETCH_MAX_NAME are left out.  More than maxrefs entries is
 * DGIT_ERR_LIMIT; the remote not answering (no repository there, no such
 * host, a URL form git does not know) is DGIT_ERR_CHILD with git's own
 * message.
 */
const struct dgit_error *dgit_gitfetch_ls(struct dgit_gitfetch_list *out,
    git_repository *repo, const char *url, const char *const *patterns,
    size_t npatterns, size_t maxrefs);
void dgit_gitfetch_list_release(struct dgit_gitfetch_list *l);

/*
 * Download from url the objects of the remote refs names[0..n) (full
 * names, each of which the remote must have) with one `git fetch`, and
 * set ids[i] to the value of names[i] that was fetched.  No ref of repo
 * is left created or changed; the objects are in repo's object store
 * (libgit2's view of it refreshed) when this returns NULL.
 */
const struct dgit_error *dgit_gitfetch_download(git_oid *ids,
    git_repository *repo, const char *url, const char *const *names,
    size_t n);

/*
 * dgit's git-check before a fetch, for a distro whose
 * dgit-distro.DISTRO.git-check is "ssh-cmd" (for any other value: *have
 * 1, *url NULL, nothing run): the rune
 *   : dgit DISTRO git-check PACKAGE ; set -e; cd 'GIT-PATH'; if test -d ...
 * through dgit-distro.DISTRO.ssh on the git host.  Its answer "1" or
 * "0" sets *have; "divert NAME" (dgit-ssh-dispatch's) switches to the
 * distro dgit-distro.DISTRO.diverts.NAME (a leading "/" names one below
 * DISTRO: "/drs" is "DISTRO/drs"), whose config (falling back to
 * DISTRO's) is then checked the same way; "diverting to NAME (using
 * config for DIVERTED)" goes to info.  After a divert, *url is that
 * distro's GIT-URL/PACKAGE.git (caller frees), to fetch from instead.
 * Any other answer, or the rune failing, is an error, as for dgit.
 */
const struct dgit_error *dgit_gitfetch_check(int *have, char **url,
    const struct dgit_config *cfg, const char *distro, const char *package,
    void (*info)(void *arg, const char *msg), void *info_arg);

/*
 * Run rune (a shell command line, quoted by the caller) on distro's git
 * host: dgit-distro.DISTRO.ssh (default "ssh"; one with words is run by
 * sh, as dgit does) with [USER@]GIT-HOST and rune.  *out is its stdout,
 * one trailing newline dropped (caller frees).  With status, a non-zero
 * exit is not an error but its code in *status.
 */
const struct dgit_error *dgit_gitfetch_ssh(char **out, int *status,
    const struct dgit_config *cfg, const char *distro, const char *rune);

/*
 * Fill argv (DGIT_GITFETCH_SSH_ARGV entries, NULL-terminated) to run rune
 * on host as user (NULL or "": ssh's default) through ssh, as dgit runs
 * its ssh commands: an ssh setting with words ("ssh -o ...") through sh.
 * argv points into *uh and *shexec, the caller's to free (NULL on error).
 */
#define DGIT_GITFETCH_SSH_ARGV 8
const struct dgit_error *dgit_gitfetch_ssh_argv(const char **argv,
    char **uh, char **shexec, const char *ssh, const char *user,
    const char *host, const char *rune);

#endif
