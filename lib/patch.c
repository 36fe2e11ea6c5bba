/*
 * Unified / git diff parsing and fuzz-0 application, matching what
 * dpkg-source gets from GNU patch (-t -F 0 -N -p1 -u -V never -E).
 * The behaviour was pinned down by running patch and dpkg-source on
 * crafted inputs (see t/t3100-patch-vs-dpkg-source.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_error.h"
#include "dgit_patch.h"

/* Caps on what untrusted input may make us allocate. */
#define PATCH_MAX_LEN    ((size_t)1 << 31)
#define PATH_MAX_LEN     4096

struct hline {
	const char *s;          /* content without the newline */
	size_t len;
	char kind;              /* ' ', '-', '+' */
	unsigned char nl;       /* ends with a newline */
};

struct hunk {
	size_t old_start, old_count, new_start, new_count;
	size_t line;            /* line number of the @@ line */
	struct hline *lines;
	size_t nlines;
	size_t prefix, suffix;  /* leading / trailing context lines */
};

struct pfile {
	struct dgit_patch_file pub;     /* first: callers get &pub */
	struct hunk *hunks;
	size_t cap;
};

struct dgit_patch {
	char *buf;
	struct pfile *files;
	size_t nfiles, cap;
};

struct reader {
	char *p, *end;
	size_t lineno;          /* number of the line last returned */
	size_t indent;          /* leading blanks to drop (indented diff) */
};

/* The next line including its '\n' (absent on a last partial line). */
static int
next_line(struct reader *r, char **s, size_t *len)
{
	char *nl;

	if (r->p >= r->end)
		return 0;
	*s = r->p;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	r->p = nl ? nl + 1 : r->end;
	*len = (size_t)(r->p - *s);
	r->lineno++;
	/* patch(1) reads a diff indented as a whole (from a mail, say) */
	for (size_t i = 0; i < r->indent && *len > 1 &&
	    (**s == ' ' || **s == '\t'); i++) {
		(*s)++;
		(*len)--;
	}
	return 1;
}

static int
peek_line(const struct reader *r, char **s, size_t *len)
{
	struct reader c = *r;

	return next_line(&c, s, len);
}

static int
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Length without the trailing newline (and, when crlf, one CR). */
static size_t
content_len(const char *s, size_t len, int crlf)
{
	if (len && s[len - 1] == '\n')
		len--;
	if (crlf && len && s[len - 1] == '\r')
		len--;
	return len;
}

static int
parse_num(const char **p, const char *end, size_t *out)
{
	size_t v = 0;
	const char *s = *p;

	if (s >= end || *s < '0' || *s > '9')
		return 0;
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (SIZE_MAX - 9) / 10 || v > 100000000)
			return 0;
		v = v * 10 + (size_t)(*s - '0');
		s++;
	}
	*p = s;
	*out = v;
	return 1;
}

/* "@@ -a[,b] +c[,d] @@..." */
static int
parse_hunk_header(const char *s, size_t len, struct hunk *h)
{
	const char *p = s + 4, *end = s + len;

	h->old_count = h->new_count = 1;
	if (!parse_num(&p, end, &h->old_start))
		return 0;
	if (p < end && *p == ',') {
		p++;
		if (!parse_num(&p, end, &h->old_count))
			return 0;
	}
	if (p + 2 > end || p[0] != ' ' || p[1] != '+')
		return 0;
	p += 2;
	if (!parse_num(&p, end, &h->new_start))
		return 0;
	if (p < end && *p == ',') {
		p++;
		if (!parse_num(&p, end, &h->new_count))
			return 0;
	}
	return p + 3 <= end && memcmp(p, " @@", 3) == 0;
}

static const struct dgit_error *
grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *na;
	size_t ncap;

	if (n < *cap)
		return NULL;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size)
		return dgit_error(DGIT_ERR_NOMEM);
	na = realloc(*arr, ncap * size);
	if (!na)
		return dgit_error(DGIT_ERR_NOMEM);
	*arr = na;
	*cap = ncap;
	return NULL;
}

/*
 * A file name from a ---/+++ line or git header: up to a TAB (timestamps
 * follow it), or without a TAB up to the first blank, as patch(1) reads
 * it.  Quoted (C-style) names are refused, as dpkg-source does.
 */
static const struct dgit_error *
header_name(char **out, const char *s, size_t len, const char *what,
    size_t lineno)
{
	const char *end = s + len, *tab, *sp;

	*out = NULL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && *s == '"')
		return dgit_error_fmt(DGIT_ERR_PARSE,
		    "quoted file name in '%s' at line %zu not supported",
		    what, lineno);
	tab = memchr(s, '\t', (size_t)(end - s));
	if (tab)
		end = tab;
	else {
		/* without a TAB, patch(1) ends the name at a blank */
		for (sp = s; sp < end; sp++) {
			if (*sp == ' ') {
				end = sp;
				break;
			}
		}
	}
	while (end > s && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	if (end == s)
		return dgit_error_fmt(DGIT_ERR_PARSE,
		    "missing file name in '%s' at line %zu", what, lineno);
	if ((size_t)(end - s) > PATH_MAX_LEN)
		return dgit_error_fmt(DGIT_ERR_LIMIT,
		    "file name too long in '%s' at line %zu", what, lineno);
	*out = strndup(s, (size_t)(end - s));
	return *out ? NULL : dgit_error(DGIT_ERR_NOMEM);
}

static int
is_dev_null(const char *name)
{
	return strcmp(name, "/dev/null") == 0;
}

/*
 * Strip `strip` leading components (runs of '/' count as one, so with -p1
 * "/x/f" is "x/f", as patch(1) does) and check the rest is a safe
 * relative path: '..' components and (with -p0) absolute names are
 * errors.  A name with too few components, or nothing left, only sets
 * *invalid: patch(1) then uses the diff's other name.  Replaces *name.
 */
