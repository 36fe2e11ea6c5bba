/*
 * Quilt series files and DEP-3 patch headers, as dpkg-source(1) describes
 * and does (checked by running it: see t/t3100-patch-vs-dpkg-source.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_buf.h"
#include "dgit_date.h"
#include "dgit_error.h"
#include "dgit_mailhdr.h"
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
/* Python's str.strip()/lstrip() white space (the ASCII part). */
static int
py_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static void
py_strip(const char **s, size_t *n, int right)
{
	while (*n && py_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (right && *n && py_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Length of the valid UTF-8 sequence at s (0: invalid), and of the
 * maximal start of one (at least 1), as Python's decoder counts them. */
static size_t
utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/*
 * Bytes as Python decodes them: invalid UTF-8 as "\xNN" per byte
 * (errors="backslashreplace") or as U+FFFD per bad sequence ("replace");
 * with newlines, "\r\n" and "\r" become "\n" (universal newlines).
 */
static const struct dgit_error *
py_decode(struct dgit_buf *out, const char *s, size_t n, int backslash,
    int newlines)
{
	const struct dgit_error *err = NULL;
	const unsigned char *u = (const unsigned char *)s;

	if ((err = sb_add(out, "", 0)))
		return err;
	for (size_t i = 0; i < n && !err; ) {
		size_t bad, l = utf8_seq(u + i, n - i, &bad);

		if (newlines && u[i] == '\r') {
			err = sb_add(out, "\n", 1);
			i += i + 1 < n && u[i + 1] == '\n' ? 2 : 1;
		} else if (l) {
			err = sb_add(out, s + i, l);
			i += l;
		} else if (backslash) {
			for (size_t j = 0; j < bad && !err; j++)
				err = dgit_buf_addf(out, "\\x%02x", u[i + j]);
			i += bad;
		} else {
			err = sb_add(out, "\xef\xbf\xbd", 3);
			i += bad;
		}
	}
	return err;
}

/* gbp's VALID_DEP3_ENDS: (?:---|\*\*\*|Index:)[ \t][^ \t]|^diff -|^--- */
static int
dep3_end(const char *l, size_t n)
{
	if ((n >= 6 && memcmp(l, "diff -", 6) == 0) ||
	    (n >= 3 && memcmp(l, "---", 3) == 0))
		return 1;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		if (n - i >= 3 && (memcmp(l + i, "---", 3) == 0 ||
		    memcmp(l + i, "***", 3) == 0))
			k = 3;
		else if (n - i >= 6 && memcmp(l + i, "Index:", 6) == 0)
			k = 6;
		if (k && i + k + 1 < n && (l[i + k] == ' ' ||
		    l[i + k] == '\t') && l[i + k + 1] != ' ' &&
		    l[i + k + 1] != '\t')
			return 1;
	}
	return 0;
}

/*
 * How much of a patch the DEP-3 scan below reads: the bytes before the
 * first line that ends it (a line dep3_end accepts, or one that is
 * neither a continuation nor has a colon).  Decoding keeps every ASCII
 * byte as it is and splits lines exactly where the raw bytes have "\n",
 * "\r\n" or "\r", so the test on the raw line gives the decoded line's
 * answer; only this prefix needs decoding, however big the patch.
 */
static size_t
dep3_extent(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t c = i, n;

		while (c < len && buf[c] != '\n' && buf[c] != '\r')
			c++;
		/* the line and one terminator byte, '\n' or '\r' alike */
		n = c - i + (c < len);
		if (dep3_end(buf + i, n) ||
		    (buf[i] != ' ' && !memchr(buf + i, ':', n)))
			return i;
		if (c < len && buf[c] == '\r' && c + 1 < len &&
		    buf[c + 1] == '\n')
			c++;
		i = c + (c < len);
	}
	return len;
}

/* One DEP-3 field of gbp's: its name (lowercased) and its raw lines. */
struct dep3_field {
	char *key;
	struct dgit_buf lines;
};

#define DEP3_MAX_FIELDS 1000

/* gbp's _dep3_get_value: continuation lines less their first space
 * (" ." a blank line), field lines less "Name:" and leading space. */
static const struct dgit_error *
dep3_value(struct dgit_buf *out, const struct dgit_buf *lines)
{
	const struct dgit_error *err = NULL;
	const char *p = lines->ptr, *end = p + lines->len;

	dgit_buf_clear(out);
	if ((err = sb_add(out, "", 0)))
		return err;
	while (p < end && !err) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl + 1 : end) - p);

		if (p[0] == ' ') {
			if (n == 3 && memcmp(p + 1, ".\n", 2) == 0)
				err = sb_add(out, "\n", 1);
			else
				err = sb_add(out, p + 1, n - 1);
		} else {
			const char *c = memchr(p, ':', n);
			size_t vl = n - (size_t)(c + 1 - p);

			c++;
			py_strip(&c, &vl, 0);
			err = sb_add(out, c, vl);
		}
		p += n;
	}
	return err;
}

/*
 * gbp's re.match('(.*)<([^<>]+)>', value): the last '<' of the first
 * line that is followed, past no other '<' or '>', by a '>'.
 */
