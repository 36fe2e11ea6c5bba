/*
 * deb822 and clearsigned parsing.  Expected values are written from
 * deb822(5) and RFC 4880 section 7 by hand; the signed fixture's expected
 * text is what `gpg --decrypt` printed for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_deb822.h"
#include "dgit_error.h"
#include "unit.h"

/* A paragraph list as text: "@LINE\nName=value\n" with '\n' in values
 * written as "\\n". */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
			abort();
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void
dump_para(struct sbuf *b, const struct dgit_deb822_para *p)
{
	char num[32];
	size_t i;

	snprintf(num, sizeof num, "@%zu\n", dgit_deb822_line(p));
	sb_add(b, num);
	for (i = 0; i < dgit_deb822_nfields(p); i++) {
		const char *v = dgit_deb822_field_value(p, i);
		sb_add(b, dgit_deb822_field_name(p, i));
		sb_add(b, "=");
		for (; *v; v++) {
			char c[2] = { *v, 0 };
			sb_add(b, *v == '\n' ? "\\n" : c);
		}
		sb_add(b, "\n");
	}
}

static const struct {
	const char *in, *want;
} good[] = {
	{ "", "" },
	{ "\n\n  \n", "" },
	{ "A: b\n", "@1\nA=b\n" },
	{ "A: b", "@1\nA=b\n" },                      /* no final newline */
	{ "A:b\n", "@1\nA=b\n" },
	{ "A:   b  \t \n", "@1\nA=b\n" },
	{ "A:\n", "@1\nA=\n" },
	{ "A :  b\n", "@1\nA=b\n" },                  /* dpkg accepts */
	{ "Name: v: w\n", "@1\nName=v: w\n" },       /* only the first ':' */
	{ "A: b\nC: d\n\nE: f\n", "@1\nA=b\nC=d\n@4\nE=f\n" },
	{ "\n\nA: b\n\n\n\nC: d\n\n\n", "@3\nA=b\n@7\nC=d\n" },
	{ "A: b\n \t \nC: d\n", "@1\nA=b\n@3\nC=d\n" }, /* blank-ish line */
	{ "Files:\n abc 1 x\n def 2 y\n",
	  "@1\nFiles=\\nabc 1 x\\ndef 2 y\n" },
	{ "D: short\n long  \n .\n \tmore\n",
	  "@1\nD=short\\nlong\\n.\\nmore\n" },
	{ "# comment\nA: b\n# c2\n x\nB: c\n", "@2\nA=b\\nx\nB=c\n" },
	{ "A: b\r\nC: d\r\n\r\nE: f\r\n", "@1\nA=b\nC=d\n@4\nE=f\n" },
	{ "A: b\r\n c\r\n", "@1\nA=b\\nc\n" },
	{ "X-Foo_bar.baz~!: 1\n", "@1\nX-Foo_bar.baz~!=1\n" },
	{ "a: 1\nB: 2\n", "@1\na=1\nB=2\n" },
	{ "A: caf\xc3\xa9\n", "@1\nA=caf\xc3\xa9\n" },    /* UTF-8 values */
	{ "Source: hello\nBinary: hello\nVersion: 2.10-3\n"
	  "Checksums-Sha256:\n"
	  " 31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b "
	  "725946 hello_2.10.orig.tar.gz\n",
	  "@1\nSource=hello\nBinary=hello\nVersion=2.10-3\n"
	  "Checksums-Sha256=\\n31e066137a962676e89f69d1b65382de95a7ef7d914b8cb"
	  "956f41ea72e0f516b 725946 hello_2.10.orig.tar.gz\n" },
};

static const struct {
	const char *in;
	enum dgit_error_code code;
	const char *msg;                       /* substring of the message */
} bad[] = {
	{ " x\n", DGIT_ERR_PARSE, "'t' line 1: continuation line outside" },
	{ "A: b\n\n c\n", DGIT_ERR_PARSE, "line 3: continuation" },
	{ "A: b\nnocolon\n", DGIT_ERR_PARSE, "'t' line 2: line is not" },
	{ ": v\n", DGIT_ERR_PARSE, "line 1: empty field name" },
	{ "A B: v\n", DGIT_ERR_PARSE, "line 1: field name contains" },
	{ "-A: v\n", DGIT_ERR_PARSE, "starts with '-'" },
	{ "A\x01: v\n", DGIT_ERR_PARSE, "field name contains" },
	{ "\xc3\xa9: v\n", DGIT_ERR_PARSE, "field name contains" },
	{ "A: 1\nB: 2\na: 3\n", DGIT_ERR_PARSE,
	  "'t' line 3: duplicate field 'a' (first at line 1)" },
	{ "A: 1\n\nB: 2\n c\nB: 3\n", DGIT_ERR_PARSE,
	  "line 5: duplicate field 'B' (first at line 3)" },
	{ "A: b\0c\n", DGIT_ERR_PARSE, "line 1: line contains a NUL" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n",
	  DGIT_ERR_PARSE, "line 1: unexpected OpenPGP armor" },
};

