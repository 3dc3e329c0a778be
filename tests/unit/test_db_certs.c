/* Certificate parsing and the import rules, on Vietnam's real certificates. */
#include <stdarg.h>
#include "common/rfc3339.h"
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/registry.h"
#include "tests/lib/db_certgen.h"
#include "tests/lib/db_fixture.h"

static unsigned char *pki(const char *rel, size_t *len)
{
	char path[4096];
	db_fixture_pki(rel, path, sizeof path);
	return db_fixture_read(path, len);
}

static size_t parse_count(const char *rel)
{
	size_t len;
	unsigned char *d = pki(rel, &len);
	struct db_cert_bundle b;
	char err[512];
	int rc = db_cert_parse(d, len, rel, &b, err, sizeof err);
	free(d);
	if (rc)
		fail_msg("%s: %s", rel, err);
	size_t n = b.count;
	db_cert_bundle_free(&b);
	return n;
}

static int parse_bytes(const unsigned char *d, size_t len, char *err, size_t errlen)
{
	struct db_cert_bundle b;
	int rc = db_cert_parse(d, len, "input", &b, err, errlen);
	db_cert_bundle_free(&b);
	return rc;
}

static void reads_every_format_neac_distributes(void **state)
{
	(void)state;
	assert_int_equal(parse_count("rootca-p7b/BkavCA_RS.p7b"), 2);       /* BER PKCS#7 */
	assert_int_equal(parse_count("rootca-p7b/MISA-CA_RS2026.p7b"), 2);  /* PEM-armoured PKCS#7 */
	assert_int_equal(parse_count("rootca-p7b/micnrca.crt"), 1);         /* bare DER */
	assert_int_equal(parse_count("rootca-p7b/vnrca256.crt"), 1);
	assert_int_equal(parse_count("pem/ca-misa-ca-rs-2026.pem"), 1);     /* PEM certificate */
}

static void every_real_p7b_parses(void **state)
{
	(void)state;
	const char *files[] = {"CA2_RS.p7b", "CMC-CA.p7b", "E-CA.p7b", "FPT_SHA256_2025.p7b", "I-CA.p7b",
			       "MKCARS.p7b", "MKCAUSBTOKEN.p7b", "ONE-CA_SHA-256-V2.p7b", "VNPT_SmartCA_RS2026.p7b",
			       "Viettel-CA_RS_2026.p7b", "vnca-erd.p7b", "vnrca-g3.p7b", "vnrca-rs.p7b", "WINCA.p7b"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "rootca-p7b/%s", files[i]);
		assert_true(parse_count(rel) >= 1);
	}
}

static void pem_bundle_yields_each_certificate(void **state)
{
	(void)state;
	size_t a, b, c;
	unsigned char *x = pki("pem/ca-misa-ca-rs-2026.pem", &a), *y = pki("pem/ca-cmc-ca-2025.pem", &b),
		      *z = pki("pem/root-neac-vnrca-rs-2025.pem", &c);
	unsigned char *all = malloc(a + b + c);
	memcpy(all, x, a);
	memcpy(all + a, y, b);
	memcpy(all + a + b, z, c);
	struct db_cert_bundle bundle;
	char err[512];
	assert_int_equal(db_cert_parse(all, a + b + c, "bundle", &bundle, err, sizeof err), 0);
	assert_int_equal(bundle.count, 3);
	assert_string_equal(bundle.certs[0].sha256, "626bc107f65eb15bb1e456a1db71853e0bb36ca754a3273e84276f1987aeb010");
	assert_string_equal(bundle.certs[1].common_name, "CMC-CA");
	assert_true(bundle.certs[2].self_signed);
	assert_string_equal(bundle.certs[2].key_type, "RSA");
	assert_int_equal(bundle.certs[2].key_bits, 4096);
	db_cert_bundle_free(&bundle);
	free(x);
	free(y);
	free(z);
	free(all);
}

