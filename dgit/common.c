/* Program-side helpers shared by the archive commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "common.h"
#include "dgit_history.h"
#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_fetch.h"

int
common_archive_option(struct common_archive_flags *f, const char *a)
{
	if (strcmp(a, "--require-valid-signature") == 0)
		f->require_valid_signature = 1;
	else if (strcmp(a, "--force-release-expired") == 0)
		f->allow_expired = 1;
	else if (strcmp(a, "--force-release-future-date") == 0)
		f->allow_future = 1;
	else if (strcmp(a, "--force-release-rollback") == 0)
		f->allow_rollback = 1;
	else if (strcmp(a, "--no-cache") == 0)
		f->no_cache = 1;
	else
		return 0;
	return 1;
}

static void
human(char *buf, size_t len, double v)
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

static int
show_progress(const struct dgit_fetch_progress *p, void *arg)
{
	struct common_archive *a = arg;
	char done[32], total[32], rate[32], eta[32] = "";

	if (p->final) {
		common_progress_done(a);
		return 0;
	}
	human(done, sizeof done, (double)p->bytes_done);
	human(total, sizeof total, (double)p->bytes_total);
	human(rate, sizeof rate, p->rate);
	if (p->eta >= 0 && p->eta < 360000)
		snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)p->eta / 60,
		    (int)p->eta % 60);
	fprintf(stderr, "\r\033[K%s: %zu/%zu files, %s of %s, %s/s%s",
	    a->progress.what ? a->progress.what : "downloading",
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
	if (a == NULL || dgit_opts.quiet || !isatty(2))
		return;
	fprintf(stderr, "\r\033[K%.*s", 76, msg);
	a->progress.shown = 1;
}

void
common_say_cb(void *arg, const char *msg)
{
	struct common_archive *a = arg;

	if (a)
		common_progress_done(a);
	dgit_info("dgit: %s", msg);
}

const struct dgit_error *
common_archive_init(struct common_archive *a, struct dgit_config *cfg,
    const char *suite, const char *package,
    const struct common_archive_flags *f)
{
	const struct dgit_error *err;
	const char *v;

	memset(a, 0, sizeof *a);
	a->cfg = cfg;
	a->distro = dgit_opts.distro ? dgit_opts.distro :
	    dgit_config_suite_distro(cfg, suite);
	if ((v = dgit_config_get_distro(cfg, a->distro, "mirror")) != NULL) {
		if ((a->mirror = strdup(v)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
	} else if ((err = dgit_archive_mirror_from_apt(&a->mirror, suite)))
		return dgit_error_wrap(err, "no mirror for distro '%s' (set "
		    "dgit-distro.%s.mirror or add it to apt's sources)",
		    a->distro, a->distro);
	err = dgit_config_get_distro_paths(&a->akr, &a->nakr, cfg, a->distro,
	    "archive-keyring");
	if (err)
		return err;
	if (a->nakr == 0) {
		v = dgit_config_get_distro(cfg, a->distro, "archive-keyring");
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no archive keyring "
		    "for distro '%s' (%s); install debian-archive-keyring or "
		    "set dgit-distro.%s.archive-keyring", a->distro,
		    v ? v : "none configured", a->distro);
	}
	err = dgit_config_get_distro_paths(&a->dkr, &a->ndkr, cfg, a->distro,
	    "keyring");
	if (err)
		return err;
	if (!f->no_cache && (err = dgit_fetch_cache_dir(&a->cache)))
		return err;
	if (package) {
		const char *url = dgit_config_get_distro(cfg, a->distro,
		    "git-url");
		const char *check = dgit_config_get_distro(cfg, a->distro,
		    "git-check");
		const char *suffix = dgit_config_get_distro(cfg, a->distro,
		    "git-url-suffix");

		if (url && *url && !(check && strcmp(check, "false") == 0) &&
		    asprintf(&a->git_url, "%s/%s%s", url, package,
		    suffix ? suffix : ".git") < 0)
			return dgit_error(DGIT_ERR_NOMEM);
	}
	a->opts.mirror = a->mirror;
	a->opts.archive_keyrings = (const char *const *)a->akr;
	a->opts.narchive_keyrings = a->nakr;
	a->opts.dsc_keyrings = (const char *const *)a->dkr;
	a->opts.ndsc_keyrings = a->ndkr;
	a->opts.require_valid_signature = f->require_valid_signature;
	a->opts.allow_expired = f->allow_expired;
	a->opts.allow_future = f->allow_future;
	a->opts.allow_rollback = f->allow_rollback;
	a->opts.fetch.cache_dir = a->cache;
	if (!dgit_opts.quiet && isatty(2)) {
		a->opts.fetch.progress = show_progress;
		a->opts.fetch.progress_arg = a;
	}
	dgit_debug(1, "distro %s, mirror %s, suite %s, cache %s, git %s",
	    a->distro, a->mirror, suite, a->cache ? a->cache : "(none)",
	    a->git_url ? a->git_url : "(none)");
	return NULL;
}

void
common_archive_release(struct common_archive *a)
{
	common_progress_done(a);
	dgit_config_paths_free(a->akr, a->nakr);
	dgit_config_paths_free(a->dkr, a->ndkr);
	free(a->mirror);
	free(a->cache);
	free(a->git_url);
	memset(a, 0, sizeof *a);
}

const struct dgit_error *
common_open_repo(git_repository **out, int need_clean)
{
	git_repository *repo = NULL;

	*out = NULL;
	if (git_repository_open_ext(&repo, ".", 0, NULL) != 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "not in a git "
		    "repository; run this in a tree made by 'dgit clone'");
	if (need_clean) {
		char **paths = NULL;
		size_t n = 0, total = 0;
		const struct dgit_error *err;

		err = dgit_history_tree_dirty(&paths, &n, &total, repo, 1);
		if (err == NULL && total > 0)
			err = dgit_error_fmt(DGIT_ERR_DIRTY, "the working tree "
			    "has uncommitted changes (%zu paths, '%s'%s); commit "
			    "or stash them first (git status shows them)", total,
			    paths[0], total > 1 ? " and others" : "");
		dgit_history_paths_free(paths, n);
		if (err) {
			git_repository_free(repo);
			return err;
		}
	}
	*out = repo;
	return NULL;
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
	fo->orig_dir = orig_dir;
	fo->import.level = -1;
	fo->import.threads = -1;
	fo->import.unpack.warn = common_warn_cb;
	fo->import.info = common_info_cb;
	fo->import.info_arg = arch;
	fo->info = common_say_cb;
	fo->info_arg = arch;
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
	if ((err = common_archive_init(&arch, cfg, suite, package, f))) {
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
	common_fetchsuite_opts(&fo, &arch, package, suite, parent);
	err = dgit_fetchsuite_multi(res, repo, &fo);
	common_archive_release(&arch);
	free(parent);
	return err;
}
