/* The staff console: authentication, sessions, CSRF, routing and the
 * actions (see console.h); the pages are in console_pages.c. */
#include "web/console.h"

#include "common/hex.h"
#include "common/rfc3339.h"
#include "common/sizes.h"
#include "db/corrections.h"
#include "db/registry.h"
#include "db/text.h"
#include "web/console_pages.h"
#include "web/http.h"
#include "web/log.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONSOLE_PREFIX "/admin/"
#define API_PREFIX "/admin/api/"
#define SID_BYTES 16
#define SID_HEX (2 * SID_BYTES)

struct web_console {
	struct web_api *api;
	struct web_autopublish *autopublish; /* may be NULL */
	char *db_path;
	unsigned session_timeout;
	unsigned char secret[32];
};

/* ---- forms ---- */

static int add_field(struct web_console_form *f, const char *key, const char *data, size_t size, int more)
{
	if (f->refused)
		return -1;
	if (f->max_total && f->total + size > f->max_total) {
		f->refused = 1;
		return -1;
	}
	size_t i = f->count;
	if (more && i > 0 && strcmp(f->field[i - 1].name, key) == 0) {
		i--; /* the next piece of the last field's value */
	} else {
		if (i == WEB_CONSOLE_FIELDS || !(f->field[i].name = strdup(key))) {
			f->refused = 1;
			return -1;
		}
		f->field[i].value = NULL;
		f->field[i].len = 0;
		f->count++;
	}
	char *grown = realloc(f->field[i].value, f->field[i].len + size + 1);
	if (!grown) {
		f->refused = 1;
		return -1;
	}
	memcpy(grown + f->field[i].len, data, size);
	f->field[i].len += size;
	grown[f->field[i].len] = '\0';
	f->field[i].value = grown;
	f->total += size;
	return 0;
}

enum MHD_Result web_console_form_post(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *filename, const char *content_type,
				      const char *transfer_encoding, const char *data, uint64_t off,
				      size_t size)
{
	(void)kind, (void)content_type, (void)transfer_encoding;
	struct web_console_form *f = cls;
	if (filename) { /* no form of the console uploads files */
		f->refused = 1;
		return MHD_NO;
	}
	return add_field(f, key, data ? data : "", data ? size : 0, off > 0) == 0 ? MHD_YES : MHD_NO;
}

enum MHD_Result web_console_form_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	add_field(cls, key, value ? value : "", value ? strlen(value) : 0, 0);
	return MHD_YES;
}

const char *web_console_form_get(const struct web_console_form *f, const char *name)
{
	if (f->refused)
		return NULL;
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->field[i].name, name) == 0)
			/* a NUL inside would cut the value short: not a value */
			return strlen(f->field[i].value) == f->field[i].len ? f->field[i].value : NULL;
	return NULL;
}

void web_console_form_clear(struct web_console_form *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->field[i].name);
		free(f->field[i].value);
	}
	f->count = 0;
	f->total = 0;
	f->refused = 0;
}

int web_console_owns(const char *path)
{
	return strcmp(path, "/admin") == 0 ||
	       (strncmp(path, CONSOLE_PREFIX, strlen(CONSOLE_PREFIX)) == 0 &&
		strncmp(path, API_PREFIX, strlen(API_PREFIX)) != 0);
}

/* ---- lifecycle ---- */

struct web_console *web_console_new(struct web_api *api, const char *db_path, unsigned session_timeout,
				    struct web_autopublish *autopublish)
{
	struct web_console *con = calloc(1, sizeof *con);
	if (!con || !(con->db_path = strdup(db_path)) || RAND_bytes(con->secret, sizeof con->secret) != 1) {
		web_console_free(con);
		return NULL;
	}
	con->api = api;
	con->autopublish = autopublish;
	con->session_timeout = session_timeout ? session_timeout : WEB_CONSOLE_SESSION_TIMEOUT_DEFAULT;
	return con;
}

