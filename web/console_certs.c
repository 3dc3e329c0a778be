/* The staff console's certificate pages (see console_pages.h): search and
 * one certificate. Read only; filtering is done here over the registry's
 * listing (db_cert_list), which is small (hundreds of services). */
#include "web/console_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEARCH_SHOWN_MAX 500

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

static const char *arg(const struct console_ctx *x, const char *name)
{
	const char *v = x->req->query ? web_console_form_get(x->req->query, name) : NULL;
	return v && *v ? v : NULL;
}

static const struct db_tsp *tsp_of(const struct db_tsp *tsps, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (tsps[i].id == id)
			return &tsps[i];
	return NULL;
}

static int contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* ?q= matches a service id, a SHA-256 prefix, or part of the subject,
 * the service's name or its provider's names (case ignored). */
static int matches(const struct db_cert_row *r, const struct db_tsp *t, const char *q, const char *country,
		   const char *status)
{
	if (country && (!t || strcasecmp(t->country, country) != 0))
		return 0;
	if (status && strcmp(db_status_name(r->status_now), status) != 0)
		return 0;
	if (!q)
		return 1;
	char id[24];
	snprintf(id, sizeof id, "%" PRId64, r->service_id);
	size_t n = strlen(q);
	return strcmp(id, q) == 0 || (n >= 4 && strncasecmp(r->sha256, q, n) == 0) || contains(r->subject, q) ||
	       contains(r->name_en, q) || (t && (contains(t->name_vi, q) || contains(t->name_en, q)));
}

static void search_form(struct console_ctx *x)
{
	static const char *const statuses[] = {"recognised", "suspended", "granted", "withdrawn"};
	add(x, "<form method=\"get\" action=\"/admin/certificates\" class=\"filters\"><div><label for=\"q\">"
	       "Tên, chủ thể, SHA-256 <span class=\"en\">Name, subject, SHA-256 prefix</span></label>"
	       "<input id=\"q\" name=\"q\" type=\"search\" value=\"");
	console_esc(x, arg(x, "q"));
	add(x, "\"></div><div><label for=\"country\">Quốc gia <span class=\"en\">Country</span></label>"
	       "<input id=\"country\" name=\"country\" maxlength=\"2\" value=\"");
	console_esc(x, arg(x, "country"));
	add(x, "\"></div><div><label for=\"status\">Trạng thái <span class=\"en\">Status</span></label>"
	       "<select id=\"status\" name=\"status\"><option value=\"\">*</option>");
	const char *chosen = arg(x, "status");
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		sbuf_printf(&x->out, "<option value=\"%s\"%s>%s</option>", statuses[i],
			    chosen && strcmp(chosen, statuses[i]) == 0 ? " selected" : "", statuses[i]);
	add(x, "</select></div><div><button type=\"submit\">Tìm <span lang=\"en\">Search</span></button></div></form>\n");
}

static void result_row(struct console_ctx *x, const struct db_cert_row *r, const struct db_tsp *t)
{
	sbuf_printf(&x->out, "<tr><td><a href=\"/admin/certificates/%" PRId64 "\">%" PRId64 "</a></td><td>",
		    r->service_id, r->service_id);
	console_esc(x, r->name_en ? r->name_en : r->subject);
	add(x, "</td><td>");
	if (t) {
		console_esc(x, t->name_vi);
		add(x, " · ");
		console_esc(x, t->name_en);
	}
	add(x, "</td><td>");
	console_esc(x, t ? t->country : "");
	add(x, "</td><td>");
	console_esc(x, db_status_name(r->status_now));
	add(x, "</td><td class=\"hash\">");
	sbuf_addn(&x->out, r->sha256, 16);
	add(x, "…</td></tr>\n");
}

