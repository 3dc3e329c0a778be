/* One-line, machine-parsable log events on stderr (see log.h). */
#include "web/log.h"

#include "common/rfc3339.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void web_log(const char *level, const char *event, const char *fields, ...)
{
	char stamp[RFC3339_BUF];
	rfc3339_format((int64_t)time(NULL), stamp);

	char rest[1024];
	va_list ap;
	va_start(ap, fields);
	vsnprintf(rest, sizeof rest, fields, ap);
	va_end(ap);
	/* One fprintf call so lines from different threads never interleave. */
	fprintf(stderr, "ts=%s prog=vntld level=%s event=%s%s%s\n", stamp, level, event,
		rest[0] ? " " : "", rest);
}
