/* What a trust store needs of a certificate (its subject name hash and its
 * validity), read from its DER without d2i_X509: OpenSSL 3.0 decodes the
 * public key through its provider decoders on d2i_X509, which makes 10,000
 * anchors cost seconds. The certificate's frame is walked with
 * ASN1_get_object and each field of RFC 5280's Certificate is decoded with
 * OpenSSL's own d2i for its type, so a DER that d2i_X509 would refuse for
 * its structure is refused here too; only the key stays undecoded (which
 * d2i_X509 does not refuse a certificate for either: it drops a key it
 * cannot decode). */
#include "vv_internal.h"

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <limits.h>
#include <string.h>
#include <time.h>

/* One TLV at *p (before end): where it starts, its class, tag and content;
 * *p moves past it. Definite lengths only (DER). */
struct tlv {
	const unsigned char *start, *content;
	long len;
	int tag, cls, constructed;
};

static int next_tlv(const unsigned char **p, const unsigned char *end, struct tlv *t)
{
	if (*p >= end)
		return -1;
	const unsigned char *q = *p;
	int r = ASN1_get_object(&q, &t->len, &t->tag, &t->cls, (long)(end - *p));
	if (r & 0x80 || r == 0x21) /* malformed, or an indefinite length */
		return -1;
	t->start = *p;
	t->constructed = r & V_ASN1_CONSTRUCTED;
	t->content = q;
	*p = q + t->len;
	return 0;
}

static int is_universal(const struct tlv *t, int tag, int constructed)
{
	return t->cls == V_ASN1_UNIVERSAL && t->tag == tag && !!t->constructed == constructed;
}

/* The bytes from..to decoded as one `it`, consuming them exactly; the value
 * in *out when out is given (the caller frees it), else freed. */
static int decode(const ASN1_ITEM *it, const unsigned char *from, const unsigned char *to,
		  ASN1_VALUE **out)
{
	const unsigned char *in = from;
	ASN1_VALUE *v = ASN1_item_d2i(NULL, &in, (long)(to - from), it);
	int ok = v && in == to;
	if (ok && out)
		*out = v;
	else
		ASN1_item_free(v, it);
	return ok ? 0 : -1;
}

static int decode_tlv(const ASN1_ITEM *it, const struct tlv *t)
{
	return decode(it, t->start, t->content + t->len, NULL);
}

/* An AlgorithmIdentifier then a BIT STRING, and nothing after: a
 * certificate's signature, or a SubjectPublicKeyInfo (its key left encoded). */
static int algorithm_and_bits(const unsigned char *p, const unsigned char *end)
{
	struct tlv alg, bits;
	if (next_tlv(&p, end, &alg) != 0 || decode_tlv(ASN1_ITEM_rptr(X509_ALGOR), &alg) != 0 ||
	    next_tlv(&p, end, &bits) != 0 || decode_tlv(ASN1_ITEM_rptr(ASN1_BIT_STRING), &bits) != 0)
		return -1;
	return p == end ? 0 : -1;
}

/* X509_NAME_hash_ex of the Name t: what X509_subject_name_hash gives. */
static int name_hash(const struct tlv *t, unsigned long *hash)
{
	X509_NAME *name = NULL;
	if (decode(ASN1_ITEM_rptr(X509_NAME), t->start, t->content + t->len, (ASN1_VALUE **)&name) != 0)
		return -1;
	int ok = 1;
	if (hash)
		*hash = X509_NAME_hash_ex(name, NULL, NULL, &ok);
	X509_NAME_free(name);
	return ok ? 0 : -1;
}

/* A time that cannot be read leaves times_ok 0: the certificate still
 * decodes (as with d2i_X509), but is within its validity at no time. */
static int validity(const struct tlv *t, vv_der_cert *out)
{
	X509_VAL *val = NULL;
	if (decode(ASN1_ITEM_rptr(X509_VAL), t->start, t->content + t->len, (ASN1_VALUE **)&val) != 0)
		return -1;
	struct tm tm;
	out->times_ok = ASN1_TIME_to_tm(val->notBefore, &tm) == 1;
	out->not_before = out->times_ok ? timegm(&tm) : 0;
	out->times_ok = out->times_ok && ASN1_TIME_to_tm(val->notAfter, &tm) == 1;
	out->not_after = out->times_ok ? timegm(&tm) : 0;
	X509_VAL_free(val);
	return 0;
}

