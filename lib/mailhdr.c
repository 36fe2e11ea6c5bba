/*
 * git mailinfo -k, as gbp pq import uses it to read a patch's header.
 * The rules are git's (mailinfo.c's documented behaviour, checked against
 * the real `git mailinfo -k` in t/t3021): headers up to the first line
 * that is not one, folding joined with a space, encoded words decoded,
 * From/Subject/Date kept (the last of each), in-body headers at the start
 * of the body, the message up to the patch break.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_buf.h"
#include "dgit_mailhdr.h"

#define MAILHDR_MAX ((size_t)16 << 20)     /* a patch header's text */

enum { H_FROM, H_SUBJECT, H_DATE, H_N };
static const char *const header_names[H_N] = { "From", "Subject", "Date" };

struct mi {
	struct dgit_buf p_hdr[H_N], s_hdr[H_N];
	int p_set[H_N], s_set[H_N];
	struct dgit_buf charset;
	struct dgit_buf log;
	struct dgit_buf accum;            /* in-body header being read */
	int header_stage, filter_stage, patch_lines;
	const char *err;                  /* first input error */
};

static int
is_sp(unsigned char c)
{
	/* git's isspace: space, \t, \n, \v, \f, \r */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const struct dgit_error *
add(struct dgit_buf *b, const void *s, size_t n)
{
	if (b->cap == 0)
		b->cap = MAILHDR_MAX;
	return dgit_buf_add(b, s, n);
}

static void
rtrim(struct dgit_buf *b)
{
	while (b->len && is_sp((unsigned char)b->ptr[b->len - 1]))
		b->len--;
	if (b->ptr)
		b->ptr[b->len] = 0;
}

static const struct dgit_error *
set(struct dgit_buf *b, const char *s, size_t n)
{
	dgit_buf_clear(b);
	if (add(b, "", 0))
		return dgit_error(DGIT_ERR_NOMEM);
	return add(b, s, n);
}

/* iconv from charset to UTF-8 unless it is UTF-8 already. */
static const struct dgit_error *
to_utf8(struct mi *mi, struct dgit_buf *b, const char *charset)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf out = DGIT_BUF_INIT;
	iconv_t cd;
	char *in, *o, tmp[4096];
	size_t inl, ol;

	if (!charset || !*charset || strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0 || b->len == 0)
		return NULL;
	cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1) {
		if (!mi->err)
			mi->err = "a charset that cannot be converted";
		return NULL;
	}
	in = b->ptr;
	inl = b->len;
	while (inl) {
		o = tmp;
		ol = sizeof tmp;
		if (iconv(cd, &in, &inl, &o, &ol) == (size_t)-1 &&
		    errno != E2BIG) {
			if (!mi->err)
				mi->err = "text that is not in its charset";
			goto done;
		}
		if ((err = add(&out, tmp, sizeof tmp - ol)))
			goto done;
	}
	if ((err = set(b, out.ptr ? out.ptr : "", out.len)))
		goto done;
done:
	iconv_close(cd);
	dgit_buf_release(&out);
	return err;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 32;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static const struct dgit_error *
decode_q(struct dgit_buf *out, const char *in, size_t n)
{
	const struct dgit_error *err = NULL;

	for (size_t i = 0; i < n && in[i] && !err; i++) {
		int c = (unsigned char)in[i];

		if (c == '=') {
			int h, l;

			if (i + 1 >= n || in[i + 1] == '\n' || !in[i + 1])
				break;
			h = hexval((unsigned char)in[i + 1]);
			l = i + 2 < n ? hexval((unsigned char)in[i + 2]) : -1;
			if (h >= 0 && l >= 0) {
				char ch = (char)(h << 4 | l);

				err = add(out, &ch, 1);
				i += 2;
				continue;
			}
		}
		if (c == '_')
			c = ' ';
		{
			char ch = (char)c;

			err = add(out, &ch, 1);
		}
	}
	return err;
}

