/* dgit push */
#include "dgit.h"

int
cmd_push(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
