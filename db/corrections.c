/* Corrections under four eyes (see corrections.h): proposal, approval that
 * applies it by appending sealed rows (or updating an account), rejection. */
#include "db/corrections.h"

#include "common/hex.h"
#include "db/certs.h"
#include "db/db_internal.h"
#include "db/stmt.h"
#include "db/text.h"
#include "db/tsp.h"
#include "db/users.h"

#include <inttypes.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const action_names[DB_FIX_ACTION_COUNT + 1] = {
	[DB_FIX_TSP_EDIT] = "tsp.edit",       [DB_FIX_TSP_RETIRE] = "tsp.retire",
	[DB_FIX_SERVICE_MOVE] = "service.move", [DB_FIX_SERVICE_RENAME] = "service.rename",
	[DB_FIX_USER_ADD] = "user.add",
	[DB_FIX_USER_ROLES] = "user.roles",   [DB_FIX_USER_DISABLE] = "user.disable",
	[DB_FIX_USER_CERT] = "user.cert",     [DB_FIX_USER_SECRET] = "user.secret",
	[DB_FIX_USER_TOKENS] = "user.revoke-tokens",
	[DB_FIX_SIGNER_REGISTER] = "signer.register", [DB_FIX_SIGNER_ANNOUNCE] = "signer.announce",
	[DB_FIX_SIGNER_SWITCH] = "signer.switch", [DB_FIX_SIGNER_RETIRE] = "signer.retire",
};

const char *db_correction_action_name(enum db_correction_action a)
{
	return a >= DB_FIX_TSP_EDIT && a <= DB_FIX_SIGNER_RETIRE ? action_names[a] : "unknown";
}

int db_correction_action_parse(const char *text, enum db_correction_action *out)
{
	for (int a = DB_FIX_TSP_EDIT; a <= DB_FIX_SIGNER_RETIRE; a++)
		if (text && strcmp(text, action_names[a]) == 0) {
			*out = (enum db_correction_action)a;
			return 0;
		}
	return 1;
}

static int is_user_action(enum db_correction_action a)
{
	return a >= DB_FIX_USER_ADD && a <= DB_FIX_USER_TOKENS;
}

static int is_signer_action(enum db_correction_action a)
{
	return a >= DB_FIX_SIGNER_REGISTER && a <= DB_FIX_SIGNER_RETIRE;
}

/* --- the audit entries -------------------------------------------------- */

/* The payload as shown and audited: a secret's hash is never repeated. */
static json_t *public_payload(json_t *payload)
{
	json_t *p = json_deep_copy(payload);
	if (p && json_object_get(p, "secret"))
		json_object_set_new(p, "secret", json_string("set"));
	return p;
}

static int audit(struct db *db, const char *actor, const char *action, int64_t id, json_t *detail, char *err,
		 size_t errlen)
{
	char object[40];
	snprintf(object, sizeof object, "correction:%" PRId64, id);
	return db_audit_append_json(db, actor, action, object, detail, err, errlen);
}

/* --- what a correction is about ----------------------------------------- */

static int load_tsp(struct db *db, int64_t id, struct db_tsp *t, char *err, size_t errlen)
{
	int rc = db_tsp_get(db, id, t, err, errlen);
	if (rc == 0 && t->retired) {
		db_tsp_clear(t);
		return db_msg(1, err, errlen, "TSP %" PRId64 " is retired: nothing about it may change", id);
	}
	return rc;
}

/* The TSP's content after applying the edit `p` (JSON; absent keys keep). */
static void merged(const struct db_tsp *t, json_t *p, struct db_tsp_input *out)
{
	const char *v;
#define PICK(f) out->f = (v = json_string_value(json_object_get(p, #f))) ? v : t->f
	*out = (struct db_tsp_input){.kind = t->kind, .country = t->country};
	PICK(name_vi);
	PICK(name_en);
	PICK(trade_name);
	PICK(street);
	PICK(locality);
	PICK(uri);
	PICK(email);
#undef PICK
}

static int check_tsp_edit(struct db *db, int64_t tsp_id, json_t *p, char *err, size_t errlen)
{
	struct db_tsp t;
	int rc = load_tsp(db, tsp_id, &t, err, errlen);
	if (rc)
		return rc;
	struct db_tsp_input in;
	merged(&t, p, &in);
	rc = db_tsp_validate(&in, err, errlen);
	if (rc == 0)
		rc = db_tsp_name_free(db, in.name_en, tsp_id, err, errlen);
	db_tsp_clear(&t);
	return rc;
}

