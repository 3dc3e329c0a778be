/* vntl correction list|show|approve|reject: the four-eyes decision on the
 * corrections proposed by vntl tsp edit|retire, cert move and vntl user. */
#include "cli/cli.h"
#include "common/rfc3339.h"
#include "db/corrections.h"
#include "db/registry.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CORRECTION_USAGE[] =
	"usage: vntl --as APPROVER correction approve ID [--note TEXT]\n"
	"       vntl --as APPROVER correction reject ID --note TEXT\n"
	"       vntl --as USER [--json] correction list [--state pending|applied|rejected]\n"
	"       vntl --as USER [--json] correction show ID\n"
	"  Corrections are proposed by: vntl tsp edit|retire, vntl cert move, vntl user add (after\n"
	"  the bootstrap)|roles|disable|cert|secret|revoke-tokens. Approve applies one at once\n"
	"  (audited; what was published is never edited: a TSP or service gets a new sealed\n"
	"  version). The approver must be another person than the proposer and, for a user\n"
	"  correction, than the user concerned.\n";

static int correction_decide(struct cli_env *env, int argc, char **argv, int approve)
{
	const char *cmd = approve ? "correction approve" : "correction reject", *note = NULL;
	const struct cli_option opts[] = {CLI_TEXT("note", &note), CLI_END};
	int64_t id;
	int rc = cli_parse_id_operand(cmd, CORRECTION_USAGE, opts, argc, argv, "correction ID", "correction ID", &id);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	if ((rc = cli_open(env, 0, &db)))
		return rc;
	char err[VNTL_ERR_MAX];
	rc = approve ? db_correction_approve(db, env->as_user, id, note, err, sizeof err)
		     : db_correction_reject(db, env->as_user, id, note, err, sizeof err);
	db_close(db);
	if (rc == 0)
		printf("correction %" PRId64 " %s\n", id, approve ? "approved and applied" : "rejected");
	return cli_result(rc, err);
}

static int correction_approve(struct cli_env *env, int argc, char **argv)
{
	return correction_decide(env, argc, argv, 1);
}

static int correction_reject(struct cli_env *env, int argc, char **argv)
{
	return correction_decide(env, argc, argv, 0);
}

static int correction_list(struct cli_env *env, int argc, char **argv)
{
	int64_t state = -1;
	const struct cli_option opts[] = {CLI_PARSED("state", &state, cli_store_state, NULL), CLI_END};
	int rc = cli_parse_options_only("correction list", CORRECTION_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	if ((rc = cli_open_as(env, DB_ROLE_OFFICER | DB_ROLE_APPROVER | DB_ROLE_AUDITOR, &db, NULL)))
		return rc;
	struct db_correction *list;
	size_t n;
	char err[VNTL_ERR_MAX];
	rc = db_correction_list_page(db, (int)state, 0, 0, &list, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (env->json)
			json_array_append_new(arr, db_json_correction(&list[i]));
		else
			printf("%" PRId64 "\t%s\t%s %s\t%s\tby %s\t%s\n", list[i].id, db_change_state_name(list[i].state),
			       db_correction_action_name(list[i].action), list[i].target, list[i].payload,
			       list[i].proposed_by, list[i].reason);
	}
	if (env->json)
		cli_print_json(arr);
	json_decref(arr);
	db_corrections_free(list, n);
	return CLI_OK;
}

static int correction_show(struct cli_env *env, int argc, char **argv)
{
	int64_t id;
	int rc = cli_parse_lone_id("correction show", CORRECTION_USAGE, "correction ID", "correction ID", argc, argv,
				   &id);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	if ((rc = cli_open_as(env, DB_ROLE_OFFICER | DB_ROLE_APPROVER | DB_ROLE_AUDITOR, &db, NULL)))
		return rc;
	struct db_correction c;
	char err[VNTL_ERR_MAX];
	rc = db_correction_get(db, id, &c, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *o = db_json_correction(&c);
	if (env->json) {
		cli_print_json(o);
	} else {
		const char *key;
		json_t *v;
		printf("correction %" PRId64 "\n", c.id);
		json_object_foreach(o, key, v) {
			if (json_is_string(v))
				printf("  %s: %s\n", key, json_string_value(v));
			else if (json_is_object(v))
				printf("  %s: %s\n", key, c.payload);
		}
	}
	json_decref(o);
	db_correction_clear(&c);
	return CLI_OK;
}

int cmd_correction(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"approve", correction_approve}, {"reject", correction_reject},
					      {"list", correction_list}, {"show", correction_show}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, CORRECTION_USAGE);
}
