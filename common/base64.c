/* Base64 over OpenSSL (see base64.h). */
#include "common/base64.h"

#include <limits.h>
#include <stdlib.h>

#include <openssl/evp.h>

char *base64_encode(const unsigned char *data, size_t len)
{
	if (len > (size_t)INT_MAX / 2)
		return NULL;
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

char *base64url_encode(const unsigned char *data, size_t len)
{
	char *out = base64_encode(data, len);
	if (!out)
		return NULL;
	char *p = out;
	for (; *p && *p != '='; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	*p = '\0';
	return out;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

unsigned char *base64_decode(const char *text, size_t n, size_t *out_len)
{
	if (n == 0 || n > (size_t)INT_MAX)
		return NULL;
	char *clean = malloc(n + 1);
	unsigned char *out = malloc(n / 4 * 3 + 3);
	size_t c = 0;
	for (size_t i = 0; clean && i < n; i++)
		if (!is_blank(text[i]))
			clean[c++] = text[i];
	int got = -1;
	if (clean && out && c > 0 && c % 4 == 0)
		got = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)c);
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (got > 0)
		got -= (clean[c - 1] == '=') + (clean[c - 2] == '=');
	free(clean);
	if (got <= 0) {
		free(out);
		return NULL;
	}
	*out_len = (size_t)got;
	return out;
}
