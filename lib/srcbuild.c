/*
 * dgit build-source (see dgit_srcbuild.h).  dpkg-source and
 * dpkg-genchanges run through the child-process module in a temporary
 * directory inside the build products directory, so that a failed
 * build (or one whose package is not the git tree, unless kept) leaves
 * nothing there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_buf.h"
#include "dgit_changelog.h"
#include "dgit_commit.h"
#include "dgit_dsc.h"
#include "dgit_export.h"
#include "dgit_fs.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_origcache.h"
#include "dgit_run.h"
#include "dgit_srcbuild.h"
#include "dgit_treecmp.h"

#define META_MAX ((size_t)16 << 20)
#define DSC_MAX ((size_t)1 << 20)
#define GENCHANGES_OPTS_MAX 64
#define LIST_MAX 20                 /* paths named in a dirty-tree error */

static const char *const clean_names[] = {
	[DGIT_CLEAN_GIT] = "git",
	[DGIT_CLEAN_GIT_FF] = "git-ff",
	[DGIT_CLEAN_GIT_ALWAYS] = "git,always",
	[DGIT_CLEAN_GIT_FF_ALWAYS] = "git-ff,always",
	[DGIT_CLEAN_CHECK] = "check",
	[DGIT_CLEAN_CHECK_IGNORES] = "check,ignores",
	[DGIT_CLEAN_NONE] = "none",
	[DGIT_CLEAN_DPKG_SOURCE] = "dpkg-source",
	[DGIT_CLEAN_DPKG_SOURCE_D] = "dpkg-source-d",
	[DGIT_CLEAN_DPKG_SOURCE_NOCHECK] = "dpkg-source,no-check",
	[DGIT_CLEAN_DPKG_SOURCE_D_NOCHECK] = "dpkg-source-d,no-check",
	[DGIT_CLEAN_DPKG_SOURCE_ALLCHECK] = "dpkg-source,all-check",
	[DGIT_CLEAN_DPKG_SOURCE_D_ALLCHECK] = "dpkg-source-d,all-check",
};

int
dgit_srcbuild_clean_parse(const char *s)
{
	for (size_t i = 0; i < sizeof clean_names / sizeof *clean_names; i++)
		if (strcmp(s, clean_names[i]) == 0)
			return (int)i;
	return -1;
}

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

/* A progress line through the caller's callback. */
#define say(o, ...) dgit_msg((o)->info, (o)->info_arg, __VA_ARGS__)

/* ---- the working tree ------------------------------------------------ */

static void
list_add(FILE *fp, size_t *n, const char *kind, const char *path)
{
	if ((*n)++ < LIST_MAX)
		fprintf(fp, "  %s: %s\n", kind, path);
}

/*
 * What dgit says of untracked files left in the working tree, by clean
 * mode (dgit's wording, which scripts look for); after_clean when the
 * package's clean target has just run.
 */
static const char *
untracked_message(enum dgit_clean_mode mode, int after_clean)
{
	switch (mode) {
	case DGIT_CLEAN_CHECK:
	case DGIT_CLEAN_CHECK_IGNORES:
		return "tree contains uncommitted files and --clean=check "
		    "specified";
	case DGIT_CLEAN_GIT:
	case DGIT_CLEAN_GIT_FF:
	case DGIT_CLEAN_GIT_ALWAYS:
	case DGIT_CLEAN_GIT_FF_ALWAYS:
		return "tree contains uncommited, untracked, unignored files";
	default:
		return after_clean ? "tree contains uncommitted files (after "
		    "running rules clean)" : "tree contains uncommitted files "
		    "(NB dgit didn't run rules clean)";
	}
}

/* What to do about them, by clean mode. */
static const char *
untracked_hint(enum dgit_clean_mode mode)
{
	switch (mode) {
	case DGIT_CLEAN_CHECK:
	case DGIT_CLEAN_CHECK_IGNORES:
		return "commit or remove them, or use another clean mode";
	case DGIT_CLEAN_GIT:
	case DGIT_CLEAN_GIT_FF:
	case DGIT_CLEAN_GIT_ALWAYS:
	case DGIT_CLEAN_GIT_FF_ALWAYS:
		return "you can use --clean=git[-ff],always (-wga/-wgfa) to "
		    "delete them; to include them in the build, it is usually "
		    "best to just commit them";
	case DGIT_CLEAN_DPKG_SOURCE_ALLCHECK:
	case DGIT_CLEAN_DPKG_SOURCE_D_ALLCHECK:
		return "commit or remove them, or use --clean=none";
	default:
		return "if this is just missing .gitignore entries, use a "
		    "different clean mode, e.g. --clean=dpkg-source,no-check "
		    "(-wdn/-wddn) to ignore them or --clean=git (-wg/-wgf) to "
		    "use 'git clean' instead";
	}
}

static const struct dgit_error *
check_tree(git_repository *repo, enum dgit_clean_mode mode,
    int include_dirty, int after_clean, int tracked_clean, const char *git);

const struct dgit_error *
dgit_srcbuild_check_tree(git_repository *repo, enum dgit_clean_mode mode,
    int include_dirty)
{
	return check_tree(repo, mode, include_dirty, 0, 0, NULL);
}

#define CLEAN_OUT_MAX ((size_t)4 << 20)  /* git clean -dn's list */

/*
 * The untracked files as dgit finds them: what "git clean -dn" (-x too
 * when ignores do not count) would remove, one "untracked: PATH" line
 * each into fp.  git's stderr is seen.
 */
static const struct dgit_error *
list_untracked(FILE *fp, size_t *n, const char *wd, const char *git,
    int with_ignored)
{
	const char *argv[] = { git ? git : "git", "clean", "-dn",
	    with_ignored ? "-x" : NULL, NULL };
	const struct dgit_error *err;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	struct dgit_run_opts ro;
	char *line, *next;

	memset(&ro, 0, sizeof ro);
	ro.cwd = wd;
	ro.out = DGIT_RUN_OUT_CAPTURE;
	ro.cap = CLEAN_OUT_MAX;
	if ((err = dgit_run(&res, argv, &ro)) == NULL && res.out) {
		for (line = res.out; *line; line = next) {
			next = line + strcspn(line, "\n");
			if (*next)
				*next++ = '\0';
			if (strncmp(line, "Would remove ", 13) == 0)
				list_add(fp, n, "untracked", line + 13);
		}
	}
	dgit_run_result_release(&res);
	return err;
}

