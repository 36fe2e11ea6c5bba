/* Unit tests for the file-system plumbing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dgit_fs.h"
#include "unit.h"

static char base[] = "/tmp/dgit-test-fs.XXXXXX";

static const char *
at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", base, name);
	return buf[i];
}

static void
spew(const char *path, const char *s)
{
	FILE *fp = fopen(path, "wb");

	if (fp) {
		fputs(s, fp);
		fclose(fp);
	}
}

/* Names in dir other than . and .., for "nothing left behind". */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

struct read_case {
	const char *name;
	const char *content;       /* NULL: the file does not exist */
	size_t max;
	enum dgit_error_code code;
};

static const struct read_case read_cases[] = {
	{ "plain", "hello\n", 0, DGIT_ERR_OK },
	{ "empty", "", 0, DGIT_ERR_OK },
	{ "exactly the cap", "12345", 5, DGIT_ERR_OK },
	{ "one over the cap", "123456", 5, DGIT_ERR_LIMIT },
	{ "missing", NULL, 0, DGIT_ERR_NOT_FOUND },
};

static void
test_read(void)
{
	const struct dgit_error *err;
	char *buf, *big;
	size_t len, bigsz = 300000;
	FILE *fp;

	for (size_t i = 0; i < sizeof read_cases / sizeof read_cases[0]; i++) {
		const struct read_case *c = &read_cases[i];
		const char *p = at("read");

		unlink(p);
		if (c->content)
			spew(p, c->content);
		err = dgit_fs_read_file(&buf, &len, p, c->max);
		unit_ok((err ? err->code : DGIT_ERR_OK) == c->code,
		    "read_file %s: code", c->name);
		if (c->code == DGIT_ERR_OK)
			unit_ok(buf && len == strlen(c->content) &&
			    memcmp(buf, c->content, len) == 0 && buf[len] == '\0',
			    "read_file %s: contents", c->name);
		else
			unit_ok(buf == NULL && len == 0,
			    "read_file %s: nothing returned", c->name);
		free(buf);
	}
	/* Bigger than any first guess, with NUL bytes inside. */
	big = malloc(bigsz);
	for (size_t i = 0; i < bigsz; i++)
		big[i] = (char)(i % 251);
	fp = fopen(at("big"), "wb");
	fwrite(big, 1, bigsz, fp);
	fclose(fp);
	err = dgit_fs_read_file(&buf, &len, at("big"), 0);
	unit_ok(err == NULL && len == bigsz && memcmp(buf, big, bigsz) == 0,
	    "read_file of 300000 bytes with NULs");
	free(buf);
	/* A pipe has no size to go by: the cap still holds. */
	err = dgit_fs_read_file(&buf, &len, "/dev/zero", 100000);
	unit_ok(err && err->code == DGIT_ERR_LIMIT && buf == NULL,
	    "read_file of an endless file stops at the cap");
	err = dgit_fs_read_file(&buf, &len, base, 0);
	unit_ok(err && err->code == DGIT_ERR_ERRNO, "read_file of a directory");
	free(big);
}

static void
test_write(void)
{
	const struct dgit_error *err;
	struct stat st;
	char *buf;
	size_t len;
	mode_t old = umask(022);

	mkdir(at("w"), 0777);
	err = dgit_fs_write_file_atomic(at("w/f"), "one\n", 4, 0);
	unit_ok(err == NULL && stat(at("w/f"), &st) == 0 &&
	    (st.st_mode & 07777) == 0644, "write_file_atomic creates, 0666 "
	    "less the umask");
	err = dgit_fs_write_file_atomic(at("w/f"), "two", 3, 0755);
	unit_ok(err == NULL && dgit_fs_read_file(&buf, &len, at("w/f"), 0) ==
	    NULL && len == 3 && memcmp(buf, "two", 3) == 0,
	    "write_file_atomic replaces");
	free(buf);
	unit_ok(stat(at("w/f"), &st) == 0 && (st.st_mode & 07777) == 0755,
	    "write_file_atomic takes the mode given");
	unit_ok(entries(at("w")) == 1, "no temporary file left after writing");
	err = dgit_fs_write_file_atomic(at("nodir/f"), "x", 1, 0);
	unit_ok(err && err->code == DGIT_ERR_ERRNO && strstr(err->msg, "nodir/f"),
	    "write_file_atomic into a missing directory names the file");
	umask(old);
}

