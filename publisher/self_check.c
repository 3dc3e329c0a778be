/* Self-check of a signed list with libxml2 + xmlsec (see self_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>

#include "publisher/certinfo.h"
#include "publisher/profile.h"
#include "publisher/self_check.h"
#include "publisher/tsl_uris.h"

#define SHA1_MARK "sha1"

static xmlChar *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	if (!ctx)
		return NULL;
	xmlXPathRegisterNs(ctx, BAD_CAST "tsl", BAD_CAST TSL_NS);
	xmlXPathRegisterNs(ctx, BAD_CAST "ds", xmlSecDSigNs);
	xmlXPathRegisterNs(ctx, BAD_CAST "xades", BAD_CAST XADES_NS);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static int parse_utc(const char *s, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	if (!end || *end)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static int check_freshness(xmlDocPtr doc, int64_t last_sequence, int64_t now, char *err,
			   size_t errlen)
{
	xmlChar *seq = xpath_string(doc, "string(/tsl:TrustServiceStatusList/tsl:SchemeInformation/tsl:TSLSequenceNumber)");
	xmlChar *next = xpath_string(doc, "string(/tsl:TrustServiceStatusList/tsl:SchemeInformation/tsl:NextUpdate/tsl:dateTime)");
	int rc = -1;
	int64_t next_t = 0;
	long long seq_n = seq ? strtoll((const char *)seq, NULL, 10) : 0;
	if (seq_n <= last_sequence)
		snprintf(err, errlen, "sequence number %lld is not greater than the last published %lld",
			 seq_n, (long long)last_sequence);
	else if (!next || parse_utc((const char *)next, &next_t) < 0)
		snprintf(err, errlen, "NextUpdate is missing or not a UTC time");
	else if (next_t <= now)
		snprintf(err, errlen, "NextUpdate %s is not in the future", (const char *)next);
	else
		rc = 0;
	xmlFree(seq);
	xmlFree(next);
	return rc;
}

/* The one signature, a child of the root. */
static xmlNodePtr find_signature(xmlDocPtr doc, char *err, size_t errlen)
{
	xmlChar *count = xpath_string(doc, "count(//ds:Signature)");
	int n = count ? atoi((const char *)count) : 0;
	xmlFree(count);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr sig = xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs);
	if (n != 1 || !sig) {
		snprintf(err, errlen, "expected exactly one ds:Signature, a child of the root (found %d)", n);
		return NULL;
	}
	return sig;
}

static int attr_is(xmlNodePtr node, const char *name, const char *value)
{
	xmlChar *v = xmlGetProp(node, BAD_CAST name);
	int eq = v && strcmp((const char *)v, value) == 0;
	xmlFree(v);
	return eq;
}

/* The references as the profile wants them, read from the XML itself. */
static int check_references(xmlNodePtr sig, char *err, size_t errlen)
{
	xmlNodePtr si = xmlSecFindChild(sig, xmlSecNodeSignedInfo, xmlSecDSigNs);
	xmlNodePtr refs[3] = {NULL, NULL, NULL};
	int n = 0;
	for (xmlNodePtr c = si ? si->children : NULL; c; c = c->next)
		if (xmlSecCheckNodeName(c, xmlSecNodeReference, xmlSecDSigNs) && n < 3)
			refs[n++] = c;
	if (n != 2) {
		snprintf(err, errlen, "signature must have exactly 2 references (found %d)", n);
		return -1;
	}
	if (!attr_is(refs[0], "URI", "")) {
		snprintf(err, errlen, "first reference must cover the whole document (URI=\"\")");
		return -1;
	}
	xmlNodePtr transforms = xmlSecFindChild(refs[0], xmlSecNodeTransforms, xmlSecDSigNs);
	const char *expected[2] = {(const char *)xmlSecHrefEnveloped, (const char *)xmlSecHrefExcC14N};
	int t = 0;
	for (xmlNodePtr c = transforms ? transforms->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (t >= 2 || !attr_is(c, "Algorithm", expected[t])) {
			snprintf(err, errlen, "first reference: only enveloped-signature then exc-c14n transforms are allowed");
			return -1;
		}
		t++;
	}
	if (t != 2) {
		snprintf(err, errlen, "first reference: enveloped-signature and exc-c14n transforms are required");
		return -1;
	}
	if (!attr_is(refs[1], "Type", XADES_SIGNED_PROPS_TYPE)) {
		snprintf(err, errlen, "second reference must be the XAdES SignedProperties");
		return -1;
	}
	return 0;
}

