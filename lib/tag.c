/* dgit's tag messages and signed tag objects (dgit_tag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_error.h"
#include "dgit_tag.h"
#include "dgit_version.h"

#define SIG_START "-----BEGIN PGP SIGNATURE-----"

static int
is_pkgchar(char c, int first)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
		return 1;
	return !first && (c == '-' || c == '+' || c == '.');
}

int
dgit_tag_package_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || !is_pkgchar(s[0], 1) || s[1] == '\0')
		return 0;
	for (i = 1; s[i]; i++)
		if (!is_pkgchar(s[i], 0))
			return 0;
	return i <= 256;
}

static int
is_hex_id(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 40 || i == 64;
}

/* A printable, quotable copy of s[0, n) for messages. */
static const char *
shown(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 4 < dstlen; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (i < n) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
	return dst;
}

void
dgit_tag_info_release(struct dgit_tag_info *info)
{
	size_t i;

	if (info == NULL)
		return;
	free(info->package);
	free(info->version);
	free(info->clogsuite);
	free(info->csuite);
	free(info->distro);
	free(info->quilt);
	free(info->maint_quilt);
	for (i = 0; i < info->ndeliberately; i++)
		free(info->deliberately[i]);
	free(info->deliberately);
	for (i = 0; i < info->npreviously; i++) {
		free(info->previously[i].ref);
		free(info->previously[i].objid);
	}
	free(info->previously);
	memset(info, 0, sizeof *info);
	info->split = -1;
}

/* Split "WORD" off *p up to the first of stop (or the end); NULL if none. */
static char *
take_word(const char **p, const char *end, char stop)
{
	const char *s = *p, *e = s;
	char *w;

	while (e < end && *e != stop && *e != ' ')
		e++;
	if (e == s || e == end || *e != stop)
		return NULL;
	w = strndup(s, (size_t)(e - s));
	*p = e + 1;
	return w;
}

/* The headline "PKG release VERSION for CLOGSUITE (CSUITE) [dgit]". */
static const struct dgit_error *
parse_headline(struct dgit_tag_info *info, const char *l, size_t n)
{
	const char *p = l, *end = l + n;
	const struct dgit_error *err;
	char show[128];
	size_t cl;

	info->package = take_word(&p, end, ' ');
	if (info->package == NULL || end - p < 8 ||
	    memcmp(p, "release ", 8) != 0)
		goto bad;
	p += 8;
	info->version = take_word(&p, end, ' ');
	if (info->version == NULL || end - p < 4 || memcmp(p, "for ", 4) != 0)
		goto bad;
	p += 4;
	info->clogsuite = take_word(&p, end, ' ');
	if (info->clogsuite == NULL || p >= end || *p != '(')
		goto bad;
	p++;
	info->csuite = take_word(&p, end, ')');
	if (info->csuite == NULL)
		goto bad;
	cl = (size_t)(end - p);
	if (cl != 7 || memcmp(p, " [dgit]", 7) != 0)
		goto bad;
	if (!dgit_tag_package_name_ok(info->package))
		return dgit_error_fmt(DGIT_ERR_PARSE, "tag message names an "
		    "invalid package '%s'", shown(show, sizeof show,
		    info->package, strlen(info->package)));
	err = dgit_version_check(info->version);
	if (err)
		return dgit_error_wrap(err, "tag message");
	return NULL;
bad:
	return dgit_error_fmt(DGIT_ERR_PARSE, "tag message headline '%s' is "
	    "not in dgit's format 'PACKAGE release VERSION for SUITE (SUITE) "
	    "[dgit]'", shown(show, sizeof show, l, n));
}

