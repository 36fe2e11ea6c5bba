/*
 * The archive's chain of trust; see dgit_archive.h.
 *
 * Why things are done as they are:
 * - The Release text we parse is the one gpgme returns as signed, never
 *   the downloaded bytes, so nothing outside the signature can sneak in.
 * - A Release must name the requested suite (Suite or Codename): a
 *   validly signed Release of another suite served in its place is
 *   refused, as apt does.
 * - Indexes are fetched through by-hash when the Release offers it, so a
 *   mirror update between the Release and the index cannot mix versions.
 * - Sources indexes are decompressed and parsed as a stream: a sid
 *   Sources index is tens of megabytes and never needs to be held whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#ifdef DGIT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "dgit_aptshim.h"
#include "dgit_date.h"
#include "dgit_archive.h"
#include "dgit_deb822.h"
#include "dgit_dsc.h"
#include "dgit_fetch.h"
#include "dgit_fs.h"
#include "dgit_hash.h"
#include "dgit_verify.h"
#include "dgit_version.h"

#define RELEASE_MAX (64ull << 20)
#define DECOMPRESSED_MAX (8ull << 30)
#define FUTURE_SLACK 300           /* seconds of clock skew forgiven */

struct idx {
	char *path;                /* main/source/Sources.xz */
	uint64_t size;
	char sha256[DGIT_SHA256_HEXLEN + 1];
};

/*
 * The Sources indexes a search will read, fetched while the Release's
 * signature is checked.  Their names and hashes come from the Release's
 * text before it is verified, so nothing fetched is used unless the
 * verified Release names the same indexes with the same sizes and
 * SHA-256s (the fetch checked the bytes against them).  A prefetch that
 * fails or does not match is dropped and the search fetches as before.
 */
/* What the fetch has told of one index (under the prefetch's mu). */
struct follow {
	char *tmp;                 /* its temporary file, once written to */
	uint64_t avail;            /* the bytes in it */
	int done;                  /* checked and at its dest */
	int broken;                /* started again from zero: not followed */
};

struct prefetch {
	pthread_t th;
	int running;
	atomic_int cancel;
	pthread_mutex_t mu;        /* guards the next three */
	pthread_cond_t cv;
	int finished;              /* the thread's fetch returned */
	int have_progress;         /* progress holds a report not yet passed on */
	struct dgit_fetch_progress progress;
	int ok;                    /* every item fetched and checked */
	int used;                  /* the search took them */
	int sync;                  /* mu and cv initialised */
	char *work;
	struct dgit_fetch_opts fo;
	struct idx *ix;            /* what was fetched (copies) */
	struct dgit_fetch_item *it;
	size_t n;
	/* then each index searched for package: its paragraphs that
	 * concern package, as the lookup cache keeps them */
	char *package;
	char **comp;
	char **rec;
	size_t *rec_len;
	int recs_ok;               /* every index searched, none too big */
	/* that search as the bytes arrive, on a thread of its own */
	struct follow *fl;
	pthread_t sth;
	int fetch_over;            /* dgit_fetch_files returned (under mu) */
	int streamed;              /* the followed search covered every
	                              index, bytes hashed to what was asked */
};

struct dgit_archive_release {
	char *base;                /* mirror without trailing '/' */
	char *suite_req;           /* the name used in dists/ */
	char *suite;
	char *codename;
	char *signer;
	time_t date;
	int by_hash;
	int offline;
	char **components;
	size_t ncomponents;
	struct idx *idx;
	size_t nidx;
	struct prefetch *pre;      /* Sources fetched during the verification */
};

static void prefetch_start(struct dgit_archive_release *r,
    const struct dgit_archive_opts *o, const char *text, size_t len,
    const char *url, const char *package);
static void prefetch_free(struct prefetch *p);

/* ---------------------------------------------------------------- util */

/* A private work directory: in parent (hidden) or in $TMPDIR. */
static const struct dgit_error *
make_workdir(char **out, const char *parent)
{
	return dgit_fs_mkdtemp(out, parent, parent ? ".dgit-download" :
	    "dgit-archive");
}

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A plain file name: no '/', not "." or "..", no leading '.', no controls. */
static int
good_name(const char *s)
{
	if (s[0] == '\0' || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

/* A relative pool path: no empty, "." or ".." component, no controls. */
static int
good_dir(const char *s)
{
	const char *p = s;

	if (s[0] == '\0' || s[0] == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == 0 || (l == 1 && p[0] == '.') ||
		    (l == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		for (size_t i = 0; i < l; i++)
			if ((unsigned char)p[i] < 0x21 || p[i] == 0x7f)
				return 0;
		p += l;
		if (*p == '/')
			p++;
	}
	return 1;
}

static int
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/*
 * Iterate over the lines "HASH SIZE NAME" of a checksums field value.
 * Calls cb for each; hashlen is the expected hex length (64 or 32).
 */
typedef const struct dgit_error *(*sum_cb)(const char *hash, uint64_t size,
    const char *name, size_t namelen, void *arg);

static const struct dgit_error *
each_sum(const char *v, size_t hashlen, const char *what, const char *field,
    sum_cb cb, void *arg)
{
	const char *p = v;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *f[3];
		size_t fl[3], nf = 0, i = 0;
		char hash[DGIT_SHA256_HEXLEN + 1];
		uint64_t size;
		const struct dgit_error *err;

		while (i < l && nf < 3) {
			while (i < l && (p[i] == ' ' || p[i] == '\t'))
				i++;
			if (i >= l)
				break;
			f[nf] = p + i;
			while (i < l && p[i] != ' ' && p[i] != '\t')
				i++;
			fl[nf] = (size_t)(p + i - f[nf]);
			nf++;
		}
		while (i < l && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (nf == 0) {
			p += l + (e ? 1 : 0);
			continue;
		}
		if (nf != 3 || i != l || fl[0] != hashlen ||
		    !parse_u64(f[1], fl[1], &size))
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "malformed %s line in '%s': '%.*s'", field, what,
			    (int)(l > 200 ? 200 : l), p);
		memcpy(hash, f[0], hashlen);
		hash[hashlen] = '\0';
		for (i = 0; i < hashlen; i++) {
			char c = hash[i];

			if (c >= 'A' && c <= 'F')
				hash[i] = (char)(c - 'A' + 'a');
			else if (!((c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'f')))
				return dgit_error_fmt(DGIT_ERR_PARSE,
				    "malformed hash in %s of '%s'", field,
				    what);
		}
		err = cb(hash, size, f[2], fl[2], arg);
		if (err)
			return err;
		p += l + (e ? 1 : 0);
	}
	return NULL;
}

/* A Release file's date ("Sat, 11 Jul 2026 10:17:11 UTC"); 1 if good. */
static int
parse_date(const char *s, time_t *out)
{
	int64_t t;

	if (dgit_date_parse(&t, NULL, s, DGIT_DATE_ZONE_NAMES, "Release")
	    != NULL || (int64_t)(time_t)t != t)
		return 0;
	*out = (time_t)t;
	return 1;
}

/* ------------------------------------------------------ mirror choice */

static int
debian_suite(const char *s)
{
	static const char *const known[] = {
		"sid", "unstable", "experimental", "rc-buggy", "testing",
		"stable", "oldstable", "oldoldstable", "proposed-updates",
		"forky", "trixie", "bookworm", "bullseye", "buster",
		"stretch", "jessie", "wheezy", "squeeze", "lenny", "duke",
	};
	size_t l = strcspn(s, "-/");

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i]) == l && strncmp(s, known[i], l) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

const struct dgit_error *
dgit_archive_mirror_from_apt(char **out, int *check_valid_until,
    const char *suite)
{
	const struct dgit_error *err;
	struct dgit_apt_source *v = NULL;
	size_t n = 0, i;
	int want_sec = ends_with(suite, "-security");

	*out = NULL;
	*check_valid_until = -1;
	err = dgit_aptshim_sources_list(&v, &n, NULL);
	if (err)
		return dgit_error_wrap(err, "cannot read the apt sources");
	for (i = 0; i < n; i++) {
		const char *s = v[i].suite;
		int sec = ends_with(s, "-security") || ends_with(s,
		    "/updates");

		if (!debian_suite(s) || sec != want_sec)
			continue;
		if (strncmp(v[i].uri, "http://", 7) != 0 &&
		    strncmp(v[i].uri, "https://", 8) != 0 &&
		    strncmp(v[i].uri, "file:", 5) != 0)
			continue;
		*out = strdup(v[i].uri);
		if (*out == NULL)
			err = dgit_error(DGIT_ERR_NOMEM);
		else
			*check_valid_until = v[i].check_valid_until;
		goto done;
	}
	err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
	    "no Debian %smirror in the apt sources; set one with "
	    "'git config dgit-distro.%s.mirror URL' or -c "
	    "dgit-distro.%s.mirror=URL", want_sec ? "security " : "",
	    want_sec ? "debian-security" : "debian",
	    want_sec ? "debian-security" : "debian");
done:
	dgit_aptshim_sources_free(v, n);
	return err;
}

