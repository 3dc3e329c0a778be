/* vntl-validate sync: keep a local trust store current from a vntl
 * publication (README "Keeping a trust store current").
 *
 * One run: a conditional GET of index.json (ETag / If-Modified-Since kept
 * in state.json); 304, or the same index, changes nothing. Otherwise the
 * index's JWS is verified against the pinned signer (libvntl), each list
 * whose SHA-256 changed is downloaded from its immutable path, and every
 * list is loaded with libvntl (schema, signature by the pinned signer,
 * freshness, rollback against the sequences of the current set); roots.pem
 * (named with its SHA-256 by the signed index) becomes anchors.pem once
 * each of its certificates is checked to be a service of the verified
 * lists whose status makes it an anchor now. All of it is written into a new generation directory, made current
 * in one rename (validate/sync_store.h). Any failure leaves DIR as it was. */
#include "validate/sync.h"

#include "common/file.h"
#include "common/hex.h"
#include "common/rfc3339.h"
#include "common/sizes.h"
#include "validate/list_services.h"
#include "validate/sync_store.h"
#include "validate/validate_cli.h"
#include "vntl.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_INDEX (4u << 20)
#define MAX_LIST (256u << 20)
/* DIR and its generations: room left in PATH_MAX for the names below them */
#define SYNC_PATH 2048
#define SYNC_MAX_PINS 16

struct sync_opts {
	const char *from, *signer, *out, *ca_file;
	long interval;
	unsigned char *signer_der;
	size_t signer_len;
};

/* --- HTTP ------------------------------------------------------------------ */

struct fetched {
	unsigned char *data;
	size_t len, cap, max;
	long status;
	char etag[256];
	char last_modified[128];
	int too_big;
};

static size_t on_body(char *ptr, size_t size, size_t n, void *arg)
{
	struct fetched *f = arg;
	size_t add = size * n;
	if (f->len + add > f->max) {
		f->too_big = 1;
		return 0;
	}
	if (f->len + add + 1 > f->cap) { /* doubling: a 16 MB list is not copied per chunk */
		size_t cap = f->cap ? f->cap : 65536;
		while (cap < f->len + add + 1)
			cap *= 2;
		unsigned char *grown = realloc(f->data, cap);
		if (!grown)
			return 0;
		f->data = grown;
		f->cap = cap;
	}
	memcpy(f->data + f->len, ptr, add);
	f->len += add;
	return add;
}

/* "Name: value\r\n" into out when the header is `name`. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name);
	if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	const char *v = line + n + 1;
	const char *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if ((size_t)(end - v) < outlen)
		snprintf(out, outlen, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct fetched *f = arg;
	header_value(line, size * n, "ETag", f->etag, sizeof f->etag);
	header_value(line, size * n, "Last-Modified", f->last_modified, sizeof f->last_modified);
	return size * n;
}

/* Every option a transfer's safety rests on, each checked: only http(s),
 * also after a redirect (the index is signed and each list named by its
 * SHA-256, so plain http carries nothing unverified), the peer verified,
 * bounded in time, the body into f. 0, or -1 when libcurl refused one. */
__attribute__((warn_unused_result))
static int set_options(CURL *c, const struct sync_opts *o, const char *url,
		       struct curl_slist *headers, struct fetched *f)
{
	int ok = curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http") == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https,http") == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_WRITEDATA, f) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_HEADERDATA, f) == CURLE_OK &&
		 curl_easy_setopt(c, CURLOPT_USERAGENT, "vntl-validate-sync/" VNTL_VERSION_STRING) == CURLE_OK &&
		 (!o->ca_file || curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file) == CURLE_OK);
	return ok ? 0 : -1;
}

/* GET url (conditional when etag or last_modified is given). 0 with
 * f->status 200 or 304; -1 with why. */
static int http_get(const struct sync_opts *o, const char *url, const char *etag,
		    const char *last_modified, size_t max, struct fetched *f, char *why,
		    size_t whylen)
{
	memset(f, 0, sizeof *f);
	f->max = max;
	CURL *c = curl_easy_init();
	struct curl_slist *headers = NULL;
	char line[512];
	if (etag && *etag) {
		snprintf(line, sizeof line, "If-None-Match: %s", etag);
		headers = curl_slist_append(headers, line);
	}
	if (last_modified && *last_modified) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", last_modified);
		headers = curl_slist_append(headers, line);
	}
	if (!c) {
		snprintf(why, whylen, "%s: cannot start libcurl", url);
		curl_slist_free_all(headers);
		return -1;
	}
	if (set_options(c, o, url, headers, f) != 0) {
		snprintf(why, whylen, "%s: libcurl refused the protocol, TLS, timeout or callback "
			 "settings: nothing was fetched", url);
		curl_slist_free_all(headers);
		curl_easy_cleanup(c);
		return -1;
	}
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &f->status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK || (f->status != 200 && f->status != 304)) {
		if (f->too_big)
			snprintf(why, whylen, "%s: larger than %zu bytes", url, max);
		else if (rc != CURLE_OK)
			snprintf(why, whylen, "%s: %s", url, curl_easy_strerror(rc));
		else
			snprintf(why, whylen, "%s: HTTP status %ld", url, f->status);
		free(f->data);
		f->data = NULL;
		return -1;
	}
	return 0;
}

