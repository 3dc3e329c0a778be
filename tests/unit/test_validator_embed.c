/* libvntl inside a vendor's program (issue 12): it prints nothing unless a
 * log callback asks, starts no thread unless allowed, takes intermediates
 * and CRLs from memory, and lists the anchors a loaded list gives. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tests/lib/test_files.h"
#include "vntl.h"

/* Every thread this program starts passes here (the executable's definition
 * comes before the C library's for the statically linked libvntl). */
static int threads_started;

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
                   void *arg)
{
	typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	static create_fn real;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	__atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
	return real(thread, attr, start, arg);
}

static void shared_path(char *out, size_t len, const char *rel)
{
	const char *s = getenv("VNTL_SHARED");
	snprintf(out, len, "%s/%s", s ? s : "../shared", rel);
}

/* Sweden's 2026 list with its signer and the official schema, judged on a
 * day it is fresh (or, with stale, before it was issued: refused). */
static vntl_ctx *swedish_ctx(void)
{
	char pin[4096], xsd[4096];
	shared_path(pin, sizeof pin, "tl/samples/pins/tl-se-2026-signer.pem");
	shared_path(xsd, sizeof xsd, "tl/xsd/19612-libxml2.xsd");
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_set_schema(ctx, xsd, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_signer_file(ctx, pin, &err), VNTL_OK);
	return ctx;
}

static vntl_status load_swedish(vntl_ctx *ctx, int stale, vntl_list_info *info)
{
	char list[4096];
	shared_path(list, sizeof list, "tl/samples/tl-se-2026.xml");
	vntl_ctx_set_list_time(ctx, stale ? 1787000000 : 1789000000);
	vntl_error err;
	return vntl_ctx_load_list(ctx, list, info, &err);
}

struct captured {
	char events[32][64];
	vntl_log_level levels[32];
	size_t n;
};

static void capture(void *userdata, vntl_log_level level, const char *event, const char *message)
{
	struct captured *c = userdata;
	assert_non_null(message);
	assert_null(strchr(message, '\n'));
	if (c->n < 32) {
		snprintf(c->events[c->n], sizeof c->events[c->n], "%s", event);
		c->levels[c->n++] = level;
	}
}

static int captured_index(const struct captured *c, const char *event)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->events[i], event) == 0)
			return (int)i;
	return -1;
}

