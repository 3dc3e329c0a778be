/* The staff console's corrections (see console_pages.h): the proposal
 * form of every kind db/corrections.c knows, the form's reading into a
 * db_correction_input (the action itself, db_correction_propose, is called
 * by console.c as the CLI and the API call it), the list, and the review
 * page with the before/after and the four-eyes decision forms. */
#include "common/sizes.h"
#include "web/console_pages.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

/* ---- the form ---- */

struct fix_field {
	const char *name, *type, *vi, *en;
};

static const struct fix_field fields[] = {
	{"tsp_id", "number", "Nhà cung cấp (số TSP)", "TSP id"},
	{"service_id", "number", "Dịch vụ (số)", "Service id"},
	{"to_tsp", "number", "Chuyển sang TSP (số)", "Move to TSP id"},
	{"user", "text", "Người dùng", "User name"},
	{"name_vi", "text", "Tên tiếng Việt", "Vietnamese name"},
	{"name_en", "text", "Tên tiếng Anh", "English name"},
	{"trade_name", "text", "Tên thương mại", "Trade name"},
	{"street", "text", "Địa chỉ", "Street"},
	{"locality", "text", "Tỉnh/thành", "Locality"},
	{"uri", "url", "Trang thông tin", "Information URI"},
	{"email", "email", "Thư điện tử", "E-mail"},
	{"roles", "text", "Vai trò", "Roles (officer, approver, auditor, or provider; comma-separated)"},
	{"cert_sha256", "text", "SHA-256 chứng thư số máy khách", "Client certificate SHA-256"},
	{"secret", "password", "Mật khẩu nhà cung cấp (ít nhất 16 ký tự)", "Provider secret (16+ characters)"},
};

/* The fields each kind asks for (besides the reason), as db_correction_propose reads them. */
static const struct {
	enum db_correction_action action;
	const char *vi, *en;
	const char *names[9];
} kinds[] = {
	{DB_FIX_TSP_EDIT, "Sửa thông tin nhà cung cấp", "Edit a TSP",
	 {"tsp_id", "name_vi", "name_en", "trade_name", "street", "locality", "uri", "email"}},
	{DB_FIX_TSP_RETIRE, "Ngừng nhà cung cấp", "Retire a TSP", {"tsp_id"}},
	{DB_FIX_SERVICE_MOVE, "Chuyển chứng thư sang TSP khác", "Move a certificate to another TSP",
	 {"service_id", "to_tsp"}},
	{DB_FIX_SERVICE_RENAME, "Đổi tên dịch vụ", "Rename a service", {"service_id", "name_vi", "name_en"}},
	{DB_FIX_USER_ADD, "Thêm người dùng", "Add a user", {"user", "roles", "cert_sha256", "tsp_id", "secret"}},
	{DB_FIX_USER_ROLES, "Đổi vai trò", "Change roles", {"user", "roles"}},
	{DB_FIX_USER_DISABLE, "Vô hiệu hoá người dùng", "Disable a user", {"user"}},
	{DB_FIX_USER_CERT, "Thay chứng thư số máy khách", "Replace a client certificate", {"user", "cert_sha256"}},
	{DB_FIX_USER_SECRET, "Đặt mật khẩu mới cho nhà cung cấp", "Set a provider's new secret",
	 {"user", "secret"}},
	{DB_FIX_USER_TOKENS, "Thu hồi token của nhà cung cấp", "Revoke a provider's tokens", {"user"}},
};

static const struct fix_field *field_named(const char *name)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

static size_t kind_of(enum db_correction_action a)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].action == a)
			return i;
	return 0;
}

/* A value of the submitted form, else of the query (links prefill). */
static const char *submitted(const struct console_ctx *x, const char *name)
{
	const char *v = x->req->form ? web_console_form_get(x->req->form, name) : NULL;
	if (!v && x->req->query)
		v = web_console_form_get(x->req->query, name);
	return v ? v : "";
}

static void kind_menu(struct console_ctx *x)
{
	add(x, "<ul id=\"correction-kinds\">");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		sbuf_printf(&x->out, "<li><a href=\"/admin/corrections/new?action=%s\">%s <span class=\"en\">%s</span></a></li>",
			    db_correction_action_name(kinds[i].action), kinds[i].vi, kinds[i].en);
	}
	add(x, "</ul>\n");
}

