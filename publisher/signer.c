/* What every signer shares (signer_impl.h): algorithm policy, the
 * certificate file, the hand-over to xmlsec; and the passphrase/PIN reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/openssl/x509.h>

#include "publisher/signer_impl.h"

struct signer_digest {
	const char *name, *openssl;
	xmlSecTransformId (*digest)(void), (*rsa)(void), (*ecdsa)(void);
};

static const struct signer_digest DIGESTS[] = {
	{"sha256", "SHA256", xmlSecOpenSSLTransformSha256GetKlass,
	 xmlSecOpenSSLTransformRsaSha256GetKlass, xmlSecOpenSSLTransformEcdsaSha256GetKlass},
	{"sha384", "SHA384", xmlSecOpenSSLTransformSha384GetKlass,
	 xmlSecOpenSSLTransformRsaSha384GetKlass, xmlSecOpenSSLTransformEcdsaSha384GetKlass},
	{"sha512", "SHA512", xmlSecOpenSSLTransformSha512GetKlass,
	 xmlSecOpenSSLTransformRsaSha512GetKlass, xmlSecOpenSSLTransformEcdsaSha512GetKlass},
};

const struct signer_digest *signer_digest_find(const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof DIGESTS / sizeof DIGESTS[0]; i++)
		if (strcmp(name ? name : "sha256", DIGESTS[i].name) == 0)
			return &DIGESTS[i];
	snprintf(err, errlen, "signature digest '%s' is not allowed (sha256, sha384 or sha512)", name);
	return NULL;
}

int signer_apply_policy(struct publisher_signer *s, EVP_PKEY *key, const struct signer_digest *d,
			int min_rsa_bits, char *err, size_t errlen)
{
	int bits = EVP_PKEY_get_bits(key);
	s->digest_method = d->digest();
	s->digest_name = d->openssl;
	if (EVP_PKEY_is_a(key, "RSA")) {
		if (bits < min_rsa_bits) {
			snprintf(err, errlen, "signing key: RSA-%d is too weak (at least %d bits%s)", bits,
				 min_rsa_bits, min_rsa_bits < 3072 ? ", 3072 recommended" : "");
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

X509 *signer_read_cert(const char *path, char *err, size_t errlen)
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

X509 *signer_cert_from_der(const unsigned char *der, size_t len, const char *name, char *err, size_t errlen)
{
	const unsigned char *p = der;
	X509 *cert = der ? d2i_X509(NULL, &p, (long)len) : NULL;
	if (!cert || p != der + len) {
		ERR_clear_error();
		X509_free(cert);
		snprintf(err, errlen, "signing certificate %s: not one DER certificate", name);
		return NULL;
	}
	return cert;
}

xmlSecKeyPtr signer_key_with_cert(EVP_PKEY *pkey, X509 *cert, char *err, size_t errlen)
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

int signer_evp_sign(EVP_PKEY *key, const char *digest, const void *data, size_t len,
		    unsigned char **sig, size_t *sig_len, char *err, size_t errlen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *out = NULL;
	size_t out_len = 0;
	int ok = md && EVP_DigestSignInit(md, NULL, EVP_get_digestbyname(digest), NULL, key) == 1 &&
		 EVP_DigestSign(md, NULL, &out_len, data, len) == 1 &&
		 (out = OPENSSL_malloc(out_len)) != NULL &&
		 EVP_DigestSign(md, out, &out_len, data, len) == 1;
	EVP_MD_CTX_free(md);
	if (!ok) {
		unsigned long e = ERR_peek_last_error();
		ERR_clear_error();
		snprintf(err, errlen, "the key did not sign (%s)",
			 e && ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "no reason given");
		OPENSSL_free(out);
		return -1;
	}
	*sig = out;
	*sig_len = out_len;
	return 0;
}

int publisher_signer_sign_bytes(struct publisher_signer *signer, const char *digest,
				const void *data, size_t len, unsigned char **sig, size_t *sig_len,
				char *err, size_t errlen)
{
	return signer->ops->sign_bytes(signer, digest, data, len, sig, sig_len, err, errlen);
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

/* "/C=VN/O=NEAC/CN=…" into a name; 0, or -1 when a part is not KEY=VALUE
 * with a known KEY. */
static int parse_subject(const char *subject, X509_NAME *name)
{
	char *copy = strdup(subject ? subject : "");
	int ok = copy && copy[0] == '/' && copy[1];
	for (char *save = NULL, *part = ok ? strtok_r(copy + 1, "/", &save) : NULL; ok && part;
	     part = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(part, '=');
		ok = eq && eq != part && eq[1];
		if (ok) {
			*eq = '\0';
			ok = X509_NAME_add_entry_by_txt(name, part, MBSTRING_UTF8, (unsigned char *)eq + 1, -1, -1, 0) == 1;
		}
	}
	free(copy);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* A request for `subject`, not yet signed. */
static X509_REQ *new_request(const char *subject, char *err, size_t errlen)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	int ok = req && name && X509_REQ_set_version(req, 0) == 1;
	if (!ok)
		snprintf(err, errlen, "out of memory");
	else if (!(ok = parse_subject(subject, name) == 0))
		snprintf(err, errlen, "subject '%s' is not of the form /C=VN/O=ORGANISATION/CN=NAME", subject ? subject : "");
	else if (!(ok = X509_REQ_set_subject_name(req, name) == 1))
		snprintf(err, errlen, "out of memory");
	X509_NAME_free(name);
	if (!ok) {
		X509_REQ_free(req);
		req = NULL;
	}
	ERR_clear_error();
	return req;
}

static int sign_request_with_pem_key(const char *path, const char *pass, X509_REQ *req, char *err, size_t errlen)
{
	EVP_PKEY *key = signer_pem_read_key(path, pass, err, errlen);
	int rc = key && X509_REQ_set_pubkey(req, key) == 1 && X509_REQ_sign(req, key, EVP_sha256()) > 0 ? 0 : -1;
	if (key && rc < 0)
		snprintf(err, errlen, "the key did not sign the certificate request");
	EVP_PKEY_free(key);
	ERR_clear_error();
	return rc;
}

static int request_pem(X509_REQ *req, char **pem, char *err, size_t errlen)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len = bio && PEM_write_bio_X509_REQ(bio, req) == 1 ? BIO_get_mem_data(bio, &data) : -1;
	*pem = len > 0 ? malloc((size_t)len + 1) : NULL;
	if (*pem) {
		memcpy(*pem, data, (size_t)len);
		(*pem)[len] = '\0';
	} else
		snprintf(err, errlen, "out of memory");
	BIO_free(bio);
	ERR_clear_error();
	return *pem ? 0 : -1;
}

int publisher_key_csr(const char *key, const char *module, const char *secret, const char *subject, char **pem,
		      char *err, size_t errlen)
{
	*pem = NULL;
	X509_REQ *req = new_request(subject, err, errlen);
	int rc = !req ? -1
		 : publisher_key_is_pkcs11(key) ? signer_pkcs11_sign_request(key, module, secret, req, err, errlen)
						: sign_request_with_pem_key(key, secret, req, err, errlen);
	if (rc == 0)
		rc = request_pem(req, pem, err, errlen);
	X509_REQ_free(req);
	return rc;
}