static void without_a_callback_nothing_reaches_stderr(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/vntl-stderr-XXXXXX";
	int capture_fd = mkstemp(tmpl);
	assert_true(capture_fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	assert_true(dup2(capture_fd, 2) == 2);

	vntl_ctx *ctx = swedish_ctx();
	vntl_list_info info = { .size = sizeof info };
	vntl_status refused = load_swedish(ctx, 1, &info);
	vntl_status accepted = load_swedish(ctx, 0, &info);
	vntl_ctx_free(ctx);

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	off_t written = lseek(capture_fd, 0, SEEK_END);
	close(capture_fd);
	unlink(tmpl);
	assert_int_equal(refused, VNTL_ERR_REFUSED);
	assert_int_equal(accepted, VNTL_OK);
	assert_int_equal(written, 0);
}

static void a_callback_receives_the_events_at_its_level(void **state)
{
	(void)state;
	struct captured all = { .n = 0 }, warnings = { .n = 0 };
	vntl_list_info info = { .size = sizeof info };

	vntl_ctx *ctx = swedish_ctx();
	vntl_ctx_set_log(ctx, capture, &all);
	assert_int_equal(load_swedish(ctx, 1, &info), VNTL_ERR_REFUSED);
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	vntl_ctx_free(ctx);
	int refused = captured_index(&all, "list-refused"), accepted = captured_index(&all, "list-accepted");
	assert_true(refused >= 0 && accepted > refused);
	assert_int_equal(all.levels[refused], VNTL_LOG_WARNING);
	assert_int_equal(all.levels[accepted], VNTL_LOG_INFO);

	ctx = swedish_ctx();
	vntl_ctx_set_log(ctx, capture, &warnings);
	vntl_ctx_set_log_level(ctx, VNTL_LOG_WARNING);
	assert_int_equal(load_swedish(ctx, 1, &info), VNTL_ERR_REFUSED);
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	vntl_ctx_free(ctx);
	assert_true(captured_index(&warnings, "list-refused") >= 0);
	assert_int_equal(captured_index(&warnings, "list-accepted"), -1);
	assert_string_equal(vntl_log_level_name(VNTL_LOG_WARNING), "warning");
}

static void no_thread_is_started_unless_allowed(void **state)
{
	(void)state;
	vntl_list_info info = { .size = sizeof info };
	vntl_ctx *ctx = swedish_ctx();
	int before = __atomic_load_n(&threads_started, __ATOMIC_SEQ_CST);
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	assert_int_equal(__atomic_load_n(&threads_started, __ATOMIC_SEQ_CST), before);
	vntl_ctx_free(ctx);

	ctx = swedish_ctx();
	vntl_ctx_set_threads(ctx, 1);
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	assert_true(__atomic_load_n(&threads_started, __ATOMIC_SEQ_CST) > before);
	assert_string_equal(info.territory, "SE");
	vntl_ctx_free(ctx);
}

static void anchors_are_listed_with_their_status_at_t(void **state)
{
	(void)state;
	vntl_list_info info = { .size = sizeof info };
	vntl_ctx *ctx = swedish_ctx();
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	vntl_anchor_iter *it;
	vntl_error err;
	assert_int_equal(vntl_anchor_iter_new(NULL, 0, 0, &it, &err), VNTL_ERR_USAGE);
	assert_int_equal(vntl_anchor_iter_new(ctx, 1789000000, 0, &it, &err), VNTL_OK);
	size_t all = 0, trusted = 0;
	for (const vntl_anchor *a; (a = vntl_anchor_iter_next(it)) != NULL; all++) {
		assert_non_null(strstr(vntl_anchor_list(a), "tl-se-2026.xml"));
		assert_true(vntl_anchor_provider(a)[0] != 0);
		assert_true(vntl_anchor_service(a)[0] != 0);
		assert_int_equal(strncmp(vntl_anchor_status(a),
		                         "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/", 50), 0);
		assert_true(vntl_anchor_status_since(a) > 0 && vntl_anchor_status_since(a) <= 1789000000);
		X509 *cert = vntl_anchor_cert(a);
		assert_non_null(cert);
		unsigned char md[32];
		unsigned int mdlen = 0;
		char hex[65];
		assert_true(X509_digest(cert, EVP_sha256(), md, &mdlen) && mdlen == 32);
		for (unsigned i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		assert_string_equal(vntl_anchor_sha256(a), hex);
		trusted += (size_t)vntl_anchor_trusted(a);
	}
	vntl_anchor_iter_free(it);
	assert_true(all > 0);

	assert_int_equal(vntl_anchor_iter_new(ctx, 1789000000, 1, &it, &err), VNTL_OK);
	size_t only_trusted = 0;
	for (const vntl_anchor *a; (a = vntl_anchor_iter_next(it)) != NULL; only_trusted++)
		assert_int_equal(vntl_anchor_trusted(a), 1);
	vntl_anchor_iter_free(it);
	assert_int_equal(only_trusted, trusted);
	assert_true(trusted > 0);
	vntl_ctx_free(ctx);
}

/* PKITS 4.1.1: a valid path whose CA and CRLs are handed over in memory. */
struct pkits {
	char anchor[4096], ca[4096], ee[4096], root_crl[4096], ca_crl[4096];
};

static void pkits_paths(struct pkits *p)
{
	shared_path(p->anchor, sizeof p->anchor, "pkits/certs/TrustAnchorRootCertificate.crt");
	shared_path(p->ca, sizeof p->ca, "pkits/certs/GoodCACert.crt");
	shared_path(p->ee, sizeof p->ee, "pkits/certs/ValidCertificatePathTest1EE.crt");
	shared_path(p->root_crl, sizeof p->root_crl, "pkits/crls/TrustAnchorRootCRL.crl");
	shared_path(p->ca_crl, sizeof p->ca_crl, "pkits/crls/GoodCACRL.crl");
}

static vntl_indication check(const vntl_ctx *ctx, const vntl_chain_request *req,
                             char sub[64])
{
	vntl_result *res = NULL;
	vntl_error err;
	assert_int_equal(vntl_check_chain(ctx, req, &res, &err), VNTL_OK);
	vntl_indication ind = res->indication;
	snprintf(sub, 64, "%s", res->sub_indication);
	vntl_result_free(res);
	return ind;
}

static void intermediates_and_crls_come_from_memory(void **state)
{
	(void)state;
	struct pkits p;
	pkits_paths(&p);
	size_t ca_len, ee_len, root_crl_len, ca_crl_len;
	unsigned char *ca = tf_read_file(p.ca, &ca_len), *ee = tf_read_file(p.ee, &ee_len);
	unsigned char *root_crl = tf_read_file(p.root_crl, &root_crl_len);
	unsigned char *ca_crl = tf_read_file(p.ca_crl, &ca_crl_len);
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_anchor_file(ctx, p.anchor, &err), VNTL_OK);
	char sub[64];

	/* Without the intermediate there is no path; without CRLs, no revocation data. */
	vntl_chain_request req = { .size = sizeof req,
		.leaf_der = { ee, ee_len }, .at = 1302825600,
		.purpose = VNTL_PURPOSE_ANY, .alg_policy = VNTL_ALG_POLICY_NONE };
	assert_int_equal(check(ctx, &req, sub), VNTL_INDETERMINATE);
	assert_string_equal(sub, "NO_CERTIFICATE_CHAIN_FOUND");
	const vntl_der untrusted[] = { { ca, ca_len } };
	req.untrusted_der = untrusted;
	req.n_untrusted_der = 1;
	assert_int_equal(check(ctx, &req, sub), VNTL_INDETERMINATE);
	assert_string_equal(sub, "TRY_LATER");
	const vntl_der crls[] = { { root_crl, root_crl_len }, { ca_crl, ca_crl_len } };
	req.crl_der = crls;
	req.n_crl_der = 2;
	assert_int_equal(check(ctx, &req, sub), VNTL_PASSED);

	/* The same as OpenSSL objects the caller keeps. */
	const unsigned char *q = ca;
	X509 *ca_cert = d2i_X509(NULL, &q, (long)ca_len);
	q = root_crl;
	X509_CRL *crl1 = d2i_X509_CRL(NULL, &q, (long)root_crl_len);
	q = ca_crl;
	X509_CRL *crl2 = d2i_X509_CRL(NULL, &q, (long)ca_crl_len);
	assert_true(ca_cert && crl1 && crl2);
	X509 *certs[] = { ca_cert };
	X509_CRL *crl_objs[] = { crl1, crl2 };
	vntl_chain_request held = { .size = sizeof held,
		.leaf_der = { ee, ee_len }, .at = 1302825600,
		.purpose = VNTL_PURPOSE_ANY, .alg_policy = VNTL_ALG_POLICY_NONE,
		.untrusted_certs = certs, .n_untrusted_certs = 1, .crls = crl_objs, .n_crls = 2 };
	assert_int_equal(check(ctx, &held, sub), VNTL_PASSED);
	assert_int_equal(check(ctx, &held, sub), VNTL_PASSED); /* not taken over */

	/* Bytes that are no certificate are named by their field. */
	const vntl_der broken[] = { { ca, ca_len }, { ca, ca_len - 1 } };
	req.untrusted_der = broken;
	req.n_untrusted_der = 2;
	vntl_result *res = NULL;
	assert_int_equal(vntl_check_chain(ctx, &req, &res, &err), VNTL_ERR_INPUT);
	assert_null(res);
	assert_string_equal(err.rule, "certificate-unreadable");
	assert_non_null(strstr(err.reason, "untrusted_der[1]"));
	X509_CRL *missing[] = { NULL };
	held.crls = missing;
	held.n_crls = 1;
	assert_int_equal(vntl_check_chain(ctx, &held, &res, &err), VNTL_ERR_USAGE);
	assert_non_null(strstr(err.reason, "crls[0]"));

	X509_free(ca_cert);
	X509_CRL_free(crl1);
	X509_CRL_free(crl2);
	vntl_ctx_free(ctx);
	free(ca);
	free(ee);
	free(root_crl);
	free(ca_crl);
}

/* A caller built against an older vntl.h passes a shorter struct: the
 * fields it does not have are taken as zero, and never written. */
static void structs_carry_their_size(void **state)
{
	(void)state;
	struct pkits p;
	pkits_paths(&p);
	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_anchor_file(ctx, p.anchor, &err), VNTL_OK);
	const char *untrusted[] = { p.ca, NULL }, *crls[] = { p.root_crl, p.ca_crl, NULL };
	vntl_chain_request req = { .size = offsetof(vntl_chain_request, leaf_der),
		.leaf_file = p.ee, .untrusted = untrusted, .crl_files = crls, .at = 1302825600,
		.purpose = VNTL_PURPOSE_ANY, .alg_policy = VNTL_ALG_POLICY_NONE,
		/* beyond its size: must not be read */
		.untrusted_certs = (X509 *const *)&req, .n_untrusted_certs = 3 };
	char sub[64];
	assert_int_equal(check(ctx, &req, sub), VNTL_PASSED);
	vntl_result *res = NULL;
	req.size = 0;
	assert_int_equal(vntl_check_chain(ctx, &req, &res, &err), VNTL_ERR_USAGE);
	assert_non_null(strstr(err.reason, "sizeof(vntl_chain_request)"));
	req.size = sizeof req + 8;
	assert_int_equal(vntl_check_chain(ctx, &req, &res, &err), VNTL_ERR_USAGE);
	assert_null(res);
	vntl_ctx_free(ctx);

	ctx = swedish_ctx();
	vntl_list_info info;
	memset(&info, 0x5a, sizeof info);
	info.size = 0;
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_ERR_USAGE);
	info.size = offsetof(vntl_list_info, warning);
	assert_int_equal(load_swedish(ctx, 0, &info), VNTL_OK);
	assert_string_equal(info.territory, "SE");
	assert_int_equal(info.size, offsetof(vntl_list_info, warning));
	assert_int_equal((unsigned char)info.warning[0], 0x5a);
	assert_int_equal((unsigned char)info.ignored[sizeof info.ignored - 1], 0x5a);
	vntl_ctx_free(ctx);
}

