/* Debian versions: parsing, validation, names and tags (dgit_version.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_aptshim.h"
#include "dgit_error.h"
#include "dgit_version.h"

/* Longest version we accept; the archive's longest is far shorter. */
#define VERSION_MAX 1024

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The error quotes s with control characters shown as '?'. */
static const struct dgit_error *
bad(const char *s, const char *why)
{
	char shown[128];
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < sizeof shown; i++)
		shown[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] == 0x7f ? '?' : s[i];
	shown[i] = '\0';
	return dgit_error_fmt(DGIT_ERR_PARSE, "invalid version '%s%s': %s",
	    shown, s[i] != '\0' ? "..." : "", why);
}

/*
 * Find the parts without allocating: epoch is s[0, *up) minus the ':'
 * (empty when *up is 0), upstream s[*up, *rev) and revision from *rev + 1
 * when s[*rev] is '-'.
 */
static const struct dgit_error *
split(const char *s, size_t *up, size_t *rev)
{
	const char *colon, *dash;
	size_t len, i, epoch_end;
	unsigned long epoch = 0;

	*up = *rev = 0;
	len = strlen(s);
	if (len == 0)
		return bad(s, "it is empty");
	if (len > VERSION_MAX)
		return bad(s, "it is too long");
	for (i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\v' || s[i] == '\f')
			return bad(s, "it contains whitespace");

	colon = strchr(s, ':');
	if (colon != NULL) {
		epoch_end = (size_t)(colon - s);
		if (epoch_end == 0)
			return bad(s, "the epoch before ':' is empty");
		for (i = 0; i < epoch_end; i++) {
			if (!is_digit(s[i]))
				return bad(s, "the epoch is not a number");
			epoch = epoch * 10 + (unsigned long)(s[i] - '0');
			if (epoch > 2147483647UL)
				return bad(s, "the epoch is too big");
		}
		if (colon[1] == '\0')
			return bad(s, "nothing follows the epoch's ':'");
		*up = epoch_end + 1;
	}

	dash = strrchr(s + *up, '-');
	*rev = dash != NULL ? (size_t)(dash - s) : len;
	if (dash != NULL) {
		if (dash[1] == '\0')
			return bad(s, "the Debian revision after '-' is empty");
		for (const char *p = dash + 1; *p != '\0'; p++)
			if (!is_alnum(*p) && strchr("+.~", *p) == NULL)
				return bad(s, "invalid character in the Debian "
				    "revision (allowed: letters, digits, "
				    "'+', '.', '~')");
	}

	if (*rev == *up)
		return bad(s, "the upstream version is empty");
	if (!is_digit(s[*up]))
		return bad(s, "the upstream version does not start with a "
		    "digit");
	for (i = *up; i < *rev; i++)
		if (!is_alnum(s[i]) && strchr(".+~-:", s[i]) == NULL)
			return bad(s, "invalid character in the upstream "
			    "version (allowed: letters, digits, '.', '+', "
			    "'~', '-', ':')");
	return NULL;
}

const struct dgit_error *
dgit_version_check(const char *s)
{
	size_t up, rev;

	return split(s, &up, &rev);
}

void
dgit_version_release(struct dgit_version *v)
{
	if (v == NULL)
		return;
	free(v->epoch);
	free(v->upstream);
	free(v->revision);
	v->epoch = v->upstream = v->revision = NULL;
}

const struct dgit_error *
dgit_version_parse(struct dgit_version *v, const char *s)
{
	const struct dgit_error *err;
	size_t up, rev;

	v->epoch = v->upstream = v->revision = NULL;
	err = split(s, &up, &rev);
	if (err != NULL)
		goto done;
	if (up > 0 && (v->epoch = strndup(s, up - 1)) == NULL)
		goto nomem;
	if ((v->upstream = strndup(s + up, rev - up)) == NULL)
		goto nomem;
	if (s[rev] == '-' && (v->revision = strdup(s + rev + 1)) == NULL)
		goto nomem;
	goto done;
nomem:
	err = dgit_error_from_errno("parsing version '%s'", s);
	dgit_version_release(v);
done:
	return err;
}

int
dgit_version_compare(const char *a, const char *b)
{
	return dgit_aptshim_version_compare(a, b);
}

const struct dgit_error *
dgit_version_compare_checked(int *result, const char *a, const char *b)
{
	const struct dgit_error *err;

	*result = 0;
	if ((err = dgit_version_check(a)) != NULL ||
	    (err = dgit_version_check(b)) != NULL)
		return err;
	*result = dgit_aptshim_version_compare(a, b);
	return NULL;
}

/* *out = copy of v[from, to) */
static const struct dgit_error *
slice(char **out, const char *v, size_t from, size_t to)
{
	*out = strndup(v + from, to - from);
	if (*out == NULL)
		return dgit_error_from_errno("copying version '%s'", v);
	return NULL;
}

const struct dgit_error *
dgit_version_upstream(char **out, const char *v)
{
	const struct dgit_error *err;
	size_t up, rev;

	*out = NULL;
	if ((err = split(v, &up, &rev)) != NULL)
		return err;
	return slice(out, v, up, rev);
}

const struct dgit_error *
dgit_version_noepoch(char **out, const char *v)
{
	const struct dgit_error *err;
	size_t up, rev;

	*out = NULL;
	if ((err = split(v, &up, &rev)) != NULL)
		return err;
	return slice(out, v, up, strlen(v));
}

/* Appends the mangled v to buf (room for 2 * strlen(v) + 1 more). */
static void
mangle_into(char *buf, const char *v)
{
	char *o = buf + strlen(buf);

	for (const char *p = v; *p != '\0'; p++) {
		if (*p == ':')
			*o++ = '%';
		else if (*p == '~')
			*o++ = '_';
		else
			*o++ = *p;
		/* keep git's ref rules: no "..", no trailing '.', no ".lock" */
		if (*p == '.' && (p[1] == '.' || p[1] == '\0' ||
		    strcmp(p + 1, "lock") == 0))
			*o++ = '#';
	}
	*o = '\0';
}

const struct dgit_error *
dgit_version_mangle(char **out, const char *v)
{
	const struct dgit_error *err;
	char *buf;

	*out = NULL;
	if ((err = dgit_version_check(v)) != NULL)
		return err;
	if ((buf = malloc(2 * strlen(v) + 1)) == NULL)
		return dgit_error_from_errno("mangling version '%s'", v);
	buf[0] = '\0';
	mangle_into(buf, v);
	*out = buf;
	return NULL;
}