/* --- the current set --------------------------------------------------------- */

/* The signers a run pins: the configured --signer, then those the store
 * learned from the signed index it accepted last (a rollover's next
 * signer, announced by a signer already pinned). */
struct pins {
	unsigned char *der[SYNC_MAX_PINS];
	size_t len[SYNC_MAX_PINS];
	size_t n;
};

struct run {
	const struct sync_opts *o;
	struct pins pins;
	char learned[SYNC_MAX_PINS][65]; /* SHA-256 of the pins the new set adds */
	size_t n_learned;
	char dir[SYNC_PATH];       /* DIR */
	char current[SYNC_PATH];   /* DIR/gen-… now current; "" when none */
	char gen[SYNC_PATH];       /* the generation being written; "" when none */
	json_t *state;            /* current state.json, or an empty object */
	vntl_index *index;
	int same_pin;             /* the current set was accepted under this --signer */
	char rule[64];
	char why[VNTL_ERR_MAX];
	int downloaded;
};

static int refuse(struct run *r, int code, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int refuse(struct run *r, int code, const char *rule, const char *fmt, ...)
{
	snprintf(r->rule, sizeof r->rule, "%s", rule);
	char why[sizeof r->why]; /* the arguments may be r->why itself */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	memcpy(r->why, why, sizeof why);
	return code;
}

static const char *state_str(json_t *state, const char *key)
{
	const char *v = json_string_value(json_object_get(state, key));
	return v ? v : "";
}

static json_t *state_list(json_t *state, const char *name)
{
	return json_object_get(json_object_get(state, "lists"), name);
}

/* Is any list of the current set past its NextUpdate? The message names it. */
static int current_is_stale(struct run *r, time_t now)
{
	const char *name;
	json_t *e;
	json_object_foreach(json_object_get(r->state, "lists"), name, e) {
		time_t next;
		if (rfc3339_parse_utc(json_string_value(json_object_get(e, "next_update")), &next) == 0 &&
		    next <= now) {
			refuse(r, SYNC_STALE, "list-stale",
			       "%s list sequence %lld in %s is past its NextUpdate %s and the server "
			       "offers nothing newer", name,
			       (long long)json_integer_value(json_object_get(e, "sequence")), r->dir,
			       json_string_value(json_object_get(e, "next_update")));
			return 1;
		}
	}
	return 0;
}

/* The bytes of `rel` in the current generation when they have SHA-256
 * `sha` (a list or roots.pem that did not change), else NULL. */
static unsigned char *reuse(struct run *r, const char *rel, const char *sha, size_t *len)
{
	if (!r->current[0])
		return NULL;
	char path[PATH_MAX], have[65];
	snprintf(path, sizeof path, "%s/%s", r->current, rel);
	unsigned char *data = NULL;
	if (file_read_all(path, MAX_LIST, &data, len) != 0)
		return NULL;
	sha256_hex(data, *len, have);
	if (strcmp(have, sha) != 0) {
		free(data);
		return NULL;
	}
	return data;
}

/* The file the signed index names at `path` with this SHA-256 and size:
 * from the current set when unchanged, else downloaded. Written into the
 * new generation as `rel`. */
static int obtain(struct run *r, const char *path, const char *rel, const char *sha,
		  long long size, const char *state_sha)
{
	size_t len = 0;
	unsigned char *data = strcmp(sha, state_sha) == 0 ? reuse(r, rel, sha, &len) : NULL;
	if (!data) {
		char url[PATH_MAX + 64];
		size_t n = strlen(r->o->from);
		snprintf(url, sizeof url, "%.*s/%s", (int)(n && r->o->from[n - 1] == '/' ? n - 1 : n),
			 r->o->from, path);
		struct fetched f;
		if (http_get(r->o, url, NULL, NULL, MAX_LIST, &f, r->why, sizeof r->why) != 0 ||
		    f.status != 200) {
			free(f.data);
			return refuse(r, SYNC_USAGE, "fetch-failed", "%s", r->why);
		}
		data = f.data;
		len = f.len;
		r->downloaded++;
		char have[65];
		sha256_hex(data, len, have);
		if (strcmp(have, sha) != 0 || (long long)len != size) {
			free(data);
			return refuse(r, SYNC_REFUSED, "list-digest-mismatch",
				      "%s: %zu bytes of SHA-256 %s, the signed index names %lld bytes of %s",
				      url, len, have, size, sha);
		}
	}
	int rc = store_write(r->gen, rel, data, len, r->why, sizeof r->why);
	free(data);
	return rc == 0 ? SYNC_OK : refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
}

/* --- verification of the new set --------------------------------------------- */

/* The rollback records of the current set, carried into the new one, so
 * that libvntl refuses a list older than one already accepted. */
static int carry_rollback_records(struct run *r)
{
	char from[PATH_MAX], to[PATH_MAX];
	snprintf(to, sizeof to, "%s/.rollback", r->gen);
	if (mkdir(to, 0755) != 0)
		return refuse(r, SYNC_USAGE, "store-failed", "%s: %s", to, strerror(errno));
	if (!r->current[0])
		return SYNC_OK;
	snprintf(from, sizeof from, "%s/.rollback", r->current);
	DIR *d = opendir(from);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char src[PATH_MAX + 256];
		snprintf(src, sizeof src, "%s/%s", from, e->d_name);
		unsigned char *data = NULL;
		size_t len = 0;
		char rel[300];
		snprintf(rel, sizeof rel, ".rollback/%s", e->d_name);
		int copied = file_read_all(src, 4096, &data, &len) == 0 &&
			     store_write(r->gen, rel, data, len, r->why, sizeof r->why) == 0;
		free(data);
		if (!copied) {
			closedir(d);
			return refuse(r, SYNC_USAGE, "store-failed", "cannot carry the rollback record %s "
				      "into the new set", src);
		}
	}
	if (d)
		closedir(d);
	return SYNC_OK;
}

