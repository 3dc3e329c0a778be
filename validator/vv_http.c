/* Plain HTTP(S) exchanges for revocation data (OCSP requests, CRL
 * downloads): bounded size, timeouts, TLS verification on.  Plain http is
 * allowed here only because OCSP responses and CRLs are signed objects. */
#include "vv_internal.h"

#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

struct sink {
	unsigned char *data;
	size_t len, cap, max; /* cap: allocated, one byte kept for a NUL */
};

/* Grows by doubling (up to max + 1): a CRL of tens of MiB arrives in
 * 16 KiB pieces, and growing by each piece would copy it over and over. */
static size_t on_data(char *ptr, size_t size, size_t n, void *user)
{
	struct sink *s = user;
	size_t add = size * n;
	if (add > s->max - s->len)
		return 0;
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 16384;
		while (cap < s->len + add + 1)
			cap *= 2;
		if (cap > s->max + 1)
			cap = s->max + 1;
		unsigned char *grown = realloc(s->data, cap);
		if (!grown)
			return 0;
		s->data = grown;
		s->cap = cap;
	}
	memcpy(s->data + s->len, ptr, add);
	s->len += add;
	return add;
}

int vv_curl_restrict(const vntl_ctx *ctx, void *curl, const char *protocols)
{
	int ok = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols) == CURLE_OK &&
	         curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols) == CURLE_OK &&
	         curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
	         curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
	         (!ctx->tls_ca_file || curl_easy_setopt(curl, CURLOPT_CAINFO, ctx->tls_ca_file) == CURLE_OK);
	return ok ? 0 : -1;
}

int vv_http_exchange(const vntl_ctx *ctx, const char *url, const unsigned char *body,
                     size_t body_len, const char *content_type, size_t max,
                     unsigned char **data, size_t *len, char *why, size_t why_len)
{
	*data = NULL;
	*len = 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(why, why_len, "unsupported URL scheme in %.200s", url);
		return 0;
	}
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(why, why_len, "curl_easy_init failed");
		return 0;
	}
	struct sink s = { .max = max };
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", ctype[128];
	if (body) {
		snprintf(ctype, sizeof ctype, "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, ctype);
	}
	/* every option checked: a transfer without its restrictions, time
	 * bounds or sink must not run */
	if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK ||
	    vv_curl_restrict(ctx, curl, "http,https") != 0 ||
	    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, ctx->connect_timeout ? ctx->connect_timeout : 5L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_TIMEOUT, ctx->total_timeout ? ctx->total_timeout : 15L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s) != CURLE_OK ||
	    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    (body && (!headers || curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
	              curl_easy_setopt(curl, CURLOPT_POSTFIELDS, (const char *)body) != CURLE_OK ||
	              curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len) != CURLE_OK))) {
		snprintf(why, why_len, "libcurl refused the URL or the protocol, TLS, timeout or "
		         "request settings: nothing was fetched");
		curl_slist_free_all(headers);
		curl_easy_cleanup(curl);
		return 0;
	}
	long code = 0;
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	if (rc != CURLE_OK || code != 200) {
		snprintf(why, why_len, "%.200s: %s", url,
		         rc != CURLE_OK ? (errbuf[0] ? errbuf : curl_easy_strerror(rc)) : "HTTP status not 200");
		free(s.data);
		return 0;
	}
	*data = s.data;
	*len = s.len;
	return 1;
}
