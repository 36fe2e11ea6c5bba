/*
 * Pack writer (see dgit_pack.h): a version 2 pack of whole (undeltified)
 * objects and its version 2 .idx, written directly rather than through
 * libgit2's packbuilder, whose delta search and second compression pass
 * cost more than the import itself.  git verifies the result on use
 * (and the tests run git fsck on it).
 *
 * Every object's id is computed with libgit2's SHA-1, which is git's
 * collision-detecting sha1dc, and the pack fails where sha1dc refuses.
 * Why: the SHA-256 chain back to a signed Release proves the bytes are
 * the archive's, not that they are harmless.  Whoever uploads (or
 * writes upstream) chooses them and could ship one half of a
 * chosen-prefix SHA-1 collision; this writer stands where git's
 * index-pack would, and skips objects the repository has by id, so a
 * colliding blob would silently take another's content and the tree
 * would no longer be the package's.  sha1dc refuses the attack pattern
 * as git does.  Objects skipped because they exist need no check: they
 * were checked when written, here or by git.
 * Where: sha1dc is about 4x slower than libcrypto's SHA-1 (measured 240
 * vs 990 MB/s).  With up to DC_CALLER_WORKERS compression workers (2
 * CPUs) it runs once, on the caller's path, as the id: the caller's share
 * (tar, sha1dc) stays under one CPU's while decompression and deflate
 * take the rest, and a second hash of every byte costs more than it
 * frees (an llvm import: 5% of its CPU time).  With more workers the
 * caller's path would be the limit, so the id is plain SHA-1
 * (dgit_hash) and the workers recompute it with sha1dc, failing on a
 * mismatch.
 * The pack and .idx trailers are checksums, not ids: plain SHA-1, as
 * git's own "unsafe" hash for them.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>
#include <zlib.h>
#ifdef DGIT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "dgit_hash.h"
#include "dgit_pack.h"
#include "dgit_run.h"

#define WBUF_SIZE (1u << 20)
#define REC_CHUNK 4096u            /* records per chunk */
#define REC_CHUNKS 65536u          /* so at most 2^28 objects */
#define MAX_WORKERS 8
#define QUEUE_BYTES (32u << 20)    /* data waiting for compression */
#define STREAM_CHUNK (1u << 20)    /* a streamed object's piece per job */
#define DICT_SIZE 32768u           /* deflate's window */
#define ZPIECE (1u << 30)          /* largest piece handed to zlib at once */
#define DC_CALLER_WORKERS 2        /* up to this many: sha1dc ids (the top) */

/* One object in the pack.  Records live in fixed chunks that never move,
 * so a worker can fill in off and crc while the table grows. */
struct prec {
	git_oid oid;
	uint64_t off;
	uint32_t crc;
};

/* An object waiting to be deflated and appended, or (st set) one piece
 * of a streamed object: data holds dictlen bytes of the piece before
 * (deflate's history) and then len bytes of its own. */
struct job {
	struct job *next;
	struct prec *rec;
	git_object_t type;
	unsigned char *data;
	size_t len;
	uint64_t seq;              /* appended in this order */
	struct dgit_pack_stream *st;
	size_t dictlen;
	int first, last;
};

/*
 * An object written in pieces (see dgit_pack_stream_new).  Each piece is
 * deflated on its own as raw deflate data primed with the 32 KiB before
 * it, ending on a byte boundary (Z_SYNC_FLUSH), as pigz does, so workers
 * compress pieces in parallel and their outputs, appended in order
 * between one zlib header and one Adler-32 trailer, are one valid zlib
 * stream.  The id comes from libgit2's streaming SHA-1 (sha1dc) over the
 * pieces in append order; until it is known the object's bytes sit at the
 * end of the pack, and a duplicate is cut off again.
 */
struct dgit_pack_stream {
	struct dgit_pack *p;
	git_object_t type;
	uint64_t len, fed;         /* declared, received */
	struct job *cur;           /* piece being filled (caller side) */
	int queued_any;
	/* append side: one thread at a time, in seq order */
	git_odb_stream *hs;        /* sha1dc over the contents */
	uint64_t start;            /* pack offset of the object */
	uint32_t crc;
	uint32_t adler;
	int ended;                 /* the last piece is in the file */
};

/*
 * What one thread deflates whole objects with: zlib, or libdeflate when
 * built with it (DGIT_HAVE_LIBDEFLATE), which compresses a buffer at
 * once about twice as fast as zlib at the same level.  The pieces of
 * streamed objects always go through zlib, which can prime a piece with
 * the history before it.
 */
struct wz {
	z_stream z;
	int zok;
	unsigned char *out;        /* compress_job's output, kept for the next */
	size_t outcap;
#ifdef DGIT_HAVE_LIBDEFLATE
	struct libdeflate_compressor *ld, *ld0;   /* at level, stored */
	unsigned char *probe;
#endif
};

/*
 * Threads: the caller hashes each object (it needs the id at once) and
 * queues a copy; workers deflate in parallel and append in queue order,
 * so the pack is the same whatever the number of workers.  Reading back
 * waits for the queue to drain.  With no workers all happens in the
 * caller.
 */
struct dgit_pack {
	git_repository *repo;
	git_odb *odb;              /* the repository's, for what it has */
	int odb_empty;             /* it had no object when the pack began */
	char *dir;                 /* .../objects/pack/ */
	char *tmp;                 /* temporary pack path */
	dgit_pack_tmpfile_fn *tmpfile;  /* told of tmp (see dgit_pack_new) */
	void *tmpfile_arg;
	int fd;
	int level;
	uint64_t off;              /* bytes written, including wbuf */
	unsigned char *wbuf;
	size_t wlen;
	struct prec **recs;        /* REC_CHUNKS chunk pointers */
	size_t count;
	uint32_t *tab;             /* open addressing: record index + 1 */
	size_t tabcap;
	struct wz z;               /* the caller's, when there are no workers */
	int zinit;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	int nworkers;
	pthread_t th[MAX_WORKERS];
	struct job *head, *tail;   /* not yet taken by a worker */
	size_t queued_bytes;       /* of jobs not yet appended */
	size_t pending;            /* jobs not yet appended */
	uint64_t next_seq, write_seq;
	int stop;
	enum dgit_error_code werr; /* first worker error */
	char werrmsg[512];
	git_odb *hodb;             /* a sink whose streams only hash */
	int streaming;             /* a dgit_pack_stream is open */
	int check_in_workers;      /* ids plain SHA-1, sha1dc in the workers */
	z_stream rz;               /* the caller's raw deflate (no workers) */
	int rzinit;
};

/* CRC-32 and Adler-32 as zlib computes them (the same start values:
 * crc32(0, NULL, 0) is 0, adler32 is 1); libdeflate's are several times
 * faster (carry-less multiplication), and the pack's CRCs cover every
 * byte written. */
static uint32_t
crc_update(uint32_t crc, const void *d, size_t n)
{
#ifdef DGIT_HAVE_LIBDEFLATE
	return libdeflate_crc32(crc, d, n);
#else
	return (uint32_t)crc32_z(crc, d, n);
#endif
}

static uint32_t
adler_update(uint32_t a, const void *d, size_t n)
{
#ifdef DGIT_HAVE_LIBDEFLATE
	return libdeflate_adler32(a, d, n);
#else
	return (uint32_t)adler32_z(a, d, n);
#endif
}

static const struct dgit_error *
nomem(void)
{
	return dgit_error(DGIT_ERR_NOMEM);
}

static const struct dgit_error *
flush(struct dgit_pack *p)
{
	size_t done = 0;

	while (done < p->wlen) {
		ssize_t r = write(p->fd, p->wbuf + done, p->wlen - done);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return dgit_error_from_errno("cannot write '%s'", p->tmp);
		}
		done += (size_t)r;
	}
	p->wlen = 0;
	return NULL;
}

