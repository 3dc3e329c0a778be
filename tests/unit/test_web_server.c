/* vntld in-process over HTTPS: the admin API's mutual TLS (no certificate,
 * an untrusted one, a trusted but unknown one, a staff member's), request
 * bodies over the wire (malformed, oversized), and public files beside. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "db/registry.h"
#include "tests/lib/db_fixture.h"
#include "tests/lib/web_fixture.h"
#include "tests/lib/test_files.h"
#include "web/publication.h"
#include "web/server.h"

static char tmp[2048], certs[2300];
static struct web_server *server;
static unsigned port;

static void run(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void cert_fingerprint(const char *pem_path, char hex[65])
{
	size_t len;
	unsigned char *der = tf_pem_cert_der(pem_path, &len);
	sha256_hex(der, len, hex);
	OPENSSL_free(der);
}

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("VNTL_TMP"), *src = getenv("VNTL_SRC");
	snprintf(tmp, sizeof tmp, "%s", t && *t ? t : "/tmp");
	src = src && *src ? src : ".";
	char cmd[8192], pub[2300], reg[2300], signer[2400];
	snprintf(pub, sizeof pub, "%s/pub", tmp);
	snprintf(certs, sizeof certs, "%s/certs", tmp);
	assert_int_equal(web_fixture_signed(pub, 1), 0);
	web_fixture_signer(pub, signer, sizeof signer);
	snprintf(cmd, sizeof cmd, "sh '%s/tests/lib/web_make_tls.sh' '%s/tls' server && sh '%s/tests/lib/web_make_client_certs.sh' '%s'",
		 src, tmp, src, certs);
	run(cmd);
	struct db *db = db_fixture_registry("server.db");
	snprintf(reg, sizeof reg, "%s/server.db", tmp);
	char staff_pem[2400], fp[65], err[512];
	snprintf(staff_pem, sizeof staff_pem, "%s/staff.pem", certs);
	cert_fingerprint(staff_pem, fp);
	struct db_user_input tam = {"tam", DB_ROLE_OFFICER, 0, fp, NULL};
	db_fixture_add_user(db, &tam);
	db_close(db);

	char cert[2400], key[2400], ca[2400];
	snprintf(cert, sizeof cert, "%s/tls/server.pem", tmp);
	snprintf(key, sizeof key, "%s/tls/server.key", tmp);
	snprintf(ca, sizeof ca, "%s/ca.pem", certs);
	const struct web_override ov[] = {
		{"server.listen", "127.0.0.1"}, {"server.port", "0"}, {"server.publication_dir", pub},
		{"server.signer_cert", signer},
		{"server.tls_cert", cert}, {"server.tls_key", key}, {"server.client_ca", ca},
		{"db", reg}, {"server.max_body", "1024"}, {"server.threads", "2"},
	};
	struct web_settings settings;
	assert_int_equal(web_settings_load(NULL, ov, sizeof ov / sizeof ov[0], &settings, err, sizeof err), 0);
	if (web_server_start(&settings, &server, err, sizeof err) != 0)
		fail_msg("start: %s", err);
	port = web_server_port(server);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_server_drain(server);
	curl_global_cleanup();
	return 0;
}

struct reply {
	long status;
	char body[8192];
	size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
	struct reply *r = userp;
	size_t take = size * n;
	if (take > sizeof r->body - 1 - r->len)
		take = sizeof r->body - 1 - r->len;
	memcpy(r->body + r->len, data, take);
	r->len += take;
	r->body[r->len] = '\0';
	return size * n;
}

/* `who`: NULL (no client certificate) or the base name of a cert in certs/. */
static struct reply request(const char *path, const char *who, const char *post)
{
	struct reply r = {0};
	char url[512], cert[2400], key[2400];
	snprintf(url, sizeof url, "https://127.0.0.1:%u%s", port, path);
	CURL *h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	if (who) {
		snprintf(cert, sizeof cert, "%s/%s.pem", certs, who);
		snprintf(key, sizeof key, "%s/%s.key", certs, who);
		curl_easy_setopt(h, CURLOPT_SSLCERT, cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, key);
	}
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		fail_msg("%s: %s", path, curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return r;
}

static void expect(struct reply r, long status, const char *needle)
{
	if (r.status != status || (needle && !strstr(r.body, needle)))
		fail_msg("expected %ld with '%s', got %ld: %s", status, needle ? needle : "", r.status, r.body);
}

static void admin_api_maps_client_certificates_to_staff(void **state)
{
	(void)state;
	expect(request("/admin/api/providers", NULL, NULL), 401, "client-certificate-required");
	expect(request("/admin/api/providers", "stranger", NULL), 401, "client-certificate-required");
	expect(request("/admin/api/providers", "unknown", NULL), 403, "unknown-certificate");
	expect(request("/admin/api/providers", "staff", NULL), 200, "Foreign One");
	/* public files are served on the same port, with or without certificates */
	expect(request("/index.json", NULL, NULL), 200, "\"format\"");
	expect(request("/index.json", "staff", NULL), 200, "\"format\"");
}

static void bodies_over_the_wire(void **state)
{
	(void)state;
	expect(request("/admin/api/changes", "staff", "{\"service_id\":"), 400, "malformed-json");
	char big[4096];
	memset(big, ' ', sizeof big - 1);
	big[0] = '{';
	big[sizeof big - 2] = '}';
	big[sizeof big - 1] = '\0';
	expect(request("/admin/api/changes", "staff", big), 400, "body-too-large");
	expect(request("/api/v1/provider/token", NULL, "{\"sp_id\":\"sp-one\",\"sp_password\":\"correct horse battery\"}"),
	       200, "Bearer");
	expect(request("/api/v1/provider/token", NULL, "{\"sp_id\":1}"), 400, "wrong-type");
	expect(request("/api/v1/provider/nothing", NULL, NULL), 404, "not-found");
}

/* Issue 19: the API pool and origin keys, with defaults and errors that name the key. */
static void api_pool_and_origin_settings(void **state)
{
	(void)state;
	struct web_settings st;
	char err[512];
	const struct web_override base[] = {{"server.tls_cert", "c.pem"}, {"server.tls_key", "k.pem"},
					    {"server.signer_cert", "s.pem"}};
	assert_int_equal(web_settings_load(NULL, base, 3, &st, err, sizeof err), 0);
	assert_int_equal(st.api_threads, 2);
	assert_int_equal(st.api_queue, 64);
	assert_string_equal(st.origin, "");
	const struct { const char *key, *value; } bad[] = {
		{"server.api_threads", "0"}, {"server.api_threads", "65"}, {"server.api_queue", "0"},
		{"server.origin", "http://tl.example"}, {"server.origin", "https://tl.example/admin"},
		{"server.origin", "https://"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const struct web_override ov[] = {base[0], base[1], base[2], {bad[i].key, bad[i].value}};
		err[0] = '\0';
		assert_int_equal(web_settings_load(NULL, ov, 4, &st, err, sizeof err), -1);
		if (!strstr(err, bad[i].key))
			fail_msg("%s = %s: message does not name the key: %s", bad[i].key, bad[i].value, err);
	}
	const struct web_override ok[] = {base[0], base[1], base[2], {"server.origin", "https://tl.neac.gov.vn:8443"},
					  {"server.api_threads", "4"}, {"server.api_queue", "8"}};
	assert_int_equal(web_settings_load(NULL, ok, 6, &st, err, sizeof err), 0);
	assert_string_equal(st.origin, "https://tl.neac.gov.vn:8443");
	assert_int_equal(st.api_threads, 4);
	assert_int_equal(st.api_queue, 8);
}

/* Issue 18: what a proposal may say, with defaults and errors naming the key. */
static void proposal_limit_settings(void **state)
{
	(void)state;
	struct web_settings st;
	char err[512];
	const struct web_override base[] = {{"server.tls_cert", "c.pem"}, {"server.tls_key", "k.pem"},
					    {"server.signer_cert", "s.pem"}};
	assert_int_equal(web_settings_load(NULL, base, 3, &st, err, sizeof err), 0);
	assert_int_equal(st.api_limits.provider_max_backdate_days, 30);
	assert_int_equal(st.api_limits.provider_max_ahead_days, 365);
	assert_int_equal(st.api_limits.provider_max_pending, 20);
	assert_int_equal(st.api_limits.admin_max_backdate_days, 3650);
	assert_int_equal(st.api_limits.admin_max_ahead_days, 3650);
	const struct { const char *key, *value; } bad[] = {
		{"provider.max_backdate_days", "-1"}, {"provider.max_ahead_days", "3651"},
		{"provider.max_pending", "0"}, {"provider.max_pending", "many"},
		{"admin.max_backdate_days", "36501"}, {"admin.max_ahead_days", ""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const struct web_override ov[] = {base[0], base[1], base[2], {bad[i].key, bad[i].value}};
		err[0] = '\0';
		assert_int_equal(web_settings_load(NULL, ov, 4, &st, err, sizeof err), -1);
		if (!strstr(err, bad[i].key))
			fail_msg("%s = %s: message does not name the key: %s", bad[i].key, bad[i].value, err);
	}
	const struct web_override ok[] = {base[0], base[1], base[2], {"provider.max_pending", "5"},
					  {"provider.max_ahead_days", "0"}, {"admin.max_backdate_days", "100"}};
	assert_int_equal(web_settings_load(NULL, ok, 6, &st, err, sizeof err), 0);
	assert_int_equal(st.api_limits.provider_max_pending, 5);
	assert_int_equal(st.api_limits.provider_max_ahead_days, 0);
	assert_int_equal(st.api_limits.admin_max_backdate_days, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(admin_api_maps_client_certificates_to_staff),
		cmocka_unit_test(bodies_over_the_wire),
		cmocka_unit_test(api_pool_and_origin_settings),
		cmocka_unit_test(proposal_limit_settings),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
