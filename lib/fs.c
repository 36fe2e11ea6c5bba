/* File-system plumbing; see dgit_fs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_buf.h"
#include "dgit_fs.h"

const struct dgit_error *
dgit_fs_read_file(char **out, size_t *len, const char *path, size_t max)
{
	const struct dgit_error *err = NULL;
	struct dgit_buf b;
	struct stat st;
	int fd;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return dgit_error_fmt(DGIT_ERR_NOT_FOUND,
			    "'%s' does not exist", path);
		return dgit_error_from_errno("cannot open '%s'", path);
	}
	dgit_buf_init(&b, 0);
	/* One allocation for a regular file of known size. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (max == 0 || (uint64_t)st.st_size <= max) &&
	    (uint64_t)st.st_size < SIZE_MAX / 2 &&
	    (err = dgit_buf_grow(&b, (size_t)st.st_size + 1)))
		goto done;
	for (;;) {
		ssize_t r;

		if (b.alloc <= b.len + 1 &&
		    (err = dgit_buf_grow(&b, b.alloc ? b.alloc : 8192)))
			goto done;
		r = read(fd, b.ptr + b.len, b.alloc - b.len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = dgit_error_from_errno("cannot read '%s'", path);
			goto done;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.ptr[b.len] = '\0';
		if (max && b.len > max) {
			err = dgit_error_fmt(DGIT_ERR_LIMIT, "'%s' is too big "
			    "(over %zu bytes)", path, max);
			goto done;
		}
	}
	*out = dgit_buf_detach(&b, len);
	if (*out == NULL)
		err = dgit_error(DGIT_ERR_NOMEM);
done:
	close(fd);
	dgit_buf_release(&b);
	return err;
}

const struct dgit_error *
dgit_fs_write_all(int fd, const void *buf, size_t len, const char *path)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT))
			return dgit_error_from_errno("cannot write '%s' (free "
			    "some space and try again)", path);
		if (w < 0)
			return dgit_error_from_errno("cannot write '%s'", path);
		p += w;
		len -= (size_t)w;
	}
	return NULL;
}

/* "DIR/.BASE.dgit-XXXXXX" for path; caller frees. */
static char *
beside_template(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path + 1) : 0;
	char *t;

	if (asprintf(&t, "%.*s.%s.dgit-XXXXXX", (int)dl, path, path + dl) < 0)
		return NULL;
	return t;
}

static mode_t
umasked(mode_t mode)
{
	mode_t mask = umask(022);

	umask(mask);
	return mode & ~mask;
}

