/* The human page at "/": the current lists as HTML (Vietnamese and
 * English), rendered once per publication from the published XML.
 *
 * Renderers return the malloc'd document, or NULL when out of memory.
 */
#ifndef VNTL_WEB_HTML_H
#define VNTL_WEB_HTML_H

#include "web/publication.h"

#include <stddef.h>

/* Renders the page for `pub`; returns a malloc'ed UTF-8 document and its
 * length, or NULL when out of memory. A list that cannot be parsed is
 * shown as such, never skipped silently. */
char *web_html_render(const struct web_publication *pub, size_t *len);

/* The page's service rows kept for search: each row's HTML, its
 * provider's and list's names, and its text without tags (lowercase). */
struct web_html_row {
	char list[16];
	char *tsp_html, *row_html, *text;
};
struct web_html_index {
	struct web_html_row *rows;
	size_t count, cap;
};

/* web_html_render, also filling `index` (may be NULL). */
char *web_html_render_indexed(const struct web_publication *pub, size_t *len, struct web_html_index *index);
void web_html_index_free(struct web_html_index *index);

/* The search page for `query` (NULL or "": only the form): the rows whose
 * text holds it, ASCII case ignored, at most WEB_HTML_SEARCH_MAX. Works
 * without JavaScript (a GET form). NULL when out of memory. */
#define WEB_HTML_SEARCH_MAX 200
#define WEB_HTML_QUERY_MAX 200
char *web_html_search(const struct web_html_index *index, const char *query, size_t *len);

#endif
