/* libvntl's signed index (vntl_index_*): a JWS made here, with OpenSSL
 * directly rather than the publisher's code, is accepted; every way of
 * bending it — another algorithm, a key of another kind, a header member
 * too many, an unprotected header, a signer not pinned, a DER or padded
 * signature, members in clear that differ, a payload lacking a field — is
 * refused with its rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tests/lib/publisher_fixture.h"
#include "vntl.h"

#define SHA64 "0000000000000000000000000000000000000000000000000000000000000000"
#define ENTRY "{\"sequence\":3,\"sha256\":\"" SHA64 "\",\"size\":10,\"issued\":\"2026-11-23T12:00:00Z\"," \
	      "\"next_update\":\"2026-12-23T12:00:00Z\",\"path\":\"roots/3.xml\"," \
	      "\"url\":\"https://tl.example.vn/roots.xml\",\"signer_sha256\":\"" SHA64 "\"}"
#define PAYLOAD "{\"format\":1,\"lists\":{\"roots\":" ENTRY "}," \
		"\"files\":{\"roots.pem\":{\"sha256\":\"" SHA64 "\",\"size\":42}}}"

static char *b64(const unsigned char *data, size_t len, int url)
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

struct signer {
	EVP_PKEY *key;
	X509 *cert;
	unsigned char *der;
	size_t der_len;
};

static struct signer make_signer(const char *curve, int bits, const char *cn)
{
	struct signer s;
	int64_t now = (int64_t)time(NULL);
	s.key = pf_key(curve, bits);
	s.cert = pf_cert(s.key, cn, 1, NULL, NULL, 0, now - 86400, now + 86400);
	s.der = pf_der(s.cert, &s.der_len);
	return s;
}

static void free_signer(struct signer *s)
{
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	free(s->der);
}

/* How the JWS is bent. */
struct bend {
	const char *alg;        /* in the header */
	const char *typ;
	const char *extra;      /* a further header member, ",\"crit\":[]" */
	const char *digest;     /* what actually signs */
	int der_signature;      /* ECDSA as DER instead of r||s */
	int pad_signature;      /* base64 padding left on */
	const char *outer;      /* further members of the JWS object */
	const char *payload;
};

static char *make_jws(const struct signer *s, const struct bend *b)
{
	char *x5c = b64(s->der, s->der_len, 0);
	char header[8192];
	snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"%s\",\"x5c\":[\"%s\"]%s}", b->alg,
		 b->typ ? b->typ : "vntl-index+jws", x5c, b->extra ? b->extra : "");
	free(x5c);
	const char *payload = b->payload ? b->payload : PAYLOAD;
	char *prot = b64((unsigned char *)header, strlen(header), 1);
	char *body = b64((const unsigned char *)payload, strlen(payload), 1);
	char *input = malloc(strlen(prot) + strlen(body) + 2);
	sprintf(input, "%s.%s", prot, body);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t sig_len = 0;
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_get_digestbyname(b->digest), NULL, s->key), 1);
	assert_int_equal(EVP_DigestSign(md, NULL, &sig_len, (unsigned char *)input, strlen(input)), 1);
	unsigned char *sig = malloc(sig_len);
	assert_int_equal(EVP_DigestSign(md, sig, &sig_len, (unsigned char *)input, strlen(input)), 1);
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
	char *sig_b64 = b64(sig, sig_len, !b->pad_signature);
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

static vntl_status verify(const char *jws, const struct signer *pinned, vntl_index **idx,
			  vntl_error *err)
{
	const unsigned char *ders[1] = {pinned->der};
	size_t lens[1] = {pinned->der_len};
	return vntl_index_verify(jws, strlen(jws), ders, lens, 1, idx, err);
}

static void refused(const struct signer *s, const struct bend *b, const char *rule)
{
	char *jws = make_jws(s, b);
	vntl_index *idx = (vntl_index *)1;
	vntl_error err = {"", ""};
	assert_int_equal(verify(jws, s, &idx, &err), VNTL_ERR_REFUSED);
	assert_null(idx);
	if (strcmp(err.rule, rule) != 0)
		fail_msg("wanted %s, got %s: %s", rule, err.rule, err.reason);
	free(jws);
}

