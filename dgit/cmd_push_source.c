/*
 * dgit push-source [SUITE], dgit push-built [SUITE]: the options, the
 * program's archive access and fetch for lib/pushsource.c's push, and
 * what it says about the result.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "cleanup.h"
#include "common.h"
#include "dgit.h"
#include "dgit_pushsource.h"
#include "dgit_quiltfix.h"
#include "dgit_version.h"

struct push {
	const char *suite_arg;
	const char *changes_arg;   /* -C / --changes */
	int built;                 /* push-built: never build */
	int new_pkg;               /* --new */
	int overwrite;             /* --overwrite[=VERSION] */
	const char *overwrite_version;
	int not_ff;                /* --deliberately-not-fast-forward */
	int fresh_repo;            /* --deliberately-fresh-repo */
	int questionable;          /* --deliberately-include-questionable-history */
	/* every --deliberately-*, in order */
	const char *delib[DGIT_PUSHSOURCE_MAX_DELIBERATELY];
	size_t ndelib;
	int force_tainted;         /* --force-push-tainted */
	int reuse_version;         /* --force-reusing-version */
	int old_version;           /* --force-uploading-old-version */
	int source_only_ok;        /* --force-uploading-source-only */
	int binaries_ok;           /* --force-uploading-binaries */
	int mismatch_ok;           /* --force-dsc-changes-mismatch */
	struct buildopts bo;       /* --quilt, --clean, --build-products-dir */
	struct common_archive_flags af;
	struct dgit_cmd_ctx *ctx;
	struct common_archive arch;
	int arch_inited;
	char *changes_dir;         /* DIR of -C DIR/X.changes */
	dgit_pushsource_sign_fn *sign;   /* rpush: signing elsewhere */
	void *sign_arg;
};

static const struct dgit_error *
env_archive(const struct dgit_archive_opts **out, void *arg,
    const char *suite, const char *package)
{
	struct push *p = arg;
	const struct dgit_error *err;

	*out = NULL;
	if ((err = common_archive_init(&p->arch, p->ctx->cfg, suite, package,
	    &p->af)))
		return err;
	p->arch_inited = 1;
	*out = &p->arch.opts;
	return NULL;
}

static const struct dgit_error *
env_fetch(struct dgit_fetchsuite_result *res, void *arg,
    const char *package, const char *suite)
{
	struct push *p = arg;
	struct common_archive_flags af = p->af;

	/* as dgit: the push's distro (the changelog suite's), whatever
	 * the canonical suite's own would be */
	if (p->arch_inited)
		af.distro = p->arch.distro;
	return common_fetch(res, p->ctx->repo, p->ctx->cfg, package, suite,
	    &af);
}

static void
report(const struct dgit_pushsource_result *r)
{
	const char *host = r->upload_host;

	if (r->stage == DGIT_PUSHSOURCE_DRY_RUN) {
		printf("dgit: dry run: would sign tags %s%s%s for %.12s,\n"
		    "  sign %s (Dgit: field) and %s,\n"
		    "  push refs/dgit/%s and the tags to %s,\n"
		    "  upload %s with dput%s%s\n", r->tag[0],
		    r->tag[1] ? " and " : "", r->tag[1] ? r->tag[1] : "",
		    r->head, r->dsc_name, r->changes_name, r->csuite,
		    r->push_url, r->changes_name, host ? " to " : "",
		    host ? host : "");
		return;
	}
	if (dgit_opts.quiet)
		return;
	if (r->stage == DGIT_PUSHSOURCE_SIGNED)
		printf("dgit ok: damp run: tags %s%s%s made and %s "
		    "signed; nothing pushed or uploaded\n", r->tag[0],
		    r->tag[1] ? " and " : "", r->tag[1] ? r->tag[1] : "",
		    r->changes_name);
	else
		printf("dgit ok: pushed and uploaded %s\n", r->version);
}

#define DPUT_OPTS_MAX 32

