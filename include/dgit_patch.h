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
	/* hunks: opaque to callers */
};

/*
 * Parse a whole patch.  Text before and between diffs is ignored as
 * patch(1) does (so a DEP-3 header is skipped).  strip is the -p level.
 * Paths are validated: absolute paths, '..' components and names with
 * nothing left after stripping fail with DGIT_ERR_UNSAFE_PATH /
 * DGIT_ERR_PARSE naming what and the line.  Malformed hunks fail with
 * DGIT_ERR_PARSE naming the line.  Lines ending in CRLF throughout a diff
 * have the CR stripped, as GNU patch does.  The buffer is copied; free
 * *out with dgit_patch_free().
 */
const struct dgit_error *dgit_patch_parse(struct dgit_patch **out,
    const char *buf, size_t len, int strip, const char *what);

size_t dgit_patch_nfiles(const struct dgit_patch *p);
/* Borrowed, valid until dgit_patch_free(). */
const struct dgit_patch_file *dgit_patch_file(const struct dgit_patch *p,
    size_t i);

/*
 * For a MODIFY whose stripped old and new names differ, patch(1) patches
 * whichever exists (preferring the old name).  Returns the path to read and
 * write (borrowed).  For CREATE the new path, for DELETE the old path.
 */
const char *dgit_patch_file_target(const struct dgit_patch_file *pf,
    int old_exists, int new_exists);

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

/*
 * As dgit_patch_apply_file, and *out_remove says whether the file is
 * removed afterwards: a DELETE, or (patch -E, as dpkg-source runs it) any
 * file whose result is empty.
 */
const struct dgit_error *dgit_patch_apply_file_ex(char **out,
    size_t *out_len, int *out_remove, const struct dgit_patch_file *pf,
    const char *old, size_t old_len, const char *what);

void dgit_patch_free(struct dgit_patch *p);

#endif
