/*
 * Unit tests for the reading of debian/source/options as dgit reads it
 * for single-debian-patch (comment and blank lines skipped, trailing
 * white space dropped, the name ending at a '#'), and for the
 * distro-specific series check's notion of an active series file (a line
 * that is neither blank nor a comment, as dpkg-source reads series).
 */
#include <stdlib.h>
#include <string.h>

#include "dgit_singlepatch.h"
#include "dgit_vendorseries.h"
#include "unit.h"

static const struct {
	const char *name, *text;
	int want;
} options[] = {
	{ "absent", NULL, 0 },
	{ "empty", "", 0 },
	{ "the option", "single-debian-patch\n", 1 },
	{ "no final newline", "single-debian-patch", 1 },
	{ "trailing blanks", "single-debian-patch  \t\n", 1 },
	{ "crlf", "single-debian-patch\r\n", 1 },
	{ "among others", "compression = xz\nsingle-debian-patch\n", 1 },
	{ "trailing comment", "single-debian-patch # why\n", 1 },
	{ "commented out", "# single-debian-patch\n", 0 },
	{ "indented comment", "   # single-debian-patch\n", 0 },
	{ "a longer name", "single-debian-patches\n", 0 },
	{ "a prefix only", "single-debian\n", 0 },
	{ "leading blank kept in the name", " single-debian-patch\n", 0 },
	{ "with a value", "single-debian-patch = 1\n", 0 },
	{ "blank lines", "\n\n  \nsingle-debian-patch\n", 1 },
};


int
main(void)
{
	for (size_t i = 0; i < sizeof options / sizeof *options; i++)
		unit_ok(dgit_singlepatch_wanted(options[i].text) ==
		    options[i].want, "options: %s", options[i].name);
	{
		struct dgit_vendorseries_check c[4];
		size_t n = 0;

		dgit_vendorseries_checks(c, &n, "x", "debian", "test-dummy");
		unit_ok(n == 4 && strcmp(c[0].what, "DEB_VENDOR") == 0 &&
		    strcmp(c[1].vendor, "debian") == 0 &&
		    strcmp(c[2].what, "(base) distro being accessed") == 0 &&
		    strcmp(c[3].vendor, "test-dummy") == 0,
		    "the checks in dgit's order");
	}
	return unit_done();
}
