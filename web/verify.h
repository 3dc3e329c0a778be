/* What vntld checks before it serves a list: the list's own XAdES
 * signature, verified with libvntl (the configured list signer pinned,
 * vntl's built-in TS 119 612 profile), its TSLSequenceNumber and the list
 * it says it is. Also a bounded memory of the archive versions already
 * verified, so that a version is verified once, not on every download.
 *
 * Returns 0, or -1 with the reason in the caller's buffer; web_verifier_recall
 * 1 verified, 0 refused, -1 not remembered; web_verifier_signer_pem NULL when out
 * of memory.
 */
#ifndef VNTL_WEB_VERIFY_H
#define VNTL_WEB_VERIFY_H

#include <stddef.h>
#include <time.h>

struct web_verifier;

/* What a verified list says about itself. */
struct web_verified {
	long long sequence;
	time_t issued;
	time_t next_update;
};

/* A verifier pinning the certificate(s) in `signer_cert` (PEM or DER).
 * 0, or -1 with a message naming the file. */
int web_verifier_new(const char *signer_cert, struct web_verifier **out, char *err,
		     size_t errlen);
void web_verifier_free(struct web_verifier *v);

/* Verifies `data` as version `sequence` of list `list` ("roots"): a valid
 * signature by the pinned signer over the whole document, valid against
 * vntl's profile, TSLSequenceNumber equal to `sequence` and a
 * DistributionPoints URI ending in "/<list>.xml" (so a genuine list cannot
 * be served under another list's name). Freshness is not judged here: a
 * list past its NextUpdate is still the list that was published (/healthz
 * reports it). 0, or -1 with the reason. Thread-safe (calls are
 * serialised). */
int web_verify_list(struct web_verifier *v, const char *list, long long sequence,
		    const unsigned char *data, size_t len, struct web_verified *out, char *why,
		    size_t whylen);

/* Verifies index.json's bytes as the signed index (a JWS, README "Signed
 * index") with libvntl: signed by a pinned signer, its members in clear
 * those it signed. 0, or -1 with the reason. Thread-safe. */
int web_verify_index(struct web_verifier *v, const unsigned char *data, size_t len, char *why,
		     size_t whylen);

/* The pinned signer certificate(s) as PEM (malloc'd, *len bytes), for
 * /signer.pem; NULL when out of memory. */
char *web_verifier_signer_pem(const struct web_verifier *v, size_t *len);
/* How many certificates are pinned, and the SHA-256 (hex, of the DER) of
 * the i-th: what a relying party pins out of band. */
size_t web_verifier_signer_count(const struct web_verifier *v);
void web_verifier_signer_sha256(const struct web_verifier *v, size_t i, char out[65]);

/* The verdict remembered for archive file `name` with bytes of SHA-256
 * `sha256`: 1 verified, 0 refused, -1 not remembered. The memory is a
 * fixed number of slots (WEB_VERIFIED_SLOTS), whatever the archive holds. */
#define WEB_VERIFIED_SLOTS 4096
int web_verifier_recall(struct web_verifier *v, const char *name, const char *sha256);
void web_verifier_remember(struct web_verifier *v, const char *name, const char *sha256,
			   int verified);

#endif
