/* certs/ of the publication directory: staged (beside the lists' build and
 * check), then committed with one rename of the whole staging directory when
 * certs/ is new, else file by file; nothing visible before the commit, and a
 * refused or failed publication leaves no new certificate behind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "publisher/pubdir.h"
#include "publisher/pubdir_certs.h"
#include "publisher/publish.h"
#include "publisher/signer.h"
#include "publisher/xades.h"
#include "tests/lib/publisher_fixture.h"

#define CERT_COUNT 7 /* services of pf_snapshot */

static int64_t now;

static int setup(void **state)
{
	static int counter;
	assert_int_equal(publisher_crypto_init(), 0);
	now = (int64_t)time(NULL);
	char out[64];
	snprintf(out, sizeof out, "certs-pub%d.%ld", ++counter, (long)getpid());
	struct pf_publish_fixture *f = pf_publish_fixture_new(out, "certs-signer", now);
	assert_non_null(f);
	char err[512] = "";
	assert_int_equal(pubdir_prepare(f->out, err, sizeof err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct pf_publish_fixture *f = *state;
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->out);
	assert_int_equal(system(cmd), 0);
	pf_publish_fixture_free(f);
	publisher_crypto_shutdown();
	return 0;
}

static void path_of(const struct pf_publish_fixture *f, const char *rel, char *path, size_t n)
{
	snprintf(path, n, "%s/%s", f->out, rel);
}

static int exists(const struct pf_publish_fixture *f, const char *rel)
{
	char path[4400];
	path_of(f, rel, path, sizeof path);
	struct stat sb;
	return lstat(path, &sb) == 0;
}

static ino_t inode_of(const struct pf_publish_fixture *f, const char *rel)
{
	char path[4400];
	path_of(f, rel, path, sizeof path);
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_ino;
}

/* Entries of <out>/<rel> (not . and ..), -1 when it is not a directory. */
static int count_entries(const struct pf_publish_fixture *f, const char *rel)
{
	char path[4400];
	path_of(f, rel, path, sizeof path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Is any certificate staging directory left in <out>? */
static int staging_left(const struct pf_publish_fixture *f)
{
	DIR *d = opendir(f->out);
	assert_non_null(d);
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, PUBDIR_CERTS_STAGING, strlen(PUBDIR_CERTS_STAGING)) == 0)
			found = 1;
	closedir(d);
	return found;
}

static void cert_rel(const struct db_service *s, const char *dir, char *rel, size_t n)
{
	snprintf(rel, n, "%s/%s.cer", dir, s->cert_sha256);
}

/* Every certificate of the snapshot is in certs/ with its exact bytes. */
static void assert_all_certs_published(const struct pf_publish_fixture *f)
{
	for (size_t i = 0; i < f->snap->tsp_count; i++) {
		for (size_t j = 0; j < f->snap->tsps[i].service_count; j++) {
			const struct db_service *s = &f->snap->tsps[i].services[j];
			char rel[160], err[512];
			cert_rel(s, "certs", rel, sizeof rel);
			unsigned char *der = NULL;
			size_t len = 0;
			assert_int_equal(pubdir_read(f->out, rel, &der, &len, err, sizeof err), 0);
			assert_int_equal(len, s->cert_der_len);
			assert_memory_equal(der, s->cert_der, len);
			free(der);
		}
	}
	assert_int_equal(count_entries(f, "certs"), CERT_COUNT);
	assert_false(staging_left(f));
}

/* The inode flags of <out> (chattr), -1 where the file system has none. */
static int dir_flags(const struct pf_publish_fixture *f)
{
	int fd = open(f->out, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
		flags = -1;
	close(fd);
	return flags;
}

static void fresh_directory_is_staged_then_renamed_whole(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	struct pubdir_certs st;
	int flags = dir_flags(f);
	assert_false(exists(f, "certs")); /* pubdir_prepare leaves it to the commit */
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_true(st.staged);
	assert_int_equal(st.written, CERT_COUNT);
	/* staged under final names, nothing visible yet */
	assert_false(exists(f, "certs"));
	assert_int_equal(count_entries(f, st.name), CERT_COUNT);
	char rel[160];
	cert_rel(pf_service(f->snap, 501), st.name, rel, sizeof rel);
	assert_true(exists(f, rel));
	ino_t staged = inode_of(f, st.name);
	/* the operator's directory keeps its attributes (no chattr +T) */
	assert_int_equal(dir_flags(f), flags);
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	assert_false(st.staged);
	/* the staging directory itself became certs/: one rename */
	assert_int_equal(inode_of(f, "certs"), staged);
	assert_all_certs_published(f);
}

static void empty_certs_directory_is_replaced_whole(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "", path[4400];
	path_of(f, "certs", path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	struct pubdir_certs st;
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_int_equal(st.written, CERT_COUNT);
	ino_t staged = inode_of(f, st.name);
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	assert_int_equal(inode_of(f, "certs"), staged);
	assert_all_certs_published(f);
}

static void existing_certs_gets_only_the_missing_files(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "", rel[160], path[4400];
	assert_int_equal(pubdir_write_certs(f->out, f->snap, err, sizeof err), 0);
	ino_t certs_dir = inode_of(f, "certs");
	cert_rel(pf_service(f->snap, 101), "certs", rel, sizeof rel);
	ino_t kept = inode_of(f, rel);
	const int64_t removed[] = {201, 502};
	for (size_t i = 0; i < 2; i++) {
		cert_rel(pf_service(f->snap, removed[i]), "certs", rel, sizeof rel);
		path_of(f, rel, path, sizeof path);
		assert_int_equal(unlink(path), 0);
	}
	struct pubdir_certs st;
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_int_equal(st.written, 2);
	assert_int_equal(count_entries(f, st.name), 2);
	cert_rel(pf_service(f->snap, 502), st.name, rel, sizeof rel);
	assert_true(exists(f, rel));
	assert_int_equal(count_entries(f, "certs"), CERT_COUNT - 2); /* not visible yet */
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	/* certs/ kept, its files untouched, the two new ones moved in */
	assert_int_equal(inode_of(f, "certs"), certs_dir);
	cert_rel(pf_service(f->snap, 101), "certs", rel, sizeof rel);
	assert_int_equal(inode_of(f, rel), kept);
	assert_all_certs_published(f);

	/* nothing missing: nothing staged, nothing to commit */
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_false(st.staged);
	assert_int_equal(st.written, 0);
	assert_false(staging_left(f));
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	assert_all_certs_published(f);
}

static void the_same_certificate_twice_is_written_once(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	struct db_service *a = pf_service(f->snap, 101), *b = pf_service(f->snap, 201);
	unsigned char *copy = malloc(a->cert_der_len);
	memcpy(copy, a->cert_der, a->cert_der_len);
	free(b->cert_der);
	b->cert_der = copy;
	b->cert_der_len = a->cert_der_len;
	memcpy(b->cert_sha256, a->cert_sha256, sizeof b->cert_sha256);
	struct pubdir_certs st;
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_int_equal(st.written, CERT_COUNT - 1);
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	assert_int_equal(count_entries(f, "certs"), CERT_COUNT - 1);
}

/* A killed run's staging directory (or anything under such a name) is
 * removed, never trusted: its files are not moved into certs/. */
static void a_killed_runs_staging_is_never_trusted(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "", rel[160], path[4400], killed[64];
	snprintf(killed, sizeof killed, "%s.%d", PUBDIR_CERTS_STAGING, 99999);
	path_of(f, killed, path, sizeof path);
	assert_int_equal(mkdir(path, 0755), 0);
	cert_rel(pf_service(f->snap, 301), killed, rel, sizeof rel);
	path_of(f, rel, path, sizeof path);
	FILE *half = fopen(path, "w");
	assert_non_null(half);
	fputs("half a certificate", half);
	fclose(half);
	struct publish_outcome outcome;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome,
					   err, sizeof err), PUBLISH_OK);
	assert_all_certs_published(f);

	/* a plain file under this process's staging name does not block it */
	snprintf(killed, sizeof killed, "%s.%ld", PUBDIR_CERTS_STAGING, (long)getpid());
	path_of(f, killed, path, sizeof path);
	FILE *in_the_way = fopen(path, "w");
	assert_non_null(in_the_way);
	fclose(in_the_way);
	cert_rel(pf_service(f->snap, 401), "certs", rel, sizeof rel);
	path_of(f, rel, path, sizeof path);
	assert_int_equal(unlink(path), 0);
	struct pubdir_certs st;
	assert_int_equal(pubdir_stage_certs(f->out, f->snap, &st, err, sizeof err), 0);
	assert_string_equal(st.name, killed);
	assert_int_equal(st.written, 1);
	assert_int_equal(pubdir_commit_certs(f->out, &st, err, sizeof err), 0);
	assert_all_certs_published(f);
}

static int count_archives(const struct pf_publish_fixture *f)
{
	return count_entries(f, "roots") + count_entries(f, "foreign") + count_entries(f, "pointer");
}

static void refused_publication_leaves_no_new_certificate(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "", rel[160], path[4400];
	struct publish_outcome outcome;
	struct publisher_signer *expired = pf_signer(f->dir, "certs-expired", now - 86400 * 30, now - 3600);
	assert_non_null(expired);
	f->cfg.signer = expired;

	/* first publication refused by the self-check: no certs/ at all */
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome,
					   err, sizeof err), PUBLISH_REFUSED);
	assert_non_null(strstr(err, "outside the signer certificate's validity"));
	assert_false(exists(f, "certs"));
	assert_false(staging_left(f));
	assert_false(exists(f, "index.json"));
	assert_int_equal(count_archives(f), 0);

	/* later publication refused while certs/ lacks one: still lacking */
	f->cfg.signer = f->signer;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome,
					   err, sizeof err), PUBLISH_OK);
	cert_rel(pf_service(f->snap, 502), "certs", rel, sizeof rel);
	path_of(f, rel, path, sizeof path);
	assert_int_equal(unlink(path), 0);
	f->cfg.signer = expired;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now + 60, NULL, NULL,
					   &outcome, err, sizeof err), PUBLISH_REFUSED);
	assert_false(exists(f, rel));
	assert_false(staging_left(f));
	assert_int_equal(count_entries(f, "certs"), CERT_COUNT - 1);

	/* and the next good one publishes it */
	f->cfg.signer = f->signer;
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now + 60, NULL, NULL,
					   &outcome, err, sizeof err), PUBLISH_OK);
	assert_all_certs_published(f);
	publisher_signer_free(expired);
}