/* A TSP leaves the lists only when no list trusts any of its services. */
static int check_tsp_retire(struct db *db, int64_t tsp_id, char *err, size_t errlen)
{
	struct db_tsp t;
	int rc = load_tsp(db, tsp_id, &t, err, errlen);
	if (rc)
		return rc;
	db_tsp_clear(&t);
	int64_t live = 0;
	rc = db_stmt_int64(db, "cannot read the TSP's services", "SELECT id FROM service_now WHERE tsp_id = ? AND "
			   "(status <> ? OR status_since > ?) ORDER BY id LIMIT 1",
			   DB_ARGS(db_arg_int(tsp_id), db_arg_int(DB_STATUS_WITHDRAWN), db_arg_int(db_now())), &live,
			   err, errlen);
	if (rc == 0)
		return db_msg(1, err, errlen, "TSP %" PRId64 " still has service %" PRId64 " not withdrawn: withdraw "
			      "its services (vntl change propose --status withdrawn) or move them before retiring it",
			      tsp_id, live);
	return rc == 1 ? 0 : rc;
}

static int service_tsp(struct db *db, int64_t service_id, int64_t *tsp_id, char *err, size_t errlen)
{
	int rc = db_stmt_int64(db, "cannot read the service", "SELECT tsp_id FROM service_now WHERE id = ?",
			       DB_ARGS(db_arg_int(service_id)), tsp_id, err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "no service with id %" PRId64, service_id) : rc;
}

/* Only between TSPs of one kind: the kind decides the list, the statuses
 * and the chain checks an import made. */
static int check_move(struct db *db, int64_t service_id, int64_t to, int64_t *from, char *err, size_t errlen)
{
	int rc = service_tsp(db, service_id, from, err, errlen);
	if (rc)
		return rc;
	if (*from == to)
		return db_msg(1, err, errlen, "service %" PRId64 " is already filed under TSP %" PRId64, service_id, to);
	struct db_tsp a, b;
	if ((rc = db_tsp_get(db, *from, &a, err, errlen)))
		return rc;
	rc = load_tsp(db, to, &b, err, errlen);
	if (rc == 0) {
		if (a.kind != b.kind)
			rc = db_msg(1, err, errlen, "service %" PRId64 " is under a %s TSP and TSP %" PRId64 " is %s: a "
				    "service moves only between TSPs of one kind (a wrong kind is a new import and a "
				    "withdrawal)", service_id, db_tsp_kind_name(a.kind), to, db_tsp_kind_name(b.kind));
		db_tsp_clear(&b);
	}
	db_tsp_clear(&a);
	return rc;
}

static int load_subject(struct db *db, const char *name, struct db_user *u, char *err, size_t errlen)
{
	if (!name || !*name)
		return db_msg(1, err, errlen, "a user correction names the user");
	int rc = db_user_get(db, name, u, err, errlen);
	if (rc == 0 && u->disabled)
		return db_msg(1, err, errlen, "user '%s' is disabled", name);
	return rc;
}

static int check_user(struct db *db, enum db_correction_action a, json_t *p, const char *name, char *err,
		      size_t errlen)
{
	struct db_user u;
	if (a == DB_FIX_USER_ADD) {
		int rc = db_user_get(db, name, &u, NULL, 0);
		if (rc < 0)
			return db_sql_error(db, "cannot read users", err, errlen);
		return rc == 0 ? db_msg(1, err, errlen, "user '%s' already exists", name) : 0;
	}
	int rc = load_subject(db, name, &u, err, errlen);
	if (rc)
		return rc;
	unsigned roles = (unsigned)json_integer_value(json_object_get(p, "roles"));
	int provider = (u.roles & DB_ROLE_PROVIDER) != 0;
	if (a == DB_FIX_USER_ROLES && (provider != ((roles & DB_ROLE_PROVIDER) != 0)))
		return db_msg(1, err, errlen, "user '%s': a provider stays a provider and staff stay staff "
			      "(add a new user instead)", name);
	if (a == DB_FIX_USER_ROLES && roles == u.roles)
		return db_msg(1, err, errlen, "user '%s' already holds exactly these roles", name);
	if (a == DB_FIX_USER_CERT && provider)
		return db_msg(1, err, errlen, "user '%s' is a provider: providers log in with a secret", name);
	if ((a == DB_FIX_USER_SECRET || a == DB_FIX_USER_TOKENS) && !provider)
		return db_msg(1, err, errlen, "user '%s' is staff: only providers have a secret and tokens", name);
	return 0;
}

/* Every rule that can be checked without applying: at proposal and again
 * at approval, since the registry may have changed in between. */
