/* vntld's admin and provider APIs, called directly (no HTTP): client
 * certificates mapped to staff, four eyes through the registry, strict
 * JSON, provider scoping, failed-login limits that an attacker cannot turn
 * against a real provider, bounded proposal values (issue 18). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/sizes.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"
#include "web/api.h"
#include "web/sbuf.h"

#define CERT_TAM "aa00000000000000000000000000000000000000000000000000000000000001"
#define CERT_LAN "aa00000000000000000000000000000000000000000000000000000000000002"
#define CERT_KIET "aa00000000000000000000000000000000000000000000000000000000000003"
#define CERT_CHI "aa00000000000000000000000000000000000000000000000000000000000004"
#define CERT_EX "aa00000000000000000000000000000000000000000000000000000000000005"
#define CERT_STRANGER "bb00000000000000000000000000000000000000000000000000000000000009"

static char db_path[4096];
static int64_t own_service, other_service;
static struct web_api *api;
static struct web_metrics *metrics;

static int setup(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("api.db");
	const char *tmp = getenv("VNTL_TMP");
	snprintf(db_path, sizeof db_path, "%s/api.db", tmp ? tmp : "/tmp");
	struct db_user_input tam = {"tam", DB_ROLE_OFFICER, 0, CERT_TAM, NULL};
	struct db_user_input lan = {"lan", DB_ROLE_APPROVER, 0, CERT_LAN, NULL};
	struct db_user_input kiet = {"kiet", DB_ROLE_AUDITOR, 0, CERT_KIET, NULL};
	db_fixture_add_user(db, &tam);
	db_fixture_add_user(db, &lan);
	db_fixture_add_user(db, &kiet);
	struct db_user_input chi = {"chi", DB_ROLE_OFFICER | DB_ROLE_APPROVER, 0, CERT_CHI, NULL};
	db_fixture_add_user(db, &chi);
	struct db_user_input ex = {"ex", DB_ROLE_AUDITOR, 0, CERT_EX, NULL};
	db_fixture_add_user(db, &ex);
	struct db_user_input sp_two = {"sp-two", DB_ROLE_PROVIDER, 4, NULL, "another good secret"};
	db_fixture_add_user(db, &sp_two);
	own_service = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	other_service = db_fixture_import(db, 4, "pem/root-neac-vnrca-rs-2025.pem");
	db_close(db);
	api = web_api_new(db_path, NULL);
	assert_non_null(api);
	metrics = web_metrics_new();
	assert_non_null(metrics);
	web_api_configure(api, NULL, metrics);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_api_free(api);
	web_metrics_free(metrics);
	return 0;
}

struct result {
	unsigned status;
	char body[131072];
};

#define SELF_ORIGIN "https://vntl.example:8443"

static const char *query_value(const char *query, const char *name)
{
	static char values[3][64];
	static int next;
	size_t n = strlen(name);
	for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			char *v = values[next++ % 3];
			snprintf(v, 64, "%.*s", (int)strcspn(p + n + 1, "&"), p + n + 1);
			return v;
		}
	}
	return NULL;
}

/* A request as vntld's serving thread hands it over. */
static struct result call_full(const char *method, const char *path, const char *body, const char *cert,
			       const char *auth, const char *peer, const char *content_type, const char *origin)
{
	char bare[256];
	snprintf(bare, sizeof bare, "%s", path);
	char *query = strchr(bare, '?');
	if (query)
		*query++ = '\0';
	struct web_api_request req = {.method = method, .path = bare, .body = body,
				      .query_state = query_value(query, "state"),
				      .query_after = query_value(query, "after"),
				      .query_limit = query_value(query, "limit"),
				      .body_len = body ? strlen(body) : 0,
				      .client_cert_sha256 = cert, .authorization = auth,
				      .content_type = content_type, .origin = origin,
				      .self_origin = SELF_ORIGIN,
				      .peer = peer ? peer : "192.0.2.1"};
	struct web_api_response resp;
	web_api_handle(api, &req, &resp);
	struct result r = {.status = resp.status};
	snprintf(r.body, sizeof r.body, "%s", resp.body ? resp.body : "");
	free(resp.body);
	return r;
}

/* The way a well-behaved client calls: JSON bodies, no Origin. */
static struct result call(const char *method, const char *path, const char *body,
			  const char *cert, const char *auth, const char *peer)
{
	return call_full(method, path, body, cert, auth, peer,
			 strcmp(method, "GET") == 0 ? NULL : "application/json", NULL);
}

static void expect(struct result r, unsigned status, const char *needle)
{
	if (r.status != status || (needle && !strstr(r.body, needle)))
		fail_msg("expected %u with '%s', got %u: %s", status, needle ? needle : "", r.status, r.body);
}

static long long pending_changes(void)
{
	long long n = db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request");
	assert_true(n >= 0);
	return n;
}

static void admin_needs_a_known_client_certificate(void **state)
{
	(void)state;
	long long before = db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'auth.fail'");
	expect(call("GET", "/admin/api/changes", NULL, NULL, NULL, NULL), 401, "client-certificate-required");
	expect(call("GET", "/admin/api/changes", NULL, CERT_STRANGER, NULL, NULL), 403, "unknown-certificate");
	/* both refusals are in the audit log, the unknown certificate by its fingerprint */
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'auth.fail'"),
			 before + 2);
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'auth.fail' "
					    "AND actor = '" CERT_STRANGER "'"), 1);
	expect(call("GET", "/admin/api/providers", NULL, CERT_TAM, NULL, NULL), 200, "Foreign One");
	expect(call("GET", "/admin/api/certificates", NULL, CERT_LAN, NULL, NULL), 200, "\"status\":\"recognised\"");
	expect(call("GET", "/admin/api/nothing", NULL, CERT_TAM, NULL, NULL), 404, "not-found");
	/* publishing: officers only, and only with a configuration to sign with */
	expect(call("POST", "/admin/api/publish", "{}", CERT_LAN, NULL, NULL), 403, "forbidden");
	expect(call("POST", "/admin/api/publish", "{}", CERT_TAM, NULL, NULL), 409, "publish.*");
	expect(call("POST", "/admin/api/publish", "{\"list\":7}", CERT_TAM, NULL, NULL), 400, "wrong-type");
}