/* The length of a bad[] input: one has an embedded NUL. */
static size_t
bad_len(const char *s)
{
	size_t n = strlen(s);

	if (strcmp(s, "A: b") == 0)
		n = sizeof "A: b\0c\n" - 1;
	return n;
}

struct collect {
	struct sbuf sb;
	size_t count, stop_after;
};

static const struct dgit_error *
collect_cb(const struct dgit_deb822_para *p, void *arg)
{
	struct collect *c = arg;

	dump_para(&c->sb, p);
	if (++c->count == c->stop_after)
		return dgit_error_fmt(DGIT_ERR_CANCELLED, "stop");
	return NULL;
}

/* Parse with the stream interface in chunks of size chunk. */
static const struct dgit_error *
stream_parse(struct collect *c, const char *in, size_t len, size_t chunk)
{
	struct dgit_deb822_stream *s;
	const struct dgit_error *err;
	size_t pos;

	if ((err = dgit_deb822_stream_new(&s, "t", collect_cb, c)) != NULL)
		return err;
	for (pos = 0; pos < len; pos += chunk) {
		size_t n = len - pos < chunk ? len - pos : chunk;
		if ((err = dgit_deb822_stream_feed(s, in + pos, n)) != NULL)
			goto done;
	}
	err = dgit_deb822_stream_finish(s);
done:
	dgit_deb822_stream_free(s);
	return err;
}

static void
test_good(void)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64, 100000 };
	size_t i, j, k, n;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct dgit_deb822_para **p;
		const struct dgit_error *err;
		struct sbuf sb = { 0 };

		err = dgit_deb822_parse(&p, &n, good[i].in,
		    strlen(good[i].in), "t");
		if (!unit_ok(err == NULL, "good[%zu] parses", i)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		sb_add(&sb, "");
		for (k = 0; k < n; k++)
			dump_para(&sb, p[k]);
		UNIT_STREQ(sb.s, good[i].want, "good[%zu] fields", i);
		free(sb.s);
		dgit_deb822_paras_free(p, n);

		for (j = 0; j < sizeof chunks / sizeof chunks[0]; j++) {
			struct collect c = { { 0 }, 0, 0 };
			sb_add(&c.sb, "");
			err = stream_parse(&c, good[i].in, strlen(good[i].in),
			    chunks[j]);
			unit_ok(err == NULL && strcmp(c.sb.s, good[i].want) == 0,
			    "good[%zu] streamed in chunks of %zu", i, chunks[j]);
			free(c.sb.s);
		}
	}
}

static void
test_bad(void)
{
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct dgit_deb822_para **p;
		const struct dgit_error *err;
		struct collect c = { { 0 }, 0, 0 };
		size_t len = bad_len(bad[i].in);

		err = dgit_deb822_parse(&p, &n, bad[i].in, len, "t");
		if (!unit_ok(err != NULL && err->code == bad[i].code &&
		    strstr(err->msg, bad[i].msg) != NULL,
		    "bad[%zu] fails with '%s'", i, bad[i].msg)) {
			unit_diag("  got %s", err ? err->msg : "success");
			if (!err)
				dgit_deb822_paras_free(p, n);
			continue;
		}
		unit_ok(p == NULL && n == 0, "bad[%zu] leaves out empty", i);
		sb_add(&c.sb, "");
		err = stream_parse(&c, bad[i].in, len, 3);
		unit_ok(err != NULL && err->code == bad[i].code &&
		    strstr(err->msg, bad[i].msg) != NULL,
		    "bad[%zu] fails streamed", i);
		free(c.sb.s);
	}
}

