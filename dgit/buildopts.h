/* Options shared by quilt-fixup and build-source (dgit's build options). */
#ifndef DGIT_BUILDOPTS_H
#define DGIT_BUILDOPTS_H

#include "common.h"
#include "dgit.h"
#include "dgit_config.h"
#include "dgit_srcbuild.h"

struct buildopts {
	int quilt_mode;            /* enum dgit_quilt_mode, -1: not given */
	int clean_mode;            /* enum dgit_clean_mode, -1: not given */
	int include_dirty;
	int new_ok;                /* -N, --new: version may be new */
	int overwrite;             /* --overwrite: accepted, as dgit does (push uses it) */
	int no_check_archive;      /* --no-check-archive (ours) */
	const char *bpd;           /* --build-products-dir */
	int split_view;            /* enum dgit_split_view (auto default) */
	const char *dgit_view_save; /* --dgit-view-save=BRANCH, or NULL */
	const char *upstream_commitish; /* --upstream-commitish=, or NULL */
	int rm_old_changes;        /* --rm-old-changes, -1: not given */
};

/* The build options a push takes too (all but --include-dirty). */
#define BUILDOPTS_PUSH_HELP \
	"  --quilt=MODE                linear (default), try-linear, auto,\n" \
	"                              smash, single, nofix, nocheck,\n" \
	"                              gbp, unapplied, dpm, baredebian,\n" \
	"                              baredebian+tarball (split view)\n" \
	"  --upstream-commitish=COMMITISH\n" \
	"                              upstream for --quilt=baredebian\n" \
	"  --gbp, --dpm                --quilt=gbp, --quilt=dpm\n" \
	"  --split-view=auto|always|never\n" \
	"                              make the dgit view beside HEAD\n" \
	"  --dgit-view-save=BRANCH     save the dgit view as BRANCH\n" \
	"  --build-products-dir=DIR    origs and output here (default ..)\n" \
	"  --clean=MODE, -wg -wgf -wga -wgfa -wc -wci -wn -wd -wdd -wdn -wda\n" \
	"                              git, git-ff, check, none, dpkg-source\n"
#define BUILDOPTS_HELP BUILDOPTS_PUSH_HELP \
	"  --include-dirty             build the working tree as it is\n"
/* build-source's: the source build's -v, -m, the archive check */
#define BUILDOPTS_SOURCE_HELP BUILDOPTS_HELP \
	"  -vVERSION, --since-version=VERSION|_\n" \
	"                              changes since VERSION (default: the\n" \
	"                              suite's version in the archive; _: none)\n" \
	"  --overwrite                 accepted (a version the suite has is built;\n" \
	"                              push refuses it unless told)\n" \
	"  --no-check-archive          do not ask the archive (no -v)\n" \
	"  -mMAINTAINER, --ch:OPTION   passed to dpkg-genchanges (and the builder)\n"
/* The build commands' (dgit build, sbuild, pbuilder, cowbuilder). */
#define BUILDOPTS_BUILD_HELP BUILDOPTS_SOURCE_HELP \
	"  --PROG=COMMAND, --PROG:OPTION  the builder's program and extra options\n" \
	"other options go to the builder; global options go before the command\n"

/* Empty: nothing given. */
void buildopts_init(struct buildopts *b);
/*
 * For a command that takes and ignores a build's clean options, as Perl
 * dgit's global parser gives them to every command: NULL when "-wX"
 * (letters X) or "--clean=MODE" names a clean mode, else the usage error
 * Perl dgit gives for it.
 */
const struct dgit_error *buildopts_check_w(struct dgit_cmd_ctx *ctx,
    const char *letters);
int buildopts_is_w(const char *letters);   /* 1: -wLETTERS is a mode */
const struct dgit_error *buildopts_check_clean(struct dgit_cmd_ctx *ctx,
    const char *mode);

/*
 * The options a command that neither builds nor pushes takes and ignores
 * (dgit-repos-server's tag2upload mode runs "dgit -wn -pPKG
 * --build-products-dir=DIR --for-push fetch"): its table entries (ids
 * from 0x1300, above any command's own), with "w:" in its short options;
 * buildopts_ignored says whether opt is one of them (1) and sets *err
 * (NULL, or the usage error for a bad mode).
 */
enum { BUILDOPTS_IGNORED = 0x1300, BUILDOPTS_IGNORED_VALUE,
    BUILDOPTS_IGNORED_CLEAN };
#define BUILDOPTS_IGNORED_OPTIONS \
	{ "build-products-dir", required_argument, NULL, \
	    BUILDOPTS_IGNORED_VALUE }, \
	{ "clean", required_argument, NULL, BUILDOPTS_IGNORED_CLEAN }, \
	{ "for-push", no_argument, NULL, BUILDOPTS_IGNORED }
int buildopts_ignored(const struct dgit_error **err,
    struct dgit_cmd_ctx *ctx, int opt, const char *optarg);
/*
 * The build options as a command's table entries (getopt_long_only;
 * short option "N"; ids from 0x1000, above any command's own) and the
 * common_opt_fn that takes them (arg: struct buildopts).  For a command
 * that adds options of its own (push-source).
 */
extern const struct option buildopts_options[];
common_opt_fn buildopts_take;
/*
 * Parse argv (all build options, no operands) into b, then fill in
 * what was not given (buildopts_finish, for common_distro()).
 */
const struct dgit_error *buildopts_parse(struct buildopts *b,
    struct dgit_cmd_ctx *ctx, int argc, char **argv);
/*
 * Fill in what was not given from config (dgit-distro.DISTRO.quilt-mode,
 * .clean-mode, dgit.default.build-products-dir) and the defaults.
 */
const struct dgit_error *buildopts_finish(struct buildopts *b,
    const struct dgit_config *cfg, const char *distro);

#endif
