/* Snapshot -> TS 119 612 document: statuses at issue time, history, future
 * entries, pointers, refusals; the official ETSI schema accepts the output. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "publisher/lists.h"
#include "publisher/status_timeline.h"
#include "publisher/tsl_uris.h"
#include "tests/lib/publisher_fixture.h"

static const int64_t NOW = 1795000000; /* 2026-11-18 */

static xmlDocPtr build(struct db_snapshot *snap, enum publisher_list list, int64_t seq)
{
	struct list_params p = {.list = list, .sequence = seq, .issued = NOW,
				.next_update = NOW + 30 * 86400, .base_url = "https://tl.example.vn"};
	unsigned char der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	p.signer_der = der;
	p.signer_der_len = sizeof der;
	xmlDocPtr doc = NULL;
	char err[512] = "";
	int rc = list_build(snap, &p, &doc, err, sizeof err);
	if (rc != 0)
		fail_msg("list_build: %s", err);
	return doc;
}

/* The string value of an XPath expression (tsl: prefix bound). */
static char *xp(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "tsl", BAD_CAST TSL_NS);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	xmlChar *s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	char *out = strdup((char *)s);
	xmlFree(s);
	return out;
}

static void assert_xp(xmlDocPtr doc, const char *expr, const char *expected)
{
	char *got = xp(doc, expr);
	if (strcmp(got, expected) != 0)
		fail_msg("%s: got '%s', expected '%s'", expr, got, expected);
	free(got);
}

#define SVC(id) "//tsl:TSPService[tsl:ServiceInformation/tsl:ServiceName/tsl:Name='DEMO " id "']"

static void roots_list_has_current_statuses_and_history(void **state)
{
	(void)state;
	struct db_snapshot *snap = pf_snapshot(NOW);
	xmlDocPtr doc = build(snap, PUBLISHER_ROOTS, 7);
	assert_xp(doc, "string(//tsl:TSLSequenceNumber)", "7");
	assert_xp(doc, "string(//tsl:TSLVersionIdentifier)", "6");
	assert_xp(doc, "string(//tsl:TSLType)", TSL_TYPE_LIST);
	assert_xp(doc, "string(//tsl:SchemeTerritory)", "VN");
	assert_xp(doc, "string(//tsl:ListIssueDateTime)", "2026-11-18T11:06:40Z");
	assert_xp(doc, "count(//tsl:TrustServiceProvider)", "4");
	assert_xp(doc, "count(//tsl:TSPService)", "5");
	/* foreign providers are not in the roots list */
	assert_xp(doc, "count(" SVC("Foreign CA 1") ")", "0");
	/* withdrawn 10 days ago: current withdrawn, history holds the grant */
	assert_xp(doc, "string(" SVC("Public CA A2") "/tsl:ServiceInformation/tsl:ServiceStatus)",
		  TSL_STATUS_WITHDRAWN);
	assert_xp(doc, "count(" SVC("Public CA A2") "/tsl:ServiceHistory/tsl:ServiceHistoryInstance)",
		  "1");
	assert_xp(doc, "string(" SVC("Public CA A2") "//tsl:ServiceHistoryInstance/tsl:ServiceStatus)",
		  TSL_STATUS_GRANTED);
	/* history instances carry no certificate (TS 119 612 5.6.3) */
	assert_xp(doc, "count(//tsl:ServiceHistoryInstance//tsl:X509Certificate)", "0");
	assert_xp(doc, "count(//tsl:ServiceHistoryInstance//tsl:X509SKI)", "1");
	/* withdrawal in 5 days is not published yet */
	assert_xp(doc, "string(" SVC("Public CA B1") "/tsl:ServiceInformation/tsl:ServiceStatus)",
		  TSL_STATUS_GRANTED);
	assert_xp(doc, "count(" SVC("Public CA B1") "/tsl:ServiceHistory)", "0");
	/* the legal decision travels with the status */
	assert_xp(doc, "string(" SVC("Public CA A2") "/tsl:ServiceInformation//tsl:InformationValue)",
		  "QĐ 5/QĐ-DEMO");
	assert_xp(doc, "string(//tsl:SchemeOperatorName/tsl:Name[@xml:lang='vi'])",
		  "Trung tâm Chứng thực điện tử quốc gia");
	xmlFreeDoc(doc);
	pf_snapshot_free(snap);
}

