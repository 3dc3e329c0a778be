/* The HTTPS server over the current publication (see server.h). */
#include "web/server.h"

#include "common/sizes.h"
#include "web/api.h"
#include "web/catalog.h"
#include "web/console.h"
#include "web/guard.h"
#include "web/http.h"
#include "web/log.h"
#include "web/metrics.h"
#include "web/signers.h"
#include "web/health.h"
#include "web/tls.h"
#include "web/autopublish.h"
#include "web/workers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define WEB_MAX_THREADS 256

struct web_server {
	struct web_settings settings;
	/* One single-threaded daemon per core, each with its own listening
	 * socket on the same port (SO_REUSEPORT): the kernel spreads new
	 * connections evenly. A libmicrohttpd thread pool shares one socket
	 * and let one thread take most connections (half the throughput). */
	struct MHD_Daemon *daemons[WEB_MAX_THREADS];
	unsigned daemon_count;
	struct web_metrics *metrics;
	struct web_guard *guard;       /* per-phase deadlines and connection limits */
	unsigned port;
	char *client_ca_pem;
	pthread_mutex_t lock;          /* guards current and load_error */
	struct web_catalog *current;
	char load_error[VNTL_ERR_MAX]; /* empty when the last load succeeded */
	struct web_stamp stamp;
	struct web_verifier *verifier; /* every list served is verified with it */
	char signers_error[VNTL_ERR_MAX]; /* main thread only; empty when the registry's signers were read */
	char file_problem[2048];       /* guarded by lock; empty while every served file is right */
	time_t last_rehash;
	struct web_api *api;           /* NULL when no registry is configured */
	struct web_console *console;   /* the staff console; NULL without api */
	struct web_workers *workers;   /* run the API requests; NULL without api */
	struct web_autopublish *autopublish; /* publication after approval; NULL when off */
	struct MHD_Response *not_found, *not_allowed, *unavailable;
};

/* What an API worker needs of the request, copied on the serving thread:
 * the connection is not touched while it is suspended. */
struct api_job {
	char *method, *path, *query_state, *query_after, *query_limit;
	char *authorization, *content_type, *origin, *self_origin;
	char *cookie;                  /* the console's session cookie */
	char peer[64];
	char fingerprint[65];
	int have_cert;
};

enum api_state { API_NONE, API_QUEUED, API_ANSWERED };

/* One request's state, from the first call of the handler to completion. */
struct request {
	const char *raw_url;           /* where the URL was received (URI log callback); NULL: unknown */
	size_t raw_url_len;            /* its length then, before any decoding */
	int started;                   /* the handler was called for it */
	void *owned;                   /* bytes a response points into, freed at completion */
	struct web_catalog *cat;       /* held while the response may be sent */
	enum web_path_class cls;
	unsigned status;
	uint64_t bytes;
	int is_api;
	char *body;                    /* API request body, at most max_body */
	size_t body_len;
	int body_too_large;
	struct MHD_Connection *conn;
	enum api_state api_state;
	struct api_job job;
	struct web_api_response resp;  /* set by the worker, then the connection resumed */
	int busy;                      /* the API queue was full */
	int is_console;                /* the staff console (run on the API workers too) */
	struct MHD_PostProcessor *pp;  /* console POST: reads the form; NULL: not a form */
	int has_form;                  /* a POST whose body was a form */
	struct web_console_form form, query;
	struct web_console_response console_resp;
};

/* ---- the current catalog ---- */

static struct web_catalog *acquire_current(struct web_server *s)
{
	pthread_mutex_lock(&s->lock);
	struct web_catalog *cat = s->current;
	if (cat)
		web_catalog_hold(cat);
	pthread_mutex_unlock(&s->lock);
	return cat;
}

static void set_load_error(struct web_server *s, const char *msg)
{
	pthread_mutex_lock(&s->lock);
	int changed = strcmp(s->load_error, msg) != 0;
	snprintf(s->load_error, sizeof s->load_error, "%s", msg);
	pthread_mutex_unlock(&s->lock);
	/* Retried every poll interval: log a failure once, not every second. */
	if (changed)
		web_log("error", "publication-rejected", "dir=\"%s\" reason=\"%s\" action=\"keeping the last good publication\"",
			s->settings.publication_dir, msg);
}

static void swap_in(struct web_server *s, struct web_catalog *cat)
{
	pthread_mutex_lock(&s->lock);
	struct web_catalog *old = s->current;
	s->current = cat;
	s->load_error[0] = '\0';
	pthread_mutex_unlock(&s->lock);
	/* In-flight requests hold their own reference: the old set lives on
	 * until the last of them completes. */
	web_catalog_release(old);
}

static void log_loaded(const struct web_catalog *cat)
{
	char lists[256] = "";
	size_t used = 0;
	for (size_t i = 0; i < cat->pub->list_count && used < sizeof lists; i++)
		used += (size_t)snprintf(lists + used, sizeof lists - used, "%s%s=%lld", i ? "," : "",
					 cat->pub->lists[i].name, cat->pub->lists[i].sequence);
	web_log("info", "publication-loaded", "lists=%s files=%zu skipped=%zu", lists,
		cat->pub->file_count, cat->pub->skipped_files);
}

