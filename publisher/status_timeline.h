/* A service's status at a given time, from its timeline (oldest first).
 *
 * status_timeline_check returns 0, or -1 with the service named in err;
 * status_index_at an index or -1 (no status yet); status_uri NULL for an unknown
 * status; status_change_due is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_PUBLISHER_STATUS_TIMELINE_H
#define VNTL_PUBLISHER_STATUS_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"

/* Index of the entry in effect at `t` (the last with effective <= t), or -1
 * when the service has no status yet at `t`. */
long status_index_at(const struct db_service *svc, int64_t t);

/* The TS 119 612 ServiceStatus URI of a status, or NULL for an unknown one. */
const char *status_uri(enum db_status status);

/* 0 when the timeline is ordered oldest first and every status is known;
 * -1 with the service named in `err` otherwise. */
int status_timeline_check(const struct db_service *svc, char *err, size_t errlen);

/* 1 when the list issued at `after` from a snapshot holding the status
 * entries up to id `recorded_upto` no longer says what the registry says at
 * `upto`: an entry of the service takes effect in (after, upto] (a
 * future-dated change became effective), or is newer than that snapshot
 * and in effect by `upto` (a change approved since, whatever its effective
 * time, or a certificate imported since). */
int status_change_due(const struct db_service *svc, int64_t after, int64_t upto, int64_t recorded_upto);

#endif