static void four_eyes_through_the_registry(void **state)
{
	(void)state;
	char body[512];
	snprintf(body, sizeof body,
		 "{\"service_id\":%lld,\"status\":\"suspended\",\"reason\":\"test\",\"decision_ref\":\"QĐ 9/TEST\"}",
		 (long long)own_service);
	struct result r = call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL);
	expect(r, 201, "\"state\":\"pending\"");
	long long id = atoll(strstr(r.body, "\"change_id\":") + 12);
	char path[128];
	/* the officer has no approver role: 403, and the refusal is audited */
	snprintf(path, sizeof path, "/admin/api/changes/%lld/approve", id);
	long long refused = db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'refused'");
	expect(call("POST", path, "{}", CERT_TAM, NULL, NULL), 403, "forbidden");
	/* an approver cannot propose */
	expect(call("POST", "/admin/api/changes", body, CERT_LAN, NULL, NULL), 403, "forbidden");
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'refused' AND "
						     "detail LIKE '%\"rule\":\"role\"%'"), refused + 2);
	/* who proposed may not approve, even holding both roles: 409 four-eyes */
	struct result own = call("POST", "/admin/api/changes", body, CERT_CHI, NULL, NULL);
	expect(own, 201, "\"state\":\"pending\"");
	char own_path[128];
	snprintf(own_path, sizeof own_path, "/admin/api/changes/%lld/approve",
		 atoll(strstr(own.body, "\"change_id\":") + 12));
	expect(call("POST", own_path, "{}", CERT_CHI, NULL, NULL), 409, "four-eyes");
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM audit WHERE action = 'refused' AND "
						     "actor = 'chi' AND detail LIKE '%four-eyes%'"), 1);
	snprintf(own_path, sizeof own_path, "/admin/api/changes/%lld/reject",
		 atoll(strstr(own.body, "\"change_id\":") + 12));
	expect(call("POST", own_path, "{\"note\":\"not needed\"}", CERT_LAN, NULL, NULL), 200, "rejected");
	expect(call("POST", path, "{\"note\":\"ok\"}", CERT_LAN, NULL, NULL), 200, "\"state\":\"applied\"");
	expect(call("POST", path, "{}", CERT_LAN, NULL, NULL), 409, "refused");
	char show[128];
	snprintf(show, sizeof show, "/admin/api/certificates/%lld", (long long)own_service);
	expect(call("GET", show, NULL, CERT_TAM, NULL, NULL), 200, "\"status\":\"suspended\"");
	expect(call("GET", "/admin/api/changes?state=applied", NULL, CERT_TAM, NULL, NULL), 200, "QĐ 9/TEST");
}

/* The admin API proposes and decides corrections with the registry's own
 * functions: the same four eyes, the same refusals as the CLI. */
static void corrections_through_the_admin_api(void **state)
{
	(void)state;
	expect(call("POST", "/admin/api/corrections", "{\"action\":\"tsp.rename\",\"reason\":\"r\"}", CERT_TAM,
		    NULL, NULL), 400, "\"field\":\"action\"");
	expect(call("POST", "/admin/api/corrections", "{\"action\":\"tsp.edit\",\"tsp_id\":2,\"reason\":\"r\","
		    "\"name_en\":\"A\\u0001B\"}", CERT_TAM, NULL, NULL), 400, "\"field\":\"name_en\"");
	struct result r = call("POST", "/admin/api/corrections", "{\"action\":\"tsp.edit\",\"tsp_id\":2,"
			       "\"name_en\":\"MISA JSC\",\"reason\":\"the licence names MISA JSC\"}", CERT_TAM, NULL, NULL);
	expect(r, 201, "\"state\":\"pending\"");
	char path[128];
	snprintf(path, sizeof path, "/admin/api/corrections/%lld/approve", atoll(strstr(r.body, "\"correction_id\":") + 16));
	expect(call("POST", path, "{}", CERT_TAM, NULL, NULL), 403, "forbidden");
	expect(call("GET", "/admin/api/providers", NULL, CERT_TAM, NULL, NULL), 200, "\"name_en\":\"MISA\"");
	expect(call("POST", path, "{\"note\":\"checked\"}", CERT_LAN, NULL, NULL), 200, "\"state\":\"applied\"");
	expect(call("GET", "/admin/api/providers", NULL, CERT_TAM, NULL, NULL), 200, "\"name_en\":\"MISA JSC\"");
	expect(call("GET", "/admin/api/corrections?state=applied", NULL, CERT_KIET, NULL, NULL), 200,
	       "\"note\":\"checked\"");
	expect(call("GET", "/admin/api/corrections", NULL, CERT_KIET, NULL, NULL), 200, "\"proposed_at\":\"20");
	/* a user disabled by an approved correction no longer logs in */
	expect(call("GET", "/admin/api/audit?limit=1", NULL, CERT_EX, NULL, NULL), 200, "entries");
	r = call("POST", "/admin/api/corrections", "{\"action\":\"user.disable\",\"user\":\"ex\","
		 "\"reason\":\"left NEAC\"}", CERT_TAM, NULL, NULL);
	expect(r, 201, "pending");
	snprintf(path, sizeof path, "/admin/api/corrections/%lld/approve", atoll(strstr(r.body, "\"correction_id\":") + 16));
	expect(call("POST", path, "{}", CERT_LAN, NULL, NULL), 200, "applied");
	expect(call("GET", "/admin/api/audit?limit=1", NULL, CERT_EX, NULL, NULL), 403, "unknown-certificate");
}

