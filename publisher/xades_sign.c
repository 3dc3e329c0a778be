/* XAdES-BES signing with xmlsec: we build the template and the qualifying
 * properties; xmlsec computes every digest and the signature value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "common/base64.h"
#include "publisher/certinfo.h"

#include "common/rfc3339.h"
#include "publisher/tsl_uris.h"
#include "publisher/xades.h"
#include "vntl.h"

static int crypto_started;

/* xmlsec reports each failing step on stderr; the caller's error message
 * already says what failed, so its trace only shows with VNTL_DEBUG set. */
static void xmlsec_log(const char *file, int line, const char *func, const char *object,
		       const char *subject, int reason, const char *msg)
{
	(void)file;
	(void)line;
	if (getenv("VNTL_DEBUG"))
		fprintf(stderr, "level=debug component=xmlsec func=%s object=%s subject=%s reason=%d msg=\"%s\"\n",
			func ? func : "", object ? object : "", subject ? subject : "", reason,
			msg ? msg : "");
}

/* xmlsec is set up once per process by the validator library, which the
 * self-check uses too; it is never shut down while the process may still
 * verify a list. */
int publisher_crypto_init(void)
{
	if (crypto_started)
		return 0;
	if (vntl_init(NULL) != VNTL_OK)
		return -1;
	xmlSecErrorsSetCallback(xmlsec_log);
	crypto_started = 1;
	return 0;
}

void publisher_crypto_shutdown(void)
{
	if (!crypto_started)
		return;
	crypto_started = 0;
}

/* xades:SigningCertificateV2/Cert: digest of the certificate (DER, not XML:
 * no canonicalisation involved) and the RFC 5035 IssuerSerial. */
static int add_signing_certificate(xmlNodePtr ssp, xmlNsPtr xades, xmlNsPtr ds,
				   struct publisher_signer *signer, char *err, size_t errlen)
{
	unsigned char *der = NULL, *issuer_serial = NULL;
	char *digest_b64 = NULL, *is_b64 = NULL;
	int rc = -1;
	int der_len = i2d_X509(signer->cert, &der);
	size_t is_len = certinfo_issuer_serial_der(signer->cert, &issuer_serial);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD *md_alg = EVP_MD_fetch(NULL, signer->digest_name, NULL);
	if (der_len <= 0 || is_len == 0 || !md_alg ||
	    !EVP_Digest(der, (size_t)der_len, md, &md_len, md_alg, NULL)) {
		snprintf(err, errlen, "cannot compute the signing certificate's digest");
		goto done;
	}
	digest_b64 = base64_encode(md, md_len);
	is_b64 = base64_encode(issuer_serial, is_len);
	if (!digest_b64 || !is_b64) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	xmlNodePtr cert = xmlNewChild(xmlNewChild(ssp, xades, BAD_CAST "SigningCertificateV2", NULL),
				      xades, BAD_CAST "Cert", NULL);
	xmlNodePtr cd = xmlNewChild(cert, xades, BAD_CAST "CertDigest", NULL);
	xmlNodePtr dm = xmlNewChild(cd, ds, BAD_CAST "DigestMethod", NULL);
	xmlNewProp(dm, BAD_CAST "Algorithm", signer->digest_method->href);
	xmlNewChild(cd, ds, BAD_CAST "DigestValue", BAD_CAST digest_b64);
	xmlNewChild(cert, xades, BAD_CAST "IssuerSerialV2", BAD_CAST is_b64);
	rc = 0;
done:
	EVP_MD_free(md_alg);
	OPENSSL_free(der);
	OPENSSL_free(issuer_serial);
	free(digest_b64);
	free(is_b64);
	return rc;
}

static int add_qualifying_properties(xmlDocPtr doc, xmlNodePtr sig,
				     struct publisher_signer *signer, int64_t signing_time,
				     char *err, size_t errlen)
{
	xmlNodePtr obj = xmlSecTmplSignatureAddObject(sig, NULL, NULL, NULL);
	xmlNsPtr ds = xmlSearchNsByHref(doc, sig, xmlSecDSigNs);
	if (!obj || !ds) {
		snprintf(err, errlen, "cannot build the signature template");
		return -1;
	}
	xmlNodePtr qp = xmlNewChild(obj, NULL, BAD_CAST "QualifyingProperties", NULL);
	xmlNsPtr xades = xmlNewNs(qp, BAD_CAST XADES_NS, BAD_CAST "xades");
	xmlSetNs(qp, xades);
	xmlNewProp(qp, BAD_CAST "Target", BAD_CAST "#" XADES_SIGNATURE_ID);
	xmlNodePtr sp = xmlNewChild(qp, xades, BAD_CAST "SignedProperties", NULL);
	xmlAttrPtr id = xmlNewProp(sp, BAD_CAST "Id", BAD_CAST XADES_SIGNED_PROPS_ID);
	/* xmlsec resolves "#id" through the document's ID table. */
	if (!xmlAddID(NULL, doc, BAD_CAST XADES_SIGNED_PROPS_ID, id)) {
		snprintf(err, errlen, "cannot register the SignedProperties Id");
		return -1;
	}
	xmlNodePtr ssp = xmlNewChild(sp, xades, BAD_CAST "SignedSignatureProperties", NULL);
	char when[32];
	rfc3339_format(signing_time, when);
	xmlNewChild(ssp, xades, BAD_CAST "SigningTime", BAD_CAST when);
	if (add_signing_certificate(ssp, xades, ds, signer, err, errlen) < 0)
		return -1;
	xmlNodePtr dof = xmlNewChild(xmlNewChild(sp, xades, BAD_CAST "SignedDataObjectProperties", NULL),
				     xades, BAD_CAST "DataObjectFormat", NULL);
	xmlNewProp(dof, BAD_CAST "ObjectReference", BAD_CAST "#" XADES_LIST_REFERENCE_ID);
	xmlNewChild(dof, xades, BAD_CAST "MimeType", BAD_CAST "text/xml");
	return 0;
}