static const struct dgit_error *
put(struct dgit_pack *p, const void *data, size_t len, uint32_t *crc)
{
	const unsigned char *d = data;

	if (crc)
		*crc = crc_update(*crc, d, len);
	p->off += len;
	while (len > 0) {
		size_t n = WBUF_SIZE - p->wlen;

		if (n > len)
			n = len;
		memcpy(p->wbuf + p->wlen, d, n);
		p->wlen += n;
		d += n;
		len -= n;
		if (p->wlen == WBUF_SIZE) {
			const struct dgit_error *err = flush(p);

			if (err)
				return err;
		}
	}
	return NULL;
}

static struct prec *
rec_at(const struct dgit_pack *p, size_t i)
{
	return &p->recs[i / REC_CHUNK][i % REC_CHUNK];
}

static size_t
slot_of(size_t cap, const git_oid *oid)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof h);
	return (size_t)h & (cap - 1);
}

static struct prec *
lookup(const struct dgit_pack *p, const git_oid *oid)
{
	size_t i = slot_of(p->tabcap, oid);

	while (p->tab[i] != 0) {
		struct prec *r = rec_at(p, p->tab[i] - 1);

		if (git_oid_equal(&r->oid, oid))
			return r;
		i = (i + 1) & (p->tabcap - 1);
	}
	return NULL;
}

