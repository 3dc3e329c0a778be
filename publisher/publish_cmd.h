/* `vntl publish`: options, configuration, registry -> publisher_publish. */
#ifndef VNTL_PUBLISHER_PUBLISH_CMD_H
#define VNTL_PUBLISHER_PUBLISH_CMD_H

struct vntl_config;
struct db;

/* Run `publish [--list roots|foreign|pointer|all] [--if-due]
 * [--confirm-large-change]` (argv[0] is "publish") against an open registry:
 * nothing is signed unless the registry passes db_registry_check and no
 * list would drop more than publish.max_drop_percent of its trusted
 * services (or all of them) without an approver's confirmation. Returns the exit code: 0 published
 * (or nothing due), 1 refused by a rule, 2 usage, 3 I/O or database error. */
int publisher_command_run(const struct vntl_config *config, struct db *db, int argc, char **argv);
/* The same, acting as `as_user` (vntl --as): the approver who may confirm a
 * large change (--confirm-large-change). */
int publisher_command_run_as(const struct vntl_config *config, struct db *db, const char *as_user, int argc,
			     char **argv);

/* The `publish` entry of vntl's command table (publisher/vntl_main.c). */
struct cli_env;
int cmd_publish(struct cli_env *env, int argc, char **argv);

#endif
