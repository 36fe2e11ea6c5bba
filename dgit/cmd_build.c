/*
 * The build commands as dgit defines them: dgit build (dpkg-buildpackage),
 * dgit sbuild, dgit pbuilder, dgit cowbuilder, and dgit clean.  dgit's
 * build options (--quilt, --clean and -w*, --build-products-dir, -N,
 * --since-version / -vVERSION, -mMAINTAINER) are taken wherever they
 * are; everything else after the command goes to the builder.  The
 * source package is always built by dgit itself (quilt fixup, then
 * dpkg-source -b and the same-tree check: lib/srcbuild.c); the builder
 * gets dgit's options, --PROG:OPTION extras and --PROG=COMMAND.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "buildopts.h"
#include "cleanup.h"
#include "common.h"
#include "dgit_aq.h"
#include "dgit.h"
#include "dgit_archive.h"
#include "dgit_buf.h"
#include "dgit_changelog.h"
#include "dgit_config.h"
#include "dgit_fs.h"
#include "dgit_quiltfix.h"
#include "dgit_run.h"
#include "dgit_srcbuild.h"
#include "dgit_version.h"

#define ARGS_MAX 4096               /* builder options on one command line */
#define TOOL_OPTS_MAX 256           /* --PROG:OPTION per tool */
#define WORDS_MAX 32                /* words of a --PROG=COMMAND */

/* dgit's own dpkg-source ignores, which it gives dpkg-buildpackage too */
#define DBP_IGNORES "-i(?:^|/)\\.git(?:/|$)", "-I.git"

struct bcmd {
	struct dgit_cmd_ctx *ctx;
	struct buildopts b;
	const char **bargs;        /* for the builder, in order (argv's) */
	size_t nbargs;
	const char *since;         /* --since-version / -v: NULL: ask */
	const char **chopts;       /* -m...: dpkg-genchanges and the builder */
	size_t nchopts;
	char *vopt;                /* "-vVERSION" or NULL */
	char *package, *version, *suite;   /* from debian/changelog */
	char *words;               /* split --PROG=COMMAND (storage) */
	int default_gbp;           /* gbp-build: --quilt=gbp unless given */
	int cleaned;               /* cleaned (and checked): not again */
};

/* argv vector under construction */
struct vec {
	const char *v[ARGS_MAX + 1];
	size_t n;
	int over;
};

static void
vadd(struct vec *v, const char *a)
{
	if (v->n >= ARGS_MAX)
		v->over = 1;
	else
		v->v[v->n++] = a;
	v->v[v->n] = NULL;
}

/* "dgit-distro.DISTRO.KEY-TOOL" / "dgit.default.KEY-TOOL" */
static const char *
cfg_name(char *buf, size_t size, const char *distro, const char *key,
    const char *tool)
{
	int w = distro ? snprintf(buf, size, "dgit-distro.%s.%s-%s", distro,
	    key, tool) : snprintf(buf, size, "dgit.default.%s-%s", key, tool);

	return w >= 0 && (size_t)w < size ? buf : NULL;
}

/*
 * The tool's extra options, as dgit gives them: dgit.default.opts-TOOL,
 * then dgit-distro.DISTRO.opts-TOOL (every value of each, as git config
 * --add makes them), then --PROG:OPTION from the command line.
 */
static void
vadd_tool_opts(struct vec *v, struct bcmd *c, const char *tool)
{
	const char *o[TOOL_OPTS_MAX];
	const char *distros[2] = { NULL, NULL };
	char name[512];
	size_t n;

	if (c->ctx->cfg)
		distros[1] = dgit_config_canon_distro(c->ctx->cfg,
		    common_distro());
	for (size_t d = 0; c->ctx->cfg && d < 2; d++) {
		if (cfg_name(name, sizeof name, distros[d], "opts", tool) ==
		    NULL)
			continue;
		n = dgit_config_get_all(o, TOOL_OPTS_MAX, c->ctx->cfg, name);
		if (n > TOOL_OPTS_MAX)
			v->over = 1;
		for (size_t i = 0; i < n && i < TOOL_OPTS_MAX; i++)
			vadd(v, o[i]);
	}
	n = dgit_tool_options(o, TOOL_OPTS_MAX, tool);
	if (n > TOOL_OPTS_MAX)
		v->over = 1;
	for (size_t i = 0; i < n && i < TOOL_OPTS_MAX; i++)
		vadd(v, o[i]);
}

/*
 * The program of tool, as dgit runs it: split at white space when split
 * (pbuilder's default is "sudo -E pbuilder"), else one word.
 */
