/* Error reporting: fill the caller's vntl_error; log one line per event. */
#include "vv_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

vntl_status vv_fail(vntl_error *err, vntl_status st, const char *rule, const char *fmt, ...)
{
	if (err) {
		snprintf(err->rule, sizeof err->rule, "%s", rule);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof err->reason, fmt, ap);
		va_end(ap);
	}
	return st;
}

void vv_log(const char *event, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '"')
			*p = '\'';
	fprintf(stderr, "vntl-validator event=%s msg=\"%s\"\n", event, msg);
}
