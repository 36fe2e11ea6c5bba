/*
 * dpkg-source's distro-specific series files: debian/patches/VENDOR.series
 * replaces debian/patches/series when dpkg-source runs on VENDOR's
 * systems, so the same source package unpacks to different code on
 * different distros.  dgit refuses to work on such a package for the
 * distros it affects, as Perl dgit does: the vendors checked are
 * DEB_VENDOR, dpkg's current vendor, and the distro being accessed.
 */
#ifndef DGIT_VENDORSERIES_H
#define DGIT_VENDORSERIES_H

#include <stddef.h>

#include <git2.h>

#include "dgit_error.h"

struct dgit_vendorseries_check {
	const char *vendor;        /* NULL or "": skipped */
	const char *what;          /* why it is checked, for the message */
};

/*
 * The checks for the distro being accessed, in dgit's order: DEB_VENDOR
 * (deb_vendor, from the environment; may be NULL), dpkg's current vendor
 * (current, from dgit_vendorseries_current; may be NULL), then distro as
 * the base and as the nominal distro.  out must hold 4; *n is set.  The
 * strings are borrowed.
 */
void dgit_vendorseries_checks(struct dgit_vendorseries_check *out, size_t *n,
    const char *deb_vendor, const char *current, const char *distro);

/*
 * dpkg's current vendor, as Dpkg::Vendor finds it: the Vendor field of
 * ORIGINS/DEB_VENDOR (its name as given, then lowercased) when deb_vendor
 * is set and that file exists, else of ORIGINS/default; origins NULL:
 * /etc/dpkg/origins.  *out NULL (no error) when there is none; malloc'd.
 */
const struct dgit_error *dgit_vendorseries_current(char **out,
    const char *origins, const char *deb_vendor);

/*
 * Refuse tree when, for one of the checks, debian/patches/VENDOR.series
 * (VENDOR lowercased) exists with a line that is neither blank nor a
 * comment: DGIT_ERR_UNREPRESENTABLE, "Found active distro-specific series
 * file for VENDOR (WHAT): PATH, cannot continue" and dgit's explanation.
 * A symlink there counts as active.  tree is a tree of repo; one whose
 * debian/source/format is not `3.0 (quilt)' passes.
 */
const struct dgit_error *dgit_vendorseries_check_tree(git_repository *repo,
    const git_oid *tree, const struct dgit_vendorseries_check *checks,
    size_t n);

/* The same for a tree model whose blobs are in pack (or its repository),
 * as an import has it before its pack is finished. */
struct dgit_tree;
struct dgit_pack;
const struct dgit_error *dgit_vendorseries_check_model(
    const struct dgit_tree *t, struct dgit_pack *pack,
    const struct dgit_vendorseries_check *checks, size_t n);

#endif
