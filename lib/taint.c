/*
 * The tainted-objects pre-check; see dgit_taint.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2.h>

#include "dgit_buf.h"
#include "dgit_commit.h"
#include "dgit_error.h"
#include "dgit_json.h"
#include "dgit_oidset.h"
#include "dgit_taint.h"

struct row {
	git_oid id;
	const struct dgit_json *j;
	git_object_t here;         /* its type in this repository */
	int reported;
};

struct walk {
	git_repository *repo;
	struct row *rows;
	size_t nrows;
	struct dgit_oidset seen;        /* the trees walked */
	struct dgit_buf out;
	struct dgit_buf hinted;    /* the hints given, NUL-separated */
};

static int
cmp_row(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct row *)a)->id,
	    &((const struct row *)b)->id);
}

static const char *
jstr(const struct dgit_json *row, const char *key)
{
	return dgit_json_string(dgit_json_get(row, key));
}

/* Has the row an override ("--deliberately-X") at all, or one given? */
static int
overrides(const struct dgit_json *row, const char *const *delib, size_t nd,
    int *any)
{
	const struct dgit_json *ov = dgit_json_get(row, "overrides");

	*any = 0;
	if (ov == NULL || ov->type != DGIT_JSON_ARRAY)
		return 0;
	for (size_t i = 0; i < ov->n; i++) {
		const char *o = dgit_json_string(ov->items[i]);

		if (o == NULL || strncmp(o, "--deliberately-", 15) != 0)
			continue;
		*any = 1;
		for (size_t k = 0; k < nd; k++)
			if (strcmp(o, delib[k]) == 0)
				return 1;
	}
	return 0;
}

