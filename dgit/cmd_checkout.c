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

/*
 * Check out refname and point HEAD at it; HEAD's reflog says "dgit
 * checkout SUITE" (after "$GIT_REFLOG_ACTION: " when that is set), as
 * dgit's does.
 */
static const struct dgit_error *
switch_to(git_repository *repo, const char *refname, const char *isuite)
{
	git_object *target = NULL;
	git_reference *head = NULL;
	git_checkout_options co;
	const struct dgit_error *err = NULL;
	const char *rla = getenv("GIT_REFLOG_ACTION");
	char msg[700];

	snprintf(msg, sizeof msg, "%s%sdgit checkout %s", rla && *rla ? rla :
	    "", rla && *rla ? ": " : "", isuite);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_revparse_single(&target, repo, refname) != 0)
		return dgit_error_git("cannot read '%s'", refname);
	if (git_checkout_tree(repo, target, &co) != 0)
		err = dgit_error_git("cannot check out '%s' (local changes in "
		    "the way? commit or stash them)", refname);
	else if (git_reference_symbolic_create(&head, repo, "HEAD", refname, 1,
	    msg) != 0)
		err = dgit_error_git("cannot switch HEAD to '%s'", refname);
	git_reference_free(head);
	git_object_free(target);
	return err;
}

static const struct common_optspec optspec = {
	"", common_archive_options, 0, 1, common_archive_opt_fn
};

/*
 * The remote tracking ref of suite into *id, fetching first when it does
 * not exist (which also canonicalises the suite name: branch then names
 * dgit/CSUITE).  *found: that local branch exists already.
 */
static const struct dgit_error *
tracking_tip(git_oid *id, int *found, char *branch, size_t blen,
    struct dgit_cmd_ctx *ctx, const char *suite,
    const struct common_archive_flags *flags)
{
	const struct dgit_error *err;
	struct dgit_fetchsuite_result res = { 0 };
	char *package = NULL, *dummy = NULL, lrref[600];

	*found = 0;
	if ((err = common_tracking_ref(lrref, sizeof lrref, suite)))
		return err;
	if (git_reference_name_to_id(id, ctx->repo, lrref) == 0)
		return NULL;
	if ((err = common_package_suite(&package, &dummy, ctx, suite)) ==
	    NULL &&
	    (err = common_fetch(&res, ctx->repo, ctx->cfg, package, suite,
	    flags)) == NULL) {
		snprintf(branch, blen, "refs/heads/dgit/%s", res.csuite);
		*found = git_reference_name_to_id(id, ctx->repo, branch) == 0;
		*id = res.tip;
	}
	dgit_fetchsuite_result_release(&res);
	free(package);
	free(dummy);
	return err;
}

/* --dry-run: say what would be done; nothing is written. */
static const struct dgit_error *
dry_run(struct dgit_cmd_ctx *ctx, const char *suite, const char *branch,
    int found, const struct common_archive_flags *flags)
{
	const struct dgit_error *err;
	char *package = NULL, *dummy = NULL, lrref[600];
	git_oid id;

	if (found) {
		if (!dgit_opts.quiet)
			printf("dgit: dry run: would switch to %s\n", branch + 11);
		return NULL;
	}
	if ((err = common_tracking_ref(lrref, sizeof lrref, suite)))
		return err;
	if (git_reference_name_to_id(&id, ctx->repo, lrref) == 0) {
		if (!dgit_opts.quiet)
			printf("dgit: dry run: would create %s from %s and "
			    "switch to it\n", branch + 11, lrref);
		return NULL;
	}
	if ((err = common_package_suite(&package, &dummy, ctx, suite)) ==
	    NULL && (err = common_dry_run_fetch(ctx, package, suite,
	    flags)) == NULL && !dgit_opts.quiet)
		printf("dgit: dry run: would then create %s and switch to "
		    "it\n", branch + 11);
	free(package);
	free(dummy);
	return err;
}

const struct dgit_error *
cmd_checkout(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	git_repository *repo = ctx->repo;
	git_reference *ref = NULL;
	const char *suite;
	char branch[600];
	git_oid id;
	int i, found;

	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &flags)))
		return err;
	if ((suite = argv[i]) == NULL)
		return dgit_usage_error(ctx, "which suite?");

	snprintf(branch, sizeof branch, "refs/heads/dgit/%s", suite);
	found = git_reference_name_to_id(&id, repo, branch) == 0;
	if (dgit_opts.dry_run)
		return dry_run(ctx, suite, branch, found, &flags);
	if (!found && (err = tracking_tip(&id, &found, branch, sizeof branch,
	    ctx, suite, &flags)))
		return err;
	if (!found) {
		if (git_reference_create(&ref, repo, branch, &id, 0,
		    "dgit checkout") != 0)
			return dgit_error_git("cannot create '%s'", branch);
	}
	err = switch_to(repo, branch, suite);
	if (err && ref)
		git_reference_delete(ref);
	git_reference_free(ref);
	if (err == NULL && !dgit_opts.quiet)
		printf("dgit ok: on branch %s\n", branch + 11);
	return err;
}
