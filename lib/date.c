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

/* ---- dates as git reads GIT_AUTHOR_DATE ------------------------------ */

/*
 * git's date reader (parse_date_basic in git's date.c) takes words and
 * numbers in any order; what follows has its rules, written here for
 * this module: a field not yet seen is -1.
 */
struct gitdate {
	int year;                  /* years since 1900 */
	int mon;                   /* 0-11 */
	int mday, hour, min, sec;
	int offset;                /* minutes east, -1: none yet */
	int gmt;                   /* set from seconds since the epoch */
	int64_t epoch;
};

/*
 * Zone names git knows, hours east of UTC; a summer name ("dst") counts
 * one hour more, as git counts it.  The order is git's: the first name
 * matching wins.
 */
static const struct {
	const char name[5];
	signed char hours;
	unsigned char dst;
} git_zones[] = {
	{ "IDLW", -12, 0 }, { "NT", -11, 0 }, { "CAT", -10, 0 },
	{ "HST", -10, 0 }, { "HDT", -10, 1 }, { "YST", -9, 0 },
	{ "YDT", -9, 1 }, { "PST", -8, 0 }, { "PDT", -8, 1 },
	{ "MST", -7, 0 }, { "MDT", -7, 1 }, { "CST", -6, 0 },
	{ "CDT", -6, 1 }, { "EST", -5, 0 }, { "EDT", -5, 1 },
	{ "AST", -3, 0 }, { "ADT", -3, 1 }, { "WAT", -1, 0 },
	{ "GMT", 0, 0 }, { "UTC", 0, 0 }, { "Z", 0, 0 }, { "WET", 0, 0 },
	{ "BST", 0, 1 }, { "CET", 1, 0 }, { "MET", 1, 0 },
	{ "MEWT", 1, 0 }, { "MEST", 1, 1 }, { "CEST", 1, 1 },
	{ "MESZ", 1, 1 }, { "FWT", 1, 0 }, { "FST", 1, 1 },
	{ "EET", 2, 0 }, { "EEST", 2, 1 }, { "WAST", 7, 0 },
	{ "WADT", 7, 1 }, { "CCT", 8, 0 }, { "JST", 9, 0 },
	{ "EAST", 10, 0 }, { "EADT", 10, 1 }, { "GST", 10, 0 },
	{ "NZT", 12, 0 }, { "NZST", 12, 0 }, { "NZDT", 12, 1 },
	{ "IDLE", 12, 0 },
};

static const char *const git_wdays[] = { "Sundays", "Mondays",
    "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays" };

static int
is_alnum(char c)
{
	return dgit_is_alpha(c) || dgit_is_digit(c);
}

static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/*
 * How many leading characters of p match word, ignoring case, up to the
 * first character of p that is not a letter or digit; 0 when a letter
 * or digit of p differs (or p goes on past word).
 */
static size_t
word_match(const char *p, const char *word)
{
	size_t i;

	for (i = 0; p[i]; i++) {
		if (upper(p[i]) == upper(word[i]) && word[i])
			continue;
		if (!is_alnum(p[i]))
			break;
		return 0;
	}
	return i;
}

