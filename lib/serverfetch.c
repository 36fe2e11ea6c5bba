/*
 * dgit fetch and the dgit git server: the suite branch and the version
 * tags (dgit_serverfetch), and the choice of the new tracking tip
 * (dgit_serverfetch_choose).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "dgit_commit.h"
#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_gitfetch.h"
#include "dgit_history.h"
#include "dgit_serverfetch.h"
#include "dgit_version.h"

#define MAP_REF "refs/dgit-rewrite/map"

#define say(c, ...) dgit_msg((c)->info, (c)->info_arg, __VA_ARGS__)

#define LATER "Perhaps the upload is stuck in incoming.  Using the " \
	"version from git."

void
dgit_serverfetch_release(struct dgit_serverfetch *sf)
{
	if (sf == NULL)
		return;
	for (size_t i = 0; i < sf->ntags; i++)
		free(sf->tag_names[i]);
	free(sf->tag_names);
	free(sf->tag_ids);
	free(sf->skipped);
	memset(sf, 0, sizeof *sf);
}

static int
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/*
 * A repository on this machine (a path or a file:// URL)?  libgit2's
 * local transport sends everything reachable from all of the source's
 * refs, not only from those asked for (refs/original/... of a rewritten
 * history, say), so such a fetch is made by local_download(); any other
 * URL is fetched by the git program (dgit_gitfetch), which knows every
 * URL form git does (ssh, ext::, the user's insteadOf and helpers).
 */
static const char *
local_path(const char *url)
{
	return dgit_gitfetch_local_path(url);
}

