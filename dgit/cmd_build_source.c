/* dgit build-source */
#include "dgit.h"

int
cmd_build_source(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
