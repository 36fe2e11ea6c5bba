/*
 * dgit's history (see dgit_history.h).  The message texts are dgit's,
 * byte for byte, so that the commits made from the same inputs have the
 * same ids as dgit's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/commit.h>

#include "dgit_changelog.h"
#include "dgit_commit.h"
#include "dgit_error.h"
#include "dgit_fs.h"
#include "dgit_gitfetch.h"
#include "dgit_history.h"
#include "dgit_run.h"
#include "dgit_version.h"

#define CLOG_MAX ((size_t)64 << 20)
#define NAME_MAX_LEN 1024

/* ---- names ------------------------------------------------------------ */

static const struct dgit_error *
make_ref(char **out, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A ref name from fmt, checked; what says what it is for the message. */
static const struct dgit_error *
make_ref(char **out, const char *what, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	*out = NULL;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if (n > NAME_MAX_LEN || !git_reference_is_valid_name(s)) {
		const struct dgit_error *err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%.200s' is not a valid git ref name; check the %s",
		    s, what);

		free(s);
		return err;
	}
	*out = s;
	return NULL;
}

const struct dgit_error *
dgit_history_tracking_ref(char **out, const char *suite)
{
	return make_ref(out, "suite name", "refs/remotes/dgit/dgit/%s", suite);
}

const struct dgit_error *
dgit_history_server_ref(char **out, const char *suite)
{
	return make_ref(out, "suite name", "refs/dgit/%s", suite);
}

const struct dgit_error *
dgit_history_branch_ref(char **out, const char *suite)
{
	return make_ref(out, "suite name", "refs/heads/dgit/%s", suite);
}

/* dgit's distro names: [0-9a-zA-Z][-+.0-9a-zA-Z]* */
static int
valid_distro(const char *d)
{
#define ALNUM "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	if (d[0] == '\0' || strchr(ALNUM, d[0]) == NULL)
		return 0;
	return d[strspn(d, ALNUM "-+.")] == '\0';
#undef ALNUM
}

static const struct dgit_error *
tag(char **out, const char *prefix, const char *distro, const char *v)
{
	const struct dgit_error *err;
	char *m = NULL, *ref = NULL;

	*out = NULL;
	if (!valid_distro(distro))
		return dgit_error_fmt(DGIT_ERR_PARSE, "invalid distro name "
		    "'%s': use letters, digits and '-+.', starting with a "
		    "letter or digit", distro);
	if ((err = dgit_version_mangle(&m, v)) != NULL)
		return err;
	err = make_ref(&ref, "version", "refs/tags/%s%s/%s", prefix, distro,
	    m);
	free(m);
	if (err)
		return err;
	/* the tag name: without refs/tags/ */
	memmove(ref, ref + 10, strlen(ref + 10) + 1);
	*out = ref;
	return NULL;
}

const struct dgit_error *
dgit_history_archive_tag(char **out, const char *distro, const char *version)
{
	return tag(out, "archive/", distro, version);
}

const struct dgit_error *
dgit_history_maint_tag(char **out, const char *distro, const char *version)
{
	return tag(out, "", distro, version);
}

/* ---- checked ref updates ---------------------------------------------- */

static void
hex_or_none(char *buf, size_t len, const git_oid *id)
{
	if (id)
		git_oid_tostr(buf, len, id);
	else
		snprintf(buf, len, "absent");
}

