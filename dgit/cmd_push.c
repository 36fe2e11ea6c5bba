/*
 * dgit push: what dgit.default.push-subcmd says (as dgit 10 does):
 * "source" is push-source, "built" is push-built, "reject" refuses;
 * a "warn," prefix says first that the default may change.
 */
#include <stdio.h>
#include <string.h>

#include "dgit.h"
#include "dgit_config.h"

const struct dgit_error *
cmd_push(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	const char *v;
	char mode[64];
	int warn = 0;

	v = dgit_config_get(ctx->cfg, "dgit.default.push-subcmd");
	snprintf(mode, sizeof mode, "%s", v ? v : "built");
	v = mode;
	if (strncmp(v, "warn,", 5) == 0) {
		warn = 1;
		v += 5;
	}
	if (strcmp(v, "reject") == 0)
		return dgit_error_fmt(DGIT_ERR_USAGE, "'dgit push' is disabled "
		    "here (dgit.default.push-subcmd=reject); use dgit "
		    "push-source or dgit push-built");
	if (strcmp(v, "source") == 0)
		return cmd_push_source(ctx, argc, argv);
	if (strcmp(v, "built") != 0)
		return dgit_error_cfmt(DGIT_ECLASS_CONFIG, DGIT_ERR_USAGE,
		    "bad dgit.default.push-subcmd '%s'; use source, built, reject "
		    "(optionally after 'warn,')", mode);
	if (warn)
		dgit_info("dgit: 'dgit push' means 'dgit push-built' here; set "
		    "dgit.default.push-subcmd to 'built' or 'source' to say "
		    "which you mean");
	return cmd_push_built(ctx, argc, argv);
}