static int
split_author(const char *v, size_t n, size_t *lt, size_t *gt)
{
	const char *nl = memchr(v, '\n', n);
	size_t first = nl ? (size_t)(nl - v) : n;

	for (size_t i = first; i-- > 0; ) {
		size_t j;

		if (v[i] != '<')
			continue;
		for (j = i + 1; j < n && v[j] != '<' && v[j] != '>'; j++)
			;
		if (j < n && v[j] == '>' && j > i + 1) {
			*lt = i;
			*gt = j;
			return 1;
		}
	}
	return 0;
}

static const struct dgit_error *
set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	if (!(*dst = strndup(s, n)))
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/*
 * The header of a patch as gbp pq import (gbp/patch_series.py) reads it:
 * `git mailinfo -k` on the text before the first "---" line (here
 * dgit_mailhdr_mailinfo) gives author, email, subject and date and the
 * long description; then the DEP-3 fields of the first paragraph
 * (Dep3Patch._check_dep3) fill in what is missing, in their order, and
 * any other field is kept in the message.
 */
const struct dgit_error *
dgit_quilt_header_parse(struct dgit_quilt_header *h, const char *buf,
    size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf text = DGIT_BUF_INIT, longd = DGIT_BUF_INIT;
	struct dgit_buf pseudo = DGIT_BUF_INIT, val = DGIT_BUF_INIT;
	struct dgit_buf body = DGIT_BUF_INIT;
	struct dep3_field *f = NULL;
	size_t nf = 0, cut = len, ilen, mlen;
	char *info = NULL, *msg = NULL, *email = NULL, *author = NULL;
	int has_author = 0, has_email = 0, changes = 0;
	const char *p, *end;

	memset(h, 0, sizeof(*h));
	/* the text mailinfo sees: up to a line that is exactly "---" */
	for (p = buf; p < buf + len; ) {
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));

		if (nl && nl - p == 3 && memcmp(p, "---", 3) == 0) {
			cut = (size_t)(p - buf);
			break;
		}
		p = nl ? nl + 1 : buf + len;
	}
	{
		const char *s = buf;
		size_t n = cut;

		while (n && (py_space((unsigned char)*s) &&
		    (unsigned char)*s < 0x1c)) {
			s++;
			n--;
		}
		if (n && (err = dgit_mailhdr_mailinfo(&info, &ilen, &msg,
		    &mlen, buf, cut)))
			goto done;
	}
	/* mailinfo's output as gbp reads it: "Key: value" lines */
	for (p = info, end = info ? info + ilen : NULL; p && p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *sp = memchr(p, ' ', n), *v;
		size_t kl, vl;

		if (memchr(p, ':', n) && sp && sp > p) {
			kl = (size_t)(sp - p) - 1;
			v = sp + 1;
			vl = n - (size_t)(v - p);
			py_strip(&v, &vl, 1);
			if (kl == 6 && strncasecmp(p, "author", 6) == 0)
				err = set_str(&author, v, vl), has_author = 1;
			else if (kl == 5 && strncasecmp(p, "email", 5) == 0)
				err = set_str(&email, v, vl), has_email = 1;
			else if (kl == 7 && strncasecmp(p, "subject", 7) == 0)
				err = set_str(&h->subject, v, vl);
			else if (kl == 4 && strncasecmp(p, "date", 4) == 0)
				err = set_str(&h->date, v, vl);
			if (err)
				goto done;
		}
		p = nl ? nl + 1 : end;
	}
	if ((err = py_decode(&body, msg ? msg : "", msg ? mlen : 0, 1, 0)))
		goto done;
	/* the DEP-3 fields, read from the file as text (as far as they go) */
	if ((err = py_decode(&text, buf, dep3_extent(buf, len), 0, 1)))
		goto done;
	{
		const char *cur = "long_desc";

		for (p = text.ptr, end = p + text.len; p < end; ) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl + 1 : end) - p), i;
			const char *colon = memchr(p, ':', n);
			char *key = NULL;

			if (dep3_end(p, n))
				break;
			if (p[0] != ' ') {
				if (!colon)
					break;
				if (!(key = strndup(p, (size_t)(colon - p)))) {
					err = dgit_error(DGIT_ERR_NOMEM);
					goto done;
				}
				for (char *k = key; *k; k++)
					if (*k >= 'A' && *k <= 'Z')
						*k = (char)(*k - 'A' + 'a');
				cur = key;
			}
			for (i = 0; i < nf && strcmp(f[i].key, cur); i++)
				;
			if (i == nf) {
				struct dep3_field *nfp;

				if (nf >= DEP3_MAX_FIELDS ||
				    !(nfp = realloc(f, (nf + 1) * sizeof *f))) {
					free(key);
					err = dgit_error(nf >= DEP3_MAX_FIELDS ?
					    DGIT_ERR_LIMIT : DGIT_ERR_NOMEM);
					goto done;
				}
				f = nfp;
				memset(&f[nf], 0, sizeof f[nf]);
				if (!(f[nf].key = key ? key : strdup(cur))) {
					err = dgit_error(DGIT_ERR_NOMEM);
					goto done;
				}
				key = NULL;
				nf++;
			}
			free(key);
			cur = f[i].key;
			if ((err = sb_add(&f[i].lines, p, n)))
				goto done;
			p += n;
		}
	}
	/* _dep3_to_info */
	for (size_t i = 0; i < nf; i++) {
		const char *k = f[i].key;

		if (strcmp(k, "long_desc") == 0) {
			if ((err = dep3_value(&longd, &f[i].lines)))
				goto done;
			break;
		}
	}
	for (size_t i = 0; i < nf; i++) {
		const char *k = f[i].key, *v;
		size_t vl, lt, gt;

		if (strcmp(k, "author") == 0 || strcmp(k, "from") == 0) {
			if (has_author && has_email)
				continue;
			if ((err = dep3_value(&val, &f[i].lines)))
				goto done;
			v = val.ptr;
			vl = val.len;
			py_strip(&v, &vl, 1);
			if (split_author(v, vl, &lt, &gt)) {
				if ((err = set_str(&email, v + lt + 1,
				    gt - lt - 1)))
					goto done;
				has_email = 1;
				vl = lt;
				py_strip(&v, &vl, 1);
			}
			if ((err = set_str(&author, v, vl)))
				goto done;
			has_author = 1;
			changes++;
		} else if (strcmp(k, "subject") == 0 ||
		    strcmp(k, "description") == 0) {
			const char *nl;

			if (h->subject) {
				changes = 0;    /* as gbp does */
				continue;
			}
			if ((err = dep3_value(&val, &f[i].lines)))
				goto done;
			v = val.ptr;
			vl = val.len;
			py_strip(&v, &vl, 0);
			if ((nl = memchr(v, '\n', vl))) {
				struct dgit_buf t = DGIT_BUF_INIT;

				if ((err = sb_add(&t, nl + 1,
				    vl - (size_t)(nl + 1 - v))) ||
				    (err = sb_add(&t, longd.ptr, longd.len))) {
					dgit_buf_release(&t);
					goto done;
				}
				dgit_buf_release(&longd);
				longd = t;
				vl = (size_t)(nl - v);
			}
			if ((err = set_str(&h->subject, v, vl)))
				goto done;
			changes++;
		} else if (strcmp(k, "date") == 0) {
			if (h->date)
				continue;
			if ((err = dep3_value(&val, &f[i].lines)))
				goto done;
			v = val.ptr;
			vl = val.len;
			py_strip(&v, &vl, 1);
			if ((err = set_str(&h->date, v, vl)))
				goto done;
			changes++;
		} else if (strcmp(k, "long_desc") == 0 ||
		    strcmp(k, "content-transfer-encoding") == 0 ||
		    strcmp(k, "content-type") == 0 ||
		    strcmp(k, "mime-version") == 0) {
			;
		} else {
			if ((err = sb_add(&pseudo, f[i].lines.ptr,
			    f[i].lines.len)))
				goto done;
			changes++;
		}
	}
	if (changes) {
		struct dgit_buf t = DGIT_BUF_INIT;

		if ((err = sb_add(&t, "", 0)) ||
		    (err = sb_add(&t, pseudo.ptr, pseudo.len)) ||
		    (pseudo.len && (err = sb_add(&t, "\n", 1))) ||
		    (err = sb_add(&t, longd.ptr, longd.len)) ||
		    (err = sb_add(&t, body.ptr, body.len))) {
			dgit_buf_release(&t);
			goto done;
		}
		dgit_buf_release(&body);
		body = t;
	}
	/* an author needs both a name and an address (gbp pq) */
	if (author && *author && email && *email) {
		h->author_name = author;
		h->author_email = email;
		author = email = NULL;
	}
	if (!(h->body = dgit_buf_detach(&body, NULL)))
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	for (size_t i = 0; i < nf; i++) {
		free(f[i].key);
		dgit_buf_release(&f[i].lines);
	}
	free(f);
	free(info);
	free(msg);
	free(author);
	free(email);
	dgit_buf_release(&text);
	dgit_buf_release(&longd);
	dgit_buf_release(&pseudo);
	dgit_buf_release(&val);
	dgit_buf_release(&body);
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

const struct dgit_error *
dgit_quilt_date_parse(long long *out_time, int *out_tz_minutes,
    const char *s)
{
	const struct dgit_error *err;
	int64_t t;

	err = dgit_date_parse_git(&t, out_tz_minutes, s, "Date");
	*out_time = err ? 0 : (long long)t;
	return err;
}

char *
dgit_quilt_subject_from_name(const char *name)
{
	const char *base = strrchr(name, '/'), *dot;
	size_t len;

	base = base ? base + 1 : name;
	len = strlen(base);
	dot = strrchr(base, '.');
	if (dot && (strcmp(dot, ".patch") == 0 || strcmp(dot, ".diff") == 0))
		len = (size_t)(dot - base);
	/* gbp: leading digits and dashes go, unless nothing is left */
	{
		size_t k = strspn(base, "0123456789-");

		if (k < len) {
			base += k;
			len -= k;
		}
	}
	return strndup(base, len);
}
