/*
 * The quilt fixup of a `3.0 (quilt)' package whose debian/source/options
 * says single-debian-patch, made as dgit makes it: dpkg-source itself
 * writes the one patch.  HEAD's tree is exported beside the origs with
 * debian/patches removed, `dpkg-source --include-removal -b .' (with
 * dgit's ignores: .git alone, so .gitignore changes count) builds a
 * source package of it (dpkg-source -b makes debian/patches/debian-changes,
 * headed by debian/source/patch-header when there is one, and refuses
 * what it cannot represent, in its own words), `dpkg-source -x' unpacks
 * that, and its debian/patches replaces HEAD's.  dpkg-source -b's output
 * goes to ours, as dgit shows it.
 */
#ifndef DGIT_SINGLEPATCH_H
#define DGIT_SINGLEPATCH_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

/*
 * 1 when the text of debian/source/options names single-debian-patch as
 * dgit reads that file: comment lines and blank lines skipped, trailing
 * white space dropped, the option's name being what comes before a '#'
 * (and the white space before it), if any.  text may be NULL (no file).
 */
int dgit_singlepatch_wanted(const char *text);

struct dgit_singlepatch_opts {
	const char *source;        /* the changelog's Source */
	const char *version;       /* the changelog's Version */
	const char *origs_dir;     /* where the origs are */
	const char *const *origs;  /* their names there, norigs of them */
	size_t norigs;
	const char *dpkg_source;   /* the program; NULL: "dpkg-source" */
};

/*
 * *out: tree (of repo) with debian/patches as dpkg-source -b made it for
 * single-debian-patch (no debian/patches at all when nothing differs
 * from the origs).  The work is done in a temporary directory in repo's
 * git directory, removed on every return.  Errors: DGIT_ERR_CHILD (a
 * dpkg-source run failed; it has said why), DGIT_ERR_UNREPRESENTABLE
 * (a submodule; anything but plain files in the new debian/patches),
 * DGIT_ERR_LIMIT (a patch over 1 GiB), DGIT_ERR_NOT_FOUND (no .dsc made).
 */
const struct dgit_error *dgit_singlepatch_tree(git_oid *out,
    git_repository *repo, const git_oid *tree,
    const struct dgit_singlepatch_opts *opts);

#endif
