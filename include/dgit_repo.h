/*
 * Setting up a git repository the way dgit does (dgit setup-new-tree).
 * The file-system steps of making one safely are in dgit_fs.h.
 */
#ifndef DGIT_REPO_H
#define DGIT_REPO_H

#include <git2.h>

#include "dgit_config.h"
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

/*
 * *unsafe = 1 when .git/info/attributes has no proper dgit-defuse-attrs
 * macro and commit's tree holds a non-empty .gitattributes anywhere (dgit's
 * check_gitattrs: the caller warns that the checkout may differ from the
 * tree).  Fails when the commit or its tree cannot be read.
 */
const struct dgit_error *dgit_repo_gitattrs_unsafe(int *unsafe,
    git_repository *repo, const git_oid *commit);

/* Configure dpkg-mergechangelogs as the merge driver for debian/changelog. */
const struct dgit_error *dgit_repo_setup_mergechangelogs(git_repository *repo);

/* Set user.name / user.email in the repository's config; NULL skips. */
const struct dgit_error *dgit_repo_setup_useremail(git_repository *repo,
    const char *name, const char *email);

/*
 * dgit setup-new-tree: each of gitattributes, the changelog merge driver
 * and user.name/user.email unless the distro's config turns it off
 * (see dgit_repo_setup_new_tree, which does this and more).
 */
const struct dgit_error *dgit_repo_setup_tree(git_repository *repo,
    const struct dgit_config *cfg, const char *distro);

/*
 * user.name and user.email as dgit sets them: dgit-distro.DISTRO.user-name
 * and .user-email, else $DEBFULLNAME and $DEBEMAIL; unset ones skipped.
 */
const struct dgit_error *dgit_repo_setup_useremail_config(
    git_repository *repo, const struct dgit_config *cfg, const char *distro);

/*
 * A new tree's set-up, as dgit clone does it, each step unless the
 * distro's config turns it off (dgit-distro.DISTRO.setup-gitattributes,
 * .setup-mergechangelogs, .setup-useremail, each default true):
 * gitattributes, the changelog merge driver, user.name and user.email
 * (dgit-distro.DISTRO.user-name / .user-email, else $DEBFULLNAME /
 * $DEBEMAIL); and remote.dgit.skipdefaultupdate = true.
 */
const struct dgit_error *dgit_repo_setup_new_tree(git_repository *repo,
    const struct dgit_config *cfg, const char *distro);

/*
 * Point HEAD at refs/heads/BRANCH, set that branch to commit, and check
 * out its tree into the (empty) working directory, forcing.  When
 * .git/info/attributes is only dgit's defusing setup, the checkout skips
 * libgit2's per-file attribute lookups and filters (they could change
 * nothing); otherwise the attributes apply as usual.
 */
const struct dgit_error *dgit_repo_checkout_new_branch(git_repository *repo,
    const char *branch, const git_oid *commit);

#endif
