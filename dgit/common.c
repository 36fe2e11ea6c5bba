/* Program-side helpers shared by the commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cleanup.h"
#include "common.h"
#include "dgit_history.h"
#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_fetch.h"
#include "dgit_repo.h"

static const struct option no_options[] = {
	{ NULL, 0, NULL, 0 }
};

static const struct dgit_error *
no_opt(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	(void)arg;
	(void)opt;
	(void)optarg;
	return dgit_usage_error(ctx, "unknown option");
}

const struct common_optspec common_optspec_none = {
	"", no_options, 0, 0, no_opt
};
const struct common_optspec common_optspec_one = {
	"", no_options, 0, 1, no_opt
};

const struct dgit_error *
common_parse_options(int *operand, struct dgit_cmd_ctx *ctx, int argc,
    char **argv, const struct common_optspec *spec, void *arg)
{
	const char *shortopts = spec->shortopts;
	int long_only = spec->long_only;
	const struct dgit_error *err;
	char optstring[64];
	int c;

	*operand = argc;
	/* ':' first: a missing value is ':', not a message from getopt */
	if ((size_t)snprintf(optstring, sizeof optstring, "%s:%s",
	    shortopts[0] == '+' ? "+" : "", shortopts +
	    (shortopts[0] == '+')) >= sizeof optstring)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "option string too long");
	opterr = 0;
	optind = 0;
	while ((c = long_only ? getopt_long_only(argc, argv, optstring,
	    spec->longopts, NULL) : getopt_long(argc, argv, optstring,
	    spec->longopts, NULL)) != -1) {
		const char *a = argv[optind - 1];

		if (c == ':')
			return dgit_usage_error(ctx, "option '%s' needs a value",
			    a);
		if (c == '?') {
			if (optopt && optopt < 0x100 && a[0] == '-' &&
			    a[1] != '-' && !long_only)
				return dgit_usage_error(ctx, "unknown option "
				    "'-%c'", optopt);
			return dgit_usage_error(ctx, "unknown option '%s'", a);
		}
		if ((err = spec->fn(ctx, arg, c, optarg)) != NULL)
			return err;
	}
	if (spec->max_operands >= 0 && argc - optind > spec->max_operands)
		return dgit_usage_error(ctx, "too many arguments ('%s')",
		    argv[optind + spec->max_operands]);
	*operand = optind;
	return NULL;
}

const char *
common_distro(void)
{
	return dgit_opts.distro ? dgit_opts.distro : "debian";
}

const struct option common_archive_options[] = {
	COMMON_ARCHIVE_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

int
common_archive_option(struct common_archive_flags *f, int opt)
{
	switch (opt) {
	case COMMON_OPT_REQUIRE_VALID_SIGNATURE:
		f->require_valid_signature = 1;
		break;
	case COMMON_OPT_FORCE_RELEASE_EXPIRED:
		f->allow_expired = 1;
		break;
	case COMMON_OPT_FORCE_RELEASE_FUTURE_DATE:
		f->allow_future = 1;
		break;
	case COMMON_OPT_FORCE_RELEASE_ROLLBACK:
		f->allow_rollback = 1;
		break;
	case COMMON_OPT_NO_CACHE:
		f->no_cache = 1;
		break;
	case COMMON_OPT_GITAPPLY_ABSURD:
		/* dgit's "absurd" git-apply emulation applies the patches
		 * as dpkg-source does, which the import engine always
		 * does: nothing to force on */
		break;
	case COMMON_OPT_GITAPPLY_NO_ABSURD:
		f->gitapply_no_absurd = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

const struct dgit_error *
common_archive_opt_fn(struct dgit_cmd_ctx *ctx, void *arg, int opt,
    const char *optarg)
{
	(void)optarg;
	if (common_archive_option(arg, opt))
		return NULL;
	return dgit_usage_error(ctx, "unknown option");
}

void
common_human_size(char *buf, size_t len, double v)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%.0f %s", v, u[i]);
	else
		snprintf(buf, len, "%.1f %s", v, u[i]);
}

/*
 * Standard error is a terminal that can clear a line (\e[K): not a
 * "dumb" one, whose users see the escape as text.
 */
static int
progress_tty(void)
{
	const char *term = getenv("TERM");

	return isatty(2) && term != NULL && *term != '\0' &&
	    strcmp(term, "dumb") != 0;
}

/*
 * What a download is of: the package (what) when its files are named
 * PACKAGE_..., else the file itself (InRelease, Sources.xz): the indices
 * a lookup reads are not the package's files.
 */
static const char *
progress_label(const char *what, const char *first)
{
	const char *base;
	size_t wl;

	if (first == NULL)
		return what ? what : "downloading";
	base = strrchr(first, '/');
	base = base ? base + 1 : first;
	if (what && (wl = strlen(what)) > 0 && strncmp(base, what, wl) == 0 &&
	    base[wl] == '_')
		return what;
	return *base ? base : (what ? what : "downloading");
}

static int
show_progress(const struct dgit_fetch_progress *p, void *arg)
{
	struct common_archive *a = arg;
	char done[32], total[32], rate[32], eta[32] = "";

	if (p->final) {
		common_progress_done(a);
		return 0;
	}
	common_human_size(done, sizeof done, (double)p->bytes_done);
	common_human_size(total, sizeof total, (double)p->bytes_total);
	common_human_size(rate, sizeof rate, p->rate);
	if (p->eta >= 0 && p->eta < 360000)
		snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)p->eta / 60,
		    (int)p->eta % 60);
	fprintf(stderr, "\r\033[K%s: %zu/%zu files, %s of %s, %s/s%s",
	    progress_label(a->progress.what, p->first),
	    p->files_done, p->files_total, done, total, rate, eta);
	a->progress.shown = 1;
	return 0;
}

