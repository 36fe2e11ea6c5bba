/*
 * dgit's configuration (see dgit_config.h).  git config is read once
 * through libgit2 into a flat list of (name, value, source, level) in
 * libgit2's order; lookups walk that list, which keeps dgit's
 * per-source rules (and its glob scan over dgit-suite.*.distro) simple.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_error.h"

/* Where a value came from, in priority order. */
enum source {
	SRC_CMDLINE,
	SRC_LOCAL,
	SRC_GLOBAL,
	SRC_SYSTEM,
	SRC_NGIT        /* built-in defaults are searched separately */
};

struct entry {
	char *name;     /* normalised */
	char *value;
	enum source src;
	int level;      /* libgit2's level; higher wins inside a source */
};

struct dgit_config {
	struct entry *e;
	size_t n, cap;
	char *info_dir;     /* distro-info CSV directory, or NULL */
	char **owned;       /* strings handed out as borrowed */
	size_t nowned;
	char **dummy;       /* test-dummy defaults, as test_dummy[] */
};

#define NAME_MAX_LEN 512

/*
 * dgit's built-in defaults (a subset of Perl dgit's, without mirrors or
 * other hosts we do not contact), plus the keyrings.  Names normalised.
 */
static const struct {
	const char *name, *value;
} builtin[] = {
	{ "dgit.default.distro", "debian" },
	{ "dgit.default.default-suite", "unstable" },
	{ "dgit.default.old-dsc-distro", "debian" },
	{ "dgit-suite.*-security.distro", "debian-security" },
	{ "dgit.default.username", "" },
	{ "dgit.default.archive-query-default-component", "main" },
	{ "dgit.default.ssh", "ssh" },
	{ "dgit.default.aptget-components", "main" },
	{ "dgit.default.source-only-uploads", "ok" },
	{ "dgit.default.policy-query-supported-ssh", "unknown" },
	{ "dgit.dsc-url-proto-ok.http", "true" },
	{ "dgit.dsc-url-proto-ok.https", "true" },
	{ "dgit.dsc-url-proto-ok.git", "true" },
	{ "dgit.vcs-git.suites", "sid" },
	{ "dgit.default.dsc-url-proto-ok", "false" },
	{ "dgit.default.push-subcmd", "warn,built" },
	{ "dgit-distro.debian.git-check", "url" },
	{ "dgit-distro.debian.git-check-suffix", "/info/refs" },
	{ "dgit-distro.debian.new-private-pushers", "t" },
	{ "dgit-distro.debian.source-only-uploads", "not-wholly-new" },
	{ "dgit-distro.debian.policy-query-supported-ssh", "true" },
	{ "dgit-distro.debian/push.git-url", "" },
	{ "dgit-distro.debian/push.git-host", "push.dgit.debian.org" },
	{ "dgit-distro.debian/push.git-user-force", "dgit" },
	{ "dgit-distro.debian/push.git-proto", "git+ssh://" },
	{ "dgit-distro.debian/push.git-path", "/dgit/debian/repos" },
	{ "dgit-distro.debian/push.git-create", "true" },
	{ "dgit-distro.debian/push.git-check", "ssh-cmd" },
	{ "dgit-distro.debian.git-url", "https://git.dgit.debian.org" },
	{ "dgit-distro.debian.git-url-suffix", "" },
	{ "dgit-distro.debian.upload-host", "ftp-master" },
	{ "dgit-distro.debian.archive-keyring",
	  "/usr/share/keyrings/debian-archive-keyring.gpg" },
	{ "dgit-distro.debian.keyring",
	  "/usr/share/keyrings/debian-keyring.gpg:"
	  "/usr/share/keyrings/debian-maintainers.gpg:"
	  "/usr/share/keyrings/debian-nonupload.gpg" },
	{ "dgit-distro.debian-security.nominal-distro", "debian" },
	{ "dgit-distro.debian.backports-quirk", "(squeeze)-backports*" },
	{ "dgit-distro.ubuntu.git-check", "false" },
	{ "dgit-distro.ubuntu.archive-keyring",
	  "/usr/share/keyrings/ubuntu-archive-keyring.gpg" },
	{ "dgit-distro.ubuntucloud.git-check", "false" },
	{ "dgit-distro.ubuntucloud.nominal-distro", "ubuntu" },
};