static void field_input(struct console_ctx *x, const struct fix_field *f)
{
	sbuf_printf(&x->out, "<label for=\"%s\">%s <span class=\"en\">%s</span></label><input id=\"%s\" name=\"%s\" "
		    "type=\"%s\"", f->name, f->vi, f->en, f->name, f->name, f->type);
	if (strcmp(f->type, "password") == 0) { /* a secret is never sent back */
		add(x, " autocomplete=\"new-password\">");
		return;
	}
	add(x, " value=\"");
	console_esc(x, submitted(x, f->name));
	add(x, "\">");
}

void console_correction_form(struct console_ctx *x, const char *problem)
{
	enum db_correction_action a;
	int known = db_correction_action_parse(submitted(x, "action"), &a) == 0;
	console_page_begin(x, "Đề xuất sửa sai", "Propose a correction");
	if (problem)
		console_problem(x, problem);
	kind_menu(x);
	if (!known) {
		console_page_end(x, problem ? 400 : 200);
		return;
	}
	size_t k = kind_of(a);
	add(x, "<h2>");
	console_both(x, kinds[k].vi, kinds[k].en);
	add(x, "</h2>\n<form class=\"action\" method=\"post\" action=\"/admin/corrections\">");
	sbuf_printf(&x->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"action\" "
		    "value=\"%s\">", x->csrf, db_correction_action_name(a));
	for (size_t i = 0; i < sizeof kinds[k].names / sizeof kinds[k].names[0] && kinds[k].names[i]; i++)
		field_input(x, field_named(kinds[k].names[i]));
	if (a == DB_FIX_TSP_EDIT) {
		add(x, "<p>");
		console_both(x, "Để trống: giữ nguyên. Đánh dấu để xoá tên thương mại hoặc thư điện tử.",
			     "Empty: unchanged. Tick to remove the trade name or e-mail.");
		add(x, "</p><label><input type=\"checkbox\" name=\"clear_trade_name\" value=\"1\"> Xoá tên thương mại "
		       "<span class=\"en\">remove the trade name</span></label><label><input type=\"checkbox\" "
		       "name=\"clear_email\" value=\"1\"> Xoá thư điện tử <span class=\"en\">remove the e-mail</span></label>");
	}
	add(x, "<label for=\"reason\">Lý do <span class=\"en\">Reason</span></label>"
	       "<textarea id=\"reason\" name=\"reason\" maxlength=\"2000\" required>");
	console_esc(x, submitted(x, "reason"));
	add(x, "</textarea><button type=\"submit\" id=\"propose-correction\">Gửi đề xuất <span lang=\"en\">Propose"
	       "</span></button></form>\n");
	console_page_end(x, problem ? 400 : 200);
}

/* ---- reading the form ---- */

static const char *form_text(const struct console_ctx *x, const char *name)
{
	const char *v = x->req->form ? web_console_form_get(x->req->form, name) : NULL;
	return v && *v ? v : NULL;
}

static int form_id(const struct console_ctx *x, const char *name, int64_t *out, char *problem, size_t len)
{
	const char *v = form_text(x, name);
	*out = 0;
	if (!v)
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*v < '1' || *v > '9' || *end || n <= 0) {
		snprintf(problem, len, "%s: must be a positive id", name);
		return -1;
	}
	*out = n;
	return 0;
}

static int asks_for(size_t k, const char *name)
{
	for (size_t i = 0; i < sizeof kinds[k].names / sizeof kinds[k].names[0] && kinds[k].names[i]; i++)
		if (strcmp(kinds[k].names[i], name) == 0)
			return 1;
	return 0;
}

/* Only the fields the kind asks for reach the registry, so a stray field
 * never changes what is proposed. */
static const char *picked(const struct console_ctx *x, size_t k, const char *name)
{
	return asks_for(k, name) ? form_text(x, name) : NULL;
}

