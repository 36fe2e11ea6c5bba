/* Digests over libcrypto's EVP; see dgit_hash.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dgit_hash.h"

static const EVP_MD *
md_of(enum dgit_hash_algo algo)
{
	switch (algo) {
	case DGIT_HASH_SHA1: return EVP_sha1();
	case DGIT_HASH_MD5: return EVP_md5();
	case DGIT_HASH_SHA256: break;
	}
	return EVP_sha256();
}

size_t
dgit_hash_size(enum dgit_hash_algo algo)
{
	switch (algo) {
	case DGIT_HASH_SHA1: return DGIT_SHA1_LEN;
	case DGIT_HASH_MD5: return DGIT_MD5_LEN;
	case DGIT_HASH_SHA256: break;
	}
	return DGIT_SHA256_LEN;
}

const struct dgit_error *
dgit_hash_init(struct dgit_hash *h, enum dgit_hash_algo algo)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	h->ctx = NULL;
	h->algo = algo;
	h->len = 0;
	if (c == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (EVP_DigestInit_ex(c, md_of(algo), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return dgit_error_fmt(DGIT_ERR_NOMEM,
		    "libcrypto cannot start a digest");
	}
	h->ctx = c;
	return NULL;
}

const struct dgit_error *
dgit_hash_reset(struct dgit_hash *h)
{
	if (h->ctx == NULL)
		return dgit_hash_init(h, h->algo);
	h->len = 0;
	if (EVP_DigestInit_ex(h->ctx, md_of(h->algo), NULL) != 1)
		return dgit_error_fmt(DGIT_ERR_NOMEM,
		    "libcrypto cannot start a digest");
	return NULL;
}

void
dgit_hash_update(struct dgit_hash *h, const void *data, size_t len)
{
	if (len == 0)
		return;
	EVP_DigestUpdate(h->ctx, data, len);
	h->len += len;
}

void
dgit_hash_final(struct dgit_hash *h, unsigned char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (h->ctx == NULL || EVP_DigestFinal_ex(h->ctx, md, &n) != 1)
		n = 0;
	/* Not reachable with a live context; never leave out undefined. */
	if (n != dgit_hash_size(h->algo))
		memset(md, 0, sizeof md);
	memcpy(out, md, dgit_hash_size(h->algo));
	dgit_hash_release(h);
}

void
dgit_hash_to_hex(char *out, const unsigned char *bin, size_t n)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[bin[i] >> 4];
		out[2 * i + 1] = hx[bin[i] & 15];
	}
	out[2 * n] = '\0';
}

void
dgit_hash_final_hex(struct dgit_hash *h, char *out)
{
	unsigned char md[DGIT_HASH_MAXLEN];
	size_t n = dgit_hash_size(h->algo);

	dgit_hash_final(h, md);
	dgit_hash_to_hex(out, md, n);
}

void
dgit_hash_release(struct dgit_hash *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

const struct dgit_error *
dgit_hash_buf_hex(char *out, enum dgit_hash_algo algo, const void *data,
    size_t len)
{
	const struct dgit_error *err;
	struct dgit_hash h;

	if ((err = dgit_hash_init(&h, algo)))
		return err;
	dgit_hash_update(&h, data, len);
	dgit_hash_final_hex(&h, out);
	return NULL;
}

const struct dgit_error *
dgit_hash_fd_multi(char (*out)[DGIT_HASH_MAXHEXLEN + 1], uint64_t *size,
    const enum dgit_hash_algo *algos, size_t n, int fd, const char *what)
{
	const struct dgit_error *err = NULL;
	enum { BLOCK = 1 << 20 };
	struct dgit_hash h[DGIT_HASH_MULTI_MAX];
	unsigned char *buf = NULL;
	uint64_t total = 0;
	size_t i, live = 0;

	for (i = 0; i < n && i < DGIT_HASH_MULTI_MAX; i++)
		out[i][0] = '\0';
	if (size)
		*size = 0;
	if (n > DGIT_HASH_MULTI_MAX)
		return dgit_error_fmt(DGIT_ERR_USAGE, "%zu digests at once "
		    "(the most is %d)", n, DGIT_HASH_MULTI_MAX);
	if ((buf = malloc(BLOCK)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	for (live = 0; live < n; live++)
		if ((err = dgit_hash_init(&h[live], algos[live])))
			goto done;
	for (;;) {
		ssize_t r = read(fd, buf, BLOCK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = dgit_error_from_errno("cannot read '%s'", what);
			goto done;
		}
		if (r == 0)
			break;
		total += (uint64_t)r;
		for (i = 0; i < n; i++)
			dgit_hash_update(&h[i], buf, (size_t)r);
	}
	if (size)
		*size = total;
	for (i = 0; i < n; i++)
		dgit_hash_final_hex(&h[i], out[i]);
	live = 0;
done:
	for (i = 0; i < live; i++)
		dgit_hash_release(&h[i]);
	free(buf);
	return err;
}

const struct dgit_error *
dgit_hash_fd(char *out, uint64_t *size, enum dgit_hash_algo algo, int fd,
    const char *what)
{
	const struct dgit_error *err;
	char hex[1][DGIT_HASH_MAXHEXLEN + 1];

	err = dgit_hash_fd_multi(hex, size, &algo, 1, fd, what);
	memcpy(out, hex[0], 2 * dgit_hash_size(algo) + 1);
	if (err)
		out[0] = '\0';
	return err;
}

const struct dgit_error *
dgit_hash_file(char *out, uint64_t *size, enum dgit_hash_algo algo,
    const char *path)
{
	const struct dgit_error *err;
	int fd;

	out[0] = '\0';
	if (size)
		*size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dgit_error_from_errno("cannot open '%s'", path);
	err = dgit_hash_fd(out, size, algo, fd, path);
	close(fd);
	return err;
}

int
dgit_hash_hex_valid(const char *s, enum dgit_hash_algo algo)
{
	size_t n = 2 * dgit_hash_size(algo), i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[n] == '\0';
}
