/* Users, roles, provider secrets (PBKDF2) and bearer tokens. */
#include "db/users.h"

#include "common/hex.h"
#include "db/db_internal.h"
#include "db/stmt.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_LEN 16
#define HASH_LEN 32

static int pbkdf2_iterations = DB_PBKDF2_ITERATIONS;

void db_test_set_pbkdf2_iterations(int iterations)
{
	pbkdf2_iterations = iterations > 0 ? iterations : DB_PBKDF2_ITERATIONS;
}

static const struct {
	const char *name;
	unsigned bit;
} role_names[] = {
	{"officer", DB_ROLE_OFFICER},
	{"approver", DB_ROLE_APPROVER},
	{"auditor", DB_ROLE_AUDITOR},
	{"provider", DB_ROLE_PROVIDER},
};
#define ROLE_COUNT (sizeof role_names / sizeof role_names[0])

int db_roles_parse(const char *text, unsigned *roles, char *err, size_t errlen)
{
	*roles = 0;
	const char *p = text;
	while (p && *p) {
		size_t n = strcspn(p, ",");
		size_t i;
		for (i = 0; i < ROLE_COUNT; i++)
			if (strlen(role_names[i].name) == n && strncmp(p, role_names[i].name, n) == 0)
				break;
		if (i == ROLE_COUNT)
			return db_msg(1, err, errlen, "unknown role '%.*s' (roles: officer, approver, auditor, provider)",
				      (int)n, p);
		*roles |= role_names[i].bit;
		p += n + (p[n] == ',');
	}
	if (!*roles)
		return db_msg(1, err, errlen, "no role given (roles: officer, approver, auditor, provider)");
	return 0;
}

void db_roles_format(unsigned roles, char *out, size_t outlen)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ROLE_COUNT; i++)
		if (roles & role_names[i].bit) {
			int n = snprintf(out + used, outlen - used, "%s%s", used ? "," : "", role_names[i].name);
			if (n < 0 || (size_t)n >= outlen - used)
				return;
			used += (size_t)n;
		}
}

/* Lowercase hex without ':' separators; 0 when it is 64 hex digits, else 1. */
int db_fingerprint_normalise(const char *in, char out[65])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ':')
			continue;
		if (!isxdigit((unsigned char)*p) || n == 64)
			return 1;
		out[n++] = (char)tolower((unsigned char)*p);
	}
	out[n] = '\0';
	return n == 64 ? 0 : 1;
}

static int pbkdf2(const char *secret, const unsigned char *salt, size_t saltlen, int iterations,
		  unsigned char out[HASH_LEN])
{
	return PKCS5_PBKDF2_HMAC(secret, (int)strlen(secret), salt, (int)saltlen, iterations, EVP_sha256(),
				 HASH_LEN, out) == 1 ? 0 : -1;
}

static int user_from_row(sqlite3_stmt *st, void *user)
{
	struct db_user *out = user;
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
	out->roles = (unsigned)sqlite3_column_int(st, 2);
	out->tsp_id = sqlite3_column_int64(st, 3);
	out->disabled = sqlite3_column_count(st) > 4 && sqlite3_column_int(st, 4);
	return 0;
}

static int user_query(struct db *db, const char *where, const char *key, struct db_user *out,
		      char *err, size_t errlen)
{
	char sql[256];
	/* A disabled account keeps its name, never its logins. */
	snprintf(sql, sizeof sql, "SELECT id, name, roles, coalesce(tsp_id, 0), disabled_at IS NOT NULL "
		 "FROM account WHERE %s = ?%s", where, strcmp(where, "name") == 0 ? "" : " AND disabled_at IS NULL");
	return db_stmt_one(db, "cannot read users", sql, DB_ARGS(db_arg_text(key)), user_from_row, out, err, errlen);
}

int db_user_get(struct db *db, const char *name, struct db_user *out, char *err, size_t errlen)
{
	int rc = user_query(db, "name", name, out, err, errlen);
	if (rc == 1)
		db_msg(1, err, errlen, "no user named '%s'", name);
	return rc;
}

int db_user_by_cert(struct db *db, const char *fingerprint, struct db_user *out, char *err, size_t errlen)
{
	char fp[65];
	if (db_fingerprint_normalise(fingerprint, fp))
		return db_msg(1, err, errlen, "not a SHA-256 fingerprint");
	int rc = user_query(db, "cert_sha256", fp, out, err, errlen);
	if (rc == 1)
		db_msg(1, err, errlen, "no user holds the client certificate %s", fp);
	return rc;
}

