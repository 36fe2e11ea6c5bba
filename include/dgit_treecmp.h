/*
 * Comparing two git trees path by path, to say how a built source
 * package differs from the git tree it was built from: which paths, and
 * whether the content differs, a path is only on one side, or only the
 * executable bit differs.
 */
#ifndef DGIT_TREECMP_H
#define DGIT_TREECMP_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

enum dgit_treecmp_kind {
	DGIT_TREECMP_CONTENT,      /* both have the path, contents differ */
	DGIT_TREECMP_ONLY_A,       /* only the first tree has it */
	DGIT_TREECMP_ONLY_B,       /* only the second tree has it */
	DGIT_TREECMP_MODE,         /* same contents, executable bit differs */
	DGIT_TREECMP_TYPE,         /* a file on one side, a symlink on the other */
};

struct dgit_treecmp_entry {
	char *path;
	enum dgit_treecmp_kind kind;
	unsigned mode_a, mode_b;   /* git modes, 0 when absent */
};

struct dgit_treecmp {
	struct dgit_treecmp_entry *entries;  /* the first max, in path order */
	size_t n;
	size_t total;              /* all differences, even past max */
};

/*
 * Compare trees a and b of repo (no rename detection: a renamed file is
 * one path only in a and one only in b).  Paths under a top-level
 * directory named skip_top (NULL: none) are left out.  At most max
 * entries are kept (0: 50); total counts them all.  *out is the
 * caller's: dgit_treecmp_free.  total == 0 means the trees are equal
 * outside skip_top.
 */
const struct dgit_error *dgit_treecmp_trees(struct dgit_treecmp **out,
    git_repository *repo, const git_oid *a, const git_oid *b,
    const char *skip_top, size_t max);

/*
 * One line per entry, "  KIND: PATH" (KIND: "content differs", "only in
 * NAME_A", "only in NAME_B", "mode only (100644 in NAME_A, 100755 in
 * NAME_B)", "file type differs"), then "  ... and N more" when some were
 * left out.  malloc'd (caller frees), NULL when out of memory.
 */
char *dgit_treecmp_describe(const struct dgit_treecmp *c,
    const char *name_a, const char *name_b);

/*
 * dgit's per-path lines for a source package (a) that is not the git
 * tree (b), as its push prints them: "Mode change from A to B: PATH"
 * when the modes differ (A and B as git diff --raw gives them, less the
 * file-type digits of a regular file: 644, 755, 20000 for a symlink,
 * 000000 when absent), with what that means in parentheses; "Content
 * change: PATH" when only the contents differ.  Lines stop before the
 * text would pass max bytes (0: no limit), then "... and N more".
 * malloc'd (caller frees), NULL when out of memory.
 */
char *dgit_treecmp_describe_modes(const struct dgit_treecmp *c, size_t max);

const char *dgit_treecmp_kind_str(enum dgit_treecmp_kind k);

void dgit_treecmp_free(struct dgit_treecmp *c);

#endif
