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
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_fetchsuite.h"
#include "dgit_fs.h"
#include "dgit_repo.h"

#define DEFAULT_SUITE "sid"

/* dgit's set-up of a new tree, each step unless configured off. */
static const struct dgit_error *
setup_new_tree(git_repository *repo, struct dgit_config *cfg,
    const char *distro)
{
	const struct dgit_error *err;
	git_config *gc = NULL;
	int on;

	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-gitattributes", 1)))
		return err;
	if (on && (err = dgit_repo_setup_gitattrs(repo)))
		return err;
	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-mergechangelogs", 1)))
		return err;
	if (on && (err = dgit_repo_setup_mergechangelogs(repo)))
		return err;
	if ((err = dgit_config_get_distro_bool(&on, cfg, distro,
	    "setup-useremail", 1)))
		return err;
	if (on) {
		const char *email = dgit_config_get_distro(cfg, distro,
		    "user-email");
		const char *name = dgit_config_get_distro(cfg, distro,
		    "user-name");

		if (email == NULL)
			email = getenv("DEBEMAIL");
		if (name == NULL)
			name = getenv("DEBFULLNAME");
		if ((err = dgit_repo_setup_useremail(repo, name, email)))
			return err;
	}
	if (git_repository_config(&gc, repo) != 0 ||
	    git_config_set_bool(gc, "remote.dgit.skipdefaultupdate", 1) != 0)
		err = dgit_error_git("cannot write the repository's config");
	git_config_free(gc);
	return err;
}

int
cmd_clone(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct common_archive_flags flags = { 0 };
	struct common_archive arch;
	struct dgit_config *cfg = NULL;
	struct dgit_fetchsuite_opts fo;
	struct dgit_fetchsuite_result res = { 0 };
	const char *package = NULL, *suite = NULL, *dir = NULL;
	char *target = NULL, *tmp = NULL, *parent = NULL, *slash;
	char branch[512], hex[GIT_OID_HEXSZ + 1];
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	struct timespec t0;
	int i, rc, inited = 0, archive_ready = 0, renamed = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&arch, 0, sizeof arch);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1] != '\0') {
			if (common_archive_option(&flags, a))
				continue;
			return dgit_usage_error(argv[0], "unknown option '%s'",
			    a);
		}
		break;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (package == NULL)
			package = a;
		else if (dir == NULL && (a[0] == '/' || strncmp(a, "./", 2) == 0 ||
		    strncmp(a, "../", 3) == 0))
			dir = a;
		else if (suite == NULL && dir == NULL)
			suite = a;
		else if (dir == NULL)
			dir = a;
		else
			return dgit_usage_error(argv[0], "too many arguments "
			    "('%s')", a);
	}
	if (package == NULL)
		return dgit_usage_error(argv[0], "which package?");
	if (package[0] == '\0' || strchr(package, '/') || package[0] == '.' ||
	    package[0] == '-')
		return dgit_usage_error(argv[0], "bad package name '%s'",
		    package);
	if (dgit_opts.dry_run)
		return dgit_usage_error(argv[0], "dry run makes no sense with "
		    "clone");
	if (suite == NULL)
		suite = DEFAULT_SUITE;
	if (dir == NULL)
		dir = package;

	/* absolute target, so the parent directory is known */
	if (dir[0] == '/')
		target = strdup(dir);
	else {
		char cwd[PATH_MAX];

		if (getcwd(cwd, sizeof cwd) == NULL) {
			err = dgit_error_from_errno("cannot find the current "
			    "directory");
			goto done;
		}
		if (asprintf(&target, "%s/%s", cwd, dir) < 0)
			target = NULL;
	}
	if (target == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	while (strlen(target) > 1 && target[strlen(target) - 1] == '/')
		target[strlen(target) - 1] = '\0';
	if ((parent = strdup(target)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	slash = strrchr(parent, '/');
	if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (access(parent, W_OK) != 0) {
		err = dgit_error_from_errno("cannot create '%s' in '%s'", dir,
		    parent);
		goto done;
	}

	if ((err = dgit_config_new(&cfg, NULL, dgit_opts.config,
	    dgit_opts.nconfig)))
		goto done;
	if ((err = common_archive_init(&arch, cfg, suite, package, &flags)))
		goto done;
	archive_ready = 1;
	if ((err = dgit_fs_tmpdir_beside(&tmp, target)))
		goto done;

	git_libgit2_init();
	inited = 1;
	if (git_repository_init(&repo, tmp, 0) != 0) {
		err = dgit_error_git("cannot make a git repository in '%s'", tmp);
		goto done;
	}
	if ((err = setup_new_tree(repo, cfg, arch.distro)))
		goto done;

	common_fetchsuite_opts(&fo, &arch, package, suite, parent);
	if ((err = dgit_fetchsuite_multi(&res, repo, &fo)))
		goto done;
	common_progress_done(&arch);

	if ((size_t)snprintf(branch, sizeof branch, "dgit/%s", res.csuite) >=
	    sizeof branch) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "suite name too long");
		goto done;
	}
	if ((err = dgit_repo_checkout_new_branch(repo, branch, &res.tip)))
		goto done;
	if (res.vcs_git &&
	    git_remote_create(&remote, repo, "vcs-git", res.vcs_git) != 0)
		dgit_info("dgit: warning: not adding the vcs-git remote '%s': "
		    "%s", res.vcs_git, git_error_last() ?
		    git_error_last()->message : "unknown error");
	git_remote_free(remote);
	remote = NULL;
	git_repository_free(repo);
	repo = NULL;
	if ((err = dgit_fs_rename_noreplace(tmp, target)))
		goto done;
	renamed = 1;

	git_oid_tostr(hex, sizeof hex, &res.tip);
	if (!dgit_opts.quiet)
		printf("dgit ok: ready for work in %s: %s %s from %s, %s %.12s "
		    "(%.1fs)\n", dir, package, res.version, res.csuite, branch,
		    hex, common_elapsed(&t0));
done:
	git_remote_free(remote);
	git_repository_free(repo);
	if (tmp && !renamed)
		dgit_fs_remove_tree(tmp);
	if (inited)
		git_libgit2_shutdown();
	dgit_fetchsuite_result_release(&res);
	if (archive_ready)
		common_archive_release(&arch);
	dgit_config_free(cfg);
	free(tmp);
	free(target);
	free(parent);
	rc = dgit_report(err);
	return rc;
}
