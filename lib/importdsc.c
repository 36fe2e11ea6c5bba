/* dgit import-dsc (see dgit_importdsc.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_importdsc.h"
#include "dgit_quiltfix.h"
#include "dgit_serverfetch.h"
#include "dgit_verify.h"

/* A progress line through the caller's callback. */
#define say(o, ...) dgit_msg((o)->say, (o)->say_arg, __VA_ARGS__)

/* dgit's pseudomerge of the import onto old, so the branch fast-forwards. */
static const struct dgit_error *
merge_onto(git_oid *commit, git_repository *repo, const struct dgit_dsc *dsc,
    const struct dgit_importdsc_opts *o, const git_oid *old)
{
	const struct dgit_error *err;
	git_oid parents[2];
	char *msg = NULL;

	git_oid_cpy(&parents[0], commit);
	git_oid_cpy(&parents[1], old);
	if ((err = dgit_history_merge_import_message(&msg, dsc->source,
	    dsc->version, o->refname)) == NULL)
		err = dgit_history_pseudomerge(commit, repo, NULL, parents, 2,
		    msg);
	free(msg);
	return err;
}

/*
 * The Dgit: field's commit in *commit, checked against the ref's old value.
 * *used is 0 (and nothing is done) when the field is malformed.
 */
static const struct dgit_error *
dgit_commit(git_oid *commit, int *used, git_repository *repo,
    const struct dgit_dsc *dsc, const struct dgit_importdsc_opts *o,
    const git_oid *old)
{
	const struct dgit_error *err;
	struct dgit_dsc_dgit field;
	struct dgit_serverfetch_dgit_opts so;
	char hex[GIT_OID_HEXSZ + 1];
	int have, ff;

	*used = 0;
	if (dgit_dsc_dgit_parse(&field, dsc->dgit_field, o->dscpath) != NULL) {
		dgit_dsc_dgit_release(&field);
		say(o, "'%s' has a malformed Dgit: field; the import is made "
		    "from the .dsc", o->dscpath);
		return NULL;
	}
	*used = 1;
	say(o, "import-dsc of .dsc with Dgit field, using git hash");
	memset(&so, 0, sizeof so);
	so.cfg = o->cfg;
	so.package = dsc->source;
	so.no_chase = o->no_chase;
	so.info = o->say;
	so.info_arg = o->say_arg;
	err = dgit_serverfetch_dgit(commit, &have, repo, &field, &so);
	dgit_dsc_dgit_release(&field);
	if (err)
		return err;
	git_oid_tostr(hex, sizeof hex, commit);
	if (!have)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, ".dsc contains Dgit "
		    "field referring to object %s.  Your git tree does not have "
		    "that object: git fetch it from a plausible server, then "
		    "try the import-dsc again", hex);
	if (old == NULL)
		return NULL;
	if ((err = dgit_history_descends(&ff, repo, commit, old)) || ff)
		return err;
	if (o->mode != DGIT_IMPORTDSC_OVERWRITE)
		return dgit_error_fmt(DGIT_ERR_EXISTS, "Not fast forward to %s "
		    "(from %s); use +%s to overwrite it", hex, o->refname,
		    o->name);
	say(o, "Not fast forward, forced update.");
	return NULL;
}

/* dgit will not move the branch that is checked out. */
static const struct dgit_error *
check_not_head(git_repository *repo, const char *refname)
{
	git_reference *head = NULL;
	const struct dgit_error *err = NULL;

	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    strcmp(git_reference_symbolic_target(head), refname) == 0)
		err = dgit_error_fmt(DGIT_ERR_USAGE, "%s is checked out - will "
		    "not update it; check out another branch (or detach HEAD) "
		    "first", refname);
	git_reference_free(head);
	return err;
}

/* The directory holding path. */
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

/*
 * Check the .dsc's signature as Perl dgit's import-dsc has dpkg-source
 * check it: without require_valid_signature an unsigned .dsc, or one no
 * keyring vouches for (a bad signature, an unknown key, no keyring), is
 * imported after the warning dgit prints.
 */