static const struct dgit_error *
check_tree(git_repository *repo, enum dgit_clean_mode mode,
    int include_dirty, int after_clean, int tracked_clean, const char *git)
{
	const struct dgit_error *err = NULL;
	git_status_list *st = NULL;
	/* ",always" cleans instead of looking */
	int untracked = mode != DGIT_CLEAN_NONE &&
	    mode != DGIT_CLEAN_DPKG_SOURCE_NOCHECK &&
	    mode != DGIT_CLEAN_DPKG_SOURCE_D_NOCHECK &&
	    mode != DGIT_CLEAN_GIT_ALWAYS && mode != DGIT_CLEAN_GIT_FF_ALWAYS;
	/* plain "check" and ",all-check" do not honour .gitignore */
	int ignored = mode == DGIT_CLEAN_DPKG_SOURCE_ALLCHECK ||
	    mode == DGIT_CLEAN_DPKG_SOURCE_D_ALLCHECK ||
	    mode == DGIT_CLEAN_CHECK;
	size_t ntracked = 0, nun = 0, n;
	char *tl = NULL, *ul = NULL;
	size_t tlen = 0, ulen = 0;
	FILE *tf = NULL, *uf = NULL;

	if (git_repository_is_bare(repo))
		return dgit_error_fmt(DGIT_ERR_USAGE, "needs a working tree, "
		    "not a bare repository");
	if (mode == DGIT_CLEAN_GIT_ALWAYS || mode == DGIT_CLEAN_GIT_FF_ALWAYS) {
		const char *argv[] = { git ? git : "git", "clean", "-xdf",
		    NULL, NULL };
		struct dgit_run_opts ro;

		memset(&ro, 0, sizeof ro);
		ro.cwd = git_repository_workdir(repo);
		ro.out = DGIT_RUN_OUT_NULL;
		if (mode == DGIT_CLEAN_GIT_FF_ALWAYS)
			argv[2] = "-xdff";
		if ((err = dgit_run(NULL, argv, &ro)) != NULL)
			return err;
	}
	/* a git clean above changed the working tree: look again */
	tracked_clean = tracked_clean && mode != DGIT_CLEAN_GIT_ALWAYS &&
	    mode != DGIT_CLEAN_GIT_FF_ALWAYS;
	if (!tracked_clean) {
		dgit_history_refresh_index(repo, git);
		if ((err = dgit_history_status_new(&st, repo, 0)))
			return err;
	}
	if ((tf = open_memstream(&tl, &tlen)) == NULL ||
	    (uf = open_memstream(&ul, &ulen)) == NULL) {
		err = nomem();
		goto done;
	}
	n = st ? git_status_list_entrycount(st) : 0;
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(st, i);
		const git_diff_delta *d = e->index_to_workdir ?
		    e->index_to_workdir : e->head_to_index;
		const char *path = d ? (d->new_file.path ? d->new_file.path :
		    d->old_file.path) : "?";

		if (e->status & GIT_STATUS_WT_NEW)
			list_add(uf, &nun, "untracked", path);
		else if (e->status & GIT_STATUS_IGNORED)
			list_add(uf, &nun, "ignored", path);
		else if (!include_dirty)
			list_add(tf, &ntracked, (e->status &
			    (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED)) ?
			    "deleted" : (e->status & GIT_STATUS_INDEX_NEW) ?
			    "added" : "modified", path);
	}
	if (ntracked == 0 && untracked && (err = list_untracked(uf, &nun,
	    git_repository_workdir(repo), git, ignored)))
		goto done;
	fclose(tf);
	fclose(uf);
	tf = uf = NULL;
	if (ntracked)
		err = dgit_error_fmt(DGIT_ERR_DIRTY, "the working tree has "
		    "uncommitted changes:\n%s%s%scommit them, or build them "
		    "with --include-dirty", tl, ntracked > LIST_MAX ?
		    "  ...\n" : "", "");
	else if (nun)
		err = dgit_error_fmt(DGIT_ERR_DIRTY, "%s (--clean=%s):\n%s%s%s",
		    untracked_message(mode, after_clean), clean_names[mode],
		    ul, nun > LIST_MAX ? "  ...\n" : "", untracked_hint(mode));
done:
	if (tf)
		fclose(tf);
	if (uf)
		fclose(uf);
	free(tl);
	free(ul);
	git_status_list_free(st);
	return err;
}

/* The tree of the working tree as git add -A would make it (objects are
 * written; the index on disk is not touched). */
static const struct dgit_error *
workdir_tree(git_oid *out, git_repository *repo)
{
	git_index *idx = NULL;
	char *star = (char *)"*";
	git_strarray ps = { &star, 1 };
	const struct dgit_error *err = NULL;

	if (git_repository_index(&idx, repo) != 0)
		return dgit_error_git("cannot read the index");
	if (git_index_update_all(idx, &ps, NULL, NULL) != 0 ||
	    git_index_add_all(idx, &ps, GIT_INDEX_ADD_DEFAULT, NULL,
	    NULL) != 0 || git_index_write_tree(out, idx) != 0)
		err = dgit_error_git("cannot make a tree of the working tree");
	/* drop the in-memory changes */
	git_index_read(idx, 1);
	git_index_free(idx);
	return err;
}

/*
 * 1 when the working tree is HEAD's tree, tree_id, as far as git can
 * tell: HEAD's tree is tree_id and nothing is modified, staged, untracked
 * or ignored, so that dpkg-source -b can read it in place instead of an
 * export of the tree (as Perl dgit builds, modes permitting).  What git cannot tell (a
 * filter or line-ending conversion, core.fileMode false) the same-tree
 * check catches, and the build is then made again from an export.
 */
static int
workdir_is_tree(git_repository *repo, const git_oid *tree_id)
{
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	git_status_list *st = NULL;
	git_tree *ht = NULL;
	int ok;

	if (git_repository_is_bare(repo) ||
	    git_repository_workdir(repo) == NULL ||
	    dgit_commit_head_tree(&ht, repo) != NULL || ht == NULL)
		return 0;
	if (!git_oid_equal(git_tree_id(ht), tree_id)) {
		git_tree_free(ht);
		return 0;
	}
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	    GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	so.baseline = ht;
	ok = git_status_list_new(&st, repo, &so);
	git_tree_free(ht);
	if (ok != 0)
		return 0;
	ok = git_status_list_entrycount(st) == 0;
	git_status_list_free(st);
	return ok;
}

#define PLAIN_DEPTH_MAX 64          /* directories below debian/ looked into */
#define PLAIN_ENTRIES_MAX 100000     /* entries looked at */

/*
 * 1 when everything under dir has the modes an export gives (files 0644
 * or 0755, directories 0755; symlinks): then the debian tarball
 * dpkg-source makes of it is the export's, whatever the umask was when
 * the files were checked out.  *budget bounds the entries looked at.
 */
static int
modes_plain(const char *dir, int depth, size_t *budget)
{
	DIR *d;
	struct dirent *de;
	int ok = 1;

	if (depth > PLAIN_DEPTH_MAX || (d = opendir(dir)) == NULL)
		return 0;
	while (ok && (de = readdir(d)) != NULL) {
		char *path = NULL;
		struct stat st;
		mode_t m;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((*budget)-- == 0 || asprintf(&path, "%s/%s", dir,
		    de->d_name) < 0 || lstat(path, &st) != 0) {
			free(path);
			ok = 0;
			break;
		}
		m = st.st_mode & 07777;
		if (S_ISDIR(st.st_mode))
			ok = m == 0755 && modes_plain(path, depth + 1, budget);
		else if (S_ISREG(st.st_mode))
			ok = m == 0644 || m == 0755;
		else
			ok = S_ISLNK(st.st_mode);
		free(path);
	}
	closedir(d);
	return ok;
}

