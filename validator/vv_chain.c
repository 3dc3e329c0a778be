/* Chain validation at a time T: RFC 5280 path validation by OpenSSL
 * against the anchors whose status at T anchors, with CRL revocation,
 * then the annex I algorithm policy and key usage for the purpose.  The
 * context is only read here, so checks may run in parallel. */
#include "vv_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

struct check_state {
	const vntl_chain_request *req;
	time_t at;
	STACK_OF(X509_CRL) *crls;
	int revocation_missing;
	vv_revocation_status ocsp[VNTL_MAX_CHAIN]; /* online answers, cert up-ref'd */
	size_t n_ocsp;
};

static const vv_revocation_status *ocsp_for(const struct check_state *s, X509 *cert)
{
	for (size_t i = 0; cert && i < s->n_ocsp; i++)
		if (X509_cmp(s->ocsp[i].cert, cert) == 0)
			return &s->ocsp[i];
	return NULL;
}

static void free_state(struct check_state *s)
{
	for (size_t i = 0; i < s->n_ocsp; i++)
		X509_free(s->ocsp[i].cert);
	s->n_ocsp = 0;
}

/* OpenSSL reports a revocation whatever its date; at T only entries dated
 * before T count.  (The current CRL is not exposed to the callback in
 * OpenSSL 3.0, so the entry is looked up in the CRLs we were given.) */
static int revoked_after_t(X509_STORE_CTX *xctx, const struct check_state *s)
{
	X509 *cert = X509_STORE_CTX_get_current_cert(xctx);
	int found = 0;
	for (int i = 0; cert && i < sk_X509_CRL_num(s->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(s->crls, i);
		X509_REVOKED *rev = NULL;
		if (X509_CRL_get0_by_cert(crl, &rev, cert) != 1 || !rev)
			continue;
		if (vv_asn1_time(X509_REVOKED_get0_revocationDate(rev)) <= s->at)
			return 0;
		found = 1;
	}
	return found;
}

static int revocation_data_unusable(int error)
{
	switch (error) {
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
		return 1;
	default:
		return 0;
	}
}

/* The last certificate of the chain is the trust anchor: its status at T
 * is the one its list gives (RFC 5280 6.1 takes an anchor as an input, not
 * as part of the path).  OpenSSL's CRL_CHECK_ALL asks for its revocation
 * too, which a public CA's certificate anchored in the roots list could
 * never give: its issuer, NEAC's root, is not in the path to check its CRL
 * with.  A CRL that does revoke the anchor still counts. */
static int is_anchor(X509_STORE_CTX *xctx)
{
	return X509_STORE_CTX_get_error_depth(xctx) ==
	       sk_X509_num(X509_STORE_CTX_get0_chain(xctx)) - 1;
}

/* Revocation is judged at T, not at the time the CRL was issued. */
static int on_verify_error(int ok, X509_STORE_CTX *xctx)
{
	if (ok)
		return 1;
	struct check_state *s = X509_STORE_CTX_get_app_data(xctx);
	X509_STORE_CTX *parent = X509_STORE_CTX_get0_parent_ctx(xctx);
	if (!s && parent) /* OpenSSL validating a CRL issuer's own path */
		s = X509_STORE_CTX_get_app_data(parent);
	if (!s)
		return 0;
	int error = X509_STORE_CTX_get_error(xctx);
	if (revocation_data_unusable(error) && is_anchor(xctx))
		return 1;
	switch (error) {
	case X509_V_ERR_CERT_HAS_EXPIRED: {
		/* RFC 5280 §4.1.2.5: notAfter is inclusive; OpenSSL counts its second as expired */
		X509 *cert = X509_STORE_CTX_get_current_cert(xctx);
		return cert && vv_asn1_time(X509_get0_notAfter(cert)) == s->at;
	}
	case X509_V_ERR_CRL_NOT_YET_VALID:
		return 1; /* a CRL issued after T still tells the status at T */
	case X509_V_ERR_CERT_REVOKED:
		return revoked_after_t(xctx, s);
	case X509_V_ERR_UNABLE_TO_GET_CRL: {
		const vv_revocation_status *o = ocsp_for(s, X509_STORE_CTX_get_current_cert(xctx));
		if (o && o->revoked && o->revocation_time <= s->at) {
			X509_STORE_CTX_set_error(xctx, X509_V_ERR_CERT_REVOKED);
			return 0;
		}
		if (o)
			return 1; /* OCSP answered for this certificate */
	}
		if (s->req->revocation == VNTL_REVOCATION_PREFER) {
			s->revocation_missing = 1;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static void set_result(vntl_result *r, vntl_indication ind, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_result(vntl_result *r, vntl_indication ind, const char *sub, const char *fmt, ...)
{
	r->indication = ind;
	snprintf(r->sub_indication, sizeof r->sub_indication, "%s", sub);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

static void map_x509_error(vntl_result *r, int e, int depth, X509 *cert)
{
	const char *why = X509_verify_cert_error_string(e);
	char subject[256] = "";
	if (cert)
		vv_name_text(X509_get_subject_name(cert), subject, sizeof subject);
	if (revocation_data_unusable(e)) {
		set_result(r, VNTL_INDETERMINATE, "TRY_LATER",
		           "no usable revocation information for the certificate at depth %d "
		           "(\"%s\"): %s", depth, subject, why);
		return;
	}
	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		if (depth == 0)
			set_result(r, VNTL_FAILED, "EXPIRED", "the certificate had expired at T (%s)", why);
		else
			set_result(r, VNTL_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE",
			           "CA certificate at depth %d had expired at T", depth);
		return;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		if (depth == 0)
			set_result(r, VNTL_FAILED, "NOT_YET_VALID", "the certificate was not yet valid at T");
		else
			set_result(r, VNTL_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE",
			           "CA certificate at depth %d was not yet valid at T", depth);
		return;
	case X509_V_ERR_CERT_REVOKED:
		if (depth == 0)
			set_result(r, VNTL_FAILED, "REVOKED", "the certificate was revoked before T");
		else
			set_result(r, VNTL_INDETERMINATE, "REVOKED_CA_NO_POE",
			           "CA certificate at depth %d was revoked before T", depth);
		return;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		set_result(r, VNTL_FAILED, "SIG_CRYPTO_FAILURE",
		           "the signature on the certificate at depth %d does not verify", depth);
		return;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		set_result(r, VNTL_INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND",
		           "no chain to a certificate trusted at T (%s)", why);
		return;
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "no path to a trusted anchor within the maximum depth (%s)", why);
		return;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		set_result(r, VNTL_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "%s", why);
		return;
	default:
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "the certificate at depth %d (\"%s\") breaks a path constraint: %s", depth,
		           subject, why);
	}
}

const char *vv_annex1_key_problem(X509 *cert)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	if (!key)
		return "unreadable public key";
	int bits = EVP_PKEY_get_bits(key);
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return bits >= 2048 ? NULL : "RSA key shorter than 2048 bits";
	case EVP_PKEY_EC:
		return bits >= 256 ? NULL : "EC key shorter than 256 bits";
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return NULL;
	default:
		return "key type not allowed by annex I (RSA or ECDSA)";
	}
}

static const char *weak_signature(X509 *cert)
{
	int mdnid = NID_undef, pknid = NID_undef, secbits = 0;
	uint32_t flags = 0;
	if (!X509_get_signature_info(cert, &mdnid, &pknid, &secbits, &flags))
		return "unknown signature algorithm";
	if (mdnid == NID_sha1 || mdnid == NID_md5 || mdnid == NID_md4 || mdnid == NID_md2 ||
	    mdnid == NID_ripemd160)
		return "signed with MD5/SHA-1, which annex I forbids";
	if (pknid == NID_dsa)
		return "DSA signature, which annex I does not allow";
	return NULL;
}

/* annex I on every certificate; the anchor's self-signature carries no trust. */
static int check_algorithms(vntl_result *r, STACK_OF(X509) *chain)
{
	int n = sk_X509_num(chain);
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(chain, i);
		const char *why = vv_annex1_key_problem(c);
		if (!why && i < n - 1)
			why = weak_signature(c);
		if (why) {
			set_result(r, VNTL_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
			           "certificate at depth %d: %s", i, why);
			return 0;
		}
	}
	return 1;
}

