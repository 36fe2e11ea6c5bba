/*
 * Tree comparison (see dgit_treecmp.h), on libgit2's tree-to-tree diff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_treecmp.h"

struct cmp_ctx {
	struct dgit_treecmp *c;
	size_t max;
	const char *skip;
	size_t skiplen;
	const struct dgit_error *err;
};

static int
is_file_mode(unsigned m)
{
	return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE;
}

static int
cmp_file_cb(const git_diff_delta *d, float progress, void *arg)
{
	struct cmp_ctx *x = arg;
	struct dgit_treecmp *c = x->c;
	struct dgit_treecmp_entry *e;
	const char *path = d->new_file.path ? d->new_file.path :
	    d->old_file.path;
	unsigned ma = d->old_file.mode, mb = d->new_file.mode;

	(void)progress;
	if (x->skip && strncmp(path, x->skip, x->skiplen) == 0 &&
	    path[x->skiplen] == '/')
		return 0;
	c->total++;
	if (c->n >= x->max)
		return 0;
	e = &c->entries[c->n];
	memset(e, 0, sizeof *e);
	if ((e->path = strdup(path)) == NULL) {
		x->err = dgit_error(DGIT_ERR_NOMEM);
		return -1;
	}
	switch (d->status) {
	case GIT_DELTA_ADDED:
		e->kind = DGIT_TREECMP_ONLY_B;
		ma = 0;
		break;
	case GIT_DELTA_DELETED:
		e->kind = DGIT_TREECMP_ONLY_A;
		mb = 0;
		break;
	case GIT_DELTA_TYPECHANGE:
		e->kind = DGIT_TREECMP_TYPE;
		break;
	default:
		if (git_oid_equal(&d->old_file.id, &d->new_file.id) &&
		    ma != mb && is_file_mode(ma) && is_file_mode(mb))
			e->kind = DGIT_TREECMP_MODE;
		else if (ma != mb && !(is_file_mode(ma) && is_file_mode(mb)))
			e->kind = DGIT_TREECMP_TYPE;
		else
			e->kind = DGIT_TREECMP_CONTENT;
		break;
	}
	e->mode_a = ma;
	e->mode_b = mb;
	c->n++;
	return 0;
}

const struct dgit_error *
dgit_treecmp_trees(struct dgit_treecmp **out, git_repository *repo,
    const git_oid *a, const git_oid *b, const char *skip_top, size_t max)
{
	const struct dgit_error *err = NULL;
	git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	struct cmp_ctx x;
	char hex[GIT_OID_HEXSZ + 1];

	*out = NULL;
	memset(&x, 0, sizeof x);
	x.max = max ? max : 50;
	x.skip = skip_top;
	x.skiplen = skip_top ? strlen(skip_top) : 0;
	if ((x.c = calloc(1, sizeof *x.c)) == NULL ||
	    (x.c->entries = calloc(x.max, sizeof *x.c->entries)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (git_tree_lookup(&ta, repo, a) != 0) {
		err = dgit_error_git("cannot read tree %s",
		    git_oid_tostr(hex, sizeof hex, a));
		goto done;
	}
	if (git_tree_lookup(&tb, repo, b) != 0) {
		err = dgit_error_git("cannot read tree %s",
		    git_oid_tostr(hex, sizeof hex, b));
		goto done;
	}
	dopts.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_tree(&diff, repo, ta, tb, &dopts) != 0) {
		err = dgit_error_git("cannot compare trees");
		goto done;
	}
	if (git_diff_foreach(diff, cmp_file_cb, NULL, NULL, NULL, &x) != 0 &&
	    x.err == NULL)
		x.err = dgit_error_git("cannot compare trees");
	err = x.err;
done:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	if (err)
		dgit_treecmp_free(x.c);
	else
		*out = x.c;
	return err;
}

const char *
dgit_treecmp_kind_str(enum dgit_treecmp_kind k)
{
	switch (k) {
	case DGIT_TREECMP_CONTENT: return "content differs";
	case DGIT_TREECMP_ONLY_A: return "only in the first";
	case DGIT_TREECMP_ONLY_B: return "only in the second";
	case DGIT_TREECMP_MODE: return "mode only";
	case DGIT_TREECMP_TYPE: return "file type differs";
	}
	return "differs";
}

char *
dgit_treecmp_describe(const struct dgit_treecmp *c, const char *name_a,
    const char *name_b)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	if (fp == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct dgit_treecmp_entry *e = &c->entries[i];

		switch (e->kind) {
		case DGIT_TREECMP_ONLY_A:
			fprintf(fp, "  only in %s: %s\n", name_a, e->path);
			break;
		case DGIT_TREECMP_ONLY_B:
			fprintf(fp, "  only in %s: %s\n", name_b, e->path);
			break;
		case DGIT_TREECMP_MODE:
			fprintf(fp, "  mode only (%06o in %s, %06o in %s): %s\n",
			    e->mode_a, name_a, e->mode_b, name_b, e->path);
			break;
		default:
			fprintf(fp, "  %s: %s\n", dgit_treecmp_kind_str(e->kind),
			    e->path);
			break;
		}
	}
	if (c->total > c->n)
		fprintf(fp, "  ... and %zu more\n", c->total - c->n);
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* git diff --raw's mode less the regular-file type (dgit's wording) */
static void
raw_mode(char *buf, size_t size, unsigned mode)
{
	char full[16];
	const char *p = full;

	snprintf(full, sizeof full, "%06o", mode);
	if (*p == '1') {
		p++;
		while (*p == '0')
			p++;
	}
	snprintf(buf, size, "%s", p);
}

static const char *
mode_note(const struct dgit_treecmp_entry *e)
{
	switch (e->kind) {
	case DGIT_TREECMP_ONLY_A:
		return " (only in the source package)";
	case DGIT_TREECMP_ONLY_B:
		return " (only in git)";
	case DGIT_TREECMP_TYPE:
		return " (file type differs)";
	case DGIT_TREECMP_CONTENT:
		return " (contents differ too)";
	default:
		return "";
	}
}

char *
dgit_treecmp_describe_modes(const struct dgit_treecmp *c, size_t max)
{
	char *s = NULL;
	size_t len = 0, shown = 0;
	FILE *fp = open_memstream(&s, &len);

	if (fp == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct dgit_treecmp_entry *e = &c->entries[i];
		char ma[16], mb[16], line[4200];
		int l;

		raw_mode(ma, sizeof ma, e->mode_a);
		raw_mode(mb, sizeof mb, e->mode_b);
		if (e->mode_a != e->mode_b)
			l = snprintf(line, sizeof line, "Mode change from %s to "
			    "%s%s: %s\n", ma, mb, mode_note(e), e->path);
		else
			l = snprintf(line, sizeof line, "Content change: %s\n",
			    e->path);
		if (l < 0 || (size_t)l >= sizeof line ||
		    (max && len + (size_t)l + 32 > max))
			break;
		fputs(line, fp);
		fflush(fp);
		shown++;
	}
	if (c->total > shown)
		fprintf(fp, "... and %zu more\n", c->total - shown);
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
dgit_treecmp_free(struct dgit_treecmp *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->entries[i].path);
	free(c->entries);
	free(c);
}
