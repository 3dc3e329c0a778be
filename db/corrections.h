/* Corrections under four eyes: an officer proposes, another person with the
 * approver role approves (which applies it) or rejects, like status changes
 * (changes.h). Nothing that reached a published list is edited: a TSP's new
 * content or retirement is a new tsp_version row, a service moved to
 * another TSP a service_move row, a service's new names a service_name
 * row, all sealed (seal.h) and read through
 * the views tsp_now / service_now. Accounts are not published: a
 * correction updates them, audited.
 *
 * Corrections have their own ids (vntl correction …, /admin/api/v1/corrections).
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h). The predicate
 * db_correction_changed_list_since returns 1 yes, 0 no, -1 error.
 */
#ifndef VNTL_DB_CORRECTIONS_H
#define VNTL_DB_CORRECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "db/changes.h"

struct db;

enum db_correction_action {
	DB_FIX_TSP_EDIT = 1,     /* names, address, URI, trade name, e-mail of a TSP */
	DB_FIX_TSP_RETIRE,       /* a TSP whose services are all withdrawn leaves the lists */
	DB_FIX_SERVICE_MOVE,     /* a service filed under the wrong TSP (same kind) */
	DB_FIX_SERVICE_RENAME,   /* a service's names */
	DB_FIX_USER_ADD,         /* a new account (after the bootstrap, see users.h) */
	DB_FIX_USER_ROLES,       /* an account's roles */
	DB_FIX_USER_DISABLE,     /* an account can no longer act or log in; its tokens end */
	DB_FIX_USER_CERT,        /* a staff member's client certificate */
	DB_FIX_USER_SECRET,      /* a provider's secret; its tokens end */
	DB_FIX_USER_TOKENS,      /* a provider's bearer tokens end (it logs in again) */
	DB_FIX_SIGNER_REGISTER,  /* a list signer's key and certificate (signers.h) */
	DB_FIX_SIGNER_ANNOUNCE,  /* the lists name it as the next signer */
	DB_FIX_SIGNER_SWITCH,    /* the lists are signed with it */
	DB_FIX_SIGNER_RETIRE,    /* the lists name it no more */
};
#define DB_FIX_ACTION_COUNT 14

struct db_correction_input {
	enum db_correction_action action;
	int64_t tsp_id;          /* tsp.edit, tsp.retire: the TSP; service.move: where to; user.add: a provider's TSP */
	int64_t service_id;      /* service.move, service.rename */
	const char *user;        /* user.*: the account's name */
	/* tsp.edit (service.rename: the names only): NULL keeps a field, "" clears trade_name or email */
	const char *name_vi, *name_en, *trade_name, *street, *locality, *uri, *email;
	unsigned roles;          /* user.add, user.roles (enum db_role bits) */
	const char *cert_sha256; /* user.add, user.cert: SHA-256 of the client certificate */
	const char *secret;      /* user.add (provider), user.secret: kept only as PBKDF2 */
	const char *reason;      /* required: why the correction is made */
	/* signer.*: the signer's label; signer.register: where its key is (a PEM
	 * file path or a pkcs11: URI) and its certificate (DER); signer.switch:
	 * not approved before its announcement is this many seconds old */
	const char *signer;
	const char *signer_key;
	const unsigned char *signer_cert_der;
	size_t signer_cert_len;
	int64_t signer_wait;
};

struct db_correction {
	int64_t id;
	enum db_correction_action action;
	char target[96];         /* "tsp:3", "service:12", "user:bao", "signer:tl-2027" */
	char *payload;           /* JSON object of what changes (a secret shows as "set") */
	char *reason;
	char *proposed_by;
	int64_t proposed_at;
	enum db_change_state state;
	char *decided_by;        /* NULL while pending */
	int64_t decided_at;
	char *decision_note;     /* NULL while pending */
};

/* "tsp.edit", "tsp.retire", "service.move", "service.rename", "user.add", "user.roles",
 * "user.disable", "user.cert", "user.secret", "user.revoke-tokens", "signer.register",
 * "signer.announce", "signer.switch", "signer.retire". */
const char *db_correction_action_name(enum db_correction_action a);
int db_correction_action_parse(const char *text, enum db_correction_action *out);

/* Officer only; checked now (and again at approval); audited
 * "correction.propose". 0 (*id set), 1 refused, -1 error. */
int db_correction_propose(struct db *db, const char *actor, const struct db_correction_input *in, int64_t *id,
			  char *err, size_t errlen);
/* An approver other than the proposer (and, for user.*, other than the
 * account concerned) applies it: audited "correction.apply" with the seals
 * of the rows written. `note` may be NULL. */
int db_correction_approve(struct db *db, const char *actor, int64_t id, const char *note, char *err,
			  size_t errlen);
/* The same four eyes; `note` (why) is required. Audited "correction.reject". */
int db_correction_reject(struct db *db, const char *actor, int64_t id, const char *note, char *err,
			 size_t errlen);

/* 1 when a correction approved at or after `since` changed what the roots
 * list (foreign 0) or the foreign list (foreign 1) carries (a TSP edited or
 * retired, a service moved), 0 when none did, -1 on error: such a list is
 * due for publication. */
int db_correction_changed_list_since(struct db *db, int foreign, int64_t since);

int db_correction_get(struct db *db, int64_t id, struct db_correction *out, char *err, size_t errlen);
/* state -1: all; id > after_id, at most `limit` (0 = all), by id. */
int db_correction_list_page(struct db *db, int state, int64_t after_id, size_t limit, struct db_correction **out,
			    size_t *count, char *err, size_t errlen);
void db_correction_clear(struct db_correction *c);
void db_corrections_free(struct db_correction *c, size_t count);

#endif
