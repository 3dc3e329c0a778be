/* libvntl — load ETSI TS 119 612 trust lists safely and check certificate
 * chains against them at a time T (Vietnam, circular 001 §2.2, §2.4, annex I).
 *
 * Every function returns a vntl_status and, when it is not VNTL_OK, fills the
 * caller's vntl_error with the name of the rule that refused the input and a
 * reason a person can act on.  It prints nothing (see vntl_ctx_set_log),
 * starts no thread unless allowed (vntl_ctx_set_threads) and keeps no global
 * state of its own; a vntl_ctx may be shared by threads for
 * vntl_check_chain() once every list and anchor has been loaded (loading
 * itself is not thread-safe on one ctx).
 */
#ifndef VNTL_H
#define VNTL_H

#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libvntl is built with hidden visibility: exactly the functions marked
 * VNTL_API here are exported, its vv_* internals are not. */
#if defined(__GNUC__)
#define VNTL_API __attribute__((visibility("default")))
#else
#define VNTL_API
#endif

typedef enum {
	VNTL_OK = 0,
	VNTL_ERR_USAGE,    /* a bad argument from the caller */
	VNTL_ERR_INPUT,    /* the input could not be read (missing file, fetch failed) */
	VNTL_ERR_REFUSED,  /* the input was read and refused by a rule */
	VNTL_ERR_INTERNAL  /* out of memory or a library failure */
} vntl_status;

typedef struct {
	char rule[64];     /* e.g. "signature-count", "signer-not-pinned" */
	char reason[768];  /* what was found and what to do about it */
} vntl_error;

typedef struct vntl_ctx vntl_ctx;
struct x509_st; /* OpenSSL's X509, for callers that already hold one */

/* --- context ------------------------------------------------------------ */
/* Set up the libraries libvntl drives (libxml2, xmlsec with its OpenSSL
 * backend) once per process; vntl_ctx_new() calls it. A program that also
 * uses xmlsec itself calls it before its own xmlsec calls, and never shuts
 * xmlsec down while libvntl may run. */
VNTL_API vntl_status vntl_init(vntl_error *err);
VNTL_API vntl_status vntl_ctx_new(vntl_ctx **out, vntl_error *err);
VNTL_API void vntl_ctx_free(vntl_ctx *ctx);

/* The TS 119 612 schema: an .xsd file, or a directory holding "tsl.xsd".
 * Default: VNTL_SCHEMA_DIR (the installed $(PREFIX)/share/vntl/schema).
 * A path longer than PATH_MAX - 128 bytes: VNTL_ERR_USAGE (rule
 * path-too-long), as for the cache directory. */
VNTL_API vntl_status vntl_ctx_set_schema(vntl_ctx *ctx, const char *xsd_file_or_dir, vntl_error *err);
/* Validate against vntl's own profile of TS 119 612 (VN territory, the
 * elements vntl publishes), built into libvntl: for lists vntl publishes. */
VNTL_API vntl_status vntl_ctx_use_vntl_profile(vntl_ctx *ctx, vntl_error *err);
/* Skip XSD validation (for callers that validate elsewhere). */
VNTL_API void vntl_ctx_disable_schema(vntl_ctx *ctx);
/* Directory keeping the last accepted sequence number per list (rollback
 * protection) and fetched copies of lists and CRLs.  Created if missing. */
VNTL_API vntl_status vntl_ctx_set_cache_dir(vntl_ctx *ctx, const char *dir, vntl_error *err);
/* CA certificates (PEM) trusted for https:// fetches instead of the system store. */
VNTL_API vntl_status vntl_ctx_set_tls_ca_file(vntl_ctx *ctx, const char *pem_file, vntl_error *err);
/* Judge list freshness (NextUpdate) at this time instead of now. */
VNTL_API void vntl_ctx_set_list_time(vntl_ctx *ctx, time_t at);
/* Largest list accepted, in bytes (default 128 MiB). */
VNTL_API void vntl_ctx_set_max_list_size(vntl_ctx *ctx, size_t bytes);