static const struct dgit_error *
strip_path(char **name, int strip, int *invalid, const char *what,
    size_t lineno)
{
	const char *s = *name, *c;
	char *res;
	int n;

	*invalid = 0;
	for (n = 0; n < strip; n++) {
		const char *sl = strchr(s, '/');

		if (!sl) {
			*invalid = 1;
			return NULL;
		}
		while (*sl == '/')
			sl++;
		s = sl;
	}
	if (!*s) {
		*invalid = 1;
		return NULL;
	}
	if (s[0] == '/')
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "absolute file name '%s' in '%s' at line %zu", s, what,
		    lineno);
	for (c = s; *c; ) {
		size_t clen = strcspn(c, "/");

		if (clen == 2 && c[0] == '.' && c[1] == '.')
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "file name '%s' in '%s' at line %zu contains '..'",
			    *name, what, lineno);
		c += clen;
		while (*c == '/')
			c++;
	}
	res = strdup(s);
	if (!res)
		return dgit_error(DGIT_ERR_NOMEM);
	free(*name);
	*name = res;
	return NULL;
}

static unsigned
parse_mode(const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '7'; i++)
		v = v * 8 + (unsigned)(s[i] - '0');
	return v;
}

/* Read the hunks of one file diff; r is positioned after the +++ line. */
static const struct dgit_error *
read_hunks(struct pfile *pf, struct reader *r, int crlf, const char *what)
{
	const struct dgit_error *err = NULL;
	char *s;
	size_t len;

	while (peek_line(r, &s, &len) && starts(s, len, "@@ -")) {
		struct hunk h;
		size_t hcap = 0, oldn = 0, newn = 0, i;

		next_line(r, &s, &len);
		memset(&h, 0, sizeof(h));
		h.line = r->lineno;
		if (!parse_hunk_header(s, content_len(s, len, crlf), &h))
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "malformed hunk header in '%s' at line %zu", what,
			    r->lineno);
		if (h.old_count > 50000000 || h.new_count > 50000000)
			return dgit_error_fmt(DGIT_ERR_LIMIT,
			    "hunk too large in '%s' at line %zu", what,
			    r->lineno);
		while (oldn < h.old_count || newn < h.new_count) {
			struct hline *hl;
			char kind;

			if (!next_line(r, &s, &len)) {
				/*
				 * GNU patch reads context lines missing at
				 * the end of the patch as empty ones (and
				 * dpkg-source warns "unexpected end of
				 * diff"); anything else missing is an error.
				 */
				static char empty[] = "\n";

				if (h.old_count - oldn != h.new_count - newn) {
					err = dgit_error_fmt(DGIT_ERR_PARSE,
					    "malformed patch '%s': hunk at "
					    "line %zu ends early at end of "
					    "input", what, h.line);
					goto fail;
				}
				pf->pub.short_tail = 1;
				s = empty;
				len = 1;
			}
			kind = s[0];
			if (kind == '\n' || (crlf && kind == '\r' &&
			    len == 2 && s[1] == '\n'))
				kind = ' ';     /* an empty context line */
			else if (kind == '\\') {
				/* "\ No newline" for the previous line */
				if (h.nlines)
					h.lines[h.nlines - 1].nl = 0;
				continue;
			} else if (kind != ' ' && kind != '-' && kind != '+') {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "malformed patch '%s' at line %zu: hunk "
				    "at line %zu has fewer lines than its "
				    "header says", what, r->lineno, h.line);
				goto fail;
			}
			if ((kind != '+' && oldn >= h.old_count) ||
			    (kind != '-' && newn >= h.new_count)) {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "malformed patch '%s' at line %zu: hunk "
				    "at line %zu has more lines than its "
				    "header says", what, r->lineno, h.line);
				goto fail;
			}
			if ((err = grow((void **)&h.lines, &hcap, h.nlines,
			    sizeof(*h.lines))))
				goto fail;
			hl = &h.lines[h.nlines++];
			hl->kind = kind;
			/* a last line without newline: patch(1) takes it so */
			hl->nl = s[len - 1] == '\n';
			if (s[0] == '\n' || s[0] == '\r') {
				hl->s = s;
				hl->len = 0;
			} else {
				hl->s = s + 1;
				hl->len = content_len(s, len, crlf) - 1;
			}
			if (kind != '+')
				oldn++;
			if (kind != '-')
				newn++;
		}
		/* A "\ No newline" line after the last line of the hunk. */
		if (peek_line(r, &s, &len) && s[0] == '\\') {
			next_line(r, &s, &len);
			if (h.nlines)
				h.lines[h.nlines - 1].nl = 0;
		}
		/* "\ No newline" after a context line marks both sides. */
		for (i = 0; i < h.nlines && h.lines[i].kind == ' '; i++)
			h.prefix++;
		for (i = h.nlines; i > h.prefix && h.lines[i - 1].kind == ' ';
		    i--)
			h.suffix++;
		if ((err = grow((void **)&pf->hunks, &pf->cap, pf->pub.nhunks,
		    sizeof(*pf->hunks))))
			goto fail;
		pf->hunks[pf->pub.nhunks++] = h;
		continue;
fail:
		free(h.lines);
		return err;
	}
	return NULL;
}

static void
pfile_release(struct pfile *pf)
{
	size_t i;

	for (i = 0; i < pf->pub.nhunks; i++)
		free(pf->hunks[i].lines);
	free(pf->hunks);
	free(pf->pub.old_path);
	free(pf->pub.new_path);
}

