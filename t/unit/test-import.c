/*
 * Unit tests for the import module's repository setup:
 * dgit_import_setup_gitattributes, against the lines dgit(1)
 * setup-gitattributes documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_import.h"
#include "unit.h"

#define HEAD "*\tdgit-defuse-attrs\n" \
	"[attr]dgit-defuse-attrs\t-text -eol -crlf -ident -filter " \
	"-working-tree-encoding\n" \
	"# ^ see GITATTRIBUTES in dgit(7) and dgit setup-new-tree in dgit(1)\n"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = calloc(1, 65536);

	if (fp == NULL || buf == NULL) {
		if (fp)
			fclose(fp);
		free(buf);
		return NULL;
	}
	if (fread(buf, 1, 65535, fp) == 0)
		buf[0] = '\0';
	fclose(fp);
	return buf;
}

static void
spit(const char *path, const char *s)
{
	FILE *fp = fopen(path, "wb");

	if (fp) {
		fputs(s, fp);
		fclose(fp);
	}
}

static const struct {
	const char *before;        /* NULL: no file */
	const char *after;
} cases[] = {
	{ NULL, HEAD },
	{ "*.c diff=cpp\n", HEAD "*.c diff=cpp\n" },
	/* an old macro (without -working-tree-encoding) is replaced */
	{ "*\tdgit-defuse-attrs\n[attr]dgit-defuse-attrs\t-text -eol\n",
	  "*\tdgit-defuse-attrs\n[attr]dgit-defuse-attrs\t-text -eol -crlf "
	  "-ident -filter -working-tree-encoding\n" },
	/* an up-to-date one is left alone, whatever else is there */
	{ "x y\n[attr]dgit-defuse-attrs -text -working-tree-encoding\n",
	  "x y\n[attr]dgit-defuse-attrs -text -working-tree-encoding\n" },
};

int
main(void)
{
	char dir[] = "/tmp/dgit-test-import.XXXXXX";
	char path[256];
	git_repository *repo = NULL;

	git_libgit2_init();
	if (!unit_ok(mkdtemp(dir) != NULL, "temporary directory") ||
	    !unit_ok(git_repository_init(&repo, dir, 0) == 0, "repository"))
		return unit_done();
	snprintf(path, sizeof path, "%s/.git/info/attributes", dir);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct dgit_error *err;
		char *got;

		unlink(path);
		if (cases[i].before)
			spit(path, cases[i].before);
		err = dgit_import_setup_gitattributes(repo);
		unit_ok(err == NULL, "case %zu: %s", i, err ? err->msg : "ok");
		got = slurp(path);
		UNIT_STREQ(got, cases[i].after, "case %zu: attributes", i);
		free(got);
		/* and a second time changes nothing */
		dgit_import_setup_gitattributes(repo);
		got = slurp(path);
		UNIT_STREQ(got, cases[i].after, "case %zu: idempotent", i);
		free(got);
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	{
		char *argv[] = { "rm", "-rf", dir, NULL };
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, &st, 0);
	}
	return unit_done();
}