static const struct dgit_error *
vadd_program(struct vec *v, struct bcmd *c, const char *tool,
    const char *dflt, int split)
{
	const char *p = dgit_tool_program(tool), *cp = NULL;
	char *s, *tok, *save = NULL, name[512];
	size_t n = 0;

	/* not given (--pbuilder=pbuilder is given: plain pbuilder) */
	if (p == tool)
		p = dflt;
	/* dgit-distro.DISTRO.cmd-TOOL, else dgit.default.cmd-TOOL: set, it
	 * beats --TOOL= (dgit applies the config after the options) */
	if (c->ctx->cfg && cfg_name(name, sizeof name, NULL, "cmd", tool))
		cp = dgit_config_get_distro(c->ctx->cfg, common_distro(),
		    name + strlen("dgit.default."));
	if (cp && *cp)
		p = cp;
	if (!split) {
		vadd(v, p);
		return NULL;
	}
	free(c->words);
	if ((c->words = s = strdup(p)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (tok = strtok_r(s, " \t\n", &save); tok;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		if (++n > WORDS_MAX)
			return dgit_error_fmt(DGIT_ERR_USAGE, "--%s=%s: too "
			    "many words (at most %d)", tool, p, WORDS_MAX);
		vadd(v, tok);
	}
	if (n == 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "--%s= names no program",
		    tool);
	return NULL;
}

static const struct dgit_error *
vcheck(const struct vec *v)
{
	return v->over ? dgit_error_fmt(DGIT_ERR_LIMIT, "too many builder "
	    "options (at most %d)", ARGS_MAX) : NULL;
}

/*
 * argv[*i] as one of dgit's build options: 1 taken (advancing past a
 * separate value), 0 not one.
 */
static int
take_buildopt(const struct dgit_error **err, struct bcmd *c, int argc,
    char **argv, int *i)
{
	const char *a = argv[*i], *name, *eq, *val = NULL;
	size_t nl;

	*err = NULL;
	if (strcmp(a, "-N") == 0) {
		*err = buildopts_take(c->ctx, &c->b, 'N', NULL);
		return 1;
	}
	if (a[0] != '-' || a[1] == '\0')
		return 0;
	/* single dash: only the -w* forms (getopt_long_only's way) */
	if (a[1] != '-' && a[1] != 'w')
		return 0;
	name = a + (a[1] == '-' ? 2 : 1);
	eq = strchr(name, '=');
	nl = eq ? (size_t)(eq - name) : strlen(name);
	for (const struct option *o = buildopts_options; o->name; o++) {
		if (strlen(o->name) != nl || strncmp(o->name, name, nl) != 0)
			continue;
		if (eq && o->has_arg == no_argument)
			return 0;
		if (eq)
			val = eq + 1;
		else if (o->has_arg == required_argument) {
			if (*i + 1 >= argc) {
				*err = dgit_usage_error(c->ctx, "option '%s' "
				    "needs a value", a);
				return 1;
			}
			val = argv[++*i];
		}
		*err = buildopts_take(c->ctx, &c->b, o->val, val);
		return 1;
	}
	return 0;
}

static const struct dgit_error *
parse(struct bcmd *c, struct dgit_cmd_ctx *ctx, int argc, char **argv,
    int builder_args)
{
	const struct dgit_error *err;

	c->ctx = ctx;
	buildopts_init(&c->b);
	if ((c->bargs = calloc((size_t)argc + 1, sizeof *c->bargs)) == NULL ||
	    (c->chopts = calloc((size_t)argc + TOOL_OPTS_MAX + 1,
	    sizeof *c->chopts)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (take_buildopt(&err, c, argc, argv, &i)) {
			if (err)
				return err;
			continue;
		}
		if (strncmp(a, "--since-version=", 16) == 0)
			c->since = a + 16;
		else if (strncmp(a, "-v", 2) == 0 && a[2] != '\0')
			c->since = a + 2;
		else if (strncmp(a, "-m", 2) == 0 && a[2] != '\0')
			c->chopts[c->nchopts++] = a;
		else if (!builder_args)
			return dgit_usage_error(ctx, "unknown argument '%s'", a);
		else
			c->bargs[c->nbargs++] = a;
	}
	/* --ch:OPTION: after -m, to dpkg-genchanges and the builder */
	{
		size_t n = dgit_tool_options(c->chopts + c->nchopts,
		    TOOL_OPTS_MAX, "ch");

		if (n > TOOL_OPTS_MAX)
			return dgit_usage_error(ctx, "too many --ch: options "
			    "(at most %d)", TOOL_OPTS_MAX);
		c->nchopts += n;
	}
	if (c->since && strcmp(c->since, "_") != 0 &&
	    strchr(c->since, '_') != NULL)
		return dgit_usage_error(ctx, "bad value '%s' for "
		    "--since-version", c->since);
	if (c->default_gbp && c->b.quilt_mode < 0)
		c->b.quilt_mode = DGIT_QUILT_GBP;
	return buildopts_finish(&c->b, ctx->cfg, common_distro());
}

static void
release(struct bcmd *c)
{
	free(c->bargs);
	free(c->chopts);
	free(c->vopt);
	free(c->package);
	free(c->version);
	free(c->suite);
	free(c->words);
}

/* package, version and suite from the working tree's debian/changelog */
static const struct dgit_error *
read_changelog(struct bcmd *c)
{
	const struct dgit_error *err;
	const struct dgit_changelog_entry *e;
	struct dgit_changelog *cl = NULL;
	char *path = NULL, *text = NULL;
	size_t len = 0;

	if (asprintf(&path, "%sdebian/changelog",
	    git_repository_workdir(c->ctx->repo)) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = dgit_fs_read_file(&text, &len, path, (size_t)16 << 20))) {
		if (err->code == DGIT_ERR_NOT_FOUND)
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no "
			    "debian/changelog here; run this in a Debian "
			    "source package's git tree");
		goto done;
	}
	if ((err = dgit_changelog_parse_first(&cl, text, len,
	    "debian/changelog")))
		goto done;
	e = dgit_changelog_entry(cl, 0);
	c->package = strdup(e->package);
	c->version = strdup(e->version);
	c->suite = strdup(e->ndistributions ? e->distributions[0] :
	    "unstable");
	if (!c->package || !c->version || !c->suite)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	dgit_changelog_free(cl);
	free(text);
	free(path);
	return err;
}

/*
 * -v: --since-version, else the suite's current version, asked through
 * the verified archive access (as dgit does; none for a new package);
 * --no-check-archive: none.
 */
static const struct dgit_error *
since_version(struct bcmd *c)
{
	const struct dgit_error *err;
	struct common_archive a;
	struct common_archive_flags af;
	struct dgit_aq_lookup l;
	const char *v = c->since;

	if (v == NULL && c->b.no_check_archive)
		return NULL;
	if (v == NULL && c->suite && strcmp(c->suite, "UNRELEASED") == 0) {
		/* dch's "not for upload" is in no archive: what dgit's
		 * archive query answers for it is "no version" */
		dgit_info("dgit: package seems new, not specifying "
		    "-v<version>");
		return NULL;
	}
	if (v == NULL) {
		memset(&af, 0, sizeof af);
		memset(&a, 0, sizeof a);
		memset(&l, 0, sizeof l);
		if ((err = common_archive_init(&a, c->ctx->cfg, c->suite,
		    c->package, &af)) == NULL)
			err = dgit_aq_lookup(&l, &a.opts, c->suite,
			    c->package);
		common_progress_done(&a);
		if (err == NULL && l.src == NULL) {
			dgit_info("dgit: package seems new, not specifying "
			    "-v<version>");
		} else if (err == NULL) {
			/* a version the suite has already is built all
			 * the same, as dgit does: push refuses it */
			dgit_info("dgit: changelog will contain changes since "
			    "%s", l.src->version);
			if (asprintf(&c->vopt, "-v%s", l.src->version) < 0) {
				c->vopt = NULL;
				err = dgit_error(DGIT_ERR_NOMEM);
			}
		} else
			err = dgit_error_wrap(err, "archive query failed "
			    "(queried because --since-version was not given; "
			    "give it, or --no-check-archive)");
		dgit_aq_lookup_release(&l);
		common_archive_release(&a);
		return err;
	}
	if (strcmp(v, "_") == 0)
		return NULL;
	if (asprintf(&c->vopt, "-v%s", v) < 0) {
		c->vopt = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

/* dpkg-buildpackage as dgit runs it: program, ignores, --PROG:OPTIONs */
static const struct dgit_error *
vadd_dbp(struct vec *v, struct bcmd *c)
{
	const struct dgit_error *err;
	static const char *const ign[] = { DBP_IGNORES };

	if ((err = vadd_program(v, c, "dpkg-buildpackage",
	    "dpkg-buildpackage", 0)))
		return err;
	for (size_t i = 0; i < sizeof ign / sizeof ign[0]; i++)
		vadd(v, ign[i]);
	vadd_tool_opts(v, c, "dpkg-buildpackage");
	return vcheck(v);
}

static const struct dgit_error *
run_builder(const struct vec *v, const char *cwd)
{
	struct dgit_run_opts ro;

	memset(&ro, 0, sizeof ro);
	ro.cwd = cwd;
	dgit_debug(1, "running %s in %s", v->v[0], cwd);
	return dgit_run(NULL, v->v, &ro);
}

/* The quilt fixup alone, committed on HEAD (builds without a source). */
static const struct dgit_error *
quilt_fixup(struct bcmd *c)
{
	const struct dgit_error *err;
	struct dgit_quiltfix_opts qo;
	struct dgit_quiltfix_result r;
	git_oid head;

	if (git_reference_name_to_id(&head, c->ctx->repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	memset(&qo, 0, sizeof qo);
	qo.mode = (enum dgit_quilt_mode)c->b.quilt_mode;
	qo.origs_dir = c->b.bpd;
	qo.dgit_version = DGIT_VERSION;
	qo.upstream_commitish = c->b.upstream_commitish;
	qo.gbp_pq = dgit_gbp_pq_program();
	qo.cache = qo.mode >= DGIT_QUILT_GBP ||
	    c->b.split_view == DGIT_SPLIT_VIEW_ALWAYS;
	qo.info = common_info_cb;
	qo.trace = common_trace_cb;
	qo.tmpfile = common_pack_tmpfile_cb;
	qo.hold = cleanup_hold;
	if ((err = dgit_quiltfix_run(&r, c->ctx->repo, &head, &qo)))
		return err;
	if (r.split || (r.quilt && c->b.split_view == DGIT_SPLIT_VIEW_ALWAYS)) {
		/* the dgit view beside HEAD: the builder uses the tree */
		if (c->b.dgit_view_save && (err = dgit_srcbuild_save_view(
		    c->ctx->repo, c->b.dgit_view_save, &r.commit)))
			return err;
	} else if (r.quilt && r.needed) {
		cleanup_hold(NULL, 1);
		err = dgit_quiltfix_update_head(c->ctx->repo, &head,
		    &r.commit, "dgit quilt-fixup");
		cleanup_hold(NULL, 0);
		if (err)
			return err;
		dgit_info("dgit: quilt fixup: committed %zu new patch%s",
		    r.npatches, r.npatches == 1 ? "" : "es");
	}
	return NULL;
}

/* --rm-old-changes: remove BPD/PKG_V_*.changes (V without epoch) */
static const struct dgit_error *
rm_old_changes(struct bcmd *c)
{
	const struct dgit_error *err;
	char *nv = NULL, *prefix = NULL, *path = NULL;
	DIR *d;
	struct dirent *de;
	size_t pl;

	if ((err = dgit_version_noepoch(&nv, c->version)))
		return err;
	if (asprintf(&prefix, "%s_%s_", c->package, nv) < 0) {
		free(nv);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	pl = strlen(prefix);
	if ((d = opendir(c->b.bpd)) == NULL) {
		err = dgit_error_from_errno("cannot read the build products "
		    "directory '%s'", c->b.bpd);
		goto done;
	}
	while (err == NULL && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < pl + 8 || strncmp(de->d_name, prefix, pl) != 0 ||
		    strcmp(de->d_name + n - 8, ".changes") != 0)
			continue;
		free(path);
		if (asprintf(&path, "%s/%s", c->b.bpd, de->d_name) < 0) {
			path = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
		} else if (unlink(path) != 0) {
			err = dgit_error_from_errno("cannot remove '%s'", path);
		} else {
			dgit_debug(1, "removed old %s", path);
		}
	}
	closedir(d);
done:
	free(path);
	free(prefix);
	free(nv);
	return err;
}

/* dgit refuses to build a package with active distro-specific series */
static const struct dgit_error *
vendor_check(struct bcmd *c)
{
	git_oid head;

	if (git_reference_name_to_id(&head, c->ctx->repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	return common_vendor_series_check(c->ctx->repo, &head,
	    common_distro());
}

/*
 * What every build does first: the changelog, a clean tree (tracked
 * changes refused unless --include-dirty), the archive's version for -v.
 */
static const struct dgit_error *
prep_early(struct bcmd *c)
{
	const struct dgit_error *err;

	if (c->b.split_view == DGIT_SPLIT_VIEW_NEVER &&
	    c->b.quilt_mode >= DGIT_QUILT_GBP)
		return dgit_usage_error(c->ctx, "--quilt=%s makes a split "
		    "dgit view, but --split-view=never was given",
		    dgit_quiltfix_mode_name(
		    (enum dgit_quilt_mode)c->b.quilt_mode));
	if ((err = read_changelog(c)) || (err = vendor_check(c)) ||
	    (err = dgit_srcbuild_check_tree(c->ctx->repo, DGIT_CLEAN_NONE,
	    c->b.include_dirty)) || (err = since_version(c)))
		return err;
	return c->b.rm_old_changes ? rm_old_changes(c) : NULL;
}

/* Build the source package into the bpd (the same-tree check too). */
static const struct dgit_error *
build_source(struct dgit_srcbuild_result *r, struct bcmd *c)
{
	const struct dgit_error *err;
	struct dgit_srcbuild_opts so;
	const char *gc[ARGS_MAX + 2];
	size_t n = 0;

	for (size_t i = 0; i < c->nchopts && n < ARGS_MAX; i++)
		gc[n++] = c->chopts[i];
	if (c->vopt)
		gc[n++] = c->vopt;
	memset(&so, 0, sizeof so);
	so.quilt_mode = (enum dgit_quilt_mode)c->b.quilt_mode;
	/* dgit cleans or checks the tree once: clean() did it */
	so.clean_mode = c->cleaned ? DGIT_CLEAN_NONE :
	    (enum dgit_clean_mode)c->b.clean_mode;
	so.git = dgit_tool_program("git");
	so.include_dirty = c->b.include_dirty;
	so.split_view = (enum dgit_split_view)c->b.split_view;
	so.dgit_view_save = c->b.dgit_view_save;
	so.upstream_commitish = c->b.upstream_commitish;
	so.gbp_pq = dgit_gbp_pq_program();
	so.bpd = c->b.bpd;
	so.dgit_version = DGIT_VERSION;
	so.genchanges_opts = gc;
	so.ngenchanges_opts = n;
	so.info = common_info_cb;
	so.tmpfile = common_pack_tmpfile_cb;
	so.told = cleanup_told;
	so.hold = cleanup_hold;
	/* as dgit, the build keeps a package that is not the git tree:
	 * its push is what refuses it */
	so.keep_mismatch = 1;
	if ((err = dgit_srcbuild_build(r, c->ctx->repo, &so)))
		return err;
	if (r->mismatch) {
		const char *l = r->mismatch;

		fprintf(stderr, "dgit: warning: the source package %s is not "
		    "the git tree, so dgit push will refuse it:\n", r->dsc);
		while (*l) {
			size_t len = strcspn(l, "\n");

			fprintf(stderr, "dgit: warning:  %.*s\n", (int)len, l);
			l += len + (l[len] == '\n');
		}
		fprintf(stderr, "dgit: warning: see dgit(7) for some hints; "
		    "fix the tree and build again\n");
	}
	return NULL;
}

/* The clean step before a builder runs in the working tree. */
static const struct dgit_error *
clean(struct bcmd *c)
{
	const struct dgit_error *err;
	struct vec *v = calloc(1, sizeof *v);

	if (v == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = vadd_dbp(v, c)) == NULL)
		err = dgit_srcbuild_clean(c->ctx->repo,
		    (enum dgit_clean_mode)c->b.clean_mode,
		    (enum dgit_quilt_mode)c->b.quilt_mode, v->v,
		    dgit_tool_program("git"));
	free(v);
	if (err == NULL)
		c->cleaned = 1;
	return err;
}

static const struct dgit_error *
mergechanges(char **out, struct bcmd *c, int one_is_error, const char *hint)
{
	const struct dgit_error *err;
	struct vec *v = calloc(1, sizeof *v);

	if (v == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = vadd_program(v, c, "mergechanges", "mergechanges", 0)) ==
	    NULL) {
		vadd(v, "-f");
		vadd_tool_opts(v, c, "mergechanges");
		if ((err = vcheck(v)) == NULL)
			err = dgit_srcbuild_mergechanges(out, c->b.bpd,
			    c->package, c->version, v->v, one_is_error, hint);
	}
	free(v);
	return err;
}

/* After the builder: the .changes merged when both source and binaries
 * were built (dgit's _multi.changes), and what was made said. */
static const struct dgit_error *
build_done(struct bcmd *c, unsigned want, const struct dgit_srcbuild_result *r)
{
	const struct dgit_error *err;
	char *result = NULL;

	if (want == (DGIT_WANTSRC_SOURCE | DGIT_WANTSRC_BUILDER)) {
		if ((err = mergechanges(&result, c, 0, NULL)))
			return err;
		if (!dgit_opts.quiet)
			printf("dgit ok: build successful, results in %s\n",
			    result);
		free(result);
	} else if (want & DGIT_WANTSRC_SOURCE) {
		if (!dgit_opts.quiet)
			printf("dgit ok: source package %s and %s%s\n", r->dsc,
			    r->changes, r->mismatch ? " (not the git tree)" :
			    ", checked against git");
	} else if (!dgit_opts.quiet)
		printf("dgit ok: build successful\n");
	return NULL;
}

/*
 * dgit build-source: as the build commands' source part (the changelog,
 * a clean tree, -v from the archive and the check that the version is
 * new, then dgit's source build), with no builder.
 */
const struct dgit_error *
cmd_build_source(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };
	struct dgit_srcbuild_result r = { 0 };

	if ((err = parse(&c, ctx, argc, argv, 0)) ||
	    (err = prep_early(&c)) || (err = build_source(&r, &c)))
		goto done;
	if (!dgit_opts.quiet)
		printf("dgit ok: source package %s and %s%s%s\n", r.dsc,
		    r.changes, r.mismatch ? " (not the git tree)" :
		    ", checked against git", r.split ? " (the dgit view)" :
		    "");
done:
	dgit_srcbuild_result_release(&r);
	release(&c);
	return err;
}

const struct dgit_error *
cmd_build(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };
	struct dgit_srcbuild_dbp m = { 0 };
	struct dgit_srcbuild_result r = { 0 };
	struct vec *v = NULL;
	int always;

	if ((err = parse(&c, ctx, argc, argv, 1)))
		goto done;
	if (strcmp(c.b.bpd, "..") != 0) {
		fprintf(stderr, "dgit: warning: build-products-dir set, but "
		    "not supported by dpkg-buildpackage\n"
		    "dgit: warning: build-products-dir will be ignored; files "
		    "will go to ..\n");
		c.b.bpd = "..";
	}
	if ((err = prep_early(&c)) ||
	    (err = dgit_srcbuild_massage_dbp(&m, c.bargs, c.nbargs)))
		goto done;
	always = c.b.clean_mode == DGIT_CLEAN_GIT_ALWAYS ||
	    c.b.clean_mode == DGIT_CLEAN_GIT_FF_ALWAYS;
	if (((m.want & DGIT_WANTSRC_BUILDER) || always) && (err = clean(&c)))
		goto done;
	if (m.want & DGIT_WANTSRC_SOURCE) {
		if ((err = build_source(&r, &c)))
			goto done;
		if (m.want & DGIT_WANTSRC_BUILDER &&
		    (err = dgit_srcbuild_check_changes(c.b.bpd, c.package,
		    c.version)))
			goto done;
	} else if ((err = quilt_fixup(&c)))
		goto done;
	if (m.want & DGIT_WANTSRC_BUILDER) {
		if ((v = calloc(1, sizeof *v)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = vadd_dbp(v, &c)))
			goto done;
		vadd(v, "-us");
		vadd(v, "-uc");
		for (size_t i = 0; i < c.nchopts; i++)
			vadd(v, c.chopts[i]);
		for (size_t i = 0; i < m.nargs; i++)
			vadd(v, m.args[i]);
		vadd(v, "-nc");
		vadd(v, m.mode);
		if (c.vopt)
			vadd(v, c.vopt);
		if ((err = vcheck(v)) ||
		    (err = run_builder(v, git_repository_workdir(ctx->repo))))
			goto done;
	}
	err = build_done(&c, m.want, &r);
done:
	free(v);
	dgit_srcbuild_result_release(&r);
	dgit_srcbuild_dbp_release(&m);
	release(&c);
	return err;
}

/*
 * sbuild, pbuilder, cowbuilder: the source package first (into the
 * bpd), then the builder there on its .dsc, then mergechanges.
 */
static const struct dgit_error *
binary_builder(struct bcmd *c, struct vec *v, const struct vec *tail,
    int one_is_error, const char *hint)
{
	const struct dgit_error *err;
	struct dgit_srcbuild_result r = { 0 };
	const char *dsc;
	char *result = NULL;

	if ((err = build_source(&r, c)) ||
	    (err = dgit_srcbuild_check_changes(c->b.bpd, c->package,
	    c->version)))
		goto done;
	for (size_t i = 0; i < tail->n; i++)
		vadd(v, tail->v[i]);
	dsc = strrchr(r.dsc, '/') ? strrchr(r.dsc, '/') + 1 : r.dsc;
	vadd(v, dsc);
	if ((err = vcheck(v)) || (err = run_builder(v, c->b.bpd)) ||
	    (err = mergechanges(&result, c, one_is_error, hint)))
		goto done;
	if (!dgit_opts.quiet)
		printf("dgit ok: build successful, results in %s\n", result);
done:
	free(result);
	dgit_srcbuild_result_release(&r);
	return err;
}

const struct dgit_error *
cmd_sbuild(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };
	struct vec *v = NULL, *tail = NULL;

	if ((err = parse(&c, ctx, argc, argv, 1)) || (err = prep_early(&c)))
		goto done;
	if ((v = calloc(1, sizeof *v)) == NULL ||
	    (tail = calloc(1, sizeof *tail)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = vadd_program(v, &c, "sbuild", "sbuild", 0)))
		goto done;
	vadd(v, "--no-source");
	vadd_tool_opts(v, &c, "sbuild");
	vadd(v, "-d");
	vadd(v, c.suite);
	for (size_t i = 0; i < c.nbargs; i++)
		vadd(tail, c.bargs[i]);
	err = binary_builder(&c, v, tail, 1, "perhaps you need to pass -A? "
	    "(sbuild's default is to build only arch-specific binaries)");
done:
	free(v);
	free(tail);
	release(&c);
	return err;
}

static const struct dgit_error *
pbuilder(struct dgit_cmd_ctx *ctx, int argc, char **argv, const char *tool,
    const char *dflt)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };
	struct dgit_srcbuild_dbp m = { 0 };
	struct vec *v = NULL, *tail = NULL;
	struct dgit_buf dbo = DGIT_BUF_INIT;

	if ((err = parse(&c, ctx, argc, argv, 1)) || (err = prep_early(&c)) ||
	    (err = dgit_srcbuild_massage_dbp(&m, c.bargs, c.nbargs)))
		goto done;
	if (!(m.want & DGIT_WANTSRC_BUILDER)) {
		/* dgit's wording: "dgit: error: you asked for a builder..." */
		err = dgit_error_fmt(DGIT_ERR_USAGE, "you asked for a "
		    "builder but your debbuildopts didn't ask for any "
		    "binaries -- is this really what you meant? (for a "
		    "source package alone, use dgit build-source)");
		goto done;
	}
	if (!(m.want & DGIT_WANTSRC_SOURCE)) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "we must build a "
		    ".dsc to pass to the builder but your debbuiltopts "
		    "forbids the building of a source package; cannot "
		    "continue (%s needs a .dsc: drop -b/-B/-A)", tool);
		goto done;
	}
	if ((v = calloc(1, sizeof *v)) == NULL ||
	    (tail = calloc(1, sizeof *tail)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = vadd_program(v, &c, tool, dflt, 1)))
		goto done;
	vadd(v, "build");
	if (!dgit_tool_removed(tool, "--no-source-only-changes"))
		vadd(v, "--no-source-only-changes");
	vadd_tool_opts(v, &c, tool);
	for (size_t i = 0; i < m.nargs && err == NULL; i++)
		if (!i || (err = dgit_buf_addch(&dbo, ' ')) == NULL)
			err = dgit_buf_adds(&dbo, m.args[i]);
	if (err == NULL && m.nargs)
		err = dgit_buf_addch(&dbo, ' ');
	if (err == NULL)
		err = dgit_buf_adds(&dbo, "-nc ");
	if (err == NULL)
		err = dgit_buf_adds(&dbo, m.mode);
	if (err)
		goto done;
	vadd(tail, "--debbuildopts");
	vadd(tail, dbo.ptr);
	vadd(tail, "--distribution");
	vadd(tail, c.suite);
	err = binary_builder(&c, v, tail, 0, NULL);
