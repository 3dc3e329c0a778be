/* Issue 15: a fetch whose safety settings libcurl refuses never runs. This
 * binary alone is linked with -Wl,--wrap=curl_easy_setopt and
 * --wrap=curl_easy_perform (Makefile), so one chosen option can be made to
 * fail and every transfer that would run is counted: libvntl's list fetch
 * (each option it sets, failing in turn) and vntl-validate sync must
 * refuse, without a transfer, when the restriction to https (and http for
 * sync) or the timeouts cannot be set, rather than fetch without them.
 *
 * The revocation fetch path (OCSP and CRL downloads, vv_http.c and
 * vv_revocation.c) is driven end to end: a chain check of a leaf whose
 * OCSP responder or CRL distribution point is a server in this process
 * PASSES when the server answers well, and is INDETERMINATE without any
 * transfer when any one option libvntl sets fails, and INDETERMINATE when
 * the answer is an HTTP error, too large, a redirect, unreadable, signed by
 * another key, without the request's nonce, or never comes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "validate/sync.h"
#include "vntl.h"

CURLcode __real_curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode __real_curl_easy_perform(CURL *curl);
CURLcode __wrap_curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode __wrap_curl_easy_perform(CURL *curl);

static CURLoption failing_option; /* 0: none fails */
static int transfers;
/* the options a run sets, each once, when recording */
static CURLoption recorded[64];
static size_t n_recorded;
static int recording;

static void record(CURLoption option)
{
	for (size_t i = 0; i < n_recorded; i++)
		if (recorded[i] == option)
			return;
	assert_true(n_recorded < sizeof recorded / sizeof recorded[0]);
	recorded[n_recorded++] = option;
}

CURLcode __wrap_curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	va_list ap;
	va_start(ap, option);
	CURLcode rc;
	if (recording)
		record(option);
	if (failing_option && option == failing_option)
		rc = CURLE_UNKNOWN_OPTION; /* what an older libcurl answers */
	else if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, long));
	else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else /* object and function pointers, blobs */
		rc = __real_curl_easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode __wrap_curl_easy_perform(CURL *curl)
{
	transfers++;
	return __real_curl_easy_perform(curl);
}

static void shared_path(char *out, size_t len, const char *rel)
{
	const char *s = getenv("VNTL_SHARED");
	snprintf(out, len, "%s/%s", s ? s : "../shared", rel);
}

/* libvntl loads a list from a URL on a port where nothing listens. */
static vntl_status load_url(vntl_error *err)
{
	vntl_ctx *ctx = NULL;
	assert_int_equal(vntl_ctx_new(&ctx, err), VNTL_OK);
	vntl_status st = vntl_ctx_load_list(ctx, "https://127.0.0.1:1/list.xml", NULL, err);
	vntl_ctx_free(ctx);
	return st;
}

/* Whether `option` is among those the last recording saw. */
static int was_set(CURLoption option)
{
	for (size_t i = 0; i < n_recorded; i++)
		if (recorded[i] == option)
			return 1;
	return 0;
}

static void list_fetch_runs_when_libcurl_takes_every_setting(void **state)
{
	(void)state;
	failing_option = 0;
	transfers = 0;
	n_recorded = 0;
	recording = 1;
	vntl_error err;
	assert_int_equal(load_url(&err), VNTL_ERR_INPUT);
	recording = 0;
	assert_string_equal(err.rule, "fetch-failed");
	assert_int_equal(transfers, 1); /* the wrappers see the transfer */
	const CURLoption essential[] = { CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR,
		                         CURLOPT_SSL_VERIFYPEER, CURLOPT_SSL_VERIFYHOST,
		                         CURLOPT_MAXFILESIZE_LARGE, CURLOPT_CONNECTTIMEOUT,
		                         CURLOPT_TIMEOUT, CURLOPT_WRITEFUNCTION };
	for (size_t i = 0; i < sizeof essential / sizeof essential[0]; i++)
		assert_true(was_set(essential[i]));
}

/* Each option the list fetch sets, failing in turn. */
static void list_fetch_refuses_without_its_restrictions(void **state)
{
	list_fetch_runs_when_libcurl_takes_every_setting(state); /* records the options */
	CURLoption options[sizeof recorded / sizeof recorded[0]];
	size_t n = n_recorded;
	assert_true(n > 0);
	memcpy(options, recorded, n * sizeof options[0]);
	for (size_t i = 0; i < n; i++) {
		failing_option = options[i];
		transfers = 0;
		vntl_error err;
		assert_int_equal(load_url(&err), VNTL_ERR_INPUT);
		assert_string_equal(err.rule, "fetch-failed");
		if (!strstr(err.reason, "libcurl refused") || transfers != 0)
			fail_msg("option %d failing: %s after %d transfers", (int)options[i], err.reason, transfers);
	}
	failing_option = 0;
}