/* libgit2's listing of the local repository at url, as a list. */
static const struct dgit_error *
local_ls(struct dgit_gitfetch_list *out, git_repository *repo,
    const char *url)
{
	const struct dgit_error *err = NULL;
	const git_remote_head **heads;
	git_remote_callbacks cbs;
	git_remote *remote = NULL;
	size_t nheads, i;

	memset(out, 0, sizeof *out);
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	if (git_remote_create_anonymous(&remote, repo, url) != 0 ||
	    git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL,
	    NULL) != 0 || git_remote_ls(&heads, &nheads, remote) != 0) {
		err = dgit_error_git("cannot fetch from '%s'", url);
		goto done;
	}
	if (nheads > DGIT_SERVERFETCH_MAX_REFS) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' offers %zu refs, "
		    "more than %d; fetch it with git instead", url, nheads,
		    DGIT_SERVERFETCH_MAX_REFS);
		goto done;
	}
	if ((out->heads = calloc(nheads + 1, sizeof *out->heads)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < nheads; i++) {
		size_t l = strlen(heads[i]->name);

		if (l >= DGIT_SERVERFETCH_MAX_NAME ||
		    (l > 3 && strcmp(heads[i]->name + l - 3, "^{}") == 0))
			continue;
		if ((out->heads[out->n].name = strdup(heads[i]->name)) ==
		    NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		git_oid_cpy(&out->heads[out->n].id, &heads[i]->oid);
		out->n++;
	}
done:
	if (remote) {
		git_remote_disconnect(remote);
		git_remote_free(remote);
	}
	if (err)
		dgit_gitfetch_list_release(out);
	return err;
}

/* The refs url offers (of patterns, for the git program's listing). */
static const struct dgit_error *
list_refs(struct dgit_gitfetch_list *out, git_repository *repo,
    const char *url, const char *const *patterns, size_t npatterns)
{
	if (local_path(url))
		return local_ls(out, repo, url);
	return dgit_gitfetch_ls(out, repo, url, patterns, npatterns,
	    DGIT_SERVERFETCH_MAX_REFS);
}

/* Hide from walk (in src) the commits repo's refs already have. */
static int
hide_have(git_reference *ref, void *arg)
{
	git_revwalk *walk = arg;
	git_object *o = NULL;

	if (git_reference_peel(&o, ref, GIT_OBJECT_COMMIT) == 0) {
		/* a commit src lacks is simply not hidden */
		if (git_revwalk_hide(walk, git_object_id(o)) != 0)
			git_error_clear();
		git_object_free(o);
	}
	git_reference_free(ref);
	return 0;
}

/*
 * Copy into repo the objects reachable from ids[0..n) (commits, or tags
 * and what they point at) in the repository at path, and no others:
 * what git fetch of those refs brings.  The pack is written by libgit2's
 * pack builder into repo's object store.
 */
static const struct dgit_error *
local_download(git_repository *repo, const char *path, const git_oid *ids,
    size_t n)
{
	const struct dgit_error *err = NULL;
	git_repository *src = NULL;
	git_revwalk *walk = NULL;
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	char *packdir = NULL;
	size_t i;

	if (git_repository_open_bare(&src, path) != 0 &&
	    git_repository_open(&src, path) != 0)
		return dgit_error_git("cannot open the repository '%s'", path);
	if (git_revwalk_new(&walk, src) != 0 ||
	    git_packbuilder_new(&pb, src) != 0) {
		err = dgit_error_git("cannot fetch from '%s'", path);
		goto done;
	}
	for (i = 0; i < n && err == NULL; i++) {
		git_object *o = NULL, *c = NULL;

		if (git_object_lookup(&o, src, &ids[i], GIT_OBJECT_ANY) != 0)
			err = dgit_error_git("'%s' lacks %s", path,
			    git_oid_tostr_s(&ids[i]));
		else if (git_object_type(o) == GIT_OBJECT_COMMIT) {
			if (git_revwalk_push(walk, &ids[i]) != 0)
				err = dgit_error_git("cannot fetch from '%s'",
				    path);
		} else if (git_object_type(o) == GIT_OBJECT_TAG &&
		    git_object_peel(&c, o, GIT_OBJECT_COMMIT) == 0) {
			if (git_packbuilder_insert(pb, &ids[i], NULL) != 0 ||
			    git_revwalk_push(walk, git_object_id(c)) != 0)
				err = dgit_error_git("cannot fetch from '%s'",
				    path);
		} else if (git_packbuilder_insert_recur(pb, &ids[i], NULL) != 0)
			err = dgit_error_git("cannot fetch from '%s'", path);
		git_error_clear();
		git_object_free(c);
		git_object_free(o);
	}
	if (err)
		goto done;
	git_reference_foreach(repo, hide_have, walk);
	if (git_packbuilder_insert_walk(pb, walk) != 0) {
		err = dgit_error_git("cannot fetch from '%s'", path);
		goto done;
	}
	if (git_packbuilder_object_count(pb) == 0)
		goto done;
	if (asprintf(&packdir, "%sobjects/pack", git_repository_path(repo)) <
	    0) {
		packdir = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (git_packbuilder_write(pb, packdir, 0, NULL, NULL) != 0 ||
	    git_repository_odb(&odb, repo) != 0 || git_odb_refresh(odb) != 0)
		err = dgit_error_git("cannot store what '%s' sent", path);
done:
	free(packdir);
	git_odb_free(odb);
	git_packbuilder_free(pb);
	git_revwalk_free(walk);
	git_repository_free(src);
	return err;
}

/*
 * Download the objects of the refs names[0..n), which list says url has;
 * ids[i] is then names[i]'s value (for the git program: the value it
 * fetched).
 */
static const struct dgit_error *
download(git_oid *ids, git_repository *repo, const char *url,
    const char *const *names, size_t n, const struct dgit_gitfetch_list *l)
{
	const struct dgit_error *err;
	const char *path = local_path(url);

	if (path == NULL)
		return dgit_gitfetch_download(ids, repo, url, names, n);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < l->n; i++)
			if (strcmp(l->heads[i].name, names[k]) == 0) {
				git_oid_cpy(&ids[k], &l->heads[i].id);
				break;
			}
	err = local_download(repo, path, ids, n);
	/*
	 * libgit2's revwalk stops at a commit with a malformed committer
	 * line, which git reads: let the git program fetch (nothing was
	 * stored, the pack is written last).
	 */
	if (err && err->code == DGIT_ERR_GIT)
		err = dgit_gitfetch_download(ids, repo, url, names, n);
	return err;
}

/* A tag offered by the server: to create, to leave, or not to update. */
static const struct dgit_error *
offer_tag(struct dgit_serverfetch *out, git_repository *repo,
    const char *name, const git_oid *id, void (*info)(void *, const char *),
    void *info_arg)
{
	git_oid here;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

	if (git_reference_name_to_id(&here, repo, name) == 0) {
		if (!git_oid_equal(&here, id))
			dgit_msg(info, info_arg, "Not updating %s from %s to "
			    "%s.", name, git_oid_tostr(a, sizeof a, &here),
			    git_oid_tostr(b, sizeof b, id));
		return NULL;
	}
	if ((out->tag_names[out->ntags] = strdup(name)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	git_oid_cpy(&out->tag_ids[out->ntags], id);
	out->ntags++;
	return NULL;
}

const struct dgit_error *
dgit_serverfetch(struct dgit_serverfetch *out, git_repository *repo,
    const char *url, const char *distro, const char *suite,
    void (*info)(void *arg, const char *msg), void *info_arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_gitfetch_list l = { NULL, 0 };
	const char **names = NULL;
	git_oid *ids = NULL;
	char branch[DGIT_SERVERFETCH_MAX_NAME], tagp[2][DGIT_SERVERFETCH_MAX_NAME];
	char pats[2][DGIT_SERVERFETCH_MAX_NAME + 1];
	const char *patterns[4];
	size_t i, nwant = 0;
	int bi = -1, mi = -1;

	memset(out, 0, sizeof *out);
	if (url == NULL)
		return NULL;
	if ((size_t)snprintf(branch, sizeof branch, "refs/dgit/%s", suite) >=
	    sizeof branch ||
	    (size_t)snprintf(tagp[0], sizeof tagp[0], "refs/tags/archive/%s/",
	    distro) >= sizeof tagp[0] ||
	    (size_t)snprintf(tagp[1], sizeof tagp[1], "refs/tags/%s/",
	    distro) >= sizeof tagp[1])
		return dgit_error_fmt(DGIT_ERR_LIMIT, "suite '%s' or distro "
		    "'%s' is too long for a ref name", suite, distro);
	snprintf(pats[0], sizeof pats[0], "%s*", tagp[0]);
	snprintf(pats[1], sizeof pats[1], "%s*", tagp[1]);
	patterns[0] = branch;
	patterns[1] = MAP_REF;
	patterns[2] = pats[0];
	patterns[3] = pats[1];
	if ((err = list_refs(&l, repo, url, patterns, 4))) {
		if (err->code == DGIT_ERR_LIMIT || err->code == DGIT_ERR_NOMEM)
			goto done;
		/* not there, or not reachable: a debug line, not an error */
		if (asprintf(&out->skipped, "cannot fetch from '%s': %s", url,
		    err->msg) < 0)
			out->skipped = NULL;
		err = NULL;
		goto done;
	}
	names = calloc(l.n + 1, sizeof *names);
	ids = calloc(l.n + 1, sizeof *ids);
	out->tag_names = calloc(l.n + 1, sizeof *out->tag_names);
	out->tag_ids = calloc(l.n + 1, sizeof *out->tag_ids);
	if (!names || !ids || !out->tag_names || !out->tag_ids) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < l.n; i++) {
		const char *n = l.heads[i].name;
		size_t len = strlen(n);

		if (strcmp(n, branch) == 0)
			bi = (int)nwant;
		else if (strcmp(n, MAP_REF) == 0)
			mi = (int)nwant;
		else if (!((has_prefix(n, tagp[0]) && len > strlen(tagp[0])) ||
		    (has_prefix(n, tagp[1]) && len > strlen(tagp[1]))) ||
		    !git_reference_is_valid_name(n))
			continue;
		names[nwant++] = n;
	}
	if (nwant == 0)
		goto done;
	if ((err = download(ids, repo, url, names, nwant, &l)))
		goto done;
	for (i = 0; i < nwant && err == NULL; i++) {
		git_object *o = NULL;

		/* the download must have brought everything named */
		if (git_object_lookup(&o, repo, &ids[i], GIT_OBJECT_ANY) != 0) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "'%s' did not send "
			    "%s (%s)", url, names[i], git_oid_tostr_s(&ids[i]));
			break;
		}
		git_object_free(o);
		if ((int)i == bi) {
			git_oid_cpy(&out->lastpush, &ids[i]);
			out->have_lastpush = 1;
		} else if ((int)i == mi) {
			git_oid_cpy(&out->map, &ids[i]);
			out->have_map = 1;
		} else
			err = offer_tag(out, repo, names[i], &ids[i], info,
			    info_arg);
	}
done:
	free(names);
	free(ids);
	dgit_gitfetch_list_release(&l);
	if (err)
		dgit_serverfetch_release(out);
	return err;
}

