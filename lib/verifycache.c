/*
 * The verification cache; see dgit_verifycache.h.
 *
 * An entry file, every line "NAME VALUE\n" in this order:
 *   dgit-verifycache 1
 *   key HEX            (its own file name)
 *   fpr FPR
 *   sig-class N
 *   hash-algo N
 *   text-sha256 HEX|-
 *   not-before N
 *   not-after N
 *   check HEX          (SHA-256 of the lines above)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dgit_fs.h"
#include "dgit_verifycache.h"

#define FORMAT "dgit-verifycache 1"
#define ENTRY_MAX 1024
#define TMP_STALE 60               /* seconds: an older temporary is dead */

/* One line of the key's input: "NAME HEX\n". */
static void
key_line(struct dgit_hash *h, const char *name, const char *hex)
{
	dgit_hash_update(h, name, strlen(name));
	dgit_hash_update(h, " ", 1);
	dgit_hash_update(h, hex, strlen(hex));
	dgit_hash_update(h, "\n", 1);
}

const struct dgit_error *
dgit_verifycache_keyrings(char out[DGIT_SHA256_HEXLEN + 1],
    const char *const *keyrings, size_t nkeyrings)
{
	const struct dgit_error *err;
	struct dgit_hash h = DGIT_HASH_INIT;
	char hex[DGIT_SHA256_HEXLEN + 1];

	out[0] = '\0';
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA256)))
		return err;
	for (size_t i = 0; i < nkeyrings; i++) {
		int fd;
		uint64_t size;

		if ((err = dgit_fs_open_regular(&fd, &size, keyrings[i],
		    keyrings[i])))
			goto done;
		err = dgit_hash_fd(hex, NULL, DGIT_HASH_SHA256, fd,
		    keyrings[i]);
		close(fd);
		if (err)
			goto done;
		key_line(&h, "keyring", hex);
	}
done:
	if (err)
		dgit_hash_release(&h);
	else
		dgit_hash_final_hex(&h, out);
	return err;
}

const struct dgit_error *
dgit_verifycache_key(char out[DGIT_SHA256_HEXLEN + 1], const char *rings,
    const char *data, size_t len, const char *sig, size_t siglen)
{
	const struct dgit_error *err;
	struct dgit_hash h = DGIT_HASH_INIT;
	char hex[DGIT_SHA256_HEXLEN + 1];

	out[0] = '\0';
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA256)))
		return err;
	key_line(&h, FORMAT, DGIT_VERSION);
	key_line(&h, "mode", sig ? "detached" : "clearsigned");
	if ((err = dgit_hash_buf_hex(hex, DGIT_HASH_SHA256, data, len)))
		goto done;
	key_line(&h, "data", hex);
	if (sig) {
		if ((err = dgit_hash_buf_hex(hex, DGIT_HASH_SHA256, sig,
		    siglen)))
			goto done;
		key_line(&h, "sig", hex);
	}
	key_line(&h, "keyrings", rings);
done:
	if (err)
		dgit_hash_release(&h);
	else
		dgit_hash_final_hex(&h, out);
	return err;
}

const struct dgit_error *
dgit_verifycache_key_expiry(char out[DGIT_SHA256_HEXLEN + 1],
    const char *rings, const char *fpr)
{
	const struct dgit_error *err;
	struct dgit_hash h = DGIT_HASH_INIT;

	out[0] = '\0';
	if ((err = dgit_hash_init(&h, DGIT_HASH_SHA256)))
		return err;
	key_line(&h, FORMAT, DGIT_VERSION);
	key_line(&h, "mode", "key-expiry");
	key_line(&h, "fpr", fpr);
	key_line(&h, "keyrings", rings);
	dgit_hash_final_hex(&h, out);
	return NULL;
}

static int
is_hex64(const char *s)
{
	return dgit_hash_hex_valid(s, DGIT_HASH_SHA256) &&
	    strspn(s, "0123456789abcdef") == DGIT_SHA256_HEXLEN;
}

/*
 * The cache's directory, opened without following a symlink: -1 unless it
 * is a directory owned by us and writable by nobody else.  mk: create it
 * (and CACHE_DIR) first.
 */
static int
open_dir(const char *cache_dir, int mk)
{
	char *dir = NULL;
	struct stat st;
	int fd = -1;

	if (cache_dir == NULL || cache_dir[0] != '/' ||
	    asprintf(&dir, "%s/verify", cache_dir) == -1)
		return -1;
	if (mk && (dgit_fs_mkdirs(cache_dir) != NULL ||
	    (mkdir(dir, 0700) == -1 && errno != EEXIST)))
		goto done;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		goto done;
	if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		fd = -1;
	}
done:
	free(dir);
	return fd;
}

/* A decimal integer (optionally negative) that fits int64_t. */
static int
parse_int(int64_t *out, const char *s)
{
	int neg = 0;
	int64_t v = 0;
	size_t n = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n >= 18)
			return 0;
		v = v * 10 + (*s - '0');
	}
	if (n == 0 || (n > 1 && s[-(ptrdiff_t)n] == '0'))
		return 0;
	*out = neg ? -v : v;
	return 1;
}

/* The next line "NAME VALUE": *val points at VALUE, NUL-terminated. */
static int
next_field(char **p, const char *name, char **val)
{
	size_t nl = strlen(name);
	char *e;

	if (strncmp(*p, name, nl) != 0 || (*p)[nl] != ' ')
		return 0;
	*val = *p + nl + 1;
	e = strchr(*val, '\n');
	if (e == NULL || e == *val)
		return 0;
	*e = '\0';
	*p = e + 1;
	return 1;
}

