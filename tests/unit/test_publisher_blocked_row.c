/* A row whose text no list can carry (kept from before text was checked at
 * entry, sealed by a migration) blocks only its own list: vntl publish
 * publishes the others and names the row; vntl doctor lists it with the
 * correction that repairs it (issue 9). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "common/sizes.h"
#include "common/config.h"
#include "db/db_internal.h"
#include "db/doctor.h"
#include "db/registry.h"
#include "publisher/run.h"
#include "tests/lib/db_fixture.h"
#include "tests/lib/publisher_fixture.h"

/* As a registry from before the text checks would hold it, and as its
 * migration would seal it: TSP 3's English name with a control character. */
static void legacy_bad_name(struct db *db, const char *path)
{
	assert_int_equal(db_fixture_sql(path,
		"INSERT INTO correction (id, action, target, payload, reason, proposed_by, proposed_at, state) "
		"  VALUES (99, 'tsp.edit', 'tsp:3', '{}', 'legacy', 1, 0, 'applied');"
		"INSERT INTO tsp_version (tsp_id, name_vi, name_en, street, locality, uri, correction_id, recorded_at) "
		"  VALUES (3, 'Nước ngoài Một', 'Foreign' || char(1) || 'One', '1 Hauptstraße', 'Berlin', "
		"  'https://one.example', 99, 0)"), 0);
	char err[512];
	json_t *rows = json_object();
	assert_int_equal(db_begin_write(db, err, sizeof err), 0);
	assert_int_equal(db_seal_tsp(db, 3, rows, err, sizeof err), 0);
	json_t *detail = json_pack("{so}", "rows", rows);
	char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	assert_int_equal(db_audit_append(db, "vntl init", "registry.baseline", "registry", text, err, sizeof err), 0);
	assert_int_equal(db_commit(db, err, sizeof err), 0);
	free(text);
	json_decref(detail);
}

static void a_bad_row_blocks_only_its_list(void **state)
{
	(void)state;
	struct db *db = db_fixture_registry("blocked.db");
	char path[4096], dir[4096], conf[VNTL_PATH_MAX], err[1024];
	const char *tmp = getenv("VNTL_TMP");
	snprintf(path, sizeof path, "%s/blocked.db", tmp ? tmp : "/tmp");
	snprintf(dir, sizeof dir, "%s/blocked-pub", tmp ? tmp : "/tmp");
	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	db_fixture_import(db, 1, "pem/root-neac-vnrca-rs-2025.pem");
	db_fixture_import(db, 3, "pem/ca-cmc-ca-2025.pem");
	legacy_bad_name(db, path);

	/* doctor: the row, its list, and the correction that repairs it */
	struct db_snapshot *snap;
	assert_int_equal(db_snapshot_load(db, &snap, err, sizeof err), 0);
	assert_int_equal(db_registry_check(db, snap, err, sizeof err), 0);   /* sealed: trusted */
	struct db_text_fault *f;
	size_t n;
	assert_int_equal(db_text_faults(snap, &f, &n), 0);
	db_snapshot_free(snap);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].kind, DB_TSP_FOREIGN);
	assert_int_equal(f[0].tsp_id, 3);
	assert_string_equal(f[0].field, "name_en");
	assert_non_null(strstr(f[0].repair, "tsp edit 3 --name-en"));
	free(f);

	/* publish: roots and pointer go, foreign is left out, naming the row */
	int64_t now = (int64_t)time(NULL);
	struct publisher_signer *signer = pf_signer(dir, "signer", now - 86400, now + 365 * 86400);
	assert_non_null(signer);
	publisher_signer_free(signer);
	snprintf(conf, sizeof conf, "%s/vntl.conf", dir);
	FILE *c = fopen(conf, "w");
	assert_non_null(c);
	fprintf(c, "publish.out = %s/out\npublish.key = %s/signer.key\npublish.cert = %s/signer.pem\n"
		"publish.base_url = https://tl.example.vn\n", dir, dir, dir);
	fclose(c);
	struct vntl_config *cfg;
	assert_int_equal(vntl_config_load(conf, &cfg, err, sizeof err), 0);
	struct publish_request req = {.as_user = "olga"};
	struct publish_result res;
	publisher_run(cfg, db, &req, &res);
	assert_int_equal(res.code, PUBLISH_REFUSED);
	assert_non_null(strstr(res.message, "foreign list not published: TSP 3"));
	assert_non_null(strstr(res.message, "name_en"));
	assert_true(res.outcome.published[PUBLISHER_ROOTS]);
	assert_true(res.outcome.published[PUBLISHER_POINTER]);
	assert_false(res.outcome.published[PUBLISHER_FOREIGN]);

	/* the correction doctor names repairs it, and the foreign list goes too */
	struct db_correction_input fix = {.action = DB_FIX_TSP_EDIT, .tsp_id = 3, .name_en = "Foreign One",
					  .reason = "a control character in the name"};
	int64_t id;
	assert_int_equal(db_correction_propose(db, "olga", &fix, &id, err, sizeof err), 0);
	assert_int_equal(db_correction_approve(db, "anh", id, NULL, err, sizeof err), 0);
	publisher_run(cfg, db, &req, &res);
	assert_int_equal(res.code, PUBLISH_OK);
	assert_true(res.outcome.published[PUBLISHER_FOREIGN]);
	vntl_config_free(cfg);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_bad_row_blocks_only_its_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