/* The CLI's words and the API's: times are RFC 3339 strings (or null), the
 * approver's words are "note", a wrong method is 405, not 404. */
static void one_vocabulary_with_the_cli(void **state)
{
	(void)state;
	char body[512];
	snprintf(body, sizeof body, "{\"service_id\":%lld,\"status\":\"recognised\",\"reason\":\"vocabulary\","
		 "\"decision_ref\":\"QĐ 77/TEST\"}", (long long)own_service);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 201, "pending");
	struct result r = call("GET", "/admin/api/changes?state=pending", NULL, CERT_TAM, NULL, NULL);
	expect(r, 200, "\"effective\":null");
	expect(r, 200, "\"proposed_at\":\"20");
	expect(r, 200, "\"note\":null");
	char show[128];
	snprintf(show, sizeof show, "/admin/api/certificates/%lld", (long long)own_service);
	r = call("GET", show, NULL, CERT_TAM, NULL, NULL);
	expect(r, 200, "\"status_since\":\"20");
	expect(r, 200, "\"effective\":\"20");
	expect(call("GET", "/admin/api/audit?limit=1", NULL, CERT_KIET, NULL, NULL), 200, "\"at\":\"20");
	expect(call("GET", "/admin/api/publish", NULL, CERT_TAM, NULL, NULL), 405, "method-not-allowed");
	expect(call("POST", "/admin/api/providers", "{}", CERT_TAM, NULL, NULL), 405, "method-not-allowed");
	expect(call("GET", "/admin/api/changes/1/approve", NULL, CERT_TAM, NULL, NULL), 405, "method-not-allowed");
	expect(call("GET", "/admin/api/nothing-here", NULL, CERT_TAM, NULL, NULL), 404, "not-found");
	expect(call("GET", "/api/v1/provider/token", NULL, NULL, NULL, NULL), 405, "method-not-allowed");
}

static void bad_bodies_are_400_and_write_nothing(void **state)
{
	(void)state;
	long long before = pending_changes();
	char ok[256];
	snprintf(ok, sizeof ok, "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\"d\"",
		 (long long)own_service);
	char body[512];
	expect(call("POST", "/admin/api/changes", "{\"service_id\":", CERT_TAM, NULL, NULL), 400, "malformed-json");
	expect(call("POST", "/admin/api/changes", "[1,2]", CERT_TAM, NULL, NULL), 400, "malformed-json");
	snprintf(body, sizeof body, "%s,\"colour\":\"red\"}", ok);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400, "\"field\":\"colour\"");
	expect(call("POST", "/admin/api/changes",
		    "{\"service_id\":\"7\",\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\"d\"}",
		    CERT_TAM, NULL, NULL), 400, "\"error\":\"wrong-type\",\"field\":\"service_id\"");
	expect(call("POST", "/admin/api/changes", "{\"service_id\":1,\"status\":\"withdrawn\",\"reason\":\"r\"}",
		    CERT_TAM, NULL, NULL), 400, "\"field\":\"decision_ref\"");
	snprintf(body, sizeof body, "%s,\"service_id\":1}", ok);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400, "malformed-json");
	snprintf(body, sizeof body, "%s,\"effective\":\"tomorrow\"}", ok);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400, "\"field\":\"effective\"");
	struct web_api_request big = {.method = "POST", .path = "/admin/api/changes", .body = "{}",
				      .body_len = 2, .body_too_large = 1, .client_cert_sha256 = CERT_TAM,
				      .content_type = "application/json", .peer = "192.0.2.1"};
	struct web_api_response resp;
	web_api_handle(api, &big, &resp);
	assert_int_equal(resp.status, 400);
	assert_non_null(strstr(resp.body, "body-too-large"));
	free(resp.body);
	assert_int_equal(pending_changes(), before);
}

static void provider_proposes_only_for_itself_and_waits_for_staff(void **state)
{
	(void)state;
	struct result r = call("POST", "/api/v1/provider/token",
			       "{\"sp_id\":\"sp-one\",\"sp_password\":\"correct horse battery\"}", NULL, NULL, "198.51.100.7");
	expect(r, 200, "\"token_type\":\"Bearer\"");
	char auth[128];
	const char *t = strstr(r.body, "\"token\":\"") + 9;
	snprintf(auth, sizeof auth, "Bearer %.64s", t);
	char body[512];
	snprintf(body, sizeof body,
		 "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"key lost\",\"decision_ref\":\"SP-1\"}",
		 (long long)own_service);
	expect(call("POST", "/api/v1/provider/status-changes", body, NULL, auth, "198.51.100.7"), 201, "pending");
	snprintf(body, sizeof body,
		 "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"x\",\"decision_ref\":\"SP-2\"}",
		 (long long)other_service);
	expect(call("POST", "/api/v1/provider/status-changes", body, NULL, auth, "198.51.100.7"), 409, "refused");
	r = call("GET", "/api/v1/provider/status-changes", NULL, NULL, auth, "198.51.100.7");
	expect(r, 200, "SP-1");
	assert_null(strstr(r.body, "SP-2"));
	/* sp_id + secret in the body works too, and still only proposes */
	snprintf(body, sizeof body,
		 "{\"sp_id\":\"sp-one\",\"sp_password\":\"correct horse battery\",\"service_id\":%lld,"
		 "\"status\":\"withdrawn\",\"reason\":\"again\",\"decision_ref\":\"SP-3\"}", (long long)own_service);
	expect(call("POST", "/api/v1/provider/status-changes", body, NULL, NULL, "198.51.100.7"), 201, "pending");
	snprintf(body, sizeof body,
		 "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"x\",\"decision_ref\":\"SP-4\"}",
		 (long long)own_service);
	expect(call("POST", "/api/v1/provider/status-changes", body, NULL, "Bearer 00", "198.51.100.7"), 401,
	       "authentication-failed");
	expect(call("GET", "/admin/api/changes", NULL, NULL, auth, "198.51.100.7"), 401, "client-certificate");
}

