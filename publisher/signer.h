/* Who signs the lists, behind a small interface: list building and XAdES
 * never see where the key lives: a PEM file (signer_pem.c) or a PKCS#11
 * token, an HSM (signer_pkcs11.c).
 *
 * Returns 0, or -1 with the reason in the caller's err;
 * publisher_key_is_pkcs11 is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_PUBLISHER_SIGNER_H
#define VNTL_PUBLISHER_SIGNER_H

#include <stddef.h>
#include <openssl/x509.h>
#include <xmlsec/keys.h>
#include <xmlsec/transforms.h>

struct publisher_signer;

struct publisher_signer_ops {
	const char *kind; /* "pem" or "pkcs11" */
	/* A new xmlsec key able to sign (private key, with the certificate
	 * attached so KeyInfo can carry it). Caller destroys it. */
	xmlSecKeyPtr (*make_key)(struct publisher_signer *signer, char *err, size_t errlen);
	/* NULL when xmlsec signs with make_key's key. Otherwise the key stays
	 * where xmlsec cannot drive it (a token): make_key gives a stand-in of
	 * the same algorithm, with which xmlsec does all the XML work, and
	 * sign_value computes the real SignatureValue (XML-DSig encoding: RSA
	 * PKCS#1 v1.5, ECDSA r||s) over xmlsec's canonical SignedInfo `data`,
	 * which then replaces the stand-in's. *value is OPENSSL_free'd. */
	int (*sign_value)(struct publisher_signer *signer, const unsigned char *data, size_t len,
			  unsigned char **value, size_t *value_len, char *err, size_t errlen);
	/* Sign arbitrary bytes with the real key (in the token for PKCS#11):
	 * see publisher_signer_sign_bytes. */
	int (*sign_bytes)(struct publisher_signer *signer, const char *digest, const void *data,
			  size_t len, unsigned char **sig, size_t *sig_len, char *err, size_t errlen);
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

/* publish.key names a key in a PKCS#11 token (an RFC 7512 URI) rather than
 * a file. */
int publisher_key_is_pkcs11(const char *key);

/* Where the PKCS#11 module is looked for when publish.pkcs11_module is not
 * set: p11-kit's proxy, which offers every module registered with p11-kit
 * (an HSM vendor's, SoftHSM2's). */
#define PUBLISHER_PKCS11_DEFAULT_MODULE "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so"
/* The environment variable that may hold the token's PIN (else
 * publish.pin_file). */
#define PUBLISHER_PKCS11_PIN_ENV "VNTL_PKCS11_PIN"

/* The configuration of a PKCS#11 signer, checked before anything runs: the
 * URI names one object (object= or id=) and holds no PIN (pin-value,
 * pin-source: the PIN comes from a file or the environment), the module
 * is a readable file. Returns 0, or -1 with the key at fault in `err`. */
int publisher_pkcs11_check_config(const char *uri, const char *module, char *err, size_t errlen);

/* Open a PKCS#11 signer: load `module`, log in to the token with `pin`,
 * find the private key `uri` (publisher/pkcs11_token.c); the key never
 * leaves the token, which makes each signature. The certificate comes from
 * the PEM file `cert_path`.
 * Same policy as PEM, except that RSA must have at least 3072 bits.
 * Returns 0, or -1 with the reason (wrong PIN, no such token or object, a
 * key the policy refuses, a certificate of another key) in `err`. */
int publisher_signer_open_pkcs11(const char *uri, const char *module, const char *cert_path,
				 const char *pin, const char *digest, struct publisher_signer **out,
				 char *err, size_t errlen);

/* The same two signers with the certificate given as DER (a signer kept
 * in the registry, db/signers.h); `cert_name` names it in messages. */
int publisher_signer_open_pem_der(const char *key_path, const unsigned char *cert_der, size_t cert_len,
				  const char *cert_name, const char *pass, const char *digest,
				  struct publisher_signer **out, char *err, size_t errlen);
int publisher_signer_open_pkcs11_der(const char *uri, const char *module, const unsigned char *cert_der,
				     size_t cert_len, const char *cert_name, const char *pin, const char *digest,
				     struct publisher_signer **out, char *err, size_t errlen);

/* Read a passphrase: from the file `pass_file` when given, else from the
 * environment variable `env_name` when set. *out is NULL when neither is.
 * Trailing newlines are dropped. Returns 0 or -1 (file unreadable). */
int publisher_read_passphrase(const char *pass_file, const char *env_name, char **out,
			      char *err, size_t errlen);
void publisher_passphrase_free(char *pass);

/* Sign `data` with the signer's key, whichever backend holds it (the
 * token's key never leaves it): digest `digest` (OpenSSL name, "SHA256"),
 * RSA PKCS#1 v1.5 or ECDSA. *sig is the signature as OpenSSL gives it
 * (ECDSA: a DER SEQUENCE of r and s), OPENSSL_free'd by the caller. For
 * what is not XML: the signed index (publisher/index_jws.c). */
int publisher_signer_sign_bytes(struct publisher_signer *signer, const char *digest,
				const void *data, size_t len, unsigned char **sig, size_t *sig_len,
				char *err, size_t errlen);

/* A PKCS#10 certificate request for the key `key` (a PEM file, or a
 * pkcs11: URI through `module`; `secret` its passphrase or the token's
 * PIN), signed by that key (in the token) with SHA-256, for the subject
 * `subject` in OpenSSL's form "/C=VN/O=…/CN=…". *pem (malloc'd) holds it.
 * For the key ceremony (README "Key ceremony and signer rollover").
 * Returns 0, or -1 with why. */
int publisher_key_csr(const char *key, const char *module, const char *secret, const char *subject, char **pem,
		      char *err, size_t errlen);

void publisher_signer_free(struct publisher_signer *signer);

#endif