/* An extended key usage made only of other functions (TLS, OCSP, time
 * stamping) dedicates the key to them; any other purpose (emailProtection,
 * documentSigning, anyExtendedKeyUsage, vendor document signing) allows
 * signatures, as does no EKU at all. */
static int eku_allows_signatures(X509 *leaf)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, NULL, NULL);
	if (!eku)
		return 1;
	int allows = 0;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !allows; i++) {
		int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
		allows = nid != NID_server_auth && nid != NID_client_auth && nid != NID_OCSP_sign &&
		         nid != NID_time_stamp;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return allows;
}

static int has_oid(EXTENDED_KEY_USAGE *eku, const char *oid_text)
{
	ASN1_OBJECT *want = OBJ_txt2obj(oid_text, 1);
	int found = 0;
	for (int i = 0; want && i < sk_ASN1_OBJECT_num(eku) && !found; i++)
		found = OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0;
	ASN1_OBJECT_free(want);
	return found;
}

/* --eku: the leaf's EKU, when present, names one of the required purposes
 * itself; anyExtendedKeyUsage is not a specific purpose. */
static int check_required_eku(vntl_result *r, X509 *leaf, const char *const *ekus)
{
	if (!ekus || !ekus[0])
		return 1;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, NULL, NULL);
	if (!eku)
		return 1;
	int ok = 0;
	for (size_t i = 0; ekus[i] && !ok; i++)
		ok = has_oid(eku, ekus[i]);
	EXTENDED_KEY_USAGE_free(eku);
	if (!ok)
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "the certificate's extended key usage holds none of the required purposes "
		           "(%s%s; anyExtendedKeyUsage does not count)", ekus[0], ekus[1] ? ", ..." : "");
	return ok;
}

