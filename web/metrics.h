/* Counters for /metrics (Prometheus text format). Updated from every
 * server thread with relaxed atomics; read when /metrics is asked for. */
#ifndef VNTL_WEB_METRICS_H
#define VNTL_WEB_METRICS_H

#include "web/sbuf.h"

#include <stdint.h>

enum web_path_class {
	WEB_PATH_LIST,     /* <list>.xml */
	WEB_PATH_ARCHIVE,  /* <list>/<seq>.xml */
	WEB_PATH_INDEX,    /* index.json */
	WEB_PATH_PEM,      /* roots.pem and other named files */
	WEB_PATH_CERT,     /* certs/<sha256>.cer */
	WEB_PATH_PAGE,     /* / */
	WEB_PATH_HEALTH,   /* /healthz */
	WEB_PATH_METRICS,  /* /metrics */
	WEB_PATH_ADMIN,    /* /admin/api/... */
	WEB_PATH_PROVIDER, /* /api/v1/provider/... */
	WEB_PATH_UNKNOWN,
	WEB_PATH_CLASSES
};

struct web_metrics;

struct web_metrics *web_metrics_new(void);
void web_metrics_free(struct web_metrics *m);

void web_metrics_request(struct web_metrics *m, enum web_path_class cls, unsigned status,
			 uint64_t body_bytes);
void web_metrics_handshake(struct web_metrics *m, int resumed);
void web_metrics_connection(struct web_metrics *m);
void web_metrics_reload(struct web_metrics *m, int ok);
/* Files of the publication directory refused (logged as publication-file-rejected). */
void web_metrics_files_rejected(struct web_metrics *m, uint64_t count);

/* Appends the counters in Prometheus text format. */
void web_metrics_render(const struct web_metrics *m, struct sbuf *out);

#endif
