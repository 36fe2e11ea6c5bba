/*
 * Configuration as dgit does it: git config plus -c overrides plus
 * built-in defaults, under dgit's key names (see dgit(1), CONFIGURATION).
 *
 * Sources, first match wins:
 *   1. -c NAME=VALUE overrides (the last one given for a name wins);
 *   2. the repository's config (.git/config), when one was found;
 *   3. global config (~/.gitconfig, then $XDG_CONFIG_HOME/git/config);
 *   4. system config (/etc/gitconfig), skipped when $GIT_CONFIG_NOSYSTEM
 *      is true, as git does;
 *   5. dgit's built-in defaults for that exact name.
 * Within one source, the last value in file order wins (as `git config
 * --get` does; dgit instead refuses several values in one source).
 * A key without a value ("[dgit] foo") reads as "true".
 *
 * Names: "section.sub.section.var" with section and var compared
 * case-insensitively and the subsection case-sensitively, as git does.
 *
 * Built-in defaults follow dgit's for the keys this program uses, without
 * any mirror: dgit-distro.DISTRO.mirror is unset unless configured, and the
 * caller takes the mirror from apt's sources (dgit_aptshim).  Added keys
 * that Perl dgit does not have:
 *   dgit-distro.DISTRO.archive-keyring  keyring for the archive's
 *       InRelease (debian: /usr/share/keyrings/debian-archive-keyring.gpg)
 *   dgit-distro.DISTRO.keyring  ':'-separated keyrings for .dsc signatures
 *       (debian: debian-keyring.gpg, debian-maintainers.gpg and
 *       debian-nonupload.gpg in /usr/share/keyrings; see
 *       dgit_config_get_distro_paths for "where present").
 * With $DGIT_TEST_DUMMY_DIR set (by dgit's own test suite), Perl dgit's
 * built-in "test-dummy" distro: dgit-distro.test-dummy.{mirror,
 * archive-query, archive-query-url, git-url, ...} under that directory.
 *
 * A struct dgit_config is not thread-safe; returned strings are borrowed
 * and live until dgit_config_free.
 */
#ifndef DGIT_CONFIG_H
#define DGIT_CONFIG_H

#include <stddef.h>

#include "dgit_error.h"

struct dgit_config;

/*
 * Read git config.  repo_path: a directory inside a git repository whose
 * config to read (found by searching upwards like git; not being inside
 * one is not an error), or NULL for global and system config only.
 * overrides: n strings "NAME=VALUE" from -c; DGIT_ERR_USAGE when one has
 * no '=' or a malformed name.  DGIT_ERR_GIT when a config file is broken.
 * *out is the caller's; free with dgit_config_free.
 */
const struct dgit_error *dgit_config_new(struct dgit_config **out,
    const char *repo_path, const char *const *overrides, size_t n);
void dgit_config_free(struct dgit_config *cfg);

/* Value of name from the sources above, or NULL when unset.  Borrowed. */
const char *dgit_config_get(const struct dgit_config *cfg, const char *name);

/*
 * Every value of name in the configured sources (not the built-in
 * defaults), in the order git config --get-all lists them: system,
 * global, repository, then -c; into out (up to max, borrowed).  Returns
 * how many there are (possibly more than max).
 */
size_t dgit_config_get_all(const char **out, size_t max,
    const struct dgit_config *cfg, const char *name);

/*
 * A distro's access setting, in dgit's order: for the distro D (after
 * dgit-distro.D.alias-canon) and then its nominal distro
 * (dgit-distro.D.nominal-distro, when set), try dgit-distro.D.KEY; then
 * dgit.default.KEY.  Each name is looked up in every source, built-in
 * defaults included, before the next name: so a built-in
 * dgit-distro.debian.KEY beats a configured dgit.default.KEY, as in dgit.
 * The _push variant tries dgit-distro.D/push.KEY before each
 * dgit-distro.D.KEY (for pushing).  Borrowed, or NULL when unset.
 * (dgit's backports quirk and --instead distros are not implemented.)
 */
const char *dgit_config_get_distro(const struct dgit_config *cfg,
    const char *distro, const char *key);
const char *dgit_config_get_distro_push(const struct dgit_config *cfg,
    const char *distro, const char *key);

/*
 * Booleans as dgit reads them: a value starting with 't', 'y' or '1' (or
 * "on") is true, 'f', 'n' or '0' (or "off") false; unset gives def.
 * DGIT_ERR_USAGE for anything else.
 */
const struct dgit_error *dgit_config_get_bool(int *out,
    const struct dgit_config *cfg, const char *name, int def);
const struct dgit_error *dgit_config_get_distro_bool(int *out,
    const struct dgit_config *cfg, const char *distro, const char *key,
    int def);

/*
 * A distro's ':'-separated list of paths (dgit_config_get_distro), keeping
 * only the files that exist.  *out is a caller-owned array of *n
 * caller-owned strings (NULL and 0 when none); free with
 * dgit_config_paths_free.
 */
const struct dgit_error *dgit_config_get_distro_paths(char ***out,
    size_t *n, const struct dgit_config *cfg, const char *distro,
    const char *key);
void dgit_config_paths_free(char **paths, size_t n);

/*
 * The distro for a suite, as dgit finds it: dgit-suite.SUITE.distro;
 * else the first source having a dgit-suite.PATTERN.distro whose glob
 * PATTERN (fnmatch) matches SUITE (last such key in that source wins;
 * built-in: *-security -> debian-security); else the distro-info CSV file
 * (DIR/DISTRO.csv) whose "series" column names SUITE; else
 * dgit.default.distro ("debian").  Borrowed.
 */
const char *dgit_config_suite_distro(struct dgit_config *cfg,
    const char *suite);

/* Where dgit_config_suite_distro looks for distro-info CSV files
 * (default /usr/share/distro-info); NULL turns the lookup off. */
const struct dgit_error *dgit_config_set_distro_info_dir(
    struct dgit_config *cfg, const char *dir);

/* dgit-distro.DISTRO.alias-canon, or distro itself.  Borrowed. */
const char *dgit_config_canon_distro(const struct dgit_config *cfg,
    const char *distro);

#endif
