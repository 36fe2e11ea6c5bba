/*
 * Pack writer (see dgit_pack.h): a version 2 pack of whole (undeltified)
 * objects and its version 2 .idx, written directly rather than through
 * libgit2's packbuilder, whose delta search and second compression pass
 * cost more than the import itself.  git verifies the result on use
 * (and the tests run git fsck on it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "dgit_pack.h"

#define WBUF_SIZE (1u << 20)

struct pentry {
	git_oid oid;
	uint64_t off;              /* 0: empty slot (no object is at 0) */
	uint32_t crc;
};

struct dgit_pack {
	git_repository *repo;
	char *dir;                 /* .../objects/pack/ */
	char *tmp;                 /* temporary pack path */
	int fd;
	int level;
	uint64_t off;              /* bytes written, including wbuf */
	unsigned char *wbuf;
	size_t wlen;
	struct pentry *tab;        /* open addressing, power of two */
	size_t tabcap, count;
	z_stream z;
	int zinit;
	unsigned char *zbuf;
	size_t zcap;
	EVP_MD_CTX *md;
};

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
		*crc = (uint32_t)crc32(*crc, d, (uInt)len);
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

static size_t
slot_of(const struct dgit_pack *p, const git_oid *oid)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof h);
	return (size_t)h & (p->tabcap - 1);
}

static struct pentry *
lookup(const struct dgit_pack *p, const git_oid *oid)
{
	size_t i = slot_of(p, oid);

	while (p->tab[i].off != 0) {
		if (git_oid_equal(&p->tab[i].oid, oid))
			return &p->tab[i];
		i = (i + 1) & (p->tabcap - 1);
	}
	return NULL;
}

static int
grow(struct dgit_pack *p)
{
	size_t ncap = p->tabcap * 2;
	struct pentry *old = p->tab, *t = calloc(ncap, sizeof *t);
	size_t oldcap = p->tabcap;

	if (t == NULL)
		return -1;
	p->tab = t;
	p->tabcap = ncap;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].off != 0) {
			size_t j = slot_of(p, &old[i].oid);

			while (t[j].off != 0)
				j = (j + 1) & (ncap - 1);
			t[j] = old[i];
		}
	}
	free(old);
	return 0;
}

const struct dgit_error *
dgit_pack_new(struct dgit_pack **out, git_repository *repo, int level)
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
	p->wbuf = malloc(WBUF_SIZE);
	p->md = EVP_MD_CTX_new();
	if (p->tab == NULL || p->wbuf == NULL || p->md == NULL ||
	    asprintf(&p->dir, "%sobjects/pack/", common) < 0) {
		p->dir = NULL;
		err = nomem();
		goto done;
	}
	if (asprintf(&p->tmp, "%stmp_dgit_pack_XXXXXX", p->dir) < 0) {
		p->tmp = NULL;
		err = nomem();
		goto done;
	}
	if (mkdir(p->dir, 0777) != 0 && errno != EEXIST) {
		err = dgit_error_from_errno("cannot create '%s'", p->dir);
		goto done;
	}
	p->fd = mkstemp(p->tmp);
	if (p->fd < 0) {
		err = dgit_error_from_errno("cannot create a pack in '%s'",
		    p->dir);
		goto done;
	}
	if (deflateInit(&p->z, p->level) != Z_OK) {
		err = nomem();
		goto done;
	}
	p->zinit = 1;
	err = put(p, hdr, sizeof hdr, NULL);
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

