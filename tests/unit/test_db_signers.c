/* List signers in the registry (issue 14): register, announce, switch,
 * retire, each a correction under four eyes; the states the publisher reads;
 * the announcement period; the rows are insert-only. */
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

/* The registry file `name` of this test, for SQL straight on it. */
static void reg_path(const char *name, char *out, size_t outlen)
{
	const char *dir = getenv("VNTL_TMP");
	snprintf(out, outlen, "%s/%s", dir ? dir : "/tmp", name);
}

static unsigned char *pki(const char *rel, size_t *len)
{
	char path[4096];
	db_fixture_pki(rel, path, sizeof path);
	return db_fixture_read(path, len);
}

/* Propose as olga, approve as anh: 0, or the refusal's code. */
static int four_eyes(struct db *db, struct db_correction_input *in, char *err)
{
	int64_t id;
	int rc = db_correction_propose(db, "olga", in, &id, err, 512);
	return rc ? rc : db_correction_approve(db, "anh", id, NULL, err, 512);
}

static int step(struct db *db, enum db_correction_action a, const char *label, int64_t wait, char *err)
{
	struct db_correction_input in = {.action = a, .signer = label, .signer_wait = wait, .reason = "rollover"};
	return four_eyes(db, &in, err);
}

static enum db_signer_state state_of(struct db *db, const char *label)
{
	struct db_signer *all;
	size_t n;
	char err[512];
	assert_int_equal(db_signers_list(db, &all, &n, err, sizeof err), 0);
	enum db_signer_state s = (enum db_signer_state)-1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(all[i].label, label) == 0)
			s = all[i].state;
	db_signers_free(all, n);
	return s;
}

static void register_signer(struct db *db, const char *label, const char *key, const char *cert_rel)
{
	size_t len;
	unsigned char *der = pki(cert_rel, &len);
	char err[512];
	struct db_correction_input in = {.action = DB_FIX_SIGNER_REGISTER, .signer = label, .signer_key = key,
					 .signer_cert_der = der, .signer_cert_len = len, .reason = "ceremony"};
	assert_int_equal(four_eyes(db, &in, err), 0);
	free(der);
}

static void rollover_walks_through_the_states(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("signers-walk.db");
	char err[512];
	struct db_signer_plan plan;
	assert_int_equal(db_signer_plan_load(db, &plan, err, sizeof err), 0);
	assert_null(plan.active);   /* none yet: the configuration's bootstrap signer */
	db_signer_plan_free(&plan);

	register_signer(db, "tl-a", "/etc/vntl/a.key", "rootca-p7b/micnrca.crt");
	register_signer(db, "tl-b", "pkcs11:token=neac-tl;object=tl-b", "rootca-p7b/vnrca256.crt");
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_REGISTERED);
	/* a switch to a signer never announced is refused */
	assert_int_equal(step(db, DB_FIX_SIGNER_SWITCH, "tl-a", 0, err), 1);
	assert_non_null(strstr(err, "announced"));
	assert_int_equal(step(db, DB_FIX_SIGNER_ANNOUNCE, "tl-a", 0, err), 0);
	assert_int_equal(step(db, DB_FIX_SIGNER_SWITCH, "tl-a", 0, err), 0);
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_ACTIVE);
	assert_int_equal(step(db, DB_FIX_SIGNER_ANNOUNCE, "tl-b", 0, err), 0);
	assert_int_equal(state_of(db, "tl-b"), DB_SIGNER_ANNOUNCED);
	/* the active signer is not retired */
	assert_int_equal(step(db, DB_FIX_SIGNER_RETIRE, "tl-a", 0, err), 1);
	assert_non_null(strstr(err, "active"));
	assert_int_equal(step(db, DB_FIX_SIGNER_SWITCH, "tl-b", 0, err), 0);
	assert_int_equal(db_signer_plan_load(db, &plan, err, sizeof err), 0);
	assert_non_null(plan.active);
	assert_string_equal(plan.active->label, "tl-b");
	assert_string_equal(plan.active->key, "pkcs11:token=neac-tl;object=tl-b");
	db_signer_plan_free(&plan);
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_PREVIOUS);
	assert_int_equal(step(db, DB_FIX_SIGNER_RETIRE, "tl-a", 0, err), 0);
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_RETIRED);
	/* a retired signer is not announced again */
	assert_int_equal(step(db, DB_FIX_SIGNER_ANNOUNCE, "tl-a", 0, err), 1);
	/* every step is in the audit log, with its proposer and approver */
	char path[4096];
	reg_path("signers-walk.db", path, sizeof path);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM audit WHERE action = 'correction.apply' AND "
						  "detail LIKE '%\"signer.%'"), 7);
	db_close(db);
}

