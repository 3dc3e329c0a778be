/* Counters for /metrics (Prometheus text format). Updated from every
 * server thread with relaxed atomics; read when /metrics is asked for.
 *
 * Counting cannot fail: no return values; web_metrics_new returns NULL when
 * out of memory.
 */
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

/* Why an API login failed (vntld_auth_failures_total{reason}). */
enum web_auth_reason {
	WEB_AUTH_NO_CERTIFICATE,      /* admin API without a client certificate */
	WEB_AUTH_UNKNOWN_CERTIFICATE, /* a certificate that belongs to no staff member */
	WEB_AUTH_BAD_SECRET,          /* provider: wrong sp_id or sp_password */
	WEB_AUTH_BAD_TOKEN,           /* provider: unknown or expired bearer token */
	WEB_AUTH_REASONS
};

/* Which failed-login limit refused a provider login (vntld_provider_logins_limited_total). */
enum web_login_limit {
	WEB_LIMIT_ACCOUNT_ADDRESS, /* one sp_id from one address */
	WEB_LIMIT_ADDRESS,         /* one address (IPv6: its /64), any sp_id or token */
	WEB_LIMITS
};

/* Where a connection is (vntld_connections_state{state}; see guard.h). */
enum web_conn_state {
	WEB_CONN_HANDSHAKE,  /* accepted, TLS handshake not complete */
	WEB_CONN_IDLE,       /* between requests (keep-alive) */
	WEB_CONN_HEADER,     /* a request's header is arriving */
	WEB_CONN_PROCESSING, /* a request is read or answered (API work included) */
	WEB_CONN_SENDING,    /* a response is being sent */
	WEB_CONN_STATES
};

/* Which limit closed or refused a connection (vntld_connections_closed_total{limit}). */
enum web_close_reason {
	WEB_CLOSE_HANDSHAKE_TIMEOUT,
	WEB_CLOSE_HEADER_TIMEOUT,
	WEB_CLOSE_SLOW_READER,
	WEB_CLOSE_IDLE_TIMEOUT,
	WEB_CLOSE_ADDRESS_LIMIT,
	WEB_CLOSE_GLOBAL_LIMIT,
	WEB_CLOSE_REASONS
};

struct web_metrics;

struct web_metrics *web_metrics_new(void);
void web_metrics_free(struct web_metrics *m);

void web_metrics_request(struct web_metrics *m, enum web_path_class cls, unsigned status,
			 uint64_t body_bytes);
void web_metrics_handshake(struct web_metrics *m, int resumed);
void web_metrics_connection(struct web_metrics *m);
void web_metrics_reload(struct web_metrics *m, int ok);
/* One round of publication after approval; `ok` 0 sets the failing gauge
 * until a round succeeds. */
void web_metrics_auto_publish(struct web_metrics *m, int ok);
/* One failed login at the admin (`admin` 1) or provider API. */
void web_metrics_auth_failure(struct web_metrics *m, int admin, enum web_auth_reason reason);
/* An API request refused because the API worker queue was full. */
void web_metrics_api_busy(struct web_metrics *m);
/* Files of the publication directory refused (logged as publication-file-rejected). */
void web_metrics_files_rejected(struct web_metrics *m, uint64_t count);

/* A provider login refused with 429 by `which` limit, before any check. */
void web_metrics_login_limited(struct web_metrics *m, enum web_login_limit which);
/* A provider failure the limiter could not record (every entry locked out). */
void web_metrics_login_unrecorded(struct web_metrics *m);
/* One alert (log line) that a provider account is under attack. */
void web_metrics_attack_alert(struct web_metrics *m);
/* Provider accounts under attack now (a gauge). */
void web_metrics_set_accounts_under_attack(struct web_metrics *m, uint64_t accounts);

/* A connection moved from state `from` to `to` (WEB_CONN_STATES: none,
 * for a new or a closed connection). */
void web_metrics_conn_state(struct web_metrics *m, enum web_conn_state from, enum web_conn_state to);
/* A connection closed or refused by `why`. */
void web_metrics_conn_closed(struct web_metrics *m, enum web_close_reason why);

/* Appends the counters in Prometheus text format. */
void web_metrics_render(const struct web_metrics *m, struct sbuf *out);

#endif