static const struct dgit_error *
hash_object(struct dgit_pack *p, git_oid *out, git_object_t type,
    const void *data, size_t len)
{
	char hdr[64];
	int n = snprintf(hdr, sizeof hdr, "%s %zu", type_name(type), len);
	unsigned int mdlen = 0;

	if (EVP_DigestInit_ex(p->md, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(p->md, hdr, (size_t)n + 1) != 1 ||
	    EVP_DigestUpdate(p->md, data, len) != 1 ||
	    EVP_DigestFinal_ex(p->md, out->id, &mdlen) != 1 || mdlen != 20)
		return dgit_error_fmt(DGIT_ERR_GIT, "cannot hash an object");
	return NULL;
}

const struct dgit_error *
dgit_pack_write(struct dgit_pack *p, git_oid *out, git_object_t type,
    const void *data, size_t len)
{
	const struct dgit_error *err;
	unsigned char hdr[16];
	size_t hl = 0, sz = len;
	uint32_t crc = (uint32_t)crc32(0, Z_NULL, 0);
	uint64_t start = p->off;
	struct pentry *e;
	size_t i;

	if (type_name(type) == NULL)
		return dgit_error_fmt(DGIT_ERR_GIT, "bad object type %d",
		    (int)type);
	if ((err = hash_object(p, out, type, data, len)) != NULL)
		return err;
	if (lookup(p, out) != NULL)
		return NULL;

	hdr[hl] = (unsigned char)(((unsigned)type << 4) | (sz & 15));
	sz >>= 4;
	while (sz) {
		hdr[hl++] |= 0x80;
		hdr[hl] = sz & 0x7f;
		sz >>= 7;
	}
	hl++;
	if ((err = put(p, hdr, hl, &crc)) != NULL)
		return err;

	if (deflateReset(&p->z) != Z_OK)
		return dgit_error_fmt(DGIT_ERR_GIT, "deflate failed");
	{
		size_t bound = deflateBound(&p->z, (uLong)len);

		if (bound > p->zcap) {
			unsigned char *b = realloc(p->zbuf, bound);

			if (b == NULL)
				return nomem();
			p->zbuf = b;
			p->zcap = bound;
		}
	}
	p->z.next_in = (Bytef *)(uintptr_t)data;
	p->z.avail_in = (uInt)len;
	p->z.next_out = p->zbuf;
	p->z.avail_out = (uInt)p->zcap;
	if (deflate(&p->z, Z_FINISH) != Z_STREAM_END)
		return dgit_error_fmt(DGIT_ERR_GIT, "deflate failed");
	if ((err = put(p, p->zbuf, p->zcap - p->z.avail_out, &crc)) != NULL)
		return err;

	if ((p->count + 1) * 2 > p->tabcap && grow(p) != 0)
		return nomem();
	i = slot_of(p, out);
	while (p->tab[i].off != 0)
		i = (i + 1) & (p->tabcap - 1);
	e = &p->tab[i];
	git_oid_cpy(&e->oid, out);
	e->off = start;
	e->crc = crc;
	p->count++;
	return NULL;
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
	z.avail_out = (uInt)size;
	z.next_in = in + i;
	z.avail_in = (uInt)(got - i);
	off += got;
	for (;;) {
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
		} else if (z.avail_out == 0) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "object too long in "
			    "'%s'", p->tmp);
			goto done;
		}
	}
	if (z.total_out != size) {
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
	struct pentry *e = lookup(p, oid);
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];

	*data = NULL;
	*len = 0;
	if (e != NULL) {
		if ((err = flush(p)) != NULL)
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

static int
oid_cmp(const void *a, const void *b)
{
	const struct pentry *x = *(const struct pentry *const *)a;
	const struct pentry *y = *(const struct pentry *const *)b;

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
	unsigned char *buf = p->wbuf;
	uint64_t off = 0;
	unsigned int mdlen;

	if (EVP_DigestInit_ex(p->md, EVP_sha1(), NULL) != 1)
		return dgit_error_fmt(DGIT_ERR_GIT, "sha1 failed");
	while (off < len) {
		size_t want = len - off > WBUF_SIZE ? WBUF_SIZE :
		    (size_t)(len - off);
		ssize_t r = pread(fd, buf, want, (off_t)off);

		if (r <= 0)
			return dgit_error_from_errno("cannot read '%s'", path);
		EVP_DigestUpdate(p->md, buf, (size_t)r);
		off += (uint64_t)r;
	}
	if (EVP_DigestFinal_ex(p->md, out, &mdlen) != 1)
		return dgit_error_fmt(DGIT_ERR_GIT, "sha1 failed");
	return NULL;
}

static const struct dgit_error *
write_idx(struct dgit_pack *p, const char *path, const unsigned char
    packsum[20])
{
	const struct dgit_error *err = NULL;
	struct pentry **v = NULL;
	uint32_t fan[256];
	unsigned char b[8], sum[20];
	size_t nbig = 0;
	unsigned int mdlen;
	FILE *fp = NULL;

	v = malloc((p->count ? p->count : 1) * sizeof *v);
	if (v == NULL)
		return nomem();
	for (size_t i = 0, n = 0; i < p->tabcap; i++)
		if (p->tab[i].off != 0)
			v[n++] = &p->tab[i];
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
	EVP_DigestInit_ex(p->md, EVP_sha1(), NULL);
#define EMIT(ptr, n) do { \
		fwrite((ptr), 1, (n), fp); \
		EVP_DigestUpdate(p->md, (ptr), (n)); \
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
	EVP_DigestFinal_ex(p->md, sum, &mdlen);
	fwrite(sum, 1, 20, fp);
	if (ferror(fp) || fclose(fp) != 0) {
		fp = NULL;
		err = dgit_error_from_errno("cannot write '%s'", path);
		goto done;
	}
	fp = NULL;
done:
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

	if (p->count == 0)
		goto done;     /* nothing new; free removes the file */
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
	if (p->fd >= 0)
		close(p->fd);
	if (p->tmp) {
		unlink(p->tmp);
		free(p->tmp);
	}
	if (p->zinit)
		deflateEnd(&p->z);
	EVP_MD_CTX_free(p->md);
	free(p->zbuf);
	free(p->dir);
	free(p->wbuf);
	free(p->tab);
	free(p);
}
