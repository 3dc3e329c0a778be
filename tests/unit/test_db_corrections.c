/* Corrections under four eyes (issue 9): TSP edits and retirement, moves,
 * user corrections, the bootstrap rule, and refusals in the audit log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/registry.h"
#include "tests/lib/db_fixture.h"

static long long q(const char *name, const char *sql)
{
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
	return db_fixture_sql_int(path, sql);
}

static int propose(struct db *db, const struct db_correction_input *in, int64_t *id, char *err)
{
	return db_correction_propose(db, "olga", in, id, err, 512);
}

/* What the publisher would sign: the snapshot, and whether its seals hold. */
static int registry_check(struct db *db, struct db_snapshot **snap, char *err)
{
	assert_int_equal(db_snapshot_load(db, snap, err, 512), 0);
	return db_registry_check(db, *snap, err, 512);
}

static const struct db_tsp *tsp_in(const struct db_snapshot *s, int64_t id)
{
	for (size_t i = 0; i < s->tsp_count; i++)
		if (s->tsps[i].id == id)
			return &s->tsps[i];
	fail_msg("TSP %lld not in the snapshot", (long long)id);
	return NULL;
}

static void tsp_edit_appends_a_sealed_version(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-edit.db");
	char err[512];
	int64_t id;
	struct db_correction_input in = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .name_en = "MISA JSC",
					 .street = "Tầng 9, Technosoft", .email = "info@misa.vn",
					 .reason = "the licence names MISA JSC"};
	assert_int_equal(propose(db, &in, &id, err), 0);
	struct db_snapshot *snap;
	assert_int_equal(registry_check(db, &snap, err), 0);
	assert_string_equal(tsp_in(snap, 2)->name_en, "MISA");   /* pending: nothing changes */
	db_snapshot_free(snap);
	assert_int_equal(db_correction_approve(db, "olga", id, NULL, err, sizeof err), 1);   /* not an approver */
	assert_int_equal(db_correction_approve(db, "anh", id, "checked", err, sizeof err), 0);
	assert_int_equal(registry_check(db, &snap, err), 0);   /* the new version is sealed */
	const struct db_tsp *t = tsp_in(snap, 2);
	assert_string_equal(t->name_en, "MISA JSC");
	assert_string_equal(t->name_vi, "Công ty MISA");   /* fields not given are kept */
	assert_string_equal(t->street, "Tầng 9, Technosoft");
	assert_string_equal(t->email, "info@misa.vn");
	db_snapshot_free(snap);
	/* history is not edited: the first row is as it was added */
	assert_int_equal(q("fix-edit.db", "SELECT count(*) FROM tsp WHERE id = 2 AND name_en = 'MISA'"), 1);
	assert_int_equal(q("fix-edit.db", "SELECT count(*) FROM audit WHERE action = 'correction.apply' AND "
					  "detail LIKE '%\"rows\":{\"tsp:2\":%'"), 1);
	/* a second edit clears the e-mail; the bad values are refused at proposal */
	struct db_correction_input clear = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .email = "", .reason = "no mail"};
	assert_int_equal(propose(db, &clear, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "bao", id, NULL, err, sizeof err), 0);
	assert_int_equal(registry_check(db, &snap, err), 0);
	assert_null(tsp_in(snap, 2)->email);
	db_snapshot_free(snap);
	struct db_correction_input bad = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .name_vi = "A\x01" "B", .reason = "x"};
	assert_int_equal(propose(db, &bad, &id, err), 1);
	assert_non_null(strstr(err, "name_vi"));
	struct db_correction_input taken = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .name_en = "Foreign One", .reason = "x"};
	assert_int_equal(propose(db, &taken, &id, err), 1);
	assert_non_null(strstr(err, "already exists"));
	struct db_correction_input uri = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .uri = "misa.vn", .reason = "x"};
	assert_int_equal(propose(db, &uri, &id, err), 1);
	assert_non_null(strstr(err, "information URI"));
	struct db_correction_input none = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .reason = "x"};
	assert_int_equal(propose(db, &none, &id, err), 1);
	struct db_correction_input noreason = {.action = DB_FIX_TSP_EDIT, .tsp_id = 2, .name_en = "Z"};
	assert_int_equal(propose(db, &noreason, &id, err), 1);
	assert_non_null(strstr(err, "reason"));
	db_close(db);
}