static void accepts_an_index_signed_by_the_pinned_signer(void **state)
{
	(void)state;
	struct signer p256 = make_signer("P-256", 0, "index signer");
	char *jws = make_jws(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256"});
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	if (verify(jws, &p256, &idx, &err) != VNTL_OK)
		fail_msg("%s: %s", err.rule, err.reason);
	assert_int_equal(vntl_index_list_count(idx), 1);
	const vntl_index_list *l = vntl_index_list_at(idx, 0);
	assert_string_equal(l->name, "roots");
	assert_int_equal(l->sequence, 3);
	assert_int_equal(l->size, 10);
	assert_string_equal(l->url, "https://tl.example.vn/roots.xml");
	assert_int_equal(l->next_update - l->issued, 30 * 86400);
	assert_ptr_equal(vntl_index_find(idx, "roots"), l);
	assert_null(vntl_index_find(idx, "foreign"));
	assert_string_equal(vntl_index_algorithm(idx), "ES256");
	size_t len = 0;
	assert_memory_equal(vntl_index_payload(idx, &len), PAYLOAD, strlen(PAYLOAD));
	assert_int_equal(len, strlen(PAYLOAD));
	char sha[65];
	long long size = 0;
	assert_int_equal(vntl_index_file(idx, "roots.pem", sha, &size, &err), VNTL_OK);
	assert_int_equal(size, 42);
	assert_int_equal(vntl_index_file(idx, "other.pem", sha, &size, &err), VNTL_ERR_REFUSED);
	vntl_index_free(idx);
	free(jws);
	/* the members in clear, when present, equal to the payload */
	jws = make_jws(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256",
					    .outer = ",\"format\":1,\"lists\":{\"roots\":" ENTRY "},"
						     "\"files\":{\"roots.pem\":{\"sha256\":\"" SHA64 "\",\"size\":42}}"});
	assert_int_equal(verify(jws, &p256, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	free_signer(&p256);
	/* P-384 and RSA */
	struct signer p384 = make_signer("P-384", 0, "index signer 384");
	jws = make_jws(&p384, &(struct bend){.alg = "ES384", .digest = "SHA384"});
	assert_int_equal(verify(jws, &p384, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	free_signer(&p384);
	struct signer rsa = make_signer(NULL, 2048, "index signer rsa");
	jws = make_jws(&rsa, &(struct bend){.alg = "RS256", .digest = "SHA256"});
	assert_int_equal(verify(jws, &rsa, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	free_signer(&rsa);
}

static void refuses_every_bent_index(void **state)
{
	(void)state;
	struct signer p256 = make_signer("P-256", 0, "index signer");
	struct signer rsa = make_signer(NULL, 2048, "index signer rsa");
	refused(&p256, &(struct bend){.alg = "none", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct bend){.alg = "HS256", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct bend){.alg = "ES384", .digest = "SHA384"}, "index-algorithm");
	refused(&p256, &(struct bend){.alg = "RS256", .digest = "SHA256"}, "index-algorithm");
	refused(&rsa, &(struct bend){.alg = "ES256", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct bend){.alg = "ES256", .typ = "JWT", .digest = "SHA256"}, "index-malformed");
	refused(&p256, &(struct bend){.alg = "ES256", .extra = ",\"crit\":[\"b64\"]", .digest = "SHA256"},
		"index-malformed");
	refused(&p256, &(struct bend){.alg = "ES256", .outer = ",\"header\":{\"kid\":\"x\"}", .digest = "SHA256"},
		"index-malformed");
	refused(&p256, &(struct bend){.alg = "ES256", .digest = "SHA384"}, "index-signature-invalid");
	refused(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256", .der_signature = 1},
		"index-signature-invalid");
	refused(&rsa, &(struct bend){.alg = "RS256", .digest = "SHA256", .pad_signature = 1},
		"index-signature-invalid");
	refused(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256", .outer = ",\"format\":2"},
		"index-signature-invalid");
	refused(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256",
				      .payload = "{\"format\":1,\"lists\":{\"roots\":{\"sequence\":3}}}"},
		"index-malformed");
	refused(&p256, &(struct bend){.alg = "ES256", .digest = "SHA256", .payload = "{\"format\":1,\"lists\":{}}"},
		"index-malformed");
	/* signed well, by a signer that is not the pinned one */
	char *jws = make_jws(&rsa, &(struct bend){.alg = "RS256", .digest = "SHA256"});
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	assert_int_equal(verify(jws, &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-signer-not-pinned");
	free(jws);
	/* not JSON, not a JWS, and a missing argument */
	assert_int_equal(verify("{", &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-malformed");
	assert_int_equal(verify("{\"format\":1}", &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_int_equal(vntl_index_verify("{}", 2, NULL, NULL, 0, &idx, &err), VNTL_ERR_USAGE);
	free_signer(&p256);
	free_signer(&rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_an_index_signed_by_the_pinned_signer),
		cmocka_unit_test(refuses_every_bent_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
