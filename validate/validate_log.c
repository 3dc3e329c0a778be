/* vntl-validate's log: libvntl's events to stderr, one line each, in the
 * form vntl-validate has always written:
 *   vntl-validator event=list-accepted msg="source=... territory=VN ..." */
#include "validate/validate_cli.h"

#include <stdio.h>

void validate_log_stderr(void *userdata, vntl_log_level level, const char *event,
                         const char *message)
{
	(void)userdata;
	(void)level;
	fprintf(stderr, "vntl-validator event=%s msg=\"", event);
	for (const char *p = message; *p; p++) /* the value stays one quoted field */
		fputc(*p == '"' ? '\'' : *p, stderr);
	fputs("\"\n", stderr);
}

int validate_ctx_defaults(vntl_ctx *ctx)
{
	vntl_ctx_set_log(ctx, validate_log_stderr, NULL);
	vntl_ctx_set_threads(ctx, 1);
	return 0;
}
