/*
 * dgit rpush's protocol, both ends (see dgit_rpush.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_buf.h"
#include "dgit_date.h"
#include "dgit_deb822.h"
#include "dgit_distro.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_history.h"
#include "dgit_push.h"
#include "dgit_rpush.h"
#include "dgit_run.h"
#include "dgit_sign.h"
#include "dgit_tag.h"
#include "dgit_version.h"

#define MAX_LINE 4096              /* a protocol line */
#define MAX_FILE (1u << 20)        /* a .dsc, .changes, tag, changelog */
#define MAX_BLOCK 999999           /* Perl dgit's 6-digit byte count */
#define MAX_PARAMS 32
#define MAX_PREVIOUSLY 16
#define MAX_BUILDINFOS 8

/* ---- the connection ---- */

struct conn {
	int in, out;
	int eof;                   /* the other end went away */
	char buf[65536];
	size_t start, end;
};

static const struct dgit_error *
fill(struct conn *c)
{
	ssize_t n;

	if (c->start == c->end)
		c->start = c->end = 0;
	do
		n = read(c->in, c->buf + c->end, sizeof c->buf - c->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return dgit_error_from_errno("connection lost");
	if (n == 0)
		c->eof = 1;
	if (n == 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "eof not expected");
	c->end += (size_t)n;
	return NULL;
}

/* One line, without its newline, NUL-terminated, into line[MAX_LINE]. */
static const struct dgit_error *
read_line(struct conn *c, char *line)
{
	const struct dgit_error *err;
	size_t n = 0;

	for (;;) {
		while (c->start < c->end) {
			char ch = c->buf[c->start++];

			if (ch == '\n') {
				line[n] = '\0';
				return NULL;
			}
			if (ch == '\0' || n + 1 >= MAX_LINE)
				return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
				    "violation; over-long or binary line not "
				    "expected");
			line[n++] = ch;
		}
		if ((err = fill(c)))
			return err;
	}
}

static const struct dgit_error *
read_bytes(struct conn *c, struct dgit_buf *b, size_t n)
{
	const struct dgit_error *err;

	while (n > 0) {
		size_t k;

		if (c->start == c->end && (err = fill(c)))
			return err;
		k = c->end - c->start;
		if (k > n)
			k = n;
		if ((err = dgit_buf_add(b, c->buf + c->start, k)))
			return err->code == DGIT_ERR_LIMIT ? dgit_error_fmt(
			    DGIT_ERR_LIMIT, "protocol violation; a file of "
			    "more than %u bytes not expected", MAX_FILE) : err;
		c->start += k;
		n -= k;
	}
	return NULL;
}

