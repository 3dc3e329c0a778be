/* vntl audit verify|list (auditors only) */
#include "db/cli/cli.h"
#include "db/registry.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char AUDIT_USAGE[] =
	"usage: vntl --as AUDITOR [--json] audit verify\n"
	"       vntl --as AUDITOR [--json] audit list [--after ID] [--limit N]\n"
	"  verify walks the hash chain; exit 1 and the first entry modified, deleted or\n"
	"  reordered when it is broken. Record the printed head hash elsewhere to anchor it.\n";

static int audit_verify(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(AUDIT_USAGE, 1);
	if (argc != 1)
		return cli_operands("audit verify", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open_as(env, DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_audit_verdict v;
	char err[1024];
	rc = db_audit_verify(db, &v, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	if (env->json) {
		json_t *o = json_pack("{sb ss sI sI ss ss}", "intact", v.kind == DB_AUDIT_INTACT, "verdict",
				      db_audit_break_name(v.kind), "entries_checked", (json_int_t)v.entries,
				      "first_bad", (json_int_t)v.first_bad, "head", v.head_hash, "message", v.message);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else if (v.kind == DB_AUDIT_INTACT) {
		printf("%s\n", v.message);
	}
	if (v.kind == DB_AUDIT_INTACT)
		return CLI_OK;
	cli_log("refused", "audit chain broken (%s): %s", db_audit_break_name(v.kind), v.message);
	return CLI_REFUSED;
}

static int audit_list(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {{"after", required_argument, NULL, 'a'},
					     {"limit", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int64_t after = 0, limit = 0;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_usage(AUDIT_USAGE, 1);
		if (c == 'a' && (strcmp(optarg, "0") == 0 || cli_parse_id(optarg, &after) == 0))
			continue;
		if (c == 'l' && cli_parse_id(optarg, &limit) == 0)
			continue;
		if (c == 'a' || c == 'l')
			return cli_bad_value("audit list", AUDIT_USAGE, c == 'a' ? "--after" : "--limit", optarg);
		return cli_option_error("audit list", AUDIT_USAGE, c, argc, argv);
	}
	if (optind != argc)
		return cli_operands("audit list", "", 0, argc, argv, optind);
	struct db *db;
	int rc = cli_open_as(env, DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_audit_entry *e;
	size_t n;
	char err[1024];
	rc = db_audit_list(db, after, (size_t)limit, &e, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char at[32];
		cli_format_time(e[i].at, at, sizeof at);
		if (env->json) {
			json_t *detail = json_loads(e[i].detail, 0, NULL);
			json_array_append_new(arr, json_pack("{sI ss ss ss ss so ss ss}", "id", (json_int_t)e[i].id, "at", at,
							     "actor", e[i].actor, "action", e[i].action, "object",
							     e[i].object, "detail", detail ? detail : json_string(e[i].detail),
							     "prev_hash", e[i].prev_hash, "hash", e[i].hash));
		} else {
			printf("%" PRId64 "\t%s\t%s\t%s\t%s\t%s\n", e[i].id, at, e[i].actor, e[i].action, e[i].object,
			       e[i].detail);
		}
	}
	if (env->json)
		json_dumpf(arr, stdout, JSON_INDENT(2)), putchar('\n');
	json_decref(arr);
	db_audit_entries_free(e, n);
	return CLI_OK;
}

int cmd_audit(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"verify", audit_verify}, {"list", audit_list}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, AUDIT_USAGE);
}