void web_console_free(struct web_console *con)
{
	if (!con)
		return;
	OPENSSL_cleanse(con->secret, sizeof con->secret);
	free(con->db_path);
	free(con);
}

/* ---- sessions and CSRF ---- */

/* HMAC-SHA256(secret, "purpose|a|b|c") as lowercase hex. */
static void mac_hex(const struct web_console *con, const char *purpose, const char *a, const char *b,
		    const char *c, char out[65])
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "%s|%s|%s|%s", purpose, a, b, c);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (n < 0 || (size_t)n >= sizeof msg ||
	    !HMAC(EVP_sha256(), con->secret, sizeof con->secret, (const unsigned char *)msg, (size_t)n, md, &len)) {
		memset(out, '0', 64); /* never equal to a real MAC's check: see same_hex */
		out[64] = '\0';
		out[0] = 'x';
		return;
	}
	hex_encode(md, len, out);
}

static int same_hex(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == 64 && strlen(b) == 64 && a[0] != 'x' && CRYPTO_memcmp(a, b, 64) == 0;
}

struct session {
	char sid[SID_HEX + 1];
	int valid;    /* a cookie of this certificate, within the timeout */
	int expired;  /* a cookie of this certificate, past the timeout */
};

static int is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* Reads "sid.last.mac" from the cookie; a new session id when it is not
 * one of ours for this certificate, or past the timeout. */
static void session_from_cookie(const struct web_console *con, const char *cookie, const char *fp,
				int64_t now, struct session *s)
{
	memset(s, 0, sizeof *s);
	char sid[SID_HEX + 1], last[24], mac[65], want[65];
	if (cookie && sscanf(cookie, "%32[0-9a-f].%20[0-9].%64[0-9a-f]", sid, last, mac) == 3 &&
	    is_hex(sid, SID_HEX) && is_hex(mac, 64)) {
		char expect_len[128];
		snprintf(expect_len, sizeof expect_len, "%s.%s.%s", sid, last, mac);
		mac_hex(con, "session", sid, last, fp, want);
		if (strcmp(expect_len, cookie) == 0 && same_hex(mac, want)) {
			int64_t at = strtoll(last, NULL, 10);
			if (at <= now && now - at <= (int64_t)con->session_timeout) {
				memcpy(s->sid, sid, sizeof s->sid);
				s->valid = 1;
				return;
			}
			s->expired = 1;
		}
	}
	unsigned char raw[SID_BYTES];
	if (RAND_bytes(raw, sizeof raw) != 1)
		memset(raw, 0, sizeof raw); /* the MAC still binds it; never valid for a POST */
	hex_encode(raw, sizeof raw, s->sid);
}

/* The cookie renewing session `s` at `now` (sliding timeout). A browser
 * session cookie: kept past the timeout so that a late form is told its
 * session expired (the server decides; the cookie is worthless without
 * the certificate). */
static void session_cookie(const struct web_console *con, const struct session *s, const char *fp,
			   int64_t now, struct web_console_response *resp)
{
	char last[24], mac[65];
	snprintf(last, sizeof last, "%" PRId64, now);
	mac_hex(con, "session", s->sid, last, fp, mac);
	snprintf(resp->set_cookie, sizeof resp->set_cookie,
		 WEB_CONSOLE_COOKIE "=%s.%s.%s; Path=/admin/; Secure; HttpOnly; SameSite=Strict",
		 s->sid, last, mac);
}

/* ---- actions ---- */

static void redirect(struct web_console_response *resp, const char *location)
{
	resp->status = 303;
	snprintf(resp->location, sizeof resp->location, "%s", location);
	resp->body = strdup("");
	resp->body_len = 0;
	resp->content_type = "text/plain; charset=utf-8";
	resp->is_page = 1;
}

static const char *field(struct console_ctx *x, const char *name)
{
	return x->req->form ? web_console_form_get(x->req->form, name) : NULL;
}

