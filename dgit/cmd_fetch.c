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

#include "common.h"
#include "dgit.h"
#include "dgit_history.h"
#include "dgit_config.h"
#include "dgit_fetchsuite.h"
#include "dgit_run.h"

static int
fetch_or_pull(int argc, char **argv, int pull)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	struct dgit_config *cfg = NULL;
	struct dgit_fetchsuite_result res = { 0 };
	git_repository *repo = NULL;
	const char *suite_arg = NULL;
	char *package = NULL, *suite = NULL, hex[GIT_OID_HEXSZ + 1];
	char lrref[1024];
	struct timespec t0;
	int i, inited = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			continue;
		if (a[0] == '-' && a[1] != '\0') {
			if (common_archive_option(&flags, a))
				continue;
			return dgit_usage_error(argv[0], "unknown option '%s'",
			    a);
		}
		if (suite_arg)
			return dgit_usage_error(argv[0], "too many arguments "
			    "('%s')", a);
		suite_arg = a;
	}
	if (dgit_opts.dry_run)
		return dgit_usage_error(argv[0], "--dry-run is not supported "
		    "by %s yet", argv[0]);

	git_libgit2_init();
	inited = 1;
	if ((err = common_open_repo(&repo, pull)))
		goto done;
	if ((err = dgit_history_tree_package_suite(&package, &suite, repo,
	    suite_arg)))
		goto done;
	if ((err = dgit_config_new(&cfg, git_repository_workdir(repo),
	    dgit_opts.config, dgit_opts.nconfig)))
		goto done;
	if ((err = common_fetch(&res, repo, cfg, package, suite, &flags)))
		goto done;
	if ((err = common_tracking_ref(lrref, sizeof lrref, res.csuite)))
		goto done;
	git_oid_tostr(hex, sizeof hex, &res.tip);
	if (!res.changed)
		dgit_info("dgit: %s %s in %s is already fetched (%s %.12s)",
		    package, res.version, res.csuite, lrref, hex);
	else if (!pull && !dgit_opts.quiet)
		printf("dgit ok: fetched %s %s from %s into %s %.12s (%.1fs)\n",
		    package, res.version, res.csuite, lrref, hex,
		    common_elapsed(&t0));
	if (pull) {
		/* a real git merge: conflicts, hooks and all, as dgit does */
		char msg[600];
		const char *gargv[] = { "git", "merge", "-q", "-m", msg, lrref,
			NULL };
		struct dgit_run_opts ro = { .in = DGIT_RUN_IN_INHERIT };
		struct dgit_run_result rr = DGIT_RUN_RESULT_INIT;

		snprintf(msg, sizeof msg, "Merge from %s [dgit]", res.csuite);
		git_repository_free(repo);
		repo = NULL;
		fflush(stdout);
		err = dgit_run_status(&rr, gargv, &ro);
		if (err == NULL && rr.exit_code != 0)
			err = dgit_error_fmt(DGIT_ERR_CHILD, "git merge %s "
			    "failed; resolve it as git says, then commit",
			    lrref);
		dgit_run_result_release(&rr);
		if (err)
			goto done;
		if (!dgit_opts.quiet)
			printf("dgit ok: fetched %s %s from %s into %s and "
			    "merged into HEAD (%.1fs)\n", package, res.version,
			    res.csuite, lrref, common_elapsed(&t0));
	}
done:
	dgit_fetchsuite_result_release(&res);
	git_repository_free(repo);
	if (inited)
		git_libgit2_shutdown();
	dgit_config_free(cfg);
	free(package);
	free(suite);
	return dgit_report(err);
}

int
cmd_fetch(int argc, char **argv)
{
	return fetch_or_pull(argc, argv, 0);
}

int
cmd_pull(int argc, char **argv)
{
	return fetch_or_pull(argc, argv, 1);
}
