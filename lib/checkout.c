/*
 * Writing a tree into an empty work tree, as git's checkout does, without
 * libgit2's per-file machinery; see dgit_checkout.h.
 *
 * Three phases, so that nothing is ever written through a symlink: every
 * directory first (mkdir only, in the tree's order), then the regular
 * files by two threads (open with O_EXCL|O_NOFOLLOW, so a name that exists
 * twice fails instead of being overwritten), then the symlinks.  A symlink
 * made last cannot be a path component of anything this checkout writes.
 * The index is then built from the entries and the stat data of what was
 * written, in the tree's order (which is the index's), so that git status
 * finds every file clean without reading it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "dgit_checkout.h"
#include "dgit_gitpath.h"
#include "dgit_pack.h"
#include "dgit_packfile.h"
#include "dgit_tree.h"

#define PATH_CAP 4096
/* cap on the entries of one tree walked (a tree from a server is untrusted) */
#define ENTRIES_MAX ((size_t)16 << 20)
#define WORKERS 2
/* a blob up to this is read whole (as libgit2's checkout reads each);
 * a larger one is streamed (dgit_pack_reader_repo_new) in PIECEs */
#define WHOLE_MAX ((size_t)8 << 20)
#define PIECE ((size_t)1 << 20)

struct co_file {
	char *path;
	git_oid id;
	git_filemode_t mode;
	struct stat st;
};

struct co {
	git_repository *repo;
	git_odb *odb;
	struct dgit_packfiles *pf;   /* read first: no libgit2 lock */
	int wfd;
	struct co_file *files;
	size_t n, cap;
	/* the directory made last, relative, with its trailing '/' */
	char lastdir[PATH_CAP];
	size_t lastdirlen;
	const struct dgit_error *err;
	/* phase two: a worker's error, copied out of its thread's ring */
	enum dgit_error_code werr_code;
	char werr_msg[1024];
	atomic_size_t next;
	atomic_int failed;
	pthread_mutex_t lock;
};

/* A component git would not check out: "", ".", "..", ".git" in any case. */
static int
bad_name(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strcasecmp(name, ".git") == 0 ||
	    strchr(name, '/') != NULL;
}

/* mkdir each component of dir ("a/b/") not made already. */
static const struct dgit_error *
make_dirs(struct co *c, const char *dir, size_t len)
{
	char p[PATH_CAP];
	size_t i = 0;

	if (len >= sizeof p)
		return dgit_error_fmt(DGIT_ERR_LIMIT, "path too long: '%s'",
		    dir);
	/* the components shared with the last directory exist */
	while (i < len && i < c->lastdirlen && dir[i] == c->lastdir[i])
		i++;
	while (i > 0 && dir[i - 1] != '/')
		i--;
	memcpy(p, dir, len);
	p[len] = '\0';
	for (; i < len; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (mkdirat(c->wfd, p, 0777) != 0 && errno != EEXIST)
			return dgit_error_from_errno("cannot make the directory "
			    "'%s' of the work tree", p);
		p[i] = '/';
	}
	memcpy(c->lastdir, dir, len);
	c->lastdirlen = len;
	return NULL;
}