/* Where the new generation holds list l. */
static void list_path(const struct run *r, const vntl_index_list *l, char path[PATH_MAX])
{
	snprintf(path, PATH_MAX, "%s/%s.xml", r->gen, l->name);
}

static int verify_lists(struct run *r, vntl_ctx *ctx)
{
	for (size_t i = 0; i < vntl_index_list_count(r->index); i++) {
		const vntl_index_list *l = vntl_index_list_at(r->index, i);
		json_t *last = state_list(r->state, l->name);
		long long last_seq = json_integer_value(json_object_get(last, "sequence"));
		if (last && l->sequence < last_seq)
			return refuse(r, SYNC_REFUSED, "sequence-rollback",
				      "the signed index names %s list sequence %lld, older than %lld in %s: "
				      "an older publication is being replayed", l->name, l->sequence,
				      last_seq, r->dir);
		char path[PATH_MAX];
		list_path(r, l, path);
		vntl_list_info info = { .size = sizeof info };
		vntl_error err = {"", ""};
		if (vntl_ctx_load_list(ctx, path, &info, &err) != VNTL_OK)
			return refuse(r, strcmp(err.rule, "list-expired") == 0 ? SYNC_STALE : SYNC_REFUSED,
				      err.rule, "%s list sequence %lld: %s", l->name, l->sequence, err.reason);
		if (info.sequence != l->sequence || info.issued != l->issued ||
		    info.next_update != l->next_update)
			return refuse(r, SYNC_REFUSED, "index-mismatch",
				      "%s list: the signed list (sequence %lld) is not what the signed "
				      "index names (sequence %lld, its dates)", l->name, info.sequence,
				      l->sequence);
	}
	return SYNC_OK;
}

/* One certificate of anchors.pem: its DER (never decoded whole: the checks
 * need only its SHA-256, certs/ its subject name hash) and the verified
 * service it was found to be. */
struct pem_anchor {
	unsigned char *der;
	long len;
	char sha256[65];
	const struct list_service *service;
	char *pem;                  /* its file in certs/: the PEM, */
	size_t pem_len;
	unsigned long subject_hash; /* named by the hash of its subject name */
};

static void free_pem_anchors(struct pem_anchor *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		OPENSSL_free(a[i].der);
		free(a[i].pem);
	}
	free(a);
}

/* The CERTIFICATE blocks of the PEM file `path`, each with its SHA-256;
 * -1 when the file cannot be read or holds another kind of block. */
static int read_pem_anchors(const char *path, struct pem_anchor **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	BIO *bio = BIO_new_file(path, "r");
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long len = 0;
	int rc = bio ? 0 : -1;
	while (rc == 0 && PEM_read_bio(bio, &name, &header, &der, &len) == 1) {
		struct pem_anchor *grown = strcmp(name, PEM_STRING_X509) == 0
			? realloc(*out, (*n + 1) * sizeof *grown) : NULL;
		if (grown) {
			*out = grown;
			grown[*n] = (struct pem_anchor){ .der = der, .len = len };
			sha256_hex(der, (size_t)len, grown[(*n)++].sha256);
			der = NULL;
		} else {
			rc = -1;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	ERR_clear_error(); /* the end of the file */
	BIO_free(bio);
	return rc;
}

static int by_sha256(const void *a, const void *b)
{
	return strcmp(((const struct list_service *)a)->sha256, ((const struct list_service *)b)->sha256);
}

/* A service of the (sorted) rows with this SHA-256 that anchors now. */
static const struct list_service *anchoring_service(const struct list_service *s, size_t n,
						    const char *sha)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(s[mid].sha256, sha) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; sha[0] && lo < n && strcmp(s[lo].sha256, sha) == 0; lo++)
		if (list_service_anchors(&s[lo]))
			return &s[lo];
	return NULL;
}

