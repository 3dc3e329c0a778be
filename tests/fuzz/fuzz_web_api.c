/* The admin and provider API bodies (web/api.c): the input's first byte
 * picks an endpoint and who calls it, the rest is the JSON body (or, for a
 * listing, the ?after=, ?limit= and ?state= values, newline-separated).
 * Every answer must be a JSON object with a status the API documents; the
 * registry's audit chain stays intact. The registry (tests/lib/db_fixture
 * plus staff with client certificates, one foreign certificate and change 1,
 * a pending proposal the approve and reject calls can act on) is made once
 * and kept as an in-memory copy; after every call that changed it, the
 * audit chain is verified and the copy is written back (sqlite3_backup), so
 * each input meets the same registry. The API's failed-login counters stay
 * in memory across calls, as in vntld (a struct web_api per call would cost
 * ten times the call: its rate limit tables are allocated whole); each call
 * comes from a new address, so only the per-account counter carries over.
 * fuzz-dictionary: json */
#include "common/sizes.h"
#include "tests/fuzz/fuzz.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"
#include "web/api.h"

#define CERT_OFFICER "aa00000000000000000000000000000000000000000000000000000000000001"
#define CERT_APPROVER "aa00000000000000000000000000000000000000000000000000000000000002"

static struct web_api *api;
static struct db *keeper;   /* held open: sees the API's commits, restores the template */
static sqlite3 *template;   /* the registry as made, in memory */
static long long seen_version;
static unsigned peer_counter;

struct endpoint {
	const char *method, *path, *cert;
	int query; /* the rest of the input is ?after=, ?limit=, ?state= */
};

static const struct endpoint endpoints[] = {
	{"POST", "/admin/api/changes", CERT_OFFICER, 0},
	{"POST", "/admin/api/changes/1/approve", CERT_APPROVER, 0},
	{"POST", "/admin/api/changes/1/reject", CERT_APPROVER, 0},
	{"POST", "/admin/api/publish", CERT_OFFICER, 0},
	{"GET", "/admin/api/changes", CERT_APPROVER, 1},
	{"GET", "/admin/api/certificates", CERT_OFFICER, 1},
	{"GET", "/admin/api/audit", CERT_APPROVER, 1},
	{"POST", "/api/v1/provider/status-changes", NULL, 0},
	{"POST", "/api/v1/provider/token", NULL, 0},
	{"GET", "/api/v1/provider/status-changes", NULL, 1},
};
#define ENDPOINT_COUNT (sizeof endpoints / sizeof endpoints[0])

/* PRAGMA data_version of the keeper: it changes when another connection
 * (the API's) commits. */
static long long data_version(void)
{
	return fuzz_sql_integer(keeper->h, "PRAGMA data_version", "reading the registry's data version");
}

static void make_registry(const char *path)
{
	char err[512];
	struct db *db = db_fixture_registry("api.db");
	struct db_user_input officer = {"tam", DB_ROLE_OFFICER, 0, CERT_OFFICER, NULL};
	struct db_user_input approver = {"lan", DB_ROLE_APPROVER, 0, CERT_APPROVER, NULL};
	size_t n;
	unsigned char *pem = fuzz_read_file(fuzz_src_path("tests/fuzz/data/foreign-1.pem"), &n);
	struct db_import_options o = {.tsp_id = 3, .actor = "olga", .decision_ref = "QĐ fuzz",
				      .effective = DB_FIXTURE_DECISION_DATE, .history = 1};
	struct db_import_report r;
	db_fixture_add_user(db, &officer);
	db_fixture_add_user(db, &approver);
	if (db_cert_import(db, pem, n, "foreign-1.pem", &o, &r, err, sizeof err) != 0)
		fuzz_fail("registry setup: %s", err);
	db_import_report_free(&r);
	free(pem);
	db_close(db);
	if (db_open(path, DB_OPEN_EXISTING, &keeper, err, sizeof err) != 0)
		fuzz_fail("cannot open the registry: %s", err);
}

