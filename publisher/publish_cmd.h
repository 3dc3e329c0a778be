/* `vntl publish`: options, configuration, registry -> publisher_publish. */
#ifndef VNTL_PUBLISHER_PUBLISH_CMD_H
#define VNTL_PUBLISHER_PUBLISH_CMD_H

struct vntl_config;
struct db;

#define PUBLISH_PASS_ENV "VNTL_PUBLISH_KEY_PASS"

/* Run `publish [--list roots|foreign|pointer|all] [--if-due]` (argv[0] is
 * "publish") against an open registry. Returns the exit code: 0 published
 * (or nothing due), 1 refused by a rule, 2 usage, 3 I/O or database error. */
int publisher_command_run(const struct vntl_config *config, struct db *db, int argc, char **argv);

/* The `publish` entry of vntl's command table (publisher/vntl_main.c). */
struct cli_env;
int cmd_publish(struct cli_env *env, int argc, char **argv);

#endif
