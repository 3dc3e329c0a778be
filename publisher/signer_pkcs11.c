/* The PKCS#11 signer: the private key stays in a token (an HSM, SoftHSM2).
 *
 * Route: the token is reached through p11-kit for the time of one
 * publication (pkcs11_token.c: module loaded and initialised, token found
 * by its RFC 7512 URI, login, key found; all closed and the module
 * finalised afterwards), so that a token that went away and came back is
 * found again by the next publication of a long-running vntld. OpenSSL's
 * pkcs11 engine (libp11 0.4.12, Debian 12) cannot do that: it never
 * finalises the module and keeps its session and key handles for the life
 * of the process. A certificate request (publisher_key_csr) is signed
 * through the same route.
 *
 * xmlsec 1.2.37 cannot drive a token key itself. So xmlsec does all the
 * XML work (template, c14n, every digest, KeyInfo) with a stand-in key of
 * the same algorithm made in memory, keeps the canonical SignedInfo
 * (XMLSEC_DSIG_FLAGS_STORE_SIGNATURE), and the token signs those bytes
 * (digest here, then CKM_RSA_PKCS over its DigestInfo or CKM_ECDSA over
 * it): that value replaces the stand-in's SignatureValue (xades_sign.c).
 * The self-check verifies the result against the configured certificate
 * before anything is published. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/sizes.h"
#include "publisher/pkcs11_token.h"
#include "publisher/signer_impl.h"

/* RSA below this is refused for a token key: a key generated today for an
 * HSM is generated at the size TS 119 312 asks for beyond 2030. */
#define PKCS11_MIN_RSA_BITS 3072

struct pkcs11_impl {
	struct pkcs11_token *token; /* open for this publication */
	EVP_PKEY *stand_in;         /* in memory, same algorithm: xmlsec's XML work */
	char *uri;                  /* names the key when the token fails later */
};

int publisher_key_is_pkcs11(const char *key)
{
	return key && strncmp(key, "pkcs11:", 7) == 0;
}

/* `attr` as an attribute of the URI's path (";"-separated, before "?") or
 * query ("&"-separated, after it). */
static int uri_has_attr(const char *uri, const char *attr)
{
	size_t len = strlen(attr);
	for (const char *p = uri + 7; *p; p++) {
		int at_start = p == uri + 7 || p[-1] == ';' || p[-1] == '?' || p[-1] == '&';
		if (at_start && strncmp(p, attr, len) == 0 && p[len] == '=')
			return 1;
	}
	return 0;
}

int publisher_pkcs11_check_config(const char *uri, const char *module, char *err, size_t errlen)
{
	if (uri_has_attr(uri, "pin-value") || uri_has_attr(uri, "pin-source"))
		snprintf(err, errlen, "publish.key: the token's PIN must not be in the configuration "
				      "(pin-value, pin-source): put it in the file named by publish.pin_file, "
				      "or in the environment variable " PUBLISHER_PKCS11_PIN_ENV);
	else if (!uri_has_attr(uri, "object") && !uri_has_attr(uri, "id"))
		snprintf(err, errlen, "publish.key = %s: the PKCS#11 URI must name the key "
				      "(object=LABEL or id=ID), e.g. pkcs11:token=neac-tl;object=tl-signer-2026", uri);
	else if (access(module, R_OK) != 0)
		snprintf(err, errlen, "publish.pkcs11_module = %s: cannot read the PKCS#11 module", module);
	else
		return 0;
	return -1;
}

/* A throwaway key for xmlsec's side of the work: same curve, or RSA (of
 * any size: its signature is replaced, never published). */
static EVP_PKEY *make_stand_in(EVP_PKEY *key)
{
	if (EVP_PKEY_is_a(key, "RSA"))
		return EVP_RSA_gen(1024);
	char curve[64] = "";
	size_t len = 0;
	EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &len);
	return EVP_EC_gen(curve);
}

static xmlSecKeyPtr pkcs11_make_key(struct publisher_signer *signer, char *err, size_t errlen)
{
	struct pkcs11_impl *impl = signer->impl;
	return signer_key_with_cert(impl->stand_in, signer->cert, err, errlen);
}