/* --- logging ------------------------------------------------------------ */
/* libvntl prints nothing.  A caller that wants to know what it did (a list
 * fetched, accepted or refused, a service ignored, OCSP asked) installs a
 * callback: event is a short name ("list-accepted", "fetch", ...), message
 * a one-line "key=value ..." text without newlines.  The callback runs on
 * the thread of the libvntl call that logs (chain checks from several
 * threads may log at once) or, with vntl_ctx_set_threads(), on a thread
 * libvntl started during that call; it must not call back into ctx. */
typedef enum { VNTL_LOG_DEBUG = 0, VNTL_LOG_INFO, VNTL_LOG_WARNING, VNTL_LOG_ERROR } vntl_log_level;
typedef void (*vntl_log_fn)(void *userdata, vntl_log_level level, const char *event,
                            const char *message);
/* fn NULL: nothing is logged (the default). */
VNTL_API void vntl_ctx_set_log(vntl_ctx *ctx, vntl_log_fn fn, void *userdata);
/* Only events of this level or above reach the callback (default VNTL_LOG_INFO). */
VNTL_API void vntl_ctx_set_log_level(vntl_ctx *ctx, vntl_log_level min_level);
/* "debug", "info", "warning", "error" */
VNTL_API const char *vntl_log_level_name(vntl_log_level level);

/* --- language ------------------------------------------------------------ */
/* Results for people (circular 001 §2.4) in English (the default) or
 * Vietnamese: vntl_result's verdict and reason, and the labels below. */
typedef enum { VNTL_LANG_EN = 0, VNTL_LANG_VI } vntl_language;
VNTL_API void vntl_ctx_set_language(vntl_ctx *ctx, vntl_language lang);

/* --- threads and network ------------------------------------------------- */
/* libvntl starts no thread unless allowed here (default 0).  With 1 it
 * validates a list's schema on a second thread while the signature is
 * verified, during vntl_ctx_load_list*() only, and joins it before
 * returning (about a third faster for large lists).  libcurl itself may
 * resolve host names on a short-lived thread of its own during a fetch
 * (Debian's libcurl is built with the threaded resolver); a caller that
 * must avoid that fetches the list itself and loads it from memory. */
VNTL_API void vntl_ctx_set_threads(vntl_ctx *ctx, int allow);
/* Timeouts of every fetch (lists, OCSP, CRLs), in seconds: to connect
 * (default 10 for lists, 5 for OCSP and CRLs) and for the whole transfer
 * (default 60 for lists, 15 for OCSP and CRLs).  0 keeps the defaults. */
VNTL_API void vntl_ctx_set_fetch_timeouts(vntl_ctx *ctx, long connect_seconds, long total_seconds);

/* A certificate (PEM or DER file, possibly several PEM blocks) allowed to
 * sign the lists loaded with vntl_ctx_load_list(). */
VNTL_API vntl_status vntl_ctx_add_signer_file(vntl_ctx *ctx, const char *cert_file, vntl_error *err);
/* The same, for one certificate held as DER bytes. */
VNTL_API vntl_status vntl_ctx_add_signer_der(vntl_ctx *ctx, const unsigned char *der, size_t len,
                                             vntl_error *err);

/* --- growing structs ------------------------------------------------------ */
/* The two structs a caller allocates, vntl_list_info and vntl_chain_request,
 * begin with their size: set it to sizeof the struct (a zero size is refused
 * as a usage error).  Fields are only ever added at their end, so a program
 * built against an older vntl.h keeps working with a newer libvntl of the
 * same major version: the fields it does not know are taken as zero (a
 * request) or not written (a list info).  A size larger than the library
 * knows (built against a newer vntl.h) is refused.  vntl_result is always
 * allocated by libvntl and only grows at its end; vntl_error never changes.
 *   vntl_list_info info = { .size = sizeof info };
 *   vntl_chain_request req = { .size = sizeof req, .leaf_file = "leaf.pem" }; */