/* Names from "diff --git a/X b/Y" when both halves are the same path. */
static const struct dgit_error *
git_line_names(char **old, char **new, const char *s, size_t len)
{
	size_t half;

	*old = *new = NULL;
	/* "a/X b/X": total = 2*n + 1 where both halves end the same. */
	if (len < 3 || len % 2 == 0)
		return NULL;
	half = len / 2;
	if (s[half] != ' ')
		return NULL;
	{
		const char *a = s, *b = s + half + 1;
		const char *sa = memchr(a, '/', half), *sb = memchr(b, '/', half);

		if (!sa || !sb || sa - a != sb - b ||
		    memcmp(sa, sb, half - (size_t)(sa - a)) != 0)
			return NULL;
	}
	*old = strndup(s, half);
	*new = strndup(s + half + 1, half);
	if (!*old || !*new) {
		free(*old);
		free(*new);
		*old = *new = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

/* Replace *dst with a copy of the rest of an extended header line. */
static const struct dgit_error *
set_name(char **dst, const char *s, size_t len, const char *what,
    size_t lineno)
{
	char *n;
	const struct dgit_error *err;

	if ((err = header_name(&n, s, len, what, lineno)))
		return err;
	free(*dst);
	*dst = n;
	return NULL;
}

/*
 * Parse one file diff starting at a "diff --git" line (git) or a "--- "
 * line followed by "+++ ".  Fills pf; r ends after the diff.
 */
static const struct dgit_error *
parse_file(struct pfile *pf, struct reader *r, int git, int strip,
    const char *what)
{
	const struct dgit_error *err = NULL;
	char *s = NULL, *oldn = NULL, *newn = NULL, *fromn = NULL, *ton = NULL;
	size_t len = 0, start;
	int crlf, have_minus = 0, deleted = 0, created = 0, renamed = 0,
	    copied = 0;

	if (git)
		next_line(r, &s, &len);
	else
		peek_line(r, &s, &len);
	start = git ? r->lineno : r->lineno + 1;
	pf->pub.line = start;
	pf->pub.git = git;
	crlf = len >= 2 && s[len - 1] == '\n' && s[len - 2] == '\r';
	if (git) {
		size_t cl = content_len(s, len, crlf);

		if ((err = git_line_names(&oldn, &newn, s + 11, cl - 11)))
			goto done;
		while (peek_line(r, &s, &len)) {
			size_t l = content_len(s, len, crlf);

			if (starts(s, l, "old mode "))
				pf->pub.old_mode = parse_mode(s + 9, l - 9);
			else if (starts(s, l, "new mode "))
				pf->pub.new_mode = parse_mode(s + 9, l - 9);
			else if (starts(s, l, "deleted file mode ")) {
				pf->pub.old_mode = parse_mode(s + 18, l - 18);
				deleted = 1;
			} else if (starts(s, l, "new file mode ")) {
				pf->pub.new_mode = parse_mode(s + 14, l - 14);
				created = 1;
			} else if (starts(s, l, "rename from ") ||
			    starts(s, l, "copy from ")) {
				size_t o = s[0] == 'r' ? 12 : 10;

				if (s[0] == 'r')
					renamed = 1;
				else
					copied = 1;
				if ((err = set_name(&fromn, s + o, l - o,
				    what, r->lineno + 1)))
					goto done;
			} else if (starts(s, l, "rename to ") ||
			    starts(s, l, "copy to ")) {
				size_t o = s[0] == 'r' ? 10 : 8;

				if ((err = set_name(&ton, s + o, l - o, what,
				    r->lineno + 1)))
					goto done;
			} else if (starts(s, l, "index ") ||
			    starts(s, l, "similarity index ") ||
			    starts(s, l, "dissimilarity index ")) {
				;
			} else if (starts(s, l, "GIT binary patch") ||
			    (starts(s, l, "Binary files ") &&
			    l >= 7 && memcmp(s + l - 7, " differ", 7) == 0)) {
				pf->pub.binary = 1;
			} else if (!oldn && !starts(s, l, "--- ") &&
			    !starts(s, l, "@@ ") && !starts(s, l, "diff ")) {
				/*
				 * The "diff --git" line gave no names (it may
				 * be wrapped): patch(1) skips to "---"/"+++".
				 */
				;
			} else if (starts(s, l, "literal ") ||
			    starts(s, l, "delta ") ||
			    (pf->pub.binary && l > 0 && s[0] != '-' &&
			    !starts(s, l, "diff --git "))) {
				;       /* binary patch data */
			} else
				break;
			next_line(r, &s, &len);
		}
	}
	if (peek_line(r, &s, &len) && starts(s, len, "--- ")) {
		char *s2;
		size_t len2;
		struct reader c = *r;

		next_line(&c, &s, &len);
		if (next_line(&c, &s2, &len2) && starts(s2, len2, "+++ ")) {
			if (!git)
				crlf = len >= 2 && s[len - 2] == '\r';
			if ((err = set_name(&oldn, s + 4,
			    content_len(s, len, crlf) - 4, what, c.lineno - 1)))
				goto done;
			if ((err = set_name(&newn, s2 + 4,
			    content_len(s2, len2, crlf) - 4, what, c.lineno)))
				goto done;
			*r = c;
			have_minus = 1;
		}
	}
	if (git && (renamed || copied)) {
		if (!fromn || !ton) {
			err = dgit_error_fmt(DGIT_ERR_PARSE,
			    "git diff in '%s' at line %zu: incomplete "
			    "rename/copy header", what, start);
			goto done;
		}
		/* rename from/to carry no a/ b/ prefix: stripping is one less */
		free(oldn);
		free(newn);
		oldn = fromn;
		newn = ton;
		fromn = ton = NULL;
	}
	if (!oldn || !newn) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "cannot find the file names of the diff in '%s' at "
		    "line %zu", what, start);
		goto done;
	}
	if (is_dev_null(oldn) && is_dev_null(newn)) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "diff in '%s' at line %zu: original and modified files "
		    "are /dev/null", what, start);
		goto done;
	}
	if (created || (!git && is_dev_null(oldn))) {
		pf->pub.op = DGIT_PATCH_CREATE;
		free(oldn);
		oldn = NULL;
	} else if (deleted || (!git && is_dev_null(newn))) {
		pf->pub.op = DGIT_PATCH_DELETE;
		free(newn);
		newn = NULL;
	} else if (renamed)
		pf->pub.op = DGIT_PATCH_RENAME;
	else if (copied)
		pf->pub.op = DGIT_PATCH_COPY;
	else
		pf->pub.op = DGIT_PATCH_MODIFY;
	{
		/* git "rename from" names have no a/ b/ prefix */
		int ns = (renamed || copied) && strip > 0 ? strip - 1 : strip;
		int oinv = 0, ninv = 0;

		if (oldn && (err = strip_path(&oldn, ns, &oinv, what, start)))
			goto done;
		if (newn && (err = strip_path(&newn, ns, &ninv, what, start)))
			goto done;
		if ((oinv || !oldn) && (ninv || !newn)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE,
			    "none of the file names of the diff in '%s' at "
			    "line %zu is valid after stripping %d components",
			    what, start, ns);
			goto done;
		}
		if ((oinv || ninv) && (renamed || copied)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE,
			    "bad rename/copy file name in '%s' at line %zu",
			    what, start);
			goto done;
		}
		/* patch(1) uses the valid name for both */
		if (oinv) {
			free(oldn);
			if (!(oldn = strdup(newn))) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		} else if (ninv) {
			free(newn);
			if (!(newn = strdup(oldn))) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		}
	}
	pf->pub.old_path = oldn;
	pf->pub.new_path = newn;
	oldn = newn = NULL;
	if (have_minus && (err = read_hunks(pf, r, crlf, what)))
		goto done;
	if (have_minus && !pf->pub.nhunks && !pf->pub.binary && !git) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "diff in '%s' at line %zu has no hunks", what, start);
		goto done;
	}
