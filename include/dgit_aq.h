/*
 * Archive query services that answer in JSON (dgit's "ftpmasterapi"
 * protocol, and "dummycatapi", the same over a file:// tree, which
 * dgit's own test suite writes for its test-dummy distro):
 *   URL/suites                     [{"name", "codename", ...}, ...]
 *   URL/dsc_in_suite/SUITE/PACKAGE [{"version", "component",
 *                                    "filename", "sha256sum"}, ...]
 * The mirror then holds pool/COMPONENT/FILENAME and no Release: the
 * .dsc is trusted through the sha256sum in the answer, and its files
 * through the .dsc's Checksums-Sha256.
 *
 * Everything is downloaded through dgit_fetch (http, https, file) with
 * the archive's fetch options.
 */
#ifndef DGIT_AQ_H
#define DGIT_AQ_H

#include "dgit_archive.h"
#include "dgit_error.h"

/*
 * 1 when a distro's archive-query setting ("METHOD:" or "METHOD:URL")
 * names a JSON method this module speaks (ftpmasterapi, dummycatapi).
 */
int dgit_aq_method_is_json(const char *archive_query);

/* Cap on one answer's size. */
#define DGIT_AQ_MAX ((size_t)16 << 20)

/*
 * The canonical name (the "codename") of suite, which may be a suite's
 * name or codename, from URL/suites.  *out is caller-owned.
 * DGIT_ERR_NOT_FOUND when no suite has that name.
 */
const struct dgit_error *dgit_aq_canon_suite(char **out,
    const struct dgit_archive_opts *o, const char *url, const char *suite);

/*
 * The highest version of package in suite (as the user named it), from
 * URL/dsc_in_suite/SUITE/PACKAGE, whose .dsc the mirror has (when newer
 * ones are listed but missing from the mirror, *skew is a caller-owned
 * warning saying so, else NULL), its .dsc read from o->mirror and
 * checked against the answer's sha256sum, and its files as the .dsc
 * lists them (each must have a SHA-256).  The result is what
 * dgit_archive_download_source takes.  DGIT_ERR_NOT_FOUND when the
 * package is not in the suite, DGIT_ERR_PARSE for a malformed answer,
 * DGIT_ERR_CHECKSUM when the .dsc does not match.  *out is
 * caller-owned: dgit_archive_source_free.
 */
const struct dgit_error *dgit_aq_find_source(
    struct dgit_archive_source **out, char **skew,
    const struct dgit_archive_opts *o, const char *url, const char *suite,
    const char *package);

/*
 * What the archive says of one package in one suite, by the distro's
 * archive-query method: through the JSON service when o->aq_url is set
 * (dummycatapi:, ftpmasterapi:), else through the suite's signed Release
 * and Sources (dgit_archive.h), the way every other method's answer is
 * checked here.  Fetch and push-source both ask this.
 */
struct dgit_aq_lookup {
	char *csuite;              /* the suite's canonical name (codename) */
	char *name;                /* its other name (Suite), or NULL */
	struct dgit_archive_source *src;   /* NULL: the package is not in
	                                      the suite */
	char *absent;              /* src NULL: the message saying so */
	char *skew;                /* archive skew warning, or NULL */
	int prefetched;            /* the Sources indexes were fetched while
	                              the Release was verified */
};

/*
 * Fill *out (every member caller-owned: dgit_aq_lookup_release).  A
 * suite the archive lacks is an error (DGIT_ERR_NOT_FOUND, *out left
 * empty); a package the suite lacks is not: out->src is NULL and
 * out->absent says why.
 */
const struct dgit_error *dgit_aq_lookup(struct dgit_aq_lookup *out,
    const struct dgit_archive_opts *o, const char *suite,
    const char *package);
void dgit_aq_lookup_release(struct dgit_aq_lookup *l);

/*
 * The service's raw answer to URL/subpath (o->aq_url; DGIT_ERR_USAGE of
 * class config when the distro has none), as `dgit archive-api-query`
 * prints it.  subpath is checked: [-+._%/0-9a-zA-Z] in components that
 * are not empty, "." or "..".  *out is caller-owned, *len bytes
 * (NUL-terminated too), at most DGIT_AQ_MAX.
 */
const struct dgit_error *dgit_aq_query_raw(char **out, size_t *len,
    const struct dgit_archive_opts *o, const char *subpath);


/*
 * dgit's file_in_archive: the files of that name anywhere in the
 * archive, with their SHA-256, as the distro's archive-query method
 * (method: its setting, "METHOD:..." or NULL) finds them: dummycatapi:
 * every file of that name under its file:// mirror, ftpmasterapi: the
 * service's file_in_archive query.  *supported 0 (and no files) when
 * the method cannot say, as dgit's others cannot.  *out caller-owned:
 * dgit_aq_files_free.  At most 64 files.
 */
struct dgit_aq_file {
	char *filename;            /* the archive's path (or the mirror's) */
	char sha256[65];
};
const struct dgit_error *dgit_aq_file_in_archive(struct dgit_aq_file **out,
    size_t *n, int *supported, const struct dgit_archive_opts *o,
    const char *method, const char *name);
void dgit_aq_files_free(struct dgit_aq_file *f, size_t n);

/*
 * dgit's package_not_wholly_new: 1 when the archive has any version of
 * package in any suite, 0 when none, -1 when the method cannot say
 * (dummycatapi: a PACKAGE_*.dsc under its mirror; ftpmasterapi: the
 * service's madison query).
 */
const struct dgit_error *dgit_aq_package_not_wholly_new(int *out,
    const struct dgit_archive_opts *o, const char *method,
    const char *package);

#endif
