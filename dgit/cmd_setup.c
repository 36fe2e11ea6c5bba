/*
 * dgit setup-new-tree, setup-useremail, setup-mergechangelogs,
 * setup-gitattributes: set up an existing git tree as dgit clone sets up
 * a new one (dgit(1)).  The distro is -d's, else the one
 * dgit-suite.DGIT-SETUP-TREE.distro names, as Perl dgit looks it up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_repo.h"
#include "dgit_run.h"

/*
 * Perl dgit's options are global: a set-up run with a build's options
 * ("dgit -wn -pPKG --build-products-dir=DIR setup-gitattributes", as
 * dgit-repos-server's tag2upload mode runs it) takes and ignores them.
 */
static const struct option setup_options[] = {
	BUILDOPTS_IGNORED_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

static const struct dgit_error *
setup_opt(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	const struct dgit_error *err;

	(void)arg;
	if (buildopts_ignored(&err, ctx, opt, optarg))
		return err;
	return dgit_usage_error(ctx, "unknown option");
}

static const struct common_optspec optspec = {
	"w:", setup_options, 0, 0, setup_opt
};

/* The distro the set-up's configuration is read for. */
static const char *
setup_distro(struct dgit_cmd_ctx *ctx)
{
	if (dgit_opts.distro)
		return dgit_opts.distro;
	return dgit_config_suite_distro(ctx->cfg, "DGIT-SETUP-TREE");
}

/* No operands; then the distro. */
static const struct dgit_error *
prepare(const char **distro, struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	int i;

	*distro = NULL;
	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &optspec, NULL)))
		return err;
	*distro = setup_distro(ctx);
	return NULL;
}

const struct dgit_error *
cmd_setup_new_tree(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	const char *distro;

	if ((err = prepare(&distro, ctx, argc, argv)))
		return err;
	return dgit_repo_setup_tree(ctx->repo, ctx->cfg, distro);
}

const struct dgit_error *
cmd_setup_useremail(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	const char *distro;

	if ((err = prepare(&distro, ctx, argc, argv)))
		return err;
	return dgit_repo_setup_useremail_config(ctx->repo, ctx->cfg, distro);
}

const struct dgit_error *
cmd_setup_mergechangelogs(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	const char *distro;

	if ((err = prepare(&distro, ctx, argc, argv)))
		return err;
	return dgit_repo_setup_mergechangelogs(ctx->repo);
}

const struct dgit_error *
cmd_setup_gitattributes(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	const char *distro;

	if ((err = prepare(&distro, ctx, argc, argv)))
		return err;
	return dgit_repo_setup_gitattrs(ctx->repo);
}

/* The first paragraph of the working tree's debian/control. */
static const struct dgit_error *
read_control(struct dgit_deb822_para ***paras, size_t *n, git_repository *repo)
{
	const struct dgit_error *err;
	char path[4096], *buf = NULL;
	size_t len;

	*paras = NULL;
	*n = 0;
	if ((size_t)snprintf(path, sizeof path, "%sdebian/control",
	    git_repository_workdir(repo)) >= sizeof path)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "path too long");
	if ((err = dgit_fs_read_file(&buf, &len, path, 1 << 20)) == NULL)
		err = dgit_deb822_parse(paras, n, buf, len, "debian/control");
	free(buf);
	if (err == NULL && *n == 0)
		err = dgit_error_fmt(DGIT_ERR_PARSE, "debian/control is empty");
	return err;
}

/* The Vcs-Git field of package's .dsc in suite (downloaded to a temp). */
static const struct dgit_error *
archive_vcs_git(char **out, struct dgit_cmd_ctx *ctx, const char *package,
    const char *suite)
{
	const struct dgit_error *err;
	struct common_archive_flags flags = { 0 };
	struct common_archive arch;
	struct dgit_archive_source *src = NULL;
	struct dgit_archive_release *rel = NULL;
	struct dgit_archive_download *dl = NULL;
	struct dgit_dsc *dsc = NULL;
	char *tmp = NULL, *buf = NULL, path[4096], target[4096];
	size_t len;

	*out = NULL;
	snprintf(target, sizeof target, "%s.git/dgit-vcs-git",
	    git_repository_workdir(ctx->repo));
	if ((err = common_archive_init(&arch, ctx->cfg, suite, package,
	    &flags)) ||
	    (err = common_find_source(&src, &rel, &arch, suite, package,
	    NULL)) ||
	    (err = dgit_fs_tmpdir_beside(&tmp, target)))
		goto done;
	arch.progress.what = package;
	if ((err = dgit_archive_download_source(&dl, &arch.opts, src, tmp)))
		goto done;
	snprintf(path, sizeof path, "%s/%s", tmp, src->dsc_name);
	if ((err = dgit_fs_read_file(&buf, &len, path, DGIT_DSC_MAX)) ||
	    (err = dgit_dsc_parse(&dsc, buf, len, src->dsc_name)))
		goto done;
	/* a value that is all decoration counts as none */
	*out = dgit_dsc_vcs_git_url(dsc->vcs_git);
done:
	if (tmp)
		dgit_fs_remove_tree(tmp);
	free(tmp);
	free(buf);
	dgit_dsc_free(dsc);
	dgit_archive_download_free(dl);
	dgit_archive_source_free(src);
	dgit_archive_release_free(rel);
	common_archive_release(&arch);
	return err;
}

