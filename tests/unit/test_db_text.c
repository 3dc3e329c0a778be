/* Text that reaches a list is checked where it enters the registry: valid
 * UTF-8, no control character XML cannot carry, no outer white space, a
 * length limit; the refusal names the field and nothing is written. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/registry.h"
#include "db/text.h"
#include "tests/lib/db_fixture.h"

static int check(const char *value, size_t max, unsigned flags, char *err)
{
	return db_text_check("name_vi (--name-vi)", value, max, flags, err, 512);
}

static void accepts_vietnamese_and_every_plane(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(check("Trung tâm Chứng thực điện tử quốc gia", 256, 0, err), 0);
	assert_int_equal(check("QĐ 123/QĐ-BKHCN", 256, 0, err), 0);
	assert_int_equal(check("\xF0\x9F\x94\x92 U+1F512", 256, 0, err), 0); /* 4-byte sequence */
	assert_int_equal(check("line one\nline two", 256, DB_TEXT_MULTILINE, err), 0);
	assert_int_equal(check(NULL, 256, 0, err), 0);
	assert_int_equal(check("", 256, 0, err), 0);
}

static void refuses_control_characters_naming_the_field(void **state)
{
	(void)state;
	char err[512];
	const char *bad[] = {"A\x01" "B", "A\tB", "A\rB", "A\x7F", "A\xC2\x85" "B", "A\xEF\xBF\xBE"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(check(bad[i], 256, DB_TEXT_MULTILINE, err), 1);
		assert_non_null(strstr(err, "name_vi (--name-vi)"));
	}
	assert_int_equal(check("A\nB", 256, 0, err), 1);
	assert_non_null(strstr(err, "U+000A"));
}

static void refuses_invalid_utf8(void **state)
{
	(void)state;
	char err[512];
	const char *bad[] = {
		"Vi\xEAt Nam",          /* Latin-1 ê */
		"\xC0\xAF",             /* overlong '/' */
		"\xED\xA0\x80",         /* surrogate U+D800 */
		"\xF4\x90\x80\x80",     /* above U+10FFFF */
		"abc\xE1\xBA",          /* truncated sequence */
		"\x80",                 /* lone continuation byte */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(check(bad[i], 256, 0, err), 1);
		assert_non_null(strstr(err, "not valid UTF-8"));
	}
}

static void refuses_outer_space_and_excess_length(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(check(" NEAC", 256, 0, err), 1);
	assert_non_null(strstr(err, "starts with white space"));
	assert_int_equal(check("NEAC ", 256, 0, err), 1);
	assert_non_null(strstr(err, "ends with white space"));
	assert_int_equal(check("NEAC\xC2\xA0", 256, 0, err), 1);
	assert_int_equal(check("", 256, DB_TEXT_REQUIRED, err), 1);
	assert_non_null(strstr(err, "is required"));
	/* The limit counts characters, not bytes: 4 Vietnamese letters of 3 bytes each. */
	assert_int_equal(check("\xE1\xBB\x87\xE1\xBB\x87\xE1\xBB\x87\xE1\xBB\x87", 4, 0, err), 0);
	assert_int_equal(check("\xE1\xBB\x87\xE1\xBB\x87\xE1\xBB\x87\xE1\xBB\x87", 3, 0, err), 1);
	assert_non_null(strstr(err, "at most 3"));
}

static long long count(const char *name, const char *sql)
{
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
	return db_fixture_sql_int(path, sql);
}

static void registry_refuses_bad_text_at_every_entry_and_writes_nothing(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("text.db");
	char err[512];
	long long audit_before = count("text.db", "SELECT count(*) FROM audit");

	struct db_tsp_input tsp = {DB_TSP_FOREIGN, "A\x01" "B", "Example", NULL, "S", "L", "DE",
				   "https://example.de", NULL};
	int64_t id;
	assert_int_equal(db_tsp_add(db, "olga", &tsp, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "name_vi"));
	tsp.name_vi = "Ví dụ";
	tsp.street = "Stra\xDF" "e 1"; /* Latin-1 ß */
	assert_int_equal(db_tsp_add(db, "olga", &tsp, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "street"));
	assert_non_null(strstr(err, "UTF-8"));

	char pem[4096];
	db_fixture_pki("pem/ca-cmc-ca-2025.pem", pem, sizeof pem);
	size_t len;
	unsigned char *data = db_fixture_read(pem, &len);
	struct db_import_options o = {.tsp_id = 3, .actor = "olga", .decision_ref = "QĐ\x01" "1",
				      .effective = DB_FIXTURE_DECISION_DATE};
	struct db_import_report r;
	assert_int_equal(db_cert_import(db, data, len, pem, &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "decision_ref"));
	db_import_report_free(&r);
	o.decision_ref = "QĐ 1";
	o.reason = "ok\x1B[31m";
	assert_int_equal(db_cert_import(db, data, len, pem, &o, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "reason"));
	db_import_report_free(&r);
	free(data);

	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	long long audit_mid = count("text.db", "SELECT count(*) FROM audit");
	struct db_change_input ch = {sid, DB_STATUS_SUSPENDED, 0, "audit finding", "QĐ\x01"};
	assert_int_equal(db_change_propose(db, "olga", &ch, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "decision_ref"));
	ch.decision_ref = "QĐ 2";
	ch.reason = "Vi\xEAt";
	assert_int_equal(db_change_propose(db, "sp-one", &ch, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "reason"));
	ch.reason = "audit finding";
	assert_int_equal(db_change_propose(db, "olga", &ch, &id, err, sizeof err), 0);
	assert_int_equal(db_change_reject(db, "anh", id, "no\x07", err, sizeof err), 1);
	assert_int_equal(db_change_approve(db, "anh", id, "fine\x01", err, sizeof err), 1);
	assert_non_null(strstr(err, "note"));

	assert_int_equal(count("text.db", "SELECT count(*) FROM tsp"), 4);
	assert_int_equal(count("text.db", "SELECT count(*) FROM change_request WHERE state = 'pending'"), 1);
	/* the one import and the one proposal that were accepted, nothing else */
	assert_int_equal(audit_mid, audit_before + 1);
	assert_int_equal(count("text.db", "SELECT count(*) FROM audit"), audit_mid + 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_vietnamese_and_every_plane),
		cmocka_unit_test(refuses_control_characters_naming_the_field),
		cmocka_unit_test(refuses_invalid_utf8),
		cmocka_unit_test(refuses_outer_space_and_excess_length),
		cmocka_unit_test(registry_refuses_bad_text_at_every_entry_and_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