static int
grow(struct dgit_pack *p)
{
	size_t ncap = p->tabcap * 2;
	uint32_t *t = calloc(ncap, sizeof *t);

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < p->count; i++) {
		size_t j = slot_of(ncap, &rec_at(p, i)->oid);

		while (t[j] != 0)
			j = (j + 1) & (ncap - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(p->tab);
	p->tab = t;
	p->tabcap = ncap;
	return 0;
}

/* A new record for oid (not yet in the table). */
static struct prec *
add_rec(struct dgit_pack *p, const git_oid *oid)
{
	size_t i, c = p->count / REC_CHUNK;
	struct prec *r;

	if (c >= REC_CHUNKS)
		return NULL;
	if (p->recs[c] == NULL &&
	    (p->recs[c] = calloc(REC_CHUNK, sizeof **p->recs)) == NULL)
		return NULL;
	if ((p->count + 1) * 2 > p->tabcap && grow(p) != 0)
		return NULL;
	r = rec_at(p, p->count);
	git_oid_cpy(&r->oid, oid);
	i = slot_of(p->tabcap, oid);
	while (p->tab[i] != 0)
		i = (i + 1) & (p->tabcap - 1);
	p->tab[i] = (uint32_t)(++p->count);
	return r;
}

/*
 * Deflate len bytes at in onto the end of *b (*done bytes in, *cap
 * allocated; grown as needed), ending with flush (Z_FINISH, or
 * Z_SYNC_FLUSH for a piece of a streamed object).  Of more than
 * PROBE_MIN bytes, the first PROBE are deflated to a block boundary
 * first; when they do not shrink by a sixteenth, the rest is stored
 * (level 0): deflating data that is compressed already (or random)
 * costs more time than anything else in an import and saves nothing,
 * and a deflate stream may mix stored and compressed blocks.  The
 * choice depends on the data alone, so the pack's bytes still do not
 * depend on the number of threads.  zlib counts in 32 bits, so the
 * input and output go in pieces.
 */
#define PROBE (64u << 10)
#define PROBE_MIN (128u << 10)

static int
deflate_run(z_stream *z, const unsigned char *in, size_t len, int flush,
    unsigned char **b, size_t *cap, size_t *done)
{
	size_t left = len;
	int probing = len > PROBE_MIN;

	for (;;) {
		size_t n = probing ? PROBE : left > ZPIECE ? ZPIECE : left;
		int f = probing ? Z_BLOCK : n == left ? flush : Z_NO_FLUSH;
		size_t before = *done;
		int r;

		z->next_in = (Bytef *)(uintptr_t)in;
		z->avail_in = (uInt)n;
		for (;;) {
			size_t room;

			if (*cap - *done < 64) {
				unsigned char *nb = realloc(*b, *cap * 2);

				if (nb == NULL)
					return -1;
				*b = nb;
				*cap *= 2;
			}
			room = *cap - *done;
			z->next_out = *b + *done;
			z->avail_out = room > ZPIECE ? ZPIECE : (uInt)room;
			r = deflate(z, f);
			*done = (size_t)(z->next_out - *b);
			if (r != Z_OK && r != Z_BUF_ERROR && r != Z_STREAM_END)
				return -1;
			if (f == Z_FINISH ? r == Z_STREAM_END :
			    z->avail_in == 0 && z->avail_out > 0)
				break;
		}
		in += n;
		left -= n;
		if (probing) {
			probing = 0;
			if ((*done - before) * 16 > (size_t)n * 15 &&
			    deflateParams(z, 0, Z_DEFAULT_STRATEGY) != Z_OK)
				return -1;
		}
		if (left == 0 && f == flush)
			return 0;
	}
}

/* Ready z for a new object at level (a stored tail switched it to 0). */
static int
deflate_begin(z_stream *z, int level)
{
	return deflateReset(z) == Z_OK &&
	    deflateParams(z, level, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

static int
wz_init(struct wz *w, int level)
{
	memset(w, 0, sizeof *w);
	w->zok = deflateInit(&w->z, level) == Z_OK;
	return w->zok ? 0 : -1;
}

static void
wz_end(struct wz *w)
{
	if (w->zok)
		deflateEnd(&w->z);
#ifdef DGIT_HAVE_LIBDEFLATE
	libdeflate_free_compressor(w->ld);
	libdeflate_free_compressor(w->ld0);
	free(w->probe);
#endif
	free(w->out);
	memset(w, 0, sizeof *w);
}

/* The pack object header for an object of type and size. */
static size_t
obj_header(unsigned char hdr[16], git_object_t type, uint64_t sz)
{
	size_t hl = 0;

	hdr[hl] = (unsigned char)(((unsigned)type << 4) | (sz & 15));
	sz >>= 4;
	while (sz) {
		hdr[hl++] |= 0x80;
		hdr[hl] = sz & 0x7f;
		sz >>= 7;
	}
	return hl + 1;
}

size_t
dgit_pack_parse_header(const unsigned char *in, size_t n, git_object_t *type,
    uint64_t *size)
{
	unsigned shift = 4;
	size_t i = 0;

	if (n == 0)
		return 0;
	*type = (git_object_t)((in[0] >> 4) & 7);
	*size = in[0] & 15;
	while (in[i] & 0x80) {
		if (++i >= n || shift > 57)
			return 0;
		*size |= (uint64_t)(in[i] & 0x7f) << shift;
		shift += 7;
	}
	return i + 1;
}

/* w->out with room for at least need bytes. */
static unsigned char *
wz_out(struct wz *w, size_t need)
{
	if (w->outcap < need) {
		size_t ncap = w->outcap ? w->outcap : 65536;
		unsigned char *b;

		while (ncap < need)
			ncap *= 2;
		/* nothing in it to keep: no realloc's copy */
		free(w->out);
		w->out = NULL;
		w->outcap = 0;
		if ((b = malloc(ncap)) == NULL)
			return NULL;
		w->out = b;
		w->outcap = ncap;
	}
	return w->out;
}

/* Deflate job into *out (pack object header + zlib data), which is
 * w's buffer, good until w's next job: one buffer for all of a worker's
 * objects rather than an allocation (and its page faults) per object. */
static int
compress_job(struct wz *w, int level, const struct job *j,
    unsigned char **out, size_t *outlen)
{
	unsigned char hdr[16];
	size_t hl = obj_header(hdr, j->type, j->len), cap, done;

#ifdef DGIT_HAVE_LIBDEFLATE
	{
		struct libdeflate_compressor *c;
		unsigned char *b;

		if (w->ld == NULL &&
		    (w->ld = libdeflate_alloc_compressor(level)) == NULL)
			return -1;
		c = w->ld;
		/* the same probe as deflate_run's: stored if it does not
		 * shrink by a sixteenth */
		if (j->len > PROBE_MIN && level > 0) {
			if (w->probe == NULL &&
			    (w->probe = malloc(PROBE)) == NULL)
				return -1;
			if (w->ld0 == NULL &&
			    (w->ld0 = libdeflate_alloc_compressor(0)) == NULL)
				return -1;
			if (libdeflate_deflate_compress(c, j->data, PROBE,
			    w->probe, PROBE / 16 * 15) == 0)
				c = w->ld0;
		}
		cap = libdeflate_zlib_compress_bound(c, j->len) + hl;
		if ((b = wz_out(w, cap)) == NULL)
			return -1;
		memcpy(b, hdr, hl);
		done = libdeflate_zlib_compress(c, j->data, j->len, b + hl,
		    cap - hl);
		if (done == 0)
			return -1;
		*out = b;
		*outlen = hl + done;
		return 0;
	}
#endif
	if (deflate_begin(&w->z, level) != 0)
		return -1;
	cap = deflateBound(&w->z, (uLong)j->len) + hl + 64;
	if (wz_out(w, cap) == NULL)
		return -1;
	cap = w->outcap;
	memcpy(w->out, hdr, hl);
	done = hl;
	/* deflate_run grows the buffer it is given (rarely: cap is the
	 * bound) */
	if (deflate_run(&w->z, j->data, j->len, Z_FINISH, &w->out, &cap,
	    &done) != 0) {
		w->outcap = cap;
		return -1;
	}
	w->outcap = cap;
	*out = w->out;
	*outlen = done;
	return 0;
}

/* Deflate one piece of a streamed object (raw deflate, primed with the
 * history before it, flushed to a byte boundary or finished). */
static int
compress_piece(z_stream *z, int level, const struct job *j,
    unsigned char **out, size_t *outlen)
{
	size_t cap, done = 0;
	unsigned char *b;

	if (deflate_begin(z, level) != 0)
		return -1;
	if (j->dictlen && deflateSetDictionary(z, j->data,
	    (uInt)j->dictlen) != Z_OK)
		return -1;
	cap = deflateBound(z, (uLong)j->len) + 64;
	if ((b = malloc(cap)) == NULL)
		return -1;
	if (deflate_run(z, j->data + j->dictlen, j->len, j->last ? Z_FINISH :
	    Z_SYNC_FLUSH, &b, &cap, &done) != 0) {
		free(b);
		return -1;
	}
	*out = b;
	*outlen = done;
	return 0;
}

static const char *type_name(git_object_t type);
static const struct dgit_error *check_collision(const git_oid *id,
    git_object_t type, const void *data, size_t len);

/* Append a compressed object: only one thread at a time (seq order). */
static const struct dgit_error *
append(struct dgit_pack *p, struct prec *r, const unsigned char *b,
    size_t n)
{
	uint32_t crc = 0;
	uint64_t start = p->off;
	const struct dgit_error *err = put(p, b, n, &crc);

	if (err == NULL) {
		r->off = start;
		r->crc = crc;
	}
	return err;
}

static void
worker_fail(struct dgit_pack *p, const struct dgit_error *err)
{
	pthread_mutex_lock(&p->mu);
	if (p->werr == DGIT_ERR_OK) {
		p->werr = err->code;
		snprintf(p->werrmsg, sizeof p->werrmsg, "%s", err->msg);
	}
	pthread_mutex_unlock(&p->mu);
}

/* The zlib header for level (RFC 1950: 32 KiB window, FLEVEL as zlib
 * sets it, FCHECK). */
static void
zlib_header(unsigned char h[2], int level)
{
	unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
	unsigned v = (0x78u << 8) | (flevel << 6);

	v += 31 - v % 31;
	h[0] = (unsigned char)(v >> 8);
	h[1] = (unsigned char)v;
}

/*
 * Append one compressed piece of a streamed object and feed its contents
 * to the id's hash: only one thread at a time (seq order).  The first
 * piece brings the pack object header and the zlib header, the last the
 * Adler-32 trailer.
 */
static const struct dgit_error *
append_piece(struct dgit_pack *p, const struct job *j, const unsigned char *b,
    size_t n)
{
	struct dgit_pack_stream *st = j->st;
	const unsigned char *d = j->data + j->dictlen;
	const struct dgit_error *err;

	if (j->first) {
		unsigned char hdr[16];
		size_t hl = 0;
		uint64_t sz = st->len;

		hdr[hl] = (unsigned char)(((unsigned)st->type << 4) |
		    (sz & 15));
		sz >>= 4;
		while (sz) {
			hdr[hl++] |= 0x80;
			hdr[hl] = sz & 0x7f;
			sz >>= 7;
		}
		hl++;
		zlib_header(hdr + hl, p->level);
		hl += 2;
		st->start = p->off;
		st->crc = 0;
		st->adler = 1;
		if ((err = put(p, hdr, hl, &st->crc)) != NULL)
			return err;
	}
	if ((err = put(p, b, n, &st->crc)) != NULL)
		return err;
	st->adler = adler_update(st->adler, d, j->len);
	if (git_odb_stream_write(st->hs, (const char *)d, j->len) != 0)
		return dgit_error_git("cannot hash a %s", type_name(st->type));
	if (j->last) {
		unsigned char t[4];

		t[0] = (unsigned char)(st->adler >> 24);
		t[1] = (unsigned char)(st->adler >> 16);
		t[2] = (unsigned char)(st->adler >> 8);
		t[3] = (unsigned char)st->adler;
		if ((err = put(p, t, 4, &st->crc)) != NULL)
			return err;
		st->ended = 1;
	}
	return NULL;
}

static void *
worker(void *arg)
{
	struct dgit_pack *p = arg;
	struct wz w;
	z_stream rz;
	int zok, rzok;

	memset(&rz, 0, sizeof rz);
	zok = wz_init(&w, p->level) == 0;
	rzok = deflateInit2(&rz, p->level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) == Z_OK;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		const struct dgit_error *cerr = NULL;
		struct job *j;
		unsigned char *b = NULL;
		char cmsg[512];
		size_t n = 0;
		int ok;

		while (p->head == NULL && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->head == NULL)
			break;
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->mu);

		if (j->st) {
			ok = rzok && compress_piece(&rz, p->level, j, &b, &n) == 0;
		} else {
			ok = zok && compress_job(&w, p->level, j, &b, &n) == 0;
			cerr = ok && p->check_in_workers ?
			    check_collision(&j->rec->oid, j->type, j->data,
			    j->len) : NULL;
		}
		if (cerr)
			snprintf(cmsg, sizeof cmsg, "%s", cerr->msg);

		pthread_mutex_lock(&p->mu);
		while (j->seq != p->write_seq)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		/* our turn: nobody else appends until write_seq moves */
		if (!ok)
			worker_fail(p, dgit_error_fmt(DGIT_ERR_NOMEM,
			    "cannot compress an object"));
		else if (cerr)
			worker_fail(p, dgit_error_fmt(DGIT_ERR_GIT, "%s", cmsg));
		else {
			const struct dgit_error *err = j->st ?
			    append_piece(p, j, b, n) : append(p, j->rec, b, n);

			if (err)
				worker_fail(p, err);
		}
		if (j->st)
			free(b);       /* a whole object's is w's */
		pthread_mutex_lock(&p->mu);
		p->write_seq++;
		p->pending--;
		p->queued_bytes -= j->len;
		pthread_cond_broadcast(&p->cv);
		free(j->data);
		free(j);
	}
	pthread_mutex_unlock(&p->mu);
	wz_end(&w);
	if (rzok)
		deflateEnd(&rz);
	return NULL;
}

/* Wait until every queued object is in the file; the first worker error. */
static const struct dgit_error *
drain(struct dgit_pack *p)
{
	const struct dgit_error *err = NULL;

	if (p->nworkers == 0)
		return NULL;
	pthread_mutex_lock(&p->mu);
	while (p->pending > 0)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->werr != DGIT_ERR_OK)
		err = dgit_error_fmt(p->werr, "%s", p->werrmsg);
	pthread_mutex_unlock(&p->mu);
	return err;
}

