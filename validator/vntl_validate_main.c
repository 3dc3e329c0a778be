/* vntl-validate: check trust lists and certificate chains (see vv_cli.c). */
#include "vv_internal.h"

int main(int argc, char **argv)
{
	return vv_cli_main(argc, argv);
}
