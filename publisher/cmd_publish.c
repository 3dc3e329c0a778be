/* `vntl publish` in vntl's command table: check the signer's configuration,
 * open the registry, run. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "db/cli/cli.h"
#include "db/config.h"
#include "db/db.h"
#include "publisher/publish_cmd.h"
#include "publisher/signer.h"

/* The list-signing key and certificate are configuration: a key not set,
 * or naming a file that cannot be read, is a configuration error (exit 2,
 * as README says), found before the registry is opened. */
static int check_signer_config(const struct vntl_config *cfg)
{
	static const struct { const char *key, *what; } files[] = {
		{"publish.key", "list-signing private key"},
		{"publish.cert", "list-signing certificate"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		const char *path = vntl_config_get(cfg, files[i].key, NULL);
		if (!path || !*path) {
			cli_log("usage", "publish: %s is not set in the configuration: the %s (PEM) is required",
				files[i].key, files[i].what);
			return CLI_USAGE;
		}
		if (!publisher_key_is_pkcs11(path) && access(path, R_OK) != 0) {
			cli_log("usage", "publish: %s = %s: cannot read the %s: %s", files[i].key, path,
				files[i].what, strerror(errno));
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

int cmd_publish(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return publisher_command_run(env->config, NULL, argc, argv);
	int rc = check_signer_config(env->config);
	if (rc != CLI_OK)
		return rc;
	struct db *db = NULL;
	rc = cli_open(env, 0, &db);
	if (rc != CLI_OK)
		return rc;
	rc = publisher_command_run_as(env->config, db, env->as_user, argc, argv);
	db_close(db);
	return rc;
}
