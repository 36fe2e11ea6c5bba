/*
 * dgit configuration: temporary system, global, XDG and repository config
 * files (libgit2's search paths pointed at them, never the user's own),
 * -c overrides, built-in defaults, dgit's distro fallback order and the
 * suite -> distro lookup with globs and distro-info CSV files.
 * Expected values come from the files written here and dgit(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_error.h"
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
put(const char *name, const char *text, const char *mode)
{
	FILE *f = fopen(path_of(name), mode);

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(name);
		exit(2);
	}
}

static void
mkdirs(const char *name)
{
	if (mkdir(path_of(name), 0777) != 0) {
		perror(name);
		exit(2);
	}
}

/* NULL-safe lookups for a config that may have failed to open */
static const char *
cget(const struct dgit_config *cfg, const char *name)
{
	return cfg != NULL ? dgit_config_get(cfg, name) : NULL;
}

static const char *
dget(const struct dgit_config *cfg, const char *distro, const char *key)
{
	return cfg != NULL ? dgit_config_get_distro(cfg, distro, key) : NULL;
}

static const char *
sget(struct dgit_config *cfg, const char *suite)
{
	return cfg != NULL ? dgit_config_suite_distro(cfg, suite) : NULL;
}

static struct dgit_config *
open_cfg(const char *repo, const char *const *ov, size_t n)
{
	struct dgit_config *cfg = NULL;
	const struct dgit_error *err = dgit_config_new(&cfg, repo, ov, n);

	if (err != NULL)
		unit_diag("dgit_config_new: %s", err->msg);
	return cfg;
}

static const char sys_config[] =
    "[dgit \"default\"]\n"
    "\tonly-system = sys\n"
    "\tlayered = from-system\n"
    "[dgit-suite \"*-sys\"]\n"
    "\tdistro = sysdistro\n";

static const char xdg_config[] =
    "[dgit \"default\"]\n"
    "\tlayered = from-xdg\n"
    "\tonly-xdg = xdg\n"
    "\tglobal-vs-xdg = from-xdg\n";

static const char global_config[] =
    "[dgit \"default\"]\n"
    "\tlayered = from-global\n"
    "\tglobal-vs-xdg = from-global\n"
    "\ttwice = first\n"
    "\ttwice = second\n"
    "\tflag\n"
    "\tgit-check = from-dgit-default\n"
    "\tmy-setting = default-value\n"
    "[Dgit-Distro \"Debian\"]\n"
    "\tmy-setting = upper-debian\n"
    "[dgit-distro \"mine\"]\n"
    "\tmy-setting = mine-value\n"
    "\talias-canon = debian\n"
    "[dgit-distro \"derived\"]\n"
    "\tnominal-distro = mine\n"
    "[dgit-distro \"debian\"]\n"
    "\tgit-url = https://git.example.invalid/dgit\n"
    "\tmirror = http://mirror.example.invalid/debian/\n"
    "\tb-yes = yes\n"
    "\tb-on = on\n"
    "\tb-one = 1\n"
    "\tb-t = t\n"
    "\tb-no = no\n"
    "\tb-off = off\n"
    "\tb-zero = 0\n"
    "\tb-false = false\n"
    "\tb-maybe = maybe\n"
    "\tb-empty =\n"
    "\tkeyring = " "@TMP@/k1.gpg:@TMP@/missing.gpg::@TMP@/k2.gpg\n"
    "[dgit-suite \"exact\"]\n"
    "\tdistro = exactdistro\n"
    "[dgit-suite \"*-glob\"]\n"
    "\tdistro = globdistro1\n"
    "[dgit-suite \"x*-glob\"]\n"
    "\tdistro = globdistro2\n"
    "[dgit-suite \"*-cmd\"]\n"
    "\tdistro = from-global\n";

static const char local_config[] =
    "[dgit \"default\"]\n"
    "\tlayered = from-local\n"
    "\tonly-local = local\n";