/* The value of one /metrics line ("name{labels}"), -1 when missing. */
static long long metric(const char *series)
{
	struct sbuf out = {0};
	web_metrics_render(metrics, &out);
	size_t len;
	char *text = sbuf_finish(&out, &len);
	assert_non_null(text);
	long long value = -1;
	size_t n = strlen(series);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, series, n) == 0 && line[n] == ' ')
			value = atoll(line + n + 1);
	free(text);
	return value;
}

static struct result token_login(const char *sp_id, const char *secret, const char *peer)
{
	char body[256];
	snprintf(body, sizeof body, "{\"sp_id\":\"%s\",\"sp_password\":\"%s\"}", sp_id, secret);
	return call("POST", "/api/v1/provider/token", body, NULL, NULL, peer);
}

static void bearer_of(const struct result *r, char auth[128])
{
	const char *t = strstr(r->body, "\"token\":\"");
	assert_non_null(t);
	snprintf(auth, 128, "Bearer %.64s", t + 9);
}

/* Issue 18, attack 2: anyone who knows an sp_id tried wrong passwords from
 * one address, and the provider was refused everywhere for as long as they
 * kept trying. Now the attacker's own address is refused (longer each
 * time), the provider is served from any address that has not failed. */
static void an_attacker_cannot_lock_out_a_provider_by_name(void **state)
{
	(void)state;
	const char *attacker = "203.0.113.5";
	for (int i = 0; i < 5; i++)
		expect(token_login("sp-one", "wrong", attacker), 401, "authentication-failed");
	long long limited = metric("vntld_provider_logins_limited_total{limit=\"account-address\"}");
	/* the attacker's address is refused for sp-one, even with the right secret ... */
	expect(token_login("sp-one", "wrong", attacker), 429, "\"retry_after\":");
	expect(token_login("sp-one", "correct horse battery", attacker), 429, "too-many-failed-logins");
	assert_int_equal(metric("vntld_provider_logins_limited_total{limit=\"account-address\"}"), limited + 2);
	/* ... while the provider logs in from its own address and works */
	struct result r = token_login("sp-one", "correct horse battery", "198.51.100.7");
	expect(r, 200, "\"token_type\":\"Bearer\"");
	char auth[128];
	bearer_of(&r, auth);
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, auth, "198.51.100.7"), 200, "changes");
	/* the attacker's other failures come from other addresses: each is
	 * limited on its own, the provider still is not */
	for (int a = 0; a < 3; a++) {
		char peer[32];
		snprintf(peer, sizeof peer, "203.0.113.%d", 20 + a);
		for (int i = 0; i < 5; i++)
			expect(token_login("sp-one", "wrong", peer), 401, "authentication-failed");
		expect(token_login("sp-one", "wrong", peer), 429, "too-many-failed-logins");
	}
	expect(token_login("sp-one", "correct horse battery", "198.51.100.7"), 200, "\"token\":\"");
	/* missing credentials are not a failed login */
	expect(call("POST", "/api/v1/provider/token", "{\"sp_id\":\"sp-one\"}", NULL, NULL, "203.0.113.77"), 400,
	       "missing-field");
	/* nor is an sp_id that cannot be a user name: it is a bad value */
	expect(token_login("sp one", "x", "203.0.113.77"), 400, "\"field\":\"sp_id\"");
}

/* The slot the old limiter gave `key`: FNV-1a modulo 4096. */
static size_t old_slot(const char *key)
{
	size_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h % 4096;
}

/* Issue 18, attack 1: failures of a made-up sp_id that fell into the same
 * hash slot as a real provider locked the provider out. Reproduced with the
 * old table's hash, and generically with many made-up sp_ids. */
static void failures_of_another_sp_id_never_lock_out_a_provider(void **state)
{
	(void)state;
	char made_up[32] = "";
	for (int i = 0; i < 1000000 && !made_up[0]; i++) {
		char key[40];
		snprintf(key, sizeof key, "sp:x%d", i);
		if (old_slot(key) == old_slot("sp:sp-two"))
			snprintf(made_up, sizeof made_up, "x%d", i);
	}
	assert_true(made_up[0] != '\0');
	long long alerts = metric("vntld_provider_attack_alerts_total");
	for (int i = 0; i < 5; i++)
		expect(token_login(made_up, "guess", "203.0.113.40"), 401, "authentication-failed");
	expect(token_login(made_up, "guess", "203.0.113.40"), 429, "too-many-failed-logins");
	expect(token_login("sp-two", "another good secret", "198.51.100.41"), 200, "\"token\":\"");
	/* 100 made-up sp_ids, 4 or 5 failures each, 9 per address */
	for (int i = 0; i < 100; i++) {
		char sp[32], peer[32];
		snprintf(sp, sizeof sp, "made-up-%d", i);
		snprintf(peer, sizeof peer, "100.64.0.%d", 100 + i / 2);
		for (int k = 0; k < (i % 2 ? 5 : 4); k++)
			expect(token_login(sp, "guess", peer), 401, "authentication-failed");
	}
	expect(token_login("sp-two", "another good secret", "198.51.100.42"), 200, "\"token\":\"");
	expect(token_login("sp-one", "correct horse battery", "198.51.100.42"), 200, "\"token\":\"");
	/* no staff alert: none of those sp_ids is an account */
	assert_int_equal(metric("vntld_provider_attack_alerts_total"), alerts);
}

