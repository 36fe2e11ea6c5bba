/*
 * The tainted-objects pre-check: which of the server's tainted objects a
 * history contains, and dgit's message for each (the text of
 * Debian::Dgit's tainted_objects_message, as Perl dgit prints it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "dgit_fs.h"
#include "dgit_taint.h"
#include "unit.h"

static git_oid blob, tree_with, tree_without, c_with, c_after, c_other;

static int
make_commit(git_oid *out, git_repository *repo, const git_oid *tree,
    const git_oid *parent)
{
	git_signature *sig = NULL;
	git_tree *t = NULL;
	git_commit *p = NULL;
	const git_commit *parents[1];
	int r;

	if (git_signature_new(&sig, "T", "t@example.org", 1704067200, 0) != 0 ||
	    git_tree_lookup(&t, repo, tree) != 0)
		return -1;
	if (parent && git_commit_lookup(&p, repo, parent) != 0)
		return -1;
	parents[0] = p;
	r = git_commit_create(out, repo, NULL, sig, sig, NULL, "c\n", t,
	    p ? 1 : 0, parents);
	git_commit_free(p);
	git_tree_free(t);
	git_signature_free(sig);
	return r;
}

/* debian/some-file (the blob) or debian/other, under debian/ */
static int
make_tree(git_oid *out, git_repository *repo, const char *name,
    const git_oid *id)
{
	git_treebuilder *tb = NULL, *top = NULL;
	git_oid sub;
	int r;

	if (git_treebuilder_new(&tb, repo, NULL) != 0 ||
	    git_treebuilder_insert(NULL, tb, name, id, GIT_FILEMODE_BLOB) !=
	    0 || git_treebuilder_write(&sub, tb) != 0 ||
	    git_treebuilder_new(&top, repo, NULL) != 0 ||
	    git_treebuilder_insert(NULL, top, "debian", &sub,
	    GIT_FILEMODE_TREE) != 0)
		r = -1;
	else
		r = git_treebuilder_write(out, top);
	git_treebuilder_free(tb);
	git_treebuilder_free(top);
	return r;
}

static int
setup(git_repository *repo)
{
	git_oid other;

	return git_blob_create_from_buffer(&blob, repo, "FORBIDDEN\n", 10) ||
	    git_blob_create_from_buffer(&other, repo, "fine\n", 5) ||
	    make_tree(&tree_with, repo, "some-file", &blob) ||
	    make_tree(&tree_without, repo, "other", &other) ||
	    make_commit(&c_with, repo, &tree_with, NULL) ||
	    make_commit(&c_after, repo, &tree_without, &c_with) ||
	    make_commit(&c_other, repo, &tree_without, NULL);
}

/* tmpl with @B and @C replaced by b and c */
static void
subst(char *out, size_t size, const char *tmpl, const char *b, const char *c)
{
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 41 < size; p++) {
		if (p[0] == '@' && (p[1] == 'B' || p[1] == 'C')) {
			const char *v = p[1] == 'B' ? b : c;

			memcpy(out + n, v, strlen(v));
			n += strlen(v);
			p++;
		} else
			out[n++] = *p;
	}
	out[n] = '\0';
}

static void
test_checks(git_repository *repo)
{
	char b[GIT_OID_HEXSZ + 1], c[GIT_OID_HEXSZ + 1];
	char json[2048], want[2048];
	const char *questionable[] = {
	    "--deliberately-include-questionable-history" };
	struct {
		const char *what;
		const char *json;          /* @B: the blob, @C: the commit */
		const git_oid *head;
		int given;                 /* questionable[] given */
		const char *want;          /* NULL: nothing found */
	} cases[] = {
	    { "a blob in an ancestor's tree, overridable",
	      "[{\"gitobjid\":\"@B\",\"gitobjtype\":\"blob\","
	      "\"time\":1704067200,\"comment\":\"forbidden for testing\","
	      "\"overrides\":[\"--deliberately-include-questionable-history\"]}]",
	      &c_after, 0,
	      "\nHistory contains tainted blob @B\n"
	      "Taint recorded at time 2024-01-01 00:00:00 Z for any package\n"
	      "Reason: forbidden for testing\n"
	      "Could perhaps be forced using --deliberately.  Consult "
	      "documentation.\n" },
	    { "overridden by the --deliberately given",
	      "[{\"gitobjid\":\"@B\",\"comment\":\"x\","
	      "\"overrides\":[\"--deliberately-include-questionable-history\"]}]",
	      &c_after, 1, NULL },
	    { "not overridable, no time, package named, a hint once",
	      "[{\"gitobjid\":\"@B\",\"comment\":\"one\",\"package\":\"p\","
	      "\"hint\":\"HINT\\n\",\"overrides\":[]},"
	      "{\"gitobjid\":\"@C\",\"gitobjtype\":\"commit\","
	      "\"comment\":\"two\",\"hint\":\"HINT\\n\"}]",
	      &c_after, 1,
	      "\nHistory contains tainted commit @C\n"
	      "Taint recorded for any package\n"
	      "Reason: two\n"
	      "Uncorrectable error.  If confused, consult administrator.\n"
	      "HINT\n"
	      "\nHistory contains tainted blob @B\n"
	      "Taint recorded for package p\n"
	      "Reason: one\n"
	      "Uncorrectable error.  If confused, consult administrator.\n" },
	    { "an object this repository lacks",
	      "[{\"gitobjid\":\"0123456789012345678901234567890123456789\","
	      "\"comment\":\"x\"}]", &c_after, 0, NULL },
	    { "a history without the object",
	      "[{\"gitobjid\":\"@B\",\"comment\":\"x\"}]", &c_other, 0, NULL },
	    { "an empty list", "[]", &c_after, 0, NULL },
	};
	const char *bad[] = { "{", "{}", "[{\"comment\":\"no id\"}]",
	    "[{\"gitobjid\":\"xyz\"}]", "[1]" };

	git_oid_tostr(b, sizeof b, &blob);
	git_oid_tostr(c, sizeof c, &c_with);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct dgit_error *err;
		char *report = NULL;

		subst(json, sizeof json, cases[i].json, b, c);
		err = dgit_taint_check(&report, repo, cases[i].head, json,
		    strlen(json), questionable, cases[i].given, NULL, NULL);
		if (!unit_ok(err == NULL, "%s: no error", cases[i].what))
			unit_diag("  %s", err->msg);
		if (cases[i].want == NULL)
			unit_ok(report == NULL, "%s: nothing found",
			    cases[i].what);
		else {
			subst(want, sizeof want, cases[i].want, b, c);
			UNIT_STREQ(report, want, "%s: dgit's message",
			    cases[i].what);
		}
		free(report);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *report = NULL;
		const struct dgit_error *err = dgit_taint_check(&report, repo,
		    &c_after, bad[i], strlen(bad[i]), NULL, 0, NULL, NULL);

		unit_ok(err != NULL && err->code == DGIT_ERR_PARSE &&
		    report == NULL, "'%s' is refused as malformed", bad[i]);
	}
}

int
main(void)
{
	char base[] = "/tmp/dgit-test-taint.XXXXXX", path[600];
	git_repository *repo = NULL;

	git_libgit2_init();
	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/r", base);
	if (unit_ok(git_repository_init(&repo, path, 1) == 0, "init") &&
	    unit_ok(setup(repo) == 0, "the history"))
		test_checks(repo);
	git_repository_free(repo);
	dgit_fs_remove_tree(base);
	git_libgit2_shutdown();
	return unit_done();
}
