/* Per-phase deadlines and connection limits (see guard.h). */
#include "web/guard.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ADDRESS_BUCKETS 4096

struct address_count {
	unsigned char key[17]; /* family byte, then the IPv4 address or the IPv6 /64 */
	unsigned open;
	struct address_count *next;
};

struct web_guard {
	struct web_guard_limits limits;
	struct web_metrics *metrics;
	pthread_mutex_t lock; /* guards addresses and open */
	struct address_count *addresses[ADDRESS_BUCKETS];
	unsigned open;
	uint64_t seed;
};

struct web_conn {
	struct web_guard *guard;
	struct MHD_Connection *mhd;
	int fd;
	enum web_conn_state state;
	uint64_t since_ms;       /* when the current phase began */
	uint64_t last_io_ms;     /* last byte received, or sent while SENDING */
	uint64_t window_ms;      /* start of the current min_send_rate window */
	uint64_t window_bytes;   /* sent in that window */
	int peer_gone;           /* the client closed or reset */
	int timed_out_in;        /* a request ended by libmicrohttpd's timeout: state + 1 */
	enum web_close_reason killed; /* WEB_CLOSE_REASONS: not closed by the guard */
	unsigned char key[17];
};

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* ---- per-address counts ---- */

/* IPv6 clients count by their /64: one host commonly holds a whole /64. */
static int address_key(const struct sockaddr *sa, unsigned char key[17])
{
	memset(key, 0, 17);
	if (sa && sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8);
		return 0;
	}
	return -1;
}

static struct address_count **bucket(struct web_guard *g, const unsigned char key[17])
{
	uint64_t h = 1469598103934665603ULL ^ g->seed; /* FNV-1a, seeded */
	for (size_t i = 0; i < 17; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	return &g->addresses[h % ADDRESS_BUCKETS];
}

static struct address_count *find_address(struct web_guard *g, const unsigned char key[17])
{
	for (struct address_count *a = *bucket(g, key); a; a = a->next)
		if (memcmp(a->key, key, 17) == 0)
			return a;
	return NULL;
}

/* Called with the lock held. 0, or -1 when out of memory. */
static int address_add(struct web_guard *g, const unsigned char key[17])
{
	struct address_count *a = find_address(g, key);
	if (!a) {
		struct address_count **b = bucket(g, key);
		if (!(a = calloc(1, sizeof *a)))
			return -1;
		memcpy(a->key, key, 17);
		a->next = *b;
		*b = a;
	}
	a->open++;
	return 0;
}

static void address_remove(struct web_guard *g, const unsigned char key[17])
{
	for (struct address_count **p = bucket(g, key); *p; p = &(*p)->next) {
		if (memcmp((*p)->key, key, 17) != 0)
			continue;
		if (--(*p)->open == 0) {
			struct address_count *gone = *p;
			*p = gone->next;
			free(gone);
		}
		return;
	}
}

struct web_guard *web_guard_new(const struct web_guard_limits *limits, struct web_metrics *metrics)
{
	struct web_guard *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->limits = *limits;
	g->metrics = metrics;
	g->seed = now_ms() ^ (uint64_t)(uintptr_t)g;
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void web_guard_free(struct web_guard *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < ADDRESS_BUCKETS; i++)
		while (g->addresses[i]) {
			struct address_count *next = g->addresses[i]->next;
			free(g->addresses[i]);
			g->addresses[i] = next;
		}
	pthread_mutex_destroy(&g->lock);
	free(g);
}

enum MHD_Result web_guard_admit(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)addrlen;
	struct web_guard *g = cls;
	unsigned char key[17];
	int known = address_key(addr, key) == 0;
	pthread_mutex_lock(&g->lock);
	const struct address_count *a = known ? find_address(g, key) : NULL;
	enum web_close_reason refused = WEB_CLOSE_REASONS;
	if (g->open >= g->limits.max_connections)
		refused = WEB_CLOSE_GLOBAL_LIMIT;
	else if (g->limits.per_address && a && a->open >= g->limits.per_address)
		refused = WEB_CLOSE_ADDRESS_LIMIT;
	pthread_mutex_unlock(&g->lock);
	if (refused == WEB_CLOSE_REASONS)
		return MHD_YES;
	web_metrics_conn_closed(g->metrics, refused);
	return MHD_NO;
}

/* ---- phases ---- */

