/* dgit download-source */
#include "dgit.h"

int
cmd_download_source(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