/* RFC 5280 §4.2.1.12: a critical EKU restricts the key to the purposes it
 * lists, and anyExtendedKeyUsage in it contradicts that: refused. */
static int critical_any_eku(X509 *leaf)
{
	int crit = 0;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(leaf, NID_ext_key_usage, &crit, NULL);
	int bad = eku && crit == 1 && has_oid(eku, "2.5.29.37.0");
	EXTENDED_KEY_USAGE_free(eku);
	return bad;
}

static int check_purpose(vntl_result *r, X509 *leaf, const vntl_chain_request *req)
{
	if (!check_required_eku(r, leaf, req->ekus))
		return 0;
	if (req->purpose != VNTL_PURPOSE_SIGNATURE)
		return 1;
	if (critical_any_eku(leaf)) {
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "the certificate's extended key usage is critical and holds "
		           "anyExtendedKeyUsage, which contradicts a critical restriction");
		return 0;
	}
	uint32_t ku = X509_get_key_usage(leaf);
	if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "the certificate's key usage allows neither digitalSignature nor "
		           "nonRepudiation, so it cannot be used for signatures");
		return 0;
	}
	if (!eku_allows_signatures(leaf)) {
		set_result(r, VNTL_INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE",
		           "the certificate's extended key usage limits it to TLS, OCSP or time "
		           "stamping, so it cannot be used for signatures");
		return 0;
	}
	return 1;
}

static void describe(vntl_cert_info *ci, X509 *c)
{
	vv_name_text(X509_get_subject_name(c), ci->subject, sizeof ci->subject);
	vv_name_text(X509_get_issuer_name(c), ci->issuer, sizeof ci->issuer);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(ci->serial, sizeof ci->serial, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
	ci->not_before = vv_asn1_time(X509_get0_notBefore(c));
	ci->not_after = vv_asn1_time(X509_get0_notAfter(c));
	if (vv_cert_sha256_hex(c, ci->sha256) != 0)
		snprintf(ci->sha256, sizeof ci->sha256, "(SHA-256 failed)");
}

static void describe_chain(vntl_result *r, STACK_OF(X509) *chain, X509 *leaf)
{
	int n = chain ? sk_X509_num(chain) : 0;
	if (n == 0) {
		describe(&r->chain[0], leaf);
		r->chain_len = 1;
	}
	for (int i = 0; i < n && i < VNTL_MAX_CHAIN; i++)
		describe(&r->chain[i], sk_X509_value(chain, i));
	if (n > 0)
		r->chain_len = (size_t)(n < VNTL_MAX_CHAIN ? n : VNTL_MAX_CHAIN);
	X509_NAME *issuer = X509_get_issuer_name(leaf);
	int idx = X509_NAME_get_index_by_NID(issuer, NID_organizationName, -1);
	ASN1_STRING *o = idx >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx)) : NULL;
	unsigned char *utf8 = NULL;
	if (o && ASN1_STRING_to_UTF8(&utf8, o) >= 0)
		snprintf(r->issuer_organisation, sizeof r->issuer_organisation, "%s", utf8);
	OPENSSL_free(utf8);
	vv_name_text(X509_get_subject_name(leaf), r->subject_display, sizeof r->subject_display);
}

/* Names an anchor can bear and still take part in a path from these inputs:
 * OpenSSL takes a trusted certificate only as the issuer of a certificate
 * that names it, or as that certificate itself. With thousands of anchors
 * loaded the few that can matter are picked by name hash first, through
 * the context's index (a collision only lets an extra anchor through). An
 * anchor may be issued by another anchor, so the set is grown until it
 * holds; past MAX_PATH_NAMES names every anchor is kept. */
#define MAX_PATH_NAMES 64

struct path_names {
	unsigned long hash[MAX_PATH_NAMES];
	size_t n;
	int overflow; /* too many: every anchor is kept */
};

static int has_name(const struct path_names *ns, unsigned long h)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->hash[i] == h)
			return 1;
	return 0;
}

static void add_name(struct path_names *ns, unsigned long h)
{
	if (has_name(ns, h))
		return;
	if (ns->n == MAX_PATH_NAMES)
		ns->overflow = 1;
	else
		ns->hash[ns->n++] = h;
}

static void add_cert_names(struct path_names *ns, X509 *cert)
{
	add_name(ns, X509_subject_name_hash(cert));
	add_name(ns, X509_issuer_name_hash(cert));
}

struct inputs {
	X509 *leaf;
	STACK_OF(X509) *untrusted;
	STACK_OF(X509_CRL) *crls;
};

