/*
 * Message digests over libcrypto's EVP: SHA-256 (the archive's checksums,
 * the cache's names), SHA-1 (pack trailers) and MD5 (old .dsc Files:
 * fields), streaming or in one call, binary or lowercase hex.
 *
 *   struct dgit_hash h;
 *   if ((err = dgit_hash_init(&h, DGIT_HASH_SHA256))) ...;
 *   dgit_hash_update(&h, data, n); ...
 *   dgit_hash_final_hex(&h, hex);            (frees what init took)
 *
 * A context that is abandoned before final is released with
 * dgit_hash_release(); release after final, or twice, is harmless.
 * Git object ids are not made here: see lib/pack.c.
 */
#ifndef DGIT_HASH_H
#define DGIT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

enum dgit_hash_algo {
	DGIT_HASH_SHA256,
	DGIT_HASH_SHA1,
	DGIT_HASH_MD5
};

#define DGIT_SHA256_LEN 32
#define DGIT_SHA256_HEXLEN 64
#define DGIT_SHA1_LEN 20
#define DGIT_SHA1_HEXLEN 40
#define DGIT_MD5_LEN 16
#define DGIT_MD5_HEXLEN 32
#define DGIT_HASH_MAXLEN DGIT_SHA256_LEN
#define DGIT_HASH_MAXHEXLEN DGIT_SHA256_HEXLEN

struct dgit_hash {
	void *ctx;                 /* EVP_MD_CTX, owned; NULL after final */
	enum dgit_hash_algo algo;
	uint64_t len;              /* bytes hashed so far */
};
#define DGIT_HASH_INIT { NULL, DGIT_HASH_SHA256, 0 }

/* Digest length in bytes of algo (its hex is twice as long). */
size_t dgit_hash_size(enum dgit_hash_algo algo);

/* Start a digest; DGIT_ERR_NOMEM when libcrypto cannot. */
const struct dgit_error *dgit_hash_init(struct dgit_hash *h,
    enum dgit_hash_algo algo);

/*
 * Start again from nothing with h's algorithm, whether h is live or
 * finished (h must have been through dgit_hash_init or be
 * DGIT_HASH_INIT-initialised: then SHA-256).
 */
const struct dgit_error *dgit_hash_reset(struct dgit_hash *h);

void dgit_hash_update(struct dgit_hash *h, const void *data, size_t len);

/* Finish into out (dgit_hash_size bytes) and free the context. */
void dgit_hash_final(struct dgit_hash *h, unsigned char *out);

/* Finish into lowercase hex, NUL-terminated (2 * size + 1 bytes). */
void dgit_hash_final_hex(struct dgit_hash *h, char *out);

/* Free the context of a digest not finished. */
void dgit_hash_release(struct dgit_hash *h);

/* The hex digest of one buffer. */
const struct dgit_error *dgit_hash_buf_hex(char *out,
    enum dgit_hash_algo algo, const void *data, size_t len);

/*
 * The hex digest of a whole file, read in large blocks; *size gets its
 * length when size is not NULL.  Errors name the file.
 */
const struct dgit_error *dgit_hash_file(char *out, uint64_t *size,
    enum dgit_hash_algo algo, const char *path);

/* The same over an open descriptor, read from where it is to its end
 * (what names it in messages); fd stays open. */
const struct dgit_error *dgit_hash_fd(char *out, uint64_t *size,
    enum dgit_hash_algo algo, int fd, const char *what);

/*
 * Several digests of the same bytes in one read of fd (to its end):
 * out[i] gets the lowercase hex of algos[i], for i < n <=
 * DGIT_HASH_MULTI_MAX; *size the length when size is not NULL.
 */
#define DGIT_HASH_MULTI_MAX 3
const struct dgit_error *dgit_hash_fd_multi(
    char (*out)[DGIT_HASH_MAXHEXLEN + 1], uint64_t *size,
    const enum dgit_hash_algo *algos, size_t n, int fd, const char *what);

/* 1 if s is exactly 2 * dgit_hash_size(algo) hex digits (either case). */
int dgit_hash_hex_valid(const char *s, enum dgit_hash_algo algo);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void dgit_hash_to_hex(char *out, const unsigned char *bin, size_t n);

#endif
