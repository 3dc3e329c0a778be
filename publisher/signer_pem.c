/* The PEM-file signer: key and certificate from files, algorithm policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include "publisher/signer.h"

struct pem_impl {
	EVP_PKEY *key;
};

static xmlSecKeyPtr key_with_cert(EVP_PKEY *pkey, X509 *cert, char *err, size_t errlen)
{
	xmlSecKeyDataPtr data = NULL, x509 = NULL;
	xmlSecKeyPtr key = xmlSecKeyCreate();
	EVP_PKEY *ref = pkey;
	X509 *cert_ref = X509_dup(cert);
	if (!key || !cert_ref || !EVP_PKEY_up_ref(ref))
		goto fail;
	data = xmlSecOpenSSLEvpKeyAdopt(ref);
	if (!data) {
		EVP_PKEY_free(ref);
		goto fail;
	}
	if (xmlSecKeySetValue(key, data) < 0)
		goto fail;
	data = NULL;
	/* xmlsec writes KeyInfo/X509Data from the data's certificate list. */
	x509 = xmlSecKeyDataCreate(xmlSecOpenSSLKeyDataX509Id);
	if (!x509 || xmlSecOpenSSLKeyDataX509AdoptCert(x509, cert_ref) < 0)
		goto fail;
	cert_ref = NULL;
	if (xmlSecKeyAdoptData(key, x509) < 0)
		goto fail;
	return key;
fail:
	snprintf(err, errlen, "cannot hand the signing key to xmlsec");
	X509_free(cert_ref);
	if (x509)
		xmlSecKeyDataDestroy(x509);
	if (data)
		xmlSecKeyDataDestroy(data);
	if (key)
		xmlSecKeyDestroy(key);
	return NULL;
}

static xmlSecKeyPtr pem_make_key(struct publisher_signer *signer, char *err, size_t errlen)
{
	struct pem_impl *impl = signer->impl;
	return key_with_cert(impl->key, signer->cert, err, errlen);
}

static void pem_destroy(struct publisher_signer *signer)
{
	struct pem_impl *impl = signer->impl;
	EVP_PKEY_free(impl->key);
	free(impl);
}

static const struct publisher_signer_ops PEM_OPS = {
	.kind = "pem",
	.make_key = pem_make_key,
	.destroy = pem_destroy,
};

struct digest_choice {
	const char *name, *openssl;
	xmlSecTransformId (*digest)(void), (*rsa)(void), (*ecdsa)(void);
};

static const struct digest_choice DIGESTS[] = {
	{"sha256", "SHA256", xmlSecOpenSSLTransformSha256GetKlass,
	 xmlSecOpenSSLTransformRsaSha256GetKlass, xmlSecOpenSSLTransformEcdsaSha256GetKlass},
	{"sha384", "SHA384", xmlSecOpenSSLTransformSha384GetKlass,
	 xmlSecOpenSSLTransformRsaSha384GetKlass, xmlSecOpenSSLTransformEcdsaSha384GetKlass},
	{"sha512", "SHA512", xmlSecOpenSSLTransformSha512GetKlass,
	 xmlSecOpenSSLTransformRsaSha512GetKlass, xmlSecOpenSSLTransformEcdsaSha512GetKlass},
};

/* Algorithm policy (seed 001 annex I, TS 119 312): fills the description and
 * the methods, or refuses. */
static int apply_policy(struct publisher_signer *s, EVP_PKEY *key, const struct digest_choice *d,
			char *err, size_t errlen)
{
	int bits = EVP_PKEY_get_bits(key);
	s->digest_method = d->digest();
	s->digest_name = d->openssl;
	if (EVP_PKEY_is_a(key, "RSA")) {
		if (bits < 2048) {
			snprintf(err, errlen, "signing key: RSA-%d is too weak (at least 2048 bits, 3072 recommended)", bits);
			return -1;
		}
		if (bits < 3072)
			s->warning = "RSA key shorter than 3072 bits: replace it before 2030 (TS 119 312)";
		snprintf(s->key_desc, sizeof s->key_desc, "RSA-%d", bits);
		s->sign_method = d->rsa();
	} else if (EVP_PKEY_is_a(key, "EC")) {
		char curve[64] = "";
		size_t len = 0;
		EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &len);
		if (strcmp(curve, "prime256v1") != 0 && strcmp(curve, "secp384r1") != 0) {
			snprintf(err, errlen, "signing key: EC curve '%s' is not allowed (P-256 or P-384)",
				 curve[0] ? curve : "unknown");
			return -1;
		}
		snprintf(s->key_desc, sizeof s->key_desc, "EC %s", strcmp(curve, "prime256v1") == 0 ? "P-256" : "P-384");
		s->sign_method = d->ecdsa();
	} else {
		snprintf(err, errlen, "signing key: only RSA and ECDSA keys are allowed");
		return -1;
	}
	return 0;
}

