/* The staff console's pages (see console_pages.h). Nothing here writes to
 * the registry: the actions are in console.c. */
#include "web/console_pages.h"

#include "common/rfc3339.h"
#include "common/sizes.h"
#include "publisher/status_timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_SHOWN_MAX 200
#define PUBLISHER_SCAN 50     /* recent publication entries searched for who published */

/* No inline style anywhere (the Content-Security-Policy forbids it): the
 * whole look is this file. Narrow screens first; wide tables scroll inside
 * their own box, never the page. */
const char console_css[] =
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1b1f24;background:#f6f7f9}\n"
	"header{background:#8b1d1d;color:#fff;padding:.6rem 1rem}\n"
	"header a{color:#fff}\n"
	".brand{margin:0;font-weight:600}\n"
	"nav{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin:.3rem 0}\n"
	".who{margin:0;font-size:.9rem;opacity:.9}\n"
	"main{max-width:72rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:1.4rem;margin:.4rem 0 1rem}\n"
	"h2{font-size:1.15rem;margin:1.5rem 0 .5rem}\n"
	".en{color:#5a6270;font-size:.92em}\n"
	"header .en{color:#f1d6d6}\n"
	".box{overflow-x:auto;background:#fff;border:1px solid #d8dce2;border-radius:6px;margin:.5rem 0}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #e6e8ec}\n"
	"th{background:#eef0f3;font-weight:600}\n"
	".hash,code{font-family:ui-monospace,monospace;font-size:.85rem;word-break:break-all}\n"
	".notice{background:#e8f4ea;border:1px solid #9bc9a4;padding:.6rem;border-radius:6px}\n"
	".problem{background:#fbeaea;border:1px solid #d99;padding:.6rem;border-radius:6px}\n"
	".tag{display:inline-block;font-size:.8rem;padding:0 .4rem;border-radius:4px;background:#eef0f3}\n"
	".overdue{color:#a00;font-weight:600}\n"
	"form.action{background:#fff;border:1px solid #d8dce2;border-radius:6px;padding:.8rem;margin:.8rem 0}\n"
	"label{display:block;margin:.6rem 0 .2rem;font-weight:600}\n"
	"input,select,textarea{width:100%;max-width:32rem;font:inherit;padding:.35rem}\n"
	"textarea{min-height:5rem}\n"
	"button{font:inherit;padding:.45rem 1rem;margin-top:.8rem;border-radius:4px;border:1px solid #555;"
	"background:#1d4f8b;color:#fff}\n"
	"button.reject{background:#8b1d1d}\n"
	".tag.provider{background:#fdf0d5}\n"
	".filters{display:flex;flex-wrap:wrap;gap:.5rem}\n"
	".filters label{margin:0}\n"
	".filters input{width:11rem}\n";

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

void console_esc(struct console_ctx *x, const char *s)
{
	sbuf_add_html(&x->out, s ? s : "");
}

/* "Tiếng Việt <span class="en">English</span>" (both constant text). */
void console_both(struct console_ctx *x, const char *vi, const char *en)
{
	sbuf_printf(&x->out, "%s <span class=\"en\" lang=\"en\">%s</span>", vi, en);
}

void console_time(struct console_ctx *x, int64_t t)
{
	char buf[RFC3339_ICT_BUF];
	console_esc(x, rfc3339_format_ict(t, buf));
}

static void head(struct sbuf *b, const char *title_vi, const char *title_en)
{
	sbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>%s — %s · NEAC</title><link rel=\"stylesheet\" href=\"%s\"></head><body>\n",
		    title_vi, title_en, CONSOLE_CSS_PATH);
}

/* An approval that is not published reaches no relying party: while
 * publication after approval fails, every page says so and why. */
static void publishing_banner(struct console_ctx *x)
{
	if (!x->publishing.failing_since)
		return;
	add(x, "<p class=\"problem\" id=\"publishing-failed\">");
	console_both(x, "Tự động công bố đang thất bại từ", "Publication after approval has been failing since");
	add(x, " ");
	console_time(x, x->publishing.failing_since);
	add(x, ": ");
	console_esc(x, x->publishing.reason);
	add(x, "</p>\n");
}

