/* libvntl's public API: argument checking, errors that name a rule, loading
 * a real list, chain checks from several threads on one context. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tests/lib/test_files.h"
#include "vntl.h"

static const char *shared(void)
{
	const char *s = getenv("VNTL_SHARED");
	return s ? s : "../shared";
}

static void path(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/%s", shared(), rel);
}

static void null_arguments_are_usage_errors(void **state)
{
	(void)state;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(NULL, &err), VNTL_ERR_USAGE);
	assert_string_equal(err.rule, "usage");
	vntl_ctx *ctx;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_load_list(ctx, NULL, NULL, &err), VNTL_ERR_USAGE);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, NULL, &err), VNTL_ERR_USAGE);
	vntl_result *res = NULL;
	assert_int_equal(vntl_check_chain(ctx, NULL, &res, &err), VNTL_ERR_USAGE);
	assert_null(res);
	vntl_ctx_free(ctx);
	vntl_ctx_free(NULL);
}

static void missing_file_names_the_file(void **state)
{
	(void)state;
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, "/nonexistent/signer.pem", &err), VNTL_ERR_INPUT);
	assert_string_equal(err.rule, "input-unreadable");
	assert_non_null(strstr(err.reason, "/nonexistent/signer.pem"));
	vntl_ctx_free(ctx);
}

/* A cache directory or schema path that would leave no room for the file
 * names below it is refused, and no directory is made for it. */
static void too_long_directories_are_refused(void **state)
{
	(void)state;
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	const char *tmp = getenv("VNTL_TMP") ? getenv("VNTL_TMP") : "/tmp";
	char dir[PATH_MAX + 16];
	int n = snprintf(dir, sizeof dir, "%s/", tmp);
	memset(dir + n, 'd', sizeof dir - (size_t)n - 1);
	dir[PATH_MAX - 127] = '\0'; /* one byte over the bound */
	assert_int_equal(vntl_ctx_set_cache_dir(ctx, dir, &err), VNTL_ERR_USAGE);
	assert_string_equal(err.rule, "path-too-long");
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(vntl_ctx_set_schema(ctx, dir, &err), VNTL_ERR_USAGE);
	assert_string_equal(err.rule, "path-too-long");
	dir[PATH_MAX - 128] = '\0'; /* at the bound: accepted (the name is too long for mkdir, not for us) */
	assert_int_equal(vntl_ctx_set_schema(ctx, dir, &err), VNTL_OK);
	vntl_ctx_free(ctx);
}

/* Sweden's 2026 list, its pinned signer and the official schema. */
static void swedish_sample(char list[4096], char pin[4096], char xsd[4096])
{
	path(list, 4096, "tl/samples/tl-se-2026.xml");
	path(pin, 4096, "tl/samples/pins/tl-se-2026-signer.pem");
	path(xsd, 4096, "tl/xsd/19612-libxml2.xsd");
}

static void real_list_loads_with_its_facts(void **state)
{
	(void)state;
	char list[4096], pin[4096], xsd[4096];
	swedish_sample(list, pin, xsd);
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_set_schema(ctx, xsd, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, pin, &err), VNTL_OK);
	vntl_ctx_set_list_time(ctx, 1787000000); /* 2026-08-17, before issue: refused */
	vntl_list_info info = { .size = sizeof info };
	assert_int_equal(vntl_ctx_load_list(ctx, list, &info, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "list-not-yet-issued");
	vntl_ctx_set_list_time(ctx, 1789000000); /* 2026-09-10 */
	assert_int_equal(vntl_ctx_load_list(ctx, list, &info, &err), VNTL_OK);
	assert_string_equal(info.territory, "SE");
	assert_int_equal(info.sequence, 62);
	assert_int_equal(info.version, 6);
	assert_int_equal(info.services, 18);
	assert_non_null(strstr(info.signer_subject, "PTS"));
	vntl_ctx_free(ctx);
}

/* The same list from memory with the signer as DER: same facts; one byte
 * changed is refused; vntl's own profile (VN territory) refuses a Swedish
 * list that the official schema accepts. */
