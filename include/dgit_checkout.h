/*
 * A tree written into an empty work tree without libgit2's per-file
 * checkout machinery: the files as git checks them out when no attribute
 * transforms them (blob bytes, 0666 or 0777 less the umask, symlinks,
 * gitlinks as empty directories, no directory without a file), written by
 * two threads, and the index built from the tree with the stat data of
 * what was written, so that git status is clean without reading a file.
 */
#ifndef DGIT_CHECKOUT_H
#define DGIT_CHECKOUT_H

#include <git2.h>

#include "dgit_error.h"

/*
 * Check out tree into repo's work tree when that holds nothing but .git
 * and the index is empty (*done = 1); otherwise do nothing (*done = 0)
 * and the caller checks out as usual.  The caller has made sure that no
 * attribute applies (see dgit_repo_checkout_new_branch).  A name git
 * never writes (".", "..", ".git" in any case) fails with
 * DGIT_ERR_UNSAFE_PATH; a name present twice fails.  Nothing is written
 * through a symlink.  On failure (*done = 1) the work tree is left
 * half-written: the caller removes it (clone works in a temporary
 * directory).  A blob up to 8 MiB is read whole, one per thread at a
 * time, as libgit2's checkout does: from the mapped pack where it is
 * stored whole (dgit_packfile.h: no lock, so both threads work), else by
 * libgit2; a larger one is written in pieces (dgit_pack_reader_repo_new:
 * memory stays bounded whatever its size).
 */
const struct dgit_error *dgit_checkout_fresh(int *done,
    git_repository *repo, const git_tree *tree);

#endif