static const struct dgit_error *
do_push(struct push *p)
{
	const struct dgit_error *err;
	struct dgit_pushsource *ps = NULL;
	struct dgit_pushsource_opts o;
	struct dgit_pushsource_result r;
	const char *dput_opts[DPUT_OPTS_MAX];

	if ((err = dgit_pushsource_new(&ps, p->ctx->repo, p->ctx->cfg,
	    dgit_opts.distro)) ||
	    (err = buildopts_finish(&p->bo, p->ctx->cfg,
	    dgit_pushsource_distro(ps))))
		goto done;
	memset(&o, 0, sizeof o);
	o.suite = p->suite_arg;
	o.changes = p->changes_arg;
	/* as dgit: -C DIR/X.changes is X.changes in DIR, the build
	 * products directory */
	if (p->changes_arg && strrchr(p->changes_arg, '/')) {
		const char *sl = strrchr(p->changes_arg, '/');

		if ((p->changes_dir = strndup(p->changes_arg, sl == p->changes_arg
		    ? 1 : (size_t)(sl - p->changes_arg))) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		o.changes = sl + 1;
	}
	o.built = p->built;
	o.new_pkg = p->new_pkg;
	o.overwrite = p->overwrite;
	o.overwrite_version = p->overwrite_version;
	o.not_ff = p->not_ff;
	o.fresh_repo = p->fresh_repo;
	o.reuse_version = p->reuse_version;
	o.questionable = p->questionable;
	o.deliberately = p->delib;
	o.ndeliberately = p->ndelib;
	o.force_tainted = p->force_tainted;
	o.old_version = p->old_version;
	o.force_source_only = p->source_only_ok;
	o.force_binaries = p->binaries_ok;
	o.force_dsc_changes_mismatch = p->mismatch_ok;
	o.quilt_mode = p->bo.quilt_mode;
	o.clean_mode = p->bo.clean_mode;
	/* dgit.c refreshed the index and refused tracked changes */
	o.tracked_clean = (p->ctx->cmd->flags & CMD_NEEDS_CLEAN) != 0;
	o.split_view = p->bo.split_view;
	o.dgit_view_save = p->bo.dgit_view_save;
	o.upstream_commitish = p->bo.upstream_commitish;
	o.gbp_pq = dgit_gbp_pq_program();
	o.bpd = p->changes_dir ? p->changes_dir : p->bo.bpd;
	o.keyid = dgit_opts.keyid;
	o.dry_run = dgit_opts.dry_run;
	o.damp_run = dgit_opts.damp_run;
	o.quiet = dgit_opts.quiet;
	o.dgit_version = DGIT_VERSION;
	o.dput = dgit_tool_program("dput");
	o.ndput_opts = dgit_tool_options(dput_opts, DPUT_OPTS_MAX, "dput");
	o.dput_opts = dput_opts;
	o.env = (struct dgit_pushsource_env){ env_archive, env_fetch, p };
	o.info = common_say_cb;
	o.debug = common_info_cb;
	o.tmpfile = common_pack_tmpfile_cb;
	o.told = cleanup_told;
	o.hold = cleanup_hold;
	o.sign_elsewhere = p->sign;
	o.sign_arg = p->sign_arg;
	{
		git_oid head;

		if (git_reference_name_to_id(&head, p->ctx->repo, "HEAD") != 0) {
			err = dgit_error_git("cannot read HEAD");
			goto done;
		}
		if ((err = common_vendor_series_check(p->ctx->repo, &head,
		    dgit_pushsource_distro(ps))))
			goto done;
	}
	if ((err = dgit_pushsource_run(&r, ps, &o)) == NULL)
		report(&r);
done:
	dgit_pushsource_free(ps);
	free(p->changes_dir);
	p->changes_dir = NULL;
	if (p->arch_inited)
		common_archive_release(&p->arch);
	return err;
}

enum {
	OPT_NEW = COMMON_OPT_END, OPT_OVERWRITE, OPT_CHANGES,
	OPT_REUSE_VERSION, OPT_OLD_VERSION, OPT_SOURCE_ONLY,
	OPT_BINARIES, OPT_MISMATCH, OPT_FORCE_TAINTED,
};

static const struct option push_options[] = {
	{ "new", no_argument, NULL, OPT_NEW },
	{ "overwrite", optional_argument, NULL, OPT_OVERWRITE },
	{ "force-push-tainted", no_argument, NULL, OPT_FORCE_TAINTED },
	{ "force-reusing-version", no_argument, NULL, OPT_REUSE_VERSION },
	{ "force-uploading-old-version", no_argument, NULL, OPT_OLD_VERSION },
	/* the distro's source-only-uploads policy, overridden */
	{ "force-uploading-source-only", no_argument, NULL, OPT_SOURCE_ONLY },
	{ "force-uploading-binaries", no_argument, NULL, OPT_BINARIES },
	{ "force-dsc-changes-mismatch", no_argument, NULL, OPT_MISMATCH },
	{ "changes", required_argument, NULL, OPT_CHANGES },
	COMMON_ARCHIVE_OPTIONS,
};
#define NPUSH_OPTIONS (sizeof push_options / sizeof push_options[0])
#define MAX_OPTIONS 64

static const struct dgit_error *
take(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	struct push *p = arg;

	if (common_archive_option(&p->af, opt))
		return NULL;
	switch (opt) {
	case OPT_NEW:
		p->new_pkg = 1;
		return NULL;
	case OPT_OVERWRITE:
		p->overwrite = 1;
		if (optarg == NULL)
			return NULL;
		p->overwrite_version = optarg;
		if (dgit_version_check(optarg))
			return dgit_usage_error(ctx, "bad version in "
			    "'--overwrite=%s'", optarg);
		return NULL;
	case OPT_FORCE_TAINTED:
		p->force_tainted = 1;
		return NULL;
	case OPT_REUSE_VERSION:
		p->reuse_version = 1;
		return NULL;
	case OPT_OLD_VERSION:
		p->old_version = 1;
		return NULL;
	case OPT_SOURCE_ONLY:
		p->source_only_ok = 1;
		return NULL;
	case OPT_BINARIES:
		p->binaries_ok = 1;
		return NULL;
	case OPT_MISMATCH:
		p->mismatch_ok = 1;
		return NULL;
	case 'C':
	case OPT_CHANGES:
		p->changes_arg = optarg;
		return NULL;
	}
	return buildopts_take(ctx, &p->bo, opt, optarg);
}

/*
 * Whether the word after "--deliberately-" is one dgit takes: a package
 * name, "TEST-" before it allowed.
 */
static int
deliberately_ok(const char *w)
{
	if (strncmp(w, "TEST-", 5) == 0)
		w += 5;
	if (!((*w >= 'a' && *w <= 'z') || (*w >= '0' && *w <= '9')))
		return 0;
	return strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789+-.") ==
	    strlen(w);
}

/* Whether --deliberately-WHAT (or its TEST-dgit-only- form) was given. */
static int
deliberately(const struct push *p, const char *what)
{
	static const char test[] = "TEST-dgit-only-";

	for (size_t k = 0; k < p->ndelib; k++) {
		const char *w = p->delib[k] + strlen("--deliberately-");

		if (strncmp(w, test, sizeof test - 1) == 0)
			w += sizeof test - 1;
		if (strcmp(w, what) == 0)
			return 1;
	}
	return 0;
}

/*
 * As dgit: any --deliberately-SOMETHING is taken (before "--"), said in
 * the tags for the server's policy; those dgit knows also act here, as
 * do their --deliberately-TEST-dgit-only- forms (which the server does
 * not know: they test its own checks).  argv keeps the other words.
 */
static const struct dgit_error *
take_deliberately(struct push *p, struct dgit_cmd_ctx *ctx, int *argc,
    char **argv)
{
	int i, j;

	for (i = j = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strncmp(a, "--deliberately-", 15) != 0) {
			argv[j++] = argv[i];
			continue;
		}
		if (!deliberately_ok(a + 15))
			return dgit_usage_error(ctx, "bad option '%s' (what "
			    "follows --deliberately- is a word such as "
			    "not-fast-forward)", a);
		if (p->ndelib == DGIT_PUSHSOURCE_MAX_DELIBERATELY)
			return dgit_usage_error(ctx, "too many --deliberately- "
			    "options");
		p->delib[p->ndelib++] = a;
	}
	argv[j] = NULL;
	*argc = j;
	p->not_ff |= deliberately(p, "not-fast-forward");
	p->fresh_repo |= deliberately(p, "fresh-repo");
	p->questionable |= deliberately(p, "include-questionable-history");
	return NULL;
}

