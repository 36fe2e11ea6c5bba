/* Program-side helpers shared by the commands. */
#ifndef DGIT_COMMON_H
#define DGIT_COMMON_H

#include <getopt.h>
#include <stddef.h>
#include <time.h>

#include <git2.h>

#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"

/*
 * One option of a command's table (opt: struct option's val, or the
 * short option's letter; optarg: its value or NULL).  Returns NULL, or
 * an error (bad values through dgit_usage_error).
 */
typedef const struct dgit_error *common_opt_fn(struct dgit_cmd_ctx *ctx,
    void *arg, int opt, const char *optarg);

/* A command's options. */
struct common_optspec {
	const char *shortopts;     /* as getopt's; '+': stop at an operand */
	const struct option *longopts;
	int long_only;             /* getopt_long_only: "-wgf" is "wgf" */
	int max_operands;          /* more: "too many arguments"; -1: any */
	common_opt_fn *fn;
};

/*
 * Parse argv's options by spec (getopt_long): without a leading '+' in
 * shortopts, options may come between operands.  Unknown options,
 * missing values and too many operands are usage errors.  *operand: the
 * index of the first operand (argv is permuted so that the operands are
 * last, argv[argc] still NULL).  arg is passed to spec->fn.
 */
const struct dgit_error *common_parse_options(int *operand,
    struct dgit_cmd_ctx *ctx, int argc, char **argv,
    const struct common_optspec *spec, void *arg);

/* The spec of a command that takes no option and no operand
 * (common_optspec_none) or at most one operand (common_optspec_one). */
extern const struct common_optspec common_optspec_none;
extern const struct common_optspec common_optspec_one;

/* -d DISTRO, else "debian" (for commands that have no suite). */
const char *common_distro(void);

/* Options every archive command takes (COMMON_ARCHIVE_OPTIONS). */
struct common_archive_flags {
	int require_valid_signature;
	int allow_expired, allow_future, allow_rollback;
	int no_cache;
	/* --force-import-gitapply-no-absurd (dgit_fetchsuite_opts) */
	int gitapply_no_absurd;
	const char *distro;        /* NULL: -d's, else the suite's */
};

enum {
	COMMON_OPT_REQUIRE_VALID_SIGNATURE = 0x100,
	COMMON_OPT_FORCE_RELEASE_EXPIRED,
	COMMON_OPT_FORCE_RELEASE_FUTURE_DATE,
	COMMON_OPT_FORCE_RELEASE_ROLLBACK,
	COMMON_OPT_NO_CACHE,
	COMMON_OPT_GITAPPLY_ABSURD,
	COMMON_OPT_GITAPPLY_NO_ABSURD,
	COMMON_OPT_END             /* commands number their own from here */
};

/* The archive options, as struct option entries of a command's table. */
#define COMMON_ARCHIVE_OPTIONS \
	{ "require-valid-signature", no_argument, NULL, \
	  COMMON_OPT_REQUIRE_VALID_SIGNATURE }, \
	{ "force-release-expired", no_argument, NULL, \
	  COMMON_OPT_FORCE_RELEASE_EXPIRED }, \
	{ "force-release-future-date", no_argument, NULL, \
	  COMMON_OPT_FORCE_RELEASE_FUTURE_DATE }, \
	{ "force-release-rollback", no_argument, NULL, \
	  COMMON_OPT_FORCE_RELEASE_ROLLBACK }, \
	{ "no-cache", no_argument, NULL, COMMON_OPT_NO_CACHE }, \
	{ "force-import-gitapply-absurd", no_argument, NULL, \
	  COMMON_OPT_GITAPPLY_ABSURD }, \
	{ "force-import-gitapply-no-absurd", no_argument, NULL, \
	  COMMON_OPT_GITAPPLY_NO_ABSURD }

/* COMMON_ARCHIVE_OPTIONS alone, as a table. */
extern const struct option common_archive_options[];

/* 1 if opt is one of the archive options (recorded in f), else 0. */
int common_archive_option(struct common_archive_flags *f, int opt);
/* A common_opt_fn for commands whose only options are the archive's
 * (arg: struct common_archive_flags). */
common_opt_fn common_archive_opt_fn;

/* Everything an archive command needs, owned together. */
struct common_archive {
	struct dgit_archive_opts opts;
	struct dgit_config *cfg;   /* borrowed from the caller */
	struct dgit_distro d;      /* mirror, keyrings, git URL */
	const char *distro;        /* d.name */
	const char *git_url;       /* d.git_url: GIT-URL/PACKAGE.git, or NULL */
	char *cache;
	struct common_archive_flags flags;  /* as given to common_archive_init */
	struct progress_state {
		const char *what;
		int shown;
	} progress;
};

