/*
 * Quilt series files and DEP-3 patch headers, as dpkg-source(1) describes
 * and does (checked by running it: see t/t3100-patch-vs-dpkg-source.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_buf.h"
#include "dgit_error.h"
#include "dgit_quilt.h"

#define SERIES_MAX_PATCHES 100000
#define HEADER_MAX_FIELD   (1 << 20)

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static const struct dgit_error *
check_name(const char *name, const char *what, size_t lineno)
{
	const char *c;

	if (name[0] == '/')
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "absolute patch name '%s' in '%s' at line %zu", name, what,
		    lineno);
	for (c = name; *c; ) {
		size_t clen = strcspn(c, "/");

		if (clen == 2 && c[0] == '.' && c[1] == '.')
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "patch name '%s' in '%s' at line %zu leaves "
			    "debian/patches", name, what, lineno);
		c += clen;
		while (*c == '/')
			c++;
	}
	return NULL;
}

/* "-pN" with N a small number; -1 if the option is something else. */
static int
strip_option(const char *s, size_t len)
{
	int v = 0;
	size_t i;

	if (len < 3 || s[0] != '-' || s[1] != 'p')
		return -1;
	for (i = 2; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 1000)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

const struct dgit_error *
dgit_quilt_series_parse(struct dgit_quilt_series **out, const char *buf,
    size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_quilt_series *s;
	const char *p = buf, *end = buf + len;
	size_t cap = 0, lineno = 0;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return dgit_error(DGIT_ERR_NOMEM);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *b = p, *e, *ne, *o;
		struct dgit_quilt_patch *pp;

		lineno++;
		p = nl ? nl + 1 : end;
		while (b < le && is_space(*b))
			b++;
		e = le;
		while (e > b && is_space(e[-1]))
			e--;
		if (b == e || *b == '#')
			continue;
		for (ne = b; ne < e && !is_space(*ne); ne++)
			;
		/* options run to the end or to a '#' after whitespace */
		for (o = ne; o < e; o++)
			if (*o == '#' && is_space(o[-1]))
				break;
		e = o;
		while (e > ne && is_space(e[-1]))
			e--;
		if (s->n >= SERIES_MAX_PATCHES) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT,
			    "too many patches in '%s'", what);
			goto done;
		}
		if (s->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *np = realloc(s->patches, ncap * sizeof(*pp));

			if (!np) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			s->patches = np;
			cap = ncap;
		}
		pp = &s->patches[s->n];
		memset(pp, 0, sizeof(*pp));
		pp->line = lineno;
		pp->strip = 1;
		pp->opt_strip = -1;
		if (!(pp->name = strndup(b, (size_t)(ne - b)))) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		s->n++;
		if ((err = check_name(pp->name, what, lineno)))
			goto done;
		/* dpkg-source warns about options and applies with -p1 */
		while (ne < e && is_space(*ne))
			ne++;
		if (ne < e) {
			const char *oe = ne;

			pp->has_options = 1;
			while (oe < e && !is_space(*oe))
				oe++;
			if (oe == e)
				pp->opt_strip = strip_option(ne,
				    (size_t)(oe - ne));
		}
	}
	*out = s;
	s = NULL;
done:
	dgit_quilt_series_free(s);
	return err;
}

void
dgit_quilt_series_free(struct dgit_quilt_series *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->patches[i].name);
	free(s->patches);
	free(s);
}

const char *
dgit_quilt_series_path(char *buf, size_t bufsize, int *out_symlink,
    const char *vendor, int (*exists)(const char *path, void *ctx),
    void *ctx)
{
	size_t vl, i;
	static const char pre[] = "debian/patches/", suf[] = ".series";

	*out_symlink = 0;
	if (!vendor || !*vendor)
		vendor = "debian";
	vl = strlen(vendor);
	if (strchr(vendor, '/') || sizeof(pre) + vl + sizeof(suf) > bufsize)
		return NULL;
	memcpy(buf, pre, sizeof(pre) - 1);
	for (i = 0; i < vl; i++) {
		char c = vendor[i];

		buf[sizeof(pre) - 1 + i] = c >= 'A' && c <= 'Z' ?
		    (char)(c - 'A' + 'a') : c;
	}
	memcpy(buf + sizeof(pre) - 1 + vl, suf, sizeof(suf));
	if (exists(buf, ctx)) {
		int plain = exists("debian/patches/series", ctx);

		*out_symlink = plain == 0 || plain == 2;
		return buf;
	}
	return "debian/patches/series";
}