done:
	dgit_buf_release(&dbo);
	free(v);
	free(tail);
	dgit_srcbuild_dbp_release(&m);
	release(&c);
	return err;
}

const struct dgit_error *
cmd_pbuilder(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return pbuilder(ctx, argc, argv, "pbuilder", "sudo -E pbuilder");
}

const struct dgit_error *
cmd_cowbuilder(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	return pbuilder(ctx, argc, argv, "cowbuilder", "sudo -E cowbuilder");
}

const struct dgit_error *
cmd_clean(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };

	if ((err = parse(&c, ctx, argc, argv, 0)) == NULL &&
	    (err = clean(&c)) == NULL && !dgit_opts.quiet)
		printf("dgit ok: working tree cleaned\n");
	release(&c);
	return err;
}

/* Words as a shell would read them back, quoted as dgit quotes them. */
static const struct dgit_error *
shellquote(struct dgit_buf *b, const char *const *words, size_t n)
{
	static const char safe[] = "-=_./:0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	const struct dgit_error *err = NULL;

	for (size_t i = 0; i < n && err == NULL; i++) {
		const char *w = words[i];

		if (i)
			err = dgit_buf_addch(b, ' ');
		if (err == NULL && *w && strspn(w, safe) == strlen(w)) {
			err = dgit_buf_adds(b, w);
			continue;
		}
		if (err == NULL)
			err = dgit_buf_addch(b, '\'');
		/* ' and \ as '\'' and '\\' */
		for (; *w && err == NULL; w++) {
			int special = *w == '\'' || *w == '\\';

			if (special)
				err = dgit_buf_adds(b, "'\\");
			if (err == NULL)
				err = dgit_buf_addch(b, *w);
			if (err == NULL && special)
				err = dgit_buf_addch(b, '\'');
		}
		if (err == NULL)
			err = dgit_buf_addch(b, '\'');
	}
	return err;
}