/* What the token signs for RSA PKCS#1 v1.5: the DER DigestInfo of `hash`. */
static int digest_info(const EVP_MD *md, const unsigned char *hash, unsigned hash_len, unsigned char **der,
		       int *der_len)
{
	X509_SIG *sig = X509_SIG_new();
	X509_ALGOR *alg = NULL;
	ASN1_OCTET_STRING *octets = NULL;
	*der = NULL;
	if (sig)
		X509_SIG_getm(sig, &alg, &octets);
	int ok = sig && X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL) == 1 &&
		 ASN1_OCTET_STRING_set(octets, hash, (int)hash_len) == 1 && (*der_len = i2d_X509_SIG(sig, der)) > 0;
	X509_SIG_free(sig);
	return ok ? 0 : -1;
}

/* The signature of `data` with `digest` by the token's key, as the
 * token's raw mechanism gives it: RSA PKCS#1 v1.5, or ECDSA as r||s (what
 * XML-DSig wants). `why` is the token's reason. */
static int token_sign_data(struct pkcs11_token *token, const char *digest, const void *data, size_t len,
			   unsigned char **sig, size_t *sig_len, char *why, size_t whylen)
{
	const EVP_MD *md = EVP_get_digestbyname(digest);
	unsigned char hash[EVP_MAX_MD_SIZE], *info = NULL;
	unsigned hash_len = 0;
	int info_len = 0;
	int rsa = pkcs11_token_key_kind(token) == PKCS11_KEY_RSA;
	snprintf(why, whylen, "cannot digest what is to be signed");
	int rc = md && EVP_Digest(data, len, hash, &hash_len, md, NULL) == 1 &&
			 (!rsa || digest_info(md, hash, hash_len, &info, &info_len) == 0)
		 ? pkcs11_token_sign(token, rsa ? info : hash, rsa ? (size_t)info_len : hash_len, sig, sig_len, why,
				     whylen)
		 : -1;
	OPENSSL_free(info);
	ERR_clear_error();
	return rc;
}

static int token_sign(struct publisher_signer *signer, const char *digest, const void *data, size_t len,
		      unsigned char **sig, size_t *sig_len, char *err, size_t errlen)
{
	struct pkcs11_impl *impl = signer->impl;
	char why[VNTL_ERR_MAX];
	int rc = token_sign_data(impl->token, digest, data, len, sig, sig_len, why, sizeof why);
	if (rc < 0)
		snprintf(err, errlen, "the token did not sign with the %s key %s: %s (is the token still present?)",
			 signer->key_desc, impl->uri, why);
	return rc;
}

/* ECDSA r||s (each half of `len`) as OpenSSL's DER SEQUENCE. */
static int ecdsa_xmldsig_to_der(unsigned char **sig, size_t *len)
{
	size_t half = *len / 2;
	ECDSA_SIG *ecdsa = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(*sig, (int)half, NULL), *s = BN_bin2bn(*sig + half, (int)half, NULL);
	unsigned char *der = NULL;
	int der_len = 0;
	if (ecdsa && r && s && ECDSA_SIG_set0(ecdsa, r, s) == 1) {
		r = s = NULL;
		der_len = i2d_ECDSA_SIG(ecdsa, &der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(ecdsa);
	if (der_len <= 0)
		return -1;
	OPENSSL_free(*sig);
	*sig = der;
	*len = (size_t)der_len;
	return 0;
}

/* The token's signature as OpenSSL gives it: ECDSA r||s as DER. */
static int signature_as_openssl(struct pkcs11_token *token, unsigned char **sig, size_t *sig_len, char *err,
				size_t errlen)
{
	if (pkcs11_token_key_kind(token) == PKCS11_KEY_EC && ecdsa_xmldsig_to_der(sig, sig_len) < 0) {
		OPENSSL_free(*sig);
		*sig = NULL;
		snprintf(err, errlen, "the token's ECDSA signature is not r||s");
		return -1;
	}
	return 0;
}

static int pkcs11_sign_bytes(struct publisher_signer *signer, const char *digest,
			     const void *data, size_t len, unsigned char **sig, size_t *sig_len,
			     char *err, size_t errlen)
{
	struct pkcs11_impl *impl = signer->impl;
	if (token_sign(signer, digest, data, len, sig, sig_len, err, errlen) < 0)
		return -1;
	return signature_as_openssl(impl->token, sig, sig_len, err, errlen);
}

static int pkcs11_sign_value(struct publisher_signer *signer, const unsigned char *data, size_t len,
			     unsigned char **value, size_t *value_len, char *err, size_t errlen)
{
	return token_sign(signer, signer->digest_name, data, len, value, value_len, err, errlen);
}

static void pkcs11_destroy(struct publisher_signer *signer)
{
	struct pkcs11_impl *impl = signer->impl;
	EVP_PKEY_free(impl->stand_in);
	pkcs11_token_close(impl->token);
	free(impl->uri);
	free(impl);
}

static const struct publisher_signer_ops PKCS11_OPS = {
	.kind = "pkcs11",
	.make_key = pkcs11_make_key,
	.sign_value = pkcs11_sign_value,
	.sign_bytes = pkcs11_sign_bytes,
	.destroy = pkcs11_destroy,
};

/* The token's key is the certificate's: of its kind, and a probe it signs
 * verifies with the certificate's public key. */
static int key_matches_cert(struct publisher_signer *s, EVP_PKEY *cert_key)
{
	struct pkcs11_impl *impl = s->impl;
	static const char probe[] = "vntl: does the token's key match the certificate?";
	int rsa = pkcs11_token_key_kind(impl->token) == PKCS11_KEY_RSA;
	if (rsa != EVP_PKEY_is_a(cert_key, "RSA"))
		return 0;
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char why[VNTL_ERR_MAX];
	if (pkcs11_sign_bytes(s, s->digest_name, probe, sizeof probe, &sig, &sig_len, why, sizeof why) < 0)
		return -1;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_get_digestbyname(s->digest_name), NULL, cert_key) == 1 &&
		 EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)probe, sizeof probe) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(sig);
	ERR_clear_error();
	return ok;
}

