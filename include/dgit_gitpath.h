/*
 * Git's own rules for the paths it will hold in an index and check out
 * (git's verify_path with core.protectNTFS and core.protectHFS on, as
 * git fsck applies them to every tree whatever the platform): ".git" in
 * any spelling NTFS or HFS+ takes for it (case, trailing dots and spaces,
 * "git~1", NTFS streams such as "::$INDEX_ALLOCATION" or ":x", a
 * backslash as NTFS's separator, HFS+'s ignorable code points), ".", ".."
 * and empty components, and a symlink named ".gitmodules" in any of those
 * spellings (with the NTFS short names "gitmod~N" and "gi7eba~N").
 */
#ifndef DGIT_GITPATH_H
#define DGIT_GITPATH_H

#include "dgit_error.h"

/*
 * NULL when git accepts path (relative, '/'-separated, NUL-terminated)
 * for an entry of the given mode (DGIT_TREE_LINK for a symlink; the mode
 * matters only for symlinks); else a static phrase saying why git
 * refuses it ("a component git takes for .git", ...).
 */
const char *dgit_gitpath_refusal(const char *path, unsigned mode);

/*
 * As dgit_gitpath_refusal, as an error naming the path
 * (DGIT_ERR_UNREPRESENTABLE): git would refuse to check it out.
 */
const struct dgit_error *dgit_gitpath_check(const char *path, unsigned mode);

#endif
