/*
 * A cache of signature verifications, so that verifying the same bytes
 * against the same keyrings again costs no gpg process.
 *
 * An entry's key is the SHA-256 of: the cache format, the dgit version,
 * the kind of signature (clearsigned or detached), the SHA-256 of the
 * exact signed input (and of the detached signature), and the SHA-256 of
 * each keyring file's bytes, in order.  Its value is what gpg said: the
 * good signature's key fingerprint, signature class and digest, the
 * SHA-256 of the signed text gpg returned (clearsigned), and the time span
 * in which the verdict holds: from the signature's creation to the
 * earliest of the signature's expiry, the key's and the signing subkey's.
 * (A second kind of entry remembers a signing key's expiry for given
 * keyrings' bytes.)  Only good verdicts are stored; a changed byte anywhere in the input or
 * a keyring is a different key, so nothing unverified is ever trusted.
 *
 * Entries live in CACHE_DIR/verify (created mode 0700), one file each,
 * named by the key's hex, written atomically.  A directory or file not
 * owned by the effective user, writable by group or others, not of the
 * expected type, too large, malformed, or failing its own checksum is a
 * miss, never trusted.  Storing is best effort: a cache that cannot be
 * written only costs a gpg run next time.
 */
#ifndef DGIT_VERIFYCACHE_H
#define DGIT_VERIFYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"
#include "dgit_hash.h"

#define DGIT_VERIFYCACHE_FPR_MAX 64

struct dgit_verifycache_entry {
	char fpr[DGIT_VERIFYCACHE_FPR_MAX + 1];
	int sig_class;             /* -1 when gpg did not say */
	int hash_algo;             /* gpgme_hash_algo_t */
	char text_sha256[DGIT_SHA256_HEXLEN + 1]; /* "" when detached */
	int64_t not_before;        /* the signature's creation (Unix time) */
	int64_t not_after;         /* first second the verdict no longer
	                              holds; 0: no expiry */
};

/*
 * One digest (lowercase hex) of the keyring files' bytes, in order, for
 * the keys below.  Errors when a keyring cannot be opened or read.
 */
const struct dgit_error *dgit_verifycache_keyrings(
    char out[DGIT_SHA256_HEXLEN + 1], const char *const *keyrings,
    size_t nkeyrings);

/*
 * The entry key (lowercase hex) for data with the detached signature sig
 * (sig NULL: data is clearsigned) against the keyrings whose digest is
 * rings.
 */
const struct dgit_error *dgit_verifycache_key(
    char out[DGIT_SHA256_HEXLEN + 1], const char *rings, const char *data,
    size_t len, const char *sig, size_t siglen);

/*
 * The key of the entry that remembers, for the key with fingerprint fpr in
 * the keyrings whose digest is rings, when it or that subkey expires
 * (not_after; not_before 0), so that a new message by the same key in the
 * same keyrings needs no key listing.
 */
const struct dgit_error *dgit_verifycache_key_expiry(
    char out[DGIT_SHA256_HEXLEN + 1], const char *rings, const char *fpr);

/*
 * 1 and *e filled when CACHE_DIR holds a sound entry for key that holds
 * at time now; 0 (a miss) otherwise, whatever the reason.
 */
int dgit_verifycache_lookup(struct dgit_verifycache_entry *e,
    const char *cache_dir, const char *key, int64_t now);

/*
 * Store e under key; best effort, failures are ignored.  Temporaries a
 * store killed half-way left (a minute old or more) are removed first.
 */
void dgit_verifycache_store(const char *cache_dir, const char *key,
    const struct dgit_verifycache_entry *e);

#endif
