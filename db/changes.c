/* The four-eyes change flow: propose, approve (and apply), reject. */
#include "db/changes.h"

#include "common/rfc3339.h"
#include "db/certs.h"
#include "db/db_internal.h"
#include "db/publication.h"
#include "db/stmt.h"
#include "db/text.h"
#include "db/users.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int apply_pause_ms;

void db_test_set_apply_pause_ms(int ms)
{
	apply_pause_ms = ms > 0 ? ms : 0;
}

static void test_pause(void)
{
	if (apply_pause_ms) {
		struct timespec ts = {apply_pause_ms / 1000, (long)(apply_pause_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* The service a change is about: its TSP, kind and last timeline entry. */
struct service_state {
	int64_t tsp_id;
	enum db_tsp_kind kind;
	enum db_status last_status;
	int64_t last_effective;
	int retired;
};

static int service_state_from_row(sqlite3_stmt *st, void *ctx)
{
	struct service_state *s = ctx;
	s->tsp_id = sqlite3_column_int64(st, 0);
	s->kind = (enum db_tsp_kind)sqlite3_column_int(st, 1);
	s->last_status = (enum db_status)sqlite3_column_int(st, 2);
	s->last_effective = sqlite3_column_int64(st, 3);
	s->retired = sqlite3_column_int(st, 4);
	return 0;
}

static int load_service(struct db *db, int64_t service_id, struct service_state *s, char *err, size_t errlen)
{
	int rc = db_stmt_one(db, "cannot read the service", "SELECT s.tsp_id, t.kind, s.status, s.status_since, "
			     "t.retired FROM service_now s JOIN tsp_now t ON t.id = s.tsp_id WHERE s.id = ?",
			     DB_ARGS(db_arg_int(service_id)), service_state_from_row, s, err, errlen);
	if (rc == 1)
		return db_msg(1, err, errlen, "no service with id %" PRId64, service_id);
	/* a retired TSP is in no list: nothing about it changes any more */
	if (rc == 0 && s->retired)
		return db_msg(1, err, errlen, "service %" PRId64 " belongs to TSP %" PRId64 ", which is retired: its "
			      "status no longer changes", service_id, s->tsp_id);
	return rc;
}

/* Is `to` at `effective` a legal next entry of the service's timeline? */
static int check_transition(const struct service_state *s, int64_t service_id, enum db_status to,
			    int64_t effective, char *err, size_t errlen)
{
	if (!db_status_transition_allowed(s->kind, s->last_status, to)) {
		if (s->last_status == DB_STATUS_WITHDRAWN)
			return db_msg(1, err, errlen, "service %" PRId64 " is withdrawn: only a reinstatement (%s) may "
				      "follow withdrawn", service_id, db_status_name(db_initial_status(s->kind)));
		return db_msg(1, err, errlen, "illegal transition for a %s certificate: %s -> %s (service %" PRId64 ")",
			      db_tsp_kind_name(s->kind), db_status_name(s->last_status), db_status_name(to), service_id);
	}
	if (effective < s->last_effective) {
		char t1[32], t2[32];
		return db_msg(1, err, errlen, "effective time %s precedes the service's last status entry (%s): "
			      "the timeline only grows forward", rfc3339_format(effective, t1),
			      rfc3339_format(s->last_effective, t2));
	}
	return 0;
}

static int audit_change(struct db *db, const char *actor, const char *action, int64_t id, json_t *detail,
			char *err, size_t errlen)
{
	char object[40];
	snprintf(object, sizeof object, "change:%" PRId64, id);
	return db_audit_append_json(db, actor, action, object, detail, err, errlen);
}

static int insert_proposal(struct db *db, const struct db_change_input *in, int64_t effective, int64_t user_id,
			   int64_t *id, char *err, size_t errlen)
{
	return db_stmt_insert(db, "cannot record the proposal",
			      "INSERT INTO change_request (service_id, new_status, effective, reason, decision_ref, "
			      "proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			      DB_ARGS(db_arg_int(in->service_id), db_arg_int(in->new_status), db_arg_int(effective),
				      db_arg_text(in->reason), db_arg_text(in->decision_ref), db_arg_int(user_id),
				      db_arg_int(db_now())),
			      id, err, errlen);
}

/* 0, 2 when provider `u` already has `max_pending` proposals waiting, -1. */
static int check_pending_limit(struct db *db, const struct db_user *u, unsigned max_pending, char *err,
			       size_t errlen)
{
	if (!max_pending || !(u->roles & DB_ROLE_PROVIDER))
		return 0;
	int64_t pending = 0;
	if (db_stmt_int64(db, "cannot count pending proposals",
			  "SELECT count(*) FROM change_request WHERE proposed_by = ? AND state = 'pending'",
			  DB_ARGS(db_arg_int(u->id)), &pending, err, errlen))
		return -1;   /* count(*) always has its row */
	if (pending >= (int64_t)max_pending)
		return db_msg(2, err, errlen, "provider '%s' already has %" PRId64 " proposals waiting for review "
			      "(at most %u); wait until staff have decided some", u->name, pending, max_pending);
	return 0;
}

static int propose_in_tx(struct db *db, const char *actor, const struct db_change_input *in, int64_t effective,
			 unsigned max_pending, int64_t *id, char *err, size_t errlen)
{
	struct db_user u;
	struct service_state s;
	int rc = db_user_require(db, actor, DB_ROLE_OFFICER | DB_ROLE_PROVIDER, &u, err, errlen);
	if (rc || (rc = check_pending_limit(db, &u, max_pending, err, errlen)))
		return rc;
	rc = load_service(db, in->service_id, &s, err, errlen);
	/* A provider learns nothing of other providers: another TSP's service
	 * and a service that does not exist get the same answer. */
	if (!(u.roles & DB_ROLE_OFFICER) && rc >= 0 && (rc == 1 || s.tsp_id != u.tsp_id))
		return db_msg(1, err, errlen, "service %" PRId64 " is not a service of your TSP (%" PRId64 "): "
			      "provider '%s' may only propose changes for its own TSP's certificates",
			      in->service_id, u.tsp_id, actor);
	if (rc)
		return rc;
	/* 0: the change takes effect when it is approved (checked as of now). */
	if ((rc = check_transition(&s, in->service_id, in->new_status, effective ? effective : db_now(),
				   err, errlen)) ||
	    (rc = insert_proposal(db, in, effective, u.id, id, err, errlen)))
		return rc;
	return audit_change(db, actor, "change.propose", *id,
			    json_pack("{sI ss ss so ss ss}", "service", (json_int_t)in->service_id,
				      "from", db_status_name(s.last_status), "to", db_status_name(in->new_status),
				      "effective", effective ? json_integer(effective) : json_string("on approval"),
				      "reason", in->reason, "decision_ref", in->decision_ref), err, errlen);
}

int db_change_propose(struct db *db, const char *actor, const struct db_change_input *in, int64_t *id,
		      char *err, size_t errlen)
{
	return db_change_propose_limited(db, actor, in, 0, id, err, errlen);
}

int db_change_propose_limited(struct db *db, const char *actor, const struct db_change_input *in,
			      unsigned max_pending, int64_t *id, char *err, size_t errlen)
{
	if (!in->reason || !*in->reason)
		return db_msg(1, err, errlen, "a change needs a reason (--reason TEXT)");
	if (!in->decision_ref || !*in->decision_ref)
		return db_msg(1, err, errlen, "a change needs the reference of the legal decision (--decision REF)");
	if (db_text_check("reason (--reason)", in->reason, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen) ||
	    db_text_check("decision_ref (--decision)", in->decision_ref, DB_TEXT_REF_MAX, 0, err, errlen))
		return 1;
	if (in->new_status < DB_STATUS_GRANTED || in->new_status > DB_STATUS_SUSPENDED)
		return db_msg(1, err, errlen, "unknown status");
	if (db_begin_write(db, err, errlen))
		return -1;
	int rc = propose_in_tx(db, actor, in, in->effective, max_pending, id, err, errlen);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

struct pending {
	int64_t service_id;
	enum db_status new_status;
	int64_t effective;
	int64_t proposed_by;
	char *reason, *decision_ref;
};

struct pending_row {
	struct pending *p;
	char state[16];
};

static int pending_from_row(sqlite3_stmt *st, void *ctx)
{
	struct pending_row *r = ctx;
	snprintf(r->state, sizeof r->state, "%s", (const char *)sqlite3_column_text(st, 6));
	r->p->service_id = sqlite3_column_int64(st, 0);
	r->p->new_status = (enum db_status)sqlite3_column_int(st, 1);
	r->p->effective = sqlite3_column_int64(st, 2);
	r->p->proposed_by = sqlite3_column_int64(st, 3);
	r->p->reason = db_column_strdup(st, 4);
	r->p->decision_ref = db_column_strdup(st, 5);
	return 0;
}

static int load_pending(struct db *db, int64_t id, struct pending *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	struct pending_row r = {.p = p};
	int rc = db_stmt_one(db, "cannot read the change", "SELECT service_id, new_status, effective, proposed_by, "
			     "reason, decision_ref, state FROM change_request WHERE id = ?", DB_ARGS(db_arg_int(id)),
			     pending_from_row, &r, err, errlen);
	if (rc == 1)
		return db_msg(1, err, errlen, "no change with id %" PRId64, id);
	if (rc == 0 && strcmp(r.state, "pending") != 0)
		return db_msg(1, err, errlen, "change %" PRId64 " is already %s", id, r.state);
	return rc;
}

static int decide(struct db *db, int64_t id, const char *state, int64_t user_id, const char *note,
		  char *err, size_t errlen)
{
	if (db_stmt_exec(db, "cannot record the decision",
			 "UPDATE change_request SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? "
			 "WHERE id = ? AND state = 'pending'",
			 DB_ARGS(db_arg_text(state), db_arg_int(user_id), db_arg_int(db_now()),
				 db_arg_text(note ? note : ""), db_arg_int(id)), err, errlen))
		return -1;
	return sqlite3_changes(db->h) == 1 ? 0 : db_msg(1, err, errlen, "change %" PRId64 " is no longer pending", id);
}

static int apply_status(struct db *db, int64_t id, const struct pending *p, int64_t *status_id,
			char *err, size_t errlen)
{
	if (db_stmt_insert(db, "cannot record the status",
			   "INSERT INTO status_history (service_id, status, effective, reason, decision_ref, "
			   "change_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			   DB_ARGS(db_arg_int(p->service_id), db_arg_int(p->new_status), db_arg_int(p->effective),
				   db_arg_text(p->reason), db_arg_text(p->decision_ref), db_arg_int(id),
				   db_arg_int(db_now())),
			   status_id, err, errlen))
		return -1;
	test_pause();
	return db_stmt_exec(db, "cannot update the service",
			    "UPDATE service SET status = ?, status_since = ? WHERE id = ?",
			    DB_ARGS(db_arg_int(p->new_status), db_arg_int(p->effective), db_arg_int(p->service_id)),
			    err, errlen);
}

static int four_eyes(struct db *db, const char *actor, int64_t id, struct db_user *u, struct pending *p,
		     char *err, size_t errlen)
{
	int rc = db_user_require(db, actor, DB_ROLE_APPROVER, u, err, errlen);
	if (rc || (rc = load_pending(db, id, p, err, errlen)))
		return rc;
	char object[40];
	snprintf(object, sizeof object, "change:%" PRId64, id);
	if (p->proposed_by == u->id)
		return db_refusal(db, actor, "four-eyes", object,
				  db_msg(1, err, errlen, "four eyes: '%s' proposed change %" PRId64 " and may not "
					 "decide on it; another approver must", actor, id), err);
	return 0;
}

/* A change dated before the last list that names its service was issued
 * would make the next list say the status applied at a moment when an
 * already published list said otherwise: only an approver who says so,
 * with a reason, may rewrite what was published. */
static int check_not_retroactive(struct db *db, int64_t id, const struct service_state *s,
				 const struct pending *p, const char *retroactive, char *err, size_t errlen)
{
	const char *list = s->kind == DB_TSP_FOREIGN ? "foreign" : "roots";
	struct db_publication last;
	int found = db_publication_last(db, list, &last);
	if (found < 0)
		return db_sql_error(db, "cannot read the last publication", err, errlen);
	if (found != 0 || p->effective >= last.issued || retroactive)
		return 0;
	char t1[32], t2[32];
	return db_msg(1, err, errlen, "change %" PRId64 " takes effect at %s, before the %s list already "
		      "published at %s (sequence %" PRId64 "), which said otherwise: approve it as retroactive "
		      "with a reason (--retroactive REASON) if the decision really applies from then",
		      id, rfc3339_format(p->effective, t1), list, rfc3339_format(last.issued, t2), last.sequence);
}

static int approve_in_tx(struct db *db, const char *actor, int64_t id, const char *note,
			 const char *retroactive, struct pending *p, char *err, size_t errlen)
{
	struct db_user u;
	struct service_state s;
	int rc = four_eyes(db, actor, id, &u, p, err, errlen);
	if (rc || (rc = load_service(db, p->service_id, &s, err, errlen)))
		return rc;
	int on_approval = p->effective == 0;
	if (on_approval)
		p->effective = db_now();
	else if ((rc = check_not_retroactive(db, id, &s, p, retroactive, err, errlen)))
		return rc;
	if ((rc = check_transition(&s, p->service_id, p->new_status, p->effective, err, errlen)))
		return rc;
	if ((rc = decide(db, id, "applied", u.id, note, err, errlen)))
		return rc;
	test_pause();
	int64_t status_id = 0;
	if ((rc = apply_status(db, id, p, &status_id, err, errlen)))
		return rc;
	test_pause();
	json_t *rows = json_object();
	json_t *detail = json_pack("{sI ss ss sI ss ss ss sO}", "service", (json_int_t)p->service_id,
				   "from", db_status_name(s.last_status), "to", db_status_name(p->new_status),
				   "effective", (json_int_t)p->effective, "reason", p->reason,
				   "decision_ref", p->decision_ref, "note", note ? note : "", "rows", rows);
	if (detail && on_approval)
		json_object_set_new(detail, "effective_on_approval", json_true());
	if (detail && retroactive && !on_approval)
		json_object_set_new(detail, "retroactive", json_string(retroactive));
	rc = detail ? db_seal_status(db, status_id, rows, err, errlen) : db_msg(-1, err, errlen, "out of memory");
	json_decref(rows);
	if (rc) {
		json_decref(detail);
		return rc;
	}
	return audit_change(db, actor, "change.apply", id, detail, err, errlen);
}

int db_change_approve(struct db *db, const char *actor, int64_t id, const char *note, char *err, size_t errlen)
{
	return db_change_approve_retroactive(db, actor, id, note, NULL, err, errlen);
}

int db_change_approve_retroactive(struct db *db, const char *actor, int64_t id, const char *note,
				  const char *retroactive, char *err, size_t errlen)
{
	if (db_text_check("note (--note)", note, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen) ||
	    db_text_check("retroactive (--retroactive)", retroactive, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err,
			  errlen))
		return 1;
	if (retroactive && !*retroactive)
		return db_msg(1, err, errlen, "a retroactive approval needs its reason (--retroactive REASON)");
	struct pending p = {0};
	if (db_begin_write(db, err, errlen))
		return -1;
	int rc = approve_in_tx(db, actor, id, note, retroactive, &p, err, errlen);
	free(p.reason);
	free(p.decision_ref);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

int db_change_reject(struct db *db, const char *actor, int64_t id, const char *note, char *err, size_t errlen)
{
	if (!note || !*note)
		return db_msg(1, err, errlen, "a rejection needs a note saying why (--note TEXT)");
	if (db_text_check("note (--note)", note, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen))
		return 1;
	struct pending p = {0};
	struct db_user u;
	if (db_begin_write(db, err, errlen))
		return -1;
	int rc = four_eyes(db, actor, id, &u, &p, err, errlen);
	if (rc == 0)
		rc = decide(db, id, "rejected", u.id, note, err, errlen);
	if (rc == 0)
		rc = audit_change(db, actor, "change.reject", id,
				  json_pack("{sI ss}", "service", (json_int_t)p.service_id, "note", note), err, errlen);
	free(p.reason);
	free(p.decision_ref);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

static const char *const state_names[] = {"pending", "applied", "rejected"};

const char *db_change_state_name(enum db_change_state s)
{
	return s <= DB_CHANGE_REJECTED ? state_names[s] : "unknown";
}

int db_change_state_parse(const char *text, enum db_change_state *out)
{
	for (int i = 0; i <= DB_CHANGE_REJECTED; i++)
		if (text && strcmp(text, state_names[i]) == 0) {
			*out = (enum db_change_state)i;
			return 0;
		}
	return 1;
}

#define CHANGE_COLUMNS \
	"SELECT r.id, r.service_id, s.tsp_id, c.sha256, s.name_en, r.new_status, r.effective, r.reason, " \
	"r.decision_ref, p.name, r.proposed_at, r.state, d.name, r.decided_at, r.decision_note " \
	"FROM change_request r JOIN service_now s ON s.id = r.service_id JOIN cert c ON c.id = s.cert_id " \
	"JOIN account p ON p.id = r.proposed_by LEFT JOIN account d ON d.id = r.decided_by "

static int fill_change(sqlite3_stmt *st, void *elem)
{
	struct db_change *c = elem;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->service_id = sqlite3_column_int64(st, 1);
	c->tsp_id = sqlite3_column_int64(st, 2);
	snprintf(c->cert_sha256, sizeof c->cert_sha256, "%s", (const char *)sqlite3_column_text(st, 3));
	c->service_name = db_column_strdup(st, 4);
	c->new_status = (enum db_status)sqlite3_column_int(st, 5);
	c->effective = sqlite3_column_int64(st, 6);
	c->reason = db_column_strdup(st, 7);
	c->decision_ref = db_column_strdup(st, 8);
	c->proposed_by = db_column_strdup(st, 9);
	c->proposed_at = sqlite3_column_int64(st, 10);
	db_change_state_parse((const char *)sqlite3_column_text(st, 11), &c->state);
	c->decided_by = db_column_strdup_or_null(st, 12);
	c->decided_at = sqlite3_column_int64(st, 13);
	c->decision_note = db_column_strdup_or_null(st, 14);
	return 0;
}

static void clear_change(void *elem)
{
	db_change_clear(elem);
}

void db_change_clear(struct db_change *c)
{
	free(c->service_name);
	free(c->reason);
	free(c->decision_ref);
	free(c->proposed_by);
	free(c->decided_by);
	free(c->decision_note);
	memset(c, 0, sizeof *c);
}

void db_changes_free(struct db_change *c, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_change_clear(&c[i]);
	free(c);
}

int db_change_get(struct db *db, int64_t id, struct db_change *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = db_stmt_one(db, "cannot read the change", CHANGE_COLUMNS "WHERE r.id = ?", DB_ARGS(db_arg_int(id)),
			     fill_change, out, err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "no change with id %" PRId64, id) : rc;
}

int db_change_list(struct db *db, int state, int64_t provider_tsp, struct db_change **out, size_t *count,
		   char *err, size_t errlen)
{
	return db_change_list_page(db, state, provider_tsp, 0, 0, out, count, err, errlen);
}

int db_change_list_page(struct db *db, int state, int64_t provider_tsp, int64_t after_id, size_t limit,
			struct db_change **out, size_t *count, char *err, size_t errlen)
{
	/* a NULL state matches every state */
	const char *state_name = state >= 0 ? db_change_state_name((enum db_change_state)state) : NULL;
	void *rows;
	int rc = db_stmt_collect(db, "cannot list changes",
				 CHANGE_COLUMNS "WHERE (?1 IS NULL OR r.state = ?1) AND (?2 = 0 OR s.tsp_id = ?2) "
				 "AND r.id > ?3 ORDER BY r.id LIMIT ?4",
				 DB_ARGS(db_arg_text(state_name), db_arg_int(provider_tsp), db_arg_int(after_id),
					 db_arg_int(limit ? (int64_t)limit : -1)),
				 sizeof **out, fill_change, clear_change, &rows, count, err, errlen);
	*out = rows;
	return rc;
}