/* --- lists --------------------------------------------------------------- */
typedef struct {
	size_t size;               /* since 4.0.0: sizeof(vntl_list_info), set by the caller */
	int version;               /* TSLVersionIdentifier */
	long long sequence;        /* TSLSequenceNumber */
	char territory[8];         /* SchemeTerritory */
	char type[160];            /* TSLType */
	time_t issued;             /* ListIssueDateTime */
	time_t next_update;        /* NextUpdate; 0 for a closed list */
	size_t services;           /* number of TSPService entries */
	size_t pointers;           /* number of OtherTSLPointer entries */
	char signer_subject[256];  /* the pinned certificate that signed it */
	int from_cache;            /* 1: the fetch failed and the cached (last accepted) copy was used */
	size_t ignored_services;   /* services that anchor nothing: they (or their provider)
	                            * carry an extension marked critical that libvntl does not know */
	/* since 3.0.0: what was accepted although weaker than annex I (e.g. a
	 * SHA-1 SigningCertificate CertDigest, accepted as EU DSS does); "" if none */
	char warning[256];
	/* since 3.0.0: which services anchor nothing and why: "NAME (critical extension
	 * X)" entries separated by "; ", truncated when long; "" if none */
	char ignored[512];
} vntl_list_info;

/* Load a list from a file path or an https:// URL; it is kept in ctx only
 * if every rule passes.  info may be NULL (else its size must be set). */
VNTL_API vntl_status vntl_ctx_load_list(vntl_ctx *ctx, const char *file_or_url,
                                        vntl_list_info *info, vntl_error *err);
/* The same rules for a list held in memory (e.g. one about to be published);
 * name labels it in results and logs. */
VNTL_API vntl_status vntl_ctx_load_list_memory(vntl_ctx *ctx, const void *data, size_t len,
                                               const char *name, vntl_list_info *info, vntl_error *err);
/* Load the list that an already loaded pointer list (e.g. the EU LOTL)
 * points to for territory, from file_or_url (NULL: the pointer's
 * TSLLocation).  Its signer must be one of the pointer's certificates.
 * A territory with several pointed lists (vntl's pointer list points to two
 * VN lists) is refused as "pointer-ambiguous", naming their locations. */
VNTL_API vntl_status vntl_ctx_load_pointed_list(vntl_ctx *ctx, const char *territory,
                                                const char *file_or_url,
                                                vntl_list_info *info, vntl_error *err);
/* The same for the pointer whose TSLLocation is exactly location. */
VNTL_API vntl_status vntl_ctx_load_pointed_location(vntl_ctx *ctx, const char *location,
                                                    const char *file_or_url,
                                                    vntl_list_info *info, vntl_error *err);
/* The length of the longest TSLLocation of a loaded pointer list that value
 * equals or that is followed by '=' in value ("LOCATION=FILE"); 0 if none. */
VNTL_API size_t vntl_ctx_pointer_location_prefix(const vntl_ctx *ctx, const char *value);

/* Since libvntl 4.1.0: the certificates the loaded pointer lists name for
 * the list at `location` (its OtherTSLPointer's ServiceDigitalIdentities):
 * the signer and those announced beside it. A list signed by one of them
 * loads with vntl_ctx_load_pointed_location(); a caller remembers them to
 * pin the next signer of a rollover (README "Key ceremony and signer
 * rollover"). The X509 belongs to ctx (X509_up_ref it to keep it). */
VNTL_API size_t vntl_ctx_pointer_signer_count(const vntl_ctx *ctx, const char *location);
VNTL_API struct x509_st *vntl_ctx_pointer_signer(const vntl_ctx *ctx, const char *location, size_t i);

/* Plain trust anchors instead of lists (test suites, private PKIs). */
VNTL_API vntl_status vntl_ctx_add_anchor_file(vntl_ctx *ctx, const char *cert_file, vntl_error *err);

