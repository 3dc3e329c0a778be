/* The staff console called directly (no HTTP, no browser): its form reader,
 * which paths it owns, who gets in, and the session and CSRF rules of a
 * POST (issue 13). The pages themselves are walked in a real browser by
 * tests/e2e/web_console_browser.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "db/registry.h"
#include "tests/lib/db_fixture.h"
#include "web/autopublish.h"
#include "web/console.h"

#define CERT_TAM "aa00000000000000000000000000000000000000000000000000000000000001"
#define CERT_LAN "aa00000000000000000000000000000000000000000000000000000000000002"
#define CERT_NOBODY "bb00000000000000000000000000000000000000000000000000000000000009"

static char db_path[4096];
static int64_t service;
static struct web_api *api;
static struct web_console *con;

static int setup(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("console.db");
	const char *tmp = getenv("VNTL_TMP");
	snprintf(db_path, sizeof db_path, "%s/console.db", tmp ? tmp : "/tmp");
	struct db_user_input tam = {"tam", DB_ROLE_OFFICER, 0, CERT_TAM, NULL};
	struct db_user_input lan = {"lan", DB_ROLE_APPROVER, 0, CERT_LAN, NULL};
	db_fixture_add_user(db, &tam);
	db_fixture_add_user(db, &lan);
	service = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	db_close(db);
	assert_non_null(api = web_api_new(db_path, NULL));
	assert_non_null(con = web_console_new(api, db_path, 900, NULL));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_console_free(con);
	web_api_free(api);
	return 0;
}

/* ---- the form reader ---- */

static void post_piece(struct web_console_form *f, const char *key, const char *data, uint64_t off,
		       enum MHD_Result want)
{
	assert_int_equal(web_console_form_post(f, MHD_POSTDATA_KIND, key, NULL, NULL, NULL, data, off, strlen(data)),
			 want);
}

static void forms_join_pieces_and_refuse_excess(void **state)
{
	(void)state;
	struct web_console_form f = {0};
	post_piece(&f, "reason", "kiểm ", 0, MHD_YES);
	post_piece(&f, "reason", "tra", 6, MHD_YES); /* the next piece of the same value */
	post_piece(&f, "csrf", "ab", 0, MHD_YES);
	assert_string_equal(web_console_form_get(&f, "reason"), "kiểm tra");
	assert_string_equal(web_console_form_get(&f, "csrf"), "ab");
	assert_null(web_console_form_get(&f, "note"));
	web_console_form_clear(&f);

	/* a NUL inside a value: no value at all (it would cut it short) */
	assert_int_equal(web_console_form_post(&f, MHD_POSTDATA_KIND, "csrf", NULL, NULL, NULL, "ab\0cd", 0, 5), MHD_YES);
	assert_null(web_console_form_get(&f, "csrf"));
	web_console_form_clear(&f);

	/* more bytes than allowed: the whole form is unusable */
	f.max_total = 8;
	post_piece(&f, "a", "1234", 0, MHD_YES);
	post_piece(&f, "b", "56789", 0, MHD_NO);
	assert_true(f.refused);
	assert_null(web_console_form_get(&f, "a"));
	web_console_form_clear(&f);
	f.max_total = 0;

	/* too many fields, or a file */
	char key[16];
	for (int i = 0; i < WEB_CONSOLE_FIELDS; i++) {
		snprintf(key, sizeof key, "k%d", i);
		post_piece(&f, key, "v", 0, MHD_YES);
	}
	post_piece(&f, "one-more", "v", 0, MHD_NO);
	assert_true(f.refused);
	web_console_form_clear(&f);
	assert_int_equal(web_console_form_post(&f, MHD_POSTDATA_KIND, "file", "x.pem", NULL, NULL, "x", 0, 1), MHD_NO);
	assert_true(f.refused);
	web_console_form_clear(&f);
}

static void the_console_owns_admin_but_not_the_api(void **state)
{
	(void)state;
	assert_true(web_console_owns("/admin"));
	assert_true(web_console_owns("/admin/"));
	assert_true(web_console_owns("/admin/changes/3"));
	assert_true(web_console_owns("/admin/static/console.css"));
	assert_false(web_console_owns("/admin/api/changes"));
	assert_false(web_console_owns("/adminx"));
	assert_false(web_console_owns("/"));
	assert_false(web_console_owns("/api/v1/provider/token"));
}

