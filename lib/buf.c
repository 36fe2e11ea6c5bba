/* Bounded growable buffer; see dgit_buf.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_buf.h"

void
dgit_buf_init(struct dgit_buf *b, size_t cap)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void
dgit_buf_release(struct dgit_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
}

void
dgit_buf_clear(struct dgit_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

const struct dgit_error *
dgit_buf_grow(struct dgit_buf *b, size_t n)
{
	size_t need, na;
	char *np;

	if (n > SIZE_MAX - 1 - b->len)
		return dgit_error(DGIT_ERR_NOMEM);
	if (b->cap && b->len + n > b->cap)
		return dgit_error_fmt(DGIT_ERR_LIMIT,
		    "data too large (over %zu bytes)", b->cap);
	need = b->len + n + 1;
	if (need <= b->alloc)
		return NULL;
	na = b->alloc ? b->alloc : 64;
	while (na < need)
		na = na > SIZE_MAX / 2 ? need : na * 2;
	/* Never allocate far beyond the cap. */
	if (b->cap && na > b->cap + 1)
		na = b->cap + 1;
	np = realloc(b->ptr, na);
	if (np == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (b->ptr == NULL)
		np[0] = '\0';
	b->ptr = np;
	b->alloc = na;
	return NULL;
}

const struct dgit_error *
dgit_buf_add(struct dgit_buf *b, const void *data, size_t n)
{
	const struct dgit_error *err;

	if ((err = dgit_buf_grow(b, n)))
		return err;
	if (n)
		memmove(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return NULL;
}

const struct dgit_error *
dgit_buf_adds(struct dgit_buf *b, const char *s)
{
	return dgit_buf_add(b, s, strlen(s));
}

const struct dgit_error *
dgit_buf_addch(struct dgit_buf *b, char c)
{
	return dgit_buf_add(b, &c, 1);
}

const struct dgit_error *
dgit_buf_vaddf(struct dgit_buf *b, const char *fmt, va_list ap)
{
	const struct dgit_error *err;
	va_list cp;
	int n;

	/* Try in the room there is; grow once to the exact size if short. */
	if (b->alloc == 0 && (err = dgit_buf_grow(b, 0)))
		return err;
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad format '%s'", fmt);
	}
	if ((size_t)n >= b->alloc - b->len) {
		b->ptr[b->len] = '\0';
		if ((err = dgit_buf_grow(b, (size_t)n)))
			return err;
		va_copy(cp, ap);
		vsnprintf(b->ptr + b->len, b->alloc - b->len, fmt, cp);
		va_end(cp);
	} else if (b->cap && b->len + (size_t)n > b->cap) {
		b->ptr[b->len] = '\0';
		return dgit_error_fmt(DGIT_ERR_LIMIT,
		    "data too large (over %zu bytes)", b->cap);
	}
	b->len += (size_t)n;
	return NULL;
}

const struct dgit_error *
dgit_buf_addf(struct dgit_buf *b, const char *fmt, ...)
{
	const struct dgit_error *err;
	va_list ap;

	va_start(ap, fmt);
	err = dgit_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return err;
}

void
dgit_buf_truncate(struct dgit_buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->ptr[n] = '\0';
	}
}

char *
dgit_buf_detach(struct dgit_buf *b, size_t *len)
{
	char *p = b->ptr;

	if (len)
		*len = b->len;
	if (p == NULL)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	return p;
}
