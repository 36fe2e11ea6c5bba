/*
 * Quilt: the series file of a 3.0 (quilt) package and the DEP-3 header of
 * each patch, as dpkg-source and dgit read them.
 */
#ifndef DGIT_QUILT_H
#define DGIT_QUILT_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_quilt_patch {
	char *name;          /* relative to debian/patches, checked safe */
	int strip;           /* the -p level dpkg-source uses: always 1 */
	int has_options;     /* options followed the name (dpkg-source warns
	                        and ignores them) */
	int opt_strip;       /* N of a sole "-pN" option, else -1 */
	size_t line;         /* line number in the series file */
};

struct dgit_quilt_series {
	struct dgit_quilt_patch *patches;
	size_t n;
};

/*
 * Parse the content of a series file: one patch per line, '#' starts a
 * comment (whole line, or after whitespace), blank lines are skipped, an
 * options may follow the name: dpkg-source warns about them and ignores
 * them, always applying with -p1, and so does this (strip is 1; the
 * options are only recorded).  Names that are absolute or contain a '..'
 * component fail with DGIT_ERR_UNSAFE_PATH.  Free with
 * dgit_quilt_series_free().
 */
const struct dgit_error *dgit_quilt_series_parse(
    struct dgit_quilt_series **out, const char *buf, size_t len,
    const char *what);
void dgit_quilt_series_free(struct dgit_quilt_series *s);

/*
 * Which series file dpkg-source reads, relative to the source tree:
 * "debian/patches/VENDOR.series" when it exists (vendor lowercased,
 * e.g. "debian"), else "debian/patches/series".  exists(path, ctx) is
 * asked about candidate paths.  Returns a static string or the result
 * written to buf (size bufsize); NULL if buf is too small.
 */
const char *dgit_quilt_series_path(char *buf, size_t bufsize,
    const char *vendor, int (*exists)(const char *path, void *ctx),
    void *ctx);

/* The metadata of a patch from its DEP-3 or git format-patch header. */
struct dgit_quilt_header {
	char *author_name;   /* NULL when the header names no author */
	char *author_email;  /* NULL when absent */
	char *date;          /* the Date/Last-Update value as written, or NULL */
	char *subject;       /* first line of Subject/Description, or NULL */
	char *body;          /* the rest of the description ("" if none), or NULL */
};

/*
 * Parse the header of a patch: the text before its first diff.  DEP-3
 * fields (Description/Subject, Author/From, Date/Last-Update; field names
 * case-insensitive, continuation lines) and the git format-patch
 * "From <sha> ..." / "From: ..." / "Subject: [PATCH n/m] ..." form with
 * its free-text body.  Fields absent stay NULL: dgit then takes the
 * author from the changelog entry and the subject from the patch name.
 * Fill with dgit_quilt_header_parse, free with dgit_quilt_header_release.
 */
const struct dgit_error *dgit_quilt_header_parse(
    struct dgit_quilt_header *out, const char *buf, size_t len,
    const char *what);
void dgit_quilt_header_release(struct dgit_quilt_header *h);

#endif
