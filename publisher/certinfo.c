/* Certificate fields for the lists: subject, SKI, IssuerSerial. */
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "publisher/certinfo.h"

char *certinfo_subject(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio)
		return NULL;
	/* RFC 2253 order and escaping, but keep UTF-8 as UTF-8 (Vietnamese names). */
	unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
	char *out = NULL;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, flags) >= 0) {
		char *data;
		long n = BIO_get_mem_data(bio, &data);
		out = OPENSSL_malloc((size_t)n + 1);
		if (out) {
			memcpy(out, data, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(bio);
	return out;
}

size_t certinfo_ski(X509 *cert, unsigned char *out, size_t outlen)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert);
	if (ski) {
		size_t n = (size_t)ASN1_STRING_length(ski);
		if (n == 0 || n > outlen)
			return 0;
		memcpy(out, ASN1_STRING_get0_data(ski), n);
		return n;
	}
	unsigned int n = 0;
	if (outlen < 20 || !X509_pubkey_digest(cert, EVP_sha1(), out, &n))
		return 0;
	return n;
}

size_t certinfo_issuer_serial_der(X509 *cert, unsigned char **out)
{
	*out = NULL;
	GENERAL_NAMES *names = GENERAL_NAMES_new();
	GENERAL_NAME *name = GENERAL_NAME_new();
	X509_NAME *issuer = X509_NAME_dup(X509_get_issuer_name(cert));
	size_t result = 0;
	if (!names || !name || !issuer)
		goto done;
	GENERAL_NAME_set0_value(name, GEN_DIRNAME, issuer);
	issuer = NULL;
	if (!sk_GENERAL_NAME_push(names, name))
		goto done;
	name = NULL;
	int names_len = i2d_GENERAL_NAMES(names, NULL);
	int serial_len = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), NULL);
	if (names_len <= 0 || serial_len <= 0)
		goto done;
	int body = names_len + serial_len;
	int total = ASN1_object_size(1, body, V_ASN1_SEQUENCE);
	unsigned char *der = OPENSSL_malloc((size_t)total);
	if (!der)
		goto done;
	unsigned char *p = der;
	ASN1_put_object(&p, 1, body, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	i2d_GENERAL_NAMES(names, &p);
	i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &p);
	*out = der;
	result = (size_t)total;
done:
	X509_NAME_free(issuer);
	GENERAL_NAME_free(name);
	GENERAL_NAMES_free(names);
	return result;
}

/* One DER element at *p (bounded by end): its tag, class, content; *p moves
 * past the header. -1 on a malformed or indefinite-length element. */
static int der_next(const unsigned char **p, const unsigned char *end, int *tag, int *cls,
		    long *len)
{
	if (*p >= end)
		return -1;
	int ret = ASN1_get_object(p, len, tag, cls, end - *p);
	if ((ret & 0x80) || ret == 0x21)
		return -1;
	return 0;
}

/* Step over one element; 0 or -1. */
static int der_skip(const unsigned char **p, const unsigned char *end)
{
	int tag, cls;
	long len;
	if (der_next(p, end, &tag, &cls, &len) < 0)
		return -1;
	*p += len;
	return 0;
}

static int find_ski(const unsigned char *p, const unsigned char *end, struct cert_fields *out)
{
	static const unsigned char SKI_OID[] = {0x06, 0x03, 0x55, 0x1d, 0x0e};
	int tag, cls;
	long len;
	if (der_next(&p, end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE)
		return -1;
	while (p < end) {
		const unsigned char *ext_end;
		if (der_next(&p, end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE)
			return -1;
		ext_end = p + len;
		int is_ski = ext_end - p > (long)sizeof SKI_OID && memcmp(p, SKI_OID, sizeof SKI_OID) == 0;
		if (der_skip(&p, ext_end) < 0) /* extnID */
			return -1;
		while (p < ext_end) {
			if (der_next(&p, ext_end, &tag, &cls, &len) < 0)
				return -1;
			if (tag == V_ASN1_OCTET_STRING && is_ski) {
				/* extnValue holds a DER OCTET STRING: the identifier */
				const unsigned char *q = p;
				long inner;
				if (der_next(&q, p + len, &tag, &cls, &inner) < 0 || tag != V_ASN1_OCTET_STRING)
					return -1;
				out->ski = q;
				out->ski_len = inner;
			}
			p += len;
		}
	}
	return 0;
}

int certinfo_fields(const unsigned char *der, size_t der_len, struct cert_fields *out)
{
	memset(out, 0, sizeof *out);
	const unsigned char *p = der, *end = der + der_len;
	int tag, cls;
	long len;
	if (der_next(&p, end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE || p + len != end)
		return -1;
	if (der_next(&p, end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE) /* tbsCertificate */
		return -1;
	const unsigned char *tbs_end = p + len;
	const unsigned char *peek = p;
	if (der_next(&peek, tbs_end, &tag, &cls, &len) < 0)
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 && der_skip(&p, tbs_end) < 0) /* version */
		return -1;
	for (int i = 0; i < 4; i++) /* serial, signature, issuer, validity */
		if (der_skip(&p, tbs_end) < 0)
			return -1;
	out->subject = p;
	if (der_next(&p, tbs_end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE)
		return -1;
	p += len;
	out->subject_len = p - out->subject;
	if (der_next(&p, tbs_end, &tag, &cls, &len) < 0 || tag != V_ASN1_SEQUENCE) /* spki */
		return -1;
	const unsigned char *spki_end = p + len;
	if (der_skip(&p, spki_end) < 0 || der_next(&p, spki_end, &tag, &cls, &len) < 0 ||
	    tag != V_ASN1_BIT_STRING || len < 2)
		return -1;
	out->key = p + 1;
	out->key_len = len - 1;
	p = spki_end;
	while (p < tbs_end) {
		const unsigned char *elem = p;
		if (der_next(&p, tbs_end, &tag, &cls, &len) < 0)
			return -1;
		if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 3 && find_ski(p, p + len, out) < 0)
			return -1;
		p += len;
		(void)elem;
	}
	return p == tbs_end ? 0 : -1;
}

int certinfo_subject_and_ski(const struct cert_fields *f, char **subject, unsigned char *ski,
			     size_t *ski_len)
{
	*subject = NULL;
	const unsigned char *p = f->subject;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, f->subject_len);
	if (!name)
		return -1;
	BIO *bio = BIO_new(BIO_s_mem());
	unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
	if (bio && X509_NAME_print_ex(bio, name, 0, flags) >= 0) {
		char *data;
		long n = BIO_get_mem_data(bio, &data);
		*subject = OPENSSL_malloc((size_t)n + 1);
		if (*subject) {
			memcpy(*subject, data, (size_t)n);
			(*subject)[n] = '\0';
		}
	}
	BIO_free(bio);
	X509_NAME_free(name);
	if (!*subject)
		return -1;
	if (f->ski && f->ski_len > 0 && (size_t)f->ski_len <= *ski_len) {
		memcpy(ski, f->ski, (size_t)f->ski_len);
		*ski_len = (size_t)f->ski_len;
		return 0;
	}
	unsigned int n = 0;
	if (*ski_len < 20 || !EVP_Digest(f->key, (size_t)f->key_len, ski, &n, EVP_sha1(), NULL)) {
		OPENSSL_free(*subject);
		*subject = NULL;
		return -1;
	}
	*ski_len = n;
	return 0;
}