/*
 * ---- patch headers ----
 *
 * dgit makes the patch commits with gbp pq import, so the header is read
 * the way that reads it; the rules below were found by running it:
 * - a leading "From <sha> <date>" mbox line is skipped;
 * - fields are recognised only in the first paragraph, and only until a
 *   line that is not a field or a continuation; the rest is free text;
 * - Subject beats Description (whose long text is then dropped), From
 *   beats Author; an author needs an address; Subject keeps "[PATCH]";
 * - the body is the other fields of the paragraph, a blank line, the
 *   Description's long text, then the free text (leading blank lines
 *   dropped, the rest kept as is).
 */

/* Header fields grow from the patch file: capped. */
static const struct dgit_error *
sb_add(struct dgit_buf *sb, const char *s, size_t len)
{
	if (sb->cap == 0)
		sb->cap = HEADER_MAX_FIELD - 1;
	return dgit_buf_add(sb, s, len);
}

static char *
dup_trim(const char *s, size_t len)
{
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	return strndup(s, len);
}

/*
 * "Name <email>" (name may be "quoted") or a bare address, which is then
 * also the name.  Anything else (no address, empty name) is no author.
 */
const struct dgit_error *
dgit_quilt_parse_author(char **name, char **email, const char *s,
    size_t len)
{
	const char *lt = memchr(s, '<', len), *gt;
	char *n = NULL, *e = NULL;

	*name = *email = NULL;
	if (lt && (gt = memchr(lt, '>', len - (size_t)(lt - s)))) {
		n = dup_trim(s, (size_t)(lt - s));
		e = dup_trim(lt + 1, (size_t)(gt - lt - 1));
		if (!n || !e)
			goto nomem;
		if (n[0] == '"' && strlen(n) >= 2 && n[strlen(n) - 1] == '"') {
			memmove(n, n + 1, strlen(n) - 2);
			n[strlen(n) - 2] = 0;
		}
		if (!*n || !*e) {
			free(n);
			free(e);
			return NULL;
		}
	} else {
		e = dup_trim(s, len);
		if (!e)
			goto nomem;
		if (!strchr(e, '@') || strpbrk(e, " \t")) {
			free(e);
			return NULL;
		}
		if (!(n = strdup(e)))
			goto nomem;
	}
	*name = n;
	*email = e;
	return NULL;
nomem:
	free(n);
	free(e);
	return dgit_error(DGIT_ERR_NOMEM);
}

static int
is_diff_start(const char *s, size_t len)
{
	return (len >= 4 && memcmp(s, "--- ", 4) == 0) ||
	    (len >= 11 && memcmp(s, "diff --git ", 11) == 0) ||
	    (len >= 6 && memcmp(s, "diff -", 6) == 0) ||
	    (len >= 6 && memcmp(s, "Index:", 6) == 0) ||
	    (len == 3 && memcmp(s, "---", 3) == 0);
}

static int
field_is(const char *p, size_t fl, const char *name)
{
	return strlen(name) == fl && strncasecmp(p, name, fl) == 0;
}

