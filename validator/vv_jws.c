/* The signed index (vntl.h "signed index"): index.json, a JWS (RFC 7515)
 * in the flattened JSON serialization whose payload is the index itself,
 * also carried in clear beside it.
 * Decoding is strict (one spelling of every value: base64url without
 * padding or stray bits, no duplicate or unknown member), so that the bytes
 * verified are the only reading of them. */
#include "vv_internal.h"

#include <jansson.h>
#include <limits.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_TYPE "vntl-index+jws"

struct vntl_index {
	json_t *payload_json;        /* the parsed payload; owns "files" */
	unsigned char *payload;
	size_t payload_len;
	vntl_index_list *lists;
	size_t n_lists;
	char alg[8];
	char signer_sha256[65];
	vntl_index_signer *announced; /* their der points into `announced_der` */
	unsigned char **announced_der;
	size_t n_announced;
};

/* --- base64 ------------------------------------------------------------- */

/* Standard base64 (RFC 4648 §4) with its padding; malloc'd bytes or NULL. */
static unsigned char *base64_decode(const char *text, size_t n, size_t *out_len)
{
	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return NULL;
	unsigned char *out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	int got = EVP_DecodeBlock(out, (const unsigned char *)text, (int)n);
	if (got < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	size_t pad = text[n - 1] == '=' ? (text[n - 2] == '=' ? 2 : 1) : 0;
	*out_len = (size_t)got - pad;
	return out;
}

/* base64url without padding (RFC 7515 §2), in its one canonical spelling. */
static unsigned char *base64url_decode(const char *text, size_t *out_len)
{
	size_t n = strlen(text);
	if (n % 4 == 1 || n > (size_t)INT_MAX - 4)
		return NULL;
	char *std = malloc(n + 4);
	if (!std)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = text[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_')) {
			free(std);
			return NULL;
		}
		std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	size_t padded = n;
	while (padded % 4)
		std[padded++] = '=';
	std[padded] = '\0';
	unsigned char *out = n ? base64_decode(std, padded, out_len) : malloc(1);
	if (n == 0 && out)
		*out_len = 0;
	/* Unused low bits of the last character must be zero: re-encoding
	 * gives the same text back. */
	char *again = out ? malloc(padded + 1) : NULL;
	int same = again && (n == 0 || (EVP_EncodeBlock((unsigned char *)again, out, (int)*out_len) ==
					(int)padded && memcmp(again, std, padded) == 0));
	free(again);
	free(std);
	if (!same) {
		free(out);
		return NULL;
	}
	return out;
}

/* --- the protected header and the key ----------------------------------- */

struct jws_alg {
	const char *name;
	const char *digest;
	int ec_bytes; /* 0: RSA; else the size of r and of s */
	const char *curve;
};

static const struct jws_alg ALGS[] = {
	{"ES256", "SHA256", 32, "prime256v1"},
	{"ES384", "SHA384", 48, "secp384r1"},
	{"RS256", "SHA256", 0, NULL},
	{"RS384", "SHA384", 0, NULL},
	{"RS512", "SHA512", 0, NULL},
};

static const struct jws_alg *find_alg(const char *name)
{
	for (size_t i = 0; name && i < sizeof ALGS / sizeof ALGS[0]; i++)
		if (strcmp(ALGS[i].name, name) == 0)
			return &ALGS[i];
	return NULL;
}

/* The key must be the kind the algorithm names: an ES256 header on an RSA
 * key, or on a P-384 key, is refused rather than reinterpreted. */
static vntl_status key_fits(EVP_PKEY *key, const struct jws_alg *alg, vntl_error *err)
{
	if (alg->ec_bytes) {
		char curve[64] = "";
		size_t len = 0;
		if (!EVP_PKEY_is_a(key, "EC") ||
		    !EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &len) ||
		    strcmp(curve, alg->curve) != 0)
			return vv_fail(err, VNTL_ERR_REFUSED, "index-algorithm",
				       "the signed index says %s but its signer's key is not an EC %s key",
				       alg->name, alg->curve);
	} else if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < 2048) {
		return vv_fail(err, VNTL_ERR_REFUSED, "index-algorithm",
			       "the signed index says %s but its signer's key is not RSA of at least 2048 bits",
			       alg->name);
	}
	return VNTL_OK;
}

