/*
 * Test helper: "hash ALGO FILE..." prints "HEX  FILE" for each file, as
 * sha256sum, sha1sum and md5sum do; ALGO is sha256, sha1 or md5.
 */
#include <stdio.h>
#include <string.h>

#include "dgit_hash.h"

int
main(int argc, char **argv)
{
	char hex[DGIT_HASH_MAXHEXLEN + 1];
	enum dgit_hash_algo algo;
	int rc = 0;

	if (argc < 2 || (strcmp(argv[1], "sha256") && strcmp(argv[1], "sha1") &&
	    strcmp(argv[1], "md5"))) {
		fprintf(stderr, "usage: hash sha256|sha1|md5 FILE...\n");
		return 2;
	}
	algo = strcmp(argv[1], "sha256") == 0 ? DGIT_HASH_SHA256 :
	    strcmp(argv[1], "sha1") == 0 ? DGIT_HASH_SHA1 : DGIT_HASH_MD5;
	for (int i = 2; i < argc; i++) {
		const struct dgit_error *err = dgit_hash_file(hex, NULL, algo,
		    argv[i]);

		if (err) {
			fprintf(stderr, "hash: %s\n", err->msg);
			rc = 1;
			continue;
		}
		printf("%s  %s\n", hex, argv[i]);
	}
	return rc;
}
