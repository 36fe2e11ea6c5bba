/*
 * In-memory tree model (see dgit_tree.h).  Each directory keeps its
 * children sorted by name (strcmp) for binary search; git's own order
 * (directories sort as "name/") is applied when a tree object is written.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_gitpath.h"
#include "dgit_tree.h"

struct tnode {
	char *name;
	unsigned mode;             /* DGIT_TREE_* */
	git_oid oid;               /* blob id, or the cached tree id */
	int dirty;                 /* directories: oid out of date */
	int empty;                 /* directories: nothing to write */
	struct tnode **kids;       /* directories: sorted by name */
	size_t nkids, cap;
};

struct dgit_tree {
	struct tnode *root;
};

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

static struct tnode *
node_new(const char *name, size_t len, unsigned mode)
{
	struct tnode *n = calloc(1, sizeof *n);

	if (n == NULL)
		return NULL;
	n->name = strndup(name, len);
	if (n->name == NULL) {
		free(n);
		return NULL;
	}
	n->mode = mode;
	n->dirty = 1;
	return n;
}

/* Free n and everything below it without recursing (a path can be
 * thousands of directories deep): the directories on the way down wait
 * on a heap stack, each giving up its kids from the end. */
static void
node_free(struct tnode *n)
{
	struct tnode **st = NULL;
	size_t nst = 0, cap = 0;

	if (n == NULL)
		return;
	for (;;) {
		if (n->nkids > 0) {
			struct tnode *k = n->kids[--n->nkids];

			if (k->nkids == 0) {
				free(k->kids);
				free(k->name);
				free(k);
				continue;
			}
			if (nst == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct tnode **ns = realloc(st, ncap * sizeof *ns);

				if (ns == NULL) {
					/* cannot go deeper: leak this branch
					 * rather than crash */
					continue;
				}
				st = ns;
				cap = ncap;
			}
			st[nst++] = n;
			n = k;
			continue;
		}
		free(n->kids);
		free(n->name);
		free(n);
		if (nst == 0)
			break;
		n = st[--nst];
	}
	free(st);
}

/* Compare a NUL-terminated name with the counted string s[0..len). */
static int
name_cmp(const char *name, const char *s, size_t len)
{
	int c = strncmp(name, s, len);

	if (c != 0)
		return c;
	return name[len] == '\0' ? 0 : 1;
}

/* Binary search; returns 1 and *pos when found, else 0 and the insert
 * position. */
static int
find_kid(const struct tnode *dir, const char *s, size_t len, size_t *pos)
{
	size_t lo = 0, hi = dir->nkids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(dir->kids[mid]->name, s, len);

		if (c == 0) {
			*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

static int
insert_kid(struct tnode *dir, size_t pos, struct tnode *kid)
{
	if (dir->nkids == dir->cap) {
		size_t ncap = dir->cap ? dir->cap * 2 : 4;
		struct tnode **k = realloc(dir->kids, ncap * sizeof *k);

		if (k == NULL)
			return -1;
		dir->kids = k;
		dir->cap = ncap;
	}
	memmove(dir->kids + pos + 1, dir->kids + pos,
	    (dir->nkids - pos) * sizeof *dir->kids);
	dir->kids[pos] = kid;
	dir->nkids++;
	dir->dirty = 1;
	return 0;
}

static void
remove_kid(struct tnode *dir, size_t pos)
{
	node_free(dir->kids[pos]);
	memmove(dir->kids + pos, dir->kids + pos + 1,
	    (dir->nkids - pos - 1) * sizeof *dir->kids);
	dir->nkids--;
	dir->dirty = 1;
}

const struct dgit_error *
dgit_tree_new(struct dgit_tree **out)
{
	struct dgit_tree *t;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return nomem();
	t->root = node_new("", 0, DGIT_TREE_DIR);
	if (t->root == NULL) {
		free(t);
		return nomem();
	}
	*out = t;
	return NULL;
}

void
dgit_tree_free(struct dgit_tree *t)
{
	if (t == NULL)
		return;
	node_free(t->root);
	free(t);
}

/* ".git" spelled so that git (protectNTFS/protectHFS) refuses it:
 * case-insensitive, with trailing dots or spaces, or the 8.3 "git~1". */
static int
is_dotgit_variant(const char *s, size_t len)
{
	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' '))
		len--;
	if (len == 4 && strncasecmp(s, ".git", 4) == 0)
		return 1;
	if (len == 5 && strncasecmp(s, "git~1", 5) == 0)
		return 1;
	return 0;
}

