/*
 * dgit fetch's core: archive -> import (or the Dgit: commit) -> the
 * remote tracking ref, with dgit's pseudomerge when history would
 * otherwise not be fast-forward.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_aq.h"
#include "dgit_archive.h"
#include "dgit_changelog.h"
#include "dgit_commit.h"
#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_fetchsuite.h"
#include "dgit_history.h"
#include "dgit_import.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_quiltfix.h"
#include "dgit_repo.h"
#include "dgit_serverfetch.h"
#include "dgit_version.h"

#define CLOG_MAX (64u << 20)

/* A progress line through the caller's callback. */
#define say(o, ...) dgit_msg((o)->info, (o)->info_arg, __VA_ARGS__)

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

/* Remove the files place_files put into dir (placed[i] 1; 3: NAME,fetch). */
static void
unplace_files(const struct dgit_archive_source *src, const char *dir,
    const unsigned char *placed)
{
	char path[4096];

	for (size_t i = 0; placed && i < src->nfiles; i++)
		if (placed[i] == 1 || placed[i] == 3) {
			snprintf(path, sizeof path, "%s/%s%s", dir,
			    src->files[i].name, placed[i] == 3 ? ",fetch" :
			    "");
			unlink(path);
		}
}

/*
 * Put the package's files (all but the .dsc) into dir, as dgit does for
 * builds.  A file already there is kept; when its SHA-256 is not the
 * .dsc's (a build of the same version, say), the archive's goes beside
 * it as NAME,fetch, as dgit saves it (not at all when that name is taken
 * too).  On a failure removes what it placed.  *placed (caller frees)
 * marks with 1 (3: as NAME,fetch) the files this call put there, for
 * unplace_files.
 */
static const struct dgit_error *
place_files(unsigned char **out, const struct dgit_archive_source *src,
    const char *from, const char *dir, const struct dgit_fetchsuite_opts *o)
{
	const struct dgit_error *err = NULL;
	char path[4096], srcpath[4096], hex[DGIT_SHA256_HEXLEN + 1];
	unsigned char *placed;
	struct stat st;
	size_t i;

	*out = NULL;
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
		err = dgit_hash_file(hex, NULL, DGIT_HASH_SHA256, path);
		if (err)
			goto done;
		/* 2: already there and right; 4: there, but another */
		placed[i] = strcmp(hex, f->sha256) == 0 ? 2 : 4;
	}
	for (i = 0; i < src->nfiles; i++) {
		const struct dgit_archive_file *f = &src->files[i];

		if ((placed[i] && placed[i] != 4) ||
		    strcmp(f->name, src->dsc_name) == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s%s", dir, f->name,
		    placed[i] == 4 ? ",fetch" : "");
		if (placed[i] == 4 && lstat(path, &st) == 0)
			continue;
		snprintf(srcpath, sizeof srcpath, "%s/%s", from, f->name);
		err = dgit_fs_link_or_copy(srcpath, path);
		if (err)
			goto done;
		placed[i] = placed[i] == 4 ? 3 : 1;
		if (o->placed)
			o->placed(o->placed_arg, path);
	}
done:
	if (err) {
		unplace_files(src, dir, placed);
		free(placed);
		return err;
	}
	*out = placed;
	return NULL;
}

/* What one suite's fetch holds while it runs. */
struct fetch {
	const struct dgit_fetchsuite_opts *o;
	git_repository *repo;
	struct dgit_fetchsuite_result *out;
	struct dgit_archive_source *src;
	struct dgit_archive_download *dl;
	struct dgit_dsc *dsc;
	char *work;                /* the download directory */
	char *lrref;               /* the tracking ref */
	git_oid tree;              /* the import's tree */
	struct dgit_serverfetch sf; /* what the dgit git server has */
	struct arrivals *arr;      /* the download, running beside the
	                              import */
};

