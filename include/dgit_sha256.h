/*
 * SHA-256 (FIPS 180-4), streaming.  Small and dependency-free: libgit2
 * does not export one and the project adds no crypto library for it.
 */
#ifndef DGIT_SHA256_H
#define DGIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

#define DGIT_SHA256_LEN 32
#define DGIT_SHA256_HEXLEN 64

struct dgit_sha256 {
	uint32_t h[8];
	uint64_t len;              /* bytes hashed so far */
	unsigned char buf[64];
	size_t nbuf;
};

void dgit_sha256_init(struct dgit_sha256 *c);
void dgit_sha256_update(struct dgit_sha256 *c, const void *data, size_t len);
/* Finish; c must be initialised again before reuse. */
void dgit_sha256_final(struct dgit_sha256 *c,
    unsigned char out[DGIT_SHA256_LEN]);
/* Finish into lowercase hex, NUL-terminated (65 bytes). */
void dgit_sha256_final_hex(struct dgit_sha256 *c,
    char out[DGIT_SHA256_HEXLEN + 1]);

/* Hash a whole file; *size gets its length when size is not NULL. */
const struct dgit_error *dgit_sha256_file(char out[DGIT_SHA256_HEXLEN + 1],
    uint64_t *size, const char *path);

/* 1 if s is 64 hex digits (either case), else 0. */
int dgit_sha256_hex_valid(const char *s);

#endif
