/* Importing certificates into the registry, and listing them. */
#include "db/certs.h"
#include "common/rfc3339.h"
#include "db/changes.h"
#include "db/db_internal.h"
#include "db/skeleton.h"
#include "db/stmt.h"
#include "db/text.h"
#include "db/tsp.h"
#include "db/users.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t service_of_cert(struct db *db, const char *sha256)
{
	int64_t id = 0;
	int rc = db_stmt_int64(db, "cannot look up the certificate",
			       "SELECT s.id FROM cert c JOIN service s ON s.cert_id = c.id WHERE c.sha256 = ?",
			       DB_ARGS(db_arg_text(sha256)), &id, NULL, 0);
	return rc < 0 ? -1 : id;
}

/* A registered certificate with another key whose subject is the same, or
 * only looks the same (confusable skeletons, skeleton.h), as `c`'s. */
struct lookalike {
	char sha256[65];     /* empty: none */
	int confusable;      /* 0: the same subject; 1: one that looks the same */
	char subject[256];   /* the registered certificate's subject */
};

struct lookalike_search {
	const char *subject_norm, *skeleton;
	struct lookalike *found;
};

/* 1 (stop) at the first registered subject that is or looks the same. */
static int lookalike_row(sqlite3_stmt *st, void *ctx)
{
	struct lookalike_search *s = ctx;
	const char *norm = (const char *)sqlite3_column_text(st, 2);
	int same = strcmp(norm, s->subject_norm) == 0;
	char *theirs = same ? NULL : db_skeleton(norm);
	int alike = same || (theirs && strcmp(theirs, s->skeleton) == 0);
	free(theirs);
	if (!alike)
		return 0;
	snprintf(s->found->sha256, sizeof s->found->sha256, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(s->found->subject, sizeof s->found->subject, "%s", (const char *)sqlite3_column_text(st, 1));
	s->found->confusable = !same;
	return 1;
}

static int find_lookalike(struct db *db, const struct db_cert_info *c, struct lookalike *out,
			  char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char *mine = db_skeleton(c->subject_norm);
	if (!mine)
		return db_msg(-1, err, errlen, "out of memory");
	struct lookalike_search s = {c->subject_norm, mine, out};
	/* Registries hold hundreds of certificates and imports are rare: a
	 * scan costs less than keeping skeletons in the schema. */
	int rc = db_stmt_each(db, "cannot look for look-alikes",
			      "SELECT sha256, subject, subject_norm FROM cert WHERE spki_sha256 <> ? ORDER BY id",
			      DB_ARGS(db_arg_text(c->spki_sha256)), lookalike_row, &s, err, errlen);
	free(mine);
	return rc < 0 ? -1 : 0;
}

/* The registered certificate that issued `c` among those filed under a
 * NEAC or government CA TSP (their roots, and sub-CAs that were checked
 * against a root when imported): 1 found (its SHA-256 in issuer_sha), 0 none. */
struct issuer_search {
	const struct db_cert_info *cert;
	char *issuer_sha;
};

/* 1 (stop) at the certificate that issued the one searched for. */
static int issuer_row(sqlite3_stmt *st, void *ctx)
{
	struct issuer_search *s = ctx;
	const unsigned char *der = sqlite3_column_blob(st, 1);
	int n = sqlite3_column_bytes(st, 1);
	if (!der || n <= 0 || !db_cert_issued_by(s->cert, der, (size_t)n))
		return 0;
	snprintf(s->issuer_sha, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	return 1;
}

static int find_registered_issuer(struct db *db, const struct db_cert_info *c, char issuer_sha[65],
				  char *err, size_t errlen)
{
	struct issuer_search s = {c, issuer_sha};
	return db_stmt_each(db, "cannot look for the issuing root",
			    "SELECT c.sha256, c.der FROM cert c JOIN service_now s ON s.cert_id = c.id "
			    "JOIN tsp t ON t.id = s.tsp_id WHERE t.kind IN (?, ?) AND c.sha256 <> ? "
			    "ORDER BY c.self_signed DESC, c.id",
			    DB_ARGS(db_arg_int(DB_TSP_NEAC), db_arg_int(DB_TSP_GOV_CA), db_arg_text(c->sha256)),
			    issuer_row, &s, err, errlen);
}

/* Where the certificate sits in Vietnam's PKI (seed 000 art. 4.1): public-CA
 * and government-CA certificates chain to a registered national root; a
 * self-signed certificate is a root only under NEAC or the government CA. */
static int check_pki_place(struct db *db, const struct db_import_options *o, enum db_tsp_kind kind,
			   const struct db_cert_info *c, char *err, size_t errlen)
{
	if (kind == DB_TSP_FOREIGN)
		return 0;
	if (c->self_signed) {
		if (kind != DB_TSP_PUBLIC_CA ||
		    (o->confirm_self_signed && strcasecmp(o->confirm_self_signed, c->sha256) == 0))
			return 0;
		return db_msg(1, err, errlen,
			      "self-signed certificate refused under a public CA: certificate '%s' (SHA-256 %s) "
			      "issued itself, but a public CA's certificate is issued by a national root "
			      "(import roots under the neac or gov-ca TSP); if this is intended, confirm with "
			      "--confirm-self-signed %s", c->subject, c->sha256, c->sha256);
	}
	char issuer_sha[65];
	int found = find_registered_issuer(db, c, issuer_sha, err, errlen);
	if (found < 0)
		return -1;
	if (found)
		return 0;
	return db_msg(1, err, errlen,
		      "no registered root issued certificate '%s' (SHA-256 %s): its issuer '%s' is not a "
		      "root in the registry (or its signature does not verify with that root's key); a %s "
		      "certificate must chain to a root filed under the neac or gov-ca TSP: import that root first",
		      c->subject, c->sha256, c->issuer, db_tsp_kind_name(kind));
}

/* An expired certificate anchors no new signature: it is only imported as
 * history, with its decision dates, so that old signatures can be checked. */
static int check_validity(const struct db_import_options *o, const struct db_cert_info *c, char *err,
			  size_t errlen)
{
	if (c->not_after >= db_now() || o->history)
		return 0;
	char t[32];
	return db_msg(1, err, errlen,
		      "certificate '%s' (SHA-256 %s) expired at %s: an expired certificate is imported only as "
		      "history, to check signatures made before then: add --history, with --effective the date of "
		      "the decision that recognised it and --withdrawn-at DATE if it was withdrawn since",
		      c->subject, c->sha256, rfc3339_format(c->not_after, t));
}

static int insert_cert(struct db *db, const struct db_cert_info *c, int64_t user_id, int64_t *cert_id,
		       char *err, size_t errlen)
{
	return db_stmt_insert(db, "cannot store the certificate",
			      "INSERT INTO cert (sha256, der, subject, subject_norm, issuer, serial, not_before, "
			      "not_after, key_type, key_bits, sig_alg, spki_sha256, self_signed, imported_at, imported_by) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			      DB_ARGS(db_arg_text(c->sha256), db_arg_blob(c->der, c->der_len), db_arg_text(c->subject),
				      db_arg_text(c->subject_norm), db_arg_text(c->issuer), db_arg_text(c->serial),
				      db_arg_int(c->not_before), db_arg_int(c->not_after), db_arg_text(c->key_type),
				      db_arg_int(c->key_bits), db_arg_text(c->sig_alg), db_arg_text(c->spki_sha256),
				      db_arg_int(c->self_signed), db_arg_int(db_now()), db_arg_int(user_id)),
			      cert_id, err, errlen);
}

static int insert_status(struct db *db, int64_t service_id, enum db_status status, int64_t effective,
			 const char *reason, const char *decision_ref, char *err, size_t errlen)
{
	return db_stmt_exec(db, "cannot store a status of the timeline",
			    "INSERT INTO status_history (service_id, status, effective, reason, decision_ref, "
			    "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
			    DB_ARGS(db_arg_int(service_id), db_arg_int(status), db_arg_int(effective),
				    db_arg_text(reason), db_arg_text(decision_ref), db_arg_int(db_now())),
			    err, errlen);
}

static int insert_service(struct db *db, const struct db_import_options *o, const struct db_cert_info *c,
			  int64_t cert_id, enum db_status status, int64_t effective, int64_t *service_id,
			  char *err, size_t errlen)
{
	/* The service row holds the last entry of the timeline. */
	if (db_stmt_insert(db, "cannot store the service",
			   "INSERT INTO service (tsp_id, cert_id, type_uri, name_vi, name_en, status, status_since) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?)",
			   DB_ARGS(db_arg_int(o->tsp_id), db_arg_int(cert_id),
				   db_arg_text(o->service_type ? o->service_type : DB_SVCTYPE_CA_PKC),
				   db_arg_text(o->name_vi ? o->name_vi : c->common_name),
				   db_arg_text(o->name_en ? o->name_en : c->common_name),
				   db_arg_int(o->withdrawn_at ? DB_STATUS_WITHDRAWN : status),
				   db_arg_int(o->withdrawn_at ? o->withdrawn_at : effective)),
			   service_id, err, errlen))
		return -1;
	if (insert_status(db, *service_id, status, effective,
			  o->reason ? o->reason : "initial import", o->decision_ref, err, errlen))
		return -1;
	if (!o->withdrawn_at)
		return 0;
	char when[32], reason[96];
	snprintf(reason, sizeof reason, "withdrawn on %s (recorded on import as history)",
		 rfc3339_format(o->withdrawn_at, when));
	return insert_status(db, *service_id, DB_STATUS_WITHDRAWN, o->withdrawn_at, reason, o->decision_ref,
			     err, errlen);
}

static int audit_import(struct db *db, const struct db_import_options *o, const struct db_cert_info *c,
			const struct db_import_item *item, enum db_status status, int64_t effective,
			char *err, size_t errlen)
{
	json_t *d = json_pack("{ss ss sI sI ss ss sI ss ss}", "sha256", c->sha256, "subject", c->subject,
			      "tsp", (json_int_t)o->tsp_id, "service", (json_int_t)item->service_id,
			      "type", o->service_type ? o->service_type : DB_SVCTYPE_CA_PKC,
			      "status", db_status_name(status), "effective", (json_int_t)effective,
			      "decision_ref", o->decision_ref, "reason", o->reason ? o->reason : "initial import");
	if (d && item->lookalike_of[0])
		json_object_set_new(d, "lookalike_of_confirmed", json_string(item->lookalike_of));
	if (d && o->confirm_self_signed && c->self_signed && strcasecmp(o->confirm_self_signed, c->sha256) == 0)
		json_object_set_new(d, "self_signed_confirmed", json_true());
	if (d && o->history)
		json_object_set_new(d, "history", json_true());
	if (d && o->withdrawn_at)
		json_object_set_new(d, "withdrawn_at", json_integer((json_int_t)o->withdrawn_at));
	json_t *rows = json_object();
	int sealed = d && rows && json_object_set(d, "rows", rows) == 0
			     ? db_seal_service(db, item->service_id, rows, err, errlen)
			     : db_msg(-1, err, errlen, "out of memory");
	json_decref(rows);
	if (sealed) {
		json_decref(d);
		return sealed;
	}
	char object[80];
	snprintf(object, sizeof object, "cert:%s", c->sha256);
	return db_audit_append_json(db, o->actor, "cert.import", object, d, err, errlen);
}

static int add_item(struct db_import_report *r, enum db_import_outcome outcome, const struct db_cert_info *c,
		    int64_t service_id)
{
	struct db_import_item *n = realloc(r->items, (r->count + 1) * sizeof *n);
	if (!n)
		return -1;
	r->items = n;
	struct db_import_item *it = &r->items[r->count++];
	memset(it, 0, sizeof *it);
	it->outcome = outcome;
	memcpy(it->sha256, c->sha256, sizeof it->sha256);
	it->subject = strdup(c->subject);
	it->service_id = service_id;
	return it->subject ? 0 : -1;
}

/* A withdrawn certificate is not "already present": importing it again
 * would not trust it again, and saying nothing would let the officer
 * believe it did. 0 when the service's last status is not withdrawn. */
struct last_status {
	enum db_status status;
	int64_t effective;
	char *decision_ref;
};

static int last_status_from_row(sqlite3_stmt *st, void *ctx)
{
	struct last_status *l = ctx;
	l->status = (enum db_status)sqlite3_column_int(st, 0);
	l->effective = sqlite3_column_int64(st, 1);
	l->decision_ref = db_column_strdup(st, 2);
	return 0;
}

static int refuse_withdrawn(struct db *db, int64_t service_id, const struct db_cert_info *c, char *err,
			    size_t errlen)
{
	struct last_status l = {0};
	int rc = db_stmt_one(db, "cannot read the service's status", "SELECT status, effective, decision_ref "
			     "FROM status_history WHERE service_id = ? ORDER BY effective DESC, id DESC LIMIT 1",
			     DB_ARGS(db_arg_int(service_id)), last_status_from_row, &l, err, errlen);
	if (rc)
		return rc == 1 ? 0 : rc;   /* 1: no timeline, nothing to refuse */
	if (!l.decision_ref) {
		rc = db_msg(-1, err, errlen, "out of memory");
	} else if (l.status == DB_STATUS_WITHDRAWN) {
		char since[32];
		rc = db_msg(1, err, errlen, "certificate %s (%s) is registered as service %" PRId64 ", withdrawn since "
			    "%s (%s): importing it again would not trust it again; to reinstate it, propose a status "
			    "change that another approver approves: vntl change propose --service %" PRId64
			    " --status granted|recognised --reason TEXT --decision REF", c->sha256, c->subject,
			    service_id, rfc3339_format(l.effective, since), l.decision_ref, service_id);
	}
	free(l.decision_ref);
	return rc;
}

static int import_one(struct db *db, const struct db_import_options *o, enum db_tsp_kind kind, int64_t user_id,
		      const struct db_cert_info *c, size_t bundle_size, struct db_import_report *r,
		      char *err, size_t errlen)
{
	int rc;
	int64_t existing = service_of_cert(db, c->sha256);
	if (existing < 0)
		return db_sql_error(db, "cannot look up the certificate", err, errlen);
	if (existing > 0 && (rc = refuse_withdrawn(db, existing, c, err, errlen)))
		return rc;
	if (existing > 0)
		return add_item(r, DB_IMPORT_ALREADY_PRESENT, c, existing) ? db_msg(-1, err, errlen, "out of memory") : 0;
	if (kind == DB_TSP_PUBLIC_CA && c->self_signed && bundle_size > 1)
		return add_item(r, DB_IMPORT_SKIPPED_ROOT, c, 0) ? db_msg(-1, err, errlen, "out of memory") : 0;
	rc = check_pki_place(db, o, kind, c, err, errlen);
	if (rc == 1 && c->not_after < db_now() && !o->history && err) {
		char t[32];
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, "; it also expired at %s", rfc3339_format(c->not_after, t));
	}
	if (rc || (rc = check_validity(o, c, err, errlen)) ||
	    (rc = db_cert_check_policy(c, o->service_type, err, errlen)))
		return rc;
	struct lookalike twin;
	if (find_lookalike(db, c, &twin, err, errlen))
		return -1;
	int confirmed = twin.sha256[0] && o->confirm_lookalike && strcasecmp(o->confirm_lookalike, c->sha256) == 0;
	if (twin.sha256[0] && !confirmed)
		return db_msg(1, err, errlen,
			      "look-alike refused: certificate '%s' (SHA-256 %s) has %s as the registered "
			      "certificate '%s' (SHA-256 %s) but a different key; if this is intended, "
			      "confirm with --confirm-lookalike %s", c->subject, c->sha256,
			      twin.confusable ? "a subject that looks the same" : "the same subject",
			      twin.subject, twin.sha256, c->sha256);
	enum db_status status = db_initial_status(kind);
	int64_t effective = o->effective, cert_id = 0, service_id = 0;
	if (insert_cert(db, c, user_id, &cert_id, err, errlen) ||
	    insert_service(db, o, c, cert_id, status, effective, &service_id, err, errlen))
		return -1;
	if (add_item(r, DB_IMPORT_ADDED, c, service_id))
		return db_msg(-1, err, errlen, "out of memory");
	if (confirmed)
		memcpy(r->items[r->count - 1].lookalike_of, twin.sha256, 65);
	return audit_import(db, o, c, &r->items[r->count - 1], status, effective, err, errlen);
}

