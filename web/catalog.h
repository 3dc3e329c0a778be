/* What the server answers for one publication: every file with its 200 and
 * 304 responses built once, plus the rendered page. Immutable once built
 * and reference-counted, so a download that started on one catalog
 * finishes on it while new requests already get the next one.
 *
 * Constructors and lookups return NULL on failure or when nothing matches;
 * web_catalog_archive returns 1 with an answer, 0 when `url` is no archive on disk.
 */
#ifndef VNTL_WEB_CATALOG_H
#define VNTL_WEB_CATALOG_H

#include "web/html.h"
#include "web/metrics.h"
#include "web/publication.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdint.h>

struct web_entry {
	const struct web_file *file;
	enum web_path_class cls;
	unsigned status;                   /* 200, or 503 for a withheld file */
	struct MHD_Response *ok;           /* `status` with the bytes (or the error) */
	struct MHD_Response *not_modified; /* 304; NULL for a withheld file */
	char etag[68];                     /* "\"<sha256>\"" */
	time_t last_modified;
};

struct web_catalog {
	atomic_int refs;
	struct web_publication *pub;
	struct web_entry *entries;  /* parallel to pub->files */
	struct web_file page_file;  /* the HTML page */
	struct web_entry page;
	struct web_html_index search;  /* the page's rows, for /search */
};

/* Builds the catalog of `pub`, taking ownership of it (also on failure).
 * `max_age` is the Cache-Control max-age of files that change with each
 * publication; archived versions and certificates are immutable. */
struct web_catalog *web_catalog_build(struct web_publication *pub, long max_age);

/* The entry answering `url` ("/" for the page), or NULL. Only names that
 * are in the set match; nothing is looked up on disk. */
const struct web_entry *web_catalog_lookup(const struct web_catalog *cat, const char *url);

/* An archive version (`url` "/<list>/<seq>.xml", older than the current
 * one) read from disk for this request: returns 1 and fills the status to
 * answer, the response (the caller queues and destroys it; NULL when out
 * of memory) and the body bytes; *rejected is 1 when this request found it refused and logged it.
 * Returns 0 when `url` is no archive version on disk (404). */
int web_catalog_archive(const struct web_catalog *cat, const char *url, const char *if_none_match,
			const char *if_modified_since, int is_head, unsigned *status,
			struct MHD_Response **response, uint64_t *bytes, int *rejected);

void web_catalog_hold(struct web_catalog *cat);
void web_catalog_release(struct web_catalog *cat);

#endif
