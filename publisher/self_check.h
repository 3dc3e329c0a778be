/* The publisher's check of its own output before anything is published.
 *
 * Returns 0, or -1 with the first failure in the caller's err.
 */
#ifndef VNTL_PUBLISHER_SELF_CHECK_H
#define VNTL_PUBLISHER_SELF_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

/* Check the serialized list exactly as it will be published:
 *  - accepted by the validator library (validator/, what relying parties
 *    run) against vntl's XSD profile, with `signer` as the only pinned
 *    signer and judged at `now`: well-formed, no DTD, one signature
 *    covering the whole list, XAdES binding to the signer, annex I
 *    algorithms, NextUpdate not passed;
 *  - TSLSequenceNumber > last_sequence (0: nothing published yet);
 *  - NextUpdate after `now`.
 * Returns 0, or -1 with the first failure in `err`. */
int publisher_self_check(const unsigned char *xml, size_t len, X509 *signer,
			 int64_t last_sequence, int64_t now, char *err, size_t errlen);

#endif