/* The suite's canonical name and the package's entry in it. */
static const struct dgit_error *
fetch_find(struct fetch *f)
{
	const struct dgit_error *err;
	struct dgit_aq_lookup l;

	say(f->o, "fetching %s from %s", f->o->package, f->o->suite);
	if ((err = dgit_aq_lookup(&l, f->o->archive, f->o->suite,
	    f->o->package)))
		return err;
	if (l.skew != NULL)
		say(f->o, "%s", l.skew);
	if (l.prefetched && f->o->import.info)
		f->o->import.info(f->o->import.info_arg, "Sources indexes "
		    "fetched while the Release's signature was checked");
	f->out->csuite = l.csuite;
	l.csuite = NULL;
	if ((err = dgit_history_tracking_ref(&f->lrref, f->out->csuite)))
		;
	else if (l.src == NULL)
		err = dgit_error_cfmt(DGIT_ECLASS_NO_PACKAGE,
		    DGIT_ERR_NOT_FOUND, "%s", l.absent);
	else if ((f->out->version = strdup(l.src->version)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	else {
		f->src = l.src;
		l.src = NULL;
	}
	dgit_aq_lookup_release(&l);
	return err;
}

/*
 * The download runs on a thread of its own while the import reads each
 * file as it arrives (dgit_import_dsc_arriving).  Each file is checked
 * by fetch (size and SHA-256 from the signed Sources) and hard-linked
 * into the ready directory, where the import finds it; the archive's
 * own directory gets them all only once the .dsc's signature is checked
 * too, which the import waits for before its pack is made visible.
 * With DGIT_FETCHSUITE_OVERLAP_STREAM, a large tarball the import needs
 * before it is whole is relayed to it through a socket as it downloads:
 * the relay hashes exactly what it relays and what follows, and the
 * import is refused unless that is the verified file's SHA-256 (and the
 * .dsc's digests of the file match, checked by the import at the end).
 */
#define STREAM_MIN (1u << 20)      /* smaller files are waited for */

/*
 * The caller's callbacks, called one at a time: the download's progress
 * comes from its thread, the messages from the import's.
 */
struct serial {
	pthread_mutex_t mu;
	const struct dgit_fetchsuite_opts *o;  /* the caller's */
};

static void
ser_info(void *arg, const char *msg)
{
	struct serial *z = arg;

	pthread_mutex_lock(&z->mu);
	z->o->info(z->o->info_arg, msg);
	pthread_mutex_unlock(&z->mu);
}

static void
ser_import_info(void *arg, const char *msg)
{
	struct serial *z = arg;

	pthread_mutex_lock(&z->mu);
	z->o->import.info(z->o->import.info_arg, msg);
	pthread_mutex_unlock(&z->mu);
}

static void
ser_warn(void *arg, const char *msg)
{
	struct serial *z = arg;

	pthread_mutex_lock(&z->mu);
	z->o->import.unpack.warn(z->o->import.unpack.warn_arg, msg);
	pthread_mutex_unlock(&z->mu);
}

/* oc: a copy of z->o whose messages go through z. */
static void
ser_wrap(struct dgit_fetchsuite_opts *oc, struct serial *z)
{
	if (oc->info) {
		oc->info = ser_info;
		oc->info_arg = z;
	}
	if (oc->import.info) {
		oc->import.info = ser_import_info;
		oc->import.info_arg = z;
	}
	if (oc->import.unpack.warn) {
		oc->import.unpack.warn = ser_warn;
		oc->import.unpack.warn_arg = z;
	}
}
#define RELAY_BUF (256u << 10)

enum arrival_state { AR_PENDING, AR_WRITING, AR_DONE };

struct arrival {
	const struct dgit_archive_file *file;
	enum arrival_state state;
	int rfd;                   /* the temporary file, read by the relay */
	int streamed;              /* a relay was started */
	struct arrivals *all;
	pthread_t relay;
	int sock;                  /* the relay's end */
	int relay_ok;              /* what was relayed is the verified file */
	char relay_msg[512];
};

struct arrivals {
	struct fetch *f;
	struct serial *serial;     /* the caller's callbacks, one at a time */
	struct dgit_archive_opts ao; /* the caller's, with our callbacks */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct arrival *a;
	size_t n;
	char *ready;               /* the directory the import reads */
	pthread_t th;
	int running, finished, cancel, stream;
	/* the download's outcome, copied out of its thread's error ring */
	struct dgit_archive_download *dl;
	enum dgit_error_code code;
	enum dgit_error_class cls;
	char msg[1024];
};

static void
arr_fail(struct arrivals *d, const struct dgit_error *err)
{
	if (d->code != DGIT_ERR_OK)
		return;
	d->code = err->code;
	d->cls = err->cls;
	snprintf(d->msg, sizeof d->msg, "%s", err->msg);
}

static const struct dgit_error *
arr_error(const struct arrivals *d)
{
	return dgit_error_cfmt(d->cls, d->code, "%s", d->msg);
}

/* fetch's item callback, on the download thread. */
static int
arr_item(void *arg, size_t i, enum dgit_fetch_event ev, const char *path,
    uint64_t got)
{
	struct arrivals *d = arg;
	struct arrival *a;
	const struct dgit_error *err = NULL;
	char dst[4096];
	const char *base;
	int cancel;

	(void)got;
	if (i >= d->n)
		return 0;
	a = &d->a[i];
	if (ev == DGIT_FETCH_WRITTEN) {
		pthread_mutex_lock(&d->mu);
		if (a->state == AR_PENDING) {
			a->rfd = open(path, O_RDONLY | O_CLOEXEC);
			if (a->rfd >= 0)
				a->state = AR_WRITING;
		}
		pthread_cond_broadcast(&d->cv);
		cancel = d->cancel;
		pthread_mutex_unlock(&d->mu);
		return cancel;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strcmp(base, a->file->name) != 0)
		err = dgit_error_fmt(DGIT_ERR_GIT, "downloaded '%s' for '%s'",
		    base, a->file->name);
	else if ((size_t)snprintf(dst, sizeof dst, "%s/%s", d->ready, base) >=
	    sizeof dst)
		err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s': path too long",
		    base);
	else
		err = dgit_fs_link_or_copy(path, dst);
	pthread_mutex_lock(&d->mu);
	if (err)
		arr_fail(d, err);
	else
		a->state = AR_DONE;
	if (!a->streamed && a->rfd >= 0) {
		close(a->rfd);      /* no relay will want it */
		a->rfd = -1;
	}
	pthread_cond_broadcast(&d->cv);
	cancel = d->cancel || err != NULL;
	pthread_mutex_unlock(&d->mu);
	return cancel;
}

/* fetch's progress callback: the caller's, and our cancel. */
static int
arr_progress(const struct dgit_fetch_progress *p, void *arg)
{
	struct arrivals *d = arg;
	int cancel;

	const struct dgit_fetch_opts *fo = &d->serial->o->archive->fetch;

	pthread_mutex_lock(&d->mu);
	cancel = d->cancel;
	pthread_mutex_unlock(&d->mu);
	if (fo->progress) {
		pthread_mutex_lock(&d->serial->mu);
		if (fo->progress(p, fo->progress_arg))
			cancel = 1;
		pthread_mutex_unlock(&d->serial->mu);
	}
	return cancel;
}

static void *
arr_download(void *arg)
{
	struct arrivals *d = arg;
	const struct dgit_error *err;
	struct dgit_archive_download *dl = NULL;

	err = dgit_archive_download_source(&dl, &d->ao, d->f->src,
	    d->f->work);
	pthread_mutex_lock(&d->mu);
	if (err)
		arr_fail(d, err);
	d->dl = dl;
	d->finished = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Send all of buf; 0 when the import has stopped reading. */
static int
send_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		buf += n;
		len -= (size_t)n;
	}
	return 1;
}

