/*
 * The patch engine: parse a unified diff (optionally git-style) and apply
 * it with the semantics dpkg-source gets from GNU patch
 * (patch -t -F 0 -N -p1 -u -V never -E): no fuzz, offsets allowed,
 * hunks in order, reversed / already applied patches refused, files that
 * become empty are removed.
 *
 * The engine works on buffers: the caller (the import) owns the tree and
 * applies each file diff to the file it names.
 */
#ifndef DGIT_PATCH_H
#define DGIT_PATCH_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

struct dgit_patch;                       /* a parsed patch file: file diffs in order */

enum dgit_patch_op {
	DGIT_PATCH_MODIFY,
	DGIT_PATCH_CREATE,
	DGIT_PATCH_DELETE,
	DGIT_PATCH_RENAME,
	DGIT_PATCH_COPY,
};

struct dgit_patch_file {
	enum dgit_patch_op op;
	char *old_path;      /* after stripping `strip` components; NULL for CREATE */
	char *new_path;      /* after stripping; NULL for DELETE */
	unsigned old_mode, new_mode;  /* from git extended headers (0100644/0100755/0120000), 0 if absent */
	int binary;          /* "GIT binary patch" or "Binary files differ": refuse at apply */
	int git;             /* came from a "diff --git" header */
	size_t nhunks;
	size_t line;         /* line number of the diff's first header line */
	/*
	 * The patch ended inside this diff's last hunk with only context
	 * lines missing, read as empty ones as GNU patch does; dpkg-source
	 * warns "unexpected end of diff" and so should the caller.
	 */
	int short_tail;
	/* hunks: opaque to callers */
};

/*
 * Parse a whole patch.  Text before and between diffs is ignored as
 * patch(1) does (so a DEP-3 header is skipped); a diff indented as a whole
 * is read.  strip is the -p level (dpkg-source always uses 1; runs of '/'
 * count as one, so "/x/f" is "x/f").  A name that cannot be stripped is
 * replaced by the diff's other name, as patch(1) does; if neither is
 * valid: DGIT_ERR_PARSE.  A '..' component in either name, or an absolute
 * name left after stripping: DGIT_ERR_UNSAFE_PATH.  Names end at a TAB,
 * or without one at the first blank; C-style quoted names are refused
 * (dpkg-source does).  As dpkg-source's own check: a "--- " line not
 * followed by "+++ ", a ---/+++ pair without hunks, malformed hunks
 * (counts not matching the lines) are DGIT_ERR_PARSE naming what and the
 * line; so is a non-empty patch with no diff at all (patch(1): "only
 * garbage").  A diff whose --- line ends in CRLF has the CRs stripped,
 * as GNU patch does.  The buffer is copied; free *out with
 * dgit_patch_free().
 *
 * Caller's part, per file diff: pick the file with
 * dgit_patch_file_target(), refuse symlinks with
 * dgit_patch_check_symlinks(), pass old content (NULL if absent), then
 * write, remove (see *out_remove), rename (RENAME: remove old_path),
 * and set modes (new_mode; 0120000 makes a symlink whose target is the
 * content).  Several diffs of one file apply in turn to the result.
 */
const struct dgit_error *dgit_patch_parse(struct dgit_patch **out,
    const char *buf, size_t len, int strip, const char *what);

size_t dgit_patch_nfiles(const struct dgit_patch *p);
/* Borrowed, valid until dgit_patch_free(). */
const struct dgit_patch_file *dgit_patch_file(const struct dgit_patch *p,
    size_t i);

/*
 * The file a diff patches, as patch(1) chooses it: for a MODIFY whose
 * stripped old and new names differ, the one that exists; if both (or
 * neither) exist, the one with fewer components, then the shorter
 * basename, then the shorter name, then the old name.  For CREATE the new
 * path, for DELETE the old path, for git RENAME/COPY the new path (read
 * the old).  Borrowed from pf.
 */
const char *dgit_patch_file_target(const struct dgit_patch_file *pf,
    int old_exists, int new_exists);

