/* Searches for the staff console (see search.h), each one statement. */
#include "db/search.h"

#include "db/db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `text` as a LIKE pattern matching it anywhere ('%' and '_' taken
 * literally, escaped with '\'), or as a prefix when `prefix`. */
static char *like_pattern(const char *text, int prefix)
{
	size_t n = strlen(text);
	char *p = malloc(2 * n + 3), *o = p;
	if (!p)
		return NULL;
	if (!prefix)
		*o++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			*o++ = '\\';
		*o++ = text[i];
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
	if (text && *text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* ---- certificates ---- */

/* ?1 now, ?2 text, ?3 LIKE anywhere, ?4 LIKE prefix (4+ characters), ?5
 * country, ?6 status. The status in force now is computed as db_cert_show
 * does; a hit needs every filter given. */
#define CERT_MATCH \
	"FROM (SELECT s.id AS id, s.tsp_id AS tsp_id, c.sha256 AS sha256, c.subject AS subject, " \
	"  s.name_vi AS name_vi, s.name_en AS name_en, t.name_vi AS tsp_vi, t.name_en AS tsp_en, " \
	"  t.country AS country, " \
	"  (SELECT h.status FROM status_history h WHERE h.service_id = s.id AND h.effective <= ?1 " \
	"   ORDER BY h.effective DESC, h.id DESC LIMIT 1) AS status " \
	"  FROM service_now s JOIN cert c ON c.id = s.cert_id JOIN tsp_now t ON t.id = s.tsp_id) " \
	"WHERE (?5 IS NULL OR upper(country) = upper(?5)) AND (?6 = 0 OR status = ?6) " \
	"AND (?2 IS NULL OR CAST(id AS TEXT) = ?2 OR (?4 IS NOT NULL AND sha256 LIKE ?4 ESCAPE '\\') " \
	"  OR subject LIKE ?3 ESCAPE '\\' OR name_vi LIKE ?3 ESCAPE '\\' OR name_en LIKE ?3 ESCAPE '\\' " \
	"  OR tsp_vi LIKE ?3 ESCAPE '\\' OR tsp_en LIKE ?3 ESCAPE '\\') "

static int bind_cert_query(sqlite3_stmt *st, const struct db_cert_query *q)
{
	const char *text = q->text && *q->text ? q->text : NULL;
	char *anywhere = text ? like_pattern(text, 0) : NULL;
	char *prefix = text && strlen(text) >= 4 ? like_pattern(text, 1) : NULL;
	int ok = !text || (anywhere && (strlen(text) < 4 || prefix));
	sqlite3_bind_int64(st, 1, db_now());
	bind_text_or_null(st, 2, text);
	bind_text_or_null(st, 3, anywhere);
	bind_text_or_null(st, 4, prefix);
	bind_text_or_null(st, 5, q->country);
	sqlite3_bind_int(st, 6, q->status);
	free(anywhere);
	free(prefix);
	return ok ? 0 : -1;
}

static int count_hits(struct db *db, const struct db_cert_query *q, size_t *total, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT count(*) " CERT_MATCH, &st, err, errlen))
		return -1;
	int rc = bind_cert_query(st, q) == 0 ? sqlite3_step(st) : SQLITE_NOMEM;
	if (rc == SQLITE_ROW)
		*total = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_sql_error(db, "cannot search the certificates", err, errlen);
}

static void fill_hit(sqlite3_stmt *st, struct db_cert_hit *h)
{
	memset(h, 0, sizeof *h);
	h->service_id = sqlite3_column_int64(st, 0);
	h->tsp_id = sqlite3_column_int64(st, 1);
	snprintf(h->sha256, sizeof h->sha256, "%s", (const char *)sqlite3_column_text(st, 2));
	h->subject = db_column_strdup(st, 3);
	h->service_name_en = db_column_strdup(st, 4);
	h->tsp_name_vi = db_column_strdup(st, 5);
	h->tsp_name_en = db_column_strdup(st, 6);
	snprintf(h->country, sizeof h->country, "%s", (const char *)sqlite3_column_text(st, 7));
	h->status_now = (enum db_status)sqlite3_column_int(st, 8);
	h->service_name_vi = db_column_strdup(st, 9);
}

int db_cert_search(struct db *db, const struct db_cert_query *q, struct db_cert_hit **out, size_t *count,
		   size_t *total, char *err, size_t errlen)
{
	*out = NULL;
	*count = 0;
	*total = 0;
	if (count_hits(db, q, total, err, errlen))
		return -1;
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT id, tsp_id, sha256, subject, name_en, tsp_vi, tsp_en, country, status, name_vi "
			   CERT_MATCH "ORDER BY id LIMIT ?7", &st, err, errlen))
		return -1;
	int rc = bind_cert_query(st, q) == 0 ? SQLITE_ROW : SQLITE_NOMEM;
	sqlite3_bind_int64(st, 7, q->limit ? (int64_t)q->limit : -1);
	size_t cap = 0;
	while (rc == SQLITE_ROW && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_cert_hit *grown = db_array_grow(*out, &cap, *count, sizeof *grown);
		if (!grown) {
			rc = SQLITE_NOMEM;
			break;
		}
		*out = grown;
		fill_hit(st, &(*out)[(*count)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_cert_hits_free(*out, *count);
		*out = NULL;
		*count = 0;
		return db_sql_error(db, "cannot search the certificates", err, errlen);
	}
	return 0;
}

void db_cert_hits_free(struct db_cert_hit *hits, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(hits[i].subject);
		free(hits[i].service_name_vi);
		free(hits[i].service_name_en);
		free(hits[i].tsp_name_vi);
		free(hits[i].tsp_name_en);
	}
	free(hits);
}

/* ---- audit ---- */

int db_audit_search(struct db *db, const struct db_audit_query *q, struct db_audit_entry **out, size_t *count,
		    char *err, size_t errlen)
{
	*out = NULL;
	*count = 0;
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit "
			   "WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR substr(action, 1, length(?2)) = ?2) "
			   "AND (?3 = 0 OR at >= ?3) AND (?4 = 0 OR at < ?4) ORDER BY id DESC LIMIT ?5",
			   &st, err, errlen))
		return -1;
	bind_text_or_null(st, 1, q->actor);
	bind_text_or_null(st, 2, q->action);
	sqlite3_bind_int64(st, 3, q->from);
	sqlite3_bind_int64(st, 4, q->to);
	sqlite3_bind_int64(st, 5, q->limit ? (int64_t)q->limit : -1);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_audit_entry *grown = db_array_grow(*out, &cap, *count, sizeof *grown);
		if (!grown) {
			rc = SQLITE_NOMEM;
			break;
		}
		*out = grown;
		struct db_audit_entry *e = &(*out)[(*count)++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->actor = db_column_strdup(st, 2);
		e->action = db_column_strdup(st, 3);
		e->object = db_column_strdup(st, 4);
		e->detail = db_column_strdup(st, 5);
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", (const char *)sqlite3_column_text(st, 6));
		snprintf(e->hash, sizeof e->hash, "%s", (const char *)sqlite3_column_text(st, 7));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_audit_entries_free(*out, *count);
		*out = NULL;
		*count = 0;
		return db_sql_error(db, "cannot search the audit log", err, errlen);
	}
	return 0;
}