static void collect_path_names(const vntl_ctx *ctx, const struct inputs *in,
                               struct path_names *ns)
{
	memset(ns, 0, sizeof *ns);
	add_cert_names(ns, in->leaf);
	for (int i = 0; i < sk_X509_num(in->untrusted); i++)
		add_cert_names(ns, sk_X509_value(in->untrusted, i));
	for (int i = 0; i < sk_X509_CRL_num(in->crls); i++)
		add_name(ns, X509_NAME_hash_ex(X509_CRL_get_issuer(sk_X509_CRL_value(in->crls, i)),
		                               NULL, NULL, NULL));
	for (size_t k = 0; k < ns->n && !ns->overflow; k++) {
		const struct vv_name_index *named;
		size_t count = vv_anchors_named(ctx, ns->hash[k], &named);
		for (size_t j = 0; j < count; j++)
			add_name(ns, ctx->anchors[named[j].anchor].issuer_hash);
	}
}

static void push_if_anchoring(STACK_OF(X509) *sk, const vv_anchor *a, time_t at,
                              int with_any_status)
{
	if (a->cert && (with_any_status || vv_anchor_anchors_at(a, at)))
		sk_X509_push(sk, a->cert);
}

/* The anchors that can take part in a path from these inputs and anchor at
 * T; with_any_status adds those that do not anchor, to explain a failure. */
static STACK_OF(X509) *anchors_at(const vntl_ctx *ctx, const struct inputs *in, time_t at,
                                  int with_any_status)
{
	struct path_names ns;
	collect_path_names(ctx, in, &ns);
	STACK_OF(X509) *sk = sk_X509_new_null();
	if (sk && (ns.overflow || ctx->n_by_subject == 0)) {
		for (size_t i = 0; i < ctx->n_anchors; i++)
			push_if_anchoring(sk, &ctx->anchors[i], at, with_any_status);
		return sk;
	}
	for (size_t k = 0; sk && k < ns.n; k++) {
		const struct vv_name_index *named;
		size_t count = vv_anchors_named(ctx, ns.hash[k], &named);
		for (size_t j = 0; j < count; j++)
			push_if_anchoring(sk, &ctx->anchors[named[j].anchor], at, with_any_status);
	}
	return sk;
}

static void free_inputs(struct inputs *in)
{
	X509_free(in->leaf);
	sk_X509_pop_free(in->untrusted, X509_free);
	sk_X509_CRL_pop_free(in->crls, X509_CRL_free);
}

static vntl_status push_shared_cert(STACK_OF(X509) *sk, X509 *cert, vntl_error *err)
{
	if (X509_up_ref(cert) && sk_X509_push(sk, cert))
		return VNTL_OK;
	X509_free(cert);
	return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "loading certificates");
}

static vntl_status push_shared_crl(STACK_OF(X509_CRL) *sk, X509_CRL *crl, vntl_error *err)
{
	if (X509_CRL_up_ref(crl) && sk_X509_CRL_push(sk, crl))
		return VNTL_OK;
	X509_CRL_free(crl);
	return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "loading CRLs");
}

/* The request's untrusted certificates and CRLs held in memory; an entry
 * that is NULL or does not decode is named by its field and index. */
static vntl_status load_memory_inputs(const vntl_chain_request *req, struct inputs *in,
                                      vntl_error *err)
{
	vntl_status st = VNTL_OK;
	char name[64];
	for (size_t i = 0; st == VNTL_OK && i < req->n_untrusted_der; i++) {
		snprintf(name, sizeof name, "untrusted_der[%zu]", i);
		st = vv_certs_from_memory(req->untrusted_der[i].data, req->untrusted_der[i].len, name,
		                          in->untrusted, err);
	}
	for (size_t i = 0; st == VNTL_OK && i < req->n_crl_der; i++) {
		snprintf(name, sizeof name, "crl_der[%zu]", i);
		st = vv_crls_from_memory(req->crl_der[i].data, req->crl_der[i].len, name, in->crls, err);
	}
	for (size_t i = 0; st == VNTL_OK && i < req->n_untrusted_certs; i++)
		st = req->untrusted_certs[i]
		     ? push_shared_cert(in->untrusted, req->untrusted_certs[i], err)
		     : vv_fail(err, VNTL_ERR_USAGE, "usage", "untrusted_certs[%zu] is NULL", i);
	for (size_t i = 0; st == VNTL_OK && i < req->n_crls; i++)
		st = req->crls[i] ? push_shared_crl(in->crls, req->crls[i], err)
		                  : vv_fail(err, VNTL_ERR_USAGE, "usage", "crls[%zu] is NULL", i);
	return st;
}

