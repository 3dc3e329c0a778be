/* Certificates: parsing what staff import (PEM or DER, single, PEM bundle,
 * PKCS#7 .p7b DER or PEM-armoured), the import policy (annex I of circular
 * 001: RSA >= 2048, ECDSA >= 256, SHA-2 / SHA-3 signatures; CA services need
 * basicConstraints CA:TRUE and keyCertSign), look-alike detection, and the
 * registry's certificate listings.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h). db_cert_issued_by is a predicate
 * (1 yes, 0 no).
 */
#ifndef VNTL_DB_CERTS_H
#define VNTL_DB_CERTS_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"

struct db;

#define DB_SVCTYPE_CA_PKC "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC"
#define DB_SVCTYPE_PREFIX "http://uri.etsi.org/TrstSvc/Svctype/"

/* One parsed certificate. */
struct db_cert_info {
	unsigned char *der;
	size_t der_len;
	char sha256[65];        /* of the DER, lowercase hex */
	char spki_sha256[65];   /* of the SubjectPublicKeyInfo: identifies the key */
	char *subject;          /* RFC 2253 */
	char *subject_norm;     /* attribute set, order/case/string-type insensitive */
	char *issuer;
	char *common_name;      /* subject CN, or the subject when it has none */
	char *serial;           /* hex */
	int64_t not_before, not_after;
	char key_type[16];      /* "RSA", "RSA-PSS", "EC", or the OpenSSL name */
	int key_bits;
	char sig_alg[64];       /* e.g. "sha256WithRSAEncryption" */
	int sig_hash_nid;       /* NID of the signature's hash, 0 if none */
	int self_signed;        /* subject == issuer and the signature verifies with its own key */
	int is_ca;              /* basicConstraints CA:TRUE */
	int key_cert_sign;      /* keyUsage keyCertSign (or no keyUsage extension) */
};

struct db_cert_bundle {
	struct db_cert_info *certs;
	size_t count;
};

/* Parse `data`; `source` names it in messages (a file name). 0 ok, 1 refused
 * (not a certificate, truncated, trailing garbage, empty bundle). */
int db_cert_parse(const unsigned char *data, size_t len, const char *source,
		  struct db_cert_bundle *out, char *err, size_t errlen);
void db_cert_bundle_free(struct db_cert_bundle *bundle);

/* The import policy for one certificate offered as a service of type
 * `service_type`. 0 ok, 1 refused with a message naming certificate and rule. */
int db_cert_check_policy(const struct db_cert_info *c, const char *service_type, char *err, size_t errlen);

/* 1 when `c` names the certificate `issuer_der` (DER) as its issuer (same
 * subject name, byte for byte as X509_NAME_cmp compares) and its signature
 * verifies with that certificate's key; else 0. */
int db_cert_issued_by(const struct db_cert_info *c, const unsigned char *issuer_der, size_t issuer_len);

struct db_import_options {
	int64_t tsp_id;
	const char *actor;              /* user with the officer role */
	const char *service_type;       /* NULL: Svctype/CA/PKC */
	const char *confirm_lookalike;  /* SHA-256 of the one look-alike the officer accepts */
	const char *confirm_self_signed; /* SHA-256 of a self-signed certificate accepted under a public CA */
	const char *decision_ref;       /* legal basis of the initial status (required) */
	const char *reason;             /* NULL: "initial import" */
	int64_t effective;              /* date of the decision: the first status starts then (required, not 0) */
	int history;                    /* an expired certificate is accepted (to check old signatures) */
	int64_t withdrawn_at;           /* 0, or when it was withdrawn since (a second timeline entry) */
	const char *name_vi, *name_en;  /* service names; NULL: the subject CN */
};

enum db_import_outcome {
	DB_IMPORT_ADDED = 1,
	DB_IMPORT_ALREADY_PRESENT = 2,  /* same bytes already in the registry: reported, not an error */
	DB_IMPORT_SKIPPED_ROOT = 3,     /* a root bundled with a public CA's certificate (chain only) */
};

struct db_import_item {
	enum db_import_outcome outcome;
	char sha256[65];
	char *subject;
	int64_t service_id;             /* added: the new service; present: its service */
	char lookalike_of[65];          /* non-empty when a confirmed look-alike was added */
};

struct db_import_report {
	struct db_import_item *items;
	size_t count;
};

/* Import a file's certificates as services of one TSP, all or nothing, with
 * an initial status (granted; recognised for foreign TSPs) from the decision
 * date `effective`, and an audit entry per certificate. The certificate's
 * place in the PKI is checked: under a NEAC or government CA TSP a
 * self-signed certificate is a root, any other must be issued by a
 * certificate registered under such a TSP; so must a public CA's, where a
 * self-signed one needs `confirm_self_signed` (the root bundled in a .p7b
 * is skipped); foreign certificates need no Vietnamese root. Self-signed
 * certificates of a bundle are imported first, so that a bundle may carry
 * its own root. An expired certificate needs `history`.
 * 0 ok, 1 refused (nothing imported), -1 error.
 * On a look-alike refusal the message names both fingerprints. */
int db_cert_import(struct db *db, const unsigned char *data, size_t len, const char *source,
		   const struct db_import_options *opt, struct db_import_report *report,
		   char *err, size_t errlen);
void db_import_report_free(struct db_import_report *report);

/* A registered certificate and its service, for list / show. */
struct db_cert_row {
	int64_t service_id;
	int64_t tsp_id;
	enum db_tsp_kind tsp_kind;
	char sha256[65];
	char *subject, *issuer, *serial, *type_uri, *name_en;
	int64_t not_before, not_after;
	char key_type[16];
	int key_bits;
	char sig_alg[64];
	enum db_status status_now;      /* status in force now */
	int64_t status_since;
	struct db_status_entry *timeline;  /* show only: oldest first */
	size_t timeline_count;
};

/* All services (tsp_id 0) or those of one TSP, by service id. */
int db_cert_list(struct db *db, int64_t tsp_id, struct db_cert_row **out, size_t *count, char *err, size_t errlen);
/* One page of that: service id > after_service, at most `limit` (0 = all). */
int db_cert_list_page(struct db *db, int64_t tsp_id, int64_t after_service, size_t limit,
		      struct db_cert_row **out, size_t *count, char *err, size_t errlen);
/* By service id ("12") or SHA-256 prefix (at least 8 hex digits). 0, 1 not found / ambiguous, -1. */
int db_cert_show(struct db *db, const char *key, struct db_cert_row *out, char *err, size_t errlen);
void db_cert_rows_free(struct db_cert_row *rows, size_t count);
void db_cert_row_clear(struct db_cert_row *row);

/* "granted", "withdrawn", "recognised", "suspended"; parse returns 0 or 1. */
const char *db_status_name(enum db_status s);
int db_status_parse(const char *text, enum db_status *out);
const char *db_tsp_kind_name(enum db_tsp_kind k);
int db_tsp_kind_parse(const char *text, enum db_tsp_kind *out);

#endif