/*
 * Fill a for -d DISTRO (else the suite's distro) from config and the
 * flags (dgit_distro_open; cache; progress on a terminal).  package may
 * be NULL (then no git_url).  Release with common_archive_release (also
 * after a failure).
 */
const struct dgit_error *common_archive_init(struct common_archive *a,
    struct dgit_config *cfg, const char *suite, const char *package,
    const struct common_archive_flags *f);
void common_archive_release(struct common_archive *a);
/* Clear a progress line if one is showing. */
void common_progress_done(struct common_archive *a);
/* "12.3 KiB" */
void common_human_size(char *buf, size_t len, double v);

/* Print warnings and info lines from lib/ (info only with -D). */
void common_warn_cb(void *arg, const char *msg);
void common_info_cb(void *arg, const char *msg);
void common_say_cb(void *arg, const char *msg);
/* A line of dgit's debug trace (dgit_gdr_trace_fn), printed as dgit
 * prints it when -D is at least its level. */
void common_trace_cb(void *arg, int level, const char *line);

/*
 * dgit's git-check before fetching from the git server
 * (dgit_gitfetch_check): a divert replaces arch->git_url, a server
 * without the package's repository makes it NULL.
 */
const struct dgit_error *common_git_check(struct common_archive *arch,
    const char *package);
/* The import's temporary pack (and its .idx): removed if the command is
 * interrupted while they are there (dgit_import_opts' tmpfile). */
void common_pack_tmpfile_cb(void *arg, const char *path, int made);

/*
 * dgit's check_gitattrs: warn on stderr that WHAT ("fetched source tree",
 * "source tree") contains a .gitattributes when the repository does not
 * defuse it.  A failure to check is only a debug line.
 */
void common_check_gitattrs(git_repository *repo, const git_oid *commit,
    const char *what);
/*
 * Refuse commit when its tree has an active distro-specific series file
 * for DEB_VENDOR, dpkg's current vendor or distro (dgit_vendorseries.h),
 * as dgit refuses to build, push or import such a package.
 */
const struct dgit_error *common_vendor_series_check(git_repository *repo,
    const git_oid *commit, const char *distro);
/* The checks themselves, for an import's options (program-owned). */
struct dgit_vendorseries_check;
const struct dgit_error *common_vendor_series_checks(
    const struct dgit_vendorseries_check **out, size_t *n,
    const char *distro);
double common_elapsed(const struct timespec *t0);

/*
 * The suite's signed Release (*rel) and package's entry in it (*src,
 * version NULL: the highest), both caller-owned
 * (dgit_archive_release_free, dgit_archive_source_free), with progress
 * and the offline warning.
 */
const struct dgit_error *common_find_source(struct dgit_archive_source **src,
    struct dgit_archive_release **rel, struct common_archive *arch,
    const char *suite, const char *package, const char *version);

/*
 * fetch and pull under --dry-run: look package up in suite, verified,
 * and say what would be fetched into which ref; nothing is written.
 */
const struct dgit_error *common_dry_run_fetch(struct dgit_cmd_ctx *ctx,
    const char *package, const char *suite,
    const struct common_archive_flags *f);

/* The fetch options every archive command uses, from arch. */
void common_fetchsuite_opts(struct dgit_fetchsuite_opts *fo,
    struct common_archive *arch, const char *package, const char *suite,
    const char *orig_dir);

/*
 * The package and suite a command in ctx's tree works on (both
 * caller-owned): -p PACKAGE and the suite given, else the current
 * branch's dgit/SUITE, else the default suite; without -p, as
 * dgit_history_tree_package_suite (debian/changelog).
 */
const struct dgit_error *common_package_suite(char **package, char **suite,
    struct dgit_cmd_ctx *ctx, const char *suite_arg);

/* The tracking ref of suite into buf (dgit_history_tracking_ref). */
const struct dgit_error *common_tracking_ref(char *buf, size_t len,
    const char *suite);

/*
 * dgit fetch in repo: bring PACKAGE in SUITE into the tracking ref,
 * putting the files into the working tree's parent directory.
 */
const struct dgit_error *common_fetch(struct dgit_fetchsuite_result *res,
    git_repository *repo, struct dgit_config *cfg, const char *package,
    const char *suite, const struct common_archive_flags *f);

#endif