static int check_option_texts(const struct db_import_options *o, char *err, size_t errlen)
{
	int rc;
	if ((rc = db_text_check("decision_ref (--decision)", o->decision_ref, DB_TEXT_REF_MAX, 0, err, errlen)) ||
	    (rc = db_text_check("reason (--reason)", o->reason, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE,
				err, errlen)) ||
	    (rc = db_text_check("name_vi (--name-vi)", o->name_vi, DB_TEXT_NAME_MAX, 0, err, errlen)) ||
	    (rc = db_text_check("name_en (--name-en)", o->name_en, DB_TEXT_NAME_MAX, 0, err, errlen)))
		return rc;
	return 0;
}

static int check_options(const struct db_import_options *o, char *err, size_t errlen)
{
	if (!o->decision_ref || !*o->decision_ref)
		return db_msg(1, err, errlen, "an import needs the reference of the decision it records (--decision REF)");
	if (!o->effective)
		return db_msg(1, err, errlen, "an import needs the date of the decision that recognised the "
			      "certificate (--effective DATE): its first status starts then");
	if (o->withdrawn_at && o->withdrawn_at <= o->effective) {
		char t1[32], t2[32];
		return db_msg(1, err, errlen, "--withdrawn-at %s is not after the decision date --effective %s",
			      rfc3339_format(o->withdrawn_at, t1), rfc3339_format(o->effective, t2));
	}
	if (o->withdrawn_at > db_now()) {
		char t[32];
		return db_msg(1, err, errlen, "--withdrawn-at %s is in the future: a withdrawal to come is a change "
			      "(vntl change propose), approved by a second person", rfc3339_format(o->withdrawn_at, t));
	}
	if (check_option_texts(o, err, errlen))
		return 1;
	if (o->service_type && strncmp(o->service_type, DB_SVCTYPE_PREFIX, strlen(DB_SVCTYPE_PREFIX)) != 0)
		return db_msg(1, err, errlen, "service type '%s' is not an ETSI service type URI (%s…)",
			      o->service_type, DB_SVCTYPE_PREFIX);
	return 0;
}

