/* Prometheus counters (see metrics.h). */
#include "web/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

static const unsigned tracked_status[] = {200, 304, 400, 401, 403, 404, 405, 413, 429, 431, 500, 503};
#define STATUS_COUNT (sizeof tracked_status / sizeof tracked_status[0])
#define STATUS_OTHER STATUS_COUNT

static const char *const class_names[WEB_PATH_CLASSES] = {
	"list", "archive", "index", "file", "cert", "page", "healthz", "metrics",
	"admin", "provider", "unknown"};

struct web_metrics {
	atomic_uint_fast64_t requests[WEB_PATH_CLASSES][STATUS_COUNT + 1];
	atomic_uint_fast64_t bytes[WEB_PATH_CLASSES];
	atomic_uint_fast64_t handshakes[2];
	atomic_uint_fast64_t connections;
	atomic_uint_fast64_t reloads[2];
	atomic_uint_fast64_t auto_publish[2]; /* rounds [ok] */
	atomic_uint_fast64_t auto_publish_failing; /* a gauge */
	atomic_uint_fast64_t auth_failures[2][WEB_AUTH_REASONS]; /* [admin][reason] */
	atomic_uint_fast64_t api_busy;
	atomic_uint_fast64_t files_rejected;
	atomic_uint_fast64_t logins_limited[WEB_LIMITS];
	atomic_uint_fast64_t logins_unrecorded;
	atomic_uint_fast64_t attack_alerts;
	atomic_uint_fast64_t accounts_under_attack;  /* a gauge */
	atomic_int_fast64_t conn_states[WEB_CONN_STATES]; /* gauges */
	atomic_uint_fast64_t conn_closed[WEB_CLOSE_REASONS];
};

static const char *const conn_state_names[WEB_CONN_STATES] = {
	"handshake", "idle", "header", "processing", "sending"};

static const char *const close_reason_names[WEB_CLOSE_REASONS] = {
	"handshake-timeout", "header-timeout", "slow-reader", "idle-timeout",
	"per-address", "global"};

static const char *const login_limit_names[WEB_LIMITS] = {"account-address", "address"};

static const char *const auth_reason_names[WEB_AUTH_REASONS] = {
	"no-certificate", "unknown-certificate", "bad-secret", "bad-token"};

struct web_metrics *web_metrics_new(void)
{
	return calloc(1, sizeof(struct web_metrics));
}

void web_metrics_free(struct web_metrics *m)
{
	free(m);
}

static size_t status_slot(unsigned status)
{
	for (size_t i = 0; i < STATUS_COUNT; i++)
		if (tracked_status[i] == status)
			return i;
	return STATUS_OTHER;
}

