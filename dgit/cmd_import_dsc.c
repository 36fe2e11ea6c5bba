/* dgit import-dsc */
#include "dgit.h"

int
cmd_import_dsc(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