/* JWS ECDSA signatures are r || s (RFC 7518 §3.4); OpenSSL verifies DER. */
static unsigned char *ecdsa_raw_to_der(const unsigned char *raw, size_t len, int half,
				       size_t *der_len)
{
	if (len != (size_t)half * 2)
		return NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, half, NULL), *s = BN_bin2bn(raw + half, half, NULL);
	unsigned char *der = NULL;
	if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
		r = s = NULL;
		int n = i2d_ECDSA_SIG(sig, &der);
		*der_len = n > 0 ? (size_t)n : 0;
		if (n <= 0)
			der = NULL;
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return der;
}

static int signature_valid(EVP_PKEY *key, const struct jws_alg *alg, const char *input,
			   const unsigned char *sig, size_t sig_len)
{
	unsigned char *der = NULL;
	size_t der_len = sig_len;
	if (alg->ec_bytes) {
		der = ecdsa_raw_to_der(sig, sig_len, alg->ec_bytes, &der_len);
		if (!der)
			return 0;
	}
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_get_digestbyname(alg->digest), NULL, key) == 1 &&
		 EVP_DigestVerify(md, der ? der : sig, der_len, (const unsigned char *)input,
				  strlen(input)) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ERR_clear_error();
	return ok;
}

/* The header: exactly alg, typ and x5c. Fills the algorithm and the
 * signer (DER bytes of x5c[0], malloc'd). */
static vntl_status read_header(const char *b64, const struct jws_alg **alg, unsigned char **der,
			       size_t *der_len, vntl_error *err)
{
	size_t len = 0;
	unsigned char *text = base64url_decode(b64, &len);
	json_error_t jerr;
	json_t *h = text ? json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	free(text);
	vntl_status st = VNTL_ERR_REFUSED;
	json_t *x5c = json_object_get(h, "x5c");
	const char *first = json_string_value(json_array_get(x5c, 0));
	if (!json_is_object(h))
		vv_fail(err, st, "index-malformed", "the signed index's protected header is not base64url JSON");
	else if (json_object_size(h) != 3 || !json_is_string(json_object_get(h, "alg")) ||
		 !json_is_array(x5c) || !json_is_string(json_object_get(h, "typ")))
		vv_fail(err, st, "index-malformed", "the signed index's protected header must hold exactly "
			"\"alg\", \"typ\" and \"x5c\"");
	else if (strcmp(json_string_value(json_object_get(h, "typ")), INDEX_TYPE) != 0)
		vv_fail(err, st, "index-malformed", "the signed index's \"typ\" is \"%s\", not \"" INDEX_TYPE "\"",
			json_string_value(json_object_get(h, "typ")));
	else if (!(*alg = find_alg(json_string_value(json_object_get(h, "alg")))))
		vv_fail(err, st, "index-algorithm", "the signed index's \"alg\" \"%.20s\" is not allowed "
			"(ES256, ES384, RS256, RS384, RS512)", json_string_value(json_object_get(h, "alg")));
	else if (!first || !(*der = base64_decode(first, strlen(first), der_len)))
		vv_fail(err, st, "index-malformed", "the signed index's \"x5c\" holds no base64 certificate");
	else
		st = VNTL_OK;
	json_decref(h);
	return st;
}

/* --- the payload ---------------------------------------------------------- */

static int is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int is_list_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof((vntl_index_list *)0)->name)
		return 0;
	for (; *s; s++)
		if (*s < 'a' || *s > 'z')
			return 0;
	return 1;
}