const struct dgit_error *
dgit_tree_check_path(const char *path)
{
	const char *p = path, *e;

	if (*path == '\0')
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "empty path");
	if (*path == '/')
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "absolute path '%s'", path);
	for (;;) {
		size_t len;

		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 && e == NULL)
			break;         /* a trailing '/' */
		if (len == 0)
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "empty component in path '%s'", path);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "path '%s' has a '%.*s' component", path,
			    (int)len, p);
		if (!(len == 4 && memcmp(p, ".git", 4) == 0) &&
		    is_dotgit_variant(p, len))
			return dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
			    "path '%s' has a component '%.*s' that git "
			    "refuses to check out", path, (int)len, p);
		if (e == NULL)
			break;
		p = e + 1;
	}
	return NULL;
}

long
dgit_tree_dotgit_offset(const char *path)
{
	const char *p = path;

	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == 4 && memcmp(p, ".git", 4) == 0)
			return (long)(p - path);
		if (e == NULL)
			return -1;
		p = e + 1;
	}
}

/* Split off the next component: *s, *len; returns the rest or NULL. */
static const char *
next_comp(const char *p, const char **s, size_t *len)
{
	const char *e = strchr(p, '/');

	*s = p;
	if (e == NULL) {
		*len = strlen(p);
		return NULL;
	}
	*len = (size_t)(e - p);
	while (*e == '/')
		e++;
	return *e ? e : NULL;
}

static const struct dgit_error *
not_dir_error(const char *path, const struct tnode *n, size_t upto)
{
	if (n->mode == DGIT_TREE_LINK)
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "refusing to write '%s' through the symlink '%.*s'", path,
		    (int)upto, path);
	if (n->mode == DGIT_TREE_DROPPED)
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "refusing to write '%s' into the dropped '%.*s'", path,
		    (int)upto, path);
	return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
	    "cannot write '%s': '%.*s' is not a directory", path, (int)upto,
	    path);
}

/*
 * Walk to the directory that holds path's last component, creating
 * directories (create) and marking the way dirty.  *last and *lastlen get the
 * last component.  Returns NULL with *dir NULL when !create and a
 * directory is missing.
 */
static const struct dgit_error *
walk_parent(struct tnode **dir, const char **last, size_t *lastlen,
    struct tnode *root, const char *path, int create, int mark)
{
	struct tnode *d = root;
	const char *p = path, *s;
	size_t len, pos;

	*dir = NULL;
	while (*p == '/')
		p++;
	for (size_t depth = 1;; depth++) {
		const char *rest = next_comp(p, &s, &len);

		if (create && depth > DGIT_TREE_MAX_DEPTH)
			return dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
			    "path '%.80s...' is more than %u directories "
			    "deep, more than git handles (its "
			    "core.maxTreeDepth)", path, DGIT_TREE_MAX_DEPTH);

		if (rest == NULL) {
			if (len == 0)
				return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
				    "empty path");
			if (mark)
				d->dirty = 1;
			*dir = d;
			*last = s;
			*lastlen = len;
			return NULL;
		}
		if (mark)
			d->dirty = 1;
		if (find_kid(d, s, len, &pos)) {
			struct tnode *k = d->kids[pos];

			if (k->mode == DGIT_TREE_DIR) {
				d = k;
			} else if (!create && (k->mode == DGIT_TREE_BLOB ||
			    k->mode == DGIT_TREE_EXEC)) {
				return NULL;   /* nothing can be below a file */
			} else {
				return not_dir_error(path, k,
				    (size_t)(s + len - path));
			}
		} else if (create) {
			struct tnode *k = node_new(s, len, DGIT_TREE_DIR);

			if (k == NULL || insert_kid(d, pos, k) != 0) {
				node_free(k);
				return nomem();
			}
			d = k;
		} else {
			return NULL;
		}
		p = rest;
	}
}