static void log_pinned(const struct web_verifier *v)
{
	static const char *const role[] = {"current", "next", "previous", "accepted"};
	char list[1024] = "";
	size_t used = 0;
	for (size_t i = 0; i < web_verifier_signer_count(v) && used < sizeof list; i++) {
		char sha[65];
		web_verifier_signer_sha256(v, i, sha);
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s:%s", i ? "," : "",
					 role[web_verifier_signer_role(v, i)], sha);
	}
	web_log("info", "signers-pinned", "signers=%s", list);
}

/* With a registry, its signers (a rollover) are pinned before a
 * publication is loaded: the one the lists switched to is served at once.
 * Unreadable: logged once, the pins so far stay. */
static void pin_registry_signers(struct web_server *s)
{
	char err[VNTL_ERR_MAX] = "";
	int rc = web_signers_from_registry(s->settings.registry, s->verifier, err, sizeof err);
	if (rc < 0 && strcmp(err, s->signers_error) != 0)
		web_log("error", "signers-unread", "registry=\"%s\" reason=\"%s\" action=\"keeping the signers pinned so far\"",
			s->settings.registry, err);
	snprintf(s->signers_error, sizeof s->signers_error, "%s", rc < 0 ? err : "");
	if (rc > 0)
		log_pinned(s->verifier);
}

static void load_publication(struct web_server *s)
{
	char err[VNTL_ERR_MAX];
	struct web_publication *pub;
	if (s->settings.registry[0])
		pin_registry_signers(s);
	/* Archive versions stand in only when nothing verified is served: a
	 * served set, even older, beats a degraded one. */
	int allow_fallback = s->current == NULL;
	if (web_publication_load(s->settings.publication_dir, s->verifier, allow_fallback, &pub, err,
				 sizeof err) != 0) {
		web_metrics_reload(s->metrics, 0);
		if (s->current && s->current->pub->degraded) {
			char why[sizeof s->load_error];
			snprintf(why, sizeof why, "serving the newest verified archive versions: %.*s",
				 (int)(sizeof why - 64), err);
			set_load_error(s, why);
		} else {
			set_load_error(s, err);
		}
		return;
	}
	struct web_catalog *cat = web_catalog_build(pub, s->settings.cache_max_age);
	if (!cat) {
		web_metrics_reload(s->metrics, 0);
		set_load_error(s, "out of memory building the responses");
		return;
	}
	web_metrics_reload(s->metrics, !cat->pub->degraded);
	log_loaded(cat);
	swap_in(s, cat);
	if (cat->pub->degraded) {
		char why[sizeof s->load_error];
		snprintf(why, sizeof why, "serving the newest verified archive versions: %.*s",
			 (int)(sizeof why - 64), cat->pub->degraded_reason);
		set_load_error(s, why);
	}
}

/* The served files, checked again on disk (see web_publication_recheck). */
static void recheck_current(struct web_server *s)
{
	struct web_catalog *cat = acquire_current(s);
	if (!cat)
		return;
	time_t now = time(NULL);
	int rehash = now - s->last_rehash >= (time_t)s->settings.recheck_interval;
	if (rehash)
		s->last_rehash = now;
	char problem[sizeof s->file_problem];
	web_metrics_files_rejected(s->metrics,
				   web_publication_recheck(cat->pub, rehash, problem, sizeof problem));
	pthread_mutex_lock(&s->lock);
	snprintf(s->file_problem, sizeof s->file_problem, "%s", problem);
	pthread_mutex_unlock(&s->lock);
	web_catalog_release(cat);
}

void web_server_check_publication(struct web_server *s)
{
	struct web_stamp now;
	web_publication_stamp(s->settings.publication_dir, &now);
	pthread_mutex_lock(&s->lock);
	int failing = s->load_error[0] != '\0';
	pthread_mutex_unlock(&s->lock);
	if (!web_stamp_equal(&now, &s->stamp) || failing) {
		s->stamp = now;
		load_publication(s);
	}
	recheck_current(s);
}

/* ---- responses ---- */

