/* Options shared by quilt-fixup and build-source (dgit's build options). */
#ifndef DGIT_BUILDOPTS_H
#define DGIT_BUILDOPTS_H

#include "dgit_config.h"
#include "dgit_srcbuild.h"

struct buildopts {
	int quilt_mode;            /* enum dgit_quilt_mode, -1: not given */
	int clean_mode;            /* enum dgit_clean_mode, -1: not given */
	int include_dirty;
	int new_ok;                /* -N, --new: version may be new */
	int overwrite;             /* --overwrite: skip the in-suite check */
	int no_check_archive;      /* --no-check-archive (ours) */
	const char *bpd;           /* --build-products-dir */
};

#define BUILDOPTS_HELP \
	"  --quilt=MODE                linear (default), try-linear, auto,\n" \
	"                              smash, single, nofix, nocheck\n" \
	"  --build-products-dir=DIR    origs and output here (default ..)\n" \
	"  --clean=MODE, -wg -wgf -wga -wgfa -wc -wci -wn -wd -wdd -wdn -wda\n" \
	"                              git, git-ff, check, none, dpkg-source\n" \
	"  --include-dirty             build the working tree as it is\n"

void buildopts_init(struct buildopts *b);
/* 1 if a was a build option (recorded), 0 if not, -1 bad value (printed). */
int buildopts_take(struct buildopts *b, const char *cmd, const char *a);
/*
 * Fill in what was not given from config (dgit-distro.DISTRO.quilt-mode,
 * .clean-mode, dgit.default.build-products-dir) and the defaults.
 */
const struct dgit_error *buildopts_finish(struct buildopts *b,
    const struct dgit_config *cfg, const char *distro);

#endif