/* ---- requests ---- */

struct answer {
	struct web_console_response r;
	char cookie[256]; /* "name=value" as a browser sends it back */
	char csrf[65];
};

static void ask(const char *method, const char *path, const char *cert, const char *cookie,
		const struct web_console_form *form, struct answer *a)
{
	struct web_console_form query = {0};
	struct web_console_request req = {
		.method = method, .path = path, .query = &query, .form = form, .cookie = cookie,
		.client_cert_sha256 = cert, .origin = NULL, .self_origin = "https://vntl.example",
		.peer = "192.0.2.7",
	};
	free(a->r.body);
	web_console_handle(con, &req, &a->r);
	assert_non_null(a->r.body);
	const char *c = strstr(a->r.set_cookie, WEB_CONSOLE_COOKIE "=");
	if (c)
		sscanf(c + strlen(WEB_CONSOLE_COOKIE "="), "%255[^;]", a->cookie);
	const char *t = strstr(a->r.body, "name=\"csrf\" value=\"");
	if (t)
		sscanf(t + strlen("name=\"csrf\" value=\""), "%64[0-9a-f]", a->csrf);
}

static void form_of(struct web_console_form *f, const char *const *pairs)
{
	web_console_form_clear(f);
	for (size_t i = 0; pairs[i]; i += 2)
		assert_int_equal(web_console_form_arg(f, MHD_POSTDATA_KIND, pairs[i], pairs[i + 1]), MHD_YES);
}

static long long changes(void)
{
	return db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request");
}

