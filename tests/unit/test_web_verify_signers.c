/* vntld's pinned signers during a rollover (web/verify.h
 * web_verifier_set_registry_signers): which certificate is current (served
 * as /signer.pem), next, previous or only accepted, and when the pins
 * change. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/sizes.h"
#include "tests/lib/web_fixture.h"
#include "web/publication.h"
#include "web/verify.h"

/* A self-signed P-256 certificate named `cn`, as DER (OPENSSL_free). */
static unsigned char *make_cert(const char *cn, size_t *len)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	assert_non_null(key);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME *name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"VN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	assert_true(n > 0);
	*len = (size_t)n;
	X509_free(x);
	EVP_PKEY_free(key);
	return der;
}

/* The verifier of a fresh server.signer_cert file holding certificate A. */
static struct web_verifier *verifier_of(const unsigned char *a, size_t a_len)
{
	char dir[4096], path[VNTL_PATH_MAX], err[512];
	web_fixture_dir("verify_signers", dir, sizeof dir);
	snprintf(path, sizeof path, "%s/signer.der", dir);
	web_fixture_write(dir, "signer.der", a, a_len);
	struct web_verifier *v = NULL;
	assert_int_equal(web_verifier_new(path, &v, err, sizeof err), 0);
	return v;
}

static void assert_pinned(const struct web_verifier *v, size_t i, const unsigned char *der, size_t len,
			  enum web_signer_role role)
{
	char want[65], got[65];
	web_sha256_hex(der, len, want);
	web_verifier_signer_sha256(v, i, got);
	assert_string_equal(got, want);
	assert_int_equal(web_verifier_signer_role(v, i), role);
}

/* The certificates /signer.pem serves, as DER, one after another. */
static size_t served_pem_count(const struct web_verifier *v, const unsigned char *der, size_t len)
{
	size_t pem_len = 0;
	char *pem = web_verifier_signer_pem(v, &pem_len);
	assert_non_null(pem);
	BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
	size_t count = 0, matching = 0;
	X509 *x;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		unsigned char *d = NULL;
		int n = i2d_X509(x, &d);
		count++;
		matching += n == (int)len && memcmp(d, der, len) == 0;
		OPENSSL_free(d);
		X509_free(x);
	}
	BIO_free(bio);
	free(pem);
	assert_int_equal(matching, 1);
	return count;
}

/* Without a registry signer, server.signer_cert's certificate is current;
 * B announced is next, and /signer.pem still serves A alone. */
static void announced_signer_is_next_not_served(void **state)
{
	(void)state;
	size_t a_len, b_len;
	unsigned char *a = make_cert("A", &a_len), *b = make_cert("B", &b_len);
	struct web_verifier *v = verifier_of(a, a_len);
	char err[512];
	assert_int_equal(web_verifier_signer_count(v), 1);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_CURRENT);
	struct web_signer_cert reg[] = {{b, b_len, WEB_SIGNER_NEXT}};
	assert_int_equal(web_verifier_set_registry_signers(v, reg, 1, err, sizeof err), 1);
	assert_int_equal(web_verifier_signer_count(v), 2);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_CURRENT);
	assert_pinned(v, 1, b, b_len, WEB_SIGNER_NEXT);
	assert_int_equal(served_pem_count(v, a, a_len), 1);
	/* the same again: nothing changes */
	assert_int_equal(web_verifier_set_registry_signers(v, reg, 1, err, sizeof err), 0);
	web_verifier_free(v);
	OPENSSL_free(a);
	OPENSSL_free(b);
}

/* After the switch to B, B is current and served alone; A, still in
 * server.signer_cert, is accepted (its archived lists stay served); A
 * registered as the previous signer takes that role instead. */
static void switched_signer_is_current_and_served(void **state)
{
	(void)state;
	size_t a_len, b_len;
	unsigned char *a = make_cert("A", &a_len), *b = make_cert("B", &b_len);
	struct web_verifier *v = verifier_of(a, a_len);
	char err[512];
	struct web_signer_cert current_b[] = {{b, b_len, WEB_SIGNER_CURRENT}};
	assert_int_equal(web_verifier_set_registry_signers(v, current_b, 1, err, sizeof err), 1);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_ACCEPTED);
	assert_pinned(v, 1, b, b_len, WEB_SIGNER_CURRENT);
	assert_int_equal(served_pem_count(v, b, b_len), 1);
	struct web_signer_cert with_a[] = {{a, a_len, WEB_SIGNER_PREVIOUS}, {b, b_len, WEB_SIGNER_CURRENT}};
	assert_int_equal(web_verifier_set_registry_signers(v, with_a, 2, err, sizeof err), 1);
	assert_int_equal(web_verifier_signer_count(v), 2);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_PREVIOUS);
	assert_pinned(v, 1, b, b_len, WEB_SIGNER_CURRENT);
	/* B retired (no registry signer left): A is current again */
	assert_int_equal(web_verifier_set_registry_signers(v, NULL, 0, err, sizeof err), 1);
	assert_int_equal(web_verifier_signer_count(v), 1);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_CURRENT);
	web_verifier_free(v);
	OPENSSL_free(a);
	OPENSSL_free(b);
}

/* A registry "certificate" libvntl cannot pin is refused with why, and
 * the pins stay as they were. */
static void unpinnable_certificate_keeps_the_pins(void **state)
{
	(void)state;
	size_t a_len;
	unsigned char *a = make_cert("A", &a_len);
	struct web_verifier *v = verifier_of(a, a_len);
	char err[512] = "";
	static const unsigned char junk[] = "not a certificate";
	struct web_signer_cert reg[] = {{junk, sizeof junk, WEB_SIGNER_CURRENT}};
	assert_int_equal(web_verifier_set_registry_signers(v, reg, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "a registry signer cannot be pinned"));
	assert_int_equal(web_verifier_signer_count(v), 1);
	assert_pinned(v, 0, a, a_len, WEB_SIGNER_CURRENT);
	web_verifier_free(v);
	OPENSSL_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(announced_signer_is_next_not_served),
		cmocka_unit_test(switched_signer_is_current_and_served),
		cmocka_unit_test(unpinnable_certificate_keeps_the_pins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
