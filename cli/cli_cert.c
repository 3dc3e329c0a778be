/* vntl cert import|list|show */
#include "cli/cli.h"
#include "common/file.h"
#include "common/rfc3339.h"
#include "db/corrections.h"
#include "db/registry.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char CERT_USAGE[] =
	"usage: vntl --as OFFICER cert import --tsp ID --decision REF --effective TIME [options] FILE\n"
	"       vntl --as USER [--json] cert list [--tsp ID]\n"
	"       vntl --as USER [--json] cert show SERVICE_ID|SHA256_PREFIX\n"
	"       vntl --as OFFICER cert move SERVICE_ID --to-tsp ID --reason TEXT\n"
	"       vntl --as OFFICER cert rename SERVICE_ID [--name-vi N] [--name-en N] --reason TEXT\n"
	"  move: a service filed under the wrong TSP goes to another TSP of the same kind; rename:\n"
	"  a service's names as the lists carry them. Both are corrections that another approver\n"
	"  approves (vntl correction approve ID).\n"
	"  FILE: PEM or DER certificate, PEM bundle, or PKCS#7 .p7b (DER or PEM); all or nothing.\n"
	"  import options:\n"
	"    --decision REF            legal basis of the initial status (required)\n"
	"    --effective TIME          date of that decision: the first status starts then (required);\n"
	"                              2014-04-15 (00:00 UTC), 2026-12-01T08:00:00+07:00, ...Z or @EPOCH\n"
	"    --reason TEXT             default \"initial import\"\n"
	"    --service-type URI        default http://uri.etsi.org/TrstSvc/Svctype/CA/PKC\n"
	"    --history                 accept an expired certificate, to check signatures made before\n"
	"    --withdrawn-at TIME       it was withdrawn since then (a second timeline entry)\n"
	"    --confirm-lookalike SHA   accept this certificate although another registered one has its subject\n"
	"    --confirm-self-signed SHA accept this self-signed certificate under a public-CA TSP\n"
	"    --name-vi NAME --name-en NAME   service names (default: the subject CN)\n";

#define MAX_IMPORT (16 * 1024 * 1024)

static const char *outcome_name(enum db_import_outcome o)
{
	return o == DB_IMPORT_ADDED ? "added" : o == DB_IMPORT_ALREADY_PRESENT ? "already-present" : "skipped-root";
}

static void print_report(const struct cli_env *env, const char *file, const struct db_import_report *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < r->count; i++) {
		const struct db_import_item *it = &r->items[i];
		if (env->json) {
			json_t *o = json_pack("{ss ss ss sI}", "outcome", outcome_name(it->outcome), "sha256", it->sha256,
					      "subject", it->subject, "service", (json_int_t)it->service_id);
			if (it->lookalike_of[0])
				json_object_set_new(o, "lookalike_of", json_string(it->lookalike_of));
			json_array_append_new(arr, o);
			continue;
		}
		if (it->outcome == DB_IMPORT_ADDED)
			printf("added: service %" PRId64 " %s %s\n", it->service_id, it->sha256, it->subject);
		else if (it->outcome == DB_IMPORT_ALREADY_PRESENT)
			printf("already present (not an error): service %" PRId64 " %s %s\n", it->service_id, it->sha256,
			       it->subject);
		else
			printf("skipped: %s %s is the root bundled with the CA certificate; import roots under the "
			       "NEAC or government CA TSP\n", it->sha256, it->subject);
		if (it->lookalike_of[0])
			cli_log("warning", "%s: look-alike of %s imported on explicit confirmation", it->sha256,
				it->lookalike_of);
	}
	if (env->json) {
		json_t *o = json_pack("{ss so}", "file", file, "certificates", arr);
		cli_print_json(o);
		json_decref(o);
	} else {
		json_decref(arr);
	}
}

