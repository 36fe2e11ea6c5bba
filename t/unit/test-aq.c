/*
 * dgit's file_in_archive and package_not_wholly_new for the archive
 * query methods that can say (dummycatapi: a find under its file://
 * mirror, as dgit's own test-dummy distro does), and -1 / unsupported
 * for those that cannot.  The expected SHA-256 values are those
 * sha256sum(1) gives for the files' contents ("a", "b").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_aq.h"
#include "unit.h"

#define SHA_A "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"
#define SHA_B "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"

static char top[] = "/tmp/dgit-test-aq.XXXXXX";

static void
put(const char *rel, const char *content)
{
	char path[4096], *s;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", top, rel);
	for (s = path + strlen(top) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(path, 0777);
		*s = '/';
	}
	if ((f = fopen(path, "w")) != NULL) {
		fputs(content, f);
		fclose(f);
	}
}

static const struct {
	const char *method, *name;
	int supported;
	size_t n;
	const char *sha[2];        /* sorted */
} fia[] = {
	{ "dummycatapi:", "example_1.0.orig.tar.gz", 1, 2, { SHA_B, SHA_A } },
	{ "dummycatapi:", "example_1.0-1.dsc", 1, 1, { SHA_A, NULL } },
	{ "dummycatapi:", "example_2.0.orig.tar.gz", 1, 0, { NULL, NULL } },
	/* a name that is not a leaf is not looked for */
	{ "dummycatapi:", "../example_1.0-1.dsc", 0, 0, { NULL, NULL } },
	{ "dummycatapi:", "e/example_1.0-1.dsc", 0, 0, { NULL, NULL } },
	/* methods that cannot say, as dgit's */
	{ "aptget:", "example_1.0.orig.tar.gz", 0, 0, { NULL, NULL } },
	{ NULL, "example_1.0.orig.tar.gz", 0, 0, { NULL, NULL } },
	{ "ftpmasterapi:", "example_1.0.orig.tar.gz", 0, 0, { NULL, NULL } },
};

static const struct {
	const char *method, *package;
	int want;
} pnwn[] = {
	{ "dummycatapi:", "example", 1 },
	{ "dummycatapi:", "exampl", 0 },
	{ "dummycatapi:", "other", 0 },
	{ "aptget:", "example", -1 },
	{ "ftpmasterapi:", "example", -1 },   /* no URL */
	{ "dummycatapi:", "../x", -1 },
};

int
main(void)
{
	struct dgit_archive_opts o;
	char mirror[4200], cmd[4300];

	if (mkdtemp(top) == NULL)
		return 1;
	put("mirror/pool/main/example_1.0.orig.tar.gz", "a");
	put("mirror/pool/other/e/example_1.0.orig.tar.gz", "b");
	put("mirror/pool/main/example_1.0-1.dsc", "a");
	put("mirror/pool/main/other_1.0.orig.tar.gz", "a");
	put("outside/example_2.0.orig.tar.gz", "a");
	snprintf(mirror, sizeof mirror, "file://%s/mirror/", top);
	memset(&o, 0, sizeof o);
	o.mirror = mirror;

	for (size_t i = 0; i < sizeof fia / sizeof fia[0]; i++) {
		struct dgit_aq_file *f = NULL;
		size_t n = 0;
		int sup = -1, ok;
		const struct dgit_error *err = dgit_aq_file_in_archive(&f, &n,
		    &sup, &o, fia[i].method, fia[i].name);

		ok = err == NULL && sup == fia[i].supported && n == fia[i].n;
		if (ok && n == 2 && strcmp(f[0].sha256, f[1].sha256) > 0) {
			struct dgit_aq_file t = f[0];

			f[0] = f[1];
			f[1] = t;
		}
		for (size_t j = 0; ok && j < n; j++)
			ok = strcmp(f[j].sha256, fia[i].sha[j]) == 0 &&
			    strstr(f[j].filename, fia[i].name) != NULL &&
			    strncmp(f[j].filename, top, strlen(top)) == 0;
		unit_ok(ok, "file_in_archive %s %s: supported %d, %zu files",
		    fia[i].method ? fia[i].method : "(none)", fia[i].name,
		    fia[i].supported, fia[i].n);
		if (!ok)
			unit_diag("  err %s, supported %d, %zu files",
			    err ? err->msg : "none", sup, n);
		dgit_aq_files_free(f, n);
	}
	for (size_t i = 0; i < sizeof pnwn / sizeof pnwn[0]; i++) {
		int got = 7;
		const struct dgit_error *err = dgit_aq_package_not_wholly_new(
		    &got, &o, pnwn[i].method, pnwn[i].package);

		unit_ok(err == NULL && got == pnwn[i].want,
		    "package_not_wholly_new %s %s: %d", pnwn[i].method,
		    pnwn[i].package, pnwn[i].want);
	}
	{
		/* a mirror that is not a local directory: cannot say */
		struct dgit_aq_file *f = NULL;
		size_t n = 0;
		int sup = -1, got = 7;

		o.mirror = "http://127.0.0.1:9/debian/";
		unit_ok(dgit_aq_file_in_archive(&f, &n, &sup, &o,
		    "dummycatapi:", "example_1.0-1.dsc") == NULL && sup == 0 &&
		    n == 0, "file_in_archive: an http mirror is not searched");
		unit_ok(dgit_aq_package_not_wholly_new(&got, &o,
		    "dummycatapi:", "example") == NULL && got == -1,
		    "package_not_wholly_new: an http mirror cannot say");
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		unit_diag("could not remove %s", top);
	return unit_done();
}