static int
walk_cb(const char *root, const git_tree_entry *e, void *arg)
{
	struct co *c = arg;
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	size_t rl = strlen(root), nl = strlen(name);
	struct co_file *f;

	if (bad_name(name)) {
		c->err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH, "refusing to "
		    "check out '%s%s': git never writes such a path", root,
		    name);
		return -1;
	}
	if (rl + nl + 2 > PATH_CAP) {
		c->err = dgit_error_fmt(DGIT_ERR_LIMIT, "path too long to "
		    "check out: '%s%s'", root, name);
		return -1;
	}
	{
		/* and git's own rules (NTFS, HFS+, .gitmodules symlinks) */
		char full[PATH_CAP];
		const char *why;

		memcpy(full, root, rl);
		memcpy(full + rl, name, nl + 1);
		if ((why = dgit_gitpath_refusal(full, mode ==
		    GIT_FILEMODE_LINK ? DGIT_TREE_LINK : 0)) != NULL) {
			c->err = dgit_error_fmt(DGIT_ERR_UNSAFE_PATH,
			    "refusing to check out '%s': %s", full, why);
			return -1;
		}
	}
	if (mode == GIT_FILEMODE_TREE)
		return 0;	/* made when a file in it is, as git does */
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE &&
	    mode != GIT_FILEMODE_LINK && mode != GIT_FILEMODE_COMMIT) {
		c->err = dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "cannot "
		    "check out '%s%s': unknown mode %o", root, name,
		    (unsigned)mode);
		return -1;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 1024;
		struct co_file *nf;

		if (ncap > ENTRIES_MAX ||
		    (nf = realloc(c->files, ncap * sizeof *nf)) == NULL) {
			c->err = ncap > ENTRIES_MAX ? dgit_error_fmt(
			    DGIT_ERR_LIMIT, "tree too large to check out") :
			    dgit_error(DGIT_ERR_NOMEM);
			return -1;
		}
		c->files = nf;
		c->cap = ncap;
	}
	f = &c->files[c->n];
	memset(f, 0, sizeof *f);
	if ((f->path = malloc(rl + nl + 1)) == NULL) {
		c->err = dgit_error(DGIT_ERR_NOMEM);
		return -1;
	}
	memcpy(f->path, root, rl);
	memcpy(f->path + rl, name, nl + 1);
	git_oid_cpy(&f->id, git_tree_entry_id(e));
	f->mode = mode;
	c->n++;
	if (rl && (c->err = make_dirs(c, root, rl)))
		return -1;
	/* a gitlink is an empty directory, as git checks it out */
	if (mode == GIT_FILEMODE_COMMIT && mkdirat(c->wfd, f->path, 0777) != 0) {
		c->err = dgit_error_from_errno("cannot make the directory '%s' "
		    "of the work tree", f->path);
		return -1;
	}
	return 0;
}

static const struct dgit_error *
write_all(int fd, const char *p, size_t n, const char *path)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return dgit_error_from_errno("cannot write '%s' of the "
			    "work tree", path);
		p += w;
		n -= (size_t)w;
	}
	return NULL;
}

/* f's blob of size bytes into fd, in pieces (see WHOLE_MAX). */
static const struct dgit_error *
write_streamed(struct co *c, struct co_file *f, int fd, uint64_t size)
{
	const struct dgit_error *err;
	struct dgit_pack_reader *r = NULL;
	git_object_t type;
	uint64_t rsize, have = 0;
	char *buf = NULL;
	size_t got;

	if ((err = dgit_pack_reader_repo_new(&r, &type, &rsize, c->repo,
	    &f->id)))
		return dgit_error_wrap(err, "cannot read the blob of '%s'",
		    f->path);
	if (type != GIT_OBJECT_BLOB || rsize != size) {
		err = dgit_error_fmt(DGIT_ERR_GIT, "the blob of '%s' changed "
		    "while it was read", f->path);
		goto done;
	}
	if ((buf = malloc(PIECE)) == NULL) {
		err = dgit_error(DGIT_ERR_NOMEM);
		goto done;
	}
	while (have < size) {
		if ((err = dgit_pack_reader_read(r, buf, PIECE, &got))) {
			err = dgit_error_wrap(err, "cannot read the blob of "
			    "'%s'", f->path);
			goto done;
		}
		if (got == 0) {
			err = dgit_error_fmt(DGIT_ERR_GIT, "the blob of '%s' is "
			    "shorter than its size", f->path);
			goto done;
		}
		if ((err = write_all(fd, buf, got, f->path)))
			goto done;
		have += got;
	}
done:
	free(buf);
	dgit_pack_reader_free(r);
	return err;
}

