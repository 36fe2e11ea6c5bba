/*
 * Tarball -> tree model + blobs (see dgit_unpack.h).  Mirrors what
 * dpkg-source gets from "tar -xf - --no-same-permissions
 * --no-same-owner" into an empty directory, minus what git cannot hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <lzma.h>
#include <zlib.h>

#include "dgit_buf.h"
#include "dgit_fs.h"
#include "dgit_unpack.h"

struct unpack {
	struct dgit_tree *t;
	struct dgit_pack *pack;
	const char *what;
	const struct dgit_unpack_opts *opts;
	uint64_t max_entries, max_bytes;
	uint64_t nentries, nbytes;
	char *buf;                 /* file contents, reused or taken by the
	                              pack (then NULL, cap 0) */
	size_t cap;
};

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/*
 * The decompressed byte stream of a tarball.  gzip is inflated here with
 * zlib, which checks each member's CRC and length (libarchive's gzip
 * reader does not); xz with liblzma's threaded decoder, which splits a
 * multi-block file (as xz -T makes them) over the CPUs, and decodes a
 * one-block file as the plain decoder does; the others go through
 * libarchive's "raw" format with the one filter the file name calls for
 * (dpkg-source picks the decompressor by the name too).  The stream is
 * always read to its end, so corruption after the tar end-of-archive
 * blocks is caught as dpkg-source's decompressor would catch it.
 */
enum src_kind { SRC_PLAIN, SRC_GZ, SRC_XZ, SRC_ARCH };

#define SRC_BUF (256u * 1024)
/*
 * liblzma's limits: above XZ_MEM_THREADS of decoder memory the threaded
 * decoder falls back to one thread (the memory then is the dictionary's,
 * as for xz -d); above XZ_MEM_STOP it fails, as libarchive's xz reader
 * did (1 GiB).  XZ_THREADS_MAX bounds the threads whatever the CPUs.
 */
#define XZ_MEM_THREADS (40ull << 20)
#define XZ_MEM_STOP (1ull << 30)
#define XZ_THREADS_MAX 4u

struct src {
	enum src_kind kind;
	const char *path, *what;
	FILE *fp;
	int fd;                    /* for raw, which does not close it */
	struct archive *raw;
	z_stream z;
	lzma_stream lz;
	int zinit, lzinit, in_eof, member_end, xz_end;
	unsigned char *in, *out;
	const struct dgit_error *err;
};

static const struct dgit_error *xz_init(struct src *s);

static const struct dgit_error *
src_open(struct src *s, const char *path, const char *what, int from)
{
	const struct dgit_error *err;
	const char *name = strrchr(path, '/');
	int r = ARCHIVE_OK, fd;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->path = path;
	s->what = what;
	name = name ? name + 1 : path;
	if (has_suffix(name, ".tar")) {
		s->kind = SRC_PLAIN;
	} else if (has_suffix(name, ".tar.gz") || has_suffix(name, ".tgz")) {
		s->kind = SRC_GZ;
	} else if (has_suffix(name, ".tar.xz")) {
		s->kind = SRC_XZ;
	} else if (has_suffix(name, ".tar.bz2") ||
	    has_suffix(name, ".tar.lzma") || has_suffix(name, ".tar.zst") ||
	    has_suffix(name, ".tar.zstd")) {
		s->kind = SRC_ARCH;
	} else {
		return dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is not a tarball "
		    "of a known compression", what);
	}
	/* a fifo or a link to a device would never end; a stream the
	 * caller feeds (from >= 0) ends when the caller says */
	if (from >= 0) {
		if ((fd = fcntl(from, F_DUPFD_CLOEXEC, 0)) < 0)
			return dgit_error_from_errno("cannot read '%s'", what);
	} else if ((err = dgit_fs_open_regular(&fd, NULL, path, what)) != NULL)
		return err;
	if (s->kind != SRC_ARCH) {
		s->fp = fdopen(fd, "rb");
		s->in = malloc(SRC_BUF);
		s->out = malloc(SRC_BUF);
		if (s->fp == NULL) {
			close(fd);
			return dgit_error_from_errno("cannot open '%s'", what);
		}
		if (s->in == NULL || s->out == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		if (s->kind == SRC_GZ) {
			if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
				return dgit_error(DGIT_ERR_NOMEM);
			s->zinit = 1;
		}
		if (s->kind == SRC_XZ)
			return xz_init(s);
		return NULL;
	}
	s->fd = fd;
	s->raw = archive_read_new();
	if (s->raw == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (has_suffix(name, ".tar.bz2"))
		r = archive_read_support_filter_bzip2(s->raw);
	else if (has_suffix(name, ".tar.lzma"))
		r = archive_read_support_filter_lzma(s->raw);
	else
		r = archive_read_support_filter_zstd(s->raw);
	if (r != ARCHIVE_OK)
		return dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot decompress "
		    "'%s': %s", what, archive_error_string(s->raw));
	archive_read_support_format_raw(s->raw);
	if (archive_read_open_fd(s->raw, s->fd, SRC_BUF) != ARCHIVE_OK) {
		return dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot open '%s': %s",
		    what, archive_error_string(s->raw));
	}
	{
		struct archive_entry *e;

		if (archive_read_next_header(s->raw, &e) != ARCHIVE_OK)
			return dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: %s", what, archive_error_string(s->raw));
		/* with no filter recognised, "raw" passes the bytes on */
		if (archive_filter_count(s->raw) < 2)
			return dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is not "
			    "compressed as its name says", what);
	}
	return NULL;
}

