/* vntld's settings: the `server.*` keys of the configuration file, with
 * command-line flags applied on top (see README.md "Server: vntld"); the
 * flags themselves are parsed by vntld/vntld_main.c.
 *
 * web_settings_load returns 0, or -1 with a message naming the key.
 */
#ifndef VNTL_WEB_SETTINGS_H
#define VNTL_WEB_SETTINGS_H

#include "common/config.h"
#include "web/api.h"

#include <stddef.h>

struct web_settings {
	char listen[64];
	unsigned port;
	char publication_dir[1024];
	char tls_cert[1024];
	char tls_key[1024];
	char client_ca[1024];       /* empty: no admin API (no client certificates asked) */
	char signer_cert[1024];     /* the list signer every served list must be signed by */
	char registry[1024];
	char config_path[1024];     /* the file read (for the publisher's keys); empty: none */        /* key "db": the registry; empty: no admin or provider API */
	int tls12;                  /* 1: TLS 1.2 accepted besides 1.3 */
	unsigned threads;
	unsigned max_connections;
	unsigned per_ip_connections; /* per address (IPv6: /64), all threads; 0: no limit */
	unsigned connection_timeout; /* seconds of silence between requests (or in one) before closing */
	unsigned handshake_timeout;  /* seconds from accept to a completed TLS handshake */
	unsigned header_timeout;     /* seconds from a request's first byte to its whole header */
	unsigned send_timeout;       /* seconds a response may stall; window of min_send_rate */
	unsigned min_send_rate;      /* bytes/s a response must leave at, per window; 0: off */
	size_t memory_limit;        /* per-connection buffer: bounds the request head */
	size_t max_body;            /* largest API request body */
	long cache_max_age;         /* Cache-Control max-age of files that change */
	int use_epoll;
	unsigned drain_timeout;     /* seconds SIGTERM waits for open connections */
	unsigned poll_interval_ms;  /* how often index.json and the served files are stat'ed */
	unsigned api_threads;       /* API worker threads (registry and password work) */
	unsigned api_queue;         /* API requests waiting for a worker before 503 busy */
	char origin[256];           /* the admin API's own origin; empty: https:// + Host */
	unsigned recheck_interval;  /* seconds between full re-hashes of the served files */
	struct web_api_limits api_limits; /* provider.* and admin.* keys: what a proposal may say */
	unsigned publish_interval;  /* seconds between publications of what is due; 0: never */
	int publish_configured;     /* the file sets publish.key and publish.cert */
	unsigned console_session_timeout; /* seconds a console session lives without a request */
};

/* A flag given on the command line, as the configuration key it overrides. */
struct web_override {
	const char *key;
	const char *value;
};

/* Fills `out` from defaults, then `cfg` (may be NULL), then `overrides`.
 * Returns 0, or -1 with a message naming the key and what is wrong. */
int web_settings_load(const struct vntl_config *cfg, const struct web_override *overrides,
		      size_t override_count, struct web_settings *out, char *err, size_t errlen);

#endif
