/*
 * git -> source package: dgit build-source.  Quilt fixup (committed on
 * HEAD), then dpkg-source -b of a clean export of HEAD's tree (or of the
 * working tree with include_dirty), dpkg-genchanges -S, and the check at
 * the heart of it: the built .dsc, imported by our own import engine into
 * the repository's object database, must have exactly the git tree
 * (paths, contents, modes).  A package that fails the check is removed
 * and never reaches the build products directory.
 *
 * Clean modes say what is done about files git does not track: the
 * package is built from an export, so nothing needs cleaning; "git" and
 * "dpkg-source" modes (and "check") refuse untracked files that are not
 * ignored, naming them ("check,ignores" likewise; "all-check" refuses
 * ignored ones too), ",no-check" and "none" do not look, and
 * "git,always" / "git-ff,always" run git clean -xdf (-xdff).
 */
#ifndef DGIT_SRCBUILD_H
#define DGIT_SRCBUILD_H

#include <git2.h>

#include "dgit_error.h"
#include "dgit_quiltfix.h"

enum dgit_clean_mode {
	DGIT_CLEAN_GIT,
	DGIT_CLEAN_GIT_FF,
	DGIT_CLEAN_GIT_ALWAYS,
	DGIT_CLEAN_GIT_FF_ALWAYS,
	DGIT_CLEAN_CHECK,
	DGIT_CLEAN_CHECK_IGNORES,
	DGIT_CLEAN_NONE,
	DGIT_CLEAN_DPKG_SOURCE,
	DGIT_CLEAN_DPKG_SOURCE_D,
	DGIT_CLEAN_DPKG_SOURCE_NOCHECK,
	DGIT_CLEAN_DPKG_SOURCE_D_NOCHECK,
	DGIT_CLEAN_DPKG_SOURCE_ALLCHECK,
	DGIT_CLEAN_DPKG_SOURCE_D_ALLCHECK,
};

/* "git", "git-ff,always", "check,ignores", "dpkg-source-d,no-check"...;
 * -1 when unknown. */
int dgit_srcbuild_clean_parse(const char *s);

/*
 * Check the working tree before a build: changes to tracked files are
 * DGIT_ERR_DIRTY naming the paths (unless include_dirty); untracked
 * files as the clean mode says (above), also DGIT_ERR_DIRTY naming them:
 * what "git clean -dn" (with -x when ignored files count) would remove,
 * as dgit finds them; ",always" runs "git clean -xdf" (-xdff) instead.
 * git the program is opts->git in dgit_srcbuild_build.
 */
const struct dgit_error *dgit_srcbuild_check_tree(git_repository *repo,
    enum dgit_clean_mode mode, int include_dirty);

/* --split-view: whether the dgit view is made beside HEAD. */
enum dgit_split_view {
	DGIT_SPLIT_VIEW_AUTO,      /* in the splitting quilt modes only */
	DGIT_SPLIT_VIEW_ALWAYS,    /* linear modes too: HEAD never moves */
	DGIT_SPLIT_VIEW_NEVER,     /* splitting modes are DGIT_ERR_USAGE */
};

