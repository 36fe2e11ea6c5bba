/* dgit rpush's protocol helpers: version choice, shell quoting. */
#include <stdlib.h>
#include <string.h>

#include "dgit_rpush.h"
#include "unit.h"

/* what Perl dgit's String::ShellQuote makes of each (run by hand:
 * perl -MString::ShellQuote -e 'print shell_quote($ARGV[0])' ...) */
static const struct {
	const char *in, *out;
} quotes[] = {
	{ "plain", "plain" },
	{ "a b", "'a b'" },
	{ "it's", "'it'\\''s'" },
	{ "", "''" },
	{ "-cdgit.x=y", "'-cdgit.x=y'" },
	{ "[signed-by=/x] file:///y", "'[signed-by=/x] file:///y'" },
	{ "6,5,4", "6,5,4" },
	{ "x$y", "'x$y'" },
	{ "a%b+c@d^e", "a%b+c@d^e" },
	{ "~home", "'~home'" },
	{ "x;rm", "'x;rm'" },
};

static const struct {
	const char *offer;
	int want;                  /* 0: refused */
} versions[] = {
	{ "6,5,4", 6 },
	{ "4,5", 5 },
	{ "4", 4 },
	{ "5", 5 },
	{ "3,2,1", 0 },
	{ "1", 0 },
	{ "66", 0 },
	{ "", 0 },
	{ ",4,", 4 },
};

int
main(void)
{
	char *line = NULL;

	for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
		char *q = NULL;

		unit_ok(dgit_rpush_shell_quote(&q, quotes[i].in) == NULL,
		    "quote '%s'", quotes[i].in);
		UNIT_STREQ(q, quotes[i].out, "quoted '%s'", quotes[i].in);
		free(q);
	}
	/* words join with one space */
	unit_ok(dgit_rpush_shell_quote(&line, "dgit") == NULL &&
	    dgit_rpush_shell_quote(&line, "a b") == NULL &&
	    dgit_rpush_shell_quote(&line, "c") == NULL, "a command line");
	UNIT_STREQ(line, "dgit 'a b' c", "joined");
	free(line);
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
		int v = -1;
		const struct dgit_error *err =
		    dgit_rpush_pick_version(&v, versions[i].offer);

		unit_ok(versions[i].want ? err == NULL && v ==
		    versions[i].want : err != NULL && v == 0 &&
		    strstr(err->msg, "protocol versions") != NULL,
		    "offer '%s' gives %d (got %d)", versions[i].offer,
		    versions[i].want, v);
	}
	return unit_done();
}