int db_user_require(struct db *db, const char *name, unsigned roles, struct db_user *out,
		    char *err, size_t errlen)
{
	if (!name || !*name)
		return db_msg(1, err, errlen, "this command needs an acting user (--as USER)");
	int rc = db_user_get(db, name, out, err, errlen);
	char object[96];
	snprintf(object, sizeof object, "user:%s", name);
	if (rc == 1)
		return db_refusal(db, name, "unknown-user", object, rc, err);
	if (rc)
		return rc;
	if (out->disabled)
		return db_refusal(db, name, "disabled-user", object,
				  db_msg(1, err, errlen, "user '%s' is disabled", name), err);
	if (!(out->roles & roles)) {
		char want[64], has[64];
		db_roles_format(roles, want, sizeof want);
		db_roles_format(out->roles, has, sizeof has);
		return db_refusal(db, name, "role", object,
				  db_msg(1, err, errlen, "user '%s' (%s) lacks the role needed here: %s", name, has,
					 want), err);
	}
	return 0;
}

int db_user_list(struct db *db, struct db_user **out, size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot list users", "SELECT id, name, roles, coalesce(tsp_id, 0), "
				 "disabled_at IS NOT NULL FROM account ORDER BY id", DB_NO_ARGS, sizeof **out,
				 user_from_row, NULL, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

static int64_t user_count(struct db *db)
{
	int64_t n = -1;
	if (db_stmt_int64(db, "cannot count users", "SELECT count(*) FROM account", DB_NO_ARGS, &n, NULL, 0))
		return -1;
	return n;
}

int db_user_check_input(const struct db_user_input *in, char fp[65], char *err, size_t errlen)
{
	if (!in->name || !*in->name || strlen(in->name) >= 64)
		return db_msg(1, err, errlen, "a user name is required (1 to 63 characters)");
	for (const char *p = in->name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-@", *p))
			return db_msg(1, err, errlen, "user name '%s': use letters, digits and . _ - @ only", in->name);
	if (in->roles & DB_ROLE_PROVIDER) {
		if (in->roles != DB_ROLE_PROVIDER)
			return db_msg(1, err, errlen, "a provider cannot also hold a staff role");
		if (in->tsp_id <= 0)
			return db_msg(1, err, errlen, "a provider needs its TSP (--tsp ID)");
		if (!in->secret || strlen(in->secret) < 16)
			return db_msg(1, err, errlen, "a provider needs a secret of at least 16 characters");
	} else if (in->secret) {
		return db_msg(1, err, errlen, "only providers authenticate with a secret");
	}
	fp[0] = '\0';
	if (in->cert_sha256 && db_fingerprint_normalise(in->cert_sha256, fp))
		return db_msg(1, err, errlen, "client-certificate fingerprint must be 64 hex digits (SHA-256)");
	return 0;
}

int db_secret_derive(const char *secret, struct db_secret *out)
{
	out->iterations = pbkdf2_iterations;
	return RAND_bytes(out->salt, sizeof out->salt) == 1 &&
			       pbkdf2(secret, out->salt, sizeof out->salt, out->iterations, out->hash) == 0
		       ? 0
		       : -1;
}

int db_user_insert(struct db *db, const struct db_user_input *in, const char *fp, const struct db_secret *sec,
		   int64_t *id, char *err, size_t errlen)
{
	int rc = db_stmt_insert(db, "cannot add the user",
				"INSERT INTO account (name, roles, tsp_id, cert_sha256, secret_salt, secret_hash, "
				"secret_iterations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				DB_ARGS(db_arg_text(in->name), db_arg_int((int)in->roles),
					in->tsp_id > 0 ? db_arg_int(in->tsp_id) : db_arg_null(), db_arg_text_or_null(fp),
					sec ? db_arg_blob(sec->salt, sizeof sec->salt) : db_arg_null(),
					sec ? db_arg_blob(sec->hash, sizeof sec->hash) : db_arg_null(),
					sec ? db_arg_int(sec->iterations) : db_arg_null(), db_arg_int(db_now())),
				id, err, errlen);
	if (rc && db_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
		return db_msg(1, err, errlen, "user '%s' or that client certificate already exists", in->name);
	if (rc && db_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
		return db_msg(1, err, errlen, "no TSP with id %" PRId64, in->tsp_id);
	return rc;
}

static int insert_user(struct db *db, const struct db_user_input *in, const char *fp, int64_t *id,
		       char *err, size_t errlen)
{
	struct db_secret sec;
	if (in->secret && db_secret_derive(in->secret, &sec))
		return db_msg(-1, err, errlen, "cannot derive the secret's hash");
	int rc = db_user_insert(db, in, fp, in->secret ? &sec : NULL, id, err, errlen);
	OPENSSL_cleanse(&sec, sizeof sec);
	return rc;
}

/* 1 while the registry lacks an officer or an approver, 0 after, -1. */
static int bootstrap_open(struct db *db)
{
	int64_t open = -1;
	if (db_stmt_int64(db, "cannot count staff", "SELECT (SELECT count(*) FROM account WHERE roles & 1) = 0 OR "
			  "(SELECT count(*) FROM account WHERE roles & 2) = 0", DB_NO_ARGS, &open, NULL, 0))
		return -1;
	return open ? 1 : 0;
}

int db_user_bootstrap_open(struct db *db)
{
	return bootstrap_open(db);
}

int db_user_add(struct db *db, const char *actor, const struct db_user_input *in, int64_t *id,
		char *err, size_t errlen)
{
	char fp[65];
	int rc = db_user_check_input(in, fp, err, errlen);
	if (rc)
		return rc;
	if (db_begin_write(db, err, errlen))
		return -1;
	int64_t users = user_count(db);
	int open = bootstrap_open(db);
	struct db_user acting;
	if (users < 0 || open < 0)
		rc = db_sql_error(db, "cannot count users", err, errlen);
	else if (users == 0 && !(in->roles & DB_ROLE_OFFICER))
		rc = db_msg(1, err, errlen, "the first user of a registry must hold the officer role");
	else if (users > 0)
		rc = db_user_require(db, actor, DB_ROLE_OFFICER, &acting, err, errlen);
	if (rc == 0 && !open)
		rc = db_msg(1, err, errlen, "the registry has an officer and an approver: a new user is a four-eyes "
			    "proposal that another approver approves (vntl user add proposes it; "
			    "vntl correction approve ID)");
	if (rc == 0)
		rc = insert_user(db, in, fp, id, err, errlen);
	if (rc == 0) {
		char roles[64], detail[512], object[96];
		db_roles_format(in->roles, roles, sizeof roles);
		snprintf(object, sizeof object, "user:%s", in->name);
		snprintf(detail, sizeof detail,
			 "{\"bootstrap\":true,\"id\":%" PRId64 ",\"roles\":\"%s\",\"tsp\":%" PRId64
			 ",\"cert_sha256\":\"%s\"}", *id, roles, in->tsp_id, fp);
		rc = db_audit_append(db, users == 0 ? "bootstrap" : actor, "user.add", object, detail, err, errlen);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

/* Record failed logins in their own transaction; the name given is kept only
 * if it looks like a user name (never a secret pasted in the wrong field). */
void db_auth_record_failures(struct db *db, const char *method, const char *who, const char *peer,
			     int64_t count)
{
	char actor[80] = "unknown", detail[256];   /* room for a SHA-256 fingerprint */
	if (who && strlen(who) < sizeof actor && strspn(who, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == strlen(who) && *who)
		snprintf(actor, sizeof actor, "%s", who);
	char safe_peer[64] = "";
	if (peer && strlen(peer) < sizeof safe_peer && strspn(peer, "0123456789abcdefABCDEF.:[]") == strlen(peer))
		snprintf(safe_peer, sizeof safe_peer, "%s", peer);
	const char *safe_method = strcmp(method, "cert") == 0 || strcmp(method, "secret") == 0 ||
				  strcmp(method, "token") == 0 ? method : "other";
	if (count > 1)
		snprintf(detail, sizeof detail, "{\"method\":\"%s\",\"peer\":\"%s\",\"count\":%" PRId64 "}",
			 safe_method, safe_peer, count);
	else
		snprintf(detail, sizeof detail, "{\"method\":\"%s\",\"peer\":\"%s\"}", safe_method, safe_peer);
	if (db_begin_write(db, NULL, 0))
		return;
	if (db_audit_append(db, actor, "auth.fail", "auth", detail, NULL, 0) || db_commit(db, NULL, 0))
		db_rollback(db);
}

void db_auth_record_failure(struct db *db, const char *method, const char *who, const char *peer)
{
	db_auth_record_failures(db, method, who, peer, 1);
}

struct credential_check {
	const char *secret;
	struct db_user *out;
	int ok;
};

static int check_credentials(sqlite3_stmt *st, void *ctx)
{
	struct credential_check *c = ctx;
	if (!c->secret)
		return 0;
	unsigned char hash[HASH_LEN];
	const void *salt = sqlite3_column_blob(st, 4);
	int saltlen = sqlite3_column_bytes(st, 4);
	const void *stored = sqlite3_column_blob(st, 5);
	int iterations = sqlite3_column_int(st, 6);
	c->ok = stored && sqlite3_column_bytes(st, 5) == HASH_LEN && iterations > 0 &&
		pbkdf2(c->secret, salt, (size_t)saltlen, iterations, hash) == 0 &&
		CRYPTO_memcmp(hash, stored, HASH_LEN) == 0;
	OPENSSL_cleanse(hash, sizeof hash);
	if (c->ok)
		user_from_row(st, c->out);
	return 0;
}

int db_provider_check(struct db *db, const char *sp_id, const char *secret, struct db_user *out,
		      char *err, size_t errlen)
{
	struct credential_check c = {.secret = secret, .out = out};
	int rc = db_stmt_one(db, "cannot read credentials", "SELECT id, name, roles, coalesce(tsp_id, 0), secret_salt, "
			     "secret_hash, secret_iterations FROM account WHERE name = ? AND secret_hash IS NOT NULL "
			     "AND disabled_at IS NULL", DB_ARGS(db_arg_text(sp_id ? sp_id : "")), check_credentials, &c,
			     err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1 && secret) {
		/* Same work for an unknown sp_id, so timing does not tell which names exist. */
		unsigned char salt[SALT_LEN] = {0}, hash[HASH_LEN];
		pbkdf2(secret, salt, sizeof salt, pbkdf2_iterations, hash);
	}
	if (c.ok && (out->roles & DB_ROLE_PROVIDER))
		return 0;
	return db_msg(1, err, errlen, "authentication failed: unknown sp_id or wrong secret");
}

int db_provider_authenticate(struct db *db, const char *sp_id, const char *secret, const char *peer,
			     struct db_user *out, char *err, size_t errlen)
{
	int rc = db_provider_check(db, sp_id, secret, out, err, errlen);
	if (rc == 1)
		db_auth_record_failure(db, "secret", sp_id, peer);
	return rc;
}

/* 0, or -1 when OpenSSL could not hash: no token may then be issued or
 * accepted (an unchecked digest would compare stack garbage). */
__attribute__((warn_unused_result)) static int token_hash(const char *token, char out[65])
{
	sha256_hex(token, strlen(token), out);
	return out[0] ? 0 : -1;
}

int db_token_issue(struct db *db, int64_t user_id, int64_t ttl, char token[DB_TOKEN_HEX_LEN + 1],
		   char *err, size_t errlen)
{
	unsigned char raw[DB_TOKEN_HEX_LEN / 2];
	if (ttl <= 0)
		return db_msg(1, err, errlen, "a token needs a positive lifetime");
	if (RAND_bytes(raw, sizeof raw) != 1)
		return db_msg(-1, err, errlen, "no random bytes for a token");
	hex_encode(raw, sizeof raw, token);
	OPENSSL_cleanse(raw, sizeof raw);
	char h[65], object[64], detail[128];
	if (token_hash(token, h) != 0) {
		memset(token, 0, DB_TOKEN_HEX_LEN + 1);
		return db_msg(-1, err, errlen, "cannot hash a token (SHA-256)");
	}
	if (db_begin_write(db, err, errlen))
		return -1;
	int64_t now = db_now();
	int rc = db_stmt_exec(db, "cannot store the token", "INSERT INTO token (account_id, hash, expires, created_at) "
			      "SELECT id, ?, ?, ? FROM account WHERE id = ? AND (roles & 8) <> 0",
			      DB_ARGS(db_arg_text(h), db_arg_int(now + ttl), db_arg_int(now), db_arg_int(user_id)),
			      err, errlen);
	if (rc == 0 && sqlite3_changes(db->h) != 1)
		rc = db_msg(1, err, errlen, "user %" PRId64 " is not a provider", user_id);
	if (rc == 0) {
		snprintf(object, sizeof object, "user:%" PRId64, user_id);
		snprintf(detail, sizeof detail, "{\"expires\":%" PRId64 "}", now + ttl);
		rc = db_audit_append(db, "system", "token.issue", object, detail, err, errlen);
	}
	if (rc) {
		db_rollback(db);
		memset(token, 0, DB_TOKEN_HEX_LEN + 1);
		return rc;
	}
	return db_commit(db, err, errlen);
}

int db_token_check(struct db *db, const char *token, struct db_user *out, char *err, size_t errlen)
{
	char h[65];
	if (token_hash(token ? token : "", h) != 0)
		return db_msg(-1, err, errlen, "cannot hash a token (SHA-256)");
	int rc = db_stmt_one(db, "cannot read tokens", "SELECT a.id, a.name, a.roles, coalesce(a.tsp_id, 0) FROM token t "
			     "JOIN account a ON a.id = t.account_id WHERE t.hash = ? AND t.expires > ? AND "
			     "a.disabled_at IS NULL", DB_ARGS(db_arg_text(h), db_arg_int(db_now())), user_from_row, out,
			     err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "authentication failed: unknown or expired token") : rc;
}

int db_token_authenticate(struct db *db, const char *token, const char *peer, struct db_user *out,
			  char *err, size_t errlen)
{
	int rc = db_token_check(db, token, out, err, errlen);
	if (rc == 1)
		db_auth_record_failure(db, "token", NULL, peer);
	return rc;
}
