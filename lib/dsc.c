/*
 * The source package model (see dgit_dsc.h).
 *
 * File classification and the format checks follow what dpkg-source -x
 * accepts (Dpkg::Source::Package::V1, V2, V3::Native), since the import
 * must be able to reproduce dpkg-source's tree:
 * - 1.0: one PKG_UV.orig.tar.gz or PKG_V.tar.gz, at most one PKG_V.diff.gz,
 *   an optional PKG_UV.orig.tar.gz.asc; gzip only.  Native means no diff
 *   and a PKG_V.tar.gz (an .orig.tar.gz without a diff is non-native, as
 *   dpkg treats it).
 * - 3.0 (quilt): exactly one orig tarball and one debian tarball, any
 *   number of orig-COMPONENT tarballs (one per component), signatures
 *   only for tarballs that are present.
 * - 3.0 (native): exactly one PKG_V.tar.EXT.
 * A Sources paragraph's Files also lists the .dsc itself (DGIT_DSC_DSC).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_error.h"

#define SIZE_MAX_SANE ((uint64_t)1 << 40)     /* 1 TiB: anything more is junk */
#define NAME_MAX_LEN 255

void
dgit_dsc_free(struct dgit_dsc *dsc)
{
	size_t i;

	if (dsc == NULL)
		return;
	for (i = 0; i < dsc->nfiles; i++) {
		free(dsc->files[i].name);
		free(dsc->files[i].component);
	}
	free(dsc->files);
	free(dsc->source);
	free(dsc->version);
	free(dsc->format_str);
	free(dsc->dgit_field);
	free(dsc->vcs_git);
	free(dsc->directory);
	free(dsc);
}

static const struct dgit_error *
dup_field(char **out, const char *v)
{
	*out = NULL;
	if (v == NULL)
		return NULL;
	if ((*out = strdup(v)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/* Debian policy 5.6.1: [a-z0-9][a-z0-9+.-]+ */
static int
valid_source_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '+' || c == '.' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/* [epoch:]upstream[-revision] with policy 5.6.12's characters. */
static int
valid_version(const char *v)
{
	const char *colon = strchr(v, ':'), *up, *dash, *p;

	if (colon) {
		if (colon == v)
			return 0;
		for (p = v; p < colon; p++)
			if (*p < '0' || *p > '9')
				return 0;
		up = colon + 1;
	} else
		up = v;
	dash = strrchr(up, '-');
	if (*up < '0' || *up > '9')
		return 0;
	if (dash && dash[1] == '\0')
		return 0;
	for (p = up; *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '+' ||
		    c == '~' || c == '-')
			continue;
		return 0;
	}
	return 1;
}

static int
valid_component(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static void
lower_copy(char *dst, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 'a' : s[i];
	dst[n] = '\0';
}

/* One "HASH SIZE NAME" line, split on runs of spaces and tabs. */
struct entry {
	const char *hash, *size, *name;
	size_t hash_len, size_len, name_len;
};

static const char *
next_word(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *w;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	w = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*len = s - w;
	*p = s;
	return *len ? w : NULL;
}

static const struct dgit_error *
check_name(const char *what, const char *field, const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > NAME_MAX_LEN)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s: file name "
		    "'%.*s' is empty or too long", what, field, (int)n, name);
	if (name[0] == '.')
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': %s: file "
		    "name '%.*s' starts with '.'", what, field, (int)n, name);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '/')
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': %s: "
			    "file name '%.*s' contains '/'", what, field,
			    (int)n, name);
		if (c < 0x21 || c >= 0x7f)
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s: file "
			    "name '%.*s' contains a control or non-ASCII "
			    "character", what, field, (int)n, name);
	}
	return NULL;
}

