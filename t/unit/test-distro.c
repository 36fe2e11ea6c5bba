/*
 * A distro's access settings from config: mirror, archive and .dsc
 * keyrings (only files that exist, trustedkeys.gpg as dpkg-source reads
 * it), git URL.  Config comes from -c overrides only (HOME and libgit2's
 * search paths point at an empty directory); expected values are the
 * files written here and dgit(1)'s git-url/git-url-suffix/git-check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_distro.h"
#include "dgit_error.h"
#include "dgit_fs.h"
#include "unit.h"

static char tmp[256];

static const char *
path_of(const char *name)
{
	static char buf[8][512];
	static int i;
	char *p = buf[i++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", tmp, name);
	return p;
}

static void
touch(const char *name)
{
	FILE *fp = fopen(path_of(name), "w");

	if (fp)
		fclose(fp);
}

static struct dgit_config *
cfg_of(const char *const *ov)
{
	struct dgit_config *cfg = NULL;
	size_t n = 0;
	const struct dgit_error *err;

	while (ov[n])
		n++;
	if ((err = dgit_config_new(&cfg, NULL, ov, n)) != NULL)
		unit_diag("dgit_config_new: %s", err->msg);
	return cfg;
}

static char ov_buf[16][600];

static const char *
ov(int i, const char *key, const char *val)
{
	snprintf(ov_buf[i], sizeof ov_buf[i], "%s=%s", key, val);
	return ov_buf[i];
}

static const struct {
	const char *url, *suffix, *check;
	const char *want;          /* NULL: no git URL */
} git_urls[] = {
	{ "file:///srv/git", NULL, NULL, "file:///srv/git/hello.git" },
	{ "file:///srv/git", "", NULL, "file:///srv/git/hello" },
	{ "file:///srv/git", ".git", "false", NULL },
	{ "file:///srv/git", NULL, "true", "file:///srv/git/hello.git" },
	{ "", NULL, NULL, NULL },
};

static void
test_git_url(void)
{
	for (size_t i = 0; i < sizeof git_urls / sizeof git_urls[0]; i++) {
		const char *o[4] = { NULL, NULL, NULL, NULL };
		int k = 0;
		struct dgit_config *cfg;
		char *url = NULL;
		const struct dgit_error *err;

		o[k] = ov(k, "dgit-distro.t.git-url", git_urls[i].url), k++;
		if (git_urls[i].suffix)
			o[k] = ov(k, "dgit-distro.t.git-url-suffix",
			    git_urls[i].suffix), k++;
		if (git_urls[i].check)
			o[k] = ov(k, "dgit-distro.t.git-check",
			    git_urls[i].check), k++;
		cfg = cfg_of(o);
		err = cfg ? dgit_distro_git_url(&url, cfg, "t", "hello") : NULL;
		if (git_urls[i].want)
			UNIT_STREQ(url, git_urls[i].want, "git url %zu", i);
		else
			unit_ok(err == NULL && url == NULL, "no git url %zu", i);
		free(url);
		dgit_config_free(cfg);
	}
}