/* Every certificate of roots.pem must be a service of the verified lists
 * (loaded into ctx) that anchors chains now: anchors.pem never holds more
 * than the signed lists grant. Each anchor is matched with its service
 * (services, sorted, stay owned by the caller). */
static int check_anchors(struct run *r, const vntl_ctx *ctx, struct pem_anchor *anchors,
			 size_t n_anchors, struct list_service **services, size_t *n, time_t now)
{
	size_t n_lists = vntl_index_list_count(r->index);
	char (*labels)[64] = calloc(n_lists ? n_lists : 1, sizeof *labels);
	char (*paths)[PATH_MAX] = calloc(n_lists ? n_lists : 1, sizeof *paths);
	const char **sources = calloc(n_lists ? n_lists : 1, sizeof *sources);
	for (size_t i = 0; labels && paths && sources && i < n_lists; i++) {
		const vntl_index_list *l = vntl_index_list_at(r->index, i);
		snprintf(labels[i], sizeof labels[i], "%s", l->name);
		list_path(r, l, paths[i]); /* the source verify_lists loaded it from */
		sources[i] = paths[i];
	}
	vntl_error err = {"", ""};
	int rc = !labels || !paths || !sources ? refuse(r, SYNC_USAGE, "internal", "out of memory")
		 : list_services_read(ctx, now, sources, (const char (*)[64])labels, n_lists, services,
				      n, &err) != 0 ? refuse(r, SYNC_USAGE, err.rule, "%s", err.reason)
		 : SYNC_OK;
	if (rc == SYNC_OK && *n > 1)
		qsort(*services, *n, sizeof **services, by_sha256);
	for (size_t i = 0; rc == SYNC_OK && i < n_anchors; i++) {
		anchors[i].service = anchoring_service(*services, *n, anchors[i].sha256);
		if (!anchors[i].service) {
			const unsigned char *p = anchors[i].der;
			X509 *cert = d2i_X509(NULL, &p, anchors[i].len);
			char subject[256] = "(not a certificate)";
			if (cert)
				X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
			X509_free(cert);
			rc = refuse(r, SYNC_REFUSED, "anchor-not-in-lists",
				    "roots.pem holds %s (SHA-256 %s), which no service of the verified lists "
				    "makes an anchor now", subject, anchors[i].sha256);
		}
	}
	free(labels);
	free(paths);
	free(sources);
	return rc;
}

/* certs/<subject hash>.<n>, the anchors as an OpenSSL CApath: each the PEM
 * of a certificate of anchors.pem, named by the hash of its subject name
 * (the first free <n> of that hash), linked from the current generation
 * when that has the same file. Mostly the kernel creating 10,000 inodes
 * otherwise, so it runs on a thread of its own while the lists are verified:
 * into the new generation, which nothing reads before it is made current
 * and which is discarded when a check refuses the set. It starts once
 * libvntl (and through it xmlsec, its engines and OpenSSL's configuration)
 * is initialised: beside the verification it only decodes, hashes and
 * encodes with OpenSSL, which is safe on several threads. */
struct certs_writer {
	pthread_t thread;
	int started;
	const char *gen;
	const char *previous;  /* the current generation, "" when none */
	struct pem_anchor *anchors; /* the thread fills their pem and subject_hash */
	size_t n_anchors;
	int rc;                /* 0, or -1 with why */
	char why[VNTL_ERR_MAX];
};

/* Each anchor's PEM and subject name hash. 0, or -1 with why when one is
 * not a certificate (which check_anchors refuses first) or out of memory. */
static int prepare_cert_files(struct pem_anchor *anchors, size_t n, char *why, size_t whylen)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = bio ? 0 : -1;
	if (!bio)
		snprintf(why, whylen, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct pem_anchor *a = &anchors[i];
		vntl_error err = {"", ""};
		char *pem = NULL;
		long len = vntl_cert_subject_hash(a->der, (size_t)a->len, &a->subject_hash, &err) == VNTL_OK &&
				   BIO_reset(bio) == 1 &&
				   PEM_write_bio(bio, PEM_STRING_X509, "", a->der, a->len) > 0
			? BIO_get_mem_data(bio, &pem) : -1;
		a->pem = len > 0 ? malloc((size_t)len) : NULL;
		if (!a->pem) {
			snprintf(why, whylen, "roots.pem: the certificate %s cannot be written as a file of "
				 "certs/ (%s)", a->sha256, err.reason[0] ? err.reason : "out of memory");
			rc = -1;
			break;
		}
		memcpy(a->pem, pem, (size_t)len);
		a->pem_len = (size_t)len;
	}
	BIO_free(bio);
	return rc;
}

