/* Lowercase hex, and the SHA-256 hex digest that names files, certificates
 * and audit entries: the one copy every program and library outside libvntl
 * uses (libvntl keeps its own).
 *
 * Nothing here fails: the functions fill the caller's buffer.
 */
#ifndef VNTL_COMMON_HEX_H
#define VNTL_COMMON_HEX_H

#include <stddef.h>

/* 64 hex digits and a NUL */
#define SHA256_HEX_BUF 65

/* n bytes as 2n lowercase hex digits and a NUL into out (2n + 1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* SHA-256 of data as 64 lowercase hex digits; "" if OpenSSL fails, which
 * matches no digest, so whatever it is compared with is refused. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_BUF]);

#endif
