/* One-line, machine-parsable log events on stderr (see log.h). */
#include "web/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void web_log(const char *level, const char *event, const char *fields, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

	char rest[1024];
	va_list ap;
	va_start(ap, fields);
	vsnprintf(rest, sizeof rest, fields, ap);
	va_end(ap);
	/* One fprintf call so lines from different threads never interleave. */
	fprintf(stderr, "ts=%s prog=vntld level=%s event=%s%s%s\n", stamp, level, event,
		rest[0] ? " " : "", rest);
}
