/*
 * Debian versions: must-parse and must-fail tables (each entry is also put
 * to dpkg, which must agree: no "bad syntax" for the good, "bad syntax" for
 * the bad), a comparison table written from Policy 5.6.12 and checked
 * against `dpkg --compare-versions` when dpkg is installed, file-name
 * helpers, and DEP-14 version mangling.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dgit_version.h"
#include "unit.h"

extern char **environ;

/*
 * Run argv; return its exit status (-1 if it could not run) and whether
 * it wrote "bad syntax" on stderr in *bad_syntax.
 */
static int
run(char *const argv[], int *bad_syntax)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc = -1;
	char buf[4096];
	size_t used = 0;
	ssize_t got;
	pid_t pid;

	*bad_syntax = 0;
	if (pipe(pipefd) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	while ((got = read(pipefd[0], buf + used, sizeof buf - 1 - used)) > 0)
		used += (size_t)got;
	buf[used] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		rc = WEXITSTATUS(status);
	*bad_syntax = strstr(buf, "bad syntax") != NULL;
	return rc;
}

static int have_dpkg;

/* dpkg's opinion of v: 1 good, 0 bad syntax, -1 could not ask */
static int
dpkg_accepts(const char *v)
{
	char *argv[] = { "dpkg", "--compare-versions", "0", "lt",
	    (char *)v, NULL };
	int bad_syntax, rc = run(argv, &bad_syntax);

	if (rc < 0)
		return -1;
	return !bad_syntax;
}

/* 1 when dpkg --compare-versions a OP b holds, 0 not, -1 error */
static int
dpkg_cmp(const char *a, const char *op, const char *b)
{
	char *argv[] = { "dpkg", "--compare-versions", (char *)a,
	    (char *)op, (char *)b, NULL };
	int bad_syntax, rc = run(argv, &bad_syntax);

	return rc == 0 ? 1 : rc == 1 ? 0 : -1;
}

static const struct {
	const char *v, *epoch, *upstream, *revision;
} good[] = {
	{ "0", NULL, "0", NULL },
	{ "1.0", NULL, "1.0", NULL },
	{ "1.0-1", NULL, "1.0", "1" },
	{ "1:1.0-1", "1", "1.0", "1" },
	{ "01:1.0", "01", "1.0", NULL },
	{ "2147483647:1", "2147483647", "1", NULL },
	{ "4.17.3+10-g1234567-1", NULL, "4.17.3+10-g1234567", "1" },
	{ "1.0~rc1-1~bpo12+1", NULL, "1.0~rc1", "1~bpo12+1" },
	{ "1.0-1.2+b1", NULL, "1.0", "1.2+b1" },
	{ "1.0--1", NULL, "1.0-", "1" },
	{ "1:2:3", "1", "2:3", NULL },
	{ "1:2:3-4", "1", "2:3", "4" },
	{ "1.0-a", NULL, "1.0", "a" },
	{ "1.0-0ubuntu1", NULL, "1.0", "0ubuntu1" },
	{ "20240101", NULL, "20240101", NULL },
	{ "1.0+dfsg~", NULL, "1.0+dfsg~", NULL },
	{ "1..2.", NULL, "1..2.", NULL },
	{ "1.0-1.lock", NULL, "1.0", "1.lock" },
	{ "9ABCdef", NULL, "9ABCdef", NULL },
};

/* reason, version; dpkg_differs: dpkg would accept (it trims blanks) */
static const struct {
	const char *v;
	int dpkg_differs;
} bad_versions[] = {
	{ "", 1 },              /* dpkg's compare-versions: "no version" */
	{ "a1.0", 0 },          /* upstream must start with a digit */
	{ "1:a", 0 },
	{ "-1", 0 },            /* upstream empty */
	{ "1:-1", 0 },
	{ ":1", 0 },            /* epoch empty */
	{ "1:", 0 },            /* nothing after the colon */
	{ "a:1", 0 },           /* epoch not a number */
	{ "-1:1", 0 },
	{ "1.0-a:b", 0 },       /* first ':' makes "1.0-a" the epoch */
	{ "2147483648:1", 0 },  /* epoch too big */
	{ "99999999999999999999:1", 0 },
	{ "1.0-", 0 },          /* revision empty */
	{ "1.0-1-", 0 },
	{ "1.0-1_2", 0 },       /* '_' in revision */
	{ "1:1.0-1:2", 0 },     /* ':' in revision */
	{ "1.0_1", 0 },         /* '_' in upstream */
	{ "1.0/1", 0 },
	{ "1.0 1", 0 },         /* embedded whitespace */
	{ "1.0\t1", 0 },
	{ " 1.0", 1 },          /* dpkg trims blanks, we do not */
	{ "1.0 ", 1 },
	{ "1.0\n", 1 },
	{ "1.\xc3\xa9", 0 },    /* non-ASCII letter */
};

