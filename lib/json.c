/* Strict, bounded JSON reader: see dgit_json.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_buf.h"
#include "dgit_json.h"

struct parser {
	const unsigned char *p, *end, *start;
	const char *what;
	size_t nodes;
};

static const struct dgit_error *
bad(const struct parser *ps, const char *problem)
{
	return dgit_error_fmt(DGIT_ERR_PARSE, "%s is not valid JSON: %s at "
	    "byte %zu", ps->what, problem, (size_t)(ps->p - ps->start));
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
put_utf8(struct dgit_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return dgit_buf_add(b, u, n) == NULL ? 0 : -1;
}

/* A string at ps->p (the opening quote): decoded into *out, *len. */
static const struct dgit_error *
parse_string(char **out, size_t *len, struct parser *ps)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf b = DGIT_BUF_INIT;

	ps->p++;
	for (;;) {
		const unsigned char *run = ps->p;

		while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
		    *ps->p >= 0x20) {
			size_t l = utf8_len(ps->p, (size_t)(ps->end - ps->p));

			if (l == 0) {
				err = bad(ps, "invalid UTF-8 in a string");
				goto done;
			}
			ps->p += l;
		}
		if (ps->p > run &&
		    (err = dgit_buf_add(&b, run, (size_t)(ps->p - run))))
			goto done;
		if (ps->p >= ps->end) {
			err = bad(ps, "unterminated string");
			goto done;
		}
		if (*ps->p == '"') {
			ps->p++;
			break;
		}
		if (*ps->p < 0x20) {
			err = bad(ps, "control character in a string");
			goto done;
		}
		/* a backslash */
		if (ps->end - ps->p < 2) {
			err = bad(ps, "unterminated string");
			goto done;
		}
		{
			unsigned char e = ps->p[1];
			const char *simple = strchr("\"\\/bfnrt", e);
			static const char map[] = "\"\\/\b\f\n\r\t";
			unsigned u, lo;

			if (e != '\0' && simple != NULL) {
				char c = map[simple - "\"\\/bfnrt"];

				if ((err = dgit_buf_add(&b, &c, 1)))
					goto done;
				ps->p += 2;
				continue;
			}
			if (e != 'u' || ps->end - ps->p < 6 ||
			    hex4(ps->p + 2, &u) < 0) {
				err = bad(ps, "bad escape in a string");
				goto done;
			}
			ps->p += 6;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' ||
				    ps->p[1] != 'u' || hex4(ps->p + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					err = bad(ps, "unpaired surrogate");
					goto done;
				}
				ps->p += 6;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if ((u >= 0xdc00 && u <= 0xdfff) || u == 0) {
				err = bad(ps, u == 0 ? "\\u0000 in a string" :
				    "unpaired surrogate");
				goto done;
			}
			if (put_utf8(&b, u) < 0) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
		}
	}
	if ((*out = dgit_buf_detach(&b, len)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	dgit_buf_release(&b);
	return err;
}

static const struct dgit_error *
parse_number(struct dgit_json *v, struct parser *ps)
{
	const unsigned char *s = ps->p;

#define DIGIT(q) ((q) < ps->end && *(q) >= '0' && *(q) <= '9')
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (DIGIT(ps->p))
		while (DIGIT(ps->p))
			ps->p++;
	else
		return bad(ps, "bad number");
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!DIGIT(ps->p))
			return bad(ps, "bad number");
		while (DIGIT(ps->p))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!DIGIT(ps->p))
			return bad(ps, "bad number");
		while (DIGIT(ps->p))
			ps->p++;
	}
