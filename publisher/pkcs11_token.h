/* A private key in a PKCS#11 token, reached through p11-kit for the time of
 * one publication: the module is loaded and initialised, the token found
 * by the RFC 7512 URI, logged in to, the key found; closing logs out and
 * finalises the module.
 *
 * Why not keep it open: with libp11 0.4.12's engine the module, its
 * sessions and its object handles live as long as the process (the engine
 * never calls C_Finalize), so a token that went away and came back stays
 * unusable until the process restarts. Opening the module afresh for each
 * publication lets vntld recover by itself (README "A token that
 * disappears under vntld").
 *
 * Returns 0, or -1 with the reason in the caller's err.
 */
#ifndef VNTL_PUBLISHER_PKCS11_TOKEN_H
#define VNTL_PUBLISHER_PKCS11_TOKEN_H

#include <stddef.h>

struct pkcs11_token;

enum pkcs11_key_kind { PKCS11_KEY_RSA, PKCS11_KEY_EC };

/* Load `module`, find the one private key `uri` names, log in with `pin`.
 * The reasons name `uri` (no such token or key, PIN refused, several keys
 * match). */
int pkcs11_token_open(const char *uri, const char *module, const char *pin, struct pkcs11_token **out,
		      char *err, size_t errlen);

enum pkcs11_key_kind pkcs11_token_key_kind(const struct pkcs11_token *t);

/* The token signs `in` with the raw mechanism of its key: CKM_RSA_PKCS
 * over a DigestInfo, or CKM_ECDSA over a digest (r||s out). *out is
 * OPENSSL_free'd by the caller. The reason is the token's CKR_* text. */
int pkcs11_token_sign(struct pkcs11_token *t, const unsigned char *in, size_t in_len, unsigned char **out,
		      size_t *out_len, char *err, size_t errlen);

/* The public key of the token's key, for a certificate request: from the
 * token's public key object with the private key's CKA_ID (RSA: else the
 * modulus and exponent the private key object shows). *out is
 * EVP_PKEY_free'd by the caller. */
struct evp_pkey_st;
int pkcs11_token_public_key(struct pkcs11_token *t, struct evp_pkey_st **out, char *err, size_t errlen);

/* Log out, close the session, finalise and unload the module; NULL is fine. */
void pkcs11_token_close(struct pkcs11_token *t);

#endif
