/* dgit push */
#include "dgit.h"

const struct dgit_error *
cmd_push(struct dgit_cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return dgit_not_implemented(ctx);
}