static unsigned phase_timeout(const struct web_guard_limits *l, enum web_conn_state s)
{
	switch (s) {
	case WEB_CONN_HANDSHAKE:
		return l->handshake_timeout;
	case WEB_CONN_HEADER: /* a silent half-request: no longer than a silent connection */
		return l->header_timeout < l->idle_timeout ? l->header_timeout : l->idle_timeout;
	case WEB_CONN_SENDING:
		return l->send_timeout;
	default:
		return l->idle_timeout;
	}
}

/* `retime` 0: the connection is closing, its timeout is left alone (and
 * libmicrohttpd may hold its own locks). */
static void move(struct web_conn *c, enum web_conn_state s, int retime)
{
	if (c->state == s)
		return;
	web_metrics_conn_state(c->guard->metrics, c->state, s);
	unsigned before = phase_timeout(&c->guard->limits, c->state);
	c->state = s;
	c->since_ms = now_ms();
	unsigned after = phase_timeout(&c->guard->limits, s);
	/* libmicrohttpd closes a connection silent for this long. */
	if (retime && after != before)
		MHD_set_connection_option(c->mhd, MHD_CONNECTION_OPTION_TIMEOUT, after);
}

static void enter(struct web_conn *c, enum web_conn_state s)
{
	move(c, s, 1);
}

/* A transport error that makes GnuTLS, and so libmicrohttpd, close. */
static ssize_t cut_off(struct web_conn *c, enum web_close_reason why)
{
	if (c->killed == WEB_CLOSE_REASONS)
		c->killed = why;
	errno = ETIMEDOUT;
	return -1;
}

static int overdue(const struct web_conn *c, uint64_t now, unsigned seconds)
{
	return now - c->since_ms > (uint64_t)seconds * 1000u;
}

static ssize_t guard_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct web_conn *c = p;
	if (c->killed != WEB_CLOSE_REASONS)
		return cut_off(c, c->killed);
	ssize_t n = recv(c->fd, buf, len, 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		c->peer_gone = 1;
	if (n <= 0)
		return n;
	uint64_t now = now_ms();
	c->last_io_ms = now;
	const struct web_guard_limits *l = &c->guard->limits;
	if (c->state == WEB_CONN_HANDSHAKE && overdue(c, now, l->handshake_timeout))
		return cut_off(c, WEB_CLOSE_HANDSHAKE_TIMEOUT);
	if (c->state == WEB_CONN_IDLE)
		enter(c, WEB_CONN_HEADER);
	else if (c->state == WEB_CONN_HEADER && overdue(c, now, phase_timeout(l, WEB_CONN_HEADER)))
		return cut_off(c, WEB_CLOSE_HEADER_TIMEOUT);
	return n;
}

/* While a response is sent, each send_timeout window must carry at least
 * min_send_rate x send_timeout bytes (a reader that takes a byte now and
 * then would otherwise hold the connection and its buffers for ever). */
static int too_slow(struct web_conn *c, uint64_t now)
{
	const struct web_guard_limits *l = &c->guard->limits;
	if (c->state != WEB_CONN_SENDING || !l->min_send_rate)
		return 0;
	uint64_t window = (uint64_t)l->send_timeout * 1000u;
	if (now - c->window_ms < window)
		return 0;
	int slow = c->window_bytes < (uint64_t)l->min_send_rate * l->send_timeout;
	c->window_ms = now;
	c->window_bytes = 0;
	return slow;
}

static ssize_t guard_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct web_conn *c = p;
	if (c->killed != WEB_CLOSE_REASONS)
		return cut_off(c, c->killed);
	uint64_t now = now_ms();
	if (too_slow(c, now))
		return cut_off(c, WEB_CLOSE_SLOW_READER);
	ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		c->peer_gone = 1;
	/* Not the TLS alert sent when closing: that is no sign of life. */
	if (n > 0 && c->state == WEB_CONN_SENDING) {
		c->last_io_ms = now;
		c->window_bytes += (uint64_t)n;
	}
	return n;
}

