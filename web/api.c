/* Admin and provider APIs over the registry (see api.h). */
#include "web/api.h"

#include "common/sizes.h"
#include "common/rfc3339.h"

#include "common/config.h"
#include "db/registry.h"
#include "db/text.h"
#include "web/autopublish.h"
#include "web/authfail.h"
#include "web/http.h"
#include "web/log.h"
#include "web/publication.h"
#include "web/ratelimit.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADMIN_PREFIX "/admin/api/"
#define PROVIDER_PREFIX "/api/v1/provider/"
#define TOKEN_TTL 3600
#define DAY 86400

/* Failed provider logins. One sp_id from one address: 5 failures, then
 * locked out 60 s, doubling with each further failure up to an hour. One
 * address (an IPv6 /64), whatever sp_id or token it tries: the same after
 * 10. Keys forgotten after a day without failures; each table bounded. */
static const struct web_ratelimit_policy account_address_policy = {
	.free_failures = 5, .base_lockout = 60, .max_lockout = 3600, .forget_after = DAY, .capacity = 16384};
static const struct web_ratelimit_policy address_policy = {
	.free_failures = 10, .base_lockout = 60, .max_lockout = 3600, .forget_after = DAY, .capacity = 16384};
/* An existing account is "under attack" from its ATTACK_FAILURES-th failed
 * login (from any addresses) until failures stop for an interval. It is
 * never refused for that: this only alerts staff. */
#define ATTACK_FAILURES 5
static const struct web_ratelimit_policy attack_policy = {
	.free_failures = ATTACK_FAILURES, .base_lockout = WEB_AUTHFAIL_INTERVAL,
	.max_lockout = WEB_AUTHFAIL_INTERVAL, .forget_after = WEB_AUTHFAIL_INTERVAL, .capacity = 4096};

struct web_api {
	char *db_path;
	char *config_path;
	struct web_ratelimit *account_address_failures; /* key "sp_id address" */
	struct web_ratelimit *address_failures;         /* key: the address (IPv6: /64) */
	struct web_ratelimit *attacked_accounts;        /* key: sp_id (existing accounts only) */
	struct web_authfail *audit_failures;
	struct web_api_limits limits;
	struct web_metrics *metrics;                    /* may be NULL */
};

struct call {
	struct web_api *api;
	const struct web_api_request *req;
	struct web_api_response *resp;
	struct db *db;
	json_t *body;           /* parsed request body (POST) */
	struct db_user user;
	char err[VNTL_ERR_MAX];
};

struct web_api *web_api_new(const char *db_path, const char *config_path)
{
	struct web_api *api = calloc(1, sizeof *api);
	if (!api || !(api->db_path = strdup(db_path)) ||
	    !(api->account_address_failures = web_ratelimit_new(&account_address_policy)) ||
	    !(api->address_failures = web_ratelimit_new(&address_policy)) ||
	    !(api->attacked_accounts = web_ratelimit_new(&attack_policy)) ||
	    !(api->audit_failures = web_authfail_new(WEB_AUTHFAIL_INTERVAL)) ||
	    (config_path && !(api->config_path = strdup(config_path)))) {
		web_api_free(api);
		return NULL;
	}
	api->limits = (struct web_api_limits)WEB_API_LIMITS_DEFAULT;
	return api;
}

void web_api_configure(struct web_api *api, const struct web_api_limits *limits,
		       struct web_metrics *metrics)
{
	if (limits)
		api->limits = *limits;
	api->metrics = metrics;
}

void web_api_free(struct web_api *api)
{
	if (!api)
		return;
	web_ratelimit_free(api->account_address_failures);
	web_ratelimit_free(api->address_failures);
	web_ratelimit_free(api->attacked_accounts);
	web_authfail_free(api->audit_failures);
	free(api->config_path);
	free(api->db_path);
	free(api);
}