static const struct dgit_error *
xz_init(struct src *s)
{
	lzma_mt mt;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	lzma_ret r;

	memset(&mt, 0, sizeof mt);
	/* as xz -d: streams one after another are one file */
	mt.flags = LZMA_CONCATENATED;
	mt.threads = ncpu < 1 ? 1u : (uint32_t)ncpu > XZ_THREADS_MAX ?
	    XZ_THREADS_MAX : (uint32_t)ncpu;
	mt.memlimit_threading = XZ_MEM_THREADS;
	mt.memlimit_stop = XZ_MEM_STOP;
	r = lzma_stream_decoder_mt(&s->lz, &mt);
	if (r != LZMA_OK)
		return r == LZMA_MEM_ERROR ? dgit_error(DGIT_ERR_NOMEM) :
		    dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot decompress '%s': "
		    "liblzma refuses its options (%d)", s->what, (int)r);
	s->lzinit = 1;
	return NULL;
}

static const char *
xz_problem(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "it needs more memory than the "
	    "limit of 1 GiB";
	case LZMA_FORMAT_ERROR: return "not xz data";
	case LZMA_OPTIONS_ERROR: return "unsupported xz options";
	case LZMA_DATA_ERROR: return "bad xz data";
	case LZMA_BUF_ERROR: return "the xz data ends early";
	default: return "xz decoding failed";
	}
}

static void
src_close(struct src *s)
{
	if (s->fp)
		fclose(s->fp);
	if (s->raw)
		archive_read_free(s->raw);
	if (s->fd >= 0)
		close(s->fd);
	if (s->zinit)
		inflateEnd(&s->z);
	if (s->lzinit)
		lzma_end(&s->lz);
	free(s->in);
	free(s->out);
}

static int
fill(struct src *s)
{
	size_t n;

	if (s->z.avail_in > 0 || s->in_eof)
		return 0;
	n = fread(s->in, 1, SRC_BUF, s->fp);
	if (n == 0) {
		if (ferror(s->fp)) {
			s->err = dgit_error_from_errno("cannot read '%s'",
			    s->what);
			return -1;
		}
		s->in_eof = 1;
	}
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)n;
	return 0;
}

static ssize_t
xz_read(struct src *s, const void **buf)
{
	for (;;) {
		size_t n;
		lzma_ret r;

		if (s->xz_end)
			return 0;
		if (s->lz.avail_in == 0 && !s->in_eof) {
			n = fread(s->in, 1, SRC_BUF, s->fp);
			if (n == 0) {
				if (ferror(s->fp)) {
					s->err = dgit_error_from_errno("cannot "
					    "read '%s'", s->what);
					return -1;
				}
				s->in_eof = 1;
			}
			s->lz.next_in = s->in;
			s->lz.avail_in = n;
		}
		s->lz.next_out = s->out;
		s->lz.avail_out = SRC_BUF;
		r = lzma_code(&s->lz, s->in_eof ? LZMA_FINISH : LZMA_RUN);
		if (r == LZMA_STREAM_END)
			s->xz_end = 1;
		else if (r == LZMA_FORMAT_ERROR && s->lz.total_out == 0) {
			s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is not "
			    "compressed as its name says", s->what);
			return -1;
		} else if (r != LZMA_OK) {
			s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: %s", s->what, xz_problem(r));
			return -1;
		}
		if (s->lz.avail_out < SRC_BUF) {
			*buf = s->out;
			return (ssize_t)(SRC_BUF - s->lz.avail_out);
		}
	}
}

/* Next chunk of the stream: its length, 0 at the end, -1 on error
 * (s->err set). */
