/*
 * debian/changelog parsing (see dgit_changelog.h).
 *
 * The line classification follows what dpkg-parsechangelog accepts, so
 * that the fields agree with it: a header is
 *   \w[-+0-9a-z.]* " (" [^() \t]+ ")" (\s+[-+0-9a-z.]+)+ ";" options
 * a trailer is
 *   " -- " NAME " <" EMAIL ">" " " or "  " [Day, ]DD Mon YYYY HH:MM:SS +ZZZZ
 * with NAME and EMAIL as long as possible, change lines start with at
 * least two whitespace characters, and other unindented lines are
 * comments, editor trailers, old-format delimiters or errors.
 */
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_changelog.h"
#include "dgit_chars.h"
#include "dgit_date.h"
#include "dgit_error.h"

#define MAX_WARNINGS 1000

struct dgit_changelog {
	struct dgit_changelog_entry *e;
	size_t n, cap;
	char **warn;
	size_t nwarn, warncap;
};

size_t
dgit_changelog_nentries(const struct dgit_changelog *cl)
{
	return cl->n;
}

const struct dgit_changelog_entry *
dgit_changelog_entry(const struct dgit_changelog *cl, size_t i)
{
	return i < cl->n ? &cl->e[i] : NULL;
}

size_t
dgit_changelog_nwarnings(const struct dgit_changelog *cl)
{
	return cl->nwarn;
}

const char *
dgit_changelog_warning(const struct dgit_changelog *cl, size_t i)
{
	return i < cl->nwarn ? cl->warn[i] : NULL;
}

static void
entry_release(struct dgit_changelog_entry *e)
{
	size_t i;

	free(e->package);
	free(e->version);
	for (i = 0; i < e->ndistributions; i++)
		free(e->distributions[i]);
	free(e->distributions);
	free(e->urgency);
	for (i = 0; i < e->nopts; i++) {
		free(e->opt_keys[i]);
		free(e->opt_values[i]);
	}
	free(e->opt_keys);
	free(e->opt_values);
	free(e->changes);
	free(e->maintainer);
	free(e->maintainer_name);
	free(e->maintainer_email);
	free(e->date);
}

void
dgit_changelog_free(struct dgit_changelog *cl)
{
	size_t i;

	if (cl == NULL)
		return;
	for (i = 0; i < cl->n; i++)
		entry_release(&cl->e[i]);
	free(cl->e);
	for (i = 0; i < cl->nwarn; i++)
		free(cl->warn[i]);
	free(cl->warn);
	free(cl);
}

/* [-+0-9a-z.] case-insensitively */
static int
is_name_char(char c)
{
	return dgit_is_alpha(c) || dgit_is_digit(c) || c == '-' || c == '+' || c == '.';
}

static char *
xstrndup(const char *s, size_t n)
{
	return strndup(s, n);
}

const struct dgit_error *
dgit_changelog_parse_date(int64_t *timestamp, int *tz_offset,
    const char *date, const char *what)
{
	return dgit_date_parse(timestamp, tz_offset, date, 0, what);
}

/* Parsing state. */
enum expect {
	FIRST_HEADING,
	START_CHANGES,
	CHANGES_OR_TRAILER,
	NEXT_OR_EOF,
	SKIP,                      /* after a bad line in a later entry */
};

struct parser {
	const char *what;
	struct dgit_changelog *cl;
	size_t lineno;
	enum expect expect;
	int strict;                /* still in the first entry */
	/* the current entry's change lines */
	char *chg;
	size_t chg_len, chg_cap;
	size_t pending_blank;
};

/* A new, zeroed entry at the end of the list, its line the current one;
 * NULL when out of memory. */
static struct dgit_changelog_entry *
new_entry(struct parser *ps)
{
	struct dgit_changelog_entry *ent;

	if (ps->cl->n == ps->cl->cap) {
		size_t ncap = ps->cl->cap ? ps->cl->cap * 2 : 8;
		struct dgit_changelog_entry *ne;

		if ((ne = realloc(ps->cl->e, ncap * sizeof *ne)) == NULL)
			return NULL;
		ps->cl->e = ne;
		ps->cl->cap = ncap;
	}
	ent = &ps->cl->e[ps->cl->n++];
	memset(ent, 0, sizeof *ent);
	ent->line = ps->lineno;
	return ent;
}

