/* Opening the registry: pragmas, schema migrations; transactions and
 * statement helpers shared by the db/ modules. */
#include "common/sizes.h"
#include "db/db_internal.h"
#include "db/stmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DB_BUSY_TIMEOUT_MS 30000

int db_msg(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void *db_array_grow(void *array, size_t *cap, size_t count, size_t size)
{
	if (count < *cap)
		return array;
	size_t grown = *cap ? 2 * *cap : 8;
	if (grown < *cap || grown > SIZE_MAX / size)
		return NULL;
	void *bigger = realloc(array, grown * size);
	if (bigger)
		*cap = grown;
	return bigger;
}

int db_sql_error(struct db *db, const char *what, char *err, size_t errlen)
{
	return db_msg(-1, err, errlen, "%s: %s", what, db && db->h ? sqlite3_errmsg(db->h) : "no database");
}

int64_t db_now(void)
{
	return (int64_t)time(NULL);
}

static int exec(struct db *db, const char *sql, const char *what, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_msg(-1, err, errlen, "%s: %s", what, msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int db_begin_write(struct db *db, char *err, size_t errlen)
{
	return exec(db, "BEGIN IMMEDIATE", "cannot start a write transaction", err, errlen);
}

int db_begin_read(struct db *db, char *err, size_t errlen)
{
	/* A deferred transaction becomes a read snapshot at its first SELECT. */
	return exec(db, "BEGIN", "cannot start a read transaction", err, errlen);
}

int db_commit(struct db *db, char *err, size_t errlen)
{
	if (exec(db, "COMMIT", "cannot commit", err, errlen) == 0)
		return 0;
	db_rollback(db);
	return -1;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db_refusal_flush(db);
}

char *db_column_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return strdup(t ? (const char *)t : "");
}

char *db_column_strdup_or_null(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : db_column_strdup(st, col);
}

static int read_user_version(struct db *db, int *version, char *err, size_t errlen)
{
	int64_t v = 0;
	int rc = db_stmt_int64(db, "cannot read the schema version", "PRAGMA user_version", DB_NO_ARGS, &v, err,
			       errlen);
	if (rc == 1)
		return db_sql_error(db, "cannot read the schema version", err, errlen);
	*version = (int)v;
	return rc;
}

int db_schema_version(struct db *db)
{
	int v = -1;
	read_user_version(db, &v, NULL, 0);
	return v;
}

static int refuse_newer(int version, const char *path, char *err, size_t errlen)
{
	return db_msg(1, err, errlen,
		      "%s has schema version %d, newer than this vntl understands (%d): "
		      "upgrade vntl; the database was not touched", path, version, DB_SCHEMA_VERSION);
}

/* Bring the schema from `from` to DB_SCHEMA_VERSION in one transaction (all
 * migrations or none), re-reading the version under the write lock so two
 * processes running init on an old database at once migrate it once. An
 * existing registry also gets its baseline seal (db_seal_baseline) in the
 * same transaction: the rows it holds, bound to the audit chain. */
static int migrate(struct db *db, const char *path, char *err, size_t errlen)
{
	int version;
	if (read_user_version(db, &version, err, errlen))
		return -1;
	if (version == DB_SCHEMA_VERSION)
		return 0;
	if (version > 0 && version < DB_SEAL_VERSION) {
		int checked = db_seal_baseline_precheck(db, path, err, errlen);
		if (checked)
			return checked;
	}
	if (db_begin_write(db, err, errlen))
		return -1;
	if (read_user_version(db, &version, err, errlen))
		goto fail;
	if (version > DB_SCHEMA_VERSION) {
		db_rollback(db);
		return refuse_newer(version, path, err, errlen);
	}
	int from = version;
	for (int i = version; i < DB_SCHEMA_VERSION; i++) {
		char what[64];
		snprintf(what, sizeof what, "schema migration %d -> %d", i, i + 1);
		if (exec(db, db_migration_sql(i), what, err, errlen))
			goto fail;
	}
	if (from > 0 && from < DB_SEAL_VERSION && db_seal_baseline(db, from, err, errlen))
		goto fail;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", DB_SCHEMA_VERSION);
	if (exec(db, sql, "cannot set the schema version", err, errlen))
		goto fail;
	return db_commit(db, err, errlen);
fail:
	db_rollback(db);
	return -1;
}

static int journal_is_wal(sqlite3_stmt *st, void *wal)
{
	const unsigned char *mode = sqlite3_column_text(st, 0);
	*(int *)wal = mode && strcmp((const char *)mode, "wal") == 0;
	return 0;
}

static int configure(struct db *db, char *err, size_t errlen)
{
	if (exec(db, "PRAGMA foreign_keys = ON", "cannot enable foreign keys", err, errlen))
		return -1;
	int wal = 0;
	int rc = db_stmt_one(db, "cannot switch to WAL journal mode", "PRAGMA journal_mode = WAL", DB_NO_ARGS,
			     journal_is_wal, &wal, err, errlen);
	if (rc < 0)
		return -1;
	if (!wal)
		return db_sql_error(db, "cannot switch to WAL journal mode", err, errlen);
	/* FULL: a committed change survives power loss, not only a crash. */
	return exec(db, "PRAGMA synchronous = FULL", "cannot set synchronous mode", err, errlen);
}

/* Create `path` exclusively, empty: only a path that did not exist becomes
 * a new registry, and two inits racing on it cannot both think so. */
static int claim_new_file(const char *path, char *err, size_t errlen)
{
	/* SQLite would replay a leftover WAL into the new file: part of a
	 * registry whose database file was deleted, not a new one. */
	char wal[VNTL_PATH_MAX];
	struct stat sb;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &sb) == 0)
		return db_msg(-1, err, errlen, "%s does not exist but its journal %s does: part of a registry whose "
			      "database file was removed; restore it from backup (or remove the journal to start a new "
			      "registry)", path, wal);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return db_msg(-1, err, errlen, "%s: cannot create: %s", path, strerror(errno));
	close(fd);
	return 0;
}

