/* A git tree written out as plain files: see dgit_export.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_export.h"
#include "dgit_fs.h"

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

struct export_ctx {
	git_repository *repo;
	const char *dir;
	const struct dgit_error *err;
};

static int
export_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct export_ctx *x = arg;
	git_filemode_t fm = git_tree_entry_filemode(e);
	git_blob *b = NULL;
	char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/%s%s", x->dir, root,
	    git_tree_entry_name(e)) < 0) {
		x->err = nomem();
		return -1;
	}
	if (fm == GIT_FILEMODE_TREE) {
		if (mkdir(path, 0755) != 0)
			x->err = dgit_error_from_errno("cannot make '%s'", path);
		goto done;
	}
	if (fm == GIT_FILEMODE_COMMIT) {
		x->err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s%s' is a "
		    "submodule, which a source package cannot hold", root,
		    git_tree_entry_name(e));
		goto done;
	}
	if (git_blob_lookup(&b, x->repo, git_tree_entry_id(e)) != 0) {
		x->err = dgit_error_git("cannot read '%s%s'", root,
		    git_tree_entry_name(e));
		goto done;
	}
	if (fm == GIT_FILEMODE_LINK) {
		char *target = strndup(git_blob_rawcontent(b),
		    (size_t)git_blob_rawsize(b));

		if (target == NULL)
			x->err = nomem();
		else if (symlink(target, path) != 0)
			x->err = dgit_error_from_errno("cannot make '%s'", path);
		free(target);
		goto done;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
	    fm == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
	if (fd < 0) {
		x->err = dgit_error_from_errno("cannot write '%s'", path);
		goto done;
	}
	x->err = dgit_fs_write_all(fd, git_blob_rawcontent(b),
	    (size_t)git_blob_rawsize(b), path);
	/* the umask must not change what dpkg-source sees */
	if (x->err == NULL && fchmod(fd, fm == GIT_FILEMODE_BLOB_EXECUTABLE ?
	    0755 : 0644) != 0)
		x->err = dgit_error_from_errno("cannot chmod '%s'", path);
	if (close(fd) != 0 && x->err == NULL)
		x->err = dgit_error_from_errno("cannot write '%s'", path);
done:
	git_blob_free(b);
	free(path);
	return x->err ? -1 : 0;
}

const struct dgit_error *
dgit_export_tree(git_repository *repo, const git_oid *tree_id, const char *dir)
{
	struct export_ctx x = { repo, dir, NULL };
	git_tree *t = NULL;

	if (mkdir(dir, 0755) != 0)
		return dgit_error_from_errno("cannot make '%s'", dir);
	if (git_tree_lookup(&t, repo, tree_id) != 0)
		return dgit_error_git("cannot read the tree to build");
	if (git_tree_walk(t, GIT_TREEWALK_PRE, export_cb, &x) != 0 &&
	    x.err == NULL)
		x.err = dgit_error_git("cannot export the tree");
	git_tree_free(t);
	return x.err;
}

