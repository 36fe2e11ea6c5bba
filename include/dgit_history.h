/*
 * dgit's history: the ref and tag names it uses, checked ref updates,
 * its pseudomerges, the identity it gives synthetic commits, the commit a
 * .dsc's Dgit: field names, and the state of a dgit working tree.
 *
 * Names follow dgit(7): the remote tracking ref of a suite is
 * refs/remotes/dgit/dgit/SUITE, the dgit git server's branch
 * refs/dgit/SUITE, the local branch dgit/SUITE; tags are
 * archive/DISTRO/VERSION on the dgit view and DISTRO/VERSION (DEP-14) on
 * the maintainer view, VERSION mangled as DEP-14 says.
 *
 * Pseudomerges are commits whose tree is that of their first parent: they
 * record that history should be treated as descending from the other
 * parents.  Their author and committer are the first entry of the
 * debian/changelog of the commit whose tree they take, in UTC, as dgit
 * makes them, so the same inputs give the same commit ids as dgit's.
 */
#ifndef DGIT_HISTORY_H
#define DGIT_HISTORY_H

#include <stddef.h>

#include <git2.h>

#include "dgit_dsc.h"
#include "dgit_error.h"

/* ---- names -------------------------------------------------------------
 * Each puts a caller-owned string (free(3)) in *out, NULL on failure:
 * DGIT_ERR_PARSE when the name would not be a valid git ref name (an
 * invalid suite, distro or version), naming what is wrong. */

/* "refs/remotes/dgit/dgit/SUITE": where fetch records the archive. */
const struct dgit_error *dgit_history_tracking_ref(char **out,
    const char *suite);
/* "refs/dgit/SUITE": the suite's branch on a dgit git server. */
const struct dgit_error *dgit_history_server_ref(char **out,
    const char *suite);
/* "refs/heads/dgit/SUITE": the local branch clone checks out. */
const struct dgit_error *dgit_history_branch_ref(char **out,
    const char *suite);
/* "archive/DISTRO/MANGLED" (a tag name, without refs/tags/). */
const struct dgit_error *dgit_history_archive_tag(char **out,
    const char *distro, const char *version);
/* DEP-14 "DISTRO/MANGLED", the maintainer view's tag. */
const struct dgit_error *dgit_history_maint_tag(char **out,
    const char *distro, const char *version);

/* ---- checked ref updates ---------------------------------------------- */

/* "Set name to new if it is still old"; old NULL: if it is still absent. */
struct dgit_history_ref_update {
	const char *name;
	const git_oid *old;
	const git_oid *new_id;
};

/*
 * Apply all n updates in one libgit2 transaction: every ref is locked and
 * checked before any is written, so a lost race moves none.  When
 * a ref is not what the caller saw (someone else moved it, or made it),
 * DGIT_ERR_EXISTS names it, its value now and what was expected; nothing
 * is changed.  log is the reflog message.
 */
const struct dgit_error *dgit_history_update_refs(git_repository *repo,
    const struct dgit_history_ref_update *u, size_t n, const char *log);
/* One ref. */
const struct dgit_error *dgit_history_update_ref(git_repository *repo,
    const char *name, const git_oid *old, const git_oid *new_id,
    const char *log);

/* ---- commits ---------------------------------------------------------- */

/*
 * The first debian/changelog entry of commit's tree: its version and the
 * identity dgit gives commits made from it (the entry's maintainer and
 * date, in UTC).  Either output may be NULL when not wanted; what comes
 * back is caller-owned (free, git_signature_free).  DGIT_ERR_NOT_FOUND
 * without a debian/changelog, DGIT_ERR_PARSE when its first entry is
 * incomplete.
 */
const struct dgit_error *dgit_history_commit_clog(char **version,
    git_signature **sig, git_repository *repo, const git_oid *commit);

/*
 * 1 in *out if commit descends from (or is) ancestor, else 0.
 */
const struct dgit_error *dgit_history_descends(int *out,
    git_repository *repo, const git_oid *commit, const git_oid *ancestor);

/*
 * A pseudomerge: the tree of tree_from (NULL: parents[0]), identity from
 * tree_from's changelog, parents in the order given, message msg as is.
 * The commit is written to repo's object database; no ref is touched.
 */
const struct dgit_error *dgit_history_pseudomerge(git_oid *out,
    git_repository *repo, const git_oid *tree_from, const git_oid *parents,
    size_t nparents, const char *msg);

/* The messages dgit writes (caller-owned, free(3)). */

/* fetch: "Record PKG (VER) in archive suite SUITE\n\nRecord that\n..." */
const struct dgit_error *dgit_history_record_message(char **out,
    const char *package, const char *version, const char *suite,
    const char *last_version);
/* import-dsc ..BRANCH: "Merge PKG (VER) import into REF\n" */
const struct dgit_error *dgit_history_merge_import_message(char **out,
    const char *package, const char *version, const char *ref);

