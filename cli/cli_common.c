/* Helpers shared by the vntl commands: opening the registry, results,
 * logging, parsing. */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/changes.h"
#include "db/corrections.h"
#include "common/config.h"
#include "db/db.h"
#include "db/users.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_log(const char *level, const char *fmt, ...)
{
	char msg[VNTL_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	fprintf(stderr, "vntl: %s: %s\n", level, msg);
}

int cli_result(int rc, const char *err)
{
	if (rc == 0)
		return CLI_OK;
	cli_log(rc > 0 ? "refused" : "error", "%s", err && *err ? err : "failed");
	return rc > 0 ? CLI_REFUSED : CLI_ERROR;
}

int cli_open(struct cli_env *env, int create, struct db **db)
{
	char err[VNTL_ERR_MAX];
	if (!env->db_path || !*env->db_path) {
		cli_log("usage", "no registry database: give --db PATH, set $VNTL_DB, or key db in the config file");
		return CLI_USAGE;
	}
#ifdef VNTL_TEST_HOOKS
	/* Test hook (kill -9 tests): widen the window inside an apply. Only in
	 * BUILD/tests/vntl-test-hooks, never in the installed vntl. */
	const char *pause = getenv("VNTL_TEST_APPLY_PAUSE_MS");
	if (pause)
		db_test_set_apply_pause_ms(atoi(pause));
#endif
	int rc = db_open(env->db_path, create ? DB_OPEN_CREATE : DB_OPEN_EXISTING, db, err, sizeof err);
	return cli_result(rc, err);
}

int cli_usage(const char *text, int asked)
{
	fputs(text, asked ? stdout : stderr);
	return asked ? CLI_OK : CLI_USAGE;
}

static void usage_line(const char *cmd, const char *fmt, va_list ap)
{
	char msg[VNTL_ERR_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (cmd)
		cli_log("usage", "%s: %s (see vntl %s --help)", cmd, msg, cmd);
	else
		cli_log("usage", "%s (see vntl --help)", msg);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	usage_line(cmd, fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

/* The form the usage text gives an option's value ("--tsp ID" -> "ID"),
 * with the words of the placeholders that need one. */
static void value_form(const char *usage, const char *option, char *out, size_t len)
{
	char key[64];
	snprintf(key, sizeof key, "%s ", option);
	const char *p = usage ? strstr(usage, key) : NULL;
	size_t n = p ? strcspn(p + strlen(key), " ]\n") : 0;
	char word[128];
	snprintf(word, sizeof word, "%.*s", (int)n, p ? p + strlen(key) : "");
	if (strcmp(word, "ID") == 0 || strcmp(word, "N") == 0)
		snprintf(out, len, "a positive whole number (%s)", word);
	else if (strcmp(word, "TIME") == 0)
		snprintf(out, len, "a time with Z or an offset (2026-12-01T08:00:00+07:00, 2026-12-01T01:00:00Z), "
			 "a date (2026-12-01, 00:00 UTC) or @EPOCH");
	else
		snprintf(out, len, "%s", n ? word : "a value");
}

/* getopt_long (optstring ":h", opterr 0) returned c, '?' (unknown option) or
 * ':' (missing value): the one-line error naming the option and the form of
 * its value as the usage text gives it. */
static int cli_option_error(const char *cmd, const char *usage, int c, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char option[64];
	if (c == '?' && optopt && strncmp(arg, "--", 2) != 0)
		snprintf(option, sizeof option, "-%c", optopt);
	else
		snprintf(option, sizeof option, "%.*s", (int)strcspn(arg, "="), arg);
	if (c == '?')
		return cli_usage_error(cmd, "unknown option %s", option);
	char form[160];
	value_form(usage, option, form, sizeof form);
	return cli_usage_error(cmd, "%s wants %s", option, form);
}

/* "CMD: OPTION wants FORM, not 'VALUE'"; returns CLI_USAGE. */
static int cli_bad_value(const char *cmd, const char *usage, const char *option, const char *value)
{
	char form[160];
	value_form(usage, option, form, sizeof form);
	return cli_usage_error(cmd, "%s wants %s, not '%s'", option, form, value);
}

int cli_operands(const char *cmd, const char *what, int want, int argc, char **argv, int first)
{
	int got = argc - first;
	if (got == want)
		return 0;
	if (want == 0)
		return cli_usage_error(cmd, "takes no operand, got '%s'", argv[first]);
	if (got < want)
		return cli_usage_error(cmd, "wants %s", what);
	return cli_usage_error(cmd, "wants one %s, got %d ('%s', '%s'%s)", what, got, argv[first],
			       argv[first + 1], got > 2 ? ", ..." : "");
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int cli_parse_id(const char *text, int64_t *out)
{
	if (!text || !*text)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_time(const char *text, int64_t *out)
{
	if (!text)
		return -1;
	if (text[0] == '@') {
		char *end;
		errno = 0;
		long long v = strtoll(text + 1, &end, 10);
		if (errno || *end || end == text + 1)
			return -1;
		*out = v;
		return 0;
	}
	return rfc3339_parse_input(text, out);
}

int cli_dispatch(struct cli_env *env, int argc, char **argv, const struct cli_sub *subs, const char *usage)
{
	char names[256] = "";
	for (const struct cli_sub *s = subs; s->name; s++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", names[0] ? ", " : "",
			 s->name);
	if (argc < 2)
		return cli_usage_error(argv[0], "wants a subcommand: %s", names);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		return cli_usage(usage, 1);
	for (const struct cli_sub *s = subs; s->name; s++)
		if (strcmp(argv[1], s->name) == 0)
			return s->fn(env, argc - 1, argv + 1);
	return cli_usage_error(argv[0], "unknown subcommand '%s' (%s)", argv[1], names);
}

int cli_open_as(struct cli_env *env, unsigned roles, struct db **db, struct db_user *me)
{
	int rc = cli_open(env, 0, db);
	if (rc)
		return rc;
	char err[VNTL_ERR_MAX];
	struct db_user local;
	rc = db_user_require(*db, env->as_user, roles, me ? me : &local, err, sizeof err);
	if (rc) {
		db_close(*db);
		*db = NULL;
	}
	return cli_result(rc, err);
}

int cli_store_id(const char *text, void *dest)
{
	return cli_parse_id(text, dest);
}

int cli_store_time(const char *text, void *dest)
{
	return cli_parse_time(text, dest);
}

int cli_store_state(const char *text, void *dest)
{
	enum db_change_state s;
	if (db_change_state_parse(text, &s))
		return -1;
	*(int64_t *)dest = (int64_t)s;
	return 0;
}

/* The most options one subcommand takes, with --help. */
#define CLI_MAX_OPTIONS 24
/* getopt_long's value for opts[i]: above every character it returns. */
#define OPTION_VALUE(i) (1000 + (i))

/* The value of opts[i] given as `text`: stored, or the usage error. */
static int take_option(const char *cmd, const char *usage, const struct cli_option *o, const char *text)
{
	if (o->refusal)
		return cli_usage_error(cmd, "%s", o->refusal);
	if (o->parse) {
		if (o->parse(text, o->dest) == 0)
			return CLI_CONTINUE;
		char option[80];
		snprintf(option, sizeof option, "--%s", o->name);
		if (o->form)
			return cli_usage_error(cmd, "%s wants %s, not '%s'", option, o->form, text);
		return cli_bad_value(cmd, usage, option, text);
	}
	if (o->has_arg == no_argument)
		*(int *)o->dest = 1;
	else
		*(const char **)o->dest = text;
	return CLI_CONTINUE;
}

int cli_parse_options(const char *cmd, const char *usage, const struct cli_option *opts, int argc, char **argv,
		      int *first)
{
	struct option longopts[CLI_MAX_OPTIONS + 2];
	size_t n = 0;
	for (; opts[n].name; n++) {
		if (n == CLI_MAX_OPTIONS) {
			cli_log("error", "%s: more than %d options in its table", cmd, CLI_MAX_OPTIONS);
			return CLI_ERROR;
		}
		longopts[n] = (struct option){opts[n].name, opts[n].has_arg, NULL, OPTION_VALUE((int)n)};
	}
	longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n + 1] = (struct option){NULL, 0, NULL, 0};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cli_usage(usage, 1);
		if (c < OPTION_VALUE(0) || c >= OPTION_VALUE((int)n))
			return cli_option_error(cmd, usage, c, argc, argv);
		int rc = take_option(cmd, usage, &opts[c - OPTION_VALUE(0)], optarg);
		if (rc != CLI_CONTINUE)
			return rc;
	}
	*first = optind;
	return CLI_CONTINUE;
}

int cli_parse_options_only(const char *cmd, const char *usage, const struct cli_option *opts, int argc,
			   char **argv)
{
	int first;
	int rc = cli_parse_options(cmd, usage, opts, argc, argv, &first);
	if (rc != CLI_CONTINUE)
		return rc;
	return cli_operands(cmd, "", 0, argc, argv, first) ? CLI_USAGE : CLI_CONTINUE;
}

int cli_parse_id_operand(const char *cmd, const char *usage, const struct cli_option *opts, int argc, char **argv,
			 const char *operand, const char *what, int64_t *id)
{
	int first;
	int rc = cli_parse_options(cmd, usage, opts, argc, argv, &first);
	if (rc != CLI_CONTINUE)
		return rc;
	if ((rc = cli_operands(cmd, operand, 1, argc, argv, first)))
		return rc;
	if (cli_parse_id(argv[first], id))
		return cli_usage_error(cmd, "wants a %s (a positive whole number), not '%s'", what, argv[first]);
	return CLI_CONTINUE;
}

int cli_parse_lone_id(const char *cmd, const char *usage, const char *operand, const char *what, int argc,
		      char **argv, int64_t *id)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(usage, 1);
	if (argc != 2)
		return cli_operands(cmd, operand, 1, argc, argv, 1);
	if (cli_parse_id(argv[1], id))
		return cli_usage_error(cmd, "wants a %s (a positive whole number), not '%s'", what, argv[1]);
	return CLI_CONTINUE;
}

void cli_print_json(const struct json_t *value)
{
	json_dumpf(value, stdout, JSON_INDENT(2));
	putchar('\n');
}

int cli_propose(struct cli_env *env, struct db *db, const struct db_correction_input *in, const char *target)
{
	char err[VNTL_ERR_MAX];
	int64_t id;
	int rc = db_correction_propose(db, env->as_user, in, &id, err, sizeof err);
	if (rc == 0)
		printf("correction %" PRId64 " proposed: %s %s; awaiting another approver "
		       "(vntl correction approve %" PRId64 ")\n", id, db_correction_action_name(in->action), target, id);
	return cli_result(rc, err);
}

int cli_propose_correction(struct cli_env *env, const struct db_correction_input *in, const char *target)
{
	struct db *db;
	int rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	rc = cli_propose(env, db, in, target);
	db_close(db);
	return rc;
}
