/* Searches for the staff console (see search.h), each one statement. */
#include "db/search.h"

#include "db/db_internal.h"
#include "db/stmt.h"

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

/* The LIKE patterns of a query (freed by the caller); -1 when out of memory. */
struct cert_patterns {
	const char *text;
	char *anywhere, *prefix;
};

static int make_patterns(const struct db_cert_query *q, struct cert_patterns *p)
{
	p->text = q->text && *q->text ? q->text : NULL;
	p->anywhere = p->text ? like_pattern(p->text, 0) : NULL;
	p->prefix = p->text && strlen(p->text) >= 4 ? like_pattern(p->text, 1) : NULL;
	return !p->text || (p->anywhere && (strlen(p->text) < 4 || p->prefix)) ? 0 : -1;
}

/* ?1 to ?6 of CERT_MATCH */
#define CERT_FILTER(q, p) \
	db_arg_int(db_now()), db_arg_text_or_null((p).text), db_arg_text_or_null((p).anywhere), \
		db_arg_text_or_null((p).prefix), db_arg_text_or_null((q)->country), db_arg_int((q)->status)

static void db_cert_hits_free_fields(struct db_cert_hit *h)
{
	free(h->subject);
	free(h->service_name_vi);
	free(h->service_name_en);
	free(h->tsp_name_vi);
	free(h->tsp_name_en);
}

static int fill_hit(sqlite3_stmt *st, void *elem)
{
	struct db_cert_hit *h = elem;
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
	return 0;
}

static void clear_hit(void *elem)
{
	db_cert_hits_free_fields(elem);
}

int db_cert_search(struct db *db, const struct db_cert_query *q, struct db_cert_hit **out, size_t *count,
		   size_t *total, char *err, size_t errlen)
{
	*out = NULL;
	*count = 0;
	*total = 0;
	struct cert_patterns p;
	int rc = make_patterns(q, &p) == 0 ? 0 : db_msg(-1, err, errlen, "out of memory");
	int64_t hits = 0;
	if (rc == 0)
		rc = db_stmt_int64(db, "cannot search the certificates", "SELECT count(*) " CERT_MATCH,
				   DB_ARGS(CERT_FILTER(q, p)), &hits, err, errlen);
	if (rc == 0) {
		*total = (size_t)hits;
		void *rows = NULL;
		rc = db_stmt_collect(db, "cannot search the certificates",
				     "SELECT id, tsp_id, sha256, subject, name_en, tsp_vi, tsp_en, country, status, "
				     "name_vi " CERT_MATCH "ORDER BY id LIMIT ?7",
				     DB_ARGS(CERT_FILTER(q, p), db_arg_int(q->limit ? (int64_t)q->limit : -1)),
				     sizeof **out, fill_hit,
				     clear_hit, &rows, count, err, errlen);
		*out = rows;
	}
	free(p.anywhere);
	free(p.prefix);
	return rc == 1 ? -1 : rc;
}

void db_cert_hits_free(struct db_cert_hit *hits, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_cert_hits_free_fields(&hits[i]);
	free(hits);
}

/* ---- audit ---- */

int db_audit_search(struct db *db, const struct db_audit_query *q, struct db_audit_entry **out, size_t *count,
		    char *err, size_t errlen)
{
	void *rows = NULL;
	int rc = db_stmt_collect(db, "cannot search the audit log",
				 "SELECT id, at, actor, action, object, detail, prev_hash, hash FROM audit "
				 "WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR substr(action, 1, length(?2)) = ?2) "
				 "AND (?3 = 0 OR at >= ?3) AND (?4 = 0 OR at < ?4) ORDER BY id DESC LIMIT ?5",
				 DB_ARGS(db_arg_text_or_null(q->actor), db_arg_text_or_null(q->action),
					 db_arg_int(q->from), db_arg_int(q->to),
					 db_arg_int(q->limit ? (int64_t)q->limit : -1)),
				 sizeof **out, db_audit_fill_entry, db_audit_free_entry, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

/* ---- where a certificate was published ---- */

static int service_exists(struct db *db, int64_t service_id, char *err, size_t errlen)
{
	int64_t one;
	int rc = db_stmt_int64(db, "cannot read the service", "SELECT 1 FROM service WHERE id = ?",
			       DB_ARGS(db_arg_int(service_id)), &one, err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "no service with id %lld", (long long)service_id) : rc;
}

static int fill_appearance(sqlite3_stmt *st, void *elem)
{
	struct db_appearance *a = elem;
	snprintf(a->list, sizeof a->list, "%s", (const char *)sqlite3_column_text(st, 0));
	a->sequence = sqlite3_column_int64(st, 1);
	a->issued = sqlite3_column_int64(st, 2);
	a->status_entry = sqlite3_column_int64(st, 3);
	a->status = (enum db_status)sqlite3_column_int(st, 4);
	return 0;
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
	void *rows = NULL;
	rc = db_stmt_collect(db, "cannot read the publications", "SELECT list, sequence, issued, entry, "
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
			     ") ORDER BY sequence",
			     DB_ARGS(db_arg_int(service_id)), sizeof **out, fill_appearance, NULL, &rows, count,
			     err, errlen);
	*out = rows;
	return rc;
}

/* ---- the decisions behind a timeline ---- */

static int fill_decision(sqlite3_stmt *st, void *elem)
{
	struct db_decision *d = elem;
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
	return 0;
}

static void clear_decision(void *elem)
{
	struct db_decision *d = elem;
	free(d->decision_ref);
	free(d->reason);
	free(d->proposed_by);
	free(d->decided_by);
	free(d->note);
}

int db_cert_decisions(struct db *db, int64_t service_id, struct db_decision **out, size_t *count, char *err,
		      size_t errlen)
{
	*out = NULL;
	*count = 0;
	int rc = service_exists(db, service_id, err, errlen);
	if (rc)
		return rc;
	void *rows = NULL;
	rc = db_stmt_collect(db, "cannot read the status entries", "SELECT h.id, h.status, h.effective, h.recorded_at, h.decision_ref, h.reason, "
			   "  coalesce(h.change_id, 0), p.name, c.proposed_at, d.name, c.decided_at, c.decision_note "
			   "FROM status_history h LEFT JOIN change_request c ON c.id = h.change_id "
			   "LEFT JOIN account p ON p.id = c.proposed_by LEFT JOIN account d ON d.id = c.decided_by "
			   "WHERE h.service_id = ? ORDER BY h.effective, h.id",
			     DB_ARGS(db_arg_int(service_id)), sizeof **out, fill_decision, clear_decision, &rows,
			     count, err, errlen);
	*out = rows;
	return rc;
}

void db_decisions_free(struct db_decision *d, size_t count)
{
	for (size_t i = 0; i < count; i++)
		clear_decision(&d[i]);
	free(d);
}