/* global_config with @TMP@ replaced by tmp */
static void
write_global(void)
{
	const char *p = global_config, *at;
	FILE *f = fopen(path_of("home/.gitconfig"), "w");

	if (f == NULL)
		exit(2);
	while ((at = strstr(p, "@TMP@")) != NULL) {
		fwrite(p, 1, (size_t)(at - p), f);
		fputs(tmp, f);
		p = at + 5;
	}
	fputs(p, f);
	fclose(f);
}

static void
test_sources(void)
{
	struct dgit_config *cfg;
	const char *ov[] = { "dgit.default.layered=from-cmdline",
	    "dgit.default.cmd=one", "dgit.default.cmd=two",
	    "DGIT.default.CASE=x", "dgit.Default.case=y" };

	cfg = open_cfg(path_of("repo/sub"), NULL, 0);
	if (!unit_ok(cfg != NULL, "open with a repository"))
		return;
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.layered"), "from-local",
	    "local beats global, XDG and system");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.only-local"), "local",
	    "local value");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.only-system"), "sys",
	    "system value");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.only-xdg"), "xdg",
	    "XDG value");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.global-vs-xdg"),
	    "from-global", "~/.gitconfig beats XDG config");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.twice"), "second",
	    "last value in a file wins");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.flag"), "true",
	    "a key without value reads as true");
	UNIT_STREQ(dgit_config_get(cfg, "DGIT.default.LAYERED"), "from-local",
	    "section and variable are case-insensitive");
	unit_ok(dgit_config_get(cfg, "dgit.Default.layered") == NULL,
	    "subsection is case-sensitive (as git config --get)");
	UNIT_STREQ(dgit_config_get(cfg, "dgit-distro.Debian.my-setting"),
	    "upper-debian", "subsection is case-sensitive (Debian)");
	unit_ok(dgit_config_get(cfg, "dgit.default.nonesuch") == NULL,
	    "unset key is NULL");
	unit_ok(dgit_config_get(cfg, "nodot") == NULL, "malformed name NULL");
	dgit_config_free(cfg);

	cfg = open_cfg(path_of("repo/sub"), ov, sizeof ov / sizeof *ov);
	if (!unit_ok(cfg != NULL, "open with overrides"))
		return;
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.layered"),
	    "from-cmdline", "-c beats everything");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.cmd"), "two",
	    "the last -c for a name wins");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.case"), "x",
	    "-c names are normalised");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.Default.case"), "y",
	    "-c subsection keeps its case");
	dgit_config_free(cfg);

	cfg = open_cfg(NULL, NULL, 0);
	if (!unit_ok(cfg != NULL, "open without a repository"))
		return;
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.layered"),
	    "from-global", "no repository: global wins");
	unit_ok(dgit_config_get(cfg, "dgit.default.only-local") == NULL,
	    "no repository: no local config");
	dgit_config_free(cfg);

	cfg = open_cfg(path_of("notrepo"), NULL, 0);
	unit_ok(cfg != NULL && dgit_config_get(cfg,
	    "dgit.default.only-local") == NULL &&
	    dgit_config_get(cfg, "dgit.default.only-xdg") != NULL,
	    "outside a repository: global config only, no error");
	dgit_config_free(cfg);

	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	cfg = open_cfg(NULL, NULL, 0);
	unit_ok(cfg != NULL && dgit_config_get(cfg,
	    "dgit.default.only-system") == NULL &&
	    dgit_config_get(cfg, "dgit.default.only-xdg") != NULL,
	    "GIT_CONFIG_NOSYSTEM skips system config");
	dgit_config_free(cfg);
	unsetenv("GIT_CONFIG_NOSYSTEM");
}

