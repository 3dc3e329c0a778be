/* The staff web console under /admin/ (everything there but the JSON admin
 * API under /admin/api/): server-rendered HTML pages in Vietnamese with
 * English alongside, for staff presenting a registered client certificate.
 * Staff are authenticated exactly as by the admin API
 * (web_api_staff_login), and every action goes through the registry's
 * functions (db/) with their four-eyes rules, as the CLI and the API do.
 *
 * Sessions carry no server state: the cookie holds a random session id,
 * the time of the last request and an HMAC (server secret from RAND_bytes)
 * over both and the client certificate's fingerprint, so it is worthless
 * with another certificate and lapses after console.session_timeout
 * seconds without a request. Every state-changing request is a POST whose
 * form carries the CSRF token HMAC(secret, session id, fingerprint).
 * Independent of the HTTP server so that it can be tested directly.
 *
 * Pages are answered through the response, not a return value;
 * web_console_add_headers returns 0, or -1 when out of memory; web_console_owns is
 * a predicate (non-zero yes, 0 no); web_console_new NULL on failure; the form
 * callbacks return libmicrohttpd's MHD_Result.
 */
#ifndef VNTL_WEB_CONSOLE_H
#define VNTL_WEB_CONSOLE_H

#include "web/api.h"

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#define WEB_CONSOLE_COOKIE "vntl_console"
#define WEB_CONSOLE_FIELDS 16
#define WEB_CONSOLE_SESSION_TIMEOUT_DEFAULT 900

/* Form fields (a POST body, read by libmicrohttpd's post processor) or
 * query arguments, as received. */
struct web_console_form {
	struct {
		char *name;
		char *value;
		size_t len;
	} field[WEB_CONSOLE_FIELDS];
	size_t count;
	size_t total;      /* bytes of values kept so far */
	size_t max_total;  /* server.max_body; 0: no limit */
	int refused;       /* too many fields or too many bytes: the form is unusable */
};

/* libmicrohttpd's MHD_PostDataIterator, `cls` a struct web_console_form. */
enum MHD_Result web_console_form_post(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *filename, const char *content_type,
				      const char *transfer_encoding, const char *data, uint64_t off,
				      size_t size);
/* libmicrohttpd's MHD_KeyValueIterator (query arguments). */
enum MHD_Result web_console_form_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value);
/* The value of the first field `name`, or NULL. */
const char *web_console_form_get(const struct web_console_form *f, const char *name);
void web_console_form_clear(struct web_console_form *f);

/* Whether `path` is the console's: /admin and /admin/... but /admin/api/. */
int web_console_owns(const char *path);

struct web_console_request {
	const char *method;                    /* "GET", "HEAD", "POST" ... */
	const char *path;                      /* decoded URL path */
	const struct web_console_form *query;  /* query arguments */
	const struct web_console_form *form;   /* POST form; NULL when the body was not a form */
	const char *cookie;                    /* the WEB_CONSOLE_COOKIE cookie, or NULL */
	const char *client_cert_sha256;        /* verified client certificate, or NULL */
	const char *origin;                    /* Origin header, or NULL */
	const char *self_origin;               /* "https://host[:port]" of the service, or NULL */
	const char *peer;                      /* client address */
};

struct web_console_response {
	unsigned status;
	char *body;                  /* malloc'ed */
	size_t body_len;
	const char *content_type;
	int is_page;                 /* a staff page: the security headers and no-store */
	char location[160];          /* a redirect's target, or "" */
	char set_cookie[256];        /* "" : none */
	int auth_failed;             /* a refused login, for the metrics */
	enum web_auth_reason auth_reason;
};

struct web_console;

/* `api` authenticates staff and holds the proposal limits; `db_path` is
 * the registry; `session_timeout` in seconds; `autopublish` the thread
 * that publishes after approval (NULL: this vntld does not publish), whose
 * health every page shows. NULL when out of memory or without randomness
 * for the secret. */
struct web_autopublish;
struct web_console *web_console_new(struct web_api *api, const char *db_path, unsigned session_timeout,
				    struct web_autopublish *autopublish);
void web_console_free(struct web_console *con);

/* Answers one request. Registry work: call from an API worker. */
void web_console_handle(struct web_console *con, const struct web_console_request *req,
			struct web_console_response *resp);

/* Adds the response's headers (security headers, caching, cookie,
 * location) to `r`; 0, or -1 when out of memory. */
int web_console_add_headers(struct MHD_Response *r, const struct web_console_response *resp);

#endif
