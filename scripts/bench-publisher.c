/* Benchmark of publishing a foreign list of N synthetic certificates
 * (compiled and run by scripts/bench-publisher.sh).
 *   bench-publisher DIR [N]
 * Prints wall time and peak RSS of each phase (build, sign, serialize,
 * self-verify, certificate files, list files) run one after the other, and
 * of the whole publish into a fresh directory (where the certificate files
 * are staged on a thread beside the other phases) and again; leaves in DIR the
 * unsigned document with its signature template (template.xml) and the
 * signer's key and certificate for the xmlsec1 baseline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "publisher/certinfo.h"

#include "common/hex.h"
#include "publisher/lists.h"
#include "publisher/pubdir.h"
#include "publisher/pubdir_certs.h"
#include "publisher/publish.h"
#include "publisher/self_check.h"
#include "publisher/signer.h"
#include "publisher/xades.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void phase(const char *name, double start)
{
	printf("%-14s %8.1f ms   peak RSS %6.1f MB\n", name, now_ms() - start, peak_rss_kb() / 1024.0);
	fflush(stdout);
}

static X509 *make_cert(EVP_PKEY *subject_key, EVP_PKEY *ca_key, X509_NAME *issuer, long serial,
		       const char *cn, int64_t t)
{
	X509 *cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
	X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, (const unsigned char *)"JP", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"DEMO bench", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, issuer ? issuer : name);
	ASN1_TIME_set(X509_getm_notBefore(cert), (time_t)(t - 86400));
	ASN1_TIME_set(X509_getm_notAfter(cert), (time_t)(t + 86400 * 365));
	X509_set_pubkey(cert, subject_key);
	X509_sign(cert, ca_key, EVP_sha256());
	return cert;
}

static char *dup(const char *s)
{
	return strdup(s);
}

/* One foreign provider with n recognised certificates: one subject key,
 * one CA, different serials and subjects. */
static struct db_snapshot *synthetic_snapshot(size_t n, int64_t t)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *subject_key = EVP_EC_gen("P-256");
	X509 *ca = make_cert(ca_key, ca_key, NULL, 1, "DEMO Bench CA", t);
	struct db_snapshot *snap = calloc(1, sizeof *snap);
	snap->taken_at = t;
	snap->tsp_count = 1;
	snap->tsps = calloc(1, sizeof *snap->tsps);
	struct db_tsp *tsp = &snap->tsps[0];
	tsp->id = 1;
	tsp->kind = DB_TSP_FOREIGN;
	tsp->name_en = dup("DEMO Bench Foreign Provider");
	tsp->street = dup("1 Bench Street");
	tsp->locality = dup("Tokyo");
	strcpy(tsp->country, "JP");
	tsp->uri = dup("https://bench.example/");
	tsp->services = calloc(n, sizeof *tsp->services);
	tsp->service_count = n;
	for (size_t i = 0; i < n; i++) {
		char cn[64];
		snprintf(cn, sizeof cn, "DEMO Bench Certificate %zu", i + 1);
		X509 *cert = make_cert(subject_key, ca_key, X509_get_subject_name(ca), (long)i + 100, cn, t);
		struct db_service *s = &tsp->services[i];
		s->id = (int64_t)i + 1;
		s->type_uri = dup("http://uri.etsi.org/TrstSvc/Svctype/CA/PKC");
		s->name_en = dup(cn);
		int len = i2d_X509(cert, &s->cert_der);
		s->cert_der_len = (size_t)len;
		sha256_hex(s->cert_der, s->cert_der_len, s->cert_sha256);
		s->timeline = calloc(1, sizeof *s->timeline);
		s->timeline_count = 1;
		s->timeline[0].status = DB_STATUS_RECOGNISED;
		s->timeline[0].effective = t - 3600;
		s->timeline[0].decision_ref = dup("QĐ 1/QĐ-DEMO");
		X509_free(cert);
	}
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(subject_key);
	return snap;
}

static void free_snapshot(struct db_snapshot *snap)
{
	struct db_tsp *tsp = &snap->tsps[0];
	for (size_t i = 0; i < tsp->service_count; i++) {
		struct db_service *s = &tsp->services[i];
		free(s->type_uri);
		free(s->name_en);
		OPENSSL_free(s->cert_der);
		free(s->timeline[0].decision_ref);
		free(s->timeline);
	}
	free(tsp->services);
	free(tsp->name_en);
	free(tsp->street);
	free(tsp->locality);
	free(tsp->uri);
	free(snap->tsps);
	free(snap);
}

/* The signer in a PKCS#11 token (scripts/bench-hsm.sh): VNTL_BENCH_PKCS11_KEY
 * (a pkcs11: URI), VNTL_BENCH_PKCS11_MODULE, VNTL_BENCH_PKCS11_CERT and the
 * PIN in VNTL_PKCS11_PIN; the file key's signer.key/.pem are still written
 * for the xmlsec1 baseline. */