static struct web_conn *guarded(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

static enum MHD_Result queue(struct MHD_Connection *c, struct request *rq, unsigned status,
			     struct MHD_Response *r)
{
	rq->status = status;
	web_guard_response_queued(guarded(c));
	return MHD_queue_response(c, status, r);
}

/* A response built for this request only (health, metrics). */
static enum MHD_Result queue_owned(struct MHD_Connection *c, struct request *rq, unsigned status,
				   char *body, size_t len, const char *type)
{
	if (!body)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rq->bytes = len;
	enum MHD_Result ret = queue(c, rq, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *static_json(const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								  MHD_RESPMEM_PERSISTENT);
	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	return r;
}

static int build_static_responses(struct web_server *s)
{
	s->not_found = static_json("{\"error\":\"not-found\",\"message\":\"no published file has this name\"}\n");
	s->not_allowed = static_json("{\"error\":\"method-not-allowed\",\"message\":\"only GET and HEAD are served here\"}\n");
	s->unavailable = static_json("{\"error\":\"no-publication\",\"message\":\"no valid publication has been loaded yet\"}\n");
	if (!s->not_found || !s->not_allowed || !s->unavailable)
		return -1;
	return MHD_add_response_header(s->not_allowed, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") == MHD_YES ? 0 : -1;
}

static unsigned open_connections(struct web_server *s)
{
	unsigned total = 0;
	for (unsigned i = 0; i < s->daemon_count; i++) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(s->daemons[i], MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		total += info ? info->num_connections : 0;
	}
	return total;
}

static void status_input(struct web_server *s, struct web_catalog *cat, struct web_status_input *in,
			 char *error_copy, size_t error_size, char *problem_copy, size_t problem_size)
{
	pthread_mutex_lock(&s->lock);
	snprintf(error_copy, error_size, "%s", s->load_error);
	snprintf(problem_copy, problem_size, "%s", s->file_problem);
	pthread_mutex_unlock(&s->lock);
	in->cat = cat;
	in->load_error = error_copy[0] ? error_copy : NULL;
	in->file_problem = problem_copy[0] ? problem_copy : NULL;
	in->now = time(NULL);
	in->connections = open_connections(s);
}

static enum MHD_Result serve_health(struct web_server *s, struct MHD_Connection *c, struct request *rq)
{
	char error_copy[VNTL_ERR_MAX], problem_copy[2048];
	struct web_status_input in;
	status_input(s, rq->cat, &in, error_copy, sizeof error_copy, problem_copy, sizeof problem_copy);
	int healthy = 0;
	size_t len = 0;
	char *body = web_status_health(&in, &healthy, &len);
	return queue_owned(c, rq, healthy ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, body, len,
			   "application/json");
}

static enum MHD_Result serve_metrics(struct web_server *s, struct MHD_Connection *c, struct request *rq)
{
	char error_copy[VNTL_ERR_MAX], problem_copy[2048];
	struct web_status_input in;
	status_input(s, rq->cat, &in, error_copy, sizeof error_copy, problem_copy, sizeof problem_copy);
	size_t len = 0;
	char *body = web_status_metrics(&in, s->metrics, &len);
	return queue_owned(c, rq, MHD_HTTP_OK, body, len, "text/plain; version=0.0.4; charset=utf-8");
}

/* ---- Range (an interrupted download resumes) ---- */

struct header_copy {
	struct MHD_Response *to;
	int all;   /* 0: leave out what describes another file */
	int failed;
};

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct header_copy *hc = cls;
	static const char *const own[] = {MHD_HTTP_HEADER_CONTENT_TYPE, MHD_HTTP_HEADER_ETAG,
					  MHD_HTTP_HEADER_LAST_MODIFIED, MHD_HTTP_HEADER_CACHE_CONTROL};
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		return MHD_YES;
	for (size_t i = 0; !hc->all && i < sizeof own / sizeof own[0]; i++)
		if (strcasecmp(key, own[i]) == 0)
			return MHD_YES;
	if (MHD_add_response_header(hc->to, key, value) != MHD_YES)
		hc->failed = 1;
	return MHD_YES;
}

/* A 206 of bytes first..last of `data` (size bytes in all), or a 416
 * (data NULL), with the headers of `like` (all of them, or with `all` 0 the
 * ones every file has). `data` must outlive the response. */
static enum MHD_Result queue_range(struct MHD_Connection *c, struct request *rq,
				   struct MHD_Response *like, int all, const unsigned char *data,
				   uint64_t size, uint64_t first, uint64_t last,
				   const char *const *extra)
{
	size_t len = data ? (size_t)(last - first + 1) : 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data ? (void *)(data + first) : NULL,
								  MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	struct header_copy hc = {r, all, 0};
	if (like)
		MHD_get_response_headers(like, copy_header, &hc);
	char content_range[80];
	if (data)
		snprintf(content_range, sizeof content_range, "bytes %llu-%llu/%llu",
			 (unsigned long long)first, (unsigned long long)last, (unsigned long long)size);
	else
		snprintf(content_range, sizeof content_range, "bytes */%llu", (unsigned long long)size);
	for (size_t i = 0; extra && extra[i]; i += 2)
		if (MHD_add_response_header(r, extra[i], extra[i + 1]) != MHD_YES)
			hc.failed = 1;
	if (hc.failed || MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, content_range) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes") != MHD_YES) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	rq->bytes = len;
	enum MHD_Result ret = queue(c, rq, data ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
	MHD_destroy_response(r);
	return ret;
}

/* Which part of a file of `size` bytes with `etag` to send: WEB_RANGE_WHOLE
 * when there is no usable Range or an If-Range that no longer holds. */
static enum web_range wanted_range(struct MHD_Connection *c, const char *etag, time_t last_modified,
				   uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
	const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_RANGE);
	if (!range || !web_http_if_range_holds(if_range, etag, last_modified))
		return WEB_RANGE_WHOLE;
	return web_http_range(range, size, first, last);
}

/* An archive version asked for with Range: read and verified like any
 * (web_publication_read_archive); 0 when that gives no bytes to cut, and
 * the whole answer is left to serve_archive. */
static int serve_archive_range(struct web_server *s, struct MHD_Connection *c, struct request *rq,
			       const char *url, enum MHD_Result *ret)
{
	struct web_file f;
	int rejected = 0;
	if (web_publication_read_archive(rq->cat->pub, url + 1, &f, &rejected) != WEB_ARCHIVE_OK) {
		web_metrics_files_rejected(s->metrics, (uint64_t)rejected);
		return 0;
	}
	char etag[68], date[WEB_HTTP_DATE_LEN];
	snprintf(etag, sizeof etag, "\"%s\"", f.sha256);
	web_http_format_date(f.mtime, date);
	uint64_t first = 0, last = 0;
	enum web_range range = wanted_range(c, etag, f.mtime, f.len, &first, &last);
	if (range == WEB_RANGE_WHOLE) {
		free(f.data);
		return 0;
	}
	/* The bytes live as long as the request (freed in on_completed). */
	rq->owned = f.data;
	const char *const headers[] = {
		MHD_HTTP_HEADER_CONTENT_TYPE, web_http_content_type(url), MHD_HTTP_HEADER_ETAG, etag,
		MHD_HTTP_HEADER_LAST_MODIFIED, date, MHD_HTTP_HEADER_CACHE_CONTROL,
		"public, max-age=31536000, immutable", NULL};
	rq->cls = WEB_PATH_ARCHIVE;
	*ret = queue_range(c, rq, rq->cat->page.ok, 0, range == WEB_RANGE_PART ? f.data : NULL, f.len,
			   first, last, headers);
	return 1;
}

/* Archive versions are read from disk per request (web_catalog_archive). */
static enum MHD_Result serve_archive(struct web_server *s, struct MHD_Connection *c,
				     struct request *rq, const char *url, const char *inm,
				     const char *ims, int is_head)
{
	unsigned status;
	struct MHD_Response *r;
	int rejected = 0;
	enum MHD_Result ranged;
	if (!is_head && !inm && !ims && MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE) &&
	    serve_archive_range(s, c, rq, url, &ranged))
		return ranged;
	if (!web_catalog_archive(rq->cat, url, inm, ims, is_head, &status, &r, &rq->bytes, &rejected))
		return queue(c, rq, MHD_HTTP_NOT_FOUND, s->not_found);
	web_metrics_files_rejected(s->metrics, (uint64_t)rejected);
	rq->cls = WEB_PATH_ARCHIVE;
	if (!r)
		return MHD_NO;
	enum MHD_Result ret = queue(c, rq, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The public page's search (?q=), answered from the rows the catalog
 * keeps: no list is parsed per request. */
static enum MHD_Result serve_search(struct MHD_Connection *c, struct request *rq)
{
	size_t len = 0;
	char *body = web_html_search(&rq->cat->search, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "q"), &len);
	rq->cls = WEB_PATH_PAGE;
	return queue_owned(c, rq, MHD_HTTP_OK, body, len, "text/html; charset=utf-8");
}

static enum MHD_Result serve_file(struct web_server *s, struct MHD_Connection *c, struct request *rq,
				  const char *url, int is_head)
{
	if (!rq->cat)
		return queue(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, s->unavailable);
	if (strcmp(url, "/search") == 0)
		return serve_search(c, rq);
	const struct web_entry *e = web_catalog_lookup(rq->cat, url);
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	if (!e)
		return serve_archive(s, c, rq, url, inm, ims, is_head);
	rq->cls = e->cls;
	if (e->status != MHD_HTTP_OK)
		return queue(c, rq, e->status, e->ok);
	if ((inm || ims) && web_http_not_modified(inm, ims, e->etag, e->last_modified))
		return queue(c, rq, MHD_HTTP_NOT_MODIFIED, e->not_modified);
	uint64_t first = 0, last = 0;
	enum web_range range = is_head ? WEB_RANGE_WHOLE
		: wanted_range(c, e->etag, e->last_modified, e->file->len, &first, &last);
	if (range != WEB_RANGE_WHOLE)
		return queue_range(c, rq, e->ok, 1, range == WEB_RANGE_PART ? e->file->data : NULL,
				   e->file->len, first, last, NULL);
	rq->bytes = is_head ? 0 : e->file->len;
	return queue(c, rq, MHD_HTTP_OK, e->ok);
}

static void keep_body(struct web_server *s, struct request *rq, const char *data, size_t len)
{
	if (rq->body_too_large || rq->body_len + len > s->settings.max_body) {
		rq->body_too_large = 1;
		return;
	}
	char *grown = realloc(rq->body, rq->body_len + len + 1);
	if (!grown) {
		rq->body_too_large = 1;
		return;
	}
	memcpy(grown + rq->body_len, data, len);
	rq->body = grown;
	rq->body_len += len;
	rq->body[rq->body_len] = '\0';
}

static void peer_address(struct MHD_Connection *c, char *out, size_t outlen)
{
	snprintf(out, outlen, "unknown");
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || !info->client_addr)
		return;
	const struct sockaddr *sa = info->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)outlen);
}

