#ifndef DGIT_MAILHDR_H
#define DGIT_MAILHDR_H

/*
 * Mail headers as `git mailinfo -k` reads them (gbp pq import, which
 * Perl dgit runs to make the patch commits, reads each patch's header
 * with it): folded header lines, RFC 2047 encoded words, the charset of
 * Content-Type, in-body From/Subject/Date headers, the patch break.
 * Util layer: knows nothing of Debian.
 */

#include <stddef.h>

#include "dgit_error.h"

/*
 * What `git mailinfo -k MSG PATCH` makes of buf: *info is the text it
 * prints on stdout ("Author: ..\nEmail: ..\nSubject: ..\nDate: ..\n\n",
 * each line only when the header was there), *msg the message it writes
 * to MSG, both converted to UTF-8 where a charset says what they are in.
 * Not handled (taken as 8bit text): quoted-printable and base64 transfer
 * encodings and multipart bodies, which patch headers do not use.
 * Fails where git mailinfo fails: no text at all, a broken encoded word,
 * a charset iconv cannot convert.  Both results are
 * malloc'd, NUL-terminated, caller frees; NULL on failure.
 */
const struct dgit_error *dgit_mailhdr_mailinfo(char **info, size_t *info_len,
    char **msg, size_t *msg_len, const char *buf, size_t len);

#endif
