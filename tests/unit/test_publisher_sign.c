/* Signing and self-check: a signed list verifies (our check, xmlsec1 CLI,
 * the official XSD); any tampering, wrong signer, stale sequence or past
 * NextUpdate is refused; weak keys and digests are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <openssl/pem.h>

#include "common/sizes.h"
#include "publisher/lists.h"
#include "publisher/self_check.h"
#include "publisher/signer.h"
#include "publisher/xades.h"
#include "tests/lib/publisher_fixture.h"

static int64_t now;

struct fixture {
	struct db_snapshot *snap;
	struct publisher_signer *signer;
	char dir[4096];
};

static int setup(void **state)
{
	assert_int_equal(publisher_crypto_init(), 0);
	now = (int64_t)time(NULL);
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "%s", pf_tmpdir());
	f->snap = pf_snapshot(now);
	EVP_PKEY *key = pf_key("P-256", 0);
	X509 *cert = pf_cert(key, "DEMO NEAC list signer", 77, NULL, NULL, 0, now - 86400, now + 86400 * 365);
	assert_int_equal(pf_write_signer(f->dir, "signer", key, cert, NULL), 0);
	EVP_PKEY_free(key);
	X509_free(cert);
	char kp[VNTL_PATH_MAX], cp[VNTL_PATH_MAX], err[512] = "";
	snprintf(kp, sizeof kp, "%s/signer.key", f->dir);
	snprintf(cp, sizeof cp, "%s/signer.pem", f->dir);
	if (publisher_signer_open_pem(kp, cp, NULL, NULL, &f->signer, err, sizeof err) != 0)
		fail_msg("open signer: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	publisher_signer_free(f->signer);
	pf_snapshot_free(f->snap);
	free(f);
	publisher_crypto_shutdown();
	return 0;
}

/* Build + sign + serialize one list. Caller frees with xmlFree. */
static unsigned char *signed_list(struct fixture *f, struct publisher_signer *signer,
				  enum publisher_list list, int64_t seq, int64_t next_update,
				  size_t *len)
{
	unsigned char *der = NULL;
	int der_len = i2d_X509(signer->cert, &der);
	struct list_params p = {.list = list, .sequence = seq, .issued = now,
				.next_update = next_update, .base_url = "https://tl.example.vn",
				.signer_der = der, .signer_der_len = (size_t)der_len};
	xmlDocPtr doc = NULL;
	char err[512] = "";
	if (list_build(f->snap, &p, &doc, err, sizeof err) != 0)
		fail_msg("build: %s", err);
	OPENSSL_free(der);
	if (xades_sign(doc, signer, now, err, sizeof err) != 0)
		fail_msg("sign: %s", err);
	xmlChar *out = NULL;
	int n = 0;
	xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
	xmlFreeDoc(doc);
	*len = (size_t)n;
	return out;
}

static void write_file(const char *path, const unsigned char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static int check(struct fixture *f, const unsigned char *xml, size_t len, int64_t last, char *err)
{
	return publisher_self_check(xml, len, f->signer->cert, last, now, err, 512);
}

static void signed_lists_pass_self_check_xmlsec1_and_official_schema(void **state)
{
	struct fixture *f = *state;
	const char *shared = getenv("VNTL_SHARED");
	assert_non_null(shared);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		size_t len;
		unsigned char *xml = signed_list(f, f->signer, (enum publisher_list)l, 5, now + 86400 * 30, &len);
		char err[512] = "";
		if (check(f, xml, len, 4, err) != 0)
			fail_msg("self-check: %s", err);
		char path[VNTL_PATH_MAX], cmd[12000];
		snprintf(path, sizeof path, "%s/signed-%d.xml", f->dir, l);
		write_file(path, xml, len);
		snprintf(cmd, sizeof cmd,
			 "xmlsec1 --verify --enabled-reference-uris same-doc,empty --enabled-key-data ecdsa "
			 "--pubkey-cert-pem '%s/signer.pem' '%s' >/dev/null 2>&1", f->dir, path);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof cmd,
			 "xmllint --noout --nonet --schema '%s/tl/xsd/19612-libxml2.xsd' '%s' 2>/dev/null",
			 shared, path);
		assert_int_equal(system(cmd), 0);
		xmlFree(xml);
	}
}

