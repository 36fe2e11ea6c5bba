/* JSON archive query services (ftpmasterapi, dummycatapi): dgit_aq.h. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dgit_aq.h"
#include "dgit_buf.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_json.h"
#include "dgit_version.h"

int
dgit_aq_method_is_json(const char *aq)
{
	return aq != NULL && (strncmp(aq, "dummycatapi:", 12) == 0 ||
	    strncmp(aq, "ftpmasterapi:", 13) == 0);
}

/* base (a URL, trailing '/' optional) joined with rel. */
static const struct dgit_error *
join_url(char **out, const char *base, const char *rel)
{
	size_t bl = strlen(base);

	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if (asprintf(out, "%.*s/%s", (int)bl, base, rel) < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

/* A suite or package name safe to put into a path. */
static int
name_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    (*s >= 'A' && *s <= 'Z') || strchr("+-._~", *s)))
			return 0;
	return 1;
}

/* Fetch and parse one answer; NOT_FOUND when there is none. */
static const struct dgit_error *
query(struct dgit_json **out, const struct dgit_archive_opts *o,
    const char *url, const char *rel)
{
	const struct dgit_error *err;
	char *full = NULL, *buf = NULL, *what = NULL;
	size_t len;

	*out = NULL;
	if ((err = join_url(&full, url, rel)))
		return err;
	err = dgit_fetch_to_memory(&buf, &len, &o->fetch, full, NULL, DGIT_AQ_MAX);
	if (err && err->code == DGIT_ERR_NOT_FOUND) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "archive query "
		    "'%s' has no answer (nothing at '%s')", rel, full);
		goto done;
	}
	if (err)
		goto done;
	if (asprintf(&what, "the archive's answer to '%s'", rel) < 0) {
		what = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	err = dgit_json_parse(out, buf, len, what);
done:
	free(full);
	free(buf);
	free(what);
	return err;
}

/* A query path: [-+._%/0-9a-zA-Z], no empty, "." or ".." component. */
static int
subpath_ok(const char *s)
{
	const char *c;

	if (*s == '\0' || *s == '/')
		return 0;
	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		    (*c >= 'A' && *c <= 'Z') || strchr("-+._%/", *c)))
			return 0;
	for (c = s; *c; ) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		c += n;
		if (*c == '/')
			c++;
	}
	return 1;
}

const struct dgit_error *
dgit_aq_query_raw(char **out, size_t *len, const struct dgit_archive_opts *o,
    const char *subpath)
{
	const struct dgit_error *err;
	char *full = NULL;

	*out = NULL;
	*len = 0;
	if (o->aq_url == NULL)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "this distro has no archive query service; set "
		    "dgit-distro.DISTRO.archive-query to ftpmasterapi: and "
		    "archive-query-url");
	if (!subpath_ok(subpath))
		return dgit_error_fmt(DGIT_ERR_USAGE, "archive query path "
		    "'%s' is not of the form 'suites' or "
		    "'dsc_in_suite/SUITE/PACKAGE'", subpath);
	if ((err = join_url(&full, o->aq_url, subpath)))
		return err;
	err = dgit_fetch_to_memory(out, len, &o->fetch, full, NULL, DGIT_AQ_MAX);
	free(full);
	return err;
}

