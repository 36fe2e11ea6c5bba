/*
 * Stream a source package tarball (.tar, .tar.{gz,bz2,xz,lzma,zst})
 * through libarchive into a tree model, each file's bytes written
 * straight into an object database as a blob: no working tree, each
 * tarball decompressed once, on a thread of its own (bounded slots of
 * 256 KiB between it and the caller), so that decompressing and the
 * pack's hashing and deflating use different CPUs; xz goes through
 * liblzma's threaded decoder, which splits a multi-block file over the
 * CPUs while its buffers fit in 40 MiB.  Memory does not grow with the
 * size of a file: one over a few MiB is streamed into the pack in pieces
 * (dgit_pack_stream_new), and a sparse file's holes are zeros up to its
 * full size, as tar writes them.  The tarball must be a regular file
 * (a fifo or device is DGIT_ERR_UNSAFE_PATH, before anything is read).
 *
 * Entries land in the tree as the tarball names them (leading "./"
 * removed); dpkg-source's placement rules (strip a single top-level
 * directory, debian/ replaced, orig-COMP under COMP/) are the caller's,
 * with dgit_tree_strip_single and dgit_tree_overlay.
 */
#ifndef DGIT_UNPACK_H
#define DGIT_UNPACK_H

#include <stdint.h>

#include <git2.h>

#include "dgit_error.h"
#include "dgit_pack.h"
#include "dgit_tree.h"

#define DGIT_UNPACK_MAX_ENTRIES_DEFAULT 2000000u
#define DGIT_UNPACK_MAX_BYTES_DEFAULT (16ull << 30)

struct dgit_unpack_opts {
	/* Caps (0 = the defaults above); exceeding one is DGIT_ERR_LIMIT. */
	uint64_t max_entries;
	uint64_t max_bytes;        /* sum of the sizes of the files (it
	                            * bounds disk and time, not memory) */
	/*
	 * dpkg-source "fixperms" (chmod -R u+X,g+X,o+X after tar, which
	 * dpkg-source 1.21 does for every tarball, origs too, and Perl
	 * dgit's +rwX as well): a file is executable when any execute bit
	 * is set.  Without it, only the owner's execute bit counts.
	 */
	int fixperms;
	/* Skip ".pc" and "DIR/.pc" as dpkg-source does for 3.0 origs. */
	int exclude_pc;
	/* Told about each ".git" entry dropped (message borrowed). */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
	/*
	 * With from_fd, dgit_unpack_tarball reads the tarball from fd (a
	 * pipe or socket the caller feeds; it stays the caller's to close)
	 * instead of opening path, which then only names its compression.
	 */
	int from_fd;
	int fd;
};

/*
 * Unpack the tarball at path into t (which may already hold entries: the
 * tarball's entries are added over them, as tar would).  what names the
 * tarball in messages.  Errors: DGIT_ERR_ARCHIVE (corrupt or not a
 * tarball of the compression its name says), DGIT_ERR_UNSAFE_PATH
 * (absolute path, "..", writing through a symlink, a hard link to nothing),
 * DGIT_ERR_UNREPRESENTABLE (device files, fifos, sockets, ".GIT"-like
 * names), DGIT_ERR_LIMIT, DGIT_ERR_GIT.  On error t holds a partial
 * result and blobs may have been written; the caller discards both.
 */
const struct dgit_error *dgit_unpack_tarball(struct dgit_tree *t,
    struct dgit_pack *pack, const char *path, const char *what,
    const struct dgit_unpack_opts *opts);

/*
 * dpkg-source's check after an extraction (check_directory_traversal on
 * "DIR/", DIR being "debian"): nothing reached from dir, following
 * symlinks as find -L does (into the directories they lead to inside the
 * tree), may resolve outside the source root, except to /dev/null.  A
 * symlink whose way is missing a directory is skipped, as realpath's
 * ENOENT is.  DGIT_ERR_UNSAFE_PATH naming the path and where it leads, or
 * one that cannot be resolved (a loop, a file in the way); DGIT_ERR_LIMIT
 * past 4096 directories reached through symlinks.  Symlink targets are
 * read from pack (or its repository).
 */
const struct dgit_error *dgit_unpack_check_escapes(const struct dgit_tree *t,
    struct dgit_pack *pack, const char *dir);

#endif
