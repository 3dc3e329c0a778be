/* Certificate import (db/certparse.c, db/certs.c): any bytes as a PEM, DER
 * or PKCS#7 file. Parsing answers 0 or 1, never anything else; a parsed
 * file is imported under one of the fixture's TSPs (a national, a public
 * and two foreign ones, picked by the input's length), a refused import
 * leaves the registry unchanged, and after an accepted one the audit chain
 * is intact.
 *
 * The fixture registry is made once (db_fixture_registry, on a file) and
 * then moved into memory with the connection settings db_open gives
 * (foreign keys, extended result codes), next to an untouched copy, the
 * template: an import that changed the registry is undone by copying the
 * template back (sqlite3_backup), so each input meets the same registry and
 * its result does not depend on earlier inputs, at memory speed rather than
 * with a journal and fsyncs per import. */
#include "tests/fuzz/fuzz.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db_internal.h"
#include "db/registry.h"
#include "tests/lib/db_fixture.h"

static struct db *db;
static sqlite3 *template;
static long long template_certs; /* every import starts with these */

/* A connection to an in-memory copy of `from`, set up as db_open sets up
 * its connections (WAL and synchronous do not apply in memory). */
static sqlite3 *memory_copy(sqlite3 *from)
{
	sqlite3 *mem = NULL;
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK ||
	    sqlite3_extended_result_codes(mem, 1) != SQLITE_OK ||
	    sqlite3_exec(mem, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
		fuzz_fail("cannot open an in-memory database");
	fuzz_copy_database(mem, from);
	return mem;
}

static void close_registry(void)
{
	db_close(db);
	sqlite3_close(template);
}

static long long cert_count(void)
{
	return fuzz_sql_integer(db->h, "SELECT count(*) FROM cert", "counting certificates");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_scratch(); /* db_fixture_registry makes its file in $VNTL_TMP */
	db = db_fixture_registry("fuzz.db");
	template = memory_copy(db->h);
	sqlite3 *mem = memory_copy(db->h);
	if (sqlite3_close(db->h) != SQLITE_OK)
		fuzz_fail("cannot close the registry file");
	db->h = mem;
	template_certs = cert_count();
	atexit(close_registry);
	return 0;
}

static void check_audit(void)
{
	struct db_audit_verdict v;
	char err[512];
	if (db_audit_verify(db, &v, err, sizeof err) != 0 || v.kind != DB_AUDIT_INTACT)
		fuzz_fail("audit chain broken after an import: %s %s", err, v.message);
}

static void try_import(const uint8_t *data, size_t size)
{
	struct db_import_options o = {.tsp_id = 1 + (int64_t)(size % 4), .actor = "olga",
				      .decision_ref = "QĐ fuzz", .effective = DB_FIXTURE_DECISION_DATE,
				      .history = 1};
	struct db_import_report r;
	char err[2048];
	int changes = sqlite3_total_changes(db->h);
	int rc = db_cert_import(db, data, size, "fuzz", &o, &r, err, sizeof err);
	if (rc == 0) {
		db_import_report_free(&r);
		check_audit();
	} else if (rc == 1) {
		if (cert_count() != template_certs)
			fuzz_fail("a refused import changed the registry: %s", err);
	} else {
		fuzz_fail("import error (not a refusal): %s", err);
	}
	/* a refusal may have been audited: undo whatever was written */
	if (sqlite3_total_changes(db->h) != changes)
		fuzz_copy_database(db->h, template);
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
