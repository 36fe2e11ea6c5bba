/* Unit tests for the bounded growable buffer. */
#include <stdlib.h>
#include <string.h>

#include "dgit_buf.h"
#include "unit.h"

struct add_case {
	const char *name;
	size_t cap;
	const char *const parts[5];
	const char *want;          /* contents after all parts that fit */
	int fails_at;              /* index of the part over the cap, or -1 */
};

static const struct add_case cases[] = {
	{ "no cap", 0, { "a", "bc", "", "def", NULL }, "abcdef", -1 },
	{ "fits exactly", 6, { "abc", "def", NULL }, "abcdef", -1 },
	{ "one byte over", 5, { "abc", "def", NULL }, "abc", 1 },
	{ "first part over", 2, { "abc", NULL }, "", 0 },
};

int
main(void)
{
	const struct dgit_error *err;
	struct dgit_buf b = DGIT_BUF_INIT;
	char *s, big[5000];
	size_t len;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct add_case *c = &cases[i];
		int failed = -1;

		dgit_buf_init(&b, c->cap);
		for (int j = 0; c->parts[j]; j++) {
			err = dgit_buf_adds(&b, c->parts[j]);
			if (err && failed < 0) {
				failed = j;
				unit_ok(err->code == DGIT_ERR_LIMIT,
				    "%s: DGIT_ERR_LIMIT", c->name);
			}
		}
		unit_ok(failed == c->fails_at, "%s: fails at part %d", c->name,
		    c->fails_at);
		unit_ok(b.len == strlen(c->want) && (b.len == 0 ||
		    strcmp(b.ptr, c->want) == 0), "%s: contents", c->name);
		unit_ok(c->cap == 0 || b.alloc <= c->cap + 1,
		    "%s: never allocates beyond the cap", c->name);
		dgit_buf_release(&b);
	}

	/* addf: short, then longer than the room there is. */
	dgit_buf_init(&b, 0);
	unit_ok(dgit_buf_addf(&b, "%d-%s", 42, "x") == NULL &&
	    strcmp(b.ptr, "42-x") == 0, "addf");
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	unit_ok(dgit_buf_addf(&b, "[%s]", big) == NULL && b.len == 4 + 2 +
	    strlen(big) && b.ptr[4] == '[' && b.ptr[b.len - 1] == ']' &&
	    b.ptr[b.len] == '\0', "addf growing the buffer");
	dgit_buf_release(&b);
	dgit_buf_init(&b, 10);
	unit_ok(dgit_buf_adds(&b, "12345") == NULL, "add under a cap");
	err = dgit_buf_addf(&b, "%s", "678901");
	unit_ok(err && err->code == DGIT_ERR_LIMIT && b.len == 5 &&
	    strcmp(b.ptr, "12345") == 0, "addf over the cap leaves the buffer");
	err = dgit_buf_addf(&b, "%s", "67890");
	unit_ok(err == NULL && strcmp(b.ptr, "1234567890") == 0,
	    "addf up to the cap");
	dgit_buf_truncate(&b, 3);
	unit_ok(b.len == 3 && strcmp(b.ptr, "123") == 0, "truncate");
	unit_ok(dgit_buf_addch(&b, '\0') == NULL && b.len == 4 &&
	    dgit_buf_add(&b, "x", 1) == NULL && memcmp(b.ptr, "123\0x", 6) == 0,
	    "NUL bytes are contents");
	s = dgit_buf_detach(&b, &len);
	unit_ok(s && len == 5 && b.ptr == NULL && b.len == 0,
	    "detach hands over the contents");
	free(s);
	s = dgit_buf_detach(&b, &len);
	unit_ok(s && len == 0 && s[0] == '\0', "detach of an empty buffer is \"\"");
	free(s);
	dgit_buf_clear(&b);
	unit_ok(b.len == 0, "clear of an empty buffer");
	unit_ok(dgit_buf_grow(&b, (size_t)-1) != NULL, "growing by SIZE_MAX fails");
	dgit_buf_release(&b);
	return unit_done();
}
