/* roots.pem: the anchors granted at issue time, and nothing (but a valid,
 * empty file) when every root has been withdrawn. */
#include <stdarg.h>
#include "common/hex.h"
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "publisher/certinfo.h"
#include "publisher/publish.h"
#include "tests/lib/publisher_fixture.h"

static size_t count_certs(const char *pem)
{
	size_t n = 0;
	for (const char *p = pem; (p = strstr(p, "BEGIN CERTIFICATE")); p++)
		n++;
	return n;
}

static void holds_the_roots_granted_at_issue_time(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	size_t len = 0;
	char *pem = publisher_roots_pem(snap, now, &len);
	assert_non_null(pem);
	/* NEAC root, government root, public CA A's granted certificate and
	 * public CA B (withdrawn only in 5 days); not A's withdrawn one; the two
	 * recognised foreign certificates. */
	assert_int_equal(count_certs(pem), 6);
	assert_int_equal(strlen(pem), len);
	free(pem);
	/* in 6 days B is withdrawn too */
	pem = publisher_roots_pem(snap, now + 6 * 86400, &len);
	assert_non_null(pem);
	assert_int_equal(count_certs(pem), 5);
	free(pem);
	pf_snapshot_free(snap);
}

/* The recognised foreign certificates anchor chains too (circular 000
 * art. 5): labelled with their list; a suspended one is left out. */
static void holds_the_recognised_foreign_certificates(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	size_t len = 0;
	char *pem = publisher_roots_pem(snap, now, &len);
	assert_non_null(pem);
	char label[512];
	snprintf(label, sizeof label, "# List: foreign\n# Provider: DEMO Foreign Trust Services Ltd\n"
		 "# Service: DEMO Foreign CA 1\n# Status: recognised since ");
	const char *at = strstr(pem, label);
	assert_non_null(at);
	snprintf(label, sizeof label, "(QĐ 8/QĐ-DEMO)\n# SHA-256: %s\n-----BEGIN CERTIFICATE-----",
		 pf_service(snap, 501)->cert_sha256);
	assert_non_null(strstr(at, label));
	/* the roots come first, each with its list */
	assert_true(strncmp(pem, "# List: roots\n", 14) == 0);
	free(pem);
	pf_add_status(pf_service(snap, 501), DB_STATUS_SUSPENDED, now - 60, "QĐ 12/QĐ-DEMO");
	pem = publisher_roots_pem(snap, now, &len);
	assert_non_null(pem);
	assert_int_equal(count_certs(pem), 5);
	assert_null(strstr(pem, pf_service(snap, 501)->cert_sha256));
	free(pem);
	pf_snapshot_free(snap);
}

static void is_empty_when_every_anchor_is_withdrawn(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	for (size_t i = 0; i < snap->tsp_count; i++) {
		struct db_tsp *tsp = &snap->tsps[i];
		for (size_t j = 0; j < tsp->service_count; j++) {
			struct db_service *s = &tsp->services[j];
			if (s->timeline[s->timeline_count - 1].status != DB_STATUS_WITHDRAWN)
				pf_add_status(s, DB_STATUS_WITHDRAWN, now - 60, "QĐ test");
		}
	}
	/* at now + 6 days public CA B's future-dated withdrawal has taken effect too */
	size_t len = 99;
	char *pem = publisher_roots_pem(snap, now + 6 * 86400, &len);
	assert_non_null(pem);
	assert_int_equal(len, 0);
	assert_string_equal(pem, "");
	free(pem);
	pf_snapshot_free(snap);
}

/* Replace a service's certificate by a new one of `key` (issue 9 item 5). */
static void give_certificate(struct db_snapshot *snap, int64_t service, EVP_PKEY *key, int is_ca,
			     int64_t not_before, int64_t not_after)
{
	struct db_service *s = pf_service(snap, service);
	assert_non_null(s);
	X509 *cert = pf_cert(key, s->name_en, 7000 + service, NULL, NULL, is_ca, not_before, not_after);
	free(s->cert_der);
	s->cert_der = pf_der(cert, &s->cert_der_len);
	sha256_hex(s->cert_der, s->cert_der_len, s->cert_sha256);
	X509_free(cert);
}

/* Only certificates that anchor chains now: no TSA end-entity certificate,
 * no expired root, even when granted. Each is labelled. */
static void holds_only_unexpired_ca_certificates_each_labelled(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	EVP_PKEY *key = pf_key("P-256", 0);
	give_certificate(snap, 301, key, 1, now - 3000 * 86400, now - 86400);  /* expired yesterday */
	give_certificate(snap, 401, key, 0, now - 86400, now + 3000 * 86400);  /* a TSA: CA:FALSE */
	size_t len = 0;
	char *pem = publisher_roots_pem(snap, now, &len);
	assert_non_null(pem);
	assert_int_equal(count_certs(pem), 4); /* and the two foreign ones */
	assert_null(strstr(pem, pf_service(snap, 301)->cert_sha256));
	assert_null(strstr(pem, pf_service(snap, 401)->cert_sha256));
	const struct db_service *root = pf_service(snap, 101);
	char label[512];
	snprintf(label, sizeof label, "# List: roots\n# Provider: DEMO National Electronic Authentication Centre\n"
		 "# Service: DEMO NEAC Root CA\n# Status: granted since ");
	const char *at = strstr(pem, label);
	assert_non_null(at);
	snprintf(label, sizeof label, "(QĐ 1/QĐ-DEMO)\n# SHA-256: %s\n-----BEGIN CERTIFICATE-----", root->cert_sha256);
	assert_non_null(strstr(at, label));
	assert_non_null(strstr(pem, "# Service: DEMO Government Root CA\n"));
	/* a tool that reads PEM bundles still finds both certificates */
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	int read = 0;
	X509 *x;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		read++;
		X509_free(x);
	}
	BIO_free(bio);
	assert_int_equal(read, 4);
	free(pem);
	EVP_PKEY_free(key);
	pf_snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holds_the_roots_granted_at_issue_time),
		cmocka_unit_test(is_empty_when_every_anchor_is_withdrawn),
		cmocka_unit_test(holds_the_recognised_foreign_certificates),
		cmocka_unit_test(holds_only_unexpired_ca_certificates_each_labelled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
