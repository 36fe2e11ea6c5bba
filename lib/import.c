/*
 * The import engine (see dgit_import.h).  What dpkg-source -x does, step
 * by step (Dpkg::Source::Package V1, V2/V3 quilt, V3 native), is
 * reproduced on the in-memory tree: tarballs streamed once into blobs,
 * placement rules on the tree model, patches applied to the touched files
 * only, every object into one pack.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "dgit_buf.h"
#include "dgit_changelog.h"
#include "dgit_deb822.h"
#include "dgit_fs.h"
#include "dgit_import.h"
#include "dgit_pack.h"
#include "dgit_patch.h"
#include "dgit_quilt.h"
#include "dgit_hash.h"
#include "dgit_tree.h"
#include "dgit_unpack.h"
#include "dgit_version.h"

#define DIFF_MAX ((size_t)1 << 30)        /* a .diff.gz over 1 GiB is junk */
#define META_MAX ((size_t)64 << 20)       /* changelog, control, a patch */
/*
 * A patched file up to this size is read whole and patched in memory
 * (old, new and a line table: about 16 bytes a line, so at most some
 * 100 MiB for a file of empty lines); a larger one is streamed from the
 * pack through the patch into the pack (dgit_patch_apply_stream) in
 * memory that does not grow with it.
 */
#define PATCH_IN_MEMORY_MAX ((uint64_t)8 << 20)
#define LOCAL_TZ INT_MIN                  /* sb_ident: the local zone */

/* One debian/changelog entry: what the commits need from it. */
struct clog_entry {
	const char *source, *version;
	const char *name, *email;
	long long when;            /* seconds since the epoch, UTC; -1: none */
};

struct imp {
	git_repository *repo;
	const struct dgit_dsc *dsc;
	const char *dir;
	const struct dgit_import_opts *opts;
	struct dgit_pack *pack;
	struct dgit_tree *tree;    /* the package tree being built */
	git_oid unpatched;         /* 3.0 (quilt): before the patches */
	struct dgit_changelog *cl; /* debian/changelog */
	struct clog_entry *clog;   /* its entries, newest first */
	size_t nclog;
	char *clog_text;           /* the first entry as written */
	size_t orig_entry;         /* oldest entry with this upstream version */
	char *maint_name, *maint_email;
	size_t npatches;
	/* origs unpacked, for opts->orig_record once the pack is in */
	char **orig_paths;
	git_oid *orig_trees;
	size_t norigs;
	/* dgit_import_dsc_arriving: the files arrive as the import runs;
	 * queued[i] once dsc->files[i] is given to the checker */
	const struct dgit_import_arrival *arr;
	unsigned char *queued;
	struct checker *ck;        /* NULL: no digests are checked */
};

/*
 * The .dsc's digests of its files, checked on a thread of their own
 * while the import reads the files, so that hashing every file three
 * times over is not waited for before the first byte is unpacked.  The
 * import's pack is finished, and so anything made visible, only after
 * check_join has said every file is the one the .dsc names; an import
 * that fails otherwise is still told of a bad file (check_join), as its
 * cause.  Without a thread (pthread_create failing) each file is
 * checked when it is queued.
 */
struct checker {
	struct imp *im;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int started, closed, joined;
	size_t *q, nq, next;       /* indexes into dsc->files */
	enum dgit_error_code code; /* the first failure, DGIT_ERR_OK: none */
	char msg[1024];
};

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

static void
info(struct imp *im, const char *verb, const char *arg)
{
	char msg[1024];

	if (im->opts == NULL || im->opts->info == NULL)
		return;
	snprintf(msg, sizeof msg, "%s %s", verb, arg);
	im->opts->info(im->opts->info_arg, msg);
}

/* ---- debian/changelog ------------------------------------------------ */

/*
 * The entries of debian/changelog as the commits use them (strings
 * borrowed from im->cl).  Only the first entry must be complete; later
 * ones matter only for the orig tarballs' identity, and an entry there
 * that cannot be read (old formats, bad trailers) ends that search.
 */
static const struct dgit_error *
load_changelog(struct imp *im, const char *buf, size_t len)
{
	const struct dgit_error *err;
	const struct dgit_changelog_entry *e;
	size_t n, line = 1;
	const char *p = buf, *start = NULL, *te = NULL;

	/* read as dpkg-parsechangelog reads it; what the commits take
	 * from the first entry is checked here, as Perl dgit checks it */
	err = dgit_changelog_parse_flags(&im->cl, buf, len,
	    "debian/changelog", DGIT_CHANGELOG_LENIENT);
	if (err)
		return err;
	n = dgit_changelog_nentries(im->cl);
	e = dgit_changelog_entry(im->cl, 0);
	if (!e->has_trailer)
		/* the first warning is the line that is not a trailer */
		return dgit_error_fmt(DGIT_ERR_PARSE, "'debian/changelog': the "
		    "first entry (%s) has no maintainer and no date: %s",
		    e->version, dgit_changelog_nwarnings(im->cl) ?
		    dgit_changelog_warning(im->cl, 0) : "it has no trailer "
		    "line ' -- NAME <EMAIL>  DATE'");
	{
		int64_t ts;
		int tz;

		/* Perl dgit reads it with date(1): a day the month does
		 * not have is refused there too */
		if (dgit_changelog_parse_date(&ts, &tz, e->date,
		    "debian/changelog") != NULL)
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "'debian/changelog': the date of the first entry "
			    "(%s), '%s', is not a date", e->version, e->date);
	}
	if ((im->clog = calloc(n, sizeof *im->clog)) == NULL)
		return nomem();
	for (size_t i = 0; i < n; i++) {
		struct clog_entry *c = &im->clog[i];
		int64_t ts;
		int tz;

		e = dgit_changelog_entry(im->cl, i);
		c->source = e->package;
		c->version = e->version;
		c->name = e->maintainer_name;
		c->email = e->maintainer_email;
		c->when = e->timestamp;
		/* a date dpkg only warns about counts as none */
		if (!e->has_trailer || e->date == NULL ||
		    dgit_changelog_parse_date(&ts, &tz, e->date, "") != NULL ||
		    ts < 0)
			c->when = -1;
		im->nclog++;
	}
	/* the first entry's text as written: its header line up to its
	 * trailer, less trailing blank lines */
	e = dgit_changelog_entry(im->cl, 0);
	while (p < buf + len && (start == NULL || te == NULL)) {
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));

		if (line == e->line)
			start = p;
		if (line == e->trailer_line)
			te = p;
		p = nl ? nl + 1 : buf + len;
		line++;
	}
	if (start == NULL || te == NULL || te < start)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'debian/changelog': "
		    "cannot find the first entry");
	while (te > start && (te[-1] == '\n' || te[-1] == ' ' ||
	    te[-1] == '\t'))
		te--;
	if ((im->clog_text = strndup(start, (size_t)(te - start))) == NULL)
		return nomem();
	return NULL;
}

/* Does the .dsc name an orig tarball (or a component)? */
static int
has_orig(const struct imp *im)
{
	for (size_t i = 0; i < im->dsc->nfiles; i++)
		if (im->dsc->files[i].kind == DGIT_DSC_ORIG ||
		    im->dsc->files[i].kind == DGIT_DSC_ORIG_COMPONENT)
			return 1;
	return 0;
}