/* vntl-validate sync --from URL into a fresh directory; its exit code. */
static int run_sync(const char *from)
{
	char signer[4096], out[] = "/tmp/vntl-curlfail-XXXXXX";
	shared_path(signer, sizeof signer, "tl/samples/pins/tl-se-2026-signer.pem");
	assert_non_null(mkdtemp(out));
	char dir[sizeof out + 8];
	snprintf(dir, sizeof dir, "%s/store", out);
	char *argv[] = { "sync", "--from", (char *)from, "--signer", signer, "--out", dir, NULL };
	int rc = validate_sync_main(7, argv);
	char lock[sizeof dir + 8];
	snprintf(lock, sizeof lock, "%s/.lock", dir);
	unlink(lock);
	rmdir(dir);
	assert_int_equal(rmdir(out), 0); /* nothing but the lock was written */
	return rc;
}

static void sync_refuses_without_its_protocol_restriction(void **state)
{
	(void)state;
	failing_option = 0;
	transfers = 0;
	assert_int_equal(run_sync("https://127.0.0.1:1"), SYNC_USAGE); /* nothing listens */
	assert_int_equal(transfers, 1);

	const CURLoption options[] = { CURLOPT_PROTOCOLS_STR, CURLOPT_REDIR_PROTOCOLS_STR,
		                       CURLOPT_SSL_VERIFYHOST, CURLOPT_CONNECTTIMEOUT,
		                       CURLOPT_WRITEFUNCTION };
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
		failing_option = options[i];
		transfers = 0;
		assert_int_equal(run_sync("https://127.0.0.1:1"), SYNC_USAGE);
		assert_int_equal(transfers, 0);
	}
	failing_option = 0;
}

/* --- the revocation fetch path ------------------------------------------ */

/* libvntl's bounds on what one fetch may bring (vv_revocation.c) */
#define CRL_LIMIT (64u << 20)
#define OCSP_LIMIT (1u << 20)

enum serve {
	SERVE_GOOD,         /* the CRL, or a fresh signed OCSP answer with the nonce */
	SERVE_ERROR_STATUS, /* the same body with HTTP 500 */
	SERVE_TOO_LARGE,    /* the same body followed by padding up to one byte over the bound */
	SERVE_REDIRECT,     /* 302 to the same path by ftp:// */
	SERVE_GARBAGE,      /* 200 with bytes that are neither a CRL nor an OCSP response */
	SERVE_FORGED,       /* a CRL or OCSP answer signed by a key that is not the issuer's */
	SERVE_NO_NONCE,     /* an OCSP answer that does not echo the request's nonce */
};
static const char *const serve_names[] = { "good", "HTTP 500", "too large", "redirect to ftp",
	                                   "garbage", "forged signature", "no nonce" };

static struct {
	struct MHD_Daemon *daemon;
	unsigned short port, silent_port; /* silent: listens, never accepts */
	int silent_fd;
	enum serve mode;
	_Atomic int requests;
	EVP_PKEY *root_key, *forger_key;
	X509 *root, *forger; /* forger: the root's name on another key */
	X509 *crl_leaf, *ocsp_leaf, *silent_leaf; /* revocation data from the CDP, the AIA, nowhere */
	char root_file[64];
} pki;

struct upload {
	unsigned char *data;
	size_t len;
};

static EVP_PKEY *new_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(k);
	return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for `key` issued by `issuer` (NULL: self-signed CA) whose
 * revocation data is at the OCSP responder `ocsp` and/or the CRL `cdp`. */
static X509 *new_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, long serial,
                      const char *ocsp, const char *cdp)
{
	X509 *x = X509_new();
	assert_non_null(x);
	X509_NAME *name = X509_NAME_new();
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
	                                            -1, -1, 0), 1);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name), 1);
	X509_NAME_free(name);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -86400));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 30 * 86400));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	if (!issuer) {
		add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
		add_ext(x, issuer, NID_key_usage, "critical,digitalSignature");
	}
	char v[128];
	if (ocsp) {
		snprintf(v, sizeof v, "OCSP;URI:%s", ocsp);
		add_ext(x, issuer, NID_info_access, v);
	}
	if (cdp) {
		snprintf(v, sizeof v, "URI:%s", cdp);
		add_ext(x, issuer, NID_crl_distribution_points, v);
	}
	assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
	return x;
}

