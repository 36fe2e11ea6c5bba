/*
 * debian/changelog parsing.  Expected field values are what
 * `dpkg-parsechangelog -l FILE --format rfc822 --all` printed for these
 * inputs; timestamps were also checked with `date -u -d DATE +%s`.
 * Where we deliberately differ from dpkg (a full month name still gives a
 * timestamp) the comment says so.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_changelog.h"
#include "dgit_error.h"
#include "unit.h"

static const char C2[] =
"pkg (1:1.0~rc1-1) unstable experimental; urgency=HIGH (security), "
"binary-only=yes, XS-Foo=bar\n"
"\n"
"\n"
"  * First.\n"
"    More.\n"
"\n"
"  * Second.\n"
"\n"
"\n"
" -- Jane Q. Doe <jane@example.org>  Sun, 29 Feb 2004 23:59:59 -0930\n"
"\n"
"\n"
"pkg (0.9) UNRELEASED;\n"
"\n"
"  * Old.\n"
"\n"
" -- J <j@x>  Fri, 13 Sep 1996 10:02:03 +0545\n";

static const char C6[] =
"hello (2.10-3) unstable; urgency=medium\r\n"
"\r\n"
"  * Fix.\r\n"
"\r\n"
" -- Santiago Vila <sanvila@debian.org>  Mon, 02 Jan 2023 03:04:05 +0000\r\n";

/* later entries with problems dpkg only warns about */
static const char C9[] =
"# comment\n"
"$Id: foo $\n"
"x (2) stable; urgency=low\n"
"\n"
"  * a   \n"
"\n"
" --  Name  With  Spaces  <a@b> Thu, 28 Feb 2100 12:00:00 +1400\n"
"\n"
"x (1) stable; urgency=low\n"
"\n"
"  * b\n"
"\n"
" -- N <n@x>  1 January 1970 00:00:00 +0000\n"
"\n"
"x (0.5) stable; urgency=low\n"
"\n"
"  * c\n"
"\n"
" -- broken trailer\n"
"\n"
"garbage line here\n"
"\n"
"x (0.4) stable; urgency=low\n"
"\n"
"  * d\n"
"\n"
" -- N <n@x>  Wed, 31 Dec 1969 23:00:00 -0100\n"
"\n"
"Old Changelog:\n"
"anything at all\n"
" -- \n";

static const char C4[] =
"x (1.0) unstable; urgency=low\n"
"\n"
"  * a\n"
"\n"
" -- N <n@x>  Sat, 01 Mar 2000 00:00:00 +0000\n"
"\n"
"\n"
";; Local variables:\n"
";; mode: debian-changelog\n"
";; End:\n";

static const char C10[] =
"x (1) stable; urgency=low\n"
"\n"
"  * a\n"
"\n"
" -- N <n@x>  Fri, 31 Feb 2023 03:04:05 +0060\n";

struct want {
	const char *in;
	size_t entry;
	const char *package, *version, *dists, *urgency, *maintainer, *name,
	    *email, *date, *changes;
	int64_t timestamp;
	int tz;
	size_t nentries, line, trailer_line;
	int no_ts;                 /* dpkg prints no Timestamp */
};

