/*
 * dgit quilt-fixup [--quilt=MODE] [--build-products-dir=DIR]: make
 * debian/patches represent HEAD's changes to upstream files, committing
 * the new patches on HEAD.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "cleanup.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_quiltfix.h"

const struct dgit_error *
cmd_quilt_fixup(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct buildopts b;
	struct dgit_quiltfix_opts qo;
	struct dgit_quiltfix_result r;
	git_repository *repo = ctx->repo;
	git_oid head;

	if ((err = buildopts_parse(&b, ctx, argc, argv)))
		return err;
	/* dgit cleans before the fixup; its refusal comes first */
	if (b.clean_mode >= 0 && (err = dgit_srcbuild_clean_check(
	    (enum dgit_clean_mode)b.clean_mode,
	    (enum dgit_quilt_mode)b.quilt_mode)))
		return err;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		err = dgit_error_git("cannot read HEAD");
		goto done;
	}
	memset(&qo, 0, sizeof qo);
	qo.mode = (enum dgit_quilt_mode)b.quilt_mode;
	qo.origs_dir = b.bpd;
	qo.dgit_version = DGIT_VERSION;
	qo.upstream_commitish = b.upstream_commitish;
	qo.gbp_pq = dgit_gbp_pq_program();
	qo.git_debrebase = dgit_tool_program("git-debrebase");
	qo.info = common_info_cb;
	qo.trace = common_trace_cb;
	qo.tmpfile = common_pack_tmpfile_cb;
	qo.hold = cleanup_hold;
	qo.cache = qo.mode >= DGIT_QUILT_GBP ||
	    b.split_view == DGIT_SPLIT_VIEW_ALWAYS;
	if ((err = common_vendor_series_check(repo, &head, common_distro())) ||
	    (err = dgit_quiltfix_run(&r, repo, &head, &qo)))
		goto done;
	if (b.split_view == DGIT_SPLIT_VIEW_NEVER && r.split) {
		err = dgit_error_fmt(DGIT_ERR_USAGE, "--quilt=%s makes a split "
		    "dgit view, but --split-view=never was given",
		    dgit_quiltfix_mode_name(qo.mode));
		goto done;
	}
	if (r.quilt && (r.split || b.split_view == DGIT_SPLIT_VIEW_ALWAYS)) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof hex, &r.commit);
		if (b.dgit_view_save && (err = dgit_srcbuild_save_view(repo,
		    b.dgit_view_save, &r.commit)))
			goto done;
		dgit_info("dgit: dgit view: %s%s%s (HEAD not changed)", hex,
		    b.dgit_view_save ? ", saved as " : "",
		    b.dgit_view_save ? b.dgit_view_save : "");
	} else if (!r.quilt) {
		dgit_info("dgit: not a '3.0 (quilt)' package; nothing to do");
	} else if (!r.needed) {
		dgit_info("dgit: quilt fixup not needed");
	} else {
		cleanup_hold(NULL, 1);
		err = dgit_quiltfix_update_head(repo, &head, &r.commit,
		    "dgit quilt-fixup");
		cleanup_hold(NULL, 0);
		if (err)
			goto done;
		if (r.smashed)
			dgit_info("dgit: no linear patch stack; made one "
			    "squashed patch (--quilt=%s)",
			    dgit_quiltfix_mode_name(qo.mode));
		dgit_info("dgit: quilt fixup: committed %zu new patch%s",
		    r.npatches, r.npatches == 1 ? "" : "es");
	}
done:
	return err;
}
