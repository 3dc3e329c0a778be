/* Test helpers for the publisher (see publisher_fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "common/sizes.h"
#include "publisher/certinfo.h"

#include "common/hex.h"
#include "publisher/signer.h"
#include "tests/lib/publisher_fixture.h"

EVP_PKEY *pf_key(const char *curve, int bits)
{
	if (curve)
		return EVP_EC_gen(curve);
	return EVP_RSA_gen((unsigned)bits);
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext) {
		X509_add_ext(cert, ext, -1);
		X509_EXTENSION_free(ext);
	}
}

X509 *pf_cert(EVP_PKEY *key, const char *cn, long serial, X509 *issuer, EVP_PKEY *issuer_key,
	      int is_ca, int64_t not_before, int64_t not_after)
{
	X509 *cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
	X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"VN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
				   (const unsigned char *)"DEMO vntl tests", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
	ASN1_TIME_set(X509_getm_notBefore(cert), (time_t)not_before);
	ASN1_TIME_set(X509_getm_notAfter(cert), (time_t)not_after);
	X509_set_pubkey(cert, key);
	add_ext(cert, issuer, NID_subject_key_identifier, "hash");
	if (is_ca) {
		add_ext(cert, issuer, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
		add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature,nonRepudiation");
	}
	X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
	return cert;
}

unsigned char *pf_der(X509 *cert, size_t *len)
{
	int n = i2d_X509(cert, NULL);
	unsigned char *der = malloc((size_t)n);
	unsigned char *p = der;
	i2d_X509(cert, &p);
	*len = (size_t)n;
	return der;
}

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct db_service *pf_service(struct db_snapshot *snap, int64_t id)
{
	for (size_t i = 0; i < snap->tsp_count; i++)
		for (size_t j = 0; j < snap->tsps[i].service_count; j++)
			if (snap->tsps[i].services[j].id == id)
				return &snap->tsps[i].services[j];
	return NULL;
}

void pf_add_status(struct db_service *svc, enum db_status status, int64_t effective,
		   const char *decision)
{
	svc->timeline = realloc(svc->timeline, (svc->timeline_count + 1) * sizeof *svc->timeline);
	struct db_status_entry *e = &svc->timeline[svc->timeline_count++];
	static int64_t next_id;
	memset(e, 0, sizeof *e);
	e->id = ++next_id; /* as the registry numbers them: in the order recorded */
	e->status = status;
	e->effective = effective;
	e->reason = dup("test");
	e->decision_ref = dup(decision);
}

static struct db_tsp *add_tsp(struct db_snapshot *snap, int64_t id, enum db_tsp_kind kind,
			      const char *name_vi, const char *name_en, const char *country)
{
	snap->tsps = realloc(snap->tsps, (snap->tsp_count + 1) * sizeof *snap->tsps);
	struct db_tsp *t = &snap->tsps[snap->tsp_count++];
	memset(t, 0, sizeof *t);
	t->id = id;
	t->kind = kind;
	t->name_vi = dup(name_vi);
	t->name_en = dup(name_en);
	t->street = dup("1 Demo Street");
	t->locality = dup("Demo City");
	snprintf(t->country, sizeof t->country, "%s", country);
	t->uri = dup("https://demo.example/");
	t->email = dup("demo@example.invalid");
	return t;
}

static struct db_service *add_service(struct db_tsp *tsp, int64_t id, const char *type,
				      const char *name, const unsigned char *der, size_t der_len)
{
	tsp->services = realloc(tsp->services, (tsp->service_count + 1) * sizeof *tsp->services);
	struct db_service *s = &tsp->services[tsp->service_count++];
	memset(s, 0, sizeof *s);
	s->id = id;
	s->type_uri = dup(type);
	s->name_vi = dup(name);
	s->name_en = dup(name);
	s->cert_der = malloc(der_len);
	memcpy(s->cert_der, der, der_len);
	s->cert_der_len = der_len;
	sha256_hex(der, der_len, s->cert_sha256);
	return s;
}

