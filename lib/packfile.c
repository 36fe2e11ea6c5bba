/*
 * Whole objects read from mapped pack files; see dgit_packfile.h.
 *
 * A version 2 pack index: "\377tOc", version 2, 256 cumulative counts by
 * first id byte, the sorted ids (20 bytes each), their CRC-32s, their
 * 4-byte offsets (high bit set: an index into the 8-byte offsets that
 * follow), then the pack's and the index's own SHA-1.  A pack: "PACK",
 * version 2 or 3, the object count, the objects, a SHA-1.  An object:
 * its type (3 bits) and size (a little-endian base-128 number whose first
 * byte holds 4 bits) and, for a whole object, its zlib stream.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>
#ifdef DGIT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "dgit_pack.h"
#include "dgit_packfile.h"

#define IDX_HEAD (8 + 256 * 4)
#define SHA1_LEN 20
#define PACKS_MAX 1024

struct pf_pack {
	const unsigned char *idx, *pack;
	size_t idxlen, packlen;
	uint32_t n;                /* objects */
	const unsigned char *ids, *off32, *off64;
	size_t n64;                /* 8-byte offsets */
	char *name;                /* the .pack's path, for messages */
};

struct dgit_packfiles {
	struct pf_pack *packs;
	size_t n;
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static const void *
map_file(const char *path, size_t *len)
{
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return m;
}

static void
pack_unmap(struct pf_pack *k)
{
	if (k->idx)
		munmap((void *)k->idx, k->idxlen);
	if (k->pack)
		munmap((void *)k->pack, k->packlen);
	free(k->name);
	memset(k, 0, sizeof *k);
}

/* 1 when k's index and pack have the shape their headers say. */
static int
pack_check(struct pf_pack *k)
{
	const unsigned char *x = k->idx;
	uint32_t prev = 0, v;
	uint64_t need;

	if (k->idxlen < IDX_HEAD + 2 * SHA1_LEN ||
	    memcmp(x, "\377tOc", 4) != 0 || be32(x + 4) != 2)
		return 0;
	for (int i = 0; i < 256; i++) {
		if ((v = be32(x + 8 + 4 * i)) < prev)
			return 0;
		prev = v;
	}
	k->n = prev;
	need = IDX_HEAD + (uint64_t)k->n * (SHA1_LEN + 4 + 4) + 2 * SHA1_LEN;
	if (need > k->idxlen || (k->idxlen - need) % 8 != 0)
		return 0;
	k->ids = x + IDX_HEAD;
	k->off32 = k->ids + (size_t)k->n * (SHA1_LEN + 4);
	k->off64 = k->off32 + (size_t)k->n * 4;
	k->n64 = (k->idxlen - (size_t)need) / 8;
	if (k->packlen < 12 + SHA1_LEN || memcmp(k->pack, "PACK", 4) != 0 ||
	    (be32(k->pack + 4) != 2 && be32(k->pack + 4) != 3) ||
	    be32(k->pack + 8) != k->n)
		return 0;
	/* the index names the pack it indexes */
	return memcmp(k->pack + k->packlen - SHA1_LEN,
	    x + k->idxlen - 2 * SHA1_LEN, SHA1_LEN) == 0;
}

static int
pack_open(struct pf_pack *k, const char *dir, const char *idxname)
{
	size_t dl = strlen(dir), nl = strlen(idxname);
	char *path = malloc(dl + nl + 8);

	memset(k, 0, sizeof *k);
	if (path == NULL)
		return 0;
	snprintf(path, dl + nl + 8, "%s/%s", dir, idxname);
	k->idx = map_file(path, &k->idxlen);
	memcpy(path + dl + 1 + nl - 4, ".pack", 6);
	k->pack = map_file(path, &k->packlen);
	k->name = path;
	if (k->idx == NULL || k->pack == NULL || !pack_check(k)) {
		pack_unmap(k);
		return 0;
	}
	return 1;
}

const struct dgit_error *
dgit_packfiles_open(struct dgit_packfiles **out, git_repository *repo)
{
	git_buf dir = { 0 };
	struct dgit_packfiles *pf;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if ((pf = calloc(1, sizeof *pf)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (git_repository_item_path(&dir, repo,
	    GIT_REPOSITORY_ITEM_OBJECTS) != 0) {
		free(pf);
		return dgit_error_git("cannot find the object database");
	}
	if (dir.size > 0 && dir.ptr[dir.size - 1] == '/')
		dir.ptr[--dir.size] = '\0';
	if (git_buf_grow(&dir, dir.size + 6) == 0)
		strcat(dir.ptr, "/pack");
	else {
		git_buf_dispose(&dir);
		free(pf);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if ((d = opendir(dir.ptr)) != NULL) {
		while ((de = readdir(d)) != NULL && pf->n < PACKS_MAX) {
			size_t nl = strlen(de->d_name);
			struct pf_pack *np;

			if (nl < 5 || strcmp(de->d_name + nl - 4, ".idx") != 0)
				continue;
			if ((np = realloc(pf->packs, (pf->n + 1) *
			    sizeof *np)) == NULL)
				break;
			pf->packs = np;
			if (pack_open(&pf->packs[pf->n], dir.ptr, de->d_name))
				pf->n++;
		}
		closedir(d);
	}
	git_buf_dispose(&dir);
	*out = pf;
	return NULL;
}

void
dgit_packfiles_free(struct dgit_packfiles *pf)
{
	if (pf == NULL)
		return;
	for (size_t i = 0; i < pf->n; i++)
		pack_unmap(&pf->packs[i]);
	free(pf->packs);
	free(pf);
}

/* The offset of id in k, or 0 when k does not hold it. */
static uint64_t
pack_find(const struct pf_pack *k, const git_oid *id, int *bad)
{
	const unsigned char *x = k->idx + 8;
	uint32_t lo = id->id[0] ? be32(x + 4 * (id->id[0] - 1)) : 0;
	uint32_t hi = be32(x + 4 * id->id[0]);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(k->ids + (size_t)mid * SHA1_LEN, id->id,
		    SHA1_LEN);
		uint32_t o;

		if (c < 0) {
			lo = mid + 1;
			continue;
		}
		if (c > 0) {
			hi = mid;
			continue;
		}
		o = be32(k->off32 + (size_t)mid * 4);
		if (o & 0x80000000u) {
			o &= 0x7fffffffu;
			if (o >= k->n64) {
				*bad = 1;
				return 0;
			}
			return be64(k->off64 + (size_t)o * 8);
		}
		return o;
	}
	return 0;
}

/* Inflate the zlib stream at in (at most inlen bytes) into exactly len. */
static int
inflate_exact(const unsigned char *in, size_t inlen, void *out, size_t len)
{
#ifdef DGIT_HAVE_LIBDEFLATE
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	enum libdeflate_result r;

	if (d == NULL)
		return -1;
	r = libdeflate_zlib_decompress(d, in, inlen, out, len, NULL);
	libdeflate_free_decompressor(d);
	return r == LIBDEFLATE_SUCCESS ? 0 : 1;
#else
	z_stream z;
	unsigned char extra;
	int rc;

	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = inlen > UINT_MAX ? UINT_MAX : (uInt)inlen;
	z.next_out = len ? out : &extra;
	z.avail_out = len ? (uInt)len : 1;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return rc == Z_STREAM_END && z.total_out == len ? 0 : 1;
#endif
}

const struct dgit_error *
dgit_packfiles_read(int *found, void **data, size_t *len, git_object_t *type,
    const struct dgit_packfiles *pf, const git_oid *id, size_t max)
{
	char hex[GIT_OID_HEXSZ + 1];

	*found = 0;
	*data = NULL;
	*len = 0;
	if (max > UINT_MAX)
		max = UINT_MAX;    /* zlib's avail_out, without libdeflate */
	for (size_t i = 0; i < pf->n; i++) {
		const struct pf_pack *k = &pf->packs[i];
		uint64_t off, size, end = k->packlen - SHA1_LEN;
		git_object_t t;
		size_t hl;
		int bad = 0, rc;
		void *buf;

		if ((off = pack_find(k, id, &bad)) == 0 && !bad)
			continue;
		if (bad || off < 12 || off >= end ||
		    (hl = dgit_pack_parse_header(k->pack + off,
		    (size_t)(end - off), &t, &size)) == 0)
			goto corrupt;
		off += hl;
		if (t < GIT_OBJECT_COMMIT || t > GIT_OBJECT_TAG || size > max)
			return NULL;       /* a delta, or too big: libgit2's */
		if ((buf = malloc(size ? (size_t)size : 1)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		if ((rc = inflate_exact(k->pack + off, (size_t)(end - off), buf,
		    (size_t)size)) != 0) {
			free(buf);
			if (rc < 0)
				return dgit_error(DGIT_ERR_NOMEM);
			goto corrupt;
		}
		*found = 1;
		*data = buf;
		*len = (size_t)size;
		*type = t;
		return NULL;
corrupt:
		git_oid_tostr(hex, sizeof hex, id);
		return dgit_error_fmt(DGIT_ERR_GIT, "object %s in '%s' is "
		    "corrupt", hex, k->name);
	}
	return NULL;
}
