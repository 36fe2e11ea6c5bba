/*
 * The apt shim's sources listing: temporary sources files in both formats,
 * read through libapt-pkg, fields checked against what the files say.
 * Never reads the machine's own /etc/apt: every call names its files, and
 * the default-path case is redirected with $APT_CONFIG.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_aptshim.h"
#include "dgit_error.h"
#include "unit.h"

static char tmp[256];

static void
put(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static char *
path_of(const char *name)
{
	static char buf[4][512];
	static int i;
	char *p = buf[i++ % 4];

	snprintf(p, sizeof buf[0], "%s/%s", tmp, name);
	return p;
}

/* The entry with this type, uri and suite, or NULL. */
static const struct dgit_apt_source *
find(const struct dgit_apt_source *v, size_t n, const char *type,
    const char *uri, const char *suite)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].type, type) == 0 &&
		    strcmp(v[i].uri, uri) == 0 &&
		    strcmp(v[i].suite, suite) == 0)
			return &v[i];
	return NULL;
}

static const char *
signed_by(const struct dgit_apt_source *s)
{
	return s != NULL ? s->signed_by : NULL;
}

/* components joined by ' ' into buf */
static const char *
comps(const struct dgit_apt_source *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; s != NULL && i < s->ncomponents; i++) {
		int w = snprintf(buf + used, len - used, "%s%s",
		    i ? " " : "", s->components[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

static void
dump(const struct dgit_apt_source *v, size_t n)
{
	char b[256];

	for (size_t i = 0; i < n; i++)
		unit_diag("  %s %s %s [%s] signed-by=%s at %s", v[i].type,
		    v[i].uri, v[i].suite, comps(&v[i], b, sizeof b),
		    v[i].signed_by ? v[i].signed_by : "-",
		    v[i].origin ? v[i].origin : "-");
}

static const char one_line[] =
    "# a comment line\n"
    "\n"
    "deb http://archive.example.invalid/debian bookworm main contrib\n"
    "deb-src [signed-by=/usr/share/keyrings/test-archive.gpg] "
    "http://archive.example.invalid/debian bookworm main non-free\n"
    "deb-src [ arch=amd64 ] http://src.example.invalid/debian/ sid main\n"
    "deb-src file:///srv/flat-repo ./\n";

static const char deb822[] =
    "# comment\n"
    "Types: deb deb-src\n"
    "URIs: http://other.example.invalid/debian\n"
    "Suites: trixie trixie-updates\n"
    "Components: main non-free-firmware\n"
    "Signed-By: /tmp/other-keyring.gpg\n"
    "\n"
    "Types: deb-src\n"
    "URIs: http://disabled.example.invalid/debian\n"
    "Suites: forky\n"
    "Components: main\n"
    "Enabled: no\n";

static void
test_one_line(void)
{
	struct dgit_aptshim_sources_opts o = { path_of("sources.list"), NULL };
	struct dgit_apt_source *v;
	const struct dgit_apt_source *s;
	const struct dgit_error *err;
	size_t n;
	char b[256];

	err = dgit_aptshim_sources_list(&v, &n, &o);
	if (!unit_ok(err == NULL, "one-line sources.list reads")) {
		unit_diag("  %s", err->msg);
		return;
	}
	unit_ok(n == 4, "one-line: 4 entries (got %zu)", n);
	dump(v, n);

	s = find(v, n, "deb", "http://archive.example.invalid/debian/",
	    "bookworm");
	unit_ok(s != NULL, "one-line: deb bookworm entry, URI gains '/'");
	UNIT_STREQ(comps(s, b, sizeof b), "main contrib",
	    "one-line: deb components");
	s = find(v, n, "deb-src", "http://archive.example.invalid/debian/",
	    "bookworm");
	unit_ok(s != NULL, "one-line: deb-src bookworm entry");
	UNIT_STREQ(comps(s, b, sizeof b), "main non-free",
	    "one-line: deb-src components");
	UNIT_STREQ(signed_by(s),
	    "/usr/share/keyrings/test-archive.gpg",
	    "one-line: signed-by option");
	if (s != NULL && s->origin != NULL)
		unit_ok(strstr(s->origin, "sources.list:4") != NULL,
		    "one-line: origin names file and line (%s)", s->origin);
	else
		unit_ok(0, "one-line: origin present");

	s = find(v, n, "deb-src", "http://src.example.invalid/debian/", "sid");
	unit_ok(s != NULL && s->signed_by == NULL,
	    "one-line: options in brackets, no signed-by");
	UNIT_STREQ(comps(s, b, sizeof b), "main", "one-line: sid components");

	s = find(v, n, "deb-src", "file:///srv/flat-repo/", "./");
	unit_ok(s != NULL && s->ncomponents == 0,
	    "one-line: flat file:/// repository, no components");
	dgit_aptshim_sources_free(v, n);
}

static void
test_deb822(void)
{
	struct dgit_aptshim_sources_opts o = { NULL, path_of("parts") };
	struct dgit_apt_source *v;
	const struct dgit_apt_source *s;
	const struct dgit_error *err;
	const char *suites[] = { "trixie", "trixie-updates" };
	const char *types[] = { "deb", "deb-src" };
	size_t n;
	char b[256];

	err = dgit_aptshim_sources_list(&v, &n, &o);
	if (!unit_ok(err == NULL, "deb822 parts dir reads")) {
		unit_diag("  %s", err->msg);
		return;
	}
	/* 2 types x 2 suites from .sources, 1 from the .list in parts */
	unit_ok(n == 5, "deb822: 5 entries (got %zu)", n);
	dump(v, n);
	for (size_t i = 0; i < 2; i++)
		for (size_t j = 0; j < 2; j++) {
			s = find(v, n, types[j],
			    "http://other.example.invalid/debian/", suites[i]);
			unit_ok(s != NULL, "deb822: %s %s present", types[j],
			    suites[i]);
			UNIT_STREQ(comps(s, b, sizeof b),
			    "main non-free-firmware",
			    "deb822: %s %s components", types[j], suites[i]);
			UNIT_STREQ(signed_by(s),
			    "/tmp/other-keyring.gpg",
			    "deb822: %s %s signed-by", types[j], suites[i]);
		}
	s = find(v, n, "deb-src", "http://disabled.example.invalid/debian/",
	    "forky");
	unit_ok(s == NULL, "deb822: Enabled: no is left out");
	s = find(v, n, "deb-src", "http://extra.example.invalid/debian/",
	    "sid");
	unit_ok(s != NULL, "parts: a .list file in the parts dir is read");
	s = find(v, n, "deb", "http://ignored.example.invalid/debian/",
	    "sid");
	unit_ok(s == NULL, "parts: other file names are ignored");
	dgit_aptshim_sources_free(v, n);
}

static void
test_errors(void)
{
	struct dgit_aptshim_sources_opts o = { NULL, NULL };
	struct dgit_apt_source *v = (void *)1;
	const struct dgit_error *err;
	size_t n = 99;

	o.list_file = path_of("bad.list");
	err = dgit_aptshim_sources_list(&v, &n, &o);
	unit_ok(err != NULL && err->code == DGIT_ERR_PARSE,
	    "malformed one-line entry fails");
	unit_ok(v == NULL && n == 0, "failure leaves out-params empty");
	if (err != NULL) {
		unit_ok(strstr(err->msg, "bad.list") != NULL,
		    "error names the file: %s", err->msg);
	}

	o.list_file = path_of("bad.sources");
	err = dgit_aptshim_sources_list(&v, &n, &o);
	unit_ok(err != NULL && err->code == DGIT_ERR_PARSE,
	    "deb822 stanza without URIs fails%s%s", err ? ": " : "",
	    err ? err->msg : "");

	o.list_file = path_of("missing.list");
	err = dgit_aptshim_sources_list(&v, &n, &o);
	unit_ok(err != NULL, "a missing list file named explicitly fails");

	/* apt's messages from earlier failures must not leak into this */
	o.list_file = path_of("sources.list");
	err = dgit_aptshim_sources_list(&v, &n, &o);
	unit_ok(err == NULL && n == 4, "a good read after failures works");
	dgit_aptshim_sources_free(v, n);

	o.list_file = NULL;
	o.parts_dir = path_of("empty");
	err = dgit_aptshim_sources_list(&v, &n, &o);
	unit_ok(err == NULL && n == 0 && v == NULL,
	    "an empty parts dir gives no entries");
}

/*
 * Each entry's own check-valid-until, as sources.list(5) defines it: the
 * one-line option in brackets (any spacing, with other options, the last
 * of several), the deb822 field of its own stanza only; a '#' comment is
 * no option; a value that is not a boolean is "no" (apt's
 * GetTriStateOption).  Lines apt merges must agree (apt refuses them
 * otherwise) and keep their value.
 */
static const char cvu_list[] =
    "deb-src http://a.example.invalid/debian sid main\n"
    "deb-src [check-valid-until=no] http://b.example.invalid/debian sid main\n"
    "deb-src [ signed-by=/k.gpg check-valid-until=yes ] http://c.example.invalid/debian sid main\n"
    "deb-src [check-valid-until=yes check-valid-until=false] http://d.example.invalid/debian sid main\n"
    "deb-src http://e.example.invalid/debian sid main # [check-valid-until=no]\n"
    "deb-src [check-valid-until=maybe] http://f.example.invalid/debian sid main\n"
    "deb-src [arch=amd64 check-valid-until=off] http://g.example.invalid/debian sid main\n"
    "deb-src [check-valid-until=no] http://m.example.invalid/debian sid main\n"
    "deb-src [check-valid-until=no] http://m.example.invalid/debian sid contrib\n";

static const char cvu_sources[] =
    "Types: deb-src\nURIs: http://p.example.invalid/debian\n"
    "Suites: sid\nComponents: main\n\n"
    "# a comment stanza apart\n\n"
    "Types: deb-src\nURIs: http://q.example.invalid/debian\n"
    "Suites: sid\nComponents: main\ncheck-valid-until: no\n\n"
    "Types: deb-src\nURIs: http://r.example.invalid/debian\n"
    "Suites: sid\nComponents: main\nCheck-Valid-Until: yes\n";

static void
test_valid_until(void)
{
	static const struct {
		const char *host;
		int want;
	} cases[] = {
		{ "a", -1 }, { "b", 0 }, { "c", 1 }, { "d", 0 }, { "e", -1 },
		{ "f", 0 }, { "g", 0 }, { "m", 0 },
		{ "p", -1 }, { "q", 0 }, { "r", 1 },
	};
	struct dgit_aptshim_sources_opts o = { path_of("cvu.list"),
	    path_of("cvuparts") };
	struct dgit_apt_source *v;
	const struct dgit_apt_source *s;
	const struct dgit_error *err;
	size_t n;
	char uri[128];

	err = dgit_aptshim_sources_list(&v, &n, &o);
	if (!unit_ok(err == NULL, "check-valid-until sources read")) {
		unit_diag("  %s", err->msg);
		return;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(uri, sizeof uri, "http://%s.example.invalid/debian/",
		    cases[i].host);
		s = find(v, n, "deb-src", uri, "sid");
		unit_ok(s != NULL && s->check_valid_until == cases[i].want,
		    "check-valid-until of %s: %d (got %d)", cases[i].host,
		    cases[i].want, s ? s->check_valid_until : -9);
	}
	dgit_aptshim_sources_free(v, n);
}

/* opts NULL reads apt's configured paths; $APT_CONFIG points them here. */
static void
test_default_paths(void)
{
	struct dgit_apt_source *v;
	const struct dgit_error *err;
	size_t n;

	err = dgit_aptshim_sources_list(&v, &n, NULL);
	if (!unit_ok(err == NULL, "default paths via APT_CONFIG read")) {
		unit_diag("  %s", err->msg);
		return;
	}
	unit_ok(n == 4 + 5, "default paths: list and parts (got %zu)", n);
	unit_ok(find(v, n, "deb-src", "http://src.example.invalid/debian/",
	    "sid") != NULL, "default paths: list file entry");
	unit_ok(find(v, n, "deb", "http://other.example.invalid/debian/",
	    "trixie-updates") != NULL, "default paths: parts entry");
	dgit_aptshim_sources_free(v, n);
}

int
main(void)
{
	char conf[1024];
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/dgit-aptsrc.XXXXXX", t ? t : "/tmp");
	if (mkdtemp(tmp) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	if (mkdir(path_of("parts"), 0777) != 0 ||
	    mkdir(path_of("empty"), 0777) != 0) {
		perror("mkdir");
		return 2;
	}
	put("sources.list", one_line);
	if (mkdir(path_of("cvuparts"), 0777) != 0) {
		perror("mkdir");
		return 2;
	}
	put("cvu.list", cvu_list);
	put("cvuparts/cvu.sources", cvu_sources);
	put("parts/other.sources", deb822);
	put("parts/extra.list",
	    "deb-src http://extra.example.invalid/debian sid main\n");
	put("parts/ignored.list.disabled",
	    "deb http://ignored.example.invalid/debian sid main\n");
	put("bad.list", "deb-src http://x.example.invalid/debian\n");
	put("bad.sources", "Types: deb-src\nSuites: sid\nComponents: main\n");
	/* $APT_CONFIG is read first: keep the machine's apt.conf.d out */
	snprintf(conf, sizeof conf,
	    "Dir::Etc::sourcelist \"%s\";\nDir::Etc::sourceparts \"%s\";\n"
	    "Dir::Etc::parts \"%s\";\nDir::Etc::main \"/dev/null\";\n",
	    path_of("sources.list"), path_of("parts"), path_of("empty"));
	put("apt.conf", conf);
	setenv("APT_CONFIG", path_of("apt.conf"), 1);

	unit_ok(dgit_aptshim_init() == NULL, "init");
	unit_ok(dgit_aptshim_init() == NULL, "init again is harmless");
	test_one_line();
	test_deb822();
	test_errors();
	test_default_paths();
	test_valid_until();

	{
		const char *files[] = { "sources.list", "parts/other.sources",
		    "parts/extra.list", "parts/ignored.list.disabled",
		    "bad.list", "bad.sources", "apt.conf", "cvu.list",
		    "cvuparts/cvu.sources" };
		for (size_t i = 0; i < sizeof files / sizeof *files; i++)
			unlink(path_of(files[i]));
		rmdir(path_of("parts"));
		rmdir(path_of("empty"));
		rmdir(path_of("cvuparts"));
		rmdir(tmp);
	}
	return unit_done();
}
