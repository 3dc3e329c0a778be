/* Certificate import (db/certparse.c, db/certs.c): any bytes as a PEM, DER
 * or PKCS#7 file. Parsing answers 0 or 1, never anything else; a parsed
 * file is imported under one of the fixture's TSPs (a national, a public
 * and two foreign ones, picked by the input's length), and a refused import
 * leaves the registry unchanged. Every IMPORTS_PER_REGISTRY imports the
 * audit chain is verified and the registry made afresh, so that a long run
 * does not slow down on an ever larger registry. */
#include "common/sizes.h"
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"

#define IMPORTS_PER_REGISTRY 500

static struct db *db;
static char db_path[VNTL_PATH_MAX];
static unsigned imports;

static void fresh_registry(void)
{
	if (db) {
		struct db_audit_verdict v;
		char err[512];
		if (db_audit_verify(db, &v, err, sizeof err) != 0 || v.kind != DB_AUDIT_INTACT)
			fuzz_fail("audit chain broken after %u imports: %s %s", imports, err, v.message);
		db_close(db);
	}
	db = db_fixture_registry("fuzz.db");
	imports = 0;
}

static void close_registry(void)
{
	db_close(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(db_path, sizeof db_path, "%s/fuzz.db", fuzz_scratch());
	fresh_registry();
	atexit(close_registry);
	return 0;
}

static void try_import(const uint8_t *data, size_t size)
{
	struct db_import_options o = {.tsp_id = 1 + (int64_t)(size % 4), .actor = "olga",
				      .decision_ref = "QĐ fuzz", .effective = DB_FIXTURE_DECISION_DATE,
				      .history = 1};
	struct db_import_report r;
	char err[2048];
	long long before = db_fixture_sql_int(db_path, "SELECT count(*) FROM cert");
	int rc = db_cert_import(db, data, size, "fuzz", &o, &r, err, sizeof err);
	if (rc == 0) {
		db_import_report_free(&r);
	} else if (rc == 1) {
		if (db_fixture_sql_int(db_path, "SELECT count(*) FROM cert") != before)
			fuzz_fail("a refused import changed the registry: %s", err);
	} else {
		fuzz_fail("import error (not a refusal): %s", err);
	}
	if (++imports == IMPORTS_PER_REGISTRY)
		fresh_registry();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_cert_bundle b;
	char err[2048];
	int rc = db_cert_parse(data, size, "fuzz", &b, err, sizeof err);
	if (rc != 0 && rc != 1)
		fuzz_fail("parse answered %d: %s", rc, err);
	db_cert_bundle_free(&b);
	if (rc == 0)
		try_import(data, size);
	return 0;
}