/* The token's key, checked against the policy (on the certificate's
 * public key, which must be the token key's) and the certificate. */
static int load_key(struct pkcs11_impl *impl, struct publisher_signer *s, const char *uri, const char *module,
		    const char *pin, const char *cert_path, const struct signer_digest *d, char *err, size_t errlen)
{
	EVP_PKEY *cert_key = X509_get0_pubkey(s->cert);
	if (!cert_key) {
		ERR_clear_error();
		snprintf(err, errlen, "signing certificate %s: no public key in it", cert_path);
		return -1;
	}
	if (signer_apply_policy(s, cert_key, d, PKCS11_MIN_RSA_BITS, err, errlen) < 0)
		return -1;
	impl->uri = strdup(uri);
	if (!impl->uri || pkcs11_token_open(uri, module, pin, &impl->token, err, errlen) < 0)
		return -1;
	int match = key_matches_cert(s, cert_key);
	if (match <= 0) {
		if (match == 0)
			snprintf(err, errlen, "signing certificate %s does not match the key %s", cert_path, uri);
		else
			snprintf(err, errlen, "the token did not sign with the key %s (is the token still present?)", uri);
		return -1;
	}
	impl->stand_in = make_stand_in(cert_key);
	if (!impl->stand_in) {
		ERR_clear_error();
		snprintf(err, errlen, "cannot make the stand-in key for xmlsec");
		return -1;
	}
	return 0;
}

/* Takes `cert` over; `cert_name` names it in messages. */
static int open_pkcs11(const char *uri, const char *module, X509 *cert, const char *cert_name,
		       const char *pin, const struct signer_digest *d, struct publisher_signer **out,
		       char *err, size_t errlen)
{
	if (!pin) {
		X509_free(cert);
		snprintf(err, errlen, "no PIN for the token of %s (publish.pin_file or " PUBLISHER_PKCS11_PIN_ENV ")", uri);
		return -1;
	}
	struct publisher_signer *s = calloc(1, sizeof *s);
	struct pkcs11_impl *impl = calloc(1, sizeof *impl);
	if (!s || !impl) {
		snprintf(err, errlen, "out of memory");
		X509_free(cert);
		free(s);
		free(impl);
		return -1;
	}
	s->impl = impl;
	s->ops = &PKCS11_OPS;
	s->cert = cert;
	if (s->cert && load_key(impl, s, uri, module, pin, cert_name, d, err, errlen) == 0) {
		*out = s;
		return 0;
	}
	publisher_signer_free(s);
	return -1;
}

int publisher_signer_open_pkcs11(const char *uri, const char *module, const char *cert_path,
				 const char *pin, const char *digest, struct publisher_signer **out,
				 char *err, size_t errlen)
{
	*out = NULL;
	const struct signer_digest *d = signer_digest_find(digest, err, errlen);
	if (!d)
		return -1;
	if (!cert_path) {
		snprintf(err, errlen, "no signing certificate configured (publish.cert)");
		return -1;
	}
	if (!pin) {
		snprintf(err, errlen, "no PIN for the token of %s (publish.pin_file or " PUBLISHER_PKCS11_PIN_ENV ")", uri);
		return -1;
	}
	X509 *cert = signer_read_cert(cert_path, err, errlen);
	return cert ? open_pkcs11(uri, module, cert, cert_path, pin, d, out, err, errlen) : -1;
}

