/*
 * Quilt fixup (see dgit_quiltfix.h).  The names and headers of generated
 * patches follow what dgit's quilt-fixup writes, found by running it on
 * test repositories; the diffs come from libgit2.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "dgit_changelog.h"
#include "dgit_commit.h"
#include "dgit_dsc.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_origcache.h"
#include "dgit_pack.h"
#include "dgit_quilt.h"
#include "dgit_gdr.h"
#include "dgit_quiltfix.h"
#include "dgit_run.h"
#include "dgit_singlepatch.h"
#include "dgit_tree.h"
#include "dgit_treecmp.h"
#include "dgit_version.h"

#define META_MAX ((size_t)16 << 20)   /* changelog, series, include-binaries */
#define PATCH_MAX ((size_t)1 << 30)   /* one generated patch */
#define WALK_MAX 100000               /* commits walked back for a base */
#define DIFF_PATHS_MAX 65536u         /* differences looked at per comparison */

static const char *const mode_names[] = {
	[DGIT_QUILT_LINEAR] = "linear",
	[DGIT_QUILT_TRY_LINEAR] = "try-linear",
	[DGIT_QUILT_AUTO] = "auto",
	[DGIT_QUILT_SMASH] = "smash",
	[DGIT_QUILT_SINGLE] = "single",
	[DGIT_QUILT_NOFIX] = "nofix",
	[DGIT_QUILT_NOCHECK] = "nocheck",
	[DGIT_QUILT_GBP] = "gbp",
	[DGIT_QUILT_DPM] = "dpm",
	[DGIT_QUILT_UNAPPLIED] = "unapplied",
	[DGIT_QUILT_BAREDEBIAN] = "baredebian",
	[DGIT_QUILT_BAREDEBIAN_TARBALL] = "baredebian+tarball",
};

int
dgit_quiltfix_mode_parse(const char *s)
{
	if (strcmp(s, "baredebian+git") == 0)
		return DGIT_QUILT_BAREDEBIAN;
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(s, mode_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
dgit_quiltfix_mode_name(enum dgit_quilt_mode m)
{
	if ((size_t)m < sizeof mode_names / sizeof mode_names[0])
		return mode_names[m];
	return "?";
}

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

/* ---- names and headers ----------------------------------------------- */

/* ASCII for a two-byte UTF-8 Latin-1 letter (U+00C0..U+00FF), or NULL. */
static const char *
translit(unsigned c)
{
	static const char *const tab[64] = {
		"A", "A", "A", "A", "A", "A", "AE", "C",
		"E", "E", "E", "E", "I", "I", "I", "I",
		"D", "N", "O", "O", "O", "O", "O", "x",
		"O", "U", "U", "U", "U", "Y", "TH", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c",
		"e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "th", "y",
	};

	if (c >= 0xc0 && c <= 0xff)
		return tab[c - 0xc0];
	return NULL;
}

char *
dgit_quiltfix_patch_name(const char *subject)
{
	size_t n = strlen(subject), o = 0;
	char *buf = malloc(2 * n + 16);

	if (buf == NULL)
		return NULL;
	if (n && (subject[n - 1] == '.' || subject[n - 1] == ':'))
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)subject[i];
		const char *t = NULL;

		if (ch >= 0x80) {
			/* two-byte sequences of U+0080..U+07FF */
			if ((ch & 0xe0) == 0xc0 && i + 1 < n &&
			    ((unsigned char)subject[i + 1] & 0xc0) == 0x80) {
				unsigned cp = ((ch & 0x1fu) << 6) |
				    ((unsigned char)subject[i + 1] & 0x3fu);

				t = translit(cp);
				i++;
			}
			for (; t && *t; t++)
				buf[o++] = (char)tolower((unsigned char)*t);
			continue;
		}
		if (ch == ' ')
			ch = '-';
		ch = (unsigned char)tolower(ch);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    strchr("-_.+=~", ch) != NULL)
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	if (o && !(isalnum((unsigned char)buf[0]) || buf[0] == '_')) {
		memmove(buf + 2, buf, o + 1);
		buf[0] = 'x';
		buf[1] = '-';
		o += 2;
	}
	if (o > 40)
		o = 40;
	memcpy(buf + o, ".patch", 7);
	return buf;
}

/* "Thu, 2 Jan 2020 03:04:05 +0100" */
static void
rfc2822(char *out, size_t size, long long when, int tz)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(when + (long long)tz * 60);
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
	    wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60,
	    a % 60);
}

/* If line (len bytes) is "Gbp-Pq: KEY VALUE" (any case), return 1 and
 * the value of Name / Topic in *name / *topic. */
static int
gbp_pq_line(const char *line, size_t len, char **name, char **topic)
{
	const char *p = line, *end = line + len;
	char **slot = NULL;

	if (len < 7 || strncasecmp(p, "gbp-pq:", 7) != 0)
		return 0;
	p += 7;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 4 && strncasecmp(p, "name", 4) == 0)
		slot = name;
	else if (end - p >= 5 && strncasecmp(p, "topic", 5) == 0)
		slot = topic;
	if (slot) {
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			end--;
		if (end > p) {
			free(*slot);
			*slot = strndup(p, (size_t)(end - p));
		}
	}
	return 1;
}

const struct dgit_error *
dgit_quiltfix_patch_header(char **out, char **gbp_name, char **gbp_topic,
    const char *message, const char *author_name, const char *author_email,
    long long when, int tz_minutes, const char *version,
    const char *commit_hex)
{
	char date[64], *s = NULL;
	size_t len = 0;
	const char *nl = strchr(message, '\n'), *p;
	FILE *fp;
	int lead = 1;

	*out = NULL;
	*gbp_name = *gbp_topic = NULL;
	if ((fp = open_memstream(&s, &len)) == NULL)
		return nomem();
	rfc2822(date, sizeof date, when, tz_minutes);
	fprintf(fp, "From: %s <%s>\nDate: %s\nX-Dgit-Generated: %s %s\n"
	    "Subject: %.*s\n\n", author_name, author_email, date, version,
	    commit_hex, nl ? (int)(nl - message) : (int)strlen(message),
	    message);
	for (p = nl ? nl + 1 : ""; *p; ) {
		const char *e = strchr(p, '\n');
		size_t ll = e ? (size_t)(e - p) : strlen(p);

		if (!gbp_pq_line(p, ll, gbp_name, gbp_topic) &&
		    !(lead && ll == 0)) {
			lead = 0;
			fprintf(fp, "%.*s\n", (int)ll, p);
		}
		p += ll + (e != NULL);
	}
	fputs("\n---\n\n", fp);
	if (fclose(fp) != 0) {
		free(s);
		free(*gbp_name);
		free(*gbp_topic);
		*gbp_name = *gbp_topic = NULL;
		return nomem();
	}
	*out = s;
	return NULL;
}

/* ---- the fixup -------------------------------------------------------- */

struct newpatch {
	char *name;                /* relative to debian/patches */
	char *text;
	size_t len;
};

struct qf {
	git_repository *repo;
	const struct dgit_quiltfix_opts *opts;
	git_commit *head;
	git_tree *head_tree;
	char *source, *version, *maint;
	struct dgit_dsc dsc;       /* the origs, as a .dsc would list them */
	git_oid odp;               /* origs + debian/ + patches applied */
	git_oid unpatched;         /* the origs + debian/, no patch applied */
	int have_unpatched;
	char **binaries;           /* debian/source/include-binaries */
	size_t nbinaries;
	struct newpatch *patches;
	size_t npatches;
	char **taken;              /* patch names that exist or are made */
	size_t ntaken;
	struct dgit_origcache *oc; /* opts->origcache, or own_oc */
	struct dgit_origcache *own_oc;
};

static void
say(struct qf *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(struct qf *q, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (q->opts->info == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	q->opts->info(q->opts->info_arg, buf);
}

static char *
hex_of(const git_oid *id)
{
	static _Thread_local char bufs[4][GIT_OID_HEXSZ + 1];
	static _Thread_local int i;

	i = (i + 1) % 4;
	return git_oid_tostr(bufs[i], sizeof bufs[i], id);
}

/* Read the blob at path of tree; *out NULL (no error) when absent. */
static const struct dgit_error *
read_blob(char **out, size_t *len, git_repository *repo, git_tree *tree,
    const char *path, size_t max)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	const struct dgit_error *err = NULL;

	*out = NULL;
	*len = 0;
	if (git_tree_entry_bypath(&e, tree, path) != 0)
		return NULL;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is not a file",
		    path);
		goto done;
	}
	if (git_blob_lookup(&b, repo, git_tree_entry_id(e)) != 0) {
		err = dgit_error_git("cannot read '%s'", path);
		goto done;
	}
	if ((size_t)git_blob_rawsize(b) > max) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' is too big", path);
		goto done;
	}
	*len = (size_t)git_blob_rawsize(b);
	if ((*out = malloc(*len + 1)) == NULL) {
		err = nomem();
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(b), *len);
	(*out)[*len] = '\0';
done:
	git_blob_free(b);
	git_tree_entry_free(e);
	return err;
}

/* 1 if the format file says 3.0 (quilt). */
static int
is_quilt(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, "\n");
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n == 11 && strncmp(s, "3.0 (quilt)", 11) == 0;
}

static const char *const orig_exts[] = { "gz", "bz2", "xz", "lzma", "zst" };

/* Find the origs PKG_UPV.orig.tar.EXT and .orig-COMP.tar.EXT in dir. */
static const struct dgit_error *
find_origs(struct qf *q)
{
	const struct dgit_error *err = NULL;
	const char *dir = q->opts->origs_dir ? q->opts->origs_dir : "..";
	const char *v = q->version, *colon = strchr(v, ':'), *dash;
	char *prefix = NULL;
	size_t plen;
	DIR *d = NULL;
	struct dirent *de;
	int have_main = 0;

	if (colon)
		v = colon + 1;
	dash = strrchr(v, '-');
	if (asprintf(&prefix, "%s_%.*s.orig", q->source,
	    dash ? (int)(dash - v) : (int)strlen(v), v) < 0)
		return nomem();
	plen = strlen(prefix);
	if ((d = opendir(dir)) == NULL) {
		err = dgit_error_from_errno("cannot read the build products "
		    "directory '%s'", dir);
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name, *rest, *tar, *comp = NULL;
		struct dgit_dsc_file *f, *nf;
		size_t clen = 0;
		int ok = 0;

		if (strncmp(n, prefix, plen) != 0)
			continue;
		rest = n + plen;
		if (*rest == '-') {
			comp = rest + 1;
			clen = strcspn(comp, ".");
			rest = comp + clen;
			if (clen == 0)
				continue;
		}
		if (strncmp(rest, ".tar.", 5) != 0)
			continue;
		tar = rest + 5;
		for (size_t i = 0; i < sizeof orig_exts / sizeof *orig_exts;
		    i++)
			ok |= strcmp(tar, orig_exts[i]) == 0;
		if (!ok)
			continue;
		nf = realloc(q->dsc.files, (q->dsc.nfiles + 1) * sizeof *nf);
		if (nf == NULL) {
			err = nomem();
			goto done;
		}
		q->dsc.files = nf;
		f = &nf[q->dsc.nfiles];
		memset(f, 0, sizeof *f);
		f->name = strdup(n);
		f->kind = comp ? DGIT_DSC_ORIG_COMPONENT : DGIT_DSC_ORIG;
		if (comp)
			f->component = strndup(comp, clen);
		if (f->name == NULL || (comp && f->component == NULL)) {
			free(f->name);
			free(f->component);
			err = nomem();
			goto done;
		}
		if (!comp && have_main++) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "Duplicate/"
			    "inconsistent orig tarballs: more than one "
			    "'%s.tar.*' in '%s' ('%s' and another); remove "
			    "all but the right one", prefix, dir, n);
			q->dsc.nfiles++;
			goto done;
		}
		q->dsc.nfiles++;
	}
	if (!have_main)
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no orig tarball "
		    "'%s.tar.*' in '%s'; a '3.0 (quilt)' package needs it "
		    "(put it there, or say where with --build-products-dir)",
		    prefix, dir);
done:
	if (d)
		closedir(d);
	free(prefix);
	return err;
}

/* The top-level "debian" tree of tree, or DGIT_ERR_NOT_FOUND. */
static const struct dgit_error *
debian_of(git_oid *out, git_tree *tree)
{
	const git_tree_entry *e = git_tree_entry_byname(tree, "debian");

	if (e == NULL || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "the tree %s has no "
		    "debian/ directory", hex_of(git_tree_id(tree)));
	git_oid_cpy(out, git_tree_entry_id(e));
	return NULL;
}

/*
 * The tree dpkg-source -x makes of the origs and the debian/ tree deb;
 * unpatched (may be NULL): the tree before the patches.
 */
static const struct dgit_error *
applied_trees(struct qf *q, git_oid *out, git_oid *unpatched,
    const git_oid *deb)
{
	const struct dgit_error *err;
	struct dgit_import_opts io;
	struct dgit_import_result r;

	memset(&io, 0, sizeof io);
	io.level = -1;
	io.threads = -1;
	io.tmpfile = q->opts->tmpfile;
	io.tmpfile_arg = q->opts->tmpfile_arg;
	io.no_checksums = 1;
	dgit_origcache_hook(q->oc, &io);
	io.debian_tree = deb;
	err = dgit_import_dsc(&r, q->repo, &q->dsc, q->opts->origs_dir ?
	    q->opts->origs_dir : "..", &io);
	if (err)
		return err;
	git_oid_cpy(out, &r.tree);
	if (unpatched)
		git_oid_cpy(unpatched, &r.unpatched);
	return NULL;
}

/* The tree dpkg-source -x makes of the origs and the debian/ tree deb. */
static const struct dgit_error *
applied_tree(struct qf *q, git_oid *out, const git_oid *deb)
{
	return applied_trees(q, out, NULL, deb);
}

