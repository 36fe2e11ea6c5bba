/*
 * dgit push: what dgit.default.push-subcmd says (as dgit 10 does):
 * "source" is push-source, "built" is push-built, "reject" refuses;
 * a "warn," prefix says first that the default may change.
 */
#include <stdio.h>
#include <string.h>

#include "dgit.h"
#include "dgit_config.h"

int
cmd_push(int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_config *cfg = NULL;
	const char *v;
	char mode[64];
	int warn = 0;

	if ((err = dgit_config_new(&cfg, ".", dgit_opts.config,
	    dgit_opts.nconfig)))
		return dgit_report(err);
	v = dgit_config_get(cfg, "dgit.default.push-subcmd");
	snprintf(mode, sizeof mode, "%s", v ? v : "built");
	dgit_config_free(cfg);
	v = mode;
	if (strncmp(v, "warn,", 5) == 0) {
		warn = 1;
		v += 5;
	}
	if (strcmp(v, "reject") == 0) {
		fprintf(stderr, "dgit: 'dgit push' is disabled here "
		    "(dgit.default.push-subcmd=reject); use dgit push-source "
		    "or dgit push-built\n");
		return DGIT_EXIT_USAGE;
	}
	if (strcmp(v, "source") == 0)
		return cmd_push_source(argc, argv);
	if (strcmp(v, "built") != 0) {
		fprintf(stderr, "dgit: bad dgit.default.push-subcmd '%s'; use "
		    "source, built, reject (optionally after 'warn,')\n",
		    mode);
		return DGIT_EXIT_USAGE;
	}
	if (warn)
		dgit_info("dgit: 'dgit push' means 'dgit push-built' here; set "
		    "dgit.default.push-subcmd to 'built' or 'source' to say "
		    "which you mean");
	return cmd_push_built(argc, argv);
}