/* Issue 18, attack 3: wrong bearer tokens were answered 401 without end. */
static void token_guessing_is_limited_per_address(void **state)
{
	(void)state;
	struct result r = token_login("sp-two", "another good secret", "198.51.100.43");
	expect(r, 200, "\"token\":\"");
	/* 32 random bytes, hex: 256 bits to guess */
	const char *t = strstr(r.body, "\"token\":\"") + 9;
	assert_int_equal(strspn(t, "0123456789abcdef"), 64);
	assert_int_equal(t[64], '"');
	char auth[128];
	bearer_of(&r, auth);
	long long limited = metric("vntld_provider_logins_limited_total{limit=\"address\"}");
	char guess[128];
	for (int i = 0; i < 10; i++) {
		snprintf(guess, sizeof guess, "Bearer %064d", i);
		expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, guess, "192.0.2.44"), 401,
		       "authentication-failed");
	}
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, guess, "192.0.2.44"), 429,
	       "from this address");
	/* the address is refused whatever it sends; the token works elsewhere */
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, auth, "192.0.2.44"), 429,
	       "too-many-failed-logins");
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, auth, "198.51.100.43"), 200, "changes");
	assert_int_equal(metric("vntld_provider_logins_limited_total{limit=\"address\"}"), limited + 2);
	/* IPv6: one /64 is one address */
	for (int i = 0; i < 10; i++) {
		char peer[48];
		snprintf(peer, sizeof peer, "2001:db8:1:2::%x", i + 1);
		expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, guess, peer), 401,
		       "authentication-failed");
	}
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, guess, "2001:db8:1:2:ffff::9"), 429,
	       "too-many-failed-logins");
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, guess, "2001:db8:1:3::1"), 401,
	       "authentication-failed");
}

/* Staff are told when a real account fails from many places: one log line
 * per account and interval, and /metrics. The account keeps working. */
static void staff_are_alerted_when_an_account_is_under_attack(void **state)
{
	(void)state;
	/* a fresh server: the tests before attacked sp-one within the interval */
	struct web_api *shared_api = api;
	struct web_metrics *shared_metrics = metrics;
	api = web_api_new(db_path, NULL);
	metrics = web_metrics_new();
	assert_true(api && metrics);
	web_api_configure(api, NULL, metrics);
	char log_path[VNTL_PATH_MAX];
	const char *tmp = getenv("VNTL_TMP");
	snprintf(log_path, sizeof log_path, "%s/api-alert.log", tmp ? tmp : "/tmp");
	long long alerts = metric("vntld_provider_attack_alerts_total");
	fflush(stderr);
	int saved = dup(2), fd = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	for (int i = 0; i < 12; i++) {
		char peer[32];
		snprintf(peer, sizeof peer, "198.18.0.%d", i + 1);
		expect(token_login("sp-two", "wrong", peer), 401, "authentication-failed");
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(metric("vntld_provider_attack_alerts_total"), alerts + 1);
	assert_int_equal(metric("vntld_provider_accounts_under_attack"), 1);
	FILE *f = fopen(log_path, "r");
	assert_non_null(f);
	char line[1024];
	int lines = 0;
	while (fgets(line, sizeof line, f))
		lines += strstr(line, "event=provider-under-attack sp_id=sp-two failures=5 ") != NULL;
	fclose(f);
	assert_int_equal(lines, 1);
	/* the provider is served meanwhile */
	expect(token_login("sp-two", "another good secret", "198.51.100.44"), 200, "\"token\":\"");
	/* once the interval has passed without failures, the gauge drops */
	web_api_flush_auth_failures(api, time(NULL) + 61, 0);
	assert_int_equal(metric("vntld_provider_accounts_under_attack"), 0);
	web_api_free(api);
	web_metrics_free(metrics);
	api = shared_api;
	metrics = shared_metrics;
}

static void propose_as(const char *auth, const char *fields, unsigned status, const char *needle)
{
	char body[4096];
	snprintf(body, sizeof body, "{\"service_id\":%lld,%s}", (long long)own_service, fields);
	expect(call("POST", "/api/v1/provider/status-changes", body, NULL, auth, "198.51.100.45"), status, needle);
}

/* Issue 18, attack 4: a provider proposed 9999-12-31T23:59:59Z. Every value
 * is now checked before the registry is touched, with the field named. */
static void provider_values_are_bounded(void **state)
{
	(void)state;
	struct result r = token_login("sp-one", "correct horse battery", "198.51.100.45");
	expect(r, 200, "\"token\":\"");
	char auth[128];
	bearer_of(&r, auth);
	long long before = pending_changes();
	const char *ok = "\"status\":\"withdrawn\",\"reason\":\"key lost\",\"decision_ref\":\"SP-9\"";
	char fields[3000];
	snprintf(fields, sizeof fields, "%s,\"effective\":\"9999-12-31T23:59:59Z\"", ok);
	propose_as(auth, fields, 400, "\"field\":\"effective\"");
	propose_as(auth, fields, 400, "provider.max_ahead_days");
	snprintf(fields, sizeof fields, "%s,\"effective\":\"1970-01-01T00:00:00Z\"", ok);
	propose_as(auth, fields, 400, "provider.max_backdate_days");
	char when[32];
	time_t long_ago = time(NULL) - 31 * 86400;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&long_ago));
	snprintf(fields, sizeof fields, "%s,\"effective\":\"%s\"", ok, when);
	propose_as(auth, fields, 400, "\"field\":\"effective\"");
	/* text the registry refuses is a 400 naming the field, not a 409 */
	propose_as(auth, "\"status\":\"withdrawn\",\"reason\":\"bell\\u0007\",\"decision_ref\":\"SP-9\"", 400,
		   "\"error\":\"bad-value\",\"field\":\"reason\"");
	propose_as(auth, "\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\" SP-9\"", 400,
		   "\"error\":\"bad-value\",\"field\":\"decision_ref\"");
	propose_as(auth, "\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\"\"", 400,
		   "\"field\":\"decision_ref\"");
	char long_reason[2100];
	memset(long_reason, 'a', 2001);
	long_reason[2001] = '\0';
	snprintf(fields, sizeof fields, "\"status\":\"withdrawn\",\"reason\":\"%s\",\"decision_ref\":\"SP-9\"",
		 long_reason);
	propose_as(auth, fields, 400, "\"field\":\"reason\"");
	expect(call("POST", "/api/v1/provider/status-changes",
		    "{\"service_id\":-4,\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":\"d\"}", NULL, auth,
		    "198.51.100.45"), 400, "\"field\":\"service_id\"");
	assert_int_equal(pending_changes(), before);
	/* within the window it is accepted */
	time_t soon = time(NULL) + 86400;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&soon));
	snprintf(fields, sizeof fields, "%s,\"effective\":\"%s\"", ok, when);
	propose_as(auth, fields, 201, "pending");
	/* the window follows the configuration */
	struct web_api_limits limits = WEB_API_LIMITS_DEFAULT;
	limits.provider_max_ahead_days = 0;
	web_api_configure(api, &limits, metrics);
	propose_as(auth, fields, 400, "more than 0 days after now");
	web_api_configure(api, NULL, metrics);
	limits = (struct web_api_limits)WEB_API_LIMITS_DEFAULT;
	web_api_configure(api, &limits, metrics);
	/* with Vietnam's offset too, meaning the same instant (issue 9, dates) */
	time_t ict = soon + 7 * 3600;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+07:00", gmtime(&ict));
	snprintf(fields, sizeof fields, "%s,\"effective\":\"%s\"", ok, when);
	propose_as(auth, fields, 201, "pending");
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT effective FROM change_request ORDER BY id DESC LIMIT 1"),
			 (long long)soon);
	/* a local time without an offset is ambiguous */
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", gmtime(&ict));
	snprintf(fields, sizeof fields, "%s,\"effective\":\"%s\"", ok, when);
	propose_as(auth, fields, 400, "\"field\":\"effective\"");
}