void console_page_begin(struct console_ctx *x, const char *title_vi, const char *title_en)
{
	head(&x->out, title_vi, title_en);
	add(x, "<header><p class=\"brand\">NEAC · Danh sách tin cậy <span class=\"en\" lang=\"en\">"
	       "Trust list staff console</span></p><nav>"
	       "<a href=\"/admin/\">Tổng quan <span class=\"en\" lang=\"en\">Dashboard</span></a>"
	       "<a href=\"/admin/certificates\">Chứng thư <span class=\"en\" lang=\"en\">Certificates</span></a>"
	       "<a href=\"/admin/propose\">Đề xuất <span class=\"en\" lang=\"en\">Propose</span></a>"
	       "<a href=\"/admin/corrections\">Sửa sai <span class=\"en\" lang=\"en\">Corrections</span></a>"
	       "<a href=\"/admin/audit\">Nhật ký <span class=\"en\" lang=\"en\">Audit</span></a>"
	       "<a href=\"/admin/users\">Người dùng <span class=\"en\" lang=\"en\">Users</span></a>"
	       "<a href=\"/\">Trang công khai <span class=\"en\" lang=\"en\">Public page</span></a>"
	       "</nav><p class=\"who\">");
	char roles[64];
	db_roles_format(x->user.roles, roles, sizeof roles);
	console_esc(x, x->user.name);
	add(x, " (");
	console_esc(x, roles);
	add(x, ")</p></header>\n<main>");
	publishing_banner(x);
	sbuf_printf(&x->out, "<h1>%s <span class=\"en\" lang=\"en\">%s</span></h1>\n", title_vi, title_en);
}

void console_page_end(struct console_ctx *x, unsigned status)
{
	add(x, "</main></body></html>\n");
	x->resp->status = status;
	x->resp->body = sbuf_finish(&x->out, &x->resp->body_len);
	x->resp->content_type = "text/html; charset=utf-8";
	x->resp->is_page = 1;
}