/* The suite's codename and (when the answer has one) its name. */
static const struct dgit_error *
suites_find(char **out, char **name_out, const struct dgit_archive_opts *o,
    const char *url, const char *suite)
{
	const struct dgit_error *err;
	struct dgit_json *j = NULL;
	size_t i;

	*out = NULL;
	if (name_out)
		*name_out = NULL;
	if ((err = query(&j, o, url, "suites")))
		return err;
	if (j->type != DGIT_JSON_ARRAY) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer to "
		    "'suites' is not a list");
		goto done;
	}
	for (i = 0; i < j->n; i++) {
		const char *name = dgit_json_string(
		    dgit_json_get(j->items[i], "name"));
		const char *code = dgit_json_string(
		    dgit_json_get(j->items[i], "codename"));

		if (code == NULL || !name_ok(code)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "the archive's "
			    "answer to 'suites': entry %zu has no valid "
			    "codename", i + 1);
			goto done;
		}
		if (strcmp(code, suite) == 0 ||
		    (name && strcmp(name, suite) == 0)) {
			if ((*out = strdup(code)) == NULL)
				err = dgit_error(DGIT_ERR_NOMEM);
			else if (name_out && name &&
			    (*name_out = strdup(name)) == NULL) {
				free(*out);
				*out = NULL;
				err = dgit_error(DGIT_ERR_NOMEM);
			}
			goto done;
		}
	}
	err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "suite '%s' is not in the "
	    "archive (its query service lists no such suite)", suite);
done:
	dgit_json_free(j);
	return err;
}

const struct dgit_error *
dgit_aq_canon_suite(char **out, const struct dgit_archive_opts *o,
    const char *url, const char *suite)
{
	return suites_find(out, NULL, o, url, suite);
}

/* Perl dgit's rules for the answer's fields. */
static int
component_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    strchr("+-.", *s)))
			return 0;
	return 1;
}

static int
filename_ok(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '/' || *s == '.')
		return 0;
	for (p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-+:._~/", *p)))
			return 0;
		if (*p == '/' && (p[1] == '/' || p[1] == '.' || p[1] == '\0'))
			return 0;
	}
	return strlen(s) > 4 && strcmp(s + strlen(s) - 4, ".dsc") == 0;
}

/* One checked entry of a dsc_in_suite answer. */
struct entry {
	const char *version, *component, *filename, *sha256;
};

static const struct dgit_error *
check_entry(struct entry *e, const struct dgit_json *j, size_t i,
    const char *rel)
{
	e->version = dgit_json_string(dgit_json_get(j, "version"));
	e->component = dgit_json_string(dgit_json_get(j, "component"));
	e->filename = dgit_json_string(dgit_json_get(j, "filename"));
	e->sha256 = dgit_json_string(dgit_json_get(j, "sha256sum"));
	if (e->version == NULL || dgit_version_check(e->version) != NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer "
		    "to '%s': entry %zu has no valid version", rel, i + 1);
	if (e->component == NULL || !component_ok(e->component))
		return dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer "
		    "to '%s': entry %zu has no valid component", rel, i + 1);
	if (e->filename == NULL || !filename_ok(e->filename))
		return dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer "
		    "to '%s': entry %zu has no valid .dsc filename", rel,
		    i + 1);
	if (e->sha256 == NULL ||
	    !dgit_hash_hex_valid(e->sha256, DGIT_HASH_SHA256))
		return dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer "
		    "to '%s': entry %zu has no valid sha256sum", rel, i + 1);
	return NULL;
}

