/* Shared by the db/ modules only: the handle, transactions, statements and
 * the audit append that every write transaction ends with.
 *
 * Return values as everywhere in db/ (db/db.h): 0 ok, 1 refused, -1 error. */
#ifndef VNTL_DB_INTERNAL_H
#define VNTL_DB_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* A refusal to audit once its transaction is rolled back (refusal.c). */
struct db_refusal_note {
	int pending;
	char actor[80], rule[24], object[96], message[512];
	char last_rule[24];   /* kept after the entry is written: db_refusal_rule */
};

struct db {
	sqlite3 *h;
	struct db_refusal_note refusal;
	int stmt_rc;   /* the result of the last db/stmt.h call (db_errcode) */
};

/* Audit a refused attempt (four eyes, missing role, unknown or disabled
 * user) as an entry "refused" with {"rule", "message"}: at once when no
 * transaction is open, else when db_rollback ends it. Returns rc, so that
 * `return db_refusal(db, ..., db_msg(1, ...), err);` reads naturally. */
int db_refusal(struct db *db, const char *actor, const char *rule, const char *object, int rc, const char *message);
/* Write the pending refusal, if any and no transaction is open. */
void db_refusal_flush(struct db *db);

/* Running SQL: db/stmt.h. */

/* printf into err (if not NULL), returns `rc` for `return db_fail(...)`. */
int db_msg(int rc, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* -1 with "what: sqlite message". */
int db_sql_error(struct db *db, const char *what, char *err, size_t errlen);

/* BEGIN IMMEDIATE (a writer), BEGIN (a reader), COMMIT, ROLLBACK. */
int db_begin_write(struct db *db, char *err, size_t errlen);
int db_begin_read(struct db *db, char *err, size_t errlen);
int db_commit(struct db *db, char *err, size_t errlen);
void db_rollback(struct db *db);

/* Room for element `count` of a growing array of `size`-byte elements with
 * capacity *cap: returns the array (reallocated when full, *cap updated) or
 * NULL when out of memory, the array then left as it was. For the loops
 * that read query rows into arrays. */
void *db_array_grow(void *array, size_t *cap, size_t count, size_t size);
/* Malloc'd copy of a text column ("" for NULL); never returns NULL unless out of memory. */
char *db_column_strdup(sqlite3_stmt *st, int col);
/* The same, but NULL for NULL (optional columns). */
char *db_column_strdup_or_null(sqlite3_stmt *st, int col);

/* Schema migrations: number of them and the SQL of migration i (0-based),
 * which takes user_version i to i + 1. */
int db_migration_count(void);
const char *db_migration_sql(int i);
/* The audit log's append-only triggers: name and SQL as sqlite_master keeps it. */
size_t db_audit_trigger_count(void);
void db_audit_trigger(size_t i, const char **name, const char **sql);

/* Append one entry to the hash-chained audit log, inside the caller's write
 * transaction. `detail` is canonical JSON text. */
int db_audit_append(struct db *db, const char *actor, const char *action, const char *object,
		    const char *detail, char *err, size_t errlen);
/* The same with a JSON detail, written canonically (compact, sorted keys);
 * takes the reference to `detail`, where NULL (a failed json_pack) is out
 * of memory. */
int db_audit_append_json(struct db *db, const char *actor, const char *action, const char *object,
			 json_t *detail, char *err, size_t errlen);
/* A row of "SELECT id, at, actor, action, object, detail, prev_hash, hash
 * FROM audit" into a struct db_audit_entry, and that entry's strings freed:
 * the db_stmt_collect callbacks of audit.c and search.c. */
int db_audit_fill_entry(sqlite3_stmt *st, void *elem);
void db_audit_free_entry(void *elem);

/* Seals (seal.c): add "<kind>:<id>": digest of the row as stored now to
 * `rows`, the "rows" object of the audit entry of the same transaction.
 * db_seal_service also seals the service's whole timeline. */
int db_seal_tsp(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen);
int db_seal_service(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen);
int db_seal_status(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen);
/* Migration of an older registry: refuse (1) when its audit chain is broken;
 * then, inside the migration's transaction, one "registry.baseline" entry
 * sealing every row it holds. */
int db_seal_baseline_precheck(struct db *db, const char *path, char *err, size_t errlen);
int db_seal_baseline(struct db *db, int from_version, char *err, size_t errlen);

/* Accounts (users.c), for corrections.c. */
struct db_user_input;
struct db_secret {
	unsigned char salt[16], hash[32];
	int iterations;
};
/* A provider secret's PBKDF2 (fresh salt); 0 or -1. */
int db_secret_derive(const char *secret, struct db_secret *out);
/* The rules for a new account; fp receives the normalised fingerprint ("" if none). */
int db_user_check_input(const struct db_user_input *in, char fp[65], char *err, size_t errlen);
/* Insert the account (inside the caller's transaction); sec may be NULL. */
int db_user_insert(struct db *db, const struct db_user_input *in, const char *fp, const struct db_secret *sec,
		   int64_t *id, char *err, size_t errlen);
/* Normalise a client-certificate fingerprint (hex, ':' allowed): 0, or 1
 * when it is not 64 hex digits. */
int db_fingerprint_normalise(const char *in, char out[65]);

/* Signer corrections (signers.c), for corrections.c: target and payload
 * of a proposal, the rules checked at proposal and approval, and what an
 * approval writes. `action` is an enum db_correction_action signer.*. */
struct db_correction_input;
int db_signer_describe(const struct db_correction_input *in, char target[96], json_t *p, char *err,
		       size_t errlen);
int db_signer_check(struct db *db, int action, const char *label, json_t *p, char *err, size_t errlen);
int db_signer_apply(struct db *db, int action, const char *label, json_t *p, int64_t correction_id,
		    char *err, size_t errlen);

struct db_status_entry;
/* Status timeline of a service, oldest first (certs.c; used by the snapshot). */
int db_service_timeline(struct db *db, int64_t service_id, struct db_status_entry **out, size_t *count,
			char *err, size_t errlen);

#endif