/*
 * Whether dpkg-source -b may read the working tree in place: a 3.0
 * (quilt) package (its debian tarball holds debian/ alone) whose working
 * tree is HEAD's tree and whose debian/ has an export's modes.
 */
static int
build_in_place(git_repository *repo, const git_oid *tree_id)
{
	const char *wd = git_repository_workdir(repo);
	char *deb = NULL;
	struct stat st;
	size_t budget = PLAIN_ENTRIES_MAX;
	int ok;

	if (wd == NULL || asprintf(&deb, "%sdebian", wd) < 0)
		return 0;
	ok = lstat(deb, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 0755 && modes_plain(deb, 0, &budget) &&
	    workdir_is_tree(repo, tree_id);
	free(deb);
	return ok;
}

/* ---- the check ------------------------------------------------------- */

#define MISMATCH_MAX 640        /* bytes of per-path lines in an error */

/*
 * dgit_srcbuild_compare_dsc, the origs' trees taken from oc (may be
 * NULL), the import's temporary pack told to tmpfile (may be NULL)
 */
static const struct dgit_error *
compare_dsc(char **out_desc, git_oid *out_tree, git_repository *repo,
    const char *dsc_path, const git_oid *tree, size_t max,
    struct dgit_origcache *oc, dgit_pack_tmpfile_fn *tmpfile,
    void *tmpfile_arg)
{
	const struct dgit_error *err;
	struct dgit_dsc *dsc = NULL;
	struct dgit_import_result r;
	struct dgit_import_opts io;
	struct dgit_treecmp *c = NULL;
	char *buf = NULL, *dir = NULL, *slash;
	size_t len;

	*out_desc = NULL;
	if ((err = dgit_fs_read_file(&buf, &len, dsc_path, DSC_MAX)) ||
	    (err = dgit_dsc_parse(&dsc, buf, len, dsc_path)))
		goto done;
	if ((dir = strdup(dsc_path)) == NULL) {
		err = nomem();
		goto done;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	memset(&io, 0, sizeof io);
	io.level = -1;
	io.threads = -1;
	/* the checksums are checked: an orig is the one cached by its
	 * SHA-256, so its tree is the one unpacking it would give */
	dgit_origcache_hook(oc, &io);
	io.tmpfile = tmpfile;
	io.tmpfile_arg = tmpfile_arg;
	if ((err = dgit_import_dsc(&r, repo, dsc, slash ? dir : ".", &io)))
		goto done;
	if (out_tree)
		git_oid_cpy(out_tree, &r.tree);
	if (git_oid_equal(&r.tree, tree))
		goto done;
	if ((err = dgit_treecmp_trees(&c, repo, &r.tree, tree, NULL, 0)))
		goto done;
	if ((*out_desc = dgit_treecmp_describe_modes(c, max)) == NULL)
		err = nomem();
done:
	dgit_treecmp_free(c);
	dgit_dsc_free(dsc);
	free(dir);
	free(buf);
	return err;
}

const struct dgit_error *
dgit_srcbuild_compare_dsc(char **out_desc, git_oid *out_tree,
    git_repository *repo, const char *dsc_path, const git_oid *tree)
{
	return compare_dsc(out_desc, out_tree, repo, dsc_path, tree,
	    MISMATCH_MAX, NULL, NULL, NULL);
}

/* ---- the build ------------------------------------------------------- */

static char *
noepoch(const char *v)
{
	const char *c = strchr(v, ':');

	return strdup(c ? c + 1 : v);
}

static const struct dgit_error *
read_head_changelog(git_repository *repo, const git_oid *tree_id,
    char **source, char **version)
{
	const struct dgit_error *err = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	struct dgit_changelog *cl = NULL;

	*source = *version = NULL;
	if (git_tree_lookup(&t, repo, tree_id) != 0 ||
	    git_tree_entry_bypath(&e, t, "debian/changelog") != 0 ||
	    git_blob_lookup(&b, repo, git_tree_entry_id(e)) != 0) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "the tree has no "
		    "debian/changelog; this is not a Debian source package");
		goto done;
	}
	if ((size_t)git_blob_rawsize(b) > META_MAX) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "debian/changelog is too "
		    "big");
		goto done;
	}
	if ((err = dgit_changelog_parse_first(&cl, git_blob_rawcontent(b),
	    (size_t)git_blob_rawsize(b), "debian/changelog")))
		goto done;
	*source = strdup(dgit_changelog_entry(cl, 0)->package);
	*version = strdup(dgit_changelog_entry(cl, 0)->version);
	if (*source == NULL || *version == NULL)
		err = nomem();
done:
	dgit_changelog_free(cl);
	git_blob_free(b);
	git_tree_entry_free(e);
	git_tree_free(t);
	return err;
}

/*
 * dgit's check before a build: the same orig (SOURCE_UV.orig[-COMP].tar)
 * in more than one form (.tar.gz and .tar.xz, say) in the build products
 * directory or the working tree's parent is refused, naming each.
 */
static const struct dgit_error *
check_dup_origs(const char *const *dirs, size_t ndirs, const char *source,
    const char *version)
{
	char prefix[512], seen[64][256], where[64][512];
	size_t nseen = 0, pl, k;
	const char *uv = strchr(version, ':') ? strchr(version, ':') + 1 :
	    version, *dash = strrchr(uv, '-');
	int dup = 0;
	char msg[2048] = "";

	if ((size_t)snprintf(prefix, sizeof prefix, "%s_%.*s.orig", source,
	    dash ? (int)(dash - uv) : (int)strlen(uv), uv) >= sizeof prefix)
		return NULL;
	pl = strlen(prefix);
	for (k = 0; k < ndirs; k++) {
		DIR *d = opendir(dirs[k]);
		struct dirent *de;

		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			const char *n = de->d_name, *p = n + pl, *tar;
			size_t bl, i;

			if (strncmp(n, prefix, pl) != 0)
				continue;
			if (*p == '-')
				p += 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
				    "0123456789-");
			if (strncmp(p, ".tar", 4) != 0)
				continue;
			tar = p + 4;
			if (*tar == '.' && tar[1] && strspn(tar + 1,
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_") == strlen(tar + 1))
				;
			else if (*tar != '\0')
				continue;       /* a signature, or not a tarball */
			bl = (size_t)(tar - n);
			for (i = 0; i < nseen; i++) {
				const char *st = strstr(seen[i], ".tar");

				if (st && (size_t)(st + 4 - seen[i]) == bl &&
				    strncmp(seen[i], n, bl) == 0 &&
				    strcmp(seen[i], n) != 0) {
					size_t ml = strlen(msg);

					dup = 1;
					snprintf(msg + ml, sizeof msg - ml,
					    "%s'%s' in '%s' and '%s' in '%s'",
					    ml ? ", " : "", seen[i], where[i], n,
					    dirs[k]);
					break;
				}
			}
			if (nseen < 64 && strlen(n) < sizeof seen[0] &&
			    strlen(dirs[k]) < sizeof where[0]) {
				snprintf(seen[nseen], sizeof seen[0], "%s", n);
				snprintf(where[nseen], sizeof where[0], "%s",
				    dirs[k]);
				nseen++;
			}
		}
		closedir(d);
	}
	if (dup)
		return dgit_error_fmt(DGIT_ERR_EXISTS, "Duplicate/inconsistent "
		    "orig tarballs: %s; delete the spurious ones", msg);
	return NULL;
}

