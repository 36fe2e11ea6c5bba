/*
 * Test helper for lib/verify.c:
 *   verify KEYRING[:KEYRING...] FILE             clearsigned FILE
 *   verify KEYRING[:KEYRING...] FILE SIGFILE     detached signature
 *   verify --cache DIR KEYRINGS FILE [SIGFILE]
 *                                                the same through the cache
 *                                                in DIR
 * Prints the signing fingerprint on stderr as "fpr FPR" (with --cache,
 * then "cache hit" or "cache miss") and, for a
 * clearsigned FILE, the verified text on stdout.  Exit 1 on failure with
 * "verify: CODE: MESSAGE" on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_verify.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);
			if (nb == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		if (r == 0)
			break;
		n += r;
	}
	fclose(fp);
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_verify_result *res = NULL;
	const char *rings[8];
	size_t nr = 0, len = 0, slen = 0;
	char *data, *sig = NULL, *kr, *tok, *save = NULL;
	const char *cache = NULL;

	if (argc > 2 && strcmp(argv[1], "--cache") == 0) {
		cache = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: verify [--cache DIR] KEYRINGS FILE "
		    "[SIG]\n");
		return 2;
	}
	kr = strdup(argv[1]);
	for (tok = strtok_r(kr, ":", &save); tok && nr < 8;
	    tok = strtok_r(NULL, ":", &save))
		rings[nr++] = tok;
	data = slurp(argv[2], &len);
	if (data == NULL || (argc == 4 &&
	    (sig = slurp(argv[3], &slen)) == NULL)) {
		perror("verify");
		return 1;
	}
	if (argc == 4 && cache)
		err = dgit_verify_detached_cached(&res, cache, rings, nr, data,
		    len, sig, slen, argv[2]);
	else if (argc == 4)
		err = dgit_verify_detached(&res, rings, nr, data, len, sig,
		    slen, argv[2]);
	else if (cache)
		err = dgit_verify_clearsigned_cached(&res, cache, rings, nr,
		    data, len, argv[2]);
	else
		err = dgit_verify_clearsigned(&res, rings, nr, data, len,
		    argv[2]);
	free(data);
	free(sig);
	free(kr);
	if (err) {
		fprintf(stderr, "verify: %s: %s\n",
		    dgit_error_code_str(err->code), err->msg);
		return 1;
	}
	fprintf(stderr, "fpr %s\n", res->fpr);
	if (cache)
		fprintf(stderr, "cache %s\n", res->cached ? "hit" : "miss");
	if (res->text)
		fwrite(res->text, 1, res->text_len, stdout);
	dgit_verify_result_free(res);
	return 0;
}