int db_cert_import(struct db *db, const unsigned char *data, size_t len, const char *source,
		   const struct db_import_options *o, struct db_import_report *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	int rc = check_options(o, err, errlen);
	if (rc)
		return rc;
	struct db_cert_bundle b;
	if ((rc = db_cert_parse(data, len, source, &b, err, errlen)))
		return rc;
	if (db_begin_write(db, err, errlen)) {
		db_cert_bundle_free(&b);
		return -1;
	}
	struct db_user u;
	struct db_tsp t;
	rc = db_user_require(db, o->actor, DB_ROLE_OFFICER, &u, err, errlen);
	if (rc == 0 && (rc = db_tsp_get(db, o->tsp_id, &t, err, errlen)) == 0 && t.retired) {
		rc = db_msg(1, err, errlen, "TSP %" PRId64 " (%s) is retired: nothing is imported under it",
			    o->tsp_id, t.name_en);
		db_tsp_clear(&t);
	} else if (rc == 0) {
		/* Roots first: a bundle may carry the root its other certificates chain to. */
		for (int roots = 1; roots >= 0; roots--)
			for (size_t i = 0; i < b.count && rc == 0; i++)
				if (b.certs[i].self_signed == roots)
					rc = import_one(db, o, t.kind, u.id, &b.certs[i], b.count, r, err, errlen);
		db_tsp_clear(&t);
	}
	db_cert_bundle_free(&b);
	if (rc == 0)
		rc = db_commit(db, err, errlen);
	else
		db_rollback(db);
	if (rc)
		db_import_report_free(r);
	return rc;
}