static int check(struct db *db, enum db_correction_action a, const char *target, json_t *p, char *err,
		 size_t errlen)
{
	long long id = 0;
	char name[80] = "";
	if (sscanf(target, "tsp:%lld", &id) == 1 && a == DB_FIX_TSP_EDIT)
		return check_tsp_edit(db, id, p, err, errlen);
	if (sscanf(target, "tsp:%lld", &id) == 1 && a == DB_FIX_TSP_RETIRE)
		return check_tsp_retire(db, id, err, errlen);
	if (sscanf(target, "service:%lld", &id) == 1 && a == DB_FIX_SERVICE_MOVE) {
		int64_t from;
		return check_move(db, id, json_integer_value(json_object_get(p, "to")), &from, err, errlen);
	}
	if (sscanf(target, "service:%lld", &id) == 1 && a == DB_FIX_SERVICE_RENAME) {
		int64_t tsp;
		struct db_tsp t;
		int rc = service_tsp(db, id, &tsp, err, errlen);
		if (rc == 0 && (rc = load_tsp(db, tsp, &t, err, errlen)) == 0)
			db_tsp_clear(&t);
		return rc;
	}
	if (sscanf(target, "user:%79s", name) == 1 && is_user_action(a))
		return check_user(db, a, p, name, err, errlen);
	if (sscanf(target, "signer:%79s", name) == 1 && is_signer_action(a))
		return db_signer_check(db, (int)a, name, p, err, errlen);
	return db_msg(1, err, errlen, "correction target '%s' does not fit %s", target, db_correction_action_name(a));
}

/* --- proposing ----------------------------------------------------------- */

static int put_text(json_t *p, const char *key, const char *field, const char *value, unsigned flags, char *err,
		    size_t errlen)
{
	if (!value)
		return 0;
	if (*value && db_text_check(field, value, DB_TEXT_NAME_MAX, flags, err, errlen))
		return 1;
	return json_object_set_new(p, key, json_string(value)) ? db_msg(-1, err, errlen, "out of memory") : 0;
}

