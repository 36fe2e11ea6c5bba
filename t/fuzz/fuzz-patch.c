/*
 * The patch parser and applier, on an in-memory tree as the import
 * applies a quilt series.  Input: OLD '\0' PATCH, or only PATCH (no NUL):
 * every file the patch names as an old file starts with the bytes OLD;
 * then each file diff is applied in turn as the import does (target
 * choice, symlink check, apply, remove or store, rename).  Laws: a parsed
 * patch has its file diffs' paths safe (no "..", not absolute); an apply
 * that succeeds gives a buffer; the streaming applier (with a hold of a
 * few bytes and reads of a few, so it reads again often) gives the same
 * result or the same error.
 */
#include "fuzz.h"

#include "dgit_patch.h"
#include "dgit_tree.h"

#define NFILES 64

struct file {
	char *path;
	char *data;
	size_t len;
	unsigned mode;
};

struct tree {
	struct file f[NFILES];
	size_t n;
};

static struct file *
find(struct tree *t, const char *path)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->f[i].path, path) == 0)
			return &t->f[i];
	return NULL;
}

static void
put(struct tree *t, const char *path, const char *data, size_t len,
    unsigned mode)
{
	struct file *f = find(t, path);

	if (f == NULL) {
		if (t->n == NFILES)
			return;
		f = &t->f[t->n++];
		f->path = strdup(path);
		if (f->path == NULL)
			abort();
	} else {
		free(f->data);
	}
	f->data = malloc(len + 1);
	if (f->data == NULL)
		abort();
	if (len)
		memcpy(f->data, data, len);
	f->len = len;
	f->mode = mode;
}

static void
del(struct tree *t, const char *path)
{
	struct file *f = find(t, path);

	if (f == NULL)
		return;
	free(f->path);
	free(f->data);
	*f = t->f[--t->n];
}

static int
is_link(const char *path, void *ctx)
{
	struct file *f = find(ctx, path);

	return f != NULL && f->mode == DGIT_TREE_LINK;
}

static int
unsafe(const char *path)
{
	return path != NULL && (path[0] == '/' || strcmp(path, "..") == 0 ||
	    strncmp(path, "../", 3) == 0 || strstr(path, "/../") != NULL ||
	    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0));
}

struct mem {
	const char *old;
	size_t len, pos, piece;
	char *out;
	size_t out_len;
};

static const struct dgit_error *
mem_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t n = m->len - m->pos;

	n = n < cap ? n : cap;
	n = n < m->piece ? n : m->piece;
	if (n)
		memcpy(buf, m->old + m->pos, n);
	m->pos += n;
	*got = n;
	return NULL;
}

static const struct dgit_error *
mem_rewind(void *ctx)
{
	((struct mem *)ctx)->pos = 0;
	return NULL;
}

static const struct dgit_error *
mem_write(void *ctx, const void *buf, size_t len)
{
	struct mem *m = ctx;
	char *nb = realloc(m->out, m->out_len + len + 1);

	if (nb == NULL)
		abort();
	memcpy(nb + m->out_len, buf, len);
	m->out = nb;
	m->out_len += len;
	return NULL;
}

/* The streaming applier must agree with the in-memory one. */
static void
same_streamed(const struct dgit_patch_file *pf, const char *old,
    size_t len, unsigned flags, const struct dgit_error *e1,
    const char *out, size_t outlen, int remove)
{
	struct mem m = { old ? old : "", old ? len : 0, 0, 1 + len % 5, NULL,
	    0 };
	struct dgit_patch_io io = { mem_read, mem_rewind, &m, mem_write, &m,
	    1 + len % 3, m.piece };
	const struct dgit_error *e2;
	int r2 = -1;

	if (old == NULL && pf->op != DGIT_PATCH_CREATE)
		return;   /* the import streams only files that exist */
	e2 = dgit_patch_apply_stream(&r2, pf, &io, m.len, flags, "fuzz");
	if ((e1 == NULL) != (e2 == NULL) ||
	    (e1 && (e1->code != e2->code || strcmp(e1->msg, e2->msg))) ||
	    (!e1 && (outlen != m.out_len || r2 != remove ||
	    (outlen && memcmp(out, m.out, outlen)))))
		fuzz_fail("streaming applier differs: %s / %s",
		    e1 ? e1->msg : "ok", e2 ? e2->msg : "ok");
	free(m.out);
}

