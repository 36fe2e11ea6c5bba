/* dgit local-archive */
#include "dgit.h"

int
cmd_local_archive(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