/* dgit's message for one tainted object found. */
static const struct dgit_error *
message(struct walk *w, struct row *r)
{
	const struct dgit_error *err;
	const struct dgit_json *tj = dgit_json_get(r->j, "time");
	const char *type = jstr(r->j, "gitobjtype");
	const char *pkg = jstr(r->j, "package");
	const char *comment = jstr(r->j, "comment");
	const char *hint = jstr(r->j, "hint");
	char when[64] = "", hex[GIT_OID_HEXSZ + 1];
	int any;

	if (tj && tj->type == DGIT_JSON_NUMBER) {
		char *end;
		long long t;
		time_t tt;
		struct tm tm;

		errno = 0;
		t = strtoll(tj->text, &end, 10);
		tt = (time_t)t;
		if (errno == 0 && *end == '\0' && gmtime_r(&tt, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S Z", &tm);
	}
	if (type == NULL)
		type = git_object_type2string(r->here);
	git_oid_tostr(hex, sizeof hex, &r->id);
	if ((err = dgit_buf_addf(&w->out, "\nHistory contains tainted %s %s\n",
	    type, hex)))
		return err;
	if (*when && pkg && *pkg)
		err = dgit_buf_addf(&w->out, "Taint recorded at time %s for "
		    "package %s\n", when, pkg);
	else if (*when)
		err = dgit_buf_addf(&w->out, "Taint recorded at time %s for "
		    "any package\n", when);
	else if (pkg && *pkg)
		err = dgit_buf_addf(&w->out, "Taint recorded for package %s\n",
		    pkg);
	else
		err = dgit_buf_adds(&w->out, "Taint recorded for any "
		    "package\n");
	if (err || (err = dgit_buf_addf(&w->out, "Reason: %s\n", comment ?
	    comment : "")))
		return err;
	overrides(r->j, NULL, 0, &any);
	if ((err = dgit_buf_adds(&w->out, any ? "Could perhaps be forced "
	    "using --deliberately.  Consult documentation.\n" :
	    "Uncorrectable error.  If confused, consult administrator.\n")))
		return err;
	if (hint && *hint) {
		size_t hl = strlen(hint) + 1;

		for (size_t at = 0; at < w->hinted.len;
		    at += strlen(w->hinted.ptr + at) + 1)
			if (strcmp(w->hinted.ptr + at, hint) == 0)
				return NULL;
		if ((err = dgit_buf_add(&w->hinted, hint, hl)) ||
		    (err = dgit_buf_adds(&w->out, hint)))
			return err;
	}
	return NULL;
}

static const struct dgit_error *
found(struct walk *w, const git_oid *id)
{
	struct row key, *r;
	const struct dgit_error *err;

	git_oid_cpy(&key.id, id);
	r = bsearch(&key, w->rows, w->nrows, sizeof *w->rows, cmp_row);
	if (r == NULL)
		return NULL;
	while (r > w->rows && git_oid_equal(&r[-1].id, id))
		r--;
	for (; r < w->rows + w->nrows && git_oid_equal(&r->id, id); r++) {
		if (r->reported)
			continue;
		r->reported = 1;
		if ((err = message(w, r)))
			return err;
	}
	return NULL;
}

/* The trees and blobs of tree id not seen before (iteratively). */
static const struct dgit_error *
walk_tree(struct walk *w, const git_oid *root)
{
	const struct dgit_error *err = NULL;
	git_oid *stack = NULL;
	size_t n = 0, alloc = 0;
	int r;

	if ((r = dgit_oidset_add(&w->seen, root)) <= 0)
		return r < 0 ? dgit_error(DGIT_ERR_NOMEM) : NULL;
	if ((err = found(w, root)))
		return err;
	if ((stack = malloc(64 * sizeof *stack)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	alloc = 64;
	git_oid_cpy(&stack[n++], root);
	while (n > 0 && err == NULL) {
		git_tree *t = NULL;
		git_oid id;

		git_oid_cpy(&id, &stack[--n]);
		if (git_tree_lookup(&t, w->repo, &id) != 0) {
			err = dgit_error_git("cannot read tree %s",
			    git_oid_tostr_s(&id));
			break;
		}
		for (size_t i = 0; i < git_tree_entrycount(t) && !err; i++) {
			const git_tree_entry *e = git_tree_entry_byindex(t, i);
			const git_oid *eid = git_tree_entry_id(e);
			git_object_t type = git_tree_entry_type(e);

			if (type == GIT_OBJECT_BLOB)
				err = found(w, eid);
			else if (type == GIT_OBJECT_TREE) {
				if ((r = dgit_oidset_add(&w->seen, eid)) < 0)
					err = dgit_error(DGIT_ERR_NOMEM);
				else if (r == 0 || (err = found(w, eid)))
					continue;
				else if (n == alloc) {
					git_oid *ns = realloc(stack, 2 * alloc *
					    sizeof *ns);

					if (ns == NULL) {
						err = dgit_error(DGIT_ERR_NOMEM);
						break;
					}
					stack = ns;
					alloc *= 2;
				}
				if (!err)
					git_oid_cpy(&stack[n++], eid);
			}
		}
		git_tree_free(t);
	}
	free(stack);
	return err;
}

static const struct dgit_error *
walk_one(int *stop, void *arg, const git_oid *id, const struct dgit_commit *c)
{
	struct walk *w = arg;
	const struct dgit_error *err;

	(void)stop;
	if ((err = found(w, id)))
		return err;
	return walk_tree(w, &c->tree);
}

static const struct dgit_error *
walk_history(struct walk *w, const git_oid *head)
{
	const struct dgit_error *err = NULL;
	git_revwalk *rw = NULL;
	git_oid id, tree;
	int r;

	if (git_revwalk_new(&rw, w->repo) != 0 ||
	    git_revwalk_push(rw, head) != 0) {
		git_revwalk_free(rw);
		goto raw;
	}
	while (err == NULL && (r = git_revwalk_next(&id, rw)) == 0) {
		if ((err = found(w, &id)))
			break;
		if ((err = dgit_commit_tree_id(&tree, w->repo, &id)))
			break;
		err = walk_tree(w, &tree);
	}
	git_revwalk_free(rw);
	if (err || r == GIT_ITEROVER)
		return err;
raw:
	/*
	 * libgit2 cannot walk past a commit with a malformed committer
	 * line: walk it ourselves (what was reported stays reported).
	 */
	if ((err = dgit_commit_walk(w->repo, head, walk_one, w)))
		return dgit_error_wrap(err, "cannot walk the history of %s",
		    git_oid_tostr_s(head));
	return NULL;
}

const struct dgit_error *
dgit_taint_check(char **report, git_repository *repo, const git_oid *head,
    const char *json, size_t len, const char *const *deliberately,
    size_t ndeliberately, void (*warn)(void *arg, const char *msg),
    void *warn_arg)
{
	const struct dgit_error *err;
	struct dgit_json *j = NULL;
	struct walk w;
	git_odb *odb = NULL;
	size_t i;

	*report = NULL;
	memset(&w, 0, sizeof w);
	w.repo = repo;
	dgit_buf_init(&w.out, 0);
	dgit_buf_init(&w.hinted, 0);
	if (len > DGIT_TAINT_MAX_JSON)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "the git server's list "
		    "of tainted objects is longer than %u bytes",
		    DGIT_TAINT_MAX_JSON);
	if ((err = dgit_json_parse(&j, json, len, "the git server's list of "
	    "tainted objects")))
		return err;
	if (j->type != DGIT_JSON_ARRAY) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the git server's list of "
		    "tainted objects is not a JSON array");
		goto done;
	}
	if (git_repository_odb(&odb, repo) != 0) {
		err = dgit_error_git("cannot open the object store");
		goto done;
	}
	if (j->n && (w.rows = calloc(j->n, sizeof *w.rows)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < j->n; i++) {
		const struct dgit_json *row = j->items[i];
		const char *id = row->type == DGIT_JSON_OBJECT ?
		    jstr(row, "gitobjid") : NULL;
		const char *stype = row->type == DGIT_JSON_OBJECT ?
		    jstr(row, "gitobjtype") : NULL;
		struct row *r = &w.rows[w.nrows];
		size_t sz;
		int any;

		if (id == NULL || strlen(id) != GIT_OID_HEXSZ ||
		    git_oid_fromstr(&r->id, id) != 0) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "the git server's "
			    "list of tainted objects has an entry without a "
			    "good gitobjid (entry %zu)", i + 1);
			goto done;
		}
		if (overrides(row, deliberately, ndeliberately, &any))
			continue;
		if (git_odb_read_header(&sz, &r->here, odb, &r->id) != 0) {
			git_error_clear();
			continue;          /* not here: cannot be pushed */
		}
		if (stype && strcmp(stype, git_object_type2string(r->here)) !=
		    0)
			dgit_msg(warn, warn_arg, "warning: server says object "
			    "%s type %s is tainted, but here it has type %s",
			    id, git_object_type2string(r->here), stype);
		r->j = row;
		w.nrows++;
	}
	if (w.nrows == 0)
		goto done;
	qsort(w.rows, w.nrows, sizeof *w.rows, cmp_row);
	if ((err = walk_history(&w, head)))
		goto done;
	if (w.out.len > 0 && (*report = dgit_buf_detach(&w.out, NULL)) ==
	    NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	git_odb_free(odb);
	free(w.rows);
	dgit_oidset_release(&w.seen);
	dgit_buf_release(&w.out);
	dgit_buf_release(&w.hinted);
	dgit_json_free(j);
	return err;
}