static void list_in_memory_loads_like_its_file(void **state)
{
	(void)state;
	char list[4096], pin[4096], xsd[4096];
	swedish_sample(list, pin, xsd);
	size_t len, der_len;
	unsigned char *data = tf_read_file(list, &len), *der = tf_pem_cert_der(pin, &der_len);
	vntl_ctx *ctx;
	vntl_error err;
	vntl_list_info info = { .size = sizeof info };
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_set_schema(ctx, xsd, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_der(ctx, der, der_len, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_der(ctx, der, der_len - 1, &err), VNTL_ERR_INPUT);
	vntl_ctx_set_list_time(ctx, 1789000000);
	assert_int_equal(vntl_ctx_load_list_memory(ctx, data, len, "se", &info, &err), VNTL_OK);
	assert_string_equal(info.territory, "SE");
	assert_int_equal(info.sequence, 62);
	char *value = strstr((char *)data, "<tsl:TSLSequenceNumber>");
	if (!value)
		value = strstr((char *)data, "<TSLSequenceNumber>");
	assert_non_null(value);
	value = strchr(value, '>') + 1;
	*value = *value == '6' ? '7' : '6';
	assert_int_equal(vntl_ctx_load_list_memory(ctx, data, len, "se", &info, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "signature-invalid");
	*value = *value == '7' ? '6' : '7';
	assert_int_equal(vntl_ctx_use_vntl_profile(ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_load_list_memory(ctx, data, len, "se", &info, &err), VNTL_ERR_REFUSED);
	assert_string_equal(err.rule, "schema-invalid");
	assert_int_equal(vntl_ctx_load_list_memory(ctx, data, 0, "se", &info, &err), VNTL_ERR_REFUSED);
	vntl_ctx_free(ctx);
	free(data);
	OPENSSL_free(der);
}

/* PKITS 4.1.1 (valid) and 4.1.2 (invalid CA signature) as a shared fixture. */
struct chain_job {
	const vntl_ctx *ctx;
	const vntl_chain_request *good, *bad;
	int wrong;
};

static void *check_many(void *arg)
{
	struct chain_job *job = arg;
	for (int i = 0; i < 20; i++) {
		vntl_result *res = NULL;
		vntl_error err;
		const vntl_chain_request *req = (i % 2) ? job->bad : job->good;
		if (vntl_check_chain(job->ctx, req, &res, &err) != VNTL_OK) {
			job->wrong++;
			continue;
		}
		vntl_indication want = (i % 2) ? VNTL_FAILED : VNTL_PASSED;
		if (res->indication != want)
			job->wrong++;
		vntl_result_free(res);
	}
	return NULL;
}

static void chains_check_in_parallel_on_one_context(void **state)
{
	(void)state;
	char anchor[4096], ca[4096], ee[4096], bad_ca[4096], bad_ee[4096], crl1[4096], crl2[4096],
	    crl3[4096];
	path(anchor, sizeof anchor, "pkits/certs/TrustAnchorRootCertificate.crt");
	path(ca, sizeof ca, "pkits/certs/GoodCACert.crt");
	path(ee, sizeof ee, "pkits/certs/ValidCertificatePathTest1EE.crt");
	path(bad_ca, sizeof bad_ca, "pkits/certs/BadSignedCACert.crt");
	path(bad_ee, sizeof bad_ee, "pkits/certs/InvalidCASignatureTest2EE.crt");
	path(crl1, sizeof crl1, "pkits/crls/TrustAnchorRootCRL.crl");
	path(crl2, sizeof crl2, "pkits/crls/GoodCACRL.crl");
	path(crl3, sizeof crl3, "pkits/crls/BadSignedCACRL.crl");
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_anchor_file(ctx, anchor, &err), VNTL_OK);
	const char *good_untrusted[] = { ca, NULL }, *bad_untrusted[] = { bad_ca, NULL };
	const char *crls[] = { crl1, crl2, crl3, NULL };
	vntl_chain_request good = { .size = sizeof good,
		.leaf_file = ee, .untrusted = good_untrusted, .crl_files = crls,
		.at = 1302825600 /* 2011-04-15 */, .purpose = VNTL_PURPOSE_ANY,
		.alg_policy = VNTL_ALG_POLICY_NONE };
	vntl_chain_request bad = good;
	bad.leaf_file = bad_ee;
	bad.untrusted = bad_untrusted;

	vntl_result *res = NULL;
	assert_int_equal(vntl_check_chain(ctx, &good, &res, &err), VNTL_OK);
	assert_int_equal(res->indication, VNTL_PASSED);
	assert_int_equal(res->chain_len, 3);
	char *json = vntl_result_to_json(res);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"indication\": \"PASSED\""));
	free(json);
	vntl_result_free(res);

	/* The same chain with the leaf given as a parsed X509 the caller keeps. */
	FILE *f = fopen(ee, "rb");
	assert_non_null(f);
	X509 *leaf = d2i_X509_fp(f, NULL);
	fclose(f);
	assert_non_null(leaf);
	vntl_chain_request held = good;
	held.leaf_file = NULL;
	held.leaf_cert = leaf;
	assert_int_equal(vntl_check_chain(ctx, &held, &res, &err), VNTL_OK);
	assert_int_equal(res->indication, VNTL_PASSED);
	vntl_result_free(res);
	X509_free(leaf); /* still ours: the library took its own reference */

	pthread_t threads[4];
	struct chain_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct chain_job){ .ctx = ctx, .good = &good, .bad = &bad };
		assert_int_equal(pthread_create(&threads[i], NULL, check_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(jobs[i].wrong, 0);
	}
	vntl_ctx_free(ctx);
}

