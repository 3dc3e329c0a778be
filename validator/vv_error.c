/* Error reporting: fill the caller's vntl_error; hand events to the caller's log callback. */
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

void vv_log(const vntl_ctx *ctx, vntl_log_level level, const char *event, const char *fmt, ...)
{
	if (!ctx || !ctx->log_fn || level < ctx->log_min)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	ctx->log_fn(ctx->log_userdata, level, event, msg);
}

const char *vntl_log_level_name(vntl_log_level level)
{
	switch (level) {
	case VNTL_LOG_DEBUG: return "debug";
	case VNTL_LOG_INFO: return "info";
	case VNTL_LOG_WARNING: return "warning";
	default: return "error";
	}
}