void db_import_report_free(struct db_import_report *r)
{
	for (size_t i = 0; i < r->count; i++)
		free(r->items[i].subject);
	free(r->items);
	r->items = NULL;
	r->count = 0;
}

#define ROW_COLUMNS \
	"s.id, s.tsp_id, t.kind, c.sha256, c.subject, c.issuer, c.serial, s.type_uri, s.name_en, " \
	"c.not_before, c.not_after, c.key_type, c.key_bits, c.sig_alg, " \
	"(SELECT h.status FROM status_history h WHERE h.service_id = s.id AND h.effective <= ?1 " \
	"  ORDER BY h.effective DESC, h.id DESC LIMIT 1), " \
	"(SELECT h.effective FROM status_history h WHERE h.service_id = s.id AND h.effective <= ?1 " \
	"  ORDER BY h.effective DESC, h.id DESC LIMIT 1) " \
	"FROM service_now s JOIN cert c ON c.id = s.cert_id JOIN tsp t ON t.id = s.tsp_id "

static int fill_row(sqlite3_stmt *st, void *row)
{
	struct db_cert_row *r = row;
	memset(r, 0, sizeof *r);
	r->service_id = sqlite3_column_int64(st, 0);
	r->tsp_id = sqlite3_column_int64(st, 1);
	r->tsp_kind = (enum db_tsp_kind)sqlite3_column_int(st, 2);
	snprintf(r->sha256, sizeof r->sha256, "%s", (const char *)sqlite3_column_text(st, 3));
	r->subject = db_column_strdup(st, 4);
	r->issuer = db_column_strdup(st, 5);
	r->serial = db_column_strdup(st, 6);
	r->type_uri = db_column_strdup(st, 7);
	r->name_en = db_column_strdup(st, 8);
	r->not_before = sqlite3_column_int64(st, 9);
	r->not_after = sqlite3_column_int64(st, 10);
	snprintf(r->key_type, sizeof r->key_type, "%s", (const char *)sqlite3_column_text(st, 11));
	r->key_bits = sqlite3_column_int(st, 12);
	snprintf(r->sig_alg, sizeof r->sig_alg, "%s", (const char *)sqlite3_column_text(st, 13));
	r->status_now = (enum db_status)sqlite3_column_int(st, 14);
	r->status_since = sqlite3_column_int64(st, 15);
	return 0;
}

