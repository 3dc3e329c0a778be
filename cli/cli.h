/* vntl, the operator command: all of its command-line code lives in cli/.
 * cli/vntl_main.c holds the dispatch table, one line per command; each
 * command (cli/cli_<command>.c) parses its own options and calls the
 * libraries: db/ for the registry (no SQL here), publisher/ for `publish`.
 *
 * Exit codes: 0 ok, 1 refused by a rule, 2 usage, 3 I/O or database error.
 */
#ifndef VNTL_CLI_CLI_H
#define VNTL_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

struct vntl_config;
struct db;

struct cli_env {
	struct vntl_config *config;
	const char *db_path;   /* --db, else $VNTL_DB, else config key "db" */
	const char *as_user;   /* --as USER: the acting user, checked against its role */
	int json;              /* --json: machine-readable output of read commands */
};

enum cli_exit { CLI_OK = 0, CLI_REFUSED = 1, CLI_USAGE = 2, CLI_ERROR = 3 };

/* argv[0] is the command's own name ("tsp"), argv[1] its subcommand. */
int cmd_init(struct cli_env *env, int argc, char **argv);
int cmd_user(struct cli_env *env, int argc, char **argv);
int cmd_tsp(struct cli_env *env, int argc, char **argv);
int cmd_cert(struct cli_env *env, int argc, char **argv);
int cmd_change(struct cli_env *env, int argc, char **argv);
int cmd_correction(struct cli_env *env, int argc, char **argv);
int cmd_doctor(struct cli_env *env, int argc, char **argv);
int cmd_audit(struct cli_env *env, int argc, char **argv);
int cmd_publish(struct cli_env *env, int argc, char **argv);
int cmd_signer(struct cli_env *env, int argc, char **argv);

/* One line of vntl's dispatch table (cli/vntl_main.c). */
struct cli_command {
	const char *name;
	int (*fn)(struct cli_env *env, int argc, char **argv);
	const char *summary;
};

/* The whole program around the table: global options (before or after the
 * command), configuration, database path, dispatch. Returns the exit code. */
int cli_main(int argc, char **argv, const struct cli_command *commands, size_t count);

/* --- helpers shared by the commands (cli_common.c) --- */

/* Open the registry named by env (messages on stderr); returns a CLI exit code. */
int cli_open(struct cli_env *env, int create, struct db **db);
/* Open and check that env->as_user holds one of `roles` (enum db_role
 * bits); `me` (may be NULL) receives the user. Returns an exit code. */
struct db_user;
#define CLI_ANY_ROLE 15u
int cli_open_as(struct cli_env *env, unsigned roles, struct db **db, struct db_user *me);
/* Map a db/ result (0, 1, -1) to an exit code, printing `err` when not 0. */
int cli_result(int rc, const char *err);
/* One line on stderr: "vntl: <level>: <message>". */
void cli_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print usage (to stdout for --help, exit 0; else to stderr, exit 2). */
int cli_usage(const char *text, int asked);
/* One line on stderr, "vntl: usage: CMD: MESSAGE (see vntl CMD --help)";
 * returns CLI_USAGE.  CMD names the command ("cert import"), or NULL. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long (optstring ":h", opterr 0) returned c, '?' (unknown option) or
 * ':' (missing value): the one-line error naming the option and the form of
 * its value as the usage text gives it. */
int cli_option_error(const char *cmd, const char *usage, int c, int argc, char **argv);
/* "CMD: OPTION wants FORM, not 'VALUE'"; returns CLI_USAGE. */
int cli_bad_value(const char *cmd, const char *usage, const char *option, const char *value);
/* 0 when argv[first..argc) holds `want` operands (0 or 1), else the usage
 * error saying so ("wants one FILE, got 2 ('a', 'b')"). */
int cli_operands(const char *cmd, const char *what, int want, int argc, char **argv, int first);
/* "-h"/"--help" anywhere in argv. */
int cli_wants_help(int argc, char **argv);
/* Strict integer parse; 0 ok. */
int cli_parse_id(const char *text, int64_t *out);
/* db_time_parse (RFC 3339 with Z or an offset, or a date = 00:00 UTC), or "@<epoch>"; 0 ok. */
int cli_parse_time(const char *text, int64_t *out);
/* Subcommand dispatch within a command. */
struct cli_sub {
	const char *name;
	int (*fn)(struct cli_env *env, int argc, char **argv);
};
int cli_dispatch(struct cli_env *env, int argc, char **argv, const struct cli_sub *subs, const char *usage);

#endif
