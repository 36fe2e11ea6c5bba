/* Program-side helpers shared by the archive commands. */
#ifndef DGIT_COMMON_H
#define DGIT_COMMON_H

#include <stddef.h>

#include <git2.h>

#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"

/* Options every archive command takes (parsed by common_archive_option). */
struct common_archive_flags {
	int require_valid_signature;
	int allow_expired, allow_future, allow_rollback;
	int no_cache;
};

#define COMMON_ARCHIVE_HELP \
	"  --require-valid-signature   refuse a .dsc without a good signature\n" \
	"  --force-release-expired     accept a Release past its Valid-Until\n" \
	"  --force-release-future-date accept a Release dated in the future\n" \
	"  --force-release-rollback    accept a Release older than one seen\n" \
	"  --no-cache                  do not use the download cache\n"

/* 1 if a is one of the archive options (recorded in f), else 0. */
int common_archive_option(struct common_archive_flags *f, const char *a);

/* Everything an archive command needs, owned together. */
struct common_archive {
	struct dgit_archive_opts opts;
	struct dgit_config *cfg;   /* borrowed from the caller */
	const char *distro;
	char *mirror;
	char *cache;
	char **akr, **dkr;
	size_t nakr, ndkr;
	char *git_url;             /* GIT-URL/PACKAGE.git, or NULL */
	struct progress_state {
		const char *what;
		int shown;
	} progress;
};

/*
 * Fill a from config (mirror: dgit-distro.DISTRO.mirror, else the
 * system's apt sources; keyrings; cache; progress on a terminal).
 * package may be NULL (then no git_url).  Release with
 * common_archive_release.
 */
const struct dgit_error *common_archive_init(struct common_archive *a,
    struct dgit_config *cfg, const char *suite, const char *package,
    const struct common_archive_flags *f);
void common_archive_release(struct common_archive *a);
/* Clear a progress line if one is showing. */
void common_progress_done(struct common_archive *a);

/* Print warnings and info lines from lib/ (info only with -D). */
void common_warn_cb(void *arg, const char *msg);
void common_info_cb(void *arg, const char *msg);
void common_say_cb(void *arg, const char *msg);

/*
 * Open the repository containing the current directory; with need_clean,
 * refuse a working tree with changes to tracked files (DGIT_ERR_DIRTY).
 */
const struct dgit_error *common_open_repo(git_repository **out,
    int need_clean);

double common_elapsed(const struct timespec *t0);

/* The fetch options every archive command uses, from arch. */
void common_fetchsuite_opts(struct dgit_fetchsuite_opts *fo,
    struct common_archive *arch, const char *package, const char *suite,
    const char *orig_dir);

#endif

/* The tracking ref of suite into buf (dgit_history_tracking_ref). */
const struct dgit_error *common_tracking_ref(char *buf, size_t len,
    const char *suite);

/*
 * dgit fetch in repo: bring PACKAGE in SUITE into the tracking ref,
 * putting the files into the working tree's parent directory.
 */
struct dgit_fetchsuite_result;
struct dgit_fetchsuite_opts;
const struct dgit_error *common_fetch(struct dgit_fetchsuite_result *res,
    git_repository *repo, struct dgit_config *cfg, const char *package,
    const char *suite, const struct common_archive_flags *f);