static void truncated_garbage_and_non_certificates_are_named(void **state)
{
	(void)state;
	char err[512];
	size_t len;
	unsigned char *p7 = pki("rootca-p7b/BkavCA_RS.p7b", &len);
	assert_int_equal(parse_bytes(p7, len / 2, err, sizeof err), 1);
	assert_non_null(strstr(err, "truncated"));
	unsigned char *der = pki("rootca-p7b/micnrca.crt", &len);
	assert_int_equal(parse_bytes(der, len - 10, err, sizeof err), 1);
	assert_non_null(strstr(err, "truncated"));
	unsigned char *more = malloc(len + 7);
	memcpy(more, der, len);
	memcpy(more + len, "garbage", 7);
	assert_int_equal(parse_bytes(more, len + 7, err, sizeof err), 1);
	assert_non_null(strstr(err, "trailing garbage"));
	size_t plen;
	unsigned char *pem = pki("pem/ca-cmc-ca-2025.pem", &plen);
	unsigned char *pem_more = malloc(plen + 12);
	memcpy(pem_more, pem, plen);
	memcpy(pem_more + plen, "\nnot base64\n", 12);
	assert_int_equal(parse_bytes(pem_more, plen + 12, err, sizeof err), 1);
	assert_non_null(strstr(err, "trailing garbage"));
	assert_int_equal(parse_bytes(pem, plen - 40, err, sizeof err), 1);
	assert_non_null(strstr(err, "truncated"));
	const char *text = "hello, this is a letter, not a certificate\n";
	assert_int_equal(parse_bytes((const unsigned char *)text, strlen(text), err, sizeof err), 1);
	assert_non_null(strstr(err, "not a certificate"));
	const char *key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	assert_int_equal(parse_bytes((const unsigned char *)key, strlen(key), err, sizeof err), 1);
	assert_non_null(strstr(err, "not a certificate"));
	assert_int_equal(parse_bytes((const unsigned char *)"", 0, err, sizeof err), 1);
	free(p7);
	free(der);
	free(more);
	free(pem);
	free(pem_more);
}

static int policy_of(const unsigned char *d, size_t len, const char *type, char *err, size_t errlen)
{
	struct db_cert_bundle b;
	assert_int_equal(db_cert_parse(d, len, "t", &b, err, errlen), 0);
	int rc = db_cert_check_policy(&b.certs[0], type, err, errlen);
	db_cert_bundle_free(&b);
	return rc;
}

static void algorithm_rules_of_annex_i(void **state)
{
	(void)state;
	char err[512];
	size_t len;
	unsigned char *d = pki("rootca-p7b/micnrca.crt", &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "SHA-1"));
	assert_non_null(strstr(err, "MIC National Root CA"));
	free(d);
	d = db_certgen(DB_CERTGEN_RSA1024, "SHA256", 1, "Weak RSA", NULL, 0, &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "1024 bits"));
	free(d);
	d = db_certgen(DB_CERTGEN_P224, "SHA256", 1, "Small EC", NULL, 0, &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "EC key of 224 bits"));
	free(d);
	d = db_certgen(DB_CERTGEN_P256, "SHA384", 1, "Good EC", NULL, 0, &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 0);
	free(d);
	d = db_certgen(DB_CERTGEN_RSA2048, "SHA3-256", 1, "Good SHA3", NULL, 0, &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 0);
	free(d);
	d = db_certgen(DB_CERTGEN_RSA2048, "MD5", 1, "MD5 signed", NULL, 0, &len);
	assert_non_null(d);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "MD5"));
	free(d);
	d = db_certgen(DB_CERTGEN_RSA2048, "SHA256", 0, "Not a CA", NULL, 0, &len);
	assert_int_equal(policy_of(d, len, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "basicConstraints CA:TRUE"));
	free(d);
}

static void tsa_certificate_is_no_ca_but_may_be_a_tsa_service(void **state)
{
	(void)state;
	char err[512];
	size_t len;
	unsigned char *d = pki("pem/ca-viettel-ca-timestamping-2024.pem", &len);
	assert_int_equal(policy_of(d, len, DB_SVCTYPE_CA_PKC, err, sizeof err), 1);
	assert_non_null(strstr(err, "Viettel-CA Timestamping"));
	assert_non_null(strstr(err, "CA:TRUE"));
	assert_int_equal(policy_of(d, len, "http://uri.etsi.org/TrstSvc/Svctype/TSA", err, sizeof err), 0);
	free(d);
}