/* 1 when trees a and b are equal outside the top-level debian/. */
static int
same_upstream(const git_tree *a, const git_tree *b)
{
	size_t na = git_tree_entrycount(a), nb = git_tree_entrycount(b);
	size_t i = 0, j = 0;

	for (;;) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i)
		    : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j)
		    : NULL;

		if (ea && strcmp(git_tree_entry_name(ea), "debian") == 0) {
			i++;
			continue;
		}
		if (eb && strcmp(git_tree_entry_name(eb), "debian") == 0) {
			j++;
			continue;
		}
		if (ea == NULL || eb == NULL)
			return ea == eb;
		if (strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb)) ||
		    git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb) ||
		    !git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			return 0;
		i++;
		j++;
	}
}

/* tree without its top-level debian/, written to the object database. */
static const struct dgit_error *
upstream_part(git_tree **out, git_repository *repo, const git_tree *tree)
{
	git_treebuilder *tb = NULL;
	git_oid id;
	int rc;

	*out = NULL;
	if (git_treebuilder_new(&tb, repo, tree) != 0)
		return dgit_error_git("cannot build a tree");
	if (git_treebuilder_get(tb, "debian"))
		git_treebuilder_remove(tb, "debian");
	rc = git_treebuilder_write(&id, tb);
	git_treebuilder_free(tb);
	if (rc != 0 || git_tree_lookup(out, repo, &id) != 0)
		return dgit_error_git("cannot write a tree");
	return NULL;
}

static int
is_binary_listed(struct qf *q, const char *path)
{
	for (size_t i = 0; i < q->nbinaries; i++)
		if (strcmp(q->binaries[i], path) == 0)
			return 1;
	return 0;
}

/*
 * The patch text (git diff, -p1 a/ b/ names) of the upstream changes
 * from tree a to tree b; *out NULL when there are none.  what names the
 * change (a commit) in errors.
 */
static const struct dgit_error *
make_diff(struct qf *q, char **out, size_t *outlen, git_tree *a,
    git_tree *b, const char *what)
{
	const struct dgit_error *err = NULL;
	git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
	git_tree *ua = NULL, *ub = NULL;
	git_diff *diff = NULL;
	git_buf pb = { 0 };
	char *s = NULL;
	size_t len = 0, nd, hunks = 0;
	FILE *fp = NULL;
	char *mode_only = NULL;

	*out = NULL;
	*outlen = 0;
	if ((err = upstream_part(&ua, q->repo, a)) ||
	    (err = upstream_part(&ub, q->repo, b)))
		goto done;
	/* a/ and b/ whatever the user's diff.noprefix: dpkg-source needs
	 * a leading component to strip */
	dopts.old_prefix = "a";
	dopts.new_prefix = "b";
	if (git_diff_tree_to_tree(&diff, q->repo, ua, ub, &dopts) != 0 ||
	    (fopts.flags = GIT_DIFF_FIND_RENAMES,
	    git_diff_find_similar(diff, &fopts)) != 0) {
		err = dgit_error_git("cannot diff %s", what);
		goto done;
	}
	nd = git_diff_num_deltas(diff);
	if (nd == 0)
		goto done;
	if ((fp = open_memstream(&s, &len)) == NULL) {
		err = nomem();
		goto done;
	}
	for (size_t i = 0; i < nd && err == NULL; i++) {
		git_patch *p = NULL;
		const git_diff_delta *d;
		size_t adds = 0, dels = 0;

		if (git_patch_from_diff(&p, diff, i) != 0) {
			err = dgit_error_git("cannot diff %s", what);
			break;
		}
		d = git_patch_get_delta(p);
		git_patch_line_stats(NULL, &adds, &dels, p);
		if (d->flags & GIT_DIFF_FLAG_BINARY) {
			const char *path = d->new_file.path;

			if (!is_binary_listed(q, path))
				err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
				    "%s changes the binary file '%s', which a "
				    "quilt patch cannot hold; add it to "
				    "debian/source/include-binaries to ship it "
				    "in the debian tarball", what, path);
		} else if ((d->status == GIT_DELTA_MODIFIED && adds == 0 &&
		    dels == 0 && d->old_file.mode != d->new_file.mode) &&
		    mode_only == NULL &&
		    (mode_only = strdup(d->new_file.path)) == NULL) {
			err = nomem();
		} else if (git_patch_to_buf(&pb, p) != 0) {
			err = dgit_error_git("cannot format the diff of %s",
			    what);
		} else if (pb.size > PATCH_MAX || len > PATCH_MAX - pb.size) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "the patch for %s "
			    "is over %zu bytes", what, PATCH_MAX);
		} else {
			fwrite(pb.ptr, 1, pb.size, fp);
		}
		if (git_patch_num_hunks(p) > 0)
			hunks++;
		git_buf_dispose(&pb);
		git_patch_free(p);
	}
	/* a patch of mode changes alone holds no hunk: dpkg-source says it
	 * "doesn't contain any patch" (0 insertions, 0 deletions) */
	if (err == NULL && hunks == 0 && mode_only)
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "%s changes only "
		    "the mode of '%s', which a quilt patch cannot carry on its "
		    "own (0 insertions, 0 deletions); change a file's contents "
		    "in the same commit, or set the mode in debian/rules",
		    what, mode_only);
	if (fclose(fp) != 0 && err == NULL)
		err = nomem();
	fp = NULL;
	if (err == NULL && len > 0) {
		*out = s;
		*outlen = len;
		s = NULL;
	}
done:
	free(mode_only);
	free(s);
	git_diff_free(diff);
	git_tree_free(ua);
	git_tree_free(ub);
	return err;
}

static int
name_taken(struct qf *q, const char *name)
{
	for (size_t i = 0; i < q->ntaken; i++)
		if (strcasecmp(q->taken[i], name) == 0)
			return 1;
	return 0;
}

static const struct dgit_error *
take_name(struct qf *q, const char *name)
{
	char **nt = realloc(q->taken, (q->ntaken + 1) * sizeof *nt);

	if (nt == NULL)
		return nomem();
	q->taken = nt;
	if ((nt[q->ntaken] = strdup(name)) == NULL)
		return nomem();
	q->ntaken++;
	return NULL;
}

/* Every path under debian/patches of HEAD counts as taken. */
static int
taken_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct qf *q = arg;
	char *p;

	if (asprintf(&p, "%s%s", root, git_tree_entry_name(e)) < 0)
		return -1;
	if (take_name(q, p) != NULL) {
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static const struct dgit_error *
collect_taken(struct qf *q)
{
	git_tree_entry *e = NULL;
	git_tree *t = NULL;
	const struct dgit_error *err = NULL;

	if (git_tree_entry_bypath(&e, q->head_tree, "debian/patches") != 0)
		return NULL;
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
	    git_tree_lookup(&t, q->repo, git_tree_entry_id(e)) == 0 &&
	    git_tree_walk(t, GIT_TREEWALK_PRE, taken_cb, q) != 0)
		err = nomem();
	git_tree_free(t);
	git_tree_entry_free(e);
	return err;
}

/* A name not yet taken: NAME, else NAME1, NAME2, ... as dgit does. */
static const struct dgit_error *
unique_name(struct qf *q, char **out, const char *want)
{
	char *n = strdup(want);

	*out = NULL;
	for (unsigned i = 1; n && name_taken(q, n); i++) {
		free(n);
		if (asprintf(&n, "%s%u", want, i) < 0)
			n = NULL;
	}
	if (n == NULL)
		return nomem();
	*out = n;
	return take_name(q, n);
}

static const struct dgit_error *
add_patch(struct qf *q, char *name, char *text, size_t len)
{
	struct newpatch *np = realloc(q->patches,
	    (q->npatches + 1) * sizeof *np);

	if (np == NULL)
		return nomem();
	q->patches = np;
	np[q->npatches].name = name;
	np[q->npatches].text = text;
	np[q->npatches].len = len;
	q->npatches++;
	return NULL;
}

/* The patch for one commit of a linear stack (none when it changes
 * nothing outside debian/). */
static const struct dgit_error *
commit_patch(struct qf *q, git_commit *c, unsigned pidx)
{
	const struct dgit_error *err = NULL;
	git_commit *parent = NULL;
	git_tree *pt = NULL, *ct = NULL;
	char *diff = NULL, *hdr = NULL, *gname = NULL, *gtopic = NULL;
	char *want = NULL, *name = NULL, *text = NULL, what[80];
	size_t dlen = 0, hlen;
	const git_signature *a = git_commit_author(c);
	const char *msg = git_commit_message_raw(c);

	snprintf(what, sizeof what, "commit %s", hex_of(git_commit_id(c)));
	if (git_commit_parent(&parent, c, pidx) != 0 ||
	    git_commit_tree(&pt, parent) != 0 || git_commit_tree(&ct, c) != 0) {
		err = dgit_error_git("cannot read %s", what);
		goto done;
	}
	if ((err = make_diff(q, &diff, &dlen, pt, ct, what)) || diff == NULL)
		goto done;
	if ((err = dgit_quiltfix_patch_header(&hdr, &gname, &gtopic,
	    msg ? msg : "", a->name, a->email, (long long)a->when.time,
	    a->when.offset, q->version, hex_of(git_commit_id(c)))))
		goto done;
	if (gname) {
		if (asprintf(&want, "%s%s%s", gtopic ? gtopic : "",
		    gtopic ? "/" : "", gname) < 0)
			want = NULL;
	} else {
		const char *nl = msg ? strchr(msg, '\n') : NULL;
		char *subj = msg ? strndup(msg, nl ? (size_t)(nl - msg) :
		    strlen(msg)) : strdup("");
		char *base = subj ? dgit_quiltfix_patch_name(subj) : NULL;

		if (base && gtopic) {
			if (asprintf(&want, "%s/%s", gtopic, base) < 0)
				want = NULL;
		} else {
			want = base;
			base = NULL;
		}
		free(base);
		free(subj);
	}
	if (want == NULL) {
		err = nomem();
		goto done;
	}
	if ((err = dgit_tree_check_path(want)) != NULL) {
		err = dgit_error_wrap(err, "%s: the patch name '%s'", what,
		    want);
		goto done;
	}
	if ((err = unique_name(q, &name, want)))
		goto done;
	hlen = strlen(hdr);
	if ((text = malloc(hlen + dlen + 1)) == NULL) {
		err = nomem();
		goto done;
	}
	memcpy(text, hdr, hlen);
	memcpy(text + hlen, diff, dlen);
	text[hlen + dlen] = '\0';
	say(q, "patch %s from %s", name, what);
	err = add_patch(q, name, text, hlen + dlen);
	if (err == NULL)
		name = text = NULL;
done:
	free(name);
	free(text);
	free(want);
	free(gname);
	free(gtopic);
	free(hdr);
	free(diff);
	git_tree_free(pt);
	git_tree_free(ct);
	git_commit_free(parent);
	return err;
}

static const struct dgit_error *diffbits(int *out,
    struct dgit_treecmp **keep, git_repository *repo, const git_oid *a,
    const git_oid *b);

/*
 * *out: the first of debian/patches, .pc and debian/source/format that
 * differs between commit parent's tree and child_tree, or NULL.
 */
static const struct dgit_error *
stack_changed(struct qf *q, const char **out, git_commit *parent,
    git_tree *child_tree)
{
	static const char *const paths[] = { "debian/patches", ".pc",
	    "debian/source/format" };
	git_tree *pt = NULL;

	*out = NULL;
	(void)q;
	if (git_commit_tree(&pt, parent) != 0)
		return dgit_error_git("cannot read commit %s",
		    hex_of(git_commit_id(parent)));
	for (size_t i = 0; i < sizeof paths / sizeof *paths && !*out; i++) {
		git_tree_entry *a = NULL, *b = NULL;
		int ha = git_tree_entry_bypath(&a, pt, paths[i]) == 0;
		int hb = git_tree_entry_bypath(&b, child_tree, paths[i]) == 0;

		if (ha != hb || (ha && (!git_oid_equal(git_tree_entry_id(a),
		    git_tree_entry_id(b)) || git_tree_entry_filemode(a) !=
		    git_tree_entry_filemode(b))))
			*out = paths[i];
		git_tree_entry_free(a);
		git_tree_entry_free(b);
	}
	git_tree_free(pt);
	return NULL;
}

/*
 * dgit's guess at what kind of branch HEAD is, from how it, the origs
 * and the patched origs differ: a line, or "".
 */
static const char *
branch_hint(struct qf *q)
{
	int o2h = 0, o2a = 0, h2a = 0;
	const git_oid *h = git_tree_id(q->head_tree);

	if (!q->have_unpatched ||
	    diffbits(&o2h, NULL, q->repo, &q->unpatched, h) ||
	    diffbits(&o2a, NULL, q->repo, &q->unpatched, &q->odp) ||
	    diffbits(&h2a, NULL, q->repo, h, &q->odp))
		return "";
	if (!(o2h & o2a))
		return "This might be a patches-unapplied branch.\n";
	if (!(h2a & o2a))
		return "This might be a patches-applied branch.\n";
	return "";
}

/*
 * Linear: walk back to the base, then one patch per commit.  A walk that
 * finds no base gives DGIT_ERR_PATCH with *nolinear set (try-linear
 * falls back to smash on it).
 */
