/*
 * Test driver: print the commit a patch becomes, from its header.
 *
 * usage: quilt-header PATCHFILE NAME FALLBACK_NAME FALLBACK_EMAIL
 *            FALLBACK_DATE
 * NAME is the patch's name relative to debian/patches; the fallbacks are
 * the changelog entry's maintainer and date ("EPOCH +ZZZZ").  Prints
 * "AUTHOR|EMAIL|EPOCH +ZZZZ" on one line, then the commit message exactly
 * (as `git cat-file commit` shows it after the headers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_fs.h"
#include "dgit_quilt.h"

int
main(int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_quilt_header h;
	char *buf = NULL, *msg = NULL;
	size_t len = 0;
	int rc = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: quilt-header PATCHFILE NAME "
		    "FALLBACK_NAME FALLBACK_EMAIL FALLBACK_DATE\n");
		return 2;
	}
	if ((err = dgit_fs_read_file(&buf, &len, argv[1], 0))) {
		fprintf(stderr, "quilt-header: %s\n", err->msg);
		return 1;
	}
	if ((err = dgit_quilt_header_parse(&h, buf, len, argv[1]))) {
		fprintf(stderr, "quilt-header: %s\n", err->msg);
		goto done;
	}
	if ((err = dgit_quilt_commit_message(&msg, &h, argv[2]))) {
		fprintf(stderr, "quilt-header: %s\n", err->msg);
		goto done;
	}
	printf("%s|%s|", h.author_email ? h.author_name : argv[3],
	    h.author_email ? h.author_email : argv[4]);
	if (h.date) {
		long long t;
		int tz;

		if ((err = dgit_quilt_date_parse(&t, &tz, h.date))) {
			fprintf(stderr, "quilt-header: %s\n", err->msg);
			goto done;
		}
		printf("%lld %c%02d%02d\n", t, tz < 0 ? '-' : '+',
		    abs(tz) / 60, abs(tz) % 60);
	} else
		printf("%s\n", argv[5]);
	fputs(msg, stdout);
	rc = 0;
done:
	dgit_quilt_header_release(&h);
	free(msg);
	free(buf);
	return rc;
}