/*
 * The relay: the temporary file's bytes, in order, to the import, as
 * they are written; then the rest of the file, hashed only.  Ends when
 * the download has the file whole, or has failed.
 */
static void *
arr_relay(void *arg)
{
	struct arrival *a = arg;
	struct arrivals *d = a->all;
	const struct dgit_error *err;
	struct dgit_hash h;
	char hex[DGIT_SHA256_HEXLEN + 1];
	unsigned char *buf = malloc(RELAY_BUF);
	uint64_t off = 0;
	int connected = 1, whole = 0;

	memset(&h, 0, sizeof h);
	if (buf == NULL || (err = dgit_hash_init(&h, DGIT_HASH_SHA256))) {
		snprintf(a->relay_msg, sizeof a->relay_msg, "out of memory");
		goto done;
	}
	for (;;) {
		ssize_t n = pread(a->rfd, buf, RELAY_BUF, (off_t)off);
		enum arrival_state st;
		int over;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(a->relay_msg, sizeof a->relay_msg, "cannot "
			    "read '%s': %s", a->file->name, strerror(errno));
			goto done;
		}
		if (n > 0) {
			if (off + (uint64_t)n > a->file->size) {
				snprintf(a->relay_msg, sizeof a->relay_msg,
				    "'%s' is larger than the archive says",
				    a->file->name);
				goto done;
			}
			dgit_hash_update(&h, buf, (size_t)n);
			off += (uint64_t)n;
			if (connected && !send_all(a->sock, buf, (size_t)n)) {
				connected = 0;
				shutdown(a->sock, SHUT_RDWR);
			}
			continue;
		}
		/* at the end of what is written: wait for more */
		pthread_mutex_lock(&d->mu);
		st = a->state;
		over = d->finished || d->code != DGIT_ERR_OK;
		if (st != AR_DONE && !over) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
		}
		pthread_mutex_unlock(&d->mu);
		if (st == AR_DONE) {
			/* the file is whole: what is left to read is its end */
			if (whole)
				break;
			whole = 1;
			continue;
		}
		if (over) {
			snprintf(a->relay_msg, sizeof a->relay_msg, "the "
			    "download of '%s' did not finish", a->file->name);
			goto done;
		}
	}
	dgit_hash_final_hex(&h, hex);
	if (off != a->file->size || strcasecmp(hex, a->file->sha256) != 0)
		snprintf(a->relay_msg, sizeof a->relay_msg, "what was read of "
		    "'%s' while it downloaded is not the verified file (sha256 "
		    "%s, expected %s); try again", a->file->name, hex,
		    a->file->sha256);
	else
		a->relay_ok = 1;
done:
	/* the import sees the end of the stream */
	shutdown(a->sock, SHUT_RDWR);
	close(a->sock);
	a->sock = -1;
	dgit_hash_release(&h);
	free(buf);
	return NULL;
}

/* Start the relay of a into a new socket; *fd is the import's end. */
static const struct dgit_error *
arr_stream(struct arrival *a, int *fd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return dgit_error_from_errno("cannot stream '%s'",
		    a->file->name);
	a->sock = sv[1];
	if (pthread_create(&a->relay, NULL, arr_relay, a) != 0) {
		close(sv[0]);
		close(sv[1]);
		a->sock = -1;
		return dgit_error_fmt(DGIT_ERR_NOMEM, "cannot start a thread "
		    "to stream '%s'", a->file->name);
	}
	a->streamed = 1;
	*fd = sv[0];
	return NULL;
}

/* Wait for the relays; the first whose bytes were not the file's. */
static const struct dgit_error *
arr_join_relays(struct arrivals *d)
{
	const struct dgit_error *err = NULL;

	for (size_t i = 0; i < d->n; i++) {
		struct arrival *a = &d->a[i];

		if (!a->streamed)
			continue;
		pthread_join(a->relay, NULL);
		a->streamed = 0;
		if (!a->relay_ok && err == NULL)
			err = dgit_error_fmt(DGIT_ERR_CHECKSUM, "%s",
			    a->relay_msg);
	}
	return err;
}

/* dgit_import_arrival's wait. */
static const struct dgit_error *
arr_wait(void *arg, const char *name, int *fd)
{
	struct arrivals *d = arg;
	const struct dgit_error *err = NULL;
	struct arrival *a = NULL;

	if (fd)
		*fd = -1;
	for (size_t i = 0; name && i < d->n; i++)
		if (strcmp(d->a[i].file->name, name) == 0)
			a = &d->a[i];
	if (name && a == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is in the .dsc but "
		    "not in the archive's Sources", name);
	pthread_mutex_lock(&d->mu);
	for (;;) {
		if (d->code != DGIT_ERR_OK) {
			err = arr_error(d);
			break;
		}
		if (a == NULL ? d->finished : a->state == AR_DONE)
			break;
		if (a && fd && d->stream && a->state == AR_WRITING &&
		    !a->streamed && a->file->size >= STREAM_MIN) {
			err = arr_stream(a, fd);
			break;
		}
		if (a == NULL ? 0 : d->finished) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "'%s' was not "
			    "downloaded", name);
			break;
		}
		pthread_cond_wait(&d->cv, &d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	if (err == NULL && fd && *fd >= 0)
		say(d->f->o, "importing %s as it downloads", name);
	if (err == NULL && a == NULL)
		err = arr_join_relays(d);
	return err;
}

/*
 * The download's end: cancelled first when the import failed (unless a
 * stream was read: then its failure may be the download's, which is
 * the one to say); the threads joined; the download's error, which
 * comes before an import error it may have caused.
 */