/* The hidden field every state-changing form carries. */
static void csrf_field(struct console_ctx *x)
{
	sbuf_printf(&x->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", x->csrf);
}

static int has_role(const struct console_ctx *x, unsigned role)
{
	return (x->user.roles & role) != 0;
}

/* ---- dashboard ---- */

void console_proposer(struct console_ctx *x, const char *name, int64_t at)
{
	struct db_user u;
	char err[VNTL_ERR_MAX];
	int provider = name && db_user_get(x->db, name, &u, err, sizeof err) == 0 && (u.roles & DB_ROLE_PROVIDER);
	console_esc(x, name);
	if (provider)
		sbuf_printf(&x->out, " <span class=\"tag provider\">nhà cung cấp · provider, TSP %" PRId64 "</span>",
			    u.tsp_id);
	else
		add(x, " <span class=\"tag\">cán bộ · staff</span>");
	if (at) {
		add(x, "<br>");
		console_time(x, at);
	}
}

static void waiting_on(struct console_ctx *x, const char *proposed_by)
{
	if (proposed_by && strcmp(proposed_by, x->user.name) == 0)
		console_both(x, "một người phê duyệt khác (không phải bạn)", "another approver (not you)");
	else if (has_role(x, DB_ROLE_APPROVER))
		console_both(x, "bạn hoặc một người phê duyệt khác", "you or another approver");
	else
		console_both(x, "một người phê duyệt", "an approver");
}

static void pending_changes(struct console_ctx *x)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Dịch vụ", "Service"}, {"Trạng thái mới", "New status"},
		{"Người đề xuất", "Proposed by"}, {"Chờ", "Waiting on"}, {NULL, NULL},
	};
	struct db_change *list = NULL;
	size_t count = 0;
	char err[VNTL_ERR_MAX];
	if (db_change_list(x->db, DB_CHANGE_PENDING, 0, &list, &count, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	if (count == 0) {
		add(x, "<p>");
		console_both(x, "Không có thay đổi trạng thái nào chờ duyệt.", "No status change is waiting for approval.");
		add(x, "</p>\n");
	} else {
		console_table_begin(x, "pending-changes", cols);
		for (size_t i = 0; i < count; i++) {
			const struct db_change *ch = &list[i];
			console_row_begin(x);
			console_cell_link(x, "changes", ch->id);
			console_cell(x, ch->service_name);
			console_cell(x, db_status_name(ch->new_status));
			add(x, "<td>");
			console_proposer(x, ch->proposed_by, ch->proposed_at);
			add(x, "</td><td>");
			waiting_on(x, ch->proposed_by);
			add(x, "</td>");
			console_row_end(x);
		}
		console_table_end(x);
	}
	db_changes_free(list, count);
}

static void pending_corrections(struct console_ctx *x)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Sửa sai", "Correction"}, {"Đối tượng", "Target"},
		{"Người đề xuất", "Proposed by"}, {"Chờ", "Waiting on"}, {NULL, NULL},
	};
	struct db_correction *list = NULL;
	size_t count = 0;
	char err[VNTL_ERR_MAX];
	if (db_correction_list_page(x->db, DB_CHANGE_PENDING, 0, 0, &list, &count, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	if (count == 0) {
		add(x, "<p>");
		console_both(x, "Không có yêu cầu sửa sai nào chờ duyệt.", "No correction is waiting for approval.");
		add(x, "</p>\n");
	} else {
		console_table_begin(x, "pending-corrections", cols);
		for (size_t i = 0; i < count; i++) {
			const struct db_correction *c = &list[i];
			console_row_begin(x);
			console_cell_link(x, "corrections", c->id);
			console_cell(x, db_correction_action_name(c->action));
			console_cell(x, c->target);
			add(x, "<td>");
			console_proposer(x, c->proposed_by, c->proposed_at);
			add(x, "</td><td>");
			waiting_on(x, c->proposed_by);
			add(x, "</td>");
			console_row_end(x);
		}
		console_table_end(x);
	}
	db_corrections_free(list, count);
}

static void pending_section(struct console_ctx *x)
{
	add(x, "<h2>");
	console_both(x, "Đề xuất chờ duyệt", "Pending proposals");
	add(x, "</h2>\n");
	pending_changes(x);
	pending_corrections(x);
}

/* Who recorded publication `p`: the actor of its "list.publish" audit
 * entry among the newest PUBLISHER_SCAN of them ("" when not found). */
static void publisher_of(struct console_ctx *x, const struct db_publication *p, char *who, size_t wholen)
{
	who[0] = '\0';
	struct db_audit_query q = {.action = "list.publish", .limit = PUBLISHER_SCAN};
	struct db_audit_entry *e = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX], object[40], seq[48];
	if (db_audit_search(x->db, &q, &e, &n, err, sizeof err) != 0)
		return;
	snprintf(object, sizeof object, "list:%s", p->list);
	snprintf(seq, sizeof seq, "\"sequence\":%" PRId64 ",", p->sequence);
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].action, "list.publish") == 0 && strcmp(e[i].object, object) == 0 &&
		    strstr(e[i].detail, seq)) {
			snprintf(who, wholen, "%s", e[i].actor);
			break;
		}
	db_audit_entries_free(e, n);
}

/* "còn 6 ngày 23 giờ (6 d 23 h left)" or the time it is overdue by. */
static void countdown(struct console_ctx *x, int64_t next_update, int64_t now)
{
	int64_t left = next_update - now;
	int64_t a = left < 0 ? -left : left;
	int64_t d = a / 86400, h = a % 86400 / 3600, m = a % 3600 / 60;
	if (left >= 0)
		sbuf_printf(&x->out, "còn %" PRId64 " ngày %" PRId64 " giờ %" PRId64 " phút <span class=\"en\">"
			    "(%" PRId64 " d %" PRId64 " h %" PRId64 " min left)</span>", d, h, m, d, h, m);
	else
		sbuf_printf(&x->out, "<span class=\"overdue\">QUÁ HẠN %" PRId64 " ngày %" PRId64 " giờ "
			    "<span class=\"en\">(OVERDUE by %" PRId64 " d %" PRId64 " h)</span></span>", d, h, d, h);
}

