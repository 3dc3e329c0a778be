/* A certificate read from its DER without d2i_X509 (libvntl 4.2:
 * vntl_cert_subject_hash, the anchor iterator that does not decode, and
 * its accessors): the subject name hash is the one OpenSSL gives the
 * decoded certificate, for the real Vietnamese CAs, the demo PKI and
 * PKITS; a DER that d2i_X509 refuses is refused too (never weaker). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests/lib/test_files.h"
#include "vntl.h"

static void shared_path(char *out, size_t len, const char *rel)
{
	const char *s = getenv("VNTL_SHARED");
	snprintf(out, len, "%s/%s", s ? s : "../shared", rel);
}

/* The hash libvntl reads from der equals OpenSSL's for the decoded
 * certificate; 1 when der decodes at all. */
static int check_one(const unsigned char *der, size_t len, const char *what)
{
	const unsigned char *p = der;
	X509 *cert = d2i_X509(NULL, &p, (long)len);
	if (!cert || p != der + len) {
		X509_free(cert);
		return 0;
	}
	unsigned long hash = 0;
	vntl_error err;
	if (vntl_cert_subject_hash(der, len, &hash, &err) != VNTL_OK)
		fail_msg("%s: %s", what, err.reason);
	if (hash != X509_subject_name_hash(cert))
		fail_msg("%s: hash %08lx, OpenSSL says %08lx", what, hash, X509_subject_name_hash(cert));
	X509_free(cert);
	return 1;
}

/* Every certificate of the PEM file path; how many. */
static size_t check_pem_file(const char *path)
{
	BIO *bio = BIO_new_file(path, "r");
	assert_non_null(bio);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long len = 0;
	size_t n = 0;
	while (PEM_read_bio(bio, &name, &header, &der, &len) == 1) {
		if (strcmp(name, PEM_STRING_X509) == 0)
			n += (size_t)check_one(der, (size_t)len, path);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
	}
	BIO_free(bio);
	return n;
}

/* Every file of dir whose name ends with suffix, PEM or DER; how many
 * certificates. */