static long long count(const char *db_name, const char *sql)
{
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", db_name);
	return db_fixture_sql_int(path, sql);
}

static int import_bytes(struct db *db, int64_t tsp, const unsigned char *d, size_t len, const char *confirm,
			struct db_import_report *r, char *err, size_t errlen)
{
	struct db_import_options o = {.tsp_id = tsp, .actor = "olga", .decision_ref = "QĐ 7/TEST",
				      .confirm_lookalike = confirm, .effective = DB_FIXTURE_DECISION_DATE};
	return db_cert_import(db, d, len, "test", &o, r, err, errlen);
}

static void public_ca_p7b_adds_the_ca_and_skips_the_root(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("p7b.db");
	db_fixture_import(db, 1, "rootca-p7b/vnrca-rs.p7b");
	size_t len;
	unsigned char *d = pki("rootca-p7b/MISA-CA_RS2026.p7b", &len);
	struct db_import_report r;
	char err[512];
	assert_int_equal(import_bytes(db, 2, d, len, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r.count, 2);
	int added = 0, present = 0;
	for (size_t i = 0; i < r.count; i++) {
		added += r.items[i].outcome == DB_IMPORT_ADDED;
		present += r.items[i].outcome == DB_IMPORT_ALREADY_PRESENT; /* the root, registered under NEAC */
	}
	assert_int_equal(added, 1);
	assert_int_equal(present, 1);
	db_import_report_free(&r);
	long long audits = count("p7b.db", "SELECT count(*) FROM audit");
	assert_int_equal(import_bytes(db, 2, d, len, NULL, &r, err, sizeof err), 0);
	assert_int_equal(r.items[0].outcome == DB_IMPORT_ALREADY_PRESENT || r.items[1].outcome == DB_IMPORT_ALREADY_PRESENT, 1);
	db_import_report_free(&r);
	assert_int_equal(count("p7b.db", "SELECT count(*) FROM cert"), 2);
	assert_int_equal(count("p7b.db", "SELECT count(*) FROM audit"), audits);
	assert_int_equal(count("p7b.db", "SELECT status FROM service WHERE tsp_id = 2"), DB_STATUS_GRANTED);
	assert_int_equal(count("p7b.db", "SELECT count(*) FROM status_history"), 2);
	free(d);
	db_close(db);
}

static void rejected_bundle_imports_nothing(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("allornothing.db");
	size_t a, b;
	unsigned char *good = pki("pem/root-neac-vnrca-rs-2025.pem", &a), *sha1 = pki("pem/root-vgca-g1-2010.pem", &b);
	unsigned char *all = malloc(a + b);
	memcpy(all, good, a);
	memcpy(all + a, sha1, b);
	struct db_import_report r;
	char err[512];
	assert_int_equal(import_bytes(db, 1, all, a + b, NULL, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "SHA-1"));
	assert_int_equal(r.count, 0);
	assert_int_equal(count("allornothing.db", "SELECT count(*) FROM cert"), 0);
	assert_int_equal(count("allornothing.db", "SELECT count(*) FROM service"), 0);
	assert_int_equal(count("allornothing.db", "SELECT count(*) FROM audit WHERE action = 'cert.import'"), 0);
	free(good);
	free(sha1);
	free(all);
	db_close(db);
}

static void subject_normalisation_sees_the_mic_lookalike(void **state)
{
	(void)state;
	size_t a, b;
	unsigned char *real = pki("pem/root-neac-mic-national-root-ca-2008-sha1.pem", &a);
	unsigned char *fake = pki("pem/test-lookalike-fpt-uat-mic-national-root-ca-2019.pem", &b);
	struct db_cert_bundle x, y;
	char err[512];
	assert_int_equal(db_cert_parse(real, a, "real", &x, err, sizeof err), 0);
	assert_int_equal(db_cert_parse(fake, b, "fake", &y, err, sizeof err), 0);
	assert_string_equal(x.certs[0].subject_norm, y.certs[0].subject_norm);
	assert_string_not_equal(x.certs[0].spki_sha256, y.certs[0].spki_sha256);
	assert_string_not_equal(x.certs[0].subject, y.certs[0].subject);
	db_cert_bundle_free(&x);
	db_cert_bundle_free(&y);
	free(real);
	free(fake);
}

static void lookalike_is_refused_unless_confirmed(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("lookalike.db");
	size_t len, flen;
	unsigned char *root = pki("rootca-p7b/vnrca256.crt", &len);
	struct db_import_report r;
	char err[1024];
	assert_int_equal(import_bytes(db, 1, root, len, NULL, &r, err, sizeof err), 0);
	db_import_report_free(&r);
	/* Same subject as "Vietnam National Root CA", reversed and UTF8String, another key. */
	unsigned char *fake = db_certgen(DB_CERTGEN_RSA2048, "SHA256", 1, NULL, root, len, &flen);
	struct db_cert_bundle b;
	assert_int_equal(db_cert_parse(fake, flen, "fake", &b, err, sizeof err), 0);
	char fake_sha[65];
	memcpy(fake_sha, b.certs[0].sha256, 65);
	db_cert_bundle_free(&b);
	assert_int_equal(import_bytes(db, 1, fake, flen, NULL, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "look-alike"));
	assert_non_null(strstr(err, "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7"));
	assert_non_null(strstr(err, fake_sha));
	assert_int_equal(count("lookalike.db", "SELECT count(*) FROM cert"), 1);
	/* Confirming another fingerprint does not count. */
	assert_int_equal(import_bytes(db, 1, fake, flen, "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7",
				      &r, err, sizeof err), 1);
	assert_int_equal(import_bytes(db, 1, fake, flen, fake_sha, &r, err, sizeof err), 0);
	assert_string_equal(r.items[0].lookalike_of, "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7");
	db_import_report_free(&r);
	assert_int_equal(count("lookalike.db", "SELECT count(*) FROM cert"), 2);
	assert_int_equal(count("lookalike.db", "SELECT count(*) FROM audit WHERE detail LIKE '%lookalike_of_confirmed%'"), 1);
	free(root);
	free(fake);
	db_close(db);
}

/* A subject that only looks like a registered one (Vietnamese without its
 * diacritics, Cyrillic o, a dash for a space) is refused in either order. */
static void confusable_subject_is_refused_in_either_order(void **state)
{
	(void)state;
	const char *genuine = "Trung tâm Chứng thực NEAC Root", *confusable = "Trung tam Chung-thuc NEAC R\xD0\xBEot";
	const char *orders[2][2] = {{genuine, confusable}, {confusable, genuine}};
	for (int i = 0; i < 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "confusable%d.db", i);
		struct db *db = db_fixture_registry(name);
		size_t l1, l2, l3;
		unsigned char *first = db_certgen(DB_CERTGEN_P256, "SHA256", 1, orders[i][0], NULL, 0, &l1);
		unsigned char *second = db_certgen(DB_CERTGEN_P256, "SHA256", 1, orders[i][1], NULL, 0, &l2);
		unsigned char *other = db_certgen(DB_CERTGEN_P256, "SHA256", 1, "Trung tam NEAC Root 2", NULL, 0, &l3);
		struct db_import_report r;
		char err[1024];
		assert_int_equal(import_bytes(db, 1, first, l1, NULL, &r, err, sizeof err), 0);
		db_import_report_free(&r);
		assert_int_equal(import_bytes(db, 1, second, l2, NULL, &r, err, sizeof err), 1);
		assert_non_null(strstr(err, "a subject that looks the same"));
		assert_non_null(strstr(err, orders[i][0]));
		assert_int_equal(count(name, "SELECT count(*) FROM cert"), 1);
		assert_int_equal(import_bytes(db, 1, other, l3, NULL, &r, err, sizeof err), 0);
		db_import_report_free(&r);
		free(first);
		free(second);
		free(other);
		db_close(db);
	}
}

