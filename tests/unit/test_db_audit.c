/* The hash-chained audit log: intact chains verify, each kind of tampering
 * done straight on the SQLite file is detected and located. */
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

#define DROP_GUARDS "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"

/* A registry with a few dozen audit entries; returns its path. */
static void build(const char *name, char *path, size_t len)
{
	struct db *db = db_fixture_registry(name);
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	for (int i = 0; i < 4; i++) {
		struct db_change_input in = {sid, i % 2 ? DB_STATUS_RECOGNISED : DB_STATUS_SUSPENDED, 0, "r", "QĐ"};
		assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
		assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	}
	db_close(db);
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, len, "%s/%s", dir ? dir : "/tmp", name);
}

static struct db_audit_verdict verify(const char *path)
{
	struct db *db;
	char err[512];
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), 0);
	struct db_audit_verdict v;
	assert_int_equal(db_audit_verify(db, &v, err, sizeof err), 0);
	db_close(db);
	return v;
}

static void intact_chain_verifies(void **state)
{
	(void)state;
	char path[4096];
	build("intact.db", path, sizeof path);
	struct db_audit_verdict v = verify(path);
	assert_int_equal(v.kind, DB_AUDIT_INTACT);
	assert_int_equal(v.entries, db_fixture_sql_int(path, "SELECT count(*) FROM audit"));
	assert_true(v.entries >= 18);
	assert_int_equal(strlen(v.head_hash), 64);
}

static void triggers_refuse_update_and_delete(void **state)
{
	(void)state;
	char path[4096];
	build("guards.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, "UPDATE audit SET actor = 'mallory' WHERE id = 3"), -1);
	assert_int_equal(db_fixture_sql(path, "DELETE FROM audit WHERE id = 3"), -1);
	assert_int_equal(verify(path).kind, DB_AUDIT_INTACT);
}

static void modified_entry_is_named(void **state)
{
	(void)state;
	char path[4096];
	build("modified.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, DROP_GUARDS "UPDATE audit SET actor = 'mallory' WHERE id = 7"), 0);
	struct db_audit_verdict v = verify(path);
	assert_int_equal(v.kind, DB_AUDIT_MODIFIED);
	assert_int_equal(v.first_bad, 7);
	assert_non_null(strstr(v.message, "#7"));
	assert_int_equal(v.entries, 6);
}

static void deleted_entry_is_named(void **state)
{
	(void)state;
	char path[4096];
	build("deleted.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, DROP_GUARDS "DELETE FROM audit WHERE id = 9"), 0);
	struct db_audit_verdict v = verify(path);
	assert_int_equal(v.kind, DB_AUDIT_DELETED);
	assert_int_equal(v.first_bad, 9);
}

static void deleted_last_entries_are_detected(void **state)
{
	(void)state;
	char path[4096];
	build("cut.db", path, sizeof path);
	long long last = db_fixture_sql_int(path, "SELECT max(id) FROM audit");
	char sql[256];
	snprintf(sql, sizeof sql, DROP_GUARDS "DELETE FROM audit WHERE id >= %lld", last - 1);
	assert_int_equal(db_fixture_sql(path, sql), 0);
	struct db_audit_verdict v = verify(path);
	assert_int_equal(v.kind, DB_AUDIT_DELETED);
	assert_int_equal(v.first_bad, last - 1);
}

static void reordered_entries_are_named(void **state)
{
	(void)state;
	char path[4096];
	build("reordered.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, DROP_GUARDS
					"UPDATE audit SET id = -1 WHERE id = 5;"
					"UPDATE audit SET id = 5 WHERE id = 6;"
					"UPDATE audit SET id = 6 WHERE id = -1;"), 0);
	struct db_audit_verdict v = verify(path);
	assert_int_equal(v.kind, DB_AUDIT_REORDERED);
	assert_int_equal(v.first_bad, 5);
	assert_non_null(strstr(v.message, "out of order"));
}

static void rehashed_modification_is_still_caught(void **state)
{
	(void)state;
	char path[4096];
	build("rehashed.db", path, sizeof path);
	/* The attacker edits entry 4 and recomputes nothing but a plausible hash. */
	assert_int_equal(db_fixture_sql(path, DROP_GUARDS
					"UPDATE audit SET detail = '{}', hash = (SELECT hash FROM audit WHERE id = 2) "
					"WHERE id = 4"), 0);
	struct db_audit_verdict v = verify(path);
	assert_int_not_equal(v.kind, DB_AUDIT_INTACT);
	assert_int_equal(v.first_bad, 4);
}

static void list_returns_entries_in_order(void **state)
{
	(void)state;
	char path[4096], err[512];
	build("list.db", path, sizeof path);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), 0);
	struct db_audit_entry *e;
	size_t n;
	assert_int_equal(db_audit_list(db, 2, 3, &e, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].id, 3);
	assert_string_equal(e[1].prev_hash, e[0].hash);
	db_audit_entries_free(e, n);
	assert_int_equal(db_audit_list(db, 0, 0, &e, &n, err, sizeof err), 0);
	assert_string_equal(e[0].actor, "bootstrap");
	assert_string_equal(e[0].action, "user.add");
	db_audit_entries_free(e, n);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_chain_verifies),
		cmocka_unit_test(triggers_refuse_update_and_delete),
		cmocka_unit_test(modified_entry_is_named),
		cmocka_unit_test(deleted_entry_is_named),
		cmocka_unit_test(deleted_last_entries_are_detected),
		cmocka_unit_test(reordered_entries_are_named),
		cmocka_unit_test(rehashed_modification_is_still_caught),
		cmocka_unit_test(list_returns_entries_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