/* a, b, expected sign of compare(a, b) */
static const struct {
	const char *a, *b;
	int want;
} cmp[] = {
	{ "1.0", "1.0", 0 },
	{ "1.0", "1.1", -1 },
	{ "1.10", "1.9", 1 },          /* numbers compare as numbers */
	{ "1.0", "1.0-0", 0 },         /* absent revision is "0" */
	{ "0:1.0", "1.0", 0 },         /* absent epoch is 0 */
	{ "00:1.0", "0:1.0", 0 },
	{ "1:0.1", "2.0", 1 },         /* epoch first */
	{ "1.0~rc1", "1.0", -1 },      /* '~' sorts before everything */
	{ "1.0~~", "1.0~", -1 },
	{ "1.0~~a", "1.0~~", 1 },
	{ "1.0~", "1.0", -1 },
	{ "1.0", "1.0a", -1 },         /* end before a letter */
	{ "1.0a", "1.0+", -1 },        /* letters before non-letters */
	{ "1.0+", "1.0.", -1 },        /* '+' before '.' in ASCII */
	{ "1.0.", "1.0-0", 1 },        /* '.' after the end of "1.0" */
	{ "1.0-1", "1.0-2", -1 },
	{ "1.0-1", "1.0-1+b1", -1 },
	{ "1.0-1~bpo12+1", "1.0-1", -1 },
	{ "1.0-10", "1.0-9", 1 },
	{ "1.0a", "1.0B", 1 },         /* letters in ASCII order: 'B' < 'a' */
	{ "1.001", "1.1", 0 },         /* leading zeros */
	{ "4.17.3+10-g1234567-1", "4.17.3+9-1", 1 },
	{ "2:1", "1:9", 1 },
	{ "1.2.3", "1.2.3.0", -1 },
	{ "1:2:3", "1:2:4", -1 },
	{ "1.0+dfsg-1", "1.0-1", 1 },
	{ "1.0~dfsg-1", "1.0-1", -1 },
	{ "0", "0.0", -1 },
	{ "1.0-1.1", "1.0-1a", 1 },    /* 'a' sorts before '.' */
};

static void
test_good(void)
{
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		struct dgit_version v;
		const struct dgit_error *err = dgit_version_parse(&v, good[i].v);
		int ok = err == NULL;

		if (ok && (good[i].epoch == NULL) != (v.epoch == NULL))
			ok = 0;
		if (ok && good[i].epoch && strcmp(v.epoch, good[i].epoch))
			ok = 0;
		if (ok && strcmp(v.upstream, good[i].upstream))
			ok = 0;
		if (ok && (good[i].revision == NULL) != (v.revision == NULL))
			ok = 0;
		if (ok && good[i].revision &&
		    strcmp(v.revision, good[i].revision))
			ok = 0;
		if (!unit_ok(ok, "parse '%s'", good[i].v))
			unit_diag("  %s; got epoch %s upstream %s revision %s",
			    err ? err->msg : "wrong parts",
			    v.epoch ? v.epoch : "-",
			    v.upstream ? v.upstream : "-",
			    v.revision ? v.revision : "-");
		dgit_version_release(&v);
		if (have_dpkg)
			unit_ok(dpkg_accepts(good[i].v) == 1,
			    "dpkg accepts '%s' too", good[i].v);
	}
}

/* s with control characters shown as '?', for TAP lines */
static void
printable(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	buf[i] = '\0';
}

static void
test_bad(void)
{
	for (size_t i = 0; i < sizeof bad_versions / sizeof *bad_versions;
	    i++) {
		struct dgit_version v;
		const char *s = bad_versions[i].v;
		const struct dgit_error *err = dgit_version_parse(&v, s);

		char shown[64];

		printable(shown, sizeof shown, s);
		unit_ok(err != NULL && err->code == DGIT_ERR_PARSE &&
		    v.upstream == NULL, "reject '%s'", shown);
		if (err != NULL) {
			unit_ok(strchr(err->msg, '\n') == NULL,
			    "message is one line: %s", err->msg);
		}
		unit_ok(dgit_version_check(s) != NULL, "check '%s' fails",
		    shown);
		dgit_version_release(&v);
		if (have_dpkg && !bad_versions[i].dpkg_differs)
			unit_ok(dpkg_accepts(s) == 0,
			    "dpkg finds '%s' bad too", shown);
	}
}