/*
 * dpkg-source refuses a diff whose file is a symlink or lies under one
 * (even a git diff of a symlink).  Asks is_symlink(prefix, ctx) about
 * each leading prefix of target ("a", "a/b", ..., the whole path) and
 * fails with DGIT_ERR_UNSAFE_PATH naming the first that is one.
 */
const struct dgit_error *dgit_patch_check_symlinks(const char *target,
    int (*is_symlink)(const char *path, void *ctx), void *ctx,
    const char *what);

/*
 * Apply one file diff's hunks to old content (NULL/0 for CREATE or a file
 * that does not exist) giving new content in *out (malloc'd, caller frees
 * with free(); never NULL on success, even when empty).  Fuzz 0; offsets
 * as GNU patch allows them; "\ No newline at end of file" on both sides.
 * A hunk that does not apply gives DGIT_ERR_PATCH naming what, the file,
 * the hunk number and the expected line.  Binary diffs are refused.
 */
const struct dgit_error *dgit_patch_apply_file(char **out, size_t *out_len,
    const struct dgit_patch_file *pf, const char *old, size_t old_len,
    const char *what);

/* Flags for dgit_patch_apply_file_ex. */
#define DGIT_PATCH_KEEP_EMPTY 0x1  /* patch without -E: 1.0 .diff.gz */

/*
 * As dgit_patch_apply_file, and *out_remove says whether the file is
 * removed afterwards.  dpkg-source applies 3.0 (quilt) patches with
 * patch -E: a DELETE or any file whose result is empty is removed.  For
 * a 1.0 .diff.gz it runs patch without -E: pass DGIT_PATCH_KEEP_EMPTY and
 * only a DELETE (new name /dev/null or git "deleted file mode") removes.
 * dgit_patch_apply_file behaves as the 3.0 (quilt) case and leaves the
 * decision to the caller (remove when *out_len == 0).
 */
const struct dgit_error *dgit_patch_apply_file_ex(char **out,
    size_t *out_len, int *out_remove, const struct dgit_patch_file *pf,
    const char *old, size_t old_len, unsigned flags, const char *what);

/*
 * Applying a diff to content too large to hold: the old content comes
 * from io->read in pieces and the new goes to io->write in order, in
 * memory bounded by io->hold (0: DGIT_PATCH_HOLD) plus the largest
 * hunk, whatever the content's size or the length of its lines.  The
 * result is the one dgit_patch_apply_file_ex gives, with the same
 * errors.  Usually one pass over the old content; a hunk that GNU patch
 * places after looking more than the hold beyond an earlier candidate
 * position makes it read the content again from its start
 * (io->rewind), so time is at worst a pass per hunk.
 *
 * The new content's length is known before anything is read:
 * dgit_patch_new_length gives it for old content of old_len bytes (a
 * patch that applies writes exactly that many; 0 when no content of
 * that size can take the patch, and then applying fails naming the
 * hunk).  When the patch is refused part of the new content may have
 * been written already.
 */
#define DGIT_PATCH_HOLD ((size_t)8 << 20)

struct dgit_patch_io {
	/* up to cap bytes of the old content into buf, *got 0 at its end */
	const struct dgit_error *(*read)(void *ctx, void *buf, size_t cap,
	    size_t *got);
	/* start reading the old content from its first byte again */
	const struct dgit_error *(*rewind)(void *ctx);
	void *read_ctx;
	const struct dgit_error *(*write)(void *ctx, const void *buf,
	    size_t len);
	void *write_ctx;
	size_t hold;          /* see above; tests make it tiny */
	size_t chunk;         /* bytes asked of read at once (0: 64 KiB) */
};

uint64_t dgit_patch_new_length(const struct dgit_patch_file *pf,
    uint64_t old_len);

/* *out_remove as for dgit_patch_apply_file_ex. */
const struct dgit_error *dgit_patch_apply_stream(int *out_remove,
    const struct dgit_patch_file *pf, const struct dgit_patch_io *io,
    uint64_t old_len, unsigned flags, const char *what);

void dgit_patch_free(struct dgit_patch *p);

#endif
