/*
 * Signing with gpgme; see dgit_sign.h.  Each call makes its own context,
 * so nothing is shared between calls or threads.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gpgme.h>

#include "dgit_sign.h"

static const struct dgit_error *
gerr(gpgme_error_t e, const char *what)
{
	return dgit_error_fmt(DGIT_ERR_GPGME, "%s: %s", what,
	    gpgme_strerror(e));
}

static const struct dgit_error *
ctx_new(gpgme_ctx_t *out, const char *home)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t e;

	*out = NULL;
	gpgme_check_version(NULL);
	if ((e = gpgme_new(&ctx)) != 0)
		return gerr(e, "cannot start gpgme");
	if ((e = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (home && (e = gpgme_ctx_set_engine_info(ctx,
	    GPGME_PROTOCOL_OpenPGP, NULL, home)) != 0)) {
		gpgme_release(ctx);
		return gerr(e, "cannot set up gpg");
	}
	*out = ctx;
	return NULL;
}

/* The first secret key for keyid that can sign, not expired or revoked. */
static const struct dgit_error *
find_key(gpgme_key_t *out, gpgme_ctx_t ctx, const char *keyid)
{
	gpgme_key_t k = NULL;
	gpgme_error_t e;

	*out = NULL;
	if ((e = gpgme_op_keylist_start(ctx, keyid, 1)) != 0)
		return gerr(e, "cannot list the secret keys");
	while ((e = gpgme_op_keylist_next(ctx, &k)) == 0) {
		if (k->can_sign && !k->revoked && !k->expired &&
		    !k->disabled && !k->invalid && *out == NULL) {
			*out = k;
			continue;
		}
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (*out == NULL)
		return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no usable secret "
		    "key for '%s' in the GnuPG keyring; import it, or name "
		    "another with -k KEYID or dgit-distro.DISTRO.keyid",
		    keyid ? keyid : "(default)");
	return NULL;
}