static const struct dgit_error *
add_warning(struct parser *ps, const char *msg)
{
	struct dgit_changelog *cl = ps->cl;
	const struct dgit_error *e;
	char **nw;

	if (cl->nwarn >= MAX_WARNINGS)
		return NULL;
	if (cl->nwarn == cl->warncap) {
		size_t ncap = cl->warncap ? cl->warncap * 2 : 8;
		if ((nw = realloc(cl->warn, ncap * sizeof *nw)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		cl->warn = nw;
		cl->warncap = ncap;
	}
	e = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' line %zu: %s", ps->what,
	    ps->lineno, msg);
	if ((cl->warn[cl->nwarn] = strdup(e->msg)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	cl->nwarn++;
	return NULL;
}

/* An error in the first entry, a warning (and NULL) after it. */
static const struct dgit_error *
problem(struct parser *ps, const char *msg)
{
	if (ps->strict)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' line %zu: %s",
		    ps->what, ps->lineno, msg);
	return add_warning(ps, msg);
}

static const struct dgit_error *
chg_add(struct parser *ps, const char *s, size_t n)
{
	size_t need = ps->chg_len + n + 2;

	if (need > ps->chg_cap) {
		size_t ncap = ps->chg_cap ? ps->chg_cap : 256;
		char *nb;
		while (ncap < need)
			ncap *= 2;
		if ((nb = realloc(ps->chg, ncap)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		ps->chg = nb;
		ps->chg_cap = ncap;
	}
	if (ps->chg_len > 0 || n == 0)
		ps->chg[ps->chg_len++] = '\n';
	memcpy(ps->chg + ps->chg_len, s, n);
	ps->chg_len += n;
	ps->chg[ps->chg_len] = '\0';
	return NULL;
}

static struct dgit_changelog_entry *
cur_entry(struct parser *ps)
{
	return ps->cl->n ? &ps->cl->e[ps->cl->n - 1] : NULL;
}

/* Move the collected change lines into the current entry. */
static const struct dgit_error *
finish_entry(struct parser *ps)
{
	struct dgit_changelog_entry *e = cur_entry(ps);

	if (e == NULL || e->changes != NULL)
		return NULL;
	if (ps->chg_len == 0) {
		if ((e->changes = strdup("")) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
	} else {
		e->changes = ps->chg;
		ps->chg = NULL;
		ps->chg_cap = 0;
	}
	ps->chg_len = 0;
	ps->pending_blank = 0;
	return NULL;
}

/* [epoch:]upstream[-revision], Dpkg::Version's checks. */
static const char *
version_problem(const char *v)
{
	const char *colon = strchr(v, ':'), *up = v, *dash, *p;

	if (*v == '\0')
		return "version is empty";
	if (colon) {
		for (p = v; p < colon; p++)
			if (!dgit_is_digit(*p))
				return "epoch is not a number";
		if (colon == v)
			return "epoch is empty";
		up = colon + 1;
	}
	dash = strrchr(up, '-');
	if (!dgit_is_digit(*up))
		return "version does not start with a digit";
	for (p = up; *p && (dash == NULL || p < dash); p++)
		if (!(dgit_is_alpha(*p) || dgit_is_digit(*p) || strchr(".+~-:", *p)))
			return "version contains an illegal character";
	if (dash) {
		if (dash[1] == '\0')
			return "revision is empty";
		for (p = dash + 1; *p; p++)
			if (!(dgit_is_alpha(*p) || dgit_is_digit(*p) ||
			    strchr(".+~", *p)))
				return "revision contains an illegal "
				    "character";
	}
	return NULL;
}

struct header {
	const char *pkg, *ver, *dists, *dists_end, *opt, *end;
	size_t nd;
};

/*
 * Does the line have the shape of an entry header?  Fills *h if so.
 * commas: take ',' in the distributions too (not dpkg's syntax: only to
 * explain why such a line is refused).
 */
static int
match_header(struct header *h, const char *line, size_t n, int commas)
{
	const char *p = line, *e = line + n;

	memset(h, 0, sizeof *h);
	if (p >= e || !dgit_is_word(*p))
		return 0;
	h->pkg = p++;
	while (p < e && is_name_char(*p))
		p++;
	if (e - p < 2 || p[0] != ' ' || p[1] != '(')
		return 0;
	p += 2;
	h->ver = p;
	while (p < e && *p != '(' && *p != ')' && *p != ' ' && *p != '\t')
		p++;
	if (p == h->ver || p >= e || *p != ')')
		return 0;
	p++;
	/* (\s+[-+0-9a-z.]+)+ ; */
	h->dists = p;
	for (;;) {
		const char *q = p;
		while (q < e && dgit_is_space(*q))
			q++;
		if (q == p || q >= e || !is_name_char(*q))
			break;
		while (q < e && (is_name_char(*q) || (commas && *q == ',')))
			q++;
		p = q;
		h->nd++;
	}
	h->dists_end = p;
	if (h->nd == 0 || p >= e || *p != ';')
		return 0;
	h->opt = p + 1;
	h->end = e;
	return 1;
}

/* Add an entry for a matched header. */
static const struct dgit_error *
add_entry(struct parser *ps, const struct header *h)
{
	const char *p, *e = h->end, *opt = h->opt, *vp;
	const char *pkg = h->pkg, *ver = h->ver, *dists = h->dists;
	const char *de = h->dists_end;
	size_t pkgl = h->ver - 2 - h->pkg, verl = h->dists - 1 - h->ver;
	size_t nd = h->nd, i;
	struct dgit_changelog_entry *ent;
	const struct dgit_error *err = NULL;

	if ((ent = new_entry(ps)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((ent->package = xstrndup(pkg, pkgl)) == NULL ||
	    (ent->version = xstrndup(ver, verl)) == NULL ||
	    (ent->distributions = calloc(nd, sizeof(char *))) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (p = dists; p < de;) {
		const char *s;
		while (dgit_is_space(*p))
			p++;
		for (s = p; p < de && is_name_char(*p); p++)
			;
		if ((ent->distributions[ent->ndistributions] =
		    xstrndup(s, p - s)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		ent->ndistributions++;
	}
	if ((vp = version_problem(ent->version)) != NULL) {
		char msg[256];
		snprintf(msg, sizeof msg, "bad version '%.100s': %s",
		    ent->version, vp);
		if ((err = problem(ps, msg)) != NULL)
			return err;
		/* as dpkg-parsechangelog prints it */
		free(ent->version);
		if ((ent->version = strdup("unknown")) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
	}

	/* options: split on \s*,\s*, each key=\s*value */
	while (e > opt && dgit_is_space(e[-1]))
		e--;
	while (opt < e && dgit_is_space(*opt))
		opt++;
	{
		size_t nopt = 0;
		const char *q;
		if (opt < e)
			for (nopt = 1, q = opt; q < e; q++)
				nopt += *q == ',';
		if (nopt && ((ent->opt_keys = calloc(nopt, sizeof(char *))) ==
		    NULL || (ent->opt_values = calloc(nopt, sizeof(char *))) ==
		    NULL))
			return dgit_error(DGIT_ERR_NOMEM);
	}
	for (p = opt; p < e;) {
		const char *s = p, *ke, *vs, *ve, *comma;
		char msg[256];

		comma = memchr(p, ',', e - p);
		ve = comma ? comma : e;
		p = comma ? comma + 1 : e;
		while (p < e && dgit_is_space(*p))
			p++;
		while (ve > s && dgit_is_space(ve[-1]))
			ve--;
		for (ke = s; ke < ve && (dgit_is_alpha(*ke) || dgit_is_digit(*ke) ||
		    *ke == '-'); ke++)
			;
		if (ke == s || ke >= ve || *ke != '=') {
			snprintf(msg, sizeof msg, "bad key-value after ';': "
			    "'%.*s'", (int)(ve - s > 100 ? 100 : ve - s), s);
			if ((err = add_warning(ps, msg)) != NULL)
				return err;
			continue;
		}
		for (vs = ke + 1; vs < ve && dgit_is_space(*vs); vs++)
			;
		if (vs == ve) {
			snprintf(msg, sizeof msg, "bad key-value after ';': "
			    "'%.*s'", (int)(ve - s > 100 ? 100 : ve - s), s);
			if ((err = add_warning(ps, msg)) != NULL)
				return err;
			continue;
		}
		for (i = 0; i < ent->nopts; i++)
			if (strlen(ent->opt_keys[i]) == (size_t)(ke - s) &&
			    strncasecmp(ent->opt_keys[i], s, ke - s) == 0)
				break;
		if (i < ent->nopts) {
			snprintf(msg, sizeof msg, "repeated key-value '%.*s'",
			    (int)(ke - s > 100 ? 100 : ke - s), s);
			if ((err = add_warning(ps, msg)) != NULL)
				return err;
			continue;
		}
		if ((ent->opt_keys[ent->nopts] = xstrndup(s, ke - s)) == NULL ||
		    (ent->opt_values[ent->nopts] = xstrndup(vs, ve - vs)) ==
		    NULL) {
			ent->nopts++;
			return dgit_error(DGIT_ERR_NOMEM);
		}
		ent->nopts++;
		if ((size_t)(ke - s) == 7 && strncasecmp(s, "urgency", 7) == 0) {
			const char *u;
			char *lc;
			for (u = vs; u < ve && !dgit_is_space(*u); u++)
				;
			if ((ent->urgency = lc = xstrndup(vs, u - vs)) == NULL)
				return dgit_error(DGIT_ERR_NOMEM);
			for (; *lc; lc++)
				if (*lc >= 'A' && *lc <= 'Z')
					*lc += 'a' - 'A';
		}
	}
	return NULL;
}

/*
 * Read a trailer line (it starts with " --").  *ok: 1 if it matched.
 * Semantic problems are reported through problem()/add_warning().
 */
static const struct dgit_error *
parse_trailer(struct parser *ps, const char *line, size_t n, int *ok)
{
	struct dgit_changelog_entry *ent = cur_entry(ps);
	const struct dgit_error *err;
	const char *gt = NULL, *lt = NULL, *p, *bad, *warn, *ds;
	size_t i, blanks, dl;
	struct dgit_date dt;
	int64_t ts;
	int tz;

	*ok = 0;
	if (n < 4 || memcmp(line, " -- ", 4) != 0)
		return NULL;
	for (i = n; i > 4; i--)
		if (line[i - 1] == '>') {
			gt = line + i - 1;
			break;
		}
	if (gt == NULL)
		return NULL;
	/* " -- " NAME " <": NAME starts at line+4 and may be empty */
	for (p = gt - 1; p >= line + 5; p--)
		if (p[0] == '<' && p[-1] == ' ') {
			lt = p;
			break;
		}
	if (lt == NULL)
		return NULL;
	p = gt + 1;
	for (blanks = 0; p + blanks < line + n && p[blanks] == ' ' &&
	    blanks < 2; blanks++)
		;
	if (blanks == 0)
		return NULL;
	ds = p + blanks;
	if (dgit_date_scan(&dt, ds, (size_t)(line + n - ds), 0) < 0)
		return NULL;
	ts = dt.time;
	tz = dt.tz;
	bad = dt.bad;
	warn = dt.warn;
	dl = dt.len;
	*ok = 1;
	if (ent == NULL || ent->has_trailer)
		return NULL;               /* caller reports the misplacement */
	{
		const char *ns = line + 4, *ne = lt - 1;
		size_t nl = ne >= ns ? (size_t)(ne - ns) : 0;
		size_t el = gt - (lt + 1);
		char *m;

		if ((ent->maintainer_email = xstrndup(lt + 1, el)) == NULL ||
		    (m = malloc(nl + el + 4)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		memcpy(m, ns, nl);
		memcpy(m + nl, " <", 2);
		memcpy(m + nl + 2, lt + 1, el);
		memcpy(m + nl + 2 + el, ">", 2);
		ent->maintainer = m;
		while (nl > 0 && dgit_is_space(ns[nl - 1]))
			nl--;
		while (nl > 0 && dgit_is_space(*ns)) {
			ns++;
			nl--;
		}
		if ((ent->maintainer_name = xstrndup(ns, nl)) == NULL ||
		    (ent->date = xstrndup(ds, dl)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
	}
	ent->has_trailer = 1;
	ent->has_timestamp = !dt.no_ts && !bad;
	ent->trailer_line = ps->lineno;
	ent->timestamp = ts;
	ent->tz_offset = tz;
	if (dt.off_calendar && (err = add_warning(ps, "day or zone out of "
	    "range, counted on as dpkg-parsechangelog does")) != NULL)
		return err;
	if (blanks == 1 && (err = add_warning(ps, "one space instead of "
	    "two before the date in the trailer")) != NULL)
		return err;
	if (warn && (err = add_warning(ps, warn)) != NULL)
		return err;
	if (bad) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s in the trailer date '%.100s'",
		    bad, ent->date);
		ent->timestamp = 0;
		ent->tz_offset = 0;
		if ((err = problem(ps, msg)) != NULL)
			return err;
	}
	return NULL;
}

/*
 * Lines in an old changelog format: dpkg stops parsing at the first one.
 * The alternatives: GNU-style "Day Mon DD HH:MM:SS [TZ] YYYY  name <mail>",
 * "Day Mon DD[,] YYYY  name <mail>", an option-less header "pkg (ver)[;]",
 * "pkg-ver Debian rev", "Changes from version X to Y:", "Changes for
 * pkg-ver:", "Old Changelog:", and a lone "[epoch:]version[:]".
 */
#define W "[[:alnum:]_]"
#define S "[[:space:]]"
static const char ancient_re[] =
    "^(" W "+" S "+" W "+" S "+[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}"
    S "+([[:alnum:]_]|" S ")*[0-9]{4}" S "+.*" S "+[<(].*[)>]"
    "|" W "+" S "+" W "+" S "+[0-9]{1,2},?" S "*[0-9]{4}" S "+.*" S
    "+[<(].*[)>]"
    "|" W "[-+0-9a-z.]* \\([^() \t]+\\)"
    "|[[:alnum:]_.+-]+[- ][^[:space:]]+ Debian [^[:space:]]+"
    "|Changes from version .* to .*:"
    "|Changes for [[:alnum:]_.+-]+-[[:alnum:]_.+-]+:?" S "*$"
    "|Old Changelog:" S "*$"
    "|([0-9]+:)?" W "[[:alnum:]_.+~-]*:?" S "*$"
    ")";
#undef W
#undef S

/* The pattern, compiled once for the process (regexec on a compiled
 * pattern is safe from several threads): written only by
 * ancient_compile, under pthread_once. */
struct ancient {
	regex_t re;
	int ok;
};

static struct ancient *
ancient_state(void)
{
	static struct ancient a;

	return &a;
}

static void
ancient_compile(void)
{
	struct ancient *a = ancient_state();

	a->ok = regcomp(&a->re, ancient_re, REG_EXTENDED | REG_ICASE |
	    REG_NOSUB) == 0;
}

static const regex_t *
ancient_regex(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const struct ancient *a;

	pthread_once(&once, ancient_compile);
	a = ancient_state();
	return a->ok ? &a->re : NULL;
}

static int
is_ancient(const char *line, size_t n)
{
	const regex_t *re = ancient_regex();
	char buf[1024];
	size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;

	if (re == NULL || memchr(line, '\0', n) != NULL)
		return 0;
	memcpy(buf, line, k);
	buf[k] = '\0';
	return regexec(re, buf, 0, NULL, 0) == 0;
}

/* An entry for change lines after a trailer, as dpkg makes it. */
static const struct dgit_error *
add_unknown_entry(struct parser *ps)
{
	struct dgit_changelog_entry *ent;

	if ((ent = new_entry(ps)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	ps->chg_len = 0;
	ps->pending_blank = 0;
	if ((ent->package = strdup("unknown")) == NULL ||
	    (ent->version = strdup("unknown")) == NULL ||
	    (ent->urgency = strdup("unknown")) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/* Comments and RCS keywords dpkg skips, editor trailers it stops at. */
static int
skip_line(const char *line, size_t n)
{
	const char *p;

	if (n >= 2 && line[0] == '#' && line[1] == ' ')
		return 1;
	if (n >= 4 && line[0] == '/' && line[1] == '*') {
		for (p = line + 2; p + 1 < line + n; p++)
			if (p[0] == '*' && p[1] == '/')
				return 1;
		return 0;
	}
	if (n >= 2 && line[0] == '$' && dgit_is_word(line[1])) {
		for (p = line + 1; p < line + n && dgit_is_word(*p); p++)
			;
		if (p < line + n && *p == ':' &&
		    memchr(p, '$', line + n - p) != NULL)
			return 1;
	}
	return 0;
}

static int
stop_line(const char *line, size_t n)
{
	const char *p = line, *e = line + n;

	if (n >= 4 && strncasecmp(line, "vim:", 4) == 0)
		return 1;
	if (e - p >= 2 && p[0] == ';' && p[1] == ';') {
		p += 2;
		while (p < e && dgit_is_space(*p))
			p++;
	}
	return e - p >= 16 && strncasecmp(p, "Local variables:", 16) == 0;
}

static const char *
expect_str(enum expect x)
{
	switch (x) {
	case FIRST_HEADING: return "first heading";
	case NEXT_OR_EOF: return "next heading or end of file";
	case START_CHANGES: return "start of change data";
	case CHANGES_OR_TRAILER: return "more change data or trailer";
	case SKIP: break;
	}
	return "next heading";
}

/* *stop set when parsing must end after this line. */
static const struct dgit_error *
parse_line(struct parser *ps, const char *line, size_t n, int first_only,
    int *stop)
{
	const struct dgit_error *err;
	char msg[192];
	size_t lead;
	int ok;

	*stop = 0;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (n > 0 && !dgit_is_space(line[0])) {
		struct header h;

		if (match_header(&h, line, n, 0)) {
			if (first_only && ps->cl->n > 0) {
				/* the first entry ended without a trailer */
				if ((err = finish_entry(ps)) != NULL)
					return err;
				snprintf(msg, sizeof msg, "found start of entry "
				    "where expected %s", expect_str(ps->expect));
				ps->expect = NEXT_OR_EOF;
				*stop = 1;
				return problem(ps, msg);
			}
			if (ps->expect == START_CHANGES ||
			    ps->expect == CHANGES_OR_TRAILER) {
				/* the previous entry had no trailer */
				if ((err = finish_entry(ps)) != NULL)
					return err;
				snprintf(msg, sizeof msg, "found start of entry "
				    "where expected %s", expect_str(ps->expect));
				if ((err = problem(ps, msg)) != NULL)
					return err;
			}
			if (ps->cl->n > 0)
				ps->strict = 0;
			if ((err = add_entry(ps, &h)) != NULL)
				return err;
			ps->expect = START_CHANGES;
			ps->chg_len = 0;
			ps->pending_blank = 0;
			return NULL;
		}
		if (stop_line(line, n)) {
			*stop = 1;
			return NULL;
		}
		if (skip_line(line, n))
			return NULL;
		if (match_header(&h, line, n, 1)) {
			/* "stable,unstable": dpkg takes it for an ancient
			 * entry and stops; say why, as dgit does */
			const char *d = h.dists;

			while (d < h.dists_end && dgit_is_space(*d))
				d++;
			snprintf(msg, sizeof msg, "badly formatted heading "
			    "line: distribution '%.*s': this operation does "
			    "not support multiple comma-separated suites",
			    (int)(h.dists_end - d > 60 ? 60 : h.dists_end - d),
			    d);
			*stop = 1;
			return problem(ps, msg);
		}
		if (is_ancient(line, n)) {
			*stop = 1;
			return NULL;
		}
		/* dpkg warns and carries on in the same state */
		return problem(ps, "badly formatted heading line");
	}
	if (n >= 3 && memcmp(line, " --", 3) == 0) {
		if ((err = parse_trailer(ps, line, n, &ok)) != NULL)
			return err;
		if (!ok)
			/* dpkg warns and reads on in the same state: change
			 * lines after it are the entry's */
			return problem(ps, "badly formatted trailer line "
			    "(expected ' -- NAME <EMAIL>  DATE')");
		if (ps->expect != CHANGES_OR_TRAILER && ps->expect != SKIP) {
			snprintf(msg, sizeof msg, "found trailer where "
			    "expected %s", expect_str(ps->expect));
			/* an entry without change lines is only odd */
			err = ps->expect == START_CHANGES ?
			    add_warning(ps, msg) : problem(ps, msg);
			if (err != NULL)
				return err;
		}
		if (ps->expect != SKIP && ps->expect != FIRST_HEADING &&
		    ps->expect != NEXT_OR_EOF) {
			if ((err = finish_entry(ps)) != NULL)
				return err;
			if (first_only)
				*stop = 1;
		}
		ps->expect = NEXT_OR_EOF;
		ps->strict = 0;
		return NULL;
	}
	for (lead = 0; lead < n && dgit_is_space(line[lead]); lead++)
		;
	if (lead == n) {
		if (ps->expect == CHANGES_OR_TRAILER)
			ps->pending_blank++;
		return NULL;
	}
	if (lead < 2) {
		/* dpkg drops such lines with a warning */
		return add_warning(ps, "unrecognized line (change lines "
		    "start with two spaces)");
	}
	switch (ps->expect) {
	case START_CHANGES:
	case CHANGES_OR_TRAILER:
		while (ps->pending_blank > 0) {
			if ((err = chg_add(ps, "", 0)) != NULL)
				return err;
			ps->pending_blank--;
		}
		ps->expect = CHANGES_OR_TRAILER;
		/* trailing blanks dropped, as dpkg-parsechangelog prints */
		while (n > lead && dgit_is_space(line[n - 1]))
			n--;
		return chg_add(ps, line, n);
	case FIRST_HEADING:
		return problem(ps, "change lines before the first heading");
	case NEXT_OR_EOF:
		if ((err = problem(ps, "found change data where expected next "
		    "heading or end of file")) != NULL)
			return err;
		/* dpkg takes it for an entry whose header is missing: Source,
		 * Version and Urgency "unknown", no Distribution */
		if ((err = add_unknown_entry(ps)) != NULL)
			return err;
		ps->expect = CHANGES_OR_TRAILER;
		while (n > lead && dgit_is_space(line[n - 1]))
			n--;
		return chg_add(ps, line, n);
	case SKIP:
		break;
	}
	return NULL;
}

static const struct dgit_error *
parse(struct dgit_changelog **out, const char *buf, size_t len,
    const char *what, unsigned flags)
{
	int first_only = (flags & DGIT_CHANGELOG_FIRST) != 0;
	const struct dgit_error *err = NULL;
	struct parser ps;
	size_t pos = 0;
	int stop = 0;

	*out = NULL;
	memset(&ps, 0, sizeof ps);
	ps.what = what;
	ps.strict = !(flags & DGIT_CHANGELOG_LENIENT);
	ps.expect = FIRST_HEADING;
	if ((ps.cl = calloc(1, sizeof *ps.cl)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	while (pos < len && !stop) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		ps.lineno++;
		if (memchr(buf + pos, '\0', ll) != NULL) {
			err = problem(&ps, "line contains a NUL byte");
			if (err)
				goto done;
		} else if ((err = parse_line(&ps, buf + pos, ll, first_only,
		    &stop)) != NULL)
			goto done;
		pos += ll + (nl != NULL);
	}
	if (ps.cl->n == 0) {
		/* the first problem is likely why */
		err = ps.cl->nwarn > 0 ? dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s': no changelog entry found (%s)", what,
		    ps.cl->warn[0]) : dgit_error_fmt(DGIT_ERR_PARSE, "'%s': no "
		    "changelog entry found", what);
		goto done;
	}
	if (ps.expect == START_CHANGES || ps.expect == CHANGES_OR_TRAILER) {
		char msg[128];
		snprintf(msg, sizeof msg, "found end of file where expected %s",
		    expect_str(ps.expect));
		if ((err = problem(&ps, msg)) != NULL)
			goto done;
	}
	err = finish_entry(&ps);
done:
	free(ps.chg);
	if (err) {
		dgit_changelog_free(ps.cl);
		return err;
	}
	*out = ps.cl;
	return NULL;
}

const struct dgit_error *
dgit_changelog_parse(struct dgit_changelog **out, const char *buf,
    size_t len, const char *what)
{
	return parse(out, buf, len, what, 0);
}

const struct dgit_error *
dgit_changelog_parse_first(struct dgit_changelog **out, const char *buf,
    size_t len, const char *what)
{
	return parse(out, buf, len, what, DGIT_CHANGELOG_FIRST);
}

const struct dgit_error *
dgit_changelog_parse_flags(struct dgit_changelog **out, const char *buf,
    size_t len, const char *what, unsigned flags)
{
	return parse(out, buf, len, what, flags);
}