const struct dgit_error *
dgit_tree_set(struct dgit_tree *t, const char *path, unsigned mode,
    const git_oid *oid, int replace_dir)
{
	const struct dgit_error *err;
	struct tnode *d, *k;
	const char *s;
	size_t len, pos;

	if ((err = dgit_gitpath_check(path, mode)) ||
	    (err = walk_parent(&d, &s, &len, t->root, path, 1, 1)))
		return err;
	if (find_kid(d, s, len, &pos)) {
		k = d->kids[pos];
		if (k->mode == DGIT_TREE_DROPPED)
			return not_dir_error(path, k, strlen(path));
		if (k->mode == DGIT_TREE_DIR) {
			if (!replace_dir)
				return dgit_error_fmt(DGIT_ERR_PARSE,
				    "cannot write the file '%s' over a "
				    "directory", path);
			remove_kid(d, pos);
		} else {
			k->mode = mode;
			git_oid_cpy(&k->oid, oid);
			return NULL;
		}
	}
	k = node_new(s, len, mode);
	if (k == NULL)
		return nomem();
	git_oid_cpy(&k->oid, oid);
	k->dirty = 0;
	if (insert_kid(d, pos, k) != 0) {
		node_free(k);
		return nomem();
	}
	return NULL;
}

const struct dgit_error *
dgit_tree_mkdir(struct dgit_tree *t, const char *path)
{
	const struct dgit_error *err;
	struct tnode *d, *k;
	const char *s;
	size_t len, pos;

	err = walk_parent(&d, &s, &len, t->root, path, 1, 1);
	if (err)
		return err;
	if (find_kid(d, s, len, &pos)) {
		k = d->kids[pos];
		if (k->mode != DGIT_TREE_DIR)
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "cannot make the directory '%s' over a file",
			    path);
		return NULL;
	}
	k = node_new(s, len, DGIT_TREE_DIR);
	if (k == NULL || insert_kid(d, pos, k) != 0) {
		node_free(k);
		return nomem();
	}
	return NULL;
}

const struct dgit_error *
dgit_tree_set_dropped(struct dgit_tree *t, const char *path)
{
	const struct dgit_error *err;
	struct tnode *d, *k;
	const char *s;
	size_t len, pos;

	err = walk_parent(&d, &s, &len, t->root, path, 1, 1);
	if (err)
		return err;
	if (find_kid(d, s, len, &pos))
		remove_kid(d, pos);
	k = node_new(s, len, DGIT_TREE_DROPPED);
	if (k == NULL || insert_kid(d, pos, k) != 0) {
		node_free(k);
		return nomem();
	}
	return NULL;
}

const struct dgit_error *
dgit_tree_get(const struct dgit_tree *t, const char *path, unsigned *mode,
    git_oid *oid)
{
	const struct dgit_error *err;
	struct tnode *d;
	const char *s;
	size_t len, pos;

	*mode = 0;
	err = walk_parent(&d, &s, &len, t->root, path, 0, 0);
	if (err)
		return err;
	if (d == NULL || !find_kid(d, s, len, &pos))
		return NULL;
	*mode = d->kids[pos]->mode;
	if (oid && *mode != DGIT_TREE_DIR)
		git_oid_cpy(oid, &d->kids[pos]->oid);
	return NULL;
}

const struct dgit_error *
dgit_tree_remove(struct dgit_tree *t, const char *path)
{
	const struct dgit_error *err;
	struct tnode *d;
	const char *s;
	size_t len, pos;

	/* find first without marking, so a missing path changes nothing */
	err = walk_parent(&d, &s, &len, t->root, path, 0, 0);
	if (err || d == NULL || !find_kid(d, s, len, &pos))
		return err;
	err = walk_parent(&d, &s, &len, t->root, path, 0, 1);
	if (err)
		return err;
	remove_kid(d, pos);
	return NULL;
}