const struct dgit_error *
dgit_fs_tmpfile_beside(char **tmp, int *fd, const char *dest)
{
	const struct dgit_error *err;
	char *t;

	*tmp = NULL;
	*fd = -1;
	if ((t = beside_template(dest)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	*fd = mkostemp(t, O_CLOEXEC);
	if (*fd < 0) {
		err = dgit_error_from_errno(
		    "cannot create a temporary file for '%s'", dest);
		free(t);
		return err;
	}
	/* mkstemp makes 0600; give the final file the usual mode. */
	if (fchmod(*fd, umasked(0666)) != 0) {
		err = dgit_error_from_errno("cannot chmod '%s'", t);
		close(*fd);
		*fd = -1;
		unlink(t);
		free(t);
		return err;
	}
	*tmp = t;
	return NULL;
}

const struct dgit_error *
dgit_fs_write_file_atomic(const char *path, const void *data, size_t len,
    mode_t mode)
{
	return dgit_fs_write_file_atomic_told(path, data, len, mode, NULL,
	    NULL);
}

/* Replace the last six characters of t ("XXXXXX") with random ones. */
static const struct dgit_error *
randomize(char *t)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	char *x = t + strlen(t) - sizeof rnd;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return dgit_error_from_errno("cannot choose a temporary name");
	for (size_t i = 0; i < sizeof rnd; i++)
		x[i] = set[rnd[i] % (sizeof set - 1)];
	return NULL;
}

/* dgit_fs_tmpfile_beside choosing the name itself, told before. */
static const struct dgit_error *
tmpfile_beside_told(char **tmp, int *fd, const char *dest,
    void (*told)(void *arg, const char *path, int made), void *arg)
{
	const struct dgit_error *err;

	*tmp = NULL;
	*fd = -1;
	for (int tries = 0; tries < 100; tries++) {
		char *t;

		if ((t = beside_template(dest)) == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		if ((err = randomize(t)) != NULL) {
			free(t);
			return err;
		}
		told(arg, t, 1);
		*fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, umasked(0666));
		if (*fd >= 0) {
			*tmp = t;
			return NULL;
		}
		told(arg, t, 0);
		free(t);
		if (errno != EEXIST)
			return dgit_error_from_errno("cannot create a "
			    "temporary file for '%s'", dest);
	}
	return dgit_error_fmt(DGIT_ERR_EXISTS, "cannot find a free temporary "
	    "name for '%s'", dest);
}

const struct dgit_error *
dgit_fs_write_file_atomic_told(const char *path, const void *data,
    size_t len, mode_t mode,
    void (*told)(void *arg, const char *path, int made), void *arg)
{
	const struct dgit_error *err;
	char *tmp = NULL;
	int fd = -1;

	if ((err = told ? tmpfile_beside_told(&tmp, &fd, path, told, arg) :
	    dgit_fs_tmpfile_beside(&tmp, &fd, path)))
		return err;
	if (mode && fchmod(fd, umasked(mode)) != 0) {
		err = dgit_error_from_errno("cannot chmod '%s'", tmp);
		goto done;
	}
	if ((err = dgit_fs_write_all(fd, data, len, tmp)))
		goto done;
	if (fsync(fd) != 0 && errno != EINVAL) {
		err = dgit_error_from_errno("cannot write '%s'", tmp);
		goto done;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = dgit_error_from_errno("cannot write '%s'", tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		err = dgit_error_from_errno("cannot rename '%s' to '%s'", tmp,
		    path);
done:
	if (fd >= 0)
		close(fd);
	if (err)
		unlink(tmp);
	if (told)
		told(arg, tmp, 0);
	free(tmp);
	return err;
}

const struct dgit_error *
dgit_fs_mkdirs(const char *path)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return dgit_error_fmt(DGIT_ERR_USAGE, "bad directory name '%s'",
		    path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return dgit_error_from_errno(
				    "cannot create directory '%s'", buf);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return NULL;
}

/* Remove dirfd/name, path naming it in messages. */
static const struct dgit_error *
rm_tree(int dirfd, const char *name, const char *path)
{
	const struct dgit_error *err = NULL;
	struct dirent *de;
	DIR *d;
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return NULL;
	if (errno != EISDIR && errno != EPERM)
		return dgit_error_from_errno("cannot remove '%s'", path);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return dgit_error_from_errno("cannot open '%s'", path);
	d = fdopendir(fd);
	if (d == NULL) {
		err = dgit_error_from_errno("cannot open '%s'", path);
		close(fd);
		return err;
	}
	while (err == NULL && (de = readdir(d)) != NULL) {
		char *sub;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) < 0) {
			err = dgit_error(DGIT_ERR_NOMEM);
			break;
		}
		err = rm_tree(fd, de->d_name, sub);
		free(sub);
	}
	closedir(d);
	if (err == NULL && unlinkat(dirfd, name, AT_REMOVEDIR) != 0 &&
	    errno != ENOENT)
		err = dgit_error_from_errno("cannot remove '%s'", path);
	return err;
}

const struct dgit_error *
dgit_fs_remove_tree(const char *path)
{
	return rm_tree(AT_FDCWD, path, path);
}

const struct dgit_error *
dgit_fs_tmpdir_beside(char **out, const char *target)
{
	const struct dgit_error *err;
	struct stat st;
	char *p;

	*out = NULL;
	if (lstat(target, &st) == 0)
		return dgit_error_fmt(DGIT_ERR_EXISTS,
		    "'%s' already exists; choose another directory or remove it",
		    target);
	if ((p = beside_template(target)) == NULL)
		return dgit_error(DGIT_ERR_NOMEM);
	if (mkdtemp(p) == NULL) {
		err = dgit_error_from_errno("cannot create a directory beside "
		    "'%s'", target);
		free(p);
		return err;
	}
	*out = p;
	return NULL;
}

const struct dgit_error *
dgit_fs_mkdtemp(char **out, const char *dir, const char *prefix)
{
	const struct dgit_error *err;

	*out = NULL;
	if (dir == NULL) {
		dir = getenv("TMPDIR");
		if (dir == NULL || dir[0] != '/')
			dir = "/tmp";
	}
	if (asprintf(out, "%s/%s.XXXXXX", dir, prefix) < 0) {
		*out = NULL;
		return dgit_error(DGIT_ERR_NOMEM);
	}
	if (mkdtemp(*out) == NULL) {
		err = dgit_error_from_errno("cannot create a temporary "
		    "directory in '%s'", dir);
		free(*out);
		*out = NULL;
		return err;
	}
	return NULL;
}

const struct dgit_error *
dgit_fs_mkdtemp_told(char **out, const char *dir, const char *prefix,
    void (*told)(void *arg, const char *path, int made), void *arg)
{
	const struct dgit_error *err;

	*out = NULL;
	for (int tries = 0; tries < 100; tries++) {
		char *p;

		if (asprintf(&p, "%s/%s.XXXXXX", dir, prefix) < 0)
			return dgit_error(DGIT_ERR_NOMEM);
		if ((err = randomize(p)) != NULL) {
			free(p);
			return err;
		}
		if (told)
			told(arg, p, 1);
		if (mkdir(p, 0700) == 0) {
			*out = p;
			return NULL;
		}
		if (told)
			told(arg, p, 0);
		if (errno != EEXIST) {
			err = dgit_error_from_errno("cannot create a "
			    "temporary directory in '%s'", dir);
			free(p);
			return err;
		}
		free(p);
	}
	errno = EEXIST;
	return dgit_error_from_errno("cannot create a temporary directory "
	    "in '%s'", dir);
}

const struct dgit_error *
dgit_fs_exchange(const char *a, const char *b, const char *spare)
{
	if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
		return NULL;
	if (errno != EINVAL && errno != ENOSYS)
		return dgit_error_from_errno("cannot exchange '%s' and '%s'",
		    a, b);
	if (rename(b, spare) == -1)
		return dgit_error_from_errno("cannot rename '%s'", b);
	if (rename(a, b) == -1)
		return dgit_error_from_errno("cannot rename '%s'", a);
	if (rename(spare, a) == -1)
		return dgit_error_from_errno("cannot rename '%s'", spare);
	return NULL;
}

const struct dgit_error *
dgit_fs_rename_noreplace(const char *tmp, const char *target)
{
	struct stat st;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
		return NULL;
	if (errno == EEXIST)
		return dgit_error_fmt(DGIT_ERR_EXISTS,
		    "'%s' appeared while working; not replacing it", target);
	if (errno != EINVAL && errno != ENOSYS)
		return dgit_error_from_errno("cannot rename '%s' to '%s'", tmp,
		    target);
	/* A file system without RENAME_NOREPLACE: check, then rename. */
	if (lstat(target, &st) == 0)
		return dgit_error_fmt(DGIT_ERR_EXISTS,
		    "'%s' appeared while working; not replacing it", target);
	if (rename(tmp, target) != 0)
		return dgit_error_from_errno("cannot rename '%s' to '%s'", tmp,
		    target);
	return NULL;
}

/* Copy src into a new temporary file beside dest; *tmp is the caller's. */
static const struct dgit_error *
copy_to_tmp(char **tmp, const char *dest, const char *src)
{
	const struct dgit_error *err;
	char buf[65536];
	int in, fd = -1;

	*tmp = NULL;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return dgit_error_from_errno("cannot open '%s'", src);
	if ((err = dgit_fs_tmpfile_beside(tmp, &fd, dest)))
		goto done;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = dgit_error_from_errno("cannot read '%s'", src);
			goto done;
		}
		if (n == 0)
			break;
		if ((err = dgit_fs_write_all(fd, buf, (size_t)n, *tmp)))
			goto done;
	}
	if (close(fd) != 0)
		err = dgit_error_from_errno("cannot write '%s'", *tmp);
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	close(in);
	if (err && *tmp) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return err;
}