static char *copy_value(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key)
{
	const char *v = MHD_lookup_connection_value(c, kind, key);
	return v ? strdup(v) : NULL;
}

static void free_job(struct api_job *j)
{
	free(j->method);
	free(j->path);
	free(j->query_state);
	free(j->query_after);
	free(j->query_limit);
	free(j->authorization);
	free(j->content_type);
	free(j->origin);
	free(j->self_origin);
	free(j->cookie);
}

/* The origin the admin API answers for: server.origin, else the scheme and
 * Host this request came to (a browser always sends the real Host). */
static char *self_origin(const struct web_server *s, struct MHD_Connection *c)
{
	if (s->settings.origin[0])
		return strdup(s->settings.origin);
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	char *out = NULL;
	if (host && asprintf(&out, "https://%s", host) < 0)
		out = NULL;
	return out;
}

/* 0, or -1 when out of memory. */
static int capture_job(struct web_server *s, struct MHD_Connection *c, struct request *rq,
		       const char *url, const char *method)
{
	struct api_job *j = &rq->job;
	j->method = strdup(method);
	j->path = strdup(url);
	j->query_state = copy_value(c, MHD_GET_ARGUMENT_KIND, "state");
	j->query_after = copy_value(c, MHD_GET_ARGUMENT_KIND, "after");
	j->query_limit = copy_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	j->authorization = copy_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	j->content_type = copy_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	j->origin = copy_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
	j->self_origin = self_origin(s, c);
	if (rq->is_console) {
		j->cookie = copy_value(c, MHD_COOKIE_KIND, WEB_CONSOLE_COOKIE);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, web_console_form_arg, &rq->query);
	}
	peer_address(c, j->peer, sizeof j->peer);
	if (rq->cls == WEB_PATH_ADMIN && s->client_ca_pem) {
		const union MHD_ConnectionInfo *info =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
		j->have_cert = info && info->tls_session &&
			       web_tls_client_fingerprint((gnutls_session_t)info->tls_session, j->fingerprint) == 0;
	}
	return j->method && j->path ? 0 : -1;
}