static int cert_import(struct cli_env *env, int argc, char **argv)
{
	struct db_import_options o = {0};
	const struct cli_option opts[] = {
		CLI_ID("tsp", &o.tsp_id), CLI_TEXT("decision", &o.decision_ref), CLI_TEXT("reason", &o.reason),
		CLI_TIME("effective", &o.effective), CLI_TEXT("service-type", &o.service_type),
		CLI_TEXT("confirm-lookalike", &o.confirm_lookalike), CLI_TEXT("name-vi", &o.name_vi),
		CLI_TEXT("name-en", &o.name_en), CLI_TEXT("confirm-self-signed", &o.confirm_self_signed),
		CLI_FLAG("history", &o.history), CLI_TIME("withdrawn-at", &o.withdrawn_at), CLI_END};
	int first;
	int rc = cli_parse_options("cert import", CERT_USAGE, opts, argc, argv, &first);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!o.tsp_id)
		return cli_usage_error("cert import", "--tsp ID is required: the provider the certificate belongs to");
	if (!o.effective)
		return cli_usage_error("cert import", "--effective TIME is required: the date of the decision that "
				       "recognised the certificate, when its first status starts (e.g. --effective 2014-04-15)");
	rc = cli_operands("cert import", "FILE (import several files with one command each)", 1, argc, argv, first);
	if (rc)
		return rc;
	const char *file = argv[first];
	size_t len;
	unsigned char *data;
	/* too large is the file's fault (refused below, as import refuses it),
	 * not an I/O error */
	int too_large = file_read_all(file, MAX_IMPORT, &data, &len) != 0 && errno == EFBIG;
	if (!data && !too_large) {
		cli_log("error", "%s: cannot read the file", file);
		return CLI_ERROR;
	}
	struct db *db;
	rc = cli_open(env, 0, &db);
	if (rc) {
		free(data);
		return rc;
	}
	o.actor = env->as_user;
	struct db_import_report r;
	char err[VNTL_ERR_MAX];
	rc = too_large ? (snprintf(err, sizeof err, "%s: larger than 16 MiB", file), 1)
			      : db_cert_import(db, data, len, file, &o, &r, err, sizeof err);
	free(data);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	print_report(env, file, &r);
	db_import_report_free(&r);
	return CLI_OK;
}