/* 1 when an executable called name is on PATH. */
static int
on_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];

	for (p = path ? path : ""; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (snprintf(buf, sizeof buf, "%.*s/%s", (int)(e - p), p,
		    name) < (int)sizeof buf && e > p && access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether gbp-build must let gbp make the .origs first, as dgit does:
 * the version has a Debian revision and the build products directory
 * has no PACKAGE_UPSTREAM.orig.tar.* (gbp makes them out of thin air).
 */
static int
gbp_make_orig(const struct bcmd *c)
{
	const char *v = strchr(c->version, ':') ? strchr(c->version, ':') + 1 :
	    c->version;
	const char *dash = strrchr(v, '-');
	char prefix[512];
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (dash == NULL || (size_t)snprintf(prefix, sizeof prefix,
	    "%s_%.*s.orig.tar.", c->package, (int)(dash - v), v) >=
	    sizeof prefix)
		return 0;
	if ((d = opendir(c->b.bpd)) == NULL)
		return 1;
	while (!found && (de = readdir(d)) != NULL)
		found = strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return !found;
}

/*
 * gbp makes the .origs: gbp with --git-cleaner=true and a prebuild hook
 * that marks that gbp got as far as building (the .origs are made by
 * then) and then fails, so nothing is built.  v: gbp's command.
 */
static const struct dgit_error *
gbp_origs(struct bcmd *c, const struct vec *v,
    const struct dgit_srcbuild_dbp *m)
{
	const struct dgit_error *err = NULL;
	const char *gitdir = git_repository_path(c->ctx->repo);
	char *priv = NULL, *ok = NULL, *nodir = NULL;
	struct dgit_buf pre = DGIT_BUF_INIT;
	struct vec *o = calloc(1, sizeof *o);
	struct dgit_run_opts ro;
	const char *words[3];
	struct stat st;

	if (o == NULL || asprintf(&priv, "%sdgit", gitdir) < 0 ||
	    asprintf(&ok, "%s/origs-gen-ok", priv) < 0 ||
	    asprintf(&nodir, "%s/no-such-dir/ok", priv) < 0) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_fs_mkdirs(priv)))
		goto done;
	if (unlink(ok) != 0 && errno != ENOENT) {
		err = dgit_error_from_errno("cannot remove '%s'", ok);
		goto done;
	}
	words[0] = "touch";
	words[1] = ok;
	words[2] = nodir;
	if ((err = dgit_buf_adds(&pre, "--git-prebuild=")) ||
	    (err = shellquote(&pre, words, 3)))
		goto done;
	for (size_t i = 0; i < v->n; i++)
		vadd(o, v->v[i]);
	vadd(o, "--git-cleaner=true");
	vadd(o, pre.ptr);
	for (size_t i = 0; i < m->nargs; i++)
		vadd(o, m->args[i]);
	if ((err = vcheck(o)))
		goto done;
	memset(&ro, 0, sizeof ro);
	ro.cwd = git_repository_workdir(c->ctx->repo);
	dgit_debug(1, "running %s to make the .origs", o->v[0]);
	/* gbp fails at the prebuild hook by design: the mark says how far
	 * it got */
	err = dgit_run(NULL, o->v, &ro);
	if (stat(ok, &st) == 0)
		err = NULL;
	else if (err)
		err = dgit_error_wrap(err, "gbp did not make the .origs");
	else
		err = dgit_error_fmt(DGIT_ERR_CHILD, "gbp did not make the "
		    ".origs ('%s' not made by its prebuild hook)", ok);
done:
	dgit_buf_release(&pre);
	free(o);
	free(priv);
	free(ok);
	free(nodir);
	return err;
}

