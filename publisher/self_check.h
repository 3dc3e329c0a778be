/* The publisher's check of its own output before anything is published.
 * One function, so the validator library (validator/) can take its place
 * with one change. */
#ifndef VNTL_PUBLISHER_SELF_CHECK_H
#define VNTL_PUBLISHER_SELF_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

/* Check the serialized list exactly as it will be published:
 *  - well-formed, no DTD, root tsl:TrustServiceStatusList;
 *  - valid against vntl's XSD profile;
 *  - exactly one ds:Signature, child of the root; its first Reference is
 *    URI="" with enveloped-signature + exc-c14n only, its second the XAdES
 *    SignedProperties; no SHA-1; xmlsec verifies it with the public key of
 *    `signer` (pinned, the KeyInfo is not trusted); CertDigest matches `signer`;
 *  - TSLSequenceNumber > last_sequence (0: nothing published yet);
 *  - NextUpdate after `now`.
 * Returns 0, or -1 with the first failure in `err`. */
int publisher_self_check(const unsigned char *xml, size_t len, X509 *signer,
			 int64_t last_sequence, int64_t now, char *err, size_t errlen);

#endif
