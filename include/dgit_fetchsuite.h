/*
 * Bring the archive's view of a package in a suite into a repository, the
 * way dgit fetch does: find the source package in the (verified) archive,
 * download it, import it, use the commit its Dgit: field names when the
 * distro's git server has it and its tree matches, and move the remote
 * tracking ref refs/remotes/dgit/dgit/SUITE forward, with dgit's
 * "Record PKG (VER) in archive suite SUITE" pseudomerge when the new
 * import does not descend from what was fetched before.
 */
#ifndef DGIT_FETCHSUITE_H
#define DGIT_FETCHSUITE_H

#include <git2.h>

#include "dgit_archive.h"
#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_import.h"

struct dgit_fetchsuite_opts {
	const struct dgit_archive_opts *archive;
	const char *distro;        /* for messages and ref names */
	const char *package;
	const char *suite;         /* as the user gave it (alias or codename) */
	/*
	 * The package's repository on the distro's dgit git server
	 * (GIT-URL/PACKAGE.git), or NULL not to use one.
	 */
	const char *git_url;
	/* Settings, for the git servers of other distros a .dsc's Dgit:
	 * field may name (dgit_serverfetch_dgit); NULL: only git_url. */
	const struct dgit_config *cfg;
	/* Where to put the source package's files other than the .dsc (the
	 * directory dpkg-buildpackage looks in); NULL: nowhere.  A file
	 * there (or its NAME,fetch) with the signed Sources' size and
	 * SHA-256 is used instead of downloading it, as dgit does (so an
	 * orig an upload left out, which the mirror lacks, is not needed
	 * from it when it is here). */
	const char *orig_dir;
	/* Told the path of each file just put into orig_dir (not of one
	 * that was there already), so the caller can remove it if it fails
	 * later; NULL: not told. */
	void (*placed)(void *arg, const char *path);
	void *placed_arg;
	/* Told the path of the private download directory (in the
	 * repository's dgit/) just before it is made, with made 1, and once
	 * it is removed, with made 0, so the caller can remove it
	 * when interrupted in between; NULL: not told. */
	void (*workdir)(void *arg, const char *path, int made);
	void *workdir_arg;
	/* Called with 1 just before the refs are updated and with 0 just
	 * after, so the caller can hold interruptions off while their lock
	 * files exist; NULL: not called. */
	void (*hold)(void *arg, int on);
	void *hold_arg;
	/* Import settings (caps, warnings). */
	struct dgit_import_opts import;
	/*
	 * --force-import-gitapply-no-absurd: a 3.0 (quilt) package's patch
	 * commits must be what gbp pq import (gbp_pq: the command, NULL
	 * "gbp pq") makes of the unpatched import with git apply, not only
	 * what applying them as dpkg-source does (the import engine, which
	 * is what dgit's "absurd" git-apply emulation does) gives: gbp is
	 * run, its commits are used, and its failure ("gbp pq import
	 * failed") fails the fetch.
	 */
	int gitapply_no_absurd;
	const char *gbp_pq;
	/*
	 * How the import overlaps the download.  STREAM (0): each file is
	 * imported once it is in and verified, and a large tarball the
	 * import needs before it is whole is read as it downloads, its
	 * digests checked before any of the import's objects is made
	 * visible (a mismatch throws the import away); FILES: each file
	 * once it is in and verified; NONE: all files first.  Either way
	 * no ref moves before every file and the .dsc's signature passed.
	 */
	enum dgit_fetchsuite_overlap {
		DGIT_FETCHSUITE_OVERLAP_STREAM,
		DGIT_FETCHSUITE_OVERLAP_FILES,
		DGIT_FETCHSUITE_OVERLAP_NONE,
	} overlap;
	/* One-line progress reports ("fetching ...", "using ..."). */
	void (*info)(void *arg, const char *msg);
	void *info_arg;
	/*
	 * For each suite of a combined suite (dgit_fetchsuite_multi): fill
	 * *part, a copy of the combined options, with that suite's own
	 * access (archive, distro, git_url: as dgit(7) says, each suite is
	 * resolved to its own distro, mirror and keyrings).  What *part
	 * points to may be held in *hold, given to part_release after that
	 * suite's fetch (also when part_opts fails).  NULL: every suite
	 * uses these options.
	 */
	const struct dgit_error *(*part_opts)(void *arg,
	    struct dgit_fetchsuite_opts *part, void **hold, const char *suite);
	void (*part_release)(void *arg, void *hold);
	void *part_arg;
};

struct dgit_fetchsuite_result {
	char *csuite;              /* canonical suite: the Release's Codename */
	char *version;             /* the version in the archive */
	char *vcs_git;             /* the .dsc's Vcs-Git URL (cleaned), or NULL */
	git_oid tip;               /* the remote tracking ref after the fetch */
	git_oid import;            /* the import (or Dgit: commit) used */
	int changed;               /* the tracking ref moved */
	int used_dgit_commit;      /* the Dgit: field's commit was used */
	int from_cache;            /* every file came from the cache */
};

/*
 * Fetch into repo.  On success result holds caller-owned strings (release
 * with dgit_fetchsuite_result_release).  On error no ref has changed and
 * no file is left in orig_dir.
 */
const struct dgit_error *dgit_fetchsuite(struct dgit_fetchsuite_result *out,
    git_repository *repo, const struct dgit_fetchsuite_opts *opts);
void dgit_fetchsuite_result_release(struct dgit_fetchsuite_result *r);

/* The tracking ref's name and the commit identity are in dgit_history.h. */

#endif

/*
 * As dgit_fetchsuite, for a combined suite "BASE,SUB,..." (dgit(7),
 * COMBINED SUITES; "-SUB" means "BASE-SUB"): each suite is fetched into
 * its own tracking ref; the combined tracking ref
 * refs/remotes/dgit/dgit/CBASE,SUB... gets the highest version, with
 * dgit's "Combine archive branches" merge when other inputs are not
 * already its ancestors.  The package must be in the base suite; a
 * sub-suite without it is skipped.  A plain suite is passed on to
 * dgit_fetchsuite.
 */
const struct dgit_error *dgit_fetchsuite_multi(
    struct dgit_fetchsuite_result *out, git_repository *repo,
    const struct dgit_fetchsuite_opts *opts);
