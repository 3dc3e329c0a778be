/* Users, roles, client-certificate lookup, provider secrets and tokens. */
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

static long long q(const char *name, const char *sql)
{
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
	return db_fixture_sql_int(path, sql);
}

static void roles_parse_and_format(void **state)
{
	(void)state;
	unsigned r;
	char err[256], out[64];
	assert_int_equal(db_roles_parse("officer,approver", &r, err, sizeof err), 0);
	assert_int_equal(r, DB_ROLE_OFFICER | DB_ROLE_APPROVER);
	db_roles_format(r, out, sizeof out);
	assert_string_equal(out, "officer,approver");
	assert_int_equal(db_roles_parse("officer,king", &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "king"));
	assert_int_equal(db_roles_parse("", &r, err, sizeof err), 1);
}

static void first_user_bootstraps_then_officers_add(void **state)
{
	(void)state;
	char path[4096], err[512];
	db_fixture_path("boot.db", path, sizeof path);
	struct db *db;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), 0);
	int64_t id;
	struct db_user_input aud = {"aud", DB_ROLE_AUDITOR, 0, NULL, NULL};
	assert_int_equal(db_user_add(db, NULL, &aud, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "first user"));
	struct db_user_input o = {"o1", DB_ROLE_OFFICER, 0,
				  "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89", NULL};
	assert_int_equal(db_user_add(db, NULL, &o, &id, err, sizeof err), 0);
	assert_int_equal(db_user_add(db, NULL, &aud, &id, err, sizeof err), 1); /* no longer bootstrap */
	assert_int_equal(db_user_add(db, "o1", &aud, &id, err, sizeof err), 0);
	struct db_user_input aud2 = {"aud2", DB_ROLE_AUDITOR, 0, NULL, NULL};
	assert_int_equal(db_user_add(db, "aud", &aud2, &id, err, sizeof err), 1); /* auditors do not add users */
	assert_int_equal(db_user_add(db, "o1", &aud, &id, err, sizeof err), 1);   /* duplicate */
	struct db_user u;
	assert_int_equal(db_user_by_cert(db, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", &u,
					 err, sizeof err), 0);
	assert_string_equal(u.name, "o1");
	assert_int_equal(u.roles, DB_ROLE_OFFICER);
	assert_int_equal(db_user_by_cert(db, "00", &u, err, sizeof err), 1);
	struct db_user_input bad = {"sp", DB_ROLE_PROVIDER, 0, NULL, "long enough secret here"};
	assert_int_equal(db_user_add(db, "o1", &bad, &id, err, sizeof err), 1); /* provider without TSP */
	db_close(db);
}

static void provider_secret_is_hashed_and_checked(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("secret.db");
	struct db_user u;
	char err[512];
	assert_int_equal(db_provider_authenticate(db, "sp-one", "correct horse battery", "10.0.0.1", &u, err, sizeof err), 0);
	assert_int_equal(u.tsp_id, 3);
	assert_int_equal(u.roles, DB_ROLE_PROVIDER);
	long long before = q("secret.db", "SELECT count(*) FROM audit WHERE action = 'auth.fail'");
	assert_int_equal(db_provider_authenticate(db, "sp-one", "wrong", "10.0.0.1", &u, err, sizeof err), 1);
	assert_int_equal(db_provider_authenticate(db, "nobody", "correct horse battery", NULL, &u, err, sizeof err), 1);
	assert_int_equal(db_provider_authenticate(db, "olga", "whatever", NULL, &u, err, sizeof err), 1);
	assert_int_equal(q("secret.db", "SELECT count(*) FROM audit WHERE action = 'auth.fail'"), before + 3);
	/* the secret is nowhere in the database */
	assert_int_equal(q("secret.db", "SELECT count(*) FROM audit WHERE detail LIKE '%horse%' OR actor LIKE '%horse%'"), 0);
	assert_int_equal(q("secret.db", "SELECT count(*) FROM account WHERE CAST(secret_hash AS TEXT) LIKE '%horse%'"), 0);
	assert_int_equal(q("secret.db", "SELECT length(secret_salt) FROM account WHERE name = 'sp-one'"), 16);
	db_close(db);
}

static void default_iterations_meet_the_minimum(void **state)
{
	(void)state;
	assert_true(DB_PBKDF2_ITERATIONS >= 100000);
	char path[4096];
	struct db *db = db_fixture_registry("iter.db");
	db_test_set_pbkdf2_iterations(0);  /* back to the production default */
	struct db_user_input sp = {"sp-two", DB_ROLE_PROVIDER, 4, NULL, "another long secret"};
	db_fixture_add_user(db, &sp);
	db_close(db);
	db_fixture_path("unused", path, sizeof path);
	assert_int_equal(q("iter.db", "SELECT secret_iterations FROM account WHERE name = 'sp-two'"), DB_PBKDF2_ITERATIONS);
	db_test_set_pbkdf2_iterations(1000);
}

