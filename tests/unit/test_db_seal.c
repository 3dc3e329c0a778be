/* Seals: rows that reach a list are bound to the audit log, and the check
 * before signing names the row that was changed behind vntl's back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"

#define DROP_TRIGGERS \
	"DROP TRIGGER tsp_no_update; DROP TRIGGER tsp_no_delete; DROP TRIGGER cert_no_update; " \
	"DROP TRIGGER service_no_update; DROP TRIGGER status_history_no_update; " \
	"DROP TRIGGER status_history_no_delete; "

/* A registry with a foreign certificate suspended then recognised again
 * (service `*svc`, three timeline entries) and a root; its path in `path`. */
static struct db *sealed_registry(const char *name, char *path, size_t pathlen, int64_t *svc)
{
	struct db *db = db_fixture_registry(name);
	const char *dir = getenv("VNTL_TMP");  /* where db_fixture_registry put it */
	snprintf(path, pathlen, "%s/%s", dir ? dir : "/tmp", name);
	*svc = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	db_fixture_import(db, 1, "rootca-p7b/vnrca-rs.p7b");
	char err[512];
	static const enum db_status steps[] = {DB_STATUS_SUSPENDED, DB_STATUS_RECOGNISED};
	for (size_t i = 0; i < 2; i++) {
		int64_t id;
		struct db_change_input in = {*svc, steps[i], 0, "audit finding", "DEMO-QD-X5"};
		assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
		assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	}
	return db;
}

/* db_registry_check on a fresh snapshot: its result, message in err. */
static int check(struct db *db, char *err, size_t errlen)
{
	struct db_snapshot *snap;
	assert_int_equal(db_snapshot_load(db, &snap, err, errlen), 0);
	int rc = db_registry_check(db, snap, err, errlen);
	db_snapshot_free(snap);
	return rc;
}

static void intact_registry_passes(void **state)
{
	(void)state;
	char path[4096], err[1024];
	int64_t svc;
	struct db *db = sealed_registry("intact.db", path, sizeof path, &svc);
	assert_int_equal(check(db, err, sizeof err), 0);
	db_close(db);
}

/* The probe of issue 19: one byte of a decision reference changed in the
 * file, the audit table untouched. */
static void changed_decision_reference_is_named(void **state)
{
	(void)state;
	char path[4096], err[1024], sql[512], want[128];
	int64_t svc;
	struct db *db = sealed_registry("decision.db", path, sizeof path, &svc);
	long long row = db_fixture_sql_int(path, "SELECT max(id) FROM status_history WHERE service_id = 1");
	snprintf(sql, sizeof sql, DROP_TRIGGERS "UPDATE status_history SET decision_ref = 'DEMO-QDiX5' WHERE id = %lld",
		 row);
	assert_int_equal(db_fixture_sql(path, sql), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	snprintf(want, sizeof want, "service %lld timeline entry 3 (status entry %lld) does not match audit entry #",
		 (long long)svc, row);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "modified outside vntl"));
	db_close(db);
}