static int tsp_edit_payload(const struct db_correction_input *in, json_t *p, char *err, size_t errlen)
{
	const struct { const char *key, *field, *value; } f[] = {
		{"name_vi", "name_vi (--name-vi)", in->name_vi}, {"name_en", "name_en (--name-en)", in->name_en},
		{"trade_name", "trade_name (--trade-name)", in->trade_name}, {"street", "street (--street)", in->street},
		{"locality", "locality (--locality)", in->locality}, {"uri", "uri (--uri)", in->uri},
		{"email", "email (--email)", in->email},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (put_text(p, f[i].key, f[i].field, f[i].value, 0, err, errlen))
			return 1;
	if (json_object_size(p) == 0)
		return db_msg(1, err, errlen, "a TSP edit changes at least one of --name-vi, --name-en, --trade-name, "
			      "--street, --locality, --uri, --email");
	return 0;
}

static int put_secret(json_t *p, const char *secret, char *err, size_t errlen)
{
	if (!secret || strlen(secret) < 16)
		return db_msg(1, err, errlen, "a provider needs a secret of at least 16 characters");
	struct db_secret s;
	if (db_secret_derive(secret, &s))
		return db_msg(-1, err, errlen, "cannot derive the secret's hash");
	char salt[2 * sizeof s.salt + 1], hash[2 * sizeof s.hash + 1];
	hex_encode(s.salt, sizeof s.salt, salt);
	hex_encode(s.hash, sizeof s.hash, hash);
	int rc = json_object_set_new(p, "secret", json_pack("{ss ss si}", "salt", salt, "hash", hash, "iterations",
							    s.iterations));
	OPENSSL_cleanse(&s, sizeof s);
	OPENSSL_cleanse(hash, sizeof hash);
	return rc ? db_msg(-1, err, errlen, "out of memory") : 0;
}

static int user_payload(const struct db_correction_input *in, json_t *p, char *err, size_t errlen)
{
	char fp[65] = "";
	if (in->action == DB_FIX_USER_ADD) {
		struct db_user_input u = {in->user, in->roles, in->tsp_id, in->cert_sha256, in->secret};
		int rc = db_user_check_input(&u, fp, err, errlen);
		if (rc)
			return rc;
		json_object_set_new(p, "roles", json_integer(in->roles));
		if (in->tsp_id)
			json_object_set_new(p, "tsp", json_integer(in->tsp_id));
		if (*fp)
			json_object_set_new(p, "cert_sha256", json_string(fp));
		return in->secret ? put_secret(p, in->secret, err, errlen) : 0;
	}
	if (in->action == DB_FIX_USER_ROLES) {
		if (!in->roles)
			return db_msg(1, err, errlen, "a role change gives the new roles (--role ROLES)");
		if ((in->roles & DB_ROLE_PROVIDER) && in->roles != DB_ROLE_PROVIDER)
			return db_msg(1, err, errlen, "a provider cannot also hold a staff role");
		return json_object_set_new(p, "roles", json_integer(in->roles)) ? -1 : 0;
	}
	if (in->action == DB_FIX_USER_CERT) {
		if (!in->cert_sha256 || db_fingerprint_normalise(in->cert_sha256, fp))
			return db_msg(1, err, errlen, "client-certificate fingerprint must be 64 hex digits (SHA-256)");
		return json_object_set_new(p, "cert_sha256", json_string(fp)) ? -1 : 0;
	}
	if (in->action == DB_FIX_USER_SECRET)
		return put_secret(p, in->secret, err, errlen);
	return 0;
}

/* target and payload of a proposal; 0, or 1 naming what is wrong. */
static int describe(const struct db_correction_input *in, char target[96], json_t *p, char *err, size_t errlen)
{
	switch (in->action) {
	case DB_FIX_TSP_EDIT:
	case DB_FIX_TSP_RETIRE:
		if (in->tsp_id <= 0)
			return db_msg(1, err, errlen, "a TSP correction names the TSP (a positive id)");
		snprintf(target, 96, "tsp:%" PRId64, in->tsp_id);
		return in->action == DB_FIX_TSP_EDIT ? tsp_edit_payload(in, p, err, errlen) : 0;
	case DB_FIX_SERVICE_RENAME:
		if (in->service_id <= 0)
			return db_msg(1, err, errlen, "a rename names the service (a positive id)");
		snprintf(target, 96, "service:%" PRId64, in->service_id);
		if ((in->name_vi && !*in->name_vi) || (in->name_en && !*in->name_en))
			return db_msg(1, err, errlen, "a service keeps a Vietnamese and an English name");
		if (put_text(p, "name_vi", "name_vi (--name-vi)", in->name_vi, DB_TEXT_REQUIRED, err, errlen) ||
		    put_text(p, "name_en", "name_en (--name-en)", in->name_en, DB_TEXT_REQUIRED, err, errlen))
			return 1;
		return json_object_size(p) ? 0 : db_msg(1, err, errlen, "a rename gives --name-vi, --name-en or both");
	case DB_FIX_SERVICE_MOVE:
		if (in->service_id <= 0 || in->tsp_id <= 0)
			return db_msg(1, err, errlen, "a move names the service and the TSP to move it to (--to-tsp ID)");
		snprintf(target, 96, "service:%" PRId64, in->service_id);
		return json_object_set_new(p, "to", json_integer(in->tsp_id)) ? -1 : 0;
	case DB_FIX_SIGNER_REGISTER:
	case DB_FIX_SIGNER_ANNOUNCE:
	case DB_FIX_SIGNER_SWITCH:
	case DB_FIX_SIGNER_RETIRE:
		return db_signer_describe(in, target, p, err, errlen);
	default:
		if (!is_user_action(in->action))
			return db_msg(1, err, errlen, "unknown correction");
		if (!in->user || !*in->user || strlen(in->user) >= 64)
			return db_msg(1, err, errlen, "a user correction names the user");
		snprintf(target, 96, "user:%s", in->user);
		return user_payload(in, p, err, errlen);
	}
}

static int insert_proposal(struct db *db, const struct db_correction_input *in, const char *target,
			   const char *payload, int64_t user_id, int64_t *id, char *err, size_t errlen)
{
	return db_stmt_insert(db, "cannot record the correction",
			      "INSERT INTO correction (action, target, payload, reason, proposed_by, proposed_at) "
			      "VALUES (?, ?, ?, ?, ?, ?)",
			      DB_ARGS(db_arg_text(db_correction_action_name(in->action)), db_arg_text(target),
				      db_arg_text(payload), db_arg_text(in->reason), db_arg_int(user_id),
				      db_arg_int(db_now())),
			      id, err, errlen);
}

static int propose_in_tx(struct db *db, const char *actor, const struct db_correction_input *in,
			 const char *target, json_t *p, int64_t *id, char *err, size_t errlen)
{
	struct db_user u;
	int rc = db_user_require(db, actor, DB_ROLE_OFFICER, &u, err, errlen);
	if (rc || (rc = check(db, in->action, target, p, err, errlen)))
		return rc;
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return db_msg(-1, err, errlen, "out of memory");
	rc = insert_proposal(db, in, target, text, u.id, id, err, errlen);
	free(text);
	if (rc)
		return rc;
	return audit(db, actor, "correction.propose", *id,
		     json_pack("{ss ss so ss}", "action", db_correction_action_name(in->action), "target", target,
			       "payload", public_payload(p), "reason", in->reason), err, errlen);
}

int db_correction_propose(struct db *db, const char *actor, const struct db_correction_input *in, int64_t *id,
			  char *err, size_t errlen)
{
	if (!in->reason || !*in->reason)
		return db_msg(1, err, errlen, "a correction needs a reason (--reason TEXT)");
	if (db_text_check("reason (--reason)", in->reason, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen))
		return 1;
	json_t *p = json_object();
	char target[96];
	int rc = p ? describe(in, target, p, err, errlen) : db_msg(-1, err, errlen, "out of memory");
	if (rc == 0 && (rc = db_begin_write(db, err, errlen)) == 0) {
		rc = propose_in_tx(db, actor, in, target, p, id, err, errlen);
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db, err, errlen);
	}
	json_decref(p);
	return rc;
}