/* Symlink every BPD/SOURCE_* orig tarball into tmp, where dpkg-source
 * looks for them. */
static const struct dgit_error *
link_origs(const char *bpd, const char *tmp, const char *source)
{
	const struct dgit_error *err = NULL;
	DIR *d = opendir(bpd);
	struct dirent *de;
	size_t sl = strlen(source);
	char *abs = realpath(bpd, NULL);

	if (d == NULL || abs == NULL) {
		err = dgit_error_from_errno("cannot read the build products "
		    "directory '%s'", bpd);
		goto done;
	}
	while ((de = readdir(d)) != NULL && err == NULL) {
		char *from = NULL, *to = NULL;

		if (strncmp(de->d_name, source, sl) != 0 ||
		    de->d_name[sl] != '_' || strstr(de->d_name, ".orig") == NULL)
			continue;
		if (asprintf(&from, "%s/%s", abs, de->d_name) < 0 ||
		    asprintf(&to, "%s/%s", tmp, de->d_name) < 0)
			err = nomem();
		else if (symlink(from, to) != 0)
			err = dgit_error_from_errno("cannot link '%s'", to);
		free(from);
		free(to);
	}
done:
	if (d)
		closedir(d);
	free(abs);
	return err;
}

#define PRODUCTS_MAX 64             /* files a source build makes */

/* Sort key: the .changes last, the .dsc before it, so that a set with
 * its .changes is whole. */
static int
product_rank(const char *name)
{
	size_t l = strlen(name);

	if (l > 8 && strcmp(name + l - 8, ".changes") == 0)
		return 2;
	if (l > 4 && strcmp(name + l - 4, ".dsc") == 0)
		return 1;
	return 0;
}

static int
product_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = product_rank(x), ry = product_rank(y);

	return rx != ry ? rx - ry : strcmp(x, y);
}

/*
 * Move the built files (not the orig symlinks) from tmp to bpd, the
 * .changes last; each destination is told (made 1) before it is made
 * and, once all are there, told again (made 0).  A failure removes the
 * files moved.
 */
static const struct dgit_error *
move_products(const char *tmp, const char *bpd, const char *srcdir,
    void (*told)(void *arg, const char *path, int made), void *arg)
{
	const struct dgit_error *err = NULL;
	DIR *d = opendir(tmp);
	struct dirent *de;
	char *names[PRODUCTS_MAX], *to[PRODUCTS_MAX];
	size_t n = 0, moved = 0;

	if (d == NULL)
		return dgit_error_from_errno("cannot read '%s'", tmp);
	while ((de = readdir(d)) != NULL && err == NULL) {
		char *from = NULL;
		struct stat st;

		if (de->d_name[0] == '.' || strcmp(de->d_name, srcdir) == 0)
			continue;
		if (asprintf(&from, "%s/%s", tmp, de->d_name) < 0)
			err = nomem();
		else if (lstat(from, &st) == 0 && S_ISREG(st.st_mode)) {
			if (n == PRODUCTS_MAX)
				err = dgit_error_fmt(DGIT_ERR_LIMIT, "more than "
				    "%d files built in '%s'", PRODUCTS_MAX,
				    tmp);
			else if ((names[n] = strdup(de->d_name)) == NULL)
				err = nomem();
			else
				n++;
		}
		free(from);
	}
	closedir(d);
	if (err)
		goto done;
	qsort(names, n, sizeof names[0], product_cmp);
	for (moved = 0; moved < n && err == NULL; moved++) {
		char *from = NULL;

		if (asprintf(&from, "%s/%s", tmp, names[moved]) < 0) {
			err = nomem();
			break;
		}
		if (asprintf(&to[moved], "%s/%s", bpd, names[moved]) < 0) {
			free(from);
			err = nomem();
			break;
		}
		if (told)
			told(arg, to[moved], 1);
		if (rename(from, to[moved]) != 0) {
			err = dgit_error_from_errno("cannot move '%s' to '%s'",
			    from, to[moved]);
			if (told)
				told(arg, to[moved], 0);
			free(to[moved]);
			free(from);
			break;
		}
		free(from);
	}
	for (size_t k = 0; k < moved; k++) {
		if (err)
			unlink(to[k]);
		if (told)
			told(arg, to[k], 0);
		free(to[k]);
	}
done:
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	return err;
}

static const struct dgit_error *
run_tool(const char *const *argv, const char *cwd)
{
	struct dgit_run_opts ro;
	struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
	const struct dgit_error *err;

	memset(&ro, 0, sizeof ro);
	ro.cwd = cwd;
	ro.out = DGIT_RUN_OUT_CAPTURE;
	ro.err = DGIT_RUN_OUT_CAPTURE;
	err = dgit_run(&res, argv, &ro);
	dgit_run_result_release(&res);
	return err;
}

const struct dgit_error *
dgit_srcbuild_save_view(git_repository *repo, const char *name, const git_oid *id)
{
	git_reference *ref = NULL;
	char *full = NULL;
	int rc;

	if (strncmp(name, "refs/", 5) == 0)
		full = strdup(name);
	else if (asprintf(&full, "refs/heads/%s", name) < 0)
		full = NULL;
	if (full == NULL)
		return nomem();
	if (!git_reference_is_valid_name(full)) {
		const struct dgit_error *err = dgit_error_fmt(DGIT_ERR_USAGE,
		    "'%s' is not a valid branch name for --dgit-view-save; "
		    "give another", name);
		free(full);
		return err;
	}
	rc = git_reference_create(&ref, repo, full, id, 1,
	    "dgit: save the dgit view");
	git_reference_free(ref);
	if (rc != 0) {
		const struct dgit_error *err = dgit_error_git("cannot save "
		    "the dgit view as '%s'", full);
		free(full);
		return err;
	}
	free(full);
	return NULL;
}