/* Stop the workers; with discard, queued objects are dropped first. */
static void
stop_workers(struct dgit_pack *p, int discard)
{
	if (p->nworkers == 0)
		return;
	pthread_mutex_lock(&p->mu);
	while (discard && p->head) {
		struct job *j = p->head;

		p->head = j->next;
		free(j->data);
		free(j);
	}
	p->tail = p->head;
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->th[i], NULL);
	p->nworkers = 0;
}

/*
 * The temporary pack file, named here rather than by mkstemp so that the
 * caller is told its name before it exists (pid and a counter make it
 * unique; O_EXCL makes sure).
 */
static const struct dgit_error *
create_tmp(struct dgit_pack *p, dgit_pack_tmpfile_fn *tmpfile, void *arg)
{
	static unsigned long serial;

	for (int tries = 0; tries < 100; tries++) {
		char *path;

		if (asprintf(&path, "%stmp_dgit_pack_%ld_%lu", p->dir,
		    (long)getpid(), serial++) < 0)
			return nomem();
		if (tmpfile)
			tmpfile(arg, path, 1);
		p->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
		if (p->fd >= 0) {
			p->tmp = path;
			p->tmpfile = tmpfile;
			p->tmpfile_arg = arg;
			return NULL;
		}
		if (tmpfile)
			tmpfile(arg, path, 0);
		if (errno != EEXIST) {
			const struct dgit_error *err = dgit_error_from_errno(
			    "cannot create a pack in '%s'", p->dir);

			free(path);
			return err;
		}
		free(path);
	}
	errno = EEXIST;
	return dgit_error_from_errno("cannot create a pack in '%s'", p->dir);
}

/*
 * 1 when the object directory under common holds no object: no loose
 * object directory, no pack, no alternates (a repository just made).
 * Then asking it for each object written is only time (about 3500
 * failing access() calls for xen); an object someone else adds
 * meanwhile (the git server fetch, on another thread) is merely stored
 * twice, which git allows.  0 when unsure.
 */
static int
odb_empty(const char *common)
{
	DIR *d;
	struct dirent *de;
	char *path = NULL;
	int empty = 1;

	if (asprintf(&path, "%sobjects", common) < 0)
		return 0;
	if ((d = opendir(path)) == NULL) {
		free(path);
		return 0;
	}
	while (empty && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..")
		    != 0 && strcmp(de->d_name, "info") != 0 &&
		    strcmp(de->d_name, "pack") != 0)
			empty = 0;
	closedir(d);
	free(path);
	if (empty && asprintf(&path, "%sobjects/info/alternates", common) >= 0) {
		empty = access(path, F_OK) != 0 && errno == ENOENT;
		free(path);
	}
	if (empty && asprintf(&path, "%sobjects/pack", common) >= 0) {
		if ((d = opendir(path)) != NULL) {
			while (empty && (de = readdir(d)) != NULL) {
				size_t n = strlen(de->d_name);

				if (n > 5 && strcmp(de->d_name + n - 5, ".pack")
				    == 0)
					empty = 0;
			}
			closedir(d);
		} else if (errno != ENOENT) {
			empty = 0;
		}
		free(path);
	}
	return empty;
}

const struct dgit_error *
dgit_pack_new(struct dgit_pack **out, git_repository *repo, int level,
    int threads, dgit_pack_tmpfile_fn *tmpfile, void *tmpfile_arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack *p;
	const char *common = git_repository_commondir(repo);
	static const unsigned char hdr[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2,
	    0, 0, 0, 0 };

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return nomem();
	p->fd = -1;
	p->repo = repo;
	p->level = level < 0 || level > 9 ? 1 : level;
	p->tabcap = 1024;
	p->tab = calloc(p->tabcap, sizeof *p->tab);
	p->recs = calloc(REC_CHUNKS, sizeof *p->recs);
	p->wbuf = malloc(WBUF_SIZE);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (p->tab == NULL || p->recs == NULL || p->wbuf == NULL ||
	    asprintf(&p->dir, "%sobjects/pack/", common) < 0) {
		p->dir = NULL;
		err = nomem();
		goto done;
	}
	if (mkdir(p->dir, 0777) != 0 && errno != EEXIST) {
		err = dgit_error_from_errno("cannot create '%s'", p->dir);
		goto done;
	}
	/* before the temporary pack is made in it */
	p->odb_empty = odb_empty(common);
	if ((err = create_tmp(p, tmpfile, tmpfile_arg)) != NULL)
		goto done;
	if (wz_init(&p->z, p->level) != 0) {
		err = nomem();
		goto done;
	}
	p->zinit = 1;
	if ((err = put(p, hdr, sizeof hdr, NULL)) != NULL)
		goto done;
	if (git_repository_odb(&p->odb, repo) != 0) {
		err = dgit_error_git("cannot open the object database");
		goto done;
	}
	if (threads < 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		threads = n > 1 ? (int)n : 0;
	}
	if (threads > MAX_WORKERS)
		threads = MAX_WORKERS;
	/* before the workers start, which read it (fewer of them starting
	 * only makes the check slower) */
	p->check_in_workers = threads > DC_CALLER_WORKERS;
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->th[i], NULL, worker, p) != 0)
			break;
		p->nworkers++;
	}
done:
	if (err)
		dgit_pack_free(p);
	else
		*out = p;
	return err;
}

static const char *
type_name(git_object_t type)
{
	switch (type) {
	case GIT_OBJECT_BLOB: return "blob";
	case GIT_OBJECT_TREE: return "tree";
	case GIT_OBJECT_COMMIT: return "commit";
	case GIT_OBJECT_TAG: return "tag";
	default: return NULL;
	}
}

/* The object id: sha1dc, which also refuses a collision attack, or with
 * many workers plain SHA-1, checked in the workers (see the top). */
static const struct dgit_error *
hash_object(struct dgit_pack *p, git_oid *out, git_object_t type,
    const void *data, size_t len)
{
	const struct dgit_error *err;
	struct dgit_hash h;
	char hdr[64];
	int n;

	if (!p->check_in_workers) {
		if (git_odb_hash(out, data, len, type) != 0)
			return dgit_error_git("refusing a %s of %zu bytes",
			    type_name(type), len);
		return NULL;
	}
	n = snprintf(hdr, sizeof hdr, "%s %zu", type_name(type), len);
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA1)))
		return err;
	dgit_hash_update(&h, hdr, (size_t)n + 1);
	dgit_hash_update(&h, data, len);
	dgit_hash_final(&h, out->id);
	return NULL;
}

/*
 * The same id through libgit2's SHA-1, git's collision-detecting sha1dc,
 * which fails on either half of a SHA-1 collision attack.
 */
static const struct dgit_error *
check_collision(const git_oid *id, git_object_t type, const void *data,
    size_t len)
{
	git_oid chk;

	if (git_odb_hash(&chk, data, len, type) != 0)
		return dgit_error_git("refusing a %s of %zu bytes",
		    type_name(type), len);
	if (!git_oid_equal(&chk, id))
		return dgit_error_fmt(DGIT_ERR_GIT, "the ids of a %s of %zu "
		    "bytes disagree", type_name(type), len);
	return NULL;
}

/* Queue j for the workers, waiting while too much waits already. */
static const struct dgit_error *
enqueue(struct dgit_pack *p, struct job *j)
{
	const struct dgit_error *err;

	pthread_mutex_lock(&p->mu);
	while (p->queued_bytes > 0 && p->queued_bytes + j->len > QUEUE_BYTES &&
	    p->werr == DGIT_ERR_OK)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->werr != DGIT_ERR_OK) {
		err = dgit_error_fmt(p->werr, "%s", p->werrmsg);
		pthread_mutex_unlock(&p->mu);
		free(j->data);
		free(j);
		return err;
	}
	j->seq = p->next_seq++;
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued_bytes += j->len;
	p->pending++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* dgit_pack_write, and with take (*take is data), the queued object
 * keeps *take instead of a copy. */
