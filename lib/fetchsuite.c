/*
 * dgit fetch's core: archive -> import (or the Dgit: commit) -> the
 * remote tracking ref, with dgit's pseudomerge when history would
 * otherwise not be fast-forward.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_archive.h"
#include "dgit_changelog.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"
#include "dgit_import.h"
#include "dgit_fs.h"
#include "dgit_repo.h"
#include "dgit_sha256.h"
#include "dgit_version.h"

#define DSC_MAX (1u << 20)
#define CLOG_MAX (64u << 20)

static void
say(const struct dgit_fetchsuite_opts *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (o->info == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	o->info(o->info_arg, buf);
}

const struct dgit_error *
dgit_fetchsuite_tracking_ref(char *buf, size_t len, const char *csuite)
{
	if ((size_t)snprintf(buf, len, "refs/remotes/dgit/dgit/%s", csuite) >=
	    len)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "suite name too long");
	return NULL;
}

void
dgit_fetchsuite_result_release(struct dgit_fetchsuite_result *r)
{
	if (r == NULL)
		return;
	free(r->csuite);
	free(r->version);
	free(r->vcs_git);
	r->csuite = r->version = r->vcs_git = NULL;
}

const struct dgit_error *
dgit_fetchsuite_commit_clog(char **version, git_signature **sig,
    git_repository *repo, const git_oid *commit)
{
	const struct dgit_error *err = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	struct dgit_changelog *cl = NULL;
	const struct dgit_changelog_entry *e;
	char hex[GIT_OID_HEXSZ + 1];

	if (version)
		*version = NULL;
	if (sig)
		*sig = NULL;
	git_oid_tostr(hex, sizeof hex, commit);
	if (git_commit_lookup(&c, repo, commit) != 0 ||
	    git_commit_tree(&tree, c) != 0) {
		err = dgit_error_git("cannot read commit %s", hex);
		goto done;
	}
	if (git_tree_entry_bypath(&te, tree, "debian/changelog") != 0 ||
	    git_tree_entry_type(te) != GIT_OBJECT_BLOB) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "commit %s has no "
		    "debian/changelog", hex);
		goto done;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(te)) != 0) {
		err = dgit_error_git("cannot read debian/changelog of %s", hex);
		goto done;
	}
	if (git_blob_rawsize(blob) > CLOG_MAX) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "debian/changelog of %s "
		    "is too big", hex);
		goto done;
	}
	err = dgit_changelog_parse_first(&cl, git_blob_rawcontent(blob),
	    (size_t)git_blob_rawsize(blob), "debian/changelog");
	if (err)
		goto done;
	e = dgit_changelog_entry(cl, 0);
	if (e == NULL || !e->has_trailer) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "debian/changelog of %s "
		    "has no complete entry", hex);
		goto done;
	}
	if (version && (*version = strdup(e->version)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	/* dgit writes these identities in UTC */
	if (sig && git_signature_new(sig, e->maintainer_name,
	    e->maintainer_email, (git_time_t)e->timestamp, 0) != 0) {
		err = dgit_error_git("bad maintainer in debian/changelog of %s",
		    hex);
		if (version) {
			free(*version);
			*version = NULL;
		}
	}
done:
	dgit_changelog_free(cl);
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	git_commit_free(c);
	return err;
}

