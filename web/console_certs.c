/* The staff console's certificate pages (see console_pages.h): search
 * (done by the registry, db_cert_search) and one certificate. Read only. */
#include "common/sizes.h"
#include "web/console_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void result_row(struct console_ctx *x, const struct db_cert_hit *h)
{
	console_row_begin(x);
	console_cell_link(x, "certificates", h->service_id);
	console_cell(x, h->service_name_en && *h->service_name_en ? h->service_name_en : h->subject);
	add(x, "<td>");
	console_esc(x, h->tsp_name_vi);
	add(x, " · ");
	console_esc(x, h->tsp_name_en);
	add(x, "</td>");
	console_cell(x, h->country);
	console_cell(x, db_status_name(h->status_now));
	add(x, "<td class=\"hash\">");
	sbuf_addn(&x->out, h->sha256, 16);
	add(x, "…</td>");
	console_row_end(x);
}

void console_certificates(struct console_ctx *x)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Dịch vụ", "Service"}, {"Nhà cung cấp", "Provider"}, {"Quốc gia", "Country"},
		{"Trạng thái", "Status"}, {"SHA-256", NULL}, {NULL, NULL},
	};
	struct db_cert_query q = {.text = arg(x, "q"), .country = arg(x, "country"), .limit = SEARCH_SHOWN_MAX};
	enum db_status status;
	if (arg(x, "status") && db_status_parse(arg(x, "status"), &status) == 0)
		q.status = (int)status;
	struct db_cert_hit *hits = NULL;
	size_t n = 0, total = 0;
	char err[VNTL_ERR_MAX];
	if (db_cert_search(x->db, &q, &hits, &n, &total, err, sizeof err) != 0) {
		console_message(x, 500, "Không đọc được danh sách chứng thư", "Cannot list the certificates", err);
		return;
	}
	console_page_begin(x, "Chứng thư", "Certificates");
	search_form(x);
	if (arg(x, "status") && !q.status)
		console_problem(x, "status: must be recognised, suspended, granted or withdrawn");
	console_table_begin(x, "certificates", cols);
	for (size_t i = 0; i < n; i++)
		result_row(x, &hits[i]);
	console_table_end(x);
	sbuf_printf(&x->out, "<p id=\"count\">%zu / %zu</p>\n", n, total);
	console_page_end(x, 200);
	db_cert_hits_free(hits, n);
}

static void hash_fact(struct console_ctx *x, const char *vi, const char *en, const char *value)
{
	console_fact_begin(x, vi, en, NULL);
	add(x, "<span class=\"hash\">");
	console_esc(x, value);
	add(x, "</span>");
	console_fact_end(x);
}

static void cert_fields(struct console_ctx *x, const struct db_cert_row *r, const struct db_tsp *t)
{
	char key[48];
	snprintf(key, sizeof key, "%s %d", r->key_type, r->key_bits);
	console_facts_begin(x, NULL);
	if (t) {
		console_fact_begin(x, "Nhà cung cấp", "Provider", "tsp-name");
		console_esc(x, t->name_vi);
		add(x, " · <span lang=\"en\">");
		console_esc(x, t->name_en);
		add(x, "</span> (");
		console_esc(x, t->country);
		add(x, ")");
		console_fact_end(x);
	}
	console_fact(x, "Chủ thể", "Subject", NULL, r->subject);
	console_fact(x, "Tổ chức phát hành", "Issuer", NULL, r->issuer);
	hash_fact(x, "Số hiệu", "Serial", r->serial);
	console_fact_begin(x, "Hiệu lực", "Validity", NULL);
	console_time(x, r->not_before);
	add(x, " → ");
	console_time(x, r->not_after);
	console_fact_end(x);
	console_fact(x, "Khoá", "Key", NULL, key);
	console_fact(x, "Thuật toán ký", "Signature algorithm", NULL, r->sig_alg);
	hash_fact(x, "SHA-256", "of the certificate", r->sha256);
	hash_fact(x, "Loại dịch vụ", "Service type", r->type_uri);
	console_fact_begin(x, "Trạng thái", "Status", "status-now");
	console_esc(x, db_status_name(r->status_now));
	add(x, " · ");
	console_time(x, r->status_since);
	console_fact_end(x);
	console_table_end(x);
}