static vntl_status load_inputs(const vntl_ctx *ctx, const vntl_chain_request *req,
                               struct inputs *in, vntl_error *err)
{
	memset(in, 0, sizeof *in);
	STACK_OF(X509) *leafs = sk_X509_new_null();
	in->untrusted = sk_X509_new_null();
	in->crls = sk_X509_CRL_new_null();
	if (!leafs || !in->untrusted || !in->crls) {
		sk_X509_free(leafs);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "loading certificates");
	}
	vntl_status st = VNTL_OK;
	if (req->leaf_cert && X509_up_ref(req->leaf_cert))
		in->leaf = req->leaf_cert;
	else if (req->leaf_file)
		st = vv_load_certs(req->leaf_file, leafs, err);
	else
		st = vv_certs_from_memory(req->leaf_der.data, req->leaf_der.len, "the leaf (leaf_der)",
		                          leafs, err);
	if (st == VNTL_OK && !in->leaf)
		in->leaf = sk_X509_shift(leafs);
	sk_X509_pop_free(leafs, X509_free);
	for (size_t i = 0; st == VNTL_OK && req->untrusted && req->untrusted[i]; i++)
		st = vv_input_cache_load(ctx->inputs, req->untrusted[i], 0, in->untrusted, NULL, err);
	for (size_t i = 0; st == VNTL_OK && req->crl_files && req->crl_files[i]; i++)
		st = vv_input_cache_load(ctx->inputs, req->crl_files[i], 1, NULL, in->crls, err);
	if (st == VNTL_OK)
		st = load_memory_inputs(req, in, err);
	return st;
}

static vntl_status configure(X509_STORE_CTX *xctx, const vntl_chain_request *req, time_t at,
                             vntl_error *err)
{
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(xctx);
	X509_VERIFY_PARAM_set_time(param, at);
	/* OpenSSL's depth counts the CA certificates between leaf and anchor */
	X509_VERIFY_PARAM_set_depth(param, req->max_depth > 0 ? req->max_depth - 1 : VNTL_MAX_CHAIN - 2);
	unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
	if (req->revocation != VNTL_REVOCATION_NONE)
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL |
		         X509_V_FLAG_EXTENDED_CRL_SUPPORT | X509_V_FLAG_USE_DELTAS;
	int policy = req->explicit_policy || req->inhibit_policy_mapping || req->inhibit_any_policy ||
	             (req->policies && req->policies[0]);
	if (policy)
		flags |= X509_V_FLAG_POLICY_CHECK;
	if (req->explicit_policy)
		flags |= X509_V_FLAG_EXPLICIT_POLICY;
	if (req->inhibit_policy_mapping)
		flags |= X509_V_FLAG_INHIBIT_MAP;
	if (req->inhibit_any_policy)
		flags |= X509_V_FLAG_INHIBIT_ANY;
	X509_VERIFY_PARAM_set_flags(param, flags);
	for (size_t i = 0; req->ekus && req->ekus[i]; i++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(req->ekus[i], 1);
		ASN1_OBJECT_free(obj);
		if (!obj)
			return vv_fail(err, VNTL_ERR_USAGE, "usage", "\"%s\" is not an OID (extended key "
			               "usage)", req->ekus[i]);
	}
	/* OpenSSL reads an empty initial set as "no policy": default to anyPolicy. */
	const char *any[] = { "2.5.29.32.0", NULL };
	const char *const *oids = req->policies && req->policies[0] ? req->policies : any;
	for (size_t i = 0; policy && oids[i]; i++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(oids[i], 1);
		if (!obj || !X509_VERIFY_PARAM_add0_policy(param, obj)) {
			ASN1_OBJECT_free(obj);
			return vv_fail(err, VNTL_ERR_USAGE, "usage", "\"%s\" is not a policy OID", oids[i]);
		}
	}
	return VNTL_OK;
}

/* A store per check: the anchors depend on T, and OpenSSL validates CRL
 * issuers' paths against the store (not against a trusted stack). */
/* One OpenSSL path validation; returns 1 when the path holds. */
static int run_openssl(const struct inputs *in, STACK_OF(X509) *trusted,
                       const vntl_chain_request *req, struct check_state *state,
                       vntl_result *res, STACK_OF(X509) **chain_out, vntl_error *err,
                       vntl_status *st)
{
	X509_STORE *store = vv_trust_store_new(trusted);
	X509_STORE_CTX *xctx = X509_STORE_CTX_new();
	int ok = 0;
	*st = VNTL_OK;
	if (!store || !xctx || !vv_trust_ctx_init(xctx, store, in->leaf, in->untrusted)) {
		*st = vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "path validation");
		X509_STORE_CTX_free(xctx);
		X509_STORE_free(store);
		return 0;
	}
	X509_STORE_CTX_set0_crls(xctx, in->crls);
	X509_STORE_CTX_set_app_data(xctx, state);
	X509_STORE_CTX_set_verify_cb(xctx, on_verify_error);
	*st = configure(xctx, req, state->at, err);
	if (*st == VNTL_OK) {
		ok = X509_verify_cert(xctx) == 1;
		if (!ok && res)
			map_x509_error(res, X509_STORE_CTX_get_error(xctx),
			               X509_STORE_CTX_get_error_depth(xctx),
			               X509_STORE_CTX_get_current_cert(xctx));
		if (chain_out)
			*chain_out = X509_STORE_CTX_get1_chain(xctx);
	}
	X509_STORE_CTX_free(xctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok;
}

