/*
 * dgit's per-path lines for a source package that is not the git tree
 * (dgit_treecmp_describe_modes): the modes as git diff --raw prints
 * them less a regular file's type digits, as Perl dgit's push words
 * them, and the cap on their length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_treecmp.h"
#include "unit.h"

static const struct {
	const char *what;
	enum dgit_treecmp_kind kind;
	unsigned mode_a, mode_b;
	const char *want;
} cases[] = {
	{ "content", DGIT_TREECMP_CONTENT, 0100644, 0100644,
	  "Content change: p\n" },
	{ "content of an executable", DGIT_TREECMP_CONTENT, 0100755, 0100755,
	  "Content change: p\n" },
	{ "content and mode", DGIT_TREECMP_CONTENT, 0100644, 0100755,
	  "Mode change from 644 to 755 (contents differ too): p\n" },
	{ "mode only", DGIT_TREECMP_MODE, 0100644, 0100755,
	  "Mode change from 644 to 755: p\n" },
	{ "only in the package", DGIT_TREECMP_ONLY_A, 0100644, 0,
	  "Mode change from 644 to 000000 (only in the source package): p\n" },
	{ "only in git", DGIT_TREECMP_ONLY_B, 0, 0100755,
	  "Mode change from 000000 to 755 (only in git): p\n" },
	{ "a symlink only in the package", DGIT_TREECMP_ONLY_A, 0120000, 0,
	  "Mode change from 20000 to 000000 (only in the source package): p\n" },
	{ "a symlink made a file", DGIT_TREECMP_TYPE, 0120000, 0100644,
	  "Mode change from 20000 to 644 (file type differs): p\n" },
	{ "a gitlink", DGIT_TREECMP_TYPE, 0160000, 0100644,
	  "Mode change from 60000 to 644 (file type differs): p\n" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dgit_treecmp_entry e = { "p", cases[i].kind,
		    cases[i].mode_a, cases[i].mode_b };
		struct dgit_treecmp c = { &e, 1, 1 };
		char *s = dgit_treecmp_describe_modes(&c, 0);

		UNIT_STREQ(s, cases[i].want, "%s", cases[i].what);
		free(s);
	}
	{
		/* more than max bytes: the first lines, then the count */
		struct dgit_treecmp_entry e[3] = {
			{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			  DGIT_TREECMP_CONTENT, 0100644, 0100644 },
			{ "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
			  DGIT_TREECMP_CONTENT, 0100644, 0100644 },
			{ "c", DGIT_TREECMP_CONTENT, 0100644, 0100644 },
		};
		struct dgit_treecmp c = { e, 3, 7 };
		char *s = dgit_treecmp_describe_modes(&c, 100);

		UNIT_STREQ(s, "Content change: "
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		    "... and 6 more\n", "capped at max bytes");
		free(s);
		s = dgit_treecmp_describe_modes(&c, 0);
		unit_ok(s != NULL && strstr(s, ": c\n... and 4 more\n") != NULL,
		    "no cap: all kept, the rest counted");
		free(s);
	}
	return unit_done();
}