/* --- anchors ------------------------------------------------------------- */
/* The certificates the loaded lists (and anchor files) give, one per
 * service identity, with the status of the service at a time T:
 *
 *   vntl_anchor_iter *it;
 *   if (vntl_anchor_iter_new(ctx, 0, 1, &it, &err) == VNTL_OK) {
 *       for (const vntl_anchor *a; (a = vntl_anchor_iter_next(it)); )
 *           printf("%s: %s\n", vntl_anchor_service(a), vntl_anchor_sha256(a));
 *       vntl_anchor_iter_free(it);
 *   }
 *
 * at 0 means now; only_trusted 1 skips those whose status at T does not
 * anchor.  An anchor (and every string, DER and X509 it gives) is valid until
 * the next vntl_anchor_iter_next() on its iterator; the X509 belongs to ctx
 * (X509_up_ref it to keep it).  Loading lists into ctx while iterating is
 * not allowed. */
typedef struct vntl_anchor_iter vntl_anchor_iter;
typedef struct vntl_anchor vntl_anchor;
VNTL_API vntl_status vntl_anchor_iter_new(const vntl_ctx *ctx, time_t at, int only_trusted,
                                          vntl_anchor_iter **out, vntl_error *err);
VNTL_API const vntl_anchor *vntl_anchor_iter_next(vntl_anchor_iter *it);
VNTL_API void vntl_anchor_iter_free(vntl_anchor_iter *it);
/* the list (file or URL as loaded) or "anchor file PATH" it comes from */
VNTL_API const char *vntl_anchor_list(const vntl_anchor *a);
/* TSPName and ServiceName in the context's language (vntl_ctx_set_language:
 * the Name with that xml:lang, else the first Name); "" for a plain anchor */
VNTL_API const char *vntl_anchor_provider(const vntl_anchor *a);
VNTL_API const char *vntl_anchor_service(const vntl_anchor *a);
/* the ServiceStatus URI at T and since when; "" and 0 for a plain anchor or
 * before the service's first status */
VNTL_API const char *vntl_anchor_status(const vntl_anchor *a);
VNTL_API time_t vntl_anchor_status_since(const vntl_anchor *a);
/* 1 when its status at T anchors chains (a plain anchor always does) */
VNTL_API int vntl_anchor_trusted(const vntl_anchor *a);
/* SHA-256 of the certificate's DER, 64 lower-case hex digits */
VNTL_API const char *vntl_anchor_sha256(const vntl_anchor *a);
/* the certificate; NULL from an iterator made by vntl_anchor_iter_new_der() */
VNTL_API struct x509_st *vntl_anchor_cert(const vntl_anchor *a);
/* Since libvntl 4.2.0: an iterator that does not decode the certificates
 * (OpenSSL 3 takes seconds to decode 10,000 of them, for their public
 * keys), for a program that writes a trust store: each anchor's DER is
 * checked to be a certificate whose every field but the key decodes (one
 * that is not is skipped, as vntl_anchor_iter_new() skips a certificate
 * that does not decode), and vntl_anchor_cert() gives NULL. */
VNTL_API vntl_status vntl_anchor_iter_new_der(const vntl_ctx *ctx, time_t at, int only_trusted,
                                              vntl_anchor_iter **out, vntl_error *err);
/* Since libvntl 4.2.0, from either iterator: the certificate's DER (*len
 * bytes); the hash of its subject name as X509_subject_name_hash() gives
 * it (the <hash> of its file in an OpenSSL hashed directory, CApath); its
 * notBefore and notAfter: 0, or -1 when one is not a readable time. */