/* A provider cannot flood the review queue: provider.max_pending. */
static void pending_proposals_per_provider_are_limited(void **state)
{
	(void)state;
	struct result r = token_login("sp-one", "correct horse battery", "198.51.100.46");
	expect(r, 200, "\"token\":\"");
	char auth[128];
	bearer_of(&r, auth);
	long long mine = db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request c JOIN account a ON "
					    "a.id = c.proposed_by WHERE a.name = 'sp-one' AND c.state = 'pending'");
	assert_true(mine >= 1);
	struct web_api_limits limits = WEB_API_LIMITS_DEFAULT;
	limits.provider_max_pending = (unsigned)mine + 2;
	web_api_configure(api, &limits, metrics);
	const char *ok = "\"status\":\"withdrawn\",\"reason\":\"again\",\"decision_ref\":\"SP-10\"";
	propose_as(auth, ok, 201, "pending");
	propose_as(auth, ok, 201, "pending");
	long long before = pending_changes();
	propose_as(auth, ok, 429, "\"error\":\"too-many-pending\"");
	propose_as(auth, ok, 429, "waiting for review");
	assert_int_equal(pending_changes(), before);
	/* staff are not limited */
	char body[512];
	snprintf(body, sizeof body, "{\"service_id\":%lld,%s}", (long long)own_service, ok);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 201, "pending");
	/* a decision frees a place */
	long long oldest = db_fixture_sql_int(db_path, "SELECT min(c.id) FROM change_request c JOIN account a ON "
					      "a.id = c.proposed_by WHERE a.name = 'sp-one' AND c.state = 'pending'");
	char path[128];
	snprintf(path, sizeof path, "/admin/api/changes/%lld/reject", oldest);
	expect(call("POST", path, "{\"note\":\"duplicate\"}", CERT_LAN, NULL, NULL), 200, "rejected");
	propose_as(auth, ok, 201, "pending");
	web_api_configure(api, NULL, metrics);
}

/* The admin API checks the same way (its own, wider window). */
static void admin_values_are_bounded(void **state)
{
	(void)state;
	long long before = pending_changes();
	char body[512];
	snprintf(body, sizeof body, "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":"
		 "\"d\",\"effective\":\"9999-12-31T23:59:59Z\"}", (long long)own_service);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400, "admin.max_ahead_days");
	snprintf(body, sizeof body, "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"r\",\"decision_ref\":"
		 "\"d\",\"effective\":\"1990-01-01T00:00:00Z\"}", (long long)own_service);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400, "admin.max_backdate_days");
	snprintf(body, sizeof body, "{\"service_id\":%lld,\"status\":\"withdrawn\",\"reason\":\"tab\\tin\\u001b\","
		 "\"decision_ref\":\"d\"}", (long long)own_service);
	expect(call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL), 400,
	       "\"error\":\"bad-value\",\"field\":\"reason\"");
	assert_int_equal(pending_changes(), before);
	/* decision notes too */
	long long id = db_fixture_sql_int(db_path, "SELECT max(id) FROM change_request WHERE state = 'pending'");
	char path[128];
	snprintf(path, sizeof path, "/admin/api/changes/%lld/reject", id);
	expect(call("POST", path, "{\"note\":\"dup \"}", CERT_LAN, NULL, NULL), 400,
	       "\"error\":\"bad-value\",\"field\":\"note\"");
	expect(call("POST", path, "{\"note\":\"\\u0000x\"}", CERT_LAN, NULL, NULL), 400, "malformed-json");
	char still[128];
	snprintf(still, sizeof still, "SELECT count(*) FROM change_request WHERE id = %lld AND state = 'pending'", id);
	assert_int_equal(db_fixture_sql_int(db_path, still), 1);
}

