/*
 * dgit fetch [SUITE]: update refs/remotes/dgit/dgit/SUITE from the archive.
 * dgit pull [SUITE]: fetch, then merge it into the current branch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_history.h"
#include "dgit_config.h"
#include "dgit_fetchsuite.h"
#include "dgit_run.h"

/*
 * Perl dgit's options are global: a fetch run with a build's or a
 * push's options ("dgit -wn -pPKG --build-products-dir=DIR --for-push
 * fetch SUITE", as dgit-repos-server's tag2upload mode runs it) takes
 * and ignores those that do not change a fetch.
 */
static const struct option fetch_options[] = {
	COMMON_ARCHIVE_OPTIONS,
	BUILDOPTS_IGNORED_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static const struct dgit_error *
fetch_opt(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	const struct dgit_error *err;

	if (buildopts_ignored(&err, ctx, opt, optarg))
		return err;
	return common_archive_opt_fn(ctx, arg, opt, optarg);
}

static const struct common_optspec optspec = {
	"w:", fetch_options, 0, 1, fetch_opt
};

/* A real git merge of lrref: conflicts, hooks and all, as dgit does. */
static const struct dgit_error *
merge(const char *lrref, const char *csuite)
{
	const struct dgit_error *err;
	char msg[600];
	const char *gargv[] = { "git", "merge", "-q", "-m", msg, lrref, NULL };
	struct dgit_run_opts ro = { .in = DGIT_RUN_IN_INHERIT };
	struct dgit_run_result rr = DGIT_RUN_RESULT_INIT;

	snprintf(msg, sizeof msg, "Merge from %s [dgit]", csuite);
	fflush(stdout);
	err = dgit_run_status(&rr, gargv, &ro);
	if (err == NULL && rr.exit_code != 0)
		err = dgit_error_fmt(DGIT_ERR_CHILD, "git merge %s failed; "
		    "resolve it as git says, then commit", lrref);
	dgit_run_result_release(&rr);
	return err;
}

/* HEAD's commit, if HEAD has one. */
static const struct dgit_error *
head_id(git_oid *id, int *have, git_repository *repo)
{
	*have = git_reference_name_to_id(id, repo, "HEAD") == 0;
	return NULL;
}

/* HEAD's commit after git merge ran (the repository opened again). */
static const struct dgit_error *
reopen_head(git_oid *id, int *have)
{
	git_repository *repo = NULL;

	*have = 0;
	if (git_repository_open_ext(&repo, ".", 0, NULL) != 0)
		return dgit_error_git("cannot open the repository again");
	head_id(id, have, repo);
	git_repository_free(repo);
	return NULL;
}

static const struct dgit_error *
fetch_or_pull(struct dgit_cmd_ctx *ctx, int argc, char **argv, int pull)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	struct dgit_fetchsuite_result res = { 0 };
	const char *suite_arg = NULL;
	char *package = NULL, *suite = NULL, hex[GIT_OID_HEXSZ + 1];
	char lrref[1024];
	struct timespec t0;
	git_oid before, after;
	int i, have_before = 0, have_after = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &flags)))
		return err;
	suite_arg = argv[i];
	if ((err = common_package_suite(&package, &suite, ctx, suite_arg)))
		goto done;
	if (dgit_opts.dry_run) {
		err = common_dry_run_fetch(ctx, package, suite, &flags);
		goto done;
	}
	if (pull && (err = head_id(&before, &have_before, ctx->repo)))
		goto done;
	if ((err = common_fetch(&res, ctx->repo, ctx->cfg, package, suite,
	    &flags)))
		goto done;
	if ((err = common_tracking_ref(lrref, sizeof lrref, res.csuite)))
		goto done;
	common_check_gitattrs(ctx->repo, &res.tip, "fetched source tree");
	git_oid_tostr(hex, sizeof hex, &res.tip);
	if (!pull && !dgit_opts.quiet)
		printf(res.changed ? "dgit ok: fetched %s %s from %s into %s "
		    "%.12s (%.1fs)\n" : "dgit ok: %s %s from %s is already "
		    "in %s %.12s (%.1fs)\n", package, res.version, res.csuite,
		    lrref, hex, common_elapsed(&t0));
	if (pull) {
		git_repository_free(ctx->repo);
		ctx->repo = NULL;
		if ((err = merge(lrref, res.csuite)))
			goto done;
		if ((err = reopen_head(&after, &have_after)))
			goto done;
		if (dgit_opts.quiet)
			;
		else if (have_before && have_after &&
		    git_oid_equal(&before, &after))
			printf("dgit ok: %s %s from %s: HEAD already contains "
			    "%s, nothing to merge (%.1fs)\n", package,
			    res.version, res.csuite, lrref,
			    common_elapsed(&t0));
		else
			printf("dgit ok: fetched %s %s from %s into %s and "
			    "merged into HEAD (%.1fs)\n", package, res.version,
			    res.csuite, lrref, common_elapsed(&t0));
	}
done:
	dgit_fetchsuite_result_release(&res);
	free(package);
	free(suite);
	return err;
}

const struct dgit_error *
cmd_fetch(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return fetch_or_pull(ctx, argc, argv, 0);
}

const struct dgit_error *
cmd_pull(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return fetch_or_pull(ctx, argc, argv, 1);
}
