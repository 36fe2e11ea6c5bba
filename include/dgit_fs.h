/*
 * File-system plumbing (got's got_path.h / got_opentemp.h are the model):
 * reading with a cap, atomic writes, mkdir -p, a remove-tree that never
 * follows a symlink, temporary files and directories made securely
 * (mkstemp/mkdtemp: 0600/0700, unpredictable names), renaming into place
 * without replacing, link-or-copy.
 *
 * Temporary names beside a target are "DIR/.NAME.dgit-XXXXXX", in the
 * target's own directory, so the final rename never crosses a file
 * system.  Every function that fails removes what it made.
 */
#ifndef DGIT_FS_H
#define DGIT_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dgit_error.h"

/*
 * Read a whole file into *out (caller frees; NUL-terminated, *len bytes).
 * DGIT_ERR_NOT_FOUND when it does not exist, DGIT_ERR_LIMIT when it is
 * longer than max (0: no cap), DGIT_ERR_ERRNO otherwise.
 */
const struct dgit_error *dgit_fs_read_file(char **out, size_t *len,
    const char *path, size_t max);

/*
 * Open path for reading only if it is a regular file (following
 * symlinks, checked with fstat on the descriptor itself; a fifo is
 * opened without blocking, so it cannot hang the caller).  *fd is the
 * caller's to close, in blocking mode; *size gets the file's size when
 * size is not NULL.  what names the file in messages.  Errors:
 * DGIT_ERR_NOT_FOUND, DGIT_ERR_UNSAFE_PATH (a fifo, device, directory,
 * socket: "is not a regular file"), DGIT_ERR_ERRNO.
 */
const struct dgit_error *dgit_fs_open_regular(int *fd, uint64_t *size,
    const char *path, const char *what);

/* write(2) all of buf, retrying on EINTR; path names fd in messages. */
const struct dgit_error *dgit_fs_write_all(int fd, const void *buf,
    size_t len, const char *path);

/*
 * Replace path with data: a temporary file beside it, written, fsync'd
 * and renamed over path, so a reader sees the old file or the new one and
 * a crash leaves one of them.  mode 0: 0666 less the umask.
 */
const struct dgit_error *dgit_fs_write_file_atomic(const char *path,
    const void *data, size_t len, mode_t mode);

/*
 * The same, telling told the temporary file's path with made 1 before it
 * is created and with made 0 once it is gone (renamed onto path or
 * removed), so that a caller removing it on a signal has no moment when
 * it exists untold.  told NULL: dgit_fs_write_file_atomic.
 */
const struct dgit_error *dgit_fs_write_file_atomic_told(const char *path,
    const void *data, size_t len, mode_t mode,
    void (*told)(void *arg, const char *path, int made), void *arg);

/* mkdir -p with mode 0755 (less the umask); existing directories are fine. */
const struct dgit_error *dgit_fs_mkdirs(const char *path);

/*
 * rm -rf path: symlinks are removed, never followed (each directory is
 * opened with O_NOFOLLOW relative to its parent); a missing path is fine.
 */
const struct dgit_error *dgit_fs_remove_tree(const char *path);

/*
 * A new, empty directory beside target ("DIR/.TARGET.dgit-XXXXXX") for
 * work that will be renamed onto target.  *out is caller-owned (free()).
 * DGIT_ERR_EXISTS when target exists already.
 */
const struct dgit_error *dgit_fs_tmpdir_beside(char **out, const char *target);

/*
 * A new temporary file beside dest, open for writing (O_CLOEXEC) with
 * mode 0666 less the umask, ready to be renamed onto dest.  *tmp is
 * caller-owned (free()); the caller closes *fd and unlinks *tmp if it
 * gives up.
 */
const struct dgit_error *dgit_fs_tmpfile_beside(char **tmp, int *fd,
    const char *dest);

/*
 * A new private directory (0700) "DIR/PREFIX.XXXXXX"; dir NULL: $TMPDIR
 * when absolute, else /tmp.  *out is caller-owned (free()).
 */
const struct dgit_error *dgit_fs_mkdtemp(char **out, const char *dir,
    const char *prefix);

/*
 * The same, telling told its path with made 1 just before the directory
 * is made (and with made 0 if it then is not), so that a caller removing
 * it on a signal has no moment when it exists untold.
 */
const struct dgit_error *dgit_fs_mkdtemp_told(char **out, const char *dir,
    const char *prefix, void (*told)(void *arg, const char *path, int made),
    void *arg);

/*
 * Exchange two paths (directories) atomically where the kernel can, so
 * that neither name ever goes missing, else in three renames through
 * spare (which must not exist).
 */
const struct dgit_error *dgit_fs_exchange(const char *a, const char *b,
    const char *spare);

/*
 * Rename tmp to target, atomically refusing (DGIT_ERR_EXISTS) when target
 * exists, even as an empty directory, which rename(2) would replace.
 */
const struct dgit_error *dgit_fs_rename_noreplace(const char *tmp,
    const char *target);

/* Copy src onto dest (replacing it) through a temporary file beside it. */
const struct dgit_error *dgit_fs_copy_file(const char *dest, const char *src);

/*
 * Make dst (which must not exist: DGIT_ERR_EXISTS) hold src's bytes: a
 * hard link, else (another file system, no links) a copy made beside dst
 * and renamed into place.
 */
const struct dgit_error *dgit_fs_link_or_copy(const char *src, const char *dst);

#endif