static const struct dgit_error *
parse_size(uint64_t *out, const char *what, const char *field,
    const struct entry *e)
{
	uint64_t v = 0;
	size_t i;

	*out = 0;
	if (e->size_len == 0 || e->size_len > 15)
		goto bad;
	for (i = 0; i < e->size_len; i++) {
		if (e->size[i] < '0' || e->size[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(e->size[i] - '0');
	}
	if (v > SIZE_MAX_SANE)
		goto bad;
	*out = v;
	return NULL;
bad:
	return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s: bad size '%.*s' "
	    "for '%.*s'", what, field, (int)e->size_len, e->size,
	    (int)e->name_len, e->name);
}

/*
 * Split a Files-style field value into entries.  *out has *n entries
 * pointing into value; caller frees the array.
 */
static const struct dgit_error *
split_entries(struct entry **out, size_t *n, const char *value,
    size_t hash_len, const char *what, const char *field)
{
	const struct dgit_error *err = NULL;
	struct entry *v = NULL;
	size_t nv = 0, cap = 0, i;
	const char *line = value;

	*out = NULL;
	*n = 0;
	while (*line) {
		const char *end = strchr(line, '\n'), *p = line;
		struct entry e;
		size_t extra;

		if (end == NULL)
			end = line + strlen(line);
		e.hash = next_word(&p, end, &e.hash_len);
		if (e.hash == NULL)
			goto next;              /* the empty first line */
		e.size = next_word(&p, end, &e.size_len);
		e.name = next_word(&p, end, &e.name_len);
		if (e.name == NULL || next_word(&p, end, &extra) != NULL) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s: line "
			    "'%.*s' is not 'HASH SIZE NAME'", what, field,
			    (int)(end - line), line);
			goto done;
		}
		if (e.hash_len != hash_len || !is_hex(e.hash, e.hash_len)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': %s: bad "
			    "hash '%.*s' for '%.*s'", what, field,
			    (int)e.hash_len, e.hash, (int)e.name_len, e.name);
			goto done;
		}
		if ((err = check_name(what, field, e.name, e.name_len)))
			goto done;
		for (i = 0; i < nv; i++)
			if (v[i].name_len == e.name_len &&
			    memcmp(v[i].name, e.name, e.name_len) == 0) {
				err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': "
				    "%s: '%.*s' is listed twice", what, field,
				    (int)e.name_len, e.name);
				goto done;
			}
		if (nv == cap) {
			struct entry *nn;
			cap = cap ? cap * 2 : 8;
			if (cap > 4096) {
				err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s': "
				    "%s: too many files", what, field);
				goto done;
			}
			if ((nn = realloc(v, cap * sizeof *nn)) == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			v = nn;
		}
		v[nv++] = e;
next:
		line = *end ? end + 1 : end;
	}
done:
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = nv;
	return NULL;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Length of a ".tar.EXT" suffix at the end of s[0..n), or 0. */
static size_t
tar_suffix(const char *s, size_t n, int gz_only)
{
	static const char *const exts[] = { ".tar.gz", ".tar.bz2",
	    ".tar.xz", ".tar.lzma", ".tar.zst" };
	size_t i;

	for (i = 0; i < (gz_only ? 1 : sizeof exts / sizeof exts[0]); i++)
		if (ends_with(s, n, exts[i]))
			return strlen(exts[i]);
	return 0;
}

/* s[0..n) starts with prefix; returns the rest's start or NULL. */
static const char *
after(const char *s, size_t n, const char *prefix, size_t plen)
{
	return n >= plen && memcmp(s, prefix, plen) == 0 ? s + plen : NULL;
}

/*
 * Classify one file.  base: "PKG_UV", baserev: "PKG_V" (no epoch).
 * *comp, *comp_len: the component for ORIG_COMPONENT and its signature.
 */
static enum dgit_dsc_file_kind
classify(const char *name, const char *base, const char *baserev,
    int gz_only, const char **comp, size_t *comp_len)
{
	size_t n = strlen(name), bl = strlen(base), brl = strlen(baserev);
	size_t sig = 0, t;
	const char *r;

	*comp = NULL;
	*comp_len = 0;
	if ((r = after(name, n, baserev, brl)) != NULL) {
		size_t rn = n - brl;
		if (rn == 4 && memcmp(r, ".dsc", 4) == 0)
			return DGIT_DSC_DSC;
		if (rn == 8 && memcmp(r, ".diff.gz", 8) == 0)
			return DGIT_DSC_DIFF;
		if ((t = tar_suffix(r, rn, gz_only)) == rn)
			return DGIT_DSC_NATIVE_TAR;
		if (rn > 7 && memcmp(r, ".debian", 7) == 0 &&
		    tar_suffix(r + 7, rn - 7, gz_only) == rn - 7)
			return DGIT_DSC_DEBIAN_TAR;
	}
	if ((r = after(name, n, base, bl)) == NULL)
		return DGIT_DSC_OTHER;
	n -= bl;
	if (ends_with(r, n, ".asc")) {
		sig = 1;
		n -= 4;
	}
	if ((t = tar_suffix(r, n, gz_only)) == 0)
		return DGIT_DSC_OTHER;
	n -= t;
	if (n == 5 && memcmp(r, ".orig", 5) == 0)
		return sig ? DGIT_DSC_ORIG_SIG : DGIT_DSC_ORIG;
	if (!gz_only && n > 6 && memcmp(r, ".orig-", 6) == 0 &&
	    valid_component(r + 6, n - 6)) {
		*comp = r + 6;
		*comp_len = n - 6;
		return sig ? DGIT_DSC_ORIG_SIG : DGIT_DSC_ORIG_COMPONENT;
	}
	return DGIT_DSC_OTHER;
}

