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

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" at text, fields in range (a
 * round trip through timegm catches 2026-02-30); *rest after them. */
static int parse_fields(const char *text, int with_time, struct tm *tm, const char **rest)
{
	int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
	int got = with_time ? sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &n)
			    : sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n);
	if (got != (with_time ? 6 : 3) || n != (with_time ? 19 : 10) || text[4] != '-' || text[7] != '-')
		return -1;
	for (int i = 0; i < n; i++)
		if (text[i] == ' ' || text[i] == '+' || text[i] == '-') {
			if (i != 4 && i != 7)
				return -1;  /* sscanf would skip spaces and take signs */
		}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = mo - 1;
	tm->tm_mday = d;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = s;
	struct tm check = *tm;
	time_t t = timegm(&check);
	struct tm back;
	if (!gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	*rest = text + n;
	return 0;
}

int rfc3339_parse_input(const char *text, int64_t *out)
{
	struct tm tm;
	const char *p;
	if (!text)
		return -1;
	if (strlen(text) == 10) {  /* a date alone: 00:00 UTC of that day */
		if (parse_fields(text, 0, &tm, &p))
			return -1;
		*out = (int64_t)timegm(&tm);
		return 0;
	}
	if (parse_fields(text, 1, &tm, &p))
		return -1;
	if (*p == '.')  /* fractions of a second are dropped */
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
		if (strspn(p + 1, "0123456789") != 2 || strspn(p + 4, "0123456789") != 2 || oh > 14 || om > 59)
			return -1;
		offset = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
		p += 6;
	} else {
		return -1;  /* a time without Z or an offset is ambiguous: UTC or Vietnam time? */
	}
	if (*p)
		return -1;
	*out = (int64_t)timegm(&tm) - offset;
	return 0;
}

const char *rfc3339_format_ict(int64_t t, char out[RFC3339_ICT_BUF])
{
	char utc[RFC3339_BUF];
	rfc3339_format(t, utc);
	time_t ict = (time_t)(t + 7 * 3600), tt = (time_t)t;
	struct tm a, b;
	if (!gmtime_r(&tt, &a) || !gmtime_r(&ict, &b)) {
		snprintf(out, RFC3339_ICT_BUF, "%s", utc);
		return out;
	}
	char local[24];
	strftime(local, sizeof local, a.tm_yday == b.tm_yday && a.tm_year == b.tm_year ? "%H:%M" : "%Y-%m-%d %H:%M", &b);
	snprintf(out, RFC3339_ICT_BUF, "%.21s (%.16s ICT)", utc, local);
	return out;
}
