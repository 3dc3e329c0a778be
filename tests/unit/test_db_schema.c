/* Opening the registry: creation, pragmas, migrations, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sizes.h"
#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"

static void creates_schema_at_current_version_in_wal_mode(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("new.db", path, sizeof path);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 0);
	assert_int_equal(db_schema_version(db), DB_SCHEMA_VERSION);
	db_close(db);
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'token'"), 1);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void missing_file_is_not_created_without_init(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("absent.db", path, sizeof path);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), -1);
	assert_non_null(strstr(err, "vntl init"));
	assert_null(db);
	FILE *f = fopen(path, "r");
	assert_null(f);
}

static void old_version_is_migrated_forward_by_init_only(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("v1.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, db_migration_sql(0)), 0);
	assert_int_equal(db_fixture_sql(path, "PRAGMA user_version = 1"), 0);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'token'"), 0);
	struct db *db;
	/* every command but init refuses, untouched */
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), 1);
	assert_non_null(strstr(err, "run vntl init to migrate"));
	assert_null(db);
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), 1);
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 0);
	db_close(db);
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'token'"), 1);
}

static void newer_version_is_refused_untouched(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("future.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, "CREATE TABLE x (y); PRAGMA user_version = 99"), 0);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), 1);
	assert_non_null(strstr(err, "newer"));
	assert_non_null(strstr(err, "99"));
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), 99);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'tsp'"), 0);
}

static void garbage_file_is_not_a_database(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("garbage.db", path, sizeof path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not sqlite ", f);
	fclose(f);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_EXISTING, &db, err, sizeof err), -1);
	assert_non_null(strstr(err, "not an SQLite database"));
	assert_non_null(strstr(err, "restore it from backup"));
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* A truncated registry must never come back as a new, empty one: lists
 * published from it would withdraw every certificate. */
static void empty_file_is_refused_untouched_even_by_init(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("empty.db", path, sizeof path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	struct db *db;
	for (int mode = DB_OPEN_EXISTING; mode <= DB_OPEN_CREATE; mode++) {
		assert_int_equal(db_open(path, (enum db_open_mode)mode, &db, err, sizeof err), -1);
		assert_null(db);
		assert_non_null(strstr(err, "is empty"));
		assert_non_null(strstr(err, "not a vntl registry"));
		assert_non_null(strstr(err, "restore it from backup"));
		assert_int_equal(file_size(path), 0);
	}
}

/* A registry's WAL left behind without its database file is not a clean
 * slate: init must not create a database that SQLite would replay it into. */
static void leftover_journal_is_not_initialised_over(void **state)
{
	(void)state;
	char path[4096], wal[VNTL_PATH_MAX], err[512];
	db_fixture_path("orphan.db", path, sizeof path);
	snprintf(wal, sizeof wal, "%s-wal", path);
	FILE *f = fopen(wal, "w");
	assert_non_null(f);
	fputs("journal", f);
	fclose(f);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), -1);
	assert_non_null(strstr(err, "journal"));
	assert_int_equal(file_size(path), -1);
	unlink(wal);
}

static void sqlite_file_without_vntl_schema_is_refused(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("other.db", path, sizeof path);
	assert_int_equal(db_fixture_sql(path, "CREATE TABLE notes (x)"), 0);
	struct db *db;
	for (int mode = DB_OPEN_EXISTING; mode <= DB_OPEN_CREATE; mode++) {
		assert_int_equal(db_open(path, (enum db_open_mode)mode, &db, err, sizeof err), -1);
		assert_non_null(strstr(err, "not a vntl registry"));
	}
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'tsp'"), 0);
	assert_int_equal(db_fixture_sql_int(path, "PRAGMA user_version"), 0);
}

static void published_rows_are_append_only(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("append.db");
	static const char *const edits[] = {
		"UPDATE tsp SET name_en = 'x' WHERE id = 1", "DELETE FROM tsp WHERE id = 4",
		"UPDATE service SET name_en = 'x'", "DELETE FROM status_history", "UPDATE status_history SET reason = 'x'",
		"UPDATE cert SET der = x'00'", "DELETE FROM service",
	};
	db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char *msg = NULL;
		assert_int_not_equal(sqlite3_exec(db->h, edits[i], NULL, NULL, &msg), SQLITE_OK);
		assert_non_null(strstr(msg, "append-only"));
		sqlite3_free(msg);
	}
	db_close(db);
}

static void foreign_keys_are_enforced(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fk.db");
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, "INSERT INTO service (tsp_id, cert_id, type_uri, name_vi, name_en, status, "
				     "status_since) VALUES (999, 999, 'x', 'a', 'b', 1, 0)", NULL, NULL, &msg);
	sqlite3_free(msg);
	assert_int_not_equal(rc, SQLITE_OK);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creates_schema_at_current_version_in_wal_mode),
		cmocka_unit_test(missing_file_is_not_created_without_init),
		cmocka_unit_test(old_version_is_migrated_forward_by_init_only),
		cmocka_unit_test(empty_file_is_refused_untouched_even_by_init),
		cmocka_unit_test(sqlite_file_without_vntl_schema_is_refused),
		cmocka_unit_test(leftover_journal_is_not_initialised_over),
		cmocka_unit_test(published_rows_are_append_only),
		cmocka_unit_test(newer_version_is_refused_untouched),
		cmocka_unit_test(garbage_file_is_not_a_database),
		cmocka_unit_test(foreign_keys_are_enforced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