static const struct dgit_error *
linear(struct qf *q, int *nolinear)
{
	const struct dgit_error *err = NULL;
	git_commit *cur = NULL, **chain = NULL;
	unsigned *pidx = NULL;
	git_tree *odp = NULL, *ct = NULL;
	size_t n = 0, cap = 0, steps = 0;
	const char *changed = NULL;

	*nolinear = 0;
	if (git_tree_lookup(&odp, q->repo, &q->odp) != 0 ||
	    git_commit_dup(&cur, q->head) != 0)
		return dgit_error_git("cannot read the patches-applied tree");
	for (;;) {
		unsigned np = git_commit_parentcount(cur), via = 0;
		git_commit *next = NULL;
		int patch = 0, base = 0;

		if (git_commit_tree(&ct, cur) != 0) {
			err = dgit_error_git("cannot read commit %s",
			    hex_of(git_commit_id(cur)));
			goto done;
		}
		if (same_upstream(ct, odp))
			break;
		if (++steps > WALK_MAX || np == 0) {
			*nolinear = 1;
			err = dgit_error_fmt(DGIT_ERR_PATCH, "quilt fixup "
			    "cannot be linear: no commit in the history of "
			    "HEAD has the upstream files of the origs with "
			    "debian/patches applied, so there is no base for a "
			    "linear patch stack.\n%s"
			    "Maybe you need one of --[quilt=]gbp --[quilt=]dpm "
			    "--quilt=unapplied ?\n"
			    "Maybe orig tarball(s) are not identical to git "
			    "representation?\n"
			    "Or try --quilt=smash", branch_hint(q));
			goto done;
		}
		if (np == 1) {
			patch = 1;
		} else {
			/*
			 * A merge: when a parent is the base (a pseudomerge
			 * onto the archive's patches-applied tree), the
			 * merge is the first patch, against that parent;
			 * else a parent with the merge's upstream files
			 * makes it add nothing; else no linear stack.
			 */
			for (unsigned i = 0; i < np && !base; i++) {
				git_commit *p = NULL;
				git_tree *pt = NULL;

				if (git_commit_parent(&p, cur, i) == 0 &&
				    git_commit_tree(&pt, p) == 0 &&
				    same_upstream(pt, odp)) {
					base = patch = 1;
					via = i;
				}
				git_tree_free(pt);
				git_commit_free(p);
			}
			for (unsigned i = 0; i < np && !patch && next == NULL;
			    i++) {
				git_commit *p = NULL;
				git_tree *pt = NULL;

				if (git_commit_parent(&p, cur, i) == 0 &&
				    git_commit_tree(&pt, p) == 0 &&
				    same_upstream(pt, ct))
					next = p;
				else
					git_commit_free(p);
				git_tree_free(pt);
			}
			if (!patch && next == NULL) {
				*nolinear = 1;
				err = dgit_error_fmt(DGIT_ERR_PATCH, "quilt fixup "
				    "cannot be linear: merge %s changes upstream "
				    "files relative to each of its parents, which a linear patch stack "
				    "cannot represent; try --quilt=smash",
				    hex_of(git_commit_id(cur)));
				goto done;
			}
		}
		if (patch) {
			if (n == cap) {
				git_commit **nc;
				unsigned *npi;

				cap = cap ? 2 * cap : 16;
				nc = realloc(chain, cap * sizeof *nc);
				if (nc)
					chain = nc;
				npi = realloc(pidx, cap * sizeof *npi);
				if (npi)
					pidx = npi;
				if (nc == NULL || npi == NULL) {
					err = nomem();
					goto done;
				}
			}
			chain[n] = cur;
			pidx[n++] = via;
			cur = NULL;
			if (git_commit_parent(&next, chain[n - 1], via) != 0) {
				err = dgit_error_git("cannot read the parent "
				    "of %s", hex_of(git_commit_id(chain[n - 1])));
				goto done;
			}
		} else {
			git_commit_free(cur);
		}
		cur = next;
		/* as dgit: the walk does not cross a change of the patch
		 * stack itself (or of the source format) */
		if ((err = stack_changed(q, &changed, cur, ct)))
			goto done;
		git_tree_free(ct);
		ct = NULL;
		if (changed) {
			*nolinear = 1;
			err = dgit_error_fmt(DGIT_ERR_PATCH, "quilt fixup "
			    "cannot be linear: going back from HEAD, the "
			    "child of %s changed %s.\n%s"
			    "Maybe you need one of --[quilt=]gbp --[quilt=]dpm "
			    "--quilt=unapplied ?\n"
			    "Maybe orig tarball(s) are not identical to git "
			    "representation?\n"
			    "Or try --quilt=smash", hex_of(git_commit_id(cur)),
			    changed, branch_hint(q));
			goto done;
		}
	}
	say(q, "linear patch stack from %s: %zu commits",
	    hex_of(git_commit_id(cur)), n);
	for (size_t i = n; i-- > 0 && err == NULL; )
		err = commit_patch(q, chain[i], pidx[i]);
done:
	for (size_t i = 0; i < n; i++)
		git_commit_free(chain[i]);
	free(chain);
	free(pidx);
	git_commit_free(cur);
	git_tree_free(ct);
	git_tree_free(odp);
	return err;
}

/* git log's medium format of up to 3 commits from HEAD. */
static const struct dgit_error *
log3(struct qf *q, FILE *fp)
{
	git_commit *c = NULL, *p;

	if (git_commit_dup(&c, q->head) != 0)
		return dgit_error_git("cannot read HEAD");
	for (int i = 0; i < 3 && c; i++) {
		static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed",
		    "Thu", "Fri", "Sat" };
		static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
		    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		const git_signature *a = git_commit_author(c);
		const char *m = git_commit_message(c);
		time_t t = (time_t)(a->when.time + a->when.offset * 60);
		struct tm tm;
		int off = a->when.offset < 0 ? -a->when.offset : a->when.offset;

		gmtime_r(&t, &tm);
		if (i)
			fputc('\n', fp);
		fprintf(fp, "commit %s\n", hex_of(git_commit_id(c)));
		if (git_commit_parentcount(c) > 1) {
			fputs("Merge:", fp);
			for (unsigned j = 0; j < git_commit_parentcount(c); j++)
				fprintf(fp, " %.7s",
				    hex_of(git_commit_parent_id(c, j)));
			fputc('\n', fp);
		}
		fprintf(fp, "Author: %s <%s>\nDate:   %s %s %d %02d:%02d:%02d "
		    "%d %c%02d%02d\n\n", a->name, a->email, wd[tm.tm_wday],
		    mon[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, tm.tm_year + 1900,
		    a->when.offset < 0 ? '-' : '+', off / 60, off % 60);
		while (m && *m) {
			size_t ll = strcspn(m, "\n");

			fprintf(fp, ll ? "    %.*s\n" : "%.*s\n", (int)ll, m);
			m += ll + (m[ll] == '\n');
		}
		p = NULL;
		if (git_commit_parentcount(c) > 0)
			git_commit_parent(&p, c, 0);
		git_commit_free(c);
		c = p;
	}
	git_commit_free(c);
	return NULL;
}

/* smash (base: o+d/p) and single (base: the origs, patches dropped). */
static const struct dgit_error *
squashed(struct qf *q, int single)
{
	const struct dgit_error *err = NULL;
	git_tree *base = NULL;
	git_oid bid, deb;
	char *diff = NULL, *s = NULL, *name = NULL;
	size_t dlen = 0, len = 0;
	FILE *fp = NULL;

	if (single) {
		/* the origs with debian/ less its patches */
		git_tree *dt = NULL;
		git_treebuilder *tb = NULL;
		int rc;

		if ((err = debian_of(&deb, q->head_tree)))
			return err;
		if (git_tree_lookup(&dt, q->repo, &deb) != 0 ||
		    git_treebuilder_new(&tb, q->repo, dt) != 0) {
			git_tree_free(dt);
			return dgit_error_git("cannot read debian/");
		}
		if (git_treebuilder_get(tb, "patches"))
			git_treebuilder_remove(tb, "patches");
		rc = git_treebuilder_write(&deb, tb);
		git_treebuilder_free(tb);
		git_tree_free(dt);
		if (rc != 0)
			return dgit_error_git("cannot write a tree");
		if ((err = applied_tree(q, &bid, &deb)))
			return err;
	} else {
		git_oid_cpy(&bid, &q->odp);
	}
	if (git_tree_lookup(&base, q->repo, &bid) != 0)
		return dgit_error_git("cannot read the base tree");
	if ((err = make_diff(q, &diff, &dlen, base, q->head_tree,
	    "the branch")) || diff == NULL)
		goto done;
	if ((fp = open_memstream(&s, &len)) == NULL) {
		err = nomem();
		goto done;
	}
	if (single) {
		fprintf(fp, "From: %s\nSubject: Debian changes\n\n"
		    "The Debian packaging of %s is maintained in git, using a "
		    "workflow\nsimilar to the one described in "
		    "dgit-maint-merge(7).\nThe Debian delta is represented by "
		    "this one combined patch; there isn't a\npatch queue that "
		    "can be represented as a quilt series.\n\n"
		    "A detailed breakdown of the changes is available from "
		    "their canonical\nrepresentation -- git commits in the "
		    "packaging repository (dgit clone %s).\n\n"
		    "We don't use debian/source/options single-debian-patch "
		    "because it has bugs.\nTherefore, NMUs etc. may "
		    "nevertheless have made additional patches.\n\n---\n\n",
		    q->maint, q->source, q->source);
	} else {
		fprintf(fp, "From: %s\nSubject: Automatically generated patch "
		    "(%s)\n\nLast (up to) 3 git changes, FYI:\n\n", q->maint,
		    q->version);
		if ((err = log3(q, fp)))
			goto done;
		fputs("---\n\n", fp);
	}
	fwrite(diff, 1, dlen, fp);
	if (fclose(fp) != 0) {
		fp = NULL;
		err = nomem();
		goto done;
	}
	fp = NULL;
	if (single) {
		name = strdup("dgit-changes");
		if (name == NULL)
			err = nomem();
	} else {
		char *want = NULL;

		if (asprintf(&want, "auto-%s-%s-%lld", q->version,
		    hex_of(git_commit_id(q->head)), (long long)(q->opts->now ?
		    q->opts->now : time(NULL))) < 0) {
			err = nomem();
			goto done;
		}
		for (char *p = want; *p; p++)
			if (*p == ':' || *p == '/')
				*p = '_';
		err = unique_name(q, &name, want);
		free(want);
	}
	if (err == NULL)
		err = add_patch(q, name, s, len);
	if (err == NULL)
		name = s = NULL;
done:
	if (fp)
		fclose(fp);
	free(name);
	free(s);
	free(diff);
	git_tree_free(base);
	return err;
}

/* Parse debian/source/include-binaries: one path a line, # comments. */
/*
 * dgit's checks of an include-binaries entry: no empty, "." or ".."
 * component, not under .git (warned of and ignored), not under debian/
 * (ignored: dpkg-source has those anyway), and in the working tree a
 * plain file or directory all the way down, where it exists.
 */
static int
binary_entry_ok(struct qf *q, const char *entry)
{
	const char *wd = git_repository_workdir(q->repo);
	const char *p = entry, *why = NULL;
	char whybuf[300];
	size_t ncomp = 0;

	for (;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.')) {
			snprintf(whybuf, sizeof whybuf, "forbidden path "
			    "component '%.*s'", (int)n, p);
			why = whybuf;
			break;
		}
		if (ncomp++ == 0) {
			if (n == 6 && strncmp(p, "debian", 6) == 0)
				return 0;
			if (n == 4 && strncmp(p, ".git", 4) == 0) {
				why = "path starts with '.git'";
				break;
			}
		}
		if (wd) {
			char *path = NULL;
			struct stat st;
			int r;

			if (asprintf(&path, "%s%.*s", wd, (int)(p - entry + n),
			    entry) < 0)
				return 1;
			r = lstat(path, &st);
			free(path);
			if (r != 0)
				return 1;      /* not there: as dgit, no more */
			if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
				snprintf(whybuf, sizeof whybuf, "path to '%.*s' "
				    "not a plain file or directory",
				    (int)(p - entry + n), entry);
				why = whybuf;
				break;
			}
		}
		if (e == NULL)
			return 1;
		p = e + 1;
	}
	say(q, "warning: ignoring bad include-binaries file %.200s: %s", entry,
	    why);
	return 0;
}

static const struct dgit_error *
read_binaries(struct qf *q)
{
	const struct dgit_error *err;
	char *buf = NULL, *p, *save = NULL;
	size_t len;
	int warned = 0;

	err = read_blob(&buf, &len, q->repo, q->head_tree,
	    "debian/source/include-binaries", META_MAX);
	if (err || buf == NULL)
		return err;
	for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n",
	    &save)) {
		size_t n;
		char **nb;

		while (*p == ' ' || *p == '\t')
			p++;
		n = strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\r'))
			p[--n] = '\0';
		if (n == 0 || *p == '#')
			continue;
		if (!warned++)
			say(q, "warning: package uses dpkg-source "
			    "include-binaries feature - not all changes are "
			    "visible in patches!");
		if (!binary_entry_ok(q, p))
			continue;
		if ((nb = realloc(q->binaries, (q->nbinaries + 1) *
		    sizeof *nb)) == NULL ||
		    (nb[q->nbinaries] = strdup(p)) == NULL) {
			if (nb)
				q->binaries = nb;
			err = nomem();
			break;
		}
		q->binaries = nb;
		q->nbinaries++;
	}
	free(buf);
	return err;
}

static int
series_exists_cb(const char *path, void *ctx)
{
	struct qf *q = ctx;
	git_tree_entry *e = NULL;
	int r = 0;

	if (git_tree_entry_bypath(&e, q->head_tree, path) == 0) {
		r = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ? 2 : 1;
		git_tree_entry_free(e);
	}
	return r;
}

/* HEAD's tree with the new patches and series: *out. */
static const struct dgit_error *
write_tree(struct qf *q, git_oid *out, int single)
{
	const struct dgit_error *err = NULL;
	struct dgit_tree *t = NULL;
	struct dgit_pack *pack = NULL;
	char pathbuf[256], *series = NULL, *nseries = NULL, *path = NULL;
	const char *spath;
	size_t slen = 0;
	int symlink = 0;
	git_oid id;
	FILE *fp = NULL;
	size_t nlen = 0;

	spath = dgit_quilt_series_path(pathbuf, sizeof pathbuf, &symlink,
	    "debian", series_exists_cb, q);
	if (spath == NULL)
		return nomem();
	if (series_exists_cb(spath, q) == 2)
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s' is a "
		    "symlink; refusing to append to it", spath);
	if ((err = dgit_tree_new(&t)) ||
	    (err = dgit_tree_add_git(t, "", q->repo,
	    git_tree_id(q->head_tree))) ||
	    (err = dgit_pack_new(&pack, q->repo, -1, 0,
	    q->opts->tmpfile, q->opts->tmpfile_arg)))
		goto done;
	if (!single && (err = read_blob(&series, &slen, q->repo,
	    q->head_tree, spath, META_MAX)))
		goto done;
	if (single) {
		/* every patch goes: only the new one is left */
		if ((err = dgit_tree_remove(t, "debian/patches")))
			goto done;
		spath = "debian/patches/series";
	}
	if ((fp = open_memstream(&nseries, &nlen)) == NULL) {
		err = nomem();
		goto done;
	}
	if (series) {
		fwrite(series, 1, slen, fp);
		if (slen && series[slen - 1] != '\n')
			fputc('\n', fp);
	}
	for (size_t i = 0; i < q->npatches; i++) {
		fprintf(fp, "%s\n", q->patches[i].name);
		free(path);
		if (asprintf(&path, "debian/patches/%s",
		    q->patches[i].name) < 0) {
			path = NULL;
			err = nomem();
			goto done;
		}
		if ((err = dgit_pack_write(pack, &id, GIT_OBJECT_BLOB,
		    q->patches[i].text, q->patches[i].len)) ||
		    (err = dgit_tree_set(t, path, DGIT_TREE_BLOB, &id, 0)))
			goto done;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		err = nomem();
		goto done;
	}
	fp = NULL;
	if ((err = dgit_pack_write(pack, &id, GIT_OBJECT_BLOB, nseries,
	    nlen)) || (err = dgit_tree_set(t, spath, DGIT_TREE_BLOB, &id, 0)) ||
	    (err = dgit_tree_write(out, t, pack)))
		goto done;
	err = dgit_pack_finish(pack);