int web_api_owns(const char *path)
{
	return strncmp(path, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0 ||
	       strncmp(path, PROVIDER_PREFIX, strlen(PROVIDER_PREFIX)) == 0;
}

/* ---- responses ---- */

static void respond(struct call *c, unsigned status, json_t *body)
{
	c->resp->status = status;
	c->resp->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
	c->resp->body_len = c->resp->body ? strlen(c->resp->body) : 0;
	json_decref(body);
}

static void fail(struct call *c, unsigned status, const char *code, const char *message)
{
	respond(c, status, json_pack("{s:s, s:s}", "error", code, "message", message));
}

static void fail_field(struct call *c, const char *code, const char *field, const char *message)
{
	respond(c, 400, json_pack("{s:s, s:s, s:s}", "error", code, "field", field, "message", message));
}

/* db/ convention: 0 ok, 1 refused by a rule, -1 error. A missing role (or
 * an unknown or disabled user) is 403, the rule of four eyes 409
 * "four-eyes", any other rule of the registry 409 "refused". */
static void fail_db(struct call *c, int rc)
{
	const char *rule = rc == 1 ? db_refusal_rule(c->db) : NULL;
	if (rule && strcmp(rule, "four-eyes") == 0)
		fail(c, 409, "four-eyes", c->err);
	else if (rule)
		fail(c, 403, "forbidden", c->err);
	else if (rc == 1)
		fail(c, 409, "refused", c->err);
	else
		fail(c, 500, "registry-error", c->err);
}

/* ---- listings ---- */

struct page {
	int64_t after;   /* ?after=: the last id of the previous page */
	size_t limit;    /* ?limit= */
};

static int parse_count(const char *text, long long min, long long max, long long *out)
{
	char *end;
	long long n = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* 0, or a 400 naming the parameter. */
static int parse_page(struct call *c, struct page *pg)
{
	long long n = WEB_API_PAGE_DEFAULT, after = 0;
	if (c->req->query_limit && parse_count(c->req->query_limit, 1, WEB_API_PAGE_MAX, &n) != 0) {
		respond(c, 400, json_pack("{s:s, s:s, s:s}", "error", "bad-query", "field", "limit", "message",
					  "limit must be an integer from 1 to 1000"));
		return -1;
	}
	if (c->req->query_after && parse_count(c->req->query_after, 0, INT64_MAX, &after) != 0) {
		respond(c, 400, json_pack("{s:s, s:s, s:s}", "error", "bad-query", "field", "after", "message",
					  "after must be a non-negative integer (the next_after of the previous page)"));
		return -1;
	}
	pg->after = after;
	pg->limit = (size_t)n;
	return 0;
}

/* The page's answer: {"<name>": items, "next_after": id or null}. The
 * registry was asked for limit + 1 rows: the extra one only says that
 * there is a next page, which starts after the last id shown. */
static void respond_page(struct call *c, const char *name, json_t *items, const struct page *pg,
			 size_t fetched, int64_t last_shown_id)
{
	json_t *next = fetched > pg->limit ? json_integer((json_int_t)last_shown_id) : json_null();
	respond(c, 200, json_pack("{s:o, s:o}", name, items, "next_after", next));
}

static size_t shown(const struct page *pg, size_t fetched)
{
	return fetched < pg->limit ? fetched : pg->limit;
}

/* ---- request bodies ---- */

struct field {
	const char *name;
	json_type type;
	int required;
};

static const char *type_name(json_type t)
{
	return t == JSON_STRING ? "a string" : t == JSON_INTEGER ? "an integer" : "an object";
}

/* Parses the body and checks every member against `fields`: unknown
 * members, wrong types and missing required ones are 400s that name the
 * field. Returns 0 when the body may be used. */
static int parse_body(struct call *c, const struct field *fields, size_t n)
{
	if (c->req->body_too_large) {
		fail(c, 400, "body-too-large", "the request body is larger than server.max_body");
		return -1;
	}
	json_error_t jerr;
	c->body = json_loadb(c->req->body ? c->req->body : "", c->req->body_len,
			     JSON_REJECT_DUPLICATES, &jerr);
	if (!c->body) {
		char msg[300];
		snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %s", jerr.line,
			 jerr.column, jerr.text);
		fail(c, 400, "malformed-json", msg);
		return -1;
	}
	if (!json_is_object(c->body)) {
		fail(c, 400, "malformed-json", "the body must be a JSON object");
		return -1;
	}
	const char *key;
	json_t *value;
	json_object_foreach(c->body, key, value) {
		size_t i = 0;
		while (i < n && strcmp(fields[i].name, key) != 0)
			i++;
		if (i == n) {
			fail_field(c, "unknown-field", key, "this endpoint does not take this field");
			return -1;
		}
		if (json_typeof(value) != fields[i].type) {
			char msg[64];
			snprintf(msg, sizeof msg, "must be %s", type_name(fields[i].type));
			fail_field(c, "wrong-type", key, msg);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (fields[i].required && !json_object_get(c->body, fields[i].name)) {
			fail_field(c, "missing-field", fields[i].name, "this field is required");
			return -1;
		}
	return 0;
}

static const char *body_string(struct call *c, const char *name)
{
	return json_string_value(json_object_get(c->body, name));
}

/* ---- shared actions ---- */

/* ?state=pending|applied|rejected into *state (-1 when absent); 0, or a
 * 400 naming the parameter. */
static int parse_state_query(struct call *c, int *state)
{
	enum db_change_state s;
	*state = -1;
	if (!c->req->query_state)
		return 0;
	if (db_change_state_parse(c->req->query_state, &s) != 0) {
		respond(c, 400, json_pack("{s:s, s:s, s:s}", "error", "bad-query", "field", "state", "message",
					  "state must be pending, applied or rejected"));
		return -1;
	}
	*state = (int)s;
	return 0;
}

static void list_changes(struct call *c, int64_t provider_tsp)
{
	int state;
	struct page pg;
	if (parse_state_query(c, &state) != 0 || parse_page(c, &pg) != 0)
		return;
	struct db_change *list = NULL;
	size_t count = 0;
	int rc = db_change_list_page(c->db, state, provider_tsp, pg.after, pg.limit + 1, &list, &count,
				     c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	json_t *arr = json_array();
	size_t n = shown(&pg, count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, db_json_change(&list[i]));
	int64_t last = n ? list[n - 1].id : 0;
	db_changes_free(list, count);
	respond_page(c, "changes", arr, &pg, count, last);
}

static const struct field propose_fields[] = {
	{"service_id", JSON_INTEGER, 1}, {"status", JSON_STRING, 1},
	{"effective", JSON_STRING, 0},   {"reason", JSON_STRING, 1},
	{"decision_ref", JSON_STRING, 1}, {"sp_id", JSON_STRING, 0},
	{"sp_password", JSON_STRING, 0},
};

/* Text the registry would refuse (db_text_check) is a 400 naming the field
 * here, before any registry work. 0 when `field` may be used. */
static int check_text_field(struct call *c, const char *field, size_t max_chars, unsigned flags)
{
	char msg[300];
	if (db_text_check(field, body_string(c, field), max_chars, flags, msg, sizeof msg) == 0)
		return 0;
	fail_field(c, "bad-value", field, msg);
	return -1;
}

/* An effective time no officer would want to review (years ahead, or long
 * past) is refused; the window comes from the configuration. */
int web_api_effective_problem(const struct web_api *api, time_t effective, int by_provider, char *msg,
			      size_t msglen)
{
	const struct web_api_limits *l = &api->limits;
	unsigned back = by_provider ? l->provider_max_backdate_days : l->admin_max_backdate_days;
	unsigned ahead = by_provider ? l->provider_max_ahead_days : l->admin_max_ahead_days;
	const char *scope = by_provider ? "provider" : "admin";
	time_t now = time(NULL);
	if (effective < now - (time_t)back * DAY)
		snprintf(msg, msglen, "must not be more than %u days before now (%s.max_backdate_days)",
			 back, scope);
	else if (effective > now + (time_t)ahead * DAY)
		snprintf(msg, msglen, "must not be more than %u days after now (%s.max_ahead_days)", ahead,
			 scope);
	else
		return 0;
	return -1;
}

static int check_effective_window(struct call *c, time_t effective, int by_provider)
{
	char msg[160];
	if (web_api_effective_problem(c->api, effective, by_provider, msg, sizeof msg) == 0)
		return 0;
	fail_field(c, "bad-value", "effective", msg);
	return -1;
}

/* Fills `in` from the body (after parse_body with propose_fields); 0, or a
 * 400 bad-value naming the field. */
static int proposal_from_body(struct call *c, int by_provider, struct db_change_input *in)
{
	in->service_id = json_integer_value(json_object_get(c->body, "service_id"));
	in->reason = body_string(c, "reason");
	in->decision_ref = body_string(c, "decision_ref");
	if (in->service_id <= 0) {
		fail_field(c, "bad-value", "service_id", "must be a service id (a positive integer)");
		return -1;
	}
	if (db_status_parse(body_string(c, "status"), &in->new_status) != 0) {
		fail_field(c, "bad-value", "status", "must be recognised, suspended, withdrawn or granted");
		return -1;
	}
	if (check_text_field(c, "reason", DB_TEXT_REASON_MAX, DB_TEXT_REQUIRED | DB_TEXT_MULTILINE) != 0 ||
	    check_text_field(c, "decision_ref", DB_TEXT_REF_MAX, DB_TEXT_REQUIRED) != 0)
		return -1;
	const char *effective = body_string(c, "effective");
	int64_t t = 0;
	if (effective && rfc3339_parse_input(effective, &t) != 0) {
		fail_field(c, "bad-value", "effective", "must be an RFC 3339 time with Z or an offset "
			   "(2026-12-01T08:00:00+07:00, 2026-12-01T01:00:00Z) or a date (2026-12-01, 00:00 UTC)");
		return -1;
	}
	if (effective && check_effective_window(c, t, by_provider) != 0)
		return -1;
	in->effective = t;
	return 0;
}

/* After parse_body with propose_fields. */
static void propose(struct call *c)
{
	int by_provider = (c->user.roles & DB_ROLE_PROVIDER) != 0;
	struct db_change_input in = {0};
	if (proposal_from_body(c, by_provider, &in) != 0)
		return;
	int64_t id = 0;
	int rc = db_change_propose_limited(c->db, c->user.name, &in,
					   by_provider ? c->api->limits.provider_max_pending : 0, &id, c->err,
					   sizeof c->err);
	if (rc == 2) {
		fail(c, 429, "too-many-pending", c->err);
		return;
	}
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	web_log("info", "change-proposed", "change=%lld by=\"%s\" service=%lld", (long long)id,
		c->user.name, (long long)in.service_id);
	respond(c, 201, json_pack("{s:I, s:s}", "change_id", (json_int_t)id, "state", "pending"));
}

/* ---- corrections (admin API) ---- */

static void list_corrections(struct call *c)
{
	int state;
	struct page pg;
	if (parse_state_query(c, &state) != 0 || parse_page(c, &pg) != 0)
		return;
	struct db_correction *list = NULL;
	size_t count = 0;
	int rc = db_correction_list_page(c->db, state, pg.after, pg.limit + 1, &list, &count, c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	json_t *arr = json_array();
	size_t n = shown(&pg, count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, db_json_correction(&list[i]));
	int64_t last = n ? list[n - 1].id : 0;
	db_corrections_free(list, count);
	respond_page(c, "corrections", arr, &pg, count, last);
}

static const struct field correction_fields[] = {
	{"action", JSON_STRING, 1},     {"reason", JSON_STRING, 1},    {"tsp_id", JSON_INTEGER, 0},
	{"service_id", JSON_INTEGER, 0}, {"user", JSON_STRING, 0},     {"name_vi", JSON_STRING, 0},
	{"name_en", JSON_STRING, 0},    {"trade_name", JSON_STRING, 0}, {"street", JSON_STRING, 0},
	{"locality", JSON_STRING, 0},   {"uri", JSON_STRING, 0},       {"email", JSON_STRING, 0},
	{"roles", JSON_STRING, 0},      {"cert_sha256", JSON_STRING, 0}, {"secret", JSON_STRING, 0},
};

/* The body of POST corrections into `in` (strings point into c->body);
 * 0, or a 400 naming the field. */
static int correction_from_body(struct call *c, struct db_correction_input *in)
{
	if (db_correction_action_parse(body_string(c, "action"), &in->action) != 0) {
		fail_field(c, "bad-value", "action", "must be tsp.edit, tsp.retire, service.move, service.rename, user.add, user.roles, "
			   "user.disable, user.cert, user.secret or user.revoke-tokens");
		return -1;
	}
	static const char *const texts[] = {"name_vi", "name_en", "trade_name", "street", "locality", "uri", "email"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (check_text_field(c, texts[i], DB_TEXT_NAME_MAX, 0) != 0)
			return -1;
	if (check_text_field(c, "reason", DB_TEXT_REASON_MAX, DB_TEXT_REQUIRED | DB_TEXT_MULTILINE) != 0)
		return -1;
	in->tsp_id = json_integer_value(json_object_get(c->body, "tsp_id"));
	in->service_id = json_integer_value(json_object_get(c->body, "service_id"));
	in->user = body_string(c, "user");
	in->name_vi = body_string(c, "name_vi");
	in->name_en = body_string(c, "name_en");
	in->trade_name = body_string(c, "trade_name");
	in->street = body_string(c, "street");
	in->locality = body_string(c, "locality");
	in->uri = body_string(c, "uri");
	in->email = body_string(c, "email");
	in->cert_sha256 = body_string(c, "cert_sha256");
	in->secret = body_string(c, "secret");
	in->reason = body_string(c, "reason");
	const char *roles = body_string(c, "roles");
	char msg[160];
	if (roles && db_roles_parse(roles, &in->roles, msg, sizeof msg) != 0) {
		fail_field(c, "bad-value", "roles", msg);
		return -1;
	}
	return 0;
}

static void propose_correction(struct call *c)
{
	struct db_correction_input in = {0};
	if (parse_body(c, correction_fields, sizeof correction_fields / sizeof correction_fields[0]) != 0 ||
	    correction_from_body(c, &in) != 0)
		return;
	int64_t id = 0;
	int rc = db_correction_propose(c->db, c->user.name, &in, &id, c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	web_log("info", "correction-proposed", "correction=%lld by=\"%s\" action=%s", (long long)id, c->user.name,
		db_correction_action_name(in.action));
	respond(c, 201, json_pack("{s:I, s:s}", "correction_id", (json_int_t)id, "state", "pending"));
}

/* The answer to an approve or reject of a `kind` ("change", "correction")
 * that the registry answered with rc: logged "<kind>-approved", answered
 * {"<kind>_id": id, "state": "applied"|"rejected"}. */
static void respond_decision(struct call *c, const char *kind, long long id, int approve, int rc)
{
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	char event[32], id_key[32];
	snprintf(event, sizeof event, "%s-%s", kind, approve ? "approved" : "rejected");
	snprintf(id_key, sizeof id_key, "%s_id", kind);
	web_log("info", event, "%s=%lld by=\"%s\"", kind, id, c->user.name);
	respond(c, 200, json_pack("{s:I, s:s}", id_key, (json_int_t)id, "state", approve ? "applied" : "rejected"));
}

static void decide_correction(struct call *c, long long id, int approve)
{
	static const struct field fields[] = {{"note", JSON_STRING, 0}};
	if (parse_body(c, fields, 1) != 0 ||
	    check_text_field(c, "note", DB_TEXT_REASON_MAX, (approve ? 0 : DB_TEXT_REQUIRED) | DB_TEXT_MULTILINE) != 0)
		return;
	const char *note = body_string(c, "note");
	int rc = approve ? db_correction_approve(c->db, c->user.name, id, note, c->err, sizeof c->err)
			 : db_correction_reject(c->db, c->user.name, id, note, c->err, sizeof c->err);
	respond_decision(c, "correction", id, approve, rc);
}

/* ---- admin API ---- */

static void admin_providers(struct call *c)
{
	struct page pg;
	if (parse_page(c, &pg) != 0)
		return;
	struct db_tsp *tsps = NULL;
	size_t count = 0;
	int rc = db_tsp_list_page(c->db, pg.after, pg.limit + 1, &tsps, &count, c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	json_t *arr = json_array();
	size_t n = shown(&pg, count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, db_json_tsp(&tsps[i]));
	int64_t last = n ? tsps[n - 1].id : 0;
	db_tsps_free(tsps, count);
	respond_page(c, "providers", arr, &pg, count, last);
}

static void admin_certificates(struct call *c, const char *key)
{
	if (key) {
		struct db_cert_row row;
		memset(&row, 0, sizeof row);
		int rc = db_cert_show(c->db, key, &row, c->err, sizeof c->err);
		if (rc == 1) {
			fail(c, 404, "not-found", c->err);
			return;
		}
		if (rc != 0) {
			fail_db(c, rc);
			return;
		}
		respond(c, 200, db_json_cert(&row));
		db_cert_row_clear(&row);
		return;
	}
	struct page pg;
	if (parse_page(c, &pg) != 0)
		return;
	struct db_cert_row *rows = NULL;
	size_t count = 0;
	int rc = db_cert_list_page(c->db, 0, pg.after, pg.limit + 1, &rows, &count, c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	json_t *arr = json_array();
	size_t n = shown(&pg, count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, db_json_cert(&rows[i]));
	int64_t last = n ? rows[n - 1].service_id : 0;
	db_cert_rows_free(rows, count);
	respond_page(c, "certificates", arr, &pg, count, last);
}

static void admin_decide(struct call *c, long long id, int approve)
{
	static const struct field fields[] = {{"note", JSON_STRING, 0}, {"retroactive", JSON_STRING, 0}};
	if (parse_body(c, fields, approve ? 2 : 1) != 0 ||
	    check_text_field(c, "note", DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE) != 0 ||
	    check_text_field(c, "retroactive", DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE) != 0)
		return;
	const char *note = body_string(c, "note");
	int rc = approve ? db_change_approve_retroactive(c->db, c->user.name, id, note,
							 body_string(c, "retroactive"), c->err, sizeof c->err)
			 : db_change_reject(c->db, c->user.name, id, note, c->err, sizeof c->err);
	respond_decision(c, "change", id, approve, rc);
}

static void admin_audit(struct call *c, int verify)
{
	struct db_user u;
	int rc = db_user_require(c->db, c->user.name, DB_ROLE_AUDITOR, &u, c->err, sizeof c->err);
	if (rc != 0) {
		fail(c, 403, "forbidden", c->err);
		return;
	}
	if (verify) {
		struct db_audit_verdict v;
		if ((rc = db_audit_verify(c->db, &v, c->err, sizeof c->err)) != 0) {
			fail_db(c, rc);
			return;
		}
		/* the same check and the same fields as vntl --json audit verify */
		char rows_msg[VNTL_ERR_MAX] = "";
		int rows = v.kind == DB_AUDIT_INTACT ? db_seal_check_now(c->db, rows_msg, sizeof rows_msg) : 0;
		if (rows < 0) {
			snprintf(c->err, sizeof c->err, "%s", rows_msg);
			fail_db(c, -1);
			return;
		}
		respond(c, 200, db_json_audit_verdict(&v, rows, rows_msg));
		return;
	}
	struct page pg;
	if (parse_page(c, &pg) != 0)
		return;
	struct db_audit_entry *entries = NULL;
	size_t count = 0;
	if ((rc = db_audit_list(c->db, pg.after, pg.limit + 1, &entries, &count, c->err, sizeof c->err)) != 0) {
		fail_db(c, rc);
		return;
	}
	json_t *arr = json_array();
	size_t n = shown(&pg, count);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, db_json_audit_entry(&entries[i]));
	int64_t last = n ? entries[n - 1].id : 0;
	db_audit_entries_free(entries, count);
	respond_page(c, "entries", arr, &pg, count, last);
}

/* The same flow as `vntl publish` (publisher_command_run): snapshot, build,
 * sign, self-check, write, record. Officers only. */
static void admin_publish(struct call *c)
{
	static const struct field fields[] = {{"list", JSON_STRING, 0}};
	if (parse_body(c, fields, 1) != 0)
		return;
	struct db_user u;
	int rc = db_user_require(c->db, c->user.name, DB_ROLE_OFFICER, &u, c->err, sizeof c->err);
	if (rc != 0) {
		fail(c, 403, "forbidden", c->err);
		return;
	}
	if (!c->api->config_path) {
		fail(c, 409, "refused", "vntld was started without a configuration file holding publish.* keys");
		return;
	}
	const char *list = body_string(c, "list");
	struct publish_request req = {.as_user = c->user.name};
	enum publisher_list one;
	if (list && strcmp(list, "all") != 0) {
		if (publisher_list_from_name(list, &one) != 0) {
			fail_field(c, "bad-value", "list", "must be roots, foreign, pointer or all");
			return;
		}
		req.lists = PUBLISH_MASK(one);
	}
	struct vntl_config *cfg = NULL;
	if (vntl_config_load(c->api->config_path, &cfg, c->err, sizeof c->err) != 0) {
		fail(c, 500, "registry-error", c->err);
		return;
	}
	struct publish_result res;
	web_publish_locked(cfg, c->db, &req, &res);
	vntl_config_free(cfg);
	web_log_publish_result(&res, "publish-requested", c->user.name);
	if (res.code == PUBLISH_OK)
		respond(c, 200, json_pack("{s:s, s:s}", "result", "published", "list", list ? list : "all"));
	else if (res.code == PUBLISH_REFUSED || res.code == PUBLISH_CONFIG)
		fail(c, 409, "refused", res.message);
	else
		fail(c, 500, "publish-failed", res.message);
}

/* A failed login: counted for /metrics; audited at once when it is the
 * first from its source in this interval, else summed (see authfail.h). */
static void note_failure(struct web_api *api, struct db *db, const char *method, const char *who,
			 const char *peer, enum web_auth_reason reason)
{
	char source[96];
	snprintf(source, sizeof source, "%d %s", (int)reason, peer);
	if (web_authfail_note(api->audit_failures, source, method, who, peer, time(NULL)))
		db_auth_record_failure(db, method, who, peer);
}

static void login_failed(struct call *c, const char *method, const char *who,
			 enum web_auth_reason reason)
{
	c->resp->auth_failed = 1;
	c->resp->auth_reason = reason;
	note_failure(c->api, c->db, method, who, c->req->peer, reason);
}

#define SUMMARY_BATCH 64

/* Returns how many summaries were taken (a full batch: there may be more). */
static size_t flush_batch(struct web_api *api, time_t now, int all)
{
	struct web_authfail_summary due[SUMMARY_BATCH];
	size_t n = web_authfail_take_due(api->audit_failures, now, all, due, SUMMARY_BATCH);
	if (n == 0)
		return 0;
	struct db *db = NULL;
	char err[VNTL_ERR_MAX];
	if (db_open(api->db_path, DB_OPEN_EXISTING, &db, err, sizeof err) != 0) {
		web_log("error", "auth-failures-not-audited", "summaries=%zu reason=\"%s\"", n, err);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		db_auth_record_failures(db, due[i].method, due[i].who, due[i].peer, due[i].count);
		web_log("warn", "auth-failures-summed", "method=%s peer=%s count=%lld", due[i].method,
			due[i].peer[0] ? due[i].peer : "many", (long long)due[i].count);
	}
	db_close(db);
	return n;
}

void web_api_flush_auth_failures(struct web_api *api, time_t now, int all)
{
	while (flush_batch(api, now, all) == SUMMARY_BATCH)
		;
	if (api->metrics)
		web_metrics_set_accounts_under_attack(api->metrics,
						      web_ratelimit_locked(api->attacked_accounts, now));
}

int web_api_staff_login(struct web_api *api, struct db *db, const char *cert_sha256, const char *peer,
			struct db_user *user, enum web_staff_refusal *why, char *err, size_t errlen)
{
	if (!cert_sha256) {
		*why = WEB_STAFF_NO_CERTIFICATE;
		web_log("warn", "admin-refused", "peer=%s reason=\"no client certificate\"", peer);
		note_failure(api, db, "cert", "none", peer, WEB_AUTH_NO_CERTIFICATE);
		return 1;
	}
	int rc = db_user_by_cert(db, cert_sha256, user, err, errlen);
	if (rc == 1) {
		*why = WEB_STAFF_UNKNOWN_CERTIFICATE;
		web_log("warn", "admin-refused", "peer=%s cert=%s reason=\"unknown certificate\"", peer,
			cert_sha256);
		note_failure(api, db, "cert", cert_sha256, peer, WEB_AUTH_UNKNOWN_CERTIFICATE);
		return 1;
	}
	if (rc != 0)
		return -1;
	if (user->roles & DB_ROLE_PROVIDER) {
		*why = WEB_STAFF_PROVIDER;
		return 1;
	}
	return 0;
}

static int staff_login(struct call *c)
{
	enum web_staff_refusal why;
	int rc = web_api_staff_login(c->api, c->db, c->req->client_cert_sha256, c->req->peer, &c->user, &why,
				     c->err, sizeof c->err);
	if (rc < 0)
		fail_db(c, rc);
	if (rc != 1)
		return rc;
	if (why == WEB_STAFF_PROVIDER) {
		fail(c, 403, "forbidden", "providers use the provider API");
		return -1;
	}
	c->resp->auth_failed = 1;
	if (why == WEB_STAFF_NO_CERTIFICATE) {
		c->resp->auth_reason = WEB_AUTH_NO_CERTIFICATE;
		fail(c, 401, "client-certificate-required",
		     "the admin API needs a client certificate issued by the staff CA");
	} else {
		c->resp->auth_reason = WEB_AUTH_UNKNOWN_CERTIFICATE;
		fail(c, 403, "unknown-certificate", "this client certificate belongs to no staff member");
	}
	return -1;
}

/* 1 when route is "<collection>/ID/approve" or ".../reject": *id and
 * *approve say which. */
static int decision_route(const char *route, const char *collection, long long *id, int *approve)
{
	size_t n = strlen(collection);
	char action[16], tail;
	if (strncmp(route, collection, n) != 0 || route[n] != '/' ||
	    sscanf(route + n, "/%lld/%15[a-z]%c", id, action, &tail) != 2)
		return 0;
	*approve = strcmp(action, "approve") == 0;
	return *approve || strcmp(action, "reject") == 0;
}

/* A path the admin API serves, whatever the method: asked with another
 * method it is 405, not 404. */
static int admin_route_known(const char *route)
{
	static const char *const fixed[] = {"providers", "certificates", "changes", "corrections", "publish", "audit",
					    "audit/verify"};
	long long id;
	int approve;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(route, fixed[i]) == 0)
			return 1;
	return (strncmp(route, "certificates/", 13) == 0 && route[13]) ||
	       decision_route(route, "changes", &id, &approve) || decision_route(route, "corrections", &id, &approve);
}

static void admin(struct call *c, const char *route)
{
	if (staff_login(c) != 0)
		return;
	int get = strcmp(c->req->method, "GET") == 0, post = strcmp(c->req->method, "POST") == 0;
	long long id = 0;
	int approve = 0;
	if (get && strcmp(route, "providers") == 0)
		admin_providers(c);
	else if (get && strcmp(route, "certificates") == 0)
		admin_certificates(c, NULL);
	else if (get && strncmp(route, "certificates/", 13) == 0 && route[13])
		admin_certificates(c, route + 13);
	else if (get && strcmp(route, "changes") == 0)
		list_changes(c, 0);
	else if (post && strcmp(route, "changes") == 0) {
		if (parse_body(c, propose_fields, 5) == 0)
			propose(c);
	} else if (post && decision_route(route, "changes", &id, &approve))
		admin_decide(c, id, approve);
	else if (get && strcmp(route, "corrections") == 0)
		list_corrections(c);
	else if (post && strcmp(route, "corrections") == 0)
		propose_correction(c);
	else if (post && decision_route(route, "corrections", &id, &approve))
		decide_correction(c, id, approve);
	else if (post && strcmp(route, "publish") == 0)
		admin_publish(c);
	else if (get && strcmp(route, "audit") == 0)
		admin_audit(c, 0);
	else if (get && strcmp(route, "audit/verify") == 0)
		admin_audit(c, 1);
	else if (admin_route_known(route))
		fail(c, 405, "method-not-allowed", "this admin endpoint does not take this method (see README: GET "
		     "reads, POST proposes and decides)");
	else
		fail(c, 404, "not-found", "no such admin endpoint");
}

/* ---- provider API ---- */

/* The address a limit applies to: an IPv6 client usually holds a whole
 * /64, so the /64 counts as one address; IPv4 (IPv4-mapped too) as it is. */
static void address_key(const char *peer, char *out, size_t outlen)
{
	struct in6_addr a;
	char text[INET6_ADDRSTRLEN];
	if (inet_pton(AF_INET6, peer, &a) == 1 && !IN6_IS_ADDR_V4MAPPED(&a)) {
		memset(a.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a, text, sizeof text)) {
			snprintf(out, outlen, "%s/64", text);
			return;
		}
	}
	snprintf(out, outlen, "%s", peer);
}

/* db_user_add's rule for names: anything else cannot be an account. */
static int plausible_sp_id(const char *sp_id)
{
	size_t n = strlen(sp_id);
	return n > 0 && n < 64 &&
	       strspn(sp_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n;
}

struct login_keys {
	char address[INET6_ADDRSTRLEN + 4];
	char account_address[WEB_RATELIMIT_KEY_MAX + 1]; /* "sp_id address"; "" for a token */
};

static void refuse_limited(struct call *c, enum web_login_limit which, unsigned wait)
{
	char msg[160];
	snprintf(msg, sizeof msg, "too many failed logins %s; try again in %u s",
		 which == WEB_LIMIT_ADDRESS ? "from this address" : "for this sp_id from this address", wait);
	respond(c, 429, json_pack("{s:s, s:s, s:i}", "error", "too-many-failed-logins", "message", msg,
				  "retry_after", (int)wait));
	if (c->api->metrics)
		web_metrics_login_limited(c->api->metrics, which);
}

/* Before any credential is checked: 1 (answered 429) while the address, or
 * this sp_id from this address, is locked out. */
static int limited(struct call *c, const struct login_keys *k, time_t now)
{
	unsigned wait = web_ratelimit_wait(c->api->address_failures, k->address, now);
	if (wait) {
		refuse_limited(c, WEB_LIMIT_ADDRESS, wait);
		return 1;
	}
	if (k->account_address[0] &&
	    (wait = web_ratelimit_wait(c->api->account_address_failures, k->account_address, now))) {
		refuse_limited(c, WEB_LIMIT_ACCOUNT_ADDRESS, wait);
		return 1;
	}
	return 0;
}

static void count_failure(struct call *c, struct web_ratelimit *rl, const char *key, time_t now)
{
	unsigned failures = 0;
	web_ratelimit_failed(rl, key, now, &failures);
	if (failures == 0 && c->api->metrics)
		web_metrics_login_unrecorded(c->api->metrics);
}

/* An existing account failing often, from any addresses: staff are told
 * once per interval (a log line and /metrics). The account is not refused
 * for it: its owner logs in from an address that has not failed. */
static void watch_account(struct call *c, const char *sp_id, time_t now)
{
	struct db_user u;
	char err[VNTL_ERR_MAX];
	if (db_user_get(c->db, sp_id, &u, err, sizeof err) != 0 || !(u.roles & DB_ROLE_PROVIDER))
		return;
	struct web_ratelimit *attacked = c->api->attacked_accounts;
	unsigned failures = 0;
	if (!web_ratelimit_failed(attacked, sp_id, now, &failures) ||
	    !web_ratelimit_remind(attacked, sp_id, now, WEB_AUTHFAIL_INTERVAL))
		return;
	web_log("warn", "provider-under-attack", "sp_id=%s failures=%u last_peer=%s", sp_id, failures,
		c->req->peer);
	if (c->api->metrics) {
		web_metrics_attack_alert(c->api->metrics);
		web_metrics_set_accounts_under_attack(c->api->metrics, web_ratelimit_locked(attacked, now));
	}
}

enum login_means { LOGIN_TOKEN_OR_SECRET, LOGIN_SECRET_ONLY };

/* Bearer token from the header (unless `means` asks for the secret), else
 * sp_id + sp_password from the body (already parsed). The registry compares
 * secrets (PBKDF2) and token hashes; failures are limited and audited here. */
static int provider_login(struct call *c, enum login_means means)
{
	const char *auth = c->req->authorization;
	int by_token = means == LOGIN_TOKEN_OR_SECRET && auth && strncmp(auth, "Bearer ", 7) == 0;
	const char *sp_id = NULL, *secret = NULL;
	if (!by_token) {
		sp_id = c->body ? body_string(c, "sp_id") : NULL;
		secret = c->body ? body_string(c, "sp_password") : NULL;
		if (!sp_id || !secret) {
			fail(c, 401, "authentication-required",
			     "give sp_id and sp_password, or an Authorization: Bearer token");
			return -1;
		}
		if (!plausible_sp_id(sp_id)) {
			fail_field(c, "bad-value", "sp_id", "must be 1 to 63 letters, digits, '.', '_', '-' or '@'");
			return -1;
		}
	}
	struct login_keys k = {0};
	time_t now = time(NULL);
	address_key(c->req->peer, k.address, sizeof k.address);
	if (sp_id)
		snprintf(k.account_address, sizeof k.account_address, "%s %s", sp_id, k.address);
	if (limited(c, &k, now))
		return -1;
	int rc = by_token ? db_token_check(c->db, auth + 7, &c->user, c->err, sizeof c->err)
			  : db_provider_check(c->db, sp_id, secret, &c->user, c->err, sizeof c->err);
	if (rc == 1) {
		count_failure(c, c->api->address_failures, k.address, now);
		if (sp_id) {
			count_failure(c, c->api->account_address_failures, k.account_address, now);
			watch_account(c, sp_id, now);
		}
		if (by_token)
			login_failed(c, "token", NULL, WEB_AUTH_BAD_TOKEN);
		else
			login_failed(c, "secret", sp_id, WEB_AUTH_BAD_SECRET);
		fail(c, 401, "authentication-failed", "wrong sp_id, secret or token");
		web_log("warn", "provider-login-failed", "peer=%s", c->req->peer);
		return -1;
	}
	if (rc != 0) {
		fail_db(c, rc);
		return -1;
	}
	if (!(c->user.roles & DB_ROLE_PROVIDER)) {
		fail(c, 403, "forbidden", "this account is not a provider");
		return -1;
	}
	if (sp_id)
		web_ratelimit_forget(c->api->account_address_failures, k.account_address);
	return 0;
}

/* Only sp_id + sp_password get a token: a token must not renew itself, or
 * a stolen one would outlive every expiry. */
static void provider_token(struct call *c)
{
	static const struct field fields[] = {{"sp_id", JSON_STRING, 1}, {"sp_password", JSON_STRING, 1}};
	if (parse_body(c, fields, 2) != 0 || provider_login(c, LOGIN_SECRET_ONLY) != 0)
		return;
	char token[DB_TOKEN_HEX_LEN + 1];
	int rc = db_token_issue(c->db, c->user.id, TOKEN_TTL, token, c->err, sizeof c->err);
	if (rc != 0) {
		fail_db(c, rc);
		return;
	}
	respond(c, 200, json_pack("{s:s, s:s, s:i}", "token", token, "token_type", "Bearer",
				  "expires_in", TOKEN_TTL));
	memset(token, 0, sizeof token);
}

static void provider(struct call *c, const char *route)
{
	int get = strcmp(c->req->method, "GET") == 0, post = strcmp(c->req->method, "POST") == 0;
	if (post && strcmp(route, "token") == 0) {
		provider_token(c);
	} else if (post && strcmp(route, "status-changes") == 0) {
		if (parse_body(c, propose_fields, 7) == 0 && provider_login(c, LOGIN_TOKEN_OR_SECRET) == 0)
			propose(c);
	} else if (get && strcmp(route, "status-changes") == 0) {
		if (provider_login(c, LOGIN_TOKEN_OR_SECRET) == 0)
			list_changes(c, c->user.tsp_id);
	} else if (strcmp(route, "token") == 0 || strcmp(route, "status-changes") == 0) {
		fail(c, 405, "method-not-allowed", "this provider endpoint does not take this method");
	} else {
		fail(c, 404, "not-found", "no such provider endpoint");
	}
}

/* A browser sends a cross-site form or fetch() with the staff member's
 * client certificate: such a request must not change anything. Forms
 * cannot send application/json, and a script on a foreign page cannot hide
 * its Origin. Before any registry work. 0 when the request may go on. */
static int refuse_cross_site(struct call *c)
{
	const char *m = c->req->method;
	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0)
		return 0;
	if (!web_http_is_json(c->req->content_type)) {
		fail(c, 403, "cross-site-request",
		     "a request that changes something needs Content-Type: application/json");
		web_log("warn", "cross-site-refused", "peer=%s reason=\"content type\"", c->req->peer);
		return -1;
	}
	if (c->req->origin && !web_http_same_origin(c->req->origin, c->req->self_origin)) {
		fail(c, 403, "cross-site-request",
		     "the Origin header names another site than this service (server.origin)");
		web_log("warn", "cross-site-refused", "peer=%s reason=\"foreign origin\"", c->req->peer);
		return -1;
	}
	return 0;
}

void web_api_handle(struct web_api *api, const struct web_api_request *req,
		    struct web_api_response *resp)
{
	struct call c = {.api = api, .req = req, .resp = resp};
	memset(resp, 0, sizeof *resp);
	resp->is_admin = strncmp(req->path, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0;
	if (refuse_cross_site(&c) != 0) {
		/* answered */
	} else if (db_open(api->db_path, DB_OPEN_EXISTING, &c.db, c.err, sizeof c.err) != 0) {
		web_log("error", "registry-unavailable", "reason=\"%s\"", c.err);
		fail(&c, 503, "registry-unavailable", "the registry cannot be opened");
	} else if (strncmp(req->path, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0) {
		admin(&c, req->path + strlen(ADMIN_PREFIX));
	} else {
		provider(&c, req->path + strlen(PROVIDER_PREFIX));
	}
	json_decref(c.body);
	db_close(c.db);
	if (!resp->body) {
		resp->status = 500;
		resp->body = strdup("{\"error\":\"out-of-memory\"}");
		resp->body_len = resp->body ? strlen(resp->body) : 0;
	}
}
