/* Connection limits libmicrohttpd 0.9.75 lacks: a deadline per phase of a
 * connection (TLS handshake, request header, sending at a minimum rate),
 * a limit per client address and a global one, counted in /metrics.
 *
 * libmicrohttpd has one inactivity timeout, reset by every byte. The guard
 * sets it per phase (MHD_CONNECTION_OPTION_TIMEOUT) for clients that go
 * silent, and sits under GnuTLS as its transport (pull/push functions on
 * the socket) to see every byte: a client that dribbles bytes to keep a
 * phase alive is closed when the phase's deadline passes.
 *
 * web_guard_admit returns libmicrohttpd's MHD_Result; web_guard_new and
 * web_guard_started NULL when out of memory; the rest return nothing.
 */
#ifndef VNTL_WEB_GUARD_H
#define VNTL_WEB_GUARD_H

#include "web/metrics.h"

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <stddef.h>
#include <sys/socket.h>

struct web_guard_limits {
	unsigned handshake_timeout; /* s from accept to a completed TLS handshake */
	unsigned header_timeout;    /* s from a request's first byte to its complete header */
	unsigned idle_timeout;      /* s of silence between requests, or while one is processed */
	unsigned send_timeout;      /* s a response may stall; also the window of min_send_rate */
	unsigned min_send_rate;     /* bytes/s a response must go out at, per window; 0: off */
	unsigned per_address;       /* connections per client address (IPv6: its /64); 0: none */
	unsigned max_connections;   /* connections open at once, all threads */
};

struct web_guard;
struct web_conn;

struct web_guard *web_guard_new(const struct web_guard_limits *limits, struct web_metrics *metrics);
void web_guard_free(struct web_guard *guard);

/* libmicrohttpd's accept policy callback (cls: the guard): MHD_NO when the
 * address or the server is at its limit (counted, the socket closed). */
enum MHD_Result web_guard_admit(void *cls, const struct sockaddr *addr, socklen_t addrlen);

/* A connection accepted (MHD_CONNECTION_NOTIFY_STARTED): becomes the
 * transport of `session`. NULL when out of memory (then unguarded but for
 * libmicrohttpd's own timeout). */
struct web_conn *web_guard_started(struct web_guard *guard, struct MHD_Connection *c,
				   gnutls_session_t session);
/* MHD_CONNECTION_NOTIFY_CLOSED: counts why, and frees `conn` (may be NULL). */
void web_guard_closed(struct web_conn *conn);

/* The TLS handshake of `session` (a guarded one) completed. */
void web_guard_handshake_done(gnutls_session_t session);
/* The request header is complete (the access handler's first call). */
void web_guard_request_began(struct web_conn *conn);
/* A response was queued: it must now go out at the minimum rate. */
void web_guard_response_queued(struct web_conn *conn);
/* The request ended (MHD_OPTION_NOTIFY_COMPLETED with its code). */
void web_guard_request_done(struct web_conn *conn, enum MHD_RequestTerminationCode toe);

#endif
