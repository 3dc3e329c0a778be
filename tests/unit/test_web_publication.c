/* vntld's publication loader and catalog: only what verifies is served
 * (each list by its own signature, every other file by the SHA-256 that
 * index.json or its name gives), tampered files are found again later,
 * archive versions come from disk and are verified before they are served,
 * symbolic links are never followed, and with a tampered current set the
 * newest verified archive versions stand in. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/sizes.h"
#include "publisher/publish.h"
#include "tests/lib/publisher_fixture.h"
#include "tests/lib/web_fixture.h"
#include "web/catalog.h"
#include "web/publication.h"
#include "web/health.h"
#include "web/verify.h"

/* Three signed publications (sequences 1 to 3), made once; each test
 * works on its own copy. */
static char master[4096], signer[VNTL_PATH_MAX];
static struct web_verifier *verifier;

static void run(const char *cmd)
{
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static int setup(void **state)
{
	(void)state;
	web_fixture_dir("master", master, sizeof master);
	for (int seq = 1; seq <= 3; seq++)
		if (web_fixture_signed(master, seq) != 0)
			return -1;
	web_fixture_signer(master, signer, sizeof signer);
	char err[512];
	if (web_verifier_new(signer, &verifier, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	web_verifier_free(verifier);
	return 0;
}

/* A fresh copy of the master publication (hard links kept, as the
 * publisher makes them). */
static void copy_of_master(const char *name, char *dir, size_t len)
{
	web_fixture_dir(name, dir, len);
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", dir, master, dir);
	run(cmd);
}

static struct web_publication *load_ok(const char *dir, int allow_fallback)
{
	struct web_publication *pub = NULL;
	char err[512] = "";
	int rc = web_publication_load(dir, verifier, allow_fallback, &pub, err, sizeof err);
	if (rc != 0)
		fail_msg("unexpected load failure: %s", err);
	assert_non_null(pub);
	return pub;
}

static void load_fails(const char *dir, const char *expected_in_message)
{
	struct web_publication *pub = (struct web_publication *)1;
	char err[512] = "";
	assert_int_equal(web_publication_load(dir, verifier, 0, &pub, err, sizeof err), -1);
	assert_null(pub);
	if (!strstr(err, expected_in_message))
		fail_msg("error '%s' does not mention '%s'", err, expected_in_message);
}

static unsigned char *slurp(const char *dir, const char *rel, size_t *len)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char *buf = malloc(4 << 20);
	*len = fread(buf, 1, 4 << 20, f);
	fclose(f);
	return buf;
}

/* Changes one byte of `rel` in place (same inode) and puts its mtime back. */
static void flip_byte_in_place(const char *dir, const char *rel, long offset)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	unsigned char c;
	assert_int_equal(pread(fd, &c, 1, offset), 1);
	c ^= 0x01;
	assert_int_equal(pwrite(fd, &c, 1, offset), 1);
	close(fd);
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

/* Rewrites index.json so that it names `data` for `list` (what an attacker
 * who also edits the unsigned index does). */
static void index_names(const char *dir, const char *list, const unsigned char *data, size_t len)
{
	char path[4400], sha[65];
	snprintf(path, sizeof path, "%s/index.json", dir);
	json_t *index = json_load_file(path, 0, NULL);
	assert_non_null(index);
	json_t *entry = json_object_get(json_object_get(index, "lists"), list);
	sha256_hex(data, len, sha);
	json_object_set_new(entry, "sha256", json_string(sha));
	json_object_set_new(entry, "size", json_integer((json_int_t)len));
	assert_int_equal(json_dump_file(index, path, 0), 0);
	json_decref(index);
}

static void replace_file(const char *dir, const char *rel, const unsigned char *data, size_t len)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	unlink(path); /* a new inode: the hard-linked current copy keeps the old bytes */
	web_fixture_write(dir, rel, data, len);
}

static void serves_the_verified_current_set_from_memory(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("full", dir, sizeof dir);
	struct web_publication *pub = load_ok(dir, 0);
	assert_false(pub->degraded);
	assert_int_equal(pub->list_count, 3);
	const char *names[] = {"index.json", "roots.xml", "foreign.xml", "pointer.xml", "roots/3.xml",
			       "foreign/3.xml", "pointer/3.xml", "roots.pem"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!web_publication_find(pub, names[i]))
			fail_msg("%s is not served", names[i]);
	for (size_t i = 0; i < pub->list_count; i++) {
		assert_int_equal(pub->lists[i].sequence, 3);
		assert_true(pub->lists[i].next_update > pub->lists[i].issued);
	}
	const struct web_file *cur = web_publication_find(pub, "roots.xml");
	const struct web_file *arch = web_publication_find(pub, "roots/3.xml");
	assert_string_equal(cur->sha256, arch->sha256);
	assert_memory_equal(cur->data, arch->data, cur->len);
	/* Archive versions are not held: read from disk when asked for. */
	assert_null(web_publication_find(pub, "roots/1.xml"));
	struct web_file f;
	int logged;
	assert_int_equal(web_publication_read_archive(pub, "roots/1.xml", &f, &logged), WEB_ARCHIVE_OK);
	size_t len;
	unsigned char *disk = slurp(dir, "roots/1.xml", &len);
	assert_int_equal(f.len, len);
	assert_memory_equal(f.data, disk, len);
	free(disk);
	free(f.data);
	size_t certs = 0;
	for (size_t i = 0; i < pub->file_count; i++)
		if (strncmp(pub->files[i].name, "certs/", 6) == 0) {
			char hex[65];
			sha256_hex(pub->files[i].data, pub->files[i].len, hex);
			assert_memory_equal(pub->files[i].name + 6, hex, 64);
			certs++;
		}
	assert_true(certs > 0);
	web_publication_free(pub);
}

static void never_answers_names_outside_the_set(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("traversal", dir, sizeof dir);
	web_fixture_write(dir, "secret.txt", "secret", 6);
	struct web_publication *pub = load_ok(dir, 0);
	const char *bad[] = {"../index.json", "/index.json", "roots/../index.json", "./index.json",
			     "", "roots", "roots/", "certs/", "secret.txt", "roots//1.xml",
			     "roots/01.xml", "ROOTS.xml", "index.json/", "%2e%2e/index.json",
			     "roots/4.xml", "nolist/1.xml", "roots/1.xml/", "roots/1.xml.tmp"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct web_file f;
		int logged;
		if (web_publication_find(pub, bad[i]) ||
		    web_publication_read_archive(pub, bad[i], &f, &logged) != WEB_ARCHIVE_NONE)
			fail_msg("'%s' must not be served", bad[i]);
	}
	struct web_catalog *cat = web_catalog_build(pub, 60);
	assert_non_null(cat);
	assert_null(web_catalog_lookup(cat, "/../index.json"));
	assert_null(web_catalog_lookup(cat, "index.json"));
	assert_null(web_catalog_lookup(cat, "//index.json"));
	assert_non_null(web_catalog_lookup(cat, "/index.json"));
	assert_non_null(web_catalog_lookup(cat, "/"));
	assert_int_equal(web_catalog_lookup(cat, "/roots/3.xml")->cls, WEB_PATH_ARCHIVE);
	assert_int_equal(web_catalog_lookup(cat, "/roots.xml")->cls, WEB_PATH_LIST);
	web_catalog_release(cat);
}

static void refuses_a_list_whose_bytes_do_not_match_the_index(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("mismatch", dir, sizeof dir);
	flip_byte_in_place(dir, "roots/3.xml", 3000);
	load_fails(dir, "SHA-256");
}

static void refuses_a_list_that_does_not_verify_even_when_the_index_agrees(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("unsigned", dir, sizeof dir);
	size_t len;
	unsigned char *data = slurp(dir, "roots/3.xml", &len);
	data[3000] ^= 0x01;
	replace_file(dir, "roots/3.xml", data, len);
	index_names(dir, "roots", data, len);
	free(data);
	load_fails(dir, "libvntl");
}

static void refuses_a_genuine_list_under_another_name(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("swapped", dir, sizeof dir);
	size_t len;
	unsigned char *foreign = slurp(dir, "foreign/3.xml", &len);
	replace_file(dir, "roots/3.xml", foreign, len);
	index_names(dir, "roots", foreign, len);
	load_fails(dir, "do not name roots.xml");
	/* A genuine older version under a newer number. */
	copy_of_master("renumbered", dir, sizeof dir);
	unsigned char *old = slurp(dir, "roots/2.xml", &len);
	replace_file(dir, "roots/3.xml", old, len);
	index_names(dir, "roots", old, len);
	load_fails(dir, "TSLSequenceNumber is 2, not 3");
	free(foreign);
	free(old);
}

static void refuses_a_missing_list_or_index(void **state)
{
	(void)state;
	char dir[4096];
	web_fixture_dir("missing", dir, sizeof dir);
	load_fails(dir, "index.json: missing");
	copy_of_master("missinglist", dir, sizeof dir);
	char path[4400];
	snprintf(path, sizeof path, "%s/foreign/3.xml", dir);
	assert_int_equal(unlink(path), 0);
	load_fails(dir, "foreign/3.xml: missing");
	web_fixture_dir("nodir", dir, sizeof dir);
	strcat(dir, "/absent");
	load_fails(dir, "absent");
}

static void refuses_a_named_file_that_does_not_match(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("pem", dir, sizeof dir);
	/* roots.pem of the next publication written, index.json not yet. */
	replace_file(dir, "roots.pem", (const unsigned char *)"NEW\n", 4);
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
	char dir[4096], path[4400];
	copy_of_master("badfiles", dir, sizeof dir);
	snprintf(path, sizeof path, "%s/index.json", dir);
	json_t *index = json_load_file(path, 0, NULL);
	json_t *pem = json_object_get(json_object_get(index, "files"), "roots.pem");
	json_object_set(json_object_get(index, "files"), "../secret", pem);
	assert_int_equal(json_dump_file(index, path, 0), 0);
	json_decref(index);
	load_fails(dir, "plain file name");
}

/* Sets `field` of list `list` in index.json's clear members to `value`,
 * leaving the signature as it was (an attacker without the key). */
static void index_clear_set(const char *dir, const char *list, const char *field, json_t *value)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/index.json", dir);
	json_t *index = json_load_file(path, 0, NULL);
	assert_non_null(index);
	json_object_set_new(json_object_get(json_object_get(index, "lists"), list), field, value);
	assert_int_equal(json_dump_file(index, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(index);
}

/* index.json is signed (a JWS): an edit that every file still agrees with
 * (a URL pointing elsewhere), a signature removed or another signer's
 * index are refused; /signer.pem serves the pinned signer. */
static void refuses_an_index_whose_signature_does_not_hold(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("jwsurl", dir, sizeof dir);
	index_clear_set(dir, "roots", "url", json_string("https://evil.example/roots.xml"));
	load_fails(dir, "index-signature-invalid");
	copy_of_master("jwsgone", dir, sizeof dir);
	char path[4400];
	snprintf(path, sizeof path, "%s/index.json", dir);
	json_t *index = json_load_file(path, 0, NULL);
	json_object_del(index, "signature");
	assert_int_equal(json_dump_file(index, path, 0), 0);
	json_decref(index);
	load_fails(dir, "index-malformed");
	/* the whole index (lists included) of another signer */
	char other[4096], cmd[9000];
	web_fixture_dir("jwsother", other, sizeof other);
	assert_int_equal(web_fixture_signed(other, 1), 0);
	copy_of_master("jwsswap", dir, sizeof dir);
	snprintf(cmd, sizeof cmd, "cp '%s/index.json' '%s/index.json'", other, dir);
	run(cmd);
	load_fails(dir, "SHA-256"); /* its lists are not these */
	copy_of_master("signerpem", dir, sizeof dir);
	struct web_publication *pub = load_ok(dir, 0);
	const struct web_file *pem = web_publication_find(pub, "signer.pem");
	assert_non_null(pem);
	size_t len;
	char *slash = strrchr(signer, '/');
	*slash = '\0';
	unsigned char *want = slurp(signer, slash + 1, &len);
	*slash = '/';
	assert_int_equal(pem->len, len);
	assert_memory_equal(pem->data, want, len);
	free(want);
	web_publication_free(pub);
}

static void never_follows_symbolic_links(void **state)
{
	(void)state;
	char dir[4096], outside[VNTL_PATH_MAX], cmd[65536];
	/* The current list a symbolic link to a genuine copy outside. */
	copy_of_master("linkcur", dir, sizeof dir);
	snprintf(outside, sizeof outside, "%s.outside", dir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s' && cp '%s/roots/3.xml' '%s/' && "
		 "rm '%s/roots/3.xml' && ln -s '%s/3.xml' '%s/roots/3.xml'",
		 outside, outside, dir, outside, dir, outside, dir);
	run(cmd);
	load_fails(dir, "roots/3.xml: a symbolic link");
	/* A list directory that is a symbolic link. */
	copy_of_master("linkdir", dir, sizeof dir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mv '%s/foreign' '%s' && ln -s '%s' '%s/foreign'",
		 outside, dir, outside, outside, dir);
	run(cmd);
	load_fails(dir, "foreign/3.xml: a symbolic link");
	/* Archive versions and certificates linked to genuine files. */
	copy_of_master("linkarch", dir, sizeof dir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s' && cp '%s/roots/1.xml' '%s/' && "
		 "rm '%s/roots/1.xml' && ln -s '%s/1.xml' '%s/roots/1.xml' && "
		 "cd '%s/certs' && c=$(ls | head -n 1) && cp \"$c\" '%s/' && rm \"$c\" && "
		 "ln -s \"%s/$c\" \"$c\"",
		 outside, outside, dir, outside, dir, outside, dir, dir, outside, outside);
	run(cmd);
	struct web_publication *pub = load_ok(dir, 0);
	assert_int_equal(pub->skipped_files, 1);
	struct web_file f;
	int logged;
	assert_int_equal(web_publication_read_archive(pub, "roots/1.xml", &f, &logged),
			 WEB_ARCHIVE_REFUSED);
	assert_int_equal(logged, 1);
	/* Logged once, not once per request. */
	assert_int_equal(web_publication_read_archive(pub, "roots/1.xml", &f, &logged),
			 WEB_ARCHIVE_REFUSED);
	assert_int_equal(logged, 0);
	web_publication_free(pub);
}

static void verifies_archive_versions_before_serving_them(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("archive", dir, sizeof dir);
	struct web_publication *pub = load_ok(dir, 0);
	struct web_file f;
	int logged;
	assert_int_equal(web_publication_read_archive(pub, "foreign/2.xml", &f, &logged), WEB_ARCHIVE_OK);
	free(f.data);
	/* Changed in place after it was verified: refused from then on. */
	flip_byte_in_place(dir, "foreign/2.xml", 2000);
	assert_int_equal(web_publication_read_archive(pub, "foreign/2.xml", &f, &logged),
			 WEB_ARCHIVE_REFUSED);
	assert_int_equal(logged, 1);
	flip_byte_in_place(dir, "foreign/2.xml", 2000);
	assert_int_equal(web_publication_read_archive(pub, "foreign/2.xml", &f, &logged), WEB_ARCHIVE_OK);
	free(f.data);
	/* Another genuine list under this name. */
	size_t len;
	unsigned char *other = slurp(dir, "foreign/1.xml", &len);
	replace_file(dir, "foreign/2.xml", other, len);
	free(other);
	assert_int_equal(web_publication_read_archive(pub, "foreign/2.xml", &f, &logged),
			 WEB_ARCHIVE_REFUSED);
	/* Missing: not found. */
	char path[4400];
	snprintf(path, sizeof path, "%s/pointer/1.xml", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(web_publication_read_archive(pub, "pointer/1.xml", &f, &logged), WEB_ARCHIVE_NONE);
	web_publication_free(pub);
}

static void finds_a_byte_changed_in_place_later(void **state)
{
	(void)state;
	char dir[4096], problem[512];
	copy_of_master("recheck", dir, sizeof dir);
	struct web_publication *pub = load_ok(dir, 0);
	assert_int_equal(web_publication_recheck(pub, 0, problem, sizeof problem), 0);
	assert_string_equal(problem, "");
	flip_byte_in_place(dir, "roots/3.xml", 4000);
	/* One check may fall in the middle of a publication: the second reports. */
	assert_int_equal(web_publication_recheck(pub, 0, problem, sizeof problem), 0);
	assert_int_equal(web_publication_recheck(pub, 0, problem, sizeof problem), 2);
	assert_non_null(strstr(problem, "roots"));
	assert_non_null(strstr(problem, "changed since they were verified"));
	/* The served bytes are still the verified ones. */
	const struct web_file *cur = web_publication_find(pub, "roots.xml");
	char sha[65];
	sha256_hex(cur->data, cur->len, sha);
	assert_string_equal(sha, cur->sha256);
	flip_byte_in_place(dir, "roots/3.xml", 4000);
	assert_int_equal(web_publication_recheck(pub, 0, problem, sizeof problem), 0);
	assert_string_equal(problem, "");
	web_publication_free(pub);
}

static void rehashes_files_whose_stat_did_not_change(void **state)
{
	(void)state;
	char dir[4096], problem[512];
	copy_of_master("rehash", dir, sizeof dir);
	struct web_publication *pub = load_ok(dir, 0);
	flip_byte_in_place(dir, "roots.pem", 10);
	/* As if the change had left inode, size, mtime and ctime as they were
	 * (a write below the file system): only a full re-hash sees it. */
	for (size_t i = 0; i < pub->tracked_count; i++) {
		struct web_tracked *t = &pub->tracked[i];
		struct stat st;
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, t->rel);
		assert_int_equal(stat(path, &st), 0);
		t->ctime = st.st_ctim;
		t->mtime = st.st_mtim;
		t->stamped = 1;
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(web_publication_recheck(pub, 0, problem, sizeof problem), 0);
	assert_string_equal(problem, "");
	web_publication_recheck(pub, 1, problem, sizeof problem);
	assert_int_equal(web_publication_recheck(pub, 1, problem, sizeof problem), 1);
	assert_non_null(strstr(problem, "roots.pem"));
	web_publication_free(pub);
}

static void falls_back_to_the_newest_verified_archive_versions(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("fallback", dir, sizeof dir);
	flip_byte_in_place(dir, "roots/3.xml", 3000);
	load_fails(dir, "SHA-256"); /* with a set served, the fallback is not taken */
	struct web_publication *pub = load_ok(dir, 1);
	assert_true(pub->degraded);
	assert_non_null(strstr(pub->degraded_reason, "roots/3.xml"));
	for (size_t i = 0; i < pub->list_count; i++)
		assert_int_equal(pub->lists[i].sequence, strcmp(pub->lists[i].name, "roots") == 0 ? 2 : 3);
	size_t len;
	unsigned char *two = slurp(dir, "roots/2.xml", &len);
	const struct web_file *cur = web_publication_find(pub, "roots.xml");
	assert_int_equal(cur->len, len);
	assert_memory_equal(cur->data, two, len);
	free(two);
	/* What it serves is what is on disk: the tampered current copy is the
	 * reason it is degraded, not a file it serves. */
	char problem[512];
	web_publication_recheck(pub, 1, problem, sizeof problem);
	assert_int_equal(web_publication_recheck(pub, 1, problem, sizeof problem), 0);
	assert_string_equal(problem, "");
	/* Nothing signed vouches for index.json and roots.pem: withheld. */
	struct web_catalog *cat = web_catalog_build(pub, 60);
	assert_int_equal(web_catalog_lookup(cat, "/index.json")->status, 503);
	assert_int_equal(web_catalog_lookup(cat, "/roots.pem")->status, 503);
	assert_int_equal(web_catalog_lookup(cat, "/roots.xml")->status, 200);
	struct web_status_input in = {.cat = cat, .now = time(NULL)};
	int healthy;
	char *body = web_status_health(&in, &healthy, &len);
	assert_false(healthy);
	assert_non_null(strstr(body, "\"degraded\":true"));
	free(body);
	web_catalog_release(cat);

	/* index.json gone: the lists are found by their directories. */
	copy_of_master("noindex", dir, sizeof dir);
	char path[4400];
	snprintf(path, sizeof path, "%s/index.json", dir);
	assert_int_equal(unlink(path), 0);
	pub = load_ok(dir, 1);
	assert_true(pub->degraded);
	assert_int_equal(pub->list_count, 3);
	for (size_t i = 0; i < pub->list_count; i++)
		assert_int_equal(pub->lists[i].sequence, 3);
	web_publication_free(pub);

	/* No version of a list verifies: nothing to stand in. */
	copy_of_master("nothing", dir, sizeof dir);
	for (int seq = 1; seq <= 3; seq++) {
		char rel[32];
		snprintf(rel, sizeof rel, "pointer/%d.xml", seq);
		flip_byte_in_place(dir, rel, 3000);
	}
	struct web_publication *none = NULL;
	char err[512];
	assert_int_equal(web_publication_load(dir, verifier, 1, &none, err, sizeof err), -1);
	assert_non_null(strstr(err, "no version of pointer"));
}

static void serves_a_list_past_its_next_update_and_reports_it(void **state)
{
	(void)state;
	int64_t long_ago = (int64_t)time(NULL) - 40 * 86400;
	struct pf_publish_fixture *f = pf_publish_fixture_new("expired", "expired-signer", long_ago);
	assert_non_null(f);
	struct publish_outcome outcome;
	char err[512], pem[VNTL_PATH_MAX];
	assert_int_equal(publisher_publish(f->snap, &f->cfg, PUBLISH_ALL, long_ago, NULL, NULL,
					   &outcome, err, sizeof err), PUBLISH_OK);
	snprintf(pem, sizeof pem, "%s/expired-signer.pem", f->dir);
	struct web_verifier *v;
	assert_int_equal(web_verifier_new(pem, &v, err, sizeof err), 0);
	struct web_publication *pub;
	assert_int_equal(web_publication_load(f->out, v, 0, &pub, err, sizeof err), 0);
	struct web_catalog *cat = web_catalog_build(pub, 60);
	struct web_status_input in = {.cat = cat, .now = time(NULL)};
	int healthy;
	size_t len;
	char *body = web_status_health(&in, &healthy, &len);
	assert_false(healthy);
	assert_non_null(strstr(body, "past its NextUpdate"));
	free(body);
	web_catalog_release(cat);
	web_verifier_free(v);
	pf_publish_fixture_free(f);
}

static void refuses_a_signer_certificate_that_is_not_one(void **state)
{
	(void)state;
	char dir[4096], path[VNTL_PATH_MAX], err[512];
	web_fixture_dir("badsigner", dir, sizeof dir);
	web_fixture_write(dir, "signer.pem", "not a certificate", 17);
	snprintf(path, sizeof path, "%s/signer.pem", dir);
	struct web_verifier *v = NULL;
	assert_int_equal(web_verifier_new(path, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "signer.pem"));
	strcat(path, ".absent");
	assert_int_equal(web_verifier_new(path, &v, err, sizeof err), -1);
	assert_null(v);
}

static void catalog_outlives_its_replacement_while_held(void **state)
{
	(void)state;
	char dir[4096];
	copy_of_master("refs", dir, sizeof dir);
	struct web_catalog *old = web_catalog_build(load_ok(dir, 0), 60);
	assert_non_null(old);
	web_catalog_hold(old);    /* a download in flight */
	web_catalog_release(old); /* the server moved on to a new set */
	const struct web_entry *e = web_catalog_lookup(old, "/roots.xml");
	assert_non_null(e);
	assert_int_equal(e->status, 200);
	assert_non_null(e->file->data);
	web_catalog_release(old); /* the download ended: freed (ASan checks) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serves_the_verified_current_set_from_memory),
		cmocka_unit_test(never_answers_names_outside_the_set),
		cmocka_unit_test(refuses_a_list_whose_bytes_do_not_match_the_index),
		cmocka_unit_test(refuses_a_list_that_does_not_verify_even_when_the_index_agrees),
		cmocka_unit_test(refuses_a_genuine_list_under_another_name),
		cmocka_unit_test(refuses_a_missing_list_or_index),
		cmocka_unit_test(refuses_a_named_file_that_does_not_match),
		cmocka_unit_test(refuses_malformed_indexes),
		cmocka_unit_test(never_follows_symbolic_links),
		cmocka_unit_test(verifies_archive_versions_before_serving_them),
		cmocka_unit_test(finds_a_byte_changed_in_place_later),
		cmocka_unit_test(rehashes_files_whose_stat_did_not_change),
		cmocka_unit_test(falls_back_to_the_newest_verified_archive_versions),
		cmocka_unit_test(serves_a_list_past_its_next_update_and_reports_it),
		cmocka_unit_test(refuses_a_signer_certificate_that_is_not_one),
		cmocka_unit_test(catalog_outlives_its_replacement_while_held),
		cmocka_unit_test(refuses_an_index_whose_signature_does_not_hold),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