#undef DIGIT
	v->len = (size_t)(ps->p - s);
	if ((v->text = strndup((const char *)s, v->len)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

static const struct dgit_error *parse_value(struct dgit_json **out,
    struct parser *ps, int depth);

/* Append item (and key, for objects) to v, taking ownership. */
static const struct dgit_error *
append(struct dgit_json *v, char *key, struct dgit_json *item)
{
	struct dgit_json **ni;

	ni = realloc(v->items, (v->n + 1) * sizeof *ni);
	if (ni == NULL)
		goto nomem;
	v->items = ni;
	if (v->type == DGIT_JSON_OBJECT) {
		char **nk = realloc(v->keys, (v->n + 1) * sizeof *nk);

		if (nk == NULL)
			goto nomem;
		v->keys = nk;
		nk[v->n] = key;
	}
	ni[v->n++] = item;
	return NULL;
nomem:
	free(key);
	dgit_json_free(item);
	return dgit_error(DGIT_ERR_NOMEM);
}

static const struct dgit_error *
parse_container(struct dgit_json *v, struct parser *ps, int depth)
{
	const struct dgit_error *err;
	int obj = v->type == DGIT_JSON_OBJECT;
	unsigned char close = obj ? '}' : ']';

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return NULL;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;
		struct dgit_json *item = NULL;

		skip_ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"')
				return bad(ps, "expected a string key");
			if ((err = parse_string(&key, &klen, ps)))
				return err;
			if (strlen(key) != klen) {
				free(key);
				return bad(ps, "NUL in a key");
			}
			if (dgit_json_get(v, key) != NULL) {
				free(key);
				return bad(ps, "duplicate key");
			}
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				return bad(ps, "expected ':'");
			}
			ps->p++;
		}
		if ((err = parse_value(&item, ps, depth + 1))) {
			free(key);
			return err;
		}
		if ((err = append(v, key, item)))
			return err;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return NULL;
		}
		return bad(ps, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
	}
}

static const struct dgit_error *
parse_value(struct dgit_json **out, struct parser *ps, int depth)
{
	const struct dgit_error *err = NULL;
	struct dgit_json *v;
	size_t left;

	*out = NULL;
	if (depth > DGIT_JSON_MAX_DEPTH)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "%s nests deeper than "
		    "%d levels", ps->what, DGIT_JSON_MAX_DEPTH);
	if (++ps->nodes > DGIT_JSON_MAX_NODES)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "%s has more than %d "
		    "values", ps->what, DGIT_JSON_MAX_NODES);
	skip_ws(ps);
	if (ps->p >= ps->end)
		return bad(ps, "unexpected end");
	if ((v = calloc(1, sizeof *v)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	left = (size_t)(ps->end - ps->p);
	switch (*ps->p) {
	case '{':
		v->type = DGIT_JSON_OBJECT;
		err = parse_container(v, ps, depth);
		break;
	case '[':
		v->type = DGIT_JSON_ARRAY;
		err = parse_container(v, ps, depth);
		break;
	case '"':
		v->type = DGIT_JSON_STRING;
		err = parse_string(&v->text, &v->len, ps);
		break;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "null", "false", "true" };
		static const enum dgit_json_type types[] = {
			DGIT_JSON_NULL, DGIT_JSON_FALSE, DGIT_JSON_TRUE };
		size_t k;

		for (k = 0; k < 3; k++)
			if (left >= strlen(words[k]) &&
			    memcmp(ps->p, words[k], strlen(words[k])) == 0)
				break;
		if (k == 3) {
			err = bad(ps, "unexpected character");
			break;
		}
		v->type = types[k];
		ps->p += strlen(words[k]);
		break;
	}
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
			v->type = DGIT_JSON_NUMBER;
			err = parse_number(v, ps);
		} else
			err = bad(ps, "unexpected character");
	}
	if (err) {
		dgit_json_free(v);
		return err;
	}
	*out = v;
	return NULL;
}

const struct dgit_error *
dgit_json_parse(struct dgit_json **out, const char *buf, size_t len,
    const char *what)
{
	const struct dgit_error *err;
	struct parser ps;
	struct dgit_json *v = NULL;

	*out = NULL;
	ps.p = ps.start = (const unsigned char *)buf;
	ps.end = ps.p + len;
	ps.what = what;
	ps.nodes = 0;
	if ((err = parse_value(&v, &ps, 0)))
		return err;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		dgit_json_free(v);
		return bad(&ps, "trailing data after the value");
	}
	*out = v;
	return NULL;
}

void
dgit_json_free(struct dgit_json *v)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		dgit_json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
	free(v);
}

const struct dgit_json *
dgit_json_get(const struct dgit_json *v, const char *key)
{
	if (v == NULL || v->type != DGIT_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

const char *
dgit_json_string(const struct dgit_json *v)
{
	return v != NULL && v->type == DGIT_JSON_STRING ? v->text : NULL;
}