/* ---- reading from the tree ------------------------------------------- */

static const struct dgit_error *
read_tree_file(struct imp *im, char **data, size_t *len, const char *path,
    int required)
{
	const struct dgit_error *err;
	unsigned mode;
	git_oid oid;
	git_object_t type;
	void *d;

	*data = NULL;
	*len = 0;
	if ((err = dgit_tree_get(im->tree, path, &mode, &oid)) != NULL)
		return err;
	if (mode == 0)
		return required ? dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "the package has no '%s'", path) : NULL;
	if (mode != DGIT_TREE_BLOB && mode != DGIT_TREE_EXEC)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' in the package is "
		    "not a regular file", path);
	if ((err = dgit_pack_read(im->pack, &d, len, &type, &oid)) != NULL)
		return err;
	if (*len > META_MAX) {
		free(d);
		return dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' is too big", path);
	}
	*data = d;
	return NULL;
}

static const struct dgit_error *
read_metadata(struct imp *im)
{
	const struct dgit_error *err;
	struct dgit_deb822_para **paras = NULL;
	size_t np = 0, len;
	char *buf = NULL, *up = NULL;

	err = read_tree_file(im, &buf, &len, "debian/changelog", 1);
	if (err)
		goto done;
	err = load_changelog(im, buf, len);
	if (err)
		goto done;
	free(buf);
	buf = NULL;
	im->orig_entry = 0;
	if (dgit_version_upstream(&up, im->clog[0].version) != NULL)
		up = NULL;         /* then the first entry is the orig's */
	for (size_t i = 1; up && i < im->nclog; i++) {
		char *u = NULL;
		int same;

		/* Perl dgit compares each version it walks past (when
		 * there is an orig) and stops at an invalid one */
		if (has_orig(im) && dgit_version_check(im->clog[i].version)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE, "'debian/changelog'"
			    ": entry %zu (line %zu) has no valid version "
			    "('%s'), and the orig's upload is searched through "
			    "it; fix the changelog", i + 1,
			    dgit_changelog_entry(im->cl, i)->line,
			    im->clog[i].version);
			goto done;
		}
		same = im->clog[i].version && dgit_version_upstream(&u,
		    im->clog[i].version) == NULL && strcmp(u, up) == 0;

		free(u);
		if (!same || im->clog[i].when < 0)
			break;
		im->orig_entry = i;
	}

	/* The default author of a patch: debian/control's Maintainer. */
	err = read_tree_file(im, &buf, &len, "debian/control", 0);
	if (err == NULL && buf && dgit_deb822_parse(&paras, &np, buf, len,
	    "debian/control") == NULL && np > 0) {
		const char *m = dgit_deb822_get(paras[0], "Maintainer");

		if (m && dgit_quilt_parse_author(&im->maint_name,
		    &im->maint_email, m, strlen(m)) != NULL)
			err = nomem();
	}
	if (err && err->code == DGIT_ERR_NOMEM)
		goto done;
	err = NULL;
	if (im->maint_name == NULL) {
		im->maint_name = strdup(im->clog[0].name);
		im->maint_email = strdup(im->clog[0].email);
		if (im->maint_name == NULL || im->maint_email == NULL)
			err = nomem();
	}
done:
	if (paras)
		dgit_deb822_paras_free(paras, np);
	free(up);
	free(buf);
	return err;
}

/* ---- commits --------------------------------------------------------- */

/*
 * The zone Perl dgit writes with a changelog date: it runs
 * `date +'%s %z' -d DATE`, which prints the local zone (TZ) at that
 * instant, whatever zone the changelog wrote.
 */
static int
local_tz_minutes(long long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}

/* Append "Name <email> WHEN ZONE" with characters git forbids there
 * removed; tz is in minutes, LOCAL_TZ for the local zone.  As Perl dgit does, a name with unquoted commas ("Ian Jackson,
 * SPQR") loses them: git wants a single author. */
static int
sb_ident(struct dgit_buf *b, const char *name, const char *email,
    long long when, int tz)
{
	char tail[64];
	int nocomma = strpbrk(name, "\"@") == NULL;

	for (const char *s = name; *s; s++)
		if (*s != '<' && *s != '>' && *s != '\n' &&
		    !(nocomma && *s == ',') && dgit_buf_add(b, s, 1))
			return -1;
	if (dgit_buf_adds(b, " <"))
		return -1;
	for (const char *s = email; *s; s++)
		if (*s != '<' && *s != '>' && *s != '\n' && dgit_buf_add(b, s, 1))
			return -1;
	if (tz == LOCAL_TZ)
		tz = local_tz_minutes(when);
	snprintf(tail, sizeof tail, "> %lld %c%02d%02d\n", when,
	    tz < 0 ? '-' : '+', abs(tz) / 60, abs(tz) % 60);
	return dgit_buf_adds(b, tail) ? -1 : 0;
}

static const struct dgit_error *
make_commit(struct imp *im, git_oid *out, const git_oid *tree,
    const git_oid *parents, size_t np, const struct clog_entry *author,
    const char *aname, const char *aemail, long long awhen, int atz,
    const char *msg)
{
	const struct dgit_error *err = NULL;
	const struct clog_entry *c = author ? author : &im->clog[0];
	struct dgit_buf b = DGIT_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof hex, tree);
	if (dgit_buf_adds(&b, "tree ") || dgit_buf_adds(&b, hex) || dgit_buf_adds(&b, "\n"))
		goto oom;
	for (size_t i = 0; i < np; i++) {
		git_oid_tostr(hex, sizeof hex, &parents[i]);
		if (dgit_buf_adds(&b, "parent ") || dgit_buf_adds(&b, hex) ||
		    dgit_buf_adds(&b, "\n"))
			goto oom;
	}
	if (dgit_buf_adds(&b, "author ") ||
	    sb_ident(&b, aname ? aname : c->name, aemail ? aemail : c->email,
	    awhen >= 0 ? awhen : c->when, awhen >= 0 ? atz : LOCAL_TZ) ||
	    dgit_buf_adds(&b, "committer ") ||
	    sb_ident(&b, c->name, c->email, c->when, LOCAL_TZ) ||
	    dgit_buf_adds(&b, "\n") || dgit_buf_adds(&b, msg))
		goto oom;
	err = dgit_pack_write(im->pack, out, GIT_OBJECT_COMMIT, b.ptr, b.len);
	dgit_buf_release(&b);
	return err;
oom:
	dgit_buf_release(&b);
	return nomem();
}

/* "TEXT\n\n[dgit import KIND SOURCE VERSION]\n" from the newest entry. */
static char *
clog_message(struct imp *im, const char *kind)
{
	struct dgit_buf b = DGIT_BUF_INIT;

	if (dgit_buf_adds(&b, im->clog_text) || dgit_buf_adds(&b, "\n\n[dgit import ") ||
	    dgit_buf_adds(&b, kind) || dgit_buf_adds(&b, " ") ||
	    dgit_buf_adds(&b, im->dsc->source) || dgit_buf_adds(&b, " ") ||
	    dgit_buf_adds(&b, im->dsc->version) || dgit_buf_adds(&b, "]\n")) {
		dgit_buf_release(&b);
		return NULL;
	}
	return dgit_buf_detach(&b, NULL);
}

/* ---- unpacking ------------------------------------------------------- */

