/* One way for db/ to run SQL: prepare, bind typed arguments, step, collect
 * rows. Internal to db/ (SQL lives only there).
 *
 * Conventions, as everywhere in db/ (db/db.h): 0 on success, -1 on a
 * database error with "<what>: <SQLite's message>" in err, where `what`
 * names the statement's purpose ("cannot add the TSP"). The functions that
 * read one row return 1 when there is none, leaving err alone so that the
 * caller names what is missing. Every bind result is checked: an argument
 * the statement has no place for (SQLITE_RANGE), or a statement left with
 * parameters no argument fills, is an error naming the statement. The
 * result code of what failed stays readable with db_errcode, for the
 * callers that turn a constraint into a refusal.
 *
 * Arguments are copied when bound (SQLITE_TRANSIENT): pointers need only
 * live for the call. */
#ifndef VNTL_DB_STMT_H
#define VNTL_DB_STMT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct db;

enum db_arg_type { DB_ARG_NULL, DB_ARG_TEXT, DB_ARG_INT64, DB_ARG_BLOB };

/* One argument of a statement, bound to the parameter of its position (1-based). */
struct db_arg {
	enum db_arg_type type;
	const char *text;     /* DB_ARG_TEXT; NULL binds NULL */
	int64_t i;            /* DB_ARG_INT64 */
	const void *blob;     /* DB_ARG_BLOB */
	size_t len;
};

static inline struct db_arg db_arg_null(void)
{
	return (struct db_arg){.type = DB_ARG_NULL};
}

static inline struct db_arg db_arg_text(const char *text)
{
	return (struct db_arg){.type = DB_ARG_TEXT, .text = text};
}

/* Text, or NULL when `text` is NULL or empty (optional columns). */
static inline struct db_arg db_arg_text_or_null(const char *text)
{
	return text && *text ? db_arg_text(text) : db_arg_null();
}

static inline struct db_arg db_arg_int(int64_t i)
{
	return (struct db_arg){.type = DB_ARG_INT64, .i = i};
}

static inline struct db_arg db_arg_blob(const void *blob, size_t len)
{
	return (struct db_arg){.type = DB_ARG_BLOB, .blob = blob, .len = len};
}

/* The argument list of one call: DB_ARGS(db_arg_int(id), db_arg_text(name))
 * expands to the array and its length; DB_NO_ARGS for none. */
#define DB_ARGS(...) \
	((const struct db_arg[]){__VA_ARGS__}), (sizeof((const struct db_arg[]){__VA_ARGS__}) / sizeof(struct db_arg))
#define DB_NO_ARGS NULL, 0

/* Called for each row with the caller's `ctx`: 0 reads on, any other value
 * stops the walk and is returned by the function that stepped (a callback
 * that can fail keeps the caller's err in its ctx to say why). */
typedef int db_row_fn(sqlite3_stmt *st, void *ctx);

/* Prepare `sql` and bind `args`: 0 with *st to finalize, or -1 (*st NULL). */
__attribute__((warn_unused_result)) int db_stmt_open(struct db *db, const char *what, const char *sql,
						      const struct db_arg *args, size_t nargs, sqlite3_stmt **st,
						      char *err, size_t errlen);

/* Run one statement that returns no rows. */
__attribute__((warn_unused_result)) int db_stmt_exec(struct db *db, const char *what, const char *sql,
						      const struct db_arg *args, size_t nargs, char *err,
						      size_t errlen);

/* db_stmt_exec for an INSERT; *id receives the new row's id. */
__attribute__((warn_unused_result)) int db_stmt_insert(struct db *db, const char *what, const char *sql,
							const struct db_arg *args, size_t nargs, int64_t *id,
							char *err, size_t errlen);

/* Step until done, calling `row` for each row: 0 after the last row, the
 * callback's value if it stopped the walk, -1 on a database error. */
__attribute__((warn_unused_result)) int db_stmt_each(struct db *db, const char *what, const char *sql,
						      const struct db_arg *args, size_t nargs, db_row_fn *row,
						      void *ctx, char *err, size_t errlen);

/* The first row (by id, usually) to `row`: 0 when read, 1 when there is
 * none (err untouched), the callback's value when not 0, or -1. */
__attribute__((warn_unused_result)) int db_stmt_one(struct db *db, const char *what, const char *sql,
						     const struct db_arg *args, size_t nargs, db_row_fn *row, void *ctx,
						     char *err, size_t errlen);

/* The first column of the first row as an integer: 0, 1 when no row, -1. */
__attribute__((warn_unused_result)) int db_stmt_int64(struct db *db, const char *what, const char *sql,
						       const struct db_arg *args, size_t nargs, int64_t *out,
						       char *err, size_t errlen);

/* Frees what a filled element holds (not the element itself). */
typedef void db_clear_fn(void *elem);

/* Every row into a malloc'd array of `size`-byte elements, `fill` taking
 * the row and the zeroed element (0, or non-zero when out of memory): 0 with *out
 * (NULL when no rows) and *count set; on failure -1, every element cleared
 * with `clear` (when not NULL), *out NULL and *count 0. */
__attribute__((warn_unused_result)) int db_stmt_collect(struct db *db, const char *what, const char *sql,
							 const struct db_arg *args, size_t nargs, size_t size,
							 db_row_fn *fill, db_clear_fn *clear, void **out,
							 size_t *count, char *err, size_t errlen);

/* The result of the last call above on this handle: SQLITE_OK after a
 * success (or a walk its callback stopped), else the extended result code
 * of what failed (SQLITE_CONSTRAINT_UNIQUE, SQLITE_RANGE for an argument
 * too many, SQLITE_MISUSE for a parameter left unbound, ...). */
int db_errcode(struct db *db);

#endif