static vntl_status read_entry(const char *name, json_t *e, vntl_index_list *l, vntl_error *err)
{
	json_t *seq = json_object_get(e, "sequence"), *size = json_object_get(e, "size");
	const char *sha = json_string_value(json_object_get(e, "sha256"));
	const char *signer = json_string_value(json_object_get(e, "signer_sha256"));
	const char *url = json_string_value(json_object_get(e, "url"));
	const char *path = json_string_value(json_object_get(e, "path"));
	const char *issued = json_string_value(json_object_get(e, "issued"));
	const char *next = json_string_value(json_object_get(e, "next_update"));
	memset(l, 0, sizeof *l);
	if (!is_list_name(name) || !json_is_object(e))
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed index names a list \"%.40s\": lowercase letters with an object", name);
	snprintf(l->name, sizeof l->name, "%s", name);
	l->sequence = json_integer_value(seq);
	l->size = json_integer_value(size);
	char want_path[64];
	snprintf(want_path, sizeof want_path, "%s/%lld.xml", name, l->sequence);
	if (!json_is_integer(seq) || l->sequence < 0 || !json_is_integer(size) || l->size < 0 ||
	    !is_hex64(sha) || !is_hex64(signer) || !url || strlen(url) >= sizeof l->url || !path ||
	    strcmp(path, want_path) != 0 || !issued || !vv_parse_time(issued, &l->issued) ||
	    !next || !vv_parse_time(next, &l->next_update))
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed index's entry for %s lacks a field or has a bad one (sequence, "
			       "sha256, size, issued, next_update, path \"%s\", url, signer_sha256)", name,
			       want_path);
	memcpy(l->sha256, sha, 65);
	memcpy(l->signer_sha256, signer, 65);
	snprintf(l->url, sizeof l->url, "%s", url);
	snprintf(l->path, sizeof l->path, "%s", path);
	return VNTL_OK;
}

static vntl_status read_payload(vntl_index *idx, vntl_error *err)
{
	json_error_t jerr;
	idx->payload_json = json_loadb((const char *)idx->payload, idx->payload_len,
				       JSON_REJECT_DUPLICATES, &jerr);
	json_t *lists = json_object_get(idx->payload_json, "lists");
	json_t *files = json_object_get(idx->payload_json, "files");
	if (!json_is_object(idx->payload_json) ||
	    json_integer_value(json_object_get(idx->payload_json, "format")) != 1 ||
	    !json_is_object(lists) || json_object_size(lists) == 0 || (files && !json_is_object(files)))
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed payload is not a vntl index (format 1, a non-empty \"lists\" object)");
	idx->lists = calloc(json_object_size(lists), sizeof *idx->lists);
	if (!idx->lists)
		return vv_fail(err, VNTL_ERR_INTERNAL, "internal", "out of memory");
	const char *name;
	json_t *e;
	json_object_foreach(lists, name, e) {
		vntl_status st = read_entry(name, e, &idx->lists[idx->n_lists], err);
		if (st != VNTL_OK)
			return st;
		idx->n_lists++;
	}
	return VNTL_OK;
}

/* One "announced_signers" entry: exactly sha256, x5c (standard base64 of
 * one DER certificate of that SHA-256), role "next" or "previous", from. */
static vntl_status read_announced_entry(json_t *e, vntl_index_signer *out, unsigned char **der,
					vntl_error *err)
{
	const char *sha = json_string_value(json_object_get(e, "sha256"));
	const char *x5c = json_string_value(json_object_get(e, "x5c"));
	const char *role = json_string_value(json_object_get(e, "role"));
	const char *from = json_string_value(json_object_get(e, "from"));
	size_t len = 0;
	*der = x5c ? base64_decode(x5c, strlen(x5c), &len) : NULL;
	const unsigned char *p = *der;
	X509 *cert = *der ? d2i_X509(NULL, &p, (long)len) : NULL;
	char have[65] = "";
	if (cert && p == *der + len && vv_sha256_hex(*der, len, have) != 0)
		have[0] = '\0'; /* no digest: matches no sha256, refused below */
	X509_free(cert);
	ERR_clear_error();
	if (!json_is_object(e) || json_object_size(e) != 4 || !is_hex64(sha) || strcmp(have, sha) != 0 || !role ||
	    (strcmp(role, "next") != 0 && strcmp(role, "previous") != 0) || !from ||
	    !vv_parse_time(from, &out->from))
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed index's \"announced_signers\" entry lacks a field or has a bad one "
			       "(sha256, x5c: the certificate of that SHA-256, role next or previous, from)");
	memcpy(out->sha256, sha, 65);
	snprintf(out->role, sizeof out->role, "%s", role);
	out->der = *der;
	out->der_len = len;
	return VNTL_OK;
}