static char *
file_path(struct imp *im, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", im->dir, name) < 0)
		return NULL;
	return p;
}

static const struct dgit_error *check_one(struct imp *im, size_t i);

static void
check_fail(struct checker *c, const struct dgit_error *err)
{
	pthread_mutex_lock(&c->mu);
	if (c->code == DGIT_ERR_OK) {
		c->code = err->code == DGIT_ERR_OK ? DGIT_ERR_CHECKSUM :
		    err->code;
		snprintf(c->msg, sizeof c->msg, "%s", err->msg);
	}
	pthread_mutex_unlock(&c->mu);
}

static void *
check_main(void *arg)
{
	struct checker *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		const struct dgit_error *err;
		size_t i;

		while (c->next == c->nq && !c->closed)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->next == c->nq)
			break;
		i = c->q[c->next++];
		if (c->code != DGIT_ERR_OK)
			continue;  /* one failure is enough */
		pthread_mutex_unlock(&c->mu);
		if ((err = check_one(c->im, i)))
			check_fail(c, err);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static const struct dgit_error *
check_start(struct checker *c, struct imp *im)
{
	memset(c, 0, sizeof *c);
	c->im = im;
	if ((c->q = calloc(im->dsc->nfiles + 1, sizeof *c->q)) == NULL)
		return nomem();
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->started = pthread_create(&c->th, NULL, check_main, c) == 0;
	im->ck = c;
	return NULL;
}

/* Check dsc->files[i] (each at most once: the caller keeps count). */
static void
check_queue(struct checker *c, size_t i)
{
	const struct dgit_error *err;

	if (!c->started) {
		if (c->code == DGIT_ERR_OK && (err = check_one(c->im, i)))
			check_fail(c, err);
		return;
	}
	pthread_mutex_lock(&c->mu);
	if (c->nq < c->im->dsc->nfiles)
		c->q[c->nq++] = i;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Wait for every queued check: the first failure, as an error of this
 * thread's.  Once joined, it says the same again. */
static const struct dgit_error *
check_join(struct checker *c)
{
	if (c->started && !c->joined) {
		pthread_mutex_lock(&c->mu);
		c->closed = 1;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->th, NULL);
	}
	c->joined = 1;
	if (c->code == DGIT_ERR_OK)
		return NULL;
	return dgit_error_fmt(c->code, "%s", c->msg);
}

static void
check_free(struct checker *c)
{
	(void)check_join(c);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c->q);
}

/*
 * With arriving files: wait for the .dsc's file name before it is read.
 * Whole (*fd -1): its digests are queued for the checker now.  Streamed
 * (fd not NULL, *fd the stream): once it is whole (finish_arrivals).
 * Either way they are checked before anything is made visible.
 * Without: nothing to do.
 */
static const struct dgit_error *
arrive(struct imp *im, const char *name, int *fd)
{
	const struct dgit_error *err;
	size_t i;
	int sfd = -1;

	if (fd)
		*fd = -1;
	if (im->arr == NULL)
		return NULL;
	for (i = 0; i < im->dsc->nfiles; i++)
		if (strcmp(im->dsc->files[i].name, name) == 0)
			break;
	if (i == im->dsc->nfiles)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is not a file of "
		    "the .dsc", name);
	if ((err = im->arr->wait(im->arr->arg, name, fd ? &sfd : NULL)))
		return err;
	if (sfd >= 0) {
		*fd = sfd;
		return NULL;
	}
	if (!im->queued[i]) {
		im->queued[i] = 1;
		check_queue(im->ck, i);
	}
	return NULL;
}

/* All files whole and verified, the streamed ones checked too. */
static const struct dgit_error *
finish_arrivals(struct imp *im)
{
	const struct dgit_error *err;

	if (im->ck == NULL)
		return NULL;
	if (im->arr) {
		if ((err = im->arr->wait(im->arr->arg, NULL, NULL)))
			return err;
		for (size_t i = 0; i < im->dsc->nfiles; i++)
			if (!im->queued[i]) {
				im->queued[i] = 1;
				check_queue(im->ck, i);
			}
	}
	return check_join(im->ck);
}

/*
 * Unpack one tarball into a new tree, written, and (strip) with
 * dpkg-source's single-directory rule applied.
 */
static const struct dgit_error *
unpack_one(struct imp *im, struct dgit_tree **out, const char *name,
    int fixperms, int exclude_pc, int strip)
{
	const struct dgit_error *err;
	struct dgit_unpack_opts uo;
	struct dgit_tree *t = NULL;
	char *path = file_path(im, name);
	int fd = -1;

	*out = NULL;
	if (path == NULL)
		return nomem();
	if (im->opts)
		uo = im->opts->unpack;
	else
		memset(&uo, 0, sizeof uo);
	uo.fixperms = fixperms;
	uo.exclude_pc = exclude_pc;
	if ((err = arrive(im, name, &fd)) != NULL) {
		free(path);
		return err;
	}
	uo.from_fd = fd >= 0;
	uo.fd = fd;
	info(im, "unpacking", name);
	err = dgit_tree_new(&t);
	if (err == NULL)
		err = dgit_unpack_tarball(t, im->pack, path, name, &uo);
	if (err == NULL && strip)
		dgit_tree_strip_single(t, NULL);
	if (fd >= 0)
		close(fd);
	free(path);
	if (err) {
		dgit_tree_free(t);
		return err;
	}
	*out = t;
	return NULL;
}

/*
 * An orig tarball as unpack_one(..., 1, 0, 1) makes it, and *tree its
 * written tree: from opts->orig_lookup's tree when it has the file's,
 * else unpacked (and remembered for opts->orig_record).
 */
static const struct dgit_error *
unpack_orig(struct imp *im, struct dgit_tree **out, git_oid *tree,
    const char *name)
{
	const struct dgit_error *err;
	const struct dgit_import_opts *o = im->opts;
	const struct dgit_dsc_file *f = NULL;
	struct dgit_tree *t = NULL;
	char *path = NULL;
	char **np;
	git_oid *nt;

	*out = NULL;
	if (o == NULL || o->orig_lookup == NULL) {
		if ((err = unpack_one(im, out, name, 1, 0, 1)) ||
		    (err = dgit_tree_write(tree, *out, im->pack))) {
			dgit_tree_free(*out);
			*out = NULL;
		}
		return err;
	}
	if ((path = file_path(im, name)) == NULL)
		return nomem();
	/* the cache is keyed by the file's digest: it must be whole */
	if ((err = arrive(im, name, NULL)) != NULL)
		goto done;
	/* the .dsc's SHA-256, when the checker will hold the file to it */
	for (size_t i = 0; im->ck && i < im->dsc->nfiles; i++)
		if (strcmp(im->dsc->files[i].name, name) == 0 &&
		    im->dsc->files[i].sha256[0])
			f = &im->dsc->files[i];
	if (o->orig_lookup(o->orig_arg, tree, path, f ? f->sha256 : NULL,
	    f ? f->size : 0)) {
		info(im, "reusing the unpacked", name);
		if ((err = dgit_tree_new(&t)) ||
		    (err = dgit_tree_add_git(t, "", im->repo, tree)))
			goto done;
		goto keep;
	}
	if ((err = unpack_one(im, &t, name, 1, 0, 1)) ||
	    (err = dgit_tree_write(tree, t, im->pack)))
		goto done;
	if (o->orig_record && dgit_tree_is_git(t)) {
		np = realloc(im->orig_paths, (im->norigs + 1) * sizeof *np);
		if (np)
			im->orig_paths = np;
		nt = realloc(im->orig_trees, (im->norigs + 1) * sizeof *nt);
		if (nt)
			im->orig_trees = nt;
		if (np == NULL || nt == NULL) {
			err = nomem();
			goto done;
		}
		git_oid_cpy(&im->orig_trees[im->norigs], tree);
		im->orig_paths[im->norigs++] = path;
		path = NULL;
	}
keep:
	*out = t;
	t = NULL;
done:
	dgit_tree_free(t);
	free(path);
	return err;
}

