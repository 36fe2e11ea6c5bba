/*
 * Setting up a git repository the way dgit does (dgit setup-new-tree),
 * and the file-system steps of making one safely: a temporary directory
 * beside the target, renamed into place only when everything worked.
 */
#ifndef DGIT_REPO_H
#define DGIT_REPO_H

#include <git2.h>

#include "dgit_error.h"

/* The macro dgit puts in .git/info/attributes (see GITATTRIBUTES in dgit(7)). */
#define DGIT_DEFUSE_ATTRS \
	"-text -eol -crlf -ident -filter -working-tree-encoding"

/*
 * Make .git/info/attributes defuse every transforming attribute for all
 * files, keeping other lines; does nothing when a proper
 * [attr]dgit-defuse-attrs line is already there.  The file is replaced
 * atomically.
 */
const struct dgit_error *dgit_repo_setup_gitattrs(git_repository *repo);

/* Configure dpkg-mergechangelogs as the merge driver for debian/changelog. */
const struct dgit_error *dgit_repo_setup_mergechangelogs(git_repository *repo);

/* Set user.name / user.email in the repository's config; NULL skips. */
const struct dgit_error *dgit_repo_setup_useremail(git_repository *repo,
    const char *name, const char *email);

/*
 * Point HEAD at refs/heads/BRANCH, set that branch to commit, and check
 * out its tree into the (empty) working directory, forcing.
 */
const struct dgit_error *dgit_repo_checkout_new_branch(git_repository *repo,
    const char *branch, const git_oid *commit);

/*
 * Create a fresh directory beside target ("DIR/.TARGET.dgit-XXXXXX") for
 * work that will be renamed onto target.  *out is caller-owned (free()).
 * Fails with DGIT_ERR_EXISTS when target exists already.
 */
const struct dgit_error *dgit_fs_tmpdir_beside(char **out, const char *target);

/* Rename tmp to target, refusing (DGIT_ERR_EXISTS) if target appeared. */
const struct dgit_error *dgit_fs_rename_noreplace(const char *tmp,
    const char *target);

/*
 * Read a whole file into *out (caller frees; NUL-terminated, *len bytes).
 * DGIT_ERR_NOT_FOUND when it does not exist, DGIT_ERR_LIMIT when it is
 * longer than max (0: no cap).
 */
const struct dgit_error *dgit_fs_read_file(char **out, size_t *len,
    const char *path, size_t max);

/* Remove path and everything below it (does not follow symlinks). */
const struct dgit_error *dgit_fs_remove_tree(const char *path);

#endif
