/* The staff console's pages (see console.h): HTML rendered from the
 * registry, every value HTML-escaped (names come from foreign providers).
 * Internal to web/console.c.
 *
 * Renderers return nothing: a problem becomes part of the page (an
 * allocation failure is reported when the page is finished, see sbuf.h);
 * console_correction_input returns 0, or -1 with `problem` naming the field.
 */
#ifndef VNTL_WEB_CONSOLE_PAGES_H
#define VNTL_WEB_CONSOLE_PAGES_H

#include "db/registry.h"
#include "web/autopublish.h"
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
	struct web_autopublish_health publishing; /* shown on every page while failing */
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

/* A proposer's name tagged staff or provider (with its TSP), and the
 * time it proposed (0: none). */
void console_proposer(struct console_ctx *x, const char *name, int64_t at);

/* Tables (console_table.c), so that pages do not repeat markup. Every
 * cell's text is escaped. A table sits in a box that scrolls sideways on
 * its own, never the page. */
struct console_col {
	const char *vi, *en;   /* heading; en may be NULL */
};
/* "<div class=box><table id=ID><tr><th>…</th>…</tr>" for `cols`, up to
 * the first with vi NULL; `id` may be NULL. */
void console_table_begin(struct console_ctx *x, const char *id, const struct console_col *cols);
void console_table_end(struct console_ctx *x);
void console_row_begin(struct console_ctx *x);
void console_row_end(struct console_ctx *x);
/* One cell: text, a time (UTC and Vietnam time), a monospaced hash, a
 * status name, a link "/admin/<what>/<id>" showing the id. */
void console_cell(struct console_ctx *x, const char *text);
void console_cell_time(struct console_ctx *x, int64_t t);
void console_cell_hash(struct console_ctx *x, const char *text);
void console_cell_link(struct console_ctx *x, const char *what, int64_t id);
/* A row "<th>label</th><td id=ID>text</td>" of a table of facts; `id`
 * may be NULL. console_fact_begin leaves the cell open for richer content
 * closed by console_fact_end. */
void console_fact(struct console_ctx *x, const char *vi, const char *en, const char *id, const char *text);
void console_fact_begin(struct console_ctx *x, const char *vi, const char *en, const char *id);
void console_fact_end(struct console_ctx *x);
/* "<table>" of facts in its box, and its end. */
void console_facts_begin(struct console_ctx *x, const char *id);
/* A service's status timeline (status, effective, decision, reason, and
 * the proposal behind each entry) as an open table: the review page adds
 * the pending entry, then console_table_end. */
void console_timeline_begin(struct console_ctx *x, const struct db_cert_row *row);
/* A notice or problem paragraph with id="notice" / id="problem". */
void console_problem(struct console_ctx *x, const char *text);

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
/* Corrections (console_corrections.c): the list, newest first; the form
 * of the kind ?action= names (every kind db_correction_propose knows;
 * `problem`: why the last one was refused, status 400); one correction
 * with its before/after and, for an approver who is neither the proposer
 * nor the user concerned, the approve and reject forms. */
void console_corrections(struct console_ctx *x);
void console_correction_form(struct console_ctx *x, const char *problem);
void console_correction(struct console_ctx *x, int64_t id, const char *notice_vi, const char *notice_en);
/* The submitted correction form as the registry's input (strings point
 * into the form); 0, or -1 with `problem` naming the field. */
int console_correction_input(struct console_ctx *x, struct db_correction_input *in, char *problem, size_t len);
/* A message page for an authenticated user (refusals of an action). */
void console_message(struct console_ctx *x, unsigned status, const char *vi, const char *en,
		     const char *detail);
/* A refusal before anyone is known (no or an unknown certificate, expired
 * session on a POST...): a page without the console's navigation. */
void console_refusal(struct web_console_response *resp, unsigned status, const char *vi, const char *en);

#endif