static void foreign_history_is_newest_first(void **state)
{
	(void)state;
	struct db_snapshot *snap = pf_snapshot(NOW);
	xmlDocPtr doc = build(snap, PUBLISHER_FOREIGN, 1);
	assert_xp(doc, "count(//tsl:TrustServiceProvider)", "1");
	assert_xp(doc, "string(" SVC("Foreign CA 2") "/tsl:ServiceInformation/tsl:ServiceStatus)",
		  TSL_STATUS_RECOGNISED);
	assert_xp(doc, "string(" SVC("Foreign CA 2") "//tsl:ServiceHistoryInstance[1]/tsl:ServiceStatus)",
		  TSL_STATUS_SUSPENDED);
	assert_xp(doc, "string(" SVC("Foreign CA 2") "//tsl:ServiceHistoryInstance[2]/tsl:ServiceStatus)",
		  TSL_STATUS_RECOGNISED);
	assert_xp(doc, "string(" SVC("Foreign CA 2") "//tsl:ServiceHistoryInstance[1]/tsl:StatusStartingTime)",
		  "2026-10-19T11:06:40Z");
	assert_xp(doc, "string(//tsl:TSPTradeName/tsl:Name)", "NTRSG-DEMO0001");
	xmlFreeDoc(doc);
	pf_snapshot_free(snap);
}

static void future_change_becomes_current_when_due(void **state)
{
	(void)state;
	struct db_snapshot *snap = pf_snapshot(NOW);
	struct db_service *b1 = pf_service(snap, 401);
	int64_t held = b1->timeline[b1->timeline_count - 1].id; /* the list held every entry */
	assert_int_equal(status_change_due(b1, NOW, NOW + 4 * 86400, held), 0);
	assert_int_equal(status_change_due(b1, NOW, NOW + 6 * 86400, held), 1);
	/* an entry recorded after the list's snapshot, already in effect */
	assert_int_equal(status_change_due(b1, NOW, NOW + 4 * 86400, b1->timeline[0].id - 1), 1);
	assert_int_equal(status_index_at(b1, NOW), 0);
	assert_int_equal(status_index_at(b1, NOW + 5 * 86400), 1);
	assert_int_equal(status_index_at(b1, NOW - 101 * 86400), -1);
	pf_snapshot_free(snap);
}

static void pointer_list_points_at_both_lists(void **state)
{
	(void)state;
	struct db_snapshot *snap = pf_snapshot(NOW);
	xmlDocPtr doc = build(snap, PUBLISHER_POINTER, 3);
	assert_xp(doc, "string(//tsl:TSLType)", TSL_TYPE_LOTL);
	assert_xp(doc, "count(//tsl:TrustServiceProviderList)", "0");
	assert_xp(doc, "string(//tsl:OtherTSLPointer[1]/tsl:TSLLocation)", "https://tl.example.vn/roots.xml");
	assert_xp(doc, "string(//tsl:OtherTSLPointer[2]/tsl:TSLLocation)", "https://tl.example.vn/foreign.xml");
	assert_xp(doc, "string(//tsl:OtherTSLPointer[1]//tsl:X509Certificate)", "MAMCAQE=");
	xmlFreeDoc(doc);
	pf_snapshot_free(snap);
}

static int build_error(struct db_snapshot *snap, enum publisher_list list, char *err, size_t n)
{
	struct list_params p = {.list = list, .sequence = 1, .issued = NOW,
				.next_update = NOW + 86400, .base_url = "https://x"};
	xmlDocPtr doc = NULL;
	int rc = list_build(snap, &p, &doc, err, n);
	assert_null(doc);
	return rc;
}