/* -------------------------------------------------------------- release */

void
dgit_archive_release_free(struct dgit_archive_release *r)
{
	if (r == NULL)
		return;
	free(r->base);
	free(r->suite_req);
	free(r->suite);
	free(r->codename);
	free(r->signer);
	for (size_t i = 0; i < r->ncomponents; i++)
		free(r->components[i]);
	free(r->components);
	for (size_t i = 0; i < r->nidx; i++)
		free(r->idx[i].path);
	free(r->idx);
	prefetch_free(r->pre);
	free(r);
}

const char *
dgit_archive_release_suite(const struct dgit_archive_release *r)
{
	return r->suite ? r->suite : r->suite_req;
}

const char *
dgit_archive_release_codename(const struct dgit_archive_release *r)
{
	return r->codename;
}

const char *
dgit_archive_release_signer(const struct dgit_archive_release *r)
{
	return r->signer;
}

int
dgit_archive_release_offline(const struct dgit_archive_release *r)
{
	return r->offline;
}

static const struct dgit_error *
add_idx(const char *hash, uint64_t size, const char *name, size_t namelen,
    void *arg)
{
	struct dgit_archive_release *r = arg;
	struct idx *ni;
	const char *src = memmem(name, namelen, "/source/Sources", 15);

	/* only COMP/source/Sources[.gz|.xz] interest us */
	if (src == NULL)
		return NULL;
	{
		const char *tail = src + 15;
		size_t tl = namelen - (size_t)(tail - name);

		if (!(tl == 0 || (tl == 3 && memcmp(tail, ".xz", 3) == 0) ||
		    (tl == 3 && memcmp(tail, ".gz", 3) == 0)))
			return NULL;
	}
	ni = realloc(r->idx, (r->nidx + 1) * sizeof *ni);
	if (ni == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	r->idx = ni;
	ni = &r->idx[r->nidx];
	ni->path = strndup(name, namelen);
	if (ni->path == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	ni->size = size;
	memcpy(ni->sha256, hash, sizeof ni->sha256);
	r->nidx++;
	return NULL;
}

/* The state file recording the newest Release Date seen. */
static const struct dgit_error *
state_path(char **out, const char *cache_dir, const char *base,
    const char *suite)
{
	const struct dgit_error *err;
	struct dgit_hash c;
	char hex[DGIT_SHA256_HEXLEN + 1];

	*out = NULL;
	if ((err = dgit_hash_init(&c, DGIT_HASH_SHA256)))
		return err;
	dgit_hash_update(&c, base, strlen(base));
	dgit_hash_update(&c, "\n", 1);
	dgit_hash_update(&c, suite, strlen(suite));
	dgit_hash_final_hex(&c, hex);
	return dgit_fetch_cache_path(out, cache_dir, "state/release-date", hex,
	    1);
}

static const struct dgit_error *
check_rollback(const struct dgit_archive_opts *o,
    const struct dgit_archive_release *r, const char *url)
{
	const struct dgit_error *err;
	char *path = NULL, *buf = NULL, num[32];
	size_t len;
	uint64_t seen = 0;

	if (o->fetch.cache_dir == NULL)
		return NULL;
	err = state_path(&path, o->fetch.cache_dir, r->base, r->suite_req);
	if (err)
		return err;
	if (access(path, F_OK) == 0) {
		err = dgit_fs_read_file(&buf, &len, path, 64);
		if (err)
			goto done;
		while (len > 0 && (buf[len - 1] == '\n'))
			len--;
		if (!parse_u64(buf, len, &seen))
			seen = 0;
	}
	if (r->date < 0 || (uint64_t)r->date < seen) {
		char a[DGIT_DATE_BUFSZ], b[DGIT_DATE_BUFSZ];

		if (!o->allow_rollback) {
			dgit_date_format_utc(a, r->date);
			dgit_date_format_utc(b, (time_t)seen);
			err = dgit_error_fmt(DGIT_ERR_ROLLBACK,
			    "'%s' is dated %s, older than the Release already "
			    "seen for suite '%s' (dated %s): the mirror may be "
			    "stale or serving an old, possibly vulnerable, "
			    "archive; use another mirror, or pass "
			    "--force-release-rollback if you know why",
			    url, a, r->suite_req, b);
			goto done;
		}
		goto done;     /* allowed: keep the newer record */
	}
	if ((uint64_t)r->date == seen)
		goto done;
	/* best effort: a state that cannot be written is not fatal */
	snprintf(num, sizeof num, "%lld\n", (long long)r->date);
	(void)dgit_fs_write_file_atomic(path, num, strlen(num), 0);
done:
	free(path);
	free(buf);
	return err;
}

/* With record, the Release's Date is checked against (and kept as) the
 * newest seen: only for a verified text. */
static const struct dgit_error *
parse_release(struct dgit_archive_release *r,
    const struct dgit_archive_opts *o, const char *text, size_t len,
    const char *url, int record)
{
	const struct dgit_error *err;
	struct dgit_deb822_para **p = NULL;
	size_t np = 0;
	const char *v;
	time_t now = o->now ? o->now : time(NULL);

	err = dgit_deb822_parse(&p, &np, text, len, url);
	if (err)
		return err;
	if (np == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is empty", url);
		goto done;
	}
	r->suite = xstrdup(dgit_deb822_get(p[0], "Suite"));
	r->codename = xstrdup(dgit_deb822_get(p[0], "Codename"));
	if ((r->suite == NULL || strcmp(r->suite, r->suite_req) != 0) &&
	    (r->codename == NULL || strcmp(r->codename, r->suite_req) != 0)) {
		err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
		    "'%s' is the Release of suite '%s' (codename '%s'), not of "
		    "'%s': the mirror is misconfigured or malicious; use "
		    "another mirror", url, r->suite ? r->suite : "?",
		    r->codename ? r->codename : "?", r->suite_req);
		goto done;
	}
	v = dgit_deb822_get(p[0], "Date");
	if (v == NULL || !parse_date(v, &r->date)) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s' has a missing or malformed Date field", url);
		goto done;
	}
	if (r->date > now + FUTURE_SLACK && !o->allow_future) {
		char a[DGIT_DATE_BUFSZ];

		dgit_date_format_utc(a, r->date);
		err = dgit_error_fmt(DGIT_ERR_EXPIRED,
		    "'%s' is dated %s, in the future: check this machine's "
		    "clock, or pass --force-release-future-date", url, a);
		goto done;
	}
	v = dgit_deb822_get(p[0], "Valid-Until");
	if (v) {
		time_t until;

		if (!parse_date(v, &until)) {
			err = dgit_error_fmt(DGIT_ERR_PARSE,
			    "'%s' has a malformed Valid-Until field", url);
			goto done;
		}
		if (until < now && !o->allow_expired) {
			char a[DGIT_DATE_BUFSZ];

			dgit_date_format_utc(a, until);
			err = dgit_error_fmt(DGIT_ERR_EXPIRED,
			    "'%s' expired at %s (Valid-Until): the mirror is "
			    "stale or replaying an old archive; use another "
			    "mirror or try later, or pass "
			    "--force-release-expired", url, a);
			goto done;
		}
	}
	v = dgit_deb822_get(p[0], "Acquire-By-Hash");
	r->by_hash = v && strcasecmp(v, "yes") == 0;
	v = dgit_deb822_get(p[0], "Components");
	if (v) {
		const char *q = v;

		while (*q) {
			size_t l;
			char **nc;

			q += strspn(q, " \t\n");
			l = strcspn(q, " \t\n");
			if (l == 0)
				break;
			nc = realloc(r->components,
			    (r->ncomponents + 1) * sizeof *nc);
			if (nc == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			r->components = nc;
			nc[r->ncomponents] = strndup(q, l);
			if (nc[r->ncomponents] == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto done;
			}
			r->ncomponents++;
			q += l;
		}
	}
	v = dgit_deb822_get(p[0], "SHA256");
	if (v == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s' has no SHA256 field; the archive is too old or not "
		    "a Debian archive", url);
		goto done;
	}
	err = each_sum(v, 64, url, "SHA256", add_idx, r);
	if (err)
		goto done;
	if (record)
		err = check_rollback(o, r, url);
done:
	dgit_deb822_paras_free(p, np);
	return err;
}