static const char *
kind_str(enum dgit_dsc_file_kind k)
{
	switch (k) {
	case DGIT_DSC_ORIG: return "orig tarball";
	case DGIT_DSC_ORIG_COMPONENT: return "orig component tarball";
	case DGIT_DSC_ORIG_SIG: return "upstream signature";
	case DGIT_DSC_DEBIAN_TAR: return "debian tarball";
	case DGIT_DSC_NATIVE_TAR: return "tarball";
	case DGIT_DSC_DIFF: return ".diff.gz";
	case DGIT_DSC_DSC: return ".dsc";
	case DGIT_DSC_OTHER: break;
	}
	return "file";
}

/* Strip ".tar.EXT" (and ".asc") to find tarballs that differ only there. */
static size_t
stem_len(const char *name)
{
	size_t n = strlen(name);

	if (ends_with(name, n, ".asc"))
		n -= 4;
	return n - tar_suffix(name, n, 0);
}

/* Do the files fit the format?  Also sets dsc->native. */
static const struct dgit_error *
check_layout(struct dgit_dsc *dsc, int sources, const char *what)
{
	size_t i, j, norig = 0, ndeb = 0, ntar = 0, ndiff = 0, ndsc = 0;
	const char *fmt = dsc->format_str;

	for (i = 0; i < dsc->nfiles; i++) {
		const struct dgit_dsc_file *f = &dsc->files[i];

		switch (f->kind) {
		case DGIT_DSC_ORIG: norig++; break;
		case DGIT_DSC_DEBIAN_TAR: ndeb++; break;
		case DGIT_DSC_NATIVE_TAR: ntar++; break;
		case DGIT_DSC_DIFF: ndiff++; break;
		case DGIT_DSC_DSC: ndsc++; break;
		case DGIT_DSC_ORIG_COMPONENT: break;
		case DGIT_DSC_ORIG_SIG:
			/* the signed tarball, same name less ".asc" */
			for (j = 0; j < dsc->nfiles; j++)
				if (strlen(dsc->files[j].name) + 4 ==
				    strlen(f->name) && strncmp(dsc->files[j].name,
				    f->name, strlen(dsc->files[j].name)) == 0)
					break;
			if (j == dsc->nfiles)
				return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': "
				    "upstream signature '%s' has no matching "
				    "tarball", what, f->name);
			break;
		case DGIT_DSC_OTHER:
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': file "
			    "'%s' does not belong in a '%s' source package "
			    "of %s %s", what, f->name, fmt, dsc->source,
			    dsc->version);
		}
		/* one of each tarball, whatever the compression */
		if (f->kind != DGIT_DSC_DSC && f->kind != DGIT_DSC_DIFF)
			for (j = 0; j < i; j++)
				if (dsc->files[j].kind == f->kind &&
				    stem_len(dsc->files[j].name) ==
				    stem_len(f->name) &&
				    strncmp(dsc->files[j].name, f->name,
				    stem_len(f->name)) == 0)
					return dgit_error_fmt(DGIT_ERR_PARSE,
					    "'%s': two copies of one %s: '%s' "
					    "and '%s'", what, kind_str(f->kind),
					    dsc->files[j].name, f->name);
	}
	if (ndiff > 1)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': more than one "
		    ".diff.gz listed", what);
	if (ndsc != (size_t)sources)
		return dgit_error_fmt(DGIT_ERR_PARSE, sources ? "'%s': the "
		    "Sources entry does not list exactly one '%s_%s.dsc'" :
		    "'%s': a .dsc must not list a .dsc ('%s_%s.dsc')", what,
		    dsc->source, strchr(dsc->version, ':') ?
		    strchr(dsc->version, ':') + 1 : dsc->version);
	switch (dsc->format) {
	case DGIT_FORMAT_1_0:
		if (ndeb != 0)
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': a '1.0' "
			    "source package cannot have a debian tarball",
			    what);
		if (norig + ntar != 1)
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': a '1.0' "
			    "source package needs exactly one .tar.gz, found "
			    "%zu", what, norig + ntar);
		dsc->native = ndiff == 0 && ntar == 1;
		break;
	case DGIT_FORMAT_3_0_QUILT:
		if (norig != 1 || ndeb != 1 || ntar != 0 || ndiff != 0)
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': a '3.0 "
			    "(quilt)' source package needs exactly one orig "
			    "tarball and one debian tarball (found %zu and "
			    "%zu)%s", what, norig, ndeb, ntar || ndiff ?
			    ", and no other tarball or diff" : "");
		dsc->native = 0;
		break;
	case DGIT_FORMAT_3_0_NATIVE:
		if (ntar != 1 || dsc->nfiles != ntar + ndsc)
			return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': a '3.0 "
			    "(native)' source package needs exactly one "
			    "%s_%s.tar.* and nothing else", what, dsc->source,
			    strchr(dsc->version, ':') ?
			    strchr(dsc->version, ':') + 1 : dsc->version);
		dsc->native = 1;
		break;
	}
	return NULL;
}