void console_certificates(struct console_ctx *x)
{
	struct db_cert_row *rows = NULL;
	struct db_tsp *tsps = NULL;
	size_t nrows = 0, ntsps = 0;
	char err[512];
	if (db_cert_list(x->db, 0, &rows, &nrows, err, sizeof err) != 0 ||
	    db_tsp_list(x->db, &tsps, &ntsps, err, sizeof err) != 0) {
		db_cert_rows_free(rows, nrows);
		console_message(x, 500, "Không đọc được danh sách chứng thư", "Cannot list the certificates", err);
		return;
	}
	console_page_begin(x, "Chứng thư", "Certificates");
	search_form(x);
	add(x, "<div class=\"box\"><table id=\"certificates\"><tr><th>#</th><th>Dịch vụ <span class=\"en\">Service</span></th>"
	       "<th>Nhà cung cấp <span class=\"en\">Provider</span></th><th>Quốc gia <span class=\"en\">Country</span></th>"
	       "<th>Trạng thái <span class=\"en\">Status</span></th><th>SHA-256</th></tr>\n");
	size_t shown = 0;
	for (size_t i = 0; i < nrows && shown < SEARCH_SHOWN_MAX; i++) {
		const struct db_tsp *t = tsp_of(tsps, ntsps, rows[i].tsp_id);
		if (matches(&rows[i], t, arg(x, "q"), arg(x, "country"), arg(x, "status"))) {
			result_row(x, &rows[i], t);
			shown++;
		}
	}
	sbuf_printf(&x->out, "</table></div>\n<p>%zu / %zu</p>\n", shown, nrows);
	console_page_end(x, 200);
	db_cert_rows_free(rows, nrows);
	db_tsps_free(tsps, ntsps);
}

static void field_row(struct console_ctx *x, const char *vi, const char *en, const char *value, int hash)
{
	sbuf_printf(&x->out, "<tr><th>%s <span class=\"en\">%s</span></th><td%s>", vi, en, hash ? " class=\"hash\"" : "");
	console_esc(x, value);
	add(x, "</td></tr>\n");
}

static void cert_fields(struct console_ctx *x, const struct db_cert_row *r, const struct db_tsp *t)
{
	char key[48];
	snprintf(key, sizeof key, "%s %d", r->key_type, r->key_bits);
	add(x, "<div class=\"box\"><table>");
	if (t) {
		add(x, "<tr><th>Nhà cung cấp <span class=\"en\">Provider</span></th><td id=\"tsp-name\">");
		console_esc(x, t->name_vi);
		add(x, " · <span lang=\"en\">");
		console_esc(x, t->name_en);
		add(x, "</span> (");
		console_esc(x, t->country);
		add(x, ")</td></tr>\n");
	}
	field_row(x, "Chủ thể", "Subject", r->subject, 0);
	field_row(x, "Tổ chức phát hành", "Issuer", r->issuer, 0);
	field_row(x, "Số hiệu", "Serial", r->serial, 1);
	add(x, "<tr><th>Hiệu lực <span class=\"en\">Validity</span></th><td>");
	console_time(x, r->not_before);
	add(x, " → ");
	console_time(x, r->not_after);
	add(x, "</td></tr>\n");
	field_row(x, "Khoá", "Key", key, 0);
	field_row(x, "Thuật toán ký", "Signature algorithm", r->sig_alg, 0);
	field_row(x, "SHA-256", "of the certificate", r->sha256, 1);
	field_row(x, "Loại dịch vụ", "Service type", r->type_uri, 1);
	add(x, "<tr><th>Trạng thái <span class=\"en\">Status</span></th><td id=\"status-now\">");
	console_esc(x, db_status_name(r->status_now));
	add(x, " · ");
	console_time(x, r->status_since);
	add(x, "</td></tr></table></div>\n");
}

