/*
 * dgit import-dsc: a .dsc file imported into a branch the way fetch
 * imports, with the Dgit: field's commit used when it stands for the
 * import, and the ref moved only when everything succeeded.
 */
#ifndef DGIT_IMPORTDSC_H
#define DGIT_IMPORTDSC_H

#include <stddef.h>

#include <git2.h>

#include "dgit_config.h"
#include "dgit_error.h"
#include "dgit_import.h"

enum dgit_importdsc_mode {
	DGIT_IMPORTDSC_NEW,        /* BRANCH: an existing ref is an error */
	DGIT_IMPORTDSC_OVERWRITE,  /* +BRANCH: replace whatever is there */
	DGIT_IMPORTDSC_MERGE,      /* ..BRANCH: fast-forward from it */
};

struct dgit_importdsc_opts {
	const char *dscpath;
	const char *refname;       /* full ref name, valid */
	const char *name;          /* as the user wrote it (for messages) */
	enum dgit_importdsc_mode mode;
	int force_dgit;            /* import even when the Dgit: commit fits */
	int require_valid_signature;
	const char *const *keyrings;   /* for the .dsc signature */
	size_t nkeyrings;
	struct dgit_import_opts import;
	/* --force-import-gitapply-no-absurd: the patch commits are made
	 * by gbp pq import (gbp_pq: the command, NULL "gbp pq"), as
	 * dgit_quiltfix_gbp_pq_patches */
	int gitapply_no_absurd;
	const char *gbp_pq;
	/* one-line notes (why the Dgit: field is not used); may be NULL */
	void (*say)(void *arg, const char *msg);
	void *say_arg;
	/* For the Dgit: field's distro: its git URL and settings. */
	const struct dgit_config *cfg;
	int no_chase;              /* --no-chase-dsc-distro: fetch nothing */
	/* Called before an import from the .dsc (not when the Dgit: field's
	 * commit is used); an error stops it.  May be NULL. */
	const struct dgit_error *(*prepare)(void *arg);
	void *prepare_arg;
	/* Called with 1 just before the ref is updated and with 0 just
	 * after, so the caller can hold interruptions off while the ref's
	 * lock file exists; NULL: not called. */
	void (*hold)(void *arg, int on);
	void *hold_arg;
};

/* What dgit_importdsc_run did. */
enum dgit_importdsc_how {
	DGIT_IMPORTDSC_IMPORTED,   /* imported from the .dsc */
	DGIT_IMPORTDSC_DGIT,       /* the Dgit: field's commit */
};

/*
 * As dgit import-dsc: read opts->dscpath (its files beside it), check its
 * signature when required, and set opts->refname to *commit:
 * - with a Dgit: field (unless force_dgit): the commit it names, fetched
 *   as dgit_serverfetch_dgit says when not here (DGIT_ERR_NOT_FOUND when
 *   it cannot be had); it must fast-forward the ref unless OVERWRITE
 *   (DGIT_ERR_EXISTS "Not fast forward to ...");
 * - else the import of the .dsc; an existing ref needs OVERWRITE or MERGE
 *   (DGIT_ERR_EXISTS "Branch ... already exists"), MERGE adds dgit's
 *   pseudomerge onto it.
 * The ref checked out (HEAD's branch) is refused (DGIT_ERR_USAGE "... is
 * checked out - will not update it").  The ref is updated
 * compare-and-swap.  *how says which way it went.
 */
const struct dgit_error *dgit_importdsc_run(git_oid *commit,
    enum dgit_importdsc_how *how, git_repository *repo,
    const struct dgit_importdsc_opts *opts);

#endif
