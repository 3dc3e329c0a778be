/* Base64 (RFC 4648) for every program and library outside libvntl (which
 * keeps its own, validator/ depends on nothing of ours): OpenSSL's
 * EVP_EncodeBlock / EVP_DecodeBlock, wrapped once here.
 *
 * Returns a malloc'd result the caller frees, or NULL (out of memory; when
 * decoding, also empty or not base64); no error text.
 */
#ifndef VNTL_COMMON_BASE64_H
#define VNTL_COMMON_BASE64_H

#include <stddef.h>

/* len bytes as standard base64 with padding, no line breaks; malloc'd,
 * NULL when out of memory or too large for OpenSSL (over INT_MAX/2). */
char *base64_encode(const unsigned char *data, size_t len);

/* The same in base64url without padding (RFC 7515 §2). */
char *base64url_encode(const unsigned char *data, size_t len);

/* n characters of standard base64 with its padding into malloc'd bytes
 * (*out_len of them); blanks and line breaks between them are dropped.
 * NULL when it is empty, not base64, or out of memory. */
unsigned char *base64_decode(const char *text, size_t n, size_t *out_len);

#endif