/* [1] issuerUniqueID, [2] subjectUniqueID (IMPLICIT BIT STRING), [3]
 * extensions (EXPLICIT), each at most once and in that order. */
static int optional_fields(const unsigned char *p, const unsigned char *end)
{
	struct tlv t;
	for (int last = 0; p < end; last = t.tag) {
		if (next_tlv(&p, end, &t) != 0 || t.cls != V_ASN1_CONTEXT_SPECIFIC || t.tag <= last ||
		    t.tag > 3)
			return -1;
		if (t.tag == 3 ? !t.constructed ||
				 decode(ASN1_ITEM_rptr(X509_EXTENSIONS), t.content, t.content + t.len, NULL) != 0
			       : t.constructed || t.len < 1 || t.content[0] > 7)
			return -1;
	}
	return 0;
}

/* version, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, then the optional fields. */
static int tbs_certificate(const unsigned char *p, const unsigned char *end, vv_der_cert *out)
{
	struct tlv t;
	if (next_tlv(&p, end, &t) != 0)
		return -1;
	if (t.cls == V_ASN1_CONTEXT_SPECIFIC && t.tag == 0) { /* [0] EXPLICIT version */
		if (!t.constructed ||
		    decode(ASN1_ITEM_rptr(ASN1_INTEGER), t.content, t.content + t.len, NULL) != 0 ||
		    next_tlv(&p, end, &t) != 0)
			return -1;
	}
	if (!is_universal(&t, V_ASN1_INTEGER, 0) || decode_tlv(ASN1_ITEM_rptr(ASN1_INTEGER), &t) != 0)
		return -1;
	if (next_tlv(&p, end, &t) != 0 || decode_tlv(ASN1_ITEM_rptr(X509_ALGOR), &t) != 0)
		return -1;
	if (next_tlv(&p, end, &t) != 0 || name_hash(&t, NULL) != 0) /* issuer */
		return -1;
	if (next_tlv(&p, end, &t) != 0 || validity(&t, out) != 0)
		return -1;
	if (next_tlv(&p, end, &t) != 0 || name_hash(&t, &out->subject_hash) != 0)
		return -1;
	if (next_tlv(&p, end, &t) != 0 || !is_universal(&t, V_ASN1_SEQUENCE, 1) ||
	    algorithm_and_bits(t.content, t.content + t.len) != 0)
		return -1;
	return optional_fields(p, end);
}

int vv_der_cert_read(const unsigned char *der, size_t len, vv_der_cert *out)
{
	struct tlv cert, tbs;
	const unsigned char *p = der, *end = der + len;
	memset(out, 0, sizeof *out);
	if (!der || len == 0 || len > LONG_MAX || next_tlv(&p, end, &cert) != 0 ||
	    !is_universal(&cert, V_ASN1_SEQUENCE, 1) || p != end)
		return -1;
	p = cert.content;
	end = cert.content + cert.len;
	if (next_tlv(&p, end, &tbs) != 0 || !is_universal(&tbs, V_ASN1_SEQUENCE, 1) ||
	    tbs_certificate(tbs.content, tbs.content + tbs.len, out) != 0)
		return -1;
	return algorithm_and_bits(p, end); /* signatureAlgorithm, signatureValue */
}

vntl_status vntl_cert_subject_hash(const unsigned char *der, size_t len, unsigned long *hash,
                                   vntl_error *err)
{
	if (!der || !hash)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_cert_subject_hash: NULL argument");
	vv_der_cert cert;
	if (vv_der_cert_read(der, len, &cert) != 0)
		return vv_fail(err, VNTL_ERR_INPUT, "certificate-malformed",
		               "%zu bytes of DER are not an X.509 certificate", len);
	*hash = cert.subject_hash;
	return VNTL_OK;
}
