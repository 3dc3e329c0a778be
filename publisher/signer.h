/* Who signs the lists, behind a small interface: list building and XAdES
 * never see where the key lives. The PEM implementation is here; a PKCS#11
 * token (HSM) adds an `ops` whose make_key wraps the token's EVP_PKEY. */
#ifndef VNTL_PUBLISHER_SIGNER_H
#define VNTL_PUBLISHER_SIGNER_H

#include <stddef.h>
#include <openssl/x509.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>

struct publisher_signer;

struct publisher_signer_ops {
	const char *kind; /* "pem", later "pkcs11" */
	/* A new xmlsec key able to sign (private key, with the certificate
	 * attached so KeyInfo can carry it). Caller destroys it. */
	xmlSecKeyPtr (*make_key)(struct publisher_signer *signer, char *err, size_t errlen);
	void (*destroy)(struct publisher_signer *signer);
};

struct publisher_signer {
	const struct publisher_signer_ops *ops;
	X509 *cert;                   /* the signer certificate */
	char key_desc[32];            /* "RSA-3072", "EC P-256" */
	xmlSecTransformId sign_method;    /* e.g. rsa-sha256, ecdsa-sha384 */
	xmlSecTransformId digest_method;  /* reference and CertDigest digest */
	const char *digest_name;      /* OpenSSL name: "SHA256" */
	const char *warning;          /* non-NULL: accepted but discouraged (RSA < 3072) */
	void *impl;
};

/* Open a PEM signer: private key file (encrypted or not; `pass` may be NULL)
 * and certificate file; `digest` is "sha256" (default when NULL), "sha384"
 * or "sha512". Refuses RSA < 2048 bits, EC curves other than P-256/P-384,
 * other key types, other digests (SHA-1!), a certificate that does not match
 * the key. Returns 0, or -1 with the reason in `err`. */
int publisher_signer_open_pem(const char *key_path, const char *cert_path, const char *pass,
			      const char *digest, struct publisher_signer **out, char *err,
			      size_t errlen);

/* Read a passphrase: from the file `pass_file` when given, else from the
 * environment variable `env_name` when set. *out is NULL when neither is.
 * Trailing newlines are dropped. Returns 0 or -1 (file unreadable). */
int publisher_read_passphrase(const char *pass_file, const char *env_name, char **out,
			      char *err, size_t errlen);
void publisher_passphrase_free(char *pass);

void publisher_signer_free(struct publisher_signer *signer);

#endif
