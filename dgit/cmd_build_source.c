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

const struct dgit_error *
cmd_build_source(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct buildopts b;
	struct dgit_srcbuild_opts so;
	struct dgit_srcbuild_result r;
	git_repository *repo = ctx->repo;

	memset(&r, 0, sizeof r);
	if ((err = buildopts_parse(&b, ctx, argc, argv)))
		return err;
	memset(&so, 0, sizeof so);
	so.quilt_mode = (enum dgit_quilt_mode)b.quilt_mode;
	so.clean_mode = (enum dgit_clean_mode)b.clean_mode;
	so.include_dirty = b.include_dirty;
	so.split_view = (enum dgit_split_view)b.split_view;
	so.dgit_view_save = b.dgit_view_save;
	so.upstream_commitish = b.upstream_commitish;
	so.bpd = b.bpd;
	so.dgit_version = DGIT_VERSION;
	so.info = common_info_cb;
	if ((err = dgit_srcbuild_build(&r, repo, &so)))
		goto done;
	if (!dgit_opts.quiet)
		printf("dgit ok: source package %s and %s, checked against "
		    "git%s\n", r.dsc, r.changes, r.split ?
		    " (the dgit view)" : "");
done:
	dgit_srcbuild_result_release(&r);
	return err;
}
