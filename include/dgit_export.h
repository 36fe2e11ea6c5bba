/*
 * A git tree written out as plain files, as dpkg-source is to see it
 * (what `git archive | tar x` gives): files 0644 or 0755 whatever the
 * umask, symlinks as they are, directories 0755.  Nothing is written
 * through a symlink or over an existing file.
 */
#ifndef DGIT_EXPORT_H
#define DGIT_EXPORT_H

#include <git2.h>

#include "dgit_error.h"

/*
 * Make the directory dir (which must not exist; its parent must) and
 * write tree_id of repo into it.  A submodule fails with
 * DGIT_ERR_UNREPRESENTABLE (a source package cannot hold one).  On
 * failure dir is left half-written: the caller removes it.
 */
const struct dgit_error *dgit_export_tree(git_repository *repo,
    const git_oid *tree_id, const char *dir);

#endif