const struct dgit_error *
dgit_history_update_refs(git_repository *repo,
    const struct dgit_history_ref_update *u, size_t n, const char *log)
{
	const struct dgit_error *err = NULL;
	git_transaction *tx = NULL;
	size_t i;

	if (git_transaction_new(&tx, repo) != 0)
		return dgit_error_git("cannot start a ref transaction");
	for (i = 0; i < n; i++)
		if (git_transaction_lock_ref(tx, u[i].name) != 0) {
			err = dgit_error_git("cannot lock '%s'; another git "
			    "process may be updating it, try again",
			    u[i].name);
			goto done;
		}
	/* all locked: nobody can move them now, check what they are */
	for (i = 0; i < n; i++) {
		git_oid cur;
		int rc = git_reference_name_to_id(&cur, repo, u[i].name);
		char now[GIT_OID_HEXSZ + 1], want[GIT_OID_HEXSZ + 1];

		if (rc != 0 && rc != GIT_ENOTFOUND) {
			err = dgit_error_git("cannot read '%s'", u[i].name);
			goto done;
		}
		if (rc == 0 ? u[i].old != NULL && git_oid_equal(&cur,
		    u[i].old) : u[i].old == NULL)
			continue;
		hex_or_none(now, sizeof now, rc == 0 ? &cur : NULL);
		hex_or_none(want, sizeof want, u[i].old);
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' was changed by "
		    "someone else meanwhile (it is %s, not %s); nothing was "
		    "updated, run the command again", u[i].name, now, want);
		goto done;
	}
	for (i = 0; i < n; i++)
		if (git_transaction_set_target(tx, u[i].name, u[i].new_id, NULL,
		    log) != 0) {
			err = dgit_error_git("cannot update '%s'", u[i].name);
			goto done;
		}
	if (git_transaction_commit(tx) != 0)
		err = dgit_error_git("cannot update %s'%s'", n > 1 ?
		    "the refs, starting with " : "", u[0].name);
done:
	git_transaction_free(tx);      /* unlocks what was not written */
	return err;
}

const struct dgit_error *
dgit_history_update_ref(git_repository *repo, const char *name,
    const git_oid *old, const git_oid *new_id, const char *log)
{
	struct dgit_history_ref_update u = { name, old, new_id };

	return dgit_history_update_refs(repo, &u, 1, log);
}

/* ---- commits ---------------------------------------------------------- */