static int write_cert_file(struct certs_writer *w, int prevfd, int dirfd, const char *certs,
			   const struct pem_anchor *a)
{
	int rc = 1;
	for (int n = 0; rc == 1; n++) {
		char name[32];
		snprintf(name, sizeof name, "%08lx.%d", a->subject_hash, n);
		rc = store_reuse_or_create_at(prevfd, dirfd, certs, name, a->pem, a->pem_len, w->why,
					      sizeof w->why);
	}
	return rc;
}

static void *write_hashed_dir(void *arg)
{
	struct certs_writer *w = arg;
	char certs[PATH_MAX];
	snprintf(certs, sizeof certs, "%s/certs", w->gen);
	int dirfd = mkdir(certs, 0755) == 0 ? open(certs, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	char previous[PATH_MAX];
	snprintf(previous, sizeof previous, "%s/certs", w->previous);
	int prevfd = w->previous[0] ? open(previous, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	w->rc = dirfd >= 0 ? 0 : -1;
	if (w->rc != 0)
		snprintf(w->why, sizeof w->why, "%.1024s: %s", certs, strerror(errno));
	if (w->rc == 0)
		w->rc = prepare_cert_files(w->anchors, w->n_anchors, w->why, sizeof w->why);
	for (size_t i = 0; w->rc == 0 && i < w->n_anchors; i++)
		w->rc = write_cert_file(w, prevfd, dirfd, certs, &w->anchors[i]);
	if (prevfd >= 0)
		close(prevfd);
	if (dirfd >= 0)
		close(dirfd);
	return NULL; /* made durable with the whole generation */
}

/* On a thread when one can be started, else right here. */
static void start_certs_writer(struct certs_writer *w)
{
	w->started = pthread_create(&w->thread, NULL, write_hashed_dir, w) == 0;
	if (!w->started)
		write_hashed_dir(w);
}

/* Waits for the writer (always, before the generation can be discarded). */
static int finish_certs_writer(struct run *r, struct certs_writer *w, int rc)
{
	if (w->started)
		pthread_join(w->thread, NULL);
	w->started = 0;
	if (rc == SYNC_OK && w->rc != 0)
		rc = refuse(r, SYNC_USAGE, "store-failed", "%s", w->why);
	return rc;
}

/* --- pins ------------------------------------------------------------------------ */

static int pin_add(struct pins *p, const unsigned char *der, size_t len)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->len[i] == len && memcmp(p->der[i], der, len) == 0)
			return 0;
	if (p->n == SYNC_MAX_PINS || !(p->der[p->n] = malloc(len)))
		return -1;
	memcpy(p->der[p->n], der, len);
	p->len[p->n++] = len;
	return 0;
}

static void pins_free(struct pins *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->der[i]);
	p->n = 0;
}

/* --signer, then the signers the current set's signer.pem learned while
 * this same --signer was pinned (another --signer, an out-of-band re-pin,
 * starts again from it alone). */
static int load_pins(struct run *r)
{
	if (pin_add(&r->pins, r->o->signer_der, r->o->signer_len) != 0)
		return -1;
	char configured[65];
	sha256_hex(r->o->signer_der, r->o->signer_len, configured);
	r->same_pin = r->current[0] && strcmp(state_str(r->state, "configured_signer_sha256"), configured) == 0;
	if (!r->same_pin)
		return 0;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/signer.pem", r->current);
	FILE *f = fopen(path, "r");
	X509 *x;
	while (f && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);
		if (len > 0)
			pin_add(&r->pins, der, (size_t)len);
		OPENSSL_free(der);
		X509_free(x);
	}
	ERR_clear_error();
	if (f)
		fclose(f);
	return 0;
}

/* The pins the new set keeps: --signer, the index's own signer, and the
 * signers the accepted index announces (the next one of a rollover, or the
 * previous one, whose lists stay checkable). A signer announced no more
 * (retired) is dropped, unless it is --signer. */
static int next_pins(struct run *r, struct pins *next)
{
	if (pin_add(next, r->o->signer_der, r->o->signer_len) != 0)
		return -1;
	for (size_t i = 0; i < r->pins.n; i++) {
		char sha[65];
		sha256_hex(r->pins.der[i], r->pins.len[i], sha);
		if (strcmp(sha, vntl_index_signer_sha256(r->index)) == 0 &&
		    pin_add(next, r->pins.der[i], r->pins.len[i]) != 0)
			return -1;
	}
	for (size_t i = 0; i < vntl_index_announced_count(r->index); i++) {
		const vntl_index_signer *a = vntl_index_announced_at(r->index, i);
		if (pin_add(next, a->der, a->der_len) != 0)
			return -1;
	}
	return 0;
}

/* The pinned signers, kept with the set they verified: vntl-validate
 * anchors checks with them, and the next sync pins them. */
