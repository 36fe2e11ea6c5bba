/*
 * Unit tests for the fresh checkout: hostile trees (names git never
 * writes, a name twice, a path through a symlink) are refused and write
 * nothing outside the work tree; a good tree comes out as git writes it.
 * The hostile trees are written as raw objects, as a server could send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_checkout.h"
#include "dgit_fs.h"
#include "unit.h"

/* One raw tree entry: "MODE NAME\0" and the 20-byte id. */
static size_t
entry(unsigned char *buf, size_t at, const char *mode, const char *name,
    const git_oid *id)
{
	size_t n = (size_t)snprintf((char *)buf + at, 256, "%s %s", mode, name);

	at += n + 1;
	memcpy(buf + at, id->id, 20);
	return at + 20;
}

static git_oid
blob(git_odb *odb, const char *text)
{
	git_oid id;

	git_odb_write(&id, odb, text, strlen(text), GIT_OBJECT_BLOB);
	return id;
}

static git_oid
rawtree(git_odb *odb, const unsigned char *buf, size_t len)
{
	git_oid id;

	git_odb_write(&id, odb, buf, len, GIT_OBJECT_TREE);
	return id;
}

enum shape { DOTGIT, DOTGIT_UPPER, DOTDOT, TWICE, VIA_LINK, FILE_DIR,
    NTFS_SHORT, HFS_IGNORABLE, GITMODULES_LINK };

static const struct {
	enum shape shape;
	const char *what;
	enum dgit_error_code code;   /* DGIT_ERR_OK: any failure */
} bad[] = {
	{ DOTGIT, "a tree named .git", DGIT_ERR_UNSAFE_PATH },
	{ DOTGIT_UPPER, "a tree named .GIT", DGIT_ERR_UNSAFE_PATH },
	{ DOTDOT, "an entry named ..", DGIT_ERR_UNSAFE_PATH },
	{ TWICE, "a file named twice", DGIT_ERR_OK },
	{ VIA_LINK, "a symlink and a tree of one name", DGIT_ERR_OK },
	{ FILE_DIR, "a file and a tree of one name", DGIT_ERR_OK },
	/* git's verify_path with core.protectNTFS/protectHFS */
	{ NTFS_SHORT, "a tree named GIT~1", DGIT_ERR_UNSAFE_PATH },
	{ HFS_IGNORABLE, "a tree named .g\\u200cit", DGIT_ERR_UNSAFE_PATH },
	{ GITMODULES_LINK, "a symlink named .gitmodules", DGIT_ERR_UNSAFE_PATH },
};

static git_oid
hostile(git_odb *odb, enum shape s, const char *outside)
{
	unsigned char b[4096], sub[512];
	git_oid x = blob(odb, "x\n"), link = blob(odb, outside), st;
	size_t n = 0, sn;

	sn = entry(sub, 0, "100644", "x", &x);
	st = rawtree(odb, sub, sn);
	switch (s) {
	case DOTGIT:
		n = entry(b, n, "40000", ".git", &st);
		break;
	case DOTGIT_UPPER:
		n = entry(b, n, "40000", ".GIT", &st);
		break;
	case DOTDOT:
		n = entry(b, n, "40000", "..", &st);
		break;
	case TWICE:
		n = entry(b, n, "100644", "a", &x);
		n = entry(b, n, "100644", "a", &x);
		break;
	case VIA_LINK:
		n = entry(b, n, "120000", "l", &link);
		n = entry(b, n, "40000", "l", &st);
		break;
	case FILE_DIR:
		n = entry(b, n, "100644", "l", &x);
		n = entry(b, n, "40000", "l", &st);
		break;
	case NTFS_SHORT:
		n = entry(b, n, "40000", "GIT~1", &st);
		break;
	case HFS_IGNORABLE:
		n = entry(b, n, "40000", ".g\xe2\x80\x8cit", &st);
		break;
	case GITMODULES_LINK:
		n = entry(b, n, "120000", ".gitmodules", &link);
		break;
	}
	return rawtree(odb, b, n);
}

