/* Reading commit objects, with a raw fallback (dgit_commit.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_commit.h"
#include "dgit_date.h"
#include "dgit_oidset.h"

/* Keep at most this many parents (an octopus of thousands is an attack). */
#define PARENTS_MAX 4096

void
dgit_commit_free(struct dgit_commit *c)
{
	if (c == NULL)
		return;
	free(c->parents);
	free(c->author);
	free(c->committer);
	free(c->message);
	free(c);
}

static char *
strndup_or_null(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Exactly GIT_OID_HEXSZ lowercase or uppercase hex digits, nothing more. */
static int
parse_hex_id(git_oid *out, const char *p, size_t n)
{
	size_t i;

	if (n != GIT_OID_HEXSZ)
		return -1;
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F')))
			return -1;
	return git_oid_fromstrn(out, p, n) == 0 ? 0 : -1;
}

static int
header_is(const char *line, size_t n, const char *name, size_t *vlen,
    const char **value)
{
	size_t k = strlen(name);

	if (n < k + 1 || memcmp(line, name, k) != 0 || line[k] != ' ')
		return 0;
	*value = line + k + 1;
	*vlen = n - k - 1;
	return 1;
}

const struct dgit_error *
dgit_commit_parse(struct dgit_commit **out, const char *buf, size_t len)
{
	const struct dgit_error *err = NULL;
	struct dgit_commit *c;
	const char *p = buf, *end = buf + len, *value;
	size_t vlen, lineno = 0;
	int in_parents = 1;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (;;) {
		const char *nl, *line = p;
		size_t n;

		if (p >= end) {
			/* no blank line: headers only, an empty message */
			break;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl ? nl + 1 : end;
		if (n == 0)
			break;
		if (memchr(line, '\0', n) != NULL) {
			err = dgit_error_fmt(DGIT_ERR_PARSE,
			    "commit header %zu has a NUL byte", lineno + 1);
			goto done;
		}
		if (lineno++ == 0) {
			if (!header_is(line, n, "tree", &vlen, &value) ||
			    parse_hex_id(&c->tree, value, vlen) != 0) {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "commit does not start with a tree line");
				goto done;
			}
			continue;
		}
		if (line[0] == ' ')
			continue;       /* continuation of a skipped header */
		/* as git: a parent line after other headers is no parent */
		if (in_parents &&
		    header_is(line, n, "parent", &vlen, &value)) {
			git_oid *np;

			if (c->nparents >= PARENTS_MAX) {
				err = dgit_error_fmt(DGIT_ERR_LIMIT,
				    "commit has more than %d parents",
				    PARENTS_MAX);
				goto done;
			}
			if ((np = realloc(c->parents,
			    (c->nparents + 1) * sizeof *np)) == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			c->parents = np;
			if (parse_hex_id(&c->parents[c->nparents], value,
			    vlen) != 0) {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "commit has a malformed parent line");
				goto done;
			}
			c->nparents++;
			continue;
		}
		in_parents = 0;
		if (c->author == NULL &&
		    header_is(line, n, "author", &vlen, &value)) {
			if ((c->author = strndup_or_null(value, vlen)) == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		} else if (c->committer == NULL &&
		    header_is(line, n, "committer", &vlen, &value)) {
			if ((c->committer = strndup_or_null(value, vlen)) ==
			    NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		}
	}
	if (lineno == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "commit does not start with a tree line");
		goto done;
	}
	if ((c->message = strndup_or_null(p, (size_t)(end - p))) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	*out = c;
	c = NULL;
done:
	dgit_commit_free(c);
	return err;
}

static const struct dgit_error *
from_libgit2(struct dgit_commit **out, const git_commit *gc)
{
	struct dgit_commit *c;
	const char *msg = git_commit_message_raw(gc);
	git_buf b = { 0 };
	unsigned int i, np = git_commit_parentcount(gc);

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	git_oid_cpy(&c->tree, git_commit_tree_id(gc));
	if (np > 0 && (c->parents = calloc(np, sizeof *c->parents)) == NULL)
		goto nomem;
	for (i = 0; i < np; i++)
		git_oid_cpy(&c->parents[i], git_commit_parent_id(gc, i));
	c->nparents = np;
	/* the raw header lines, as a raw parse would give them */
	if (git_commit_header_field(&b, gc, "author") == 0) {
		c->author = strndup_or_null(b.ptr, b.size);
		if (c->author == NULL)
			goto nomem;
	}
	git_buf_dispose(&b);
	if (git_commit_header_field(&b, gc, "committer") == 0) {
		c->committer = strndup_or_null(b.ptr, b.size);
		if (c->committer == NULL)
			goto nomem;
	}
	git_buf_dispose(&b);
	if ((c->message = strdup(msg ? msg : "")) == NULL)
		goto nomem;
	*out = c;
	return NULL;
nomem:
	git_buf_dispose(&b);
	dgit_commit_free(c);
	return dgit_error(DGIT_ERR_NOMEM);
}

const struct dgit_error *
dgit_commit_read(struct dgit_commit **out, git_repository *repo,
    const git_oid *id)
{
	const struct dgit_error *err = NULL;
	git_commit *gc = NULL;
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	*out = NULL;
	git_oid_tostr(hex, sizeof hex, id);
	if ((rc = git_commit_lookup(&gc, repo, id)) == 0) {
		err = from_libgit2(out, gc);
		goto done;
	}
	/* not there, not a commit, or libgit2 could not parse it: read the
	 * object as git would */
	if (git_repository_odb(&odb, repo) != 0) {
		err = dgit_error_git("cannot open the object database");
		goto done;
	}
	if ((rc = git_odb_read(&obj, odb, id)) != 0) {
		if (rc == GIT_ENOTFOUND)
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "commit %s not found", hex);
		else
			err = dgit_error_git("cannot read object %s", hex);
		goto done;
	}
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "object %s is a %s, not a commit", hex,
		    git_object_type2string(git_odb_object_type(obj)));
		goto done;
	}
	if (git_odb_object_size(obj) > DGIT_COMMIT_MAX) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT,
		    "commit %s is larger than %u bytes", hex,
		    (unsigned)DGIT_COMMIT_MAX);
		goto done;
	}
	if ((err = dgit_commit_parse(out, git_odb_object_data(obj),
	    git_odb_object_size(obj))))
		err = dgit_error_wrap(err, "cannot read commit %s", hex);
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	git_commit_free(gc);
	return err;
}

