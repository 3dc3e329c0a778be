/* Chain checks per second: vntl_check_chain() with anchors loaded, against a
 * plain OpenSSL X509_verify_cert() loop on the same chain, CRLs and time;
 * then the same with 10,000 other anchors loaded beside the right one (a
 * national list, or the EU's lists together).
 *   bench_validator_chain LEAF INTER ANCHOR CRL1 CRL2 SECONDS OTHERS_PEM
 * OTHERS_PEM is written here. Built and run by scripts/bench-validator.sh. */
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

#define OTHER_ANCHORS 10000

/* Self-signed certificates that anchor nothing in the chain checked. */
static STACK_OF(X509) *make_others(const char *pem_path)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	STACK_OF(X509) *sk = sk_X509_new_null();
	FILE *f = fopen(pem_path, "w");
	for (int i = 0; key && sk && f && i < OTHER_ANCHORS; i++) {
		X509 *x = X509_new();
		X509_NAME *name = X509_NAME_new();
		char cn[32];
		snprintf(cn, sizeof cn, "Other CA %d", i);
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (unsigned char *)cn, -1, -1, 0);
		X509_set_version(x, 2);
		ASN1_INTEGER_set(X509_get_serialNumber(x), i + 1);
		X509_set_subject_name(x, name);
		X509_set_issuer_name(x, name);
		X509_NAME_free(name);
		X509_gmtime_adj(X509_getm_notBefore(x), -86400);
		X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
		X509_set_pubkey(x, key);
		X509_sign(x, key, EVP_sha256());
		PEM_write_X509(f, x);
		sk_X509_push(sk, x);
	}
	if (f)
		fclose(f);
	EVP_PKEY_free(key);
	if (!sk || sk_X509_num(sk) != OTHER_ANCHORS) {
		fprintf(stderr, "cannot make the other anchors\n");
		exit(1);
	}
	return sk;
}

static double openssl_rate(char **argv, double seconds, time_t at, STACK_OF(X509) *others)
{
	X509 *leaf = read_cert(argv[1]), *inter = read_cert(argv[2]), *anchor = read_cert(argv[3]);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_add_cert(store, anchor);
	for (int i = 0; i < sk_X509_num(others); i++)
		X509_STORE_add_cert(store, sk_X509_value(others, i));
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

static double vntl_rate(char **argv, double seconds, time_t at, int leaf_from_file,
                        const char *others_pem)
{
	vntl_ctx *ctx;
	vntl_error err;
	if (vntl_ctx_new(&ctx, &err) != VNTL_OK || vntl_ctx_add_anchor_file(ctx, argv[3], &err) ||
	    (others_pem && vntl_ctx_add_anchor_file(ctx, others_pem, &err))) {
		fprintf(stderr, "%s\n", err.reason);
		exit(1);
	}
	const char *untrusted[] = { argv[2], NULL }, *crls[] = { argv[4], argv[5], NULL };
	/* Like the baseline, the caller holds the parsed leaf (signing software has
	 * it from the signature); intermediates and CRLs come from files. */
	X509 *leaf = read_cert(argv[1]);
	vntl_chain_request req = { .size = sizeof req,
		.leaf_cert = leaf_from_file ? NULL : leaf,
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
	if (argc != 8) {
		fprintf(stderr, "usage: %s LEAF INTER ANCHOR CRL1 CRL2 SECONDS OTHERS_PEM\n", argv[0]);
		return 2;
	}
	double seconds = atof(argv[6]);
	time_t at = time(NULL);
	/* Alternate short rounds so that load from other processes hits both alike. */
	double base = 0, ours = 0, ours_file = 0;
	const int rounds = 6;
	for (int r = 0; r < rounds; r++) {
		base += openssl_rate(argv, seconds / rounds, at, NULL) / rounds;
		ours += vntl_rate(argv, seconds / rounds, at, 0, NULL) / rounds;
		ours_file += vntl_rate(argv, seconds / rounds, at, 1, NULL) / rounds;
	}
	printf("chain checks/s (RSA root, ECDSA below, 2 CRLs): vntl_check_chain %.0f, "
	       "X509_verify_cert %.0f, ratio %.2f (target >= 0.80)\n", ours, base, ours / base);
	printf("  with the leaf read from a file on every check: %.0f/s, ratio %.2f\n", ours_file,
	       ours_file / base);
	/* Both sides load the anchors once, outside the timed loop. */
	STACK_OF(X509) *others = make_others(argv[7]);
	double many_base = openssl_rate(argv, seconds / 2, at, others);
	double many_ours = vntl_rate(argv, seconds / 2, at, 0, argv[7]);
	printf("  with %d other anchors loaded: vntl_check_chain %.0f/s, X509_verify_cert %.0f/s, "
	       "ratio %.2f\n", OTHER_ANCHORS, many_ours, many_base, many_ours / many_base);
	sk_X509_pop_free(others, X509_free);
	return 0;
}
