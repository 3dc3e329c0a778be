/* vntl doctor: the registry's rows whose text no list can carry, and for
 * each the correction that repairs it. */
#include "cli/cli.h"
#include "db/doctor.h"
#include "db/registry.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static const char DOCTOR_USAGE[] =
	"usage: vntl --as USER [--json] doctor\n"
	"  Lists every row whose text a trust list cannot carry (not UTF-8, a character XML 1.0\n"
	"  forbids, outer space, too long), the list it blocks, and the correction that repairs\n"
	"  it. Meanwhile vntl publish publishes the other lists and names the row.\n"
	"  Exit 0 when there is none, 1 when there is one or more.\n";

static const char *list_of(enum db_tsp_kind kind)
{
	return kind == DB_TSP_FOREIGN ? "foreign" : "roots";
}

int cmd_doctor(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(DOCTOR_USAGE, 1);
	if (argc != 1)
		return cli_operands("doctor", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open_as(env, DB_ROLE_OFFICER | DB_ROLE_APPROVER | DB_ROLE_AUDITOR, &db, NULL);
	if (rc)
		return rc;
	struct db_snapshot *snap;
	char err[VNTL_ERR_MAX];
	rc = db_snapshot_load(db, &snap, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	struct db_text_fault *f;
	size_t n;
	rc = db_text_faults(snap, &f, &n);
	db_snapshot_free(snap);
	if (rc)
		return cli_result(-1, "out of memory");
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		if (env->json)
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "list",
				list_of(f[i].kind), "tsp_id", (json_int_t)f[i].tsp_id, "service_id",
				(json_int_t)f[i].service_id, "status_id", (json_int_t)f[i].status_id, "where", f[i].where,
				"field", f[i].field, "message", f[i].message, "repair", f[i].repair));
		else
			printf("%s list: %s, field %s: %s\n  repair: %s\n", list_of(f[i].kind), f[i].where, f[i].field,
			       f[i].message, f[i].repair);
	}
	if (env->json)
		cli_print_json(arr);
	else if (n == 0)
		printf("no row holds text a list cannot carry\n");
	json_decref(arr);
	free(f);
	return n ? CLI_REFUSED : CLI_OK;
}
