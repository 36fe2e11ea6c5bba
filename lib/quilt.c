/*
 * Quilt series files and DEP-3 patch headers, as dpkg-source(1) describes
 * and does (checked by running it: see t/t3100-patch-vs-dpkg-source.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
dgit_quilt_series_path(char *buf, size_t bufsize, const char *vendor,
    int (*exists)(const char *path, void *ctx), void *ctx)
{
	size_t vl, i;
	static const char pre[] = "debian/patches/", suf[] = ".series";

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
	if (exists(buf, ctx))
		return buf;
	return "debian/patches/series";
}

/* ---- DEP-3 / git format-patch headers ---- */

struct sbuf {
	char *b;
	size_t len, cap;
};

static const struct dgit_error *
sb_add(struct sbuf *sb, const char *s, size_t len)
{
	if (sb->len + len + 1 > HEADER_MAX_FIELD)
		return dgit_error(DGIT_ERR_LIMIT);
	if (sb->len + len + 1 > sb->cap) {
		size_t ncap = sb->cap ? sb->cap : 64;
		char *nb;

		while (ncap < sb->len + len + 1)
			ncap *= 2;
		nb = realloc(sb->b, ncap);
		if (!nb)
			return dgit_error(DGIT_ERR_NOMEM);
		sb->b = nb;
		sb->cap = ncap;
	}
	memcpy(sb->b + sb->len, s, len);
	sb->len += len;
	sb->b[sb->len] = 0;
	return NULL;
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

/* "Name <email>" or "email" or "Name"; fills name/email (may be NULL). */
static const struct dgit_error *
split_author(struct dgit_quilt_header *h, const char *s, size_t len)
{
	const char *lt = memchr(s, '<', len), *gt;

	free(h->author_name);
	free(h->author_email);
	h->author_name = h->author_email = NULL;
	if (lt && (gt = memchr(lt, '>', len - (size_t)(lt - s)))) {
		h->author_email = dup_trim(lt + 1, (size_t)(gt - lt - 1));
		h->author_name = dup_trim(s, (size_t)(lt - s));
		if (!h->author_email || !h->author_name)
			return dgit_error(DGIT_ERR_NOMEM);
		if (!*h->author_name) {
			free(h->author_name);
			h->author_name = NULL;
		}
		/* git's "Name" quoting */
		if (h->author_name && h->author_name[0] == '"') {
			size_t n = strlen(h->author_name);

			if (n >= 2 && h->author_name[n - 1] == '"') {
				memmove(h->author_name, h->author_name + 1,
				    n - 2);
				h->author_name[n - 2] = 0;
			}
		}
		return NULL;
	}
	if (memchr(s, '@', len) && !memchr(s, ' ', len))
		h->author_email = dup_trim(s, len);
	else
		h->author_name = dup_trim(s, len);
	if (!h->author_email && !h->author_name)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/* Drop a leading "[PATCH]" / "[PATCH n/m]" / "[PATCH v2 3/4]" tag. */
static const char *
strip_patch_tag(const char *s, size_t *len)
{
	if (*len >= 6 && memcmp(s, "[PATCH", 6) == 0) {
		const char *rb = memchr(s, ']', *len);

		if (rb) {
			*len -= (size_t)(rb + 1 - s);
			s = rb + 1;
			while (*len && is_space(*s)) {
				s++;
				(*len)--;
			}
		}
	}
	return s;
}

static int
is_diff_start(const char *s, size_t len)
{
	return (len >= 4 && memcmp(s, "--- ", 4) == 0) ||
	    (len >= 11 && memcmp(s, "diff --git ", 11) == 0) ||
	    (len >= 6 && memcmp(s, "Index:", 6) == 0) ||
	    (len >= 5 && memcmp(s, "diff ", 5) == 0) ||
	    (len == 3 && memcmp(s, "---", 3) == 0);
}

const struct dgit_error *
dgit_quilt_header_parse(struct dgit_quilt_header *h, const char *buf,
    size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	const char *p = buf, *end = buf + len;
	struct sbuf desc = { NULL, 0, 0 }, body = { NULL, 0, 0 };
	enum { F_NONE, F_DESC, F_OTHER } cont = F_NONE;
	int in_fields = 1, git_style = 0, have_desc = 0, desc_first = 1;

	memset(h, 0, sizeof(*h));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon;
		size_t ll;

		ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		if (is_diff_start(p, ll))
			break;
		if (ll >= 5 && memcmp(p, "From ", 5) == 0 && p == buf) {
			git_style = 1;  /* "From <sha> Mon Sep 17 ..." */
			goto next;
		}
		if (in_fields && ll && is_space(p[0]) && cont != F_NONE) {
			/* a continuation line */
			if (cont == F_DESC) {
				const char *s = p;
				size_t sl = ll;

				while (sl && is_space(*s)) {
					s++;
					sl--;
				}
				if (sl == 1 && *s == '.')
					sl = 0;   /* " ." is an empty line */
				if ((err = sb_add(&desc, "\n", 1)) ||
				    (err = sb_add(&desc, s, sl)))
					goto done;
			}
			goto next;
		}
		colon = in_fields ? memchr(p, ':', ll) : NULL;
		if (colon && colon > p && !memchr(p, ' ', (size_t)(colon - p))) {
			size_t fl = (size_t)(colon - p);
			const char *v = colon + 1;
			size_t vl = ll - fl - 1;

			while (vl && is_space(*v)) {
				v++;
				vl--;
			}
			while (vl && is_space(v[vl - 1]))
				vl--;
			cont = F_OTHER;
			if ((fl == 6 && !strncasecmp(p, "Author", 6)) ||
			    (fl == 4 && !strncasecmp(p, "From", 4))) {
				if (!h->author_name && !h->author_email &&
				    (err = split_author(h, v, vl)))
					goto done;
			} else if ((fl == 11 && !strncasecmp(p, "Description",
			    11)) || (fl == 7 && !strncasecmp(p, "Subject", 7))) {
				if (!have_desc) {
					if (git_style || (fl == 7))
						v = strip_patch_tag(v, &vl);
					desc.len = 0;
					if ((err = sb_add(&desc, v, vl)))
						goto done;
					have_desc = 1;
					cont = F_DESC;
				}
			} else if ((fl == 4 && !strncasecmp(p, "Date", 4)) ||
			    (fl == 11 && !strncasecmp(p, "Last-Update", 11))) {
				if (!h->date || (fl == 4 &&
				    strncasecmp(p, "Date", 4) == 0)) {
					free(h->date);
					if (!(h->date = strndup(v, vl))) {
						err = dgit_error(DGIT_ERR_NOMEM);
						goto done;
					}
				}
			}
			goto next;
		}
		if (ll == 0 && in_fields) {
			/* end of a header paragraph */
			cont = F_NONE;
			if (git_style || have_desc)
				in_fields = 0;
			goto next;
		}
		/* free text: the body of a git-style mail, or DEP-3 prose */
		in_fields = 0;
		cont = F_NONE;
		if ((err = sb_add(&body, p, ll)) || (err = sb_add(&body, "\n", 1)))
			goto done;
next:
		p = nl ? nl + 1 : end;
	}
	(void)desc_first;
	if (have_desc) {
		char *nl1 = memchr(desc.b, '\n', desc.len);
		size_t sl = nl1 ? (size_t)(nl1 - desc.b) : desc.len;

		h->subject = dup_trim(desc.b, sl);
		if (!h->subject) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if (nl1) {
			/* the long description, then any free text */
			struct sbuf rest = { NULL, 0, 0 };

			if ((err = sb_add(&rest, nl1 + 1,
			    desc.len - sl - 1)) ||
			    (err = sb_add(&rest, "\n", 1))) {
				free(rest.b);
				goto done;
			}
			if (body.len && ((err = sb_add(&rest, "\n", 1)) ||
			    (err = sb_add(&rest, body.b, body.len)))) {
				free(rest.b);
				goto done;
			}
			free(body.b);
			body = rest;
		}
	}
	/* trim blank lines around the body */
	{
		const char *s = body.b ? body.b : "";
		size_t bl = body.len;

		while (bl && (*s == '\n' || is_space(*s))) {
			s++;
			bl--;
		}
		while (bl && (s[bl - 1] == '\n' || is_space(s[bl - 1])))
			bl--;
		if (bl || have_desc || git_style) {
			if (!(h->body = strndup(s, bl))) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		}
	}
done:
	free(desc.b);
	free(body.b);
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