static const struct want good[] = {
	{ C2, 0, "pkg", "1:1.0~rc1-1", "unstable experimental", "high",
	  "Jane Q. Doe <jane@example.org>", "Jane Q. Doe", "jane@example.org",
	  "Sun, 29 Feb 2004 23:59:59 -0930",
	  "  * First.\n    More.\n\n  * Second.", 1078133399, -570, 2, 1, 10 },
	{ C2, 1, "pkg", "0.9", "UNRELEASED", NULL, "J <j@x>", "J", "j@x",
	  "Fri, 13 Sep 1996 10:02:03 +0545", "  * Old.", 842588223, 345,
	  2, 13, 17 },
	{ C6, 0, "hello", "2.10-3", "unstable", "medium",
	  "Santiago Vila <sanvila@debian.org>", "Santiago Vila",
	  "sanvila@debian.org", "Mon, 02 Jan 2023 03:04:05 +0000", "  * Fix.",
	  1672628645, 0, 1, 1, 5 },
	/* dpkg keeps NAME's blanks in Maintainer */
	{ C9, 0, "x", "2", "stable", "low", " Name  With  Spaces  <a@b>",
	  "Name  With  Spaces", "a@b", "Thu, 28 Feb 2100 12:00:00 +1400",
	  "  * a", 4107448800, 840, 4, 3, 7 },
	/* dpkg gives no Timestamp for a full month name; we do */
	{ C9, 1, "x", "1", "stable", "low", "N <n@x>", "N", "n@x",
	  "1 January 1970 00:00:00 +0000", "  * b", 0, 0, 4, 9, 13, 1 },
	{ C9, 2, "x", "0.5", "stable", "low", NULL, NULL, NULL, NULL,
	  "  * c", 0, 0, 4, 15, 0 },
	{ C9, 3, "x", "0.4", "stable", "low", "N <n@x>", "N", "n@x",
	  "Wed, 31 Dec 1969 23:00:00 -0100", "  * d", 0, -60, 4, 23, 27 },
	/* dpkg (Time::Piece) counts on past the month's end and 59 minutes */
	{ C10, 0, "x", "1", "stable", "low", "N <n@x>", "N", "n@x",
	  "Fri, 31 Feb 2023 03:04:05 +0060", "  * a", 1677809045, 60, 1, 1,
	  5 },
	{ C4, 0, "x", "1.0", "unstable", "low", "N <n@x>", "N", "n@x",
	  "Sat, 01 Mar 2000 00:00:00 +0000", "  * a", 951868800, 0, 1, 1, 5 },
};

static void
check_entry(const struct want *w, const struct dgit_changelog_entry *e,
    const char *how, size_t i)
{
	char dists[256] = "";
	size_t k, dl = 0;

	UNIT_STREQ(e->package, w->package, "%s good[%zu] package", how, i);
	UNIT_STREQ(e->version, w->version, "%s good[%zu] version", how, i);
	for (k = 0; k < e->ndistributions && dl < sizeof dists; k++)
		dl += (size_t)snprintf(dists + dl, sizeof dists - dl, "%s%s",
		    k ? " " : "", e->distributions[k]);
	{
		const char *d = dists;
		UNIT_STREQ(d, w->dists, "%s good[%zu] distributions", how, i);
	}
	if (w->urgency)
		UNIT_STREQ(e->urgency, w->urgency, "%s good[%zu] urgency", how,
		    i);
	else
		unit_ok(e->urgency == NULL, "%s good[%zu] no urgency", how, i);
	if (w->maintainer == NULL) {
		unit_ok(!e->has_trailer && e->maintainer == NULL &&
		    e->trailer_line == 0, "%s good[%zu] no trailer", how, i);
	} else {
		unit_ok(e->has_trailer, "%s good[%zu] has trailer", how, i);
		UNIT_STREQ(e->maintainer, w->maintainer,
		    "%s good[%zu] maintainer", how, i);
		UNIT_STREQ(e->maintainer_name, w->name, "%s good[%zu] name",
		    how, i);
		UNIT_STREQ(e->maintainer_email, w->email,
		    "%s good[%zu] email", how, i);
		UNIT_STREQ(e->date, w->date, "%s good[%zu] date", how, i);
		if (!unit_ok(e->timestamp == w->timestamp &&
		    e->tz_offset == w->tz, "%s good[%zu] timestamp", how, i))
			unit_diag("  got %" PRId64 " %d", e->timestamp,
			    e->tz_offset);
		unit_ok(e->trailer_line == w->trailer_line,
		    "%s good[%zu] trailer line", how, i);
		unit_ok(e->has_timestamp == !w->no_ts,
		    "%s good[%zu] has_timestamp", how, i);
	}
	UNIT_STREQ(e->changes, w->changes, "%s good[%zu] changes", how, i);
	unit_ok(e->line == w->line, "%s good[%zu] header line", how, i);
}

static void
test_good(void)
{
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct want *w = &good[i];
		struct dgit_changelog *cl;
		const struct dgit_error *err;

		err = dgit_changelog_parse(&cl, w->in, strlen(w->in), "c");
		if (!unit_ok(err == NULL, "good[%zu] parses", i)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		unit_ok(dgit_changelog_nentries(cl) == w->nentries,
		    "good[%zu] has %zu entries", i, w->nentries);
		if (w->entry < dgit_changelog_nentries(cl))
			check_entry(w, dgit_changelog_entry(cl, w->entry),
			    "full", i);
		dgit_changelog_free(cl);

		if (w->entry != 0)
			continue;
		err = dgit_changelog_parse_first(&cl, w->in, strlen(w->in),
		    "c");
		if (!unit_ok(err == NULL && dgit_changelog_nentries(cl) == 1,
		    "good[%zu] parse_first", i)) {
			if (err)
				unit_diag("  %s", err->msg);
			else
				dgit_changelog_free(cl);
			continue;
		}
		check_entry(w, dgit_changelog_entry(cl, 0), "first", i);
		dgit_changelog_free(cl);
	}
}

