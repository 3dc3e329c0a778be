/* The signed index: index.json as a JWS (RFC 7515, flattened JSON
 * serialization) signed with the list signer, through the signer object so
 * that a token's key signs it in the token. Format: README.md "Signed
 * index"; verified by libvntl (vntl_index_verify).
 *
 * publisher_index_sign returns 0, or -1 with the reason in the caller's err;
 * publisher_index_alg returns the JWS alg name, or NULL for a key it cannot sign with.
 */
#ifndef VNTL_PUBLISHER_INDEX_JWS_H
#define VNTL_PUBLISHER_INDEX_JWS_H

#include <stddef.h>
#include <jansson.h>

#include "publisher/signer.h"

/* The JWS algorithm of the signer's key: ES256 (EC P-256), ES384 (P-384),
 * RS256/RS384/RS512 (RSA, after publish.digest); NULL for another key. */
const char *publisher_index_alg(const struct publisher_signer *signer);

/* Signs `index` (its compact JSON is the payload): *text (malloc'd,
 * NUL-terminated, *len bytes, ending in a newline) is the index's members in
 * clear followed by "protected", "payload" and "signature". 0, or -1 with
 * the reason in err. */
int publisher_index_sign(struct publisher_signer *signer, json_t *index, char **text, size_t *len,
			 char *err, size_t errlen);

#endif
