/* Values checked where a TSP enters the registry: the country is an assigned
 * ISO 3166-1 alpha-2 code, the information URI an absolute http(s) URI with
 * a host, the e-mail address name@domain with one '@'.  A refused value
 * names itself and adds nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db/registry.h"
#include "tests/lib/db_fixture.h"

/* English names are unique in the registry: each input gets its own. */
static struct db_tsp_input foreign(const char *country, const char *uri, const char *email)
{
	static char names[64][32];
	static unsigned n;
	char *name = names[n++ % 64];
	snprintf(name, sizeof names[0], "Provider %u", n);
	struct db_tsp_input in = {DB_TSP_FOREIGN, "Nhà cung cấp", name, NULL, "1 Street", "City",
				  country, uri, email};
	return in;
}

/* db_tsp_add's verdict; a refusal must name `named` and add nothing. */
static int add(struct db *db, struct db_tsp_input in, const char *named)
{
	char err[512] = "";
	int64_t id = 0;
	size_t before = 0, after = 0;
	struct db_tsp *list = NULL;
	assert_int_equal(db_tsp_list(db, &list, &before, err, sizeof err), 0);
	db_tsps_free(list, before);
	int rc = db_tsp_add(db, "olga", &in, &id, err, sizeof err);
	assert_int_equal(db_tsp_list(db, &list, &after, err + 256, 256), 0);
	db_tsps_free(list, after);
	if (rc != 0) {
		assert_int_equal(after, before);
		if (named)
			assert_non_null(strstr(err, named));
	}
	return rc;
}

static void country_must_be_assigned(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("country.db");
	assert_int_equal(add(db, foreign("SG", "https://sg.example", NULL), NULL), 0);
	assert_int_equal(add(db, foreign("AX", "https://ax.example", NULL), NULL), 0);
	assert_int_equal(add(db, foreign("ZW", "https://zw.example", NULL), NULL), 0);
	assert_int_equal(add(db, foreign("XX", "https://xx.example", NULL), "'XX'"), 1);
	assert_int_equal(add(db, foreign("UK", "https://uk.example", NULL), "'UK'"), 1); /* GB is assigned */
	assert_int_equal(add(db, foreign("EU", "https://eu.example", NULL), "'EU'"), 1);
	assert_int_equal(add(db, foreign("sg", "https://sg.example", NULL), "'sg'"), 1);
	assert_int_equal(add(db, foreign("SGP", "https://sg.example", NULL), "'SGP'"), 1);
	assert_int_equal(add(db, foreign("", "https://sg.example", NULL), "ISO 3166-1"), 1);
	db_close(db);
}

static void uri_must_be_absolute_web(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("uri.db");
	assert_int_equal(add(db, foreign("DE", "https://one.example/tsp?x=1", NULL), NULL), 0);
	assert_int_equal(add(db, foreign("DE", "http://one.example", NULL), NULL), 0);
	assert_int_equal(add(db, foreign("DE", "https://", NULL), "'https://'"), 1);
	assert_int_equal(add(db, foreign("DE", "https:///path", NULL), "'https:///path'"), 1);
	assert_int_equal(add(db, foreign("DE", "ftp://one.example", NULL), "'ftp://one.example'"), 1);
	assert_int_equal(add(db, foreign("DE", "one.example", NULL), "'one.example'"), 1);
	assert_int_equal(add(db, foreign("DE", "https://one example", NULL), "'https://one example'"), 1);
	db_close(db);
}

static void email_must_have_one_at(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("email.db");
	assert_int_equal(add(db, foreign("FR", "https://two.example", "tl@two.example"), NULL), 0);
	assert_int_equal(add(db, foreign("FR", "https://two.example", ""), NULL), 0); /* none given */
	assert_int_equal(add(db, foreign("FR", "https://two.example", "a@b@two.example"), "'a@b@two.example'"), 1);
	assert_int_equal(add(db, foreign("FR", "https://two.example", "two.example"), "'two.example'"), 1);
	assert_int_equal(add(db, foreign("FR", "https://two.example", "@two.example"), "'@two.example'"), 1);
	assert_int_equal(add(db, foreign("FR", "https://two.example", "tl@localhost"), "'tl@localhost'"), 1);
	assert_int_equal(add(db, foreign("FR", "https://two.example", "mailto:tl@two.example"), "mailto"), 1);
	assert_int_equal(add(db, foreign("FR", "https://two.example", "t l@two.example"), "'t l@two.example'"), 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(country_must_be_assigned),
		cmocka_unit_test(uri_must_be_absolute_web),
		cmocka_unit_test(email_must_have_one_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