static const struct dgit_error *
take_data(char **out, size_t *outlen, gpgme_data_t d)
{
	size_t n = 0;
	char *p = gpgme_data_release_and_get_mem(d, &n);
	char *r;

	*out = NULL;
	if (p == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	r = malloc(n + 1);
	if (r == NULL) {
		gpgme_free(p);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	memcpy(r, p, n);
	r[n] = '\0';
	gpgme_free(p);
	*out = r;
	if (outlen)
		*outlen = n;
	return NULL;
}

static const struct dgit_error *
sign(char **out, size_t *outlen, const char *home, const char *keyid,
    const char *data, size_t len, gpgme_sig_mode_t mode)
{
	const struct dgit_error *err = NULL;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t e;

	*out = NULL;
	if ((err = ctx_new(&ctx, home)))
		return err;
	gpgme_set_armor(ctx, 1);
	gpgme_set_textmode(ctx, mode == GPGME_SIG_MODE_CLEAR);
	if (keyid) {
		if ((err = find_key(&key, ctx, keyid)))
			goto done;
		if ((e = gpgme_signers_add(ctx, key)) != 0) {
			err = gerr(e, "cannot use the signing key");
			goto done;
		}
	}
	if ((e = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (e = gpgme_data_new(&sig)) != 0) {
		err = gerr(e, "cannot set up the data to sign");
		goto done;
	}
	if ((e = gpgme_op_sign(ctx, in, sig, mode)) != 0) {
		err = dgit_error_fmt(DGIT_ERR_GPGME, "signing with '%s' "
		    "failed: %s; is the key's passphrase available to the "
		    "agent?", keyid ? keyid : "the default key",
		    gpgme_strerror(e));
		goto done;
	}
	res = gpgme_op_sign_result(ctx);
	if (res == NULL || res->invalid_signers || res->signatures == NULL) {
		err = dgit_error_fmt(DGIT_ERR_GPGME, "gpg made no signature "
		    "with '%s'", keyid ? keyid : "the default key");
		goto done;
	}
	err = take_data(out, outlen, sig);
	sig = NULL;
done:
	gpgme_data_release(in);
	gpgme_data_release(sig);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}

const struct dgit_error *
dgit_sign_detached(char **out, size_t *outlen, const char *home,
    const char *keyid, const char *data, size_t len)
{
	return sign(out, outlen, home, keyid, data, len,
	    GPGME_SIG_MODE_DETACH);
}

const struct dgit_error *
dgit_sign_clear(char **out, size_t *outlen, const char *home,
    const char *keyid, const char *text, size_t len)
{
	return sign(out, outlen, home, keyid, text, len, GPGME_SIG_MODE_CLEAR);
}

const struct dgit_error *
dgit_sign_find_key(char **fpr, char **uid, const char *home,
    const char *keyid)
{
	const struct dgit_error *err;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;

	*fpr = NULL;
	if (uid)
		*uid = NULL;
	if ((err = ctx_new(&ctx, home)))
		return err;
	if ((err = find_key(&key, ctx, keyid)))
		goto done;
	if ((*fpr = strdup(key->fpr)) == NULL ||
	    (uid && key->uids && (*uid = strdup(key->uids->uid)) == NULL)) {
		free(*fpr);
		*fpr = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
	}
done:
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}

/* fpr (a signature's: a fingerprint or a key id) names key or a subkey. */
static int
key_has(gpgme_key_t key, const char *fpr)
{
	size_t fl = strlen(fpr);

	if (fl < 16)
		return 0;
	for (gpgme_subkey_t sk = key->subkeys; sk; sk = sk->next) {
		size_t kl = sk->fpr ? strlen(sk->fpr) : 0;

		if (kl >= fl && strcasecmp(sk->fpr + kl - fl, fpr) == 0)
			return 1;
	}
	return 0;
}

const struct dgit_error *
dgit_sign_is_signer(int *yes, const char *home, const char *keyid,
    const char *data, size_t len, const char *sig, size_t siglen)
{
	const struct dgit_error *err;
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_data_t in = NULL, out = NULL, sd = NULL;
	gpgme_verify_result_t res;
	gpgme_error_t e;

	*yes = 0;
	if ((err = ctx_new(&ctx, home)))
		return err;
	if ((err = find_key(&key, ctx, keyid)))
		goto done;
	if ((e = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (sig && (e = gpgme_data_new_from_mem(&sd, sig, siglen, 0)) != 0) ||
	    (!sig && (e = gpgme_data_new(&out)) != 0)) {
		err = gerr(e, "cannot hand the message to gpgme");
		goto done;
	}
	/* a message that is not signed is just not signed by key */
	if ((sig ? gpgme_op_verify(ctx, sd, in, NULL) :
	    gpgme_op_verify(ctx, in, NULL, out)) != 0 ||
	    (res = gpgme_op_verify_result(ctx)) == NULL)
		goto done;
	for (gpgme_signature_t s = res->signatures; s; s = s->next)
		if (gpgme_err_code(s->status) == GPG_ERR_NO_ERROR &&
		    s->fpr && key_has(key, s->fpr))
			*yes = 1;
done:
	gpgme_data_release(in);
	gpgme_data_release(out);
	gpgme_data_release(sd);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return err;
}

const struct dgit_error *
dgit_sign_export(char **out, size_t *outlen, const char *home,
    const char *fpr)
{
	const struct dgit_error *err = NULL;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t d = NULL;
	gpgme_error_t e;

	*out = NULL;
	if ((err = ctx_new(&ctx, home)))
		return err;
	if ((e = gpgme_data_new(&d)) != 0 ||
	    (e = gpgme_op_export(ctx, fpr, 0, d)) != 0) {
		err = gerr(e, "cannot export the public key");
		goto done;
	}
	if (gpgme_data_seek(d, 0, SEEK_END) <= 0) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND, "no public key '%s' "
		    "to export", fpr);
		goto done;
	}
	err = take_data(out, outlen, d);
	d = NULL;
done:
	gpgme_data_release(d);
	gpgme_release(ctx);
	return err;
}

const struct dgit_error *
dgit_sign_import(const char *home, const char *data, size_t len)
{
	const struct dgit_error *err = NULL;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t d = NULL;
	gpgme_error_t e;

	if ((err = ctx_new(&ctx, home)))
		return err;
	if ((e = gpgme_data_new_from_mem(&d, data, len, 0)) != 0 ||
	    (e = gpgme_op_import(ctx, d)) != 0)
		err = gerr(e, "cannot import the key");
	gpgme_data_release(d);
	gpgme_release(ctx);
	return err;
}

const struct dgit_error *
dgit_sign_genkey(char **fpr, const char *home, const char *uid)
{
	const struct dgit_error *err = NULL;
	gpgme_ctx_t ctx = NULL;
	gpgme_genkey_result_t r;
	gpgme_error_t e;

	*fpr = NULL;
	if ((err = ctx_new(&ctx, home)))
		return err;
	e = gpgme_op_createkey(ctx, uid, "ed25519", 0, 0, NULL,
	    GPGME_CREATE_SIGN | GPGME_CREATE_NOPASSWD |
	    GPGME_CREATE_NOEXPIRE | GPGME_CREATE_FORCE);
	if (e != 0) {
		err = gerr(e, "cannot generate the archive key");
		goto done;
	}
	r = gpgme_op_genkey_result(ctx);
	if (r == NULL || r->fpr == NULL) {
		err = dgit_error_fmt(DGIT_ERR_GPGME, "gpg made no key");
		goto done;
	}
	if ((*fpr = strdup(r->fpr)) == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	gpgme_release(ctx);
	return err;
}
