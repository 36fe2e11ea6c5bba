/*
 * gpgme verification in a throwaway GnuPG home; see dgit_verify.h.
 * Binary keyrings are named in the home's gpg.conf ("keyring FILE"), so a
 * large keyring such as debian-keyring.gpg costs no import.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <gpgme.h>

#include "dgit_deb822.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_verify.h"
#include "dgit_verifycache.h"

/* What gpg's VALIDSIG status lines said, for the signature class. */
#define MAX_VALIDSIG 8
struct validsig {
	char fpr[65];
	int sig_class;
};

struct home {
	char *dir;
	gpgme_ctx_t ctx;
	struct validsig valid[MAX_VALIDSIG];
	size_t nvalid;
};

static const struct dgit_error *
gerr(gpgme_error_t e, const char *fmt, const char *what)
{
	return dgit_error_fmt(DGIT_ERR_GPGME, "%s '%s': %s", fmt, what,
	    gpgme_strerror(e));
}

/* 1 if the file starts with an ASCII armor line. */
static int
is_armored(const char *path)
{
	char buf[16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n >= 10 && memcmp(buf, "-----BEGIN", 10) == 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * "VALIDSIG FPR DATE TS EXPIRE VER RESERVED PKALGO HASHALGO CLASS PRIMARY":
 * gpgme's verify result has no signature class, gpg's status line has.
 */
static gpgme_error_t
status_cb(void *arg, const char *keyword, const char *args)
{
	struct home *h = arg;
	struct validsig *v;
	const char *p = args, *f[10];
	size_t nf = 0, i;

	if (keyword == NULL || args == NULL || strcmp(keyword, "VALIDSIG") ||
	    h->nvalid >= MAX_VALIDSIG)
		return 0;
	while (nf < 10 && *p) {
		f[nf++] = p;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	if (nf < 9)
		return 0;
	v = &h->valid[h->nvalid];
	for (i = 0; i + 1 < sizeof v->fpr && f[0][i] && f[0][i] != ' '; i++)
		v->fpr[i] = f[0][i];
	v->fpr[i] = '\0';
	v->sig_class = -1;
	if (hexval(f[8][0]) >= 0 && hexval(f[8][1]) >= 0 &&
	    (f[8][2] == ' ' || f[8][2] == '\0'))
		v->sig_class = hexval(f[8][0]) * 16 + hexval(f[8][1]);
	h->nvalid++;
	return 0;
}

static void
home_release(struct home *h)
{
	if (h->ctx)
		gpgme_release(h->ctx);
	h->ctx = NULL;
	if (h->dir) {
		dgit_fs_remove_tree(h->dir);
		free(h->dir);
		h->dir = NULL;
	}
}

/* Each keyring an absolute path that can be read. */
static const struct dgit_error *
check_keyrings(const char *const *keyrings, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (keyrings[i][0] != '/' || strchr(keyrings[i], '\n'))
			return dgit_error_fmt(DGIT_ERR_USAGE,
			    "keyring '%s' must be an absolute path",
			    keyrings[i]);
		if (access(keyrings[i], R_OK) == -1)
			return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "cannot read keyring '%s': %s; install it or "
			    "configure another one", keyrings[i],
			    strerror(errno));
	}
	return NULL;
}

static const struct dgit_error *
home_init(struct home *h, const char *const *keyrings, size_t n)
{
	const struct dgit_error *err = NULL;
	gpgme_error_t ge;
	char *conf = NULL;
	FILE *fp = NULL;

	memset(h, 0, sizeof *h);
	if ((err = check_keyrings(keyrings, n)))
		return err;
	gpgme_check_version(NULL);
	if ((err = dgit_fs_mkdtemp(&h->dir, NULL, "dgit-gnupg")))
		return err;
	if (asprintf(&conf, "%s/gpg.conf", h->dir) == -1) {
		conf = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	fp = fopen(conf, "we");
	if (fp == NULL) {
		err = dgit_error_from_errno("cannot create '%s'", conf);
		goto done;
	}
	fprintf(fp, "trust-model always\nno-auto-key-retrieve\n"
	    "no-auto-key-locate\n");
	for (size_t i = 0; i < n; i++)
		if (!is_armored(keyrings[i]))
			fprintf(fp, "keyring %s\n", keyrings[i]);
	if (fclose(fp) == EOF) {
		fp = NULL;
		err = dgit_error_from_errno("cannot write '%s'", conf);
		goto done;
	}
	fp = NULL;
	ge = gpgme_new(&h->ctx);
	if (ge) {
		h->ctx = NULL;
		err = gerr(ge, "cannot start gpgme for", h->dir);
		goto done;
	}
	ge = gpgme_set_protocol(h->ctx, GPGME_PROTOCOL_OpenPGP);
	if (ge == 0)
		ge = gpgme_ctx_set_engine_info(h->ctx, GPGME_PROTOCOL_OpenPGP,
		    NULL, h->dir);
	if (ge == 0)
		ge = gpgme_set_ctx_flag(h->ctx, "full-status", "1");
	if (ge == 0)
		gpgme_set_status_cb(h->ctx, status_cb, h);
	if (ge) {
		err = gerr(ge, "cannot set up gpgme in", h->dir);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		gpgme_data_t kd;

		if (!is_armored(keyrings[i]))
			continue;
		ge = gpgme_data_new_from_file(&kd, keyrings[i], 1);
		if (ge) {
			err = gerr(ge, "cannot read keyring", keyrings[i]);
			goto done;
		}
		ge = gpgme_op_import(h->ctx, kd);
		gpgme_data_release(kd);
		if (ge) {
			err = gerr(ge, "cannot import keyring", keyrings[i]);
			goto done;
		}
	}
done:
	if (fp)
		fclose(fp);
	free(conf);
	if (err)
		home_release(h);
	return err;
}

/* Pick the verdict from gpgme's signature list. */
static const struct dgit_error *
judge(char **fpr, int *hash_algo, gpgme_signature_t *good, gpgme_ctx_t ctx,
    const char *what)
{
	gpgme_verify_result_t res = gpgme_op_verify_result(ctx);
	gpgme_signature_t s;
	const char *bad = NULL, *unknown = NULL, *other = NULL;
	gpgme_error_t other_err = 0;

	*fpr = NULL;
	if (res == NULL || res->signatures == NULL)
		return dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
		    "'%s' is not signed", what);
	for (s = res->signatures; s; s = s->next) {
		gpgme_err_code_t c = gpgme_err_code(s->status);

		if (c == GPG_ERR_NO_ERROR &&
		    !(s->summary & (GPGME_SIGSUM_KEY_REVOKED |
		    GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED |
		    GPGME_SIGSUM_RED))) {
			*hash_algo = (int)s->hash_algo;
			*good = s;
			*fpr = strdup(s->fpr ? s->fpr : "");
			return *fpr ? NULL : dgit_error(DGIT_ERR_NOMEM);
		}
		if (c == GPG_ERR_BAD_SIGNATURE)
			bad = s->fpr ? s->fpr : "?";
		else if (c == GPG_ERR_NO_PUBKEY)
			unknown = s->fpr ? s->fpr : "?";
		else if (other == NULL) {
			other = s->fpr ? s->fpr : "?";
			other_err = s->status;
		}
	}
	if (bad)
		return dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
		    "bad signature on '%s' (key %s); the file was altered "
		    "or corrupted, do not use it", what, bad);
	if (unknown)
		return dgit_error_fmt(DGIT_ERR_UNKNOWN_KEY,
		    "'%s' is signed by key %s, which is not in the keyring; "
		    "update the keyring package or check the configured "
		    "keyring", what, unknown);
	return dgit_error_fmt(DGIT_ERR_UNKNOWN_KEY,
	    "no valid signature on '%s' (key %s: %s); the signing key may "
	    "have expired or been revoked, update the keyring package", what,
	    other, other_err ? gpgme_strerror(other_err) :
	    "expired or revoked");
}

