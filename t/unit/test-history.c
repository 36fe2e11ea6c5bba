/*
 * The history module: ref and tag names (tags also computed by Perl
 * dgit's own Debian::Dgit functions and checked with `git
 * check-ref-format`), checked ref updates (success, a lost race, several
 * refs all or nothing), the pseudomerge messages against dgit's texts,
 * and a pseudomerge's commit id against `git hash-object` of the commit
 * text dgit writes.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_history.h"
#include "unit.h"

extern char **environ;

/* Run argv with input on stdin; its stdout (up to len-1 bytes) into out.
 * Returns the exit status, -1 if it could not run. */
static int
run_out(char *const argv[], const char *input, char *out, size_t len)
{
	posix_spawn_file_actions_t fa;
	int in[2], o[2], status, rc = -1;
	size_t used = 0;
	ssize_t got;
	pid_t pid;

	out[0] = '\0';
	if (pipe(in) != 0 || pipe(o) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, o[0]);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(in[0]), close(in[1]), close(o[0]), close(o[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(o[1]);
	if (input && write(in[1], input, strlen(input)) < 0)
		rc = -1;
	close(in[1]);
	while ((got = read(o[0], out + used, len - 1 - used)) > 0)
		used += (size_t)got;
	out[used] = '\0';
	close(o[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		rc = WEXITSTATUS(status);
	return rc;
}

/* DEP-14 "Version mangling" and dgit(7)'s archive/DISTRO/VERSION */
static const struct {
	const char *v, *distro, *archive, *maint;
} tags[] = {
	{ "1.0-1", "debian", "archive/debian/1.0-1", "debian/1.0-1" },
	{ "1:2.0~rc1-3", "debian", "archive/debian/1%2.0_rc1-3",
	  "debian/1%2.0_rc1-3" },
	{ "1.0~~rc1", "ubuntu", "archive/ubuntu/1.0__rc1",
	  "ubuntu/1.0__rc1" },
	{ "1..2", "debian", "archive/debian/1.#.2", "debian/1.#.2" },
	{ "1...2", "debian", "archive/debian/1.#.#.2", "debian/1.#.#.2" },
	{ "1.0.", "debian", "archive/debian/1.0.#", "debian/1.0.#" },
	{ "1.0-1.lock", "debian", "archive/debian/1.0-1.#lock",
	  "debian/1.0-1.#lock" },
	{ "1.lockx", "debian", "archive/debian/1.lockx", "debian/1.lockx" },
	{ "1:2:3", "Test-Distro", "archive/Test-Distro/1%2%3",
	  "Test-Distro/1%2%3" },
};

static void
test_tags(void)
{
	int perl = 1;

	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
		char *a = NULL, *m = NULL, ref[512], out[512];
		char *git[] = { "git", "check-ref-format", ref, NULL };
		char *pl[] = { "perl", "-MDebian::Dgit", "-e", "print "
		    "Debian::Dgit::debiantag_new($ARGV[0],$ARGV[1]),\"\\n\","
		    "Debian::Dgit::debiantag_maintview($ARGV[0],$ARGV[1]),"
		    "\"\\n\"", (char *)tags[i].v, (char *)tags[i].distro, NULL };

		unit_ok(dgit_history_archive_tag(&a, tags[i].distro,
		    tags[i].v) == NULL && dgit_history_maint_tag(&m,
		    tags[i].distro, tags[i].v) == NULL, "tags of '%s'",
		    tags[i].v);
		UNIT_STREQ(a, tags[i].archive, "archive tag of '%s'",
		    tags[i].v);
		UNIT_STREQ(m, tags[i].maint, "maintainer tag of '%s'",
		    tags[i].v);
		if (perl && run_out(pl, NULL, out, sizeof out) == 0) {
			char want[512];

			snprintf(want, sizeof want, "%s\n%s\n", a ? a : "",
			    m ? m : "");
			const char *got = out;

			UNIT_STREQ(got, want, "Perl dgit makes the same tags "
			    "of '%s'", tags[i].v);
		} else if (perl) {
			unit_diag("Debian::Dgit not found: not comparing with "
			    "Perl dgit");
			perl = 0;
		}
		snprintf(ref, sizeof ref, "refs/tags/%s", a ? a : "");
		if (run_out(git, NULL, out, sizeof out) >= 0)
			unit_ok(run_out(git, NULL, out, sizeof out) == 0,
			    "git accepts '%s'", ref);
		free(a);
		free(m);
	}
	{
		char *t = (char *)1;

		unit_ok(dgit_history_archive_tag(&t, "debian", "1.0 1") !=
		    NULL && t == NULL, "no tag for an invalid version");
		t = (char *)1;
		unit_ok(dgit_history_archive_tag(&t, "de/bian", "1.0") !=
		    NULL && t == NULL, "no tag for an invalid distro");
		t = (char *)1;
		unit_ok(dgit_history_maint_tag(&t, "-debian", "1.0") !=
		    NULL && t == NULL, "no tag for a distro starting with -");
	}
}

static void
test_refs(void)
{
	static const struct {
		const char *suite, *tracking, *server, *branch;
	} good[] = {
		{ "sid", "refs/remotes/dgit/dgit/sid", "refs/dgit/sid",
		  "refs/heads/dgit/sid" },
		{ "bookworm,-security", "refs/remotes/dgit/dgit/"
		  "bookworm,-security", "refs/dgit/bookworm,-security",
		  "refs/heads/dgit/bookworm,-security" },
	};
	static const char *const bad[] = { "", "a..b", "a b", "x.lock",
		"a~b", "a:b", "a\\b", "-x/" };

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		char *t = NULL, *s = NULL, *b = NULL;

		unit_ok(dgit_history_tracking_ref(&t, good[i].suite) == NULL &&
		    dgit_history_server_ref(&s, good[i].suite) == NULL &&
		    dgit_history_branch_ref(&b, good[i].suite) == NULL,
		    "refs of '%s'", good[i].suite);
		UNIT_STREQ(t, good[i].tracking, "tracking ref");
		UNIT_STREQ(s, good[i].server, "server ref");
		UNIT_STREQ(b, good[i].branch, "branch");
		free(t);
		free(s);
		free(b);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *t = (char *)1;
		const struct dgit_error *err = dgit_history_tracking_ref(&t,
		    bad[i]);

		unit_ok(err && err->code == DGIT_ERR_PARSE && t == NULL &&
		    strstr(err->msg, "not a valid git ref name"),
		    "no tracking ref for suite '%s'", bad[i]);
	}
}

/* dgit's message texts, from its source (dgit, fetch_from_archive,
 * cmd_import_dsc, pseudomerge_hash_commit, the multi-suite merge). */
static void
test_messages(void)
{
	static const struct dgit_history_combine_input in[] = {
		{ "1.0-2", "local combined tracking branch", ' ' },
		{ "1.0-1", "bookworm", '+' },
		{ "1.0-3", "bookworm-security", '*' },
	};
	char *m = NULL;

	unit_ok(dgit_history_record_message(&m, "foo", "1.0-2", "sid",
	    "1.0-1") == NULL, "record message");
	UNIT_STREQ(m, "Record foo (1.0-2) in archive suite sid\n\n"
	    "Record that\n"
	    "  1.0-2                Import of source package\n"
	    "should be treated as descended from\n"
	    "  1.0-1                dgit client's archive history view\n",
	    "record message bytes");
	free(m);
	unit_ok(dgit_history_merge_import_message(&m, "foo", "1:1.0-2",
	    "refs/heads/master") == NULL, "import-dsc merge message");
	UNIT_STREQ(m, "Merge foo (1:1.0-2) import into refs/heads/master\n",
	    "import-dsc merge message bytes");
	free(m);
	unit_ok(dgit_history_combine_message(&m, "bookworm,-security", in, 3)
	    == NULL, "combine message");
	UNIT_STREQ(m, "Combine archive branches bookworm,-security [dgit]\n\n"
	    "Input branches:\n"
	    "    1.0-2                     local combined tracking branch\n"
	    " +  1.0-1                     bookworm\n"
	    " *  1.0-3                     bookworm-security\n"
	    "\nKey\n"
	    " * marks the highest version branch, which choose to use\n"
	    " + marks each branch which was not already an ancestor\n\n"
	    "[dgit multi-suite bookworm,-security]\n", "combine message bytes");
	free(m);
	unit_ok(dgit_history_ff_message(&m, "1.0-1", NULL, "") == NULL,
	    "--overwrite message");
	UNIT_STREQ(m, "Declare fast forward from 1.0-1\n\n[dgit --overwrite]\n",
	    "--overwrite message bytes");
	free(m);
	unit_ok(dgit_history_ff_message(&m, "1.0-1", NULL, "0.9-1") == NULL,
	    "--overwrite=VER message");
	UNIT_STREQ(m, "Declare fast forward from 1.0-1\n\n"
	    "[dgit --overwrite=0.9-1]\n", "--overwrite=VER message bytes");
	free(m);
	unit_ok(dgit_history_ff_message(&m, "1.0-1", "gbp", NULL) == NULL,
	    "split view message");
	UNIT_STREQ(m, "Make fast forward from 1.0-1\n\n[dgit --quilt=gbp]\n",
	    "split view message bytes");
	free(m);
	unit_ok(dgit_history_ff_message(&m, "1.0-1", "dpm", "") == NULL,
	    "split view --overwrite message");
	UNIT_STREQ(m, "Declare fast forward from 1.0-1\n\n"
	    "[dgit --quilt=dpm --overwrite]\n",
	    "split view --overwrite message bytes");
	free(m);
}

/* A commit whose tree has debian/changelog for version v. */
static void
mkcommit(git_oid *out, git_repository *repo, const char *v,
    const git_oid *parent)
{
	char clog[512];
	git_oid blob, tree;
	git_treebuilder *tb = NULL, *db = NULL;
	git_signature *sig = NULL;
	git_tree *t = NULL;
	git_commit *p = NULL;
	git_oid dtree;

	snprintf(clog, sizeof clog, "foo (%s) unstable; urgency=medium\n\n"
	    "  * Test.\n\n -- Jane Doe <jane@example.org>  "
	    "Mon, 01 Jan 2024 12:00:00 +0100\n", v);
	git_blob_create_from_buffer(&blob, repo, clog, strlen(clog));
	git_treebuilder_new(&db, repo, NULL);
	git_treebuilder_insert(NULL, db, "changelog", &blob,
	    GIT_FILEMODE_BLOB);
	git_treebuilder_write(&dtree, db);
	git_treebuilder_new(&tb, repo, NULL);
	git_treebuilder_insert(NULL, tb, "debian", &dtree, GIT_FILEMODE_TREE);
	git_treebuilder_write(&tree, tb);
	git_tree_lookup(&t, repo, &tree);
	git_signature_new(&sig, "T", "t@example.org", 1700000000, 0);
	if (parent)
		git_commit_lookup(&p, repo, parent);
	git_commit_create(out, repo, NULL, sig, sig, NULL, v, t, p ? 1 : 0,
	    (const git_commit **)&p);
	git_commit_free(p);
	git_signature_free(sig);
	git_tree_free(t);
	git_treebuilder_free(tb);
	git_treebuilder_free(db);
}

static int
ref_is(git_repository *repo, const char *name, const git_oid *want)
{
	git_oid cur;
	int rc = git_reference_name_to_id(&cur, repo, name);

	if (want == NULL)
		return rc == GIT_ENOTFOUND;
	return rc == 0 && git_oid_equal(&cur, want);
}

static void
test_updates(git_repository *repo)
{
	const struct dgit_error *err;
	git_oid a, b, c;
	const char *r1 = "refs/remotes/dgit/dgit/sid";
	const char *r2 = "refs/heads/dgit/sid";

	mkcommit(&a, repo, "1.0-1", NULL);
	mkcommit(&b, repo, "1.0-2", &a);
	mkcommit(&c, repo, "1.0-3", &b);

	err = dgit_history_update_ref(repo, r1, NULL, &a, "test");
	unit_ok(err == NULL && ref_is(repo, r1, &a), "create an absent ref");
	err = dgit_history_update_ref(repo, r1, NULL, &b, "test");
	unit_ok(err && err->code == DGIT_ERR_EXISTS && ref_is(repo, r1, &a),
	    "'absent' expected, but it exists: refused, unchanged");
	err = dgit_history_update_ref(repo, r1, &a, &b, "test");
	unit_ok(err == NULL && ref_is(repo, r1, &b), "compare-and-swap");
	/* someone else moved it from a to b meanwhile */
	err = dgit_history_update_ref(repo, r1, &a, &c, "test");
	unit_ok(err && err->code == DGIT_ERR_EXISTS && ref_is(repo, r1, &b) &&
	    strstr(err->msg, r1) && strstr(err->msg, "someone else"),
	    "lost race: refused, unchanged");

	/* two refs: one stale, so neither moves */
	{
		struct dgit_history_ref_update u[2] = {
			{ r2, NULL, &c }, { r1, &a, &c } };

		err = dgit_history_update_refs(repo, u, 2, "test");
		unit_ok(err && err->code == DGIT_ERR_EXISTS &&
		    ref_is(repo, r2, NULL) && ref_is(repo, r1, &b),
		    "several refs, one stale: none moves");
		u[1].old = &b;
		err = dgit_history_update_refs(repo, u, 2, "test");
		unit_ok(err == NULL && ref_is(repo, r2, &c) &&
		    ref_is(repo, r1, &c), "several refs: all move");
	}
	/* a ref locked by another git process */
	{
		char path[1024];
		FILE *fp;

		snprintf(path, sizeof path, "%srefs/heads/dgit/sid.lock",
		    git_repository_path(repo));
		fp = fopen(path, "w");
		if (fp)
			fclose(fp);
		err = dgit_history_update_ref(repo, r2, &c, &a, "test");
		unit_ok(err != NULL && ref_is(repo, r2, &c),
		    "a locked ref is not updated");
		unlink(path);
	}
}

/* The pseudomerge's id equals git's hash of the commit text dgit writes
 * (author and committer from the changelog, UTC). */
static void
test_pseudomerge(git_repository *repo)
{
	git_oid a, b, m, want;
	char *msg = NULL, text[4096], out[128], ha[41], hb[41], ht[41];
	char *argv[] = { "git", "hash-object", "-t", "commit", "--stdin",
	    NULL };
	git_commit *c = NULL;
	int ff = -1;

	mkcommit(&a, repo, "1.0-1", NULL);
	mkcommit(&b, repo, "1.0-2", NULL);
	unit_ok(dgit_history_descends(&ff, repo, &b, &a) == NULL && ff == 0,
	    "unrelated commits do not descend");
	dgit_history_record_message(&msg, "foo", "1.0-2", "sid", "1.0-1");
	unit_ok(dgit_history_record(&m, repo, &b, &a, "foo", "1.0-2", "sid")
	    == NULL, "record a new version");
	git_commit_lookup(&c, repo, &b);
	git_oid_tostr(ht, sizeof ht, git_commit_tree_id(c));
	git_oid_tostr(ha, sizeof ha, &a);
	git_oid_tostr(hb, sizeof hb, &b);
	snprintf(text, sizeof text, "tree %s\nparent %s\nparent %s\n"
	    "author Jane Doe <jane@example.org> 1704106800 +0000\n"
	    "committer Jane Doe <jane@example.org> 1704106800 +0000\n\n%s",
	    ht, hb, ha, msg);
	if (run_out(argv, text, out, sizeof out) == 0 &&
	    git_oid_fromstrn(&want, out, 40) == 0) {
		unit_ok(git_oid_equal(&m, &want), "pseudomerge id is git's "
		    "hash of dgit's commit text");
	}
	unit_ok(dgit_history_descends(&ff, repo, &m, &a) == NULL && ff == 1,
	    "the pseudomerge descends from the old tip");
	unit_ok(dgit_history_record(&m, repo, &a, &a, "foo", "1.0-1", "sid")
	    == NULL && git_oid_equal(&m, &a), "the same commit: no change");
	git_commit_free(c);
	free(msg);
}

int
main(void)
{
	char base[] = "/tmp/dgit-test-history.XXXXXX", path[600];
	git_repository *repo = NULL;

	git_libgit2_init();
	test_tags();
	test_refs();
	test_messages();
	if (mkdtemp(base) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/r", base);
	if (unit_ok(git_repository_init(&repo, path, 0) == 0, "init")) {
		test_updates(repo);
		test_pseudomerge(repo);
		git_repository_free(repo);
	}
	{
		char *rm[] = { "rm", "-rf", base, NULL };

		run_out(rm, NULL, path, sizeof path);
	}
	git_libgit2_shutdown();
	return unit_done();
}