static const struct dgit_error *
release_open(struct dgit_archive_release **out,
    const struct dgit_archive_opts *o, const char *suite, const char *package)
{
	const struct dgit_error *err = NULL, *net_err;
	struct dgit_archive_release *r;
	struct dgit_verify_result *vr = NULL;
	struct dgit_fetch_item it[2];
	char *work = NULL, *url = NULL, *url2 = NULL, *p1 = NULL, *p2 = NULL;
	char *buf = NULL, *sig = NULL, *cached = NULL;
	const char *weak;
	size_t len = 0, siglen = 0, bl;
	int inrelease = 1;

	*out = NULL;
	if (suite[0] == '\0' || !good_dir(suite) || strchr(suite, '/')) {
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad suite name '%s'",
		    suite);
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	bl = strlen(o->mirror);
	while (bl > 0 && o->mirror[bl - 1] == '/')
		bl--;
	r->base = strndup(o->mirror, bl);
	r->suite_req = strdup(suite);
	if (r->base == NULL || r->suite_req == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	err = make_workdir(&work, NULL);
	if (err)
		goto done;
	if (asprintf(&url, "%s/dists/%s/InRelease", r->base, suite) == -1 ||
	    asprintf(&p1, "%s/InRelease", work) == -1) {
		url = p1 = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	memset(it, 0, sizeof it);
	it[0].url = url;
	it[0].dest = p1;
	it[0].max_size = RELEASE_MAX;
	net_err = dgit_fetch_files(&o->fetch, it, 1);
	if (net_err && net_err->code == DGIT_ERR_NOT_FOUND) {
		/* no InRelease: Release + Release.gpg */
		inrelease = 0;
		free(url);
		free(p1);
		url = p1 = NULL;
		if (asprintf(&url, "%s/dists/%s/Release", r->base, suite) == -1 ||
		    asprintf(&url2, "%s/dists/%s/Release.gpg", r->base,
		    suite) == -1 ||
		    asprintf(&p1, "%s/Release", work) == -1 ||
		    asprintf(&p2, "%s/Release.gpg", work) == -1) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		memset(it, 0, sizeof it);
		it[0].url = url;
		it[0].dest = p1;
		it[0].max_size = RELEASE_MAX;
		it[1].url = url2;
		it[1].dest = p2;
		it[1].max_size = 1 << 20;
		net_err = dgit_fetch_files(&o->fetch, it, 2);
		if (net_err && net_err->code == DGIT_ERR_NOT_FOUND) {
			err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "suite '%s' not found at '%s' (no dists/%s/InRelease "
			    "nor Release); check the suite name, or the mirror "
			    "setting dgit-distro.DISTRO.mirror", suite, r->base,
			    suite);
			goto done;
		}
	} else if (net_err && net_err->code == DGIT_ERR_NETWORK &&
	    o->fetch.cache_dir) {
		/* unreachable: a cached InRelease still gets every check */
		const struct dgit_error *e2 = dgit_fetch_cache_url_path(&cached,
		    o->fetch.cache_dir, url);

		if (e2 == NULL && access(cached, R_OK) == 0 &&
		    dgit_fs_copy_file(p1, cached) == NULL) {
			net_err = NULL;
			r->offline = 1;
		}
	}
	if (net_err) {
		err = net_err;
		goto done;
	}
	err = dgit_fs_read_file(&buf, &len, p1, RELEASE_MAX);
	if (err)
		goto done;
	if (inrelease) {
		/* apt refuses text outside the signed block: so do we */
		struct dgit_clearsigned *cs = NULL;

		err = dgit_clearsigned_split(&cs, buf, len, url);
		if (err == NULL && package && !r->offline)
			prefetch_start(r, o, cs->text, cs->text_len, url,
			    package);
		dgit_clearsigned_free(cs);
		if (err == NULL)
			err = dgit_verify_clearsigned_cached(&vr,
			    o->fetch.cache_dir, o->archive_keyrings,
			    o->narchive_keyrings, buf, len, url);
	} else {
		err = dgit_fs_read_file(&sig, &siglen, p2, 1 << 20);
		if (err)
			goto done;
		err = dgit_verify_detached_cached(&vr, o->fetch.cache_dir,
		    o->archive_keyrings, o->narchive_keyrings, buf, len, sig,
		    siglen, url);
	}
	if (err) {
		if (err->code == DGIT_ERR_UNKNOWN_KEY ||
		    err->code == DGIT_ERR_BAD_SIGNATURE)
			err = dgit_error_wrap(err, "cannot trust suite '%s'",
			    suite);
		goto done;
	}
	if ((weak = dgit_verify_weak_digest(vr))) {
		err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE, "cannot trust "
		    "suite '%s': '%s' is signed with the weak digest %s, "
		    "which apt refuses; the archive must sign with SHA-256 or "
		    "better", suite, url, weak);
		goto done;
	}
	r->signer = strdup(vr->fpr);
	if (r->signer == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (inrelease)
		err = parse_release(r, o, vr->text, vr->text_len, url, 1);
	else
		err = parse_release(r, o, buf, len, url, 1);
	if (err)
		goto done;
	if (inrelease && !r->offline && o->fetch.cache_dir) {
		/* keep it for offline use; best effort */
		if (dgit_fetch_cache_url_path(&cached, o->fetch.cache_dir,
		    url) == NULL)
			dgit_fs_copy_file(cached, p1);
	}
	*out = r;
	r = NULL;
done:
	if (work)
		dgit_fs_remove_tree(work);
	dgit_verify_result_free(vr);
	dgit_archive_release_free(r);
	free(work);
	free(url);
	free(url2);
	free(p1);
	free(p2);
	free(buf);
	free(sig);
	free(cached);
	return err;
}

const struct dgit_error *
dgit_archive_release_open(struct dgit_archive_release **out,
    const struct dgit_archive_opts *o, const char *suite)
{
	return release_open(out, o, suite, NULL);
}

const struct dgit_error *
dgit_archive_release_open_for(struct dgit_archive_release **out,
    const struct dgit_archive_opts *o, const char *suite,
    const char *package)
{
	return release_open(out, o, suite, package);
}

int
dgit_archive_release_prefetched(const struct dgit_archive_release *r)
{
	return r->pre != NULL && r->pre->used;
}

/* --------------------------------------------------------------- search */

void
dgit_archive_source_free(struct dgit_archive_source *s)
{
	if (s == NULL)
		return;
	free(s->package);
	free(s->version);
	free(s->component);
	free(s->directory);
	free(s->dsc_name);
	free(s->url_dir);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i].name);
	free(s->files);
	free(s);
}

static const struct dgit_error *
add_file(const char *hash, uint64_t size, const char *name, size_t namelen,
    void *arg)
{
	struct dgit_archive_source *s = arg;
	struct dgit_archive_file *nf;
	char *n = strndup(name, namelen);

	if (n == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (!good_name(n)) {
		const struct dgit_error *err = dgit_error_fmt(
		    DGIT_ERR_UNSAFE_PATH, "bad file name '%s' in the entry "
		    "of source package '%s'", n, s->package);
		free(n);
		return err;
	}
	for (size_t i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i].name, n) == 0) {
			free(n);
			return dgit_error_fmt(DGIT_ERR_PARSE,
			    "file '%.*s' listed twice for '%s'",
			    (int)namelen, name, s->package);
		}
	nf = realloc(s->files, (s->nfiles + 1) * sizeof *nf);
	if (nf == NULL) {
		free(n);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	s->files = nf;
	nf[s->nfiles].name = n;
	nf[s->nfiles].size = size;
	memcpy(nf[s->nfiles].sha256, hash, sizeof nf[s->nfiles].sha256);
	s->nfiles++;
	return NULL;
}

struct search {
	const char *package;
	const char *version;
	const char *component;
	const char *what;
	struct dgit_archive_source *best;
	char *binary_of;           /* a source that builds package */
	char versions[512];        /* versions seen, for the error */
	/* paragraphs that concern package, re-serialised for the cache */
	char *rec;
	size_t rec_len, rec_cap;
	int rec_overflow;
	int no_rec;                /* replaying a record: do not record */
	char what_buf[PATH_MAX];   /* what, by search_at */
	char searched[512];        /* the components searched, for the error */
};

#define REC_MAX (4u << 20)

static int
rec_put(struct search *s, const char *b, size_t n)
{
	if (s->rec_overflow)
		return 0;
	if (s->rec_len + n + 1 > REC_MAX) {
		s->rec_overflow = 1;
		return 0;
	}
	if (s->rec_len + n + 1 > s->rec_cap) {
		size_t nc = s->rec_cap ? s->rec_cap : 4096;
		char *nb;

		while (nc < s->rec_len + n + 1)
			nc *= 2;
		nb = realloc(s->rec, nc);
		if (nb == NULL)
			return -1;
		s->rec = nb;
		s->rec_cap = nc;
	}
	memcpy(s->rec + s->rec_len, b, n);
	s->rec_len += n;
	return 0;
}

