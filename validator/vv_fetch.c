/* https:// fetches with libcurl: TLS verification on, timeouts, a size
 * limit, conditional GET against the cache directory, and fallback to the
 * cached copy when the server cannot be reached (logged; the list's own
 * NextUpdate still decides whether that copy is fresh enough). */
#include "vv_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

struct body {
	unsigned char *data;
	size_t len, max;
	int too_big;
};

struct validators {
	char etag[256];
	char last_modified[128];
};

static size_t on_body(char *ptr, size_t size, size_t n, void *user)
{
	struct body *b = user;
	size_t add = size * n;
	if (b->len + add > b->max) {
		b->too_big = 1;
		return 0;
	}
	unsigned char *grown = realloc(b->data, b->len + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, ptr, add);
	b->data = grown;
	b->len += add;
	b->data[b->len] = 0;
	return add;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0)
		return;
	const char *v = line + nl;
	size_t vl = len - nl;
	while (vl && (*v == ' ' || *v == '\t')) { v++; vl--; }
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
	snprintf(out, outlen, "%.*s", (int)vl, v);
}

static size_t on_header(char *line, size_t size, size_t n, void *user)
{
	struct validators *v = user;
	header_value(line, size * n, "ETag:", v->etag, sizeof v->etag);
	header_value(line, size * n, "Last-Modified:", v->last_modified, sizeof v->last_modified);
	return size * n;
}

static int cache_paths(const char *dir, const char *url, char *body, char *meta, size_t len)
{
	char hex[65];
	if (vv_sha256_hex((const unsigned char *)url, strlen(url), hex) != 0)
		return -1;
	snprintf(body, len, "%s/fetch-%.32s.body", dir, hex);
	snprintf(meta, len, "%s/fetch-%.32s.meta", dir, hex);
	return 0;
}

static void read_meta(const char *path, struct validators *v)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "etag ", 5) == 0)
			snprintf(v->etag, sizeof v->etag, "%.250s", line + 5);
		else if (strncmp(line, "last-modified ", 14) == 0)
			snprintf(v->last_modified, sizeof v->last_modified, "%.120s", line + 14);
	}
	fclose(f);
}

static long perform(const vntl_ctx *ctx, const char *url, const struct validators *cached,
                    struct body *b, struct validators *fresh, char *errbuf)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(errbuf, CURL_ERROR_SIZE, "curl_easy_init failed");
		return -1;
	}
	struct curl_slist *headers = NULL;
	char h[400];
	if (cached->etag[0]) {
		snprintf(h, sizeof h, "If-None-Match: %s", cached->etag);
		headers = curl_slist_append(headers, h);
	}
	if (cached->last_modified[0]) {
		snprintf(h, sizeof h, "If-Modified-Since: %s", cached->last_modified);
		headers = curl_slist_append(headers, h);
	}
	/* every option checked: without the https restriction, the timeouts
	 * or the size bound the fetch must not go ahead */
	if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK || vv_curl_restrict(ctx, curl, "https") != 0 ||
	    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b->max) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, ctx->connect_timeout ? ctx->connect_timeout : 10L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_TIMEOUT, ctx->total_timeout ? ctx->total_timeout : 60L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, b) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_HEADERDATA, fresh) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
		snprintf(errbuf, CURL_ERROR_SIZE, "libcurl refused the URL or the https, TLS, size, "
		         "timeout or callback settings: nothing was fetched");
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		return -1;
	}
	long code = -1;
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	else if (!errbuf[0])
		snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return code;
}

vntl_status vv_fetch_keep(const vntl_ctx *ctx, const char *url, const unsigned char *data,
                          size_t len, const vv_fetch_state *fs, vntl_error *err)
{
	if (!ctx->cache_dir || !fs->downloaded)
		return VNTL_OK;
	char body_path[VV_PATH_MAX], meta_path[VV_PATH_MAX], meta[512];
	if (cache_paths(ctx->cache_dir, url, body_path, meta_path, sizeof body_path) != 0)
		return vv_fail(err, VNTL_ERR_INTERNAL, "digest-failed", "SHA-256 of %s for its cache name", url);
	int n = snprintf(meta, sizeof meta, "etag %s\nlast-modified %s\n", fs->etag, fs->last_modified);
	vntl_status st = vv_cache_write(body_path, data, len, err);
	return st == VNTL_OK ? vv_cache_write(meta_path, meta, (size_t)n, err) : st;
}

vntl_status vv_fetch(const vntl_ctx *ctx, const char *url, unsigned char **data, size_t *len,
                     vv_fetch_state *fs, vntl_error *err)
{
	memset(fs, 0, sizeof *fs);
	char body_path[VV_PATH_MAX] = "", meta_path[VV_PATH_MAX] = "";
	struct validators cached = { 0 }, fresh = { 0 };
	if (ctx->cache_dir) {
		if (cache_paths(ctx->cache_dir, url, body_path, meta_path, sizeof body_path) != 0)
			return vv_fail(err, VNTL_ERR_INTERNAL, "digest-failed", "SHA-256 of %s for its cache name", url);
		read_meta(meta_path, &cached);
	}
	struct body b = { .max = ctx->max_list_size };
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = perform(ctx, url, &cached, &b, &fresh, errbuf);
	if (code == 200) {
		vv_log(ctx, VNTL_LOG_INFO, "fetch", "url=%s status=200 bytes=%zu", url, b.len);
		fs->downloaded = 1;
		snprintf(fs->etag, sizeof fs->etag, "%s", fresh.etag);
		snprintf(fs->last_modified, sizeof fs->last_modified, "%s", fresh.last_modified);
		*data = b.data;
		*len = b.len;
		return VNTL_OK;
	}
	free(b.data);
	if (b.too_big)
		return vv_fail(err, VNTL_ERR_REFUSED, "size-limit", "%s is larger than %zu bytes", url,
		               ctx->max_list_size);
	if (!ctx->cache_dir || vv_read_file(body_path, ctx->max_list_size, data, len, NULL) != VNTL_OK) {
		if (code == 304)
			return vv_fail(err, VNTL_ERR_INPUT, "fetch-failed",
			               "%s answered 304 but the cached copy is gone", url);
		return vv_fail(err, VNTL_ERR_INPUT, "fetch-failed", "fetching %s failed (%s) and no "
		               "cached copy exists", url, code > 0 ? "unexpected HTTP status" : errbuf);
	}
	if (code == 304)
		vv_log(ctx, VNTL_LOG_INFO, "fetch", "url=%s status=304 cached copy used", url);
	else {
		fs->from_cache = 1;
		vv_log(ctx, VNTL_LOG_WARNING, "fetch-failed-using-cache", "url=%s http=%ld error=%s", url, code, errbuf);
	}
	return VNTL_OK;
}
