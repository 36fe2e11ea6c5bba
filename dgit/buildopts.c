/* dgit's build options: --quilt, --clean and -w*, --build-products-dir. */
#include <stdio.h>
#include <string.h>

#include "buildopts.h"
#include "common.h"
#include "dgit.h"
#include "dgit_quiltfix.h"

static const struct {
	const char *opt;           /* -wX */
	const char *mode;          /* --clean=MODE */
} wopts[] = {
	{ "-wg", "git" }, { "-wgf", "git-ff" }, { "-wga", "git,always" },
	{ "-wgfa", "git-ff,always" }, { "-wc", "check" },
	{ "-wci", "check,ignores" }, { "-wn", "none" },
	{ "-wd", "dpkg-source" }, { "-wdd", "dpkg-source-d" },
	{ "-wdn", "dpkg-source,no-check" },
	{ "-wddn", "dpkg-source-d,no-check" },
	{ "-wda", "dpkg-source,all-check" },
	{ "-wdda", "dpkg-source-d,all-check" },
};

/* above COMMON_OPT_END and the commands' own ids: push adds these */
enum {
	OPT_QUILT = 0x1000, OPT_NO_QUILT_FIXUP, OPT_CLEAN,
	OPT_BPD, OPT_INCLUDE_DIRTY, OPT_NEW, OPT_OVERWRITE,
	OPT_NO_CHECK_ARCHIVE, OPT_SPLIT_VIEW, OPT_DGIT_VIEW_SAVE,
	OPT_UPSTREAM_COMMITISH, OPT_RM_OLD_CHANGES, OPT_NO_RM_OLD_CHANGES,
	OPT_W = 0x1100,            /* + index in wopts */
	OPT_Q = 0x1200             /* + index in qopts */
};

/* options that name a quilt mode */
static const char *const qopts[] = {
	"gbp", "dpm", "baredebian", "baredebian+git", "baredebian+tarball",
};

#define W(i) { wopts[i].opt + 1, no_argument, NULL, OPT_W + (i) }
/* getopt_long_only: "-wgf" is the long option "wgf" */
const struct option buildopts_options[] = {
	{ "quilt", required_argument, NULL, OPT_QUILT },
	{ "no-quilt-fixup", no_argument, NULL, OPT_NO_QUILT_FIXUP },
	{ "gbp", no_argument, NULL, OPT_Q + 0 },
	{ "dpm", no_argument, NULL, OPT_Q + 1 },
	{ "baredebian", no_argument, NULL, OPT_Q + 2 },
	{ "baredebian+git", no_argument, NULL, OPT_Q + 3 },
	{ "baredebian+tarball", no_argument, NULL, OPT_Q + 4 },
	{ "clean", required_argument, NULL, OPT_CLEAN },
	{ "build-products-dir", required_argument, NULL, OPT_BPD },
	{ "include-dirty", no_argument, NULL, OPT_INCLUDE_DIRTY },
	{ "ignore-dirty", no_argument, NULL, OPT_INCLUDE_DIRTY },
	{ "new", no_argument, NULL, OPT_NEW },
	{ "overwrite", optional_argument, NULL, OPT_OVERWRITE },
	{ "no-check-archive", no_argument, NULL, OPT_NO_CHECK_ARCHIVE },
	/* --split-view alone is --split-view=always, as in dgit */
	{ "split-view", optional_argument, NULL, OPT_SPLIT_VIEW },
	{ "split-brain", optional_argument, NULL, OPT_SPLIT_VIEW },
	{ "dgit-view-save", required_argument, NULL, OPT_DGIT_VIEW_SAVE },
	{ "save-dgit-view", required_argument, NULL, OPT_DGIT_VIEW_SAVE },
	{ "upstream-commitish", required_argument, NULL,
	    OPT_UPSTREAM_COMMITISH },
	{ "rm-old-changes", no_argument, NULL, OPT_RM_OLD_CHANGES },
	{ "no-rm-old-changes", no_argument, NULL, OPT_NO_RM_OLD_CHANGES },
	W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7), W(8), W(9), W(10),
	W(11), W(12),
	{ NULL, 0, NULL, 0 }
};
static const struct common_optspec optspec = { "N", buildopts_options, 1,
    -1, buildopts_take };
_Static_assert(sizeof wopts / sizeof wopts[0] == 13, "one W() per -w");

static const struct dgit_error *
set_quilt(struct buildopts *b, struct dgit_cmd_ctx *ctx, const char *v)
{
	int m = dgit_quiltfix_mode_parse(v);

	if (m < 0)
		return dgit_usage_error(ctx, "unknown quilt mode '%s'", v);
	b->quilt_mode = m;
	return NULL;
}

static const struct dgit_error *
set_clean(struct buildopts *b, struct dgit_cmd_ctx *ctx, const char *v)
{
	int m = dgit_srcbuild_clean_parse(v);

	if (m < 0)
		return dgit_usage_error(ctx, "unknown clean mode '%s'", v);
	b->clean_mode = m;
	return NULL;
}

int
buildopts_is_w(const char *letters)
{
	for (size_t i = 0; i < sizeof wopts / sizeof wopts[0]; i++)
		if (strcmp(wopts[i].opt + 2, letters) == 0)
			return 1;
	return 0;
}

const struct dgit_error *
buildopts_check_w(struct dgit_cmd_ctx *ctx, const char *letters)
{
	if (buildopts_is_w(letters))
		return NULL;
	return dgit_usage_error(ctx, "unknown option '-w%s'", letters);
}

const struct dgit_error *
buildopts_check_clean(struct dgit_cmd_ctx *ctx, const char *mode)
{
	if (dgit_srcbuild_clean_parse(mode) < 0)
		return dgit_usage_error(ctx, "unknown clean mode '%s'", mode);
	return NULL;
}