/* The certificate in the list file whose subject CN is cn, decoded from the
 * base64 of its X509Certificate element. */
static X509 *listed_cert(const char *file, const char *cn)
{
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	static char xml[1 << 20];
	size_t n = fread(xml, 1, sizeof xml - 1, f);
	fclose(f);
	xml[n] = 0;
	X509 *found = NULL;
	for (char *p = strstr(xml, "X509Certificate>"); p && !found;
	     p = strstr(p + 1, "X509Certificate>")) {
		static unsigned char b64[65536], der[65536];
		size_t k = 0;
		for (char *q = p + strlen("X509Certificate>"); *q && *q != '<' && k < sizeof b64 - 1; q++)
			if (*q != ' ' && *q != '\n' && *q != '\r' && *q != '\t')
				b64[k++] = (unsigned char)*q;
		int len = k ? EVP_DecodeBlock(der, b64, (int)k) : -1;
		const unsigned char *d = der;
		X509 *c = len > 0 ? d2i_X509(NULL, &d, len) : NULL;
		char name[256] = "";
		if (c)
			X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, name, sizeof name);
		if (c && strcmp(name, cn) == 0)
			found = c;
		else
			X509_free(c);
	}
	assert_non_null(found);
	return found;
}

/* A list's anchors are decoded on the first chain check; four threads that
 * all make that first check at once must all find the same anchor. */
struct first_check {
	const vntl_ctx *ctx;
	const vntl_chain_request *req;
	int wrong;
};

static void *check_once(void *arg)
{
	struct first_check *job = arg;
	vntl_result *res = NULL;
	vntl_error err;
	if (vntl_check_chain(job->ctx, job->req, &res, &err) != VNTL_OK)
		job->wrong++;
	else if (res->indication != VNTL_PASSED || res->chain_len != 2 ||
	         strstr(res->chain[1].subject, "IDnow TS Root CA 01") == NULL)
		job->wrong++;
	vntl_result_free(res);
	return NULL;
}