static int write_signer(struct run *r)
{
	struct pins next = {0};
	BIO *bio = BIO_new(BIO_s_mem());
	int ok = bio && next_pins(r, &next) == 0;
	for (size_t i = 0; ok && i < next.n; i++) {
		const unsigned char *p = next.der[i];
		X509 *cert = d2i_X509(NULL, &p, (long)next.len[i]);
		ok = cert && PEM_write_bio_X509(bio, cert) == 1;
		X509_free(cert);
	}
	for (size_t i = 0; ok && i < next.n; i++) {
		char sha[65];
		sha256_hex(next.der[i], next.len[i], sha);
		int known = 0;
		for (size_t j = 0; j < r->pins.n && !known; j++)
			known = r->pins.len[j] == next.len[i] && memcmp(r->pins.der[j], next.der[i], next.len[i]) == 0;
		if (!known && r->n_learned < SYNC_MAX_PINS)
			memcpy(r->learned[r->n_learned++], sha, sizeof sha);
	}
	char *pem = NULL;
	long len = ok ? BIO_get_mem_data(bio, &pem) : -1;
	int rc = len > 0 ? store_write(r->gen, "signer.pem", pem, (size_t)len, r->why, sizeof r->why) : -1;
	BIO_free(bio);
	pins_free(&next);
	return rc == 0 ? SYNC_OK : refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
}

static int write_state(struct run *r, const struct fetched *index, time_t now)
{
	char synced[32], index_sha[65];
	rfc3339_format(now, synced);
	sha256_hex(index->data, index->len, index_sha);
	json_t *lists = json_object();
	for (size_t i = 0; i < vntl_index_list_count(r->index); i++) {
		const vntl_index_list *l = vntl_index_list_at(r->index, i);
		char issued[32], next[32];
		rfc3339_format(l->issued, issued);
		rfc3339_format(l->next_update, next);
		json_object_set_new(lists, l->name,
				    json_pack("{s:I, s:s, s:s, s:s}", "sequence", (json_int_t)l->sequence,
					      "sha256", l->sha256, "issued", issued, "next_update", next));
	}
	char pem_sha[65];
	long long pem_size = 0;
	vntl_index_file(r->index, "roots.pem", pem_sha, &pem_size, NULL);
	char configured[65];
	sha256_hex(r->o->signer_der, r->o->signer_len, configured);
	json_t *state = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "format", 1,
				  "from", r->o->from, "synced", synced, "index_sha256", index_sha,
				  "etag", index->etag, "last_modified", index->last_modified,
				  "signer_sha256", vntl_index_signer_sha256(r->index), "lists", lists,
				  "anchors_sha256", pem_sha, "configured_signer_sha256", configured);
	char *text = state ? json_dumps(state, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(state);
	int rc = text ? store_write(r->gen, "state.json", text, strlen(text), r->why, sizeof r->why) : -1;
	free(text);
	return rc == 0 ? SYNC_OK : refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
}

/* Everything of the new set, into r->gen. */
static int build_generation(struct run *r, const struct fetched *index, time_t now)
{
	int rc = carry_rollback_records(r);
	for (size_t i = 0; rc == SYNC_OK && i < vntl_index_list_count(r->index); i++) {
		const vntl_index_list *l = vntl_index_list_at(r->index, i);
		char rel[32];
		snprintf(rel, sizeof rel, "%s.xml", l->name);
		rc = obtain(r, l->path, rel, l->sha256,
			    l->size, state_str(state_list(r->state, l->name), "sha256"));
	}
	char pem_sha[65];
	long long pem_size = 0;
	vntl_error err = {"", ""};
	if (rc == SYNC_OK && vntl_index_file(r->index, "roots.pem", pem_sha, &pem_size, &err) != VNTL_OK)
		rc = refuse(r, SYNC_REFUSED, err.rule, "%s", err.reason);
	if (rc == SYNC_OK)
		rc = obtain(r, "roots.pem", "anchors.pem", pem_sha, pem_size,
			    state_str(r->state, "anchors_sha256"));
	vntl_ctx *ctx = NULL;
	char cache[PATH_MAX];
	snprintf(cache, sizeof cache, "%s/.rollback", r->gen);
	if (rc == SYNC_OK &&
	    (vntl_ctx_new(&ctx, &err) != VNTL_OK || validate_ctx_defaults(ctx) ||
	     vntl_ctx_use_vntl_profile(ctx, &err) != VNTL_OK ||
	     vntl_ctx_set_cache_dir(ctx, cache, &err) != VNTL_OK))
		rc = refuse(r, SYNC_USAGE, err.rule, "%s", err.reason);
	for (size_t i = 0; rc == SYNC_OK && i < r->pins.n; i++)
		if (vntl_ctx_add_signer_der(ctx, r->pins.der[i], r->pins.len[i], &err) != VNTL_OK)
			rc = refuse(r, SYNC_USAGE, err.rule, "%s", err.reason);
	/* anchors.pem, read before the lists are verified (libvntl initialised
	 * by then) so that certs/ is written meanwhile; a malformed one is
	 * refused once they are */
	struct pem_anchor *anchors = NULL;
	size_t n_anchors = 0;
	int pem_ok = 0;
	struct certs_writer writer = { .gen = r->gen, .previous = r->current, .rc = -1 };
	if (rc == SYNC_OK) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/anchors.pem", r->gen);
		pem_ok = read_pem_anchors(path, &anchors, &n_anchors) == 0;
		writer.anchors = anchors;
		writer.n_anchors = n_anchors;
		if (pem_ok)
			start_certs_writer(&writer);
	}
	if (rc == SYNC_OK)
		rc = verify_lists(r, ctx);
	size_t n_services = 0;
	struct list_service *services = NULL;
	if (rc == SYNC_OK)
		rc = pem_ok ? check_anchors(r, ctx, anchors, n_anchors, &services, &n_services, now)
			    : refuse(r, SYNC_REFUSED, "anchors-malformed", "roots.pem is not a bundle of "
				     "PEM certificates");
	rc = finish_certs_writer(r, &writer, rc);
	free_pem_anchors(anchors, n_anchors);
	list_services_free(services, n_services);
	vntl_ctx_free(ctx);
	if (rc == SYNC_OK)
		rc = write_signer(r);
	if (rc == SYNC_OK)
		rc = write_state(r, index, now);
	if (rc == SYNC_OK && store_sync_generation(r->gen, r->why, sizeof r->why) != 0)
		rc = refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
	return rc;
}

