/* Helpers shared by the vntl commands: opening the registry, results,
 * logging, parsing. */
#include "db/cli/cli.h"
#include "db/changes.h"
#include "db/config.h"
#include "db/db.h"
#include "db/users.h"

#include <errno.h>
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
	/* Test hook (kill -9 tests): widen the window inside an apply. */
	const char *pause = getenv("VNTL_TEST_APPLY_PAUSE_MS");
	if (pause)
		db_test_set_apply_pause_ms(atoi(pause));
	int rc = db_open(env->db_path, create ? DB_OPEN_CREATE : DB_OPEN_EXISTING, db, err, sizeof err);
	return cli_result(rc, err);
}

int cli_usage(const char *text, int asked)
{
	fputs(text, asked ? stdout : stderr);
	return asked ? CLI_OK : CLI_USAGE;
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
	static const char *const formats[] = {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		const char *end = strptime(text, formats[i], &tm);
		if (end && *end == '\0') {
			*out = (int64_t)timegm(&tm);
			return 0;
		}
	}
	return -1;
}

const char *cli_format_time(int64_t t, char *buf, unsigned len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "@%lld", (long long)t);
	return buf;
}

int cli_dispatch(struct cli_env *env, int argc, char **argv, const struct cli_sub *subs, const char *usage)
{
	if (argc < 2)
		return cli_usage(usage, 0);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
		return cli_usage(usage, 1);
	for (const struct cli_sub *s = subs; s->name; s++)
		if (strcmp(argv[1], s->name) == 0)
			return s->fn(env, argc - 1, argv + 1);
	cli_log("usage", "%s: unknown subcommand '%s'", argv[0], argv[1]);
	return cli_usage(usage, 0);
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
