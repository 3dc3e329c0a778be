/* vntl tsp add|list|show|edit|retire */
#include "cli/cli.h"
#include "db/corrections.h"
#include "db/registry.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char TSP_USAGE[] =
	"usage: vntl --as OFFICER tsp add --kind KIND --name-vi NAME --name-en NAME --country CC\n"
	"                                 --street S --locality L --uri https://... [options]\n"
	"       vntl --as USER [--json] tsp list\n"
	"       vntl --as USER [--json] tsp show ID\n"
	"       vntl --as OFFICER tsp edit ID [--name-vi N] [--name-en N] [--trade-name T] [--street S]\n"
	"                                 [--locality L] [--uri U] [--email E] --reason TEXT\n"
	"       vntl --as OFFICER tsp retire ID --reason TEXT\n"
	"  KIND: neac, gov-ca, public-ca, foreign (Vietnamese kinds need --country VN).\n"
	"  add options: --trade-name T --email E\n"
	"  edit and retire are corrections that another approver approves (vntl correction approve\n"
	"  ID); the lists then carry the new content. --trade-name '' or --email '' removes one.\n"
	"  A TSP is retired when all its services are withdrawn: it leaves the lists.\n";

static int tsp_add(struct cli_env *env, int argc, char **argv)
{
	struct db_tsp_input in = {0};
	const char *kind = NULL;
	const struct cli_option opts[] = {
		CLI_TEXT("kind", &kind), CLI_TEXT("name-vi", &in.name_vi), CLI_TEXT("name-en", &in.name_en),
		CLI_TEXT("country", &in.country), CLI_TEXT("trade-name", &in.trade_name), CLI_TEXT("street", &in.street),
		CLI_TEXT("locality", &in.locality), CLI_TEXT("uri", &in.uri), CLI_TEXT("email", &in.email), CLI_END};
	int rc = cli_parse_options_only("tsp add", TSP_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!kind)
		return cli_usage_error("tsp add", "--kind KIND is required (neac, gov-ca, public-ca, foreign)");
	if (db_tsp_kind_parse(kind, &in.kind))
		return cli_usage_error("tsp add", "--kind wants neac, gov-ca, public-ca or foreign, not '%s'", kind);
	struct db *db;
	rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	char err[VNTL_ERR_MAX];
	int64_t id;
	rc = db_tsp_add(db, env->as_user, &in, &id, err, sizeof err);
	db_close(db);
	if (rc == 0)
		printf("TSP %" PRId64 " added: %s\n", id, in.name_en);
	return cli_result(rc, err);
}

static int tsp_list(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(TSP_USAGE, 1);
	if (argc != 1)
		return cli_operands("tsp list", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open_as(env, CLI_ANY_ROLE, &db, NULL);
	if (rc)
		return rc;
	struct db_tsp *t;
	size_t n;
	char err[VNTL_ERR_MAX];
	rc = db_tsp_list(db, &t, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (env->json)
			json_array_append_new(arr, db_json_tsp(&t[i]));
		else
			printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", t[i].id, db_tsp_kind_name(t[i].kind), t[i].country,
			       t[i].name_en, t[i].name_vi);
	}
	if (env->json)
		cli_print_json(arr);
	json_decref(arr);
	db_tsps_free(t, n);
	return CLI_OK;
}

static int tsp_show(struct cli_env *env, int argc, char **argv)
{
	int64_t id;
	int rc = cli_parse_lone_id("tsp show", TSP_USAGE, "ID", "provider ID", argc, argv, &id);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	if ((rc = cli_open_as(env, CLI_ANY_ROLE, &db, NULL)))
		return rc;
	struct db_tsp t;
	struct db_cert_row *rows = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	rc = db_tsp_get(db, id, &t, err, sizeof err);
	if (rc == 0 && (rc = db_cert_list(db, id, &rows, &n, err, sizeof err)))
		db_tsp_clear(&t);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	if (env->json) {
		json_t *o = db_json_tsp(&t), *svc = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(svc, db_json_cert(&rows[i]));
		json_object_set_new(o, "services", svc);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("TSP %" PRId64 " (%s)\n  name (vi): %s\n  name (en): %s\n  country: %s\n  uri: %s\n", t.id,
		       db_tsp_kind_name(t.kind), t.name_vi, t.name_en, t.country, t.uri);
		printf("  services: %zu\n", n);
		for (size_t i = 0; i < n; i++)
			printf("    %" PRId64 "\t%s\t%.16s…\t%s\n", rows[i].service_id, db_status_name(rows[i].status_now),
			       rows[i].sha256, rows[i].name_en);
	}
	db_tsp_clear(&t);
	db_cert_rows_free(rows, n);
	return CLI_OK;
}

/* tsp edit|retire ID ... --reason TEXT: a correction proposal. */
static int tsp_correct(struct cli_env *env, int argc, char **argv, enum db_correction_action action)
{
	const char *cmd = action == DB_FIX_TSP_EDIT ? "tsp edit" : "tsp retire";
	struct db_correction_input in = {.action = action};
	const struct cli_option edit_opts[] = {
		CLI_TEXT("name-vi", &in.name_vi), CLI_TEXT("name-en", &in.name_en),
		CLI_TEXT("trade-name", &in.trade_name), CLI_TEXT("street", &in.street),
		CLI_TEXT("locality", &in.locality), CLI_TEXT("uri", &in.uri), CLI_TEXT("email", &in.email),
		CLI_TEXT("reason", &in.reason), CLI_END};
	const struct cli_option retire_opts[] = {CLI_TEXT("reason", &in.reason), CLI_END};
	int rc = cli_parse_id_operand(cmd, TSP_USAGE, action == DB_FIX_TSP_EDIT ? edit_opts : retire_opts, argc, argv,
				      "a provider ID", "provider ID", &in.tsp_id);
	if (rc != CLI_CONTINUE)
		return rc;
	char target[48];
	snprintf(target, sizeof target, "tsp:%" PRId64, in.tsp_id);
	return cli_propose_correction(env, &in, target);
}

static int tsp_edit(struct cli_env *env, int argc, char **argv)
{
	return tsp_correct(env, argc, argv, DB_FIX_TSP_EDIT);
}

static int tsp_retire(struct cli_env *env, int argc, char **argv)
{
	return tsp_correct(env, argc, argv, DB_FIX_TSP_RETIRE);
}

int cmd_tsp(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"add", tsp_add}, {"list", tsp_list}, {"show", tsp_show},
					      {"edit", tsp_edit}, {"retire", tsp_retire}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, TSP_USAGE);
}