/*
 * Normalise a config name into buf as git does: section and variable
 * lowercased, subsection kept.  0 when the name is malformed (no '.', an
 * empty section or variable, characters git refuses) or too long.
 */
static int
normalise(char *buf, size_t len, const char *name)
{
	const char *first = strchr(name, '.'), *last = strrchr(name, '.');
	size_t n = strlen(name), i;

	if (first == NULL || first == name || last[1] == '\0' || n >= len)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		int in_sub = name + i > first && name + i < last;

		if (c == '\n' || c == '\0')
			return 0;
		if (!in_sub && !isalnum(c) && c != '-' && c != '.')
			return 0;
		buf[i] = in_sub ? (char)c : (char)tolower(c);
	}
	buf[n] = '\0';
	return 1;
}

static const struct dgit_error *
add(struct dgit_config *cfg, const char *name, const char *value,
    enum source src, int level)
{
	struct entry *e;

	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap ? cfg->cap * 2 : 64;
		struct entry *ne = reallocarray(cfg->e, cap, sizeof *ne);

		if (ne == NULL)
			return dgit_error_from_errno("reading config");
		cfg->e = ne;
		cfg->cap = cap;
	}
	e = &cfg->e[cfg->n];
	e->name = strdup(name);
	e->value = strdup(value ? value : "true");
	if (e->name == NULL || e->value == NULL) {
		free(e->name);
		free(e->value);
		return dgit_error_from_errno("reading config");
	}
	e->src = src;
	e->level = level;
	cfg->n++;
	return NULL;
}

/* git's notion of a true environment variable (GIT_CONFIG_NOSYSTEM) */
static int
env_true(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL)
		return 0;
	return strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0 || (v[0] >= '1' && v[0] <= '9');
}

static const struct dgit_error *
add_overrides(struct dgit_config *cfg, const char *const *overrides,
    size_t n)
{
	char name[NAME_MAX_LEN];

	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(overrides[i], '=');
		size_t len = eq ? (size_t)(eq - overrides[i]) : 0;
		char raw[NAME_MAX_LEN];
		const struct dgit_error *err;

		if (eq == NULL || len >= sizeof raw)
			return dgit_error_fmt(DGIT_ERR_USAGE,
			    "bad -c option '%s': give NAME=VALUE",
			    overrides[i]);
		memcpy(raw, overrides[i], len);
		raw[len] = '\0';
		if (!normalise(name, sizeof name, raw))
			return dgit_error_fmt(DGIT_ERR_USAGE,
			    "bad config name '%s' in -c option: use "
			    "SECTION.NAME or SECTION.SUBSECTION.NAME", raw);
		if ((err = add(cfg, name, eq + 1, SRC_CMDLINE, 0)) != NULL)
			return err;
	}
	return NULL;
}

static enum source
source_of_level(git_config_level_t level)
{
	switch (level) {
	case GIT_CONFIG_LEVEL_PROGRAMDATA:
	case GIT_CONFIG_LEVEL_SYSTEM:
		return SRC_SYSTEM;
	case GIT_CONFIG_LEVEL_XDG:
	case GIT_CONFIG_LEVEL_GLOBAL:
		return SRC_GLOBAL;
	default:
		return SRC_LOCAL;
	}
}