done:
	free(oldn);
	free(newn);
	free(fromn);
	free(ton);
	return err;
}

const struct dgit_error *
dgit_patch_parse(struct dgit_patch **out, const char *buf, size_t len,
    int strip, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_patch *p = NULL;
	struct reader r;
	char *s;
	size_t l;

	*out = NULL;
	if (len > PATCH_MAX_LEN)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "patch '%s' too large",
		    what);
	if (strip < 0)
		return dgit_error_fmt(DGIT_ERR_USAGE,
		    "negative strip level for '%s'", what);
	p = calloc(1, sizeof(*p));
	if (!p || !(p->buf = malloc(len ? len : 1))) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (len)
		memcpy(p->buf, buf, len);
	r.p = p->buf;
	r.end = p->buf + len;
	r.lineno = 0;
	r.indent = 0;
	while (peek_line(&r, &s, &l)) {
		int git = starts(s, l, "diff --git ");
		int uni = 0;
		size_t ind = 0;

		while (ind < l && (s[ind] == ' ' || s[ind] == '\t'))
			ind++;
		if (!git && starts(s, l, "--- ")) {
			struct reader c = r;
			char *s2;
			size_t l2;

			next_line(&c, &s2, &l2);
			if (!next_line(&c, &s2, &l2)) {
				/* dpkg-source refuses these */
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "patch '%s' ends in the middle of a "
				    "---/+++ header (line %zu)", what,
				    c.lineno);
				goto done;
			}
			if (!starts(s2, l2, "+++ ")) {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "patch '%s': line %zu after --- is not "
				    "+++", what, c.lineno);
				goto done;
			}
			uni = 1;
		} else if (!git && ind && starts(s + ind, l - ind, "--- ")) {
			struct reader c = r;
			char *s2;
			size_t l2;

			next_line(&c, &s2, &l2);
			c.indent = ind;
			if (next_line(&c, &s2, &l2) &&
			    starts(s2, l2, "+++ ")) {
				uni = 1;
				r.indent = ind;
			}
		}
		if (!git && !uni) {
			next_line(&r, &s, &l);
			continue;
		}
		if ((err = grow((void **)&p->files, &p->cap, p->nfiles,
		    sizeof(*p->files))))
			goto done;
		memset(&p->files[p->nfiles], 0, sizeof(p->files[0]));
		p->nfiles++;
		if ((err = parse_file(&p->files[p->nfiles - 1], &r, git,
		    strip, what)))
			goto done;
		r.indent = 0;
	}
	if (p->nfiles == 0 && len > 0) {
		/* patch(1): "Only garbage was found in the patch input" */
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "patch '%s' contains no diff, only text", what);
		goto done;
	}
	*out = p;
	p = NULL;
done:
	dgit_patch_free(p);
	return err;
}

size_t
dgit_patch_nfiles(const struct dgit_patch *p)
{
	return p->nfiles;
}

const struct dgit_patch_file *
dgit_patch_file(const struct dgit_patch *p, size_t i)
{
	return i < p->nfiles ? &p->files[i].pub : NULL;
}

/* patch(1)'s preference: fewer components, shorter basename, shorter. */
static int
better_name(const char *a, const char *b)
{
	size_t ca = 0, cb = 0, la = strlen(a), lb = strlen(b);
	const char *ba = strrchr(a, '/'), *bb = strrchr(b, '/');
	size_t bla, blb;

	for (const char *c = a; *c; c++)
		ca += *c == '/';
	for (const char *c = b; *c; c++)
		cb += *c == '/';
	if (ca != cb)
		return ca < cb;
	bla = la - (ba ? (size_t)(ba + 1 - a) : 0);
	blb = lb - (bb ? (size_t)(bb + 1 - b) : 0);
	if (bla != blb)
		return bla < blb;
	return la < lb;
}

