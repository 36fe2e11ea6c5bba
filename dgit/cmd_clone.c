/* dgit clone */
#include "dgit.h"

int
cmd_clone(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