static void
test_details(void)
{
	struct dgit_changelog *cl;
	const struct dgit_changelog_entry *e;
	size_t i, n;
	/* the problems dpkg-parsechangelog warned about in C9, by line */
	static const char *const c9_warn[] = { "line 7: one space",
	    "line 13: full month name", "line 19: badly formatted trailer",
	    "line 21: badly formatted heading",
	    /* dpkg reads on after a line that is not a trailer */
	    "line 23: found start of entry where expected more change data" };

	if (!unit_ok(dgit_changelog_parse(&cl, C2, strlen(C2), "c") == NULL,
	    "C2 parses"))
		return;
	e = dgit_changelog_entry(cl, 0);
	unit_ok(e->nopts == 3, "three options");
	if (e->nopts == 3) {
		UNIT_STREQ(e->opt_keys[0], "urgency", "option 0 key");
		UNIT_STREQ(e->opt_values[0], "HIGH (security)",
		    "option 0 value as written");
		UNIT_STREQ(e->opt_keys[1], "binary-only", "option 1 key");
		UNIT_STREQ(e->opt_values[1], "yes", "option 1 value");
		UNIT_STREQ(e->opt_keys[2], "XS-Foo", "option 2 key");
		UNIT_STREQ(e->opt_values[2], "bar", "option 2 value");
	}
	unit_ok(dgit_changelog_entry(cl, 2) == NULL, "entry past the end");
	unit_ok(dgit_changelog_nwarnings(cl) == 0, "C2 has no warnings");
	dgit_changelog_free(cl);

	if (!unit_ok(dgit_changelog_parse(&cl, C9, strlen(C9), "c") == NULL,
	    "C9 parses"))
		return;
	n = dgit_changelog_nwarnings(cl);
	unit_ok(n == 5, "C9 has 5 warnings");
	for (i = 0; i < n && i < 5; i++)
		unit_ok(strstr(dgit_changelog_warning(cl, i), c9_warn[i]) !=
		    NULL && strncmp(dgit_changelog_warning(cl, i), "'c' ", 4) ==
		    0, "C9 warning %zu: %s", i, c9_warn[i]);
	dgit_changelog_free(cl);
}

/* The first entry must be well formed. */
#define H "pkg (1.0-1) unstable; urgency=medium\n\n"
#define C "  * Change.\n\n"
#define T " -- A B <a@b.org>  Mon, 02 Jan 2023 03:04:05 +0000\n"
#define LATER "\npkg (0.9-1) unstable; urgency=low\n\n  * Old.\n\n"