/* An optional datetime-local value ("2026-12-01T08:00", Vietnam time) as
 * seconds; 0 when empty; -1 when it is no such time. */
static int64_t effective_from_form(const char *text)
{
	if (!text || !*text)
		return 0;
	char full[48];
	int64_t t;
	size_t n = strlen(text);
	if (n == 16)
		snprintf(full, sizeof full, "%s:00+07:00", text);
	else if (n == 19)
		snprintf(full, sizeof full, "%s+07:00", text);
	else
		return -1;
	return rfc3339_parse_input(full, &t) == 0 && t > 0 ? t : -1;
}

/* The form as the API's propose checks it (db_text_check, the effective
 * window), then the same registry function: db_change_propose_limited. */
static void do_propose(struct console_ctx *x)
{
	char problem[VNTL_ERR_MAX + 16], err[VNTL_ERR_MAX]; /* problem: "service: " and err */
	struct db_change_input in = {0};
	in.reason = field(x, "reason");
	in.decision_ref = field(x, "decision_ref");
	const char *service = field(x, "service");
	struct db_cert_row row;
	memset(&row, 0, sizeof row);
	int64_t effective = effective_from_form(field(x, "effective"));
	if (!service || !*service || db_cert_show(x->db, service, &row, err, sizeof err) != 0) {
		snprintf(problem, sizeof problem, "service: %s", service && *service ? err : "this field is required");
		console_propose_form(x, problem);
		return;
	}
	in.service_id = row.service_id;
	db_cert_row_clear(&row);
	if (db_status_parse(field(x, "status") ? field(x, "status") : "", &in.new_status) != 0) {
		console_propose_form(x, "status: must be recognised, suspended, withdrawn or granted");
		return;
	}
	if (db_text_check("decision_ref", in.decision_ref, DB_TEXT_REF_MAX, DB_TEXT_REQUIRED, problem,
			  sizeof problem) != 0 ||
	    db_text_check("reason", in.reason, DB_TEXT_REASON_MAX, DB_TEXT_REQUIRED | DB_TEXT_MULTILINE, problem,
			  sizeof problem) != 0) {
		console_propose_form(x, problem);
		return;
	}
	if (effective < 0) {
		console_propose_form(x, "effective: must be a date and time (Vietnam time), or empty");
		return;
	}
	char window[160];
	if (effective > 0 && web_api_effective_problem(x->api, effective, 0, window, sizeof window) != 0) {
		snprintf(problem, sizeof problem, "effective: %s", window);
		console_propose_form(x, problem);
		return;
	}
	in.effective = effective;
	int64_t id = 0;
	int rc = db_change_propose_limited(x->db, x->user.name, &in, 0, &id, err, sizeof err);
	if (rc != 0) {
		console_propose_form(x, err);
		return;
	}
	web_log("info", "change-proposed", "change=%" PRId64 " by=\"%s\" service=%" PRId64 " via=console", id,
		x->user.name, in.service_id);
	char where[64];
	snprintf(where, sizeof where, "/admin/changes/%" PRId64 "?done=proposed", id);
	redirect(x->resp, where);
}

/* Through the API's registry functions: db_change_approve_retroactive and
 * db_change_reject, which enforce the four eyes and the roles. */
static void do_decide(struct console_ctx *x, int64_t id, int approve)
{
	const char *note = field(x, "note"), *retro = field(x, "retroactive");
	char problem[512], err[VNTL_ERR_MAX];
	if (note && !*note)
		note = NULL;
	if (retro && !*retro)
		retro = NULL;
	if (db_text_check("note", note, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, problem, sizeof problem) != 0 ||
	    db_text_check("retroactive", retro, DB_TEXT_REASON_MAX, DB_TEXT_MULTILINE, problem, sizeof problem) != 0) {
		console_message(x, 400, "Nội dung không hợp lệ", "Invalid input", problem);
		return;
	}
	int rc = approve ? db_change_approve_retroactive(x->db, x->user.name, id, note, retro, err, sizeof err)
			 : db_change_reject(x->db, x->user.name, id, note, err, sizeof err);
	if (rc != 0) {
		web_log("warn", approve ? "change-approve-refused" : "change-reject-refused",
			"change=%" PRId64 " by=\"%s\" via=console", id, x->user.name);
		console_message(x, rc == 1 ? 409 : 500, "Không thực hiện được", "Refused", err);
		return;
	}
	web_log("info", approve ? "change-approved" : "change-rejected", "change=%" PRId64 " by=\"%s\" via=console",
		id, x->user.name);
	char where[64];
	snprintf(where, sizeof where, "/admin/changes/%" PRId64 "?done=%s", id, approve ? "approved" : "rejected");
	redirect(x->resp, where);
}