static const struct dgit_error *
add_git(struct dgit_config *cfg, const char *repo_path)
{
	const struct dgit_error *err = NULL;
	git_repository *repo = NULL;
	git_config *gc = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *ent;
	int nosystem = env_true("GIT_CONFIG_NOSYSTEM");
	int rc;

	if (repo_path != NULL) {
		rc = git_repository_open_ext(&repo, repo_path, 0, NULL);
		if (rc < 0 && rc != GIT_ENOTFOUND) {
			err = dgit_error_git("cannot open the git repository "
			    "at '%s'", repo_path);
			goto done;
		}
	}
	rc = repo ? git_repository_config_snapshot(&gc, repo) :
	    git_config_open_default(&gc);
	if (rc < 0) {
		err = dgit_error_git("cannot read git config");
		goto done;
	}
	if (git_config_iterator_new(&it, gc) < 0) {
		err = dgit_error_git("cannot read git config");
		goto done;
	}
	while ((rc = git_config_next(&ent, it)) == 0) {
		enum source src = source_of_level(ent->level);

		if (src == SRC_SYSTEM && nosystem)
			continue;
		/* libgit2 names are normalised; skip the absurdly long */
		if (strlen(ent->name) >= NAME_MAX_LEN)
			continue;
		if ((err = add(cfg, ent->name, ent->value, src,
		    (int)ent->level)) != NULL)
			goto done;
	}
	if (rc != GIT_ITEROVER)
		err = dgit_error_git("cannot read git config");
done:
	git_config_iterator_free(it);
	git_config_free(gc);
	git_repository_free(repo);
	return err;
}

/*
 * Perl dgit's built-in "test-dummy" distro, which its test suite uses,
 * when $DGIT_TEST_DUMMY_DIR is set: "%s" stands for that directory.
 */
static const struct {
	const char *name, *value;
} test_dummy[] = {
	{ "dgit-distro.test-dummy.ssh", "%s/ssh" },
	{ "dgit-distro.test-dummy.username", "alice" },
	{ "dgit-distro.test-dummy.git-check", "ssh-cmd" },
	{ "dgit-distro.test-dummy.git-create", "ssh-cmd" },
	{ "dgit-distro.test-dummy.git-url", "%s/git" },
	{ "dgit-distro.test-dummy.git-host", "git" },
	{ "dgit-distro.test-dummy.git-path", "%s/git" },
	{ "dgit-distro.test-dummy.archive-query", "dummycatapi:" },
	{ "dgit-distro.test-dummy.archive-query-url", "file://%s/aq/" },
	{ "dgit-distro.test-dummy.mirror", "file://%s/mirror/" },
	{ "dgit-distro.test-dummy.upload-host", "test-dummy" },
};
#define NTEST_DUMMY (sizeof test_dummy / sizeof *test_dummy)

static const struct dgit_error *
add_test_dummy(struct dgit_config *cfg, const char *dir)
{
	if ((cfg->dummy = calloc(NTEST_DUMMY, sizeof *cfg->dummy)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (size_t i = 0; i < NTEST_DUMMY; i++) {
		const char *v = test_dummy[i].value, *pc = strstr(v, "%s");

		if (asprintf(&cfg->dummy[i], "%.*s%s%s", pc ? (int)(pc - v) :
		    (int)strlen(v), v, pc ? dir : "", pc ? pc + 2 : "") < 0) {
			cfg->dummy[i] = NULL;
			return dgit_error(DGIT_ERR_NOMEM);
		}
	}
	return NULL;
}

const struct dgit_error *
dgit_config_new(struct dgit_config **out, const char *repo_path,
    const char *const *overrides, size_t n)
{
	const struct dgit_error *err = NULL;
	struct dgit_config *cfg;

	*out = NULL;
	if (git_libgit2_init() < 0)
		return dgit_error_git("cannot initialise libgit2");
	cfg = calloc(1, sizeof *cfg);
	if (cfg == NULL) {
		err = dgit_error_from_errno("reading config");
		git_libgit2_shutdown();
		return err;
	}
	if ((err = dgit_config_set_distro_info_dir(cfg,
	    "/usr/share/distro-info")) != NULL)
		goto done;
	if ((err = add_overrides(cfg, overrides, n)) != NULL)
		goto done;
	if (getenv("DGIT_TEST_DUMMY_DIR") && *getenv("DGIT_TEST_DUMMY_DIR") &&
	    (err = add_test_dummy(cfg, getenv("DGIT_TEST_DUMMY_DIR"))))
		goto done;
	err = add_git(cfg, repo_path);
done:
	if (err != NULL)
		dgit_config_free(cfg);
	else
		*out = cfg;
	return err;
}

void
dgit_config_free(struct dgit_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->e[i].name);
		free(cfg->e[i].value);
	}
	free(cfg->e);
	for (size_t i = 0; i < cfg->nowned; i++)
		free(cfg->owned[i]);
	free(cfg->owned);
	free(cfg->info_dir);
	for (size_t i = 0; cfg->dummy != NULL && i < NTEST_DUMMY; i++)
		free(cfg->dummy[i]);
	free(cfg->dummy);
	free(cfg);
	git_libgit2_shutdown();
}