static void clear_row(void *row)
{
	db_cert_row_clear(row);
}

void db_cert_row_clear(struct db_cert_row *r)
{
	free(r->subject);
	free(r->issuer);
	free(r->serial);
	free(r->type_uri);
	free(r->name_en);
	for (size_t i = 0; i < r->timeline_count; i++) {
		free(r->timeline[i].reason);
		free(r->timeline[i].decision_ref);
	}
	free(r->timeline);
}

void db_cert_rows_free(struct db_cert_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_cert_row_clear(&rows[i]);
	free(rows);
}

int db_cert_list(struct db *db, int64_t tsp_id, struct db_cert_row **out, size_t *count, char *err, size_t errlen)
{
	return db_cert_list_page(db, tsp_id, 0, 0, out, count, err, errlen);
}

int db_cert_list_page(struct db *db, int64_t tsp_id, int64_t after_service, size_t limit,
		      struct db_cert_row **out, size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot list certificates",
				 "SELECT " ROW_COLUMNS "WHERE (?2 = 0 OR s.tsp_id = ?2) AND s.id > ?3 ORDER BY s.id LIMIT ?4",
				 DB_ARGS(db_arg_int(db_now()), db_arg_int(tsp_id), db_arg_int(after_service),
					 db_arg_int(limit ? (int64_t)limit : -1)),
				 sizeof **out, fill_row, clear_row, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

static int fill_status_entry(sqlite3_stmt *st, void *entry)
{
	struct db_status_entry *e = entry;
	e->status = (enum db_status)sqlite3_column_int(st, 0);
	e->effective = sqlite3_column_int64(st, 1);
	e->reason = db_column_strdup(st, 2);
	e->decision_ref = db_column_strdup(st, 3);
	e->id = sqlite3_column_int64(st, 4);
	return 0;
}

static void clear_status_entry(void *entry)
{
	struct db_status_entry *e = entry;
	free(e->reason);
	free(e->decision_ref);
}

int db_service_timeline(struct db *db, int64_t service_id, struct db_status_entry **out, size_t *count,
			char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot read a status timeline", "SELECT status, effective, reason, "
				 "decision_ref, id FROM status_history WHERE service_id = ? ORDER BY effective, id",
				 DB_ARGS(db_arg_int(service_id)), sizeof **out, fill_status_entry, clear_status_entry,
				 &rows, count, err, errlen);
	*out = rows;
	return rc;
}

