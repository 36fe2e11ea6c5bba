/*
 * Test driver: apply patches to the files under a directory with the
 * patch engine, the way the import applies a quilt series.
 *
 * usage: apply-patch [--keep-empty] [-pN] DIR PATCH...   (-p1 by default)
 *        apply-patch --series DIR            (DIR/debian/patches/series)
 *        apply-patch --parse-series DIR      (parse only, no tree needed)
 *        apply-patch --parse-only PATCH...   (parse only, -p1)
 * Prints the error and exits 1 when a patch does not parse or apply.
 * --parse-series reads each patch of the series (as --series picks it)
 * and prints "ok NAME" or "error NAME: MESSAGE" for each, for comparing
 * parse verdicts with dpkg-source's and GNU patch's without the orig;
 * it exits 1 if any patch is refused; so does --parse-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_error.h"
#include "dgit_patch.h"
#include "dgit_quilt.h"

static int
read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return -1;
	for (;;) {
		if (n + 65536 > cap) {
			char *nb = realloc(b, cap = n + 65536 * 2);

			if (!nb) {
				free(b);
				fclose(f);
				return -1;
			}
			b = nb;
		}
		r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

static int
write_file(const char *path, const char *buf, size_t len, unsigned mode)
{
	FILE *f;
	char *dir = strdup(path), *sl;

	for (sl = strchr(dir + 1, '/'); sl; sl = strchr(sl + 1, '/')) {
		*sl = 0;
		mkdir(dir, 0777);
		*sl = '/';
	}
	free(dir);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		return -1;
	if (mode)
		chmod(path, mode & 0111 ? 0755 : 0644);
	return 0;
}

static char *
join(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = malloc(n);

	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
is_symlink_in(const char *rel, void *dir)
{
	char *p = join(dir, rel);
	struct stat st;
	int r = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);

	free(p);
	return r;
}

static int
apply_one(const char *dir, const char *patchpath, int strip,
    unsigned flags)
{
	const struct dgit_error *err;
	struct dgit_patch *p = NULL;
	char *buf = NULL;
	size_t len, i;
	int rc = 1;

	if (read_file(patchpath, &buf, &len) != 0) {
		fprintf(stderr, "apply-patch: cannot read '%s'\n", patchpath);
		return 1;
	}
	if ((err = dgit_patch_parse(&p, buf, len, strip, patchpath))) {
		fprintf(stderr, "apply-patch: %s\n", err->msg);
		goto done;
	}
	for (i = 0; i < dgit_patch_nfiles(p); i++) {
		const struct dgit_patch_file *pf = dgit_patch_file(p, i);
		char *op = pf->old_path ? join(dir, pf->old_path) : NULL;
		char *np = pf->new_path ? join(dir, pf->new_path) : NULL;
		const char *target = dgit_patch_file_target(pf,
		    op && exists(op), np && exists(np));
		char *tp = join(dir, target);
		const char *src = pf->op == DGIT_PATCH_RENAME ||
		    pf->op == DGIT_PATCH_COPY ? op : tp;
		char *old = NULL, *res = NULL;
		size_t old_len = 0, res_len;
		int remove = 0, ok = 0;
		struct stat st;
		unsigned mode = pf->new_mode;

		if ((err = dgit_patch_check_symlinks(target, is_symlink_in,
		    (void *)dir, patchpath))) {
			fprintf(stderr, "apply-patch: %s\n", err->msg);
			goto next;
		}
		if (pf->op != DGIT_PATCH_CREATE && exists(src)) {
			if (read_file(src, &old, &old_len) != 0) {
				fprintf(stderr, "apply-patch: cannot read "
				    "'%s'\n", src);
				goto next;
			}
			if (!mode && stat(src, &st) == 0)
				mode = st.st_mode;
		} else if (pf->op == DGIT_PATCH_CREATE && exists(tp) &&
		    read_file(tp, &old, &old_len) != 0) {
			fprintf(stderr, "apply-patch: cannot read '%s'\n", tp);
			goto next;
		}
		if ((err = dgit_patch_apply_file_ex(&res, &res_len, &remove,
		    pf, old, old_len, flags, patchpath))) {
			fprintf(stderr, "apply-patch: %s\n", err->msg);
			goto next;
		}
		if (pf->op == DGIT_PATCH_RENAME)
			unlink(op);
		if (remove)
			unlink(tp);
		else if (pf->new_mode == 0120000) {
			char *t = strndup(res, res_len);

			unlink(tp);
			if (symlink(t, tp) != 0) {
				free(t);
				fprintf(stderr, "apply-patch: cannot make "
				    "symlink '%s'\n", tp);
				goto next;
			}
			free(t);
		} else if (write_file(tp, res, res_len, mode) != 0) {
			fprintf(stderr, "apply-patch: cannot write '%s'\n",
			    tp);
			goto next;
		}
		ok = 1;
next:
		free(old);
		free(res);
		free(op);
		free(np);
		free(tp);
		if (!ok)
			goto done;
	}
	rc = 0;
done:
	dgit_patch_free(p);
	free(buf);
	return rc;
}

static int
path_kind(const char *rel, void *ctx)
{
	char *p = join(ctx, rel);
	struct stat st;
	int r = lstat(p, &st) != 0 ? 0 : S_ISLNK(st.st_mode) ? 2 : 1;

	free(p);
	return r;
}

/* Parse one patch and say what became of it. */
static int
parse_one(const char *patchpath, const char *name, int strip)
{
	const struct dgit_error *err;
	struct dgit_patch *p = NULL;
	char *buf = NULL;
	size_t len;

	if (read_file(patchpath, &buf, &len) != 0) {
		printf("error %s: cannot read '%s'\n", name, patchpath);
		return 1;
	}
	err = dgit_patch_parse(&p, buf, len, strip, patchpath);
	if (err)
		printf("error %s: %s\n", name, err->msg);
	else
		printf("ok %s\n", name);
	dgit_patch_free(p);
	free(buf);
	return err != NULL;
}

