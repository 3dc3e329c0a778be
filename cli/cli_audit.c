/* vntl audit verify|list (auditors only) */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/registry.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char AUDIT_USAGE[] =
	"usage: vntl --as AUDITOR [--json] audit verify [--expect-head HASH]\n"
	"       vntl --as AUDITOR [--json] audit list [--after ID] [--limit N]\n"
	"  verify walks the hash chain; exit 1 and the first entry modified, deleted or\n"
	"  reordered when it is broken. Record the printed head hash elsewhere to anchor it;\n"
	"  --expect-head HASH then checks that the chain still holds that entry (exit 1 when\n"
	"  the log was rewritten). The append-only triggers must be intact too. It then\n"
	"  checks every published row (TSP, service, status entry) against the seal its\n"
	"  audit entry recorded; exit 1 naming the first that does not match.\n";

/* With the chain intact: do the rows that reach the lists match their
 * seals? 0 yes, 1 no (message in rows_msg), -1 error (in err). */
static int verify_rows(struct db *db, char *rows_msg, size_t rows_len, char *err, size_t errlen)
{
	int rc = db_seal_check_now(db, rows_msg, rows_len);
	if (rc < 0)
		snprintf(err, errlen, "%s", rows_msg);
	return rc;
}

static int audit_verify(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {{"expect-head", required_argument, NULL, 'e'},
					     {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *expected = NULL;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_usage(AUDIT_USAGE, 1);
		if (c != 'e')
			return cli_option_error("audit verify", AUDIT_USAGE, c, argc, argv);
		if (strlen(optarg) != 64 || strspn(optarg, "0123456789abcdef") != 64)
			return cli_usage_error("audit verify", "--expect-head wants a head hash (64 lowercase hex "
					       "digits, as audit verify printed it), not '%s'", optarg);
		expected = optarg;
	}
	int operands = cli_operands("audit verify", "", 0, argc, argv, optind);
	if (operands)
		return operands;
	struct db *db;
	int rc = cli_open_as(env, DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_audit_verdict v;
	char err[1024], rows_msg[1024] = "";
	rc = db_audit_verify_head(db, expected, &v, err, sizeof err);
	int rows = rc == 0 && v.kind == DB_AUDIT_INTACT ? verify_rows(db, rows_msg, sizeof rows_msg, err, sizeof err) : 0;
	db_close(db);
	if (rc || rows < 0)
		return cli_result(rc ? rc : rows, err);
	if (env->json) {
		json_t *o = db_json_audit_verdict(&v, rows, rows_msg);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else if (v.kind == DB_AUDIT_INTACT) {
		printf("%s\n", v.message);
	}
	if (v.kind == DB_AUDIT_INTACT && rows == 0)
		return CLI_OK;
	if (v.kind == DB_AUDIT_INTACT)
		cli_log("refused", "audit chain intact, but the registry does not match it: %s", rows_msg);
	else
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
		rfc3339_format(e[i].at, at);
		if (env->json) {
			json_array_append_new(arr, db_json_audit_entry(&e[i]));
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
