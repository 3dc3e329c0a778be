/* The registry database: open (creating and migrating the schema), close.
 *
 * Return values, the same in every db/ header:
 *   0   success;
 *   1   refused: a rule said no, the input is invalid, or the thing asked
 *       for does not exist (the message in `err` names the rule or thing);
 *  -1   an I/O or database error, or out of memory (`err` says what could
 *       not be done, with SQLite's message).
 * Predicates ("does ...?") return 1 yes, 0 no, -1 error. One function has
 * a value of its own: db_change_propose_limited returns 2 when a provider
 * already has its limit of proposals waiting (changes.h). `err` is the
 * caller's buffer of `errlen` bytes, or NULL for no message.
 * Nothing is half-written: each write is one SQLite transaction.
 */
#ifndef VNTL_DB_DB_H
#define VNTL_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 6
/* From this version on, every row that reaches a published list is sealed:
 * the audit entry of the transaction that wrote it records its digest
 * (db/seal.h). Older registries get one baseline entry when migrated. */
#define DB_SEAL_VERSION 3

struct db;

enum db_open_mode {
	/* Every command but init, and vntld: the file must be a registry at
	 * exactly DB_SCHEMA_VERSION; nothing is created or migrated. */
	DB_OPEN_EXISTING = 0,
	/* vntl init: create the registry when no file exists at `path`, or
	 * migrate an existing registry of an older version forward. */
	DB_OPEN_CREATE = 1,
};

/* Open the registry at `path`. Refused, the file left untouched: a missing
 * file (DB_OPEN_EXISTING), an empty (0-byte) file, a file that is not
 * SQLite or an SQLite database without vntl's schema (-1); a newer schema,
 * or an older one outside DB_OPEN_CREATE (1: "run vntl init to migrate").
 * WAL journal, foreign keys on, busy timeout. */
int db_open(const char *path, enum db_open_mode mode, struct db **out, char *err, size_t errlen);
void db_close(struct db *db);

/* The rule behind the last refusal on this handle that the audit log
 * records ("four-eyes", "role", "unknown-user", "disabled-user"), or NULL:
 * lets a caller answer a missing role differently from a four-eyes rule. */
const char *db_refusal_rule(struct db *db);

/* Schema version of the open database (PRAGMA user_version). */
int db_schema_version(struct db *db);

/* Seconds since the epoch, UTC. */
int64_t db_now(void);

#endif