const struct dgit_error *
dgit_quilt_header_parse(struct dgit_quilt_header *h, const char *buf,
    size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	const char *p = buf, *end = buf + len;
	struct dgit_buf subj = DGIT_BUF_INIT, desc = DGIT_BUF_INIT;
	struct dgit_buf longd = DGIT_BUF_INIT, other = DGIT_BUF_INIT;
	struct dgit_buf free_text = DGIT_BUF_INIT;
	char *from_name = NULL, *from_email = NULL;
	char *auth_name = NULL, *auth_email = NULL;
	enum { C_NONE, C_DESC, C_SUBJ, C_OTHER, C_DROP } cont = C_NONE;
	int in_header = 1, have_subj = 0, have_desc = 0, have_from = 0,
	    have_author = 0, desc_empty = 0;

	memset(h, 0, sizeof(*h));
	if (len >= 5 && memcmp(buf, "From ", 5) == 0) {
		const char *nl = memchr(buf, '\n', len);

		p = nl ? nl + 1 : end;
	}
	for (; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;
		size_t raw = (size_t)(le - p), ll = raw;

		if (ll && p[ll - 1] == '\r')
			ll--;
		if (is_diff_start(p, ll))
			break;
		if (in_header && ll == 0) {
			in_header = 0;
			goto next;
		}
		if (in_header && (p[0] == ' ' || p[0] == '\t') &&
		    cont != C_NONE) {
			const char *c = p + 1;
			size_t cl = ll - 1;

			switch (cont) {
			case C_DESC:
				if (cl == 1 && c[0] == '.')
					cl = 0;
				if (desc_empty) {
					/* an empty first line: this is it */
					while (cl && is_space(*c)) {
						c++;
						cl--;
					}
					if ((err = sb_add(&desc, c, cl)))
						goto done;
					desc_empty = 0;
				} else if ((err = sb_add(&longd, c, cl)) ||
				    (err = sb_add(&longd, "\n", 1)))
					goto done;
				break;
			case C_SUBJ:
				while (cl && is_space(*c)) {
					c++;
					cl--;
				}
				if ((err = sb_add(&subj, " ", 1)) ||
				    (err = sb_add(&subj, c, cl)))
					goto done;
				break;
			case C_OTHER:
				if ((err = sb_add(&other, p, ll)) ||
				    (err = sb_add(&other, "\n", 1)))
					goto done;
				break;
			default:
				break;
			}
			goto next;
		}
		colon = in_header ? memchr(p, ':', ll) : NULL;
		if (colon && colon > p &&
		    !memchr(p, ' ', (size_t)(colon - p)) &&
		    !memchr(p, '\t', (size_t)(colon - p))) {
			size_t fl = (size_t)(colon - p);
			const char *v = colon + 1;
			size_t vl = ll - fl - 1;

			while (vl && is_space(*v)) {
				v++;
				vl--;
			}
			cont = C_DROP;
			if (field_is(p, fl, "Subject")) {
				if (!have_subj) {
					have_subj = 1;
					if ((err = sb_add(&subj, v, vl)))
						goto done;
					cont = C_SUBJ;
				}
			} else if (field_is(p, fl, "Description")) {
				if (!have_desc) {
					have_desc = 1;
					desc_empty = vl == 0;
					if ((err = sb_add(&desc, v, vl)))
						goto done;
					cont = C_DESC;
				}
			} else if (field_is(p, fl, "From")) {
				if (!have_from && (err = dgit_quilt_parse_author(
				    &from_name, &from_email, v, vl)))
					goto done;
				have_from = 1;
			} else if (field_is(p, fl, "Author")) {
				if (!have_author && (err = dgit_quilt_parse_author(
				    &auth_name, &auth_email, v, vl)))
					goto done;
				have_author = 1;
			} else if (field_is(p, fl, "Date")) {
				if (!h->date && !(h->date = dup_trim(v, vl))) {
					err = dgit_error(DGIT_ERR_NOMEM);
					goto done;
				}
			} else if (field_is(p, fl, "MIME-Version") ||
			    field_is(p, fl, "Content-Type") ||
			    field_is(p, fl, "Content-Transfer-Encoding")) {
				;       /* mail plumbing */
			} else {
				if ((err = sb_add(&other, p, ll)) ||
				    (err = sb_add(&other, "\n", 1)))
					goto done;
				cont = C_OTHER;
			}
			goto next;
		}
		/* free text: leading blank lines dropped, the rest kept */
		in_header = 0;
		cont = C_NONE;
		if (free_text.len || raw) {
			if ((err = sb_add(&free_text, p, raw)) ||
			    (err = sb_add(&free_text, "\n", 1)))
				goto done;
		}
next:
		p = nl ? nl + 1 : end;
	}
	/* From beats Author */
	if (from_email) {
		h->author_name = from_name;
		h->author_email = from_email;
		from_name = from_email = NULL;
	} else if (auth_email) {
		h->author_name = auth_name;
		h->author_email = auth_email;
		auth_name = auth_email = NULL;
	}
	/* Subject beats Description, whose long text then goes too */
	if (have_subj || (have_desc && !desc_empty)) {
		struct dgit_buf *sj = have_subj ? &subj : &desc;

		if (!(h->subject = strndup(sj->ptr ? sj->ptr : "", sj->len))) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	}
	{
		struct dgit_buf body = DGIT_BUF_INIT;

		if ((other.len && ((err = sb_add(&body, other.ptr, other.len)) ||
		    (err = sb_add(&body, "\n", 1)))) ||
		    (!have_subj && longd.len &&
		    (err = sb_add(&body, longd.ptr, longd.len))) ||
		    (free_text.len &&
		    (err = sb_add(&body, free_text.ptr, free_text.len)))) {
			dgit_buf_release(&body);
			goto done;
		}
		h->body = dgit_buf_detach(&body, NULL);
		if (!h->body) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	}
done:
	dgit_buf_release(&subj);
	dgit_buf_release(&desc);
	dgit_buf_release(&longd);
	dgit_buf_release(&other);
	dgit_buf_release(&free_text);
	free(from_name);
	free(from_email);
	free(auth_name);
	free(auth_email);
	if (err) {
		dgit_quilt_header_release(h);
		return dgit_error_wrap(err, "patch header of '%s'", what);
	}
	return NULL;
}