int publisher_signer_open_pkcs11_der(const char *uri, const char *module, const unsigned char *cert_der,
				     size_t cert_len, const char *cert_name, const char *pin, const char *digest,
				     struct publisher_signer **out, char *err, size_t errlen)
{
	*out = NULL;
	const struct signer_digest *d = signer_digest_find(digest, err, errlen);
	if (!d)
		return -1;
	X509 *cert = signer_cert_from_der(cert_der, cert_len, cert_name, err, errlen);
	return cert ? open_pkcs11(uri, module, cert, cert_name, pin, d, out, err, errlen) : -1;
}

/* What signs the request: SHA-256 with the key's algorithm. */
static int request_signature_algorithm(X509_REQ *req, enum pkcs11_key_kind kind)
{
	int rsa = kind == PKCS11_KEY_RSA;
	X509_ALGOR *alg = X509_ALGOR_new();
	int ok = alg && X509_ALGOR_set0(alg, OBJ_nid2obj(rsa ? NID_sha256WithRSAEncryption : NID_ecdsa_with_SHA256),
					rsa ? V_ASN1_NULL : V_ASN1_UNDEF, NULL) == 1 &&
		 X509_REQ_set1_signature_algo(req, alg) == 1;
	X509_ALGOR_free(alg);
	return ok ? 0 : -1;
}

/* `sig` (taken over) as the request's signature, all its bits used. */
static int set_request_signature(X509_REQ *req, unsigned char *sig, size_t sig_len)
{
	ASN1_BIT_STRING *bits = ASN1_BIT_STRING_new();
	if (!bits || sig_len > INT_MAX) {
		ASN1_BIT_STRING_free(bits);
		OPENSSL_free(sig);
		return -1;
	}
	ASN1_STRING_set0(bits, sig, (int)sig_len);
	/* else the encoder trims trailing zero bytes as unused bits */
	bits->flags = (bits->flags & ~0x07L) | ASN1_STRING_FLAG_BITS_LEFT;
	X509_REQ_set0_signature(req, bits);
	return 0;
}

/* The token's key in `req` and its signature over it; the result must
 * verify with the public key the token shows. */
static int sign_request_in_token(struct pkcs11_token *token, X509_REQ *req, char *err, size_t errlen)
{
	EVP_PKEY *pub = NULL;
	if (pkcs11_token_public_key(token, &pub, err, errlen) < 0)
		return -1;
	unsigned char *tbs = NULL, *sig = NULL;
	size_t sig_len = 0;
	int tbs_len = X509_REQ_set_pubkey(req, pub) == 1 &&
			      request_signature_algorithm(req, pkcs11_token_key_kind(token)) == 0
			      ? i2d_re_X509_REQ_tbs(req, &tbs)
			      : -1;
	int rc = -1;
	if (tbs_len <= 0)
		snprintf(err, errlen, "cannot encode the certificate request");
	else if (token_sign_data(token, "sha256", tbs, (size_t)tbs_len, &sig, &sig_len, err, errlen) < 0 ||
		 signature_as_openssl(token, &sig, &sig_len, err, errlen) < 0)
		; /* err says why */
	else if (set_request_signature(req, sig, sig_len) < 0)
		snprintf(err, errlen, "out of memory");
	else if (X509_REQ_verify(req, pub) != 1)
		snprintf(err, errlen, "the token's signature of the request does not verify with its public key");
	else
		rc = 0;
	OPENSSL_free(tbs);
	EVP_PKEY_free(pub);
	ERR_clear_error();
	return rc;
}

int signer_pkcs11_sign_request(const char *uri, const char *module, const char *pin, X509_REQ *req, char *err,
			       size_t errlen)
{
	if (!pin) {
		snprintf(err, errlen, "no PIN for the token of %s (publish.pin_file or " PUBLISHER_PKCS11_PIN_ENV ")", uri);
		return -1;
	}
	struct pkcs11_token *token = NULL;
	int rc = pkcs11_token_open(uri, module, pin, &token, err, errlen) == 0
			 ? sign_request_in_token(token, req, err, errlen)
			 : -1;
	pkcs11_token_close(token);
	return rc;
}
