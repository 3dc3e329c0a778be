/* What the signer implementations (signer_pem.c, signer_pkcs11.c) share:
 * the algorithm policy and the hand-over of a key to xmlsec. Not for list
 * building or XAdES, which only see signer.h.
 *
 * Returns 0, or -1 with the reason in the caller's err; those returning a
 * pointer give NULL with the reason.
 */
#ifndef VNTL_PUBLISHER_SIGNER_IMPL_H
#define VNTL_PUBLISHER_SIGNER_IMPL_H

#include <openssl/evp.h>

#include "publisher/signer.h"

struct signer_digest;

/* The allowed digest named `name` ("sha256" when NULL), or NULL with the
 * refusal in `err`. */
const struct signer_digest *signer_digest_find(const char *name, char *err, size_t errlen);

/* Algorithm policy (circular 001 annex I, TS 119 312): fills the key
 * description and the methods of `s`, or refuses. RSA below `min_rsa_bits`
 * is refused; below 3072 it is accepted with a warning. */
int signer_apply_policy(struct publisher_signer *s, EVP_PKEY *key, const struct signer_digest *d,
			int min_rsa_bits, char *err, size_t errlen);

/* The certificate in the PEM file `path`, or NULL with the reason in `err`. */
X509 *signer_read_cert(const char *path, char *err, size_t errlen);

/* The certificate `der` (exactly one), or NULL with the reason naming `name`. */
X509 *signer_cert_from_der(const unsigned char *der, size_t len, const char *name, char *err, size_t errlen);

/* A new xmlsec key holding a reference to `pkey`, with `cert` attached so
 * KeyInfo can carry it. */
xmlSecKeyPtr signer_key_with_cert(EVP_PKEY *pkey, X509 *cert, char *err, size_t errlen);

/* EVP_DigestSign of `data` with `key` and digest `digest`; 0, or -1 with
 * the reason OpenSSL gave. */
int signer_evp_sign(EVP_PKEY *key, const char *digest, const void *data, size_t len,
		    unsigned char **sig, size_t *sig_len, char *err, size_t errlen);

/* The private key of a PEM file, or NULL with why (a wrong passphrase...). */
EVP_PKEY *signer_pem_read_key(const char *path, const char *pass, char *err, size_t errlen);
/* Put the public key of the token's key `uri` into `req` and have the
 * token sign it (SHA-256), logged in with `pin` through `module`; 0, or
 * -1 with why. */
int signer_pkcs11_sign_request(const char *uri, const char *module, const char *pin, X509_REQ *req, char *err,
			       size_t errlen);

#endif
