/* Cryptographic check of a list's signature with xmlsec, against pinned
 * keys only (never a key taken from the document), then the XAdES binding
 * of the signer: KeyInfo certificate and SigningCertificate(V2) digest. */
#include "vv_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>
#include <xmlsec/openssl/evp.h>

static int same_cert(X509 *a, X509 *b)
{
	return a && b && X509_cmp(a, b) == 0;
}

/* The certificate KeyInfo claims; *present tells an absent one from an
 * unreadable one (which is refused: KeyInfo is not signed). */
static X509 *keyinfo_cert(xmlNodePtr signature, int *present)
{
	xmlNodePtr ki = vv_child(signature, VV_NS_DSIG, "KeyInfo");
	xmlNodePtr x509data = vv_child(ki, VV_NS_DSIG, "X509Data");
	xmlNodePtr certnode = vv_child(x509data, VV_NS_DSIG, "X509Certificate");
	*present = certnode != NULL;
	return certnode ? vv_cert_from_base64(certnode) : NULL;
}

/* Verify with one pinned key; 1 when the signature and every reference hold
 * (xmlsec marks the whole signature invalid when one reference fails). */
static int verify_with_pin(xmlNodePtr signature, X509 *pin)
{
	xmlSecDSigCtxPtr dctx = xmlSecDSigCtxCreate(NULL);
	if (!dctx)
		return 0;
	dctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
	dctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	dctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	int ok = 0;
	EVP_PKEY *pkey = X509_get_pubkey(pin);
	xmlSecKeyDataPtr data = pkey ? xmlSecOpenSSLEvpKeyAdopt(pkey) : NULL;
	xmlSecKeyPtr key = data ? xmlSecKeyCreate() : NULL;
	if (!data)
		EVP_PKEY_free(pkey);
	if (key && xmlSecKeySetValue(key, data) == 0) {
		data = NULL;
		dctx->signKey = key;
		key = NULL;
		if (xmlSecDSigCtxVerify(dctx, signature) == 0 && dctx->status == xmlSecDSigStatusSucceeded)
			ok = 1;
	}
	if (data)
		xmlSecKeyDataDestroy(data);
	if (key)
		xmlSecKeyDestroy(key);
	xmlSecDSigCtxDestroy(dctx);
	ERR_clear_error();
	return ok;
}

