/*
 * A growable byte buffer with a cap (libgit2's git_str, git's strbuf).
 * The contents are always NUL-terminated once anything was added (the
 * NUL is not counted in len); an empty buffer has ptr NULL.
 *
 *   struct dgit_buf b = DGIT_BUF_INIT;       (no cap)
 *   dgit_buf_init(&b, 1 << 20);              (at most 1 MiB of contents)
 *   err = dgit_buf_add(&b, data, n);
 *   ...; dgit_buf_release(&b);
 *
 * Adding beyond the cap fails with DGIT_ERR_LIMIT and leaves the buffer
 * as it was.  Use a cap whenever the bytes come from outside.
 */
#ifndef DGIT_BUF_H
#define DGIT_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "dgit_error.h"

struct dgit_buf {
	char *ptr;                 /* owned; NULL while empty */
	size_t len;                /* bytes of contents */
	size_t alloc;              /* bytes allocated */
	size_t cap;                /* most contents allowed; 0: no cap */
};
#define DGIT_BUF_INIT { NULL, 0, 0, 0 }

/* An empty buffer holding at most cap bytes (0: no cap). */
void dgit_buf_init(struct dgit_buf *b, size_t cap);

/* Free the contents; the buffer is empty (and keeps its cap). */
void dgit_buf_release(struct dgit_buf *b);

/* Make it empty, keeping the allocation. */
void dgit_buf_clear(struct dgit_buf *b);

/* Room for n more bytes (and the NUL) without reallocating. */
const struct dgit_error *dgit_buf_grow(struct dgit_buf *b, size_t n);

const struct dgit_error *dgit_buf_add(struct dgit_buf *b, const void *data,
    size_t n);
const struct dgit_error *dgit_buf_adds(struct dgit_buf *b, const char *s);
const struct dgit_error *dgit_buf_addch(struct dgit_buf *b, char c);

/* Append printf-style formatted text (vsnprintf into the buffer). */
const struct dgit_error *dgit_buf_addf(struct dgit_buf *b, const char *fmt,
    ...) __attribute__((format(printf, 2, 3)));
const struct dgit_error *dgit_buf_vaddf(struct dgit_buf *b, const char *fmt,
    va_list ap) __attribute__((format(printf, 2, 0)));

/* Drop everything after the first n bytes (n <= len). */
void dgit_buf_truncate(struct dgit_buf *b, size_t n);

/*
 * Take the contents: a NUL-terminated string the caller frees (never
 * NULL unless out of memory: an empty buffer gives ""), its length in
 * *len when len is not NULL.  The buffer is left empty.
 */
char *dgit_buf_detach(struct dgit_buf *b, size_t *len);

#endif