static xmlSecKeyPtr pinned_key(X509 *cert)
{
	EVP_PKEY *pub = X509_get_pubkey(cert);
	if (!pub)
		return NULL;
	xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(pub);
	if (!data) {
		EVP_PKEY_free(pub);
		return NULL;
	}
	xmlSecKeyPtr key = xmlSecKeyCreate();
	if (!key || xmlSecKeySetValue(key, data) < 0) {
		xmlSecKeyDataDestroy(data);
		if (key)
			xmlSecKeyDestroy(key);
		return NULL;
	}
	return key;
}

static int register_signed_properties_id(xmlDocPtr doc, xmlNodePtr sig, char *err, size_t errlen)
{
	xmlNodePtr obj = xmlSecFindChild(sig, xmlSecNodeObject, xmlSecDSigNs);
	xmlNodePtr qp = obj ? xmlSecFindChild(obj, BAD_CAST "QualifyingProperties", BAD_CAST XADES_NS) : NULL;
	xmlNodePtr sp = qp ? xmlSecFindChild(qp, BAD_CAST "SignedProperties", BAD_CAST XADES_NS) : NULL;
	xmlAttrPtr id = sp ? xmlHasProp(sp, BAD_CAST "Id") : NULL;
	xmlChar *value = id ? xmlNodeGetContent((xmlNodePtr)id) : NULL;
	int rc = -1;
	if (!value)
		snprintf(err, errlen, "no xades:SignedProperties with an Id in the signature");
	else if (!xmlAddID(NULL, doc, value, id))
		snprintf(err, errlen, "SignedProperties Id '%s' is not unique", (const char *)value);
	else
		rc = 0;
	xmlFree(value);
	return rc;
}

static int verify_signature(xmlNodePtr sig, X509 *signer, char *err, size_t errlen)
{
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx) {
		snprintf(err, errlen, "cannot create the xmlsec verification context");
		return -1;
	}
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	ctx->signKey = pinned_key(signer);
	int rc = -1;
	if (!ctx->signKey)
		snprintf(err, errlen, "cannot use the signer certificate's public key");
	else if (xmlSecDSigCtxVerify(ctx, sig) < 0 || ctx->status != xmlSecDSigStatusSucceeded)
		snprintf(err, errlen, "signature does not verify with the signer certificate");
	else if (ctx->signMethod && strstr((const char *)ctx->signMethod->id->href, SHA1_MARK))
		snprintf(err, errlen, "signature uses SHA-1");
	else
		rc = 0;
	xmlSecDSigCtxDestroy(ctx);
	return rc;
}

