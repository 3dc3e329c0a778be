/* Test helpers for db/ tests (see db_fixture.h). */
#include "common/sizes.h"
#include "tests/lib/db_fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/registry.h"

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "db_fixture: %s: %s\n", what, detail);
	abort();
}

void db_fixture_path(const char *name, char *out, size_t outlen)
{
	const char *dir = getenv("VNTL_TMP");
	snprintf(out, outlen, "%s/%s", dir ? dir : "/tmp", name);
	char side[VNTL_PATH_MAX];
	unlink(out);
	snprintf(side, sizeof side, "%s-wal", out);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", out);
	unlink(side);
}

unsigned char *db_fixture_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void db_fixture_pki(const char *rel, char *out, size_t outlen)
{
	const char *shared = getenv("VNTL_SHARED");
	snprintf(out, outlen, "%s/vn-pki/%s", shared ? shared : "../shared", rel);
}

static void must(int rc, const char *what, const char *err)
{
	if (rc != 0)
		die(what, err);
}

void db_fixture_add_user(struct db *db, const struct db_user_input *u)
{
	char err[512];
	struct db_correction_input in = {.action = DB_FIX_USER_ADD, .user = u->name, .roles = u->roles,
					 .tsp_id = u->tsp_id, .cert_sha256 = u->cert_sha256, .secret = u->secret,
					 .reason = "fixture"};
	int64_t id;
	must(db_correction_propose(db, "olga", &in, &id, err, sizeof err), u->name, err);
	must(db_correction_approve(db, "anh", id, NULL, err, sizeof err), u->name, err);
}

struct db *db_fixture_registry(const char *name)
{
	char path[4096], err[512];
	db_fixture_path(name, path, sizeof path);
	db_test_set_pbkdf2_iterations(1000);
	struct db *db;
	must(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), "open", err);
	int64_t id;
	struct db_user_input olga = {"olga", DB_ROLE_OFFICER, 0, NULL, NULL};
	must(db_user_add(db, NULL, &olga, &id, err, sizeof err), "user olga", err);
	struct db_user_input anh = {"anh", DB_ROLE_APPROVER, 0, NULL, NULL};
	must(db_user_add(db, "olga", &anh, &id, err, sizeof err), "user anh", err);
	/* After the bootstrap (an officer and an approver), users are corrections. */
	struct db_user_input bao = {"bao", DB_ROLE_APPROVER | DB_ROLE_OFFICER, 0, NULL, NULL};
	db_fixture_add_user(db, &bao);
	struct db_user_input an = {"an", DB_ROLE_AUDITOR, 0, NULL, NULL};
	db_fixture_add_user(db, &an);
	struct db_tsp_input neac = {DB_TSP_NEAC, "Trung tâm Chứng thực điện tử quốc gia",
				    "National Electronic Authentication Centre", NULL, "15 Trần Phú", "Hà Nội", "VN",
				    "https://rootca.gov.vn", NULL};
	must(db_tsp_add(db, "olga", &neac, &id, err, sizeof err), "tsp neac", err);
	struct db_tsp_input misa = {DB_TSP_PUBLIC_CA, "Công ty MISA", "MISA", NULL, "Tầng 9, Tòa nhà Technosoft",
				    "Hà Nội", "VN", "https://misa.vn", NULL};
	must(db_tsp_add(db, "olga", &misa, &id, err, sizeof err), "tsp misa", err);
	struct db_tsp_input f1 = {DB_TSP_FOREIGN, "Nước ngoài Một", "Foreign One", NULL, "1 Hauptstraße",
				  "Berlin", "DE", "https://one.example", NULL};
	must(db_tsp_add(db, "olga", &f1, &id, err, sizeof err), "tsp f1", err);
	struct db_tsp_input f2 = {DB_TSP_FOREIGN, "Nước ngoài Hai", "Foreign Two", NULL, "2 rue de Rivoli",
				  "Paris", "FR", "https://two.example", NULL};
	must(db_tsp_add(db, "olga", &f2, &id, err, sizeof err), "tsp f2", err);
	struct db_user_input sp = {"sp-one", DB_ROLE_PROVIDER, 3, NULL, "correct horse battery"};
	db_fixture_add_user(db, &sp);
	return db;
}

int64_t db_fixture_import(struct db *db, int64_t tsp, const char *pki_rel)
{
	char path[4096], err[1024];
	db_fixture_pki(pki_rel, path, sizeof path);
	size_t len;
	unsigned char *data = db_fixture_read(path, &len);
	struct db_import_options o = {.tsp_id = tsp, .actor = "olga", .decision_ref = "QĐ 1/TEST",
				      .effective = DB_FIXTURE_DECISION_DATE};
	struct db_import_report r;
	must(db_cert_import(db, data, len, pki_rel, &o, &r, err, sizeof err), "import", err);
	int64_t sid = 0;
	for (size_t i = 0; i < r.count; i++)
		if (r.items[i].outcome == DB_IMPORT_ADDED)
			sid = r.items[i].service_id;
	db_import_report_free(&r);
	free(data);
	return sid;
}

int db_fixture_sql(const char *db_path, const char *sql)
{
	sqlite3 *h;
	if (sqlite3_open(db_path, &h) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(h, 10000);
	char *msg = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "db_fixture_sql: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
}

long long db_fixture_sql_int(const char *db_path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_open(db_path, &h) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}
