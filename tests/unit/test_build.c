/* Smoke test of the test harness itself: cmocka links and a failing
 * assertion is reported as a failure (run with VNTL_SELFTEST_FAIL=1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

static void harness_reports_failure_when_asked(void **state)
{
	(void)state;
	assert_null(getenv("VNTL_SELFTEST_FAIL"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(harness_reports_failure_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
