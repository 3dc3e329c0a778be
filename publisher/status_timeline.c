/* Status timelines: which entry is in effect when, and how it is named. */
#include <stdio.h>

#include "publisher/status_timeline.h"
#include "publisher/tsl_uris.h"

long status_index_at(const struct db_service *svc, int64_t t)
{
	/* Binary search: timelines are ordered (status_timeline_check). */
	size_t lo = 0, hi = svc->timeline_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (svc->timeline[mid].effective <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

const char *status_uri(enum db_status status)
{
	switch (status) {
	case DB_STATUS_GRANTED: return TSL_STATUS_GRANTED;
	case DB_STATUS_WITHDRAWN: return TSL_STATUS_WITHDRAWN;
	case DB_STATUS_RECOGNISED: return TSL_STATUS_RECOGNISED;
	case DB_STATUS_SUSPENDED: return TSL_STATUS_SUSPENDED;
	}
	return NULL;
}

int status_timeline_check(const struct db_service *svc, char *err, size_t errlen)
{
	for (size_t i = 0; i < svc->timeline_count; i++) {
		if (!status_uri(svc->timeline[i].status)) {
			snprintf(err, errlen, "service %lld: unknown status %d in its timeline",
				 (long long)svc->id, (int)svc->timeline[i].status);
			return -1;
		}
		if (i > 0 && svc->timeline[i].effective < svc->timeline[i - 1].effective) {
			snprintf(err, errlen, "service %lld: status timeline is not ordered oldest first",
				 (long long)svc->id);
			return -1;
		}
	}
	return 0;
}

int status_change_due(const struct db_service *svc, int64_t after, int64_t upto, int64_t recorded_upto)
{
	for (size_t k = 0; k < svc->timeline_count; k++) {
		int64_t e = svc->timeline[k].effective;
		if (e > after && e <= upto)
			return 1;
		if (svc->timeline[k].id > recorded_upto && e <= upto)
			return 1;
	}
	return 0;
}
