/*
 * Unit tests for the tree model: path checks, set/get/remove, dpkg-source
 * placement rules, and tree ids against ids computed by git mktree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_pack.h"
#include "dgit_tree.h"
#include "unit.h"

static const char *const good_paths[] = {
	"a", "a/b", "a/b/c.txt", ".gitignore", ".gitattributes", "a/.git",
	".github/x", "git~2", "dir/", "a..b", "...", "a/.git/config",
};

static const struct {
	const char *path;
	enum dgit_error_code code;
} bad_paths[] = {
	{ "", DGIT_ERR_UNSAFE_PATH },
	{ "/etc/passwd", DGIT_ERR_UNSAFE_PATH },
	{ "..", DGIT_ERR_UNSAFE_PATH },
	{ "a/../b", DGIT_ERR_UNSAFE_PATH },
	{ "a/./b", DGIT_ERR_UNSAFE_PATH },
	{ "a//b", DGIT_ERR_UNSAFE_PATH },
	{ ".GIT/config", DGIT_ERR_UNREPRESENTABLE },
	{ "a/.Git", DGIT_ERR_UNREPRESENTABLE },
	{ ".git.", DGIT_ERR_UNREPRESENTABLE },
	{ ".git ", DGIT_ERR_UNREPRESENTABLE },
	{ "x/GIT~1/y", DGIT_ERR_UNREPRESENTABLE },
};

struct told {
	char path[4096];
	int made, existed, calls;
};

static void
told_cb(void *arg, const char *path, int made)
{
	struct told *t = arg;

	snprintf(t->path, sizeof t->path, "%s", path);
	t->made = made;
	t->existed = access(path, F_OK) == 0;
	t->calls++;
}

static git_oid
oid_of(const char *hex)
{
	git_oid o;

	git_oid_fromstr(&o, hex);
	return o;
}

static int
tree_is(struct dgit_tree *t, struct dgit_pack *p, const char *want,
    const char *what)
{
	git_oid got;
	char hex[GIT_OID_HEXSZ + 1];
	const struct dgit_error *err = dgit_tree_write(&got, t, p);

	const char *s = hex;

	git_oid_tostr(hex, sizeof hex, &got);
	if (err) {
		unit_diag("  %s", err->msg);
		s = "error";
	}
	return UNIT_STREQ(s, want, "%s", what);
}

int
main(void)
{
	char dir[] = "/tmp/dgit-test-tree.XXXXXX";
	git_repository *repo = NULL;
	struct dgit_pack *pack = NULL;
	struct dgit_tree *t = NULL, *sub = NULL;
	const struct dgit_error *err;
	git_oid x = oid_of("587be6b4c3f93f93c489c0111bba5596147a26cb");
	git_oid l = oid_of("2e65efe2a145dda7ee51d1741299f848e5bf752e");
	git_oid got;
	unsigned mode;
	char *name = NULL;

	for (size_t i = 0; i < sizeof good_paths / sizeof *good_paths; i++) {
		err = dgit_tree_check_path(good_paths[i]);
		unit_ok(err == NULL, "path '%s' accepted", good_paths[i]);
	}
	for (size_t i = 0; i < sizeof bad_paths / sizeof *bad_paths; i++) {
		err = dgit_tree_check_path(bad_paths[i].path);
		unit_ok(err != NULL && err->code == bad_paths[i].code,
		    "path '%s' refused (%s)", bad_paths[i].path,
		    err ? err->msg : "accepted");
	}
	unit_ok(dgit_tree_dotgit_offset("a/.git/b") == 2, ".git offset");
	unit_ok(dgit_tree_dotgit_offset("a/.gitx/b") == -1, "no .git");

	git_libgit2_init();
	if (!unit_ok(mkdtemp(dir) != NULL, "temporary directory") ||
	    !unit_ok(git_repository_init(&repo, dir, 1) == 0, "repository") ||
	    !unit_ok(dgit_pack_new(&pack, repo, -1, -1, NULL, NULL) == NULL, "pack"))
		return unit_done();

	dgit_tree_new(&t);
	tree_is(t, pack, "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
	    "empty tree");
	/* git order: "a-" < "a.txt" < "a/" < "a0" */
	unit_ok(dgit_tree_set(t, "a0", DGIT_TREE_BLOB, &x, 0) == NULL, "set a0");
	unit_ok(dgit_tree_set(t, "a/b", DGIT_TREE_EXEC, &x, 0) == NULL,
	    "set a/b");
	unit_ok(dgit_tree_set(t, "a.txt", DGIT_TREE_BLOB, &x, 0) == NULL,
	    "set a.txt");
	unit_ok(dgit_tree_set(t, "a-", DGIT_TREE_LINK, &l, 0) == NULL,
	    "set a-");
	unit_ok(dgit_tree_mkdir(t, "empty/deeper") == NULL, "mkdir");
	unit_ok(dgit_tree_set_dropped(t, "sub/.git") == NULL, "dropped");
	tree_is(t, pack, "6480358b9e3988fccad2c91d03a41264282b2f39",
	    "tree id as git mktree makes it (empty dirs, dropped left out)");
	unit_ok(dgit_tree_nfiles(t) == 4, "4 files");

	err = dgit_tree_set(t, "a-/evil", DGIT_TREE_BLOB, &x, 0);
	unit_ok(err && err->code == DGIT_ERR_UNSAFE_PATH,
	    "no writing through a symlink");
	err = dgit_tree_get(t, "a-/evil", &mode, NULL);
	unit_ok(err && err->code == DGIT_ERR_UNSAFE_PATH,
	    "no reading through a symlink");
	err = dgit_tree_set(t, "sub/.git/hooks/x", DGIT_TREE_BLOB, &x, 0);
	unit_ok(err && (err->code == DGIT_ERR_UNSAFE_PATH ||
	    err->code == DGIT_ERR_UNREPRESENTABLE),
	    "no writing into a dropped .git");
	err = dgit_tree_set(t, "a", DGIT_TREE_BLOB, &x, 0);
	unit_ok(err && err->code == DGIT_ERR_PARSE, "no file over a directory");
	unit_ok(dgit_tree_get(t, "a.txt/x", &mode, NULL) == NULL && mode == 0,
	    "below a file: nothing");
	unit_ok(dgit_tree_get(t, "a/b", &mode, &got) == NULL &&
	    mode == DGIT_TREE_EXEC && git_oid_equal(&got, &x), "get a/b");
	unit_ok(dgit_tree_get(t, "a", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_DIR, "get a directory");

	/* change a file, write again (cached subtrees), then undo */
	dgit_tree_set(t, "a/b", DGIT_TREE_BLOB, &x, 0);
	dgit_tree_write(&got, t, pack);
	dgit_tree_set(t, "a/b", DGIT_TREE_EXEC, &x, 0);
	tree_is(t, pack, "6480358b9e3988fccad2c91d03a41264282b2f39",
	    "rewritten after a change and its undoing");
	unit_ok(dgit_tree_remove(t, "a") == NULL &&
	    dgit_tree_remove(t, "nothing/there") == NULL, "remove");
	unit_ok(dgit_tree_nfiles(t) == 3, "3 files after removing a/");

	/* strip rule: a single directory is stripped, not a symlink */
	dgit_tree_free(t);
	dgit_tree_new(&t);
	dgit_tree_set(t, "pkg-1/a/b", DGIT_TREE_EXEC, &x, 0);
	unit_ok(dgit_tree_strip_single(t, &name) == 1 && name &&
	    strcmp(name, "pkg-1") == 0, "single directory stripped");
	free(name);
	name = NULL;
	unit_ok(dgit_tree_get(t, "a/b", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_EXEC, "contents moved up");
	unit_ok(dgit_tree_strip_single(t, NULL) == 1, "and again (a/)");
	unit_ok(dgit_tree_strip_single(t, NULL) == 0, "a file is not stripped");
	dgit_tree_free(t);
	dgit_tree_new(&t);
	dgit_tree_set(t, "top", DGIT_TREE_LINK, &l, 0);
	unit_ok(dgit_tree_strip_single(t, NULL) == 0,
	    "a symlink is not stripped");
	dgit_tree_mkdir(t, "empty");
	unit_ok(dgit_tree_strip_single(t, NULL) == 0,
	    "an empty directory counts as an entry");

	/* overlay: directories merge, files replace */
	dgit_tree_free(t);
	dgit_tree_new(&t);
	dgit_tree_set(t, "debian/keep", DGIT_TREE_BLOB, &x, 0);
	dgit_tree_set(t, "debian/over", DGIT_TREE_BLOB, &x, 0);
	dgit_tree_set(t, "file", DGIT_TREE_BLOB, &x, 0);
	dgit_tree_new(&sub);
	dgit_tree_set(sub, "debian/over", DGIT_TREE_LINK, &l, 0);
	dgit_tree_set(sub, "file/now-a-dir", DGIT_TREE_BLOB, &x, 0);
	unit_ok(dgit_tree_overlay(t, "", sub) == NULL, "overlay");
	unit_ok(dgit_tree_get(t, "debian/keep", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_BLOB, "overlay merges directories");
	unit_ok(dgit_tree_get(t, "debian/over", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_LINK, "overlay replaces files");
	unit_ok(dgit_tree_get(t, "file/now-a-dir", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_BLOB, "overlay replaces a file by a directory");
	dgit_tree_new(&sub);
	dgit_tree_set(sub, "x", DGIT_TREE_BLOB, &x, 0);
	unit_ok(dgit_tree_overlay(t, "comp/deep", sub) == NULL &&
	    dgit_tree_get(t, "comp/deep/x", &mode, NULL) == NULL &&
	    mode == DGIT_TREE_BLOB, "overlay under a prefix");

	dgit_tree_free(t);
	dgit_pack_free(pack);
	{
		/* told of the temporary file before it exists, and once gone */
		struct told tl;

		memset(&tl, 0, sizeof tl);
		unit_ok(dgit_pack_new(&pack, repo, -1, 0, told_cb, &tl) ==
		    NULL && tl.calls == 1 && tl.made == 1 && !tl.existed &&
		    strcmp(tl.path, dgit_pack_tmp_path(pack)) == 0 &&
		    access(tl.path, F_OK) == 0,
		    "pack: told of its temporary file before it exists");
		dgit_pack_free(pack);
		unit_ok(tl.calls == 2 && tl.made == 0 &&
		    access(tl.path, F_OK) != 0,
		    "pack: told once its temporary file is removed");
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	{
		char *argv[] = { "rm", "-rf", dir, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid > 0) {
			int st;

			waitpid(pid, &st, 0);
		}
	}
	return unit_done();
}