/* Build the source from the chosen entry and its verified .dsc. */
static const struct dgit_error *
make_source(struct dgit_archive_source **out,
    const struct dgit_archive_opts *o, const struct entry *e,
    const char *package)
{
	const struct dgit_error *err;
	struct dgit_archive_source *s = NULL;
	struct dgit_dsc *dsc = NULL;
	char *rel = NULL, *path = NULL, *buf = NULL;
	char hex[DGIT_SHA256_HEXLEN + 1];
	const char *slash = strrchr(e->filename, '/');
	size_t len, i, ml;

	if (asprintf(&rel, "pool/%s/%s", e->component, e->filename) < 0) {
		rel = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = join_url(&path, o->mirror, rel)))
		goto done;
	for (i = 0; i < sizeof hex - 1; i++)
		hex[i] = (char)tolower((unsigned char)e->sha256[i]);
	hex[i] = '\0';
	/* dgit_fetch checks the SHA-256 (DGIT_ERR_CHECKSUM). */
	if ((err = dgit_fetch_to_memory(&buf, &len, &o->fetch, path, hex, DGIT_DSC_MAX)))
		goto done;
	if ((err = dgit_dsc_parse(&dsc, buf, len, path)))
		goto done;
	if (strcmp(dsc->source, package) != 0 ||
	    strcmp(dsc->version, e->version) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is %s %s, not %s "
		    "%s as the archive's query service says", path,
		    dsc->source, dsc->version, package, e->version);
		goto done;
	}
	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->files = calloc(dsc->nfiles + 1, sizeof *s->files)) == NULL)
		goto nomem;
	ml = strlen(o->mirror);
	while (ml > 0 && o->mirror[ml - 1] == '/')
		ml--;
	if ((s->package = strdup(package)) == NULL ||
	    (s->version = strdup(e->version)) == NULL ||
	    (s->component = strdup(e->component)) == NULL ||
	    (s->dsc_name = strdup(slash ? slash + 1 : e->filename)) == NULL ||
	    asprintf(&s->directory, "pool/%s%s%.*s", e->component,
	    slash ? "/" : "", slash ? (int)(slash - e->filename) : 0,
	    e->filename) < 0)
		goto nomem;
	if (asprintf(&s->url_dir, "%.*s/%s", (int)ml, o->mirror,
	    s->directory) < 0) {
		s->url_dir = NULL;
		goto nomem;
	}
	if ((s->files[0].name = strdup(s->dsc_name)) == NULL)
		goto nomem;
	s->files[0].size = len;
	memcpy(s->files[0].sha256, hex, sizeof hex);
	s->nfiles = 1;
	for (i = 0; i < dsc->nfiles; i++) {
		const struct dgit_dsc_file *f = &dsc->files[i];

		if (f->sha256[0] == '\0') {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' gives no "
			    "SHA-256 for '%s'; it cannot be verified", path,
			    f->name);
			goto done;
		}
		if ((s->files[s->nfiles].name = strdup(f->name)) == NULL)
			goto nomem;
		s->files[s->nfiles].size = f->size;
		memcpy(s->files[s->nfiles].sha256, f->sha256,
		    sizeof s->files[s->nfiles].sha256);
		s->nfiles++;
	}
	*out = s;
	s = NULL;
	goto done;
nomem:
	err = dgit_error(DGIT_ERR_NOMEM);
done:
	dgit_archive_source_free(s);
	dgit_dsc_free(dsc);
	free(rel);
	free(path);
	free(buf);
	return err;
}

static int
entry_newer_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return dgit_version_compare(y->version, x->version);
}

