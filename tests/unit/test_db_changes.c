/* The four-eyes change flow and the status rules. */
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

static int propose(struct db *db, const char *who, int64_t sid, enum db_status to, int64_t eff, int64_t *id,
		   char *err)
{
	struct db_change_input in = {sid, to, eff, "audit finding", "QĐ 12/QĐ-BKHCN"};
	return db_change_propose(db, who, &in, id, err, 512);
}

static void propose_then_approve_by_another_applies(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("flow.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	assert_int_equal(propose(db, "olga", sid, DB_STATUS_SUSPENDED, 0, &id, err), 0);
	assert_int_equal(q("flow.db", "SELECT status FROM service"), DB_STATUS_RECOGNISED);
	assert_int_equal(db_change_approve(db, "olga", id, NULL, err, sizeof err), 1); /* not an approver */
	assert_int_equal(db_change_approve(db, "anh", id, "ok", err, sizeof err), 0);
	assert_int_equal(q("flow.db", "SELECT status FROM service"), DB_STATUS_SUSPENDED);
	assert_int_equal(q("flow.db", "SELECT count(*) FROM status_history"), 2);
	assert_int_equal(q("flow.db", "SELECT count(*) FROM audit WHERE action = 'change.apply'"), 1);
	struct db_change c;
	assert_int_equal(db_change_get(db, id, &c, err, sizeof err), 0);
	assert_int_equal(c.state, DB_CHANGE_APPLIED);
	assert_string_equal(c.proposed_by, "olga");
	assert_string_equal(c.decided_by, "anh");
	assert_string_equal(c.decision_ref, "QĐ 12/QĐ-BKHCN");
	db_change_clear(&c);
	assert_int_equal(db_change_approve(db, "bao", id, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "already applied"));
	db_close(db);
}

static void proposer_can_never_decide_own_change(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("foureyes.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	assert_int_equal(propose(db, "bao", sid, DB_STATUS_SUSPENDED, 0, &id, err), 0); /* bao: officer+approver */
	assert_int_equal(db_change_approve(db, "bao", id, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "four eyes"));
	assert_int_equal(db_change_reject(db, "bao", id, "no", err, sizeof err), 1);
	assert_int_equal(q("foureyes.db", "SELECT state = 'pending' FROM change_request"), 1);
	assert_int_equal(db_change_reject(db, "anh", id, "", err, sizeof err), 1);
	assert_int_equal(db_change_reject(db, "anh", id, "wrong decision number", err, sizeof err), 0);
	assert_int_equal(q("foureyes.db", "SELECT state = 'rejected' FROM change_request"), 1);
	assert_int_equal(q("foureyes.db", "SELECT status FROM service"), DB_STATUS_RECOGNISED);
	assert_int_equal(q("foureyes.db", "SELECT count(*) FROM audit WHERE action = 'change.reject'"), 1);
	db_close(db);
}

static void illegal_transitions_are_refused(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("transitions.db");
	int64_t foreign = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	int64_t root = db_fixture_import(db, 1, "pem/root-neac-vnrca-rs-2025.pem"), id;
	char err[512];
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_GRANTED, 0, &id, err), 1);
	assert_non_null(strstr(err, "recognised -> granted"));
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_RECOGNISED, 0, &id, err), 1);
	assert_int_equal(propose(db, "olga", root, DB_STATUS_SUSPENDED, 0, &id, err), 1);
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_SUSPENDED, 0, &id, err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_RECOGNISED, 0, &id, err), 0); /* suspended -> recognised */
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_WITHDRAWN, 0, &id, err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(propose(db, "olga", foreign, DB_STATUS_SUSPENDED, 0, &id, err), 1);
	assert_non_null(strstr(err, "only a reinstatement (recognised)"));
	assert_int_equal(propose(db, "olga", root, DB_STATUS_WITHDRAWN, 0, &id, err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(propose(db, "olga", root, DB_STATUS_WITHDRAWN, 0, &id, err), 1);
	assert_true(db_status_transition_allowed(DB_TSP_PUBLIC_CA, DB_STATUS_GRANTED, DB_STATUS_WITHDRAWN));
	/* a withdrawal made by mistake is reinstated by a change under four eyes */
	assert_true(db_status_transition_allowed(DB_TSP_PUBLIC_CA, DB_STATUS_WITHDRAWN, DB_STATUS_GRANTED));
	assert_true(db_status_transition_allowed(DB_TSP_FOREIGN, DB_STATUS_WITHDRAWN, DB_STATUS_RECOGNISED));
	assert_false(db_status_transition_allowed(DB_TSP_FOREIGN, DB_STATUS_WITHDRAWN, DB_STATUS_SUSPENDED));
	db_close(db);
}

static void transition_is_rechecked_at_approval(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("recheck.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), a, b;
	char err[512];
	assert_int_equal(propose(db, "olga", sid, DB_STATUS_SUSPENDED, 0, &a, err), 0);
	assert_int_equal(propose(db, "olga", sid, DB_STATUS_SUSPENDED, 0, &b, err), 0);
	assert_int_equal(db_change_approve(db, "anh", a, NULL, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", b, NULL, err, sizeof err), 1);
	assert_non_null(strstr(err, "suspended -> suspended"));
	assert_int_equal(q("recheck.db", "SELECT count(*) FROM status_history"), 2);
	assert_int_equal(q("recheck.db", "SELECT state = 'pending' FROM change_request WHERE id = 2"), 1);
	db_close(db);
}

static void past_and_future_effective_times(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("times.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	int64_t now = db_now();
	assert_int_equal(propose(db, "olga", sid, DB_STATUS_SUSPENDED, DB_FIXTURE_DECISION_DATE - 86400, &id, err), 1);
	assert_non_null(strstr(err, "precedes"));
	assert_int_equal(propose(db, "olga", sid, DB_STATUS_SUSPENDED, now + 86400 * 30, &id, err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_cert_row row;
	assert_int_equal(db_cert_show(db, "be9f0535", &row, err, sizeof err), 0);
	assert_int_equal(row.status_now, DB_STATUS_RECOGNISED); /* the suspension is not in force yet */
	assert_int_equal(row.timeline_count, 2);
	assert_int_equal(row.timeline[1].status, DB_STATUS_SUSPENDED);
	assert_int_equal(row.timeline[1].effective, now + 86400 * 30);
	db_cert_row_clear(&row);
	db_close(db);
}

static void provider_proposes_only_for_its_own_tsp(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("provider.db");
	int64_t own = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	int64_t other = db_fixture_import(db, 4, "pem/ca-e-ca-2023.pem"), id;
	char err[512];
	assert_int_equal(propose(db, "sp-one", other, DB_STATUS_SUSPENDED, 0, &id, err), 1);
	assert_non_null(strstr(err, "own TSP"));
	assert_null(strstr(err, "TSP 4")); /* the other provider's id is not revealed */
	char other_err[512];
	snprintf(other_err, sizeof other_err, "%s", err);
	/* nor whether a service exists: the same answer but for the number */
	assert_int_equal(propose(db, "sp-one", 9999, DB_STATUS_SUSPENDED, 0, &id, err), 1);
	char expected[512];
	snprintf(expected, sizeof expected, "service 9999 is not a service of your TSP (3)");
	assert_non_null(strstr(err, expected));
	assert_non_null(strstr(other_err, "is not a service of your TSP (3)"));
	assert_int_equal(propose(db, "sp-one", own, DB_STATUS_SUSPENDED, 0, &id, err), 0);
	assert_int_equal(db_change_approve(db, "sp-one", id, NULL, err, sizeof err), 1);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_change *list;
	size_t n;
	assert_int_equal(db_change_list(db, -1, 4, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	db_changes_free(list, n);
	assert_int_equal(db_change_list(db, DB_CHANGE_APPLIED, 0, &list, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	db_changes_free(list, n);
	assert_int_equal(propose(db, "an", own, DB_STATUS_RECOGNISED, 0, &id, err), 1); /* auditor */
	struct db_change_input bad = {own, DB_STATUS_RECOGNISED, 0, "", "QĐ"};
	assert_int_equal(db_change_propose(db, "olga", &bad, &id, err, sizeof err), 1);
	assert_non_null(strstr(err, "reason"));
	db_close(db);
}

/* Pages for vntld's listings (issue 19): id > after, at most limit, and the
 * same ids as the whole list, in order; TSPs and certificates likewise. */
/* Issue 18: a provider's waiting proposals are limited inside the
 * proposal's own transaction (2 with a message); staff are not limited. */
static void provider_pending_proposals_are_limited(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("pending.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	struct db_change_input in = {sid, DB_STATUS_SUSPENDED, 0, "key lost", "SP-1"};
	for (int i = 0; i < 2; i++)
		assert_int_equal(db_change_propose_limited(db, "sp-one", &in, 2, &id, err, sizeof err), 0);
	assert_int_equal(db_change_propose_limited(db, "sp-one", &in, 2, &id, err, sizeof err), 2);
	assert_non_null(strstr(err, "already has 2 proposals waiting"));
	assert_int_equal(q("pending.db", "SELECT count(*) FROM change_request"), 2);
	/* 0: no limit; staff never limited */
	assert_int_equal(db_change_propose_limited(db, "sp-one", &in, 0, &id, err, sizeof err), 0);
	assert_int_equal(db_change_propose_limited(db, "olga", &in, 1, &id, err, sizeof err), 0);
	/* a decision frees a place */
	assert_int_equal(db_change_reject(db, "anh", id - 1, "duplicate", err, sizeof err), 0);
	assert_int_equal(db_change_propose_limited(db, "sp-one", &in, 3, &id, err, sizeof err), 0);
	assert_int_equal(db_change_propose_limited(db, "sp-one", &in, 3, &id, err, sizeof err), 2);
	db_close(db);
}

static void listings_come_in_pages(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("pages.db");
	int64_t svc = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	for (int i = 0; i < 5; i++)
		assert_int_equal(propose(db, "olga", svc, DB_STATUS_SUSPENDED, 0, &id, err), 0);
	struct db_change *all, *page;
	size_t n_all, n;
	assert_int_equal(db_change_list(db, -1, 0, &all, &n_all, err, sizeof err), 0);
	assert_int_equal(n_all, 5);
	assert_int_equal(db_change_list_page(db, -1, 0, all[1].id, 2, &page, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(page[0].id, all[2].id);
	assert_int_equal(page[1].id, all[3].id);
	db_changes_free(page, n);
	assert_int_equal(db_change_list_page(db, -1, 0, all[4].id, 2, &page, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	db_changes_free(page, n);
	assert_int_equal(db_change_list_page(db, -1, 4, 0, 10, &page, &n, err, sizeof err), 0);
	assert_int_equal(n, 0); /* still scoped to a provider's TSP */
	db_changes_free(page, n);
	db_changes_free(all, n_all);
	struct db_tsp *tsps;
	assert_int_equal(db_tsp_list_page(db, 1, 2, &tsps, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(tsps[0].id, 2);
	assert_int_equal(tsps[1].id, 3);
	db_tsps_free(tsps, n);
	struct db_cert_row *rows;
	assert_int_equal(db_cert_list_page(db, 0, 0, 1, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].service_id, svc);
	db_cert_rows_free(rows, n);
	assert_int_equal(db_cert_list_page(db, 0, svc, 1, &rows, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	db_cert_rows_free(rows, n);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(propose_then_approve_by_another_applies),
		cmocka_unit_test(proposer_can_never_decide_own_change),
		cmocka_unit_test(illegal_transitions_are_refused),
		cmocka_unit_test(transition_is_rechecked_at_approval),
		cmocka_unit_test(past_and_future_effective_times),
		cmocka_unit_test(provider_proposes_only_for_its_own_tsp),
		cmocka_unit_test(provider_pending_proposals_are_limited),
		cmocka_unit_test(listings_come_in_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