void
dgit_quilt_header_release(struct dgit_quilt_header *h)
{
	free(h->author_name);
	free(h->author_email);
	free(h->date);
	free(h->subject);
	free(h->body);
	memset(h, 0, sizeof(*h));
}

const struct dgit_error *
dgit_quilt_commit_message(char **out, const struct dgit_quilt_header *h,
    const char *patch_name)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf m = DGIT_BUF_INIT;
	const char *base = strrchr(patch_name, '/');
	char *subject = NULL;

	*out = NULL;
	if (!h->subject && !(subject = dgit_quilt_subject_from_name(
	    patch_name)))
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = sb_add(&m, h->subject ? h->subject : subject,
	    strlen(h->subject ? h->subject : subject))) ||
	    (err = sb_add(&m, "\n\n", 2)) ||
	    (err = sb_add(&m, h->body ? h->body : "",
	    h->body ? strlen(h->body) : 0)) ||
	    (err = sb_add(&m, "\n", 1)))
		goto done;
	if (base && ((err = sb_add(&m, "Gbp-Pq: Topic ", 14)) ||
	    (err = sb_add(&m, patch_name, (size_t)(base - patch_name))) ||
	    (err = sb_add(&m, "\n", 1))))
		goto done;
	base = base ? base + 1 : patch_name;
	if ((err = sb_add(&m, "Gbp-Pq: Name ", 13)) ||
	    (err = sb_add(&m, base, strlen(base))))
		goto done;
	*out = dgit_buf_detach(&m, NULL);
done:
	dgit_buf_release(&m);
	free(subject);
	return err;
}

static int
parse_int(const char **p, int maxdigits, int *out)
{
	int v = 0, n = 0;

	while (**p >= '0' && **p <= '9' && n < maxdigits) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n > 0;
}

const struct dgit_error *
dgit_quilt_date_parse(long long *out_time, int *out_tz_minutes,
    const char *s)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p = s;
	int day, mon = -1, year, hh, mm, ss = 0, tz, sign, i;
	long long y, era, yoe, doy, doe, days;

	*out_time = 0;
	*out_tz_minutes = 0;
	while (is_space(*p))
		p++;
	/* optional "Wed," */
	if (((*p | 32) >= 'a' && (*p | 32) <= 'z')) {
		while (*p && *p != ',')
			p++;
		if (*p != ',')
			goto bad;
		p++;
	}
	while (is_space(*p))
		p++;
	if (!parse_int(&p, 2, &day) || !is_space(*p))
		goto bad;
	while (is_space(*p))
		p++;
	for (i = 0; i < 12; i++)
		if (strncasecmp(p, months + 3 * i, 3) == 0)
			mon = i;
	if (mon < 0)
		goto bad;
	p += 3;
	while (is_space(*p))
		p++;
	if (!parse_int(&p, 4, &year) || year < 1970 || !is_space(*p))
		goto bad;
	while (is_space(*p))
		p++;
	if (!parse_int(&p, 2, &hh) || *p++ != ':' || !parse_int(&p, 2, &mm))
		goto bad;
	if (*p == ':' && (p++, !parse_int(&p, 2, &ss)))
		goto bad;
	while (is_space(*p))
		p++;
	if (*p != '+' && *p != '-')
		goto bad;
	sign = *p++ == '-' ? -1 : 1;
	{
		const char *t = p;

		if (!parse_int(&p, 4, &tz) || p - t != 4)
			goto bad;
	}
	if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 ||
	    tz % 100 > 59)
		goto bad;
	/* days from 1970-01-01 of a proleptic Gregorian date */
	y = year - (mon < 2);
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (mon + (mon > 1 ? -2 : 10)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	tz = sign * (tz / 100 * 60 + tz % 100);
	*out_time = days * 86400 + hh * 3600 + mm * 60 + ss - tz * 60LL;
	*out_tz_minutes = tz;
	return NULL;
bad:
	return dgit_error_fmt(DGIT_ERR_PARSE,
	    "cannot parse date '%s' (want RFC 2822, e.g. 'Wed, 5 May 2021 "
	    "10:00:00 +0200')", s);
}

char *
dgit_quilt_subject_from_name(const char *name)
{
	const char *base = strrchr(name, '/'), *dot;
	size_t len;

	base = base ? base + 1 : name;
	len = strlen(base);
	dot = strrchr(base, '.');
	if (dot && dot > base && (strcmp(dot, ".patch") == 0 ||
	    strcmp(dot, ".diff") == 0))
		len = (size_t)(dot - base);
	return strndup(base, len);
}
