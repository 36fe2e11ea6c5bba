/* dgit checkout */
#include "dgit.h"

int
cmd_checkout(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
