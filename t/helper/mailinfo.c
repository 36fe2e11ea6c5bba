/*
 * Test driver: dgit_mailhdr_mailinfo on a file, as `git mailinfo -k MSG
 * PATCH <FILE` would be run.
 *
 * usage: mailinfo FILE MSGFILE
 * Prints what git mailinfo prints on stdout and writes the message to
 * MSGFILE; exits 1 where git mailinfo fails.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dgit_fs.h"
#include "dgit_mailhdr.h"

int
main(int argc, char **argv)
{
	const struct dgit_error *err;
	FILE *f;
	char *buf = NULL, *info = NULL, *msg = NULL;
	size_t len = 0, il, ml;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: mailinfo FILE MSGFILE\n");
		return 2;
	}
	if ((err = dgit_fs_read_file(&buf, &len, argv[1], 0))) {
		fprintf(stderr, "mailinfo: %s\n", err->msg);
		return 1;
	}
	if ((err = dgit_mailhdr_mailinfo(&info, &il, &msg, &ml, buf, len))) {
		fprintf(stderr, "mailinfo: %s\n", err->msg);
		goto done;
	}
	fwrite(info, 1, il, stdout);
	if (!(f = fopen(argv[2], "wb"))) {
		perror(argv[2]);
		goto done;
	}
	fwrite(msg, 1, ml, f);
	if (fclose(f) == 0)
		rc = 0;
done:
	free(buf);
	free(info);
	free(msg);
	return rc;
}