const struct dgit_error *
dgit_aq_find_source(struct dgit_archive_source **out, char **skew,
    const struct dgit_archive_opts *o, const char *url, const char *suite,
    const char *package)
{
	const struct dgit_error *err;
	struct dgit_json *j = NULL;
	struct entry *ents = NULL;
	char *rel = NULL;
	size_t i;

	*out = NULL;
	*skew = NULL;
	if (!name_ok(suite) || !name_ok(package))
		return dgit_error_fmt(DGIT_ERR_USAGE, "'%s' in '%s' is not a "
		    "valid package and suite", package, suite);
	if (asprintf(&rel, "dsc_in_suite/%s/%s", suite, package) < 0)
		return dgit_error(DGIT_ERR_NOMEM);
	err = query(&j, o, url, rel);
	if (err && err->code == DGIT_ERR_NOT_FOUND) {
		err = dgit_error_cfmt(DGIT_ECLASS_NO_PACKAGE,
		    DGIT_ERR_NOT_FOUND, "package '%s' is not in suite '%s' "
		    "(the archive's query service has no answer for it)",
		    package, suite);
		goto done;
	}
	if (err)
		goto done;
	if (j->type != DGIT_JSON_ARRAY) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer to "
		    "'%s' is not a list", rel);
		goto done;
	}
	if (j->n == 0) {
		err = dgit_error_cfmt(DGIT_ECLASS_NO_PACKAGE,
		    DGIT_ERR_NOT_FOUND, "package '%s' is not in suite '%s'",
		    package, suite);
		goto done;
	}
	if ((ents = calloc(j->n, sizeof *ents)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < j->n; i++)
		if ((err = check_entry(&ents[i], j->items[i], i, rel)))
			goto done;
	qsort(ents, j->n, sizeof *ents, entry_newer_first);
	/*
	 * Archive skew: the newest version listed may not have reached the
	 * mirror yet.  Take the newest one whose .dsc is there, as Perl
	 * dgit does, and say so.
	 */
	for (i = 0; i < j->n; i++) {
		err = make_source(out, o, &ents[i], package);
		if (err == NULL || err->code != DGIT_ERR_NOT_FOUND)
			break;
	}
	if (err)
		goto done;
	if (i > 0 && asprintf(skew, "Warning: archive skew detected.  Using "
	    "the available version:\nArchive allegedly contains    %s\n"
	    "We were able to obtain only   %s", ents[0].version,
	    ents[i].version) < 0) {
		*skew = NULL;
		dgit_archive_source_free(*out);
		*out = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
done:
	free(ents);
	dgit_json_free(j);
	free(rel);
	return err;
}

void
dgit_aq_lookup_release(struct dgit_aq_lookup *l)
{
	free(l->csuite);
	free(l->name);
	dgit_archive_source_free(l->src);
	free(l->absent);
	free(l->skew);
	memset(l, 0, sizeof *l);
}

/* Through the JSON query service. */
static const struct dgit_error *
lookup_json(struct dgit_aq_lookup *l, const struct dgit_archive_opts *o,
    const char *suite, const char *package)
{
	const struct dgit_error *err;

	if ((err = suites_find(&l->csuite, &l->name, o, o->aq_url, suite)))
		return err;
	return dgit_aq_find_source(&l->src, &l->skew, o, o->aq_url, suite,
	    package);
}

/* Through the suite's signed Release and its Sources. */
static const struct dgit_error *
lookup_release(struct dgit_aq_lookup *l, const struct dgit_archive_opts *o,
    const char *suite, const char *package)
{
	const struct dgit_error *err;
	struct dgit_archive_release *rel = NULL;
	const char *code, *name;

	if ((err = dgit_archive_release_open_for(&rel, o, suite, package)))
		return err;
	code = dgit_archive_release_codename(rel);
	name = dgit_archive_release_suite(rel);
	if (code == NULL || *code == '\0') {
		code = name;
		name = NULL;
	}
	if (code == NULL || *code == '\0')
		code = suite;
	if ((l->csuite = strdup(code)) == NULL ||
	    (name && *name && (l->name = strdup(name)) == NULL))
		err = dgit_error(DGIT_ERR_NOMEM);
	else
		err = dgit_archive_find_source(&l->src, o, rel, package, NULL);
	l->prefetched = dgit_archive_release_prefetched(rel);
	dgit_archive_release_free(rel);
	return err;
}

const struct dgit_error *
dgit_aq_lookup(struct dgit_aq_lookup *out, const struct dgit_archive_opts *o,
    const char *suite, const char *package)
{
	const struct dgit_error *err;
	int suite_known;

	memset(out, 0, sizeof *out);
	err = o->aq_url ? lookup_json(out, o, suite, package) :
	    lookup_release(out, o, suite, package);
	suite_known = out->csuite != NULL;
	if (err && err->code == DGIT_ERR_NOT_FOUND && suite_known &&
	    out->src == NULL) {
		if ((out->absent = strdup(err->msg)) != NULL)
			return NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
	if (err)
		dgit_aq_lookup_release(out);
	return err;
}

/* ---- file_in_archive, package_not_wholly_new ------------------------- */

#define FIA_MAX_DEPTH 16
#define FIA_MAX_ENTRIES ((size_t)1 << 20)

/* A file's name (no directory) safe to look for. */
static int
leaf_ok(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) > 255)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-+:._~", *s)))
			return 0;
	return 1;
}