done:
	if (fp)
		fclose(fp);
	free(path);
	free(series);
	free(nseries);
	dgit_pack_free(pack);
	dgit_tree_free(t);
	return err;
}

/* The fixed tree's debian/ applied to the origs must be the tree. */
static const struct dgit_error *
verify(struct qf *q, const git_oid *tree_id)
{
	const struct dgit_error *err;
	git_tree *t = NULL;
	git_oid deb, got;
	struct dgit_treecmp *c = NULL;
	char *desc = NULL;
	size_t bad = 0;

	if (git_tree_lookup(&t, q->repo, tree_id) != 0)
		return dgit_error_git("cannot read the fixed tree");
	err = debian_of(&deb, t);
	git_tree_free(t);
	if (err)
		return err;
	if ((err = applied_tree(q, &got, &deb)) != NULL)
		return dgit_error_wrap(err, "the new patches do not apply as "
		    "dpkg-source would apply them");
	if ((err = dgit_treecmp_trees(&c, q->repo, &got, tree_id, "debian",
	    0)))
		return err;
	for (size_t i = 0; i < c->n; i++)
		if (!is_binary_listed(q, c->entries[i].path))
			bad++;
	if (bad) {
		desc = dgit_treecmp_describe(c, "the patched origs",
		    "the branch");
		err = dgit_error_fmt(DGIT_ERR_PATCH, "the generated patches do "
		    "not reproduce the branch's tree:\n%s(this is a bug in "
		    "the quilt fixup; --quilt=smash may work around it)",
		    desc ? desc : "");
		free(desc);
	}
	dgit_treecmp_free(c);
	return err;
}

/* The author and committer of a commit made as the user (git's rules). */
static const struct dgit_error *
user_sigs(struct qf *q, git_signature **author, git_signature **committer,
    const char *what)
{
	const struct dgit_error *err;

	*committer = NULL;
	if ((err = dgit_commit_ident(author, q->repo, 0)) ||
	    (err = dgit_commit_ident(committer, q->repo, 1))) {
		git_signature_free(*author);
		*author = NULL;
		return dgit_error_wrap(err, "cannot make %s", what);
	}
	return NULL;
}

static const struct dgit_error *
make_commit(struct qf *q, git_oid *out, const git_oid *tree_id)
{
	git_signature *author = NULL, *sig = NULL;
	git_tree *t = NULL;
	char *msg = NULL;
	const git_commit *parents[1] = { q->head };
	const struct dgit_error *err = NULL;

	if ((err = user_sigs(q, &author, &sig, "the quilt fixup commit")))
		return err;
	if (asprintf(&msg, "Commit Debian 3.0 (quilt) metadata\n\n"
	    "[dgit (%s) quilt-fixup]\n", q->opts->dgit_version ?
	    q->opts->dgit_version : "C") < 0) {
		msg = NULL;
		err = nomem();
	} else if (git_tree_lookup(&t, q->repo, tree_id) != 0 ||
	    git_commit_create(out, q->repo, NULL, author, sig, NULL, msg, t,
	    1, parents) != 0) {
		err = dgit_error_git("cannot make the quilt fixup commit");
	}
	free(msg);
	git_tree_free(t);
	git_signature_free(author);
	git_signature_free(sig);
	return err;
}

static const struct dgit_error *
read_changelog(struct qf *q)
{
	const struct dgit_error *err;
	struct dgit_changelog *cl = NULL;
	const struct dgit_changelog_entry *e;
	char *buf = NULL;
	size_t len;

	err = read_blob(&buf, &len, q->repo, q->head_tree, "debian/changelog",
	    META_MAX);
	if (err == NULL && buf == NULL)
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "HEAD has no "
		    "debian/changelog");
	if (err == NULL)
		err = dgit_changelog_parse_first(&cl, buf, len,
		    "debian/changelog");
	free(buf);
	if (err)
		return err;
	e = dgit_changelog_entry(cl, 0);
	q->source = strdup(e->package);
	q->version = strdup(e->version);
	q->maint = strdup(e->maintainer ? e->maintainer : "");
	dgit_changelog_free(cl);
	if (!q->source || !q->version || !q->maint)
		return nomem();
	return NULL;
}

static void
qf_release(struct qf *q)
{
	for (size_t i = 0; i < q->dsc.nfiles; i++) {
		free(q->dsc.files[i].name);
		free(q->dsc.files[i].component);
	}
	free(q->dsc.files);
	for (size_t i = 0; i < q->nbinaries; i++)
		free(q->binaries[i]);
	free(q->binaries);
	for (size_t i = 0; i < q->npatches; i++) {
		free(q->patches[i].name);
		free(q->patches[i].text);
	}
	free(q->patches);
	for (size_t i = 0; i < q->ntaken; i++)
		free(q->taken[i]);
	free(q->taken);
	free(q->source);
	free(q->version);
	free(q->maint);
	git_tree_free(q->head_tree);
	git_commit_free(q->head);
	dgit_origcache_free(q->own_oc);
}

/* The orig cache: the caller's, else one of our own. */
static const struct dgit_error *
qf_cache(struct qf *q)
{
	const struct dgit_error *err;

	if (q->opts->origcache) {
		q->oc = q->opts->origcache;
		return NULL;
	}
	if ((err = dgit_origcache_new(&q->own_oc, q->repo,
	    q->opts->dgit_version, 1)))
		return err;
	q->oc = q->own_oc;
	return NULL;
}

/*
 * 1 in *out when HEAD differs from the patched origs only in files listed
 * in debian/source/include-binaries.
 */
static const struct dgit_error *
only_binaries(int *out, struct qf *q)
{
	const struct dgit_error *err;
	struct dgit_treecmp *c = NULL;

	*out = 0;
	if (q->nbinaries == 0)
		return NULL;
	if ((err = dgit_treecmp_trees(&c, q->repo, &q->odp,
	    git_tree_id(q->head_tree), "debian", DIFF_PATHS_MAX)))
		return err;
	*out = c->total == c->n;
	for (size_t i = 0; i < c->n && *out; i++)
		if (c->entries[i].kind == DGIT_TREECMP_ONLY_A ||
		    !is_binary_listed(q, c->entries[i].path))
			*out = 0;
	dgit_treecmp_free(c);
	return NULL;
}

/* ---- changes 3.0 (quilt) cannot represent ---------------------------- */

#define MODE_TYPE(m) ((m) & 0170000u)

static unsigned
mode_strip_exec(unsigned m)
{
	return m == 0100755u ? 0100644u : m;
}

/* Why dpkg-source cannot represent the change from mode a to b (0:
 * absent), as dgit says it; NULL when it can. */
static const char *
unrepresentable_why(unsigned a, unsigned b)
{
	int plain_a = MODE_TYPE(a) == 0100000u || MODE_TYPE(a) == 0120000u;
	int plain_b = MODE_TYPE(b) == 0100000u || MODE_TYPE(b) == 0120000u;

	if (!plain_a && !plain_b)
		return "not a plain file";
	if (a && b) {
		if (mode_strip_exec(a) != mode_strip_exec(b))
			return "mode or type changed in unsupported way";
		if (MODE_TYPE(b) != 0100000u)
			return "modified symlink";
		return NULL;
	}
	if (a)
		return MODE_TYPE(a) == 0100000u ? NULL : "deletion of symlink";
	if (b != 0100644u && b != 0100755u)
		return "creation with non-default mode, or symlink";
	return NULL;
}

/*
 * dgit's check of HEAD's changes to the origs (unpatched: the origs'
 * tree) before any patch is made: symlinks made, changed or removed,
 * and files becoming something else, are refused, one line per path:
 * DGIT_ERR_UNREPRESENTABLE.
 */
static const struct dgit_error *
check_representable(struct qf *q, const git_oid *unpatched)
{
	const struct dgit_error *err;
	struct dgit_treecmp *c = NULL;
	char *lines = NULL;
	size_t len = 0, nbad = 0;
	FILE *fp;

	if ((err = dgit_treecmp_trees(&c, q->repo, unpatched,
	    git_tree_id(q->head_tree), "debian", DIFF_PATHS_MAX)))
		return err;
	if ((fp = open_memstream(&lines, &len)) == NULL) {
		dgit_treecmp_free(c);
		return nomem();
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct dgit_treecmp_entry *e = &c->entries[i];
		const char *why = unrepresentable_why(e->mode_a, e->mode_b);

		if (why == NULL || nbad++ >= 50)
			continue;
		fprintf(fp, "  cannot represent change: %s (%06o->%06o): %s\n",
		    why, e->mode_a, e->mode_b, e->path);
	}
	if (nbad > 50)
		fprintf(fp, "  ... and %zu more\n", nbad - 50);
	if (fclose(fp) != 0)
		err = nomem();
	else if (nbad)
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "HEAD has "
		    "changes to .orig[s] which are not representable by "
		    "`3.0 (quilt)':\n%smake them in debian/rules instead, "
		    "or use a format that can carry them", lines);
	free(lines);
	dgit_treecmp_free(c);
	return err;
}

/* ---- .gitignore in the splitting modes ------------------------------ */


static int
is_gitignore(const char *path)
{
	const char *b = strrchr(path, '/');

	return strcmp(b ? b + 1 : path, ".gitignore") == 0;
}

/*
 * How trees a and b differ outside debian/, as dgit's
 * quiltify_trees_differ says it: 01 in files other than .gitignore, 02
 * in .gitignore files.  *keep (may be NULL) gets the comparison.
 */
static const struct dgit_error *
diffbits(int *out, struct dgit_treecmp **keep, git_repository *repo,
    const git_oid *a, const git_oid *b)
{
	const struct dgit_error *err;
	struct dgit_treecmp *c = NULL;

	*out = 0;
	if (keep)
		*keep = NULL;
	if ((err = dgit_treecmp_trees(&c, repo, a, b, "debian",
	    DIFF_PATHS_MAX)))
		return err;
	for (size_t i = 0; i < c->n; i++)
		*out |= is_gitignore(c->entries[i].path) ? 02 : 01;
	if (c->total > c->n)
		*out |= 03;
	if (keep)
		*keep = c;
	else
		dgit_treecmp_free(c);
	return NULL;
}

/* tree id with the .gitignore paths of c set as tree from has them. */
static const struct dgit_error *
overlay_gitignores(git_oid *out, struct qf *q, struct dgit_pack *pack,
    const git_oid *id, git_tree *from, const struct dgit_treecmp *c)
{
	const struct dgit_error *err;
	struct dgit_tree *t = NULL;

	if ((err = dgit_tree_new(&t)) ||
	    (err = dgit_tree_add_git(t, "", q->repo, id)))
		goto done;
	for (size_t i = 0; i < c->n && err == NULL; i++) {
		const char *path = c->entries[i].path;
		git_tree_entry *e = NULL;
		unsigned mode;

		if (!is_gitignore(path))
			continue;
		if (git_tree_entry_bypath(&e, from, path) != 0) {
			err = dgit_tree_remove(t, path);
			continue;
		}
		mode = git_tree_entry_filemode(e);
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE
		    || mode == GIT_FILEMODE_LINK)
			err = dgit_tree_set(t, path, mode, git_tree_entry_id(e),
			    0);
		git_tree_entry_free(e);
	}
	if (err == NULL)
		err = dgit_tree_write(out, t, pack);
done:
	dgit_tree_free(t);
	return err;
}

/*
 * The gbp view's patch commits are made from the origs, which lack
 * HEAD's own .gitignore changes: remake them, from the tip back to
 * HEAD, with HEAD's .gitignore files.  *tip is replaced.
 */
static const struct dgit_error *
restack_gitignores(struct qf *q, git_oid *tip, size_t npatches,
    const struct dgit_treecmp *c)
{
	const struct dgit_error *err = NULL;
	git_commit **chain = NULL, *cur = NULL, *parent = NULL;
	git_tree *nt = NULL;
	struct dgit_pack *pack = NULL;
	size_t n = 0, max = npatches + 2;
	git_oid prev, tid;

	if ((chain = calloc(max, sizeof *chain)) == NULL)
		return nomem();
	if (git_commit_lookup(&cur, q->repo, tip) != 0) {
		err = dgit_error_git("cannot read the dgit view");
		goto done;
	}
	while (!git_oid_equal(git_commit_id(cur), git_commit_id(q->head))) {
		if (n == max || git_commit_parentcount(cur) != 1 ||
		    git_commit_parent(&parent, cur, 0) != 0) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "the dgit view's "
			    "patch commits do not lead back to HEAD");
			goto done;
		}
		chain[n++] = cur;
		cur = parent;
		parent = NULL;
	}
	if ((err = dgit_pack_new(&pack, q->repo, -1, 0, NULL, NULL)))
		goto done;
	git_oid_cpy(&prev, git_commit_id(q->head));
	for (size_t i = n; i-- > 0; ) {
		const git_commit *parents[1];

		if ((err = overlay_gitignores(&tid, q, pack,
		    git_commit_tree_id(chain[i]), q->head_tree, c)))
			goto done;
		if ((err = dgit_pack_finish(pack)))
			goto done;
		dgit_pack_free(pack);
		pack = NULL;
		if (i > 0 && (err = dgit_pack_new(&pack, q->repo, -1, 0, NULL,
		    NULL)))
			goto done;
		git_commit_free(parent);
		parent = NULL;
		git_tree_free(nt);
		nt = NULL;
		if (git_commit_lookup(&parent, q->repo, &prev) != 0 ||
		    git_tree_lookup(&nt, q->repo, &tid) != 0) {
			err = dgit_error_git("cannot read the dgit view");
			goto done;
		}
		parents[0] = parent;
		if (git_commit_create(&prev, q->repo, NULL,
		    git_commit_author(chain[i]), git_commit_committer(chain[i]),
		    git_commit_message_encoding(chain[i]),
		    git_commit_message(chain[i]), nt, 1, parents) != 0) {
			err = dgit_error_git("cannot remake the dgit view's "
			    "patch commits");
			goto done;
		}
	}
	git_oid_cpy(tip, &prev);