static void changed_certificate_bytes_are_named(void **state)
{
	(void)state;
	char path[4096], err[1024];
	int64_t svc;
	struct db *db = sealed_registry("der.db", path, sizeof path, &svc);
	/* the stored SHA-256 column is left as it was: only the bytes change */
	assert_int_equal(db_fixture_sql(path, DROP_TRIGGERS "UPDATE cert SET der = substr(der, 1, 200) || x'00' || "
						       "substr(der, 202) WHERE id = 1"), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	assert_non_null(strstr(err, "service 1 (certificate"));
	assert_non_null(strstr(err, "does not match audit entry #"));
	db_close(db);
}

static void changed_tsp_address_is_named(void **state)
{
	(void)state;
	char path[4096], err[1024];
	int64_t svc;
	struct db *db = sealed_registry("tsp.db", path, sizeof path, &svc);
	assert_int_equal(db_fixture_sql(path, DROP_TRIGGERS "UPDATE tsp SET street = 'elsewhere' WHERE id = 3"), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	assert_non_null(strstr(err, "TSP 3 does not match audit entry #"));
	db_close(db);
}

/* Deleting the newest entry would put the previous status back in force. */
static void deleted_status_entry_is_named(void **state)
{
	(void)state;
	char path[4096], err[1024], sql[512], want[64];
	int64_t svc;
	struct db *db = sealed_registry("deleted.db", path, sizeof path, &svc);
	long long row = db_fixture_sql_int(path, "SELECT max(id) FROM status_history");
	snprintf(sql, sizeof sql, DROP_TRIGGERS "DELETE FROM status_history WHERE id = %lld", row);
	assert_int_equal(db_fixture_sql(path, sql), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	snprintf(want, sizeof want, "status entry %lld, recorded by audit entry #", row);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "missing from the registry"));
	db_close(db);
}

static void added_row_without_audit_is_named(void **state)
{
	(void)state;
	char path[4096], err[1024];
	int64_t svc;
	struct db *db = sealed_registry("added.db", path, sizeof path, &svc);
	assert_int_equal(db_fixture_sql(path, "INSERT INTO status_history (service_id, status, effective, reason, "
					      "decision_ref, recorded_at) VALUES (1, 2, 0, 'x', 'y', 0)"), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	assert_non_null(strstr(err, "is recorded by no audit entry"));
	db_close(db);
}

static void broken_audit_chain_is_refused(void **state)
{
	(void)state;
	char path[4096], err[1024];
	int64_t svc;
	struct db *db = sealed_registry("chain.db", path, sizeof path, &svc);
	assert_int_equal(db_fixture_sql(path, "DROP TRIGGER audit_no_update; "
					      "UPDATE audit SET actor = 'mallory' WHERE id = 3"), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	/* the chain's own verdict follows (its wording is db_audit_verify's) */
	assert_non_null(strstr(err, "audit chain is broken"));
	db_close(db);
}

/* A registry of schema 2 (before seals): rows written straight in SQL. */
static void make_v2_registry(const char *path)
{
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_fixture_sql(path, db_migration_sql(i)), 0);
	assert_int_equal(db_fixture_sql(path,
		"INSERT INTO account (id, name, roles, created_at) VALUES (1, 'olga', 1, 0);"
		"INSERT INTO tsp (id, kind, name_vi, name_en, street, locality, country, uri, created_at) "
		"  VALUES (1, 4, 'Một', 'One', 'Street', 'Town', 'SG', 'https://one.example', 0);"
		"INSERT INTO cert (id, sha256, der, subject, subject_norm, issuer, serial, not_before, not_after, "
		"  key_type, key_bits, sig_alg, spki_sha256, self_signed, imported_at, imported_by) VALUES (1, "
		"  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', x'30820102', 'CN=x', 'cn=x', "
		"  'CN=x', '01', 0, 1, 'EC', 256, 'ecdsa-with-SHA256', 'bb', 1, 0, 1);"
		"INSERT INTO service (id, tsp_id, cert_id, type_uri, name_vi, name_en, status, status_since) "
		"  VALUES (1, 1, 1, 'http://uri.etsi.org/TrstSvc/Svctype/CA/PKC', 'x', 'x', 3, 0);"
		"INSERT INTO status_history (id, service_id, status, effective, reason, decision_ref, recorded_at) "
		"  VALUES (1, 1, 3, 0, 'initial import', 'DEMO-QD-X5', 0);"
		"PRAGMA user_version = 2"), 0);
}

static void older_registry_gets_a_baseline_when_init_migrates_it(void **state)
{
	(void)state;
	char path[4096], err[1024];
	db_fixture_path("v2.db", path, sizeof path);
	make_v2_registry(path);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), 1);
	assert_non_null(strstr(err, "run vntl init to migrate"));
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 0);
	assert_int_equal(db_schema_version(db), DB_SCHEMA_VERSION);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM audit WHERE action = 'registry.baseline' "
						  "AND actor = 'vntl init'"), 1);
	assert_int_equal(check(db, err, sizeof err), 0);
	assert_int_equal(db_fixture_sql(path, DROP_TRIGGERS "UPDATE status_history SET decision_ref = 'DEMO-QDiX5'"), 0);
	assert_int_equal(check(db, err, sizeof err), 1);
	assert_non_null(strstr(err, "service 1 timeline entry 1 (status entry 1) does not match audit entry #1"));
	db_close(db);
}

static void older_registry_with_a_broken_chain_is_not_migrated(void **state)
{
	(void)state;
	char path[4096], err[1024];
	db_fixture_path("v2-broken.db", path, sizeof path);
	make_v2_registry(path);
	assert_int_equal(db_fixture_sql(path, "INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, 5, 'x')"), 0);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 1);
	assert_non_null(strstr(err, "audit chain is broken"));
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_registry_passes),
		cmocka_unit_test(changed_decision_reference_is_named),
		cmocka_unit_test(changed_certificate_bytes_are_named),
		cmocka_unit_test(changed_tsp_address_is_named),
		cmocka_unit_test(deleted_status_entry_is_named),
		cmocka_unit_test(added_row_without_audit_is_named),
		cmocka_unit_test(broken_audit_chain_is_refused),
		cmocka_unit_test(older_registry_gets_a_baseline_when_init_migrates_it),
		cmocka_unit_test(older_registry_with_a_broken_chain_is_not_migrated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