static vntl_status read_announced(vntl_index *idx, vntl_error *err)
{
	json_t *arr = json_object_get(idx->payload_json, "announced_signers");
	if (!arr)
		return VNTL_OK;
	size_t n = json_array_size(arr);
	if (!json_is_array(arr) || n == 0 || n > 64)
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed index's \"announced_signers\" is not an array of 1 to 64 signers");
	idx->announced = calloc(n, sizeof *idx->announced);
	idx->announced_der = calloc(n, sizeof *idx->announced_der);
	if (!idx->announced || !idx->announced_der)
		return vv_fail(err, VNTL_ERR_INTERNAL, "internal", "out of memory");
	for (size_t i = 0; i < n; i++) {
		vntl_status st = read_announced_entry(json_array_get(arr, i), &idx->announced[i],
						      &idx->announced_der[i], err);
		idx->n_announced = i + 1; /* its der is freed with the index */
		if (st != VNTL_OK)
			return st;
	}
	return VNTL_OK;
}

/* What a poller reads without verifying must say what the signature
 * covers: the members beside the JWS's are none, or exactly the payload's. */
static vntl_status clear_matches_payload(json_t *jws, json_t *payload, vntl_error *err)
{
	json_t *clear = json_deep_copy(jws);
	if (!clear)
		return vv_fail(err, VNTL_ERR_INTERNAL, "internal", "out of memory");
	json_object_del(clear, "protected");
	json_object_del(clear, "payload");
	json_object_del(clear, "signature");
	int ok = json_object_size(clear) == 0 || json_equal(clear, payload);
	json_decref(clear);
	if (!ok)
		return vv_fail(err, VNTL_ERR_REFUSED, "index-signature-invalid",
			       "the index's members in clear differ from its signed payload (the index "
			       "was changed after it was signed)");
	return VNTL_OK;
}

/* --- verification ---------------------------------------------------------- */

static long pinned_index(const unsigned char *der, size_t len, const unsigned char *const *ders,
			 const size_t *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ders[i] && lens[i] == len && memcmp(ders[i], der, len) == 0)
			return (long)i;
	return -1;
}

static vntl_status verify_parts(vntl_index *idx, json_t *jws, const unsigned char *const *ders,
				const size_t *lens, size_t n, vntl_error *err)
{
	const char *prot = json_string_value(json_object_get(jws, "protected"));
	const char *payload = json_string_value(json_object_get(jws, "payload"));
	const char *sig_b64 = json_string_value(json_object_get(jws, "signature"));
	if (!json_is_object(jws) || !prot || !payload || !sig_b64 || json_object_get(jws, "header"))
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the index is not a signed index: a flattened JWS, a JSON object with "
			       "\"protected\", \"payload\" and \"signature\" strings and no unprotected "
			       "\"header\" (publish it again with vntl 3.1 or later)");
	const struct jws_alg *alg = NULL;
	unsigned char *der = NULL, *sig = NULL;
	size_t der_len = 0, sig_len = 0;
	vntl_status st = read_header(prot, &alg, &der, &der_len, err);
	if (st != VNTL_OK)
		return st;
	const unsigned char *p = der;
	X509 *cert = d2i_X509(NULL, &p, (long)der_len);
	EVP_PKEY *key = cert ? X509_get0_pubkey(cert) : NULL;
	size_t input_len = strlen(prot) + 1 + strlen(payload);
	char *input = malloc(input_len + 1);
	if (!cert || !key || p != der + der_len)
		st = vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			     "the signed index's \"x5c\" certificate cannot be decoded");
	else if (pinned_index(der, der_len, ders, lens, n) < 0)
		st = vv_fail(err, VNTL_ERR_REFUSED, "index-signer-not-pinned",
			     "the signed index is signed by %s, which is not the pinned list signer",
			     X509_NAME_oneline(X509_get_subject_name(cert), (char[256]){0}, 256));
	else if ((st = key_fits(key, alg, err)) != VNTL_OK)
		;
	else if (!input)
		st = vv_fail(err, VNTL_ERR_INTERNAL, "internal", "out of memory");
	else if (snprintf(input, input_len + 1, "%s.%s", prot, payload) < 0 ||
		 !(sig = base64url_decode(sig_b64, &sig_len)) ||
		 !signature_valid(key, alg, input, sig, sig_len))
		st = vv_fail(err, VNTL_ERR_REFUSED, "index-signature-invalid",
			     "the signature of the signed index does not verify with its signer's key "
			     "(the index was changed, or signed by another key)");
	else if (!(idx->payload = base64url_decode(payload, &idx->payload_len)))
		st = vv_fail(err, VNTL_ERR_REFUSED, "index-malformed", "the signed payload is not base64url");
	if (st == VNTL_OK) {
		snprintf(idx->alg, sizeof idx->alg, "%s", alg->name);
		if (vv_sha256_hex(der, der_len, idx->signer_sha256) != 0)
			st = vv_fail(err, VNTL_ERR_INTERNAL, "digest-failed",
			             "SHA-256 of the index signer's certificate failed");
	}
	free(input);
	free(sig);
	free(der);
	X509_free(cert);
	ERR_clear_error();
	return st;
}