/* All test certificates share one CA and one subject key: fast, and the
 * lists do not care who issued what. */
struct test_ca {
	EVP_PKEY *key;
	X509 *cert;
	int64_t now;
};

static struct db_service *add_cert_service(struct db_tsp *tsp, struct test_ca *ca, int64_t id,
					   const char *cn)
{
	X509 *cert = pf_cert(ca->key, cn, 1000 + id, ca->cert, ca->key, 1, ca->now - 86400 * 365,
			     ca->now + 86400 * 3650);
	size_t len;
	unsigned char *der = pf_der(cert, &len);
	struct db_service *s =
		add_service(tsp, id, "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC", cn, der, len);
	free(der);
	X509_free(cert);
	return s;
}

static void test_ca_init(struct test_ca *ca, int64_t now)
{
	ca->now = now;
	ca->key = pf_key("P-256", 0);
	ca->cert = pf_cert(ca->key, "DEMO Test Issuing CA", 1, NULL, NULL, 1, now - 86400 * 400,
			   now + 86400 * 4000);
}

static void test_ca_free(struct test_ca *ca)
{
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
}

struct db_snapshot *pf_snapshot(int64_t now)
{
	const int64_t day = 86400;
	struct test_ca ca;
	test_ca_init(&ca, now);
	struct db_snapshot *snap = calloc(1, sizeof *snap);
	snap->taken_at = now;

	struct db_tsp *t = add_tsp(snap, 1, DB_TSP_NEAC, "Trung tâm Chứng thực điện tử quốc gia",
				   "DEMO National Electronic Authentication Centre", "VN");
	pf_add_status(add_cert_service(t, &ca, 101, "DEMO NEAC Root CA"), DB_STATUS_GRANTED,
		      now - 300 * day, "QĐ 1/QĐ-DEMO");
	t = add_tsp(snap, 2, DB_TSP_GOV_CA, "Ban Cơ yếu Chính phủ", "DEMO Government CA", "VN");
	pf_add_status(add_cert_service(t, &ca, 201, "DEMO Government Root CA"), DB_STATUS_GRANTED,
		      now - 300 * day, "QĐ 2/QĐ-DEMO");
	t = add_tsp(snap, 3, DB_TSP_PUBLIC_CA, "Công ty DEMO A", "DEMO Public CA A", "VN");
	pf_add_status(add_cert_service(t, &ca, 301, "DEMO Public CA A1"), DB_STATUS_GRANTED,
		      now - 200 * day, "QĐ 3/QĐ-DEMO");
	struct db_service *s = add_cert_service(t, &ca, 302, "DEMO Public CA A2");
	pf_add_status(s, DB_STATUS_GRANTED, now - 200 * day, "QĐ 4/QĐ-DEMO");
	pf_add_status(s, DB_STATUS_WITHDRAWN, now - 10 * day, "QĐ 5/QĐ-DEMO");
	t = add_tsp(snap, 4, DB_TSP_PUBLIC_CA, "Công ty DEMO B", "DEMO Public CA B", "VN");
	s = add_cert_service(t, &ca, 401, "DEMO Public CA B1");
	pf_add_status(s, DB_STATUS_GRANTED, now - 100 * day, "QĐ 6/QĐ-DEMO");
	pf_add_status(s, DB_STATUS_WITHDRAWN, now + 5 * day, "QĐ 7/QĐ-DEMO");
	t = add_tsp(snap, 5, DB_TSP_FOREIGN, NULL, "DEMO Foreign Trust Services Ltd", "SG");
	t->trade_name = dup("NTRSG-DEMO0001");
	pf_add_status(add_cert_service(t, &ca, 501, "DEMO Foreign CA 1"), DB_STATUS_RECOGNISED,
		      now - 50 * day, "QĐ 8/QĐ-DEMO");
	s = add_cert_service(t, &ca, 502, "DEMO Foreign CA 2");
	pf_add_status(s, DB_STATUS_RECOGNISED, now - 90 * day, "QĐ 9/QĐ-DEMO");
	pf_add_status(s, DB_STATUS_SUSPENDED, now - 30 * day, "QĐ 10/QĐ-DEMO");
	pf_add_status(s, DB_STATUS_RECOGNISED, now - 20 * day, "QĐ 11/QĐ-DEMO");
	test_ca_free(&ca);
	return snap;
}

