/*
 * The orig tarballs' trees, so that a command unpacks each orig once:
 * the quilt fixup, the check of its patches and build-source's same-tree
 * check all import the same origs.  An entry maps an orig's SHA-256 and
 * size to the tree the import engine made of it (see orig_lookup in
 * dgit_import.h).  Held in memory for the cache's life; with persist,
 * also in the repository, for the next command: the reflog of
 * refs/dgit-intern/orig-cache, one entry per orig, its message the key
 * ("dgit-orig-cache VERSION SHA256 SIZE", VERSION the dgit version given,
 * so another version of dgit never reads it), its value a parentless
 * commit of the tree (at most 100 entries are kept).  Deleting the ref
 * loses nothing but time; an entry whose objects are gone is a miss.
 */
#ifndef DGIT_ORIGCACHE_H
#define DGIT_ORIGCACHE_H

#include <git2.h>

#include "dgit_error.h"
#include "dgit_import.h"

#define DGIT_ORIGCACHE_REF "refs/dgit-intern/orig-cache"

struct dgit_origcache;             /* opaque */

/*
 * A cache for repo (borrowed: it must outlive the cache); version is
 * copied (NULL: "C").  *out is caller-owned: dgit_origcache_free.
 */
const struct dgit_error *dgit_origcache_new(struct dgit_origcache **out,
    git_repository *repo, const char *version, int persist);
void dgit_origcache_free(struct dgit_origcache *c);

/* Point io's orig_lookup, orig_record and orig_arg at c (c NULL: none). */
void dgit_origcache_hook(struct dgit_origcache *c,
    struct dgit_import_opts *io);

/*
 * With hold set, hold(arg, 1) is called before the repository's entry is
 * written and hold(arg, 0) after, so the caller can hold interruptions
 * off while the ref's and reflog's lock files exist.
 */
void dgit_origcache_set_hold(struct dgit_origcache *c,
    void (*hold)(void *arg, int on), void *arg);

/* Lookups answered from the cache, and trees recorded, so far. */
size_t dgit_origcache_hits(const struct dgit_origcache *c);
size_t dgit_origcache_records(const struct dgit_origcache *c);

#endif