/* A new repository at dir; its odb through *odb. */
static git_repository *
newrepo(git_odb **odb, const char *dir)
{
	git_repository *repo = NULL;

	if (git_repository_init(&repo, dir, 0) != 0 ||
	    git_repository_odb(odb, repo) != 0)
		return NULL;
	return repo;
}

static int
exists(const char *a, const char *b)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof p, "%s/%s", a, b);
	return lstat(p, &st) == 0;
}

int
main(void)
{
	char *tmp = NULL, dir[4096], outside[4096];
	git_repository *repo;
	git_odb *odb = NULL;
	git_tree *tree = NULL;
	git_oid id;
	int done;

	git_libgit2_init();
	/* the raw objects are hostile on purpose */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	umask(022);
	if (dgit_fs_mkdtemp(&tmp, NULL, "test-checkout") != NULL)
		return 1;
	snprintf(outside, sizeof outside, "%s/outside", tmp);
	mkdir(outside, 0777);

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct dgit_error *err;

		snprintf(dir, sizeof dir, "%s/bad%zu", tmp, i);
		repo = newrepo(&odb, dir);
		id = hostile(odb, bad[i].shape, outside);
		git_tree_lookup(&tree, repo, &id);
		err = dgit_checkout_fresh(&done, repo, tree);
		if (unit_ok(err != NULL && done && (bad[i].code == DGIT_ERR_OK ||
		    err->code == bad[i].code), "refused: %s", bad[i].what))
			unit_diag("  %s", err->msg);
		unit_ok(!exists(outside, "x") && !exists(dir, ".git/x") &&
		    !exists(dir, ".GIT/x"), "nothing written outside: %s",
		    bad[i].what);
		git_tree_free(tree);
		git_odb_free(odb);
		git_repository_free(repo);
	}

	/* a good tree: a file, an executable, a symlink, a nested file */
	{
		unsigned char b[1024], sub[256];
		git_oid x, st;
		git_index *idx = NULL;
		struct stat sb;
		char p[8192], lt[64];
		ssize_t ll;
		size_t n = 0, sn;

		snprintf(dir, sizeof dir, "%s/good", tmp);
		repo = newrepo(&odb, dir);
		x = blob(odb, "hello\n");
		sn = entry(sub, 0, "100644", "f", &x);
		st = rawtree(odb, sub, sn);
		n = entry(b, n, "100644", "a", &x);
		n = entry(b, n, "40000", "d", &st);
		{
			git_oid l = blob(odb, "a");

			n = entry(b, n, "120000", "l", &l);
		}
		n = entry(b, n, "100755", "run", &x);
		id = rawtree(odb, b, n);
		git_tree_lookup(&tree, repo, &id);
		unit_ok(dgit_checkout_fresh(&done, repo, tree) == NULL && done,
		    "a good tree is checked out");
		snprintf(p, sizeof p, "%s/run", dir);
		unit_ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0755,
		    "the executable is 0755 under umask 022");
		snprintf(p, sizeof p, "%s/a", dir);
		unit_ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0644 &&
		    sb.st_size == 6, "the file is 0644 with its bytes");
		snprintf(p, sizeof p, "%s/l", dir);
		ll = readlink(p, lt, sizeof lt);
		unit_ok(ll == 1 && lt[0] == 'a', "the symlink points at its blob");
		unit_ok(exists(dir, "d/f"), "the nested file is there");
		git_repository_index(&idx, repo);
		git_index_read(idx, 1);
		unit_ok(git_index_entrycount(idx) == 4, "the index has the "
		    "four entries");
		git_index_free(idx);
		/* a work tree that is not empty is left to the caller */
		unit_ok(dgit_checkout_fresh(&done, repo, tree) == NULL &&
		    !done, "a work tree that is not empty is not touched");
		git_tree_free(tree);
		git_odb_free(odb);
		git_repository_free(repo);
	}
	dgit_fs_remove_tree(tmp);
	free(tmp);
	git_libgit2_shutdown();
	return unit_done();
}
