/*
 * deb822 paragraphs and OpenPGP clearsigned messages (see dgit_deb822.h).
 *
 * Syntax decisions, following deb822(5) and what dpkg accepts:
 * - Lines end in "\n"; a "\r" before it is trailing whitespace and is
 *   dropped, so CRLF files parse the same as LF files.  A last line
 *   without "\n" is still a line.
 * - An empty line, or one of only spaces, tabs and "\r", ends a paragraph.
 * - '#' in column 0 is a comment anywhere, even between continuation lines.
 * - A field name is printable ASCII other than ':', not starting with '#'
 *   or '-'; spaces or tabs between the name and ':' are allowed (dpkg
 *   accepts them).  Duplicate names (case-insensitive) are errors.
 * - A NUL byte anywhere is an error: values are C strings.
 *
 * Memory: a paragraph is built in one growing arena ("name\0value\0"...)
 * plus a growing field array, both reused from paragraph to paragraph by
 * the stream parser; dgit_deb822_parse copies each finished paragraph into
 * a single allocation.  So parsing costs no malloc per line or per field.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_deb822.h"
#include "dgit_error.h"

#define PARA_MAX ((size_t)16 << 20)

struct field {
	size_t name;               /* offsets into the arena */
	size_t value;
	size_t name_len;
	size_t line;
};

struct dgit_deb822_para {
	char *buf;
	size_t len, cap;
	struct field *f;
	size_t nf, fcap;
	size_t line;
	int single;                /* buf and f live in this allocation */
};

const char *
dgit_deb822_get(const struct dgit_deb822_para *p, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < p->nf; i++)
		if (p->f[i].name_len == n &&
		    strcasecmp(p->buf + p->f[i].name, name) == 0)
			return p->buf + p->f[i].value;
	return NULL;
}

size_t
dgit_deb822_nfields(const struct dgit_deb822_para *p)
{
	return p->nf;
}

const char *
dgit_deb822_field_name(const struct dgit_deb822_para *p, size_t i)
{
	return i < p->nf ? p->buf + p->f[i].name : NULL;
}

const char *
dgit_deb822_field_value(const struct dgit_deb822_para *p, size_t i)
{
	return i < p->nf ? p->buf + p->f[i].value : NULL;
}

size_t
dgit_deb822_line(const struct dgit_deb822_para *p)
{
	return p->line;
}

void
dgit_deb822_para_free(struct dgit_deb822_para *p)
{
	if (p == NULL)
		return;
	if (!p->single) {
		free(p->buf);
		free(p->f);
	}
	free(p);
}

void
dgit_deb822_paras_free(struct dgit_deb822_para **paras, size_t n)
{
	size_t i;

	if (paras == NULL)
		return;
	for (i = 0; i < n; i++)
		dgit_deb822_para_free(paras[i]);
	free(paras);
}

/* The line-at-a-time parser shared by the buffer and stream interfaces. */
struct parser {
	const char *what;
	size_t lineno;             /* of the line being processed */
	struct dgit_deb822_para cur;
	int in_para;
};

static const struct dgit_error *
perr(const struct parser *ps, const char *msg)
{
	return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' line %zu: %s", ps->what,
	    ps->lineno, msg);
}

