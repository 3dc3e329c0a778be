/* The staff console's tables (see console_pages.h): one place for the
 * markup of headings, cells, facts and the status timeline. */
#include "common/sizes.h"
#include "web/console_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

void console_table_begin(struct console_ctx *x, const char *id, const struct console_col *cols)
{
	add(x, "<div class=\"box\"><table");
	if (id)
		sbuf_printf(&x->out, " id=\"%s\"", id);
	add(x, "><tr>");
	for (size_t i = 0; cols[i].vi; i++) {
		add(x, "<th>");
		add(x, cols[i].vi);
		if (cols[i].en)
			sbuf_printf(&x->out, " <span class=\"en\">%s</span>", cols[i].en);
		add(x, "</th>");
	}
	add(x, "</tr>\n");
}

void console_table_end(struct console_ctx *x)
{
	add(x, "</table></div>\n");
}

void console_row_begin(struct console_ctx *x)
{
	add(x, "<tr>");
}

void console_row_end(struct console_ctx *x)
{
	add(x, "</tr>\n");
}

void console_cell(struct console_ctx *x, const char *text)
{
	add(x, "<td>");
	console_esc(x, text);
	add(x, "</td>");
}

void console_cell_time(struct console_ctx *x, int64_t t)
{
	add(x, "<td>");
	if (t)
		console_time(x, t);
	add(x, "</td>");
}

void console_cell_hash(struct console_ctx *x, const char *text)
{
	add(x, "<td class=\"hash\">");
	console_esc(x, text);
	add(x, "</td>");
}

void console_cell_link(struct console_ctx *x, const char *what, int64_t id)
{
	sbuf_printf(&x->out, "<td><a href=\"/admin/%s/%" PRId64 "\">%" PRId64 "</a></td>", what, id, id);
}

void console_facts_begin(struct console_ctx *x, const char *id)
{
	add(x, "<div class=\"box\"><table");
	if (id)
		sbuf_printf(&x->out, " id=\"%s\"", id);
	add(x, ">");
}

void console_fact_begin(struct console_ctx *x, const char *vi, const char *en, const char *id)
{
	sbuf_printf(&x->out, "<tr><th>%s", vi);
	if (en)
		sbuf_printf(&x->out, " <span class=\"en\">%s</span>", en);
	add(x, "</th><td");
	if (id)
		sbuf_printf(&x->out, " id=\"%s\"", id);
	add(x, ">");
}

void console_fact_end(struct console_ctx *x)
{
	add(x, "</td></tr>\n");
}

void console_fact(struct console_ctx *x, const char *vi, const char *en, const char *id, const char *text)
{
	console_fact_begin(x, vi, en, id);
	console_esc(x, text);
	console_fact_end(x);
}

void console_problem(struct console_ctx *x, const char *text)
{
	add(x, "<p class=\"problem\" id=\"problem\">");
	console_esc(x, text);
	add(x, "</p>\n");
}

/* Who proposed and who decided the entry, with a link to the proposal;
 * an entry written at import has none. */
static void decision_cell(struct console_ctx *x, const struct db_decision *d)
{
	add(x, "<td>");
	if (d->change_id) {
		sbuf_printf(&x->out, "<a href=\"/admin/changes/%" PRId64 "\">#%" PRId64 "</a> ", d->change_id,
			    d->change_id);
		console_both(x, "đề xuất", "proposed by");
		add(x, " ");
		console_esc(x, d->proposed_by);
		add(x, ", ");
		console_both(x, "duyệt", "approved by");
		add(x, " ");
		console_esc(x, d->decided_by);
		add(x, " (");
		console_time(x, d->decided_at);
		add(x, ")");
		if (d->note && *d->note) {
			add(x, ": ");
			console_esc(x, d->note);
		}
	} else {
		console_both(x, "khi nhập chứng thư", "at import");
	}
	add(x, "</td>");
}

void console_timeline_begin(struct console_ctx *x, const struct db_cert_row *row)
{
	static const struct console_col cols[] = {
		{"Trạng thái", "Status"},       {"Hiệu lực", "Effective"}, {"Quyết định", "Decision"},
		{"Lý do", "Reason"},            {"Đề xuất và phê duyệt", "Proposal and approval"}, {NULL, NULL},
	};
	struct db_decision *d = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	console_table_begin(x, "timeline", cols);
	if (db_cert_decisions(x->db, row->service_id, &d, &n, err, sizeof err) != 0) {
		add(x, "<tr><td colspan=\"5\" class=\"problem\">");
		console_esc(x, err);
		add(x, "</td></tr>\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		console_row_begin(x);
		console_cell(x, db_status_name(d[i].status));
		console_cell_time(x, d[i].effective);
		console_cell(x, d[i].decision_ref);
		console_cell(x, d[i].reason);
		decision_cell(x, &d[i]);
		console_row_end(x);
	}
	db_decisions_free(d, n);
}
