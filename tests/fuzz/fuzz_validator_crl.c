/* CRL parsing and use (vv_load_crls, the RFC 5280 CRL profile, OpenSSL's
 * CRL checks): any bytes as the one CRL file given with a chain check of
 * the demo PKI's signer-revoked (issued by public-ca-1 under neac-root,
 * revoked by public-ca-1). Revocation data is required, so no CRL, however
 * damaged, may make the revoked certificate pass; and the check answers a
 * result or an input error, never a crash. Files in tests/fuzz/data/ and
 * seeds from tests/fuzz/make-corpus.sh. */
#include "common/sizes.h"
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

/* When the seed CRLs were made: the chain is checked an hour later. */
#define SEED_TIME_FILE "tests/fuzz/data/seed-time"

static vntl_ctx *ctx;
static char crl_path[VNTL_PATH_MAX], leaf[VNTL_PATH_MAX], issuer[VNTL_PATH_MAX];
static time_t at;

static void free_ctx(void)
{
	vntl_ctx_free(ctx);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	vntl_error err;
	if (vntl_ctx_new(&ctx, &err) != VNTL_OK ||
	    vntl_ctx_add_anchor_file(ctx, fuzz_src_path("tests/fuzz/data/neac-root.pem"), &err) != VNTL_OK)
		fuzz_fail("validator setup: %s", err.reason);
	atexit(free_ctx);
	snprintf(crl_path, sizeof crl_path, "%s/fuzz.crl", fuzz_scratch());
	snprintf(leaf, sizeof leaf, "%s", fuzz_src_path("tests/fuzz/data/signer-revoked.pem"));
	snprintf(issuer, sizeof issuer, "%s", fuzz_src_path("tests/fuzz/data/public-ca-1.pem"));
	size_t n;
	char *when = (char *)fuzz_read_file(fuzz_src_path(SEED_TIME_FILE), &n);
	at = (time_t)strtoll(when, NULL, 10) + 3600;
	free(when);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_write_file(crl_path, data, size);
	const char *untrusted[] = {issuer, NULL};
	const char *crls[] = {crl_path, NULL};
	vntl_chain_request req = {.size = sizeof req, .leaf_file = leaf, .untrusted = untrusted, .crl_files = crls,
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