static void bad_registry_data_is_refused_with_reason(void **state)
{
	(void)state;
	char err[512];
	struct db_snapshot *snap = pf_snapshot(NOW);
	struct db_service *s = pf_service(snap, 502);
	s->timeline[1].effective = NOW - 400 * 86400; /* out of order */
	assert_int_equal(build_error(snap, PUBLISHER_FOREIGN, err, sizeof err), -1);
	assert_non_null(strstr(err, "service 502"));
	assert_non_null(strstr(err, "not ordered"));
	pf_snapshot_free(snap);

	snap = pf_snapshot(NOW);
	s = pf_service(snap, 301);
	s->timeline[0].status = DB_STATUS_SUSPENDED; /* not a roots status */
	assert_int_equal(build_error(snap, PUBLISHER_ROOTS, err, sizeof err), -1);
	assert_non_null(strstr(err, "does not belong in the roots list"));
	pf_snapshot_free(snap);

	snap = pf_snapshot(NOW);
	s = pf_service(snap, 101);
	s->cert_der[0] = 0x31; /* not a certificate */
	assert_int_equal(build_error(snap, PUBLISHER_ROOTS, err, sizeof err), -1);
	assert_non_null(strstr(err, "service 101: certificate"));
	pf_snapshot_free(snap);
}

static void official_schema_accepts_every_list(void **state)
{
	(void)state;
	const char *shared = getenv("VNTL_SHARED");
	if (!shared)
		fail_msg("VNTL_SHARED is not set (run through tests/run-all.sh)");
	struct db_snapshot *snap = pf_snapshot(NOW);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		xmlDocPtr doc = build(snap, (enum publisher_list)l, 1);
		char path[4096], cmd[8192];
		snprintf(path, sizeof path, "%s/unsigned-%d.xml", pf_tmpdir(), l);
		assert_true(xmlSaveFileEnc(path, doc, "UTF-8") > 0);
		snprintf(cmd, sizeof cmd,
			 "xmllint --noout --nonet --schema '%s/tl/xsd/19612-libxml2.xsd' '%s'", shared,
			 path);
		assert_int_equal(system(cmd), 0);
		/* vntl's profile insists on the signature the official XSD leaves optional */
		const char *src = getenv("VNTL_SRC");
		assert_non_null(src);
		snprintf(cmd, sizeof cmd,
			 "xmllint --noout --nonet --schema '%s/schema/vntl-tsl-profile.xsd' '%s' 2>/dev/null",
			 src, path);
		assert_int_not_equal(system(cmd), 0);
		xmlFreeDoc(doc);
	}
	pf_snapshot_free(snap);
}

/* NEAC's address comes from the configuration when given, else the default. */
static void scheme_operator_address_is_configurable(void **state)
{
	(void)state;
	struct db_snapshot *snap = pf_snapshot(NOW);
	xmlDocPtr doc = build(snap, PUBLISHER_ROOTS, 1);
	const char *street_en = "//tsl:SchemeOperatorAddress/tsl:PostalAddresses/"
				"tsl:PostalAddress[@xml:lang='en']/tsl:StreetAddress";
	assert_xp(doc, street_en, publisher_default_operator.street_en);
	xmlFreeDoc(doc);
	struct scheme_operator op = {"18 Nguyễn Du", "18 Nguyen Du", "Hà Nội", "Hanoi",
				     "tl@example.vn", "https://neac.example.vn"};
	struct list_params p = {.list = PUBLISHER_ROOTS, .sequence = 1, .issued = NOW,
				.next_update = NOW + 30 * 86400, .base_url = "https://tl.example.vn",
				.operator = &op};
	unsigned char der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
	p.signer_der = der;
	p.signer_der_len = sizeof der;
	char err[512] = "";
	assert_int_equal(list_build(snap, &p, &doc, err, sizeof err), 0);
	assert_xp(doc, street_en, "18 Nguyen Du");
	assert_xp(doc, "//tsl:SchemeOperatorAddress/tsl:ElectronicAddress/tsl:URI[1]",
		  "mailto:tl@example.vn");
	assert_xp(doc, "//tsl:SchemeInformationURI/tsl:URI[@xml:lang='en']", "https://neac.example.vn");
	xmlFreeDoc(doc);
	pf_snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roots_list_has_current_statuses_and_history),
		cmocka_unit_test(foreign_history_is_newest_first),
		cmocka_unit_test(future_change_becomes_current_when_due),
		cmocka_unit_test(pointer_list_points_at_both_lists),
		cmocka_unit_test(bad_registry_data_is_refused_with_reason),
		cmocka_unit_test(official_schema_accepts_every_list),
		cmocka_unit_test(scheme_operator_address_is_configurable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