/* What dpkg-source does after any extraction (Dpkg::Source::Package
 * extract): debian/source/format for non-1.0, debian/rules executable. */
static const struct dgit_error *
post_extract(struct imp *im)
{
	const struct dgit_error *err;
	unsigned mode;
	git_oid oid;

	if (im->dsc->format != DGIT_FORMAT_1_0) {
		const char *f = im->dsc->format == DGIT_FORMAT_3_0_QUILT ?
		    "3.0 (quilt)\n" : "3.0 (native)\n";

		/* "-e": a dangling symlink there does not count */
		err = dgit_tree_get(im->tree, "debian/source/format", &mode,
		    NULL);
		if (err)
			return err;
		if (mode == 0) {
			err = dgit_pack_write(im->pack, &oid, GIT_OBJECT_BLOB, f,
			    strlen(f));
			if (err == NULL)
				err = dgit_tree_set(im->tree,
				    "debian/source/format", DGIT_TREE_BLOB,
				    &oid, 0);
			if (err)
				return err;
		}
	}
	err = dgit_tree_get(im->tree, "debian/rules", &mode, &oid);
	if (err)
		return err;
	if (mode == DGIT_TREE_BLOB)
		err = dgit_tree_set(im->tree, "debian/rules", DGIT_TREE_EXEC,
		    &oid, 0);
	if (err == NULL)
		err = dgit_tree_remove(im->tree, ".pc");
	if (err == NULL)
		err = dgit_unpack_check_escapes(im->tree, im->pack, "debian");
	return err;
}

/* ---- patches --------------------------------------------------------- */

static const struct dgit_error *
check_patch_path(const char *path, const char *what)
{
	const struct dgit_error *err = dgit_tree_check_path(path);

	if (err)
		return dgit_error_wrap(err, "'%s'", what);
	if (dgit_tree_dotgit_offset(path) >= 0)
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s' writes into "
		    "the '.git' entry '%s', which git cannot hold", what, path);
	return NULL;
}

/*
 * The mode a file has after GNU patch applies a git diff's "new mode"
 * (0 when absent) to a file of mode smode (0 when new), or 0 when patch
 * refuses the change.  patch ignores a mode without a file type ("755");
 * it refuses to change an existing file's type ("can't change file type
 * from 0100000 to 0120000"); of a regular file's permissions git keeps
 * only the owner's execute bit, so 0104755 is executable and 0100654 is
 * not.
 */
static unsigned
patched_mode(unsigned new_mode, unsigned smode)
{
	unsigned stype = smode == DGIT_TREE_LINK ? 0120000u : 0100000u;
	unsigned ntype = new_mode & 0170000u;

	if (smode != 0 && ntype != 0 && ntype != stype)
		return 0;
	if (ntype == 0100000u)
		return new_mode & 0100 ? DGIT_TREE_EXEC : DGIT_TREE_BLOB;
	if (ntype == 0120000u)
		return DGIT_TREE_LINK;
	if (smode == DGIT_TREE_BLOB || smode == DGIT_TREE_EXEC ||
	    smode == DGIT_TREE_LINK)
		return smode;
	return DGIT_TREE_BLOB;
}

/*
 * The old content of a patched file: whole in *old when small, else
 * left open in *rd for streaming.  *size either way.
 */
static const struct dgit_error *
read_old(struct imp *im, void **old, size_t *oldlen,
    struct dgit_pack_reader **rd, uint64_t *size, const git_oid *oid)
{
	const struct dgit_error *err;
	struct dgit_pack_reader *r = NULL;
	git_object_t type;
	char *b = NULL;
	size_t have = 0;

	*old = NULL;
	*oldlen = 0;
	*rd = NULL;
	if ((err = dgit_pack_reader_new(&r, &type, size, im->pack, oid)))
		return err;
	if (*size > PATCH_IN_MEMORY_MAX) {
		*rd = r;
		return NULL;
	}
	if ((b = malloc((size_t)*size + 1)) == NULL) {
		err = nomem();
		goto done;
	}
	while (have < *size) {
		size_t got;

		if ((err = dgit_pack_reader_read(r, b + have,
		    (size_t)*size - have, &got)))
			goto done;
		if (got == 0) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "an object is "
			    "shorter than its size");
			goto done;
		}
		have += got;
	}
	b[have] = '\0';
	*old = b;
	*oldlen = have;
	b = NULL;
done:
	free(b);
	dgit_pack_reader_free(r);
	return err;
}

static const struct dgit_error *
rd_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	return dgit_pack_reader_read(ctx, buf, cap, got);
}

static const struct dgit_error *
rd_rewind(void *ctx)
{
	return dgit_pack_reader_rewind(ctx);
}

static const struct dgit_error *
st_write(void *ctx, const void *buf, size_t len)
{
	return dgit_pack_stream_write(ctx, buf, len);
}

/* Where a result that must be empty (or a DELETE's) goes. */
static const struct dgit_error *
null_write(void *ctx, const void *buf, size_t len)
{
	return NULL;
}

/*
 * Patch the large file rd holds into the pack: *noid gets the new blob
 * unless *remove says the file goes.
 */
static const struct dgit_error *
apply_streamed(struct imp *im, git_oid *noid, int *remove,
    const struct dgit_patch_file *pf, struct dgit_pack_reader *rd,
    uint64_t size, int quilt, const char *what)
{
	const struct dgit_error *err;
	uint64_t nlen = dgit_patch_new_length(pf, size);
	struct dgit_pack_stream *st = NULL;
	struct dgit_patch_io io = { rd_read, rd_rewind, rd, null_write, NULL,
	    0, 0 };

	if (nlen > 0 && pf->op != DGIT_PATCH_DELETE) {
		if ((err = dgit_pack_stream_new(&st, im->pack, GIT_OBJECT_BLOB,
		    nlen)))
			return err;
		io.write = st_write;
		io.write_ctx = st;
	}
	err = dgit_patch_apply_stream(remove, pf, &io, size,
	    quilt ? 0 : DGIT_PATCH_KEEP_EMPTY, what);
	if (err == NULL && !*remove)
		err = st ? dgit_pack_stream_finish(st, noid) :
		    dgit_pack_write(im->pack, noid, GIT_OBJECT_BLOB, "", 0);
	dgit_pack_stream_free(st);
	return err;
}

