/* Prepare, bind, step and collect rows (see stmt.h). */
#include "db/stmt.h"

#include "db/db_internal.h"

#include <stdlib.h>
#include <string.h>

static int bind_one(sqlite3_stmt *st, int i, const struct db_arg *a)
{
	switch (a->type) {
	case DB_ARG_TEXT:
		return sqlite3_bind_text(st, i, a->text, -1, SQLITE_TRANSIENT);
	case DB_ARG_INT64:
		return sqlite3_bind_int64(st, i, a->i);
	case DB_ARG_BLOB:
		if (a->len > INT32_MAX)
			return SQLITE_TOOBIG;
		return sqlite3_bind_blob(st, i, a->blob, (int)a->len, SQLITE_TRANSIENT);
	case DB_ARG_NULL:
		return sqlite3_bind_null(st, i);
	}
	return SQLITE_MISUSE;
}

/* SQLITE_OK, or the failing bind's result (SQLITE_MISUSE when a parameter
 * is left unbound) with the message in err. */
static int bind_all(sqlite3_stmt *st, const char *what, const struct db_arg *args, size_t nargs, char *err,
		    size_t errlen)
{
	int wanted = sqlite3_bind_parameter_count(st);
	for (size_t i = 0; i < nargs; i++) {
		int rc = i < INT32_MAX ? bind_one(st, (int)i + 1, &args[i]) : SQLITE_RANGE;
		if (rc != SQLITE_OK) {
			db_msg(-1, err, errlen, "%s: cannot bind argument %zu of %zu (the statement takes %d): %s", what,
			       i + 1, nargs, wanted, sqlite3_errstr(rc));
			return rc;
		}
	}
	/* An unbound parameter would silently be NULL. */
	if (nargs != (size_t)wanted) {
		db_msg(-1, err, errlen, "%s: %zu arguments given, the statement takes %d", what, nargs, wanted);
		return SQLITE_MISUSE;
	}
	return SQLITE_OK;
}

int db_stmt_open(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		 sqlite3_stmt **st, char *err, size_t errlen)
{
	db->stmt_rc = sqlite3_prepare_v2(db->h, sql, -1, st, NULL);
	if (db->stmt_rc != SQLITE_OK) {
		db->stmt_rc = sqlite3_extended_errcode(db->h);
		*st = NULL;
		return db_sql_error(db, what, err, errlen);
	}
	if ((db->stmt_rc = bind_all(*st, what, args, nargs, err, errlen)) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

/* -1 with "what: SQLite's message" for a step that failed with `step`. */
static int step_failed(struct db *db, const char *what, int step, char *err, size_t errlen)
{
	db->stmt_rc = step;
	return db_sql_error(db, what, err, errlen);
}

/* Step `st` to its end, `row` (if any) taking each row; finalizes. */
static int run(struct db *db, const char *what, sqlite3_stmt *st, db_row_fn *row, void *ctx, char *err,
	       size_t errlen)
{
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (row && (rc = row(st, ctx)) != 0)
			break;
	db->stmt_rc = SQLITE_OK;   /* not what a callback's own statements left */
	if (rc == 0 && step != SQLITE_DONE)
		rc = step_failed(db, what, step, err, errlen);
	sqlite3_finalize(st);
	return rc;
}

int db_stmt_exec(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		 char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (db_stmt_open(db, what, sql, args, nargs, &st, err, errlen))
		return -1;
	return run(db, what, st, NULL, NULL, err, errlen);
}

int db_stmt_insert(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		   int64_t *id, char *err, size_t errlen)
{
	if (db_stmt_exec(db, what, sql, args, nargs, err, errlen))
		return -1;
	*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

int db_stmt_each(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		 db_row_fn *row, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (db_stmt_open(db, what, sql, args, nargs, &st, err, errlen))
		return -1;
	return run(db, what, st, row, ctx, err, errlen);
}

int db_stmt_one(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		db_row_fn *row, void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (db_stmt_open(db, what, sql, args, nargs, &st, err, errlen))
		return -1;
	int step = sqlite3_step(st), rc;
	if (step == SQLITE_ROW) {
		rc = row(st, ctx);
		db->stmt_rc = SQLITE_OK;
	} else if (step == SQLITE_DONE)
		rc = 1;
	else
		rc = step_failed(db, what, step, err, errlen);
	sqlite3_finalize(st);
	return rc;
}

static int first_int64(sqlite3_stmt *st, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(st, 0);
	return 0;
}

int db_stmt_int64(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		  int64_t *out, char *err, size_t errlen)
{
	return db_stmt_one(db, what, sql, args, nargs, first_int64, out, err, errlen);
}

struct collection {
	const char *what;
	size_t size, cap, count;
	db_row_fn *fill;
	unsigned char *items;
	char *err;
	size_t errlen;
};

static int collect_row(sqlite3_stmt *st, void *ctx)
{
	struct collection *c = ctx;
	unsigned char *grown = db_array_grow(c->items, &c->cap, c->count, c->size);
	if (!grown)
		return db_msg(-1, c->err, c->errlen, "%s: out of memory", c->what);
	c->items = grown;
	unsigned char *elem = c->items + c->count * c->size;
	memset(elem, 0, c->size);
	c->count++;   /* counted before filling, so that a failure clears it too */
	return c->fill(st, elem) ? db_msg(-1, c->err, c->errlen, "%s: out of memory", c->what) : 0;
}

int db_stmt_collect(struct db *db, const char *what, const char *sql, const struct db_arg *args, size_t nargs,
		    size_t size, db_row_fn *fill, db_clear_fn *clear, void **out, size_t *count, char *err,
		    size_t errlen)
{
	struct collection c = {.what = what, .size = size, .fill = fill, .err = err, .errlen = errlen};
	int rc = db_stmt_each(db, what, sql, args, nargs, collect_row, &c, err, errlen);
	if (rc) {
		for (size_t i = 0; clear && i < c.count; i++)
			clear(c.items + i * size);
		free(c.items);
		*out = NULL;
		*count = 0;
		return rc < 0 ? rc : -1;
	}
	*out = c.items;
	*count = c.count;
	return 0;
}

int db_errcode(struct db *db)
{
	return db->stmt_rc;
}