const struct dgit_error *
dgit_fs_copy_file(const char *dest, const char *src)
{
	const struct dgit_error *err;
	char *tmp;

	if ((err = copy_to_tmp(&tmp, dest, src)))
		return err;
	if (rename(tmp, dest) != 0) {
		err = dgit_error_from_errno("cannot rename '%s' to '%s'", tmp,
		    dest);
		unlink(tmp);
	}
	free(tmp);
	return err;
}

const struct dgit_error *
dgit_fs_link_or_copy(const char *src, const char *dst)
{
	const struct dgit_error *err;
	char *tmp;

	if (link(src, dst) == 0)
		return NULL;
	if (errno == EEXIST)
		return dgit_error_fmt(DGIT_ERR_EXISTS, "'%s' exists", dst);
	if ((err = copy_to_tmp(&tmp, dst, src)))
		return err;
	if ((err = dgit_fs_rename_noreplace(tmp, dst)))
		unlink(tmp);
	free(tmp);
	return err;
}

static const char *
kind_of(mode_t m)
{
	if (S_ISFIFO(m))
		return "a fifo";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a plain file";
}

const struct dgit_error *
dgit_fs_open_regular(int *fd, uint64_t *size, const char *path,
    const char *what)
{
	struct stat st;
	int f, fl;

	*fd = -1;
	if (size)
		*size = 0;
	f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (f < 0) {
		if (errno == ENOENT)
			return dgit_error_fmt(DGIT_ERR_NOT_FOUND, "'%s' does "
			    "not exist", what);
		return dgit_error_from_errno("cannot open '%s'", what);
	}
	if (fstat(f, &st) != 0) {
		close(f);
		return dgit_error_from_errno("cannot stat '%s'", what);
	}
	if (!S_ISREG(st.st_mode)) {
		close(f);
		return dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "'%s' is not a "
		    "regular file (it is %s); put the file itself there",
		    what, kind_of(st.st_mode));
	}
	fl = fcntl(f, F_GETFL);
	if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(f);
		return dgit_error_from_errno("cannot open '%s'", what);
	}
	if (size)
		*size = (uint64_t)st.st_size;
	*fd = f;
	return NULL;
}