/* --- applying ------------------------------------------------------------ */

struct pending {
	int64_t id;
	enum db_correction_action action;
	char target[96];
	json_t *payload;
	char *reason;
	int64_t proposed_by;
};

struct pending_row {
	struct pending *p;
	char state[16];
};

static int pending_from_row(sqlite3_stmt *st, void *ctx)
{
	struct pending_row *r = ctx;
	snprintf(r->state, sizeof r->state, "%s", (const char *)sqlite3_column_text(st, 5));
	db_correction_action_parse((const char *)sqlite3_column_text(st, 0), &r->p->action);
	snprintf(r->p->target, sizeof r->p->target, "%s", (const char *)sqlite3_column_text(st, 1));
	r->p->payload = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
	r->p->reason = db_column_strdup(st, 3);
	r->p->proposed_by = sqlite3_column_int64(st, 4);
	return 0;
}

static int load_pending(struct db *db, int64_t id, struct pending *p, char *err, size_t errlen)
{
	struct pending_row r = {.p = p};
	p->id = id;
	int rc = db_stmt_one(db, "cannot read the correction", "SELECT action, target, payload, reason, proposed_by, "
			     "state FROM correction WHERE id = ?", DB_ARGS(db_arg_int(id)), pending_from_row, &r,
			     err, errlen);
	if (rc == 1)
		return db_msg(1, err, errlen, "no correction with id %" PRId64, id);
	if (rc)
		return rc;
	if (strcmp(r.state, "pending") != 0)
		return db_msg(1, err, errlen, "correction %" PRId64 " is already %s", id, r.state);
	if (!p->payload || !p->reason)
		return db_msg(-1, err, errlen, "correction %" PRId64 " cannot be read", id);
	return 0;
}

static void pending_clear(struct pending *p)
{
	json_decref(p->payload);
	free(p->reason);
}

/* Another person with the approver role; for an account, not its owner
 * (nobody grants themselves a role or a credential). */
static int four_eyes(struct db *db, const char *actor, int64_t id, struct db_user *u, struct pending *p,
		     char *err, size_t errlen)
{
	int rc = db_user_require(db, actor, DB_ROLE_APPROVER, u, err, errlen);
	if (rc || (rc = load_pending(db, id, p, err, errlen)))
		return rc;
	char object[40];
	snprintf(object, sizeof object, "correction:%" PRId64, id);
	if (p->proposed_by == u->id)
		return db_refusal(db, actor, "four-eyes", object,
				  db_msg(1, err, errlen, "four eyes: '%s' proposed correction %" PRId64 " and may not "
					 "decide on it; another approver must", actor, id), err);
	if (is_user_action(p->action) && strcmp(p->target + 5, u->name) == 0)
		return db_refusal(db, actor, "four-eyes", object,
				  db_msg(1, err, errlen, "four eyes: correction %" PRId64 " concerns '%s', who may not "
					 "decide on it; another approver must", id, actor), err);
	return 0;
}

static int decide(struct db *db, int64_t id, const char *state, int64_t user_id, const char *note, char *err,
		  size_t errlen)
{
	if (db_stmt_exec(db, "cannot record the decision",
			 "UPDATE correction SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? "
			 "WHERE id = ? AND state = 'pending'",
			 DB_ARGS(db_arg_text(state), db_arg_int(user_id), db_arg_int(db_now()),
				 db_arg_text(note ? note : ""), db_arg_int(id)), err, errlen))
		return -1;
	return sqlite3_changes(db->h) == 1 ? 0 : db_msg(1, err, errlen, "correction %" PRId64 " is no longer pending", id);
}

/* A new version of the TSP, sealed: its content after the edit, or the
 * same content retired. */