static const struct dgit_error *
write_object(struct dgit_pack *p, git_oid *out, git_object_t type,
    const void *data, size_t len, void **take)
{
	const struct dgit_error *err;
	struct job *j;
	struct prec *r;

	if (type_name(type) == NULL)
		return dgit_error_fmt(DGIT_ERR_GIT, "bad object type %d",
		    (int)type);
	if (p->streaming)
		return dgit_error_fmt(DGIT_ERR_GIT, "an object is being "
		    "streamed into '%s'", p->tmp);
	if ((err = hash_object(p, out, type, data, len)) != NULL)
		return err;
	if (lookup(p, out) != NULL)
		return NULL;
	/* what the repository has already (an earlier import of the same
	 * orig) is not stored again; no rescan of the pack directory */
	if (!p->odb_empty &&
	    git_odb_exists_ext(p->odb, out, GIT_ODB_LOOKUP_NO_REFRESH))
		return NULL;
	if ((r = add_rec(p, out)) == NULL)
		return nomem();

	if (p->nworkers == 0) {
		struct job one = { NULL, r, type, (unsigned char *)(uintptr_t)data,
		    len, 0 };
		unsigned char *b;
		size_t n;

		if (compress_job(&p->z, p->level, &one, &b, &n) != 0)
			return nomem();
		return append(p, r, b, n);
	}

	j = calloc(1, sizeof *j);
	if (j == NULL)
		return nomem();
	if (take) {
		j->data = *take;
		*take = NULL;
	} else if ((j->data = malloc(len ? len : 1)) == NULL) {
		free(j);
		return nomem();
	} else {
		memcpy(j->data, data, len);
	}
	j->len = len;
	j->type = type;
	j->rec = r;
	return enqueue(p, j);
}

const struct dgit_error *
dgit_pack_write(struct dgit_pack *p, git_oid *out, git_object_t type,
    const void *data, size_t len)
{
	return write_object(p, out, type, data, len, NULL);
}

const struct dgit_error *
dgit_pack_write_take(struct dgit_pack *p, git_oid *out, git_object_t type,
    void **data, size_t len)
{
	return write_object(p, out, type, *data, len, data);
}

/* ---- streamed objects ------------------------------------------------ */

static int
sink_write(git_odb_stream *s, const char *b, size_t n)
{
	(void)s;
	(void)b;
	(void)n;
	return 0;
}

static int
sink_finalize(git_odb_stream *s, const git_oid *oid)
{
	(void)s;
	(void)oid;
	return 0;
}

static void
sink_stream_free(git_odb_stream *s)
{
	free(s);
}

/* A backend that keeps nothing: libgit2 hashes what its streams are
 * given (with sha1dc), which is all they are for. */
static int
sink_writestream(git_odb_stream **out, git_odb_backend *b,
    git_object_size_t len, git_object_t type)
{
	git_odb_stream *s = calloc(1, sizeof *s);

	(void)len;
	(void)type;
	if (s == NULL)
		return -1;
	s->backend = b;
	s->mode = GIT_STREAM_WRONLY;
	s->write = sink_write;
	s->finalize_write = sink_finalize;
	s->free = sink_stream_free;
	*out = s;
	return 0;
}

static void
sink_free(git_odb_backend *b)
{
	free(b);
}

static const struct dgit_error *
sink_odb(git_odb **out)
{
	git_odb_backend *b = NULL;
	git_odb *odb = NULL;

	*out = NULL;
	if (git_odb_new(&odb) != 0)
		return dgit_error_git("cannot make an object hasher");
	b = calloc(1, sizeof *b);
	if (b == NULL || git_odb_init_backend(b,
	    GIT_ODB_BACKEND_VERSION) != 0) {
		free(b);
		git_odb_free(odb);
		return nomem();
	}
	b->writestream = sink_writestream;
	b->free = sink_free;
	if (git_odb_add_backend(odb, b, 1) != 0) {
		free(b);
		git_odb_free(odb);
		return dgit_error_git("cannot make an object hasher");
	}
	*out = odb;
	return NULL;
}

/* A new piece with the history (up to 32 KiB) after prev's contents. */
static struct job *
piece_new(struct dgit_pack_stream *s, const struct job *prev)
{
	struct job *j = calloc(1, sizeof *j);
	size_t have = prev ? prev->dictlen + prev->len : 0;

	if (j == NULL)
		return NULL;
	j->data = malloc(DICT_SIZE + STREAM_CHUNK);
	if (j->data == NULL) {
		free(j);
		return NULL;
	}
	j->st = s;
	j->type = s->type;
	j->first = prev == NULL;
	j->dictlen = have > DICT_SIZE ? DICT_SIZE : have;
	if (j->dictlen)
		memcpy(j->data, prev->data + have - j->dictlen, j->dictlen);
	return j;
}

/* Hand the current piece on (compressed here when there are no
 * workers) and start the next unless it is the last. */
static const struct dgit_error *
piece_queue(struct dgit_pack_stream *s, int last)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack *p = s->p;
	struct job *j = s->cur, *next = NULL;

	j->last = last;
	if (!last && (next = piece_new(s, j)) == NULL)
		return nomem();
	s->cur = next;
	s->queued_any = 1;
	if (p->nworkers == 0) {
		unsigned char *b = NULL;
		size_t n = 0;

		if (compress_piece(&p->rz, p->level, j, &b, &n) != 0)
			err = nomem();
		else
			err = append_piece(p, j, b, n);
		free(b);
		free(j->data);
		free(j);
		return err;
	}
	return enqueue(p, j);
}

