/*
 * A pack being written: the import's object store.  Objects are hashed,
 * deflated and appended to one pack file in the repository's
 * objects/pack/ under a temporary name; nothing is visible to git until
 * dgit_pack_finish writes the index and renames both into place, so an
 * import that fails leaves the repository as it was.  Objects written can
 * be read back (a patch reads the files it touches).
 */
#ifndef DGIT_PACK_H
#define DGIT_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "dgit_error.h"

struct dgit_pack;                  /* opaque */

/*
 * Start a pack in repo's object directory.  level is the zlib level
 * (0-9; -1 for the default of 1: object compression dominates import
 * time and level 1 costs a few percent of size).  An object (or a
 * streamed object's piece) over 128 KiB whose first 64 KiB do not
 * deflate by a sixteenth is stored (deflate's level 0) from there on.
 * threads is the number of compression threads (0: all in the caller;
 * -1: one per CPU when there are several).  The pack's bytes do not
 * depend on it.  *out is caller-owned: dgit_pack_free.
 *
 * tmpfile, when not NULL, is told the temporary file's path (see
 * dgit_pack_tmp_path) with made 1 *before* the file is created, and with
 * made 0 once it is gone (renamed into place or removed), so a caller
 * that removes it on a signal has no moment when it exists untold.
 */
typedef void dgit_pack_tmpfile_fn(void *arg, const char *path, int made);
const struct dgit_error *dgit_pack_new(struct dgit_pack **out,
    git_repository *repo, int level, int threads,
    dgit_pack_tmpfile_fn *tmpfile, void *tmpfile_arg);

/* Hash and store one object (duplicates are stored once, and objects
 * the repository already has are not stored). */
const struct dgit_error *dgit_pack_write(struct dgit_pack *p, git_oid *out,
    git_object_t type, const void *data, size_t len);
/* As dgit_pack_write, for data in a malloc'd buffer *data: when the
 * object is queued for the compression threads, the pack takes the
 * buffer instead of copying it and sets *data to NULL (it frees it).
 * Otherwise (stored already, no threads, an error before queueing) *data
 * stays the caller's.  Give the buffer about len bytes: the queue is
 * bounded by the lengths, not the buffers' sizes. */
const struct dgit_error *dgit_pack_write_take(struct dgit_pack *p,
    git_oid *out, git_object_t type, void **data, size_t len);

/*
 * An object too large to hold in memory, written in pieces: open with its
 * type and exact length, give it all its bytes in any number of
 * dgit_pack_stream_write calls, then dgit_pack_stream_finish gives its
 * id (an object stored already is not kept twice).  Memory stays bounded
 * whatever len is: the pieces are hashed and deflated as they come (by
 * the compression threads when there are some).  One stream at a time
 * per pack, and no dgit_pack_write while it is open.  *out is
 * caller-owned: dgit_pack_stream_free, after finish or to abandon it (an
 * abandoned or failed stream leaves the pack fit only for
 * dgit_pack_free).  Errors: DGIT_ERR_GIT (more or fewer bytes than len,
 * sha1dc refusing the contents), DGIT_ERR_NOMEM, write errors.
 */
struct dgit_pack_stream;           /* opaque */
const struct dgit_error *dgit_pack_stream_new(struct dgit_pack_stream **out,
    struct dgit_pack *p, git_object_t type, uint64_t len);
const struct dgit_error *dgit_pack_stream_write(struct dgit_pack_stream *s,
    const void *data, size_t len);
const struct dgit_error *dgit_pack_stream_finish(struct dgit_pack_stream *s,
    git_oid *out);
void dgit_pack_stream_free(struct dgit_pack_stream *s);

/*
 * Read an object written to this pack, or else from the repository.
 * *data is malloc'd (caller frees; NUL-terminated for convenience),
 * DGIT_ERR_NOT_FOUND when neither has it.
 */
const struct dgit_error *dgit_pack_read(struct dgit_pack *p, void **data,
    size_t *len, git_object_t *type, const git_oid *oid);

/*
 * An object read in pieces, for one too large to hold: *type and *size
 * at once, then its bytes in order from dgit_pack_reader_read (*got 0
 * after the last), and again from the first with
 * dgit_pack_reader_rewind.  An object of this pack is inflated from the
 * pack file as it is read, in bounded memory; of the repository's
 * objects, loose ones are streamed by libgit2, packed ones up to 8 MiB
 * read whole by libgit2 (1.5 cannot stream them) and larger packed ones
 * streamed from `git cat-file` (git the program is then needed: a clear
 * DGIT_ERR_NOT_FOUND without it), their id checked at their end (a
 * corrupt one fails, DGIT_ERR_GIT, on the read that gives its last
 * bytes).  Reading may go on while a dgit_pack_stream is being written.
 * *out is caller-owned: dgit_pack_reader_free.  DGIT_ERR_NOT_FOUND when
 * neither has it.
 *
 * dgit_pack_reader_repo_new reads repo's objects the same way, without
 * a pack (the clone's checkout).  Readers of one repository may be used
 * from several threads, one reader per thread.
 */
struct dgit_pack_reader;           /* opaque */
const struct dgit_error *dgit_pack_reader_new(struct dgit_pack_reader **out,
    git_object_t *type, uint64_t *size, struct dgit_pack *p,
    const git_oid *oid);
const struct dgit_error *dgit_pack_reader_repo_new(
    struct dgit_pack_reader **out, git_object_t *type, uint64_t *size,
    git_repository *repo, const git_oid *oid);
const struct dgit_error *dgit_pack_reader_read(struct dgit_pack_reader *r,
    void *buf, size_t cap, size_t *got);
const struct dgit_error *dgit_pack_reader_rewind(struct dgit_pack_reader *r);
void dgit_pack_reader_free(struct dgit_pack_reader *r);

/*
 * Read a pack object's header (its type and size, git's base-128 form)
 * from the n bytes at in: the header's length, or 0 when it does not end
 * within them or its size does not fit 64 bits.
 */
size_t dgit_pack_parse_header(const unsigned char *in, size_t n,
    git_object_t *type, uint64_t *size);

/*
 * The pack's temporary file in objects/pack/ (its index is written beside
 * it, the same name with ".idx", just before dgit_pack_finish renames both
 * into place).  Borrowed: valid until dgit_pack_free.
 */
const char *dgit_pack_tmp_path(const struct dgit_pack *p);

/* Number of objects written so far. */
size_t dgit_pack_count(const struct dgit_pack *p);

/*
 * Finish: write the trailer and the .idx and move both into
 * objects/pack/ (an empty pack is simply discarded), then make repo's
 * object database see them.
 */
const struct dgit_error *dgit_pack_finish(struct dgit_pack *p);

/* Free; an unfinished pack's temporary file is removed. */
void dgit_pack_free(struct dgit_pack *p);

#endif