static const struct dgit_error *
add_str(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);

	if (nv == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	*v = nv;
	nv[*n] = strndup(s, len);
	if (nv[*n] == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	(*n)++;
	return NULL;
}

static const struct dgit_error *
parse_item(struct dgit_tag_info *info, const char *it, size_t n)
{
	char show[128];
	char *item = NULL;
	const struct dgit_error *err = NULL;
	struct dgit_tag_previously *np;
	char *eq;
	size_t i;

	item = strndup(it, n);
	if (item == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (strncmp(item, "distro=", 7) == 0) {
		if (info->distro) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "tag message "
			    "gives distro= twice");
			goto done;
		}
		if (item[7] == '\0') {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "tag message "
			    "has an empty distro=");
			goto done;
		}
		info->distro = strdup(item + 7);
		if (info->distro == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
	} else if (strncmp(item, "previously:", 11) == 0) {
		eq = strchr(item + 11, '=');
		if (eq == NULL || eq == item + 11 || !is_hex_id(eq + 1)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "tag message item "
			    "'%s' is not previously:REF=OBJECTID",
			    shown(show, sizeof show, it, n));
			goto done;
		}
		*eq = '\0';
		for (i = 0; i < info->npreviously; i++)
			if (strcmp(info->previously[i].ref, item + 11) == 0) {
				err = dgit_error_fmt(DGIT_ERR_PARSE, "tag "
				    "message gives previously:%s twice",
				    shown(show, sizeof show, item + 11,
				    strlen(item + 11)));
				goto done;
			}
		np = realloc(info->previously,
		    (info->npreviously + 1) * sizeof *np);
		if (np == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		info->previously = np;
		np[info->npreviously].ref = strdup(item + 11);
		np[info->npreviously].objid = strdup(eq + 1);
		info->npreviously++;
		if (np[info->npreviously - 1].ref == NULL ||
		    np[info->npreviously - 1].objid == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
	} else if (strcmp(item, "split") == 0) {
		info->split = 1;
	} else if (strcmp(item, "no-split") == 0) {
		info->split = 0;
	} else if (strncmp(item, "--quilt=", 8) == 0) {
		free(info->quilt);
		info->quilt = strdup(item + 8);
		if (info->quilt == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
	} else if (strncmp(item, "--deliberately-", 15) == 0 &&
	    item[15] != '\0') {
		for (i = 15; item[i]; i++)
			if (!is_pkgchar(item[i], 0)) {
				err = dgit_error_fmt(DGIT_ERR_PARSE, "tag "
				    "message item '%s' is not a valid "
				    "--deliberately- option",
				    shown(show, sizeof show, it, n));
				goto done;
			}
		err = add_str(&info->deliberately, &info->ndeliberately,
		    it, n);
	} else if (!(is_pkgchar(item[0], 0) || item[0] == '=')) {
		/* Items starting so are room for new ones; others are bad. */
		err = dgit_error_fmt(DGIT_ERR_PARSE, "unknown dgit item '%s' "
		    "in tag message", shown(show, sizeof show, it, n));
	}
done:
	free(item);
	return err;
}

/* "[dgit ITEMS]": each space-separated item. */
static const struct dgit_error *
parse_info_line(struct dgit_tag_info *info, const char *l, size_t n)
{
	const struct dgit_error *err;
	const char *p = l + 6, *end = l + n - 1, *e;

	while (p < end) {
		e = memchr(p, ' ', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (e == p) {
			char show[128];

			return dgit_error_fmt(DGIT_ERR_PARSE, "tag message "
			    "line '%s' has an empty item",
			    shown(show, sizeof show, l, n));
		}
		err = parse_item(info, p, (size_t)(e - p));
		if (err)
			return err;
		p = e + 1;
	}
	return NULL;
}

const struct dgit_error *
dgit_tag_parse_message(struct dgit_tag_info *info, const char *msg,
    size_t len)
{
	const struct dgit_error *err = NULL;
	const char *p = msg, *end = msg + len, *nl;
	size_t n;
	int first = 1;

	memset(info, 0, sizeof *info);
	info->split = -1;
	if (len > DGIT_TAG_MAX)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "tag message is longer "
		    "than %d bytes", DGIT_TAG_MAX);
	if (memchr(msg, '\0', len))
		return dgit_error_fmt(DGIT_ERR_PARSE, "tag message contains "
		    "a NUL byte");
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (first) {
			err = parse_headline(info, p, n);
			if (err)
				return err;
			first = 0;
		} else if (n >= 14 && memcmp(p, "-----BEGIN PGP", 14) == 0) {
			break;
		} else if (n >= 7 && memcmp(p, "[dgit ", 6) == 0 &&
		    p[n - 1] == ']' && p[6] != '"') {
			err = parse_info_line(info, p, n);
			if (err)
				return err;
		}
		p = nl ? nl + 1 : end;
	}
	if (first)
		return dgit_error_fmt(DGIT_ERR_PARSE, "tag message is empty");
	return NULL;
}

int
dgit_tag_has_deliberately(const struct dgit_tag_info *info, const char *what)
{
	size_t i;

	for (i = 0; i < info->ndeliberately; i++)
		if (strcmp(info->deliberately[i] + 15, what) == 0)
			return 1;
	return 0;
}

/* Append to a malloc'd string, growing it. */
static const struct dgit_error *
append(char **s, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static const struct dgit_error *
append(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *ns;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	ns = realloc(*s, *len + (size_t)n + 1);
	if (ns == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	*s = ns;
	va_start(ap, fmt);
	vsnprintf(ns + *len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
	return NULL;
}

const struct dgit_error *
dgit_tag_format_message(char **out, const struct dgit_tag_info *info)
{
	const struct dgit_error *err;
	char *s = NULL;
	size_t len = 0, i;

	*out = NULL;
	if (info->package == NULL || info->version == NULL ||
	    info->clogsuite == NULL || info->csuite == NULL ||
	    info->distro == NULL)
		return dgit_error_fmt(DGIT_ERR_USAGE, "tag message needs "
		    "package, version, suites and distro");
	if (info->maint_quilt)
		err = append(&s, &len, "%s release %s for %s (%s)\n\n"
		    "(maintainer view tag generated by dgit --quilt=%s)\n\n"
		    "[dgit distro=%s", info->package, info->version,
		    info->clogsuite, info->csuite, info->maint_quilt,
		    info->distro);
	else
		err = append(&s, &len, "%s release %s for %s (%s) [dgit]\n\n"
		    "[dgit distro=%s", info->package, info->version,
		    info->clogsuite, info->csuite, info->distro);
	if (!err && info->split >= 0)
		err = append(&s, &len, " %s", info->split ? "split" :
		    "no-split");
	if (!err && info->quilt)
		err = append(&s, &len, " --quilt=%s", info->quilt);
	for (i = 0; !err && i < info->ndeliberately; i++)
		err = append(&s, &len, " %s", info->deliberately[i]);
	if (!err)
		err = append(&s, &len, "]\n");
	for (i = 0; !err && i < info->npreviously; i++)
		err = append(&s, &len, "[dgit previously:%s=%s]\n",
		    info->previously[i].ref, info->previously[i].objid);
	if (err) {
		free(s);
		return err;
	}
	*out = s;
	return NULL;
}

const struct dgit_error *
dgit_tag_split_signature(size_t *payload_len, const char *buf, size_t len)
{
	size_t i, sl = strlen(SIG_START), found = len + 1;

	*payload_len = 0;
	/* The last line starting with the marker, as git's parse_signature. */
	for (i = 0; i + sl <= len; i++) {
		if ((i == 0 || buf[i - 1] == '\n') &&
		    memcmp(buf + i, SIG_START, sl) == 0)
			found = i;
		while (i < len && buf[i] != '\n')
			i++;
	}
	if (found > len)
		return dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
		    "the tag is not signed (no OpenPGP signature in it)");
	*payload_len = found;
	return NULL;
}