static const struct dgit_error *
apply_file(struct imp *im, const struct dgit_patch_file *pf, int quilt,
    const char *what)
{
	const struct dgit_error *err = NULL;
	const char *src = NULL, *dst = NULL;
	unsigned smode = 0, dmode = 0, mode;
	git_oid soid, noid;
	void *old = NULL;
	size_t oldlen = 0, outlen = 0;
	char *out = NULL;
	int remove = 0, streamed = 0;
	struct dgit_pack_reader *rd = NULL;
	uint64_t size = 0;

	if ((pf->old_path && (err = check_patch_path(pf->old_path, what))) ||
	    (pf->new_path && (err = check_patch_path(pf->new_path, what))))
		return err;
	switch (pf->op) {
	case DGIT_PATCH_CREATE:
		dst = pf->new_path;
		break;
	case DGIT_PATCH_DELETE:
		src = dst = pf->old_path;
		break;
	case DGIT_PATCH_RENAME:
	case DGIT_PATCH_COPY:
		src = pf->old_path;
		dst = pf->new_path;
		break;
	case DGIT_PATCH_MODIFY: {
		unsigned om = 0, nm = 0;

		if (pf->old_path &&
		    (err = dgit_tree_get(im->tree, pf->old_path, &om, NULL)))
			return dgit_error_wrap(err, "'%s'", what);
		if (pf->new_path &&
		    (err = dgit_tree_get(im->tree, pf->new_path, &nm, NULL)))
			return dgit_error_wrap(err, "'%s'", what);
		src = dst = dgit_patch_file_target(pf,
		    om != 0 && om != DGIT_TREE_DIR,
		    nm != 0 && nm != DGIT_TREE_DIR);
		break;
	}
	}
	if (dst == NULL)
		return dgit_error_fmt(DGIT_ERR_PATCH, "'%s': a file diff names "
		    "no file", what);

	if (src) {
		if ((err = dgit_tree_get(im->tree, src, &smode, &soid)))
			return dgit_error_wrap(err, "'%s'", what);
		if (smode == DGIT_TREE_DIR)
			return dgit_error_fmt(DGIT_ERR_PATCH, "'%s' (line %zu): "
			    "'%s' is a directory", what, pf->line, src);
		if (smode == 0 && pf->op != DGIT_PATCH_MODIFY)
			return dgit_error_fmt(DGIT_ERR_PATCH, "'%s' (line %zu): "
			    "cannot find '%s' to patch", what, pf->line, src);
		/* dpkg-source refuses any ---/+++ naming a symlink ("modifies
		 * file through a symlink"), retargeting one included; a
		 * hunkless rename of one it lets patch do, and patch does it
		 * when a mode line says symlink: "old mode 120000", or only
		 * "new mode 120000" (without either: "not a regular file").
		 * The target is not changed, only where the link is */
		if (smode == DGIT_TREE_LINK && (pf->nhunks > 0 ||
		    (pf->old_mode != DGIT_TREE_LINK &&
		    !(pf->old_mode == 0 && pf->new_mode == DGIT_TREE_LINK))))
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': "
			    "refusing to patch '%s', which is a symlink", what,
			    src);
		/* a MODIFY of a missing file: patch(1) creates it when the
		 * hunks apply to an empty file ("@@ -0,0 ...") */
		if (smode != 0 && (err = read_old(im, &old, &oldlen, &rd,
		    &size, &soid)) != NULL)
			return err;
	} else {
		if ((err = dgit_tree_get(im->tree, dst, &dmode, &soid)))
			return dgit_error_wrap(err, "'%s'", what);
		if (dmode == DGIT_TREE_DIR)
			return dgit_error_fmt(DGIT_ERR_PATCH, "'%s': cannot "
			    "create '%s', a directory is there", what, dst);
		if (dmode == DGIT_TREE_LINK)
			return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': "
			    "refusing to write '%s', which is a symlink",
			    what, dst);
		if (dmode != 0) {
			err = read_old(im, &old, &oldlen, &rd, &size, &soid);
			if (err)
				return err;
			smode = dmode;
		}
	}

	if (rd != NULL) {
		streamed = 1;
		err = apply_streamed(im, &noid, &remove, pf, rd, size, quilt,
		    what);
	} else
		err = dgit_patch_apply_file_ex(&out, &outlen, &remove, pf,
		    old, oldlen, quilt ? 0 : DGIT_PATCH_KEEP_EMPTY, what);
	if (err && src && smode == 0) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "'%s' (line %zu): cannot "
		    "find '%s' to patch", what, pf->line, src);
		goto done;
	}
	if (err)
		goto done;

	if ((mode = patched_mode(pf->new_mode, smode)) == 0) {
		err = dgit_error_fmt(DGIT_ERR_PATCH, "'%s' (line %zu): cannot "
		    "change the file type of '%s' from %06o to %06o, as patch "
		    "cannot", what, pf->line, dst, smode == DGIT_TREE_LINK ?
		    0120000u : 0100000u, pf->new_mode & 0170000u);
		goto done;
	}
	if (remove) {
		err = dgit_tree_remove(im->tree, dst);
	} else {
		if (!streamed)
			err = dgit_pack_write(im->pack, &noid, GIT_OBJECT_BLOB,
			    out, outlen);
		if (err == NULL)
			err = dgit_tree_set(im->tree, dst, mode, &noid, 0);
		if (err)
			err = dgit_error_wrap(err, "'%s'", what);
	}
	if (err == NULL && pf->op == DGIT_PATCH_RENAME && src &&
	    strcmp(src, dst) != 0)
		err = dgit_tree_remove(im->tree, src);
done:
	dgit_pack_reader_free(rd);
	free(out);
	free(old);
	return err;
}

/* Apply a whole patch (diff text) to the tree. */
static const struct dgit_error *
apply_patch(struct imp *im, const char *buf, size_t len, const char *what,
    int quilt)
{
	const struct dgit_error *err;
	struct dgit_patch *p = NULL;

	err = dgit_patch_parse(&p, buf, len, 1, what);
	if (err)
		return err;
	for (size_t i = 0; i < dgit_patch_nfiles(p) && err == NULL; i++) {
		const struct dgit_patch_file *pf = dgit_patch_file(p, i);

		/* dpkg-source's warning for what GNU patch reads leniently */
		if (pf->short_tail && im->opts->unpack.warn) {
			char msg[512];

			snprintf(msg, sizeof msg, "unexpected end of diff "
			    "'%s'", what);
			im->opts->unpack.warn(im->opts->unpack.warn_arg, msg);
		}
		err = apply_file(im, pf, quilt, what);
	}
	dgit_patch_free(p);
	return err;
}

static int
series_exists(const char *path, void *ctx)
{
	struct imp *im = ctx;
	unsigned mode;

	return dgit_tree_get(im->tree, path, &mode, NULL) == NULL &&
	    mode != 0;
}