/* SigningCertificateV2 must name the certificate that verified the signature. */
static int check_cert_digest(xmlDocPtr doc, X509 *signer, char *err, size_t errlen)
{
	xmlChar *alg = xpath_string(doc, "string(/*/ds:Signature/ds:Object/xades:QualifyingProperties/xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningCertificateV2/xades:Cert/xades:CertDigest/ds:DigestMethod/@Algorithm)");
	xmlChar *value = xpath_string(doc, "string(/*/ds:Signature/ds:Object/xades:QualifyingProperties/xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningCertificateV2/xades:Cert/xades:CertDigest/ds:DigestValue)");
	xmlChar *when = xpath_string(doc, "string(/*/ds:Signature/ds:Object/xades:QualifyingProperties/xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningTime)");
	static const struct { const char *href, *name; } algs[] = {
		{"http://www.w3.org/2001/04/xmlenc#sha256", "SHA256"},
		{"http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA384"},
		{"http://www.w3.org/2001/04/xmlenc#sha512", "SHA512"},
	};
	const char *name = NULL;
	for (size_t i = 0; alg && i < sizeof algs / sizeof algs[0]; i++)
		if (strcmp((const char *)alg, algs[i].href) == 0)
			name = algs[i].name;
	int rc = -1;
	int64_t t;
	unsigned char *der = NULL;
	int der_len = i2d_X509(signer, &der);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char *b64 = NULL;
	if (!name) {
		snprintf(err, errlen, "SigningCertificateV2 missing or its digest is not SHA-256/384/512");
	} else if (der_len <= 0 || !EVP_Digest(der, (size_t)der_len, md, &md_len, EVP_get_digestbyname(name), NULL) ||
		   !(b64 = certinfo_base64(md, md_len)) || strcmp(b64, (const char *)value) != 0) {
		snprintf(err, errlen, "SigningCertificateV2 does not name the signer certificate");
	} else if (!when || parse_utc((const char *)when, &t) < 0) {
		snprintf(err, errlen, "SigningTime is missing or not a UTC time");
	} else if (X509_cmp_time(X509_get0_notBefore(signer), &(time_t){(time_t)t}) >= 0 ||
		   X509_cmp_time(X509_get0_notAfter(signer), &(time_t){(time_t)t}) <= 0) {
		snprintf(err, errlen, "SigningTime %s is outside the signer certificate's validity", (const char *)when);
	} else {
		rc = 0;
	}
	OPENSSL_free(b64);
	OPENSSL_free(der);
	xmlFree(alg);
	xmlFree(value);
	xmlFree(when);
	return rc;
}

/* KeyInfo carries exactly the signer certificate (TS 119 612 5.7.1). */
static int check_key_info(xmlDocPtr doc, X509 *signer, char *err, size_t errlen)
{
	xmlChar *count = xpath_string(doc, "count(/*/ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate)");
	xmlChar *b64 = xpath_string(doc, "string(/*/ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate)");
	unsigned char *der = NULL;
	int der_len = i2d_X509(signer, &der);
	char *expected = der_len > 0 ? certinfo_base64(der, (size_t)der_len) : NULL;
	int rc = -1;
	if (b64) { /* xmlsec wraps base64 lines: compare without whitespace */
		char *w = (char *)b64;
		for (char *r = (char *)b64; *r; r++)
			if (*r != '\n' && *r != '\r' && *r != ' ' && *r != '\t')
				*w++ = *r;
		*w = '\0';
	}
	if (!count || strcmp((const char *)count, "1") != 0)
		snprintf(err, errlen, "KeyInfo must hold exactly one X509Certificate");
	else if (!expected || !b64 || strcmp(expected, (const char *)b64) != 0)
		snprintf(err, errlen, "KeyInfo certificate is not the signer certificate");
	else
		rc = 0;
	OPENSSL_free(der);
	OPENSSL_free(expected);
	xmlFree(count);
	xmlFree(b64);
	return rc;
}

int publisher_self_check(const unsigned char *xml, size_t len, X509 *signer,
			 int64_t last_sequence, int64_t now, char *err, size_t errlen)
{
	xmlDocPtr doc = xmlReadMemory((const char *)xml, (int)len, NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		snprintf(err, errlen, "self-check: the list is not well-formed XML");
		return -1;
	}
	char why[512] = "";
	int rc = -1;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr sig = NULL;
	if (doc->intSubset)
		snprintf(why, sizeof why, "a DOCTYPE is not allowed");
	else if (!root || !xmlSecCheckNodeName(root, BAD_CAST "TrustServiceStatusList", BAD_CAST TSL_NS))
		snprintf(why, sizeof why, "root is not tsl:TrustServiceStatusList");
	else if (profile_validate(doc, why, sizeof why) < 0)
		;
	else if (!(sig = find_signature(doc, why, sizeof why)))
		;
	else if (check_references(sig, why, sizeof why) < 0 ||
		 register_signed_properties_id(doc, sig, why, sizeof why) < 0 ||
		 verify_signature(sig, signer, why, sizeof why) < 0 ||
		 check_cert_digest(doc, signer, why, sizeof why) < 0 ||
		 check_key_info(doc, signer, why, sizeof why) < 0 ||
		 check_freshness(doc, last_sequence, now, why, sizeof why) < 0)
		;
	else
		rc = 0;
	if (rc < 0)
		snprintf(err, errlen, "self-check: %s", why);
	xmlFreeDoc(doc);
	return rc;
}