const struct dgit_error *
dgit_srcbuild_build(struct dgit_srcbuild_result *out, git_repository *repo,
    const struct dgit_srcbuild_opts *opts)
{
	const struct dgit_error *err = NULL;
	struct dgit_quiltfix_opts qo;
	git_oid head, tree_id;
	char *source = NULL, *version = NULL, *nv = NULL, *tmp = NULL;
	char *srcdir = NULL, *srcpath = NULL, *dsc = NULL, *changes = NULL;
	char *changes_opt = NULL, *wdpath = NULL, *deblink = NULL;
	char *mismatch = NULL;
	const char *bpd = opts->bpd ? opts->bpd : "..";
	int inplace;
	struct stat st;
	int split;
	char hexbuf[GIT_OID_HEXSZ + 1];
	struct dgit_origcache *oc = NULL;

	memset(out, 0, sizeof *out);
	if ((err = check_tree(repo, opts->clean_mode, opts->include_dirty, 0,
	    opts->tracked_clean, opts->git)))
		return err;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0)
		return dgit_error_git("cannot read HEAD");
	if (stat(bpd, &st) != 0 || !S_ISDIR(st.st_mode))
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "the build products "
		    "directory '%s' does not exist", bpd);

	memset(&qo, 0, sizeof qo);
	qo.mode = opts->quilt_mode;
	qo.origs_dir = bpd;
	qo.dgit_version = opts->dgit_version;
	qo.upstream_commitish = opts->upstream_commitish;
	qo.gbp_pq = opts->gbp_pq;
	qo.info = opts->info;
	qo.info_arg = opts->info_arg;
	qo.tmpfile = opts->tmpfile;
	qo.tmpfile_arg = opts->tmpfile_arg;
	split = opts->quilt_mode >= DGIT_QUILT_GBP;
	if (split && opts->split_view == DGIT_SPLIT_VIEW_NEVER)
		return dgit_error_fmt(DGIT_ERR_USAGE, "--quilt=%s makes a "
		    "split dgit view, but --split-view=never was given; use "
		    "a linear quilt mode or allow the split view",
		    dgit_quiltfix_mode_name(opts->quilt_mode));
	if (opts->split_view == DGIT_SPLIT_VIEW_ALWAYS)
		split = 1;
	if (split && opts->include_dirty)
		return dgit_error_fmt(DGIT_ERR_USAGE, "--include-dirty cannot "
		    "be used with a split dgit view (--quilt=%s); commit the "
		    "changes first", dgit_quiltfix_mode_name(opts->quilt_mode));
	qo.cache = split;
	qo.hold = opts->hold;
	qo.hold_arg = opts->told_arg;
	if ((err = dgit_origcache_new(&oc, repo, opts->dgit_version, 1)))
		return err;
	if (opts->hold)
		dgit_origcache_set_hold(oc, opts->hold, opts->told_arg);
	qo.origcache = oc;
	if ((err = dgit_quiltfix_run(&out->quilt, repo, &head, &qo)))
		goto done;
	git_oid_cpy(&out->maint_view, &head);
	if (split) {
		out->split = 1;
		git_oid_cpy(&head, &out->quilt.commit);
		say(opts, "dgit view: %s%s", git_oid_tostr(hexbuf,
		    sizeof hexbuf, &head), out->quilt.needed ? "" :
		    " (the maintainer's branch itself)");
	} else if (out->quilt.needed) {
		if (opts->hold)
			opts->hold(opts->told_arg, 1);
		err = dgit_quiltfix_update_head(repo, &head,
		    &out->quilt.commit, "dgit quilt-fixup");
		if (opts->hold)
			opts->hold(opts->told_arg, 0);
		if (err)
			goto done;
		say(opts, "quilt fixup: committed %zu new patch%s",
		    out->quilt.npatches, out->quilt.npatches == 1 ? "" : "es");
		git_oid_cpy(&head, &out->quilt.commit);
	}
	git_oid_cpy(&out->head, split ? &out->maint_view : &head);
	git_oid_cpy(&out->dgit_view, &head);
	if (!split)
		git_oid_cpy(&out->maint_view, &head);
	if (opts->dgit_view_save && (err = dgit_srcbuild_save_view(repo,
	    opts->dgit_view_save, &head)))
		goto done;
	if ((err = dgit_commit_tree_id(&tree_id, repo, &head))) {
		err = dgit_error_wrap(err, "cannot read HEAD");
		goto done;
	}
	if (opts->include_dirty && (err = workdir_tree(&tree_id, repo)))
		goto done;
	git_oid_cpy(&out->tree, &tree_id);

	if ((err = read_head_changelog(repo, &tree_id, &source, &version)))
		goto done;
	if ((nv = noepoch(version)) == NULL ||
	    asprintf(&srcdir, "%s-%s", source, nv) < 0) {
		srcdir = NULL;
		err = nomem();
		goto done;
	}
	/* --include-dirty: dpkg-source -b reads the working tree itself, as
	 * dgit has it, so that it sees (and refuses) what git would not
	 * add, a named pipe say */
	inplace = !split && (opts->include_dirty || (out->quilt.quilt &&
	    build_in_place(repo, &tree_id)));