/* Vcs-Git without dgit's " -b BRANCH" and " [SUBDIR]" decorations. */
static char *
clean_vcs_git(const char *v)
{
	char *out, *w;
	const char *p = v;

	if (v == NULL || *v == '\0')
		return NULL;
	out = malloc(strlen(v) + 1);
	if (out == NULL)
		return NULL;
	w = out;
	while (*p) {
		if ((*p == ' ' || *p == '\t') && p[1] == '-' && p[2] == 'b' &&
		    (p[3] == ' ' || p[3] == '\t')) {
			p += 3;
			while (*p == ' ' || *p == '\t')
				p++;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			continue;
		}
		if ((*p == ' ' || *p == '\t') && p[1] == '[') {
			const char *q = strchr(p, ']');

			if (q) {
				p = q + 1;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
	while (w > out && (w[-1] == ' ' || w[-1] == '\t'))
		*--w = '\0';
	if (*out == '\0') {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Fetch the Dgit: field's commit from the git server and check its tree.
 * Returns 1 in *usable with the commit in *commit when it can be used.
 * Failing to reach the server is not an error: *usable stays 0 and
 * *why says why.
 */
static const struct dgit_error *
try_dgit_commit(int *usable, git_oid *commit, char *why, size_t whylen,
    git_repository *repo, const struct dgit_fetchsuite_opts *o,
    const char *field, const char *csuite, const git_oid *import_tree)
{
	char hex[GIT_OID_HEXSZ + 1], tag[512] = "", spec1[700], spec2[1200];
	char *specs[2];
	git_strarray refspecs = { specs, 0 };
	git_fetch_options fo;
	git_remote *remote = NULL;
	git_commit *c = NULL;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	const char *p, *q;
	size_t n;

	*usable = 0;
	why[0] = '\0';
	for (n = 0; field[n] && field[n] != ' ' && field[n] != '\t'; n++)
		;
	if (n != GIT_OID_HEXSZ) {
		snprintf(why, whylen, "the .dsc's Dgit: field is malformed");
		return NULL;
	}
	memcpy(hex, field, n);
	hex[n] = '\0';
	if (git_oid_fromstr(commit, hex) != 0) {
		snprintf(why, whylen, "the .dsc's Dgit: field is malformed");
		return NULL;
	}
	/* "HASH DISTRO TAG URL": the tag is the third word */
	p = field + n;
	for (int w = 0; w < 2 && *p; w++) {
		while (*p == ' ' || *p == '\t')
			p++;
		q = p;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		if (w == 1 && (size_t)(q - p) < sizeof tag) {
			memcpy(tag, p, (size_t)(q - p));
			tag[q - p] = '\0';
		}
		p = q;
	}

	if (git_commit_lookup(&c, repo, commit) != 0) {
		if (o->git_url == NULL) {
			snprintf(why, whylen, "no dgit git server is configured");
			return NULL;
		}
		snprintf(spec1, sizeof spec1,
		    "+refs/dgit/%s:refs/dgit-fetch/%s/dgit/%s", csuite,
		    o->distro, csuite);
		specs[refspecs.count++] = spec1;
		if (tag[0] && strchr(tag, ':') == NULL) {
			snprintf(spec2, sizeof spec2,
			    "+refs/tags/%s:refs/dgit-fetch/%s/tags/%s", tag,
			    o->distro, tag);
			specs[refspecs.count++] = spec2;
		}
		say(o, "fetching %s from %s", hex, o->git_url);
		git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
		fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
		if (git_remote_create_anonymous(&remote, repo, o->git_url) != 0 ||
		    git_remote_fetch(remote, &refspecs, &fo, "dgit fetch") != 0) {
			const git_error *ge = git_error_last();

			snprintf(why, whylen, "cannot fetch from '%s': %s",
			    o->git_url, ge && ge->message ? ge->message :
			    "unknown error");
			goto cleanup;
		}
		if (git_commit_lookup(&c, repo, commit) != 0) {
			snprintf(why, whylen, "'%s' does not have commit %s",
			    o->git_url, hex);
			goto cleanup;
		}
	}
	if (git_oid_cmp(git_commit_tree_id(c), import_tree) != 0) {
		snprintf(why, whylen, "the tree of the Dgit: commit %s differs "
		    "from the source package", hex);
		goto cleanup;
	}
	*usable = 1;
cleanup:
	/* the fetch refs were only a way to get the objects */
	if (git_reference_iterator_glob_new(&it, repo, "refs/dgit-fetch/*") == 0) {
		while (git_reference_next(&ref, it) == 0) {
			git_reference_delete(ref);
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	git_remote_free(remote);
	git_commit_free(c);
	return NULL;
}

/*
 * dgit's pseudomerge: the tree of the new import, parents the import and
 * the previous tracking tip, identity from the import's changelog.
 */
static const struct dgit_error *
record_pseudomerge(git_oid *out, git_repository *repo,
    const git_oid *import, const char *version, const git_oid *last,
    const char *package, const char *csuite)
{
	const struct dgit_error *err = NULL;
	git_signature *sig = NULL;
	git_commit *ci = NULL, *cl = NULL;
	git_tree *tree = NULL;
	const git_commit *parents[2];
	char *lastver = NULL, *msg = NULL;
	int n;

	if ((err = dgit_fetchsuite_commit_clog(NULL, &sig, repo, import)))
		goto done;
	err = dgit_fetchsuite_commit_clog(&lastver, NULL, repo, last);
	if (err)
		goto done;
	if (git_commit_lookup(&ci, repo, import) != 0 ||
	    git_commit_lookup(&cl, repo, last) != 0 ||
	    git_commit_tree(&tree, ci) != 0) {
		err = dgit_error_git("cannot read commits for the pseudomerge");
		goto done;
	}
	n = asprintf(&msg, "Record %s (%s) in archive suite %s\n\n"
	    "Record that\n  %-20s %s\nshould be treated as descended from\n"
	    "  %-20s %s\n", package, version, csuite, version,
	    "Import of source package", lastver,
	    "dgit client's archive history view");
	if (n < 0) {
		msg = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	parents[0] = ci;
	parents[1] = cl;
	if (git_commit_create(out, repo, NULL, sig, sig, NULL, msg, tree, 2,
	    parents) != 0)
		err = dgit_error_git("cannot make the pseudomerge");
done:
	free(msg);
	free(lastver);
	git_tree_free(tree);
	git_commit_free(ci);
	git_commit_free(cl);
	git_signature_free(sig);
	return err;
}

/* Make dst hold src's bytes: a hard link, else a copy via a temp name. */
static const struct dgit_error *
link_or_copy(const char *src, const char *dst)
{
	char tmp[4096], buf[65536];
	int in = -1, out = -1;
	ssize_t r;
	const struct dgit_error *err = NULL;

	if (link(src, dst) == 0)
		return NULL;
	if (errno == EEXIST)
		return dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' exists", dst);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.dgit-tmp", dst) >= sizeof tmp)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "path too long: '%s'", dst);
	in = open(src, O_RDONLY);
	if (in < 0)
		return dgit_error_from_errno("cannot open '%s'", src);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (out < 0) {
		err = dgit_error_from_errno("cannot create '%s'", tmp);
		close(in);
		return err;
	}
	while ((r = read(in, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)r) != r) {
			err = dgit_error_from_errno("cannot write '%s'", tmp);
			break;
		}
	}
	if (r < 0 && err == NULL)
		err = dgit_error_from_errno("cannot read '%s'", src);
	close(in);
	if (close(out) != 0 && err == NULL)
		err = dgit_error_from_errno("cannot write '%s'", tmp);
	if (err == NULL && rename(tmp, dst) != 0)
		err = dgit_error_from_errno("cannot create '%s'", dst);
	if (err)
		unlink(tmp);
	return err;
}

/*
 * Put the package's files (all but the .dsc) into dir, as dgit does for
 * builds.  A file already there is kept when its SHA-256 is right and is
 * an error otherwise.  Checks everything before placing anything; on a
 * later failure removes what it placed.
 */
static const struct dgit_error *
place_files(const struct dgit_archive_source *src, const char *from,
    const char *dir)
{
	const struct dgit_error *err = NULL;
	char path[4096], srcpath[4096], hex[DGIT_SHA256_HEXLEN + 1];
	unsigned char *placed;
	struct stat st;
	size_t i;

	placed = calloc(src->nfiles + 1, 1);
	if (placed == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (i = 0; i < src->nfiles; i++) {
		const struct dgit_archive_file *f = &src->files[i];

		if (strcmp(f->name, src->dsc_name) == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, f->name);
		if (lstat(path, &st) != 0)
			continue;
		err = dgit_sha256_file(hex, NULL, path);
		if (err)
			goto done;
		if (strcmp(hex, f->sha256) != 0) {
			err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "'%s' has SHA-256 "
			    "%s but the .dsc demands %s; perhaps delete it?",
			    path, hex, f->sha256);
			goto done;
		}
		placed[i] = 2;     /* already there and right */
	}
	for (i = 0; i < src->nfiles; i++) {
		const struct dgit_archive_file *f = &src->files[i];

		if (placed[i] || strcmp(f->name, src->dsc_name) == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, f->name);
		snprintf(srcpath, sizeof srcpath, "%s/%s", from, f->name);
		err = link_or_copy(srcpath, path);
		if (err)
			goto done;
		placed[i] = 1;
	}
done:
	if (err)
		for (i = 0; i < src->nfiles; i++)
			if (placed[i] == 1) {
				snprintf(path, sizeof path, "%s/%s", dir,
				    src->files[i].name);
				unlink(path);
			}
	free(placed);
	return err;
}

const struct dgit_error *
dgit_fetchsuite(struct dgit_fetchsuite_result *out, git_repository *repo,
    const struct dgit_fetchsuite_opts *o)
{
	const struct dgit_error *err = NULL;
	struct dgit_archive_release *rel = NULL;
	struct dgit_archive_source *src = NULL;
	struct dgit_archive_download *dl = NULL;
	struct dgit_dsc *dsc = NULL;
	struct dgit_import_opts iopts;
	struct dgit_import_result ires;
	char *work = NULL, *buf = NULL, *lastver = NULL;
	char lrref[1024], path[4096], why[1024];
	const char *csuite;
	git_oid last, use, tip;
	git_reference *ref = NULL;
	int have_last, usable = 0, files_placed = 0;
	size_t len;

	memset(out, 0, sizeof *out);

	say(o, "fetching %s from %s", o->package, o->suite);
	err = dgit_archive_release_open(&rel, o->archive, o->suite);
	if (err)
		goto done;
	csuite = dgit_archive_release_codename(rel);
	if (csuite == NULL || *csuite == '\0')
		csuite = dgit_archive_release_suite(rel);
	if ((out->csuite = strdup(csuite)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = dgit_fetchsuite_tracking_ref(lrref, sizeof lrref, csuite)))
		goto done;
	err = dgit_archive_find_source(&src, o->archive, rel, o->package, NULL);
	if (err)
		goto done;
	if ((out->version = strdup(src->version)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}

	/* download into the repository's private directory */
	snprintf(path, sizeof path, "%sdgit", git_repository_commondir(repo));
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		err = dgit_error_from_errno("cannot create '%s'", path);
		goto done;
	}
	if (asprintf(&work, "%s/fetch.XXXXXX", path) < 0) {
		work = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (mkdtemp(work) == NULL) {
		err = dgit_error_from_errno("cannot create a directory in '%s'",
		    path);
		free(work);
		work = NULL;
		goto done;
	}
	err = dgit_archive_download_source(&dl, o->archive, src, work);
	if (err)
		goto done;
	out->from_cache = dl->from_cache == src->nfiles;
	if (dl->sig != DGIT_DSC_SIG_GOOD && o->import.unpack.warn)
		o->import.unpack.warn(o->import.unpack.warn_arg,
		    dl->sig == DGIT_DSC_SIG_NO_KEYRING ?
		    "the .dsc signature was not checked: no uploader keyring "
		    "is installed; its files are verified through the signed "
		    "Release" : dl->sig_detail);

	snprintf(path, sizeof path, "%s/%s", work, src->dsc_name);
	if ((err = dgit_fs_read_file(&buf, &len, path, DSC_MAX)))
		goto done;
	if ((err = dgit_dsc_parse(&dsc, buf, len, src->dsc_name)))
		goto done;
	out->vcs_git = clean_vcs_git(dsc->vcs_git);

	iopts = o->import;
	iopts.merge_parent = NULL;
	iopts.merge_ref = NULL;
	say(o, "importing %s %s", src->package, src->version);
	if ((err = dgit_import_dsc(&ires, repo, dsc, work, &iopts)))
		goto done;
	use = ires.commit;

	if (dsc->dgit_field) {
		git_oid dc;

		err = try_dgit_commit(&usable, &dc, why, sizeof why, repo, o,
		    dsc->dgit_field, csuite, &ires.tree);
		if (err)
			goto done;
		if (usable) {
			use = dc;
			out->used_dgit_commit = 1;
			say(o, "using the git history the Dgit: field names");
		} else {
			say(o, "not using the Dgit: field's history (%s); "
			    "synthesised it from the .dsc", why);
		}
	}
	out->import = use;

	have_last = git_reference_name_to_id(&last, repo, lrref) == 0;
	tip = use;
	if (have_last) {
		err = dgit_fetchsuite_commit_clog(&lastver, NULL, repo, &last);
		if (err)
			goto done;
		if (git_oid_equal(&last, &use) ||
		    dgit_version_compare(lastver, src->version) == 0) {
			/* same version as fetched before: nothing new */
			tip = last;
		} else if (git_graph_descendant_of(repo, &use, &last) == 1) {
			tip = use;
		} else {
			err = record_pseudomerge(&tip, repo, &use, src->version,
			    &last, src->package, csuite);
			if (err)
				goto done;
		}
	}

	if (o->orig_dir) {
		if ((err = place_files(src, work, o->orig_dir)))
			goto done;
		files_placed = 1;
	}

	if (!have_last || !git_oid_equal(&tip, &last)) {
		int rc = have_last ?
		    git_reference_create_matching(&ref, repo, lrref, &tip, 1,
		    &last, "dgit fetch") :
		    git_reference_create(&ref, repo, lrref, &tip, 0,
		    "dgit fetch");

		if (rc != 0) {
			err = dgit_error_git("cannot update '%s'", lrref);
			goto done;
		}
		out->changed = 1;
	}
	out->tip = tip;
done:
	(void)files_placed;
	if (work) {
		dgit_fs_remove_tree(work);
		free(work);
	}
	git_reference_free(ref);
	free(lastver);
	free(buf);
	dgit_dsc_free(dsc);
	dgit_archive_download_free(dl);
	dgit_archive_source_free(src);
	dgit_archive_release_free(rel);
	if (err)
		dgit_fetchsuite_result_release(out);
	return err;
}

struct mergeinput {
	git_oid commit;
	char *version;
	char *info;
	size_t index;
	char mark;
};

static int
mi_cmp(const void *a, const void *b)
{
	const struct mergeinput *x = a, *y = b;
	int c = dgit_version_compare(y->version, x->version);

	if (c)
		return c;          /* highest version first */
	return x->index < y->index ? -1 : x->index > y->index;
}

static int
mi_index_cmp(const void *a, const void *b)
{
	const struct mergeinput *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

const struct dgit_error *
dgit_fetchsuite_multi(struct dgit_fetchsuite_result *out,
    git_repository *repo, const struct dgit_fetchsuite_opts *o)
{
	const struct dgit_error *err = NULL;
	struct dgit_fetchsuite_opts so;
	struct dgit_fetchsuite_result r;
	struct mergeinput *mi = NULL;
	size_t nmi = 0, nsuites = 0, i, j, nneeded = 0;
	char *copy = NULL, *save = NULL, *tok, *combined = NULL;
	char *base = NULL, sub[512], lrref[1024];
	size_t clen = 0, csize;
	git_oid prev, tip;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	int have_prev, changed = 0, all_cache = 1;

	if (strchr(o->suite, ',') == NULL)
		return dgit_fetchsuite(out, repo, o);
	memset(out, 0, sizeof *out);
	if ((copy = strdup(o->suite)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (tok = copy; *tok; tok++)
		nsuites += *tok == ',';
	nsuites++;
	mi = calloc(nsuites + 1, sizeof *mi);
	csize = 600 * nsuites;
	combined = malloc(csize);
	if (mi == NULL || combined == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	combined[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		const char *name = tok;

		if (*tok == '\0')
			continue;
		if (tok[0] == '-') {
			if (base == NULL) {
				err = dgit_error_fmt(DGIT_ERR_USAGE, "combined "
				    "suite '%s' starts with a sub-suite",
				    o->suite);
				goto done;
			}
			snprintf(sub, sizeof sub, "%s%s", base, tok);
			name = sub;
		}
		so = *o;
		so.suite = name;
		err = dgit_fetchsuite(&r, repo, &so);
		if (err && err->code == DGIT_ERR_NOT_FOUND && base != NULL) {
			if (o->info) {
				char m[600];

				snprintf(m, sizeof m, "%s is not in %s", o->package,
				    name);
				o->info(o->info_arg, m);
			}
			err = NULL;
			continue;
		}
		if (err) {
			if (base == NULL)
				err = dgit_error_wrap(err, "base suite '%s' of "
				    "'%s'", name, o->suite);
			goto done;
		}
		all_cache &= r.from_cache;
		if (base == NULL) {
			base = strdup(r.csuite);
			clen = (size_t)snprintf(combined, csize, "%.500s",
			    r.csuite);
			out->vcs_git = r.vcs_git;
			r.vcs_git = NULL;
		} else {
			size_t bl = strlen(base);

			/* a sub-suite is written relative to the base */
			if (strncmp(r.csuite, base, bl) == 0 && r.csuite[bl] == '-')
				clen += (size_t)snprintf(combined + clen,
				    csize - clen, ",%.500s", r.csuite + bl);
			else
				clen += (size_t)snprintf(combined + clen,
				    csize - clen, ",%.500s", r.csuite);
		}
		mi[nmi].commit = r.tip;
		mi[nmi].version = r.version;
		mi[nmi].info = r.csuite;
		r.version = r.csuite = NULL;
		dgit_fetchsuite_result_release(&r);
		nmi++;
		if (base == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
	}
	if (nmi == 0) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no suite in '%s'",
		    o->suite);
		goto done;
	}
	if ((err = dgit_fetchsuite_tracking_ref(lrref, sizeof lrref, combined)))
		goto done;
	have_prev = git_reference_name_to_id(&prev, repo, lrref) == 0;
	if (have_prev) {
		memmove(mi + 1, mi, nmi * sizeof *mi);
		memset(&mi[0], 0, sizeof mi[0]);
		mi[0].commit = prev;
		if ((err = dgit_fetchsuite_commit_clog(&mi[0].version, NULL,
		    repo, &prev)))
			goto done;
		if ((mi[0].info = strdup("local combined tracking branch")) ==
		    NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		nmi++;
	}
	for (i = 0; i < nmi; i++) {
		mi[i].index = i;
		mi[i].mark = ' ';
	}
	qsort(mi, nmi, sizeof *mi, mi_cmp);
	/* an input is needed unless an earlier needed one contains it */
	for (i = 0; i < nmi; i++) {
		int needed = 1;

		for (j = 0; j < i; j++) {
			if (mi[j].mark == ' ')
				continue;
			if (git_oid_equal(&mi[i].commit, &mi[j].commit) ||
			    git_graph_descendant_of(repo, &mi[j].commit,
			    &mi[i].commit) == 1) {
				needed = 0;
				break;
			}
		}
		if (needed) {
			mi[i].mark = '+';
			nneeded++;
		}
	}
	mi[0].mark = '*';
	tip = mi[0].commit;
	if (nneeded > 1) {
		git_commit **parents = calloc(nmi, sizeof *parents);
		git_commit *top = NULL;
		git_tree *tree = NULL;
		char *msg = NULL;
		size_t ml = 0;
		FILE *mf;

		if (parents == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = dgit_fetchsuite_commit_clog(NULL, &sig, repo,
		    &mi[0].commit))) {
			free(parents);
			goto done;
		}
		if (git_commit_lookup(&top, repo, &mi[0].commit) != 0 ||
		    git_commit_tree(&tree, top) != 0)
			err = dgit_error_git("cannot read %s", mi[0].info);
		qsort(mi, nmi, sizeof *mi, mi_index_cmp);
		mf = open_memstream(&msg, &ml);
		if (mf == NULL && err == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		if (mf) {
			fprintf(mf, "Combine archive branches %s [dgit]\n\n"
			    "Input branches:\n", combined);
			for (i = 0; i < nmi; i++)
				fprintf(mf, " %c  %-25s %s\n", mi[i].mark,
				    mi[i].version, mi[i].info);
			fprintf(mf, "\nKey\n * marks the highest version branch, "
			    "which choose to use\n + marks each branch which was "
			    "not already an ancestor\n\n[dgit multi-suite %s]\n",
			    combined);
			fclose(mf);
		}
		for (i = 0; err == NULL && i < nmi; i++)
			if (git_commit_lookup(&parents[i], repo,
			    &mi[i].commit) != 0)
				err = dgit_error_git("cannot read %s", mi[i].info);
		if (err == NULL && git_commit_create(&tip, repo, NULL, sig, sig,
		    NULL, msg, tree, nmi, (const git_commit **)parents) != 0)
			err = dgit_error_git("cannot make the combining commit");
		for (i = 0; i < nmi; i++)
			git_commit_free(parents[i]);
		free(parents);
		free(msg);
		git_tree_free(tree);
		git_commit_free(top);
		if (err)
			goto done;
		/* the version is that of the highest input */
		for (i = 0; i < nmi; i++)
			if (mi[i].mark == '*')
				break;
		j = i;
	} else
		j = 0;
	if (!have_prev || !git_oid_equal(&tip, &prev)) {
		int rc = have_prev ?
		    git_reference_create_matching(&ref, repo, lrref, &tip, 1,
		    &prev, "dgit fetch") :
		    git_reference_create(&ref, repo, lrref, &tip, 0,
		    "dgit fetch");

		if (rc != 0) {
			err = dgit_error_git("cannot update '%s'", lrref);
			goto done;
		}
		changed = 1;
	}
	out->tip = tip;
	out->import = tip;
	out->changed = changed;
	out->from_cache = all_cache;
	out->csuite = combined;
	combined = NULL;
	out->version = strdup(mi[j].version);
	if (out->version == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	for (i = 0; mi && i < nmi; i++) {
		free(mi[i].version);
		free(mi[i].info);
	}
	free(mi);
	free(copy);
	free(base);
	free(combined);
	git_signature_free(sig);
	git_reference_free(ref);
	if (err)
		dgit_fetchsuite_result_release(out);
	return err;
}