void
common_progress_done(struct common_archive *a)
{
	if (a->progress.shown)
		fputs("\r\033[K", stderr);
	a->progress.shown = 0;
}

void
common_warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "dgit: warning: %s\n", msg);
}

/*
 * Import progress: with -D a debug line each; on a terminal, one status
 * line that the next overwrites; otherwise nothing.
 */
void
common_info_cb(void *arg, const char *msg)
{
	struct common_archive *a = arg;

	if (dgit_opts.debug) {
		dgit_debug(1, "%s", msg);
		return;
	}
	if (a == NULL || dgit_opts.quiet || !progress_tty())
		return;
	fprintf(stderr, "\r\033[K%.*s", 76, msg);
	a->progress.shown = 1;
}

/*
 * dgit's debug trace of a decision, with -D at the line's level: as dgit
 * prints it, without our "debug:" prefix, for it is what people compare
 * (and grep for) between the two.
 */
void
common_trace_cb(void *arg, int level, const char *line)
{
	(void)arg;
	if (dgit_opts.debug >= level)
		fprintf(stderr, "%s\n", line);
}

void
common_say_cb(void *arg, const char *msg)
{
	struct common_archive *a = arg;

	if (a)
		common_progress_done(a);
	dgit_info("dgit: %s", msg);
}

/*
 * A download limit from config: unset leaves *out alone (the library's
 * default); digits only, at most 10^9; 0 for max-time means no limit.
 */
static const struct dgit_error *
fetch_limit(long *out, const struct dgit_config *cfg, const char *name)
{
	const char *val = dgit_config_get(cfg, name), *p;
	long v = 0;

	if (val == NULL)
		return NULL;
	for (p = val; *p >= '0' && *p <= '9' && v <= 1000000000L; p++)
		v = v * 10 + (*p - '0');
	if (p == val || *p != '\0' || v > 1000000000L)
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad value '%s' for %s: "
		    "a number of %s is needed", val, name,
		    strstr(name, "speed-limit") ? "bytes a second" : "seconds");
	if (v == 0 && strcmp(name, "dgit.fetch.max-time") == 0)
		v = -1;
	if (v > 0 || (v < 0))
		*out = v;
	return NULL;
}