static ssize_t
src_read(struct src *s, const void **buf)
{
	*buf = NULL;
	if (s->err)
		return -1;
	if (s->kind == SRC_PLAIN) {
		size_t n = fread(s->out, 1, SRC_BUF, s->fp);

		if (n == 0 && ferror(s->fp)) {
			s->err = dgit_error_from_errno("cannot read '%s'",
			    s->what);
			return -1;
		}
		*buf = s->out;
		return (ssize_t)n;
	}
	if (s->kind == SRC_ARCH) {
		size_t size;
		la_int64_t off;
		int r = archive_read_data_block(s->raw, buf, &size, &off);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: %s", s->what,
			    archive_error_string(s->raw));
			return -1;
		}
		return (ssize_t)size;
	}
	if (s->kind == SRC_XZ)
		return xz_read(s, buf);
	for (;;) {
		int r;

		if (fill(s) != 0)
			return -1;
		if (s->member_end) {
			if (s->z.avail_in == 0 && s->in_eof)
				return 0;
			if (s->z.next_in[0] != 0x1f) {
				s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE,
				    "'%s' has trailing garbage after the gzip "
				    "data", s->what);
				return -1;
			}
			inflateReset(&s->z);
			s->member_end = 0;
		}
		if (s->z.avail_in == 0 && s->in_eof) {
			s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "truncated", s->what);
			return -1;
		}
		s->z.next_out = s->out;
		s->z.avail_out = SRC_BUF;
		r = inflate(&s->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			s->member_end = 1;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			s->err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' is "
			    "corrupt: %s", s->what,
			    s->z.msg ? s->z.msg : "bad gzip data");
			return -1;
		}
		if (s->z.avail_out < SRC_BUF) {
			*buf = s->out;
			return (ssize_t)(SRC_BUF - s->z.avail_out);
		}
	}
}

/*
 * The decompressing side of the import: a thread that reads the stream
 * (src_read) into a few bounded slots while the caller parses the tar
 * and hands the files on to the pack, so decompression and hashing and
 * deflating run on different CPUs whatever the shape of the package.
 * The slots are filled in order and taken in order; the caller holds one
 * (the buffer libarchive reads) until it asks for the next.  Errors made
 * on the thread are copied out (error values are per thread) and made
 * again on the caller's.  Without the thread (it could not be started)
 * the caller reads the stream itself.
 */
#define RD_SLOTS 8u

struct rd {
	struct src src;
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *slot[RD_SLOTS];
	size_t slen[RD_SLOTS];
	unsigned head, count;      /* filled: head .. head + count - 1 */
	int held;                  /* the caller holds slot head */
	int end, stop;             /* stream ended (or failed); stopping */
	enum dgit_error_code ecode;
	char emsg[1024];
	const struct dgit_error *err;  /* the caller's copy */
};

