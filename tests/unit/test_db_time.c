/* Dates as a Vietnamese officer writes them (issue 9, dates): RFC 3339 with
 * Z or an offset, or a date alone (00:00 UTC); nothing ambiguous. */
#include <stdarg.h>
#include "common/rfc3339.h"
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/db.h"

static void offsets_and_z_name_the_same_instant(void **state)
{
	(void)state;
	int64_t a = 0, b = 0, c = 0, d = 0;
	assert_int_equal(rfc3339_parse_input("2026-12-01T08:00:00+07:00", &a), 0);
	assert_int_equal(rfc3339_parse_input("2026-12-01T01:00:00Z", &b), 0);
	assert_int_equal(rfc3339_parse_input("2026-11-30T20:00:00-05:00", &c), 0);
	assert_int_equal(rfc3339_parse_input("2026-12-01T01:00:00.250Z", &d), 0);
	assert_int_equal(a, 1796086800);
	assert_int_equal(b, a);
	assert_int_equal(c, a);
	assert_int_equal(d, a);
	assert_int_equal(rfc3339_parse_input("2014-04-15", &a), 0);
	assert_int_equal(a, 1397520000); /* a date alone: 00:00 UTC */
}

static void ambiguous_or_impossible_times_are_refused(void **state)
{
	(void)state;
	int64_t t = 42;
	const char *bad[] = {"2026-12-01T08:00:00", /* UTC or Vietnam time? */
			     "2026-12-01 08:00:00Z", "2026-02-30", "2026-13-01", "2026-12-01T24:00:00Z",
			     "2026-12-01T08:00:00+7:00", "2026-12-01T08:00:00+07", "2026-12-01T08:00:00+15:00",
			     "2026-12-01T08:00:00Zjunk", "26-12-01", " 2026-12-01", "2026-1-01", "tomorrow", "", NULL};
	for (int i = 0; bad[i]; i++) {
		if (rfc3339_parse_input(bad[i], &t) == 0)
			fail_msg("'%s' was accepted", bad[i]);
	}
	assert_int_equal(rfc3339_parse_input(NULL, &t), -1);
	assert_int_equal(t, 42);
}

static void times_print_in_utc_and_vietnam_time(void **state)
{
	(void)state;
	char out[48];
	assert_string_equal(rfc3339_format_ict(1796112000, out), "2026-12-01T08:00:00Z (15:00 ICT)");
	assert_string_equal(rfc3339_format_ict(1796155200, out), "2026-12-01T20:00:00Z (2026-12-02 03:00 ICT)");
	/* and the next year */
	assert_string_equal(rfc3339_format_ict(1798747200, out), "2026-12-31T20:00:00Z (2027-01-01 03:00 ICT)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offsets_and_z_name_the_same_instant),
		cmocka_unit_test(ambiguous_or_impossible_times_are_refused),
		cmocka_unit_test(times_print_in_utc_and_vietnam_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
