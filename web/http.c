/* Dates, entity tags and conditional requests (see http.h). */
#include "web/http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Written by hand rather than with strftime so the locale can never change
 * the day and month names. */
void web_http_format_date(time_t t, char *out)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char digits[] = "0123456789";
	char *p = out;
	memcpy(p, day_names[tm.tm_wday], 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	*p++ = digits[tm.tm_mday / 10];
	*p++ = digits[tm.tm_mday % 10];
	*p++ = ' ';
	memcpy(p, month_names[tm.tm_mon], 3);
	p += 3;
	*p++ = ' ';
	int year = tm.tm_year + 1900;
	*p++ = digits[(year / 1000) % 10];
	*p++ = digits[(year / 100) % 10];
	*p++ = digits[(year / 10) % 10];
	*p++ = digits[year % 10];
	*p++ = ' ';
	*p++ = digits[tm.tm_hour / 10];
	*p++ = digits[tm.tm_hour % 10];
	*p++ = ':';
	*p++ = digits[tm.tm_min / 10];
	*p++ = digits[tm.tm_min % 10];
	*p++ = ':';
	*p++ = digits[tm.tm_sec / 10];
	*p++ = digits[tm.tm_sec % 10];
	memcpy(p, " GMT", 5);
}

static int parse_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[month] + (month == 1 && leap);
}

int web_http_parse_date(const char *text, time_t *out)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (!text || strlen(text) != 29 || text[3] != ',' || text[4] != ' ' ||
	    text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' ||
	    text[22] != ':' || strcmp(text + 25, " GMT") != 0)
		return -1;
	int wday = -1, month = -1;
	for (int i = 0; i < 7; i++)
		if (strncmp(text, day_names[i], 3) == 0)
			wday = i;
	for (int i = 0; i < 12; i++)
		if (strncmp(text + 8, month_names[i], 3) == 0)
			month = i;
	struct tm tm = {0};
	int day, year, hour, min, sec;
	if (wday < 0 || month < 0 || parse_digits(text + 5, 2, &day) || parse_digits(text + 12, 4, &year) ||
	    parse_digits(text + 17, 2, &hour) || parse_digits(text + 20, 2, &min) ||
	    parse_digits(text + 23, 2, &sec))
		return -1;
	if (year < 1970 || day < 1 || day > days_in_month(year, month) || hour > 23 || min > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = month;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}

/* Compares one list member, with optional W/ prefix and surrounding spaces. */
static int member_matches(const char *start, const char *end, const char *etag)
{
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - start == 1 && *start == '*')
		return 1;
	if (end - start >= 2 && start[0] == 'W' && start[1] == '/')
		start += 2;
	size_t len = (size_t)(end - start);
	return len == strlen(etag) && memcmp(start, etag, len) == 0;
}

int web_http_etag_matches(const char *if_none_match, const char *etag)
{
	if (!if_none_match)
		return 0;
	const char *p = if_none_match;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		if (member_matches(p, end, etag))
			return 1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int web_http_not_modified(const char *if_none_match, const char *if_modified_since,
			  const char *etag, time_t last_modified)
{
	if (if_none_match)
		return web_http_etag_matches(if_none_match, etag);
	time_t since;
	if (if_modified_since && web_http_parse_date(if_modified_since, &since) == 0)
		return last_modified <= since;
	return 0;
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

const char *web_http_content_type(const char *name)
{
	if (has_suffix(name, ".xml"))
		return "application/vnd.etsi.tsl+xml";
	if (has_suffix(name, ".cer") || has_suffix(name, ".der"))
		return "application/pkix-cert";
	if (has_suffix(name, ".crl"))
		return "application/pkix-crl";
	if (has_suffix(name, ".pem"))
		return "application/x-pem-file";
	if (has_suffix(name, ".json"))
		return "application/json";
	if (has_suffix(name, ".html"))
		return "text/html; charset=utf-8";
	return "application/octet-stream";
}

const char *web_http_framing_problem(unsigned content_length_lines, unsigned transfer_encoding_lines)
{
	if (content_length_lines > 1)
		return "more than one Content-Length header";
	if (content_length_lines && transfer_encoding_lines)
		return "Transfer-Encoding together with Content-Length";
	return NULL;
}

int web_http_is_json(const char *content_type)
{
	static const char json[] = "application/json";
	if (!content_type)
		return 0;
	const char *p = content_type + strspn(content_type, " \t");
	if (strncasecmp(p, json, sizeof json - 1) != 0)
		return 0;
	p += sizeof json - 1;
	p += strspn(p, " \t");
	return *p == '\0' || *p == ';';
}

/* Length of `origin` without a default ":443" at its end. */
static size_t origin_length(const char *origin)
{
	size_t n = strlen(origin);
	return n > 4 && strcmp(origin + n - 4, ":443") == 0 ? n - 4 : n;
}

int web_http_same_origin(const char *origin, const char *self_origin)
{
	if (!origin || !self_origin)
		return 0;
	size_t n = origin_length(origin);
	return n == origin_length(self_origin) && strncasecmp(origin, self_origin, n) == 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t web_http_unescape_path(char *uri)
{
	char *out = uri;
	for (const char *in = uri; *in; in++) {
		int hi, lo;
		if (in[0] == '%' && (hi = hex_value(in[1])) >= 0 && (lo = hex_value(in[2])) >= 0 &&
		    (hi | lo) != 0) {
			*out++ = (char)(hi * 16 + lo);
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - uri);
}

int web_http_path_ok(const char *path)
{
	if (!path || path[0] != '/')
		return 0;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '.' || *p == '-' || *p == '_' || *p == '~'))
			return 0;
	return 1;
}

/* A run of digits into *out; NULL when there is none or it overflows. */
static const char *parse_position(const char *p, uint64_t *out)
{
	if (*p < '0' || *p > '9')
		return NULL;
	uint64_t v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return p;
}

enum web_range web_http_range(const char *range, uint64_t size, uint64_t *first, uint64_t *last)
{
	if (!range || strncasecmp(range, "bytes=", 6) != 0 || strchr(range, ','))
		return WEB_RANGE_WHOLE;
	const char *p = range + 6;
	p += strspn(p, " \t");
	uint64_t a = 0, b = 0;
	if (*p == '-') { /* the last b bytes */
		if (!(p = parse_position(p + 1, &b)) || p[strspn(p, " \t")] != '\0')
			return WEB_RANGE_WHOLE;
		if (b == 0 || size == 0)
			return WEB_RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return WEB_RANGE_PART;
	}
	if (!(p = parse_position(p, &a)) || *p++ != '-')
		return WEB_RANGE_WHOLE;
	int open_ended = *p == '\0' || *p == ' ' || *p == '\t';
	if (!open_ended && (!(p = parse_position(p, &b)) || b < a))
		return WEB_RANGE_WHOLE;
	if (p[strspn(p, " \t")] != '\0')
		return WEB_RANGE_WHOLE;
	if (a >= size)
		return WEB_RANGE_UNSATISFIABLE;
	*first = a;
	*last = open_ended || b >= size ? size - 1 : b;
	return WEB_RANGE_PART;
}

int web_http_if_range_holds(const char *if_range, const char *etag, time_t last_modified)
{
	if (!if_range)
		return 1;
	if (if_range[0] == '"')
		return strcmp(if_range, etag) == 0;
	time_t date;
	return web_http_parse_date(if_range, &date) == 0 && date == last_modified;
}