/* Issue 9 item 5: a public CA's certificate must chain to a national root
 * the registry already holds; the message names the missing issuer. */
static void public_ca_needs_its_root_registered_first(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("chain.db");
	size_t len;
	unsigned char *d = pki("rootca-p7b/MISA-CA_RS2026.p7b", &len);
	struct db_import_report r;
	char err[1024];
	/* the root bundled in the .p7b is skipped, so it does not count */
	assert_int_equal(import_bytes(db, 2, d, len, NULL, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "CN=MISA-CA RS,"));
	assert_non_null(strstr(err, "VIETNAM NATIONAL ROOT CA - RS"));
	assert_non_null(strstr(err, "not a root in the registry"));
	assert_int_equal(count("chain.db", "SELECT count(*) FROM cert"), 0);
	/* another root does not do either: the signature must verify with the issuer's key */
	db_fixture_import(db, 1, "rootca-p7b/vnrca256.crt");
	assert_int_equal(import_bytes(db, 2, d, len, NULL, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "VIETNAM NATIONAL ROOT CA - RS"));
	db_fixture_import(db, 1, "rootca-p7b/vnrca-rs.p7b");
	assert_int_equal(import_bytes(db, 2, d, len, NULL, &r, err, sizeof err), 0);
	db_import_report_free(&r);
	/* a foreign certificate needs no Vietnamese root */
	unsigned char *cmc = pki("pem/ca-cmc-ca-2025.pem", &len);
	assert_int_equal(import_bytes(db, 3, cmc, len, NULL, &r, err, sizeof err), 0);
	db_import_report_free(&r);
	free(cmc);
	free(d);
	db_close(db);
}