/* The server side runs on libmicrohttpd's thread, where a cmocka
 * assertion cannot fail the test: it stops the whole binary instead. */
static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "test server: %s failed\n", what);
		abort();
	}
}

/* The root's CRL (revoking nothing), signed with `key`, as DER. */
static unsigned char *root_crl(EVP_PKEY *key, int *len)
{
	X509_CRL *crl = X509_CRL_new();
	must(crl != NULL, "crl");
	must(X509_CRL_set_version(crl, X509_CRL_VERSION_2) == 1, "X509_CRL_set_version");
	must(X509_CRL_set_issuer_name(crl, X509_get_subject_name(pki.root)) == 1, "X509_CRL_set_issuer_name");
	ASN1_TIME *last = X509_gmtime_adj(NULL, -3600), *next = X509_gmtime_adj(NULL, 86400);
	must(X509_CRL_set1_lastUpdate(crl, last) == 1, "X509_CRL_set1_lastUpdate");
	must(X509_CRL_set1_nextUpdate(crl, next) == 1, "X509_CRL_set1_nextUpdate");
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	must(X509_CRL_sign(crl, key, EVP_sha256()) > 0, "X509_CRL_sign");
	unsigned char *der = NULL;
	*len = i2d_X509_CRL(crl, &der);
	must(*len > 0, "len > 0");
	X509_CRL_free(crl);
	return der;
}

/* The OCSP answer to `req` (DER): the certificate is good, signed by the
 * root (or the forger), with the request's nonce unless told otherwise. */
static unsigned char *ocsp_answer(const struct upload *request, int *len)
{
	const unsigned char *p = request->data;
	OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &p, (long)request->len);
	must(req != NULL, "req");
	OCSP_ONEREQ *one = OCSP_request_onereq_get0(req, 0);
	must(one != NULL, "one");
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	ASN1_TIME *now = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 3600);
	must(OCSP_basic_add1_status(bs, OCSP_onereq_get0_id(one), V_OCSP_CERTSTATUS_GOOD, 0,
	                                       NULL, now, next) != NULL, "OCSP_basic_add1_status");
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	if (pki.mode != SERVE_NO_NONCE)
		must(OCSP_copy_nonce(bs, req) == 1, "OCSP_copy_nonce");
	X509 *signer = pki.mode == SERVE_FORGED ? pki.forger : pki.root;
	EVP_PKEY *key = pki.mode == SERVE_FORGED ? pki.forger_key : pki.root_key;
	must(OCSP_basic_sign(bs, signer, key, EVP_sha256(), NULL, 0) == 1, "OCSP_basic_sign");
	OCSP_RESPONSE *resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	must(resp != NULL, "resp");
	unsigned char *der = NULL;
	*len = i2d_OCSP_RESPONSE(resp, &der);
	must(*len > 0, "len > 0");
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	return der;
}

/* The body the current mode serves for `url` (malloc'd). */
static unsigned char *body_for(const char *url, const struct upload *request, size_t *len)
{
	if (pki.mode == SERVE_GARBAGE) {
		*len = 100;
		unsigned char *b = malloc(*len);
		must(b != NULL, "b");
		memset(b, 'x', *len);
		return b;
	}
	int n;
	unsigned char *der = strcmp(url, "/ocsp") == 0
	                     ? ocsp_answer(request, &n)
	                     : root_crl(pki.mode == SERVE_FORGED ? pki.forger_key : pki.root_key, &n);
	size_t bound = strcmp(url, "/ocsp") == 0 ? OCSP_LIMIT : CRL_LIMIT;
	*len = pki.mode == SERVE_TOO_LARGE ? bound + 1 : (size_t)n;
	unsigned char *b = calloc(1, *len);
	must(b != NULL, "b");
	memcpy(b, der, (size_t)n); /* a DER reader stops at its end: the padding is never read */
	OPENSSL_free(der);
	return b;
}

static enum MHD_Result serve(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_size,
                             void **con_cls)
{
	(void)cls, (void)method, (void)version;
	struct upload *u = *con_cls;
	if (!u) {
		*con_cls = u = calloc(1, sizeof *u);
		return u ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		unsigned char *grown = realloc(u->data, u->len + *upload_size);
		if (!grown)
			return MHD_NO;
		memcpy(grown + u->len, upload_data, *upload_size);
		u->data = grown;
		u->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	pki.requests++;
	size_t len;
	unsigned char *body = body_for(url, u, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	unsigned status = MHD_HTTP_OK;
	if (pki.mode == SERVE_ERROR_STATUS)
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (pki.mode == SERVE_REDIRECT) {
		char location[128];
		snprintf(location, sizeof location, "ftp://127.0.0.1:%u%s", pki.port, url);
		MHD_add_response_header(r, "Location", location);
		status = MHD_HTTP_FOUND;
	}
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)c, (void)why;
	struct upload *u = *con_cls;
	if (u)
		free(u->data);
	free(u);
	*con_cls = NULL;
}

static unsigned short listen_silently(int *fd)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*fd >= 0);
	assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(*fd, 8), 0);
	assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &alen), 0);
	return ntohs(a.sin_port);
}

