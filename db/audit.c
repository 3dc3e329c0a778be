/* The hash-chained audit log: append inside a write transaction, verify,
 * list. */
#include "db/audit.h"

#include "common/hex.h"
#include "db/db_internal.h"
#include "db/stmt.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char GENESIS[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static int digest_field(EVP_MD_CTX *ctx, const char *value)
{
	char len[24];
	int n = snprintf(len, sizeof len, "%zu:", strlen(value));
	return EVP_DigestUpdate(ctx, len, (size_t)n) && EVP_DigestUpdate(ctx, value, strlen(value)) &&
	       EVP_DigestUpdate(ctx, "\n", 1);
}

/* Canonical content: a version tag, then every field as "<length>:<bytes>\n"
 * (length-prefixed, so no two different entries hash the same bytes). */
static int entry_hash(const char *prev_hash, int64_t at, const char *actor, const char *action,
		      const char *object, const char *detail, char out[65])
{
	char when[24];
	snprintf(when, sizeof when, "%" PRId64, at);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(ctx, "vntl-audit-v1\n", 14) && digest_field(ctx, prev_hash) &&
		 digest_field(ctx, when) && digest_field(ctx, actor) && digest_field(ctx, action) &&
		 digest_field(ctx, object) && digest_field(ctx, detail) &&
		 EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}

struct head {
	int64_t id;
	char hash[65];
};

static int head_from_row(sqlite3_stmt *st, void *ctx)
{
	struct head *h = ctx;
	h->id = sqlite3_column_int64(st, 0);
	snprintf(h->hash, sizeof h->hash, "%s", (const char *)sqlite3_column_text(st, 1));
	return 0;
}

/* The chain's recorded head; an empty log's is id 0, the genesis hash. */
static int read_head(struct db *db, int64_t *last_id, char last_hash[65], char *err, size_t errlen)
{
	struct head h = {0};
	memcpy(h.hash, GENESIS, sizeof h.hash);
	int rc = db_stmt_one(db, "cannot read the audit head", "SELECT last_id, last_hash FROM audit_head WHERE one = 1",
			     DB_NO_ARGS, head_from_row, &h, err, errlen);
	*last_id = h.id;
	memcpy(last_hash, h.hash, sizeof h.hash);
	return rc < 0 ? -1 : 0;
}

int db_audit_append(struct db *db, const char *actor, const char *action, const char *object,
		    const char *detail, char *err, size_t errlen)
{
	int64_t last_id;
	char prev[65], hash[65];
	if (read_head(db, &last_id, prev, err, errlen))
		return -1;
	int64_t at = db_now();
	if (entry_hash(prev, at, actor, action, object, detail, hash))
		return db_msg(-1, err, errlen, "cannot hash the audit entry");
	if (db_stmt_exec(db, "cannot append to the audit log",
			 "INSERT INTO audit (id, at, actor, action, object, detail, prev_hash, hash) "
			 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			 DB_ARGS(db_arg_int(last_id + 1), db_arg_int(at), db_arg_text(actor), db_arg_text(action),
				 db_arg_text(object), db_arg_text(detail), db_arg_text(prev), db_arg_text(hash)),
			 err, errlen))
		return -1;
	return db_stmt_exec(db, "cannot update the audit head",
			    "INSERT INTO audit_head (one, last_id, last_hash) VALUES (1, ?, ?) "
			    "ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
			    DB_ARGS(db_arg_int(last_id + 1), db_arg_text(hash)), err, errlen);
}

int db_audit_append_json(struct db *db, const char *actor, const char *action, const char *object,
			 json_t *detail, char *err, size_t errlen)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	if (!text)
		return db_msg(-1, err, errlen, "out of memory");
	int rc = db_audit_append(db, actor, action, object, text, err, errlen);
	free(text);
	return rc;
}

const char *db_audit_break_name(enum db_audit_break kind)
{
	switch (kind) {
	case DB_AUDIT_INTACT: return "intact";
	case DB_AUDIT_MODIFIED: return "modified";
	case DB_AUDIT_DELETED: return "deleted";
	case DB_AUDIT_REORDERED: return "reordered";
	case DB_AUDIT_UNPROTECTED: return "unprotected";
	case DB_AUDIT_NOT_EXTENDED: return "rewritten";
	}
	return "unknown";
}

