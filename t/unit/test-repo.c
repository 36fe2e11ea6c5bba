/* Unit tests for repository set-up and safe directory handling. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_fs.h"
#include "dgit_repo.h"
#include "unit.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	static char buf[8192];
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
spew(const char *path, const char *s)
{
	FILE *fp = fopen(path, "wb");

	if (fp) {
		fputs(s, fp);
		fclose(fp);
	}
}

/* Perl dgit's lines, the macro's definition first (libgit2 needs that) */
#define HEAD "[attr]dgit-defuse-attrs\t-text -eol -crlf -ident -filter " \
	"-working-tree-encoding\n" \
	"*\tdgit-defuse-attrs\n" \
	"# ^ see GITATTRIBUTES in dgit(7) and dgit setup-new-tree in dgit(1)\n"

/* What dgit's setup_gitattrs writes (dgit(1) setup-gitattributes). */
static const struct {
	const char *before;        /* NULL: no file */
	const char *after;
} cases[] = {
	{ NULL, HEAD },
	{ "*.c diff=cpp\n", HEAD "*.c diff=cpp\n" },
	{ "*.c diff=cpp", HEAD "*.c diff=cpp\n" },
	/* an old macro (without -working-tree-encoding): that line is
	 * rewritten, no header is added */
	{ "*\tdgit-defuse-attrs\n[attr]dgit-defuse-attrs\t-text -eol\n",
	  "*\tdgit-defuse-attrs\n[attr]dgit-defuse-attrs\t-text -eol -crlf "
	  "-ident -filter -working-tree-encoding\n" },
	{ "a b\n[attr]dgit-defuse-attrs -text\n\nc d\n",
	  "a b\n[attr]dgit-defuse-attrs\t-text -eol -crlf -ident -filter "
	  "-working-tree-encoding\n\nc d\n" },
	/* an up-to-date one is left alone, whatever else is there */
	{ "x y\n[attr]dgit-defuse-attrs -text -working-tree-encoding\n",
	  "x y\n[attr]dgit-defuse-attrs -text -working-tree-encoding\n" },
	/* the first macro line decides */
	{ "[attr]dgit-defuse-attrs -working-tree-encoding\n"
	  "[attr]dgit-defuse-attrs -text\n",
	  "[attr]dgit-defuse-attrs -working-tree-encoding\n"
	  "[attr]dgit-defuse-attrs -text\n" },
	/* not the macro: "-working-tree-encodingx", "[attr]dgit-defuse-attrsx" */
	{ "[attr]dgit-defuse-attrsx -working-tree-encoding\n",
	  HEAD "[attr]dgit-defuse-attrsx -working-tree-encoding\n" },
};

static void
test_gitattrs_table(git_repository *repo, const char *path)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct dgit_error *err;
		char *got;

		unlink(path);
		if (cases[i].before)
			spew(path, cases[i].before);
		err = dgit_repo_setup_gitattrs(repo);
		unit_ok(err == NULL, "gitattrs case %zu: %s", i,
		    err ? err->msg : "ok");
		got = slurp(path);
		UNIT_STREQ(got, cases[i].after, "gitattrs case %zu", i);
		/* and a second time changes nothing */
		dgit_repo_setup_gitattrs(repo);
		got = slurp(path);
		UNIT_STREQ(got, cases[i].after, "gitattrs case %zu: idempotent",
		    i);
	}
}

int
main(void)
{
	char base[] = "/tmp/dgit-test-repo.XXXXXX", path[512], attrs[600];
	git_repository *repo = NULL;
	const struct dgit_error *err;
	char *tmp = NULL, *s;
	struct stat st;

	git_libgit2_init();
	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/r", base);
	unit_ok(git_repository_init(&repo, path, 0) == 0, "init repository");
	snprintf(attrs, sizeof attrs, "%s/.git/info/attributes", path);

	/* Expected text: dgit(1) setup-gitattributes and dgit(7) GITATTRIBUTES. */
	err = dgit_repo_setup_gitattrs(repo);
	unit_ok(err == NULL, "setup_gitattrs on a fresh repository");
	s = slurp(attrs);
	unit_ok(s && strncmp(s, "[attr]dgit-defuse-attrs\t"
	    "-text -eol -crlf -ident -filter -working-tree-encoding\n"
	    "*\tdgit-defuse-attrs\n", 98) == 0,
	    "attributes file defuses every transforming attribute");

	spew(attrs, "foo.bin binary\n[attr]dgit-defuse-attrs -text -eol\n");
	err = dgit_repo_setup_gitattrs(repo);
	s = slurp(attrs);
	unit_ok(err == NULL && s && strstr(s, "-working-tree-encoding") &&
	    strstr(s, "foo.bin binary\n") &&
	    strstr(s, "[attr]dgit-defuse-attrs -text -eol\n") == NULL,
	    "an old insufficient macro is replaced, other lines kept");

	spew(attrs, "[attr]dgit-defuse-attrs\t-text -working-tree-encoding\n");
	err = dgit_repo_setup_gitattrs(repo);
	s = slurp(attrs);
	unit_ok(err == NULL && s &&
	    strcmp(s, "[attr]dgit-defuse-attrs\t-text -working-tree-encoding\n") == 0,
	    "a proper macro is left alone");

	test_gitattrs_table(repo, attrs);
	unlink(attrs);

	err = dgit_repo_setup_mergechangelogs(repo);
	s = slurp(attrs);
	unit_ok(err == NULL && s &&
	    strstr(s, "debian/changelog merge=dpkg-mergechangelogs\n"),
	    "merge driver attribute added");

	err = dgit_fs_tmpdir_beside(&tmp, path);
	unit_ok(err && err->code == DGIT_ERR_EXISTS,
	    "tmpdir_beside refuses an existing target");
	snprintf(path, sizeof path, "%s/new", base);
	err = dgit_fs_tmpdir_beside(&tmp, path);
	unit_ok(err == NULL && tmp && strncmp(tmp, base, strlen(base)) == 0 &&
	    strstr(tmp, "/.new.dgit-") && stat(tmp, &st) == 0,
	    "tmpdir_beside makes a hidden directory beside the target");
	snprintf(attrs, sizeof attrs, "%s/sub", tmp);
	mkdir(attrs, 0777);
	snprintf(attrs, sizeof attrs, "%s/sub/f", tmp);
	spew(attrs, "x");
	snprintf(attrs, sizeof attrs, "%s/link", tmp);
	symlink("/etc", attrs);
	err = dgit_fs_rename_noreplace(tmp, path);
	unit_ok(err == NULL && stat(path, &st) == 0 && stat(tmp, &st) != 0,
	    "rename into place");
	mkdir(tmp, 0777);
	err = dgit_fs_rename_noreplace(tmp, path);
	unit_ok(err && err->code == DGIT_ERR_EXISTS, "rename never replaces");
	rmdir(tmp);
	free(tmp);

	err = dgit_fs_remove_tree(path);
	unit_ok(err == NULL && lstat(path, &st) != 0 && stat("/etc", &st) == 0,
	    "remove_tree removes, without following symlinks");
	unit_ok(dgit_fs_remove_tree(path) == NULL, "removing a missing tree is fine");

	git_repository_free(repo);
	dgit_fs_remove_tree(base);
	git_libgit2_shutdown();
	return unit_done();
}
