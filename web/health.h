/* /healthz and /metrics bodies, from the served catalog and the state of
 * the last publication load (web_status_*: the server's status).
 *
 * Each returns the malloc'd body, or NULL when out of memory.
 */
#ifndef VNTL_WEB_HEALTH_H
#define VNTL_WEB_HEALTH_H

#include "web/catalog.h"
#include "web/metrics.h"

#include <stddef.h>
#include <time.h>

struct web_status_input {
	const struct web_catalog *cat; /* NULL when no good publication was ever loaded */
	const char *load_error;        /* NULL when the last load succeeded */
	const char *file_problem;      /* NULL when every served file is still the verified one */
	time_t now;
	unsigned connections;          /* open right now */
};

/* JSON body of /healthz; *healthy is 1 only when the lists are present,
 * valid (the last load succeeded, the set is not degraded, every file is
 * still the verified one) and none is past its NextUpdate. */
char *web_status_health(const struct web_status_input *in, int *healthy, size_t *len);

/* Prometheus text body of /metrics. */
char *web_status_metrics(const struct web_status_input *in, const struct web_metrics *m,
			 size_t *len);

#endif