static void
test_bad_overrides(void)
{
	static const char *const bad[] = { "noequals", "nodot=1", ".x=1",
	    "x.=1", "=1", "a b.c=1", "dgit.de fault=1" };
	struct dgit_config *cfg;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const struct dgit_error *err;

		cfg = (void *)1;
		err = dgit_config_new(&cfg, NULL, &bad[i], 1);
		unit_ok(err != NULL && err->code == DGIT_ERR_USAGE &&
		    cfg == NULL, "-c '%s' refused%s%s", bad[i],
		    err ? ": " : "", err ? err->msg : "");
	}
	{
		const char *ok[] = { "dgit-distro.a.b.c.d=", "x.y=a=b" };
		cfg = open_cfg(NULL, ok, 2);
		UNIT_STREQ(cget(cfg, "dgit-distro.a.b.c.d"), "", "-c with empty value, dotted subsection");
		UNIT_STREQ(cget(cfg, "x.y"), "a=b",
		    "-c value may contain '='");
		dgit_config_free(cfg);
	}
}

static void
test_defaults_and_distro(void)
{
	struct dgit_config *cfg;
	const char *ov[] = { "dgit-distro.debian.git-check=from-cmdline" };

	cfg = open_cfg(path_of("repo"), NULL, 0);
	if (!unit_ok(cfg != NULL, "open for distro tests"))
		return;
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.distro"), "debian",
	    "built-in default distro");
	UNIT_STREQ(dgit_config_get(cfg, "dgit.default.default-suite"),
	    "unstable", "built-in default suite");
	UNIT_STREQ(dgit_config_get_distro(cfg, "debian", "git-url"),
	    "https://git.example.invalid/dgit",
	    "configured dgit-distro.debian.git-url beats built-in");
	UNIT_STREQ(dgit_config_get_distro(cfg, "debian", "git-check"), "url",
	    "built-in dgit-distro.debian.git-check beats configured "
	    "dgit.default.git-check (dgit's order)");
	UNIT_STREQ(dgit_config_get_distro(cfg, "other", "git-check"),
	    "from-dgit-default", "unknown distro falls back to dgit.default");
	UNIT_STREQ(dgit_config_get_distro(cfg, "debian-security", "git-url"),
	    "https://git.example.invalid/dgit",
	    "debian-security uses its nominal distro debian");
	UNIT_STREQ(dgit_config_get_distro(cfg, "debian-security",
	    "archive-keyring"), "/usr/share/keyrings/debian-archive-keyring.gpg",
	    "archive keyring for debian-security via debian");
	UNIT_STREQ(dgit_config_get_distro(cfg, "mine", "git-url"),
	    "https://git.example.invalid/dgit",
	    "alias-canon: mine reads debian's settings");
	UNIT_STREQ(dgit_config_get_distro(cfg, "derived", "my-setting"),
	    "mine-value", "nominal-distro fallback");
	UNIT_STREQ(dgit_config_get_distro(cfg, "Debian", "my-setting"),
	    "upper-debian", "distro names are case-sensitive");
	UNIT_STREQ(dgit_config_get_distro(cfg, "nonesuch", "my-setting"),
	    "default-value", "dgit.default when no distro has it");
	unit_ok(dgit_config_get_distro(cfg, "nonesuch", "nokey") == NULL,
	    "unset everywhere is NULL");
	UNIT_STREQ(dgit_config_get_distro(cfg, "debian", "git-url-suffix"), "",
	    "an empty built-in value is set, not NULL");
	UNIT_STREQ(dgit_config_canon_distro(cfg, "mine"), "debian",
	    "canon distro");
	UNIT_STREQ(dgit_config_canon_distro(cfg, "debian"), "debian",
	    "canon of a plain distro is itself");
	UNIT_STREQ(dgit_config_get_distro_push(cfg, "debian", "git-host"),
	    "push.dgit.debian.org", "push: dgit-distro.debian/push.* first");
	unit_ok(dgit_config_get_distro(cfg, "debian", "git-host") == NULL,
	    "not pushing: no /push keys");
	UNIT_STREQ(dgit_config_get_distro_push(cfg, "debian", "git-url"), "",
	    "push: built-in debian/push.git-url is empty");
	UNIT_STREQ(dgit_config_get_distro_push(cfg, "debian", "mirror"),
	    "http://mirror.example.invalid/debian/",
	    "push: falls back to the plain distro key");
	dgit_config_free(cfg);

	/* no configured mirror: the built-ins have none */
	setenv("HOME", path_of("emptyhome"), 1);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
	    path_of("emptyhome"));
	cfg = open_cfg(NULL, NULL, 0);
	unit_ok(cfg != NULL && dgit_config_get_distro(cfg, "debian",
	    "mirror") == NULL, "no built-in mirror for debian");
	unit_ok(cfg != NULL && dgit_config_get_distro(cfg, "ubuntu",
	    "mirror") == NULL, "no built-in mirror for ubuntu");
	UNIT_STREQ(dget(cfg, "debian", "keyring"), "/usr/share/keyrings/debian-keyring.gpg:"
	    "/usr/share/keyrings/debian-maintainers.gpg:"
	    "/usr/share/keyrings/debian-nonupload.gpg",
	    "built-in .dsc keyrings for debian");
	dgit_config_free(cfg);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
	    path_of("home"));
	setenv("HOME", path_of("home"), 1);

	cfg = open_cfg(path_of("repo"), ov, 1);
	UNIT_STREQ(dget(cfg, "debian", "git-check"), "from-cmdline", "-c beats the built-in distro value");
	dgit_config_free(cfg);
}

