/* Publications of the lists: last one, and recording a new one. */
#include "db/publication.h"
#include "db/db_internal.h"
#include "db/stmt.h"
#include "db/users.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int list_known(const char *list)
{
	return list && (strcmp(list, "roots") == 0 || strcmp(list, "foreign") == 0 || strcmp(list, "pointer") == 0);
}

/* The row's columns; the caller has put the list's name into out->list. */
static int publication_from_row(sqlite3_stmt *st, void *pub)
{
	struct db_publication *out = pub;
	out->sequence = sqlite3_column_int64(st, 0);
	out->issued = sqlite3_column_int64(st, 1);
	out->next_update = sqlite3_column_int64(st, 2);
	snprintf(out->sha256, sizeof out->sha256, "%s", (const char *)sqlite3_column_text(st, 3));
	out->status_upto = sqlite3_column_int64(st, 4);
	return 0;
}

static int last_in(struct db *db, const char *list, struct db_publication *out)
{
	struct db_publication found = {0};
	snprintf(found.list, sizeof found.list, "%s", list);
	int rc = db_stmt_one(db, "cannot read the last publication", "SELECT sequence, issued, next_update, sha256, "
			     "status_upto FROM publication WHERE list = ? ORDER BY sequence DESC LIMIT 1",
			     DB_ARGS(db_arg_text(list)), publication_from_row, &found, NULL, 0);
	if (rc == 0)
		*out = found;
	return rc;
}

int db_publication_last(struct db *db, const char *list, struct db_publication *out)
{
	if (!list_known(list))
		return -1;
	return last_in(db, list, out);
}

static int hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int record_in_tx(struct db *db, const char *actor, const struct db_publication *pub, char *err,
			size_t errlen)
{
	struct db_publication last;
	int rc = last_in(db, pub->list, &last);
	if (rc < 0)
		return db_sql_error(db, "cannot read the last publication", err, errlen);
	if (rc == 0 && pub->sequence <= last.sequence)
		return db_msg(1, err, errlen, "list %s: sequence %" PRId64 " is not greater than the last published (%"
			      PRId64 ")", pub->list, pub->sequence, last.sequence);
	if (db_stmt_exec(db, "cannot record the publication",
			 "INSERT INTO publication (list, sequence, issued, next_update, sha256, recorded_at, "
			 "status_upto) VALUES (?, ?, ?, ?, ?, ?, ?)",
			 DB_ARGS(db_arg_text(pub->list), db_arg_int(pub->sequence), db_arg_int(pub->issued),
				 db_arg_int(pub->next_update), db_arg_text(pub->sha256), db_arg_int(db_now()),
				 db_arg_int(pub->status_upto)),
			 err, errlen))
		return -1;
	char object[40], detail[256];
	snprintf(object, sizeof object, "list:%s", pub->list);
	snprintf(detail, sizeof detail,
		 "{\"issued\":%" PRId64 ",\"next_update\":%" PRId64 ",\"sequence\":%" PRId64 ",\"sha256\":\"%s\"}",
		 pub->issued, pub->next_update, pub->sequence, pub->sha256);
	return db_audit_append(db, actor && *actor ? actor : "publisher", "list.publish", object, detail, err, errlen);
}

int db_publication_record(struct db *db, const struct db_publication *pub, char *err, size_t errlen)
{
	return db_publication_record_by(db, NULL, pub, err, errlen);
}

int db_publication_record_by(struct db *db, const char *actor, const struct db_publication *pub, char *err,
			     size_t errlen)
{
	if (!list_known(pub->list))
		return db_msg(1, err, errlen, "unknown list '%s' (roots, foreign, pointer)", pub->list);
	if (pub->sequence <= 0 || !hex64(pub->sha256) || pub->next_update <= pub->issued)
		return db_msg(1, err, errlen, "publication of %s: needs a positive sequence, a lowercase hex SHA-256 "
			      "and a next update after the issue time", pub->list);
	if (db_begin_write(db, err, errlen))
		return -1;
	int rc = record_in_tx(db, actor, pub, err, errlen);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

int db_publication_confirm_large_change(struct db *db, const char *actor, const char *list, int64_t listed,
					int64_t dropped, long max_drop_percent, char *err, size_t errlen)
{
	if (!list_known(list))
		return db_msg(1, err, errlen, "unknown list '%s' (roots, foreign, pointer)", list);
	if (db_begin_write(db, err, errlen))
		return -1;
	struct db_user u;
	int rc = db_user_require(db, actor, DB_ROLE_APPROVER, &u, err, errlen);
	if (rc == 0) {
		char object[40], detail[160];
		snprintf(object, sizeof object, "list:%s", list);
		snprintf(detail, sizeof detail,
			 "{\"dropped\":%" PRId64 ",\"listed\":%" PRId64 ",\"max_drop_percent\":%ld}", dropped,
			 listed, max_drop_percent);
		rc = db_audit_append(db, actor, "list.large-change-confirmed", object, detail, err, errlen);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}