int console_correction_input(struct console_ctx *x, struct db_correction_input *in, char *problem, size_t len)
{
	memset(in, 0, sizeof *in);
	if (db_correction_action_parse(form_text(x, "action"), &in->action) != 0) {
		snprintf(problem, len, "action: must be one of the corrections listed");
		return -1;
	}
	size_t k = kind_of(in->action);
	int64_t to = 0;
	if ((asks_for(k, "tsp_id") && form_id(x, "tsp_id", &in->tsp_id, problem, len)) ||
	    (asks_for(k, "service_id") && form_id(x, "service_id", &in->service_id, problem, len)) ||
	    (asks_for(k, "to_tsp") && form_id(x, "to_tsp", &to, problem, len)))
		return -1;
	if (in->action == DB_FIX_SERVICE_MOVE)
		in->tsp_id = to;
	in->user = picked(x, k, "user");
	in->name_vi = picked(x, k, "name_vi");
	in->name_en = picked(x, k, "name_en");
	in->trade_name = picked(x, k, "trade_name");
	in->street = picked(x, k, "street");
	in->locality = picked(x, k, "locality");
	in->uri = picked(x, k, "uri");
	in->email = picked(x, k, "email");
	in->cert_sha256 = picked(x, k, "cert_sha256");
	in->secret = picked(x, k, "secret");
	in->reason = form_text(x, "reason");
	if (in->action == DB_FIX_TSP_EDIT && form_text(x, "clear_trade_name"))
		in->trade_name = "";
	if (in->action == DB_FIX_TSP_EDIT && form_text(x, "clear_email"))
		in->email = "";
	const char *roles = picked(x, k, "roles");
	char msg[160];
	if (roles && db_roles_parse(roles, &in->roles, msg, sizeof msg) != 0) {
		snprintf(problem, len, "roles: %s", msg);
		return -1;
	}
	return 0;
}

/* ---- the list ---- */

void console_corrections(struct console_ctx *x)
{
	static const struct console_col cols[] = {
		{"#", NULL}, {"Sửa sai", "Correction"}, {"Đối tượng", "Target"}, {"Trạng thái", "State"},
		{"Người đề xuất", "Proposed by"}, {"Quyết định", "Decided"}, {NULL, NULL},
	};
	struct db_correction *list = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	if (db_correction_list_page(x->db, -1, 0, 0, &list, &n, err, sizeof err) != 0) {
		console_message(x, 500, "Không đọc được các yêu cầu sửa sai", "Cannot list the corrections", err);
		return;
	}
	console_page_begin(x, "Sửa sai", "Corrections");
	add(x, "<p><a href=\"/admin/corrections/new\" id=\"new-correction\">");
	console_both(x, "Đề xuất sửa sai", "Propose a correction");
	add(x, "</a></p>\n");
	console_table_begin(x, "corrections", cols);
	for (size_t i = n; i-- > 0;) { /* newest first */
		const struct db_correction *c = &list[i];
		console_row_begin(x);
		console_cell_link(x, "corrections", c->id);
		console_cell(x, db_correction_action_name(c->action));
		console_cell(x, c->target);
		console_cell(x, db_change_state_name(c->state));
		add(x, "<td>");
		console_proposer(x, c->proposed_by, c->proposed_at);
		add(x, "</td><td>");
		if (c->decided_by) {
			console_esc(x, c->decided_by);
			add(x, ", ");
			console_time(x, c->decided_at);
		}
		add(x, "</td>");
		console_row_end(x);
	}
	console_table_end(x);
	console_page_end(x, 200);
	db_corrections_free(list, n);
}

/* ---- one correction: before and after ---- */

struct before_after {
	struct console_ctx *x;
	const struct db_correction *c;
	json_t *payload;
	int64_t id;        /* the TSP or service of the target */
	char name[80];     /* the user of the target */
};

static void compare_row(struct console_ctx *x, const char *what, const char *now, const char *after)
{
	console_row_begin(x);
	console_cell(x, what);
	console_cell(x, now);
	add(x, "<td><strong>");
	console_esc(x, after);
	add(x, "</strong></td>");
	console_row_end(x);
}

static const char *or_none(const char *s)
{
	return s && *s ? s : "—";
}

static const char *payload_text(json_t *p, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(p, key);
	if (json_is_string(v))
		return *json_string_value(v) ? json_string_value(v) : "— (xoá · removed)";
	if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	}
	return NULL;
}

static void tsp_rows(struct before_after *b)
{
	static const char *const keys[] = {"name_vi", "name_en", "trade_name", "street", "locality", "uri", "email"};
	struct db_tsp t;
	char err[VNTL_ERR_MAX], buf[32];
	memset(&t, 0, sizeof t);
	if (db_tsp_get(b->x->db, b->id, &t, err, sizeof err) != 0) {
		compare_row(b->x, "TSP", err, "?");
		return;
	}
	const char *now[] = {t.name_vi, t.name_en, t.trade_name, t.street, t.locality, t.uri, t.email};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *after = payload_text(b->payload, keys[i], buf, sizeof buf);
		if (after)
			compare_row(b->x, keys[i], or_none(now[i]), after);
	}
	if (b->c->action == DB_FIX_TSP_RETIRE)
		compare_row(b->x, "retired", t.retired ? "yes" : "no", "yes — rời khỏi danh sách · leaves the lists");
	db_tsp_clear(&t);
}

