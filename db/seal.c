/* Seals: row digests recorded in the audit log, and the check the
 * publisher runs before signing (see seal.h). */
#include "db/seal.h"

#include "common/hex.h"
#include "db/audit.h"
#include "db/db_internal.h"
#include "db/stmt.h"
#include "db/tsp.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum seal_kind { SEAL_TSP = 0, SEAL_SERVICE = 1, SEAL_STATUS = 2 };
static const char *const kind_names[] = {"tsp", "service", "status"};

/* --- digests ---------------------------------------------------------- */

/* One SHA-256 fetched and one context, reused for every row of a check
 * (the implicit fetch of EVP_sha256() per row would cost more than the
 * hashing). */
struct hasher {
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	int ok;
};

static int hasher_open(struct hasher *h)
{
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->ctx = EVP_MD_CTX_new();
	h->ok = 1;
	return h->md && h->ctx ? 0 : -1;
}

static void hasher_close(struct hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
}

/* Length-prefixed like the audit entries, so no two rows hash the same
 * bytes; NULL counts as "" (the lists publish neither). */
static void add_text(struct hasher *d, const char *value)
{
	const char *v = value ? value : "";
	char len[24];
	int n = snprintf(len, sizeof len, "%zu:", strlen(v));
	d->ok = d->ok && EVP_DigestUpdate(d->ctx, len, (size_t)n) && EVP_DigestUpdate(d->ctx, v, strlen(v)) &&
		EVP_DigestUpdate(d->ctx, "\n", 1);
}

static void add_int(struct hasher *d, int64_t value)
{
	char text[24];
	snprintf(text, sizeof text, "%" PRId64, value);
	add_text(d, text);
}

static void digest_begin(struct hasher *d, enum seal_kind kind, int64_t id)
{
	d->ok = EVP_DigestInit_ex2(d->ctx, d->md, NULL) && EVP_DigestUpdate(d->ctx, "vntl-seal-v1\n", 13);
	add_text(d, kind_names[kind]);
	add_int(d, id);
}

static int digest_end(struct hasher *d, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	d->ok = d->ok && EVP_DigestFinal_ex(d->ctx, md, &n);
	if (!d->ok)
		return -1;
	hex_encode(md, n, out);
	return 0;
}

static int tsp_digest(struct hasher *d, const struct db_tsp *t, char out[65])
{
	digest_begin(d, SEAL_TSP, t->id);
	add_int(d, t->kind);
	add_text(d, t->name_vi);
	add_text(d, t->name_en);
	add_text(d, t->trade_name);
	add_text(d, t->street);
	add_text(d, t->locality);
	add_text(d, t->country);
	add_text(d, t->uri);
	add_text(d, t->email);
	/* Only when set, so that the seals of every TSP never retired stay valid. */
	if (t->retired)
		add_text(d, "retired");
	return digest_end(d, out);
}

/* Covers the certificate's bytes themselves, not only the stored hash. */
static int service_digest(struct hasher *d, int64_t tsp_id, const struct db_service *s, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char der_sha256[65];
	if (!EVP_DigestInit_ex2(d->ctx, d->md, NULL) || !EVP_DigestUpdate(d->ctx, s->cert_der, s->cert_der_len) ||
	    !EVP_DigestFinal_ex(d->ctx, md, &n))
		return -1;
	hex_encode(md, n, der_sha256);
	digest_begin(d, SEAL_SERVICE, s->id);
	add_int(d, tsp_id);
	add_text(d, s->type_uri);
	add_text(d, s->name_vi);
	add_text(d, s->name_en);
	add_text(d, s->cert_sha256);
	add_text(d, der_sha256);
	return digest_end(d, out);
}

static int status_digest(struct hasher *d, int64_t service_id, const struct db_status_entry *e, char out[65])
{
	digest_begin(d, SEAL_STATUS, e->id);
	add_int(d, service_id);
	add_int(d, e->status);
	add_int(d, e->effective);
	add_text(d, e->reason);
	add_text(d, e->decision_ref);
	return digest_end(d, out);
}

/* --- sealing rows as they are written ----------------------------------- */