/* `vntl user add NAME --role ROLES --cert-sha256 FP --reason R` through the
 * same registry functions: during the bootstrap (no officer and approver
 * yet) db_user_add adds at once; afterwards the account is a four-eyes
 * correction another approver applies. Both check the acting officer, the
 * name, the roles and the fingerprint, and audit. */
static void do_add_user(struct console_ctx *x)
{
	const char *name = field(x, "name"), *roles_text = field(x, "roles"), *fp = field(x, "cert_sha256");
	const char *reason = field(x, "reason");
	char err[VNTL_ERR_MAX];
	struct db_user_input in = {.name = name ? name : "", .cert_sha256 = fp && *fp ? fp : NULL};
	if (db_roles_parse(roles_text ? roles_text : "", &in.roles, err, sizeof err) != 0) {
		console_users(x, err, NULL, NULL);
		return;
	}
	if (in.roles & DB_ROLE_PROVIDER) {
		console_users(x, "roles: a provider account needs its TSP and a secret: use Corrections, user.add (or vntl user add)", NULL, NULL);
		return;
	}
	int open = db_user_bootstrap_open(x->db);
	int64_t id = 0;
	int rc;
	if (open == 1) {
		rc = db_user_add(x->db, x->user.name, &in, &id, err, sizeof err);
	} else if (open == 0) {
		struct db_correction_input fix = {.action = DB_FIX_USER_ADD, .user = in.name, .roles = in.roles,
						  .cert_sha256 = in.cert_sha256, .reason = reason ? reason : ""};
		rc = db_correction_propose(x->db, x->user.name, &fix, &id, err, sizeof err);
	} else {
		rc = -1;
		snprintf(err, sizeof err, "the registry cannot be read");
	}
	if (rc != 0) {
		console_users(x, err, NULL, NULL);
		return;
	}
	web_log("info", open ? "user-added" : "user-add-proposed", "user=\"%s\" by=\"%s\" via=console", in.name,
		x->user.name);
	/* db_user_add allows letters, digits and "._-@" in names: safe in a URL */
	char where[160];
	if (open)
		snprintf(where, sizeof where, "/admin/users?added=%s", in.name);
	else
		snprintf(where, sizeof where, "/admin/users?proposed=%" PRId64, id);
	redirect(x->resp, where);
}

/* The same registry function as `vntl tsp edit|retire`, `vntl cert
 * move|rename`, `vntl user …` and POST /admin/api/corrections:
 * db_correction_propose, which checks the role, the target and the text. */
static void do_propose_correction(struct console_ctx *x)
{
	struct db_correction_input in;
	char problem[512];
	int64_t id = 0;
	if (console_correction_input(x, &in, problem, sizeof problem) != 0 ||
	    db_correction_propose(x->db, x->user.name, &in, &id, problem, sizeof problem) != 0) {
		console_correction_form(x, problem);
		return;
	}
	web_log("info", "correction-proposed", "correction=%" PRId64 " by=\"%s\" action=%s via=console", id,
		x->user.name, db_correction_action_name(in.action));
	char where[80];
	snprintf(where, sizeof where, "/admin/corrections/%" PRId64 "?done=proposed", id);
	redirect(x->resp, where);
}