/* Write p back as deb822 text into the lookup record. */
static const struct dgit_error *
rec_para(struct search *s, const struct dgit_deb822_para *p)
{
	size_t nf = dgit_deb822_nfields(p);

	for (size_t i = 0; i < nf; i++) {
		const char *name = dgit_deb822_field_name(p, i);
		const char *v = dgit_deb822_field_value(p, i);
		int rc = rec_put(s, name, strlen(name)) | rec_put(s, ":", 1);

		if (*v != '\n')
			rc |= rec_put(s, " ", 1);
		while (*v) {
			size_t l = strcspn(v, "\n");

			rc |= rec_put(s, v, l);
			v += l;
			if (*v == '\n') {
				v++;
				rc |= rec_put(s, "\n ", 2);
				if (*v == '\n' || *v == '\0')
					rc |= rec_put(s, ".", 1);
			}
		}
		rc |= rec_put(s, "\n", 1);
		if (rc)
			return dgit_error(DGIT_ERR_NOMEM);
	}
	if (rec_put(s, "\n", 1))
		return dgit_error(DGIT_ERR_NOMEM);
	return NULL;
}

static int
list_has(const char *list, const char *name)
{
	size_t nl = strlen(name);
	const char *p = list;

	while (*p) {
		size_t l;

		p += strspn(p, " ,\t\n");
		l = strcspn(p, " ,\t\n");
		if (l == 0)
			break;
		if (l == nl && memcmp(p, name, l) == 0)
			return 1;
		p += l;
	}
	return 0;
}

static const struct dgit_error *
on_para(const struct dgit_deb822_para *p, void *arg)
{
	struct search *s = arg;
	const char *pkg = dgit_deb822_get(p, "Package");
	const char *ver, *v;
	struct dgit_archive_source *c;
	const struct dgit_error *err;

	if (pkg == NULL)
		return NULL;
	if (strcmp(pkg, s->package) != 0) {
		v = dgit_deb822_get(p, "Binary");
		if (v && list_has(v, s->package) && !s->no_rec) {
			err = rec_para(s, p);
			if (err)
				return err;
		}
		if (s->binary_of == NULL && v && list_has(v, s->package)) {
			s->binary_of = strdup(pkg);
			if (s->binary_of == NULL)
				return dgit_error(DGIT_ERR_NOMEM);
		}
		return NULL;
	}
	if (!s->no_rec) {
		err = rec_para(s, p);
		if (err)
			return err;
	}
	ver = dgit_deb822_get(p, "Version");
	if (ver == NULL)
		return dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s' line %zu: entry of '%s' has no Version", s->what,
		    dgit_deb822_line(p), pkg);
	{
		size_t l = strlen(s->versions);

		snprintf(s->versions + l, sizeof s->versions - l, "%s%s",
		    l ? ", " : "", ver);
	}
	if (s->version) {
		if (s->best || dgit_version_compare(ver,
		    s->version) != 0)
			return NULL;
	} else if (s->best &&
	    dgit_version_compare(ver, s->best->version) <= 0)
		return NULL;

	c = calloc(1, sizeof *c);
	if (c == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	c->package = strdup(pkg);
	c->version = strdup(ver);
	c->component = strdup(s->component);
	v = dgit_deb822_get(p, "Directory");
	c->directory = xstrdup(v);
	if (c->package == NULL || c->version == NULL ||
	    c->component == NULL || (v && c->directory == NULL)) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto fail;
	}
	if (v == NULL || !good_dir(v)) {
		err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
		    "'%s' line %zu: missing or unsafe Directory for '%s'",
		    s->what, dgit_deb822_line(p), pkg);
		goto fail;
	}
	v = dgit_deb822_get(p, "Checksums-Sha256");
	if (v == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s' line %zu: entry of '%s' has no Checksums-Sha256",
		    s->what, dgit_deb822_line(p), pkg);
		goto fail;
	}
	err = each_sum(v, 64, s->what, "Checksums-Sha256", add_file, c);
	if (err)
		goto fail;
	for (size_t i = 0; i < c->nfiles; i++)
		if (ends_with(c->files[i].name, ".dsc")) {
			if (c->dsc_name) {
				err = dgit_error_fmt(DGIT_ERR_PARSE,
				    "'%s': entry of '%s' lists two .dsc files",
				    s->what, pkg);
				goto fail;
			}
			c->dsc_name = strdup(c->files[i].name);
			if (c->dsc_name == NULL) {
				err = dgit_error(DGIT_ERR_NOMEM);
				goto fail;
			}
		}
	if (c->dsc_name == NULL) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "'%s': entry of '%s' lists no .dsc file", s->what, pkg);
		goto fail;
	}
	dgit_archive_source_free(s->best);
	s->best = c;
	return NULL;
fail:
	dgit_archive_source_free(c);
	return err;
}

/*
 * Decompress (xz, gz or none) and parse one index as a stream: from the
 * file at path, or (path NULL) from the read callback rd with arg.
 */
static const struct dgit_error *
scan_archive(struct search *s, const char *path, archive_read_callback *rd,
    void *arg)
{
	const struct dgit_error *err = NULL;
	struct dgit_deb822_stream *ds = NULL;
	struct archive *a;
	struct archive_entry *ae;
	char buf[65536];
	uint64_t total = 0;
	int rc;

	a = archive_read_new();
	if (a == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	archive_read_support_format_empty(a);
	if ((path ? archive_read_open_filename(a, path, sizeof buf) :
	    archive_read_open(a, arg, NULL, rd, NULL)) != ARCHIVE_OK) {
		err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot open '%s': %s",
		    s->what, archive_error_string(a));
		goto done;
	}
	err = dgit_deb822_stream_new(&ds, s->what, on_para, s);
	if (err)
		goto done;
	rc = archive_read_next_header(a, &ae);
	if (rc == ARCHIVE_EOF)
		goto finish;
	if (rc != ARCHIVE_OK) {
		err = dgit_error_fmt(DGIT_ERR_ARCHIVE, "cannot read '%s': %s",
		    s->what, archive_error_string(a));
		goto done;
	}
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, sizeof buf);

		if (n == 0)
			break;
		if (n < 0) {
			err = dgit_error_fmt(DGIT_ERR_ARCHIVE,
			    "cannot decompress '%s': %s", s->what,
			    archive_error_string(a));
			goto done;
		}
		total += (uint64_t)n;
		if (total > DECOMPRESSED_MAX) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT,
			    "'%s' decompresses to more than %llu bytes",
			    s->what, (unsigned long long)DECOMPRESSED_MAX);
			goto done;
		}
		err = dgit_deb822_stream_feed(ds, buf, (size_t)n);
		if (err)
			goto done;
	}
finish:
	err = dgit_deb822_stream_finish(ds);
done:
	dgit_deb822_stream_free(ds);
	archive_read_free(a);
	return err;
}

/*
 * A whole .gz index at once: libdeflate inflates bookworm's main Sources
 * (12.7 MB to 51 MB) in about a third of zlib's time, which is most of a
 * cold search.  It wants all of the output in memory, so only a single
 * gzip member of at most WHOLE_GZ_MAX bytes inflated is taken; 0 (and
 * nothing searched) for anything else, which the streaming search then
 * reads as it always has.  For a file the fetch has checked.
 */
#define WHOLE_GZ_MAX ((uint64_t)128 << 20)

#ifdef DGIT_HAVE_LIBDEFLATE
static int
scan_gz_whole(struct search *s, const char *path,
    const struct dgit_error **errp)
{
	const unsigned char *in;
	struct libdeflate_decompressor *d = NULL;
	struct dgit_deb822_stream *ds = NULL;
	size_t used_in = 0, used_out = 0;
	uint64_t isize, size;
	struct stat st;
	char *out = NULL;
	void *map;
	int fd, done = 0;

	*errp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 18 ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return 0;
	}
	size = (uint64_t)st.st_size;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	in = map;
	/* gzip's trailer: the inflated size, modulo 2^32 */
	isize = (uint64_t)in[size - 4] | (uint64_t)in[size - 3] << 8 |
	    (uint64_t)in[size - 2] << 16 | (uint64_t)in[size - 1] << 24;
	if (in[0] != 0x1f || in[1] != 0x8b || isize == 0 ||
	    isize > WHOLE_GZ_MAX || (out = malloc((size_t)isize)) == NULL ||
	    (d = libdeflate_alloc_decompressor()) == NULL)
		goto out;
	/* one member, all of the file, exactly isize bytes: else not ours */
	if (libdeflate_gzip_decompress_ex(d, in, (size_t)size, out,
	    (size_t)isize, &used_in, &used_out) != LIBDEFLATE_SUCCESS ||
	    used_in != size || used_out != isize)
		goto out;
	done = 1;
	if ((*errp = dgit_deb822_stream_new(&ds, s->what, on_para, s)) ||
	    (*errp = dgit_deb822_stream_feed(ds, out, (size_t)isize)))
		goto out;
	*errp = dgit_deb822_stream_finish(ds);