const struct dgit_error *
dgit_pack_stream_new(struct dgit_pack_stream **out, struct dgit_pack *p,
    git_object_t type, uint64_t len)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack_stream *s;

	*out = NULL;
	if (type_name(type) == NULL)
		return dgit_error_fmt(DGIT_ERR_GIT, "bad object type %d",
		    (int)type);
	if (p->streaming)
		return dgit_error_fmt(DGIT_ERR_GIT, "an object is already "
		    "being streamed into '%s'", p->tmp);
	if (p->hodb == NULL && (err = sink_odb(&p->hodb)) != NULL)
		return err;
	if (!p->rzinit) {
		if (deflateInit2(&p->rz, p->level, Z_DEFLATED, -15, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return nomem();
		p->rzinit = 1;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return nomem();
	s->p = p;
	s->type = type;
	s->len = len;
	if (git_odb_open_wstream(&s->hs, p->hodb, len, type) != 0) {
		free(s);
		return dgit_error_git("cannot hash a %s", type_name(type));
	}
	if ((s->cur = piece_new(s, NULL)) == NULL) {
		git_odb_stream_free(s->hs);
		free(s);
		return nomem();
	}
	p->streaming = 1;
	*out = s;
	return NULL;
}

const struct dgit_error *
dgit_pack_stream_write(struct dgit_pack_stream *s, const void *data,
    size_t len)
{
	const struct dgit_error *err;
	const unsigned char *d = data;

	if (len > s->len - s->fed)
		return dgit_error_fmt(DGIT_ERR_GIT, "a %s of %llu bytes is "
		    "given more", type_name(s->type),
		    (unsigned long long)s->len);
	while (len > 0) {
		struct job *j = s->cur;
		size_t n = STREAM_CHUNK - j->len;

		if (n > len)
			n = len;
		memcpy(j->data + j->dictlen + j->len, d, n);
		j->len += n;
		s->fed += n;
		d += n;
		len -= n;
		/* the piece that holds the last byte goes at finish */
		if (j->len == STREAM_CHUNK && s->fed < s->len &&
		    (err = piece_queue(s, 0)) != NULL)
			return err;
	}
	return NULL;
}

const struct dgit_error *
dgit_pack_stream_finish(struct dgit_pack_stream *s, git_oid *out)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack *p = s->p;
	struct prec *r;

	if (s->fed != s->len)
		return dgit_error_fmt(DGIT_ERR_GIT, "a %s of %llu bytes was "
		    "given %llu", type_name(s->type),
		    (unsigned long long)s->len, (unsigned long long)s->fed);
	if ((err = piece_queue(s, 1)) != NULL || (err = drain(p)) != NULL)
		return err;
	if (!s->ended)
		return dgit_error_fmt(DGIT_ERR_GIT, "a streamed %s did not "
		    "reach '%s'", type_name(s->type), p->tmp);
	if (git_odb_stream_finalize_write(out, s->hs) != 0)
		return dgit_error_git("refusing a %s of %llu bytes",
		    type_name(s->type), (unsigned long long)s->len);
	if (lookup(p, out) != NULL || (!p->odb_empty &&
	    git_odb_exists_ext(p->odb, out, GIT_ODB_LOOKUP_NO_REFRESH))) {
		/* stored already: cut this copy off the end again */
		if ((err = flush(p)) != NULL)
			return err;
		if (ftruncate(p->fd, (off_t)s->start) != 0 ||
		    lseek(p->fd, (off_t)s->start, SEEK_SET) < 0)
			return dgit_error_from_errno("cannot truncate '%s'",
			    p->tmp);
		p->off = s->start;
		return NULL;
	}
	if ((r = add_rec(p, out)) == NULL)
		return nomem();
	r->off = s->start;
	r->crc = s->crc;
	return NULL;
}

void
dgit_pack_stream_free(struct dgit_pack_stream *s)
{
	if (s == NULL)
		return;
	/* pieces queued refer to s: let them through first */
	if (s->queued_any)
		drain(s->p);
	if (s->cur) {
		free(s->cur->data);
		free(s->cur);
	}
	git_odb_stream_free(s->hs);
	s->p->streaming = 0;
	free(s);
}

const char *
dgit_pack_tmp_path(const struct dgit_pack *p)
{
	return p->tmp;
}

size_t
dgit_pack_count(const struct dgit_pack *p)
{
	return p->count;
}

/* Read the object at off from the (flushed) pack file. */
static const struct dgit_error *
read_at(struct dgit_pack *p, void **data, size_t *len, git_object_t *type,
    uint64_t off)
{
	const struct dgit_error *err = NULL;
	unsigned char in[65536];
	size_t size = 0, got;
	unsigned shift = 4;
	z_stream z;
	ssize_t r;
	char *buf = NULL;
	size_t i = 0;
	int zr = Z_OK;

	memset(&z, 0, sizeof z);
	r = pread(p->fd, in, sizeof in, (off_t)off);
	if (r <= 0)
		return dgit_error_from_errno("cannot read back '%s'", p->tmp);
	got = (size_t)r;
	*type = (git_object_t)((in[0] >> 4) & 7);
	size = in[0] & 15;
	while (in[i] & 0x80) {
		i++;
		if (i >= got || shift > 57)
			return dgit_error_fmt(DGIT_ERR_GIT, "corrupt pack "
			    "'%s'", p->tmp);
		size |= (size_t)(in[i] & 0x7f) << shift;
		shift += 7;
	}
	i++;
	buf = malloc(size + 1);
	if (buf == NULL || inflateInit(&z) != Z_OK) {
		free(buf);
		return nomem();
	}
	z.next_out = (Bytef *)buf;
	z.avail_out = size > ZPIECE ? ZPIECE : (uInt)size;
	z.next_in = in + i;
	z.avail_in = (uInt)(got - i);
	off += got;
	for (;;) {
		/* zlib counts in 32 bits: the output goes in pieces */
		if (z.avail_out == 0) {
			size_t done = (size_t)(z.next_out - (Bytef *)buf);

			z.avail_out = size - done > ZPIECE ? ZPIECE :
			    (uInt)(size - done);
		}
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "corrupt object in "
			    "'%s'", p->tmp);
			goto done;
		}
		if (z.avail_in == 0) {
			r = pread(p->fd, in, sizeof in, (off_t)off);
			if (r <= 0) {
				err = dgit_error_fmt(DGIT_ERR_GIT, "truncated "
				    "object in '%s'", p->tmp);
				goto done;
			}
			off += (uint64_t)r;
			z.next_in = in;
			z.avail_in = (uInt)r;
		} else if (z.avail_out == 0 &&
		    (size_t)(z.next_out - (Bytef *)buf) == size) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "object too long in "
			    "'%s'", p->tmp);
			goto done;
		}
	}
	if ((size_t)(z.next_out - (Bytef *)buf) != size) {
		err = dgit_error_fmt(DGIT_ERR_GIT, "object size mismatch in "
		    "'%s'", p->tmp);
		goto done;
	}
	buf[size] = '\0';
	*data = buf;
	*len = size;
	buf = NULL;
done:
	inflateEnd(&z);
	free(buf);
	return err;
}

const struct dgit_error *
dgit_pack_read(struct dgit_pack *p, void **data, size_t *len,
    git_object_t *type, const git_oid *oid)
{
	const struct dgit_error *err = NULL;
	struct prec *e = lookup(p, oid);
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];

	*data = NULL;
	*len = 0;
	if (e != NULL) {
		if ((err = drain(p)) != NULL || (err = flush(p)) != NULL)
			return err;
		return read_at(p, data, len, type, e->off);
	}
	if (git_repository_odb(&odb, p->repo) != 0)
		return dgit_error_git("cannot open the object database");
	if (git_odb_read(&obj, odb, oid) != 0) {
		git_oid_tostr(hex, sizeof hex, oid);
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "object %s not found",
		    hex);
		goto done;
	}
	*len = git_odb_object_size(obj);
	*type = git_odb_object_type(obj);
	*data = malloc(*len + 1);
	if (*data == NULL) {
		err = nomem();
		goto done;
	}
	memcpy(*data, git_odb_object_data(obj), *len);
	((char *)*data)[*len] = '\0';
done:
	git_odb_object_free(obj);
	git_odb_free(odb);
	return err;
}

/*
 * Reading an object in pieces.  Objects in this pack are inflated from
 * the pack file as they are read.  Of the repository's objects libgit2
 * 1.5 streams only loose ones (git_odb_open_rstream has no pack
 * backend).  A packed one up to READ_WHOLE_MAX is read whole by
 * git_odb_read on the first read, as dgit_pack_read would; a larger one
 * comes from `git cat-file`, which streams an undeltified packed object
 * (git does not deltify a blob over core.bigFileThreshold, and our pack
 * writer never does), through a pipe, and is checked against its id as
 * it passes (git_odb_read checks too).  Rewinding starts the child again.
 */
#define READ_WHOLE_MAX ((uint64_t)8 << 20)

struct dgit_pack_reader {
	struct dgit_pack *p;       /* NULL: a repository's reader */
	git_repository *repo;
	git_oid oid;
	git_object_t type;
	uint64_t size, out;        /* the object's length, given so far */
	/* in this pack */
	int own;
	uint64_t data_off, pos;    /* first deflated byte, next to read */
	z_stream z;
	int zinit;
	unsigned char in[65536];
	/* in the repository */
	git_odb *odb;
	git_odb_stream *os;
	git_odb_object *obj;
	/* from git cat-file */
	struct dgit_run_pipe *rp;
	struct dgit_hash h;
	int hinit, verified;       /* hashing this pass; a pass matched */
	int failed;                /* the end check failed: rewind first */
};

static const struct dgit_error *
start_cat_file(struct dgit_pack_reader *r)
{
	const struct dgit_error *err;
	const char *type = git_object_type2string(r->type);
	char hex[GIT_OID_HEXSZ + 1], hdr[64];
	char *gitdir = NULL;
	int n;
	static const char *const env[] = { "GIT_OBJECT_DIRECTORY",
	    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NO_REPLACE_OBJECTS=1",
	    NULL };
	struct dgit_run_opts opts = { .env = env, .err =
	    DGIT_RUN_OUT_CAPTURE, .cap = 65536 };

	git_oid_tostr(hex, sizeof hex, &r->oid);
	if (asprintf(&gitdir, "--git-dir=%s", git_repository_path(r->repo))
	    < 0)
		return nomem();
	{
		const char *argv[] = { "git", gitdir, "--no-replace-objects",
		    "cat-file", type, hex, NULL };

		err = dgit_run_pipe_open(&r->rp, argv, &opts);
	}
	free(gitdir);
	if (err)
		return dgit_error_wrap(err, "cannot read the object %s of %"
		    PRIu64 " bytes (too large to read whole)", hex, r->size);
	if (r->verified)
		return NULL;
	if ((err = dgit_hash_init(&r->h, DGIT_HASH_SHA1)))
		return err;
	r->hinit = 1;
	n = snprintf(hdr, sizeof hdr, "%s %" PRIu64, type, r->size);
	dgit_hash_update(&r->h, hdr, (size_t)n + 1);
	return NULL;
}

