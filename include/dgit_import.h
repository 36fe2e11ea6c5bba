/*
 * The import engine: a source package (.dsc and its files) becomes git
 * history whose final tree equals what `dpkg-source -x` unpacks, minus
 * .pc/ and minus any .git entries (dropped with a warning), in the shape
 * dgit gives it:
 *
 *   - a parentless commit per orig tarball (main and orig-COMP)
 *     "Import F" / "[dgit import orig F]", author and date from the oldest
 *     changelog entry with this upstream version, so the same tarball
 *     gives the same commit in every upload that uses it;
 *   - 3.0 (quilt): a commit of the debian tarball ("[dgit import tarball
 *     ...]"), a patches-unapplied commit whose parents are the tarball
 *     commits ("[dgit import unpatched ...]"), then one commit per patch in
 *     the series, author and subject from its DEP-3 header (else the
 *     Maintainer and the patch name);
 *   - 1.0 with a .diff.gz: one commit on top of the orig commit;
 *   - native: one parentless commit ("[dgit import package ...]").
 * (import-dsc's pseudomerge onto an existing branch is dgit_history's.)
 *
 * Author, committer and dates come from debian/changelog (in UTC), so the
 * same .dsc gives the same commit ids anywhere.  All objects go into one
 * new pack; no ref is touched (the caller updates refs).
 */
#ifndef DGIT_IMPORT_H
#define DGIT_IMPORT_H

#include <git2.h>

#include "dgit_dsc.h"
#include "dgit_error.h"
#include "dgit_vendorseries.h"
#include "dgit_pack.h"
#include "dgit_unpack.h"

struct dgit_import_opts {
	struct dgit_unpack_opts unpack;    /* caps and the .git warning */
	int level;                 /* zlib level for objects, -1 default */
	int threads;               /* compression threads, -1 default */
	/* Do not check the files' sizes and SHA-256 against the .dsc. */
	int no_checksums;
	/*
	 * 3.0 (quilt) only: take debian/ from this git tree of repo
	 * instead of a debian tarball, which the .dsc then need not list
	 * (no tarball commit is made for it).  This gives the tree
	 * dpkg-source -x would make of the origs with a branch's debian/
	 * directory: the quilt fixup's patches-applied base.
	 */
	const git_oid *debian_tree;
	/*
	 * With debian_tree: stack the patch commits on this commit of repo
	 * (a patches-unapplied branch whose tree is the unpatched import's)
	 * instead of on tarball and unpatched commits, which are then not
	 * made: the dgit view of the splitting quilt modes, as gbp pq
	 * import makes it.
	 */
	const git_oid *patch_parent;
	/*
	 * Orig tarballs imported before (3.0 (quilt) only), so that one
	 * command unpacks each once.  Before an orig (main or component)
	 * is unpacked, orig_lookup is asked for the tree an import made of
	 * the file at path: its "[dgit import orig]" commit's tree (the
	 * tarball with dpkg-source's fixperms, its single top-level
	 * directory stripped); 1 with *tree set: that tree, which must be
	 * in repo, is used instead.  sha256 and size are the .dsc's for
	 * the file, which the import checks before its objects are made
	 * visible; sha256 NULL (no_checksums): the file's own are wanted.
	 * Once the import has succeeded (its objects in repo), orig_record
	 * is told the tree of each orig it unpacked whose tree model a git
	 * tree holds whole (no empty directories).  NULL: none.
	 */
	int (*orig_lookup)(void *arg, git_oid *tree, const char *path,
	    const char *sha256, uint64_t size);
	void (*orig_record)(void *arg, const char *path, const git_oid *tree);
	void *orig_arg;
	/* Progress lines ("unpacking X", ...); borrowed message. */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
	/*
	 * Told the path of the pack's temporary file (see dgit_pack_new)
	 * with made 1 before it exists, and after the pack is finished or
	 * removed, with made 0, so the caller can remove it (and its
	 * ".idx") when interrupted; NULL: not told.
	 */
	dgit_pack_tmpfile_fn *tmpfile;
	void *tmpfile_arg;
	/*
	 * 3.0 (quilt): refuse a package with an active distro-specific
	 * series file for one of these vendors (dgit_vendorseries.h), as
	 * dgit refuses to import one.  Borrowed; NULL: no check.
	 */
	const struct dgit_vendorseries_check *vendor_checks;
	size_t nvendor_checks;
};

struct dgit_import_result {
	git_oid commit;            /* the final commit */
	git_oid import;            /* the same (kept for callers) */
	git_oid tree;              /* its tree */
	git_oid unpatched;         /* 3.0 (quilt): the tree before the
	                              patches (zero otherwise) */
	size_t npatches;
	size_t nobjects;           /* objects written to the pack */
};

/*
 * Import dsc, whose files are in directory dir, into repo.  opts may be
 * NULL.  Errors name the file, entry, patch and hunk concerned; on error
 * nothing is added to the repository.
 */
const struct dgit_error *dgit_import_dsc(struct dgit_import_result *out,
    git_repository *repo, const struct dgit_dsc *dsc, const char *dir,
    const struct dgit_import_opts *opts);

/*
 * Files that arrive while the import runs (dgit_import_dsc_arriving).
 * wait is called on the import's thread before the import reads a file
 * of the .dsc (name), and returns when the file is at DIR/name, whole
 * and its size and SHA-256 checked (*fd -1); or, only when fd is not
 * NULL (a tarball) and the file is still arriving, at once with *fd a
 * descriptor (a pipe or socket) that gives its bytes in order, which the
 * import closes.  With name NULL (fd NULL), once the import is complete
 * and before any of its objects is made visible: returns when every file
 * is whole and verified, with an error if any is not or if a stream's
 * bytes were not the verified file's.  An error from wait ends the
 * import: nothing is added to the repository.
 */
struct dgit_import_arrival {
	const struct dgit_error *(*wait)(void *arg, const char *name, int *fd);
	void *arg;
};

/*
 * As dgit_import_dsc, with the files arriving (arr) while it runs: each
 * is read once wait says it is there; the .dsc's digests of a whole file
 * are checked before it is read, of a streamed one once it is whole,
 * before the import's pack is made visible.
 */
const struct dgit_error *dgit_import_dsc_arriving(
    struct dgit_import_result *out, git_repository *repo,
    const struct dgit_dsc *dsc, const char *dir,
    const struct dgit_import_opts *opts,
    const struct dgit_import_arrival *arr);

#endif
