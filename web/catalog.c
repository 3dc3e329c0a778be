/* Responses built once per publication (see catalog.h). */
#include "web/catalog.h"

#include "web/html.h"
#include "web/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum web_path_class classify(const char *name)
{
	if (strncmp(name, "certs/", 6) == 0)
		return WEB_PATH_CERT;
	if (strchr(name, '/'))
		return WEB_PATH_ARCHIVE;
	if (strcmp(name, "index.json") == 0)
		return WEB_PATH_INDEX;
	size_t n = strlen(name);
	if (n > 4 && strcmp(name + n - 4, ".xml") == 0)
		return WEB_PATH_LIST;
	return WEB_PATH_PEM;
}

static int add_headers(struct MHD_Response *r, const struct web_entry *e, const char *cache_control)
{
	char date[WEB_HTTP_DATE_LEN];
	web_http_format_date(e->last_modified, date);
	return MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, e->etag) == MHD_YES &&
	       MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, date) == MHD_YES &&
	       MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control) == MHD_YES &&
	       MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
	       MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000") == MHD_YES;
}

static void cache_control(enum web_path_class cls, long max_age, char cache[64])
{
	if (cls == WEB_PATH_ARCHIVE || cls == WEB_PATH_CERT)
		snprintf(cache, 64, "public, max-age=31536000, immutable");
	else
		snprintf(cache, 64, "public, max-age=%ld", max_age);
}

static struct MHD_Response *json_error(const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								  MHD_RESPMEM_PERSISTENT);
	if (r && (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES ||
		  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES)) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

/* While the set is built from archive versions, index.json and the files it
 * names are not served: nothing signed vouches for them. */
static int build_withheld(struct web_entry *e, const struct web_file *f, enum web_path_class cls)
{
	e->file = f;
	e->cls = cls;
	e->status = MHD_HTTP_SERVICE_UNAVAILABLE;
	e->ok = json_error("{\"error\":\"publication-degraded\",\"message\":\"not served while the "
			   "publication does not verify and vntld serves the newest verified archive "
			   "versions; see /healthz\"}\n");
	return e->ok ? 0 : -1;
}

static int build_entry(struct web_entry *e, const struct web_file *f, enum web_path_class cls,
		       const char *content_type, long max_age)
{
	if (f->withheld)
		return build_withheld(e, f, cls);
	e->file = f;
	e->cls = cls;
	e->status = MHD_HTTP_OK;
	e->last_modified = f->mtime;
	snprintf(e->etag, sizeof e->etag, "\"%s\"", f->sha256);
	char cache[64];
	cache_control(cls, max_age, cache);
	/* The bytes belong to the publication, which outlives every response
	 * queued from this catalog (requests hold a reference). */
	e->ok = MHD_create_response_from_buffer(f->len, f->data, MHD_RESPMEM_PERSISTENT);
	e->not_modified = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (!e->ok || !e->not_modified || !add_headers(e->ok, e, cache) ||
	    !add_headers(e->not_modified, e, cache) ||
	    MHD_add_response_header(e->ok, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES)
		return -1;
	return 0;
}

static void destroy(struct web_catalog *cat)
{
	if (cat->entries) {
		for (size_t i = 0; i < cat->pub->file_count; i++) {
			if (cat->entries[i].ok)
				MHD_destroy_response(cat->entries[i].ok);
			if (cat->entries[i].not_modified)
				MHD_destroy_response(cat->entries[i].not_modified);
		}
	}
	if (cat->page.ok)
		MHD_destroy_response(cat->page.ok);
	if (cat->page.not_modified)
		MHD_destroy_response(cat->page.not_modified);
	free(cat->page_file.data);
	web_html_index_free(&cat->search);
	free(cat->entries);
	web_publication_free(cat->pub);
	free(cat);
}

static int build_page(struct web_catalog *cat, long max_age)
{
	struct web_file *pf = &cat->page_file;
	pf->name = NULL;
	pf->data = (unsigned char *)web_html_render_indexed(cat->pub, &pf->len, &cat->search);
	if (!pf->data)
		return -1;
	sha256_hex(pf->data, pf->len, pf->sha256);
	/* The page changes only with the publication it shows. */
	time_t newest = 0;
	for (size_t i = 0; i < cat->pub->file_count; i++)
		if (cat->pub->files[i].mtime > newest)
			newest = cat->pub->files[i].mtime;
	pf->mtime = newest;
	return build_entry(&cat->page, pf, WEB_PATH_PAGE, "text/html; charset=utf-8", max_age);
}

struct web_catalog *web_catalog_build(struct web_publication *pub, long max_age)
{
	struct web_catalog *cat = calloc(1, sizeof *cat);
	if (!cat) {
		web_publication_free(pub);
		return NULL;
	}
	cat->pub = pub;
	atomic_init(&cat->refs, 1);
	cat->entries = calloc(pub->file_count ? pub->file_count : 1, sizeof *cat->entries);
	int rc = cat->entries ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < pub->file_count; i++) {
		const struct web_file *f = &pub->files[i];
		rc = build_entry(&cat->entries[i], f, classify(f->name),
				 web_http_content_type(f->name), max_age);
	}
	if (rc == 0)
		rc = build_page(cat, max_age);

	if (rc != 0) {
		destroy(cat);
		return NULL;
	}
	return cat;
}

