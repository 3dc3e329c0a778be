/* Certificate fields for the lists: base64, subject, SKI, IssuerSerial. */
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "publisher/certinfo.h"

char *certinfo_base64(const unsigned char *data, size_t len)
{
	char *out = OPENSSL_malloc(4 * ((len + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

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

void certinfo_sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[32];
	static const char hex[] = "0123456789abcdef";
	EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}
