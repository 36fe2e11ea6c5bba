/*
 * A local archive to push to: an apt archive managed by reprepro (signed
 * incoming, signed InRelease) and a dgit git server (bare repositories),
 * all under one directory DIR:
 *
 *   DIR/public/            the archive as apt and dgit read it (dists/,
 *                          pool/, archive-keyring.gpg); the mirror
 *   DIR/git/               the dgit git server (dgit-repos-server(1)):
 *                          dgit-repos.conf trusting the uploaders'
 *                          keyring, and PACKAGE.git, made by its
 *                          init-repo (hooks installed) on the first
 *                          push of a package
 *   DIR/reprepro/          reprepro's conf/, db/, incoming/ (dput puts
 *                          uploads there), tmp/
 *   DIR/gnupg/             the archive's signing key (no passphrase) and
 *                          the uploaders' public keys reprepro checks
 *   DIR/archive-keyring.gpg, DIR/uploaders-keyring.gpg
 */
#ifndef DGIT_LOCALARCHIVE_H
#define DGIT_LOCALARCHIVE_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_localarchive_suite {
	const char *codename;      /* sid */
	const char *suite;         /* unstable, or NULL */
};

struct dgit_localarchive_opts {
	const char *dir;           /* absolute; must not exist or be empty */
	const char *distro;        /* "local" */
	const struct dgit_localarchive_suite *suites;
	size_t nsuites;
	const char *uploader_key;  /* the user's key allowed to upload;
	                              NULL: the first secret key */
	const char *dgit_program;  /* absolute path, for dput's
	                              post_upload_command */
	const char *server_program;   /* dgit-repos-server, absolute */
	void (*info)(void *arg, const char *msg);   /* "did X" lines */
	void *info_arg;
};

/*
 * Make the archive, then configure it for the user: dgit-distro.DISTRO.*
 * in the global git config (mirror, archive-keyring, keyring, git-url,
 * git-check, git-create "init-repo:SERVER_PROGRAM", upload-host, keyid)
 * and a dput host DISTRO in ~/.dput.cf.
 * On failure before the configuration step DIR is removed again;
 * DGIT_ERR_EXISTS when DIR is not empty or ~/.dput.cf has the host.
 */
const struct dgit_error *dgit_localarchive_init(
    const struct dgit_localarchive_opts *o);

/*
 * Process DIR's incoming uploads with reprepro (signatures checked
 * against the uploaders list; Sources and a signed InRelease
 * regenerated).  A rejected upload is DGIT_ERR_CHILD; its files are
 * removed from incoming.
 */
const struct dgit_error *dgit_localarchive_process(const char *dir);

/*
 * Serve DIR's published archive (DIR/public only: not its keys, the git
 * server or reprepro's state) read-only over HTTP on addr:port, with
 * Python's http.server (GET and HEAD; it resolves no path outside the
 * directory), until it is interrupted.  addr is an IPv4 or IPv6
 * address; port 1-65535.  DGIT_ERR_USAGE when DIR is not a local
 * archive; DGIT_ERR_NOT_FOUND when python3 is not installed.
 */
const struct dgit_error *dgit_localarchive_serve(const char *dir,
    const char *addr, unsigned port);

#endif