VNTL_API const unsigned char *vntl_anchor_der(const vntl_anchor *a, size_t *len);
VNTL_API unsigned long vntl_anchor_subject_hash(const vntl_anchor *a);
VNTL_API int vntl_anchor_validity(const vntl_anchor *a, time_t *not_before, time_t *not_after);
/* Since libvntl 4.2.0: the hash of the subject name of the certificate
 * `der` (len bytes) as X509_subject_name_hash() gives it, read without
 * decoding the certificate's key; VNTL_ERR_INPUT when der is not one
 * certificate whose every field but the key decodes. */
VNTL_API vntl_status vntl_cert_subject_hash(const unsigned char *der, size_t len,
                                            unsigned long *hash, vntl_error *err);

/* --- chains -------------------------------------------------------------- */
typedef enum { VNTL_REVOCATION_REQUIRE = 0, VNTL_REVOCATION_PREFER, VNTL_REVOCATION_NONE } vntl_revocation;
typedef enum { VNTL_PURPOSE_SIGNATURE = 0, VNTL_PURPOSE_ANY } vntl_purpose;
typedef enum { VNTL_ALG_POLICY_VN = 0, VNTL_ALG_POLICY_NONE } vntl_alg_policy;
/* STRICT: path validation plus the RFC 5280 profile every certificate and
 * CRL of a conforming CA follows (serial, key identifiers, criticality,
 * names ...); PATH: the RFC 5280 §6 path validation algorithm alone (for
 * test suites such as NIST PKITS that exercise only the algorithm). */
typedef enum { VNTL_PROFILE_STRICT = 0, VNTL_PROFILE_PATH } vntl_cert_profile;

/* One certificate or CRL held in memory: DER (exactly one object), or PEM
 * text (every block of the kind asked for). */
typedef struct {
	const unsigned char *data;
	size_t len;
} vntl_der;
struct X509_crl_st; /* OpenSSL's X509_CRL */

typedef struct {
	size_t size;                    /* since 4.0.0: sizeof(vntl_chain_request), set by the caller */
	const char *leaf_file;          /* PEM or DER; or, instead: */
	struct x509_st *leaf_cert;      /* a parsed OpenSSL X509 (not taken over). One X509
	                                   shared by threads checking at once: call
	                                   X509_check_purpose(x, -1, 0) on it first (OpenSSL 3.0
	                                   fills its extension cache on first use behind an
	                                   unlocked "done" test) */
	const char *const *untrusted;   /* NULL-terminated list of files, or NULL */
	const char *const *crl_files;   /* NULL-terminated list of CRL files (PEM/DER), or NULL */
	const char *const *policies;    /* NULL-terminated OIDs (initial policy set), or NULL */
	int explicit_policy;
	int inhibit_policy_mapping;
	int inhibit_any_policy;
	time_t at;                      /* 0: now */
	vntl_revocation revocation;
	vntl_purpose purpose;
	vntl_alg_policy alg_policy;
	int online;                     /* ask OCSP responders (AIA) and fetch CRLs (CRL distribution
	                                   points, cached in the cache dir) for certificates no given
	                                   CRL covers */
	/* Since libvntl 3.0.0. New fields are only ever added here, at the end,
	 * and zero is their default, so a request zero-initialised with
	 * designated initialisers keeps its meaning (see "growing structs"). */
	const char *const *ekus;        /* NULL-terminated OIDs: the leaf's extended key usage, when
	                                   present, must hold one of them (anyExtendedKeyUsage does
	                                   not count); NULL: any EKU that allows the purpose */
	int max_depth;                  /* 0: no limit but VNTL_MAX_CHAIN certificates; N: the anchor
	                                   is at most N certificates above the leaf */
	vntl_cert_profile profile;
	/* Since libvntl 4.0.0: inputs held in memory, in addition to the files
	 * above (nothing is taken over; X509 and X509_CRL objects are used
	 * read-only and may be shared between threads). A leaf in memory is
	 * taken when neither leaf_file nor leaf_cert is set. */
	vntl_der leaf_der;
	const vntl_der *untrusted_der;  size_t n_untrusted_der;
	struct x509_st *const *untrusted_certs;  size_t n_untrusted_certs;
	const vntl_der *crl_der;        size_t n_crl_der;
	struct X509_crl_st *const *crls;  size_t n_crls;
} vntl_chain_request;

