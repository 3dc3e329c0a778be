/* The list signers (signers.h): their corrections' rules and rows, and
 * their states as the publisher reads them. */
#include "db/signers.h"

#include "common/base64.h"
#include "common/hex.h"
#include "db/corrections.h"
#include "db/db_internal.h"
#include "db/stmt.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	[DB_SIGNER_REGISTERED] = "registered", [DB_SIGNER_ANNOUNCED] = "announced",
	[DB_SIGNER_ACTIVE] = "active",         [DB_SIGNER_PREVIOUS] = "previous",
	[DB_SIGNER_RETIRED] = "retired",
};

const char *db_signer_state_name(enum db_signer_state s)
{
	return s <= DB_SIGNER_RETIRED ? state_names[s] : "unknown";
}

int db_signer_label_check(const char *label, char *err, size_t errlen)
{
	size_t n = label ? strlen(label) : 0;
	if (n == 0 || n > 63 || strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return db_msg(1, err, errlen, "signer label '%s' must be 1 to 63 letters, digits, '.', '_' or '-'",
			      label ? label : "");
	return 0;
}

/* --- reading --------------------------------------------------------------- */

void db_signers_free(struct db_signer *s, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(s[i].key);
		free(s[i].cert_der);
	}
	free(s);
}

static int fill(sqlite3_stmt *st, struct db_signer *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	snprintf(s->label, sizeof s->label, "%s", (const char *)sqlite3_column_text(st, 1));
	s->key = db_column_strdup(st, 2);
	s->cert_len = (size_t)sqlite3_column_bytes(st, 3);
	s->cert_der = malloc(s->cert_len ? s->cert_len : 1);
	if (!s->key || !s->cert_der)
		return -1;
	memcpy(s->cert_der, sqlite3_column_blob(st, 3), s->cert_len);
	snprintf(s->cert_sha256, sizeof s->cert_sha256, "%s", (const char *)sqlite3_column_text(st, 4));
	s->registered_at = sqlite3_column_int64(st, 5);
	s->announced_at = sqlite3_column_int64(st, 6);
	s->switched_at = sqlite3_column_int64(st, 7);
	s->retired_at = sqlite3_column_int64(st, 8);
	return 0;
}

/* The state follows from the events: retired once retired; the signer of
 * the last switch is active, an earlier one previous; else announced or
 * only registered. */
static void set_states(struct db_signer *s, size_t n, int64_t last_switch_id, const int64_t *switch_ids)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].retired_at)
			s[i].state = DB_SIGNER_RETIRED;
		else if (s[i].switched_at)
			s[i].state = switch_ids[i] == last_switch_id ? DB_SIGNER_ACTIVE : DB_SIGNER_PREVIOUS;
		else
			s[i].state = s[i].announced_at ? DB_SIGNER_ANNOUNCED : DB_SIGNER_REGISTERED;
	}
}

#define EVENT(e, what) "(SELECT " what " FROM signer_event v WHERE v.signer_id = s.id AND v.event = '" e \
		       "' ORDER BY v.id DESC LIMIT 1)"

struct signer_rows {
	struct db_signer *rows;
	int64_t *switch_ids; /* per row: the id of its last switch event */
	size_t count, cap, idcap;
	int64_t last_switch;
};

static int add_signer_row(sqlite3_stmt *st, void *ctx)
{
	struct signer_rows *r = ctx;
	struct db_signer *grown = db_array_grow(r->rows, &r->cap, r->count, sizeof *grown);
	if (!grown)
		return SQLITE_NOMEM;
	r->rows = grown;
	int64_t *ids = db_array_grow(r->switch_ids, &r->idcap, r->count, sizeof *ids);
	if (!ids)
		return SQLITE_NOMEM;
	r->switch_ids = ids;
	int filled = fill(st, &r->rows[r->count]);
	r->count++; /* what fill took is freed with the rest on failure */
	if (filled != 0)
		return SQLITE_NOMEM;
	r->switch_ids[r->count - 1] = sqlite3_column_int64(st, 9);
	r->last_switch = sqlite3_column_int64(st, 10);
	return 0;
}