const char *
dgit_patch_file_target(const struct dgit_patch_file *pf, int old_exists,
    int new_exists)
{
	if (!pf->old_path)
		return pf->new_path;
	if (!pf->new_path)
		return pf->old_path;
	if (pf->op == DGIT_PATCH_RENAME || pf->op == DGIT_PATCH_COPY)
		return pf->new_path;
	if (old_exists != new_exists)
		return old_exists ? pf->old_path : pf->new_path;
	/* both or neither exist: the "best" name, the old one on a tie */
	return better_name(pf->new_path, pf->old_path) ? pf->new_path :
	    pf->old_path;
}

const struct dgit_error *
dgit_patch_check_symlinks(const char *target,
    int (*is_symlink)(const char *path, void *ctx), void *ctx,
    const char *what)
{
	const struct dgit_error *err = NULL;
	char *buf = strdup(target), *sl;

	if (!buf)
		return dgit_error(DGIT_ERR_NOMEM);
	for (sl = buf; ; sl++) {
		sl = strchr(sl, '/');
		if (sl)
			*sl = 0;
		if (*buf && is_symlink(buf, ctx)) {
			err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "patch '%s' modifies '%s' through a symlink ('%s')",
			    what, target, buf);
			break;
		}
		if (!sl)
			break;
		*sl = '/';
	}
	free(buf);
	return err;
}

void
dgit_patch_free(struct dgit_patch *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nfiles; i++)
		pfile_release(&p->files[i]);
	free(p->files);
	free(p->buf);
	free(p);
}

/* ---- application ---- */

struct oline {
	const char *s;
	size_t len;
	unsigned char nl;
};

static const struct dgit_error *
split_lines(struct oline **out, size_t *n, const char *buf, size_t len)
{
	struct oline *v = NULL;
	size_t cap = 0, i = 0;
	const char *p = buf, *end = buf + len;
	const struct dgit_error *err;

	*out = NULL;
	*n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((err = grow((void **)&v, &cap, i, sizeof(*v)))) {
			free(v);
			return err;
		}
		v[i].s = p;
		v[i].len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		v[i].nl = nl != NULL;
		i++;
		p = nl ? nl + 1 : end;
	}
	*out = v;
	*n = i;
	return NULL;
}

/* Does the hunk's old side (or new side when reverse) match at pos? */
static int
hunk_matches(const struct hunk *h, const struct oline *ol, size_t nold,
    size_t pos, int reverse)
{
	size_t i, k = pos;
	char skip = reverse ? '-' : '+';

	for (i = 0; i < h->nlines; i++) {
		const struct hline *hl = &h->lines[i];

		if (hl->kind == skip)
			continue;
		if (k >= nold || ol[k].len != hl->len || ol[k].nl != hl->nl ||
		    memcmp(ol[k].s, hl->s, hl->len) != 0)
			return 0;
		k++;
	}
	return 1;
}

/*
 * Where the hunk applies, searching outward from the expected position
 * (forward first) but never before `frozen` (the end of the previous
 * hunk).  Hunks with less leading than trailing context starting at line
 * 1 must match at the start; hunks with less trailing than leading
 * context must match at the end of the file (GNU patch's rules).
 */
static int
locate(const struct hunk *h, const struct oline *ol, size_t nold,
    size_t frozen, long long guess, int reverse, size_t *at)
{
	size_t pat = reverse ? h->new_count : h->old_count;
	long long maxpos, maxneg, off;

	if (pat > nold)
		return 0;
	if (h->prefix < h->suffix && (reverse ? h->new_start : h->old_start)
	    <= 1) {
		if (frozen == 0 && hunk_matches(h, ol, nold, 0, reverse)) {
			*at = 0;
			return 1;
		}
		return 0;
	}
	if (h->suffix < h->prefix) {
		size_t p = nold - pat;

		if (p >= frozen && hunk_matches(h, ol, nold, p, reverse)) {
			*at = p;
			return 1;
		}
		return 0;
	}
	maxpos = (long long)(nold - pat) - guess;
	maxneg = guess - (long long)frozen;
	for (off = 0; off <= maxpos || off <= maxneg; off++) {
		if (off <= maxpos && guess + off >= (long long)frozen &&
		    hunk_matches(h, ol, nold, (size_t)(guess + off), reverse)) {
			*at = (size_t)(guess + off);
			return 1;
		}
		if (off > 0 && off <= maxneg && guess - off >= 0 &&
		    guess - off <= (long long)(nold - pat) &&
		    hunk_matches(h, ol, nold, (size_t)(guess - off), reverse)) {
			*at = (size_t)(guess - off);
			return 1;
		}
	}
	return 0;
}

struct obuf {
	char *b;
	size_t len, cap;
};

static const struct dgit_error *
obuf_add(struct obuf *o, const char *s, size_t len, int nl)
{
	size_t need = o->len + len + 1;

	if (need > o->cap) {
		size_t ncap = o->cap ? o->cap : 256;
		char *nb;

		while (ncap < need)
			ncap *= 2;
		nb = realloc(o->b, ncap);
		if (!nb)
			return dgit_error(DGIT_ERR_NOMEM);
		o->b = nb;
		o->cap = ncap;
	}
	memcpy(o->b + o->len, s, len);
	o->len += len;
	if (nl)
		o->b[o->len++] = '\n';
	return NULL;
}

/* 0-based index where the hunk's old side is expected. */
static long long
expected_pos(const struct hunk *h, int reverse)
{
	size_t start = reverse ? h->new_start : h->old_start;
	size_t count = reverse ? h->new_count : h->old_count;

	if (count == 0)
		return (long long)start;
	return start ? (long long)start - 1 : 0;
}

