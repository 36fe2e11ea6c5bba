/*
 * OpenPGP signature verification with gpgme against given keyring files,
 * in an ephemeral GnuPG home (a temporary directory created and removed
 * by each call): the user's own keyring and gpg configuration are never
 * read or written.
 *
 * Keyrings are files: binary OpenPGP keyrings (as in /usr/share/keyrings)
 * are used in place; ASCII-armored ones are imported into the ephemeral
 * home.  Every key in the given keyrings is trusted; a signature counts
 * when it is cryptographically good by a key that is neither expired nor
 * revoked.
 *
 * Errors: DGIT_ERR_BAD_SIGNATURE (bad signature, or no signature at all),
 * DGIT_ERR_UNKNOWN_KEY (only signatures by keys not in the keyrings, or by
 * expired or revoked keys), DGIT_ERR_NOT_FOUND (a keyring file missing),
 * DGIT_ERR_GPGME (gpgme itself failed).  what names the input.
 */
#ifndef DGIT_VERIFY_H
#define DGIT_VERIFY_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_verify_result {
	char *text;                /* the signed data as gpgme returns it,
	                              NUL-terminated (clearsigned only) */
	size_t text_len;
	char *fpr;                 /* fingerprint of the good signature's key */
	int sig_class;             /* its OpenPGP signature class (0x00
	                              binary document, 0x01 canonical text,
	                              ...), -1 when gpg did not say */
	int hash_algo;             /* its digest (gpgme_hash_algo_t) */
	int cached;                /* 1: the verdict came from the cache of
	                              an earlier verification of these very
	                              bytes (the _cached functions) */
};

/*
 * NULL when the good signature's digest is strong, else the name of the
 * weak one ("SHA1", "MD5", "RIPEMD160"), which apt refuses for archive
 * signatures.
 */
const char *dgit_verify_weak_digest(const struct dgit_verify_result *r);

/*
 * Verify a clearsigned message; on success *out holds exactly the text
 * that the signature covers (parse that, never the input).
 * *out is caller-owned: dgit_verify_result_free.
 */
const struct dgit_error *dgit_verify_clearsigned(
    struct dgit_verify_result **out, const char *const *keyrings,
    size_t nkeyrings, const char *buf, size_t len, const char *what);

/* Verify a detached signature sig over data.  *out has text NULL. */
const struct dgit_error *dgit_verify_detached(
    struct dgit_verify_result **out, const char *const *keyrings,
    size_t nkeyrings, const char *data, size_t len, const char *sig,
    size_t siglen, const char *what);

/*
 * The same, remembering good verdicts in CACHE_DIR/verify (see
 * dgit_verifycache.h): verifying the same bytes against keyrings with the
 * same bytes again, while the signature, its key and subkey are still
 * unexpired, runs no gpg at all and gives the same result (with cached
 * set).  Anything else (a changed byte, another keyring, an expired
 * entry, an unsound cache) is verified by gpg as above.  cache_dir NULL:
 * no cache.
 */
const struct dgit_error *dgit_verify_clearsigned_cached(
    struct dgit_verify_result **out, const char *cache_dir,
    const char *const *keyrings, size_t nkeyrings, const char *buf,
    size_t len, const char *what);
const struct dgit_error *dgit_verify_detached_cached(
    struct dgit_verify_result **out, const char *cache_dir,
    const char *const *keyrings, size_t nkeyrings, const char *data,
    size_t len, const char *sig, size_t siglen, const char *what);

void dgit_verify_result_free(struct dgit_verify_result *r);

#endif
