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
#include <string.h>

#include <git2.h>

#include "common.h"
#include "dgit.h"
#include "dgit_distro.h"
#include "dgit_config.h"
#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_verify.h"


static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "dgit: warning: %s\n", msg);
}

static void
info_cb(void *arg, const char *msg)
{
	(void)arg;
	dgit_debug(1, "%s", msg);
}

/*
 * Check the .dsc's signature against the distro's .dsc keyrings and the
 * user's trustedkeys.gpg (dgit_distro_dsc_keyrings).  No keyring at all
 * is not special: the signer is then simply not in the keyring.
 */
static const struct dgit_error *
verify_dsc(const struct dgit_config *cfg, const char *buf, size_t len,
    const char *what)
{
	const char *distro = dgit_opts.distro ? dgit_opts.distro : "debian";
	struct dgit_verify_result *r = NULL;
	const struct dgit_error *err;
	char **rings = NULL;
	size_t n = 0;

	if ((err = dgit_distro_dsc_keyrings(&rings, &n, cfg, distro)) == NULL)
		err = dgit_verify_clearsigned(&r, (const char *const *)rings,
		    n, buf, len, what);
	dgit_verify_result_free(r);
	dgit_config_paths_free(rings, n);
	return err;
}

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
	opts->unpack.warn = warn_cb;
	opts->info = info_cb;
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

/*
 * The .dsc's Dgit: field names the uploader's commit.  Use it when this
 * repository has it and its tree is the import's; else say in one line
 * that the import is made from the .dsc.  *out is zero when not used.
 */
static const struct dgit_error *
use_dgit_commit(git_oid *out, git_repository *repo, const char *fieldtext,
    const git_oid *tree, const char *dscpath)
{
	const struct dgit_error *err;
	struct dgit_dsc_dgit field;
	enum dgit_history_dgit_status st;
	char why[1024];

	memset(out, 0, sizeof *out);
	if (dgit_dsc_dgit_parse(&field, fieldtext, dscpath) != NULL) {
		dgit_info("dgit: '%s' has a malformed Dgit: field; the import "
		    "is made from the .dsc", dscpath);
		return NULL;
	}
	/* import-dsc fetches nothing: no git URL */
	err = dgit_history_dgit_commit(&st, out, why, sizeof why, repo, &field,
	    tree, NULL);
	dgit_dsc_dgit_release(&field);
	if (err)
		return err;
	if (st != DGIT_HISTORY_DGIT_USABLE) {
		memset(out, 0, sizeof *out);
		dgit_info("dgit: not using the Dgit: field of '%s': %s%s; the "
		    "import is made from the .dsc", dscpath, why,
		    st == DGIT_HISTORY_DGIT_MISSING ? " (import-dsc fetches "
		    "nothing)" : "");
	}
	return NULL;
}

static char *
dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return strdup(".");
	if (s == path)
		return strdup("/");
	return strndup(path, (size_t)(s - path));
}

enum {
	OPT_REQUIRE_SIG = 0x100, OPT_CHASE, OPT_FORCE_DGIT
};

static const struct option options[] = {
	{ "require-valid-signature", no_argument, NULL, OPT_REQUIRE_SIG },
	/* nothing is fetched from here yet */
	{ "no-chase-dsc-distro", no_argument, NULL, OPT_CHASE },
	{ "chase-dsc-distro", no_argument, NULL, OPT_CHASE },
	{ "force-import-dsc-with-dgit-field", no_argument, NULL,
	  OPT_FORCE_DGIT },
	{ NULL, 0, NULL, 0 }
};

static common_opt_fn take;
static const struct common_optspec optspec = {
	"+", options, 0, -1, take
};

struct import_args {
	int require_sig, force_dgit;
	const char *dscpath;
	const char *name;          /* BRANCH without + or .. */
	char *refname;             /* refs/heads/BRANCH or refs/... */
	int overwrite, merge;      /* +BRANCH, ..BRANCH */
	int have_old;              /* the ref exists, at old */
	git_oid old;
};

static const struct dgit_error *
take(struct dgit_cmd_ctx *ctx, void *arg, int opt, const char *optarg)
{
	struct import_args *ia = arg;

	(void)ctx;
	(void)optarg;
	if (opt == OPT_REQUIRE_SIG)
		ia->require_sig = 1;
	else if (opt == OPT_FORCE_DGIT)
		ia->force_dgit = 1;
	return NULL;
}

