/* vntld's TLS: certificate and key that can be swapped while serving
 * (SIGHUP), the GnuTLS priority string, session tickets, handshake counts.
 *
 * GnuTLS asks for the certificate through a callback without a closure,
 * so the current credentials are process-wide: one vntld per process.
 *
 * Returns 0, or -1 with a message in the caller's err (web_tls_client_fingerprint:
 * -1 when there is no verified client certificate); web_tls_certificate_callback
 * follows GnuTLS's convention for MHD.
 */
#ifndef VNTL_WEB_TLS_H
#define VNTL_WEB_TLS_H

#include "web/metrics.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stddef.h>

/* Loads `cert_file` (PEM chain, leaf first) and `key_file` (PEM) and makes
 * them the ones new handshakes use. Checks that the key belongs to the
 * certificate; on any error nothing changes. 0, or -1 with a message. */
int web_tls_load(const char *cert_file, const char *key_file, char *err, size_t errlen);

/* The certificate callback to give MHD (MHD_OPTION_HTTPS_CERT_CALLBACK). */
int web_tls_certificate_callback(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
				 int nreqs, const gnutls_pk_algorithm_t *pk_algos,
				 int pk_algos_length, gnutls_pcert_st **pcert,
				 unsigned int *pcert_length, gnutls_privkey_t *pkey);

/* GnuTLS priority string: TLS 1.3 only, or 1.3 and 1.2 (ECDHE, AEAD)
 * when `allow_tls12`; AES-GCM preferred by the server. */
const char *web_tls_priorities(int allow_tls12);

/* Session tickets key and the metrics handshakes are counted in. */
int web_tls_init(struct web_metrics *metrics, char *err, size_t errlen);

/* Per-connection setup, called when a connection is accepted: tickets on,
 * handshake counting, a client certificate asked for when `want_client_cert`;
 * `guarded`: the session's transport is a web_guard connection, told when
 * the handshake completes. */
void web_tls_setup_session(gnutls_session_t session, int want_client_cert, int guarded);

/* SHA-256 (lowercase hex) of the peer's certificate when it sent one that
 * chains to the trusted client CA; 0, or -1 when there is none or it is
 * not trusted. */
int web_tls_client_fingerprint(gnutls_session_t session, char hex[65]);

/* Frees every certificate generation (only once the server has stopped). */
void web_tls_shutdown(void);

#endif