/* The child's end: nothing more than the object, a clean exit, and
 * the id right. */
static const struct dgit_error *
end_cat_file(struct dgit_pack_reader *r)
{
	const struct dgit_error *err;
	char extra[1], hex[GIT_OID_HEXSZ + 1];
	unsigned char id[20];
	size_t got;

	git_oid_tostr(hex, sizeof hex, &r->oid);
	if ((err = dgit_run_pipe_read(r->rp, extra, sizeof extra, &got)))
		return err;
	if (got != 0)
		return dgit_error_fmt(DGIT_ERR_GIT, "object %s: git cat-file "
		    "gave more than its %" PRIu64 " bytes", hex, r->size);
	if ((err = dgit_run_pipe_close(r->rp)))
		return err;
	dgit_run_pipe_free(r->rp);
	r->rp = NULL;
	if (r->hinit) {
		dgit_hash_final(&r->h, id);
		r->hinit = 0;
		if (memcmp(id, r->oid.id, sizeof id) != 0)
			return dgit_error_fmt(DGIT_ERR_GIT, "object %s is "
			    "corrupt (its contents have another id); run "
			    "git fsck", hex);
		r->verified = 1;
	}
	return NULL;
}

/* The object header at off: type, size and where the deflated data
 * starts. */
static const struct dgit_error *
own_header(struct dgit_pack *p, uint64_t off, git_object_t *type,
    uint64_t *size, uint64_t *data_off)
{
	unsigned char in[16];
	ssize_t r = pread(p->fd, in, sizeof in, (off_t)off);
	size_t hl;

	if (r <= 0)
		return dgit_error_from_errno("cannot read back '%s'", p->tmp);
	if ((hl = dgit_pack_parse_header(in, (size_t)r, type, size)) == 0)
		return dgit_error_fmt(DGIT_ERR_GIT, "corrupt pack '%s'",
		    p->tmp);
	*data_off = off + hl;
	return NULL;
}

static const struct dgit_error *
reader_start(struct dgit_pack_reader *r)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t len;
	git_object_t type;

	r->out = 0;
	r->failed = 0;
	if (r->own) {
		if (r->zinit)
			inflateEnd(&r->z);
		memset(&r->z, 0, sizeof r->z);
		if (inflateInit(&r->z) != Z_OK)
			return nomem();
		r->zinit = 1;
		r->pos = r->data_off;
		return NULL;
	}
	git_odb_stream_free(r->os);
	r->os = NULL;
	dgit_run_pipe_free(r->rp);
	r->rp = NULL;
	if (r->hinit)
		dgit_hash_release(&r->h);
	r->hinit = 0;
	if (r->obj != NULL)
		return NULL;
	if (git_odb_open_rstream(&r->os, &len, &type, r->odb, &r->oid) == 0)
		return NULL;
	git_error_clear();
	if (r->size > READ_WHOLE_MAX)
		return start_cat_file(r);
	if (git_odb_read(&r->obj, r->odb, &r->oid) != 0) {
		git_oid_tostr(hex, sizeof hex, &r->oid);
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "object %s not "
		    "found", hex);
	}
	if (git_odb_object_size(r->obj) != r->size)
		return dgit_error_fmt(DGIT_ERR_GIT, "object size mismatch");
	return NULL;
}

static const struct dgit_error *
reader_new(struct dgit_pack_reader **out, git_object_t *type,
    uint64_t *size, struct dgit_pack *p, git_repository *repo,
    const git_oid *oid)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack_reader *r;
	struct prec *e = p ? lookup(p, oid) : NULL;
	char hex[GIT_OID_HEXSZ + 1];

	*out = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return nomem();
	r->p = p;
	r->repo = repo;
	git_oid_cpy(&r->oid, oid);
	if (e != NULL) {
		r->own = 1;
		if ((err = drain(p)) != NULL || (err = flush(p)) != NULL ||
		    (err = own_header(p, e->off, &r->type, &r->size,
		    &r->data_off)) != NULL)
			goto done;
	} else {
		size_t len;

		if (git_repository_odb(&r->odb, repo) != 0) {
			err = dgit_error_git("cannot open the object database");
			goto done;
		}
		if (git_odb_read_header(&len, &r->type, r->odb, oid) != 0) {
			git_oid_tostr(hex, sizeof hex, oid);
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "object %s not "
			    "found", hex);
			goto done;
		}
		r->size = len;
	}
	if ((err = reader_start(r)) != NULL)
		goto done;
	*type = r->type;
	*size = r->size;
	*out = r;
	r = NULL;
done:
	dgit_pack_reader_free(r);
	return err;
}

const struct dgit_error *
dgit_pack_reader_new(struct dgit_pack_reader **out, git_object_t *type,
    uint64_t *size, struct dgit_pack *p, const git_oid *oid)
{
	return reader_new(out, type, size, p, p->repo, oid);
}

const struct dgit_error *
dgit_pack_reader_repo_new(struct dgit_pack_reader **out, git_object_t *type,
    uint64_t *size, git_repository *repo, const git_oid *oid)
{
	return reader_new(out, type, size, NULL, repo, oid);
}

const struct dgit_error *
dgit_pack_reader_read(struct dgit_pack_reader *r, void *buf, size_t cap,
    size_t *got)
{
	const struct dgit_error *err;
	uint64_t left = r->size - r->out;
	size_t want = cap;

	*got = 0;
	if (r->failed || (!r->own && r->obj == NULL && r->os == NULL &&
	    r->rp == NULL && left > 0))
		return dgit_error_fmt(DGIT_ERR_GIT, "an object read failed; "
		    "it cannot be read on without a rewind");
	if (want > left)
		want = (size_t)left;
	if (want > ZPIECE)
		want = ZPIECE;
	if (want == 0)
		return NULL;
	if (r->obj != NULL) {
		memcpy(buf, (const char *)git_odb_object_data(r->obj) + r->out,
		    want);
		*got = want;
	} else if (r->os != NULL) {
		int n = git_odb_stream_read(r->os, buf, want);

		if (n <= 0)
			return dgit_error_git("cannot read an object");
		*got = (size_t)n;
	} else if (r->rp != NULL) {
		if ((err = dgit_run_pipe_read(r->rp, buf, want, got)))
			return err;
		if (*got == 0) {
			char hex[GIT_OID_HEXSZ + 1];

			r->failed = 1;
			/* the child's failure says why, if it failed */
			if ((err = dgit_run_pipe_close(r->rp)))
				return err;
			git_oid_tostr(hex, sizeof hex, &r->oid);
			return dgit_error_fmt(DGIT_ERR_GIT, "object %s: git "
			    "cat-file gave %" PRIu64 " of its %" PRIu64
			    " bytes", hex, r->out, r->size);
		}
		if (r->hinit)
			dgit_hash_update(&r->h, buf, *got);
		if (r->out + *got == r->size && (err = end_cat_file(r))) {
			*got = 0;
			r->failed = 1;
			return err;
		}
	} else if (r->own) {
		r->z.next_out = buf;
		r->z.avail_out = (uInt)want;
		while (r->z.avail_out > 0) {
			int zr;

			if (r->z.avail_in == 0) {
				ssize_t n = pread(r->p->fd, r->in, sizeof r->in,
				    (off_t)r->pos);

				if (n <= 0)
					return dgit_error_fmt(DGIT_ERR_GIT,
					    "truncated object in '%s'",
					    r->p->tmp);
				r->pos += (uint64_t)n;
				r->z.next_in = r->in;
				r->z.avail_in = (uInt)n;
			}
			zr = inflate(&r->z, Z_NO_FLUSH);
			if (zr == Z_STREAM_END)
				break;
			if (zr != Z_OK && zr != Z_BUF_ERROR)
				return dgit_error_fmt(DGIT_ERR_GIT, "corrupt "
				    "object in '%s'", r->p->tmp);
		}
		*got = want - r->z.avail_out;
		if (*got == 0)
			return dgit_error_fmt(DGIT_ERR_GIT, "object size "
			    "mismatch in '%s'", r->p->tmp);
	}
	r->out += *got;
	return NULL;
}

