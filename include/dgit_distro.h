/*
 * Access to a distro's archive and git server, as configured: which
 * mirror, which keyrings for the archive's Release and for .dsc
 * signatures, and which git URL a package's history is fetched from.
 * Everything comes from a struct dgit_config (dgit-distro.DISTRO.KEY,
 * see dgit_config.h), the mirror also from apt's sources.
 */
#ifndef DGIT_DISTRO_H
#define DGIT_DISTRO_H

#include <stddef.h>

#include "dgit_config.h"
#include "dgit_error.h"

/* A distro's access settings; all strings owned by the struct. */
struct dgit_distro {
	const char *name;          /* borrowed from the caller or cfg */
	char *mirror;              /* archive base URL */
	/*
	 * The mirror came from apt's sources; then apt's own settings for
	 * fetching from it apply (dgit_aptshim_acquire): check_valid_until
	 * (Acquire::Check-Valid-Until; 1 when not from apt) and proxy
	 * (Acquire::http(s)::Proxy; NULL: the environment's, "": none).
	 */
	int mirror_from_apt;
	int check_valid_until;
	char *proxy;
	/*
	 * The JSON archive query service's URL (dgit-distro.D.archive-query
	 * "dummycatapi:URL" or "ftpmasterapi:URL", else archive-query-url),
	 * which stands in for the signed Release; NULL when the distro has
	 * none.  Borrowed from cfg.
	 */
	const char *aq_url;
	char **archive_keyrings;   /* files that exist; at least one unless
	                              aq_url is set */
	size_t narchive_keyrings;
	char **dsc_keyrings;       /* dgit-distro.D.keyring, those existing */
	size_t ndsc_keyrings;
	char *git_url;             /* GIT-URL/PACKAGE.git, or NULL */
};

/*
 * Fill d for distro (NULL: the distro of suite, dgit_config_suite_distro)
 * and package (NULL: no git_url):
 *   mirror: dgit-distro.D.mirror, else apt's sources for suite;
 *   archive keyrings: dgit-distro.D.archive-keyring (DGIT_ERR_NOT_FOUND
 *       when none of them exists);
 *   .dsc keyrings: dgit-distro.D.keyring (none is not an error);
 *   git URL: dgit-distro.D.git-url + "/" + package + git-url-suffix
 *       (default ".git"), unless git-check is "false" or git-url empty.
 * cfg must outlive d.  On error d is released.  Release with
 * dgit_distro_release (also on a zeroed d).
 */
const struct dgit_error *dgit_distro_open(struct dgit_distro *d,
    struct dgit_config *cfg, const char *distro, const char *suite,
    const char *package);
void dgit_distro_release(struct dgit_distro *d);

/* The mirror alone (see dgit_distro_open).  *out is the caller's. */
const struct dgit_error *dgit_distro_mirror(char **out,
    const struct dgit_config *cfg, const char *distro, const char *suite);

/*
 * The dgit git server's URL for PACKAGE, to push to (push: the
 * dgit-distro.DISTRO/push.* keys first) or to read from:
 * git-url/PACKAGE(git-url-suffix, default .git), else
 * git-proto[git-user-force@]git-host git-path/PACKAGE.git.  *out NULL
 * when the distro has no git server.  Caller-owned.
 */
const struct dgit_error *dgit_distro_server_git_url(char **out,
    const struct dgit_config *cfg, const char *distro, const char *package,
    int push);

/* The git URL alone; *out NULL when the distro has no git server. */
const struct dgit_error *dgit_distro_git_url(char **out,
    const struct dgit_config *cfg, const char *distro, const char *package);

/*
 * The keyrings a .dsc's signature is checked against, as dpkg-source -x
 * does: dgit-distro.DISTRO.keyring (those that exist), then the user's
 * trustedkeys.gpg ($GNUPGHOME, else ~/.gnupg) when it is a file.  *out
 * (NULL when none) and its strings are the caller's; free with
 * dgit_config_paths_free(*out, *n).
 */
const struct dgit_error *dgit_distro_dsc_keyrings(char ***out, size_t *n,
    const struct dgit_config *cfg, const char *distro);

#endif