struct dgit_srcbuild_opts {
	enum dgit_quilt_mode quilt_mode;
	enum dgit_split_view split_view;
	/* --dgit-view-save: a branch (refs/heads/ added unless it starts
	 * with refs/) set to the dgit view; NULL: none.  Borrowed. */
	const char *dgit_view_save;
	/* --upstream-commitish (dgit_quiltfix_opts); borrowed, may be NULL */
	const char *upstream_commitish;
	/* --gbp-pq (dgit_quiltfix_opts); borrowed, may be NULL */
	const char *gbp_pq;
	enum dgit_clean_mode clean_mode;
	int include_dirty;
	/*
	 * The caller has just refreshed the index and found no tracked
	 * change (dgit's check of a command that needs a clean tree), and
	 * nothing has run in the working tree since: the check does not
	 * run git update-index and git status again, only what the clean
	 * mode looks at besides (untracked files).
	 */
	int tracked_clean;
	const char *bpd;           /* build products directory ("..") */
	const char *dgit_version;
	/*
	 * Extra dpkg-genchanges options, in order, after -S (dgit's -v from
	 * the archive, -m, --ch:OPTION); borrowed; may be NULL.
	 */
	const char *const *genchanges_opts;
	size_t ngenchanges_opts;
	/*
	 * 1: a built package that is not the git tree is kept, as dgit
	 * keeps it (its push refuses it), and the result's mismatch says
	 * how it differs; 0: it is refused and removed.
	 */
	int keep_mismatch;
	/* Progress lines (borrowed); may be NULL. */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
	/* git the program for the working tree's check (--git=); NULL:
	 * "git".  Borrowed. */
	const char *git;
	/*
	 * For removal when interrupted (NULL: not told): tmpfile is told
	 * each temporary pack (dgit_pack_new's); told is told, with made 1
	 * before it exists and made 0 once it is gone or complete, the
	 * build directory BPD/.dgit-build.XXXXXX and each built file moved
	 * into BPD (made 0 for those once the whole set is there).
	 */
	dgit_pack_tmpfile_fn *tmpfile;
	void *tmpfile_arg;
	void (*told)(void *arg, const char *path, int made);
	void *told_arg;
	/* Called (with told_arg) with on 1 before HEAD and the working
	 * tree move to the quilt fixup and with 0 after, so that the caller
	 * can hold interruptions off in between; NULL: not called. */
	void (*hold)(void *arg, int on);
};

struct dgit_srcbuild_result {
	char *dsc;                 /* BPD/PKG_V.dsc */
	char *changes;             /* BPD/PKG_V_source.changes */
	git_oid head;              /* HEAD after the quilt fixup */
	git_oid tree;              /* the tree the package was checked against */
	/*
	 * NULL: the package is that tree.  With keep_mismatch, else NULL:
	 * dgit's lines naming each path that differs
	 * (dgit_treecmp_describe_modes, the package first).
	 */
	char *mismatch;
	/*
	 * The two views a push records.  dgit_view: the commit whose tree
	 * the source package is (what refs/dgit/SUITE and the archive/ tag
	 * get); maint_view: the maintainer's branch as it is after the
	 * build (what a DEP-14 tag gets).  split: 1 when a splitting quilt
	 * mode made the dgit view beside the maintainer's branch (then
	 * they differ and the branch was not changed); 0: the same commit,
	 * HEAD after any linear fixup (== head).
	 */
	git_oid dgit_view;
	git_oid maint_view;
	int split;
	struct dgit_quiltfix_result quilt;
};

/*
 * Build the source package of HEAD into opts->bpd.  HEAD moves when the
 * quilt fixup commits, unless the dgit view is split (a splitting quilt
 * mode, or --split-view=always): then the package is built from the
 * dgit view, HEAD and the working tree are not touched, and
 * --include-dirty is DGIT_ERR_USAGE.  Errors: those of dgit_srcbuild_check_tree and
 * dgit_quiltfix_run, DGIT_ERR_CHILD (dpkg-source, dpkg-genchanges, with
 * their messages), DGIT_ERR_PATCH when the built package is not the git
 * tree and opts->keep_mismatch is 0 (its files are then removed; the
 * message lists the paths and says so).  Release the result with
 * dgit_srcbuild_result_release.
 */
const struct dgit_error *dgit_srcbuild_build(struct dgit_srcbuild_result *out,
    git_repository *repo, const struct dgit_srcbuild_opts *opts);
void dgit_srcbuild_result_release(struct dgit_srcbuild_result *r);

/*
 * --dgit-view-save: set refs/heads/NAME (NAME itself when it starts
 * with "refs/") to id, overwriting it.  An invalid name is
 * DGIT_ERR_USAGE.
 */
const struct dgit_error *dgit_srcbuild_save_view(git_repository *repo,
    const char *name, const git_oid *id);

/*
 * The check alone: import the .dsc at dsc_path (its files beside it,
 * checksums checked) with the import engine into repo's object database
 * and compare its tree with tree.  *out_desc: NULL when they are the
 * same, else dgit's lines naming the differing paths, the package
 * first (dgit_treecmp_describe_modes, a few hundred bytes at most);
 * the caller frees it.  *out_tree (may be NULL) gets the imported tree.
 */