static void *
rd_main(void *arg)
{
	struct rd *r = arg;
	unsigned char *own = r->src.out;

	for (;;) {
		const void *b;
		ssize_t n;
		unsigned i;

		pthread_mutex_lock(&r->mu);
		while (r->count == RD_SLOTS && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		i = (r->head + r->count) % RD_SLOTS;
		pthread_mutex_unlock(&r->mu);
		/* slot i is nobody else's until count covers it; the
		 * decompressors write straight into it (src.out), only
		 * libarchive's readers hand back their own buffer */
		r->src.out = r->slot[i];
		n = src_read(&r->src, &b);
		if (n > 0 && b != r->slot[i])
			memcpy(r->slot[i], b, (size_t)n);
		pthread_mutex_lock(&r->mu);
		if (n < 0) {
			r->ecode = r->src.err->code;
			snprintf(r->emsg, sizeof r->emsg, "%s", r->src.err->msg);
		}
		if (n <= 0) {
			r->end = 1;
			pthread_cond_broadcast(&r->cv);
			pthread_mutex_unlock(&r->mu);
			break;
		}
		r->slen[i] = (size_t)n;
		r->count++;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	r->src.out = own;          /* src_close frees it */
	return NULL;
}

static const struct dgit_error *
rd_open(struct rd *r, const char *path, const char *what, int from)
{
	const struct dgit_error *err;

	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((err = src_open(&r->src, path, what, from)) != NULL)
		return err;
	for (unsigned i = 0; i < RD_SLOTS; i++)
		if ((r->slot[i] = malloc(SRC_BUF)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
	r->started = pthread_create(&r->th, NULL, rd_main, r) == 0;
	return NULL;
}

/* As src_read, from the thread's slots; r->err set on error. */
static ssize_t
rd_read(struct rd *r, const void **buf)
{
	ssize_t n = 0;

	*buf = NULL;
	if (!r->started) {
		n = src_read(&r->src, buf);
		if (n < 0)
			r->err = r->src.err;
		return n;
	}
	if (r->err)
		return -1;
	pthread_mutex_lock(&r->mu);
	if (r->held) {
		r->head = (r->head + 1) % RD_SLOTS;
		r->count--;
		r->held = 0;
		pthread_cond_broadcast(&r->cv);
	}
	while (r->count == 0 && !r->end)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->count > 0) {
		r->held = 1;
		*buf = r->slot[r->head];
		n = (ssize_t)r->slen[r->head];
	} else if (r->ecode != DGIT_ERR_OK) {
		r->err = dgit_error_fmt(r->ecode, "%s", r->emsg);
		n = -1;
	}
	pthread_mutex_unlock(&r->mu);
	return n;
}

static void
rd_close(struct rd *r)
{
	if (r->started) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->th, NULL);
	}
	src_close(&r->src);
	for (unsigned i = 0; i < RD_SLOTS; i++)
		free(r->slot[i]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static la_ssize_t
tar_read_cb(struct archive *a, void *arg, const void **buf)
{
	(void)a;
	return rd_read(arg, buf);
}

/* Normalise a member name: drop leading "./" (and a lone "."), repeated
 * slashes and a trailing '/'.  Returns a malloc'd string ("" for the
 * top directory itself) or NULL on allocation failure. */
static char *
normalise(const char *name)
{
	size_t n = strlen(name), o = 0;
	char *out = malloc(n + 1);
	const char *p = name;

	if (out == NULL)
		return NULL;
	if (*p == '/') {
		/* keep it visible to the path check */
		out[o++] = '/';
		while (*p == '/')
			p++;
	}
	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!(len == 1 && p[0] == '.') && len > 0) {
			if (o > 0 && out[o - 1] != '/')
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	out[o] = '\0';
	return out;
}

static int
is_pc(const char *path)
{
	const char *s = strchr(path, '/');

	if (strcmp(path, ".pc") == 0 || strncmp(path, ".pc/", 4) == 0)
		return 1;
	if (s == NULL)
		return 0;
	s++;
	return strcmp(s, ".pc") == 0 || strncmp(s, ".pc/", 4) == 0;
}

static const struct dgit_error *
drop_dotgit(struct unpack *u, const char *path, long off)
{
	const struct dgit_error *err;
	char *top = strndup(path, (size_t)off + 4);
	unsigned mode;

	if (top == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	err = dgit_tree_get(u->t, top, &mode, NULL);
	if (err == NULL && mode != DGIT_TREE_DROPPED) {
		err = dgit_tree_set_dropped(u->t, top);
		if (err == NULL && u->opts && u->opts->warn) {
			char msg[1024];

			snprintf(msg, sizeof msg, "dropping '%s' from '%s': "
			    "git cannot hold a '.git' entry", top, u->what);
			u->opts->warn(u->opts->warn_arg, msg);
		}
	}
	free(top);
	return err;
}

/* Members up to this size are read whole and handed to the pack's
 * workers in one piece; larger ones are streamed in bounded pieces. */
#define STREAM_MIN (4u << 20)
#define READ_PIECE (1u << 20)

static const struct dgit_error *
limit_error(struct unpack *u, const char *path)
{
	return dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' in '%s' takes the "
	    "unpacked size over the limit of %llu bytes (dgit.import.max-bytes)",
	    path, u->what, (unsigned long long)u->max_bytes);
}

/* The entry's size from its header (a sparse file's full size). */
static uint64_t
entry_size(struct archive_entry *e)
{
	int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;

	return size < 0 ? 0 : (uint64_t)size;
}

/*
 * After the data ran out at off: a sparse file's hole at its end (all of
 * it, for a file that is all hole) is zeros up to the size its header
 * gives, as tar writes it; anything else short is a corrupt tarball.
 * Returns how many zeros to add.
 */
static const struct dgit_error *
tail_zeros(uint64_t *zeros, struct unpack *u, struct archive_entry *e,
    const char *path, uint64_t off, uint64_t size)
{
	*zeros = 0;
	if (off >= size)
		return NULL;
	if (archive_entry_sparse_count(e) > 0 ||
	    archive_entry_size_is_set(e) == 0) {
		*zeros = size - off;
		return NULL;
	}
	return dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' in '%s' is shorter than "
	    "its header says (%llu of %llu bytes)", path, u->what,
	    (unsigned long long)off, (unsigned long long)size);
}

static const struct dgit_error *
ensure_buf(struct unpack *u, size_t need)
{
	/* a fresh buffer (the last went to the pack) is the size asked
	 * for: the pack's queue holds it, and counts only the length */
	size_t ncap = u->cap ? u->cap : need ? need : 1;
	char *b;

	if (u->cap >= need)
		return NULL;
	while (ncap < need)
		ncap *= 2;
	b = realloc(u->buf, ncap);
	if (b == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	u->buf = b;
	u->cap = ncap;
	return NULL;
}

/* Read the entry's data (at most STREAM_MIN bytes by its header) into
 * u->buf; *len gets its length. */
static const struct dgit_error *
read_data(struct unpack *u, struct archive *a, struct archive_entry *e,
    const char *path, size_t *len)
{
	const struct dgit_error *err;
	uint64_t size = entry_size(e), zeros;
	size_t off = 0;

	*len = 0;
	if (size > u->max_bytes - u->nbytes)
		return limit_error(u, path);
	for (;;) {
		ssize_t r;

		if (off == u->cap || u->cap < (size_t)size + 1) {
			size_t need = (size_t)size + 1;

			if (off == u->cap && need <= off)
				need = off * 2;
			if ((err = ensure_buf(u, need)) != NULL)
				return err;
		}
		r = archive_read_data(a, u->buf + off, u->cap - off);
		if (r < 0)
			return dgit_error_fmt(DGIT_ERR_ARCHIVE,
			    "cannot read '%s' from '%s': %s", path, u->what,
			    archive_error_string(a));
		if (r == 0)
			break;
		off += (size_t)r;
		if (off > u->max_bytes - u->nbytes || off > STREAM_MIN * 2)
			return limit_error(u, path);
	}
	if ((err = tail_zeros(&zeros, u, e, path, off, size)) != NULL)
		return err;
	if (zeros) {
		if ((err = ensure_buf(u, off + (size_t)zeros)) != NULL)
			return err;
		memset(u->buf + off, 0, (size_t)zeros);
		off += (size_t)zeros;
	}
	u->nbytes += off;
	*len = off;
	return NULL;
}

/* Stream a large member into the pack in pieces: memory stays the same
 * whatever its size. */
static const struct dgit_error *
stream_data(git_oid *oid, struct unpack *u, struct archive *a,
    struct archive_entry *e, const char *path)
{
	const struct dgit_error *err = NULL;
	struct dgit_pack_stream *st = NULL;
	uint64_t size = entry_size(e), off = 0, zeros;

	if (size > u->max_bytes - u->nbytes)
		return limit_error(u, path);
	if ((err = ensure_buf(u, READ_PIECE)) != NULL ||
	    (err = dgit_pack_stream_new(&st, u->pack, GIT_OBJECT_BLOB,
	    size)) != NULL)
		goto done;
	for (;;) {
		size_t want = u->cap;
		ssize_t r;

		if (want > size - off)
			want = (size_t)(size - off);
		if (want == 0)
			break;
		r = archive_read_data(a, u->buf, want);
		if (r < 0) {
			err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot read "
			    "'%s' from '%s': %s", path, u->what,
			    archive_error_string(a));
			goto done;
		}
		if (r == 0)
			break;
		if ((err = dgit_pack_stream_write(st, u->buf, (size_t)r)))
			goto done;
		off += (uint64_t)r;
	}
	if ((err = tail_zeros(&zeros, u, e, path, off, size)) != NULL)
		goto done;
	if (zeros)
		memset(u->buf, 0, u->cap);
	while (zeros > 0) {
		size_t n = zeros > u->cap ? u->cap : (size_t)zeros;

		if ((err = dgit_pack_stream_write(st, u->buf, n)) != NULL)
			goto done;
		zeros -= n;
		off += n;
	}
	if ((err = dgit_pack_stream_finish(st, oid)) != NULL)
		goto done;
	u->nbytes += off;
done:
	dgit_pack_stream_free(st);
	if (err && err->code != DGIT_ERR_ARCHIVE && err->code != DGIT_ERR_LIMIT)
		err = dgit_error_wrap(err, "cannot store '%s' from '%s'", path,
		    u->what);
	return err;
}

static const struct dgit_error *
write_blob(git_oid *oid, struct unpack *u, const char *data, size_t len,
    const char *path)
{
	const struct dgit_error *err;

	err = dgit_pack_write(u->pack, oid, GIT_OBJECT_BLOB, data, len);
	if (err)
		return dgit_error_wrap(err, "cannot store '%s' from '%s'",
		    path, u->what);
	return NULL;
}

/* write_blob of u->buf, which the pack may take instead of copying it
 * (a new one is made for the next member). */
static const struct dgit_error *
take_blob(git_oid *oid, struct unpack *u, size_t len, const char *path)
{
	const struct dgit_error *err;
	void *b = u->buf;

	err = dgit_pack_write_take(u->pack, oid, GIT_OBJECT_BLOB, &b, len);
	u->buf = b;
	if (b == NULL)
		u->cap = 0;
	if (err)
		return dgit_error_wrap(err, "cannot store '%s' from '%s'",
		    path, u->what);
	return NULL;
}

static const struct dgit_error *
entry(struct unpack *u, struct archive *a, struct archive_entry *e)
{
	const struct dgit_error *err = NULL;
	const char *raw = archive_entry_pathname(e);
	char *path = NULL, *target = NULL;
	mode_t type = archive_entry_filetype(e);
	git_oid oid;
	long off;
	size_t len;

	if (raw == NULL)
		return dgit_error_fmt(DGIT_ERR_ARCHIVE,
		    "an entry in '%s' has no usable name", u->what);
	if (++u->nentries > u->max_entries)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' has more than %llu "
		    "entries", u->what, (unsigned long long)u->max_entries);
	path = normalise(raw);
	if (path == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (*path == '\0' && type != AE_IFDIR) {
		/* tar reads an empty name as ".", which it cannot make a
		 * file of: "Cannot open: File exists", and dpkg-source stops */
		err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "'%s' has a member "
		    "named '%s' that is not a directory; tar cannot extract "
		    "it, the tarball is broken", u->what, raw);
		goto done;
	}
	if (*path == '\0')
		goto done;             /* "./" itself */
	err = dgit_tree_check_path(path);
	if (err) {
		err = dgit_error_wrap(err, "'%s'", u->what);
		goto done;
	}
	if (u->opts && u->opts->exclude_pc && is_pc(path))
		goto done;
	off = dgit_tree_dotgit_offset(path);
	if (off >= 0) {
		err = drop_dotgit(u, path, off);
		goto done;
	}

	if (archive_entry_hardlink(e) != NULL) {
		unsigned mode;

		target = normalise(archive_entry_hardlink(e));
		if (target == NULL) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if ((err = dgit_tree_check_path(target)) != NULL ||
		    (err = dgit_tree_get(u->t, target, &mode, &oid)) != NULL) {
			err = dgit_error_wrap(err, "'%s'", u->what);
			goto done;
		}
		if (mode == 0 || mode == DGIT_TREE_DIR ||
		    mode == DGIT_TREE_DROPPED) {
			err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s': hard "
			    "link '%s' points to '%s', which is not a file "
			    "unpacked before it", u->what, path, target);
			goto done;
		}
		err = dgit_tree_set(u->t, path, mode, &oid, 0);
		goto done;
	}

	switch (type) {
	case AE_IFDIR:
		err = dgit_tree_mkdir(u->t, path);
		break;
	case AE_IFREG: {
		mode_t perm = archive_entry_perm(e);
		int exec = u->opts && u->opts->fixperms ?
		    (perm & 0111) != 0 : (perm & 0100) != 0;

		if (entry_size(e) > STREAM_MIN) {
			err = stream_data(&oid, u, a, e, path);
		} else {
			err = read_data(u, a, e, path, &len);
			if (err == NULL)
				err = take_blob(&oid, u, len, path);
		}
		if (err == NULL)
			err = dgit_tree_set(u->t, path, exec ? DGIT_TREE_EXEC :
			    DGIT_TREE_BLOB, &oid, 0);
		break;
	}
	case AE_IFLNK: {
		const char *l = archive_entry_symlink(e);

		if (l == NULL || *l == '\0') {
			err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "symlink '%s' in "
			    "'%s' has no target", path, u->what);
			break;
		}
		err = write_blob(&oid, u, l, strlen(l), path);
		if (err == NULL)
			err = dgit_tree_set(u->t, path, DGIT_TREE_LINK, &oid, 0);
		break;
	}
	case AE_IFCHR:
	case AE_IFBLK:
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s' in '%s' is "
		    "a device file, which git cannot hold", path, u->what);
		break;
	case AE_IFIFO:
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s' in '%s' is "
		    "a fifo, which git cannot hold", path, u->what);
		break;
	case AE_IFSOCK:
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s' in '%s' is "
		    "a socket, which git cannot hold", path, u->what);
		break;
	default:
		err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "'%s' in '%s' is "
		    "of an unknown file type", path, u->what);
		break;
	}
	if (err && err->code == DGIT_ERR_UNSAFE_PATH)
		err = dgit_error_wrap(err, "'%s'", u->what);
