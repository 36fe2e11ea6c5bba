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
#include "dgit_verify.h"

/* A progress line through the caller's callback. */
#define say(o, ...) dgit_msg((o)->say, (o)->say_arg, __VA_ARGS__)

/*
 * The .dsc's Dgit: field names the uploader's commit.  Use it when this
 * repository has it and its tree is the import's; else say in one line
 * that the import is made from the .dsc.  *out is zero when not used.
 */
static const struct dgit_error *
use_dgit_commit(git_oid *out, git_repository *repo, const char *fieldtext,
    const git_oid *tree, const struct dgit_importdsc_opts *o)
{
	const struct dgit_error *err;
	struct dgit_dsc_dgit field;
	enum dgit_history_dgit_status st;
	char why[1024];

	memset(out, 0, sizeof *out);
	if (dgit_dsc_dgit_parse(&field, fieldtext, o->dscpath) != NULL) {
		say(o, "'%s' has a malformed Dgit: field; the import is made "
		    "from the .dsc", o->dscpath);
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
		say(o, "not using the Dgit: field of '%s': %s%s; the import is "
		    "made from the .dsc", o->dscpath, why,
		    st == DGIT_HISTORY_DGIT_MISSING ? " (import-dsc fetches "
		    "nothing)" : "");
	}
	return NULL;
}

/*
 * The commit the ref is to get (see dgit_importdsc_run); *commit holds
 * the import's on entry.  old: the ref's value, or NULL.
 */
static const struct dgit_error *
choose_commit(git_oid *commit, git_repository *repo,
    const struct dgit_importdsc_opts *o, const struct dgit_dsc *dsc,
    const git_oid *tree, const git_oid *old)
{
	const struct dgit_error *err;
	int merge = o->mode == DGIT_IMPORTDSC_MERGE, ff;
	git_oid named, parents[2];
	char *msg = NULL;

	if (dsc->dgit_field && !o->force_dgit) {
		if ((err = use_dgit_commit(&named, repo, dsc->dgit_field, tree,
		    o)))
			return err;
		if (!git_oid_is_zero(&named)) {
			/* the uploader's history: fast-forward only */
			if (old && merge && ((err = dgit_history_descends(&ff,
			    repo, &named, old)) || !ff))
				return err ? err : dgit_error_fmt(
				    DGIT_ERR_EXISTS, "the Dgit: commit of '%s' "
				    "is not a descendant of '%s'; use +%s to "
				    "overwrite it", o->dscpath, o->refname,
				    o->name);
			git_oid_cpy(commit, &named);
			return NULL;
		}
	}
	if (!merge || old == NULL)
		return NULL;
	/* dgit's pseudomerge, so the branch fast-forwards */
	git_oid_cpy(&parents[0], commit);
	git_oid_cpy(&parents[1], old);
	if ((err = dgit_history_merge_import_message(&msg, dsc->source,
	    dsc->version, o->refname)) == NULL)
		err = dgit_history_pseudomerge(commit, repo, NULL, parents, 2,
		    msg);
	free(msg);
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

	if (o->require_valid_signature)
		err = dgit_verify_clearsigned(&r, o->keyrings, o->nkeyrings,
		    buf, len, o->dscpath);
	else if ((err = dgit_clearsigned_split(&cs, buf, len, o->dscpath)) &&
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

const struct dgit_error *
dgit_importdsc_run(git_oid *commit, git_repository *repo,
    const struct dgit_importdsc_opts *o)
{
	const struct dgit_error *err;
	struct dgit_import_result res;
	struct dgit_dsc *dsc = NULL;
	char *dir = NULL;
	git_oid old;
	int have_old;

	memset(commit, 0, sizeof *commit);
	if ((err = read_dsc(&dsc, o)))
		return err;
	have_old = git_reference_name_to_id(&old, repo, o->refname) == 0;
	if (have_old && o->mode == DGIT_IMPORTDSC_NEW) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' already exists; use "
		    "+%s to overwrite it or ..%s to add a pseudomerge onto it",
		    o->refname, o->name, o->name);
		goto done;
	}
	if ((dir = dir_of(o->dscpath)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_import_dsc(&res, repo, dsc, dir, &o->import)) ||
	    (err = choose_commit(&res.commit, repo, o, dsc, &res.tree,
	    have_old ? &old : NULL)))
		goto done;
	/* compare-and-swap: the ref must still be what was checked */
	if ((err = dgit_history_update_ref(repo, o->refname, have_old ? &old :
	    NULL, &res.commit, "dgit import-dsc")) == NULL)
		git_oid_cpy(commit, &res.commit);
done:
	dgit_dsc_free(dsc);
	free(dir);
	return err;
}
