/*
 * Dates.  The expected timestamps were computed once with GNU date
 * (`date -u -d DATE +%s`) and dpkg-parsechangelog 1.21 (`-S Timestamp` of
 * a changelog with DATE in its trailer); the formatted forms with
 * `LC_ALL=C TZ=... date -R -d @T`.  Where we differ from dpkg on purpose
 * (changelog.c's choices, kept) the table says so.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "dgit_date.h"
#include "unit.h"

struct parse_case {
	const char *s;
	unsigned flags;
	int64_t time;
	int tz;
	const char *warn;          /* substring of the warning, or NULL */
};

static const struct parse_case must_parse[] = {
	/* date -d and dpkg-parsechangelog agree */
	{ "Tue, 01 Dec 2026 10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Thu, 01 Jan 1970 00:00:00 +0000", 0, 0, 0, NULL },
	{ "Wed, 31 Dec 1969 23:59:59 +0000", 0, -1, 0, NULL },
	{ "Sat, 11 Jul 2026 10:17:11 +0200", 0, 1783757831, 120, NULL },
	{ "Sat, 11 Jul 2026 10:17:11 -0930", 0, 1783799231, -570, NULL },
	{ "Fri, 14 Jul 2017 02:40:00 +1400", 0, 1499949600, 840, NULL },
	{ "Sun, 13 Sep 2020 12:26:40 -1200", 0, 1600043200, -720, NULL },
	{ "Tue, 19 Jan 2038 03:14:08 +0000", 0, 2147483648, 0, NULL },
	{ "Fri, 31 Dec 9999 23:59:59 +0000", 0, 253402300799, 0, NULL },
	{ "Sat, 29 Feb 2020 12:00:00 -0130", 0, 1582983000, -90, NULL },
	{ "Tue, 01 Dec 1969 10:24:03 +0000", 0, -2640957, 0, NULL },
	{ "Tue, 01 Dec 2026 10:24:03 -0000", 0, 1796120643, 0, NULL },
	/* dpkg-parsechangelog's leniency */
	{ "1 Jan 2000 0:00:00 +0000", 0, 946684800, 0, NULL },
	{ "01 Dec 2026 10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Tue,  01  Dec   2026 10:24:03   +0000", 0, 1796120643, 0, NULL },
	{ "Tue, 01 Dec 2026 1:24:03 +0000", 0, 1796088243, 0, NULL },
	{ "Tue, 01 dec 2026 10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Tue, 01 DEC 2026 10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Tue,01 Dec 2026 10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Tue, 01 Dec 2026 10:24:03 +0000 ", 0, 1796120643, 0, NULL },
	{ "Tue,\t01 Dec 2026\t10:24:03 +0000", 0, 1796120643, 0, NULL },
	{ "Foo, 01 Dec 2026 10:24:03 +0000", 0, 1796120643, 0,
	  "invalid week day" },
	{ "tue, 01 Dec 2026 10:24:03 +0000", 0, 1796120643, 0,
	  "invalid week day" },
	/* dpkg warns and gives no timestamp; we warn and give one */
	{ "Tue, 1 December 2026 10:24:03 +0000", 0, 1796120643, 0,
	  "full month name" },
	/* dpkg counts day 0 and days past the month's end on (31 Feb is
	 * 3 Mar); dgit_date_scan sets off_calendar, dgit_date_parse refuses */
	/* Release files: zone names (date -d) */
	{ "Sat, 11 Jul 2026 10:17:11 UTC", DGIT_DATE_ZONE_NAMES, 1783765031, 0,
	  NULL },
	{ "Sat, 11 Jul 2026 10:17:11 GMT", DGIT_DATE_ZONE_NAMES, 1783765031, 0,
	  NULL },
	{ "Sat, 11 Jul 2026 10:17:11 Z", DGIT_DATE_ZONE_NAMES, 1783765031, 0,
	  NULL },
	{ "Sat, 11 Jul 2026 10:17:11", DGIT_DATE_ZONE_NAMES, 1783765031, 0,
	  NULL },
	{ "Sat, 11 Jul 2026 10:17:11 +0200", DGIT_DATE_ZONE_NAMES, 1783757831,
	  120, NULL },
};

struct fail_case {
	const char *s;
	unsigned flags;
	const char *msg;           /* substring of the error */
};

