/*
 * Verified access to a Debian-style archive:
 *   suite -> InRelease (or Release + Release.gpg), signature checked
 *         -> Sources index per component, size and SHA256 from the Release
 *         -> the package's entry -> the .dsc and its files, each checked
 *            against both the Sources entry and the .dsc.
 * Nothing downloaded is used before its chain back to the signed Release
 * has been checked.  Downloads go through dgit_fetch (cache, retries).
 */
#ifndef DGIT_ARCHIVE_H
#define DGIT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dgit_error.h"
#include "dgit_fetch.h"

struct dgit_archive_opts {
	const char *mirror;        /* base URL: http(s)://HOST/PATH or
	                              file:///PATH (trailing '/' optional) */
	const char *const *archive_keyrings;   /* verify the Release */
	size_t narchive_keyrings;
	const char *const *dsc_keyrings;       /* verify the .dsc; missing
	                                          files are skipped */
	size_t ndsc_keyrings;
	int require_valid_signature;  /* a .dsc must have a good signature */
	int allow_expired;         /* accept a Release past Valid-Until */
	int allow_future;          /* accept a Release Date in the future */
	int allow_rollback;        /* accept a Release older than one seen */
	time_t now;                /* 0: the current time */
	struct dgit_fetch_opts fetch;   /* cache_dir, progress, retries... */
	/*
	 * The archive query service's URL when the distro's archive-query
	 * is a JSON one (ftpmasterapi:, dummycatapi:): suites and packages
	 * are looked up there (dgit_aq.h) instead of in a signed Release.
	 * NULL: the Release.
	 */
	const char *aq_url;
};

/*
 * Choose a mirror from the system's apt sources (through libapt-pkg):
 * for SUITE ending in "-security" the URI of a source whose suite ends in
 * "-security", else the first source whose suite names a Debian suite.
 * *out is caller-owned; *check_valid_until is that source's own
 * check-valid-until option (1, 0, or -1 when it sets none; see
 * dgit_aptshim.h).  DGIT_ERR_NOT_FOUND when none fits.
 */
const struct dgit_error *dgit_archive_mirror_from_apt(char **out,
    int *check_valid_until, const char *suite);

/* A verified Release file, kept as what was needed from it. */
struct dgit_archive_release;

/*
 * Download and verify dists/SUITE/InRelease (falling back to Release and
 * Release.gpg), check that it names SUITE as Suite or Codename, its Date
 * and Valid-Until against now, and that it is not older than the newest
 * Release already seen for that mirror and suite (recorded in the cache).
 * Errors: DGIT_ERR_BAD_SIGNATURE, DGIT_ERR_UNKNOWN_KEY, DGIT_ERR_EXPIRED,
 * DGIT_ERR_ROLLBACK, DGIT_ERR_NOT_FOUND (no such suite), network errors.
 * If the mirror is unreachable, a cached InRelease is verified and used.
 * *out is caller-owned: dgit_archive_release_free.
 */
const struct dgit_error *dgit_archive_release_open(
    struct dgit_archive_release **out, const struct dgit_archive_opts *o,
    const char *suite);
/*
 * The same, for a search of package to follow: while the signature is
 * checked, the Sources indexes that search will read (unless the lookup
 * cache has them) are downloaded in a thread, each checked against the
 * size and SHA-256 the unverified Release gives; dgit_archive_find_source
 * uses them only if the verified Release gives the same.  When the
 * Release cannot be trusted they are removed unread.
 */
const struct dgit_error *dgit_archive_release_open_for(
    struct dgit_archive_release **out, const struct dgit_archive_opts *o,
    const char *suite, const char *package);
/* 1 when dgit_archive_find_source read the indexes fetched early. */
int dgit_archive_release_prefetched(const struct dgit_archive_release *r);
const char *dgit_archive_release_suite(const struct dgit_archive_release *r);
const char *dgit_archive_release_codename(
    const struct dgit_archive_release *r);
const char *dgit_archive_release_signer(const struct dgit_archive_release *r);
/* 1 when the mirror was unreachable and the cached InRelease was used. */
int dgit_archive_release_offline(const struct dgit_archive_release *r);
void dgit_archive_release_free(struct dgit_archive_release *r);

/* One file of a source package, as the Sources entry lists it. */
struct dgit_archive_file {
	char *name;
	uint64_t size;
	char sha256[DGIT_SHA256_HEXLEN + 1];
};

/* A source package found in a suite's Sources indexes. */
struct dgit_archive_source {
	char *package;
	char *version;
	char *component;
	char *directory;           /* pool/main/x/xen */
	char *dsc_name;
	char *url_dir;             /* MIRROR/Directory: where the files are */
	struct dgit_archive_file *files;   /* the .dsc included */
	size_t nfiles;
};

/*
 * Find package (a source package name; version NULL for the highest in
 * Debian version order) in every component's Sources index.  A binary
 * package name gives DGIT_ERR_NOT_FOUND with a message naming its source
 * package.  *out is caller-owned: dgit_archive_source_free.
 */
const struct dgit_error *dgit_archive_find_source(
    struct dgit_archive_source **out, const struct dgit_archive_opts *o,
    const struct dgit_archive_release *rel, const char *package,
    const char *version);
void dgit_archive_source_free(struct dgit_archive_source *s);

enum dgit_archive_dsc_sig {
	DGIT_DSC_SIG_GOOD,         /* good signature by a keyring key */
	DGIT_DSC_SIG_NO_KEYRING,   /* none of the .dsc keyrings exists */
	DGIT_DSC_SIG_UNKNOWN_KEY,  /* signed by a key not in the keyrings */
	DGIT_DSC_SIG_UNSIGNED,     /* the .dsc carries no signature */
};

struct dgit_archive_download {
	enum dgit_archive_dsc_sig sig;
	char *sig_detail;          /* fingerprint, or why not good */
	uint64_t bytes;            /* total size of the files */
	size_t from_cache;         /* files served from the cache */
};

/*
 * Download src's .dsc and files into dir (which must exist), checking each
 * against the Sources entry and the .dsc, and the .dsc's signature.  Files
 * are written under temporary names and renamed into dir only when all
 * are verified; on failure nothing new is left in dir.  A bad .dsc
 * signature is DGIT_ERR_BAD_SIGNATURE; with require_valid_signature any
 * signature that is not good fails.  *out (caller-owned,
 * dgit_archive_download_free) says how the .dsc signature fared.
 */
const struct dgit_error *dgit_archive_download_source(
    struct dgit_archive_download **out, const struct dgit_archive_opts *o,
    const struct dgit_archive_source *src, const char *dir);
void dgit_archive_download_free(struct dgit_archive_download *d);

#endif
