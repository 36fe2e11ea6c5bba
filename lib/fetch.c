/*
 * libcurl downloads; see dgit_fetch.h.  One curl multi handle drives up
 * to opts->parallel transfers; a transfer that fails transiently waits
 * (backoff) and is started again, resuming with Range from what the
 * temporary file already holds.  The SHA-256 is computed while the bytes
 * stream in, so a resumed transfer continues the same hash state.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "dgit_fetch.h"
#include "dgit_fs.h"

#define ERRLEN 1024

enum xstate { X_PENDING, X_ACTIVE, X_DONE };

struct run;

struct xfer {
	struct dgit_fetch_item *it;
	struct run *run;
	size_t index;
	enum xstate state;
	CURL *h;
	char errbuf[CURL_ERROR_SIZE];
	char *tmp;                 /* temporary file next to dest */
	int fd;
	struct dgit_hash sha;          /* SHA-256 */
	uint64_t got;              /* bytes in tmp, all hashed */
	uint64_t cap;              /* never accept more than this */
	uint64_t range_from;       /* the Range asked for this attempt */
	char range[32];
	uint64_t *net_bytes;       /* the run's counter of network bytes */
	int checked_status;        /* first body byte of this attempt seen */
	int oversize;
	int write_errno;
	int cancelled;             /* the item callback said stop */
	unsigned tries;
	double not_before;         /* monotonic time of the next attempt */
	int created;               /* dest was renamed into place by us */
};

struct run {
	const struct dgit_fetch_opts *o;
	struct xfer *x;
	size_t n;
	unsigned parallel, retries, backoff_ms;
	double start, last_progress;
	uint64_t net_bytes;
	size_t files_done;
	/* the first error, copied out of the error ring */
	enum dgit_error_code code;
	char msg[ERRLEN];
	int failed;
};

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fail(struct run *r, const struct dgit_error *err)
{
	if (r->failed)
		return;
	r->failed = 1;
	r->code = err->code;
	snprintf(r->msg, sizeof r->msg, "%s", err->msg);
}

/*
 * Copy src to fd while hashing; fails on a size over cap.  Used for cache
 * hits.
 */
static const struct dgit_error *
copy_hash(int fd, const char *tmp, const char *src, struct dgit_hash *sha,
    uint64_t cap)
{
	const struct dgit_error *err = NULL;
	char buf[65536];
	int in;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in == -1)
		return dgit_error_from_errno("cannot open '%s'", src);
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = dgit_error_from_errno("cannot read '%s'", src);
			goto done;
		}
		if (n == 0)
			break;
		if (sha->len + (uint64_t)n > cap) {
			err = dgit_error_fmt(DGIT_ERR_CHECKSUM,
			    "'%s' is larger than expected", src);
			goto done;
		}
		dgit_hash_update(sha, buf, (size_t)n);
		err = dgit_fs_write_all(fd, buf, (size_t)n, tmp);
		if (err)
			goto done;
	}
done:
	close(in);
	return err;
}

const struct dgit_error *
dgit_fetch_cache_dir(char **out)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int rc;

	*out = NULL;
	if (x && x[0] == '/')
		rc = asprintf(out, "%s/dgit", x);
	else if (home && home[0] == '/')
		rc = asprintf(out, "%s/.cache/dgit", home);
	else
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "cannot find a cache directory; set XDG_CACHE_HOME or HOME");
	if (rc == -1) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	return NULL;
}

