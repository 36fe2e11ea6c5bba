/*
 * Unit tests for quilt series files (dpkg-source(1), "debian/patches/
 * series": comments, blank lines, options ignored) and patch headers
 * (DEP-3, https://dep-team.pages.debian.net/deps/dep3/, and git
 * format-patch mails).
 */
#include <stdlib.h>
#include <string.h>

#include "dgit_quilt.h"
#include "unit.h"

struct series_case {
	const char *name;
	const char *text;
	const char *want;    /* names joined by '|' */
	int opt_strip_first; /* opt_strip of the first patch */
	int has_options_first;
};

static const struct series_case series_ok[] = {
	{ "simple", "a.patch\nb.diff\n", "a.patch|b.diff", -1, 0 },
	{ "no final newline", "a\nb", "a|b", -1, 0 },
	{ "comments and blanks", "# head\n\n  \na\n#b\n  # c\nd\n", "a|d", -1, 0 },
	{ "trailing comment", "a.patch   # why\n", "a.patch", -1, 0 },
	{ "hash inside name", "a#b.patch\n", "a#b.patch", -1, 0 },
	{ "leading and trailing blanks", "   a.patch  \t\n", "a.patch", -1, 0 },
	{ "-p0 option", "a.patch -p0\n", "a.patch", 0, 1 },
	{ "-p2 option then comment", "a.patch -p2 # x\n", "a.patch", 2, 1 },
	{ "other option", "a.patch --reverse\n", "a.patch", -1, 1 },
	{ "subdirectory", "upstream/fix.patch\n", "upstream/fix.patch", -1, 0 },
	{ "crlf", "a.patch\r\nb.patch\r\n", "a.patch|b.patch", -1, 0 },
	{ "form feed line", "\f\na\n", "a", -1, 0 },
	{ "empty", "", "", -1, 0 },
	{ "dots in name", "..a.patch\n", "..a.patch", -1, 0 },
};

static const struct {
	const char *name, *text;
	enum dgit_error_code code;
	const char *msg;
} series_bad[] = {
	{ "dotdot", "../x.patch\n", DGIT_ERR_UNSAFE_PATH, "'../x.patch' in 'S' at line 1" },
	{ "dotdot inside", "a/../../x\n", DGIT_ERR_UNSAFE_PATH, "line 1" },
	{ "dotdot later line", "ok\n# c\nsub/..\n", DGIT_ERR_UNSAFE_PATH, "line 3" },
	{ "absolute", "/etc/passwd\n", DGIT_ERR_UNSAFE_PATH, "absolute" },
};