static const struct dgit_error *
arena_reserve(struct parser *ps, size_t more)
{
	struct dgit_deb822_para *p = &ps->cur;
	size_t ncap;
	char *nb;

	if (more > PARA_MAX || p->len > PARA_MAX - more)
		return dgit_error_fmt(DGIT_ERR_LIMIT,
		    "'%s' line %zu: paragraph larger than %zu MiB",
		    ps->what, ps->lineno, PARA_MAX >> 20);
	if (p->len + more <= p->cap)
		return NULL;
	ncap = p->cap ? p->cap : 1024;
	while (ncap < p->len + more)
		ncap *= 2;
	nb = realloc(p->buf, ncap);
	if (nb == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	p->buf = nb;
	p->cap = ncap;
	return NULL;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static const struct dgit_error *
add_field(struct parser *ps, const char *line, size_t len)
{
	struct dgit_deb822_para *p = &ps->cur;
	const struct dgit_error *err;
	const char *colon, *v, *ve;
	size_t nlen, vlen, i;
	struct field *f;

	colon = memchr(line, ':', len);
	if (colon == NULL) {
		if (len >= 5 && memcmp(line, "-----", 5) == 0)
			return perr(ps, "unexpected OpenPGP armor line "
			    "(is this a signed file?)");
		return perr(ps, "line is not 'Field: value' "
		    "nor a continuation line");
	}
	nlen = colon - line;
	while (nlen > 0 && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
		nlen--;
	if (nlen == 0)
		return perr(ps, "empty field name");
	if (line[0] == '-')
		return perr(ps, len >= 5 && memcmp(line, "-----", 5) == 0 ?
		    "unexpected OpenPGP armor line (is this a signed file?)" :
		    "field name starts with '-'");
	for (i = 0; i < nlen; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c <= 32 || c >= 127)
			return perr(ps, "field name contains a space, "
			    "control or non-ASCII character");
	}
	for (i = 0; i < p->nf; i++)
		if (p->f[i].name_len == nlen &&
		    strncasecmp(p->buf + p->f[i].name, line, nlen) == 0)
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "'%s' line %zu: duplicate field '%.*s' "
			    "(first at line %zu)", ps->what, ps->lineno,
			    (int)nlen, line, p->f[i].line);

	v = colon + 1;
	ve = line + len;
	while (v < ve && (*v == ' ' || *v == '\t'))
		v++;
	while (ve > v && is_ws(ve[-1]))
		ve--;
	vlen = ve - v;

	if (p->nf == p->fcap) {
		size_t ncap = p->fcap ? p->fcap * 2 : 32;
		struct field *nf = realloc(p->f, ncap * sizeof *nf);
		if (nf == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		p->f = nf;
		p->fcap = ncap;
	}
	if ((err = arena_reserve(ps, nlen + vlen + 2)) != NULL)
		return err;
	f = &p->f[p->nf++];
	f->name = p->len;
	f->name_len = nlen;
	f->line = ps->lineno;
	memcpy(p->buf + p->len, line, nlen);
	p->len += nlen;
	p->buf[p->len++] = '\0';
	f->value = p->len;
	memcpy(p->buf + p->len, v, vlen);
	p->len += vlen;
	p->buf[p->len++] = '\0';
	return NULL;
}

/* line: one line without its "\n".  *para_done set when a paragraph ends. */
static const struct dgit_error *
parse_line(struct parser *ps, const char *line, size_t len, int *para_done)
{
	struct dgit_deb822_para *p = &ps->cur;
	const struct dgit_error *err;
	size_t i;

	*para_done = 0;
	if (memchr(line, '\0', len) != NULL)
		return perr(ps, "line contains a NUL byte");
	for (i = 0; i < len && is_ws(line[i]); i++)
		;
	if (i == len) {
		if (ps->in_para) {
			ps->in_para = 0;
			*para_done = 1;
		}
		return NULL;
	}
	if (line[0] == '#')
		return NULL;
	if (line[0] == ' ' || line[0] == '\t') {
		const char *s = line + i, *e = line + len;
		if (!ps->in_para)
			return perr(ps, "continuation line outside a field");
		while (e > s && is_ws(e[-1]))
			e--;
		/* the current value is last in the arena: replace its NUL */
		if ((err = arena_reserve(ps, (size_t)(e - s) + 1)) != NULL)
			return err;
		p->buf[p->len - 1] = '\n';
		memcpy(p->buf + p->len, s, e - s);
		p->len += e - s;
		p->buf[p->len++] = '\0';
		return NULL;
	}
	if (!ps->in_para) {
		p->len = 0;
		p->nf = 0;
		p->line = ps->lineno;
		ps->in_para = 1;
	}
	return add_field(ps, line, len);
}

static void
parser_release(struct parser *ps)
{
	free(ps->cur.buf);
	free(ps->cur.f);
}

/* A standalone copy of the current paragraph in one allocation. */
static const struct dgit_error *
para_copy(struct dgit_deb822_para **out, const struct dgit_deb822_para *p)
{
	struct dgit_deb822_para *c;
	size_t fsz = p->nf * sizeof(struct field);
	char *mem;

	*out = NULL;
	mem = malloc(sizeof *c + fsz + p->len);
	if (mem == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	c = (struct dgit_deb822_para *)mem;
	c->f = (struct field *)(mem + sizeof *c);
	c->buf = mem + sizeof *c + fsz;
	if (fsz)
		memcpy(c->f, p->f, fsz);
	if (p->len)
		memcpy(c->buf, p->buf, p->len);
	c->len = c->cap = p->len;
	c->nf = c->fcap = p->nf;
	c->line = p->line;
	c->single = 1;
	*out = c;
	return NULL;
}

const struct dgit_error *
dgit_deb822_parse(struct dgit_deb822_para ***out, size_t *n,
    const char *buf, size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	struct parser ps;
	struct dgit_deb822_para **v = NULL, **nv;
	size_t nv_len = 0, nv_cap = 0, pos = 0;
	int done_para;

	*out = NULL;
	*n = 0;
	memset(&ps, 0, sizeof ps);
	ps.what = what;
	while (pos < len || ps.in_para) {
		const char *nl;
		size_t ll;

		if (pos < len) {
			nl = memchr(buf + pos, '\n', len - pos);
			ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
			ps.lineno++;
			err = parse_line(&ps, buf + pos, ll, &done_para);
			if (err)
				goto done;
			pos += ll + (nl != NULL);
		} else {
			/* end of input ends the last paragraph */
			ps.in_para = 0;
			done_para = 1;
		}
		if (!done_para)
			continue;
		if (nv_len == nv_cap) {
			nv_cap = nv_cap ? nv_cap * 2 : 8;
			nv = realloc(v, nv_cap * sizeof *v);
			if (nv == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			v = nv;
		}
		if ((err = para_copy(&v[nv_len], &ps.cur)) != NULL)
			goto done;
		nv_len++;
	}
done:
	parser_release(&ps);
	if (err) {
		dgit_deb822_paras_free(v, nv_len);
		return err;
	}
	*out = v;
	*n = nv_len;
	return NULL;
}

struct dgit_deb822_stream {
	struct parser ps;
	dgit_deb822_para_cb cb;
	void *arg;
	char *pend;                /* an incomplete line carried over */
	size_t pend_len, pend_cap;
	/* the first error, kept: returned errors live in a short ring */
	int failed;
	enum dgit_error_code failed_code;
	char failed_msg[1024];
};

const struct dgit_error *
dgit_deb822_stream_new(struct dgit_deb822_stream **out, const char *what,
    dgit_deb822_para_cb cb, void *arg)
{
	struct dgit_deb822_stream *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	s->ps.what = what;
	s->cb = cb;
	s->arg = arg;
	*out = s;
	return NULL;
}

static void
remember_failure(struct dgit_deb822_stream *s, const struct dgit_error *err)
{
	s->failed = 1;
	s->failed_code = err->code;
	snprintf(s->failed_msg, sizeof s->failed_msg, "%s", err->msg);
}

static const struct dgit_error *
stream_line(struct dgit_deb822_stream *s, const char *line, size_t len)
{
	const struct dgit_error *err;
	int done_para;

	s->ps.lineno++;
	if ((err = parse_line(&s->ps, line, len, &done_para)) != NULL)
		return err;
	if (done_para)
		return s->cb(&s->ps.cur, s->arg);
	return NULL;
}

const struct dgit_error *
dgit_deb822_stream_feed(struct dgit_deb822_stream *s, const char *buf,
    size_t len)
{
	const struct dgit_error *err = NULL;
	const char *nl;
	size_t pos = 0, ll;

	if (s->failed)
		return dgit_error_fmt(s->failed_code, "%s", s->failed_msg);
	if (s->pend_len > 0) {
		/* finish the carried-over line first */
		nl = memchr(buf, '\n', len);
		ll = nl ? (size_t)(nl - buf) : len;
		if (ll > PARA_MAX || s->pend_len > PARA_MAX - ll) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT,
			    "'%s' line %zu: line longer than %zu MiB",
			    s->ps.what, s->ps.lineno + 1, PARA_MAX >> 20);
			goto done;
		}
		if (s->pend_len + ll > s->pend_cap) {
			size_t ncap = s->pend_cap * 2;
			char *np;
			while (ncap < s->pend_len + ll)
				ncap *= 2;
			if ((np = realloc(s->pend, ncap)) == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			s->pend = np;
			s->pend_cap = ncap;
		}
		memcpy(s->pend + s->pend_len, buf, ll);
		s->pend_len += ll;
		if (nl == NULL)
			goto done;
		pos = ll + 1;
		err = stream_line(s, s->pend, s->pend_len);
		s->pend_len = 0;
		if (err)
			goto done;
	}
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		if (nl == NULL)
			break;
		ll = nl - (buf + pos);
		if ((err = stream_line(s, buf + pos, ll)) != NULL)
			goto done;
		pos += ll + 1;
	}
	if (pos < len) {
		ll = len - pos;
		if (ll > PARA_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT,
			    "'%s' line %zu: line longer than %zu MiB",
			    s->ps.what, s->ps.lineno + 1, PARA_MAX >> 20);
			goto done;
		}
		if (ll > s->pend_cap) {
			size_t ncap = s->pend_cap ? s->pend_cap : 4096;
			char *np;
			while (ncap < ll)
				ncap *= 2;
			if ((np = realloc(s->pend, ncap)) == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			s->pend = np;
			s->pend_cap = ncap;
		}
		memcpy(s->pend, buf + pos, ll);
		s->pend_len = ll;
	}
done:
	if (err)
		remember_failure(s, err);
	return err;
}

const struct dgit_error *
dgit_deb822_stream_finish(struct dgit_deb822_stream *s)
{
	const struct dgit_error *err = NULL;

	if (s->failed)
		return dgit_error_fmt(s->failed_code, "%s", s->failed_msg);
	if (s->pend_len > 0) {
		err = stream_line(s, s->pend, s->pend_len);
		s->pend_len = 0;
		if (err)
			goto done;
	}
	if (s->ps.in_para) {
		s->ps.in_para = 0;
		err = s->cb(&s->ps.cur, s->arg);
	}
done:
	if (err)
		remember_failure(s, err);
	return err;
}

void
dgit_deb822_stream_free(struct dgit_deb822_stream *s)
{
	if (s == NULL)
		return;
	parser_release(&s->ps);
	free(s->pend);
	free(s);
}

/*
 * Clearsigned messages, RFC 4880 section 7.  The signed text runs from
 * after the armor headers' blank line to the "-----BEGIN PGP SIGNATURE-----"
 * line; the line ending just before that line belongs to the signature
 * framing, not to the text.  Trailing spaces and tabs are not covered by
 * the signature (RFC 4880 7.1), so they are dropped from the text; line
 * endings ("\n" or "\r\n") are kept as written.  Only "Hash:" armor headers are accepted:
 * anything else there is suspicious (it has been used to smuggle text).
 */

#define SIGNED_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"
#define SIG_BEGIN "-----BEGIN PGP SIGNATURE-----"
#define SIG_END "-----END PGP SIGNATURE-----"

struct lines {
	const char *buf;
	size_t len, pos, lineno;
	const char *line;          /* current line, without its ending */
	size_t line_len;
	size_t end_len;            /* 0, 1 ("\n") or 2 ("\r\n") */
};

static int
next_line(struct lines *l)
{
	const char *nl;

	if (l->pos >= l->len)
		return 0;
	l->line = l->buf + l->pos;
	nl = memchr(l->line, '\n', l->len - l->pos);
	if (nl == NULL) {
		l->line_len = l->len - l->pos;
		l->end_len = 0;
	} else {
		l->line_len = nl - l->line;
		l->end_len = 1;
		if (l->line_len > 0 && l->line[l->line_len - 1] == '\r') {
			l->line_len--;
			l->end_len = 2;
		}
	}
	l->pos += l->line_len + l->end_len;
	l->lineno++;
	return 1;
}

/* The line is tag, possibly followed by whitespace (RFC 4880 6.2). */
static int
line_is(const struct lines *l, const char *tag)
{
	size_t n = strlen(tag), i;

	if (l->line_len < n || memcmp(l->line, tag, n) != 0)
		return 0;
	for (i = n; i < l->line_len; i++)
		if (!is_ws(l->line[i]))
			return 0;
	return 1;
}

static int
line_blank(const struct lines *l)
{
	size_t i;

	for (i = 0; i < l->line_len; i++)
		if (!is_ws(l->line[i]))
			return 0;
	return 1;
}

void
dgit_clearsigned_free(struct dgit_clearsigned *cs)
{
	if (cs == NULL)
		return;
	free(cs->text);
	free(cs->signature);
	free(cs->hash);
	free(cs);
}

static const struct dgit_error *
cs_err(const char *what, size_t lineno, const char *msg)
{
	return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' line %zu: %s", what,
	    lineno, msg);
}

static const struct dgit_error *
append_hash(struct dgit_clearsigned *cs, const char *v, size_t vlen)
{
	size_t old = cs->hash ? strlen(cs->hash) : 0;
	char *nh;

	if (vlen > 1024 || old > 4096)
		return dgit_error(DGIT_ERR_LIMIT);
	nh = realloc(cs->hash, old + (old ? 1 : 0) + vlen + 1);
	if (nh == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (old)
		nh[old++] = ',';
	memcpy(nh + old, v, vlen);
	nh[old + vlen] = '\0';
	cs->hash = nh;
	return NULL;
}

const struct dgit_error *
dgit_clearsigned_split(struct dgit_clearsigned **out, const char *buf,
    size_t len, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_clearsigned *cs = NULL;
	struct lines l = { buf, len, 0, 0, NULL, 0, 0 };
	size_t text_end, prev_end_len, sig_start, sig_end;
	const char *s, *e;
	char *t;

	*out = NULL;
	/* leading blank lines, then the BEGIN line */
	for (;;) {
		if (!next_line(&l)) {
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
			    "'%s' is not signed (no '%s' line)", what,
			    SIGNED_BEGIN);
			goto done;
		}
		if (line_is(&l, SIGNED_BEGIN))
			break;
		if (!line_blank(&l)) {
			/* unsigned, or junk before the armor? */
			struct lines scan = l;
			while (next_line(&scan))
				if (line_is(&scan, SIGNED_BEGIN)) {
					err = cs_err(what, l.lineno, "text "
					    "before the OpenPGP signed "
					    "message");
					goto done;
				}
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
			    "'%s' is not signed (no '%s' line)", what,
			    SIGNED_BEGIN);
			goto done;
		}
	}
	cs = calloc(1, sizeof *cs);
	if (cs == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* armor headers up to a blank line */
	for (;;) {
		if (!next_line(&l)) {
			err = cs_err(what, l.lineno, "end of file in the "
			    "OpenPGP armor headers");
			goto done;
		}
		if (line_blank(&l))
			break;
		if (l.line_len >= 5 && strncasecmp(l.line, "Hash:", 5) == 0) {
			s = l.line + 5;
			e = l.line + l.line_len;
			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			while (e > s && is_ws(e[-1]))
				e--;
			if (s == e) {
				err = cs_err(what, l.lineno,
				    "empty 'Hash' armor header");
				goto done;
			}
			if ((err = append_hash(cs, s, e - s)) != NULL)
				goto done;
			continue;
		}
		err = cs_err(what, l.lineno, "unexpected OpenPGP armor header "
		    "(only 'Hash' is allowed in a signed message)");
		goto done;
	}
	/*
	 * The text.  Undoing dash-escapes only removes bytes, so the result
	 * fits in len bytes.
	 */
	cs->text = malloc(len + 1);
	if (cs->text == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	t = cs->text;
	text_end = 0;
	prev_end_len = 0;
	for (;;) {
		if (!next_line(&l)) {
			err = cs_err(what, l.lineno, "end of file in signed "
			    "text; no '" SIG_BEGIN "' line");
			goto done;
		}
		if (line_is(&l, SIG_BEGIN))
			break;
		s = l.line;
		e = l.line + l.line_len;
		if (l.line_len > 0 && l.line[0] == '-') {
			if (l.line_len < 2 || l.line[1] != ' ') {
				err = cs_err(what, l.lineno, "line starting "
				    "with '-' in signed text is not "
				    "dash-escaped");
				goto done;
			}
			s += 2;
		}
		/* trailing blanks are not signed (RFC 4880 7.1): drop them */
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		memcpy(t + text_end, s, e - s);
		text_end += e - s;
		memcpy(t + text_end, l.line + l.line_len, l.end_len);
		text_end += l.end_len;
		prev_end_len = l.end_len;
	}
	/* the line ending before the signature is framing, not text */
	text_end -= prev_end_len;
	t[text_end] = '\0';
	cs->text_len = text_end;

	sig_start = l.line - buf;
	for (;;) {
		if (!next_line(&l)) {
			err = cs_err(what, l.lineno, "end of file in the "
			    "OpenPGP signature; no '" SIG_END "' line");
			goto done;
		}
		if (line_is(&l, SIG_END))
			break;
	}
	sig_end = l.pos;
	/* only blank lines may follow */
	while (next_line(&l)) {
		if (line_blank(&l))
			continue;
		if (line_is(&l, SIGNED_BEGIN))
			err = cs_err(what, l.lineno,
			    "a second signed message; only one is allowed");
		else
			err = cs_err(what, l.lineno,
			    "text after the OpenPGP signature");
		goto done;
	}
	cs->signature = malloc(sig_end - sig_start + 1);
	if (cs->signature == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	memcpy(cs->signature, buf + sig_start, sig_end - sig_start);
	cs->signature[sig_end - sig_start] = '\0';
	cs->signature_len = sig_end - sig_start;
done:
	if (err) {
		dgit_clearsigned_free(cs);
		return err;
	}
	*out = cs;
	return NULL;
}