/* The local directory of a file:// mirror, or NULL. */
static char *
mirror_dir(const struct dgit_archive_opts *o)
{
	size_t n;

	if (o->mirror == NULL || strncmp(o->mirror, "file:///", 8) != 0 ||
	    strchr(o->mirror, '%'))
		return NULL;
	n = strlen(o->mirror + 7);
	while (n > 1 && o->mirror[7 + n - 1] == '/')
		n--;
	return strndup(o->mirror + 7, n);
}

struct walk {
	const char *name;          /* an exact leaf name, or NULL */
	const char *prefix, *suffix;   /* else: PREFIX*SUFFIX */
	struct dgit_aq_file *files;
	size_t n, entries;
	int stop_at_first;
};

static int
walk_match(const struct walk *w, const char *leaf)
{
	size_t l = strlen(leaf), pl, sl;

	if (w->name)
		return strcmp(leaf, w->name) == 0;
	pl = strlen(w->prefix);
	sl = strlen(w->suffix);
	return l >= pl + sl && strncmp(leaf, w->prefix, pl) == 0 &&
	    strcmp(leaf + l - sl, w->suffix) == 0;
}

/* find DIR -name ..., as dgit's dummycatapi does, within caps. */
static const struct dgit_error *
walk_dir(struct walk *w, const char *dir, int depth)
{
	const struct dgit_error *err = NULL;
	DIR *d;
	struct dirent *de;

	if (depth > FIA_MAX_DEPTH)
		return NULL;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (err == NULL && (de = readdir(d)) != NULL) {
		char *path = NULL;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > FIA_MAX_ENTRIES) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "the mirror "
			    "'%s' has too many files to search", dir);
			break;
		}
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			err = dgit_error(DGIT_ERR_NOMEM);
			break;
		}
		if (lstat(path, &st) != 0) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			err = walk_dir(w, path, depth + 1);
		} else if (walk_match(w, de->d_name)) {
			struct dgit_aq_file *f;

			if (w->stop_at_first) {
				w->n = 1;
				free(path);
				break;
			}
			if (w->n >= 64) {
				err = dgit_error_fmt(DGIT_ERR_LIMIT, "the "
				    "mirror has more than 64 files named "
				    "'%s'", de->d_name);
				free(path);
				break;
			}
			f = realloc(w->files, (w->n + 1) * sizeof *f);
			if (f == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				free(path);
				break;
			}
			w->files = f;
			f += w->n;
			memset(f, 0, sizeof *f);
			if ((err = dgit_hash_file(f->sha256, NULL,
			    DGIT_HASH_SHA256, path)) == NULL) {
				f->filename = path;
				path = NULL;
				w->n++;
			}
		}
		free(path);
		if (w->stop_at_first && w->n)
			break;
	}
	closedir(d);
	return err;
}

void
dgit_aq_files_free(struct dgit_aq_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(f[i].filename);
	free(f);
}