static void publications_section(struct console_ctx *x)
{
	static const char *const lists[] = {"roots", "foreign", "pointer"};
	add(x, "<h2>");
	console_both(x, "Các lần công bố gần nhất", "Last publications");
	add(x, "</h2>\n<div class=\"box\"><table><tr><th>Danh sách <span class=\"en\">List</span></th>"
	       "<th>Số thứ tự <span class=\"en\">Sequence</span></th><th>Thời điểm <span class=\"en\">Issued</span></th>"
	       "<th>Người công bố <span class=\"en\">By</span></th>"
	       "<th>Cập nhật kế tiếp <span class=\"en\">Next update</span></th></tr>\n");
	int64_t now = time(NULL);
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		struct db_publication p;
		sbuf_printf(&x->out, "<tr><td>%s</td>", lists[i]);
		if (db_publication_last(x->db, lists[i], &p) != 0) {
			add(x, "<td colspan=\"4\">");
			console_both(x, "chưa công bố", "never published");
			add(x, "</td></tr>\n");
			continue;
		}
		char who[64];
		publisher_of(x, &p, who, sizeof who);
		sbuf_printf(&x->out, "<td>%" PRId64 "</td><td>", p.sequence);
		console_time(x, p.issued);
		add(x, "</td><td>");
		console_esc(x, who[0] ? who : "?");
		add(x, "</td><td>");
		console_time(x, p.next_update);
		add(x, "<br>");
		countdown(x, p.next_update, now);
		add(x, "</td></tr>\n");
	}
	add(x, "</table></div>\n");
}

static void auto_publication_section(struct console_ctx *x)
{
	const struct web_autopublish_health *h = &x->publishing;
	add(x, "<h2>");
	console_both(x, "Tự động công bố sau phê duyệt", "Publication after approval");
	add(x, "</h2>\n<p id=\"auto-publication\">");
	if (!h->running)
		console_both(x, "Máy chủ này không tự công bố: sau mỗi phê duyệt, hãy chạy vntl publish.",
			     "This vntld does not publish by itself: after each approval, run vntl publish.");
	else if (h->failing_since)
		console_both(x, "Đang thất bại (xem thông báo phía trên).", "Failing (see the notice above).");
	else if (h->last_ok) {
		console_both(x, "Hoạt động; lần chạy thành công gần nhất:", "Working; last successful round:");
		add(x, " ");
		console_time(x, h->last_ok);
	} else
		console_both(x, "Đang chạy; chưa đến lượt đầu tiên.", "Running; its first round is still to come.");
	add(x, "</p>\n");
}

static void verdict_block(struct console_ctx *x, const struct db_audit_verdict *v)
{
	add(x, "<div class=\"box\"><table><tr><th>Trạng thái chuỗi <span class=\"en\">Chain state</span></th><td");
	add(x, v->kind == DB_AUDIT_INTACT ? ">" : " class=\"overdue\">");
	console_esc(x, db_audit_break_name(v->kind));
	if (v->kind != DB_AUDIT_INTACT) {
		add(x, ": ");
		console_esc(x, v->message);
	}
	sbuf_printf(&x->out, "</td></tr><tr><th>Số mục <span class=\"en\">Entries</span></th><td>%" PRId64
		    "</td></tr><tr><th>Mã băm đầu chuỗi <span class=\"en\">Head hash</span></th>"
		    "<td class=\"hash\" id=\"head-hash\">", v->entries);
	console_esc(x, v->head_hash);
	add(x, "</td></tr></table></div>\n");
}

void console_dashboard(struct console_ctx *x)
{
	console_page_begin(x, "Tổng quan", "Dashboard");
	pending_section(x);
	struct db_audit_verdict v;
	char err[VNTL_ERR_MAX];
	int verified = db_audit_verify(x->db, &v, err, sizeof err) == 0;
	publications_section(x);
	auto_publication_section(x);
	add(x, "<h2>");
	console_both(x, "Nhật ký kiểm toán", "Audit chain");
	add(x, "</h2>\n");
	if (verified) {
		verdict_block(x, &v);
	} else {
		add(x, "<p class=\"problem\">");
		console_esc(x, err);
		add(x, "</p>");
	}
	console_page_end(x, 200);
}

/* ---- one proposal ---- */

static const char *list_of(enum db_tsp_kind kind)
{
	return kind == DB_TSP_FOREIGN ? "foreign.xml" : "roots.xml";
}

