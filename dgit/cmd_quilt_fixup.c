/*
 * dgit quilt-fixup [--quilt=MODE] [--build-products-dir=DIR]: make
 * debian/patches represent HEAD's changes to upstream files, committing
 * the new patches on HEAD.
 */
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_quiltfix.h"

int
cmd_quilt_fixup(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct buildopts b;
	struct dgit_config *cfg = NULL;
	struct dgit_quiltfix_opts qo;
	struct dgit_quiltfix_result r;
	git_repository *repo = NULL;
	git_oid head;
	const char *distro = dgit_opts.distro ? dgit_opts.distro : "debian";
	int rc;

	buildopts_init(&b);
	for (int i = 1; i < argc; i++) {
		if ((rc = buildopts_take(&b, argv[0], argv[i])) < 0)
			return DGIT_EXIT_USAGE;
		if (rc == 0)
			return dgit_usage_error(argv[0], "unknown argument '%s'",
			    argv[i]);
	}
	git_libgit2_init();
	if ((err = common_open_repo(&repo, 1)) ||
	    (err = dgit_config_new(&cfg, git_repository_workdir(repo),
	    dgit_opts.config, dgit_opts.nconfig)) ||
	    (err = buildopts_finish(&b, cfg, distro)))
		goto done;
	if (git_reference_name_to_id(&head, repo, "HEAD") != 0) {
		err = dgit_error_git("cannot read HEAD");
		goto done;
	}
	memset(&qo, 0, sizeof qo);
	qo.mode = (enum dgit_quilt_mode)b.quilt_mode;
	qo.origs_dir = b.bpd;
	qo.dgit_version = DGIT_VERSION;
	qo.info = common_info_cb;
	if ((err = dgit_quiltfix_run(&r, repo, &head, &qo)))
		goto done;
	if (!r.quilt) {
		dgit_info("dgit: not a '3.0 (quilt)' package; nothing to do");
	} else if (!r.needed) {
		dgit_info("dgit: quilt fixup not needed");
	} else {
		if ((err = dgit_quiltfix_update_head(repo, &head, &r.commit,
		    "dgit quilt-fixup")))
			goto done;
		if (r.smashed)
			dgit_info("dgit: no linear patch stack; made one "
			    "squashed patch (--quilt=%s)",
			    dgit_quiltfix_mode_name(qo.mode));
		dgit_info("dgit: quilt fixup: committed %zu new patch%s",
		    r.npatches, r.npatches == 1 ? "" : "es");
	}
done:
	dgit_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return dgit_report(err);
}