/* --- one run ------------------------------------------------------------------ */

static int load_state(struct run *r)
{
	r->state = NULL;
	if (store_current(r->dir, r->current, sizeof r->current) == 0) {
		char path[VNTL_PATH_MAX];
		snprintf(path, sizeof path, "%s/state.json", r->current);
		r->state = json_load_file(path, 0, NULL);
		if (!json_is_object(r->state)) {
			json_decref(r->state);
			r->state = NULL;
			r->current[0] = '\0'; /* unreadable: synced again from nothing */
		}
	}
	if (!r->state)
		r->state = json_object();
	return r->state ? 0 : -1;
}

static int sync_once(const struct sync_opts *o, struct run *r)
{
	memset(r, 0, sizeof *r);
	r->o = o;
	snprintf(r->dir, sizeof r->dir, "%s", o->out);
	time_t now = time(NULL);
	if (load_state(r) != 0 || load_pins(r) != 0)
		return refuse(r, SYNC_USAGE, "internal", "out of memory");
	char url[PATH_MAX];
	size_t n = strlen(o->from);
	snprintf(url, sizeof url, "%.*s/index.json", (int)(n && o->from[n - 1] == '/' ? n - 1 : n), o->from);
	struct fetched index;
	/* Under another pin nothing the old one accepted counts: no conditional
	 * GET, no "same index" shortcut; the index is checked against the pin. */
	if (http_get(o, url, r->same_pin ? state_str(r->state, "etag") : "",
		     r->same_pin ? state_str(r->state, "last_modified") : "", MAX_INDEX, &index, r->why,
		     sizeof r->why) != 0)
		return refuse(r, SYNC_USAGE, "fetch-failed", "%s", r->why);
	char index_sha[65] = "";
	if (index.status == 200)
		sha256_hex(index.data, index.len, index_sha);
	if (r->same_pin &&
	    (index.status == 304 || (index_sha[0] && strcmp(index_sha, state_str(r->state, "index_sha256")) == 0))) {
		free(index.data);
		printf("sync: %s: nothing changed (%s)\n", o->out, index.status == 304 ? "304" : "same index");
		return current_is_stale(r, now) ? SYNC_STALE : SYNC_OK;
	}
	vntl_error err = {"", ""};
	if (vntl_index_verify(index.data, index.len, (const unsigned char *const *)r->pins.der, r->pins.len,
			      r->pins.n, &r->index, &err) != VNTL_OK) {
		free(index.data);
		return refuse(r, SYNC_REFUSED, err.rule, "%s: %s", url, err.reason);
	}
	int rc = store_new_generation(o->out, r->gen, sizeof r->gen, r->why, sizeof r->why) == 0
		? build_generation(r, &index, now) : refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
	if (rc == SYNC_OK && store_commit(o->out, r->gen, r->why, sizeof r->why) != 0)
		rc = refuse(r, SYNC_USAGE, "store-failed", "%s", r->why);
	if (rc != SYNC_OK && r->gen[0])
		store_discard(r->gen);
	if (rc == SYNC_OK) {
		printf("sync: %s:", o->out);
		for (size_t i = 0; i < vntl_index_list_count(r->index); i++) {
			const vntl_index_list *l = vntl_index_list_at(r->index, i);
			printf(" %s %lld%s", l->name, l->sequence,
			       i + 1 < vntl_index_list_count(r->index) ? "," : "");
		}
		printf(" (%d files downloaded)\n", r->downloaded);
		for (size_t i = 0; i < r->n_learned; i++)
			printf("sync: %s: pinned the signer %s that the signed index announces\n", o->out, r->learned[i]);
	}
	free(index.data);
	return rc;
}