/* git's base64 reading: characters outside the alphabet are skipped. */
static const struct dgit_error *
decode_b(struct dgit_buf *out, const char *in, size_t n)
{
	const struct dgit_error *err = NULL;
	int pos = 0, acc = 0;

	for (size_t i = 0; i < n && in[i] && !err; i++) {
		int c = (unsigned char)in[i];
		char ch;

		if (c == '+')
			c = 62;
		else if (c == '/')
			c = 63;
		else if (c >= 'A' && c <= 'Z')
			c -= 'A';
		else if (c >= 'a' && c <= 'z')
			c = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			c = c - '0' + 52;
		else
			continue;
		switch (pos++) {
		case 0:
			acc = c << 2;
			break;
		case 1:
			ch = (char)(acc | c >> 4);
			err = add(out, &ch, 1);
			acc = (c & 15) << 4;
			break;
		case 2:
			ch = (char)(acc | c >> 2);
			err = add(out, &ch, 1);
			acc = (c & 3) << 6;
			break;
		default:
			ch = (char)(acc | c);
			err = add(out, &ch, 1);
			acc = pos = 0;
			break;
		}
	}
	return err;
}

/*
 * RFC 2047: "=?CHARSET?Q|B?TEXT?=" words decoded and converted; white
 * space between two encoded words dropped.  A broken word leaves the
 * value as it was and is an input error.
 */
static const struct dgit_error *
decode_header(struct mi *mi, struct dgit_buf *it)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf outb = DGIT_BUF_INIT, dec = DGIT_BUF_INIT;
	struct dgit_buf cs = DGIT_BUF_INIT;
	const char *base = it->ptr ? it->ptr : "", *in = base, *ep, *cp;
	size_t len = strlen(base);

	if ((err = add(&outb, "", 0)))
		goto done;
	while ((ep = strstr(in, "=?")) != NULL) {
		if (in != ep) {
			const char *s = in;

			while (s < ep && is_sp((unsigned char)*s))
				s++;
			if ((s != ep || in == base) &&
			    (err = add(&outb, in, (size_t)(ep - in))))
				goto done;
		}
		ep += 2;
		if ((size_t)(ep - base) >= len || !(cp = strchr(ep, '?')) ||
		    (size_t)(cp + 3 - base) > len || !cp[1] || cp[2] != '?')
			goto bad;
		if ((err = set(&cs, ep, (size_t)(cp - ep))))
			goto done;
		ep = strstr(cp + 3, "?=");
		if (!ep)
			goto bad;
		dgit_buf_clear(&dec);
		if ((err = add(&dec, "", 0)))
			goto done;
		switch (tolower((unsigned char)cp[1])) {
		case 'b':
			err = decode_b(&dec, cp + 3, (size_t)(ep - cp - 3));
			break;
		case 'q':
			err = decode_q(&dec, cp + 3, (size_t)(ep - cp - 3));
			break;
		default:
			goto bad;
		}
		if (err || (err = to_utf8(mi, &dec, cs.ptr)))
			goto done;
		if ((err = add(&outb, dec.ptr, dec.len)))
			goto done;
		in = ep + 2;
	}
	if ((err = add(&outb, in, strlen(in))) ||
	    (err = set(it, outb.ptr, outb.len)))
		goto done;
	goto done;
bad:
	if (!mi->err)
		mi->err = "a broken RFC 2047 encoded word";
done:
	dgit_buf_release(&outb);
	dgit_buf_release(&dec);
	dgit_buf_release(&cs);
	return err;
}

/* "Name:" (any case) then white space: where the value starts, or NULL. */
static const char *
skip_header(const char *line, const char *hdr)
{
	size_t n = strlen(hdr);

	if (strncasecmp(line, hdr, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	while (is_sp((unsigned char)*line))
		line++;
	return line;
}

/* Content-Type's charset= attribute, lowercased. */
static const struct dgit_error *
content_type(struct mi *mi, const char *v)
{
	const char *a = strcasestr(v, "charset=");
	size_t n = 0;

	if (!a)
		return NULL;
	a += 8;
	if (*a == '"') {
		a++;
		while (a[n] && a[n] != '"')
			n++;
	} else
		while (a[n] && a[n] != ';' && !is_sp((unsigned char)a[n]))
			n++;
	if (set(&mi->charset, a, n))
		return dgit_error(DGIT_ERR_NOMEM);
	for (size_t i = 0; i < mi->charset.len; i++)
		mi->charset.ptr[i] = (char)tolower(
		    (unsigned char)mi->charset.ptr[i]);
	return NULL;
}

static const struct dgit_error *
check_header(struct mi *mi, const struct dgit_buf *line,
    struct dgit_buf *hdr, int *hset, int overwrite)
{
	const struct dgit_error *err;
	const char *text = line->ptr ? line->ptr : "", *v;

	/* a value ends at a NUL, as git's strbuf_addstr() takes it */
	for (int i = 0; i < H_N; i++) {
		if ((hset[i] && !overwrite) ||
		    !(v = skip_header(text, header_names[i])))
			continue;
		if ((err = set(&hdr[i], v, strlen(v))) ||
		    (err = decode_header(mi, &hdr[i])))
			return err;
		hset[i] = 1;
		return NULL;
	}
	if ((v = skip_header(text, "Content-Type"))) {
		struct dgit_buf t = DGIT_BUF_INIT;

		if (!(err = set(&t, v, strlen(v))) &&
		    !(err = decode_header(mi, &t)))
			err = content_type(mi, t.ptr);
		dgit_buf_release(&t);
		return err;
	}
	return NULL;
}

static int
is_rfc2822_header(const char *s)
{
	if (strncmp(s, "From ", 5) == 0 || strncmp(s, ">From ", 6) == 0)
		return 1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ':')
			return 1;
		if (!((c >= 33 && c <= 57) || (c >= 59 && c <= 126)))
			break;
	}
	return 0;
}