out:
	dgit_deb822_stream_free(ds);
	if (d)
		libdeflate_free_decompressor(d);
	free(out);
	munmap(map, (size_t)size);
	return done;
}
#endif

/* An index on disk, checked: whole when it can be (scan_gz_whole). */
static const struct dgit_error *
scan_index(struct search *s, const char *path)
{
#ifdef DGIT_HAVE_LIBDEFLATE
	const struct dgit_error *err;

	if (scan_gz_whole(s, path, &err))
		return err;
#endif
	return scan_archive(s, path, NULL, NULL);
}

/* Parse the paragraphs a search recorded (in memory). */
static const struct dgit_error *
scan_buffer(struct search *s, const char *buf, size_t len)
{
	const struct dgit_error *err;
	struct dgit_deb822_stream *ds = NULL;

	err = dgit_deb822_stream_new(&ds, s->what, on_para, s);
	if (err == NULL && len > 0)
		err = dgit_deb822_stream_feed(ds, buf, len);
	if (err == NULL)
		err = dgit_deb822_stream_finish(ds);
	dgit_deb822_stream_free(ds);
	return err;
}

/*
 * .gz before .xz: a Sources index is read once per Release (later
 * searches use the lookup cache), and xz's decoder is what a cold search
 * waits for.  Measured on bookworm's main (9.5 MB .xz, 12.7 MB .gz, 51 MB
 * plain) on 2 cores: .xz 1.3 s CPU, 6.8 s wall under load; .gz 0.5 s CPU,
 * 3.1 s wall.  .xz wins only below about 4 MB/s of download.
 */
static const struct idx *
pick_index_in(const struct dgit_archive_release *r, const char *comp)
{
	static const char *const ext[] = { ".gz", ".xz", "" };

	for (size_t e = 0; e < 3; e++)
		for (size_t i = 0; i < r->nidx; i++) {
			const char *p = r->idx[i].path;
			size_t cl = strlen(comp);

			if (strncmp(p, comp, cl) == 0 &&
			    strncmp(p + cl, "/source/Sources", 15) == 0 &&
			    strcmp(p + cl + 15, ext[e]) == 0)
				return &r->idx[i];
		}
	return NULL;
}

/*
 * The Sources index of a component.  A security archive's Release says
 * "Components: updates/main ..." but lists main/source/Sources: as apt
 * does, a component with a directory part is also looked for under its
 * last part.
 */
static const struct idx *
pick_index(const struct dgit_archive_release *r, const char *comp)
{
	const struct idx *x = pick_index_in(r, comp);
	const char *slash = strrchr(comp, '/');

	if (x == NULL && slash != NULL && slash[1] != '\0')
		x = pick_index_in(r, slash + 1);
	return x;
}

/*
 * CACHE/lookup/INDEX-SHA256/PACKAGE: the paragraphs of one index that
 * concern package, so a later search needs no decompression.  Keyed by
 * the index's hash from the signed Release, so it can never go stale.
 */
static const struct dgit_error *
lookup_path(char **out, const char *cache_dir, const char *sha,
    const char *package, int mk)
{
	char sub[sizeof "lookup/" + DGIT_SHA256_HEXLEN];

	snprintf(sub, sizeof sub, "lookup/%s", sha);
	return dgit_fetch_cache_path(out, cache_dir, sub, package, mk);
}

/* Best effort, like the rest of the cache. */
static void
lookup_store(const char *cache_dir, const char *sha, const char *package,
    const char *buf, size_t len)
{
	char *path = NULL;

	if (lookup_path(&path, cache_dir, sha, package, 1) == NULL)
		(void)dgit_fs_write_file_atomic(path, buf, len, 0);
	free(path);
}

/* Debian policy: [a-z0-9][a-z0-9+.-]+ */
static int
good_package(const char *p)
{
	size_t l = strlen(p);

	if (l < 1 || l > 128 || !((p[0] >= 'a' && p[0] <= 'z') ||
	    (p[0] >= '0' && p[0] <= '9')))
		return 0;
	return strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+.-") == l;
}

/*
 * The indexes a search reads, into ix and comp (room for ncomponents):
 * one per component, an index named by two components read once.
 */
static size_t
pick_indexes(const struct dgit_archive_release *r, const struct idx **ix,
    char **comp)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ncomponents; i++) {
		const struct idx *x = pick_index(r, r->components[i]);
		size_t k;

		if (x == NULL)
			continue;
		for (k = 0; k < n && ix[k] != x; k++)
			;
		if (k < n)
			continue;  /* two names for one index */
		ix[n] = x;
		comp[n] = r->components[i];
		n++;
	}
	return n;
}

/* *all: every index's paragraphs for package are in the lookup cache. */
static const struct dgit_error *
all_looked_up(int *all, const char *cache_dir, const struct idx *const *ix,
    size_t n, const char *package)
{
	*all = 1;
	for (size_t i = 0; i < n && *all; i++) {
		const struct dgit_error *err;
		char *lp = NULL;

		err = lookup_path(&lp, cache_dir, ix[i]->sha256, package, 0);
		if (err)
			return err;
		*all = access(lp, R_OK) == 0;
		free(lp);
	}
	return NULL;
}

/* The fetch item of index x into work/i (url and dest allocated). */
static const struct dgit_error *
index_item(struct dgit_fetch_item *it, const struct dgit_archive_release *r,
    const struct idx *x, int by_hash, const char *work, size_t i)
{
	char *u = NULL, *d = NULL;
	const char *slash = strrchr(x->path, '/');

	memset(it, 0, sizeof *it);
	if ((by_hash && slash ? asprintf(&u,
	    "%s/dists/%s/%.*s/by-hash/SHA256/%s", r->base, r->suite_req,
	    (int)(slash - x->path), x->path, x->sha256) :
	    asprintf(&u, "%s/dists/%s/%s", r->base, r->suite_req,
	    x->path)) == -1 ||
	    asprintf(&d, "%s/%zu", work, i) == -1) {
		free(u);
		return dgit_error(DGIT_ERR_NOMEM);
	}
	it->url = u;
	it->dest = d;
	it->name = x->path;
	it->has_size = 1;
	it->size = x->size;
	it->sha256 = x->sha256;
	return NULL;
}

/*
 * On the prefetch's thread: keep the report for the search to pass on
 * (the caller's progress callback runs on the caller's thread only).
 */
static int
prefetch_progress(const struct dgit_fetch_progress *pr, void *arg)
{
	struct prefetch *p = arg;

	pthread_mutex_lock(&p->mu);
	p->progress = *pr;
	p->have_progress = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return atomic_load(&p->cancel);
}

static const struct dgit_error *scan_index(struct search *s,
    const char *path);

/*
 * On the prefetch's thread, once the indexes are checked against the
 * hashes they were fetched by: the paragraphs of each that concern the
 * package.  Any error (the search will meet it again) or a record too
 * big: 0, and the search reads the indexes themselves.
 */
static int
prefetch_scan(struct prefetch *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct search s;
		const struct dgit_error *err;

		if (atomic_load(&p->cancel))
			return 0;
		memset(&s, 0, sizeof s);
		s.package = p->package;
		s.component = p->comp[i];
		s.what = p->it[i].url;
		err = scan_index(&s, p->it[i].dest);
		free(s.binary_of);
		dgit_archive_source_free(s.best);
		if (err || s.rec_overflow) {
			free(s.rec);
			return 0;
		}
		p->rec[i] = s.rec;
		p->rec_len[i] = s.rec_len;
	}
	return 1;
}

