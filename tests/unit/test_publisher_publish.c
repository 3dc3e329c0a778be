/* Publication: the directory layout and index.json of the README contract,
 * sequence numbers, immutable archives, refusals that touch nothing.
 *
 * With arguments it is also the driver of the e2e tests until and besides
 * `vntl publish`: publishes a hand-built snapshot into a directory.
 *   test_publisher_publish publish OUT KEY.pem CERT.pem   (exit 0/1/3)
 *   test_publisher_publish publish-foreign OUT KEY.pem CERT.pem N
 *     a foreign list of N new certificates (exit 4: one missing in certs/) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "publisher/certinfo.h"

#include "common/hex.h"
#include "publisher/pubdir.h"
#include "publisher/publish.h"
#include "publisher/signer.h"
#include "publisher/xades.h"
#include "tests/lib/publisher_fixture.h"
#include "vntl.h"

static int64_t now;

static int setup(void **state)
{
	static int counter;
	assert_int_equal(publisher_crypto_init(), 0);
	now = (int64_t)time(NULL);
	char out[64];
	snprintf(out, sizeof out, "pub%d", ++counter);
	struct pf_publish_fixture *f = pf_publish_fixture_new(out, "signer", now);
	assert_non_null(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	pf_publish_fixture_free(*state);
	publisher_crypto_shutdown();
	return 0;
}

static enum publish_status publish(struct pf_publish_fixture *f, unsigned lists, int64_t t, char *err)
{
	struct publish_outcome outcome;
	return publisher_publish(f->snap, &f->cfg, lists, t, NULL, NULL, &outcome, err, 512);
}

static char *slurp(const char *out, const char *rel, size_t *len)
{
	unsigned char *data = NULL;
	char err[512];
	if (pubdir_read(out, rel, &data, len, err, sizeof err) != 0)
		return NULL;
	char *s = realloc(data, *len + 1);
	s[*len] = '\0';
	return s;
}

static json_t *index_json(struct pf_publish_fixture *f)
{
	size_t len;
	char *text = slurp(f->out, "index.json", &len);
	assert_non_null(text);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	return j;
}

static void assert_list_consistent(struct pf_publish_fixture *f, json_t *index, const char *list, long long seq)
{
	json_t *entry = json_object_get(json_object_get(index, "lists"), list);
	assert_non_null(entry);
	assert_int_equal(json_integer_value(json_object_get(entry, "sequence")), seq);
	const char *path = json_string_value(json_object_get(entry, "path"));
	char expected_path[64];
	snprintf(expected_path, sizeof expected_path, "%s/%lld.xml", list, seq);
	assert_string_equal(path, expected_path);
	size_t len, cur_len;
	char *archived = slurp(f->out, path, &len);
	char cur[64];
	snprintf(cur, sizeof cur, "%s.xml", list);
	char *current = slurp(f->out, cur, &cur_len);
	assert_non_null(archived);
	assert_non_null(current);
	assert_int_equal(len, cur_len);
	assert_memory_equal(archived, current, len);
	char sha[65];
	sha256_hex((unsigned char *)archived, len, sha);
	assert_string_equal(json_string_value(json_object_get(entry, "sha256")), sha);
	assert_int_equal(json_integer_value(json_object_get(entry, "size")), len);
	char url[128];
	snprintf(url, sizeof url, "https://tl.example.vn/%s.xml", list);
	assert_string_equal(json_string_value(json_object_get(entry, "url")), url);
	free(archived);
	free(current);
}

static int count_pem(const char *pem)
{
	int n = 0;
	for (const char *p = pem; (p = strstr(p, "BEGIN CERTIFICATE")); p++)
		n++;
	return n;
}

static void publishes_the_layout_of_the_contract(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	if (publish(f, PUBLISH_ALL, now, err) != PUBLISH_OK)
		fail_msg("%s", err);
	json_t *index = index_json(f);
	assert_int_equal(json_integer_value(json_object_get(index, "format")), 1);
	assert_list_consistent(f, index, "roots", 1);
	assert_list_consistent(f, index, "foreign", 1);
	assert_list_consistent(f, index, "pointer", 1);
	size_t pem_len;
	char *pem = slurp(f->out, "roots.pem", &pem_len);
	assert_non_null(pem);
	/* NEAC root, government root, A1, B1 granted; A2 withdrawn; foreign CA 1
	 * and 2 recognised (2 again after a suspension) */
	assert_int_equal(count_pem(pem), 6);
	assert_non_null(strstr(pem, "# List: foreign\n# Provider: DEMO Foreign Trust Services Ltd\n"
				    "# Service: DEMO Foreign CA 2\n# Status: recognised since "));
	char sha[65];
	sha256_hex((unsigned char *)pem, pem_len, sha);
	json_t *file = json_object_get(json_object_get(index, "files"), "roots.pem");
	assert_string_equal(json_string_value(json_object_get(file, "sha256")), sha);
	free(pem);
	/* every certificate of the registry as DER, named by its SHA-256 */
	for (size_t i = 0; i < f->snap->tsp_count; i++) {
		for (size_t j = 0; j < f->snap->tsps[i].service_count; j++) {
			const struct db_service *s = &f->snap->tsps[i].services[j];
			char rel[128];
			snprintf(rel, sizeof rel, "certs/%s.cer", s->cert_sha256);
			size_t len;
			char *der = slurp(f->out, rel, &len);
			assert_non_null(der);
			assert_int_equal(len, s->cert_der_len);
			assert_memory_equal(der, s->cert_der, len);
			free(der);
		}
	}
	json_decref(index);
}