const struct dgit_error *
common_archive_init(struct common_archive *a, struct dgit_config *cfg,
    const char *suite, const char *package,
    const struct common_archive_flags *f)
{
	const struct dgit_error *err;

	memset(a, 0, sizeof *a);
	a->cfg = cfg;
	a->flags = *f;
	if ((err = dgit_distro_open(&a->d, cfg, f->distro ? f->distro :
	    dgit_opts.distro, suite, package)))
		return err;
	a->distro = a->d.name;
	a->git_url = a->d.git_url;
	if (!f->no_cache && (err = dgit_fetch_cache_dir(&a->cache)))
		return err;
	a->opts.mirror = a->d.mirror;
	a->opts.archive_keyrings = (const char *const *)a->d.archive_keyrings;
	a->opts.narchive_keyrings = a->d.narchive_keyrings;
	a->opts.dsc_keyrings = (const char *const *)a->d.dsc_keyrings;
	a->opts.ndsc_keyrings = a->d.ndsc_keyrings;
	a->opts.aq_url = a->d.aq_url;
	a->opts.require_valid_signature = f->require_valid_signature;
	a->opts.allow_expired = f->allow_expired;
	a->opts.allow_future = f->allow_future;
	a->opts.allow_rollback = f->allow_rollback;
	a->opts.fetch.cache_dir = a->cache;
	/* apt's Acquire::Check-Valid-Until and proxy for apt's mirror */
	if (!a->d.check_valid_until)
		a->opts.allow_expired = 1;
	a->opts.fetch.proxy = a->d.proxy;
	if ((err = fetch_limit(&a->opts.fetch.low_speed, cfg,
	    "dgit.fetch.low-speed-limit")) ||
	    (err = fetch_limit(&a->opts.fetch.stall_timeout, cfg,
	    "dgit.fetch.low-speed-time")) ||
	    (err = fetch_limit(&a->opts.fetch.max_time, cfg,
	    "dgit.fetch.max-time")))
		return err;
	if (!dgit_opts.quiet && progress_tty()) {
		a->opts.fetch.progress = show_progress;
		a->opts.fetch.progress_arg = a;
	}
	dgit_debug(1, "distro %s, mirror %s, suite %s, cache %s, git %s",
	    a->distro, a->d.mirror, suite, a->cache ? a->cache : "(none)",
	    a->git_url ? a->git_url : "(none)");
	return NULL;
}

void
common_archive_release(struct common_archive *a)
{
	common_progress_done(a);
	dgit_distro_release(&a->d);
	free(a->cache);
	memset(a, 0, sizeof *a);
}

const struct dgit_error *
common_find_source(struct dgit_archive_source **src,
    struct dgit_archive_release **rel, struct common_archive *arch,
    const char *suite, const char *package, const char *version)
{
	const struct dgit_error *err;

	*src = NULL;
	*rel = NULL;
	arch->progress.what = "Release";
	if ((err = dgit_archive_release_open_for(rel, &arch->opts, suite,
	    package)))
		return err;
	if (dgit_archive_release_offline(*rel))
		fprintf(stderr, "dgit: warning: mirror unreachable, using the "
		    "cached Release of '%s' (verified again)\n", suite);
	dgit_debug(1, "Release of %s (codename %s) signed by %s",
	    dgit_archive_release_suite(*rel),
	    dgit_archive_release_codename(*rel) ?
	    dgit_archive_release_codename(*rel) : "-",
	    dgit_archive_release_signer(*rel));
	arch->progress.what = "Sources";
	err = dgit_archive_find_source(src, &arch->opts, *rel, package,
	    version);
	common_progress_done(arch);
	if (dgit_archive_release_prefetched(*rel))
		dgit_debug(1, "Sources indexes fetched while the Release's "
		    "signature was checked");
	if (err) {
		dgit_archive_release_free(*rel);
		*rel = NULL;
	}
	return err;
}

const struct dgit_error *
common_dry_run_fetch(struct dgit_cmd_ctx *ctx, const char *package,
    const char *suite, const struct common_archive_flags *f)
{
	const struct dgit_error *err;
	struct common_archive arch;
	struct dgit_archive_source *src = NULL;
	struct dgit_archive_release *rel = NULL;
	char lrref[600];

	if (strchr(suite, ',') != NULL)
		return dgit_usage_error(ctx, "--dry-run does not take a "
		    "combined suite ('%s'); look at each part alone", suite);
	if ((err = common_archive_init(&arch, ctx->cfg, suite, package, f)) ==
	    NULL && (err = common_find_source(&src, &rel, &arch, suite,
	    package, NULL)) == NULL && (err = common_tracking_ref(lrref,
	    sizeof lrref, dgit_archive_release_codename(rel) ?
	    dgit_archive_release_codename(rel) : suite)) == NULL &&
	    !dgit_opts.quiet)
		printf("dgit: dry run: would fetch %s %s from %s (%zu files) "
		    "into %s\n", src->package, src->version, suite,
		    src->nfiles, lrref);
	dgit_archive_source_free(src);
	dgit_archive_release_free(rel);
	common_archive_release(&arch);
	return err;
}

double
common_elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#include "dgit_changelog.h"
#include "dgit_fetchsuite.h"
#include "dgit_gitfetch.h"

