/* The configuration file reader: values, overrides, comments, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/config.h"

static char path[4096];

static void write_config(const char *text)
{
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/test.conf", dir ? dir : "/tmp");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void reads_keys_ignoring_comments_and_blanks(void **state)
{
	(void)state;
	write_config("# comment\n\n db =  /var/lib/vntl/r.db  \npublish.out=/srv/pub\n");
	struct vntl_config *cfg;
	char err[256];
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), 0);
	assert_string_equal(vntl_config_get(cfg, "db", NULL), "/var/lib/vntl/r.db");
	assert_string_equal(vntl_config_get(cfg, "publish.out", NULL), "/srv/pub");
	assert_string_equal(vntl_config_get(cfg, "absent", "dflt"), "dflt");
	assert_string_equal(vntl_config_path(cfg), path);
	vntl_config_free(cfg);
}

static void later_line_overrides_earlier(void **state)
{
	(void)state;
	write_config("a = 1\na = 2\n");
	struct vntl_config *cfg;
	char err[256];
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), 0);
	assert_string_equal(vntl_config_get(cfg, "a", NULL), "2");
	vntl_config_free(cfg);
}

static void line_without_equals_is_refused_with_line_number(void **state)
{
	(void)state;
	write_config("a = 1\nnonsense\n");
	struct vntl_config *cfg = (struct vntl_config *)1;
	char err[256] = "";
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), -1);
	assert_null(cfg);
	assert_non_null(strstr(err, ":2:"));
}

static void invalid_key_is_refused(void **state)
{
	(void)state;
	write_config("bad key = 1\n");
	struct vntl_config *cfg;
	char err[256] = "";
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid key"));
}

static void named_missing_file_is_an_error(void **state)
{
	(void)state;
	struct vntl_config *cfg;
	char err[256] = "";
	assert_int_equal(vntl_config_load("/nonexistent/vntl.conf", &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/vntl.conf"));
}

static void environment_names_the_file(void **state)
{
	(void)state;
	write_config("db = from-env\n");
	setenv("VNTL_CONFIG", path, 1);
	struct vntl_config *cfg;
	char err[256];
	assert_int_equal(vntl_config_load(NULL, &cfg, err, sizeof err), 0);
	unsetenv("VNTL_CONFIG");
	assert_string_equal(vntl_config_get(cfg, "db", NULL), "from-env");
	vntl_config_free(cfg);
}

static void integers_are_range_checked(void **state)
{
	(void)state;
	write_config("n = 42\nbad = 4x\nbig = 99999\n");
	struct vntl_config *cfg;
	char err[256];
	long v;
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), 0);
	assert_int_equal(vntl_config_get_long(cfg, "n", 0, 1, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(vntl_config_get_long(cfg, "absent", 7, 1, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(vntl_config_get_long(cfg, "bad", 0, 1, 100, &v, err, sizeof err), -1);
	assert_int_equal(vntl_config_get_long(cfg, "big", 0, 1, 100, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "big"));
	vntl_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_keys_ignoring_comments_and_blanks),
		cmocka_unit_test(later_line_overrides_earlier),
		cmocka_unit_test(line_without_equals_is_refused_with_line_number),
		cmocka_unit_test(invalid_key_is_refused),
		cmocka_unit_test(named_missing_file_is_an_error),
		cmocka_unit_test(environment_names_the_file),
		cmocka_unit_test(integers_are_range_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