/* Add or repoint the vcs-git remote, saying which. */
static const struct dgit_error *
set_remote(git_repository *repo, const char *url)
{
	git_remote *r = NULL;
	const struct dgit_error *err = NULL;

	if (git_remote_lookup(&r, repo, "vcs-git") != 0) {
		fprintf(stderr, "setting up vcs-git: %s\n", url);
		if (git_remote_create(&r, repo, "vcs-git", url) != 0)
			err = dgit_error_git("cannot add the remote 'vcs-git'");
	} else if (git_remote_url(r) && strcmp(git_remote_url(r), url) == 0)
		fprintf(stderr, "vcs git unchanged: %s\n", url);
	else {
		fprintf(stderr, "changing vcs-git url to: %s\n", url);
		if (git_remote_set_url(repo, "vcs-git", url) != 0)
			err = dgit_error_git("cannot set the url of 'vcs-git'");
	}
	git_remote_free(r);
	return err;
}

/*
 * update-vcs-git [SUITE|.] [-|--] [GIT-FETCH-ARGS]: arguments are not
 * options (what follows goes to git fetch).
 */
const struct dgit_error *
cmd_update_vcs_git(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct dgit_deb822_para **paras = NULL;
	struct dgit_run_opts ro = { .in = DGIT_RUN_IN_INHERIT };
	struct dgit_run_result rr = DGIT_RUN_RESULT_INIT;
	const char *suite = NULL, *package, **gargv = NULL;
	char *url = NULL, first[256];
	size_t npara = 0;
	int i = 1, fetch = 1, k;

	if (i < argc && argv[i][0] != '-')
		suite = argv[i++];
	if (i < argc && strcmp(argv[i], "-") == 0) {
		fetch = 0;
		i++;
	} else if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (!fetch && i < argc)
		return dgit_usage_error(ctx, "'-' (no fetch) takes no git "
		    "fetch arguments ('%s')", argv[i]);
	if (suite == NULL) {
		const char *v = dgit_config_get(ctx->cfg,
		    "dgit.vcs-git.suites");

		snprintf(first, sizeof first, "%s", v ? v : "sid");
		first[strcspn(first, ";")] = '\0';
		suite = first;
	}
	if ((err = read_control(&paras, &npara, ctx->repo)))
		goto done;
	package = dgit_opts.package ? dgit_opts.package :
	    dgit_deb822_get(paras[0], "Source");
	if (package == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "debian/control has no "
		    "Source field");
		goto done;
	}
	if (strcmp(suite, ".") == 0) {
		const char *v = dgit_deb822_get(paras[0], "Vcs-Git");

		url = dgit_dsc_vcs_git_url(v);
	} else if ((err = archive_vcs_git(&url, ctx, package, suite)))
		goto done;
	if (url == NULL || *url == '\0') {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no Vcs-Git field in "
		    "%s's %s", package, strcmp(suite, ".") == 0 ?
		    "debian/control" : "source package");
		goto done;
	}
	if ((err = set_remote(ctx->repo, url)) || !fetch)
		goto done;
	if ((gargv = calloc((size_t)(argc - i) + 4, sizeof *gargv)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	gargv[0] = "git";
	gargv[1] = "fetch";
	gargv[2] = "vcs-git";
	printf("fetching (");
	for (k = 0; i + k < argc; k++) {
		gargv[3 + k] = argv[i + k];
		printf("%s%s", k ? " " : "", argv[i + k]);
	}
	printf(")\n");
	fflush(stdout);
	if ((err = dgit_run_status(&rr, gargv, &ro)) == NULL &&
	    rr.exit_code != 0)
		err = dgit_error_fmt(DGIT_ERR_CHILD, "git fetch vcs-git failed "
		    "(exit status %d)", rr.exit_code);
done:
	dgit_run_result_release(&rr);
	free(gargv);
	free(url);
	dgit_deb822_paras_free(paras, npara);
	return err;
}