/* A certificate that cannot be written (here: a name that is no file name)
 * after others were staged fails the publication as an I/O error, leaves
 * no certificate, archive or index behind, and the next one succeeds. */
static void failure_while_staging_leaves_nothing_visible(void **state)
{
	struct pf_publish_fixture *f = *state;
	char err[512] = "";
	struct publish_outcome outcome;
	struct db_service *bad = pf_service(f->snap, 401); /* the 5th of 7 */
	char sha[sizeof bad->cert_sha256];
	memcpy(sha, bad->cert_sha256, sizeof sha);
	snprintf(bad->cert_sha256, sizeof bad->cert_sha256, "no-such-dir/x");
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome,
					   err, sizeof err), PUBLISH_IO);
	assert_non_null(strstr(err, "no-such-dir/x.cer"));
	assert_false(exists(f, "certs"));
	assert_false(staging_left(f));
	assert_false(exists(f, "index.json"));
	assert_int_equal(count_archives(f), 0);
	assert_int_equal(count_entries(f, ""), 4); /* roots, foreign, pointer, .lock: nothing else */

	memcpy(bad->cert_sha256, sha, sizeof sha);
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, now, NULL, NULL, &outcome,
					   err, sizeof err), PUBLISH_OK);
	assert_all_certs_published(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fresh_directory_is_staged_then_renamed_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_certs_directory_is_replaced_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(existing_certs_gets_only_the_missing_files, setup, teardown),
		cmocka_unit_test_setup_teardown(the_same_certificate_twice_is_written_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_killed_runs_staging_is_never_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_publication_leaves_no_new_certificate, setup, teardown),
		cmocka_unit_test_setup_teardown(failure_while_staging_leaves_nothing_visible, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