static void
test_bool(void)
{
	static const struct {
		const char *key;
		int want;
	} b[] = {
		{ "b-yes", 1 }, { "b-on", 1 }, { "b-one", 1 }, { "b-t", 1 },
		{ "b-no", 0 }, { "b-off", 0 }, { "b-zero", 0 },
		{ "b-false", 0 },
	};
	struct dgit_config *cfg = open_cfg(NULL, NULL, 0);
	int v;

	if (!unit_ok(cfg != NULL, "open for booleans"))
		return;
	for (size_t i = 0; i < sizeof b / sizeof *b; i++) {
		v = -1;
		unit_ok(dgit_config_get_distro_bool(&v, cfg, "debian", b[i].key,
		    !b[i].want) == NULL && v == b[i].want, "bool %s = %d",
		    b[i].key, b[i].want);
	}
	unit_ok(dgit_config_get_distro_bool(&v, cfg, "debian", "b-maybe", 0)
	    != NULL, "'maybe' is not a boolean");
	unit_ok(dgit_config_get_distro_bool(&v, cfg, "debian", "b-empty", 0)
	    != NULL, "empty is not a boolean");
	v = -1;
	unit_ok(dgit_config_get_bool(&v, cfg, "dgit.default.nonesuch", 1) ==
	    NULL && v == 1, "unset bool gives the default");
	unit_ok(dgit_config_get_bool(&v, cfg, "dgit.default.flag", 0) ==
	    NULL && v == 1, "valueless key is true");
	dgit_config_free(cfg);
}

static void
test_paths(void)
{
	struct dgit_config *cfg = open_cfg(NULL, NULL, 0);
	char **p = NULL;
	size_t n = 0;

	if (!unit_ok(cfg != NULL, "open for paths"))
		return;
	unit_ok(dgit_config_get_distro_paths(&p, &n, cfg, "debian",
	    "keyring") == NULL, "keyring paths");
	unit_ok(n == 2, "only existing files kept (got %zu)", n);
	if (n == 2) {
		UNIT_STREQ(p[0], path_of("k1.gpg"), "first keyring");
		UNIT_STREQ(p[1], path_of("k2.gpg"), "second keyring");
	}
	dgit_config_paths_free(p, n);
	unit_ok(dgit_config_get_distro_paths(&p, &n, cfg, "debian",
	    "nokey") == NULL && p == NULL && n == 0, "unset list is empty");
	dgit_config_free(cfg);
}

