/* Test helper: print "SHA256  FILE" for each file, like sha256sum. */
#include <inttypes.h>
#include <stdio.h>

#include "dgit_sha256.h"

int
main(int argc, char **argv)
{
	char hex[DGIT_SHA256_HEXLEN + 1];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		const struct dgit_error *err = dgit_sha256_file(hex, NULL,
		    argv[i]);

		if (err) {
			fprintf(stderr, "sha256: %s\n", err->msg);
			rc = 1;
			continue;
		}
		printf("%s  %s\n", hex, argv[i]);
	}
	return rc;
}
