/*
 * Whole objects read straight from a repository's pack files, without
 * libgit2: for the clone's checkout, which reads every blob of a pack the
 * import (or git's index-pack) has just written.  libgit2's object reads
 * take its pack-window lock, so two checkout threads run no faster than
 * one, and inflate with zlib; these read the mapped .pack and .idx
 * (version 2) with no lock and inflate with libdeflate where it is built
 * in (zlib otherwise), so each thread works on its own.
 *
 * Only what a checkout needs: an object stored whole (not a delta) of at
 * most a given size.  Anything else, an object in no pack this reads
 * (loose, a delta, a pack index of another version), is "not here"
 * (*found 0) and the caller reads it through libgit2.  A pack is checked
 * as it is used: an offset outside the pack, a size or type the pack
 * header does not give, a stream that does not inflate to exactly the
 * header's size (or fails its adler32) is DGIT_ERR_GIT naming the
 * object.  As with libgit2's reads while strict hash verification is
 * off, the object's id is not recomputed: the packs are the ones this
 * process wrote or git verified.
 */
#ifndef DGIT_PACKFILE_H
#define DGIT_PACKFILE_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

struct dgit_packfiles;             /* opaque */

/*
 * Map every pack of repo's objects/pack that has a version 2 index.  A
 * pack that cannot be opened or mapped is left out (its objects are
 * then "not here").  *out is caller-owned: dgit_packfiles_free.
 */
const struct dgit_error *dgit_packfiles_open(struct dgit_packfiles **out,
    git_repository *repo);

/*
 * Read object id whole: *found 1 with *data (malloc'd, len bytes, the
 * caller frees) and *type, or *found 0 when it is not here in a form
 * this reads or is larger than max bytes.  Safe from several threads at
 * once on one pf.
 */
const struct dgit_error *dgit_packfiles_read(int *found, void **data,
    size_t *len, git_object_t *type, const struct dgit_packfiles *pf,
    const git_oid *id, size_t max);

void dgit_packfiles_free(struct dgit_packfiles *pf);

#endif
