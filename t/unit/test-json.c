/*
 * The JSON reader: must-parse and must-fail tables.  Every entry whose
 * verdict is the grammar's (not one of our extra refusals: duplicate
 * keys, "\u0000", unpaired surrogates) is also put to Python's json
 * module, which must agree, when python3 is installed.  Decoded values
 * are checked against what RFC 8259 says they mean.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dgit_json.h"
#include "unit.h"

extern char **environ;

/* 1: python3 accepts text as JSON, 0: it refuses it, -1: cannot tell. */
static int
python_accepts(const char *text, size_t len)
{
	char path[] = "/tmp/dgit-test-json.XXXXXX";
	char *const argv[] = { "python3", "-c",
	    "import json,sys\n"
	    "def no(x): raise ValueError(x)\n"
	    "json.loads(sys.stdin.buffer.read().decode('utf-8'),"
	    " parse_constant=no)\n", NULL };
	posix_spawn_file_actions_t fa;
	int fd, status, rc = -1;
	pid_t pid;

	if ((fd = mkstemp(path)) < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, path, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "python3", &fa, NULL, argv, environ) == 0 &&
	    waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		rc = WEXITSTATUS(status) == 0 ? 1 :
		    WEXITSTATUS(status) == 1 ? 0 : -1;
	posix_spawn_file_actions_destroy(&fa);
	unlink(path);
	return rc;
}

struct good { const char *text; const char *first_string; };

static const struct good good[] = {
	{ "[]", NULL },
	{ "{}", NULL },
	{ " \n\t[ 1 , -0.5e+3 , 0 , 1E2 ]\r\n", NULL },
	{ "[\"a\"]", "a" },
	{ "[\"\\u00e9\"]", "\xc3\xa9" },
	{ "[\"\\ud83d\\ude00\"]", "\xf0\x9f\x98\x80" },
	{ "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t" },
	{ "[\"\xc3\xa9\"]", "\xc3\xa9" },
	{ "[true,false,null]", NULL },
	{ "{\"a\":{\"b\":[{}]}}", NULL },
	{ "\"plain\"", "plain" },
	{ "[{\"version\":\"3-1\",\"sha256sum\":\"ab\"}]", NULL },
};

struct badj { const char *text; int ours_only; };

static const struct badj bad[] = {
	{ "", 0 },
	{ "[", 0 },
	{ "[1,]", 0 },
	{ "{\"a\":1,}", 0 },
	{ "{a:1}", 0 },
	{ "['a']", 0 },
	{ "[01]", 0 },
	{ "[1.]", 0 },
	{ "[.5]", 0 },
	{ "[1e]", 0 },
	{ "[+1]", 0 },
	{ "[NaN]", 0 },
	{ "[Infinity]", 0 },
	{ "[tru]", 0 },
	{ "[nul]", 0 },
	{ "[] []", 0 },
	{ "[\"a\nb\"]", 0 },
	{ "[\"\\x\"]", 0 },
	{ "[\"\\u12\"]", 0 },
	{ "[\"abc]", 0 },
	{ "[\"\xff\"]", 0 },
	{ "[\"\xc0\xaf\"]", 0 },
	{ "[\"\xed\xa0\x80\"]", 0 },
	{ "{\"a\" 1}", 0 },
	{ "[1 2]", 0 },
	{ "{\"a\":1,\"a\":2}", 1 },
	{ "[\"\\u0000\"]", 1 },
	{ "[\"\\ud800\"]", 1 },
	{ "[\"\\udc00x\"]", 1 },
};

/* text with control characters and non-ASCII shown as \xNN */
static const char *
show(const char *t)
{
	static char out[512];
	size_t o = 0;

	for (; *t && o + 5 < sizeof out; t++) {
		unsigned char c = (unsigned char)*t;

		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, sizeof out - o,
			    "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

int
main(void)
{
	const struct dgit_error *err;
	struct dgit_json *v;
	size_t i;
	int py = python_accepts("[]", 2) == 1;

	if (!py)
		unit_diag("python3 not usable: not cross-checking");
	for (i = 0; i < sizeof good / sizeof *good; i++) {
		const char *t = good[i].text;

		err = dgit_json_parse(&v, t, strlen(t), "'test'");
		unit_ok(err == NULL, "parses: %s", show(t));
		if (err)
			unit_diag("  %s", err->msg);
		if (py)
			unit_ok(python_accepts(t, strlen(t)) == 1,
			    "python3 agrees it parses: %s", show(t));
		if (err == NULL && good[i].first_string) {
			const char *s = v->type == DGIT_JSON_STRING ? v->text :
			    v->n > 0 ? dgit_json_string(v->items[0]) : NULL;

			UNIT_STREQ(s, good[i].first_string, "decodes: %s", show(t));
		}
		dgit_json_free(v);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *t = bad[i].text;

		err = dgit_json_parse(&v, t, strlen(t), "'test'");
		unit_ok(err != NULL && v == NULL &&
		    (err->code == DGIT_ERR_PARSE), "refused: %s", show(t));
		if (err && !strstr(err->msg, "'test' is not valid JSON"))
			unit_ok(0, "message names the input: %s", err->msg);
		if (py && !bad[i].ours_only)
			unit_ok(python_accepts(t, strlen(t)) == 0,
			    "python3 agrees it is refused: %s", show(t));
	}

	/* Objects: members by key, in order. */
	{
		const char *t = "{\"b\":\"x\",\"a\":[1,2],\"c\":null}";

		err = dgit_json_parse(&v, t, strlen(t), "'test'");
		unit_ok(err == NULL && v->type == DGIT_JSON_OBJECT && v->n == 3,
		    "an object of three members");
		if (err == NULL) {
			UNIT_STREQ(dgit_json_string(dgit_json_get(v, "b")),
			    "x", "member b");
			unit_ok(dgit_json_get(v, "a")->n == 2 &&
			    strcmp(dgit_json_get(v, "a")->items[1]->text,
			    "2") == 0, "member a is [1,2]");
			unit_ok(dgit_json_get(v, "c")->type == DGIT_JSON_NULL,
			    "member c is null");
			unit_ok(dgit_json_get(v, "d") == NULL, "no member d");
			unit_ok(dgit_json_string(dgit_json_get(v, "a")) ==
			    NULL, "an array is not a string");
			unit_ok(strcmp(v->keys[0], "b") == 0, "order kept");
		}
		dgit_json_free(v);
	}

	/* The depth cap. */
	{
		size_t n = DGIT_JSON_MAX_DEPTH + 2;
		char *deep = malloc(2 * n);

		memset(deep, '[', n);
		memset(deep + n, ']', n);
		err = dgit_json_parse(&v, deep, 2 * n, "'deep'");
		unit_ok(err != NULL && err->code == DGIT_ERR_LIMIT,
		    "nesting deeper than the cap is refused");
		err = dgit_json_parse(&v, deep + 2, 2 * n - 4, "'deep'");
		unit_ok(err == NULL, "nesting at the cap parses");
		dgit_json_free(v);
		free(deep);
	}
	/* Embedded NUL byte in the input. */
	err = dgit_json_parse(&v, "[\"a\0\"]", 6, "'nul'");
	unit_ok(err != NULL, "a raw NUL byte in a string is refused");
	return unit_done();
}
