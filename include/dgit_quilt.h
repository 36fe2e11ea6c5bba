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
 * "debian/patches/VENDOR.series" when it exists (VENDOR is the vendor
 * lowercased, "debian" when NULL), else "debian/patches/series".
 * exists(path, ctx) says what a path is: 0 absent, 1 present, 2 a
 * symlink.  When the vendor file is used and debian/patches/series is
 * absent or a symlink, dpkg-source -x makes it a symlink to
 * "VENDOR.series": *out_symlink is then set to 1 and the caller must do
 * the same to get dpkg-source's tree.  Returns a static string or the
 * path written to buf (size bufsize); NULL if buf is too small.
 */
const char *dgit_quilt_series_path(char *buf, size_t bufsize,
    int *out_symlink, const char *vendor,
    int (*exists)(const char *path, void *ctx), void *ctx);

/*
 * The metadata of a patch, read from the text before its first diff as
 * gbp pq import reads it (dgit makes the patch commits with it): DEP-3
 * fields and git format-patch mail headers.
 */
struct dgit_quilt_header {
	char *author_name;   /* From (or else Author) "Name <email>"; with a */
	char *author_email;  /* bare address both are it; NULL: no author */
	char *date;          /* the Date value as written, or NULL */
	char *subject;       /* Subject (kept with any "[PATCH]"), else the
	                        Description's first line; NULL if neither */
	char *body;          /* other header fields, a blank line, the
	                        Description's long text, free text; never NULL */
};

/*
 * Parse the header of a patch (the whole patch is given) as gbp pq
 * import, which Perl dgit runs for the patch commits, reads it: `git
 * mailinfo -k` (dgit_mailhdr_mailinfo) on the text before the first line
 * that is exactly "---" gives the author, subject, date and message;
 * then the DEP-3 fields of the first paragraph fill in what is missing,
 * and fields gbp does not know are kept in the message (a Subject already
 * there discards them, as in gbp).  An author needs a name and an
 * address, else both are NULL (dgit then takes debian/control's
 * Maintainer and the changelog's date); subject NULL: none was given
 * (see dgit_quilt_subject_from_name), "" : an empty one.  Text that is
 * not UTF-8 is decoded as gbp decodes it.  Fails where git mailinfo
 * does.  Release with dgit_quilt_header_release().
 */
const struct dgit_error *dgit_quilt_header_parse(
    struct dgit_quilt_header *out, const char *buf, size_t len,
    const char *what);
void dgit_quilt_header_release(struct dgit_quilt_header *h);

/*
 * A person as gbp pq reads one: "Name <email>" (the name may be
 * "quoted"), or a bare address, which is then also the name.  Anything
 * else (no address, empty name) is no person: *name and *email NULL
 * without an error.  Both are caller-owned (free).
 */
const struct dgit_error *dgit_quilt_parse_author(char **name, char **email,
    const char *s, size_t len);

/*
 * The commit message of a patch commit, as gbp pq import writes it:
 * "SUBJECT\n\nBODY\n[Gbp-Pq: Topic DIR\n]Gbp-Pq: Name BASENAME" (no final
 * newline), SUBJECT from the header or the patch name.  patch_name is
 * relative to debian/patches.  *out is malloc'd; caller frees.
 */
const struct dgit_error *dgit_quilt_commit_message(char **out,
    const struct dgit_quilt_header *h, const char *patch_name);

/*
 * A patch header's Date as gbp pq import commits it: read by git's rules
 * (dgit_date_parse_git), into seconds since the epoch and the zone offset
 * in minutes.  Fails where git refuses the date.
 */
const struct dgit_error *dgit_quilt_date_parse(long long *out_time,
    int *out_tz_minutes, const char *s);

/*
 * The subject for a patch whose header has none, as gbp pq (which dgit
 * runs to import patches) makes it: the patch file's basename without a
 * ".patch" or ".diff" extension, less leading digits and dashes
 * unless nothing would be left.  Returns a malloc'd string (caller
 * frees) or NULL when out of memory.
 */
char *dgit_quilt_subject_from_name(const char *name);

#endif
