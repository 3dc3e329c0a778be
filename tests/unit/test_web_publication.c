/* vntld's publication loader and catalog: what is served, what is refused,
 * and that no name outside the published set is ever answered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/lib/web_fixture.h"
#include "web/catalog.h"
#include "web/publication.h"

static const char *xml_v1 = "<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"/>";

static struct web_publication *load_ok(const char *dir)
{
	struct web_publication *pub = NULL;
	char err[512] = "";
	int rc = web_publication_load(dir, &pub, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "unexpected load failure: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(pub);
	return pub;
}

static void load_fails(const char *dir, const char *expected_in_message)
{
	struct web_publication *pub = (struct web_publication *)1;
	char err[512] = "";
	assert_int_equal(web_publication_load(dir, &pub, err, sizeof err), -1);
	assert_null(pub);
	if (!strstr(err, expected_in_message))
		fail_msg("error '%s' does not mention '%s'", err, expected_in_message);
}

static void serves_every_file_of_a_full_publication(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("full", dir, sizeof dir);
	assert_int_equal(web_fixture_python(dir, 1), 0);
	assert_int_equal(web_fixture_python(dir, 2), 0);
	struct web_publication *pub = load_ok(dir);
	assert_int_equal(pub->list_count, 3);
	const char *names[] = {"index.json", "roots.xml", "foreign.xml", "pointer.xml", "roots/1.xml",
			       "roots/2.xml", "foreign/1.xml", "pointer/2.xml", "roots.pem"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!web_publication_find(pub, names[i]))
			fail_msg("%s is not served", names[i]);
	const struct web_file *cur = web_publication_find(pub, "roots.xml");
	const struct web_file *arch = web_publication_find(pub, "roots/2.xml");
	assert_string_equal(cur->sha256, arch->sha256);
	assert_int_equal(cur->len, arch->len);
	assert_memory_equal(cur->data, arch->data, cur->len);
	size_t certs = 0;
	for (size_t i = 0; i < pub->file_count; i++)
		if (strncmp(pub->files[i].name, "certs/", 6) == 0) {
			char hex[65];
			web_sha256_hex(pub->files[i].data, pub->files[i].len, hex);
			assert_memory_equal(pub->files[i].name + 6, hex, 64);
			certs++;
		}
	assert_int_equal(certs, 3);
	for (size_t i = 0; i < pub->list_count; i++)
		assert_int_equal(pub->lists[i].sequence, 2);
	web_publication_free(pub);
}

static void never_answers_names_outside_the_set(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("traversal", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, xml_v1, NULL);
	web_fixture_write(dir, "secret.txt", "secret", 6);
	struct web_publication *pub = load_ok(dir);
	const char *bad[] = {"../index.json", "/index.json", "roots/../index.json", "./index.json",
			     "", "roots", "roots/", "certs/", "secret.txt", "roots//1.xml",
			     "roots/01.xml", "ROOTS.xml", "index.json/", "%2e%2e/index.json"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (web_publication_find(pub, bad[i]))
			fail_msg("'%s' must not be served", bad[i]);
	struct web_catalog *cat = web_catalog_build(pub, 60);
	assert_non_null(cat);
	assert_null(web_catalog_lookup(cat, "/../index.json"));
	assert_null(web_catalog_lookup(cat, "index.json"));
	assert_null(web_catalog_lookup(cat, "//index.json"));
	assert_non_null(web_catalog_lookup(cat, "/index.json"));
	assert_non_null(web_catalog_lookup(cat, "/"));
	assert_int_equal(web_catalog_lookup(cat, "/roots/1.xml")->cls, WEB_PATH_ARCHIVE);
	assert_int_equal(web_catalog_lookup(cat, "/roots.xml")->cls, WEB_PATH_LIST);
	web_catalog_release(cat);
}

static void refuses_a_list_whose_bytes_do_not_match_the_index(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("mismatch", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, xml_v1, NULL);
	web_fixture_write(dir, "roots/1.xml", "<x/>", 4);
	load_fails(dir, "SHA-256");
}

static void refuses_a_missing_list_or_index(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("missing", dir, sizeof dir);
	load_fails(dir, "index.json");
	web_fixture_publish(dir, "roots", 1, xml_v1, NULL);
	assert_int_equal(remove(strcat(dir, "/roots/1.xml")), 0);
	dir[strlen(dir) - strlen("/roots/1.xml")] = '\0';
	load_fails(dir, "roots/1.xml");
	web_fixture_dir("nodir", dir, sizeof dir);
	strcat(dir, "/absent");
	load_fails(dir, "absent");
}

static void refuses_a_named_file_that_does_not_match(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("pem", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, xml_v1, "PEM\n");
	struct web_publication *pub = load_ok(dir);
	assert_non_null(web_publication_find(pub, "roots.pem"));
	web_publication_free(pub);
	/* roots.pem of the next publication written, index.json not yet. */
	web_fixture_write(dir, "roots.pem", "NEW\n", 4);
	load_fails(dir, "roots.pem");
}