/* Change 1, pending, proposed through the API as an officer would. */
static void propose_change(void)
{
	static const char body[] = "{\"service_id\": 1, \"status\": \"suspended\", \"reason\": \"r\", "
				   "\"decision_ref\": \"QĐ 1\", \"effective\": \"2026-01-02T03:04:05Z\"}";
	struct web_api_request req = {
		.method = "POST", .path = "/admin/api/changes", .body = body, .body_len = strlen(body),
		.client_cert_sha256 = CERT_OFFICER, .content_type = "application/json",
		.self_origin = "https://vntl.example:8443", .peer = "10.255.255.255"};
	struct web_api_response resp;
	web_api_handle(api, &req, &resp);
	if (resp.status != 201)
		fuzz_fail("registry setup: proposing change 1 answered %u: %.200s", resp.status,
			  resp.body ? resp.body : "");
	free(resp.body);
}

/* After a call that wrote to the registry: its audit chain is intact, and
 * the registry goes back to the template for the next input. */
static void restore_registry(void)
{
	if (data_version() == seen_version)
		return;
	struct db_audit_verdict v;
	char err[512];
	if (db_audit_verify(keeper, &v, err, sizeof err) != 0 || v.kind != DB_AUDIT_INTACT)
		fuzz_fail("audit chain broken: %s %s", err, v.message);
	fuzz_copy_database(keeper->h, template);
	seen_version = data_version();
}

static void free_api(void)
{
	web_api_free(api);
	db_close(keeper);
	sqlite3_close(template);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	char path[VNTL_PATH_MAX];
	snprintf(path, sizeof path, "%s/api.db", fuzz_scratch());
	make_registry(path);
	if (!(api = web_api_new(path, NULL)))
		fuzz_fail("web_api_new failed");
	atexit(free_api);
	propose_change();
	if (sqlite3_open(":memory:", &template) != SQLITE_OK)
		fuzz_fail("cannot open an in-memory database");
	fuzz_copy_database(template, keeper->h);
	seen_version = data_version();
	return 0;
}

static void check_response(const struct web_api_response *resp)
{
	static const unsigned statuses[] = {200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 503};
	size_t i = 0;
	while (i < sizeof statuses / sizeof statuses[0] && statuses[i] != resp->status)
		i++;
	if (i == sizeof statuses / sizeof statuses[0])
		fuzz_fail("status %u", resp->status);
	json_error_t jerr;
	json_t *body = resp->body ? json_loadb(resp->body, resp->body_len, 0, &jerr) : NULL;
	if (!json_is_object(body))
		fuzz_fail("status %u with a body that is not a JSON object: %.200s", resp->status,
			  resp->body ? resp->body : "(none)");
	if (resp->status >= 400 && !json_is_string(json_object_get(body, "error")))
		fuzz_fail("status %u without an error code: %.200s", resp->status, resp->body);
	json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const struct endpoint *e = &endpoints[data[0] % ENDPOINT_COUNT];
	char *rest = malloc(size);
	if (!rest)
		return 0;
	memcpy(rest, data + 1, size - 1);
	rest[size - 1] = '\0';
	char *query[3] = {NULL, NULL, NULL};
	if (e->query) {
		char *p = rest;
		for (int i = 0; i < 3 && p; i++) {
			query[i] = p;
			if ((p = strchr(p, '\n')))
				*p++ = '\0';
		}
	}
	/* A new address each call: the failed-login limits must not turn the
	 * rest of the run into lockouts. */
	char peer[32];
	peer_counter++;
	snprintf(peer, sizeof peer, "10.%u.%u.%u", (peer_counter >> 16) & 255, (peer_counter >> 8) & 255,
		 peer_counter & 255);
	struct web_api_request req = {
		.method = e->method, .path = e->path, .body = e->query ? NULL : rest,
		.body_len = e->query ? 0 : size - 1, .client_cert_sha256 = e->cert,
		.query_after = query[0], .query_limit = query[1], .query_state = query[2],
		.content_type = "application/json", .self_origin = "https://vntl.example:8443", .peer = peer};
	struct web_api_response resp;
	web_api_handle(api, &req, &resp);
	check_response(&resp);
	free(resp.body);
	free(rest);
	restore_registry();
	return 0;
}