int
dgit_tree_strip_single(struct dgit_tree *t, char **name)
{
	struct tnode *old = t->root, *k;

	if (name)
		*name = NULL;
	if (old->nkids != 1 || old->kids[0]->mode != DGIT_TREE_DIR)
		return 0;
	k = old->kids[0];
	if (name) {
		*name = k->name;
		k->name = NULL;
	}
	old->nkids = 0;
	node_free(old);
	free(k->name);
	k->name = strdup("");
	t->root = k;
	return k->name != NULL;
}

/* Merge src's children into dst (a directory); consumes src.  It
 * recurses, but only as deep as a tree can be (DGIT_TREE_MAX_DEPTH). */
static int
overlay_node(struct tnode *dst, struct tnode *src)
{
	int rc = 0;

	dst->dirty = 1;
	for (size_t i = 0; i < src->nkids; i++) {
		struct tnode *k = src->kids[i];
		size_t pos;

		src->kids[i] = NULL;
		if (rc != 0) {
			node_free(k);
			continue;
		}
		if (find_kid(dst, k->name, strlen(k->name), &pos)) {
			struct tnode *o = dst->kids[pos];

			if (o->mode == DGIT_TREE_DIR &&
			    k->mode == DGIT_TREE_DIR) {
				rc = overlay_node(o, k);
				continue;
			}
			node_free(o);
			dst->kids[pos] = k;
		} else if (insert_kid(dst, pos, k) != 0) {
			node_free(k);
			rc = -1;
		}
	}
	src->nkids = 0;
	node_free(src);
	return rc;
}

const struct dgit_error *
dgit_tree_overlay(struct dgit_tree *t, const char *prefix,
    struct dgit_tree *sub)
{
	const struct dgit_error *err = NULL;
	struct tnode *dst = t->root, *src = sub->root;
	const char *s;
	size_t len, pos;

	free(sub);
	if (prefix && *prefix) {
		err = walk_parent(&dst, &s, &len, t->root, prefix, 1, 1);
		if (err)
			goto done;
		if (find_kid(dst, s, len, &pos) &&
		    dst->kids[pos]->mode != DGIT_TREE_DIR) {
			if (dst->kids[pos]->mode == DGIT_TREE_DROPPED) {
				err = not_dir_error(prefix, dst->kids[pos],
				    strlen(prefix));
				goto done;
			}
			remove_kid(dst, pos);
		}
		if (!find_kid(dst, s, len, &pos)) {
			struct tnode *k = node_new(s, len, DGIT_TREE_DIR);

			if (k == NULL || insert_kid(dst, pos, k) != 0) {
				node_free(k);
				err = nomem();
				goto done;
			}
		}
		dst = dst->kids[pos];
	}
	if (overlay_node(dst, src) != 0)
		err = nomem();
	src = NULL;
done:
	node_free(src);
	return err;
}

/* A heap stack of directories being walked, with the next kid of each. */
struct dstack {
	struct dframe {
		struct tnode *d;
		size_t next;
		size_t len;        /* foreach: path length at d */
	} *v;
	size_t n, cap;
};

static int
dstack_push(struct dstack *s, struct tnode *d)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct dframe *nv = realloc(s->v, ncap * sizeof *nv);

		if (nv == NULL)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n].d = d;
	s->v[s->n].next = 0;
	s->v[s->n].len = 0;
	s->n++;
	return 0;
}

size_t
dgit_tree_nfiles(const struct dgit_tree *t)
{
	struct dstack s = { NULL, 0, 0 };
	size_t c = 0;

	if (dstack_push(&s, t->root) != 0)
		return 0;
	while (s.n > 0) {
		struct dframe *f = &s.v[s.n - 1];
		struct tnode *k;

		if (f->next == f->d->nkids) {
			s.n--;
			continue;
		}
		k = f->d->kids[f->next++];
		if (k->mode == DGIT_TREE_DIR) {
			if (dstack_push(&s, k) != 0)
				break;
		} else if (k->mode != DGIT_TREE_DROPPED) {
			c++;
		}
	}
	free(s.v);
	return c;
}