static void run_free(struct run *r)
{
	json_decref(r->state);
	vntl_index_free(r->index);
	pins_free(&r->pins);
	r->state = NULL;
	r->index = NULL;
}

/* One sync at a time per DIR: a second one waits for the first. */
static int lock_dir(const char *dir)
{
	mkdir(dir, 0755); /* (else open fails and says why) */
	char path[PATH_MAX];
	int fd = path_join(path, sizeof path, dir, ".lock") == 0
			 ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)
			 : -1;
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The store's own names (a generation, its .rollback/ and certs/ entries)
 * take at most this much beyond DIR, so that a DIR within the bound makes
 * every path of the store fit; a longer one is refused before anything. */
#define STORE_NAMES_ROOM 512

static int sync_and_report(const struct sync_opts *o)
{
	if (strlen(o->out) >= PATH_MAX - STORE_NAMES_ROOM) {
		fprintf(stderr, "vntl-validate: sync: the store directory's path is too long (at most %d bytes)\n",
			PATH_MAX - STORE_NAMES_ROOM - 1);
		return SYNC_USAGE;
	}
	int lock = lock_dir(o->out);
	if (lock < 0) {
		fprintf(stderr, "vntl-validate: sync: %s: cannot lock it (%s)\n", o->out, strerror(errno));
		return SYNC_USAGE;
	}
	struct run r;
	int rc = sync_once(o, &r);
	if (rc != SYNC_OK)
		fprintf(stderr, "vntl-validate: sync: %s (%s): %s%s\n",
			rc == SYNC_STALE ? "stale" : "refused", r.rule, r.why,
			rc == SYNC_STALE || !r.gen[0] ? "" : "; the trust store was left as it was");
	fflush(stdout);
	run_free(&r);
	close(lock);
	return rc;
}

/* --- options and the loop --------------------------------------------------------- */

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int read_signer(struct sync_opts *o)
{
	FILE *f = fopen(o->signer, "r");
	X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	unsigned char *der = NULL;
	int len = cert ? i2d_X509(cert, &der) : -1;
	X509_free(cert);
	if (len <= 0) {
		fprintf(stderr, "vntl-validate: sync: --signer %s: no PEM certificate in it\n", o->signer);
		return -1;
	}
	o->signer_der = der;
	o->signer_len = (size_t)len;
	return 0;
}

static const char sync_usage[] =
    "usage: vntl-validate sync --from URL --signer PEM --out DIR [--ca-file PEM]\n"
    "           [--interval SECONDS]\n"
    "exit: 0 synced or nothing changed, 1 refused (DIR untouched), 3 usage or fetch\n"
    "      failure (DIR untouched), 4 stale: a list is past its NextUpdate\n";

int validate_sync_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"signer", required_argument, NULL, 's'},
		{"out", required_argument, NULL, 'o'}, {"ca-file", required_argument, NULL, 'c'},
		{"interval", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct sync_opts o = {0};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;
		switch (c) {
		case 'f': o.from = optarg; break;
		case 's': o.signer = optarg; break;
		case 'o': o.out = optarg; break;
		case 'c': o.ca_file = optarg; break;
		case 'i':
			o.interval = strtol(optarg, &end, 10);
			if (!*optarg || *end || o.interval < 1 || o.interval > 7 * 86400) {
				fprintf(stderr, "vntl-validate: sync: --interval takes seconds, 1 to 604800\n");
				return SYNC_USAGE;
			}
			break;
		case 'h': fputs(sync_usage, stdout); return SYNC_OK;
		default:
			fprintf(stderr, "vntl-validate: sync: unknown option or missing value: %s\n%s",
				argv[optind - 1], sync_usage);
			return SYNC_USAGE;
		}
	}
	if (!o.from || !o.signer || !o.out || optind != argc) {
		fprintf(stderr, "vntl-validate: sync: --from, --signer and --out are required\n%s", sync_usage);
		return SYNC_USAGE;
	}
	if (read_signer(&o) != 0)
		return SYNC_USAGE;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = sync_and_report(&o);
	if (o.interval) {
		signal(SIGTERM, on_stop);
		signal(SIGINT, on_stop);
		srand((unsigned)(time(NULL) ^ getpid()));
		while (!stopping) {
			/* up to 10% of jitter, so that pollers do not come in step */
			long wait = o.interval + rand() % (o.interval / 10 + 1);
			for (long s = 0; s < wait && !stopping; s++)
				sleep(1);
			if (!stopping)
				rc = sync_and_report(&o);
		}
	}
	curl_global_cleanup();
	OPENSSL_free(o.signer_der);
	return rc;
}
