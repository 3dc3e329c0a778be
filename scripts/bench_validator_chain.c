/* Chain checks per second: vntl_check_chain() with anchors loaded, against a
 * plain OpenSSL X509_verify_cert() loop on the same chain, CRLs and time.
 *   bench_validator_chain LEAF INTER ANCHOR CRL1 CRL2 SECONDS
 * Built and run by scripts/bench-validator.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "vntl.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *c = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return c;
}

static X509_CRL *read_crl(const char *path)
{
	FILE *f = fopen(path, "r");
	X509_CRL *c = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return c;
}

static double openssl_rate(char **argv, double seconds, time_t at)
{
	X509 *leaf = read_cert(argv[1]), *inter = read_cert(argv[2]), *anchor = read_cert(argv[3]);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_add_cert(store, anchor);
	X509_STORE_add_crl(store, read_crl(argv[4]));
	X509_STORE_add_crl(store, read_crl(argv[5]));
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	sk_X509_push(untrusted, inter);
	long n = 0;
	double start = now_seconds();
	while (now_seconds() - start < seconds) {
		X509_STORE_CTX *ctx = X509_STORE_CTX_new();
		X509_STORE_CTX_init(ctx, store, leaf, untrusted);
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), at);
		X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
		if (X509_verify_cert(ctx) != 1) {
			fprintf(stderr, "baseline chain does not verify\n");
			exit(1);
		}
		X509_STORE_CTX_free(ctx);
		n++;
	}
	return n / (now_seconds() - start);
}

static double vntl_rate(char **argv, double seconds, time_t at, int leaf_from_file)
{
	vntl_ctx *ctx;
	vntl_error err;
	if (vntl_ctx_new(&ctx, &err) != VNTL_OK || vntl_ctx_add_anchor_file(ctx, argv[3], &err)) {
		fprintf(stderr, "%s\n", err.reason);
		exit(1);
	}
	const char *untrusted[] = { argv[2], NULL }, *crls[] = { argv[4], argv[5], NULL };
	/* Like the baseline, the caller holds the parsed leaf (signing software has
	 * it from the signature); intermediates and CRLs come from files. */
	X509 *leaf = read_cert(argv[1]);
	vntl_chain_request req = { .leaf_cert = leaf_from_file ? NULL : leaf,
		.leaf_file = argv[1], .untrusted = untrusted, .crl_files = crls, .at = at };
	long n = 0;
	double start = now_seconds();
	while (now_seconds() - start < seconds) {
		vntl_result *res;
		if (vntl_check_chain(ctx, &req, &res, &err) != VNTL_OK || res->indication != VNTL_PASSED) {
			fprintf(stderr, "vntl chain does not pass\n");
			exit(1);
		}
		vntl_result_free(res);
		n++;
	}
	double rate = n / (now_seconds() - start);
	X509_free(leaf);
	vntl_ctx_free(ctx);
	return rate;
}

int main(int argc, char **argv)
{
	if (argc != 7) {
		fprintf(stderr, "usage: %s LEAF INTER ANCHOR CRL1 CRL2 SECONDS\n", argv[0]);
		return 2;
	}
	double seconds = atof(argv[6]);
	time_t at = time(NULL);
	/* Alternate short rounds so that load from other processes hits both alike. */
	double base = 0, ours = 0, ours_file = 0;
	const int rounds = 6;
	for (int r = 0; r < rounds; r++) {
		base += openssl_rate(argv, seconds / rounds, at) / rounds;
		ours += vntl_rate(argv, seconds / rounds, at, 0) / rounds;
		ours_file += vntl_rate(argv, seconds / rounds, at, 1) / rounds;
	}
	printf("chain checks/s (RSA root, ECDSA below, 2 CRLs): vntl_check_chain %.0f, "
	       "X509_verify_cert %.0f, ratio %.2f (target >= 0.80)\n", ours, base, ours / base);
	printf("  with the leaf read from a file on every check: %.0f/s, ratio %.2f\n", ours_file,
	       ours_file / base);
	return 0;
}