static void
test_access(void)
{
	const char *in = "Source: hello\nVERSION: 1.0-1\nFiles:\n a 1 b\n";
	struct dgit_deb822_para **p;
	size_t n;

	if (!unit_ok(dgit_deb822_parse(&p, &n, in, strlen(in), "t") == NULL &&
	    n == 1, "access: parses"))
		return;
	UNIT_STREQ(dgit_deb822_get(p[0], "source"), "hello", "get folds case");
	UNIT_STREQ(dgit_deb822_get(p[0], "Version"), "1.0-1",
	    "get folds case of the stored name");
	UNIT_STREQ(dgit_deb822_field_name(p[0], 1), "VERSION",
	    "name kept as written");
	unit_ok(dgit_deb822_get(p[0], "Sourc") == NULL, "no prefix match");
	unit_ok(dgit_deb822_get(p[0], "Missing") == NULL, "missing is NULL");
	unit_ok(dgit_deb822_field_name(p[0], 3) == NULL, "index past end");
	dgit_deb822_paras_free(p, n);
}

static void
test_stream_limits(void)
{
	struct collect c = { { 0 }, 0, 2 };
	const char *in = "A: 1\n\nB: 2\n\nC: 3\n";
	const struct dgit_error *err;
	struct dgit_deb822_stream *s;
	size_t big = (size_t)17 << 20, i;
	char *buf;

	/* a callback's error stops parsing and is returned */
	sb_add(&c.sb, "");
	err = stream_parse(&c, in, strlen(in), 1);
	unit_ok(err != NULL && err->code == DGIT_ERR_CANCELLED &&
	    c.count == 2, "callback error stops the stream");
	free(c.sb.s);

	/* after an error, the stream keeps returning it */
	c = (struct collect){ { 0 }, 0, 0 };
	if (dgit_deb822_stream_new(&s, "t", collect_cb, &c) == NULL) {
		const struct dgit_error *e2;
		err = dgit_deb822_stream_feed(s, "A: 1\nA: 2\n", 10);
		e2 = dgit_deb822_stream_feed(s, "B: 1\n", 5);
		unit_ok(err != NULL && e2 != NULL && e2->code == DGIT_ERR_PARSE &&
		    strstr(e2->msg, "line 2: duplicate field 'A'") != NULL,
		    "feed after an error repeats it");
		e2 = dgit_deb822_stream_finish(s);
		unit_ok(e2 != NULL && e2->code == DGIT_ERR_PARSE &&
		    strstr(e2->msg, "duplicate") != NULL && c.count == 0,
		    "finish after an error repeats it");
		dgit_deb822_stream_free(s);
	}

	/* a paragraph over 16 MiB (17 MiB input), in many short lines */
	buf = malloc(big);
	if (buf == NULL)
		abort();
	memcpy(buf, "A: x\n", 5);
	for (i = 5; i + 2 <= big; i += 2)
		memcpy(buf + i, " y", 2);
	for (i = 5 + 63; i < big; i += 64)
		buf[i] = '\n';
	c = (struct collect){ { 0 }, 0, 0 };
	sb_add(&c.sb, "");
	err = stream_parse(&c, buf, big, 65536);
	unit_ok(err != NULL && err->code == DGIT_ERR_LIMIT,
	    "paragraph over 16 MiB is refused");
	free(c.sb.s);

	/* one line over 16 MiB, fed in pieces */
	memset(buf + 4, 'y', big - 4);
	unit_ok(dgit_deb822_stream_new(&s, "t", collect_cb, &c) == NULL,
	    "stream_new");
	err = NULL;
	for (i = 0; i < big && err == NULL; i += 1 << 20)
		err = dgit_deb822_stream_feed(s, buf + i,
		    big - i < (1 << 20) ? big - i : 1 << 20);
	if (err == NULL)
		err = dgit_deb822_stream_finish(s);
	unit_ok(err != NULL && err->code == DGIT_ERR_LIMIT,
	    "line over 16 MiB is refused");
	dgit_deb822_stream_free(s);

	/* just under the cap is fine, and the whole-buffer parser agrees */
	c = (struct collect){ { 0 }, 0, 0 };
	sb_add(&c.sb, "");
	err = stream_parse(&c, buf, ((size_t)16 << 20) - 100, 1 << 20);
	if (!unit_ok(err == NULL && c.count == 1,
	    "15.99 MiB paragraph is fine"))
		unit_diag("  %s", err ? err->msg : "no paragraph");
	free(c.sb.s);
	free(buf);
}

/*
 * Clearsigned messages.  SIGNED was made once with
 *   gpg --quick-gen-key 'dgit test throwaway <throwaway@example.org>'
 *       ed25519 sign never  (a throwaway key, since discarded)
 *   gpg --clearsign --digest-algo SHA256
 * and GPG_TEXT is what `gpg --decrypt` printed for it: the signed text
 * followed by a newline.
 */