static const struct fail_case must_fail[] = {
	/* dpkg-parsechangelog refuses these too */
	{ "Tue, 32 Dec 2026 10:24:03 +0000", 0, "out of range" },
	{ "Tue, 01 Dec 2026 10:60:03 +0000", 0, "out of range" },
	{ "Tue, 01 Dec 2026 10:24:61 +0000", 0, "out of range" },
	/* dpkg-parsechangelog: "cannot parse non-conformant date" */
	{ "Mon, 29 Feb 2016 23:59:60 +0000", 0, "out of range" },
	{ "Mon, 01 Feb 1899 10:00:00 +0000", 0, "out of range" },
	{ "Tue, 31 Feb 2026 10:24:03 +0000", 0, "out of range" },
	{ "Tue, 01 Dec 2026 24:00:00 +0000", 0, "out of range" },
	{ "Tue, 01 Dex 2026 10:24:03 +0000", 0, "invalid month name" },
	{ "Tue, 1 Sept 2026 10:24:03 +0000", 0, "invalid month name" },
	{ "Tue, 01 Dec 2026 10:24:03", 0, "malformed date" },
	{ "Tue, 01 Dec 2026 10:24:03 UTC", 0, "malformed date" },
	{ "Tue, 01 Dec 26 10:24:03 +0000", 0, "malformed date" },
	{ "Tue, 001 Dec 2026 10:24:03 +0000", 0, "malformed date" },
	{ "Tue, 01 Dec 2026 10:24 +0000", 0, "malformed date" },
	{ "Tue, 01 Dec 2026 10:24:03 +000", 0, "malformed date" },
	{ "Tue, 01 Dec 2026 10:24:03 +0000 x", 0, "malformed date" },
	{ "Tue, 01 Dec 2026 10:24:03+0000", 0, "malformed date" },
	{ "", 0, "malformed date" },
	/* dpkg normalises these (31 Feb to 3 Mar, +0060 to +0100, 0 Dec
	 * to 30 Nov); changelog.c refuses a date that is not one */
	{ "Tue, 31 Feb 2026 10:24:03 +0000", 0, "out of range" },
	{ "Fri, 29 Feb 2019 12:00:00 +0000", 0, "out of range" },
	{ "Tue, 01 Dec 2026 10:24:03 +0060", 0, "out of range" },
	{ "Tue, 00 Dec 2026 10:24:03 +0000", 0, "out of range" },
	/* Release files: only these names, and still a real date */
	{ "Sat, 11 Jul 2026 10:17:11 EST", DGIT_DATE_ZONE_NAMES,
	  "malformed date" },
	{ "Sat, 11 Jul 2026 10:17:11 UTCX", DGIT_DATE_ZONE_NAMES,
	  "malformed date" },
	{ "Sat, 11 Jul 2026 10:17:11UTC", DGIT_DATE_ZONE_NAMES,
	  "malformed date" },
	{ "Sat, 11 Jul 2026 10:17:11 UTC x", DGIT_DATE_ZONE_NAMES,
	  "malformed date" },
	{ "Sat, 31 Jun 2026 10:17:11 UTC", DGIT_DATE_ZONE_NAMES,
	  "out of range" },
};

struct fmt_case {
	int64_t time;
	int tz;
	const char *want;
};

static const struct fmt_case fmts[] = {
	{ 1796120643, 0, "Tue, 01 Dec 2026 10:24:03 +0000" },
	{ 1783757831, 120, "Sat, 11 Jul 2026 10:17:11 +0200" },
	{ 1783799231, -570, "Sat, 11 Jul 2026 10:17:11 -0930" },
	{ 842588223, 345, "Fri, 13 Sep 1996 10:02:03 +0545" },
	{ -1, 0, "Wed, 31 Dec 1969 23:59:59 +0000" },
	{ 253402300799, 0, "Fri, 31 Dec 9999 23:59:59 +0000" },
};

int
main(void)
{
	char buf[DGIT_DATE_BUFSZ];

	for (size_t i = 0; i < sizeof must_parse / sizeof must_parse[0]; i++) {
		const struct parse_case *c = &must_parse[i];
		struct dgit_date d;
		int rc = dgit_date_scan(&d, c->s, strlen(c->s), c->flags);

		if (!unit_ok(rc == 0 && d.bad == NULL && d.time == c->time &&
		    d.tz == c->tz, "parses '%s'", c->s))
			unit_diag("  got rc %d %s %" PRId64 " %d", rc,
			    d.bad ? d.bad : "", d.time, d.tz);
		unit_ok(c->warn ? d.warn && strstr(d.warn, c->warn) != NULL :
		    d.warn == NULL, "'%s': warning %s", c->s,
		    c->warn ? c->warn : "none");
	}
	for (size_t i = 0; i < sizeof must_fail / sizeof must_fail[0]; i++) {
		const struct fail_case *c = &must_fail[i];
		int64_t t = 1;
		int tz = 1;
		const struct dgit_error *err = dgit_date_parse(&t, &tz, c->s,
		    c->flags, "debian/changelog");

		if (!unit_ok(err && err->code == DGIT_ERR_PARSE &&
		    strstr(err->msg, c->msg) && strstr(err->msg,
		    "'debian/changelog'") && t == 0 && tz == 0,
		    "refuses '%s'", c->s))
			unit_diag("  got %s", err ? err->msg : "success");
	}
	/* the length of the date proper, for the changelog's trailer */
	{
		struct dgit_date d;
		const char *s = "Tue, 01 Dec 2026 10:24:03 +0000  \t";

		unit_ok(dgit_date_scan(&d, s, strlen(s), 0) == 0 && d.len == 31,
		    "scan: trailing white space is not the date");
		s = "Sat, 11 Jul 2026 10:17:11 UTC ";
		unit_ok(dgit_date_scan(&d, s, strlen(s), DGIT_DATE_ZONE_NAMES)
		    == 0 && d.len == 29, "scan: a zone name is the date");
	}
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		const struct fmt_case *c = &fmts[i];
		struct dgit_date d;
		const char *got = buf;

		dgit_date_format(buf, c->time, c->tz);
		UNIT_STREQ(got, c->want, "format %" PRId64 " %d", c->time,
		    c->tz);
		unit_ok(dgit_date_scan(&d, buf, strlen(buf), 0) == 0 &&
		    d.time == c->time && d.tz == c->tz && d.warn == NULL,
		    "'%s' parses back", c->want);
	}
	{
		const char *got = buf;

		dgit_date_format_utc(buf, 1500086400);
		UNIT_STREQ(got, "2017-07-15 02:40:00 UTC", "format_utc");
		dgit_date_format(buf, 0, 24 * 60);
		UNIT_STREQ(got, "@0", "an impossible zone is shown as @T");
	}
	return unit_done();
}