static void four_eyes_and_input_rules(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("signers-rules.db");
	char err[512];
	register_signer(db, "tl-a", "/etc/vntl/a.key", "rootca-p7b/micnrca.crt");
	int64_t id;
	struct db_correction_input in = {.action = DB_FIX_SIGNER_ANNOUNCE, .signer = "tl-a", .reason = "next"};
	assert_int_equal(db_correction_propose(db, "olga", &in, &id, err, sizeof err), 0);
	/* an approver may not approve an announcement they proposed */
	struct db_correction_input own = {.action = DB_FIX_SIGNER_RETIRE, .signer = "tl-a", .reason = "x"};
	int64_t own_id;
	assert_int_equal(db_correction_propose(db, "anh", &own, &own_id, err, sizeof err), 1); /* not an officer */
	assert_int_equal(db_correction_approve(db, "olga", id, NULL, err, sizeof err), 1);     /* not an approver */
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_REGISTERED);
	/* same certificate or label twice, a bad label, a certificate that is not one */
	size_t len;
	unsigned char *der = pki("rootca-p7b/micnrca.crt", &len);
	struct db_correction_input dup = {.action = DB_FIX_SIGNER_REGISTER, .signer = "tl-c", .signer_key = "k",
					  .signer_cert_der = der, .signer_cert_len = len, .reason = "x"};
	assert_int_equal(db_correction_propose(db, "olga", &dup, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "already has this certificate"));
	dup.signer = "bad label";
	assert_int_equal(db_correction_propose(db, "olga", &dup, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "label"));
	dup.signer = "tl-c";
	dup.signer_cert_len = len - 10;
	assert_int_equal(db_correction_propose(db, "olga", &dup, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "not one X.509"));
	free(der);
	db_close(db);
}

static void switch_waits_for_the_announcement_period(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("signers-wait.db");
	char err[512];
	register_signer(db, "tl-a", "/etc/vntl/a.key", "rootca-p7b/micnrca.crt");
	assert_int_equal(step(db, DB_FIX_SIGNER_ANNOUNCE, "tl-a", 0, err), 0);
	assert_int_equal(step(db, DB_FIX_SIGNER_SWITCH, "tl-a", 86400, err), 1);
	assert_non_null(strstr(err, "publish.signer_announce_days"));
	assert_int_equal(state_of(db, "tl-a"), DB_SIGNER_ANNOUNCED);
	db_close(db);
}

static void signer_rows_are_insert_only(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("signers-rows.db");
	char err[512];
	register_signer(db, "tl-a", "/etc/vntl/a.key", "rootca-p7b/micnrca.crt");
	assert_int_equal(step(db, DB_FIX_SIGNER_ANNOUNCE, "tl-a", 0, err), 0);
	db_close(db);
	char path[4096];
	reg_path("signers-rows.db", path, sizeof path);
	assert_int_not_equal(db_fixture_sql(path, "UPDATE signer SET key = '/tmp/evil.key'"), 0);
	assert_int_not_equal(db_fixture_sql(path, "DELETE FROM signer_event"), 0);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM signer WHERE key = '/etc/vntl/a.key'"), 1);
	assert_int_equal(db_fixture_sql_int(path, "SELECT count(*) FROM signer_event"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rollover_walks_through_the_states),
		cmocka_unit_test(four_eyes_and_input_rules),
		cmocka_unit_test(switch_waits_for_the_announcement_period),
		cmocka_unit_test(signer_rows_are_insert_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
