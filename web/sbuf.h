/* A growing text buffer for pages and JSON bodies built in memory. An
 * allocation failure is remembered and reported once, at the end.
 *
 * Appending returns nothing: a failure is remembered and sbuf_finish returns
 * NULL for it.
 */
#ifndef VNTL_WEB_SBUF_H
#define VNTL_WEB_SBUF_H

#include <stddef.h>

struct sbuf {
	char *data;
	size_t len, cap;
	int failed;
};

void sbuf_add(struct sbuf *b, const char *text);
void sbuf_addn(struct sbuf *b, const char *text, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `text` with & < > " ' escaped for HTML text and attributes. */
void sbuf_add_html(struct sbuf *b, const char *text);
/* Hands the NUL-terminated text to the caller (NULL if anything failed). */
char *sbuf_finish(struct sbuf *b, size_t *len);
void sbuf_free(struct sbuf *b);

#endif