static int start_pki(void **state)
{
	(void)state;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	pki.daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, serve, NULL,
	                              MHD_OPTION_SOCK_ADDR, &a, MHD_OPTION_NOTIFY_COMPLETED,
	                              request_done, NULL, MHD_OPTION_END);
	assert_non_null(pki.daemon);
	pki.port = MHD_get_daemon_info(pki.daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
	pki.silent_port = listen_silently(&pki.silent_fd);

	pki.root_key = new_key();
	pki.forger_key = new_key();
	pki.root = new_cert("Revocation fetch test root", pki.root_key, NULL, pki.root_key, 1, NULL, NULL);
	pki.forger = new_cert("Revocation fetch test root", pki.forger_key, NULL, pki.forger_key, 1, NULL, NULL);
	char ocsp[64], cdp[64], silent_ocsp[64], silent_cdp[64];
	snprintf(ocsp, sizeof ocsp, "http://127.0.0.1:%u/ocsp", pki.port);
	snprintf(cdp, sizeof cdp, "http://127.0.0.1:%u/root.crl", pki.port);
	snprintf(silent_ocsp, sizeof silent_ocsp, "http://127.0.0.1:%u/ocsp", pki.silent_port);
	snprintf(silent_cdp, sizeof silent_cdp, "http://127.0.0.1:%u/root.crl", pki.silent_port);
	EVP_PKEY *leaf_key = new_key();
	pki.crl_leaf = new_cert("CRL leaf", leaf_key, pki.root, pki.root_key, 2, NULL, cdp);
	pki.ocsp_leaf = new_cert("OCSP leaf", leaf_key, pki.root, pki.root_key, 3, ocsp, NULL);
	pki.silent_leaf = new_cert("Silent leaf", leaf_key, pki.root, pki.root_key, 4, silent_ocsp, silent_cdp);
	EVP_PKEY_free(leaf_key);

	snprintf(pki.root_file, sizeof pki.root_file, "/tmp/vntl-curlfail-root-XXXXXX");
	int fd = mkstemp(pki.root_file);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, pki.root), 1);
	assert_int_equal(fclose(f), 0);
	return 0;
}

static int stop_pki(void **state)
{
	(void)state;
	MHD_stop_daemon(pki.daemon);
	close(pki.silent_fd);
	unlink(pki.root_file);
	X509_free(pki.root);
	X509_free(pki.forger);
	X509_free(pki.crl_leaf);
	X509_free(pki.ocsp_leaf);
	X509_free(pki.silent_leaf);
	EVP_PKEY_free(pki.root_key);
	EVP_PKEY_free(pki.forger_key);
	return 0;
}

/* A chain check of `leaf` under the root, revocation data required and
 * fetched online; its indication, sub-indication in `sub`. */
static vntl_indication check_online(X509 *leaf, long timeout, char *sub, size_t sub_len)
{
	vntl_ctx *ctx = NULL;
	vntl_error err;
	assert_int_equal(vntl_ctx_new(&ctx, &err), VNTL_OK);
	assert_int_equal(vntl_ctx_add_anchor_file(ctx, pki.root_file, &err), VNTL_OK);
	vntl_ctx_set_fetch_timeouts(ctx, timeout, timeout);
	vntl_chain_request req = { .size = sizeof req, .leaf_cert = leaf, .online = 1,
		                   .revocation = VNTL_REVOCATION_REQUIRE, .purpose = VNTL_PURPOSE_ANY,
		                   .alg_policy = VNTL_ALG_POLICY_NONE, .profile = VNTL_PROFILE_PATH };
	vntl_result *res = NULL;
	vntl_status st = vntl_check_chain(ctx, &req, &res, &err);
	if (st != VNTL_OK)
		fail_msg("the chain check failed: %s: %s", err.rule, err.reason);
	vntl_indication ind = res->indication;
	snprintf(sub, sub_len, "%s", res->sub_indication);
	vntl_result_free(res);
	vntl_ctx_free(ctx);
	return ind;
}

/* The leaf's check with the server in `mode`: INDETERMINATE for want of
 * revocation data, after one request reached the server. */