/*
 * What verify() tells the cache: the verdict's span and, when the key was
 * listed for it, the key's own expiry, to remember for rings.
 */
struct cacheinfo {
	const char *cache_dir;
	const char *rings;         /* digest of the keyrings' bytes */
	struct dgit_verifycache_entry ce;  /* ce.fpr "": nothing to store */
	struct dgit_verifycache_entry key; /* key.fpr "": not listed */
};

/*
 * When the key (or subkey) with fingerprint fpr expires, 0 never: from the
 * cache's memory of these keyrings, else by listing the key (one more gpg
 * run), then remembered in ci->key.  0 returned: not known (the key
 * cannot be listed, or is not usable).
 */
static int
key_end(int64_t *end, struct cacheinfo *ci, gpgme_ctx_t ctx, const char *fpr)
{
	struct dgit_verifycache_entry m;
	char kk[DGIT_SHA256_HEXLEN + 1];
	gpgme_key_t key = NULL;
	gpgme_subkey_t sk;
	int found = 0;

	*end = 0;
	if (dgit_verifycache_key_expiry(kk, ci->rings, fpr) == NULL &&
	    dgit_verifycache_lookup(&m, ci->cache_dir, kk,
	    (int64_t)time(NULL)) && strcmp(m.fpr, fpr) == 0 &&
	    m.not_before == 0) {
		*end = m.not_after;
		return 1;
	}
	if (gpgme_get_key(ctx, fpr, &key, 0) != 0)
		return 0;
	if (key->revoked || key->expired || key->disabled || key->invalid ||
	    key->subkeys == NULL)
		goto done;
#define EARLIER(t) do { if ((t) > 0 && (*end == 0 || (int64_t)(t) < *end)) \
	*end = (int64_t)(t); } while (0)
	EARLIER(key->subkeys->expires);
	for (sk = key->subkeys; sk; sk = sk->next) {
		if (sk->fpr == NULL || strcasecmp(sk->fpr, fpr) != 0)
			continue;
		if (sk->revoked || sk->expired || sk->disabled || sk->invalid) {
			found = 0;
			break;
		}
		EARLIER(sk->expires);
		found = 1;
	}