static void tokens_store_only_a_hash_and_expire(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("token.db");
	struct db_user u;
	char err[512], token[DB_TOKEN_HEX_LEN + 1];
	assert_int_equal(db_provider_authenticate(db, "sp-one", "correct horse battery", NULL, &u, err, sizeof err), 0);
	assert_int_equal(db_token_issue(db, u.id, 3600, token, err, sizeof err), 0);
	assert_int_equal(strlen(token), 64);
	struct db_user t;
	assert_int_equal(db_token_authenticate(db, token, NULL, &t, err, sizeof err), 0);
	assert_string_equal(t.name, "sp-one");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM token WHERE hash = '%s'", token);
	assert_int_equal(q("token.db", sql), 0);
	assert_int_equal(db_token_authenticate(db, "deadbeef", NULL, &t, err, sizeof err), 1);
	struct db_user olga;
	assert_int_equal(db_user_get(db, "olga", &olga, err, sizeof err), 0);
	assert_int_equal(db_token_issue(db, olga.id, 3600, token, err, sizeof err), 1); /* staff get no tokens */
	assert_int_equal(db_token_issue(db, u.id, 1, token, err, sizeof err), 0);
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/token.db", dir ? dir : "/tmp");
	assert_int_equal(db_fixture_sql(path, "UPDATE token SET expires = 1"), 0);
	assert_int_equal(db_token_authenticate(db, token, NULL, &t, err, sizeof err), 1);
	assert_non_null(strstr(err, "expired"));
	db_close(db);
}

static void failed_certificate_login_is_audited_without_junk(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("certfail.db");
	long long before = q("certfail.db", "SELECT count(*) FROM audit WHERE action = 'auth.fail'");
	db_auth_record_failure(db, "cert", "ab12cd34", "192.0.2.7");
	db_auth_record_failure(db, "secret", "pasted secret; DROP TABLE", "not an address");
	assert_int_equal(q("certfail.db", "SELECT count(*) FROM audit WHERE action = 'auth.fail'"), before + 2);
	assert_int_equal(q("certfail.db", "SELECT count(*) FROM audit WHERE actor = 'ab12cd34' AND detail LIKE '%192.0.2.7%'"), 1);
	assert_int_equal(q("certfail.db", "SELECT count(*) FROM audit WHERE actor LIKE '%pasted%' OR detail LIKE '%not an%'"), 0);
	struct db_audit_verdict v;
	char err[256];
	assert_int_equal(db_audit_verify(db, &v, err, sizeof err), 0);
	assert_int_equal(v.kind, DB_AUDIT_INTACT);
	db_close(db);
}

/* For vntld's aggregation (issue 19): the checks write no audit entry, the
 * summary entry carries its count, the chain stays intact. */
static void checks_without_audit_and_summed_failures(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("summed.db");
	const char *count_sql = "SELECT count(*) FROM audit WHERE action = 'auth.fail'";
	long long before = q("summed.db", count_sql);
	struct db_user u;
	char err[512];
	assert_int_equal(db_provider_check(db, "sp-one", "wrong", &u, err, sizeof err), 1);
	assert_int_equal(db_provider_check(db, "nobody", "wrong", &u, err, sizeof err), 1);
	assert_int_equal(db_token_check(db, "deadbeef", &u, err, sizeof err), 1);
	assert_int_equal(q("summed.db", count_sql), before);
	assert_int_equal(db_provider_check(db, "sp-one", "correct horse battery", &u, err, sizeof err), 0);
	assert_string_equal(u.name, "sp-one");
	db_auth_record_failures(db, "cert", "none", "192.0.2.9", 499);
	db_auth_record_failures(db, "nonsense\"}", "none", "192.0.2.9", 1);
	assert_int_equal(q("summed.db", count_sql), before + 2);
	assert_int_equal(q("summed.db", "SELECT count(*) FROM audit WHERE detail = "
				       "'{\"method\":\"cert\",\"peer\":\"192.0.2.9\",\"count\":499}'"), 1);
	assert_int_equal(q("summed.db", "SELECT count(*) FROM audit WHERE detail LIKE '%nonsense%'"), 0);
	struct db_audit_verdict v;
	assert_int_equal(db_audit_verify(db, &v, err, sizeof err), 0);
	assert_int_equal(v.kind, DB_AUDIT_INTACT);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_parse_and_format),
		cmocka_unit_test(first_user_bootstraps_then_officers_add),
		cmocka_unit_test(provider_secret_is_hashed_and_checked),
		cmocka_unit_test(default_iterations_meet_the_minimum),
		cmocka_unit_test(tokens_store_only_a_hash_and_expire),
		cmocka_unit_test(failed_certificate_login_is_audited_without_junk),
		cmocka_unit_test(checks_without_audit_and_summed_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