static int apply_tsp(struct db *db, const struct pending *p, json_t *rows, char *err, size_t errlen)
{
	int64_t tsp_id = strtoll(p->target + 4, NULL, 10);
	struct db_tsp t;
	int rc = load_tsp(db, tsp_id, &t, err, errlen);
	if (rc)
		return rc;
	struct db_tsp_input in;
	merged(&t, p->payload, &in);
	rc = db_stmt_exec(db, "cannot record the TSP's new version",
			  "INSERT INTO tsp_version (tsp_id, name_vi, name_en, trade_name, street, locality, uri, "
			  "email, retired, correction_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  DB_ARGS(db_arg_int(tsp_id), db_arg_text(in.name_vi), db_arg_text(in.name_en),
				  db_arg_text_or_null(in.trade_name), db_arg_text(in.street), db_arg_text(in.locality),
				  db_arg_text(in.uri), db_arg_text_or_null(in.email),
				  db_arg_int(p->action == DB_FIX_TSP_RETIRE), db_arg_int(p->id), db_arg_int(db_now())),
			  err, errlen);
	db_tsp_clear(&t);
	return rc ? rc : db_seal_tsp(db, tsp_id, rows, err, errlen);
}

static int apply_move(struct db *db, const struct pending *p, json_t *rows, char *err, size_t errlen)
{
	int64_t service_id = strtoll(p->target + 8, NULL, 10), from;
	int64_t to = json_integer_value(json_object_get(p->payload, "to"));
	int rc = check_move(db, service_id, to, &from, err, errlen);
	if (rc)
		return rc;
	rc = db_stmt_exec(db, "cannot record the move",
			  "INSERT INTO service_move (service_id, from_tsp, to_tsp, correction_id, recorded_at) "
			  "VALUES (?, ?, ?, ?, ?)",
			  DB_ARGS(db_arg_int(service_id), db_arg_int(from), db_arg_int(to), db_arg_int(p->id),
				  db_arg_int(db_now())),
			  err, errlen);
	json_object_set_new(p->payload, "from", json_integer(from));
	return rc ? rc : db_seal_service(db, service_id, rows, err, errlen);
}

