/* Refused attempts in the audit log: who tried what, and which rule said
 * no. The refused transaction is rolled back first; the entry is written in
 * a transaction of its own, so it changes nothing but the log. */
#include "db/db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only a name that looks like a user name is kept (never a secret pasted
 * into --as). */
static void safe_actor(const char *who, char out[80])
{
	size_t n = who ? strlen(who) : 0;
	if (n && n < 80 && strspn(who, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n)
		snprintf(out, 80, "%s", who);
	else
		snprintf(out, 80, "unknown");
}

static void write_entry(struct db *db, const struct db_refusal_note *r)
{
	json_t *detail = json_pack("{ss ss}", "rule", r->rule, "message", r->message);
	if (!detail)   /* a message that is not UTF-8: the rule alone */
		detail = json_pack("{ss}", "rule", r->rule);
	if (!detail || db_begin_write(db, NULL, 0)) {
		json_decref(detail);
		return;
	}
	if (db_audit_append_json(db, r->actor, "refused", r->object, detail, NULL, 0) || db_commit(db, NULL, 0))
		db_rollback(db);
}

int db_refusal(struct db *db, const char *actor, const char *rule, const char *object, int rc, const char *message)
{
	struct db_refusal_note *r = &db->refusal;
	safe_actor(actor, r->actor);
	snprintf(r->rule, sizeof r->rule, "%s", rule);
	snprintf(r->object, sizeof r->object, "%s", object);
	snprintf(r->message, sizeof r->message, "%s", message ? message : "");
	snprintf(r->last_rule, sizeof r->last_rule, "%s", rule);
	r->pending = 1;
	if (sqlite3_get_autocommit(db->h))
		db_refusal_flush(db);
	return rc;
}

const char *db_refusal_rule(struct db *db)
{
	return db && db->refusal.last_rule[0] ? db->refusal.last_rule : NULL;
}

void db_refusal_flush(struct db *db)
{
	if (!db->refusal.pending || !sqlite3_get_autocommit(db->h))
		return;
	struct db_refusal_note note = db->refusal;
	db->refusal.pending = 0;
	write_entry(db, &note);
}