static size_t check_dir(const char *dir, const char *suffix, int pem)
{
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("%s: cannot read it", dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t l = strlen(e->d_name);
		if (l < strlen(suffix) || strcmp(e->d_name + l - strlen(suffix), suffix) != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (pem) {
			n += check_pem_file(path);
		} else {
			size_t len = 0;
			unsigned char *der = tf_read_file(path, &len);
			n += (size_t)check_one(der, len, path);
			free(der);
		}
	}
	closedir(d);
	return n;
}

static void subject_hash_is_openssls_for_real_certificates(void **state)
{
	(void)state;
	char dir[4096];
	shared_path(dir, sizeof dir, "vn-pki/pem");
	assert_true(check_dir(dir, ".pem", 1) >= 20);
	shared_path(dir, sizeof dir, "pkits/certs");
	assert_true(check_dir(dir, ".crt", 0) >= 300);

	char tmp[] = "/tmp/vntl-der-pki.XXXXXX", cmd[8192];
	assert_non_null(mkdtemp(tmp));
	const char *src = getenv("VNTL_SRC");
	snprintf(cmd, sizeof cmd, "sh '%s/scripts/demo-pki.sh' '%s/pki' >/dev/null 2>&1", src ? src : ".", tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(dir, sizeof dir, "%s/pki", tmp);
	assert_true(check_dir(dir, ".pem", 1) >= 7);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	assert_int_equal(system(cmd), 0);
}

/* One byte of a real certificate changed at a time, and every truncation:
 * whatever vntl_cert_subject_hash accepts, d2i_X509 accepts too, with the
 * same hash (check_one fails the test otherwise). */
static void a_der_that_does_not_decode_is_refused(void **state)
{
	(void)state;
	char path[4096];
	shared_path(path, sizeof path, "vn-pki/pem/ca-ca2-2024.pem");
	size_t len = 0;
	unsigned char *der = tf_pem_cert_der(path, &len);
	unsigned char *copy = malloc(len);
	assert_non_null(copy);
	unsigned long hash;
	vntl_error err;
	size_t accepted = 0, refused = 0;
	for (size_t i = 0; i < len; i++) {
		static const unsigned char flips[] = { 0x01, 0x20, 0x80, 0xff };
		for (size_t f = 0; f < sizeof flips; f++) {
			memcpy(copy, der, len);
			copy[i] ^= flips[f];
			if (vntl_cert_subject_hash(copy, len, &hash, &err) != VNTL_OK) {
				refused++;
				continue;
			}
			if (!check_one(copy, len, "a changed byte"))
				fail_msg("byte %zu ^ %02x: libvntl reads a certificate d2i_X509 refuses", i, flips[f]);
			accepted++;
		}
		assert_int_not_equal(vntl_cert_subject_hash(der, i, &hash, &err), VNTL_OK);
		assert_string_equal(err.rule, "certificate-malformed");
	}
	assert_true(accepted > 0 && refused > 0);
	assert_int_equal(vntl_cert_subject_hash(NULL, 0, &hash, &err), VNTL_ERR_USAGE);
	free(copy);
	OPENSSL_free(der);
}

/* Sweden's 2026 list: both iterators give the same anchors, the one that
 * does not decode without an X509 but with the same DER, hash and dates. */
static void both_iterators_give_the_same_anchors(void **state)
{
	(void)state;
	char pin[4096], xsd[4096], list[4096];
	shared_path(pin, sizeof pin, "tl/samples/pins/tl-se-2026-signer.pem");
	shared_path(xsd, sizeof xsd, "tl/xsd/19612-libxml2.xsd");
	shared_path(list, sizeof list, "tl/samples/tl-se-2026.xml");
	vntl_ctx *ctx;
	vntl_error err;
	vntl_list_info info = { .size = sizeof info };
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_set_schema(ctx, xsd, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, pin, &err), VNTL_OK);
	vntl_ctx_set_list_time(ctx, 1789000000);
	assert_int_equal(vntl_ctx_load_list(ctx, list, &info, &err), VNTL_OK);

	vntl_anchor_iter *der_it, *x509_it;
	assert_int_equal(vntl_anchor_iter_new_der(NULL, 0, 0, &der_it, &err), VNTL_ERR_USAGE);
	assert_int_equal(vntl_anchor_iter_new_der(ctx, 1789000000, 0, &der_it, &err), VNTL_OK);
	assert_int_equal(vntl_anchor_iter_new(ctx, 1789000000, 0, &x509_it, &err), VNTL_OK);
	size_t n = 0;
	for (const vntl_anchor *a; (a = vntl_anchor_iter_next(der_it)) != NULL; n++) {
		const vntl_anchor *b = vntl_anchor_iter_next(x509_it);
		assert_non_null(b);
		assert_null(vntl_anchor_cert(a));
		X509 *cert = vntl_anchor_cert(b);
		assert_non_null(cert);
		assert_string_equal(vntl_anchor_sha256(a), vntl_anchor_sha256(b));
		size_t len_a = 0, len_b = 0;
		const unsigned char *der_a = vntl_anchor_der(a, &len_a), *der_b = vntl_anchor_der(b, &len_b);
		unsigned char *encoded = NULL;
		int len = i2d_X509(cert, &encoded);
		assert_true(len > 0 && (size_t)len == len_a && len_a == len_b);
		assert_memory_equal(der_a, encoded, len_a);
		assert_memory_equal(der_b, encoded, len_b);
		OPENSSL_free(encoded);
		assert_int_equal(vntl_anchor_subject_hash(a), X509_subject_name_hash(cert));
		assert_int_equal(vntl_anchor_subject_hash(b), X509_subject_name_hash(cert));
		time_t nb_a, na_a, nb_b, na_b;
		assert_int_equal(vntl_anchor_validity(a, &nb_a, &na_a), 0);
		assert_int_equal(vntl_anchor_validity(b, &nb_b, &na_b), 0);
		assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert), nb_a), 0);
		assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), na_a), 0);
		assert_int_equal(nb_a, nb_b);
		assert_int_equal(na_a, na_b);
		assert_string_equal(vntl_anchor_status(a), vntl_anchor_status(b));
	}
	assert_null(vntl_anchor_iter_next(x509_it));
	assert_true(n > 0);
	assert_null(vntl_anchor_der(NULL, NULL));
	assert_int_equal(vntl_anchor_validity(NULL, NULL, NULL), -1);
	vntl_anchor_iter_free(der_it);
	vntl_anchor_iter_free(x509_it);
	vntl_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subject_hash_is_openssls_for_real_certificates),
		cmocka_unit_test(a_der_that_does_not_decode_is_refused),
		cmocka_unit_test(both_iterators_give_the_same_anchors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