again:
	if ((err = dgit_fs_mkdtemp_told(&tmp, bpd, ".dgit-build", opts->told,
	    opts->told_arg)))
		goto done;
	if (asprintf(&srcpath, "%s/%s", tmp, srcdir) < 0 ||
	    asprintf(&changes_opt, "-O../%s_%s_source.changes", source,
	    nv) < 0) {
		err = nomem();
		goto done;
	}
	if (inplace) {
		const char *wd = git_repository_workdir(repo);
		size_t wl = strlen(wd);
		char *link = NULL;

		/* dpkg-source -b of the working tree itself; dpkg-genchanges
		 * in tmp/SRCDIR, whose debian is the working tree's, so that
		 * it finds the products in .. as in an export */
		if (wl > 1 && wd[wl - 1] == '/')
			wl--;
		if ((wdpath = strndup(wd, wl)) == NULL ||
		    asprintf(&link, "%s/debian", srcpath) < 0) {
			err = nomem();
			goto done;
		}
		if (mkdir(srcpath, 0755) != 0)
			err = dgit_error_from_errno("cannot make '%s'", srcpath);
		else if (asprintf(&deblink, "%s/debian", wdpath) < 0)
			err = nomem();
		else if (symlink(deblink, link) != 0)
			err = dgit_error_from_errno("cannot make '%s'", link);
		free(link);
		if (err)
			goto done;
	}
	say(opts, "building %s %s from %s%s", source, version,
	    opts->include_dirty ? "the working tree" : "HEAD",
	    inplace ? " (the working tree, which is HEAD's tree)" : "");
	{
		char parent[4096];
		const char *wd = git_repository_workdir(repo), *dirs[2];
		size_t wl = wd ? strlen(wd) : 0;

		/* the working tree's parent, and the build products dir */
		snprintf(parent, sizeof parent, "%.*s/..", wl > 0 &&
		    wd[wl - 1] == '/' ? (int)wl - 1 : (int)wl, wd ? wd : ".");
		dirs[0] = parent;
		dirs[1] = bpd;
		if ((err = check_dup_origs(dirs, 2, source, version)))
			goto done;
	}
	if ((!inplace && (err = dgit_export_tree(repo, &tree_id, srcpath))) ||
	    (err = link_origs(bpd, tmp, source)))
		goto done;
	{
		/* as dgit runs it: its ignores (which replace dpkg-source's
		 * default -I list: debian/.gitignore is packaged), and no
		 * preparation of the export, whose patches are applied */
		const char *argv[] = { "dpkg-source",
		    "-i(?:^|/)\\.git(?:/|$)", "-I.git", "-b",
		    "--include-removal", "--no-preparation", "--",
		    inplace ? wdpath : srcdir, NULL };

		if (opts->include_dirty) {
			/* the working tree as it is: prepared or not */
			argv[5] = "--";
			argv[6] = inplace ? wdpath : srcdir;
			argv[7] = NULL;
		}
		if ((err = run_tool(argv, tmp)))
			goto done;
	}
	{
		const char *argv[GENCHANGES_OPTS_MAX + 4];
		size_t k = 0;

		if (opts->ngenchanges_opts > GENCHANGES_OPTS_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "too many "
			    "dpkg-genchanges options (%zu, at most %d)",
			    opts->ngenchanges_opts, GENCHANGES_OPTS_MAX);
			goto done;
		}
		argv[k++] = "dpkg-genchanges";
		argv[k++] = "-S";
		for (size_t j = 0; j < opts->ngenchanges_opts; j++)
			argv[k++] = opts->genchanges_opts[j];
		argv[k++] = changes_opt;
		argv[k] = NULL;
		if ((err = run_tool(argv, srcpath)))
			goto done;
	}
	if (asprintf(&dsc, "%s/%s_%s.dsc", tmp, source, nv) < 0) {
		dsc = NULL;
		err = nomem();
		goto done;
	}
	say(opts, "checking the source package against git");
	if ((err = compare_dsc(&mismatch, NULL, repo, dsc, &tree_id,
	    opts->keep_mismatch ? 0 : MISMATCH_MAX, oc, opts->tmpfile,
	    opts->tmpfile_arg)))
		goto done;
	if (mismatch && inplace) {
		/* what git status cannot see (a filter, a mode git
		 * ignores): build again from an export */
		say(opts, "the working tree's package is not HEAD's "
		    "tree; building from an export of HEAD");
		err = dgit_fs_remove_tree(tmp);
		if (opts->told)
			opts->told(opts->told_arg, tmp, 0);
		free(tmp);
		free(srcpath);
		free(changes_opt);
		free(wdpath);
		free(deblink);
		free(dsc);
		free(mismatch);
		tmp = srcpath = changes_opt = wdpath = deblink = dsc =
		    mismatch = NULL;
		inplace = 0;
		if (err)
			goto done;
		goto again;
	}
	if (mismatch && !opts->keep_mismatch) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "refusing the build, "
		    "whose files are removed: the source package '%s' is "
		    "not the git tree:\n%s", strrchr(dsc, '/') ?
		    strrchr(dsc, '/') + 1 : dsc, mismatch);
		goto done;
	}
	if ((err = dgit_fs_remove_tree(srcpath)) ||
	    (err = move_products(tmp, bpd, srcdir, opts->told,
	    opts->told_arg)))
		goto done;
	free(dsc);
	if (asprintf(&dsc, "%s/%s_%s.dsc", bpd, source, nv) < 0 ||
	    asprintf(&changes, "%s/%s_%s_source.changes", bpd, source,
	    nv) < 0) {
		err = nomem();
		goto done;
	}
	out->dsc = dsc;
	out->changes = changes;
	out->mismatch = mismatch;
	dsc = changes = mismatch = NULL;
done:
	if (tmp)
		dgit_fs_remove_tree(tmp);
	if (tmp && opts->told)
		opts->told(opts->told_arg, tmp, 0);
	dgit_origcache_free(oc);
	free(tmp);
	free(wdpath);
	free(deblink);
	free(srcpath);
	free(srcdir);
	free(changes_opt);
	free(dsc);
	free(changes);
	free(mismatch);
	free(nv);
	free(source);
	free(version);
	return err;
}

void
dgit_srcbuild_result_release(struct dgit_srcbuild_result *r)
{
	free(r->dsc);
	free(r->changes);
	free(r->mismatch);
	r->dsc = r->changes = r->mismatch = NULL;
}

/* ---- the build commands ---------------------------------------------- */

#define DBP_ARGS_MAX 4096           /* options on one command line */
#define CHANGES_MAX 64              /* PKG_V_*.changes looked at */

static int
is_build_type(const char *a)
{
	return (a[0] == '-' && a[1] != '\0' && strchr("SgGFABb", a[1]) &&
	    a[2] == '\0') || strncmp(a, "--build=", 8) == 0;
}

const struct dgit_error *
dgit_srcbuild_massage_dbp(struct dgit_srcbuild_dbp *out,
    const char *const *args, size_t nargs)
{
	const char *dmode = "-F";
	struct dgit_buf b = DGIT_BUF_INIT;
	const struct dgit_error *err = NULL;
	size_t n = 0;

	memset(out, 0, sizeof *out);
	if (nargs > DBP_ARGS_MAX)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "too many builder "
		    "options (%zu, at most %d)", nargs, DBP_ARGS_MAX);
	if ((out->args = calloc(nargs + 1, sizeof *out->args)) == NULL)
		return nomem();
	for (size_t i = 0; i < nargs; i++) {
		if (is_build_type(args[i]))
			dmode = args[i];
		else
			out->args[n++] = args[i];
	}
	out->nargs = n;
	if (strncmp(dmode, "--build=", 8) == 0) {
		const char *p = dmode + 8;

		dgit_buf_init(&b, 0);
		while (*p) {
			size_t l = strcspn(p, ",");
			const char *tok = p;

			if (l == 4 && strncmp(p, "full", 4) == 0) {
				out->want |= DGIT_WANTSRC_SOURCE;
				tok = "binary";
				l = 6;
			}
			p += strcspn(p, ",");
			if (*p == ',')
				p++;
			if (l == 6 && strncmp(tok, "source", 6) == 0) {
				out->want |= DGIT_WANTSRC_SOURCE;
				continue;
			}
			if (l == 0)
				continue;
			out->want |= DGIT_WANTSRC_BUILDER;
			if ((b.len && (err = dgit_buf_addch(&b, ','))) ||
			    (err = dgit_buf_add(&b, tok, l)))
				goto done;
		}
		if (out->want == 0) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "'%s' asks to "
			    "build nothing", dmode);
			goto done;
		}
		if (asprintf(&out->mode, "--build=%.*s", (int)b.len,
		    b.ptr ? b.ptr : "") < 0) {
			out->mode = NULL;
			err = nomem();
		}
		goto done;
	}
	switch (dmode[1]) {
	case 'S':
		out->want = DGIT_WANTSRC_SOURCE;
		out->mode = strdup("-S");
		break;
	case 'g': case 'G': case 'F':
		out->want = DGIT_WANTSRC_SOURCE | DGIT_WANTSRC_BUILDER;
		out->mode = strdup(dmode[1] == 'g' ? "-A" : dmode[1] == 'G' ?
		    "-B" : "-b");
		break;
	default:
		out->want = DGIT_WANTSRC_BUILDER;
		out->mode = strdup(dmode);
	}
	if (out->mode == NULL)
		err = nomem();
done:
	dgit_buf_release(&b);
	return err;
}

