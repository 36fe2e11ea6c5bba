/* dgit fetch */
#include "dgit.h"

int
cmd_fetch(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
