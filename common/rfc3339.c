/* RFC 3339 times (see rfc3339.h). */
#include "common/rfc3339.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *rfc3339_format(int64_t t, char out[RFC3339_BUF])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, RFC3339_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, RFC3339_BUF, "@%lld", (long long)t);
	return out;
}

int rfc3339_parse(const char *text, time_t *out)
{
	int y, mo, d, h, mi, s, n = 0;
	if (!text || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n) != 6)
		return -1;
	const char *p = text + n;
	if (*p == '.') { /* fractional seconds are dropped */
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	long offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		offset = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1; /* a time without a zone is ambiguous */
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = s};
	*out = timegm(&tm) - offset;
	return 0;
}

int rfc3339_parse_utc(const char *text, time_t *out)
{
	int y, mo, d, h, mi, s;
	char z;
	int consumed = 0;
	if (!text || strlen(text) != 20 ||
	    sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &z, &consumed) != 7 ||
	    consumed != 20 || z != 'Z' || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
	    text[16] != ':')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = s};
	*out = timegm(&tm);
	return 0;
}
