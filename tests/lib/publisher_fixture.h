/* Test helpers for the publisher: an in-memory demo PKI, hand-built registry
 * snapshots (until and besides db_snapshot_load), signing keys on disk. */
#ifndef VNTL_TESTS_PUBLISHER_FIXTURE_H
#define VNTL_TESTS_PUBLISHER_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/sizes.h"
#include "db/snapshot.h"
#include "publisher/publish.h"

struct publisher_signer;

/* A key pair: EC "P-256"/"P-384" or RSA of `bits` (curve NULL). */
EVP_PKEY *pf_key(const char *curve, int bits);

/* A certificate for `key`, issued by (issuer, issuer_key) or self-signed when
 * issuer is NULL; CA or end-entity (digitalSignature+nonRepudiation). */
X509 *pf_cert(EVP_PKEY *key, const char *cn, long serial, X509 *issuer, EVP_PKEY *issuer_key,
	      int is_ca, int64_t not_before, int64_t not_after);

/* DER of a certificate into malloc'd memory. */
unsigned char *pf_der(X509 *cert, size_t *len);

/* The snapshot of a small registry at time `now`:
 *  NEAC (1 root, granted), government CA (1 root, granted),
 *  public CA "Demo Public CA A" (2 certificates: one granted, one granted then
 *  withdrawn 10 days ago), public CA "B" (1 granted, withdrawn in 5 days),
 *  foreign provider (1 recognised, 1 recognised -> suspended -> recognised).
 * Every service has a certificate signed by one CA. */
struct db_snapshot *pf_snapshot(int64_t now);

/* A snapshot with one foreign provider and `n` recognised certificates
 * (bench and scale tests). */
struct db_snapshot *pf_snapshot_foreign(int64_t now, size_t n);

/* Free a snapshot built by these helpers: the registry's own
 * db_snapshot_free, since they allocate field by field as it does. */
void pf_snapshot_free(struct db_snapshot *snap);

/* Find a service by id in a snapshot (NULL if none). */
struct db_service *pf_service(struct db_snapshot *snap, int64_t id);

/* Append a status to a service's timeline (must be the newest). */
void pf_add_status(struct db_service *svc, enum db_status status, int64_t effective,
		   const char *decision);

/* Write `key` (PKCS#8 PEM, encrypted with `pass` when not NULL) and `cert`
 * (PEM) to dir/name.key and dir/name.pem. Returns 0 or -1. */
int pf_write_signer(const char *dir, const char *name, EVP_PKEY *key, X509 *cert,
		    const char *pass);

/* A P-256 list signer "DEMO NEAC list signer" valid from not_before to
 * not_after, written to dir/name.{key,pem} and opened as the publisher
 * opens it; NULL (with a message on stderr) on failure. */
struct publisher_signer *pf_signer(const char *dir, const char *name, int64_t not_before,
				   int64_t not_after);

/* What the publish tests start from: the pf_snapshot registry at `now`, a
 * signer valid for a year, and a publish configuration writing to
 * <tmp>/<out_name> (not created). NULL on failure (message on stderr). */
struct pf_publish_fixture {
	struct db_snapshot *snap;
	struct publisher_signer *signer;
	struct publish_config cfg;
	char out[VNTL_PATH_MAX];
	char dir[4000];
};
struct pf_publish_fixture *pf_publish_fixture_new(const char *out_name, const char *signer_name,
						  int64_t now);
void pf_publish_fixture_free(struct pf_publish_fixture *f);

/* $VNTL_TMP or /tmp. */
const char *pf_tmpdir(void);

#endif