done:
	for (size_t i = 0; i < n; i++)
		git_commit_free(chain[i]);
	free(chain);
	git_commit_free(cur);
	git_commit_free(parent);
	git_tree_free(nt);
	dgit_pack_free(pack);
	return err;
}

/*
 * dgit's auto-gitignore: HEAD changes upstream .gitignore files and the
 * patches do not, so the dgit view gets a patch of those changes (from
 * the origs, tree origs, to HEAD), "debian/patches/auto-gitignore" at
 * the end of the series, in a commit on *tip (replaced), identity from
 * the changelog.
 */
static const struct dgit_error *
auto_gitignore(struct qf *q, git_oid *tip, const git_oid *origs,
    const struct dgit_treecmp *c)
{
	const struct dgit_error *err = NULL;
	git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
	git_tree *ot = NULL, *vt = NULL, *nt = NULL;
	git_commit *vc = NULL;
	git_diff *diff = NULL;
	git_buf db = { 0 };
	git_signature *sig = NULL;
	struct dgit_tree *t = NULL;
	struct dgit_pack *pack = NULL;
	char **paths = NULL, *text = NULL, *series = NULL, *msg = NULL;
	size_t np = 0, tlen = 0, slen = 0, nslen = 0;
	unsigned mode;
	git_oid id, tid;
	FILE *fp = NULL;
	const git_commit *parents[1];
	const char *ver = q->opts->dgit_version ? q->opts->dgit_version : "C";

	say(q, "dgit view: creating patch to represent .gitignore changes");
	if ((paths = calloc(c->n ? c->n : 1, sizeof *paths)) == NULL)
		return nomem();
	for (size_t i = 0; i < c->n; i++)
		if (is_gitignore(c->entries[i].path))
			paths[np++] = c->entries[i].path;
	dopts.pathspec.strings = paths;
	dopts.pathspec.count = np;
	dopts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	dopts.old_prefix = "a";     /* whatever diff.noprefix says */
	dopts.new_prefix = "b";
	if (git_tree_lookup(&ot, q->repo, origs) != 0 ||
	    git_diff_tree_to_tree(&diff, q->repo, ot, q->head_tree,
	    &dopts) != 0 || git_diff_to_buf(&db, diff, GIT_DIFF_FORMAT_PATCH)
	    != 0) {
		err = dgit_error_git("cannot diff HEAD's .gitignore files");
		goto done;
	}
	if (db.size > PATCH_MAX) {
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "the .gitignore patch is "
		    "over %zu bytes", PATCH_MAX);
		goto done;
	}
	if ((fp = open_memstream(&text, &tlen)) == NULL) {
		err = nomem();
		goto done;
	}
	fprintf(fp, "Subject: Update .gitignore from Debian packaging branch\n"
	    "\n"
	    "The Debian packaging git branch contains these updates to the "
	    "upstream\n"
	    ".gitignore file(s).  This patch is autogenerated, to provide "
	    "these\n"
	    "updates to users of the official Debian archive view of the "
	    "package.\n"
	    "\n"
	    "[dgit (%s) update-gitignore]\n"
	    "---\n", ver);
	fwrite(db.ptr, 1, db.size, fp);
	if (fclose(fp) != 0) {
		fp = NULL;
		err = nomem();
		goto done;
	}
	fp = NULL;
	if (git_commit_lookup(&vc, q->repo, tip) != 0 ||
	    git_commit_tree(&vt, vc) != 0) {
		err = dgit_error_git("cannot read the dgit view");
		goto done;
	}
	if ((err = read_blob(&series, &slen, q->repo, vt,
	    "debian/patches/auto-gitignore", META_MAX)))
		goto done;
	if (series && slen > 0) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "debian/patches/"
		    "auto-gitignore already exists; but want to create it to "
		    "record .gitignore changes");
		goto done;
	}
	free(series);
	series = NULL;
	if ((err = read_blob(&series, &slen, q->repo, vt,
	    "debian/patches/series", META_MAX)))
		goto done;
	if ((fp = open_memstream(&msg, &nslen)) == NULL) {
		err = nomem();
		goto done;
	}
	if (series) {
		fwrite(series, 1, slen, fp);
		if (slen && series[slen - 1] != '\n')
			fputc('\n', fp);
	}
	fputs("auto-gitignore\n", fp);
	if (fclose(fp) != 0) {
		fp = NULL;
		err = nomem();
		goto done;
	}
	fp = NULL;
	free(series);
	series = msg;
	msg = NULL;
	if ((err = dgit_tree_new(&t)) ||
	    (err = dgit_tree_add_git(t, "", q->repo, git_tree_id(vt))) ||
	    (err = dgit_pack_new(&pack, q->repo, -1, 0, NULL, NULL)) ||
	    (err = dgit_pack_write(pack, &id, GIT_OBJECT_BLOB, text,
	    tlen)) ||
	    (err = dgit_tree_set(t, "debian/patches/auto-gitignore",
	    DGIT_TREE_BLOB, &id, 0)))
		goto done;
	mode = DGIT_TREE_BLOB;
	if ((err = dgit_pack_write(pack, &id, GIT_OBJECT_BLOB, series,
	    nslen)) ||
	    (err = dgit_tree_set(t, "debian/patches/series", mode, &id, 0)) ||
	    (err = dgit_tree_write(&tid, t, pack)) ||
	    (err = dgit_pack_finish(pack)))
		goto done;
	if ((err = dgit_history_commit_clog(NULL, &sig, q->repo,
	    git_commit_id(q->head))))
		goto done;
	if (asprintf(&msg, "Commit patch to update .gitignore\n\n"
	    "[dgit (%s) update-gitignore-quilt-fixup]\n", ver) < 0) {
		msg = NULL;
		err = nomem();
		goto done;
	}
	parents[0] = vc;
	if (git_tree_lookup(&nt, q->repo, &tid) != 0 ||
	    git_commit_create(tip, q->repo, NULL, sig, sig, NULL, msg, nt, 1,
	    parents) != 0)
		err = dgit_error_git("cannot commit the .gitignore patch");
done:
	if (fp)
		fclose(fp);
	free(paths);
	free(text);
	free(series);
	free(msg);
	git_buf_dispose(&db);
	git_diff_free(diff);
	git_signature_free(sig);
	dgit_tree_free(t);
	dgit_pack_free(pack);
	git_tree_free(nt);
	git_tree_free(vt);
	git_tree_free(ot);
	git_commit_free(vc);
	return err;
}

#define GBP_PQ_MAX_WORDS 32

const struct dgit_error *
dgit_quiltfix_gbp_pq_import(git_oid *out, git_repository *repo,
    const git_oid *base, const git_oid *expect, const char *gbp_pq)
{
	const struct dgit_error *err = NULL;
	const char *prog = gbp_pq && *gbp_pq ? gbp_pq : "gbp pq";
	const char *argv[GBP_PQ_MAX_WORDS + 2], *env[7];
	char hex[GIT_OID_HEXSZ + 1], date[48], *words = NULL, *dir = NULL, *w,
	    *vars[6] = { NULL }, *save = NULL;
	const char *reset[] = { "git", "reset", "-q", "--hard", hex, NULL };
	git_repository *play = NULL;
	git_commit *ours = NULL, *theirs = NULL;
	const git_signature *sig;
	struct dgit_run_opts ro;
	git_oid got;
	size_t n = 0;
	int off;

	if ((words = strdup(prog)) == NULL)
		return nomem();
	for (w = strtok_r(words, " \t\n", &save); w;
	    w = strtok_r(NULL, " \t\n", &save)) {
		if (n == GBP_PQ_MAX_WORDS) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "--gbp-pq='%s' "
			    "has more than %d words; give fewer", prog,
			    GBP_PQ_MAX_WORDS);
			goto done;
		}
		argv[n++] = w;
	}
	if (n == 0) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "--gbp-pq='%s' names no "
		    "program; give the command to run as gbp pq", prog);
		goto done;
	}
	argv[n++] = "import";
	argv[n] = NULL;
	if (git_commit_lookup(&ours, repo, expect) != 0) {
		err = dgit_error_git("cannot read the patch commits");
		goto done;
	}
	sig = git_commit_committer(ours);
	off = sig->when.offset;
	snprintf(date, sizeof date, "@%lld %c%02d%02d",
	    (long long)sig->when.time, off < 0 ? '-' : '+', abs(off) / 60,
	    abs(off) % 60);
	if (asprintf(&vars[0], "GIT_COMMITTER_NAME=%s", sig->name) < 0 ||
	    asprintf(&vars[1], "GIT_COMMITTER_EMAIL=%s", sig->email) < 0 ||
	    asprintf(&vars[2], "GIT_COMMITTER_DATE=%s", date) < 0 ||
	    asprintf(&vars[3], "GIT_AUTHOR_NAME=%s", sig->name) < 0 ||
	    asprintf(&vars[4], "GIT_AUTHOR_EMAIL=%s", sig->email) < 0 ||
	    asprintf(&vars[5], "GIT_AUTHOR_DATE=%s", date) < 0) {
		err = nomem();
		goto done;
	}
	for (n = 0; n < 6; n++)
		env[n] = vars[n];
	env[6] = NULL;
	git_oid_tostr(hex, sizeof hex, base);
	if ((err = dgit_fs_mkdtemp(&dir, git_repository_path(repo),
	    "dgit-gbp-pq")) || (err = dgit_gdr_play_setup(dir, repo)))
		goto done;
	memset(&ro, 0, sizeof ro);
	ro.cwd = dir;
	ro.out = ro.err = DGIT_RUN_OUT_NULL;
	if ((err = dgit_run(NULL, reset, &ro)))
		goto done;
	ro.env = env;
	ro.err = DGIT_RUN_OUT_INHERIT;
	if ((err = dgit_run(NULL, argv, &ro))) {
		/* dgit's words, which its users look for */
		err = dgit_error_wrap(err, "%s import failed", prog);
		goto done;
	}
	if (git_repository_open(&play, dir) != 0 ||
	    git_reference_name_to_id(&got, play, "HEAD") != 0 ||
	    git_commit_lookup(&theirs, repo, &got) != 0) {
		err = dgit_error_git("cannot read what '%s import' made", prog);
		goto done;
	}
	if (!git_oid_equal(git_commit_tree_id(theirs),
	    git_commit_tree_id(ours))) {
		char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

		git_oid_tostr(a, sizeof a, &got);
		git_oid_tostr(b, sizeof b, git_commit_tree_id(ours));
		err = dgit_error_fmt(DGIT_ERR_PATCH, "gbp-pq import and "
		    "dpkg-source disagree: '%s import' gave commit %s, whose "
		    "tree is not the patched origs' (%s); check "
		    "debian/patches with dpkg-source -x", prog, a, b);
		goto done;
	}
	git_oid_cpy(out, &got);
done:
	git_commit_free(theirs);
	git_commit_free(ours);
	git_repository_free(play);
	for (n = 0; n < 6; n++)
		free(vars[n]);
	if (dir) {
		const struct dgit_error *e2 = dgit_fs_remove_tree(dir);

		if (err == NULL)
			err = e2;
		free(dir);
	}
	free(words);
	return err;
}

const struct dgit_error *
dgit_quiltfix_gbp_pq_patches(git_oid *out, git_repository *repo,
    const git_oid *commit, size_t npatches, const char *gbp_pq)
{
	const struct dgit_error *err = NULL;
	git_commit *c = NULL, *parent = NULL;
	git_oid base, tip;

	if (git_commit_lookup(&c, repo, commit) != 0)
		return dgit_error_git("cannot read the import");
	for (size_t i = 0; i < npatches; i++) {
		if (git_commit_parent(&parent, c, 0) != 0) {
			err = dgit_error_git("cannot read the import");
			goto done;
		}
		git_commit_free(c);
		c = parent;
		parent = NULL;
	}
	git_oid_cpy(&base, git_commit_id(c));
	if ((err = dgit_quiltfix_gbp_pq_import(&tip, repo, &base, commit,
	    gbp_pq))) {
		err = dgit_error_wrap(err, "cannot import the patches without "
		    "applying them as dpkg-source does, which "
		    "--force-import-gitapply-no-absurd forbids");
		goto done;
	}
	git_oid_cpy(out, &tip);
done:
	git_commit_free(parent);
	git_commit_free(c);
	return err;
}

/*
 * As dgit: the patch commits of the gbp and unapplied views are made by
 * the user's gbp pq on HEAD (dgit_quiltfix_gbp_pq_import), with the
 * identity of the patch commits dgit made itself, *tip, whose tree gbp's
 * tip must have; *tip becomes gbp's tip.
 */
static const struct dgit_error *
gbp_pq_import(struct qf *q, git_oid *tip)
{
	const struct dgit_error *err;
	const char *prog = q->opts->gbp_pq && *q->opts->gbp_pq ?
	    q->opts->gbp_pq : "gbp pq";
	git_oid got;

	say(q, "dgit view: creating patches-applied version using gbp pq");
	err = dgit_quiltfix_gbp_pq_import(&got, q->repo,
	    git_commit_id(q->head), tip, q->opts->gbp_pq);
	if (err && err->code != DGIT_ERR_PATCH && err->code != DGIT_ERR_USAGE)
		return dgit_error_wrap(err, "cannot make the dgit view with "
		    "'%s import' (--gbp-pq)", prog);
	if (err == NULL)
		git_oid_cpy(tip, &got);
	return err;
}

/* gbp_pq_import when the patch commits changed HEAD's tree (as dgit,
 * which runs gbp pq when the patches change upstream files). */
