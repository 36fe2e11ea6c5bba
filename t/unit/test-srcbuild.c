/*
 * dgit_srcbuild_massage_dbp: the split of dpkg-buildpackage options
 * into what dgit builds itself and what the builder does.  Expected
 * values follow Perl dgit's massage_dbp_args (the last build-type option
 * wins; -F/-g/-G become -b/-A/-B with the source built by dgit).
 */
#include <stdlib.h>
#include <string.h>

#include "dgit_srcbuild.h"
#include "unit.h"

#define S DGIT_WANTSRC_SOURCE
#define B DGIT_WANTSRC_BUILDER

static const struct {
	const char *args[6];
	int want;                  /* 0: an error */
	const char *mode;
	const char *rest;          /* the other options, space-joined */
} cases[] = {
	{ { NULL }, S | B, "-b", "" },
	{ { "-S", NULL }, S, "-S", "" },
	{ { "-b", NULL }, B, "-b", "" },
	{ { "-B", "-j4", NULL }, B, "-B", "-j4" },
	{ { "-A", NULL }, B, "-A", "" },
	{ { "-g", NULL }, S | B, "-A", "" },
	{ { "-G", "-d", NULL }, S | B, "-B", "-d" },
	{ { "-F", NULL }, S | B, "-b", "" },
	{ { "-b", "-S", NULL }, S, "-S", "" },
	{ { "-S", "-b", "-us", NULL }, B, "-b", "-us" },
	{ { "--build=source", NULL }, S, "--build=", "" },
	{ { "--build=full", NULL }, S | B, "--build=binary", "" },
	{ { "--build=source,any", NULL }, S | B, "--build=any", "" },
	{ { "--build=any,all", "-j2", NULL }, B, "--build=any,all", "-j2" },
	{ { "--build=", NULL }, 0, NULL, NULL },
	{ { "-Sx", "--bin", NULL }, S | B, "-b", "-Sx --bin" },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dgit_srcbuild_dbp d;
		const struct dgit_error *err;
		size_t n = 0;
		char rest[256] = "";

		while (cases[i].args[n])
			n++;
		err = dgit_srcbuild_massage_dbp(&d, cases[i].args, n);
		if (cases[i].want == 0) {
			unit_ok(err != NULL && err->code == DGIT_ERR_USAGE,
			    "case %zu: refused", i);
			dgit_srcbuild_dbp_release(&d);
			continue;
		}
		if (!unit_ok(err == NULL, "case %zu: no error", i)) {
			unit_diag("  %s", err->msg);
			continue;
		}
		for (size_t k = 0; k < d.nargs; k++) {
			if (k)
				strcat(rest, " ");
			strcat(rest, d.args[k]);
		}
		unit_ok(d.want == cases[i].want, "case %zu: want %d (got %d)",
		    i, cases[i].want, d.want);
		UNIT_STREQ(d.mode, cases[i].mode, "case %zu: mode", i);
		const char *got = rest;

		UNIT_STREQ(got, cases[i].rest, "case %zu: other options", i);
		unit_ok(d.args[d.nargs] == NULL, "case %zu: NULL-terminated", i);
		dgit_srcbuild_dbp_release(&d);
	}
	return unit_done();
}