#undef EARLIER
	if (found) {
		memcpy(ci->key.fpr, fpr, strlen(fpr) + 1);
		ci->key.sig_class = -1;
		ci->key.not_after = *end;
	}
done:
	gpgme_key_unref(key);
	return found;
}

/*
 * When the verdict on signature s holds, for the cache: from its creation
 * to the earliest expiry of the signature, the key and the signing
 * subkey.  ci->ce.fpr stays empty (nothing to store) when that is not
 * known.
 */
static void
span(struct cacheinfo *ci, gpgme_ctx_t ctx, gpgme_signature_t s)
{
	int64_t end;

	memset(&ci->ce, 0, sizeof ci->ce);
	memset(&ci->key, 0, sizeof ci->key);
	if (s->fpr == NULL || strlen(s->fpr) > DGIT_VERIFYCACHE_FPR_MAX ||
	    strspn(s->fpr, "0123456789ABCDEF") != strlen(s->fpr) ||
	    s->timestamp == 0 || !key_end(&end, ci, ctx, s->fpr))
		return;
	if (s->exp_timestamp > 0 && (end == 0 ||
	    (int64_t)s->exp_timestamp < end))
		end = (int64_t)s->exp_timestamp;
	memcpy(ci->ce.fpr, s->fpr, strlen(s->fpr) + 1);
	ci->ce.not_before = (int64_t)s->timestamp;
	ci->ce.not_after = end;
}