static void
test_open(void)
{
	struct dgit_distro d;
	struct dgit_config *cfg;
	const struct dgit_error *err;
	const char *o[6] = { NULL };

	touch("archive.gpg");
	touch("upload.gpg");
	o[0] = ov(0, "dgit-distro.t.mirror", "http://127.0.0.1:1/t");
	o[1] = ov(1, "dgit-distro.t.archive-keyring", path_of("archive.gpg"));
	snprintf(ov_buf[2], sizeof ov_buf[2], "dgit-distro.t.keyring=%s:%s",
	    path_of("missing.gpg"), path_of("upload.gpg"));
	o[2] = ov_buf[2];
	o[3] = ov(3, "dgit-distro.t.git-url", "file:///g");
	o[4] = ov(4, "dgit-suite.tsuite.distro", "t");
	cfg = cfg_of(o);
	err = cfg ? dgit_distro_open(&d, cfg, NULL, "tsuite", "hello") :
	    dgit_error(DGIT_ERR_NOMEM);
	if (!unit_ok(err == NULL, "open: the suite's distro")) {
		unit_diag("%s", err->msg);
		dgit_config_free(cfg);
		return;
	}
	UNIT_STREQ(d.name, "t", "distro of the suite");
	UNIT_STREQ(d.mirror, "http://127.0.0.1:1/t", "configured mirror");
	unit_ok(d.narchive_keyrings == 1, "one archive keyring");
	UNIT_STREQ(d.archive_keyrings[0], path_of("archive.gpg"),
	    "archive keyring path");
	unit_ok(d.ndsc_keyrings == 1, "missing .dsc keyring left out");
	unit_ok(d.ndsc_keyrings == 1 &&
	    strcmp(d.dsc_keyrings[0], path_of("upload.gpg")) == 0,
	    ".dsc keyring path");
	UNIT_STREQ(d.git_url, "file:///g/hello.git", "git url");
	dgit_distro_release(&d);
	err = dgit_distro_open(&d, cfg, "t", "tsuite", NULL);
	unit_ok(err == NULL && d.git_url == NULL, "no package: no git url");
	dgit_distro_release(&d);
	dgit_config_free(cfg);

	/* no archive keyring file: an error naming the setting */
	o[1] = ov(1, "dgit-distro.t.archive-keyring", path_of("missing.gpg"));
	cfg = cfg_of(o);
	err = cfg ? dgit_distro_open(&d, cfg, "t", "tsuite", NULL) : NULL;
	unit_ok(err && err->code == DGIT_ERR_NOT_FOUND &&
	    strstr(err->msg, "no archive keyring for distro 't'") &&
	    strstr(err->msg, "dgit-distro.t.archive-keyring"),
	    "missing archive keyring refused");
	unit_ok(d.mirror == NULL && d.narchive_keyrings == 0,
	    "released after the error");
	dgit_config_free(cfg);
}

static void
test_dsc_keyrings(void)
{
	const char *o[2] = { NULL, NULL };
	struct dgit_config *cfg;
	char **rings = NULL;
	size_t n = 0;
	const struct dgit_error *err;

	touch("upload.gpg");
	mkdir(path_of("gnupg"), 0700);
	o[0] = ov(0, "dgit-distro.t.keyring", path_of("upload.gpg"));
	cfg = cfg_of(o);
	setenv("GNUPGHOME", path_of("gnupg"), 1);
	err = dgit_distro_dsc_keyrings(&rings, &n, cfg, "t");
	unit_ok(err == NULL && n == 1, "no trustedkeys.gpg: configured only");
	dgit_config_paths_free(rings, n);
	touch("gnupg/trustedkeys.gpg");
	err = dgit_distro_dsc_keyrings(&rings, &n, cfg, "t");
	unit_ok(err == NULL && n == 2, "trustedkeys.gpg added");
	unit_ok(n == 2 && strcmp(rings[1], path_of("gnupg/trustedkeys.gpg")) ==
	    0, "trustedkeys.gpg last");
	dgit_config_paths_free(rings, n);
	unsetenv("GNUPGHOME");
	setenv("HOME", path_of("home"), 1);
	mkdir(path_of("home"), 0700);
	mkdir(path_of("home/.gnupg"), 0700);
	touch("home/.gnupg/trustedkeys.gpg");
	err = dgit_distro_dsc_keyrings(&rings, &n, cfg, "t");
	unit_ok(err == NULL && n == 2 && strcmp(rings[1],
	    path_of("home/.gnupg/trustedkeys.gpg")) == 0,
	    "~/.gnupg without GNUPGHOME");
	dgit_config_paths_free(rings, n);
	dgit_config_free(cfg);
}

int
main(void)
{
	snprintf(tmp, sizeof tmp, "%s/dgit-unit-distro.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return 1;
	git_libgit2_init();
	mkdir(path_of("empty"), 0700);
	setenv("HOME", path_of("empty"), 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("XDG_CONFIG_HOME");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
	    path_of("empty"));
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG,
	    path_of("empty"));
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
	    path_of("empty"));
	test_git_url();
	test_open();
	test_dsc_keyrings();
	git_libgit2_shutdown();
	if (dgit_fs_remove_tree(tmp) != NULL)
		unit_diag("cannot remove %s", tmp);
	return unit_done();
}
