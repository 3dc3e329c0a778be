/* The PEM-file signer: key and certificate from files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "publisher/signer_impl.h"

struct pem_impl {
	EVP_PKEY *key;
};

static xmlSecKeyPtr pem_make_key(struct publisher_signer *signer, char *err, size_t errlen)
{
	struct pem_impl *impl = signer->impl;
	return signer_key_with_cert(impl->key, signer->cert, err, errlen);
}

static int pem_sign_bytes(struct publisher_signer *signer, const char *digest, const void *data,
			  size_t len, unsigned char **sig, size_t *sig_len, char *err, size_t errlen)
{
	struct pem_impl *impl = signer->impl;
	return signer_evp_sign(impl->key, digest, data, len, sig, sig_len, err, errlen);
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
	.sign_bytes = pem_sign_bytes,
	.destroy = pem_destroy,
};

EVP_PKEY *signer_pem_read_key(const char *path, const char *pass, char *err, size_t errlen)
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

/* Takes `cert` over; `cert_name` names it in messages. */
static int open_pem(const char *key_path, X509 *cert, const char *cert_name, const char *pass,
		    const struct signer_digest *d, struct publisher_signer **out, char *err, size_t errlen)
{
	EVP_PKEY *key = signer_pem_read_key(key_path, pass, err, errlen);
	if (!key) {
		X509_free(cert);
		return -1;
	}
	struct publisher_signer *s = calloc(1, sizeof *s);
	struct pem_impl *impl = calloc(1, sizeof *impl);
	if (!cert || !s || !impl)
		goto fail;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "signing certificate %s does not match the key %s", cert_name,
			 key_path);
		goto fail;
	}
	if (signer_apply_policy(s, key, d, 2048, err, errlen) < 0)
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

int publisher_signer_open_pem(const char *key_path, const char *cert_path, const char *pass,
			      const char *digest, struct publisher_signer **out, char *err,
			      size_t errlen)
{
	*out = NULL;
	const struct signer_digest *d = signer_digest_find(digest, err, errlen);
	if (!d)
		return -1;
	if (!key_path || !cert_path) {
		snprintf(err, errlen, "no signing key or certificate configured (publish.key, publish.cert)");
		return -1;
	}
	/* A NULL cert (its reason in err) is refused after the key is read:
	 * the key's reason (a wrong passphrase) comes first. */
	X509 *cert = signer_read_cert(cert_path, err, errlen);
	return open_pem(key_path, cert, cert_path, pass, d, out, err, errlen);
}

int publisher_signer_open_pem_der(const char *key_path, const unsigned char *cert_der, size_t cert_len,
				  const char *cert_name, const char *pass, const char *digest,
				  struct publisher_signer **out, char *err, size_t errlen)
{
	*out = NULL;
	const struct signer_digest *d = signer_digest_find(digest, err, errlen);
	if (!d)
		return -1;
	X509 *cert = signer_cert_from_der(cert_der, cert_len, cert_name, err, errlen);
	return cert ? open_pem(key_path, cert, cert_name, pass, d, out, err, errlen) : -1;
}