const struct dgit_error *
dgit_patch_apply_file_ex(char **out, size_t *out_len, int *out_remove,
    const struct dgit_patch_file *pub, const char *old, size_t old_len,
    unsigned flags, const char *what)
{
	const struct pfile *pf = (const struct pfile *)pub;
	const struct dgit_error *err = NULL;
	const char *name = pub->new_path ? pub->new_path : pub->old_path;
	struct oline *ol = NULL;
	struct obuf o = { NULL, 0, 0 };
	size_t nold, cur = 0, hi, k;
	long long offset = 0;

	*out = NULL;
	*out_len = 0;
	if (out_remove)
		*out_remove = 0;
	if (pub->binary) {
		err = dgit_error_fmt(DGIT_ERR_PATCH,
		    "'%s' has a binary diff for '%s', which is not supported",
		    what, name);
		goto done;
	}
	if (pub->op == DGIT_PATCH_CREATE && old && old_len) {
		/* patch(1) creates over an existing file only if empty */
		err = dgit_error_fmt(DGIT_ERR_PATCH,
		    "patch '%s' would create '%s', which already exists",
		    what, name);
		goto done;
	}
	if ((err = split_lines(&ol, &nold, old ? old : "", old ? old_len : 0)))
		goto done;
	for (hi = 0; hi < pf->pub.nhunks; hi++) {
		const struct hunk *h = &pf->hunks[hi];
		long long guess = expected_pos(h, 0) + offset;
		size_t at;

		if (guess < 0)
			guess = 0;
		if (!locate(h, ol, nold, cur, guess, 0, &at)) {
			size_t rat;

			if (hi == 0 && h->old_count && locate(h, ol, nold, 0,
			    expected_pos(h, 1), 1, &rat))
				err = dgit_error_fmt(DGIT_ERR_PATCH,
				    "patch '%s' does not apply to '%s': "
				    "reversed (or previously applied) patch "
				    "detected at hunk #1 (line %zu)", what,
				    name, h->old_start);
			else
				err = dgit_error_fmt(DGIT_ERR_PATCH,
				    "patch '%s' does not apply to '%s': "
				    "hunk #%zu failed at line %zu", what, name,
				    hi + 1, h->old_start);
			goto done;
		}
		offset = (long long)at - expected_pos(h, 0);
		for (; cur < at; cur++)
			if ((err = obuf_add(&o, ol[cur].s, ol[cur].len,
			    ol[cur].nl)))
				goto done;
		for (k = 0; k < h->nlines; k++) {
			const struct hline *hl = &h->lines[k];

			if (hl->kind != '+')
				cur++;
			if (hl->kind != '-' &&
			    (err = obuf_add(&o, hl->s, hl->len, hl->nl)))
				goto done;
		}
	}
	for (; cur < nold; cur++)
		if ((err = obuf_add(&o, ol[cur].s, ol[cur].len, ol[cur].nl)))
			goto done;
	if (!o.b && !(o.b = malloc(1))) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (pub->op == DGIT_PATCH_DELETE && o.len) {
		err = dgit_error_fmt(DGIT_ERR_PATCH,
		    "patch '%s' deletes '%s' but its content differs from "
		    "the patch", what, name);
		goto done;
	}
	/* patch -E: every file left empty is removed */
	if (out_remove)
		*out_remove = pub->op == DGIT_PATCH_DELETE ||
		    (o.len == 0 && !(flags & DGIT_PATCH_KEEP_EMPTY));
	*out = o.b;
	*out_len = o.len;
	o.b = NULL;
done:
	free(o.b);
	free(ol);
	return err;
}

const struct dgit_error *
dgit_patch_apply_file(char **out, size_t *out_len,
    const struct dgit_patch_file *pf, const char *old, size_t old_len,
    const char *what)
{
	return dgit_patch_apply_file_ex(out, out_len, NULL, pf, old, old_len,
	    0, what);
}

/* ---- streaming application ----
 *
 * The same placement rules as locate(), over content read in pieces.
 * buf holds the content's bytes [base, base + len); the source's next
 * byte is at base + len.  Old bytes before e are accounted for (written
 * unchanged, or replaced by a hunk).  Bytes from k on are needed to test
 * the candidate position being tried; bytes in [e, s) are known to go out
 * unchanged whatever position wins.  While an earlier candidate is
 * outstanding (have_b), s stops at it and the bytes from there on are
 * held; when the hold is full they are dropped (lost) and read again from
 * the start once the position is decided.
 */

#define STREAM_READ ((size_t)64 << 10)

struct sa {
	const struct dgit_patch_io *io;
	const char *what, *name;
	unsigned char *buf;
	size_t cap, len, chunk;
	uint64_t base, size;       /* size: the old content's length */
	uint64_t e, s, k;
	uint64_t written;
	int have_b, lost, dry;
};

static const struct dgit_error *
sa_write(struct sa *a, const void *b, size_t n)
{
	if (a->dry || n == 0)
		return NULL;
	a->written += n;
	return a->io->write(a->io->write_ctx, b, n);
}

/* Write the buffered bytes [a->e, upto) and account for them. */
static const struct dgit_error *
sa_emit_buffered(struct sa *a, uint64_t upto)
{
	const struct dgit_error *err;

	if (upto <= a->e)
		return NULL;
	if ((err = sa_write(a, a->buf + (a->e - a->base),
	    (size_t)(upto - a->e))))
		return err;
	a->e = upto;
	return NULL;
}

/* Drop [base, k) from the buffer, writing what of it is safe. */
static const struct dgit_error *
sa_make_room(struct sa *a)
{
	const struct dgit_error *err;
	uint64_t safe = a->have_b ? a->s : a->k, drop = a->k - a->base;

	if (drop == 0)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "patch '%s': a hunk for "
		    "'%s' is larger than the buffer for it", a->what, a->name);
	if (!a->lost) {
		if ((err = sa_emit_buffered(a, safe < a->k ? safe : a->k)))
			return err;
		if (a->e < a->k)
			a->lost = 1;
	}
	memmove(a->buf, a->buf + drop, a->len - (size_t)drop);
	a->len -= (size_t)drop;
	a->base = a->k;
	return NULL;
}