const struct dgit_error *
dgit_history_commit_clog(char **version, git_signature **sig,
    git_repository *repo, const git_oid *commit)
{
	const struct dgit_error *err = NULL;
	git_oid tid;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	struct dgit_changelog *cl = NULL;
	const struct dgit_changelog_entry *e;
	char hex[GIT_OID_HEXSZ + 1];

	if (version)
		*version = NULL;
	if (sig)
		*sig = NULL;
	git_oid_tostr(hex, sizeof hex, commit);
	if ((err = dgit_commit_tree_id(&tid, repo, commit)))
		goto done;
	if (git_tree_lookup(&tree, repo, &tid) != 0) {
		err = dgit_error_git("cannot read the tree of commit %s", hex);
		goto done;
	}
	if (git_tree_entry_bypath(&te, tree, "debian/changelog") != 0 ||
	    git_tree_entry_type(te) != GIT_OBJECT_BLOB) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "commit %s has no "
		    "debian/changelog", hex);
		goto done;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(te)) != 0) {
		err = dgit_error_git("cannot read debian/changelog of %s", hex);
		goto done;
	}
	if (git_blob_rawsize(blob) > (git_object_size_t)CLOG_MAX) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "debian/changelog of %s "
		    "is too big", hex);
		goto done;
	}
	err = dgit_changelog_parse_first(&cl, git_blob_rawcontent(blob),
	    (size_t)git_blob_rawsize(blob), "debian/changelog");
	if (err)
		goto done;
	e = dgit_changelog_entry(cl, 0);
	if (e == NULL || !e->has_trailer) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "debian/changelog of %s "
		    "has no complete entry", hex);
		goto done;
	}
	if (version && (*version = strdup(e->version)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* dgit writes these identities in UTC */
	if (sig && git_signature_new(sig, e->maintainer_name,
	    e->maintainer_email, (git_time_t)e->timestamp, 0) != 0) {
		err = dgit_error_git("bad maintainer in debian/changelog of %s",
		    hex);
		if (version) {
			free(*version);
			*version = NULL;
		}
	}
done:
	dgit_changelog_free(cl);
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	return err;
}

const struct dgit_error *
dgit_history_descends(int *out, git_repository *repo, const git_oid *commit,
    const git_oid *ancestor)
{
	return dgit_commit_descends(out, repo, commit, ancestor);
}

const struct dgit_error *
dgit_history_pseudomerge(git_oid *out, git_repository *repo,
    const git_oid *tree_from, const git_oid *parents, size_t nparents,
    const char *msg)
{
	const struct dgit_error *err = NULL;
	git_signature *sig = NULL;
	const git_oid **pp = NULL;
	git_oid tree;
	size_t i;

	if (tree_from == NULL)
		tree_from = &parents[0];
	if ((err = dgit_history_commit_clog(NULL, &sig, repo, tree_from)))
		return err;
	if ((pp = calloc(nparents + 1, sizeof *pp)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* by id: a parent git reads but libgit2 cannot parse is no obstacle */
	if ((err = dgit_commit_tree_id(&tree, repo, tree_from))) {
		err = dgit_error_wrap(err, "cannot read commits for the "
		    "pseudomerge");
		goto done;
	}
	for (i = 0; i < nparents; i++) {
		if (!dgit_commit_exists(repo, &parents[i])) {
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "cannot read "
			    "commits for the pseudomerge: commit %s not found",
			    git_oid_tostr_s(&parents[i]));
			goto done;
		}
		pp[i] = &parents[i];
	}
	if (git_commit_create_from_ids(out, repo, NULL, sig, sig, NULL, msg,
	    &tree, nparents, pp) != 0)
		err = dgit_error_git("cannot make the pseudomerge");
done:
	free(pp);
	git_signature_free(sig);
	return err;
}

static const struct dgit_error *
message(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const struct dgit_error *
message(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

const struct dgit_error *
dgit_history_record_message(char **out, const char *package,
    const char *version, const char *suite, const char *last_version)
{
	return message(out, "Record %s (%s) in archive suite %s\n\n"
	    "Record that\n  %-20s %s\nshould be treated as descended from\n"
	    "  %-20s %s\n", package, version, suite, version,
	    "Import of source package", last_version,
	    "dgit client's archive history view");
}

const struct dgit_error *
dgit_history_merge_import_message(char **out, const char *package,
    const char *version, const char *ref)
{
	return message(out, "Merge %s (%s) import into %s\n", package,
	    version, ref);
}

const struct dgit_error *
dgit_history_combine_message(char **out, const char *combined_suite,
    const struct dgit_history_combine_input *in, size_t n)
{
	char *msg = NULL;
	size_t ml = 0;
	FILE *mf;

	*out = NULL;
	if ((mf = open_memstream(&msg, &ml)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	fprintf(mf, "Combine archive branches %s [dgit]\n\nInput branches:\n",
	    combined_suite);
	for (size_t i = 0; i < n; i++)
		fprintf(mf, " %c  %-25s %s\n", in[i].mark, in[i].version,
		    in[i].info);
	fprintf(mf, "\nKey\n * marks the highest version branch, which "
	    "choose to use\n + marks each branch which was not already an "
	    "ancestor\n\n[dgit multi-suite %s]\n", combined_suite);
	if (fclose(mf) != 0 || msg == NULL) {
		free(msg);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	*out = msg;
	return NULL;
}

const struct dgit_error *
dgit_history_ff_message(char **out, const char *archive_version,
    const char *quilt_mode, const char *overwrite_version)
{
	return message(out, "%s fast forward from %s\n\n[dgit%s%s%s%s%s]\n",
	    overwrite_version ? "Declare" : "Make", archive_version,
	    quilt_mode ? " --quilt=" : "", quilt_mode ? quilt_mode : "",
	    overwrite_version ? " --overwrite" : "",
	    overwrite_version && *overwrite_version ? "=" : "",
	    overwrite_version ? overwrite_version : "");
}

const struct dgit_error *
dgit_history_record(git_oid *out, git_repository *repo,
    const git_oid *import, const git_oid *last, const char *package,
    const char *version, const char *suite)
{
	const struct dgit_error *err;
	char *lastver = NULL, *msg = NULL;
	git_oid parents[2];
	int ff;

	git_oid_cpy(out, import);
	if (last == NULL)
		return NULL;
	if ((err = dgit_history_commit_clog(&lastver, NULL, repo, last)))
		return err;
	if (git_oid_equal(last, import) ||
	    dgit_version_compare(lastver, version) == 0) {
		/* the same version as fetched before: nothing new */
		git_oid_cpy(out, last);
		goto done;
	}
	if ((err = dgit_history_descends(&ff, repo, import, last)) || ff)
		goto done;
	if ((err = dgit_history_record_message(&msg, package, version, suite,
	    lastver)))
		goto done;
	git_oid_cpy(&parents[0], import);
	git_oid_cpy(&parents[1], last);
	err = dgit_history_pseudomerge(out, repo, NULL, parents, 2, msg);
done:
	free(msg);
	free(lastver);
	return err;
}

/* ---- the Dgit: field's commit ----------------------------------------- */

/*
 * fetch_dgit for a URL the git program fetches from (dgit_gitfetch): the
 * refs a and b (either NULL) that the server has.
 */
static int
fetch_dgit_git(char *why, size_t whylen, git_repository *repo,
    const char *url, const char *a, const char *b)
{
	const struct dgit_error *err;
	struct dgit_gitfetch_list l = { NULL, 0 };
	const char *pats[2], *names[2];
	git_oid ids[2];
	size_t np = 0, n = 0;

	if (a)
		pats[np++] = a;
	if (b)
		pats[np++] = b;
	if (np == 0)
		return 1;
	if ((err = dgit_gitfetch_ls(&l, repo, url, pats, np, 100000)) == NULL) {
		for (size_t i = 0; i < l.n; i++)
			for (size_t k = 0; k < np; k++)
				if (strcmp(l.heads[i].name, pats[k]) == 0 &&
				    (n == 0 || names[0] != pats[k]))
					names[n++] = pats[k];
		err = dgit_gitfetch_download(ids, repo, url, names, n);
	}
	dgit_gitfetch_list_release(&l);
	if (err) {
		snprintf(why, whylen, "%s", err->msg);
		return 0;
	}
	return 1;
}

/*
 * Fetch the commit's objects from opts->git_url through refs only this
 * call uses: refs/dgit-fetch/DISTRO/PID.N/..., deleted afterwards, so a
 * concurrent fetch's refs are left alone.
 */
static int
fetch_dgit(char *why, size_t whylen, git_repository *repo,
    const struct dgit_dsc_dgit *field, const struct dgit_history_dgit_opts *o)
{
	char tmp[128], src[2][700], dst[2][1200], *specs[2];
	git_strarray refspecs = { specs, 0 };
	git_fetch_options fo;
	git_remote *remote = NULL;
	git_reference *ref = NULL;
	const char *distro = o->distro ? o->distro : "debian";
	int ok = 0;

	/* unique per process and per call (the address of the stack) */
	snprintf(tmp, sizeof tmp, "%ld.%lx", (long)getpid(),
	    (unsigned long)(size_t)&tmp);
	if (o->suite) {
		snprintf(src[0], sizeof src[0], "refs/dgit/%s", o->suite);
		snprintf(dst[0], sizeof dst[0], "refs/dgit-fetch/%s/%s/dgit/%s",
		    distro, tmp, o->suite);
	}
	if (field->tag && strchr(field->tag, ':') == NULL) {
		snprintf(src[1], sizeof src[1], "refs/tags/%s", field->tag);
		snprintf(dst[1], sizeof dst[1], "refs/dgit-fetch/%s/%s/tags/%s",
		    distro, tmp, field->tag);
	}
	for (int k = 0; k < 2; k++) {
		char *spec;

		if ((k == 0 && !o->suite) || (k == 1 && (field->tag == NULL ||
		    strchr(field->tag, ':'))))
			continue;
		if (asprintf(&spec, "+%s:%s", src[k], dst[k]) < 0) {
			snprintf(why, whylen, "out of memory");
			goto done;
		}
		specs[refspecs.count++] = spec;
	}
	if (dgit_gitfetch_local_path(o->git_url) == NULL) {
		ok = fetch_dgit_git(why, whylen, repo, o->git_url, o->suite ?
		    src[0] : NULL, field->tag && !strchr(field->tag, ':') ?
		    src[1] : NULL);
		goto done;
	}
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if (git_remote_create_anonymous(&remote, repo, o->git_url) != 0 ||
	    git_remote_fetch(remote, &refspecs, &fo, "dgit fetch") != 0) {
		const git_error *ge = git_error_last();

		snprintf(why, whylen, "cannot fetch from '%s': %s", o->git_url,
		    ge && ge->message ? ge->message : "unknown error");
		goto done;
	}
	ok = 1;
done:
	/* the refs were only a way to get the objects */
	for (size_t i = 0; i < refspecs.count; i++) {
		const char *d = strchr(specs[i], ':') + 1;

		if (git_reference_lookup(&ref, repo, d) == 0) {
			git_reference_delete(ref);
			git_reference_free(ref);
			ref = NULL;
		}
		free(specs[i]);
	}
	git_remote_free(remote);
	return ok;
}

const struct dgit_error *
dgit_history_dgit_commit(enum dgit_history_dgit_status *status,
    git_oid *commit, char *why, size_t whylen, git_repository *repo,
    const struct dgit_dsc_dgit *field, const git_oid *tree,
    const struct dgit_history_dgit_opts *o)
{
	git_oid ctree;
	char msg[1024];

	*status = DGIT_HISTORY_DGIT_MISSING;
	why[0] = '\0';
	if (git_oid_fromstr(commit, field->commit) != 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "bad commit id '%s'",
		    field->commit);
	if (dgit_commit_tree_id(&ctree, repo, commit) != NULL) {
		if (o == NULL || o->git_url == NULL) {
			snprintf(why, whylen, "the Dgit: commit %s is not in "
			    "this repository", field->commit);
			return NULL;
		}
		if (o->info) {
			snprintf(msg, sizeof msg, "fetching %s from %s",
			    field->commit, o->git_url);
			o->info(o->info_arg, msg);
		}
		if (!fetch_dgit(why, whylen, repo, field, o)) {
			*status = DGIT_HISTORY_DGIT_UNREACHABLE;
			return NULL;
		}
		if (dgit_commit_tree_id(&ctree, repo, commit) != NULL) {
			snprintf(why, whylen, "'%s' does not have commit %s",
			    o->git_url, field->commit);
			return NULL;
		}
	}
	if (!git_oid_equal(&ctree, tree)) {
		*status = DGIT_HISTORY_DGIT_OTHER_TREE;
		snprintf(why, whylen, "the tree of the Dgit: commit %s differs "
		    "from the source package's", field->commit);
	} else
		*status = DGIT_HISTORY_DGIT_USABLE;
	return NULL;
}

/* ---- the state of a dgit tree ----------------------------------------- */

const struct dgit_error *
dgit_history_tree_package_suite(char **package, char **suite,
    git_repository *repo, const char *suite_arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_changelog *cl = NULL;
	const struct dgit_changelog_entry *e;
	git_reference *head = NULL;
	const char *wd = git_repository_workdir(repo), *bn;
	char *path = NULL, *buf = NULL;
	size_t n;

	*package = *suite = NULL;
	if (wd == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "needs a working tree");
	if (asprintf(&path, "%sdebian/changelog", wd) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = dgit_fs_read_file(&buf, &n, path, CLOG_MAX)) != NULL) {
		err = dgit_error_wrap(err, "cannot find out which package "
		    "this is");
		goto done;
	}
	if ((err = dgit_changelog_parse_first(&cl, buf, n, "debian/changelog")))
		goto done;
	e = dgit_changelog_entry(cl, 0);
	if ((*package = strdup(e->package)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (suite_arg)
		*suite = strdup(suite_arg);
	else if (git_repository_head(&head, repo) == 0 &&
	    git_reference_is_branch(head) &&
	    (bn = git_reference_shorthand(head)) != NULL &&
	    strncmp(bn, "dgit/", 5) == 0 && bn[5] != '\0')
		*suite = strdup(bn + 5);
	else if (e->ndistributions > 0)
		*suite = strdup(e->distributions[0]);
	else {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "which suite? give one, "
		    "e.g. 'dgit fetch sid'");
		goto done;
	}
	if (*suite == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	if (err) {
		free(*package);
		free(*suite);
		*package = *suite = NULL;
	}
	git_reference_free(head);
	dgit_changelog_free(cl);
	free(buf);
	free(path);
	return err;
}

void
dgit_history_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

const struct dgit_error *
dgit_history_status_new(git_status_list **out, git_repository *repo,
    unsigned int flags)
{
	const struct dgit_error *err;
	git_status_options so;
	git_tree *head = NULL;
	int rc;

	*out = NULL;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES | flags;
	if ((err = dgit_commit_head_tree(&head, repo)))
		return err;
	so.baseline = head;
	rc = git_status_list_new(out, repo, &so);
	git_tree_free(head);
	if (rc != 0)
		return dgit_error_git("cannot read the working tree's status");
	return NULL;
}

const struct dgit_error *
dgit_history_tree_dirty(char ***paths, size_t *n, size_t *total,
    git_repository *repo, size_t max)
{
	const struct dgit_error *err = NULL;
	git_status_list *st = NULL;
	char **v = NULL;
	size_t count, keep, i;

	*paths = NULL;
	*n = *total = 0;
	if (git_repository_is_bare(repo))
		return dgit_error_fmt(DGIT_ERR_USAGE, "needs a working tree, "
		    "not a bare repository");
	if ((err = dgit_history_status_new(&st, repo, 0)))
		return err;
	count = git_status_list_entrycount(st);
	keep = max && count > max ? max : count;
	if (keep && (v = calloc(keep, sizeof *v)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < keep; i++) {
		const git_status_entry *e = git_status_byindex(st, i);
		const git_diff_delta *d = e->index_to_workdir ?
		    e->index_to_workdir : e->head_to_index;
		const char *p = d ? (d->new_file.path ? d->new_file.path :
		    d->old_file.path) : "?";

		if ((v[i] = strdup(p)) == NULL) {
			dgit_history_paths_free(v, i);
			v = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	}
	*paths = v;
	*n = keep;
	*total = count;
done:
	git_status_list_free(st);
	return err;
}

void
dgit_history_refresh_index(git_repository *repo, const char *git)
{
	const char *argv[] = { git ? git : "git", "update-index", "-q",
	    "--refresh", NULL };
	struct dgit_run_opts ro;
	git_index *index = NULL;

	if (git_repository_is_bare(repo) || git_repository_workdir(repo) ==
	    NULL)
		return;
	memset(&ro, 0, sizeof ro);
	ro.cwd = git_repository_workdir(repo);
	ro.out = DGIT_RUN_OUT_NULL;
	ro.err = DGIT_RUN_OUT_NULL;
	(void)dgit_run(NULL, argv, &ro);   /* errors are borrowed: none kept */
	if (git_repository_index(&index, repo) == 0)
		(void)git_index_read(index, 0);
	git_index_free(index);
}