/* A decimal number at p, saturating; *end after its digits. */
static uint64_t
number(const char *p, const char **end)
{
	uint64_t v = 0;

	while (dgit_is_digit(*p)) {
		unsigned d = (unsigned)(*p++ - '0');

		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*end = p;
	return v;
}

/* Seconds since the epoch of g read as UTC, or -1 (git's tm_to_time_t:
 * 1970-2099 only, hour, minute and second needed; a missing day counts
 * as day -1, as there). */
static int64_t
git_utc(const struct gitdate *g)
{
	static const int mdays[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
	    273, 304, 334 };
	int64_t year = g->year - 70, day = g->mday;

	if (year < 0 || year > 129 || g->mon < 0 || g->mon > 11)
		return -1;
	if (g->mon < 2 || (year + 2) % 4)
		day--;
	if (g->hour < 0 || g->min < 0 || g->sec < 0)
		return -1;
	return (year * 365 + (year + 1) / 4 + mdays[g->mon] + day) * 86400 +
	    g->hour * 3600 + g->min * 60 + g->sec;
}

static int
set_time(int64_t h, int64_t m, int64_t s, struct gitdate *g)
{
	if (h < 0 || h > 24 || m < 0 || m > 59 || s < 0 || s > 60)
		return -1;
	g->hour = (int)h, g->min = (int)m, g->sec = (int)s;
	return 0;
}

/*
 * Year (-1: none), month and day as git's set_date takes them; with
 * refuse_future, a date more than ten days after now is refused and a
 * missing year is now's.
 */
static int
set_date(int64_t year, int64_t month, int64_t day, int refuse_future,
    const struct tm *now_tm, int64_t now, struct gitdate *g)
{
	struct gitdate c = *g;
	/* without refuse_future git writes month and day at once, kept
	 * even when the year then fails */
	struct gitdate *r = refuse_future ? &c : g;
	int64_t spec;

	if (month < 1 || month > 12 || day < 1 || day > 31)
		return -1;
	r->mon = (int)month - 1;
	r->mday = (int)day;
	if (year == -1) {
		if (!refuse_future)
			return 1;
		r->year = now_tm->tm_year;
	} else if (year >= 1970 && year < 2100)
		r->year = (int)year - 1900;
	else if (year > 70 && year < 100)
		r->year = (int)year;
	else if (year < 38)
		r->year = (int)year + 100;
	else
		return -1;
	if (!refuse_future)
		return 0;
	spec = git_utc(&c);
	if (spec != -1 && now + 10 * 86400 < spec)
		return -1;
	g->mon = c.mon;
	g->mday = c.mday;
	if (year != -1)
		g->year = c.year;
	return 0;
}

/* "N:N[:N]" or "N-N[-N]" (also / and .) at p, n the first number and
 * e after it; the length read or 0. */
static size_t
multi_number(const char *p, uint64_t n, const char *e, struct gitdate *g)
{
	char c = *e;
	int64_t n1 = n > INT64_MAX ? INT64_MAX : (int64_t)n, n2, n3 = -1;
	uint64_t v;
	struct tm now_tm;
	time_t now;
	int rf;

	v = number(e + 1, &e);
	n2 = v > 0x7fffffff ? 0x7fffffff : (int64_t)v;
	if (*e == c && dgit_is_digit(e[1])) {
		v = number(e + 1, &e);
		n3 = v > 0x7fffffff ? 0x7fffffff : (int64_t)v;
	}
	if (c == ':') {
		if (set_time(n1, n2, n3 < 0 ? 0 : n3, g) < 0)
			return 0;
		if (*e == '.' && dgit_is_digit(e[1]) && g->year != -1 &&
		    g->mon != -1 && g->mday != -1)
			(void)number(e + 1, &e);
		return (size_t)(e - p);
	}
	now = time(NULL);
	rf = gmtime_r(&now, &now_tm) != NULL;
	if (n1 > 70 && (set_date(n1, n2, n3, 0, NULL, now, g) == 0 ||
	    set_date(n1, n3, n2, 0, NULL, now, g) == 0))
		return (size_t)(e - p);
	if (c != '.' && set_date(n3, n1, n2, rf, &now_tm, now, g) == 0)
		return (size_t)(e - p);
	if (set_date(n3, n2, n1, rf, &now_tm, now, g) == 0)
		return (size_t)(e - p);
	if (c == '.' && set_date(n3, n1, n2, rf, &now_tm, now, g) == 0)
		return (size_t)(e - p);
	return 0;
}

static size_t
git_alpha(const char *p, struct gitdate *g)
{
	size_t m, i;

	for (i = 0; i < 12; i++)
		if ((m = word_match(p, months[i])) >= 3) {
			g->mon = (int)i;
			return m;
		}
	for (i = 0; i < 7; i++)
		if ((m = word_match(p, git_wdays[i])) >= 3)
			return m;
	for (i = 0; i < sizeof git_zones / sizeof git_zones[0]; i++) {
		m = word_match(p, git_zones[i].name);
		if (m >= 3 || (m > 0 && m == strlen(git_zones[i].name))) {
			/* a numeric zone, before or after, wins */
			if (g->offset == -1)
				g->offset = 60 * (git_zones[i].hours +
				    git_zones[i].dst);
			return m;
		}
	}
	if (word_match(p, "PM") == 2) {
		g->hour = g->hour % 12 + 12;
		return 2;
	}
	if (word_match(p, "AM") == 2) {
		g->hour = g->hour % 12;
		return 2;
	}
	if (*p == 'T' && dgit_is_digit(p[1]) && g->hour == -1) {
		g->min = g->sec = 0;
		return 1;
	}
	/* any other word is skipped */
	for (i = 1; dgit_is_alpha(p[i]); i++)
		;
	return i;
}

static size_t
git_digit(const char *p, struct gitdate *g)
{
	const char *e;
	uint64_t n = number(p, &e);
	size_t len = (size_t)(e - p), m;

	/* more than 8 digits before anything else: seconds since 1970 */
	if (n >= 100000000 && (g->year & g->mon & g->mday & g->hour & g->min &
	    g->sec) < 0) {
		struct tm tm;
		time_t t = (time_t)n;

		if (n <= (uint64_t)INT64_MAX && (uint64_t)t == n &&
		    gmtime_r(&t, &tm)) {
			g->year = tm.tm_year, g->mon = tm.tm_mon;
			g->mday = tm.tm_mday, g->hour = tm.tm_hour;
			g->min = tm.tm_min, g->sec = tm.tm_sec;
			g->gmt = 1;
			return len;
		}
	}
	if ((*e == ':' || *e == '.' || *e == '/' || *e == '-') &&
	    dgit_is_digit(e[1]) && (m = multi_number(p, n, e, g)) != 0)
		return m;
	if (len == 8 || len == 6) {
		/* compact ISO 8601: YYYYmmDD or HHMMSS[.frac] */
		int64_t a = (int64_t)(n / 10000), b = (int64_t)(n % 10000 / 100),
		    c = (int64_t)(n % 100);

		if (len == 8)
			(void)set_date(a, b, c, 0, NULL, 0, g);
		else if (set_time(a, b, c, g) == 0 && *e == '.' &&
		    dgit_is_digit(e[1]))
			(void)number(e + 1, &e);
		return (size_t)(e - p);
	}
	if (len == 4) {
		if (n <= 1400 && g->offset == -1)
			g->offset = (int)(n / 100 * 60 + n % 100);
		else if (n > 1900 && n < 2100)
			g->year = (int)n - 1900;
		return len;
	}
	if (len > 2)
		return len;
	if (n > 0 && n < 32 && g->mday < 0) {
		g->mday = (int)n;
		return len;
	}
	if (len == 2 && g->year < 0) {
		if (n < 10 && g->mday >= 0) {
			g->year = (int)n + 100;
			return len;
		}
		if (n >= 70) {
			g->year = (int)n;
			return len;
		}
	}
	if (n > 0 && n < 13 && g->mon < 0)
		g->mon = (int)n - 1;
	return len;
}

/* "+HHMM", "+HH" or "+HH:MM" at p (git's match_tz). */
static size_t
git_zone(const char *p, struct gitdate *g)
{
	const char *e;
	uint64_t h = number(p + 1, &e), m = 0;
	size_t n = (size_t)(e - p - 1);

	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n != 2)
		m = 99;
	else if (*e == ':') {
		m = number(e + 1, &e);
		if (e - (p + 1) != 5)
			m = 99;
	}
	if (m < 60 && h < 24) {
		int off = (int)(h * 60 + m);

		g->offset = *p == '-' ? -off : off;
	}
	return (size_t)(e - p);
}