static const struct {
	const char *in, *msg;
} bad[] = {
	{ "", "'c': no changelog entry found" },
	{ "\n\n# just a comment\n", "no changelog entry found" },
	{ "pkg 1.0-1 unstable; urgency=medium\n\n" C T,
	  "'c' line 1: badly formatted heading line" },
	{ "pkg (1.0-1 unstable; urgency=medium\n\n" C T,
	  "line 1: badly formatted heading line" },
	/* dpkg takes no ',' in a distribution; dgit says why */
	{ "pkg (1.0-1) stable,unstable; urgency=medium\n\n" C T,
	  "'c' line 1: badly formatted heading line: distribution "
	  "'stable,unstable': this operation does not support multiple "
	  "comma-separated suites" },
	{ "pkg (1.0-1) unstable urgency=medium\n\n" C T,
	  "no changelog entry found" },      /* old-format header: dpkg stops */
	{ "pkg (1.0-1); urgency=medium\n\n" C T,
	  "no changelog entry found" },
	{ H C " -- A B a@b.org  Mon, 02 Jan 2023 03:04:05 +0000\n",
	  "line 5: badly formatted trailer line" },
	{ H C " --A B <a@b.org>  Mon, 02 Jan 2023 03:04:05 +0000\n",
	  "line 5: badly formatted trailer line" },
	{ H C " -- A B <a@b.org>   Mon, 02 Jan 2023 03:04:05 +0000\n",
	  "line 5: badly formatted trailer line" },
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 2023 03:04:05\n",
	  "line 5: badly formatted trailer line" },
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 23 03:04:05 +0000\n",
	  "line 5: badly formatted trailer line" },
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 2023 03:04:05 +0000 x\n",
	  "line 5: badly formatted trailer line" },
	{ H C " -- A B <a@b.org>  Mon, 02 Foo 2023 03:04:05 +0000\n",
	  "line 5: invalid month name" },
	{ H C " -- A B <a@b.org>  Mon, 32 Jan 2023 03:04:05 +0000\n",
	  "line 5: date or time out of range" },
	/* dpkg-parsechangelog (Time::Piece) refuses these too */
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 2023 03:04:60 +0000\n",
	  "line 5: date or time out of range" },
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 1899 03:04:05 +0000\n",
	  "line 5: date or time out of range" },
	{ H C " -- A B <a@b.org>  Mon, 02 Jan 2023 24:04:05 +0000\n",
	  "date or time out of range" },
	{ H C, "line 4: found end of file where expected more change data" },
	{ H, "found end of file where expected start of change data" },
	{ H C LATER T, "line 6: found start of entry where expected more "
	  "change data or trailer" },
	{ "pkg (a1.0) unstable; urgency=low\n\n" C T,
	  "line 1: bad version 'a1.0': version does not start with a digit" },
	{ "pkg (1.0-) unstable; urgency=low\n\n" C T, "revision is empty" },
	{ "pkg (x:1.0) unstable; urgency=low\n\n" C T, "epoch is not a number" },
	{ "pkg (1.0_1) unstable; urgency=low\n\n" C T, "illegal character" },
	{ "  * Stray.\n" H C T, "line 1: change lines before the first" },
	{ T H C T, "line 1: found trailer where expected first heading" },
	{ H "  * a\nstray words here\n" T, "line 4: badly formatted heading" },
	{ H "  * a\0b\n" T, "line 3: line contains a NUL byte" },
};

static void
test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dgit_changelog *cl = (void *)1;
		const struct dgit_error *err;
		size_t len = strlen(bad[i].in);
		int pass;

		/* the one with a NUL: measure up to the trailer */
		if (strstr(bad[i].msg, "NUL"))
			len = sizeof(H "  * a\0b\n" T) - 1;
		for (pass = 0; pass < 2; pass++) {
			err = pass ? dgit_changelog_parse_first(&cl, bad[i].in,
			    len, "c") : dgit_changelog_parse(&cl, bad[i].in,
			    len, "c");
			if (!unit_ok(err != NULL && cl == NULL &&
			    err->code == DGIT_ERR_PARSE &&
			    strstr(err->msg, bad[i].msg) != NULL,
			    "bad[%zu] %s: %s", i, pass ? "first" : "full",
			    bad[i].msg)) {
				unit_diag("  got %s", err ? err->msg : "success");
				if (!err)
					dgit_changelog_free(cl);
			}
		}
	}
}

/* Lenient: no entry at all says what was wrong with the first line. */
static void
test_lenient_why(void)
{
	static const char in[] = "pkg (1.0-1) stable,unstable; "
	    "urgency=medium\n\n" C T;
	struct dgit_changelog *cl = (void *)1;
	const struct dgit_error *err;

	err = dgit_changelog_parse_flags(&cl, in, strlen(in), "c",
	    DGIT_CHANGELOG_LENIENT);
	if (!unit_ok(err != NULL && cl == NULL && strstr(err->msg, "'c': no "
	    "changelog entry found ('c' line 1: badly formatted heading line: "
	    "distribution 'stable,unstable': this operation does not support "
	    "multiple comma-separated suites)") != NULL, "lenient: why no "
	    "entry")) {
		unit_diag("  got %s", err ? err->msg : "success");
		if (!err)
			dgit_changelog_free(cl);
	}
}