static void refuses_malformed_indexes(void **state)
{
	(void)state;
	static const struct { const char *index, *message; } cases[] = {
		{"{", "not valid JSON"},
		{"{\"format\":2,\"lists\":{}}", "\"format\""},
		{"{\"format\":1,\"lists\":{}}", "\"lists\""},
		{"{\"format\":1,\"lists\":{\"roots\":{\"sequence\":1,\"sha256\":\"ab\",\"size\":1,"
		 "\"issued\":\"2026-11-23T12:00:00Z\",\"next_update\":\"2026-11-23T12:00:00Z\","
		 "\"path\":\"roots/1.xml\"}}}", "sha256"},
		{"{\"format\":1,\"lists\":{\"roots\":{\"sequence\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1,"
		 "\"issued\":\"2026-11-23T12:00:00Z\",\"next_update\":\"2026-11-23T12:00:00Z\","
		 "\"path\":\"../../etc/passwd\"}}}", "\"path\""},
		{"{\"format\":1,\"lists\":{\"roots\":{\"sequence\":\"1\",\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1,"
		 "\"issued\":\"2026-11-23T12:00:00Z\",\"next_update\":\"2026-11-23T12:00:00Z\","
		 "\"path\":\"roots/1.xml\"}}}", "\"sequence\""},
		{"{\"format\":1,\"lists\":{\"roots\":{\"sequence\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1,"
		 "\"issued\":\"yesterday\",\"next_update\":\"2026-11-23T12:00:00Z\","
		 "\"path\":\"roots/1.xml\"}}}", "\"issued\""},
		{"{\"format\":1,\"lists\":{\"../x\":{}}}", "list name"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char dir[4096];
		web_fixture_dir("badindex", dir, sizeof dir);
		web_fixture_write(dir, "index.json", cases[i].index, strlen(cases[i].index));
		load_fails(dir, cases[i].message);
	}
	char dir[4096];
	web_fixture_dir("badfiles", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, xml_v1, NULL);
	char sha[65], escape[1024];
	web_sha256_hex(xml_v1, strlen(xml_v1), sha);
	int n = snprintf(escape, sizeof escape,
			 "{\"format\":1,\"lists\":{\"roots\":{\"sequence\":1,\"sha256\":\"%s\",\"size\":%zu,"
			 "\"issued\":\"2026-11-23T12:00:00Z\",\"next_update\":\"2026-11-23T12:00:00Z\","
			 "\"path\":\"roots/1.xml\"}},\"files\":{\"../secret\":{\"sha256\":\"%s\",\"size\":1}}}",
			 sha, strlen(xml_v1), sha);
	web_fixture_write(dir, "index.json", escape, (size_t)n);
	load_fails(dir, "plain file name");
}

static void leaves_out_unpublished_versions_and_lying_certificates(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("future", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, "<a/>", NULL);
	web_fixture_publish(dir, "roots", 2, "<b/>", NULL);
	/* Version 3 written by a publisher that has not written index.json yet. */
	web_fixture_write(dir, "roots/3.xml", "<c/>", 4);
	web_fixture_write(dir, "certs/0000000000000000000000000000000000000000000000000000000000000000.cer",
			  "not this", 8);
	web_fixture_write(dir, "certs/readme.txt", "x", 1);
	struct web_publication *pub = load_ok(dir);
	assert_non_null(web_publication_find(pub, "roots/1.xml"));
	assert_non_null(web_publication_find(pub, "roots/2.xml"));
	assert_null(web_publication_find(pub, "roots/3.xml"));
	assert_null(web_publication_find(pub,
		"certs/0000000000000000000000000000000000000000000000000000000000000000.cer"));
	assert_int_equal(pub->skipped_files, 2);
	assert_memory_equal(web_publication_find(pub, "roots.xml")->data, "<b/>", 4);
	web_publication_free(pub);
}

static void catalog_outlives_its_replacement_while_held(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("refs", dir, sizeof dir);
	web_fixture_publish(dir, "roots", 1, "<old/>", NULL);
	struct web_catalog *old = web_catalog_build(load_ok(dir), 60);
	assert_non_null(old);
	web_catalog_hold(old);    /* a download in flight */
	web_catalog_release(old); /* the server moved on to a new set */
	const struct web_entry *e = web_catalog_lookup(old, "/roots.xml");
	assert_non_null(e);
	assert_memory_equal(e->file->data, "<old/>", 6);
	web_catalog_release(old); /* the download ended: freed (ASan checks) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serves_every_file_of_a_full_publication),
		cmocka_unit_test(never_answers_names_outside_the_set),
		cmocka_unit_test(refuses_a_list_whose_bytes_do_not_match_the_index),
		cmocka_unit_test(refuses_a_missing_list_or_index),
		cmocka_unit_test(refuses_a_named_file_that_does_not_match),
		cmocka_unit_test(refuses_malformed_indexes),
		cmocka_unit_test(leaves_out_unpublished_versions_and_lying_certificates),
		cmocka_unit_test(catalog_outlives_its_replacement_while_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