/* As dpkg-source -x: the vendor series (Debian's) first. */
static int
apply_series(const char *dir, int parse_only)
{
	const struct dgit_error *err;
	struct dgit_quilt_series *s = NULL;
	char pathbuf[256], *sp, *buf = NULL;
	const char *rel;
	size_t len, i;
	int rc = 1, symlink_series;

	rel = dgit_quilt_series_path(pathbuf, sizeof(pathbuf),
	    &symlink_series, "debian", path_kind, (void *)dir);
	sp = join(dir, rel);
	if (symlink_series && !parse_only) {
		char *l = join(dir, "debian/patches/series");

		unlink(l);
		if (symlink(strrchr(rel, '/') + 1, l) != 0) {
			free(l);
			goto done;
		}
		free(l);
	}

	if (read_file(sp, &buf, &len) != 0) {
		rc = 0;         /* no series: nothing to apply */
		goto done;
	}
	if ((err = dgit_quilt_series_parse(&s, buf, len, "series"))) {
		fprintf(stderr, "apply-patch: %s\n", err->msg);
		goto done;
	}
	for (i = 0; i < s->n; i++) {
		char *prel = join("debian/patches", s->patches[i].name);
		char *pp = join(dir, prel);
		int r = parse_only ? parse_one(pp, s->patches[i].name,
		    s->patches[i].strip) :
		    apply_one(dir, pp, s->patches[i].strip, 0);

		free(prel);
		free(pp);
		if (r && !parse_only)
			goto done;
		if (r)
			rc = 2;
	}
	if (rc == 2) {
		rc = 1;
		goto done;
	}
	rc = 0;
done:
	dgit_quilt_series_free(s);
	free(sp);
	free(buf);
	return rc;
}

int
main(int argc, char **argv)
{
	int strip = 1, i = 1;
	unsigned flags = 0;

	if (argc >= 3 && strcmp(argv[1], "--series") == 0)
		return apply_series(argv[2], 0);
	if (argc >= 3 && strcmp(argv[1], "--parse-series") == 0)
		return apply_series(argv[2], 1);
	if (argc >= 3 && strcmp(argv[1], "--parse-only") == 0) {
		int rc = 0;

		for (int j = 2; j < argc; j++)
			rc |= parse_one(argv[j], argv[j], 1);
		return rc;
	}
	if (argc > 1 && strcmp(argv[1], "--keep-empty") == 0) {
		flags |= DGIT_PATCH_KEEP_EMPTY;
		i++;
	}
	if (argc > i && strncmp(argv[i], "-p", 2) == 0) {
		strip = (int)strtol(argv[i] + 2, NULL, 10);
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: apply-patch [--keep-empty] [-pN] DIR "
		    "PATCH...\n"
		    "       apply-patch --series DIR\n"
		    "       apply-patch --parse-series DIR\n"
		    "       apply-patch --parse-only PATCH...\n");
		return 2;
	}
	for (int j = i + 1; j < argc; j++)
		if (apply_one(argv[i], argv[j], strip, flags))
			return 1;
	return 0;
}
