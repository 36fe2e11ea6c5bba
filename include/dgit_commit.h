/*
 * Reading commit objects, including those libgit2's parser refuses.
 *
 * git's own history has commits with malformed headers ("commiter", a
 * broken author line) that `git fsck` calls badly formed but that git
 * itself reads; libgit2's git_commit_lookup() fails on them.  These
 * functions try libgit2 first and, when it cannot parse a commit that is
 * in the object database, parse the raw object text themselves: the tree,
 * the parents, and the author and committer lines where they are there.
 */
#ifndef DGIT_COMMIT_H
#define DGIT_COMMIT_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

/* Largest commit object read raw; bigger ones are refused (DGIT_ERR_LIMIT). */
#define DGIT_COMMIT_MAX (64u * 1024 * 1024)

struct dgit_commit {
	git_oid tree;
	git_oid *parents;       /* nparents ids, NULL when there are none */
	size_t nparents;
	char *author;           /* the header's value, "NAME <EMAIL> TIME TZ"; */
	char *committer;        /* NULL where the object has none */
	char *message;          /* everything after the blank line, "" if none */
};

/*
 * Parse the text of a commit object (len bytes, no NUL needed).  The first
 * header must be "tree HEX"; "parent HEX" lines follow it; the first
 * "author" and "committer" headers are kept as they are; other headers
 * (with their continuation lines) are skipped; the headers end at the
 * first empty line or at the end of the object.  Fails with DGIT_ERR_PARSE
 * naming the problem when the first line is not a tree line, an id is
 * malformed or the headers hold a NUL byte: commits git cannot read
 * either.  *out is the caller's (dgit_commit_free).
 */
const struct dgit_error *dgit_commit_parse(struct dgit_commit **out,
    const char *buf, size_t len);

/*
 * Read commit id from repo: through libgit2, or, when libgit2 cannot parse
 * it, from the raw object with dgit_commit_parse().  DGIT_ERR_NOT_FOUND
 * when there is no such object or it is not a commit.  *out is the
 * caller's.
 */
const struct dgit_error *dgit_commit_read(struct dgit_commit **out,
    git_repository *repo, const git_oid *id);

/* The commit's tree id, as dgit_commit_read() reads it. */
const struct dgit_error *dgit_commit_tree_id(git_oid *tree,
    git_repository *repo, const git_oid *id);

/*
 * The tree of the commit HEAD names, read as dgit_commit_read() does (for
 * git_status_options.baseline: libgit2's status would peel HEAD through
 * its own parser).  *out is NULL when HEAD is unborn; the caller frees it
 * with git_tree_free().
 */
const struct dgit_error *dgit_commit_head_tree(git_tree **out,
    git_repository *repo);

/* 1 when repo holds commit id (readable by dgit_commit_read), else 0. */
int dgit_commit_exists(git_repository *repo, const git_oid *id);

/*
 * Call cb once for each commit reachable from head, head first, the others
 * in no particular order, reading each as dgit_commit_read() does:
 * the walk libgit2's revwalk and graph functions cannot do over a commit
 * with a malformed committer line.  cb sets *stop to end the walk early
 * (no error); an error from cb ends the walk and is returned.  A parent
 * that is missing fails the walk (DGIT_ERR_NOT_FOUND).  c is borrowed for
 * the call only.
 */
typedef const struct dgit_error *(*dgit_commit_walk_fn)(int *stop,
    void *arg, const git_oid *id, const struct dgit_commit *c);
const struct dgit_error *dgit_commit_walk(git_repository *repo,
    const git_oid *head, dgit_commit_walk_fn cb, void *arg);

/*
 * *out = 1 when ancestor is commit or one of its ancestors: a
 * dgit_commit_walk(), and for a history of more than some thousands of
 * commits libgit2's git_graph_descendant_of() (which cannot cross a
 * commit with a malformed committer line).
 */
const struct dgit_error *dgit_commit_descends(int *out,
    git_repository *repo, const git_oid *commit, const git_oid *ancestor);

void dgit_commit_free(struct dgit_commit *c);

/*
 * The identity `git commit` would record for a commit dgit makes as the
 * user (the quilt fixup's commits, the .pc removal): as author (committer
 * 0) or as committer (1).  The name is GIT_AUTHOR_NAME (GIT_COMMITTER_NAME),
 * else config author.name (committer.name), else user.name; the email
 * GIT_AUTHOR_EMAIL (GIT_COMMITTER_EMAIL), else author.email
 * (committer.email), else user.email, else EMAIL; the time GIT_AUTHOR_DATE
 * (GIT_COMMITTER_DATE) read as git reads it (dgit_date_parse_git: "@SECONDS
 * +ZZZZ", "SECONDS +ZZZZ", RFC 2822 and the rest), else now in the local
 * zone.  libgit2's git_signature_default() reads only the config and the
 * clock, so a commit it makes differs from git's under a fixed
 * GIT_COMMITTER_DATE.  DGIT_ERR_NOT_FOUND, saying what to set, when
 * there is no name or email (git commit fails there too); DGIT_ERR_PARSE for a date git calls invalid.  *out is
 * the caller's (git_signature_free).
 */
const struct dgit_error *dgit_commit_ident(git_signature **out,
    git_repository *repo, int committer);

#endif