/* index.json is a JWS signed by the list signer: libvntl verifies it with
 * the signer pinned and reads back what the clear members say; an edit of
 * any member, or another pinned signer, is refused. */
static void signs_the_index_as_a_jws(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	if (publish(f, PUBLISH_ALL, now, err) != PUBLISH_OK)
		fail_msg("%s", err);
	size_t len;
	char *text = slurp(f->out, "index.json", &len);
	assert_non_null(text);
	unsigned char *der = NULL;
	int der_len = i2d_X509(f->signer->cert, &der);
	const unsigned char *ders[1] = {der};
	size_t lens[1] = {(size_t)der_len};
	vntl_index *idx = NULL;
	vntl_error verr = {"", ""};
	if (vntl_index_verify(text, len, ders, lens, 1, &idx, &verr) != VNTL_OK)
		fail_msg("%s: %s", verr.rule, verr.reason);
	assert_int_equal(vntl_index_list_count(idx), 3);
	const vntl_index_list *roots = vntl_index_find(idx, "roots");
	assert_non_null(roots);
	assert_int_equal(roots->sequence, 1);
	assert_int_equal(roots->issued, now);
	assert_string_equal(roots->path, "roots/1.xml");
	char signer_sha[65];
	sha256_hex(der, (size_t)der_len, signer_sha);
	assert_string_equal(roots->signer_sha256, signer_sha);
	assert_string_equal(vntl_index_signer_sha256(idx), signer_sha);
	assert_string_equal(vntl_index_algorithm(idx), "ES256");
	char pem_sha[65];
	long long pem_size = 0;
	assert_int_equal(vntl_index_file(idx, "roots.pem", pem_sha, &pem_size, &verr), VNTL_OK);
	assert_true(pem_size > 0);
	vntl_index_free(idx);
	/* a sequence changed in clear: refused */
	char *seq = strstr(text, "\"sequence\": 1");
	assert_non_null(seq);
	seq[12] = '2';
	assert_int_equal(vntl_index_verify(text, len, ders, lens, 1, &idx, &verr), VNTL_ERR_REFUSED);
	assert_string_equal(verr.rule, "index-signature-invalid");
	seq[12] = '1';
	/* one byte of the signature: refused */
	char *sig = strstr(text, "\"signature\": \"");
	assert_non_null(sig);
	sig[16] = sig[16] == 'A' ? 'B' : 'A';
	assert_int_equal(vntl_index_verify(text, len, ders, lens, 1, &idx, &verr), VNTL_ERR_REFUSED);
	if (strcmp(verr.rule, "index-signature-invalid") != 0)
		fail_msg("%s: %s", verr.rule, verr.reason);
	sig[16] = sig[16] == 'A' ? 'B' : 'A';
	/* another signer pinned */
	struct pf_publish_fixture *other = pf_publish_fixture_new("jws-other", "other-signer", now);
	unsigned char *other_der = NULL;
	int other_len = i2d_X509(other->signer->cert, &other_der);
	const unsigned char *other_ders[1] = {other_der};
	size_t other_lens[1] = {(size_t)other_len};
	assert_int_equal(vntl_index_verify(text, len, other_ders, other_lens, 1, &idx, &verr),
			 VNTL_ERR_REFUSED);
	assert_string_equal(verr.rule, "index-signer-not-pinned");
	assert_null(idx);
	OPENSSL_free(other_der);
	pf_publish_fixture_free(other);
	OPENSSL_free(der);
	free(text);
}

