/* What the lists say about a certificate, computed with OpenSSL.
 *
 * Functions returning int give 0, or -1 (no text: the caller names the
 * certificate); those returning a pointer give NULL, and a length 0, on failure.
 */
#ifndef VNTL_PUBLISHER_CERTINFO_H
#define VNTL_PUBLISHER_CERTINFO_H

#include <stddef.h>
#include <openssl/x509.h>

/* What the lists need from a certificate, found by walking its DER with
 * OpenSSL's DER reader. d2i_X509 costs ~300 us per certificate in OpenSSL
 * 3.0 (it decodes the public key through the provider decoders), which
 * dominated building a list of 10,000 certificates. */
struct cert_fields {
	const unsigned char *subject;  /* the subject Name, DER with its header */
	long subject_len;
	const unsigned char *key;      /* subjectPublicKey bits (after the unused-bits byte) */
	long key_len;
	const unsigned char *ski;      /* subjectKeyIdentifier extension value, or NULL */
	long ski_len;
};

/* 0 when `der` is exactly one well-formed certificate structure, -1 otherwise. */
int certinfo_fields(const unsigned char *der, size_t len, struct cert_fields *out);

/* Subject (RFC 4514, UTF-8) and SKI (extension, else SHA-1 of the key bits)
 * from the fields; caller frees the subject with OPENSSL_free. 0 or -1. */
int certinfo_subject_and_ski(const struct cert_fields *f, char **subject, unsigned char *ski,
			     size_t *ski_len);


/* Subject as an RFC 4514 string in UTF-8 (caller frees). */
char *certinfo_subject(X509 *cert);

/* Subject key identifier: the certificate's extension, else the SHA-1 of the
 * subjectPublicKey bits (RFC 5280 4.2.1.2 method 1). Returns its length
 * (20 for the computed form), 0 on failure. */
size_t certinfo_ski(X509 *cert, unsigned char *out, size_t outlen);

/* IssuerSerial of RFC 5035 (GeneralNames with the issuer's directoryName,
 * serial number), DER, as XAdES IssuerSerialV2 wants it. Caller frees
 * with OPENSSL_free. Returns the length, 0 on failure. */
size_t certinfo_issuer_serial_der(X509 *cert, unsigned char **out);

#endif
