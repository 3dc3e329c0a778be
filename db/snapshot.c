/* Loading the publisher's snapshot of the registry in one read transaction. */
#include "db/publication.h"
#include "db/snapshot.h"
#include "db/db_internal.h"
#include "db/stmt.h"
#include "db/tsp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fill_service(sqlite3_stmt *st, void *service)
{
	struct db_service *s = service;
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->type_uri = db_column_strdup(st, 1);
	s->name_vi = db_column_strdup(st, 2);
	s->name_en = db_column_strdup(st, 3);
	int n = sqlite3_column_bytes(st, 4);
	s->cert_der = malloc(n > 0 ? (size_t)n : 1);
	if (s->cert_der && n > 0)
		memcpy(s->cert_der, sqlite3_column_blob(st, 4), (size_t)n);
	s->cert_der_len = (size_t)n;
	snprintf(s->cert_sha256, sizeof s->cert_sha256, "%s", (const char *)sqlite3_column_text(st, 5));
	return s->cert_der && s->type_uri && s->name_vi && s->name_en ? 0 : -1;
}

/* What fill_service allocated; the timeline is loaded later. */
static void clear_service(void *service)
{
	struct db_service *s = service;
	free(s->type_uri);
	free(s->name_vi);
	free(s->name_en);
	free(s->cert_der);
}

static int load_services(struct db *db, struct db_tsp *t, char *err, size_t errlen)
{
	void *rows;
	if (db_stmt_collect(db, "cannot read services", "SELECT s.id, s.type_uri, s.name_vi, s.name_en, c.der, "
			    "c.sha256 FROM service_now s JOIN cert c ON c.id = s.cert_id WHERE s.tsp_id = ? ORDER BY s.id",
			    DB_ARGS(db_arg_int(t->id)), sizeof *t->services, fill_service, clear_service, &rows,
			    &t->service_count, err, errlen))
		return -1;
	t->services = rows;
	for (size_t i = 0; i < t->service_count; i++)
		if (db_service_timeline(db, t->services[i].id, &t->services[i].timeline,
					&t->services[i].timeline_count, err, errlen))
			return -1;
	return 0;
}

static const char *const lists[3] = {"roots", "foreign", "pointer"};

static int load_audit_head(struct db *db, int64_t *head, char *err, size_t errlen)
{
	*head = 0;   /* an empty log has no head row */
	return db_stmt_int64(db, "cannot read the audit head", "SELECT last_id FROM audit_head WHERE one = 1",
			     DB_NO_ARGS, head, err, errlen) < 0 ? -1 : 0;
}

static int load_in_tx(struct db *db, struct db_snapshot *snap, char *err, size_t errlen)
{
	if (load_audit_head(db, &snap->audit_head_id, err, errlen))
		return -1;
	if (db_tsp_list(db, &snap->tsps, &snap->tsp_count, err, errlen))
		return -1;
	for (size_t i = 0; i < snap->tsp_count; i++) {
		if (load_services(db, &snap->tsps[i], err, errlen))
			return -1;
		for (size_t j = 0; j < snap->tsps[i].service_count; j++) {
			const struct db_service *svc = &snap->tsps[i].services[j];
			for (size_t k = 0; k < svc->timeline_count; k++)
				if (svc->timeline[k].id > snap->status_upto)
					snap->status_upto = svc->timeline[k].id;
		}
	}
	for (int i = 0; i < 3; i++) {
		int rc = db_publication_last(db, lists[i], &snap->last[i]);
		if (rc < 0)
			return db_sql_error(db, "cannot read publications", err, errlen);
		snap->has_last[i] = rc == 0;
	}
	return 0;
}

int db_snapshot_load(struct db *db, struct db_snapshot **out, char *err, size_t errlen)
{
	*out = NULL;
	struct db_snapshot *snap = calloc(1, sizeof *snap);
	if (!snap)
		return db_msg(-1, err, errlen, "out of memory");
	snap->taken_at = db_now();
	if (db_begin_read(db, err, errlen)) {
		free(snap);
		return -1;
	}
	int rc = load_in_tx(db, snap, err, errlen);
	db_rollback(db);
	if (rc) {
		db_snapshot_free(snap);
		return -1;
	}
	*out = snap;
	return 0;
}

void db_snapshot_free(struct db_snapshot *snap)
{
	if (!snap)
		return;
	db_tsps_free(snap->tsps, snap->tsp_count);
	free(snap);
}
