/*
 * dgit checkout SUITE: switch to the local branch dgit/SUITE, creating it
 * from the remote tracking ref (fetching first if that does not exist
 * either).  SUITE must then be the canonical name (the codename) unless a
 * fetch canonicalises it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "common.h"
#include "dgit.h"
#include "dgit_history.h"
#include "dgit_config.h"
#include "dgit_fetchsuite.h"

static const struct dgit_error *
switch_to(git_repository *repo, const char *refname)
{
	git_object *target = NULL;
	git_checkout_options co;
	const struct dgit_error *err = NULL;

	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_revparse_single(&target, repo, refname) != 0)
		return dgit_error_git("cannot read '%s'", refname);
	if (git_checkout_tree(repo, target, &co) != 0)
		err = dgit_error_git("cannot check out '%s' (local changes in "
		    "the way? commit or stash them)", refname);
	else if (git_repository_set_head(repo, refname) != 0)
		err = dgit_error_git("cannot switch HEAD to '%s'", refname);
	git_object_free(target);
	return err;
}

int
cmd_checkout(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	struct dgit_config *cfg = NULL;
	struct dgit_fetchsuite_result res = { 0 };
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	const char *suite = NULL;
	char *package = NULL, *dummy = NULL;
	char branch[600], lrref[600];
	git_oid id;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0') {
			if (common_archive_option(&flags, a))
				continue;
			return dgit_usage_error(argv[0], "unknown option '%s'",
			    a);
		}
		if (suite)
			return dgit_usage_error(argv[0], "too many arguments "
			    "('%s')", a);
		suite = a;
	}
	if (suite == NULL)
		return dgit_usage_error(argv[0], "which suite?");

	git_libgit2_init();
	if ((err = common_open_repo(&repo, 0)))
		goto done;
	snprintf(branch, sizeof branch, "refs/heads/dgit/%s", suite);
	if (git_reference_name_to_id(&id, repo, branch) == 0) {
		err = switch_to(repo, branch);
		goto report;
	}
	if ((err = common_tracking_ref(lrref, sizeof lrref, suite)))
		goto done;
	if (git_reference_name_to_id(&id, repo, lrref) != 0) {
		/* fetch, which also canonicalises the suite name */
		if ((err = dgit_history_tree_package_suite(&package, &dummy, repo,
		    suite)))
			goto done;
		if ((err = dgit_config_new(&cfg, git_repository_workdir(repo),
		    dgit_opts.config, dgit_opts.nconfig)))
			goto done;
		if ((err = common_fetch(&res, repo, cfg, package, suite,
		    &flags)))
			goto done;
		snprintf(branch, sizeof branch, "refs/heads/dgit/%s",
		    res.csuite);
		id = res.tip;
		if (git_reference_name_to_id(&id, repo, branch) == 0) {
			err = switch_to(repo, branch);
			goto report;
		}
		id = res.tip;
	}
	if (git_reference_create(&ref, repo, branch, &id, 0,
	    "dgit checkout") != 0) {
		err = dgit_error_git("cannot create '%s'", branch);
		goto done;
	}
	err = switch_to(repo, branch);
	if (err) {
		git_reference_delete(ref);
		goto done;
	}
report:
	if (err == NULL && !dgit_opts.quiet)
		printf("dgit ok: on branch %s\n", branch + 11);
done:
	dgit_fetchsuite_result_release(&res);
	git_reference_free(ref);
	git_repository_free(repo);
	git_libgit2_shutdown();
	dgit_config_free(cfg);
	free(package);
	free(dummy);
	return dgit_report(err);
}