static void before_after(struct console_ctx *x, const struct db_change *ch, const struct db_cert_row *row)
{
	add(x, "<h2>");
	console_both(x, "Trước và sau", "Before and after");
	add(x, "</h2>\n<div class=\"box\"><table><tr><th></th><th>Hiện tại <span class=\"en\">Now</span></th>"
	       "<th>Sau khi phê duyệt <span class=\"en\">After approval</span></th></tr>\n<tr><th>Trạng thái "
	       "<span class=\"en\">Status</span></th><td id=\"status-before\">");
	console_esc(x, db_status_name(row->status_now));
	add(x, "<br><code>");
	console_esc(x, status_uri(row->status_now));
	add(x, "</code></td><td id=\"status-after\">");
	console_esc(x, db_status_name(ch->new_status));
	add(x, "<br><code>");
	console_esc(x, status_uri(ch->new_status));
	add(x, "</code></td></tr>\n<tr><th>Từ <span class=\"en\">Since</span></th><td>");
	console_time(x, row->status_since);
	add(x, "</td><td>");
	if (ch->effective)
		console_time(x, ch->effective);
	else if (ch->state == DB_CHANGE_PENDING)
		console_both(x, "khi được phê duyệt", "when approved");
	add(x, "</td></tr>\n<tr><th>Danh sách <span class=\"en\">List</span></th><td colspan=\"2\">");
	console_esc(x, list_of(row->tsp_kind));
	add(x, "</td></tr></table></div>\n<h2>");
	console_both(x, "Lịch sử trạng thái", "Status timeline");
	add(x, "</h2>\n");
	console_timeline_begin(x, row);
	if (ch->state == DB_CHANGE_PENDING) {
		add(x, "<tr><td><strong>");
		console_esc(x, db_status_name(ch->new_status));
		add(x, "</strong> <span class=\"tag\">mới · new</span></td><td>");
		if (ch->effective)
			console_time(x, ch->effective);
		else
			console_both(x, "khi được phê duyệt", "when approved");
		add(x, "</td>");
		console_cell(x, ch->decision_ref);
		console_cell(x, ch->reason);
		add(x, "<td>");
		console_both(x, "đề xuất này", "this proposal");
		add(x, "</td></tr>\n");
	}
	console_table_end(x);
}

static void change_facts(struct console_ctx *x, const struct db_change *ch, const struct db_tsp *tsp,
			 const struct db_cert_row *row)
{
	console_facts_begin(x, NULL);
	console_fact(x, "Trạng thái đề xuất", "State", "state", db_change_state_name(ch->state));
	console_fact_begin(x, "Nhà cung cấp", "Provider", "tsp-name");
	if (tsp) {
		console_esc(x, tsp->name_vi);
		add(x, " · <span lang=\"en\">");
		console_esc(x, tsp->name_en);
		add(x, "</span> (");
		console_esc(x, tsp->country);
		add(x, ")");
	}
	console_fact_end(x);
	console_fact_begin(x, "Dịch vụ", "Service", "service-name");
	sbuf_printf(&x->out, "<a href=\"/admin/certificates/%" PRId64 "\">", ch->service_id);
	console_esc(x, ch->service_name);
	add(x, "</a>");
	console_fact_end(x);
	console_fact(x, "Chủ thể", "Subject", NULL, row->subject);
	console_fact_begin(x, "SHA-256", NULL, NULL);
	add(x, "<span class=\"hash\">");
	console_esc(x, ch->cert_sha256);
	add(x, "</span>");
	console_fact_end(x);
	console_fact(x, "Quyết định", "Decision", NULL, ch->decision_ref);
	console_fact(x, "Lý do", "Reason", NULL, ch->reason);
	console_fact_begin(x, "Người đề xuất", "Proposed by", "proposer");
	console_proposer(x, ch->proposed_by, ch->proposed_at);
	console_fact_end(x);
	if (ch->state != DB_CHANGE_PENDING) {
		console_fact_begin(x, "Quyết định bởi", "Decided by", "decider");
		console_esc(x, ch->decided_by);
		add(x, ", ");
		console_time(x, ch->decided_at);
		if (ch->decision_note && *ch->decision_note) {
			add(x, "<br>");
			console_esc(x, ch->decision_note);
		}
		console_fact_end(x);
	}
	console_table_end(x);
}

