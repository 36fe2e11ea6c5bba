/* dgit push-source */
#include "dgit.h"

int
cmd_push_source(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