static int import_with(struct db *db, const char *rel, const struct db_import_options *o, char *err, size_t errlen)
{
	size_t len;
	unsigned char *d = pki(rel, &len);
	struct db_import_report r;
	int rc = db_cert_import(db, d, len, rel, o, &r, err, errlen);
	if (rc == 0)
		db_import_report_free(&r);
	free(d);
	return rc;
}

/* The fake "MIC National Root CA" of FPT's UAT kit, filed under a public CA:
 * refused as self-signed unless confirmed by its SHA-256; its FPT CA (expired
 * 2025, issued by the fake root) is refused whatever the flags. */
static void fpt_uat_lookalikes_are_refused_under_a_public_ca(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("fptuat.db");
	db_fixture_import(db, 1, "rootca-p7b/vnrca256.crt");
	struct db_import_options o = {.tsp_id = 2, .actor = "olga", .decision_ref = "GP 1/FPT",
				      .effective = DB_FIXTURE_DECISION_DATE};
	char err[1024];
	const char *root = "pem/test-lookalike-fpt-uat-mic-national-root-ca-2019.pem";
	assert_int_equal(import_with(db, root, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "self-signed"));
	assert_non_null(strstr(err, "MIC National Root CA"));
	assert_non_null(strstr(err, "--confirm-self-signed"));
	o.confirm_self_signed = "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7"; /* not its own */
	assert_int_equal(import_with(db, root, &o, err, sizeof err), 1);
	o.confirm_self_signed = NULL;
	const char *ca = "pem/test-lookalike-fpt-uat-fpt-ca-2020.pem";
	assert_int_equal(import_with(db, ca, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "MIC National Root CA"));
	assert_non_null(strstr(err, "expired at 2025-05-02T13:27:38Z"));
	o.history = 1;
	assert_int_equal(import_with(db, ca, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "not a root in the registry"));
	assert_int_equal(count("fptuat.db", "SELECT count(*) FROM cert"), 1);
	/* the genuine public CAs NEAC issued import fine */
	o.history = 0;
	assert_int_equal(import_with(db, "pem/ca-misa-ca-sha256-2024.pem", &o, err, sizeof err), 0);
	assert_int_equal(import_with(db, "rootca-p7b/FPT_SHA256_2025.p7b", &o, err, sizeof err), 0);
	assert_int_equal(count("fptuat.db", "SELECT count(*) FROM cert"), 3);
	db_close(db);
}