/* The console's share of run_api_job. */
static void run_console_job(struct web_server *s, struct request *rq)
{
	const struct api_job *j = &rq->job;
	struct web_console_request req = {
		.method = j->method, .path = j->path, .query = &rq->query,
		.form = rq->has_form ? &rq->form : NULL, .cookie = j->cookie,
		.client_cert_sha256 = j->have_cert ? j->fingerprint : NULL,
		.origin = j->origin, .self_origin = j->self_origin, .peer = j->peer,
	};
	web_console_handle(s->console, &req, &rq->console_resp);
	if (rq->console_resp.auth_failed)
		web_metrics_auth_failure(s->metrics, 1, rq->console_resp.auth_reason);
	struct MHD_Connection *c = rq->conn;
	rq->api_state = API_ANSWERED;
	MHD_resume_connection(c);
}

/* The console's answer, once its worker resumed the connection. */
static enum MHD_Result queue_console(struct MHD_Connection *c, struct request *rq)
{
	struct web_console_response *cr = &rq->console_resp;
	if (!cr->body)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(cr->body_len, cr->body, MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO;
	cr->body = NULL; /* the response owns it now */
	if (web_console_add_headers(r, cr) != 0) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	rq->bytes = cr->body_len;
	enum MHD_Result ret = queue(c, rq, cr->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* On an API worker: the registry work, then the connection is resumed and
 * its serving thread sends the answer. `rq` is not touched after the resume:
 * the request may complete and be freed at once. */
static void run_api_job(void *job, void *ctx)
{
	struct web_server *s = ctx;
	struct request *rq = job;
	const struct api_job *j = &rq->job;
	if (rq->is_console) {
		run_console_job(s, rq);
		return;
	}
	struct web_api_request req = {
		.method = j->method, .path = j->path, .query_state = j->query_state,
		.query_after = j->query_after, .query_limit = j->query_limit,
		.body = rq->body, .body_len = rq->body_len, .body_too_large = rq->body_too_large,
		.client_cert_sha256 = j->have_cert ? j->fingerprint : NULL,
		.authorization = j->authorization, .content_type = j->content_type,
		.origin = j->origin, .self_origin = j->self_origin, .peer = j->peer,
	};
	web_api_handle(s->api, &req, &rq->resp);
	if (rq->resp.auth_failed)
		web_metrics_auth_failure(s->metrics, rq->resp.is_admin, rq->resp.auth_reason);
	struct MHD_Connection *c = rq->conn;
	rq->api_state = API_ANSWERED;
	MHD_resume_connection(c);
}

static void api_tick(void *ctx, int final)
{
	struct web_server *s = ctx;
	web_api_flush_auth_failures(s->api, time(NULL), final);
}

static void answer_busy(struct request *rq)
{
	static const char busy[] =
		"{\"error\":\"busy\",\"message\":\"too many API requests are waiting; try again shortly\"}";
	rq->busy = 1;
	rq->resp.status = MHD_HTTP_SERVICE_UNAVAILABLE;
	rq->resp.body = strdup(busy);
	rq->resp.body_len = rq->resp.body ? strlen(rq->resp.body) : 0;
}

/* The serving thread only copies the request and hands it to a worker,
 * suspending the connection; it is called again once the worker resumed it
 * and then sends the answer. A full queue is answered 503 at once. */
static enum MHD_Result serve_api(struct web_server *s, struct MHD_Connection *c, struct request *rq,
				 const char *url, const char *method)
{
	rq->cls = rq->is_console || strncmp(url, "/admin/", 7) == 0 ? WEB_PATH_ADMIN : WEB_PATH_PROVIDER;
	if (rq->api_state == API_NONE) {
		if (capture_job(s, c, rq, url, method) != 0)
			return MHD_NO;
		rq->conn = c;
		rq->api_state = API_QUEUED;
		MHD_suspend_connection(c);
		if (web_workers_submit(s->workers, rq) != 0) {
			web_metrics_api_busy(s->metrics);
			answer_busy(rq);
			rq->api_state = API_ANSWERED;
			MHD_resume_connection(c);
		}
		return MHD_YES;
	}
	if (rq->api_state == API_ANSWERED && rq->is_console && !rq->busy)
		return queue_console(c, rq);
	if (rq->api_state != API_ANSWERED || !rq->resp.body)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(rq->resp.body_len, rq->resp.body,
								  MHD_RESPMEM_MUST_FREE);
	if (!r)
		return MHD_NO;
	rq->resp.body = NULL; /* the response owns it now */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rq->busy)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	rq->bytes = rq->resp.body_len;
	enum MHD_Result ret = queue(c, rq, rq->resp.status, r);
	MHD_destroy_response(r);
	return ret;
}

struct framing {
	unsigned content_length, transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind, (void)value;
	struct framing *f = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->content_length++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->transfer_encoding++;
	return MHD_YES;
}

/* Checked on the first call, before any body is read: a request whose body
 * could end in two places is answered 400 and the connection closed, so no
 * bytes after it are ever read as another request. */
static enum MHD_Result refuse_ambiguous_framing(struct MHD_Connection *c, struct request *rq,
						int *refused)
{
	struct framing f = {0, 0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	const char *problem = web_http_framing_problem(f.content_length, f.transfer_encoding);
	*refused = problem != NULL;
	if (!problem)
		return MHD_YES;
	char peer[64];
	peer_address(c, peer, sizeof peer);
	web_log("warn", "bad-framing", "peer=%s reason=\"%s\"", peer, problem);
	char *body = NULL;
	if (asprintf(&body, "{\"error\":\"bad-framing\",\"message\":\"%s\"}", problem) < 0)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	rq->bytes = strlen(body);
	enum MHD_Result ret = queue(c, rq, MHD_HTTP_BAD_REQUEST, r);
	MHD_destroy_response(r);
	return ret;
}

/* Whether the request line's URL held a NUL byte: libmicrohttpd hands the
 * URL on as a C string, so "/index.json<NUL>x" would arrive as "/index.json".
 * The version it found after the URL follows the URL's terminator. */
static int raw_url_has_nul(const struct request *rq, const char *version)
{
	if (!rq->raw_url || !version)
		return 0;
	uintptr_t start = (uintptr_t)rq->raw_url, end = (uintptr_t)version;
	if (end <= start || end - start > (1u << 20))
		return 0; /* not the layout of a request line: nothing to compare */
	return rq->raw_url_len != end - start - 1;
}

/* A path that holds a byte no published name or API route has (a NUL, raw
 * or %00, a control byte, a space, '%' left over, non-ASCII…) is answered
 * 400 rather than looked up, so it can never mean another name. */
static enum MHD_Result refuse_bad_path(struct MHD_Connection *c, struct request *rq, const char *url,
				       const char *version, int *refused)
{
	*refused = raw_url_has_nul(rq, version) || !web_http_path_ok(url);
	if (!*refused)
		return MHD_YES;
	static const char body[] = "{\"error\":\"bad-path\",\"message\":\"the path holds a byte no published name has\"}\n";
	struct MHD_Response *r = static_json(body);
	if (!r)
		return MHD_NO;
	rq->bytes = sizeof body - 1;
	enum MHD_Result ret = queue(c, rq, MHD_HTTP_BAD_REQUEST, r);
	MHD_destroy_response(r);
	return ret;
}

static enum web_path_class classify_url(const char *url)
{
	if (strcmp(url, "/healthz") == 0)
		return WEB_PATH_HEALTH;
	if (strcmp(url, "/metrics") == 0)
		return WEB_PATH_METRICS;
	if (strncmp(url, "/admin/", 7) == 0)
		return WEB_PATH_ADMIN;
	if (strncmp(url, "/api/", 5) == 0)
		return WEB_PATH_PROVIDER;
	return WEB_PATH_UNKNOWN;
}

/* A console POST's body is read by libmicrohttpd's post processor, which
 * exists only for form bodies (urlencoded or multipart); others are kept
 * out and the console refuses the request. */
static void begin_console(struct web_server *s, struct MHD_Connection *c, struct request *rq,
			  const char *method)
{
	rq->form.max_total = s->settings.max_body;
	rq->query.max_total = s->settings.max_body;
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return;
	rq->pp = MHD_create_post_processor(c, 4096, web_console_form_post, &rq->form);
	rq->has_form = rq->pp != NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	(void)upload_data;
	struct web_server *s = cls;
	struct request *rq = *req_cls;
	if (!rq || !rq->started) {
		/* Answering on the first call would make libmicrohttpd close
		 * the connection after the response (no keep-alive). */
		web_guard_request_began(guarded(c));
		rq = rq ? rq : calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		rq->started = 1;
		rq->is_console = s->console && web_console_owns(url);
		rq->is_api = !rq->is_console && s->api && web_api_owns(url);
		rq->cls = classify_url(url);
		*req_cls = rq;
		if (rq->is_console)
			begin_console(s, c, rq, method);
		int refused = 0;
		enum MHD_Result ret = refuse_bad_path(c, rq, url, version, &refused);
		if (!refused)
			ret = refuse_ambiguous_framing(c, rq, &refused);
		return refused ? ret : MHD_YES;
	}
	if (rq->status) {
		/* Answered already (bad framing): whatever else comes is dropped. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Public routes take no body: it is dropped. API bodies are kept
		 * up to max_body; past that the request is answered 400 once
		 * the body has been read, and nothing is written. */
		if (rq->is_api)
			keep_body(s, rq, upload_data, *upload_data_size);
		else if (rq->pp && !rq->form.refused &&
			 MHD_post_process(rq->pp, upload_data, *upload_data_size) != MHD_YES)
			rq->form.refused = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->pp) {
		/* the last field of a urlencoded body is delivered here */
		if (MHD_destroy_post_processor(rq->pp) != MHD_YES)
			rq->form.refused = 1;
		rq->pp = NULL;
	}
	if (rq->is_api || rq->is_console)
		return serve_api(s, c, rq, url, method);
	rq->cat = acquire_current(s);
	int is_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	if (!is_head && strcmp(method, MHD_HTTP_METHOD_GET) != 0)
		return queue(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, s->not_allowed);
	if (rq->cls == WEB_PATH_HEALTH)
		return serve_health(s, c, rq);
	if (rq->cls == WEB_PATH_METRICS)
		return serve_metrics(s, c, rq);
	return serve_file(s, c, rq, url, is_head);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct web_server *s = cls;
	struct request *rq = *req_cls;
	web_guard_request_done(guarded(c), toe);
	if (!rq)
		return;
	if (rq->status)
		web_metrics_request(s->metrics, rq->cls, rq->status,
				    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? rq->bytes : 0);
	web_catalog_release(rq->cat);
	if (rq->pp)
		MHD_destroy_post_processor(rq->pp);
	web_console_form_clear(&rq->form);
	web_console_form_clear(&rq->query);
	free(rq->console_resp.body);
	free_job(&rq->job);
	free(rq->resp.body);
	free(rq->body);
	free(rq->owned);
	free(rq);
	*req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct web_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		web_guard_closed(*socket_context);
		*socket_context = NULL;
		return;
	}
	web_metrics_connection(s->metrics);
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!info || !info->tls_session)
		return;
	gnutls_session_t session = (gnutls_session_t)info->tls_session;
	*socket_context = web_guard_started(s->guard, c, session);
	web_tls_setup_session(session, s->client_ca_pem != NULL, *socket_context != NULL);
}

/* The request's state is created as soon as its URL is read, to keep the
 * URL as received (see raw_url_has_nul). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls, (void)c;
	struct request *rq = calloc(1, sizeof *rq);
	if (rq) {
		rq->raw_url = uri;
		rq->raw_url_len = strlen(uri);
	}
	return rq;
}

/* libmicrohttpd's unescape callback: web_http_unescape_path (http.h). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *uri)
{
	(void)cls, (void)c;
	return web_http_unescape_path(uri);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '"' || *p == '\n')
			*p = '\'';
	web_log("warn", "mhd-error", "msg=\"%s\"", msg);
}

/* ---- lifecycle ---- */

static char *read_text_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	int too_big = !feof(f);
	fclose(f);
	if (!buf || too_big) {
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static struct MHD_Daemon *start_daemon(struct web_server *s, unsigned port,
				       unsigned connection_limit)
{
	const struct web_settings *st = &s->settings;
	struct sockaddr_in6 a6 = {0};
	struct sockaddr_in a4 = {0};
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ITC |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
			 (st->use_epoll ? MHD_USE_EPOLL : MHD_USE_POLL);
	const struct sockaddr *addr;
	if (inet_pton(AF_INET6, st->listen, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		addr = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		inet_pton(AF_INET, st->listen, &a4.sin_addr);
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		addr = (const struct sockaddr *)&a4;
	}
	struct MHD_OptionItem trust[] = {
		{s->client_ca_pem ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, s->client_ca_pem},
		{MHD_OPTION_END, 0, NULL},
	};
	return MHD_start_daemon(
		flags, 0, web_guard_admit, s->guard, on_request, s,
		/* first, or libmicrohttpd logs the options before it to stderr */
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, s,
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_HTTPS_CERT_CALLBACK, web_tls_certificate_callback,
		MHD_OPTION_HTTPS_PRIORITIES, web_tls_priorities(st->tls12),
		MHD_OPTION_CONNECTION_LIMIT, connection_limit,
		/* The phase deadlines start from this one (see guard.h). */
		MHD_OPTION_CONNECTION_TIMEOUT, st->handshake_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, st->memory_limit,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, s,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_ARRAY, trust,
		MHD_OPTION_END);
}

/* The first daemon binds the configured port (0: any); the others join it. */
static int start_daemons(struct web_server *s)
{
	const struct web_settings *st = &s->settings;
	unsigned count = st->threads < WEB_MAX_THREADS ? st->threads : WEB_MAX_THREADS;
	unsigned port = st->port;
	for (unsigned i = 0; i < count; i++) {
		/* The limit is the guard's, across threads: one thread may hold all. */
		s->daemons[i] = start_daemon(s, port, st->max_connections);
		if (!s->daemons[i])
			return -1;
		s->daemon_count++;
		if (i == 0) {
			const union MHD_DaemonInfo *info =
				MHD_get_daemon_info(s->daemons[0], MHD_DAEMON_INFO_BIND_PORT);
			port = info && info->port ? info->port : st->port;
			s->port = port;
		}
	}
	return 0;
}

/* Publication after approval needs the registry and the signing keys of
 * the configuration file; without them vntld only serves. */
static void start_autopublish(struct web_server *s)
{
	const struct web_settings *st = &s->settings;
	if (!st->registry[0] || !st->publish_configured || st->publish_interval == 0)
		return;
	s->autopublish = web_autopublish_start(st->registry, st->config_path, st->publish_interval, s->metrics);
	if (!s->autopublish)
		web_log("error", "auto-publish-off", "reason=\"cannot start its thread\"");
}

static void free_server(struct web_server *s)
{
	/* First: the workers answer what is queued and resume those
	 * connections (libmicrohttpd must not stop with suspended ones). */
	web_workers_stop(s->workers);
	web_autopublish_stop(s->autopublish);
	for (unsigned i = 0; i < s->daemon_count; i++)
		MHD_stop_daemon(s->daemons[i]);
	if (s->not_found)
		MHD_destroy_response(s->not_found);
	if (s->not_allowed)
		MHD_destroy_response(s->not_allowed);
	if (s->unavailable)
		MHD_destroy_response(s->unavailable);
	web_catalog_release(s->current);
	web_verifier_free(s->verifier);
	web_console_free(s->console);
	web_api_free(s->api);
	web_guard_free(s->guard);
	web_metrics_free(s->metrics);
	free(s->client_ca_pem);
	pthread_mutex_destroy(&s->lock);
	free(s);
	web_tls_shutdown();
}

int web_server_start(const struct web_settings *settings, struct web_server **out, char *err,
		     size_t errlen)
{
	*out = NULL;
	struct web_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->settings = *settings;
	pthread_mutex_init(&s->lock, NULL);
	s->metrics = web_metrics_new();
	const struct web_guard_limits limits = {
		.handshake_timeout = settings->handshake_timeout,
		.header_timeout = settings->header_timeout,
		.idle_timeout = settings->connection_timeout,
		.send_timeout = settings->send_timeout,
		.min_send_rate = settings->min_send_rate,
		.per_address = settings->per_ip_connections,
		.max_connections = settings->max_connections,
	};
	if (s->metrics)
		s->guard = web_guard_new(&limits, s->metrics);
	if (!s->guard || build_static_responses(s) != 0) {
		snprintf(err, errlen, "out of memory");
		free_server(s);
		return -1;
	}
	if (web_tls_init(s->metrics, err, errlen) != 0 ||
	    web_tls_load(settings->tls_cert, settings->tls_key, err, errlen) != 0 ||
	    (settings->client_ca[0] &&
	     !(s->client_ca_pem = read_text_file(settings->client_ca, err, errlen)))) {
		free_server(s);
		return -1;
	}
	if (settings->registry[0] && !(s->api = web_api_new(settings->registry,
						      settings->config_path[0] ? settings->config_path : NULL))) {
		snprintf(err, errlen, "out of memory");
		free_server(s);
		return -1;
	}
	if (web_verifier_new(settings->signer_cert, &s->verifier, err, errlen) != 0) {
		free_server(s);
		return -1;
	}
	if (s->api)
		web_api_configure(s->api, &settings->api_limits, s->metrics);
	/* before the console, which shows its health; its first round comes
	 * after publish_interval, when the daemons listen */
	start_autopublish(s);
	if (s->api && !(s->console = web_console_new(s->api, settings->registry,
						     settings->console_session_timeout, s->autopublish))) {
		snprintf(err, errlen, "cannot set up the staff console (memory or randomness)");
		free_server(s);
		return -1;
	}
	if (s->api && !(s->workers = web_workers_start(settings->api_threads, settings->api_queue,
						       run_api_job, api_tick, s))) {
		snprintf(err, errlen, "cannot start %u API worker threads", settings->api_threads);
		free_server(s);
		return -1;
	}
	web_publication_stamp(settings->publication_dir, &s->stamp);
	s->last_rehash = time(NULL);
	load_publication(s);
	if (start_daemons(s) != 0) {
		snprintf(err, errlen, "cannot listen on %s port %u (address in use, or TLS setup failed)",
			 settings->listen, settings->port);
		free_server(s);
		return -1;
	}
	web_log("info", "listening", "address=%s port=%u threads=%u poll=%s tls12=%d admin_mtls=%d api=%d api_threads=%u api_queue=%u auto_publish=%u",
		settings->listen, s->port, settings->threads, settings->use_epoll ? "epoll" : "poll",
		settings->tls12, s->client_ca_pem != NULL, s->api != NULL, settings->api_threads,
		settings->api_queue, s->autopublish ? settings->publish_interval : 0);
	*out = s;
	return 0;
}

unsigned web_server_port(const struct web_server *s)
{
	return s->port;
}

void web_server_reload_tls(struct web_server *s)
{
	char err[VNTL_ERR_MAX];
	if (web_tls_load(s->settings.tls_cert, s->settings.tls_key, err, sizeof err) != 0)
		web_log("error", "tls-reload-failed", "reason=\"%s\" action=\"keeping the current certificate\"", err);
	else
		web_log("info", "tls-reloaded", "cert=\"%s\"", s->settings.tls_cert);
}

void web_server_drain(struct web_server *s)
{
	for (unsigned i = 0; i < s->daemon_count; i++) {
		MHD_socket listen_fd = MHD_quiesce_daemon(s->daemons[i]);
		if (listen_fd != MHD_INVALID_SOCKET)
			close(listen_fd);
	}
	web_log("info", "draining", "timeout=%u connections=%u", s->settings.drain_timeout,
		open_connections(s));
	struct timespec tick = {0, 50 * 1000 * 1000};
	for (unsigned waited = 0; waited < s->settings.drain_timeout * 20u; waited++) {
		if (open_connections(s) == 0)
			break;
		nanosleep(&tick, NULL);
	}
	unsigned left = open_connections(s);
	free_server(s);
	web_log("info", "stopped", "connections_cut=%u", left);
}
