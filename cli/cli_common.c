/* Helpers shared by the vntl commands: opening the registry, results,
 * logging, parsing. */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/changes.h"
#include "common/config.h"
#include "db/db.h"
#include "db/users.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cli_log(const char *level, const char *fmt, ...)
{
	char msg[2048];
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
	char err[1024];
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
	char msg[1024];
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

int cli_option_error(const char *cmd, const char *usage, int c, int argc, char **argv)
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

int cli_bad_value(const char *cmd, const char *usage, const char *option, const char *value)
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
	char err[1024];
	struct db_user local;
	rc = db_user_require(*db, env->as_user, roles, me ? me : &local, err, sizeof err);
	if (rc) {
		db_close(*db);
		*db = NULL;
	}
	return cli_result(rc, err);
}
