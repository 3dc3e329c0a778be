/* The staff console's users page (see console_pages.h): the list, and the
 * form of `vntl user add` for staff (the action is in console.c). */
#include "common/sizes.h"
#include "web/console_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

/* Links to the correction forms about `u`, prefilled. */
static void user_actions(struct console_ctx *x, const struct db_user *u)
{
	static const char *const staff[] = {"user.roles", "user.cert", "user.disable"};
	static const char *const provider[] = {"user.secret", "user.revoke-tokens", "user.disable"};
	const char *const *acts = (u->roles & DB_ROLE_PROVIDER) ? provider : staff;
	add(x, "<td>");
	for (size_t i = 0; i < 3 && !u->disabled; i++) {
		sbuf_printf(&x->out, "%s<a href=\"/admin/corrections/new?action=%s&amp;user=", i ? " · " : "", acts[i]);
		console_esc(x, u->name); /* names are letters, digits and "._-@" (db_user_add) */
		sbuf_printf(&x->out, "\">%s</a>", acts[i] + 5);
	}
	add(x, "</td>");
}

/* Staff and provider accounts; a provider's TSP by name (foreign text,
 * escaped). */
static void users_table(struct console_ctx *x)
{
	static const struct console_col cols[] = {
		{"Tên", "Name"}, {"Vai trò", "Roles"}, {"Nhà cung cấp", "Provider (TSP)"}, {"Tình trạng", "State"},
		{"Sửa", "Change"}, {NULL, NULL},
	};
	struct db_user *users = NULL;
	size_t n = 0;
	char err[VNTL_ERR_MAX];
	if (db_user_list(x->db, &users, &n, err, sizeof err) != 0) {
		console_problem(x, err);
		return;
	}
	console_table_begin(x, "users", cols);
	for (size_t i = 0; i < n; i++) {
		char roles[64];
		db_roles_format(users[i].roles, roles, sizeof roles);
		console_row_begin(x);
		console_cell(x, users[i].name);
		add(x, "<td>");
		console_esc(x, roles);
		add(x, (users[i].roles & DB_ROLE_PROVIDER) ? " <span class=\"tag provider\">nhà cung cấp · provider</span>"
							    : " <span class=\"tag\">cán bộ · staff</span>");
		add(x, "</td><td>");
		struct db_tsp t;
		memset(&t, 0, sizeof t);
		if (users[i].tsp_id && db_tsp_get(x->db, users[i].tsp_id, &t, err, sizeof err) == 0) {
			sbuf_printf(&x->out, "%" PRId64 ": ", users[i].tsp_id);
			console_esc(x, t.name_vi);
			add(x, " · ");
			console_esc(x, t.name_en);
			db_tsp_clear(&t);
		}
		add(x, "</td>");
		console_cell(x, users[i].disabled ? "vô hiệu · disabled" : "hoạt động · active");
		user_actions(x, &users[i]);
		console_row_end(x);
	}
	console_table_end(x);
	free(users);
}

void console_users(struct console_ctx *x, const char *problem, const char *added, const char *proposed)
{
	console_page_begin(x, "Người dùng", "Users");
	if (problem) {
		add(x, "<p class=\"problem\" id=\"problem\">");
		console_esc(x, problem);
		add(x, "</p>\n");
	}
	if (added) {
		add(x, "<p class=\"notice\" id=\"notice\">");
		console_both(x, "Đã thêm người dùng", "User added");
		add(x, ": ");
		console_esc(x, added);
		add(x, "</p>\n");
	}
	if (proposed && strspn(proposed, "0123456789") == strlen(proposed)) {
		add(x, "<p class=\"notice\" id=\"notice\">");
		console_both(x, "Đã đề xuất thêm người dùng; chờ một người phê duyệt khác.",
			     "Proposed; awaiting another approver:");
		add(x, " <code>vntl correction approve ");
		console_esc(x, proposed);
		add(x, "</code>");
		add(x, "</p>\n");
	}
	users_table(x);
	add(x, "<h2>");
	console_both(x, "Thêm cán bộ", "Add a staff member");
	add(x, "</h2>\n<form class=\"action\" method=\"post\" action=\"/admin/users\">");
	sbuf_printf(&x->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", x->csrf);
	add(x, "<label for=\"name\">Tên đăng nhập <span class=\"en\">User name</span></label>"
	       "<input id=\"name\" name=\"name\" required maxlength=\"63\">"
	       "<label for=\"roles\">Vai trò <span class=\"en\">Roles (officer, approver, auditor; comma-separated)</span></label>"
	       "<input id=\"roles\" name=\"roles\" required value=\"officer\">"
	       "<label for=\"cert_sha256\">SHA-256 của chứng thư số máy khách <span class=\"en\">Client certificate "
	       "SHA-256</span></label><input id=\"cert_sha256\" name=\"cert_sha256\" required maxlength=\"95\">"
	       "<label for=\"reason\">Lý do <span class=\"en\">Reason (a second approver approves the new account)</span>"
	       "</label><input id=\"reason\" name=\"reason\" maxlength=\"500\">"
	       "<button type=\"submit\" id=\"add-user\">Thêm <span lang=\"en\">Add</span></button></form>\n");
	add(x, "<p><a href=\"/admin/corrections/new?action=user.add&amp;roles=provider\" id=\"add-provider\">");
	console_both(x, "Thêm tài khoản nhà cung cấp (có mật khẩu)", "Add a provider account (with a secret)");
	add(x, "</a></p>\n");
	console_page_end(x, problem ? 400 : 200);
}