/* A server that accepts connections and never answers: the fetch ends at
 * the timeout the caller set (1 s), not at the default minute. */
static void fetch_timeouts_are_the_callers(void **state)
{
	(void)state;
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(listener >= 0);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(listener, 4), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	char url[64];
	snprintf(url, sizeof url, "https://127.0.0.1:%d/list.xml", ntohs(addr.sin_port));

	vntl_ctx *ctx;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	vntl_ctx_set_fetch_timeouts(ctx, 1, 1);
	time_t start = time(NULL);
	assert_int_equal(vntl_ctx_load_list(ctx, url, NULL, &err), VNTL_ERR_INPUT);
	time_t took = time(NULL) - start;
	vntl_ctx_free(ctx);
	close(listener);
	assert_string_equal(err.rule, "fetch-failed");
	assert_true(took < 30); /* the default would wait 60 s */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_a_callback_nothing_reaches_stderr),
		cmocka_unit_test(a_callback_receives_the_events_at_its_level),
		cmocka_unit_test(no_thread_is_started_unless_allowed),
		cmocka_unit_test(anchors_are_listed_with_their_status_at_t),
		cmocka_unit_test(intermediates_and_crls_come_from_memory),
		cmocka_unit_test(structs_carry_their_size),
		cmocka_unit_test(fetch_timeouts_are_the_callers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