/* Read one piece (at most up to the content's end) into the buffer. */
static const struct dgit_error *
sa_read(struct sa *a)
{
	const struct dgit_error *err;
	uint64_t left = a->size - (a->base + a->len);
	size_t want, got = 0;

	if (a->len == a->cap && (err = sa_make_room(a)))
		return err;
	want = a->cap - a->len;
	if (want > a->chunk)
		want = a->chunk;
	if (want > left)
		want = (size_t)left;
	if ((err = a->io->read(a->io->read_ctx, a->buf + a->len, want, &got)))
		return err;
	if (got == 0 || got > want)
		return dgit_error_fmt(DGIT_ERR_PATCH, "patch '%s': '%s' is "
		    "not the size it was said to be", a->what, a->name);
	a->len += got;
	return NULL;
}

/* Have the bytes before upto (<= size) in the buffer. */
static const struct dgit_error *
sa_fill(struct sa *a, uint64_t upto)
{
	const struct dgit_error *err;

	while (a->base + a->len < upto)
		if ((err = sa_read(a)))
			return err;
	return NULL;
}

/* Start the content again and skip to off; nothing is held. */
static const struct dgit_error *
sa_rewind(struct sa *a, uint64_t off)
{
	const struct dgit_error *err;

	if ((err = a->io->rewind(a->io->read_ctx)))
		return err;
	a->base = 0;
	a->len = 0;
	a->lost = 0;
	while (a->base < off) {
		size_t want = a->chunk < a->cap ? a->chunk : a->cap, got = 0;

		if (want > off - a->base)
			want = (size_t)(off - a->base);
		if ((err = a->io->read(a->io->read_ctx, a->buf, want, &got)))
			return err;
		if (got == 0 || got > want)
			return dgit_error_fmt(DGIT_ERR_PATCH, "patch '%s': '%s' "
			    "is not the size it was said to be", a->what,
			    a->name);
		a->base += got;
	}
	a->k = a->s = off;
	return NULL;
}

/* Write the old bytes [e, upto) unchanged. */
static const struct dgit_error *
sa_emit_to(struct sa *a, uint64_t upto)
{
	const struct dgit_error *err;

	a->have_b = 0;
	if (a->lost && (err = sa_rewind(a, a->e)))
		return err;
	while (a->e < upto) {
		uint64_t end;

		a->k = a->s = a->e;
		if (a->base + a->len <= a->e && (err = sa_fill(a, a->e + 1)))
			return err;
		end = a->base + a->len < upto ? a->base + a->len : upto;
		if ((err = sa_emit_buffered(a, end)))
			return err;
	}
	a->k = a->s = a->e;
	return NULL;
}

/* Account for the old bytes [e, off) as replaced (not written). */
static const struct dgit_error *
sa_skip_to(struct sa *a, uint64_t off)
{
	const struct dgit_error *err;

	if (a->lost || off < a->base) {
		a->e = off;
		return sa_rewind(a, off);
	}
	while (a->base + a->len < off) {
		a->k = a->s = a->e = a->base + a->len;
		if ((err = sa_read(a)))
			return err;
	}
	a->k = a->s = a->e = off;
	return NULL;
}

/*
 * Does the hunk's old side (new side when reverse) match at byte po?
 * *end is where it ends.  Reads what it needs, never more than a line's
 * length past what the hunk line could match.
 */
static const struct dgit_error *
sa_match(struct sa *a, const struct hunk *h, uint64_t po, int reverse,
    int *ok, uint64_t *end)
{
	const struct dgit_error *err;
	char skip = reverse ? '-' : '+';
	uint64_t o = po;
	size_t i;

	*ok = 0;
	for (i = 0; i < h->nlines; i++) {
		const struct hline *hl = &h->lines[i];
		uint64_t need = hl->len + (hl->nl ? 1u : 0u);
		const unsigned char *b;

		if (hl->kind == skip)
			continue;
		/* a line has a byte at least: "\ No newline" after an empty
		 * line matches nothing */
		if (o >= a->size || o + need > a->size ||
		    (!hl->nl && o + hl->len != a->size))
			return NULL;
		if ((err = sa_fill(a, o + need)))
			return err;
		b = a->buf + (o - a->base);
		if (memcmp(b, hl->s, hl->len) != 0 ||
		    (hl->nl && b[hl->len] != '\n'))
			return NULL;
		o += need;
	}
	*ok = 1;
	*end = o;
	return NULL;
}

/* The start of the line after the one at po (size at the end). */
static const struct dgit_error *
sa_next_line(struct sa *a, uint64_t po, uint64_t *out)
{
	const struct dgit_error *err;
	uint64_t o = po;

	for (;;) {
		const unsigned char *nl;

		if (o >= a->size) {
			*out = a->size;
			return NULL;
		}
		if ((err = sa_fill(a, o + 1)))
			return err;
		nl = memchr(a->buf + (o - a->base), '\n',
		    (size_t)(a->base + a->len - o));
		if (nl) {
			*out = a->base + (uint64_t)(nl - a->buf) + 1;
			return NULL;
		}
		/* the line's bytes so far can go: no hunk line is this long */
		o = a->base + a->len;
		a->k = o;
		if (!a->have_b)
			a->s = o;
	}
}

/*
 * Where the hunk applies: locate()'s rules.  Starts at line `frozen`,
 * byte a->e; *found 0 when nowhere.
 */