const struct dgit_error *
dgit_commit_tree_id(git_oid *tree, git_repository *repo, const git_oid *id)
{
	const struct dgit_error *err;
	struct dgit_commit *c;

	if ((err = dgit_commit_read(&c, repo, id)))
		return err;
	git_oid_cpy(tree, &c->tree);
	dgit_commit_free(c);
	return NULL;
}

int
dgit_commit_exists(git_repository *repo, const git_oid *id)
{
	struct dgit_commit *c;

	if (dgit_commit_read(&c, repo, id) != NULL)
		return 0;
	dgit_commit_free(c);
	return 1;
}

const struct dgit_error *
dgit_commit_head_tree(git_tree **out, git_repository *repo)
{
	const struct dgit_error *err;
	git_oid head, tree;
	int rc;

	*out = NULL;
	if ((rc = git_reference_name_to_id(&head, repo, "HEAD")) != 0) {
		if (rc == GIT_ENOTFOUND || git_repository_head_unborn(repo) == 1)
			return NULL;
		return dgit_error_git("cannot resolve HEAD");
	}
	if ((err = dgit_commit_tree_id(&tree, repo, &head)))
		return dgit_error_wrap(err, "cannot read HEAD");
	if (git_tree_lookup(out, repo, &tree) != 0)
		return dgit_error_git("cannot read the tree of HEAD");
	return NULL;
}

/* ---- walking history ------------------------------------------------- */