/* An index written before the index was signed names lists without the
 * signer's SHA-256: the next publication, of any list, publishes them too,
 * so the signed index vouches for every list it names. */
static void upgrades_an_index_from_before_the_signature(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_OK);
	json_t *index = index_json(f);
	json_object_del(index, "protected");
	json_object_del(index, "payload");
	json_object_del(index, "signature");
	json_object_del(json_object_get(json_object_get(index, "lists"), "foreign"), "signer_sha256");
	char path[4400];
	snprintf(path, sizeof path, "%s/index.json", f->out);
	assert_int_equal(json_dump_file(index, path, JSON_INDENT(2)), 0);
	json_decref(index);
	if (publish(f, PUBLISH_MASK(PUBLISHER_ROOTS), now + 60, err) != PUBLISH_OK)
		fail_msg("%s", err);
	index = index_json(f);
	assert_list_consistent(f, index, "roots", 2);
	assert_list_consistent(f, index, "foreign", 2); /* published again */
	assert_list_consistent(f, index, "pointer", 1);
	assert_non_null(json_object_get(json_object_get(json_object_get(index, "lists"), "foreign"),
					"signer_sha256"));
	assert_non_null(json_object_get(index, "signature"));
	json_decref(index);
}

static void republishing_increments_and_keeps_the_archive(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_OK);
	size_t len1;
	char *first = slurp(f->out, "roots/1.xml", &len1);
	/* withdrawal of B1 takes effect in 5 days: publish then */
	assert_int_equal(publish(f, PUBLISH_MASK(PUBLISHER_ROOTS), now + 6 * 86400, err), PUBLISH_OK);
	json_t *index = index_json(f);
	assert_list_consistent(f, index, "roots", 2);
	assert_list_consistent(f, index, "foreign", 1); /* untouched entry kept */
	size_t len1b;
	char *again = slurp(f->out, "roots/1.xml", &len1b);
	assert_int_equal(len1, len1b);
	assert_memory_equal(first, again, len1);
	size_t pem_len;
	char *pem = slurp(f->out, "roots.pem", &pem_len);
	assert_int_equal(count_pem(pem), 5);
	free(pem);
	free(first);
	free(again);
	json_decref(index);
}

static void snapshot_files(const char *out, char *buf, size_t n)
{
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "cd '%s' && find . -type f ! -name .lock -exec sha256sum {} + | sort", out);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t got = fread(buf, 1, n - 1, p);
	buf[got] = '\0';
	pclose(p);
}

static void refused_publication_touches_nothing(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_OK);
	static char before[1 << 16], after[1 << 16];
	snapshot_files(f->out, before, sizeof before);

	/* signer certificate expired at signing time: the self-check refuses */
	struct publisher_signer *expired = pf_signer(f->dir, "expired", now - 86400 * 30, now - 3600);
	assert_non_null(expired);
	f->cfg.signer = expired;
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_REFUSED);
	assert_non_null(strstr(err, "outside the signer certificate's validity"));
	f->cfg.signer = f->signer;
	publisher_signer_free(expired);

	/* NextUpdate beyond six months */
	f->cfg.next_update_days = 200;
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_REFUSED);
	assert_non_null(strstr(err, "next_update_days"));
	f->cfg.next_update_days = 30;

	/* bad registry data */
	pf_service(f->snap, 502)->timeline[0].effective = now + 86400 * 400;
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_REFUSED);
	assert_non_null(strstr(err, "foreign list: service 502"));

	snapshot_files(f->out, after, sizeof after);
	assert_string_equal(before, after);
}

