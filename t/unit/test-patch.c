/*
 * Unit tests for the patch engine: what must parse (and into what), what
 * must fail, and application results.  Expected results were checked
 * with GNU patch -t -F 0 -N -p1 -u -E (as dpkg-source runs it); the
 * end-to-end comparison with dpkg-source is t/t3100.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgit_patch.h"
#include "unit.h"

struct parse_case {
	const char *name;
	const char *text;
	int strip;
	size_t nfiles;
	/* the first file diff */
	enum dgit_patch_op op;
	const char *old_path, *new_path;
	unsigned old_mode, new_mode;
	int binary;
	size_t nhunks;
};

static const struct parse_case must_parse[] = {
	{ "plain", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "dep3 header skipped",
	  "Description: thing\nAuthor: A <a@b>\n---\n\n--- a/d/f\n+++ b/d/f\n"
	  "@@ -1,2 +1,2 @@\n a\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "d/f", "d/f", 0, 0, 0, 1 },
	{ "strip 0", "--- f\n+++ f\n@@ -1 +1 @@\n-x\n+y\n", 0, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "strip 2", "--- x/a/f\n+++ y/a/f\n@@ -1 +1 @@\n-x\n+y\n", 2, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "double slash counts once", "--- a//f\n+++ b//f\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "leading .. stripped away", "--- ../f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "tab timestamp",
	  "--- a/f\t2020-01-01 00:00:00\n+++ b/f\t2020-01-01\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "space timestamp",
	  "--- a/f 2020-01-01 00:00:00 +0000\n+++ b/f 2020-01-01\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "create", "--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+y\n", 1, 1,
	  DGIT_PATCH_CREATE, NULL, "n", 0, 0, 0, 1 },
	{ "delete", "--- a/n\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n", 1, 1,
	  DGIT_PATCH_DELETE, "n", NULL, 0, 0, 0, 1 },
	{ "two hunks two files",
	  "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n@@ -5 +5 @@\n-x\n+y\n"
	  "junk between\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-x\n+y\n", 1, 2,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 2 },
	{ "git modify",
	  "diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "git mode change", "diff --git a/f b/f\nold mode 100644\nnew mode 100755\n",
	  1, 1, DGIT_PATCH_MODIFY, "f", "f", 0100644, 0100755, 0, 0 },
	{ "git new file",
	  "diff --git a/n b/n\nnew file mode 100755\nindex 0..1\n--- /dev/null\n+++ b/n\n"
	  "@@ -0,0 +1 @@\n+y\n", 1, 1, DGIT_PATCH_CREATE, NULL, "n", 0, 0100755, 0, 1 },
	{ "git new empty file", "diff --git a/n b/n\nnew file mode 100644\nindex 0..1\n",
	  1, 1, DGIT_PATCH_CREATE, NULL, "n", 0, 0100644, 0, 0 },
	{ "git deleted",
	  "diff --git a/n b/n\ndeleted file mode 100644\nindex 1..0\n--- a/n\n+++ /dev/null\n"
	  "@@ -1 +0,0 @@\n-y\n", 1, 1, DGIT_PATCH_DELETE, "n", NULL, 0100644, 0, 0, 1 },
	{ "git rename",
	  "diff --git a/d/f b/e/g\nsimilarity index 100%\nrename from d/f\nrename to e/g\n",
	  1, 1, DGIT_PATCH_RENAME, "d/f", "e/g", 0, 0, 0, 0 },
	{ "git copy with change",
	  "diff --git a/f b/g\nsimilarity index 90%\ncopy from f\ncopy to g\n"
	  "--- a/f\n+++ b/g\n@@ -1 +1 @@\n-x\n+y\n",
	  1, 1, DGIT_PATCH_COPY, "f", "g", 0, 0, 0, 1 },
	{ "git binary",
	  "diff --git a/b b/b\nindex 1..2 100644\nGIT binary patch\nliteral 3\nKcmZQzWMT\n\n"
	  "literal 0\nHcmV?d00001\n\n", 1, 1, DGIT_PATCH_MODIFY, "b", "b", 0, 0, 1, 0 },
	{ "binary files differ",
	  "diff --git a/b b/b\nindex 1..2 100644\nBinary files a/b and b/b differ\n",
	  1, 1, DGIT_PATCH_MODIFY, "b", "b", 0, 0, 1, 0 },
	{ "crlf patch", "--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "no newline markers",
	  "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n"
	  "\\ No newline at end of file\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "empty context line", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "indented", "  --- a/f\n  +++ b/f\n  @@ -1 +1 @@\n  -x\n  +y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "format-patch",
	  "From 0123 Mon Sep 17 00:00:00 2001\nFrom: A <a@b>\nSubject: [PATCH] s\n\nbody\n"
	  "---\n f | 2 +-\n\ndiff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n"
	  "@@ -1 +1 @@\n-x\n+y\n-- \n2.39.0\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "old name too short", "--- f.orig\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "new name too short", "--- a/f\n+++ f\n@@ -1 +1 @@\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "f", "f", 0, 0, 0, 1 },
	{ "absolute stripped by -p1", "--- /usr/f\n+++ /usr/f\n@@ -1 +1 @@\n-x\n+y\n", 1, 1,
	  DGIT_PATCH_MODIFY, "usr/f", "usr/f", 0, 0, 0, 1 },
	{ "empty input", "", 1, 0, DGIT_PATCH_MODIFY, NULL, NULL, 0, 0, 0, 0 },
};

struct fail_case {
	const char *name;
	const char *text;
	int strip;
	enum dgit_error_code code;
	const char *msg;     /* a substring of the message */
};

static const struct fail_case must_fail[] = {
	{ "dotdot", "--- a/../f\n+++ b/../f\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_UNSAFE_PATH, "line 1 contains '..'" },
	{ "dotdot deep", "--- a/x/../../f\n+++ b/x/../../f\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_UNSAFE_PATH, "'..'" },
	{ "absolute", "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-x\n+y\n", 0,
	  DGIT_ERR_UNSAFE_PATH, "absolute" },
	{ "git rename dotdot",
	  "diff --git a/f b/g\nrename from f\nrename to ../g\n", 1,
	  DGIT_ERR_UNSAFE_PATH, "'..'" },
	{ "nothing left", "--- f\n+++ f\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_PARSE, "line 1 is valid after stripping 1" },
	{ "empty after strip", "--- a/\n+++ b/\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_PARSE, "is valid after stripping" },
	{ "dotdot in the other name", "--- a/../f\n+++ b/f\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_UNSAFE_PATH, "'a/../f'" },
	{ "create of nothing", "--- /dev/null\n+++ f\n@@ -0,0 +1 @@\n+y\n", 1,
	  DGIT_ERR_PARSE, "valid" },
	{ "both dev null", "--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+y\n", 1,
	  DGIT_ERR_PARSE, "are /dev/null" },
	{ "short hunk", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-x\n+y\nrandom\n", 1,
	  DGIT_ERR_PARSE, "at line 7" },
	/* only context missing at the end is read as blank (GNU patch) */
	{ "hunk at eof", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-x\n-z\n", 1,
	  DGIT_ERR_PARSE, "hunk at line 3 ends early" },
	{ "too many minus", "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-x\n-z\n+y\n", 1,
	  DGIT_ERR_PARSE, "at line 5: hunk at line 3 has more lines" },
	{ "bad header", "--- a/f\n+++ b/f\n@@ -x +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_PARSE, "malformed hunk header in 'T' at line 3" },
	{ "header no @@ end", "--- a/f\n+++ b/f\n@@ -1 +1\n-x\n+y\n", 1,
	  DGIT_ERR_PARSE, "line 3" },
	{ "no hunks", "--- a/f\n+++ b/f\ntext\n", 1, DGIT_ERR_PARSE, "no hunks" },
	{ "minus without plus", "text\n--- a/f\nmore\n", 1, DGIT_ERR_PARSE,
	  "line 3 after --- is not +++" },
	{ "minus at eof", "text\n--- a/f\n", 1, DGIT_ERR_PARSE,
	  "middle of a ---/+++ header" },
	{ "only text", "Description: x\n", 1, DGIT_ERR_PARSE, "contains no diff" },
	{ "quoted name", "--- \"a/f\"\n+++ \"b/f\"\n@@ -1 +1 @@\n-x\n+y\n", 1,
	  DGIT_ERR_PARSE, "quoted" },
	{ "huge count", "--- a/f\n+++ b/f\n@@ -1,99999999999999999999 +1 @@\n", 1,
	  DGIT_ERR_PARSE, "line 3" },
	{ "rename without to", "diff --git a/f b/g\nrename from f\n", 1,
	  DGIT_ERR_PARSE, "incomplete rename" },
};

struct apply_case {
	const char *name;
	const char *old;     /* NULL: file absent */
	const char *patch;
	const char *want;    /* NULL: must fail */
	const char *msg;     /* failure: substring of the message */
	int remove;          /* expected *out_remove */
};

static const struct apply_case applies[] = {
	{ "in place", "a\nb\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
	  "a\nB\nc\n", NULL, 0 },
	{ "offset forward", "z\nz\na\nb\nc\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", "z\nz\na\nB\nc\n", NULL, 0 },
	{ "offset backward", "a\nb\nc\nz\n",
	  "--- a/f\n+++ b/f\n@@ -5,3 +5,3 @@\n a\n-b\n+B\n c\n", "a\nB\nc\nz\n", NULL, 0 },
	{ "tie goes forward", "x\nx\nm\nx\nm\nx\n",
	  "--- a/f\n+++ b/f\n@@ -4 +4 @@\n-m\n+M\n", "x\nx\nm\nx\nM\nx\n", NULL, 0 },
	{ "fuzz refused", "a\nb\nC\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", NULL,
	  "'T' does not apply to 'f': hunk #1 failed at line 1", 0 },
	{ "second hunk named", "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-1\n+one\n 2\n@@ -8,2 +8,2 @@\n 8\n-nine\n+NINE\n",
	  NULL, "hunk #2 failed at line 8", 0 },
	{ "hunks stay in order", "m\nx\nm\n",
	  "--- a/f\n+++ b/f\n@@ -3 +3 @@\n-m\n+A\n@@ -1 +1 @@\n-m\n+B\n",
	  NULL, "hunk #2 failed", 0 },
	{ "start anchored", "z\na\nb\nc\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n", NULL, "hunk #1", 0 },
	{ "end anchored", "a\nb\nc\nz\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+C\n", NULL, "hunk #1", 0 },
	{ "end anchored moves to end", "q\na\nb\nc\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+C\n", "q\na\nb\nC\n", NULL, 0 },
	{ "insert at top", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+X\n",
	  "X\na\n", NULL, 0 },
	{ "insert after line", "a\nb\n", "--- a/f\n+++ b/f\n@@ -1,0 +2 @@\n+X\n",
	  "a\nX\nb\n", NULL, 0 },
	{ "create", NULL, "--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n",
	  "x\ny\n", NULL, 0 },
	{ "create over empty", "", "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n",
	  "x\n", NULL, 0 },
	{ "create over existing", "a\n", "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+x\n",
	  NULL, "already exists", 0 },
	{ "delete", "a\nb\n", "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
	  "", NULL, 1 },
	{ "delete mismatch", "a\nb\nc\n", "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
	  NULL, "content differs", 0 },
	{ "emptied is removed", "a\n", "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-a\n",
	  "", NULL, 1 },
	{ "add final newline", "a\nb",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	  "a\nb\n", NULL, 0 },
	{ "drop final newline", "a\nb\n",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
	  "a\nb", NULL, 0 },
	{ "context lacks newline", "a\nb",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n\\ No newline at end of file\n",
	  "A\nb", NULL, 0 },
	{ "newline mismatch", "a\nb\n",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n\\ No newline at end of file\n",
	  NULL, "hunk #1 failed", 0 },
	{ "crlf patch on lf file", "a\nb\n",
	  "--- a/f\r\n+++ b/f\r\n@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+B\r\n", "a\nB\n", NULL, 0 },
	{ "crlf body on crlf file", "a\r\nb\r\n",
	  "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n", "a\r\nB\r\n", NULL, 0 },
	{ "reversed detected", "a\nB\nc\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", NULL,
	  "reversed (or previously applied)", 0 },
	{ "missing file", NULL, "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n",
	  NULL, "hunk #1 failed", 0 },
	{ "binary refused", "x", "diff --git a/f b/f\nindex 1..2 100644\n"
	  "Binary files a/f and b/f differ\n", NULL, "binary", 0 },
	{ "blank context line", "a\n\nc\n",
	  "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n-a\n+A\n\n c\n", "A\n\nc\n", NULL, 0 },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(must_parse) / sizeof(must_parse[0]); i++) {
		const struct parse_case *c = &must_parse[i];
		const struct dgit_patch_file *pf;
		struct dgit_patch *p;
		const struct dgit_error *err;

		err = dgit_patch_parse(&p, c->text, strlen(c->text), c->strip,
		    "T");
		if (!unit_ok(err == NULL, "parse %s", c->name)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		unit_ok(dgit_patch_nfiles(p) == c->nfiles, "%s: %zu files",
		    c->name, c->nfiles);
		if (c->nfiles) {
			pf = dgit_patch_file(p, 0);
			unit_ok(pf->op == c->op, "%s: op %d (got %d)", c->name,
			    c->op, pf->op);
			unit_ok((c->old_path == NULL) == (pf->old_path == NULL) &&
			    (!c->old_path || !strcmp(c->old_path,
			    pf->old_path)), "%s: old path %s (got %s)", c->name,
			    c->old_path ? c->old_path : "NULL",
			    pf->old_path ? pf->old_path : "NULL");
			unit_ok((c->new_path == NULL) == (pf->new_path == NULL) &&
			    (!c->new_path || !strcmp(c->new_path,
			    pf->new_path)), "%s: new path %s (got %s)", c->name,
			    c->new_path ? c->new_path : "NULL",
			    pf->new_path ? pf->new_path : "NULL");
			unit_ok(pf->old_mode == c->old_mode &&
			    pf->new_mode == c->new_mode,
			    "%s: modes %o %o (got %o %o)", c->name, c->old_mode,
			    c->new_mode, pf->old_mode, pf->new_mode);
			unit_ok(pf->binary == c->binary, "%s: binary %d",
			    c->name, c->binary);
			unit_ok(pf->nhunks == c->nhunks,
			    "%s: %zu hunks (got %zu)", c->name, c->nhunks,
			    pf->nhunks);
		}
		dgit_patch_free(p);
	}
}

static void
test_fail(void)
{
	size_t i;

	for (i = 0; i < sizeof(must_fail) / sizeof(must_fail[0]); i++) {
		const struct fail_case *c = &must_fail[i];
		struct dgit_patch *p;
		const struct dgit_error *err;

		err = dgit_patch_parse(&p, c->text, strlen(c->text), c->strip,
		    "T");
		if (!unit_ok(err != NULL && p == NULL, "refuse %s", c->name)) {
			dgit_patch_free(p);
			continue;
		}
		unit_ok(err->code == c->code && strstr(err->msg, c->msg),
		    "%s: code %d, message has \"%s\"", c->name, c->code,
		    c->msg) || (unit_diag("  got %d: %s", err->code,
		    err->msg), 0);
	}
}

static void
test_apply(void)
{
	size_t i;

	for (i = 0; i < sizeof(applies) / sizeof(applies[0]); i++) {
		const struct apply_case *c = &applies[i];
		struct dgit_patch *p;
		const struct dgit_error *err;
		char *out;
		size_t out_len;
		int remove;

		err = dgit_patch_parse(&p, c->patch, strlen(c->patch), 1, "T");
		if (!unit_ok(err == NULL, "apply %s: parses", c->name)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		err = dgit_patch_apply_file_ex(&out, &out_len, &remove,
		    dgit_patch_file(p, 0), c->old,
		    c->old ? strlen(c->old) : 0, 0, "T");
		if (c->want) {
			if (unit_ok(err == NULL, "apply %s", c->name)) {
				unit_ok(out_len == strlen(c->want) &&
				    memcmp(out, c->want, out_len) == 0,
				    "%s: result", c->name) ||
				    (unit_diag("  got '%.*s'", (int)out_len,
				    out), 0);
				unit_ok(remove == c->remove, "%s: remove %d",
				    c->name, c->remove);
			} else
				unit_diag("  %s", err->msg);
		} else {
			unit_ok(err != NULL && out == NULL &&
			    err->code == DGIT_ERR_PATCH &&
			    strstr(err->msg, c->msg) != NULL,
			    "apply %s fails with \"%s\"", c->name, c->msg) ||
			    (unit_diag("  got %s", err ? err->msg : "success"),
			    0);
		}
		free(out);
		dgit_patch_free(p);
	}
}

/* 1.0 .diff.gz: an emptied file stays (no -E), a DELETE still removes. */
static void
test_keep_empty(void)
{
	static const char emptied[] = "--- a/f\n+++ b/f\n@@ -1 +0,0 @@\n-a\n";
	static const char deleted[] = "--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n";
	struct dgit_patch *p;
	char *out;
	size_t len;
	int remove = -1;

	if (!dgit_patch_parse(&p, emptied, strlen(emptied), 1, "T")) {
		unit_ok(!dgit_patch_apply_file_ex(&out, &len, &remove,
		    dgit_patch_file(p, 0), "a\n", 2, DGIT_PATCH_KEEP_EMPTY,
		    "T") && len == 0 && remove == 0, "keep-empty keeps");
		free(out);
		dgit_patch_free(p);
	}
	if (!dgit_patch_parse(&p, deleted, strlen(deleted), 1, "T")) {
		unit_ok(!dgit_patch_apply_file_ex(&out, &len, &remove,
		    dgit_patch_file(p, 0), "a\n", 2, DGIT_PATCH_KEEP_EMPTY,
		    "T") && len == 0 && remove == 1,
		    "keep-empty still deletes /dev/null");
		free(out);
		dgit_patch_free(p);
	}
}

/* Many hunks over a big file: one pass, so this is fast. */
static void
test_big(void)
{
	size_t n = 200000, i, plen = 0, pcap = 64 * n, olen = 0, wlen = 0;
	char *old = malloc(n * 12), *want = malloc(n * 12);
	char *patch = malloc(pcap), *out = NULL;
	struct dgit_patch *p;
	const struct dgit_error *err;
	size_t out_len = 0;

	plen += (size_t)snprintf(patch, pcap, "--- a/f\n+++ b/f\n");
	for (i = 0; i < n; i++) {
		olen += (size_t)snprintf(old + olen, 12, "%zu\n", i);
		/* hunks below change lines 2, 102, 202, ... */
		if (i % 100 == 2 && i + 2 < n)
			wlen += (size_t)snprintf(want + wlen, 12, "X\n");
		else
			wlen += (size_t)snprintf(want + wlen, 12, "%zu\n", i);
	}
	for (i = 1; i + 3 < n; i += 100)
		plen += (size_t)snprintf(patch + plen, pcap - plen,
		    "@@ -%zu,3 +%zu,3 @@\n %zu\n-%zu\n+X\n %zu\n", i + 1, i + 1,
		    i, i + 1, i + 2);
	err = dgit_patch_parse(&p, patch, plen, 1, "big");
	if (unit_ok(!err, "big patch parses")) {
		err = dgit_patch_apply_file(&out, &out_len,
		    dgit_patch_file(p, 0), old, olen, "big");
		unit_ok(!err && out_len == wlen && !memcmp(out, want, wlen),
		    "big patch applies");
		free(out);
		dgit_patch_free(p);
	}
	free(old);
	free(want);
	free(patch);
}

/* ---- the streaming applier must give what the in-memory one gives ---- */

struct mem_io {
	const char *old;
	size_t len, pos, piece;   /* piece: at most this much per read */
	char *out;
	size_t out_len, out_cap;
	int rewinds;
};

static const struct dgit_error *
mem_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct mem_io *m = ctx;
	size_t n = m->len - m->pos;

	if (n > cap)
		n = cap;
	if (n > m->piece)
		n = m->piece;
	memcpy(buf, m->old + m->pos, n);
	m->pos += n;
	*got = n;
	return NULL;
}

static const struct dgit_error *
mem_rewind(void *ctx)
{
	struct mem_io *m = ctx;

	m->pos = 0;
	m->rewinds++;
	return NULL;
}

static const struct dgit_error *
mem_write(void *ctx, const void *buf, size_t len)
{
	struct mem_io *m = ctx;

	if (m->out_len + len > m->out_cap) {
		size_t ncap = (m->out_len + len) * 2 + 16;
		char *nb = realloc(m->out, ncap);

		if (nb == NULL)
			return dgit_error(DGIT_ERR_NOMEM);
		m->out = nb;
		m->out_cap = ncap;
	}
	memcpy(m->out + m->out_len, buf, len);
	m->out_len += len;
	return NULL;
}

/*
 * Apply pf to old both ways, the streaming one with a hold of `hold`
 * bytes and reads of `piece`; 1 when both agree on the result or the
 * error message.
 */
static const char *diag_patch = "";   /* shown when they disagree */
static int stream_rewinds;             /* how often the content was read again */

static int
same_both_ways(const struct dgit_patch_file *pf, const char *old,
    size_t old_len, unsigned flags, size_t hold, size_t piece,
    const char *name)
{
	struct mem_io m = { old, old_len, 0, piece, NULL, 0, 0, 0 };
	struct dgit_patch_io io = { mem_read, mem_rewind, &m, mem_write, &m,
	    hold, piece };
	const struct dgit_error *e1, *e2;
	char *out = NULL;
	size_t out_len = 0;
	int r1 = -1, r2 = -1, ok;

	e1 = dgit_patch_apply_file_ex(&out, &out_len, &r1, pf, old, old_len,
	    flags, "T");
	e2 = dgit_patch_apply_stream(&r2, pf, &io, old_len, flags, "T");
	if (e1 || e2)
		ok = e1 && e2 && e1->code == e2->code &&
		    strcmp(e1->msg, e2->msg) == 0;
	else
		ok = out_len == m.out_len &&
		    (out_len == 0 || memcmp(out, m.out, out_len) == 0) &&
		    r1 == r2 && m.out_len == dgit_patch_new_length(pf, old_len);
	if (!ok)
		unit_diag("  %s (hold %zu, piece %zu): in memory %s '%.*s', "
		    "streaming %s '%.*s'", name, hold, piece,
		    e1 ? e1->msg : "ok", e1 ? 0 : (int)out_len, out ? out : "",
		    e2 ? e2->msg : "ok", e2 ? 0 : (int)m.out_len,
		    m.out ? m.out : "");
	stream_rewinds += m.rewinds;
	if (!ok)
		unit_diag("  old '%.*s' patch '%s'", (int)old_len, old,
		    diag_patch);
	free(out);
	free(m.out);
	return ok;
}

static const size_t holds[] = { 1, 2, 5, 64, 1 << 20 };
static const size_t pieces[] = { 1, 3, 7, 65536 };

static void
test_stream_table(void)
{
	for (size_t i = 0; i < sizeof(applies) / sizeof(applies[0]); i++) {
		const struct apply_case *c = &applies[i];
		struct dgit_patch *p;
		int ok = 1;

		if (c->old == NULL || dgit_patch_parse(&p, c->patch,
		    strlen(c->patch), 1, "T"))
			continue;
		for (size_t h = 0; h < sizeof holds / sizeof *holds; h++)
			for (size_t q = 0; q < sizeof pieces / sizeof *pieces;
			    q++)
				ok &= same_both_ways(dgit_patch_file(p, 0),
				    c->old, strlen(c->old), 0, holds[h],
				    pieces[q], c->name);
		unit_ok(ok, "streaming %s", c->name);
		dgit_patch_free(p);
	}
}

/* A small deterministic generator, so failures can be replayed. */
static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

/*
 * Random files of few distinct lines (so hunks match in many places)
 * and random hunks taken from them, then the file is shifted so the
 * hunks land at offsets, sometimes behind the previous hunk or changed
 * so they fail: every placement rule gets exercised.
 */
static void
test_stream_random(void)
{
	static const char *words[] = { "a", "b", "c", "", "dd" };
	int agree = 0, total = 0;

	for (int round = 0; round < 3000; round++) {
		char old[4096], patch[8192], shifted[8192];
		size_t ol = 0, pl = 0, sl = 0, nlines = 1 + rnd(40);
		size_t starts[64], nstart = 0, line = 0, i;
		struct dgit_patch *p;

		for (i = 0; i < nlines; i++) {
			starts[nstart < 64 ? nstart++ : 63] = ol;
			ol += (size_t)snprintf(old + ol, sizeof old - ol, "%s\n",
			    words[rnd(5)]);
		}
		if (rnd(4) == 0)
			ol--;   /* no newline at the end */
		pl = (size_t)snprintf(patch, sizeof patch, "--- a/f\n+++ b/f\n");
		line = 0;
		for (int hk = 0, nh = 1 + (int)rnd(3); hk < nh; hk++) {
			size_t from = line + rnd(4), pre = rnd(3), chg = rnd(3),
			    post = rnd(3), add = rnd(3), k;
			char body[2048];
			size_t bl = 0;

			if (from + pre + chg + post > nlines)
				break;
			for (k = 0; k < pre + chg + post; k++) {
				size_t at = starts[from + k];
				const char *nl = memchr(old + at, '\n', ol - at);
				size_t len = nl ? (size_t)(nl - (old + at)) :
				    ol - at;
				char kind = k >= pre && k < pre + chg ? '-' : ' ';

				bl += (size_t)snprintf(body + bl, sizeof body - bl,
				    "%c%.*s\n%s", kind, (int)len, old + at,
				    nl ? "" : "\\ No newline at end of file\n");
				if (k == pre + chg - 1 || (chg == 0 && k + 1 ==
				    pre))
					for (size_t j = 0; j < add; j++)
						bl += (size_t)snprintf(body + bl,
						    sizeof body - bl, "+new%zu\n",
						    j);
			}
			if (pre + chg + post == 0)
				break;
			pl += (size_t)snprintf(patch + pl, sizeof patch - pl,
			    "@@ -%zu,%zu +%zu,%zu @@\n%.*s", from + 1,
			    pre + chg + post, from + 1, pre + post + add,
			    (int)bl, body);
			line = from + pre + chg + post;
		}
		/* shift: lines added at the front or middle, or removed */
		sl = 0;
		for (i = rnd(3); i > 0; i--)
			sl += (size_t)snprintf(shifted + sl, sizeof shifted - sl,
			    "%s\n", words[rnd(5)]);
		{
			size_t cut = rnd(5) == 0 && nstart > 1 ?
			    starts[rnd((unsigned)nstart)] : 0;
			size_t drop = rnd(6) == 0 && nstart > 2 ?
			    starts[1] : 0;

			if (cut > drop) {
				memcpy(shifted + sl, old + drop, cut - drop);
				sl += cut - drop;
				sl += (size_t)snprintf(shifted + sl,
				    sizeof shifted - sl, "%s\n", words[rnd(5)]);
				memcpy(shifted + sl, old + cut, ol - cut);
				sl += ol - cut;
			} else {
				memcpy(shifted + sl, old + drop, ol - drop);
				sl += ol - drop;
			}
		}
		/* hunk counts may be off (the new side): fix by reparsing
		 * failures away, as only parsable patches matter here */
		if (dgit_patch_parse(&p, patch, pl, 1, "T"))
			continue;
		patch[pl] = '\0';
		diag_patch = patch;
		if (dgit_patch_nfiles(p) == 1) {
			for (size_t h = 0; h < 3; h++) {
				int sh = (int)rnd(2);

				total++;
				agree += same_both_ways(dgit_patch_file(p, 0),
				    sh ? shifted : old, sh ? sl : ol,
				    rnd(2) ? DGIT_PATCH_KEEP_EMPTY : 0,
				    holds[h], pieces[rnd(4)], "random");
			}
		}
		dgit_patch_free(p);
	}
	unit_ok(total > 3000 && agree == total,
	    "streaming agrees with in-memory on %d random cases (%d agree)",
	    total, agree);
	unit_ok(stream_rewinds > 100, "reading again was exercised (%d times)",
	    stream_rewinds);
}

static int
is_link(const char *path, void *ctx)
{
	return strcmp(path, ctx) == 0;
}

static void
test_symlinks(void)
{
	const struct dgit_error *err;

	unit_ok(!dgit_patch_check_symlinks("a/b/c", is_link, "x", "T"),
	    "no symlink on the way");
	err = dgit_patch_check_symlinks("a/b/c", is_link, "a/b", "T");
	unit_ok(err && err->code == DGIT_ERR_UNSAFE_PATH &&
	    strstr(err->msg, "'a/b/c' through a symlink ('a/b')"),
	    "symlinked directory named");
	err = dgit_patch_check_symlinks("a/b/c", is_link, "a/b/c", "T");
	unit_ok(err && strstr(err->msg, "('a/b/c')"), "symlink itself");
	err = dgit_patch_check_symlinks("f", is_link, "f", "T");
	unit_ok(err != NULL, "top-level symlink");
}

int
main(void)
{
	test_parse();
	test_fail();
	test_apply();
	test_keep_empty();
	test_big();
	test_stream_table();
	test_stream_random();
	test_symlinks();
	return unit_done();
}
