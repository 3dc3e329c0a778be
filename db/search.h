/* Read-only queries for people looking for something (the staff console):
 * certificates by name, subject, SHA-256 prefix, country and status; the
 * audit log by actor, action and time; where a certificate appeared in
 * the published lists; and the decisions behind its status entries. The
 * filtering is done by SQLite, so a page never loads the whole registry. */
#ifndef VNTL_DB_SEARCH_H
#define VNTL_DB_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "db/audit.h"
#include "db/snapshot.h"

struct db;

struct db_cert_query {
	const char *text;     /* service id, SHA-256 prefix (4+ hex digits), or part of the subject,
				 the service's or its provider's names (ASCII case ignored); NULL: any */
	const char *country;  /* ISO 3166-1 alpha-2 of the provider (case ignored); NULL: any */
	int status;           /* enum db_status in force now; 0: any */
	size_t limit;         /* at most this many (0: all) */
};

struct db_cert_hit {
	int64_t service_id, tsp_id;
	char sha256[65];
	char *subject, *service_name_vi, *service_name_en;
	char *tsp_name_vi, *tsp_name_en;
	char country[3];
	enum db_status status_now;
};

/* Services matching `q`, by service id. *total receives how many match in
 * all (may exceed the limit). 0, or -1 with a message. */
int db_cert_search(struct db *db, const struct db_cert_query *q, struct db_cert_hit **out, size_t *count,
		   size_t *total, char *err, size_t errlen);
void db_cert_hits_free(struct db_cert_hit *hits, size_t count);

struct db_audit_query {
	const char *actor;    /* exact; NULL: any */
	const char *action;   /* prefix ("correction." ...); NULL: any */
	int64_t from, to;     /* entries at >= from and < to; 0: open */
	size_t limit;         /* at most this many, newest first (0: all) */
};

/* Audit entries matching `q`, newest first; free with db_audit_entries_free. */
int db_audit_search(struct db *db, const struct db_audit_query *q, struct db_audit_entry **out, size_t *count,
		    char *err, size_t errlen);

/* One published version of a list that carried a service, with the status
 * it published for it (the last entry of the timeline that its snapshot
 * held and that had taken effect when it was issued; 0 when none had). */
struct db_appearance {
	char list[16];
	int64_t sequence, issued;
	enum db_status status;
	int64_t status_entry;  /* the status_history id behind `status`, 0 when none */
};

/* The versions of the list of the service's TSP kind (roots or foreign)
 * whose snapshot held the service, oldest first. 0, 1 (no such service)
 * or -1. */
int db_cert_appearances(struct db *db, int64_t service_id, struct db_appearance **out, size_t *count, char *err,
			size_t errlen);

/* A status entry with the proposal and decision behind it (change_id 0:
 * an entry written at import, with no proposal). */
struct db_decision {
	int64_t entry_id;
	enum db_status status;
	int64_t effective, recorded_at;
	char *decision_ref, *reason;
	int64_t change_id;
	char *proposed_by, *decided_by, *note;  /* "" when there is no proposal */
	int64_t proposed_at, decided_at;
};

/* The service's status entries with their decisions, oldest first. */
int db_cert_decisions(struct db *db, int64_t service_id, struct db_decision **out, size_t *count, char *err,
		      size_t errlen);
void db_decisions_free(struct db_decision *d, size_t count);

#endif