/* A TSP as "3: Tên · Name" (for a move). */
static void tsp_label(struct console_ctx *x, int64_t id, char *out, size_t len)
{
	struct db_tsp t;
	char err[VNTL_ERR_MAX];
	memset(&t, 0, sizeof t);
	if (db_tsp_get(x->db, id, &t, err, sizeof err) == 0) {
		snprintf(out, len, "%" PRId64 ": %s · %s", id, t.name_vi, t.name_en);
		db_tsp_clear(&t);
	} else {
		snprintf(out, len, "%" PRId64 ": %s", id, err);
	}
}

static void service_rows(struct before_after *b)
{
	char text[24], err[VNTL_ERR_MAX], buf[32];
	snprintf(text, sizeof text, "%" PRId64, b->id);
	struct db_cert_query q = {.text = text};
	struct db_cert_hit *h = NULL;
	size_t n = 0, total = 0;
	if (db_cert_search(b->x->db, &q, &h, &n, &total, err, sizeof err) != 0) {
		compare_row(b->x, "service", err, "?");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (h[i].service_id != b->id)
			continue;
		if (b->c->action == DB_FIX_SERVICE_MOVE) {
			char from[VNTL_ERR_MAX + 32], to[VNTL_ERR_MAX + 32]; /* "<id>: " and an error */
			tsp_label(b->x, h[i].tsp_id, from, sizeof from);
			tsp_label(b->x, json_integer_value(json_object_get(b->payload, "to")), to, sizeof to);
			compare_row(b->x, "TSP", from, to);
		} else {
			const char *vi = payload_text(b->payload, "name_vi", buf, sizeof buf);
			const char *en = payload_text(b->payload, "name_en", buf, sizeof buf);
			compare_row(b->x, "name_vi", h[i].service_name_vi, vi ? vi : h[i].service_name_vi);
			compare_row(b->x, "name_en", h[i].service_name_en, en ? en : h[i].service_name_en);
		}
	}
	db_cert_hits_free(h, n);
}

static void user_rows(struct before_after *b)
{
	struct db_user u;
	char err[VNTL_ERR_MAX], now[64] = "—", after[64];
	memset(&u, 0, sizeof u);
	int exists = db_user_get(b->x->db, b->name, &u, err, sizeof err) == 0;
	if (exists)
		db_roles_format(u.roles, now, sizeof now);
	json_t *roles = json_object_get(b->payload, "roles");
	if (json_is_integer(roles)) {
		db_roles_format((unsigned)json_integer_value(roles), after, sizeof after);
		compare_row(b->x, "roles", now, after);
	}
	const char *fp = json_string_value(json_object_get(b->payload, "cert_sha256"));
	if (fp)
		compare_row(b->x, "cert_sha256", exists ? "(đã đăng ký · registered)" : "—", fp);
	if (json_object_get(b->payload, "tsp"))
		compare_row(b->x, "tsp", "—", payload_text(b->payload, "tsp", after, sizeof after));
	if (json_object_get(b->payload, "secret"))
		compare_row(b->x, "secret", exists ? "(cũ · old); tokens valid" : "—", "(mới · new); tokens revoked");
	if (b->c->action == DB_FIX_USER_DISABLE)
		compare_row(b->x, "disabled", exists && u.disabled ? "yes" : "no", "yes; tokens revoked");
	if (b->c->action == DB_FIX_USER_TOKENS)
		compare_row(b->x, "tokens", "valid", "revoked (logs in again with its secret)");
}

static void before_after_table(struct console_ctx *x, const struct db_correction *c)
{
	static const struct console_col cols[] = {
		{"", NULL}, {"Hiện tại", "Now"}, {"Sau khi phê duyệt", "After approval"}, {NULL, NULL},
	};
	struct before_after b = {.x = x, .c = c, .payload = json_loads(c->payload ? c->payload : "{}", 0, NULL)};
	long long id = 0;
	add(x, "<h2>");
	console_both(x, "Trước và sau", "Before and after");
	add(x, "</h2>\n");
	console_table_begin(x, "before-after", cols);
	if (sscanf(c->target, "tsp:%lld", &id) == 1) {
		b.id = id;
		tsp_rows(&b);
	} else if (sscanf(c->target, "service:%lld", &id) == 1) {
		b.id = id;
		service_rows(&b);
	} else if (sscanf(c->target, "user:%79s", b.name) == 1) {
		user_rows(&b);
	}
	console_table_end(x);
	json_decref(b.payload);
}