int db_audit_fill_entry(sqlite3_stmt *st, void *elem)
{
	struct db_audit_entry *e = elem;
	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->actor = db_column_strdup(st, 2);
	e->action = db_column_strdup(st, 3);
	e->object = db_column_strdup(st, 4);
	e->detail = db_column_strdup(st, 5);
	snprintf(e->prev_hash, sizeof e->prev_hash, "%s", (const char *)sqlite3_column_text(st, 6));
	snprintf(e->hash, sizeof e->hash, "%s", (const char *)sqlite3_column_text(st, 7));
	return 0;
}

void db_audit_free_entry(void *elem)
{
	struct db_audit_entry *e = elem;
	free(e->actor);
	free(e->action);
	free(e->object);
	free(e->detail);
}

static void verdict_set(struct db_audit_verdict *v, enum db_audit_break kind, int64_t id)
{
	v->kind = kind;
	v->first_bad = id;
}

/* Does any entry (other than the one at `self`) carry hash `h`? Tells an
 * entry that follows the wrong neighbour (reordered) from one whose
 * predecessor vanished (deleted). */
static int64_t entry_with_hash(struct db *db, const char *h, int64_t self)
{
	int64_t id = 0;
	if (db_stmt_int64(db, "cannot look for an audit entry", "SELECT id FROM audit WHERE hash = ? AND id <> ? "
			  "ORDER BY id LIMIT 1", DB_ARGS(db_arg_text(h), db_arg_int(self)), &id, NULL, 0))
		return 0;
	return id;
}

/* Check one entry against its predecessor; 0 when it fits, else the verdict
 * is filled in. */
static int check_entry(struct db *db, const struct db_audit_entry *e, int64_t expected_id,
		       const char *expected_prev, struct db_audit_verdict *v)
{
	char h[65];
	if (entry_hash(e->prev_hash, e->at, e->actor, e->action, e->object, e->detail, h) ||
	    strcmp(h, e->hash) != 0) {
		verdict_set(v, DB_AUDIT_MODIFIED, e->id);
		snprintf(v->message, sizeof v->message,
			 "entry #%" PRId64 " was modified: its content does not match its hash", e->id);
		return 1;
	}
	if (strcmp(e->prev_hash, expected_prev) == 0 && e->id == expected_id)
		return 0;
	int64_t linked = entry_with_hash(db, e->prev_hash, e->id);
	if (linked > 0 && linked != expected_id - 1) {
		verdict_set(v, DB_AUDIT_REORDERED, e->id);
		snprintf(v->message, sizeof v->message,
			 "entry #%" PRId64 " is out of order: it was chained after entry #%" PRId64,
			 e->id, linked);
		return 1;
	}
	if (e->id == expected_id) {
		/* No gap, no other entry it links to: the predecessor (or, for
		 * the first entry, its link) was rewritten and re-hashed. */
		int64_t bad = expected_id > 1 ? expected_id - 1 : 1;
		verdict_set(v, DB_AUDIT_MODIFIED, bad);
		snprintf(v->message, sizeof v->message,
			 "entry #%" PRId64 " was modified and re-hashed: entry #%" PRId64
			 " no longer links to its predecessor", bad, e->id);
		return 1;
	}
	verdict_set(v, DB_AUDIT_DELETED, expected_id);
	snprintf(v->message, sizeof v->message,
		 "entry #%" PRId64 " was deleted: entry #%" PRId64 " does not follow its predecessor",
		 expected_id, e->id);
	return 1;
}

static int check_head(struct db *db, int64_t last_id, const char *last_hash,
		      struct db_audit_verdict *v, char *err, size_t errlen)
{
	int64_t head_id;
	char head_hash[65];
	if (read_head(db, &head_id, head_hash, err, errlen))
		return -1;
	if (head_id > last_id) {
		verdict_set(v, DB_AUDIT_DELETED, last_id + 1);
		snprintf(v->message, sizeof v->message,
			 "entry #%" PRId64 " and later were deleted: the log ends at #%" PRId64
			 " but its recorded head is #%" PRId64, last_id + 1, last_id, head_id);
	} else if (head_id != last_id || strcmp(head_hash, last_hash) != 0) {
		verdict_set(v, DB_AUDIT_MODIFIED, last_id);
		snprintf(v->message, sizeof v->message,
			 "entry #%" PRId64 " does not match the recorded head of the chain", last_id);
	}
	return 0;
}

static int trigger_intact(sqlite3_stmt *st, void *sql)
{
	const char *found = (const char *)sqlite3_column_text(st, 0);
	return found && strcmp(found, sql) == 0 ? 0 : 2;
}

/* The triggers are defence in depth, not proof; but a registry whose
 * triggers were dropped was edited with tools other than vntl. */