static void
apply(struct tree *t, const struct dgit_patch_file *pf, unsigned flags)
{
	const char *src = NULL, *dst = NULL;
	struct file *sf;
	char *out = NULL;
	size_t outlen = 0;
	int remove = 0;
	unsigned mode;

	if ((pf->old_path && dgit_tree_check_path(pf->old_path)) ||
	    (pf->new_path && dgit_tree_check_path(pf->new_path)))
		return;
	switch (pf->op) {
	case DGIT_PATCH_CREATE:
		dst = pf->new_path;
		break;
	case DGIT_PATCH_DELETE:
		src = dst = pf->old_path;
		break;
	case DGIT_PATCH_RENAME:
	case DGIT_PATCH_COPY:
		src = pf->old_path;
		dst = pf->new_path;
		break;
	case DGIT_PATCH_MODIFY:
		src = dst = dgit_patch_file_target(pf,
		    pf->old_path && find(t, pf->old_path),
		    pf->new_path && find(t, pf->new_path));
		break;
	}
	if (dst == NULL)
		return;
	if (dgit_patch_check_symlinks(dst, is_link, t, "fuzz") != NULL)
		return;
	sf = find(t, src ? src : dst);
	if (src && sf == NULL && pf->op != DGIT_PATCH_MODIFY)
		return;
	{
		const struct dgit_error *e1 = dgit_patch_apply_file_ex(&out,
		    &outlen, &remove, pf, sf ? sf->data : NULL,
		    sf ? sf->len : 0, flags, "fuzz");

		same_streamed(pf, sf ? sf->data : NULL, sf ? sf->len : 0,
		    flags, e1, out, outlen, remove);
		if (e1 != NULL)
			return;
	}
	if (out == NULL)
		fuzz_fail("apply succeeded without a buffer");
	mode = pf->new_mode ? pf->new_mode : sf ? sf->mode : DGIT_TREE_BLOB;
	if (remove)
		del(t, dst);
	else
		put(t, dst, out, outlen, mode);
	if (pf->op == DGIT_PATCH_RENAME && src && strcmp(src, dst) != 0)
		del(t, src);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *old = "", *patch = buf;
	const char *nul = memchr(buf, '\0', size);
	size_t oldlen = 0, plen = size;
	unsigned flags = size & 1 ? DGIT_PATCH_KEEP_EMPTY : 0;
	struct dgit_patch *p = NULL;
	struct tree t;

	if (nul) {
		old = buf;
		oldlen = (size_t)(nul - buf);
		patch = nul + 1;
		plen = size - oldlen - 1;
	}
	memset(&t, 0, sizeof t);
	if (dgit_patch_parse(&p, patch, plen, 1, "fuzz") != NULL)
		return 0;
	for (size_t i = 0; i < dgit_patch_nfiles(p); i++) {
		const struct dgit_patch_file *pf = dgit_patch_file(p, i);

		if (unsafe(pf->old_path) || unsafe(pf->new_path))
			fuzz_fail("unsafe path accepted: '%s' -> '%s'",
			    pf->old_path ? pf->old_path : "",
			    pf->new_path ? pf->new_path : "");
		if (pf->old_path && pf->op != DGIT_PATCH_CREATE &&
		    find(&t, pf->old_path) == NULL)
			put(&t, pf->old_path, old, oldlen, DGIT_TREE_BLOB);
	}
	for (size_t i = 0; i < dgit_patch_nfiles(p); i++)
		apply(&t, dgit_patch_file(p, i), flags);
	dgit_patch_free(p);
	for (size_t i = 0; i < t.n; i++) {
		free(t.f[i].path);
		free(t.f[i].data);
	}
	return 0;
}