static const struct dgit_error *
write_file(struct co *c, struct co_file *f)
{
	const struct dgit_error *err = NULL;
	git_odb_object *obj = NULL;
	git_object_t type;
	size_t size;
	void *data = NULL;
	int fd = -1, found;

	if ((err = dgit_packfiles_read(&found, &data, &size, &type, c->pf,
	    &f->id, WHOLE_MAX)))
		return dgit_error_wrap(err, "cannot read the blob of '%s'",
		    f->path);
	if (found && type != GIT_OBJECT_BLOB) {
		free(data);
		return dgit_error_fmt(DGIT_ERR_GIT, "'%s' is not a blob in the "
		    "tree", f->path);
	}
	if (!found && git_odb_read_header(&size, &type, c->odb, &f->id) != 0)
		return dgit_error_git("cannot read the blob of '%s'", f->path);
	if (type != GIT_OBJECT_BLOB)
		return dgit_error_fmt(DGIT_ERR_GIT, "'%s' is not a blob in the "
		    "tree", f->path);
	if (!found && size <= WHOLE_MAX &&
	    git_odb_read(&obj, c->odb, &f->id) != 0)
		return dgit_error_git("cannot read the blob of '%s'", f->path);
	if (obj != NULL && git_odb_object_type(obj) != GIT_OBJECT_BLOB) {
		err = dgit_error_fmt(DGIT_ERR_GIT, "'%s' is not a blob in the "
		    "tree", f->path);
		goto done;
	}
	fd = openat(c->wfd, f->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, f->mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0777 : 0666);
	if (fd < 0) {
		err = dgit_error_from_errno("cannot create '%s' in the work "
		    "tree", f->path);
		goto done;
	}
	if (found)
		err = write_all(fd, data, size, f->path);
	else if (obj != NULL)
		err = write_all(fd, git_odb_object_data(obj),
		    git_odb_object_size(obj), f->path);
	else
		err = write_streamed(c, f, fd, size);
	if (err)
		goto done;
	if (fstat(fd, &f->st) != 0)
		err = dgit_error_from_errno("cannot stat '%s'", f->path);
done:
	if (fd >= 0 && close(fd) != 0 && err == NULL)
		err = dgit_error_from_errno("cannot write '%s' of the work "
		    "tree", f->path);
	git_odb_object_free(obj);
	free(data);
	return err;
}

static void *
worker(void *arg)
{
	struct co *c = arg;
	size_t i;

	while (!atomic_load(&c->failed) &&
	    (i = atomic_fetch_add(&c->next, 1)) < c->n) {
		struct co_file *f = &c->files[i];
		const struct dgit_error *err;

		if (f->mode != GIT_FILEMODE_BLOB &&
		    f->mode != GIT_FILEMODE_BLOB_EXECUTABLE)
			continue;
		if ((err = write_file(c, f)) == NULL)
			continue;
		pthread_mutex_lock(&c->lock);
		if (c->werr_code == DGIT_ERR_OK) {
			c->werr_code = err->code;
			snprintf(c->werr_msg, sizeof c->werr_msg, "%s",
			    err->msg);
		}
		pthread_mutex_unlock(&c->lock);
		atomic_store(&c->failed, 1);
	}
	return NULL;
}

static const struct dgit_error *
write_files(struct co *c)
{
	pthread_t th[WORKERS - 1];
	size_t started = 0;

	atomic_store(&c->next, 0);
	atomic_store(&c->failed, 0);
	/* libgit2's object database locks itself (threading.md), when built so */
	if (git_libgit2_features() & GIT_FEATURE_THREADS)
		for (; started < WORKERS - 1 && c->n > 64; started++)
			if (pthread_create(&th[started], NULL, worker, c) != 0)
				break;
	worker(c);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (c->werr_code != DGIT_ERR_OK)
		return dgit_error_fmt(c->werr_code, "%s", c->werr_msg);
	return NULL;
}

static const struct dgit_error *
write_links_and_dirs(struct co *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct co_file *f = &c->files[i];
		git_odb_object *obj = NULL;
		const char *data;
		size_t len;
		git_object_t type;
		char target[PATH_CAP];

		if (f->mode == GIT_FILEMODE_COMMIT) {
			if (fstatat(c->wfd, f->path, &f->st,
			    AT_SYMLINK_NOFOLLOW) != 0)
				return dgit_error_from_errno("cannot stat '%s'",
				    f->path);
			continue;
		}
		if (f->mode != GIT_FILEMODE_LINK)
			continue;
		/* the target's length first: a blob of any size can sit there */
		if (git_odb_read_header(&len, &type, c->odb, &f->id) != 0)
			return dgit_error_git("cannot read the blob of '%s'",
			    f->path);
		if (type != GIT_OBJECT_BLOB || len == 0 || len >= sizeof target)
			return dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
			    "cannot check out the symlink '%s': its target is "
			    "empty, too long or holds a NUL", f->path);
		if (git_odb_read(&obj, c->odb, &f->id) != 0)
			return dgit_error_git("cannot read the blob of '%s'",
			    f->path);
		data = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
		if (git_odb_object_type(obj) != GIT_OBJECT_BLOB || len == 0 ||
		    len >= sizeof target || memchr(data, '\0', len)) {
			git_odb_object_free(obj);
			return dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE,
			    "cannot check out the symlink '%s': its target is "
			    "empty, too long or holds a NUL", f->path);
		}
		memcpy(target, data, len);
		target[len] = '\0';
		git_odb_object_free(obj);
		if (symlinkat(target, c->wfd, f->path) != 0)
			return dgit_error_from_errno("cannot make the symlink "
			    "'%s' in the work tree", f->path);
		if (fstatat(c->wfd, f->path, &f->st, AT_SYMLINK_NOFOLLOW) != 0)
			return dgit_error_from_errno("cannot stat '%s'",
			    f->path);
	}
	return NULL;
}

