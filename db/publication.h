/* Publications: what the publisher has published, per list. The sequence
 * number of a list only grows.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h).
 * db_publication_last takes no err: 1 means never published. */
#ifndef VNTL_DB_PUBLICATION_H
#define VNTL_DB_PUBLICATION_H

#include <stddef.h>

#include "db/snapshot.h"

struct db;

/* Last publication of `list` ("roots", "foreign", "pointer"): 0 found,
 * 1 never published, -1 error. */
int db_publication_last(struct db *db, const char *list, struct db_publication *out);

/* Record a publication in one transaction with an audit entry (actor
 * "publisher"). 1 (refused) when the sequence is not greater than the last
 * one of that list, or the record is malformed; -1 on error. */
int db_publication_record(struct db *db, const struct db_publication *pub, char *err, size_t errlen);
/* The same, audited as the acting user `actor` (vntl --as; NULL or "": "publisher"). */
int db_publication_record_by(struct db *db, const char *actor, const struct db_publication *pub, char *err,
			     size_t errlen);

/* An approver confirms a publication that drops `dropped` of the `listed`
 * services list `list` trusts now (the large-change rule of vntl publish):
 * audited as "list.large-change-confirmed" by `actor`, in one transaction.
 * 1 (refused) when actor is not an approver; -1 on error. */
int db_publication_confirm_large_change(struct db *db, const char *actor, const char *list, int64_t listed,
					int64_t dropped, long max_drop_percent, char *err, size_t errlen);

#endif