const struct dgit_error *
common_package_suite(char **package, char **suite, struct dgit_cmd_ctx *ctx,
    const char *suite_arg)
{
	const struct dgit_error *err = NULL;
	git_reference *head = NULL;
	const char *bn, *s = suite_arg;

	*package = *suite = NULL;
	if (dgit_opts.package == NULL) {
		if ((err = dgit_history_tree_package_suite(package, suite,
		    ctx->repo, suite_arg)) || suite_arg ||
		    strcmp(*suite, "UNRELEASED") != 0)
			return err;
		/* as dgit: a changelog's UNRELEASED names no suite */
		s = dgit_opts.distro ? dgit_config_get_distro(ctx->cfg,
		    dgit_opts.distro, "default-suite") :
		    dgit_config_get(ctx->cfg, "dgit.default.default-suite");
		free(*suite);
		if ((*suite = strdup(s && *s ? s : "sid")) == NULL) {
			free(*package);
			*package = NULL;
			return dgit_error(DGIT_ERR_NOMEM);
		}
		return NULL;
	}
	/* -p: no changelog needed; the suite as given, else the branch's */
	if (s == NULL && git_repository_head(&head, ctx->repo) == 0 &&
	    git_reference_is_branch(head) &&
	    (bn = git_reference_shorthand(head)) != NULL &&
	    strncmp(bn, "dgit/", 5) == 0 && bn[5] != '\0')
		s = bn + 5;
	if (s == NULL)
		s = dgit_opts.distro ? dgit_config_get_distro(ctx->cfg,
		    dgit_opts.distro, "default-suite") :
		    dgit_config_get(ctx->cfg, "dgit.default.default-suite");
	if (s == NULL || *s == '\0')
		s = "sid";
	if ((*package = strdup(dgit_opts.package)) == NULL ||
	    (*suite = strdup(s)) == NULL) {
		free(*package);
		*package = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
	git_reference_free(head);
	return err;
}

const struct dgit_error *
common_tracking_ref(char *buf, size_t len, const char *suite)
{
	const struct dgit_error *err;
	char *t = NULL;

	if ((err = dgit_history_tracking_ref(&t, suite)) != NULL)
		return err;
	if ((size_t)snprintf(buf, len, "%s", t) >= len)
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "suite name too long");
	free(t);
	return err;
}

