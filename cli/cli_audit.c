/* vntl audit verify|list (auditors only) */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/registry.h"

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

/* --expect-head: a head hash as audit verify prints it. */
static int store_head_hash(const char *text, void *dest)
{
	if (strlen(text) != 64 || strspn(text, "0123456789abcdef") != 64)
		return -1;
	*(const char **)dest = text;
	return 0;
}

static int audit_verify(struct cli_env *env, int argc, char **argv)
{
	const char *expected = NULL;
	const struct cli_option opts[] = {
		CLI_PARSED("expect-head", &expected, store_head_hash,
			   "a head hash (64 lowercase hex digits, as audit verify printed it)"),
		CLI_END};
	int rc = cli_parse_options_only("audit verify", AUDIT_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	rc = cli_open_as(env, DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_audit_verdict v;
	char err[VNTL_ERR_MAX], rows_msg[VNTL_ERR_MAX] = "";
	rc = db_audit_verify_head(db, expected, &v, err, sizeof err);
	int rows = rc == 0 && v.kind == DB_AUDIT_INTACT ? verify_rows(db, rows_msg, sizeof rows_msg, err, sizeof err) : 0;
	db_close(db);
	if (rc || rows < 0)
		return cli_result(rc ? rc : rows, err);
	if (env->json) {
		json_t *o = db_json_audit_verdict(&v, rows, rows_msg);
		cli_print_json(o);
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

/* --after: an entry ID, or 0 for the start of the log. */
static int store_after(const char *text, void *dest)
{
	if (strcmp(text, "0") == 0) {
		*(int64_t *)dest = 0;
		return 0;
	}
	return cli_parse_id(text, dest);
}

static int audit_list(struct cli_env *env, int argc, char **argv)
{
	int64_t after = 0, limit = 0;
	const struct cli_option opts[] = {CLI_PARSED("after", &after, store_after, NULL), CLI_ID("limit", &limit),
					  CLI_END};
	int rc = cli_parse_options_only("audit list", AUDIT_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	rc = cli_open_as(env, DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_audit_entry *e;
	size_t n;
	char err[VNTL_ERR_MAX];
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
		cli_print_json(arr);
	json_decref(arr);
	db_audit_entries_free(e, n);
	return CLI_OK;
}

int cmd_audit(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"verify", audit_verify}, {"list", audit_list}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, AUDIT_USAGE);
}
