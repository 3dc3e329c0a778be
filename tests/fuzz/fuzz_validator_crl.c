/* CRL parsing and use (vv_load_crls, the RFC 5280 CRL profile, OpenSSL's
 * CRL checks): any bytes as the one CRL file given with a chain check of
 * the demo PKI's signer-revoked (issued by public-ca-1 under neac-root,
 * revoked by public-ca-1). Revocation data is required, so no CRL, however
 * damaged, may make the revoked certificate pass; and the check answers a
 * result or an input error, never a crash. Files in tests/fuzz/data/ and
 * seeds from tests/fuzz/make-corpus.sh.
 *
 * The context, the leaf and its issuer are parsed once; each input is
 * handed over in memory (crl_der), read by the same CRL reader as a file
 * (vv_crls_from_memory), so nothing of one input outlives its check. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "vntl.h"

/* When the seed CRLs were made: the chain is checked an hour later. */
#define SEED_TIME_FILE "tests/fuzz/data/seed-time"

static vntl_ctx *ctx;
static X509 *leaf, *issuer;
static time_t at;

static void free_ctx(void)
{
	vntl_ctx_free(ctx);
	X509_free(leaf);
	X509_free(issuer);
}

static X509 *read_cert(const char *rel)
{
	FILE *f = fopen(fuzz_src_path(rel), "r");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (!x)
		fuzz_fail("cannot read the certificate %s", rel);
	/* fills OpenSSL's extension cache now, not during the first input */
	X509_check_purpose(x, -1, 0);
	return x;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vntl_error err;
	if (vntl_ctx_new(&ctx, &err) != VNTL_OK ||
	    vntl_ctx_add_anchor_file(ctx, fuzz_src_path("tests/fuzz/data/neac-root.pem"), &err) != VNTL_OK)
		fuzz_fail("validator setup: %s", err.reason);
	atexit(free_ctx);
	leaf = read_cert("tests/fuzz/data/signer-revoked.pem");
	issuer = read_cert("tests/fuzz/data/public-ca-1.pem");
	size_t n;
	char *when = (char *)fuzz_read_file(fuzz_src_path(SEED_TIME_FILE), &n);
	at = (time_t)strtoll(when, NULL, 10) + 3600;
	free(when);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509 *const untrusted[] = {issuer};
	const vntl_der crl = {.data = data, .len = size};
	vntl_chain_request req = {.size = sizeof req, .leaf_cert = leaf, .untrusted_certs = untrusted,
				  .n_untrusted_certs = 1, .crl_der = &crl, .n_crl_der = 1,
				  .revocation = VNTL_REVOCATION_REQUIRE, .at = at};
	vntl_result *res = NULL;
	vntl_error err;
	memset(&err, 0, sizeof err);
	vntl_status st = vntl_check_chain(ctx, &req, &res, &err);
	if (st == VNTL_OK && res->indication == VNTL_PASSED)
		fuzz_fail("a revoked certificate passed with this CRL");
	if (st != VNTL_OK && err.rule[0] == '\0')
		fuzz_fail("the check failed without a rule: %s", err.reason);
	/* a usage refusal is this harness calling the API wrongly: nothing of
	 * the input would be exercised */
	if (st != VNTL_OK && strcmp(err.rule, "usage") == 0)
		fuzz_fail("the harness misuses the API: %s", err.reason);
	vntl_result_free(res);
	return 0;
}