int db_signers_list(struct db *db, struct db_signer **out, size_t *count, char *err, size_t errlen)
{
	struct signer_rows r = {0};
	int rc = db_stmt_each(db, "cannot read the signers",
			      "SELECT s.id, s.label, s.key, s.cert_der, s.cert_sha256, s.recorded_at, "
			      "coalesce(" EVENT("announce", "v.recorded_at") ", 0), "
			      "coalesce(" EVENT("switch", "v.recorded_at") ", 0), "
			      "coalesce(" EVENT("retire", "v.recorded_at") ", 0), "
			      "coalesce(" EVENT("switch", "v.id") ", 0), "
			      "(SELECT coalesce(max(id), 0) FROM signer_event WHERE event = 'switch') "
			      "FROM signer s ORDER BY s.id",
			      DB_NO_ARGS, add_signer_row, &r, err, errlen);
	if (rc == 0)
		set_states(r.rows, r.count, r.last_switch, r.switch_ids);
	free(r.switch_ids);
	if (rc != 0) {
		db_signers_free(r.rows, r.count);
		*out = NULL;
		*count = 0;
		return rc == SQLITE_NOMEM ? db_msg(-1, err, errlen, "out of memory") : -1;
	}
	*out = r.rows;
	*count = r.count;
	return 0;
}

int db_signer_plan_load(struct db *db, struct db_signer_plan *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof *plan);
	int rc = db_signers_list(db, &plan->all, &plan->count, err, errlen);
	for (size_t i = 0; rc == 0 && i < plan->count; i++)
		if (plan->all[i].state == DB_SIGNER_ACTIVE)
			plan->active = &plan->all[i];
	return rc;
}

void db_signer_plan_free(struct db_signer_plan *plan)
{
	db_signers_free(plan->all, plan->count);
	memset(plan, 0, sizeof *plan);
}

/* --- corrections ------------------------------------------------------------- */

static int find(struct db *db, const char *label, struct db_signer *out, char *err, size_t errlen)
{
	struct db_signer *all;
	size_t n;
	if (db_signers_list(db, &all, &n, err, errlen))
		return -1;
	int rc = db_msg(1, err, errlen, "no signer '%s' is registered (vntl signer list)", label);
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].label, label) == 0) {
			*out = all[i];
			all[i].key = NULL;
			all[i].cert_der = NULL;
			rc = 0;
		}
	db_signers_free(all, n);
	return rc;
}

static void signer_clear(struct db_signer *s)
{
	free(s->key);
	free(s->cert_der);
	memset(s, 0, sizeof *s);
}

int db_signer_describe(const struct db_correction_input *in, char target[96], json_t *p, char *err,
		       size_t errlen)
{
	if (db_signer_label_check(in->signer, err, errlen))
		return 1;
	snprintf(target, 96, "signer:%s", in->signer);
	if (in->action == DB_FIX_SIGNER_SWITCH)
		return in->signer_wait < 0 ? db_msg(1, err, errlen, "a negative announcement period")
					   : json_object_set_new(p, "wait", json_integer(in->signer_wait));
	if (in->action != DB_FIX_SIGNER_REGISTER)
		return 0;
	if (!in->signer_key || !*in->signer_key || strlen(in->signer_key) > 1024 || strchr(in->signer_key, '\n'))
		return db_msg(1, err, errlen, "a signer's key is a PEM file path or a pkcs11: URI (--key)");
	const unsigned char *d = in->signer_cert_der;
	X509 *cert = d ? d2i_X509(NULL, &d, (long)in->signer_cert_len) : NULL;
	int whole = cert && d == in->signer_cert_der + in->signer_cert_len;
	X509_free(cert);
	if (!whole)
		return db_msg(1, err, errlen, "signer '%s': the certificate (--cert) is not one X.509 certificate",
			      in->signer);
	char sha[65], *b64 = malloc(4 * (in->signer_cert_len / 3 + 1) + 1);
	unsigned char md[32];
	if (!b64 || !EVP_Digest(in->signer_cert_der, in->signer_cert_len, md, NULL, EVP_sha256(), NULL)) {
		free(b64);
		return db_msg(-1, err, errlen, "out of memory");
	}
	hex_encode(md, sizeof md, sha);
	EVP_EncodeBlock((unsigned char *)b64, in->signer_cert_der, (int)in->signer_cert_len);
	int rc = json_object_set_new(p, "key", json_string(in->signer_key)) ||
		 json_object_set_new(p, "cert", json_string(b64)) ||
		 json_object_set_new(p, "cert_sha256", json_string(sha));
	free(b64);
	return rc ? db_msg(-1, err, errlen, "out of memory") : 0;
}