/* GnuTLS asks this only for blocking waits; kept correct for the fd. */
static int guard_pull_timeout(gnutls_transport_ptr_t p, unsigned ms)
{
	struct web_conn *c = p;
	struct pollfd pfd = {c->fd, POLLIN, 0};
	return poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

/* The kernel would take megabytes of a response at once and then report
 * no progress for as long as a slow client takes to read them: keeping
 * little unsent data queued makes every min_send_rate window show what the
 * client really read. Half a window at the minimum rate, at least 16 KB. */
static void limit_unsent(int fd, const struct web_guard_limits *l)
{
	uint64_t bytes = (uint64_t)l->min_send_rate * l->send_timeout / 2;
	int lowat = bytes < 16384 ? 16384 : bytes > (1u << 20) ? (1 << 20) : (int)bytes;
	setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
}

struct web_conn *web_guard_started(struct web_guard *g, struct MHD_Connection *mhd,
				   gnutls_session_t session)
{
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *addr = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct web_conn *c = calloc(1, sizeof *c);
	if (!c || !fd || !session)
		goto unguarded;
	c->guard = g;
	c->mhd = mhd;
	c->fd = fd->connect_fd;
	c->state = WEB_CONN_HANDSHAKE;
	c->killed = WEB_CLOSE_REASONS;
	c->since_ms = c->last_io_ms = now_ms();
	int keyed = address_key(addr ? addr->client_addr : NULL, c->key) == 0;
	pthread_mutex_lock(&g->lock);
	int added = !keyed || address_add(g, c->key) == 0;
	if (added)
		g->open++;
	pthread_mutex_unlock(&g->lock);
	if (!added)
		goto unguarded;
	if (!keyed)
		c->key[0] = 0;
	web_metrics_conn_state(g->metrics, WEB_CONN_STATES, WEB_CONN_HANDSHAKE);
	limit_unsent(c->fd, &g->limits);
	gnutls_transport_set_ptr(session, c);
	gnutls_transport_set_pull_function(session, guard_pull);
	gnutls_transport_set_pull_timeout_function(session, guard_pull_timeout);
	gnutls_transport_set_push_function(session, guard_push);
	return c;
unguarded:
	free(c);
	return NULL;
}

/* Why a connection the guard did not cut was closed: libmicrohttpd's
 * timeout of its phase, or something else (the client, an error, a stop). */
static enum web_close_reason close_reason(const struct web_conn *c)
{
	if (c->killed != WEB_CLOSE_REASONS)
		return c->killed;
	if (c->peer_gone)
		return WEB_CLOSE_REASONS;
	enum web_conn_state s = c->timed_out_in ? (enum web_conn_state)(c->timed_out_in - 1) : c->state;
	unsigned timeout = phase_timeout(&c->guard->limits, s);
	if (!c->timed_out_in && now_ms() - c->last_io_ms + 1000u < (uint64_t)timeout * 1000u)
		return WEB_CLOSE_REASONS;
	switch (s) {
	case WEB_CONN_HANDSHAKE:
		return WEB_CLOSE_HANDSHAKE_TIMEOUT;
	case WEB_CONN_HEADER:
		return WEB_CLOSE_HEADER_TIMEOUT;
	case WEB_CONN_SENDING:
		return WEB_CLOSE_SLOW_READER;
	default:
		return WEB_CLOSE_IDLE_TIMEOUT;
	}
}

void web_guard_closed(struct web_conn *c)
{
	if (!c)
		return;
	struct web_guard *g = c->guard;
	enum web_close_reason why = close_reason(c);
	if (why != WEB_CLOSE_REASONS)
		web_metrics_conn_closed(g->metrics, why);
	web_metrics_conn_state(g->metrics, c->state, WEB_CONN_STATES);
	pthread_mutex_lock(&g->lock);
	if (c->key[0])
		address_remove(g, c->key);
	g->open--;
	pthread_mutex_unlock(&g->lock);
	free(c);
}

void web_guard_handshake_done(gnutls_session_t session)
{
	/* Only guarded sessions get this hook: their transport is the guard's. */
	struct web_conn *c = gnutls_transport_get_ptr(session);
	enter(c, WEB_CONN_IDLE);
}

void web_guard_request_began(struct web_conn *c)
{
	if (c)
		enter(c, WEB_CONN_PROCESSING);
}

void web_guard_response_queued(struct web_conn *c)
{
	if (!c)
		return;
	enter(c, WEB_CONN_SENDING);
	c->window_ms = c->since_ms;
	c->window_bytes = 0;
}

void web_guard_request_done(struct web_conn *c, enum MHD_RequestTerminationCode toe)
{
	if (!c)
		return;
	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		c->timed_out_in = (int)c->state + 1;
	move(c, WEB_CONN_IDLE, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
}
