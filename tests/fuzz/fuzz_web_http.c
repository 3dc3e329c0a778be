/* The request side of vntld that is ours, not libmicrohttpd's: the URL
 * path (percent-decoding, the byte check), conditional headers
 * (If-None-Match, If-Modified-Since, If-Range), Range, Content-Type and
 * Origin. The input is newline-separated fields: path, Range, If-None-Match,
 * If-Modified-Since, If-Range, Content-Type, Origin; its first byte picks
 * the body size the Range applies to.
 * fuzz-dictionary: http */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "web/http.h"

enum { F_PATH, F_RANGE, F_INM, F_IMS, F_IF_RANGE, F_CTYPE, F_ORIGIN, F_COUNT };

static const uint64_t sizes[] = {0, 1, 2, 99, 100, 4096, 1u << 20, UINT64_MAX / 2, UINT64_MAX};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static void check_range(const char *range, uint64_t size)
{
	uint64_t first = 7, last = 7;
	enum web_range r = web_http_range(range, size, &first, &last);
	if (r == WEB_RANGE_PART && !(first <= last && last < size))
		fuzz_fail("range \"%s\" of %llu bytes gave %llu-%llu", range, (unsigned long long)size,
			  (unsigned long long)first, (unsigned long long)last);
	if (r == WEB_RANGE_UNSATISFIABLE && size > 0 && range && strchr(range, ','))
		fuzz_fail("several ranges \"%s\" answered 416", range);
}

static void check_path(char *path)
{
	size_t before = strlen(path);
	size_t after = web_http_unescape_path(path);
	if (after > before || after != strlen(path))
		fuzz_fail("unescaping gave length %zu from %zu", after, before);
	if (web_http_path_ok(path))
		for (const char *p = path; *p; p++)
			if (*p == '%' || (unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
				fuzz_fail("path with byte 0x%02x passed the check", (unsigned char)*p);
}

static void check_date(const char *text)
{
	time_t t;
	if (web_http_parse_date(text, &t) != 0)
		return;
	char again[WEB_HTTP_DATE_LEN];
	time_t back;
	web_http_format_date(t, again);
	if (web_http_parse_date(again, &back) != 0 || back != t)
		fuzz_fail("date \"%s\" does not survive formatting (\"%s\")", text, again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint64_t body = sizes[data[0] % (sizeof sizes / sizeof sizes[0])];
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char *field[F_COUNT] = {0};
	char *p = text;
	for (int i = 0; i < F_COUNT && p; i++) {
		field[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	const char *etag = "\"0123abcd\"";
	time_t modified = 1700000000;
	check_range(field[F_RANGE], body);
	check_date(field[F_IMS]);
	check_date(field[F_IF_RANGE]);
	(void)web_http_etag_matches(field[F_INM] ? field[F_INM] : "", etag);
	(void)web_http_not_modified(field[F_INM], field[F_IMS], etag, modified);
	(void)web_http_if_range_holds(field[F_IF_RANGE], etag, modified);
	(void)web_http_is_json(field[F_CTYPE]);
	(void)web_http_same_origin(field[F_ORIGIN], "https://vntl.example:8443");
	if (field[F_PATH]) {
		(void)web_http_content_type(field[F_PATH]);
		check_path(field[F_PATH]);
	}
	free(text);
	return 0;
}
