/*
 * The tar import: a tarball (plain, or compressed as its first bytes
 * say) through dgit_unpack_tarball into the tree model and a pack in a
 * throwaway repository, then dpkg-source's placement (strip a single top
 * directory) and the tree writer, as the import does.  The input is
 * written to a file in a private directory on a memory file system
 * (under $FUZZ_TMPDIR, else /dev/shm when there is one) because the unpacker reads a named file
 * and picks the decompressor by the name, as dpkg-source does; the pack is
 * never finished, so nothing lands in the repository.  Laws: a tree
 * that unpacks holds only paths the tree model accepts, and it writes.
 */
#include "fuzz.h"

#include <unistd.h>

#include <git2.h>

#include "dgit_fs.h"
#include "dgit_pack.h"
#include "dgit_tree.h"
#include "dgit_unpack.h"

static char *dir;
static git_repository *repo;

static void
cleanup(void)
{
	if (repo)
		git_repository_free(repo);
	if (dir)
		(void)dgit_fs_remove_tree(dir);
	free(dir);
}

static void
setup(void)
{
	const char *base = getenv("FUZZ_TMPDIR") ? getenv("FUZZ_TMPDIR") :
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char path[4096];

	git_libgit2_init();
	if (dgit_fs_mkdtemp(&dir, base, "dgit-fuzz-unpack") != NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof path, "%s/repo", dir);
	if (git_repository_init(&repo, path, 1) != 0)
		abort();
}

static const char *
suffix(const uint8_t *d, size_t n)
{
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return ".tar.gz";
	if (n >= 3 && memcmp(d, "BZh", 3) == 0)
		return ".tar.bz2";
	if (n >= 6 && memcmp(d, "\xfd" "7zXZ\0", 6) == 0)
		return ".tar.xz";
	if (n >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0)
		return ".tar.zst";
	if (n >= 3 && d[0] == 0x5d && d[1] == 0 && d[2] == 0)
		return ".tar.lzma";
	return ".tar";
}

static void
ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)strlen(msg);
}

static const struct dgit_error *
check_path(const char *path, unsigned mode, const git_oid *oid, void *arg)
{
	(void)oid;
	(void)arg;
	if (dgit_tree_check_path(path) != NULL)
		fuzz_fail("the tree holds '%s', which it refuses", path);
	if (mode != DGIT_TREE_BLOB && mode != DGIT_TREE_EXEC &&
	    mode != DGIT_TREE_LINK)
		fuzz_fail("'%s' has mode %o", path, mode);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dgit_unpack_opts opts;
	struct dgit_tree *t = NULL;
	struct dgit_pack *pack = NULL;
	char path[4200];
	git_oid oid;
	FILE *fp;

	if (repo == NULL)
		setup();
	snprintf(path, sizeof path, "%s/in%s", dir, suffix(data, size));
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	memset(&opts, 0, sizeof opts);
	opts.max_entries = 20000;
	opts.max_bytes = 64u << 20;
	opts.fixperms = size & 1;
	opts.exclude_pc = (size & 2) != 0;
	opts.warn = ignore;
	if (dgit_tree_new(&t) != NULL ||
	    dgit_pack_new(&pack, repo, 1, 0, NULL, NULL) != NULL)
		abort();
	if (dgit_unpack_tarball(t, pack, path, "fuzz", &opts) == NULL) {
		char *top = NULL;

		if (dgit_tree_foreach(t, check_path, NULL) != NULL)
			abort();
		if (dgit_tree_strip_single(t, &top))
			free(top);
		if (dgit_tree_write(&oid, t, pack) != NULL)
			fuzz_fail("an unpacked tree does not write");
		(void)dgit_tree_nfiles(t);
	}
	dgit_tree_free(t);
	dgit_pack_free(pack);
	unlink(path);
	return 0;
}
