/*
 * dgit clone PACKAGE [SUITE] [./DIR|/DIR]
 *
 * A new repository in DIR (default ./PACKAGE) holding the suite's view of
 * the package on dgit/SUITE, checked out, and on the remote tracking ref
 * refs/remotes/dgit/dgit/SUITE; the package's files (but the .dsc) in
 * DIR's parent, where dpkg-buildpackage looks.  Everything is made in a
 * temporary directory beside DIR and renamed at the end, so a failure
 * leaves nothing behind and an existing DIR is never touched.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cleanup.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_fetchsuite.h"
#include "dgit_fs.h"
#include "dgit_repo.h"

#define DEFAULT_SUITE "sid"

static const struct common_optspec optspec = {
	"+", common_archive_options, 0, -1, common_archive_opt_fn
};

struct clone_args {
	const char *package, *suite, *dir;
};

/* PACKAGE [SUITE] [./DIR|/DIR]: a DIR operand looks like a path. */
static const struct dgit_error *
take_operands(struct clone_args *ca, struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (ca->package == NULL)
			ca->package = a;
		else if (ca->dir == NULL && (a[0] == '/' ||
		    strncmp(a, "./", 2) == 0 || strncmp(a, "../", 3) == 0))
			ca->dir = a;
		else if (ca->suite == NULL && ca->dir == NULL)
			ca->suite = a;
		else if (ca->dir == NULL)
			ca->dir = a;
		else
			return dgit_usage_error(ctx, "too many arguments "
			    "('%s')", a);
	}
	if (ca->package == NULL)
		return dgit_usage_error(ctx, "which package?");
	if (ca->package[0] == '\0' || strchr(ca->package, '/') ||
	    ca->package[0] == '.' || ca->package[0] == '-')
		return dgit_usage_error(ctx, "bad package name '%s'",
		    ca->package);
	if (dgit_opts.dry_run)
		return dgit_usage_error(ctx, "dry run makes no sense with "
		    "clone");
	/* Perl dgit's: the distro's default-suite, dgit.default's, "unstable" */
	if (ca->suite == NULL)
		ca->suite = dgit_opts.distro ? dgit_config_get_distro(ctx->cfg,
		    dgit_opts.distro, "default-suite") :
		    dgit_config_get(ctx->cfg, "dgit.default.default-suite");
	if (ca->suite == NULL || *ca->suite == '\0')
		ca->suite = DEFAULT_SUITE;
	if (ca->dir == NULL)
		ca->dir = ca->package;
	return NULL;
}