done:
	free(target);
	free(path);
	return err;
}

const struct dgit_error *
dgit_unpack_tarball(struct dgit_tree *t, struct dgit_pack *pack,
    const char *path, const char *what, const struct dgit_unpack_opts *opts)
{
	const struct dgit_error *err = NULL;
	struct unpack u;
	struct rd rd;
	struct archive *a = NULL;
	struct archive_entry *e;
	const void *junk;
	ssize_t n;
	int r;

	memset(&u, 0, sizeof u);
	u.t = t;
	u.pack = pack;
	u.what = what ? what : path;
	u.opts = opts;
	u.max_entries = opts && opts->max_entries ? opts->max_entries :
	    DGIT_UNPACK_MAX_ENTRIES_DEFAULT;
	u.max_bytes = opts && opts->max_bytes ? opts->max_bytes :
	    DGIT_UNPACK_MAX_BYTES_DEFAULT;

	if ((err = rd_open(&rd, path, u.what, opts && opts->from_fd ?
	    opts->fd : -1)) != NULL)
		goto done;
	a = archive_read_new();
	if (a == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open(a, &rd, NULL, tar_read_cb, NULL) !=
	    ARCHIVE_OK) {
		err = rd.err ? rd.err : dgit_error_fmt(DGIT_ERR_ARCHIVE,
		    "'%s' is not a tarball: %s", u.what,
		    archive_error_string(a));
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		err = entry(&u, a, e);
		if (err) {
			if (rd.err)
				err = rd.err;
			goto done;
		}
	}
	if (r != ARCHIVE_EOF) {
		err = rd.err ? rd.err : dgit_error_fmt(DGIT_ERR_ARCHIVE,
		    "'%s' is corrupt: %s", u.what, archive_error_string(a));
		goto done;
	}
	/* the rest of the stream must decompress cleanly too */
	while ((n = rd_read(&rd, &junk)) > 0)
		;
	if (n < 0)
		err = rd.err;
done:
	if (a)
		archive_read_free(a);
	rd_close(&rd);
	free(u.buf);
	return err;
}