/* Sources' Directory: a relative path without ".." ("." is the top). */
static int
valid_directory(const char *d)
{
	const char *p = d;

	if (*d == '\0' || *d == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t i;
		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			if (c < 0x21 || c >= 0x7f || c == '\\')
				return 0;
		}
		p += n;
		if (*p == '/') {
			p++;
			if (*p == '\0')
				return 0;
		}
	}
	return 1;
}

/* A Checksums-* field, when present, listing as many files as Files. */
static const struct dgit_error *
split_sums(struct entry **out, size_t *n, const struct dgit_deb822_para *p,
    size_t nfiles, size_t hexlen, const char *field, const char *what)
{
	const struct dgit_error *err;
	const char *v = dgit_deb822_get(p, field);

	*out = NULL;
	*n = 0;
	if (v == NULL)
		return NULL;
	if ((err = split_entries(out, n, v, hexlen, what, field)))
		return err;
	if (*n != nfiles)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': 'Files' lists %zu "
		    "files but '%s' %zu", what, nfiles, field, *n);
	return NULL;
}

/*
 * f's line in a Checksums-* field (sums, NULL when the field is absent):
 * the same size, its digest into hex (hexlen + 1 bytes).
 */
static const struct dgit_error *
match_sum(char *hex, const struct dgit_dsc_file *f, const struct entry *sums,
    size_t nsums, size_t hexlen, const char *field, const char *what)
{
	const struct dgit_error *err;
	size_t nl = strlen(f->name), j;
	uint64_t s2;

	if (sums == NULL)
		return NULL;
	for (j = 0; j < nsums; j++)
		if (sums[j].name_len == nl &&
		    memcmp(sums[j].name, f->name, nl) == 0)
			break;
	if (j == nsums)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': '%s' is in "
		    "'Files' but not in '%s'", what, f->name, field);
	if ((err = parse_size(&s2, what, field, &sums[j])))
		return err;
	if (s2 != f->size)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': '%s' has size "
		    "%llu in 'Files' but %llu in '%s'", what, f->name,
		    (unsigned long long)f->size, (unsigned long long)s2,
		    field);
	lower_copy(hex, sums[j].hash, hexlen);
	return NULL;
}