/* a cap on length, and the message does not carry all of it */
static void
test_long(void)
{
	char v[1100];
	const struct dgit_error *err;

	memset(v, '1', sizeof v - 1);
	v[sizeof v - 1] = '\0';
	err = dgit_version_check(v);
	unit_ok(err != NULL && strlen(err->msg) < 300,
	    "an over-long version fails with a short message");
	v[1024] = '\0';
	unit_ok(dgit_version_check(v) == NULL, "1024 bytes is still fine");
}

static void
test_compare(void)
{
	static const char *const ops[] = { "lt", "eq", "gt" };

	for (size_t i = 0; i < sizeof cmp / sizeof *cmp; i++) {
		int r = dgit_version_compare(cmp[i].a, cmp[i].b);
		int back = dgit_version_compare(cmp[i].b, cmp[i].a);
		int sign = r < 0 ? -1 : r > 0;
		int bsign = back < 0 ? -1 : back > 0;

		unit_ok(sign == cmp[i].want, "compare '%s' '%s' = %d (got %d)",
		    cmp[i].a, cmp[i].b, cmp[i].want, sign);
		unit_ok(bsign == -cmp[i].want, "compare '%s' '%s' = %d",
		    cmp[i].b, cmp[i].a, -cmp[i].want);
		if (have_dpkg)
			unit_ok(dpkg_cmp(cmp[i].a, ops[cmp[i].want + 1],
			    cmp[i].b) == 1, "dpkg agrees: '%s' %s '%s'",
			    cmp[i].a, ops[cmp[i].want + 1], cmp[i].b);
	}
	{
		int r = 5;
		unit_ok(dgit_version_compare_checked(&r, "1.0", "a") != NULL &&
		    r == 0, "checked compare refuses an invalid version");
		unit_ok(dgit_version_compare_checked(&r, "1.0", "1.0-1") ==
		    NULL && r < 0, "checked compare of valid versions");
	}
}

static const struct {
	const char *v, *upstream, *noepoch;
} names[] = {
	{ "1.0", "1.0", "1.0" },
	{ "1.0-1", "1.0", "1.0-1" },
	{ "1:2.0~rc1-3", "2.0~rc1", "2.0~rc1-3" },
	{ "4.17.3+10-g1234567-1", "4.17.3+10-g1234567", "4.17.3+10-g1234567-1" },
	{ "1:2:3-4", "2:3", "2:3-4" },
};

static void
test_names(void)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *u = NULL, *ne = NULL;

		unit_ok(dgit_version_upstream(&u, names[i].v) == NULL &&
		    dgit_version_noepoch(&ne, names[i].v) == NULL,
		    "names of '%s'", names[i].v);
		UNIT_STREQ(u, names[i].upstream, "upstream of '%s'",
		    names[i].v);
		UNIT_STREQ(ne, names[i].noepoch, "no-epoch form of '%s'",
		    names[i].v);
		free(u);
		free(ne);
	}
	{
		char *u = (char *)1;
		unit_ok(dgit_version_upstream(&u, "x") != NULL && u == NULL,
		    "upstream of an invalid version fails");
	}
}

/* DEP-14 "Version mangling"; the tags made of it are in test-history */
static void
test_mangle(void)
{
	char *t = (char *)1;

	unit_ok(dgit_version_mangle(&t, "1:1.0~a..b.") == NULL,
	    "mangle alone");
	UNIT_STREQ(t, "1%1.0_a.#.b.#", "mangled form");
	free(t);
	t = (char *)1;
	unit_ok(dgit_version_mangle(&t, "1.0 1") != NULL && t == NULL,
	    "no mangled form of an invalid version");
}

int
main(void)
{
	have_dpkg = dpkg_accepts("1.0") == 1;
	if (!have_dpkg)
		unit_diag("dpkg not found: not cross-checking with dpkg");
	test_good();
	test_bad();
	test_long();
	test_compare();
	test_names();
	test_mangle();
	return unit_done();
}