void
dgit_srcbuild_dbp_release(struct dgit_srcbuild_dbp *d)
{
	free(d->args);
	free(d->mode);
	d->args = NULL;
	d->mode = NULL;
}

const struct dgit_error *
dgit_srcbuild_clean_check(enum dgit_clean_mode mode,
    enum dgit_quilt_mode quilt_mode)
{
	/* dgit's wording, which people and scripts look for */
	if ((quilt_mode == DGIT_QUILT_BAREDEBIAN ||
	    quilt_mode == DGIT_QUILT_BAREDEBIAN_TARBALL) &&
	    mode <= DGIT_CLEAN_GIT_FF_ALWAYS)
		return dgit_error_fmt(DGIT_ERR_USAGE, "quilt mode %s (generally "
		    "needs untracked upstream files) contradicts clean mode %s "
		    "(which would delete them); use another clean mode, e.g. "
		    "--clean=dpkg-source (-wd) or --clean=none (-wn)",
		    dgit_quiltfix_mode_name(quilt_mode), clean_names[mode]);
	return NULL;
}

/*
 * As dgit (its maybe_apply_patches_dirtily): a patches-unapplied branch
 * (gbp, unapplied, baredebian) gets its patches applied with
 * dpkg-source --before-build before the rules clean target runs, as
 * clean targets may assume them applied.  *dirty: 0 nothing done; else
 * 01, and 02 when there was no .pc before.
 */
static const struct dgit_error *
apply_patches_dirtily(int *dirty, const char *wd,
    enum dgit_quilt_mode quilt_mode)
{
	const char *argv[] = { "dpkg-source", "--before-build", ".", NULL };
	struct dgit_run_opts ro;
	struct stat st;
	char *pc = NULL;

	*dirty = 0;
	if (quilt_mode != DGIT_QUILT_GBP && quilt_mode != DGIT_QUILT_UNAPPLIED &&
	    quilt_mode != DGIT_QUILT_BAREDEBIAN &&
	    quilt_mode != DGIT_QUILT_BAREDEBIAN_TARBALL)
		return NULL;
	if (asprintf(&pc, "%s.pc", wd) < 0)
		return nomem();
	*dirty = 01 | (lstat(pc, &st) != 0 ? 02 : 0);
	free(pc);
	memset(&ro, 0, sizeof ro);
	ro.cwd = wd;
	return dgit_run(NULL, argv, &ro);
}

/*
 * And after the clean target (dgit's maybe_unapply_patches_again):
 * dpkg-source --after-build (which unapplies what --before-build
 * applied), and the .pc that was not there before removed.
 */
static const struct dgit_error *
unapply_patches_again(int dirty, const char *wd)
{
	const struct dgit_error *err;
	const char *argv[] = { "dpkg-source", "--after-build", ".", NULL };
	struct dgit_run_opts ro;
	char *pc = NULL;

	if (!dirty)
		return NULL;
	memset(&ro, 0, sizeof ro);
	ro.cwd = wd;
	if ((err = dgit_run(NULL, argv, &ro)) || !(dirty & 02))
		return err;
	if (asprintf(&pc, "%s.pc", wd) < 0)
		return nomem();
	err = dgit_fs_remove_tree(pc);
	free(pc);
	return err;
}

const struct dgit_error *
dgit_srcbuild_clean(git_repository *repo, enum dgit_clean_mode mode,
    enum dgit_quilt_mode quilt_mode, const char *const *dbp, const char *git)
{
	const struct dgit_error *err;
	static const char *const dbp_default[] = { "dpkg-buildpackage",
	    "-i(?:^|/)\\.git(?:/|$)", "-I.git", NULL };
	const char *wd;
	int d = mode == DGIT_CLEAN_DPKG_SOURCE_D ||
	    mode == DGIT_CLEAN_DPKG_SOURCE_D_NOCHECK ||
	    mode == DGIT_CLEAN_DPKG_SOURCE_D_ALLCHECK;

	if (git_repository_is_bare(repo) ||
	    (wd = git_repository_workdir(repo)) == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "needs a working tree, "
		    "not a bare repository");
	if ((err = dgit_srcbuild_clean_check(mode, quilt_mode)))
		return err;
	switch (mode) {
	case DGIT_CLEAN_GIT:
	case DGIT_CLEAN_GIT_ALWAYS:
	case DGIT_CLEAN_GIT_FF:
	case DGIT_CLEAN_GIT_FF_ALWAYS: {
		const char *argv[] = { git ? git : "git", "clean", "-xdf",
		    NULL };
		struct dgit_run_opts ro;

		/* what git clean says is seen, as when dgit runs it */
		memset(&ro, 0, sizeof ro);
		ro.cwd = wd;
		if (mode == DGIT_CLEAN_GIT_FF || mode == DGIT_CLEAN_GIT_FF_ALWAYS)
			argv[2] = "-xdff";
		return dgit_run(NULL, argv, &ro);
	}
	case DGIT_CLEAN_CHECK:
	case DGIT_CLEAN_CHECK_IGNORES:
		return check_tree(repo, mode, 1, 0, 0, git);
	case DGIT_CLEAN_NONE:
		return NULL;
	default: {
		const char *argv[DBP_ARGS_MAX + 4];
		const char *const *p = dbp ? dbp : dbp_default;
		struct dgit_run_opts ro;
		size_t k = 0;
		int dirty;

		for (; *p; p++) {
			if (k >= DBP_ARGS_MAX)
				return dgit_error_fmt(DGIT_ERR_LIMIT, "too many "
				    "dpkg-buildpackage options");
			argv[k++] = *p;
		}
		if (d)
			argv[k++] = "-d";
		argv[k++] = "-T";
		argv[k++] = "clean";
		argv[k] = NULL;
		if ((err = apply_patches_dirtily(&dirty, wd, quilt_mode)))
			return dgit_error_wrap(err, "cannot apply the patches "
			    "before the package's clean target (--quilt=%s, a "
			    "patches-unapplied tree; --clean=git avoids it)",
			    dgit_quiltfix_mode_name(quilt_mode));
		memset(&ro, 0, sizeof ro);
		ro.cwd = wd;
		/* the rules clean target's output is seen, as from dgit */
		if ((err = dgit_run(NULL, argv, &ro)))
			return dgit_error_wrap(err, "the package's clean target "
			    "failed (--clean=%s; -wg uses git clean instead)",
			    clean_names[mode]);
		/* dgit skips the untracked-files check then */
		if (dirty)
			return unapply_patches_again(dirty, wd);
		return check_tree(repo, mode, 1, 1, 0, git);
	}
	}
}

