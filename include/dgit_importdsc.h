/*
 * dgit import-dsc: a .dsc file imported into a branch the way fetch
 * imports, with the Dgit: field's commit used when it stands for the
 * import, and the ref moved only when everything succeeded.
 */
#ifndef DGIT_IMPORTDSC_H
#define DGIT_IMPORTDSC_H

#include <stddef.h>

#include <git2.h>

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
	/* one-line notes (why the Dgit: field is not used); may be NULL */
	void (*say)(void *arg, const char *msg);
	void *say_arg;
};

/*
 * Read opts->dscpath (its files beside it), check its signature when
 * required, import it and set opts->refname to the result in
 * *commit: the Dgit: field's commit when it is in repo with the
 * import's tree (for MERGE also a descendant of the ref), else the
 * import, for MERGE onto an existing ref with dgit's pseudomerge.  The
 * ref is updated compare-and-swap.  DGIT_ERR_EXISTS for NEW onto an
 * existing ref and for a Dgit: commit that does not fast-forward.
 */
const struct dgit_error *dgit_importdsc_run(git_oid *commit,
    git_repository *repo, const struct dgit_importdsc_opts *opts);

#endif