static int
patchbreak(const char *s, size_t len)
{
	if (strncmp(s, "diff -", 6) == 0 || strncmp(s, "Index: ", 7) == 0)
		return 1;
	if (len < 4 || strncmp(s, "---", 3) != 0)
		return 0;
	if (s[3] == ' ' && !is_sp((unsigned char)s[4]))
		return 1;
	for (size_t i = 3; i < len; i++) {
		if (s[i] == '\n')
			return 1;
		if (!is_sp((unsigned char)s[i]))
			break;
	}
	return 0;
}

/* "From <40 hex> Mon Sep 17 00:00:00 2001\n" */
static int
is_format_patch_separator(const char *s, size_t len)
{
	static const char tail[] = " Mon Sep 17 00:00:00 2001\n";

	if (len != 5 + 40 + strlen(tail) || strncmp(s, "From ", 5) != 0)
		return 0;
	for (int i = 5; i < 45; i++)
		if (hexval((unsigned char)s[i]) < 0 ||
		    (s[i] >= 'A' && s[i] <= 'F'))
			return 0;
	return memcmp(s + 45, tail, strlen(tail)) == 0;
}

static const struct dgit_error *
flush_accum(struct mi *mi)
{
	const struct dgit_error *err;

	if (!mi->accum.len)
		return NULL;
	err = check_header(mi, &mi->accum, mi->s_hdr, mi->s_set, 0);
	dgit_buf_clear(&mi->accum);
	return err;
}

static const struct dgit_error *
inbody_header(int *out, struct mi *mi, const struct dgit_buf *line)
{
	const struct dgit_error *err;
	const char *s = line->ptr;

	*out = 0;
	if (mi->accum.len && (s[0] == ' ' || s[0] == '\t')) {
		if (mi->accum.len && mi->accum.ptr[mi->accum.len - 1] == '\n')
			mi->accum.len--;
		*out = 1;
		return add(&mi->accum, s, line->len);
	}
	if ((err = flush_accum(mi)))
		return err;
	if (strncmp(s, ">From", 5) == 0 && is_sp((unsigned char)s[5])) {
		*out = is_format_patch_separator(s + 1, line->len - 1);
		return NULL;
	}
	if (strncmp(s, "[PATCH]", 7) == 0 && is_sp((unsigned char)s[7])) {
		*out = 1;
		mi->s_set[H_SUBJECT] = 1;
		return set(&mi->s_hdr[H_SUBJECT], s, line->len);
	}
	for (int i = 0; i < H_N; i++)
		if (!mi->s_set[i] && skip_header(s, header_names[i])) {
			*out = 1;
			return add(&mi->accum, s, line->len);
		}
	return NULL;
}

/* One body line (with its newline, if it had one). */
static const struct dgit_error *
body_line(struct mi *mi, struct dgit_buf *line)
{
	const struct dgit_error *err;

	if (mi->filter_stage) {
		mi->patch_lines++;
		return NULL;
	}
	if (mi->header_stage && (line->len == 0 ||
	    (line->len == 1 && line->ptr[0] == '\n'))) {
		if (mi->accum.len) {
			if ((err = flush_accum(mi)))
				return err;
			mi->header_stage = 0;
		}
		return NULL;
	}
	if (mi->header_stage) {
		if ((err = inbody_header(&mi->header_stage, mi, line)))
			return err;
		if (mi->header_stage)
			return NULL;
	}
	if ((err = to_utf8(mi, line, mi->charset.ptr)))
		return err;
	if (patchbreak(line->ptr, line->len)) {
		mi->filter_stage = 1;
		mi->patch_lines++;
		return NULL;
	}
	return add(&mi->log, line->ptr, line->len);
}

