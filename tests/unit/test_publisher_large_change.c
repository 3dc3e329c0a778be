/* The large-change rule: what a publication would drop from the lists
 * published now, and when that needs an approver's confirmation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "publisher/large_change.h"
#include "publisher/publish.h"
#include "publisher/xades.h"
#include "tests/lib/publisher_fixture.h"

static int64_t now;

/* The pf_snapshot registry, published once at `now`. */
static int setup(void **state)
{
	static int counter;
	assert_int_equal(publisher_crypto_init(), 0);
	now = (int64_t)time(NULL);
	char out[64], err[512] = "";
	snprintf(out, sizeof out, "large%d", ++counter);
	struct pf_publish_fixture *f = pf_publish_fixture_new(out, "signer", now);
	assert_non_null(f);
	struct publish_outcome outcome;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome, err, sizeof err),
			 PUBLISH_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	pf_publish_fixture_free(*state);
	publisher_crypto_shutdown();
	return 0;
}

static struct db_tsp *tsp_of_kind(struct db_snapshot *snap, enum db_tsp_kind kind)
{
	for (size_t i = 0; i < snap->tsp_count; i++)
		if (snap->tsps[i].kind == kind)
			return &snap->tsps[i];
	fail_msg("no TSP of kind %d", (int)kind);
	return NULL;
}

static struct large_change measure(struct pf_publish_fixture *f, enum publisher_list list, int64_t t)
{
	struct large_change lc;
	char err[512] = "";
	assert_int_equal(large_change_measure(f->cfg.out, f->snap, list, t, &lc, err, sizeof err), 0);
	return lc;
}

static void unchanged_registry_drops_nothing(void **state)
{
	struct pf_publish_fixture *f = *state;
	struct large_change lc = measure(f, PUBLISHER_ROOTS, now + 1);
	assert_int_equal(lc.listed, 4);  /* 2 roots, 2 public-CA certificates granted now */
	assert_int_equal(lc.dropped, 0);
	assert_false(large_change_exceeds(&lc, 20));
	lc = measure(f, PUBLISHER_FOREIGN, now + 1);
	assert_int_equal(lc.listed, 2);
	assert_int_equal(lc.dropped, 0);
	lc = measure(f, PUBLISHER_POINTER, now + 1);
	assert_int_equal(lc.listed, 0);
}

/* A suspension the registry records (four eyes) is a decision, not a loss:
 * it never counts against the share, even half of the list. */
static void suspension_is_a_decision_not_a_drop(void **state)
{
	struct pf_publish_fixture *f = *state;
	struct db_tsp *foreign = tsp_of_kind(f->snap, DB_TSP_FOREIGN);
	pf_add_status(&foreign->services[0], DB_STATUS_SUSPENDED, now + 1, "QĐ 1");
	struct large_change lc = measure(f, PUBLISHER_FOREIGN, now + 2);
	assert_int_equal(lc.listed, 2);
	assert_int_equal(lc.decided, 1);
	assert_int_equal(lc.dropped, 0);
	assert_false(large_change_exceeds(&lc, 20));
	assert_false(large_change_exceeds(&lc, 0));
	/* before it takes effect, nothing changes */
	lc = measure(f, PUBLISHER_FOREIGN, now);
	assert_int_equal(lc.decided, 0);
	assert_int_equal(lc.dropped, 0);
}

static void every_root_withdrawn_by_decision_needs_no_confirmation(void **state)
{
	struct pf_publish_fixture *f = *state;
	struct db_tsp *neac = tsp_of_kind(f->snap, DB_TSP_NEAC);
	for (size_t i = 0; i < neac->service_count; i++)
		pf_add_status(&neac->services[i], DB_STATUS_WITHDRAWN, now + 1, "QĐ 2");
	struct large_change lc = measure(f, PUBLISHER_ROOTS, now + 2);
	assert_int_equal(lc.decided, neac->service_count);
	assert_int_equal(lc.dropped, 0);
	assert_false(large_change_exceeds(&lc, 0));
}

/* One service withdrawn by decision, one gone from the registry: only the
 * one gone counts, against the share of all listed. */
static void a_service_gone_counts_beside_a_decided_one(void **state)
{
	struct pf_publish_fixture *f = *state;
	struct db_tsp *foreign = tsp_of_kind(f->snap, DB_TSP_FOREIGN);
	assert_int_equal(foreign->service_count, 2);
	pf_add_status(&foreign->services[0], DB_STATUS_WITHDRAWN, now + 1, "QĐ 3");
	foreign->service_count = 1; /* the second is gone */
	struct large_change lc = measure(f, PUBLISHER_FOREIGN, now + 2);
	foreign->service_count = 2;
	assert_int_equal(lc.listed, 2);
	assert_int_equal(lc.decided, 1);
	assert_int_equal(lc.dropped, 1);
	assert_true(large_change_exceeds(&lc, 20));  /* 1 of 2 > 20% */
	assert_false(large_change_exceeds(&lc, 50));
}

/* A registry restored from an old backup or re-created: the services are
 * gone from it, not withdrawn. Dropping all is refused at any share. */
static void services_gone_from_the_registry_are_dropped(void **state)
{
	struct pf_publish_fixture *f = *state;
	size_t counts[16];
	for (size_t i = 0; i < f->snap->tsp_count; i++) {
		counts[i] = f->snap->tsps[i].service_count;
		f->snap->tsps[i].service_count = 0;
	}
	struct large_change lc = measure(f, PUBLISHER_ROOTS, now + 1);
	for (size_t i = 0; i < f->snap->tsp_count; i++)
		f->snap->tsps[i].service_count = counts[i];
	assert_int_equal(lc.listed, 4);
	assert_int_equal(lc.dropped, 4);
	assert_true(large_change_exceeds(&lc, 100));
}

static void nothing_published_yet_drops_nothing(void **state)
{
	struct pf_publish_fixture *f = *state;
	struct large_change lc;
	char err[512] = "", empty[4300];
	snprintf(empty, sizeof empty, "%s.none", f->cfg.out);
	assert_int_equal(large_change_measure(empty, f->snap, PUBLISHER_ROOTS, now, &lc, err, sizeof err), 0);
	assert_int_equal(lc.listed, 0);
	assert_false(large_change_exceeds(&lc, 0));
}

static void unreadable_current_list_is_an_error(void **state)
{
	struct pf_publish_fixture *f = *state;
	char path[4300], err[512] = "";
	snprintf(path, sizeof path, "%s/foreign.xml", f->cfg.out);
	unlink(path);  /* a hard link to the archive: replace, do not overwrite it */
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("not xml <", fp);
	fclose(fp);
	struct large_change lc;
	assert_int_equal(large_change_measure(f->cfg.out, f->snap, PUBLISHER_FOREIGN, now, &lc, err, sizeof err), -1);
	assert_non_null(strstr(err, "foreign.xml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unchanged_registry_drops_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(suspension_is_a_decision_not_a_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(every_root_withdrawn_by_decision_needs_no_confirmation, setup, teardown),
		cmocka_unit_test_setup_teardown(a_service_gone_counts_beside_a_decided_one, setup, teardown),
		cmocka_unit_test_setup_teardown(services_gone_from_the_registry_are_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_published_yet_drops_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(unreadable_current_list_is_an_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