/* One input branch of "Combine archive branches" (dgit(7) COMBINED
 * SUITES); mark is '*' (the highest version, whose tree is used), '+'
 * (not already an ancestor) or ' '. */
struct dgit_history_combine_input {
	const char *version;
	const char *info;          /* the suite, or "local combined ..." */
	char mark;
};
const struct dgit_error *dgit_history_combine_message(char **out,
    const char *combined_suite,
    const struct dgit_history_combine_input *in, size_t n);

/*
 * push's pseudomerge onto the archive's history (dgit's --overwrite and
 * split view): "Declare fast forward from ARCHVER\n\n[CMD]\n" when
 * overwrite_version is not NULL, else "Make fast forward from ARCHVER".
 * CMD is "dgit" or, for the split view (quilt_mode not NULL), "dgit
 * --quilt=MODE", followed by " --overwrite" or " --overwrite=VER" as
 * overwrite_version is "" or VER.
 */
const struct dgit_error *dgit_history_ff_message(char **out,
    const char *archive_version, const char *quilt_mode,
    const char *overwrite_version);

/*
 * fetch's step: the new tracking tip for an import (or Dgit: commit)
 * when the ref was at *last (NULL: absent).  *out is last when the
 * version is the same as before, import when it descends from last,
 * else a "Record ..." pseudomerge of import and last.
 */
const struct dgit_error *dgit_history_record(git_oid *out,
    git_repository *repo, const git_oid *import, const git_oid *last,
    const char *package, const char *version, const char *suite);

/* ---- the Dgit: field's commit ----------------------------------------- */

enum dgit_history_dgit_status {
	DGIT_HISTORY_DGIT_USABLE,      /* have it, and its tree is right */
	DGIT_HISTORY_DGIT_MISSING,     /* not here, not fetched */
	DGIT_HISTORY_DGIT_UNREACHABLE, /* the fetch failed */
	DGIT_HISTORY_DGIT_OTHER_TREE,  /* its tree is not the import's */
};

struct dgit_history_dgit_opts {
	/* Where to fetch the commit from when repo lacks it, or NULL. */
	const char *git_url;
	const char *distro;        /* names the temporary fetch refs */
	const char *suite;         /* fetch refs/dgit/SUITE too */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
};

/*
 * Decide whether the commit field names can stand for an import whose
 * tree is tree: it must be in repo (else, with opts->git_url, it is
 * fetched with the field's tag and refs/dgit/SUITE, through temporary
 * refs only this call uses and then deletes) and have that tree.  The
 * commit id is in *commit, the verdict in *status, and a reason (for a
 * message "not using ...: WHY") in why.  Failing to fetch is not an
 * error.
 */
const struct dgit_error *dgit_history_dgit_commit(
    enum dgit_history_dgit_status *status, git_oid *commit, char *why,
    size_t whylen, git_repository *repo, const struct dgit_dsc_dgit *field,
    const git_oid *tree, const struct dgit_history_dgit_opts *opts);

/* ---- the state of a dgit tree ----------------------------------------- */

/*
 * In repo's working tree: the package (debian/changelog's first entry)
 * and the suite (suite_arg if not NULL, else SUITE of a current branch
 * dgit/SUITE, else the changelog's distribution).  Caller-owned (free).
 * DGIT_ERR_USAGE without a working tree or without any suite.
 */
const struct dgit_error *dgit_history_tree_package_suite(char **package,
    char **suite, git_repository *repo, const char *suite_arg);

/*
 * The paths whose index or working tree state differs from HEAD
 * (untracked files do not count): *total of them, the first *n (at most
 * max, 0: no cap) in *paths, caller-owned (dgit_history_paths_free with
 * *n), NULL when clean.  DGIT_ERR_USAGE in a bare repository.
 */
const struct dgit_error *dgit_history_tree_dirty(char ***paths, size_t *n,
    size_t *total, git_repository *repo, size_t max);
void dgit_history_paths_free(char **paths, size_t n);

/*
 * The status of the index and working tree against HEAD's tree (read as
 * git reads it, even where libgit2's commit parser refuses HEAD), with
 * submodules left out and flags (GIT_STATUS_OPT_*) added.  *out is the
 * caller's (git_status_list_free).
 */
const struct dgit_error *dgit_history_status_new(git_status_list **out,
    git_repository *repo, unsigned int flags);

/*
 * Bring the index's stat data up to date with the working tree, as `git
 * status` does, by running `GIT update-index -q --refresh` (GIT NULL:
 * "git") in repo's working tree, and reread the index.  libgit2's status
 * never writes the index back, so without this every status of a tree
 * whose index is stale (copied, or written in the same second as its
 * files) hashes every file.  Only time depends on it: a failure (git
 * missing, the index locked) changes no result and is not reported.
 */
void dgit_history_refresh_index(git_repository *repo, const char *git);

#endif