static const struct dgit_error *
apply_series(struct imp *im, git_oid *head)
{
	const struct dgit_error *err = NULL;
	struct dgit_quilt_series *s = NULL;
	char pathbuf[256], *buf = NULL;
	const char *spath;
	size_t len;
	int symlink = 0;

	spath = dgit_quilt_series_path(pathbuf, sizeof pathbuf, &symlink,
	    "debian", series_exists, im);
	if (spath == NULL || !series_exists(spath, im))
		return NULL;
	if (symlink) {
		/* dpkg-source -x makes series a symlink to the vendor file */
		const char *target = strrchr(spath, '/') + 1;
		git_oid loid;

		if ((err = dgit_pack_write(im->pack, &loid, GIT_OBJECT_BLOB,
		    target, strlen(target))) != NULL ||
		    (err = dgit_tree_set(im->tree, "debian/patches/series",
		    DGIT_TREE_LINK, &loid, 0)) != NULL)
			return err;
	}
	if ((err = read_tree_file(im, &buf, &len, spath, 1)) != NULL)
		return err;
	err = dgit_quilt_series_parse(&s, buf, len, spath);
	free(buf);
	buf = NULL;
	if (err)
		return err;
	for (size_t i = 0; i < s->n && err == NULL; i++) {
		struct dgit_quilt_header h;
		char *ppath = NULL, *msg = NULL;
		git_oid tree, commit;

		memset(&h, 0, sizeof h);
		if (asprintf(&ppath, "debian/patches/%s",
		    s->patches[i].name) < 0) {
			err = nomem();
			break;
		}
		info(im, "applying", s->patches[i].name);
		err = read_tree_file(im, &buf, &len, ppath, 1);
		if (err == NULL)
			err = dgit_quilt_header_parse(&h, buf, len, ppath);
		if (err == NULL)
			err = apply_patch(im, buf, len, ppath, 1);
		if (err == NULL)
			err = dgit_tree_write(&tree, im->tree, im->pack);
		if (err == NULL)
			err = dgit_quilt_commit_message(&msg, &h,
			    s->patches[i].name);
		if (err == NULL) {
			long long when;
			int tz;

			/* the header's date, with its zone, when it is a
			 * full one (gbp pq takes a Date: field; a bare
			 * Last-Update day is not used), else the
			 * changelog's; a patch without an author gets
			 * debian/control's Maintainer and the changelog's
			 * date, whatever its Date says (gbp pq) */
			if (h.author_name == NULL || h.date == NULL ||
			    dgit_quilt_date_parse(&when, &tz, h.date) != NULL)
				when = -1, tz = 0;
			err = make_commit(im, &commit, &tree, head, 1, NULL,
			    h.author_name ? h.author_name : im->maint_name,
			    h.author_name ? (h.author_email ? h.author_email :
			    "") : im->maint_email, when, tz, msg);
		}
		if (err == NULL) {
			git_oid_cpy(head, &commit);
			im->npatches++;
		}
		dgit_quilt_header_release(&h);
		free(msg);
		free(ppath);
		free(buf);
		buf = NULL;
	}
	dgit_quilt_series_free(s);
	return err;
}

/* ---- checks ---------------------------------------------------------- */

/*
 * dsc->files[i] is a regular file of its size whose every digest the
 * .dsc lists (Checksums-Sha256, Checksums-Sha1, Files' MD5) matches, as
 * dpkg-source checks them; all in one read of the file.  Runs on the
 * checker's thread: it reads im->dsc and im->dir only.
 */
static const struct dgit_error *
check_one(struct imp *im, size_t i)
{
	const struct dgit_error *err = NULL;
	const struct dgit_dsc_file *f = &im->dsc->files[i];
	char hex[DGIT_HASH_MULTI_MAX][DGIT_HASH_MAXHEXLEN + 1];
	enum dgit_hash_algo algos[DGIT_HASH_MULTI_MAX];
	const char *want[DGIT_HASH_MULTI_MAX];
	const char *names[DGIT_HASH_MULTI_MAX];
	size_t n = 0;
	char *path;
	uint64_t size;
	int fd = -1;

	if (f->kind == DGIT_DSC_DSC)
		return NULL;
	if (f->sha256[0]) {
		algos[n] = DGIT_HASH_SHA256;
		want[n] = f->sha256;
		names[n++] = "sha256";
	}
	if (f->sha1[0]) {
		algos[n] = DGIT_HASH_SHA1;
		want[n] = f->sha1;
		names[n++] = "sha1";
	}
	if (f->md5[0]) {
		algos[n] = DGIT_HASH_MD5;
		want[n] = f->md5;
		names[n++] = "md5";
	}
	path = file_path(im, f->name);
	if (path == NULL)
		return nomem();
	/* a fifo or a link to /dev/zero would never end: a regular
	 * file of the size the .dsc says, or nothing is read */
	err = dgit_fs_open_regular(&fd, &size, path, f->name);
	if (err == NULL && size == f->size)
		err = dgit_hash_fd_multi(hex, &size, algos, n, fd, f->name);
	if (err == NULL && size != f->size)
		err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "size mismatch "
		    "for '%s' (the .dsc says %llu bytes, the file has "
		    "%llu); the file is not the one the .dsc names",
		    f->name, (unsigned long long)f->size,
		    (unsigned long long)size);
	for (size_t k = 0; k < n && err == NULL; k++)
		if (strcasecmp(hex[k], want[k]) != 0)
			err = dgit_error_fmt(DGIT_ERR_CHECKSUM,
			    "checksum mismatch for '%s' (expected %s "
			    "%s, got %s); the file is not the one the "
			    ".dsc names", f->name, names[k], want[k],
			    hex[k]);
	if (fd >= 0)
		close(fd);
	free(path);
	return err;
}

/*
 * Read a whole .diff.gz into memory (capped), as gunzip reads it for
 * dpkg-source: gzip members one after another, zero bytes after the last
 * ignored; anything else (not gzip at all, a truncated member, other
 * bytes after the data) is refused, where zlib's gzread would pass plain
 * text through and drop trailing garbage without a word.
 */
static const struct dgit_error *
read_gz(char **out, size_t *outlen, const char *path, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf b = DGIT_BUF_INIT;
	unsigned char in[65536], obuf[65536];
	z_stream z;
	int fd, zinit = 0, member = 0, eof = 0, inmember = 0, starved = 0;
	ssize_t n;

	*out = NULL;
	*outlen = 0;
	if ((err = dgit_fs_open_regular(&fd, NULL, path, what)) != NULL)
		return err;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		close(fd);
		return nomem();
	}
	zinit = 1;
	for (;;) {
		int r;

		if ((z.avail_in < 2 || starved) && !eof) {
			starved = 0;
			memmove(in, z.next_in ? z.next_in : in, z.avail_in);
			n = read(fd, in + z.avail_in, sizeof in - z.avail_in);
			if (n < 0) {
				err = dgit_error_from_errno("cannot read '%s'",
				    what);
				goto done;
			}
			z.next_in = in;
			z.avail_in += (uInt)n;
			eof = n == 0;
			continue;
		}
		if (!inmember) {
			/* between members: the end, zero padding, or the
			 * next member's magic */
			if (z.avail_in == 0 && member > 0)
				break;
			if (member > 0 && z.next_in[0] == 0) {
				while (z.avail_in && z.next_in[0] == 0)
					z.next_in++, z.avail_in--;
				if (z.avail_in == 0 && eof)
					break;
				if (z.avail_in == 0)
					continue;
				err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' "
				    "has trailing garbage after its gzip data; "
				    "it is corrupt (gunzip, and so "
				    "dpkg-source, refuses it)", what);
				goto done;
			}
			if (z.avail_in < 2 || z.next_in[0] != 0x1f ||
			    z.next_in[1] != 0x8b) {
				err = dgit_error_fmt(DGIT_ERR_ARCHIVE, member ?
				    "'%s' has trailing garbage after its gzip "
				    "data; it is corrupt (gunzip, and so "
				    "dpkg-source, refuses it)" :
				    "'%s' is not in gzip format; a 1.0 source "
				    "package's diff must be gzip-compressed",
				    what);
				goto done;
			}
			if (member > 0 && inflateReset(&z) != Z_OK) {
				err = nomem();
				goto done;
			}
			inmember = 1;
			member++;
		}
		z.next_out = obuf;
		z.avail_out = sizeof obuf;
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
			err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: %s", what, z.msg ? z.msg :
			    "gzip error");
			goto done;
		}
		if (b.len + (sizeof obuf - z.avail_out) > DIFF_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' unpacks to "
			    "more than %zu bytes", what, DIFF_MAX);
			goto done;
		}
		if (dgit_buf_add(&b, obuf, sizeof obuf - z.avail_out)) {
			err = nomem();
			goto done;
		}
		if (r == Z_STREAM_END)
			inmember = 0;
		else if (r == Z_BUF_ERROR && !eof)
			starved = 1;
		else if (r == Z_BUF_ERROR) {
			err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: unexpected end of file", what);
			goto done;
		}
	}
	if ((*out = dgit_buf_detach(&b, outlen)) == NULL)
		err = nomem();
