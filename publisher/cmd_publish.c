/* `vntl publish` in vntl's command table: open the registry, run. */
#include <stddef.h>

#include "db/cli/cli.h"
#include "db/db.h"
#include "publisher/publish_cmd.h"

int cmd_publish(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return publisher_command_run(env->config, NULL, argc, argv);
	struct db *db = NULL;
	int rc = cli_open(env, 0, &db);
	if (rc != CLI_OK)
		return rc;
	rc = publisher_command_run_as(env->config, db, env->as_user, argc, argv);
	db_close(db);
	return rc;
}
