/* vntld's human page: content from the published lists, escaping, and
 * XML that tries entity or network tricks is not expanded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/sizes.h"
#include "tests/lib/web_fixture.h"
#include "web/html.h"
#include "web/publication.h"
#include "web/verify.h"

static char *render_dir(const char *dir)
{
	struct web_publication *pub = web_fixture_memory_publication(dir, 1);
	size_t len = 0;
	char *html = web_html_render(pub, &len);
	assert_non_null(html);
	assert_int_equal(strlen(html), len);
	web_publication_free(pub);
	return html;
}

static void assert_contains(const char *html, const char *needle)
{
	if (!strstr(html, needle))
		fail_msg("page lacks: %s", needle);
}

static void shows_providers_statuses_history_and_links(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("page", dir, sizeof dir);
	assert_int_equal(web_fixture_python(dir, 1), 0);
	char *html = render_dir(dir);
	assert_contains(html, "<html lang=\"vi\">");
	assert_contains(html, "Danh sách roots");
	assert_contains(html, "(roots list)");
	assert_contains(html, "Được cấp phép / granted");
	assert_contains(html, "Được công nhận / recognised");
	/* history of the foreign certificate */
	/* times in UTC and Vietnam time (issue 9, dates) */
	assert_contains(html, "2021-06-01T00:00:00Z (07:00 ICT): Tạm dừng / suspended");
	assert_contains(html, "2021-02-03T04:05:06Z (11:05 ICT)");
	assert_contains(html, "<a href=\"/roots.xml\">roots.xml</a>");
	assert_contains(html, "<a href=\"/roots/1.xml\">1</a>");
	assert_contains(html, "<a href=\"/certs/");
	assert_contains(html, "https://trust.example.vn/foreign.xml");
	/* names with markup characters arrive escaped, never as markup */
	assert_contains(html, "NEAC &lt;Trung tâm&gt;");
	assert_contains(html, "Public CA &amp; Co");
	/* subjects as RFC 4514 (most significant RDN last, '<' '>' escaped) */
	assert_contains(html, ",O=Test \\&lt;&amp;\\&gt; Org,C=VN</span>");
	/* the service type, the certificate's validity, the search form */
	assert_contains(html, "Loại / type: CA/PKC");
	assert_contains(html, "<br>Hiệu lực / valid ");
	assert_contains(html, "<form method=\"get\" action=\"/search\"");
	assert_null(strstr(html, "<Trung"));
	assert_null(strstr(html, "<script"));
	free(html);
}

static void fingerprint_is_sha256_of_the_certificate(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("fp", dir, sizeof dir);
	assert_int_equal(web_fixture_python(dir, 1), 0);
	struct web_publication *pub = web_fixture_memory_publication(dir, 1);
	char *html = web_html_render(pub, NULL);
	size_t certs = 0;
	for (size_t i = 0; i < pub->file_count; i++) {
		if (strncmp(pub->files[i].name, "certs/", 6) != 0)
			continue;
		char link[128];
		snprintf(link, sizeof link, "<a href=\"/%s\">%.64s</a>", pub->files[i].name,
			 pub->files[i].name + 6);
		assert_contains(html, link);
		certs++;
	}
	assert_int_equal(certs, 3);
	free(html);
	web_publication_free(pub);
}

static void does_not_expand_entities_or_load_dtds(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("xxe", dir, sizeof dir);
	const char *xml =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">"
		"<!ENTITY big \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\">]>"
		"<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"><SchemeInformation>"
		"<SchemeName><Name xml:lang=\"en\">&e;&big;</Name></SchemeName></SchemeInformation>"
		"</TrustServiceStatusList>";
	web_fixture_publish(dir, "roots", 1, xml, NULL);
	char *html = render_dir(dir);
	assert_null(strstr(html, "root:"));
	assert_null(strstr(html, "AAAAAAAA"));
	assert_contains(html, "could not be read");
	free(html);
}