/* ---- where a certificate was published ---- */

static int service_exists(struct db *db, int64_t service_id, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT 1 FROM service WHERE id = ?", &st, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, service_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? db_msg(1, err, errlen, "no service with id %lld", (long long)service_id)
				 : db_sql_error(db, "cannot read the service", err, errlen);
}

/* A publication held the service when its snapshot held one of the
 * service's status entries (a service is imported with its first); the
 * list is the one of its TSP's kind; a retired TSP left the lists. */
int db_cert_appearances(struct db *db, int64_t service_id, struct db_appearance **out, size_t *count, char *err,
			size_t errlen)
{
	*out = NULL;
	*count = 0;
	int rc = service_exists(db, service_id, err, errlen);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT list, sequence, issued, entry, "
			   "  (SELECT status FROM status_history WHERE id = entry) FROM (SELECT p.list AS list, "
			   "  p.sequence AS sequence, p.issued AS issued, "
			   "  (SELECT h.id FROM status_history h WHERE h.service_id = s.id AND h.id <= p.status_upto "
			   "   AND h.effective <= p.issued ORDER BY h.effective DESC, h.id DESC LIMIT 1) AS entry "
			   "FROM service_now s JOIN tsp t ON t.id = s.tsp_id JOIN publication p "
			   "  ON p.list = CASE WHEN t.kind = 4 THEN 'foreign' ELSE 'roots' END "
			   "WHERE s.id = ?1 "
			   "AND p.status_upto >= (SELECT min(h.id) FROM status_history h WHERE h.service_id = s.id) "
			   "AND NOT EXISTS (SELECT 1 FROM tsp_version v WHERE v.tsp_id = s.tsp_id AND v.retired = 1 "
			   "  AND v.recorded_at <= p.issued) "
			   ") ORDER BY sequence", &st, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, service_id);
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_appearance *grown = db_array_grow(*out, &cap, *count, sizeof *grown);
		if (!grown) {
			rc = SQLITE_NOMEM;
			break;
		}
		*out = grown;
		struct db_appearance *a = &(*out)[(*count)++];
		memset(a, 0, sizeof *a);
		snprintf(a->list, sizeof a->list, "%s", (const char *)sqlite3_column_text(st, 0));
		a->sequence = sqlite3_column_int64(st, 1);
		a->issued = sqlite3_column_int64(st, 2);
		a->status_entry = sqlite3_column_int64(st, 3);
		a->status = (enum db_status)sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*count = 0;
		return db_sql_error(db, "cannot read the publications", err, errlen);
	}
	return 0;
}