void web_metrics_request(struct web_metrics *m, enum web_path_class cls, unsigned status,
			 uint64_t body_bytes)
{
	if ((unsigned)cls >= WEB_PATH_CLASSES)
		cls = WEB_PATH_UNKNOWN;
	atomic_fetch_add_explicit(&m->requests[cls][status_slot(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->bytes[cls], body_bytes, memory_order_relaxed);
}

void web_metrics_handshake(struct web_metrics *m, int resumed)
{
	atomic_fetch_add_explicit(&m->handshakes[resumed ? 1 : 0], 1, memory_order_relaxed);
}

void web_metrics_connection(struct web_metrics *m)
{
	atomic_fetch_add_explicit(&m->connections, 1, memory_order_relaxed);
}

void web_metrics_auto_publish(struct web_metrics *m, int ok)
{
	atomic_fetch_add_explicit(&m->auto_publish[ok ? 1 : 0], 1, memory_order_relaxed);
	atomic_store_explicit(&m->auto_publish_failing, ok ? 0 : 1, memory_order_relaxed);
}

void web_metrics_reload(struct web_metrics *m, int ok)
{
	atomic_fetch_add_explicit(&m->reloads[ok ? 1 : 0], 1, memory_order_relaxed);
}

void web_metrics_auth_failure(struct web_metrics *m, int admin, enum web_auth_reason reason)
{
	if ((unsigned)reason < WEB_AUTH_REASONS)
		atomic_fetch_add_explicit(&m->auth_failures[admin ? 1 : 0][reason], 1, memory_order_relaxed);
}

void web_metrics_api_busy(struct web_metrics *m)
{
	atomic_fetch_add_explicit(&m->api_busy, 1, memory_order_relaxed);
}

void web_metrics_files_rejected(struct web_metrics *m, uint64_t count)
{
	atomic_fetch_add_explicit(&m->files_rejected, count, memory_order_relaxed);
}

void web_metrics_login_limited(struct web_metrics *m, enum web_login_limit which)
{
	if ((unsigned)which < WEB_LIMITS)
		atomic_fetch_add_explicit(&m->logins_limited[which], 1, memory_order_relaxed);
}

void web_metrics_login_unrecorded(struct web_metrics *m)
{
	atomic_fetch_add_explicit(&m->logins_unrecorded, 1, memory_order_relaxed);
}

void web_metrics_attack_alert(struct web_metrics *m)
{
	atomic_fetch_add_explicit(&m->attack_alerts, 1, memory_order_relaxed);
}

void web_metrics_set_accounts_under_attack(struct web_metrics *m, uint64_t accounts)
{
	atomic_store_explicit(&m->accounts_under_attack, accounts, memory_order_relaxed);
}

void web_metrics_conn_state(struct web_metrics *m, enum web_conn_state from, enum web_conn_state to)
{
	if ((unsigned)from < WEB_CONN_STATES)
		atomic_fetch_sub_explicit(&m->conn_states[from], 1, memory_order_relaxed);
	if ((unsigned)to < WEB_CONN_STATES)
		atomic_fetch_add_explicit(&m->conn_states[to], 1, memory_order_relaxed);
}

void web_metrics_conn_closed(struct web_metrics *m, enum web_close_reason why)
{
	if ((unsigned)why < WEB_CLOSE_REASONS)
		atomic_fetch_add_explicit(&m->conn_closed[why], 1, memory_order_relaxed);
}

static unsigned long long load(const atomic_uint_fast64_t *v)
{
	return (unsigned long long)atomic_load_explicit(v, memory_order_relaxed);
}

void web_metrics_render(const struct web_metrics *m, struct sbuf *out)
{
	sbuf_add(out, "# HELP vntld_requests_total HTTP requests answered, by path class and status.\n"
		      "# TYPE vntld_requests_total counter\n");
	for (size_t c = 0; c < WEB_PATH_CLASSES; c++)
		for (size_t s = 0; s <= STATUS_COUNT; s++) {
			unsigned long long n = load(&m->requests[c][s]);
			if (n == 0)
				continue;
			if (s == STATUS_OTHER)
				sbuf_printf(out, "vntld_requests_total{path=\"%s\",status=\"other\"} %llu\n",
					    class_names[c], n);
			else
				sbuf_printf(out, "vntld_requests_total{path=\"%s\",status=\"%u\"} %llu\n",
					    class_names[c], tracked_status[s], n);
		}
	sbuf_add(out, "# HELP vntld_response_bytes_total Response body bytes queued, by path class.\n"
		      "# TYPE vntld_response_bytes_total counter\n");
	for (size_t c = 0; c < WEB_PATH_CLASSES; c++)
		sbuf_printf(out, "vntld_response_bytes_total{path=\"%s\"} %llu\n", class_names[c],
			    load(&m->bytes[c]));
	sbuf_printf(out,
		    "# HELP vntld_tls_handshakes_total Completed TLS handshakes.\n"
		    "# TYPE vntld_tls_handshakes_total counter\n"
		    "vntld_tls_handshakes_total{resumed=\"false\"} %llu\n"
		    "vntld_tls_handshakes_total{resumed=\"true\"} %llu\n"
		    "# HELP vntld_connections_total Connections accepted.\n"
		    "# TYPE vntld_connections_total counter\n"
		    "vntld_connections_total %llu\n"
		    "# HELP vntld_publication_loads_total Attempts to load a new publication.\n"
		    "# TYPE vntld_publication_loads_total counter\n"
		    "vntld_publication_loads_total{result=\"ok\"} %llu\n"
		    "vntld_publication_loads_total{result=\"failed\"} %llu\n"
		    "# HELP vntld_publication_files_rejected_total Files of the publication directory found tampered, missing or unverifiable.\n"
		    "# TYPE vntld_publication_files_rejected_total counter\n"
		    "vntld_publication_files_rejected_total %llu\n"
		    "# HELP vntld_auto_publish_rounds_total Rounds of publication after approval, by result.\n"
		    "# TYPE vntld_auto_publish_rounds_total counter\n"
		    "vntld_auto_publish_rounds_total{result=\"ok\"} %llu\n"
		    "vntld_auto_publish_rounds_total{result=\"failed\"} %llu\n"
		    "# HELP vntld_auto_publish_failing 1 while publication after approval fails (until a round succeeds).\n"
		    "# TYPE vntld_auto_publish_failing gauge\n"
		    "vntld_auto_publish_failing %llu\n",
		    load(&m->handshakes[0]), load(&m->handshakes[1]), load(&m->connections),
		    load(&m->reloads[1]), load(&m->reloads[0]), load(&m->files_rejected),
		    load(&m->auto_publish[1]), load(&m->auto_publish[0]), load(&m->auto_publish_failing));
	sbuf_add(out, "# HELP vntld_auth_failures_total Failed logins at the admin and provider APIs, by reason.\n"
		      "# TYPE vntld_auth_failures_total counter\n");
	for (int admin = 1; admin >= 0; admin--)
		for (size_t r = 0; r < WEB_AUTH_REASONS; r++)
			sbuf_printf(out, "vntld_auth_failures_total{api=\"%s\",reason=\"%s\"} %llu\n",
				    admin ? "admin" : "provider", auth_reason_names[r],
				    load(&m->auth_failures[admin][r]));
	sbuf_printf(out,
		    "# HELP vntld_api_busy_total API requests refused with 503 because the API queue was full.\n"
		    "# TYPE vntld_api_busy_total counter\n"
		    "vntld_api_busy_total %llu\n",
		    load(&m->api_busy));
	sbuf_add(out, "# HELP vntld_provider_logins_limited_total Provider logins refused with 429 by a failed-login limit.\n"
		      "# TYPE vntld_provider_logins_limited_total counter\n");
	for (size_t l = 0; l < WEB_LIMITS; l++)
		sbuf_printf(out, "vntld_provider_logins_limited_total{limit=\"%s\"} %llu\n",
			    login_limit_names[l], load(&m->logins_limited[l]));
	sbuf_printf(out,
		    "# HELP vntld_provider_login_failures_unrecorded_total Failed provider logins the full limiter could not record.\n"
		    "# TYPE vntld_provider_login_failures_unrecorded_total counter\n"
		    "vntld_provider_login_failures_unrecorded_total %llu\n"
		    "# HELP vntld_provider_attack_alerts_total Alerts (event=provider-under-attack) about a provider account under attack.\n"
		    "# TYPE vntld_provider_attack_alerts_total counter\n"
		    "vntld_provider_attack_alerts_total %llu\n"
		    "# HELP vntld_provider_accounts_under_attack Provider accounts with many failed logins just now.\n"
		    "# TYPE vntld_provider_accounts_under_attack gauge\n"
		    "vntld_provider_accounts_under_attack %llu\n",
		    load(&m->logins_unrecorded), load(&m->attack_alerts), load(&m->accounts_under_attack));
	sbuf_add(out, "# HELP vntld_connections_state Connections open now, by state.\n"
		      "# TYPE vntld_connections_state gauge\n");
	for (size_t st = 0; st < WEB_CONN_STATES; st++) {
		long long n = (long long)atomic_load_explicit(&m->conn_states[st], memory_order_relaxed);
		sbuf_printf(out, "vntld_connections_state{state=\"%s\"} %lld\n", conn_state_names[st],
			    n < 0 ? 0 : n);
	}
	sbuf_add(out, "# HELP vntld_connections_closed_total Connections closed or refused by a limit.\n"
		      "# TYPE vntld_connections_closed_total counter\n");
	for (size_t r = 0; r < WEB_CLOSE_REASONS; r++)
		sbuf_printf(out, "vntld_connections_closed_total{limit=\"%s\"} %llu\n",
			    close_reason_names[r], load(&m->conn_closed[r]));
}
