/* Seals: every row whose content reaches a published list (a TSP, a
 * service with its certificate, a status timeline entry) is bound to the
 * hash-chained audit log. The audit entry of the transaction that writes
 * such a row records the row's digest under "rows" in its detail, e.g.
 * {"rows":{"service:12":"<sha256>","status:45":"<sha256>"}}; a registry
 * migrated from before seals existed gets one "registry.baseline" entry
 * holding the digests of the rows it had.
 *
 * Before signing, the publisher checks the snapshot it is about to publish
 * against those digests (db_registry_check), so a byte changed in the file
 * by anything but vntl is refused even when the audit table itself is
 * intact.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h). For the checks, 1 means a row does not
 * match its seal (or the chain is broken), named in err.
 */
#ifndef VNTL_DB_SEAL_H
#define VNTL_DB_SEAL_H

#include <stddef.h>

#include "db/snapshot.h"

struct db;

/* Does every TSP, service (certificate bytes included) and timeline entry
 * of `snap` match the digest its audit entry recorded (only entries up to
 * snap->audit_head_id count), and is every sealed row still present?
 * 0 yes; 1 no, with the first row at fault and its audit entry named in
 * err; -1 on a database error. */
int db_seal_check(struct db *db, const struct db_snapshot *snap, char *err, size_t errlen);

/* db_seal_check on a snapshot taken now (vntl audit verify, the admin
 * API): 0 every published row matches its seal, 1 not (message in err),
 * -1 error. */
int db_seal_check_now(struct db *db, char *err, size_t errlen);

/* Everything the publisher checks before it signs: SQLite's own
 * PRAGMA quick_check, the schema version (exactly DB_SCHEMA_VERSION), the
 * whole audit chain up to its recorded head, then db_seal_check.
 * 0 trusted; 1 refused (audit chain broken, a row that does not match its
 * seal, wrong schema); -1 the database is damaged (quick_check) or cannot
 * be read. The message says what is wrong and where. */
int db_registry_check(struct db *db, const struct db_snapshot *snap, char *err, size_t errlen);

#endif
