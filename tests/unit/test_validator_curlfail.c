/* Issue 15: a fetch whose safety settings libcurl refuses never runs. This
 * binary alone is linked with -Wl,--wrap=curl_easy_setopt and
 * --wrap=curl_easy_perform (Makefile), so one chosen option can be made to
 * fail and every transfer that would run is counted: libvntl's list fetch
 * and vntl-validate sync must refuse, without a transfer, when the
 * restriction to https (and http for sync) or the timeouts cannot be set,
 * rather than fetch without them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "validate/sync.h"
#include "vntl.h"

CURLcode __real_curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode __real_curl_easy_perform(CURL *curl);
CURLcode __wrap_curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode __wrap_curl_easy_perform(CURL *curl);

static CURLoption failing_option; /* 0: none fails */
static int transfers;

CURLcode __wrap_curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	va_start(ap, option);
	CURLcode rc;
	if (failing_option && option == failing_option)
		rc = CURLE_UNKNOWN_OPTION; /* what an older libcurl answers */
	else if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, long));
	else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else /* object and function pointers, blobs */
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode __wrap_curl_easy_perform(CURL *curl)
{
	transfers++;
	return __real_curl_easy_perform(curl);
}

static void shared_path(char *out, size_t len, const char *rel)
{
	const char *s = getenv("VNTL_SHARED");
	snprintf(out, len, "%s/%s", s ? s : "../shared", rel);
}

/* libvntl loads a list from a URL on a port where nothing listens. */
static vntl_status load_url(vntl_error *err)
{
	vntl_ctx *ctx = NULL;
	assert_int_equal(vntl_ctx_new(&ctx, err), VNTL_OK);
	vntl_status st = vntl_ctx_load_list(ctx, "https://127.0.0.1:1/list.xml", NULL, err);
	vntl_ctx_free(ctx);
	return st;
}

static void list_fetch_runs_when_libcurl_takes_every_setting(void **state)
{
	(void)state;
	failing_option = 0;
	transfers = 0;
	vntl_error err;
	assert_int_equal(load_url(&err), VNTL_ERR_INPUT);
	assert_string_equal(err.rule, "fetch-failed");
	assert_int_equal(transfers, 1); /* the wrappers see the transfer */
}

static void list_fetch_refuses_without_its_restrictions(void **state)
{
	(void)state;
	const CURLoption options[] = { CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR,
		                       CURLOPT_SSL_VERIFYPEER, CURLOPT_TIMEOUT,
		                       CURLOPT_WRITEFUNCTION };
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		failing_option = options[i];
		transfers = 0;
		vntl_error err;
		assert_int_equal(load_url(&err), VNTL_ERR_INPUT);
		assert_string_equal(err.rule, "fetch-failed");
		assert_non_null(strstr(err.reason, "libcurl refused"));
		assert_int_equal(transfers, 0);
	}
	failing_option = 0;
}

/* vntl-validate sync --from URL into a fresh directory; its exit code. */
static int run_sync(const char *from)
{
	char signer[4096], out[] = "/tmp/vntl-curlfail-XXXXXX";
	shared_path(signer, sizeof signer, "tl/samples/pins/tl-se-2026-signer.pem");
	assert_non_null(mkdtemp(out));
	char dir[sizeof out + 8];
	snprintf(dir, sizeof dir, "%s/store", out);
	char *argv[] = { "sync", "--from", (char *)from, "--signer", signer, "--out", dir, NULL };
	int rc = validate_sync_main(7, argv);
	char lock[sizeof dir + 8];
	snprintf(lock, sizeof lock, "%s/.lock", dir);
	unlink(lock);
	rmdir(dir);
	assert_int_equal(rmdir(out), 0); /* nothing but the lock was written */
	return rc;
}

static void sync_refuses_without_its_protocol_restriction(void **state)
{
	(void)state;
	failing_option = 0;
	transfers = 0;
	assert_int_equal(run_sync("https://127.0.0.1:1"), SYNC_USAGE); /* nothing listens */
	assert_int_equal(transfers, 1);

	const CURLoption options[] = { CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR,
		                       CURLOPT_SSL_VERIFYHOST, CURLOPT_CONNECTTIMEOUT,
		                       CURLOPT_WRITEFUNCTION };
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		failing_option = options[i];
		transfers = 0;
		assert_int_equal(run_sync("https://127.0.0.1:1"), SYNC_USAGE);
		assert_int_equal(transfers, 0);
	}
	failing_option = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_fetch_runs_when_libcurl_takes_every_setting),
		cmocka_unit_test(list_fetch_refuses_without_its_restrictions),
		cmocka_unit_test(sync_refuses_without_its_protocol_restriction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