static const struct dgit_error *
maybe_gbp_pq(struct qf *q, git_oid *tip)
{
	git_commit *c = NULL;
	int same;

	if (git_commit_lookup(&c, q->repo, tip) != 0)
		return dgit_error_git("cannot read the dgit view");
	same = git_oid_equal(git_commit_tree_id(c), git_tree_id(q->head_tree));
	git_commit_free(c);
	return same ? NULL : gbp_pq_import(q, tip);
}

/*
 * The splitting modes: the dgit view beside HEAD.  gbp, unapplied: HEAD
 * is the origs plus debian/ (patches not applied); the view is HEAD with
 * one commit per patch on top, as gbp pq import (which dgit runs) makes
 * them.  dpm: HEAD has the patches applied; it is its own dgit view.
 */
static const struct dgit_error *
split_view(struct qf *q, struct dgit_quiltfix_result *out,
    const git_oid *deb)
{
	const struct dgit_error *err = NULL;
	enum dgit_quilt_mode mode = q->opts->mode;
	const char *mname = dgit_quiltfix_mode_name(mode);
	struct dgit_import_opts io;
	struct dgit_import_result r;
	struct dgit_treecmp *c = NULL, *o2hc = NULL;
	git_commit *vc = NULL;
	char *desc = NULL;
	const git_oid *cmp;
	int special, o2h = 0, o2a = 0, bad = 0;

	memset(&io, 0, sizeof io);
	io.level = -1;
	io.threads = -1;
	io.tmpfile = q->opts->tmpfile;
	io.tmpfile_arg = q->opts->tmpfile_arg;
	io.no_checksums = 1;
	dgit_origcache_hook(q->oc, &io);
	io.debian_tree = deb;
	if (mode != DGIT_QUILT_DPM)
		io.patch_parent = git_commit_id(q->head);
	out->split = 1;
	say(q, "examining quilt state (%s mode)", mname);
	err = dgit_import_dsc(&r, q->repo, &q->dsc, q->opts->origs_dir ?
	    q->opts->origs_dir : "..", &io);
	if (err)
		return dgit_error_wrap(err, "the patches in debian/patches do "
		    "not apply to the origs");
	/*
	 * As dgit: the modes for tools that leave upstream .gitignore
	 * changes out of the patches (gbp, dpm) allow HEAD to differ from
	 * the origs there, and the dgit view gets them as a patch of its
	 * own; unapplied treats .gitignore as any other file.
	 */
	special = mode != DGIT_QUILT_UNAPPLIED;
	cmp = mode == DGIT_QUILT_DPM ? &r.tree : &r.unpatched;
	if ((err = check_representable(q, &r.unpatched)))
		goto done;
	if ((err = diffbits(&o2h, &o2hc, q->repo, &r.unpatched,
	    git_tree_id(q->head_tree))))
		goto done;
	if (mode == DGIT_QUILT_DPM)
		err = diffbits(&bad, &c, q->repo, &r.tree,
		    git_tree_id(q->head_tree));
	else
		bad = o2h;
	if (err)
		goto done;
	if (special ? (bad & 01) : bad) {
		if (c == NULL)
			err = dgit_treecmp_trees(&c, q->repo, cmp,
			    git_tree_id(q->head_tree), "debian", 0);
		if (err == NULL)
			desc = dgit_treecmp_describe(c, mode == DGIT_QUILT_DPM ?
			    "the patched origs" : "the origs", "HEAD");
		if (err == NULL && mode == DGIT_QUILT_DPM)
			err = dgit_error_fmt(DGIT_ERR_PATCH, "--quilt=dpm "
			    "specified, implying patches-applied git tree, "
			    "but git tree differs from result of applying "
			    "debian/patches to upstream:\n%s"
			    "update debian/patches (git-dpm update-patches), "
			    "or use another --quilt mode", desc ? desc : "");
		else if (err == NULL)
			err = dgit_error_fmt(DGIT_ERR_PATCH, "--quilt=%s "
			    "specified, implying patches-unapplied git tree, "
			    "but git tree differs from orig in upstream "
			    "files:\n%smake the changes as patches in "
			    "debian/patches (gbp pq), or use another --quilt "
			    "mode", mname, desc ? desc : "");
		goto done;
	}
	if (special && (err = diffbits(&o2a, NULL, q->repo, &r.unpatched,
	    &r.tree)))
		goto done;
	if (o2a & 02) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "--quilt=%s specified, "
		    "implying that HEAD is for use with a tool which does not "
		    "create patches for changes to upstream .gitignores: but, "
		    "such patches exist in debian/patches", mname);
		goto done;
	}
	if (mode == DGIT_QUILT_DPM)
		git_oid_cpy(&r.commit, git_commit_id(q->head));
	if (special && (o2h & 02) && mode != DGIT_QUILT_DPM &&
	    (err = restack_gitignores(q, &r.commit, r.npatches, o2hc)))
		goto done;
	if (mode != DGIT_QUILT_DPM && r.npatches > 0 &&
	    (err = maybe_gbp_pq(q, &r.commit)))
		goto done;
	if (special && (o2h & 02)) {
		if ((err = auto_gitignore(q, &r.commit, &r.unpatched, o2hc)))
			goto done;
		r.npatches++;
	}
	if (mode == DGIT_QUILT_DPM && git_oid_equal(&r.commit,
	    git_commit_id(q->head))) {
		say(q, "dgit view: HEAD itself (%s mode)", mname);
		goto done;
	}
	if (git_commit_lookup(&vc, q->repo, &r.commit) != 0) {
		err = dgit_error_git("cannot read the dgit view");
		goto done;
	}
	git_oid_cpy(&r.tree, git_commit_tree_id(vc));
	git_oid_cpy(&out->commit, &r.commit);
	git_oid_cpy(&out->tree, &r.tree);
	out->npatches = r.npatches;
	out->needed = !git_oid_equal(&r.commit, git_commit_id(q->head));
	say(q, "dgit view: %zu patch%s applied in commits beside HEAD",
	    r.npatches, r.npatches == 1 ? "" : "es");
done:
	free(desc);
	dgit_treecmp_free(c);
	dgit_treecmp_free(o2hc);
	git_commit_free(vc);
	return err;
}

/* ---- the baredebian modes -------------------------------------------- */

/*
 * The upstream commit of --quilt=baredebian: --upstream-commitish, else
 * the one of the tags UPV, vUPV, upstream/UPV (UPV mangled as DEP-14
 * says) that exists.  *used: what the merge's message names; *what:
 * the line saying where it came from.
 */
static const struct dgit_error *
resolve_upstream(struct qf *q, git_oid *out, char **used, char **what)
{
	const struct dgit_error *err = NULL;
	const char *given = q->opts->upstream_commitish;
	static const char *const pfx[] = { "", "v", "upstream/" };
	char *upv = NULL, *mangled = NULL, *ref = NULL, *tried = NULL;
	git_object *o = NULL, *c = NULL;
	git_oid id;
	size_t nfound = 0;

	*used = *what = NULL;
	if (given) {
		const char *tag = strncmp(given, "refs/tags/", 10) == 0 &&
		    given[10] ? given + 10 : NULL;

		if (git_revparse_single(&o, q->repo, given) != 0 ||
		    git_object_peel(&c, o, GIT_OBJECT_COMMIT) != 0) {
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "upstream "
			    "commitish '%s' is not a commit; give "
			    "--upstream-commitish a branch, tag or commit id",
			    given);
			goto done;
		}
		git_oid_cpy(out, git_object_id(c));
		*used = strdup(tag ? tag : given);
		if (tag ? asprintf(what, "using upstream from git tag %s",
		    tag) < 0 : (*what = strdup("using specified upstream "
		    "commitish")) == NULL)
			*what = NULL;
		if (*used == NULL || *what == NULL)
			err = nomem();
		goto done;
	}
	if ((err = dgit_version_upstream(&upv, q->version)) ||
	    (err = dgit_version_mangle(&mangled, upv)))
		goto done;
	for (size_t i = 0; i < sizeof pfx / sizeof *pfx; i++) {
		char *nt;

		free(ref);
		if (asprintf(&ref, "refs/tags/%s%s", pfx[i], mangled) < 0) {
			ref = NULL;
			err = nomem();
			goto done;
		}
		if (asprintf(&nt, "%s%s%s", tried ? tried : "", tried ? " " :
		    "", ref + 10) < 0) {
			err = nomem();
			goto done;
		}
		free(tried);
		tried = nt;
		git_object_free(o);
		git_object_free(c);
		o = c = NULL;
		if (git_reference_name_to_id(&id, q->repo, ref) != 0)
			continue;
		if (git_object_lookup(&o, q->repo, &id, GIT_OBJECT_ANY) != 0 ||
		    git_object_peel(&c, o, GIT_OBJECT_COMMIT) != 0) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "tag '%s' does "
			    "not name a commit", ref + 10);
			goto done;
		}
		if (nfound++ == 0) {
			git_oid_cpy(out, git_object_id(c));
			free(*used);
			if ((*used = strdup(ref + 10)) == NULL) {
				err = nomem();
				goto done;
			}
		}
	}
	if (nfound != 1) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "Could not determine "
		    "appropriate upstream commitish for --quilt=baredebian "
		    "(tried these tags: %s; %s); check the version, or give "
		    "--upstream-commitish", tried, nfound ? "more than one "
		    "exists" : "none exists");
		goto done;
	}
	if (asprintf(what, "using upstream from git tag %s", *used) < 0) {
		*what = NULL;
		err = nomem();
	}
done:
	if (err) {
		free(*used);
		free(*what);
		*used = *what = NULL;
	}
	git_object_free(o);
	git_object_free(c);
	free(ref);
	free(tried);
	free(mangled);
	free(upv);
	return err;
}

/*
 * baredebian+tarball: the upstream commit is the orig tarball's import
 * commit (as import-dsc makes it); with orig-COMP tarballs too, a commit
 * combining them, whose parents they are, as dgit makes it.  imported:
 * an import of the origs with HEAD's debian/ (no patch_parent), whose
 * "unpatched" commit has the tarball commits as parents.
 */
static const struct dgit_error *
tarball_upstream(struct qf *q, git_oid *out,
    const struct dgit_import_result *imported)
{
	const struct dgit_error *err = NULL;
	git_commit *c = NULL, *p = NULL, *orig = NULL;
	git_tree *ut = NULL, *upt = NULL, *ot = NULL;
	git_treebuilder *tb = NULL;
	const git_tree_entry *od;
	git_oid tid;
	char *msg = NULL, *upv = NULL;
	size_t n, walked = 0;
	const git_commit **parents = NULL;

	if (git_commit_lookup(&c, q->repo, &imported->commit) != 0)
		return dgit_error_git("cannot read the origs' import");
	/* back over the patch commits to the unpatched one */
	while (strstr(git_commit_message(c), "\n[dgit import unpatched ") ==
	    NULL) {
		if (git_commit_parentcount(c) != 1 ||
		    walked++ > imported->npatches + 2) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "cannot find the "
			    "orig tarballs' commits in their import");
			goto done;
		}
		if (git_commit_parent(&p, c, 0) != 0) {
			err = dgit_error_git("cannot read the origs' import");
			goto done;
		}
		git_commit_free(c);
		c = p;
		p = NULL;
	}
	n = git_commit_parentcount(c);
	if (n == 0 || git_commit_parent(&orig, c, 0) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "cannot find the orig "
		    "tarballs' commits in their import");
		goto done;
	}
	if (n == 1) {
		git_oid_cpy(out, git_commit_id(orig));
		goto done;
	}
	/* the combined origs: the unpatched tree, with the main orig's own
	 * debian/ (if it has one) instead of HEAD's */
	if ((parents = calloc(n, sizeof *parents)) == NULL) {
		err = nomem();
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if ((parents[i] = NULL, git_commit_parent((git_commit **)
		    &parents[i], c, (unsigned)i)) != 0) {
			err = dgit_error_git("cannot read the origs' import");
			goto done;
		}
	if (git_commit_tree(&ut, c) != 0 || git_commit_tree(&ot, orig) != 0 ||
	    git_treebuilder_new(&tb, q->repo, ut) != 0) {
		err = dgit_error_git("cannot read the origs' import");
		goto done;
	}
	if (git_treebuilder_get(tb, "debian"))
		git_treebuilder_remove(tb, "debian");
	if ((od = git_tree_entry_byname(ot, "debian")) != NULL &&
	    git_treebuilder_insert(NULL, tb, "debian", git_tree_entry_id(od),
	    git_tree_entry_filemode(od)) != 0) {
		err = dgit_error_git("cannot build a tree");
		goto done;
	}
	if (git_treebuilder_write(&tid, tb) != 0 ||
	    git_tree_lookup(&upt, q->repo, &tid) != 0) {
		err = dgit_error_git("cannot write a tree");
		goto done;
	}
	if ((err = dgit_version_upstream(&upv, q->version)))
		goto done;
	if (asprintf(&msg, "Combine orig tarballs for %s %s\n\n[dgit import "
	    "tarballs combine %s %s]\n", q->source, upv, q->source, upv) < 0) {
		msg = NULL;
		err = nomem();
		goto done;
	}
	if (git_commit_create(out, q->repo, NULL, git_commit_author(orig),
	    git_commit_author(orig), NULL, msg, upt, n, parents) != 0)
		err = dgit_error_git("cannot make the combined origs' commit");
done:
	if (parents)
		for (size_t i = 0; i < n; i++)
			git_commit_free((git_commit *)parents[i]);
	free(parents);
	free(msg);
	free(upv);
	git_treebuilder_free(tb);
	git_tree_free(upt);
	git_tree_free(ut);
	git_tree_free(ot);
	git_commit_free(orig);
	git_commit_free(p);
	git_commit_free(c);
	return err;
}

/*
 * The dgit view of the baredebian modes: HEAD has debian/ alone; the
 * view is a merge of HEAD and the upstream commit (upstream files from
 * upstream, debian/ from HEAD, identity from the changelog, as dgit
 * makes it), then one commit per patch as gbp pq import makes them.
 * The upstream commit's files must be the origs'.
 */
