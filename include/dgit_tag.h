/*
 * dgit's signed tags: the message of the dgit-view tag archive/DISTRO/V
 * and the parts of a signed git tag object.  Used by the git server's
 * checks and by push-source, which makes the same tags.
 *
 * The dgit-view tag message, as dgit writes it:
 *
 *   PKG release VERSION for CLOGSUITE (CSUITE) [dgit]
 *   <blank line>
 *   [dgit distro=DISTRO split|no-split [--quilt=MODE] [--deliberately-X]...]
 *   [dgit previously:REF=OBJID]          (zero or more, sorted by REF)
 *
 * CLOGSUITE is the changelog's distribution, CSUITE the canonical suite
 * pushed to (refs/dgit/CSUITE).  Parsing follows dgit's git server: the
 * headline must match exactly; other lines are free text except those of
 * the form "[dgit ITEMS]" (ITEMS not starting with '"', which is kept for
 * future use), whose space-separated items are distro=, previously:,
 * split, no-split, --quilt=, --deliberately-*; any other item starting
 * with one of "-+.=0-9a-z" is ignored (room for new items), anything else
 * is an error.  The message ends at a "-----BEGIN PGP" line.
 */
#ifndef DGIT_TAG_H
#define DGIT_TAG_H

#include <stddef.h>

#include "dgit_error.h"

/* Longest tag object the parsers accept (a dgit tag is well under 4 KiB). */
#define DGIT_TAG_MAX (256 * 1024)

struct dgit_tag_previously {
	char *ref;     /* e.g. "tags/archive/debian/1.0-1", "heads/master" */
	char *objid;   /* hex object id */
};

/* A parsed dgit-view tag message; every string is owned by the struct. */
struct dgit_tag_info {
	char *package;
	char *version;
	char *clogsuite;
	char *csuite;
	char *distro;       /* NULL when no distro= item */
	int split;          /* 1 split, 0 no-split, -1 not said */
	char *quilt;        /* MODE of --quilt=MODE, NULL when absent */
	char **deliberately;            /* "--deliberately-X", in order */
	size_t ndeliberately;
	struct dgit_tag_previously *previously;
	size_t npreviously;
};

/*
 * Parse msg (len bytes, need not be NUL-terminated; a trailing signature
 * block is allowed and ignored) into *info (zeroed on entry; release with
 * dgit_tag_info_release, also after a failure).  DGIT_ERR_PARSE naming the
 * line or item when the headline does not match, an item is malformed, the
 * version is invalid, distro= or the same previously: ref is given twice.
 */
const struct dgit_error *dgit_tag_parse_message(struct dgit_tag_info *info,
    const char *msg, size_t len);
void dgit_tag_info_release(struct dgit_tag_info *info);

/* 1 if info has the item "--deliberately-WHAT" (what without the prefix). */
int dgit_tag_has_deliberately(const struct dgit_tag_info *info,
    const char *what);

/*
 * Format info as dgit writes the dgit-view tag message (above); split -1
 * writes neither split nor no-split.  previously entries are written in
 * the order given (dgit sorts them by ref).  *out is the caller's (free).
 */
const struct dgit_error *dgit_tag_format_message(char **out,
    const struct dgit_tag_info *info);

/*
 * Split a raw tag object (as stored: headers, blank line, message) at its
 * OpenPGP signature, as git verify-tag does: *payload_len is the length of
 * the signed part, the signature runs from there to len.  DGIT_ERR_BAD_SIGNATURE
 * when there is no "-----BEGIN PGP SIGNATURE-----" line.
 */
const struct dgit_error *dgit_tag_split_signature(size_t *payload_len,
    const char *buf, size_t len);

/* 1 if s is a valid Debian source package name ([0-9a-z][-+.0-9a-z]+). */
int dgit_tag_package_name_ok(const char *s);

#endif