static void decision_forms(struct console_ctx *x, const struct db_change *ch)
{
	if (ch->state != DB_CHANGE_PENDING)
		return;
	if (ch->proposed_by && strcmp(ch->proposed_by, x->user.name) == 0) {
		add(x, "<p class=\"notice\" id=\"own-proposal\">");
		console_both(x, "Bạn là người đề xuất: một người phê duyệt khác phải quyết định (nguyên tắc bốn mắt).",
		     "You proposed this: another approver must decide (four eyes).");
		add(x, "</p>\n");
		return;
	}
	if (!has_role(x, DB_ROLE_APPROVER)) {
		add(x, "<p class=\"notice\">");
		console_both(x, "Chỉ người có vai trò phê duyệt mới quyết định được.", "Only an approver can decide.");
		add(x, "</p>\n");
		return;
	}
	sbuf_printf(&x->out, "<form class=\"action\" method=\"post\" action=\"/admin/changes/%" PRId64 "/approve\">",
		    ch->id);
	csrf_field(x);
	add(x, "<label for=\"approve-note\">Ghi chú <span class=\"en\">Note</span></label>"
	       "<textarea id=\"approve-note\" name=\"note\" maxlength=\"2000\"></textarea>"
	       "<label for=\"retroactive\">Lý do áp dụng hồi tố (nếu có) <span class=\"en\">Retroactive: why it "
	       "applies from before the last list (if it does)</span></label>"
	       "<textarea id=\"retroactive\" name=\"retroactive\" maxlength=\"2000\"></textarea>"
	       "<button type=\"submit\" id=\"approve\">Phê duyệt <span lang=\"en\">Approve</span></button></form>\n");
	sbuf_printf(&x->out, "<form class=\"action\" method=\"post\" action=\"/admin/changes/%" PRId64 "/reject\">",
		    ch->id);
	csrf_field(x);
	add(x, "<label for=\"reject-note\">Lý do từ chối <span class=\"en\">Why it is rejected</span></label>"
	       "<textarea id=\"reject-note\" name=\"note\" maxlength=\"2000\" required></textarea>"
	       "<button type=\"submit\" class=\"reject\" id=\"reject\">Từ chối <span lang=\"en\">Reject</span></button>"
	       "</form>\n");
}

void console_change(struct console_ctx *x, int64_t id, const char *notice_vi, const char *notice_en)
{
	struct db_change ch;
	char err[VNTL_ERR_MAX];
	memset(&ch, 0, sizeof ch);
	int rc = db_change_get(x->db, id, &ch, err, sizeof err);
	if (rc != 0) {
		console_message(x, rc == 1 ? 404 : 500, "Không có đề xuất này", "No such proposal", err);
		return;
	}
	struct db_cert_row row;
	memset(&row, 0, sizeof row);
	char key[32];
	snprintf(key, sizeof key, "%" PRId64, ch.service_id);
	if (db_cert_show(x->db, key, &row, err, sizeof err) != 0) {
		console_message(x, 500, "Không đọc được dịch vụ", "Cannot read the service", err);
		db_change_clear(&ch);
		return;
	}
	struct db_tsp tsp;
	memset(&tsp, 0, sizeof tsp);
	int have_tsp = db_tsp_get(x->db, ch.tsp_id, &tsp, err, sizeof err) == 0;
	char title[64];
	snprintf(title, sizeof title, "Đề xuất %" PRId64, id);
	console_page_begin(x, title, "Proposal");
	if (notice_vi) {
		add(x, "<p class=\"notice\" id=\"notice\">");
		console_both(x, notice_vi, notice_en);
		add(x, "</p>\n");
	}
	change_facts(x, &ch, have_tsp ? &tsp : NULL, &row);
	before_after(x, &ch, &row);
	decision_forms(x, &ch);
	console_page_end(x, 200);
	if (have_tsp)
		db_tsp_clear(&tsp);
	db_cert_row_clear(&row);
	db_change_clear(&ch);
}

/* ---- propose ---- */

static const char *submitted(struct console_ctx *x, const char *name)
{
	const char *v = x->req->form ? web_console_form_get(x->req->form, name) : NULL;
	if (!v && x->req->query)
		v = web_console_form_get(x->req->query, name);
	return v ? v : "";
}

