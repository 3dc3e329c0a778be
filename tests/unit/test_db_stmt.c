/* db/stmt: the one way db/ runs SQL. A bind that fails (an argument the
 * statement has no place for), a statement left with an unbound parameter,
 * a constraint and a syntax error are errors that name the statement's
 * purpose and write nothing; rows are collected in order, with NULLs and
 * blobs as stored; a missing row is told apart from an error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/sizes.h"
#include "db/db.h"
#include "db/stmt.h"
#include "tests/lib/db_fixture.h"

static struct db *scratch(const char *name)
{
	char path[VNTL_PATH_MAX], err[VNTL_ERR_MAX] = "";
	struct db *db = NULL;
	db_fixture_path(name, path, sizeof path);
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 0);
	assert_int_equal(db_stmt_exec(db, "cannot create the table", "CREATE TABLE thing (id INTEGER PRIMARY KEY, "
				      "name TEXT NOT NULL UNIQUE, note TEXT, data BLOB, n INTEGER)", DB_NO_ARGS, err,
				      sizeof err), 0);
	return db;
}

static int64_t things(struct db *db)
{
	int64_t n = -1;
	assert_int_equal(db_stmt_int64(db, "cannot count", "SELECT count(*) FROM thing", DB_NO_ARGS, &n, NULL, 0), 0);
	return n;
}

static int64_t add(struct db *db, const char *name, const char *note, int64_t n, char *err, size_t errlen)
{
	static const unsigned char data[] = {0x00, 0xff, 0x10};
	int64_t id = 0;
	int rc = db_stmt_insert(db, "cannot add the thing", "INSERT INTO thing (name, note, data, n) VALUES (?, ?, ?, ?)",
				DB_ARGS(db_arg_text(name), db_arg_text_or_null(note), db_arg_blob(data, sizeof data),
					db_arg_int(n)), &id, err, errlen);
	return rc ? rc : id;
}

static void too_many_arguments_is_an_error_naming_the_statement(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-range.db");
	char err[512] = "";
	int rc = db_stmt_exec(db, "cannot add the thing", "INSERT INTO thing (name) VALUES (?)",
			      DB_ARGS(db_arg_text("a"), db_arg_int(7)), err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot add the thing"));
	assert_non_null(strstr(err, "argument 2 of 2"));
	assert_non_null(strstr(err, sqlite3_errstr(SQLITE_RANGE)));
	assert_int_equal(db_errcode(db), SQLITE_RANGE);
	assert_int_equal(things(db), 0);
	db_close(db);
}

static void an_unbound_parameter_is_an_error(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-unbound.db");
	char err[512] = "";
	/* note would silently be NULL */
	int rc = db_stmt_exec(db, "cannot add the thing", "INSERT INTO thing (name, note) VALUES (?, ?)",
			      DB_ARGS(db_arg_text("a")), err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "cannot add the thing: 1 arguments given, the statement takes 2"));
	assert_int_equal(db_errcode(db), SQLITE_MISUSE);
	assert_int_equal(things(db), 0);
	db_close(db);
}

static void a_syntax_error_names_the_statement(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-syntax.db");
	char err[512] = "";
	sqlite3_stmt *st = (sqlite3_stmt *)&err;   /* must be reset on failure */
	assert_int_equal(db_stmt_open(db, "cannot read things", "SELEKT * FROM thing", DB_NO_ARGS, &st, err,
				      sizeof err), -1);
	assert_null(st);
	assert_non_null(strstr(err, "cannot read things: "));
	assert_non_null(strstr(err, "syntax error"));
	db_close(db);
}

static void a_constraint_is_surfaced_with_its_message_and_code(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-unique.db");
	char err[512] = "";
	assert_true(add(db, "one", NULL, 1, err, sizeof err) > 0);
	assert_int_equal(add(db, "one", "again", 2, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot add the thing: UNIQUE constraint failed: thing.name"));
	assert_int_equal(db_errcode(db), SQLITE_CONSTRAINT_UNIQUE);
	assert_int_equal(things(db), 1);
	assert_int_equal(db_errcode(db), SQLITE_OK);   /* the last call's, not a stale one */
	db_close(db);
}

struct thing {
	int64_t id, n;
	char *name, *note;   /* note NULL when the column is */
	size_t data_len;
	unsigned char data[8];
};

static int fill_thing(sqlite3_stmt *st, void *elem)
{
	struct thing *t = elem;
	t->id = sqlite3_column_int64(st, 0);
	t->name = strdup((const char *)sqlite3_column_text(st, 1));
	t->note = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : strdup((const char *)sqlite3_column_text(st, 2));
	t->data_len = (size_t)sqlite3_column_bytes(st, 3);
	if (t->data_len <= sizeof t->data)
		memcpy(t->data, sqlite3_column_blob(st, 3), t->data_len);
	t->n = sqlite3_column_int64(st, 4);
	return t->name ? 0 : -1;
}

static int cleared;

static void clear_thing(void *elem)
{
	struct thing *t = elem;
	free(t->name);
	free(t->note);
	cleared++;
}

static int collect(struct db *db, int64_t min_n, struct thing **out, size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot list things", "SELECT id, name, note, data, n FROM thing WHERE n >= ? "
				 "ORDER BY id", DB_ARGS(db_arg_int(min_n)), sizeof **out, fill_thing, clear_thing, &rows,
				 count, err, errlen);
	*out = rows;
	return rc;
}

static void rows_are_collected_in_order_as_stored(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-collect.db");
	char err[512] = "";
	/* more rows than the array's first capacity, so that it grows */
	int64_t ids[20];
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof name, "thing %d", i);
		ids[i] = add(db, name, i % 2 ? "odd" : "", i, err, sizeof err);
		assert_true(ids[i] > 0);
	}
	struct thing *t;
	size_t count = 0;
	assert_int_equal(collect(db, 5, &t, &count, err, sizeof err), 0);
	assert_int_equal(count, 15);
	for (size_t i = 0; i < count; i++) {
		char name[32];
		snprintf(name, sizeof name, "thing %zu", i + 5);
		assert_int_equal(t[i].id, ids[i + 5]);
		assert_string_equal(t[i].name, name);
		assert_int_equal(t[i].n, (int64_t)i + 5);
		if ((i + 5) % 2)
			assert_string_equal(t[i].note, "odd");
		else
			assert_null(t[i].note);   /* "" went in as NULL */
		assert_int_equal(t[i].data_len, 3);
		assert_memory_equal(t[i].data, "\x00\xff\x10", 3);
	}
	for (size_t i = 0; i < count; i++)
		clear_thing(&t[i]);
	free(t);
	db_close(db);
}