static void correction_facts(struct console_ctx *x, const struct db_correction *c)
{
	console_facts_begin(x, NULL);
	console_fact(x, "Trạng thái đề xuất", "State", "state", db_change_state_name(c->state));
	console_fact(x, "Sửa sai", "Correction", "action", db_correction_action_name(c->action));
	console_fact(x, "Đối tượng", "Target", "target", c->target);
	console_fact(x, "Lý do", "Reason", NULL, c->reason);
	console_fact_begin(x, "Người đề xuất", "Proposed by", "proposer");
	console_proposer(x, c->proposed_by, c->proposed_at);
	console_fact_end(x);
	if (c->state != DB_CHANGE_PENDING) {
		console_fact_begin(x, "Quyết định bởi", "Decided by", "decider");
		console_esc(x, c->decided_by);
		add(x, ", ");
		console_time(x, c->decided_at);
		if (c->decision_note && *c->decision_note) {
			add(x, "<br>");
			console_esc(x, c->decision_note);
		}
		console_fact_end(x);
	}
	console_table_end(x);
}

/* The proposer, and the user a user correction is about, do not decide
 * (the registry refuses them anyway): they get no buttons. */
static void correction_forms(struct console_ctx *x, const struct db_correction *c)
{
	char self[96];
	snprintf(self, sizeof self, "user:%s", x->user.name);
	if (c->state != DB_CHANGE_PENDING)
		return;
	if ((c->proposed_by && strcmp(c->proposed_by, x->user.name) == 0) || strcmp(c->target, self) == 0) {
		add(x, "<p class=\"notice\" id=\"own-proposal\">");
		console_both(x, "Bạn là người đề xuất hoặc người được nói tới: một người phê duyệt khác phải quyết định "
			     "(nguyên tắc bốn mắt).", "You proposed this or it is about you: another approver must decide "
			     "(four eyes).");
		add(x, "</p>\n");
		return;
	}
	if (!(x->user.roles & DB_ROLE_APPROVER)) {
		add(x, "<p class=\"notice\">");
		console_both(x, "Chỉ người có vai trò phê duyệt mới quyết định được.", "Only an approver can decide.");
		add(x, "</p>\n");
		return;
	}
	sbuf_printf(&x->out, "<form class=\"action\" method=\"post\" action=\"/admin/corrections/%" PRId64 "/approve\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->id, x->csrf);
	add(x, "<label for=\"approve-note\">Ghi chú <span class=\"en\">Note</span></label>"
	       "<textarea id=\"approve-note\" name=\"note\" maxlength=\"2000\"></textarea>"
	       "<button type=\"submit\" id=\"approve\">Phê duyệt <span lang=\"en\">Approve</span></button></form>\n");
	sbuf_printf(&x->out, "<form class=\"action\" method=\"post\" action=\"/admin/corrections/%" PRId64 "/reject\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->id, x->csrf);
	add(x, "<label for=\"reject-note\">Lý do từ chối <span class=\"en\">Why it is rejected</span></label>"
	       "<textarea id=\"reject-note\" name=\"note\" maxlength=\"2000\" required></textarea>"
	       "<button type=\"submit\" class=\"reject\" id=\"reject\">Từ chối <span lang=\"en\">Reject</span></button>"
	       "</form>\n");
}

void console_correction(struct console_ctx *x, int64_t id, const char *notice_vi, const char *notice_en)
{
	struct db_correction c;
	char err[VNTL_ERR_MAX];
	memset(&c, 0, sizeof c);
	int rc = db_correction_get(x->db, id, &c, err, sizeof err);
	if (rc != 0) {
		console_message(x, rc == 1 ? 404 : 500, "Không có yêu cầu sửa sai này", "No such correction", err);
		return;
	}
	char title[64];
	snprintf(title, sizeof title, "Sửa sai %" PRId64, id);
	console_page_begin(x, title, "Correction");
	if (notice_vi) {
		add(x, "<p class=\"notice\" id=\"notice\">");
		console_both(x, notice_vi, notice_en);
		add(x, "</p>\n");
	}
	correction_facts(x, &c);
	before_after_table(x, &c);
	correction_forms(x, &c);
	console_page_end(x, 200);
	db_correction_clear(&c);
}