static void cert_timeline(struct console_ctx *x, const struct db_cert_row *r)
{
	add(x, "<h2>");
	console_both(x, "Lịch sử trạng thái và các quyết định", "Status timeline and the decisions behind it");
	add(x, "</h2>\n");
	console_timeline_begin(x, r);
	console_table_end(x);
}

static void version_link(struct console_ctx *x, const struct db_appearance *a)
{
	sbuf_printf(&x->out, "<a href=\"/%s/%" PRId64 ".xml\">%" PRId64 "</a>", a->list, a->sequence, a->sequence);
}

/* The published versions that carried it, one row per run of versions
 * that published the same status: "foreign 3–17 recognised". */
static void cert_appearances(struct console_ctx *x, int64_t service_id)
{
	static const struct console_col cols[] = {
		{"Danh sách", "List"}, {"Phiên bản", "Versions"}, {"Phát hành", "Issued"},
		{"Trạng thái đã công bố", "Status published"}, {NULL, NULL},
	};
	struct db_appearance *a = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	add(x, "<h2>");
	console_both(x, "Các danh sách và phiên bản đã công bố chứng thư này", "Lists and versions it appeared in");
	add(x, "</h2>\n");
	if (db_cert_appearances(x->db, service_id, &a, &n, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	if (n == 0) {
		add(x, "<p id=\"appearances\">");
		console_both(x, "Chưa có phiên bản nào được công bố kể từ khi nhập.", "Not yet in any published version.");
		add(x, "</p>\n");
		free(a);
		return;
	}
	console_table_begin(x, "appearances", cols);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && a[j].status == a[i].status && strcmp(a[j].list, a[i].list) == 0; j++)
			;
		console_row_begin(x);
		console_cell(x, a[i].list);
		add(x, "<td>");
		version_link(x, &a[i]);
		if (j - i > 1) {
			add(x, j - i > 2 ? " … " : ", ");
			version_link(x, &a[j - 1]);
		}
		add(x, "</td><td>");
		console_time(x, a[i].issued);
		if (j - i > 1) {
			add(x, " → ");
			console_time(x, a[j - 1].issued);
		}
		add(x, "</td>");
		console_cell(x, a[i].status ? db_status_name(a[i].status) : "—");
		console_row_end(x);
	}
	console_table_end(x);
	free(a);
}

/* The proposals about this service, also the pending and rejected ones:
 * who proposed, who decided, why. */
static void cert_proposals(struct console_ctx *x, int64_t service_id)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Trạng thái mới", "New status"}, {"Đề xuất", "Proposed"}, {"Quyết định", "Decided"},
		{NULL, NULL},
	};
	struct db_change *list = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	add(x, "<h2>");
	console_both(x, "Đề xuất và quyết định", "Proposals and decisions");
	add(x, "</h2>\n");
	if (db_change_list(x->db, -1, 0, &list, &n, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	console_table_begin(x, "proposals", cols);
	for (size_t i = 0; i < n; i++) {
		const struct db_change *ch = &list[i];
		if (ch->service_id != service_id)
			continue;
		console_row_begin(x);
		console_cell_link(x, "changes", ch->id);
		add(x, "<td>");
		console_esc(x, db_status_name(ch->new_status));
		add(x, " (");
		console_esc(x, db_change_state_name(ch->state));
		add(x, ")</td><td>");
		console_proposer(x, ch->proposed_by, ch->proposed_at);
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
		add(x, "</td>");
		console_row_end(x);
	}
	console_table_end(x);
	db_changes_free(list, n);
}

void console_certificate(struct console_ctx *x, const char *key)
{
	struct db_cert_row r;
	memset(&r, 0, sizeof r);
	char err[VNTL_ERR_MAX];
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
	cert_appearances(x, r.service_id);
	cert_proposals(x, r.service_id);
	console_page_end(x, 200);
	if (have_tsp)
		db_tsp_clear(&t);
	db_cert_row_clear(&r);
}