static void
test_series(void)
{
	size_t i, j;

	for (i = 0; i < sizeof(series_ok) / sizeof(series_ok[0]); i++) {
		const struct series_case *c = &series_ok[i];
		struct dgit_quilt_series *s;
		const struct dgit_error *err;
		char got[256] = "";
		const char *gotp = got;
		size_t gl = 0;

		err = dgit_quilt_series_parse(&s, c->text, strlen(c->text), "S");
		if (!unit_ok(err == NULL, "series %s parses", c->name)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		for (j = 0; j < s->n; j++)
			gl += (size_t)snprintf(got + gl, sizeof(got) - gl, "%s%s",
			    j ? "|" : "", s->patches[j].name);
		UNIT_STREQ(gotp, c->want, "series %s: names", c->name);
		if (s->n) {
			unit_ok(s->patches[0].strip == 1,
			    "series %s: dpkg-source applies with -p1", c->name);
			unit_ok(s->patches[0].opt_strip == c->opt_strip_first &&
			    s->patches[0].has_options == c->has_options_first,
			    "series %s: options recorded", c->name);
		}
		dgit_quilt_series_free(s);
	}
	for (i = 0; i < sizeof(series_bad) / sizeof(series_bad[0]); i++) {
		struct dgit_quilt_series *s;
		const struct dgit_error *err;

		err = dgit_quilt_series_parse(&s, series_bad[i].text,
		    strlen(series_bad[i].text), "S");
		unit_ok(err && !s && err->code == series_bad[i].code &&
		    strstr(err->msg, series_bad[i].msg),
		    "series %s refused", series_bad[i].name) ||
		    (unit_diag("  got %s", err ? err->msg : "success"), 0);
		dgit_quilt_series_free(s);
	}
}

/* ctx: "path" entries, a leading '@' marks a symlink */
static int
exists_in(const char *path, void *ctx)
{
	const char *const *list = ctx;

	for (; *list; list++) {
		const char *p = *list + (**list == '@');

		if (strcmp(p, path) == 0)
			return **list == '@' ? 2 : 1;
	}
	return 0;
}

static void
test_series_path(void)
{
	const char *none[] = { "debian/patches/series", NULL };
	const char *both[] = { "debian/patches/series",
	    "debian/patches/debian.series", NULL };
	const char *vendor_only[] = { "debian/patches/debian.series", NULL };
	const char *vendor_link[] = { "@debian/patches/series",
	    "debian/patches/debian.series", NULL };
	const char *ubuntu[] = { "debian/patches/ubuntu.series", NULL };
	char buf[128];
	int link = -1;

	UNIT_STREQ(dgit_quilt_series_path(buf, sizeof(buf), &link, NULL,
	    exists_in, none), "debian/patches/series",
	    "no vendor series: plain series");
	unit_ok(link == 0, "no symlink made");
	UNIT_STREQ(dgit_quilt_series_path(buf, sizeof(buf), &link, NULL,
	    exists_in, both), "debian/patches/debian.series",
	    "default vendor is debian, its series wins");
	unit_ok(link == 0, "an existing series file stays");
	UNIT_STREQ(dgit_quilt_series_path(buf, sizeof(buf), &link, "Debian",
	    exists_in, vendor_only), "debian/patches/debian.series",
	    "vendor name is lowercased");
	unit_ok(link == 1, "absent series becomes a symlink");
	dgit_quilt_series_path(buf, sizeof(buf), &link, "debian", exists_in,
	    vendor_link);
	unit_ok(link == 1, "a series symlink is replaced");
	UNIT_STREQ(dgit_quilt_series_path(buf, sizeof(buf), &link, "debian",
	    exists_in, ubuntu), "debian/patches/series",
	    "another vendor's series is not used");
	unit_ok(dgit_quilt_series_path(buf, 10, &link, "debian", exists_in,
	    both) == NULL, "small buffer refused");
}

struct header_case {
	const char *name;
	const char *text;
	const char *author_name, *author_email, *date, *subject, *body;
};

/* Expected values as gbp pq import gives them (see t3101). */
static const struct header_case headers[] = {
	{ "dep3",
	  "Description: Fix the frobnicator\n"
	  " The frobnicator broke on Tuesdays.\n"
	  " .\n"
	  " Now it does not.\n"
	  "Author: Jane Doe <jane@example.org>\n"
	  "Forwarded: no\n"
	  "Last-Update: 2020-01-01\n"
	  "\n"
	  "--- a/f\n+++ b/f\n",
	  "Jane Doe", "jane@example.org", NULL, "Fix the frobnicator",
	  "Forwarded: no\nLast-Update: 2020-01-01\n\n"
	  "The frobnicator broke on Tuesdays.\n\nNow it does not.\n" },
	{ "dep3 subject and bare from",
	  "Subject: Short one\nFrom: bob@example.org\n---\n",
	  "bob@example.org", "bob@example.org", NULL, "Short one", "" },
	{ "dep3 lowercase fields",
	  "description: low\nauthor: Low Case <l@c>\n\n--- a/f\n",
	  "Low Case", "l@c", NULL, "low", "" },
	{ "author without email is none",
	  "Description: x\nAuthor: Just A Name\n\n",
	  NULL, NULL, NULL, "x", "" },
	{ "author with empty name is none",
	  "Description: x\nAuthor: <a@b>\n\n",
	  NULL, NULL, NULL, "x", "" },
	{ "dep3 empty first line",
	  "Description:\n Real subject\n more\n\n",
	  NULL, NULL, NULL, "Real subject", "more\n" },
	{ "format-patch",
	  "From 1234abcd Mon Sep 17 00:00:00 2001\n"
	  "From: Jane Doe <jane@example.org>\n"
	  "Date: Tue, 1 Jan 2019 10:00:00 +0100\n"
	  "Subject: [PATCH 2/3] Do the\n"
	  " thing\n"
	  "\n"
	  "Body line 1\n"
	  "\n"
	  "Body line 2\n"
	  "---\n"
	  " f | 2 +-\n"
	  "\n"
	  "diff --git a/f b/f\n",
	  "Jane Doe", "jane@example.org", "Tue, 1 Jan 2019 10:00:00 +0100",
	  "[PATCH 2/3] Do the thing", "Body line 1\n\nBody line 2\n" },
	{ "format-patch quoted name, mime headers dropped",
	  "From 1 Mon Sep 17 00:00:00 2001\nFrom: \"Doe, Jane\" <j@e>\n"
	  "Subject: [PATCH] s\nMIME-Version: 1.0\n\n",
	  "Doe, Jane", "j@e", NULL, "[PATCH] s", "" },
	{ "no header at all", "--- a/f\n+++ b/f\n",
	  NULL, NULL, NULL, NULL, "" },
	{ "free text only", "This fixes things.\nReally.\n\n--- a/f\n",
	  NULL, NULL, NULL, NULL, "This fixes things.\nReally.\n\n" },
	{ "From beats Author", "Author: A <a@x>\nFrom: B <b@x>\nDescription: d\n\n",
	  "B", "b@x", NULL, "d", "" },
	{ "Subject beats Description and its long text",
	  "Description: desc\n more\nSubject: subj\n",
	  NULL, NULL, NULL, "subj", "" },
	{ "other fields, long text, free text",
	  "Origin: upstream\nDescription: d\n long\nAuthor: A B <a@b>\nBug: y\n"
	  "\nfree text\n\n",
	  "A B", "a@b", NULL, "d", "Origin: upstream\nBug: y\n\nlong\nfree text\n\n" },
	{ "free text ends the fields",
	  "Description: d\nFree line\nAuthor: A <a@b>\n\n",
	  NULL, NULL, NULL, "d", "Free line\nAuthor: A <a@b>\n\n" },
	{ "fields only in the first paragraph",
	  "Author: A <a@b>\n\nDescription: d\n\n",
	  "A", "a@b", NULL, NULL, "Description: d\n\n" },
	{ "crlf header", "Description: c\r\nAuthor: C <c@d>\r\n\r\nfree\r\n--- a/f\r\n",
	  "C", "c@d", NULL, "c", "free\r\n" },
	{ "subject keeps trailing blanks", "Description:   s  \n\n",
	  NULL, NULL, NULL, "s  ", "" },
};

static void
check_str(const char *got, const char *want, const char *name,
    const char *field)
{
	if (!want)
		unit_ok(got == NULL, "header %s: no %s", name, field) ||
		    (unit_diag("  got '%s'", got), 0);
	else
		UNIT_STREQ(got, want, "header %s: %s", name, field);
}

static void
test_headers(void)
{
	size_t i;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		const struct header_case *c = &headers[i];
		struct dgit_quilt_header h;
		const struct dgit_error *err;

		err = dgit_quilt_header_parse(&h, c->text, strlen(c->text), "P");
		if (!unit_ok(err == NULL, "header %s parses", c->name))
			continue;
		check_str(h.author_name, c->author_name, c->name, "author name");
		check_str(h.author_email, c->author_email, c->name,
		    "author email");
		check_str(h.date, c->date, c->name, "date");
		check_str(h.subject, c->subject, c->name, "subject");
		check_str(h.body, c->body, c->name, "body");
		dgit_quilt_header_release(&h);
	}
}

