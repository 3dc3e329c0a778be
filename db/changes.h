/* Status changes under four eyes: propose -> approve (which applies) or
 * reject, by a different user with the approver role.
 *
 * Statuses: foreign certificates recognised / suspended / withdrawn; roots
 * and public-CA certificates granted / withdrawn. Legal transitions:
 *   recognised -> suspended | withdrawn;  suspended -> recognised | withdrawn;
 *   granted -> withdrawn;  withdrawn -> granted (roots, public CAs) or
 *   recognised (foreign): a reinstatement, when a withdrawal was a mistake.
 * The timeline of a service only grows forward in time: a change's
 * effective time (past or future) may not precede the service's last entry.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h).
 * Exceptions: db_change_propose_limited returns 2 for a provider over its
 * limit of waiting proposals (the API answers 429); the predicate
 * db_status_transition_allowed returns 1 yes, 0 no.
 */
#ifndef VNTL_DB_CHANGES_H
#define VNTL_DB_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"

struct db;

struct db_change_input {
	int64_t service_id;
	enum db_status new_status;
	int64_t effective;          /* seconds since the epoch; 0 = when it is approved */
	const char *reason;         /* required */
	const char *decision_ref;   /* required: the legal decision, e.g. "QĐ 123/QĐ-BKHCN" */
};

enum db_change_state { DB_CHANGE_PENDING = 0, DB_CHANGE_APPLIED = 1, DB_CHANGE_REJECTED = 2 };

struct db_change {
	int64_t id;
	int64_t service_id;
	int64_t tsp_id;
	char cert_sha256[65];
	char *service_name;
	enum db_status new_status;
	int64_t effective;          /* 0 while pending: when it is approved */
	char *reason, *decision_ref;
	char *proposed_by;
	int64_t proposed_at;
	enum db_change_state state;
	char *decided_by;          /* NULL while pending */
	int64_t decided_at;
	char *decision_note;       /* NULL while pending */
};

/* Officer (any service) or provider (services of its own TSP only). */
int db_change_propose(struct db *db, const char *actor, const struct db_change_input *in, int64_t *id,
		      char *err, size_t errlen);
/* The same, refused with 2 (and a message) when `actor` is a provider that
 * already has `max_pending` proposals waiting (0: no limit), counted in the
 * proposal's own transaction so that concurrent requests cannot pass it.
 * Staff proposals are not limited. */
int db_change_propose_limited(struct db *db, const char *actor, const struct db_change_input *in,
			      unsigned max_pending, int64_t *id, char *err, size_t errlen);
/* Approver other than the proposer: approves and applies in one transaction
 * (status, timeline, audit). Re-checks the transition against the status at
 * that moment. */
int db_change_approve(struct db *db, const char *actor, int64_t id, const char *note, char *err, size_t errlen);
/* The same; a change whose explicit effective time precedes the issue of
 * the last published list naming its service is refused unless
 * `retroactive` states why it applies from then (audited); NULL: not. */
int db_change_approve_retroactive(struct db *db, const char *actor, int64_t id, const char *note,
				  const char *retroactive, char *err, size_t errlen);
/* Approver other than the proposer; `note` (the reason) is required. */
int db_change_reject(struct db *db, const char *actor, int64_t id, const char *note, char *err, size_t errlen);

/* 0 found, 1 no such change, -1 error. */
int db_change_get(struct db *db, int64_t id, struct db_change *out, char *err, size_t errlen);
/* state < 0: all; provider_tsp > 0: only that TSP's. Ordered by id. */
int db_change_list(struct db *db, int state, int64_t provider_tsp, struct db_change **out, size_t *count,
		   char *err, size_t errlen);
/* One page of that: id > after_id, at most `limit` (0 = all). */
int db_change_list_page(struct db *db, int state, int64_t provider_tsp, int64_t after_id, size_t limit,
			struct db_change **out, size_t *count, char *err, size_t errlen);
void db_change_clear(struct db_change *c);
void db_changes_free(struct db_change *c, size_t count);
const char *db_change_state_name(enum db_change_state s);
int db_change_state_parse(const char *text, enum db_change_state *out);

enum db_status db_initial_status(enum db_tsp_kind kind);
int db_status_transition_allowed(enum db_tsp_kind kind, enum db_status from, enum db_status to);

/* Test hook: milliseconds to sleep between the writes of one apply, so a
 * kill -9 test can land inside the transaction. 0 (the default) in
 * production; the CLI sets it from $VNTL_TEST_APPLY_PAUSE_MS. */
void db_test_set_apply_pause_ms(int ms);

#endif