static const struct dgit_error *
write_index(struct co *c)
{
	const struct dgit_error *err = NULL;
	git_index *idx = NULL;

	if (git_repository_index(&idx, c->repo) != 0)
		return dgit_error_git("cannot open the index");
	if (git_index_clear(idx) != 0) {
		err = dgit_error_git("cannot clear the index");
		goto done;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct co_file *f = &c->files[i];
		git_index_entry e;

		memset(&e, 0, sizeof e);
		e.ctime.seconds = (int32_t)f->st.st_ctim.tv_sec;
		e.ctime.nanoseconds = (uint32_t)f->st.st_ctim.tv_nsec;
		e.mtime.seconds = (int32_t)f->st.st_mtim.tv_sec;
		e.mtime.nanoseconds = (uint32_t)f->st.st_mtim.tv_nsec;
		e.dev = (uint32_t)f->st.st_dev;
		e.ino = (uint32_t)f->st.st_ino;
		e.mode = f->mode;
		e.uid = (uint32_t)f->st.st_uid;
		e.gid = (uint32_t)f->st.st_gid;
		e.file_size = f->mode == GIT_FILEMODE_COMMIT ? 0 :
		    (uint32_t)f->st.st_size;
		git_oid_cpy(&e.id, &f->id);
		e.path = f->path;
		if (git_index_add(idx, &e) != 0) {
			err = dgit_error_git("cannot add '%s' to the index",
			    f->path);
			goto done;
		}
	}
	if (git_index_write(idx) != 0)
		err = dgit_error_git("cannot write the index");
done:
	git_index_free(idx);
	return err;
}

/* 1 when the directory holds nothing but ".git". */
static int
only_dotgit(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int only = 1;

	if (d == NULL)
		return 0;
	while (only && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, ".git"))
			only = 0;
	closedir(d);
	return only;
}

const struct dgit_error *
dgit_checkout_fresh(int *done, git_repository *repo, const git_tree *tree)
{
	const struct dgit_error *err = NULL;
	const char *wd = git_repository_workdir(repo);
	git_index *idx = NULL;
	struct co c;

	*done = 0;
	if (wd == NULL || !only_dotgit(wd))
		return NULL;
	if (git_repository_index(&idx, repo) != 0)
		return dgit_error_git("cannot open the index");
	if (git_index_entrycount(idx) != 0) {
		git_index_free(idx);
		return NULL;
	}
	git_index_free(idx);
	memset(&c, 0, sizeof c);
	c.repo = repo;
	c.wfd = -1;
	pthread_mutex_init(&c.lock, NULL);
	if (git_repository_odb(&c.odb, repo) != 0) {
		err = dgit_error_git("cannot open the object database");
		goto done;
	}
	if ((err = dgit_packfiles_open(&c.pf, repo)))
		goto done;
	if ((c.wfd = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err = dgit_error_from_errno("cannot open the work tree '%s'",
		    wd);
		goto done;
	}
	*done = 1;
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &c) != 0) {
		if (c.err == NULL)
			c.err = dgit_error_git("cannot walk the tree");
		err = c.err;
		goto done;
	}
	if ((err = write_files(&c)) || (err = write_links_and_dirs(&c)))
		goto done;
	err = write_index(&c);
done:
	for (size_t i = 0; i < c.n; i++)
		free(c.files[i].path);
	free(c.files);
	if (c.wfd >= 0)
		close(c.wfd);
	git_odb_free(c.odb);
	dgit_packfiles_free(c.pf);
	pthread_mutex_destroy(&c.lock);
	return err;
}
