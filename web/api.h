/* The staff admin API (/admin/api/..., mutual TLS) and the provider API
 * (/api/v1/provider/..., sp_id + sp_password or a bearer token), JSON in
 * and out. Every action goes through the registry's functions (db/), the
 * same ones the CLI uses: four eyes, roles and provider scoping are
 * enforced there. Independent of HTTP so that it can be tested directly.
 *
 * Requests are answered through the response, not a return value;
 * web_api_staff_login returns 0, 1 refused (`why`) or -1 registry error (`err`),
 * as db/ does; web_api_effective_problem 0, or -1 with the problem in `msg`;
 * web_api_owns is a predicate (non-zero yes, 0 no); web_api_new NULL on failure.
 */
#ifndef VNTL_WEB_API_H
#define VNTL_WEB_API_H

#include "web/metrics.h"

#include <stddef.h>
#include <time.h>

struct web_api_request {
	const char *method;              /* "GET", "POST" */
	const char *path;                /* decoded URL path */
	const char *query_state;         /* ?state= (changes lists), may be NULL */
	const char *query_after;         /* ?after= (every list: the last id seen), may be NULL */
	const char *query_limit;         /* ?limit= (every list), may be NULL */
	const char *body;
	size_t body_len;
	int body_too_large;              /* the body went past server.max_body */
	const char *client_cert_sha256;  /* verified client certificate, or NULL */
	const char *authorization;       /* Authorization header, or NULL */
	const char *content_type;        /* Content-Type header, or NULL */
	const char *origin;              /* Origin header, or NULL */
	const char *self_origin;         /* "https://host[:port]" the service is reached as, or NULL */
	const char *peer;                /* client address */
};

struct web_api_response {
	unsigned status;
	char *body;                      /* JSON, malloc'ed */
	size_t body_len;
	int auth_failed;                 /* 1: a failed login, for the metrics */
	enum web_auth_reason auth_reason;
	int is_admin;                    /* the admin API (else the provider API) */
};

/* Listings: ?limit= default and largest value. */
#define WEB_API_PAGE_DEFAULT 100
#define WEB_API_PAGE_MAX 1000

/* What a proposal may say (configuration keys provider.* and admin.*). */
struct web_api_limits {
	unsigned provider_max_backdate_days; /* effective at most this many days before now */
	unsigned provider_max_ahead_days;    /* ... and at most this many days after now */
	unsigned provider_max_pending;       /* pending proposals per provider account */
	unsigned admin_max_backdate_days;
	unsigned admin_max_ahead_days;
};

#define WEB_API_LIMITS_DEFAULT {30, 365, 20, 3650, 3650}

struct web_api;

/* `db_path`: the registry. `config_path`: the configuration file whose
 * publish.* keys POST /admin/api/publish uses (NULL: publishing through the
 * API is refused). */
struct web_api *web_api_new(const char *db_path, const char *config_path);
void web_api_free(struct web_api *api);

/* Replaces the default limits (WEB_API_LIMITS_DEFAULT) when `limits` is not
 * NULL; `metrics` (may be NULL) receives the failed-login limiter's counts.
 * Before the first request: not safe while requests are handled. */
void web_api_configure(struct web_api *api, const struct web_api_limits *limits,
		       struct web_metrics *metrics);

/* Whether `path` belongs to the admin or provider API. */
int web_api_owns(const char *path);

/* Answers one request. Registry work: call from an API worker, not from a
 * serving thread. */
void web_api_handle(struct web_api *api, const struct web_api_request *req,
		    struct web_api_response *resp);

struct db;
struct db_user;

/* Why web_api_staff_login refused. */
enum web_staff_refusal {
	WEB_STAFF_NO_CERTIFICATE,      /* no verified client certificate */
	WEB_STAFF_UNKNOWN_CERTIFICATE, /* one that belongs to no user */
	WEB_STAFF_PROVIDER,            /* a provider's: providers use the provider API */
};

/* The staff login of the admin API, shared with the staff console: the
 * holder of the verified client certificate `cert_sha256` (NULL: none was
 * presented) from registry `db`. 0 (`user` filled), 1 refused (`why` set;
 * a missing or unknown certificate is logged and audited, summed per
 * source as for every failed login, see authfail.h), -1 registry error
 * (`err`). */
int web_api_staff_login(struct web_api *api, struct db *db, const char *cert_sha256, const char *peer,
			struct db_user *user, enum web_staff_refusal *why, char *err, size_t errlen);

/* The check of a proposal's effective time against the
 * admin.* / provider.* window: 0 when it may be proposed, else -1 and
 * `msg` says which limit it passes. */
int web_api_effective_problem(const struct web_api *api, time_t effective, int by_provider, char *msg,
			      size_t msglen);

/* Writes the summaries of failed logins whose interval ended by `now` (all
 * of them when `all`) to the audit log (see authfail.h). */
void web_api_flush_auth_failures(struct web_api *api, time_t now, int all);

#endif