/* ---- symlinks leading out of the source root ------------------------ */

#define ESC_MAX_LINKS 40           /* realpath's ELOOP */
#define ESC_TARGET_MAX 4096        /* PATH_MAX */
#define ESC_MAX_DIRS 4096          /* directories checked through links */

struct esc_link {
	char *path;
	git_oid oid;
};

struct esc {
	const struct dgit_tree *t;
	struct dgit_pack *pack;
	struct esc_link *links;
	size_t n, cap;
};

static const struct dgit_error *
esc_collect(const char *path, unsigned mode, const git_oid *oid, void *arg)
{
	struct esc *e = arg;

	if (mode != DGIT_TREE_LINK)
		return NULL;
	if (e->n == e->cap) {
		size_t nc = e->cap ? 2 * e->cap : 64;
		struct esc_link *nl = realloc(e->links, nc * sizeof *nl);

		if (nl == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		e->links = nl;
		e->cap = nc;
	}
	if ((e->links[e->n].path = strdup(path)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	git_oid_cpy(&e->links[e->n++].oid, oid);
	return NULL;
}

static int
esc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct esc_link *)a)->path,
	    ((const struct esc_link *)b)->path);
}

/* "/dev/null" however spelt ("//dev/./null"), as realpath would see it */
static int
is_devnull(const char *p)
{
	char buf[ESC_TARGET_MAX + 1];
	size_t n = 0;

	for (const char *s = p; *s; ) {
		const char *c;
		size_t l;

		while (*s == '/')
			s++;
		c = s;
		while (*s && *s != '/')
			s++;
		l = (size_t)(s - c);
		if (l == 0 || (l == 1 && c[0] == '.'))
			continue;
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && buf[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			continue;
		}
		if (n + 1 + l > ESC_TARGET_MAX)
			return 0;
		buf[n++] = '/';
		memcpy(buf + n, c, l);
		n += l;
	}
	buf[n] = '\0';
	return strcmp(buf, "/dev/null") == 0;
}