typedef enum { VNTL_PASSED = 0, VNTL_FAILED = 1, VNTL_INDETERMINATE = 2 } vntl_indication;

typedef struct {
	char subject[512];
	char issuer[512];
	char serial[80];          /* hex */
	time_t not_before, not_after;
	char sha256[65];          /* hex of the DER */
} vntl_cert_info;

#define VNTL_MAX_CHAIN 16
typedef struct {
	vntl_indication indication;
	char sub_indication[64];       /* ETSI TS 119 102-1 sub-indication, "" when PASSED */
	char reason[768];
	time_t at;
	size_t chain_len;              /* leaf first, anchor last */
	vntl_cert_info chain[VNTL_MAX_CHAIN];
	char anchor_source[512];       /* list (file/URL) or anchor file that made the anchor trusted */
	char anchor_status[160];       /* ServiceStatus URI at T ("" for plain anchors) */
	time_t anchor_status_since;
	char revocation_source[512];   /* "crl:<issuer>", "none" */
	time_t revocation_time;        /* thisUpdate of the CRL used for the leaf, 0 if none */
	/* seed 001 §2.4 display fields */
	char issuer_organisation[256];
	char subject_display[512];
	int valid_at_time;             /* 1 when indication is PASSED */
	/* Since 4.0.0 (a result is only ever allocated by libvntl, and grows
	 * only at its end). reason above is in the context's language: in
	 * Vietnamese, a sentence for the sub-indication followed by the
	 * technical detail, which stays English. */
	vntl_language language;
	char verdict[160];             /* §2.4 notice: "valid at the time of signing", "hợp lệ ..." */
	char reason_en[768];           /* the reason in English, whatever the language */
} vntl_result;

/* The §2.4 display fields' labels in a language, e.g. for
 * VNTL_LABEL_ISSUER_ORGANISATION "issuer organisation" or "cơ quan, tổ chức
 * cấp chứng thư". */
typedef enum {
	VNTL_LABEL_VERDICT = 0, VNTL_LABEL_ISSUER_ORGANISATION, VNTL_LABEL_SUBJECT, VNTL_LABEL_TIME,
	VNTL_LABEL_VALID_AT_TIME, VNTL_LABEL_YES, VNTL_LABEL_NO, VNTL_LABEL_REASON,
	VNTL_LABEL_ANCHOR, VNTL_LABEL_REVOCATION, VNTL_LABEL_CHAIN
} vntl_display_label_id;
VNTL_API const char *vntl_display_label(vntl_language lang, vntl_display_label_id id);
/* One sentence for an ETSI TS 119 102-1 sub-indication ("" for PASSED). */
VNTL_API const char *vntl_sub_indication_text(vntl_language lang, const char *sub_indication);

/* Check a chain; on VNTL_OK *out holds a result (free with vntl_result_free)
 * whatever the indication; other statuses mean the request itself was bad. */
VNTL_API vntl_status vntl_check_chain(const vntl_ctx *ctx, const vntl_chain_request *req,
                                      vntl_result **out, vntl_error *err);
VNTL_API void vntl_result_free(vntl_result *res);
VNTL_API const char *vntl_indication_name(vntl_indication ind);
/* the library's version, "MAJOR.MINOR.PATCH" (also vntl's, printed by --version) */
VNTL_API const char *vntl_version(void);
/* JSON text of a result (caller frees with free()), NULL on allocation failure. */
VNTL_API char *vntl_result_to_json(const vntl_result *res);