static int
parse_entry(struct dgit_verifycache_entry *e, char *buf, size_t len,
    const char *key)
{
	char *p = buf, *v, check[DGIT_SHA256_HEXLEN + 1];
	int64_t n;

	char *last;

	memset(e, 0, sizeof *e);
	if (len < 2 || memchr(buf, '\0', len) || buf[len - 1] != '\n')
		return 0;
	/* the checksum covers everything before its own, last, line */
	buf[len - 1] = '\0';
	last = strrchr(buf, '\n');
	buf[len - 1] = '\n';
	if (last == NULL || strncmp(last + 1, "check ", 6) != 0 ||
	    dgit_hash_buf_hex(check, DGIT_HASH_SHA256, buf,
	    (size_t)(last + 1 - buf)) != NULL)
		return 0;
	if (strncmp(p, FORMAT "\n", sizeof FORMAT) != 0)
		return 0;
	p += sizeof FORMAT;
	if (!next_field(&p, "key", &v) || strcmp(v, key) != 0)
		return 0;
	if (!next_field(&p, "fpr", &v) || strlen(v) > DGIT_VERIFYCACHE_FPR_MAX ||
	    strlen(v) < 16 || strspn(v, "0123456789ABCDEF") != strlen(v))
		return 0;
	memcpy(e->fpr, v, strlen(v) + 1);
	if (!next_field(&p, "sig-class", &v) || !parse_int(&n, v) ||
	    n < -1 || n > 255)
		return 0;
	e->sig_class = (int)n;
	if (!next_field(&p, "hash-algo", &v) || !parse_int(&n, v) ||
	    n < 0 || n > 1000)
		return 0;
	e->hash_algo = (int)n;
	if (!next_field(&p, "text-sha256", &v) ||
	    (strcmp(v, "-") != 0 && !is_hex64(v)))
		return 0;
	if (strcmp(v, "-") != 0)
		memcpy(e->text_sha256, v, DGIT_SHA256_HEXLEN + 1);
	if (!next_field(&p, "not-before", &v) || !parse_int(&e->not_before,
	    v) || e->not_before < 0)
		return 0;
	if (!next_field(&p, "not-after", &v) || !parse_int(&e->not_after,
	    v) || e->not_after < 0)
		return 0;
	if (p != last + 1 || !next_field(&p, "check", &v) || strcmp(v, check) != 0)
		return 0;
	return (size_t)(p - buf) == len;
}

int
dgit_verifycache_lookup(struct dgit_verifycache_entry *e,
    const char *cache_dir, const char *key, int64_t now)
{
	char buf[ENTRY_MAX + 1];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int dfd, fd = -1, hit = 0;

	memset(e, 0, sizeof *e);
	if (!is_hex64(key) || (dfd = open_dir(cache_dir, 0)) == -1)
		return 0;
	fd = openat(dfd, key, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) ||
	    st.st_size > ENTRY_MAX)
		goto done;
	while (len < sizeof buf - 1) {
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (n == -1 || len >= sizeof buf - 1)
		goto done;
	buf[len] = '\0';
	if (!parse_entry(e, buf, len, key))
		goto done;
	hit = now >= e->not_before && (e->not_after == 0 ||
	    now < e->not_after);
done:
	if (fd != -1)
		close(fd);
	close(dfd);
	if (!hit)
		memset(e, 0, sizeof *e);
	return hit;
}

/*
 * Remove the temporaries a store killed half-way left (".KEY.PID.NS.tmp",
 * ours, a minute old or more: a live store renames its own within
 * moments).  Best effort, as storing is.
 */
static void
sweep_tmp(int dfd)
{
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;
	int fd;

	if ((fd = dup(dfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] != '.' || n < 1 + DGIT_SHA256_HEXLEN + 4 ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0 ||
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    now - st.st_mtime < TMP_STALE)
			continue;
		unlinkat(dfd, de->d_name, 0);
	}
	closedir(d);
}

void
dgit_verifycache_store(const char *cache_dir, const char *key,
    const struct dgit_verifycache_entry *e)
{
	char buf[ENTRY_MAX], tmp[DGIT_SHA256_HEXLEN + 48];
	char check[DGIT_SHA256_HEXLEN + 1];
	struct timespec ts;
	int dfd, fd, n, m;

	if (!is_hex64(key) || e->fpr[0] == '\0' ||
	    strchr(e->fpr, '\n') || e->not_before < 0 || e->not_after < 0)
		return;
	n = snprintf(buf, sizeof buf, FORMAT "\nkey %s\nfpr %s\n"
	    "sig-class %d\nhash-algo %d\ntext-sha256 %s\nnot-before %lld\n"
	    "not-after %lld\n", key, e->fpr, e->sig_class, e->hash_algo,
	    e->text_sha256[0] ? e->text_sha256 : "-",
	    (long long)e->not_before, (long long)e->not_after);
	if (n < 0 || (size_t)n >= sizeof buf ||
	    dgit_hash_buf_hex(check, DGIT_HASH_SHA256, buf, (size_t)n))
		return;
	m = snprintf(buf + n, sizeof buf - (size_t)n, "check %s\n", check);
	if (m < 0 || (size_t)m >= sizeof buf - (size_t)n)
		return;
	n += m;
	if ((dfd = open_dir(cache_dir, 1)) == -1)
		return;
	sweep_tmp(dfd);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(tmp, sizeof tmp, ".%s.%ld.%ld.tmp", key, (long)getpid(),
	    (long)ts.tv_nsec);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		goto done;
	if (dgit_fs_write_all(fd, buf, (size_t)n, tmp) != NULL) {
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto done;
	}
	if (close(fd) == -1 || renameat(dfd, tmp, dfd, key) == -1)
		unlinkat(dfd, tmp, 0);
done:
	close(dfd);
}
