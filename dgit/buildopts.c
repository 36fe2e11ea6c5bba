/* dgit's build options: --quilt, --clean and -w*, --build-products-dir. */
#include <stdio.h>
#include <string.h>

#include "buildopts.h"
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

void
buildopts_init(struct buildopts *b)
{
	memset(b, 0, sizeof *b);
	b->quilt_mode = -1;
	b->clean_mode = -1;
}

static int
set_quilt(struct buildopts *b, const char *cmd, const char *v)
{
	int m = dgit_quiltfix_mode_parse(v);

	if (m < 0) {
		dgit_usage_error(cmd, "unknown quilt mode '%s'", v);
		return -1;
	}
	b->quilt_mode = m;
	return 1;
}

static int
set_clean(struct buildopts *b, const char *cmd, const char *v)
{
	int m = dgit_srcbuild_clean_parse(v);

	if (m < 0) {
		dgit_usage_error(cmd, "unknown clean mode '%s'", v);
		return -1;
	}
	b->clean_mode = m;
	return 1;
}

int
buildopts_take(struct buildopts *b, const char *cmd, const char *a)
{
	if (strncmp(a, "--quilt=", 8) == 0)
		return set_quilt(b, cmd, a + 8);
	if (strcmp(a, "--no-quilt-fixup") == 0)
		return set_quilt(b, cmd, "nocheck");
	if (strcmp(a, "--gbp") == 0 || strcmp(a, "--dpm") == 0 ||
	    strcmp(a, "--baredebian") == 0 ||
	    strcmp(a, "--baredebian+git") == 0 ||
	    strcmp(a, "--baredebian+tarball") == 0)
		return set_quilt(b, cmd, a + 2);
	if (strncmp(a, "--clean=", 8) == 0)
		return set_clean(b, cmd, a + 8);
	for (size_t i = 0; i < sizeof wopts / sizeof wopts[0]; i++)
		if (strcmp(a, wopts[i].opt) == 0)
			return set_clean(b, cmd, wopts[i].mode);
	if (strncmp(a, "--build-products-dir=", 21) == 0) {
		b->bpd = a + 21;
		return 1;
	}
	if (strcmp(a, "--include-dirty") == 0 ||
	    strcmp(a, "--ignore-dirty") == 0) {
		b->include_dirty = 1;
		return 1;
	}
	if (strcmp(a, "-N") == 0 || strcmp(a, "--new") == 0) {
		b->new_ok = 1;
		return 1;
	}
	if (strcmp(a, "--overwrite") == 0 ||
	    strncmp(a, "--overwrite=", 12) == 0) {
		b->overwrite = 1;
		return 1;
	}
	if (strcmp(a, "--no-check-archive") == 0) {
		b->no_check_archive = 1;
		return 1;
	}
	return 0;
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
	if (b->bpd == NULL) {
		v = cfg ? dgit_config_get(cfg,
		    "dgit.default.build-products-dir") : NULL;
		b->bpd = v ? v : "..";
	}
	return NULL;
}