static const struct dgit_error *
verify(struct dgit_verify_result **out, struct cacheinfo *ci,
    const char *const *keyrings, size_t nkeyrings, const char *data,
    size_t len, const char *sig, size_t siglen, const char *what)
{
	const struct dgit_error *err = NULL;
	struct dgit_verify_result *r = NULL;
	gpgme_signature_t good = NULL;
	struct home h;
	gpgme_data_t dsig = NULL, dtext = NULL, dplain = NULL;
	gpgme_error_t ge;

	*out = NULL;
	err = home_init(&h, keyrings, nkeyrings);
	if (err)
		return err;
	r = calloc(1, sizeof *r);
	if (r == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (sig) {
		ge = gpgme_data_new_from_mem(&dsig, sig, siglen, 0);
		if (ge == 0)
			ge = gpgme_data_new_from_mem(&dtext, data, len, 0);
	} else {
		ge = gpgme_data_new_from_mem(&dsig, data, len, 0);
		if (ge == 0)
			ge = gpgme_data_new(&dplain);
	}
	if (ge) {
		err = gerr(ge, "cannot read", what);
		goto done;
	}
	ge = gpgme_op_verify(h.ctx, dsig, dtext, dplain);
	if (ge) {
		gpgme_err_code_t c = gpgme_err_code(ge);

		if (c == GPG_ERR_NO_DATA || c == GPG_ERR_BAD_DATA ||
		    c == GPG_ERR_INV_VALUE)
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
			    "no valid OpenPGP signature in '%s' (%s)", what,
			    gpgme_strerror(ge));
		else
			err = gerr(ge, "cannot verify", what);
		goto done;
	}
	err = judge(&r->fpr, &r->hash_algo, &good, h.ctx, what);
	if (err)
		goto done;
	if (ci)
		span(ci, h.ctx, good);
	r->sig_class = -1;
	for (size_t i = 0; i < h.nvalid; i++)
		if (strcasecmp(h.valid[i].fpr, r->fpr) == 0)
			r->sig_class = h.valid[i].sig_class;
	if (dplain) {
		size_t n = 0;
		char *p = gpgme_data_release_and_get_mem(dplain, &n);

		dplain = NULL;
		if (p == NULL && n > 0) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		r->text = malloc(n + 1);
		if (r->text == NULL) {
			gpgme_free(p);
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if (n)
			memcpy(r->text, p, n);
		r->text[n] = '\0';
		r->text_len = n;
		gpgme_free(p);
		if (n == 0) {
			err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
			    "'%s' has no signed text", what);
			goto done;
		}
	}
	*out = r;
	r = NULL;
done:
	if (dsig)
		gpgme_data_release(dsig);
	if (dtext)
		gpgme_data_release(dtext);
	if (dplain)
		gpgme_data_release(dplain);
	dgit_verify_result_free(r);
	home_release(&h);
	return err;
}

/*
 * The SHA-256 of text followed by tail, in hex: gpg's text is the split
 * one with the final line ending before the signature.
 */
static int
text_hash(char *out, const char *text, size_t len, const char *tail)
{
	struct dgit_hash h = DGIT_HASH_INIT;

	if (dgit_hash_init(&h, DGIT_HASH_SHA256) != NULL)
		return 0;
	dgit_hash_update(&h, text, len);
	dgit_hash_update(&h, tail, strlen(tail));
	dgit_hash_final_hex(&h, out);
	return 1;
}

/*
 * The result a sound cache entry e stands for: for a clearsigned buf, the
 * text is what our own split of buf gives (with the line ending gpg
 * keeps), and only when its SHA-256 is the one of the text gpg returned.
 * NULL when it is not.
 */
static struct dgit_verify_result *
from_entry(const struct dgit_verifycache_entry *e, const char *buf,
    size_t len, int clearsigned)
{
	static const char *const tails[] = { "\n", "\r\n", "" };
	struct dgit_verify_result *r = calloc(1, sizeof *r);
	struct dgit_clearsigned *cs = NULL;
	char hex[DGIT_SHA256_HEXLEN + 1];
	const char *tail = NULL;
	size_t tl;
	int ok = 0;

	if (r == NULL || (r->fpr = strdup(e->fpr)) == NULL)
		goto done;
	r->sig_class = e->sig_class;
	r->hash_algo = e->hash_algo;
	r->cached = 1;
	if (!clearsigned) {
		ok = e->text_sha256[0] == '\0';
		goto done;
	}
	if (e->text_sha256[0] == '\0' ||
	    dgit_clearsigned_split(&cs, buf, len, "") != NULL)
		goto done;
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
		if (text_hash(hex, cs->text, cs->text_len, tails[i]) &&
		    strcmp(hex, e->text_sha256) == 0) {
			tail = tails[i];
			break;
		}
	if (tail == NULL)
		goto done;
	tl = strlen(tail);
	if (cs->text_len + tl == 0 ||
	    (r->text = malloc(cs->text_len + tl + 1)) == NULL)
		goto done;
	memcpy(r->text, cs->text, cs->text_len);
	memcpy(r->text + cs->text_len, tail, tl);
	r->text_len = cs->text_len + tl;
	r->text[r->text_len] = '\0';
	ok = 1;
done:
	dgit_clearsigned_free(cs);
	if (!ok) {
		dgit_verify_result_free(r);
		r = NULL;
	}
	return r;
}