enum esc_result { ESC_INSIDE, ESC_OUTSIDE, ESC_MISSING };

/*
 * Resolve path through the tree's symlinks as realpath(3) would in the
 * extracted tree.  ESC_INSIDE: *where is the resolved path ("" for the
 * top) and *isdir says whether a directory is there; ESC_OUTSIDE: *where
 * is where it leads; ESC_MISSING: a directory on the way is not there
 * (dpkg-source skips what realpath cannot find).  *where is the caller's.
 */
static const struct dgit_error *
esc_resolve(enum esc_result *res, char **where, int *isdir, struct esc *e,
    const char *path)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf done = DGIT_BUF_INIT;
	char *todo = strdup(path), *rest;
	int nlinks = 0;

	*where = NULL;
	*isdir = 1;
	*res = ESC_INSIDE;
	if (todo == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	rest = todo;
	while (*rest) {
		char *c = rest, *slash;
		size_t clen, mark = done.len;
		unsigned mode;
		git_oid oid;

		if ((slash = strchr(rest, '/')) != NULL) {
			clen = (size_t)(slash - c);
			rest = slash + 1;
		} else {
			clen = strlen(c);
			rest = c + clen;
		}
		if (clen == 0 || (clen == 1 && c[0] == '.'))
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (done.len == 0) {
				*res = ESC_OUTSIDE;
				if (asprintf(where, "../%s", rest) < 0)
					*where = NULL;
				goto done;
			}
			while (done.len > 0 && done.ptr[done.len - 1] != '/')
				done.len--;
			if (done.len > 0)
				done.len--;
			continue;
		}
		if ((done.len && dgit_buf_add(&done, "/", 1)) ||
		    dgit_buf_add(&done, c, clen) ||
		    dgit_buf_add(&done, "", 1)) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		done.len--;
		if ((err = dgit_tree_get(e->t, done.ptr, &mode, &oid)))
			goto done;
		while (*rest == '/')
			rest++;
		if (mode == DGIT_TREE_DIR)
			continue;
		if (mode == DGIT_TREE_LINK) {
			void *tgt = NULL;
			size_t tlen;
			git_object_t type;
			char *nt;

			if (++nlinks > ESC_MAX_LINKS) {
				err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
				    "'%s' cannot be resolved (too many levels "
				    "of symbolic links)", path);
				goto done;
			}
			if ((err = dgit_pack_read(e->pack, &tgt, &tlen, &type,
			    &oid)))
				goto done;
			if (tlen == 0 || tlen > ESC_TARGET_MAX ||
			    memchr(tgt, '\0', tlen)) {
				free(tgt);
				err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
				    "'%s' cannot be resolved (a symlink with "
				    "an unusable target)", path);
				goto done;
			}
			if (((char *)tgt)[0] == '/') {
				if (*rest == '\0' && is_devnull(tgt)) {
					free(tgt);
					*isdir = 0;
					goto done;
				}
				*res = ESC_OUTSIDE;
				*where = *rest ? NULL : tgt;
				if (*rest && asprintf(where, "%s/%s",
				    (char *)tgt, rest) < 0)
					*where = NULL;
				if (*where != tgt)
					free(tgt);
				goto done;
			}
			/* the link's target, then what was left */
			if (asprintf(&nt, "%.*s%s%s", (int)tlen, (char *)tgt,
			    *rest ? "/" : "", rest) < 0) {
				free(tgt);
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			free(tgt);
			free(todo);
			todo = rest = nt;
			done.len = mark;
			continue;
		}
		if (*rest) {
			/* nothing there, or a file in the way: realpath
			 * fails; dpkg-source skips only the first */
			if (mode == 0 || mode == DGIT_TREE_DROPPED) {
				*res = ESC_MISSING;
				goto done;
			}
			err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s' "
			    "cannot be resolved ('%s' is not a directory)",
			    path, done.ptr);
			goto done;
		}
		*isdir = 0;
	}