static int cert_list(struct cli_env *env, int argc, char **argv)
{
	int64_t tsp = 0;
	const struct cli_option opts[] = {CLI_ID("tsp", &tsp), CLI_END};
	int rc = cli_parse_options_only("cert list", CERT_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db *db;
	rc = cli_open_as(env, CLI_ANY_ROLE, &db, NULL);
	if (rc)
		return rc;
	struct db_cert_row *rows;
	size_t n;
	char err[VNTL_ERR_MAX];
	rc = db_cert_list(db, tsp, &rows, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char na[32];
		if (env->json)
			json_array_append_new(arr, db_json_cert(&rows[i]));
		else
			printf("%" PRId64 "\ttsp %" PRId64 "\t%s\t%.16s…\tuntil %s\t%s\n", rows[i].service_id, rows[i].tsp_id,
			       db_status_name(rows[i].status_now), rows[i].sha256,
			       rfc3339_format(rows[i].not_after, na), rows[i].name_en);
	}
	if (env->json)
		cli_print_json(arr);
	json_decref(arr);
	db_cert_rows_free(rows, n);
	return CLI_OK;
}

/* A service id (up to 7 digits) or a SHA-256 prefix of 8 to 64 hex digits,
 * as db_cert_show looks them up. */
static int is_service_key(const char *key)
{
	size_t n = strlen(key);
	if (n > 0 && n < 8 && strspn(key, "0123456789") == n)
		return 1;
	return n >= 8 && n <= 64 && strspn(key, "0123456789abcdefABCDEF") == n;
}

static int cert_show(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(CERT_USAGE, 1);
	int rc = cli_operands("cert show", "SERVICE_ID or SHA256_PREFIX", 1, argc, argv, 1);
	if (rc)
		return rc;
	if (!is_service_key(argv[1]))
		return cli_usage_error("cert show", "'%s' is neither a service id nor a SHA-256 prefix of 8 to 64 "
				       "hex digits", argv[1]);
	struct db *db;
	rc = cli_open_as(env, CLI_ANY_ROLE, &db, NULL);
	if (rc)
		return rc;
	struct db_cert_row r;
	char err[VNTL_ERR_MAX];
	rc = db_cert_show(db, argv[1], &r, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	char t1[32], t2[32];
	if (env->json) {
		json_t *o = db_json_cert(&r);
		cli_print_json(o);
		json_decref(o);
	} else {
		printf("service %" PRId64 " of TSP %" PRId64 ": %s\n  sha256: %s\n  subject: %s\n  issuer: %s\n"
		       "  serial: %s\n  valid: %s .. %s\n  key: %s %d bits, signature %s\n  type: %s\n"
		       "  status now: %s\n  timeline:\n", r.service_id, r.tsp_id, r.name_en, r.sha256, r.subject,
		       r.issuer, r.serial, rfc3339_format(r.not_before, t1),
		       rfc3339_format(r.not_after, t2), r.key_type, r.key_bits, r.sig_alg, r.type_uri,
		       db_status_name(r.status_now));
		for (size_t i = 0; i < r.timeline_count; i++)
			printf("    %s  %-10s  %s  (%s)\n", rfc3339_format(r.timeline[i].effective, t1),
			       db_status_name(r.timeline[i].status), r.timeline[i].decision_ref, r.timeline[i].reason);
	}
	db_cert_row_clear(&r);
	return CLI_OK;
}

static int refuse_value(const char *text, void *dest)
{
	(void)text, (void)dest;
	return -1;
}

/* cert move|rename SERVICE_ID ... --reason TEXT: a correction proposal. */
static int cert_correct(struct cli_env *env, int argc, char **argv, enum db_correction_action action)
{
	const char *cmd = action == DB_FIX_SERVICE_MOVE ? "cert move" : "cert rename";
	struct db_correction_input in = {.action = action};
	const struct cli_option move_opts[] = {
		CLI_ID("to-tsp", &in.tsp_id), CLI_REFUSED("name-vi", "takes no --name-vi or --name-en (see cert rename)"),
		CLI_REFUSED("name-en", "takes no --name-vi or --name-en (see cert rename)"),
		CLI_TEXT("reason", &in.reason), CLI_END};
	/* rename refuses --to-tsp as a value it cannot take, as it always has */
	const struct cli_option rename_opts[] = {
		CLI_PARSED("to-tsp", NULL, refuse_value, NULL), CLI_TEXT("name-vi", &in.name_vi),
		CLI_TEXT("name-en", &in.name_en), CLI_TEXT("reason", &in.reason), CLI_END};
	int rc = cli_parse_id_operand(cmd, CERT_USAGE, action == DB_FIX_SERVICE_MOVE ? move_opts : rename_opts, argc,
				      argv, "SERVICE_ID", "service ID", &in.service_id);
	if (rc != CLI_CONTINUE)
		return rc;
	if (action == DB_FIX_SERVICE_MOVE && !in.tsp_id)
		return cli_usage_error(cmd, "--to-tsp ID is required");
	char target[48];
	snprintf(target, sizeof target, "service:%" PRId64, in.service_id);
	return cli_propose_correction(env, &in, target);
}

static int cert_move(struct cli_env *env, int argc, char **argv)
{
	return cert_correct(env, argc, argv, DB_FIX_SERVICE_MOVE);
}

static int cert_rename(struct cli_env *env, int argc, char **argv)
{
	return cert_correct(env, argc, argv, DB_FIX_SERVICE_RENAME);
}

int cmd_cert(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"import", cert_import}, {"list", cert_list}, {"show", cert_show},
					      {"move", cert_move}, {"rename", cert_rename}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, CERT_USAGE);
}