static void text_input(struct console_ctx *x, const char *name, const char *type, const char *label_vi,
		       const char *label_en, int required)
{
	sbuf_printf(&x->out, "<label for=\"%s\">%s <span class=\"en\">%s</span></label><input id=\"%s\" "
		    "name=\"%s\" type=\"%s\"%s value=\"", name, label_vi, label_en, name, name, type,
		    required ? " required" : "");
	console_esc(x, submitted(x, name));
	add(x, "\">");
}

void console_propose_form(struct console_ctx *x, const char *problem)
{
	static const char *const statuses[] = {"suspended", "recognised", "withdrawn", "granted"};
	console_page_begin(x, "Đề xuất thay đổi trạng thái", "Propose a status change");
	if (problem) {
		add(x, "<p class=\"problem\" id=\"problem\">");
		console_esc(x, problem);
		add(x, "</p>\n");
	}
	add(x, "<form class=\"action\" method=\"post\" action=\"/admin/propose\">");
	csrf_field(x);
	text_input(x, "service", "text", "Dịch vụ (số hoặc tiền tố SHA-256)",
		   "Service (id or SHA-256 prefix, 8+ hex digits)", 1);
	add(x, "<label for=\"status\">Trạng thái mới <span class=\"en\">New status</span></label>"
	       "<select id=\"status\" name=\"status\">");
	const char *chosen = submitted(x, "status");
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		sbuf_printf(&x->out, "<option value=\"%s\"%s>%s</option>", statuses[i],
			    strcmp(chosen, statuses[i]) == 0 ? " selected" : "", statuses[i]);
	add(x, "</select>");
	text_input(x, "decision_ref", "text", "Số quyết định", "Decision reference", 1);
	add(x, "<label for=\"reason\">Lý do <span class=\"en\">Reason</span></label>"
	       "<textarea id=\"reason\" name=\"reason\" maxlength=\"2000\" required>");
	console_esc(x, submitted(x, "reason"));
	add(x, "</textarea>");
	text_input(x, "effective", "datetime-local", "Hiệu lực từ (giờ Việt Nam, để trống: khi được phê duyệt)",
		   "Effective from (Vietnam time, UTC+07:00; empty: when approved)", 0);
	add(x, "<button type=\"submit\" id=\"propose\">Gửi đề xuất <span lang=\"en\">Propose</span></button></form>\n");
	console_page_end(x, problem ? 400 : 200);
}

/* ---- audit ---- */

static const char *arg(const struct console_ctx *x, const char *name)
{
	const char *v = x->req->query ? web_console_form_get(x->req->query, name) : NULL;
	return v && *v ? v : NULL;
}

/* A date typed in the filter (YYYY-MM-DD) as 00:00 Vietnam time; -1 if it
 * is no date. */
static int64_t ict_day_start(const char *date)
{
	char text[40];
	int64_t t;
	if (strlen(date) != 10)
		return -1;
	snprintf(text, sizeof text, "%sT00:00:00+07:00", date);
	return rfc3339_parse_input(text, &t) == 0 ? t : -1;
}

static void audit_entries(struct console_ctx *x, const struct db_audit_query *q)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Thời điểm", "Time"}, {"Người", "Actor"}, {"Hành động", "Action"},
		{"Đối tượng", "Object"}, {"Chi tiết", "Detail"}, {NULL, NULL},
	};
	struct db_audit_entry *e = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	if (db_audit_search(x->db, q, &e, &n, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	console_table_begin(x, "audit", cols);
	for (size_t i = 0; i < n; i++) {
		console_row_begin(x);
		sbuf_printf(&x->out, "<td>%" PRId64 "</td>", e[i].id);
		console_cell_time(x, e[i].at);
		console_cell(x, e[i].actor);
		console_cell(x, e[i].action);
		console_cell(x, e[i].object);
		console_cell_hash(x, e[i].detail);
		console_row_end(x);
	}
	console_table_end(x);
	sbuf_printf(&x->out, "<p>%zu mục <span class=\"en\">entries shown</span> (≤ %d)</p>\n", n, AUDIT_SHOWN_MAX);
	db_audit_entries_free(e, n);
}

static void audit_form(struct console_ctx *x)
{
	static const char *const fields[][4] = {
		{"actor", "text", "Người", "Actor"},
		{"action", "text", "Hành động (tiền tố)", "Action (prefix)"},
		{"from", "date", "Từ ngày", "From"},
		{"to", "date", "Đến hết ngày", "To (inclusive)"},
	};
	add(x, "<form method=\"get\" action=\"/admin/audit\" class=\"filters\">");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		sbuf_printf(&x->out, "<div><label for=\"f-%s\">%s <span class=\"en\">%s</span></label>"
			    "<input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"", fields[i][0], fields[i][2],
			    fields[i][3], fields[i][0], fields[i][0], fields[i][1]);
		console_esc(x, arg(x, fields[i][0]));
		add(x, "\"></div>");
	}
	add(x, "<div><button type=\"submit\">Lọc <span lang=\"en\">Filter</span></button></div></form>\n");
}

