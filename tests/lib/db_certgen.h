/* Test certificates made on the fly with OpenSSL (weak keys, look-alikes). */
#ifndef VNTL_TESTS_DB_CERTGEN_H
#define VNTL_TESTS_DB_CERTGEN_H

#include <stddef.h>

enum db_certgen_key { DB_CERTGEN_RSA1024, DB_CERTGEN_RSA2048, DB_CERTGEN_P224, DB_CERTGEN_P256 };

/* Self-signed certificate, DER (malloc'd). `subject_of` (DER of a
 * certificate, may be NULL) lends its subject, copied in reversed RDN order
 * as UTF8String (a look-alike); otherwise CN=`cn`. `ca` adds
 * basicConstraints CA:TRUE and keyUsage keyCertSign. `md_name` e.g. "SHA256". */
unsigned char *db_certgen(enum db_certgen_key key, const char *md_name, int ca, const char *cn,
			  const unsigned char *subject_of, size_t subject_of_len, size_t *len);

#endif