static const struct dgit_error *
bare_view(struct qf *q, struct dgit_quiltfix_result *out,
    const git_oid *deb)
{
	const struct dgit_error *err = NULL;
	enum dgit_quilt_mode mode = q->opts->mode;
	const char *mname = dgit_quiltfix_mode_name(mode);
	struct dgit_import_opts io;
	struct dgit_import_result r;
	struct dgit_treecmp *c = NULL;
	git_commit *up = NULL;
	git_tree *upt = NULL, *mt = NULL, *base = NULL;
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_oid upid, mtid, merge;
	char *used = NULL, *what = NULL, *msg = NULL, *upv = NULL;
	char *desc = NULL;
	const git_commit *parents[2];

	memset(&io, 0, sizeof io);
	io.level = -1;
	io.threads = -1;
	io.tmpfile = q->opts->tmpfile;
	io.tmpfile_arg = q->opts->tmpfile_arg;
	io.no_checksums = 1;
	dgit_origcache_hook(q->oc, &io);
	io.debian_tree = deb;
	out->split = 1;
	say(q, "examining quilt state (%s mode)", mname);
	if (mode == DGIT_QUILT_BAREDEBIAN_TARBALL) {
		if (q->opts->upstream_commitish) {
			err = dgit_error_fmt(DGIT_ERR_USAGE, "--upstream-"
			    "commitish only makes sense with "
			    "--quilt=baredebian (baredebian+tarball takes "
			    "upstream from the orig tarballs)");
			goto done;
		}
		if ((err = dgit_import_dsc(&r, q->repo, &q->dsc,
		    q->opts->origs_dir ? q->opts->origs_dir : "..", &io))) {
			err = dgit_error_wrap(err, "the patches in "
			    "debian/patches do not apply to the origs");
			goto done;
		}
		if ((err = tarball_upstream(q, &upid, &r)))
			goto done;
		if ((used = strdup("*orig*")) == NULL ||
		    (what = strdup("")) == NULL) {
			err = nomem();
			goto done;
		}
	} else {
		if ((err = resolve_upstream(q, &upid, &used, &what)))
			goto done;
		say(q, "--quilt=%s, %s", mname, what);
	}
	/* upstream's files, HEAD's debian/ */
	if (git_commit_lookup(&up, q->repo, &upid) != 0 ||
	    git_commit_tree(&upt, up) != 0 ||
	    git_treebuilder_new(&tb, q->repo, upt) != 0) {
		err = dgit_error_git("cannot read the upstream commit");
		goto done;
	}
	if (git_treebuilder_get(tb, "debian"))
		git_treebuilder_remove(tb, "debian");
	if (git_treebuilder_insert(NULL, tb, "debian", deb,
	    GIT_FILEMODE_TREE) != 0 || git_treebuilder_write(&mtid, tb) != 0 ||
	    git_tree_lookup(&mt, q->repo, &mtid) != 0) {
		err = dgit_error_git("cannot write the merge's tree");
		goto done;
	}
	if ((err = dgit_version_upstream(&upv, q->version)) ||
	    (err = dgit_history_commit_clog(NULL, &sig, q->repo,
	    git_commit_id(q->head))))
		goto done;
	if (asprintf(&msg, "Combine debian/ with upstream source for %s\n\n"
	    "%s%s[dgit (%s) baredebian-merge %s %s]\n", upv, what,
	    *what ? "\n\n" : "\n", q->opts->dgit_version ?
	    q->opts->dgit_version : "C", q->version, used) < 0) {
		msg = NULL;
		err = nomem();
		goto done;
	}
	parents[0] = q->head;
	parents[1] = up;
	if (git_commit_create(&merge, q->repo, NULL, sig, sig, NULL, msg, mt,
	    2, parents) != 0) {
		err = dgit_error_git("cannot make the baredebian merge");
		goto done;
	}
	/* the patches on top, and the origs to compare upstream with */
	io.patch_parent = &merge;
	if ((err = dgit_import_dsc(&r, q->repo, &q->dsc, q->opts->origs_dir ?
	    q->opts->origs_dir : "..", &io))) {
		err = dgit_error_wrap(err, "the patches in debian/patches do "
		    "not apply to the origs");
		goto done;
	}
	if (git_tree_lookup(&base, q->repo, &r.unpatched) != 0) {
		err = dgit_error_git("cannot read the imported origs");
		goto done;
	}
	if (!same_upstream(base, upt)) {
		err = dgit_treecmp_trees(&c, q->repo, &r.unpatched,
		    git_tree_id(upt), "debian", 0);
		if (err == NULL)
			desc = dgit_treecmp_describe(c, "the origs",
			    "the upstream commit");
		if (err == NULL)
			err = dgit_error_fmt(DGIT_ERR_PATCH, "--quilt=%s: the "
			    "upstream commit %s (%s) differs from the orig "
			    "tarballs:\n%sgive the commit the origs were made "
			    "from (--upstream-commitish), or use "
			    "--quilt=baredebian+tarball", mname, hex_of(&upid),
			    used, desc ? desc : "");
		goto done;
	}
	git_oid_cpy(&out->commit, &r.commit);
	git_oid_cpy(&out->tree, &r.tree);
	out->npatches = r.npatches;
	out->needed = 1;
	say(q, "dgit view: upstream %s and debian/ merged, %zu patch%s "
	    "applied in commits beside HEAD", used, r.npatches,
	    r.npatches == 1 ? "" : "es");
done:
	free(desc);
	dgit_treecmp_free(c);
	git_tree_free(base);
	git_signature_free(sig);
	free(msg);
	free(upv);
	free(used);
	free(what);
	git_treebuilder_free(tb);
	git_tree_free(mt);
	git_tree_free(upt);
	git_commit_free(up);
	return err;
}

/* ---- the split-view cache -------------------------------------------- */

#define CACHE_REF "refs/dgit-intern/quilt-cache"
#define CACHE_MAX 1000             /* reflog entries kept */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The cache key, as dgit makes it ("dgit VERSION UPSTREAM MODE HEAD
 * COMMITISH|- ..."), ending with the SHA-256 of the origs' names,
 * sizes and SHA-256s instead of dgit's hash of its fake .dsc and its
 * own sources.
 */
static const struct dgit_error *
cache_key(struct qf *q, char **out)
{
	const struct dgit_error *err = NULL;
	const char *dir = q->opts->origs_dir ? q->opts->origs_dir : "..";
	struct dgit_hash h = DGIT_HASH_INIT;
	char **lines = NULL, *upv = NULL, *path = NULL;
	char hex[DGIT_SHA256_HEXLEN + 1], all[DGIT_SHA256_HEXLEN + 1];
	size_t n = 0;
	uint64_t size;

	*out = NULL;
	if ((lines = calloc(q->dsc.nfiles + 1, sizeof *lines)) == NULL)
		return nomem();
	for (; n < q->dsc.nfiles; n++) {
		free(path);
		if (asprintf(&path, "%s/%s", dir, q->dsc.files[n].name) < 0) {
			path = NULL;
			err = nomem();
			goto done;
		}
		if ((err = dgit_hash_file(hex, &size, DGIT_HASH_SHA256, path)))
			goto done;
		if (asprintf(&lines[n], "%s %llu %s\n", q->dsc.files[n].name,
		    (unsigned long long)size, hex) < 0) {
			lines[n] = NULL;
			err = nomem();
			goto done;
		}
	}
	qsort(lines, n, sizeof *lines, cmp_str);
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA256)))
		goto done;
	for (size_t i = 0; i < n; i++)
		dgit_hash_update(&h, lines[i], strlen(lines[i]));
	dgit_hash_final_hex(&h, all);
	if ((err = dgit_version_upstream(&upv, q->version)))
		goto done;
	if (asprintf(out, "dgit %s %s %s %s %s %s", q->opts->dgit_version ?
	    q->opts->dgit_version : "C", upv,
	    dgit_quiltfix_mode_name(q->opts->mode),
	    hex_of(git_commit_id(q->head)), q->opts->upstream_commitish ?
	    q->opts->upstream_commitish : "-", all) < 0) {
		*out = NULL;
		err = nomem();
	}
done:
	dgit_hash_release(&h);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(path);
	free(upv);
	return err;
}

/* The newest reflog entry of the cache whose message is key: *found. */
static const struct dgit_error *
cache_lookup(int *found, git_oid *out, git_repository *repo,
    const char *key)
{
	git_reflog *log = NULL;
	git_commit *c = NULL;
	size_t n;

	*found = 0;
	if (git_reflog_read(&log, repo, CACHE_REF) != 0)
		return NULL;       /* no cache: a miss */
	n = git_reflog_entrycount(log);
	for (size_t i = 0; i < n; i++) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);
		const char *m = git_reflog_entry_message(e);

		if (m == NULL || strcmp(m, key) != 0)
			continue;
		/* a pruned object is a miss, not an error */
		if (git_commit_lookup(&c, repo, git_reflog_entry_id_new(e)) == 0) {
			git_oid_cpy(out, git_commit_id(c));
			*found = 1;
			git_commit_free(c);
		}
		break;
	}
	git_reflog_free(log);
	return NULL;
}

/* Record id under key: the ref set to it, an entry in its reflog. */
static const struct dgit_error *
cache_write(git_repository *repo, const char *key, const git_oid *id)
{
	const struct dgit_error *err = NULL;
	git_reflog *log = NULL;
	git_reference *ref = NULL;
	git_signature *sig = NULL;
	git_oid old;
	int same;

	if (git_reference_ensure_log(repo, CACHE_REF) != 0)
		return dgit_error_git("cannot record the split-view cache '%s'",
		    CACHE_REF);
	same = git_reference_name_to_id(&old, repo, CACHE_REF) == 0 &&
	    git_oid_equal(&old, id);
	if (!same) {
		if (git_reference_create(&ref, repo, CACHE_REF, id, 1,
		    key) != 0)
			err = dgit_error_git("cannot update '%s'", CACHE_REF);
		git_reference_free(ref);
		if (err)
			return err;
	}
	if (git_reflog_read(&log, repo, CACHE_REF) != 0)
		return dgit_error_git("cannot read the reflog of '%s'",
		    CACHE_REF);
	if (same) {
		/* the ref does not move: the entry is added by hand */
		if (dgit_commit_ident(&sig, repo, 1) != NULL &&
		    git_signature_now(&sig, "dgit", "dgit@example.com") != 0)
			err = dgit_error_git("cannot make a reflog entry");
		else if (git_reflog_append(log, id, sig, key) != 0)
			err = dgit_error_git("cannot add to the reflog of '%s'",
			    CACHE_REF);
	}
	while (err == NULL && git_reflog_entrycount(log) > CACHE_MAX)
		if (git_reflog_drop(log, git_reflog_entrycount(log) - 1, 1) != 0)
			err = dgit_error_git("cannot trim the reflog of '%s'",
			    CACHE_REF);
	if (err == NULL && git_reflog_write(log) != 0)
		err = dgit_error_git("cannot write the reflog of '%s'",
		    CACHE_REF);
	git_signature_free(sig);
	git_reflog_free(log);
	return err;
}

/* cache_write with interruptions held off while its lock files exist. */
static const struct dgit_error *
cache_insert(git_repository *repo, const char *key, const git_oid *id,
    const struct dgit_quiltfix_opts *opts)
{
	const struct dgit_error *err;

	if (opts->hold)
		opts->hold(opts->hold_arg, 1);
	err = cache_write(repo, key, id);
	if (opts->hold)
		opts->hold(opts->hold_arg, 0);
	return err;
}

/*
 * --quilt=linear on a git-debrebase branch: git-debrebase make-patches
 * first, as dgit does (dgit_gdr.h); what it commits becomes the HEAD
 * the fixup works on, and the result.
 */
static const struct dgit_error *
gdr_first(struct qf *q, struct dgit_quiltfix_result *out, git_oid *deb)
{
	const struct dgit_error *err;
	git_oid now;
	git_commit *c = NULL;
	git_tree *t = NULL;
	int yes;

	if ((err = dgit_gdr_branch_is_gdr(&yes, q->repo,
	    git_commit_id(q->head), q->opts->trace, q->opts->trace_arg)) ||
	    !yes)
		return err;
	say(q, "branch is git-debrebase's: running git-debrebase "
	    "make-patches");
	if ((err = dgit_gdr_make_patches(&now, q->repo, git_commit_id(q->head),
	    q->opts->git_debrebase)))
		return err;
	if (git_oid_equal(&now, git_commit_id(q->head)))
		return NULL;
	if (git_commit_lookup(&c, q->repo, &now) != 0 ||
	    git_commit_tree(&t, c) != 0) {
		git_commit_free(c);
		return dgit_error_git("cannot read commit %s", hex_of(&now));
	}
	git_commit_free(q->head);
	git_tree_free(q->head_tree);
	q->head = c;
	q->head_tree = t;
	git_oid_cpy(&out->commit, &now);
	git_oid_cpy(&out->tree, git_tree_id(t));
	out->needed = 1;
	return debian_of(deb, q->head_tree);
}

/*
 * debian/source/options says single-debian-patch: dpkg-source makes the
 * one patch, as dgit has it do (dgit_singlepatch.h); *done 1 then.
 */
static const struct dgit_error *
single_debian_patch(int *done, struct qf *q, struct dgit_quiltfix_result *out,
    enum dgit_quilt_mode mode)
{
	const struct dgit_error *err;
	struct dgit_singlepatch_opts so;
	const char **names = NULL;
	char *opts = NULL;
	size_t olen;
	git_oid tree_id;

	*done = 0;
	if ((err = read_blob(&opts, &olen, q->repo, q->head_tree,
	    "debian/source/options", META_MAX)))
		return err;
	if (!dgit_singlepatch_wanted(opts)) {
		free(opts);
		return NULL;
	}
	free(opts);
	*done = 1;
	if (mode >= DGIT_QUILT_GBP)
		return dgit_error_fmt(DGIT_ERR_USAGE, "quilt mode %s does not "
		    "make sense (or is not supported) with "
		    "single-debian-patch", dgit_quiltfix_mode_name(mode));
	say(q, "starting quiltify (single-debian-patch)");
	if ((names = calloc(q->dsc.nfiles + 1, sizeof *names)) == NULL)
		return nomem();
	for (size_t i = 0; i < q->dsc.nfiles; i++)
		names[i] = q->dsc.files[i].name;
	memset(&so, 0, sizeof so);
	so.source = q->source;
	so.version = q->version;
	so.origs_dir = q->opts->origs_dir ? q->opts->origs_dir : "..";
	so.origs = names;
	so.norigs = q->dsc.nfiles;
	err = dgit_singlepatch_tree(&tree_id, q->repo, git_tree_id(q->head_tree),
	    &so);
	free(names);
	if (err || git_oid_equal(&tree_id, git_tree_id(q->head_tree)))
		return err;
	if ((err = make_commit(q, &out->commit, &tree_id)))
		return err;
	git_oid_cpy(&out->tree, &tree_id);
	out->needed = 1;
	out->npatches = 1;
	return NULL;
}

