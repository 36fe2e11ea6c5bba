/*
 * Quilt fixup: make debian/patches of a `3.0 (quilt)' branch represent
 * the git tree's changes to upstream files (everything outside debian/),
 * as dgit quilt-fixup does, so that dpkg-source -b builds a source
 * package whose dpkg-source -x is the git tree.
 *
 * The base is "o+d/p": the orig tarballs with the branch's debian/
 * directory and its patches applied, made by the import engine from the
 * origs in a directory, in memory.  When the branch's tree matches it
 * outside debian/ nothing is needed.  Otherwise, by mode:
 *
 *   linear      walk back from HEAD (single-parent commits, and merges
 *               whose tree is one parent's, outside debian/) to the
 *               newest commit whose tree matches o+d/p outside debian/;
 *               one patch per commit since then that changes upstream
 *               files, named and headed from the commit as dgit does
 *               (Gbp-Pq: Name/Topic honoured), appended to the series;
 *               no such commit: DGIT_ERR_PATCH;
 *   try-linear, auto
 *               linear, and smash when no linear stack exists;
 *   smash       one patch "auto-VERSION-COMMIT-TIME" for all changes;
 *   single      all patches removed, one patch "dgit-changes" of all
 *               the changes against the origs;
 *   nofix       DGIT_ERR_DIRTY naming the paths when a fixup is needed;
 *   nocheck     nothing is checked.
 *
 * As dgit's, the linear walk does not cross a commit whose parent has
 * other debian/patches, .pc or debian/source/format (the error says
 * "quilt fixup cannot be linear", with dgit's hints).  Differences only
 * in files listed in debian/source/include-binaries need no fixup (bad
 * entries there are ignored with dgit's warning, through info).  Before
 * any patch is made (all modes but the baredebian ones), HEAD's changes
 * to the origs that dpkg-source cannot represent (symlinks made, changed
 * or removed, type changes, new files of other modes) are refused with
 * dgit's reasons: DGIT_ERR_UNREPRESENTABLE.
 *
 * When debian/source/options says single-debian-patch (as dgit reads
 * that file), dpkg-source makes the one patch instead, whatever the
 * non-splitting mode (dgit_singlepatch.h); a splitting mode is refused
 * with dgit's message.  A committed .pc is removed first, in a commit of
 * its own ("Commit removal of .pc (quilt series tracking data)"), from
 * which the fixup then starts (dgit removes it after its fixup commit;
 * the trees are the same).
 *
 * Every generated patch is made by libgit2's diff and checked by
 * applying the new series with the import engine (as dpkg-source -x
 * would, fuzz 0): the result must be the branch's tree.  Changes a quilt
 * patch cannot carry are refused with the path: a change of the
 * executable bit alone (the patch would hold no hunk; dpkg-source warns
 * it "doesn't contain any patch"), and binary files not listed in
 * debian/source/include-binaries (dpkg-source -b refuses those; listed
 * ones go into the debian tarball and are left out of the patches).
 */
#ifndef DGIT_QUILTFIX_H
#define DGIT_QUILTFIX_H

#include <stddef.h>
#include <time.h>

#include <git2.h>

#include "dgit_error.h"
#include "dgit_gdr.h"
#include "dgit_pack.h"

struct dgit_origcache;

enum dgit_quilt_mode {
	DGIT_QUILT_LINEAR,
	DGIT_QUILT_TRY_LINEAR,
	DGIT_QUILT_AUTO,
	DGIT_QUILT_SMASH,
	DGIT_QUILT_SINGLE,
	DGIT_QUILT_NOFIX,
	DGIT_QUILT_NOCHECK,
	/* splitting modes */
	DGIT_QUILT_GBP,
	DGIT_QUILT_DPM,
	DGIT_QUILT_UNAPPLIED,
	DGIT_QUILT_BAREDEBIAN,
	DGIT_QUILT_BAREDEBIAN_TARBALL,
};

/* "linear", "try-linear", ..., "baredebian+git" (an alias); -1 if none. */
int dgit_quiltfix_mode_parse(const char *s);
const char *dgit_quiltfix_mode_name(enum dgit_quilt_mode m);

