/*
 * dgit import-dsc [--require-valid-signature] FILE.dsc [+|..]BRANCH
 *
 * BRANCH: a new branch (an existing one is an error); +BRANCH: overwrite
 * whatever is there; ..BRANCH: if it exists, finish with a pseudomerge so
 * the result is fast-forward from it.  Without refs/, refs/heads/ is
 * prepended.  The ref changes only when the whole import succeeded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "cleanup.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_import.h"
#include "dgit_importdsc.h"
#include "dgit_origcache.h"

/*
 * A numeric setting (dgit_config_get: -c, else git config), 0 when
 * unset.  Digits only, optionally followed by k, M or G.
 */
static const struct dgit_error *
get_cap(uint64_t *out, const struct dgit_config *cfg, const char *name)
{
	const char *val = dgit_config_get(cfg, name), *p;
	uint64_t v = 0;

	*out = 0;
	if (val == NULL)
		return NULL;
	for (p = val; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			p = "overflow";
			break;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == 'k' || *p == 'K')
		v <<= 10, p++;
	else if (*p == 'M')
		v <<= 20, p++;
	else if (*p == 'G')
		v <<= 30, p++;
	if (p == val || *p != '\0')
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad value '%s' for %s: "
		    "a number (with k, M or G) is needed", val, name);
	*out = v;
	return NULL;
}

/* The import's caps, threads and compression from config. */
static const struct dgit_error *
import_opts(struct dgit_import_opts *opts, const struct dgit_config *cfg)
{
	const struct dgit_error *err;
	const char *threads = dgit_config_get(cfg, "dgit.import.threads");
	uint64_t v;

	memset(opts, 0, sizeof *opts);
	opts->level = -1;
	opts->threads = -1;
	opts->unpack.warn = common_warn_cb;
	opts->info = common_info_cb;
	opts->tmpfile = common_pack_tmpfile_cb;
	if ((err = get_cap(&opts->unpack.max_entries, cfg,
	    "dgit.import.max-entries")) ||
	    (err = get_cap(&opts->unpack.max_bytes, cfg,
	    "dgit.import.max-bytes")))
		return err;
	/* "none": compress in the main thread */
	if (threads && strcmp(threads, "none") == 0)
		opts->threads = 0;
	else if ((err = get_cap(&v, cfg, "dgit.import.threads")))
		return err;
	else if (v > 0)
		opts->threads = v > 64 ? 64 : (int)v;
	if ((err = get_cap(&v, cfg, "dgit.import.compression")))
		return err;
	if (v > 0)
		opts->level = v > 9 ? 9 : (int)v;
	return NULL;
}

enum {
	OPT_REQUIRE_SIG = 0x100, OPT_CHASE, OPT_NO_CHASE, OPT_FORCE_DGIT,
	OPT_GITAPPLY, OPT_GITAPPLY_NO
};

static const struct option options[] = {
	{ "require-valid-signature", no_argument, NULL, OPT_REQUIRE_SIG },
	{ "no-chase-dsc-distro", no_argument, NULL, OPT_NO_CHASE },
	{ "chase-dsc-distro", no_argument, NULL, OPT_CHASE },
	{ "force-import-dsc-with-dgit-field", no_argument, NULL,
	  OPT_FORCE_DGIT },
	/* the import applies patches as dgit's "absurd" git-apply
	 * emulation does (as dpkg-source); no-absurd: gbp pq import with
	 * git apply must make the patch commits */
	{ "force-import-gitapply-absurd", no_argument, NULL, OPT_GITAPPLY },
	{ "force-import-gitapply-no-absurd", no_argument, NULL,
	  OPT_GITAPPLY_NO },
	{ NULL, 0, NULL, 0 }
};

static common_opt_fn take;
static const struct common_optspec optspec = {
	"+", options, 0, -1, take
};

static const struct dgit_error *
take(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	struct dgit_importdsc_opts *o = arg;

	(void)ctx;
	(void)optarg;
	if (opt == OPT_REQUIRE_SIG)
		o->require_valid_signature = 1;
	else if (opt == OPT_FORCE_DGIT)
		o->force_dgit = 1;
	else if (opt == OPT_GITAPPLY)
		dgit_debug(1, "import-dsc: patches are always applied as "
		    "dpkg-source does; %s changes nothing",
		    "--force-import-gitapply-absurd");
	else if (opt == OPT_GITAPPLY_NO)
		o->gitapply_no_absurd = 1;
	else if (opt == OPT_CHASE || opt == OPT_NO_CHASE)
		o->no_chase = opt == OPT_NO_CHASE;
	return NULL;
}