static const struct dgit_error *
build_files(struct dgit_dsc *dsc, const struct dgit_deb822_para *p,
    int sources, const char *what)
{
	const struct dgit_error *err = NULL;
	struct entry *files = NULL, *sha = NULL, *sha1 = NULL;
	size_t nfiles = 0, nsha = 0, nsha1 = 0, i;
	const char *v, *base_end;
	char *base = NULL, *baserev;
	int gz_only = dsc->format == DGIT_FORMAT_1_0;

	v = dgit_deb822_get(p, "Files");
	if (v == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': missing 'Files' "
		    "field", what);
	if ((err = split_entries(&files, &nfiles, v, 32, what, "Files")))
		goto done;
	if (nfiles == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': 'Files' lists "
		    "no files", what);
		goto done;
	}
	if ((err = split_sums(&sha, &nsha, p, nfiles, 64, "Checksums-Sha256",
	    what)) ||
	    (err = split_sums(&sha1, &nsha1, p, nfiles, 40, "Checksums-Sha1",
	    what)))
		goto done;
	dsc->files = calloc(nfiles, sizeof *dsc->files);
	if (dsc->files == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}

	/* "PKG_UV" and "PKG_V" in one buffer */
	v = strchr(dsc->version, ':');
	v = v ? v + 1 : dsc->version;
	base_end = strrchr(v, '-');
	if (base_end == NULL)
		base_end = v + strlen(v);
	{
		size_t sl = strlen(dsc->source), vl = strlen(v);
		base = malloc(2 * (sl + 1 + vl + 1));
		if (base == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		memcpy(base, dsc->source, sl);
		base[sl] = '_';
		memcpy(base + sl + 1, v, base_end - v);
		base[sl + 1 + (base_end - v)] = '\0';
		baserev = base + sl + 1 + vl + 1;
		memcpy(baserev, dsc->source, sl);
		baserev[sl] = '_';
		memcpy(baserev + sl + 1, v, vl + 1);
	}

	for (i = 0; i < nfiles; i++) {
		struct dgit_dsc_file *f = &dsc->files[i];
		const struct entry *e = &files[i];
		const char *comp;
		size_t comp_len;

		if ((err = parse_size(&f->size, what, "Files", e)))
			goto done;
		if ((f->name = strndup(e->name, e->name_len)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		dsc->nfiles++;
		lower_copy(f->md5, e->hash, 32);
		if ((err = match_sum(f->sha256, f, sha, nsha, 64,
		    "Checksums-Sha256", what)) ||
		    (err = match_sum(f->sha1, f, sha1, nsha1, 40,
		    "Checksums-Sha1", what)))
			goto done;
		f->kind = classify(f->name, base, baserev, gz_only, &comp,
		    &comp_len);
		if (comp && f->kind == DGIT_DSC_ORIG_COMPONENT &&
		    (f->component = strndup(comp, comp_len)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	}
	err = check_layout(dsc, sources, what);
done:
	free(base);
	free(files);
	free(sha);
	free(sha1);
	return err;
}

const struct dgit_error *
dgit_dsc_from_para(struct dgit_dsc **out, const struct dgit_deb822_para *p,
    const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_dsc *dsc;
	const char *src, *ver, *fmt;
	int sources = 0;

	*out = NULL;
	dsc = calloc(1, sizeof *dsc);
	if (dsc == NULL)
		return dgit_error(DGIT_ERR_NOMEM);

	src = dgit_deb822_get(p, "Source");
	if (src == NULL && (src = dgit_deb822_get(p, "Package")) != NULL)
		sources = 1;
	ver = dgit_deb822_get(p, "Version");
	fmt = dgit_deb822_get(p, "Format");
	if (src == NULL || ver == NULL || fmt == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': missing '%s' "
		    "field", what, src == NULL ? "Source" : ver == NULL ?
		    "Version" : "Format");
		goto done;
	}
	if (!valid_source_name(src)) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': bad source package "
		    "name '%s'", what, src);
		goto done;
	}
	if (!valid_version(ver)) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': bad version '%s'",
		    what, ver);
		goto done;
	}
	if (strcmp(fmt, "1.0") == 0)
		dsc->format = DGIT_FORMAT_1_0;
	else if (strcmp(fmt, "3.0 (quilt)") == 0)
		dsc->format = DGIT_FORMAT_3_0_QUILT;
	else if (strcmp(fmt, "3.0 (native)") == 0)
		dsc->format = DGIT_FORMAT_3_0_NATIVE;
	else {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': unsupported source "
		    "format '%s'; dgit handles '1.0', '3.0 (native)' and "
		    "'3.0 (quilt)'", what, fmt);
		goto done;
	}
	if ((err = dup_field(&dsc->source, src)) ||
	    (err = dup_field(&dsc->version, ver)) ||
	    (err = dup_field(&dsc->format_str, fmt)) ||
	    (err = dup_field(&dsc->dgit_field, dgit_deb822_get(p, "Dgit"))) ||
	    (err = dup_field(&dsc->vcs_git, dgit_deb822_get(p, "Vcs-Git"))) ||
	    (err = dup_field(&dsc->directory,
	    dgit_deb822_get(p, "Directory"))))
		goto done;
	if (dsc->directory && !valid_directory(dsc->directory)) {
		err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': unsafe "
		    "'Directory' '%s'", what, dsc->directory);
		goto done;
	}
	err = build_files(dsc, p, sources, what);
done:
	if (err) {
		dgit_dsc_free(dsc);
		return err;
	}
	*out = dsc;
	return NULL;
}