struct dgit_quiltfix_opts {
	enum dgit_quilt_mode mode;
	const char *origs_dir;     /* where the orig tarballs are ("..") */
	const char *dgit_version;  /* for "[dgit (V) quilt-fixup]" */
	time_t now;                /* smash patch name; 0: time(NULL) */
	/*
	 * --quilt=baredebian: the upstream commitish (a branch, tag or
	 * commit); NULL: the one of the tags UPSTREAM, vUPSTREAM and
	 * upstream/UPSTREAM (the upstream version mangled as DEP-14 says)
	 * that exists.  Given with another mode: DGIT_ERR_USAGE.  Borrowed.
	 */
	const char *upstream_commitish;
	/*
	 * Use the split-view cache, as dgit does when the dgit view is
	 * split: the reflog of refs/dgit-intern/quilt-cache, one entry per
	 * fixup, its message the key (dgit's: "dgit VERSION UPSTREAM MODE
	 * HEAD COMMITISH|-", then the SHA-256 of the origs' names, sizes
	 * and SHA-256s), its value the dgit view.  A hit skips the fixup
	 * (result.cached; npatches 0); a fixup made is recorded (at most
	 * 1000 entries are kept).
	 */
	int cache;
	/* Called with 1 just before the cache's ref and reflog are written
	 * and with 0 just after, so the caller can hold interruptions off
	 * while their lock files exist; NULL: not called. */
	void (*hold)(void *arg, int on);
	void *hold_arg;
	/*
	 * The origs' trees (dgit_origcache.h), shared with the caller's
	 * other imports of the same origs (build-source's check); NULL: one
	 * of the fixup's own, kept in the repository.  Borrowed.
	 */
	struct dgit_origcache *origcache;
	/*
	 * --quilt=linear on a git-debrebase branch (dgit_gdr.h): the
	 * program run as git-debrebase make-patches first; NULL:
	 * "git-debrebase".
	 */
	const char *git_debrebase;
	/*
	 * The gbp and unapplied views: the user's gbp pq (--gbp-pq), split
	 * on whitespace as dgit does, run as "... import" in a play tree of
	 * HEAD to make the patch commits when the patches change upstream
	 * files; its result must have the tree of dgit's own.  NULL:
	 * "gbp pq".
	 */
	const char *gbp_pq;
	/* Progress lines (borrowed message); may be NULL. */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
	/* dgit's debug trace of its decisions (dgit_gdr_trace_fn: the
	 * walk that tells whether --quilt=linear uses git-debrebase, with
	 * the -D level of each line); may be NULL. */
	dgit_gdr_trace_fn *trace;
	void *trace_arg;
	/* Told each temporary pack's path (dgit_pack_new's tmpfile), for
	 * removal when interrupted; NULL: not told. */
	dgit_pack_tmpfile_fn *tmpfile;
	void *tmpfile_arg;
};

struct dgit_quiltfix_result {
	int quilt;                 /* 0: not a 3.0 (quilt) package, nothing done */
	int needed;                /* a fixup commit was made */
	int smashed;               /* try-linear/auto fell back to smash */
	/*
	 * A splitting mode: commit is the dgit view, made beside HEAD,
	 * which must not move to it (gbp, unapplied: HEAD plus one commit
	 * per patch, as gbp pq import makes them, author from the patch
	 * header, committer the changelog's maintainer and date; dpm: HEAD
	 * itself, its patches checked; baredebian, baredebian+tarball: HEAD
	 * has debian/ alone, the view is dgit's "baredebian-merge" of HEAD
	 * and the upstream commit (the upstream commitish, or the orig
	 * tarballs' import commit), whose files must be the origs', then
	 * the patch commits as for gbp).  gbp, dpm: upstream .gitignore
	 * files may differ from the origs' (patches changing them are
	 * refused); the view then has them, and dgit's auto-gitignore
	 * patch in a commit on top ("Commit patch to update .gitignore",
	 * identity from the changelog).  unapplied treats .gitignore as
	 * any file.  needed: the view is not HEAD.
	 */
	int split;
	git_oid commit;            /* the new tip (HEAD's when not needed) */
	git_oid tree;              /* its tree */
	size_t npatches;           /* patches added */
	int cached;                /* the view came from the cache */
};