done:
	if (err == NULL && *res == ESC_INSIDE) {
		if (dgit_buf_add(&done, "", 1) ||
		    (*where = dgit_buf_detach(&done, NULL)) == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
	}
	if (err == NULL && *res == ESC_OUTSIDE && *where == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
	dgit_buf_release(&done);
	free(todo);
	return err;
}

const struct dgit_error *
dgit_unpack_check_escapes(const struct dgit_tree *t, struct dgit_pack *pack,
    const char *dir)
{
	const struct dgit_error *err;
	struct esc e = { t, pack, NULL, 0, 0 };
	char **queue = NULL;
	size_t nq = 0, qcap, qi;
	enum esc_result res;
	char *where = NULL;
	int isdir;

	if ((err = dgit_tree_foreach(t, esc_collect, &e)) != NULL)
		goto done;
	if (e.n == 0)
		goto done;
	qsort(e.links, e.n, sizeof *e.links, esc_cmp);
	/* each directory is visited once, and only symlinks add them */
	qcap = e.n + 1;
	if ((queue = calloc(qcap, sizeof *queue)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if ((err = esc_resolve(&res, &where, &isdir, &e, dir)) != NULL)
		goto done;
	if (res == ESC_OUTSIDE) {
		err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s' points "
		    "outside the source root (to '%s'); dpkg-source refuses "
		    "such a source package", dir, where);
		goto done;
	}
	if (res != ESC_INSIDE || !isdir)
		goto done;
	queue[nq++] = where;
	where = NULL;
	for (qi = 0; qi < nq && err == NULL; qi++) {
		const char *d = queue[qi];
		size_t dl = strlen(d), lo = 0, hi = e.n;

		/* the first link at or after "D/" in strcmp order: those
		 * under D follow it, one after another */
		while (dl && lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = strncmp(e.links[mid].path, d, dl);

			if (c < 0 || (c == 0 &&
			    (unsigned char)e.links[mid].path[dl] < '/'))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < e.n && err == NULL; i++) {
			const char *p = e.links[i].path;

			if (dl && (strncmp(p, d, dl) != 0 || p[dl] != '/'))
				break;
			if ((err = esc_resolve(&res, &where, &isdir, &e, p)))
				break;
			if (res == ESC_OUTSIDE) {
				err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
				    "'%s' points outside the source root (to "
				    "'%s'); dpkg-source refuses such a source "
				    "package", p, where);
				break;
			}
			if (res == ESC_INSIDE && isdir) {
				size_t k;

				for (k = 0; k < nq; k++)
					if (strcmp(queue[k], where) == 0)
						break;
				if (k == nq && nq == ESC_MAX_DIRS) {
					err = dgit_error_fmt(DGIT_ERR_LIMIT,
					    "'%s' leads to more than %d "
					    "directories through symlinks",
					    dir, ESC_MAX_DIRS);
					break;
				}
				if (k == nq && nq < qcap) {
					queue[nq++] = where;
					where = NULL;
				}
			}
			free(where);
			where = NULL;
		}
	}
done:
	free(where);
	for (size_t i = 0; i < nq; i++)
		free(queue[i]);
	free(queue);
	for (size_t i = 0; i < e.n; i++)
		free(e.links[i].path);
	free(e.links);
	return err;
}
