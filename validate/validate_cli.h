/* vntl-validate's command line (validate_cli.c), over libvntl's public API.
 *
 * validate_cli_main returns a process exit code; validate_ctx_defaults
 * returns 0.
 */
#ifndef VNTL_VALIDATE_VALIDATE_CLI_H
#define VNTL_VALIDATE_VALIDATE_CLI_H

#include "vntl.h"

/* The whole program after main's heap setup; returns the exit code:
 * 0 passed/accepted, 1 failed/refused, 2 indeterminate, 3 usage or input error. */
int validate_cli_main(int argc, char **argv);

/* The vntl_log_fn every vntl-validate command installs (validate_log.c):
 * libvntl's events on stderr as "vntl-validator event=E msg="..."". */
void validate_log_stderr(void *userdata, vntl_log_level level, const char *event,
                         const char *message);

/* What every vntl-validate command sets on a new context: the stderr log
 * above and consent to libvntl's loading thread (a program of ours, so
 * faster loads of large lists). Returns 0. */
int validate_ctx_defaults(vntl_ctx *ctx);

#endif