static void
cleanup_space(struct dgit_buf *b)
{
	size_t o = 0;

	for (size_t i = 0; i < b->len; i++) {
		if (is_sp((unsigned char)b->ptr[i])) {
			b->ptr[o++] = ' ';
			while (i + 1 < b->len && is_sp((unsigned char)b->ptr[i + 1]))
				i++;
		} else
			b->ptr[o++] = b->ptr[i];
	}
	b->len = o;
	if (b->ptr)
		b->ptr[o] = 0;
}

static void
strbuf_trim(struct dgit_buf *b)
{
	size_t s = 0;

	rtrim(b);
	while (s < b->len && is_sp((unsigned char)b->ptr[s]))
		s++;
	memmove(b->ptr, b->ptr + s, b->len - s + 1);
	b->len -= s;
}

/* A name git keeps: not empty, no '@', '<' or '>'; else the email. */
static const struct dgit_error *
sane_name(struct dgit_buf *name, const char *n, size_t nl, const char *email)
{
	if (nl == 0 || memchr(n, '@', nl) || memchr(n, '<', nl) ||
	    memchr(n, '>', nl))
		return set(name, email, strlen(email));
	return set(name, n, nl);
}

/*
 * RFC 822 quoting undone: "quoted strings" lose their quotes, and inside
 * them and (comments) a backslash takes the next character literally.
 */
static const struct dgit_error *
unquote_pairs(struct dgit_buf *out, const char *in)
{
	const struct dgit_error *err = NULL;

	if ((err = set(out, "", 0)))
		return err;
	while (*in && !err) {
		char c = *in++;

		if (c == '"') {
			while (*in && *in != '"' && !err) {
				if (*in == '\\' && in[1])
					in++;
				err = add(out, in++, 1);
			}
			if (*in)
				in++;
		} else if (c == '(') {
			int depth = 1;

			err = add(out, "(", 1);
			while (*in && depth && !err) {
				if (*in == '\\' && in[1]) {
					in++;
				} else if (*in == '(') {
					depth++;
				} else if (*in == ')') {
					depth--;
				}
				err = add(out, in++, 1);
			}
		} else
			err = add(out, &c, 1);
	}
	return err;
}

static const struct dgit_error *
handle_from(struct dgit_buf *name, struct dgit_buf *email,
    const struct dgit_buf *from)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf f = DGIT_BUF_INIT;
	char *at, *start;
	size_t el;

	if ((err = unquote_pairs(&f, from->ptr ? from->ptr : "")))
		goto done;
	at = strchr(f.ptr, '@');
	if (!at) {
		/* "John Doe <johndoe>" */
		char *bra = strchr(from->ptr, '<'), *ket;

		if (!bra || !(ket = strchr(bra, '>')))
			goto done;
		if ((err = set(email, bra + 1, (size_t)(ket - bra - 1))) ||
		    (err = set(name, from->ptr, (size_t)(bra - from->ptr))))
			goto done;
		strbuf_trim(name);
		{
			struct dgit_buf t = DGIT_BUF_INIT;

			if (!(err = set(&t, name->ptr, name->len)))
				err = sane_name(name, t.ptr, t.len, email->ptr);
			dgit_buf_release(&t);
		}
		goto done;
	}
	start = at;
	while (start > f.ptr) {
		char c = start[-1];

		if (is_sp((unsigned char)c))
			break;
		if (c == '<') {
			start[-1] = ' ';
			break;
		}
		start--;
	}
	el = strcspn(start, " \n\t\r\v\f>");
	if ((err = set(email, start, el)))
		goto done;
	{
		size_t off = (size_t)(start - f.ptr), rm = el + (start[el] ? 1 : 0);

		memmove(f.ptr + off, f.ptr + off + rm, f.len - off - rm + 1);
		f.len -= rm;
	}
	cleanup_space(&f);
	strbuf_trim(&f);
	if (f.len && f.ptr[0] == '(' && f.ptr[f.len - 1] == ')') {
		memmove(f.ptr, f.ptr + 1, f.len - 1);
		f.len -= 2;
		f.ptr[f.len] = 0;
	}
	err = sane_name(name, f.ptr, f.len, email->ptr);
done:
	dgit_buf_release(&f);
	return err;
}

