/* Small file helpers shared by the unit tests; a missing or malformed file
 * aborts the test with a message. */
#ifndef VNTL_TEST_FILES_H
#define VNTL_TEST_FILES_H

#include <stddef.h>

/* The whole file, followed by a NUL that is not counted in *len. */
unsigned char *tf_read_file(const char *path, size_t *len);
/* The first certificate of a PEM file, as DER (free with OPENSSL_free). */
unsigned char *tf_pem_cert_der(const char *path, size_t *len);

#endif