int
dgit_tree_is_git(const struct dgit_tree *t)
{
	struct dstack s = { NULL, 0, 0 };
	int ok = 1;

	if (dstack_push(&s, t->root) != 0)
		return 0;
	while (s.n > 0 && ok) {
		struct dframe *f = &s.v[s.n - 1];
		struct tnode *k;

		if (f->next == f->d->nkids) {
			s.n--;
			continue;
		}
		k = f->d->kids[f->next++];
		if (k->mode == DGIT_TREE_DROPPED ||
		    (k->mode == DGIT_TREE_DIR && k->nkids == 0))
			ok = 0;
		else if (k->mode == DGIT_TREE_DIR && dstack_push(&s, k) != 0)
			ok = 0;    /* cannot tell: say no */
	}
	free(s.v);
	return ok;
}

/* git's order: a directory compares as if its name ended in '/'. */
static int
git_order(const void *a, const void *b)
{
	const struct tnode *x = *(const struct tnode *const *)a;
	const struct tnode *y = *(const struct tnode *const *)b;
	const unsigned char *p = (const unsigned char *)x->name;
	const unsigned char *q = (const unsigned char *)y->name;
	unsigned cp, cq;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	cp = *p ? *p : (x->mode == DGIT_TREE_DIR ? '/' : 0);
	cq = *q ? *q : (y->mode == DGIT_TREE_DIR ? '/' : 0);
	if (cp != cq)
		return cp < cq ? -1 : 1;
	return 0;
}

static const char *
mode_str(unsigned mode)
{
	switch (mode) {
	case DGIT_TREE_DIR: return "40000";
	case DGIT_TREE_EXEC: return "100755";
	case DGIT_TREE_LINK: return "120000";
	default: return "100644";
	}
}

/* Write directory d, whose subdirectories are written already. */
static const struct dgit_error *
write_one(struct tnode *d, struct dgit_pack *pack, int is_root)
{
	const struct dgit_error *err = NULL;
	struct tnode **v = NULL;
	size_t nv = 0, size = 0, off = 0;
	char *buf = NULL;

	v = malloc((d->nkids ? d->nkids : 1) * sizeof *v);
	if (v == NULL)
		return nomem();
	for (size_t i = 0; i < d->nkids; i++) {
		struct tnode *k = d->kids[i];

		if (k->mode == DGIT_TREE_DROPPED ||
		    (k->mode == DGIT_TREE_DIR && k->empty))
			continue;
		v[nv++] = k;
		size += strlen(mode_str(k->mode)) + 1 + strlen(k->name) + 1 +
		    GIT_OID_RAWSZ;
	}
	d->empty = nv == 0;
	if (d->empty && !is_root) {
		d->dirty = 0;
		goto done;
	}
	qsort(v, nv, sizeof *v, git_order);
	buf = malloc(size ? size : 1);
	if (buf == NULL) {
		err = nomem();
		goto done;
	}
	for (size_t i = 0; i < nv; i++) {
		const char *m = mode_str(v[i]->mode);
		size_t ml = strlen(m), nl = strlen(v[i]->name);

		memcpy(buf + off, m, ml);
		off += ml;
		buf[off++] = ' ';
		memcpy(buf + off, v[i]->name, nl + 1);
		off += nl + 1;
		memcpy(buf + off, v[i]->oid.id, GIT_OID_RAWSZ);
		off += GIT_OID_RAWSZ;
	}
	err = dgit_pack_write(pack, &d->oid, GIT_OBJECT_TREE, buf, off);
	if (err)
		goto done;
	d->dirty = 0;
done:
	free(buf);
	free(v);
	return err;
}

/* Write the dirty directories children first, iterating (a path can be
 * thousands of directories deep). */
static const struct dgit_error *
write_dir(struct tnode *root, struct dgit_pack *pack)
{
	const struct dgit_error *err = NULL;
	struct dstack s = { NULL, 0, 0 };

	if (!root->dirty)
		return NULL;
	if (dstack_push(&s, root) != 0)
		return nomem();
	while (s.n > 0 && err == NULL) {
		struct dframe *f = &s.v[s.n - 1];
		struct tnode *k;

		if (f->next == f->d->nkids) {
			err = write_one(f->d, pack, s.n == 1);
			s.n--;
			continue;
		}
		k = f->d->kids[f->next++];
		if (k->mode == DGIT_TREE_DIR && k->dirty &&
		    dstack_push(&s, k) != 0)
			err = nomem();
	}
	free(s.v);
	return err;
}

