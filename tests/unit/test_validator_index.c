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
#include "tests/lib/jws_fixture.h"
#include "vntl.h"

static void refused(const struct jws_signer *s, const struct jws_bend *b, const char *rule)
{
	char *jws = jws_make(s, b);
	vntl_index *idx = (vntl_index *)1;
	vntl_error err = {"", ""};
	assert_int_equal(jws_verify(jws, s, &idx, &err), VNTL_ERR_REFUSED);
	assert_null(idx);
	if (strcmp(err.rule, rule) != 0)
		fail_msg("wanted %s, got %s: %s", rule, err.rule, err.reason);
	free(jws);
}

static void accepts_an_index_signed_by_the_pinned_signer(void **state)
{
	(void)state;
	struct jws_signer p256 = jws_make_signer("P-256", 0, "index signer");
	char *jws = jws_make(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256"});
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	if (jws_verify(jws, &p256, &idx, &err) != VNTL_OK)
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
	jws = jws_make(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256",
					    .outer = ",\"format\":1,\"lists\":{\"roots\":" ENTRY "},"
						     "\"files\":{\"roots.pem\":{\"sha256\":\"" SHA64 "\",\"size\":42}}"});
	assert_int_equal(jws_verify(jws, &p256, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	jws_free_signer(&p256);
	/* P-384 and RSA */
	struct jws_signer p384 = jws_make_signer("P-384", 0, "index signer 384");
	jws = jws_make(&p384, &(struct jws_bend){.alg = "ES384", .digest = "SHA384"});
	assert_int_equal(jws_verify(jws, &p384, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	jws_free_signer(&p384);
	struct jws_signer rsa = jws_make_signer(NULL, 2048, "index signer rsa");
	jws = jws_make(&rsa, &(struct jws_bend){.alg = "RS256", .digest = "SHA256"});
	assert_int_equal(jws_verify(jws, &rsa, &idx, &err), VNTL_OK);
	vntl_index_free(idx);
	free(jws);
	jws_free_signer(&rsa);
}

static void refuses_every_bent_index(void **state)
{
	(void)state;
	struct jws_signer p256 = jws_make_signer("P-256", 0, "index signer");
	struct jws_signer rsa = jws_make_signer(NULL, 2048, "index signer rsa");
	refused(&p256, &(struct jws_bend){.alg = "none", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct jws_bend){.alg = "HS256", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct jws_bend){.alg = "ES384", .digest = "SHA384"}, "index-algorithm");
	refused(&p256, &(struct jws_bend){.alg = "RS256", .digest = "SHA256"}, "index-algorithm");
	refused(&rsa, &(struct jws_bend){.alg = "ES256", .digest = "SHA256"}, "index-algorithm");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .typ = "JWT", .digest = "SHA256"}, "index-malformed");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .extra = ",\"crit\":[\"b64\"]", .digest = "SHA256"},
		"index-malformed");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .outer = ",\"header\":{\"kid\":\"x\"}", .digest = "SHA256"},
		"index-malformed");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA384"}, "index-signature-invalid");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256", .der_signature = 1},
		"index-signature-invalid");
	refused(&rsa, &(struct jws_bend){.alg = "RS256", .digest = "SHA256", .pad_signature = 1},
		"index-signature-invalid");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256", .outer = ",\"format\":2"},
		"index-signature-invalid");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256",
				      .payload = "{\"format\":1,\"lists\":{\"roots\":{\"sequence\":3}}}"},
		"index-malformed");
	refused(&p256, &(struct jws_bend){.alg = "ES256", .digest = "SHA256", .payload = "{\"format\":1,\"lists\":{}}"},
		"index-malformed");
	/* signed well, by a signer that is not the pinned one */
	char *jws = jws_make(&rsa, &(struct jws_bend){.alg = "RS256", .digest = "SHA256"});
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	assert_int_equal(jws_verify(jws, &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-signer-not-pinned");
	free(jws);
	/* not JSON, not a JWS, and a missing argument */
	assert_int_equal(jws_verify("{", &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-malformed");
	assert_int_equal(jws_verify("{\"format\":1}", &p256, &idx, &err), VNTL_ERR_REFUSED);
	assert_int_equal(vntl_index_verify("{}", 2, NULL, NULL, 0, &idx, &err), VNTL_ERR_USAGE);
	jws_free_signer(&p256);
	jws_free_signer(&rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_an_index_signed_by_the_pinned_signer),
		cmocka_unit_test(refuses_every_bent_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