const struct dgit_error *
dgit_fetch_cache_path(char **out, const char *cache_dir, const char *sub,
    const char *name, int mk)
{
	char *dir = NULL;
	const struct dgit_error *err = NULL;

	*out = NULL;
	if (asprintf(&dir, "%s/%s", cache_dir, sub) == -1)
		return dgit_error(DGIT_ERR_NOMEM);
	if (mk && (err = dgit_fs_mkdirs(dir)))
		goto done;
	if (asprintf(out, "%s/%s", dir, name) == -1) {
		*out = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
done:
	free(dir);
	return err;
}

/* CACHE/sha256/XX/HEX */
static const struct dgit_error *
cache_sha_path(char **out, const char *cache_dir, const char *hex, int mk)
{
	char sub[sizeof "sha256/xx"];

	*out = NULL;
	if (strlen(hex) < 2)
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad sha256 '%s'", hex);
	snprintf(sub, sizeof sub, "sha256/%.2s", hex);
	return dgit_fetch_cache_path(out, cache_dir, sub, hex, mk);
}

const struct dgit_error *
dgit_fetch_cache_url_path(char **out, const char *cache_dir, const char *url)
{
	const struct dgit_error *err;
	char hex[DGIT_SHA256_HEXLEN + 1];

	*out = NULL;
	if ((err = dgit_hash_buf_hex(hex, DGIT_HASH_SHA256, url, strlen(url))))
		return err;
	return dgit_fetch_cache_path(out, cache_dir, "url", hex, 1);
}

const struct dgit_error *
dgit_fetch_cache_clear(const char *cache_dir)
{
	return dgit_fs_remove_tree(cache_dir);
}

/* Best effort: a cache that cannot be written only costs a download. */
static void
cache_store(const char *cache_dir, const char *hex, const char *path)
{
	char *cp = NULL;

	if (cache_sha_path(&cp, cache_dir, hex, 1))
		return;
	if (access(cp, F_OK) != 0)
		(void)dgit_fs_link_or_copy(path, cp);
	free(cp);
}

static uint64_t
item_cap(const struct dgit_fetch_item *it)
{
	if (it->has_size)
		return it->size;
	return it->max_size ? it->max_size : DGIT_FETCH_DEFAULT_MAX;
}

/* Check the finished temporary file's size and hash against the item. */
static const struct dgit_error *
check_item(struct xfer *x, const char *what)
{
	struct dgit_fetch_item *it = x->it;

	char named[2048];

	if (it->name) {
		snprintf(named, sizeof named, "%s' from '%s", it->name, what);
		what = named;
	}
	dgit_hash_final_hex(&x->sha, it->got_sha256);
	it->got_size = x->got;
	if (it->has_size && x->got != it->size)
		return dgit_error_fmt(DGIT_ERR_CHECKSUM,
		    "size mismatch for '%s' (expected %llu bytes, got %llu); "
		    "the mirror may be corrupt or being updated, try again "
		    "later or use another mirror", what,
		    (unsigned long long)it->size, (unsigned long long)x->got);
	if (it->sha256 && strcasecmp(it->sha256, it->got_sha256) != 0)
		return dgit_error_fmt(DGIT_ERR_CHECKSUM,
		    "checksum mismatch for '%s' (expected sha256 %s, got %s); "
		    "the mirror may be corrupt or being updated, try again "
		    "later or use another mirror", what, it->sha256,
		    it->got_sha256);
	return NULL;
}

static const struct dgit_error *
finish_file(struct xfer *x)
{
	if (fsync(x->fd) == -1 && errno != EINVAL)
		return dgit_error_from_errno("cannot write '%s'", x->tmp);
	if (close(x->fd) == -1) {
		x->fd = -1;
		return dgit_error_from_errno("cannot write '%s'", x->tmp);
	}
	x->fd = -1;
	if (rename(x->tmp, x->it->dest) == -1)
		return dgit_error_from_errno("cannot rename '%s' to '%s'",
		    x->tmp, x->it->dest);
	free(x->tmp);
	x->tmp = NULL;
	x->created = 1;
	return NULL;
}

/* Start x's file again from empty, for a download (or the next try). */
static void
restart_file(struct xfer *x)
{
	/* a failure here shows as a short or corrupt download, which
	 * check_item refuses; the hash's, on_data notices */
	(void)(ftruncate(x->fd, 0) == -1 || lseek(x->fd, 0, SEEK_SET) == -1);
	(void)dgit_hash_reset(&x->sha);
	x->got = 0;
	x->it->got_sha256[0] = '\0';
	x->it->got_size = 0;
}

/*
 * Serve x from opts->reuse_dir, NAME,fetch there first, then NAME (the
 * dest's base name), as dgit reuses them: 1 when one has the item's
 * size and SHA-256.  Another file of that name is left alone.
 */
static int
try_reuse(struct run *r, struct xfer *x)
{
	static const char *const sfx[] = { ",fetch", "" };
	const char *base = strrchr(x->it->dest, '/');
	char path[4096];

	if (r->o->reuse_dir == NULL || x->it->sha256 == NULL ||
	    !x->it->has_size)
		return 0;
	base = base ? base + 1 : x->it->dest;
	for (int k = 0; k < 2; k++) {
		struct stat st;

		if ((size_t)snprintf(path, sizeof path, "%s/%s%s",
		    r->o->reuse_dir, base, sfx[k]) >= sizeof path ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size != x->it->size)
			continue;
		if (copy_hash(x->fd, x->tmp, path, &x->sha, x->cap) == NULL) {
			x->got = x->sha.len;
			if (check_item(x, path) == NULL) {
				x->it->reused = 1;
				return 1;
			}
		}
		restart_file(x);
	}
	return 0;
}

/* Serve x from the cache; 1 when done, 0 when it must be downloaded. */
static int
try_cache(struct run *r, struct xfer *x)
{
	char *cp = NULL;
	int ok = 0;

	if (try_reuse(r, x))
		return 1;
	if (r->o->cache_dir == NULL || x->it->sha256 == NULL ||
	    !dgit_hash_hex_valid(x->it->sha256, DGIT_HASH_SHA256))
		return 0;
	if (cache_sha_path(&cp, r->o->cache_dir, x->it->sha256, 0))
		return 0;
	if (access(cp, R_OK) == 0 &&
	    copy_hash(x->fd, x->tmp, cp, &x->sha, x->cap) == NULL) {
		x->got = x->sha.len;
		if (check_item(x, cp) == NULL) {
			ok = 1;
		} else {
			/* a corrupt cache entry: drop it, download again */
			unlink(cp);
		}
	}
	if (!ok)
		restart_file(x);
	free(cp);
	x->it->from_cache = ok;
	return ok;
}

/* The item callback; non-zero: cancel. */
static int
tell(struct run *r, struct xfer *x, enum dgit_fetch_event ev)
{
	if (r->o->item == NULL)
		return 0;
	return r->o->item(r->o->item_arg, x->index, ev,
	    ev == DGIT_FETCH_DONE ? x->it->dest : x->tmp, x->got);
}

static const struct dgit_error *
err_cancelled(void)
{
	return dgit_error_fmt(DGIT_ERR_CANCELLED, "download cancelled");
}

static size_t
on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * nmemb;

	if (!x->checked_status) {
		long code = 0;

		x->checked_status = 1;
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
		if (x->range_from > 0 && code == 200) {
			/* the server ignored Range: start again from zero */
			if (ftruncate(x->fd, 0) == -1 ||
			    lseek(x->fd, 0, SEEK_SET) == -1) {
				x->write_errno = errno;
				return 0;
			}
			if (dgit_hash_reset(&x->sha) != NULL) {
				x->write_errno = ENOMEM;
				return 0;
			}
			x->got = 0;
		}
	}
	if (x->sha.ctx == NULL) {
		x->write_errno = ENOMEM;
		return 0;
	}
	if (x->got + len > x->cap) {
		x->oversize = 1;
		return 0;
	}
	if (dgit_fs_write_all(x->fd, data, len, x->tmp) != NULL) {
		x->write_errno = errno;
		return 0;
	}
	dgit_hash_update(&x->sha, data, len);
	x->got += len;
	*x->net_bytes += len;
	if (tell(x->run, x, DGIT_FETCH_WRITTEN)) {
		x->cancelled = 1;
		return 0;
	}
	return len;
}

