/* Online revocation data for a chain: OCSP (responder from the AIA, with a
 * nonce, the response signature checked against the issuer and its
 * freshness checked) and, failing that, CRLs fetched from the CRL
 * distribution points (cached in the cache directory until nextUpdate). */
#include "vv_internal.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define OCSP_MAX_RESPONSE (1u << 20)
#define CRL_MAX_SIZE (64u << 20)
#define OCSP_LEEWAY_SECONDS 300

static OCSP_BASICRESP *verified_basic(OCSP_RESPONSE *resp, OCSP_REQUEST *req, X509 *issuer,
                                      char *why, size_t why_len)
{
	if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		snprintf(why, why_len, "OCSP responder answered status %d", OCSP_response_status(resp));
		return NULL;
	}
	OCSP_BASICRESP *bs = OCSP_response_get1_basic(resp);
	if (!bs) {
		snprintf(why, why_len, "OCSP response has no basic response");
		return NULL;
	}
	if (OCSP_check_nonce(req, bs) != 1) {
		snprintf(why, why_len, "OCSP response nonce does not match the request (replay?)");
		OCSP_BASICRESP_free(bs);
		return NULL;
	}
	/* The responder is the issuer or a certificate it delegated OCSP signing to. */
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *certs = sk_X509_new_null();
	int ok = store && certs && X509_STORE_add_cert(store, issuer) && sk_X509_push(certs, issuer) &&
	         OCSP_basic_verify(bs, certs, store, OCSP_PARTIAL_CHAIN) == 1;
	sk_X509_free(certs);
	X509_STORE_free(store);
	if (!ok) {
		snprintf(why, why_len, "OCSP response signature is not from the issuer or its delegate");
		OCSP_BASICRESP_free(bs);
		return NULL;
	}
	return bs;
}

int vv_ocsp_read_answer(const unsigned char *answer, size_t answer_len, OCSP_REQUEST *req,
                        OCSP_CERTID *id, X509 *issuer, const char *url, vv_revocation_status *out,
                        char *why, size_t why_len)
{
	const unsigned char *p = answer;
	OCSP_RESPONSE *resp = answer_len <= OCSP_MAX_RESPONSE
	                      ? d2i_OCSP_RESPONSE(NULL, &p, (long)answer_len) : NULL;
	OCSP_BASICRESP *bs = resp ? verified_basic(resp, req, issuer, why, why_len) : NULL;
	int done = 0;
	if (!resp)
		snprintf(why, why_len, "unreadable OCSP response from %.200s", url);
	int status = -1, reason = 0;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	if (bs && OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisupd, &nextupd) != 1)
		snprintf(why, why_len, "OCSP response does not cover the certificate");
	else if (bs && OCSP_check_validity(thisupd, nextupd, OCSP_LEEWAY_SECONDS, -1) != 1)
		snprintf(why, why_len, "OCSP response is not fresh (thisUpdate/nextUpdate)");
	else if (bs && status != V_OCSP_CERTSTATUS_UNKNOWN) {
		out->revoked = status == V_OCSP_CERTSTATUS_REVOKED;
		out->revocation_time = rev ? vv_asn1_time(rev) : 0;
		out->produced = vv_asn1_time(thisupd);
		snprintf(out->source, sizeof out->source, "ocsp:%.480s", url);
		done = 1;
	} else if (bs) {
		snprintf(why, why_len, "OCSP responder does not know the certificate");
	}
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return done;
}

static int ocsp_query(const vntl_ctx *ctx, const char *url, X509 *cert, X509 *issuer,
                      vv_revocation_status *out, char *why, size_t why_len)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
	OCSP_CERTID *id_copy = id ? OCSP_CERTID_dup(id) : NULL;
	unsigned char *der = NULL, *answer = NULL;
	size_t answer_len = 0;
	int der_len = -1, done = 0;
	if (req && id && id_copy && OCSP_request_add0_id(req, id)) {
		id = NULL;
		if (OCSP_request_add1_nonce(req, NULL, -1))
			der_len = i2d_OCSP_REQUEST(req, &der);
	}
	if (der_len > 0 && vv_http_exchange(ctx, url, der, (size_t)der_len, "application/ocsp-request",
	                                    OCSP_MAX_RESPONSE, &answer, &answer_len, why, why_len))
		done = vv_ocsp_read_answer(answer, answer_len, req, id_copy, issuer, url, out, why, why_len);
	OCSP_CERTID_free(id);
	OCSP_CERTID_free(id_copy);
	OCSP_REQUEST_free(req);
	OPENSSL_free(der);
	free(answer);
	ERR_clear_error();
	return done;
}

int vv_ocsp_status(const vntl_ctx *ctx, X509 *cert, X509 *issuer, vv_revocation_status *out,
                   char *why, size_t why_len)
{
	STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
	int done = 0;
	for (int i = 0; !done && i < sk_OPENSSL_STRING_num(urls); i++)
		done = ocsp_query(ctx, sk_OPENSSL_STRING_value(urls, i), cert, issuer, out, why, why_len);
	X509_email_free(urls);
	return done;
}

static X509_CRL *parse_crl(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (!crl) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);
		crl = bio ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
	}
	return crl;
}

static X509_CRL *cached_crl(const vntl_ctx *ctx, const char *path)
{
	unsigned char *data;
	size_t len;
	if (!ctx->cache_dir || vv_read_file(path, CRL_MAX_SIZE, &data, &len, NULL) != VNTL_OK)
		return NULL;
	X509_CRL *crl = parse_crl(data, len);
	free(data);
	const ASN1_TIME *next = crl ? X509_CRL_get0_nextUpdate(crl) : NULL;
	if (crl && (!next || X509_cmp_time(next, NULL) < 0)) { /* stale: fetch again */
		X509_CRL_free(crl);
		return NULL;
	}
	return crl;
}

static X509_CRL *fetch_crl(const vntl_ctx *ctx, const char *url, char *why, size_t why_len)
{
	char path[VV_PATH_MAX] = "", hex[65];
	/* no digest, no cache name: fetched, never cached */
	if (ctx->cache_dir && vv_sha256_hex((const unsigned char *)url, strlen(url), hex) == 0)
		snprintf(path, sizeof path, "%s/crl-%.32s.der", ctx->cache_dir, hex);
	X509_CRL *crl = cached_crl(ctx, path);
	if (crl)
		return crl;
	unsigned char *data;
	size_t len;
	if (!vv_http_exchange(ctx, url, NULL, 0, NULL, CRL_MAX_SIZE, &data, &len, why, why_len))
		return NULL;
	crl = parse_crl(data, len);
	if (!crl)
		snprintf(why, why_len, "%.200s did not return a CRL", url);
	else if (path[0])
		vv_cache_write(path, data, len, NULL);
	free(data);
	vv_log(ctx, VNTL_LOG_INFO, "crl-fetched", "url=%s ok=%d", url, crl != NULL);
	return crl;
}

int vv_fetch_crls(const vntl_ctx *ctx, X509 *cert, STACK_OF(X509_CRL) *into, char *why,
                  size_t why_len)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	int got = 0;
	for (int i = 0; !got && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		GENERAL_NAMES *names = dp->distpoint->name.fullname;
		for (int j = 0; !got && j < sk_GENERAL_NAME_num(names); j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
			if (gn->type != GEN_URI)
				continue;
			const char *url = (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier);
			X509_CRL *crl = fetch_crl(ctx, url, why, why_len);
			if (crl && sk_X509_CRL_push(into, crl))
				got = 1;
			else
				X509_CRL_free(crl);
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	ERR_clear_error();
	return got;
}
