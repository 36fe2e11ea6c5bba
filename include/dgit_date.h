/*
 * Dates as Debian writes them: RFC 2822 in changelog trailers and in
 * Release files ("Tue, 01 Dec 2026 10:24:03 +0000"), parsed with the
 * leniency of dpkg-parsechangelog, zone offset kept; and formatting.
 */
#ifndef DGIT_DATE_H
#define DGIT_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

/* Release files may say "UTC", "GMT", "Z" or nothing for +0000. */
#define DGIT_DATE_ZONE_NAMES 1u

struct dgit_date {
	int64_t time;              /* seconds since the epoch, UTC */
	int tz;                    /* minutes east of UTC (+0200 -> 120) */
	size_t len;                /* bytes of s that are the date, without
	                              trailing white space */
	const char *bad;           /* static text: why the values are wrong */
	const char *warn;          /* static text: a tolerated oddity */
	int no_ts;                 /* dpkg-parsechangelog gives this date no
	                              Timestamp (a full month name), though
	                              time is set as date(1) reads it */
	int off_calendar;          /* day 0, a day past the month's end or
	                              zone minutes 60-99: time counts on
	                              from the month's first day, as
	                              dpkg-parsechangelog does */
};

/*
 * Scan s[0..n) as "[Day,] D Mon YYYY H:MM:SS +ZZZZ" with any white space
 * between the parts and after, as dpkg-parsechangelog does: a one- or
 * two-digit day and hour, a month name abbreviated or in full (a warning),
 * a week day that is not one (a warning).  Returns -1 when s does not have
 * that shape; 0 when it has, with d->bad set when the values are wrong
 * (a month that is none, day 32, 24:00:00, seconds 60, a year before
 * 1900) and d->time/tz then 0.  The values are read as
 * dpkg-parsechangelog reads them (Time::Piece's strptime): see no_ts and
 * off_calendar.
 */
int dgit_date_scan(struct dgit_date *d, const char *s, size_t n,
    unsigned flags);

/*
 * Parse the NUL-terminated s; DGIT_ERR_PARSE for a bad shape or bad
 * values (off_calendar ones included: this parser is strict), naming
 * what (a file or field) and s.  tz may be NULL.
 */
const struct dgit_error *dgit_date_parse(int64_t *time, int *tz,
    const char *s, unsigned flags, const char *what);

/*
 * Read s as git reads GIT_AUTHOR_DATE (gbp pq import hands a patch's
 * Date to git that way): words and numbers in any order ("Wed, 23 Dec
 * 2015 10:30:40 +0100", "Wed Dec 23 10:30:40 CET 2015", "2015-12-23
 * 10:30:40", "@1450863040 +0100"); a zone name from git's table ("CET"
 * +0100, a summer name such as "CEST" or "PDT" one hour more than its
 * zone: +0200, -0700), where a numeric zone anywhere wins over a name;
 * words git does not know are skipped, and with no zone at all the
 * local zone at that time (TZ, as mktime(3) gives it) is taken, as git
 * takes it.  Up to the first newline.  DGIT_ERR_PARSE, naming what and
 * s, where git says "invalid date format" (no year in 1970-2099, no
 * month or no time).  *tz is in minutes east.
 */
const struct dgit_error *dgit_date_parse_git(int64_t *time, int *tz,
    const char *s, const char *what);

/* Room for any formatted date, NUL included. */
#define DGIT_DATE_BUFSZ 40

/* "Tue, 01 Dec 2026 10:24:03 +0000" for time shown in zone tz (minutes). */
void dgit_date_format(char buf[DGIT_DATE_BUFSZ], int64_t time, int tz);

/* "2026-12-01 10:24:03 UTC", for messages. */
void dgit_date_format_utc(char buf[DGIT_DATE_BUFSZ], int64_t time);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
int64_t dgit_date_days_from_civil(int64_t y, int m, int d);

#endif
