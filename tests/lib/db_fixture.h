/* Test helpers for db/ tests: a fresh registry in $VNTL_TMP with staff,
 * TSPs, and the real certificates of ../shared/vn-pki. */
#ifndef VNTL_TESTS_DB_FIXTURE_H
#define VNTL_TESTS_DB_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Path of a fresh file under $VNTL_TMP (or /tmp) named `name`; static buffer per call site. */
void db_fixture_path(const char *name, char *out, size_t outlen);
/* Whole file into memory (malloc'd); aborts the test on failure. */
unsigned char *db_fixture_read(const char *path, size_t *len);
/* $VNTL_SHARED/vn-pki/<rel> */
void db_fixture_pki(const char *rel, char *out, size_t outlen);

/* New registry with users officer "olga" (officer), "anh" and "bao" (approver),
 * "an" (auditor), TSPs neac (id 1), public CA "MISA" (id 2), foreign "Foreign One"
 * (id 3), foreign "Foreign Two" (id 4), and provider "sp-one" of TSP 3 with
 * secret "correct horse battery". */
struct db *db_fixture_registry(const char *name);

/* Add a user after the bootstrap: a correction proposed by olga and
 * approved by anh; aborts the test on refusal. */
struct db_user_input;
void db_fixture_add_user(struct db *db, const struct db_user_input *u);

/* Import a vn-pki file into TSP `tsp` as olga; returns the service id of the
 * last certificate added (0 if none), aborts the test on refusal. */
int64_t db_fixture_import(struct db *db, int64_t tsp, const char *pki_rel);
/* The decision date the fixture's imports record (2020-01-01T00:00:00Z). */
#define DB_FIXTURE_DECISION_DATE INT64_C(1577836800)

/* Run an SQL statement straight on the file (an attacker, or a check). */
int db_fixture_sql(const char *db_path, const char *sql);
/* First column of the first row as integer, -1 on error. */
long long db_fixture_sql_int(const char *db_path, const char *sql);

#endif