static const struct dgit_error *
handle_info(struct mi *mi, struct dgit_buf *out)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf name = DGIT_BUF_INIT, email = DGIT_BUF_INIT;

	if ((err = add(out, "", 0)) || (err = set(&name, "", 0)) ||
	    (err = set(&email, "", 0)))
		goto done;
	for (int i = 0; i < H_N && !err; i++) {
		struct dgit_buf *h;

		if (mi->patch_lines && mi->s_set[i])
			h = &mi->s_hdr[i];
		else if (mi->p_set[i])
			h = &mi->p_hdr[i];
		else
			continue;
		if (h->len && memchr(h->ptr, 0, h->len) && !mi->err)
			mi->err = "a NUL byte in a header";
		if (i == H_SUBJECT) {
			/* -k: kept as it is, one line per line */
			const char *sp = h->ptr ? h->ptr : "", *ep;

			for (;;) {
				ep = strchr(sp, '\n');
				if ((err = dgit_buf_addf(out, "Subject: %.*s\n",
				    (int)(ep ? ep - sp : (long)strlen(sp)), sp)))
					goto done;
				if (!ep)
					break;
				sp = ep + 1;
			}
		} else if (i == H_FROM) {
			cleanup_space(h);
			if ((err = handle_from(&name, &email, h)) ||
			    (err = dgit_buf_addf(out, "Author: %s\nEmail: %s\n",
			    name.ptr, email.ptr)))
				goto done;
		} else {
			cleanup_space(h);
			err = dgit_buf_addf(out, "Date: %s\n", h->ptr ? h->ptr : "");
		}
	}
	if (!err)
		err = add(out, "\n", 1);
done:
	dgit_buf_release(&name);
	dgit_buf_release(&email);
	return err;
}

const struct dgit_error *
dgit_mailhdr_mailinfo(char **info, size_t *info_len, char **msg,
    size_t *msg_len, const char *buf, size_t len)
{
	const struct dgit_error *err = NULL;
	struct mi mi;
	struct dgit_buf line = DGIT_BUF_INIT, cont = DGIT_BUF_INIT;
	struct dgit_buf out = DGIT_BUF_INIT;
	const char *p = buf, *end = buf + len;

	*info = *msg = NULL;
	*info_len = *msg_len = 0;
	memset(&mi, 0, sizeof mi);
	mi.header_stage = 1;
	if ((err = add(&mi.log, "", 0)))
		goto done;
	while (p < end && is_sp((unsigned char)*p))
		p++;
	if (p == end) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "empty patch header");
		goto done;
	}
	/* the mail header */
	for (;;) {
		const char *nl;

		if (p >= end)
			break;  /* git's line buffer keeps the last header */
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((err = set(&line, p, (size_t)((nl ? nl : end) - p))))
			goto done;
		p = nl ? nl + 1 : end;
		rtrim(&line);
		if (!line.len || !is_rfc2822_header(line.ptr)) {
			err = add(&line, "\n", 1);
			break;
		}
		while (p < end && (*p == ' ' || *p == '\t')) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if ((err = set(&cont, p, (size_t)((nl ? nl : end) - p))))
				goto done;
			p = nl ? nl + 1 : end;
			cont.ptr[0] = ' ';
			rtrim(&cont);
			if ((err = add(&line, cont.ptr, cont.len)))
				goto done;
		}
		if ((err = check_header(&mi, &line, mi.p_hdr, mi.p_set, 1)))
			goto done;
	}
	if (err)
		goto done;
	/* the body: the line that ended the header, then the rest */
	for (;;) {
		const char *nl;

		if ((err = body_line(&mi, &line)))
			goto done;
		if (mi.err || p >= end)
			break;
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((err = set(&line, p, (size_t)((nl ? nl + 1 : end) - p))))
			goto done;
		p = nl ? nl + 1 : end;
	}
	if ((err = flush_accum(&mi)))
		goto done;
	if (mi.err) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the mail header has %s",
		    mi.err);
		goto done;
	}
	if ((err = handle_info(&mi, &out)))
		goto done;
	if (mi.err) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the mail header has %s",
		    mi.err);
		goto done;
	}
	*info = dgit_buf_detach(&out, info_len);
	*msg = dgit_buf_detach(&mi.log, msg_len);
done:
	for (int i = 0; i < H_N; i++) {
		dgit_buf_release(&mi.p_hdr[i]);
		dgit_buf_release(&mi.s_hdr[i]);
	}
	dgit_buf_release(&mi.charset);
	dgit_buf_release(&mi.log);
	dgit_buf_release(&mi.accum);
	dgit_buf_release(&line);
	dgit_buf_release(&cont);
	dgit_buf_release(&out);
	return err;
}
