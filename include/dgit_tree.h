/*
 * The in-memory tree model used by the import: path -> (mode, blob id),
 * with directories as nodes so that empty directories and dropped entries
 * still count for dpkg-source's placement rules, and written out as
 * nested git trees.  Tree ids of unchanged directories are cached, so
 * writing the tree again after a patch touched a few files only writes the
 * directories on the changed paths.
 *
 * Paths are relative, '/'-separated, without empty, "." or ".."
 * components (see dgit_tree_check_path).
 */
#ifndef DGIT_TREE_H
#define DGIT_TREE_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"
#include "dgit_pack.h"

#define DGIT_TREE_DIR     0040000u
#define DGIT_TREE_BLOB    0100644u
#define DGIT_TREE_EXEC    0100755u
#define DGIT_TREE_LINK    0120000u
/* A ".git" entry dropped on input: counts as an entry for placement
 * rules, is never written, and nothing may be written into or over it. */
#define DGIT_TREE_DROPPED 0000001u

/*
 * The deepest a file may be (the number of components of its path), as
 * git's core.maxTreeDepth (4096 by default): git refuses deeper trees, so
 * dgit_tree_set and dgit_tree_mkdir refuse them with
 * DGIT_ERR_UNREPRESENTABLE.  Nothing here recurses as deep as a path.
 */
#define DGIT_TREE_MAX_DEPTH 4096u

struct dgit_tree;                  /* opaque */

/* An empty tree.  Free with dgit_tree_free. */
const struct dgit_error *dgit_tree_new(struct dgit_tree **out);
void dgit_tree_free(struct dgit_tree *t);

/*
 * Check that path is a relative path git can hold: DGIT_ERR_UNSAFE_PATH
 * for absolute paths, empty, "." and ".." components; a component that is
 * ".git" under another spelling git refuses to check out (".GIT",
 * ".git.", "git~1", ...) gives DGIT_ERR_UNREPRESENTABLE.  A component
 * that is exactly ".git" is accepted here (callers drop it).
 */
const struct dgit_error *dgit_tree_check_path(const char *path);
/* Index of the first component of path that is exactly ".git", as a byte
 * offset of its start, or -1. */
long dgit_tree_dotgit_offset(const char *path);

/*
 * Add or replace the file at path (mode DGIT_TREE_BLOB, _EXEC or _LINK),
 * creating missing parent directories.  Fails with DGIT_ERR_UNSAFE_PATH
 * when a parent is a symlink, a file or a dropped entry, or when path
 * itself is a dropped entry; with DGIT_ERR_PARSE when path is an existing
 * directory and replace_dir is 0 (with replace_dir 1 the directory is
 * removed first).
 */
const struct dgit_error *dgit_tree_set(struct dgit_tree *t, const char *path,
    unsigned mode, const git_oid *oid, int replace_dir);
/* Make sure path is a directory (parents created).  An existing file
 * there is an error, as is a parent that is not a directory. */
const struct dgit_error *dgit_tree_mkdir(struct dgit_tree *t,
    const char *path);
/* Mark path as a dropped ".git" entry (replacing whatever is there). */
const struct dgit_error *dgit_tree_set_dropped(struct dgit_tree *t,
    const char *path);

/*
 * Look path up.  *mode is 0 when nothing is there, DGIT_TREE_DIR for a
 * directory, or the entry's mode; *oid is set for files.  A parent that is
 * a symlink gives DGIT_ERR_UNSAFE_PATH (a patch must not write through
 * it); one that is a dropped entry too.  oid may be NULL.
 */
const struct dgit_error *dgit_tree_get(const struct dgit_tree *t,
    const char *path, unsigned *mode, git_oid *oid);

/* Remove the entry or whole directory at path; nothing there is fine. */
const struct dgit_error *dgit_tree_remove(struct dgit_tree *t,
    const char *path);

/*
 * dpkg-source's rule for an unpacked tarball: when the top level holds
 * exactly one entry and it is a directory (not a symlink), that directory
 * becomes the top level.  Returns 1 when it stripped, and then *name (if
 * not NULL) gets the stripped directory's name (caller frees), else 0.
 */
int dgit_tree_strip_single(struct dgit_tree *t, char **name);

/*
 * Put sub's contents at directory prefix of t ("" for the top level), the
 * way dpkg-source moves an in-place extraction: a directory over a
 * directory merges, anything else replaces.  sub is consumed (freed).
 */
const struct dgit_error *dgit_tree_overlay(struct dgit_tree *t,
    const char *prefix, struct dgit_tree *sub);

/* Number of files (blobs and symlinks) in the tree. */
size_t dgit_tree_nfiles(const struct dgit_tree *t);

/*
 * 1 when t holds only what a git tree can (no empty directory below the
 * top level, no entry dropped), so that dgit_tree_add_git of the tree
 * dgit_tree_write makes of it gives t back; else 0.
 */
int dgit_tree_is_git(const struct dgit_tree *t);

/*
 * Write the tree's directories as git trees into pack (unchanged ones are
 * not written again) and give the top-level tree's id.  Empty directories
 * are left out; the top level is written even when empty.
 */
const struct dgit_error *dgit_tree_write(git_oid *out, struct dgit_tree *t,
    struct dgit_pack *pack);

/*
 * Add the git tree tree_id of repo under directory prefix of t ("" for the
 * top level), entry by entry (blobs are referred to, not read).  A
 * submodule (gitlink) entry is DGIT_ERR_UNREPRESENTABLE naming its path;
 * DGIT_ERR_GIT when the tree cannot be read.
 */
const struct dgit_error *dgit_tree_add_git(struct dgit_tree *t,
    const char *prefix, git_repository *repo, const git_oid *tree_id);

/* Callback for dgit_tree_foreach: path is borrowed for the call. */
typedef const struct dgit_error *(*dgit_tree_cb)(const char *path,
    unsigned mode, const git_oid *oid, void *arg);
/* Every file in path order (by name, depth first); a non-NULL return
 * from cb stops the walk and is returned. */
const struct dgit_error *dgit_tree_foreach(const struct dgit_tree *t,
    dgit_tree_cb cb, void *arg);

#endif