static struct publisher_signer *token_signer(const char *uri)
{
	struct publisher_signer *s = NULL;
	char err[512];
	if (publisher_signer_open_pkcs11(uri, getenv("VNTL_BENCH_PKCS11_MODULE"), getenv("VNTL_BENCH_PKCS11_CERT"),
					 getenv(PUBLISHER_PKCS11_PIN_ENV), NULL, &s, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return s;
}

static struct publisher_signer *make_signer(const char *dir, int64_t t)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = make_cert(key, key, NULL, 7, "DEMO bench list signer", t);
	char kp[4096], cp[4096], err[512];
	snprintf(kp, sizeof kp, "%s/signer.key", dir);
	snprintf(cp, sizeof cp, "%s/signer.pem", dir);
	FILE *f = fopen(kp, "w");
	PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	f = fopen(cp, "w");
	PEM_write_X509(f, cert);
	fclose(f);
	EVP_PKEY_free(key);
	X509_free(cert);
	const char *token_key = getenv("VNTL_BENCH_PKCS11_KEY");
	if (token_key && token_key[0])
		return token_signer(token_key);
	struct publisher_signer *s = NULL;
	if (publisher_signer_open_pem(kp, cp, NULL, NULL, &s, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return s;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [N]\n", argv[0]);
		return 2;
	}
	const char *dir = argv[1];
	size_t n = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 10000;
	char err[512] = "", path[4096];
	int64_t t = (int64_t)time(NULL);
	if (publisher_crypto_init() < 0)
		return 1;
	struct publisher_signer *signer = make_signer(dir, t);
	double start = now_ms();
	struct db_snapshot *snap = synthetic_snapshot(n, t);
	printf("%zu synthetic certificates generated in %.0f ms (not part of publishing)\n", n, now_ms() - start);

	unsigned char *signer_der = NULL;
	int signer_len = i2d_X509(signer->cert, &signer_der);
	struct list_params p = {.list = PUBLISHER_FOREIGN, .sequence = 1, .issued = t,
				.next_update = t + 30 * 86400, .base_url = "https://tl.example.vn",
				.signer_der = signer_der, .signer_der_len = (size_t)signer_len};
	xmlDocPtr doc = NULL;

	/* the baseline's input: the same document with the same template */
	if (list_build(snap, &p, &doc, err, sizeof err) < 0 || !xades_prepare(doc, signer, t, err, sizeof err)) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof path, "%s/template.xml", dir);
	xmlSaveFileEnc(path, doc, "UTF-8");
	xmlFreeDoc(doc);

	printf("phase             wall time   peak RSS (process so far)\n");
	start = now_ms();
	if (list_build(snap, &p, &doc, err, sizeof err) < 0)
		return 1;
	phase("build", start);
	start = now_ms();
	if (xades_sign(doc, signer, t, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	phase("sign", start);
	start = now_ms();
	xmlChar *xml = NULL;
	int len = 0;
	xmlDocDumpMemoryEnc(doc, &xml, &len, "UTF-8");
	phase("serialize", start);
	start = now_ms();
	if (publisher_self_check(xml, (size_t)len, signer->cert, 0, t, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	phase("self-verify", start);
	snprintf(path, sizeof path, "%s/phases", dir);
	start = now_ms();
	if (pubdir_prepare(path, err, sizeof err) < 0 || pubdir_write_certs(path, snap, err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	phase("certificates", start); /* a publish does this on a thread, beside the phases above */
	start = now_ms();
	if (pubdir_write_immutable(path, "foreign/1.xml", xml, (size_t)len, err, sizeof err) < 0 ||
	    pubdir_link_current(path, "foreign.xml", "foreign/1.xml", err, sizeof err) < 0) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	phase("write list", start);
	printf("list size: %d bytes\n", len);
	xmlFree(xml);
	xmlFreeDoc(doc);

	/* the whole publish, as `vntl publish --list foreign` runs it: first into
	 * a fresh directory (every certificate file written), then again (what
	 * cron does: same registry, new sequence, certificate files present) */
	snprintf(path, sizeof path, "%s/out", dir);
	struct publish_config cfg = {.out = path, .base_url = "https://tl.example.vn",
				     .next_update_days = 30, .signer = signer};
	struct publish_outcome outcome;
	const char *names[2] = {"first publish", "republish"};
	for (int run = 0; run < 2; run++) {
		start = now_ms();
		enum publish_status rc = publisher_publish(snap, &cfg, PUBLISH_MASK(PUBLISHER_FOREIGN),
							   t + run, NULL, NULL, &outcome, err, sizeof err);
		double whole = now_ms() - start;
		if (rc != PUBLISH_OK) {
			fprintf(stderr, "bench: %s\n", err);
			return 1;
		}
		phase(names[run], start);
		printf("%s_ms=%.1f\n", run ? "republish" : "first", whole);
	}
	OPENSSL_free(signer_der);
	free_snapshot(snap);
	publisher_signer_free(signer);
	publisher_crypto_shutdown();
	return 0;
}