static const EVP_MD *digest_for(const char *uri)
{
	if (!uri)
		return NULL;
	if (strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha256") == 0) return EVP_sha256();
	if (strcmp(uri, "http://www.w3.org/2001/04/xmldsig-more#sha384") == 0) return EVP_sha384();
	if (strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha512") == 0) return EVP_sha512();
	if (strcmp(uri, "http://www.w3.org/2007/05/xmldsig-more#sha3-256") == 0) return EVP_sha3_256();
	if (strcmp(uri, "http://www.w3.org/2007/05/xmldsig-more#sha3-512") == 0) return EVP_sha3_512();
	return NULL;
}

#define SHA1_URI "http://www.w3.org/2000/09/xmldsig#sha1"

/* 1: the CertDigest names signer; 2: it does, with SHA-1; 0: it does not;
 * -1: its algorithm is not allowed. A CertDigest identifies a certificate
 * the signature already verified with, it protects nothing: SHA-1 there is
 * accepted with a warning, as EU DSS does (the EU's 2019 lists use it). */
static int cert_digest_matches(xmlNodePtr cert_node, X509 *signer)
{
	xmlNodePtr cd = vv_child(cert_node, VV_NS_XADES, "CertDigest");
	xmlNodePtr dm = vv_child(cd, VV_NS_DSIG, "DigestMethod");
	xmlChar *alg = dm ? xmlGetProp(dm, (const xmlChar *)"Algorithm") : NULL;
	const EVP_MD *md = digest_for((const char *)alg);
	int sha1 = !md && alg && strcmp((const char *)alg, SHA1_URI) == 0;
	xmlFree(alg);
	if (sha1)
		md = EVP_sha1();
	if (!md)
		return -1;
	char *b64 = vv_text(vv_child(cd, VV_NS_DSIG, "DigestValue"));
	unsigned char want[EVP_MAX_MD_SIZE + 4], got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	int want_len = b64 ? EVP_DecodeBlock(want, (unsigned char *)b64, (int)strlen(b64)) : -1;
	if (b64 && want_len > 0)
		for (size_t n = strlen(b64); n > 0 && b64[n - 1] == '='; n--)
			want_len--;
	free(b64);
	if (want_len <= 0 || X509_digest(signer, md, got, &got_len) != 1)
		return 0;
	int same = (unsigned)want_len == got_len && memcmp(want, got, got_len) == 0;
	return same ? (sha1 ? 2 : 1) : 0;
}

static vntl_status check_xades_binding(xmlNodePtr signature, X509 *signer, int *v2,
                                       char *warning, size_t warning_len, vntl_error *err)
{
	xmlNodePtr sp = NULL;
	for (xmlNodePtr obj = vv_child(signature, VV_NS_DSIG, "Object"); obj && !sp;
	     obj = vv_next(obj, VV_NS_DSIG, "Object"))
		sp = vv_child(vv_child(obj, VV_NS_XADES, "QualifyingProperties"), VV_NS_XADES,
		              "SignedProperties");
	xmlNodePtr ssp = vv_child(sp, VV_NS_XADES, "SignedSignatureProperties");
	xmlNodePtr sc = vv_child(ssp, VV_NS_XADES, "SigningCertificateV2");
	*v2 = sc != NULL;
	if (!sc)
		sc = vv_child(ssp, VV_NS_XADES, "SigningCertificate");
	if (!sc)
		return vv_fail(err, VNTL_ERR_REFUSED, "xades-signing-certificate",
		               "the SignedProperties have no SigningCertificate(V2)");
	int weak = 0, sha1_match = 0;
	for (xmlNodePtr c = vv_child(sc, VV_NS_XADES, "Cert"); c; c = vv_next(c, VV_NS_XADES, "Cert")) {
		int m = cert_digest_matches(c, signer);
		if (m == 1)
			goto signing_time;
		if (m == 2)
			sha1_match = 1;
		if (m < 0)
			weak = 1;
	}
	if (sha1_match) {
		snprintf(warning, warning_len, "the SigningCertificate CertDigest uses SHA-1 (accepted "
		         "for a certificate reference, as EU DSS does; annex I asks for SHA-2)");
		goto signing_time;
	}
	return vv_fail(err, VNTL_ERR_REFUSED, weak ? "algorithm-forbidden" : "xades-signing-certificate",
	               weak ? "the SigningCertificate digest uses an algorithm annex I does not allow"
	                    : "no SigningCertificate(V2) CertDigest matches the certificate that "
	                      "verified the signature");
signing_time:;
	char *text = vv_text(vv_child(ssp, VV_NS_XADES, "SigningTime"));
	time_t when;
	int parsed = text && vv_parse_time(text, &when);
	free(text);
	if (!parsed)
		return vv_fail(err, VNTL_ERR_REFUSED, "xades-signing-time",
		               "the SignedProperties have no readable SigningTime");
	if (X509_cmp_time(X509_get0_notBefore(signer), &when) > 0 ||
	    X509_cmp_time(X509_get0_notAfter(signer), &when) < 0)
		return vv_fail(err, VNTL_ERR_REFUSED, "xades-signing-time",
		               "the SigningTime is outside the signer certificate's validity");
	return VNTL_OK;
}

vntl_status vv_verify_signature(xmlDocPtr doc, STACK_OF(X509) *pins, vv_signature *out,
                                vntl_error *err)
{
	memset(out, 0, sizeof *out);
	xmlNodePtr signature = vv_child(xmlDocGetRootElement(doc), VV_NS_DSIG, "Signature");
	if (!pins || sk_X509_num(pins) == 0)
		return vv_fail(err, VNTL_ERR_USAGE, "signer-not-configured",
		               "no signer certificate is pinned: give the certificate(s) allowed to "
		               "sign this list");
	int claimed_present;
	X509 *claimed = keyinfo_cert(signature, &claimed_present);
	X509 *signer = NULL;
	/* The pin KeyInfo names is tried first; a document can only choose the
	 * order, never the key. */
	for (int pass = 0; pass < 2 && !signer; pass++)
		for (int i = 0; i < sk_X509_num(pins) && !signer; i++) {
			X509 *pin = sk_X509_value(pins, i);
			if ((pass == 0) != same_cert(pin, claimed))
				continue;
			if (verify_with_pin(signature, pin))
				signer = pin;
		}
	if (!signer) {
		int unpinned = claimed && verify_with_pin(signature, claimed);
		vv_signature_clear(out);
		X509_free(claimed);
		if (unpinned)
			return vv_fail(err, VNTL_ERR_REFUSED, "signer-not-pinned",
			               "the list is validly signed, but by a certificate that is not pinned; "
			               "pin the list operator's signer certificate if it really is theirs");
		return vv_fail(err, VNTL_ERR_REFUSED, "signature-invalid",
		               "the signature does not verify with any of the %d pinned signer "
		               "certificate(s): the list was altered or signed by an unpinned key",
		               sk_X509_num(pins));
	}
	int keyinfo_ok = claimed_present ? same_cert(claimed, signer) : 1;
	X509_free(claimed);
	if (!keyinfo_ok) {
		vv_signature_clear(out);
		return vv_fail(err, VNTL_ERR_REFUSED, "keyinfo-mismatch",
		               "the KeyInfo certificate is not the pinned certificate whose key "
		               "verified the signature");
	}
	const char *weak_key = vv_annex1_key_problem(signer);
	if (weak_key) {
		char subject[256];
		vv_name_text(X509_get_subject_name(signer), subject, sizeof subject);
		vv_signature_clear(out);
		return vv_fail(err, VNTL_ERR_REFUSED, "algorithm-forbidden",
		               "the list is signed by \"%s\" with a key annex I does not allow (%s), "
		               "although that certificate is pinned", subject, weak_key);
	}
	vntl_status st = check_xades_binding(signature, signer, &out->signing_certificate_v2,
	                                     out->warning, sizeof out->warning, err);
	if (st != VNTL_OK) {
		vv_signature_clear(out);
		return st;
	}
	X509_up_ref(signer);
	out->signer = signer;
	return VNTL_OK;
}

void vv_signature_clear(vv_signature *sig)
{
	X509_free(sig->signer);
	memset(sig, 0, sizeof *sig);
}