static const struct dgit_error *
start(struct run *r, CURLM *m, struct xfer *x)
{
	const struct dgit_fetch_opts *o = r->o;
	CURL *h;

	h = curl_easy_init();
	if (h == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	x->h = h;
	x->errbuf[0] = '\0';
	x->checked_status = 0;
	x->oversize = 0;
	x->write_errno = 0;
	x->range_from = x->got;
	if (lseek(x->fd, (off_t)x->got, SEEK_SET) == -1 ||
	    ftruncate(x->fd, (off_t)x->got) == -1)
		return dgit_error_from_errno("cannot write '%s'", x->tmp);
	curl_easy_setopt(h, CURLOPT_URL, x->it->url);
	if (o->proxy)
		curl_easy_setopt(h, CURLOPT_PROXY, o->proxy);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "dgit-c/" DGIT_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	    o->connect_timeout ? o->connect_timeout : 30L);
	/* a server trickling bytes must not hold the download forever */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT,
	    o->low_speed > 0 ? o->low_speed : 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
	    o->stall_timeout ? o->stall_timeout : 60L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o->max_time < 0 ? 0L :
	    o->max_time ? o->max_time : 3600L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap);
	if (x->got > 0) {
		/*
		 * CURLOPT_RANGE rather than RESUME_FROM: a server that ignores
		 * the Range then reaches on_data with a 200, which starts the
		 * file again, where curl would give up.
		 */
		snprintf(x->range, sizeof x->range, "%llu-",
		    (unsigned long long)x->got);
		curl_easy_setopt(h, CURLOPT_RANGE, x->range);
	}
	if (curl_multi_add_handle(m, h) != CURLM_OK)
		return dgit_error_fmt(DGIT_ERR_NETWORK,
		    "cannot start the download of '%s'", x->it->url);
	x->state = X_ACTIVE;
	x->tries++;
	return NULL;
}