/*
 * Do the quilt fixup of commit head of repo.  The fixup commit (message
 * "Commit Debian 3.0 (quilt) metadata\n\n[dgit (V) quilt-fixup]", author
 * and committer the repository's user) is written but no ref or file is
 * touched: see dgit_quiltfix_update_head.  Errors: DGIT_ERR_NOT_FOUND
 * (no orig tarball in origs_dir), DGIT_ERR_PATCH (no linear stack, a
 * patch that does not apply), DGIT_ERR_UNREPRESENTABLE (mode-only change,
 * binary file), DGIT_ERR_DIRTY (nofix), DGIT_ERR_NOT_IMPLEMENTED.
 * Messages name the commit and path and say which mode would do.
 */
const struct dgit_error *dgit_quiltfix_run(struct dgit_quiltfix_result *out,
    git_repository *repo, const git_oid *head,
    const struct dgit_quiltfix_opts *opts);

/*
 * The patches-unapplied tree of commit head (Perl dgit's
 * print-unapplied-treeish): the origs of its changelog's version, found in
 * opts->origs_dir, unpacked as dpkg-source -x --skip-patches does, with
 * head's debian/ in place of theirs.  Only origs_dir of opts is used.
 * Errors: DGIT_ERR_NOT_FOUND (no orig), DGIT_ERR_PARSE (the changelog).
 */
const struct dgit_error *dgit_quiltfix_unapplied_tree(git_oid *out,
    git_repository *repo, const git_oid *head,
    const struct dgit_quiltfix_opts *opts);

/*
 * Move HEAD (its branch, or HEAD itself when detached) from old to new,
 * refusing when it no longer points at old, after checking out new's
 * tree over old's into the working tree and index (safe: local changes
 * are never overwritten).
 */
const struct dgit_error *dgit_quiltfix_update_head(git_repository *repo,
    const git_oid *old, const git_oid *new_commit, const char *reflog);

/*
 * The patch file name dgit makes from a commit subject: one trailing '.'
 * or ':' dropped, Latin letters transliterated to ASCII, lowercased,
 * spaces to '-', only [-a-z0-9_.+=~] kept, "x-" before a leading
 * character that is not a letter, digit or '_', at most 40 characters,
 * then ".patch".  malloc'd; NULL when out of memory.
 */
char *dgit_quiltfix_patch_name(const char *subject);

/*
 * The patch header dgit writes for a commit: "From: AUTHOR\nDate:
 * RFC2822\nX-Dgit-Generated: VERSION COMMIT\nSubject: FIRST LINE\n\n"
 * then the rest of the message (leading blank lines and Gbp-Pq: lines
 * dropped) and "\n---\n\n".  *gbp_name and *gbp_topic get the Gbp-Pq: Name
 * and Topic values (or NULL).  All malloc'd.
 */
const struct dgit_error *dgit_quiltfix_patch_header(char **out,
    char **gbp_name, char **gbp_topic, const char *message,
    const char *author_name, const char *author_email, long long when,
    int tz_minutes, const char *version, const char *commit_hex);

/*
 * Run gbp pq (gbp_pq: the command, split on whitespace; NULL or empty:
 * "gbp pq") with "import" in a play tree of repo at commit base, as
 * dgit does, committer and default author the committer of commit
 * expect, whose tree gbp's tip must have (DGIT_ERR_PATCH "gbp-pq import
 * and dpkg-source disagree" otherwise).  *out gets gbp's tip, in repo.
 * gbp's failure is "gbp pq import failed: ..." (its stderr is
 * inherited); a bad gbp_pq is DGIT_ERR_USAGE.
 */
const struct dgit_error *dgit_quiltfix_gbp_pq_import(git_oid *out,
    git_repository *repo, const git_oid *base, const git_oid *expect,
    const char *gbp_pq);

/*
 * --force-import-gitapply-no-absurd: the patch commits of an import
 * (commit, the last of npatches patch commits on the unpatched import,
 * as dgit_import_dsc makes them) made again by gbp pq import
 * (dgit_quiltfix_gbp_pq_import), which applies them with git apply
 * only, not as dpkg-source (and dgit's "absurd" git-apply emulation)
 * does.  *out (may be commit) gets gbp's tip; gbp's failure is an
 * error saying "gbp pq import failed".
 */
const struct dgit_error *dgit_quiltfix_gbp_pq_patches(git_oid *out,
    git_repository *repo, const git_oid *commit, size_t npatches,
    const char *gbp_pq);

#endif
