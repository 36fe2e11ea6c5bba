/*
 * dgit build-source [BUILD-OPTS]: quilt fixup, dpkg-source -b,
 * dpkg-genchanges -S, and the check that the built package is the git
 * tree.  Leaves PKG_V.dsc, its files and PKG_V_source.changes in the
 * build products directory.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_srcbuild.h"

int
cmd_build_source(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct buildopts b;
	struct dgit_config *cfg = NULL;
	struct dgit_srcbuild_opts so;
	struct dgit_srcbuild_result r;
	git_repository *repo = NULL;
	const char *distro = dgit_opts.distro ? dgit_opts.distro : "debian";
	int rc;

	memset(&r, 0, sizeof r);
	buildopts_init(&b);
	for (int i = 1; i < argc; i++) {
		if ((rc = buildopts_take(&b, argv[0], argv[i])) < 0)
			return DGIT_EXIT_USAGE;
		if (rc == 0)
			return dgit_usage_error(argv[0], "unknown argument '%s'",
			    argv[i]);
	}
	git_libgit2_init();
	if ((err = common_open_repo(&repo, 0)) ||
	    (err = dgit_config_new(&cfg, git_repository_workdir(repo),
	    dgit_opts.config, dgit_opts.nconfig)) ||
	    (err = buildopts_finish(&b, cfg, distro)))
		goto done;
	memset(&so, 0, sizeof so);
	so.quilt_mode = (enum dgit_quilt_mode)b.quilt_mode;
	so.clean_mode = (enum dgit_clean_mode)b.clean_mode;
	so.include_dirty = b.include_dirty;
	so.bpd = b.bpd;
	so.dgit_version = DGIT_VERSION;
	so.info = common_info_cb;
	if ((err = dgit_srcbuild_build(&r, repo, &so)))
		goto done;
	if (!dgit_opts.quiet)
		printf("dgit ok: source package %s and %s, checked against "
		    "git\n", r.dsc, r.changes);
done:
	dgit_srcbuild_result_release(&r);
	dgit_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return dgit_report(err);
}
