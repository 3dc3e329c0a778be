/* JSON forms of registry records (see json.h). */
#include "db/json.h"

#include "common/rfc3339.h"

#include <stdio.h>

/* An RFC 3339 string, or null for "no time" (0). */
static json_t *time_or_null(int64_t t)
{
	char text[32];
	return t ? json_string(rfc3339_format(t, text)) : json_null();
}

json_t *db_json_change(const struct db_change *c)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s?, s:s, s:o, s:s?, s:s?, s:s?, s:o, s:s, s:s?, s:o, s:s?}", "id",
			 (json_int_t)c->id, "service_id", (json_int_t)c->service_id, "tsp_id", (json_int_t)c->tsp_id,
			 "cert_sha256", c->cert_sha256, "service_name", c->service_name, "new_status",
			 db_status_name(c->new_status), "effective", time_or_null(c->effective), "reason", c->reason,
			 "decision_ref", c->decision_ref, "proposed_by", c->proposed_by, "proposed_at",
			 time_or_null(c->proposed_at), "state", db_change_state_name(c->state), "decided_by",
			 c->decided_by, "decided_at", c->decided_by ? time_or_null(c->decided_at) : json_null(),
			 "note", c->decision_note);
}

json_t *db_json_correction(const struct db_correction *c)
{
	json_t *payload = json_loads(c->payload ? c->payload : "{}", 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:o, s:s?, s:s?, s:o, s:s, s:s?, s:o, s:s?}", "id", (json_int_t)c->id,
			 "action", db_correction_action_name(c->action), "target", c->target, "payload",
			 payload ? payload : json_object(), "reason", c->reason, "proposed_by", c->proposed_by,
			 "proposed_at", time_or_null(c->proposed_at), "state", db_change_state_name(c->state),
			 "decided_by", c->decided_by, "decided_at", c->decided_by ? time_or_null(c->decided_at)
										: json_null(),
			 "note", c->decision_note);
}

json_t *db_json_cert(const struct db_cert_row *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s, s:i, s:s, s:o}",
			      "service_id", (json_int_t)r->service_id, "tsp_id", (json_int_t)r->tsp_id, "sha256",
			      r->sha256, "subject", r->subject, "issuer", r->issuer, "serial", r->serial, "type_uri",
			      r->type_uri, "name_en", r->name_en, "not_before", time_or_null(r->not_before),
			      "not_after", time_or_null(r->not_after), "key_type", r->key_type, "key_bits",
			      r->key_bits, "status", db_status_name(r->status_now), "status_since",
			      time_or_null(r->status_since));
	if (o && r->timeline_count) {
		json_t *tl = json_array();
		for (size_t i = 0; i < r->timeline_count; i++) {
			char t[32];
			json_array_append_new(tl, json_pack("{s:s, s:s, s:s?, s:s?}", "status",
				db_status_name(r->timeline[i].status), "effective",
				rfc3339_format(r->timeline[i].effective, t), "reason", r->timeline[i].reason,
				"decision_ref", r->timeline[i].decision_ref));
		}
		json_object_set_new(o, "timeline", tl);
	}
	return o;
}

json_t *db_json_tsp(const struct db_tsp *t)
{
	return json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:b}", "id", (json_int_t)t->id,
			 "kind", db_tsp_kind_name(t->kind), "name_vi", t->name_vi, "name_en", t->name_en, "trade_name",
			 t->trade_name, "street", t->street, "locality", t->locality, "country", t->country, "uri",
			 t->uri, "email", t->email, "retired", t->retired);
}

json_t *db_json_audit_entry(const struct db_audit_entry *e)
{
	json_t *detail = json_loads(e->detail ? e->detail : "{}", 0, NULL);
	return json_pack("{s:I, s:o, s:s?, s:s?, s:s?, s:o, s:s, s:s}", "id", (json_int_t)e->id, "at",
			 time_or_null(e->at), "actor", e->actor, "action", e->action, "object", e->object, "detail",
			 detail ? detail : json_string(e->detail ? e->detail : ""), "prev_hash", e->prev_hash, "hash",
			 e->hash);
}

json_t *db_json_audit_verdict(const struct db_audit_verdict *v, int rows_rc, const char *rows_message)
{
	int intact = v->kind == DB_AUDIT_INTACT;
	return json_pack("{s:b, s:s, s:I, s:I, s:s, s:s, s:b, s:s}", "intact", intact, "verdict",
			 db_audit_break_name(v->kind), "entries_checked", (json_int_t)v->entries, "first_bad",
			 (json_int_t)v->first_bad, "head", v->head_hash, "message", v->message, "rows_intact",
			 intact && rows_rc == 0, "rows_message", rows_message ? rows_message : "");
}