static xmlNodePtr build_template(xmlDocPtr doc, struct publisher_signer *signer)
{
	xmlNodePtr sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
							 signer->sign_method,
							 BAD_CAST XADES_SIGNATURE_ID, BAD_CAST "ds");
	if (!sig)
		return NULL;
	xmlAddChild(xmlDocGetRootElement(doc), sig);
	xmlNodePtr list_ref = xmlSecTmplSignatureAddReference(
		sig, signer->digest_method, BAD_CAST XADES_LIST_REFERENCE_ID, BAD_CAST "", NULL);
	xmlNodePtr props_ref = xmlSecTmplSignatureAddReference(
		sig, signer->digest_method, NULL, BAD_CAST "#" XADES_SIGNED_PROPS_ID,
		BAD_CAST XADES_SIGNED_PROPS_TYPE);
	xmlNodePtr key_info = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	xmlNodePtr x509 = key_info ? xmlSecTmplKeyInfoAddX509Data(key_info) : NULL;
	if (!list_ref || !props_ref || !x509 ||
	    !xmlSecTmplReferenceAddTransform(list_ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(list_ref, xmlSecTransformExclC14NId) ||
	    !xmlSecTmplReferenceAddTransform(props_ref, xmlSecTransformExclC14NId) ||
	    !xmlSecTmplX509DataAddCertificate(x509)) {
		xmlUnlinkNode(sig);
		xmlFreeNode(sig);
		return NULL;
	}
	return sig;
}

xmlNodePtr xades_prepare(xmlDocPtr doc, struct publisher_signer *signer, int64_t signing_time,
			 char *err, size_t errlen)
{
	xmlNodePtr sig = build_template(doc, signer);
	if (!sig) {
		snprintf(err, errlen, "cannot build the signature template");
		return NULL;
	}
	if (add_qualifying_properties(doc, sig, signer, signing_time, err, errlen) < 0)
		return NULL;
	return sig;
}

/* The signer's own SignatureValue over the canonical SignedInfo xmlsec kept
 * (XMLSEC_DSIG_FLAGS_STORE_SIGNATURE), in place of the stand-in key's. */
static int replace_signature_value(xmlSecDSigCtxPtr ctx, struct publisher_signer *signer, char *err,
				   size_t errlen)
{
	xmlSecBufferPtr signed_info = xmlSecDSigCtxGetPreSignBuffer(ctx);
	if (!signed_info || !ctx->signValueNode || xmlSecBufferGetSize(signed_info) == 0) {
		snprintf(err, errlen, "xmlsec kept no canonical SignedInfo to sign");
		return -1;
	}
	unsigned char *value = NULL;
	size_t value_len = 0;
	if (signer->ops->sign_value(signer, xmlSecBufferGetData(signed_info), xmlSecBufferGetSize(signed_info),
				    &value, &value_len, err, errlen) < 0)
		return -1;
	char *b64 = base64_encode(value, value_len);
	OPENSSL_free(value);
	if (!b64) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	xmlNodeSetContent(ctx->signValueNode, BAD_CAST b64);
	free(b64);
	return 0;
}

int xades_sign(xmlDocPtr doc, struct publisher_signer *signer, int64_t signing_time, char *err,
	       size_t errlen)
{
	xmlNodePtr sig = xades_prepare(doc, signer, signing_time, err, errlen);
	if (!sig)
		return -1;
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx) {
		snprintf(err, errlen, "cannot create the xmlsec signature context");
		return -1;
	}
	ctx->signKey = signer->ops->make_key(signer, err, errlen);
	if (signer->ops->sign_value)
		ctx->flags |= XMLSEC_DSIG_FLAGS_STORE_SIGNATURE;
	int rc = -1;
	if (ctx->signKey) {
		if (xmlSecDSigCtxSign(ctx, sig) < 0)
			snprintf(err, errlen, "xmlsec could not sign the list with the %s key",
				 signer->key_desc);
		else if (!signer->ops->sign_value || replace_signature_value(ctx, signer, err, errlen) == 0)
			rc = 0;
	}
	xmlSecDSigCtxDestroy(ctx);
	return rc;
}