/* Later entries may be broken; parse_first never reads them. */
static void
test_first_only(void)
{
	static const char in[] = H C T "\nthis is not a changelog line\n"
	    "pkg (0.9 broken\n";
	struct dgit_changelog *cl;
	const struct dgit_error *err;

	err = dgit_changelog_parse_first(&cl, in, strlen(in), "c");
	if (unit_ok(err == NULL, "parse_first ignores what follows")) {
		unit_ok(dgit_changelog_nentries(cl) == 1 &&
		    dgit_changelog_nwarnings(cl) == 0, "one entry, no warnings");
		dgit_changelog_free(cl);
	}
	err = dgit_changelog_parse(&cl, in, strlen(in), "c");
	if (unit_ok(err == NULL, "full parse tolerates a broken later part")) {
		unit_ok(dgit_changelog_nentries(cl) == 1 &&
		    dgit_changelog_nwarnings(cl) == 2, "one entry, 2 warnings");
		dgit_changelog_free(cl);
	}
}

static const struct {
	const char *date;
	int64_t ts;                /* from date -u -d DATE +%s */
	int tz;
	int ok;
} dates[] = {
	{ "Tue, 07 Oct 2025 14:22:08 +0200", 1759839728, 120, 1 },
	{ "Mon, 02 Jan 2023 03:04:05 +0000", 1672628645, 0, 1 },
	{ "Sun, 29 Feb 2004 23:59:59 -0930", 1078133399, -570, 1 },
	{ "1 Jan 1970 00:00:00 +0000", 0, 0, 1 },
	{ "Wed, 31 Dec 1969 23:00:00 -0100", 0, -60, 1 },
	{ "Thu, 28 Feb 2100 12:00:00 +1400", 4107448800, 840, 1 },
	{ "Fri, 13 Sep 1996 10:02:03 +0545", 842588223, 345, 1 },
	{ "Sat,01 Mar 2000 00:00:00 +0000", 951868800, 0, 1 },
	{ "Sat, 1 mar 2000 0:00:00 +0000  ", 951868800, 0, 1 },
	{ "Fri, 29 Feb 2019 00:00:00 +0000", 0, 0, 0 },
	{ "Fri, 29 Feb 1900 00:00:00 +0000", 0, 0, 0 },
	{ "Fri, 00 Feb 2000 00:00:00 +0000", 0, 0, 0 },
	{ "Fri, 1 Feb 2000 00:00 +0000", 0, 0, 0 },
	{ "Fri, 1 Feb 2000 00:00:00 UTC", 0, 0, 0 },
	{ "Fri, 1 Feb 2000 00:00:00 GMT+0000", 0, 0, 0 },
	{ "", 0, 0, 0 },
};

static void
test_dates(void)
{
	size_t i;

	for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		int64_t ts = 1;
		int tz = 1;
		const struct dgit_error *err;

		err = dgit_changelog_parse_date(&ts, &tz, dates[i].date, "d");
		if (dates[i].ok) {
			if (!unit_ok(err == NULL && ts == dates[i].ts &&
			    tz == dates[i].tz, "date '%s'", dates[i].date))
				unit_diag("  got %s %" PRId64 " %d",
				    err ? err->msg : "ok", ts, tz);
		} else
			unit_ok(err != NULL && err->code == DGIT_ERR_PARSE,
			    "bad date '%s'", dates[i].date);
	}
}

/* A large changelog: parse_first must not depend on its length. */
static void
test_big(void)
{
	size_t n = 20000, i, len = 0, cap = n * 128;
	char *buf = malloc(cap);
	struct dgit_changelog *cl;

	if (buf == NULL)
		abort();
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
		    "p (1.%zu) u; urgency=low\n\n  * c\n\n"
		    " -- A <a@b>  Mon, 02 Jan 2023 03:04:05 +0000\n\n",
		    n - i);
	if (unit_ok(dgit_changelog_parse(&cl, buf, len, "big") == NULL,
	    "20000 entries parse")) {
		unit_ok(dgit_changelog_nentries(cl) == n, "all entries");
		UNIT_STREQ(dgit_changelog_entry(cl, n - 1)->version, "1.1",
		    "last entry");
		dgit_changelog_free(cl);
	}
	if (unit_ok(dgit_changelog_parse_first(&cl, buf, len, "big") == NULL,
	    "parse_first on a big changelog")) {
		UNIT_STREQ(dgit_changelog_entry(cl, 0)->version, "1.20000",
		    "first entry");
		dgit_changelog_free(cl);
	}
	free(buf);
}

int
main(void)
{
	test_good();
	test_details();
	test_bad();
	test_lenient_why();
	test_first_only();
	test_dates();
	test_big();
	return unit_done();
}
