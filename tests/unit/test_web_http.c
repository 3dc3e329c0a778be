/* vntld's HTTP helpers: dates, entity tags, conditional requests, types. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "web/http.h"

static void formats_and_parses_imf_fixdate(void **state)
{
	(void)state;
	char date[WEB_HTTP_DATE_LEN];
	web_http_format_date(784111777, date);
	assert_string_equal(date, "Sun, 06 Nov 1994 08:49:37 GMT");
	time_t t = 0;
	assert_int_equal(web_http_parse_date(date, &t), 0);
	assert_int_equal(t, 784111777);
	web_http_format_date(1795435200, date); /* 2026-11-23T12:00:00Z, a Monday */
	assert_string_equal(date, "Mon, 23 Nov 2026 12:00:00 GMT");
}

static void refuses_malformed_dates(void **state)
{
	(void)state;
	time_t t;
	assert_int_equal(web_http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT", &t), -1);
	assert_int_equal(web_http_parse_date("Sun, 31 Feb 1994 08:49:37 GMT", &t), -1);
	assert_int_equal(web_http_parse_date("Sun, 06 Nov 1994 25:49:37 GMT", &t), -1);
	assert_int_equal(web_http_parse_date("Sun, 06 Xyz 1994 08:49:37 GMT", &t), -1);
	assert_int_equal(web_http_parse_date("Sun, 06 Nov 1994 08:49:37 UTC", &t), -1);
	assert_int_equal(web_http_parse_date("", &t), -1);
	assert_int_equal(web_http_parse_date(NULL, &t), -1);
}

static void matches_entity_tags(void **state)
{
	(void)state;
	const char *etag = "\"abc\"";
	assert_true(web_http_etag_matches("\"abc\"", etag));
	assert_true(web_http_etag_matches("*", etag));
	assert_true(web_http_etag_matches("\"x\", W/\"abc\" ,\"y\"", etag));
	assert_false(web_http_etag_matches("\"abcd\"", etag));
	assert_false(web_http_etag_matches("abc", etag));
	assert_false(web_http_etag_matches("", etag));
	assert_false(web_http_etag_matches(NULL, etag));
}

static void if_none_match_takes_precedence(void **state)
{
	(void)state;
	const char *later = "Mon, 23 Nov 2026 12:00:00 GMT";
	/* A wrong tag means modified, whatever the date says. */
	assert_false(web_http_not_modified("\"other\"", later, "\"abc\"", 1000));
	assert_true(web_http_not_modified("\"abc\"", NULL, "\"abc\"", 1000));
	assert_true(web_http_not_modified(NULL, later, "\"abc\"", 1795435200));
	assert_false(web_http_not_modified(NULL, later, "\"abc\"", 1795435201));
	assert_false(web_http_not_modified(NULL, "garbage", "\"abc\"", 0));
	assert_false(web_http_not_modified(NULL, NULL, "\"abc\"", 0));
}

static void content_types_follow_rfc2585_and_ts119612(void **state)
{
	(void)state;
	assert_string_equal(web_http_content_type("roots/7.xml"), "application/vnd.etsi.tsl+xml");
	assert_string_equal(web_http_content_type("certs/ab.cer"), "application/pkix-cert");
	assert_string_equal(web_http_content_type("x.crl"), "application/pkix-crl");
	assert_string_equal(web_http_content_type("index.json"), "application/json");
	assert_string_equal(web_http_content_type("roots.pem"), "application/x-pem-file");
	assert_string_equal(web_http_content_type("blob"), "application/octet-stream");
}

/* Issue 19: the shapes used to smuggle a request are named, one reading is not. */
static void framing_allows_one_reading_of_the_body_only(void **state)
{
	(void)state;
	assert_null(web_http_framing_problem(0, 0));
	assert_null(web_http_framing_problem(1, 0));
	assert_null(web_http_framing_problem(0, 1));
	assert_non_null(strstr(web_http_framing_problem(2, 0), "Content-Length"));
	assert_non_null(strstr(web_http_framing_problem(1, 1), "Transfer-Encoding"));
	assert_non_null(web_http_framing_problem(3, 2));
}

static void json_content_type_with_parameters_only(void **state)
{
	(void)state;
	assert_true(web_http_is_json("application/json"));
	assert_true(web_http_is_json("Application/JSON; charset=utf-8"));
	assert_true(web_http_is_json(" application/json ;charset=UTF-8"));
	assert_false(web_http_is_json(NULL));
	assert_false(web_http_is_json(""));
	assert_false(web_http_is_json("text/plain"));
	assert_false(web_http_is_json("application/jsonp"));
	assert_false(web_http_is_json("application/json-patch+json"));
	assert_false(web_http_is_json("multipart/form-data; boundary=application/json"));
}

static void same_origin_is_scheme_host_and_port(void **state)
{
	(void)state;
	assert_true(web_http_same_origin("https://tl.neac.gov.vn", "https://tl.neac.gov.vn"));
	assert_true(web_http_same_origin("https://TL.neac.gov.vn", "https://tl.neac.gov.vn:443"));
	assert_true(web_http_same_origin("https://127.0.0.1:8443", "https://127.0.0.1:8443"));
	assert_false(web_http_same_origin("https://127.0.0.1:8444", "https://127.0.0.1:8443"));
	assert_false(web_http_same_origin("http://127.0.0.1:8443", "https://127.0.0.1:8443"));
	assert_false(web_http_same_origin("https://tl.neac.gov.vn.evil.example", "https://tl.neac.gov.vn"));
	assert_false(web_http_same_origin("null", "https://tl.neac.gov.vn"));
	assert_false(web_http_same_origin("https://tl.neac.gov.vn", NULL));
	assert_false(web_http_same_origin(NULL, "https://tl.neac.gov.vn"));
}

static void one_range_is_cut_several_are_whole(void **state)
{
	(void)state;
	uint64_t a = 0, b = 0;
	assert_int_equal(web_http_range("bytes=0-99", 1000, &a, &b), WEB_RANGE_PART);
	assert_true(a == 0 && b == 99);
	assert_int_equal(web_http_range("bytes=900-", 1000, &a, &b), WEB_RANGE_PART);
	assert_true(a == 900 && b == 999);
	assert_int_equal(web_http_range("bytes=-10", 1000, &a, &b), WEB_RANGE_PART);
	assert_true(a == 990 && b == 999);
	assert_int_equal(web_http_range("bytes=-5000", 1000, &a, &b), WEB_RANGE_PART);
	assert_true(a == 0 && b == 999);
	assert_int_equal(web_http_range("bytes=990-5000", 1000, &a, &b), WEB_RANGE_PART);
	assert_true(a == 990 && b == 999);
	assert_int_equal(web_http_range("bytes=1000-", 1000, &a, &b), WEB_RANGE_UNSATISFIABLE);
	assert_int_equal(web_http_range("bytes=-0", 1000, &a, &b), WEB_RANGE_UNSATISFIABLE);
	/* several ranges, malformed, another unit, reversed, overflowing: the whole body */
	assert_int_equal(web_http_range("bytes=0-1,5-6", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range("bytes=abc", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range("items=0-1", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range("bytes=9-1", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range("bytes=0-1x", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range("bytes=99999999999999999999999-", 1000, &a, &b), WEB_RANGE_WHOLE);
	assert_int_equal(web_http_range(NULL, 1000, &a, &b), WEB_RANGE_WHOLE);
}

static void if_range_needs_the_same_tag_or_date(void **state)
{
	(void)state;
	assert_true(web_http_if_range_holds(NULL, "\"abc\"", 0));
	assert_true(web_http_if_range_holds("\"abc\"", "\"abc\"", 0));
	assert_false(web_http_if_range_holds("W/\"abc\"", "\"abc\"", 0));
	assert_false(web_http_if_range_holds("\"old\"", "\"abc\"", 0));
	assert_true(web_http_if_range_holds("Sun, 06 Nov 1994 08:49:37 GMT", "\"abc\"", 784111777));
	assert_false(web_http_if_range_holds("Sun, 06 Nov 1994 08:49:37 GMT", "\"abc\"", 784111778));
	assert_false(web_http_if_range_holds("garbage", "\"abc\"", 784111777));
}

static void paths_hold_only_name_bytes(void **state)
{
	(void)state;
	assert_true(web_http_path_ok("/"));
	assert_true(web_http_path_ok("/roots/7.xml"));
	assert_true(web_http_path_ok("/certs/ab12.cer"));
	assert_true(web_http_path_ok("/api/v1/provider/status-changes"));
	assert_false(web_http_path_ok("/index.json%00"));
	assert_false(web_http_path_ok("/a b"));
	assert_false(web_http_path_ok("/a\nb"));
	assert_false(web_http_path_ok("/r\xc3\xa9"));
	assert_false(web_http_path_ok("/a\\b"));
	assert_false(web_http_path_ok("index.json"));
	assert_false(web_http_path_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_and_parses_imf_fixdate),
		cmocka_unit_test(refuses_malformed_dates),
		cmocka_unit_test(matches_entity_tags),
		cmocka_unit_test(if_none_match_takes_precedence),
		cmocka_unit_test(content_types_follow_rfc2585_and_ts119612),
		cmocka_unit_test(framing_allows_one_reading_of_the_body_only),
		cmocka_unit_test(json_content_type_with_parameters_only),
		cmocka_unit_test(same_origin_is_scheme_host_and_port),
		cmocka_unit_test(one_range_is_cut_several_are_whole),
		cmocka_unit_test(if_range_needs_the_same_tag_or_date),
		cmocka_unit_test(paths_hold_only_name_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