/* ---- the decisions behind a timeline ---- */

int db_cert_decisions(struct db *db, int64_t service_id, struct db_decision **out, size_t *count, char *err,
		      size_t errlen)
{
	*out = NULL;
	*count = 0;
	int rc = service_exists(db, service_id, err, errlen);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	if (db_prepare(db, "SELECT h.id, h.status, h.effective, h.recorded_at, h.decision_ref, h.reason, "
			   "  coalesce(h.change_id, 0), p.name, c.proposed_at, d.name, c.decided_at, c.decision_note "
			   "FROM status_history h LEFT JOIN change_request c ON c.id = h.change_id "
			   "LEFT JOIN account p ON p.id = c.proposed_by LEFT JOIN account d ON d.id = c.decided_by "
			   "WHERE h.service_id = ? ORDER BY h.effective, h.id", &st, err, errlen))
		return -1;
	sqlite3_bind_int64(st, 1, service_id);
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_decision *grown = db_array_grow(*out, &cap, *count, sizeof *grown);
		if (!grown) {
			rc = SQLITE_NOMEM;
			break;
		}
		*out = grown;
		struct db_decision *d = &(*out)[(*count)++];
		memset(d, 0, sizeof *d);
		d->entry_id = sqlite3_column_int64(st, 0);
		d->status = (enum db_status)sqlite3_column_int(st, 1);
		d->effective = sqlite3_column_int64(st, 2);
		d->recorded_at = sqlite3_column_int64(st, 3);
		d->decision_ref = db_column_strdup(st, 4);
		d->reason = db_column_strdup(st, 5);
		d->change_id = sqlite3_column_int64(st, 6);
		d->proposed_by = db_column_strdup(st, 7);
		d->proposed_at = sqlite3_column_int64(st, 8);
		d->decided_by = db_column_strdup(st, 9);
		d->decided_at = sqlite3_column_int64(st, 10);
		d->note = db_column_strdup(st, 11);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_decisions_free(*out, *count);
		*out = NULL;
		*count = 0;
		return db_sql_error(db, "cannot read the status entries", err, errlen);
	}
	return 0;
}

void db_decisions_free(struct db_decision *d, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(d[i].decision_ref);
		free(d[i].reason);
		free(d[i].proposed_by);
		free(d[i].decided_by);
		free(d[i].note);
	}
	free(d);
}