/* The winning entry for a normalised name in one source, or NULL. */
static const struct entry *
find_in(const struct dgit_config *cfg, const char *name, enum source src)
{
	const struct entry *best = NULL;

	for (size_t i = 0; i < cfg->n; i++) {
		const struct entry *e = &cfg->e[i];

		if (e->src != src || strcmp(e->name, name) != 0)
			continue;
		if (best == NULL || e->level >= best->level)
			best = e;
	}
	return best;
}

static const char *
get_normalised(const struct dgit_config *cfg, const char *name)
{
	for (enum source s = SRC_CMDLINE; s < SRC_NGIT; s++) {
		const struct entry *e = find_in(cfg, name, s);

		if (e != NULL)
			return e->value;
	}
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		if (strcmp(builtin[i].name, name) == 0)
			return builtin[i].value;
	for (size_t i = 0; cfg->dummy != NULL && i < NTEST_DUMMY; i++)
		if (strcmp(test_dummy[i].name, name) == 0)
			return cfg->dummy[i];
	return NULL;
}

size_t
dgit_config_get_all(const char **out, size_t max,
    const struct dgit_config *cfg, const char *name)
{
	char buf[NAME_MAX_LEN];
	size_t n = 0;

	if (!normalise(buf, sizeof buf, name))
		return 0;
	/* as git config --get-all lists them: system, global, local, -c;
	 * in a source by level (libgit2's file order), then as read */
	for (int s = SRC_SYSTEM; s >= SRC_CMDLINE; s--) {
		int lo = -1000000;

		for (;;) {
			int next = 1000000;

			for (size_t i = 0; i < cfg->n; i++)
				if ((int)cfg->e[i].src == s &&
				    cfg->e[i].level > lo &&
				    cfg->e[i].level < next &&
				    strcmp(cfg->e[i].name, buf) == 0)
					next = cfg->e[i].level;
			if (next == 1000000)
				break;
			for (size_t i = 0; i < cfg->n; i++)
				if ((int)cfg->e[i].src == s &&
				    cfg->e[i].level == next &&
				    strcmp(cfg->e[i].name, buf) == 0) {
					if (n < max)
						out[n] = cfg->e[i].value;
					n++;
				}
			lo = next;
		}
	}
	return n;
}

const char *
dgit_config_get(const struct dgit_config *cfg, const char *name)
{
	char buf[NAME_MAX_LEN];

	if (!normalise(buf, sizeof buf, name))
		return NULL;
	return get_normalised(cfg, buf);
}

/* dgit_config_get of "A.B.C"; NULL when it does not fit */
static const char *
get3(const struct dgit_config *cfg, const char *a, const char *b,
    const char *c)
{
	char name[NAME_MAX_LEN];
	int w = snprintf(name, sizeof name, "%s.%s.%s", a, b, c);

	if (w < 0 || (size_t)w >= sizeof name)
		return NULL;
	return dgit_config_get(cfg, name);
}

const char *
dgit_config_canon_distro(const struct dgit_config *cfg, const char *distro)
{
	const char *canon = get3(cfg, "dgit-distro", distro, "alias-canon");

	return canon != NULL ? canon : distro;
}