const struct dgit_error *dgit_srcbuild_compare_dsc(char **out_desc,
    git_oid *out_tree, git_repository *repo, const char *dsc_path,
    const git_oid *tree);

/* ---- the build commands (dgit build, sbuild, pbuilder, clean) ---- */

/* What a dpkg-buildpackage command line asks for (dgit's split). */
enum {
	DGIT_WANTSRC_SOURCE = 1,   /* dgit builds the source package itself */
	DGIT_WANTSRC_BUILDER = 2,  /* the builder runs (binaries) */
};

struct dgit_srcbuild_dbp {
	int want;                  /* DGIT_WANTSRC_* */
	/* args without -S -g -G -F -A -B -b --build=..., in order,
	 * NULL-terminated; the strings are borrowed from the input */
	const char **args;
	size_t nargs;
	/* what to append after "-nc": the last build-type option given
	 * (default -F) with the source part taken out: -F -> -b, -g -> -A,
	 * -G -> -B, --build=full,any -> --build=binary,any; owned */
	char *mode;
};

/*
 * Split dpkg-buildpackage options as dgit does: dgit builds the source
 * package itself and runs the builder with "-nc" and out->mode.
 * --build= naming nothing is DGIT_ERR_USAGE.  Release with
 * dgit_srcbuild_dbp_release (also after a failure).
 */
const struct dgit_error *dgit_srcbuild_massage_dbp(
    struct dgit_srcbuild_dbp *out, const char *const *args, size_t nargs);
void dgit_srcbuild_dbp_release(struct dgit_srcbuild_dbp *d);

/*
 * Clean the working tree as the clean mode says, the way dgit does
 * before running a builder in it (or for dgit clean): dpkg-source modes
 * run "DBP -T clean" (DBP: dbp, the dpkg-buildpackage command and its
 * options, NULL-terminated; "-d" added for dpkg-source-d) then refuse
 * untracked files (unless ,no-check); git modes run git clean -xdf
 * (-xdff for git-ff); check modes only check; none does nothing.  A
 * baredebian quilt mode with a git clean mode is DGIT_ERR_USAGE (the
 * upstream files would be deleted).  The tools' output goes to ours (as
 * when dgit runs them); a failure names the tool and its exit status.
 * git: the git program the git
 * modes run (--git=), NULL for "git".
 */
const struct dgit_error *dgit_srcbuild_clean(git_repository *repo,
    enum dgit_clean_mode mode, enum dgit_quilt_mode quilt_mode,
    const char *const *dbp, const char *git);

/*
 * The refusal dgit_srcbuild_clean starts with, for commands that do not
 * clean (quilt-fixup): a baredebian quilt mode with a git clean mode is
 * DGIT_ERR_USAGE.
 */
const struct dgit_error *dgit_srcbuild_clean_check(enum dgit_clean_mode mode,
    enum dgit_quilt_mode quilt_mode);

/*
 * After a build that made a source and a binary .changes in bpd
 * (PKG_V_*.changes, V without epoch): merge them with mergechanges -f
 * (cmd: the mergechanges command, NULL-terminated; the two files are
 * appended) into PKG_V_multi.changes and rename the others to
 * *.inmulti, as dgit does.  One .changes: *out is it, unless
 * one_is_error (then DGIT_ERR_NOT_FOUND with hint appended).  More than
 * two, or a .dsc in the binary one: DGIT_ERR_USAGE.  *out is malloc'd
 * ("BPD/FILE").
 */
const struct dgit_error *dgit_srcbuild_mergechanges(char **out,
    const char *bpd, const char *package, const char *version,
    const char *const *cmd, int one_is_error, const char *hint);

/*
 * Refuse (DGIT_ERR_EXISTS, naming them) when bpd has PKG_V_*.changes
 * other than _source and _multi: a build would leave it unclear which
 * is the result.
 */
const struct dgit_error *dgit_srcbuild_check_changes(const char *bpd,
    const char *package, const char *version);

#endif