static int refuse_record(void *ctx, const struct db_publication *pub, char *err, size_t errlen)
{
	(void)ctx;
	snprintf(err, errlen, "sequence %lld is not greater than the last", (long long)pub->sequence);
	return 1;
}

static void registry_refusal_leaves_index_and_current_files(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_OK);
	size_t a, b;
	char *index_before = slurp(f->out, "index.json", &a);
	struct publish_outcome outcome;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, refuse_record, NULL,
					   &outcome, err, sizeof err), PUBLISH_REFUSED);
	assert_non_null(strstr(err, "the registry refused"));
	char *index_after = slurp(f->out, "index.json", &b);
	assert_string_equal(index_before, index_after);
	json_t *index = index_json(f);
	assert_list_consistent(f, index, "roots", 1);
	json_decref(index);
	/* the archive the registry did not record was never published: gone */
	char path[4300];
	snprintf(path, sizeof path, "%s/roots/2.xml", f->out);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(pubdir_highest_sequence(f->out, "roots"), 1);
	assert_int_equal(publish(f, PUBLISH_ALL, now, err), PUBLISH_OK);
	index = index_json(f);
	assert_list_consistent(f, index, "roots", 2);
	json_decref(index);
	free(index_before);
	free(index_after);
}

static void archives_are_never_rewritten(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(pubdir_prepare(f->out, err, sizeof err), 0);
	assert_int_equal(pubdir_write_immutable(f->out, "roots/9.xml", "abc", 3, err, sizeof err), 0);
	assert_int_equal(pubdir_write_immutable(f->out, "roots/9.xml", "abc", 3, err, sizeof err), 0);
	assert_int_equal(pubdir_write_immutable(f->out, "roots/9.xml", "abd", 3, err, sizeof err), -1);
	assert_non_null(strstr(err, "never rewritten"));
	size_t len;
	char *s = slurp(f->out, "roots/9.xml", &len);
	assert_string_equal(s, "abc");
	free(s);
	assert_int_equal(pubdir_highest_sequence(f->out, "roots"), 9);
}

static void one_publisher_at_a_time(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	assert_int_equal(pubdir_prepare(f->out, err, sizeof err), 0);
	int held = pubdir_lock(f->out, err, sizeof err);
	assert_true(held >= 0);
	pid_t pid = fork();
	if (pid == 0) /* flock is per open file description: try from another process */
		_exit(pubdir_lock(f->out, err, sizeof err) < 0 ? 0 : 1);
	int status;
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	pubdir_unlock(held);
}

static void due_when_near_next_update_or_a_change_took_effect(void **state)
{
	struct pf_publish_fixture *f = *state;
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_ROOTS, now, 86400), 1); /* never published */
	for (int l = 0; l < 3; l++) {
		f->snap->has_last[l] = 1;
		f->snap->last[l].issued = now;
		f->snap->last[l].next_update = now + 30 * 86400;
		f->snap->last[l].status_upto = INT64_MAX; /* it held every entry */
	}
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_ROOTS, now + 86400, 7 * 86400), 0);
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_ROOTS, now + 24 * 86400, 7 * 86400), 1);
	/* B1's withdrawal (in 5 days) makes roots due, not foreign */
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_ROOTS, now + 5 * 86400, 7 * 86400), 1);
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_FOREIGN, now + 5 * 86400, 7 * 86400), 0);
	/* an entry the last publication's snapshot did not hold, in effect now */
	f->snap->last[PUBLISHER_FOREIGN].status_upto = 0;
	assert_int_equal(publisher_list_due(f->snap, PUBLISHER_FOREIGN, now + 86400, 7 * 86400), 1);
}