static int put_seal(json_t *rows, enum seal_kind kind, int64_t id, const char *digest, char *err, size_t errlen)
{
	char key[48];
	snprintf(key, sizeof key, "%s:%" PRId64, kind_names[kind], id);
	if (json_object_set_new(rows, key, json_string(digest)))
		return db_msg(-1, err, errlen, "out of memory");
	return 0;
}

int db_seal_tsp(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen)
{
	struct db_tsp t;
	int rc = db_tsp_get(db, id, &t, err, errlen);
	if (rc)
		return rc < 0 ? rc : -1;
	char digest[65];
	struct hasher h;
	rc = hasher_open(&h) || tsp_digest(&h, &t, digest) ? db_msg(-1, err, errlen, "cannot hash TSP %" PRId64, id)
							   : put_seal(rows, SEAL_TSP, id, digest, err, errlen);
	hasher_close(&h);
	db_tsp_clear(&t);
	return rc;
}

static int seal_timeline(struct db *db, struct hasher *h, int64_t service_id, json_t *rows, char *err,
			 size_t errlen)
{
	struct db_status_entry *tl;
	size_t n;
	if (db_service_timeline(db, service_id, &tl, &n, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char digest[65];
		if (rc == 0)
			rc = status_digest(h, service_id, &tl[i], digest)
				     ? db_msg(-1, err, errlen, "cannot hash a status entry")
				     : put_seal(rows, SEAL_STATUS, tl[i].id, digest, err, errlen);
		free(tl[i].reason);
		free(tl[i].decision_ref);
	}
	free(tl);
	return rc;
}

/* One row being sealed: the row callback hashes it while SQLite holds it. */
struct row_seal {
	struct hasher h;
	int hashed;
	char digest[65];
};

static int service_seal_row(sqlite3_stmt *st, void *ctx)
{
	struct row_seal *r = ctx;
	struct db_service s = {
		.id = sqlite3_column_int64(st, 6),
		.type_uri = (char *)sqlite3_column_text(st, 1),
		.name_vi = (char *)sqlite3_column_text(st, 2),
		.name_en = (char *)sqlite3_column_text(st, 3),
		.cert_der = (unsigned char *)sqlite3_column_blob(st, 4),
		.cert_der_len = (size_t)sqlite3_column_bytes(st, 4),
	};
	snprintf(s.cert_sha256, sizeof s.cert_sha256, "%s", (const char *)sqlite3_column_text(st, 5));
	r->hashed = service_digest(&r->h, sqlite3_column_int64(st, 0), &s, r->digest) == 0;
	return 0;
}

static int status_seal_row(sqlite3_stmt *st, void *ctx)
{
	struct row_seal *r = ctx;
	struct db_status_entry e = {
		.status = (enum db_status)sqlite3_column_int(st, 1),
		.effective = sqlite3_column_int64(st, 2),
		.reason = (char *)sqlite3_column_text(st, 3),
		.decision_ref = (char *)sqlite3_column_text(st, 4),
		.id = sqlite3_column_int64(st, 5),
	};
	r->hashed = status_digest(&r->h, sqlite3_column_int64(st, 0), &e, r->digest) == 0;
	return 0;
}

/* Read row `id` of `kind` with `sql` (binding ?1 = id), hash it with `row`
 * and add its seal to `rows`; r->h stays open for the caller to close. */
static int seal_row(struct db *db, enum seal_kind kind, int64_t id, const char *sql, db_row_fn *row,
		    struct row_seal *r, json_t *rows, char *err, size_t errlen)
{
	char what[64];
	snprintf(what, sizeof what, "cannot read the %s to seal", kind_names[kind]);
	if (hasher_open(&r->h))
		return db_msg(-1, err, errlen, "cannot hash %s %" PRId64, kind_names[kind], id);
	int rc = db_stmt_one(db, what, sql, DB_ARGS(db_arg_int(id)), row, r, err, errlen);
	if (rc == 1)
		return db_msg(-1, err, errlen, "%s: no %s %" PRId64, what, kind_names[kind], id);
	if (rc)
		return rc;
	if (!r->hashed)
		return db_msg(-1, err, errlen, "cannot hash %s %" PRId64, kind_names[kind], id);
	return put_seal(rows, kind, id, r->digest, err, errlen);
}

int db_seal_service(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen)
{
	struct row_seal r = {0};
	int rc = seal_row(db, SEAL_SERVICE, id, "SELECT s.tsp_id, s.type_uri, s.name_vi, s.name_en, c.der, c.sha256, "
			  "s.id FROM service_now s JOIN cert c ON c.id = s.cert_id WHERE s.id = ?", service_seal_row, &r,
			  rows, err, errlen);
	if (rc == 0)
		rc = seal_timeline(db, &r.h, id, rows, err, errlen);
	hasher_close(&r.h);
	return rc;
}

int db_seal_status(struct db *db, int64_t id, json_t *rows, char *err, size_t errlen)
{
	struct row_seal r = {0};
	int rc = seal_row(db, SEAL_STATUS, id, "SELECT service_id, status, effective, reason, decision_ref, id "
			  "FROM status_history WHERE id = ?", status_seal_row, &r, rows, err, errlen);
	hasher_close(&r.h);
	return rc;
}

int db_seal_baseline_precheck(struct db *db, const char *path, char *err, size_t errlen)
{
	struct db_audit_verdict v;
	if (db_audit_verify(db, &v, err, errlen))
		return -1;
	if (v.kind == DB_AUDIT_INTACT)
		return 0;
	return db_msg(1, err, errlen,
		      "%s: not migrated: its audit chain is broken (%s), and migrating seals the rows as they "
		      "are: restore the registry from backup; the database was not touched", path, v.message);
}

struct seal_all_services {
	struct db *db;
	json_t *rows;
	char *err;
	size_t errlen;
};

static int seal_service_row(sqlite3_stmt *st, void *ctx)
{
	struct seal_all_services *a = ctx;
	return db_seal_service(a->db, sqlite3_column_int64(st, 0), a->rows, a->err, a->errlen);
}

static int seal_all(struct db *db, json_t *rows, char *err, size_t errlen)
{
	struct db_tsp *tsps;
	size_t n;
	if (db_tsp_list(db, &tsps, &n, err, errlen))
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = db_seal_tsp(db, tsps[i].id, rows, err, errlen);
	db_tsps_free(tsps, n);
	if (rc)
		return -1;
	struct seal_all_services each = {db, rows, err, errlen};
	return db_stmt_each(db, "cannot list services", "SELECT id FROM service ORDER BY id", DB_NO_ARGS,
			    seal_service_row, &each, err, errlen);
}

int db_seal_baseline(struct db *db, int from_version, char *err, size_t errlen)
{
	json_t *rows = json_object();
	if (!rows)
		return db_msg(-1, err, errlen, "out of memory");
	int rc = seal_all(db, rows, err, errlen);
	if (rc) {
		json_decref(rows);
		return rc;
	}
	/* "o" takes the reference to rows, even when packing fails */
	return db_audit_append_json(db, "vntl init", "registry.baseline", "registry",
				    json_pack("{si so}", "from_version", from_version, "rows", rows), err, errlen);
}

/* --- checking a snapshot against the seals ------------------------------ */

struct seal {
	enum seal_kind kind;
	int64_t id;
	int64_t entry;   /* the audit entry that recorded it */
	char digest[65];
	int seen;
};

struct seals {
	struct seal *v;
	size_t count, cap;
	struct hasher h;
};

static int parse_key(const char *key, enum seal_kind *kind, int64_t *id)
{
	for (int k = SEAL_TSP; k <= SEAL_STATUS; k++) {
		size_t n = strlen(kind_names[k]);
		if (strncmp(key, kind_names[k], n) == 0 && key[n] == ':') {
			char *end;
			long long v = strtoll(key + n + 1, &end, 10);
			if (*end || end == key + n + 1 || v <= 0)
				return -1;
			*kind = (enum seal_kind)k;
			*id = v;
			return 0;
		}
	}
	return -1;
}

static int add_seal(struct seals *s, int64_t entry, const char *key, const char *digest, char *err, size_t errlen)
{
	struct seal *grown = db_array_grow(s->v, &s->cap, s->count, sizeof *grown);
	if (!grown)
		return db_msg(-1, err, errlen, "out of memory");
	s->v = grown;
	struct seal *x = &s->v[s->count];
	if (!key || !digest || parse_key(key, &x->kind, &x->id) || strlen(digest) != 64)
		return db_msg(1, err, errlen, "audit entry #%" PRId64 " holds a malformed seal '%s'", entry,
			      key ? key : "");
	x->entry = entry;
	x->seen = 0;
	memcpy(x->digest, digest, sizeof x->digest);
	s->count++;
	return 0;
}

static int seal_order(const void *a, const void *b)
{
	const struct seal *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Every seal recorded up to `head`, in one pass over the log, sorted for
 * lookup; when a row was sealed twice the later entry counts. */
struct seal_loading {
	struct seals *seals;
	char *err;
	size_t errlen;
};

static int seal_from_row(sqlite3_stmt *st, void *ctx)
{
	struct seal_loading *l = ctx;
	return add_seal(l->seals, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2), l->err, l->errlen);
}

static int load_seals(struct db *db, int64_t head, struct seals *s, char *err, size_t errlen)
{
	struct seal_loading l = {s, err, errlen};
	/* SQLite's JSON functions read the seals: no detail is parsed in C */
	int rc = db_stmt_each(db, "cannot read the seals of the audit log",
			      "SELECT a.id, r.key, r.value FROM audit a, json_each(a.detail, '$.rows') r "
			      "WHERE a.id <= ? AND instr(a.detail, '\"rows\":') > 0 ORDER BY a.id",
			      DB_ARGS(db_arg_int(head)), seal_from_row, &l, err, errlen);
	if (rc || s->count == 0)
		return rc;
	qsort(s->v, s->count, sizeof *s->v, seal_order);
	size_t out = 0;
	for (size_t i = 0; i < s->count; i++) {
		if (out > 0 && s->v[out - 1].kind == s->v[i].kind && s->v[out - 1].id == s->v[i].id)
			out--;
		s->v[out++] = s->v[i];
	}
	s->count = out;
	return 0;
}

static struct seal *find_seal(struct seals *s, enum seal_kind kind, int64_t id)
{
	struct seal key = {.kind = kind, .id = id, .entry = INT64_MAX};
	size_t lo = 0, hi = s->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (seal_order(&s->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo: first seal after (kind, id, MAX); the match, if any, precedes it */
	if (lo > 0 && s->v[lo - 1].kind == kind && s->v[lo - 1].id == id)
		return &s->v[lo - 1];
	return NULL;
}

#define OUTSIDE "the registry was modified outside vntl: restore it from backup"

/* 0 when the row's digest matches its seal; else 1 with `what` named. */
static int match(struct seals *s, enum seal_kind kind, int64_t id, int ok, const char *digest,
		 const char *what, char *err, size_t errlen)
{
	if (!ok)
		return db_msg(-1, err, errlen, "cannot hash %s", what);
	struct seal *x = find_seal(s, kind, id);
	if (!x)
		return db_msg(1, err, errlen, "%s is recorded by no audit entry: " OUTSIDE, what);
	x->seen = 1;
	if (strcmp(x->digest, digest) != 0)
		return db_msg(1, err, errlen, "%s does not match audit entry #%" PRId64 ": " OUTSIDE, what, x->entry);
	return 0;
}

static int check_service(struct seals *s, const struct db_tsp *t, const struct db_service *svc, char *err,
			 size_t errlen)
{
	char digest[65], what[96];
	snprintf(what, sizeof what, "service %" PRId64 " (certificate %.16s…)", svc->id, svc->cert_sha256);
	int rc = match(s, SEAL_SERVICE, svc->id, service_digest(&s->h, t->id, svc, digest) == 0, digest, what, err,
		       errlen);
	for (size_t k = 0; k < svc->timeline_count && rc == 0; k++) {
		snprintf(what, sizeof what, "service %" PRId64 " timeline entry %zu (status entry %" PRId64 ")",
			 svc->id, k + 1, svc->timeline[k].id);
		rc = match(s, SEAL_STATUS, svc->timeline[k].id, status_digest(&s->h, svc->id, &svc->timeline[k], digest) == 0,
			   digest, what, err, errlen);
	}
	return rc;
}

static int check_rows(struct seals *s, const struct db_snapshot *snap, char *err, size_t errlen)
{
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *t = &snap->tsps[i];
		char digest[65], what[64];
		snprintf(what, sizeof what, "TSP %" PRId64, t->id);
		int rc = match(s, SEAL_TSP, t->id, tsp_digest(&s->h, t, digest) == 0, digest, what, err, errlen);
		for (size_t j = 0; j < t->service_count && rc == 0; j++)
			rc = check_service(s, t, &t->services[j], err, errlen);
		if (rc)
			return rc;
	}
	/* Rows are never deleted: a sealed row the snapshot lacks was removed,
	 * e.g. a withdrawal, which would put a certificate back in trust. */
	for (size_t i = 0; i < s->count; i++)
		if (!s->v[i].seen)
			return db_msg(1, err, errlen, "%s %" PRId64 ", recorded by audit entry #%" PRId64
				      ", is missing from the registry: " OUTSIDE,
				      s->v[i].kind == SEAL_TSP ? "TSP" : s->v[i].kind == SEAL_SERVICE ? "service"
												 : "status entry",
				      s->v[i].id, s->v[i].entry);
	return 0;
}

int db_seal_check(struct db *db, const struct db_snapshot *snap, char *err, size_t errlen)
{
	struct seals s = {0};
	if (hasher_open(&s.h)) {
		hasher_close(&s.h);
		return db_msg(-1, err, errlen, "cannot start SHA-256");
	}
	int rc = db_begin_read(db, err, errlen);
	if (rc == 0) {
		rc = load_seals(db, snap->audit_head_id, &s, err, errlen);
		db_rollback(db);
	}
	if (rc == 0)
		rc = check_rows(&s, snap, err, errlen);
	free(s.v);
	hasher_close(&s.h);
	return rc;
}

int db_seal_check_now(struct db *db, char *err, size_t errlen)
{
	struct db_snapshot *snap;
	if (db_snapshot_load(db, &snap, err, errlen))
		return -1;
	int rc = db_seal_check(db, snap, err, errlen);
	db_snapshot_free(snap);
	return rc;
}

/* quick_check's first line: "ok", or the first fault found. */
static int quick_check_verdict(sqlite3_stmt *st, void *verdict)
{
	const unsigned char *text = sqlite3_column_text(st, 0);
	snprintf(verdict, 256, "%s", text ? (const char *)text : "");
	return 0;
}

static int quick_check(struct db *db, char *err, size_t errlen)
{
	const char *path = sqlite3_db_filename(db->h, "main");
	char verdict[256] = "", failed[512] = "SQLite integrity check failed: no verdict";
	int rc = db_stmt_one(db, "SQLite integrity check failed", "PRAGMA quick_check(1)", DB_NO_ARGS,
			     quick_check_verdict, verdict, failed, sizeof failed);
	if (rc == 0 && strcmp(verdict, "ok") == 0)
		return 0;
	if (rc == 0)
		return db_msg(-1, err, errlen, "%s is damaged (SQLite quick_check: %s): restore it from backup", path,
			      verdict);
	return db_msg(-1, err, errlen, "%s: %s: restore it from backup", path, failed);
}

int db_registry_check(struct db *db, const struct db_snapshot *snap, char *err, size_t errlen)
{
	int rc = quick_check(db, err, errlen);
	if (rc)
		return rc;
	int version = db_schema_version(db);
	if (version != DB_SCHEMA_VERSION)
		return db_msg(1, err, errlen, "the registry has schema version %d, not %d: run vntl init to migrate it",
			      version, DB_SCHEMA_VERSION);
	struct db_audit_verdict v;
	if (db_audit_verify(db, &v, err, errlen))
		return -1;
	if (v.kind != DB_AUDIT_INTACT)
		return db_msg(1, err, errlen, "the audit chain is broken: %s (vntl audit verify): " OUTSIDE,
			      v.message);
	if (v.entries < snap->audit_head_id)
		return db_msg(1, err, errlen, "the audit log ends at #%" PRId64 " before the snapshot's head #%" PRId64
			      ": " OUTSIDE, v.entries, snap->audit_head_id);
	return db_seal_check(db, snap, err, errlen);
}
