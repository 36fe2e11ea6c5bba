/*
 * Downloads with libcurl (http, https, file): parallel transfers, bounded
 * retries with backoff, resume with Range after a broken transfer, a hard
 * size cap, SHA-256 checked while streaming, a temporary name renamed into
 * place only when complete and verified, and a content-addressed cache.
 *
 * The cache (see dgit_fetch_cache_dir) holds:
 *   CACHE/sha256/XX/HEX     files by their SHA-256 (verified on every use)
 *   CACHE/url/HEX           files keyed by the SHA-256 of a URL (indexes
 *                           whose hash is not known in advance: InRelease)
 *   CACHE/state/...         small state files kept by callers (the newest
 *                           Release Date seen for each suite)
 */
#ifndef DGIT_FETCH_H
#define DGIT_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"
#include "dgit_hash.h"

struct dgit_fetch_progress {
	size_t files_done;
	size_t files_total;
	uint64_t bytes_done;
	uint64_t bytes_total;      /* sum of the known sizes */
	double rate;               /* bytes per second over the network */
	double eta;                /* seconds left, < 0 when unknown */
	int final;                 /* 1 on the last call of a run */
	const char *first;         /* the run's first item: its name, else
	                              its URL */
};
/* Return non-zero to cancel the downloads (DGIT_ERR_CANCELLED). */
typedef int (*dgit_fetch_progress_cb)(const struct dgit_fetch_progress *p,
    void *arg);

enum dgit_fetch_event {
	DGIT_FETCH_WRITTEN,        /* bytes went into the temporary file */
	DGIT_FETCH_DONE,           /* the item is at its dest, verified */
};
/*
 * Told of item i (its index in the items) on the thread that runs
 * dgit_fetch_files: WRITTEN after each write, with path the item's
 * temporary file (the same name for all its attempts) and got the bytes
 * it holds (an attempt that must start again from zero lowers it); DONE
 * with path its dest once its size and SHA-256 are checked and it is in
 * place (also for one served from the cache).  Return non-zero to
 * cancel the downloads (DGIT_ERR_CANCELLED).
 */
typedef int (*dgit_fetch_item_cb)(void *arg, size_t i,
    enum dgit_fetch_event ev, const char *path, uint64_t got);

struct dgit_fetch_opts {
	const char *cache_dir;     /* NULL: no cache */
	unsigned parallel;         /* transfers at once; 0: 4 */
	unsigned retries;          /* extra attempts on transient errors; 0: 3,
	                              use DGIT_FETCH_NO_RETRY for none */
	unsigned backoff_ms;       /* delay before the first retry, doubled
	                              after each; 0: 250 */
	long connect_timeout;      /* seconds; 0: 30 */
	long stall_timeout;        /* abort a transfer slower than low_speed
	                              for this long (seconds); 0: 60 */
	long low_speed;            /* bytes a second; 0: 1024 */
	long max_time;             /* abort a transfer after this long
	                              (seconds); 0: 3600, < 0: no limit */
	dgit_fetch_progress_cb progress;
	void *progress_arg;
	dgit_fetch_item_cb item;   /* NULL: not told */
	void *item_arg;
	/* HTTP(S) proxy URL; "": none (not even $http_proxy); NULL: curl's
	 * default, the environment's */
	const char *proxy;
	/* A directory (the build products directory) whose NAME,fetch or
	 * NAME, for an item whose dest is .../NAME, is used instead of the
	 * download when it has the item's size and SHA-256, as dgit reuses
	 * what is there (only read); NULL: none. */
	const char *reuse_dir;
};
#define DGIT_FETCH_NO_RETRY 0xffffffffu

/* Cap on a download whose size is not known in advance. */
#define DGIT_FETCH_DEFAULT_MAX (256ull * 1024 * 1024)

struct dgit_fetch_item {
	/* in */
	const char *url;
	const char *dest;          /* final path; its directory must exist */
	const char *name;          /* for messages, with the URL; or NULL */
	int has_size;
	uint64_t size;             /* exact size expected, when has_size */
	uint64_t max_size;         /* cap when !has_size; 0: DEFAULT_MAX */
	const char *sha256;        /* expected lowercase hex, or NULL */
	/* out */
	char got_sha256[DGIT_SHA256_HEXLEN + 1];
	uint64_t got_size;
	int from_cache;            /* served from CACHE/sha256 */
	int reused;                /* served from opts->reuse_dir */
};

/*
 * Download every item.  Items with a known sha256 are served from the
 * cache when present there and stored into it after download.
 * A 404 (or a missing file:// file) gives DGIT_ERR_NOT_FOUND; a size or
 * hash mismatch, or a response larger than declared, DGIT_ERR_CHECKSUM;
 * other failures DGIT_ERR_NETWORK naming the URL with curl's reason.
 * On any failure the other transfers stop and no dest of this call is
 * left behind (nor any temporary file).
 */
const struct dgit_error *dgit_fetch_files(const struct dgit_fetch_opts *opts,
    struct dgit_fetch_item *items, size_t n);

/*
 * The cache directory: $XDG_CACHE_HOME/dgit, else $HOME/.cache/dgit.
 * *out is caller-owned (free).
 */
const struct dgit_error *dgit_fetch_cache_dir(char **out);

/*
 * CACHE/url/HEX for url (a caller-owned string).  The directory is created.
 */
const struct dgit_error *dgit_fetch_cache_url_path(char **out,
    const char *cache_dir, const char *url);

/*
 * CACHE/SUB/NAME (a caller-owned string), the one way to name a file in
 * the cache ("sha256/XX" and a hex digest, "lookup/HEX" and a package);
 * with mk, CACHE/SUB is created.
 */
const struct dgit_error *dgit_fetch_cache_path(char **out,
    const char *cache_dir, const char *sub, const char *name, int mk);

/* Remove the whole cache directory; a missing one is not an error. */
const struct dgit_error *dgit_fetch_cache_clear(const char *cache_dir);

/*
 * Download one URL into memory (*out: caller frees, NUL-terminated, *len
 * bytes), at most max bytes, checked against sha256 when not NULL, through
 * a temporary directory under $TMPDIR that is removed before returning.
 * Errors as dgit_fetch_files (DGIT_ERR_NOT_FOUND for a 404).
 */
const struct dgit_error *dgit_fetch_to_memory(char **out, size_t *len,
    const struct dgit_fetch_opts *opts, const char *url, const char *sha256,
    size_t max);

#endif
