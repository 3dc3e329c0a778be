/* Signed indexes made with OpenSSL for the tests (see jws_fixture.h). */
#include "tests/lib/jws_fixture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/ec.h>

#include "tests/lib/publisher_fixture.h"

char *jws_b64(const unsigned char *data, size_t len, int url)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	if (url) {
		while (n > 0 && out[n - 1] == '=')
			out[--n] = '\0';
		for (char *p = out; *p; p++)
			*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	}
	return out;
}


struct jws_signer jws_make_signer(const char *curve, int bits, const char *cn)
{
	struct jws_signer s;
	int64_t now = (int64_t)time(NULL);
	s.key = pf_key(curve, bits);
	s.cert = pf_cert(s.key, cn, 1, NULL, NULL, 0, now - 86400, now + 86400);
	s.der = pf_der(s.cert, &s.der_len);
	return s;
}

void jws_free_signer(struct jws_signer *s)
{
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	free(s->der);
}


char *jws_make(const struct jws_signer *s, const struct jws_bend *b)
{
	char *x5c = jws_b64(s->der, s->der_len, 0);
	char header[8192];
	snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"%s\",\"x5c\":[\"%s\"]%s}", b->alg,
		 b->typ ? b->typ : "vntl-index+jws", x5c, b->extra ? b->extra : "");
	free(x5c);
	const char *payload = b->payload ? b->payload : PAYLOAD;
	char *prot = jws_b64((unsigned char *)header, strlen(header), 1);
	char *body = jws_b64((const unsigned char *)payload, strlen(payload), 1);
	char *input = malloc(strlen(prot) + strlen(body) + 2);
	sprintf(input, "%s.%s", prot, body);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t sig_len = 0;
	unsigned char *sig = NULL;
	if (EVP_DigestSignInit(md, NULL, EVP_get_digestbyname(b->digest), NULL, s->key) != 1 ||
	    EVP_DigestSign(md, NULL, &sig_len, (unsigned char *)input, strlen(input)) != 1 ||
	    !(sig = malloc(sig_len)) ||
	    EVP_DigestSign(md, sig, &sig_len, (unsigned char *)input, strlen(input)) != 1) {
		fprintf(stderr, "jws_make: cannot sign with %s\n", b->digest);
		abort();
	}
	EVP_MD_CTX_free(md);
	if (EVP_PKEY_is_a(s->key, "EC") && !b->der_signature) {
		const unsigned char *p = sig;
		ECDSA_SIG *e = d2i_ECDSA_SIG(NULL, &p, (long)sig_len);
		int half = (EVP_PKEY_get_bits(s->key) + 7) / 8;
		BN_bn2binpad(ECDSA_SIG_get0_r(e), sig, half);
		BN_bn2binpad(ECDSA_SIG_get0_s(e), sig + half, half);
		sig_len = (size_t)half * 2;
		ECDSA_SIG_free(e);
	}
	char *sig_b64 = jws_b64(sig, sig_len, !b->pad_signature);
	size_t n = strlen(prot) + strlen(body) + strlen(sig_b64) + strlen(payload) + 200;
	char *jws = malloc(n);
	snprintf(jws, n, "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"%s}", prot, body,
		 sig_b64, b->outer ? b->outer : "");
	free(prot);
	free(body);
	free(input);
	free(sig);
	free(sig_b64);
	return jws;
}

vntl_status jws_verify(const char *jws, const struct jws_signer *pinned, vntl_index **idx,
			  vntl_error *err)
{
	const unsigned char *ders[1] = {pinned->der};
	size_t lens[1] = {pinned->der_len};
	return vntl_index_verify(jws, strlen(jws), ders, lens, 1, idx, err);
}
