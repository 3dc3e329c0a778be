/* The registry database: open (creating and migrating the schema), close.
 *
 * Every function of db/ that can fail returns 0 on success, 1 when a rule
 * refused the request (the message in `err` names the rule), and -1 on an
 * I/O or database error. Nothing is half-written: each write is one SQLite
 * transaction.
 */
#ifndef VNTL_DB_DB_H
#define VNTL_DB_DB_H

#include <stddef.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 2

struct db;

enum db_open_mode {
	DB_OPEN_EXISTING = 0,  /* the file must exist (every command but init) */
	DB_OPEN_CREATE = 1,    /* create the file if it is missing (init) */
};

/* Open the registry at `path`, migrate an older schema forward, refuse a
 * newer one. WAL journal, foreign keys on, busy timeout. */
int db_open(const char *path, enum db_open_mode mode, struct db **out, char *err, size_t errlen);
void db_close(struct db *db);

/* Schema version of the open database (PRAGMA user_version). */
int db_schema_version(struct db *db);

/* Seconds since the epoch, UTC. */
int64_t db_now(void);

#endif
