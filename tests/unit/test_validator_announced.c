/* libvntl 4.1, signer rollover: the signers a signed index announces
 * ("announced_signers") are read back (certificate, SHA-256, role, from) so
 * that a caller can pin them; an entry that does not say exactly that (a
 * SHA-256 of another certificate, an unknown role, a member too many, not
 * an array) refuses the whole index as index-malformed. */
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

#include "common/hex.h"
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

static void sha_hex(const struct signer *s, char out[65])
{
	unsigned char md[32];
	EVP_Digest(s->der, s->der_len, md, NULL, EVP_sha256(), NULL);
	hex_encode(md, sizeof md, out);
}

/* One announced entry for `next`, as the publisher writes it. */
static json_t *entry_for(const struct signer *next, const char *role)
{
	char sha[65], *x5c = b64(next->der, next->der_len, 0);
	sha_hex(next, sha);
	json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "sha256", sha, "x5c", x5c, "role", role, "from",
			      "2026-11-23T12:00:00Z");
	free(x5c);
	return e;
}

/* PAYLOAD with "announced_signers": `announced` (taken over). */
static char *payload_with(json_t *announced)
{
	json_t *p = json_loads(PAYLOAD, 0, NULL);
	json_object_set_new(p, "announced_signers", announced);
	char *text = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	return text;
}

static void announced_signers_are_read_back(void **state)
{
	(void)state;
	struct signer a = make_signer("P-256", 0, "list signer A"), b = make_signer("P-256", 0, "list signer B");
	char *payload = payload_with(json_pack("[o]", entry_for(&b, "next")));
	struct bend bend = {.alg = "ES256", .digest = "SHA256", .payload = payload};
	char *jws = make_jws(&a, &bend);
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	if (verify(jws, &a, &idx, &err) != VNTL_OK)
		fail_msg("%s: %s", err.rule, err.reason);
	assert_int_equal(vntl_index_announced_count(idx), 1);
	const vntl_index_signer *s = vntl_index_announced_at(idx, 0);
	assert_non_null(s);
	assert_null(vntl_index_announced_at(idx, 1));
	char sha[65];
	sha_hex(&b, sha);
	assert_string_equal(s->sha256, sha);
	assert_string_equal(s->role, "next");
	assert_int_equal(s->from, 1795435200);
	assert_int_equal(s->der_len, b.der_len);
	assert_memory_equal(s->der, b.der, b.der_len);
	vntl_index_free(idx);
	free(jws);
	free(payload);
	/* an announcement is not a pin by itself: B's own index is refused with A pinned */
	struct bend plain = {.alg = "ES256", .digest = "SHA256"};
	jws = make_jws(&b, &plain);
	assert_int_equal(verify(jws, &a, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-signer-not-pinned");
	free(jws);
	/* without the member: none */
	jws = make_jws(&a, &plain);
	assert_int_equal(verify(jws, &a, &idx, &err), VNTL_OK);
	assert_int_equal(vntl_index_announced_count(idx), 0);
	vntl_index_free(idx);
	free(jws);
	free_signer(&a);
	free_signer(&b);
}

static void bad_announcements_refuse_the_index(void **state)
{
	(void)state;
	struct signer a = make_signer("P-256", 0, "list signer A"), b = make_signer("P-256", 0, "list signer B");
	json_t *bad[7];
	bad[0] = entry_for(&b, "next");
	json_object_set_new(bad[0], "sha256", json_string(SHA64));          /* another certificate's SHA-256 */
	bad[1] = entry_for(&b, "later");                                     /* an unknown role */
	bad[2] = entry_for(&b, "next");
	json_object_set_new(bad[2], "x", json_integer(1));                  /* a member too many */
	bad[3] = entry_for(&b, "next");
	json_object_set_new(bad[3], "from", json_string("yesterday"));      /* not a time */
	bad[4] = entry_for(&b, "next");
	json_object_set_new(bad[4], "x5c", json_string("QUJD"));            /* not a certificate */
	bad[5] = entry_for(&b, "next");
	json_object_del(bad[5], "role");                                     /* a member missing */
	bad[6] = NULL;
	for (size_t i = 0; i < 7; i++) {
		/* each bad entry in an array; the last case: an object, not an array */
		char *payload = payload_with(bad[i] ? json_pack("[o]", bad[i]) : entry_for(&b, "next"));
		struct bend bend = {.alg = "ES256", .digest = "SHA256", .payload = payload};
		char *jws = make_jws(&a, &bend);
		vntl_index *idx = (vntl_index *)1;
		vntl_error err = {"", ""};
		assert_int_equal(verify(jws, &a, &idx, &err), VNTL_ERR_REFUSED);
		assert_null(idx);
		if (strcmp(err.rule, "index-malformed") != 0 || !strstr(err.reason, "announced_signers"))
			fail_msg("case %zu: %s: %s", i, err.rule, err.reason);
		free(jws);
		free(payload);
	}
	free_signer(&a);
	free_signer(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(announced_signers_are_read_back),
		cmocka_unit_test(bad_announcements_refuse_the_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
