/* Random and truncated bytes into certificate import: mutations of Vietnam's
 * real certificates and .p7b files (bit flips, truncation, insertion,
 * splicing, PEM damage). Never a crash; parse answers 0 or 1; a refused
 * import leaves the registry unchanged; the audit chain stays intact.
 *   fuzz_db_certimport [ITERATIONS] [SEED]   (VNTL_SAN=1: fewer by default) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"

static const char *const seeds[] = {
	"rootca-p7b/BkavCA_RS.p7b", "rootca-p7b/MISA-CA_RS2026.p7b", "rootca-p7b/micnrca.crt",
	"rootca-p7b/vnrca256.crt", "pem/ca-cmc-ca-2025.pem", "pem/root-neac-vnrca-rs-2025.pem",
	"rootca-p7b/vnca-erd.p7b", "pem/test-lookalike-fpt-uat-mic-national-root-ca-2019.pem",
};
#define SEED_COUNT (sizeof seeds / sizeof seeds[0])

static unsigned char *corpus[SEED_COUNT];
static size_t corpus_len[SEED_COUNT];
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (uint32_t)(rng_state >> 33) % n : 0;
}

/* A damaged copy of a corpus file; *len receives its size. */
static unsigned char *mutate(size_t *len)
{
	size_t k = rnd(SEED_COUNT), n = corpus_len[k];
	unsigned char *buf = malloc(2 * n + 64);
	memcpy(buf, corpus[k], n);
	switch (rnd(6)) {
	case 0: /* truncate */
		n = rnd((uint32_t)n);
		break;
	case 1: /* flip bytes */
		for (uint32_t i = 0, m = 1 + rnd(8); i < m && n; i++)
			buf[rnd((uint32_t)n)] ^= (unsigned char)(1 + rnd(255));
		break;
	case 2: { /* insert random bytes */
		size_t at = rnd((uint32_t)n + 1), m = 1 + rnd(32);
		memmove(buf + at + m, buf + at, n - at);
		for (size_t i = 0; i < m; i++)
			buf[at + i] = (unsigned char)rnd(256);
		n += m;
		break;
	}
	case 3: { /* splice the head of another file */
		size_t j = rnd(SEED_COUNT), m = rnd((uint32_t)(corpus_len[j] < n ? corpus_len[j] : n));
		memcpy(buf + n - m, corpus[j], m);
		break;
	}
	case 4: /* damage DER length bytes near the start */
		for (size_t i = 1; i < 12 && i < n; i++)
			if (rnd(3) == 0)
				buf[i] = (unsigned char)rnd(256);
		break;
	default: /* pure noise */
		n = rnd(600);
		for (size_t i = 0; i < n; i++)
			buf[i] = (unsigned char)rnd(256);
	}
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	const char *san = getenv("VNTL_SAN");
	long iterations = argc > 1 ? atol(argv[1]) : (san && strcmp(san, "1") == 0 ? 4000 : 20000);
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
	printf("fuzz_db_certimport: %ld iterations, seed %llu\n", iterations, (unsigned long long)rng_state);
	for (size_t i = 0; i < SEED_COUNT; i++) {
		char path[4096];
		db_fixture_pki(seeds[i], path, sizeof path);
		corpus[i] = db_fixture_read(path, &corpus_len[i]);
	}
	struct db *db = db_fixture_registry("fuzz.db");
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/fuzz.db", dir ? dir : "/tmp");
	long parsed = 0, refused = 0, imported = 0;
	for (long it = 0; it < iterations; it++) {
		size_t len;
		unsigned char *data = mutate(&len);
		struct db_cert_bundle b;
		char err[2048];
		int rc = db_cert_parse(data, len, "fuzz", &b, err, sizeof err);
		if (rc != 0 && rc != 1) {
			fprintf(stderr, "iteration %ld: parse returned %d: %s\n", it, rc, err);
			return 1;
		}
		parsed += rc == 0;
		db_cert_bundle_free(&b);
		if (it % 8 == 0) {
			long long before = db_fixture_sql_int(path, "SELECT count(*) FROM cert");
			struct db_import_options o = {.tsp_id = 1 + rnd(4), .actor = "olga", .decision_ref = "QĐ fuzz",
						      .effective = DB_FIXTURE_DECISION_DATE, .history = 1};
			struct db_import_report r;
			rc = db_cert_import(db, data, len, "fuzz", &o, &r, err, sizeof err);
			if (rc == 0) {
				imported++;
				db_import_report_free(&r);
			} else if (rc == 1) {
				refused++;
				if (db_fixture_sql_int(path, "SELECT count(*) FROM cert") != before) {
					fprintf(stderr, "iteration %ld: refused import changed the registry\n", it);
					return 1;
				}
			} else {
				fprintf(stderr, "iteration %ld: import error: %s\n", it, err);
				return 1;
			}
		}
		free(data);
	}
	struct db_audit_verdict v;
	char err[512];
	if (db_audit_verify(db, &v, err, sizeof err) || v.kind != DB_AUDIT_INTACT) {
		fprintf(stderr, "audit chain broken after fuzzing: %s %s\n", err, v.message);
		return 1;
	}
	printf("parsed %ld of %ld inputs; imports: %ld accepted, %ld refused; audit intact\n", parsed, iterations,
	       imported, refused);
	db_close(db);
	for (size_t i = 0; i < SEED_COUNT; i++)
		free(corpus[i]);
	return parsed > 0 && refused > 0 ? 0 : 1;
}
