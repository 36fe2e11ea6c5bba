/*
 * Debian version numbers: [epoch:]upstream_version[-debian_revision]
 * (Debian Policy 5.6.12), checked as strictly as dpkg: the strings refused
 * here are those dpkg rejects or warns about ("bad syntax"), plus leading
 * or trailing whitespace (which dpkg trims) and strings over 1024 bytes:
 *
 *   - no whitespace, not empty;
 *   - epoch: what precedes the first ':'; one or more ASCII digits, value
 *     at most 2147483647; something must follow the ':';
 *   - debian_revision: what follows the last '-'; non-empty; only ASCII
 *     letters, digits and "+.~";
 *   - upstream_version: the rest; non-empty; starts with a digit; only
 *     ASCII letters, digits and ".+~-:".  So a '-' in it needs a revision
 *     and a ':' in it needs an epoch, as Policy says (current Policy no
 *     longer allows ':' there at all, but dpkg and the archive accept it).
 *
 * Comparison is apt's (libapt-pkg through dgit_aptshim), which orders
 * versions exactly as dpkg does.
 */
#ifndef DGIT_VERSION_H
#define DGIT_VERSION_H

#include "dgit_error.h"

/* The parts of a version; each string is owned by the struct. */
struct dgit_version {
	char *epoch;     /* digits as written, NULL when there is none */
	char *upstream;  /* upstream_version */
	char *revision;  /* debian_revision, NULL for a native version */
};

/*
 * Split and validate s into *v (zeroed on entry, caller releases with
 * dgit_version_release, also after a failure).  DGIT_ERR_PARSE with the
 * version quoted and the reason when s is not a valid version.
 */
const struct dgit_error *dgit_version_parse(struct dgit_version *v,
    const char *s);
void dgit_version_release(struct dgit_version *v);

/* Validate only; the same errors as dgit_version_parse. */
const struct dgit_error *dgit_version_check(const char *s);

/*
 * <0, 0, >0 as a is older than, equal to, newer than b (dpkg's order:
 * "1.0~rc1" < "1.0" < "1.0+b1", "0:1" == "1").  Does not validate.
 */
int dgit_version_compare(const char *a, const char *b);

/* As dgit_version_compare, after checking both are valid versions. */
const struct dgit_error *dgit_version_compare_checked(int *result,
    const char *a, const char *b);

/*
 * The helpers below validate v and put a caller-owned string (free(3))
 * in *out, NULL on failure.
 */

/* upstream_version alone: "1:2.0~rc1-3" -> "2.0~rc1" (orig tarball
 * names: PKG_UPSTREAM.orig.tar.*). */
const struct dgit_error *dgit_version_upstream(char **out, const char *v);

/* Without the epoch: "1:2.0-3" -> "2.0-3" (.dsc, .debian.tar names). */
const struct dgit_error *dgit_version_noepoch(char **out, const char *v);

/*
 * DEP-14 "version mangling" for git ref names, as dgit does it: ':' -> '%',
 * '~' -> '_', and a '#' after each '.' followed by another '.', by the end
 * of the string, or by "lock" at the end.  "1:2.0~rc1-3" -> "1%2.0_rc1-3".
 */
const struct dgit_error *dgit_version_mangle(char **out, const char *v);
/* The tags made of it are in dgit_history.h. */

#endif
