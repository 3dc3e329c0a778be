/* Reading an OCSP responder's answer (vv_ocsp_read_answer): any bytes as
 * the answer to tests/fuzz/data/ocsp-request.der, a request (with a nonce)
 * about the demo PKI's signer-revoked, which public-ca-1 revoked. Only a
 * response signed by public-ca-1 can be accepted, and every such response
 * in the seeds says revoked: an accepted answer that says good is a forgery
 * let through. Files from tests/fuzz/make-corpus.sh. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "vv_internal.h"

static OCSP_REQUEST *req;
static OCSP_CERTID *id;
static X509 *issuer;

static void free_all(void)
{
	OCSP_REQUEST_free(req);
	X509_free(issuer);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	size_t n;
	unsigned char *der = fuzz_read_file(fuzz_src_path("tests/fuzz/data/ocsp-request.der"), &n);
	const unsigned char *p = der;
	req = d2i_OCSP_REQUEST(NULL, &p, (long)n);
	free(der);
	unsigned char *pem = fuzz_read_file(fuzz_src_path("tests/fuzz/data/public-ca-1.pem"), &n);
	BIO *bio = BIO_new_mem_buf(pem, (int)n);
	issuer = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	free(pem);
	if (!req || OCSP_request_onereq_count(req) != 1 || !issuer)
		fuzz_fail("cannot read the OCSP request or the issuer in tests/fuzz/data");
	id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
	atexit(free_all);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vv_revocation_status out;
	memset(&out, 0, sizeof out);
	char why[512] = "";
	int done = vv_ocsp_read_answer(data, size, req, id, issuer, "http://ocsp.fuzz", &out, why, sizeof why);
	if (done && !out.revoked)
		fuzz_fail("an answer that says good was accepted for a revoked certificate");
	if (!done && why[0] == '\0')
		fuzz_fail("an answer was refused without a reason");
	return 0;
}