/* db_correction_approve / db_correction_reject: the four eyes (neither the
 * proposer nor the user concerned) and the roles are the registry's. */
static void do_decide_correction(struct console_ctx *x, int64_t id, int approve)
{
	const char *note = field(x, "note");
	char problem[512];
	if (note && !*note)
		note = NULL;
	if (db_text_check("note", note, DB_TEXT_REASON_MAX, (approve ? 0 : DB_TEXT_REQUIRED) | DB_TEXT_MULTILINE,
			  problem, sizeof problem) != 0) {
		console_message(x, 400, "Nội dung không hợp lệ", "Invalid input", problem);
		return;
	}
	int rc = approve ? db_correction_approve(x->db, x->user.name, id, note, problem, sizeof problem)
			 : db_correction_reject(x->db, x->user.name, id, note, problem, sizeof problem);
	if (rc != 0) {
		web_log("warn", approve ? "correction-approve-refused" : "correction-reject-refused",
			"correction=%" PRId64 " by=\"%s\" via=console", id, x->user.name);
		console_message(x, rc == 1 ? 409 : 500, "Không thực hiện được", "Refused", problem);
		return;
	}
	web_log("info", approve ? "correction-approved" : "correction-rejected",
		"correction=%" PRId64 " by=\"%s\" via=console", id, x->user.name);
	char where[80];
	snprintf(where, sizeof where, "/admin/corrections/%" PRId64 "?done=%s", id, approve ? "approved" : "rejected");
	redirect(x->resp, where);
}

/* ---- routing ---- */

static int parse_id(const char *text, int64_t *id, const char **rest)
{
	char *end;
	if (*text < '1' || *text > '9')
		return -1;
	long long n = strtoll(text, &end, 10);
	if (n <= 0)
		return -1;
	*id = n;
	*rest = end;
	return 0;
}

/* A proposal's page (a change's or a correction's), with what was just
 * done to it (?done=). */
static void proposal_page(struct console_ctx *x, int64_t id,
			  void (*page)(struct console_ctx *, int64_t, const char *, const char *))
{
	const char *done = x->req->query ? web_console_form_get(x->req->query, "done") : NULL;
	if (done && strcmp(done, "proposed") == 0)
		page(x, id, "Đã gửi đề xuất; chờ một người phê duyệt khác.", "Proposed; waiting for another approver.");
	else if (done && strcmp(done, "approved") == 0 && !x->publishing.running)
		page(x, id, "Đã phê duyệt và áp dụng. Máy chủ này không tự công bố: hãy chạy vntl publish.",
		     "Approved and applied. This vntld does not publish by itself: run vntl publish.");
	else if (done && strcmp(done, "approved") == 0)
		page(x, id, "Đã phê duyệt và áp dụng; danh sách sẽ được công bố lại nếu cần.",
		     "Approved and applied; the list will be republished if it changed.");
	else if (done && strcmp(done, "rejected") == 0)
		page(x, id, "Đã từ chối.", "Rejected.");
	else
		page(x, id, NULL, NULL);
}

static void route_get(struct console_ctx *x, const char *route)
{
	int64_t id;
	const char *rest;
	if (strcmp(route, "") == 0)
		console_dashboard(x);
	else if (strcmp(route, "propose") == 0)
		console_propose_form(x, NULL);
	else if (strcmp(route, "audit") == 0)
		console_audit(x);
	else if (strcmp(route, "certificates") == 0)
		console_certificates(x);
	else if (strcmp(route, "users") == 0)
		console_users(x, NULL, x->req->query ? web_console_form_get(x->req->query, "added") : NULL,
			      x->req->query ? web_console_form_get(x->req->query, "proposed") : NULL);
	else if (strncmp(route, "certificates/", 13) == 0 && route[13] && !strchr(route + 13, '/'))
		console_certificate(x, route + 13);
	else if (strncmp(route, "changes/", 8) == 0 && parse_id(route + 8, &id, &rest) == 0 && !*rest)
		proposal_page(x, id, console_change);
	else if (strcmp(route, "corrections") == 0)
		console_corrections(x);
	else if (strcmp(route, "corrections/new") == 0)
		console_correction_form(x, NULL);
	else if (strncmp(route, "corrections/", 12) == 0 && parse_id(route + 12, &id, &rest) == 0 && !*rest)
		proposal_page(x, id, console_correction);
	else
		console_message(x, 404, "Không có trang này", "No such page", NULL);
}

