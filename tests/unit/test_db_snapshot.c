/* The publisher's snapshot and the publication records. */
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

static const char SHA_A[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static void snapshot_holds_tsps_services_and_timelines(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("snap.db");
	int64_t foreign = db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	db_fixture_import(db, 1, "rootca-p7b/vnrca-rs.p7b");
	db_fixture_import(db, 2, "rootca-p7b/MISA-CA_RS2026.p7b");
	char err[512];
	int64_t id, later = db_now() + 86400 * 10;
	struct db_change_input in = {foreign, DB_STATUS_SUSPENDED, later, "audit", "QĐ 9"};
	assert_int_equal(db_change_propose(db, "olga", &in, &id, err, sizeof err), 0);
	assert_int_equal(db_change_approve(db, "anh", id, NULL, err, sizeof err), 0);
	struct db_publication pub = {"roots", 3, 1000, 2000, "", 0};
	memcpy(pub.sha256, SHA_A, 65);
	assert_int_equal(db_publication_record(db, &pub, err, sizeof err), 0);

	struct db_snapshot *s;
	assert_int_equal(db_snapshot_load(db, &s, err, sizeof err), 0);
	assert_int_equal(s->tsp_count, 4);
	for (size_t i = 1; i < s->tsp_count; i++)
		assert_true(s->tsps[i - 1].kind <= s->tsps[i].kind);
	assert_int_equal(s->tsps[0].kind, DB_TSP_NEAC);
	assert_int_equal(s->tsps[0].service_count, 1);
	assert_string_equal(s->tsps[0].services[0].cert_sha256,
			    "12afeba2545f6fc0f31ec130f31bf2d16184a2b5b7cebcb43cfd1ba35dd4ea46");
	assert_true(s->tsps[0].services[0].cert_der_len > 1000);
	assert_int_equal(s->tsps[1].kind, DB_TSP_PUBLIC_CA);
	assert_int_equal(s->tsps[1].service_count, 1);  /* the bundled root was skipped */
	assert_int_equal(s->tsps[2].service_count, 1);
	const struct db_service *f = &s->tsps[2].services[0];
	assert_int_equal(f->timeline_count, 2);
	assert_int_equal(f->timeline[0].status, DB_STATUS_RECOGNISED);
	assert_int_equal(f->timeline[1].status, DB_STATUS_SUSPENDED);
	assert_int_equal(f->timeline[1].effective, later);
	assert_string_equal(f->timeline[1].decision_ref, "QĐ 9");
	assert_string_equal(f->type_uri, DB_SVCTYPE_CA_PKC);
	assert_string_equal(s->tsps[2].country, "DE");
	assert_true(s->has_last[0]);
	assert_false(s->has_last[1]);
	assert_int_equal(s->last[0].sequence, 3);
	assert_string_equal(s->last[0].sha256, SHA_A);
	db_snapshot_free(s);
	db_close(db);
}

static void publication_sequence_only_grows(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("pub.db");
	char err[512];
	struct db_publication last;
	assert_int_equal(db_publication_last(db, "foreign", &last), 1);
	struct db_publication pub = {"foreign", 5, 1000, 2000, "", 0};
	memcpy(pub.sha256, SHA_A, 65);
	assert_int_equal(db_publication_record(db, &pub, err, sizeof err), 0);
	assert_int_equal(db_publication_record(db, &pub, err, sizeof err), 1);
	assert_non_null(strstr(err, "not greater"));
	pub.sequence = 4;
	assert_int_equal(db_publication_record(db, &pub, err, sizeof err), 1);
	pub.sequence = 6;
	assert_int_equal(db_publication_record(db, &pub, err, sizeof err), 0);
	assert_int_equal(db_publication_last(db, "foreign", &last), 0);
	assert_int_equal(last.sequence, 6);
	assert_int_equal(db_publication_last(db, "roots", &last), 1);
	assert_int_equal(db_publication_last(db, "bogus", &last), -1);
	struct db_publication bad = {"bogus", 1, 1, 2, "", 0};
	assert_int_equal(db_publication_record(db, &bad, err, sizeof err), 1);
	struct db_audit_verdict v;
	assert_int_equal(db_audit_verify(db, &v, err, sizeof err), 0);
	assert_int_equal(v.kind, DB_AUDIT_INTACT);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_holds_tsps_services_and_timelines),
		cmocka_unit_test(publication_sequence_only_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