static const struct dgit_error *
verify_cached(struct dgit_verify_result **out, const char *cache_dir,
    const char *const *keyrings, size_t nkeyrings, const char *data,
    size_t len, const char *sig, size_t siglen, const char *what)
{
	const struct dgit_error *err;
	struct cacheinfo ci;
	struct dgit_verifycache_entry *e = &ci.ce;
	char rings[DGIT_SHA256_HEXLEN + 1], again[DGIT_SHA256_HEXLEN + 1];
	char key[DGIT_SHA256_HEXLEN + 1], kk[DGIT_SHA256_HEXLEN + 1];
	int keyed;

	*out = NULL;
	if (cache_dir == NULL)
		return verify(out, NULL, keyrings, nkeyrings, data, len, sig,
		    siglen, what);
	if ((err = check_keyrings(keyrings, nkeyrings)))
		return err;
	memset(&ci, 0, sizeof ci);
	ci.cache_dir = cache_dir;
	ci.rings = rings;
	keyed = dgit_verifycache_keyrings(rings, keyrings, nkeyrings) == NULL &&
	    dgit_verifycache_key(key, rings, data, len, sig, siglen) == NULL;
	if (keyed && dgit_verifycache_lookup(e, cache_dir, key,
	    (int64_t)time(NULL)) &&
	    (*out = from_entry(e, data, len, sig == NULL)) != NULL)
		return NULL;
	err = verify(out, keyed ? &ci : NULL, keyrings, nkeyrings, data, len,
	    sig, siglen, what);
	if (err || !keyed || e->fpr[0] == '\0')
		return err;
	/* store only what the keyrings as they are now said */
	if (dgit_verifycache_keyrings(again, keyrings, nkeyrings) != NULL ||
	    strcmp(again, rings) != 0)
		return NULL;
	if (ci.key.fpr[0] &&
	    dgit_verifycache_key_expiry(kk, rings, ci.key.fpr) == NULL)
		dgit_verifycache_store(cache_dir, kk, &ci.key);
	e->sig_class = (*out)->sig_class;
	e->hash_algo = (*out)->hash_algo;
	if (sig == NULL) {
		struct dgit_verify_result *check;

		if (dgit_hash_buf_hex(e->text_sha256, DGIT_HASH_SHA256,
		    (*out)->text, (*out)->text_len) != NULL)
			return NULL;
		/* a hit must give the very text gpg gave */
		check = from_entry(e, data, len, 1);
		if (check == NULL || check->text_len != (*out)->text_len ||
		    memcmp(check->text, (*out)->text, check->text_len) != 0) {
			dgit_verify_result_free(check);
			return NULL;
		}
		dgit_verify_result_free(check);
	}
	dgit_verifycache_store(cache_dir, key, e);
	return NULL;
}

const struct dgit_error *
dgit_verify_clearsigned(struct dgit_verify_result **out,
    const char *const *keyrings, size_t nkeyrings, const char *buf,
    size_t len, const char *what)
{
	return verify(out, NULL, keyrings, nkeyrings, buf, len, NULL, 0,
	    what);
}

const struct dgit_error *
dgit_verify_detached(struct dgit_verify_result **out,
    const char *const *keyrings, size_t nkeyrings, const char *data,
    size_t len, const char *sig, size_t siglen, const char *what)
{
	return verify(out, NULL, keyrings, nkeyrings, data, len, sig, siglen,
	    what);
}

const struct dgit_error *
dgit_verify_clearsigned_cached(struct dgit_verify_result **out,
    const char *cache_dir, const char *const *keyrings, size_t nkeyrings,
    const char *buf, size_t len, const char *what)
{
	return verify_cached(out, cache_dir, keyrings, nkeyrings, buf, len,
	    NULL, 0, what);
}

const struct dgit_error *
dgit_verify_detached_cached(struct dgit_verify_result **out,
    const char *cache_dir, const char *const *keyrings, size_t nkeyrings,
    const char *data, size_t len, const char *sig, size_t siglen,
    const char *what)
{
	return verify_cached(out, cache_dir, keyrings, nkeyrings, data, len,
	    sig, siglen, what);
}

void
dgit_verify_result_free(struct dgit_verify_result *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r->fpr);
	free(r);
}

const char *
dgit_verify_weak_digest(const struct dgit_verify_result *r)
{
	switch (r->hash_algo) {
	case GPGME_MD_MD5:
		return "MD5";
	case GPGME_MD_SHA1:
		return "SHA1";
	case GPGME_MD_RMD160:
		return "RIPEMD160";
	case GPGME_MD_MD2:
		return "MD2";
	case GPGME_MD_MD4:
		return "MD4";
	default:
		return NULL;
	}
}
