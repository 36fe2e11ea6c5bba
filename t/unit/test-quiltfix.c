/*
 * Unit tests for the quilt fixup's patch names and headers.  The
 * expected names and header bytes are what Perl dgit 10.7's quilt-fixup
 * wrote for commits with these subjects and messages.
 */
#include <stdlib.h>
#include <string.h>

#include "dgit_quiltfix.h"
#include "unit.h"

static const struct {
	const char *subject, *name;
} names[] = {
	{ "Change the README, because", "change-the-readme-because.patch" },
	{ "add newfile.c: a new file!", "add-newfile.c-a-new-file.patch" },
	{ "--- Rename: src_dir to tools2 ---  [x] \xc3\x84\xc3\x96",
	  "x-----rename-src_dir-to-tools2------x-ao.patch" },
	{ "A very long subject line that goes on and on and on for ever more.",
	  "a-very-long-subject-line-that-goes-on-an.patch" },
	{ "Ends with colon:", "ends-with-colon.patch" },
	{ "Ends with dot.", "ends-with-dot.patch" },
	{ "Under_score+plus=eq~tilde/slash\\back'q\"dq",
	  "under_score+plus=eq~tildeslashbackqdq.patch" },
	{ "Version 1.2.", "version-1.2.patch" },
	{ "trailing dots...", "trailing-dots...patch" },
	{ ".hidden start", "x-.hidden-start.patch" },
	{ "-dash start", "x--dash-start.patch" },
	{ "_under start", "_under-start.patch" },
	{ "\xc3\x9c" "ber stra\xc3\x9f" "e caf\xc3\xa9", "uber-strasse-cafe.patch" },
	{ "tab\there", "tabhere.patch" },
	{ "0123456789012345678901234567890123456789xyz",
	  "0123456789012345678901234567890123456789.patch" },
	{ "Short.:", "short..patch" },
	{ "UPPER/Case\\Path", "uppercasepath.patch" },
	{ "1234", "1234.patch" },
};

static const struct {
	const char *message, *header, *gname, *gtopic;
} headers[] = {
	{ "Change the README, because\n\nIt needed more words.\n",
	  "Subject: Change the README, because\n\nIt needed more words.\n"
	  "\n---\n\n", NULL, NULL },
	{ "add newfile.c: a new file!\n",
	  "Subject: add newfile.c: a new file!\n\n\n---\n\n", NULL, NULL },
	{ "S\nsecond line of subject\n\nBody para 1.\n\nBody para 2.\n",
	  "Subject: S\n\nsecond line of subject\n\nBody para 1.\n\n"
	  "Body para 2.\n\n---\n\n", NULL, NULL },
	{ "x\nGbp-Pq: Name my-own-name.patch\n",
	  "Subject: x\n\n\n---\n\n", "my-own-name.patch", NULL },
	{ "y\n\nGbp-Pq: Topic sub\nGbp-Pq: Name other.diff\n",
	  "Subject: y\n\n\n---\n\n", "other.diff", "sub" },
	{ "Normal\n\nGbp: Ignore\nGbp-Dch: x\ngbp-pq: name lower.patch\n"
	  "Signed-off-by: A <a@b>\n",
	  "Subject: Normal\n\nGbp: Ignore\nGbp-Dch: x\nSigned-off-by: A <a@b>"
	  "\n\n---\n\n", "lower.patch", NULL },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *n = dgit_quiltfix_patch_name(names[i].subject);

		UNIT_STREQ(n, names[i].name, "patch name of '%s'",
		    names[i].subject);
		free(n);
	}
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		char *h = NULL, *gn = NULL, *gt = NULL;
		const char *want_start = "From: Ann <ann@example.org>\n"
		    "Date: Thu, 2 Jan 2020 03:04:05 +0100\n"
		    "X-Dgit-Generated: 1.0-1 abc\n";
		const struct dgit_error *err = dgit_quiltfix_patch_header(&h,
		    &gn, &gt, headers[i].message, "Ann", "ann@example.org",
		    1577930645, 60, "1.0-1", "abc");
		size_t sl = strlen(want_start);

		unit_ok(err == NULL && h && strncmp(h, want_start, sl) == 0,
		    "header %zu: From, Date, X-Dgit-Generated", i);
		const char *rest = h && strlen(h) >= sl ? h + sl : "";

		UNIT_STREQ(rest, headers[i].header,
		    "header %zu: subject and body", i);
		unit_ok((gn == NULL) == (headers[i].gname == NULL) &&
		    (gn == NULL || strcmp(gn, headers[i].gname) == 0),
		    "header %zu: Gbp-Pq name", i);
		unit_ok((gt == NULL) == (headers[i].gtopic == NULL) &&
		    (gt == NULL || strcmp(gt, headers[i].gtopic) == 0),
		    "header %zu: Gbp-Pq topic", i);
		free(h);
		free(gn);
		free(gt);
	}
	{
		char *h = NULL, *gn = NULL, *gt = NULL;

		dgit_quiltfix_patch_header(&h, &gn, &gt, "s\n", "N", "e",
		    1500000000, -330, "2", "c");
		unit_ok(h && strstr(h, "Date: Thu, 13 Jul 2017 21:10:00 -0530\n")
		    != NULL, "a negative zone offset");
		free(h);
	}
	unit_ok(dgit_quiltfix_mode_parse("linear") == DGIT_QUILT_LINEAR &&
	    dgit_quiltfix_mode_parse("baredebian+git") ==
	    DGIT_QUILT_BAREDEBIAN && dgit_quiltfix_mode_parse("bogus") == -1,
	    "quilt mode names");
	return unit_done();
}