void console_audit(struct console_ctx *x)
{
	struct db_user u;
	char err[VNTL_ERR_MAX];
	if (db_user_require(x->db, x->user.name, DB_ROLE_AUDITOR, &u, err, sizeof err) != 0) {
		console_message(x, 403, "Chỉ kiểm toán viên được xem nhật ký", "Only auditors read the audit log", err);
		return;
	}
	struct db_audit_query f = {.actor = arg(x, "actor"), .action = arg(x, "action"), .limit = AUDIT_SHOWN_MAX};
	const char *bad = NULL;
	if (arg(x, "from") && (f.from = ict_day_start(arg(x, "from"))) < 0)
		bad = "from: must be a date YYYY-MM-DD";
	if (arg(x, "to") && (f.to = ict_day_start(arg(x, "to"))) < 0)
		bad = "to: must be a date YYYY-MM-DD";
	else if (f.to)
		f.to += 86400;
	struct db_audit_verdict v;
	if (db_audit_verify(x->db, &v, err, sizeof err) != 0) {
		console_message(x, 500, "Không kiểm tra được nhật ký", "Cannot verify the audit log", err);
		return;
	}
	console_page_begin(x, "Nhật ký kiểm toán", "Audit log");
	add(x, "<h2>");
	console_both(x, "Kiểm tra chuỗi băm", "Chain verification");
	add(x, "</h2>\n");
	verdict_block(x, &v);
	audit_form(x);
	if (bad) {
		add(x, "<p class=\"problem\">");
		console_esc(x, bad);
		add(x, "</p>\n");
	} else {
		audit_entries(x, &f);
	}
	console_page_end(x, bad ? 400 : 200);
}

/* ---- messages ---- */

void console_message(struct console_ctx *x, unsigned status, const char *vi, const char *en, const char *detail)
{
	sbuf_free(&x->out);
	memset(&x->out, 0, sizeof x->out);
	console_page_begin(x, vi, en);
	if (detail && *detail) {
		add(x, "<p class=\"problem\" id=\"problem\">");
		console_esc(x, detail);
		add(x, "</p>\n");
	}
	add(x, "<p><a href=\"/admin/\">");
	console_both(x, "Về trang tổng quan", "Back to the dashboard");
	add(x, "</a></p>\n");
	console_page_end(x, status);
}

void console_refusal(struct web_console_response *resp, unsigned status, const char *vi, const char *en)
{
	struct sbuf b = {0};
	head(&b, "Từ chối truy cập", "Access refused");
	sbuf_printf(&b, "<main><h1>Từ chối truy cập <span class=\"en\" lang=\"en\">Access refused</span></h1>\n"
		    "<p class=\"problem\" id=\"refusal\">%s <span class=\"en\" lang=\"en\">%s</span></p>\n"
		    "<p>Trang quản trị chỉ dành cho cán bộ NEAC có chứng thư số máy khách đã đăng ký. "
		    "<span class=\"en\" lang=\"en\">The staff console is for NEAC staff presenting a registered "
		    "client certificate.</span></p>\n<p><a href=\"/\">Trang công khai <span class=\"en\" lang=\"en\">"
		    "Public page</span></a></p></main></body></html>\n", vi, en);
	resp->status = status;
	resp->body = sbuf_finish(&b, &resp->body_len);
	resp->content_type = "text/html; charset=utf-8";
	resp->is_page = 1;
}