/* A failed chain may be explained by an anchor that exists but whose
 * status at T did not anchor (withdrawn before T, suspended).  Only the
 * path is looked for: revocation data was never gathered for a chain that
 * had no anchor, and its absence must not hide the explanation. */
static void explain_untrusted_anchor(const vntl_ctx *ctx, const struct inputs *in,
                                     const vntl_chain_request *req, time_t at, vntl_result *res)
{
	STACK_OF(X509) *all = anchors_at(ctx, in, at, 1);
	STACK_OF(X509) *chain = NULL;
	vntl_chain_request path_only = *req;
	path_only.revocation = VNTL_REVOCATION_NONE;
	struct check_state s = { .req = &path_only, .at = at, .crls = in->crls };
	vntl_error ignored;
	vntl_status st;
	if (all && run_openssl(in, all, &path_only, &s, NULL, &chain, &ignored, &st)) {
		const vv_anchor *a = vv_anchors_find(ctx, sk_X509_value(chain, sk_X509_num(chain) - 1), at, 0);
		const vv_status_period *p = a ? vv_anchor_period_at(a, at) : NULL;
		char since[32] = "";
		if (p)
			vv_format_time(p->start, since, sizeof since);
		if (a)
			snprintf(res->reason, sizeof res->reason,
			         "the chain ends at a service of %.200s whose status at T was %.120s%s%s, "
			         "which does not anchor", a->source,
			         p ? p->status : "not yet listed", p ? " since " : "", since);
	}
	sk_X509_pop_free(chain, X509_free);
	sk_X509_free(all);
}

static int covered_by_crl(STACK_OF(X509_CRL) *crls, X509 *cert)
{
	for (int i = 0; i < sk_X509_CRL_num(crls); i++)
		if (X509_NAME_cmp(X509_CRL_get_issuer(sk_X509_CRL_value(crls, i)),
		                  X509_get_issuer_name(cert)) == 0)
			return 1;
	return 0;
}

/* For certificates no given CRL covers: OCSP first, then the CRL
 * distribution points.  The chain is found once without revocation. */
static void gather_online(const vntl_ctx *ctx, struct inputs *in, const vntl_chain_request *req,
                          struct check_state *s, STACK_OF(X509) *trusted)
{
	vntl_chain_request probe = *req;
	probe.revocation = VNTL_REVOCATION_NONE;
	struct check_state ps = { .req = &probe, .at = s->at, .crls = in->crls };
	STACK_OF(X509) *chain = NULL;
	vntl_error ignored;
	vntl_status st;
	int ok = run_openssl(in, trusted, &probe, &ps, NULL, &chain, &ignored, &st);
	for (int i = 0; ok && i + 1 < sk_X509_num(chain) && s->n_ocsp < VNTL_MAX_CHAIN; i++) {
		X509 *cert = sk_X509_value(chain, i);
		if (covered_by_crl(in->crls, cert))
			continue;
		char why[400] = "";
		vv_revocation_status *o = &s->ocsp[s->n_ocsp];
		memset(o, 0, sizeof *o);
		if (vv_ocsp_status(ctx, cert, sk_X509_value(chain, i + 1), o, why, sizeof why)) {
			X509_up_ref(cert);
			o->cert = cert;
			s->n_ocsp++;
			vv_log(ctx, VNTL_LOG_INFO, "ocsp", "depth=%d revoked=%d source=%s", i, o->revoked, o->source);
			continue;
		}
		if (why[0])
			vv_log(ctx, VNTL_LOG_WARNING, "ocsp-unusable", "depth=%d why=%s", i, why);
		why[0] = 0;
		if (!vv_fetch_crls(ctx, cert, in->crls, why, sizeof why) && why[0])
			vv_log(ctx, VNTL_LOG_WARNING, "crl-unavailable", "depth=%d why=%s", i, why);
	}
	sk_X509_pop_free(chain, X509_free);
}

static void record_revocation(vntl_result *res, const struct inputs *in,
                              const vntl_chain_request *req, const struct check_state *s)
{
	if (req->revocation == VNTL_REVOCATION_NONE || s->revocation_missing) {
		snprintf(res->revocation_source, sizeof res->revocation_source, "none");
		return;
	}
	const vv_revocation_status *o = ocsp_for(s, in->leaf);
	if (o) {
		snprintf(res->revocation_source, sizeof res->revocation_source, "%s", o->source);
		res->revocation_time = o->produced;
		return;
	}
	for (int i = 0; i < sk_X509_CRL_num(in->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(in->crls, i);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(in->leaf)) == 0) {
			char name[400];
			vv_name_text(X509_CRL_get_issuer(crl), name, sizeof name);
			snprintf(res->revocation_source, sizeof res->revocation_source, "crl:%s", name);
			res->revocation_time = vv_asn1_time(X509_CRL_get0_lastUpdate(crl));
			return;
		}
	}
	snprintf(res->revocation_source, sizeof res->revocation_source, "crl");
}

