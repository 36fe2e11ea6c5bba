/*
 * Dates; see dgit_date.h.  The scanner follows dpkg's changelog parser
 * (Dpkg::Changelog::Entry::Debian): its white space is Perl's \s, its
 * words \w; the names are English whatever the locale.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dgit_chars.h"
#include "dgit_date.h"

static const char *const months[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const wdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun" };

/* n digits at s as a number. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Counting in 400-year eras that start on March 1st. */
int64_t
dgit_date_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A zone name standing for +0000 (Release files), its length or 0. */
static size_t
zone_name(const char *p, const char *e)
{
	static const char *const names[] = { "UTC", "GMT", "Z" };

	for (size_t i = 0; i < 3; i++) {
		size_t l = strlen(names[i]);

		if ((size_t)(e - p) >= l && memcmp(p, names[i], l) == 0 &&
		    (p + l == e || dgit_is_space(p[l])))
			return l;
	}
	return 0;
}

int
dgit_date_scan(struct dgit_date *d, const char *s, size_t n, unsigned flags)
{
	const char *p = s, *e = s + n, *w, *mon;
	size_t wl, monl, i, zl;
	int day, year, hh, mm, ss, zh = 0, zm = 0, month, sign = 1;

	memset(d, 0, sizeof *d);
	/* optional "Day," */
	for (w = p; w < e && dgit_is_word(*w); w++)
		;
	if (w > p && w < e && *w == ',') {
		wl = (size_t)(w - p);
		for (i = 0; i < 7; i++)
			if (wl == 3 && memcmp(p, wdays[i], 3) == 0)
				break;
		if (i == 7)
			d->warn = "ignoring invalid week day";
		p = w + 1;
		while (p < e && dgit_is_space(*p))
			p++;
	}
	for (w = p; w < e && dgit_is_digit(*w); w++)
		;
	if (w - p < 1 || w - p > 2)
		return -1;
	day = digits(p, (size_t)(w - p));
	p = w;
	if (p >= e || !dgit_is_space(*p))
		return -1;
	while (p < e && dgit_is_space(*p))
		p++;
	for (mon = p; p < e && dgit_is_word(*p); p++)
		;
	monl = (size_t)(p - mon);
	if (monl == 0 || p >= e || !dgit_is_space(*p))
		return -1;
	while (p < e && dgit_is_space(*p))
		p++;
	for (w = p; w < e && dgit_is_digit(*w); w++)
		;
	if (w - p != 4)
		return -1;
	year = digits(p, 4);
	p = w;
	if (p >= e || !dgit_is_space(*p))
		return -1;
	while (p < e && dgit_is_space(*p))
		p++;
	for (w = p; w < e && dgit_is_digit(*w); w++)
		;
	if (w - p < 1 || w - p > 2)
		return -1;
	hh = digits(p, (size_t)(w - p));
	p = w;
	if (e - p < 6 || p[0] != ':' || !dgit_is_digit(p[1]) || !dgit_is_digit(p[2]) ||
	    p[3] != ':' || !dgit_is_digit(p[4]) || !dgit_is_digit(p[5]))
		return -1;
	mm = digits(p + 1, 2);
	ss = digits(p + 4, 2);
	p += 6;
	d->len = (size_t)(p - s);
	while (p < e && dgit_is_space(*p))
		p++;
	if ((flags & DGIT_DATE_ZONE_NAMES) && p == e) {
		/* no zone at all: UTC */
	} else if ((flags & DGIT_DATE_ZONE_NAMES) && p > s + d->len &&
	    (zl = zone_name(p, e)) != 0) {
		p += zl;
		d->len = (size_t)(p - s);
	} else {
		if (p == s + d->len)
			return -1;         /* no space before the zone */
		if (e - p < 5 || (p[0] != '+' && p[0] != '-') ||
		    !dgit_is_digit(p[1]) || !dgit_is_digit(p[2]) || !dgit_is_digit(p[3]) ||
		    !dgit_is_digit(p[4]))
			return -1;
		sign = p[0] == '-' ? -1 : 1;
		zh = digits(p + 1, 2);
		zm = digits(p + 3, 2);
		p += 5;
		d->len = (size_t)(p - s);
	}
	while (p < e && dgit_is_space(*p))
		p++;
	if (p != e)
		return -1;

	/* the shape matches; now the values */
	for (i = 0; i < 12; i++)
		if (monl == 3 && strncasecmp(mon, months[i], 3) == 0)
			break;
	if (i == 12) {
		for (i = 0; i < 12; i++)
			if (monl == strlen(months[i]) &&
			    strncasecmp(mon, months[i], monl) == 0)
				break;
		if (i == 12) {
			d->bad = "invalid month name";
			return 0;
		}
		d->warn = "full month name instead of the abbreviated one";
		d->no_ts = 1;
	}
	month = (int)i + 1;
	/* dpkg-parsechangelog: strptime "%d %b %Y %T %z" */
	if (day > 31 || year < 1900 || hh > 23 || mm > 59 || ss > 59) {
		d->bad = "date or time out of range";
		return 0;
	}
	if (day < 1 || day > days_in_month(year, month) || zm > 59)
		d->off_calendar = 1;
	d->tz = sign * (zh * 60 + zm);
	d->time = (dgit_date_days_from_civil(year, month, 1) + day - 1) *
	    86400 + hh * 3600 + mm * 60 + ss - (int64_t)d->tz * 60;
	return 0;
}

const struct dgit_error *
dgit_date_parse(int64_t *time, int *tz, const char *s, unsigned flags,
    const char *what)
{
	struct dgit_date d;

	*time = 0;
	if (tz)
		*tz = 0;
	if (dgit_date_scan(&d, s, strlen(s), flags) < 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': malformed date "
		    "'%s' (expected 'Day, DD Mon YYYY HH:MM:SS +ZZZZ')", what,
		    s);
	if (d.bad || d.off_calendar)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s in date '%s'",
		    what, d.bad ? d.bad : "date or time out of range", s);
	*time = d.time;
	if (tz)
		*tz = d.tz;
	return NULL;
}

/* Broken-down UTC time of t; 0 when t is out of range. */
static int
breakdown(struct tm *tm, int64_t t)
{
	time_t tt = (time_t)t;

	return (int64_t)tt == t && gmtime_r(&tt, tm) != NULL &&
	    tm->tm_year + 1900 >= 0 && tm->tm_year + 1900 <= 9999;
}

void
dgit_date_format(char buf[DGIT_DATE_BUFSZ], int64_t time, int tz)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	if (tz <= -24 * 60 || tz >= 24 * 60 ||
	    !breakdown(&tm, time + (int64_t)tz * 60)) {
		snprintf(buf, DGIT_DATE_BUFSZ, "@%lld", (long long)time);
		return;
	}
	snprintf(buf, DGIT_DATE_BUFSZ, "%s, %02d %.3s %04d %02d:%02d:%02d %c%02d%02d",
	    wd[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60,
	    a % 60);
}

void
dgit_date_format_utc(char buf[DGIT_DATE_BUFSZ], int64_t time)
{
	struct tm tm;

	if (!breakdown(&tm, time)) {
		snprintf(buf, DGIT_DATE_BUFSZ, "@%lld", (long long)time);
		return;
	}
	snprintf(buf, DGIT_DATE_BUFSZ, "%04d-%02d-%02d %02d:%02d:%02d UTC",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}