static void expect_no_revocation_data(X509 *leaf, enum serve mode)
{
	char sub[64];
	pki.mode = mode;
	pki.requests = 0;
	transfers = 0;
	vntl_indication ind = check_online(leaf, 10, sub, sizeof sub);
	if (ind != VNTL_INDETERMINATE || strcmp(sub, "TRY_LATER") != 0)
		fail_msg("server answering %s: %d/%s instead of INDETERMINATE/TRY_LATER", serve_names[mode],
		         (int)ind, sub);
	assert_int_equal(pki.requests, 1);
	assert_int_equal(transfers, 1);
	pki.mode = SERVE_GOOD;
}

static void revocation_fetched_online_passes(void **state)
{
	(void)state;
	X509 *leaves[] = { pki.crl_leaf, pki.ocsp_leaf };
	for (size_t i = 0; i < 2; i++) {
		char sub[64];
		pki.mode = SERVE_GOOD;
		pki.requests = 0;
		transfers = 0;
		assert_int_equal(check_online(leaves[i], 10, sub, sizeof sub), VNTL_PASSED);
		assert_int_equal(pki.requests, 1);
		assert_int_equal(transfers, 1);
	}
}

/* Each option libvntl sets for a revocation fetch, failing in turn: the
 * fetch does not run (no transfer, no request) and the chain does not pass. */
static void revocation_fetch_refuses_without_any_of_its_settings(void **state)
{
	(void)state;
	X509 *leaves[] = { pki.crl_leaf, pki.ocsp_leaf };
	for (size_t l = 0; l < 2; l++) {
		char sub[64];
		pki.mode = SERVE_GOOD;
		failing_option = 0;
		n_recorded = 0;
		recording = 1;
		assert_int_equal(check_online(leaves[l], 10, sub, sizeof sub), VNTL_PASSED);
		recording = 0;
		/* at least the URL, both protocol restrictions, TLS, timeouts and the sink */
		assert_true(n_recorded >= 9);
		CURLoption options[sizeof recorded / sizeof recorded[0]];
		size_t n = n_recorded;
		memcpy(options, recorded, n * sizeof options[0]);
		for (size_t i = 0; i < n; i++) {
			failing_option = options[i];
			transfers = 0;
			pki.requests = 0;
			vntl_indication ind = check_online(leaves[l], 10, sub, sizeof sub);
			if (ind != VNTL_INDETERMINATE || transfers != 0 || pki.requests != 0)
				fail_msg("%s leaf, option %d failing: %d/%s after %d transfers",
				         l ? "OCSP" : "CRL", (int)options[i], (int)ind, sub, transfers);
		}
		failing_option = 0;
	}
}

static void revocation_fetch_refuses_bad_answers(void **state)
{
	(void)state;
	const enum serve modes[] = { SERVE_ERROR_STATUS, SERVE_TOO_LARGE, SERVE_REDIRECT, SERVE_GARBAGE,
		                     SERVE_FORGED };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		expect_no_revocation_data(pki.crl_leaf, modes[i]);
		expect_no_revocation_data(pki.ocsp_leaf, modes[i]);
	}
	expect_no_revocation_data(pki.ocsp_leaf, SERVE_NO_NONCE);
}

/* A server that takes the connection and never answers: each fetch (OCSP,
 * then the CRL) gives up after the total timeout, and the chain does not
 * pass. The bound is loose: it only tells a timeout from a hang. */
static void revocation_fetch_gives_up_on_a_silent_server(void **state)
{
	(void)state;
	char sub[64];
	transfers = 0;
	time_t start = time(NULL);
	assert_int_equal(check_online(pki.silent_leaf, 1, sub, sizeof sub), VNTL_INDETERMINATE);
	assert_string_equal(sub, "TRY_LATER");
	assert_int_equal(transfers, 2);
	assert_true(time(NULL) - start < 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_fetch_runs_when_libcurl_takes_every_setting),
		cmocka_unit_test(list_fetch_refuses_without_its_restrictions),
		cmocka_unit_test(sync_refuses_without_its_protocol_restriction),
		cmocka_unit_test_setup_teardown(revocation_fetched_online_passes, start_pki, stop_pki),
		cmocka_unit_test_setup_teardown(revocation_fetch_refuses_without_any_of_its_settings,
		                                start_pki, stop_pki),
		cmocka_unit_test_setup_teardown(revocation_fetch_refuses_bad_answers, start_pki, stop_pki),
		cmocka_unit_test_setup_teardown(revocation_fetch_gives_up_on_a_silent_server, start_pki,
		                                stop_pki),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