static const char SIGNED[] =
"-----BEGIN PGP SIGNED MESSAGE-----\n"
"Hash: SHA256\n"
"\n"
"Format: 3.0 (quilt)\n"
"Source: hello\n"
"- - dashed line\n"
"- -----BEGIN PGP SIGNATURE-----\n"
"- From the start\n"
"trailing spaces   \n"
"\n"
"-----BEGIN PGP SIGNATURE-----\n"
"\n"
"iHUEARYIAB0WIQQ7e/OVyImYUCNR95cJ+UJGglTzoQUCawP9OAAKCRAJ+UJGglTz\n"
"oRnXAP9c3Ph4CaOM5VrKVAXeLqB/bbQiB08/lsIhRpvwkluBnAEApWKfyVAbvmWc\n"
"ZlwOZjwGOWWij+eGVDjJib4/o5H0awE=\n"
"=0paf\n"
"-----END PGP SIGNATURE-----\n";
static const char GPG_TEXT[] =
"Format: 3.0 (quilt)\n"
"Source: hello\n"
"- dashed line\n"
"-----BEGIN PGP SIGNATURE-----\n"
"From the start\n"
"trailing spaces\n"
"\n";

static char *
to_crlf(const char *s)
{
	char *r = malloc(2 * strlen(s) + 1), *t = r;

	if (r == NULL)
		abort();
	for (; *s; s++) {
		if (*s == '\n')
			*t++ = '\r';
		*t++ = *s;
	}
	*t = '\0';
	return r;
}

static void
test_signed_fixture(void)
{
	struct dgit_clearsigned *cs;
	const struct dgit_error *err;
	const char *sig = strstr(SIGNED, "\n-----BEGIN PGP SIGNATURE") + 1;
	char *crlf, *want_crlf;
	size_t n;

	err = dgit_clearsigned_split(&cs, SIGNED, strlen(SIGNED), "m.asc");
	if (!unit_ok(err == NULL, "signed fixture splits")) {
		unit_diag("  %s", err->msg);
		return;
	}
	n = strlen(GPG_TEXT) - 1;
	unit_ok(cs->text_len == n && memcmp(cs->text, GPG_TEXT, n) == 0 &&
	    cs->text[n] == '\0', "text is gpg's output less its final newline");
	UNIT_STREQ(cs->hash, "SHA256", "hash header");
	UNIT_STREQ(cs->signature, sig, "signature block");
	unit_ok(cs->signature_len == strlen(sig), "signature length");
	dgit_clearsigned_free(cs);

	/* gpg verifies the CRLF form too and prints it with CRLF endings */
	crlf = to_crlf(SIGNED);
	want_crlf = to_crlf(GPG_TEXT);
	err = dgit_clearsigned_split(&cs, crlf, strlen(crlf), "m.asc");
	if (unit_ok(err == NULL, "CRLF signed fixture splits")) {
		n = strlen(want_crlf) - 2;
		unit_ok(cs->text_len == n &&
		    memcmp(cs->text, want_crlf, n) == 0,
		    "CRLF text keeps CRLF, loses the last one");
		UNIT_STREQ(cs->signature,
		    strstr(crlf, "\n-----BEGIN PGP SIGNATURE") + 1,
		    "CRLF signature block");
		dgit_clearsigned_free(cs);
	}
	free(crlf);
	free(want_crlf);
}

#define SIGBLOCK "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n=abcd\n" \
	"-----END PGP SIGNATURE-----\n"
#define HDR "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"

static const struct {
	const char *in, *text, *hash;
} cs_good[] = {
	{ HDR "A: b\n" SIGBLOCK, "A: b", "SHA256" },
	{ HDR "A: b\n\n" SIGBLOCK, "A: b\n", "SHA256" },
	{ HDR SIGBLOCK, "", "SHA256" },
	{ "\n\n" HDR "A: b\n" SIGBLOCK "\n\n", "A: b", "SHA256" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\n\nx\n" SIGBLOCK, "x", NULL },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\nHash: SHA256\n\nx\n"
	  SIGBLOCK, "x", "SHA1,SHA256" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----  \nHash: SHA512\n  \nx\n"
	  SIGBLOCK, "x", "SHA512" },
	{ HDR "- -\n- x\n-  y\n" SIGBLOCK, "-\nx\n y", "SHA256" },
	{ HDR "a\t \nb" "\n" SIGBLOCK, "a\nb", "SHA256" },
	{ HDR "x\n" "-----BEGIN PGP SIGNATURE-----\nAAAA\n"
	  "-----END PGP SIGNATURE-----", "x", "SHA256" },   /* no final \n */
};