vntl_status vntl_index_verify(const void *data, size_t len, const unsigned char *const *signer_ders,
			      const size_t *signer_lens, size_t signer_count, vntl_index **out,
			      vntl_error *err)
{
	if (!out || (!data && len) || (signer_count && (!signer_ders || !signer_lens)))
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_index_verify: missing argument");
	*out = NULL;
	if (signer_count == 0)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_index_verify: no pinned signer");
	vntl_index *idx = calloc(1, sizeof *idx);
	if (!idx)
		return vv_fail(err, VNTL_ERR_INTERNAL, "internal", "out of memory");
	json_error_t jerr;
	json_t *jws = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	vntl_status st = verify_parts(idx, jws, signer_ders, signer_lens, signer_count, err);
	if (st == VNTL_OK)
		st = read_payload(idx, err);
	if (st == VNTL_OK)
		st = read_announced(idx, err);
	if (st == VNTL_OK)
		st = clear_matches_payload(jws, idx->payload_json, err);
	json_decref(jws);
	if (st != VNTL_OK) {
		vntl_index_free(idx);
		return st;
	}
	*out = idx;
	return VNTL_OK;
}

size_t vntl_index_list_count(const vntl_index *idx)
{
	return idx ? idx->n_lists : 0;
}

const vntl_index_list *vntl_index_list_at(const vntl_index *idx, size_t i)
{
	return idx && i < idx->n_lists ? &idx->lists[i] : NULL;
}

const vntl_index_list *vntl_index_find(const vntl_index *idx, const char *name)
{
	for (size_t i = 0; idx && name && i < idx->n_lists; i++)
		if (strcmp(idx->lists[i].name, name) == 0)
			return &idx->lists[i];
	return NULL;
}

const unsigned char *vntl_index_payload(const vntl_index *idx, size_t *len)
{
	if (len)
		*len = idx ? idx->payload_len : 0;
	return idx ? idx->payload : NULL;
}

const char *vntl_index_algorithm(const vntl_index *idx)
{
	return idx ? idx->alg : "";
}

const char *vntl_index_signer_sha256(const vntl_index *idx)
{
	return idx ? idx->signer_sha256 : "";
}

size_t vntl_index_announced_count(const vntl_index *idx)
{
	return idx ? idx->n_announced : 0;
}

const vntl_index_signer *vntl_index_announced_at(const vntl_index *idx, size_t i)
{
	return idx && i < idx->n_announced ? &idx->announced[i] : NULL;
}

vntl_status vntl_index_file(const vntl_index *idx, const char *name, char sha256[65],
			    long long *size, vntl_error *err)
{
	json_t *e = idx && name ? json_object_get(json_object_get(idx->payload_json, "files"), name) : NULL;
	const char *sha = json_string_value(json_object_get(e, "sha256"));
	json_t *n = json_object_get(e, "size");
	if (!is_hex64(sha) || !json_is_integer(n) || json_integer_value(n) < 0)
		return vv_fail(err, VNTL_ERR_REFUSED, "index-malformed",
			       "the signed index names no file \"%s\" with a sha256 and a size",
			       name ? name : "");
	memcpy(sha256, sha, 65);
	*size = json_integer_value(n);
	return VNTL_OK;
}

void vntl_index_free(vntl_index *idx)
{
	if (!idx)
		return;
	json_decref(idx->payload_json);
	for (size_t i = 0; idx->announced_der && i < idx->n_announced; i++)
		free(idx->announced_der[i]);
	free(idx->announced_der);
	free(idx->announced);
	free(idx->payload);
	free(idx->lists);
	free(idx);
}