/* The rows a service id, or (at most two) a SHA-256 prefix, matches. */
static int cert_matches(struct db *db, int numeric, const char *key, const char *pattern,
			struct db_cert_row **out, size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot read the certificate",
				 numeric ? "SELECT " ROW_COLUMNS "WHERE s.id = ?2"
					 : "SELECT " ROW_COLUMNS "WHERE c.sha256 LIKE ?2 LIMIT 2",
				 DB_ARGS(db_arg_int(db_now()),
					 numeric ? db_arg_int(strtoll(key, NULL, 10)) : db_arg_text(pattern)),
				 sizeof **out, fill_row, clear_row, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

int db_cert_show(struct db *db, const char *key, struct db_cert_row *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t n = strlen(key);
	int numeric = n > 0 && n < 8 && strspn(key, "0123456789") == n;
	if (!numeric && (n < 8 || n > 64 || strspn(key, "0123456789abcdefABCDEF") != n))
		return db_msg(1, err, errlen, "'%s' is neither a service id nor a SHA-256 prefix of 8+ hex digits", key);
	char pattern[80];
	snprintf(pattern, sizeof pattern, "%s%%", key);
	for (char *p = pattern; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	struct db_cert_row *rows;
	size_t found;
	if (cert_matches(db, numeric, key, pattern, &rows, &found, err, errlen))
		return -1;
	if (found == 1) {
		*out = rows[0];
		free(rows);
	} else {
		db_cert_rows_free(rows, found);
	}
	if (found > 1)
		return db_msg(1, err, errlen, "SHA-256 prefix '%s' matches more than one certificate", key);
	if (!found)
		return db_msg(1, err, errlen, "no certificate or service matches '%s'", key);
	if (db_service_timeline(db, out->service_id, &out->timeline, &out->timeline_count, err, errlen)) {
		db_cert_row_clear(out);
		return -1;
	}
	return 0;
}