/* On the fetch's thread: what was written, for the following search. */
static int
prefetch_item(void *arg, size_t i, enum dgit_fetch_event ev,
    const char *path, uint64_t got)
{
	struct prefetch *p = arg;
	struct follow *f = &p->fl[i];

	pthread_mutex_lock(&p->mu);
	if (ev == DGIT_FETCH_DONE) {
		f->done = 1;
	} else {
		if (f->tmp == NULL && (f->tmp = strdup(path)) == NULL)
			f->broken = 1;
		if (got < f->avail)
			f->broken = 1;
		f->avail = got;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return atomic_load(&p->cancel);
}

/*
 * Reads index i as the fetch writes it, hashing what it returns: the
 * search's bytes are the fetched ones only when that hash is the one
 * the fetch checked.
 */
struct follow_reader {
	struct prefetch *p;
	size_t i;
	int fd;
	uint64_t off;
	int failed;
	int may_switch, switched;  /* see SWITCH_BEFORE */
	struct dgit_hash h;
	char buf[65536];
};

/*
 * Once the fetch has the whole index, checked, while the streaming
 * search is not yet this far through it (per cent of the bytes): the
 * search starts again on the whole file (scan_index), which inflates a
 * .gz about three times as fast.  On a fast link the index is whole long
 * before zlib has got through it; on a slow one the stream keeps up with
 * the download and is kept.
 */
#define SWITCH_BEFORE 60

static la_ssize_t
follow_read(struct archive *a, void *arg, const void **out)
{
	struct follow_reader *rd = arg;
	struct prefetch *p = rd->p;
	struct follow *f = &p->fl[rd->i];
	uint64_t avail = 0;
	size_t want;
	ssize_t n;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (atomic_load(&p->cancel) || f->broken ||
		    (p->fetch_over && !f->done))
			goto fail;
		if (rd->fd < 0 && f->done)
			rd->fd = open(p->it[rd->i].dest, O_RDONLY | O_CLOEXEC);
		else if (rd->fd < 0 && f->tmp &&
		    (rd->fd = open(f->tmp, O_RDONLY | O_CLOEXEC)) < 0 &&
		    errno != ENOENT)
			goto fail;     /* ENOENT: renamed, DONE is coming */
		if (rd->fd < 0 && f->done)
			goto fail;
		if (rd->may_switch && a && f->done &&
		    rd->off < p->ix[rd->i].size / 100 * SWITCH_BEFORE) {
			rd->switched = 1;
			goto fail;
		}
		if (rd->fd >= 0) {
			avail = f->done ? p->ix[rd->i].size : f->avail;
			if (rd->off < avail)
				break;
			if (f->done) {
				pthread_mutex_unlock(&p->mu);
				return 0;
			}
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	want = avail - rd->off < sizeof rd->buf ?
	    (size_t)(avail - rd->off) : sizeof rd->buf;
	n = pread(rd->fd, rd->buf, want, (off_t)rd->off);
	if (n <= 0) {
		rd->failed = 1;
		if (a)
			archive_set_error(a, EIO, "index not followed");
		return -1;
	}
	dgit_hash_update(&rd->h, rd->buf, (size_t)n);
	rd->off += (uint64_t)n;
	*out = rd->buf;
	return n;
fail:
	pthread_mutex_unlock(&p->mu);
	rd->failed = 1;
	if (a)
		archive_set_error(a, ECANCELED, "index not followed");
	return -1;
}

/* Search index i as it arrives; 1 when every byte was read and hashed
 * to the SHA-256 it was fetched by. */
static int
follow_one(struct prefetch *p, size_t i)
{
	struct follow_reader *rd;
	struct search s;
	const struct dgit_error *err;
	char hex[DGIT_SHA256_HEXLEN + 1];
	const void *b;
	int ok = 0;

	rd = calloc(1, sizeof *rd);
	if (rd == NULL)
		return 0;
	rd->p = p;
	rd->i = i;
	rd->fd = -1;
	if (dgit_hash_init(&rd->h, DGIT_HASH_SHA256) != NULL) {
		free(rd);
		return 0;
	}
	memset(&s, 0, sizeof s);
	s.package = p->package;
	s.component = p->comp[i];
	s.what = p->it[i].url;
#ifdef DGIT_HAVE_LIBDEFLATE
	rd->may_switch = ends_with(p->ix[i].path, ".gz");
#endif
	err = scan_archive(&s, NULL, follow_read, rd);
	if (rd->switched) {
		/* the fetch checked the file at dest: searched from there */
		dgit_hash_final_hex(&rd->h, hex);
		free(s.rec);
		free(s.binary_of);
		dgit_archive_source_free(s.best);
		memset(&s, 0, sizeof s);
		s.package = p->package;
		s.component = p->comp[i];
		s.what = p->it[i].url;
		err = scan_index(&s, p->it[i].dest);
		if (err == NULL && !s.rec_overflow) {
			p->rec[i] = s.rec;
			p->rec_len[i] = s.rec_len;
			s.rec = NULL;
			ok = 1;
		}
		goto done;
	}
	/* what the decompressor left unread still counts */
	while (err == NULL && !rd->failed && follow_read(NULL, rd, &b) > 0)
		;
	dgit_hash_final_hex(&rd->h, hex);
	if (err == NULL && !rd->failed && !s.rec_overflow &&
	    rd->off == p->ix[i].size && strcmp(hex, p->ix[i].sha256) == 0) {
		p->rec[i] = s.rec;
		p->rec_len[i] = s.rec_len;
		s.rec = NULL;
		ok = 1;
	}
done:
	if (rd->fd >= 0)
		close(rd->fd);
	free(rd);
	free(s.rec);
	free(s.binary_of);
	dgit_archive_source_free(s.best);
	return ok;
}

static void *
follow_main(void *arg)
{
	struct prefetch *p = arg;
	size_t i;
	int ok = 1;

	for (i = 0; i < p->n && ok; i++)
		ok = follow_one(p, i);
	if (!ok)
		for (i = 0; i < p->n; i++) {
			free(p->rec[i]);
			p->rec[i] = NULL;
			p->rec_len[i] = 0;
		}
	p->streamed = ok;
	return NULL;
}

static void *
prefetch_main(void *arg)
{
	struct prefetch *p = arg;
	int following = pthread_create(&p->sth, NULL, follow_main, p) == 0;
	int ok = dgit_fetch_files(&p->fo, p->it, p->n) == NULL;
	int recs_ok;

	pthread_mutex_lock(&p->mu);
	p->fetch_over = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (following)
		pthread_join(p->sth, NULL);
	recs_ok = ok && ((following && p->streamed) || prefetch_scan(p));

	pthread_mutex_lock(&p->mu);
	p->ok = ok;
	p->recs_ok = recs_ok;
	p->finished = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait for the prefetch, passing its progress on to fo's callback. */
static void
prefetch_wait(struct prefetch *p, const struct dgit_fetch_opts *fo)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		if (p->have_progress) {
			struct dgit_fetch_progress pr = p->progress;

			p->have_progress = 0;
			pthread_mutex_unlock(&p->mu);
			if (fo->progress && fo->progress(&pr, fo->progress_arg))
				atomic_store(&p->cancel, 1);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		if (p->finished)
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->th, NULL);
	p->running = 0;
}

/* Stop it (a running fetch is cancelled), remove its files, free it. */
static void
prefetch_free(struct prefetch *p)
{
	if (p == NULL)
		return;
	if (p->running) {
		pthread_mutex_lock(&p->mu);
		atomic_store(&p->cancel, 1);
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	if (p->sync) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	if (p->work) {
		dgit_fs_remove_tree(p->work);
		free(p->work);
	}
	for (size_t i = 0; i < p->n; i++) {
		if (p->it) {
			free((char *)p->it[i].url);
			free((char *)p->it[i].dest);
		}
		if (p->ix)
			free(p->ix[i].path);
		if (p->comp)
			free(p->comp[i]);
		if (p->rec)
			free(p->rec[i]);
		if (p->fl)
			free(p->fl[i].tmp);
	}
	free(p->fl);
	free(p->it);
	free(p->ix);
	free(p->comp);
	free(p->rec);
	free(p->rec_len);
	free(p->package);
	free(p);
}

/*
 * Start fetching, in a thread, the indexes a search for package would
 * read according to text, the Release not yet verified.  Best effort:
 * whatever goes wrong here, the search fetches them itself.
 */
static void
prefetch_start(struct dgit_archive_release *r,
    const struct dgit_archive_opts *o, const char *text, size_t len,
    const char *url, const char *package)
{
	struct dgit_archive_release t;
	struct prefetch *p = NULL;
	const struct idx **ix = NULL;
	char **comp = NULL;
	size_t n, i;
	int all = 0;

	memset(&t, 0, sizeof t);
	t.base = r->base;
	t.suite_req = r->suite_req;
	if (!good_package(package) ||
	    parse_release(&t, o, text, len, url, 0) != NULL)
		goto done;
	ix = calloc(t.ncomponents + 1, sizeof *ix);
	comp = calloc(t.ncomponents + 1, sizeof *comp);
	if (ix == NULL || comp == NULL)
		goto done;
	n = pick_indexes(&t, ix, comp);
	if (n == 0 || (o->fetch.cache_dir && (all_looked_up(&all,
	    o->fetch.cache_dir, ix, n, package) != NULL || all)))
		goto done;
	for (i = 0; i < n; i++)
		if (ix[i]->size > DGIT_FETCH_DEFAULT_MAX)
			goto done;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		goto done;
	atomic_init(&p->cancel, 0);
	if (pthread_mutex_init(&p->mu, NULL) != 0)
		goto done;
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		goto done;
	}
	p->sync = 1;
	p->ix = calloc(n, sizeof *p->ix);
	p->it = calloc(n, sizeof *p->it);
	p->comp = calloc(n, sizeof *p->comp);
	p->rec = calloc(n, sizeof *p->rec);
	p->rec_len = calloc(n, sizeof *p->rec_len);
	p->fl = calloc(n, sizeof *p->fl);
	p->package = strdup(package);
	if (p->ix == NULL || p->it == NULL || p->comp == NULL ||
	    p->rec == NULL || p->rec_len == NULL || p->fl == NULL ||
	    p->package == NULL)
		goto done;
	for (i = 0; i < n; i++) {
		p->ix[i] = *ix[i];
		p->ix[i].path = strdup(ix[i]->path);
		p->comp[i] = strdup(comp[i]);
		p->n = i + 1;
		if (p->ix[i].path == NULL || p->comp[i] == NULL)
			goto done;
	}
	if (make_workdir(&p->work, NULL) != NULL)
		goto done;
	for (i = 0; i < n; i++)
		if (index_item(&p->it[i], &t, &p->ix[i], t.by_hash, p->work,
		    i) != NULL)
			goto done;
	p->fo = o->fetch;
	p->fo.progress = prefetch_progress;
	p->fo.progress_arg = p;
	p->fo.item = prefetch_item;
	p->fo.item_arg = p;
	if (pthread_create(&p->th, NULL, prefetch_main, p) != 0)
		goto done;
	p->running = 1;
	r->pre = p;
	p = NULL;
done:
	prefetch_free(p);
	free(ix);
	free(comp);
	free(t.suite);
	free(t.codename);
	for (i = 0; i < t.ncomponents; i++)
		free(t.components[i]);
	free(t.components);
	for (i = 0; i < t.nidx; i++)
		free(t.idx[i].path);
	free(t.idx);
}

/*
 * Wait for the prefetch; when it fetched exactly the indexes ix (same
 * paths, sizes and SHA-256s as the verified Release gives), hand its
 * files over: *work and it[0..n) take them.  Else 0, and the caller
 * fetches.
 */
static int
prefetch_take(struct prefetch *p, const struct dgit_fetch_opts *fo,
    const struct idx *const *ix, size_t n, char **work,
    struct dgit_fetch_item *it)
{
	size_t i;

	prefetch_wait(p, fo);
	if (!p->ok || p->n != n || p->work == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(p->ix[i].path, ix[i]->path) != 0 ||
		    p->ix[i].size != ix[i]->size ||
		    strcmp(p->ix[i].sha256, ix[i]->sha256) != 0)
			return 0;
	*work = p->work;
	p->work = NULL;
	for (i = 0; i < n; i++) {
		it[i] = p->it[i];
		it[i].name = ix[i]->path;
		it[i].sha256 = ix[i]->sha256;
		p->it[i].url = p->it[i].dest = NULL;
	}
	p->used = 1;
	return 1;
}

/* Index ix of r, in component comp, is the next searched: s names it. */
static void
search_at(struct search *s, const struct dgit_archive_release *r,
    const struct idx *ix, const char *comp)
{
	size_t l = strlen(s->searched);

	snprintf(s->what_buf, sizeof s->what_buf, "%s/dists/%s/%s", r->base,
	    r->suite_req, ix->path);
	s->what = s->what_buf;
	s->component = comp;
	snprintf(s->searched + l, sizeof s->searched - l, "%s%s",
	    l ? ", " : "", comp);
}

const struct dgit_error *
dgit_archive_find_source(struct dgit_archive_source **out,
    const struct dgit_archive_opts *o, const struct dgit_archive_release *r,
    const char *package, const char *version)
{
	const struct dgit_error *err = NULL;
	struct dgit_fetch_item *it = NULL;
	const struct idx **ix = NULL;
	char **comp = NULL, *work = NULL;
	struct search s;
	size_t n = 0, i;
	int by_hash = r->by_hash;

	*out = NULL;
	if (!good_package(package))
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad package name '%s' "
		    "(lowercase letters, digits, '+', '-' and '.')", package);
	memset(&s, 0, sizeof s);
	s.package = package;
	s.version = version;
	it = calloc(r->ncomponents + 1, sizeof *it);
	ix = calloc(r->ncomponents + 1, sizeof *ix);
	comp = calloc(r->ncomponents + 1, sizeof *comp);
	if (it == NULL || ix == NULL || comp == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	n = pick_indexes(r, ix, comp);
	if (n == 0) {
		err = dgit_error_fmt(DGIT_ERR_NOT_FOUND,
		    "the Release of suite '%s' lists no Sources index; the "
		    "suite has no source packages at '%s'", r->suite_req,
		    r->base);
		goto done;
	}
	if (o->fetch.cache_dir) {
		int all;

		err = all_looked_up(&all, o->fetch.cache_dir, ix, n, package);
		if (err)
			goto done;
		if (all) {
			s.no_rec = 1;
			for (i = 0; i < n; i++) {
				char *lp = NULL;

				err = lookup_path(&lp, o->fetch.cache_dir,
				    ix[i]->sha256, package, 0);
				if (err)
					goto done;
				search_at(&s, r, ix[i], comp[i]);
				err = scan_index(&s, lp);
				free(lp);
				if (err)
					goto done;
			}
			goto found;
		}
	}
	if (r->pre && prefetch_take(r->pre, &o->fetch, ix, n, &work,
	    it)) {
		if (!r->pre->recs_ok)
			goto scan;
		/* searched on the prefetch's thread: replay the records */
		s.no_rec = 1;
		for (i = 0; i < n; i++) {
			search_at(&s, r, ix[i], comp[i]);
			err = scan_buffer(&s, r->pre->rec[i],
			    r->pre->rec_len[i]);
			if (err)
				goto done;
			if (o->fetch.cache_dir)
				lookup_store(o->fetch.cache_dir, ix[i]->sha256,
				    package, r->pre->rec[i],
				    r->pre->rec_len[i]);
		}
		goto found;
	}
	err = make_workdir(&work, NULL);
	if (err)
		goto done;
again:
	for (i = 0; i < n; i++) {
		free((char *)it[i].url);
		free((char *)it[i].dest);
		err = index_item(&it[i], r, ix[i], by_hash, work, i);
		if (err)
			goto done;
	}
	err = dgit_fetch_files(&o->fetch, it, n);
	if (err && err->code == DGIT_ERR_NOT_FOUND && by_hash) {
		/* some mirrors lack by-hash despite the Release */
		by_hash = 0;
		goto again;
	}
	if (err)
		goto done;
scan:
	for (i = 0; i < n; i++) {
		search_at(&s, r, ix[i], comp[i]);
		s.rec_len = 0;
		s.rec_overflow = 0;
		err = scan_index(&s, it[i].dest);
		if (err)
			goto done;
		if (o->fetch.cache_dir && !s.rec_overflow)
			lookup_store(o->fetch.cache_dir, ix[i]->sha256,
			    package, s.rec, s.rec_len);
	}
found:
	if (s.best == NULL) {
		if (version && s.versions[0])
			err = dgit_error_cfmt(
			    DGIT_ECLASS_NO_PACKAGE, DGIT_ERR_NOT_FOUND,
			    "version '%s' of source package '%s' is not in "
			    "suite '%s' (it has %s); pick one of those, or "
			    "another suite", version, package, r->suite_req,
			    s.versions);
		else if (s.binary_of)
			err = dgit_error_cfmt(
			    DGIT_ECLASS_NO_PACKAGE, DGIT_ERR_NOT_FOUND,
			    "'%s' is a binary package; its source package is "
			    "'%s': run 'dgit download-source %s %s'", package,
			    s.binary_of, s.binary_of, r->suite_req);
		else
			err = dgit_error_cfmt(
			    DGIT_ECLASS_NO_PACKAGE, DGIT_ERR_NOT_FOUND,
			    "source package '%s' not found in suite '%s' "
			    "(searched components: %s); check the name and "
			    "the suite", package, r->suite_req, s.searched);
		goto done;
	}
	if (asprintf(&s.best->url_dir, "%s/%s", r->base,
	    s.best->directory) == -1) {
		s.best->url_dir = NULL;
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	*out = s.best;
	s.best = NULL;
done:
	if (it)
		for (i = 0; i < r->ncomponents + 1; i++) {
			free((char *)it[i].url);
			free((char *)it[i].dest);
		}
	if (work)
		dgit_fs_remove_tree(work);
	free(work);
	free(it);
	free(ix);
	free(comp);
	free(s.binary_of);
	free(s.rec);
	dgit_archive_source_free(s.best);
	return err;
}

/* ------------------------------------------------------------- download */

void
dgit_archive_download_free(struct dgit_archive_download *d)
{
	if (d == NULL)
		return;
	free(d->sig_detail);
	free(d);
}

struct dsc_check {
	const struct dgit_archive_source *src;
	const char *what;
	size_t matched;
	int sha;                   /* 1: Checksums-Sha256, 0: Files (md5) */
};

static const struct dgit_error *
check_dsc_file(const char *hash, uint64_t size, const char *name,
    size_t namelen, void *arg)
{
	struct dsc_check *c = arg;
	const struct dgit_archive_source *s = c->src;

	for (size_t i = 0; i < s->nfiles; i++) {
		const struct dgit_archive_file *f = &s->files[i];

		if (strlen(f->name) != namelen ||
		    memcmp(f->name, name, namelen) != 0)
			continue;
		if (f->size != size || (c->sha && strcmp(f->sha256, hash)))
			return dgit_error_fmt(DGIT_ERR_CHECKSUM,
			    "'%s' lists '%s' with %" PRIu64 " bytes, %s %s, "
			    "but the signed Sources index says %" PRIu64
			    " bytes, sha256 %s; the archive is inconsistent or "
			    "tampered with, use another mirror", c->what,
			    f->name, size, c->sha ? "sha256" : "md5", hash,
			    f->size, f->sha256);
		c->matched++;
		return NULL;
	}
	return dgit_error_fmt(DGIT_ERR_CHECKSUM,
	    "'%s' lists '%.*s', which the signed Sources index does not; the "
	    "archive is inconsistent or tampered with, use another mirror",
	    c->what, (int)namelen, name);
}

/* Check the .dsc: signature, then its file list against the Sources one. */
static const struct dgit_error *
check_dsc(struct dgit_archive_download *d, const struct dgit_archive_opts *o,
    const struct dgit_archive_source *src, const char *path)
{
	const struct dgit_error *err = NULL, *verr;
	struct dgit_dsc *m = NULL;
	struct dgit_clearsigned *cs = NULL;
	struct dgit_verify_result *vr = NULL;
	struct dgit_deb822_para **p = NULL;
	const char **rings = NULL;
	const char *text;
	size_t len, tlen, np = 0, nr = 0;
	char *buf = NULL;
	struct dsc_check c;

	err = dgit_fs_read_file(&buf, &len, path, DGIT_DSC_MAX);
	if (err)
		return err;
	rings = calloc(o->ndsc_keyrings + 1, sizeof *rings);
	if (rings == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < o->ndsc_keyrings; i++)
		if (access(o->dsc_keyrings[i], R_OK) == 0)
			rings[nr++] = o->dsc_keyrings[i];
	verr = dgit_clearsigned_split(&cs, buf, len, src->dsc_name);
	if (verr && verr->code == DGIT_ERR_BAD_SIGNATURE && cs == NULL) {
		d->sig = DGIT_DSC_SIG_UNSIGNED;
		d->sig_detail = strdup("the .dsc is not signed");
		text = buf;
		tlen = len;
	} else if (verr) {
		err = verr;
		goto done;
	} else if (nr == 0) {
		d->sig = DGIT_DSC_SIG_NO_KEYRING;
		d->sig_detail = strdup("no uploader keyring is installed");
		text = cs->text;
		tlen = cs->text_len;
	} else {
		verr = dgit_verify_clearsigned_cached(&vr, o->fetch.cache_dir,
		    rings, nr, buf, len, src->dsc_name);
		if (verr && verr->code == DGIT_ERR_UNKNOWN_KEY) {
			d->sig = DGIT_DSC_SIG_UNKNOWN_KEY;
			d->sig_detail = strdup(verr->msg);
			text = cs->text;
			tlen = cs->text_len;
		} else if (verr) {
			err = verr;
			goto done;
		} else {
			d->sig = DGIT_DSC_SIG_GOOD;
			d->sig_detail = strdup(vr->fpr);
			text = vr->text;
			tlen = vr->text_len;
		}
	}
	if (d->sig_detail == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	if (o->require_valid_signature && d->sig != DGIT_DSC_SIG_GOOD) {
		err = dgit_error_fmt(DGIT_ERR_BAD_SIGNATURE,
		    "'%s' has no valid signature (%s) and "
		    "--require-valid-signature was given; install the "
		    "uploader keyrings (debian-keyring) or configure "
		    "dgit-distro.DISTRO.keyring", src->dsc_name,
		    d->sig_detail);
		goto done;
	}
	err = dgit_deb822_parse(&p, &np, text, tlen, src->dsc_name);
	if (err)
		goto done;
	if (np == 0) {
		err = dgit_error_fmt(DGIT_ERR_PARSE, "'%s' is empty",
		    src->dsc_name);
		goto done;
	}
	/* the dsc model validates format, names and Files/Checksums */
	err = dgit_dsc_from_para(&m, p[0], src->dsc_name);
	if (err)
		goto done;
	if (strcmp(m->source, src->package) != 0 ||
	    strcmp(m->version, src->version) != 0) {
		err = dgit_error_fmt(DGIT_ERR_CHECKSUM,
		    "'%s' is the .dsc of %s %s, not of %s %s; the archive is "
		    "inconsistent, use another mirror", src->dsc_name,
		    m->source, m->version, src->package, src->version);
		goto done;
	}
	memset(&c, 0, sizeof c);
	c.src = src;
	c.what = src->dsc_name;
	for (size_t i = 0; i < m->nfiles; i++) {
		const struct dgit_dsc_file *f = &m->files[i];

		c.sha = f->sha256[0] != '\0';
		err = check_dsc_file(c.sha ? f->sha256 : f->md5, f->size,
		    f->name, strlen(f->name), &c);
		if (err)
			goto done;
	}
	if (c.matched + 1 != src->nfiles) {
		err = dgit_error_fmt(DGIT_ERR_CHECKSUM,
		    "'%s' lists %zu files but the signed Sources index lists "
		    "%zu besides it; the archive is inconsistent, use another "
		    "mirror", src->dsc_name, c.matched, src->nfiles - 1);
		goto done;
	}
done:
	dgit_dsc_free(m);
	dgit_deb822_paras_free(p, np);
	dgit_clearsigned_free(cs);
	dgit_verify_result_free(vr);
	free(rings);
	free(buf);
	return err;
}

const struct dgit_error *
dgit_archive_download_source(struct dgit_archive_download **out,
    const struct dgit_archive_opts *o, const struct dgit_archive_source *src,
    const char *dir)
{
	const struct dgit_error *err = NULL;
	struct dgit_archive_download *d = NULL;
	struct dgit_fetch_item *it = NULL;
	char *stage = NULL, *dscpath = NULL;
	size_t i, moved = 0;

	*out = NULL;
	d = calloc(1, sizeof *d);
	it = calloc(src->nfiles, sizeof *it);
	if (d == NULL || it == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	err = make_workdir(&stage, dir);
	if (err)
		goto done;
	for (i = 0; i < src->nfiles; i++) {
		char *u = NULL, *p = NULL;

		if (asprintf(&u, "%s/%s", src->url_dir, src->files[i].name)
		    == -1 || asprintf(&p, "%s/%s", stage,
		    src->files[i].name) == -1) {
			free(u);
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		it[i].url = u;
		it[i].dest = p;
		it[i].has_size = 1;
		it[i].size = src->files[i].size;
		it[i].sha256 = src->files[i].sha256;
		d->bytes += src->files[i].size;
		if (strcmp(src->files[i].name, src->dsc_name) == 0)
			dscpath = p;
	}
	err = dgit_fetch_files(&o->fetch, it, src->nfiles);
	if (err)
		goto done;
	for (i = 0; i < src->nfiles; i++)
		d->from_cache += it[i].from_cache ? 1 : 0;
	err = check_dsc(d, o, src, dscpath);
	if (err)
		goto done;
	/* everything is verified: move into place */
	for (i = 0; i < src->nfiles; i++, moved++) {
		char *final = NULL;

		if (asprintf(&final, "%s/%s", dir, src->files[i].name) == -1) {
			err = dgit_error(DGIT_ERR_NOMEM);
			goto done;
		}
		if (rename(it[i].dest, final) == -1) {
			err = dgit_error_from_errno("cannot rename '%s' to "
			    "'%s'", it[i].dest, final);
			free(final);
			goto done;
		}
		free(final);
	}
	*out = d;
	d = NULL;
done:
	if (err && moved > 0) {
		for (i = 0; i < moved; i++) {
			char *final = NULL;

			if (asprintf(&final, "%s/%s", dir,
			    src->files[i].name) != -1) {
				unlink(final);
				free(final);
			}
		}
	}
	if (stage)
		dgit_fs_remove_tree(stage);
	free(stage);
	if (it)
		for (i = 0; i < src->nfiles; i++) {
			free((char *)it[i].url);
			free((char *)it[i].dest);
		}
	free(it);
	dgit_archive_download_free(d);
	return err;
}