/* FILE.dsc [+|..]BRANCH */
static const struct dgit_error *
take_operands(struct dgit_importdsc_opts *o, char **refname,
    struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const char *target;

	if (argc != 2)
		return dgit_usage_error(ctx, "need a .dsc and a branch");
	o->dscpath = argv[0];
	target = argv[1];
	if (strncmp(target, "..", 2) == 0) {
		o->mode = DGIT_IMPORTDSC_MERGE;
		target += 2;
	} else if (target[0] == '+') {
		o->mode = DGIT_IMPORTDSC_OVERWRITE;
		target++;
	}
	if (*target == '\0')
		return dgit_usage_error(ctx, "empty branch name");
	o->name = target;
	if (asprintf(refname, strncmp(target, "refs/", 5) == 0 ? "%s" :
	    "refs/heads/%s", target) < 0) {
		*refname = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	o->refname = *refname;
	if (!git_reference_is_valid_name(*refname))
		return dgit_usage_error(ctx, "'%s' is not a valid ref name",
		    *refname);
	return NULL;
}

/* dgit refuses a .dsc named by a relative path that is not above the
 * working tree: its files would be linked from inside it. */
static const struct dgit_error *
check_dsc_place(const char *dscpath)
{
	const char *p = dscpath;

	if (*p == '/')
		return NULL;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (strncmp(p, "../", 3) == 0)
		return NULL;
	return dgit_error_fmt(DGIT_ERR_USAGE, "cannot import %s which seems "
	    "to be inside working tree!", dscpath);
}

/*
 * As dgit does before an import: each file of the .dsc that the build
 * products directory (dgit.default.build-products-dir, default "..",
 * from the working tree's top) lacks becomes a symlink there to the
 * file beside the .dsc, so that builds find the origs.  Symlinks are
 * absolute (dgit makes them relative when both paths are).
 */
static const struct dgit_error *
link_dsc_files(struct dgit_cmd_ctx *ctx, const char *dscpath)
{
	const struct dgit_error *err;
	const char *top = git_repository_workdir(ctx->repo), *v;
	char dscdir[PATH_MAX], topabs[PATH_MAX], bpd[PATH_MAX];
	char here[PATH_MAX], there[PATH_MAX], *buf = NULL, *slash;
	struct dgit_dsc *dsc = NULL;
	struct stat st;
	size_t len, i;

	if (top == NULL)
		return NULL;
	v = dgit_config_get(ctx->cfg, "dgit.default.build-products-dir");
	if (v == NULL || *v == '\0')
		v = "..";
	if (snprintf(dscdir, sizeof dscdir, "%s", dscpath) >=
	    (int)sizeof dscdir)
		return dgit_error_fmt(DGIT_ERR_USAGE, "path too long");
	slash = strrchr(dscdir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dscdir, ".");
	if (realpath(slash ? dscdir : ".", dscdir) == NULL ||
	    realpath(top, topabs) == NULL)
		return dgit_error_from_errno("cannot resolve '%s'", dscpath);
	if (snprintf(bpd, sizeof bpd, "%s%s%s", v[0] == '/' ? "" : topabs,
	    v[0] == '/' ? "" : "/", v) >= (int)sizeof bpd)
		return dgit_error_fmt(DGIT_ERR_USAGE, "path too long");
	if ((err = dgit_fs_read_file(&buf, &len, dscpath, DGIT_DSC_MAX)) ||
	    (err = dgit_dsc_parse(&dsc, buf, len, dscpath)))
		goto done;
	for (i = 0; i < dsc->nfiles; i++) {
		const char *f = dsc->files[i].name;

		if (snprintf(here, sizeof here, "%s/%s", bpd, f) >=
		    (int)sizeof here || snprintf(there, sizeof there, "%s/%s",
		    dscdir, f) >= (int)sizeof there) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "path too long");
			goto done;
		}
		if (stat(here, &st) == 0)
			continue;
		if (errno != ENOENT || lstat(here, &st) == 0) {
			err = dgit_error_from_errno("stat %s", here);
			goto done;
		}
		if ((err = check_dsc_place(dscpath)))
			goto done;
		if (stat(there, &st) != 0) {
			err = dgit_error_from_errno("import %s requires %s, "
			    "but", dscpath, there);
			goto done;
		}
		if (symlink(there, here) != 0) {
			err = dgit_error_from_errno("symlink %s to %s", there,
			    here);
			goto done;
		}
		dgit_info("dgit: made symlink %s -> %s", here, there);
	}
done:
	dgit_dsc_free(dsc);
	free(buf);
	return err;
}

struct link_arg {
	struct dgit_cmd_ctx *ctx;
	const char *dscpath;
};

static const struct dgit_error *
link_files(void *arg)
{
	struct link_arg *a = arg;

	return link_dsc_files(a->ctx, a->dscpath);
}

const struct dgit_error *
cmd_import_dsc(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_importdsc_opts o;
	char *refname = NULL, **rings = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t nrings = 0;
	struct link_arg lf;
	enum dgit_importdsc_how how;
	git_oid commit;
	struct dgit_origcache *oc = NULL;
	int i;

	memset(&o, 0, sizeof o);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &o)) ||
	    (err = take_operands(&o, &refname, ctx, argc - i, argv + i)) ||
	    (err = dgit_distro_dsc_keyrings(&rings, &nrings, ctx->cfg,
	    common_distro())) ||
	    (err = import_opts(&o.import, ctx->cfg)) ||
	    (err = common_vendor_series_checks(&o.import.vendor_checks,
	    &o.import.nvendor_checks, common_distro())))
		goto done;
	o.keyrings = (const char *const *)rings;
	o.nkeyrings = nrings;
	o.say = common_say_cb;
	o.cfg = ctx->cfg;
	o.gbp_pq = dgit_gbp_pq_program();
	o.prepare = link_files;
	o.prepare_arg = &lf;
	o.hold = cleanup_hold;
	lf.ctx = ctx;
	lf.dscpath = o.dscpath;
	/* the origs' trees for the quilt fixup and build that follow */
	if ((err = dgit_origcache_new(&oc, ctx->repo, DGIT_VERSION, 1)))
		goto done;
	dgit_origcache_hook(oc, &o.import);
	dgit_origcache_set_hold(oc, cleanup_hold, NULL);
	if ((err = dgit_importdsc_run(&commit, &how, ctx->repo, &o)))
		goto done;
	common_check_gitattrs(ctx->repo, &commit, "source tree");
	git_oid_tostr(hex, sizeof hex, &commit);
	dgit_info("dgit: import-dsc: %s git ref %s (%s)", how ==
	    DGIT_IMPORTDSC_DGIT ? "updated" : "results are in", refname, hex);
done:
	dgit_origcache_free(oc);
	dgit_config_paths_free(rings, nrings);
	free(refname);
	return err;
}
