/* server.* configuration keys and their defaults (see settings.h). */
#include "web/settings.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct source {
	const struct vntl_config *cfg;
	const struct web_override *overrides;
	size_t count;
	char *err;
	size_t errlen;
};

static const char *lookup(const struct source *src, const char *key, const char *fallback)
{
	/* The last flag wins, as with the configuration file's lines. */
	for (size_t i = src->count; i-- > 0;)
		if (strcmp(src->overrides[i].key, key) == 0)
			return src->overrides[i].value;
	return vntl_config_get(src->cfg, key, fallback);
}

static int get_text(const struct source *src, const char *key, const char *fallback, char *out,
		    size_t size)
{
	const char *v = lookup(src, key, fallback);
	if (strlen(v) >= size) {
		snprintf(src->err, src->errlen, "%s is longer than %zu bytes", key, size - 1);
		return -1;
	}
	strcpy(out, v);
	return 0;
}

static int get_number(const struct source *src, const char *key, long fallback, long min,
		      long max, long *out)
{
	const char *v = lookup(src, key, NULL);
	if (!v) {
		*out = fallback;
		return 0;
	}
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < min || n > max) {
		snprintf(src->err, src->errlen, "%s = '%s' is not an integer in [%ld, %ld]", key, v,
			 min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int get_choice(const struct source *src, const char *key, const char *fallback,
		      const char *a, const char *b, int *is_b)
{
	const char *v = lookup(src, key, fallback);
	if (strcmp(v, a) != 0 && strcmp(v, b) != 0) {
		snprintf(src->err, src->errlen, "%s = '%s' must be '%s' or '%s'", key, v, a, b);
		return -1;
	}
	*is_b = strcmp(v, b) == 0;
	return 0;
}

static int check_required(const struct web_settings *s, char *err, size_t errlen)
{
	unsigned char addr[16];
	if (inet_pton(AF_INET, s->listen, addr) != 1 && inet_pton(AF_INET6, s->listen, addr) != 1) {
		snprintf(err, errlen, "server.listen = '%s' is not an IPv4 or IPv6 address", s->listen);
		return -1;
	}
	if (s->origin[0] && (strncmp(s->origin, "https://", 8) != 0 || !s->origin[8] ||
			     strchr(s->origin + 8, '/'))) {
		snprintf(err, errlen, "server.origin = '%s' must be https://HOST or https://HOST:PORT", s->origin);
		return -1;
	}
	if (!s->tls_cert[0] || !s->tls_key[0]) {
		snprintf(err, errlen, "server.tls_cert and server.tls_key are required (vntld serves HTTPS only)");
		return -1;
	}
	if (!s->signer_cert[0]) {
		snprintf(err, errlen, "server.signer_cert is required: the list-signing certificate every "
				      "served list must verify with (defaults to publish.cert)");
		return -1;
	}
	return 0;
}

static int get_api_limits(const struct source *src, struct web_api_limits *out)
{
	const struct web_api_limits d = WEB_API_LIMITS_DEFAULT;
	long backdate, ahead, pending, admin_backdate, admin_ahead;
	if (get_number(src, "provider.max_backdate_days", d.provider_max_backdate_days, 0, 3650, &backdate) ||
	    get_number(src, "provider.max_ahead_days", d.provider_max_ahead_days, 0, 3650, &ahead) ||
	    get_number(src, "provider.max_pending", d.provider_max_pending, 1, 100000, &pending) ||
	    get_number(src, "admin.max_backdate_days", d.admin_max_backdate_days, 0, 36500, &admin_backdate) ||
	    get_number(src, "admin.max_ahead_days", d.admin_max_ahead_days, 0, 36500, &admin_ahead))
		return -1;
	out->provider_max_backdate_days = (unsigned)backdate;
	out->provider_max_ahead_days = (unsigned)ahead;
	out->provider_max_pending = (unsigned)pending;
	out->admin_max_backdate_days = (unsigned)admin_backdate;
	out->admin_max_ahead_days = (unsigned)admin_ahead;
	return 0;
}

int web_settings_load(const struct vntl_config *cfg, const struct web_override *overrides,
		      size_t override_count, struct web_settings *out, char *err, size_t errlen)
{
	struct source src = {cfg, overrides, override_count, err, errlen};
	memset(out, 0, sizeof *out);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (cores < 1)
		cores = 1;
	long port, threads, maxconn, perip, timeout, memlimit, maxbody, maxage, drain, interval, recheck;
	long api_threads, api_queue, publish_interval, handshake, header, send_timeout, min_rate;
	long console_timeout;
	int epoll_on = 0, tls12_on = 0;
	if (get_text(&src, "server.listen", "0.0.0.0", out->listen, sizeof out->listen) ||
	    get_number(&src, "server.port", 8443, 0, 65535, &port) ||
	    get_text(&src, "server.publication_dir", "/var/lib/vntl/publication",
		     out->publication_dir, sizeof out->publication_dir) ||
	    get_text(&src, "server.tls_cert", "", out->tls_cert, sizeof out->tls_cert) ||
	    get_text(&src, "server.tls_key", "", out->tls_key, sizeof out->tls_key) ||
	    get_text(&src, "server.client_ca", "", out->client_ca, sizeof out->client_ca) ||
	    get_text(&src, "server.signer_cert", vntl_config_get(cfg, "publish.cert", ""),
		     out->signer_cert, sizeof out->signer_cert) ||
	    get_text(&src, "db", "", out->registry, sizeof out->registry) ||
	    get_choice(&src, "server.tls12", "0", "0", "1", &tls12_on) ||
	    get_number(&src, "server.threads", cores, 1, 256, &threads) ||
	    get_number(&src, "server.max_connections", 20000, 1, 1000000, &maxconn) ||
	    get_number(&src, "server.per_ip_connections", 256, 0, 1000000, &perip) ||
	    get_number(&src, "server.connection_timeout", 60, 1, 86400, &timeout) ||
	    get_number(&src, "server.handshake_timeout", 5, 1, 600, &handshake) ||
	    get_number(&src, "server.header_timeout", 10, 1, 600, &header) ||
	    get_number(&src, "server.send_timeout", 10, 1, 3600, &send_timeout) ||
	    get_number(&src, "server.min_send_rate", 1024, 0, 100000000, &min_rate) ||
	    get_number(&src, "server.memory_limit", 16384, 4096, 1048576, &memlimit) ||
	    get_number(&src, "server.max_body", 65536, 256, 16777216, &maxbody) ||
	    get_number(&src, "server.cache_max_age", 60, 0, 86400, &maxage) ||
	    get_choice(&src, "server.poll", "epoll", "poll", "epoll", &epoll_on) ||
	    get_number(&src, "server.drain_timeout", 10, 0, 3600, &drain) ||
	    get_number(&src, "server.poll_interval_ms", 1000, 10, 60000, &interval) ||
	    get_number(&src, "server.api_threads", 2, 1, 64, &api_threads) ||
	    get_number(&src, "server.api_queue", 64, 1, 100000, &api_queue) ||
	    get_text(&src, "server.origin", "", out->origin, sizeof out->origin) ||
	    get_number(&src, "server.recheck_interval", 300, 1, 86400, &recheck) ||
	    get_api_limits(&src, &out->api_limits) ||
	    get_number(&src, "server.publish_interval", 60, 0, 86400, &publish_interval) ||
	    get_number(&src, "console.session_timeout", 900, 1, 86400, &console_timeout))
		return -1;
	const char *cfg_path = vntl_config_path(cfg);
	if (cfg_path && strlen(cfg_path) < sizeof out->config_path)
		strcpy(out->config_path, cfg_path);
	out->port = (unsigned)port;
	out->tls12 = tls12_on;
	out->threads = (unsigned)threads;
	out->max_connections = (unsigned)maxconn;
	out->per_ip_connections = (unsigned)perip;
	out->connection_timeout = (unsigned)timeout;
	out->handshake_timeout = (unsigned)handshake;
	out->header_timeout = (unsigned)header;
	out->send_timeout = (unsigned)send_timeout;
	out->min_send_rate = (unsigned)min_rate;
	out->memory_limit = (size_t)memlimit;
	out->max_body = (size_t)maxbody;
	out->cache_max_age = maxage;
	out->use_epoll = epoll_on;
	out->drain_timeout = (unsigned)drain;
	out->poll_interval_ms = (unsigned)interval;
	out->api_threads = (unsigned)api_threads;
	out->api_queue = (unsigned)api_queue;
	out->recheck_interval = (unsigned)recheck;
	out->publish_interval = (unsigned)publish_interval;
	out->console_session_timeout = (unsigned)console_timeout;
	out->publish_configured = cfg && vntl_config_get(cfg, "publish.key", NULL) &&
				  vntl_config_get(cfg, "publish.cert", NULL);
	return check_required(out, err, errlen);
}