static const char *
get_access(const struct dgit_config *cfg, const char *distro,
    const char *key, int push)
{
	const char *distros[2], *v;
	char pushd[NAME_MAX_LEN];

	distros[0] = dgit_config_canon_distro(cfg, distro);
	distros[1] = get3(cfg, "dgit-distro", distros[0], "nominal-distro");
	for (size_t i = 0; i < 2; i++) {
		if (distros[i] == NULL)
			continue;
		if (push) {
			int w = snprintf(pushd, sizeof pushd, "%s/push",
			    distros[i]);

			if (w > 0 && (size_t)w < sizeof pushd &&
			    (v = get3(cfg, "dgit-distro", pushd, key)) != NULL)
				return v;
		}
		if ((v = get3(cfg, "dgit-distro", distros[i], key)) != NULL)
			return v;
	}
	return get3(cfg, "dgit", "default", key);
}

const char *
dgit_config_get_distro(const struct dgit_config *cfg, const char *distro,
    const char *key)
{
	return get_access(cfg, distro, key, 0);
}

const char *
dgit_config_get_distro_push(const struct dgit_config *cfg,
    const char *distro, const char *key)
{
	return get_access(cfg, distro, key, 1);
}

static const struct dgit_error *
parse_bool(int *out, const char *name, const char *v, int def)
{
	*out = def;
	if (v == NULL)
		return NULL;
	if (strcasecmp(v, "on") == 0 ||
	    (v[0] != '\0' && strchr("tTyY1", v[0]) != NULL)) {
		*out = 1;
		return NULL;
	}
	if (strcasecmp(v, "off") == 0 ||
	    (v[0] != '\0' && strchr("fFnN0", v[0]) != NULL)) {
		*out = 0;
		return NULL;
	}
	return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
	    "bad boolean '%s' for config "
	    "'%s': use true or false", v, name);
}

const struct dgit_error *
dgit_config_get_bool(int *out, const struct dgit_config *cfg,
    const char *name, int def)
{
	return parse_bool(out, name, dgit_config_get(cfg, name), def);
}

const struct dgit_error *
dgit_config_get_distro_bool(int *out, const struct dgit_config *cfg,
    const char *distro, const char *key, int def)
{
	return parse_bool(out, key, dgit_config_get_distro(cfg, distro, key),
	    def);
}

