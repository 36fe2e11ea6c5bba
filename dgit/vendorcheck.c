/* The distro-specific series check, as dgit makes it (dgit_vendorseries.h). */
#include <stdlib.h>

#include "common.h"
#include "dgit_commit.h"
#include "dgit_vendorseries.h"

const struct dgit_error *
common_vendor_series_check(git_repository *repo, const git_oid *commit,
    const char *distro)
{
	const struct dgit_error *err;
	const struct dgit_vendorseries_check *checks;
	git_oid tree;
	size_t n;

	if ((err = common_vendor_series_checks(&checks, &n, distro)))
		return err;
	if ((err = dgit_commit_tree_id(&tree, repo, commit)))
		return dgit_error_wrap(err, "cannot read the commit to check");
	return dgit_vendorseries_check_tree(repo, &tree, checks, n);
}

const struct dgit_error *
common_vendor_series_checks(const struct dgit_vendorseries_check **out,
    size_t *n, const char *distro)
{
	/* the program's own, kept for the imports of the command */
	static struct dgit_vendorseries_check checks[4];
	static char *current;
	static int have_current;
	const char *deb_vendor = getenv("DEB_VENDOR");
	const struct dgit_error *err;

	if (!have_current) {
		if ((err = dgit_vendorseries_current(&current, NULL,
		    deb_vendor)))
			return err;
		have_current = 1;
	}
	dgit_vendorseries_checks(checks, n, deb_vendor, current, distro);
	*out = checks;
	return NULL;
}