static int run_unit_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publishes_the_layout_of_the_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(signs_the_index_as_a_jws, setup, teardown),
		cmocka_unit_test_setup_teardown(upgrades_an_index_from_before_the_signature, setup, teardown),
		cmocka_unit_test_setup_teardown(republishing_increments_and_keeps_the_archive, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_publication_touches_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(registry_refusal_leaves_index_and_current_files, setup, teardown),
		cmocka_unit_test_setup_teardown(archives_are_never_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(one_publisher_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(due_when_near_next_update_or_a_change_took_effect, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* After a publish: is every certificate of the snapshot in certs/, whole? */
static int certs_all_published(const char *out, const struct db_snapshot *snap)
{
	for (size_t i = 0; i < snap->tsp_count; i++) {
		for (size_t j = 0; j < snap->tsps[i].service_count; j++) {
			const struct db_service *s = &snap->tsps[i].services[j];
			char rel[128], err[512];
			snprintf(rel, sizeof rel, "certs/%s.cer", s->cert_sha256);
			unsigned char *der = NULL;
			size_t len = 0;
			int same = pubdir_read(out, rel, &der, &len, err, sizeof err) == 0 &&
				   len == s->cert_der_len && memcmp(der, s->cert_der, len) == 0;
			free(der);
			if (!same) {
				fprintf(stderr, "level=error event=cert-missing path=%s/%s\n", out, rel);
				return 0;
			}
		}
	}
	return 1;
}

/* Driver mode for e2e tests: the small registry of pf_snapshot, all lists;
 * with foreign_n > 0, a foreign list of that many new certificates (exit 4
 * when a certificate is missing from certs/ after publishing). */
static int run_publish(const char *out, const char *key, const char *cert, size_t foreign_n)
{
	char err[512] = "";
	if (publisher_crypto_init() < 0)
		return 3;
	struct publisher_signer *signer = NULL;
	if (publisher_signer_open_pem(key, cert, NULL, NULL, &signer, err, sizeof err) < 0) {
		fprintf(stderr, "level=error event=publish-refused reason=\"%s\"\n", err);
		return 1;
	}
	int64_t t = (int64_t)time(NULL);
	struct db_snapshot *snap = foreign_n ? pf_snapshot_foreign(t, foreign_n) : pf_snapshot(t);
	unsigned lists = foreign_n ? PUBLISH_MASK(PUBLISHER_FOREIGN) : PUBLISH_ALL;
	struct publish_config cfg = {.out = out, .base_url = "https://tl.example.vn",
				     .next_update_days = 30, .signer = signer};
	struct publish_outcome outcome;
	/* tells a kill test when publishing starts and how long it takes */
	printf("publishing\n");
	fflush(stdout);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	enum publish_status rc = publisher_publish(snap, &cfg, lists, t, NULL, NULL, &outcome, err,
						   sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("publish_ms=%ld\n", (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	if (rc != PUBLISH_OK)
		fprintf(stderr, "level=error event=publish-failed reason=\"%s\"\n", err);
	else
		for (int l = 0; l < PUBLISHER_LIST_COUNT; l++)
			if (outcome.published[l])
				printf("published %s %lld\n", outcome.pub[l].list,
				       (long long)outcome.pub[l].sequence);
	int code = (int)rc;
	if (rc == PUBLISH_OK && !certs_all_published(out, snap))
		code = 4;
	pf_snapshot_free(snap);
	publisher_signer_free(signer);
	publisher_crypto_shutdown();
	return code;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "publish") == 0)
		return run_publish(argv[2], argv[3], argv[4], 0);
	if (argc == 6 && strcmp(argv[1], "publish-foreign") == 0 && atoi(argv[5]) > 0)
		return run_publish(argv[2], argv[3], argv[4], (size_t)atoi(argv[5]));
	if (argc != 1) {
		fprintf(stderr, "usage: %s [publish OUT KEY.pem CERT.pem | publish-foreign OUT KEY.pem CERT.pem N]\n", argv[0]);
		return 2;
	}
	return run_unit_tests();
}