/*
 * dgit gbp-build: --quilt=gbp unless told otherwise; the source package
 * by dgit (from the dgit view), then gbp buildpackage with dgit's
 * dpkg-buildpackage as its builder (--git-builder, shell-quoted).
 */
const struct dgit_error *
cmd_gbp_build(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct bcmd c = { 0 };
	struct dgit_srcbuild_dbp m = { 0 };
	struct dgit_srcbuild_result r = { 0 };
	struct vec *v = NULL, *dbp = NULL;
	struct dgit_buf gb = DGIT_BUF_INIT;

	c.default_gbp = 1;
	if ((err = parse(&c, ctx, argc, argv, 1)) || (err = prep_early(&c)) ||
	    (err = dgit_srcbuild_massage_dbp(&m, c.bargs, c.nbargs)))
		goto done;
	if ((v = calloc(1, sizeof *v)) == NULL ||
	    (dbp = calloc(1, sizeof *dbp)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = vadd_dbp(dbp, &c)))
		goto done;
	vadd(dbp, "-nc");
	vadd(dbp, m.mode);
	if ((err = vcheck(dbp)) ||
	    (err = dgit_buf_adds(&gb, "--git-builder=")) ||
	    (err = shellquote(&gb, dbp->v, dbp->n)))
		goto done;
	if ((err = vadd_program(v, &c, "gbp-build",
	    on_path("git-buildpackage") ? "git-buildpackage" :
	    "gbp buildpackage", 1)))
		goto done;
	vadd_tool_opts(v, &c, "gbp-build");
	vadd(v, "-us");
	vadd(v, "-uc");
	vadd(v, "--git-no-sign-tags");
	vadd(v, gb.ptr);
	if (gbp_make_orig(&c)) {
		/* dgit: clean once, then not again after gbp made them */
		if ((err = clean(&c)) || (err = gbp_origs(&c, v, &m)))
			goto done;
	} else if ((m.want & DGIT_WANTSRC_BUILDER ||
	    c.b.clean_mode == DGIT_CLEAN_GIT_ALWAYS ||
	    c.b.clean_mode == DGIT_CLEAN_GIT_FF_ALWAYS) && (err = clean(&c)))
		goto done;
	if (m.want & DGIT_WANTSRC_SOURCE) {
		if ((err = build_source(&r, &c)) ||
		    (err = dgit_srcbuild_check_changes(c.b.bpd, c.package,
		    c.version)))
			goto done;
	} else {
		if ((err = quilt_fixup(&c)))
			goto done;
		vadd(v, "--git-cleaner=true");
	}
	if (m.want & DGIT_WANTSRC_BUILDER) {
		for (size_t i = 0; i < c.nchopts; i++)
			vadd(v, c.chopts[i]);
		if (c.vopt)
			vadd(v, c.vopt);
		for (size_t i = 0; i < m.nargs; i++)
			vadd(v, m.args[i]);
		if ((err = vcheck(v)) ||
		    (err = run_builder(v, git_repository_workdir(ctx->repo))))
			goto done;
	}
	err = build_done(&c, m.want, &r);
done:
	free(v);
	free(dbp);
	dgit_buf_release(&gb);
	dgit_srcbuild_result_release(&r);
	dgit_srcbuild_dbp_release(&m);
	release(&c);
	return err;
}
