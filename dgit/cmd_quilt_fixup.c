/* dgit quilt-fixup */
#include "dgit.h"

int
cmd_quilt_fixup(int argc, char **argv)
{
	(void)argc;
	return dgit_not_implemented(argv[0]);
}