done:
	if (zinit)
		inflateEnd(&z);
	close(fd);
	dgit_buf_release(&b);
	return err;
}

/* ---- the formats ----------------------------------------------------- */

static const struct dgit_dsc_file *
find_kind(const struct dgit_dsc *dsc, enum dgit_dsc_file_kind k)
{
	for (size_t i = 0; i < dsc->nfiles; i++)
		if (dsc->files[i].kind == k)
			return &dsc->files[i];
	return NULL;
}

static char *
import_message(const char *name, const char *trailer)
{
	char *m;

	if (asprintf(&m, "Import %s\n\n[dgit import %s]\n", name, trailer) < 0)
		return NULL;
	return m;
}

static const struct dgit_error *
commit_tarball(struct imp *im, git_oid *out, const git_oid *tree,
    const char *name, const struct clog_entry *who, const char *trailer)
{
	const struct dgit_error *err;
	char *msg = import_message(name, trailer);

	if (msg == NULL)
		return nomem();
	err = make_commit(im, out, tree, NULL, 0, who, NULL, NULL, -1, 0, msg);
	free(msg);
	return err;
}

static const struct dgit_error *
import_native(struct imp *im, git_oid *head)
{
	const struct dgit_error *err;
	const struct dgit_dsc_file *f = find_kind(im->dsc,
	    DGIT_DSC_NATIVE_TAR);
	git_oid tree;
	char *msg = NULL;

	if (f == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "the .dsc names no "
		    "tarball");
	if ((err = unpack_one(im, &im->tree, f->name, 1, 0, 1)) ||
	    (err = read_metadata(im)) || (err = post_extract(im)) ||
	    (err = dgit_tree_write(&tree, im->tree, im->pack)))
		return err;
	msg = clog_message(im, "package");
	if (msg == NULL)
		return nomem();
	err = make_commit(im, head, &tree, NULL, 0, NULL, NULL, NULL, -1, 0, msg);
	free(msg);
	return err;
}

static const struct dgit_error *
import_1_0(struct imp *im, git_oid *head)
{
	const struct dgit_error *err;
	const struct dgit_dsc_file *orig = find_kind(im->dsc, DGIT_DSC_ORIG);
	const struct dgit_dsc_file *diff = find_kind(im->dsc, DGIT_DSC_DIFF);
	git_oid otree, tree, ocommit;
	char *path = NULL, *buf = NULL, *msg = NULL, *trailer = NULL;
	size_t len;

	if (orig == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "the .dsc names no "
		    "orig tarball");
	if ((err = unpack_one(im, &im->tree, orig->name, 1, 0, 1)) ||
	    (err = dgit_tree_write(&otree, im->tree, im->pack)))
		return err;
	if (diff) {
		info(im, "applying", diff->name);
		path = file_path(im, diff->name);
		if (path == NULL)
			return nomem();
		err = arrive(im, diff->name, NULL);
		if (err == NULL)
			err = read_gz(&buf, &len, path, diff->name);
		if (err == NULL)
			err = apply_patch(im, buf, len, diff->name, 0);
		if (err)
			goto done;
	}
	if ((err = read_metadata(im)) || (err = post_extract(im)) ||
	    (err = dgit_tree_write(&tree, im->tree, im->pack)))
		goto done;
	if (asprintf(&trailer, "orig %s", orig->name) < 0) {
		trailer = NULL;
		err = nomem();
		goto done;
	}
	err = commit_tarball(im, &ocommit, &otree, orig->name,
	    &im->clog[im->orig_entry], trailer);
	if (err)
		goto done;
	msg = clog_message(im, "package");
	if (msg == NULL) {
		err = nomem();
		goto done;
	}
	err = make_commit(im, head, &tree, &ocommit, 1, NULL, NULL, NULL, -1, 0,
	    msg);
done:
	free(trailer);
	free(msg);
	free(buf);
	free(path);
	return err;
}

struct tarcommit {
	const struct dgit_dsc_file *f;
	git_oid tree;
};

