/* vntl, the operator command: all of its command-line code lives in cli/.
 * cli/vntl_main.c holds the dispatch table, one line per command; each
 * command (cli/cli_<command>.c) lists its subcommands' options in tables
 * that cli_parse_options reads, and calls the libraries: db/ for the
 * registry (no SQL here), publisher/ for `publish`.
 *
 * Exit codes: 0 ok, 1 refused by a rule, 2 usage, 3 I/O or database error.
 * The commands and the cli_* helpers return such an exit code (enum
 * cli_exit), except: cli_parse_options* return CLI_CONTINUE (-1) when the
 * command goes on; cli_store_*, cli_parse_id and cli_parse_time return 0 ok,
 * -1 bad text (the caller says so); cli_wants_help is a predicate.
 */
#ifndef VNTL_CLI_CLI_H
#define VNTL_CLI_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sizes.h"   /* VNTL_ERR_MAX: every err buffer of the commands */

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
/* --- option tables (cli_parse_options) ---
 * Each subcommand lists its options in one table: the long name, where the
 * value goes and how it is checked. The table ends with CLI_END. */
struct cli_option {
	const char *name;      /* "service" for --service */
	int has_arg;           /* required_argument, or no_argument for a flag */
	void *dest;            /* const char ** (text), int64_t * (parsed), int * (flag) */
	/* Store `text` in dest; 0 ok, else the usage error "--NAME wants FORM,
	 * not 'TEXT'". NULL: text stored as given, or the flag set to 1. */
	int (*parse)(const char *text, void *dest);
	const char *form;      /* FORM in that error; NULL: as the usage text gives it */
	const char *refusal;   /* set: the option is refused with this usage error */
};
/* CLI_TYPED checks at compile time that dest has the type the kind stores. */
#define CLI_TYPED(type, dest) ((void *)(1 ? (dest) : (type)0))
#define CLI_TEXT(name, dest) {name, required_argument, CLI_TYPED(const char **, dest), NULL, NULL, NULL}
#define CLI_FLAG(name, dest) {name, no_argument, CLI_TYPED(int *, dest), NULL, NULL, NULL}
#define CLI_ID(name, dest) {name, required_argument, CLI_TYPED(int64_t *, dest), cli_store_id, NULL, NULL}
#define CLI_TIME(name, dest) {name, required_argument, CLI_TYPED(int64_t *, dest), cli_store_time, NULL, NULL}
#define CLI_PARSED(name, dest, parse, form) {name, required_argument, dest, parse, form, NULL}
#define CLI_REFUSED(name, refusal) {name, required_argument, NULL, NULL, NULL, refusal}
#define CLI_END {NULL, 0, NULL, NULL, NULL, NULL}
/* cli_parse_options went through the options: the command goes on. */
#define CLI_CONTINUE (-1)
/* Parse argv[1..argc) against `opts` with getopt_long (operands may come
 * between options; "-h"/"--help" prints `usage`). An unknown option, a
 * missing or bad value is one usage error line naming `cmd` ("cert
 * import"). Returns CLI_CONTINUE with *first = index of the first operand,
 * or the exit code to return now (CLI_OK after --help, CLI_USAGE). */
int cli_parse_options(const char *cmd, const char *usage, const struct cli_option *opts, int argc, char **argv,
		      int *first);
/* Options and no operand (a stray one is the usage error that says so).
 * Returns as cli_parse_options. */
int cli_parse_options_only(const char *cmd, const char *usage, const struct cli_option *opts, int argc,
			   char **argv);
/* Options, then exactly one operand: the ID of a `what` ("change ID";
 * "wants a change ID (a positive whole number), not 'x'"), in *id. The
 * operand count error names it as `operand` ("SERVICE_ID"). Returns as
 * cli_parse_options. */
int cli_parse_id_operand(const char *cmd, const char *usage, const struct cli_option *opts, int argc, char **argv,
			 const char *operand, const char *what, int64_t *id);
/* No option (but -h/--help) and exactly one operand, the ID of a `what`,
 * in *id; errors worded as cli_parse_id_operand's. Returns as
 * cli_parse_options. */
int cli_parse_lone_id(const char *cmd, const char *usage, const char *operand, const char *what, int argc,
		      char **argv, int64_t *id);
/* Propose a correction as env->as_user in the open registry and print its
 * id ("correction 7 proposed: ACTION TARGET; awaiting another approver");
 * cli_propose_correction opens and closes the registry around it. */
struct db_correction_input;
int cli_propose(struct cli_env *env, struct db *db, const struct db_correction_input *in, const char *target);
int cli_propose_correction(struct cli_env *env, const struct db_correction_input *in, const char *target);
/* Print a JSON value (--json output) on stdout, indented, with a newline. */
struct json_t;
void cli_print_json(const struct json_t *value);
/* Parsers for CLI_PARSED / CLI_ID / CLI_TIME (dest: int64_t *). */
int cli_store_id(const char *text, void *dest);
int cli_store_time(const char *text, void *dest);
int cli_store_state(const char *text, void *dest);   /* pending|applied|rejected */

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