/* ---- the choice ------------------------------------------------------- */

struct input {
	git_oid id;
	const char *info;
	char *version;
};

#define INFO_DSC "Dgit field in .dsc from archive"
#define INFO_PUSH "dgit suite branch on dgit git server"
#define INFO_FETCH "dgit client's archive history view"
#define INFO_IMPORT "Import of source package"

static const struct dgit_error *
input_version(struct input *in, git_repository *repo)
{
	if (in->version)
		return NULL;
	return dgit_history_commit_clog(&in->version, NULL, repo, &in->id);
}

static void
set1(struct input *mi, size_t *n, const git_oid *id, const char *info)
{
	for (size_t i = 0; i < *n; i++) {
		free(mi[i].version);
		mi[i].version = NULL;
	}
	git_oid_cpy(&mi[0].id, id);
	mi[0].info = info;
	*n = 1;
}

static void
add(struct input *mi, size_t *n, const git_oid *id, const char *info)
{
	git_oid_cpy(&mi[*n].id, id);
	mi[*n].info = info;
	mi[*n].version = NULL;
	(*n)++;
}

static const struct dgit_error *
record_message(char **out, git_repository *repo, struct input *mi, size_t n,
    const char *package, const char *suite)
{
	const struct dgit_error *err;
	char *msg = NULL;
	size_t ml = 0;
	FILE *mf;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if ((err = input_version(&mi[i], repo)))
			return err;
	if ((mf = open_memstream(&msg, &ml)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	fprintf(mf, "Record %s (%s) in archive suite %s\n\nRecord that\n",
	    package, mi[0].version, suite);
	fprintf(mf, "  %-20s %s\n", mi[0].version, mi[0].info);
	fprintf(mf, "should be treated as descended from\n");
	for (size_t i = 1; i < n; i++)
		fprintf(mf, "  %-20s %s\n", mi[i].version, mi[i].info);
	if (fclose(mf) != 0 || msg == NULL) {
		free(msg);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	*out = msg;
	return NULL;
}

const struct dgit_error *
dgit_serverfetch_choose(git_oid *out, git_repository *repo,
    const struct dgit_serverfetch_choice *c)
{
	const struct dgit_error *err = NULL;
	struct input mi[4];
	size_t n = 0, i;
	int compat = 0, ff = 0;
	char *msg = NULL, *pv = NULL, a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	git_oid parents[4];

	memset(mi, 0, sizeof mi);
	if (c->dsc_commit) {
		if (c->lastpush == NULL || git_oid_equal(c->dsc_commit,
		    c->lastpush))
			add(mi, &n, c->dsc_commit, INFO_DSC);
		else if ((err = dgit_history_descends(&ff, repo, c->lastpush,
		    c->dsc_commit)))
			goto done;
		else if (ff) {
			say(c, "Git commit in archive is behind the last "
			    "version allegedly pushed/uploaded.\nCommit "
			    "referred to by archive: %s\nLast version pushed "
			    "with dgit: %s\n%s", git_oid_tostr(a, sizeof a,
			    c->dsc_commit), git_oid_tostr(b, sizeof b,
			    c->lastpush), LATER);
			add(mi, &n, c->lastpush, INFO_PUSH);
		} else if ((err = dgit_history_descends(&ff, repo,
		    c->dsc_commit, c->lastpush)))
			goto done;
		else if (ff) {
			say(c, "archive .dsc names newer git commit");
			add(mi, &n, c->dsc_commit, INFO_DSC);
		} else {
			say(c, "archive .dsc names other git commit, fixing up");
			add(mi, &n, c->dsc_commit, INFO_DSC);
			add(mi, &n, c->lastpush, INFO_PUSH);
		}
	} else if (c->import) {
		add(mi, &n, c->import, INFO_IMPORT);
		if (c->lastpush && (err = dgit_history_commit_clog(&pv, NULL,
		    repo, c->lastpush))) {
			/* a server branch without a changelog says nothing
			 * about versions: the archive's import stands */
			say(c, "not using the dgit git server's suite branch "
			    "(%s)", err->msg);
			err = NULL;
		} else if (c->lastpush) {
			int cmp;

			cmp = dgit_version_compare(pv, c->import_version);
			if (cmp < 0) {
				add(mi, &n, c->lastpush, INFO_PUSH);
				compat = 1;
			} else {
				if (cmp > 0)
					say(c, "Version actually in archive:   "
					    "%s (older)\nLast version pushed with "
					    "dgit: %s (newer or same)\n%s",
					    c->import_version, pv, LATER);
				set1(mi, &n, c->lastpush, INFO_PUSH);
			}
		}
		if (c->lastfetch) {
			struct input lf = { .info = INFO_FETCH };

			git_oid_cpy(&lf.id, c->lastfetch);
			if ((err = input_version(&lf, repo)) ||
			    (err = input_version(&mi[0], repo))) {
				free(lf.version);
				goto done;
			}
			if (dgit_version_compare(lf.version, mi[0].version) ==
			    0) {
				set1(mi, &n, c->lastfetch, INFO_FETCH);
				compat = 0;
			}
			free(lf.version);
		}
	} else if (c->lastpush) {
		say(c, "Package not found in the archive, but has allegedly "
		    "been pushed using dgit.\n%s", LATER);
		add(mi, &n, c->lastpush, INFO_PUSH);
	} else {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no version of %s in "
		    "the archive or on the git server", c->package);
		goto done;
	}
	if (c->lastfetch) {
		int any = 0;

		for (i = 0; i < n && !any; i++)
			if ((err = dgit_history_descends(&any, repo, &mi[i].id,
			    c->lastfetch)))
				goto done;
		if (!any) {
			add(mi, &n, c->lastfetch, INFO_FETCH);
			compat = 0;
		}
	}
	if (n == 1) {
		git_oid_cpy(out, &mi[0].id);
		goto done;
	}
	if (compat) {
		/* dgit's older form: the server's branch first, one line */
		if (asprintf(&msg, "Record %s (%s) in archive suite %s\n",
		    c->package, c->import_version, c->suite) < 0) {
			msg = NULL;
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		git_oid_cpy(&parents[0], &mi[1].id);
		git_oid_cpy(&parents[1], &mi[0].id);
	} else {
		if ((err = record_message(&msg, repo, mi, n, c->package,
		    c->suite)))
			goto done;
		for (i = 0; i < n; i++)
			git_oid_cpy(&parents[i], &mi[i].id);
	}
	err = dgit_history_pseudomerge(out, repo, &mi[0].id, parents, n, msg);
done:
	for (i = 0; i < n; i++)
		free(mi[i].version);
	free(pv);
	free(msg);
	return err;
}

/* ---- the Dgit: field's commit ----------------------------------------- */

#define MAP_MAX (64u << 20)

/*
 * Download from url the objects of those of names[0..n) the server has
 * (no ref is written); have[i] and ids[i] say which and what.
 */
static const struct dgit_error *
fetch_named(git_repository *repo, const char *url, const char *const *names,
    size_t n, git_oid *ids, int *have)
{
	const struct dgit_error *err = NULL;
	struct dgit_gitfetch_list l = { NULL, 0 };
	const char *got[4];
	git_oid gids[4];
	size_t i, k, ngot = 0;

	for (k = 0; k < n; k++)
		have[k] = 0;
	if (n > 4)
		return dgit_error_fmt(DGIT_ERR_USAGE, "too many refs to fetch");
	if ((err = list_refs(&l, repo, url, names, n))) {
		err = dgit_error_wrap(err, "cannot fetch from '%s'", url);
		goto done;
	}
	for (i = 0; i < l.n; i++)
		for (k = 0; k < n; k++)
			if (!have[k] && strcmp(l.heads[i].name, names[k]) == 0) {
				have[k] = 1;
				got[ngot++] = names[k];
			}
	if (ngot == 0)
		goto done;
	if ((err = download(gids, repo, url, got, ngot, &l)))
		goto done;
	for (i = 0; i < ngot; i++)
		for (k = 0; k < n; k++)
			if (got[i] == names[k])
				git_oid_cpy(&ids[k], &gids[i]);
done:
	dgit_gitfetch_list_release(&l);
	return err;
}

/* The URL to fetch the field's distro's history from (caller frees). */
static const struct dgit_error *
field_url(char **url, const struct dgit_dsc_dgit *field, const char *distro,
    const struct dgit_serverfetch_dgit_opts *o)
{
	const struct dgit_error *err;
	const char *hint = field->url, *v;
	char proto[64], name[128];
	size_t pl;
	int ok;

	if ((err = dgit_distro_server_git_url(url, o->cfg, distro, o->package,
	    0)) || *url)
		return err;
	if (hint == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_NOT_FOUND,
		    ".dsc Dgit metadata "
		    "is in context of distro %s for which we have no "
		    "configured url and .dsc provides no hint; configure "
		    "dgit-distro.%s.git-url", distro, distro);
	pl = strspn(hint, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-");
	if (pl > 0 && pl < sizeof proto && hint[pl] == ':')
		snprintf(proto, sizeof proto, "%.*s", (int)pl, hint);
	else
		snprintf(proto, sizeof proto, "%s", hint[0] == '/' ? "file" :
		    "bad-syntax");
	snprintf(name, sizeof name, "dgit.dsc-url-proto-ok.%s", proto);
	v = dgit_config_get(o->cfg, name);
	if (v != NULL)
		err = dgit_config_get_bool(&ok, o->cfg, name, 0);
	else
		err = dgit_config_get_bool(&ok, o->cfg,
		    "dgit.default.dsc-url-proto-ok", 0);
	if (err)
		return err;
	if (!ok)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_NOT_FOUND,
		    ".dsc Dgit metadata "
		    "is in context of distro %s for which we have no "
		    "configured url; .dsc provides hinted url with protocol %s "
		    "which is unsafe; set %s to true to allow it, or configure "
		    "dgit-distro.%s.git-url", distro, proto, name, distro);
	if ((*url = strdup(hint)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/* The map's entry for commit: "OLD NEW" lines in the blob "map". */
static const struct dgit_error *
map_lookup(git_oid *commit, int *found, git_repository *repo,
    const git_oid *map)
{
	git_oid tid;
	git_tree *t = NULL;
	git_blob *b = NULL;
	const git_tree_entry *e;
	const char *p, *end;
	char hex[GIT_OID_HEXSZ + 1];
	size_t len;

	*found = 0;
	git_oid_tostr(hex, sizeof hex, commit);
	if (dgit_commit_tree_id(&tid, repo, map) != NULL ||
	    git_tree_lookup(&t, repo, &tid) != 0 ||
	    (e = git_tree_entry_byname(t, "map")) == NULL ||
	    git_blob_lookup(&b, repo, git_tree_entry_id(e)) != 0)
		goto done;
	p = git_blob_rawcontent(b);
	len = (size_t)git_blob_rawsize(b);
	if (len > MAP_MAX)
		goto done;
	end = p + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (ll >= 2 * GIT_OID_HEXSZ + 1 &&
		    strncasecmp(p, hex, GIT_OID_HEXSZ) == 0 &&
		    (p[GIT_OID_HEXSZ] == ' ' || p[GIT_OID_HEXSZ] == '\t') &&
		    git_oid_fromstrn(commit, p + GIT_OID_HEXSZ + 1,
		    GIT_OID_HEXSZ) == 0) {
			*found = 1;
			break;
		}
		p += ll + 1;
	}
done:
	git_blob_free(b);
	git_tree_free(t);
	return NULL;
}

static int
have_commit(git_repository *repo, const git_oid *id)
{
	return dgit_commit_exists(repo, id);
}

const struct dgit_error *
dgit_serverfetch_dgit(git_oid *commit, int *have, git_repository *repo,
    const struct dgit_dsc_dgit *field,
    const struct dgit_serverfetch_dgit_opts *o)
{
	const struct dgit_error *err = NULL;
	const char *distro = field->distro, *names[1];
	char *url = NULL, tagref[DGIT_SERVERFETCH_MAX_NAME], hex[GIT_OID_HEXSZ + 1];
	git_oid map, ids[1];
	const git_oid *mapp = NULL;
	int enable = 1, got[1], found, map_known = 0;

	*have = 0;
	if (git_oid_fromstr(commit, field->commit) != 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "bad commit id '%s' in "
		    "the Dgit: field", field->commit);
	if (distro == NULL)
		distro = dgit_config_get(o->cfg, "dgit.default.old-dsc-distro");
	if (distro == NULL)
		distro = "debian";
	if (o->map_distro && (o->no_chase || strcmp(o->map_distro,
	    distro) == 0)) {
		mapp = o->map_commit;
		map_known = 1;
	}
	if ((err = dgit_config_get_distro_bool(&enable, o->cfg, distro,
	    "rewrite-map-enable", 1)))
		return err;
	if (enable && !map_known) {
		if (o->no_chase) {
			dgit_msg(o->info, o->info_arg, "not chasing .dsc distro "
			    "%s: not fetching rewrite map", distro);
			goto out;
		}
		dgit_msg(o->info, o->info_arg, ".dsc names distro %s: fetching "
		    "rewrite map", distro);
		names[0] = MAP_REF;
		if ((err = field_url(&url, field, distro, o)) ||
		    (err = fetch_named(repo, url, names, 1, ids, got)))
			goto done;
		if (got[0]) {
			git_oid_cpy(&map, &ids[0]);
			mapp = &map;
		}
	}
	if (enable && mapp) {
		map_lookup(commit, &found, repo, mapp);
		if (found) {
			dgit_msg(o->info, o->info_arg, "server's git history "
			    "rewrite map contains a relevant entry!");
			dgit_msg(o->info, o->info_arg, "using rewritten git hash "
			    "in place of .dsc value");
		}
	}
	if (have_commit(repo, commit))
		goto out;
	if (o->no_chase) {
		dgit_msg(o->info, o->info_arg, "not chasing .dsc distro %s: not "
		    "fetching additional commits", distro);
		goto out;
	}
	dgit_msg(o->info, o->info_arg, ".dsc names distro %s: fetching "
	    "additional commits", distro);
	if (url == NULL && (err = field_url(&url, field, distro, o)))
		goto done;
	if (field->tag && (size_t)snprintf(tagref, sizeof tagref,
	    "refs/tags/%s", field->tag) < sizeof tagref &&
	    git_reference_is_valid_name(tagref)) {
		names[0] = tagref;
		if ((err = fetch_named(repo, url, names, 1, ids, got)))
			goto done;
	}
	if (!have_commit(repo, commit)) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, ".dsc Dgit metadata "
		    "requires commit %s but we could not obtain that object "
		    "anywhere (not here, nor from '%s')",
		    git_oid_tostr(hex, sizeof hex, commit), url);
		goto done;
	}
out:
	*have = have_commit(repo, commit);
done:
	free(url);
	return err;
}