static int check_register(struct db *db, const char *label, json_t *p, char *err, size_t errlen)
{
	struct db_signer *all;
	size_t n;
	if (db_signers_list(db, &all, &n, err, errlen))
		return -1;
	const char *sha = json_string_value(json_object_get(p, "cert_sha256"));
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (strcmp(all[i].label, label) == 0)
			rc = db_msg(1, err, errlen, "a signer '%s' is already registered", label);
		else if (sha && strcmp(all[i].cert_sha256, sha) == 0)
			rc = db_msg(1, err, errlen, "signer '%s' already has this certificate (SHA-256 %s)", all[i].label,
				    sha);
	db_signers_free(all, n);
	return rc;
}

int db_signer_check(struct db *db, int action, const char *label, json_t *p, char *err, size_t errlen)
{
	if (action == DB_FIX_SIGNER_REGISTER)
		return check_register(db, label, p, err, errlen);
	struct db_signer s = {0};
	int rc = find(db, label, &s, err, errlen);
	if (rc)
		return rc;
	const char *state = db_signer_state_name(s.state);
	if (action == DB_FIX_SIGNER_ANNOUNCE && s.state != DB_SIGNER_REGISTERED)
		rc = db_msg(1, err, errlen, "signer '%s' is %s: only a signer just registered is announced", label, state);
	else if (action == DB_FIX_SIGNER_SWITCH && s.state != DB_SIGNER_ANNOUNCED)
		rc = db_msg(1, err, errlen, "signer '%s' is %s: the lists switch only to an announced signer (vntl "
			    "signer announce), so that relying parties know it first", label, state);
	else if (action == DB_FIX_SIGNER_RETIRE && s.state != DB_SIGNER_ANNOUNCED && s.state != DB_SIGNER_PREVIOUS)
		rc = db_msg(1, err, errlen, "signer '%s' is %s: only an announced or a previous signer is retired%s",
			    label, state, s.state == DB_SIGNER_ACTIVE ? " (switch to its successor first)" : "");
	int64_t wait = json_integer_value(json_object_get(p, "wait"));
	if (rc == 0 && action == DB_FIX_SIGNER_SWITCH && db_now() < s.announced_at + wait)
		rc = db_msg(1, err, errlen, "signer '%s' was announced at %" PRId64 " and the lists switch to it "
			    "no earlier than %" PRId64 " (publish.signer_announce_days): relying parties need the "
			    "announcement first", label, s.announced_at, s.announced_at + wait);
	signer_clear(&s);
	return rc;
}

static int insert_register(struct db *db, const char *label, json_t *p, int64_t correction_id, char *err,
			   size_t errlen)
{
	const char *b64 = json_string_value(json_object_get(p, "cert"));
	size_t len = 0;
	unsigned char *der = b64 ? base64_decode(b64, strlen(b64), &len) : NULL;
	int rc = !der ? db_msg(-1, err, errlen, "the correction's certificate cannot be read")
		      : db_stmt_exec(db, "cannot record the signer",
				     "INSERT INTO signer (label, key, cert_der, cert_sha256, correction_id, "
				     "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
				     DB_ARGS(db_arg_text(label),
					     db_arg_text(json_string_value(json_object_get(p, "key"))),
					     db_arg_blob(der, len),
					     db_arg_text(json_string_value(json_object_get(p, "cert_sha256"))),
					     db_arg_int(correction_id), db_arg_int(db_now())),
				     err, errlen);
	free(der);
	return rc;
}

int db_signer_apply(struct db *db, int action, const char *label, json_t *p, int64_t correction_id,
		    char *err, size_t errlen)
{
	int rc = db_signer_check(db, action, label, p, err, errlen);
	if (rc)
		return rc;
	if (action == DB_FIX_SIGNER_REGISTER)
		return insert_register(db, label, p, correction_id, err, errlen);
	const char *event = action == DB_FIX_SIGNER_ANNOUNCE ? "announce"
			    : action == DB_FIX_SIGNER_SWITCH ? "switch" : "retire";
	rc = db_stmt_exec(db, "cannot record the signer's step",
			  "INSERT INTO signer_event (signer_id, event, correction_id, recorded_at) "
			  "SELECT id, ?, ?, ? FROM signer WHERE label = ?",
			  DB_ARGS(db_arg_text(event), db_arg_int(correction_id), db_arg_int(db_now()),
				  db_arg_text(label)),
			  err, errlen);
	if (rc == 0 && sqlite3_changes(db->h) != 1)
		rc = db_msg(-1, err, errlen, "cannot record the signer's step: no signer '%s'", label);
	return rc;
}