static int hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
	if (!hex || strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* New names for a service, sealed with it. */
static int apply_rename(struct db *db, const struct pending *p, json_t *rows, char *err, size_t errlen)
{
	int64_t service_id = strtoll(p->target + 8, NULL, 10);
	/* a name the payload does not give (NULL) keeps the current one */
	const char *vi = json_string_value(json_object_get(p->payload, "name_vi"));
	const char *en = json_string_value(json_object_get(p->payload, "name_en"));
	if (db_stmt_exec(db, "cannot record the service's new names",
			 "INSERT INTO service_name (service_id, name_vi, name_en, correction_id, recorded_at) "
			 "SELECT id, coalesce(?2, name_vi), coalesce(?3, name_en), ?4, ?5 FROM service_now WHERE id = ?1",
			 DB_ARGS(db_arg_int(service_id), db_arg_text(vi), db_arg_text(en), db_arg_int(p->id),
				 db_arg_int(db_now())),
			 err, errlen))
		return -1;
	if (sqlite3_changes(db->h) != 1)
		return db_msg(-1, err, errlen, "cannot record the service's new names: no service %" PRId64, service_id);
	return db_seal_service(db, service_id, rows, err, errlen);
}

static int secret_from(json_t *p, struct db_secret *s)
{
	json_t *o = json_object_get(p, "secret");
	const char *salt = json_string_value(json_object_get(o, "salt"));
	const char *hash = json_string_value(json_object_get(o, "hash"));
	s->iterations = (int)json_integer_value(json_object_get(o, "iterations"));
	return s->iterations > 0 && hex_to_bytes(salt, s->salt, sizeof s->salt) == 0 &&
			       hex_to_bytes(hash, s->hash, sizeof s->hash) == 0
		       ? 0
		       : -1;
}

/* One UPDATE of the account (sql binds ?1 = name), and the end of its
 * tokens when `also_tokens`. */
static int end_tokens(struct db *db, const char *name, char *err, size_t errlen);

static int update_account(struct db *db, const char *sql, const char *name, json_t *p, int also_tokens, char *err,
			  size_t errlen)
{
	struct db_secret s = {0};
	struct db_arg args[4] = {db_arg_text(name)};
	size_t n = 1;
	if (json_object_get(p, "roles"))
		args[n++] = db_arg_int((int)json_integer_value(json_object_get(p, "roles")));
	else if (json_object_get(p, "cert_sha256"))
		args[n++] = db_arg_text(json_string_value(json_object_get(p, "cert_sha256")));
	else if (json_object_get(p, "secret")) {
		if (secret_from(p, &s))
			return db_msg(-1, err, errlen, "the correction's secret cannot be read");
		args[n++] = db_arg_blob(s.salt, sizeof s.salt);
		args[n++] = db_arg_blob(s.hash, sizeof s.hash);
		args[n++] = db_arg_int(s.iterations);
	} else if (strstr(sql, "?2"))
		args[n++] = db_arg_int(db_now());
	int rc = db_stmt_exec(db, "cannot update the user", sql, args, n, err, errlen);
	OPENSSL_cleanse(&s, sizeof s);
	if (rc && db_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
		return db_msg(1, err, errlen, "another user holds that client certificate");
	if (rc)
		return rc;
	return also_tokens ? end_tokens(db, name, err, errlen) : 0;
}

static int end_tokens(struct db *db, const char *name, char *err, size_t errlen)
{
	return db_stmt_exec(db, "cannot end the user's tokens",
			    "DELETE FROM token WHERE account_id = (SELECT id FROM account WHERE name = ?)",
			    DB_ARGS(db_arg_text(name)), err, errlen);
}

static int add_user(struct db *db, const char *name, json_t *p, char *err, size_t errlen)
{
	const char *fp = json_string_value(json_object_get(p, "cert_sha256"));
	struct db_user_input in = {name, (unsigned)json_integer_value(json_object_get(p, "roles")),
				   json_integer_value(json_object_get(p, "tsp")), NULL, NULL};
	struct db_secret s;
	int has_secret = json_object_get(p, "secret") != NULL;
	if (has_secret && secret_from(p, &s))
		return db_msg(-1, err, errlen, "the correction's secret cannot be read");
	int64_t id;
	int rc = db_user_insert(db, &in, fp ? fp : "", has_secret ? &s : NULL, &id, err, errlen);
	OPENSSL_cleanse(&s, sizeof s);
	return rc;
}

static int apply_user(struct db *db, const struct pending *p, char *err, size_t errlen)
{
	const char *name = p->target + 5;
	switch (p->action) {
	case DB_FIX_USER_ADD:
		return add_user(db, name, p->payload, err, errlen);
	case DB_FIX_USER_ROLES:
		return update_account(db, "UPDATE account SET roles = ?2 WHERE name = ?1", name, p->payload, 0, err,
				      errlen);
	case DB_FIX_USER_DISABLE:
		return update_account(db, "UPDATE account SET disabled_at = ?2 WHERE name = ?1", name, p->payload, 1,
				      err, errlen);
	case DB_FIX_USER_CERT:
		return update_account(db, "UPDATE account SET cert_sha256 = ?2 WHERE name = ?1", name, p->payload, 0,
				      err, errlen);
	case DB_FIX_USER_SECRET:
		return update_account(db, "UPDATE account SET secret_salt = ?2, secret_hash = ?3, "
					  "secret_iterations = ?4 WHERE name = ?1", name, p->payload, 1, err, errlen);
	default:
		return end_tokens(db, name, err, errlen);
	}
}

static int approve_in_tx(struct db *db, const char *actor, int64_t id, const char *note, struct pending *p,
			 char *err, size_t errlen)
{
	struct db_user u;
	int rc = four_eyes(db, actor, id, &u, p, err, errlen);
	if (rc || (rc = check(db, p->action, p->target, p->payload, err, errlen)) ||
	    (rc = decide(db, id, "applied", u.id, note, err, errlen)))
		return rc;
	json_t *rows = json_object();
	if (!rows)
		return db_msg(-1, err, errlen, "out of memory");
	if (p->action == DB_FIX_TSP_EDIT || p->action == DB_FIX_TSP_RETIRE)
		rc = apply_tsp(db, p, rows, err, errlen);
	else if (p->action == DB_FIX_SERVICE_MOVE)
		rc = apply_move(db, p, rows, err, errlen);
	else if (p->action == DB_FIX_SERVICE_RENAME)
		rc = apply_rename(db, p, rows, err, errlen);
	else if (is_signer_action(p->action))
		rc = db_signer_apply(db, (int)p->action, p->target + 7, p->payload, p->id, err, errlen);
	else
		rc = apply_user(db, p, err, errlen);
	if (rc) {
		json_decref(rows);
		return rc;
	}
	json_t *detail = json_pack("{ss ss so ss ss}", "action", db_correction_action_name(p->action), "target",
				   p->target, "payload", public_payload(p->payload), "reason", p->reason, "note",
				   note ? note : "");
	if (detail && json_object_size(rows))
		json_object_set(detail, "rows", rows);
	json_decref(rows);
	return audit(db, actor, "correction.apply", id, detail, err, errlen);
}

int db_correction_approve(struct db *db, const char *actor, int64_t id, const char *note, char *err,
			  size_t errlen)
{
	if (db_text_check("note (--note)", note, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen))
		return 1;
	if (db_begin_write(db, err, errlen))
		return -1;
	struct pending p = {0};
	int rc = approve_in_tx(db, actor, id, note, &p, err, errlen);
	pending_clear(&p);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

int db_correction_reject(struct db *db, const char *actor, int64_t id, const char *note, char *err, size_t errlen)
{
	if (!note || !*note)
		return db_msg(1, err, errlen, "a rejection needs a note saying why (--note TEXT)");
	if (db_text_check("note (--note)", note, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, err, errlen))
		return 1;
	if (db_begin_write(db, err, errlen))
		return -1;
	struct pending p = {0};
	struct db_user u;
	int rc = four_eyes(db, actor, id, &u, &p, err, errlen);
	if (rc == 0)
		rc = decide(db, id, "rejected", u.id, note, err, errlen);
	if (rc == 0)
		rc = audit(db, actor, "correction.reject", id,
			   json_pack("{ss ss ss}", "action", db_correction_action_name(p.action), "target", p.target,
				     "note", note), err, errlen);
	pending_clear(&p);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

/* --- reading ------------------------------------------------------------- */

int db_correction_changed_list_since(struct db *db, int foreign, int64_t since)
{
	int64_t changed = 0;
	if (db_stmt_int64(db, "cannot read the applied corrections",
			  "SELECT count(*) FROM correction r JOIN tsp t ON t.id = CASE WHEN r.action = "
			  "'service.move' THEN json_extract(r.payload, '$.to') ELSE CAST(substr(r.target, 5) AS INTEGER) "
			  "END WHERE r.state = 'applied' AND r.decided_at >= ? AND r.action IN ('tsp.edit', "
			  "'tsp.retire', 'service.move') AND (t.kind = ?) = ?",
			  DB_ARGS(db_arg_int(since), db_arg_int(DB_TSP_FOREIGN), db_arg_int(foreign ? 1 : 0)), &changed,
			  NULL, 0))
		return -1;
	return changed > 0;
}

#define CORRECTION_COLUMNS \
	"SELECT r.id, r.action, r.target, r.payload, r.reason, p.name, r.proposed_at, r.state, d.name, " \
	"r.decided_at, r.decision_note FROM correction r JOIN account p ON p.id = r.proposed_by " \
	"LEFT JOIN account d ON d.id = r.decided_by "

static int fill(sqlite3_stmt *st, void *elem)
{
	struct db_correction *c = elem;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	db_correction_action_parse((const char *)sqlite3_column_text(st, 1), &c->action);
	snprintf(c->target, sizeof c->target, "%s", (const char *)sqlite3_column_text(st, 2));
	json_t *p = json_loads((const char *)sqlite3_column_text(st, 3), 0, NULL);
	json_t *shown = p ? public_payload(p) : NULL;
	c->payload = shown ? json_dumps(shown, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	json_decref(shown);
	json_decref(p);
	c->reason = db_column_strdup(st, 4);
	c->proposed_by = db_column_strdup(st, 5);
	c->proposed_at = sqlite3_column_int64(st, 6);
	db_change_state_parse((const char *)sqlite3_column_text(st, 7), &c->state);
	c->decided_by = db_column_strdup_or_null(st, 8);
	c->decided_at = sqlite3_column_int64(st, 9);
	c->decision_note = db_column_strdup_or_null(st, 10);
	return 0;
}

static void clear(void *elem)
{
	db_correction_clear(elem);
}

void db_correction_clear(struct db_correction *c)
{
	free(c->payload);
	free(c->reason);
	free(c->proposed_by);
	free(c->decided_by);
	free(c->decision_note);
	memset(c, 0, sizeof *c);
}

void db_corrections_free(struct db_correction *c, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_correction_clear(&c[i]);
	free(c);
}

int db_correction_get(struct db *db, int64_t id, struct db_correction *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = db_stmt_one(db, "cannot read the correction", CORRECTION_COLUMNS "WHERE r.id = ?",
			     DB_ARGS(db_arg_int(id)), fill, out, err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "no correction with id %" PRId64, id) : rc;
}

int db_correction_list_page(struct db *db, int state, int64_t after_id, size_t limit, struct db_correction **out,
			    size_t *count, char *err, size_t errlen)
{
	/* a NULL state matches every state */
	const char *state_name = state >= 0 ? db_change_state_name((enum db_change_state)state) : NULL;
	void *rows;
	int rc = db_stmt_collect(db, "cannot list corrections",
				 CORRECTION_COLUMNS "WHERE (?1 IS NULL OR r.state = ?1) AND r.id > ?2 ORDER BY r.id LIMIT ?3",
				 DB_ARGS(db_arg_text(state_name), db_arg_int(after_id),
					 db_arg_int(limit ? (int64_t)limit : -1)),
				 sizeof **out, fill, clear, &rows, count, err, errlen);
	*out = rows;
	return rc;
}
