/* The staff console's pages (see console.h): HTML rendered from the
 * registry, every value HTML-escaped (names come from foreign providers).
 * Internal to web/console.c. */
#ifndef VNTL_WEB_CONSOLE_PAGES_H
#define VNTL_WEB_CONSOLE_PAGES_H

#include "db/registry.h"
#include "web/console.h"
#include "web/sbuf.h"

/* One authenticated request being answered. */
struct console_ctx {
	const struct web_console_request *req;
	struct web_console_response *resp;
	struct web_api *api;
	struct db *db;
	struct db_user user;
	char csrf[65];        /* the token every form of the page carries */
	struct sbuf out;
};

/* The console's stylesheet, served at CONSOLE_CSS_PATH. */
#define CONSOLE_CSS_PATH "/admin/static/console.css"
extern const char console_css[];

/* Building blocks of every page. */
void console_page_begin(struct console_ctx *x, const char *title_vi, const char *title_en);
/* Hands the page to ctx->resp with `status`. */
void console_page_end(struct console_ctx *x, unsigned status);
/* Text from the registry or the request, HTML-escaped (NULL: nothing). */
void console_esc(struct console_ctx *x, const char *s);
/* Constant text in both languages: "vi <span class=en>en</span>". */
void console_both(struct console_ctx *x, const char *vi, const char *en);
/* A time in UTC and in Vietnam time. */
void console_time(struct console_ctx *x, int64_t t);

/* Pages. Each renders a whole document into ctx->resp (status 200 unless
 * it says otherwise). */
void console_dashboard(struct console_ctx *x);
/* A proposal with the before/after of what will be published; `notice`
 * (may be NULL) is shown above it, e.g. the outcome of an action. */
void console_change(struct console_ctx *x, int64_t id, const char *notice_vi, const char *notice_en);
/* The proposal form, filled from the submitted form when there is one;
 * `problem` (may be NULL) says what was wrong with it (status 400). */
void console_propose_form(struct console_ctx *x, const char *problem);
/* The audit log with the ?actor=, ?action=, ?from=, ?to= filters and the
 * chain's verification. */
void console_audit(struct console_ctx *x);
/* Certificates (console_certs.c): search with ?q= (name, subject,
 * SHA-256 prefix, service id), ?country=, ?status=; and one certificate by
 * service id or SHA-256 prefix with its fields, status timeline and the
 * proposals behind its changes. */
void console_certificates(struct console_ctx *x);
void console_certificate(struct console_ctx *x, const char *key);
/* The users (every staff member may read the list) and the form adding
 * a staff member with a client certificate; `problem` (may be NULL): why
 * the last form was refused (status 400); `added`: who was just added;
 * `proposed`: the correction that will add them once approved. */
void console_users(struct console_ctx *x, const char *problem, const char *added, const char *proposed);
/* A message page for an authenticated user (refusals of an action). */
void console_message(struct console_ctx *x, unsigned status, const char *vi, const char *en,
		     const char *detail);
/* A refusal before anyone is known (no or an unknown certificate, expired
 * session on a POST...): a page without the console's navigation. */
void console_refusal(struct web_console_response *resp, unsigned status, const char *vi, const char *en);

#endif