static void self_signed_under_a_public_ca_needs_confirmation(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("selfsigned.db");
	size_t len;
	unsigned char *d = db_certgen(DB_CERTGEN_P256, "SHA256", 1, "Private Root of a Public CA", NULL, 0, &len);
	struct db_cert_bundle b;
	char err[1024];
	assert_int_equal(db_cert_parse(d, len, "x", &b, err, sizeof err), 0);
	struct db_import_options o = {.tsp_id = 2, .actor = "olga", .decision_ref = "GP 9",
				      .effective = DB_FIXTURE_DECISION_DATE};
	struct db_import_report r;
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, b.certs[0].sha256));
	o.confirm_self_signed = b.certs[0].sha256;
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 0);
	db_import_report_free(&r);
	assert_int_equal(count("selfsigned.db", "SELECT count(*) FROM audit WHERE detail LIKE '%self_signed_confirmed%'"), 1);
	db_cert_bundle_free(&b);
	free(d);
	db_close(db);
}

/* NEAC's sub-CAs chain to its EMA root, which comes after them in the .p7b. */
static void neac_bundle_brings_its_own_root(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("erd.db");
	struct db_import_options o = {.tsp_id = 1, .actor = "olga", .decision_ref = "QĐ 2/NEAC",
				      .effective = DB_FIXTURE_DECISION_DATE};
	char err[1024];
	assert_int_equal(import_with(db, "pem/sub-neac-vnca-erd-2026.pem", &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "VIETNAM NATIONAL ROOT CA - EMA"));
	assert_int_equal(import_with(db, "rootca-p7b/vnca-erd.p7b", &o, err, sizeof err), 0);
	assert_int_equal(count("erd.db", "SELECT count(*) FROM cert"), 2);
	/* a government CA's sub-CA without its root */
	assert_int_equal(import_with(db, "pem/sub-vgca-g2-ca-co-quan-nha-nuoc-2018.pem", &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "RootCA chuyên dùng Chính phủ G2"));
	db_close(db);
}

/* Issue 9 items 5 and 6: an expired certificate only as history, its
 * timeline from the decision date, withdrawn since if it was. */
static void expired_certificate_is_imported_only_as_history(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("history.db");
	struct db_import_options o = {.tsp_id = 1, .actor = "olga", .decision_ref = "QĐ 1/NEAC 2014"};
	char err[1024];
	const char *root = "rootca-p7b/vnrca256.crt";
	assert_int_equal(import_with(db, root, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "--effective"));
	assert_int_equal(rfc3339_parse_input("2014-04-15", &o.effective), 0);
	assert_int_equal(import_with(db, root, &o, err, sizeof err), 0);
	struct db_cert_row row;
	assert_int_equal(db_cert_show(db, "bac8bf60", &row, err, sizeof err), 0);
	assert_int_equal(row.timeline_count, 1);
	assert_int_equal(row.timeline[0].effective, 1397520000); /* 2014-04-15T00:00:00Z */
	db_cert_row_clear(&row);

	const char *expired = "pem/ca-trustca-qualified-timestamping-ca-2021.pem";
	o.tsp_id = 2;
	o.decision_ref = "GP 3/TrustCA";
	assert_int_equal(rfc3339_parse_input("2021-03-10", &o.effective), 0);
	assert_int_equal(import_with(db, expired, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "expired at 2026-03-03T09:22:35Z"));
	assert_non_null(strstr(err, "--history"));
	o.history = 1;
	assert_int_equal(rfc3339_parse_input("2020-01-01", &o.withdrawn_at), 0); /* before the decision */
	assert_int_equal(import_with(db, expired, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "--withdrawn-at 2020-01-01T00:00:00Z"));
	o.withdrawn_at = db_now() + 86400;
	assert_int_equal(import_with(db, expired, &o, err, sizeof err), 1);
	assert_non_null(strstr(err, "future"));
	assert_int_equal(count("history.db", "SELECT count(*) FROM cert"), 1);
	assert_int_equal(rfc3339_parse_input("2026-03-03T16:22:35+07:00", &o.withdrawn_at), 0);
	assert_int_equal(import_with(db, expired, &o, err, sizeof err), 0);
	assert_int_equal(db_cert_show(db, "2", &row, err, sizeof err), 0);
	assert_int_equal(row.timeline_count, 2);
	assert_int_equal(row.timeline[0].status, DB_STATUS_GRANTED);
	assert_int_equal(row.timeline[0].effective, 1615334400); /* 2021-03-10T00:00:00Z */
	assert_int_equal(row.timeline[1].status, DB_STATUS_WITHDRAWN);
	assert_int_equal(row.timeline[1].effective, 1772529755); /* 2026-03-03T09:22:35Z */
	assert_int_equal(row.status_now, DB_STATUS_WITHDRAWN);
	db_cert_row_clear(&row);
	assert_int_equal(count("history.db", "SELECT count(*) FROM audit WHERE detail LIKE '%\"history\":true%'"), 1);
	db_close(db);
}