static void cert_timeline(struct console_ctx *x, const struct db_cert_row *r)
{
	add(x, "<h2>");
	console_both(x, "Lịch sử trạng thái", "Status timeline");
	add(x, "</h2>\n<div class=\"box\"><table id=\"timeline\"><tr><th>Trạng thái <span class=\"en\">Status</span></th>"
	       "<th>Hiệu lực <span class=\"en\">Effective</span></th><th>Quyết định <span class=\"en\">Decision</span></th>"
	       "<th>Lý do <span class=\"en\">Reason</span></th></tr>\n");
	for (size_t i = 0; i < r->timeline_count; i++) {
		add(x, "<tr><td>");
		console_esc(x, db_status_name(r->timeline[i].status));
		add(x, "</td><td>");
		console_time(x, r->timeline[i].effective);
		add(x, "</td><td>");
		console_esc(x, r->timeline[i].decision_ref);
		add(x, "</td><td>");
		console_esc(x, r->timeline[i].reason);
		add(x, "</td></tr>\n");
	}
	add(x, "</table></div>\n");
}

/* The proposals about this service: who proposed, who decided, why. */
static void cert_proposals(struct console_ctx *x, int64_t service_id)
{
	struct db_change *list = NULL;
	size_t n = 0;
	char err[512];
	add(x, "<h2>");
	console_both(x, "Đề xuất và quyết định", "Proposals and decisions");
	add(x, "</h2>\n");
	if (db_change_list(x->db, -1, 0, &list, &n, err, sizeof err) != 0) {
		add(x, "<p class=\"problem\">");
		console_esc(x, err);
		add(x, "</p>\n");
		return;
	}
	add(x, "<div class=\"box\"><table id=\"proposals\"><tr><th>#</th><th>Trạng thái mới <span class=\"en\">New status</span></th>"
	       "<th>Đề xuất <span class=\"en\">Proposed</span></th><th>Quyết định <span class=\"en\">Decided</span></th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const struct db_change *ch = &list[i];
		if (ch->service_id != service_id)
			continue;
		sbuf_printf(&x->out, "<tr><td><a href=\"/admin/changes/%" PRId64 "\">%" PRId64 "</a></td><td>", ch->id, ch->id);
		console_esc(x, db_status_name(ch->new_status));
		add(x, " (");
		console_esc(x, db_change_state_name(ch->state));
		add(x, ")</td><td>");
		console_esc(x, ch->proposed_by);
		add(x, ", ");
		console_time(x, ch->proposed_at);
		add(x, "</td><td>");
		if (ch->decided_by) {
			console_esc(x, ch->decided_by);
			add(x, ", ");
			console_time(x, ch->decided_at);
			if (ch->decision_note && *ch->decision_note) {
				add(x, ": ");
				console_esc(x, ch->decision_note);
			}
		}
		add(x, "</td></tr>\n");
	}
	add(x, "</table></div>\n");
	db_changes_free(list, n);
}

void console_certificate(struct console_ctx *x, const char *key)
{
	struct db_cert_row r;
	memset(&r, 0, sizeof r);
	char err[512];
	int rc = db_cert_show(x->db, key, &r, err, sizeof err);
	if (rc != 0) {
		console_message(x, rc == 1 ? 404 : 500, "Không tìm thấy chứng thư", "No such certificate", err);
		return;
	}
	struct db_tsp t;
	memset(&t, 0, sizeof t);
	int have_tsp = db_tsp_get(x->db, r.tsp_id, &t, err, sizeof err) == 0;
	char title[64];
	snprintf(title, sizeof title, "Chứng thư %" PRId64, r.service_id);
	console_page_begin(x, title, "Certificate");
	cert_fields(x, &r, have_tsp ? &t : NULL);
	sbuf_printf(&x->out, "<p><a href=\"/admin/propose?service=%" PRId64 "\" id=\"propose-link\">Đề xuất thay đổi "
		    "trạng thái <span class=\"en\">Propose a status change</span></a></p>\n", r.service_id);
	cert_timeline(x, &r);
	cert_proposals(x, r.service_id);
	console_page_end(x, 200);
	if (have_tsp)
		db_tsp_clear(&t);
	db_cert_row_clear(&r);
}
