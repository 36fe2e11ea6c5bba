/*
 * Branches managed by git-debrebase (git-debrebase(1)), as dgit treats
 * them in its linear quilt fixup: when the branch is git-debrebase's,
 * "git-debrebase make-patches" makes the patches (faster, and in the
 * form git-debrebase likes) before dgit's own linearisation.
 */
#ifndef DGIT_GDR_H
#define DGIT_GDR_H

#include <git2.h>

#include "dgit_error.h"

/*
 * Is head's branch git-debrebase's, by dgit's test: walking first
 * parents (through pseudo-merges, a merge whose tree is one parent's),
 * a commit whose message has "[git-debrebase anchor|changelog|
 * make-patches|merged-breakwater|pseudomerge" says yes; another merge,
 * a root, a commit whose debian/patches differs from head's, or (when
 * head has no debian/patches) an unmarked breakwater start says no.
 * At most max_walk commits are looked at (then no).
 *
 * trace (may be NULL) is told each step as dgit's debug trace has it
 * ("branch_is_gdr  COMMIT unmarked BreakwaterStart NO"), with the -D
 * level dgit shows it at (1, or 2 for the steps that go on walking);
 * the line is borrowed.
 */
typedef void dgit_gdr_trace_fn(void *arg, int level, const char *line);
const struct dgit_error *dgit_gdr_branch_is_gdr(int *yes,
    git_repository *repo, const git_oid *head, dgit_gdr_trace_fn *trace,
    void *trace_arg);

/*
 * Make a play tree in the empty directory dir: git init (branch master,
 * no commit), its objects a symlink to repo's (what is written there
 * lands in repo), repo's user.name and user.email.  For running a tool
 * on a commit of repo (git reset --hard it there first).
 */
const struct dgit_error *dgit_gdr_play_setup(const char *dir,
    git_repository *repo);

/*
 * Run "PROGRAM --noop-ok -funclean-mixed -funclean-ordering make-patches
 * --quiet-would-amend" (PROGRAM: program, NULL "git-debrebase") in a
 * play tree of head sharing repo's objects, as dgit does; *out is the
 * play tree's HEAD after it (head itself when it made nothing).  Exit
 * status 7 (git-debrebase cannot) and a PROGRAM that is not installed
 * leave *out head; another failure is "failed command: PROGRAM ...".
 * The play tree is made in repo's git directory and removed.
 */
const struct dgit_error *dgit_gdr_make_patches(git_oid *out,
    git_repository *repo, const git_oid *head, const char *program);

/*
 * git-debrebase left HEAD's branch unstitched (dgit's test before a
 * push): *out 1 when HEAD is a branch refs/X with a refs/ffq-prev/X and
 * archive (the archive's version as git has it; NULL: none) is that
 * ffq-prev or one of its ancestors.
 */
const struct dgit_error *dgit_gdr_unstitched(int *out, git_repository *repo,
    const git_oid *archive);

/* Run "git-debrebase stitch" (the program git_debrebase; NULL:
 * "git-debrebase") in repo's working tree, its output ours. */
const struct dgit_error *dgit_gdr_stitch(git_repository *repo,
    const char *git_debrebase);

#endif