/* dir made absolute (*target) and its parent (*parent), writable. */
static const struct dgit_error *
target_dirs(char **target, char **parent, const char *dir)
{
	char cwd[PATH_MAX], *slash;

	*target = *parent = NULL;
	if (dir[0] == '/')
		*target = strdup(dir);
	else if (getcwd(cwd, sizeof cwd) == NULL)
		return dgit_error_from_errno("cannot find the current "
		    "directory");
	else if (asprintf(target, "%s/%s", cwd, dir) < 0)
		*target = NULL;
	if (*target == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	while (strlen(*target) > 1 && (*target)[strlen(*target) - 1] == '/')
		(*target)[strlen(*target) - 1] = '\0';
	if ((*parent = strdup(*target)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	slash = strrchr(*parent, '/');
	if (slash == *parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(*parent, W_OK) != 0)
		return dgit_error_from_errno("cannot create '%s' in '%s'", dir,
		    *parent);
	return NULL;
}

/* A file the clone put beside the target: removed if the clone fails. */
static void
placed_cb(void *arg, const char *path)
{
	(void)arg;
	if (cleanup_register(path, 0) != 0)
		dgit_debug(1, "cannot register '%s' for removal", path);
}

/*
 * A new repository in tmp holding the package from the archive, checked
 * out on dgit/CSUITE (branch), with the vcs-git remote when there is one.
 */
static const struct dgit_error *
clone_into(struct dgit_fetchsuite_result *res, char *branch, size_t blen,
    const char *tmp, const char *parent, struct common_archive *arch,
    struct dgit_config *cfg, const struct clone_args *ca)
{
	const struct dgit_error *err;
	struct dgit_fetchsuite_opts fo;
	git_repository *repo = NULL;
	git_remote *remote = NULL;

	if (git_repository_init(&repo, tmp, 0) != 0)
		return dgit_error_git("cannot make a git repository in '%s'",
		    tmp);
	if ((err = dgit_repo_setup_new_tree(repo, cfg, arch->distro)))
		goto done;
	if ((err = common_git_check(arch, ca->package)))
		goto done;
	common_fetchsuite_opts(&fo, arch, ca->package, ca->suite, parent);
	fo.placed = placed_cb;
	if ((err = dgit_fetchsuite_multi(res, repo, &fo)))
		goto done;
	common_progress_done(arch);
	common_check_gitattrs(repo, &res->tip, "fetched source tree");
	if ((size_t)snprintf(branch, blen, "dgit/%s", res->csuite) >= blen) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "suite name too long");
		goto done;
	}
	/*
	 * Every object was just written by this process's import (or
	 * checked by git's index-pack on fetch): the checkout need not
	 * rehash each blob it reads, as git's own checkout does not.  This
	 * halves its CPU time; libgit2's default comes back straight after.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	err = dgit_repo_checkout_new_branch(repo, branch, &res->tip);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	if (err)
		goto done;
	if (res->vcs_git &&
	    git_remote_create(&remote, repo, "vcs-git", res->vcs_git) != 0)
		dgit_info("dgit: warning: not adding the vcs-git remote '%s': "
		    "%s", res->vcs_git, git_error_last() ?
		    git_error_last()->message : "unknown error");
done:
	git_remote_free(remote);
	git_repository_free(repo);
	return err;
}

const struct dgit_error *
cmd_clone(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	struct common_archive arch;
	struct dgit_fetchsuite_result res = { 0 };
	struct clone_args ca = { NULL, NULL, NULL };
	char *target = NULL, *tmp = NULL, *parent = NULL;
	char branch[512], hex[GIT_OID_HEXSZ + 1];
	struct timespec t0;
	sigset_t mask;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&arch, 0, sizeof arch);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &flags)) ||
	    (err = take_operands(&ca, ctx, argc - i, argv + i)))
		return err;
	if ((err = target_dirs(&target, &parent, ca.dir)) ||
	    (err = common_archive_init(&arch, ctx->cfg, ca.suite, ca.package,
	    &flags)))
		goto done;
	/* from here an interruption removes what the clone made */
	cleanup_install();
	cleanup_block(&mask);
	if ((err = dgit_fs_tmpdir_beside(&tmp, target)) == NULL &&
	    cleanup_register(tmp, 1) != 0)
		dgit_debug(1, "cannot register '%s' for removal", tmp);
	cleanup_unblock(&mask);
	if (err)
		goto done;
	/* the temporary directory is private; the clone is as mkdir makes it */
	{
		mode_t um = umask(0);

		umask(um);
		if (chmod(tmp, 0777 & ~um) != 0) {
			err = dgit_error_from_errno("cannot set the mode of "
			    "'%s'", tmp);
			goto done;
		}
	}
	if ((err = clone_into(&res, branch, sizeof branch, tmp, parent, &arch,
	    ctx->cfg, &ca)) == NULL) {
		cleanup_block(&mask);
		if ((err = dgit_fs_rename_noreplace(tmp, target)) == NULL)
			cleanup_forget();
		cleanup_unblock(&mask);
	}
	if (err == NULL) {
		free(tmp);
		tmp = NULL;
		git_oid_tostr(hex, sizeof hex, &res.tip);
		if (!dgit_opts.quiet)
			printf("dgit ok: ready for work in %s: %s %s from %s, "
			    "%s %.12s (%.1fs)\n", ca.dir, ca.package,
			    res.version, res.csuite, branch, hex,
			    common_elapsed(&t0));
	}
done:
	/* the temporary directory and the files placed beside the target */
	if (err)
		cleanup_run();
	if (tmp)
		dgit_fs_remove_tree(tmp);
	dgit_fetchsuite_result_release(&res);
	common_archive_release(&arch);
	free(tmp);
	free(target);
	free(parent);
	return err;
}
