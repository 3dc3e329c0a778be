/* Loading a trust list from memory (vntl_ctx_load_list_memory): parsing,
 * the signature's structure and its verification against a pinned signer,
 * the schema (vntl's profile) and the model, read on another thread while
 * the signature is verified. Any refusal must name its rule. The seed
 * corpus holds lists the publisher signed with tests/fuzz/data/list-signer.pem
 * (tests/fuzz/make-corpus.sh); the list time is when they were made
 * (tests/fuzz/data/seed-time), within their validity. A list the context
 * accepts stays in it, so the context is made afresh after each accepted
 * input: every input meets the same context, and a long run does not grow it.
 * fuzz-dictionary: xml */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

static vntl_ctx *ctx;

static time_t list_time;

static void free_ctx(void)
{
	vntl_ctx_free(ctx);
}

static void new_ctx(void)
{
	vntl_error err;
	if (vntl_ctx_new(&ctx, &err) != VNTL_OK || vntl_ctx_use_vntl_profile(ctx, &err) != VNTL_OK ||
	    vntl_ctx_add_signer_file(ctx, fuzz_src_path("tests/fuzz/data/list-signer.pem"), &err) != VNTL_OK)
		fuzz_fail("validator setup: %s", err.reason);
	vntl_ctx_set_list_time(ctx, list_time);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	size_t n;
	char *when = (char *)fuzz_read_file(fuzz_src_path("tests/fuzz/data/seed-time"), &n);
	list_time = (time_t)strtoll(when, NULL, 10) + 3600;
	free(when);
	new_ctx();
	atexit(free_ctx);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vntl_error err;
	memset(&err, 0, sizeof err);
	vntl_list_info info = {.size = sizeof info};
	vntl_status st = vntl_ctx_load_list_memory(ctx, data, size, "fuzz.xml", &info, &err);
	if (st != VNTL_OK && err.rule[0] == '\0')
		fuzz_fail("refused without a rule: %s", err.reason);
	/* a usage refusal is this harness calling the API wrongly: nothing of
	 * the input would be exercised */
	if (st != VNTL_OK && strcmp(err.rule, "usage") == 0)
		fuzz_fail("the harness misuses the API: %s", err.reason);
	if (st == VNTL_OK) {
		vntl_ctx_free(ctx);
		new_ctx();
	}
	return 0;
}
