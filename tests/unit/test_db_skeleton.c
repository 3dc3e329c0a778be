/* Confusable skeletons: names a reader takes for the same compare equal,
 * names that differ do not. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/skeleton.h"

static void assert_same(const char *a, const char *b)
{
	char *sa = db_skeleton(a), *sb = db_skeleton(b);
	assert_non_null(sa);
	assert_non_null(sb);
	if (strcmp(sa, sb) != 0)
		fail_msg("'%s' (%s) and '%s' (%s) should look alike", a, sa, b, sb);
	free(sa);
	free(sb);
}

static void assert_differ(const char *a, const char *b)
{
	char *sa = db_skeleton(a), *sb = db_skeleton(b);
	assert_non_null(sa);
	assert_non_null(sb);
	if (strcmp(sa, sb) == 0)
		fail_msg("'%s' and '%s' should differ (both %s)", a, b, sa);
	free(sa);
	free(sb);
}

static void folds_vietnamese_diacritics_composed_and_combining(void **state)
{
	(void)state;
	assert_same("cn=trung tâm chứng thực điện tử quốc gia", "cn=trung tam chung thuc dien tu quoc gia");
	assert_same("CN=Ủy ban Ơ Ư", "cn=uy ban o u");
	/* "ệ" as e + U+0323 + U+0302 (decomposed) */
	assert_same("vi\xE1\xBB\x87t", "vie\xCC\xA3\xCC\x82t");
	assert_same("Đà Nẵng", "da nang");
	assert_same("Ångström Œuvre Łódź", "angstrom ouvre lodz");
}

static void folds_scripts_fullwidth_digits_and_punctuation(void **state)
{
	(void)state;
	assert_same("cn=mic national root ca", "cn=m\xD1\x96\xD1\x81 national r\xD0\xBE\xD0\xBEt \xD1\x81\xD0\xB0");
	assert_same("MISA-CA", "misa ca");
	assert_same("MISA-CA", "\xEF\xBC\xAD\xEF\xBC\xA9\xEF\xBC\xB3\xEF\xBC\xA1 CA"); /* fullwidth MISA */
	assert_same("VNPT-CA 0l", "vnpt_ca o1");
	assert_same("FPT\xE2\x80\x8B" "CA", "FPT CA"); /* zero-width space */
	assert_same("CA2\xE2\x80\x93G2", "ca2-g2"); /* en dash */
}

static void keeps_different_names_apart(void **state)
{
	(void)state;
	assert_differ("cn=vnpt-ca", "cn=viettel-ca");
	assert_differ("cn=ca2", "cn=ca3");
	assert_differ("cn=東京", "cn=大阪");
	assert_differ("o=misa", "o=mise");
}

static void keeps_invalid_bytes_without_crashing(void **state)
{
	(void)state;
	char *s = db_skeleton("a\xFF\xE1\xBB");
	assert_non_null(s);
	assert_string_equal(s, "a\xFF\xE1\xBB");
	free(s);
	s = db_skeleton("");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_vietnamese_diacritics_composed_and_combining),
		cmocka_unit_test(folds_scripts_fullwidth_digits_and_punctuation),
		cmocka_unit_test(keeps_different_names_apart),
		cmocka_unit_test(keeps_invalid_bytes_without_crashing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
