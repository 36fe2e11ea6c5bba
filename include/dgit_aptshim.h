/*
 * The libapt-pkg shim: the project's only C++ (lib/aptshim.cc) behind a
 * plain C interface.  Two services: Debian version comparison with apt's
 * own algorithm, and the system's apt sources (one-line .list files and
 * deb822 .sources files) as apt itself reads them.
 *
 * apt keeps its configuration in process-wide globals, so the shim
 * serialises every call that touches them with an internal lock; the
 * functions are safe to call from any thread, one at a time inside apt.
 * Nothing here prints: apt's error stack becomes our error.
 */
#ifndef DGIT_APTSHIM_H
#define DGIT_APTSHIM_H

#include <stddef.h>

#include "dgit_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Initialise apt's configuration (apt.conf, apt.conf.d, $APT_CONFIG) and
 * system once per process; later calls return the first success at once,
 * and retry after a failure.  The other functions call this themselves.
 */
const struct dgit_error *dgit_aptshim_init(void);

/*
 * Compare Debian versions a and b with apt's debVersioningSystem: <0 when
 * a is older, 0 when equal, >0 when newer.  Works on any strings without
 * validating them (validate first with dgit_version_check); needs no init.
 */
int dgit_aptshim_version_compare(const char *a, const char *b);

/* One apt source: one type, URI and suite with its components. */
struct dgit_apt_source {
	char *type;          /* "deb" or "deb-src" */
	char *uri;           /* as apt normalises it: ends in '/';
	                        file: URIs are given as file:///PATH/ */
	char *suite;         /* the "dist" as written: "bookworm", "sid",
	                        or a path ending in '/' for a flat repository */
	char **components;   /* "main", ...; none for a flat repository */
	size_t ncomponents;
	char *signed_by;     /* Signed-By as written (keyring paths,
	                        fingerprints or a key block), NULL if unset */
	char *origin;        /* where it was read: "FILE:LINE" (a deb822
	                        stanza counts from 1), NULL if apt does not say */
	int check_valid_until; /* the entry's own option, one-line
	                        [check-valid-until=no] or deb822
	                        "Check-Valid-Until: no": 1 yes, 0 no (also
	                        for a value that is not a boolean, as apt),
	                        -1 unset (Acquire::Check-Valid-Until
	                        decides).  apt refuses merged lines
	                        that disagree. */
};

/*
 * Which files to read.  NULL options mean the system's: Dir::Etc::sourcelist
 * and Dir::Etc::sourceparts from apt's configuration (so $APT_CONFIG can
 * redirect them).  With options, exactly list_file (if not NULL) and then
 * every *.list and *.sources file in parts_dir (if not NULL) are read.
 */
struct dgit_aptshim_sources_opts {
	const char *list_file;  /* one-line or deb822 format by extension */
	const char *parts_dir;
};

/*
 * List the configured sources in apt's order.  Lines apt merges (the same
 * URI and suite given as deb and deb-src, or in several lines) come back
 * as one entry per type, deb before deb-src, components in the order first
 * seen.  Entries with "Enabled: no" are left out, as apt does.
 * *out is a caller-owned array of *n entries (possibly 0 with *out NULL);
 * free it with dgit_aptshim_sources_free.  Fails with DGIT_ERR_PARSE
 * carrying apt's messages when a sources file is malformed or unreadable.
 */
const struct dgit_error *dgit_aptshim_sources_list(
    struct dgit_apt_source **out, size_t *n,
    const struct dgit_aptshim_sources_opts *opts);
void dgit_aptshim_sources_free(struct dgit_apt_source *v, size_t n);

/*
 * What apt's own configuration says about fetching from uri (a mirror
 * taken from apt's sources):
 *   check_valid_until: Acquire::Check-Valid-Until (default true), which
 *       a source's own check_valid_until (>= 0) overrides, as apt;
 *   proxy: for http: and https: URIs, Acquire::SCHEME::Proxy::HOST, else
 *       Acquire::SCHEME::Proxy (https falls back to http's, as apt's https
 *       method does); "" when apt says DIRECT (no proxy, not even the
 *       environment's); NULL when unset (the environment's, as apt).
 * out->proxy is caller-owned (free).
 */
struct dgit_apt_acquire {
	int check_valid_until;
	char *proxy;
};
const struct dgit_error *dgit_aptshim_acquire(struct dgit_apt_acquire *out,
    const char *uri);

/*
 * The keyrings apt trusts: Dir::Etc::Trusted (when it is a file) and the
 * *.gpg and *.asc files of Dir::Etc::TrustedParts, in apt's order.  *out
 * (NULL when none) and its strings are the caller's: free each, then it.
 */
const struct dgit_error *dgit_aptshim_trusted_keyrings(char ***out,
    size_t *n);

#ifdef __cplusplus
}
#endif

#endif