static void only_registered_staff_get_in(void **state)
{
	(void)state;
	struct answer a = {0};
	ask("GET", "/admin/", NULL, NULL, NULL, &a);
	assert_int_equal(a.r.status, 403);
	assert_true(a.r.auth_failed);
	assert_int_equal(a.r.auth_reason, WEB_AUTH_NO_CERTIFICATE);
	assert_non_null(strstr(a.r.body, "No client certificate"));
	assert_null(strstr(a.r.body, "Dashboard"));
	ask("GET", "/admin/propose", CERT_NOBODY, NULL, NULL, &a);
	assert_int_equal(a.r.status, 403);
	assert_int_equal(a.r.auth_reason, WEB_AUTH_UNKNOWN_CERTIFICATE);
	assert_int_equal(a.r.set_cookie[0], '\0');
	assert_true(db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'auth.fail'") >= 1);
	ask("GET", "/admin/", CERT_TAM, NULL, NULL, &a);
	assert_int_equal(a.r.status, 200);
	assert_true(a.r.is_page);
	assert_non_null(strstr(a.r.body, "Dashboard"));
	assert_non_null(strstr(a.r.set_cookie, "Secure; HttpOnly; SameSite=Strict"));
	free(a.r.body);
}

static void posts_need_this_sessions_token(void **state)
{
	(void)state;
	char svc[24];
	snprintf(svc, sizeof svc, "%lld", (long long)service);
	const char *fields[] = {"csrf", NULL, "service", svc, "status", "suspended", "decision_ref", "QĐ 1",
				"reason", "test", NULL};
	struct web_console_form f = {0};
	struct answer tam = {0}, lan = {0}, other = {0};
	ask("GET", "/admin/propose", CERT_TAM, NULL, NULL, &tam);
	assert_int_equal(strlen(tam.csrf), 64);
	long long before = changes();

	/* no session cookie: refused even with a token */
	fields[1] = tam.csrf;
	form_of(&f, fields);
	ask("POST", "/admin/propose", CERT_TAM, NULL, &f, &other);
	assert_int_equal(other.r.status, 403);
	/* the session of tam, the token of tam, the certificate of lan */
	ask("POST", "/admin/propose", CERT_LAN, tam.cookie, &f, &lan);
	assert_int_equal(lan.r.status, 403);
	/* a tampered cookie */
	char forged[256];
	snprintf(forged, sizeof forged, "%s", tam.cookie);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ? '1' : '0';
	ask("POST", "/admin/propose", CERT_TAM, forged, &f, &other);
	assert_int_equal(other.r.status, 403);
	/* a wrong token, then none, then no form at all */
	fields[1] = "00000000000000000000000000000000000000000000000000000000000000ff";
	form_of(&f, fields);
	ask("POST", "/admin/propose", CERT_TAM, tam.cookie, &f, &other);
	assert_int_equal(other.r.status, 403);
	assert_non_null(strstr(other.r.body, "CSRF"));
	form_of(&f, fields + 2);
	ask("POST", "/admin/propose", CERT_TAM, tam.cookie, &f, &other);
	assert_int_equal(other.r.status, 403);
	ask("POST", "/admin/propose", CERT_TAM, tam.cookie, NULL, &other);
	assert_int_equal(other.r.status, 403);
	assert_int_equal(changes(), before);

	/* the right one: proposed through the registry, then shown */
	fields[1] = tam.csrf;
	form_of(&f, fields);
	ask("POST", "/admin/propose", CERT_TAM, tam.cookie, &f, &other);
	assert_int_equal(other.r.status, 303);
	assert_int_equal(changes(), before + 1);
	long long id = db_fixture_sql_int(db_path, "SELECT max(id) FROM change_request");
	char where[64];
	snprintf(where, sizeof where, "/admin/changes/%lld?done=proposed", id);
	assert_string_equal(other.r.location, where);

	/* the proposer's approval is refused by the registry's four eyes */
	const char *approve[] = {"csrf", tam.csrf, NULL};
	form_of(&f, approve);
	snprintf(where, sizeof where, "/admin/changes/%lld/approve", id);
	ask("POST", where, CERT_TAM, tam.cookie, &f, &other);
	assert_int_equal(other.r.status, 409);
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request WHERE state = 'pending'"), 1);
	web_console_form_clear(&f);
	free(tam.r.body);
	free(lan.r.body);
	free(other.r.body);
}

/* Until the thread has had a failed round (10 s at most). */
static void wait_failing(struct web_autopublish *ap, struct web_autopublish_health *h)
{
	for (int i = 0; i < 100; i++) {
		web_autopublish_health(ap, h);
		if (h->failing_since)
			return;
		nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	}
	fail_msg("the publication thread had no failed round in 10 s");
}

/* An approval reaches no relying party while publication fails: every
 * page says so and why; a console whose vntld does not publish says that. */
static void pages_say_when_publication_after_approval_fails(void **state)
{
	(void)state;
	struct answer a = {0};
	ask("GET", "/admin/", CERT_TAM, NULL, NULL, &a);
	assert_non_null(strstr(a.r.body, "This vntld does not publish by itself"));
	assert_null(strstr(a.r.body, "publishing-failed"));

	/* a thread whose rounds fail: its configuration file is gone */
	char missing[4200];
	snprintf(missing, sizeof missing, "%s.gone.conf", db_path);
	struct web_autopublish *ap = web_autopublish_start(db_path, missing, 1, NULL);
	assert_non_null(ap);
	struct web_autopublish_health h;
	wait_failing(ap, &h);
	assert_true(h.running);
	assert_int_equal(h.last_ok, 0);
	assert_non_null(strstr(h.reason, ".gone.conf"));
	struct web_console *plain = con;
	assert_non_null(con = web_console_new(api, db_path, 900, ap));
	const char *pages[] = {"/admin/", "/admin/propose", "/admin/certificates"};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		ask("GET", pages[i], CERT_LAN, NULL, NULL, &a);
		assert_int_equal(a.r.status, 200);
		const char *banner = strstr(a.r.body, "id=\"publishing-failed\"");
		assert_non_null(banner);
		assert_non_null(strstr(banner, "has been failing since"));
		assert_non_null(strstr(banner, ".gone.conf"));
	}
	assert_null(strstr(a.r.body, "does not publish by itself"));
	web_console_free(con);
	con = plain;
	web_autopublish_stop(ap);
	free(a.r.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forms_join_pieces_and_refuse_excess),
		cmocka_unit_test(the_console_owns_admin_but_not_the_api),
		cmocka_unit_test(only_registered_staff_get_in),
		cmocka_unit_test(posts_need_this_sessions_token),
		cmocka_unit_test(pages_say_when_publication_after_approval_fails),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
