/* vntld: the HTTPS server (libmicrohttpd) over the current publication.
 *
 * web/ is the top library layer (it may use publisher/, db/, common/ and
 * libvntl's vntl.h); the program around it is vntld/.
 * The caller (vntld/vntld_main.c) owns the process: it blocks signals, calls
 * web_server_check_publication() every poll interval, web_server_reload_tls()
 * on SIGHUP and web_server_drain() on SIGTERM.
 *
 * web_server_start returns 0, or -1 with a message in the caller's err;
 * web_server_port the port; the rest return nothing (a problem is logged).
 */
#ifndef VNTL_WEB_SERVER_H
#define VNTL_WEB_SERVER_H

#include "web/settings.h"

#include <stddef.h>

struct web_server;

/* Loads the TLS credentials and the publication (a missing or broken one
 * is logged and the server starts anyway, answering 503 until a good one
 * appears) and starts listening. 0, or -1 with a message. */
int web_server_start(const struct web_settings *settings, struct web_server **out, char *err,
		     size_t errlen);

/* The port actually bound (useful with server.port = 0). */
unsigned web_server_port(const struct web_server *server);

/* Loads the publication again if index.json changed (or the last attempt
 * failed); swaps the served set atomically only when it is good. */
void web_server_check_publication(struct web_server *server);

/* Reads the certificate and key files again; new handshakes use them,
 * open connections are not touched. A bad pair is logged and ignored. */
void web_server_reload_tls(struct web_server *server);

/* Stops accepting, waits up to drain_timeout for open connections to end,
 * then stops and frees everything. */
void web_server_drain(struct web_server *server);

#endif
