/* The single-debian-patch quilt fixup: see dgit_singlepatch.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dgit_export.h"
#include "dgit_fs.h"
#include "dgit_pack.h"
#include "dgit_run.h"
#include "dgit_singlepatch.h"
#include "dgit_tree.h"

#define PATCH_MAX ((size_t)1 << 30)
#define NAME "single-debian-patch"
/* dgit's: only .git is ignored, so that .gitignore changes are kept */
#define IGNORES "-i(?:^|/)\\.git(?:/|$)", "-I.git"

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

int
dgit_singlepatch_wanted(const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p), i, k;

		for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t' ||
		    p[i] == '\r' || p[i] == '\f' || p[i] == '\v'); i++)
			;
		if (i < n && p[i] != '#') {
			/* trailing white space goes, then the key ends at
			 * the first '#', white space before it dropped */
			while (n && strchr(" \t\r\f\v", p[n - 1]))
				n--;
			for (k = 0; k < n && p[k] != '#'; k++)
				;
			if (k < n)
				while (k && strchr(" \t\r\f\v", p[k - 1]))
					k--;
			if (k == strlen(NAME) && memcmp(p, NAME, k) == 0)
				return 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* path: "DIR/NAME", malloc'd */
static const struct dgit_error *
join(char **out, const char *dir, const char *name)
{
	if (asprintf(out, "%s/%s", dir, name) < 0) {
		*out = NULL;
		return nomem();
	}
	return NULL;
}

/* *src and *dst with ".asc" added */
static const struct dgit_error *
add_asc(char **src, char **dst)
{
	char *s = NULL, *d = NULL;

	if (asprintf(&s, "%s.asc", *src) < 0 ||
	    asprintf(&d, "%s.asc", *dst) < 0) {
		free(s);
		return nomem();
	}
	free(*src);
	free(*dst);
	*src = s;
	*dst = d;
	return NULL;
}

/* The files of dir (the unpacked debian/patches) into t's debian/patches. */
static const struct dgit_error *
take_patches(struct dgit_tree *t, struct dgit_pack *pack, const char *dir)
{
	const struct dgit_error *err = NULL;
	DIR *d = opendir(dir);
	struct dirent *de;
	char *path = NULL, *data = NULL, *tpath = NULL;
	size_t len;
	git_oid id;
	struct stat st;

	if (d == NULL)
		return errno == ENOENT ? NULL : dgit_error_from_errno(
		    "cannot read '%s'", dir);
	while (err == NULL && (errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		free(path);
		free(tpath);
		free(data);
		path = tpath = data = NULL;
		if ((err = join(&path, dir, de->d_name)) ||
		    (err = join(&tpath, "debian/patches", de->d_name)))
			break;
		if (lstat(path, &st) != 0) {
			err = dgit_error_from_errno("cannot stat '%s'", path);
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
			    "'%s', made by dpkg-source -b, is not a plain "
			    "file; the single-debian-patch fixup takes only "
			    "files", tpath);
			break;
		}
		if ((err = dgit_fs_read_file(&data, &len, path, PATCH_MAX)) ||
		    (err = dgit_pack_write(pack, &id, GIT_OBJECT_BLOB, data,
		    len)))
			break;
		err = dgit_tree_set(t, tpath, DGIT_TREE_BLOB, &id, 0);
	}
	if (err == NULL && errno != 0)
		err = dgit_error_from_errno("cannot read '%s'", dir);
	closedir(d);
	free(path);
	free(tpath);
	free(data);
	return err;
}

const struct dgit_error *
dgit_singlepatch_tree(git_oid *out, git_repository *repo,
    const git_oid *tree, const struct dgit_singlepatch_opts *opts)
{
	const struct dgit_error *err = NULL;
	const char *prog = opts->dpkg_source ? opts->dpkg_source :
	    "dpkg-source";
	const char *v = strchr(opts->version, ':');
	char *play = NULL, *work = NULL, *src = NULL, *dst = NULL;
	char *dsc = NULL, *patches = NULL;
	struct dgit_tree *t = NULL;
	struct dgit_pack *pack = NULL;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts ro;
	struct stat st;

	v = v ? v + 1 : opts->version;
	if ((err = dgit_fs_mkdtemp(&play, git_repository_path(repo),
	    "dgit-singlepatch")))
		return err;
	for (size_t i = 0; i < opts->norigs; i++) {
		free(src);
		free(dst);
		src = dst = NULL;
		if ((err = join(&src, opts->origs_dir, opts->origs[i])) ||
		    (err = join(&dst, play, opts->origs[i])) ||
		    (err = dgit_fs_link_or_copy(src, dst)))
			goto done;
		/* and its signature, for dpkg-source's check */
		if ((err = add_asc(&src, &dst)) || (lstat(src, &st) == 0 &&
		    (err = dgit_fs_link_or_copy(src, dst))))
			goto done;
	}
	if ((err = join(&work, play, "work")) ||
	    (err = dgit_export_tree(repo, tree, work)))
		goto done;
	free(dst);
	if ((err = join(&dst, work, "debian/patches")))
		goto done;
	if (lstat(dst, &st) == 0 && (err = dgit_fs_remove_tree(dst)))
		goto done;
	{
		const char *argv[] = { prog, IGNORES, "--include-removal",
		    "-b", ".", NULL };

		memset(&ro, 0, sizeof ro);
		ro.cwd = work;
		if ((err = dgit_run(NULL, argv, &ro)))
			goto done;
	}
	if (asprintf(&dsc, "%s_%s.dsc", opts->source, v) < 0) {
		dsc = NULL;
		err = nomem();
		goto done;
	}
	{
		const char *argv[] = { prog, IGNORES, "-x", dsc, "x", NULL };

		memset(&ro, 0, sizeof ro);
		ro.cwd = play;
		ro.out = DGIT_RUN_OUT_CAPTURE;
		ro.err = DGIT_RUN_OUT_CAPTURE;
		if ((err = dgit_run(&res, argv, &ro)))
			goto done;
	}
	if ((err = join(&patches, play, "x/debian/patches")) ||
	    (err = dgit_tree_new(&t)) ||
	    (err = dgit_tree_add_git(t, "", repo, tree)) ||
	    (err = dgit_pack_new(&pack, repo, -1, 0, NULL, NULL)))
		goto done;
	if ((err = dgit_tree_remove(t, "debian/patches")) ||
	    (err = take_patches(t, pack, patches)) ||
	    (err = dgit_tree_write(out, t, pack)))
		goto done;
	err = dgit_pack_finish(pack);
done:
	if (play) {
		const struct dgit_error *e2 = dgit_fs_remove_tree(play);

		if (err == NULL)
			err = e2;
	}
	dgit_run_result_release(&res);
	dgit_pack_free(pack);
	dgit_tree_free(t);
	free(play);
	free(work);
	free(src);
	free(dst);
	free(dsc);
	free(patches);
	return err;
}