/* The names of BPD/PACKAGE_NV_*.changes (not _multi), source first. */
static const struct dgit_error *
list_changes(char ***out, size_t *n, const char *bpd, const char *package,
    const char *nv, int with_multi)
{
	const struct dgit_error *err = NULL;
	char *prefix = NULL, **v = NULL;
	size_t k = 0, pl;
	DIR *d;
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (asprintf(&prefix, "%s_%s_", package, nv) < 0)
		return nomem();
	pl = strlen(prefix);
	if ((d = opendir(bpd)) == NULL) {
		free(prefix);
		return dgit_error_from_errno("cannot read '%s'", bpd);
	}
	if ((v = calloc(CHANGES_MAX + 1, sizeof *v)) == NULL) {
		err = nomem();
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, pl) != 0 || l < pl + 8 ||
		    strcmp(de->d_name + l - 8, ".changes") != 0)
			continue;
		if (!with_multi && strcmp(de->d_name + pl, "multi.changes") == 0)
			continue;
		if (k >= CHANGES_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "more than %d "
			    "files %s*.changes in '%s'", CHANGES_MAX, prefix,
			    bpd);
			goto done;
		}
		if ((v[k] = strdup(de->d_name)) == NULL) {
			err = nomem();
			goto done;
		}
		/* the source one first */
		if (strcmp(v[k] + pl, "source.changes") == 0 && k > 0) {
			char *t = v[0];

			v[0] = v[k];
			v[k] = t;
		}
		k++;
	}
	/* the others in name order after the first */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			if (strcmp(v[j], v[i]) < 0) {
				char *t = v[i];

				v[i] = v[j];
				v[j] = t;
			}
done:
	closedir(d);
	free(prefix);
	if (err) {
		for (size_t i = 0; v && i < k; i++)
			free(v[i]);
		free(v);
		return err;
	}
	*out = v;
	*n = k;
	return NULL;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

const struct dgit_error *
dgit_srcbuild_check_changes(const char *bpd, const char *package,
    const char *version)
{
	const struct dgit_error *err;
	char **v = NULL, *nv = noepoch(version);
	size_t n = 0, bad = 0, pl;
	struct dgit_buf b = DGIT_BUF_INIT;

	if (nv == NULL)
		return nomem();
	pl = strlen(package) + strlen(nv) + 2;
	if ((err = list_changes(&v, &n, bpd, package, nv, 0)))
		goto done;
	for (size_t i = 0; i < n && err == NULL; i++) {
		if (strcmp(v[i] + pl, "source.changes") == 0)
			continue;
		if (bad++)
			err = dgit_buf_addch(&b, ' ');
		if (err == NULL)
			err = dgit_buf_adds(&b, v[i]);
	}
	if (err == NULL && bad)
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' already has %s "
		    "(changes files other than the source one for %s %s); "
		    "building would leave it unclear which is the result: "
		    "remove them first", bpd, b.ptr, package, version);
done:
	dgit_buf_release(&b);
	strv_free(v, n);
	free(nv);
	return err;
}

/* 1 when the .changes at path lists a .dsc in its Files field */
static const struct dgit_error *
changes_has_dsc(int *out, const char *path)
{
	const struct dgit_error *err;
	char *text = NULL;
	size_t len = 0;
	const char *p;

	*out = 0;
	if ((err = dgit_fs_read_file(&text, &len, path, DSC_MAX)))
		return err;
	if ((p = strstr(text, "\nFiles:")) != NULL) {
		for (p = strchr(p + 1, '\n'); p && p[1] == ' ';
		    p = strchr(p + 1, '\n')) {
			const char *e = strchr(p + 1, '\n');
			size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);

			if (l >= 4 && strncmp(p + 1 + l - 4, ".dsc", 4) == 0)
				*out = 1;
		}
	}
	free(text);
	return NULL;
}

const struct dgit_error *
dgit_srcbuild_mergechanges(char **out, const char *bpd, const char *package,
    const char *version, const char *const *cmd, int one_is_error,
    const char *hint)
{
	const struct dgit_error *err = NULL;
	char **v = NULL, *nv = noepoch(version), *path = NULL, *multi = NULL;
	size_t n = 0, k = 0;
	const char *argv[DBP_ARGS_MAX + 3];
	int has;

	*out = NULL;
	if (nv == NULL)
		return nomem();
	if ((err = list_changes(&v, &n, bpd, package, nv, 0)))
		goto done;
	if (n == 1) {
		if (one_is_error)
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "only one "
			    "changes file from the build (%s)%s%s", v[0],
			    hint ? "; " : "", hint ? hint : "");
		else if (asprintf(out, "%s/%s", bpd, v[0]) < 0) {
			*out = NULL;
			err = nomem();
		}
		goto done;
	}
	if (n != 2) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "the build left %zu "
		    "changes files for %s %s in '%s', not a source and a "
		    "binary one", n, package, version, bpd);
		goto done;
	}
	if (asprintf(&path, "%s/%s", bpd, v[1]) < 0) {
		path = NULL;
		err = nomem();
		goto done;
	}
	if ((err = changes_has_dsc(&has, path)))
		goto done;
	if (has) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "the binary changes file "
		    "'%s' lists a .dsc; it is not a binary-only build", path);
		goto done;
	}
	for (const char *const *p = cmd; *p; p++) {
		if (k >= DBP_ARGS_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "too many "
			    "mergechanges options");
			goto done;
		}
		argv[k++] = *p;
	}
	argv[k++] = v[0];
	argv[k++] = v[1];
	argv[k] = NULL;
	{
		struct dgit_run_opts ro;
		struct dgit_run_result res = DGIT_RUN_RESULT_INIT;
		char *text = NULL;
		int fd;

		memset(&ro, 0, sizeof ro);
		ro.cwd = bpd;
		ro.err = DGIT_RUN_OUT_CAPTURE;
		if ((err = dgit_run_capture(&text, NULL, argv, &ro, 0)))
			goto done;
		dgit_run_result_release(&res);
		if (asprintf(&multi, "%s/%s_%s_multi.changes", bpd, package,
		    nv) < 0) {
			multi = NULL;
			free(text);
			err = nomem();
			goto done;
		}
		/* mergechanges -f writes the file itself; without it, stdout */
		if (access(multi, F_OK) != 0 && text && *text) {
			fd = open(multi, O_WRONLY | O_CREAT | O_EXCL, 0644);
			if (fd < 0)
				err = dgit_error_from_errno("cannot write "
				    "'%s'", multi);
			else {
				err = dgit_fs_write_all(fd, text, strlen(text),
				    multi);
				close(fd);
			}
		}
		free(text);
		if (err)
			goto done;
	}
	if (access(multi, F_OK) != 0) {
		err = dgit_error_fmt(DGIT_ERR_CHILD, "'%s' was not made by "
		    "mergechanges", multi);
		goto done;
	}
	for (size_t i = 0; i < 2 && err == NULL; i++) {
		char *from = NULL, *to = NULL;

		if (asprintf(&from, "%s/%s", bpd, v[i]) < 0 ||
		    asprintf(&to, "%s/%s.inmulti", bpd, v[i]) < 0)
			err = nomem();
		else if (rename(from, to) != 0)
			err = dgit_error_from_errno("cannot rename '%s' to "
			    "'%s'", from, to);
		free(from);
		free(to);
	}
	if (err == NULL) {
		*out = multi;
		multi = NULL;
	}
done:
	free(path);
	free(multi);
	strv_free(v, n);
	free(nv);
	return err;
}
