/* Failed-login aggregation for the audit log: the first failure from a
 * source (a client address and a kind of failure) is audited at once; the others
 * within the interval are only counted, and one summary entry with the
 * count is written when the interval ends. So a flood of bad logins adds
 * at most two audit entries per source per interval, not one per request.
 * In memory and independent of the registry (the caller writes).
 *
 * web_authfail_note returns 1 for a source's first failure in an interval
 * (audit it now), else 0; web_authfail_take_due how many summaries it took;
 * web_authfail_new NULL when out of memory.
 */
#ifndef VNTL_WEB_AUTHFAIL_H
#define VNTL_WEB_AUTHFAIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WEB_AUTHFAIL_INTERVAL 60

struct web_authfail_summary {
	char method[8];        /* "cert", "secret", "token" */
	char who[80];          /* as given with the interval's first failure */
	char peer[64];         /* "" for the shared overflow source */
	int64_t count;         /* failures after the first one */
};

struct web_authfail;

struct web_authfail *web_authfail_new(unsigned interval);
void web_authfail_free(struct web_authfail *a);

/* Counts one failure of `source` (the caller's key, e.g. reason and
 * address). 1: the first of its source in this interval (audit it now);
 * 0: counted for the summary, which carries `method`, `who` and `peer` of
 * that first failure. */
int web_authfail_note(struct web_authfail *a, const char *source, const char *method,
		      const char *who, const char *peer, time_t now);

/* Takes up to `max` summaries of intervals ended by `now` (all of them when
 * `all`, e.g. at shutdown), forgetting their sources; returns how many. */
size_t web_authfail_take_due(struct web_authfail *a, time_t now, int all,
			     struct web_authfail_summary *out, size_t max);

#endif
