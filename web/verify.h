/* What vntld checks before it serves a list: the list's own XAdES
 * signature, verified with libvntl (the configured list signer pinned,
 * vntl's built-in TS 119 612 profile), its TSLSequenceNumber and the list
 * it says it is. Also a bounded memory of the archive versions already
 * verified, so that a version is verified once, not on every download.
 *
 * Returns 0, or -1 with the reason in the caller's buffer; web_verifier_recall
 * 1 verified, 0 refused, -1 not remembered; web_verifier_set_registry_signers
 * 1 changed, 0 unchanged, -1; web_verifier_signer_pem NULL when out of memory.
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

/* What a pinned signer certificate is to relying parties. */
enum web_signer_role {
	WEB_SIGNER_CURRENT,  /* signs the lists now: /signer.pem */
	WEB_SIGNER_NEXT,     /* announced: signs them after the switch */
	WEB_SIGNER_PREVIOUS, /* signed them before the last switch */
	WEB_SIGNER_ACCEPTED, /* in server.signer_cert, no longer current: its lists are still served */
};

/* A verifier pinning the certificate(s) in `signer_cert` (PEM or DER),
 * all current until web_verifier_set_registry_signers says otherwise.
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

/* A certificate of a signer kept in the registry (db/signers.h). */
struct web_signer_cert {
	const unsigned char *der;
	size_t len;
	enum web_signer_role role;
};

/* Pin the registry's signers besides server.signer_cert's: lists signed by
 * any of them are served. The registry's current signer makes
 * server.signer_cert's accepted rather than current; a certificate in both
 * takes the registry's role. 1 when the pinned set changed (archive
 * verdicts are forgotten), 0 when it did not, -1 with why (the pins stay).
 * Call it, and the four functions below, from the thread that loads
 * publications. */
int web_verifier_set_registry_signers(struct web_verifier *v, const struct web_signer_cert *certs, size_t n,
				      char *err, size_t errlen);

/* The current signer certificate(s) as PEM (malloc'd, *len bytes), for
 * /signer.pem; NULL when out of memory. */
char *web_verifier_signer_pem(const struct web_verifier *v, size_t *len);
/* How many certificates are pinned, the SHA-256 (hex, of the DER) of the
 * i-th — what a relying party pins out of band — and its role. */
size_t web_verifier_signer_count(const struct web_verifier *v);
void web_verifier_signer_sha256(const struct web_verifier *v, size_t i, char out[65]);
enum web_signer_role web_verifier_signer_role(const struct web_verifier *v, size_t i);

/* The verdict remembered for archive file `name` with bytes of SHA-256
 * `sha256`: 1 verified, 0 refused, -1 not remembered. The memory is a
 * fixed number of slots (WEB_VERIFIED_SLOTS), whatever the archive holds. */
#define WEB_VERIFIED_SLOTS 4096
int web_verifier_recall(struct web_verifier *v, const char *name, const char *sha256);
void web_verifier_remember(struct web_verifier *v, const char *name, const char *sha256,
			   int verified);

#endif