/* One suite of a combined suite: its own distro, mirror and keyrings. */
static const struct dgit_error *
part_opts(void *arg, struct dgit_fetchsuite_opts *part, void **hold,
    const char *suite)
{
	const struct dgit_error *err;
	struct common_archive *a = arg, *pa;

	*hold = NULL;
	if ((pa = malloc(sizeof *pa)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	*hold = pa;
	if ((err = common_archive_init(pa, a->cfg, suite, part->package,
	    &a->flags)))
		return err;
	dgit_debug(1, "suite %s: distro %s, mirror %s", suite, pa->distro,
	    pa->d.mirror);
	part->archive = &pa->opts;
	part->distro = pa->distro;
	part->git_url = pa->git_url;
	part->import.info_arg = pa;
	part->info_arg = pa;
	pa->progress.what = part->package;
	return NULL;
}

static void
part_release(void *arg, void *hold)
{
	(void)arg;
	if (hold) {
		common_archive_release(hold);
		free(hold);
	}
}

/*
 * The fetch's download directory: removed if the command is interrupted
 * while it is there (a failure removes it in lib/).
 */
static void
workdir_cb(void *arg, const char *path, int made)
{
	sigset_t mask;

	(void)arg;
	cleanup_install();
	cleanup_block(&mask);
	if (!made)
		cleanup_forget_path(path);
	else if (cleanup_register(path, 1) != 0)
		dgit_debug(1, "cannot register '%s' for removal", path);
	cleanup_unblock(&mask);
}

void
common_pack_tmpfile_cb(void *arg, const char *path, int made)
{
	char idx[4096];
	sigset_t mask;
	int n;

	(void)arg;
	n = snprintf(idx, sizeof idx, "%s.idx", path);
	cleanup_install();
	cleanup_block(&mask);
	if (!made) {
		cleanup_forget_path(path);
		cleanup_forget_path(idx);
	} else if (n < 0 || (size_t)n >= sizeof idx ||
	    cleanup_register(path, 0) != 0 || cleanup_register(idx, 0) != 0)
		dgit_debug(1, "cannot register '%s' for removal", path);
	cleanup_unblock(&mask);
}

const struct dgit_error *
common_git_check(struct common_archive *arch, const char *package)
{
	const struct dgit_error *err;
	char *url = NULL;
	int have = 1;

	if (arch->git_url == NULL || arch->cfg == NULL || package == NULL)
		return NULL;
	if ((err = dgit_gitfetch_check(&have, &url, arch->cfg, arch->distro,
	    package, common_say_cb, arch)))
		return err;
	if (url) {
		free(arch->d.git_url);
		arch->d.git_url = url;
		arch->git_url = url;
	}
	if (!have) {
		dgit_debug(1, "the dgit git server has no repository for %s",
		    package);
		arch->git_url = NULL;
	}
	return NULL;
}

void
common_fetchsuite_opts(struct dgit_fetchsuite_opts *fo,
    struct common_archive *arch, const char *package, const char *suite,
    const char *orig_dir)
{
	memset(fo, 0, sizeof *fo);
	fo->archive = &arch->opts;
	fo->distro = arch->distro;
	fo->package = package;
	fo->suite = suite;
	fo->git_url = arch->git_url;
	fo->cfg = arch->cfg;
	fo->orig_dir = orig_dir;
	fo->workdir = workdir_cb;
	fo->hold = cleanup_hold;
	/* An absolute build-products-dir takes the origs (relative ones
	 * are relative to the tree: the parent, "..", is the default). */
	{
		const char *bpd = arch->cfg ? dgit_config_get_distro(arch->cfg,
		    arch->distro, "build-products-dir") : NULL;

		if (bpd && bpd[0] == '/' && orig_dir != NULL)
			fo->orig_dir = bpd;
	}
	fo->import.level = -1;
	fo->import.threads = -1;
	fo->gitapply_no_absurd = arch->flags.gitapply_no_absurd;
	fo->gbp_pq = dgit_gbp_pq_program();
	{
		/* how the import overlaps the download (stream, files, none) */
		const char *ov = arch->cfg ? dgit_config_get(arch->cfg,
		    "dgit.import.overlap") : NULL;

		if (ov && strcmp(ov, "files") == 0)
			fo->overlap = DGIT_FETCHSUITE_OVERLAP_FILES;
		else if (ov && strcmp(ov, "none") == 0)
			fo->overlap = DGIT_FETCHSUITE_OVERLAP_NONE;
	}
	fo->import.unpack.warn = common_warn_cb;
	fo->import.tmpfile = common_pack_tmpfile_cb;
	fo->import.info = common_info_cb;
	fo->import.info_arg = arch;
	/* what cannot be computed goes unchecked: the build and push
	 * check again, and fail on the same error */
	if (common_vendor_series_checks(&fo->import.vendor_checks,
	    &fo->import.nvendor_checks, arch->distro) != NULL)
		fo->import.nvendor_checks = 0;
	fo->info = common_say_cb;
	fo->info_arg = arch;
	fo->part_opts = part_opts;
	fo->part_release = part_release;
	fo->part_arg = arch;
	arch->progress.what = package;
}

const struct dgit_error *
common_fetch(struct dgit_fetchsuite_result *res, git_repository *repo,
    struct dgit_config *cfg, const char *package, const char *suite,
    const struct common_archive_flags *f)
{
	const struct dgit_error *err;
	struct common_archive arch;
	struct dgit_fetchsuite_opts fo;
	char *parent = NULL, *slash;
	const char *wd = git_repository_workdir(repo);

	memset(res, 0, sizeof *res);
	if ((err = common_archive_init(&arch, cfg, suite, package, f)) != NULL) {
		common_archive_release(&arch);
		return err;
	}
	if (wd && (parent = strdup(wd)) != NULL) {
		/* WORKDIR/ -> its parent */
		size_t l = strlen(parent);

		if (l > 1 && parent[l - 1] == '/')
			parent[l - 1] = '\0';
		slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
	}
	if ((err = common_git_check(&arch, package)) == NULL) {
		common_fetchsuite_opts(&fo, &arch, package, suite, parent);
		err = dgit_fetchsuite_multi(res, repo, &fo);
	}
	common_archive_release(&arch);
	free(parent);
	return err;
}

void
common_check_gitattrs(git_repository *repo, const git_oid *commit,
    const char *what)
{
	const struct dgit_error *err;
	int unsafe = 0;

	if ((err = dgit_repo_gitattrs_unsafe(&unsafe, repo, commit))) {
		dgit_debug(1, "not checking for .gitattributes: %s",
		    err->msg);
		return;
	}
	if (unsafe)
		fprintf(stderr, "dgit: warning: %s contains .gitattributes\n"
		    "dgit: .gitattributes not (fully) defused.  Recommended: "
		    "dgit setup-new-tree.\n", what);
}
