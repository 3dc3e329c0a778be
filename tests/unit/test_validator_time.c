/* The validator's time parsing: xs:dateTime / RFC 3339 only with a zone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vv_internal.h"

static void utc_and_offsets_agree(void **state)
{
	(void)state;
	time_t a, b, c;
	assert_true(vv_parse_time("2026-01-31T12:00:00Z", &a));
	assert_int_equal(a, 1769860800);
	assert_true(vv_parse_time("2026-01-31T19:00:00+07:00", &b));
	assert_true(vv_parse_time("2026-01-31T12:00:00.123Z", &c));
	assert_int_equal(a, b);
	assert_int_equal(a, c);
	char buf[32];
	vv_format_time(a, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-31T12:00:00Z");
}

static void ambiguous_or_broken_times_are_refused(void **state)
{
	(void)state;
	time_t t;
	assert_false(vv_parse_time("2026-01-31T12:00:00", &t)); /* no zone */
	assert_false(vv_parse_time("2026-13-01T00:00:00Z", &t));
	assert_false(vv_parse_time("yesterday", &t));
	assert_false(vv_parse_time("2026-01-31T12:00:00Zjunk", &t));
	assert_false(vv_parse_time(NULL, &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utc_and_offsets_agree),
		cmocka_unit_test(ambiguous_or_broken_times_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
