/* The registry schema, as migrations keyed on PRAGMA user_version.
 *
 * Migration i takes a database from user_version i to i + 1. Never edit a
 * migration that has shipped: add a new one.
 */
#include "db/db_internal.h"

/* The audit log's append-only triggers, as SQLite keeps their text in
 * sqlite_master: audit verification checks that they are still there. */
#define AUDIT_NO_UPDATE_SQL \
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit" \
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
#define AUDIT_NO_DELETE_SQL \
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit" \
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"

static const char *const audit_triggers[][2] = {
	{"audit_no_update", AUDIT_NO_UPDATE_SQL},
	{"audit_no_delete", AUDIT_NO_DELETE_SQL},
};

static const char *const migrations[] = {
	/* 0 -> 1: the registry. */
	"CREATE TABLE tsp ("
	"  id INTEGER PRIMARY KEY,"
	"  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),"
	"  name_vi TEXT NOT NULL CHECK (name_vi <> ''),"
	"  name_en TEXT NOT NULL UNIQUE CHECK (name_en <> ''),"
	"  trade_name TEXT,"
	"  street TEXT NOT NULL DEFAULT '',"
	"  locality TEXT NOT NULL DEFAULT '',"
	"  country TEXT NOT NULL CHECK (length(country) = 2),"
	"  uri TEXT NOT NULL DEFAULT '',"
	"  email TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE account ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE CHECK (name <> ''),"
	"  roles INTEGER NOT NULL CHECK (roles > 0),"
	"  tsp_id INTEGER REFERENCES tsp(id),"
	"  cert_sha256 TEXT UNIQUE,"
	"  secret_salt BLOB,"
	"  secret_hash BLOB,"
	"  secret_iterations INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  CHECK ((roles & 8) = 0 OR tsp_id IS NOT NULL));"
	"CREATE TABLE cert ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  der BLOB NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  subject_norm TEXT NOT NULL,"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  key_type TEXT NOT NULL,"
	"  key_bits INTEGER NOT NULL,"
	"  sig_alg TEXT NOT NULL,"
	"  spki_sha256 TEXT NOT NULL,"
	"  self_signed INTEGER NOT NULL,"
	"  imported_at INTEGER NOT NULL,"
	"  imported_by INTEGER NOT NULL REFERENCES account(id));"
	"CREATE INDEX cert_subject ON cert(subject_norm);"
	"CREATE TABLE service ("
	"  id INTEGER PRIMARY KEY,"
	"  tsp_id INTEGER NOT NULL REFERENCES tsp(id),"
	"  cert_id INTEGER NOT NULL UNIQUE REFERENCES cert(id),"
	"  type_uri TEXT NOT NULL,"
	"  name_vi TEXT NOT NULL,"
	"  name_en TEXT NOT NULL,"
	"  status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),"
	"  status_since INTEGER NOT NULL);"
	"CREATE INDEX service_tsp ON service(tsp_id);"
	"CREATE TABLE change_request ("
	"  id INTEGER PRIMARY KEY,"
	"  service_id INTEGER NOT NULL REFERENCES service(id),"
	"  new_status INTEGER NOT NULL CHECK (new_status BETWEEN 1 AND 4),"
	"  effective INTEGER NOT NULL,"
	"  reason TEXT NOT NULL CHECK (reason <> ''),"
	"  decision_ref TEXT NOT NULL CHECK (decision_ref <> ''),"
	"  proposed_by INTEGER NOT NULL REFERENCES account(id),"
	"  proposed_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),"
	"  decided_by INTEGER REFERENCES account(id),"
	"  decided_at INTEGER,"
	"  decision_note TEXT,"
	"  CHECK (decided_by IS NULL OR decided_by <> proposed_by));"
	"CREATE TABLE status_history ("
	"  id INTEGER PRIMARY KEY,"
	"  service_id INTEGER NOT NULL REFERENCES service(id),"
	"  status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 4),"
	"  effective INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  decision_ref TEXT NOT NULL,"
	"  change_id INTEGER UNIQUE REFERENCES change_request(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE INDEX status_history_service ON status_history(service_id, effective, id);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE TABLE audit_head ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  last_id INTEGER NOT NULL,"
	"  last_hash TEXT NOT NULL);"
	/* Defence in depth: the chain detects tampering, these stop accidents
	 * and careless scripts from making any. */
	AUDIT_NO_UPDATE_SQL ";"
	AUDIT_NO_DELETE_SQL ";"
	"CREATE TABLE publication ("
	"  id INTEGER PRIMARY KEY,"
	"  list TEXT NOT NULL CHECK (list IN ('roots', 'foreign', 'pointer')),"
	"  sequence INTEGER NOT NULL CHECK (sequence > 0),"
	"  issued INTEGER NOT NULL,"
	"  next_update INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  recorded_at INTEGER NOT NULL,"
	"  UNIQUE (list, sequence));",

	/* 1 -> 2: bearer tokens for the provider API (only their hash is kept). */
	"CREATE TABLE token ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES account(id),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  expires INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX token_account ON token(account_id);",

	/* 2 -> 3: what reaches a published list is written once and never
	 * edited (vntl only inserts these rows; a service's status columns are
	 * a cache of its timeline). The seals in the audit log (db/seal.c)
	 * detect changes; these triggers stop accidents and careless scripts. */
	"CREATE TRIGGER tsp_no_update BEFORE UPDATE ON tsp"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER tsp_no_delete BEFORE DELETE ON tsp"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER cert_no_update BEFORE UPDATE ON cert"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER cert_no_delete BEFORE DELETE ON cert"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER service_no_update BEFORE UPDATE OF id, tsp_id, cert_id, type_uri, name_vi, name_en ON service"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER service_no_delete BEFORE DELETE ON service"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER status_history_no_update BEFORE UPDATE ON status_history"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER status_history_no_delete BEFORE DELETE ON status_history"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;",
	/* 3 -> 4: the last status entry each publication's snapshot held, so
	 * that a change approved after it makes its list due whatever its
	 * effective time (times alone cannot tell a change recorded in the
	 * second of a snapshot). Earlier publications are taken to hold every
	 * entry recorded before this migration. */
	"ALTER TABLE publication ADD COLUMN status_upto INTEGER NOT NULL DEFAULT 0;"
	"UPDATE publication SET status_upto = (SELECT coalesce(max(id), 0) FROM status_history);",
	/* 4 -> 5: corrections under four eyes (db/corrections.h), never by
	 * editing what was published. A TSP's published content is its last
	 * tsp_version row (or its tsp row when it has none), a service's TSP
	 * its last service_move row, its names its last service_name row:
	 * these tables are insert-only and sealed
	 * like the rows they supersede. The views give every reader the
	 * current state. Accounts are not published: disabling one or
	 * replacing its credentials updates it, audited. */
	"CREATE TABLE correction ("
	"  id INTEGER PRIMARY KEY,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  reason TEXT NOT NULL CHECK (reason <> ''),"
	"  proposed_by INTEGER NOT NULL REFERENCES account(id),"
	"  proposed_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),"
	"  decided_by INTEGER REFERENCES account(id),"
	"  decided_at INTEGER,"
	"  decision_note TEXT,"
	"  CHECK (decided_by IS NULL OR decided_by <> proposed_by));"
	"CREATE TABLE tsp_version ("
	"  id INTEGER PRIMARY KEY,"
	"  tsp_id INTEGER NOT NULL REFERENCES tsp(id),"
	"  name_vi TEXT NOT NULL CHECK (name_vi <> ''),"
	"  name_en TEXT NOT NULL CHECK (name_en <> ''),"
	"  trade_name TEXT,"
	"  street TEXT NOT NULL,"
	"  locality TEXT NOT NULL,"
	"  uri TEXT NOT NULL,"
	"  email TEXT,"
	"  retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),"
	"  correction_id INTEGER NOT NULL UNIQUE REFERENCES correction(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE INDEX tsp_version_tsp ON tsp_version(tsp_id, id);"
	"CREATE TABLE service_move ("
	"  id INTEGER PRIMARY KEY,"
	"  service_id INTEGER NOT NULL REFERENCES service(id),"
	"  from_tsp INTEGER NOT NULL REFERENCES tsp(id),"
	"  to_tsp INTEGER NOT NULL REFERENCES tsp(id),"
	"  correction_id INTEGER NOT NULL UNIQUE REFERENCES correction(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE INDEX service_move_service ON service_move(service_id, id);"
	"CREATE TABLE service_name ("
	"  id INTEGER PRIMARY KEY,"
	"  service_id INTEGER NOT NULL REFERENCES service(id),"
	"  name_vi TEXT NOT NULL,"
	"  name_en TEXT NOT NULL,"
	"  correction_id INTEGER NOT NULL UNIQUE REFERENCES correction(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE INDEX service_name_service ON service_name(service_id, id);"
	"CREATE TRIGGER service_name_no_update BEFORE UPDATE ON service_name"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER service_name_no_delete BEFORE DELETE ON service_name"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER tsp_version_no_update BEFORE UPDATE ON tsp_version"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER tsp_version_no_delete BEFORE DELETE ON tsp_version"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER service_move_no_update BEFORE UPDATE ON service_move"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE TRIGGER service_move_no_delete BEFORE DELETE ON service_move"
	"  BEGIN SELECT RAISE(ABORT, 'published rows are append-only'); END;"
	"CREATE VIEW tsp_now AS SELECT t.id AS id, t.kind AS kind,"
	"  CASE WHEN v.id IS NULL THEN t.name_vi ELSE v.name_vi END AS name_vi,"
	"  CASE WHEN v.id IS NULL THEN t.name_en ELSE v.name_en END AS name_en,"
	"  CASE WHEN v.id IS NULL THEN t.trade_name ELSE v.trade_name END AS trade_name,"
	"  CASE WHEN v.id IS NULL THEN t.street ELSE v.street END AS street,"
	"  CASE WHEN v.id IS NULL THEN t.locality ELSE v.locality END AS locality,"
	"  t.country AS country,"
	"  CASE WHEN v.id IS NULL THEN t.uri ELSE v.uri END AS uri,"
	"  CASE WHEN v.id IS NULL THEN t.email ELSE v.email END AS email,"
	"  coalesce(v.retired, 0) AS retired"
	"  FROM tsp t LEFT JOIN tsp_version v"
	"  ON v.id = (SELECT max(x.id) FROM tsp_version x WHERE x.tsp_id = t.id);"
	"CREATE VIEW service_now AS SELECT s.id AS id,"
	"  coalesce((SELECT m.to_tsp FROM service_move m WHERE m.service_id = s.id ORDER BY m.id DESC LIMIT 1),"
	"           s.tsp_id) AS tsp_id,"
	"  s.cert_id AS cert_id, s.type_uri AS type_uri,"
	"  CASE WHEN n.id IS NULL THEN s.name_vi ELSE n.name_vi END AS name_vi,"
	"  CASE WHEN n.id IS NULL THEN s.name_en ELSE n.name_en END AS name_en,"
	"  s.status AS status, s.status_since AS status_since FROM service s LEFT JOIN service_name n"
	"  ON n.id = (SELECT max(x.id) FROM service_name x WHERE x.service_id = s.id);"
	"ALTER TABLE account ADD COLUMN disabled_at INTEGER;",
	/* 5 -> 6: the list signers (db/signers.h), each step a correction under
	 * four eyes: a signer row when one is registered (its key's location
	 * and its certificate), a signer_event row when it is announced,
	 * switched to or retired. Insert-only: a signer's state is its last
	 * event, and the lists it signed stay attributable to it. */
	"CREATE TABLE signer ("
	"  id INTEGER PRIMARY KEY,"
	"  label TEXT NOT NULL UNIQUE CHECK (label <> ''),"
	"  key TEXT NOT NULL CHECK (key <> ''),"
	"  cert_der BLOB NOT NULL,"
	"  cert_sha256 TEXT NOT NULL UNIQUE CHECK (length(cert_sha256) = 64),"
	"  correction_id INTEGER NOT NULL UNIQUE REFERENCES correction(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE TABLE signer_event ("
	"  id INTEGER PRIMARY KEY,"
	"  signer_id INTEGER NOT NULL REFERENCES signer(id),"
	"  event TEXT NOT NULL CHECK (event IN ('announce', 'switch', 'retire')),"
	"  correction_id INTEGER NOT NULL UNIQUE REFERENCES correction(id),"
	"  recorded_at INTEGER NOT NULL);"
	"CREATE INDEX signer_event_signer ON signer_event(signer_id, id);"
	"CREATE TRIGGER signer_no_update BEFORE UPDATE ON signer"
	"  BEGIN SELECT RAISE(ABORT, 'signers are append-only'); END;"
	"CREATE TRIGGER signer_no_delete BEFORE DELETE ON signer"
	"  BEGIN SELECT RAISE(ABORT, 'signers are append-only'); END;"
	"CREATE TRIGGER signer_event_no_update BEFORE UPDATE ON signer_event"
	"  BEGIN SELECT RAISE(ABORT, 'signers are append-only'); END;"
	"CREATE TRIGGER signer_event_no_delete BEFORE DELETE ON signer_event"
	"  BEGIN SELECT RAISE(ABORT, 'signers are append-only'); END;",
};

_Static_assert(sizeof migrations / sizeof migrations[0] == DB_SCHEMA_VERSION,
	       "DB_SCHEMA_VERSION must equal the number of migrations");

int db_migration_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *db_migration_sql(int i)
{
	return i >= 0 && i < db_migration_count() ? migrations[i] : NULL;
}

size_t db_audit_trigger_count(void)
{
	return sizeof audit_triggers / sizeof audit_triggers[0];
}

void db_audit_trigger(size_t i, const char **name, const char **sql)
{
	*name = audit_triggers[i][0];
	*sql = audit_triggers[i][1];
}
