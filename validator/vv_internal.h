/* Internal declarations shared by the validator's modules (not installed). */
#ifndef VV_INTERNAL_H
#define VV_INTERNAL_H

#include "vntl.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <openssl/x509.h>
#include <pthread.h>

#define VV_NS_TSL   "http://uri.etsi.org/02231/v2#"
#define VV_NS_DSIG  "http://www.w3.org/2000/09/xmldsig#"
#define VV_NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define VV_STATUS_PREFIX "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"

#ifndef VNTL_SCHEMA_DIR
#define VNTL_SCHEMA_DIR "/usr/local/share/vntl/schema"
#endif
#define VV_SCHEMA_FILE "tsl.xsd"
#define VV_MAX_DEPTH 64
/* Room for a path: PATH_MAX and a suffix added to one (".tmp.<pid>",
 * ".meta"); libvntl's copy of common/sizes.h's VNTL_PATH_MAX. */
#define VV_PATH_MAX (PATH_MAX + 104)
/* The longest cache directory or schema path accepted: the names libvntl
 * puts below them ("/fetch-<32 hex>.body.tmp.<pid>", the schema's file
 * name) take less than the rest of PATH_MAX. */
#define VV_DIR_MAX (PATH_MAX - 128)

/* errors */
vntl_status vv_fail(vntl_error *err, vntl_status st, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* one event to the context's log callback, if it has one and level is high enough */
void vv_log(const vntl_ctx *ctx, vntl_log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* one-time initialisation of libxml2 / xmlsec / OpenSSL */
int vv_global_init(void);

/* time */
int vv_parse_time(const char *text, time_t *out);           /* RFC 3339 / xs:dateTime */
void vv_format_time(time_t t, char *buf, size_t len);        /* 2026-01-02T03:04:05Z */
/* For people in Vietnam: "2026-12-01T08:00:00Z (15:00 ICT)", with the date
 * when it differs ("2026-12-01T20:00:00Z (2026-12-02 03:00 ICT)"). */
time_t vv_asn1_time(const ASN1_TIME *t);

/* files */
vntl_status vv_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         vntl_error *err);
vntl_status vv_load_certs(const char *path, STACK_OF(X509) *into, vntl_error *err);
vntl_status vv_load_crls(const char *path, STACK_OF(X509_CRL) *into, vntl_error *err);
/* the same for bytes in memory (PEM blocks, or exactly one DER object);
 * name labels them in errors */
vntl_status vv_certs_from_memory(const unsigned char *data, size_t len, const char *name,
                                 STACK_OF(X509) *into, vntl_error *err);
vntl_status vv_crls_from_memory(const unsigned char *data, size_t len, const char *name,
                                STACK_OF(X509_CRL) *into, vntl_error *err);
/* SHA-256 as 64 lowercase hex digits: 0, or -1 with out "" (which names
 * nothing and matches no digest) when OpenSSL fails. */
__attribute__((warn_unused_result)) int vv_sha256_hex(const unsigned char *data, size_t len,
                                                      char out[65]);
__attribute__((warn_unused_result)) int vv_cert_sha256_hex(X509 *cert, char out[65]);
void vv_name_text(const X509_NAME *name, char *out, size_t len); /* RFC 2253, UTF-8 */

/* A certificate's subject name hash (X509_NAME_hash_ex, as
 * X509_subject_name_hash gives it) and validity, from its DER without
 * d2i_X509 (vv_der.c): 0 when the DER is one certificate whose every field
 * decodes (its public key is not decoded), else -1. times_ok is 0 when
 * notBefore or notAfter is not a readable time. */
typedef struct {
	unsigned long subject_hash;
	time_t not_before, not_after;
	int times_ok;
} vv_der_cert;
int vv_der_cert_read(const unsigned char *der, size_t len, vv_der_cert *out);

/* vntl's own TS 119 612 profile (schema/), built in; NULL if it does not compile */
xmlSchemaPtr vv_profile_compile(void);

/* XML */
vntl_status vv_parse_xml(const unsigned char *data, size_t len, xmlDocPtr *out, vntl_error *err);
/* the file read in chunks, never held whole; refused past max bytes */
vntl_status vv_parse_xml_file(const char *path, size_t max, xmlDocPtr *out, vntl_error *err);
int vv_is(const xmlNode *node, const char *ns, const char *name);
xmlNodePtr vv_child(const xmlNode *parent, const char *ns, const char *name);
xmlNodePtr vv_next(const xmlNode *after, const char *ns, const char *name);
char *vv_text(const xmlNode *node); /* trimmed content, malloc'd ("" if none) */
/* A TSPName's or ServiceName's Name in each language: the one with that
 * xml:lang, else the first; indexed by vntl_language, malloc'd (NULL only
 * when out of memory). */
typedef struct {
	char *in[2];
} vv_names;
void vv_names_read(const xmlNode *parent, vv_names *out);
void vv_names_free(vv_names *n);
void vv_copy_text(const xmlNode *node, char *dst, size_t len); /* trimmed, truncated */
/* cuts a UTF-8 sequence left incomplete at the end by truncation */
void vv_trim_partial_utf8(char *text);
X509 *vv_cert_from_base64(const xmlNode *node);
/* the DER bytes of a base64 element, malloc'd; NULL if empty or not base64 */
unsigned char *vv_der_from_base64(const xmlNode *node, size_t *len);

/* signature of a list */
typedef struct {
	X509 *signer;                 /* the pinned certificate that verified (owned) */
	int signing_certificate_v2;   /* XAdES SigningCertificateV2 (not v1) was used */
	char warning[200];            /* accepted but weaker than annex I, or "" */
} vv_signature;
vntl_status vv_check_signature_structure(xmlDocPtr doc, vntl_error *err);
vntl_status vv_verify_signature(xmlDocPtr doc, STACK_OF(X509) *pins, vv_signature *out,
                                vntl_error *err);
void vv_signature_clear(vv_signature *sig);

/* the model read from the signed DOM */
typedef struct {
	time_t start;
	char status[160];
} vv_status_period;

typedef struct {
	/* A list's anchors keep their DER and are decoded on the first chain
	 * check (vv_ctx_decode_anchors): decoding 10,000 certificates costs
	 * OpenSSL 3.0 more than verifying the list. An anchor whose DER does
	 * not decode stays NULL and is never used, as if it were not listed. */
	X509 *cert;
	unsigned long subject_hash, issuer_hash; /* of cert's names, set with cert */
	unsigned char *der; size_t der_len;
	const char *source;         /* the list's (or anchor file's) name: one string kept
	                             * by the list, then by the context, for all its anchors */
	vv_names provider, service; /* TSPName and ServiceName; NULLs for a plain anchor */
	/* newest first, at least one for a list's anchor; NULL only for a
	 * plain anchor (an anchor file), which anchors at any time */
	vv_status_period *periods;
	size_t n_periods;
} vv_anchor;

typedef struct {
	char territory[8];
	char location[512];
	char mime[80];
	STACK_OF(X509) *certs;
} vv_pointer;

typedef struct {
	vntl_list_info info;
	/* SHA-256 (hex) of the signed SchemeName: with territory and type it
	 * tells apart lists of one operator (VN roots and foreign) for the
	 * rollback record, whatever URL a copy comes from. */
	char scheme_name_hash[65];
	char *source;                /* what its anchors' source points to */
	vv_anchor *anchors; size_t n_anchors, cap_anchors;
	vv_pointer *pointers; size_t n_pointers;
	const vntl_ctx *logger;      /* while it is read: where events go */
} vv_list;

/* ctx only receives log events */
vntl_status vv_read_list(const vntl_ctx *ctx, xmlDocPtr signed_doc, const char *source, vv_list *out,
                         vntl_error *err);
/* the anchors one CA service of provider adds to list: each certificate that
 * was its identity, with the service's status timeline */
vntl_status vv_read_service_anchors(vv_list *list, const vv_names *provider, const xmlNode *service,
                                    vntl_error *err);
void vv_list_clear(vv_list *list);
void vv_pointer_clear(vv_pointer *p);

/* anchors (vv_anchors.c): one anchor, and the context's set of them */
void vv_anchor_clear(vv_anchor *a);
/* a zeroed slot at the end of an anchor array, grown as needed; NULL if out of memory */
vv_anchor *vv_anchor_append(vv_anchor **anchors, size_t *n, size_t *cap);
/* an anchor's certificate, with the name hashes chain checks select by */
void vv_anchor_set_cert(vv_anchor *a, X509 *cert);
/* the status period of an anchor at time at, or NULL before its first */
const vv_status_period *vv_anchor_period_at(const vv_anchor *a, time_t at);
/* 1 when a status URI lets a service anchor */
int vv_status_anchors(const char *status_uri);
/* 1 when the anchor anchors chains at time at */
int vv_anchor_anchors_at(const vv_anchor *a, time_t at);

/* parsed intermediates and CRLs, shared by threads */
typedef struct vv_input_cache vv_input_cache;
vv_input_cache *vv_input_cache_new(void);
void vv_input_cache_free(vv_input_cache *c);
vntl_status vv_input_cache_load(vv_input_cache *c, const char *path, int is_crl,
                                STACK_OF(X509) *certs, STACK_OF(X509_CRL) *crls, vntl_error *err);

/* sequence-number store in the cache directory, one record per list */
vntl_status vv_seq_check_and_store(const char *cache_dir, const vv_list *list, vntl_error *err);

vntl_status vv_cache_write(const char *path, const void *data, size_t len, vntl_error *err);

/* annex I on a public key (RSA >= 2048, EC >= 256): why not, or NULL */
const char *vv_annex1_key_problem(X509 *cert);

/* the RFC 5280 certificate and CRL profile (vv_rfc5280.c) */
typedef struct {
	const char *sub_indication;  /* TS 119 102-1: FORMAT_FAILURE, CHAIN_CONSTRAINTS_FAILURE, ... */
	char reason[600];            /* names the certificate (subject) and the rule */
} vv_finding;
/* chain: leaf first, anchor last; 1 when every certificate conforms.
 * A leaf saying CA:TRUE whose key usage has keyCertSign is checked as the CA
 * it is (a CA certificate checked for itself); with leaf_may_be_ca (no
 * purpose asked), any leaf saying CA:TRUE is. Otherwise it is an end entity
 * claiming to be a CA, and refused. */
int vv_rfc5280_check_chain(STACK_OF(X509) *chain, int leaf_may_be_ca, vv_finding *f);
/* issuer may be NULL when it is not known */
int vv_rfc5280_check_crl(X509_CRL *crl, X509 *issuer, vv_finding *f);

/* online revocation data */
typedef struct {
	X509 *cert;               /* not owned */
	int revoked;
	time_t revocation_time;
	time_t produced;
	char source[512];
} vv_revocation_status;
/* The libcurl options a transfer's safety rests on: only `protocols`
 * (also after a redirect), the peer's certificate and name verified, the
 * context's CA file. 0, or -1 when libcurl refused one of them (e.g. a
 * libcurl too old for CURLOPT_PROTOCOLS_STR): the transfer must not run.
 * `curl` is a CURL *. */
__attribute__((warn_unused_result))
int vv_curl_restrict(const vntl_ctx *ctx, void *curl, const char *protocols);
int vv_http_exchange(const vntl_ctx *ctx, const char *url, const unsigned char *body,
                     size_t body_len, const char *content_type, size_t max,
                     unsigned char **data, size_t *len, char *why, size_t why_len);
int vv_ocsp_status(const vntl_ctx *ctx, X509 *cert, X509 *issuer, vv_revocation_status *out,
                   char *why, size_t why_len);
struct ocsp_request_st;
struct ocsp_cert_id_st;
/* A responder's answer (DER, from url) to req about id, a certificate that
 * issuer issued: 1 with *out filled when it is a fresh statement of good or
 * revoked signed by issuer or its delegate, else 0 with why. */
int vv_ocsp_read_answer(const unsigned char *answer, size_t answer_len,
                        struct ocsp_request_st *req, struct ocsp_cert_id_st *id, X509 *issuer,
                        const char *url, vv_revocation_status *out, char *why, size_t why_len);
int vv_fetch_crls(const vntl_ctx *ctx, X509 *cert, STACK_OF(X509_CRL) *into, char *why,
                  size_t why_len);

/* fetch over https with a cache */
typedef struct {
	int from_cache;            /* the fetch failed; the cached copy is returned */
	int downloaded;            /* a new body (200) that is not cached yet */
	char etag[256];
	char last_modified[128];
} vv_fetch_state;
vntl_status vv_fetch(const vntl_ctx *ctx, const char *url, unsigned char **data, size_t *len,
                     vv_fetch_state *fs, vntl_error *err);
/* Keep a downloaded body in the cache: only once the list was accepted, so a
 * refused download never replaces the last good copy. */
vntl_status vv_fetch_keep(const vntl_ctx *ctx, const char *url, const unsigned char *data,
                          size_t len, const vv_fetch_state *fs, vntl_error *err);

struct vntl_ctx {
	char *schema_path;
	int schema_disabled;
	xmlSchemaPtr schema;
	char *cache_dir;
	char *tls_ca_file;
	time_t list_time;
	size_t max_list_size;
	STACK_OF(X509) *signers;
	vv_anchor *anchors; size_t n_anchors, cap_anchors;
	pthread_mutex_t anchors_lock; /* guards the lazy decoding of anchors */
	size_t n_decoded;             /* anchors [0, n_decoded) are decoded */
	vv_pointer *pointers; size_t n_pointers, cap_pointers;
	char **sources; size_t n_sources; /* the strings anchors' source point to */
	/* decoded anchors sorted by subject name hash, rebuilt with decoding */
	struct vv_name_index { unsigned long hash; size_t anchor; } *by_subject;
	size_t n_by_subject;
	vv_input_cache *inputs;
	vntl_log_fn log_fn;
	void *log_userdata;
	vntl_log_level log_min;
	int threads_allowed;
	vntl_language language;
	long connect_timeout, total_timeout; /* seconds; 0: the defaults */
};

/* the result's verdict and reason in lang, its English reason kept (vv_i18n.c) */
void vv_localise_result(vntl_result *res, vntl_language lang);

/* a trust store over a stack of anchors (kept by the caller until the store
 * and every context on it are freed), and a context on it */
X509_STORE *vv_trust_store_new(STACK_OF(X509) *anchors);
int vv_trust_ctx_init(X509_STORE_CTX *ctx, X509_STORE *store, X509 *leaf,
                      STACK_OF(X509) *untrusted);

/* move an accepted list's anchors and pointers into the context */
vntl_status vv_ctx_adopt_list(vntl_ctx *ctx, vv_list *list, vntl_error *err);
/* decode the context's anchors added since the last call; safe to call from threads */
void vv_anchors_decode(const vntl_ctx *ctx);
/* the decoded anchors whose subject name hash is h: *first and the count */
size_t vv_anchors_named(const vntl_ctx *ctx, unsigned long h, const struct vv_name_index **first);
/* the context's anchor that is cert and whose anchoring at T is trusted (1 or 0);
 * else another anchor that is cert; NULL if none */
const vv_anchor *vv_anchors_find(const vntl_ctx *ctx, X509 *cert, time_t at, int trusted);

#endif