/* FILE.dsc [+|..]BRANCH */
static const struct dgit_error *
take_operands(struct import_args *ia, struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	const char *target;

	if (argc != 2)
		return dgit_usage_error(ctx, "need a .dsc and a branch");
	ia->dscpath = argv[0];
	target = argv[1];
	if (strncmp(target, "..", 2) == 0) {
		ia->merge = 1;
		target += 2;
	} else if (target[0] == '+') {
		ia->overwrite = 1;
		target++;
	}
	if (*target == '\0')
		return dgit_usage_error(ctx, "empty branch name");
	ia->name = target;
	if (asprintf(&ia->refname, strncmp(target, "refs/", 5) == 0 ? "%s" :
	    "refs/heads/%s", target) < 0) {
		ia->refname = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if (!git_reference_is_valid_name(ia->refname))
		return dgit_usage_error(ctx, "'%s' is not a valid ref name",
		    ia->refname);
	return NULL;
}

/*
 * The commit the ref is to get: the Dgit: field's when usable (and, for
 * ..BRANCH, fast-forward), else the import, for ..BRANCH with dgit's
 * pseudomerge onto the branch so that it fast-forwards.
 */
static const struct dgit_error *
choose_commit(git_oid *commit, git_repository *repo,
    const struct import_args *ia, const struct dgit_dsc *dsc,
    const git_oid *tree)
{
	const struct dgit_error *err;
	git_oid named, parents[2];
	char *msg = NULL;
	int ff;

	if (dsc->dgit_field && !ia->force_dgit) {
		if ((err = use_dgit_commit(&named, repo, dsc->dgit_field, tree,
		    ia->dscpath)))
			return err;
		if (!git_oid_is_zero(&named)) {
			/* the uploader's history: fast-forward only */
			if (ia->have_old && ia->merge &&
			    ((err = dgit_history_descends(&ff, repo, &named,
			    &ia->old)) || !ff))
				return err ? err : dgit_error_fmt(
				    DGIT_ERR_EXISTS, "the Dgit: commit of '%s' "
				    "is not a descendant of '%s'; use +%s to "
				    "overwrite it", ia->dscpath, ia->refname,
				    ia->name);
			git_oid_cpy(commit, &named);
			return NULL;
		}
	}
	if (!ia->merge || !ia->have_old)
		return NULL;
	git_oid_cpy(&parents[0], commit);
	git_oid_cpy(&parents[1], &ia->old);
	if ((err = dgit_history_merge_import_message(&msg, dsc->source,
	    dsc->version, ia->refname)) == NULL)
		err = dgit_history_pseudomerge(commit, repo, NULL, parents, 2,
		    msg);
	free(msg);
	return err;
}

/* Read, check and import the .dsc, and move the ref. */
static const struct dgit_error *
import(struct dgit_cmd_ctx *ctx, struct import_args *ia, const char *dir)
{
	const struct dgit_error *err;
	struct dgit_import_opts opts;
	struct dgit_import_result res;
	struct dgit_dsc *dsc = NULL;
	char *buf = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t len;

	if ((err = dgit_fs_read_file(&buf, &len, ia->dscpath, DGIT_DSC_MAX)) ||
	    (ia->require_sig && (err = verify_dsc(ctx->cfg, buf, len,
	    ia->dscpath))) ||
	    (err = dgit_dsc_parse(&dsc, buf, len, ia->dscpath)))
		goto done;
	ia->have_old = git_reference_name_to_id(&ia->old, ctx->repo,
	    ia->refname) == 0;
	if (ia->have_old && !ia->overwrite && !ia->merge) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' already exists; use "
		    "+%s to overwrite it or ..%s to add a pseudomerge onto it",
		    ia->refname, ia->name, ia->name);
		goto done;
	}
	if ((err = import_opts(&opts, ctx->cfg)) ||
	    (err = dgit_import_dsc(&res, ctx->repo, dsc, dir, &opts)) ||
	    (err = choose_commit(&res.commit, ctx->repo, ia, dsc, &res.tree)))
		goto done;
	/* compare-and-swap: the ref must still be what was checked */
	if ((err = dgit_history_update_ref(ctx->repo, ia->refname,
	    ia->have_old ? &ia->old : NULL, &res.commit, "dgit import-dsc")))
		goto done;
	git_oid_tostr(hex, sizeof hex, &res.commit);
	dgit_info("dgit: import-dsc: results are in git ref %s (%s)",
	    ia->refname, hex);
done:
	dgit_dsc_free(dsc);
	free(buf);
	return err;
}

const struct dgit_error *
cmd_import_dsc(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err;
	struct import_args ia;
	char *dir = NULL;
	int i;

	memset(&ia, 0, sizeof ia);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec,
	    &ia)) == NULL &&
	    (err = take_operands(&ia, ctx, argc - i, argv + i)) == NULL) {
		if ((dir = dir_of(ia.dscpath)) == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else
			err = import(ctx, &ia, dir);
	}
	free(dir);
	free(ia.refname);
	return err;
}