/* ftpmasterapi's file_in_archive/PATTERN, as dgit writes it. */
static const struct dgit_error *
fia_json(struct dgit_aq_file **out, size_t *n, int *supported,
    const struct dgit_archive_opts *o, const char *name)
{
	const struct dgit_error *err;
	struct dgit_json *j = NULL;
	struct dgit_buf b = DGIT_BUF_INIT;
	char *rel = NULL;
	size_t len;

	if ((err = dgit_buf_adds(&b, "file_in_archive/%25/")))
		goto done;
	for (const char *c = name; *c && err == NULL; c++) {
		if (*c == '_')
			err = dgit_buf_adds(&b, "%5c_");
		else if (strchr("-+.", *c) || (*c >= '0' && *c <= '9') ||
		    (*c >= 'a' && *c <= 'z'))
			err = dgit_buf_addf(&b, "%c", *c);
		else
			err = dgit_buf_addf(&b, "%%%02x", (unsigned char)*c);
	}
	if (err || (rel = dgit_buf_detach(&b, &len)) == NULL) {
		err = err ? err : dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	err = query(&j, o, o->aq_url, rel);
	if (err && err->code == DGIT_ERR_NOT_FOUND) {
		err = NULL;
		*supported = 0;
		goto done;
	}
	if (err)
		goto done;
	if (j->type != DGIT_JSON_ARRAY) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "the archive's answer "
		    "to '%s' is not a list", rel);
		goto done;
	}
	if (j->n > 64) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "the archive's answer "
		    "to '%s' lists more than 64 files", rel);
		goto done;
	}
	if (j->n && (*out = calloc(j->n, sizeof **out)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < j->n; i++) {
		const char *fn = dgit_json_string(dgit_json_get(j->items[i],
		    "filename"));
		const char *sh = dgit_json_string(dgit_json_get(j->items[i],
		    "sha256sum"));

		if (fn == NULL || sh == NULL ||
		    !dgit_hash_hex_valid(sh, DGIT_HASH_SHA256)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "the archive's "
			    "answer to '%s': entry %zu has no filename and "
			    "sha256sum", rel, i + 1);
			goto done;
		}
		if (((*out)[i].filename = strdup(fn)) == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		snprintf((*out)[i].sha256, sizeof (*out)[i].sha256, "%s", sh);
		*n = i + 1;
	}
done:
	dgit_buf_release(&b);
	dgit_json_free(j);
	free(rel);
	return err;
}

const struct dgit_error *
dgit_aq_file_in_archive(struct dgit_aq_file **out, size_t *n, int *supported,
    const struct dgit_archive_opts *o, const char *method, const char *name)
{
	const struct dgit_error *err;
	struct walk w = { 0 };
	char *dir;

	*out = NULL;
	*n = 0;
	*supported = 0;
	if (method == NULL || !leaf_ok(name))
		return NULL;
	if (strncmp(method, "ftpmasterapi:", 13) == 0 && o->aq_url) {
		*supported = 1;
		err = fia_json(out, n, supported, o, name);
		if (err) {
			dgit_aq_files_free(*out, *n);
			*out = NULL;
			*n = 0;
		}
		return err;
	}
	if (strncmp(method, "dummycatapi:", 12) != 0 ||
	    (dir = mirror_dir(o)) == NULL)
		return NULL;
	w.name = name;
	err = walk_dir(&w, dir, 0);
	free(dir);
	if (err) {
		dgit_aq_files_free(w.files, w.n);
		return err;
	}
	*supported = 1;
	*out = w.files;
	*n = w.n;
	return NULL;
}

const struct dgit_error *
dgit_aq_package_not_wholly_new(int *out, const struct dgit_archive_opts *o,
    const char *method, const char *package)
{
	const struct dgit_error *err;
	struct walk w = { 0 };
	struct dgit_json *j = NULL;
	char *dir, *rel = NULL, *prefix = NULL;

	*out = -1;
	if (method == NULL || !name_ok(package))
		return NULL;
	if (strncmp(method, "ftpmasterapi:", 13) == 0 && o->aq_url) {
		if (asprintf(&rel, "madison?package=%s&f=json", package) < 0)
			return dgit_error(DGIT_ERR_NOMEM);
		err = query(&j, o, o->aq_url, rel);
		free(rel);
		if (err)
			return err;
		*out = j->type == DGIT_JSON_ARRAY ? j->n > 0 : 1;
		dgit_json_free(j);
		return NULL;
	}
	if (strncmp(method, "dummycatapi:", 12) != 0 ||
	    (dir = mirror_dir(o)) == NULL)
		return NULL;
	if (asprintf(&prefix, "%s_", package) < 0) {
		free(dir);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	w.prefix = prefix;
	w.suffix = ".dsc";
	w.stop_at_first = 1;
	err = walk_dir(&w, dir, 0);
	free(dir);
	free(prefix);
	if (err == NULL)
		*out = w.n > 0;
	return err;
}