const struct dgit_error *
dgit_pack_reader_rewind(struct dgit_pack_reader *r)
{
	return reader_start(r);
}

void
dgit_pack_reader_free(struct dgit_pack_reader *r)
{
	if (r == NULL)
		return;
	if (r->zinit)
		inflateEnd(&r->z);
	git_odb_stream_free(r->os);
	git_odb_object_free(r->obj);
	git_odb_free(r->odb);
	dgit_run_pipe_free(r->rp);
	if (r->hinit)
		dgit_hash_release(&r->h);
	free(r);
}

static int
oid_cmp(const void *a, const void *b)
{
	const struct prec *x = *(const struct prec *const *)a;
	const struct prec *y = *(const struct prec *const *)b;

	return git_oid_cmp(&x->oid, &y->oid);
}

static void
be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/* SHA-1 of the first len bytes of fd into out. */
static const struct dgit_error *
sha1_fd(struct dgit_pack *p, unsigned char out[20], int fd, uint64_t len,
    const char *path)
{
	const struct dgit_error *err;
	unsigned char *buf = p->wbuf;
	struct dgit_hash h;
	uint64_t off = 0;

	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA1)))
		return err;
	while (off < len) {
		size_t want = len - off > WBUF_SIZE ? WBUF_SIZE :
		    (size_t)(len - off);
		ssize_t r = pread(fd, buf, want, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r == 0 ? dgit_error_fmt(DGIT_ERR_GIT, "'%s' is "
			    "shorter than written", path) :
			    dgit_error_from_errno("cannot read '%s'", path);
			dgit_hash_release(&h);
			return err;
		}
		dgit_hash_update(&h, buf, (size_t)r);
		off += (uint64_t)r;
	}
	dgit_hash_final(&h, out);
	return NULL;
}

static const struct dgit_error *
write_idx(struct dgit_pack *p, const char *path, const unsigned char
    packsum[20])
{
	const struct dgit_error *err = NULL;
	struct prec **v = NULL;
	uint32_t fan[256];
	unsigned char b[8], sum[20];
	size_t nbig = 0;
	struct dgit_hash h = DGIT_HASH_INIT;
	FILE *fp = NULL;

	v = malloc((p->count ? p->count : 1) * sizeof *v);
	if (v == NULL)
		return nomem();
	for (size_t i = 0; i < p->count; i++)
		v[i] = rec_at(p, i);
	qsort(v, p->count, sizeof *v, oid_cmp);
	memset(fan, 0, sizeof fan);
	for (size_t i = 0; i < p->count; i++)
		fan[v[i]->oid.id[0]]++;
	for (int i = 1; i < 256; i++)
		fan[i] += fan[i - 1];

	fp = fopen(path, "wb");
	if (fp == NULL) {
		err = dgit_error_from_errno("cannot create '%s'", path);
		goto done;
	}
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA1)))
		goto done;
#define EMIT(ptr, n) do { \
		fwrite((ptr), 1, (n), fp); \
		dgit_hash_update(&h, (ptr), (n)); \
	} while (0)
	EMIT("\377tOc\0\0\0\2", 8);
	for (int i = 0; i < 256; i++) {
		be32(b, fan[i]);
		EMIT(b, 4);
	}
	for (size_t i = 0; i < p->count; i++)
		EMIT(v[i]->oid.id, 20);
	for (size_t i = 0; i < p->count; i++) {
		be32(b, v[i]->crc);
		EMIT(b, 4);
	}
	for (size_t i = 0; i < p->count; i++) {
		if (v[i]->off >= 0x80000000u)
			be32(b, 0x80000000u | (uint32_t)nbig++);
		else
			be32(b, (uint32_t)v[i]->off);
		EMIT(b, 4);
	}
	for (size_t i = 0; i < p->count; i++) {
		if (v[i]->off >= 0x80000000u) {
			be32(b, (uint32_t)(v[i]->off >> 32));
			be32(b + 4, (uint32_t)v[i]->off);
			EMIT(b, 8);
		}
	}
	EMIT(packsum, 20);
#undef EMIT
	dgit_hash_final(&h, sum);
	fwrite(sum, 1, 20, fp);
	if (ferror(fp) || fclose(fp) != 0) {
		fp = NULL;
		err = dgit_error_from_errno("cannot write '%s'", path);
		goto done;
	}
	fp = NULL;
done:
	dgit_hash_release(&h);
	if (fp)
		fclose(fp);
	free(v);
	return err;
}

const struct dgit_error *
dgit_pack_finish(struct dgit_pack *p)
{
	const struct dgit_error *err = NULL;
	unsigned char cnt[4], sum[20];
	char hex[41], *pack = NULL, *idx = NULL, *tmpidx = NULL;
	git_odb *odb = NULL;

	err = drain(p);
	stop_workers(p, 0);
	if (err || p->count == 0)
		goto done;     /* nothing new: free removes the file */
	if ((err = flush(p)) != NULL)
		goto done;
	be32(cnt, (uint32_t)p->count);
	if (pwrite(p->fd, cnt, 4, 8) != 4) {
		err = dgit_error_from_errno("cannot write '%s'", p->tmp);
		goto done;
	}
	if ((err = sha1_fd(p, sum, p->fd, p->off, p->tmp)) != NULL)
		goto done;
	if ((err = put(p, sum, 20, NULL)) != NULL ||
	    (err = flush(p)) != NULL)
		goto done;
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	if (asprintf(&pack, "%spack-%s.pack", p->dir, hex) < 0 ||
	    asprintf(&idx, "%spack-%s.idx", p->dir, hex) < 0 ||
	    asprintf(&tmpidx, "%s.idx", p->tmp) < 0) {
		err = nomem();
		goto done;
	}
	if ((err = write_idx(p, tmpidx, sum)) != NULL)
		goto done;
	fchmod(p->fd, 0444);
	chmod(tmpidx, 0444);
	if (rename(p->tmp, pack) != 0) {
		err = dgit_error_from_errno("cannot rename '%s' to '%s'",
		    p->tmp, pack);
		goto done;
	}
	if (rename(tmpidx, idx) != 0) {
		err = dgit_error_from_errno("cannot rename '%s' to '%s'",
		    tmpidx, idx);
		unlink(pack);
		goto done;
	}
	free(tmpidx);
	tmpidx = NULL;
	if (p->tmpfile)
		p->tmpfile(p->tmpfile_arg, p->tmp, 0);
	free(p->tmp);
	p->tmp = NULL;
	if (git_repository_odb(&odb, p->repo) != 0 || git_odb_refresh(odb) != 0)
		err = dgit_error_git("cannot refresh the object database");
done:
	if (tmpidx) {
		unlink(tmpidx);
		free(tmpidx);
	}
	git_odb_free(odb);
	free(pack);
	free(idx);
	return err;
}

void
dgit_pack_free(struct dgit_pack *p)
{
	if (p == NULL)
		return;
	stop_workers(p, 1);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	if (p->recs)
		for (size_t i = 0; i < REC_CHUNKS && p->recs[i]; i++)
			free(p->recs[i]);
	free(p->recs);
	if (p->fd >= 0)
		close(p->fd);
	if (p->tmp) {
		unlink(p->tmp);
		if (p->tmpfile)
			p->tmpfile(p->tmpfile_arg, p->tmp, 0);
		free(p->tmp);
	}
	if (p->zinit)
		wz_end(&p->z);
	if (p->rzinit)
		deflateEnd(&p->rz);
	git_odb_free(p->hodb);
	git_odb_free(p->odb);
	free(p->dir);
	free(p->wbuf);
	free(p->tab);
	free(p);
}
