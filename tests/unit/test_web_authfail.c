/* Failed-login aggregation for the audit log (issue 19): one immediate entry
 * per source and interval, the rest summed, bounded whatever the number of
 * addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "web/authfail.h"

static void first_failure_now_the_rest_summed(void **state)
{
	(void)state;
	struct web_authfail *a = web_authfail_new(60);
	assert_non_null(a);
	assert_int_equal(web_authfail_note(a, "0 192.0.2.1", "cert", "none", "192.0.2.1", 1000), 1);
	for (int i = 0; i < 9; i++)
		assert_int_equal(web_authfail_note(a, "0 192.0.2.1", "cert", "none", "192.0.2.1", 1001 + i), 0);
	/* another kind of failure from the same address is its own source */
	assert_int_equal(web_authfail_note(a, "1 192.0.2.1", "cert", "ab12", "192.0.2.1", 1002), 1);
	struct web_authfail_summary out[4];
	assert_int_equal(web_authfail_take_due(a, 1059, 0, out, 4), 0);
	assert_int_equal(web_authfail_take_due(a, 1060, 0, out, 4), 1);
	assert_string_equal(out[0].method, "cert");
	assert_string_equal(out[0].who, "none");
	assert_string_equal(out[0].peer, "192.0.2.1");
	assert_int_equal(out[0].count, 9);
	/* a new interval: the next failure is audited at once again */
	assert_int_equal(web_authfail_note(a, "0 192.0.2.1", "cert", "none", "192.0.2.1", 1061), 1);
	/* a source with a single failure needs no summary */
	assert_int_equal(web_authfail_take_due(a, 2000, 1, out, 4), 0);
	web_authfail_free(a);
}

static void many_addresses_stay_bounded(void **state)
{
	(void)state;
	struct web_authfail *a = web_authfail_new(60);
	long long immediate = 0, notes = 0;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 20000; i++) {
			char peer[64], source[96];
			snprintf(peer, sizeof peer, "2001:db8::%x", i);
			snprintf(source, sizeof source, "2 %s", peer);
			immediate += web_authfail_note(a, source, "secret", "sp", peer, 5000);
			notes++;
		}
	/* at most one per table slot, plus the shared overflow source */
	assert_true(immediate <= 1025);
	struct web_authfail_summary out[64];
	long long summed = 0;
	size_t n;
	while ((n = web_authfail_take_due(a, 5000, 1, out, 64)) > 0)
		for (size_t i = 0; i < n; i++)
			summed += out[i].count;
	assert_int_equal(immediate + summed, notes);
	web_authfail_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_failure_now_the_rest_summed),
		cmocka_unit_test(many_addresses_stay_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