static void list_anchors_decode_once_under_parallel_first_checks(void **state)
{
	(void)state;
	char list[4096], pin[4096];
	path(list, sizeof list, "tl/samples/tl-se-2026.xml");
	path(pin, sizeof pin, "tl/samples/pins/tl-se-2026-signer.pem");
	/* an intermediate the SE list also lists, issued by a listed root */
	X509 *leaf = listed_cert(list, "IDnow TS Qualified Electronic Signature CA 01");
	/* shared by the four threads: its extension cache filled first, as
	 * vntl.h asks of a caller (OpenSSL 3.0 fills it lazily) */
	X509_check_purpose(leaf, -1, 0);
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	vntl_ctx_disable_schema(ctx);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, pin, &err), VNTL_OK);
	vntl_ctx_set_list_time(ctx, 1789000000); /* 2026-09-10 */
	assert_int_equal(vntl_ctx_load_list(ctx, list, NULL, &err), VNTL_OK);
	vntl_chain_request req = { .size = sizeof req,
		.leaf_cert = leaf, .at = 1789000000, .purpose = VNTL_PURPOSE_ANY,
		.alg_policy = VNTL_ALG_POLICY_NONE, .revocation = VNTL_REVOCATION_NONE };
	pthread_t threads[4];
	struct first_check jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct first_check){ .ctx = ctx, .req = &req };
		assert_int_equal(pthread_create(&threads[i], NULL, check_once, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(jobs[i].wrong, 0);
	}
	vntl_ctx_free(ctx);
	X509_free(leaf);
}

/* ekus, max_depth and profile (libvntl 3.0.0), at the end of the request:
 * zero keeps the strict profile with no depth or EKU requirement. */
static void request_fields_of_3_0_default_to_zero(void **state)
{
	(void)state;
	char anchor[4096], ca[4096], ee[4096], crl1[4096], crl2[4096];
	path(anchor, sizeof anchor, "pkits/certs/TrustAnchorRootCertificate.crt");
	path(ca, sizeof ca, "pkits/certs/basicConstraintsNotCriticalCACert.crt");
	path(ee, sizeof ee, "pkits/certs/ValidbasicConstraintsNotCriticalTest4EE.crt");
	path(crl1, sizeof crl1, "pkits/crls/TrustAnchorRootCRL.crl");
	path(crl2, sizeof crl2, "pkits/crls/basicConstraintsNotCriticalCACRL.crl");
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_anchor_file(ctx, anchor, &err), VNTL_OK);
	const char *untrusted[] = { ca, NULL }, *crls[] = { crl1, crl2, NULL };
	vntl_chain_request req = { .size = sizeof req,
		.leaf_file = ee, .untrusted = untrusted, .crl_files = crls,
		.at = 1302825600 /* 2011-04-15 */, .purpose = VNTL_PURPOSE_ANY,
		.alg_policy = VNTL_ALG_POLICY_NONE };
	struct { vntl_cert_profile profile; int max_depth; const char *eku;
	         vntl_indication want; const char *reason; } cases[] = {
		{ VNTL_PROFILE_STRICT, 0, NULL, VNTL_INDETERMINATE, "not marked critical" },
		{ VNTL_PROFILE_PATH, 0, NULL, VNTL_PASSED, "valid" },
		{ VNTL_PROFILE_PATH, 2, "1.3.6.1.5.5.7.3.36", VNTL_PASSED, "valid" },
		{ VNTL_PROFILE_PATH, 1, NULL, VNTL_INDETERMINATE, "maximum depth" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *ekus[] = { cases[i].eku, NULL };
		req.profile = cases[i].profile;
		req.max_depth = cases[i].max_depth;
		req.ekus = cases[i].eku ? ekus : NULL;
		vntl_result *res = NULL;
		assert_int_equal(vntl_check_chain(ctx, &req, &res, &err), VNTL_OK);
		assert_int_equal(res->indication, cases[i].want);
		assert_non_null(strstr(res->reason, cases[i].reason));
		vntl_result_free(res);
	}
	const char *bad_eku[] = { "documentSigning", NULL };
	req.ekus = bad_eku;
	vntl_result *res = NULL;
	assert_int_equal(vntl_check_chain(ctx, &req, &res, &err), VNTL_ERR_USAGE);
	assert_null(res);
	assert_non_null(strstr(err.reason, "documentSigning"));
	vntl_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(null_arguments_are_usage_errors),
		cmocka_unit_test(missing_file_names_the_file),
		cmocka_unit_test(too_long_directories_are_refused),
		cmocka_unit_test(real_list_loads_with_its_facts),
		cmocka_unit_test(list_in_memory_loads_like_its_file),
		cmocka_unit_test(chains_check_in_parallel_on_one_context),
		cmocka_unit_test(list_anchors_decode_once_under_parallel_first_checks),
		cmocka_unit_test(request_fields_of_3_0_default_to_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
