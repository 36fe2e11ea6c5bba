/* dgit pull */
#include "dgit.h"

int
cmd_pull(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
