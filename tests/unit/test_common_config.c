/* The configuration file reader: values, overrides, comments, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/config.h"

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
	write_config("publish.out = 1\npublish.out = 2\n");
	struct vntl_config *cfg;
	char err[256];
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), 0);
	assert_string_equal(vntl_config_get(cfg, "publish.out", NULL), "2");
	vntl_config_free(cfg);
}

static void line_without_equals_is_refused_with_line_number(void **state)
{
	(void)state;
	write_config("db = 1\nnonsense\n");
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

/* A misspelt key would otherwise leave its setting at the default unseen. */
static void unknown_key_is_refused_with_file_line_and_guess(void **state)
{
	(void)state;
	write_config("db = r.db\n# the port\nserver.prot = 8443\n");
	struct vntl_config *cfg = (struct vntl_config *)1;
	char err[4300] = "", want[4300];
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), -1);
	assert_null(cfg);
	snprintf(want, sizeof want, "%s:3: unknown key 'server.prot' (did you mean server.port?)", path);
	assert_string_equal(err, want);
}

static void unknown_key_far_from_any_is_refused_without_guess(void **state)
{
	(void)state;
	write_config("colour = blue\n");
	struct vntl_config *cfg;
	char err[256] = "";
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: unknown key 'colour'"));
	assert_null(strstr(err, "did you mean"));
}

static void every_component_key_is_known(void **state)
{
	(void)state;
	static const char *const keys[] = {"db", "publish.out", "publish.key", "server.port",
					   "server.publish_interval", "provider.max_pending",
					   "admin.max_ahead_days"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_true(vntl_config_key_is_known(keys[i]));
	assert_false(vntl_config_key_is_known("server"));
	assert_false(vntl_config_key_is_known("server.prot"));
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
	write_config("publish.due_days = 42\npublish.next_update_days = 4x\npublish.max_drop_percent = 99999\n");
	struct vntl_config *cfg;
	char err[256];
	long v;
	assert_int_equal(vntl_config_load(path, &cfg, err, sizeof err), 0);
	assert_int_equal(vntl_config_get_long(cfg, "publish.due_days", 0, 1, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(vntl_config_get_long(cfg, "absent", 7, 1, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(vntl_config_get_long(cfg, "publish.next_update_days", 0, 1, 100, &v, err, sizeof err), -1);
	assert_int_equal(vntl_config_get_long(cfg, "publish.max_drop_percent", 0, 1, 100, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "publish.max_drop_percent"));
	vntl_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_keys_ignoring_comments_and_blanks),
		cmocka_unit_test(later_line_overrides_earlier),
		cmocka_unit_test(line_without_equals_is_refused_with_line_number),
		cmocka_unit_test(invalid_key_is_refused),
		cmocka_unit_test(unknown_key_is_refused_with_file_line_and_guess),
		cmocka_unit_test(unknown_key_far_from_any_is_refused_without_guess),
		cmocka_unit_test(every_component_key_is_known),
		cmocka_unit_test(named_missing_file_is_an_error),
		cmocka_unit_test(environment_names_the_file),
		cmocka_unit_test(integers_are_range_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
