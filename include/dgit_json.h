/*
 * A strict, bounded JSON (RFC 8259) reader for what archive query
 * services answer.  The whole text is parsed into a tree: objects keep
 * their members in order, duplicate keys are refused, strings are
 * decoded to UTF-8 (a "\u0000" or an unpaired surrogate is refused, as is
 * invalid UTF-8 in the input), numbers are kept as their text after
 * checking the grammar.  Caps: DGIT_JSON_MAX_DEPTH nesting levels and
 * DGIT_JSON_MAX_NODES values; the caller caps the input's size.
 */
#ifndef DGIT_JSON_H
#define DGIT_JSON_H

#include <stddef.h>

#include "dgit_error.h"

#define DGIT_JSON_MAX_DEPTH 64
#define DGIT_JSON_MAX_NODES 1000000

enum dgit_json_type {
	DGIT_JSON_NULL,
	DGIT_JSON_FALSE,
	DGIT_JSON_TRUE,
	DGIT_JSON_NUMBER,          /* text: the number as written */
	DGIT_JSON_STRING,          /* text: decoded, NUL-terminated */
	DGIT_JSON_ARRAY,           /* items[n] */
	DGIT_JSON_OBJECT           /* keys[n] (decoded), items[n] */
};

struct dgit_json {
	enum dgit_json_type type;
	char *text;                /* NUMBER, STRING */
	size_t len;                /* of text */
	char **keys;               /* OBJECT */
	struct dgit_json **items;  /* ARRAY, OBJECT */
	size_t n;
};

/*
 * Parse len bytes of buf (one JSON value, surrounding white space
 * allowed).  what names the input in messages ("'aq/suites'").  Errors:
 * DGIT_ERR_PARSE with the byte offset, DGIT_ERR_LIMIT for the caps.
 * *out is caller-owned: dgit_json_free.
 */
const struct dgit_error *dgit_json_parse(struct dgit_json **out,
    const char *buf, size_t len, const char *what);
void dgit_json_free(struct dgit_json *v);

/* The member key of an object, or NULL (also when v is not an object). */
const struct dgit_json *dgit_json_get(const struct dgit_json *v,
    const char *key);
/* v's text when it is a string, else NULL. */
const char *dgit_json_string(const struct dgit_json *v);

#endif
