/*
 * Git's path rules (see dgit_gitpath.h), written from git's documented
 * behaviour (core.protectNTFS, core.protectHFS in git-config(1)) and
 * checked against git itself by t/unit/test-gitpath.c's table and
 * t/t3210-gitpath-vs-git.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dgit_error.h"
#include "dgit_gitpath.h"
#include "dgit_tree.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* NTFS: '/' and '\' both end a name. */
static int
ntfs_sep(int c)
{
	return c == '/' || c == '\\';
}

/*
 * NTFS: ".git" or "git~1", then only dots and spaces (which NTFS drops)
 * up to the end of the name or a stream (":").
 */
static int
ntfs_dotgit(const char *s)
{
	size_t i;

	if (s[0] == '.' && lower(s[1]) == 'g' && lower(s[2]) == 'i' &&
	    lower(s[3]) == 't')
		i = 4;
	else if (lower(s[0]) == 'g' && lower(s[1]) == 'i' &&
	    lower(s[2]) == 't' && s[3] == '~' && s[4] == '1')
		i = 5;
	else
		return 0;
	for (;; i++) {
		if (s[i] == '\0' || ntfs_sep(s[i]) || s[i] == ':')
			return 1;
		if (s[i] != '.' && s[i] != ' ')
			return 0;
	}
}

/* Only dots and spaces from s[i] to the end or a stream. */
static int
ntfs_rest_dropped(const char *s, size_t i)
{
	for (;; i++) {
		if (s[i] == '\0' || s[i] == ':')
			return 1;
		if (s[i] != ' ' && s[i] != '.')
			return 0;
	}
}

/*
 * NTFS: ".gitmodules", its short name "gitmod~1".."gitmod~4", or a
 * fall-back short name "gi7eba~N" (the prefix cut where the "~N" starts),
 * each followed only by what NTFS drops.
 */
static int
ntfs_dotgitmodules(const char *s)
{
	static const char name[] = "gitmodules", shortp[] = "gi7eba";
	int tilde = 0;
	size_t i;

	if (s[0] == '.' && strncasecmp(s + 1, name, 10) == 0)
		return ntfs_rest_dropped(s, 11);
	if (strncasecmp(s, name, 6) == 0 && s[6] == '~' && s[7] >= '1' &&
	    s[7] <= '4')
		return ntfs_rest_dropped(s, 8);
	for (i = 0; i < 8; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return 0;
		if (tilde) {
			if (c < '0' || c > '9')
				return 0;
		} else if (c == '~') {
			i++;
			if (s[i] < '1' || s[i] > '9')
				return 0;
			tilde = 1;
		} else if (i >= 6 || (c & 0x80) || lower(c) != shortp[i])
			return 0;
	}
	return ntfs_rest_dropped(s, 8);
}

/*
 * The next code point of s for HFS+, which ignores some code points in
 * names (zero-width joiners, direction marks, the BOM); 0 at the end of
 * the string and at a malformed sequence (which ends the name for git).
 */
static uint32_t
hfs_next(const char **sp)
{
	for (;;) {
		const unsigned char *s = (const unsigned char *)*sp;
		uint32_t c;
		size_t n, k;

		if (s[0] < 0x80) {
			c = s[0];
			n = 1;
		} else if ((s[0] & 0xe0) == 0xc0) {
			c = s[0] & 0x1f;
			n = 2;
		} else if ((s[0] & 0xf0) == 0xe0) {
			c = s[0] & 0x0f;
			n = 3;
		} else if ((s[0] & 0xf8) == 0xf0) {
			c = s[0] & 0x07;
			n = 4;
		} else
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[k] & 0x3f);
		}
		if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
		    (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
		if (c == 0)
			return 0;
		*sp += n;
		if ((c >= 0x200c && c <= 0x200f) ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x206a && c <= 0x206f) || c == 0xfeff)
			continue;
		return c;
	}
}

/* HFS+: "." then needle, case folded, ignoring ignorables, then the end. */
static int
hfs_dot(const char *s, const char *needle)
{
	uint32_t c;

	if (hfs_next(&s) != '.')
		return 0;
	for (; *needle; needle++) {
		c = hfs_next(&s);
		if (c > 127 || (uint32_t)lower((int)c) != (unsigned char)*needle)
			return 0;
	}
	c = hfs_next(&s);
	return c == 0 || c == '/';
}

/*
 * What follows a leading '.' of a component: not empty (".") nor "."
 * (".."), not "git", and for a symlink not "gitmodules" (any case).
 */
static const char *
dotfile(const char *rest, int link)
{
	if (rest[0] == '\0' || rest[0] == '/')
		return "a '.' component";
	if (rest[0] == '.' && (rest[1] == '\0' || rest[1] == '/'))
		return "a '..' component";
	if (lower(rest[0]) == 'g' && lower(rest[1]) == 'i' &&
	    lower(rest[2]) == 't') {
		if (rest[3] == '\0' || rest[3] == '/')
			return "a '.git' component";
		if (link && strncasecmp(rest + 3, "modules", 7) == 0 &&
		    (rest[10] == '\0' || rest[10] == '/'))
			return "a symlink git takes for .gitmodules";
	}
	return NULL;
}

/* Checks made at the start of a component s and after a backslash. */
static const char *
ntfs_checks(const char *s, int link)
{
	if (ntfs_dotgit(s))
		return "a component NTFS takes for .git";
	if (link && ntfs_dotgitmodules(s))
		return "a symlink NTFS takes for .gitmodules";
	return NULL;
}

const char *
dgit_gitpath_refusal(const char *path, unsigned mode)
{
	int link = mode == DGIT_TREE_LINK;
	const char *p = path, *why;
	char c;

	for (;;) {
		/* p: the start of a component */
		if (hfs_dot(p, "git"))
			return "a component HFS+ takes for .git";
		if (link && hfs_dot(p, "gitmodules"))
			return "a symlink HFS+ takes for .gitmodules";
		if ((why = ntfs_checks(p, link)))
			return why;
		c = *p++;
		if (c == '.' && (why = dotfile(p, link)))
			return why;
		if (c == '/' || c == '\0')
			return "an empty component";
		/* as git: a backslash first in a component is not looked at */
		for (c = *p++;; c = *p++) {
			if (c == '\0')
				return NULL;
			if (c == '/')
				break;
			if (c == '\\' && (why = ntfs_checks(p, link)))
				return why;
		}
	}
}

const struct dgit_error *
dgit_gitpath_check(const char *path, unsigned mode)
{
	const char *why = dgit_gitpath_refusal(path, mode);

	if (why == NULL)
		return NULL;
	return dgit_error_fmt(DGIT_ERR_UNREPRESENTABLE, "refusing the path "
	    "'%s': git refuses it (%s); the package cannot be held in git",
	    path, why);
}