/* What a mkdtemp_told or pack callback was told, and whether the path
 * existed at that moment. */
struct told {
	char path[4096];
	int made, existed, calls;
};
static struct told told;

static void
told_cb(void *arg, const char *path, int made)
{
	struct told *t = arg;
	struct stat st;

	snprintf(t->path, sizeof t->path, "%s", path);
	t->made = made;
	t->existed = stat(path, &st) == 0;
	t->calls++;
}

static void
test_dirs(void)
{
	const struct dgit_error *err;
	struct stat st;
	char *tmp = NULL;

	err = dgit_fs_mkdirs(at("a/b/c"));
	unit_ok(err == NULL && stat(at("a/b/c"), &st) == 0 && S_ISDIR(st.st_mode),
	    "mkdirs makes every level");
	unit_ok(dgit_fs_mkdirs(at("a/b/c")) == NULL, "mkdirs of an existing "
	    "directory is fine");
	spew(at("a/file"), "x");
	err = dgit_fs_mkdirs(at("a/file/sub"));
	unit_ok(err && err->code == DGIT_ERR_ERRNO && strstr(err->msg, "a/file"),
	    "mkdirs through a file fails, naming it");
	err = dgit_fs_mkdirs("");
	unit_ok(err && err->code == DGIT_ERR_USAGE, "mkdirs of ''");

	/* remove_tree: depth, a symlink to a directory outside. */
	mkdir(at("outside"), 0777);
	spew(at("outside/keep"), "keep");
	symlink(at("outside"), at("a/b/link"));
	symlink("/nonexistent", at("a/b/c/dangling"));
	spew(at("a/b/c/f"), "f");
	mkdir(at("a/b/d"), 0777);
	spew(at("a/b/d/f"), "f");
	err = dgit_fs_remove_tree(at("a"));
	unit_ok(err == NULL && lstat(at("a"), &st) != 0,
	    "remove_tree removes everything");
	unit_ok(stat(at("outside/keep"), &st) == 0,
	    "remove_tree does not follow a symlink");
	unit_ok(dgit_fs_remove_tree(at("a")) == NULL,
	    "remove_tree of a missing path is fine");
	symlink(at("outside"), at("toplink"));
	err = dgit_fs_remove_tree(at("toplink"));
	unit_ok(err == NULL && lstat(at("toplink"), &st) != 0 &&
	    stat(at("outside/keep"), &st) == 0,
	    "remove_tree of a symlink removes only the link");

	/* tmpdir_beside + rename_noreplace. */
	err = dgit_fs_tmpdir_beside(&tmp, at("outside"));
	unit_ok(err && err->code == DGIT_ERR_EXISTS && tmp == NULL,
	    "tmpdir_beside refuses an existing target");
	err = dgit_fs_tmpdir_beside(&tmp, at("new"));
	unit_ok(err == NULL && tmp && strstr(tmp, "/.new.dgit-") &&
	    stat(tmp, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "tmpdir_beside makes a private hidden directory beside the target");
	mkdir(at("new"), 0777);
	err = dgit_fs_rename_noreplace(tmp, at("new"));
	unit_ok(err && err->code == DGIT_ERR_EXISTS && stat(tmp, &st) == 0,
	    "rename_noreplace refuses even an empty directory");
	rmdir(at("new"));
	err = dgit_fs_rename_noreplace(tmp, at("new"));
	unit_ok(err == NULL && stat(at("new"), &st) == 0 && stat(tmp, &st) != 0,
	    "rename_noreplace renames into place");
	free(tmp);
	err = dgit_fs_rename_noreplace(at("missing"), at("new2"));
	unit_ok(err && err->code == DGIT_ERR_ERRNO, "rename of a missing file");

	err = dgit_fs_mkdtemp(&tmp, base, "work");
	unit_ok(err == NULL && tmp && strncmp(tmp, at("work."), strlen(at("work.")))
	    == 0 && stat(tmp, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "mkdtemp makes a private directory with the prefix");
	free(tmp);
	err = dgit_fs_mkdtemp(&tmp, at("missing"), "work");
	unit_ok(err && tmp == NULL, "mkdtemp in a missing directory fails");

	memset(&told, 0, sizeof told);
	err = dgit_fs_mkdtemp_told(&tmp, base, "told", told_cb, &told);
	unit_ok(err == NULL && tmp && told.made == 1 && told.existed == 0 &&
	    strcmp(told.path, tmp) == 0 && stat(tmp, &st) == 0 &&
	    (st.st_mode & 0777) == 0700,
	    "mkdtemp_told tells the path before the directory exists");
	free(tmp);
	memset(&told, 0, sizeof told);
	err = dgit_fs_mkdtemp_told(&tmp, at("missing"), "told", told_cb, &told);
	unit_ok(err && tmp == NULL && told.calls == 2 && told.made == 0,
	    "mkdtemp_told takes back what it told when it cannot make it");
}

static void
test_copy(void)
{
	const struct dgit_error *err;
	struct stat st, st2;
	char *buf = NULL, *tmp = NULL;
	size_t len;
	int fd;

	mkdir(at("c"), 0777);
	spew(at("c/src"), "source bytes");
	err = dgit_fs_copy_file(at("c/copy"), at("c/src"));
	unit_ok(err == NULL && dgit_fs_read_file(&buf, &len, at("c/copy"), 0) ==
	    NULL && strcmp(buf, "source bytes") == 0, "copy_file copies");
	free(buf);
	spew(at("c/src2"), "other");
	err = dgit_fs_copy_file(at("c/copy"), at("c/src2"));
	unit_ok(err == NULL && dgit_fs_read_file(&buf, &len, at("c/copy"), 0) ==
	    NULL && strcmp(buf, "other") == 0, "copy_file replaces");
	free(buf);
	err = dgit_fs_copy_file(at("c/copy3"), at("c/nosuch"));
	unit_ok(err && lstat(at("c/copy3"), &st) != 0 && entries(at("c")) == 3,
	    "copy_file of a missing source leaves nothing");

	err = dgit_fs_link_or_copy(at("c/src"), at("c/link"));
	unit_ok(err == NULL && stat(at("c/src"), &st) == 0 &&
	    stat(at("c/link"), &st2) == 0 && st.st_ino == st2.st_ino,
	    "link_or_copy links on the same file system");
	err = dgit_fs_link_or_copy(at("c/src"), at("c/link"));
	unit_ok(err && err->code == DGIT_ERR_EXISTS,
	    "link_or_copy refuses an existing destination");
	/* /dev/shm is another file system here: the copy path. */
	if (stat("/dev/shm", &st) == 0 && st.st_dev != st2.st_dev) {
		char shm[64];

		snprintf(shm, sizeof shm, "/dev/shm/dgit-test-fs.%ld",
		    (long)getpid());
		unlink(shm);
		err = dgit_fs_link_or_copy(at("c/src"), shm);
		unit_ok(err == NULL && dgit_fs_read_file(&buf, &len, shm, 0) ==
		    NULL && strcmp(buf, "source bytes") == 0,
		    "link_or_copy copies across file systems");
		free(buf);
		err = dgit_fs_link_or_copy(at("c/src"), shm);
		unit_ok(err && err->code == DGIT_ERR_EXISTS,
		    "link_or_copy across file systems refuses an existing file");
		unlink(shm);
	}

	err = dgit_fs_tmpfile_beside(&tmp, &fd, at("c/dest"));
	unit_ok(err == NULL && fd >= 0 && strstr(tmp, "/c/.dest.dgit-") &&
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC), "tmpfile_beside: hidden, "
	    "close-on-exec");
	unit_ok(dgit_fs_write_all(fd, "abc", 3, tmp) == NULL,
	    "write_all");
	close(fd);
	unlink(tmp);
	free(tmp);
	err = dgit_fs_tmpfile_beside(&tmp, &fd, at("nodir/dest"));
	unit_ok(err && tmp == NULL && fd == -1,
	    "tmpfile_beside in a missing directory fails cleanly");
}

int
main(void)
{
	if (mkdtemp(base) == NULL)
		return 1;
	test_read();
	test_write();
	test_dirs();
	test_copy();
	unit_ok(dgit_fs_remove_tree(base) == NULL && access(base, F_OK) != 0,
	    "clean up");
	return unit_done();
}