static EVP_PKEY *read_key(const char *path, const char *pass, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "signing key %s: cannot open it", path);
		return NULL;
	}
	/* An empty passphrase, not a prompt on the terminal, when none is given. */
	EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, (void *)(pass ? pass : ""));
	fclose(f);
	if (!key) {
		unsigned long e = ERR_peek_last_error();
		ERR_clear_error();
		snprintf(err, errlen, "signing key %s: cannot read it (%s)", path,
			 ERR_GET_REASON(e) == PEM_R_BAD_DECRYPT || ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ
				 ? "wrong or missing passphrase"
				 : "not a PEM private key, or wrong passphrase");
	}
	return key;
}

static X509 *read_cert(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "signing certificate %s: cannot open it", path);
		return NULL;
	}
	X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert) {
		ERR_clear_error();
		snprintf(err, errlen, "signing certificate %s: not a PEM certificate", path);
	}
	return cert;
}

int publisher_signer_open_pem(const char *key_path, const char *cert_path, const char *pass,
			      const char *digest, struct publisher_signer **out, char *err,
			      size_t errlen)
{
	*out = NULL;
	const struct digest_choice *d = NULL;
	for (size_t i = 0; i < sizeof DIGESTS / sizeof DIGESTS[0]; i++)
		if (strcmp(digest ? digest : "sha256", DIGESTS[i].name) == 0)
			d = &DIGESTS[i];
	if (!d) {
		snprintf(err, errlen, "signature digest '%s' is not allowed (sha256, sha384 or sha512)",
			 digest);
		return -1;
	}
	if (!key_path || !cert_path) {
		snprintf(err, errlen, "no signing key or certificate configured (publish.key, publish.cert)");
		return -1;
	}
	EVP_PKEY *key = read_key(key_path, pass, err, errlen);
	if (!key)
		return -1;
	X509 *cert = read_cert(cert_path, err, errlen);
	struct publisher_signer *s = calloc(1, sizeof *s);
	struct pem_impl *impl = calloc(1, sizeof *impl);
	if (!cert || !s || !impl)
		goto fail;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "signing certificate %s does not match the key %s", cert_path,
			 key_path);
		goto fail;
	}
	if (apply_policy(s, key, d, err, errlen) < 0)
		goto fail;
	impl->key = key;
	s->impl = impl;
	s->cert = cert;
	s->ops = &PEM_OPS;
	*out = s;
	return 0;
fail:
	EVP_PKEY_free(key);
	X509_free(cert);
	free(s);
	free(impl);
	return -1;
}

void publisher_signer_free(struct publisher_signer *signer)
{
	if (!signer)
		return;
	signer->ops->destroy(signer);
	X509_free(signer->cert);
	free(signer);
}

int publisher_read_passphrase(const char *pass_file, const char *env_name, char **out,
			      char *err, size_t errlen)
{
	*out = NULL;
	if (pass_file && *pass_file) {
		FILE *f = fopen(pass_file, "r");
		if (!f) {
			snprintf(err, errlen, "passphrase file %s: cannot open it", pass_file);
			return -1;
		}
		char buf[1024];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		*out = strdup(buf);
		OPENSSL_cleanse(buf, sizeof buf);
		return *out ? 0 : -1;
	}
	const char *env = env_name ? getenv(env_name) : NULL;
	if (env)
		*out = strdup(env);
	return 0;
}

void publisher_passphrase_free(char *pass)
{
	if (pass) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
}