static const struct dgit_error *
arr_finish(struct fetch *f, const struct dgit_error *err)
{
	struct arrivals *d = f->arr;
	const struct dgit_error *rerr;
	int streamed = 0;

	if (d == NULL)
		return err;
	for (size_t i = 0; i < d->n; i++)
		streamed |= d->a[i].streamed;
	if (d->running) {
		pthread_mutex_lock(&d->mu);
		if (err && !streamed)
			d->cancel = 1;
		pthread_cond_broadcast(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->th, NULL);
		d->running = 0;
	}
	rerr = arr_join_relays(d);
	if (d->code != DGIT_ERR_OK && (err == NULL ||
	    d->code != DGIT_ERR_CANCELLED))
		err = arr_error(d);
	else if (err == NULL)
		err = rerr;
	if (d->dl) {
		f->dl = d->dl;
		d->dl = NULL;
	}
	return err;
}

static void
arr_free(struct arrivals *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		if (d->a[i].rfd >= 0)
			close(d->a[i].rfd);
	dgit_archive_download_free(d->dl);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d->a);
	free(d->ready);
	free(d);
}

/* Start the download beside the import (or, with overlap NONE, do it). */
static const struct dgit_error *
arr_start(struct fetch *f, struct serial *z)
{
	const struct dgit_fetchsuite_opts *o = f->o;
	const struct dgit_error *err;
	struct arrivals *d;

	if (o->overlap == DGIT_FETCHSUITE_OVERLAP_NONE) {
		struct dgit_archive_opts ao = *o->archive;

		ao.fetch.reuse_dir = o->orig_dir;
		return dgit_archive_download_source(&f->dl, &ao, f->src,
		    f->work);
	}
	if ((d = calloc(1, sizeof *d)) == NULL ||
	    (d->a = calloc(f->src->nfiles + 1, sizeof *d->a)) == NULL) {
		free(d);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->f = f;
	d->serial = z;
	d->n = f->src->nfiles;
	d->stream = o->overlap == DGIT_FETCHSUITE_OVERLAP_STREAM;
	for (size_t i = 0; i < d->n; i++) {
		d->a[i].file = &f->src->files[i];
		d->a[i].rfd = -1;
		d->a[i].sock = -1;
		d->a[i].all = d;
	}
	f->arr = d;
	/* inside the download directory: removed with it */
	if ((err = dgit_fs_mkdtemp(&d->ready, f->work, "ready")))
		return err;
	d->ao = *o->archive;
	d->ao.fetch.reuse_dir = o->orig_dir;
	d->ao.fetch.item = arr_item;
	d->ao.fetch.item_arg = d;
	d->ao.fetch.progress = arr_progress;
	d->ao.fetch.progress_arg = d;
	if (pthread_create(&d->th, NULL, arr_download, d) != 0) {
		/* no thread: the files first, then the import */
		arr_download(d);
		return NULL;
	}
	d->running = 1;
	return NULL;
}

/* The .dsc, verified, read and parsed. */
static const struct dgit_error *
read_dsc(struct fetch *f)
{
	const struct dgit_error *err;
	char path[4096], *buf = NULL;
	size_t len;

	if (f->arr && (err = arr_wait(f->arr, f->src->dsc_name, NULL)))
		return err;
	snprintf(path, sizeof path, "%s/%s", f->arr ? f->arr->ready :
	    f->work, f->src->dsc_name);
	if ((err = dgit_fs_read_file(&buf, &len, path, DGIT_DSC_MAX)) == NULL)
		err = dgit_dsc_parse(&f->dsc, buf, len, f->src->dsc_name);
	free(buf);
	if (err == NULL)
		f->out->vcs_git = dgit_dsc_vcs_git_url(f->dsc->vcs_git);
	return err;
}

/* Start the download into the repository's private directory; read the
 * .dsc once it is in. */
static const struct dgit_error *
fetch_download(struct fetch *f, struct serial *z)
{
	const struct dgit_error *err;
	const struct dgit_fetchsuite_opts *o = f->o;
	char path[4096];

	snprintf(path, sizeof path, "%sdgit", git_repository_commondir(f->repo));
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return dgit_error_from_errno("cannot create '%s'", path);
	if ((err = dgit_fs_mkdtemp_told(&f->work, path, "fetch", o->workdir,
	    o->workdir_arg)))
		return err;
	if ((err = arr_start(f, z)))
		return err;
	return read_dsc(f);
}

/* Once the download is over: what the .dsc's signature check said. */
static void
download_said(struct fetch *f)
{
	const struct dgit_fetchsuite_opts *o = f->o;

	f->out->from_cache = f->dl->from_cache == f->src->nfiles;
	if (f->dl->sig != DGIT_DSC_SIG_GOOD && o->import.unpack.warn)
		o->import.unpack.warn(o->import.unpack.warn_arg,
		    f->dl->sig == DGIT_DSC_SIG_NO_KEYRING ?
		    (o->archive->aq_url ? "the .dsc signature was not "
		    "checked: no uploader keyring is installed; its files are "
		    "verified through the archive query service's SHA-256" :
		    "the .dsc signature was not checked: no uploader keyring "
		    "is installed; its files are verified through the signed "
		    "Release") : f->dl->sig_detail);
}

/*
 * The tracking ref already has the archive's version: 1, and that commit
 * stands for the import.  dgit imports again and then keeps the last
 * fetch whenever the versions are equal, so the outcome is the same and
 * nothing needs importing.
 */
static int
already_fetched(struct fetch *f)
{
	git_oid last, tree;
	char *v = NULL;
	int r = 0;

	if (git_reference_name_to_id(&last, f->repo, f->lrref) != 0 ||
	    dgit_history_commit_clog(&v, NULL, f->repo, &last) != NULL ||
	    v == NULL || dgit_version_compare(v, f->src->version) != 0 ||
	    dgit_commit_tree_id(&tree, f->repo, &last) != NULL)
		goto done;
	f->out->import = last;
	git_oid_cpy(&f->tree, &tree);
	say(f->o, "%s %s is already fetched: nothing to import",
	    f->src->package, f->src->version);
	r = 1;
done:
	free(v);
	return r;
}

/* Import the .dsc; use the Dgit: field's commit when it will do. */
static const struct dgit_error *
fetch_import(struct fetch *f)
{
	const struct dgit_error *err;
	const struct dgit_fetchsuite_opts *o = f->o;
	struct dgit_import_opts iopts = o->import;
	struct dgit_import_result ires;
	struct dgit_history_dgit_opts hopts;
	struct dgit_dsc_dgit field;
	enum dgit_history_dgit_status st;
	char why[1024];
	git_oid dc;

	if (f->dsc->dgit_field == NULL && already_fetched(f))
		return NULL;
	say(o, "importing %s %s", f->src->package, f->src->version);
	if (f->arr) {
		struct dgit_import_arrival arr;

		arr.wait = arr_wait;
		arr.arg = f->arr;
		err = dgit_import_dsc_arriving(&ires, f->repo, f->dsc,
		    f->arr->ready, &iopts, &arr);
	} else
		err = dgit_import_dsc(&ires, f->repo, f->dsc, f->work, &iopts);
	if (err == NULL && o->gitapply_no_absurd && ires.npatches > 0) {
		say(o, "importing the patches with gbp pq import (git apply "
		    "only: --force-import-gitapply-no-absurd)");
		err = dgit_quiltfix_gbp_pq_patches(&ires.commit, f->repo,
		    &ires.commit, ires.npatches, o->gbp_pq);
	}
	if (err)
		return err;
	f->out->import = ires.commit;
	f->tree = ires.tree;
	if (f->dsc->dgit_field == NULL)
		return NULL;
	if (dgit_dsc_dgit_parse(&field, f->dsc->dgit_field, "") != NULL) {
		say(o, "not using the Dgit: field's history (the .dsc's Dgit: "
		    "field is malformed); synthesised it from the .dsc");
		return NULL;
	}
	if (o->cfg != NULL) {
		struct dgit_serverfetch_dgit_opts so;
		git_oid ctree;
		int have;

		memset(&so, 0, sizeof so);
		so.cfg = o->cfg;
		so.package = f->src->package;
		so.map_distro = o->distro ? o->distro : "debian";
		so.map_commit = f->sf.have_map ? &f->sf.map : NULL;
		{
			/* this distro's own server, when not to be asked
			 * (git-check false, no git URL), is not asked */
			const char *fd = field.distro ? field.distro :
			    dgit_config_get(o->cfg, "dgit.default.old-dsc-distro");

			so.no_chase = o->git_url == NULL && fd &&
			    strcmp(fd, so.map_distro) == 0;
		}
		so.info = o->info;
		so.info_arg = o->info_arg;
		err = dgit_serverfetch_dgit(&dc, &have, f->repo, &field, &so);
		dgit_dsc_dgit_release(&field);
		st = DGIT_HISTORY_DGIT_MISSING;
		snprintf(why, sizeof why, "its commit is not here");
		if (err && err->cls != DGIT_ECLASS_CONFIG) {
			/* a server that cannot give it: the .dsc will do */
			snprintf(why, sizeof why, "%s", err->msg);
			have = 0;
			err = NULL;
		}
		if (err)
			return err;
		if (have && dgit_commit_tree_id(&ctree, f->repo, &dc) ==
		    NULL) {
			if (git_oid_equal(&ctree, &ires.tree))
				st = DGIT_HISTORY_DGIT_USABLE;
			else {
				st = DGIT_HISTORY_DGIT_OTHER_TREE;
				snprintf(why, sizeof why, "the tree of the Dgit: "
				    "commit %s differs from the source "
				    "package's", git_oid_tostr_s(&dc));
			}
		}
	} else {
		memset(&hopts, 0, sizeof hopts);
		hopts.git_url = o->git_url;
		hopts.distro = o->distro;
		hopts.suite = f->out->csuite;
		hopts.info = o->info;
		hopts.info_arg = o->info_arg;
		err = dgit_history_dgit_commit(&st, &dc, why, sizeof why,
		    f->repo, &field, &ires.tree, &hopts);
		dgit_dsc_dgit_release(&field);
		if (err)
			return err;
	}
	if (st == DGIT_HISTORY_DGIT_USABLE) {
		f->out->import = dc;
		f->out->used_dgit_commit = 1;
		say(o, "using the git history the Dgit: field names");
	} else if (st == DGIT_HISTORY_DGIT_MISSING && o->git_url == NULL)
		say(o, "not using the Dgit: field's history (no dgit git "
		    "server is configured); synthesised it from the .dsc");
	else
		say(o, "not using the Dgit: field's history (%s); "
		    "synthesised it from the .dsc", why);
	return NULL;
}

/* The dgit git server's suite branch and version tags (dgit's
 * git_fetch_us), before the archive's .dsc is looked at. */
static const struct dgit_error *
fetch_server(struct fetch *f)
{
	const struct dgit_fetchsuite_opts *o = f->o;

	return dgit_serverfetch(&f->sf, f->repo, o->git_url,
	    o->distro ? o->distro : "debian", f->out->csuite, o->info,
	    o->info_arg);
}

/*
 * The server fetch on a thread of its own while the archive's files
 * download and import: both wait on the network, and neither needs the
 * other's result until the Dgit: field is looked at.  The thread has its
 * own repository handle (libgit2's objects are not shared between
 * threads); it writes objects only, never a ref.  Its messages are kept
 * and said when it is joined, so the output's order does not change; its
 * error is copied out of its thread's error ring.
 */
#define BG_MSGS_MAX 16384

struct bg_server {
	struct fetch *f;
	git_repository *repo;
	pthread_t th;
	int running;
	char msgs[BG_MSGS_MAX];
	size_t msglen;
	int dropped;
	enum dgit_error_code code;
	enum dgit_error_class cls;
	char errmsg[1024];
};

static void
bg_info(void *arg, const char *msg)
{
	struct bg_server *b = arg;
	size_t l = strlen(msg) + 1;

	if (b->msglen + l > sizeof b->msgs) {
		b->dropped = 1;
		return;
	}
	memcpy(b->msgs + b->msglen, msg, l);
	b->msglen += l;
}

static void *
bg_run(void *arg)
{
	struct bg_server *b = arg;
	struct fetch *f = b->f;
	const struct dgit_fetchsuite_opts *o = f->o;
	const struct dgit_error *err;

	err = dgit_serverfetch(&f->sf, b->repo, o->git_url,
	    o->distro ? o->distro : "debian", f->out->csuite, bg_info, b);
	if (err) {
		b->code = err->code;
		b->cls = err->cls;
		snprintf(b->errmsg, sizeof b->errmsg, "%s", err->msg);
	}
	return NULL;
}

/* Start the server fetch; without a thread (or a URL) it runs here. */
static const struct dgit_error *
bg_start(struct bg_server *b, struct fetch *f)
{
	memset(b, 0, sizeof *b);
	b->f = f;
	if (f->o->git_url == NULL ||
	    !(git_libgit2_features() & GIT_FEATURE_THREADS) ||
	    git_repository_open(&b->repo, git_repository_path(f->repo)) != 0)
		return fetch_server(f);
	if (pthread_create(&b->th, NULL, bg_run, b) != 0) {
		git_repository_free(b->repo);
		b->repo = NULL;
		return fetch_server(f);
	}
	b->running = 1;
	return NULL;
}

/* Wait for the server fetch; say what it said; its error. */
static const struct dgit_error *
bg_join(struct bg_server *b)
{
	const struct dgit_fetchsuite_opts *o = b->f->o;

	if (!b->running)
		return NULL;
	pthread_join(b->th, NULL);
	b->running = 0;
	git_repository_free(b->repo);
	b->repo = NULL;
	for (size_t at = 0; at < b->msglen; at += strlen(b->msgs + at) + 1)
		if (o->info)
			o->info(o->info_arg, b->msgs + at);
	if (b->dropped && o->info)
		o->info(o->info_arg, "(more messages from the dgit git server's "
		    "fetch were dropped)");
	if (b->code != DGIT_ERR_OK)
		return dgit_error_cfmt(b->cls, b->code, "%s", b->errmsg);
	return NULL;
}

/* The tracking ref and the new version tags, in one transaction. */
static const struct dgit_error *
update_refs(struct fetch *f, const git_oid *last, const git_oid *tip)
{
	const struct dgit_error *err;
	struct dgit_history_ref_update *u;
	size_t n = 0;

	if ((u = calloc(f->sf.ntags + 1, sizeof *u)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (last == NULL || !git_oid_equal(tip, last)) {
		u[n].name = f->lrref;
		u[n].old = last;
		u[n++].new_id = tip;
	}
	for (size_t i = 0; i < f->sf.ntags; i++) {
		u[n].name = f->sf.tag_names[i];
		u[n].old = NULL;
		u[n++].new_id = &f->sf.tag_ids[i];
	}
	if (n && f->o->hold)
		f->o->hold(f->o->hold_arg, 1);
	err = n ? dgit_history_update_refs(f->repo, u, n, "dgit fetch") : NULL;
	if (n && f->o->hold)
		f->o->hold(f->o->hold_arg, 0);
	free(u);
	return err;
}

/* The package is not in the archive but the git server has the suite
 * branch: that is the new tip (dgit's "pushed using dgit" case). */
static const struct dgit_error *
fetch_gitonly(struct fetch *f)
{
	const struct dgit_error *err;
	struct dgit_serverfetch_choice c;
	git_oid last, tip;
	int have_last;

	have_last = git_reference_name_to_id(&last, f->repo, f->lrref) == 0;
	memset(&c, 0, sizeof c);
	c.lastpush = &f->sf.lastpush;
	c.lastfetch = have_last ? &last : NULL;
	c.package = f->o->package;
	c.suite = f->out->csuite;
	c.info = f->o->info;
	c.info_arg = f->o->info_arg;
	if ((err = dgit_serverfetch_choose(&tip, f->repo, &c)) ||
	    (err = dgit_history_commit_clog(&f->out->version, NULL, f->repo,
	    &tip)))
		return err;
	if (!have_last || !git_oid_equal(&tip, &last) || f->sf.ntags) {
		if ((err = update_refs(f, have_last ? &last : NULL, &tip)))
			return err;
		f->out->changed = !have_last || !git_oid_equal(&tip, &last);
	}
	f->out->tip = tip;
	f->out->import = tip;
	return NULL;
}

/* The new tip; the files into orig_dir; the ref, checked. */
static const struct dgit_error *
fetch_record(struct fetch *f)
{
	const struct dgit_error *err;
	struct dgit_serverfetch_choice c;
	unsigned char *placed = NULL;
	git_oid last, tip;
	int have_last;

	have_last = git_reference_name_to_id(&last, f->repo, f->lrref) == 0;
	memset(&c, 0, sizeof c);
	if (f->out->used_dgit_commit)
		c.dsc_commit = &f->out->import;
	else {
		c.import = &f->out->import;
		c.import_version = f->src->version;
	}
	c.lastpush = f->sf.have_lastpush ? &f->sf.lastpush : NULL;
	c.lastfetch = have_last ? &last : NULL;
	c.package = f->src->package;
	c.suite = f->out->csuite;
	c.info = f->o->info;
	c.info_arg = f->o->info_arg;
	if ((err = dgit_serverfetch_choose(&tip, f->repo, &c)))
		return err;
	if (f->o->orig_dir && (err = place_files(&placed, f->src, f->work,
	    f->o->orig_dir, f->o)))
		return err;
	if (!have_last || !git_oid_equal(&tip, &last) || f->sf.ntags) {
		err = update_refs(f, have_last ? &last : NULL, &tip);
		if (err) {
			/* keep the promise: nothing left in orig_dir */
			unplace_files(f->src, f->o->orig_dir, placed);
			free(placed);
			return err;
		}
		f->out->changed = !have_last || !git_oid_equal(&tip, &last);
	}
	free(placed);
	f->out->tip = tip;
	return NULL;
}

const struct dgit_error *
dgit_fetchsuite(struct dgit_fetchsuite_result *out, git_repository *repo,
    const struct dgit_fetchsuite_opts *o)
{
	const struct dgit_error *err;
	struct bg_server bg;
	struct fetch f;
	struct serial z;
	struct dgit_fetchsuite_opts oc = *o;

	memset(out, 0, sizeof *out);
	memset(&f, 0, sizeof f);
	memset(&bg, 0, sizeof bg);
	pthread_mutex_init(&z.mu, NULL);
	z.o = o;
	ser_wrap(&oc, &z);
	f.o = &oc;
	f.repo = repo;
	f.out = out;
	err = fetch_find(&f);
	if (err && err->cls == DGIT_ECLASS_NO_PACKAGE && f.lrref &&
	    out->csuite && fetch_server(&f) == NULL && f.sf.have_lastpush)
		/* in git, not in the archive (yet): dgit uses the server's */
		err = fetch_gitonly(&f);
	else if (err == NULL && (err = bg_start(&bg, &f)) == NULL) {
		const struct dgit_error *jerr;

		err = fetch_download(&f, &z);
		/* the Dgit: field's history needs what the server has */
		if (err == NULL && f.dsc->dgit_field != NULL)
			err = bg_join(&bg);
		if (err == NULL)
			err = fetch_import(&f);
		/* every file in, the .dsc's signature checked */
		err = arr_finish(&f, err);
		if (err == NULL)
			download_said(&f);
		if ((jerr = bg_join(&bg)) && err == NULL)
			err = jerr;
		if (err == NULL)
			err = fetch_record(&f);
	}
	/* an error before the import: the download is stopped here */
	err = arr_finish(&f, err);
	arr_free(f.arr);
	if (f.work) {
		dgit_fs_remove_tree(f.work);
		if (o->workdir)
			o->workdir(o->workdir_arg, f.work, 0);
		free(f.work);
	}
	pthread_mutex_destroy(&z.mu);
	free(f.lrref);
	dgit_serverfetch_release(&f.sf);
	dgit_dsc_free(f.dsc);
	dgit_archive_download_free(f.dl);
	dgit_archive_source_free(f.src);
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

/* A combined fetch: its inputs and the combined suite's name. */
struct multi {
	const struct dgit_fetchsuite_opts *o;
	git_repository *repo;
	struct dgit_fetchsuite_result *out;
	struct mergeinput *mi;
	size_t nmi;
	char *base;                /* the base suite's codename */
	char *combined;            /* "CBASE,SUB,..." */
	size_t clen, csize;
	int all_cache;
};

/* One suite of the combination: fetch it and add it as an input. */
static const struct dgit_error *
multi_one(struct multi *m, const char *tok)
{
	const struct dgit_error *err;
	struct dgit_fetchsuite_opts so = *m->o;
	struct dgit_fetchsuite_result r;
	char sub[512];
	const char *name = tok;

	if (tok[0] == '-') {
		if (m->base == NULL)
			return dgit_error_fmt(DGIT_ERR_USAGE, "combined suite "
			    "'%s' starts with a sub-suite", m->o->suite);
		snprintf(sub, sizeof sub, "%s%s", m->base, tok);
		name = sub;
	}
	so.suite = name;
	if (m->o->part_opts) {
		void *hold = NULL;

		so.part_opts = NULL;
		err = m->o->part_opts(m->o->part_arg, &so, &hold, name);
		if (err) {
			/* a suite we cannot reach is not a missing package */
			if (m->o->part_release)
				m->o->part_release(m->o->part_arg, hold);
			return dgit_error_wrap(err, "suite '%s' of '%s'", name,
			    m->o->suite);
		}
		err = dgit_fetchsuite(&r, m->repo, &so);
		if (m->o->part_release)
			m->o->part_release(m->o->part_arg, hold);
	} else
		err = dgit_fetchsuite(&r, m->repo, &so);
	if (err && err->code == DGIT_ERR_NOT_FOUND && m->base != NULL) {
		/* still part of the combined name, as in Perl dgit */
		const char *rel = name;
		size_t bl = strlen(m->base);

		if (strncmp(name, m->base, bl) == 0 && name[bl] == '-')
			rel = name + bl;
		m->clen += (size_t)snprintf(m->combined + m->clen,
		    m->csize - m->clen, ",%.500s", rel);
		say(m->o, "%s is not in %s", m->o->package, name);
		return NULL;
	}
	if (err)
		return m->base == NULL ? dgit_error_wrap(err, "base suite '%s' "
		    "of '%s'", name, m->o->suite) : err;
	m->all_cache &= r.from_cache;
	if (m->base == NULL) {
		if ((m->base = strdup(r.csuite)) == NULL) {
			dgit_fetchsuite_result_release(&r);
			return dgit_error(DGIT_ERR_NOMEM);
		}
		m->clen = (size_t)snprintf(m->combined, m->csize, "%.500s",
		    r.csuite);
		m->out->vcs_git = r.vcs_git;
		r.vcs_git = NULL;
	} else {
		size_t bl = strlen(m->base);
		const char *rel = r.csuite;

		/* a sub-suite is written relative to the base */
		if (strncmp(r.csuite, m->base, bl) == 0 && r.csuite[bl] == '-')
			rel = r.csuite + bl;
		m->clen += (size_t)snprintf(m->combined + m->clen,
		    m->csize - m->clen, ",%.500s", rel);
	}
	m->mi[m->nmi].commit = r.tip;
	m->mi[m->nmi].version = r.version;
	m->mi[m->nmi].info = r.csuite;
	r.version = r.csuite = NULL;
	dgit_fetchsuite_result_release(&r);
	m->nmi++;
	return NULL;
}

/* The combined tracking ref's old tip is an input too, the first. */
static const struct dgit_error *
multi_add_prev(struct multi *m, const git_oid *prev)
{
	struct mergeinput *mi = m->mi;
	const struct dgit_error *err;

	memmove(mi + 1, mi, m->nmi * sizeof *mi);
	memset(&mi[0], 0, sizeof mi[0]);
	m->nmi++;
	mi[0].commit = *prev;
	if ((err = dgit_history_commit_clog(&mi[0].version, NULL, m->repo,
	    prev)))
		return err;
	if ((mi[0].info = strdup("local combined tracking branch")) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

/*
 * dgit's multi-suite merge: the highest version wins; when other inputs
 * are not already its ancestors, a "Combine archive branches" commit
 * with every input as a parent (in input order) and the winner's tree.
 * *tip is the result, *vi the winner's index (input order).
 */
static const struct dgit_error *
multi_combine(struct multi *m, git_oid *tip, size_t *vi)
{
	const struct dgit_error *err = NULL;
	struct mergeinput *mi = m->mi;
	struct dgit_history_combine_input *ci = NULL;
	git_oid *parents = NULL, top;
	size_t i, j, nneeded = 0, n = m->nmi;
	char *msg = NULL;

	for (i = 0; i < n; i++) {
		mi[i].index = i;
		mi[i].mark = ' ';
	}
	qsort(mi, n, sizeof *mi, mi_cmp);
	/* an input is needed unless an earlier needed one contains it */
	for (i = 0; i < n; i++) {
		int needed = 1, d;

		for (j = 0; j < i && needed; j++) {
			if (mi[j].mark == ' ')
				continue;
			if ((err = dgit_history_descends(&d, m->repo,
			    &mi[j].commit, &mi[i].commit)))
				return err;
			needed = !d;
		}
		if (needed) {
			mi[i].mark = '+';
			nneeded++;
		}
	}
	mi[0].mark = '*';
	*tip = top = mi[0].commit;
	qsort(mi, n, sizeof *mi, mi_index_cmp);
	for (*vi = 0; *vi < n && mi[*vi].mark != '*'; (*vi)++)
		;
	if (nneeded <= 1)
		return NULL;
	ci = calloc(n, sizeof *ci);
	parents = calloc(n, sizeof *parents);
	if (ci == NULL || parents == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < n; i++) {
		ci[i].version = mi[i].version;
		ci[i].info = mi[i].info;
		ci[i].mark = mi[i].mark;
		parents[i] = mi[i].commit;
	}
	if ((err = dgit_history_combine_message(&msg, m->combined, ci, n)) ==
	    NULL)
		err = dgit_history_pseudomerge(tip, m->repo, &top, parents, n,
		    msg);
done:
	free(msg);
	free(ci);
	free(parents);
	return err;
}

const struct dgit_error *
dgit_fetchsuite_multi(struct dgit_fetchsuite_result *out,
    git_repository *repo, const struct dgit_fetchsuite_opts *o)
{
	const struct dgit_error *err = NULL;
	struct multi m;
	size_t nsuites = 1, vi = 0;
	char *copy = NULL, *save = NULL, *tok, *lrref = NULL;
	git_oid prev, tip;
	int have_prev;

	if (strchr(o->suite, ',') == NULL)
		return dgit_fetchsuite(out, repo, o);
	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	m.o = o;
	m.repo = repo;
	m.out = out;
	m.all_cache = 1;
	if ((copy = strdup(o->suite)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (tok = copy; *tok; tok++)
		nsuites += *tok == ',';
	m.mi = calloc(nsuites + 1, sizeof *m.mi);
	m.csize = 600 * nsuites;
	m.combined = malloc(m.csize);
	if (m.mi == NULL || m.combined == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	m.combined[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok && err == NULL;
	    tok = strtok_r(NULL, ",", &save))
		if (*tok)
			err = multi_one(&m, tok);
	if (err)
		goto done;
	if (m.nmi == 0) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no suite in '%s'",
		    o->suite);
		goto done;
	}
	if ((err = dgit_history_tracking_ref(&lrref, m.combined)))
		goto done;
	have_prev = git_reference_name_to_id(&prev, repo, lrref) == 0;
	if ((have_prev && (err = multi_add_prev(&m, &prev))) ||
	    (err = multi_combine(&m, &tip, &vi)))
		goto done;
	if (!have_prev || !git_oid_equal(&tip, &prev)) {
		if (o->hold)
			o->hold(o->hold_arg, 1);
		err = dgit_history_update_ref(repo, lrref, have_prev ? &prev :
		    NULL, &tip, "dgit fetch");
		if (o->hold)
			o->hold(o->hold_arg, 0);
		if (err)
			goto done;
		out->changed = 1;
	}
	out->tip = tip;
	out->import = tip;
	out->from_cache = m.all_cache;
	out->csuite = m.combined;
	m.combined = NULL;
	/* the version is that of the highest input */
	if ((out->version = strdup(m.mi[vi].version)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	for (size_t i = 0; m.mi && i < m.nmi; i++) {
		free(m.mi[i].version);
		free(m.mi[i].info);
	}
	free(m.mi);
	free(copy);
	free(m.base);
	free(m.combined);
	free(lrref);
	if (err)
		dgit_fetchsuite_result_release(out);
	return err;
}
