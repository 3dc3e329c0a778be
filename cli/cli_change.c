/* vntl change propose|approve|reject|list|show */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/registry.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CHANGE_USAGE[] =
	"usage: vntl --as OFFICER|PROVIDER change propose --service ID --status STATUS --reason TEXT\n"
	"                                   --decision REF [--effective TIME]\n"
	"       vntl --as APPROVER change approve ID [--note TEXT] [--retroactive REASON]\n"
	"       vntl --as APPROVER change reject ID --note TEXT\n"
	"       vntl --as USER [--json] change list [--state pending|applied|rejected]\n"
	"       vntl --as USER [--json] change show ID\n"
	"  STATUS: granted, withdrawn (roots, public CAs); recognised, suspended, withdrawn (foreign).\n"
	"  Approve applies the change at once (status, history, audit in one transaction).\n"
	"  The approver must be another person than the proposer. --reason says why a change\n"
	"  is proposed, --note what the approver says (required to reject).\n"
	"  TIME: 2026-12-01, 2026-12-01T08:00:00Z or @EPOCH; past or future (default: when\n"
	"  approved). A change dated before the last published list that names its service\n"
	"  needs --retroactive REASON at approval (audited).\n";

static int change_propose(struct cli_env *env, int argc, char **argv)
{
	struct db_change_input in = {0};
	const char *status = NULL;
	const struct cli_option opts[] = {CLI_ID("service", &in.service_id), CLI_TEXT("status", &status),
					  CLI_TEXT("reason", &in.reason), CLI_TEXT("decision", &in.decision_ref),
					  CLI_TIME("effective", &in.effective), CLI_END};
	int rc = cli_parse_options_only("change propose", CHANGE_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!in.service_id || !status)
		return cli_usage_error("change propose", "%s is required", !in.service_id ? "--service ID"
				       : "--status STATUS");
	if (db_status_parse(status, &in.new_status))
		return cli_usage_error("change propose", "--status wants granted, withdrawn, recognised or "
				       "suspended, not '%s'", status);
	struct db *db;
	rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	char err[VNTL_ERR_MAX];
	int64_t id;
	rc = db_change_propose(db, env->as_user, &in, &id, err, sizeof err);
	db_close(db);
	if (rc == 0)
		printf("change %" PRId64 " proposed: service %" PRId64 " -> %s; awaiting another approver\n", id,
		       in.service_id, status);
	return cli_result(rc, err);
}

static int change_decide(struct cli_env *env, int argc, char **argv, int approve)
{
	const char *note = NULL, *retroactive = NULL;
	const struct cli_option approve_opts[] = {CLI_TEXT("note", &note), CLI_TEXT("retroactive", &retroactive),
						  CLI_END};
	/* --reason: what vntl correction reject and the console call the note */
	const struct cli_option reject_opts[] = {CLI_TEXT("note", &note), CLI_TEXT("reason", &note), CLI_END};
	const char *cmd = approve ? "change approve" : "change reject";
	int64_t id;
	int rc = cli_parse_id_operand(cmd, CHANGE_USAGE, approve ? approve_opts : reject_opts, argc, argv, "change ID",
				      "change ID", &id);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	char err[VNTL_ERR_MAX];
	rc = approve ? db_change_approve_retroactive(db, env->as_user, id, note, retroactive, err, sizeof err)
		     : db_change_reject(db, env->as_user, id, note, err, sizeof err);
	db_close(db);
	if (rc == 0)
		printf("change %" PRId64 " %s\n", id, approve ? "approved and applied" : "rejected");
	return cli_result(rc, err);
}

static int change_approve(struct cli_env *env, int argc, char **argv)
{
	return change_decide(env, argc, argv, 1);
}

static int change_reject(struct cli_env *env, int argc, char **argv)
{
	return change_decide(env, argc, argv, 0);
}

/* A pending change without an effective time takes effect when approved. */
static const char *effective_text(const struct db_change *c, char out[32])
{
	return c->effective ? rfc3339_format(c->effective, out) : "on approval";
}

static int change_list(struct cli_env *env, int argc, char **argv)
{
	int64_t state = -1;
	const struct cli_option opts[] = {CLI_PARSED("state", &state, cli_store_state, NULL), CLI_END};
	int rc = cli_parse_options_only("change list", CHANGE_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	struct db_user me;
	rc = cli_open_as(env, CLI_ANY_ROLE, &db, &me);
	if (rc)
		return rc;
	struct db_change *list;
	size_t n;
	char err[VNTL_ERR_MAX];
	/* A provider sees its own TSP's changes only. */
	rc = db_change_list(db, (int)state, (me.roles & DB_ROLE_PROVIDER) ? me.tsp_id : 0, &list, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char eff[32];
		if (env->json)
			json_array_append_new(arr, db_json_change(&list[i]));
		else
			printf("%" PRId64 "\t%s\tservice %" PRId64 " -> %s\tfrom %s\tby %s\t%s\n", list[i].id,
			       db_change_state_name(list[i].state), list[i].service_id, db_status_name(list[i].new_status),
			       effective_text(&list[i], eff), list[i].proposed_by,
			       list[i].decision_ref);
	}
	if (env->json)
		cli_print_json(arr);
	json_decref(arr);
	db_changes_free(list, n);
	return CLI_OK;
}

static int change_show(struct cli_env *env, int argc, char **argv)
{
	int64_t id;
	int rc = cli_parse_lone_id("change show", CHANGE_USAGE, "change ID", "change ID", argc, argv, &id);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	struct db_user me;
	if ((rc = cli_open_as(env, CLI_ANY_ROLE, &db, &me)))
		return rc;
	struct db_change c;
	char err[VNTL_ERR_MAX];
	rc = db_change_get(db, id, &c, err, sizeof err);
	db_close(db);
	if (rc == 0 && (me.roles & DB_ROLE_PROVIDER) && c.tsp_id != me.tsp_id) {
		db_change_clear(&c);
		snprintf(err, sizeof err, "no change with id %" PRId64, id);
		rc = 1;
	}
	if (rc)
		return cli_result(rc, err);
	json_t *o = db_json_change(&c);
	if (env->json) {
		cli_print_json(o);
	} else {
		const char *key;
		json_t *v;
		printf("change %" PRId64 "\n", c.id);
		json_object_foreach(o, key, v) {
			if (json_is_string(v))
				printf("  %s: %s\n", key, json_string_value(v));
			else if (json_is_integer(v))
				printf("  %s: %" JSON_INTEGER_FORMAT "\n", key, json_integer_value(v));
			else if (json_is_null(v) && strcmp(key, "effective") == 0)
				printf("  %s: on approval\n", key);
		}
	}
	json_decref(o);
	db_change_clear(&c);
	return CLI_OK;
}

int cmd_change(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"propose", change_propose}, {"approve", change_approve},
					      {"reject", change_reject}, {"list", change_list},
					      {"show", change_show}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, CHANGE_USAGE);
}