/* Replace the first occurrence of `from` with `to` (same length). */
static void tamper(unsigned char *xml, size_t len, const char *from, const char *to)
{
	size_t n = strlen(from);
	assert_int_equal(n, strlen(to));
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(xml + i, from, n) == 0) {
			memcpy(xml + i, to, n);
			return;
		}
	}
	fail_msg("'%s' not found", from);
}

static void tampering_is_detected(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char err[512];
	unsigned char *xml = signed_list(f, f->signer, PUBLISHER_ROOTS, 5, now + 86400, &len);
	/* a service name changes: the whole-document reference breaks */
	tamper(xml, len, "DEMO Public CA A1", "DEMO Public CA X1");
	assert_int_equal(check(f, xml, len, 0, err), -1);
	assert_non_null(strstr(err, "does not verify"));
	xmlFree(xml);

	xml = signed_list(f, f->signer, PUBLISHER_ROOTS, 5, now + 86400, &len);
	/* the signing time changes: the SignedProperties reference breaks */
	tamper(xml, len, "<xades:SigningTime>2", "<xades:SigningTime>1");
	assert_int_equal(check(f, xml, len, 0, err), -1);
	assert_non_null(strstr(err, "does not verify"));
	xmlFree(xml);

	xml = signed_list(f, f->signer, PUBLISHER_ROOTS, 5, now + 86400, &len);
	/* the signature is moved out of the root's reach: schema says no */
	tamper(xml, len, "<ds:Signature", "<ds:Signaturf");
	assert_int_equal(check(f, xml, len, 0, err), -1);
	xmlFree(xml);
}

static void wrong_signer_stale_sequence_and_expired_list_are_refused(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char err[512];
	unsigned char *xml = signed_list(f, f->signer, PUBLISHER_FOREIGN, 5, now + 86400, &len);
	assert_int_equal(check(f, xml, len, 5, err), -1);
	assert_non_null(strstr(err, "not greater than the last published 5"));

	EVP_PKEY *other = pf_key("P-256", 0);
	X509 *other_cert = pf_cert(other, "DEMO someone else", 9, NULL, NULL, 0, now - 10, now + 86400);
	assert_int_equal(publisher_self_check(xml, len, other_cert, 0, now, err, sizeof err), -1);
	assert_non_null(strstr(err, "signer-not-pinned"));
	X509_free(other_cert);
	EVP_PKEY_free(other);
	xmlFree(xml);

	xml = signed_list(f, f->signer, PUBLISHER_FOREIGN, 5, now - 1, &len);
	assert_int_equal(check(f, xml, len, 0, err), -1);
	assert_non_null(strstr(err, "list-expired"));
	xmlFree(xml);
}

static void two_signatures_are_refused(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char err[512];
	unsigned char *der = NULL;
	int der_len = i2d_X509(f->signer->cert, &der);
	struct list_params p = {.list = PUBLISHER_POINTER, .sequence = 2, .issued = now,
				.next_update = now + 86400, .base_url = "https://x.vn",
				.signer_der = der, .signer_der_len = (size_t)der_len};
	xmlDocPtr doc = NULL;
	assert_int_equal(list_build(f->snap, &p, &doc, err, sizeof err), 0);
	assert_int_equal(xades_sign(doc, f->signer, now, err, sizeof err), 0);
	/* a second signature over the signed document */
	xmlUnsetProp(xmlDocGetRootElement(doc), BAD_CAST "Id");
	assert_int_equal(xades_sign(doc, f->signer, now, err, sizeof err), -1);
	OPENSSL_free(der);
	xmlChar *out = NULL;
	int n = 0;
	xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
	len = (size_t)n;
	assert_int_equal(check(f, out, len, 0, err), -1);
	xmlFree(out);
	xmlFreeDoc(doc);
}

static int open_generated(const char *dir, EVP_PKEY *key, const char *pass_written,
			  const char *pass_given, const char *digest, struct publisher_signer **s,
			  char *err)
{
	int64_t t = (int64_t)time(NULL);
	X509 *cert = pf_cert(key, "DEMO signer", 5, NULL, NULL, 0, t - 60, t + 86400);
	assert_int_equal(pf_write_signer(dir, "k", key, cert, pass_written), 0);
	X509_free(cert);
	char kp[VNTL_PATH_MAX], cp[VNTL_PATH_MAX];
	snprintf(kp, sizeof kp, "%s/k.key", dir);
	snprintf(cp, sizeof cp, "%s/k.pem", dir);
	return publisher_signer_open_pem(kp, cp, pass_given, digest, s, err, 512);
}

