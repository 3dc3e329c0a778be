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
#include "tests/lib/jws_fixture.h"
#include "vntl.h"

static void sha_hex(const struct jws_signer *s, char out[65])
{
	unsigned char md[32];
	EVP_Digest(s->der, s->der_len, md, NULL, EVP_sha256(), NULL);
	hex_encode(md, sizeof md, out);
}

/* One announced entry for `next`, as the publisher writes it. */
static json_t *entry_for(const struct jws_signer *next, const char *role)
{
	char sha[65], *x5c = jws_b64(next->der, next->der_len, 0);
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
	struct jws_signer a = jws_make_signer("P-256", 0, "list signer A"), b = jws_make_signer("P-256", 0, "list signer B");
	char *payload = payload_with(json_pack("[o]", entry_for(&b, "next")));
	struct jws_bend bend = {.alg = "ES256", .digest = "SHA256", .payload = payload};
	char *jws = jws_make(&a, &bend);
	vntl_index *idx = NULL;
	vntl_error err = {"", ""};
	if (jws_verify(jws, &a, &idx, &err) != VNTL_OK)
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
	struct jws_bend plain = {.alg = "ES256", .digest = "SHA256"};
	jws = jws_make(&b, &plain);
	assert_int_equal(jws_verify(jws, &a, &idx, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "index-signer-not-pinned");
	free(jws);
	/* without the member: none */
	jws = jws_make(&a, &plain);
	assert_int_equal(jws_verify(jws, &a, &idx, &err), VNTL_OK);
	assert_int_equal(vntl_index_announced_count(idx), 0);
	vntl_index_free(idx);
	free(jws);
	jws_free_signer(&a);
	jws_free_signer(&b);
}

static void bad_announcements_refuse_the_index(void **state)
{
	(void)state;
	struct jws_signer a = jws_make_signer("P-256", 0, "list signer A"), b = jws_make_signer("P-256", 0, "list signer B");
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
		struct jws_bend bend = {.alg = "ES256", .digest = "SHA256", .payload = payload};
		char *jws = jws_make(&a, &bend);
		vntl_index *idx = (vntl_index *)1;
		vntl_error err = {"", ""};
		assert_int_equal(jws_verify(jws, &a, &idx, &err), VNTL_ERR_REFUSED);
		assert_null(idx);
		if (strcmp(err.rule, "index-malformed") != 0 || !strstr(err.reason, "announced_signers"))
			fail_msg("case %zu: %s: %s", i, err.rule, err.reason);
		free(jws);
		free(payload);
	}
	jws_free_signer(&a);
	jws_free_signer(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(announced_signers_are_read_back),
		cmocka_unit_test(bad_announcements_refuse_the_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