static const struct dgit_error *
check_sig(const struct dgit_importdsc_opts *o, const char *buf, size_t len)
{
	const struct dgit_error *err;
	struct dgit_clearsigned *cs = NULL;
	struct dgit_verify_result *r = NULL;

	if (o->require_valid_signature) {
		if ((err = dgit_verify_clearsigned(&r, o->keyrings,
		    o->nkeyrings, buf, len, o->dscpath)))
			err = dgit_error_wrap(err, "import-dsc signature check "
			    "failed");
	} else if ((err = dgit_clearsigned_split(&cs, buf, len, o->dscpath)) &&
	    err->code == DGIT_ERR_BAD_SIGNATURE && cs == NULL) {
		say(o, "warning: importing unsigned .dsc");
		err = NULL;
	} else if (err == NULL && (o->nkeyrings == 0 ||
	    (err = dgit_verify_clearsigned(&r, o->keyrings, o->nkeyrings,
	    buf, len, o->dscpath)) != NULL)) {
		if (err == NULL || err->code == DGIT_ERR_BAD_SIGNATURE ||
		    err->code == DGIT_ERR_UNKNOWN_KEY) {
			say(o, "warning: cannot verify inline signature for "
			    "%s: no acceptable signature found", o->dscpath);
			err = NULL;
		}
	}
	dgit_clearsigned_free(cs);
	dgit_verify_result_free(r);
	return err;
}

/* Read, check and parse the .dsc. */
static const struct dgit_error *
read_dsc(struct dgit_dsc **dsc, const struct dgit_importdsc_opts *o)
{
	const struct dgit_error *err;
	char *buf = NULL;
	size_t len;

	*dsc = NULL;
	if ((err = dgit_fs_read_file(&buf, &len, o->dscpath,
	    DGIT_DSC_MAX)) == NULL &&
	    (err = check_sig(o, buf, len)) == NULL)
		err = dgit_dsc_parse(dsc, buf, len, o->dscpath);
	free(buf);
	return err;
}

/* The ref update, with interruptions held off around it (its lock). */
static const struct dgit_error *
update_ref(git_repository *repo, const struct dgit_importdsc_opts *o,
    const git_oid *old, const git_oid *new_id, const char *log)
{
	const struct dgit_error *err;

	if (o->hold)
		o->hold(o->hold_arg, 1);
	err = dgit_history_update_ref(repo, o->refname, old, new_id, log);
	if (o->hold)
		o->hold(o->hold_arg, 0);
	return err;
}

const struct dgit_error *
dgit_importdsc_run(git_oid *commit, enum dgit_importdsc_how *how,
    git_repository *repo, const struct dgit_importdsc_opts *o)
{
	const struct dgit_error *err;
	struct dgit_import_result res;
	struct dgit_dsc *dsc = NULL;
	char *dir = NULL;
	git_oid old, dc;
	int have_old, used = 0;

	memset(commit, 0, sizeof *commit);
	*how = DGIT_IMPORTDSC_IMPORTED;
	if ((err = check_not_head(repo, o->refname)) ||
	    (err = read_dsc(&dsc, o)))
		goto done;
	have_old = git_reference_name_to_id(&old, repo, o->refname) == 0;
	if (dsc->dgit_field && !o->force_dgit) {
		if ((err = dgit_commit(&dc, &used, repo, dsc, o, have_old ?
		    &old : NULL)))
			goto done;
		if (used) {
			*how = DGIT_IMPORTDSC_DGIT;
			if ((err = update_ref(repo, o, have_old ? &old :
			    NULL, &dc, "dgit import-dsc (Dgit)")) == NULL)
				git_oid_cpy(commit, &dc);
			goto done;
		}
	}
	if (have_old && o->mode == DGIT_IMPORTDSC_NEW) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "Branch %s already exists; "
		    "specify ..%s for a pseudo-merge, binding in existing "
		    "history, or +%s to overwrite, discarding existing history",
		    o->refname, o->name, o->name);
		goto done;
	}
	if (o->prepare && (err = o->prepare(o->prepare_arg)))
		goto done;
	if ((dir = dir_of(o->dscpath)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_import_dsc(&res, repo, dsc, dir, &o->import)))
		goto done;
	if (o->gitapply_no_absurd && res.npatches > 0 &&
	    (err = dgit_quiltfix_gbp_pq_patches(&res.commit, repo,
	    &res.commit, res.npatches, o->gbp_pq)))
		goto done;
	if (have_old && o->mode == DGIT_IMPORTDSC_MERGE &&
	    (err = merge_onto(&res.commit, repo, dsc, o, &old)))
		goto done;
	/* compare-and-swap: the ref must still be what was checked */
	if ((err = update_ref(repo, o, have_old ? &old : NULL, &res.commit,
	    "dgit import-dsc")) == NULL)
		git_oid_cpy(commit, &res.commit);
done:
	dgit_dsc_free(dsc);
	free(dir);
	return err;
}