/* push's options, then the build options push does not define itself */
static const struct dgit_error *
parse(struct push *p, struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct option opts[MAX_OPTIONS];
	struct common_optspec spec = { "NC:", opts, 1, 1, take };
	size_t n = 0;
	int i;

	if ((err = take_deliberately(p, ctx, &argc, argv)))
		return err;

	buildopts_init(&p->bo);
	for (size_t j = 0; j < NPUSH_OPTIONS; j++)
		opts[n++] = push_options[j];
	for (const struct option *o = buildopts_options; o->name; o++) {
		size_t j;

		for (j = 0; j < NPUSH_OPTIONS; j++)
			if (strcmp(o->name, push_options[j].name) == 0)
				break;
		if (j < NPUSH_OPTIONS)
			continue;
		if (n + 1 >= MAX_OPTIONS)
			return dgit_error_fmt(DGIT_ERR_LIMIT, "too many "
			    "options");
		opts[n++] = *o;
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	if ((err = common_parse_options(&i, ctx, argc, argv, &spec, p)))
		return err;
	if (i < argc)
		p->suite_arg = argv[i];
	p->new_pkg |= p->bo.new_ok;
	if (p->bo.include_dirty)
		return dgit_usage_error(ctx, "a push is of HEAD; commit "
		    "your changes (--include-dirty is for build-source)");
	return NULL;
}

static const struct dgit_error *
parse_and_push(struct push *p, struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	const struct dgit_error *err;

	p->ctx = ctx;
	if ((err = parse(p, ctx, argc, argv)))
		return err;
	return do_push(p);
}

const struct dgit_error *
cmd_push_source(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	struct push p = { 0 };

	return parse_and_push(&p, ctx, argc, argv);
}

const struct dgit_error *
cmd_push_built(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	struct push p = { .built = 1 };

	return parse_and_push(&p, ctx, argc, argv);
}

const struct dgit_error *
cmd_push_signed_elsewhere(struct dgit_cmd_ctx *ctx, int argc, char **argv,
    int built, dgit_pushsource_sign_fn *sign, void *sign_arg)
{
	struct push p = { .built = built, .sign = sign,
	    .sign_arg = sign_arg };

	return parse_and_push(&p, ctx, argc, argv);
}
