/* Signing the index (see index_jws.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/base64.h"
#include "common/sizes.h"
#include "publisher/index_jws.h"

#define INDEX_TYPE "vntl-index+jws"

struct jws_alg {
	const char *name, *digest;
	int ec_bytes; /* 0: RSA; else the size of r and of s */
};

static int alg_of(const struct publisher_signer *signer, struct jws_alg *out)
{
	if (strcmp(signer->key_desc, "EC P-256") == 0)
		*out = (struct jws_alg){"ES256", "SHA256", 32};
	else if (strcmp(signer->key_desc, "EC P-384") == 0)
		*out = (struct jws_alg){"ES384", "SHA384", 48};
	else if (strncmp(signer->key_desc, "RSA-", 4) != 0)
		return -1;
	else if (strcmp(signer->digest_name, "SHA384") == 0)
		*out = (struct jws_alg){"RS384", "SHA384", 0};
	else if (strcmp(signer->digest_name, "SHA512") == 0)
		*out = (struct jws_alg){"RS512", "SHA512", 0};
	else
		*out = (struct jws_alg){"RS256", "SHA256", 0};
	return 0;
}

const char *publisher_index_alg(const struct publisher_signer *signer)
{
	struct jws_alg alg;
	return alg_of(signer, &alg) == 0 ? alg.name : NULL;
}

/* r || s, each `half` bytes (RFC 7518 §3.4), from OpenSSL's DER. */
static int ecdsa_der_to_raw(unsigned char **sig, size_t *len, int half)
{
	const unsigned char *p = *sig;
	ECDSA_SIG *ecdsa = d2i_ECDSA_SIG(NULL, &p, (long)*len);
	unsigned char *raw = ecdsa ? OPENSSL_malloc((size_t)half * 2) : NULL;
	int ok = raw && BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), raw, half) == half &&
		 BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), raw + half, half) == half;
	ECDSA_SIG_free(ecdsa);
	if (!ok) {
		OPENSSL_free(raw);
		return -1;
	}
	OPENSSL_free(*sig);
	*sig = raw;
	*len = (size_t)half * 2;
	return 0;
}

static char *protected_header(const struct publisher_signer *signer, const char *alg)
{
	unsigned char *der = NULL;
	int der_len = i2d_X509(signer->cert, &der);
	char *x5c = der_len > 0 ? base64_encode(der, (size_t)der_len) : NULL;
	OPENSSL_free(der);
	json_t *h = x5c ? json_pack("{s:s, s:s, s:[s]}", "alg", alg, "typ", INDEX_TYPE, "x5c", x5c) : NULL;
	free(x5c);
	char *text = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(h);
	char *b64 = text ? base64url_encode((unsigned char *)text, strlen(text)) : NULL;
	free(text);
	return b64;
}

/* The JWS signature of `input` (base64url), or NULL with err. */
static char *sign_input(struct publisher_signer *signer, const struct jws_alg *alg,
			const char *input, char *err, size_t errlen)
{
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	char why[VNTL_ERR_MAX] = "";
	char *b64 = NULL;
	if (publisher_signer_sign_bytes(signer, alg->digest, input, strlen(input), &sig, &sig_len, why,
					sizeof why) < 0 ||
	    (alg->ec_bytes && ecdsa_der_to_raw(&sig, &sig_len, alg->ec_bytes) < 0) ||
	    !(b64 = base64url_encode(sig, sig_len)))
		snprintf(err, errlen, "index.json: cannot sign the index (%s): %s", alg->name,
			 why[0] ? why : "not a DER ECDSA signature, or out of memory");
	OPENSSL_free(sig);
	return b64;
}

int publisher_index_sign(struct publisher_signer *signer, json_t *index, char **text, size_t *len,
			 char *err, size_t errlen)
{
	struct jws_alg alg;
	if (alg_of(signer, &alg) < 0) {
		snprintf(err, errlen, "index.json: no JWS algorithm for a %s key", signer->key_desc);
		return -1;
	}
	char *compact = json_dumps(index, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *prot = protected_header(signer, alg.name);
	char *body = compact ? base64url_encode((unsigned char *)compact, strlen(compact)) : NULL;
	char *input = prot && body ? malloc(strlen(prot) + strlen(body) + 2) : NULL;
	char *sig = NULL, *out = NULL;
	json_t *signed_index = NULL;
	int rc = -1;
	if (!input) {
		snprintf(err, errlen, "index.json: out of memory");
		goto done;
	}
	sprintf(input, "%s.%s", prot, body);
	if (!(sig = sign_input(signer, &alg, input, err, errlen)))
		goto done;
	signed_index = json_deep_copy(index);
	if (!signed_index || json_object_set_new(signed_index, "protected", json_string(prot)) ||
	    json_object_set_new(signed_index, "payload", json_string(body)) ||
	    json_object_set_new(signed_index, "signature", json_string(sig)) ||
	    !(out = json_dumps(signed_index, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		snprintf(err, errlen, "index.json: out of memory");
		goto done;
	}
	size_t n = strlen(out);
	char *grown = realloc(out, n + 2);
	if (!grown) {
		snprintf(err, errlen, "index.json: out of memory");
		goto done;
	}
	out = grown;
	memcpy(out + n, "\n", 2);
	*text = out;
	*len = n + 1;
	out = NULL;
	rc = 0;
done:
	json_decref(signed_index);
	free(out);
	free(compact);
	free(prot);
	free(body);
	free(input);
	free(sig);
	return rc;
}
