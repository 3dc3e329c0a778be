/* The human page at "/": the current lists as HTML (Vietnamese and
 * English), rendered once per publication from the published XML. */
#ifndef VNTL_WEB_HTML_H
#define VNTL_WEB_HTML_H

#include "web/publication.h"

#include <stddef.h>

/* Renders the page for `pub`; returns a malloc'ed UTF-8 document and its
 * length, or NULL when out of memory. A list that cannot be parsed is
 * shown as such, never skipped silently. */
char *web_html_render(const struct web_publication *pub, size_t *len);

#endif
