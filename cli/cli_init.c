/* vntl init */
#include "cli/cli.h"
#include "db/registry.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char INIT_USAGE[] =
	"usage: vntl [--db PATH] init\n"
	"  Create the registry database (or migrate an older one to this version).\n"
	"  Then add the first user, an officer: vntl user add NAME --role officer\n";

int cmd_init(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(INIT_USAGE, 1);
	if (argc != 1)
		return cli_operands("init", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open(env, 1, &db);
	if (rc)
		return rc;
	printf("registry %s ready (schema version %d)\n", env->db_path, db_schema_version(db));
	db_close(db);
	return CLI_OK;
}