/* "@SECONDS +ZZZZ", git's own raw form; 0 when s is not one. */
static int
git_raw(struct gitdate *g, const char *s)
{
	const char *e;
	uint64_t t;
	int z, neg;

	if (!dgit_is_digit(*s))
		return 0;
	t = number(s, &e);
	if (*e != ' ' || t > (uint64_t)INT64_MAX || (e[1] != '+' &&
	    e[1] != '-'))
		return 0;
	neg = e[1] == '-';
	s = e + 2;
	if (!dgit_is_digit(s[0]) || !dgit_is_digit(s[1]) ||
	    !dgit_is_digit(s[2]) || !dgit_is_digit(s[3]) ||
	    (s[4] != '\0' && s[4] != '\n'))
		return 0;
	z = digits(s, 2) * 60 + digits(s + 2, 2);
	g->epoch = (int64_t)t;
	g->offset = neg ? -z : z;
	return 1;
}

const struct dgit_error *
dgit_date_parse_git(int64_t *time_out, int *tz, const char *s,
    const char *what)
{
	struct gitdate g = { -1, -1, -1, -1, -1, -1, -1, 0, 0 };
	const char *p = s;
	int64_t t;

	*time_out = 0;
	*tz = 0;
	if (*p == '@' && git_raw(&g, p + 1)) {
		*time_out = g.epoch;
		*tz = g.offset;
		return NULL;
	}
	while (*p && *p != '\n') {
		size_t m = 0;

		if (dgit_is_alpha(*p))
			m = git_alpha(p, &g);
		else if (dgit_is_digit(*p))
			m = git_digit(p, &g);
		else if ((*p == '-' || *p == '+') && dgit_is_digit(p[1]))
			m = git_zone(p, &g);
		p += m ? m : 1;
	}
	if ((t = git_utc(&g)) == -1)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': invalid date "
		    "'%s' (git reads no year 1970-2099, month and time in it)",
		    what, s);
	if (g.offset == -1) {
		/* no zone git knows: the local one at that time, as
		 * mktime(3) gives it under TZ */
		struct tm tm;
		time_t lt;

		memset(&tm, 0, sizeof tm);
		tm.tm_year = g.year, tm.tm_mon = g.mon, tm.tm_mday = g.mday;
		tm.tm_hour = g.hour, tm.tm_min = g.min, tm.tm_sec = g.sec;
		tm.tm_isdst = -1;
		lt = mktime(&tm);
		g.offset = (int)((t - (int64_t)lt) / 60);
	}
	if (!g.gmt)
		t -= (int64_t)g.offset * 60;
	*time_out = t;
	*tz = g.offset;
	return NULL;
}