struct db_snapshot *pf_snapshot_foreign(int64_t now, size_t n)
{
	struct test_ca ca;
	test_ca_init(&ca, now);
	struct db_snapshot *snap = calloc(1, sizeof *snap);
	snap->taken_at = now;
	struct db_tsp *t = add_tsp(snap, 1, DB_TSP_FOREIGN, NULL, "DEMO Bulk Foreign Provider", "JP");
	t->services = calloc(n, sizeof *t->services);
	for (size_t i = 0; i < n; i++) {
		char cn[64];
		snprintf(cn, sizeof cn, "DEMO Foreign Certificate %zu", i + 1);
		struct db_service *s = add_cert_service(t, &ca, (int64_t)i + 1, cn);
		pf_add_status(s, DB_STATUS_RECOGNISED, now - 86400, "QĐ 1/QĐ-DEMO");
	}
	test_ca_free(&ca);
	return snap;
}

void pf_snapshot_free(struct db_snapshot *snap)
{
	db_snapshot_free(snap);
}

int pf_write_signer(const char *dir, const char *name, EVP_PKEY *key, X509 *cert,
		    const char *pass)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int ok = PEM_write_PKCS8PrivateKey(f, key, pass ? EVP_aes_256_cbc() : NULL, NULL, 0, NULL,
					   (void *)pass);
	fclose(f);
	snprintf(path, sizeof path, "%s/%s.pem", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = ok && PEM_write_X509(f, cert);
	fclose(f);
	return ok ? 0 : -1;
}

const char *pf_tmpdir(void)
{
	const char *d = getenv("VNTL_TMP");
	return d && *d ? d : "/tmp";
}

struct publisher_signer *pf_signer(const char *dir, const char *name, int64_t not_before,
				   int64_t not_after)
{
	EVP_PKEY *key = pf_key("P-256", 0);
	X509 *cert = key ? pf_cert(key, "DEMO NEAC list signer", 3, NULL, NULL, 0, not_before, not_after)
			 : NULL;
	int written = cert ? pf_write_signer(dir, name, key, cert, NULL) : -1;
	EVP_PKEY_free(key);
	X509_free(cert);
	char kp[VNTL_PATH_MAX], cp[VNTL_PATH_MAX], err[512] = "";
	snprintf(kp, sizeof kp, "%s/%s.key", dir, name);
	snprintf(cp, sizeof cp, "%s/%s.pem", dir, name);
	struct publisher_signer *s = NULL;
	if (written != 0 || publisher_signer_open_pem(kp, cp, NULL, NULL, &s, err, sizeof err) != 0) {
		fprintf(stderr, "pf_signer %s: %s\n", name, err[0] ? err : "cannot write the key");
		return NULL;
	}
	return s;
}

struct pf_publish_fixture *pf_publish_fixture_new(const char *out_name, const char *signer_name,
						  int64_t now)
{
	struct pf_publish_fixture *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	snprintf(f->dir, sizeof f->dir, "%s", pf_tmpdir());
	snprintf(f->out, sizeof f->out, "%s/%s", f->dir, out_name);
	f->snap = pf_snapshot(now);
	f->signer = pf_signer(f->dir, signer_name, now - 86400 * 30, now + 86400 * 365);
	if (!f->snap || !f->signer) {
		pf_publish_fixture_free(f);
		return NULL;
	}
	f->cfg = (struct publish_config){.out = f->out, .base_url = "https://tl.example.vn",
					 .next_update_days = 30, .signer = f->signer};
	return f;
}

void pf_publish_fixture_free(struct pf_publish_fixture *f)
{
	if (!f)
		return;
	publisher_signer_free(f->signer);
	pf_snapshot_free(f->snap);
	free(f);
}