/* The listed service nearest the leaf decides (TS 119 615: the trust anchor
 * is the first certificate of the path that a list names): a CA the lists
 * name is judged by its own status at T even when a root above it still
 * anchors, as when NEAC withdraws a public CA whose root stays granted, or a
 * listed time-stamping unit is withdrawn. Returns 0 and sets the result when
 * such a certificate does not anchor at T. */
static int listed_cas_anchor(const vntl_ctx *ctx, STACK_OF(X509) *chain, time_t at,
                             vntl_result *res)
{
	for (int k = 0; k < sk_X509_num(chain) - 1; k++) {
		X509 *c = sk_X509_value(chain, k);
		const vv_anchor *a = vv_anchors_find(ctx, c, at, 1);
		if (!a)
			continue;
		if (vv_anchor_anchors_at(a, at))
			return 1;
		const vv_status_period *p = vv_anchor_period_at(a, at);
		char since[32] = "", name[400];
		if (p)
			vv_format_time(p->start, since, sizeof since);
		vv_name_text(X509_get_subject_name(c), name, sizeof name);
		set_result(res, VNTL_INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND",
		           "the chain passes through %.200s, a service of %.200s whose status at T "
		           "was %.120s%s%s, which does not anchor (a listed CA is judged by its own "
		           "status, not by the anchor above it)", name, a->source,
		           p ? p->status : "not yet listed", p ? " since " : "", since);
		return 0;
	}
	return 1;
}

static int index_of(STACK_OF(X509) *sk, X509 *cert)
{
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), cert) == 0)
			return i;
	return -1;
}

/* OpenSSL builds one path, taking the first issuer it finds among the
 * untrusted certificates. When that path fails, another may hold: a CA
 * cross-certified by two anchors, one of which constrains its names. Each
 * untrusted CA certificate of the failed path is left out in turn and the
 * path built again; the first failure stays the result if none holds. */
static int try_other_paths(const struct inputs *in, STACK_OF(X509) *trusted,
                           const vntl_chain_request *req, struct check_state *s,
                           STACK_OF(X509) **chain)
{
	STACK_OF(X509) *failed = *chain;
	for (int d = 1; failed && d < sk_X509_num(failed); d++) {
		int at = index_of(in->untrusted, sk_X509_value(failed, d));
		if (at < 0)
			continue;
		struct inputs alt = *in;
		alt.untrusted = sk_X509_dup(in->untrusted);
		if (!alt.untrusted)
			return 0;
		(void)sk_X509_delete(alt.untrusted, at);
		STACK_OF(X509) *other = NULL;
		vntl_error ignored;
		vntl_status st;
		s->revocation_missing = 0;
		int ok = run_openssl(&alt, trusted, req, s, NULL, &other, &ignored, &st);
		sk_X509_free(alt.untrusted);
		if (ok) {
			sk_X509_pop_free(failed, X509_free);
			*chain = other;
			return 1;
		}
		sk_X509_pop_free(other, X509_free);
	}
	return 0;
}

/* The CRL's authority key identifier names c's key, or one of them lacks
 * it: a CRL signed with a separate CRL key is not c's (OpenSSL has checked
 * that CRL's signature and its signer's cRLSign itself). Names and key
 * identifiers, not a signature check: this runs on every chain check. */
static int same_key_id(X509_CRL *crl, X509 *c)
{
	AUTHORITY_KEYID *aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(c);
	int same = !aki || !aki->keyid || !ski || ASN1_OCTET_STRING_cmp(aki->keyid, ski) == 0;
	AUTHORITY_KEYID_free(aki);
	return same;
}

/* The CRLs that speak for a certificate of the chain, judged with the
 * certificate that issued them when it is in the chain. */
static int check_crls(vntl_result *r, STACK_OF(X509) *chain, STACK_OF(X509_CRL) *crls)
{
	for (int i = 0; i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(crls, i);
		X509 *issuer = NULL;
		int relevant = 0;
		for (int k = 0; k < sk_X509_num(chain); k++) {
			X509 *c = sk_X509_value(chain, k);
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(c)) == 0)
				relevant = 1;
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(c)) == 0 &&
			    same_key_id(crl, c))
				issuer = c;
		}
		vv_finding f;
		if (relevant && !vv_rfc5280_check_crl(crl, issuer, &f)) {
			set_result(r, VNTL_INDETERMINATE, f.sub_indication, "%s", f.reason);
			return 0;
		}
	}
	return 1;
}