const struct web_entry *web_catalog_lookup(const struct web_catalog *cat, const char *url)
{
	if (url[0] != '/')
		return NULL;
	if (url[1] == '\0')
		return &cat->page;
	const struct web_file *f = web_publication_find(cat->pub, url + 1);
	return f ? &cat->entries[f - cat->pub->files] : NULL;
}

/* A 200 or 304 built for one request around bytes it owns. */
static struct MHD_Response *archive_response(struct web_file *f, int not_modified)
{
	struct web_entry e = {.file = f, .cls = WEB_PATH_ARCHIVE, .last_modified = f->mtime};
	snprintf(e.etag, sizeof e.etag, "\"%s\"", f->sha256);
	char cache[64];
	cache_control(WEB_PATH_ARCHIVE, 0, cache);
	struct MHD_Response *r;
	if (not_modified) {
		free(f->data);
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	} else {
		r = MHD_create_response_from_buffer(f->len, f->data, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(f->data);
	}
	f->data = NULL;
	if (r && (!add_headers(r, &e, cache) ||
		  (!not_modified && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
							    "application/vnd.etsi.tsl+xml") != MHD_YES))) {
		MHD_destroy_response(r);
		return NULL;
	}
	return r;
}

int web_catalog_archive(const struct web_catalog *cat, const char *url, const char *inm,
			const char *ims, int is_head, unsigned *status,
			struct MHD_Response **response, uint64_t *bytes, int *rejected)
{
	*bytes = 0;
	*response = NULL;
	struct web_file f;
	enum web_archive_result r = url[0] == '/'
		? web_publication_read_archive(cat->pub, url + 1, &f, rejected) : WEB_ARCHIVE_NONE;
	if (r == WEB_ARCHIVE_NONE)
		return 0;
	if (r == WEB_ARCHIVE_REFUSED) {
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		*response = json_error("{\"error\":\"file-rejected\",\"message\":\"this archive version "
				       "on disk does not verify (see the server log); it is not served\"}\n");
		return 1;
	}
	char etag[68];
	snprintf(etag, sizeof etag, "\"%s\"", f.sha256);
	int not_modified = (inm || ims) && web_http_not_modified(inm, ims, etag, f.mtime);
	*status = not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	*bytes = not_modified || is_head ? 0 : f.len;
	*response = archive_response(&f, not_modified);
	return 1;
}

void web_catalog_hold(struct web_catalog *cat)
{
	atomic_fetch_add_explicit(&cat->refs, 1, memory_order_relaxed);
}

void web_catalog_release(struct web_catalog *cat)
{
	if (cat && atomic_fetch_sub_explicit(&cat->refs, 1, memory_order_acq_rel) == 1)
		destroy(cat);
}
