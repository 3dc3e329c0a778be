/* Swappable TLS credentials, tickets and handshake counting (see tls.h). */
#include "web/tls.h"

#include "web/guard.h"
#include "web/publication.h"

#include <gnutls/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 16

struct credentials {
	gnutls_pcert_st pcerts[MAX_CHAIN];
	unsigned count;
	gnutls_privkey_t key;
	struct credentials *older;
};

/* Sessions may still refer to a replaced certificate during their
 * handshake, so every generation stays allocated until exit (a few KB per
 * SIGHUP). */
static _Atomic(struct credentials *) current;
static pthread_mutex_t generations_lock = PTHREAD_MUTEX_INITIALIZER;
static gnutls_datum_t ticket_key;
static struct web_metrics *handshake_metrics;

static void free_credentials(struct credentials *c)
{
	for (unsigned i = 0; i < c->count; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

static int key_matches(gnutls_privkey_t key, gnutls_pubkey_t cert_key)
{
	gnutls_pubkey_t from_key;
	unsigned char a[64], b[64];
	size_t alen = sizeof a, blen = sizeof b;
	if (gnutls_pubkey_init(&from_key) < 0)
		return 0;
	int ok = gnutls_pubkey_import_privkey(from_key, key, 0, 0) >= 0 &&
		 gnutls_pubkey_get_key_id(from_key, GNUTLS_KEYID_USE_SHA256, a, &alen) >= 0 &&
		 gnutls_pubkey_get_key_id(cert_key, GNUTLS_KEYID_USE_SHA256, b, &blen) >= 0 &&
		 alen == blen && memcmp(a, b, alen) == 0;
	gnutls_pubkey_deinit(from_key);
	return ok;
}

static int read_credentials(struct credentials *c, const char *cert_file, const char *key_file,
			    char *err, size_t errlen)
{
	gnutls_datum_t cert = {0}, key = {0};
	int rc = -1, g;
	c->count = MAX_CHAIN;
	if ((g = gnutls_load_file(cert_file, &cert)) < 0) {
		snprintf(err, errlen, "cannot read certificate %s: %s", cert_file, gnutls_strerror(g));
		c->count = 0;
	} else if ((g = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->count, &cert,
							  GNUTLS_X509_FMT_PEM, 0)) < 0 || c->count == 0) {
		snprintf(err, errlen, "%s: not a PEM certificate chain: %s", cert_file, gnutls_strerror(g));
		c->count = 0;
	} else if ((g = gnutls_load_file(key_file, &key)) < 0) {
		snprintf(err, errlen, "cannot read key %s: %s", key_file, gnutls_strerror(g));
	} else if ((g = gnutls_privkey_init(&c->key)) < 0 ||
		   (g = gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "%s: not a PEM private key: %s", key_file, gnutls_strerror(g));
	} else if (!key_matches(c->key, c->pcerts[0].pubkey)) {
		snprintf(err, errlen, "%s does not belong to the certificate in %s", key_file, cert_file);
	} else {
		rc = 0;
	}
	if (key.data) {
		/* The key file's bytes are secret: wipe them before freeing. */
		gnutls_memset(key.data, 0, key.size);
		gnutls_free(key.data);
	}
	gnutls_free(cert.data);
	return rc;
}

int web_tls_load(const char *cert_file, const char *key_file, char *err, size_t errlen)
{
	struct credentials *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (read_credentials(c, cert_file, key_file, err, errlen) != 0) {
		free_credentials(c);
		return -1;
	}
	pthread_mutex_lock(&generations_lock);
	c->older = atomic_load(&current);
	atomic_store(&current, c);
	pthread_mutex_unlock(&generations_lock);
	return 0;
}

int web_tls_certificate_callback(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
				 int nreqs, const gnutls_pk_algorithm_t *pk_algos,
				 int pk_algos_length, gnutls_pcert_st **pcert,
				 unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
	(void)session, (void)req_ca_dn, (void)nreqs, (void)pk_algos, (void)pk_algos_length;
	struct credentials *c = atomic_load(&current);
	if (!c)
		return -1;
	*pcert = c->pcerts;
	*pcert_length = c->count;
	*pkey = c->key;
	return 0;
}

const char *web_tls_priorities(int allow_tls12)
{
	/* AES-GCM first: GnuTLS's ChaCha20 is much slower on this hardware
	 * (notes/serving-with-libmicrohttpd.md); ECDHE only, AEAD only. */
	if (allow_tls12)
		return "NONE:+VERS-TLS1.3:+VERS-TLS1.2:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:"
		       "+AEAD:+ECDHE-ECDSA:+ECDHE-RSA:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:"
		       "+SIGN-ALL:-SIGN-RSA-SHA1:-SIGN-ECDSA-SHA1:-SIGN-DSA-SHA1:+COMP-NULL:+CTYPE-X509:"
		       "%SERVER_PRECEDENCE";
	return "NONE:+VERS-TLS1.3:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AEAD:"
	       "+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+SIGN-ALL:-SIGN-RSA-SHA1:"
	       "-SIGN-ECDSA-SHA1:-SIGN-DSA-SHA1:+COMP-NULL:+CTYPE-X509:%SERVER_PRECEDENCE";
}

int web_tls_init(struct web_metrics *metrics, char *err, size_t errlen)
{
	handshake_metrics = metrics;
	if (ticket_key.data)
		return 0;
	int g = gnutls_session_ticket_key_generate(&ticket_key);
	if (g < 0) {
		snprintf(err, errlen, "cannot create a session ticket key: %s", gnutls_strerror(g));
		return -1;
	}
	return 0;
}

/* The server receives exactly one Finished message from the client per
 * handshake, full or resumed, TLS 1.2 or 1.3. */
static int on_finished(gnutls_session_t session, unsigned htype, unsigned when,
		       unsigned incoming, const gnutls_datum_t *msg)
{
	(void)htype, (void)when, (void)msg;
	if (incoming && handshake_metrics)
		web_metrics_handshake(handshake_metrics, gnutls_session_is_resumed(session) != 0);
	return 0;
}

static int on_finished_guarded(gnutls_session_t session, unsigned htype, unsigned when,
			       unsigned incoming, const gnutls_datum_t *msg)
{
	if (incoming)
		web_guard_handshake_done(session);
	return on_finished(session, htype, when, incoming, msg);
}

void web_tls_setup_session(gnutls_session_t session, int want_client_cert, int guarded)
{
	if (ticket_key.data)
		gnutls_session_ticket_enable_server(session, &ticket_key);
	gnutls_handshake_set_hook_function(session, GNUTLS_HANDSHAKE_FINISHED, GNUTLS_HOOK_POST,
					   guarded ? on_finished_guarded : on_finished);
	if (want_client_cert)
		gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST);
}

int web_tls_client_fingerprint(gnutls_session_t session, char hex[65])
{
	unsigned status = 0, count = 0;
	if (gnutls_certificate_verify_peers2(session, &status) < 0 || status != 0)
		return -1;
	const gnutls_datum_t *chain = gnutls_certificate_get_peers(session, &count);
	if (!chain || count == 0)
		return -1;
	web_sha256_hex(chain[0].data, chain[0].size, hex);
	return 0;
}

void web_tls_shutdown(void)
{
	pthread_mutex_lock(&generations_lock);
	struct credentials *c = atomic_exchange(&current, NULL);
	while (c) {
		struct credentials *older = c->older;
		free_credentials(c);
		c = older;
	}
	pthread_mutex_unlock(&generations_lock);
	if (ticket_key.data) {
		gnutls_memset(ticket_key.data, 0, ticket_key.size);
		gnutls_free(ticket_key.data);
		ticket_key.data = NULL;
	}
	handshake_metrics = NULL;
}