/*
 * A committed .pc (quilt's own records) goes, in a commit of its own on
 * HEAD, as dgit removes it ("Tree already contains .pc - will delete
 * it."); the fixup then works from that commit.
 */
static const struct dgit_error *
delete_pc(struct qf *q, struct dgit_quiltfix_result *out)
{
	const struct dgit_error *err = NULL;
	git_treebuilder *tb = NULL;
	git_signature *author = NULL, *sig = NULL;
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_oid tid, cid;
	char *msg = NULL;
	const git_commit *parents[1] = { q->head };

	if (git_tree_entry_byname(q->head_tree, ".pc") == NULL)
		return NULL;
	say(q, "Tree already contains .pc - will delete it.");
	if (git_treebuilder_new(&tb, q->repo, q->head_tree) != 0 ||
	    git_treebuilder_remove(tb, ".pc") != 0 ||
	    git_treebuilder_write(&tid, tb) != 0 ||
	    git_tree_lookup(&t, q->repo, &tid) != 0) {
		err = dgit_error_git("cannot write a tree without .pc");
		goto done;
	}
	if ((err = user_sigs(q, &author, &sig, "the commit removing .pc")))
		goto done;
	if (asprintf(&msg, "Commit removal of .pc (quilt series tracking "
	    "data)\n\n[dgit (%s) upgrade quilt-remove-pc]\n",
	    q->opts->dgit_version ? q->opts->dgit_version : "C") < 0) {
		msg = NULL;
		err = nomem();
		goto done;
	}
	if (git_commit_create(&cid, q->repo, NULL, author, sig, NULL, msg, t,
	    1, parents) != 0 || git_commit_lookup(&c, q->repo, &cid) != 0) {
		err = dgit_error_git("cannot make the commit removing .pc");
		goto done;
	}
	git_commit_free(q->head);
	git_tree_free(q->head_tree);
	q->head = c;
	q->head_tree = t;
	c = NULL;
	t = NULL;
	git_oid_cpy(&out->commit, &cid);
	git_oid_cpy(&out->tree, &tid);
	out->needed = 1;
done:
	free(msg);
	git_commit_free(c);
	git_tree_free(t);
	git_signature_free(author);
	git_signature_free(sig);
	git_treebuilder_free(tb);
	return err;
}

const struct dgit_error *
dgit_quiltfix_run(struct dgit_quiltfix_result *out, git_repository *repo,
    const git_oid *head, const struct dgit_quiltfix_opts *opts)
{
	const struct dgit_error *err = NULL;
	struct qf q;
	git_oid deb, tree_id, unpatched;
	int bins_only = 0;
	git_tree *odp = NULL;
	char *fmt = NULL;
	size_t flen;
	enum dgit_quilt_mode mode = opts->mode;
	int nolinear = 0;
	char *key = NULL;

	memset(out, 0, sizeof *out);
	memset(&q, 0, sizeof q);
	q.repo = repo;
	q.opts = opts;
	git_oid_cpy(&out->commit, head);
	/* the tree as git reads it, so that a commit with a malformed header
	 * (which libgit2 refuses) still builds when there is nothing to fix */
	if ((err = dgit_commit_tree_id(&out->tree, repo, head)))
		goto done;
	if (git_tree_lookup(&q.head_tree, repo, &out->tree) != 0) {
		err = dgit_error_git("cannot read the tree of commit %s",
		    hex_of(head));
		goto done;
	}
	if ((err = read_blob(&fmt, &flen, repo, q.head_tree,
	    "debian/source/format", META_MAX)))
		goto done;
	if (!is_quilt(fmt))
		goto done;
	out->quilt = 1;
	if (mode == DGIT_QUILT_NOCHECK)
		goto done;
	if (git_commit_lookup(&q.head, repo, head) != 0) {
		err = dgit_error_git("cannot read commit %s (run git fsck); "
		    "the quilt fixup cannot build on it", hex_of(head));
		goto done;
	}
	if (opts->upstream_commitish && mode != DGIT_QUILT_BAREDEBIAN) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "--upstream-commitish "
		    "only makes sense with --quilt=baredebian");
		goto done;
	}
	q.dsc.format = DGIT_FORMAT_3_0_QUILT;
	q.dsc.format_str = (char *)"3.0 (quilt)";
	if ((err = read_changelog(&q)) || (err = find_origs(&q)) ||
	    (err = read_binaries(&q)) || (err = collect_taken(&q)) ||
	    (err = debian_of(&deb, q.head_tree)) || (err = qf_cache(&q)))
		goto done;
	q.dsc.source = q.source;
	q.dsc.version = q.version;
	if (opts->cache) {
		int found;
		git_commit *vc = NULL;

		if ((err = cache_key(&q, &key)) ||
		    (err = cache_lookup(&found, &out->commit, repo, key)))
			goto done;
		if (found && git_commit_lookup(&vc, repo, &out->commit) == 0) {
			git_oid_cpy(&out->tree, git_commit_tree_id(vc));
			git_commit_free(vc);
			out->split = mode >= DGIT_QUILT_GBP;
			out->needed = !git_oid_equal(&out->commit, head);
			out->cached = 1;
			say(&q, "dgit view: found cached (%s)",
			    hex_of(&out->commit));
			goto done;
		}
		git_oid_cpy(&out->commit, head);
	}
	{
		int done;

		if ((err = single_debian_patch(&done, &q, out, mode)) || done)
			goto done;
	}
	if (mode == DGIT_QUILT_GBP || mode == DGIT_QUILT_UNAPPLIED ||
	    mode == DGIT_QUILT_DPM) {
		err = split_view(&q, out, &deb);
		goto done;
	}
	if (mode == DGIT_QUILT_BAREDEBIAN ||
	    mode == DGIT_QUILT_BAREDEBIAN_TARBALL) {
		err = bare_view(&q, out, &deb);
		goto done;
	}
	if (mode == DGIT_QUILT_LINEAR && (err = gdr_first(&q, out, &deb)))
		goto done;
	if ((err = delete_pc(&q, out)))
		goto done;
	say(&q, "examining quilt state (%s mode)",
	    dgit_quiltfix_mode_name(mode));
	if ((err = applied_trees(&q, &q.odp, &unpatched, &deb)) != NULL) {
		err = dgit_error_wrap(err, "the patches in debian/patches do "
		    "not apply to the origs");
		goto done;
	}
	if (git_tree_lookup(&odp, repo, &q.odp) != 0) {
		err = dgit_error_git("cannot read the patches-applied tree");
		goto done;
	}
	if (same_upstream(odp, q.head_tree)) {
		say(&q, "quilt fixup not needed");
		goto done;
	}
	if ((err = only_binaries(&bins_only, &q)))
		goto done;
	if (bins_only) {
		/* they go into the debian tarball, as dpkg-source -b does */
		say(&q, "quilt fixup not needed (HEAD differs only in "
		    "binaries listed in debian/source/include-binaries)");
		goto done;
	}
	if ((err = check_representable(&q, &unpatched)))
		goto done;
	git_oid_cpy(&q.unpatched, &unpatched);
	q.have_unpatched = 1;
	if (mode == DGIT_QUILT_NOFIX) {
		struct dgit_treecmp *c = NULL;
		char *desc = NULL;

		err = dgit_treecmp_trees(&c, repo, &q.odp,
		    git_tree_id(q.head_tree), "debian", 0);
		if (err == NULL)
			desc = dgit_treecmp_describe(c, "the patched origs",
			    "HEAD");
		if (err == NULL)
			err = dgit_error_fmt(DGIT_ERR_DIRTY, "debian/patches "
			    "does not represent HEAD's changes to upstream "
			    "files (--quilt=nofix):\n%sfix the patches, or "
			    "use another --quilt mode", desc ? desc : "");
		free(desc);
		dgit_treecmp_free(c);
		goto done;
	}
	if (mode == DGIT_QUILT_LINEAR || mode == DGIT_QUILT_TRY_LINEAR ||
	    mode == DGIT_QUILT_AUTO) {
		err = linear(&q, &nolinear);
		if (err && nolinear && mode != DGIT_QUILT_LINEAR) {
			say(&q, "quilt fixup cannot be linear (%s), smashing",
			    err->msg);
			err = NULL;
			out->smashed = 1;
			mode = DGIT_QUILT_SMASH;
		}
		if (err)
			goto done;
	}
	if (mode == DGIT_QUILT_SMASH || mode == DGIT_QUILT_SINGLE)
		if ((err = squashed(&q, mode == DGIT_QUILT_SINGLE)))
			goto done;
	if (q.npatches == 0 && mode != DGIT_QUILT_SINGLE) {
		/* upstream differs only where no patch can say it */
		struct dgit_treecmp *c = NULL;
		char *desc = NULL;

		err = dgit_treecmp_trees(&c, repo, &q.odp,
		    git_tree_id(q.head_tree), "debian", 0);
		if (err == NULL)
			desc = dgit_treecmp_describe(c, "the patched origs",
			    "HEAD");
		if (err == NULL && c->total && !(c->n == c->total &&
		    is_binary_listed(&q, c->entries[0].path)))
			err = dgit_error_fmt(DGIT_ERR_PATCH, "HEAD differs from "
			    "the patched origs, but no commit since the base "
			    "makes the difference:\n%s", desc ? desc : "");
		free(desc);
		dgit_treecmp_free(c);
		goto done;
	}
	if ((err = write_tree(&q, &tree_id, mode == DGIT_QUILT_SINGLE)) ||
	    (err = verify(&q, &tree_id)) ||
	    (err = make_commit(&q, &out->commit, &tree_id)))
		goto done;
	git_oid_cpy(&out->tree, &tree_id);
	out->needed = 1;
	out->npatches = q.npatches;
done:
	if (err == NULL && key && !out->cached)
		err = cache_insert(repo, key, &out->commit, opts);
	free(key);
	git_tree_free(odp);
	free(fmt);
	qf_release(&q);
	return err;
}

const struct dgit_error *
dgit_quiltfix_unapplied_tree(git_oid *out, git_repository *repo,
    const git_oid *head, const struct dgit_quiltfix_opts *opts)
{
	const struct dgit_error *err = NULL;
	struct dgit_import_opts io;
	struct dgit_import_result r;
	struct qf q;
	git_oid deb;

	memset(out, 0, sizeof *out);
	memset(&q, 0, sizeof q);
	q.repo = repo;
	q.opts = opts;
	if (git_commit_lookup(&q.head, repo, head) != 0 ||
	    git_commit_tree(&q.head_tree, q.head) != 0) {
		err = dgit_error_git("cannot read commit %s", hex_of(head));
		goto done;
	}
	/* as Perl dgit's fake .dsc: the origs, as 3.0 (quilt) */
	q.dsc.format = DGIT_FORMAT_3_0_QUILT;
	q.dsc.format_str = (char *)"3.0 (quilt)";
	if ((err = read_changelog(&q)) || (err = find_origs(&q)) ||
	    (err = debian_of(&deb, q.head_tree)) || (err = qf_cache(&q)))
		goto done;
	q.dsc.source = q.source;
	q.dsc.version = q.version;
	memset(&io, 0, sizeof io);
	io.level = -1;
	io.threads = -1;
	io.tmpfile = opts->tmpfile;
	io.tmpfile_arg = opts->tmpfile_arg;
	io.no_checksums = 1;
	dgit_origcache_hook(q.oc, &io);
	io.debian_tree = &deb;
	if ((err = dgit_import_dsc(&r, repo, &q.dsc, opts->origs_dir ?
	    opts->origs_dir : "..", &io)) == NULL)
		git_oid_cpy(out, &r.unpatched);
done:
	qf_release(&q);
	return err;
}

const struct dgit_error *
dgit_quiltfix_update_head(git_repository *repo, const git_oid *old,
    const git_oid *new_commit, const char *reflog)
{
	const struct dgit_error *err = NULL;
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_tree *nt = NULL, *ot = NULL;
	git_oid ntid, otid;
	git_reference *head = NULL, *target = NULL, *nref = NULL;

	if ((err = dgit_commit_tree_id(&ntid, repo, new_commit)) ||
	    (err = dgit_commit_tree_id(&otid, repo, old)))
		return dgit_error_wrap(err, "cannot read the new commit");
	if (git_tree_lookup(&nt, repo, &ntid) != 0 ||
	    git_tree_lookup(&ot, repo, &otid) != 0) {
		err = dgit_error_git("cannot read the new commit's tree");
		goto done;
	}
	if (git_reference_lookup(&head, repo, "HEAD") != 0) {
		err = dgit_error_git("cannot read HEAD");
		goto done;
	}
	if (git_reference_resolve(&target, head) != 0 ||
	    !git_oid_equal(git_reference_target(target), old)) {
		err = dgit_error_fmt(DGIT_ERR_EXISTS, "HEAD moved while the "
		    "quilt fixup ran; run it again");
		goto done;
	}
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.baseline = ot;
	if (git_checkout_tree(repo, (git_object *)nt, &co) != 0) {
		err = dgit_error_git("cannot check out the quilt fixup commit");
		goto done;
	}
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		if (git_reference_create_matching(&nref, repo,
		    git_reference_name(target), new_commit, 1, old,
		    reflog) != 0)
			err = dgit_error_git("cannot update '%s'",
			    git_reference_name(target));
	} else if (git_repository_set_head_detached(repo, new_commit) != 0) {
		err = dgit_error_git("cannot update HEAD");
	}
done:
	git_reference_free(nref);
	git_reference_free(target);
	git_reference_free(head);
	git_tree_free(ot);
	git_tree_free(nt);
	return err;
}
