/*
 * Making OpenPGP signatures with the user's own key, through gpgme, in
 * the user's GnuPG home (or a given one) and with its agent: the same
 * keys, agent and pinentry the user's gpg uses.
 *
 * keyid selects the secret key as gpg -u does: a fingerprint, a key id,
 * an email address or a "Name <email>" user id (substring match).  The
 * first usable secret key that can sign is taken.  NULL: gpg's default
 * key.
 *
 * Errors: DGIT_ERR_NOT_FOUND (no usable secret key for keyid),
 * DGIT_ERR_GPGME (gpgme or the agent failed, with gpgme's reason).
 * Outputs are caller-owned (free(3)), NUL-terminated.
 */
#ifndef DGIT_SIGN_H
#define DGIT_SIGN_H

#include <stddef.h>

#include "dgit_error.h"

/* An ASCII-armored detached signature of data (git tag signatures). */
const struct dgit_error *dgit_sign_detached(char **out, size_t *outlen,
    const char *home, const char *keyid, const char *data, size_t len);

/*
 * Clearsign text (a .dsc, a .changes), as debsign does: *out is the
 * complete "-----BEGIN PGP SIGNED MESSAGE-----" message.
 */
const struct dgit_error *dgit_sign_clear(char **out, size_t *outlen,
    const char *home, const char *keyid, const char *text, size_t len);

/*
 * The fingerprint of the secret key keyid selects (as above), into *fpr,
 * and its first user id into *uid (may be NULL).
 */
const struct dgit_error *dgit_sign_find_key(char **fpr, char **uid,
    const char *home, const char *keyid);

/*
 * *yes 1 when data carries a good signature by the secret key keyid
 * selects (as above; by the key or one of its subkeys), checked in home's
 * keyring; 0 when it does not, or is not signed at all.  sig NULL: data
 * is a clearsigned message; else sig is a detached signature of data (a
 * git tag's).  Errors as dgit_sign_find_key (no key for keyid).
 */
const struct dgit_error *dgit_sign_is_signer(int *yes, const char *home,
    const char *keyid, const char *data, size_t len, const char *sig,
    size_t siglen);

/* Binary export of the public key fpr (for keyring files). */
const struct dgit_error *dgit_sign_export(char **out, size_t *outlen,
    const char *home, const char *fpr);

/* Import keys (binary or armored) into home. */
const struct dgit_error *dgit_sign_import(const char *home,
    const char *data, size_t len);

/*
 * Generate a signing-only ed25519 key without passphrase and without
 * expiry for uid in home (an existing directory, mode 0700); *fpr gets
 * its fingerprint.
 */
const struct dgit_error *dgit_sign_genkey(char **fpr, const char *home,
    const char *uid);

#endif