static void
test_commit_message(void)
{
	static const struct {
		const char *header, *name, *want;
	} cases[] = {
		{ "", "bare-one.diff", "bare-one\n\n\nGbp-Pq: Name bare-one.diff" },
		{ "Description: d\n long\n\n", "x.patch",
		  "d\n\nlong\n\nGbp-Pq: Name x.patch" },
		{ "Description: in sub\n\n", "sub/dir/t.patch",
		  "in sub\n\n\nGbp-Pq: Topic sub/dir\nGbp-Pq: Name t.patch" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dgit_quilt_header h;
		char *msg = NULL;

		if (dgit_quilt_header_parse(&h, cases[i].header,
		    strlen(cases[i].header), "P") ||
		    dgit_quilt_commit_message(&msg, &h, cases[i].name))
			unit_ok(0, "commit message for %s", cases[i].name);
		else
			UNIT_STREQ(msg, cases[i].want, "commit message for %s",
			    cases[i].name);
		free(msg);
		dgit_quilt_header_release(&h);
	}
}

static void
test_date(void)
{
	static const struct {
		const char *s;
		long long t;
		int tz;
	} ok[] = {
		{ "Wed, 5 May 2021 10:00:00 +0200", 1620201600, 120 },
		{ "5 May 2021 10:00 -0130", 1620214200, -90 },
		{ "Mon, 01 Jan 2018 00:00:00 +0000", 1514764800, 0 },
		{ "Thu, 29 Feb 2024 23:59:59 +1400", 1709200799, 840 },
		{ "Tue, 1 Jan 2019 10:00:00 +0100", 1546333200, 60 },
		/* as git reads them (t3023 compares with git itself) */
		{ "Wed Dec 23 10:30:40 CET 2015", 1450863040, 60 },
		{ "Mon Jul 29 18:38:06 MET DST 1996", 838661886, 60 },
		{ "Tue, 1 Jan 2019 10:00:00 PDT", 1546362000, -420 },
		{ "Wed 5 May 2021 10:00:00 +0200", 1620201600, 120 },
		{ "5 May 2021 10:00:00 +02", 1620201600, 120 },
	};
	static const char *const bad[] = {
		"2021-05-05", "", "5 Foo 2021 10:00:00 +0200",
		"5 May 2021 +0000", "5 May 1969 10:00:00 +0000",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		long long t;
		int tz;

		unit_ok(!dgit_quilt_date_parse(&t, &tz, ok[i].s) &&
		    t == ok[i].t && tz == ok[i].tz, "date '%s'", ok[i].s) ||
		    (unit_diag("  got %lld %d", t, tz), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long long t;
		int tz;

		unit_ok(dgit_quilt_date_parse(&t, &tz, bad[i]) != NULL,
		    "bad date '%s' refused", bad[i]);
	}
}

static void
test_subject_from_name(void)
{
	static const char *const cases[][2] = {
		{ "fix-build.patch", "fix-build" },
		{ "upstream/0001-x.diff", "x" },
		{ "0001.patch", "0001" },
		{ "no-ext", "no-ext" },
		{ "a.b.patch", "a.b" },
		{ "keep.txt", "keep.txt" },
		{ ".patch", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = dgit_quilt_subject_from_name(cases[i][0]);

		UNIT_STREQ(s, cases[i][1], "subject from name %s", cases[i][0]);
		free(s);
	}
}

int
main(void)
{
	test_series();
	test_series_path();
	test_headers();
	test_subject_from_name();
	test_commit_message();
	test_date();
	return unit_done();
}