static int
transient(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	case CURLE_HTTP_RETURNED_ERROR:
		return status >= 500 || status == 408 || status == 429;
	default:
		return 0;
	}
}

/*
 * A transfer ended.  Returns NULL when it is done or will be retried,
 * else the error.
 */
static const struct dgit_error *
ended(struct run *r, CURLM *m, struct xfer *x, CURLcode rc)
{
	struct dgit_fetch_item *it = x->it;
	const struct dgit_error *err = NULL;
	long status = 0;
	int again = 0;
	char reason[CURL_ERROR_SIZE + 64];

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
	snprintf(reason, sizeof reason, "%s",
	    x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
	curl_multi_remove_handle(m, x->h);
	curl_easy_cleanup(x->h);
	x->h = NULL;

	if (x->cancelled)
		return err_cancelled();
	if (x->oversize || (rc == CURLE_FILESIZE_EXCEEDED)) {
		return dgit_error_fmt(DGIT_ERR_CHECKSUM,
		    "'%s' is larger than the %llu bytes expected; the mirror "
		    "may be corrupt or tampered with, try again later or use "
		    "another mirror", it->url, (unsigned long long)x->cap);
	}
	if (x->write_errno) {
		errno = x->write_errno;
		if (errno == ENOSPC || errno == EDQUOT)
			return dgit_error_from_errno("cannot write '%s' (free "
			    "some space and try again)", x->tmp);
		return dgit_error_from_errno("cannot write '%s'", x->tmp);
	}
	if (rc == CURLE_OK) {
		if (it->has_size && x->got < it->size) {
			again = 1;
			snprintf(reason, sizeof reason,
			    "truncated: got %llu of %llu bytes",
			    (unsigned long long)x->got,
			    (unsigned long long)it->size);
		} else {
			err = check_item(x, it->url);
			if (err == NULL)
				err = finish_file(x);
			if (err)
				return err;
			if (r->o->cache_dir && it->sha256)
				cache_store(r->o->cache_dir, it->got_sha256,
				    it->dest);
			x->state = X_DONE;
			r->files_done++;
			if (tell(r, x, DGIT_FETCH_DONE))
				return err_cancelled();
			return NULL;
		}
	} else if ((rc == CURLE_HTTP_RETURNED_ERROR && status == 404) ||
	    rc == CURLE_FILE_COULDNT_READ_FILE) {
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "'%s' not found (%s)", it->url, reason);
	} else {
		again = transient(rc, status);
		if ((rc == CURLE_HTTP_RETURNED_ERROR && x->got > 0 &&
		    status == 416) || rc == CURLE_RANGE_ERROR) {
			/* our Range was refused: start again from zero */
			x->got = 0;
			if ((err = dgit_hash_reset(&x->sha)))
				return err;
			again = 1;
		}
	}
	if (again && x->tries <= r->retries) {
		x->state = X_PENDING;
		unsigned sh = x->tries - 1 < 10 ? x->tries - 1 : 10;

		x->not_before = now_mono() +
		    (double)r->backoff_ms / 1000.0 * (double)(1u << sh);
		return NULL;
	}
	if (again && x->tries > 1)
		return dgit_error_fmt(DGIT_ERR_NETWORK,
		    "cannot download '%s': %s (after %u attempts); check the "
		    "network and the mirror, or try again later", it->url,
		    reason, x->tries);
	return dgit_error_fmt(DGIT_ERR_NETWORK,
	    "cannot download '%s': %s; check the network and the mirror "
	    "setting (dgit-distro.DISTRO.mirror)", it->url, reason);
}

