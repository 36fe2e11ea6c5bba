/*
 * dgit_sign_is_signer: whether a clearsigned message or a detached
 * signature is a good one by the key a keyid selects.  Two fresh keys in
 * a temporary GnuPG home; the messages are signed by dgit_sign_* and
 * checked against the key that did (and the one that did not), and
 * against tampered and unsigned input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dgit_run.h"
#include "dgit_sign.h"
#include "unit.h"

static char home[256];

static int
signer(const char *keyid, const char *data, size_t len, const char *sig,
    size_t siglen, int *code)
{
	const struct dgit_error *err;
	int yes = -1;

	err = dgit_sign_is_signer(&yes, home, keyid, data, len, sig, siglen);
	*code = err ? (int)err->code : 0;
	if (err)
		unit_diag("  %s", err->msg);
	return yes;
}

int
main(void)
{
	const struct dgit_error *err;
	const char *t = getenv("TMPDIR");
	static const char text[] = "Format: 3.0 (native)\nSource: x\n"
	    "Version: 1\n";
	char *fa = NULL, *fb = NULL, *cs = NULL, *ds = NULL, *bad;
	size_t csl = 0, dsl = 0;
	int code;

	snprintf(home, sizeof home, "%s/dgit-sign.XXXXXX", t ? t : "/tmp");
	if (mkdtemp(home) == NULL || chmod(home, 0700) != 0) {
		perror("mkdtemp");
		return 2;
	}
	err = dgit_sign_genkey(&fa, home, "Key A <a@example.org>");
	if (!unit_ok(err == NULL, "key A made") ||
	    !unit_ok((err = dgit_sign_genkey(&fb, home,
	    "Key B <b@example.org>")) == NULL, "key B made")) {
		unit_diag("  %s", err->msg);
		goto done;
	}
	err = dgit_sign_clear(&cs, &csl, home, fa, text, strlen(text));
	unit_ok(err == NULL, "clearsigned by A");
	err = dgit_sign_detached(&ds, &dsl, home, fa, text, strlen(text));
	unit_ok(err == NULL, "detached signature by A");
	if (cs == NULL || ds == NULL)
		goto done;

	unit_ok(signer(fa, cs, csl, NULL, 0, &code) == 1 && code == 0,
	    "clearsigned: A signed it (fingerprint)");
	unit_ok(signer("a@example.org", cs, csl, NULL, 0, &code) == 1,
	    "clearsigned: A signed it (email)");
	unit_ok(signer(fb, cs, csl, NULL, 0, &code) == 0 && code == 0,
	    "clearsigned: B did not");
	unit_ok(signer(fa, text, strlen(text), NULL, 0, &code) == 0 &&
	    code == 0, "unsigned text: not signed by A");
	bad = strdup(cs);
	if (bad != NULL) {
		char *v = strstr(bad, "Version: 1");

		if (v != NULL)
			v[9] = '2';
		unit_ok(v != NULL && signer(fa, bad, csl, NULL, 0, &code) ==
		    0, "clearsigned, text changed: not a good signature");
		free(bad);
	}
	unit_ok(signer(fa, text, strlen(text), ds, dsl, &code) == 1,
	    "detached: A signed it");
	unit_ok(signer(fb, text, strlen(text), ds, dsl, &code) == 0,
	    "detached: B did not");
	unit_ok(signer(fa, text, strlen(text) - 1, ds, dsl, &code) == 0,
	    "detached over other data: not a good signature");
	unit_ok(signer("nobody@example.org", cs, csl, NULL, 0, &code) == 0 &&
	    code == DGIT_ERR_NOT_FOUND, "no secret key for the keyid: "
	    "DGIT_ERR_NOT_FOUND");
done:
	free(fa);
	free(fb);
	free(cs);
	free(ds);
	{
		const char *argv[] = { "gpgconf", "--homedir", home, "--kill",
		    "all", NULL };
		const char *rm[] = { "rm", "-rf", home, NULL };
		struct dgit_run_opts o;

		memset(&o, 0, sizeof o);
		(void)dgit_run(NULL, argv, &o);
		(void)dgit_run(NULL, rm, &o);
	}
	return unit_done();
}