int
buildopts_ignored(const struct dgit_error **err, struct dgit_cmd_ctx *ctx,
    int opt, const char *optarg)
{
	*err = NULL;
	if (opt == 'w')
		*err = buildopts_check_w(ctx, optarg);
	else if (opt == BUILDOPTS_IGNORED_CLEAN)
		*err = buildopts_check_clean(ctx, optarg);
	else if (opt != BUILDOPTS_IGNORED && opt != BUILDOPTS_IGNORED_VALUE)
		return 0;
	return 1;
}

const struct dgit_error *
buildopts_take(struct dgit_cmd_ctx *ctx, void *arg, int opt,
    const char *optarg)
{
	struct buildopts *b = arg;

	switch (opt) {
	case OPT_QUILT:
		return set_quilt(b, ctx, optarg);
	case OPT_NO_QUILT_FIXUP:
		return set_quilt(b, ctx, "nocheck");
	case OPT_CLEAN:
		return set_clean(b, ctx, optarg);
	case OPT_BPD:
		b->bpd = optarg;
		return NULL;
	case OPT_INCLUDE_DIRTY:
		b->include_dirty = 1;
		return NULL;
	case 'N':
	case OPT_NEW:
		b->new_ok = 1;
		return NULL;
	case OPT_OVERWRITE:
		b->overwrite = 1;
		return NULL;
	case OPT_NO_CHECK_ARCHIVE:
		b->no_check_archive = 1;
		return NULL;
	case OPT_SPLIT_VIEW:
		if (optarg == NULL || strcmp(optarg, "always") == 0)
			b->split_view = DGIT_SPLIT_VIEW_ALWAYS;
		else if (strcmp(optarg, "auto") == 0)
			b->split_view = DGIT_SPLIT_VIEW_AUTO;
		else if (strcmp(optarg, "never") == 0)
			b->split_view = DGIT_SPLIT_VIEW_NEVER;
		else
			return dgit_usage_error(ctx, "unknown --split-view "
			    "'%s' (auto, always or never)", optarg);
		return NULL;
	case OPT_DGIT_VIEW_SAVE:
		if (*optarg == '\0')
			return dgit_usage_error(ctx, "--dgit-view-save needs "
			    "a branch name");
		b->dgit_view_save = optarg;
		return NULL;
	case OPT_RM_OLD_CHANGES:
	case OPT_NO_RM_OLD_CHANGES:
		b->rm_old_changes = opt == OPT_RM_OLD_CHANGES;
		return NULL;
	case OPT_UPSTREAM_COMMITISH:
		if (*optarg == '\0')
			return dgit_usage_error(ctx, "--upstream-commitish "
			    "needs a commitish");
		b->upstream_commitish = optarg;
		return NULL;
	}
	if (opt >= OPT_Q && opt < OPT_Q + (int)(sizeof qopts / sizeof qopts[0]))
		return set_quilt(b, ctx, qopts[opt - OPT_Q]);
	if (opt >= OPT_W && opt < OPT_W + (int)(sizeof wopts / sizeof wopts[0]))
		return set_clean(b, ctx, wopts[opt - OPT_W].mode);
	return dgit_usage_error(ctx, "unknown option");
}

void
buildopts_init(struct buildopts *b)
{
	memset(b, 0, sizeof *b);
	b->quilt_mode = -1;
	b->clean_mode = -1;
	b->rm_old_changes = -1;
}

const struct dgit_error *
buildopts_parse(struct buildopts *b, struct dgit_cmd_ctx *ctx, int argc,
    char **argv)
{
	const struct dgit_error *err;
	int i;

	buildopts_init(b);
	if ((err = common_parse_options(&i, ctx, argc, argv, &optspec, b)))
		return err;
	if (i < argc)
		return dgit_usage_error(ctx, "unknown argument '%s'", argv[i]);
	return buildopts_finish(b, ctx->cfg, common_distro());
}

const struct dgit_error *
buildopts_finish(struct buildopts *b, const struct dgit_config *cfg,
    const char *distro)
{
	const char *v;

	if (b->quilt_mode < 0) {
		v = cfg ? dgit_config_get_distro(cfg, distro, "quilt-mode") :
		    NULL;
		b->quilt_mode = v ? dgit_quiltfix_mode_parse(v) :
		    DGIT_QUILT_LINEAR;
		if (b->quilt_mode < 0)
			return dgit_error_fmt(DGIT_ERR_USAGE, "unknown quilt "
			    "mode '%s' in dgit-distro.%s.quilt-mode", v, distro);
	}
	if (b->clean_mode < 0) {
		v = cfg ? dgit_config_get_distro(cfg, distro, "clean-mode") :
		    NULL;
		b->clean_mode = v ? dgit_srcbuild_clean_parse(v) :
		    DGIT_CLEAN_DPKG_SOURCE;
		if (b->clean_mode < 0)
			return dgit_error_fmt(DGIT_ERR_USAGE, "unknown clean "
			    "mode '%s' in dgit-distro.%s.clean-mode", v, distro);
	}
	if (b->rm_old_changes < 0) {
		const struct dgit_error *err = NULL;

		b->rm_old_changes = 0;
		if (cfg && (err = dgit_config_get_distro_bool(
		    &b->rm_old_changes, cfg, distro, "rm-old-changes", 0)))
			return err;
	}
	if (b->bpd == NULL) {
		v = cfg ? dgit_config_get(cfg,
		    "dgit.default.build-products-dir") : NULL;
		b->bpd = v ? v : "..";
	}
	return NULL;
}