static const struct dgit_error *
sa_locate(struct sa *a, const struct hunk *h, size_t frozen, long long guess,
    int reverse, int *found, size_t *at, uint64_t *at_off, uint64_t *at_end)
{
	const struct dgit_error *err;
	size_t p = frozen, pb = 0;
	uint64_t po = a->e, pbo = 0, pbend = 0, end;
	int start_only = 0, end_only = 0, ok;

	*found = 0;
	a->have_b = 0;
	a->k = a->s = a->e;
	if (h->prefix < h->suffix && (reverse ? h->new_start : h->old_start)
	    <= 1) {
		if (frozen != 0)
			return NULL;
		start_only = 1;
	} else if (h->suffix < h->prefix)
		end_only = 1;
	for (;;) {
		if (a->have_b && (long long)p - guess > guess - (long long)pb)
			break;
		if ((err = sa_match(a, h, po, reverse, &ok, &end)))
			return err;
		if (ok && end_only && end != a->size)
			ok = 0;
		if (ok && (start_only || end_only ||
		    (long long)p >= guess)) {
			*found = 1;
			*at = p;
			*at_off = po;
			*at_end = end;
			a->have_b = 0;
			return NULL;
		}
		if (ok) {
			a->have_b = 1;
			pb = p;
			pbo = po;
			pbend = end;
			a->s = po;
		}
		if (start_only || po >= a->size)
			break;
		if ((err = sa_next_line(a, po, &po)))
			return err;
		p++;
		a->k = po;
		if (!a->have_b)
			a->s = po;
	}
	if (a->have_b) {
		*found = 1;
		*at = pb;
		*at_off = pbo;
		*at_end = pbend;
	}
	a->have_b = 0;
	return NULL;
}

static size_t
side_bytes(const struct hunk *h, char skip)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nlines; i++)
		if (h->lines[i].kind != skip)
			n += h->lines[i].len + (h->lines[i].nl ? 1u : 0u);
	return n;
}

uint64_t
dgit_patch_new_length(const struct dgit_patch_file *pub, uint64_t old_len)
{
	const struct pfile *pf = (const struct pfile *)pub;
	uint64_t n = old_len;

	for (size_t hi = 0; hi < pub->nhunks; hi++) {
		size_t ob = side_bytes(&pf->hunks[hi], '+');

		if (ob > n)
			return 0;
		n = n - ob + side_bytes(&pf->hunks[hi], '-');
	}
	return n;
}

const struct dgit_error *
dgit_patch_apply_stream(int *out_remove, const struct dgit_patch_file *pub,
    const struct dgit_patch_io *io, uint64_t old_len, unsigned flags,
    const char *what)
{
	const struct pfile *pf = (const struct pfile *)pub;
	const struct dgit_error *err = NULL;
	struct sa a;
	size_t cur = 0, hi, k, win = 0;
	long long offset = 0;

	memset(&a, 0, sizeof a);
	a.io = io;
	a.what = what;
	a.name = pub->new_path ? pub->new_path : pub->old_path;
	a.size = old_len;
	a.chunk = io->chunk ? io->chunk : STREAM_READ;
	if (out_remove)
		*out_remove = 0;
	if (pub->binary)
		return dgit_error_fmt(DGIT_ERR_PATCH, "'%s' has a binary diff "
		    "for '%s', which is not supported", what, a.name);
	if (pub->op == DGIT_PATCH_CREATE && old_len)
		return dgit_error_fmt(DGIT_ERR_PATCH, "patch '%s' would create "
		    "'%s', which already exists", what, a.name);
	for (hi = 0; hi < pub->nhunks; hi++) {
		size_t o = side_bytes(&pf->hunks[hi], '+');
		size_t n = side_bytes(&pf->hunks[hi], '-');

		if (o > win)
			win = o;
		if (n > win)
			win = n;
	}
	a.cap = (io->hold ? io->hold : DGIT_PATCH_HOLD) + win + a.chunk;
	if ((a.buf = malloc(a.cap)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (hi = 0; hi < pub->nhunks; hi++) {
		const struct hunk *h = &pf->hunks[hi];
		long long guess = expected_pos(h, 0) + offset;
		size_t at, rat;
		uint64_t at_off, at_end, r1, r2;
		int found;

		if (guess < 0)
			guess = 0;
		if ((err = sa_locate(&a, h, cur, guess, 0, &found, &at,
		    &at_off, &at_end)))
			goto done;
		if (!found) {
			int rev = 0;

			if (hi == 0 && h->old_count) {
				a.dry = 1;
				a.e = 0;
				if ((err = sa_rewind(&a, 0)) ||
				    (err = sa_locate(&a, h, 0, expected_pos(h,
				    1), 1, &rev, &rat, &r1, &r2)))
					goto done;
			}
			if (rev)
				err = dgit_error_fmt(DGIT_ERR_PATCH,
				    "patch '%s' does not apply to '%s': "
				    "reversed (or previously applied) patch "
				    "detected at hunk #1 (line %zu)", what,
				    a.name, h->old_start);
			else
				err = dgit_error_fmt(DGIT_ERR_PATCH,
				    "patch '%s' does not apply to '%s': "
				    "hunk #%zu failed at line %zu", what,
				    a.name, hi + 1, h->old_start);
			goto done;
		}
		offset = (long long)at - expected_pos(h, 0);
		cur = at;
		if ((err = sa_emit_to(&a, at_off)) ||
		    (err = sa_skip_to(&a, at_end)))
			goto done;
		for (k = 0; k < h->nlines; k++) {
			const struct hline *hl = &h->lines[k];

			if (hl->kind != '+')
				cur++;
			if (hl->kind != '-' && ((err = sa_write(&a, hl->s,
			    hl->len)) || (hl->nl && (err = sa_write(&a, "\n",
			    1)))))
				goto done;
		}
	}
	if ((err = sa_emit_to(&a, old_len)))
		goto done;
	if (pub->op == DGIT_PATCH_DELETE && a.written) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "patch '%s' deletes '%s' "
		    "but its content differs from the patch", what, a.name);
		goto done;
	}
	if (a.written != dgit_patch_new_length(pub, old_len)) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "patch '%s': the result "
		    "for '%s' is not the length expected", what, a.name);
		goto done;
	}
	if (out_remove)
		*out_remove = pub->op == DGIT_PATCH_DELETE ||
		    (a.written == 0 && !(flags & DGIT_PATCH_KEEP_EMPTY));
done:
	free(a.buf);
	return err;
}