const struct dgit_error *
dgit_commit_walk(git_repository *repo, const git_oid *head,
    dgit_commit_walk_fn cb, void *arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_oidset seen = DGIT_OIDSET_INIT;
	struct dgit_commit *c = NULL;
	git_oid *stack = NULL, id;
	size_t n = 0, cap = 0, i;
	int stop = 0, r;

	if ((r = dgit_oidset_add(&seen, head)) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	git_oid_cpy(&id, head);
	for (;;) {
		if ((err = dgit_commit_read(&c, repo, &id)))
			break;
		if ((err = cb(&stop, arg, &id, c)) || stop)
			break;
		for (i = c->nparents; i-- > 0;) {
			if ((r = dgit_oidset_add(&seen, &c->parents[i])) < 0) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			if (r == 0)
				continue;
			if (n == cap) {
				git_oid *ns;
				size_t nc = cap ? cap * 2 : 256;

				if ((ns = realloc(stack, nc * sizeof *ns)) ==
				    NULL) {
					err = dgit_error(DGIT_ERR_NOMEM);
					goto done;
				}
				stack = ns;
				cap = nc;
			}
			git_oid_cpy(&stack[n++], &c->parents[i]);
		}
		dgit_commit_free(c);
		c = NULL;
		if (n == 0)
			break;
		git_oid_cpy(&id, &stack[--n]);
	}
done:
	dgit_commit_free(c);
	free(stack);
	dgit_oidset_release(&seen);
	return err;
}

/*
 * Commits dgit_commit_descends() walks itself before it asks libgit2's
 * graph code (which prunes by date, but cannot cross a commit with a
 * malformed committer line, and leaks when it meets one).
 */
#define DESCENDS_WALK_MAX 20000

struct find {
	const git_oid *want;
	size_t seen;
	int found, cut;
};

static const struct dgit_error *
find_cb(int *stop, void *arg, const git_oid *id, const struct dgit_commit *c)
{
	struct find *f = arg;

	(void)c;
	if (git_oid_equal(id, f->want)) {
		f->found = 1;
		*stop = 1;
	} else if (++f->seen >= DESCENDS_WALK_MAX) {
		f->cut = 1;
		*stop = 1;
	}
	return NULL;
}

const struct dgit_error *
dgit_commit_descends(int *out, git_repository *repo, const git_oid *commit,
    const git_oid *ancestor)
{
	const struct dgit_error *err;
	struct find f = { ancestor, 0, 0, 0 };
	int rc;

	*out = 0;
	if (git_oid_equal(commit, ancestor)) {
		*out = 1;
		return NULL;
	}
	if ((err = dgit_commit_walk(repo, commit, find_cb, &f)))
		return dgit_error_wrap(err, "cannot walk the history");
	if (!f.cut) {
		*out = f.found;
		return NULL;
	}
	if ((rc = git_graph_descendant_of(repo, commit, ancestor)) < 0)
		return dgit_error_git("cannot walk the history");
	*out = rc == 1;
	return NULL;
}

/* ---- the user's identity, as git commit takes it ---------------------- */

/* The environment's value of name, or NULL when it is unset or empty. */
static const char *
env_value(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Config key (first found of keys[]) into *out, or NULL; the caller frees. */
static const struct dgit_error *
config_first(char **out, git_config *cfg, const char *const keys[2])
{
	git_buf b = { 0 };
	int rc;

	*out = NULL;
	for (int i = 0; i < 2; i++) {
		rc = git_config_get_string_buf(&b, cfg, keys[i]);
		if (rc == GIT_ENOTFOUND)
			continue;
		if (rc != 0)
			return dgit_error_git("cannot read config %s", keys[i]);
		if (b.size > 0 && (*out = strdup(b.ptr)) == NULL) {
			git_buf_dispose(&b);
			return dgit_error(DGIT_ERR_NOMEM);
		}
		git_buf_dispose(&b);
		if (*out)
			return NULL;
	}
	return NULL;
}

const struct dgit_error *
dgit_commit_ident(git_signature **out, git_repository *repo, int committer)
{
	static const char *const name_keys[2][2] = {
		{ "author.name", "user.name" },
		{ "committer.name", "user.name" } };
	static const char *const email_keys[2][2] = {
		{ "author.email", "user.email" },
		{ "committer.email", "user.email" } };
	const char *role = committer ? "COMMITTER" : "AUTHOR";
	const struct dgit_error *err = NULL;
	git_config *cfg = NULL;
	char *cname = NULL, *cemail = NULL, var[32];
	const char *name, *email, *date;
	int64_t t;
	int tz, rc;

	*out = NULL;
	committer = committer != 0;
	snprintf(var, sizeof var, "GIT_%s_NAME", role);
	name = env_value(var);
	snprintf(var, sizeof var, "GIT_%s_EMAIL", role);
	email = env_value(var);
	if (name == NULL || email == NULL) {
		if (git_repository_config_snapshot(&cfg, repo) != 0)
			return dgit_error_git("cannot read the git config");
		if (name == NULL &&
		    (err = config_first(&cname, cfg, name_keys[committer])))
			goto done;
		if (email == NULL &&
		    (err = config_first(&cemail, cfg, email_keys[committer])))
			goto done;
		if (name == NULL)
			name = cname;
		if (email == NULL && (email = cemail) == NULL)
			email = env_value("EMAIL");
	}
	if (name == NULL || email == NULL) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no %s %s for the "
		    "commit (set git config user.%s, or GIT_%s_%s)",
		    committer ? "committer" : "author",
		    name == NULL ? "name" : "email",
		    name == NULL ? "name" : "email", role,
		    name == NULL ? "NAME" : "EMAIL");
		goto done;
	}
	snprintf(var, sizeof var, "GIT_%s_DATE", role);
	if ((date = env_value(var)) != NULL) {
		if ((err = dgit_date_parse_git(&t, &tz, date, var)))
			goto done;
		rc = git_signature_new(out, name, email, (git_time_t)t, tz);
	} else
		rc = git_signature_now(out, name, email);
	if (rc != 0)
		err = dgit_error_git("bad %s identity '%s <%s>'",
		    committer ? "committer" : "author", name, email);
done:
	free(cname);
	free(cemail);
	git_config_free(cfg);
	return err;
}