static void reports_a_list_that_is_not_xml(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("notxml", dir, sizeof dir);
	web_fixture_publish(dir, "foreign", 3, "not <xml", NULL);
	char *html = render_dir(dir);
	assert_contains(html, "<section id=\"foreign\"><h2>foreign</h2>");
	assert_contains(html, "could not be read");
	free(html);
}

/* The list signer's SHA-256 (of the pinned certificate's DER) and the
 * instruction to compare it out of band before pinning, in both languages. */
static void shows_the_signer_fingerprint_to_pin(void **state)
{
	(void)state;
	char dir[4096], signer[VNTL_PATH_MAX], cmd[9000];
	web_fixture_dir("signerpage", dir, sizeof dir);
	assert_int_equal(web_fixture_signed(dir, 1), 0);
	web_fixture_signer(dir, signer, sizeof signer);
	struct web_verifier *v = NULL;
	char err[512];
	assert_int_equal(web_verifier_new(signer, &v, err, sizeof err), 0);
	struct web_publication *pub = NULL;
	assert_int_equal(web_publication_load(dir, v, 0, &pub, err, sizeof err), 0);
	char *html = web_html_render(pub, NULL);
	assert_non_null(html);
	/* the fingerprint as openssl prints it, lowercase and without colons */
	snprintf(cmd, sizeof cmd, "openssl x509 -in '%s' -noout -fingerprint -sha256 | "
		 "sed 's/.*=//; s/://g' | tr A-F a-f > '%s/fp'", signer, dir);
	assert_int_equal(system(cmd), 0);
	char path[VNTL_PATH_MAX], fp[80] = "";
	snprintf(path, sizeof path, "%s/fp", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(fp, sizeof fp, f));
	fclose(f);
	fp[strcspn(fp, "\n")] = '\0';
	assert_int_equal(strlen(fp), 64);
	char want[200];
	snprintf(want, sizeof want, "<span class=\"fp\">%s</span>", fp);
	assert_contains(html, want);
	assert_contains(html, "<a href=\"/signer.pem\">signer.pem</a>");
	assert_contains(html, "Hãy so sánh dấu vân tay SHA-256");
	assert_contains(html, "Compare this SHA-256 fingerprint with the value NEAC gives you");
	free(html);
	web_publication_free(pub);
	web_verifier_free(v);
}

/* The search page answers from the rows the page rendered: provider
 * names, subjects and SHA-256, markup in the query escaped, a miss empty. */
static void search_finds_rows_and_escapes_the_query(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("search", dir, sizeof dir);
	assert_int_equal(web_fixture_python(dir, 1), 0);
	struct web_publication *pub = web_fixture_memory_publication(dir, 1);
	struct web_html_index ix = {0};
	char *page = web_html_render_indexed(pub, NULL, &ix);
	assert_non_null(page);
	assert_true(ix.count >= 2);
	char *html = web_html_search(&ix, "Public CA &", NULL);
	assert_contains(html, "<td>Public CA &amp; Co <span lang=\"en\">");
	assert_contains(html, "id=\"found\">1 kết quả");
	free(html);
	html = web_html_search(&ix, "O=TEST", NULL); /* every certificate's subject, case ignored */
	char want[64];
	snprintf(want, sizeof want, "id=\"found\">%zu kết quả", ix.count);
	assert_contains(html, want);
	free(html);
	html = web_html_search(&ix, "\"><script>x", NULL);
	assert_null(strstr(html, "<script"));
	assert_contains(html, "value=\"&quot;&gt;&lt;script&gt;x\"");
	assert_contains(html, "id=\"found\">0 kết quả");
	free(html);
	html = web_html_search(&ix, NULL, NULL);
	assert_null(strstr(html, "id=\"results\""));
	free(html);
	free(page);
	web_html_index_free(&ix);
	web_publication_free(pub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shows_providers_statuses_history_and_links),
		cmocka_unit_test(fingerprint_is_sha256_of_the_certificate),
		cmocka_unit_test(does_not_expand_entities_or_load_dtds),
		cmocka_unit_test(reports_a_list_that_is_not_xml),
		cmocka_unit_test(shows_the_signer_fingerprint_to_pin),
		cmocka_unit_test(search_finds_rows_and_escapes_the_query),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
