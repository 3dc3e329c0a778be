/* The audit log: append-only and hash-chained.
 *
 * Each entry stores the SHA-256 of the previous entry (prev_hash; 64 zeros
 * for the first) and the SHA-256 of its own canonical content, which covers
 * prev_hash, time, actor, action, object and detail. A table audit_head
 * holds the id and hash of the last entry, updated in the same transaction,
 * so that removing entries from the end is detected too.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h).
 */
#ifndef VNTL_DB_AUDIT_H
#define VNTL_DB_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct db_audit_entry {
	int64_t id;
	int64_t at;
	char *actor;   /* user name, "bootstrap", or the name a failed login gave */
	char *action;  /* e.g. "cert.import", "change.propose", "change.apply" */
	char *object;  /* e.g. "change:12", "cert:<sha256>" */
	char *detail;  /* JSON object */
	char prev_hash[65];
	char hash[65];
};

enum db_audit_break {
	DB_AUDIT_INTACT = 0,
	DB_AUDIT_MODIFIED,   /* an entry's content no longer matches its hash */
	DB_AUDIT_DELETED,    /* an entry is missing (gap, or the end was cut) */
	DB_AUDIT_REORDERED,  /* an entry is chained to an entry other than its predecessor */
	DB_AUDIT_UNPROTECTED, /* the append-only triggers were dropped or altered */
	DB_AUDIT_NOT_EXTENDED, /* the chain does not hold a head recorded outside the registry */
};

struct db_audit_verdict {
	enum db_audit_break kind;
	int64_t entries;     /* entries checked */
	int64_t first_bad;   /* id of the first entry modified, deleted or out of order */
	char head_hash[65];  /* hash of the last entry (record it elsewhere to anchor the chain) */
	char message[256];   /* for people: what is wrong and where */
};

/* Walk the whole chain in one read transaction and check that the
 * append-only triggers are as vntl created them. With `expected_head` (the
 * hash of an entry, recorded outside the registry earlier; NULL: none) the
 * chain must also hold that entry, so that a rewrite of the whole chain by
 * someone who controls the file is found. Returns 0 (verdict filled,
 * intact or not) or -1 on a database error. */
int db_audit_verify_head(struct db *db, const char *expected_head, struct db_audit_verdict *verdict,
			 char *err, size_t errlen);
/* The same without a recorded head. */
int db_audit_verify(struct db *db, struct db_audit_verdict *verdict, char *err, size_t errlen);

/* Entries with id > after_id, oldest first, at most `limit` (0 = all). */
int db_audit_list(struct db *db, int64_t after_id, size_t limit, struct db_audit_entry **out,
		  size_t *count, char *err, size_t errlen);
void db_audit_entries_free(struct db_audit_entry *entries, size_t count);

const char *db_audit_break_name(enum db_audit_break kind);

#endif