void
dgit_config_paths_free(char **paths, size_t n)
{
	if (paths == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

const struct dgit_error *
dgit_config_get_distro_paths(char ***out, size_t *n,
    const struct dgit_config *cfg, const char *distro, const char *key)
{
	const char *v = dgit_config_get_distro(cfg, distro, key);
	const struct dgit_error *err = NULL;
	char **list = NULL;
	size_t len = 0, cap = 0;
	struct stat st;

	*out = NULL;
	*n = 0;
	while (v != NULL && *v != '\0') {
		const char *end = strchr(v, ':');
		size_t plen = end ? (size_t)(end - v) : strlen(v);
		char *p = strndup(v, plen);

		if (p == NULL) {
			err = dgit_error_from_errno("reading config");
			goto done;
		}
		if (plen == 0 || stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
		} else {
			if (len == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				char **nl = reallocarray(list, ncap,
				    sizeof *nl);

				if (nl == NULL) {
					free(p);
					err = dgit_error_from_errno(
					    "reading config");
					goto done;
				}
				list = nl;
				cap = ncap;
			}
			list[len++] = p;
		}
		v = end ? end + 1 : NULL;
	}
done:
	if (err != NULL) {
		dgit_config_paths_free(list, len);
		return err;
	}
	*out = list;
	*n = len;
	return NULL;
}

const struct dgit_error *
dgit_config_set_distro_info_dir(struct dgit_config *cfg, const char *dir)
{
	char *copy = NULL;

	if (dir != NULL && (copy = strdup(dir)) == NULL)
		return dgit_error_from_errno("setting distro-info directory");
	free(cfg->info_dir);
	cfg->info_dir = copy;
	return NULL;
}

/* "dgit-suite.PATTERN.distro": the PATTERN, borrowed, or NULL */
static const char *
suite_pattern(const char *name, size_t *len)
{
	static const char pre[] = "dgit-suite.", post[] = ".distro";
	size_t n = strlen(name);

	if (n <= sizeof pre - 1 + sizeof post - 1 ||
	    strncmp(name, pre, sizeof pre - 1) != 0 ||
	    strcmp(name + n - (sizeof post - 1), post) != 0)
		return NULL;
	*len = n - (sizeof pre - 1) - (sizeof post - 1);
	return name + sizeof pre - 1;
}

static int
pattern_matches(const char *name, const char *suite)
{
	char pat[NAME_MAX_LEN];
	const char *p;
	size_t len;

	if ((p = suite_pattern(name, &len)) == NULL || len >= sizeof pat)
		return 0;
	memcpy(pat, p, len);
	pat[len] = '\0';
	return fnmatch(pat, suite, 0) == 0;
}

/* Keep s in cfg so it can be handed out borrowed. */
static const char *
keep(struct dgit_config *cfg, char *s)
{
	char **nl = reallocarray(cfg->owned, cfg->nowned + 1, sizeof *nl);

	if (nl == NULL) {
		free(s);
		return NULL;
	}
	cfg->owned = nl;
	cfg->owned[cfg->nowned++] = s;
	return s;
}

/* Does this CSV line have suite as its third field? */
static int
csv_series_is(const char *line, const char *suite)
{
	const char *p = line;
	size_t slen = strlen(suite);

	for (int i = 0; i < 2; i++) {
		p = strchr(p, ',');
		if (p == NULL)
			return 0;
		p++;
	}
	return strncmp(p, suite, slen) == 0 &&
	    (p[slen] == ',' || p[slen] == '\n' || p[slen] == '\r' ||
	    p[slen] == '\0');
}

static int
csv_has_series(const char *path, const char *suite)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && getline(&line, &cap, f) > 0)
		found = csv_series_is(line, suite);
	free(line);
	fclose(f);
	return found;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distro whose DIR/DISTRO.csv lists suite, kept in cfg, or NULL. */
static const char *
distro_info(struct dgit_config *cfg, const char *suite)
{
	DIR *d;
	struct dirent *de;
	char *names[64], path[4096];
	size_t nnames = 0;
	const char *found = NULL;

	if (cfg->info_dir == NULL || (d = opendir(cfg->info_dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && nnames < 64) {
		size_t len = strlen(de->d_name), i;

		if (len <= 4 || strcmp(de->d_name + len - 4, ".csv") != 0)
			continue;
		for (i = 0; i < len - 4; i++)
			if (!isalnum((unsigned char)de->d_name[i]) &&
			    de->d_name[i] != '_')
				break;
		if (i < len - 4)
			continue;
		if ((names[nnames] = strdup(de->d_name)) != NULL)
			nnames++;
	}
	closedir(d);
	qsort(names, nnames, sizeof *names, by_name);
	for (size_t i = 0; i < nnames && found == NULL; i++) {
		int w = snprintf(path, sizeof path, "%s/%s", cfg->info_dir,
		    names[i]);

		if (w < 0 || (size_t)w >= sizeof path ||
		    !csv_has_series(path, suite))
			continue;
		names[i][strlen(names[i]) - 4] = '\0';
		found = keep(cfg, names[i]);
		names[i] = NULL;
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	return found;
}

const char *
dgit_config_suite_distro(struct dgit_config *cfg, const char *suite)
{
	const char *v;

	if ((v = get3(cfg, "dgit-suite", suite, "distro")) != NULL)
		return v;
	for (enum source s = SRC_CMDLINE; s < SRC_NGIT; s++) {
		const char *match = NULL;
		int level = -1;

		for (size_t i = 0; i < cfg->n; i++) {
			const struct entry *e = &cfg->e[i];

			if (e->src == s && e->level >= level &&
			    pattern_matches(e->name, suite)) {
				match = e->value;
				level = e->level;
			}
		}
		if (match != NULL)
			return match;
	}
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		if (pattern_matches(builtin[i].name, suite))
			return builtin[i].value;
	if ((v = distro_info(cfg, suite)) != NULL)
		return v;
	return dgit_config_get(cfg, "dgit.default.distro");
}
