/*
 * deb822 control files (Sources, Release, .dsc, .changes, debian/control)
 * and OpenPGP clearsigned messages.
 *
 * Field values: the first line's text after "Name:" with surrounding
 * whitespace removed; each continuation line is appended as '\n' followed
 * by the line with its leading whitespace and trailing whitespace removed.
 * So a Files field reads "\nMD5 SIZE NAME\nMD5 SIZE NAME".
 * Field names compare case-insensitively; a duplicate field is an error.
 * Comment lines ('#' in column 0) are skipped.  A "\r" before "\n" is
 * ignored (CRLF files parse like LF files); a line of only blanks ends a
 * paragraph, like an empty one.  Errors: DGIT_ERR_PARSE, or
 * DGIT_ERR_LIMIT for a paragraph or line over 16 MiB.
 * For a large index (Sources: 50 MB) prefer the stream parser: it does
 * not copy each paragraph.
 */
#ifndef DGIT_DEB822_H
#define DGIT_DEB822_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_deb822_para;       /* one paragraph; opaque */

/* Value of field name (case-insensitive), or NULL.  Borrowed. */
const char *dgit_deb822_get(const struct dgit_deb822_para *p,
    const char *name);
/* Fields in file order. */
size_t dgit_deb822_nfields(const struct dgit_deb822_para *p);
const char *dgit_deb822_field_name(const struct dgit_deb822_para *p,
    size_t i);
const char *dgit_deb822_field_value(const struct dgit_deb822_para *p,
    size_t i);
/* 1-based line number of the paragraph's first field in its input. */
size_t dgit_deb822_line(const struct dgit_deb822_para *p);
void dgit_deb822_para_free(struct dgit_deb822_para *p);

/*
 * Parse a whole buffer into paragraphs.  *out is a caller-owned array of
 * *n caller-owned paragraphs; free with dgit_deb822_paras_free.  what names
 * the input in error messages ("'xen_4.17.dsc' line 7: ...").
 */
const struct dgit_error *dgit_deb822_parse(struct dgit_deb822_para ***out,
    size_t *n, const char *buf, size_t len, const char *what);
void dgit_deb822_paras_free(struct dgit_deb822_para **paras, size_t n);

/*
 * Streaming parser for large indexes: feed bytes as they arrive; cb is
 * called with each complete paragraph (borrowed for the call only; a
 * non-NULL return from cb stops parsing and is returned by feed/finish).
 * Memory is bounded by the largest paragraph (capped at 16 MiB).
 */
struct dgit_deb822_stream;
typedef const struct dgit_error *(*dgit_deb822_para_cb)(
    const struct dgit_deb822_para *p, void *arg);
const struct dgit_error *dgit_deb822_stream_new(
    struct dgit_deb822_stream **out, const char *what,
    dgit_deb822_para_cb cb, void *arg);
const struct dgit_error *dgit_deb822_stream_feed(
    struct dgit_deb822_stream *s, const char *buf, size_t len);
/* End of input: flushes the last paragraph. */
const struct dgit_error *dgit_deb822_stream_finish(
    struct dgit_deb822_stream *s);
void dgit_deb822_stream_free(struct dgit_deb822_stream *s);

/*
 * A clearsigned message (RFC 4880 section 7) split into its parts.
 * text: the signed text with dash-escaping undone and the final line
 * ending before the signature removed, as OpenPGP defines it; trailing
 * spaces and tabs on each line are dropped too, since the signature does
 * not cover them (RFC 4880 7.1); line endings are kept as written;
 * signature: the whole "-----BEGIN PGP SIGNATURE-----" armor block.
 * Text before the BEGIN line or after the END line other than blank lines
 * is an error.  An unsigned input (no BEGIN PGP SIGNED MESSAGE line) gives
 * DGIT_ERR_BAD_SIGNATURE, with *out still NULL.
 */
struct dgit_clearsigned {
	char *text;
	size_t text_len;
	char *signature;
	size_t signature_len;
	char *hash;                /* the Hash: header value(s), or NULL */
};
const struct dgit_error *dgit_clearsigned_split(
    struct dgit_clearsigned **out, const char *buf, size_t len,
    const char *what);
void dgit_clearsigned_free(struct dgit_clearsigned *cs);

#endif