static void retired_tsp_needs_withdrawn_services_and_takes_no_import(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-retire.db");
	int64_t sid = db_fixture_import(db, 4, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	struct db_correction_input in = {.action = DB_FIX_TSP_RETIRE, .tsp_id = 4, .reason = "licence ended"};
	assert_int_equal(propose(db, &in, &id, err), 1);
	assert_non_null(strstr(err, "not withdrawn"));
	struct db_change_input w = {sid, DB_STATUS_WITHDRAWN, 0, "licence ended", "QĐ 5/TEST"};
	int64_t change;
	assert_int_equal(db_change_propose(db, "olga", &w, &change, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", change, NULL, err, sizeof err), 0);
	assert_int_equal(propose(db, &in, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_snapshot *snap;
	assert_int_equal(registry_check(db, &snap, err), 0);
	assert_true(tsp_in(snap, 4)->retired);
	assert_false(tsp_in(snap, 3)->retired);
	db_snapshot_free(snap);
	/* nothing more about it: no import, no edit */
	char path[4096];
	db_fixture_pki("pem/root-neac-vnrca-rs-2025.pem", path, sizeof path);
	size_t len;
	unsigned char *data = db_fixture_read(path, &len);
	struct db_import_options o = {.tsp_id = 4, .actor = "olga", .decision_ref = "QĐ 1/TEST",
				      .effective = DB_FIXTURE_DECISION_DATE};
	struct db_import_report r;
	assert_int_equal(db_cert_import(db, data, len, "root.pem", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "retired"));
	free(data);
	struct db_correction_input edit = {.action = DB_FIX_TSP_EDIT, .tsp_id = 4, .name_en = "Z", .reason = "x"};
	assert_int_equal(propose(db, &edit, &id, err), 1);
	assert_non_null(strstr(err, "retired"));
	/* nor is a service of it reinstated: roots.pem would trust what no list shows */
	struct db_change_input back = {sid, DB_STATUS_RECOGNISED, 0, "back", "QĐ 7/TEST"};
	assert_int_equal(db_change_propose(db, "olga", &back, &change, err, sizeof err), 1);
	assert_non_null(strstr(err, "retired"));
	db_close(db);
}

static void service_moves_between_tsps_of_one_kind(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-move.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	struct db_correction_input wrong_kind = {.action = DB_FIX_SERVICE_MOVE, .service_id = sid, .tsp_id = 2,
						 .reason = "filed under the wrong TSP"};
	assert_int_equal(propose(db, &wrong_kind, &id, err), 1);
	assert_non_null(strstr(err, "one kind"));
	struct db_correction_input in = {.action = DB_FIX_SERVICE_MOVE, .service_id = sid, .tsp_id = 4,
					 .reason = "filed under the wrong TSP"};
	assert_int_equal(propose(db, &in, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_snapshot *snap;
	assert_int_equal(registry_check(db, &snap, err), 0);
	assert_int_equal(tsp_in(snap, 3)->service_count, 0);
	assert_int_equal(tsp_in(snap, 4)->service_count, 1);
	assert_int_equal(tsp_in(snap, 4)->services[0].id, sid);
	assert_int_equal(tsp_in(snap, 4)->services[0].timeline_count, 1);   /* its history goes with it */
	db_snapshot_free(snap);
	assert_int_equal(q("fix-move.db", "SELECT tsp_id FROM service"), 3);   /* the sealed row is untouched */
	struct db_cert_row row;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)sid);
	assert_int_equal(db_cert_show(db, key, &row, err, sizeof err), 0);
	assert_int_equal(row.tsp_id, 4);
	db_cert_row_clear(&row);
	/* the provider of TSP 3 no longer speaks for it */
	struct db_change_input s = {sid, DB_STATUS_SUSPENDED, 0, "audit", "QĐ 6/TEST"};
	assert_int_equal(db_change_propose(db, "sp-one", &s, &id, err, sizeof err), 1);
	db_close(db);
}

static void service_rename_appends_sealed_names(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-rename.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	struct db_correction_input empty = {.action = DB_FIX_SERVICE_RENAME, .service_id = sid, .name_en = "",
					    .reason = "x"};
	assert_int_equal(propose(db, &empty, &id, err), 1);
	struct db_correction_input in = {.action = DB_FIX_SERVICE_RENAME, .service_id = sid,
					 .name_en = "CMC CA (2025)", .reason = "the name the licence gives"};
	assert_int_equal(propose(db, &in, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "bao", id, NULL, err, sizeof err), 0);
	struct db_snapshot *snap;
	assert_int_equal(registry_check(db, &snap, err), 0);
	assert_string_equal(tsp_in(snap, 3)->services[0].name_en, "CMC CA (2025)");
	assert_int_equal(tsp_in(snap, 3)->services[0].timeline_count, 1);
	db_snapshot_free(snap);
	assert_int_equal(q("fix-rename.db", "SELECT count(*) FROM service WHERE name_en = 'CMC CA (2025)'"), 0);
	db_close(db);
}

static void users_after_the_bootstrap_are_corrections(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-users.db");
	char err[512];
	int64_t id;
	struct db_user_input eve = {"eve", DB_ROLE_APPROVER, 0, NULL, NULL};
	assert_int_equal(db_user_add(db, "olga", &eve, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "four-eyes proposal"));
	assert_int_equal(db_user_bootstrap_open(db), 0);
	/* an officer cannot make themselves an approver account and approve it */
	struct db_correction_input add = {.action = DB_FIX_USER_ADD, .user = "eve", .roles = DB_ROLE_APPROVER,
					  .reason = "new approver"};
	assert_int_equal(db_correction_propose(db, "bao", &add, &id, err, sizeof err), 0);
	assert_int_equal(db_correction_approve(db, "bao", id, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "four eyes"));
	assert_int_equal(q("fix-users.db", "SELECT count(*) FROM account WHERE name = 'eve'"), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(q("fix-users.db", "SELECT roles FROM account WHERE name = 'eve'"), DB_ROLE_APPROVER);
	/* nobody decides on a correction about themselves */
	struct db_correction_input roles = {.action = DB_FIX_USER_ROLES, .user = "eve",
					    .roles = DB_ROLE_APPROVER | DB_ROLE_OFFICER, .reason = "both"};
	assert_int_equal(propose(db, &roles, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "eve", id, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "concerns 'eve'"));
	assert_int_equal(db_correction_reject(db, "anh", id, NULL, err, sizeof err), 1);   /* why? */
	assert_int_equal(db_correction_reject(db, "anh", id, "not needed", err, sizeof err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "already rejected"));
	/* a disabled user can no longer act */
	struct db_correction_input off = {.action = DB_FIX_USER_DISABLE, .user = "eve", .reason = "left"};
	assert_int_equal(propose(db, &off, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_user u;
	assert_int_equal(db_user_require(db, "eve", DB_ROLE_APPROVER, &u, err, sizeof err), 1);
	assert_non_null(strstr(err, "disabled"));
	db_close(db);
}

static void credentials_are_replaced_and_tokens_end(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-cred.db");
	char err[512], token[DB_TOKEN_HEX_LEN + 1];
	int64_t id;
	struct db_user u;
	assert_int_equal(db_provider_check(db, "sp-one", "correct horse battery", &u, err, sizeof err), 0);
	assert_int_equal(db_token_issue(db, u.id, 3600, token, err, sizeof err), 0);
	assert_int_equal(db_token_check(db, token, &u, err, sizeof err), 0);
	struct db_correction_input sec = {.action = DB_FIX_USER_SECRET, .user = "sp-one",
					  .secret = "a brand new provider secret", .reason = "secret leaked"};
	assert_int_equal(propose(db, &sec, &id, err), 0);
	/* the proposal keeps only a hash, and never shows it */
	assert_int_equal(q("fix-cred.db", "SELECT count(*) FROM correction WHERE payload LIKE '%brand new%'"), 0);
	struct db_correction c;
	assert_int_equal(db_correction_get(db, id, &c, err, sizeof err), 0);
	assert_string_equal(c.payload, "{\"secret\":\"set\"}");
	db_correction_clear(&c);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(db_provider_check(db, "sp-one", "correct horse battery", &u, err, sizeof err), 1);
	assert_int_equal(db_provider_check(db, "sp-one", "a brand new provider secret", &u, err, sizeof err), 0);
	assert_int_equal(db_token_check(db, token, &u, err, sizeof err), 1);
	/* tokens alone */
	assert_int_equal(db_token_issue(db, u.id, 3600, token, err, sizeof err), 0);
	struct db_correction_input tok = {.action = DB_FIX_USER_TOKENS, .user = "sp-one", .reason = "token leaked"};
	assert_int_equal(propose(db, &tok, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(db_token_check(db, token, &u, err, sizeof err), 1);
	/* a staff certificate */
	const char *fp1 = "1111111111111111111111111111111111111111111111111111111111111111";
	const char *fp2 = "2222222222222222222222222222222222222222222222222222222222222222";
	struct db_correction_input cert = {.action = DB_FIX_USER_CERT, .user = "an", .cert_sha256 = fp1, .reason = "new"};
	assert_int_equal(propose(db, &cert, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(db_user_by_cert(db, fp1, &u, err, sizeof err), 0);
	cert.cert_sha256 = fp2;
	assert_int_equal(propose(db, &cert, &id, err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(db_user_by_cert(db, fp1, &u, err, sizeof err), 1);
	assert_int_equal(db_user_by_cert(db, fp2, &u, err, sizeof err), 0);
	assert_string_equal(u.name, "an");
	/* a provider has no certificate, staff no secret */
	struct db_correction_input wrong = {.action = DB_FIX_USER_SECRET, .user = "an", .secret = "long enough secret",
					    .reason = "x"};
	assert_int_equal(propose(db, &wrong, &id, err), 1);
	db_close(db);
}

static void refusals_are_audited_and_change_nothing_else(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-refused.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	long long changes = q("fix-refused.db", "SELECT count(*) FROM change_request");
	/* missing role */
	struct db_change_input in = {sid, DB_STATUS_SUSPENDED, 0, "audit", "QĐ 2/TEST"};
	assert_int_equal(db_change_propose(db, "anh", &in, &id, err, sizeof err), 1);
	assert_int_equal(q("fix-refused.db", "SELECT count(*) FROM audit WHERE action = 'refused' AND actor = 'anh' "
					     "AND object = 'user:anh' AND detail LIKE '%\"rule\":\"role\"%'"), 1);
	/* an unknown user (bad credentials at --as) */
	assert_int_equal(db_change_propose(db, "mallory", &in, &id, err, sizeof err), 1);
	assert_int_equal(q("fix-refused.db", "SELECT count(*) FROM audit WHERE action = 'refused' AND "
					     "actor = 'mallory' AND detail LIKE '%unknown-user%'"), 1);
	/* four eyes */
	assert_int_equal(db_change_propose(db, "bao", &in, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "bao", id, NULL, err, sizeof err), 1);
	assert_int_equal(q("fix-refused.db", "SELECT count(*) FROM audit WHERE action = 'refused' AND actor = 'bao' "
					     "AND detail LIKE '%four-eyes%'"), 1);
	assert_string_equal(db_refusal_rule(db), "four-eyes");
	/* nothing else changed, and the chain holds */
	assert_int_equal(q("fix-refused.db", "SELECT count(*) FROM change_request"), changes + 1);
	assert_int_equal(q("fix-refused.db", "SELECT state = 'pending' FROM change_request WHERE id = (SELECT "
					     "max(id) FROM change_request)"), 1);
	struct db_audit_verdict v;
	assert_int_equal(db_audit_verify(db, &v, err, sizeof err), 0);
	assert_int_equal(v.kind, DB_AUDIT_INTACT);
	/* a secret pasted into --as is not kept */
	assert_int_equal(db_change_propose(db, "my secret password", &in, &id, err, sizeof err), 1);
	assert_int_equal(q("fix-refused.db", "SELECT count(*) FROM audit WHERE actor LIKE '%secret%'"), 0);
	db_close(db);
}

static void withdrawn_certificate_is_not_silently_present(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fix-reimport.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[1024];
	struct db_change_input w = {sid, DB_STATUS_WITHDRAWN, 0, "mistake", "QĐ 3/TEST"};
	assert_int_equal(db_change_propose(db, "olga", &w, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	char path[4096];
	db_fixture_pki("pem/ca-cmc-ca-2025.pem", path, sizeof path);
	size_t len;
	unsigned char *data = db_fixture_read(path, &len);
	struct db_import_options o = {.tsp_id = 3, .actor = "olga", .decision_ref = "QĐ 1/TEST",
				      .effective = DB_FIXTURE_DECISION_DATE};
	struct db_import_report r;
	assert_int_equal(db_cert_import(db, data, len, "cmc.pem", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "withdrawn since"));
	assert_non_null(strstr(err, "vntl change propose --service"));
	free(data);
	/* the reinstatement it names is a change like any other */
	struct db_change_input back = {sid, DB_STATUS_RECOGNISED, 0, "withdrawn by mistake", "QĐ 4/TEST"};
	assert_int_equal(db_change_propose(db, "olga", &back, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(q("fix-reimport.db", "SELECT status FROM service"), DB_STATUS_RECOGNISED);
	assert_int_equal(q("fix-reimport.db", "SELECT count(*) FROM status_history"), 3);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tsp_edit_appends_a_sealed_version),
		cmocka_unit_test(retired_tsp_needs_withdrawn_services_and_takes_no_import),
		cmocka_unit_test(service_moves_between_tsps_of_one_kind),
		cmocka_unit_test(service_rename_appends_sealed_names),
		cmocka_unit_test(users_after_the_bootstrap_are_corrections),
		cmocka_unit_test(credentials_are_replaced_and_tokens_end),
		cmocka_unit_test(refusals_are_audited_and_change_nothing_else),
		cmocka_unit_test(withdrawn_certificate_is_not_silently_present),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
