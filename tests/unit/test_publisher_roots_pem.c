/* roots.pem: the anchors granted at issue time, and nothing (but a valid,
 * empty file) when every root has been withdrawn. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "publisher/publish.h"
#include "tests/lib/publisher_fixture.h"

static size_t count_certs(const char *pem)
{
	size_t n = 0;
	for (const char *p = pem; (p = strstr(p, "BEGIN CERTIFICATE")); p++)
		n++;
	return n;
}

static void holds_the_roots_granted_at_issue_time(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	size_t len = 0;
	char *pem = publisher_roots_pem(snap, now, &len);
	assert_non_null(pem);
	/* NEAC root, government root, public CA A's granted certificate and
	 * public CA B (withdrawn only in 5 days); not A's withdrawn one, not foreign. */
	assert_int_equal(count_certs(pem), 4);
	assert_int_equal(strlen(pem), len);
	free(pem);
	/* in 6 days B is withdrawn too */
	pem = publisher_roots_pem(snap, now + 6 * 86400, &len);
	assert_non_null(pem);
	assert_int_equal(count_certs(pem), 3);
	free(pem);
	pf_snapshot_free(snap);
}

static void is_empty_when_every_root_is_withdrawn(void **state)
{
	(void)state;
	int64_t now = (int64_t)time(NULL);
	struct db_snapshot *snap = pf_snapshot(now);
	for (size_t i = 0; i < snap->tsp_count; i++) {
		struct db_tsp *tsp = &snap->tsps[i];
		if (tsp->kind == DB_TSP_FOREIGN)
			continue;
		for (size_t j = 0; j < tsp->service_count; j++) {
			struct db_service *s = &tsp->services[j];
			if (s->timeline[s->timeline_count - 1].status != DB_STATUS_WITHDRAWN)
				pf_add_status(s, DB_STATUS_WITHDRAWN, now - 60, "QĐ test");
		}
	}
	/* at now + 6 days public CA B's future-dated withdrawal has taken effect too */
	size_t len = 99;
	char *pem = publisher_roots_pem(snap, now + 6 * 86400, &len);
	assert_non_null(pem);
	assert_int_equal(len, 0);
	assert_string_equal(pem, "");
	free(pem);
	pf_snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holds_the_roots_granted_at_issue_time),
		cmocka_unit_test(is_empty_when_every_root_is_withdrawn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