static void
test_suites(void)
{
	const char *ov[] = { "dgit-suite.*-cmd.distro=from-cmdline" };
	const char *ov2[] = { "dgit.default.distro=otherdefault" };
	struct dgit_config *cfg = open_cfg(path_of("repo"), ov, 1);

	if (!unit_ok(cfg != NULL, "open for suites"))
		return;
	dgit_config_set_distro_info_dir(cfg, path_of("info"));
	UNIT_STREQ(dgit_config_suite_distro(cfg, "exact"), "exactdistro",
	    "exact dgit-suite.SUITE.distro");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "a-glob"), "globdistro1",
	    "glob dgit-suite.*-glob.distro");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "xa-glob"), "globdistro2",
	    "two globs match in one source: the later wins");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "a-cmd"), "from-cmdline",
	    "a -c glob beats a global glob");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "a-sys"), "sysdistro",
	    "a system glob");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "bookworm-security"),
	    "debian-security", "built-in *-security glob");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "frobnitz"), "testinfo",
	    "suite found in a distro-info CSV series column");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "Frobnitz"), "debian",
	    "CSV match is exact");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "grumpy"), "debian",
	    "only the series column counts (not codename)");
	UNIT_STREQ(dgit_config_suite_distro(cfg, "unknown"), "debian",
	    "unknown suite: dgit.default.distro");
	dgit_config_set_distro_info_dir(cfg, NULL);
	UNIT_STREQ(dgit_config_suite_distro(cfg, "frobnitz"), "debian",
	    "distro-info lookup can be turned off");
	dgit_config_free(cfg);

	cfg = open_cfg(NULL, ov2, 1);
	UNIT_STREQ(sget(cfg, "unknown"),
	    "otherdefault", "configured default distro");
	dgit_config_free(cfg);
}

static void
test_broken(void)
{
	struct dgit_config *cfg = (void *)1;
	const struct dgit_error *err;

	put("repo/.git/config", "[broken\n", "a");
	err = dgit_config_new(&cfg, path_of("repo"), NULL, 0);
	unit_ok(err != NULL && err->code == DGIT_ERR_GIT && cfg == NULL,
	    "a malformed config file is an error%s%s", err ? ": " : "",
	    err ? err->msg : "");
}

int
main(void)
{
	const char *t = getenv("TMPDIR");
	git_repository *repo = NULL;

	snprintf(tmp, sizeof tmp, "%s/dgit-config.XXXXXX", t ? t : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	mkdirs("home");
	mkdirs("emptyhome");
	mkdirs("xdg");
	mkdirs("xdg/git");
	mkdirs("sys");
	mkdirs("none");
	mkdirs("notrepo");
	mkdirs("info");
	put("sys/gitconfig", sys_config, "w");
	put("xdg/git/config", xdg_config, "w");
	write_global();
	put("k1.gpg", "", "w");
	put("k2.gpg", "", "w");
	put("info/testinfo.csv", "version,codename,series,created\n"
	    "1,Grumpy,frobnitz,2020-01-01\n", "w");
	put("info/not-a-distro.csv", ",x,unknown\n", "w");
	setenv("HOME", path_of("home"), 1);
	setenv("XDG_CONFIG_HOME", path_of("xdg"), 1);
	unsetenv("GIT_CONFIG_NOSYSTEM");
	unsetenv("GIT_DIR");

	/* stays initialised so the search paths below persist */
	git_libgit2_init();
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM,
	    path_of("sys"));
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL,
	    path_of("home"));
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG,
	    path_of("xdg/git"));
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
	    GIT_CONFIG_LEVEL_PROGRAMDATA, path_of("none"));
	if (git_repository_init(&repo, path_of("repo"), 0) != 0) {
		unit_diag("git init failed");
		return 2;
	}
	git_repository_free(repo);
	mkdirs("repo/sub");
	put("repo/.git/config", local_config, "a");

	test_sources();
	test_bad_overrides();
	test_defaults_and_distro();
	test_bool();
	test_paths();
	test_suites();
	test_broken();

	git_libgit2_shutdown();
	{
		char *argv[] = { "rm", "-rf", tmp, NULL };
		pid_t pid = fork();
		if (pid == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid > 0) {
			int st;
			waitpid(pid, &st, 0);
		}
	}
	return unit_done();
}