static int check_profile(vntl_result *r, STACK_OF(X509) *chain, STACK_OF(X509_CRL) *crls,
                         const vntl_chain_request *req)
{
	if (req->profile != VNTL_PROFILE_STRICT)
		return 1;
	vv_finding f;
	if (!vv_rfc5280_check_chain(chain, req->purpose == VNTL_PURPOSE_ANY, &f)) {
		int format = strcmp(f.sub_indication, "FORMAT_FAILURE") == 0;
		set_result(r, format ? VNTL_FAILED : VNTL_INDETERMINATE, f.sub_indication, "%s", f.reason);
		return 0;
	}
	return req->revocation == VNTL_REVOCATION_NONE || check_crls(r, chain, crls);
}

static void judge(const vntl_ctx *ctx, struct inputs *in, const vntl_chain_request *req,
                  vntl_result *res, vntl_error *err, vntl_status *st)
{
	STACK_OF(X509) *trusted = anchors_at(ctx, in, res->at, 0);
	STACK_OF(X509) *chain = NULL;
	struct check_state s = { .req = req, .at = res->at, .crls = in->crls };
	if (trusted && req->online && req->revocation != VNTL_REVOCATION_NONE) {
		gather_online(ctx, in, req, &s, trusted);
		/* CRLs fetched meanwhile may name other issuers */
		sk_X509_free(trusted);
		trusted = anchors_at(ctx, in, res->at, 0);
	}
	if (!trusted) {
		*st = vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "collecting anchors");
		return;
	}
	int ok = run_openssl(in, trusted, req, &s, res, &chain, err, st);
	if (*st == VNTL_OK && !ok)
		ok = try_other_paths(in, trusted, req, &s, &chain);
	describe_chain(res, chain, in->leaf);
	if (*st == VNTL_OK && !ok && strcmp(res->sub_indication, "NO_CERTIFICATE_CHAIN_FOUND") == 0)
		explain_untrusted_anchor(ctx, in, req, res->at, res);
	if (*st == VNTL_OK && ok && listed_cas_anchor(ctx, chain, res->at, res) &&
	    (req->alg_policy == VNTL_ALG_POLICY_NONE ||
	                             check_algorithms(res, chain)) &&
	    check_profile(res, chain, in->crls, req) && check_purpose(res, in->leaf, req)) {
		const vv_anchor *a = vv_anchors_find(ctx, sk_X509_value(chain, sk_X509_num(chain) - 1),
		                                 res->at, 1);
		const vv_status_period *p = a && a->periods ? vv_anchor_period_at(a, res->at) : NULL;
		if (a)
			snprintf(res->anchor_source, sizeof res->anchor_source, "%s", a->source);
		if (p) {
			snprintf(res->anchor_status, sizeof res->anchor_status, "%s", p->status);
			res->anchor_status_since = p->start;
		}
		record_revocation(res, in, req, &s);
		set_result(res, VNTL_PASSED, "", "the chain is valid at T");
		res->valid_at_time = 1;
	}
	sk_X509_pop_free(chain, X509_free);
	sk_X509_free(trusted);
	free_state(&s);
}

vntl_status vntl_check_chain(const vntl_ctx *ctx, const vntl_chain_request *req,
                             vntl_result **out, vntl_error *err)
{
	if (!ctx || !req || !out)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_check_chain: NULL argument");
	*out = NULL;
	if (req->size == 0 || req->size > sizeof *req)
		return vv_fail(err, VNTL_ERR_USAGE, "usage",
		               "vntl_chain_request.size is %zu: set it to sizeof(vntl_chain_request) "
		               "(%zu in libvntl %s)", req->size, sizeof *req, vntl_version());
	/* the fields a caller built against an older vntl.h does not have are zero */
	vntl_chain_request known;
	memset(&known, 0, sizeof known);
	memcpy(&known, req, req->size);
	req = &known;
	if (!(req->leaf_file || req->leaf_cert || req->leaf_der.data))
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_check_chain: no leaf (leaf_file, "
		               "leaf_cert or leaf_der)");
	vv_anchors_decode(ctx);
	struct inputs in;
	vntl_status st = load_inputs(ctx, req, &in, err);
	vntl_result *res = st == VNTL_OK ? calloc(1, sizeof *res) : NULL;
	if (st == VNTL_OK && !res)
		st = vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating a result");
	if (st == VNTL_OK) {
		res->at = req->at ? req->at : time(NULL);
		judge(ctx, &in, req, res, err, &st);
	}
	if (st == VNTL_OK)
		vv_localise_result(res, ctx->language);
	free_inputs(&in);
	if (st != VNTL_OK) {
		free(res);
		return st;
	}
	*out = res;
	return VNTL_OK;
}

void vntl_result_free(vntl_result *res)
{
	free(res);
}

const char *vntl_indication_name(vntl_indication ind)
{
	switch (ind) {
	case VNTL_PASSED: return "PASSED";
	case VNTL_FAILED: return "FAILED";
	default: return "INDETERMINATE";
	}
}