/* A registry that this process did not just create must already be one:
 * a 0-byte file (truncated, or created by a mistaken `touch`) is never
 * initialised over, since lists published from it would withdraw every
 * certificate. */
static int check_existing_file(const char *path, const struct stat *sb, char *err, size_t errlen)
{
	if (!S_ISREG(sb->st_mode))
		return db_msg(-1, err, errlen, "%s is not a regular file: not a vntl registry", path);
	if (sb->st_size == 0)
		return db_msg(-1, err, errlen,
			      "%s is empty (0 bytes): not a vntl registry (truncated or emptied?); nothing was "
			      "changed: restore it from backup (vntl init creates a registry only where no file exists)",
			      path);
	return 0;
}

/* The schema version decides what opening may do: a file this process just
 * created is initialised; otherwise a version 0 file is not a registry, a
 * newer one is refused, and an older one is migrated only by vntl init
 * (DB_OPEN_CREATE). Read before any pragma writes to the file, so a
 * refused file is left untouched. */
static int check_version(struct db *db, const char *path, enum db_open_mode mode, int fresh,
			 char *err, size_t errlen)
{
	int version;
	if (read_user_version(db, &version, err, errlen))
		return -1;
	if (version > DB_SCHEMA_VERSION)
		return refuse_newer(version, path, err, errlen);
	if (version == 0 && !fresh)
		return db_msg(-1, err, errlen,
			      "%s is an SQLite database without vntl's schema: not a vntl registry; nothing was "
			      "changed: restore it from backup", path);
	if (version > 0 && version < DB_SCHEMA_VERSION && mode != DB_OPEN_CREATE)
		return db_msg(1, err, errlen,
			      "%s has schema version %d, older than this vntl (%d): run vntl init to migrate it; "
			      "the database was not touched", path, version, DB_SCHEMA_VERSION);
	return 0;
}

static void remove_new_file(const char *path)
{
	char side[VNTL_PATH_MAX];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int db_open(const char *path, enum db_open_mode mode, struct db **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!path || !*path)
		return db_msg(1, err, errlen, "no registry database given (--db, config key db or $VNTL_DB)");
	struct stat sb;
	int fresh = 0;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return db_msg(-1, err, errlen, "%s: %s", path, strerror(errno));
		if (mode == DB_OPEN_EXISTING)
			return db_msg(-1, err, errlen, "%s: no such registry database (create it with vntl init)", path);
		if (claim_new_file(path, err, errlen))
			return -1;
		fresh = 1;
	} else if (check_existing_file(path, &sb, err, errlen)) {
		return -1;
	}
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		if (fresh)
			remove_new_file(path);
		return db_msg(-1, err, errlen, "out of memory");
	}
	int rc = -1;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
		db_msg(-1, err, errlen, "%s: cannot open: %s", path, db->h ? sqlite3_errmsg(db->h) : "out of memory");
	else if (sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS) != SQLITE_OK ||
		 sqlite3_extended_result_codes(db->h, 1) != SQLITE_OK)
		db_sql_error(db, "cannot configure the connection", err, errlen);
	else if ((rc = check_version(db, path, mode, fresh, err, errlen)) == 0 &&
		 (rc = configure(db, err, errlen)) == 0)
		rc = migrate(db, path, err, errlen);
	if (rc) {
		if (rc < 0 && err && (strstr(err, "file is not a database") || strstr(err, "malformed")))
			db_msg(-1, err, errlen, "%s: not an SQLite database, or a damaged one: not a usable vntl "
			       "registry; restore it from backup", path);
		db_close(db);
		if (fresh)
			remove_new_file(path);
		return rc;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close_v2(db->h);
	free(db);
}
