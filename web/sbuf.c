/* Growing text buffer (see sbuf.h). */
#include "web/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(struct sbuf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *grown = realloc(b->data, cap);
	if (!grown) {
		b->failed = 1;
		return -1;
	}
	b->data = grown;
	b->cap = cap;
	return 0;
}

void sbuf_addn(struct sbuf *b, const char *text, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, text, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sbuf_add(struct sbuf *b, const char *text)
{
	sbuf_addn(b, text, strlen(text));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != 0) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sbuf_add_html(struct sbuf *b, const char *text)
{
	const char *start = text;
	for (const char *p = text; *p; p++) {
		const char *entity = NULL;
		switch (*p) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: break;
		}
		if (entity) {
			sbuf_addn(b, start, (size_t)(p - start));
			sbuf_add(b, entity);
			start = p + 1;
		}
	}
	sbuf_add(b, start);
}

char *sbuf_finish(struct sbuf *b, size_t *len)
{
	if (b->failed || reserve(b, 0) != 0) {
		sbuf_free(b);
		return NULL;
	}
	char *out = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return out;
}

void sbuf_free(struct sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