static const struct dgit_error *
import_quilt(struct imp *im, git_oid *head)
{
	const struct dgit_error *err = NULL;
	const struct dgit_dsc *dsc = im->dsc;
	struct tarcommit *tc = NULL;
	git_oid *parents = NULL, tree, before;
	size_t ntc = 0;
	struct dgit_tree *t = NULL;
	char *msg = NULL, *trailer = NULL, *dname = NULL;
	const struct dgit_dsc_file *deb = find_kind(dsc, DGIT_DSC_DEBIAN_TAR);
	const struct dgit_dsc_file *orig = find_kind(dsc, DGIT_DSC_ORIG);

	const git_oid *deb_tree = im->opts ? im->opts->debian_tree : NULL;

	if (orig == NULL || (deb == NULL && deb_tree == NULL))
		return dgit_error_fmt(DGIT_ERR_PARSE, "a '3.0 (quilt)' .dsc "
		    "needs an orig tarball and a debian tarball");
	tc = calloc(dsc->nfiles + 1, sizeof *tc);
	parents = calloc(dsc->nfiles + 1, sizeof *parents);
	if (tc == NULL || parents == NULL) {
		err = nomem();
		goto done;
	}

	/* main orig, then components in .dsc order, then debian; the
	 * orig's own commit has all of it, as dgit's does, the tree to
	 * patch lacks .pc, as dpkg-source -x leaves it out */
	err = unpack_orig(im, &im->tree, &tc[ntc].tree, orig->name);
	if (err == NULL)
		err = dgit_tree_remove(im->tree, ".pc");
	if (err)
		goto done;
	tc[ntc++].f = orig;
	for (size_t i = 0; i < dsc->nfiles; i++) {
		const struct dgit_dsc_file *f = &dsc->files[i];

		if (f->kind != DGIT_DSC_ORIG_COMPONENT)
			continue;
		if ((err = check_patch_path(f->component, f->name)) != NULL)
			goto done;
		err = unpack_orig(im, &t, &tc[ntc].tree, f->name);
		if (err == NULL)
			err = dgit_tree_remove(im->tree, f->component);
		if (err == NULL) {
			err = dgit_tree_overlay(im->tree, f->component, t);
			t = NULL;
		}
		if (err)
			goto done;
		tc[ntc++].f = f;
	}
	if (deb_tree) {
		/* debian/ from git: replaces the orig's, as the tarball's */
		if ((err = dgit_tree_new(&t)) ||
		    (err = dgit_tree_add_git(t, "", im->repo, deb_tree)) ||
		    (err = dgit_tree_remove(im->tree, "debian")))
			goto done;
		err = dgit_tree_overlay(im->tree, "debian", t);
		t = NULL;
		if (err)
			goto done;
	} else {
		err = unpack_one(im, &t, deb->name, 1, 0, 0);
		if (err)
			goto done;
		dgit_tree_strip_single(t, &dname);
		if ((err = dgit_tree_write(&tc[ntc].tree, t, im->pack)) ||
		    (err = dgit_tree_remove(im->tree, "debian")))
			goto done;
		err = dgit_tree_overlay(im->tree, dname ? dname : "", t);
		t = NULL;
		if (err)
			goto done;
		tc[ntc++].f = deb;
	}

	if ((err = read_metadata(im)) != NULL)
		goto done;
	if (deb_tree && im->opts->patch_parent) {
		git_oid_cpy(head, im->opts->patch_parent);
		ntc = 0;
	}
	for (size_t i = 0; i < ntc; i++) {
		const char *name = tc[i].f->name;
		int is_deb = tc[i].f == deb;

		free(trailer);
		if ((is_deb ? asprintf(&trailer, "tarball %s %s %s",
		    dsc->source, dsc->version, name) :
		    asprintf(&trailer, "orig %s", name)) < 0) {
			trailer = NULL;
			err = nomem();
			goto done;
		}
		err = commit_tarball(im, &parents[i], &tc[i].tree, name,
		    is_deb ? &im->clog[0] : &im->clog[im->orig_entry],
		    trailer);
		if (err)
			goto done;
	}
	if ((err = dgit_tree_write(&tree, im->tree, im->pack)) != NULL)
		goto done;
	git_oid_cpy(&im->unpatched, &tree);
	if (deb_tree && im->opts->patch_parent) {
		/* patches stacked on the given branch commit */
	} else {
		msg = clog_message(im, "unpatched");
		if (msg == NULL) {
			err = nomem();
			goto done;
		}
		err = make_commit(im, head, &tree, parents, ntc, NULL, NULL,
		    NULL, -1, 0, msg);
		if (err)
			goto done;
	}
	if ((err = apply_series(im, head)) != NULL)
		goto done;

	/* dpkg-source's own touches; a commit only when they change
	 * something */
	if ((err = dgit_tree_write(&before, im->tree, im->pack)) ||
	    (err = post_extract(im)) ||
	    (err = dgit_tree_write(&tree, im->tree, im->pack)))
		goto done;
	if (!git_oid_equal(&before, &tree)) {
		free(msg);
		msg = clog_message(im, "patched");
		if (msg == NULL) {
			err = nomem();
			goto done;
		}
		git_oid_cpy(&before, head);
		err = make_commit(im, head, &tree, &before, 1, NULL, NULL,
		    NULL, -1, 0, msg);
	}
done:
	dgit_tree_free(t);
	free(dname);
	free(trailer);
	free(msg);
	free(parents);
	free(tc);
	return err;
}

static const struct dgit_error *
import_dsc(struct dgit_import_result *out, git_repository *repo,
    const struct dgit_dsc *dsc, const char *dir,
    const struct dgit_import_opts *opts,
    const struct dgit_import_arrival *arr)
{
	const struct dgit_error *err = NULL, *cerr;
	struct imp im;
	struct checker ck;
	git_oid head;

	memset(out, 0, sizeof *out);
	memset(&im, 0, sizeof im);
	im.repo = repo;
	im.dsc = dsc;
	im.dir = dir && *dir ? dir : ".";
	im.opts = opts;
	if (opts == NULL || !opts->no_checksums) {
		if (arr && (im.queued = calloc(dsc->nfiles + 1, 1)) == NULL)
			return nomem();
		if ((err = check_start(&ck, &im)) != NULL) {
			free(im.queued);
			return err;
		}
		im.arr = arr;
		/* files on disk: all of them, while the import reads them */
		for (size_t i = 0; arr == NULL && i < dsc->nfiles; i++)
			check_queue(&ck, i);
	}
	if ((err = dgit_pack_new(&im.pack, repo, opts ? opts->level : -1,
	    opts ? opts->threads : -1, opts ? opts->tmpfile : NULL,
	    opts ? opts->tmpfile_arg : NULL)))
		goto done;
	if (dsc->native)
		err = import_native(&im, &head);
	else if (dsc->format == DGIT_FORMAT_1_0)
		err = import_1_0(&im, &head);
	else if (dsc->format == DGIT_FORMAT_3_0_QUILT)
		err = import_quilt(&im, &head);
	else
		err = dgit_error_fmt(DGIT_ERR_NOT_IMPLEMENTED, "format '%s' is "
		    "not supported", dsc->format_str);
	if (err)
		goto done;
	if (im.clog && strcmp(im.clog[0].source, dsc->source) != 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "debian/changelog is for "
		    "'%s', the .dsc for '%s'", im.clog[0].source, dsc->source);
		goto done;
	}
	if (opts && opts->nvendor_checks && dsc->format ==
	    DGIT_FORMAT_3_0_QUILT && (err = dgit_vendorseries_check_model(
	    im.tree, im.pack, opts->vendor_checks, opts->nvendor_checks)))
		goto done;
	git_oid_cpy(&out->import, &head);
	if ((err = dgit_tree_write(&out->tree, im.tree, im.pack)) != NULL)
		goto done;
	git_oid_cpy(&out->commit, &head);
	out->npatches = im.npatches;
	git_oid_cpy(&out->unpatched, &im.unpatched);
	out->nobjects = dgit_pack_count(im.pack);
	/* nothing is made visible before every file is in and verified */
	if ((err = finish_arrivals(&im)) != NULL)
		goto done;
	err = dgit_pack_finish(im.pack);
	for (size_t i = 0; err == NULL && i < im.norigs; i++)
		opts->orig_record(opts->orig_arg, im.orig_paths[i],
		    &im.orig_trees[i]);
done:
	/* a file that is not the .dsc's is the cause of any other failure */
	if (im.ck && (cerr = check_join(im.ck)) != NULL && err != NULL)
		err = cerr;
	if (im.ck)
		check_free(im.ck);
	for (size_t i = 0; i < im.norigs; i++)
		free(im.orig_paths[i]);
	free(im.orig_paths);
	free(im.orig_trees);
	dgit_pack_free(im.pack);
	dgit_tree_free(im.tree);
	free(im.clog);
	free(im.clog_text);
	dgit_changelog_free(im.cl);
	free(im.maint_name);
	free(im.maint_email);
	free(im.queued);
	return err;
}

const struct dgit_error *
dgit_import_dsc(struct dgit_import_result *out, git_repository *repo,
    const struct dgit_dsc *dsc, const char *dir,
    const struct dgit_import_opts *opts)
{
	return import_dsc(out, repo, dsc, dir, opts, NULL);
}

const struct dgit_error *
dgit_import_dsc_arriving(struct dgit_import_result *out,
    git_repository *repo, const struct dgit_dsc *dsc, const char *dir,
    const struct dgit_import_opts *opts,
    const struct dgit_import_arrival *arr)
{
	return import_dsc(out, repo, dsc, dir, opts, arr);
}