static void audit_is_for_auditors(void **state)
{
	(void)state;
	expect(call("GET", "/admin/api/audit", NULL, CERT_TAM, NULL, NULL), 403, "forbidden");
	expect(call("GET", "/admin/api/audit?limit=1000", NULL, CERT_KIET, NULL, NULL), 200, "change.propose");
	expect(call("GET", "/admin/api/audit/verify", NULL, CERT_KIET, NULL, NULL), 200, "\"entries_checked\":");
	/* failed provider logins were audited by the registry */
	expect(call("GET", "/admin/api/audit?limit=1000", NULL, CERT_KIET, NULL, NULL), 200, "auth.fail");
}

static long long audit_rows(const char *where)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE action = 'auth.fail' AND %s", where);
	long long n = db_fixture_sql_int(db_path, sql);
	assert_true(n >= 0);
	return n;
}

static long long propose_one(const char *status, const char *ref)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"service_id\":%lld,\"status\":\"%s\",\"reason\":\"page\",\"decision_ref\":\"%s\"}",
		 (long long)other_service, status, ref);
	struct result r = call("POST", "/admin/api/changes", body, CERT_TAM, NULL, NULL);
	expect(r, 201, "pending");
	return atoll(strstr(r.body, "\"change_id\":") + 12);
}

/* Issue 19: a page visited by a staff member whose browser holds the client
 * certificate must not change anything: forms send text/plain or
 * form-urlencoded, scripts on foreign pages send their Origin. */
static void cross_site_requests_change_nothing(void **state)
{
	(void)state;
	long long id = propose_one("suspended", "CSRF-1");
	char path[128];
	snprintf(path, sizeof path, "/admin/api/changes/%lld/approve", id);
	const char *refused_types[] = {"text/plain", "application/x-www-form-urlencoded",
				       "multipart/form-data; boundary=x", "application/jsonp", NULL};
	for (size_t i = 0; i < sizeof refused_types / sizeof *refused_types; i++)
		expect(call_full("POST", path, "{}", CERT_LAN, NULL, NULL, refused_types[i], NULL), 403,
		       "cross-site-request");
	expect(call_full("POST", path, "{}", CERT_LAN, NULL, NULL, "application/json", "https://evil.example"),
	       403, "cross-site-request");
	expect(call_full("POST", path, "{}", CERT_LAN, NULL, NULL, "application/json", "null"), 403,
	       "cross-site-request");
	expect(call_full("POST", path, "{}", CERT_LAN, NULL, NULL, "application/json", "https://vntl.example"),
	       403, "cross-site-request");
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request WHERE state = 'applied' "
					    "AND decision_ref = 'CSRF-1'"), 0);
	/* the provider API takes JSON only, too */
	expect(call_full("POST", "/api/v1/provider/token", "{\"sp_id\":\"sp-one\",\"sp_password\":\"x\"}", NULL,
			 NULL, "198.51.100.8", "text/plain", NULL), 403, "cross-site-request");
	/* reads are not refused; the service's own origin, with a charset, is fine */
	expect(call_full("GET", "/admin/api/changes", NULL, CERT_LAN, NULL, NULL, NULL, "https://evil.example"),
	       200, "CSRF-1");
	expect(call_full("POST", path, "{}", CERT_LAN, NULL, NULL, "Application/JSON; charset=utf-8",
			 "https://VNTL.example:8443"), 200, "applied");
}

/* Issue 19: a flood of failed logins from one address adds one audit entry
 * at once and one summary with the count when the interval ends, not one
 * entry per request. */
static void failed_logins_are_audited_in_summary(void **state)
{
	(void)state;
	const char *peer_where = "detail LIKE '%\"peer\":\"192.0.2.200\"%'";
	for (int i = 0; i < 500; i++)
		expect(call("GET", "/admin/api/providers", NULL, NULL, NULL, "192.0.2.200"), 401,
		       "client-certificate-required");
	assert_int_equal(audit_rows(peer_where), 1);
	/* another kind of failure from the same address is audited at once, with its fingerprint */
	expect(call("GET", "/admin/api/providers", NULL, CERT_STRANGER, NULL, "192.0.2.200"), 403, "unknown");
	assert_int_equal(audit_rows(peer_where), 2);
	/* nothing is due before the interval ends */
	web_api_flush_auth_failures(api, time(NULL), 0);
	assert_int_equal(audit_rows(peer_where), 2);
	web_api_flush_auth_failures(api, time(NULL) + 61, 0);
	assert_int_equal(audit_rows(peer_where), 3);
	assert_int_equal(audit_rows("detail LIKE '%\"peer\":\"192.0.2.200\",\"count\":499}'"), 1);
	/* a new interval audits its first failure again */
	expect(call("GET", "/admin/api/providers", NULL, NULL, NULL, "192.0.2.200"), 401, "client-certificate");
	assert_int_equal(audit_rows(peer_where), 4);
	web_api_flush_auth_failures(api, time(NULL), 1);
	assert_int_equal(audit_rows(peer_where), 4);
	/* the chain still verifies */
	expect(call("GET", "/admin/api/audit/verify", NULL, CERT_KIET, NULL, NULL), 200, "\"verdict\":\"intact\"");
}