static void weak_keys_and_digests_are_refused(void **state)
{
	struct fixture *f = *state;
	struct publisher_signer *s = NULL;
	char err[512];
	EVP_PKEY *rsa1024 = pf_key(NULL, 1024);
	assert_int_equal(open_generated(f->dir, rsa1024, NULL, NULL, NULL, &s, err), -1);
	assert_non_null(strstr(err, "RSA-1024 is too weak"));
	EVP_PKEY_free(rsa1024);

	EVP_PKEY *k256 = EVP_EC_gen("secp256k1");
	assert_int_equal(open_generated(f->dir, k256, NULL, NULL, NULL, &s, err), -1);
	assert_non_null(strstr(err, "curve 'secp256k1' is not allowed"));
	EVP_PKEY_free(k256);

	EVP_PKEY *p256 = pf_key("P-256", 0);
	assert_int_equal(open_generated(f->dir, p256, NULL, NULL, "sha1", &s, err), -1);
	assert_non_null(strstr(err, "digest 'sha1' is not allowed"));
	/* encrypted key: no passphrase refused, right one accepted */
	assert_int_equal(open_generated(f->dir, p256, "s3cret", NULL, NULL, &s, err), -1);
	assert_non_null(strstr(err, "passphrase"));
	assert_int_equal(open_generated(f->dir, p256, "s3cret", "s3cret", "sha384", &s, err), 0);
	assert_string_equal(s->key_desc, "EC P-256");
	assert_null(s->warning);
	publisher_signer_free(s);
	EVP_PKEY_free(p256);

	/* certificate of another key */
	char kp[VNTL_PATH_MAX], cp[VNTL_PATH_MAX];
	snprintf(kp, sizeof kp, "%s/signer.key", f->dir);
	snprintf(cp, sizeof cp, "%s/k.pem", f->dir);
	assert_int_equal(publisher_signer_open_pem(kp, cp, NULL, NULL, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "does not match"));
}

static void rsa_2048_signs_with_a_warning(void **state)
{
	struct fixture *f = *state;
	struct publisher_signer *s = NULL;
	char err[512];
	EVP_PKEY *rsa = pf_key(NULL, 2048);
	assert_int_equal(open_generated(f->dir, rsa, NULL, NULL, "sha512", &s, err), 0);
	EVP_PKEY_free(rsa);
	assert_non_null(s->warning);
	assert_string_equal(s->key_desc, "RSA-2048");
	size_t len;
	unsigned char *xml = signed_list(f, s, PUBLISHER_POINTER, 1, now + 86400, &len);
	assert_int_equal(publisher_self_check(xml, len, s->cert, 0, now, err, sizeof err), 0);
	assert_non_null(strstr((char *)xml, "rsa-sha512"));
	xmlFree(xml);
	publisher_signer_free(s);
}

static void passphrase_comes_from_file_or_environment(void **state)
{
	struct fixture *f = *state;
	char path[VNTL_PATH_MAX], err[512];
	char *pass = NULL;
	snprintf(path, sizeof path, "%s/pass.txt", f->dir);
	write_file(path, (const unsigned char *)"from-file\n", 10);
	setenv("VNTL_TEST_PASS", "from-env", 1);
	assert_int_equal(publisher_read_passphrase(path, "VNTL_TEST_PASS", &pass, err, sizeof err), 0);
	assert_string_equal(pass, "from-file");
	publisher_passphrase_free(pass);
	assert_int_equal(publisher_read_passphrase(NULL, "VNTL_TEST_PASS", &pass, err, sizeof err), 0);
	assert_string_equal(pass, "from-env");
	publisher_passphrase_free(pass);
	unsetenv("VNTL_TEST_PASS");
	assert_int_equal(publisher_read_passphrase(NULL, "VNTL_TEST_PASS", &pass, err, sizeof err), 0);
	assert_null(pass);
	assert_int_equal(publisher_read_passphrase("/nonexistent/p", NULL, &pass, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/p"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_lists_pass_self_check_xmlsec1_and_official_schema),
		cmocka_unit_test(tampering_is_detected),
		cmocka_unit_test(wrong_signer_stale_sequence_and_expired_list_are_refused),
		cmocka_unit_test(two_signatures_are_refused),
		cmocka_unit_test(weak_keys_and_digests_are_refused),
		cmocka_unit_test(rsa_2048_signs_with_a_warning),
		cmocka_unit_test(passphrase_comes_from_file_or_environment),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
