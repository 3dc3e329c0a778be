/* Signed indexes (JWS, RFC 7515) made here with OpenSSL directly, not with
 * the publisher's code, bent in the ways a test asks: for the tests of
 * libvntl's vntl_index_* (tests/unit/test_validator_index.c and
 * test_validator_announced.c). Aborts when OpenSSL cannot sign. */
#ifndef VNTL_TESTS_JWS_FIXTURE_H
#define VNTL_TESTS_JWS_FIXTURE_H

#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "vntl.h"

#define SHA64 "0000000000000000000000000000000000000000000000000000000000000000"
#define ENTRY "{\"sequence\":3,\"sha256\":\"" SHA64 "\",\"size\":10,\"issued\":\"2026-11-23T12:00:00Z\"," \
	      "\"next_update\":\"2026-12-23T12:00:00Z\",\"path\":\"roots/3.xml\"," \
	      "\"url\":\"https://tl.example.vn/roots.xml\",\"signer_sha256\":\"" SHA64 "\"}"
#define PAYLOAD "{\"format\":1,\"lists\":{\"roots\":" ENTRY "}," \
		"\"files\":{\"roots.pem\":{\"sha256\":\"" SHA64 "\",\"size\":42}}}"

struct jws_signer {
	EVP_PKEY *key;
	X509 *cert;
	unsigned char *der;
	size_t der_len;
};

/* How the JWS is bent. */
struct jws_bend {
	const char *alg;        /* in the header */
	const char *typ;
	const char *extra;      /* a further header member, ",\"crit\":[]" */
	const char *digest;     /* what actually signs */
	int der_signature;      /* ECDSA as DER instead of r||s */
	int pad_signature;      /* base64 padding left on */
	const char *outer;      /* further members of the JWS object */
	const char *payload;
};

/* base64 (url: base64url without padding), malloc'd */
char *jws_b64(const unsigned char *data, size_t len, int url);
/* a key (curve, or RSA of `bits`) and its self-signed certificate, valid a day either side of now */
struct jws_signer jws_make_signer(const char *curve, int bits, const char *cn);
void jws_free_signer(struct jws_signer *s);
/* the JWS JSON serialization of b->payload (default PAYLOAD) signed by s, bent as b says; malloc'd */
char *jws_make(const struct jws_signer *s, const struct jws_bend *b);
/* vntl_index_verify of jws with `pinned` as the only pin */
vntl_status jws_verify(const char *jws, const struct jws_signer *pinned, vntl_index **idx, vntl_error *err);

#endif
