/* The console's searches in SQL (db/search.c): certificates by text,
 * country and status with LIKE wildcards taken literally; the audit log by
 * actor, action prefix and time; where a service was published; the
 * decisions behind its status entries. */
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

static size_t hits(struct db *db, const struct db_cert_query *q, size_t *total)
{
	struct db_cert_hit *h = NULL;
	size_t n = 0, all = 0;
	char err[512];
	assert_int_equal(db_cert_search(db, q, &h, &n, &all, err, sizeof err), 0);
	db_cert_hits_free(h, n);
	if (total)
		*total = all;
	return n;
}

static void certificates_by_text_country_and_status(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("search-certs.db");
	int64_t foreign = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	db_fixture_import(db, 1, "rootca-p7b/vnrca-rs.p7b");
	struct db_cert_query q = {.text = "foreign one"}; /* the provider's name, case ignored */
	assert_int_equal(hits(db, &q, NULL), 1);
	struct db_cert_hit *h = NULL;
	size_t n = 0, total = 0;
	char err[512];
	assert_int_equal(db_cert_search(db, &q, &h, &n, &total, err, sizeof err), 0);
	assert_int_equal(h[0].service_id, foreign);
	char prefix[9], country[3];
	snprintf(prefix, sizeof prefix, "%.8s", h[0].sha256);
	snprintf(country, sizeof country, "%s", h[0].country);
	country[0] = (char)(country[0] | 0x20); /* case ignored */
	struct db_cert_query by_country = {.country = country};
	db_cert_hits_free(h, n);
	q.text = prefix; /* a SHA-256 prefix */
	assert_int_equal(hits(db, &q, NULL), 1);
	q.text = "%"; /* wildcards are literal */
	assert_int_equal(hits(db, &q, NULL), 0);
	q.text = "_";
	assert_int_equal(hits(db, &q, NULL), 0);
	assert_true(hits(db, &by_country, NULL) >= 1);
	struct db_cert_query all = {.limit = 1};
	assert_int_equal(hits(db, &all, &total), 1);
	assert_true(total >= 2);
	struct db_cert_query suspended = {.status = DB_STATUS_SUSPENDED};
	assert_int_equal(hits(db, &suspended, NULL), 0);
	int64_t id;
	struct db_change_input in = {foreign, DB_STATUS_SUSPENDED, 0, "r", "QĐ 1"};
	assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	assert_int_equal(hits(db, &suspended, NULL), 1);
	db_close(db);
}

static void audit_by_actor_action_and_time(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("search-audit.db");
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	char err[512];
	for (int i = 0; i < 4; i++) {
		struct db_change_input in = {sid, i % 2 ? DB_STATUS_RECOGNISED : DB_STATUS_SUSPENDED, 0, "r", "QĐ"};
		assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
		assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	}
	struct db_audit_query q = {.actor = "anh", .action = "change."};
	struct db_audit_entry *e = NULL;
	size_t n = 0;
	assert_int_equal(db_audit_search(db, &q, &e, &n, err, sizeof err), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(e[i].actor, "anh");
		assert_int_equal(strncmp(e[i].action, "change.", 7), 0);
		if (i)
			assert_true(e[i].id < e[i - 1].id); /* newest first */
	}
	db_audit_entries_free(e, n);
	q.limit = 3;
	assert_int_equal(db_audit_search(db, &q, &e, &n, err, sizeof err), 0);
	assert_int_equal(n, 3);
	db_audit_entries_free(e, n);
	struct db_audit_query later = {.from = db_now() + 3600};
	assert_int_equal(db_audit_search(db, &later, &e, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	free(e);
	struct db_audit_query before = {.to = 1};
	assert_int_equal(db_audit_search(db, &before, &e, &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	free(e);
	db_close(db);
}

static void record(struct db *db, const char *list, int64_t seq, int64_t issued, int64_t upto)
{
	struct db_publication p = {.sequence = seq, .issued = issued, .next_update = issued + 86400,
				   .status_upto = upto};
	snprintf(p.list, sizeof p.list, "%s", list);
	memset(p.sha256, 'a', 64);
	char err[512];
	assert_int_equal(db_publication_record(db, &p, err, sizeof err), 0);
}

/* The highest status entry id now: what a snapshot taken now holds. */
static int64_t status_upto(const char *name)
{
	char path[4096];
	const char *dir = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : "/tmp", name);
	return db_fixture_sql_int(path, "SELECT coalesce(max(id), 0) FROM status_history");
}

static void versions_and_decisions_of_a_service(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("search-versions.db");
	char err[512];
	int64_t now = db_now();
	record(db, "foreign", 1, now, status_upto("search-versions.db")); /* before the import: not in it */
	int64_t sid = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem"), id;
	record(db, "foreign", 2, now + 1, status_upto("search-versions.db"));
	record(db, "roots", 1, now + 1, status_upto("search-versions.db")); /* another list */
	struct db_change_input in = {sid, DB_STATUS_SUSPENDED, 0, "key compromise", "QĐ 7"};
	assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, "checked", err, sizeof err), 0);
	record(db, "foreign", 3, db_now() + 5, status_upto("search-versions.db"));
	struct db_appearance *a = NULL;
	size_t n = 0;
	assert_int_equal(db_cert_appearances(db, sid, &a, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].list, "foreign");
	assert_int_equal(a[0].sequence, 2);
	assert_int_equal(a[0].status, DB_STATUS_RECOGNISED);
	assert_int_equal(a[1].sequence, 3);
	assert_int_equal(a[1].status, DB_STATUS_SUSPENDED);
	free(a);
	struct db_decision *d = NULL;
	assert_int_equal(db_cert_decisions(db, sid, &d, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].change_id, 0); /* the import */
	assert_int_equal(d[1].change_id, id);
	assert_string_equal(d[1].proposed_by, "olga");
	assert_string_equal(d[1].decided_by, "anh");
	assert_string_equal(d[1].note, "checked");
	assert_string_equal(d[1].decision_ref, "QĐ 7");
	db_decisions_free(d, n);
	assert_int_equal(db_cert_appearances(db, 99999, &a, &n, err, sizeof err), 1);
	assert_int_equal(db_cert_decisions(db, 99999, &d, &n, err, sizeof err), 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certificates_by_text_country_and_status),
		cmocka_unit_test(audit_by_actor_action_and_time),
		cmocka_unit_test(versions_and_decisions_of_a_service),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