static int check_triggers(struct db *db, struct db_audit_verdict *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < db_audit_trigger_count(); i++) {
		const char *name, *sql;
		db_audit_trigger(i, &name, &sql);
		/* 0 intact, 1 dropped, 2 altered */
		int rc = db_stmt_one(db, "cannot read the audit log's triggers",
				     "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? "
				     "AND tbl_name = 'audit'", DB_ARGS(db_arg_text(name)), trigger_intact, (void *)sql,
				     err, errlen);
		if (rc < 0)
			return -1;
		if (rc) {
			verdict_set(v, DB_AUDIT_UNPROTECTED, 0);
			snprintf(v->message, sizeof v->message,
				 "the append-only trigger %s of the audit log was %s: the registry was edited "
				 "outside vntl", name, rc == 2 ? "altered" : "dropped");
			return 0;
		}
	}
	return 0;
}

/* After an intact walk: is the recorded head one of the chain's entries? */
static int check_expected_head(struct db *db, const char *expected, int64_t entries,
			       struct db_audit_verdict *v)
{
	int64_t id = entry_with_hash(db, expected, 0);
	if (id > 0 && strlen(expected) == 64) {
		snprintf(v->message, sizeof v->message,
			 "audit chain intact: %" PRId64 " entries; the recorded head is entry #%" PRId64
			 ", %" PRId64 " entries since", entries, id, entries - id);
		return 1;
	}
	verdict_set(v, DB_AUDIT_NOT_EXTENDED, 0);
	snprintf(v->message, sizeof v->message,
		 "the recorded head %.64s is not an entry of the chain: the audit log was rewritten "
		 "(or the value is not a head this registry printed)", expected);
	return 0;
}

/* Walking the chain: each entry must follow the one before. */
struct walk {
	struct db *db;
	struct db_audit_verdict *v;
	int64_t expected_id;
	char prev[65];
};

static int walk_entry(sqlite3_stmt *st, void *ctx)
{
	struct walk *w = ctx;
	struct db_audit_entry e;
	db_audit_fill_entry(st, &e);
	int bad = check_entry(w->db, &e, w->expected_id, w->prev, w->v);
	memcpy(w->prev, e.hash, sizeof w->prev);
	db_audit_free_entry(&e);
	if (bad)
		return 1;
	w->v->entries++;
	w->expected_id++;
	return 0;
}

int db_audit_verify(struct db *db, struct db_audit_verdict *v, char *err, size_t errlen)
{
	return db_audit_verify_head(db, NULL, v, err, errlen);
}

int db_audit_verify_head(struct db *db, const char *expected_head, struct db_audit_verdict *v,
			 char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	snprintf(v->head_hash, sizeof v->head_hash, "%s", GENESIS);
	if (db_begin_read(db, err, errlen))
		return -1;
	struct walk w = {.db = db, .v = v, .expected_id = 1};
	memcpy(w.prev, GENESIS, sizeof w.prev);
	int result = db_stmt_each(db, "cannot read the audit log", "SELECT id, at, actor, action, object, detail, "
				  "prev_hash, hash FROM audit ORDER BY id", DB_NO_ARGS, walk_entry, &w, err, errlen);
	if (result > 0)   /* the walk stopped at a break, the verdict says which */
		result = 0;
	else if (result == 0 && v->kind == DB_AUDIT_INTACT)
		result = check_head(db, w.expected_id - 1, w.prev, v, err, errlen);
	if (result == 0 && v->kind == DB_AUDIT_INTACT)
		result = check_triggers(db, v, err, errlen);
	if (result == 0 && v->kind == DB_AUDIT_INTACT) {
		memcpy(v->head_hash, w.prev, sizeof w.prev);
		if (!expected_head || !check_expected_head(db, expected_head, v->entries, v))
			if (v->kind == DB_AUDIT_INTACT)
				snprintf(v->message, sizeof v->message,
					 "audit chain intact: %" PRId64 " entries, head %s", v->entries, w.prev);
	}
	db_rollback(db);
	return result;
}

int db_audit_list(struct db *db, int64_t after_id, size_t limit, struct db_audit_entry **out,
		  size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot list the audit log", "SELECT id, at, actor, action, object, detail, "
				 "prev_hash, hash FROM audit WHERE id > ? ORDER BY id LIMIT ?",
				 DB_ARGS(db_arg_int(after_id), db_arg_int(limit ? (int64_t)limit : -1)), sizeof **out,
				 db_audit_fill_entry, db_audit_free_entry, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

void db_audit_entries_free(struct db_audit_entry *entries, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_audit_free_entry(&entries[i]);
	free(entries);
}