const struct dgit_error *
dgit_dsc_parse(struct dgit_dsc **out, const char *buf, size_t len,
    const char *what)
{
	const struct dgit_error *err;
	struct dgit_clearsigned *cs = NULL;
	struct dgit_deb822_para **paras = NULL;
	size_t n = 0;

	*out = NULL;
	err = dgit_clearsigned_split(&cs, buf, len, what);
	if (err && err->code != DGIT_ERR_BAD_SIGNATURE)
		return err;
	/* unsigned: parse as is */
	err = cs ? dgit_deb822_parse(&paras, &n, cs->text, cs->text_len, what)
	    : dgit_deb822_parse(&paras, &n, buf, len, what);
	if (err)
		goto done;
	if (n != 1) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s': expected one "
		    "paragraph, found %zu", what, n);
		goto done;
	}
	err = dgit_dsc_from_para(out, paras[0], what);
done:
	dgit_deb822_paras_free(paras, n);
	dgit_clearsigned_free(cs);
	return err;
}

void
dgit_dsc_dgit_release(struct dgit_dsc_dgit *d)
{
	if (d == NULL)
		return;
	free(d->distro);
	free(d->tag);
	free(d->url);
	memset(d, 0, sizeof *d);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Length of the word at p whose characters are all in set (NULL: any
 * non-blank); 0 when the word has another character in it. */
static size_t
dgit_word(const char *p, const char *set)
{
	size_t n = 0;

	while (p[n] && !is_blank(p[n])) {
		if (set && strchr(set, p[n]) == NULL)
			return 0;
		n++;
	}
	return n;
}

#define DGIT_ALNUM "0123456789abcdefghijklmnopqrstuvwxyz" \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"

const struct dgit_error *
dgit_dsc_dgit_parse(struct dgit_dsc_dgit *out, const char *field,
    const char *what)
{
	/* dgit's $distro_re and $versiontag_re */
	static const char *const sets[3] = { "-+." DGIT_ALNUM,
		"-+.%_/" DGIT_ALNUM, NULL };
	char **dst[3];
	const char *p = field, *why = NULL;
	size_t n;

	memset(out, 0, sizeof *out);
	dst[0] = &out->distro;
	dst[1] = &out->tag;
	dst[2] = &out->url;
	if (p == NULL)
		p = "";
	n = dgit_word(p, "0123456789abcdefABCDEF");
	if (n != 40 || (p[n] && !is_blank(p[n]))) {
		why = "the first word is not a 40-digit commit id";
		goto bad;
	}
	for (size_t i = 0; i < 40; i++)
		out->commit[i] = (char)(p[i] >= 'A' && p[i] <= 'F' ?
		    p[i] - 'A' + 'a' : p[i]);
	out->commit[40] = '\0';
	p += n;
	while (is_blank(*p))
		p++;
	if (*p == '\0')
		return NULL;       /* the old form: only the commit */
	for (int w = 0; w < 3; w++) {
		while (is_blank(*p))
			p++;
		n = dgit_word(p, sets[w]);
		if (n == 0 || (w == 0 && strchr(DGIT_ALNUM, *p) == NULL)) {
			why = w == 0 ? "bad distro" : w == 1 ? "bad tag" :
			    "no URL";
			goto bad;
		}
		if ((*dst[w] = strndup(p, n)) == NULL) {
			dgit_dsc_dgit_release(out);
			return dgit_error(DGIT_ERR_NOMEM);
		}
		p += n;
	}
	return NULL;
bad:
	dgit_dsc_dgit_release(out);
	return dgit_error_fmt(DGIT_ERR_PARSE, "'%s': malformed Dgit: field "
	    "'%.200s' (%s)", what, field ? field : "", why);
}

char *
dgit_dsc_vcs_git_url(const char *v)
{
	char *out, *w;
	const char *p = v;

	if (v == NULL || *v == '\0' || (out = malloc(strlen(v) + 1)) == NULL)
		return NULL;
	for (w = out; *p;) {
		const char *q = p + strspn(p, " \t");

		if (q > p && q[0] == '-' && q[1] == 'b' && (q[2] == ' ' ||
		    q[2] == '\t') && q[2 + strspn(q + 2, " \t")] != '\0') {
			q += 2 + strspn(q + 2, " \t");
			p = q + strcspn(q, " \t");
			continue;
		}
		if (q > p && q[0] == '[' && strchr(q, ']') &&
		    memchr(q + 1, '[', (size_t)(strchr(q, ']') - q - 1)) ==
		    NULL) {
			p = strchr(q, ']') + 1;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	while (w > out && (w[-1] == ' ' || w[-1] == '\t'))
		*--w = '\0';
	if (*out == '\0') {
		free(out);
		return NULL;
	}
	return out;
}