static int
report(struct run *r, int final)
{
	struct dgit_fetch_progress p;
	double t = now_mono(), el;

	if (r->o->progress == NULL)
		return 0;
	if (!final && t - r->last_progress < 0.2)
		return 0;
	r->last_progress = t;
	memset(&p, 0, sizeof p);
	p.files_total = r->n;
	p.files_done = r->files_done;
	if (r->n > 0)
		p.first = r->x[0].it->name ? r->x[0].it->name :
		    r->x[0].it->url;
	for (size_t i = 0; i < r->n; i++) {
		struct xfer *x = &r->x[i];

		p.bytes_done += x->got;
		if (x->it->has_size)
			p.bytes_total += x->it->size;
	}
	el = t - r->start;
	p.rate = el > 0.05 ? (double)r->net_bytes / el : 0;
	p.eta = -1;
	if (p.rate > 0 && p.bytes_total >= p.bytes_done)
		p.eta = (double)(p.bytes_total - p.bytes_done) / p.rate;
	p.final = final;
	return r->o->progress(&p, r->o->progress_arg);
}

const struct dgit_error *
dgit_fetch_files(const struct dgit_fetch_opts *o,
    struct dgit_fetch_item *items, size_t n)
{
	const struct dgit_error *err = NULL;
	struct run r;
	CURLM *m = NULL;
	size_t i, active = 0, left = n;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.n = n;
	r.parallel = o->parallel ? o->parallel : 4;
	r.retries = o->retries == DGIT_FETCH_NO_RETRY ? 0 :
	    o->retries ? o->retries : 3;
	r.backoff_ms = o->backoff_ms ? o->backoff_ms : 250;
	r.start = r.last_progress = now_mono();
	if (n == 0)
		return NULL;
	r.x = calloc(n, sizeof *r.x);
	if (r.x == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (i = 0; i < n; i++) {
		r.x[i].fd = -1;
		r.x[i].it = &items[i];
		r.x[i].run = &r;
		r.x[i].index = i;
		r.x[i].net_bytes = &r.net_bytes;
	}
	for (i = 0; i < n; i++) {
		struct xfer *x = &r.x[i];

		items[i].got_sha256[0] = '\0';
		items[i].got_size = 0;
		items[i].from_cache = 0;
		items[i].reused = 0;
		x->cap = item_cap(x->it);
		err = dgit_hash_init(&x->sha, DGIT_HASH_SHA256);
		if (err == NULL)
			err = dgit_fs_tmpfile_beside(&x->tmp, &x->fd,
			    x->it->dest);
		if (err) {
			fail(&r, err);
			goto done;
		}
		if (try_cache(&r, x)) {
			err = finish_file(x);
			if (err) {
				fail(&r, err);
				goto done;
			}
			x->state = X_DONE;
			r.files_done++;
			left--;
			if (tell(&r, x, DGIT_FETCH_DONE)) {
				fail(&r, err_cancelled());
				goto done;
			}
		}
	}
	if (left == 0)
		goto done;

	m = curl_multi_init();
	if (m == NULL) {
		fail(&r, dgit_error(DGIT_ERR_NOMEM));
		goto done;
	}
	while (left > 0 && !r.failed) {
		double t = now_mono(), wait_until = 0;
		int running, nmsg;
		CURLMsg *msg;

		for (i = 0; i < n && active < r.parallel; i++) {
			struct xfer *x = &r.x[i];

			if (x->state != X_PENDING)
				continue;
			if (x->not_before > t) {
				if (wait_until == 0 || x->not_before < wait_until)
					wait_until = x->not_before;
				continue;
			}
			err = start(&r, m, x);
			if (err) {
				fail(&r, err);
				goto done;
			}
			active++;
		}
		if (curl_multi_perform(m, &running) != CURLM_OK) {
			fail(&r, dgit_error_fmt(DGIT_ERR_NETWORK,
			    "curl multi interface failed"));
			goto done;
		}
		while ((msg = curl_multi_info_read(m, &nmsg)) != NULL) {
			struct xfer *x = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&x);
			active--;
			err = ended(&r, m, x, msg->data.result);
			if (err) {
				fail(&r, err);
				goto done;
			}
			if (x->state == X_DONE)
				left--;
		}
		if (report(&r, 0)) {
			fail(&r, err_cancelled());
			goto done;
		}
		if (left == 0)
			break;
		{
			int timeout = 200;

			if (active == 0 && wait_until > 0) {
				double d = (wait_until - now_mono()) * 1000;

				timeout = d < 0 ? 0 : d > 200 ? 200 : (int)d;
			}
			if (active == 0) {
				if (timeout > 0)
					usleep((useconds_t)timeout * 1000);
			} else if (curl_multi_poll(m, NULL, 0, timeout, NULL)
			    != CURLM_OK) {
				fail(&r, dgit_error_fmt(DGIT_ERR_NETWORK,
				    "curl multi interface failed"));
				goto done;
			}
		}
	}
done:
	if (!r.failed)
		report(&r, 1);
	for (i = 0; i < n; i++) {
		struct xfer *x = &r.x[i];

		if (x->h) {
			curl_multi_remove_handle(m, x->h);
			curl_easy_cleanup(x->h);
		}
		dgit_hash_release(&x->sha);
		if (x->fd != -1)
			close(x->fd);
		if (x->tmp) {
			unlink(x->tmp);
			free(x->tmp);
		}
		if (r.failed && x->created)
			unlink(x->it->dest);
	}
	if (m)
		curl_multi_cleanup(m);
	free(r.x);
	if (r.failed) {
		return dgit_error_fmt(r.code, "%s", r.msg);
	}
	return NULL;
}

const struct dgit_error *
dgit_fetch_to_memory(char **out, size_t *len, const struct dgit_fetch_opts *fo,
    const char *url, const char *sha256, size_t max)
{
	const struct dgit_error *err, *err2;
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL, *dest = NULL;
	struct dgit_fetch_item it;

	*out = NULL;
	if ((err = dgit_fs_mkdtemp(&dir, tmp && *tmp ? tmp : "/tmp",
	    "dgit-get")))
		return err;
	if (asprintf(&dest, "%s/answer", dir) < 0) {
		dest = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	memset(&it, 0, sizeof it);
	it.url = url;
	it.dest = dest;
	it.max_size = max;
	it.sha256 = sha256;
	if ((err = dgit_fetch_files(fo, &it, 1)))
		goto done;
	err = dgit_fs_read_file(out, len, dest, max);
done:
	err2 = dgit_fs_remove_tree(dir);
	if (err == NULL && err2 != NULL) {
		free(*out);
		*out = NULL;
		err = err2;
	}
	free(dir);
	free(dest);
	return err;
}