static const struct {
	const char *in;
	enum dgit_error_code code;
	const char *msg;
} cs_bad[] = {
	{ "", DGIT_ERR_BAD_SIGNATURE, "'m' is not signed" },
	{ "A: b\n", DGIT_ERR_BAD_SIGNATURE, "is not signed" },
	{ "\n\nSource: x\n\n", DGIT_ERR_BAD_SIGNATURE, "is not signed" },
	{ "junk\n" HDR "x\n" SIGBLOCK, DGIT_ERR_PARSE,
	  "'m' line 1: text before" },
	{ HDR "x\n" SIGBLOCK "junk\n", DGIT_ERR_PARSE,
	  "line 10: text after the OpenPGP signature" },
	{ HDR "x\n" SIGBLOCK "\n" HDR "y\n" SIGBLOCK, DGIT_ERR_PARSE,
	  "line 11: a second signed message" },
	{ HDR "x\n" "-----BEGIN PGP SIGNATURE-----\nAAAA\n", DGIT_ERR_PARSE,
	  "no '-----END PGP SIGNATURE-----' line" },
	{ HDR "x\ny\n", DGIT_ERR_PARSE, "no '-----BEGIN PGP SIGNATURE-----'" },
	{ HDR "-x\n" SIGBLOCK, DGIT_ERR_PARSE, "line 4: line starting with '-'" },
	{ HDR "-\n" SIGBLOCK, DGIT_ERR_PARSE, "not dash-escaped" },
	{ HDR "-----BEGIN PGP SIGNED MESSAGE-----\n" SIGBLOCK, DGIT_ERR_PARSE,
	  "not dash-escaped" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nComment: hi\n\n"
	  "x\n" SIGBLOCK, DGIT_ERR_PARSE, "line 3: unexpected OpenPGP armor" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash:\n\nx\n" SIGBLOCK,
	  DGIT_ERR_PARSE, "empty 'Hash'" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n", DGIT_ERR_PARSE,
	  "end of file in the OpenPGP armor headers" },
	{ "-----BEGIN PGP SIGNED MESSAGE-----x\n\nx\n" SIGBLOCK,
	  DGIT_ERR_BAD_SIGNATURE, "not signed" },
};

static void
test_clearsigned_tables(void)
{
	size_t i;

	for (i = 0; i < sizeof cs_good / sizeof cs_good[0]; i++) {
		struct dgit_clearsigned *cs;
		const struct dgit_error *err;
		const char *sig;

		err = dgit_clearsigned_split(&cs, cs_good[i].in,
		    strlen(cs_good[i].in), "m");
		if (!unit_ok(err == NULL, "cs_good[%zu] splits", i)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		UNIT_STREQ(cs->text, cs_good[i].text, "cs_good[%zu] text", i);
		unit_ok(cs->text_len == strlen(cs_good[i].text),
		    "cs_good[%zu] text_len", i);
		if (cs_good[i].hash)
			UNIT_STREQ(cs->hash, cs_good[i].hash,
			    "cs_good[%zu] hash", i);
		else
			unit_ok(cs->hash == NULL, "cs_good[%zu] no hash", i);
		sig = strstr(cs_good[i].in, "-----BEGIN PGP SIGNATURE");
		unit_ok(cs->signature_len <= strlen(sig) &&
		    strncmp(cs->signature, sig, cs->signature_len) == 0 &&
		    strstr(cs->signature, "-----END PGP SIGNATURE-----") != NULL,
		    "cs_good[%zu] signature", i);
		dgit_clearsigned_free(cs);
	}
	for (i = 0; i < sizeof cs_bad / sizeof cs_bad[0]; i++) {
		struct dgit_clearsigned *cs = (void *)1;
		const struct dgit_error *err;

		err = dgit_clearsigned_split(&cs, cs_bad[i].in,
		    strlen(cs_bad[i].in), "m");
		if (!unit_ok(err != NULL && err->code == cs_bad[i].code &&
		    strstr(err->msg, cs_bad[i].msg) != NULL && cs == NULL,
		    "cs_bad[%zu] fails with '%s'", i, cs_bad[i].msg)) {
			unit_diag("  got %s", err ? err->msg : "success");
			if (!err)
				dgit_clearsigned_free(cs);
		}
	}
}

int
main(void)
{
	test_good();
	test_bad();
	test_access();
	test_stream_limits();
	test_signed_fixture();
	test_clearsigned_tables();
	return unit_done();
}