static void route_post(struct console_ctx *x, const char *route)
{
	int64_t id;
	const char *rest;
	if (strcmp(route, "propose") == 0)
		do_propose(x);
	else if (strcmp(route, "users") == 0)
		do_add_user(x);
	else if (strncmp(route, "changes/", 8) == 0 && parse_id(route + 8, &id, &rest) == 0 &&
		 (strcmp(rest, "/approve") == 0 || strcmp(rest, "/reject") == 0))
		do_decide(x, id, strcmp(rest, "/approve") == 0);
	else if (strcmp(route, "corrections") == 0)
		do_propose_correction(x);
	else if (strncmp(route, "corrections/", 12) == 0 && parse_id(route + 12, &id, &rest) == 0 &&
		 (strcmp(rest, "/approve") == 0 || strcmp(rest, "/reject") == 0))
		do_decide_correction(x, id, strcmp(rest, "/approve") == 0);
	else
		console_message(x, 404, "Không có trang này", "No such page", NULL);
}

/* A POST must come from a page of this console in this session: same
 * origin when the browser says, a form, a live session of this
 * certificate, and the session's CSRF token. 0 when it may go on. */
static int refuse_forged(struct console_ctx *x, const struct session *s)
{
	const struct web_console_request *req = x->req;
	const char *why = NULL, *vi = NULL;
	if (req->origin && !web_http_same_origin(req->origin, req->self_origin)) {
		why = "the Origin header names another site";
		vi = "Yêu cầu đến từ một trang khác.";
	} else if (!req->form) {
		why = "the body is not a form (application/x-www-form-urlencoded or multipart/form-data)";
		vi = "Nội dung gửi lên không phải là biểu mẫu.";
	} else if (req->form->refused) {
		why = "the form has too many fields, a file, or more bytes than server.max_body";
		vi = "Biểu mẫu quá lớn hoặc có quá nhiều trường.";
	} else if (s->expired) {
		why = "the session expired: reload the page and submit again";
		vi = "Phiên làm việc đã hết hạn: hãy tải lại trang rồi gửi lại.";
	} else if (!s->valid) {
		why = "no session: open the page first, then submit its form";
		vi = "Chưa có phiên làm việc: hãy mở trang trước rồi gửi biểu mẫu.";
	} else if (!web_console_form_get(req->form, "csrf") || !same_hex(web_console_form_get(req->form, "csrf"), x->csrf)) {
		why = "the form's CSRF token is missing or wrong";
		vi = "Thiếu hoặc sai mã chống giả mạo (CSRF) của biểu mẫu.";
	}
	if (!why)
		return 0;
	web_log("warn", "console-forged-refused", "peer=%s user=\"%s\" reason=\"%s\"", req->peer, x->user.name, why);
	char both_reasons[400];
	snprintf(both_reasons, sizeof both_reasons, "%s / %s", vi, why);
	console_message(x, 403, "Yêu cầu bị từ chối", "Request refused", both_reasons);
	return -1;
}

static void serve_css(struct web_console_response *resp)
{
	resp->status = 200;
	resp->body = strdup(console_css);
	resp->body_len = resp->body ? strlen(resp->body) : 0;
	resp->content_type = "text/css; charset=utf-8";
}

/* Not staff: a refusal page (the login failure is audited by
 * web_api_staff_login). */
