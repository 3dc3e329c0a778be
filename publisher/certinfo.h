/* What the lists say about a certificate, computed with OpenSSL. */
#ifndef VNTL_PUBLISHER_CERTINFO_H
#define VNTL_PUBLISHER_CERTINFO_H

#include <stddef.h>
#include <openssl/x509.h>

/* Base64 without line breaks (caller frees), NULL on allocation failure. */
char *certinfo_base64(const unsigned char *data, size_t len);

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

/* Lowercase hex SHA-256 of `len` bytes into out[65]. */
void certinfo_sha256_hex(const unsigned char *data, size_t len, char out[65]);

#endif
