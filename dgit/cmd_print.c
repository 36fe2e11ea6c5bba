/*
 * dgit print-dgit-repos-server-source-url, print-dpkg-source-ignores,
 * print-unapplied-treeish, version: lines for scripts, as Perl dgit
 * prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_aq.h"
#include "dgit_quiltfix.h"


/* The dpkg-source options dgit passes so that .git is left out. */
#define DPKG_SOURCE_IGNORES "-i(?:^|/)\\.git(?:/|$) -I.git"

const struct dgit_error *
cmd_print_dpkg_source_ignores(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	int i;

	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &common_optspec_none, NULL)))
		return err;
	printf("%s\n", DPKG_SOURCE_IGNORES);
	return NULL;
}

/*
 * The git URL of the dgit git server's own source, the repository
 * "_dgit-repos-server" on the distro's push server (suite name
 * DGIT-REPOS-SERVER for dgit-suite.*.distro).
 */
const struct dgit_error *
cmd_print_dgit_repos_server_source_url(struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	const struct dgit_error *err;
	const char *distro;
	char *url = NULL;
	int i;

	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &common_optspec_none, NULL)))
		return err;
	distro = dgit_opts.distro ? dgit_opts.distro :
	    dgit_config_suite_distro(ctx->cfg, "DGIT-REPOS-SERVER");
	if ((err = dgit_distro_server_git_url(&url, ctx->cfg, distro,
	    "_dgit-repos-server", 1)))
		return err;
	if (url == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_NOT_FOUND,
		    "distro '%s' has no dgit git server; set "
		    "dgit-distro.%s.git-url", distro, distro);
	printf("%s\n", url);
	free(url);
	return NULL;
}

/*
 * print-unapplied-treeish's options: --build-products-dir (where the
 * origs are) and, as Perl dgit's options are global, a build's -w and
 * --clean, taken and ignored (git-debrebase passes them).
 */
enum { OPT_BPD = 0x100, OPT_CLEAN };

static const struct option unapplied_options[] = {
	{ "build-products-dir", required_argument, NULL, OPT_BPD },
	{ "clean", required_argument, NULL, OPT_CLEAN },
	{ NULL, 0, NULL, 0 }
};

static const struct dgit_error *
unapplied_opt(struct dgit_cmd_ctx *ctx, void *arg, int opt,
    const char *optarg)
{
	const char **bpd = arg;

	if (opt == OPT_BPD) {
		*bpd = optarg;
		return NULL;
	}
	if (opt == 'w')
		return buildopts_check_w(ctx, optarg);
	if (opt == OPT_CLEAN)
		return buildopts_check_clean(ctx, optarg);
	return dgit_usage_error(ctx, "unknown option");
}

static const struct common_optspec unapplied_optspec = {
	"w:", unapplied_options, 0, 0, unapplied_opt
};

/*
 * The tree HEAD has with its patches unapplied: the origs of HEAD's
 * changelog version (in the build products directory, ".." by default)
 * unpacked, HEAD's debian/ in place of theirs.  Offline: nothing is
 * fetched.
 */
const struct dgit_error *
cmd_print_unapplied_treeish(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_quiltfix_opts qo;
	char hex[GIT_OID_HEXSZ + 1];
	const char *bpd = NULL;
	git_oid head, tree;
	int i;

	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &unapplied_optspec, &bpd)))
		return err;
	if (i < argc)
		return dgit_usage_error(ctx, "incorrect arguments to dgit "
		    "print-unapplied-treeish");
	if (bpd == NULL)
		bpd = dgit_config_get(ctx->cfg,
		    "dgit.default.build-products-dir");
	if (git_reference_name_to_id(&head, ctx->repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	memset(&qo, 0, sizeof qo);
	qo.origs_dir = bpd && *bpd ? bpd : "..";
	if ((err = dgit_quiltfix_unapplied_tree(&tree, ctx->repo, &head, &qo)))
		return err;
	git_oid_tostr(hex, sizeof hex, &tree);
	printf("%s\n", hex);
	return NULL;
}

const struct dgit_error *
cmd_version(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	int i;

	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &common_optspec_none, NULL)))
		return err;
	printf("dgit version %s\n", DGIT_VERSION);
	return NULL;
}

/*
 * dgit archive-api-query SUBPATH: the distro's archive query service's
 * raw answer to SUBPATH (its archive-query-url joined with SUBPATH), as
 * Perl dgit prints it; for ftpmasterapi: distros.
 */
const struct dgit_error *
cmd_archive_api_query(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct common_archive a;
	struct common_archive_flags flags = { 0 };
	char *buf = NULL;
	size_t len;
	int i;

	if ((err = common_parse_options(&i, ctx, argc, argv,
	    &common_optspec_one, NULL)))
		return err;
	if (argc - i != 1)
		return dgit_usage_error(ctx, "need only 1 subpath argument");
	flags.no_cache = 1;
	err = common_archive_init(&a, ctx->cfg, "DGIT-API-QUERY-CMD", NULL,
	    &flags);
	if (err == NULL)
		err = dgit_aq_query_raw(&buf, &len, &a.opts, argv[i]);
	common_archive_release(&a);
	if (err == NULL && (fwrite(buf, 1, len, stdout) != len ||
	    fflush(stdout) != 0))
		err = dgit_error_from_errno("cannot write the answer");
	free(buf);
	return err;
}