static void refuse_login(struct web_console_response *resp, enum web_staff_refusal why)
{
	if (why == WEB_STAFF_NO_CERTIFICATE) {
		resp->auth_failed = 1;
		resp->auth_reason = WEB_AUTH_NO_CERTIFICATE;
		console_refusal(resp, 403, "Không có chứng thư số máy khách.", "No client certificate was presented.");
	} else if (why == WEB_STAFF_UNKNOWN_CERTIFICATE) {
		resp->auth_failed = 1;
		resp->auth_reason = WEB_AUTH_UNKNOWN_CERTIFICATE;
		console_refusal(resp, 403, "Chứng thư số máy khách này không thuộc về cán bộ nào.",
				"This client certificate belongs to no staff member.");
	} else {
		console_refusal(resp, 403, "Nhà cung cấp dùng giao diện API dành cho nhà cung cấp.",
				"Providers use the provider API.");
	}
}

static void handle_staff(struct web_console *con, struct console_ctx *x, const char *route)
{
	const struct web_console_request *req = x->req;
	int64_t now = time(NULL);
	struct session s;
	session_from_cookie(con, req->cookie, req->client_cert_sha256, now, &s);
	mac_hex(con, "csrf", s.sid, "", req->client_cert_sha256, x->csrf);
	session_cookie(con, &s, req->client_cert_sha256, now, x->resp);
	int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	if (get)
		route_get(x, route);
	else if (strcmp(req->method, "POST") != 0)
		console_message(x, 405, "Phương thức không được hỗ trợ", "Method not allowed", NULL);
	else if (refuse_forged(x, &s) == 0)
		route_post(x, route);
}

void web_console_handle(struct web_console *con, const struct web_console_request *req,
			struct web_console_response *resp)
{
	memset(resp, 0, sizeof *resp);
	if (strcmp(req->path, "/admin") == 0) {
		redirect(resp, CONSOLE_PREFIX);
	} else if (strcmp(req->path, CONSOLE_CSS_PATH) == 0) {
		serve_css(resp);
	} else {
		struct console_ctx x = {.req = req, .resp = resp, .api = con->api};
		web_autopublish_health(con->autopublish, &x.publishing);
		char err[VNTL_ERR_MAX];
		enum web_staff_refusal why;
		int rc;
		if (db_open(con->db_path, DB_OPEN_EXISTING, &x.db, err, sizeof err) != 0) {
			web_log("error", "registry-unavailable", "reason=\"%s\"", err);
			console_refusal(resp, 503, "Không mở được cơ sở dữ liệu đăng ký.", "The registry cannot be opened.");
		} else if ((rc = web_api_staff_login(con->api, x.db, req->client_cert_sha256, req->peer, &x.user, &why,
						     err, sizeof err)) != 0) {
			if (rc == 1)
				refuse_login(resp, why);
			else
				console_refusal(resp, 500, "Lỗi cơ sở dữ liệu đăng ký.", "Registry error.");
		} else {
			handle_staff(con, &x, req->path + strlen(CONSOLE_PREFIX));
		}
		sbuf_free(&x.out);
		db_close(x.db);
	}
	if (!resp->body) {
		resp->status = 500;
		resp->body = strdup("out of memory\n");
		resp->body_len = resp->body ? strlen(resp->body) : 0;
		resp->content_type = "text/plain; charset=utf-8";
	}
}

int web_console_add_headers(struct MHD_Response *r, const struct web_console_response *resp)
{
	int ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type) == MHD_YES &&
		 MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES;
	if (resp->is_page)
		ok = ok &&
		     MHD_add_response_header(r, "Content-Security-Policy",
					     "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
					     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'") == MHD_YES &&
		     MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES &&
		     MHD_add_response_header(r, "Referrer-Policy", "same-origin") == MHD_YES &&
		     MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
	else
		ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "max-age=3600") == MHD_YES;
	if (resp->location[0])
		ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location) == MHD_YES;
	if (resp->set_cookie[0])
		ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie) == MHD_YES;
	return ok ? 0 : -1;
}