/* Issue 19: a bearer token cannot get a new token, whatever the body says. */
static void tokens_do_not_mint_tokens(void **state)
{
	(void)state;
	/* sp-one has hit the failed-login limit by now */
	const char *right = "{\"sp_id\":\"sp-two\",\"sp_password\":\"another good secret\"}";
	struct result r = call("POST", "/api/v1/provider/token", right, NULL, NULL, "198.51.100.20");
	expect(r, 200, "\"token\":\"");
	char auth[128];
	snprintf(auth, sizeof auth, "Bearer %.64s", strstr(r.body, "\"token\":\"") + 9);
	long long tokens = db_fixture_sql_int(db_path, "SELECT count(*) FROM token");
	expect(call("POST", "/api/v1/provider/token", "{\"sp_id\":\"sp-two\",\"sp_password\":\"not it\"}", NULL,
		    auth, "198.51.100.21"), 401, "authentication-failed");
	expect(call("POST", "/api/v1/provider/token", "{}", NULL, auth, "198.51.100.22"), 400, "missing-field");
	assert_int_equal(db_fixture_sql_int(db_path, "SELECT count(*) FROM token"), tokens);
	/* the token still works where it belongs */
	expect(call("GET", "/api/v1/provider/status-changes", NULL, NULL, auth, "198.51.100.20"), 200, "changes");
}

/* Issue 19: every listing answers at most `limit` items (default 100) and
 * says where the next page starts. */
static void listings_are_paginated(void **state)
{
	(void)state;
	while (db_fixture_sql_int(db_path, "SELECT count(*) FROM change_request") <= WEB_API_PAGE_DEFAULT) {
		char ref[32];
		snprintf(ref, sizeof ref, "PAGE-%lld", pending_changes());
		propose_one("recognised", ref); /* other_service is suspended by now */
	}
	long long total = pending_changes();
	struct result r = call("GET", "/admin/api/changes", NULL, CERT_TAM, NULL, NULL);
	expect(r, 200, "\"next_after\":");
	int items = 0;
	for (const char *p = r.body; (p = strstr(p, "\"proposed_by\":")); p++)
		items++;
	assert_int_equal(items, WEB_API_PAGE_DEFAULT);
	/* walk the whole list 7 at a time: every change once */
	long long seen = 0, after = 0;
	for (int pages = 0; pages < 100; pages++) {
		char path[128];
		snprintf(path, sizeof path, "/admin/api/changes?limit=7&after=%lld", after);
		r = call("GET", path, NULL, CERT_TAM, NULL, NULL);
		expect(r, 200, "\"changes\":");
		for (const char *p = r.body; (p = strstr(p, "\"proposed_by\":")); p++)
			seen++;
		const char *next = strstr(r.body, "\"next_after\":") + 13;
		if (strncmp(next, "null", 4) == 0)
			break;
		after = atoll(next);
	}
	assert_int_equal(seen, total);
	expect(call("GET", "/admin/api/providers?limit=1", NULL, CERT_TAM, NULL, NULL), 200, "\"next_after\":1");
	expect(call("GET", "/admin/api/providers?limit=1&after=4", NULL, CERT_TAM, NULL, NULL), 200,
	       "\"next_after\":null");
	expect(call("GET", "/admin/api/certificates?limit=1", NULL, CERT_TAM, NULL, NULL), 200, "\"next_after\":");
	expect(call("GET", "/admin/api/audit?limit=2", NULL, CERT_KIET, NULL, NULL), 200, "\"next_after\":2");
	r = call("POST", "/api/v1/provider/token", "{\"sp_id\":\"sp-two\",\"sp_password\":\"another good secret\"}",
		 NULL, NULL, "198.51.100.30");
	expect(r, 200, "\"token\":\"");
	char auth[128];
	snprintf(auth, sizeof auth, "Bearer %.64s", strstr(r.body, "\"token\":\"") + 9);
	/* sp-two's TSP holds the changes proposed above */
	r = call("GET", "/api/v1/provider/status-changes?limit=1", NULL, NULL, auth, "198.51.100.30");
	expect(r, 200, "\"next_after\":");
	assert_null(strstr(r.body, "\"next_after\":null"));
	const char *bad[] = {"limit=0", "limit=1001", "limit=ten", "limit=", "after=-1", "after=1x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char path[128];
		snprintf(path, sizeof path, "/admin/api/changes?%s", bad[i]);
		expect(call("GET", path, NULL, CERT_TAM, NULL, NULL), 400, "bad-query");
	}
	expect(call("GET", "/admin/api/changes?limit=1000", NULL, CERT_TAM, NULL, NULL), 200, "\"next_after\":null");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_needs_a_known_client_certificate),
		cmocka_unit_test(four_eyes_through_the_registry),
		cmocka_unit_test(bad_bodies_are_400_and_write_nothing),
		cmocka_unit_test(corrections_through_the_admin_api),
		cmocka_unit_test(one_vocabulary_with_the_cli),
		cmocka_unit_test(provider_proposes_only_for_itself_and_waits_for_staff),
		cmocka_unit_test(an_attacker_cannot_lock_out_a_provider_by_name),
		cmocka_unit_test(failures_of_another_sp_id_never_lock_out_a_provider),
		cmocka_unit_test(token_guessing_is_limited_per_address),
		cmocka_unit_test(staff_are_alerted_when_an_account_is_under_attack),
		cmocka_unit_test(provider_values_are_bounded),
		cmocka_unit_test(pending_proposals_per_provider_are_limited),
		cmocka_unit_test(admin_values_are_bounded),
		cmocka_unit_test(audit_is_for_auditors),
		cmocka_unit_test(cross_site_requests_change_nothing),
		cmocka_unit_test(failed_logins_are_audited_in_summary),
		cmocka_unit_test(tokens_do_not_mint_tokens),
		cmocka_unit_test(listings_are_paginated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