static void import_needs_an_officer_and_a_decision(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("import-rules.db");
	size_t len;
	unsigned char *d = pki("rootca-p7b/vnrca256.crt", &len);
	struct db_import_report r;
	char err[512];
	struct db_import_options o = {.tsp_id = 1, .actor = "anh", .decision_ref = "QĐ 1",
				      .effective = DB_FIXTURE_DECISION_DATE};
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "officer"));
	o.actor = "olga";
	o.decision_ref = NULL;
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "--decision"));
	o.decision_ref = "QĐ 1";
	o.tsp_id = 77;
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "no TSP"));
	o.tsp_id = 1;
	o.service_type = "urn:nonsense";
	assert_int_equal(db_cert_import(db, d, len, "x", &o, &r, err, sizeof err), 1);
	assert_int_equal(count("import-rules.db", "SELECT count(*) FROM cert"), 0);
	free(d);
	db_close(db);
}

static void foreign_import_starts_recognised_and_lists(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("foreign.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	assert_true(sid > 0);
	struct db_cert_row *rows;
	size_t n;
	char err[512];
	assert_int_equal(db_cert_list(db, 3, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].status_now, DB_STATUS_RECOGNISED);
	assert_string_equal(rows[0].type_uri, DB_SVCTYPE_CA_PKC);
	db_cert_rows_free(rows, n);
	struct db_cert_row row;
	assert_int_equal(db_cert_show(db, "be9f0535", &row, err, sizeof err), 0);
	assert_int_equal(row.service_id, sid);
	assert_int_equal(row.timeline_count, 1);
	assert_string_equal(row.timeline[0].decision_ref, "QĐ 1/TEST");
	db_cert_row_clear(&row);
	assert_int_equal(db_cert_show(db, "ffffffff", &row, err, sizeof err), 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_every_format_neac_distributes),
		cmocka_unit_test(every_real_p7b_parses),
		cmocka_unit_test(pem_bundle_yields_each_certificate),
		cmocka_unit_test(truncated_garbage_and_non_certificates_are_named),
		cmocka_unit_test(algorithm_rules_of_annex_i),
		cmocka_unit_test(tsa_certificate_is_no_ca_but_may_be_a_tsa_service),
		cmocka_unit_test(public_ca_p7b_adds_the_ca_and_skips_the_root),
		cmocka_unit_test(rejected_bundle_imports_nothing),
		cmocka_unit_test(subject_normalisation_sees_the_mic_lookalike),
		cmocka_unit_test(lookalike_is_refused_unless_confirmed),
		cmocka_unit_test(confusable_subject_is_refused_in_either_order),
		cmocka_unit_test(import_needs_an_officer_and_a_decision),
		cmocka_unit_test(public_ca_needs_its_root_registered_first),
		cmocka_unit_test(fpt_uat_lookalikes_are_refused_under_a_public_ca),
		cmocka_unit_test(self_signed_under_a_public_ca_needs_confirmation),
		cmocka_unit_test(neac_bundle_brings_its_own_root),
		cmocka_unit_test(expired_certificate_is_imported_only_as_history),
		cmocka_unit_test(foreign_import_starts_recognised_and_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
