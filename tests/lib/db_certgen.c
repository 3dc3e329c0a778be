/* Test certificates made on the fly (see db_certgen.h). */
#include "tests/lib/db_certgen.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EVP_PKEY *make_key(enum db_certgen_key key)
{
	switch (key) {
	case DB_CERTGEN_RSA1024: return EVP_RSA_gen(1024);
	case DB_CERTGEN_RSA2048: return EVP_RSA_gen(2048);
	case DB_CERTGEN_P224: return EVP_EC_gen("P-224");
	case DB_CERTGEN_P256: return EVP_EC_gen("P-256");
	}
	return NULL;
}

static X509_NAME *lookalike_name(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *orig = d2i_X509(NULL, &p, (long)len);
	if (!orig)
		return NULL;
	const X509_NAME *src = X509_get_subject_name(orig);
	X509_NAME *out = X509_NAME_new();
	for (int i = X509_NAME_entry_count(src) - 1; i >= 0; i--) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(src, i);
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
		X509_NAME_add_entry_by_OBJ(out, X509_NAME_ENTRY_get_object(e), MBSTRING_UTF8, utf8, n, -1, 0);
		OPENSSL_free(utf8);
	}
	X509_free(orig);
	return out;
}

static void add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
}

unsigned char *db_certgen(enum db_certgen_key key, const char *md_name, int ca, const char *cn,
			  const unsigned char *subject_of, size_t subject_of_len, size_t *len)
{
	EVP_PKEY *k = make_key(key);
	X509 *x = X509_new();
	X509_NAME *name = subject_of ? lookalike_name(subject_of, subject_of_len) : X509_NAME_new();
	if (!subject_of)
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_set_pubkey(x, k);
	if (ca) {
		add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	unsigned char *der = NULL;
	int n = 0;
	if (X509_sign(x, k, EVP_get_digestbyname(md_name)) > 0)
		n = i2d_X509(x, &der);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(k);
	if (n <= 0)
		return NULL;
	unsigned char *copy = malloc((size_t)n);
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}
