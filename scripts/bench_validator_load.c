/* One list load through libvntl's public API, in a plain process: no heap
 * preparation (that is vntl-validate's own), so the figure shows what a
 * program linking the library gets.
 *   bench_validator_load LIST SIGNER_PEM [SCHEMA]
 * VNTL_BENCH_THREADS=1: allow libvntl its load thread (vntl_ctx_set_threads).
 * Built and run by scripts/bench-validator.sh; exit 0 only when the list
 * is accepted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_validator_load LIST SIGNER_PEM [SCHEMA]\n");
		return 2;
	}
	vntl_ctx *ctx = NULL;
	vntl_error err = { "", "" };
	vntl_status st = vntl_ctx_new(&ctx, &err);
	const char *threads = getenv("VNTL_BENCH_THREADS");
	if (st == VNTL_OK)
		vntl_ctx_set_threads(ctx, threads && strcmp(threads, "1") == 0);
	if (st == VNTL_OK)
		st = vntl_ctx_add_signer_file(ctx, argv[2], &err);
	if (st == VNTL_OK && argc > 3)
		st = vntl_ctx_set_schema(ctx, argv[3], &err);
	else if (st == VNTL_OK)
		vntl_ctx_disable_schema(ctx);
	if (st == VNTL_OK)
		st = vntl_ctx_load_list(ctx, argv[1], NULL, &err);
	if (st != VNTL_OK)
		fprintf(stderr, "bench_validator_load: %s: %s\n", err.rule, err.reason);
	vntl_ctx_free(ctx);
	return st == VNTL_OK ? 0 : 1;
}