/* --- signed index (index.json) -------------------------------------------
 * Since libvntl 3.1.0. The publisher's index.json names per list the URL,
 * sequence, SHA-256, size, issue time, NextUpdate and the SHA-256 of the
 * signer's certificate, and is a JWS (RFC 7515) in the flattened JSON
 * serialization: "protected", "payload" (base64url of the index's compact
 * JSON), "signature". Protected header: "alg" (ES256 for EC P-256, ES384
 * for P-384, RS256/RS384/RS512 for RSA), "typ" "vntl-index+jws", "x5c"
 * [the signer certificate, base64 DER]. As RFC 7515 §7.2.1 allows, the
 * object also carries the payload's members in clear (format, lists,
 * files) for pollers that only read; they must equal the payload's.
 * README: "Signed index". */
typedef struct {
	char name[16];            /* "roots", "foreign", "pointer" */
	long long sequence;       /* TSLSequenceNumber */
	char sha256[65];          /* of the list's bytes */
	long long size;           /* bytes */
	time_t issued;            /* ListIssueDateTime */
	time_t next_update;       /* NextUpdate */
	char url[512];            /* where the current version is served */
	char path[64];            /* "<list>/<sequence>.xml", the immutable copy */
	char signer_sha256[65];   /* of the DER of the certificate that signs the list */
	/* The library allocates these (vntl_index_list_at): new fields are only
	 * added at the end, never allocate one yourself. */
} vntl_index_list;

typedef struct vntl_index vntl_index;

/* Verify a signed index: well-formed JWS with exactly the header above, the
 * x5c certificate byte-equal to one of the `signer_count` pinned
 * certificates (DER), its signature valid, the payload a vntl index (format
 * 1, every field of every list present), the members in clear (if any)
 * equal to the payload's. Rules: "index-malformed",
 * "index-algorithm", "index-signer-not-pinned", "index-signature-invalid".
 * On VNTL_OK *out holds it (free with vntl_index_free). */
VNTL_API vntl_status vntl_index_verify(const void *jws, size_t len,
                                       const unsigned char *const *signer_ders,
                                       const size_t *signer_lens, size_t signer_count,
                                       vntl_index **out, vntl_error *err);
/* The lists it names, in the order of the payload. */
VNTL_API size_t vntl_index_list_count(const vntl_index *idx);
VNTL_API const vntl_index_list *vntl_index_list_at(const vntl_index *idx, size_t i);
/* The list named `name` ("roots"), or NULL. */
VNTL_API const vntl_index_list *vntl_index_find(const vntl_index *idx, const char *name);
/* The signed payload: the index's compact JSON (not NUL-terminated). */
VNTL_API const unsigned char *vntl_index_payload(const vntl_index *idx, size_t *len);
/* "ES256", "RS256", ... and the SHA-256 (hex) of the signer's certificate. */
VNTL_API const char *vntl_index_algorithm(const vntl_index *idx);
VNTL_API const char *vntl_index_signer_sha256(const vntl_index *idx);
/* Since libvntl 4.1.0: the signers the index announces beside its own
 * ("announced_signers", README "Signed index"): the next signer before a
 * rollover, the previous one after it. A caller that accepted the index
 * remembers them as pins, and so follows a rollover without an update; a
 * signer never announced stays refused. */
typedef struct {
	char sha256[65];            /* of the certificate's DER */
	char role[16];              /* "next" or "previous" */
	time_t from;                /* since when it is announced */
	const unsigned char *der;   /* the certificate, valid as long as the index */
	size_t der_len;
} vntl_index_signer;
VNTL_API size_t vntl_index_announced_count(const vntl_index *idx);
VNTL_API const vntl_index_signer *vntl_index_announced_at(const vntl_index *idx, size_t i);
/* The SHA-256 (hex) and size of a file the index names in "files"
 * ("roots.pem"); VNTL_ERR_REFUSED ("index-malformed") when it names none. */
VNTL_API vntl_status vntl_index_file(const vntl_index *idx, const char *name, char sha256[65],
                                     long long *size, vntl_error *err);
VNTL_API void vntl_index_free(vntl_index *idx);

#ifdef __cplusplus
}
#endif
#endif
