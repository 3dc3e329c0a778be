/* Users, roles and credentials.
 *
 * Staff authenticate with a client certificate (its SHA-256 fingerprint is
 * stored); providers with sp_id (their user name) + secret, kept only as
 * PBKDF2-HMAC-SHA256 with a per-user random salt, or with a bearer token of
 * which only the SHA-256 is stored. Secrets and tokens never reach a log.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h). A refused login or acting user is also
 * audited (db_refusal_rule names the rule).
 * db_user_bootstrap_open is a predicate (1 yes, 0 no, -1 error).
 */
#ifndef VNTL_DB_USERS_H
#define VNTL_DB_USERS_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum db_role {
	DB_ROLE_OFFICER = 1,   /* imports certificates, adds TSPs, proposes changes */
	DB_ROLE_APPROVER = 2,  /* approves or rejects other people's proposals */
	DB_ROLE_AUDITOR = 4,   /* reads and verifies the audit log */
	DB_ROLE_PROVIDER = 8,  /* a foreign provider: proposes for its own TSP only */
};

#define DB_PBKDF2_ITERATIONS 210000
#define DB_TOKEN_HEX_LEN 64

struct db_user {
	int64_t id;
	char name[64];
	unsigned roles;        /* enum db_role bits */
	int64_t tsp_id;        /* providers: their TSP; 0 for staff */
	int disabled;          /* disabled by a correction: can neither act nor log in */
};

struct db_user_input {
	const char *name;
	unsigned roles;
	int64_t tsp_id;            /* required for providers */
	const char *cert_sha256;   /* staff: client-certificate fingerprint (hex, ':' allowed) */
	const char *secret;        /* providers: the secret (never stored) */
};

/* "officer,approver" <-> bits. Parse returns 0, or 1 naming the unknown role. */
int db_roles_parse(const char *text, unsigned *roles, char *err, size_t errlen);
void db_roles_format(unsigned roles, char *out, size_t outlen);

/* Add a user directly: only during the bootstrap, until the registry holds
 * an officer and an approver. `actor` must hold the officer role, except
 * for the very first user of a registry (actor NULL), who must be an
 * officer. After the bootstrap this is refused (1): a new user is a
 * four-eyes correction (corrections.h, DB_FIX_USER_ADD). */
int db_user_add(struct db *db, const char *actor, const struct db_user_input *in, int64_t *id,
		char *err, size_t errlen);

/* 1 while the registry lacks an officer or an approver (users may be added
 * directly), 0 after, -1 on error. */
int db_user_bootstrap_open(struct db *db);

/* 0 found, 1 no such user, -1 error. */
int db_user_get(struct db *db, const char *name, struct db_user *out, char *err, size_t errlen);
/* Staff login over mutual TLS: fingerprint = SHA-256 of the client
 * certificate (hex, case and ':' ignored). 0 found, 1 unknown, -1 error. */
int db_user_by_cert(struct db *db, const char *fingerprint, struct db_user *out, char *err, size_t errlen);
int db_user_list(struct db *db, struct db_user **out, size_t *count, char *err, size_t errlen);

/* Provider login. 0 ok (out filled), 1 refused (wrong sp_id or secret: one
 * message for both, and an audit entry "auth.fail"), -1 error. `peer` (may
 * be NULL) is recorded in the audit entry, e.g. the client address. */
int db_provider_authenticate(struct db *db, const char *sp_id, const char *secret, const char *peer,
			     struct db_user *out, char *err, size_t errlen);

/* The same check without the audit entry, for a caller that audits
 * failures itself (vntld aggregates them per source). */
int db_provider_check(struct db *db, const char *sp_id, const char *secret, struct db_user *out,
		      char *err, size_t errlen);

/* Issue a random bearer token to provider `user_id`, valid `ttl` seconds.
 * The token (hex) is written to `token` and only its SHA-256 stored. */
int db_token_issue(struct db *db, int64_t user_id, int64_t ttl, char token[DB_TOKEN_HEX_LEN + 1],
		   char *err, size_t errlen);
/* 0 valid (out filled), 1 unknown or expired (audited), -1 error. */
int db_token_authenticate(struct db *db, const char *token, const char *peer, struct db_user *out,
			  char *err, size_t errlen);

/* db_token_authenticate without the audit entry. */
int db_token_check(struct db *db, const char *token, struct db_user *out, char *err, size_t errlen);

/* Audit a failed login in its own transaction (e.g. an unknown client
 * certificate at the admin API): method "cert", "secret" or "token"; `who`
 * is kept only if it looks like a user name or fingerprint, `peer` only if
 * it looks like an address. Never pass a secret. */
void db_auth_record_failure(struct db *db, const char *method, const char *who, const char *peer);
/* The same for `count` failures from one source summed in one entry (its
 * detail then carries "count"). */
void db_auth_record_failures(struct db *db, const char *method, const char *who, const char *peer,
			     int64_t count);

/* Test hook only: PBKDF2 iterations for secrets set from now on (fast
 * tests). Production code never calls it; 0 restores the default. */
void db_test_set_pbkdf2_iterations(int iterations);

/* Resolve `name` and check it holds one of `roles`; 0 ok, 1 refused with a
 * message naming user and role. For the CLI and the server alike. */
int db_user_require(struct db *db, const char *name, unsigned roles, struct db_user *out,
		    char *err, size_t errlen);

#endif