static int fail_third(sqlite3_stmt *st, void *elem)
{
	static int calls;
	return ++calls % 3 == 0 ? -1 : fill_thing(st, elem);
}

static void a_failed_collection_clears_what_it_filled(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-collect-fail.db");
	char err[512] = "";
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "thing %d", i);
		assert_true(add(db, name, NULL, i, err, sizeof err) > 0);
	}
	void *rows = (void *)err;
	size_t count = 99;
	cleared = 0;
	int rc = db_stmt_collect(db, "cannot list things", "SELECT id, name, note, data, n FROM thing ORDER BY id",
				 DB_NO_ARGS, sizeof(struct thing), fail_third, clear_thing, &rows, &count, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_string_equal(err, "cannot list things: out of memory");
	assert_null(rows);
	assert_int_equal(count, 0);
	assert_int_equal(cleared, 3);   /* two filled, the third half-filled */
	db_close(db);
}

static int never(sqlite3_stmt *st, void *ctx)
{
	(void)st;
	(void)ctx;
	fail();
	return -1;
}

static void no_row_is_not_an_error(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-none.db");
	char err[512] = "untouched";
	int64_t id = 42;
	assert_int_equal(db_stmt_int64(db, "cannot read the thing", "SELECT id FROM thing WHERE name = ?",
				       DB_ARGS(db_arg_text("absent")), &id, err, sizeof err), 1);
	assert_int_equal(id, 42);
	assert_int_equal(db_stmt_one(db, "cannot read the thing", "SELECT * FROM thing WHERE id = ?",
				     DB_ARGS(db_arg_int(1)), never, NULL, err, sizeof err), 1);
	assert_string_equal(err, "untouched");
	struct thing *t = (struct thing *)err;
	size_t count = 99;
	assert_int_equal(collect(db, 0, &t, &count, err, sizeof err), 0);
	assert_null(t);
	assert_int_equal(count, 0);
	db_close(db);
}

static int stop_at_name(sqlite3_stmt *st, void *ctx)
{
	int *seen = ctx;
	(*seen)++;
	return strcmp((const char *)sqlite3_column_text(st, 0), "b") == 0 ? 7 : 0;
}

static void a_callback_stops_the_walk_with_its_value(void **state)
{
	(void)state;
	struct db *db = scratch("stmt-each.db");
	char err[512] = "";
	assert_true(add(db, "a", NULL, 1, err, sizeof err) > 0);
	assert_true(add(db, "b", NULL, 2, err, sizeof err) > 0);
	assert_true(add(db, "c", NULL, 3, err, sizeof err) > 0);
	int seen = 0;
	assert_int_equal(db_stmt_each(db, "cannot walk things", "SELECT name FROM thing ORDER BY id", DB_NO_ARGS,
				      stop_at_name, &seen, err, sizeof err), 7);
	assert_int_equal(seen, 2);
	seen = 0;
	assert_int_equal(db_stmt_each(db, "cannot walk things", "SELECT name FROM thing WHERE name <> 'b'", DB_NO_ARGS,
				      stop_at_name, &seen, err, sizeof err), 0);
	assert_int_equal(seen, 2);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(too_many_arguments_is_an_error_naming_the_statement),
		cmocka_unit_test(an_unbound_parameter_is_an_error),
		cmocka_unit_test(a_syntax_error_names_the_statement),
		cmocka_unit_test(a_constraint_is_surfaced_with_its_message_and_code),
		cmocka_unit_test(rows_are_collected_in_order_as_stored),
		cmocka_unit_test(a_failed_collection_clears_what_it_filled),
		cmocka_unit_test(no_row_is_not_an_error),
		cmocka_unit_test(a_callback_stops_the_walk_with_its_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
