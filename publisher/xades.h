/* Enveloped XAdES-BES (baseline B) signature of a whole list, with xmlsec.
 *
 * Returns 0, or -1 with the reason in the caller's err (xades_prepare: the
 * signature node, or NULL with the reason); publisher_crypto_init 0 or -1.
 */
#ifndef VNTL_PUBLISHER_XADES_H
#define VNTL_PUBLISHER_XADES_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "publisher/signer.h"

/* Ids inside the signature (one signature per list, so fixed names). */
#define XADES_SIGNATURE_ID "vntl-signature"
#define XADES_SIGNED_PROPS_ID "vntl-signed-properties"
#define XADES_LIST_REFERENCE_ID "vntl-reference-list"

/* Start xmlsec and its OpenSSL backend once per process (0 or -1), and stop it. */
int publisher_crypto_init(void);
void publisher_crypto_shutdown(void);

/* Append ds:Signature as the last child of the root and sign: Reference
 * URI="" (enveloped-signature + exc-c14n), Reference to SignedProperties
 * (SigningTime = signing_time, SigningCertificateV2 with CertDigest and
 * IssuerSerialV2), KeyInfo with the signer certificate; SignedInfo in
 * exc-c14n. Returns 0, or -1 with the reason in `err`. */
int xades_sign(xmlDocPtr doc, struct publisher_signer *signer, int64_t signing_time, char *err,
	       size_t errlen);

/* The same signature template with its qualifying properties, unsigned:
 * what xades_sign signs (the benchmark hands it to `xmlsec1 --sign`). */
xmlNodePtr xades_prepare(xmlDocPtr doc, struct publisher_signer *signer, int64_t signing_time,
			 char *err, size_t errlen);

#endif
