/*
 * The source package model: a parsed .dsc (or Sources paragraph).
 */
#ifndef DGIT_DSC_H
#define DGIT_DSC_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

/*
 * The most bytes a .dsc may have, wherever one is read: real ones are a
 * few kilobytes, the largest in the archive well under 100 KiB.
 */
#define DGIT_DSC_MAX ((size_t)1 << 20)

struct dgit_deb822_para;

enum dgit_dsc_format {
	DGIT_FORMAT_1_0,           /* native if no .diff.gz and one .tar */
	DGIT_FORMAT_3_0_NATIVE,
	DGIT_FORMAT_3_0_QUILT,
};

enum dgit_dsc_file_kind {
	DGIT_DSC_ORIG,             /* PKG_UPV.orig.tar.EXT */
	DGIT_DSC_ORIG_COMPONENT,   /* PKG_UPV.orig-COMP.tar.EXT */
	DGIT_DSC_ORIG_SIG,         /* ....asc upstream signature */
	DGIT_DSC_DEBIAN_TAR,       /* PKG_V.debian.tar.EXT */
	DGIT_DSC_NATIVE_TAR,       /* PKG_V.tar.EXT */
	DGIT_DSC_DIFF,             /* PKG_V.diff.gz (1.0) */
	DGIT_DSC_OTHER,
	DGIT_DSC_DSC,              /* PKG_V.dsc, in a Sources entry's list */
};

struct dgit_dsc_file {
	char *name;                /* a plain file name, checked: no '/' */
	uint64_t size;
	char sha256[65];           /* lowercase hex, "" if the .dsc lacks it */
	char sha1[41];             /* lowercase hex, "" if the .dsc lacks it */
	char md5[33];              /* lowercase hex (Files) */
	enum dgit_dsc_file_kind kind;
	char *component;           /* for DGIT_DSC_ORIG_COMPONENT, else NULL */
};

struct dgit_dsc {
	char *source;
	char *version;
	char *format_str;          /* the Format field as written */
	enum dgit_dsc_format format;
	int native;                /* 1.0 native or 3.0 (native) */
	char *dgit_field;          /* Dgit: field (commit id first), or NULL */
	char *vcs_git;             /* Vcs-Git, or NULL */
	char *directory;           /* Sources: Directory field, or NULL */
	struct dgit_dsc_file *files;
	size_t nfiles;
};

/*
 * Build the model from a parsed .dsc paragraph or a Sources paragraph
 * (whose Package field stands for Source; it must list its .dsc, a .dsc
 * must not).  Errors are DGIT_ERR_PARSE, or DGIT_ERR_UNSAFE_PATH for a
 * file name with '/' or a leading '.', or an unsafe Directory.
 * Format rules are dpkg-source's: 1.0 is gzip only and native when it
 * has no .diff.gz and a PKG_V.tar.gz.  Validates: required fields,
 * a known Format, file names (no '/', no leading '.'), sizes, that
 * Files and Checksums-Sha256 and Checksums-Sha1 (each when present) list
 * the same files with the same sizes, and that the files fit the format.
 * *out is caller-owned.
 */
const struct dgit_error *dgit_dsc_from_para(struct dgit_dsc **out,
    const struct dgit_deb822_para *p, const char *what);
/* Parse a .dsc file's contents (clearsigned or not) without verifying. */
const struct dgit_error *dgit_dsc_parse(struct dgit_dsc **out,
    const char *buf, size_t len, const char *what);
void dgit_dsc_free(struct dgit_dsc *dsc);

/*
 * A Vcs-Git value without dgit's " -b BRANCH" and " [PATH]" decorations
 * (as dgit strips them: s/\s+-b\s+\S+//g, s/\s+\[[^][]*\]//g), trailing
 * blanks dropped.  Caller frees; NULL for a NULL or empty result (or no
 * memory).
 */
char *dgit_dsc_vcs_git_url(const char *v);

/*
 * The Dgit: field as dgit writes it, "COMMIT DISTRO TAG URL" (further
 * words are ignored, as dgit ignores them), or in the older form with
 * only "COMMIT".  COMMIT is 40 hex digits; DISTRO is [0-9a-zA-Z] then
 * [-+.0-9a-zA-Z]*; TAG is [-+.%_0-9a-zA-Z/]+; URL any non-blank text.
 */
struct dgit_dsc_dgit {
	char commit[41];           /* lowercase hex */
	char *distro;              /* NULL in the one-word form */
	char *tag;                 /* NULL in the one-word form */
	char *url;                 /* NULL in the one-word form */
};

/*
 * Parse field (dgit_dsc's dgit_field) into *out, which the caller
 * releases with dgit_dsc_dgit_release (also after a failure).
 * DGIT_ERR_PARSE "'WHAT': malformed Dgit: field (...)" when it is
 * neither form.
 */
const struct dgit_error *dgit_dsc_dgit_parse(struct dgit_dsc_dgit *out,
    const char *field, const char *what);
void dgit_dsc_dgit_release(struct dgit_dsc_dgit *d);

#endif