const struct dgit_error *
dgit_tree_write(git_oid *out, struct dgit_tree *t,
    struct dgit_pack *pack)
{
	const struct dgit_error *err;

	err = write_dir(t->root, pack);
	if (err)
		return err;
	git_oid_cpy(out, &t->root->oid);
	return NULL;
}

/* Every file in path order, iterating (see write_dir). */
const struct dgit_error *
dgit_tree_foreach(const struct dgit_tree *t, dgit_tree_cb cb, void *arg)
{
	const struct dgit_error *err = NULL;
	struct dstack s = { NULL, 0, 0 };
	char *buf;
	size_t cap = 64;

	buf = calloc(1, cap);
	if (buf == NULL || dstack_push(&s, t->root) != 0) {
		free(buf);
		return nomem();
	}
	while (s.n > 0 && err == NULL) {
		struct dframe *f = &s.v[s.n - 1];
		const struct tnode *k;
		size_t nl, len = f->len, need;

		if (f->next == f->d->nkids) {
			s.n--;
			continue;
		}
		k = f->d->kids[f->next++];
		if (k->mode == DGIT_TREE_DROPPED)
			continue;
		nl = strlen(k->name);
		need = len + nl + 2;
		if (need > cap) {
			char *b = realloc(buf, need * 2);

			if (b == NULL) {
				err = nomem();
				break;
			}
			buf = b;
			cap = need * 2;
		}
		if (len)
			buf[len++] = '/';
		memcpy(buf + len, k->name, nl + 1);
		len += nl;
		if (k->mode == DGIT_TREE_DIR) {
			if (dstack_push(&s, (struct tnode *)k) != 0)
				err = nomem();
			else
				s.v[s.n - 1].len = len;
		} else {
			err = cb(buf, k->mode, &k->oid, arg);
		}
	}
	free(s.v);
	free(buf);
	return err;
}

struct add_git_ctx {
	struct dgit_tree *t;
	const char *prefix;
	const struct dgit_error *err;
};

static int
add_git_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct add_git_ctx *c = arg;
	git_filemode_t fm = git_tree_entry_filemode(e);
	char *path = NULL;
	unsigned mode;

	if (asprintf(&path, "%s%s%s%s", c->prefix, *c->prefix ? "/" : "",
	    root, git_tree_entry_name(e)) < 0) {
		c->err = nomem();
		return -1;
	}
	switch (fm) {
	case GIT_FILEMODE_TREE:
		c->err = dgit_tree_mkdir(c->t, path);
		break;
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
	case GIT_FILEMODE_LINK:
		mode = fm == GIT_FILEMODE_BLOB ? DGIT_TREE_BLOB :
		    fm == GIT_FILEMODE_LINK ? DGIT_TREE_LINK : DGIT_TREE_EXEC;
		c->err = dgit_tree_set(c->t, path, mode, git_tree_entry_id(e),
		    1);
		break;
	default:
		c->err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s' is a "
		    "submodule, which a source package cannot hold", path);
		break;
	}
	free(path);
	return c->err ? -1 : 0;
}

const struct dgit_error *
dgit_tree_add_git(struct dgit_tree *t, const char *prefix,
    git_repository *repo, const git_oid *tree_id)
{
	struct add_git_ctx c = { t, prefix ? prefix : "", NULL };
	git_tree *tree = NULL;
	char hex[GIT_OID_HEXSZ + 1];

	if (git_tree_lookup(&tree, repo, tree_id) != 0)
		return dgit_error_git("cannot read tree %s",
		    git_oid_tostr(hex, sizeof hex, tree_id));
	if (*c.prefix && (c.err = dgit_tree_mkdir(t, c.prefix)) != NULL)
		goto done;
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, add_git_cb, &c) != 0 &&
	    c.err == NULL)
		c.err = dgit_error_git("cannot walk tree %s",
		    git_oid_tostr(hex, sizeof hex, tree_id));
done:
	git_tree_free(tree);
	return c.err;
}
