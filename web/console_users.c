/* The staff console's users page (see console_pages.h): the list, and the
 * form of `vntl user add` for staff (the action is in console.c). */
#include "web/console_pages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct console_ctx *x, const char *s)
{
	sbuf_add(&x->out, s);
}

static void users_table(struct console_ctx *x)
{
	struct db_user *users = NULL;
	size_t n = 0;
	char err[512];
	if (db_user_list(x->db, &users, &n, err, sizeof err) != 0) {
		add(x, "<p class=\"problem\">");
		console_esc(x, err);
		add(x, "</p>\n");
		return;
	}
	add(x, "<div class=\"box\"><table id=\"users\"><tr><th>Tên <span class=\"en\">Name</span></th>"
	       "<th>Vai trò <span class=\"en\">Roles</span></th><th>Nhà cung cấp <span class=\"en\">Provider (TSP)</span></th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		char roles[64];
		db_roles_format(users[i].roles, roles, sizeof roles);
		add(x, "<tr><td>");
		console_esc(x, users[i].name);
		add(x, "</td><td>");
		console_esc(x, roles);
		add(x, "</td><td>");
		if (users[i].tsp_id)
			sbuf_printf(&x->out, "%" PRId64, users[i].tsp_id);
		add(x, "</td></tr>\n");
	}
	add(x, "</table></div>\n");
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
	add(x, "<p>");
	console_both(x, "Tài khoản nhà cung cấp (có mật khẩu) được tạo bằng vntl user add.",
		     "Provider accounts (with a secret) are made with vntl user add.");
	add(x, "</p>\n");
	console_page_end(x, problem ? 400 : 200);
}