/* A byte count as Perl dgit writes it: 0, or 1-6 digits without a 0. */
static int
byte_count(size_t *n, const char *s)
{
	size_t v = 0, len = strlen(s);

	if (len == 0 || len > 6 || (s[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*n = v;
	return 0;
}

static const struct dgit_error *
bad(const char *what)
{
	return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; `%s' not "
	    "expected", what);
}

/* data-block NBYTES ... data-end, into *out (caller-owned, NUL added). */
static const struct dgit_error *
recv_data(char **out, size_t *len, struct conn *c)
{
	const struct dgit_error *err;
	struct dgit_buf b;
	char line[MAX_LINE];
	size_t n;

	*out = NULL;
	*len = 0;
	dgit_buf_init(&b, MAX_FILE);
	for (;;) {
		if ((err = read_line(c, line)))
			goto done;
		if (strcmp(line, "data-end") == 0)
			break;
		if (strncmp(line, "data-block ", 11) != 0) {
			err = bad(line);
			goto done;
		}
		if (byte_count(&n, line + 11) != 0) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; bad byte count");
			goto done;
		}
		if ((err = read_bytes(c, &b, n)))
			goto done;
	}
	if ((err = dgit_buf_addch(&b, '\0')))
		goto done;
	*out = dgit_buf_detach(&b, len);
	if (*out == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	else
		(*len)--;
done:
	dgit_buf_release(&b);
	return err;
}

static const struct dgit_error *
send_raw(struct conn *c, const void *p, size_t n)
{
	return dgit_fs_write_all(c->out, p, n, "the rpush connection");
}

static const struct dgit_error *
send_line(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const struct dgit_error *
send_line(struct conn *c, const char *fmt, ...)
{
	char line[MAX_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 1)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "protocol line too "
		    "long");
	line[n++] = '\n';
	return send_raw(c, line, (size_t)n);
}

static const struct dgit_error *
send_data(struct conn *c, const char *data, size_t len)
{
	const struct dgit_error *err;

	while (len > 0) {
		size_t k = len > 65536 ? 65536 : len;

		if ((err = send_line(c, "data-block %zu", k)) ||
		    (err = send_raw(c, data, k)))
			return err;
		data += k;
		len -= k;
	}
	return send_line(c, "data-end");
}

/* ---- shared ---- */

const struct dgit_error *
dgit_rpush_pick_version(int *vsn, const char *versions)
{
	static const int ours[] = { 6, 5, 4 };

	*vsn = 0;
	for (size_t k = 0; k < sizeof ours / sizeof ours[0]; k++) {
		const char *s = versions;

		while (s && *s) {
			size_t l = strcspn(s, ",");

			if (l == 1 && s[0] == '0' + ours[k]) {
				*vsn = ours[k];
				return NULL;
			}
			s += l;
			if (*s == ',')
				s++;
		}
	}
	return dgit_error_fmt(DGIT_ERR_USAGE, "build host has dgit rpush "
	    "protocol versions %s but invocation host has %s",
	    DGIT_RPUSH_VERSIONS, versions);
}

const struct dgit_error *
dgit_rpush_shell_quote(char **out, const char *s)
{
	struct dgit_buf b;
	const struct dgit_error *err = NULL;
	int safe = s[0] != '\0';

	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("!%+,-./:@_^", *p))
			safe = 0;
	dgit_buf_init(&b, 0);
	if (*out && (err = dgit_buf_adds(&b, *out)))
		goto done;
	if (*out && (err = dgit_buf_addch(&b, ' ')))
		goto done;
	if (safe)
		err = dgit_buf_adds(&b, s);
	else {
		err = dgit_buf_addch(&b, '\'');
		for (const char *p = s; *p && err == NULL; p++)
			err = *p == '\'' ? dgit_buf_adds(&b, "'\\''") :
			    dgit_buf_addch(&b, *p);
		if (err == NULL)
			err = dgit_buf_addch(&b, '\'');
	}
	if (err == NULL)
		err = dgit_buf_addch(&b, '\0');
	if (err)
		goto done;
	free(*out);
	*out = dgit_buf_detach(&b, NULL);
	if (*out == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	dgit_buf_release(&b);
	return err;
}

/* One entry of a .changes' or .dsc's file list. */
struct listed {
	char name[256];
	char md5[33], sha256[65];
	unsigned long long size;
};

static const struct dgit_error *changes_files(struct listed *l, size_t max,
    size_t *n, const struct dgit_deb822_para *p, const char *what);

/* ---- the responder ---- */

struct dgit_rpush_responder {
	struct conn c;
	int vsn;
	char verb[16];
};

const struct dgit_error *
dgit_rpush_responder_new(struct dgit_rpush_responder **out, int in,
    int outfd, const char *verb, const char *versions)
{
	const struct dgit_error *err;
	struct dgit_rpush_responder *r;
	int vsn;

	*out = NULL;
	if ((err = dgit_rpush_pick_version(&vsn, versions)))
		return err;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	r->c.in = in;
	r->c.out = outfd;
	r->vsn = vsn;
	snprintf(r->verb, sizeof r->verb, "%s", verb);
	if ((err = send_line(&r->c, "dgit-remote-%s-ready %d", verb, vsn))) {
		free(r);
		return err;
	}
	*out = r;
	return NULL;
}

void
dgit_rpush_responder_free(struct dgit_rpush_responder *r)
{
	free(r);
}

const struct dgit_error *
dgit_rpush_responder_complete(struct dgit_rpush_responder *r)
{
	return send_line(&r->c, "complete");
}

static const struct dgit_error *
send_file(struct conn *c, const char *keyword, const char *data, size_t len)
{
	const struct dgit_error *err;

	if ((err = send_line(c, "file %s", keyword)))
		return err;
	return send_data(c, data, len);
}

/* "want KEYWORD": n data streams, then files-end. */
static const struct dgit_error *
want(struct conn *c, const char *keyword, char **bufs, size_t *lens,
    int n)
{
	const struct dgit_error *err;
	char line[MAX_LINE];

	if ((err = send_line(c, "want %s", keyword)))
		return err;
	for (int i = 0; i < n; i++)
		if ((err = recv_data(&bufs[i], &lens[i], c)))
			return err;
	if ((err = read_line(c, line)))
		return err;
	if (strcmp(line, "files-end") != 0)
		return bad(line);
	return NULL;
}

/* push-built's .buildinfo files, which the signing host signs too. */
static const struct dgit_error *
send_buildinfos(struct dgit_rpush_responder *r,
    struct dgit_pushsource_signing *s)
{
	const struct dgit_error *err;
	struct dgit_deb822_para **cp = NULL;
	struct listed *l = NULL;
	char *data = NULL, path[4096];
	size_t ncp = 0, n = 0, len;

	if ((err = dgit_deb822_parse(&cp, &ncp, s->changes_text,
	    s->changes_len, s->changes_name)))
		return err;
	if (ncp != 1) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is not one "
		    "paragraph", s->changes_name);
		goto done;
	}
	if ((l = calloc(256, sizeof *l)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = changes_files(l, 256, &n, cp[0], s->changes_name)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		const char *name = l[i].name;
		size_t nl = strlen(name);

		if (nl < 10 || strcmp(name + nl - 10, ".buildinfo") != 0)
			continue;
		if (s->nextra >= 8) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' lists more "
			    "than 8 .buildinfo files", s->changes_name);
			goto done;
		}
		snprintf(path, sizeof path, "%s/%s", s->bpd, name);
		if ((err = dgit_fs_read_file(&data, &len, path, MAX_FILE)))
			goto done;
		if ((s->extra_name[s->nextra] = strdup(name)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		s->nextra++;
		if ((err = send_line(&r->c, "param buildinfo-filename %s",
		    name)) || (err = send_file(&r->c, "buildinfo", data, len)))
			goto done;
		free(data);
		data = NULL;
	}
done:
	dgit_deb822_paras_free(cp, ncp);
	free(l);
	free(data);
	return err;
}

const struct dgit_error *
dgit_rpush_responder_sign(void *arg, struct dgit_pushsource_signing *s)
{
	static const char *const parse_argv[] = { "dpkg-parsechangelog",
	    NULL };
	struct dgit_rpush_responder *r = arg;
	const struct dgit_error *err;
	char *clog = NULL, *dsc = NULL, *bufs[2];
	size_t clen, dlen, lens[2];

	if ((err = dgit_run_capture(&clog, &clen, parse_argv, NULL, 0)) ||
	    (err = dgit_fs_read_file(&dsc, &dlen, s->dsc_path, MAX_FILE)))
		goto done;
	if ((err = send_file(&r->c, "parsed-changelog", clog, clen)) ||
	    (err = send_file(&r->c, "dsc", dsc, dlen)) ||
	    (err = send_file(&r->c, "changes", s->changes_text,
	    s->changes_len)) ||
	    (err = send_line(&r->c, "param head %s", s->head)) ||
	    (err = send_line(&r->c, "param csuite %s", s->csuite)) ||
	    (err = send_line(&r->c, "param isuite %s", s->isuite)) ||
	    (err = send_line(&r->c, "param tagformat new")) ||
	    (err = send_line(&r->c, "param splitbrain %d", s->split)))
		goto done;
	if (s->split && (err = send_line(&r->c, "param maint-view %s",
	    s->maint_head)))
		goto done;
	if (strcmp(r->verb, "push") == 0 && (err = send_buildinfos(r, s)))
		goto done;
	memset(bufs, 0, sizeof bufs);
	err = want(&r->c, "signed-tag", bufs, lens, s->ntags);
	for (int i = 0; i < s->ntags; i++) {
		s->signed_tag[i] = bufs[i];
		s->signed_tag_len[i] = lens[i];
	}
	if (err)
		goto done;
	{
		char *fb[10];
		size_t fl[10];

		memset(fb, 0, sizeof fb);
		err = want(&r->c, "signed-dsc-changes", fb, fl,
		    2 + s->nextra);
		s->signed_dsc = fb[0];
		s->signed_dsc_len = fl[0];
		s->signed_changes = fb[1];
		s->signed_changes_len = fl[1];
		for (int i = 0; i < s->nextra; i++) {
			s->signed_extra[i] = fb[2 + i];
			s->signed_extra_len[i] = fl[2 + i];
		}
	}
done:
	free(clog);
	free(dsc);
	return err;
}

/* ---- the initiator ---- */

struct initiator {
	const struct dgit_rpush_initiator_opts *o;
	struct conn c;
	int vsn;
	char *supplementary;
	/* from the build host */
	char *clog, *dsc, *changes;
	size_t clog_len, dsc_len, changes_len;
	struct dgit_deb822_para **clogp;
	size_t nclogp;
	const char *package, *version, *clogsuite, *maintainer;
	int64_t time;
	int tz;
	char *dsc_name;
	char *param_key[MAX_PARAMS], *param_val[MAX_PARAMS];
	int nparams;
	struct dgit_tag_previously prev[MAX_PREVIOUSLY];
	int nprev;
	char *bi_name[MAX_BUILDINFOS], *bi[MAX_BUILDINFOS];
	size_t bi_len[MAX_BUILDINFOS];
	int nbi;
	int wanted_tag, wanted_files;
	/* ours */
	const char *distro, *nomdistro;
	char *reader_url;
	char *tag[2];
	int ntags;
	char *head;
};

static const char *
param(struct initiator *in, const char *key)
{
	for (int i = in->nparams - 1; i >= 0; i--)
		if (strcmp(in->param_key[i], key) == 0)
			return in->param_val[i];
	return NULL;
}

static const char *
keyid(struct initiator *in)
{
	const char *k = in->o->keyid;

	if (k == NULL && in->distro)
		k = dgit_config_get_distro(in->o->cfg, in->distro, "keyid");
	if (k == NULL)
		k = in->maintainer;
	return k;
}

static int
safe_name(const char *s)
{
	return s[0] != '\0' && s[0] != '.' && strchr(s, '/') == NULL &&
	    strpbrk(s, " \t\n") == NULL;
}

static const struct dgit_error *
got_changelog(struct initiator *in)
{
	const struct dgit_error *err;
	const char *date;
	char *nov = NULL;

	if ((err = dgit_deb822_parse(&in->clogp, &in->nclogp, in->clog,
	    in->clog_len, "the build host's parsed changelog")))
		return err;
	if (in->nclogp < 1)
		return dgit_error_fmt(DGIT_ERR_PARSE, "the build host's parsed "
		    "changelog is empty");
	in->package = dgit_deb822_get(in->clogp[0], "Source");
	in->version = dgit_deb822_get(in->clogp[0], "Version");
	in->clogsuite = dgit_deb822_get(in->clogp[0], "Distribution");
	in->maintainer = dgit_deb822_get(in->clogp[0], "Maintainer");
	date = dgit_deb822_get(in->clogp[0], "Date");
	if (!in->package || !in->version || !in->clogsuite ||
	    !in->maintainer || !date)
		return dgit_error_fmt(DGIT_ERR_PARSE, "the build host's parsed "
		    "changelog lacks Source, Version, Distribution, "
		    "Maintainer or Date");
	if (!dgit_tag_package_name_ok(in->package))
		return dgit_error_fmt(DGIT_ERR_PARSE, "the build host's "
		    "changelog names the bad package '%s'", in->package);
	if ((err = dgit_version_check(in->version)) ||
	    (err = dgit_date_parse(&in->time, &in->tz, date, 0,
	    "the build host's changelog Date")) ||
	    (err = dgit_version_noepoch(&nov, in->version)))
		return err;
	if (asprintf(&in->dsc_name, "%s_%s.dsc", in->package, nov) < 0)
		in->dsc_name = NULL;
	free(nov);
	if (in->dsc_name == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (!safe_name(in->dsc_name))
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "the build host's "
		    "changelog makes the unsafe file name '%s'", in->dsc_name);
	return NULL;
}

/* Keep a file from the build host in tmpdir too, as Perl dgit does. */
static const struct dgit_error *
keep(struct initiator *in, const char *name, const char *data, size_t len)
{
	char path[4096];

	if (!safe_name(name))
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "protocol "
		    "violation; unsafe file name '%s' not expected", name);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", in->o->tmpdir,
	    name) >= sizeof path)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "path too long");
	return dgit_fs_write_file_atomic(path, data, len, 0);
}

static const struct dgit_error *
resp_file(struct initiator *in, const char *keyword)
{
	const struct dgit_error *err;
	char *data;
	size_t len;

	if (strcmp(keyword, "parsed-changelog") == 0) {
		if (in->clog)
			return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; file %s twice", keyword);
		if ((err = recv_data(&in->clog, &in->clog_len, &in->c)) ||
		    (err = got_changelog(in)))
			return err;
		return keep(in, "remote-changelog.822", in->clog,
		    in->clog_len);
	}
	if (strcmp(keyword, "dsc") == 0 || strcmp(keyword, "changes") == 0) {
		int isdsc = keyword[0] == 'd';

		if (in->dsc_name == NULL)
			return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; %s (before parsed-changelog) not "
			    "expected", keyword);
		if (isdsc ? in->dsc != NULL : in->changes != NULL)
			return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; file %s twice", keyword);
		if ((err = recv_data(&data, &len, &in->c)))
			return err;
		if (isdsc) {
			in->dsc = data;
			in->dsc_len = len;
			return keep(in, in->dsc_name, data, len);
		}
		in->changes = data;
		in->changes_len = len;
		return NULL;
	}
	if (strcmp(keyword, "buildinfo") == 0) {
		const char *bi = param(in, "buildinfo-filename");
		size_t pl;

		if (bi == NULL || in->changes == NULL)
			return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; buildinfo before its filename or the "
			    "changes not expected");
		if (strcmp(in->o->verb, "push") != 0)
			return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
			    "violation; buildinfo file but verb is %s",
			    in->o->verb);
		pl = strlen(in->package);
		if (strncmp(bi, in->package, pl) != 0 || bi[pl] != '_' ||
		    strlen(bi) < 10 ||
		    strcmp(bi + strlen(bi) - 10, ".buildinfo") != 0 ||
		    !safe_name(bi))
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "protocol "
			    "violation; improper buildinfo filename '%s'", bi);
		for (int i = 0; i < in->nbi; i++)
			if (strcmp(in->bi_name[i], bi) == 0)
				return dgit_error_fmt(DGIT_ERR_PARSE, "protocol "
				    "violation; file %s twice", bi);
		if (in->nbi >= MAX_BUILDINFOS)
			return dgit_error_fmt(DGIT_ERR_LIMIT, "protocol "
			    "violation; more than %d buildinfo files",
			    MAX_BUILDINFOS);
		if ((in->bi_name[in->nbi] = strdup(bi)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		if ((err = recv_data(&in->bi[in->nbi], &in->bi_len[in->nbi],
		    &in->c)))
			return err;
		in->nbi++;
		return NULL;
	}
	return bad(keyword);
}

static const struct dgit_error *
resp_param(struct initiator *in, const char *rhs)
{
	const char *sp = rhs ? strchr(rhs, ' ') : NULL;

	if (sp == NULL || sp == rhs)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; bad "
		    "param spec");
	if (in->nparams >= MAX_PARAMS)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "protocol violation; "
		    "too many params");
	in->param_key[in->nparams] = strndup(rhs, (size_t)(sp - rhs));
	in->param_val[in->nparams] = strdup(sp + 1);
	if (!in->param_key[in->nparams] || !in->param_val[in->nparams]) {
		free(in->param_key[in->nparams]);
		free(in->param_val[in->nparams]);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	in->nparams++;
	return NULL;
}

static const struct dgit_error *
resp_previously(struct initiator *in, const char *rhs)
{
	const char *eq = rhs ? strchr(rhs, '=') : NULL;
	struct dgit_tag_previously *p;
	int valid = 0;
	char *ref;

	if (eq == NULL || strncmp(rhs, "refs/tags/", 10) != 0 ||
	    strlen(eq + 1) == 0 || strspn(eq + 1, "0123456789abcdef") !=
	    strlen(eq + 1))
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; bad "
		    "previously spec");
	if (in->nprev >= MAX_PREVIOUSLY)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "protocol violation; "
		    "too many previously specs");
	if ((ref = strndup(rhs, (size_t)(eq - rhs))) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (git_reference_name_is_valid(&valid, ref) != 0 || !valid ||
	    strpbrk(ref, " \t")) {
		free(ref);
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; bad "
		    "previously ref spec");
	}
	p = &in->prev[in->nprev];
	memset(p, 0, sizeof *p);
	p->ref = ref;
	if ((p->objid = strdup(eq + 1)) == NULL) {
		free(ref);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	in->nprev++;
	return NULL;
}

/* A suite name as dgit takes it: [-+.0-9a-z]+. */
static int
suite_ok(const char *s)
{
	return s && s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789"
	    "-+.") == strlen(s);
}

static int
hex_ok(const char *s)
{
	return s && strlen(s) == GIT_OID_HEXSZ &&
	    strspn(s, "0123456789abcdef") == GIT_OID_HEXSZ;
}


/*
 * The Files entries of a .changes (5 words: md5 size section priority
 * name) into l (up to max); *n their count.  Each name must be safe.
 */
static const struct dgit_error *
changes_files(struct listed *l, size_t max, size_t *n,
    const struct dgit_deb822_para *p, const char *what)
{
	const char *f = dgit_deb822_get(p, "Files"), *s;
	const char *sha = dgit_deb822_get(p, "Checksums-Sha256");

	*n = 0;
	if (f == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "%s has no Files field",
		    what);
	for (s = f; *s; ) {
		char w[5][256];
		size_t el = strcspn(s, "\n"), k = 0, i = 0;

		while (i < el && k < 5) {
			size_t wl;

			while (i < el && (s[i] == ' ' || s[i] == '\t'))
				i++;
			wl = 0;
			while (i < el && s[i] != ' ' && s[i] != '\t') {
				if (wl + 1 < sizeof w[k])
					w[k][wl++] = s[i];
				i++;
			}
			if (wl == 0)
				break;
			w[k++][wl] = '\0';
		}
		if (el > 0 && k != 5)
			return dgit_error_fmt(DGIT_ERR_PARSE, "%s has a bad "
			    "Files line", what);
		if (el > 0) {
			struct listed *e;
			char *end;

			if (*n >= max)
				return dgit_error_fmt(DGIT_ERR_LIMIT, "%s lists "
				    "too many files", what);
			e = &l[(*n)++];
			memset(e, 0, sizeof *e);
			if (!safe_name(w[4]) || strlen(w[4]) >= sizeof e->name)
				return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
				    "%s lists the unsafe file name '%s'; "
				    "nothing signed", what, w[4]);
			snprintf(e->name, sizeof e->name, "%s", w[4]);
			if (strlen(w[0]) != 32)
				return dgit_error_fmt(DGIT_ERR_PARSE, "%s has a "
				    "bad md5sum for '%s'", what, w[4]);
			memcpy(e->md5, w[0], 33);
			errno = 0;
			e->size = strtoull(w[1], &end, 10);
			if (errno || *end || !isdigit((unsigned char)w[1][0]))
				return dgit_error_fmt(DGIT_ERR_PARSE, "%s has a "
				    "bad size for '%s'", what, w[4]);
		}
		s += el;
		if (*s == '\n')
			s++;
	}
	/* the sha256 of each, where listed */
	for (s = sha ? sha : ""; *s; ) {
		size_t el = strcspn(s, "\n");
		char h[80], nm[256];
		int hl = 0, nl = 0;
		size_t i = 0;

		while (i < el && s[i] == ' ')
			i++;
		while (i < el && s[i] != ' ' && hl < 79)
			h[hl++] = s[i++];
		h[hl] = '\0';
		while (i < el && s[i] == ' ')
			i++;
		while (i < el && s[i] != ' ')
			i++;
		while (i < el && s[i] == ' ')
			i++;
		while (i < el && s[i] != ' ' && nl < 255)
			nm[nl++] = s[i++];
		nm[nl] = '\0';
		for (size_t j = 0; j < *n; j++)
			if (strcmp(l[j].name, nm) == 0 && hl == 64)
				memcpy(l[j].sha256, h, 65);
		s += el;
		if (*s == '\n')
			s++;
	}
	return NULL;
}

/* dgit's source-only test: .dsc, tarballs, .diff.gz, signatures,
 * _source.buildinfo. */
static int
source_only_file(const char *f)
{
	size_t l = strlen(f);
	const char *t;

	if (l > 4 && strcmp(f + l - 4, ".asc") == 0)
		return 1;
	if ((l > 4 && strcmp(f + l - 4, ".dsc") == 0) ||
	    (l > 8 && strcmp(f + l - 8, ".diff.gz") == 0) ||
	    (l > 17 && strcmp(f + l - 17, "_source.buildinfo") == 0))
		return 1;
	t = strstr(f, ".tar");
	return t != NULL && (t[4] == '\0' || t[4] == '.');
}

/*
 * A .buildinfo to sign: this package and version, none of the fields a
 * .buildinfo must not have, listed in the .changes with its size and
 * md5sum (dgit's files_compare_inputs).
 */
static const struct dgit_error *
check_buildinfo(struct initiator *in, int b, const struct listed *l,
    size_t n)
{
	static const char *const forbidden[] = { "Changes", "Changed-By",
	    "Distribution" };
	const struct dgit_error *err;
	struct dgit_deb822_para **bp = NULL;
	char *text = NULL, md5[33];
	size_t nbp = 0, tl, srcl;
	const char *src, *ver;
	int was_signed, found = 0;

	if ((err = dgit_push_unsigned_text(&text, &tl, &was_signed, in->bi[b],
	    in->bi_len[b], in->bi_name[b])) ||
	    (err = dgit_deb822_parse(&bp, &nbp, text, tl, in->bi_name[b])))
		goto done;
	src = nbp == 1 ? dgit_deb822_get(bp[0], "Source") : NULL;
	ver = nbp == 1 ? dgit_deb822_get(bp[0], "Version") : NULL;
	srcl = src ? strcspn(src, " ") : 0;
	if (src == NULL || ver == NULL || srcl != strlen(in->package) ||
	    strncmp(src, in->package, srcl) != 0 ||
	    strcmp(ver, in->version) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "buildinfo mismatch in "
		    "field Source or Version ('%s'); nothing signed",
		    in->bi_name[b]);
		goto done;
	}
	for (size_t k = 0; k < 3; k++)
		if (dgit_deb822_get(bp[0], forbidden[k])) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "buildinfo "
			    "contains forbidden field %s ('%s'); nothing "
			    "signed", forbidden[k], in->bi_name[b]);
			goto done;
		}
	if ((err = dgit_hash_buf_hex(md5, DGIT_HASH_MD5, in->bi[b],
	    in->bi_len[b])))
		goto done;
	for (size_t i = 0; i < n; i++)
		if (strcmp(l[i].name, in->bi_name[b]) == 0) {
			found = 1;
			if (l[i].size != in->bi_len[b] ||
			    strcmp(l[i].md5, md5) != 0)
				err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "remote "
				    "changes file lists '%s' with another size "
				    "or checksum; nothing signed",
				    in->bi_name[b]);
		}
	if (!found && err == NULL)
		err = dgit_error_fmt(DGIT_ERR_PARSE, "remote changes file does "
		    "not list '%s'; nothing signed", in->bi_name[b]);
done:
	dgit_deb822_paras_free(bp, nbp);
	free(text);
	return err;
}

/*
 * Everything checked before anything is signed: the .dsc is this
 * changelog's package and version and safe; the .changes agrees with the
 * changelog, lists only safe names, lists the .dsc with its size and
 * checksums, and is source-only for push-source.
 */
static const struct dgit_error *
check_files(struct initiator *in)
{
	const struct dgit_error *err;
	struct dgit_dsc *dsc = NULL;
	struct dgit_deb822_para **cp = NULL;
	struct listed *l = NULL;
	char *text = NULL, md5[33], sha256[65];
	size_t ncp = 0, n = 0, tl;
	int was_signed, found = 0;
	const char *v;

	if (in->dsc == NULL || in->changes == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "premature desire for signed-tag (no dsc or changes)");
	if ((err = dgit_dsc_parse(&dsc, in->dsc, in->dsc_len, in->dsc_name)))
		goto done;
	if (strcmp(dsc->source, in->package) != 0 ||
	    strcmp(dsc->version, in->version) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "%s is for %s %s but "
		    "debian/changelog is for %s %s", in->dsc_name, dsc->source,
		    dsc->version, in->package, in->version);
		goto done;
	}
	if ((err = dgit_push_unsigned_text(&text, &tl, &was_signed,
	    in->changes, in->changes_len, "remote changes file")) ||
	    (err = dgit_deb822_parse(&cp, &ncp, text, tl,
	    "remote changes file")))
		goto done;
	if (ncp != 1) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "remote changes file is "
		    "not one paragraph");
		goto done;
	}
	v = dgit_deb822_get(cp[0], "Source");
	if (v == NULL || strcmp(v, in->package) != 0 ||
	    (v = dgit_deb822_get(cp[0], "Version")) == NULL ||
	    strcmp(v, in->version) != 0 ||
	    (v = dgit_deb822_get(cp[0], "Distribution")) == NULL ||
	    strcmp(v, in->clogsuite) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "remote changes file's "
		    "Source, Version or Distribution does not match the "
		    "changelog (%s %s %s); nothing signed", in->package,
		    in->version, in->clogsuite);
		goto done;
	}
	if ((l = calloc(256, sizeof *l)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = changes_files(l, 256, &n, cp[0], "remote changes file")))
		goto done;
	if ((err = dgit_hash_buf_hex(md5, DGIT_HASH_MD5, in->dsc,
	    in->dsc_len)) ||
	    (err = dgit_hash_buf_hex(sha256, DGIT_HASH_SHA256, in->dsc,
	    in->dsc_len)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(in->o->verb, "push-source") == 0 &&
		    !source_only_file(l[i].name)) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "build-host-"
			    "supplied changes file is not source-only "
			    "('%s'); nothing signed", l[i].name);
			goto done;
		}
		if (strcmp(l[i].name, in->dsc_name) != 0)
			continue;
		found = 1;
		if (l[i].size != in->dsc_len || strcmp(l[i].md5, md5) != 0 ||
		    (l[i].sha256[0] && strcmp(l[i].sha256, sha256) != 0)) {
			err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "remote "
			    "changes file lists '%s' with another size or "
			    "checksum than the .dsc sent; nothing signed",
			    in->dsc_name);
			goto done;
		}
	}
	if (!found) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "remote changes file does "
		    "not list '%s'; nothing signed", in->dsc_name);
		goto done;
	}
	for (int b = 0; b < in->nbi && err == NULL; b++)
		err = check_buildinfo(in, b, l, n);
done:
	dgit_dsc_free(dsc);
	dgit_deb822_paras_free(cp, ncp);
	free(text);
	free(l);
	return err;
}

/* The distro, its nominal name and reader URL, from the suite. */
static const struct dgit_error *
find_distro(struct initiator *in, const char *isuite)
{
	const struct dgit_error *err;

	in->distro = in->o->distro ? in->o->distro :
	    dgit_config_suite_distro(in->o->cfg, isuite);
	in->distro = dgit_config_canon_distro(in->o->cfg, in->distro);
	in->nomdistro = dgit_config_get_distro(in->o->cfg, in->distro,
	    "nominal-distro");
	if (in->nomdistro == NULL)
		in->nomdistro = in->distro;
	if ((err = dgit_distro_server_git_url(&in->reader_url, in->o->cfg,
	    in->distro, in->package, 0)))
		return err;
	if (in->reader_url == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "distro '%s' has no dgit "
		    "git server; set dgit-distro.%s.git-url", in->distro,
		    in->distro);
	return NULL;
}

static int
is_quilt_format(struct initiator *in)
{
	struct dgit_dsc *dsc = NULL;
	int q = 0;

	if (dgit_dsc_parse(&dsc, in->dsc, in->dsc_len, in->dsc_name) == NULL)
		q = dsc->format == DGIT_FORMAT_3_0_QUILT;
	dgit_dsc_free(dsc);
	return q;
}

/* A tag object: its text and its signature, one data stream. */
static const struct dgit_error *
send_tag(struct initiator *in, const char *text, const char *sig)
{
	const struct dgit_error *err;
	struct dgit_buf b;

	dgit_buf_init(&b, 0);
	if ((err = dgit_buf_adds(&b, text)) == NULL &&
	    (err = dgit_buf_adds(&b, sig)) == NULL)
		err = send_data(&in->c, b.ptr, b.len);
	dgit_buf_release(&b);
	return err;
}

static const struct dgit_error *
want_signed_tag(struct initiator *in)
{
	const struct dgit_error *err;
	const char *csuite = param(in, "csuite"), *isuite, *mv, *sb;
	struct dgit_tag_info info;
	struct dgit_push_tag t;
	char *text = NULL, *sig = NULL;
	int split;

	in->head = (char *)param(in, "head");
	mv = param(in, "maint-view");
	sb = param(in, "splitbrain");
	isuite = param(in, "isuite") ? param(in, "isuite") : csuite;
	if (in->clog == NULL || !hex_ok(in->head) || !suite_ok(csuite) ||
	    !suite_ok(isuite) || (mv && !hex_ok(mv)))
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "premature desire for signed-tag");
	if (in->vsn == 4 && (param(in, "tagformat") == NULL ||
	    strcmp(param(in, "tagformat"), "new") != 0))
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "tag format mismatch: %s vs. new", param(in, "tagformat") ?
		    param(in, "tagformat") : "<undef>");
	split = in->vsn >= 6 ? (sb && strcmp(sb, "1") == 0) : -1;
	if (in->vsn >= 6 && (sb == NULL || (strcmp(sb, "0") != 0 &&
	    strcmp(sb, "1") != 0)))
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "bad or no splitbrain param");
	if ((err = check_files(in)) || (err = find_distro(in, isuite)) ||
	    (err = dgit_history_archive_tag(&in->tag[0], in->nomdistro,
	    in->version)) ||
	    (err = dgit_history_maint_tag(&in->tag[1], in->nomdistro,
	    in->version)))
		return err;
	in->ntags = 2;

	memset(&info, 0, sizeof info);
	info.package = (char *)in->package;
	info.version = (char *)in->version;
	info.clogsuite = (char *)in->clogsuite;
	info.csuite = (char *)csuite;
	info.distro = (char *)in->nomdistro;
	info.split = split;
	info.quilt = is_quilt_format(in) ? (char *)in->o->quilt : NULL;
	info.deliberately = (char **)in->o->deliberately;
	info.ndeliberately = in->o->ndeliberately;
	info.previously = in->prev;
	info.npreviously = (size_t)in->nprev;
	memset(&t, 0, sizeof t);
	t.tagger = in->maintainer;
	t.time = in->time;
	t.tz = in->tz;
	t.info = &info;
	for (int i = 0; i < in->ntags; i++) {
		const char *target = in->head;

		t.name = in->tag[i];
		if (i == 1 && mv) {
			target = mv;
			info.maint_quilt = (char *)in->o->quilt;
		}
		if (git_oid_fromstr(&t.target, target) != 0)
			return dgit_error_fmt(DGIT_ERR_PARSE, "bad commit '%s'",
			    target);
		if ((err = dgit_push_tag_text(&text, &t)))
			return err;
		if ((err = dgit_sign_detached(&sig, NULL, NULL, keyid(in),
		    text, strlen(text)))) {
			free(text);
			return dgit_error_wrap(err, "cannot sign tag '%s'",
			    in->tag[i]);
		}
		dgit_msg(in->o->info, in->o->info_arg, "signed tag %s",
		    in->tag[i]);
		err = send_tag(in, text, sig);
		free(text);
		free(sig);
		text = sig = NULL;
		if (err)
			return err;
	}
	return send_line(&in->c, "files-end");
}

/*
 * The .changes text with the entries for name in Files, Checksums-Sha1
 * and Checksums-Sha256 redone for the file now signed (as debsign does
 * after signing the .dsc).
 */
static const struct dgit_error *
changes_redo(char **out, size_t *outlen, const char *text, size_t len,
    const char *name, const char *data, size_t dlen)
{
	const struct dgit_error *err = NULL;
	char md5[33], sha1[41], sha256[65];
	struct dgit_buf b;
	int field = 0;             /* 1 Files, 2 Sha1, 3 Sha256 */
	size_t i = 0, nl = strlen(name);

	if ((err = dgit_hash_buf_hex(md5, DGIT_HASH_MD5, data, dlen)) ||
	    (err = dgit_hash_buf_hex(sha1, DGIT_HASH_SHA1, data, dlen)) ||
	    (err = dgit_hash_buf_hex(sha256, DGIT_HASH_SHA256, data, dlen)))
		return err;
	dgit_buf_init(&b, 2 * MAX_FILE);
	while (i < len && err == NULL) {
		size_t el = i, ll;
		const char *line = text + i;

		while (el < len && text[el] != '\n')
			el++;
		ll = el - i;
		if (ll > 0 && line[0] != ' ' && line[0] != '\t') {
			field = strncasecmp(line, "Files:", 6) == 0 ? 1 :
			    strncasecmp(line, "Checksums-Sha1:", 15) == 0 ? 2 :
			    strncasecmp(line, "Checksums-Sha256:", 17) == 0 ?
			    3 : 0;
		} else if (field && ll > nl + 1 && line[ll - nl - 1] == ' ' &&
		    memcmp(line + ll - nl, name, nl) == 0) {
			const char *rest = NULL;

			if (field == 1) {
				/* keep "section priority" */
				int words = 0;

				for (size_t k = 0; k < ll && words < 2; k++)
					if (line[k] != ' ' && (k == 0 ||
					    line[k - 1] == ' ') && ++words == 2)
						rest = line + k;
				if (rest)
					rest = memchr(rest, ' ',
					    (size_t)(line + ll - rest));
			}
			if (field == 1 && rest)
				err = dgit_buf_addf(&b, " %s %zu%.*s\n", md5,
				    dlen, (int)(line + ll - rest), rest);
			else if (field == 1)
				err = dgit_error_fmt(DGIT_ERR_PARSE, "remote "
				    "changes file has a bad Files line");
			else
				err = dgit_buf_addf(&b, " %s %zu %s\n",
				    field == 2 ? sha1 : sha256, dlen, name);
			i = el < len ? el + 1 : el;
			continue;
		}
		err = dgit_buf_add(&b, line, ll);
		if (err == NULL && el < len)
			err = dgit_buf_addch(&b, '\n');
		i = el < len ? el + 1 : el;
	}
	if (err == NULL) {
		*out = dgit_buf_detach(&b, outlen);
		if (*out == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
	}
	dgit_buf_release(&b);
	return err;
}

static const struct dgit_error *
want_signed_dsc_changes(struct initiator *in)
{
	const struct dgit_error *err;
	char *value = NULL, *dsc = NULL, *sdsc = NULL, *ch = NULL, *sch = NULL;
	char *unsigned_ch = NULL, *bitext = NULL, *sbi[MAX_BUILDINFOS];
	size_t dl, sdl, chl, schl, ul, btl, sbil[MAX_BUILDINFOS];
	int was_signed;

	memset(sbi, 0, sizeof sbi);

	if (in->tag[0] == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "signed-dsc-changes before signed-tag not expected");
	if (asprintf(&value, "%s %s %s %s", in->head, in->nomdistro,
	    in->tag[0], in->reader_url) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	if ((err = dgit_push_dsc_with_dgit(&dsc, &dl, in->dsc, in->dsc_len,
	    value, in->dsc_name)) ||
	    (err = dgit_sign_clear(&sdsc, &sdl, NULL, keyid(in), dsc, dl)))
		goto done;
	/* as debsign: the .buildinfo files, then the .changes listing
	 * them and the .dsc as signed */
	if ((err = dgit_push_unsigned_text(&unsigned_ch, &ul, &was_signed,
	    in->changes, in->changes_len, "remote changes file")))
		goto done;
	for (int i = 0; i < in->nbi; i++) {
		if ((err = dgit_push_unsigned_text(&bitext, &btl, &was_signed,
		    in->bi[i], in->bi_len[i], in->bi_name[i])) ||
		    (err = dgit_sign_clear(&sbi[i], &sbil[i], NULL, keyid(in),
		    bitext, btl)))
			goto done;
		free(bitext);
		bitext = NULL;
		free(ch);
		ch = NULL;
		if ((err = changes_redo(&ch, &chl, unsigned_ch, ul,
		    in->bi_name[i], sbi[i], sbil[i])))
			goto done;
		free(unsigned_ch);
		unsigned_ch = ch;
		ul = chl;
		ch = NULL;
	}
	if ((err = changes_redo(&ch, &chl, unsigned_ch, ul, in->dsc_name,
	    sdsc, sdl)) ||
	    (err = dgit_sign_clear(&sch, &schl, NULL, keyid(in), ch, chl)))
		goto done;
	dgit_msg(in->o->info, in->o->info_arg, "signed %s and the changes",
	    in->dsc_name);
	if ((err = send_data(&in->c, sdsc, sdl)) ||
	    (err = send_data(&in->c, sch, schl)))
		goto done;
	for (int i = 0; i < in->nbi; i++)
		if ((err = send_data(&in->c, sbi[i], sbil[i])))
			goto done;
	err = send_line(&in->c, "files-end");
done:
	free(value);
	free(dsc);
	free(sdsc);
	free(ch);
	free(sch);
	free(unsigned_ch);
	free(bitext);
	for (int i = 0; i < MAX_BUILDINFOS; i++)
		free(sbi[i]);
	return err;
}

static const struct dgit_error *
resp_want(struct initiator *in, const char *keyword)
{
	if (keyword && strcmp(keyword, "signed-tag") == 0 &&
	    !in->wanted_tag++)
		return want_signed_tag(in);
	if (keyword && strcmp(keyword, "signed-dsc-changes") == 0 &&
	    !in->wanted_files++)
		return want_signed_dsc_changes(in);
	return bad(keyword ? keyword : "want");
}

static const struct dgit_error *
resp_message(struct initiator *in, const char *rhs, int progress)
{
	const struct dgit_error *err;
	struct dgit_buf b;
	size_t n;

	if (rhs == NULL || byte_count(&n, rhs) != 0)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; bad "
		    "byte count");
	dgit_buf_init(&b, MAX_LINE * 4);
	if ((err = read_bytes(&in->c, &b, n)) == NULL &&
	    (err = dgit_buf_addch(&b, '\0')) == NULL) {
		for (char *p = b.ptr; *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
				*p = '?';
		if (progress) {
			if (b.len > 1 && b.ptr[b.len - 2] == '\n')
				b.ptr[b.len - 2] = '\0';
			dgit_msg(in->o->info, in->o->info_arg, "%s", b.ptr);
		} else {
			free(in->supplementary);
			in->supplementary = dgit_buf_detach(&b, NULL);
		}
	}
	dgit_buf_release(&b);
	return err;
}

static const struct dgit_error *
serve(struct initiator *in, int *complete)
{
	const struct dgit_error *err;
	char line[MAX_LINE], want[64];
	char *sp;

	snprintf(want, sizeof want, "dgit-remote-%s-ready ", in->o->verb);
	if ((err = read_line(&in->c, line)))
		return err;
	if (strncmp(line, want, strlen(want)) != 0)
		return bad(line);
	if ((in->vsn = atoi(line + strlen(want))) < 4 || in->vsn > 6 ||
	    strlen(line + strlen(want)) != 1)
		return dgit_error_fmt(DGIT_ERR_PARSE, "protocol violation; "
		    "version '%s' not offered", line + strlen(want));
	for (;;) {
		if ((err = read_line(&in->c, line)))
			return err;
		sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		if (strcmp(line, "progress") == 0 ||
		    strcmp(line, "supplementary-message") == 0)
			err = resp_message(in, sp, line[0] == 'p');
		else if (strcmp(line, "file") == 0 && sp)
			err = resp_file(in, sp);
		else if (strcmp(line, "param") == 0)
			err = resp_param(in, sp);
		else if (strcmp(line, "previously") == 0)
			err = resp_previously(in, sp);
		else if (strcmp(line, "want") == 0)
			err = resp_want(in, sp);
		else if (strcmp(line, "complete") == 0 && sp == NULL) {
			*complete = 1;
			return NULL;
		} else {
			if (sp)
				sp[-1] = ' ';
			err = bad(line);
		}
		if (err)
			return err;
	}
}

const struct dgit_error *
dgit_rpush_initiate(const struct dgit_rpush_initiator_opts *o)
{
	const struct dgit_error *err, *werr;
	struct dgit_run_child *child = NULL;
	struct initiator *in;
	int to = -1, from = -1, complete = 0;

	if ((in = calloc(1, sizeof *in)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	in->o = o;
	if ((err = dgit_run_spawn(&child, &to, &from, o->argv, NULL)))
		goto done;
	in->c.in = from;
	in->c.out = to;
	err = serve(in, &complete);
	close(to);
	close(from);
	to = from = -1;
	/* at eof the build host has failed (and said why): wait for it */
	werr = dgit_run_child_wait(child, !complete && err != NULL &&
	    !in->c.eof);
	child = NULL;
	if ((err == NULL || in->c.eof) && werr)
		err = dgit_error_wrap(werr, "build host child failed");
	if (err && in->supplementary)
		err = dgit_error_fmt(err->code, "%s\n%s", err->msg,
		    in->supplementary);
done:
	if (to >= 0)
		close(to);
	if (from >= 0)
		close(from);
	free(in->supplementary);
	free(in->clog);
	free(in->dsc);
	free(in->changes);
	dgit_deb822_paras_free(in->clogp, in->nclogp);
	free(in->dsc_name);
	for (int i = 0; i < in->nparams; i++) {
		free(in->param_key[i]);
		free(in->param_val[i]);
	}
	for (int i = 0; i < in->nprev; i++) {
		free(in->prev[i].ref);
		free(in->prev[i].objid);
	}
	for (int i = 0; i < in->nbi; i++) {
		free(in->bi_name[i]);
		free(in->bi[i]);
	}
	free(in->reader_url);
	free(in->tag[0]);
	free(in->tag[1]);
	free(in);
	return err;
}
